// Where ddx trusts GiNaC::factor. Shared by simplify and the n-th derivative.
#pragma once

#include <ginac/ginac.h>

namespace ddx {

/// At most this many symbols in a polynomial that GiNaC::factor is given.
constexpr size_t max_factor_symbols = 4;

/// Whether GiNaC::factor can be trusted to finish on the polynomial `p` (see simplify.cpp).
bool safe_to_factor(const GiNaC::ex& p);

}  // namespace ddx
