// High-order derivatives of rational functions of x and exp(k*x) (times one exp(h(x))) by
// polynomial arithmetic, for ddx::diff.
#pragma once

#include <ginac/ginac.h>
#include <optional>

namespace ddx {

/// d^order f / dx^order over its common denominator, where f (or, as for atan(x), its first
/// derivative) is a rational function with rational coefficients of exp(c*x) alone (c
/// rational) or of x alone, possibly times one exp(h) with h a polynomial in x, or else a
/// polynomial in one atan(p), atanh(p) or log(p) with such coefficients (p such a rational
/// function); nothing where it is not, or for order < 1. `(1 - exp(-x))/(1 + exp(-x))`,
/// order 2: `-sinh(x/2)/(2*cosh(x/2)^3)`; `log(x)/x`, order 2: `(2*log(x) - 3)/x^3`.
std::optional<GiNaC::ex> nth_derivative_by_polynomials(const GiNaC::ex& f, const GiNaC::ex& x, int order);

}  // namespace ddx
