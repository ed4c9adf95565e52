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
// fraction p^k of a polynomial is a factor of D with exponent -k, and exp(h) may be any
// exp(h) or b^c whose h' is such a rational function (x^x: h' = log(x) + 1): h' q is then a
// polynomial in the generators. cos^2 is written 1 - sin^2 (cosh^2 as 1 + sinh^2), so the
// numerators grow linearly in the order. atan(2*x + 1)/(1 + x^2) to order 80 ran for half a
// minute in 1.3 GB by the rules, sin(x)/(1 + x^2) to order 100 for 8.8 s.
#include "algebra/nth_derivative.hpp"

#include "core/class_test.hpp"

#include <ddx/limits.hpp>
#include <ddx/differentiator.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/simplify.hpp>

#include "core/construct.hpp"
#include "core/expairs.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "algebra/printed_length.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <cln/integer.h>
#include <cln/rational.h>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

namespace {

// exp(c*x) with c rational: c; otherwise 0.
numeric linear_rate(const ex& exp_call, const ex& x) {
    ex arg = exp_call.op(0);
    if (!arg.is_polynomial(x) || arg.degree(x) != 1 || arg.ldegree(x) != 1) return 0;
    ex c = arg.coeff(x, 1);
    if (!is_class<GiNaC::numeric>(c) || !GiNaC::ex_to<numeric>(c).is_rational()) return 0;
    return GiNaC::ex_to<numeric>(c);
}

// Whether `e` is a rational function of the symbols in `vars` with rational coefficients
// (the dense arithmetic below has no room for parameters).
bool is_rational_in(const ex& e, const GiNaC::lst& vars) {
    if (is_class<GiNaC::numeric>(e)) return GiNaC::ex_to<numeric>(e).is_rational();
    if (is_class<GiNaC::symbol>(e)) return std::any_of(vars.begin(), vars.end(), [&](const ex& v) { return v.is_equal(e); });
    if (is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e)) {
        return std::all_of(e.begin(), e.end(), [&](const ex& c) { return is_rational_in(c, vars); });
    }
    if (is_class<GiNaC::power>(e)) {
        const ex& exponent = e.op(1);
        return is_class<GiNaC::numeric>(exponent) && GiNaC::ex_to<numeric>(exponent).is_integer() && is_rational_in(e.op(0), vars);
    }
    return false;
}

struct factored_denominator {
    ex constant = 1;
    // p_i, e_i: e_i is rational for a power factor p^(-e_i) of f (sqrt(1 + x^2) is
    // 1/(1 + x^2)^(-1/2)), else a whole number
    std::vector<std::pair<ex, numeric>> factors;
};

// The exponents of a denominator's factors, in their order.
using exponents = std::vector<numeric>;
struct exponents_less {
    bool operator()(const exponents& a, const exponents& b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                            [](const numeric& l, const numeric& r) { return l < r; });
    }
};

factored_denominator square_free_parts(const ex& d, const GiNaC::lst& vars) {
    factored_denominator out;
    ex s = GiNaC::sqrfree(d, vars);
    GiNaC::exvector parts;
    if (is_class<GiNaC::mul>(s)) {
        parts.assign(s.begin(), s.end());
    } else {
        parts.push_back(s);
    }
    for (const ex& p : parts) {
        ex base = p;
        numeric e = 1;
        if (is_class<GiNaC::power>(p) && is_class<GiNaC::numeric>(p.op(1))) {
            base = p.op(0);
            e = GiNaC::ex_to<numeric>(p.op(1));
        }
        bool constant = true;
        for (const ex& v : vars) constant = constant && !base.has(v);
        if (constant) {
            out.constant = out.constant * p;
        } else {
            out.factors.emplace_back(base, e);
        }
    }
    return out;
}

}  // namespace

namespace {

// A polynomial in one variable with rational coefficients, dense: index = degree.
using dense = std::vector<cln::cl_RA>;

std::optional<dense> to_dense(const ex& p, const ex& v) {
    // x^(10^9) is for the rules, not for a vector of a billion coefficients
    constexpr int max_degree = 1000;  // a step multiplies polynomials: degree^2 operations
    if (p.degree(v) > max_degree) return std::nullopt;
    ex e = p.expand();
    if (!e.is_polynomial(v) || e.degree(v) > max_degree) return std::nullopt;
    dense out(static_cast<size_t>(std::max(e.degree(v), 0)) + 1, 0);
    for (size_t k = 0; k < out.size(); ++k) {
        ex c = e.coeff(v, static_cast<int>(k));
        if (!is_class<GiNaC::numeric>(c) || !GiNaC::ex_to<numeric>(c).is_rational()) return std::nullopt;
        out[k] = cln::the<cln::cl_RA>(GiNaC::ex_to<numeric>(c).to_cl_N());
    }
    return out;
}

void trim(dense& p) {
    while (p.size() > 1 && cln::zerop(p.back())) p.pop_back();
}

dense operator*(const dense& a, const dense& b) {
    dense out(a.size() + b.size() - 1, 0);
    for (size_t i = 0; i < a.size(); ++i) {
        if (cln::zerop(a[i])) continue;
        for (size_t j = 0; j < b.size(); ++j) out[i + j] = out[i + j] + a[i] * b[j];
    }
    trim(out);
    return out;
}

dense operator+(dense a, const dense& b) {
    if (a.size() < b.size()) a.resize(b.size(), 0);
    for (size_t i = 0; i < b.size(); ++i) a[i] = a[i] + b[i];
    trim(a);
    return a;
}

dense scaled(dense a, const cln::cl_RA& c) {
    for (auto& x : a) x = x * c;
    trim(a);
    return a;
}

// d/dx of a polynomial in v: in u = exp(g*x) it scales u^k by g*k; in x it is the usual.
dense derivative(const dense& p, bool in_u, const cln::cl_RA& g) {
    dense out;
    if (in_u) {
        out.resize(p.size());
        for (size_t k = 0; k < p.size(); ++k) out[k] = p[k] * g * static_cast<long>(k);
    } else {
        out.assign(p.size() > 1 ? p.size() - 1 : 1, 0);
        for (size_t k = 1; k < p.size(); ++k) out[k - 1] = p[k] * static_cast<long>(k);
    }
    trim(out);
    return out;
}

// p / (v - root) when exact. (CLN numbers are made from non-negative C integers only: CLN's
// header shifts a negative one left, which UBSan rightly reports.)
std::optional<dense> divided_by_root(const dense& p, const cln::cl_RA& root) {
    if (p.size() < 2) return std::nullopt;
    dense quotient(p.size() - 1, 0);
    cln::cl_RA carry = 0;
    for (size_t k = p.size() - 1; k > 0; --k) {
        carry = p[k] + carry * root;
        quotient[k - 1] = carry;
    }
    if (!cln::zerop(p[0] + carry * root)) return std::nullopt;
    return quotient;
}

// 1 or -1 as a CLN rational (made from a non-negative integer: see divided_by_root).
cln::cl_RA unit(int sign) { return sign > 0 ? cln::cl_RA(1) : -cln::cl_RA(1); }

// How often v - root divides p, p left divided by it that often.
int divide_out_root(dense& p, const cln::cl_RA& root) {
    int times = 0;
    while (auto q = divided_by_root(p, root)) {
        p = std::move(*q);
        ++times;
    }
    return times;
}

// Whether (v - 1)^2 or (v + 1)^2 divides p.
bool has_repeated_unit_root(dense p) { return divide_out_root(p, unit(1)) >= 2 || divide_out_root(p, unit(-1)) >= 2; }

// p / d when d (not zero) divides p exactly.
std::optional<dense> divided_exactly(dense p, const dense& d) {
    trim(p);
    if (p.size() < d.size()) return std::nullopt;
    dense quotient(p.size() - d.size() + 1, 0);
    for (size_t k = quotient.size(); k-- > 0;) {
        const cln::cl_RA c = p[k + d.size() - 1] / d.back();
        quotient[k] = c;
        if (cln::zerop(c)) continue;
        for (size_t i = 0; i < d.size(); ++i) p[k + i] = p[k + i] - c * d[i];
    }
    for (size_t i = 0; i + 1 < d.size(); ++i) {
        if (!cln::zerop(p[i])) return std::nullopt;
    }
    trim(quotient);
    return quotient;
}

bool is_zero(const dense& p) { return p.size() == 1 && cln::zerop(p[0]); }

// u = exp(g*x) in a palindromic polynomial: u^k + u^(d-k) = 2*u^(d/2)*cosh((d/2 - k)*g*x).
struct pairing {
    numeric g;
    ex x;
};

// u^j + u^-j (symmetric) or u^j - u^-j with u = exp(g*x) and j = half_units/2: 2*cosh(j*|g|*x)
// or 2*csgn(g)*sinh(j*|g|*x), a positive multiple of x (sinh is odd).
ex pair_sum(long half_units, bool symmetric, const pairing& pair) {
    ex arg = numeric(half_units, 2) * GiNaC::abs(pair.g) * pair.x;
    return symmetric ? 2 * GiNaC::cosh(arg) : 2 * pair.g.csgn() * GiNaC::sinh(arg);
}

// A palindromic (or antipalindromic) p(u) of degree d as exp(d*g*x/2) times a sum of
// cosh (sinh): each coefficient printed once instead of twice, which halves tanh's high
// derivatives. Nothing for other polynomials.
std::optional<ex> folded_palindrome(const dense& p, const pairing& pair) {
    size_t d = p.size() - 1;
    if (d < 4) return std::nullopt;
    bool palindromic = true, anti = true;
    for (size_t k = 0; k <= d; ++k) {
        palindromic = palindromic && p[k] == p[d - k];
        anti = anti && p[k] == -p[d - k];
    }
    if (!palindromic && !anti) return std::nullopt;
    GiNaC::exvector terms;
    for (size_t k = 0; 2 * k < d; ++k) {
        if (cln::zerop(p[k])) continue;
        // p[k]*u^k + p[d-k]*u^(d-k) = u^(d/2) * p[d-k] * (u^j -+ u^-j), j = d/2 - k
        terms.push_back(GiNaC::mul(numeric(p[d - k]), pair_sum(static_cast<long>(d - 2 * k), palindromic, pair)));
    }
    if (d % 2 == 0) terms.push_back(numeric(p[d / 2]));
    return GiNaC::mul(GiNaC::exp(numeric(static_cast<long>(d), 2) * pair.g * pair.x), GiNaC::add(terms));
}

// n(u)/(c*(1 + u)^b) with u = exp(g*x) as m/(c*2^b*cosh(g*x/2)^b): dividing above and below
// by u^(b/2) turns (1 + u)^b into (2*cosh(g*x/2))^b, and n(u)*u^(-b/2) into a sum of cosh
// (or sinh) of multiples of g*x/2 when n is symmetric (antisymmetric) about b/2. tanh's
// derivatives are: d/dx of (1 - exp(-x))/(1 + exp(-x)) is 1/(2*cosh(x/2)^2), as a textbook
// writes sech^2. Nothing where n has no such symmetry.
std::optional<ex> sech_form(dense n, size_t b, const ex& constant, const pairing& pair) {
    trim(n);
    if (n.size() > b + 1) return std::nullopt;
    n.resize(b + 1, cln::cl_RA(0));
    int sign = 0;  // n[b - i] = sign * n[i]
    for (size_t i = 0; i <= b && sign == 0; ++i) {
        if (cln::zerop(n[i])) continue;
        sign = n[b - i] == n[i] ? 1 : n[b - i] == -n[i] ? -1 : 2;
    }
    if (sign == 0 || sign == 2) return std::nullopt;
    for (size_t i = 0; i <= b; ++i) {
        if (n[b - i] != (sign > 0 ? n[i] : -n[i])) return std::nullopt;
    }
    GiNaC::exvector terms;
    for (size_t i = 0; 2 * i < b; ++i) {
        if (cln::zerop(n[i])) continue;
        // n[i]*u^-e + n[b-i]*u^e = n[b-i]*(u^e + sign*u^-e), e = b/2 - i
        terms.push_back(GiNaC::mul(numeric(n[b - i]), pair_sum(static_cast<long>(b - 2 * i), sign > 0, pair)));
    }
    if (b % 2 == 0) terms.push_back(numeric(n[b / 2]));
    ex half_cosh = GiNaC::cosh(numeric(1, 2) * GiNaC::abs(pair.g) * pair.x);
    ex below = GiNaC::mul(constant, GiNaC::pow(2, static_cast<long>(b)), GiNaC::pow(half_cosh, static_cast<long>(b)));
    return GiNaC::mul(GiNaC::add(terms), GiNaC::pow(below, -1));
}

// p(v) multiplied out, built from GiNaC's own pairs (power, coefficient): no product
// object per term.
ex sum_of_powers(const dense& p, const ex& v) {
    GiNaC::epvector terms;
    for (size_t k = 1; k < p.size(); ++k) {
        if (!cln::zerop(p[k])) terms.emplace_back(GiNaC::pow(v, static_cast<int>(k)), numeric(p[k]));
    }
    return GiNaC::add(std::move(terms), numeric(p[0]));
}

// Whether p multiplied out may read differently from readable_product(p): not where p has
// one term, nor where readable_product takes out only an integer (the printer weighs
// distributing an integer over the one sum factor of a product itself).
bool worth_multiplying_out(const dense& p) {
    size_t terms = 0;
    cln::cl_RA at_one = 0, at_minus_one = 0;
    bool integer = true;
    for (size_t k = 0; k < p.size(); ++k) {
        if (cln::zerop(p[k])) continue;
        ++terms;
        at_one = at_one + p[k];
        at_minus_one = at_minus_one + (k % 2 == 0 ? p[k] : -p[k]);
        integer = integer && cln::denominator(p[k]) == 1;
    }
    if (terms < 2) return false;
    return cln::zerop(p[0]) || cln::zerop(at_one) || cln::zerop(at_minus_one) || !integer;
}

// The polynomial as a product a person reads: rational content, v^m, (v - 1)^a, (v + 1)^b
// and the rest expanded. (GiNaC's factor would find more, at a cost of about a millisecond
// at degree 20; the rest is irreducible in the cases that matter, tanh's and Hermite's.)
ex readable_product(dense p, const ex& v, const pairing* pair) {
    trim(p);
    cln::cl_I numer_gcd = 0, denom_lcm = 1;
    for (const auto& c : p) {
        numer_gcd = cln::gcd(numer_gcd, cln::numerator(c));
        denom_lcm = cln::lcm(denom_lcm, cln::denominator(c));
    }
    if (cln::zerop(numer_gcd)) return 0;
    cln::cl_RA content = numer_gcd / denom_lcm;
    for (auto& c : p) c = c / content;
    GiNaC::exvector factors{numeric(content)};
    size_t m = 0;
    while (m + 1 < p.size() && cln::zerop(p[m])) ++m;
    if (m > 0) {
        p.erase(p.begin(), p.begin() + static_cast<long>(m));
        factors.push_back(GiNaC::pow(v, static_cast<int>(m)));
    }
    for (int sign : {1, -1}) {
        const int times = divide_out_root(p, unit(sign));
        if (times > 0) factors.push_back(GiNaC::pow(v - sign, times));
    }
    if (pair) {
        if (auto folded = folded_palindrome(p, *pair)) {
            factors.push_back(*folded);
            return GiNaC::mul(factors);
        }
    }
    factors.push_back(sum_of_powers(p, v));
    return GiNaC::mul(factors);
}

// A function of x standing as a variable of the numerators: T (atan, atanh or log of a
// rational function), whose derivative T' is rational, or one of sin(a*x + b), cos(...),
// sinh, cosh, exp(a*x + b), whose derivative is a constant times one of them.
struct generator {
    ex call;
    GiNaC::symbol symbol;
    std::vector<std::pair<size_t, cln::cl_RA>> derivative;  // (generator, coefficient); empty for T
    // tan and tanh of c*x + b: G' = square_free + square*G^2 (c*(1 + G^2), c*(1 - G^2)); the
    // degree grows by one each order
    cln::cl_RA square_free = 0, square = 0;
};

// The powers of the generators, one exponent each, and the polynomial multiplying them.
using monomial = std::vector<int>;
using numerator_terms = std::map<monomial, dense>;

// A polynomial in v and the generators' symbols by monomials in the generators, with dense
// coefficients in v; nothing past max_monomials or where a coefficient is not a polynomial
// in v over the rationals.
std::optional<numerator_terms> by_monomials_of(const ex& polynomial, const std::vector<generator>& generators, const ex& v,
                                               size_t max_monomials = 256) {
    const ex expanded = polynomial.expand();
    std::map<monomial, ex> by_monomial;
    for (const ex& term : is_class<GiNaC::add>(expanded) ? GiNaC::exvector(expanded.begin(), expanded.end()) : GiNaC::exvector{expanded}) {
        monomial m;
        ex coefficient = term;
        for (const generator& gen : generators) {
            m.push_back(term.degree(gen.symbol));
            coefficient = coefficient * GiNaC::pow(gen.symbol, -m.back());
        }
        by_monomial[m] += coefficient;
        if (by_monomial.size() > max_monomials) return std::nullopt;
    }
    numerator_terms out;
    for (const auto& [m, coefficient] : by_monomial) {
        auto as_dense = to_dense(coefficient, v);
        if (!as_dense) return std::nullopt;
        if (!is_zero(*as_dense)) out.emplace(m, std::move(*as_dense));
    }
    return out;
}

// What one f and x give, kept for the calls that ask for other orders of the same f.
struct analysis {
    ex f, x;
    bool tangents = false;  // tan and tanh of linear arguments read as generators
    // by its numerators; else by its first derivative's, or by neither (remembered too: every
    // order asks again)
    enum class route { numerators, first_derivative, none } by = route::none;
    ex exp_factor = 1;     // exp(h)
    numeric g = 0;         // u = exp(g*x); 0: no u
    GiNaC::symbol u{"u"};
    std::vector<generator> generators;
    // the generators T (atan, atanh, log of a rational function: T' is rational), each with
    // T' q, times scale
    std::map<size_t, numerator_terms> logarithmic;
    // sin and cos (sinh and cosh) of one argument, and the sign in cos^2 = 1 - sin^2
    // (cosh^2 = 1 + sinh^2): the numerators keep cos to the first power, so that their
    // monomials grow linearly with the order, not quadratically
    struct square_rule {
        size_t odd, even;
        int sign;
    };
    std::vector<square_rule> squares;
    factored_denominator den;
    // the p_i as polynomials in v (the terms of generators are reduced by them); empty for a
    // p_i in the generators (1/(2 + sin(x))), which is not divided out
    std::vector<dense> factors;
    std::vector<ex> factor_symbols;  // the p_i in the generators' symbols
    bool in_u = false;                // the dense polynomials are in u (else in x)
    // q, W, q', h', T' q, and the generators' rates, each times `scale` (the lcm of their
    // denominators): the numerators are kept as integers, numerator_scale * scale^(2n) N_n
    // (CLN adds fractions through a gcd: 41% of tanh(5/7*x + 6)/(1 + x^2)'s time)
    // q, W, q', T' q: polynomials in v and the generators (q has generators where D has)
    numerator_terms q, w, dq;
    numerator_terms hq;  // h' q, times scale^2
    cln::cl_RA scale = 1, numerator_scale = 1, scaled_g = 0;
    std::vector<numerator_terms> numerators;  // N_0, N_1, ... as far as asked
    int lowest_order = 1;                     // below it, the rules and simplify answer
    int highest_order = std::numeric_limits<int>::max();  // above it, the numerators grew too big
};

// n with every cos^2 (cosh^2) written as 1 - sin^2 (1 + sinh^2).
void reduce_squares(numerator_terms& n, const analysis& a) {
    for (const auto& rule : a.squares) {
        std::vector<monomial> squared;
        for (const auto& [m, c] : n) {
            if (m[rule.even] >= 2) squared.push_back(m);
        }
        // highest powers of cos first: what they give has lower ones, taken in turn
        std::sort(squared.begin(), squared.end(), [&](const monomial& l, const monomial& r) { return l[rule.even] > r[rule.even]; });
        for (size_t i = 0; i < squared.size(); ++i) {
            auto at = n.find(squared[i]);
            if (at == n.end()) continue;
            const dense c = std::move(at->second);
            n.erase(at);
            monomial lower = squared[i];
            lower[rule.even] -= 2;
            monomial other = lower;
            other[rule.odd] += 2;
            for (const auto& [to, part] : {std::pair{lower, c}, std::pair{other, scaled(c, unit(rule.sign))}}) {
                auto [into, fresh] = n.try_emplace(to, part);
                if (!fresh) into->second = into->second + part;
                if (to[rule.even] >= 2 && fresh) squared.push_back(to);
            }
        }
    }
    for (auto at = n.begin(); at != n.end();) at = is_zero(at->second) && n.size() > 1 ? n.erase(at) : std::next(at);
}

// atan(p), atanh(p) or log(p): d/dp of the call, else nothing.
std::optional<ex> outer_rational_derivative(const ex& call) {
    if (!is_a<GiNaC::function>(call) || call.nops() != 1) return std::nullopt;
    const ex& p = call.op(0);
    if (GiNaC::is_the_function<GiNaC::atan_SERIAL>(call)) return GiNaC::pow(1 + GiNaC::pow(p, 2), -1);
    if (GiNaC::is_the_function<GiNaC::atanh_SERIAL>(call)) return GiNaC::pow(1 - GiNaC::pow(p, 2), -1);
    if (GiNaC::is_the_function<GiNaC::log_SERIAL>(call)) return GiNaC::pow(p, -1);
    return std::nullopt;
}

// How analyse reads f: a rational function of x or of u = exp(g*x) (times exp(h)); or a
// polynomial in generators with such coefficients, the exponentials of linear arguments read
// as u (then no other generator but T) or as generators themselves.
enum class reading { rational, generators, generators_and_exponentials };

bool is_tangent(const generator& g) { return !cln::zerop(g.square); }

// a where e is a*x + b, a rational and not 0, b free of x; else 0.
numeric rate_of_linear(const ex& e, const ex& x) {
    if (!e.is_polynomial(x) || e.degree(x) != 1) return 0;
    ex a = e.coeff(x, 1);
    if (!is_class<GiNaC::numeric>(a) || !GiNaC::ex_to<numeric>(a).is_rational()) return 0;
    return GiNaC::ex_to<numeric>(a);
}

// The generators of the calls of f: T, and for sin, cos, sinh, cosh (and exp, when read so)
// of a linear argument the pair (or the one) its derivatives run through. False where f
// has two T, or a linear exponential beside another generator when read as u.
bool find_generators(const ex& r, const ex& x, reading how, bool tangents, analysis& a) {
    auto index_of = [&](const ex& call) -> size_t {
        for (size_t i = 0; i < a.generators.size(); ++i) {
            if (a.generators[i].call.is_equal(call)) return i;
        }
        a.generators.push_back({call, GiNaC::symbol("g" + std::to_string(a.generators.size())), {}});
        return a.generators.size() - 1;
    };
    for (auto it = r.preorder_begin(); it != r.preorder_end(); ++it) {
        const ex& node = *it;
        if (!is_a<GiNaC::function>(node) || node.nops() != 1 || !(node.op(0).has(x) || node.op(0).has(a.u))) continue;
        if (outer_rational_derivative(node)) {
            a.logarithmic.try_emplace(index_of(node));
            continue;
        }
        const ex& arg = node.op(0);
        const numeric rate = rate_of_linear(arg, x);
        if (rate.is_zero()) continue;  // left to the test for a rational function, which fails
        const cln::cl_RA c = cln::the<cln::cl_RA>(rate.to_cl_N());
        const bool trigonometric = GiNaC::is_the_function<GiNaC::sin_SERIAL>(node) || GiNaC::is_the_function<GiNaC::cos_SERIAL>(node);
        const bool hyperbolic = GiNaC::is_the_function<GiNaC::sinh_SERIAL>(node) || GiNaC::is_the_function<GiNaC::cosh_SERIAL>(node);
        if (trigonometric || hyperbolic) {
            // (sin, cos)' = a*(cos, -sin); (sinh, cosh)' = a*(cosh, sinh)
            const size_t s = index_of(trigonometric ? GiNaC::sin(arg) : GiNaC::sinh(arg));
            const size_t k = index_of(trigonometric ? GiNaC::cos(arg) : GiNaC::cosh(arg));
            a.generators[s].derivative = {{k, c}};
            a.generators[k].derivative = {{s, trigonometric ? cln::cl_RA(-c) : c}};
            if (std::none_of(a.squares.begin(), a.squares.end(), [&](const auto& rule) { return rule.odd == s; })) {
                a.squares.push_back({s, k, trigonometric ? -1 : 1});
            }
        } else if (is_exp(node) && how == reading::generators_and_exponentials) {
            const size_t e = index_of(node);
            a.generators[e].derivative = {{e, c}};
        } else if (tangents && (GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) || GiNaC::is_the_function<GiNaC::tanh_SERIAL>(node))) {
            generator& t = a.generators[index_of(node)];
            t.square_free = c;
            t.square = GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) ? c : cln::cl_RA(-c);
        }
    }
    // generators whose call GiNaC wrote differently (cos(-x) as cos(x)) have no rule: not read
    for (size_t i = 0; i < a.generators.size(); ++i) {
        if (a.generators[i].derivative.empty() && !a.logarithmic.count(i) && !is_tangent(a.generators[i])) return false;
    }
    return true;
}

// p = c*p~ with p~ a polynomial of coprime integer coefficients, where c^k is rational (k =
// a/b: c a b-th power): p^k = c^k*p~^k. 1 + (7/6*x + 4)^2, asinh(7/6*x + 4)'s, is
// (49*x^2 + 336*x + 612)/36, and its high orders printed ((7*x + 24)^2/36 + 1)^(19/2) under
// a constant of eleven digits.
std::optional<std::pair<ex, numeric>> primitive_base(const ex& p, const numeric& k, const ex& x) {
    const auto d = to_dense(p, x);
    if (!d) return std::nullopt;
    cln::cl_I numerators = 0, denominators = 1;
    for (const auto& c : *d) {
        numerators = cln::gcd(numerators, cln::numerator(c));
        denominators = cln::lcm(denominators, cln::denominator(c));
    }
    const cln::cl_RA content = numerators / denominators;
    if (cln::zerop(numerators) || content == 1) return std::nullopt;
    const cln::cl_RA exponent = cln::the<cln::cl_RA>(k.to_cl_N());
    cln::cl_RA root;
    if (!cln::rootp(content, cln::denominator(exponent), &root)) return std::nullopt;
    return std::pair{sum_of_powers(scaled(*d, 1 / content), x), numeric(cln::expt(root, cln::numerator(exponent)))};
}

// f's analysis, read as `how` says.
std::optional<analysis> analyse(const ex& f, const ex& x, reading how, bool tangents) {
    // dense polynomials of a few thousand terms at most (the expansion limit is for users)
    if (estimated_expanded_terms(f) > 2000) return std::nullopt;
    analysis a;
    a.f = f;
    a.x = x;
    ex e = combine_exponentials(f);
    // E = exp(h) with h not linear in x, or b^c with c a function of x (x^x), as a factor of
    // the whole: E' = h'*E, with h' = (c*log(b))' a rational function of x and the generators
    // (x^x: log(x) + 1, exp(sin(x)): cos(x))
    ex rest = e;
    auto exponential = [&](const ex& c) {
        if (is_class<GiNaC::power>(c)) return c.op(1).has(x) && how != reading::rational;
        return is_exp(c) && c.op(0).has(x) && linear_rate(c, x).is_zero() &&
               (how != reading::generators_and_exponentials || rate_of_linear(c.op(0), x).is_zero());
    };
    if (exponential(e)) {
        a.exp_factor = e;
        rest = 1;
    } else if (is_class<GiNaC::mul>(e)) {
        GiNaC::exvector others;
        for (const ex& c : e) {
            if (a.exp_factor.is_equal(1) && exponential(c)) {
                a.exp_factor = c;
            } else {
                others.push_back(c);
            }
        }
        rest = GiNaC::mul(others);
    }
    ex h_derivative = 0;
    if (!a.exp_factor.is_equal(1)) {
        differentiator d_dx(x);
        const ex& b = a.exp_factor.op(0);
        h_derivative = is_exp(a.exp_factor) ? d_dx(b) : d_dx(a.exp_factor.op(1)) * GiNaC::log(b) + a.exp_factor.op(1) * d_dx(b) / b;
    }
    // p^k with k a fraction and p a polynomial in x, as a factor of the denominator with
    // exponent -k: (p^k)' is p^k times the rational k*p'/p, as exp(h)' is exp(h) times h'
    // (sqrt and asinh of linear arguments to order 200: 2 s of stepwise simplifying)
    std::vector<std::pair<ex, numeric>> powers;
    auto fractional_power = [&](const ex& c) {
        if (!is_class<GiNaC::power>(c) || !is_class<GiNaC::numeric>(c.op(1))) return false;
        const numeric& k = GiNaC::ex_to<numeric>(c.op(1));
        return k.is_rational() && !k.is_integer() && c.op(0).has(x) && c.op(0).is_polynomial(x) &&
               to_dense(c.op(0), x);  // (rational coefficients)
    };
    {
        GiNaC::exvector others;
        for (const ex& c : is_class<GiNaC::mul>(rest) ? GiNaC::exvector(rest.begin(), rest.end()) : GiNaC::exvector{rest}) {
            if (fractional_power(c)) {
                const numeric& k = GiNaC::ex_to<numeric>(c.op(1));
                if (auto primitive = primitive_base(c.op(0), k, x)) {
                    powers.emplace_back(primitive->first, k);
                    others.push_back(primitive->second);
                } else {
                    powers.emplace_back(c.op(0), k);
                }
            } else {
                others.push_back(c);
            }
        }
        if (!powers.empty()) rest = GiNaC::mul(others);
    }

    // exp(c*x) as u^(c/g), g the rates' gcd with the sign most of them have
    int balance = 0;
    for (auto it = rest.preorder_begin(); it != rest.preorder_end() && how != reading::generators_and_exponentials; ++it) {
        if (!is_exp(*it) || !it->op(0).has(x)) continue;
        numeric c = linear_rate(*it, x);
        if (c.is_zero()) return std::nullopt;
        a.g = rational_gcd(a.g, c);
        balance += c.is_negative() ? -1 : 1;
    }
    if (balance < 0) a.g = -a.g;
    ex r = rest;
    if (!a.g.is_zero()) {
        r = rewrite_bottom_up(rest, [&](const ex& node) -> ex {
            if (!is_exp(node) || !node.op(0).has(x)) return node;
            return GiNaC::pow(a.u, linear_rate(node, x) / a.g);
        });
    }
    GiNaC::lst vars{x, a.u};
    // one variable only: in u (then h must be 0) or in x
    a.in_u = !a.g.is_zero();
    ex v = a.in_u ? ex(a.u) : x;
    // d/dx of a polynomial in v and the generators' symbols (each generator's derivative by
    // its rule: T has none here, it stays out of denominators)
    auto d_dx = [&](const ex& p) -> ex {
        if (a.in_u) return (a.g * a.u * p.diff(a.u)).expand();
        ex d = p.diff(GiNaC::ex_to<GiNaC::symbol>(x));
        for (const generator& gen : a.generators) {
            if (!p.has(gen.symbol)) continue;
            ex rule = numeric(gen.square_free) + numeric(gen.square) * GiNaC::pow(gen.symbol, 2);
            for (const auto& [j, rate] : gen.derivative) rule += numeric(rate) * a.generators[j].symbol;
            d += p.diff(gen.symbol) * rule;
        }
        return d.expand();
    };
    std::map<size_t, ex> t_derivatives;  // each T' as a rational function of v
    if (how != reading::rational) {
        if (!find_generators(GiNaC::lst{r, h_derivative}, x, how, tangents, a) || a.generators.empty() || a.generators.size() > 8) {
            return std::nullopt;
        }
        if (a.in_u && a.generators.size() > 1) return std::nullopt;  // T alone beside u
        // whole calls first (log(sin(x)) is a generator, and so is the sin(x) in it; GiNaC's
        // subs replaces operands first)
        struct calls_as_symbols : GiNaC::map_function {
            GiNaC::exmap symbols;
            ex operator()(const ex& e) override {
                auto it = symbols.find(e);
                return it != symbols.end() ? it->second : e.map(*this);
            }
        } generators_as_symbols;
        for (const generator& gen : a.generators) generators_as_symbols.symbols[gen.call] = gen.symbol;
        r = generators_as_symbols(r);
        h_derivative = generators_as_symbols(h_derivative);
        for (const generator& gen : a.generators) vars.append(gen.symbol);
        // T = log(p), atan(p), atanh(p): p rational in x and the other generators but T's
        // (log(sin(x)), sin(x)^x's: T' = cos(x)/sin(x)), T' by the chain rule
        for (const auto& [i, unused] : a.logarithmic) {
            const ex p = generators_as_symbols(a.generators[i].call.op(0));
            if (!is_rational_in(p, vars) || (a.in_u && p.has(x))) return std::nullopt;
            for (const auto& [j, other] : a.logarithmic) {
                if (p.has(a.generators[j].symbol)) return std::nullopt;
            }
            const ex p_parts = GiNaC::numer_denom(GiNaC::normal(p));
            const ex dp = GiNaC::normal((d_dx(p_parts.op(0)) * p_parts.op(1) - p_parts.op(0) * d_dx(p_parts.op(1))) /
                                        GiNaC::pow(p_parts.op(1), 2));
            const ex outer = generators_as_symbols(*outer_rational_derivative(a.generators[i].call));
            t_derivatives[i] = GiNaC::normal(dp * outer);
        }
    }
    auto has_generator = [&](const ex& e) {
        return std::any_of(a.generators.begin(), a.generators.end(), [&](const generator& gen) { return e.has(gen.symbol); });
    };
    if (!is_rational_in(r, vars) || !is_rational_in(h_derivative, vars)) return std::nullopt;
    ex nd = GiNaC::numer_denom(GiNaC::normal(r));
    // generators may stand in the denominator (1/(2 + sin(x))), but for T, whose derivative is
    // not a polynomial, and beside u
    for (const auto& [i, unused] : a.logarithmic) {
        if (nd.op(1).has(a.generators[i].symbol)) return std::nullopt;
    }
    if (a.in_u && has_generator(nd.op(1))) return std::nullopt;
    a.den = square_free_parts(nd.op(1), vars);
    if (a.in_u && (nd.has(x) || !a.exp_factor.is_equal(1) || !powers.empty())) return std::nullopt;
    for (const auto& [p, k] : powers) {
        // square-free and prime to the other factors: each factor's exponent is its own
        if (GiNaC::gcd(p, p.diff(GiNaC::ex_to<GiNaC::symbol>(x))).degree(x) > 0) return std::nullopt;
        for (const auto& [b, e] : a.den.factors) {
            if (GiNaC::gcd(p, b).degree(x) > 0) return std::nullopt;
        }
        a.den.factors.emplace_back(p, -k);
    }
    // T' = P_T/Q_T and h' = P_h/Q_h: the factors of Q_T and Q_h join D's with exponent 0
    // where q has no multiple of them, so that T' q and h' q are polynomials
    auto joined = [&](const ex& denominator) {
        for (const auto& [p, k] : square_free_parts(denominator, vars).factors) {
            if (k != 1) return false;  // q would need the square
            ex q_so_far = 1, quotient;
            for (const auto& [b, e] : a.den.factors) q_so_far = q_so_far * b;
            if (GiNaC::divide(q_so_far.expand(), p.expand(), quotient)) continue;
            for (const auto& [b, e] : a.den.factors) {
                if (!is_class<GiNaC::numeric>(GiNaC::gcd(p, b))) return false;  // a part of b: not square-free in q
            }
            a.den.factors.emplace_back(p, 0);
        }
        return true;
    };
    std::map<size_t, ex> t_parts;
    for (const auto& [i, t_derivative] : t_derivatives) {
        t_parts[i] = GiNaC::numer_denom(t_derivative);
        if (!joined(t_parts[i].op(1))) return std::nullopt;
    }
    ex h_parts = GiNaC::lst{0, 1};
    if (!h_derivative.is_zero()) {
        h_parts = GiNaC::numer_denom(GiNaC::normal(h_derivative));
        for (const auto& [i, unused] : a.logarithmic) {
            if (h_parts.op(1).has(a.generators[i].symbol)) return std::nullopt;
        }
        if (!joined(h_parts.op(1))) return std::nullopt;
    }
    auto by_monomials = [&](const ex& polynomial) { return by_monomials_of(polynomial, a.generators, v); };
    ex q = 1, w = 0;
    for (const auto& [p, k] : a.den.factors) q = q * p;
    q = q.expand();
    for (const auto& [p, k] : a.den.factors) {
        ex others;
        if (!GiNaC::divide(q, p.expand(), others)) return std::nullopt;  // exact by construction
        w += k * d_dx(p) * others;
        if (has_generator(p)) {
            a.factors.emplace_back();
            continue;
        }
        auto as_dense = to_dense(p, v);
        if (!as_dense) return std::nullopt;
        cln::cl_I integral = 1;  // (a constant does not change what divides what)
        for (const auto& c : *as_dense) integral = cln::lcm(integral, cln::denominator(c));
        a.factors.push_back(scaled(*as_dense, integral));
    }
    auto qd = by_monomials(q), wd = by_monomials(w), dqd = by_monomials(d_dx(q));
    if (!qd || !wd || !dqd) return std::nullopt;
    a.q = std::move(*qd);
    a.w = std::move(*wd);
    a.dq = std::move(*dqd);
    for (const auto& [i, parts] : t_parts) {
        ex cofactor;
        if (!GiNaC::divide(q, parts.op(1), cofactor)) return std::nullopt;
        auto tqd = by_monomials(parts.op(0) * cofactor);
        if (!tqd) return std::nullopt;
        a.logarithmic[i] = std::move(*tqd);
    }
    std::optional<numerator_terms> n0 = by_monomials(nd.op(0)), hq = numerator_terms{};
    if (!h_parts.op(0).is_zero()) {
        ex cofactor;
        if (!GiNaC::divide(q, h_parts.op(1), cofactor)) return std::nullopt;
        hq = by_monomials(h_parts.op(0) * cofactor);
    }
    if (!n0 || !hq) return std::nullopt;
    if (n0->empty()) n0->emplace(monomial(a.generators.size(), 0), dense{0});
    cln::cl_I lcm = 1, of_numerator = 1;
    auto denominators = [](const dense& p, cln::cl_I& into) {
        for (const auto& c : p) into = cln::lcm(into, cln::denominator(c));
    };
    std::vector<numerator_terms*> rates{&a.q, &a.w, &a.dq};  // (each times scale below)
    for (auto& [i, tq] : a.logarithmic) rates.push_back(&tq);
    for (const numerator_terms* p : rates) {
        for (const auto& [m, c] : *p) denominators(c, lcm);
    }
    for (const auto& [m, c] : *hq) denominators(c, lcm);
    for (const generator& gen : a.generators) {
        denominators(dense{gen.square_free, gen.square}, lcm);
        for (const auto& [j, rate] : gen.derivative) lcm = cln::lcm(lcm, cln::denominator(rate));
    }
    const cln::cl_RA g = a.in_u ? cln::the<cln::cl_RA>(a.g.to_cl_N()) : cln::cl_RA(0);
    lcm = cln::lcm(lcm, cln::denominator(g));
    for (const auto& [m, c] : *n0) denominators(c, of_numerator);
    a.scale = lcm, a.numerator_scale = of_numerator, a.scaled_g = g * lcm;
    for (numerator_terms* p : rates) {
        for (auto& [m, c] : *p) c = scaled(c, a.scale);
    }
    for (auto& [m, c] : *hq) c = scaled(c, a.scale * a.scale);
    a.hq = std::move(*hq);
    for (generator& gen : a.generators) {
        gen.square_free = gen.square_free * a.scale, gen.square = gen.square * a.scale;
        for (auto& [j, rate] : gen.derivative) rate = rate * a.scale;
    }
    for (auto& [m, c] : *n0) c = scaled(c, a.numerator_scale);
    reduce_squares(*n0, a);
    // the denominator printed with the calls again
    for (const auto& [p, k] : a.den.factors) a.factor_symbols.push_back(p);
    GiNaC::exmap calls;
    for (const generator& gen : a.generators) calls[gen.symbol] = gen.call;
    for (auto& [p, k] : a.den.factors) p = p.subs(calls, GiNaC::subs_options::no_pattern);
    a.numerators.push_back(std::move(*n0));
    a.by = analysis::route::numerators;
    // Orders 1 to 3 of sines, cosines and exponentials are left to simplify, whose forms read
    // better there: (sin(x)*cos(x))' is cos(2*x), where the generators write
    // cos(x)^2 - sin(x)^2. From order 4 on simplifying order after order is what costs
    // (sin(x)/(1 + x^2) to order 100: 8.8 s, by the generators 1.2 s, most of it the plain
    // derivative it is held against).
    // The same for fractional powers: orders 1 to 3 keep simplify's forms, from order 4
    // these cost less (sqrt(1 + (5*x + 6)^2) to order 200: 2.4 s stepwise, 0.3 s so). Read
    // with tangents, every order is asked for (the caller weighs the forms).
    // And for E beyond exp of a polynomial (x^x, exp(sin(x))).
    const bool polynomial_exponent = is_exp(a.exp_factor) && a.exp_factor.op(0).is_polynomial(x);
    // And for two or more T (log(x)*atan(x)).
    const bool more = a.generators.size() > a.logarithmic.size() || a.logarithmic.size() > 1 || !powers.empty();
    if (!tangents && (more || (!a.exp_factor.is_equal(1) && !polynomial_exponent))) {
        a.lowest_order = 4;
    }
    return a;
}

// f as a polynomial in generators: exponentials of linear arguments read as u first, else as
// generators themselves.
std::optional<analysis> analyse_generators(const ex& f, const ex& x, bool tangents) {
    if (auto a = analyse(f, x, reading::generators, tangents)) return a;
    return analyse(f, x, reading::generators_and_exponentials, tangents);
}

}  // namespace

namespace {

// The coefficients (of all monomials) one order's numerator may have: tanh(5/7*x + 6)/(1 + x^2)
// at order 200 has 81,000 (an answer of 6.5 MB).
constexpr size_t max_numerator_coefficients = 200000;

std::optional<ex> nth_derivative(const ex& f, const ex& x, int order, bool may_step_first, bool tangents);

}  // namespace

std::optional<ex> nth_derivative_by_polynomials(const ex& f, const ex& x, int order) {
    return nth_derivative(f, x, order, true, false);
}

std::optional<ex> nth_derivative_by_polynomials_with_tangents(const ex& f, const ex& x, int order) {
    // (asked at every order of every derivative by stepping: reading f costs, a scan does not)
    const bool tangents = any_distinct(f, [](const ex& node) {
        return GiNaC::is_the_function<GiNaC::tan_SERIAL>(node) || GiNaC::is_the_function<GiNaC::tanh_SERIAL>(node);
    });
    if (!tangents) return std::nullopt;
    return nth_derivative(f, x, order, false, true);
}

namespace {

// f's analysis: read once, then found among the last few (f, x), so that asking for orders
// 1..n of one f costs n steps in all. A cache of a pure function's results, like GiNaC's
// remember tables, one per thread (GiNaC's objects must not be shared between threads).
// The reference holds until the next call.
analysis& analysed(const ex& f, const ex& x, bool may_step_first, bool tangents) {
    thread_local std::vector<analysis> recent;
    auto it = std::find_if(recent.begin(), recent.end(),
                           [&](const analysis& a) { return a.f.is_equal(f) && a.x.is_equal(x) && a.tangents == tangents; });
    if (it != recent.end()) return *it;
    std::optional<analysis> a;
    if (tangents) {
        a = analyse_generators(f, x, true);
    } else {
        a = analyse(f, x, reading::rational, false);
    }
    if (!a && may_step_first) {
        // atan(x), log(1 + x^2), asinh(x): the first derivative may be of the form (one step
        // only: tanh's derivatives never are, and stepping on would differentiate by the
        // rules); else f may be a polynomial in generators: atan, atanh or log, sin and
        // cos, sinh and cosh, exp of linear arguments
        if (analysed(differentiator(x)(f), x, false, false).by == analysis::route::numerators) {
            a.emplace();
            a->by = analysis::route::first_derivative;
        } else {
            a = analyse_generators(f, x, false);
        }
    }
    if (!a) a.emplace();
    a->f = f, a->x = x, a->tangents = tangents;
    if (recent.size() >= 8) recent.erase(recent.begin());
    recent.push_back(std::move(*a));
    return recent.back();
}

std::optional<ex> nth_derivative(const ex& f, const ex& x, int order, bool may_step_first, bool tangents) {
    // (the expressions this is for are small; a big DAG is better left to the differentiator)
    if (order < 1 || !is_class<GiNaC::symbol>(x) || tree_size_exceeds(f, limits::evaluated_argument_nodes)) return std::nullopt;
    analysis& a = analysed(f, x, may_step_first, tangents);
    if (a.by == analysis::route::none) return std::nullopt;
    if (a.by == analysis::route::first_derivative) {
        if (order < 2) return std::nullopt;
        return nth_derivative(differentiator(x)(f), x, order - 1, false, false);
    }
    if (order < a.lowest_order || order > a.highest_order) return std::nullopt;
    const bool scaled_step = a.scale != 1;
    while (a.numerators.size() <= static_cast<size_t>(order)) {
        check_stop();
        const numerator_terms& n = a.numerators.back();
        long k = static_cast<long>(a.numerators.size()) - 1;
        numerator_terms next;
        auto add = [&](const monomial& m, const dense& p) {
            auto [at, fresh] = next.try_emplace(m, p);
            if (!fresh) at->second = at->second + p;
        };
        // c*p at monomial m, times `factor`
        auto add_times = [&](const monomial& m, const dense& c, const numerator_terms& p, const cln::cl_RA& factor) {
            for (const auto& [mp, cp] : p) {
                monomial to = m;
                for (size_t i = 0; i < to.size(); ++i) to[i] += mp[i];
                add(to, factor == 1 ? c * cp : scaled(c * cp, factor));
            }
        };
        numerator_terms w_k = a.w;  // W + k q'
        for (const auto& [m, c] : a.dq) {
            auto [at, fresh] = w_k.try_emplace(m, scaled(c, k));
            if (!fresh) at->second = at->second + scaled(c, k);
        }
        for (const auto& [m, c] : n) {
            // each term scale^2 times the unscaled step's: c' q - c (W + k q') + c h' q
            dense dc = derivative(c, a.in_u, a.scaled_g);
            if (!a.in_u && scaled_step) dc = scaled(dc, a.scale);
            add_times(m, dc, a.q, 1);
            add_times(m, c, w_k, -a.scale);
            add_times(m, c, a.hq, 1);
            // the generators' own derivatives: m_i G^(m - e_i) G_i'
            for (size_t i = 0; i < m.size(); ++i) {
                if (m[i] == 0) continue;
                monomial lower = m;
                --lower[i];
                if (auto t = a.logarithmic.find(i); t != a.logarithmic.end()) {
                    add_times(lower, c, t->second, a.scale * m[i]);
                    continue;
                }
                if (is_tangent(a.generators[i])) {
                    add_times(lower, c, a.q, a.generators[i].square_free * m[i]);
                    monomial higher = m;
                    ++higher[i];
                    add_times(higher, c, a.q, a.generators[i].square * m[i]);
                    continue;
                }
                for (const auto& [j, rate] : a.generators[i].derivative) {
                    monomial to = lower;
                    ++to[j];
                    add_times(to, c, a.q, rate * m[i]);
                }
            }
        }
        reduce_squares(next, a);
        // a bound on the numerators (x^sin(x)'s have ~n^3/6 monomials in sin, cos and log: 3
        // million coefficients by order 70): past it the orders above are left to the rules
        size_t coefficients = 0;
        for (const auto& [m, c] : next) coefficients += c.size();
        if (coefficients > max_numerator_coefficients) {
            a.highest_order = static_cast<int>(a.numerators.size()) - 1;
            return std::nullopt;
        }
        a.numerators.push_back(std::move(next));
    }
    const numerator_terms& numerator = a.numerators[static_cast<size_t>(order)];  // scaled
    const cln::cl_RA unscale = 1 / (a.numerator_scale * cln::expt(a.scale, 2 * order));
    auto unscaled = [&](const dense& p) { return unscale == 1 ? p : scaled(p, unscale); };
    if (std::all_of(numerator.begin(), numerator.end(), [](const auto& term) { return is_zero(term.second); })) return ex(0);

    ex v = a.in_u ? ex(a.u) : a.x;
    pairing u_pairs{a.g, a.x};
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
        for (const auto& [m, c] : divided_numerator ? *divided_numerator : numerator) {
            GiNaC::exvector factors{sum_of_powers(c, a.x)};
            for (size_t j = 0; j < m.size(); ++j) factors.push_back(GiNaC::pow(a.generators[j].symbol, m[j]));
            whole += GiNaC::mul(factors);
        }
        ex quotient;
        while (a.den.factors[i].second + order - divided[i] >= 1 && GiNaC::divide(whole, a.factor_symbols[i], quotient)) {
            whole = quotient;
            ++divided[i];
        }
        if (divided[i] == 0) continue;
        divided_numerator = by_monomials_of(whole, a.generators, a.x, SIZE_MAX);
        if (!divided_numerator) return std::nullopt;  // (a polynomial over the rationals still)
    }
    const numerator_terms& reduced_numerator = divided_numerator ? *divided_numerator : numerator;
    auto reduced = [&](const dense& n, bool reduce) {
        std::pair<dense, exponents> out{n, {}};
        for (size_t i = 0; i < a.den.factors.size(); ++i) {
            numeric exponent = a.den.factors[i].second + order - divided[i];
            while (reduce && exponent >= 1 && !a.factors[i].empty()) {
                auto quotient = divided_exactly(out.first, a.factors[i]);
                if (!quotient) break;
                out.first = std::move(*quotient);
                --exponent;
            }
            out.second.push_back(exponent);
        }
        return out;
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
        for (const auto& [m, c] : reduced_numerator) {
            if (is_zero(c)) continue;
            auto [top, below] = reduced(c, true);  // on integers, then scaled back
            if (common.empty()) common = m;
            for (size_t i = 0; i < m.size(); ++i) common[i] = std::min(common[i], m[i]);
            size_t lowest = 0;
            while (lowest + 1 < top.size() && cln::zerop(top[lowest])) ++lowest;
            common_v = std::min(common_v, lowest);
            reduced_terms.push_back({m, std::move(top), std::move(below)});
        }
        std::map<exponents, GiNaC::exvector, exponents_less> by_denominator;
        for (term& t : reduced_terms) {
            t.top.erase(t.top.begin(), t.top.begin() + static_cast<long>(common_v));
            GiNaC::exvector factors{readable_product(unscaled(t.top), v, a.in_u ? &u_pairs : nullptr)};
            for (size_t i = 0; i < t.m.size(); ++i) factors.push_back(GiNaC::pow(a.generators[i].call, t.m[i] - common[i]));
            by_denominator[t.below].push_back(GiNaC::mul(factors));
        }
        GiNaC::exvector terms, in_front{GiNaC::pow(v, static_cast<int>(common_v))};
        for (const auto& [below, tops] : by_denominator) terms.push_back(over(GiNaC::add(tops), below));
        for (size_t i = 0; i < common.size(); ++i) in_front.push_back(GiNaC::pow(a.generators[i].call, common[i]));
        in_front.push_back(GiNaC::add(terms));
        return in_x(GiNaC::mul(in_front));
    }
    const dense n = unscaled(numerator.begin()->second);
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
        for (const auto& [p, k] : a.den.factors) bottom.push_back(GiNaC::pow(p, k + order));
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
        size_t b = static_cast<size_t>((a.den.factors[0].second + order).to_int());
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
