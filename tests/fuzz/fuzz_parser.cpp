// libFuzzer target: ddx::parse_program on arbitrary bytes. Only ddx::error may leave the
// parser; any other exception, a crash, a sanitizer report or a hang is a finding. An error
// must carry a position inside the text (line >= 1, column >= 1, line <= lines + 1).
#include <ddx/error.hpp>
#include <ddx/parser.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace {

[[noreturn]] void finding(const char* what, const std::string& text, const std::string& detail) {
    std::fprintf(stderr, "\n==== ddx fuzz finding: %s\n%s\n---- input (%zu bytes)\n", what, detail.c_str(),
                 text.size());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 1 << 16) return -1;
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        std::vector<ddx::statement> program = ddx::parse_program(text);
        (void)ddx::needs_more_input(text);
    } catch (const ddx::error& e) {
        ddx::position p = e.where();
        long lines = 1 + std::count(text.begin(), text.end(), '\n');
        if (p.line < 1 || p.column < 1 || p.line > lines + 1) {
            finding("syntax error without a valid position", text,
                    std::string(e.what()) + " at " + std::to_string(p.line) + ":" + std::to_string(p.column));
        }
        if (std::string(e.what()).empty()) finding("syntax error without a message", text, "");
        (void)ddx::format_error(e, text);
    } catch (const std::exception& e) {
        finding("an exception other than ddx::error escaped parse_program", text,
                std::string(typeid(e).name()) + ": " + e.what());
    } catch (...) {
        finding("a non-std exception escaped parse_program", text, "");
    }
    return 0;
}
