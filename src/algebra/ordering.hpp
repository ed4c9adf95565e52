// A deterministic reading order for terms and factors. GiNaC orders them by hash values,
// which change between runs; printing must not.
#pragma once

#include <ddx/detail/node_map.hpp>
#include <ginac/ginac.h>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddx {

struct sort_key {
    double degree = 0;           // higher first
    double function_degree = 0;  // then higher first: powers of functions and sums
    double harmonics = 0;        // then higher first: the k of calls f(k*u), times their powers
    int group = 0;               // then lower first
    // then, within a degree, the higher power of the alphabetically first name first
    // (a^3 + 3*a^2*b + 3*a*b^2 + b^3): the names and exponents, sorted by name
    std::vector<std::pair<std::string, double>> powers;
    // the functions and sums with their powers (`tanh(x)^3`), for lower_power_of
    std::vector<std::pair<GiNaC::ex, double>> function_powers;
};

/// Whether a term carries a minus sign of its own (a negative number or coefficient).
bool has_negative_sign(const GiNaC::ex& term);

/// Whether a number reads with a minus sign: -2, -1/3, -2*sqrt(-1) (not 1 - 2*sqrt(-1)).
bool is_negative_number(const GiNaC::numeric& n);

/// Terms: higher total degree in the symbols first (`x^2 + 2*x + 1`), with exp(k*x) of
/// degree k (`exp(2*x) - 2*exp(x) + 1`, `1 + exp(-x)`); then higher powers of functions and
/// sums (`tanh(x)^3 - tanh(x)`); then higher multiples in the arguments of calls
/// (`cosh(3*x) - 4*cosh(2*x) + cosh(x)`); numbers before other terms of the same degree; then by
/// names in alphabetical order, higher powers first (`a^2 + a*b + b^2`); then by their text.
sort_key term_key(const GiNaC::ex& term);

/// Factors: names and their powers, then functions, then sums (`2*x*exp(x)*(1 + x)`).
sort_key factor_key(const GiNaC::ex& factor);

/// The gcd of the rational coefficients of a sum's terms (1 if one is not rational, or for
/// anything but a sum):
/// 2*a*x - 4*b has content 2. GiNaC distributes numbers over sums; printing and lowering
/// take them out again.
GiNaC::numeric sum_content(const GiNaC::ex& sum);

/// Whether term `a` is a lower power of what term `b` is a power of (x of x^3, 1 of
/// anything, tanh(x)^3 of x*tanh(x)^5): its names, functions and sums all occur in `b` with
/// powers at least as high. Such a term is not moved before `b` to start a sum with a
/// positive term (`-x^3 + x + 1`), while others are (`y - a*x - b`).
bool lower_power_of(const sort_key& a, const sort_key& b);

/// Strict weak order on (key, text).
bool compare(const sort_key& a, const std::string& a_text, const sort_key& b,
             const std::string& b_text);

}  // namespace ddx

namespace ddx {

/// A hash of an expression's structure that is the same on every run (GiNaC's own hash
/// values depend on memory addresses), and blind to signs: a sum and its negation, 2*x and
/// -2*x hash alike, since GiNaC may hold either. Memoized: linear in the expression DAG.
class stable_hasher {
public:
    std::uint64_t operator()(const GiNaC::ex& e);

private:
    detail::node_map<std::uint64_t> memo_;
};

}  // namespace ddx
