#include "core/real_domain.hpp"

#include "core/class_test.hpp"
#include "core/construct.hpp"

namespace ddx {

using GiNaC::ex;

ex real_abs(const ex& u) {
    if (is_class<GiNaC::numeric>(u)) return GiNaC::abs(u);
    // GiNaC's abs rewrites abs(exp(v)) as exp(real_part(v)) and abs(b^e) with real_part and
    // atan2; on real arguments these are simply:
    if (is_exp(u)) return u;
    if (is_class<GiNaC::power>(u) && is_class<GiNaC::numeric>(u.op(1)) &&
        GiNaC::ex_to<GiNaC::numeric>(u.op(1)).is_even()) {
        return u;
    }
    ex a = GiNaC::abs(u);
    // (held: conjugate($0) itself evaluates to the pattern $0, which matches anything)
    bool plain = !a.has(GiNaC::real_part_function(GiNaC::wild()).hold()) &&
                 !a.has(GiNaC::imag_part_function(GiNaC::wild()).hold()) &&
                 !a.has(GiNaC::atan2(GiNaC::wild(0), GiNaC::wild(1)).hold()) &&
                 !a.has(GiNaC::conjugate_function(GiNaC::wild()).hold());
    return plain ? a : GiNaC::abs(u).hold();
}

ex drop_conjugates(const ex& e) {
    return rewrite_bottom_up(e, [](const ex& x) {
        return GiNaC::is_the_function<GiNaC::conjugate_function_SERIAL>(x) ? x.op(0) : x;
    });
}

ex real_pow(const ex& base, const ex& exponent) {
    ex p = GiNaC::pow(base, exponent);
    if (is_class<GiNaC::power>(p)) return p;
    // GiNaC's abs(u)^(2k) is u^k*conjugate(u)^k, where conjugate(u) may sit deep inside
    // (conjugate(a + b^c) is a + conjugate(b^c)); only an abs factor of the base leads there
    auto is_abs = [](const ex& f) {
        const ex& core = is_class<GiNaC::power>(f) ? f.op(0) : f;
        return GiNaC::is_the_function<GiNaC::abs_SERIAL>(core);
    };
    bool abs_factor = is_abs(base);
    if (is_class<GiNaC::mul>(base)) {
        for (const ex& f : base) abs_factor = abs_factor || is_abs(f);
    }
    return abs_factor ? drop_conjugates(p) : p;
}

}  // namespace ddx
