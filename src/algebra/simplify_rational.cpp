// The change of variable behind the exponential forms: exp(k*b) = exp(g*b)^(k/g) for real b,
// exp(g*b) being positive, so a rational function of such exponentials is one of the single
// symbol u = exp(g*b) (or u = exp(-g*b)), and substituting back gives an equal expression.
#include "algebra/simplify_rational.hpp"
#include "algebra/factor_shortcuts.hpp"

#include "algebra/simplify_attempt.hpp"
#include "algebra/simplify_rules.hpp"
#include "algebra/simplify_size.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/expairs.hpp"

#include <ddx/printer.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

namespace {

using exponent_map = std::map<ex, numeric, GiNaC::ex_is_less>;
using symbol_map = std::map<ex, ex, GiNaC::ex_is_less>;

// Roots of at most this many bases, with denominators up to max_root_degree, are read as
// powers of root symbols; beyond that GiNaC's normal() alone (a 1000th root would have 1000
// powers of its symbol to read back).
constexpr std::size_t max_root_bases = 8;
// A numerator and denominator with roots read back are put over a common denominator again
// only up to this many terms together, at this many times normal()'s estimate.
constexpr std::size_t max_reduced_terms = 300;
const numeric max_root_degree = 12;

// exp(1) and exp(10^19) would make a polynomial of degree 10^19, which GiNaC's gcd evaluates
// at integers (hours in CLN, deaf to Ctrl-C): such a base stays as it is.
constexpr int max_degree = 1000;

// Each base of an exponential in e with the gcd of the coefficients seen with it, for the
// bases whose largest coefficient is at most max_degree times that gcd.
exponent_map exponent_steps(const ex& e) {
    exponent_map gcds, largest;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_exp(*it)) continue;
        auto [c, base] = split_coefficient(it->op(0));
        if (c.is_zero()) continue;
        numeric size = c.is_negative() ? -c : c;
        auto g = gcds.find(base);
        if (g == gcds.end()) {
            gcds.emplace(base, size);
            largest.emplace(base, size);
        } else {
            g->second = rational_gcd(g->second, c);
            if (size > largest[base]) largest[base] = size;
        }
    }
    for (auto g = gcds.begin(); g != gcds.end();) {
        g = largest[g->first] / g->second > max_degree ? gcds.erase(g) : std::next(g);
    }
    return gcds;
}

// exp(k*base) -> u^(k/step) for the bases that have a symbol u.
struct exp_replacer : GiNaC::map_function {
    const exponent_map& gcds;
    const symbol_map& symbols;
    bool flip;
    exp_replacer(const exponent_map& g, const symbol_map& s, bool f) : gcds(g), symbols(s), flip(f) {}
    ex operator()(const ex& e) override {
        if (is_exp(e)) {
            auto [c, base] = split_coefficient(e.op(0));
            auto it = symbols.find(base);
            if (it != symbols.end() && !c.is_zero()) {
                numeric step = flip ? -gcds.at(base) : gcds.at(base);
                return GiNaC::pow(it->second, c / step);
            }
        }
        return e.map(*this);
    }
};

}  // namespace

exp_as_power exponentials_as_powers(const ex& e, bool flip) {
    const exponent_map gcds = exponent_steps(e);
    exp_as_power out;
    symbol_map symbol_of;
    for (const auto& [base, g] : gcds) {
        numeric step = flip ? -g : g;
        GiNaC::symbol u;
        symbol_of.emplace(base, u);
        out.back[u] = GiNaC::exp(step * base);
    }
    exp_replacer replacer(gcds, symbol_of, flip);
    out.rational = replacer(e);
    return out;
}

int exponent_sign_balance(const ex& e) {
    int balance = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_exp(*it)) continue;
        numeric c = split_coefficient(it->op(0)).first;
        balance += c.is_negative() ? -1 : 1;
    }
    return balance;
}

std::size_t count_exponentials(const ex& e) {
    std::size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) n += is_exp(*it);
    return n;
}

namespace {

// One base u with roots in an expression: r stands for u^(1/L).
struct root_symbol {
    ex base;
    GiNaC::symbol r;
    int L;
};

// The roots of each base of an expression as powers of one symbol per base, and back.
class root_substitution {
public:
    explicit root_substitution(const ex& e) {
        std::map<ex, numeric, GiNaC::ex_is_less> lcm_of;  // a base with roots -> lcm of their denominators
        auto note = [&](const ex& base, const ex& exponent) {
            if (!is_class<GiNaC::numeric>(exponent)) return;
            const numeric& c = GiNaC::ex_to<numeric>(exponent);
            if (!c.is_rational() || c.is_integer()) return;
            auto [it, added] = lcm_of.emplace(base, c.denom());
            if (!added) it->second = GiNaC::lcm(it->second, c.denom());
        };
        detail::node_set seen;
        visit_distinct(e, seen, [&](const ex& node) {
            if (is_class<GiNaC::power>(node)) note(node.op(0), node.op(1));
            // a product keeps its factor u^c as the pair (u, c): visit_distinct sees u only
            if (is_class<GiNaC::mul>(node)) {
                for (const GiNaC::expair& p : expairs::of(node)) note(p.rest, p.coeff);
            }
        });
        if (lcm_of.size() > max_root_bases) return;
        for (const auto& [base, L] : lcm_of) {
            if (L > max_root_degree) return;
        }
        // made in the order of the bases' text, not the map's (hash) order: the same
        // symbols in every process
        std::vector<std::pair<std::string, ex>> by_text;
        for (const auto& [base, L] : lcm_of) by_text.emplace_back(to_string(base), base);
        std::sort(by_text.begin(), by_text.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        roots_.reserve(by_text.size());
        for (const auto& [text, base] : by_text) roots_.push_back({base, GiNaC::symbol(), lcm_of.at(base).to_int()});
        usable_ = true;
    }

    // Whether the roots are within bounds (there may be none).
    bool usable() const { return usable_; }

    // Every power u^c of a base with roots as r^(c*L).
    ex to_symbols(const ex& e) const {
        if (roots_.empty()) return e;
        struct replacer : GiNaC::map_function {
            const std::vector<root_symbol>& roots;
            explicit replacer(const std::vector<root_symbol>& r) : roots(r) {}
            ex operator()(const ex& x) override {
                if (is_class<GiNaC::power>(x) && is_class<GiNaC::numeric>(x.op(1)) && GiNaC::ex_to<numeric>(x.op(1)).is_rational()) {
                    for (const root_symbol& r : roots) {
                        if (r.base.is_equal(x.op(0))) return GiNaC::pow(r.r, GiNaC::ex_to<numeric>(x.op(1)) * r.L);
                    }
                }
                return x.map(*this);
            }
        } replace(roots_);
        return replace(e);
    }

    // The rational function n (in the root symbols) with each r^k, k >= L, as
    // r^(k mod L) * u^(k div L), over a common denominator again: what cancels once the
    // symbols' relation to their bases is known. `parts`: to_rational's replacements, for the
    // bases to be written in the same symbols as n. This second normal() is charged to
    // `budget` (if given); where it does not fit, or nothing was reduced, n as it is.
    ex reduced(const ex& n, GiNaC::exmap& parts, work_budget* budget = nullptr) const {
        if (roots_.empty()) return n;
        ex nd = GiNaC::numer_denom(n), top = nd.op(0), bottom = nd.op(1);
        // reducing expands both, and multiplies powers of the bases in: where that passes
        // the bound on what is kept it is not begun (a radical of a sum of four functions to
        // the 8th derivative spent 4 of its 6 s expanding what expanded_normal had left)
        if (expanded_terms_estimate(top) + expanded_terms_estimate(bottom) > max_reduced_terms) return n;
        bool changed = false;
        for (const root_symbol& r : roots_) {
            const ex base = r.base.to_rational(parts);
            changed = reduce(top, r, base) || changed;
            changed = reduce(bottom, r, base) || changed;
        }
        if (!changed || terms(top) + terms(bottom) > max_reduced_terms) return n;
        const ex quotient = top / bottom;
        // (GiNaC's gcds over the root symbols: 80 us per unit on a Hessian entry of nested
        // compositions)
        if (budget && !budget->try_spend(roots_normal_cost_factor * normal_cost(quotient))) return n;
        return expanded_normal(quotient);
    }

    // The symbols back as roots.
    ex back(const ex& e) const {
        if (roots_.empty()) return e;
        GiNaC::exmap m;
        for (const root_symbol& r : roots_) m[r.r] = GiNaC::pow(r.base, numeric(1, r.L));
        return e.subs(m, GiNaC::subs_options::no_pattern);
    }

private:
    static std::size_t terms(const ex& p) { return is_class<GiNaC::add>(p) ? p.nops() : 1; }

    // p with r^k, k >= L, as r^(k mod L) * u^(k div L); whether there was any.
    static bool reduce(ex& p, const root_symbol& root, const ex& base) {
        if (!p.has(root.r)) return false;
        ex e = p.expand();
        if (!e.is_polynomial(root.r)) return false;  // r under a root of another base
        const int top = e.degree(root.r);
        if (top < root.L) return false;
        GiNaC::exvector terms;
        for (int k = e.ldegree(root.r); k <= top; ++k) {
            ex c = e.coeff(root.r, k);
            if (!c.is_zero()) terms.push_back(c * GiNaC::pow(root.r, k % root.L) * GiNaC::pow(base, k / root.L));
        }
        const ex reduced_sum = GiNaC::add(terms);
        if (expanded_terms_estimate(reduced_sum) > max_reduced_terms) return false;  // (kept no larger)
        p = reduced_sum.expand();
        return true;
    }

    std::vector<root_symbol> roots_;
    bool usable_ = false;
};

}  // namespace

ex expanded_normal(const ex& e, double max_terms) {
    ex n = GiNaC::normal(e);
    ex nd = GiNaC::numer_denom(n);
    if (expanded_terms_estimate(nd.op(0)) + expanded_terms_estimate(nd.op(1)) > max_terms) return n;
    return nd.op(0).expand() / nd.op(1).expand();
}

ex normal_with_roots(const ex& e, work_budget* budget) {
    root_substitution roots(e);
    if (!roots.usable()) return expanded_normal(e);
    GiNaC::exmap none;
    return roots.back(roots.reduced(expanded_normal(roots.to_symbols(e)), none, budget));
}

ex factored_polynomial(const ex& p) {
    auto expanded_factor = [](const ex& f) {
        if (is_class<GiNaC::add>(f)) return f.expand();
        if (is_class<GiNaC::power>(f) && is_class<GiNaC::add>(f.op(0))) return GiNaC::pow(f.op(0).expand(), f.op(1));
        return f;
    };
    auto factor = [](const ex& q) { return factor_lowest_degree_first(q); };
    auto by_cyclotomics_or_ginac = [&](const ex& q) {
        std::optional<ex> cyclotomic = cyclotomic_part(q, factor);
        return cyclotomic ? *cyclotomic : factor(q);
    };
    // a monomial times a binomial (normal's numerator keeps them apart) is a binomial too
    const bool binomial_product = !is_class<GiNaC::add>(p) && expanded_terms_estimate(p) <= 2;
    std::optional<ex> shortcut = binomial_factors(binomial_product ? p.expand() : p, factor);
    if (!shortcut) shortcut = homogeneous_factors(p, by_cyclotomics_or_ginac);
    if (!shortcut) shortcut = content_split(p, factored_polynomial);
    const ex f = shortcut ? *shortcut : by_cyclotomics_or_ginac(p);
    if (!is_class<GiNaC::mul>(f)) return expanded_factor(f);
    GiNaC::exvector factors;
    for (const ex& x : f) factors.push_back(expanded_factor(x));
    return GiNaC::mul(factors);
}

// Without such a power, GiNaC's normal form is the expanded polynomial, which the `expand`
// candidate already is, at a fraction of normal's cost.
bool has_denominator_or_root(const ex& e, bool ignore_calls) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_class<GiNaC::power>(*it) || (ignore_calls && is_a<GiNaC::function>(it->op(0)))) continue;
        const ex& exponent = it->op(1);
        if (!is_class<GiNaC::numeric>(exponent) || !GiNaC::ex_to<numeric>(exponent).is_pos_integer()) return true;
    }
    return false;
}

namespace {

// At most this many symbols in a polynomial that GiNaC::factor is given.
constexpr std::size_t max_factor_symbols = 4;

// Whether GiNaC::factor can be trusted to finish on `p`. Its multivariate factorization
// (and the modular gcd under it) interpolates densely: the work grows with the product of
// (degree + 1) over the symbols, and which evaluation points it tries follows GiNaC's
// hash order. Measured on random products of polynomials: no call with at most 5 symbols
// ran over 2 s in 1200; with 8 symbols 22 in 100 did; the skeleton of one second
// derivative (10 symbols) hung in 1 run of 30. In one symbol the degree alone decides (the
// recombination of modular factors): the polynomials of tan(x)'s derivatives took 10 ms at
// degree 25, 120 ms at 33 and 1.5 s at 57. Beyond these bounds the normal form stands.
bool safe_to_factor(const ex& p) {
    constexpr double max_dense_size = 1e4;
    constexpr int max_degree = 24;
    GiNaC::exset symbols;
    for (auto it = p.preorder_begin(); it != p.preorder_end(); ++it) {
        if (is_class<GiNaC::symbol>(*it)) symbols.insert(*it);
    }
    if (symbols.size() > max_factor_symbols) return false;
    double dense_size = 1;
    for (const ex& s : symbols) {
        const int degree = p.degree(s);
        if (degree > max_degree) return false;
        dense_size *= degree + 1;
    }
    return dense_size <= max_dense_size;
}

// Whether to_rational's skeleton of `e` is a polynomial in more atoms (symbols, function
// calls) than factor takes: then the rational route yields nothing, and to_rational's cost
// (most of simplify's on a Hessian's entries) is saved.
bool polynomial_in_many_atoms(const ex& e) {
    GiNaC::exset atoms;
    std::vector<ex> pending{e};
    while (!pending.empty()) {
        ex x = pending.back();
        pending.pop_back();
        if (is_class<GiNaC::symbol>(x) || is_a<GiNaC::function>(x) || is_a<GiNaC::constant>(x)) {
            atoms.insert(x);
            continue;
        }
        if (is_class<GiNaC::power>(x)) {
            const ex& exponent = x.op(1);
            if (!is_class<GiNaC::numeric>(exponent) || !GiNaC::ex_to<numeric>(exponent).is_pos_integer()) return false;
        } else if (!is_class<GiNaC::add>(x) && !is_class<GiNaC::mul>(x) && !is_class<GiNaC::numeric>(x)) {
            return false;
        }
        for (const ex& c : x) pending.push_back(c);
    }
    return atoms.size() > max_factor_symbols;
}

}  // namespace

void rational_candidates(const ex& e, std::vector<ex>& out, work_budget& budget) {
    if (polynomial_in_many_atoms(e)) return;
    // Where the only denominators are powers of calls (1/cosh(u)^2 in a tanh network's
    // derivatives), over_common_denominator's candidates take out what normal() would, at a
    // fraction of its cost (a sixth of simplifying the network's Hessian; no task of the
    // simplification benchmark changed length).
    if (has_denominator_or_root(e) && !has_denominator_or_root(e, true)) return;
    // roots of one base as powers of one symbol (to_rational alone would make u^(3/2) and
    // u^(1/2) unrelated symbols)
    root_substitution roots(e);
    GiNaC::exmap parts;
    ex r = (roots.usable() ? roots.to_symbols(e) : e).to_rational(parts);
    ex numerator = r, denominator = 1;
    auto original = [&](const ex& x) { return roots.back(x.subs(parts, GiNaC::subs_options::no_pattern)); };
    if (has_denominator_or_root(r)) {
        if (!budget.try_spend(normal_cost(r))) return;
        ex n = roots.usable() ? roots.reduced(expanded_normal(r), parts, &budget) : expanded_normal(r);
        out.push_back(original(n));
        if (node_count(n, factor_node_limit) >= factor_node_limit) return;
        ex nd = GiNaC::numer_denom(n);
        numerator = nd.op(0);
        denominator = nd.op(1);
    } else if (node_count(r, factor_node_limit) >= factor_node_limit) {
        return;
    }
    if (!safe_to_factor(numerator) || !safe_to_factor(denominator)) return;
    if (!budget.try_spend(normal_cost(numerator) + normal_cost(denominator))) return;
    // factor refuses float coefficients; the normal form stands
    attempt([&] {
        ex f = factored_polynomial(numerator) / factored_polynomial(denominator);
        out.push_back(original(f));
    });
}

namespace {

using factor_powers = std::vector<std::pair<ex, numeric>>;  // base, positive integer exponent

// A term's factors split into those over the line (`top`) and the bases of its reciprocal
// integer powers (`bottom`); `common` gets each such base with its largest exponent so far.
void split_term(const ex& t, GiNaC::exvector& top, factor_powers& bottom, factor_powers& common) {
    GiNaC::exvector factors = is_class<GiNaC::mul>(t) ? GiNaC::exvector(t.begin(), t.end()) : GiNaC::exvector{t};
    for (const ex& f : factors) {
        bool reciprocal = is_class<GiNaC::power>(f) && is_class<GiNaC::numeric>(f.op(1)) &&
                          GiNaC::ex_to<numeric>(f.op(1)).is_integer() && GiNaC::ex_to<numeric>(f.op(1)).is_negative();
        if (!reciprocal) {
            top.push_back(f);
            continue;
        }
        numeric k = -GiNaC::ex_to<numeric>(f.op(1));
        bottom.emplace_back(f.op(0), k);
        auto it = std::find_if(common.begin(), common.end(), [&](const auto& c) { return c.first.is_equal(f.op(0)); });
        if (it == common.end()) {
            common.emplace_back(f.op(0), k);
        } else if (k > it->second) {
            it->second = k;
        }
    }
}

// A term's numerator over the common denominator: its top times the powers of `common` its
// own denominator lacks.
ex numerator_over(GiNaC::exvector top, const factor_powers& bottom, const factor_powers& common) {
    for (const auto& c : common) {
        auto own = std::find_if(bottom.begin(), bottom.end(), [&](const auto& b) { return b.first.is_equal(c.first); });
        numeric missing = own == bottom.end() ? c.second : c.second - own->second;
        if (!missing.is_zero()) top.push_back(GiNaC::pow(c.first, missing));
    }
    return GiNaC::mul(top);
}

}  // namespace

std::pair<ex, ex> over_common_denominator(const ex& e) {
    if (!is_class<GiNaC::add>(e)) return {e, 1};
    std::vector<std::pair<GiNaC::exvector, factor_powers>> terms;
    factor_powers common;  // each base with its largest exponent
    for (const ex& t : e) {
        GiNaC::exvector top;
        factor_powers bottom;
        split_term(t, top, bottom, common);
        terms.emplace_back(std::move(top), std::move(bottom));
    }
    if (common.empty()) return {e, 1};
    GiNaC::exvector numerators, denominator;
    for (auto& [top, bottom] : terms) numerators.push_back(numerator_over(std::move(top), bottom, common));
    for (const auto& [base, k] : common) denominator.push_back(GiNaC::pow(base, k));
    return {GiNaC::add(numerators), GiNaC::mul(denominator)};
}

}  // namespace ddx
