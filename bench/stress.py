#!/usr/bin/env python3
"""Stress inputs for simplification: generated expressions of the shapes that used to keep
simplify busy for minutes, each differentiated (and its gradient and Hessian taken, and
simplified) by the ddx program in a process of its own, timed by wall clock.

usage: stress.py DDX [--count N] [--seed S] [--limit SECONDS] [--check]

Families (N of each, inputs up to 2 KB):
  nested_rational   continued-fraction-like 1/(s + c/(1 + (t + c/(1 + L^2))^2)), L linear in
                    2-6 symbols, depth 2-4
  sum_products      products and quotients of many sums
  radicals_logs     nested sqrt, log, powers with rational exponents
  compositions      long compositions of the language's functions
Each input gives four statements: diff by one symbol, grad, hessian (three symbols at most)
and simplify of the input, each bound to a name (`r = diff(...)`): a task is the computation,
not the printing of its result, which takes time in proportion to the printed length (a raw
Hessian entry of nested fractions prints in megabytes, its DAG is small).

Prints one line per family (tasks, slowest, median) and the slowest task overall; with
--check, exits 1 if any task fails (an error other than a refused limit), or runs past
--limit seconds (default 1).
"""
import argparse
import random
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


FAMILIES = {
    "nested_rational": nested_rational,
    "sum_products": sum_products,
    "radicals_logs": radicals_logs,
    "compositions": compositions,
}


def tasks(count, seed):
    rng = random.Random(seed)
    for family, make in FAMILIES.items():
        made = 0
        while made < count:
            e, names = make(rng)
            if len(e) > 2048:
                continue
            made += 1
            v = names[: 3]
            yield family, f"r = diff({e}, {names[-1]})"
            yield family, f"r = grad({e}, [{', '.join(v)}])"
            yield family, f"r = hessian({e}, [{', '.join(v)}])"
            yield family, f"r = simplify({e})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ddx")
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    by_family = {}
    slowest = (0.0, "", "")
    failures = []
    for family, statement in tasks(a.count, a.seed):
        t0 = time.monotonic()
        try:
            r = subprocess.run([a.ddx, "--timeout", str(max(60, 10 * a.limit)), "-e", statement],
                               capture_output=True, text=True, timeout=max(120, 20 * a.limit))
            status, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            status, err = -1, "killed"
        dt = time.monotonic() - t0
        by_family.setdefault(family, []).append(dt)
        if dt > slowest[0]:
            slowest = (dt, family, statement)
        if status != 0 and "limit" not in err:
            failures.append(f"{family}: status {status}: {err.strip()[:200]}: {statement[:200]}")
        elif dt > a.limit:
            failures.append(f"{family}: {dt:.2f} s > {a.limit} s: {statement[:200]}")
    print("| family | tasks | median | slowest |")
    print("|---|---:|---:|---:|")
    for family, times in by_family.items():
        print(f"| {family} | {len(times)} | {statistics.median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms |")
    print(f"slowest task: {slowest[0]:.3f} s ({slowest[1]}): {slowest[2][:300]}")
    for f in failures:
        print("FAIL " + f)
    print(f"stress: {sum(len(t) for t in by_family.values())} tasks, {len(failures)} failed")
    return 1 if a.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
