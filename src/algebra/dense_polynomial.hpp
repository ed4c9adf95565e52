// Polynomials in one variable with rational coefficients, as dense vectors: the arithmetic
// of ddx's high-order derivatives (nth_derivative.cpp), where each order is a few products
// of such polynomials. GiNaC's own polynomials are trees of sums and products whose every
// operation allocates and evaluates; a vector of CLN rationals is what a step needs.
//
// The step from one order to the next, on integers, runs on GMP's integers instead: CLN's
// numbers are immutable, so every product and sum made (allocated, normalised, copied) a
// new bignum, three quarters of a 200th derivative's time, where GMP adds a product in
// place (mpz_addmul).
#pragma once

#include <ginac/ginac.h>

#include <cln/integer.h>
#include <cln/rational.h>
#include <gmpxx.h>
#include <optional>
#include <vector>

namespace ddx::high_order {

// A polynomial in one variable with rational coefficients, dense: index = degree.
using dense = std::vector<cln::cl_RA>;
// One with integer coefficients that grow in place.
using integer_dense = std::vector<mpz_class>;

// An integer from CLN to GMP and back (small ones by a machine word, big ones by their
// hexadecimal digits).
mpz_class to_gmp(const cln::cl_I& n);
cln::cl_I to_cln(const mpz_class& n);
// p's coefficients as GMP integers; nothing where one is not an integer.
std::optional<integer_dense> to_integers(const dense& p);
dense to_rationals(const integer_dense& p);

// p, a polynomial in v with rational coefficients, as a dense vector; nothing for anything
// else, or above degree 1000.
std::optional<dense> to_dense(const GiNaC::ex& p, const GiNaC::ex& v);

// The templates of C below are defined for C = cln::cl_RA (dense) and mpz_class
// (integer_dense).

// p without zero coefficients above its degree (0 stays {0}).
template <class C>
void trim(std::vector<C>& p);

// Products, sums and multiples, trimmed.
dense operator*(const dense& a, const dense& b);
template <class C>
std::vector<C> operator+(std::vector<C> a, const std::vector<C>& b);
template <class C>
std::vector<C> scaled(std::vector<C> a, const typename std::vector<C>::value_type& c);

// into += factor*a*b in place, into growing as needed (an empty into is 0); not trimmed:
// trim once when done adding. b and factor are the small ones.
void add_product(integer_dense& into, const integer_dense& a, const integer_dense& b, const mpz_class& factor);

// d/dx of a polynomial in v, times `factor`, into `into` (whose integers keep their storage):
// in u = exp(g*x) it scales u^k by g*k; in x it is the usual.
void derivative(integer_dense& into, const integer_dense& p, bool in_u, const mpz_class& g, const mpz_class& factor);

// 1 or -1 as a CLN rational, made from a non-negative C integer (CLN's header shifts a
// negative one left, which UBSan rightly reports).
cln::cl_RA unit(int sign);

// How often v - root divides p, p left divided by it that often.
int divide_out_root(dense& p, const cln::cl_RA& root);

// Whether (v - 1)^2 or (v + 1)^2 divides p.
bool has_repeated_unit_root(dense p);

// p / d when d (not zero) divides p exactly.
std::optional<dense> divided_exactly(dense p, const dense& d);
// p = p / d where d, primitive (its coefficients without a common factor), divides it
// exactly (true), in place: no integer is allocated anew. Else p is left as it was (false).
bool divide_exactly(integer_dense& p, const integer_dense& primitive);

// Whether p is the zero polynomial (trimmed: {0}).
template <class C>
bool is_zero(const std::vector<C>& p);

// p(v) multiplied out, built from GiNaC's own pairs (power, coefficient): no product
// object per term.
GiNaC::ex sum_of_powers(const dense& p, const GiNaC::ex& v);

}  // namespace ddx::high_order
