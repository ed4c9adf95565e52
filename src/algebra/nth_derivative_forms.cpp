#include "algebra/nth_derivative_forms.hpp"

#include "core/class_test.hpp"
#include "core/construct.hpp"

#include <cln/integer.h>

#include <algorithm>

namespace ddx::high_order {

using GiNaC::ex;
using GiNaC::numeric;

namespace {

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

}  // namespace

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

ex readable_product(dense p, const ex& v, const pairing* pair, const cln::cl_RA& scale) {
    trim(p);
    cln::cl_I numer_gcd = 0, denom_lcm = 1;
    for (const auto& c : p) {
        numer_gcd = cln::gcd(numer_gcd, cln::numerator(c));
        denom_lcm = cln::lcm(denom_lcm, cln::denominator(c));
    }
    if (cln::zerop(numer_gcd)) return 0;
    cln::cl_RA content = numer_gcd / denom_lcm;
    if (denom_lcm == 1) {
        for (auto& c : p) c = cln::exquo(cln::the<cln::cl_I>(c), numer_gcd);  // (no gcd per coefficient)
    } else {
        for (auto& c : p) c = c / content;
    }
    GiNaC::exvector factors{numeric(content * scale)};
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

ex with_roots_joined(const ex& e, const std::vector<ex>& radicands) {
    if (radicands.empty()) return e;
    return rewrite_bottom_up(e, [&](const ex& node) -> ex {
        if (!is_class<GiNaC::mul>(node)) return node;
        GiNaC::exvector factors(node.begin(), node.end());
        bool joined = false;
        for (const ex& p : radicands) {
            auto root = std::find_if(factors.begin(), factors.end(), [&](const ex& f) { return f.is_equal(GiNaC::sqrt(p)); });
            if (root == factors.end()) continue;
            auto negated = std::find_if(factors.begin(), factors.end(), [&](const ex& f) {
                return is_class<GiNaC::power>(f) && is_class<numeric>(f.op(1)) && GiNaC::ex_to<numeric>(f.op(1)).is_integer() &&
                       (f.op(0) + p).expand().is_zero();
            });
            if (negated == factors.end()) continue;
            const numeric n = GiNaC::ex_to<numeric>(negated->op(1));
            *root = GiNaC::pow(p, n + numeric(1, 2));
            *negated = n.is_even() ? 1 : -1;
            joined = true;
        }
        return joined ? GiNaC::mul(factors) : node;
    });
}

}  // namespace ddx::high_order
