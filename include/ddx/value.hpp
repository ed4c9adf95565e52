// What a statement of the language evaluates to.
#pragma once

#include <ddx/data.hpp>
#include <ddx/error.hpp>
#include <ddx/printer.hpp>

#include <ginac/ginac.h>
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

/// A Taylor series from `series`, printed in ascending powers as a person writes one:
/// `series(sin(x)/x, x, 0, 6)` prints `1 - x^2/6 + x^4/120 - x^6/5040`. As an expression
/// (`s + 1`, `diff(s, x)`) it is the sum of its terms, printed in ddx's usual order.
struct series_value {
    /// c_k and (x - x0)^k for ascending k, the zero ones left out.
    std::vector<series_term> terms;
};

/// What a statement evaluates to: an expression (also a list or list of lists), a string
/// (`latex(...)`, `ccode(...)`, string literals), an arbitrary-precision number, doubles, a
/// data table (`load`), an annotated result or a series.
using value = std::variant<GiNaC::ex, std::string, precise_value, double_value, data_table, annotated_value,
                           series_value>;

/// A value as an expression: strings, tables, inf and nan are errors at `where`.
/// An annotated value gives its `shown` part, doubles their numbers in their shape, a series
/// the sum of its terms:
/// `as_expression(interpreter.bindings().at("y"))` is `3*x^2` after `y = f'(x)` (see session).
GiNaC::ex as_expression(const value& v, position where = {});

}  // namespace ddx
