// A loss whose gradient entries each hold every variable: sum((v_i - 2)^2) + sum(v)^2 +
// sum(v_i^4) in n variables v_0, ..., v_(n-1) (GiNaC merges the adjoint of sum(v)^2, a sum,
// into every entry). The worst case of a gradient's size for the tests of the reverse sweep,
// its lowering and the emitted C.
#pragma once

#include <ddx/symbols.hpp>

#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx_test {

/// The loss; its variables appended to `v` (named "v_" and their index).
inline GiNaC::ex coupled_loss(ddx::symbol_table& s, int n, std::vector<GiNaC::ex>& v) {
    GiNaC::ex sum = 0, rest = 0;
    for (int i = 0; i < n; ++i) {
        v.push_back(s.get("v_" + std::to_string(i)));
        sum += v.back();
        rest += GiNaC::pow(v.back() - 2, 2) + GiNaC::pow(v.back(), 4);
    }
    return GiNaC::pow(sum, 2) + rest;
}

}  // namespace ddx_test
