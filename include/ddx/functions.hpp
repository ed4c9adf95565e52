// The language's functions, one row each. Every part of ddx that knows a function reads
// this table: the parser and the interpreter (names, building the call), the
// differentiator (the derivative rule), the lowering to double code (the C name and the
// double evaluator), the printers (the LaTeX name) and help (the domain). Adding a function
// is adding a row (and, for one GiNaC does not know, its GiNaC declaration beside the table).
#pragma once

#include <ginac/ginac.h>
#include <optional>
#include <string_view>
#include <vector>

namespace ddx {

/// One function of the language, such as sin.
struct math_function {
    /// Its name in the language: "sin".
    const char* name;
    /// Builds name(u), evaluated by GiNaC (sin(0) is 0).
    GiNaC::ex (*apply)(const GiNaC::ex& u);
    /// Its name in C's <math.h> ("fabs" for abs), or nullptr if it has no double value.
    const char* c_name;
    /// Its double value as C computes it, or nullptr (with c_name).
    double (*evaluate)(double);
    /// Its LaTeX command ("\\sin"), or nullptr for \operatorname{name}.
    const char* latex;
    /// Where it is real and finite, for help: "x > 0" for log.
    const char* domain;
    /// f'(u), or nullptr where GiNaC's own rule is used.
    GiNaC::ex (*derivative)(const GiNaC::ex& u);
};

/// Every function of the language, in alphabetical order.
const std::vector<math_function>& math_functions();

/// The row named `name`, or nullptr: `find_math_function("sin")->c_name` is "sin".
const math_function* find_math_function(std::string_view name);

/// The row whose `apply` builds GiNaC functions of this serial, or nullptr.
const math_function* find_math_function(unsigned ginac_serial);

/// `pi` and `E` (exp(1)), or nothing: `constant("pi")` is GiNaC::Pi.
std::optional<GiNaC::ex> constant(std::string_view name);

}  // namespace ddx
