// The ddx program: REPL on a terminal, otherwise a script from a file, -e or stdin.
#include <ddx/error.hpp>
#include <ddx/session.hpp>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "repl.hpp"

namespace {

const char* usage =
    "usage: ddx                 start the REPL (on a terminal)\n"
    "       ddx FILE            run a script\n"
    "       ddx -e 'TEXT'       run TEXT\n"
    "       ddx < FILE          run standard input as a script\n"
    "       ddx --version | --help\n";

int run_script(const std::string& text) {
    ddx::session s;
    try {
        s.run(text, std::cout);
    } catch (const ddx::error& e) {
        std::cout.flush();
        std::cerr << ddx::format_error(e, text) << std::endl;
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc == 1) {
        if (isatty(STDIN_FILENO)) {
            ddx::session s;
            return ddx::run_repl(s);
        }
        std::stringstream in;
        in << std::cin.rdbuf();
        return run_script(in.str());
    }
    std::string first = argv[1];
    if (first == "--version") {
        std::cout << "ddx " << DDX_VERSION << '\n';
        return 0;
    }
    if (first == "--help" || first == "-h") {
        std::cout << usage;
        return 0;
    }
    if (first == "-e") {
        if (argc != 3) {
            std::cerr << usage;
            return 2;
        }
        return run_script(argv[2]);
    }
    if (argc != 2 || (first.size() > 1 && first[0] == '-')) {
        std::cerr << usage;
        return 2;
    }
    std::ifstream file(first, std::ios::binary);
    if (!file) {
        std::cerr << "error: cannot open " << first << ": " << std::strerror(errno) << '\n';
        return 1;
    }
    std::stringstream in;
    in << file.rdbuf();
    return run_script(in.str());
}
