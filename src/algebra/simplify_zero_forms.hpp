// Forms for the exact zero test (simplify_zero.cpp): rewritings that are identities on the
// whole complex plane (principal branches), so that a form that normal() finds 0 proves the
// original 0, and that relate parts normal() alone sees as unrelated symbols.
#pragma once

#include <ginac/ginac.h>

#include <optional>

namespace ddx {

/// `e` with each root of a positive rational split into roots of coprime factors
/// (sqrt(3/2)*sqrt(6) is 3^(1/2)*2^(-1/2)*2^(1/2)*3^(1/2) = 3), and each root of a sum
/// with rational coefficients with the sum's positive rational content taken out
/// (sqrt(1 - x^2/4) = sqrt(4 - x^2)/2): (c*u)^q = c^q*u^q for every complex u when c > 0;
/// a root of a downward quadratic in one real symbol with rational roots split into the
/// roots of its factors (sqrt(x - x^2) = sqrt(x)*sqrt(1 - x)).
GiNaC::ex roots_without_content(const GiNaC::ex& e);

/// `e` with the roots of numbers and the rational content of roots of sums taken out only
/// (no quadratic split): a shorter printed form (1/(2*sqrt(1 - x^2/4)) is 1/sqrt(4 - x^2)).
GiNaC::ex roots_without_rational_content(const GiNaC::ex& e);

/// `e` with sin, cos, tan of arguments sum of k*b (k rational) as rational functions of
/// z_b = exp(I*g*b), and sinh, cosh, tanh, exp likewise of w_b = exp(g*b) (g: the gcd of
/// the k seen with b; a term k*pi of a circular argument as its value where GiNaC knows
/// it), each z_b, w_b a new symbol: a rational function of them that is 0 proves `e` 0
/// where `e` is defined. Nothing where `e` has no such call, or the rewriting passes its
/// bounds (how many bases, how high the powers of a symbol).
std::optional<GiNaC::ex> trig_as_exponentials(const GiNaC::ex& e);

}  // namespace ddx
