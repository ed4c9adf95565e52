// The ddx program: the REPL on a terminal, otherwise a script from a file, -e or stdin.
#include <ddx/codegen.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/session.hpp>
#include <ddx/version.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "app/guard.hpp"
#include "app/repl.hpp"

namespace {

const char* usage =
    "usage: ddx [OPTIONS]              the REPL (on a terminal; otherwise reads a script from stdin)\n"
    "       ddx [OPTIONS] FILE         run a script\n"
    "       ddx [OPTIONS] -e 'TEXT'    run TEXT (several -e: their texts as successive lines)\n"
    "options:\n"
    "  --timeout SECONDS   stop a script that runs longer (default: no limit)\n"
    "  --memory MEGABYTES  memory budget (default: 4096)\n"
    "  --version, --help\n";

struct options {
    std::string text;    // from -e (several: one line after the other, as perl and sed join them)
    std::string file;    // script file
    bool has_text = false;
    unsigned timeout = 0;
    std::size_t memory_mb = 4096;
};

int run_script(const std::string& text) {
    ddx::session s;
    // minimize and fit report progress on long runs; the library itself prints nothing
    s.set_progress_sink([](const std::string& line) { std::cerr << line << std::endl; });
    try {
        ddx::stoppable_region region;
        s.run(text, std::cout);
    } catch (const ddx::error& e) {
        std::cout.flush();
        std::cerr << ddx::format_error(e, text) << std::endl;
        return 1;
    } catch (const std::exception& e) {
        const char* message = dynamic_cast<const std::bad_alloc*>(&e) ? ddx::failed_allocation_message() : e.what();
        std::cout.flush();
        std::cerr << "error: " << message << std::endl;
        return 1;
    }
    return 0;
}

bool parse_number(const char* text, unsigned long& out) {
    char* end = nullptr;
    errno = 0;
    out = std::strtoul(text, &end, 10);
    return errno == 0 && end && *end == '\0' && *text != '\0' && *text != '-';
}

int run_program(void* arg) {
    const options& o = *static_cast<const options*>(arg);
    ddx::set_memory_budget(o.memory_mb << 20);
    ddx::install_stop_handlers();
    // The library only reports an interpreted fallback; the program says so once.
    ddx::set_interpreter_fallback_handler([](const std::string& why) {
        static std::once_flag told;
        std::call_once(told, [&] { std::cerr << "ddx: compiled evaluation unavailable, interpreting instead (" << why << ")\n"; });
    });
    if (o.has_text) {
        ddx::set_time_limit(o.timeout);
        return run_script(o.text);
    }
    if (!o.file.empty()) {
        std::ifstream file(o.file, std::ios::binary);
        struct stat info {};
        if (!file || (::stat(o.file.c_str(), &info) == 0 && S_ISDIR(info.st_mode))) {
            std::cerr << "error: cannot open " << o.file << ": "
                      << (file ? "it is a directory" : std::strerror(errno)) << '\n';
            return 1;
        }
        std::stringstream in;
        in << file.rdbuf();
        ddx::set_time_limit(o.timeout);
        return run_script(in.str());
    }
    if (isatty(STDIN_FILENO)) {
        ddx::session s;
        return ddx::run_repl(s);
    }
    std::stringstream in;
    in << std::cin.rdbuf();
    ddx::set_time_limit(o.timeout);
    return run_script(in.str());
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        unsigned long n = 0;
        if (a == "--version") {
            std::cout << "ddx " << DDX_VERSION << '\n';
            return 0;
        } else if (a == "--help" || a == "-h") {
            std::cout << usage;
            return 0;
        } else if (a == "-e" && i + 1 < args.size()) {
            if (o.has_text) o.text += '\n';
            o.text += args[++i];
            o.has_text = true;
        } else if (a == "--timeout" && i + 1 < args.size() && parse_number(args[i + 1].c_str(), n)) {
            o.timeout = static_cast<unsigned>(n);
            ++i;
        } else if (a == "--memory" && i + 1 < args.size() && parse_number(args[i + 1].c_str(), n) && n > 0) {
            o.memory_mb = n;
            ++i;
        } else if (!a.empty() && a[0] != '-' && o.file.empty() && !o.has_text) {
            o.file = a;
        } else {
            std::cerr << "ddx: bad argument '" << a << "'\n" << usage;
            return 2;
        }
    }
    if (o.has_text && !o.file.empty()) {
        std::cerr << usage;
        return 2;
    }
    return ddx::run_with_large_stack(run_program, &o);
}
