// Simplification strategy: GiNaC supplies the canonical forms (normal, factor, expand,
// collect); ddx chooses among them by printed length, and adds what GiNaC does not do
// (combining exponentials, treating a rational function of exp(k*x) as one of exp(x)).
#pragma once

#include <ginac/ginac.h>
#include <cstddef>

namespace ddx {

/// The shortest equivalent form found (never longer than the input).
/// `simplify(exp(x)*exp(-x))` is 1; `simplify(d/dx tanh-as-exp)` is `2*exp(-x)/(1 + exp(-x))^2`.
GiNaC::ex simplify(const GiNaC::ex& e);

/// `e` over a common denominator with numerator and denominator factored over the rationals,
/// each factor expanded: `factor(parse("x^2*y - y", s))` is `y*(x - 1)*(x + 1)`. (GiNaC's
/// factor writes a factor such as a - b*t^2 + b collected in one symbol or another, b*(t^2 - 1)
/// + a, as its hash order, which changes from process to process, picks the symbol.)
GiNaC::ex factor(const GiNaC::ex& e);

/// `exp(a)*exp(b)` -> `exp(a + b)`, `exp(a)^n` -> `exp(n*a)`, everywhere in `e`.
/// `combine_exponentials(parse("exp(x)*exp(y)", s))` is `exp(x + y)`.
GiNaC::ex combine_exponentials(const GiNaC::ex& e);

/// About how many terms `expand(e)` would make (a power of a sum counts its multinomial
/// terms), saturating at 1e18; cheap, read before expanding.
/// `estimated_expanded_terms(parse("(x + y)^100000000", s))` is about 1e8.
double estimated_expanded_terms(const GiNaC::ex& e);

/// Throws ddx::error if expanding `e` would pass limits::expanded_terms (expand, normal and
/// factor are refused beyond it; simplify does not try them).
void check_expansion_size(const GiNaC::ex& e);

/// The measure simplify minimizes: the length of ddx's printed form, spaces not counted.
/// `printed_length(parse("x^2 + 2*x + 1", s))` is 11 and `printed_length(parse("(x + 1)^2", s))` 7.
std::size_t printed_length(const GiNaC::ex& e);

}  // namespace ddx
