// High-order derivatives by polynomial arithmetic. Differentiating a tree and simplifying
// after every order (what GiNaC's diff + normal does) re-reads an ever larger expression;
// but a rational function of x and u = exp(g*x), times at most one exp(h(x)) with h a
// polynomial, stays one: every derivative is
//
//     exp(h) * N_n / (D * q^n),   D = c * p_1^e_1 * ... * p_k^e_k,   q = p_1 * ... * p_k,
//
// with the numerator N_n the only part that changes:
//
//     N_(n+1) = (h' N_n + N_n') q - N_n (W + n q'),   W = sum e_i p_i' q / p_i,
//
// where ' is d/dx: on polynomials in u it multiplies u^k by g*k. The polynomials are dense
// vectors in one variable, u or x; each order is a few of their products, and only the
// order asked for is turned back into an expression (content, powers of the variable and
// factors v - 1, v + 1 taken out; palindromes in u written with cosh or sinh).
//
// A polynomial with such coefficients in generators G_i stays one too, where each G_i' is
// either rational (T = atan(p), atanh(p) or log(p), p rational in x and the other G: with T's
// denominator in q, exponent 0 in D if new), a constant times another generator (sin and
// cos, sinh and cosh, exp of a*x + b), or c*(1 +- G_i^2) (tan and tanh of a*x + b): N_n is a
// polynomial in the G_i whose coefficients follow the same step, plus, from each monomial,
// m_i G^(m - e_i) G_i' q. Then q, W and q' may hold generators too (1/(2 + sin(x))), a
// fraction p^k of a polynomial (in x and the generators: sqrt(1 + sin(x)^2)) is a factor of
// D with exponent -k, and exp(h) may be any exp(h) or b^c whose h' is such a rational
// function (x^x: h' = log(x) + 1): h' q is then a polynomial in the generators. Where h' or
// T' has a square below (exp(1/x): h' = -1/x^2), q holds it squared: q is any product of
// powers of the p_i (q = x^2), with W = q D'/D still. cos^2 is written 1 - sin^2 (cosh^2 as
// 1 + sinh^2), so the numerators grow linearly in the order. atan(2*x + 1)/(1 + x^2) to order 80 ran for half a
// minute in 1.3 GB by the rules, sin(x)/(1 + x^2) to order 100 for 8.8 s.
//
// Reading f is nth_derivative_analysis.cpp's, the polynomials' arithmetic
// dense_polynomial.cpp's, writing the result back nth_derivative_forms.cpp's; here each
// order's numerator follows from the last, and the one asked for becomes an expression.
#include "algebra/nth_derivative.hpp"

#include "algebra/nth_derivative_analysis.hpp"
#include "algebra/nth_derivative_forms.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"

#include <ddx/differentiator.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/limits.hpp>
#include <ddx/simplify.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <type_traits>
#include <vector>

namespace ddx {

using namespace high_order;

namespace {

// The coefficients (of all monomials) one order's numerator may have: tanh(5/7*x + 6)/(1 + x^2)
// at order 200 has 81,000 (an answer of 6.5 MB).
constexpr size_t max_numerator_coefficients = 200000;

// The monomials one order's numerator may have: each costs the step and the answer a product
// of GiNaC's (x*tanh(sin(x)) at order 100 has 10,000 monomials in tanh(sin(x)), sin and cos:
// 1.5 s; at order 200 40,000: 14 s for 18 MB, where tanh(5/7*x + 6)/(1 + x^2)'s 202 take
// 1.4 s for 6.5 MB).
constexpr size_t max_numerator_monomials = 20000;

// From this order on, the size of the order asked for is projected from the growth of the
// sizes made (each a power of the order: x*tanh(sin(x))'s monomials grow as its square, 281
// at order 16, 40,301 at 200): past the bounds above the rules answer from the start, not
// after the steps up to the bound (seconds).
constexpr size_t min_projected_order = 16;

// A size at order n from those at orders k/2 and k, taken to grow as the power of the order
// that those two show (no growth: as it is).
double projected_size(size_t at_half, size_t at_k, int k, int n) {
    if (at_half == 0 || at_k <= at_half) return static_cast<double>(at_k);
    return static_cast<double>(at_k) * std::pow(static_cast<double>(n) / k, std::log2(static_cast<double>(at_k) / at_half));
}

// The coefficient products the steps up to order n may make in all: 10*n^4, at least 100,000
// (tens of milliseconds). A function of one or two generators makes far fewer (x^x to order
// 200: 21 million, against 16 billion allowed; x^sin(x) to order 12: 63,000); one of many,
// whose q and h' q have dozens of terms, makes more at every order than the rules' whole
// derivative costs: exp((3*sin(x) + log(x) + 3)/(3*cos(x)^2 + 3*sin(2*x + 1)^2 + 3*x^2 + 2))
// times two sums made 83 million by order 7 (5 s, against 0.5 s by the rules). Past it the
// rules answer (a later call for a higher order, with more allowed, goes on from the
// orders made).
constexpr double products_per_order_to_the_4th = 10, min_products = 100000;

// The numerators of orders up to this one are kept for later calls (orders 1..n of one
// function, a plot of several orders); above it only the last order made, which the next
// one is made from. Kept, every order of tanh(5/7*x + 6)/(1 + x^2) to the 150th held 300 MB
// (each numerator grows as the cube of its order), a quarter of the time going to the pages
// that memory touched; an order above this one asked for again is made again from here.
constexpr size_t max_kept_order = 30;

std::optional<ex> nth_derivative(const ex& f, const ex& x, int order, bool may_step_first, tangent_reading tangents);

}  // namespace

std::optional<ex> nth_derivative_by_polynomials(const ex& f, const ex& x, int order) {
    return nth_derivative(f, x, order, true, tangent_reading::none);
}

std::optional<ex> nth_derivative_by_polynomials_with_tangents(const ex& f, const ex& x, int order, tangents_of which) {
    // (asked at every order of every derivative by stepping: reading f costs, a scan does not)
    if (!any_distinct(f, is_tangent_call)) return std::nullopt;
    return nth_derivative(f, x, order, false,
                          which == tangents_of::any_generators ? tangent_reading::of_any_generators : tangent_reading::of_rational_functions);
}

bool has_tangents_of_generators(const ex& f, const ex& x) {
    return any_distinct(f, [&](const ex& node) { return is_tangent_call(node) && !is_rational_in(node.op(0), GiNaC::lst{x}); });
}

namespace {

std::optional<ex> nth_derivative(const ex& f, const ex& x, int order, bool may_step_first, tangent_reading tangents) {
    // (the expressions this is for are small; a big DAG is better left to the differentiator)
    if (order < 1 || !is_class<GiNaC::symbol>(x) || tree_size_exceeds(f, limits::evaluated_argument_nodes)) return std::nullopt;
    analysis& a = analysed(f, x, may_step_first, tangents);
    if (a.by == analysis::route::none) return std::nullopt;
    if (a.by == analysis::route::first_derivative) {
        if (order < 2) return std::nullopt;
        return nth_derivative(differentiator(x)(f), x, order - 1, false, tangent_reading::none);
    }
    if (order < a.lowest_order || order > a.highest_order) return std::nullopt;
    const bool scaled_step = a.scale != 1;
    const double max_products = std::max(min_products, products_per_order_to_the_4th * std::pow(order, 4));
    if (static_cast<size_t>(order) > max_kept_order && static_cast<size_t>(order) + 1 < a.numerators.size()) {
        // that order was dropped: made again from the kept ones, the products counted afresh
        a.numerators.resize(max_kept_order + 1);
        a.products = 0;
    }
    // the rates as the step's integers
    const mpz_class scale = to_gmp(cln::the<cln::cl_I>(a.scale)), scaled_g = to_gmp(cln::the<cln::cl_I>(a.scaled_g)),
                    one = 1;
    struct rates {
        mpz_class square_free, square;
        std::vector<std::pair<size_t, mpz_class>> derivative;
    };
    std::vector<rates> generator_rates;
    for (const generator& g : a.generators) {
        rates r{to_gmp(cln::the<cln::cl_I>(g.square_free)), to_gmp(cln::the<cln::cl_I>(g.square)), {}};
        for (const auto& [j, rate] : g.derivative) r.derivative.emplace_back(j, to_gmp(cln::the<cln::cl_I>(rate)));
        generator_rates.push_back(std::move(r));
    }
    while (a.numerators.size() <= static_cast<size_t>(order)) {
        check_stop();
        const integer_terms& n = a.numerators.back();
        long k = static_cast<long>(a.numerators.size()) - 1;
        integer_terms next;
        // c*p at monomial m, times `factor`, added in place (a new vector for every product
        // and sum: a tenth of tanh(5/7*x + 6)/(1 + x^2)'s 100th derivative)
        auto add_times = [&](const monomial& m, const integer_dense& c, const integer_terms& p, const mpz_class& factor) {
            for (const auto& [mp, cp] : p) {
                monomial to = m;
                for (size_t i = 0; i < to.size(); ++i) to[i] += mp[i];
                add_product(next[to], c, cp, factor);
                a.products += c.size() * cp.size();
            }
        };
        integer_terms w_k = a.w;  // W + k q'
        for (const auto& [m, c] : a.dq) {
            auto [at, fresh] = w_k.try_emplace(m, scaled(c, mpz_class(k)));
            if (!fresh) at->second = at->second + scaled(c, mpz_class(k));
        }
        const mpz_class minus_scale = -scale;
        integer_dense dc;
        for (const auto& [m, c] : n) {
            if (a.products > max_products) return std::nullopt;  // (what the step made so far is dropped)
            // each term scale^2 times the unscaled step's: c' q - c (W + k q') + c h' q
            derivative(dc, c, a.in_u, scaled_g, !a.in_u && scaled_step ? scale : one);
            add_times(m, dc, a.q, one);
            add_times(m, c, w_k, minus_scale);
            add_times(m, c, a.hq, one);
            // the generators' own derivatives: m_i G^(m - e_i) G_i'
            for (size_t i = 0; i < m.size(); ++i) {
                if (m[i] == 0) continue;
                monomial lower = m;
                --lower[i];
                if (auto t = a.logarithmic.find(i); t != a.logarithmic.end()) {
                    add_times(lower, c, t->second, scale * m[i]);
                    continue;
                }
                const rates& r = generator_rates[i];
                if (is_tangent(a.generators[i])) {
                    add_times(lower, c, a.q, r.square_free * m[i]);
                    monomial higher = m;
                    ++higher[i];
                    add_times(higher, c, a.q, r.square * m[i]);
                    continue;
                }
                for (const auto& [j, rate] : r.derivative) {
                    monomial to = lower;
                    ++to[j];
                    add_times(to, c, a.q, rate * m[i]);
                }
            }
        }
        for (auto& [m, c] : next) trim(c);
        reduce_squares(next, a);
        // bounds on the numerators (x^sin(x)'s have ~n^3/6 monomials in sin, cos and log: 3
        // million coefficients by order 70): past them the orders above are left to the rules
        size_t coefficients = 0;
        for (const auto& [m, c] : next) coefficients += c.size();
        const size_t made = a.numerators.size();
        if (a.numerator_sizes.size() <= made) a.numerator_sizes.resize(made + 1);
        a.numerator_sizes[made] = {next.size(), coefficients};
        if (coefficients > max_numerator_coefficients || next.size() > max_numerator_monomials) {
            a.highest_order = static_cast<int>(made) - 1;
            return std::nullopt;
        }
        // and the order asked for projected past them: the rules answer it (the orders made
        // stay, for lower ones)
        if (made >= min_projected_order && static_cast<size_t>(order) > made) {
            const auto [monomials_at_half, coefficients_at_half] = a.numerator_sizes[made / 2];
            const int k = static_cast<int>(made);
            if (projected_size(monomials_at_half, next.size(), k, order) > max_numerator_monomials ||
                projected_size(coefficients_at_half, coefficients, k, order) > max_numerator_coefficients) {
                return std::nullopt;
            }
        }
        a.numerators.push_back(std::move(next));
        const size_t previous = a.numerators.size() - 2;
        if (previous > max_kept_order) a.numerators[previous] = integer_terms{};
    }
    const integer_terms& numerator = a.numerators[static_cast<size_t>(order)];  // scaled
    const cln::cl_RA unscale = 1 / (a.numerator_scale * cln::expt(a.scale, 2 * order));
    auto unscaled = [&](const dense& p) { return unscale == 1 ? p : scaled(p, unscale); };
    if (std::all_of(numerator.begin(), numerator.end(), [](const auto& term) { return is_zero(term.second); })) return ex(0);

    ex v = a.in_u ? ex(a.u) : a.x;
    pairing u_pairs{a.g, a.x};
    // the power of factor i in D q^order
    auto power_below = [&](size_t i) { return a.den.factors[i].second + a.q_powers[i] * order; };
    // n over D q^order: the numerator reduced by each factor of q as often as it divides it,
    // and the exponents of the factors left
    // factors in the generators divided out of the whole numerator first (log(1 + sin(x))'s
    // 5th derivative: -cos(x)*(sin(x) - 5)/(sin(x) + 1)^3, not a cubic over (sin(x) + 1)^5)
    std::vector<int> divided(a.den.factors.size(), 0);
    std::optional<numerator_terms> divided_numerator;
    size_t coefficients = 0;
    for (const auto& [m, c] : numerator) coefficients += c.size();
    for (size_t i = 0; i < a.den.factors.size(); ++i) {
        // (GiNaC's divide on the whole polynomial took 2.5 s of the 4.3 s of sin(x)^x's 50th
        // derivative; now 1.8 s in all, left undivided)
        constexpr size_t max_divided_coefficients = 1000;
        if (!a.factors[i].empty() || coefficients > max_divided_coefficients) continue;
        ex whole = 0;
        for (const auto& [m, c] : divided_numerator ? *divided_numerator : to_rationals(numerator)) {
            GiNaC::exvector factors{sum_of_powers(c, a.x)};
            for (size_t j = 0; j < m.size(); ++j) factors.push_back(GiNaC::pow(a.generators[j].symbol, m[j]));
            whole += GiNaC::mul(factors);
        }
        ex quotient;
        while (power_below(i) - divided[i] >= 1 && GiNaC::divide(whole, a.factor_symbols[i], quotient)) {
            whole = quotient;
            ++divided[i];
        }
        if (divided[i] == 0) continue;
        divided_numerator = by_monomials_of(whole, a.generators, a.x, SIZE_MAX);
        if (!divided_numerator) return std::nullopt;  // (a polynomial over the rationals still)
    }
    // the primitive factors as integers (empty for the others): they divide the numerator's
    // integers in place before those become rationals, and the shorter quotients are what is
    // converted
    std::vector<integer_dense> primitive_factors(a.factors.size());
    for (size_t i = 0; i < a.factors.size(); ++i) {
        auto integers = a.factors[i].empty() ? std::nullopt : to_integers(a.factors[i]);
        if (!integers) continue;
        mpz_class content = 0;
        for (const mpz_class& c : *integers) content = gcd(content, c);
        if (content == 1) primitive_factors[i] = std::move(*integers);
    }
    // n (integers or rationals) divided by each factor of q as often as it divides it, and the
    // exponents of the factors left
    auto reduced = [&](const auto& n, bool reduce) {
        exponents below;
        for (size_t i = 0; i < a.den.factors.size(); ++i) below.push_back(power_below(i) - divided[i]);
        std::vector<bool> done(a.factors.size(), false);
        // each quotient by c_i p_i times c_i: the quotient by p_i, whose power is lowered
        cln::cl_I scales_divided = 1;
        dense top;
        if constexpr (std::is_same_v<std::decay_t<decltype(n)>, integer_dense>) {
            integer_dense integers = n;
            for (size_t i = 0; i < a.factors.size(); ++i) {
                if (primitive_factors[i].empty()) continue;
                while (reduce && below[i] >= 1 && divide_exactly(integers, primitive_factors[i])) {
                    --below[i];
                    scales_divided = scales_divided * a.factor_scales[i];
                }
                done[i] = true;
            }
            top = to_rationals(integers);
        } else {
            top = n;
        }
        for (size_t i = 0; i < a.factors.size(); ++i) {
            while (reduce && below[i] >= 1 && !done[i] && !a.factors[i].empty()) {
                auto quotient = divided_exactly(top, a.factors[i]);
                if (!quotient) break;
                top = std::move(*quotient);
                --below[i];
                scales_divided = scales_divided * a.factor_scales[i];
            }
        }
        if (scales_divided != 1) top = scaled(std::move(top), cln::cl_RA(scales_divided));
        return std::pair{std::move(top), std::move(below)};
    };
    auto over = [&](const ex& top, const exponents& powers) {
        GiNaC::exvector bottom{a.den.constant};
        for (size_t i = 0; i < a.den.factors.size(); ++i) bottom.push_back(GiNaC::pow(a.den.factors[i].first, powers[i]));
        return GiNaC::mul(a.exp_factor, top, GiNaC::pow(GiNaC::mul(bottom), -1));
    };
    auto in_x = [&](const ex& result) {
        if (!a.in_u) return result;  // one exp(h) at most: nothing to combine
        return combine_exponentials(result.subs(a.u == GiNaC::exp(a.g * a.x), GiNaC::subs_options::no_pattern));
    };
    if (!a.generators.empty()) {
        // each monomial in the generators over its own reduced denominator (atan's term keeps
        // the short one), those with equal denominators over one: (1 - log(x))/x^2
        // A power of a generator, or of v, in every term stands once in front of the sum:
        // exp(x)*(2*tanh(x)^3 - ... + 2), not 2*exp(x)*tanh(x)^3 - ... + 2*exp(x).
        struct term {
            monomial m;
            dense top;
            exponents below;
        };
        std::vector<term> reduced_terms;
        monomial common;
        size_t common_v = SIZE_MAX;
        auto add_reduced = [&](const monomial& m, const auto& c) {
            if (is_zero(c)) return;
            auto [top, below] = reduced(c, true);  // on integers, then scaled back
            if (common.empty()) common = m;
            for (size_t i = 0; i < m.size(); ++i) common[i] = std::min(common[i], m[i]);
            size_t lowest = 0;
            while (lowest + 1 < top.size() && cln::zerop(top[lowest])) ++lowest;
            common_v = std::min(common_v, lowest);
            reduced_terms.push_back({m, std::move(top), std::move(below)});
        };
        if (divided_numerator) {
            for (const auto& [m, c] : *divided_numerator) add_reduced(m, c);
        } else {
            for (const auto& [m, c] : numerator) add_reduced(m, c);
        }
        std::map<exponents, GiNaC::exvector, exponents_less> by_denominator;
        for (term& t : reduced_terms) {
            t.top.erase(t.top.begin(), t.top.begin() + static_cast<long>(common_v));
            GiNaC::exvector factors{readable_product(t.top, v, a.in_u ? &u_pairs : nullptr, unscale)};
            for (size_t i = 0; i < t.m.size(); ++i) factors.push_back(GiNaC::pow(a.generators[i].call, t.m[i] - common[i]));
            by_denominator[t.below].push_back(GiNaC::mul(factors));
        }
        GiNaC::exvector terms, in_front{GiNaC::pow(v, static_cast<int>(common_v))};
        for (const auto& [below, tops] : by_denominator) terms.push_back(over(GiNaC::add(tops), below));
        for (size_t i = 0; i < common.size(); ++i) in_front.push_back(GiNaC::pow(a.generators[i].call, common[i]));
        in_front.push_back(GiNaC::add(terms));
        std::vector<ex> radicands;
        for (const auto& rule : a.roots) radicands.push_back(a.generators[rule.root].call.op(0));
        return with_roots_joined(in_x(GiNaC::mul(in_front)), radicands);
    }
    const dense n = unscaled(to_rationals(numerator.begin()->second));
    auto form = [&](const pairing* pairs) {
        auto [top, exponents] = reduced(n, false);
        return in_x(over(readable_product(top, v, pairs), exponents));
    };
    if (!a.in_u) {
        // a low-order derivative of a polynomial may read shorter multiplied out (2*x^3 + 6*x,
        // not 2*x*(x^2 + 3)); from order 4 on the factored form is kept without printing both
        ex factored = form(nullptr);
        if (order > 3 || !worth_multiplying_out(n)) return factored;
        GiNaC::exvector bottom{a.den.constant};
        for (size_t i = 0; i < a.den.factors.size(); ++i) bottom.push_back(GiNaC::pow(a.den.factors[i].first, power_below(i)));
        ex expanded = GiNaC::mul(a.exp_factor, sum_of_powers(n, v), GiNaC::pow(GiNaC::mul(bottom), -1));
        return printed_length(expanded) < printed_length(factored) ? expanded : factored;
    }
    // with cosh/sinh pairs where the numerator is palindromic (from degree 4 on that is
    // always the shorter: each coefficient once instead of twice)
    ex paired = form(&u_pairs);
    // over a power of 1 + u alone: as sums of cosh (sinh) over cosh(g*x/2)^b, as a textbook
    // writes tanh's derivatives with sech, at every order (one family of forms: orders 1..9
    // in cosh(x/2), then exp(-10*x)*(...)/(1 + exp(-x))^21, read as two functions). Up to
    // order 8 the shorter of the two; above, the sech form, within a few characters of the
    // other, unless the numerator has a repeated root at 1 or -1, which the paired form
    // takes out as a power and the sech form multiplies out (comparing means printing both:
    // 14% of orders 1..20).
    constexpr int max_compared_order = 8;
    if (a.den.factors.size() == 1 && a.den.factors[0].first.is_equal(ex(a.u) + 1)) {
        size_t b = static_cast<size_t>(power_below(0).to_int());
        if (auto sech = sech_form(n, b, a.den.constant, u_pairs)) {
            ex candidate = combine_exponentials(GiNaC::mul(a.exp_factor, *sech));
            if (order > max_compared_order && !has_repeated_unit_root(n)) return candidate;
            if (printed_length(candidate) < printed_length(paired)) return candidate;
        }
    }
    return paired;
}

}  // namespace

}  // namespace ddx
