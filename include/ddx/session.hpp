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

/// An arbitrary-precision result of `evalf`, printed with `digits` significant digits:
/// `evalf(sqrt(2), digits = 30)` gives one that session::format prints as
/// `1.41421356237309504880168872421`.
struct precise_value {
    /// The value from ddx::evaluate_precise: a number or a list of numbers.
    GiNaC::ex number;
    /// The significant digits to print (print_options::float_digits).
    int digits = 0;
};

/// Doubles from `eval`, laid out like `shape` (a number, a list or a list of lists).
/// Separate from GiNaC numbers because these may be inf or nan.
/// `eval([x, 1/x], x = 0)` gives values {0.0, inf} in the shape `[x, 1/x]`, printed
/// `[0.0, inf]`.
struct double_value {
    /// The numbers, row-major, as ddx::evaluate_double returns them.
    std::vector<double> values;
    /// The evaluated expression: a list (of lists) places `values` in order, anything else
    /// stands for the one value.
    GiNaC::ex shape;
};

/// A result printed with a comment line after it: the point `minimize` and `fit` reach
/// (a list of `name = value`) and `# ...` saying how they got there; a plot's `# ...` line.
/// `minimize((x - 1)^2, [x], [0])` gives one whose `shown` is `[x = ...]`, with x close to 1,
/// and whose comment is `# value ... after 2 iterations (gd); converged: ...`.
struct annotated_value {
    GiNaC::ex shown;      ///< printed first, unless it is an empty list
    std::string comment;  ///< lines starting with '#'
};

/// What a statement evaluates to: an expression (also a list or list of lists), a string
/// (`latex(...)`, `ccode(...)`, string literals), an arbitrary-precision number, doubles, a
/// data table (`load`) or an annotated result.
using value = std::variant<GiNaC::ex, std::string, precise_value, double_value, data_table, annotated_value>;

/// A value as an expression: strings, tables, inf and nan are errors at `where`.
/// An annotated value gives its `shown` part, doubles their numbers in their shape:
/// `as_expression(interpreter.bindings().at("y"))` is `3*x^2` after `y = f'(x)` (see session).
GiNaC::ex as_expression(const value& v, position where = {});

/// A function defined with `f(x, y) = body`. After `f(x) = x^3`, `interpreter.functions()`
/// maps "f" to one with `params` {x} and `body` `x^3`.
struct user_function {
    std::vector<GiNaC::ex> params;  ///< symbols
    /// The body as an expression in `params`; a call substitutes the arguments for them.
    GiNaC::ex body;
};

/// One line of `help`: a built-in's name, call forms, what it gives, a runnable example.
/// For `diff`: name `diff`, signature `diff(e, x), diff(e, x, n), diff(e, x, 2, y)`, summary
/// `derivative, n-th derivative or mixed partial`, example `diff(x^3*y, x, 2, y)`.
struct builtin_help {
    /// The built-in's name, as it is called: `diff`.
    std::string name, signature, summary, example;
};

/// \var std::string builtin_help::signature
/// Its call forms: `diff(e, x), diff(e, x, n), diff(e, x, 2, y)`.

/// \var std::string builtin_help::summary
/// What it gives: `derivative, n-th derivative or mixed partial`.

/// \var std::string builtin_help::example
/// A call that runs as it is: `diff(x^3*y, x, 2, y)`.

/// Every built-in of the language, in the order `help` lists them.
/// `for (const ddx::builtin_help& h : ddx::builtin_help_table()) std::cout << h.signature << "\n";`
std::vector<builtin_help> builtin_help_table();

/// An interpreter of the ddx language: its statements see the names bound and the functions
/// defined by the statements before them.
/// \code
/// ddx::session interpreter;
/// interpreter.run("f(x) = x^3\ny = f'(x)\ndiff(f(x), x, 2); eval(y, x = 2)", std::cout);
/// // prints 6*x and 12.0; y is bound to 3*x^2
/// std::string y = interpreter.format(interpreter.bindings().at("y"));  // "3*x^2"
/// \endcode
class session {
public:
    /// A session with no bindings and no user functions: `ddx::session interpreter;`.
    session();

    /// Parses and runs `text`; each expression statement's value is written to `out` as one
    /// line as soon as it is computed. Throws ddx::error at the first failing statement
    /// (nothing of that statement is written; earlier statements keep their effects).
    /// `interpreter.run("k = 2; k^2 + 1", std::cout)` writes `5`; ddx::format_error shows
    /// how to report an error.
    void run(const std::string& text, std::ostream& out);

    /// Runs one parsed statement; returns the printed value of an expression statement.
    /// \code
    /// for (const ddx::statement& st : ddx::parse_program("k = 2\nk^2"))
    ///     if (auto line = interpreter.execute(st)) std::cout << *line << "\n";  // 4
    /// \endcode
    std::optional<std::string> execute(const statement& s);

    /// Evaluates one syntax tree in this session, binding nothing:
    /// `interpreter.evaluate(ddx::parse_program("k + 1")[0].body)`.
    value evaluate(const node& n);

    /// The text of a value, as the contract prints it: one line, followed by the comment
    /// lines of an annotated value. `interpreter.format(interpreter.bindings().at("y"))` is
    /// "3*x^2".
    std::string format(const value& v) const;

    /// The session's symbols, for expressions that must match its own:
    /// `ddx::parse("x + 1", interpreter.symbols())` uses the x of its statements.
    symbol_table& symbols() { return symbols_; }
    /// The values bound with `name = value`, by name:
    /// `interpreter.bindings().at("y")` after `y = f'(x)`.
    const std::map<std::string, value>& bindings() const { return bindings_; }
    /// The functions defined with `f(x) = body`, by name:
    /// `interpreter.functions().at("f").body` after `f(x) = x^3` is `x^3`.
    const std::map<std::string, user_function>& functions() const { return functions_; }

    /// Everything a user can type as a name: built-ins, functions, constants, bindings.
    /// Sorted: `interpreter.completions()` starts `E`, `abs`, `acos`, ...
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
