// The instruction tape: ddx::execute, the one place a ddx::tape is executed. The interpreter
// (`eval`), the lowering's constant folding (lowering.cpp) and ddx::compile's fallback all
// run tapes here, and codegen_c.cpp prints the same instructions as C; keeping the double
// arithmetic of each instruction in one switch is what makes them agree to the bit.
#include <ddx/tape.hpp>

#include "numeric/c_tanh.hpp"

#include <cmath>

namespace ddx {

void execute(const tape& p, const double* in, double* out, std::vector<double>& r) {
    r.resize(p.code.size());
    static const math_function* const tanh_row = find_math_function("tanh");  // (once: a search by name)
    const math_function* const arithmetic = p.arithmetic_tanh ? tanh_row : nullptr;
    for (size_t i = 0; i < p.code.size(); ++i) {
        const instruction& x = p.code[i];
        switch (x.op) {
        case instruction::kind::constant: r[i] = x.value; break;
        case instruction::kind::input: r[i] = in[x.a]; break;
        case instruction::kind::add: r[i] = r[x.a] + r[x.b]; break;
        case instruction::kind::sub: r[i] = r[x.a] - r[x.b]; break;
        case instruction::kind::mul: r[i] = r[x.a] * r[x.b]; break;
        case instruction::kind::div: r[i] = r[x.a] / r[x.b]; break;
        case instruction::kind::neg: r[i] = -r[x.a]; break;
        case instruction::kind::call:
            r[i] = x.function == arithmetic ? emitted_tanh(r[x.a]) : x.function->evaluate(r[x.a]);
            break;
        case instruction::kind::pow: r[i] = std::pow(r[x.a], r[x.b]); break;
        }
    }
    for (size_t j = 0; j < p.outputs.size(); ++j) out[j] = r[p.outputs[j]];
}

}  // namespace ddx
