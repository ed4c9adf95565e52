// The interpreter: one session holds the bound names, user functions and settings. The
// REPL, scripts, `-e` and piped input all run statements through it.
#pragma once

#include <ddx/data.hpp>
#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>
#include <ginac/ginac.h>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace ddx {

/// An arbitrary-precision result of `evalf`, printed with `digits` significant digits.
struct precise_value {
    GiNaC::ex number;
    int digits = 0;
};

/// Doubles from `eval`, laid out like `shape` (a number, a list or a list of lists).
/// Separate from GiNaC numbers because these may be inf or nan.
struct double_value {
    std::vector<double> values;
    GiNaC::ex shape;
};

/// A result printed with a comment line after it: the point `minimize` and `fit` reach
/// (a list of `name = value`) and `# ...` saying how they got there; a plot's `# ...` line.
struct annotated_value {
    GiNaC::ex shown;      // printed first, unless it is an empty list
    std::string comment;  // lines starting with '#'
};

/// What a statement evaluates to: an expression (also a list or list of lists), a string
/// (`latex(...)`, `ccode(...)`, string literals), an arbitrary-precision number, doubles, a
/// data table (`load`) or an annotated result.
using value = std::variant<GiNaC::ex, std::string, precise_value, double_value, data_table, annotated_value>;

/// A value as an expression: strings, tables, inf and nan are errors at `where`.
GiNaC::ex as_expression(const value& v, position where = {});

/// A function defined with `f(x, y) = body`.
struct user_function {
    std::vector<GiNaC::ex> params;  // symbols
    GiNaC::ex body;
};

/// One line of `help`: a built-in's name, call forms, what it gives, a runnable example.
struct builtin_help {
    std::string name, signature, summary, example;
};

/// Every built-in of the language, in the order `help` lists them.
std::vector<builtin_help> builtin_help_table();

class session {
public:
    session();

    /// Parses and runs `text`; each expression statement's value is written to `out` as one
    /// line as soon as it is computed. Throws ddx::error at the first failing statement
    /// (nothing of that statement is written; earlier statements keep their effects).
    void run(const std::string& text, std::ostream& out);

    /// Runs one parsed statement; returns the printed value of an expression statement.
    std::optional<std::string> execute(const statement& s);

    /// Evaluates one syntax tree in this session.
    value evaluate(const node& n);

    /// The one-line text of a value, as the contract prints it.
    std::string format(const value& v) const;

    symbol_table& symbols() { return symbols_; }
    const std::map<std::string, value>& bindings() const { return bindings_; }
    const std::map<std::string, user_function>& functions() const { return functions_; }

    /// Everything a user can type as a name: built-ins, functions, constants, bindings.
    std::vector<std::string> completions() const;

private:
    friend struct builtin_context;

    value call(const node& n);
    value call_user_function(const node& n);

    symbol_table symbols_;
    std::map<std::string, value> bindings_;
    std::map<std::string, user_function> functions_;
    std::string defining_;            // the function being defined, to reject recursion
    std::vector<std::string> locals_;  // its parameters, which shadow bound names
};

}  // namespace ddx
