// Numeric evaluation: doubles through the lowered program, arbitrary precision through CLN.
#pragma once

#include <ginac/ginac.h>
#include <map>
#include <string>
#include <vector>

namespace ddx {

/// Values for names: `{"x", 2}`. Names that the expression does not contain are ignored.
using bindings = std::map<std::string, GiNaC::ex>;

/// `e` in double precision: one value for a number, the elements in row-major order for
/// a list or a list of lists (IEEE semantics: 1/0 is inf). Every symbol of `e` must be
/// bound to a real number; the error names all that are not.
std::vector<double> evaluate_double(const GiNaC::ex& e, const bindings& values);

/// `e` evaluated exactly with `values`, then to `digits` significant digits (1..10000).
GiNaC::ex evaluate_precise(const GiNaC::ex& e, const bindings& values, int digits);

}  // namespace ddx
