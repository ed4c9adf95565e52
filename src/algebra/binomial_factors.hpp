// Binomials factored through cyclotomic polynomials. GiNaC::factor lifts the factors of a
// polynomial modulo a prime and then tries their combinations, a search exponential in
// their number; x^n - 1 and x^n + 1 split modulo every prime into many factors, so
// factor(x^100 - 1) took 112 s and x^60 - y^60 over 20 s, where each cyclotomic factor
// Phi_d is known without any search.
#pragma once

#include <ginac/ginac.h>

#include <functional>
#include <optional>

namespace ddx {

// The factors of p when p is a binomial c1*U + c2*V (U, V products of powers of symbols, c1,
// c2 integers), or nothing. With g the monomial both terms share, p = g*(c1*u^k + c2*v^k)
// for the largest such k; where c2/c1 = +-(b/a)^m for a divisor m of k, with s = k/m,
// u^k - r^m*v^k = prod over d | m of Phi_d(u^s, r*v^s), and u^k + r^m*v^k the same product
// over the divisors d of 2m that do not divide m (Phi_d homogeneous in its two arguments,
// scaled by a to integer coefficients). A factor is irreducible over the rationals where
// s = 1 and u and v are single symbols (or v = 1); any other is handed to `factor_rest`.
// Throws ddx::error where the factors would hold more than limits::expanded_terms terms.
std::optional<GiNaC::ex> binomial_factors(const GiNaC::ex& p, const std::function<GiNaC::ex(const GiNaC::ex&)>& factor_rest);

}  // namespace ddx
