// Expressions lowered to straight-line double arithmetic with common subexpressions
// computed once. The same tape is run by the interpreter (`eval`) and printed as C by
// the code generator, so interpreted and compiled results agree to the bit (tanh too: see
// tape::arithmetic_tanh).
// Implemented in src/numeric/: lowering.cpp (ddx::lower: the expressions to the tape),
// shared_factors.cpp (a pass of ddx::lower: products sharing their factors), loops.cpp
// (its last pass, long sums in the order of the inputs, and the runs the C code loops
// over), tape.cpp (ddx::execute) and free_symbols.cpp (ddx::flatten).
#pragma once

#include <ddx/functions.hpp>

#include <ginac/ginac.h>
#include <cstddef>
#include <vector>

namespace ddx {

/// One step of a tape, computing register i for the instruction at index i of
/// tape::code: `{instruction::kind::mul, 1, 2}` is r[i] = r[1] * r[2].
struct instruction {
    /// What the instruction computes: `constant` is `value`, `input` is in[a], `add`, `sub`,
    /// `mul`, `div` and `pow` combine r[a] with r[b], `neg` is -r[a] and `call` is
    /// `function`(r[a]).
    enum class kind { constant, input, add, sub, mul, div, neg, call, pow };
    /// The operation.
    kind op = kind::constant;
    int a = -1;          ///< first operand (register), or the input index
    int b = -1;          ///< second operand (register)
    double value = 0.0;  ///< constant
    /// The function of a `call` (a row with a double evaluator and a C name).
    const math_function* function = nullptr;
};

/// Register i holds the result of instruction i; outputs name registers. For instance
/// `lower({parse("x*y + 2", s)}, {x, y})` gives the code r0 = 2, r1 = in[0], r2 = in[1],
/// r3 = r1 * r2, r4 = r0 + r3, the outputs {4} and 2 inputs.
struct tape {
    /// The instructions, in the order they run; each reads only registers before it.
    std::vector<instruction> code;
    /// The register of each output, in output order (several may share one).
    std::vector<int> outputs;
    /// How many values `in` holds when the tape runs.
    std::size_t inputs = 0;
    /// Whether tanh is computed by ddx's own arithmetic (within 1.4 ulp; the C library's
    /// within 2.2), which the emitted C turns into vector instructions in a loop of tanh
    /// calls, instead of the C library's call: set by ddx::lower for a tape of 8 or more tanh
    /// calls (a layer's activations), for all of them, run and emitted alike.
    bool arithmetic_tanh = false;
};

/// Lowers `outputs` (lists are flattened row-major) over `inputs`. Integer powers up to 8
/// become multiplications, `x^(1/2)` sqrt, negative terms subtractions, and products share
/// their common factors across outputs (d/da of (y - (a*x + b))^2 is d/db * x). Throws ddx::error
/// naming any symbol not in `inputs`, or a part with no double meaning.
/// `lower({parse("x*z", s)}, {x})` throws "no value for z"; see ddx::tape for a result.
tape lower(const std::vector<GiNaC::ex>& outputs, const std::vector<GiNaC::ex>& inputs);

/// Runs `p`: `in` has p.inputs values, `out` p.outputs.size(). `registers` is scratch
/// space, reused across calls.
/// \code
/// ddx::symbol_table s;
/// ddx::tape p = ddx::lower({ddx::parse("x*y + 2", s)}, {s.get("x"), s.get("y")});
/// std::vector<double> registers;
/// double in[2] = {3, 4}, out[1];
/// ddx::execute(p, in, out, registers);  // out[0] is 14.0
/// \endcode
void execute(const tape& p, const double* in, double* out, std::vector<double>& registers);

/// `outputs` flattened row-major (a list of lists becomes its elements in order).
/// `flatten(parse("[[1, x], [y, 2]]", s))` is {1, x, y, 2}; `flatten(x)` is {x}.
std::vector<GiNaC::ex> flatten(const GiNaC::ex& outputs);
/// Each of `outputs` flattened as above, one after the other:
/// `flatten({x, parse("[y, [1, 2]]", s)})` is {x, y, 1, 2}.
std::vector<GiNaC::ex> flatten(const std::vector<GiNaC::ex>& outputs);

}  // namespace ddx
