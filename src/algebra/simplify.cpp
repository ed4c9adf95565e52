// simplify: the shortest printed form among the candidates (simplify_candidates.cpp), whose
// forms come from GiNaC (normal, factor, expand, collect) and from ddx's rewrite rules
// (simplify_rules.cpp). This file makes the choice: a lower bound on each candidate's printed
// length decides which are printed at all, then the printed length, then the tie-break.
#include <ddx/printer.hpp>
#include <ddx/error.hpp>
#include <ddx/limits.hpp>
#include <ddx/simplify.hpp>

#include <cctype>
#include <cstdlib>
#include <cstdio>

#include "core/allocation_meter.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/real_domain.hpp"
#include "algebra/printed_length.hpp"
#include "algebra/simplify_attempt.hpp"
#include "algebra/simplify_budget.hpp"
#include "algebra/simplify_candidates.hpp"
#include "algebra/simplify_rational.hpp"
#include "algebra/simplify_rules.hpp"
#include "algebra/simplify_size.hpp"
#include "algebra/simplify_zero.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;

namespace {

// How a printed candidate reads, for ties in length: fewer names and numbers
// (`x^x*(1 + log(x))` has 5, `x^x + x^x*log(x)` 6), then smaller numbers (so
// `-2*exp(-x)*(1 - exp(-x))` over `-2*(exp(-x) - exp(-2*x))`).
struct text_measure {
    size_t atoms = 0;
    double number_sum = 0;
    bool operator<(const text_measure& o) const { return std::tie(atoms, number_sum) < std::tie(o.atoms, o.number_sum); }
};

text_measure measure_text(const std::string& text) {
    text_measure m;
    for (size_t i = 0; i < text.size();) {
        auto atom_char = [&](size_t k) {
            return k < text.size() && (std::isalnum(static_cast<unsigned char>(text[k])) || text[k] == '_' || text[k] == '.');
        };
        if (!atom_char(i)) {
            ++i;
            continue;
        }
        size_t start = i;
        while (atom_char(i)) ++i;
        ++m.atoms;
        if (std::isdigit(static_cast<unsigned char>(text[start]))) m.number_sum += std::atof(text.c_str() + start);
    }
    return m;
}

// A form with its printed text and what it costs: the order of choice is (cost, measure,
// text), the first in text order last.
struct printed_form {
    ex form;
    std::string text;
    size_t cost;
    text_measure measure;

    printed_form(const ex& f, size_t extra_cost)
        : form(f), text(to_string(f)), cost(visible_length(text) + extra_cost), measure(measure_text(text)) {}
    bool operator<(const printed_form& o) const { return std::tie(cost, measure, text) < std::tie(o.cost, o.measure, o.text); }
};

// The cheapest of the candidates (the first is e itself); among equally cheap ones the better
// read (text_measure), then the first in text order, then the first met. All are read from
// the printed text: GiNaC may hold two candidates that print alike in differently shaped
// trees depending on its hash order, and the choice must not depend on that.
//
// Candidates are printed in the order of a lower bound on their cost (cheapest bound first,
// then the first met), so that most long candidates (expansions) are never printed, and the
// search ends at the first bound above the best cost. A bound is read only up to a cap: past
// it a candidate is not printed at all (its printed tree can be exponentially larger than its
// DAG: a raw Hessian entry of nested fractions prints in megabytes). The variants of a
// candidate (simplify_candidates.hpp) are formed when it is printed, so only for the
// candidates within reach of the best: forming every candidate's variants was a third of
// simplify's time. Printing is charged to the budget (its lower bound before, the rest
// after); where not even one candidate fits, e stays as it is.
ex shortest(const ex& e, candidate_set& candidates, work_budget& budget) {
    // A lower bound counts no numbers, so a tree can print ten times longer than its bound:
    // only candidates whose bound fits an eighth of what is left are printed at all.
    const size_t cap = static_cast<size_t>(std::max(0.0, budget.left() / 8));
    std::vector<candidate>& forms = candidates.forms;
    using bound_and_index = std::pair<size_t, size_t>;
    std::priority_queue<bound_and_index, std::vector<bound_and_index>, std::greater<>> queue;
    auto enqueue = [&](size_t index) {
        size_t bound = printed_length_lower_bound(forms[index].form, cap) + forms[index].extra_cost;
        if (bound <= cap) queue.emplace(bound, index);
    };
    const size_t generated = forms.size();
    for (size_t i = 0; i < generated; ++i) enqueue(i);
    std::optional<printed_form> best;
    while (!queue.empty()) {
        const auto [bound, index] = queue.top();
        queue.pop();
        if ((best && bound > best->cost) || !budget.try_spend(static_cast<double>(bound))) break;
        printed_form c(forms[index].form, forms[index].extra_cost);
        budget.charge(static_cast<double>(c.cost - std::min(c.cost, bound)));
        if (!best || c < *best) best = std::move(c);
        if (index < generated) {
            const size_t before = forms.size();
            const candidate parent = forms[index];  // (forms grows)
            add_variants(parent, candidates.called, forms);
            for (size_t k = before; k < forms.size(); ++k) enqueue(k);
        }
    }
    return best ? best->form : e;
}

ex simplify_scalar(const ex& e, work_budget& budget) {
    if (is_class<GiNaC::numeric>(e) || is_class<GiNaC::symbol>(e)) return e;
    // Every candidate (and printing, the measure) reads the expression as a tree; on a big
    // DAG of shared subexpressions that is exponential, so such an expression stays as it is.
    if (tree_size_exceeds(e, normal_node_limit)) return e;
    // nor are candidates formed whose expansion alone would take the machine
    if (expanded_terms_estimate(e) > limits::expanded_terms) return combine_exponentials(e);
    const double units = budget.left();
    candidate_set candidates = simplify_candidates(e, budget);
    ex best = shortest(e, candidates, budget);
    // the zero test's exact step is GiNaC's normal too: capped as the candidates were
    allocation_meter zero_test(allowance_for(units));
    attempt([&] { best = zero_if_vanishing(best); });
    return best;
}

}  // namespace

double estimated_expanded_terms(const ex& e) { return expanded_terms_estimate(e); }

void check_expansion_size(const ex& e) {
    double n = estimated_expanded_terms(e);
    // (the estimate multiplies the factors' terms; a polynomial's degree bounds them too)
    if (n > limits::expanded_terms) n = std::min(n, polynomial_terms_bound(e));
    if (n > limits::expanded_terms) {
        char text[64];
        std::snprintf(text, sizeof text, "%.3g", n);
        throw error(std::string("expanding would make about ") + text + " terms, more than the limit of " +
                    std::to_string(static_cast<long>(limits::expanded_terms)));
    }
}

ex combine_exponentials(const ex& e) { return rewrite_bottom_up(e, combine_exponentials_at); }

ex factor(const ex& e) {
    check_expansion_size(e);
    ex n = GiNaC::numer_denom(GiNaC::normal(e));
    return factored_polynomial(n.op(0)) / factored_polynomial(n.op(1));
}

size_t printed_length(const ex& e) { return visible_length(to_string(e)); }

ex simplify_within(const ex& e, work_budget& budget) {
    if (is_a<GiNaC::lst>(e)) {
        GiNaC::lst out;
        for (const ex& x : GiNaC::ex_to<GiNaC::lst>(e)) out.append(simplify_within(x, budget));
        return out;
    }
    return simplify_scalar(drop_conjugates(e), budget);
}

ex simplify_derivative(const ex& raw, const ex& f) {
    work_budget budget(simplify_units(f));
    return simplify_within(raw, budget);
}

ex simplify(const ex& e) {
    work_budget budget(simplify_units(e));
    return simplify_within(e, budget);
}

}  // namespace ddx
