// libFuzzer target: ddx::parse_program on arbitrary bytes. Only ddx::error may leave the
// parser; any other exception, a crash, a sanitizer report or a hang is a finding. An error
// must carry a position inside the text (line >= 1, column >= 1, line <= lines + 1).
// Wherever ddx::parse's polynomial fast path reads the text, the general parser must read
// it too, to the same expression.
#include <ddx/error.hpp>
#include <ddx/parser.hpp>

#include "lang/build.hpp"
#include "lang/polynomial_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <typeinfo>

namespace {

[[noreturn]] void finding(const char* what, const std::string& text, const std::string& detail) {
    std::fprintf(stderr, "\n==== ddx fuzz finding: %s\n%s\n---- input (%zu bytes)\n", what, detail.c_str(),
                 text.size());
    std::abort();
}

void check_fast_path(const std::string& text) {
    ddx::symbol_table symbols;
    std::optional<GiNaC::ex> fast = ddx::parse_polynomial_text(text, symbols);
    if (!fast) return;
    std::vector<ddx::statement> program;
    try {
        program = ddx::parse_program(text);
    } catch (const ddx::error& e) {
        finding("the polynomial fast path read a text the parser rejects", text, e.what());
    }
    if (program.size() != 1 || program[0].type != ddx::statement::kind::expression) {
        finding("the polynomial fast path read a text that is not one expression", text, "");
    }
    GiNaC::ex general;
    try {
        general = ddx::build_expression(program[0].body, symbols);
    } catch (const ddx::error& e) {
        finding("the polynomial fast path read a text the parser cannot evaluate", text, e.what());
    }
    if (!fast->is_equal(general)) finding("the polynomial fast path and the parser disagree", text, "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 1 << 16) return -1;
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_fast_path(text);
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
