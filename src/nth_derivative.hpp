// High-order derivatives of rational functions of x and exp(k*x) (times one exp(h(x))) by
// polynomial arithmetic, for ddx::diff.
#pragma once

#include <ginac/ginac.h>
#include <optional>

namespace ddx {

/// d^order f / dx^order, factored, where f is a rational function of x and exp(c*x) (c
/// rational), possibly times one exp(h) with h a polynomial in x; nothing where f is not of
/// that form or order < 2. `(1 - exp(-x))/(1 + exp(-x))`, order 2:
/// `-2*exp(-x)*(1 - exp(-x))/(1 + exp(-x))^3`.
std::optional<GiNaC::ex> nth_derivative_by_polynomials(const GiNaC::ex& f, const GiNaC::ex& x, int order);

}  // namespace ddx
