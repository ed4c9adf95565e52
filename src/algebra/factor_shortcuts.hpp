// Factorizations found before GiNaC::factor, for the shapes where its search is slowest. It
// lifts the factors of a polynomial modulo a prime and then tries their combinations, a
// search exponential in their number; the cyclotomic polynomials Phi_d split modulo every
// prime into many factors, so factor(x^100 - 1) took 112 s, x^60 - y^60 and
// (x^120 - 1)*(x + 2) multiplied out over 20 s, where each Phi_d is known without any search.
// And its factorization in several symbols is slower than in one: a homogeneous polynomial in
// two symbols factors as one in one symbol does.
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

// p, an expanded polynomial in one symbol with integer coefficients (degree at most 5,000),
// as the product of the cyclotomic polynomials Phi_d(x) that divide it (each as often as it
// does), then of the scaled ones Phi_d(s*x, r) (roots r/s times the primitive d-th roots of
// unity; up to degree 1,000) for the scales r/s its Newton polygon suggests, and
// `factor_rest` of what is left; nothing where none divides p, or p is not such a
// polynomial. The candidates are the d up to 7 times p's degree with phi(d) at most the
// degree (every d with phi(d) <= n is below 7n for n >= 2; a Phi_d beyond would be left to
// factor_rest). Each is ruled out first where p's value at (r/s)*exp(2*pi*i/d), in doubles,
// is clearly not 0, and tested by exact division otherwise.
std::optional<GiNaC::ex> cyclotomic_part(const GiNaC::ex& p, const std::function<GiNaC::ex(const GiNaC::ex&)>& factor_rest);

// p, an expanded polynomial in exactly two symbols with integer coefficients, every term of the
// same total degree n, as y^(n - m) times the homogenized factors of q(x) = p(x, 1) (degree
// m), factored by `factor_univariate`; nothing for anything else. x is the symbol whose name
// comes first, so each factor's highest power of x has a positive coefficient. The
// homogenization of an irreducible polynomial is irreducible, so irreducible factors of q
// give irreducible factors of p. expand((x^27 - 3^27*y^27)*(x^7 + 3^7*y^7)): GiNaC over 30 s,
// in one symbol 10 ms.
std::optional<GiNaC::ex> homogeneous_factors(const GiNaC::ex& p, const std::function<GiNaC::ex(const GiNaC::ex&)>& factor_univariate);

// GiNaC::factor(p) with p's symbols renamed so that the one of lowest degree comes first in
// GiNaC's order of symbols (ties by name), and named back after. GiNaC's factorization in
// several symbols takes the first symbol in its order, which follows hash values, as its main
// variable, and factors images in that symbol alone: (x^40 + y)*(x^30 - y^2 + 1) multiplied
// out took 36.5 s with x first (images of degree 70, whose modular factors it combines) and
// 0.09 s with y first (degree 3). Which came first depended on the symbols' creation order.
GiNaC::ex factor_lowest_degree_first(const GiNaC::ex& p);

// p, an expanded polynomial in two or more symbols with rational coefficients whose
// coefficients as a polynomial in one symbol v share a factor with symbols in it (its
// content, a polynomial in the other symbols): unit * factor_all(content) *
// factor_all(primitive part), v the first symbol by name that has one; nothing otherwise.
// The pieces then meet the shortcuts above on their own: in
// (x^53 + 1)*(3^25*x^25 + y^25)*(3^10*x^10 + 2^10*y^10) multiplied out, x^53 + 1 is a
// binomial and the rest homogeneous (GiNaC's own factorization: 86 s).
std::optional<GiNaC::ex> content_split(const GiNaC::ex& p, const std::function<GiNaC::ex(const GiNaC::ex&)>& factor_all);

}  // namespace ddx
