// High-order derivatives of rational functions of x and exp(k*x) (times one exp(h(x))) by
// polynomial arithmetic, for ddx::diff.
#pragma once

#include <ginac/ginac.h>
#include <optional>

namespace ddx {

/// d^order f / dx^order over its common denominator, where f (or, as for atan(x), its first
/// derivative) is a rational function with rational coefficients of exp(c*x) alone (c
/// rational) or of x alone, possibly times one exp(h) with h a polynomial in x, or else a
/// polynomial with such coefficients in atan(p), atanh(p) or log(p) (p rational in x and the
/// other functions) and, from order 4 on, in sin, cos, sinh, cosh and exp of linear
/// arguments, over polynomials in them, times fractional powers of such polynomials and one
/// exp(h) or b^c whose exponent's derivative is rational in them (nth_derivative.cpp says
/// how); nothing where it is not, or for order < 1. `(1 - exp(-x))/(1 + exp(-x))`, order 2:
/// `-sinh(x/2)/(2*cosh(x/2)^3)`; `log(x)/x`, order 2: `(2*log(x) - 3)/x^3`.
std::optional<GiNaC::ex> nth_derivative_by_polynomials(const GiNaC::ex& f, const GiNaC::ex& x, int order);

/// Which tan and tanh calls are generators besides the others: those of rational functions
/// of x (tanh(5/7*x + 6), tanh(1/x)), or also those of the other generators (tanh(sin(x))),
/// whose forms print longer at low orders (tanh(sin(x))'s 6th by 45%) but are polynomials
/// where the rules' sums grow past millions of terms (its 50th: 0.5 s, 7 s by the rules).
enum class tangents_of { rational_functions, any_generators };

/// The same with tan and tanh among the generators too (tan' = c*(1 + tan^2): the degree in
/// them grows by one each order), for orders past what simplifying order after order can
/// afford: tanh(5/7*x + 6)/(1 + x^2) to order 100 took 79 s by the rules, its sums reaching
/// millions of terms.
std::optional<GiNaC::ex> nth_derivative_by_polynomials_with_tangents(const GiNaC::ex& f, const GiNaC::ex& x, int order,
                                                                     tangents_of which = tangents_of::rational_functions);

/// Whether f holds tan or tanh of an argument other than a rational function of x
/// (tanh(sin(x))), which only tangents_of::any_generators reads.
bool has_tangents_of_generators(const GiNaC::ex& f, const GiNaC::ex& x);

}  // namespace ddx
