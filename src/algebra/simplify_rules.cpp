// Simplify's rewrite rules. Every symbol of ddx is real, and a rule only has to agree with
// its input wherever the input is defined on the reals (GiNaC's principal branch: a
// non-integer power of a negative number is complex, hence undefined for ddx). Each rule
// gives simplify one more candidate; simplify keeps a candidate only where it prints
// shorter, so no rule has to make an expression shorter.
//
//   exponentials (combine_exponentials_at)
//     exp(a)^k = exp(k*a)        exp(a) > 0 for real a, so its real powers are exp(k*a).
//     exp(a)*exp(b) = exp(a + b)   true for all a, b.
//   powers (combine_powers_at)
//     log(b^a) = a*log(b), a rational and not even (log_of_power_at): for such an a, b^a is
//       real and positive only where b > 0 (an odd power keeps b's sign; a non-integer power
//       of a negative b is complex), and there both sides agree. log(x^2) = 2*log(abs(x))
//       stays as it is.
//     (b^p)^n = b^(p*n), n an integer (power_of_power_at): with b^p = exp(p*log(b)), the
//       n-th power of it is exp(n*p*log(b)) for every b and p (exp(w)^n = exp(n*w)).
//     b^p*b^q = b^(p + q), an exponent symbolic (merge_powers_at): exp(p*log(b))*exp(q*log(b))
//       = exp((p + q)*log(b)) wherever b^p and b^q are defined (GiNaC merges numeric
//       exponents itself); b^p*(-b)^n = (-1)^n*b^(p + n), n an integer, as (-b)^n =
//       (-1)^n*b^n (GiNaC writes a sum's integer power with the sign its hash order picks, so
//       sqrt(u)*u^2 may come as sqrt(u)*(-u)^2).
//   trigonometric ratios (trig_ratios_at)
//     sin(u)/cos(u) = tan(u) wherever cos(u) is not 0, where both sides are defined;
//     sinh(u)/cosh(u) = tanh(u) everywhere (cosh(u) >= 1). Applied to integer powers:
//     sin^p*cos^q with p > 0 > q becomes tan^k*sin^(p - k)*cos^(q + k), k = min(p, -q).
//   Pythagorean identities, from sin^2 + cos^2 = 1 and cosh^2 - sinh^2 = 1 (real u):
//     as a pair a + b*f(u)^2, b = -a or b = a (pythagorean_pair_at):
//       1 - sin^2 = cos^2, 1 - cos^2 = sin^2, 1 + sinh^2 = cosh^2, 1 - cosh^2 = -sinh^2,
//       1 + tan^2 = 1/cos^2 (divide sin^2 + cos^2 = 1 by cos^2, where tan is defined),
//       1 - tanh^2 = 1/cosh^2 (divide cosh^2 - sinh^2 = 1 by cosh^2 > 0), each times a;
//     as substitutions anywhere (pythagorean_rules): sin^2 -> 1 - cos^2, cos^2 -> 1 - sin^2,
//       cosh^2 -> 1 + sinh^2, sinh^2 -> cosh^2 - 1, tan^2 -> 1/cos^2 - 1,
//       tanh^2 -> 1 - 1/cosh^2, and sin*cos -> sin(2*u)/2 (the double angle below).
//   double angles (double_angle_rules): sin(2*u) = 2*sin(u)*cos(u) and cos(2*u) =
//     cos(u)^2 - sin(u)^2 = 1 - 2*sin(u)^2 = 2*cos(u)^2 - 1, true for all real u, give
//     sin^2 -> (1 - cos(2*u))/2, cos^2 -> (1 + cos(2*u))/2, sin*cos -> sin(2*u)/2.
//   hyperbolic functions as exponentials (hyperbolic_as_exp_at): their definitions,
//     cosh(a) = (exp(a) + exp(-a))/2, sinh(a) = (exp(a) - exp(-a))/2,
//     tanh(a) = (exp(a) - exp(-a))/(exp(a) + exp(-a)) (the denominator is > 0).
#include "algebra/simplify_rules.hpp"

#include <ddx/detail/node_map.hpp>

#include "core/class_test.hpp"
#include "core/construct.hpp"
#include "core/expairs.hpp"

#include <algorithm>
#include <cstdlib>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

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

// simplify asked GiNaC's has() a dozen questions per expression: a tenth of simplifying a
// network's Hessian, before this one walk.
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

// --- exponentials -------------------------------------------------------------------------

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

// --- powers -------------------------------------------------------------------------------

// (GiNaC's preorder iterator builds every term and power of a sum or product afresh: the
// walk reads their pairs instead, a product's numeric exponents being no power to merge.)
namespace {

bool is_integer(const ex& e) { return is_class<GiNaC::numeric>(e) && GiNaC::ex_to<numeric>(e).is_integer(); }

// Whether a product has two sum factors (or bases of factors) of opposite sign.
bool has_negated_sum_factors(const ex& product) {
    std::vector<ex> sums;
    for (const GiNaC::expair& p : expairs::of(product)) {
        if (!is_class<GiNaC::add>(p.rest)) continue;
        for (const ex& s : sums) {
            if ((s + p.rest).is_zero()) return true;
        }
        sums.push_back(p.rest);
    }
    return false;
}

}  // namespace

namespace {

// Each distinct node once: a raw derivative's tree repeats its shared parts exponentially often.
bool has_power_rewrite_in(const ex& e, detail::node_set& seen) {
    if (e.nops() == 0 || !seen.insert(e).second) return false;
    if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
        const bool product = is_class<GiNaC::mul>(e);
        if (product && has_negated_sum_factors(e)) return true;
        for (const GiNaC::expair& p : expairs::of(e)) {
            if (product && !p.coeff.is_equal(ex(1)) && is_class<GiNaC::power>(p.rest)) return true;  // (b^p)^n
            if (has_power_rewrite_in(p.rest, seen)) return true;
        }
        return false;
    }
    if (is_class<GiNaC::power>(e) && (!is_class<GiNaC::numeric>(e.op(1)) || is_class<GiNaC::power>(e.op(0)))) return true;
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(e) && is_class<GiNaC::power>(e.op(0))) return true;
    for (const ex& c : e) {
        if (has_power_rewrite_in(c, seen)) return true;
    }
    return false;
}

}  // namespace

bool has_power_rewrite(const ex& e) {
    detail::node_set seen;
    return has_power_rewrite_in(e, seen);
}

namespace {

// log(b^a) -> a*log(b), a rational and not even.
ex log_of_power_at(const ex& e) {
    if (!is_class<GiNaC::power>(e.op(0))) return e;
    const ex& a = e.op(0).op(1);
    if (!is_class<GiNaC::numeric>(a) || !GiNaC::ex_to<numeric>(a).is_rational() || GiNaC::ex_to<numeric>(a).is_even()) return e;
    return GiNaC::mul(a, GiNaC::log(e.op(0).op(0)));
}

// (b^p)^n -> b^(p*n), n an integer.
ex power_of_power_at(const ex& e) {
    if (!is_class<GiNaC::power>(e.op(0)) || !is_class<GiNaC::numeric>(e.op(1)) || !GiNaC::ex_to<numeric>(e.op(1)).is_integer()) {
        return e;
    }
    return GiNaC::pow(e.op(0).op(0), e.op(0).op(1) * e.op(1));
}

// b^p*b^q -> b^(p + q) in a product (GiNaC has merged the numeric exponents; a number's
// powers stay apart).
ex merge_powers_at(const ex& e) {
    if (!is_class<GiNaC::mul>(e)) return e;
    std::vector<std::pair<ex, ex>> groups;  // base, summed exponent
    bool merged = false;
    ex sign = 1;
    for (const ex& f : e) {
        bool power = is_class<GiNaC::power>(f);
        ex base = power ? f.op(0) : f, exponent = power ? f.op(1) : ex(1);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first.is_equal(base); });
        if (it != groups.end() && !is_class<GiNaC::numeric>(base)) {
            it->second += exponent;
            merged = true;
            continue;
        }
        if (is_class<GiNaC::add>(base)) {
            auto negated = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
                return is_class<GiNaC::add>(g.first) && (g.first + base).is_zero();
            });
            if (negated != groups.end() && is_integer(exponent)) {  // (-b)^n = (-1)^n*b^n
                sign *= GiNaC::pow(-1, exponent);
                negated->second += exponent;
                merged = true;
                continue;
            }
            if (negated != groups.end() && is_integer(negated->second)) {
                sign *= GiNaC::pow(-1, negated->second);
                *negated = {base, negated->second + exponent};
                merged = true;
                continue;
            }
        }
        groups.emplace_back(base, exponent);
    }
    if (!merged) return e;
    GiNaC::exvector factors{sign};
    for (const auto& [base, exponent] : groups) factors.push_back(GiNaC::pow(base, exponent));
    return GiNaC::mul(factors);
}

}  // namespace

ex combine_powers_at(const ex& e) {
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(e)) return log_of_power_at(e);
    if (is_class<GiNaC::power>(e)) return power_of_power_at(e);
    return merge_powers_at(e);
}

// --- trigonometric ratios -----------------------------------------------------------------

namespace {

struct trig_ratio {
    unsigned top, bottom, quotient;  // serials: sin, cos, tan
};

// The exponent of a factor f(u)^n (1 for f(u) itself), 0 where it is not an integer.
long integer_exponent(const ex& f) {
    if (!is_class<GiNaC::power>(f)) return 1;
    if (!is_class<GiNaC::numeric>(f.op(1)) || !GiNaC::ex_to<numeric>(f.op(1)).is_integer()) return 0;
    return GiNaC::ex_to<numeric>(f.op(1)).to_long();
}

ex call_of(const ex& f) { return is_class<GiNaC::power>(f) ? f.op(0) : f; }

bool calls(const ex& f, unsigned serial) {
    return is_a<GiNaC::function>(f) && GiNaC::ex_to<GiNaC::function>(f).get_serial() == serial;
}

// factors[i] = top(u)^p: finds a bottom(u)^q of the opposite sign and moves min(|p|, |q|) of
// each into a power of quotient(u). Whether it did.
bool take_ratio(GiNaC::exvector& factors, size_t i, const trig_ratio& r) {
    const ex top = call_of(factors[i]);
    long p = integer_exponent(factors[i]);
    if (p == 0 || !calls(top, r.top)) return false;
    for (size_t j = 0; j < factors.size(); ++j) {
        const ex bottom = call_of(factors[j]);
        long q = integer_exponent(factors[j]);
        if (q == 0 || (p > 0) == (q > 0) || !calls(bottom, r.bottom) || !bottom.op(0).is_equal(top.op(0))) continue;
        long k = std::min(std::labs(p), std::labs(q)) * (p > 0 ? 1 : -1);
        ex u = top.op(0), t = GiNaC::pow(GiNaC::function(r.quotient, u), k);
        factors[i] = GiNaC::pow(GiNaC::function(r.top, u), p - k);
        factors[j] = GiNaC::pow(GiNaC::function(r.bottom, u), q + k);
        factors.push_back(t);
        return true;
    }
    return false;
}

}  // namespace

// (-sin(x)/cos(x) is -tan(x).)
ex trig_ratios_at(const ex& e) {
    if (!is_class<GiNaC::mul>(e)) return e;
    // at least two factors that are (powers of) calls, before the factors are built
    size_t call_count = 0;
    for (const GiNaC::expair& p : expairs::of(e)) call_count += is_a<GiNaC::function>(p.rest) ? 1 : 0;
    if (call_count < 2) return e;
    static const trig_ratio ratios[] = {
        {GiNaC::sin_SERIAL::serial, GiNaC::cos_SERIAL::serial, GiNaC::tan_SERIAL::serial},
        {GiNaC::sinh_SERIAL::serial, GiNaC::cosh_SERIAL::serial, GiNaC::tanh_SERIAL::serial},
    };
    GiNaC::exvector factors(e.begin(), e.end());
    bool changed = false;
    for (const trig_ratio& r : ratios) {
        for (size_t i = 0; i < factors.size(); ++i) changed = take_ratio(factors, i, r) || changed;
    }
    return changed ? GiNaC::mul(factors) : e;
}

// --- Pythagorean identities ---------------------------------------------------------------

// Derivatives hold these sums as factors of long products (tanh's in a network's gradient),
// where the substitution rules, which expand the product around them, lose.
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

// `normalize`: the rewritten form is also tried through normal(), not for tan and tanh: the
// reciprocals it makes cost much and rarely win (a network's Hessian took half as long again
// with it).
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

// --- double angles ------------------------------------------------------------------------

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

// --- hyperbolic functions as exponentials -------------------------------------------------

ex hyperbolic_as_exp_at(const ex& e) {
    if (!is_a<GiNaC::function>(e) || e.nops() != 1) return e;
    const ex& a = e.op(0);
    ex up = GiNaC::exp(a), down = GiNaC::exp(-a);
    if (GiNaC::is_the_function<GiNaC::cosh_SERIAL>(e)) return (up + down) / 2;
    if (GiNaC::is_the_function<GiNaC::sinh_SERIAL>(e)) return (up - down) / 2;
    if (GiNaC::is_the_function<GiNaC::tanh_SERIAL>(e)) return (up - down) / (up + down);
    return e;
}

}  // namespace ddx
