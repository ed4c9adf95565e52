// A fast path of ddx::parse for the largest inputs people give it: expanded polynomials as
// ddx, GiNaC, Maxima or SymPy print them (`3*x^2*y - 7/2*z + 1`).
#pragma once

#include <ddx/symbols.hpp>

#include <ginac/ginac.h>
#include <optional>
#include <string_view>

namespace ddx {

/// `text` as a sum of monomials with rational coefficients: terms of integers, names and
/// name^digits joined by `*` (and `/` an integer), between `+` and `-`, blanks between
/// tokens. Nothing, and `symbols` untouched, for any other text, even a valid one: the
/// general parser then reads it and reports any error. The result equals the general
/// parser's, built as GiNaC's own (base, exponent) and (monomial, coefficient) pairs: no
/// token or syntax tree, and no power or product object per factor.
std::optional<GiNaC::ex> parse_polynomial_text(std::string_view text, symbol_table& symbols);

}  // namespace ddx
