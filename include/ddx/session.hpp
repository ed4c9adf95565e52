// The interpreter: one session holds the bound names, user functions and settings. The
// REPL, scripts, `-e` and piped input all run statements through it.
#pragma once

#include <ddx/symbols.hpp>
#include <ddx/syntax.hpp>
#include <ddx/value.hpp>
#include <functional>
#include <ginac/ginac.h>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ddx {

/// A function defined with `f(x, y) = body`. After `f(x) = x^3`, `interpreter.functions()`
/// maps "f" to one with `params` {x} and `body` `x^3`.
struct user_function {
    std::vector<GiNaC::ex> params;  ///< symbols
    /// The body as an expression in `params`; a call substitutes the arguments for them.
    GiNaC::ex body;
};

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

    /// The text of a value, as ddx prints it: one line, followed by the comment
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

    /// Where long computations report progress: `sink` receives one line at a time (without
    /// a newline), like "# iteration 1200: value 0.25, gradient norm 0.001" from minimize
    /// and fit about once a second while a run is long. Empty (the default): none; the session
    /// itself writes nothing but to the `out` of run. The ddx program prints them on
    /// standard error:
    /// \code
    /// interpreter.set_progress_sink([](const std::string& line) { std::cerr << line << std::endl; });
    /// \endcode
    void set_progress_sink(std::function<void(const std::string& line)> sink) { progress_sink_ = std::move(sink); }

    /// Where the session reports, once per name, that a call names no function and builds an
    /// undefined function (as SymPy's Function('f')): `sink` receives "sinn is not a
    /// built-in; treated as an undefined function" for `sinn(x)`. Empty (the default): none.
    /// The REPL prints them; scripts keep quiet.
    void set_notice_sink(std::function<void(const std::string& line)> sink) { notice_sink_ = std::move(sink); }

private:

    value call(const node& n);
    value call_user_function(const node& n);
    value call_undefined_function(const node& n);

    symbol_table symbols_;
    std::map<std::string, value> bindings_;
    std::map<std::string, user_function> functions_;
    std::string defining_;            // the function being defined, to reject recursion
    std::vector<std::string> locals_;  // its parameters, which shadow bound names
    std::function<void(const std::string&)> progress_sink_;  // see set_progress_sink
    std::function<void(const std::string&)> notice_sink_;    // see set_notice_sink
    std::set<std::string> noticed_;                          // undefined functions reported
};

}  // namespace ddx
