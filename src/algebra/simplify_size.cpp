#include "algebra/simplify_size.hpp"

#include "core/class_test.hpp"
#include "core/expairs.hpp"

#include <ddx/detail/node_map.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::numeric;

std::size_t node_count(const ex& e, std::size_t limit) {
    std::size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (++n > limit) break;
    }
    return n;
}

namespace {

double estimated_terms(const ex& e, detail::node_map<double>& memo);

// Terms of base^exponent expanded: a multinomial for a positive integer power, else 1.
double estimated_power_terms(const ex& base, const numeric& exponent, detail::node_map<double>& memo) {
    if (exponent == 1) return estimated_terms(base, memo);
    if (!exponent.is_pos_integer()) return 1;
    double m = estimated_terms(base, memo);
    double k = exponent.to_double();
    // multinomial: C(k + m - 1, m - 1) terms, through log-gamma
    return m <= 1 ? 1 : std::exp(std::lgamma(k + m) - std::lgamma(k + 1) - std::lgamma(m));
}

// (A sum's terms and a product's factors are read from their pairs: op(i) would build a
// product or a power per operand, which was most of the walk's time.)
double estimated_terms(const ex& e, detail::node_map<double>& memo) {
    if (e.nops() == 0) return 1;
    auto it = memo.find(e);
    if (it != memo.end()) return it->second;
    double n = 1;
    if (is_class<GiNaC::add>(e)) {
        n = expairs::number(e).is_zero() ? 0 : 1;
        for (const GiNaC::expair& p : expairs::of(e)) n += estimated_terms(p.rest, memo);
    } else if (is_class<GiNaC::mul>(e)) {
        for (const GiNaC::expair& p : expairs::of(e)) n *= estimated_power_terms(p.rest, GiNaC::ex_to<numeric>(p.coeff), memo);
    } else if (is_class<GiNaC::power>(e) && is_class<GiNaC::numeric>(e.op(1))) {
        n = estimated_power_terms(e.op(0), GiNaC::ex_to<numeric>(e.op(1)), memo);
    }
    n = std::min(n, 1e18);
    memo.emplace(e, n);
    return n;
}

}  // namespace

double expanded_terms_estimate(const ex& e) {
    detail::node_map<double> memo;
    return estimated_terms(e, memo);
}

namespace {

// Terms of p^k for a p of m terms: the multinomial C(k + m - 1, m - 1).
double power_terms(double m, double k) {
    return m <= 1 ? 1 : std::exp(std::lgamma(k + m) - std::lgamma(k + 1) - std::lgamma(m));
}

// A polynomial's total degree and its terms once multiplied out (no cancellation assumed).
struct polynomial_size {
    double degree = 0;
    double terms = 1;
};

// e as numerator / denominator over its atoms, the denominator kept as powers of distinct
// bases, as a common denominator keeps them (a sum's terms over (c + d*x)^2 and (c + d*x)
// share (c + d*x)^2, not (c + d*x)^3).
struct rational_shape {
    polynomial_size numerator;
    std::map<ex, double, GiNaC::ex_is_less> denominator;  // base -> exponent
};

struct shape_walk {
    detail::node_map<rational_shape> memo;  // by node: comparing trees was most of the walk
    std::map<ex, polynomial_size, GiNaC::ex_is_less> bases;  // each base's numerator size
    GiNaC::exset atoms;

    polynomial_size size_of(const std::map<ex, double, GiNaC::ex_is_less>& powers) const {
        polynomial_size s;
        for (const auto& [base, k] : powers) {
            const polynomial_size& b = bases.at(base);
            s.degree += k * b.degree;
            s.terms *= power_terms(b.terms, k);
        }
        return s;
    }

    const rational_shape& operator()(const ex& e) {
        auto it = memo.find(e);
        if (it != memo.end()) return it->second;
        rational_shape s = compute(e);
        s.numerator.degree = std::min(s.numerator.degree, 1e9);
        s.numerator.terms = std::min(s.numerator.terms, 1e18);
        return memo.emplace(e, std::move(s)).first->second;
    }

    rational_shape compute(const ex& e) {
        if (is_class<GiNaC::numeric>(e)) return {};
        if (is_class<GiNaC::add>(e)) return sum(e);
        if (is_class<GiNaC::mul>(e)) {
            rational_shape s;
            for (const GiNaC::expair& p : expairs::of(e)) {
                const rational_shape g = power(p.rest, GiNaC::ex_to<numeric>(p.coeff));
                s.numerator.degree += g.numerator.degree;
                s.numerator.terms *= g.numerator.terms;
                for (const auto& [base, k] : g.denominator) s.denominator[base] += k;
            }
            return s;
        }
        if (is_class<GiNaC::power>(e) && is_class<GiNaC::numeric>(e.op(1))) return power(e.op(0), GiNaC::ex_to<numeric>(e.op(1)));
        return atom(e);
    }

    // The shape of base^exponent (a product's factors come as pairs, as in estimated_terms).
    rational_shape power(const ex& base, const numeric& exponent) {
        if (exponent == 1) return (*this)(base);
        if (!exponent.is_integer()) return atom(GiNaC::pow(base, exponent));
        const rational_shape& b = (*this)(base);
        const double k = exponent.to_double();
        rational_shape s;
        if (k >= 0) {
            s.numerator = {k * b.numerator.degree, power_terms(b.numerator.terms, k)};
            for (const auto& [d, m] : b.denominator) s.denominator[d] = k * m;
        } else {
            polynomial_size bottom = size_of(b.denominator);
            s.numerator = {-k * bottom.degree, power_terms(bottom.terms, -k)};
            bases.emplace(base, b.numerator);
            s.denominator[base] = -k;
        }
        return s;
    }

    rational_shape atom(const ex& e) {
        atoms.insert(e);  // a symbol, a call, a root: one temporary symbol to normal()
        rational_shape s;
        s.numerator = {1, 1};
        return s;
    }

    rational_shape sum(const ex& e) {
        std::vector<const rational_shape*> terms;
        rational_shape s;
        for (const GiNaC::expair& p : expairs::of(e)) {  // (a number term adds one term of degree 0)
            terms.push_back(&(*this)(p.rest));
            for (const auto& [base, k] : terms.back()->denominator) s.denominator[base] = std::max(s.denominator[base], k);
        }
        s.numerator.terms = expairs::number(e).is_zero() ? 0 : 1;
        for (const rational_shape* t : terms) {
            std::map<ex, double, GiNaC::ex_is_less> missing;
            for (const auto& [base, k] : s.denominator) {
                auto own = t->denominator.find(base);
                double m = k - (own == t->denominator.end() ? 0 : own->second);
                if (m > 0) missing.emplace(base, m);
            }
            polynomial_size over = size_of(missing);
            s.numerator.degree = std::max(s.numerator.degree, t->numerator.degree + over.degree);
            s.numerator.terms += t->numerator.terms * over.terms;
        }
        return s;
    }
};

// Monomials of total degree at most d in n variables: C(d + n, n), through log-gamma.
double dense_monomials(double d, double n) {
    if (d <= 0 || n <= 0) return 1;
    return std::exp(std::lgamma(d + n + 1) - std::lgamma(d + 1) - std::lgamma(n + 1));
}

// The normal form's terms and atoms (normal_form_terms_estimate).
std::pair<double, double> normal_form_terms_and_atoms(const ex& e) {
    shape_walk walk;
    const rational_shape& s = walk(e);
    const double n = static_cast<double>(walk.atoms.size());
    const polynomial_size bottom = walk.size_of(s.denominator);
    double top = std::min(s.numerator.terms, dense_monomials(s.numerator.degree, n));
    double below = std::min(bottom.terms, dense_monomials(bottom.degree, n));
    return {std::min(top + below, 1e18), n};
}

}  // namespace

double normal_cost(const ex& e) {
    const auto [terms, atoms] = normal_form_terms_and_atoms(e);
    return terms * std::log2(terms + 2) * std::max(1.0, atoms * atoms / (normal_cost_atoms * normal_cost_atoms));
}

double simplify_units(const ex& e) {
    // distinct nodes, not the tree: a raw derivative's tree repeats its shared parts
    detail::node_set seen;
    std::size_t nodes = 0;
    visit_distinct(e, seen, [&](const ex&) { ++nodes; });
    return simplify_base_units + simplify_units_per_node * static_cast<double>(nodes);
}

double normal_form_terms_estimate(const ex& e) { return normal_form_terms_and_atoms(e).first; }

double polynomial_terms_bound(const ex& e) {
    shape_walk walk;
    const rational_shape& s = walk(e);
    if (!s.denominator.empty()) return 1e18;
    return std::min(dense_monomials(s.numerator.degree, static_cast<double>(walk.atoms.size())), 1e18);
}

}  // namespace ddx
