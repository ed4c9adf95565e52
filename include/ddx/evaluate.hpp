// Numeric evaluation: doubles through the lowered tape, arbitrary precision through CLN.
#pragma once

#include <ginac/ginac.h>
#include <map>
#include <string>
#include <vector>

namespace ddx {

/// Values for names: `{"x", 2}`. Names that the expression does not contain are ignored.
using symbol_values = std::map<std::string, GiNaC::ex>;

/// `e` in double precision: one value for a number, the elements in row-major order for
/// a list or a list of lists (IEEE semantics: 1/0 is inf). Every symbol of `e` must be
/// bound to a real number; the error names all that are not.
/// \code
/// ddx::symbol_table s;
/// ddx::evaluate_double(ddx::parse("[x*y, 1/x]", s), {{"x", 2}, {"y", 3}});  // {6.0, 0.5}
/// ddx::evaluate_double(ddx::parse("1/x", s), {{"x", 0}});                   // {inf}
/// ddx::evaluate_double(ddx::parse("x + y", s), {});  // throws "no values for x, y"
/// \endcode
std::vector<double> evaluate_double(const GiNaC::ex& e, const symbol_values& values);

/// `e` evaluated exactly with `values`, then to `digits` significant digits (1..10000).
/// A number, or lists of numbers shaped like `e`; print it with print_options::float_digits set to
/// `digits`, since ddx::to_string prints floats as doubles by default.
/// \code
/// ddx::symbol_table s;
/// GiNaC::ex v = ddx::evaluate_precise(ddx::parse("sqrt(x)", s), {{"x", 2}}, 30);
/// ddx::to_string(v, ddx::print_options{30});  // "1.41421356237309504880168872421"
/// \endcode
GiNaC::ex evaluate_precise(const GiNaC::ex& e, const symbol_values& values, int digits);

/// Throws ddx::error unless `digits` is a whole number from 1 to limits::evalf_digits, the one
/// check of that limit (evaluate_precise calls it; the interpreter calls it on its option first).
void check_evalf_digits(const GiNaC::numeric& digits);

}  // namespace ddx
