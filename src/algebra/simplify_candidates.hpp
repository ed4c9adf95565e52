// Simplify's candidates: the equivalent forms it compares (simplify.cpp chooses among them).
#pragma once

#include "algebra/simplify_budget.hpp"

#include <ginac/ginac.h>

#include <cstddef>
#include <set>
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
/// over a common denominator, expanded), each distinct one once. A generator that fails
/// loses only its own forms; a stop propagates (simplify_attempt.hpp).
struct candidate_set {
    std::vector<candidate> forms;
    std::set<unsigned> called;  // the serials of the functions e calls (what variants read)
};
candidate_set simplify_candidates(const GiNaC::ex& e, work_budget& budget);

/// The variants of one candidate, appended to `out`: with trigonometric ratios taken
/// (sin/cos -> tan), with the rational content of roots of sums taken out, and with powers
/// merged (expand splits b^(p + q) into b^p*b^q), each where it differs from the candidate.
/// Simplify forms them only for the candidates it prints (those within reach of the best).
void add_variants(const candidate& c, const std::set<unsigned>& called, std::vector<candidate>& out);
}  // namespace ddx
