// How big an expression is, for simplify's limits: which candidates are worth forming.
#pragma once

#include <ginac/ginac.h>

#include <cstddef>

namespace ddx {

/// Above this many nodes GiNaC::factor is not tried, so that simplify stays in milliseconds
/// where GiNaC's normal does.
constexpr std::size_t factor_node_limit = 400;
/// Above this many tree nodes no candidate is formed: the expression stays as it is.
constexpr std::size_t normal_node_limit = 20000;

/// The nodes of e read as a tree (preorder), counted up to just past `limit`.
std::size_t node_count(const GiNaC::ex& e, std::size_t limit);

/// About how many terms expand(e) would make (a power of a sum counts its multinomial
/// terms), saturating at 1e18: ddx::estimated_expanded_terms.
double expanded_terms_estimate(const GiNaC::ex& e);

}  // namespace ddx
