#include "app/repl.hpp"

#include <ddx/functions.hpp>
#include <ddx/help.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/parser.hpp>
#include <ddx/printer.hpp>
#include <ddx/version.hpp>

#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <readline/history.h>
#include <readline/readline.h>

namespace ddx {
namespace {

// readline's completion callbacks are plain C functions; this is the session they read.
session* completing = nullptr;

char* complete_name(const char* text, int state) {
    static std::vector<std::string> matches;
    static size_t next = 0;
    if (state == 0) {
        matches.clear();
        next = 0;
        size_t n = std::strlen(text);
        for (const std::string& name : completing->completions()) {
            if (name.compare(0, n, text) == 0) matches.push_back(name);
        }
    }
    if (next >= matches.size()) return nullptr;
    return strdup(matches[next++].c_str());
}

char** complete(const char* text, int, int) {
    rl_attempted_completion_over = 1;  // no file-name completion
    rl_completion_append_character = '\0';
    return rl_completion_matches(text, complete_name);
}

// Ctrl-C at the prompt abandons the line being typed. readline's own signal handling is
// off (the same handler also interrupts computations); its reads come through here, and a
// read interrupted by Ctrl-C ends the line, which the loop then discards.
bool line_cancelled = false;

// Waits in slices, so that a Ctrl-C that arrives between two reads is seen too.
int interruptible_getc(FILE* stream) {
    while (true) {
        if (pending_stop() == stop_reason::interrupt) {
            take_stop();
            line_cancelled = true;
            return '\n';
        }
        pollfd p{fileno(stream), POLLIN, 0};
        int ready = ::poll(&p, 1, 100);
        if (ready <= 0) continue;  // timeout or EINTR: look at the flag again
        unsigned char c;
        ssize_t n = ::read(fileno(stream), &c, 1);
        if (n == 1) return c;
        if (n == 0 || errno != EINTR) return EOF;
    }
}

std::string history_file() {
    const char* home = std::getenv("HOME");
    return home ? std::string(home) + "/.ddx_history" : "";
}

std::string trimmed(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// REPL commands that are not statements: help, help NAME, vars.
bool run_command(session& s, const std::string& text) {
    std::string line = trimmed(text);
    if (line == "help") {
        std::cout << "Built-ins (help NAME for one); functions:";
        for (const math_function& f : math_functions()) {
            if (f.c_name) std::cout << " " << f.name;  // conjugate is the identity on real symbols
        }
        std::cout << "; constants: pi E. vars lists your names.\n";
        for (const builtin_help& b : builtin_help_table()) {
            std::cout << "  " << b.signature << "\n      " << b.summary << "\n";
        }
        return true;
    }
    if (line.rfind("help ", 0) == 0) {
        std::string name = trimmed(line.substr(5));
        for (const builtin_help& b : builtin_help_table()) {
            if (name == b.name) {
                std::cout << b.signature << "\n  " << b.summary << "\n  example: " << b.example << "\n";
                return true;
            }
        }
        std::cout << "no built-in called '" << name << "'; type help for the list\n";
        return true;
    }
    if (line == "vars") {
        for (const auto& [name, v] : s.bindings()) std::cout << name << " = " << s.format(v) << "\n";
        for (const auto& [name, f] : s.functions()) {
            std::string params;
            for (const GiNaC::ex& p : f.params) params += (params.empty() ? "" : ", ") + to_string(p);
            std::cout << name << "(" << params << ") = " << to_string(f.body) << "\n";
        }
        return true;
    }
    return false;
}

}  // namespace

int run_repl(session& s) {
    completing = &s;
    s.set_progress_sink([](const std::string& line) { std::cerr << line << std::endl; });  // minimize, fit
    s.set_notice_sink([](const std::string& line) { std::cout << line << std::endl; });  // sinn(x): once per name
    rl_readline_name = "ddx";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = const_cast<char*>(" \t\n+-*/^()[],=;'");
    rl_catch_signals = 0;
    rl_getc_function = interruptible_getc;
    std::string history = history_file();
    if (!history.empty()) {
        read_history(history.c_str());
        if (FILE* f = std::fopen(history.c_str(), "a")) std::fclose(f);  // append_history needs it
    }
    std::cout << "ddx " << DDX_VERSION << " - symbolic derivatives. help lists the built-ins; Ctrl-D quits." << std::endl;
    while (true) {
        std::string text;
        const char* prompt = "> ";
        line_cancelled = false;
        while (true) {
            char* line = readline(prompt);
            if (!line) {
                std::cout << '\n';
                if (!history.empty()) write_history(history.c_str());
                return 0;
            }
            text += line;
            std::free(line);
            if (line_cancelled || !needs_more_input(text)) break;
            text += '\n';
            prompt = ". ";
        }
        if (line_cancelled) {
            std::cout << "^C" << std::endl;
            continue;
        }
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        add_history(text.c_str());
        if (!history.empty()) append_history(1, history.c_str());
        try {
            stoppable_region region;
            if (!run_command(s, text)) s.run(text, std::cout);
        } catch (const error& e) {
            std::cerr << format_error(e, text) << std::endl;
        } catch (const std::bad_alloc&) {
            const char* message = failed_allocation_message();
            std::cerr << "error: " << message << std::endl;
        } catch (const std::exception& e) {
            std::cerr << "error: " << e.what() << std::endl;
        }
        std::cout.flush();
    }
}

}  // namespace ddx
