// The built-ins of the language as `help` lists them.
#pragma once

#include <string>
#include <vector>

namespace ddx {

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

}  // namespace ddx
