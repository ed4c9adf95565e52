// Expressions lowered to straight-line double arithmetic with common subexpressions
// computed once. The same program is run by the interpreter (`eval`) and printed as C by
// the code generator, so interpreted and compiled results agree to the bit.
#pragma once

#include <ginac/ginac.h>
#include <cstddef>
#include <string>
#include <vector>

namespace ddx {

enum class math_fn { exp, log, sqrt, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh,
                     asinh, acosh, atanh, fabs };

/// The C name of a math function (`fabs` for abs).
const char* c_name(math_fn f);

struct instruction {
    enum class kind { constant, input, add, sub, mul, div, neg, call, pow };
    kind op = kind::constant;
    int a = -1;          // first operand (register), or the input index
    int b = -1;          // second operand (register)
    double value = 0.0;  // constant
    math_fn function = math_fn::exp;
};

/// Register i holds the result of instruction i; outputs name registers.
struct program {
    std::vector<instruction> code;
    std::vector<int> outputs;
    std::size_t inputs = 0;
};

/// Lowers `outputs` (lists are flattened row-major) over `inputs`. Integer powers up to 8
/// become multiplications, `x^(1/2)` sqrt, negative terms subtractions. Throws ddx::error
/// naming any symbol not in `inputs`, or a part with no double meaning.
program lower(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& inputs);

/// Runs `p`: `in` has p.inputs values, `out` p.outputs.size(). `registers` is scratch
/// space, reused across calls.
void run(const program& p, const double* in, double* out, std::vector<double>& registers);

/// `outputs` flattened row-major (a list of lists becomes its elements in order).
std::vector<GiNaC::ex> flatten(const GiNaC::ex& outputs);
std::vector<GiNaC::ex> flatten(const std::vector<GiNaC::ex>& outputs);

/// The symbols in `e`, sorted by name (each distinct subexpression visited once).
std::vector<GiNaC::ex> free_symbols(const GiNaC::ex& e);

/// "no value for x" / "no values for x, y": the error for unbound names.
std::string missing_values_message(const std::vector<std::string>& names);

}  // namespace ddx
