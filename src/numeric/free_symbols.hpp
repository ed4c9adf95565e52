// What an expression reads, checked before it is lowered or evaluated: its symbols, and the
// error naming those that have no value. Internal to the library (the lowering, eval, ccode,
// fit and the built-ins use them); the public side is ddx::flatten in <ddx/tape.hpp>.
#pragma once

#include <ginac/ginac.h>
#include <string>
#include <vector>

namespace ddx {

/// The symbols in `e`, sorted by name (each distinct subexpression visited once).
/// `free_symbols(parse("y*sin(x) + b", s))` is {b, x, y}.
std::vector<GiNaC::ex> free_symbols(const GiNaC::ex& e);

/// "no value for x" / "no values for x, y": the error for unbound names.
/// `throw error(missing_values_message({"x", "y"}))`.
std::string missing_values_message(const std::vector<std::string>& names);

}  // namespace ddx
