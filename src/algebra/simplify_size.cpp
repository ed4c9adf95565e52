#include "algebra/simplify_size.hpp"

#include "core/class_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace ddx {

using GiNaC::ex;
using GiNaC::numeric;

std::size_t node_count(const ex& e, std::size_t limit) {
    std::size_t n = 0;
    for (auto it = e.preorder_begin(); it != e.preorder_end(); ++it) {
        if (++n > limit) break;
    }
    return n;
}

namespace {

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

}  // namespace

double expanded_terms_estimate(const ex& e) {
    std::map<ex, double, GiNaC::ex_is_less> memo;
    return estimated_terms(e, memo);
}

}  // namespace ddx
