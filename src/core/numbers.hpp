// Exact numbers read and written fast: CLN's reader and GiNaC's stream printing were the
// slow parts of parsing and printing polynomials.
#pragma once

#include <ginac/ginac.h>
#include <string>
#include <string_view>

namespace ddx {

/// The integer written by a run of decimal digits, exact at any length.
GiNaC::numeric integer_from_digits(std::string_view digits);

/// GiNaC's decimal text of a number (`-12`, `3/4`, `0.5`). Integers that fit a machine word
/// are written without a stream: building an ostringstream was a third of the time of
/// printing a small expression.
std::string number_text(const GiNaC::numeric& n);

/// The greatest rational dividing both a and b by integers (1/2 and 3/4: 1/4), positive;
/// the other one where one is 0.
inline GiNaC::numeric rational_gcd(const GiNaC::numeric& a, const GiNaC::numeric& b) {
    if (a.is_zero()) return GiNaC::abs(b);
    if (b.is_zero()) return GiNaC::abs(a);
    return GiNaC::gcd(a.numer(), b.numer()) / GiNaC::lcm(a.denom(), b.denom());
}

}  // namespace ddx
