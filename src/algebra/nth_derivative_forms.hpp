// How a high-order derivative's polynomials are written back as expressions a person reads:
// contents and roots at 1 and -1 taken out, palindromes in u = exp(g*x) as cosh and sinh,
// rational functions over powers of 1 + u as sums over cosh(g*x/2)^b.
#pragma once

#include "algebra/dense_polynomial.hpp"

namespace ddx::high_order {

// u = exp(g*x) in a palindromic polynomial: u^k + u^(d-k) = 2*u^(d/2)*cosh((d/2 - k)*g*x).
struct pairing {
    GiNaC::numeric g;
    GiNaC::ex x;
};

// n(u)/(c*(1 + u)^b) with u = exp(g*x) as m/(c*2^b*cosh(g*x/2)^b): dividing above and below
// by u^(b/2) turns (1 + u)^b into (2*cosh(g*x/2))^b, and n(u)*u^(-b/2) into a sum of cosh
// (or sinh) of multiples of g*x/2 when n is symmetric (antisymmetric) about b/2. tanh's
// derivatives are: d/dx of (1 - exp(-x))/(1 + exp(-x)) is 1/(2*cosh(x/2)^2), as a textbook
// writes sech^2. Nothing where n has no such symmetry.
std::optional<GiNaC::ex> sech_form(dense n, size_t b, const GiNaC::ex& constant, const pairing& pair);

// Whether p multiplied out may read differently from readable_product(p): not where p has
// one term, nor where readable_product takes out only an integer (the printer weighs
// distributing an integer over the one sum factor of a product itself).
bool worth_multiplying_out(const dense& p);

// The polynomial as a product a person reads: rational content, v^m, (v - 1)^a, (v + 1)^b
// and the rest expanded. (GiNaC's factor would find more, at a cost of about a millisecond
// at degree 20; the rest is irreducible in the cases that matter, tanh's and Hermite's.)
// `scale` multiplies the content: p may be a scaled integer polynomial, whose coefficients
// are then divided by their gcd alone (a rational times each was a sixth of a 100th
// derivative's time).
GiNaC::ex readable_product(dense p, const GiNaC::ex& v, const pairing* pair, const cln::cl_RA& scale = 1);

// e with sqrt(P)*(-P)^n (n whole) in a product written (-1)^n*P^(n + 1/2), for each radicand
// P: GiNaC writes a whole power of 4 - x^2 as one of x^2 - 4 (moving the sign), which then
// stands beside sqrt(4 - x^2) instead of joining it.
GiNaC::ex with_roots_joined(const GiNaC::ex& e, const std::vector<GiNaC::ex>& radicands);

}  // namespace ddx::high_order
