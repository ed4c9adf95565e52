#!/usr/bin/env python3
"""Writes random well-formed ddx scripts (the grammar of fuzz_grammar.cpp, in Python, for
the normal build): expressions with functions, powers, lists, user functions and every
built-in (vectors and matrices too: vars, sum, transpose, @), plus now and then a statement
of junk tokens.

    gen_scripts.py SEED COUNT DIR      writes DIR/gen-SEED-0000.ddx ...

The same SEED always gives the same scripts. Exponents stay small and are never towers, so
a script is cheap to run: one that takes long is a finding, not the generator's doing.
"""
import os
import random
import sys

VARIABLES = ["x", "y", "z", "a", "b", "t", "u"]
NUMBERS = ["0", "1", "2", "3", "5", "10", "1/3", "-1", "2/7", "0.5", "2.0", "1e-3", "1e300",
           "1e-300", "12345678901234567890", "0.1", "7", "100", "-2", "3.14159", "1e20", "0.0", "4"]
EXPONENTS = ["2", "3", "-1", "1/2", "-2", "0", "4", "5", "2.5", "-1/2", "x", "y", "1/3", "9", "-3",
             "6", "0.5"]
FUNCTIONS = ["exp", "log", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
             "tanh", "asinh", "acosh", "atanh", "abs", "conjugate"]
JUNK = ["(", ")", "[", "]", ",", "=", "..", "'", "^", "**", "+", "-", "*", "/", ";", "x", "2",
        "diff", '"s"', "sin", "f", "1e5", "..", "@", "\t", "#"]


class Generator:
    def __init__(self, rng):
        self.r = rng
        self.bound = []
        self.functions = []  # (name, arity)

    def pick(self, seq):
        return self.r.choice(seq)

    def variable(self):
        return self.pick(VARIABLES)

    def atom(self):
        k = self.r.randrange(8)
        if k <= 2 or k == 7:
            return self.variable()
        if k <= 4:
            return self.pick(NUMBERS)
        if k == 5:
            return self.pick(["pi", "E"])
        return self.pick(self.bound) if self.bound else self.variable()

    def bindings(self):
        """x = 1, y = 2, ...: usually every variable, so that eval has a value."""
        names = VARIABLES if self.r.randrange(4) else self.r.sample(VARIABLES, 1 + self.r.randrange(3))
        return ", ".join(n + " = " + self.pick(NUMBERS) for n in names)

    def vars(self, n):
        return "[" + ", ".join(self.variable() for _ in range(n)) + "]"

    def expr(self, depth):
        if depth >= 4:
            return self.atom()
        k = self.r.randrange(16)
        e = lambda: self.expr(depth + 1)
        if k <= 1:
            return self.atom()
        if k <= 3:
            op = self.pick([" + ", " - ", "*", "/", " - ", " + "])
            return e() + op + e()
        if k == 4:
            return "-" + e()
        if k <= 6:
            return self.pick(FUNCTIONS) + "(" + e() + ")"
        if k == 7:
            return "(" + e() + ")"
        if k == 8:
            return "(" + e() + ")^" + self.pick(EXPONENTS)
        if k == 9:
            return self.builtin(depth + 1)
        if k == 10:
            return "[" + ", ".join(e() for _ in range(1 + self.r.randrange(3))) + "]"
        if k == 11:
            if self.functions:
                name, arity = self.pick(self.functions)
                if arity == 1 and self.r.randrange(3) == 0:
                    return name + "'" * (1 + self.r.randrange(2)) + "(" + e() + ")"
                return name + "(" + ", ".join(e() for _ in range(arity)) + ")"
            return self.pick(FUNCTIONS) + "'(" + e() + ")"
        if k == 12:
            return self.pick(FUNCTIONS) + "'" * (1 + self.r.randrange(3)) + "(" + e() + ")"
        if k == 13:
            return "eval(" + e() + ", " + self.bindings() + ")"
        if k == 14:
            return "(" + e() + " + " + e() + ")^" + self.pick(EXPONENTS)
        return e() + "*" + self.atom()

    def builtin(self, depth):
        e = lambda: self.expr(depth)
        v = self.variable
        forms = [
            lambda: f"diff({e()}, {v()})",
            lambda: f"diff({e()}, {v()}, {self.r.randrange(5)})",
            lambda: f"diff({e()}, {v()}, {self.r.randrange(3)}, {v()})",
            lambda: f"grad({e()}, {self.vars(1 + self.r.randrange(3))})",
            lambda: f"jacobian([{e()}, {e()}], {self.vars(2)})",
            lambda: f"hessian({e()}, {self.vars(1 + self.r.randrange(2))})",
            lambda: f"simplify({e()})",
            lambda: f"expand({e()})",
            lambda: f"factor({e()})",
            lambda: f"normal({e()})",
            lambda: f"collect({e()}, {v() if self.r.randrange(2) else self.vars(2)})",
            lambda: f"subs({e()}, {v()} = {e()})",
            lambda: f"eval({e()}, {self.bindings()})",
            lambda: f"evalf({e()}, {self.bindings()}, digits = {1 + self.r.randrange(60)})",
            lambda: f"series({e()}, {v()}, {'0' if self.r.randrange(2) else self.pick(NUMBERS)}, {self.r.randrange(7)})",
            lambda: f"diff({e()})",
            lambda: f"subs({e()}, x = {self.pick(NUMBERS)}, y = {v()})",
            lambda: f"grad({e()}, {self.bound[0] if self.bound else self.vars(2)})",
            lambda: f"diff({e()}, {v()}, {v()})",
            lambda: f"sum({e()})",
            lambda: f"transpose([[{e()}, {e()}], [{e()}, {e()}]])",
            lambda: f"[[{e()}, {e()}], [{e()}, {e()}]] @ {self.pick(['[x, y]', '[[1, 2], [3, 4]]', '[1, 2, 3]'])}",
            lambda: f"[{e()}, {e()}] @ [{e()}, {e()}]",
            lambda: f"vars(\"w\", {1 + self.r.randrange(3)}, {1 + self.r.randrange(3)})",
            lambda: f"grad({e()}, [vars(\"w\", 2), {v()}])",
            lambda: f"hessian(sum(vars(\"w\", 2, 2)^2)*{e()}, [vars(\"w\", 2, 2)])",
        ]
        return forms[self.r.randrange(len(forms))]()

    def junk(self):
        return " ".join(self.pick(JUNK) for _ in range(1 + self.r.randrange(8)))

    def statement(self):
        k = self.r.randrange(12)
        if k <= 2 or k == 11:
            return self.expr(0)
        if k <= 4:
            return self.builtin(0)
        if k == 5:
            name = "v%d" % self.r.randrange(3) if self.r.randrange(4) else self.variable()
            s = name + " = " + self.expr(1)
            self.bound.append(name)
            return s
        if k == 6:
            arity = 1 + self.r.randrange(2)
            name = self.pick(["f", "h"]) if arity == 1 else "g"
            s = name + ("(x)" if arity == 1 else "(x, y)") + " = " + self.expr(1)
            self.functions.append((name, arity))
            return s
        if k == 7:
            return "latex(" + self.expr(0) + ")"
        if k == 8:
            return "ccode(" + self.expr(0) + ", " + self.vars(2) + ', "fn")'
        if k == 9:
            return "eval(" + self.expr(0) + ", " + self.bindings() + ")"
        return self.junk() if self.r.randrange(4) == 0 else self.builtin(0)

    def program(self):
        out = []
        for _ in range(1 + self.r.randrange(6)):
            out.append(self.statement())
            out.append(self.pick(["\n", "\n", "\n", "; ", "  # comment\n", "\r\n"]))
        return "".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_scripts.py SEED COUNT DIR")
    seed, count, directory = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(directory, exist_ok=True)
    for i in range(count):
        rng = random.Random(seed * 1000003 + i)
        text = Generator(rng).program()
        with open(os.path.join(directory, "gen-%d-%04d.ddx" % (seed, i)), "w", newline="") as f:
            f.write(text)


if __name__ == "__main__":
    main()
