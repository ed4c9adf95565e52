// How ddx's high-order derivatives read f (nth_derivative.cpp): as exp(h) * N / D with N a
// polynomial in x or u = exp(g*x) and in generators (calls whose derivatives are again
// polynomials in x and the generators over q), D factored square-free. The analysis is
// what every order of f shares: the generators and their rules, q, W, q', h' q, T' q, and
// the numerators N_0, N_1, ... computed so far.
#pragma once

#include "algebra/dense_polynomial.hpp"

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace ddx::high_order {

using GiNaC::ex;
using GiNaC::numeric;

// A denominator c * p_1^e_1 * ... * p_k^e_k.
struct factored_denominator {
    ex constant = 1;
    // p_i, e_i: e_i is rational for a power factor p^(-e_i) of f (sqrt(1 + x^2) is
    // 1/(1 + x^2)^(-1/2)), else a whole number
    std::vector<std::pair<ex, numeric>> factors;
};

// The exponents of a denominator's factors, in their order.
using exponents = std::vector<numeric>;
struct exponents_less {
    bool operator()(const exponents& a, const exponents& b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                            [](const numeric& l, const numeric& r) { return l < r; });
    }
};

// A function of x standing as a variable of the numerators: T (atan, atanh or log of a
// rational function), whose derivative T' is rational, or one of sin(a*x + b), cos(...),
// sinh, cosh, exp(a*x + b), whose derivative is a constant times one of them.
struct generator {
    ex call;
    GiNaC::symbol symbol;
    std::vector<std::pair<size_t, cln::cl_RA>> derivative;  // (generator, coefficient); empty for T
    // tan and tanh of c*x + b: G' = square_free + square*G^2 (c*(1 + G^2), c*(1 - G^2)); the
    // degree grows by one each order
    cln::cl_RA square_free = 0, square = 0;
};

// The powers of the generators, one exponent each, and the polynomial multiplying them.
using monomial = std::vector<int>;
template <class C>
using terms_of = std::map<monomial, std::vector<C>>;
using numerator_terms = terms_of<cln::cl_RA>;
using integer_terms = terms_of<mpz_class>;  // the step's (dense_polynomial.hpp)

// Which tan and tanh calls are read as generators: none, those of rational functions of x,
// or those of any generators too (nth_derivative.hpp's tangents_of).
enum class tangent_reading { none, of_rational_functions, of_any_generators };

// What one f and x give, kept for the calls that ask for other orders of the same f.
struct analysis {
    ex f, x;
    tangent_reading tangents = tangent_reading::none;  // which tan and tanh are generators
    // by its numerators; else by its first derivative's, or by neither (remembered too: every
    // order asks again)
    enum class route { numerators, first_derivative, none } by = route::none;
    ex exp_factor = 1;     // exp(h)
    numeric g = 0;         // u = exp(g*x); 0: no u
    GiNaC::symbol u{"u"};
    std::vector<generator> generators;
    // the generators T (atan, atanh, log of a rational function: T' is rational), each with
    // T' q, times scale
    std::map<size_t, integer_terms> logarithmic;
    // sin and cos (sinh and cosh) of one argument, and the sign in cos^2 = 1 - sin^2
    // (cosh^2 = 1 + sinh^2): the numerators keep cos to the first power, so that their
    // monomials grow linearly with the order, not quadratically
    struct square_rule {
        size_t odd, even;
        int sign;
    };
    std::vector<square_rule> squares;
    // S = sqrt(P), the root beside asin, acos and asinh of a polynomial: S^2 = P (integer
    // coefficients, in x), so that S stands to the first power at most
    struct root_rule {
        size_t root;
        integer_dense square;
    };
    std::vector<root_rule> roots;
    factored_denominator den;
    // how often each p_i divides q: 1, or k where h' or a T' has p_i^k below (exp(1/x));
    // order n's denominator is D times p_i^(q_powers[i] * n) for each i
    std::vector<int> q_powers;
    // the p_i as polynomials in v with integer coefficients, c_i p_i (the terms of generators
    // are reduced by them); empty for a p_i in the generators (1/(2 + sin(x))), which is not
    // divided out. A quotient by c_i p_i is c_i times the quotient by p_i.
    std::vector<dense> factors;
    std::vector<cln::cl_I> factor_scales;  // the c_i
    std::vector<ex> factor_symbols;  // the p_i in the generators' symbols
    bool in_u = false;                // the dense polynomials are in u (else in x)
    // q, W, q', h', T' q, and the generators' rates, each times `scale` (the lcm of their
    // denominators): the numerators are kept as integers, numerator_scale * scale^(2n) N_n
    // (CLN adds fractions through a gcd: 41% of tanh(5/7*x + 6)/(1 + x^2)'s time)
    // q, W, q', T' q: polynomials in v and the generators (q has generators where D has)
    integer_terms q, w, dq;
    integer_terms hq;  // h' q, times scale^2
    cln::cl_RA scale = 1, numerator_scale = 1, scaled_g = 0;
    std::vector<integer_terms> numerators;  // N_0, N_1, ... as far as asked
    double products = 0;                      // coefficient products the steps made so far
    // each order's numerator as made: its monomials and coefficients (their growth with the
    // order projects an order asked for before it is made)
    std::vector<std::pair<size_t, size_t>> numerator_sizes;
    int lowest_order = 1;                     // below it, the rules and simplify answer
    int highest_order = std::numeric_limits<int>::max();  // above it, the numerators grew too big
};

// A polynomial in v and the generators' symbols by monomials in the generators, with dense
// coefficients in v; nothing past max_monomials or where a coefficient is not a polynomial
// in v over the rationals.
std::optional<numerator_terms> by_monomials_of(const ex& polynomial, const std::vector<generator>& generators, const ex& v,
                                               size_t max_monomials = 256);

// n with every cos^2 (cosh^2) written as 1 - sin^2 (1 + sinh^2), and every S^2 as P.
void reduce_squares(integer_terms& n, const analysis& a);

// n's coefficients as GMP integers (nothing where one is not an integer), and back.
std::optional<integer_terms> to_integers(const numerator_terms& n);
numerator_terms to_rationals(const integer_terms& n);

// f's analysis: read once, then found among the last few (f, x), so that asking for orders
// 1..n of one f costs n steps in all. A cache of a pure function's results, like GiNaC's
// remember tables, one per thread (GiNaC's objects must not be shared between threads).
// The reference holds until the next call.
analysis& analysed(const ex& f, const ex& x, bool may_step_first, tangent_reading tangents);

// Whether `e` is a rational function of the symbols in `vars` with rational coefficients.
bool is_rational_in(const ex& e, const GiNaC::lst& vars);

// Whether `node` is a call of tan or tanh.
bool is_tangent_call(const ex& node);

// tan and tanh are the generators whose derivative has a square: the degree grows.
inline bool is_tangent(const generator& g) { return !cln::zerop(g.square); }

}  // namespace ddx::high_order
