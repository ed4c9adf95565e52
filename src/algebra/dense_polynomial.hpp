// Polynomials in one variable with rational coefficients, as dense vectors: the arithmetic
// of ddx's high-order derivatives (nth_derivative.cpp), where each order is a few products
// of such polynomials. GiNaC's own polynomials are trees of sums and products whose every
// operation allocates and evaluates; a vector of CLN rationals is what a step needs.
#pragma once

#include <ginac/ginac.h>

#include <cln/rational.h>
#include <optional>
#include <vector>

namespace ddx::high_order {

// A polynomial in one variable with rational coefficients, dense: index = degree.
using dense = std::vector<cln::cl_RA>;

// p, a polynomial in v with rational coefficients, as a dense vector; nothing for anything
// else, or above degree 1000.
std::optional<dense> to_dense(const GiNaC::ex& p, const GiNaC::ex& v);

// p without zero coefficients above its degree (0 stays {0}).
void trim(dense& p);

// Products, sums and multiples, trimmed.
dense operator*(const dense& a, const dense& b);
dense operator+(dense a, const dense& b);
dense scaled(dense a, const cln::cl_RA& c);

// into += factor*a*b in place, into growing as needed (an empty into is 0); not trimmed:
// trim once when done adding.
void add_product(dense& into, const dense& a, const dense& b, const cln::cl_RA& factor);

// d/dx of a polynomial in v, times `factor`: in u = exp(g*x) it scales u^k by g*k; in x it
// is the usual.
dense derivative(const dense& p, bool in_u, const cln::cl_RA& g, const cln::cl_RA& factor = 1);

// 1 or -1 as a CLN rational, made from a non-negative C integer (CLN's header shifts a
// negative one left, which UBSan rightly reports).
cln::cl_RA unit(int sign);

// How often v - root divides p, p left divided by it that often.
int divide_out_root(dense& p, const cln::cl_RA& root);

// Whether (v - 1)^2 or (v + 1)^2 divides p.
bool has_repeated_unit_root(dense p);

// p / d when d (not zero) divides p exactly.
std::optional<dense> divided_exactly(dense p, const dense& d);

// Whether p is the zero polynomial (trimmed: {0}).
bool is_zero(const dense& p);

// p(v) multiplied out, built from GiNaC's own pairs (power, coefficient): no product
// object per term.
GiNaC::ex sum_of_powers(const dense& p, const GiNaC::ex& v);

}  // namespace ddx::high_order
