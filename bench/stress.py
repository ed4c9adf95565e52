#!/usr/bin/env python3
"""Stress inputs for simplification: generated expressions of the shapes that used to keep
simplify busy for minutes, each differentiated (and its gradient and Hessian taken, and
simplified) by the ddx program in a process of its own, timed by wall clock.

usage: stress.py DDX [--count N] [--seed S] [--limit SECONDS] [--check] [--values]
                     [--high-orders | --three-factors | --high-order-values]

Families (N of each, inputs up to 2 KB):
  nested_rational   continued-fraction-like 1/(s + c/(1 + (t + c/(1 + L^2))^2)), L linear in
                    2-6 symbols, depth 2-4
  sum_products      products and quotients of many sums
  radicals_logs     nested sqrt, log, powers with rational exponents
  compositions      long compositions of the language's functions
  high_orders       (with --high-orders, alone) one function of x (of a linear argument,
                    also asin, acos, acosh; a quarter of the trigonometric and hyperbolic
                    ones of x^2, sin(x) or x*exp(x); times x^k or over 1 + x^2):
                    diff(f, x, n) for n = 20, 50, 100, 200
  three_factors     (with --three-factors, alone) a product of three factors, each a square
                    root or logarithm of a sum of 1-3 calls, or an exponential of a call or
                    of a rational function: diff(f, x, n) for n = 4, 6, 8 (answers of
                    10-300 KB)
Each input gives four statements: diff by one symbol, grad, hessian (three symbols at most)
and simplify of the input (high_orders, three_factors: its orders), each bound to a name
(`r = diff(...)`): a task is the computation,
not the printing of its result, which takes time in proportion to the printed length (a raw
Hessian entry of nested fractions prints in megabytes, its DAG is small).

Prints one line per family (tasks, median and slowest wall clock, slowest CPU time of the
process, which load on the machine does not inflate) and the slowest task overall; with
--check, exits 1 if any task fails (an error other than a refused limit), or runs past
--limit seconds (default 1).

With --high-order-values, instead of timing: products of one to three functions of x of the
kinds the n-th derivatives read as polynomials (calls of linear and rational arguments and
of sin(x), exp(x), ..., fractional powers and roots of sums with fractions in them, asin,
acos, acosh, atanh of fractions of x), diff(f, x, n) for a random n in 4..12 (for one in
seven in 20..40) printed at x = 3/10 and 7/10 with 30 digits, against mpmath's numerical n-th
derivative of the input itself (mpmath.diff at 100 digits); a value differing by more than
1e-9 relatively fails.

With --values, instead of timing: each input's derivative, gradient, Hessian and simplify
printed at a random point (exact rationals in [0.3, 1.3]) with 30 digits, against central
differences of the input itself at 60 digits (step 10^-20, so that a steep input's third
derivative does not show; a mixed second partial from four points), and simplify against
the input; an entry differing by more than 1e-9 relatively fails. Points where the input is
not real, or where its value at 30 digits is not its value at 60 (tan of 7e77), are skipped
(counted).
"""
import argparse
import random
import re
import resource
import statistics
import subprocess
import sys
import time

FUNCTIONS = ["exp", "log", "sqrt", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh"]


def rational(rng):
    return f"{rng.randint(1, 9)}" if rng.random() < 0.6 else f"{rng.randint(1, 9)}/{rng.randint(2, 9)}"


def linear(rng, names):
    terms = [f"{rng.choice(['', '-'])}{rational(rng)}*{n}" for n in rng.sample(names, rng.randint(2, len(names)))]
    terms.append(rational(rng))
    return " + ".join(terms).replace("+ -", "- ")


def nested_rational(rng):
    names = rng.sample(["a", "b", "s", "t", "w", "z"], rng.randint(2, 6))
    e = linear(rng, names)
    for _ in range(rng.randint(2, 4)):
        e = f"{rng.choice(names)} + {rng.randint(1, 9)}/(1 + ({e})^2)"
    return f"1/({e})", names


def sum_products(rng):
    names = rng.sample(["a", "b", "c", "x", "y", "z"], rng.randint(2, 5))
    sums = [linear(rng, names) for _ in range(rng.randint(3, 7))]
    e = "*".join(f"({s})" for s in sums[: len(sums) // 2 + 1])
    rest = sums[len(sums) // 2 + 1:]
    if rest:
        e = f"{e}/(" + "*".join(f"({s})^{rng.randint(1, 3)}" for s in rest) + ")"
    return e, names


def radicals_logs(rng):
    names = rng.sample(["a", "b", "x", "y"], rng.randint(1, 3))
    e = linear(rng, names) if len(names) > 1 else f"{names[0]} + {rational(rng)}"
    for _ in range(rng.randint(2, 5)):
        pick = rng.random()
        if pick < 0.35:
            e = f"sqrt({e} + {rng.choice(names)}^2)"
        elif pick < 0.7:
            e = f"log({rng.choice(names)}^2 + ({e})^2)"
        else:
            e = f"({e})^({rng.randint(1, 5)}/{rng.randint(2, 7)}) + {rng.choice(names)}"
    return e, names


def compositions(rng):
    names = rng.sample(["x", "y", "z"], rng.randint(1, 3))
    e = " + ".join(names)
    for _ in range(rng.randint(4, 9)):
        f = rng.choice(FUNCTIONS)
        inner = e if f not in ("log", "sqrt", "asinh") else f"1 + ({e})^2"
        e = f"{f}({inner})*{rng.choice(names)}" if rng.random() < 0.4 else f"{f}({inner})"
    return e, names


# the inverse functions whose derivatives hold roots (asin, acos: inside [-1, 1] only, so
# their argument is x over a number), beside the others
HIGH_ORDER_FUNCTIONS = FUNCTIONS + ["asin", "acos", "acosh"]


def high_orders(rng):
    f = rng.choice(HIGH_ORDER_FUNCTIONS)
    inner = f"{rational(rng)}*x + {rational(rng)}" if f not in ("asin", "acos") else f"x/{rng.randint(2, 9)}"
    if f in ("sin", "cos", "sinh", "cosh", "tan", "tanh", "atan") and rng.random() < 0.25:
        inner = rng.choice([f"{rational(rng)}*x^2 + {rational(rng)}", "sin(x)", f"x*exp({rational(rng)}*x)"])
    e = f"{f}({inner})" if f not in ("log", "sqrt") else f"{f}(1 + ({inner})^2)"
    if f == "exp" and rng.random() < 0.5:  # a rational exponent: its derivative has a square below
        e = f"exp(({inner})/(1 + x^2))"
    pick = rng.random()
    if pick < 0.3:
        e = f"x^{rng.randint(1, 3)}*{e}"
    elif pick < 0.5:
        e = f"{e}/(1 + x^2)"
    return e, ["x"]


def call_of_x(rng):
    f = rng.choice(["sin", "cos", "exp", "tan", "tanh", "log", "atan"])
    return "log(1 + x^2)" if f == "log" else f"{f}({rational(rng)}*x)" if rng.random() < 0.5 else f"{f}(x)"


def three_factors(rng):
    def sum_of_calls():
        return " + ".join([rational(rng)] + [call_of_x(rng) for _ in range(rng.randint(1, 3))])

    def factor():
        pick = rng.random()
        if pick < 0.4:
            return f"sqrt({sum_of_calls()})"
        if pick < 0.7:
            return f"exp(({rational(rng)}*x + {rational(rng)})/(1 + x^2))" if rng.random() < 0.5 else f"exp({call_of_x(rng)})"
        return f"log({sum_of_calls()})"

    return "*".join(factor() for _ in range(3)), ["x"]


def factor_inputs(rng):
    """Polynomials of degree up to 220 with many cyclotomic factors, which split into many
    factors modulo every prime (factor(x^100 - 1) took GiNaC's factorization 112 s):
    binomials x^n +- 1, x^n +- y^n, (a*x)^n +- b^n, times monomials, x^n +- 1 times a
    small polynomial, x^n +- y^n times a homogeneous one (GiNaC's factorization in two
    symbols: over 100 s at degree 62), products of two scaled binomials (x^n +- a^n)*
    ((b*x)^k +- c^k) (47 s at degree 130), x^n +- 1 times (b*x)^k +- (c*y)^k (its
    content in y, then a binomial), and (x^n +- y)*(x^k - y^2 + c) (GiNaC's factorization with
    x as its main variable: 37 s at n = 40, k = 30), multiplied out."""
    n = rng.randint(2, 200)
    sign = rng.choice(["-", "+"])
    pick = rng.random()
    if pick < 0.2:
        e = f"x^{n} {sign} 1"
    elif pick < 0.3:
        e = f"x^{n} {sign} y^{n}"
    elif pick < 0.4:
        a, b = rng.choice([(1, 2), (2, 3), (3, 1), (2, 5)])
        e = f"{a ** n}*x^{n} {sign} {b ** n}"
    elif pick < 0.55:
        e = f"{rng.randint(2, 9)}*x^{rng.randint(1, 5)}*y*(x^{n} {sign} 1)"
    elif pick < 0.7:
        e = f"expand((x^{n} {sign} 1)*(x^{rng.randint(1, 3)} + {rng.randint(2, 5)}))"
    elif pick < 0.85:
        k = rng.randint(1, 3)
        other = f"x^{k} {rng.choice(['-', '+'])} {rng.randint(1, 4)}*x*y^{k - 1} + {rng.randint(1, 5)}*y^{k}" if k > 1 \
            else f"x + {rng.randint(2, 5)}*y"
        e = f"expand((x^{n} {sign} y^{n})*({other}))"
    elif pick < 0.88:
        k = rng.randint(2, 20)
        a, b, c = rng.randint(2, 5), rng.randint(1, 3), rng.randint(1, 5)
        e = f"expand((x^{n} {sign} {a ** n})*({b ** k}*x^{k} {rng.choice(['-', '+'])} {c ** k}))"
    elif pick < 0.94:
        k = rng.randint(2, 30)
        b, c = rng.randint(1, 3), rng.randint(1, 3)
        e = f"expand((x^{n // 2} {sign} 1)*({b ** k}*x^{k} {rng.choice(['-', '+'])} {c ** k}*y^{k}))"
    else:
        k = rng.randint(2, 40)
        e = f"expand((x^{n // 4 + 2} {sign} y)*(x^{k} - y^2 + {rng.randint(1, 5)}))"
    return e, ["x"]


FAMILIES = {
    "nested_rational": nested_rational,
    "sum_products": sum_products,
    "radicals_logs": radicals_logs,
    "compositions": compositions,
}
HIGH_ORDERS = (20, 50, 100, 200)
THREE_FACTOR_ORDERS = (4, 6, 8)


def inputs_of(count, seed, families=FAMILIES):
    rng = random.Random(seed)
    for family, make in families.items():
        made = 0
        while made < count:
            e, names = make(rng)
            if len(e) > 2048:
                continue
            made += 1
            yield family, e, names


def tasks(count, seed, families=FAMILIES):
    for family, e, names in inputs_of(count, seed, families):
        if family == "factor":
            yield family, f"r = factor({e})"
            continue
        if family in ("high_orders", "three_factors"):
            for n in HIGH_ORDERS if family == "high_orders" else THREE_FACTOR_ORDERS:
                yield family, f"r = diff({e}, x, {n})"
            continue
        v = names[: 3]
        yield family, f"r = diff({e}, {names[-1]})"
        yield family, f"r = grad({e}, [{', '.join(v)}])"
        yield family, f"r = hessian({e}, [{', '.join(v)}])"
        yield family, f"r = simplify({e})"


def refused_limit(status, err):
    """Whether ddx ended with an error that refuses a computation past one of its limits
    (`above the limit of ...`): an answer, not a failure. A bad command line (status 2)
    prints `no limit` in its usage, and is a failure."""
    return status == 1 and re.search(r"the limit of|beyond the limit", err) is not None


NUMBER = r"-?\d+(?:\.\d*)?(?:e-?\d+)?"


def numbers(text):
    return [float(t) for t in re.findall(NUMBER, text)]


def differs(got, want):
    """Whether a value differs from its reference by more than 1e-9 relatively."""
    return abs(got - want) > 1e-9 * max(1.0, abs(want))


def reported(summary, failures):
    """Prints a check's summary line and its failures; returns the failures."""
    print(summary)
    for f in failures:
        print("FAIL " + f)
    return failures


def check_values(ddx, count, seed):
    """The tasks' results at random points against central differences of their inputs."""
    rng = random.Random(seed + 1)
    checked, skipped, ill_conditioned, failures = 0, 0, 0, []
    for family, e, names in inputs_of(count, seed):
        v = names[:3]
        point = {n: f"{rng.randint(3, 13)}/10" for n in sorted(set(names))}
        at = ", ".join(f"{n} = {x}" for n, x in point.items())
        h = "1/10^20"

        def shifted(shifts):
            # the input at the point with some variables moved by +-h
            moved = ", ".join(f"{n} = {point[n]} {sign} {h}" for n, sign in shifts)
            return f"subs(F0, {moved})"

        def first(n):
            return f"({shifted([(n, '+')])} - {shifted([(n, '-')])})*10^20/2"

        def second(a, b):
            if a == b:
                return f"({shifted([(a, '+')])} - 2*F0 + {shifted([(a, '-')])})*10^40"
            terms = [shifted([(a, sa), (b, sb)]) for sa in "+-" for sb in "+-"]
            return f"({terms[0]} - {terms[1]} - {terms[2]} + {terms[3]})*10^40/4"

        pairs = [(f"diff(F0, {names[-1]})", first(names[-1]))]
        pairs.append((f"grad(F0, [{', '.join(v)}])", "[" + ", ".join(first(n) for n in v) + "]"))
        pairs.append((f"hessian(F0, [{', '.join(v)}])",
                      "[" + ", ".join("[" + ", ".join(second(a, b) for b in v) + "]" for a in v) + "]"))
        pairs.append(("simplify(F0)", "F0"))
        # the input at 30 and 60 digits: where they differ, its value there depends on digits
        # beyond 30 (tan of 7e77), and no result printed with 30 can be checked
        script = [f"F0 = {e}", f"evalf(F0, {at}, digits = 30)", f"evalf(F0, {at}, digits = 60)"]
        for got, want in pairs:
            script.append(f"evalf({got}, {at}, digits = 30)")
            script.append(f"evalf({want}, {at}, digits = 60)")
        r = subprocess.run([ddx, "--timeout", "120", "-e", "\n".join(script)], capture_output=True, text=True, timeout=240)
        lines = r.stdout.splitlines()
        if r.returncode != 0 or len(lines) != 2 + 2 * len(pairs):
            if refused_limit(r.returncode, r.stderr):
                skipped += 1
                continue
            failures.append(f"{family}: status {r.returncode}: {r.stderr.strip()[:200]}: {e[:200]}")
            continue
        if "sqrt(-1)" in lines[0]:
            skipped += 1
            continue
        lower, higher = numbers(lines[0]), numbers(lines[1])
        if len(lower) != 1 or len(higher) != 1 or differs(lower[0], higher[0]):
            ill_conditioned += 1
            continue
        for k, (got, _) in enumerate(pairs):
            a, b = numbers(lines[2 + 2 * k]), numbers(lines[3 + 2 * k])
            bad = len(a) != len(b) or any(differs(x, y) for x, y in zip(a, b))
            checked += 1
            if bad:
                failures.append(f"{family}: {got.replace('F0', e[:200], 1)} at {at}: {lines[2 + 2 * k][:200]} against {lines[3 + 2 * k][:200]}")
    return reported(f"stress values: {checked} results checked at random points, {skipped} inputs skipped (not real there), "
                    f"{ill_conditioned} (their value there needs more than 30 digits), {len(failures)} differ", failures)


def high_order_input(rng):
    """A product of one to three functions of x of the kinds the n-th derivatives read as
    polynomials, with fractions in the arguments and bases."""
    def argument():
        if rng.random() < 0.5:
            return f"{rational(rng)}*x + {rational(rng)}"
        return rng.choice([f"{rational(rng)}*x^2 + {rational(rng)}", "x^2 + x + 1", "sin(x)", "cos(x)", "exp(x)",
                           f"x*exp({rational(rng)}*x)", "1/(1 + x^2)", "x/(1 + x^2)", "log(1 + x^2)", "atan(x)",
                           f"sin(x)/{rng.randint(2, 5)} + {rational(rng)}", f"exp(x)/{rng.randint(2, 5)}"])

    def factor():
        f = rng.choice(HIGH_ORDER_FUNCTIONS + ["atanh", "power", "reciprocal", "monomial"])
        if f == "log":
            return f"log(1 + ({argument()})^2)"
        if f == "sqrt":
            return f"sqrt(2 + ({argument()})^2)"
        if f in ("asin", "acos", "atanh"):
            return f"{f}(x/{rng.randint(3, 9)})" if rng.random() < 0.7 else f"{f}(x^2/{rng.randint(3, 9)})"
        if f == "acosh":
            return f"acosh({rational(rng)}*x + {rng.randint(2, 5)})"
        if f == "power":
            return f"(1 + ({argument()})^2)^({rng.choice(['1/3', '-1/2', '3/2', '-2', '2/5'])})"
        if f == "reciprocal":
            return f"1/(1 + ({argument()})^2)"
        if f == "monomial":
            return f"x^{rng.randint(1, 4)}"
        return f"{f}({argument()})"

    e = "*".join(f"({factor()})" for _ in range(rng.choice([1, 2, 2, 3])))
    return f"({e})/(1 + x^2)" if rng.random() < 0.2 else e


def check_high_order_values(ddx, count, seed):
    """High-order derivatives at two points against mpmath's numerical derivatives of the
    input (an oracle independent of ddx: the input evaluated by mpmath, differentiated by
    finite differences at 100 digits)."""
    import mpmath
    mpmath.mp.dps = 100
    names = {f: getattr(mpmath, f) for f in HIGH_ORDER_FUNCTIONS + ["atanh"]}
    rng = random.Random(seed + 2)
    checked, skipped, failures = 0, 0, []
    for _ in range(count):
        # (the orders past the stepwise budget, 20-40, are read by polynomials differently)
        e, n = high_order_input(rng), rng.randint(4, 12) if rng.random() < 0.85 else rng.randint(20, 40)
        # the input as a Python expression over mpmath numbers (each integer exact)
        code = compile(re.sub(r"\d+", lambda m: f"mpf({m.group()})", e.replace("^", "**")), "<input>", "eval")
        points = ["3/10", "7/10"]
        script = [f"d = diff({e}, x, {n})"] + [f"evalf(d, x = {p}, digits = 30)" for p in points]
        r = subprocess.run([ddx, "--timeout", "120", "-e", "\n".join(script)], capture_output=True, text=True, timeout=240)
        lines = r.stdout.splitlines()
        if r.returncode != 0 or len(lines) != len(points):
            if refused_limit(r.returncode, r.stderr):
                skipped += 1
                continue
            failures.append(f"status {r.returncode}: {r.stderr.strip()[:200]}: diff({e}, x, {n})")
            continue
        for p, line in zip(points, lines):
            at = mpmath.mpf(int(p.split("/")[0])) / int(p.split("/")[1])
            want = mpmath.diff(lambda t: eval(code, {"mpf": mpmath.mpf, **names}, {"x": t}), at, n)
            got = numbers(line)
            if mpmath.im(want) != 0 or len(got) != 1:  # not real there (acosh, asin of a big argument)
                skipped += 1
                continue
            checked += 1
            if differs(got[0], float(want)):
                failures.append(f"diff({e}, x, {n}) at x = {p}: {line[:100]} against {mpmath.nstr(want, 20)}")
    return reported(f"stress high-order values: {checked} values checked, {skipped} skipped (not real there or refused), "
                    f"{len(failures)} differ", failures)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ddx")
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--values", action="store_true")
    ap.add_argument("--high-order-values", action="store_true")
    # not in make test: the tanh quotient to order 200 takes seconds (make bench lists it)
    ap.add_argument("--high-orders", action="store_true")
    ap.add_argument("--three-factors", action="store_true")
    ap.add_argument("--factor", action="store_true")
    a = ap.parse_args()
    if a.values:
        return 1 if check_values(a.ddx, a.count, a.seed) and a.check else 0
    if a.high_order_values:
        return 1 if check_high_order_values(a.ddx, a.count, a.seed) and a.check else 0
    by_family = {}
    slowest = (0.0, "", "")
    failures = []
    cpu = {}
    families = ({"high_orders": high_orders} if a.high_orders else {"three_factors": three_factors} if a.three_factors
                else {"factor": factor_inputs} if a.factor else FAMILIES)
    for family, statement in tasks(a.count, a.seed, families):
        c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        try:
            r = subprocess.run([a.ddx, "--timeout", str(int(max(60, 10 * a.limit))), "-e", statement],
                               capture_output=True, text=True, timeout=max(120, 20 * a.limit))
            status, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            status, err = -1, "killed"
        dt = time.monotonic() - t0
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.setdefault(family, []).append(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
        by_family.setdefault(family, []).append(dt)
        if dt > slowest[0]:
            slowest = (dt, family, statement)
        if status != 0 and not refused_limit(status, err):
            failures.append(f"{family}: status {status}: {err.strip()[:200]}: {statement[:200]}")
        elif dt > a.limit:
            failures.append(f"{family}: {dt:.2f} s > {a.limit} s: {statement[:200]}")
    print("| family | tasks | median | slowest | slowest CPU time |")
    print("|---|---:|---:|---:|---:|")
    for family, times in by_family.items():
        print(f"| {family} | {len(times)} | {statistics.median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms "
              f"| {max(cpu[family]) * 1000:.0f} ms |")
    print(f"slowest task: {slowest[0]:.3f} s ({slowest[1]}): {slowest[2][:300]}")
    for f in failures:
        print("FAIL " + f)
    print(f"stress: {sum(len(t) for t in by_family.values())} tasks, {len(failures)} failed")
    return 1 if a.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
