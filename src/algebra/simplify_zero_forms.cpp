// Two changes of form under which normal() sees relations it otherwise misses. Roots: GiNaC
// keeps sqrt(4 - x^2) and sqrt(1 - x^2/4), or sqrt(6) and sqrt(3/2), as unrelated atoms.
// Trigonometric and hyperbolic functions: sin(2*x), sin(x)*cos(x), tan(x/2) and 1/sin(x) are
// all rational functions of exp(I*x/2), and a rational function is 0 or not by normal()
// alone. Both are identities for complex values too (principal branches), so they hold for
// ddx's real symbols of either sign.
#include "algebra/simplify_zero_forms.hpp"

#include "algebra/simplify_rules.hpp"
#include "algebra/simplify_size.hpp"
#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::numeric;

namespace {

// At most this many bases (each a new symbol) and, per base, arguments up to this many
// times the gcd of their coefficients (the degree of the symbol's polynomials).
constexpr std::size_t max_bases = 6;
const numeric max_multiple = 32;

// A root of a rational whose numerator or denominator is larger than this stays whole: the
// factors are found by trial division.
constexpr std::int64_t max_split_number = 1000000000000LL;
constexpr std::int64_t max_trial_divisor = 1000;

// n > 0 as factors with multiplicities: the primes up to max_trial_divisor, then what is
// left as one factor (coprime to the rest, the same for the same n).
std::vector<std::pair<std::int64_t, int>> split_integer(std::int64_t n) {
    std::vector<std::pair<std::int64_t, int>> out;
    for (std::int64_t p = 2; p <= max_trial_divisor && p * p <= n; ++p) {
        int k = 0;
        while (n % p == 0) {
            n /= p;
            ++k;
        }
        if (k > 0) out.emplace_back(p, k);
    }
    if (n > 1) out.emplace_back(n, 1);
    return out;
}

// r^q for a positive rational r as a product of roots of coprime factors; r^q itself where
// r is too large to split.
ex split_numeric_root(const numeric& r, const numeric& q) {
    const numeric n = r.numer(), d = r.denom();
    // (GiNaC::pow of two numerics is their floating-point power: the bases are ex here)
    if (n > max_split_number || d > max_split_number) return GiNaC::pow(ex(r), q);
    GiNaC::exvector factors;
    for (const auto& [p, k] : split_integer(n.to_long())) factors.push_back(GiNaC::pow(ex(numeric(p)), q * k));
    for (const auto& [p, k] : split_integer(d.to_long())) factors.push_back(GiNaC::pow(ex(numeric(p)), -q * k));
    return GiNaC::mul(factors);
}

bool is_root(const ex& e) {
    if (!is_class<GiNaC::power>(e) || !is_class<GiNaC::numeric>(e.op(1))) return false;
    const numeric& q = GiNaC::ex_to<numeric>(e.op(1));
    return q.is_rational() && !q.is_integer();
}

// The positive rational content of a sum with rational coefficients (1 where a coefficient
// is not rational).
numeric rational_content(const ex& sum) {
    numeric c = 0;
    for (const ex& t : sum) {
        numeric k = split_coefficient(t).first;
        if (is_class<GiNaC::numeric>(t)) k = GiNaC::ex_to<numeric>(t);
        if (!k.is_rational()) return 1;
        c = rational_gcd(c, k);
    }
    return c.is_zero() ? numeric(1) : c;
}

template <bool split_quadratics>
ex root_without_content(const ex& e);

// u^q for u = a*x^2 + b*x + c in one real symbol x with rational coefficients, a < 0 and real
// rational roots r1 <= r2, as (-a)^q*(x - r1)^q*(r2 - x)^q: for real x at most one of the
// two factors is negative, so the arguments of the factors add up within (-pi, pi] and the
// root of the product is the product of the roots (sqrt(x - x^2) = sqrt(x)*sqrt(1 - x), where
// sqrt(x^2 - x) is not sqrt(x)*sqrt(x - 1) at x < 0). Nothing where u is not such.
std::optional<ex> root_of_downward_quadratic(const ex& u, const numeric& q) {
    GiNaC::symbol const* x = nullptr;
    for (auto it = u.preorder_begin(); it != u.preorder_end(); ++it) {
        if (!is_class<GiNaC::symbol>(*it)) continue;
        const auto& s = GiNaC::ex_to<GiNaC::symbol>(*it);
        if (x && !x->is_equal(s)) return std::nullopt;
        x = &s;
    }
    // only a real symbol: the symbols of trig_as_exponentials are not
    if (!x || !x->info(GiNaC::info_flags::real) || !u.is_polynomial(*x)) return std::nullopt;
    const ex p = u.expand();  // degree and coeff read an expanded polynomial only
    if (p.degree(*x) != 2) return std::nullopt;
    const ex a_ex = p.coeff(*x, 2), b_ex = p.coeff(*x, 1), c_ex = p.coeff(*x, 0);
    if (!is_class<GiNaC::numeric>(a_ex) || !is_class<GiNaC::numeric>(b_ex) || !is_class<GiNaC::numeric>(c_ex))
        return std::nullopt;
    const numeric a = GiNaC::ex_to<numeric>(a_ex), b = GiNaC::ex_to<numeric>(b_ex), c = GiNaC::ex_to<numeric>(c_ex);
    if (!a.is_rational() || !b.is_rational() || !c.is_rational() || !a.is_negative()) return std::nullopt;
    const numeric d = b * b - 4 * a * c;
    if (d.is_negative()) return std::nullopt;
    const numeric root = GiNaC::sqrt(d);
    if (!root.is_rational()) return std::nullopt;
    // a < 0: (-b + root)/(2a) is the smaller root
    const numeric r1 = (-b + root) / (2 * a), r2 = (-b - root) / (2 * a);
    return GiNaC::mul(root_without_content<true>(GiNaC::pow(ex(-a), q)), root_without_content<true>(GiNaC::pow(*x - r1, q)),
                      root_without_content<true>(GiNaC::pow(r2 - *x, q)));
}

// (a + b*sqrt(c))^q for q = 1/2 or -1/2, a > 0, b, c rational and a^2 - b^2*c the square
// s^2 of a rational, denested: sqrt(a + b*sqrt(c)) = sqrt(d1) + sign(b)*sqrt(d2) with
// d1, d2 = (a +- s)/2 >= 0, since (sqrt(d1) +- sqrt(d2))^2 = a +- 2*sqrt(d1*d2) = a +- |b|*sqrt(c)
// and d1 >= d2 (sqrt(8 + 2*sqrt(15)) is sqrt(3) + sqrt(5), sqrt(3 - 2*sqrt(2)) is sqrt(2) - 1),
// its reciprocal with a rational denominator. Nothing for other roots.
std::optional<ex> denested_square_root(const ex& base, const numeric& q) {
    if (q != numeric(1, 2) && q != numeric(-1, 2)) return std::nullopt;
    if (!is_class<GiNaC::add>(base) || base.nops() != 2) return std::nullopt;
    std::optional<numeric> a, b, c;
    for (const ex& t : base) {
        if (is_class<GiNaC::numeric>(t)) {
            a = GiNaC::ex_to<numeric>(t);
            continue;
        }
        // k*sqrt(p_1)*...*sqrt(p_m) (sqrt(6) may stand split as sqrt(2)*sqrt(3))
        numeric k = 1, radicand = 1;
        for (const ex& f : is_class<GiNaC::mul>(t) ? GiNaC::exvector(t.begin(), t.end()) : GiNaC::exvector{t}) {
            if (is_class<GiNaC::numeric>(f)) {
                k *= GiNaC::ex_to<numeric>(f);
            } else if (is_class<GiNaC::power>(f) && f.op(1).is_equal(numeric(1, 2)) && is_class<GiNaC::numeric>(f.op(0))) {
                radicand *= GiNaC::ex_to<numeric>(f.op(0));
            } else {
                return std::nullopt;
            }
        }
        b = k;
        c = radicand;
    }
    if (!a || !b || !c || !a->is_rational() || !b->is_rational() || !c->is_rational() || !a->is_positive() || !c->is_positive()) {
        return std::nullopt;
    }
    const numeric square = *a * *a - *b * *b * *c;
    if (square.is_negative()) return std::nullopt;
    const numeric s = GiNaC::sqrt(square);
    if (!s.is_rational()) return std::nullopt;
    const numeric d1 = (*a + s) / 2, d2 = (*a - s) / 2;
    const numeric half(1, 2), sign = b->csgn();
    if (q.is_positive()) return split_numeric_root(d1, half) + sign * split_numeric_root(d2, half);
    // 1/(sqrt(d1) + sign*sqrt(d2)) = (sqrt(d1) - sign*sqrt(d2))/(d1 - d2), and d1 - d2 = s
    // (1/sqrt(3 - 2*sqrt(2)) is sqrt(2) + 1, not 1/(sqrt(2) - 1))
    if (s.is_zero()) return GiNaC::pow(split_numeric_root(d1, half) + sign * split_numeric_root(d2, half), -1);
    return (split_numeric_root(d1, half) - sign * split_numeric_root(d2, half)) / s;
}

// The root of a sum's content alone (what a printed form gains from), or also split where
// its base is a downward quadratic (what relates roots for the zero test). Square roots of
// a + b*sqrt(c) are denested in both.
template <bool split_quadratics>
ex root_without_content(const ex& e) {
    if (!is_root(e)) return e;
    const ex& base = e.op(0);
    const numeric& q = GiNaC::ex_to<numeric>(e.op(1));
    if (is_class<GiNaC::numeric>(base)) {
        const numeric& r = GiNaC::ex_to<numeric>(base);
        return r.is_rational() && r.is_positive() ? split_numeric_root(r, q) : e;
    }
    if (!is_class<GiNaC::add>(base)) return e;
    if (std::optional<ex> denested = denested_square_root(base, q)) return *denested;
    if (split_quadratics) {
        if (std::optional<ex> split = root_of_downward_quadratic(base, q)) return *split;
    }
    const numeric c = rational_content(base);
    if (c == 1) return e;
    return times(split_numeric_root(c, q), GiNaC::pow(scaled_sum(base, c.inverse()), q));
}

}  // namespace

ex roots_without_content(const ex& e) { return rewrite_bottom_up(e, root_without_content<true>); }

ex roots_without_rational_content(const ex& e) { return rewrite_bottom_up(e, root_without_content<false>); }

namespace {

enum class kind { circular, hyperbolic };

unsigned serial_of(const ex& e) { return GiNaC::ex_to<GiNaC::function>(e).get_serial(); }

bool is_circular(unsigned s) {
    return s == GiNaC::sin_SERIAL::serial || s == GiNaC::cos_SERIAL::serial || s == GiNaC::tan_SERIAL::serial;
}
bool is_hyperbolic(unsigned s) {
    return s == GiNaC::sinh_SERIAL::serial || s == GiNaC::cosh_SERIAL::serial || s == GiNaC::tanh_SERIAL::serial ||
           s == GiNaC::exp_SERIAL::serial;
}

bool has_function(const ex& e) {
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (GiNaC::is_a<GiNaC::function>(*it)) return true;
    }
    return false;
}

// exp(I*k*pi) where GiNaC gives cos(k*pi) and sin(k*pi) as numbers or radicals.
std::optional<ex> unit_root(const numeric& k) {
    ex c = GiNaC::cos(k * GiNaC::Pi), s = GiNaC::sin(k * GiNaC::Pi);
    if (has_function(c) || has_function(s) || c.has(GiNaC::Pi) || s.has(GiNaC::Pi)) return std::nullopt;
    return c + GiNaC::I * s;
}

struct term {
    numeric k;
    ex base;
    std::optional<ex> constant;  // exp(I*k*pi) for a term k*pi of a circular argument
};

// A call's argument as terms k*base with k rational; nothing where one has no such form.
std::optional<std::vector<term>> argument_terms(const ex& arg, kind how) {
    if (has_function(arg)) return std::nullopt;  // the call stays an atom, with its inner calls
    if (expanded_terms_estimate(arg) > static_cast<double>(max_bases)) return std::nullopt;
    const ex a = arg.expand();
    std::vector<term> out;
    auto add_term = [&](const ex& t) {
        numeric k = 1;
        ex base = t;
        if (is_class<GiNaC::numeric>(t)) {
            k = GiNaC::ex_to<numeric>(t);
            base = 1;
        } else {
            std::tie(k, base) = split_coefficient(t);
            if (has_function(base) || base.info(GiNaC::info_flags::numeric)) return false;
        }
        if (!k.is_rational()) return false;
        term out_term{k, base, std::nullopt};
        if (how == kind::circular && base.is_equal(GiNaC::Pi)) out_term.constant = unit_root(k);
        out.push_back(out_term);
        return true;
    };
    if (is_class<GiNaC::add>(a)) {
        for (const ex& t : a) {
            if (!add_term(t)) return std::nullopt;
        }
    } else if (!add_term(a)) {
        return std::nullopt;
    }
    return out;
}

struct base_info {
    numeric gcd = 0, largest = 0;
    GiNaC::symbol symbol;
};

using base_key = std::pair<int, ex>;
struct key_less {
    bool operator()(const base_key& a, const base_key& b) const {
        if (a.first != b.first) return a.first < b.first;
        return GiNaC::ex_is_less()(a.second, b.second);
    }
};

}  // namespace

std::optional<ex> trig_as_exponentials(const ex& e) {
    std::map<ex, std::vector<term>, GiNaC::ex_is_less> calls;
    std::map<base_key, base_info, key_less> bases;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (!GiNaC::is_a<GiNaC::function>(*it) || calls.count(*it)) continue;
        const unsigned s = serial_of(*it);
        if (!is_circular(s) && !is_hyperbolic(s)) continue;
        const kind how = is_circular(s) ? kind::circular : kind::hyperbolic;
        std::optional<std::vector<term>> terms = argument_terms(it->op(0), how);
        if (!terms) continue;
        for (const term& t : *terms) {
            if (t.constant) continue;
            base_info& b = bases[{static_cast<int>(how), t.base}];
            b.gcd = rational_gcd(b.gcd, t.k);
            b.largest = std::max(b.largest, GiNaC::abs(t.k));
        }
        calls.emplace(*it, std::move(*terms));
    }
    if (calls.empty() || bases.size() > max_bases) return std::nullopt;
    for (const auto& [key, b] : bases) {
        if (b.largest / b.gcd > max_multiple) return std::nullopt;
    }
    GiNaC::exmap replacement;
    for (const auto& [call, terms] : calls) {
        const unsigned s = serial_of(call);
        const kind how = is_circular(s) ? kind::circular : kind::hyperbolic;
        GiNaC::exvector factors;
        for (const term& t : terms) {
            if (t.constant) {
                factors.push_back(*t.constant);
                continue;
            }
            const base_info& b = bases.at({static_cast<int>(how), t.base});
            factors.push_back(GiNaC::pow(b.symbol, t.k / b.gcd));
        }
        const ex u = GiNaC::mul(factors), v = GiNaC::pow(u, -1);  // exp(I*arg) or exp(arg), and its inverse
        ex r;
        if (s == GiNaC::sin_SERIAL::serial) r = (u - v) / (2 * GiNaC::I);
        else if (s == GiNaC::cos_SERIAL::serial) r = (u + v) / 2;
        else if (s == GiNaC::tan_SERIAL::serial) r = (u - v) / (GiNaC::I * (u + v));
        else if (s == GiNaC::sinh_SERIAL::serial) r = (u - v) / 2;
        else if (s == GiNaC::cosh_SERIAL::serial) r = (u + v) / 2;
        else if (s == GiNaC::tanh_SERIAL::serial) r = (u - v) / (u + v);
        else r = u;
        replacement.emplace(call, r);
    }
    return e.subs(replacement, GiNaC::subs_options::no_pattern);
}

}  // namespace ddx
