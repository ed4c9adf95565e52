#include <ddx/printer.hpp>
#include <ddx/error.hpp>
#include <ddx/limits.hpp>
#include <ddx/simplify.hpp>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "algebra/printed_length.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <map>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

namespace {

// Above this many nodes the expensive candidates (factor) are skipped so that simplify
// stays in milliseconds where GiNaC's normal does.
constexpr size_t factor_node_limit = 400;
constexpr size_t normal_node_limit = 20000;

size_t node_count(const ex& e, size_t limit) {
    size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (++n > limit) break;
    }
    return n;
}


// The argument of an exponential split as coefficient * base (`-2*x` -> -2, x).
std::pair<numeric, ex> split_coefficient(const ex& arg) {
    if (is_class<GiNaC::numeric>(arg)) return {GiNaC::ex_to<numeric>(arg), 1};
    if (is_class<GiNaC::mul>(arg)) {
        numeric c = 1;
        ex rest = 1;
        for (const ex& f : arg) {
            if (is_class<GiNaC::numeric>(f)) {
                c *= GiNaC::ex_to<numeric>(f);
            } else {
                rest *= f;
            }
        }
        if (c.is_rational()) return {c, rest};
    }
    return {1, arg};
}

// exp(a)^k -> exp(k*a), exp(a)*exp(b) -> exp(a + b), for one node whose operands are done.
ex combine_exponentials_at(const ex& e) {
    if (is_class<GiNaC::power>(e) && is_exp(e.op(0))) return GiNaC::exp(times(e.op(0).op(0), e.op(1)));
    if (!is_class<GiNaC::mul>(e)) return e;
    GiNaC::exvector exponents, rest;
    for (const ex& f : e) {
        if (is_exp(f)) {
            exponents.push_back(f.op(0));
        } else {
            rest.push_back(f);
        }
    }
    if (exponents.size() < 2) return e;
    rest.push_back(GiNaC::exp(GiNaC::add(exponents)));
    return GiNaC::mul(rest);  // not operator*, which reads every factor as a tree
}

// Whether combine_powers_at has anything to do in e: a symbolic exponent, a power of a
// power, a log of a power.
// (GiNaC's preorder iterator builds every term and power of a sum or product afresh: the
// walk reads their pairs instead, a product's numeric exponents being no power to merge.)
bool has_power_rewrite(const ex& e) {
    if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
        const bool product = is_class<GiNaC::mul>(e);
        for (const GiNaC::expair& p : expairs::of(e)) {
            if (product && !p.coeff.is_equal(ex(1)) && is_class<GiNaC::power>(p.rest)) return true;  // (b^p)^n
            if (has_power_rewrite(p.rest)) return true;
        }
        return false;
    }
    if (is_class<GiNaC::power>(e) && (!is_class<GiNaC::numeric>(e.op(1)) || is_class<GiNaC::power>(e.op(0)))) return true;
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(e) && is_class<GiNaC::power>(e.op(0))) return true;
    for (const ex& c : e) {
        if (has_power_rewrite(c)) return true;
    }
    return false;
}

// log(b^a) -> a*log(b) where a is not an even integer: b^a is real and positive only for
// b > 0 then (a non-integer power of a negative number is complex), so the two agree at
// every real point where log(b^a) is defined. log(x^2) = 2*log(abs(x)) stays.
ex log_of_power(const ex& e) {
    const ex& a = e.op(0).op(1);
    if (!is_class<GiNaC::numeric>(a) || !GiNaC::ex_to<numeric>(a).is_rational() || GiNaC::ex_to<numeric>(a).is_even()) return e;
    return GiNaC::mul(a, GiNaC::log(e.op(0).op(0)));
}

// For one node whose operands are done: b^p * b^q -> b^(p + q) where an exponent is
// symbolic (GiNaC merges numeric ones only); (b^p)^n -> b^(p*n) for an integer n (true for
// every b and p: (exp(w))^n = exp(n*w)); log(b^a) -> a*log(b) (log_of_power).
ex combine_powers_at(const ex& e) {
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(e) && is_class<GiNaC::power>(e.op(0))) return log_of_power(e);
    if (is_class<GiNaC::power>(e) && is_class<GiNaC::power>(e.op(0)) && is_class<GiNaC::numeric>(e.op(1)) &&
        GiNaC::ex_to<numeric>(e.op(1)).is_integer()) {
        return GiNaC::pow(e.op(0).op(0), e.op(0).op(1) * e.op(1));
    }
    if (!is_class<GiNaC::mul>(e)) return e;
    std::vector<std::pair<ex, ex>> groups;  // base, summed exponent
    bool merged = false;
    for (const ex& f : e) {
        bool power = is_class<GiNaC::power>(f);
        ex base = power ? f.op(0) : f, exponent = power ? f.op(1) : ex(1);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first.is_equal(base); });
        if (it == groups.end() || is_class<GiNaC::numeric>(base)) {
            groups.emplace_back(base, exponent);
        } else {
            it->second += exponent;
            merged = true;
        }
    }
    if (!merged) return e;
    GiNaC::exvector factors;
    for (const auto& [base, exponent] : groups) factors.push_back(GiNaC::pow(base, exponent));
    return GiNaC::mul(factors);
}

// sin(u)^p*cos(u)^q with p, q of opposite signs -> tan(u)^(+-k)*..., k = min(|p|, |q|);
// sinh and cosh likewise (-sin(x)/cos(x) is -tan(x)).
ex trig_ratios_at(const ex& e) {
    if (!is_class<GiNaC::mul>(e)) return e;
    // at least two factors that are (powers of) calls, before the factors are built
    size_t calls = 0;
    for (const GiNaC::expair& p : expairs::of(e)) calls += is_a<GiNaC::function>(p.rest) ? 1 : 0;
    if (calls < 2) return e;
    struct ratio {
        unsigned top, bottom, quotient;
    };
    static const ratio ratios[] = {
        {GiNaC::sin_SERIAL::serial, GiNaC::cos_SERIAL::serial, GiNaC::tan_SERIAL::serial},
        {GiNaC::sinh_SERIAL::serial, GiNaC::cosh_SERIAL::serial, GiNaC::tanh_SERIAL::serial},
    };
    auto integer_exponent = [](const ex& f) -> long {
        if (!is_class<GiNaC::power>(f)) return 1;
        if (!is_class<GiNaC::numeric>(f.op(1)) || !GiNaC::ex_to<numeric>(f.op(1)).is_integer()) return 0;
        return GiNaC::ex_to<numeric>(f.op(1)).to_long();
    };
    auto call_of = [](const ex& f) { return is_class<GiNaC::power>(f) ? f.op(0) : f; };
    GiNaC::exvector factors(e.begin(), e.end());
    bool changed = false;
    for (const ratio& r : ratios) {
        for (size_t i = 0; i < factors.size(); ++i) {
            const ex top = call_of(factors[i]);
            long p = integer_exponent(factors[i]);
            if (p == 0 || !is_a<GiNaC::function>(top) || GiNaC::ex_to<GiNaC::function>(top).get_serial() != r.top) continue;
            for (size_t j = 0; j < factors.size(); ++j) {
                const ex bottom = call_of(factors[j]);
                long q = integer_exponent(factors[j]);
                if (q == 0 || (p > 0) == (q > 0) || !is_a<GiNaC::function>(bottom) ||
                    GiNaC::ex_to<GiNaC::function>(bottom).get_serial() != r.bottom || !bottom.op(0).is_equal(top.op(0))) {
                    continue;
                }
                long k = std::min(std::labs(p), std::labs(q)) * (p > 0 ? 1 : -1);
                ex u = top.op(0), t = GiNaC::pow(GiNaC::function(r.quotient, u), k);
                factors[i] = GiNaC::pow(GiNaC::function(r.top, u), p - k);
                factors[j] = GiNaC::pow(GiNaC::function(r.bottom, u), q + k);
                factors.push_back(t);
                changed = true;
                break;
            }
        }
    }
    return changed ? GiNaC::mul(factors) : e;
}

// a + b*f(u)^2 as one power where a Pythagorean identity applies: 1 - tanh(u)^2 =
// 1/cosh(u)^2, 1 + tan(u)^2 = 1/cos(u)^2, 1 - sin(u)^2 = cos(u)^2, 1 - cos(u)^2 = sin(u)^2,
// 1 + sinh(u)^2 = cosh(u)^2, 1 - cosh(u)^2 = -sinh(u)^2, each times a. Derivatives hold
// these as factors of long products (tanh's in a network's gradient), where the identity
// rules, which expand the product around them, lose.
ex pythagorean_pair_at(const ex& e) {
    if (!is_class<GiNaC::add>(e) || e.nops() != 2) return e;
    const ex& first = e.op(0);
    const ex& second = e.op(1);
    const bool first_numeric = is_class<GiNaC::numeric>(first);
    if (first_numeric == is_class<GiNaC::numeric>(second)) return e;
    const numeric a = GiNaC::ex_to<numeric>(first_numeric ? first : second);
    auto [b, square] = split_coefficient(first_numeric ? second : first);
    if (!is_class<GiNaC::power>(square) || !square.op(1).is_equal(2) || !is_a<GiNaC::function>(square.op(0))) return e;
    const ex& u = square.op(0).op(0);
    const unsigned serial = GiNaC::ex_to<GiNaC::function>(square.op(0)).get_serial();
    if (b == -a) {
        if (serial == GiNaC::tanh_SERIAL::serial) return a * GiNaC::pow(GiNaC::cosh(u), -2);
        if (serial == GiNaC::sin_SERIAL::serial) return a * GiNaC::pow(GiNaC::cos(u), 2);
        if (serial == GiNaC::cos_SERIAL::serial) return a * GiNaC::pow(GiNaC::sin(u), 2);
        if (serial == GiNaC::cosh_SERIAL::serial) return -a * GiNaC::pow(GiNaC::sinh(u), 2);
    } else if (b == a) {
        if (serial == GiNaC::tan_SERIAL::serial) return a * GiNaC::pow(GiNaC::cos(u), -2);
        if (serial == GiNaC::sinh_SERIAL::serial) return a * GiNaC::pow(GiNaC::cosh(u), 2);
    }
    return e;
}

// The functions called anywhere in e (their GiNaC serials), from one walk of its distinct
// nodes: GiNaC's has() with a pattern tries a match at every node of the tree, and simplify
// asked it a dozen questions per expression (a tenth of simplifying a network's Hessian).
std::set<unsigned> called_functions(const ex& e) {
    std::set<unsigned> out;
    detail::node_set seen;
    visit_distinct(e, seen, [&](const ex& x) {
        if (is_a<GiNaC::function>(x)) out.insert(GiNaC::ex_to<GiNaC::function>(x).get_serial());
    });
    return out;
}

bool calls_any(const std::set<unsigned>& called, std::initializer_list<unsigned> serials) {
    return std::any_of(serials.begin(), serials.end(), [&](unsigned s) { return called.count(s) != 0; });
}

// cosh, sinh and tanh written with exp, for one node whose operands are done.
ex hyperbolic_as_exp_at(const ex& e) {
    if (!is_a<GiNaC::function>(e) || e.nops() != 1) return e;
    const ex& a = e.op(0);
    ex up = GiNaC::exp(a), down = GiNaC::exp(-a);
    if (GiNaC::is_the_function<GiNaC::cosh_SERIAL>(e)) return (up + down) / 2;
    if (GiNaC::is_the_function<GiNaC::sinh_SERIAL>(e)) return (up - down) / 2;
    if (GiNaC::is_the_function<GiNaC::tanh_SERIAL>(e)) return (up - down) / (up + down);
    return e;
}

// Replaces exp(k*base) by u^(k/g) with one symbol u per base (g: the gcd of the k), so that
// normal() and factor() see a rational function; `back` undoes it.
struct exp_as_power {
    ex rational;
    GiNaC::exmap back;
};

exp_as_power exponentials_as_powers(const ex& e, bool flip) {
    // base -> gcd of the coefficients seen with it, and the largest coefficient
    std::map<ex, numeric, GiNaC::ex_is_less> gcds, largest;
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
    // exp(1) and exp(10^19) would make a polynomial of degree 10^19, which GiNaC's gcd
    // evaluates at integers (hours in CLN, deaf to Ctrl-C): such a base stays as it is.
    constexpr int max_degree = 1000;
    for (auto g = gcds.begin(); g != gcds.end();) {
        g = largest[g->first] / g->second > max_degree ? gcds.erase(g) : std::next(g);
    }
    exp_as_power out;
    std::map<ex, ex, GiNaC::ex_is_less> symbol_of;
    for (const auto& [base, g] : gcds) {
        numeric step = flip ? -g : g;
        GiNaC::symbol u;
        symbol_of.emplace(base, u);
        out.back[u] = GiNaC::exp(step * base);
    }
    struct replace : GiNaC::map_function {
        const std::map<ex, numeric, GiNaC::ex_is_less>& gcds;
        const std::map<ex, ex, GiNaC::ex_is_less>& symbols;
        bool flip;
        replace(const std::map<ex, numeric, GiNaC::ex_is_less>& g,
                const std::map<ex, ex, GiNaC::ex_is_less>& s, bool f)
            : gcds(g), symbols(s), flip(f) {}
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
    } replacer(gcds, symbol_of, flip);
    out.rational = replacer(e);
    return out;
}

// At most this many symbols in a polynomial that GiNaC::factor is given.
constexpr size_t max_factor_symbols = 4;

// Whether GiNaC::factor can be trusted to finish on `p`. Its multivariate factorization
// (and the modular gcd under it) interpolates densely: the work grows with the product of
// (degree + 1) over the symbols, and which evaluation points it tries follows GiNaC's
// hash order. Measured on random products of polynomials: no call with at most 5 symbols
// ran over 2 s in 1200; with 8 symbols 22 in 100 did; the skeleton of one second
// derivative (10 symbols) hung in 1 run of 30. Beyond these bounds the normal form stands.
bool safe_to_factor(const ex& p) {
    constexpr double max_dense_size = 1e4;
    GiNaC::exset symbols;
    for (auto it = p.preorder_begin(); it != p.preorder_end(); ++it) {
        if (is_class<GiNaC::symbol>(*it)) symbols.insert(*it);
    }
    if (symbols.size() > max_factor_symbols) return false;
    double dense_size = 1;
    for (const ex& s : symbols) dense_size *= p.degree(s) + 1;
    return dense_size <= max_dense_size;
}

// Whether `e` has a power that is not a positive integer power (a denominator or a root):
// without one, GiNaC's normal form is the expanded polynomial, which the `expand`
// candidate already is, at a fraction of normal's cost. `ignore_calls`: powers of function
// calls (1/cosh(u)^2) do not count.
bool has_denominator_or_root(const ex& e, bool ignore_calls = false) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_class<GiNaC::power>(*it) || (ignore_calls && is_a<GiNaC::function>(it->op(0)))) continue;
        const ex& exponent = it->op(1);
        if (!is_class<GiNaC::numeric>(exponent) || !GiNaC::ex_to<numeric>(exponent).is_pos_integer()) return true;
    }
    return false;
}

// Rational normal form with numerator and denominator factored, over the non-rational
// parts (sin(x), sqrt(...)) held as temporary symbols.
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

void rational_candidates(const ex& e, std::vector<ex>& out) {
    if (polynomial_in_many_atoms(e)) return;
    // Where the only denominators are powers of calls (1/cosh(u)^2 in a tanh network's
    // derivatives), over_common_denominator's candidates take out what normal() would, at a
    // fraction of its cost (a sixth of simplifying the network's Hessian; no task of the
    // simplification benchmark changed length).
    if (has_denominator_or_root(e) && !has_denominator_or_root(e, true)) return;
    GiNaC::exmap parts;
    ex r = e.to_rational(parts);
    ex numerator = r, denominator = 1;
    if (has_denominator_or_root(r)) {
        ex n = GiNaC::normal(r);
        out.push_back(n.subs(parts, GiNaC::subs_options::no_pattern));
        if (node_count(n, factor_node_limit) >= factor_node_limit) return;
        ex nd = GiNaC::numer_denom(n);
        numerator = nd.op(0);
        denominator = nd.op(1);
    } else if (node_count(r, factor_node_limit) >= factor_node_limit) {
        return;
    }
    if (!safe_to_factor(numerator) || !safe_to_factor(denominator)) return;
    try {
        ex f = GiNaC::factor(numerator) / GiNaC::factor(denominator);
        out.push_back(f.subs(parts, GiNaC::subs_options::no_pattern));
    } catch (const std::exception&) {
        // factor refuses float coefficients; the normal form stands
    }
}

// a/p^2 + b/p -> (a + b*p)/p^2, the denominators' factors kept as they are (normal() would
// multiply out (1 + (x^3*y + 1)^2)^2), as SymPy's together(). Returns the numerator and the
// denominator; a denominator of 1 where no term has one.
std::pair<ex, ex> over_common_denominator(const ex& e) {
    if (!is_class<GiNaC::add>(e)) return {e, 1};
    using factor_powers = std::vector<std::pair<ex, numeric>>;  // base, positive integer exponent
    std::vector<std::pair<GiNaC::exvector, factor_powers>> terms;
    factor_powers common;  // each base with its largest exponent
    for (const ex& t : e) {
        GiNaC::exvector top;
        factor_powers bottom;
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
        terms.emplace_back(std::move(top), std::move(bottom));
    }
    if (common.empty()) return {e, 1};
    GiNaC::exvector numerators, denominator;
    for (auto& [top, bottom] : terms) {
        for (const auto& c : common) {
            auto own = std::find_if(bottom.begin(), bottom.end(), [&](const auto& b) { return b.first.is_equal(c.first); });
            numeric missing = own == bottom.end() ? c.second : c.second - own->second;
            if (!missing.is_zero()) top.push_back(GiNaC::pow(c.first, missing));
        }
        numerators.push_back(GiNaC::mul(top));
    }
    for (const auto& [base, k] : common) denominator.push_back(GiNaC::pow(base, k));
    return {GiNaC::add(numerators), GiNaC::mul(denominator)};
}

// (number of exponentials with a positive coefficient) - (those with a negative one)
int exponent_sign_balance(const ex& e) {
    int balance = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!is_exp(*it)) continue;
        numeric c = split_coefficient(it->op(0)).first;
        balance += c.is_negative() ? -1 : 1;
    }
    return balance;
}

// sin^2 + cos^2 = 1 and cosh^2 - sinh^2 = 1, each way round; a rewrite is kept only
// where the result is shorter. `normalize`: the rewritten form is also tried through
// normal() (not for tan and tanh: the reciprocals it makes cost much and rarely win; a
// network's Hessian took half as long again with it).
struct identity_rule {
    GiNaC::relational rule;
    bool normalize;
    std::set<unsigned> functions;  // those its left side calls
};

const std::vector<identity_rule>& pythagorean_rules() {
    static const std::vector<identity_rule> rules = [] {
        GiNaC::ex w = GiNaC::wild(0);
        auto rule = [](const ex& lhs, const ex& rhs, bool normalize = true) {
            return identity_rule{GiNaC::ex_to<GiNaC::relational>(lhs == rhs), normalize, called_functions(lhs)};
        };
        return std::vector<identity_rule>{
            rule(GiNaC::pow(GiNaC::sin(w), 2), 1 - GiNaC::pow(GiNaC::cos(w), 2)),
            rule(GiNaC::pow(GiNaC::cos(w), 2), 1 - GiNaC::pow(GiNaC::sin(w), 2)),
            rule(GiNaC::pow(GiNaC::cosh(w), 2), 1 + GiNaC::pow(GiNaC::sinh(w), 2)),
            rule(GiNaC::pow(GiNaC::sinh(w), 2), GiNaC::pow(GiNaC::cosh(w), 2) - 1),
            // tan' = 1 + tan^2 = 1/cos^2, tanh' = 1 - tanh^2 = 1/cosh^2
            rule(GiNaC::pow(GiNaC::tan(w), 2), GiNaC::pow(GiNaC::cos(w), -2) - 1, false),
            rule(GiNaC::pow(GiNaC::tanh(w), 2), 1 - GiNaC::pow(GiNaC::cosh(w), -2), false),
            rule(GiNaC::sin(w) * GiNaC::cos(w), GiNaC::sin(2 * w) / 2),  // (sin*cos)^2 too
        };
    }();
    return rules;
}

// All at once, so that cos(x)^2 - sin(x)^2 becomes cos(2*x) and 2*sin(x)*cos(x) sin(2*x).
const GiNaC::lst& double_angle_rules() {
    static const GiNaC::lst rules = [] {
        GiNaC::ex w = GiNaC::wild(0);
        return GiNaC::lst{GiNaC::pow(GiNaC::sin(w), 2) == (1 - GiNaC::cos(2 * w)) / 2,
                          GiNaC::pow(GiNaC::cos(w), 2) == (1 + GiNaC::cos(2 * w)) / 2,
                          GiNaC::sin(w) * GiNaC::cos(w) == GiNaC::sin(2 * w) / 2};
    }();
    return rules;
}

double estimated_terms(const ex& e, std::map<ex, double, GiNaC::ex_is_less>& memo) {
    if (e.nops() == 0) return 1;
    auto it = memo.find(e);
    if (it != memo.end()) return it->second;
    double n = 1;
    if (is_class<GiNaC::add>(e)) {
        n = 0;
        for (const ex& t : e) n += estimated_terms(t, memo);
    } else if (is_class<GiNaC::mul>(e)) {
        for (const ex& f : e) n *= estimated_terms(f, memo);
    } else if (is_class<GiNaC::power>(e) && is_class<GiNaC::numeric>(e.op(1)) && GiNaC::ex_to<numeric>(e.op(1)).is_pos_integer()) {
        double m = estimated_terms(e.op(0), memo);
        double k = GiNaC::ex_to<numeric>(e.op(1)).to_double();
        // multinomial: C(k + m - 1, m - 1) terms, through log-gamma
        n = m <= 1 ? 1 : std::exp(std::lgamma(k + m) - std::lgamma(k + 1) - std::lgamma(m));
    }
    n = std::min(n, 1e18);
    memo.emplace(e, n);
    return n;
}

size_t count_exponentials(const ex& e) {
    size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) n += is_exp(*it);
    return n;
}

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

ex simplify_scalar(const ex& e) {
    if (is_class<GiNaC::numeric>(e) || is_class<GiNaC::symbol>(e)) return e;
    // Every candidate (and printing, the measure) reads the expression as a tree; on a big
    // DAG of shared subexpressions that is exponential, so such an expression stays as it is.
    if (tree_size_exceeds(e, normal_node_limit)) return e;
    // nor are candidates formed whose expansion alone would take the machine
    if (estimated_expanded_terms(e) > limits::expanded_terms) return combine_exponentials(e);
    // (candidate, extra cost): the extra cost keeps the user's orientation of exponentials.
    std::vector<std::pair<ex, size_t>> candidates{{e, 0}};
    ex combined = combine_exponentials(e);
    candidates.emplace_back(combined, 0);
    const std::set<unsigned> called = called_functions(combined);

    if (node_count(combined, normal_node_limit) < normal_node_limit) {
        try {
            // exp(x) or exp(-x) as the variable: both are tried. Writing the other sign than
            // the input's majority costs one character per exponential and one more, so it wins only when
            // it is really shorter (the user wrote exp(-x): keep exp(-x)).
            bool prefer_negative = exponent_sign_balance(combined) < 0;
            bool has_exp = count_exponentials(combined) > 0;
            // Where exponentials and hyperbolic functions meet (exp(-x)/(1 + exp(-x))^2 -
            // 1/(4*cosh(x/2)^2) is 0), the hyperbolic ones are also read as exponentials.
            std::vector<ex> sources{combined};
            if (has_exp && calls_any(called, {GiNaC::cosh_SERIAL::serial, GiNaC::sinh_SERIAL::serial, GiNaC::tanh_SERIAL::serial}))
                sources.push_back(combine_exponentials(rewrite_bottom_up(combined, hyperbolic_as_exp_at)));
            for (const ex& source : sources) {
                for (bool flip : {prefer_negative, !prefer_negative}) {
                    if (flip != prefer_negative && !has_exp) break;
                    exp_as_power p = has_exp ? exponentials_as_powers(source, flip) : exp_as_power{source, {}};
                    std::vector<ex> rational;
                    rational_candidates(p.rational, rational);
                    for (const ex& r : rational) {
                        ex c = has_exp ? combine_exponentials(r.subs(p.back, GiNaC::subs_options::no_pattern)) : r;
                        candidates.emplace_back(c, flip == prefer_negative ? 0 : count_exponentials(c) + 1);
                    }
                }
            }
            for (const identity_rule& i : pythagorean_rules()) {
                const bool all_called = std::includes(called.begin(), called.end(), i.functions.begin(), i.functions.end());
                if (!all_called || !combined.has(i.rule.lhs(), GiNaC::has_options::algebraic)) continue;
                ex r = combined.subs(i.rule, GiNaC::subs_options::algebraic).expand();
                candidates.emplace_back(r, 0);
                if (i.normalize) candidates.emplace_back(GiNaC::normal(r), 0);
            }
            candidates.emplace_back(rewrite_bottom_up(combined, pythagorean_pair_at), 0);
            if (called.count(GiNaC::sin_SERIAL::serial) && called.count(GiNaC::cos_SERIAL::serial)) {
                ex r = combined.subs(double_angle_rules(), GiNaC::subs_options::algebraic).expand();
                candidates.emplace_back(r, 0);
                candidates.emplace_back(GiNaC::normal(r), 0);
            }
            // GiNaC's own view of roots and powers (not where the only denominators are powers
            // of calls, 1/cosh(u)^2: over_common_denominator below covers those, at a fraction of the cost)
            if (has_denominator_or_root(e, true)) candidates.emplace_back(GiNaC::normal(e), 0);
            auto [top, bottom] = over_common_denominator(combined);
            if (!bottom.is_equal(1) && estimated_expanded_terms(top) < 1000) {
                ex expanded_top = top.expand();
                GiNaC::exmap parts;
                ex common_factors = GiNaC::collect_common_factors(expanded_top.to_rational(parts)).subs(parts, GiNaC::subs_options::no_pattern);
                for (const ex& n : {top, expanded_top, common_factors}) candidates.emplace_back(n / bottom, 0);
            }
            ex expanded = combined.expand();
            candidates.emplace_back(expanded, 0);
            // collect_common_factors recurses without end on factors like (x^x)^(-1):
            // give it the rational skeleton only
            // Where expanding multiplied the terms out (a product of sums) rather than cancelling,
            // taking common factors out again gives back what was there: not worth its cost.
            size_t terms_before = is_class<GiNaC::add>(combined) ? combined.nops() : 1;
            size_t terms_after = is_class<GiNaC::add>(expanded) ? expanded.nops() : 1;
            if (terms_after <= 4 * terms_before) {
                GiNaC::exmap parts;
                ex skeleton = expanded.to_rational(parts);
                candidates.emplace_back(GiNaC::collect_common_factors(skeleton).subs(parts, GiNaC::subs_options::no_pattern), 0);
            }
        } catch (const std::bad_alloc&) {
            throw;  // out of memory, or a Ctrl-C arriving through the allocator
        } catch (const std::exception&) {
            // a candidate that GiNaC cannot form is simply not a candidate
        }
    }
    // expand splits b^(p + q) into b^p*b^q: every candidate is also tried with powers merged
    // Printing is most of simplify's cost: each distinct candidate is printed once.
    std::vector<std::pair<ex, size_t>> distinct;
    for (auto& c : candidates) {
        bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const auto& d) {
            return d.second == c.second && d.first.is_equal(c.first);
        });
        if (!seen) distinct.push_back(std::move(c));
    }
    candidates = std::move(distinct);
    size_t count = candidates.size();
    // (the rules above make sin from cos and sin(2*x), never sinh from cosh)
    bool has_ratios = calls_any(called, {GiNaC::sinh_SERIAL::serial, GiNaC::sin_SERIAL::serial, GiNaC::cos_SERIAL::serial});
    for (size_t i = 0; i < count; ++i) {
        try {
            if (has_ratios) {
                ex ratios = rewrite_bottom_up(candidates[i].first, trig_ratios_at);
                if (!ratios.is_equal(candidates[i].first)) candidates.emplace_back(ratios, candidates[i].second);
            }
            if (!has_power_rewrite(candidates[i].first)) continue;  // GiNaC has merged the rest
            ex merged = rewrite_bottom_up(candidates[i].first, combine_powers_at);
            if (!merged.is_equal(candidates[i].first)) candidates.emplace_back(merged, candidates[i].second);
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception&) {
        }
    }
    // The cheapest; among equally cheap ones the better read (text_measure), then the first
    // in text order. All are read from the printed text: GiNaC may hold two candidates that
    // print alike in differently shaped trees depending on its hash order, and the choice
    // must not depend on that.
    ex best = e;
    std::string best_text = to_string(e);
    size_t best_cost = visible_length(best_text);
    text_measure best_measure = measure_text(best_text);
    // Cheapest bound first, so that most long candidates (expansions) are never printed.
    std::vector<std::pair<size_t, size_t>> order;  // bound + extra cost, index
    for (size_t i = 0; i < candidates.size(); ++i) {
        size_t bound = printed_length_lower_bound(candidates[i].first, best_cost) + candidates[i].second;
        if (bound <= best_cost) order.emplace_back(bound, i);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [bound, index] : order) {
        if (bound > best_cost) break;
        const auto& [c, extra] = candidates[index];
        std::string text = to_string(c);
        size_t cost = visible_length(text) + extra;
        text_measure measure = measure_text(text);
        if (std::tie(cost, measure, text) < std::tie(best_cost, best_measure, best_text)) {
            best = c;
            best_cost = cost;
            best_measure = measure;
            best_text = std::move(text);
        }
    }
    return best;
}

}  // namespace

double estimated_expanded_terms(const ex& e) {
    std::map<ex, double, GiNaC::ex_is_less> memo;
    return estimated_terms(e, memo);
}

void check_expansion_size(const ex& e) {
    double n = estimated_expanded_terms(e);
    if (n > limits::expanded_terms) {
        char text[64];
        std::snprintf(text, sizeof text, "%.3g", n);
        throw error(std::string("expanding would make about ") + text + " terms, more than the limit of " +
                    std::to_string(static_cast<long>(limits::expanded_terms)));
    }
}

ex combine_exponentials(const ex& e) { return rewrite_bottom_up(e, combine_exponentials_at); }

size_t complexity(const ex& e) { return visible_length(to_string(e)); }

ex simplify(const ex& e) {
    if (is_a<GiNaC::lst>(e)) {
        GiNaC::lst out;
        for (const ex& x : e) out.append(simplify(x));
        return out;
    }
    return simplify_scalar(drop_conjugates(e));
}

}  // namespace ddx
