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
/// simplify's work budget for an expression of n distinct nodes: base + n * per_node units
/// (about a millisecond of GiNaC's normal() per 700 units on this machine: so a budget is
/// about 30 ms plus 30 us per node).
constexpr double simplify_base_units = 20000;
constexpr double simplify_units_per_node = 20;  // (see simplify_budget.hpp)

/// The nodes of e read as a tree (preorder), counted up to just past `limit`.
std::size_t node_count(const GiNaC::ex& e, std::size_t limit);

/// About how many terms expand(e) would make (a power of a sum counts its multinomial
/// terms), saturating at 1e18: ddx::estimated_expanded_terms.
double expanded_terms_estimate(const GiNaC::ex& e);

/// At most how many terms expand(e) makes where e is a polynomial in its atoms (symbols, and
/// calls and roots taken as symbols; no negative powers): the monomials of e's total degree,
/// bounded through the tree, in that many atoms. 1e18 for anything else. Where a product of
/// many factors multiplies out to few terms (factor's output expanded again), the product
/// of the factors' term counts is millions while this is a few thousand.
double polynomial_terms_bound(const GiNaC::ex& e);

/// About how many terms the numerator and denominator of normal(e) can have together: e
/// read as a rational function of its atoms (symbols, and calls and roots held as
/// temporary symbols), the total degrees of numerator and denominator bounded through the
/// tree (no common factor assumed), and the dense count of monomials of those degrees in
/// that many atoms. An upper bound of what normal() and the gcds under it handle, saturating
/// at 1e18; cheap (one walk of the distinct nodes).
double normal_form_terms_estimate(const GiNaC::ex& e);

/// The units simplify may spend on `e` (simplify_budget.hpp): a base for small expressions
/// plus simplify_units_per_node per distinct node.
double simplify_units(const GiNaC::ex& e);

/// The work units of normal(e) (simplify_budget.hpp): its terms estimate times its
/// logarithm, for the gcds that cancel them, times (atoms / normal_cost_atoms)^2 past that
/// many atoms.
double normal_cost(const GiNaC::ex& e);

/// GiNaC's gcds are recursive in the atoms (symbols, calls, roots): a unit of normal_cost
/// took about 1.5 microseconds at 4 atoms and grew about as the square of the atoms (3 at
/// 6, 10 at 8, 15 at 12, in 840 normal() calls of 3rd to 7th derivatives of products of
/// radicals, exponentials and logarithms of sums of calls). Charged from 6 atoms on: from 4,
/// the stepwise budget of sin(sin(x)) ran out earlier and its 40th derivative printed 34%
/// longer, in the same time (its normal forms over 5 and 6 atoms are few).
constexpr double normal_cost_atoms = 6;

/// How many times normal_cost a normal() over roots of non-numbers is charged: GiNaC takes
/// each root (or root symbol) for a symbol of high degree, and its gcds run far past the
/// estimate (80 to 190 microseconds a unit, against about 2).
constexpr double roots_normal_cost_factor = 8;

}  // namespace ddx
