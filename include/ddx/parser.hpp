// Text -> statements (ddx's own lexer and parser: GiNaC's parser reports every error at
// line 0, column 0).
#pragma once

#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>
#include <ginac/ginac.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ddx {

/// How deeply brackets, unary signs and `^` may nest; deeper input is an error, not a
/// stack overflow.
constexpr int max_nesting = 1000;

/// Reads a program one statement at a time, so that the statements before a syntax error
/// run before it is reported.
class statement_reader {
public:
    explicit statement_reader(const std::string& text);
    ~statement_reader();
    /// The next statement, or nothing at the end. Throws ddx::error on a syntax error.
    std::optional<statement> next();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Parses a whole program: statements separated by newlines or `;`, `#` comments.
/// Throws ddx::error with the position of the first syntax error.
std::vector<statement> parse_program(const std::string& text);

/// Whether `text` ends inside an open bracket (the REPL then asks for more lines).
bool needs_more_input(const std::string& text);

/// Parses one expression into GiNaC, with names looked up in `symbols` and the
/// contract's functions and constants. `parse("(y - (a*x + b))^2", symbols)`.
GiNaC::ex parse(const std::string& text, symbol_table& symbols);

}  // namespace ddx
