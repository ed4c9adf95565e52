// ddx's own printer. GiNaC orders terms by hash values, which differ between runs, and
// prints `x^(-1)`, `-y+x`; this one sorts terms itself and writes what a person writes.
#pragma once

#include <cstdint>
#include <ginac/ginac.h>
#include <vector>
#include <string>

namespace ddx {

/// How to_string prints. With `v = evaluate_precise(parse("pi", s), {}, 20)`,
/// `to_string(v, print_options{20})` is `3.1415926535897932385`; `to_string(v)` prints only
/// a double's digits.
struct print_options {
    /// Significant digits for arbitrary-precision floats (0: print them as doubles).
    int float_digits = 0;
};

/// One line, valid ddx input, and valid SymPy input once `^` reads as `**`:
/// `-2*x*(y - a*x - b)`, `2*exp(-x)/(1 + exp(-x))^2`, `[1.0, 2.5]`.
/// `to_string(parse("x^(-1) - y + x", s))` is `x - y + 1/x`.
std::string to_string(const GiNaC::ex& e, const print_options& options = {});

/// One term of a power series: `coefficient` times `power`, a power (x - x0)^k.
struct series_term {
    GiNaC::ex coefficient;
    GiNaC::ex power;
};

/// A power series with its terms in the order given (ddx's printer would order a sum by
/// its own rules), each term's sign taken from its coefficient: `1 - x^2/6 + x^4/120`,
/// `cos(1) - sin(1)*(x - 1) - cos(1)*(x - 1)^2/2`; no terms print `0`.
std::string series_to_string(const std::vector<series_term>& terms, const print_options& options = {});

/// A lower bound on the length of `to_string(e)` without its spaces, in time linear in e's
/// tree and far below printing's, or `cap + 1` as soon as the bound passes `cap`: simplify
/// prints only candidates that can still win. `printed_length_lower_bound(parse("x + y", s))`
/// is 3.
size_t printed_length_lower_bound(const GiNaC::ex& e, size_t cap = SIZE_MAX - 1);

/// LaTeX source for `e`: `\frac{2 e^{-x}}{\left(1 + e^{-x}\right)^{2}}`.
std::string to_latex(const GiNaC::ex& e);

/// The shortest text that reads back to the same double: `2.0`, `0.1`, `1e-300`, `inf`.
std::string format_double(double d);

}  // namespace ddx
