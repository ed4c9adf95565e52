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

/// Reads a program one statement at a time, so that the statements before a syntax error
/// run before it is reported.
/// \code
/// ddx::statement_reader reader("x = 1\ny = x +\nz = 3");
/// reader.next();  // the statement x = 1
/// reader.next();  // throws ddx::error at 2:8: unexpected end of line
/// \endcode
class statement_reader {
public:
    /// A reader of `text`, a whole program: `ddx::statement_reader reader(text)`. It is
    /// split into tokens here (`text` is not kept), but any error in it, even a bad
    /// character, is thrown by the next() that reaches it.
    explicit statement_reader(const std::string& text);
    /// Frees the reader's tokens and parser state.
    ~statement_reader();
    /// The next statement, or nothing at the end. Throws ddx::error on a syntax error.
    /// `while (auto st = reader.next()) interpreter.execute(*st);`
    std::optional<statement> next();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Parses a whole program: statements separated by newlines or `;`, `#` comments.
/// Throws ddx::error with the position of the first syntax error.
/// `parse_program("a = 2; f(x) = x^2 # square\nf(a) + 1")` gives three statements: an
/// assignment, a definition and an expression (see ddx::statement).
std::vector<statement> parse_program(const std::string& text);

/// Whether `text` ends inside an open bracket (the REPL then asks for more lines).
/// `needs_more_input("f(x")` is true; `needs_more_input("[1, 2]")` is false.
bool needs_more_input(const std::string& text);

/// Parses one expression into GiNaC, with names looked up in `symbols` and the
/// language's functions and constants. `parse("(y - (a*x + b))^2", symbols)`.
GiNaC::ex parse(const std::string& text, symbol_table& symbols);

}  // namespace ddx
