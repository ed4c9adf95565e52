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
// for the largest such k. Where |c1| = a^m and |c2| = b^m for a divisor m of k (the largest),
// s = k/m, X = a*u^s and Y = b*v^s, that is g*(c1/a^m)*(X^m +- Y^m); X^m - Y^m is the product
// of the homogeneous cyclotomic polynomials Phi_d(X, Y) over the divisors d of m, and
// X^m + Y^m the same product over the divisors of 2m that do not divide m. A factor is
// irreducible over the rationals where s = 1 and u and v are single symbols or 1; any other
// is handed to `factor_rest`. Throws ddx::error where the factors would hold more than
// limits::expanded_terms terms.
std::optional<GiNaC::ex> binomial_factors(const GiNaC::ex& p, const std::function<GiNaC::ex(const GiNaC::ex&)>& factor_rest);

}  // namespace ddx
