#include <ddx/calculus.hpp>
#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/limits.hpp>
#include <ddx/reverse.hpp>
#include <ddx/printer.hpp>
#include <ddx/simplify.hpp>

#include "algebra/nth_derivative.hpp"
#include "algebra/renaming.hpp"
#include "algebra/reverse_program.hpp"
#include "algebra/simplify_budget.hpp"
#include "algebra/simplify_size.hpp"
#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/real_domain.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace ddx {

using GiNaC::ex;

void check_derivative_order(const GiNaC::numeric& order) {
    if (!order.is_integer()) throw error("the order of a derivative must be a whole number, got " + to_string(order));
    if (order < 0) throw error("the order of a derivative cannot be negative, got " + to_string(order));
    if (order > limits::derivative_order) {
        throw error("derivative order " + to_string(order) + " is above the limit of " +
                    std::to_string(limits::derivative_order));
    }
}

namespace {

// One form per function: the recent results of diff remember which function and orders they
// are the derivative of, and differentiating one again continues from that function, so
// that diff(diff(f, x), x) is diff(f, x, 2) and iterating d = diff(d, x) prints what
// diff(f, x, n) prints. Up to total order max_order_continued: beyond it, repeating a
// stepwise derivation from the start each time would cost the square of the order.
constexpr int max_order_continued = 30;

// Building the plain derivatives of one function stops past this many distinct
// subexpressions differentiated, or past this many operands of the sums and products built
// (the cost of a node grows with its terms: 3 to 21 microseconds each): 0.06 to 0.3 s at
// the bound, tan(x) to order 131, x^x to 43, the benchmarks' (1 - exp(-x))/(1 + exp(-x)) to
// 62, atan(2*x + 1)/(1 + x^2) to 24. Past it the plain derivative is not formed, a result
// is not held against it, and the orders above are differentiated without simplifying (see
// derivative_by). Four times this bound cost about a second at the bound, most of a
// high-order derivative's time (tanh(5/7*x + 6)/(1 + x^2) at order 50: 1.1 s, now 0.35 s),
// and between the two bounds no answer of 33 functions was longer than the plain one.
constexpr size_t max_raw_evaluations = 25000;
constexpr size_t max_raw_operands = 100000;

bool past_raw_bound(size_t evaluations, size_t operands) {
    return evaluations > max_raw_evaluations || operands > max_raw_operands;
}

// The raw derivative (memoized, unsimplified) of e by spec, or nothing past the bound. GiNaC
// may write a conjugate into it where a derivative multiplies abs(u) by abs(u)
// (u*conjugate(u)); on the reals it goes.
std::optional<ex> raw_derivative_uncached(const ex& e, const derivative_spec& spec) {
    ex raw = e;
    size_t evaluations = 0, operands = 0;
    for (const auto& [x, order] : spec) {
        differentiator d(x);
        for (int i = 0; i < order; ++i) {
            if (past_raw_bound(evaluations + d.evaluations(), operands + d.operands_built())) return std::nullopt;
            raw = d(raw);
        }
        evaluations += d.evaluations();
        operands += d.operands_built();
    }
    return drop_conjugates(raw);
}

// Whether e calls abs.
bool calls_abs(const ex& e) {
    return any_distinct(e, [](const ex& node) { return GiNaC::is_the_function<GiNaC::abs_SERIAL>(node); });
}

// The raw derivatives of the last function differentiated by one variable, by order: orders
// 1..n of one function (diff(f, x, n) for each n, or iterating diff) build each order once
// instead of all lower ones again for each, which cost the square of the order.
struct raw_derivatives {
    ex function, variable;
    bool has_abs = false;  // without abs no conjugate arises: no walk to drop one
    std::optional<differentiator> by_variable;
    std::vector<ex> by_order;  // by_order[k]: the k-th raw derivative

    const ex* of_order(const ex& f, const ex& x, int order) {
        if (!by_variable || !function.is_equal(f) || !variable.is_equal(x)) {
            function = f, variable = x;
            has_abs = calls_abs(f);
            by_variable.emplace(x);
            by_order.assign(1, f);
        }
        while (static_cast<int>(by_order.size()) <= order) {
            if (past_raw_bound(by_variable->evaluations(), by_variable->operands_built())) return nullptr;
            ex next = (*by_variable)(by_order.back());
            by_order.push_back(has_abs ? drop_conjugates(next) : next);
        }
        return &by_order[order];
    }
};

std::optional<ex> raw_derivative(const ex& e, const derivative_spec& spec) {
    if (spec.size() != 1) return raw_derivative_uncached(e, spec);
    thread_local raw_derivatives last;
    const ex* raw = last.of_order(e, spec[0].first, spec[0].second);
    return raw ? std::optional<ex>(*raw) : std::nullopt;
}

int total_order(const derivative_spec& spec) {
    int total = 0;
    for (const auto& s : spec) total += s.second;
    return total;
}

// `best`, or the raw derivative of e where that prints shorter: a simplified derivative is
// never longer than the plain one, at every order whose plain derivative is within the bound
// above. Printing the raw one is skipped where its lower bound already loses (its tree can
// be exponentially long), and `best` is not printed where it is the raw one (an order too big
// to simplify, taken plainly from a plain one: printing the 6th and 7th orders of a product
// of four factors was a third of its 8th derivative's time).
ex no_longer_than_raw(const ex& best, const ex& e, const derivative_spec& spec) {
    if (best.is_zero()) return best;
    // a result whose own tree prints past a megabyte (nested shared parts) is not printed here
    constexpr size_t max_printed = size_t(1) << 20;
    if (printed_length_lower_bound(best, max_printed) > max_printed) return best;
    std::optional<ex> raw = raw_derivative(e, spec);
    if (!raw || raw->is_equal(best)) return best;
    size_t length = printed_length(best);
    if (printed_length_lower_bound(*raw, length) >= length) return best;
    return printed_length(*raw) < length ? *raw : best;
}

// Whether the raw derivative of this total order, simplified once, is a candidate too.
bool weighs_direct(int total_order) { return total_order >= 2 && total_order <= 3; }

// Simplifying after every step keeps high orders small; for total orders 2 and 3 the raw
// derivative, simplified once, is a candidate too: it can be shorter. At every order the
// result is never longer than the raw derivative.
ex shorter_of_direct(const ex& stepwise, const ex& e, const derivative_spec& spec) {
    std::optional<ex> raw;
    if (weighs_direct(total_order(spec)) && !stepwise.is_zero()) raw = raw_derivative(e, spec);
    if (!raw) return no_longer_than_raw(stepwise, e, spec);
    ex best = stepwise;
    for (const ex& c : {simplify_derivative(*raw, e), simplify_derivative(stepwise, e)}) {
        if (printed_length(c) < printed_length(best)) best = c;
    }
    return no_longer_than_raw(best, e, spec);
}

}  // namespace

namespace {

// The work units (simplify_budget.hpp) that simplifying the orders of one derivative may
// spend in all: each order gets its own budget, as simplify does, from what is left of this
// one. About a second of the largest orders' work (their forms grow with the order: tan(x)'s
// 200th simplified stepwise took 7 s); past it the answer is the plain derivative, or the
// orders left are differentiated without simplifying.
double stepwise_units(const ex& e) { return std::max(8 * simplify_units(e), 200000.0); }

// Orders from..order of a derivative, `result` being order from - 1, differentiated plainly
// by one differentiator, within limits::derivative_operands. Where the operands each order
// adds have grown for orders_growing orders, the orders left are taken to add at least as
// many each (a derivative's terms multiply: exp(exp(x))*sin(sqrt(x)) added 6,050 at order 15,
// 24,140 at 27); past the limit so, the order is refused then, not seconds later at the limit
// (its 200th derivative: after 0.5 s, was 4 s). Shrinking additions (a polynomial's terms
// dying out) are never projected.
constexpr int orders_growing = 3;

ex plain_orders(ex result, const GiNaC::ex& x, int from, int order) {
    differentiator plain(x);
    const double limit = limits::derivative_operands;
    const std::string limit_text = std::to_string(static_cast<long>(limit));
    size_t built_before = 0, added_before = 0;
    int growing = 0;
    for (int i = from; i <= order && !result.is_zero(); ++i) {
        check_stop();
        result = plain(result);
        const size_t built = plain.operands_built(), added = built - built_before;
        if (static_cast<double>(built) > limit) {
            throw error("the derivative of order " + std::to_string(order) + " grows past " + limit_text + " operands at order " +
                        std::to_string(i) + ", above the limit of ddx::limits::derivative_operands");
        }
        growing = added > added_before ? growing + 1 : 0;
        if (growing >= orders_growing && static_cast<double>(built) + static_cast<double>(added) * (order - i) > limit) {
            throw error("the derivative of order " + std::to_string(order) + " would grow past " + limit_text +
                        " operands: by order " + std::to_string(i) + " it built " + std::to_string(built) + ", " +
                        std::to_string(added) + " more than by the order before, more each order, above the limit of "
                        "ddx::limits::derivative_operands");
        }
        built_before = built, added_before = added;
    }
    return drop_conjugates(result);
}

// Whether `tangents` prints shorter than `answer` (or as long, where ties go to it). Either
// can print megabytes (a polynomial in many generators, a stepwise form of a high order):
// the one whose lower bound is smaller is printed, the other bounded by its length.
bool tangents_print_shorter(const ex& tangents, const ex& answer, bool tie_to_tangents) {
    const size_t bound = tie_to_tangents ? 0 : 1;  // tangents win below answer's length + 1 - bound
    if (printed_length_lower_bound(tangents) <= printed_length_lower_bound(answer)) {
        const size_t t = printed_length(tangents);
        if (printed_length_lower_bound(answer, t) > t) return true;
        return t + bound <= printed_length(answer);
    }
    const size_t a = printed_length(answer);
    if (printed_length_lower_bound(tangents, a) > a) return false;
    return printed_length(tangents) + bound <= a;
}

ex derivative_by(const ex& e, const GiNaC::ex& x, int order) {
    if (auto fast = nth_derivative_by_polynomials(e, x, order)) return no_longer_than_raw(*fast, e, {{x, order}});
    // tan and tanh of other generators above the orders continued from a function: by the
    // polynomials at once (the stepwise forms run out of budget near order 20-25 for them,
    // after a second: x*tanh(sin(x))'s 100th took 2.1 s so, 1.3 s now)
    if (order > max_order_continued && has_tangents_of_generators(e, x)) {
        if (auto fast = nth_derivative_by_polynomials_with_tangents(e, x, order, tangents_of::any_generators)) {
            return no_longer_than_raw(*fast, e, {{x, order}});
        }
    }
    // Each order simplified, and never longer than the plain derivative of that order: a
    // step whose simplified form loses to the plain one goes on from the plain one, so the
    // stepwise forms cannot grow past the plain derivatives (tan(x) to order 200 grew to 3 GB
    // in the stepwise forms, against 30 KB printed for the plain one).
    work_budget all_orders(stepwise_units(e));
    ex result = e;
    // while the orders so far are the plain ones (too big to simplify), the next is the plain
    // derivative already formed to weigh it against (differentiating again was a quarter of
    // an 8th derivative of a product of four factors)
    bool result_is_raw = true;
    int i = 1;
    for (; i <= order && !result.is_zero(); ++i) {
        check_stop();  // a library caller's stop is seen between orders
        const std::optional<ex> raw = raw_derivative(e, {{x, i}});
        if (all_orders.left() <= 0 || !raw) break;
        work_budget this_order(std::min(simplify_units(result), all_orders.left()));
        const double granted = this_order.left();
        const ex simplified = simplify_within(result_is_raw ? *raw : differentiator(x)(result), this_order);
        all_orders.charge(granted - this_order.left());
        result = no_longer_than_raw(simplified, e, {{x, i}});
        result_is_raw = result.is_equal(*raw);
        // tan and tanh of linear arguments: polynomials in them from the first order where
        // that is no longer than the stepwise form, at every order above (the stepwise forms
        // of tanh(x) mixed tanh(x)^k/cosh(x)^m terms, nested (tanh(x)^2 - 1)^k at order 7,
        // and spent the whole budget before order 100 of tanh(a*x + b)/(1 + x^2))
        auto by_tangents = nth_derivative_by_polynomials_with_tangents(e, x, i);
        if (!by_tangents) continue;
        // (from order 2 a tie goes to the polynomials too: exp(x)*tanh(x) prints alike both
        // ways, and stepping on cost a second by order 30; at order 1 tanh(x) ties too, and
        // its 2nd and 3rd derivatives read shorter with cosh)
        const bool tie_to_tangents = i > 1;
        // what order i prints is no longer than the stepwise form: polynomials that lose to
        // that lose to it too, and the direct form is not simplified for nothing (at orders
        // 2 and 3 of a function of many generators that was half of its 8th derivative's time)
        if (i < order && !tangents_print_shorter(*by_tangents, result, tie_to_tangents)) continue;
        const ex answer = weighs_direct(i) ? shorter_of_direct(result, e, {{x, i}}) : result;  // what order i prints
        if (tangents_print_shorter(*by_tangents, answer, tie_to_tangents)) {
            if (i == order) return no_longer_than_raw(*by_tangents, e, {{x, order}});
            if (auto at_order = nth_derivative_by_polynomials_with_tangents(e, x, order)) {
                return no_longer_than_raw(*at_order, e, {{x, order}});
            }
            // the polynomials grew past their bounds below the order asked: the stepwise
            // orders go on (tanh(1/x)*tanh(x/(1 + x^2)) by order 8)
        }
        if (i == order) return answer;
    }
    if (i > order || result.is_zero()) return shorter_of_direct(result, e, {{x, order}});
    // Past the budget before that switch: by polynomials with tan and tanh among the
    // generators, where f is such, of any generators too (tanh(sin(x))'s 30th: 32 KB, 92 KB
    // by the orders taken plainly; its low orders print shorter by the rules)
    if (auto fast = nth_derivative_by_polynomials_with_tangents(e, x, order, tangents_of::any_generators)) {
        return no_longer_than_raw(*fast, e, {{x, order}});
    }
    // Past the budget: the plain derivative, where it is within its bound; else the orders
    // left, plain, by one differentiator, whose memo keeps what the orders share shared (a
    // new one for each order wrote out the shared parts again: atan(x)^2 to order 100 ran
    // for minutes).
    if (auto raw = raw_derivative(e, {{x, order}})) return *raw;
    return plain_orders(result, x, i, order);
}

ex derivative_by(const ex& e, const derivative_spec& spec) {
    ex result = e;
    for (const auto& [x, order] : spec) result = derivative_by(result, x, order);
    return spec.size() > 1 ? shorter_of_direct(result, e, spec) : result;
}

struct derivation {
    ex function;
    derivative_spec spec;
};

// Keyed by structure (equal results share an entry). A few hundred results: enough for
// a session's chain of derivatives, cleared when full.
constexpr size_t remembered_derivations = 256;
thread_local std::unordered_map<ex, derivation, std::hash<ex>, GiNaC::ex_is_equal> derivations;

// `spec` after the orders of `origin`, a repeated variable's orders added up.
derivative_spec continued(derivative_spec origin, const derivative_spec& spec) {
    for (const auto& [x, order] : spec) {
        if (!origin.empty() && origin.back().first.is_equal(x)) {
            origin.back().second += order;
        } else {
            origin.emplace_back(x, order);
        }
    }
    return origin;
}

}  // namespace

ex diff(const ex& e, const GiNaC::ex& x, int order) { return diff(e, derivative_spec{{x, order}}); }

ex diff(const ex& e, const derivative_spec& spec) {
    for (const auto& [x, order] : spec) check_derivative_order(order);
    derivation d{e, spec};
    auto known = derivations.find(e);
    if (known != derivations.end()) {
        derivative_spec whole = continued(known->second.spec, spec);
        if (total_order(whole) <= max_order_continued) d = derivation{known->second.function, whole};
    }
    ex result = derivative_by(d.function, d.spec);
    if (!is_class<GiNaC::numeric>(result) && total_order(d.spec) > 0) {
        if (derivations.size() >= remembered_derivations) derivations.clear();
        derivations.insert_or_assign(result, d);
    }
    return result;
}

namespace {

// Above this many distinct nodes of f times variables, a gradient (or a Jacobian's row) is
// one reverse sweep, unsimplified, instead of one derivative per variable, each simplified.
// Simplifying costs about 1 to 25 microseconds per node and variable (a tanh network 3,
// a sum of squares of 80 terms in 81 variables 1; more for long sums in few variables),
// growing with the entries' size, while the reverse sweep costs the nodes once, about 1
// microsecond each: a budget of 10,000 keeps simplified entries up to 10 to 250 ms of
// simplification (the 17-parameter network, 833, and every small loss stay as they were).
constexpr std::size_t simplified_gradient_budget = 10000;

bool by_reverse_sweep(const ex& f, size_t variables) {
    if (GiNaC::is_a<GiNaC::lst>(f) || variables == 0) return false;
    return distinct_nodes(f) * variables > simplified_gradient_budget;
}

using entry_origins = std::vector<std::optional<renaming_memo::renamed_from>>;

// The entries of ddx::gradient, remembered for lowering. `origins`, if given, receives for
// each entry the earlier entry it is a renamed copy of, and the renaming (empty where the
// entry was simplified itself, and for a gradient by one reverse sweep).
GiNaC::lst gradient_entries(const ex& e, const std::vector<GiNaC::ex>& variables, entry_origins* origins = nullptr) {
    if (origins) origins->assign(variables.size(), std::nullopt);
    GiNaC::lst out;
    if (by_reverse_sweep(e, variables.size())) {
        out = reverse_gradient(e, variables);
    } else {
        shared_allowance shares(simplify_units(e), variables.size());
        renaming_memo memo;
        for (size_t k = 0; k < variables.size(); ++k) {
            const ex raw = differentiator(variables[k])(e);
            out.append(memo.simplified(raw, [&] { return shares.entry([&] { return simplify_derivative(raw, e); }); },
                                       origins ? &(*origins)[k] : nullptr));
        }
    }
    remember_gradient(out, e, variables);
    return out;
}

}  // namespace

GiNaC::lst gradient(const ex& e, const std::vector<GiNaC::ex>& variables) { return gradient_entries(e, variables); }

GiNaC::lst jacobian(const GiNaC::lst& outputs, const std::vector<GiNaC::ex>& variables) {
    std::vector<differentiator> by_variable;
    for (const GiNaC::ex& x : variables) by_variable.emplace_back(x);
    GiNaC::lst rows;
    for (const ex& f : outputs) {
        if (by_reverse_sweep(f, variables.size())) {
            rows.append(reverse_gradient(f, variables));
            continue;
        }
        GiNaC::lst row;
        shared_allowance shares(simplify_units(f), by_variable.size());
        renaming_memo memo;
        for (differentiator& d : by_variable) {
            const ex raw = d(f);
            row.append(memo.simplified(raw, [&] { return shares.entry([&] { return simplify_derivative(raw, f); }); }));
        }
        rows.append(row);
    }
    return rows;
}

GiNaC::lst hessian(const ex& e, const std::vector<GiNaC::ex>& variables) {
    return gradient_and_hessian(e, variables).hessian;
}

namespace {

void check_hessian_size(size_t n) {
    if (n * n <= limits::hessian_entries) return;
    throw error("a Hessian of " + std::to_string(n) + " variables has " + std::to_string(n * n) +
                " entries, above the limit of " + std::to_string(limits::hessian_entries) +
                " (minimize: use method = \"lbfgs\")");
}

}  // namespace

namespace {

// Row k of a Hessian whose gradient entry k is entry i renamed by r (i < k, row i done):
// ∂(r g_i)/∂(r x_j) is r(∂g_i/∂x_j), so entry (k, l) is entry (i, j) renamed, where r takes the
// variable x_j to x_l. Where no variable goes to x_l, the entry is left to be differentiated.
// (Renaming commutes with simplifying as the renaming memo assumes: the same forms result.)
std::vector<bool> renamed_row(std::vector<std::vector<ex>>& h, size_t k, const renaming_memo::renamed_from& origin,
                              const std::vector<GiNaC::ex>& variables) {
    std::map<ex, size_t, GiNaC::ex_is_less> index_of;
    for (size_t j = 0; j < variables.size(); ++j) index_of.emplace(variables[j], j);
    std::vector<bool> done(variables.size(), false);
    renamer rename(origin.renaming);
    for (const auto& [from, to] : origin.renaming) {
        auto j = index_of.find(from), l = index_of.find(to);
        if (j == index_of.end() || l == index_of.end() || l->second < k) continue;
        h[k][l->second] = h[l->second][k] = rename(h[origin.entry][j->second]);
        done[l->second] = true;
    }
    return done;
}

}  // namespace

first_and_second_partials gradient_and_hessian(const ex& e, const std::vector<GiNaC::ex>& variables) {
    size_t n = variables.size();
    check_hessian_size(n);
    entry_origins origins;
    GiNaC::lst first = gradient_entries(e, variables, &origins);
    std::vector<differentiator> by_variable;
    for (const GiNaC::ex& x : variables) by_variable.emplace_back(x);
    std::vector<std::vector<ex>> h(n, std::vector<ex>(n));
    std::vector<bool> swept(n, false);  // rows by one reverse sweep, unsimplified
    shared_allowance shares(simplify_units(e), n * (n + 1) / 2);
    renaming_memo memo;
    for (size_t i = 0; i < n; ++i) {
        // a big gradient entry's row as ddx::gradient takes it: one reverse sweep,
        // unsimplified (n derivatives of an entry of n terms each cost n^3 in all: 5 s for
        // 200 variables)
        if (by_reverse_sweep(first.op(i), n)) {
            swept[i] = true;
            GiNaC::lst row = reverse_gradient(first.op(i), variables);
            size_t j = 0;
            for (const ex& x : row) {
                if (j >= i) h[i][j] = h[j][i] = x;
                ++j;
            }
            continue;
        }
        std::vector<bool> done(n, false);
        if (origins[i] && !swept[origins[i]->entry]) done = renamed_row(h, i, *origins[i], variables);
        for (size_t j = i; j < n; ++j) {
            if (done[j]) continue;
            const ex raw = by_variable[j](first.op(i));
            h[i][j] = h[j][i] =
                memo.simplified(raw, [&] { return shares.entry([&] { return simplify_derivative(raw, first.op(i)); }); });
        }
    }
    GiNaC::lst rows;
    for (const auto& r : h) {
        GiNaC::lst row;
        for (const ex& x : r) row.append(x);
        rows.append(row);
    }
    return {first, rows};
}

}  // namespace ddx
