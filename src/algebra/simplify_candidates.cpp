// Simplify's candidate generators. Each one forms its candidates under attempt()
// (simplify_attempt.hpp): GiNaC may fail on the way (a division by zero that a substitution
// uncovers, factor refusing floats), and such a failure loses that generator's remaining
// forms only, never the later generators'. The order of the generators and of the forms
// within each is the order in which simplify meets the candidates.
#include "algebra/simplify_candidates.hpp"

#include "algebra/simplify_attempt.hpp"
#include "algebra/simplify_rational.hpp"
#include "algebra/simplify_rules.hpp"
#include "algebra/simplify_size.hpp"
#include "algebra/simplify_zero_forms.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"

#include <algorithm>
#include <set>

namespace ddx {

using GiNaC::ex;

namespace {

using candidate_list = std::vector<candidate>;

// normal_cost, times roots_normal_cost_factor where e has roots of non-numbers (the 8th
// derivative of (cosh(2*x)/2 + x^2/2 + 3)^(2/3)/sqrt(2*sin(2*x + 1) + 3*log(x) + 2): 4.4 s,
// now 0.8 s)
double normal_cost_of(const ex& e) {
    auto root = [](const ex& base, const ex& exponent) {
        return is_class<GiNaC::numeric>(exponent) && !GiNaC::ex_to<GiNaC::numeric>(exponent).is_integer() &&
               !is_class<GiNaC::numeric>(base);
    };
    // (a product keeps its factors as pairs of base and exponent: no power node to meet)
    const bool roots = any_distinct(e, [&](const ex& node) {
        if (is_class<GiNaC::power>(node)) return root(node.op(0), node.op(1));
        if (!is_class<GiNaC::mul>(node)) return false;
        const GiNaC::epvector& factors = expairs::of(node);
        return std::any_of(factors.begin(), factors.end(), [&](const GiNaC::expair& p) { return root(p.rest, p.coeff); });
    });
    return (roots ? roots_normal_cost_factor : 1) * normal_cost(e);
}

// What the generators read: the input, the input with its exponentials combined, and the
// functions the latter calls.
struct generator_input {
    const ex& input;
    const ex& combined;
    const std::set<unsigned>& called;
    work_budget& budget;
};

ex with_exponentials_combined(const ex& e) { return rewrite_bottom_up(e, combine_exponentials_at); }

// The rational forms of `source` (simplify_rational.hpp), read in exp(x) or, with `flip`,
// exp(-x), the exponentials written back and combined. `extra_cost`: whether this is the
// sign against the input's majority.
void add_rational_forms_in(const ex& source, bool flip, bool has_exp, bool extra_cost, candidate_list& out,
                           work_budget& budget) {
    exp_as_power p = has_exp ? exponentials_as_powers(source, flip) : exp_as_power{source, {}};
    std::vector<ex> rational;
    attempt([&] { rational_candidates(p.rational, rational, budget); });
    for (const ex& r : rational) {
        attempt([&] {
            ex c = has_exp ? with_exponentials_combined(r.subs(p.back, GiNaC::subs_options::no_pattern)) : r;
            out.push_back({c, extra_cost ? count_exponentials(c) + 1 : 0});
        });
    }
}

// 1. Rational forms, exp(x) or exp(-x) as the variable: both are tried. Writing the other
// sign than the input's majority costs one character per exponential and one more, so it
// wins only when it is really shorter (the user wrote exp(-x): keep exp(-x)).
void add_rational_forms(const generator_input& in, candidate_list& out) {
    const bool prefer_negative = exponent_sign_balance(in.combined) < 0;
    const bool has_exp = count_exponentials(in.combined) > 0;
    // Where exponentials and hyperbolic functions meet (exp(-x)/(1 + exp(-x))^2 -
    // 1/(4*cosh(x/2)^2) is 0), the hyperbolic ones are also read as exponentials.
    std::vector<ex> sources{in.combined};
    if (has_exp && calls_any(in.called, {GiNaC::cosh_SERIAL::serial, GiNaC::sinh_SERIAL::serial, GiNaC::tanh_SERIAL::serial})) {
        attempt([&] { sources.push_back(with_exponentials_combined(rewrite_bottom_up(in.combined, hyperbolic_as_exp_at))); });
    }
    for (const ex& source : sources) {
        for (bool flip : {prefer_negative, !prefer_negative}) {
            if (flip != prefer_negative && !has_exp) break;
            attempt([&] { add_rational_forms_in(source, flip, has_exp, flip != prefer_negative, out, in.budget); });
        }
    }
}

// 2. The Pythagorean substitutions, each on its own, expanded (and through normal()).
void add_pythagorean_identities(const generator_input& in, candidate_list& out) {
    for (const identity_rule& i : pythagorean_rules()) {
        const bool all_called = std::includes(in.called.begin(), in.called.end(), i.functions.begin(), i.functions.end());
        if (!all_called) continue;
        attempt([&] {
            if (!in.combined.has(i.rule.lhs(), GiNaC::has_options::algebraic)) return;
            if (!in.budget.try_spend(expanded_terms_estimate(in.combined))) return;
            ex r = in.combined.subs(i.rule, GiNaC::subs_options::algebraic).expand();
            out.push_back({r, 0});
            if (i.normalize && in.budget.try_spend(normal_cost_of(r))) out.push_back({expanded_normal(r), 0});
        });
    }
}

// 3. Pythagorean pairs a + b*f(u)^2 made one power, wherever they are.
void add_pythagorean_pairs(const generator_input& in, candidate_list& out) {
    out.push_back({rewrite_bottom_up(in.combined, pythagorean_pair_at), 0});
}

// 4. The double angles, all at once, expanded and through normal().
void add_double_angles(const generator_input& in, candidate_list& out) {
    if (!in.called.count(GiNaC::sin_SERIAL::serial) || !in.called.count(GiNaC::cos_SERIAL::serial)) return;
    if (!in.budget.try_spend(expanded_terms_estimate(in.combined))) return;
    ex r = in.combined.subs(double_angle_rules(), GiNaC::subs_options::algebraic).expand();
    out.push_back({r, 0});
    if (in.budget.try_spend(normal_cost_of(r))) out.push_back({expanded_normal(r), 0});
}

// 5. GiNaC's own view of roots and powers (not where the only denominators are powers of
// calls, 1/cosh(u)^2: over a common denominator covers those, at a fraction of the cost).
void add_normal_form(const generator_input& in, candidate_list& out) {
    if (!has_denominator_or_root(in.input, true) || !in.budget.try_spend(normal_cost(in.input))) return;
    out.push_back({normal_with_roots(in.input, &in.budget), 0});
}

// 6. Over a common denominator: the numerator as it is, expanded, and with its common
// factors taken out.
void add_over_common_denominator(const generator_input& in, candidate_list& out) {
    auto [top, bottom] = over_common_denominator(in.combined);
    if (bottom.is_equal(1)) return;
    const double terms = expanded_terms_estimate(top);
    if (terms >= 1000 || !in.budget.try_spend(2 * terms)) return;
    out.push_back({top / bottom, 0});
    ex expanded_top = top.expand();
    out.push_back({expanded_top / bottom, 0});
    GiNaC::exmap parts;
    ex common_factors = GiNaC::collect_common_factors(expanded_top.to_rational(parts)).subs(parts, GiNaC::subs_options::no_pattern);
    out.push_back({common_factors / bottom, 0});
}

// 7. Expanded, and with common factors taken out of the expansion.
void add_expanded_forms(const generator_input& in, candidate_list& out) {
    if (!in.budget.try_spend(expanded_terms_estimate(in.combined))) return;
    ex expanded = in.combined.expand();
    out.push_back({expanded, 0});
    // Where expanding multiplied the terms out (a product of sums) rather than cancelling,
    // taking common factors out again gives back what was there: not worth its cost.
    size_t terms_before = is_class<GiNaC::add>(in.combined) ? in.combined.nops() : 1;
    size_t terms_after = is_class<GiNaC::add>(expanded) ? expanded.nops() : 1;
    if (terms_after > 4 * terms_before || !in.budget.try_spend(static_cast<double>(terms_after))) return;
    // collect_common_factors recurses without end on factors like (x^x)^(-1): give it the
    // rational skeleton only
    GiNaC::exmap parts;
    ex skeleton = expanded.to_rational(parts);
    out.push_back({GiNaC::collect_common_factors(skeleton).subs(parts, GiNaC::subs_options::no_pattern), 0});
}

using generator = void (*)(const generator_input&, candidate_list&);

// In the order in which their candidates are met.
constexpr generator generators[] = {
    add_rational_forms, add_pythagorean_identities, add_pythagorean_pairs, add_double_angles,
    add_normal_form,    add_over_common_denominator, add_expanded_forms,
};

// Printing is most of simplify's cost: each distinct candidate (form and extra cost) is kept
// once, the first time it comes.
void keep_distinct(candidate_list& list) {
    candidate_list distinct;
    for (auto& c : list) {
        bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const candidate& d) {
            return d.extra_cost == c.extra_cost && d.form.is_equal(c.form);
        });
        if (!seen) distinct.push_back(std::move(c));
    }
    list = std::move(distinct);
}

}  // namespace

candidate_set simplify_candidates(const ex& e, work_budget& budget) {
    const ex combined = with_exponentials_combined(e);
    candidate_set out{{{e, 0}, {combined, 0}}, called_functions(combined)};
    if (node_count(combined, normal_node_limit) < normal_node_limit) {
        const generator_input in{e, combined, out.called, budget};
        // GiNaC's steps past their estimates: all generators together make at most
        // allocations_per_unit allocations per unit of the budget left (a refused step ends
        // its generator, and then every later one at its first allocation)
        allocation_meter all(allowance_for(budget.left()));
        for (generator g : generators) attempt([&] { g(in, out.forms); });
    }
    keep_distinct(out.forms);
    return out;
}

void add_variants(const candidate& c, const std::set<unsigned>& called, std::vector<candidate>& out) {
    // (the rules make sin from cos and sin(2*x), never sinh from cosh)
    if (calls_any(called, {GiNaC::sinh_SERIAL::serial, GiNaC::sin_SERIAL::serial, GiNaC::cos_SERIAL::serial})) {
        attempt([&] {
            ex ratios = rewrite_bottom_up(c.form, trig_ratios_at);
            if (!ratios.is_equal(c.form)) out.push_back({ratios, c.extra_cost});
        });
    }
    attempt([&] {  // sqrt(1 - x^2/4) as sqrt(4 - x^2)/2: the number joins the factors outside
        ex without_content = roots_without_rational_content(c.form);
        if (!without_content.is_equal(c.form)) out.push_back({without_content, c.extra_cost});
    });
    attempt([&] {
        if (!has_power_rewrite(c.form)) return;  // GiNaC has merged the rest
        ex merged = rewrite_bottom_up(c.form, combine_powers_at);
        if (!merged.is_equal(c.form)) out.push_back({merged, c.extra_cost});
    });
}

}  // namespace ddx
