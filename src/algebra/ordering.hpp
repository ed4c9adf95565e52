// A deterministic reading order for terms and factors. GiNaC orders them by hash values,
// which change between runs; printing must not.
#pragma once

#include <ddx/detail/node_map.hpp>
#include <ginac/ginac.h>
#include <cstdint>
#include <string>

namespace ddx {

struct sort_key {
    double degree = 0;  // higher first
    int group = 0;   // lower first
};

/// Whether a term carries a minus sign of its own (a negative number or coefficient).
bool has_negative_sign(const GiNaC::ex& term);

/// Whether a number reads with a minus sign: -2, -1/3, -2*sqrt(-1) (not 1 - 2*sqrt(-1)).
bool is_negative_number(const GiNaC::numeric& n);

/// Terms: higher total degree in the symbols first (`x^2 + 2*x + 1`), with exp(k*x) of
/// degree k (`exp(2*x) - 2*exp(x) + 1`, `1 + exp(-x)`); numbers before other terms of the
/// same degree, then by their text.
sort_key term_key(const GiNaC::ex& term);

/// Factors: names and their powers, then functions, then sums (`2*x*exp(x)*(1 + x)`).
sort_key factor_key(const GiNaC::ex& factor);

/// The gcd of the rational coefficients of a sum's terms (1 if one is not rational, or for
/// anything but a sum):
/// 2*a*x - 4*b has content 2. GiNaC distributes numbers over sums; printing and lowering
/// take them out again.
GiNaC::numeric sum_content(const GiNaC::ex& sum);

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
