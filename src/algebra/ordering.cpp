#include "algebra/ordering.hpp"

#include "core/class_test.hpp"
#include "core/expairs.hpp"
#include "core/construct.hpp"
#include "core/numbers.hpp"
#include "core/reporting.hpp"
#include "core/real_domain.hpp"
#include "algebra/printed_length.hpp"

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

namespace ddx {

using GiNaC::ex;
using GiNaC::is_a;
using GiNaC::numeric;

bool is_negative_number(const numeric& n) {
    if (n.is_real()) return n.is_negative();
    return n.real().is_zero() && n.imag().is_negative();
}

namespace {

bool is_negative_number(const ex& e) { return is_class<GiNaC::numeric>(e) && ddx::is_negative_number(GiNaC::ex_to<numeric>(e)); }

// A call f(k*u) of one argument, k a nonzero rational number (1 where the argument has none):
// cosh(3*x) is the third harmonic of cosh(x), and reads like a third power. The multiple k
// (read on every term printed: no expression is built for it).
std::optional<numeric> harmonic_multiple(const ex& f) {
    if (!is_a<GiNaC::function>(f) || f.nops() != 1) return std::nullopt;
    const ex& arg = f.op(0);
    if (is_class<GiNaC::mul>(arg)) {
        const numeric& k = expairs::number(arg);
        if (k.is_rational()) return k;
    }
    if (is_class<GiNaC::numeric>(arg)) return std::nullopt;
    return numeric(1);
}

// Whether f(k*u) and g(m*u) are calls of one function of multiples of one u, |k| <= |m|.
bool lower_harmonic(const ex& f, const ex& g) {
    auto k = harmonic_multiple(f), m = harmonic_multiple(g);
    if (!k || !m || abs(*k) > abs(*m)) return false;
    if (GiNaC::ex_to<GiNaC::function>(f).get_serial() != GiNaC::ex_to<GiNaC::function>(g).get_serial()) return false;
    return divided(f.op(0), *k).is_equal(divided(g.op(0), *m));
}

// Adds one factor of a term to its key.
void add_factor_degree(const ex& f, sort_key& key) {
    if (is_class<GiNaC::symbol>(f)) {
        key.degree += 1;
        key.powers.emplace_back(GiNaC::ex_to<GiNaC::symbol>(f).get_name(), 1);
        return;
    }
    if (is_exp(f)) {
        // exp(k*x) reads like u^k with u = exp(x)
        ex arg = f.op(0);
        if (is_class<GiNaC::mul>(arg) && is_class<GiNaC::numeric>(arg.op(arg.nops() - 1))) {
            const numeric& k = GiNaC::ex_to<numeric>(arg.op(arg.nops() - 1));
            if (k.is_real()) key.degree += k.to_double();
            return;
        }
        if (!is_class<GiNaC::numeric>(arg)) key.degree += 1;
        return;
    }
    if (is_class<GiNaC::power>(f) && is_class<GiNaC::numeric>(f.op(1))) {
        const numeric& n = GiNaC::ex_to<numeric>(f.op(1));
        if (!n.is_pos_integer()) return;
        // any size, also past a long: x^2000 - x^1500 + ... reads by degree too
        const double power = n.to_double();
        if (is_class<GiNaC::symbol>(f.op(0))) {
            key.degree += power;
            key.powers.emplace_back(GiNaC::ex_to<GiNaC::symbol>(f.op(0)).get_name(), power);
        } else {
            key.function_degree += power;
            key.function_powers.emplace_back(f.op(0), power);
            if (auto k = harmonic_multiple(f.op(0))) key.harmonics += abs(*k).to_double() * power;
        }
        return;
    }
    if (is_a<GiNaC::function>(f) || is_class<GiNaC::add>(f)) {
        key.function_degree += 1;
        key.function_powers.emplace_back(f, 1);
        if (auto k = harmonic_multiple(f)) key.harmonics += abs(*k).to_double();
    }
}

// Lexicographic on names in alphabetical order: at the first name whose power differs, the
// higher power first; 0 if the same.
int compare_powers(const std::vector<std::pair<std::string, double>>& a,
                   const std::vector<std::pair<std::string, double>>& b) {
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) return -1;  // a has it, b has power 0
        if (i == a.size() || b[j].first < a[i].first) return 1;
        if (a[i].second != b[j].second) return a[i].second > b[j].second ? -1 : 1;
        ++i, ++j;
    }
    return 0;
}

}  // namespace

bool has_negative_sign(const ex& term) {
    // a product's only number is its coefficient
    if (is_class<GiNaC::mul>(term)) return is_negative_number(expairs::number(term));
    return is_negative_number(term);
}

sort_key term_key(const ex& term) {
    sort_key key;
    if (is_class<GiNaC::numeric>(term)) return key;
    key.group = 1;
    if (is_class<GiNaC::mul>(term)) {
        for (const ex& f : term) add_factor_degree(f, key);
    } else {
        add_factor_degree(term, key);
    }
    std::sort(key.powers.begin(), key.powers.end());
    return key;
}

sort_key factor_key(const ex& factor) {
    ex base = is_class<GiNaC::power>(factor) ? factor.op(0) : factor;
    sort_key key;
    if (is_class<GiNaC::symbol>(base) || is_a<GiNaC::constant>(base)) {
        key.group = 0;
    } else if (is_a<GiNaC::function>(base)) {
        key.group = 1;
    } else {
        key.group = 2;
    }
    return key;
}

GiNaC::numeric sum_content(const ex& e) {
    if (!is_class<GiNaC::add>(e)) return 1;
    numeric numer_gcd = 0, denom_lcm = 1;
    // each term's number is its pair's coefficient (GiNaC keeps a product's coefficient out
    // of the pair's rest), and the number term is one more
    auto take = [&](const numeric& c) {
        if (!c.is_rational()) return false;
        numer_gcd = GiNaC::gcd(numer_gcd, c.numer());
        denom_lcm = GiNaC::lcm(denom_lcm, c.denom());
        return true;
    };
    for (const GiNaC::expair& p : expairs::of(e)) {
        if (!take(GiNaC::ex_to<numeric>(p.coeff))) return 1;
    }
    if (!expairs::number(e).is_zero() && !take(expairs::number(e))) return 1;
    return numer_gcd.is_zero() ? numeric(1) : numer_gcd / denom_lcm;
}

bool lower_power_of(const sort_key& a, const sort_key& b) {
    if (a.degree > b.degree || a.function_degree > b.function_degree) return false;
    for (const auto& [name, power] : a.powers) {
        auto in_b = std::find_if(b.powers.begin(), b.powers.end(), [&](const auto& p) { return p.first == name; });
        if (in_b == b.powers.end() || in_b->second < power) return false;
    }
    // a call is a lower power of itself and of its higher harmonics (cosh(x) of cosh(3*x))
    auto lower_call = [](const ex& f, const ex& g) { return f.is_equal(g) || lower_harmonic(f, g); };
    for (const auto& [base, power] : a.function_powers) {
        auto in_b = std::find_if(b.function_powers.begin(), b.function_powers.end(),
                                 [&](const auto& p) { return lower_call(base, p.first); });
        if (in_b == b.function_powers.end() || in_b->second < power) return false;
    }
    return true;
}

bool compare(const sort_key& a, const std::string& a_text, const sort_key& b,
             const std::string& b_text) {
    if (a.degree != b.degree) return a.degree > b.degree;
    if (a.function_degree != b.function_degree) return a.function_degree > b.function_degree;
    if (a.harmonics != b.harmonics) return a.harmonics > b.harmonics;
    if (a.group != b.group) return a.group < b.group;
    if (int c = compare_powers(a.powers, b.powers)) return c < 0;
    return a_text < b_text;
}

}  // namespace ddx

namespace ddx {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0x100000001b3ULL;
}

std::uint64_t text_hash(const std::string& s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

}  // namespace

std::uint64_t stable_hasher::operator()(const GiNaC::ex& e) {
    auto it = memo_.find(e);
    if (it != memo_.end()) return it->second;
    std::uint64_t h;
    if (is_class<GiNaC::symbol>(e)) {
        h = text_hash("s" + GiNaC::ex_to<GiNaC::symbol>(e).get_name());
    } else if (is_class<GiNaC::numeric>(e)) {
        h = text_hash("n" + number_text(GiNaC::ex_to<GiNaC::numeric>(has_negative_sign(e) ? -e : e)));
    } else if (is_a<GiNaC::constant>(e)) {
        std::ostringstream out;
        out << e;
        h = text_hash("n" + out.str());
    } else {
        std::string tag = is_a<GiNaC::function>(e) ? GiNaC::ex_to<GiNaC::function>(e).get_name()
                                                   : GiNaC::ex_to<GiNaC::basic>(e).class_name();
        h = text_hash(tag);
        bool commutative = is_class<GiNaC::add>(e) || is_class<GiNaC::mul>(e);
        std::vector<std::uint64_t> children;
        for (const GiNaC::ex& c : e) {
            bool flip = is_class<GiNaC::add>(e) && has_negative_sign(c);
            children.push_back((*this)(flip ? -c : c));
        }
        if (commutative) std::sort(children.begin(), children.end());
        for (std::uint64_t c : children) h = mix(h, c);
    }
    memo_.emplace(e, h);
    return h;
}

}  // namespace ddx
