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
    bool plain = !a.has(GiNaC::real_part_function(GiNaC::wild())) &&
                 !a.has(GiNaC::imag_part_function(GiNaC::wild())) &&
                 !a.has(GiNaC::atan2(GiNaC::wild(0), GiNaC::wild(1))) &&
                 !a.has(GiNaC::conjugate_function(GiNaC::wild()));
    return plain ? a : GiNaC::abs(u).hold();
}

ex drop_conjugates(const ex& e) {
    return rewrite_bottom_up(e, [](const ex& x) {
        return GiNaC::is_the_function<GiNaC::conjugate_function_SERIAL>(x) ? x.op(0) : x;
    });
}

}  // namespace ddx
