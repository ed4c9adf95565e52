// Simplify's candidates: the equivalent forms it compares (simplify.cpp chooses among them).
#pragma once

#include "algebra/simplify_budget.hpp"

#include <ginac/ginac.h>

#include <cstddef>
#include <vector>

namespace ddx {

/// An equivalent form of the expression, and what it costs beyond its printed length (one
/// character per exponential and one more where it writes exp(x) against the input's
/// majority exp(-x), or the other way round).
struct candidate {
    GiNaC::ex form;
    std::size_t extra_cost;
};

/// The candidates for `e`, in the order in which simplify meets them (of two that print
/// alike, it returns the first, whose tree may differ): e, e with its
/// exponentials combined, then each generator's forms in a fixed order (rational forms in
/// exp(x) or exp(-x), Pythagorean identities, Pythagorean pairs, double angles, normal(e),
/// over a common denominator, expanded), each distinct one once, then each of those with
/// trigonometric ratios taken and with powers merged where that changes it. A generator
/// that fails loses only its own forms; a stop propagates (simplify_attempt.hpp).
std::vector<candidate> simplify_candidates(const GiNaC::ex& e, work_budget& budget);

}  // namespace ddx
