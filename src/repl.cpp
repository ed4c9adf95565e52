#include "repl.hpp"

#include <ddx/error.hpp>
#include <ddx/parser.hpp>

#include <cstdio>
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
    return rl_completion_matches(text, complete_name);
}

std::string history_file() {
    const char* home = std::getenv("HOME");
    return home ? std::string(home) + "/.ddx_history" : "";
}

}  // namespace

int run_repl(session& s) {
    completing = &s;
    rl_readline_name = "ddx";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = const_cast<char*>(" \t\n+-*/^()[],=;'");
    std::string history = history_file();
    if (!history.empty()) read_history(history.c_str());
    std::cout << "ddx " << DDX_VERSION << " - symbolic derivatives. Ctrl-D quits.\n";
    while (true) {
        std::string text;
        const char* prompt = "> ";
        while (true) {
            char* line = readline(prompt);
            if (!line) {
                std::cout << '\n';
                if (!history.empty()) write_history(history.c_str());
                return 0;
            }
            text += line;
            std::free(line);
            if (!needs_more_input(text)) break;
            text += '\n';
            prompt = ". ";
        }
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        add_history(text.c_str());
        try {
            s.run(text, std::cout);
        } catch (const error& e) {
            std::cerr << format_error(e, text) << std::endl;
        }
    }
}

}  // namespace ddx
