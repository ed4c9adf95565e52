// Simplify's rewrite rules (simplify_rules.cpp lists them, each with why it holds on the
// reals). A rule named `..._at` rewrites one node whose operands are already rewritten, for
// rewrite_bottom_up (core/construct.hpp), and returns the node itself where it has nothing
// to do; the substitution rules are lists for GiNaC's subs.
#pragma once

#include <ginac/ginac.h>

#include <initializer_list>
#include <set>
#include <utility>
#include <vector>

namespace ddx {

/// The argument of an exponential split as coefficient * base (`-2*x` -> -2, x; `x + 1` ->
/// 1, x + 1): the coefficient is rational, or 1.
std::pair<GiNaC::numeric, GiNaC::ex> split_coefficient(const GiNaC::ex& arg);

/// The functions called anywhere in e (their GiNaC serials), from one walk of its distinct
/// nodes (GiNaC's has() with a pattern tries a match at every node of the tree).
std::set<unsigned> called_functions(const GiNaC::ex& e);

/// Whether one of `serials` is in `called` (a result of called_functions).
bool calls_any(const std::set<unsigned>& called, std::initializer_list<unsigned> serials);

/// exp(a)^k -> exp(k*a), exp(a)*exp(b) -> exp(a + b).
GiNaC::ex combine_exponentials_at(const GiNaC::ex& e);

/// Whether combine_powers_at has anything to do anywhere in e: a symbolic exponent, a power
/// of a power, a log of a power.
bool has_power_rewrite(const GiNaC::ex& e);

/// log(b^a) -> a*log(b) (a rational, not even), (b^p)^n -> b^(p*n) (n an integer),
/// b^p*b^q -> b^(p + q) (an exponent symbolic).
GiNaC::ex combine_powers_at(const GiNaC::ex& e);

/// sin(u)^p*cos(u)^q, p and q of opposite signs -> tan(u)^(+-k)*..., k = min(|p|, |q|);
/// sinh and cosh to tanh likewise.
GiNaC::ex trig_ratios_at(const GiNaC::ex& e);

/// a + b*f(u)^2 as one power where a Pythagorean identity applies (1 - tanh(u)^2 ->
/// 1/cosh(u)^2, 1 + tan(u)^2 -> 1/cos(u)^2, ...).
GiNaC::ex pythagorean_pair_at(const GiNaC::ex& e);

/// cosh, sinh and tanh written with exp.
GiNaC::ex hyperbolic_as_exp_at(const GiNaC::ex& e);

/// One identity for GiNaC's algebraic subs: `rule` (lhs == rhs with wildcards), whether its
/// result is also worth a normal(), and the functions its left side calls (where e calls
/// fewer, it cannot match).
struct identity_rule {
    GiNaC::relational rule;
    bool normalize;
    std::set<unsigned> functions;
};

/// sin^2 + cos^2 = 1 and cosh^2 - sinh^2 = 1 each way round, tan^2 and tanh^2 through
/// 1/cos^2 and 1/cosh^2, sin*cos = sin(2*u)/2: each applied on its own.
const std::vector<identity_rule>& pythagorean_rules();

/// sin^2, cos^2 and sin*cos through sin(2*u) and cos(2*u): applied all at once.
const GiNaC::lst& double_angle_rules();

}  // namespace ddx
