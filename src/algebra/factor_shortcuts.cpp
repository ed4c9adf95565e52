#include "algebra/factor_shortcuts.hpp"

#include "algebra/dense_polynomial.hpp"
#include "core/class_test.hpp"

#include <ddx/error.hpp>
#include <ddx/interrupt.hpp>
#include <ddx/limits.hpp>

#include <algorithm>
#include <cln/integer.h>
#include <cmath>
#include <complex>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace ddx {

namespace {

using GiNaC::ex;
using GiNaC::numeric;

// One term of a polynomial: an integer times powers of symbols (positive exponents).
struct monomial_term {
    cln::cl_I coefficient;
    std::map<ex, long, GiNaC::ex_is_less> powers;
};

// A symbol, or a positive integer power of one: its symbol and exponent.
bool read_power(const ex& e, monomial_term& term) {
    if (is_class<GiNaC::symbol>(e)) {
        term.powers[e] += 1;
        return true;
    }
    if (!is_class<GiNaC::power>(e) || !is_class<GiNaC::symbol>(e.op(0)) || !is_class<numeric>(e.op(1))) return false;
    const numeric& exponent = GiNaC::ex_to<numeric>(e.op(1));
    // (a larger exponent is left to GiNaC)
    if (!exponent.is_pos_integer() || exponent > numeric(std::numeric_limits<long>::max() / 4)) return false;
    term.powers[e.op(0)] += exponent.to_long();
    return true;
}

std::optional<monomial_term> read_term(const ex& e) {
    monomial_term term{1, {}};
    auto read_factor = [&](const ex& f) {
        if (is_class<numeric>(f)) {
            const numeric& n = GiNaC::ex_to<numeric>(f);
            if (!n.is_integer()) return false;
            term.coefficient = term.coefficient * cln::the<cln::cl_I>(n.to_cl_N());
            return true;
        }
        return read_power(f, term);
    };
    if (is_class<GiNaC::mul>(e)) {
        for (const ex& f : e) {
            if (!read_factor(f)) return std::nullopt;
        }
    } else if (!read_factor(e)) {
        return std::nullopt;
    }
    return term;
}

// The integer m-th root of x >= 0, if x is an m-th power.
std::optional<cln::cl_I> exact_root(const cln::cl_I& x, long m) {
    if (m == 1 || cln::zerop(x) || x == 1) return x;
    if (static_cast<unsigned long>(m) > cln::integer_length(x)) return std::nullopt;  // 2^m > x > 1
    cln::cl_I root;
    if (cln::rootp(x, cln::cl_I(m), &root)) return root;
    return std::nullopt;
}

// Coefficients (index = degree) of the cyclotomic polynomial Phi_n, as the product over
// d | n of (x^d - 1)^mu(n/d): each step multiplies or divides by x^d - 1 in O(degree).
std::vector<cln::cl_I> cyclotomic(long n) {
    std::vector<long> primes;  // of n
    for (long q = n, p = 2; q > 1; ++p) {
        if (p * p > q) p = q;
        if (q % p == 0) {
            primes.push_back(p);
            while (q % p == 0) q /= p;
        }
    }
    std::vector<long> multiply, divide;  // the d with mu(n/d) = 1 and -1
    for (unsigned subset = 0; subset < (1u << primes.size()); ++subset) {
        long d = n;
        int count = 0;
        for (size_t i = 0; i < primes.size(); ++i) {
            if (subset & (1u << i)) d /= primes[i], ++count;
        }
        (count % 2 == 0 ? multiply : divide).push_back(d);
    }
    std::vector<cln::cl_I> p{1};
    for (long d : multiply) {  // p * (x^d - 1)
        check_stop();
        std::vector<cln::cl_I> next(p.size() + static_cast<size_t>(d), 0);
        for (size_t i = 0; i < p.size(); ++i) {
            next[i + static_cast<size_t>(d)] = next[i + static_cast<size_t>(d)] + p[i];
            next[i] = next[i] - p[i];
        }
        p.swap(next);
    }
    for (long d : divide) {  // p / (x^d - 1), exact: p[i] = q[i - d] - q[i]
        check_stop();
        const size_t step = static_cast<size_t>(d);
        std::vector<cln::cl_I> q(p.size() - step);
        for (size_t i = 0; i < q.size(); ++i) q[i] = (i >= step ? q[i - step] : cln::cl_I(0)) - p[i];
        p.swap(q);
    }
    return p;
}

// The coefficients of Phi_d(a*u, b*v), homogeneous of degree phi(d), by the power of u:
// c_j a^j b^(phi(d) - j). Phi_d(s*x, r) is the primitive polynomial whose roots are r/s times
// the primitive d-th roots of unity (Phi_d(x) itself where r = s = 1).
high_order::dense scaled_cyclotomic(long d, const cln::cl_I& a, const cln::cl_I& b) {
    const std::vector<cln::cl_I> c = cyclotomic(d);
    const size_t degree = c.size() - 1;
    std::vector<cln::cl_I> powers_of_a{1}, powers_of_b{1};
    for (size_t j = 1; j <= degree; ++j) {
        powers_of_a.push_back(powers_of_a.back() * a);
        powers_of_b.push_back(powers_of_b.back() * b);
    }
    high_order::dense out(c.size(), 0);
    for (size_t j = 0; j <= degree; ++j) out[j] = c[j] * powers_of_a[j] * powers_of_b[degree - j];
    return out;
}

// Phi_d(a*u, b*v) as a sum.
ex homogeneous_cyclotomic(long d, const ex& u, const ex& v, const cln::cl_I& a, const cln::cl_I& b) {
    const high_order::dense c = scaled_cyclotomic(d, a, b);
    const size_t degree = c.size() - 1;
    GiNaC::exvector terms;
    for (size_t j = 0; j <= degree; ++j) {
        if (cln::zerop(c[j])) continue;
        terms.push_back(GiNaC::mul(numeric(c[j]), GiNaC::pow(u, static_cast<long>(j)), GiNaC::pow(v, static_cast<long>(degree - j))));
    }
    return GiNaC::add(terms);
}

ex product_of_powers(const std::map<ex, long, GiNaC::ex_is_less>& powers, long divided_by = 1) {
    GiNaC::exvector factors;
    for (const auto& [symbol, exponent] : powers) {
        if (exponent > 0) factors.push_back(GiNaC::pow(symbol, exponent / divided_by));
    }
    return GiNaC::mul(factors);
}

// Euler's phi of 0..n, by a sieve.
std::vector<long> totients(long n) {
    std::vector<long> phi(static_cast<size_t>(n) + 1);
    for (long i = 0; i <= n; ++i) phi[static_cast<size_t>(i)] = i;
    for (long i = 2; i <= n; ++i) {
        if (phi[static_cast<size_t>(i)] != i) continue;  // not a prime
        for (long j = i; j <= n; j += i) phi[static_cast<size_t>(j)] -= phi[static_cast<size_t>(j)] / i;
    }
    return phi;
}

// log|a| for a rational a != 0, also where a is past the range of doubles.
double log_abs(const cln::cl_RA& a) {
    auto log_of = [](const cln::cl_I& n) {
        const cln::cl_I m = cln::abs(n);
        const uintptr_t bits = cln::integer_length(m);
        if (bits < 960) return std::log(cln::double_approx(m));
        const uintptr_t shift = bits - 64;
        return std::log(cln::double_approx(cln::ash(m, -static_cast<long>(shift)))) + static_cast<double>(shift) * std::log(2.0);
    };
    return log_of(cln::numerator(a)) - log_of(cln::denominator(a));
}

// The scale r/s (as the pair r, s) of roots of p of modulus c = r/s, c != 1: for each edge
// of p's Newton polygon (the upper hull of the points (i, log|p_i|)), of slope -log c, the
// fraction with the smallest denominator up to 64 within 1e-6 of c, at most 8 of them. A
// binomial c1*x^n + c2 has its n roots on the circle of radius |c2/c1|^(1/n), and a product
// of such binomials (multiplied out) has one edge per circle, its slope off by the smaller
// circles' share of the coefficients at its ends ((x^125 - 8^125)*(x^125 - 9^125)*...: 3e-9).
// A wrong scale costs one search and finds nothing: each factor is an exact division.
std::vector<std::pair<long, long>> root_scales(const high_order::dense& p) {
    std::vector<std::pair<double, double>> hull;  // (degree, log|coefficient|), upper hull
    for (size_t i = 0; i < p.size(); ++i) {
        if (cln::zerop(p[i])) continue;
        const std::pair<double, double> point{static_cast<double>(i), log_abs(p[i])};
        while (hull.size() >= 2) {
            const auto& [x1, y1] = hull[hull.size() - 2];
            const auto& [x2, y2] = hull.back();
            // drop the last point where it lies on or below the line to the new one
            if ((y2 - y1) * (point.first - x1) <= (point.second - y1) * (x2 - x1)) {
                hull.pop_back();
            } else {
                break;
            }
        }
        hull.push_back(point);
    }
    std::vector<std::pair<long, long>> scales;
    for (size_t k = 1; k < hull.size() && scales.size() < 8; ++k) {
        const double c = std::exp(-(hull[k].second - hull[k - 1].second) / (hull[k].first - hull[k - 1].first));
        if (!(c > 1e-15 && c < 1e15)) continue;
        for (long s = 1; s <= 64; ++s) {
            const double r = std::round(c * static_cast<double>(s));
            if (r < 1 || std::abs(r / static_cast<double>(s) - c) > 1e-6 * c) continue;
            const long rl = static_cast<long>(r);
            if (std::gcd(rl, s) == 1 && rl != s && std::find(scales.begin(), scales.end(), std::pair{rl, s}) == scales.end()) {
                scales.emplace_back(rl, s);
            }
            break;
        }
    }
    return scales;
}

// The terms p_k (r/s)^k of p (index = degree) in doubles, for the test below: exact
// conversions where r = s and every coefficient is within the range of doubles; else each
// formed as the exponential of its logarithm, over the largest, so that none overflows
// (`approximate`: each off by up to 1e-12 of itself). Coefficients past the range made every
// test inconclusive, and each candidate an exact division of bignums (a product of eight
// binomials of degree 125: 1,941 divisions, 2.6 s).
struct scaled_terms {
    std::vector<double> terms;
    bool approximate = false;

    scaled_terms(const high_order::dense& p, long r, long s) : terms(p.size(), 0.0) {
        const bool in_range = std::all_of(p.begin(), p.end(), [](const cln::cl_RA& c) {
            return cln::integer_length(cln::numerator(c)) < 1000 && cln::integer_length(cln::denominator(c)) < 1000;
        });
        if (r == s && in_range) {
            for (size_t k = 0; k < p.size(); ++k) terms[k] = cln::double_approx(p[k]);
            return;
        }
        approximate = true;
        const double log_scale = std::log(static_cast<double>(r)) - std::log(static_cast<double>(s));
        std::vector<double> logs(p.size(), 0.0);
        double largest = -std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < p.size(); ++k) {
            if (cln::zerop(p[k])) continue;
            logs[k] = log_abs(p[k]) + static_cast<double>(k) * log_scale;
            largest = std::max(largest, logs[k]);
        }
        for (size_t k = 0; k < p.size(); ++k) {
            if (!cln::zerop(p[k])) terms[k] = (cln::minusp(p[k]) ? -1 : 1) * std::exp(logs[k] - largest);
        }
    }
};

// Whether the polynomial of these terms is certainly not 0 at exp(2*pi*i/d), so p not 0 at
// (r/s)*exp(2*pi*i/d): its value in doubles is further from 0 than the rounding of Horner's
// rule can carry it (n + 1 steps, each off by a few units in the last place of the sum of
// |terms|), and the terms' own error where approximate.
bool clearly_not_zero_at_root_of_unity(const scaled_terms& p, long d) {
    const double pi = std::acos(-1.0);
    const std::complex<double> w = std::polar(1.0, 2 * pi / static_cast<double>(d));
    std::complex<double> value = 0;
    double size = 0;
    for (auto t = p.terms.rbegin(); t != p.terms.rend(); ++t) {
        value = value * w + *t;
        size += std::abs(*t);
    }
    if (!std::isfinite(size) || !std::isfinite(std::abs(value))) return false;
    const double rounding = 64 * static_cast<double>(p.terms.size()) * std::numeric_limits<double>::epsilon() + (p.approximate ? 1e-10 : 0);
    return std::abs(value) > rounding * size;
}

// Divides every Phi_d(s*x, r) with phi(d) at most the degree of `rest` out of it, as often as
// it divides, each found appended to `factors` as a power of a polynomial in x. `phi` holds
// Euler's phi up to 7 times the degree (every d with phi(d) <= n is below 7n for n >= 2).
void divide_out_cyclotomics(high_order::dense& rest, long r, long s, const std::vector<long>& phi, const ex& x, GiNaC::exvector& factors) {
    scaled_terms terms(rest, r, s);
    for (size_t d = 1; d < phi.size(); ++d) {
        if (phi[d] > static_cast<long>(rest.size()) - 1) continue;
        check_stop();
        if (clearly_not_zero_at_root_of_unity(terms, static_cast<long>(d))) continue;
        const high_order::dense cyclotomic_d = scaled_cyclotomic(static_cast<long>(d), s, r);
        int multiplicity = 0;
        while (auto quotient = high_order::divided_exactly(rest, cyclotomic_d)) {
            rest = std::move(*quotient);
            ++multiplicity;
        }
        if (multiplicity == 0) continue;
        factors.push_back(GiNaC::pow(high_order::sum_of_powers(cyclotomic_d, x), multiplicity));
        terms = scaled_terms(rest, r, s);
    }
}

std::string name_of(const ex& symbol) { return GiNaC::ex_to<GiNaC::symbol>(symbol).get_name(); }

// The symbols of e, each once, by name (not by GiNaC's order of symbols, which follows hash
// values).
std::vector<ex> symbols_by_name(const ex& e) {
    std::vector<ex> symbols;
    GiNaC::exset seen;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (is_class<GiNaC::symbol>(*it) && seen.insert(*it).second) symbols.push_back(*it);
    }
    std::sort(symbols.begin(), symbols.end(), [](const ex& a, const ex& b) { return name_of(a) < name_of(b); });
    return symbols;
}

}  // namespace

std::optional<ex> cyclotomic_part(const ex& p, const std::function<ex(const ex&)>& factor_rest) {
    // the candidates' tests cost the square of the degree: 0.05 s at degree 2,000, 0.3 s at
    // 5,000, 4.7 s at 20,000 (x^n + x + 1); GiNaC's search on the rest is hopeless above anyway
    constexpr long max_degree = 5000;
    if (!is_class<GiNaC::add>(p)) return std::nullopt;
    ex x;
    std::vector<std::pair<long, cln::cl_I>> terms;
    long degree = 0;
    for (const ex& t : p) {
        std::optional<monomial_term> term = read_term(t);
        if (!term || term->powers.size() > 1) return std::nullopt;
        long power = 0;
        if (!term->powers.empty()) {
            const auto& [symbol, exponent] = *term->powers.begin();
            if (x.is_zero()) x = symbol;
            if (!symbol.is_equal(x) || exponent > max_degree) return std::nullopt;
            power = exponent;
        }
        degree = std::max(degree, power);
        terms.emplace_back(power, term->coefficient);
    }
    if (x.is_zero() || degree < 2) return std::nullopt;
    high_order::dense rest(static_cast<size_t>(degree) + 1, 0);
    for (const auto& [power, coefficient] : terms) rest[static_cast<size_t>(power)] = rest[static_cast<size_t>(power)] + coefficient;
    const std::vector<long> phi = totients(7 * degree);
    GiNaC::exvector factors;
    divide_out_cyclotomics(rest, 1, 1, phi, x, factors);
    // then scaled ones, Phi_d(s*x, r), for the scales the Newton polygon suggests: each scale
    // costs what the search above does, so only up to degree 1,000 (10-20 ms a scale there)
    constexpr size_t max_scaled_degree = 1000;
    if (rest.size() > 2 && rest.size() - 1 <= max_scaled_degree) {
        for (const auto& [r, s] : root_scales(rest)) divide_out_cyclotomics(rest, r, s, phi, x, factors);
    }
    if (factors.empty()) return std::nullopt;
    const ex left = high_order::sum_of_powers(rest, x);
    factors.push_back(rest.size() > 1 ? factor_rest(left) : left);
    return GiNaC::mul(factors);
}

std::optional<ex> binomial_factors(const ex& p, const std::function<ex(const ex&)>& factor_rest) {
    if (!is_class<GiNaC::add>(p) || p.nops() != 2) return std::nullopt;
    std::optional<monomial_term> first = read_term(p.op(0)), second = read_term(p.op(1));
    if (!first || !second) return std::nullopt;
    // the monomial both share, then u^k and v^k: no symbol left in both
    std::map<ex, long, GiNaC::ex_is_less> shared;
    for (auto& [symbol, exponent] : first->powers) {
        auto other = second->powers.find(symbol);
        if (other == second->powers.end()) continue;
        const long common = std::min(exponent, other->second);
        shared[symbol] = common;
        exponent -= common;
        other->second -= common;
    }
    long k = 0;
    for (const auto* term : {&*first, &*second}) {
        for (const auto& [symbol, exponent] : term->powers) k = std::gcd(k, exponent);
    }
    if (k == 0) return std::nullopt;  // two numbers
    // c1*u^k + c2*v^k = (c1/a^m)*((a*u^s)^m + sign*(b*v^s)^m), c2/c1 = sign*(b/a)^m
    const cln::cl_I content = cln::gcd(first->coefficient, second->coefficient);
    const cln::cl_I c1 = cln::exquo(first->coefficient, content), c2 = cln::exquo(second->coefficient, content);
    const int sign = cln::minusp(c1) == cln::minusp(c2) ? 1 : -1;
    // the largest m | k with both |c1| and |c2| m-th powers: k itself where both are 1, else
    // at most their bit length
    long m = 1;
    cln::cl_I a = cln::abs(c1), b = cln::abs(c2);
    if (a == 1 && b == 1) {
        m = k;
    } else {
        const long bits = static_cast<long>(std::max(cln::integer_length(a), cln::integer_length(b)));
        for (long d = 2; d <= std::min(k, bits); ++d) {
            if (k % d != 0) continue;
            std::optional<cln::cl_I> root_a = exact_root(cln::abs(c1), d), root_b = exact_root(cln::abs(c2), d);
            if (root_a && root_b) m = d, a = *root_a, b = *root_b;
        }
    }
    const long s = k / m;
    // Phi_d has phi(d) + 1 coefficients; over these divisors phi sums to m
    if (static_cast<double>(m) > limits::expanded_terms) {
        throw error("the factors of a binomial of degree " + std::to_string(m) + " would have more than " +
                    std::to_string(static_cast<long>(limits::expanded_terms)) + " terms, above the limit of ddx::limits::expanded_terms");
    }
    const ex u = product_of_powers(first->powers, k), v = product_of_powers(second->powers, k);
    const ex us = GiNaC::pow(u, s), vs = GiNaC::pow(v, s);
    auto single_symbol = [](const ex& e) { return is_class<GiNaC::symbol>(e); };
    const bool irreducible = s == 1 && (single_symbol(u) || u.is_equal(1)) && (single_symbol(v) || v.is_equal(1));
    GiNaC::exvector factors{product_of_powers(shared), numeric(cln::minusp(c1) ? -content : content)};
    for (long d = 1; d <= 2 * m; ++d) {
        const bool taken = sign < 0 ? m % d == 0 : (2 * m) % d == 0 && m % d != 0;
        if (!taken) continue;
        const ex phi = homogeneous_cyclotomic(d, us, vs, a, b);
        factors.push_back(irreducible ? phi : factor_rest(phi));
    }
    return GiNaC::mul(factors);
}

std::optional<ex> homogeneous_factors(const ex& p, const std::function<ex(const ex&)>& factor_univariate) {
    if (!is_class<GiNaC::add>(p)) return std::nullopt;
    long total_degree = -1;
    for (const ex& t : p) {
        std::optional<monomial_term> term = read_term(t);
        if (!term) return std::nullopt;
        long degree = 0;
        for (const auto& [symbol, exponent] : term->powers) degree += exponent;
        if (total_degree >= 0 && degree != total_degree) return std::nullopt;
        total_degree = degree;
    }
    const std::vector<ex> symbols = symbols_by_name(p);
    if (symbols.size() != 2) return std::nullopt;
    const ex& x = symbols[0];
    const ex& y = symbols[1];
    // (distinct terms keep distinct powers of x: q has p's terms)
    const ex q = p.subs(y == 1);
    const long m = q.degree(x);
    auto homogenized = [&](const ex& f) -> ex {
        if (is_class<numeric>(f)) return f;
        const int d = f.degree(x);
        GiNaC::exvector terms;
        for (int k = f.ldegree(x); k <= d; ++k) terms.push_back(f.coeff(x, k) * GiNaC::pow(x, k) * GiNaC::pow(y, d - k));
        return GiNaC::add(terms);
    };
    const ex factored = factor_univariate(q);
    GiNaC::exvector factors{GiNaC::pow(y, total_degree - m)};
    for (const ex& f : is_class<GiNaC::mul>(factored) ? factored : GiNaC::ex(GiNaC::lst{factored})) {
        const bool power = is_class<GiNaC::power>(f);
        factors.push_back(power ? GiNaC::pow(homogenized(f.op(0)), f.op(1)) : homogenized(f));
    }
    return GiNaC::mul(factors);
}

std::optional<ex> content_split(const ex& p, const std::function<ex(const ex&)>& factor_all) {
    if (!is_class<GiNaC::add>(p) || !p.info(GiNaC::info_flags::rational_polynomial)) return std::nullopt;
    const std::vector<ex> symbols = symbols_by_name(p);
    if (symbols.size() < 2) return std::nullopt;
    for (const ex& v : symbols) {
        check_stop();
        const ex content = p.content(v);
        if (is_class<numeric>(content)) continue;
        return p.unit(v) * factor_all(content) * factor_all(p.primpart(v, content));
    }
    return std::nullopt;
}

ex factor_lowest_degree_first(const ex& p) {
    const std::vector<ex> symbols = symbols_by_name(p);
    if (symbols.size() < 2 || !p.info(GiNaC::info_flags::rational_polynomial)) return GiNaC::factor(p);
    std::vector<std::pair<int, std::string>> keys;  // (degree, name) of symbols[i]
    for (const ex& v : symbols) keys.emplace_back(p.degree(v), name_of(v));
    std::vector<size_t> by_degree(symbols.size());
    std::iota(by_degree.begin(), by_degree.end(), 0);
    std::sort(by_degree.begin(), by_degree.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    std::vector<ex> stand_ins;
    for (size_t i = 0; i < symbols.size(); ++i) stand_ins.push_back(GiNaC::symbol());
    std::sort(stand_ins.begin(), stand_ins.end(), GiNaC::ex_is_less());
    GiNaC::exmap to, back;
    for (size_t i = 0; i < symbols.size(); ++i) {
        to[symbols[by_degree[i]]] = stand_ins[i];
        back[stand_ins[i]] = symbols[by_degree[i]];
    }
    return GiNaC::factor(p.subs(to, GiNaC::subs_options::no_pattern)).subs(back, GiNaC::subs_options::no_pattern);
}

}  // namespace ddx
