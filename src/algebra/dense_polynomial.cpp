#include "algebra/dense_polynomial.hpp"

#include "core/class_test.hpp"

#include <cln/integer_io.h>

#include <algorithm>
#include <sstream>
#include <string>

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

bool is_zero_coefficient(const cln::cl_RA& c) { return cln::zerop(c); }
bool is_zero_coefficient(const mpz_class& c) { return sgn(c) == 0; }

}  // namespace

mpz_class to_gmp(const cln::cl_I& n) {
    if (cln::integer_length(n) < 63) return mpz_class(cln::cl_I_to_long(n));
    std::ostringstream digits;
    cln::print_integer(digits, 16, n);
    return mpz_class(digits.str(), 16);
}

cln::cl_I to_cln(const mpz_class& n) {
    if (n.fits_slong_p()) {
        // (CLN's integers are made from non-negative C integers, as unit() says)
        const long value = n.get_si();
        return value >= 0 ? cln::cl_I(value) : -cln::cl_I(-(value + 1)) - 1;
    }
    const std::string digits = n.get_str(16);
    const bool negative = digits[0] == '-';
    return cln::read_integer(16, negative ? -1 : 0, digits.c_str(), negative ? 1 : 0, digits.size());
}

std::optional<integer_dense> to_integers(const dense& p) {
    integer_dense out;
    out.reserve(p.size());
    for (const cln::cl_RA& c : p) {
        if (cln::denominator(c) != 1) return std::nullopt;
        out.push_back(to_gmp(cln::numerator(c)));
    }
    return out;
}

dense to_rationals(const integer_dense& p) {
    dense out;
    out.reserve(p.size());
    for (const mpz_class& c : p) out.push_back(to_cln(c));
    return out;
}

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

template <class C>
void trim(std::vector<C>& p) {
    while (p.size() > 1 && is_zero_coefficient(p.back())) p.pop_back();
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

void add_product(integer_dense& into, const integer_dense& a, const integer_dense& b, const mpz_class& factor) {
    if (into.size() < a.size() + b.size() - 1) into.resize(a.size() + b.size() - 1);
    // b and factor are the small ones: their products once, then each of a's coefficients
    // added in place, times each
    std::vector<std::pair<size_t, mpz_class>> b_times_factor;
    for (size_t j = 0; j < b.size(); ++j) {
        if (sgn(b[j]) != 0) b_times_factor.emplace_back(j, b[j] * factor);
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (sgn(a[i]) == 0) continue;
        for (const auto& [j, c] : b_times_factor) mpz_addmul(into[i + j].get_mpz_t(), a[i].get_mpz_t(), c.get_mpz_t());
    }
}

template <class C>
std::vector<C> operator+(std::vector<C> a, const std::vector<C>& b) {
    if (a.size() < b.size()) a.resize(b.size(), C(0));
    for (size_t i = 0; i < b.size(); ++i) a[i] += b[i];
    trim(a);
    return a;
}

template <class C>
std::vector<C> scaled(std::vector<C> a, const typename std::vector<C>::value_type& c) {
    for (auto& x : a) x = x * c;
    trim(a);
    return a;
}

void derivative(integer_dense& into, const integer_dense& p, bool in_u, const mpz_class& g, const mpz_class& factor) {
    // into's integers keep their storage from the last call; one product per coefficient,
    // the small factors multiplied first
    mpz_class times;
    if (in_u) {
        into.resize(p.size());
        const mpz_class rate = g * factor;
        for (size_t k = 0; k < p.size(); ++k) {
            mpz_mul_ui(times.get_mpz_t(), rate.get_mpz_t(), k);
            mpz_mul(into[k].get_mpz_t(), p[k].get_mpz_t(), times.get_mpz_t());
        }
    } else {
        into.resize(p.size() > 1 ? p.size() - 1 : 1);
        into[0] = 0;
        for (size_t k = 1; k < p.size(); ++k) {
            mpz_mul_ui(times.get_mpz_t(), factor.get_mpz_t(), k);
            mpz_mul(into[k - 1].get_mpz_t(), p[k].get_mpz_t(), times.get_mpz_t());
        }
    }
    trim(into);
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
    // (the divisors are mostly monic and sparse, 1 + x^2: a division by 1 and a product by 0
    // per coefficient were a seventh of a 200th derivative's time)
    const bool monic = d.back() == 1;
    const size_t top = d.size() - 1;
    for (size_t k = quotient.size(); k-- > 0;) {
        const cln::cl_RA c = monic ? p[k + top] : p[k + top] / d.back();
        quotient[k] = c;
        if (cln::zerop(c)) continue;
        for (size_t i = 0; i < top; ++i) {
            if (!cln::zerop(d[i])) p[k + i] = p[k + i] - c * d[i];
        }
    }
    for (size_t i = 0; i < top; ++i) {
        if (!cln::zerop(p[i])) return std::nullopt;
    }
    trim(quotient);
    return quotient;
}

bool divide_exactly(integer_dense& p, const integer_dense& primitive) {
    trim(p);
    const size_t top = primitive.size() - 1;
    if (p.size() < primitive.size()) return false;
    const mpz_class& lead = primitive.back();
    const bool unit = lead == 1, minus_unit = lead == -1;
    // p[k + top] becomes the quotient's k-th coefficient, and stays it while the steps below
    // it run: so each step can be undone. With d primitive the quotient, where there is one,
    // has integer coefficients (Gauss's lemma): a leading coefficient that does not divide
    // means no quotient.
    auto step = [&](size_t k, bool undo) {
        mpz_class& quotient = p[k + top];
        if (sgn(quotient) == 0) return true;
        if (!undo && minus_unit) {
            mpz_neg(quotient.get_mpz_t(), quotient.get_mpz_t());
        } else if (!undo && !unit) {
            if (!mpz_divisible_p(quotient.get_mpz_t(), lead.get_mpz_t())) return false;
            mpz_divexact(quotient.get_mpz_t(), quotient.get_mpz_t(), lead.get_mpz_t());
        }
        for (size_t i = 0; i < top; ++i) {
            if (sgn(primitive[i]) == 0) continue;
            if (undo) {
                mpz_addmul(p[k + i].get_mpz_t(), quotient.get_mpz_t(), primitive[i].get_mpz_t());
            } else {
                mpz_submul(p[k + i].get_mpz_t(), quotient.get_mpz_t(), primitive[i].get_mpz_t());
            }
        }
        if (undo && !unit) quotient *= lead;
        return true;
    };
    const size_t steps = p.size() - top;
    size_t lowest_made = steps;  // the steps made are lowest_made..steps - 1
    while (lowest_made > 0 && step(lowest_made - 1, false)) --lowest_made;
    if (lowest_made == 0 && std::all_of(p.begin(), p.begin() + static_cast<long>(top), [](const mpz_class& c) { return sgn(c) == 0; })) {
        p.erase(p.begin(), p.begin() + static_cast<long>(top));
        return true;
    }
    for (size_t k = lowest_made; k < steps; ++k) step(k, true);
    return false;
}

template <class C>
bool is_zero(const std::vector<C>& p) {
    return p.size() == 1 && is_zero_coefficient(p[0]);
}

ex sum_of_powers(const dense& p, const ex& v) {
    GiNaC::epvector terms;
    for (size_t k = 1; k < p.size(); ++k) {
        if (!cln::zerop(p[k])) terms.emplace_back(GiNaC::pow(v, static_cast<int>(k)), numeric(p[k]));
    }
    return GiNaC::add(std::move(terms), numeric(p[0]));
}

// the two coefficient types
#define DDX_DENSE_ARITHMETIC(C)                                                                      \
    template void trim(std::vector<C>&);                                                           \
    template std::vector<C> operator+(std::vector<C>, const std::vector<C>&);                      \
    template std::vector<C> scaled(std::vector<C>, const C&);                                      \
    template bool is_zero(const std::vector<C>&);
DDX_DENSE_ARITHMETIC(cln::cl_RA)
DDX_DENSE_ARITHMETIC(mpz_class)
#undef DDX_DENSE_ARITHMETIC

}  // namespace ddx::high_order
