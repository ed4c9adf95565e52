// The library's side of the determinism test: runs a script through ddx::session, one
// statement per line, and prints what each prints (errors as their message), as a library
// user's program would. tests/determinism/run.sh runs it in several processes and compares.
//
//     session_forms SCRIPT
#include <ddx/ddx.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: session_forms SCRIPT\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "session_forms: cannot read " << argv[1] << "\n";
        return 2;
    }
    ddx::session interpreter;
    std::string line;
    while (std::getline(in, line)) {
        std::ostringstream out;
        try {
            interpreter.run(line, out);
            std::cout << out.str();
        } catch (const ddx::error& e) {
            std::cout << "error: " << e.what() << "\n";
        }
    }
    return 0;
}
