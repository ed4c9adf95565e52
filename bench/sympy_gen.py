"""SymPy's version of the benchmark gradients, for instruction counts (run by run.sh).

    python3 sympy_gen.py WORK_DIR

writes WORK_DIR/nn_sympy.c (`sympy_grad`, the 17 partials of the network loss) and
WORK_DIR/seed_sympy.c (`sympy_seed`, the least-squares loss and its 2 partials), each
`void f(const double *in, double *out)` with the inputs in the same order as ddx's C:
sympy.diff, then sympy.cse over all outputs together, printed by sympy.ccode.
"""
import sys

import sympy


def emit(outputs, variables, name):
    temporaries, reduced = sympy.cse(outputs, symbols=sympy.numbered_symbols("t"))
    lines = ["#include <math.h>", "", "void %s(const double *in, double *out)" % name, "{"]
    for i, v in enumerate(variables):
        lines.append("    const double %s = in[%d];" % (v, i))
    for t, e in temporaries:
        lines.append("    const double %s = %s;" % (t, sympy.ccode(e)))
    for i, e in enumerate(reduced):
        lines.append("    out[%d] = %s;" % (i, sympy.ccode(e)))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    work = sys.argv[1]
    names = "w11 w12 w21 w22 w31 w32 w41 w42 b1 b2 b3 b4 v1 v2 v3 v4 c x1 x2 y".split()
    s = {n: sympy.Symbol(n, real=True) for n in names}
    f = s["c"]
    for j in range(1, 5):
        z = s["w%d1" % j] * s["x1"] + s["w%d2" % j] * s["x2"] + s["b%d" % j]
        f += s["v%d" % j] * sympy.tanh(z)
    loss = (s["y"] - f) ** 2
    params = [s[n] for n in names[:17]]
    grad = [sympy.diff(loss, p) for p in params]
    with open(work + "/nn_sympy.c", "w") as out:
        out.write(emit(grad, [s[n] for n in names], "sympy_grad"))

    a, b, x, y = sympy.symbols("a b x y", real=True)
    seed = (y - (a * x + b)) ** 2
    with open(work + "/seed_sympy.c", "w") as out:
        out.write(emit([seed, sympy.diff(seed, a), sympy.diff(seed, b)], [a, b, x, y], "sympy_seed"))


if __name__ == "__main__":
    main()
