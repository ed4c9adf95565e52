"""SymPy's half of the big-expression benchmark (run by run.sh after ddx_scale_bench).

    /usr/bin/python3 scale_sympy.py WORK_DIR [--limit SECONDS] [--quick]

Runs each case in a child process (`scale_sympy.py --case NAME WORK_DIR [--quick]`) and
passes its lines on; a measurement that prints nothing for SECONDS (default 60) is ended
and reported as `limit CASE sympy SECONDS timing`. The cases are those of
bench/scale_bench.cpp, done the SymPy way (symbols real=True, like ddx's):
  - nested12/15/18: e0 = x, e(k+1) = sin(e(k))*cos(e(k)); sympy.diff(e, x). Size: the
    distinct subexpressions of the derivative. nested1000 is not tried.
  - nth_*: d = f, then twenty times d = sympy.factor(sympy.diff(d, x)). Size: len(str(d))
    (SymPy's own printing: ** and spaces around + and -) and, as `size_compact`, the same
    text with ** read as ^ and spaces removed.
  - hessian: the 17 first derivatives of the network loss with sympy.diff, then the 153
    upper-triangle second derivatives of those; no simplification (SymPy only applies its
    automatic evaluation). Size: characters of the 153 entries (and `size_compact`, as above).
  - parse: sympy.parsing.sympy_parser.parse_expr (with convert_xor, so ^ reads as **) of
    WORK_DIR/scale_poly40.txt, written by the driver. CPython's compiler refuses the 12,341
    nested additions with RecursionError under the default recursion limit; that is noted,
    and the parse is tried again with a high limit on a thread with a large stack.
Times are process CPU seconds (time.process_time), the median of up to 7 repetitions (3 with
--quick) while their sum stays under 10 s (2 s), SymPy's cache cleared before each. Output
lines as the driver's: time CASE sympy SECONDS SAMPLES COLD, size CASE sympy N, skip ...,
note ..., and `check CASE sympy ok|mismatch TEXT` (the order-20 derivative against ddx's,
read from WORK_DIR/scale_CASE_ddx.txt, at x = 0.7 with 30 digits).
"""
import os
import select
import statistics
import subprocess
import sys
import threading
import time

NN_PARAMETERS = "w11 w12 w21 w22 w31 w32 w41 w42 b1 b2 b3 b4 v1 v2 v3 v4 c".split()
NN_TEXT = ("(y - (c + v1*tanh(w11*x1 + w12*x2 + b1) + v2*tanh(w21*x1 + w22*x2 + b2)"
           " + v3*tanh(w31*x1 + w32*x2 + b3) + v4*tanh(w41*x1 + w42*x2 + b4)))^2")
NTH = {
    "nth_tanh": "(1 - exp(-x))/(1 + exp(-x))",
    "nth_gauss": "exp(-x^2)",
    "nth_runge": "1/(1 + x^2)",
    "nth_atan": "atan(x)",
}
CASES = ["nested12", "nested15", "nested18", "nested1000"] + list(NTH) + ["hessian", "parse"]
MAX_ORDER = 20


def emit(*words):
    print(" ".join(str(w) for w in words), flush=True)


# --- in the child: one case ---------------------------------------------------------------------

def repeat(run, quick):
    """run() -> (seconds, result); the median, the number of samples, the first, the last result."""
    from sympy.core.cache import clear_cache
    reps, budget = (3, 2.0) if quick else (7, 10.0)
    samples, result = [], None
    while True:
        clear_cache()
        seconds, result = run()
        samples.append(seconds)
        if len(samples) >= reps or sum(samples) >= budget:
            break
    return statistics.median(samples), len(samples), samples[0], result


def timed(f):
    def run():
        t0 = time.process_time()
        r = f()
        return time.process_time() - t0, r
    return run


def report(case, timing):
    median, samples, cold, _ = timing
    emit("time", case, "sympy", "%.6g" % median, samples, "%.6g" % cold)


def distinct_nodes(e):
    seen, stack = set(), [e]
    while stack:
        top = stack.pop()
        if top in seen:
            continue
        seen.add(top)
        stack.extend(top.args)
    return len(seen)


def symbols(names):
    import sympy as sp
    return {n: sp.Symbol(n, real=True) for n in names}


def parse(text, names):
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations, convert_xor
    return parse_expr(text, local_dict=names, transformations=standard_transformations + (convert_xor,))


def case_nested(case, depth, quick):
    import sympy as sp
    x = symbols(["x"])["x"]
    e = x
    for _ in range(depth):
        e = sp.Mul(sp.sin(e), sp.cos(e))
    emit("start", case, "sympy")
    timing = repeat(timed(lambda: sp.diff(e, x)), quick)
    report(case, timing)
    emit("size", case, "sympy", distinct_nodes(timing[3]))


def case_nth(case, work, quick):
    import sympy as sp
    names = symbols(["x"])
    x = names["x"]
    f = parse(NTH[case], names)

    def run():
        d = f
        for _ in range(MAX_ORDER):
            d = sp.factor(sp.diff(d, x))
        return d
    emit("start", case, "sympy")
    timing = repeat(timed(run), quick)
    report(case, timing)
    d = timing[3]
    text = str(d)
    emit("size", case, "sympy", len(text))
    emit("size_compact", case, "sympy", len(text.replace("**", "^").replace(" ", "")))
    with open(os.path.join(work, "scale_%s_sympy.txt" % case), "w") as out:
        out.write(text + "\n")
    try:
        with open(os.path.join(work, "scale_%s_ddx.txt" % case)) as f_in:
            ddx_result = parse(f_in.read().strip(), names)
        a = sp.N(d.subs(x, sp.Rational(7, 10)), 30)
        b = sp.N(ddx_result.subs(x, sp.Rational(7, 10)), 30)
        ok = abs(a - b) <= sp.Float("1e-20", 30) * max(1, abs(a), abs(b))
        emit("check", case, "sympy", "ok" if ok else "mismatch", "order 20 at x = 0.7: SymPy %s, ddx %s" % (a, b))
    except OSError:
        pass


def case_hessian(quick):
    import sympy as sp
    names = symbols(NN_PARAMETERS + ["x1", "x2", "y"])
    loss = parse(NN_TEXT, names)
    p = [names[n] for n in NN_PARAMETERS]

    def run():
        first = [sp.diff(loss, v) for v in p]
        second = [first[i].diff(p[j]) for i in range(len(p)) for j in range(i, len(p))]
        return first, second
    emit("start", "hessian", "sympy")
    timing = repeat(timed(run), quick)
    report("hessian", timing)
    texts = [str(h) for h in timing[3][1]]
    emit("size", "hessian", "sympy", sum(len(t) for t in texts))
    emit("size_compact", "hessian", "sympy", sum(len(t.replace("**", "^").replace(" ", "")) for t in texts))


def case_parse(work, quick):
    with open(os.path.join(work, "scale_poly40.txt")) as f_in:
        text = f_in.read()
    names = symbols(["x", "y", "z"])
    t0 = time.process_time()
    try:
        parse(text, names)
    except RecursionError as e:
        emit("note", "SymPy parse_expr with the default recursion limit: RecursionError (%s) after %.2f s;"
             " the time shown is with sys.setrecursionlimit(1000000) on a thread with a 1 GiB stack"
             % (e, time.process_time() - t0))
        box = {}

        def deep():
            sys.setrecursionlimit(1000000)
            emit("start", "parse", "sympy")
            box["timing"] = repeat(timed(lambda: parse(text, names)), quick)
        threading.stack_size(1 << 30)
        thread = threading.Thread(target=deep)
        thread.start()
        thread.join()
        timing = box["timing"]
    else:
        emit("start", "parse", "sympy")
        timing = repeat(timed(lambda: parse(text, names)), quick)
    report("parse", timing)
    emit("size", "parse", "sympy", len(str(timing[3])))


def child(case, work, quick):
    if case.startswith("nested"):
        depth = int(case[len("nested"):])
        if depth > 18:
            emit("skip", case, "sympy", "not tried: sympy.diff doubles per level (see depths 12, 15, 18)")
        else:
            case_nested(case, depth, quick)
    elif case in NTH:
        case_nth(case, work, quick)
    elif case == "hessian":
        case_hessian(quick)
    elif case == "parse":
        case_parse(work, quick)


# --- the parent: each case in a child, each measurement limited ----------------------------------

def run_case(case, work, limit, quick):
    argv = [sys.executable, os.path.abspath(__file__), "--case", case, work] + (["--quick"] if quick else [])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1)
    current, timed_now, timed_out = case, False, False
    deadline = time.monotonic() + limit
    while True:
        left = deadline - time.monotonic()
        ready = select.select([proc.stdout], [], [], max(0.0, left))[0] if left > 0 else []
        if not ready:
            proc.kill()
            timed_out = True
            break
        line = proc.stdout.readline()
        if not line:
            break
        words = line.split()
        if words[:1] == ["start"]:
            current, timed_now = words[1], False
        elif words[:2] == ["time", current]:
            timed_now = True
        sys.stdout.write(line)
        sys.stdout.flush()
        deadline = time.monotonic() + limit
    proc.wait()
    if timed_out:
        emit("limit", current, "sympy", "%g" % limit, "after" if timed_now else "timing")
    elif proc.returncode != 0:
        emit("error", case, "sympy", "exit status %d" % proc.returncode)


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    if args[:1] == ["--case"]:
        child(args[1], args[2], quick)
        return
    limit = 60.0
    if "--limit" in args:
        i = args.index("--limit")
        limit = float(args[i + 1])
        del args[i:i + 2]
    work = args[0]
    import sympy
    emit("note", "SymPy %s: times are process CPU seconds, the median of up to %d repetitions while their sum"
         " stays under %g s, the cache cleared before each; each measurement limited to %g s"
         % (sympy.__version__, 3 if quick else 7, 2 if quick else 10, limit))
    for case in CASES:
        run_case(case, work, limit, quick)


if __name__ == "__main__":
    main()
