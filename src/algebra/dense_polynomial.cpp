#include "algebra/dense_polynomial.hpp"

#include "core/class_test.hpp"

#include <algorithm>

namespace ddx::high_order {

using GiNaC::ex;
using GiNaC::numeric;

namespace {

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

}  // namespace

std::optional<dense> to_dense(const ex& p, const ex& v) {
    // x^(10^9) is for the rules, not for a vector of a billion coefficients
    constexpr int max_degree = 1000;  // a step multiplies polynomials: degree^2 operations
    // (GiNaC's degree throws where an exponent is not whole: sqrt(1 + sqrt(x)))
    if (!p.is_polynomial(v) || p.degree(v) > max_degree) return std::nullopt;
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

void add_product(dense& into, const dense& a, const dense& b, const cln::cl_RA& factor) {
    if (into.size() < a.size() + b.size() - 1) into.resize(a.size() + b.size() - 1, 0);
    const bool unscaled = factor == 1;
    for (size_t i = 0; i < a.size(); ++i) {
        if (cln::zerop(a[i])) continue;
        const cln::cl_RA ai = unscaled ? a[i] : a[i] * factor;
        for (size_t j = 0; j < b.size(); ++j) {
            if (!cln::zerop(b[j])) into[i + j] = into[i + j] + ai * b[j];
        }
    }
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

dense derivative(const dense& p, bool in_u, const cln::cl_RA& g, const cln::cl_RA& factor) {
    dense out;
    // one product per coefficient, the small factors multiplied first (a big coefficient
    // times each in turn made a bignum each time)
    if (in_u) {
        out.resize(p.size());
        const cln::cl_RA rate = g * factor;
        for (size_t k = 0; k < p.size(); ++k) out[k] = p[k] * (rate * static_cast<long>(k));
    } else {
        out.assign(p.size() > 1 ? p.size() - 1 : 1, 0);
        for (size_t k = 1; k < p.size(); ++k) out[k - 1] = p[k] * (factor * static_cast<long>(k));
    }
    trim(out);
    return out;
}

cln::cl_RA unit(int sign) { return sign > 0 ? cln::cl_RA(1) : -cln::cl_RA(1); }

int divide_out_root(dense& p, const cln::cl_RA& root) {
    int times = 0;
    while (auto q = divided_by_root(p, root)) {
        p = std::move(*q);
        ++times;
    }
    return times;
}

bool has_repeated_unit_root(dense p) { return divide_out_root(p, unit(1)) >= 2 || divide_out_root(p, unit(-1)) >= 2; }

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

ex sum_of_powers(const dense& p, const ex& v) {
    GiNaC::epvector terms;
    for (size_t k = 1; k < p.size(); ++k) {
        if (!cln::zerop(p[k])) terms.emplace_back(GiNaC::pow(v, static_cast<int>(k)), numeric(p[k]));
    }
    return GiNaC::add(std::move(terms), numeric(p[0]));
}

}  // namespace ddx::high_order
