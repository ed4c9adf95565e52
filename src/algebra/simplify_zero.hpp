// Recognising 0 that simplify's candidates left as a sum (simplify_zero.cpp).
#pragma once

#include <ginac/ginac.h>

namespace ddx {

/// 0 where `form` is provably 0 although it does not read so: a sum, or a sum factor of its
/// numerator, that vanishes at a few fixed points is expanded (roots as powers of one root,
/// see normal_with_roots), within fixed bounds on size. Otherwise `form` itself. The
/// numeric test only decides whether the exact one is tried, so an answer of 0 is exact;
/// the bounds do not depend on simplify's budget, so whether 0 is found does not depend on
/// how the budget went (which varies with the shape GiNaC gave the candidates).
GiNaC::ex zero_if_vanishing(const GiNaC::ex& form);

}  // namespace ddx
