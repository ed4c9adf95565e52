// A sum that is 0 but printed as a sum (a*(b + 1) - a*b - a, or a numerator such as
// exp(3*x) - a^2*exp(x) + exp(x)*(a^2 - exp(2*x))) costs simplify nothing to keep: whether a
// candidate happened to expand it decides. Evaluating it at a few points is cheap and
// says when an exact expansion is worth trying.
#include "algebra/simplify_zero.hpp"

#include "algebra/simplify_attempt.hpp"
#include "algebra/simplify_rational.hpp"
#include "algebra/simplify_size.hpp"
#include "algebra/simplify_zero_forms.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ddx {

using GiNaC::ex;

namespace {

// Sums larger than these are left as they are: evaluation reads the sum as a tree, and the
// exact test expands it.
constexpr std::size_t max_tree_nodes = 4000;
constexpr double max_expanded_terms = 20000;
// The rewritten form (simplify_zero_forms.hpp) is put over a common denominator only where
// normal() would make at most about this many terms.
constexpr double max_rewritten_terms = 20000;

// The symbols of e by name: the points give each its value by its place in this order.
std::vector<ex> symbols_by_name(const ex& e) {
    std::vector<std::pair<std::string, ex>> named;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const ex& node) {
        if (is_class<GiNaC::symbol>(node)) named.emplace_back(GiNaC::ex_to<GiNaC::symbol>(node).get_name(), node);
    });
    std::sort(named.begin(), named.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<ex> out;
    for (auto& n : named) out.push_back(n.second);
    return out;
}

// A trigonometric function's argument beyond this size, or an exponential's, has no value
// here: GiNaC's numbers leave the doubles' range instead of overflowing (sinh(2.4e11) is
// 3e104230675656), and CLN reduces such an argument of tan modulo pi to all of its digits
// (tan(sinh(sinh(asinh(1 + exp(exp(x + y + z))^2)*x)*x))'s second derivative took 3 GB and
// 10 s in its zero test; exp(10^8) takes minutes).
constexpr double max_evaluated_argument = 1e6;

bool argument_too_big(const ex& call, const GiNaC::numeric& argument) {
    const bool trigonometric = GiNaC::is_the_function<GiNaC::sin_SERIAL>(call) || GiNaC::is_the_function<GiNaC::cos_SERIAL>(call) ||
                               GiNaC::is_the_function<GiNaC::tan_SERIAL>(call);
    const bool exponential = GiNaC::is_the_function<GiNaC::exp_SERIAL>(call) || GiNaC::is_the_function<GiNaC::sinh_SERIAL>(call) ||
                             GiNaC::is_the_function<GiNaC::cosh_SERIAL>(call) || GiNaC::is_the_function<GiNaC::tanh_SERIAL>(call);
    return (trigonometric || exponential) && GiNaC::abs(argument) > max_evaluated_argument;
}

// The operands of a node replaced, in order, by given numbers (GiNaC's map visits them in
// the order of op(i)).
struct operands_replaced : GiNaC::map_function {
    explicit operands_replaced(const GiNaC::exvector& values) : values_(values) {}
    ex operator()(const ex&) override { return values_[next_++]; }

private:
    const GiNaC::exvector& values_;
    std::size_t next_ = 0;
};

// e at the point `at`, evaluated node by node, each distinct node once, or nothing where a
// call's argument is beyond the size above (GiNaC's subs and evalf evaluate everything).
std::optional<GiNaC::numeric> guarded_value(const ex& e, const GiNaC::exmap& at,
                                            detail::node_map<std::optional<GiNaC::numeric>>& done) {
    if (is_class<GiNaC::numeric>(e)) return GiNaC::ex_to<GiNaC::numeric>(e);
    if (auto it = done.find(e); it != done.end()) return it->second;
    std::optional<GiNaC::numeric> value;
    if (auto bound = at.find(e); bound != at.end()) {
        value = GiNaC::ex_to<GiNaC::numeric>(bound->second);
    } else if (e.nops() == 0) {
        const ex v = e.evalf();  // a constant (pi)
        if (is_class<GiNaC::numeric>(v)) value = GiNaC::ex_to<GiNaC::numeric>(v);
    } else {
        GiNaC::exvector operands;
        for (const ex& operand : e) {
            const auto v = guarded_value(operand, at, done);
            if (!v || (GiNaC::is_a<GiNaC::function>(e) && argument_too_big(e, *v))) break;
            operands.push_back(*v);
        }
        if (operands.size() == e.nops()) {
            operands_replaced replace(operands);
            const ex v = e.map(replace).evalf();
            if (is_class<GiNaC::numeric>(v)) value = GiNaC::ex_to<GiNaC::numeric>(v);
        }
    }
    done.emplace(e, value);
    return value;
}

// The value of e at point k (symbols in `symbols` get values in (0.3, 1.3), the same on
// every run), or nothing where it has none (a pole, a function with no numeric value, an
// argument too big to evaluate). With `digits`, the point's values are exact fractions and e
// is evaluated to that many digits; else they are doubles, and so is the arithmetic.
std::optional<GiNaC::numeric> value_at(const ex& e, const std::vector<ex>& symbols, int k, long digits = 0) {
    GiNaC::exmap at;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        const double v = 0.3 + std::fmod(0.6180339887 * static_cast<double>(i + 1) + 0.4142135623 * k, 1.0);
        constexpr long denominator = 1L << 30;
        at[symbols[i]] = digits ? GiNaC::numeric(std::lround(v * denominator), denominator) : GiNaC::numeric(v);
    }
    const long saved_digits = GiNaC::Digits;
    try {
        if (digits) GiNaC::Digits = digits;
        detail::node_map<std::optional<GiNaC::numeric>> done;
        const std::optional<GiNaC::numeric> v = guarded_value(e, at, done);
        GiNaC::Digits = saved_digits;
        return v;
    } catch (const std::exception&) {
        GiNaC::Digits = saved_digits;
        return std::nullopt;
    }
}

// Whether the sum s is 0 at two points, relative to the size of its terms (each term
// evaluated once per point): in doubles (digits 0), or to `digits` digits within `tolerance`.
// The size is kept as GiNaC's number: as a double it overflowed on the coefficients of high
// derivatives (tan(x)'s 190th: terms of 10^365), and every such sum then "vanished".
bool vanishes_numerically(const ex& s, long digits, const GiNaC::numeric& tolerance) {
    const std::vector<ex> symbols = symbols_by_name(s);
    for (int k = 0; k < 2; ++k) {
        GiNaC::numeric total = 0, scale = 0;
        for (const ex& term : s) {
            std::optional<GiNaC::numeric> t = value_at(term, symbols, k, digits);
            if (!t) return false;
            total += *t;
            scale += GiNaC::abs(*t);
        }
        if (!(GiNaC::abs(total) <= tolerance * scale)) return false;
    }
    return true;
}

// Whether s vanishes in doubles and, where its terms cancel past what doubles hold (terms of
// 10^30 that sum to 10^10 read as 0 in doubles), also to 100 digits: before the exact test,
// which expands s (a quarter of a second on a high derivative of tan(x), each time).
bool vanishes_at_points(const ex& s) {
    return vanishes_numerically(s, 0, GiNaC::numeric(1e-9)) && vanishes_numerically(s, 100, GiNaC::pow(GiNaC::numeric(10), GiNaC::numeric(-60)));
}

bool has_float(const ex& e) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (is_class<GiNaC::numeric>(*it) && !GiNaC::ex_to<GiNaC::numeric>(*it).is_crational()) return true;
    }
    return false;
}

bool is_root(const ex& e) {
    return is_class<GiNaC::power>(e) && is_class<GiNaC::numeric>(e.op(1)) && !GiNaC::ex_to<GiNaC::numeric>(e.op(1)).is_integer();
}

// Whether a root in e has a product, a power or a sum with roots as its base: GiNaC writes
// 1/(a - b) as -1/(b - a) or not as its hash order goes, and merges (1/u)^(1/2) into
// u^(-1/2) but not (-1/(-u))^(1/2), so such a root relates to the others differently in
// different processes (seen with nested radicals).
bool has_root_of_product(const ex& e) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_root(*it)) continue;
        const ex& base = it->op(0);
        if (is_class<GiNaC::mul>(base) || is_class<GiNaC::power>(base)) return true;
        for (auto in = base.preorder_begin(); in != base.preorder_end(); ++in) {
            if (is_root(*in)) return true;
        }
    }
    return false;
}

bool provably_zero(const ex& s) {
    if (tree_size_exceeds(s, max_tree_nodes) || expanded_terms_estimate(s) > max_expanded_terms) return false;
    if (!vanishes_at_points(s)) return false;
    // GiNaC's errors (a division by zero met on the way) leave it not 0; a stop is raised
    bool zero = false;
    attempt([&] {
        if (s.expand().is_zero() || normal_with_roots(s).is_zero()) {
            zero = true;
            return;
        }
        // the same with trigonometric functions as exponentials and numbers out of roots,
        // where that form is still within the bounds and reads the same in every process
        if (has_root_of_product(s)) return;
        const ex t = roots_without_content(trig_as_exponentials(s).value_or(s));
        if (tree_size_exceeds(t, max_tree_nodes) || normal_form_terms_estimate(t) > max_rewritten_terms) return;
        // a floating-point number cancels to an exact 0.0 where the exact numbers would not
        if (has_float(t)) return;
        zero = normal_with_roots(t).is_zero();
    });
    return zero;
}

}  // namespace

ex zero_if_vanishing(const ex& form) {
    if (is_class<GiNaC::add>(form)) return provably_zero(form) ? ex(0) : form;
    if (!is_class<GiNaC::mul>(form)) return form;
    for (const ex& f : form) {
        if (is_class<GiNaC::add>(f) && provably_zero(f)) return 0;
    }
    return form;
}

}  // namespace ddx
