#!/usr/bin/env python3
"""Zero recognition on ddx's own table of integrals (bench/run.sh, last section).

    python3 bench/zero_table.py DDX [--sympy] [--limit SECONDS] [--every K] [--only REGEX]
                                    [--jobs N] [--details FILE]
    python3 bench/zero_table.py --list          # the table, checked, as TSV; no ddx run

The table: integrand/antiderivative pairs (f, F), F' = f, in ddx syntax, generated below
from formula templates of the standard integral tables (CRC Standard Mathematical Tables'
table of integrals, Gradshteyn & Ryzhik 2.1-2.8), in eight categories: rational, algebraic,
exponential, logarithmic, trigonometric, hyperbolic, inverse-trig, inverse-hyperbolic. A
template's parameters a, b, c, d (and n, a power) are filled in as symbols and as a few
numbers ("variants"); every distinct (f, F) is one pair, named by category letter, template
number and variant (A10.2: the algebraic template 10, second variant).

The check when the table is built (it refuses to run, exit 1, naming the pair, when a pair
fails): with mpmath (30 digits; Python's math when mpmath is missing) and the symbolic
parameters at a = 1.3, b = 0.7, c = 2.1, d = 1.7, n = 3 (a template may choose others where
its formula needs them, e.g. b^2 > 4*a*c), at every x of a fixed list of 18 points in
[-7.3, 8.3] where f and F are real and finite (every intermediate value real), the central
difference (F(x + h) - F(x - h))/(2*h) must agree with f(x) to a relative 1e-6, at 3 points
at least. So a pair holds on the whole real domain of its expressions, not on a part of it
only. Then a scan of x in [-8.5, 8.5] (steps of 0.02, doubles, each step that disagrees
halved down to 1e-10 and the last interval redone with mpmath) compares F's increments with
Simpson's rule for f: a jump of F where f is finite (an antiderivative right only up to a
branch constant, as atan(1/x) for -1/(1 + x^2)) fails the pair too.

Two marks, for what ddx cannot (and must not) print 0 for, since its symbols are real of
either sign and its functions take principal branches:
  - "needs a > 0": with a symbolic parameter negated (each alone, then all), F' differs from
    f at one of the points (asin(x/a) for 1/sqrt(a^2 - x^2)), with real or complex values;
  - "holds only where real": with complex values allowed (principal branches), F' differs
    from f at one of the real points: x*acosh(x) - sqrt(x^2 - 1) for acosh(x), whose
    derivative has sqrt(x + 1)*sqrt(x - 1), -sqrt(x^2 - 1) for x < -1.
The table prints the shares on all pairs and on the pairs without either mark.

ddx: each pair's statement `simplify(diff(F, x) - (f))` runs in its own process,
`DDX --timeout LIMIT -e STATEMENT` (one at a time); recognised means standard output is the
one line `0`. Time per case: the process's CPU time (user + system), start-up included.

Soundness: where ddx prints something other than 0, its output (in the table's syntax) is
evaluated with the check's code (mpmath, 30 digits; complex intermediate values, principal
branches) at the check's points and parameter values where f and F are real and finite; it
is F' - f, so it must vanish there, to 1e-9 of |f|. For a pair without either mark, a value
beyond that is a wrong simplification: it is listed, counted as "wrong" in the notes, and
the exit status is 1. Marked pairs are evaluated the same way and only reported. A pair
printed as 0 must not be marked (listed when it is).

SymPy (--sympy; /usr/bin/python3 must import sympy): x, a, b, c, d, n are
Symbol(..., positive=True); f and F parsed with ^ read as **, abs as Abs; recognised means
sympy.simplify(sympy.diff(F, x) - f) == 0 within the limit (process CPU time of diff and
simplify, cache cleared per case) in worker processes (--jobs, default 1; PYTHONHASHSEED=0,
since SymPy's time on some pairs varies tenfold with the hash seed); a worker past the
limit stops the case (ITIMER_PROF), one stuck in C code is killed; a timeout counts as not
recognised and as the limit in the median time.

Prints a Markdown table (category | pairs | ddx | SymPy) and notes: the shares, the median
times, the values of ddx's nonzero results, the first 15 pairs ddx does not recognise.
--details FILE writes every pair with both results (and the values of ddx's) as TSV.
--every K takes one pair in K only (for a quick run), --only REGEX the pairs whose id
matches.
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time

from sympy_worker import Timeout, Worker, reply_within

CATEGORIES = ['rational', 'algebraic', 'exponential', 'logarithmic', 'trigonometric',
              'hyperbolic', 'inverse-trig', 'inverse-hyperbolic']
PARAMS = 'abcdn'
VALUES = {'a': '1.3', 'b': '0.7', 'c': '2.1', 'd': '1.7', 'n': '3'}
SYM = {p: p for p in PARAMS}
N1 = {'a': '2', 'b': '3', 'c': '5', 'd': '7', 'n': '4'}
N2 = {'a': '1/2', 'b': '5', 'c': '3', 'd': '2', 'n': '-3'}
STD = [SYM, N1]
STD3 = [SYM, N1, N2]

# --- the templates -----------------------------------------------------------------------------
# T(category, f, F, variants, values): variants are substitutions of the parameters (a list of
# dicts, default [symbols, N1]); values are the numbers the symbolic parameters take in the
# check (default VALUES).

TEMPLATES = []


def T(cat, f, F, variants=None, values=None):
    TEMPLATES.append(dict(cat=cat, f=f, F=F, variants=variants or STD, values=dict(VALUES, **(values or {}))))


# rational functions (G&R 2.1; CRC: forms with a + b*x, x^2 +- a^2, a*x^2 + b*x + c)
R = 'rational'
T(R, '(a*x + b)^n', '(a*x + b)^(n + 1)/(a*(n + 1))', STD3)
T(R, 'x^n', 'x^(n + 1)/(n + 1)', [SYM, {'n': '7'}, {'n': '-4'}])
T(R, '1/(a*x + b)', 'log(a*x + b)/a', STD3)
T(R, '1/(a*x + b)', 'log(abs(a*x + b))/a')
T(R, 'x/(a*x + b)', 'x/a - b*log(a*x + b)/a^2', STD3)
T(R, 'x^2/(a*x + b)', '((a*x + b)^2/2 - 2*b*(a*x + b) + b^2*log(a*x + b))/a^3')
T(R, '1/(x*(a*x + b))', 'log(x/(a*x + b))/b', STD3)
T(R, '1/(a*x + b)^2', '-1/(a*(a*x + b))')
T(R, '1/(a*x + b)^3', '-1/(2*a*(a*x + b)^2)')
T(R, 'x/(a*x + b)^2', '(b/(a*x + b) + log(a*x + b))/a^2', STD3)
T(R, '1/(x^2*(a*x + b))', '-1/(b*x) + a*log((a*x + b)/x)/b^2')
T(R, '1/(x^2 + a^2)', 'atan(x/a)/a', STD3)
T(R, '1/(x^2 - a^2)', 'log((x - a)/(x + a))/(2*a)', STD3)
T(R, '1/(a^2 - x^2)', 'atanh(x/a)/a')
T(R, 'x/(x^2 + a^2)', 'log(x^2 + a^2)/2')
T(R, 'x^2/(x^2 + a^2)', 'x - a*atan(x/a)', STD3)
T(R, 'x^3/(x^2 + a^2)', 'x^2/2 - a^2*log(x^2 + a^2)/2')
T(R, 'x^2/(x^2 - a^2)', 'x + a*log((x - a)/(x + a))/2')
T(R, '1/(x^2 + a^2)^2', 'x/(2*a^2*(x^2 + a^2)) + atan(x/a)/(2*a^3)', STD3)
T(R, 'x/(x^2 + a^2)^2', '-1/(2*(x^2 + a^2))')
T(R, '1/(x*(x^2 + a^2))', 'log(x^2/(x^2 + a^2))/(2*a^2)')
T(R, '1/(x^2*(x^2 + a^2))', '-1/(a^2*x) - atan(x/a)/a^3')
T(R, '1/(a*x^2 + b*x + c)', '2*atan((2*a*x + b)/sqrt(4*a*c - b^2))/sqrt(4*a*c - b^2)',
  [SYM, N1, {'a': '2', 'b': '4', 'c': '4'}])
T(R, '1/(a*x^2 + b*x + c)',
  'log((2*a*x + b - sqrt(b^2 - 4*a*c))/(2*a*x + b + sqrt(b^2 - 4*a*c)))/sqrt(b^2 - 4*a*c)',
  [SYM, {'a': '1', 'b': '5', 'c': '4'}, {'a': '2', 'b': '7', 'c': '3'}], {'b': '3.1', 'c': '0.7'})
T(R, 'x/(a*x^2 + b*x + c)',
  'log(a*x^2 + b*x + c)/(2*a) - b*atan((2*a*x + b)/sqrt(4*a*c - b^2))/(a*sqrt(4*a*c - b^2))')
T(R, '1/(x^3 + a^3)',
  'log((x + a)^2/(x^2 - a*x + a^2))/(6*a^2) + atan((2*x - a)/(a*sqrt(3)))/(a^2*sqrt(3))')
T(R, '1/(x^4 + a^4)',
  '(log((x^2 + sqrt(2)*a*x + a^2)/(x^2 - sqrt(2)*a*x + a^2)) + 2*atan(sqrt(2)*x/a + 1)'
  ' + 2*atan(sqrt(2)*x/a - 1))/(4*sqrt(2)*a^3)')
T(R, '1/(x^4 - a^4)', 'log((x - a)/(x + a))/(4*a^3) - atan(x/a)/(2*a^3)')
T(R, '1/((a*x + b)*(c*x + d))', 'log((c*x + d)/(a*x + b))/(b*c - a*d)', STD3)
T(R, '(a*x + b)/(c*x + d)', 'a*x/c + (b*c - a*d)*log(c*x + d)/c^2')
T(R, '(x + b)/(x + a)', 'x + (b - a)*log(x + a)')
T(R, 'x/((x + a)*(x + b))', '(a*log(x + a) - b*log(x + b))/(a - b)')

# algebraic: roots (G&R 2.2; CRC: forms with sqrt(a + b*x), sqrt(a^2 +- x^2), sqrt(x^2 - a^2))
A = 'algebraic'
T(A, 'sqrt(a*x + b)', '2*(a*x + b)^(3/2)/(3*a)', STD3)
T(A, 'sqrt(a*x + b)', '2*sqrt(a*x + b)^3/(3*a)')
T(A, 'x*sqrt(a*x + b)', '2*(3*a*x - 2*b)*(a*x + b)^(3/2)/(15*a^2)')
T(A, '1/sqrt(a*x + b)', '2*sqrt(a*x + b)/a', STD3)
T(A, 'x/sqrt(a*x + b)', '2*(a*x - 2*b)*sqrt(a*x + b)/(3*a^2)')
T(A, '1/(x*sqrt(a*x + b))',
  'log(abs((sqrt(a*x + b) - sqrt(b))/(sqrt(a*x + b) + sqrt(b))))/sqrt(b)', STD3)
T(A, 'sqrt(a*x + b)/x',
  '2*sqrt(a*x + b) + sqrt(b)*log(abs((sqrt(a*x + b) - sqrt(b))/(sqrt(a*x + b) + sqrt(b))))')
T(A, '1/(sqrt(a*x + b) + c)', '2*(sqrt(a*x + b) - c*log(sqrt(a*x + b) + c))/a')
T(A, '(a*x + b)^(1/3)', '3*(a*x + b)^(4/3)/(4*a)')
T(A, 'sqrt(a^2 - x^2)', '(x*sqrt(a^2 - x^2) + a^2*asin(x/a))/2', STD3)
T(A, '1/sqrt(a^2 - x^2)', 'asin(x/a)', STD3)
T(A, 'x/sqrt(a^2 - x^2)', '-sqrt(a^2 - x^2)')
T(A, 'x*sqrt(a^2 - x^2)', '-(a^2 - x^2)^(3/2)/3')
T(A, 'x^2/sqrt(a^2 - x^2)', 'a^2*asin(x/a)/2 - x*sqrt(a^2 - x^2)/2')
T(A, 'sqrt(a^2 - x^2)/x', 'sqrt(a^2 - x^2) - a*log((a + sqrt(a^2 - x^2))/abs(x))')
T(A, '1/(x*sqrt(a^2 - x^2))', '-log((a + sqrt(a^2 - x^2))/abs(x))/a')
T(A, '1/(x^2*sqrt(a^2 - x^2))', '-sqrt(a^2 - x^2)/(a^2*x)')
T(A, '1/(a^2 - x^2)^(3/2)', 'x/(a^2*sqrt(a^2 - x^2))')
T(A, 'sqrt((a + x)/(a - x))', 'a*asin(x/a) - sqrt(a^2 - x^2)')
T(A, 'sqrt(x^2 + a^2)', '(x*sqrt(x^2 + a^2) + a^2*log(x + sqrt(x^2 + a^2)))/2', STD3)
T(A, '1/sqrt(x^2 + a^2)', 'log(x + sqrt(x^2 + a^2))', STD3)
T(A, 'x/sqrt(x^2 + a^2)', 'sqrt(x^2 + a^2)')
T(A, 'x^3*sqrt(x^2 + a^2)', '(x^2 + a^2)^(5/2)/5 - a^2*(x^2 + a^2)^(3/2)/3')
T(A, '1/(x*sqrt(x^2 + a^2))', '-log((a + sqrt(x^2 + a^2))/abs(x))/a')
T(A, '1/(x^2*sqrt(x^2 + a^2))', '-sqrt(x^2 + a^2)/(a^2*x)')
T(A, '1/(x^2 + a^2)^(3/2)', 'x/(a^2*sqrt(x^2 + a^2))')
T(A, '1/sqrt(x^2 - a^2)', 'log(abs(x + sqrt(x^2 - a^2)))', STD3)
T(A, 'sqrt(x^2 - a^2)/x', 'sqrt(x^2 - a^2) - a*atan(sqrt(x^2 - a^2)/a)')
T(A, '1/sqrt(a*x^2 + b*x + c)', 'log(2*sqrt(a)*sqrt(a*x^2 + b*x + c) + 2*a*x + b)/sqrt(a)')
T(A, '1/(sqrt(x)*(a + b*x))', '2*atan(sqrt(b*x/a))/sqrt(a*b)')
T(A, 'sqrt(x)/(a + x)', '2*sqrt(x) - 2*sqrt(a)*atan(sqrt(x/a))')

# exponential (G&R 2.3, 2.6; CRC: exponential forms)
E = 'exponential'
T(E, 'exp(a*x)', 'exp(a*x)/a', STD3)
def xk_exp(k):  # x^k*exp(a*x): exp(a*x)*sum_j (-1)^j k!/(k - j)! x^(k - j)/a^(j + 1)
    text = ''
    for j in range(k + 1):
        coef, power = math.factorial(k) // math.factorial(k - j), k - j
        xs = '' if power == 0 else 'x' if power == 1 else 'x^%d' % power
        num = '%d*%s' % (coef, xs) if coef != 1 and xs else xs or '%d' % coef
        den = 'a' if j == 0 else 'a^%d' % (j + 1)
        text += ('' if j == 0 else ' - ' if j % 2 else ' + ') + num + '/' + den
    return 'exp(a*x)*(%s)' % text


for k in range(1, 7):
    T(E, 'x^%d*exp(a*x)' % k if k > 1 else 'x*exp(a*x)', xk_exp(k), [SYM, N1, {'a': '-1/2'}] if k <= 3 else STD)
T(E, 'x*exp(a*x)', 'exp(a*x)*(a*x - 1)/a^2')
T(E, 'exp(a*x)*sin(b*x)', 'exp(a*x)*(a*sin(b*x) - b*cos(b*x))/(a^2 + b^2)', STD3)
T(E, 'exp(a*x)*cos(b*x)', 'exp(a*x)*(a*cos(b*x) + b*sin(b*x))/(a^2 + b^2)', STD3)
T(E, 'exp(a*x)*sin(b*x)^2',
  'exp(a*x)/(2*a) - exp(a*x)*(a*cos(2*b*x) + 2*b*sin(2*b*x))/(2*(a^2 + 4*b^2))')
T(E, 'x*exp(a*x)*sin(b*x)',
  'x*exp(a*x)*(a*sin(b*x) - b*cos(b*x))/(a^2 + b^2)'
  ' - exp(a*x)*((a^2 - b^2)*sin(b*x) - 2*a*b*cos(b*x))/(a^2 + b^2)^2')
T(E, 'x*exp(a*x)*cos(b*x)',
  'x*exp(a*x)*(a*cos(b*x) + b*sin(b*x))/(a^2 + b^2)'
  ' - exp(a*x)*((a^2 - b^2)*cos(b*x) + 2*a*b*sin(b*x))/(a^2 + b^2)^2')
T(E, '1/(1 + exp(a*x))', 'x - log(1 + exp(a*x))/a', STD3)
T(E, '1/(b + c*exp(a*x))', 'x/b - log(b + c*exp(a*x))/(a*b)')
T(E, 'exp(a*x)/(b + c*exp(a*x))', 'log(b + c*exp(a*x))/(a*c)')
T(E, '1/(exp(a*x) - 1)', 'log(abs(1 - exp(-a*x)))/a')
T(E, 'exp(a*x)/(exp(a*x) - 1)^2', '-1/(a*(exp(a*x) - 1))')
T(E, '1/(a*exp(x) + b*exp(-x))', 'atan(sqrt(a/b)*exp(x))/sqrt(a*b)')
T(E, 'exp(a*x)/(1 + exp(2*a*x))', 'atan(exp(a*x))/a')
T(E, 'exp(2*a*x)/(exp(a*x) + 1)', '(exp(a*x) - log(exp(a*x) + 1))/a')
T(E, 'x*exp(-a*x^2)', '-exp(-a*x^2)/(2*a)')
T(E, 'x^3*exp(a*x^2)', 'exp(a*x^2)*(a*x^2 - 1)/(2*a^2)')
T(E, 'b^x', 'b^x/log(b)', STD3)
T(E, 'a^(b*x)', 'a^(b*x)/(b*log(a))')
T(E, 'exp(sqrt(x))', '2*exp(sqrt(x))*(sqrt(x) - 1)')
T(E, 'exp(x)/sqrt(exp(x) + a)', '2*sqrt(exp(x) + a)')
T(E, 'exp(x)*sqrt(exp(x) + a)', '2*(exp(x) + a)^(3/2)/3')

# logarithmic (G&R 2.7; CRC: logarithmic forms)
L = 'logarithmic'
T(L, 'log(x)', 'x*log(x) - x')
T(L, 'log(abs(x))', 'x*log(abs(x)) - x')
T(L, 'log(a*x + b)', '(a*x + b)*log(a*x + b)/a - x', STD3)
T(L, 'x*log(x)', 'x^2*log(x)/2 - x^2/4')
T(L, 'x^n*log(x)', 'x^(n + 1)*(log(x)/(n + 1) - 1/(n + 1)^2)', [SYM, {'n': '2'}, {'n': '-3'}, {'n': '1/2'}])
T(L, 'x^2*log(a*x)', 'x^3*log(a*x)/3 - x^3/9')
T(L, 'log(x)^2', 'x*log(x)^2 - 2*x*log(x) + 2*x')
T(L, 'log(x)^3', 'x*(log(x)^3 - 3*log(x)^2 + 6*log(x) - 6)')
T(L, 'x*log(x)^2', 'x^2*(log(x)^2 - log(x) + 1/2)/2')
T(L, 'log(x)/x', 'log(x)^2/2')
T(L, 'log(a*x)/x', 'log(a*x)^2/2')
T(L, 'log(x)^n/x', 'log(x)^(n + 1)/(n + 1)', [SYM, {'n': '2'}, {'n': '-3'}])
T(L, '1/(x*log(x))', 'log(log(x))')
T(L, '1/(x*(a + b*log(x)))', 'log(a + b*log(x))/b', STD3)
T(L, 'log(x)/x^2', '-(log(x) + 1)/x')
T(L, 'log(x)/sqrt(x)', '2*sqrt(x)*(log(x) - 2)')
T(L, 'log(log(x))/x', 'log(x)*log(log(x)) - log(x)')
T(L, 'log(x^2 + a^2)', 'x*log(x^2 + a^2) - 2*x + 2*a*atan(x/a)', STD3)
T(L, 'log(x^2 - a^2)', 'x*log(x^2 - a^2) - 2*x + a*log((x + a)/(x - a))')
T(L, 'x*log(a*x + b)', '(x^2/2 - b^2/(2*a^2))*log(a*x + b) - x^2/4 + b*x/(2*a)')
T(L, 'log(x)/(a*x + b)^2', 'x*log(x)/(b*(a*x + b)) - log(a*x + b)/(a*b)')
T(L, 'log(a + b*x)/x^2', '-log(a + b*x)/x + b*log(x/(a + b*x))/a')
T(L, 'log(1 + a/x)', 'x*log(1 + a/x) + a*log(x + a)')
T(L, 'log(x + sqrt(x^2 + a^2))', 'x*log(x + sqrt(x^2 + a^2)) - sqrt(x^2 + a^2)')
T(L, 'sin(log(x))', 'x*(sin(log(x)) - cos(log(x)))/2')
T(L, 'cos(log(x))', 'x*(sin(log(x)) + cos(log(x)))/2')

# trigonometric (G&R 2.5, 2.6; CRC: trigonometric forms)
S = 'trigonometric'
T(S, 'sin(a*x)', '-cos(a*x)/a', STD3)
T(S, 'cos(a*x)', 'sin(a*x)/a', STD3)
T(S, 'tan(a*x)', '-log(abs(cos(a*x)))/a', STD3)
T(S, 'cos(a*x)/sin(a*x)', 'log(abs(sin(a*x)))/a')
T(S, 'sin(a*x)^2', 'x/2 - sin(2*a*x)/(4*a)', STD3)
T(S, 'cos(a*x)^2', 'x/2 + sin(2*a*x)/(4*a)', STD3)
T(S, 'sin(a*x)^3', 'cos(a*x)^3/(3*a) - cos(a*x)/a')
T(S, 'cos(a*x)^3', 'sin(a*x)/a - sin(a*x)^3/(3*a)')
T(S, 'sin(a*x)^4', '3*x/8 - sin(2*a*x)/(4*a) + sin(4*a*x)/(32*a)')
T(S, 'tan(a*x)^2', 'tan(a*x)/a - x')
T(S, 'tan(a*x)^3', 'tan(a*x)^2/(2*a) + log(abs(cos(a*x)))/a')
T(S, '1/cos(a*x)^2', 'tan(a*x)/a')
T(S, '1/sin(a*x)^2', '-cos(a*x)/(a*sin(a*x))')
T(S, '1/sin(a*x)', 'log(abs(tan(a*x/2)))/a', STD3)
T(S, '1/cos(a*x)', 'log(abs(1/cos(a*x) + tan(a*x)))/a', STD3)
T(S, 'sin(a*x)/cos(a*x)^2', '1/(a*cos(a*x))')
T(S, 'sin(a*x)*cos(a*x)', 'sin(a*x)^2/(2*a)')
T(S, 'sin(a*x)^n*cos(a*x)', 'sin(a*x)^(n + 1)/((n + 1)*a)')
T(S, 'sin(a*x)*cos(a*x)^n', '-cos(a*x)^(n + 1)/((n + 1)*a)')
T(S, 'x*sin(a*x)', 'sin(a*x)/a^2 - x*cos(a*x)/a', STD3)
T(S, 'x*cos(a*x)', 'cos(a*x)/a^2 + x*sin(a*x)/a', STD3)
T(S, 'x^2*sin(a*x)', '2*x*sin(a*x)/a^2 - (a^2*x^2 - 2)*cos(a*x)/a^3')
T(S, 'x^2*cos(a*x)', '2*x*cos(a*x)/a^2 + (a^2*x^2 - 2)*sin(a*x)/a^3')
T(S, 'x/cos(a*x)^2', 'x*tan(a*x)/a + log(abs(cos(a*x)))/a^2')
T(S, 'x*sin(a*x^2)', '-cos(a*x^2)/(2*a)')
T(S, 'sin(a*x)*sin(b*x)', 'sin((a - b)*x)/(2*(a - b)) - sin((a + b)*x)/(2*(a + b))', STD3)
T(S, 'sin(a*x)*cos(b*x)', '-cos((a - b)*x)/(2*(a - b)) - cos((a + b)*x)/(2*(a + b))')
T(S, 'cos(a*x)*cos(b*x)', 'sin((a - b)*x)/(2*(a - b)) + sin((a + b)*x)/(2*(a + b))')
T(S, '1/(a + b*cos(x))',
  'x/sqrt(a^2 - b^2) - 2*atan(b*sin(x)/(a + sqrt(a^2 - b^2) + b*cos(x)))/sqrt(a^2 - b^2)',
  [SYM, {'a': '5', 'b': '3'}, {'a': '2', 'b': '1'}])
T(S, '1/(1 + sin(a*x))', 'tan(a*x/2 - pi/4)/a')
T(S, '1/(1 - cos(a*x))', '-cos(a*x/2)/(a*sin(a*x/2))')
T(S, 'cos(x)/(a + b*sin(x))', 'log(abs(a + b*sin(x)))/b')
T(S, 'sin(sqrt(x))', '2*sin(sqrt(x)) - 2*sqrt(x)*cos(sqrt(x))')

# hyperbolic (G&R 2.4; CRC: hyperbolic forms)
H = 'hyperbolic'
T(H, 'sinh(a*x)', 'cosh(a*x)/a', STD3)
T(H, 'cosh(a*x)', 'sinh(a*x)/a', STD3)
T(H, 'tanh(a*x)', 'log(cosh(a*x))/a', STD3)
T(H, 'cosh(a*x)/sinh(a*x)', 'log(abs(sinh(a*x)))/a')
T(H, 'sinh(a*x)^2', 'sinh(2*a*x)/(4*a) - x/2', STD3)
T(H, 'cosh(a*x)^2', 'sinh(2*a*x)/(4*a) + x/2', STD3)
T(H, 'sinh(a*x)^3', 'cosh(a*x)^3/(3*a) - cosh(a*x)/a')
T(H, 'cosh(a*x)^3', 'sinh(a*x)/a + sinh(a*x)^3/(3*a)')
T(H, 'tanh(a*x)^2', 'x - tanh(a*x)/a')
T(H, 'tanh(a*x)^3', 'log(cosh(a*x))/a - tanh(a*x)^2/(2*a)')
T(H, '1/cosh(a*x)^2', 'tanh(a*x)/a')
T(H, '1/sinh(a*x)^2', '-cosh(a*x)/(a*sinh(a*x))')
T(H, '1/cosh(a*x)', '2*atan(exp(a*x))/a', STD3)
T(H, '1/cosh(a*x)', 'atan(sinh(a*x))/a')
T(H, '1/sinh(a*x)', 'log(abs(tanh(a*x/2)))/a', STD3)
T(H, '1/(1 + cosh(a*x))', 'tanh(a*x/2)/a')
T(H, 'sinh(a*x)/cosh(a*x)^2', '-1/(a*cosh(a*x))')
T(H, 'sinh(a*x)*cosh(a*x)', 'sinh(a*x)^2/(2*a)')
T(H, 'cosh(a*x)/(b + sinh(a*x))', 'log(abs(b + sinh(a*x)))/a')
T(H, 'x*sinh(a*x)', 'x*cosh(a*x)/a - sinh(a*x)/a^2', STD3)
T(H, 'x*cosh(a*x)', 'x*sinh(a*x)/a - cosh(a*x)/a^2', STD3)
T(H, 'x^2*cosh(a*x)', '(x^2/a + 2/a^3)*sinh(a*x) - 2*x*cosh(a*x)/a^2')
T(H, 'x/cosh(a*x)^2', 'x*tanh(a*x)/a - log(cosh(a*x))/a^2')
T(H, 'exp(a*x)*sinh(b*x)', 'exp(a*x)*(a*sinh(b*x) - b*cosh(b*x))/(a^2 - b^2)')
T(H, 'exp(a*x)*cosh(b*x)', 'exp(a*x)*(a*cosh(b*x) - b*sinh(b*x))/(a^2 - b^2)')
T(H, 'sinh(a*x)*sinh(b*x)', '(a*cosh(a*x)*sinh(b*x) - b*sinh(a*x)*cosh(b*x))/(a^2 - b^2)', STD3)
T(H, 'sinh(a*x)*cosh(b*x)', '(a*cosh(a*x)*cosh(b*x) - b*sinh(a*x)*sinh(b*x))/(a^2 - b^2)')
T(H, 'cosh(a*x)*cosh(b*x)', '(a*sinh(a*x)*cosh(b*x) - b*cosh(a*x)*sinh(b*x))/(a^2 - b^2)')
T(H, 'sin(a*x)*sinh(b*x)', '(b*cosh(b*x)*sin(a*x) - a*sinh(b*x)*cos(a*x))/(a^2 + b^2)')
T(H, 'cosh(a*x)*cos(b*x)', '(a*sinh(a*x)*cos(b*x) + b*cosh(a*x)*sin(b*x))/(a^2 + b^2)')

# inverse trigonometric (G&R 2.8; CRC: inverse trigonometric forms)
I = 'inverse-trig'
T(I, 'asin(x/a)', 'x*asin(x/a) + sqrt(a^2 - x^2)', STD3)
T(I, 'acos(x/a)', 'x*acos(x/a) - sqrt(a^2 - x^2)', STD3)
T(I, 'atan(x/a)', 'x*atan(x/a) - a*log(x^2 + a^2)/2', STD3)
T(I, 'asin(a*x)', 'x*asin(a*x) + sqrt(1 - a^2*x^2)/a')
T(I, 'acos(a*x)', 'x*acos(a*x) - sqrt(1 - a^2*x^2)/a')
T(I, 'atan(a*x)', 'x*atan(a*x) - log(1 + a^2*x^2)/(2*a)')
T(I, 'atan(a*x + b)', '((a*x + b)*atan(a*x + b) - log(1 + (a*x + b)^2)/2)/a')
T(I, 'x*asin(x/a)', '(x^2/2 - a^2/4)*asin(x/a) + x*sqrt(a^2 - x^2)/4')
T(I, 'x*acos(x/a)', '(x^2/2 - a^2/4)*acos(x/a) - x*sqrt(a^2 - x^2)/4')
T(I, 'x*atan(x/a)', '(x^2 + a^2)*atan(x/a)/2 - a*x/2', STD3)
T(I, 'x^2*asin(x/a)', 'x^3*asin(x/a)/3 + (x^2 + 2*a^2)*sqrt(a^2 - x^2)/9')
T(I, 'x^2*atan(x/a)', 'x^3*atan(x/a)/3 - a*x^2/6 + a^3*log(x^2 + a^2)/6')
T(I, 'asin(x/a)^2', 'x*asin(x/a)^2 - 2*x + 2*sqrt(a^2 - x^2)*asin(x/a)')
T(I, 'acos(x)^2', 'x*acos(x)^2 - 2*sqrt(1 - x^2)*acos(x) - 2*x')
T(I, 'atan(x/a)/x^2', '-atan(x/a)/x - log((x^2 + a^2)/x^2)/(2*a)')
T(I, 'asin(x/a)/x^2', '-asin(x/a)/x - log((a + sqrt(a^2 - x^2))/abs(x))/a')
T(I, 'atan(x)/(1 + x^2)', 'atan(x)^2/2')
T(I, 'asin(x)/sqrt(1 - x^2)', 'asin(x)^2/2')
T(I, 'x*asin(x)/sqrt(1 - x^2)', 'x - sqrt(1 - x^2)*asin(x)')
T(I, 'atan(sqrt(x))', '(x + 1)*atan(sqrt(x)) - sqrt(x)')
T(I, 'asin(sqrt(x))', '(x - 1/2)*asin(sqrt(x)) + sqrt(x - x^2)/2')
T(I, 'exp(a*x)*atan(exp(a*x))', '(exp(a*x)*atan(exp(a*x)) - log(1 + exp(2*a*x))/2)/a')

# inverse hyperbolic (G&R 2.7; CRC: inverse hyperbolic forms)
J = 'inverse-hyperbolic'
T(J, 'asinh(x/a)', 'x*asinh(x/a) - sqrt(x^2 + a^2)', STD3)
T(J, 'acosh(x/a)', 'x*acosh(x/a) - sqrt(x^2 - a^2)', STD3)
T(J, 'atanh(x/a)', 'x*atanh(x/a) + a*log(a^2 - x^2)/2', STD3)
T(J, 'asinh(a*x)', 'x*asinh(a*x) - sqrt(1 + a^2*x^2)/a', STD3)
T(J, 'acosh(a*x)', 'x*acosh(a*x) - sqrt(a^2*x^2 - 1)/a')
T(J, 'atanh(a*x)', 'x*atanh(a*x) + log(1 - a^2*x^2)/(2*a)', STD3)
T(J, 'atanh(a*x + b)', '((a*x + b)*atanh(a*x + b) + log(1 - (a*x + b)^2)/2)/a',
  [SYM, {'a': '1/2', 'b': '1/3'}, {'a': '2', 'b': '-1/2'}], {'a': '0.3', 'b': '0.2'})
T(J, 'x*asinh(x/a)', '(x^2/2 + a^2/4)*asinh(x/a) - x*sqrt(x^2 + a^2)/4')
T(J, 'x*acosh(x/a)', '(x^2/2 - a^2/4)*acosh(x/a) - x*sqrt(x^2 - a^2)/4')
T(J, 'x*atanh(x/a)', '(x^2 - a^2)*atanh(x/a)/2 + a*x/2', STD3)
T(J, 'x^2*asinh(x/a)', 'x^3*asinh(x/a)/3 + (2*a^2 - x^2)*sqrt(x^2 + a^2)/9')
T(J, 'x^2*atanh(x/a)', 'x^3*atanh(x/a)/3 + a*x^2/6 + a^3*log(a^2 - x^2)/6')
T(J, 'asinh(x)^2', 'x*asinh(x)^2 - 2*sqrt(1 + x^2)*asinh(x) + 2*x')
T(J, 'acosh(x)^2', 'x*acosh(x)^2 - 2*sqrt(x^2 - 1)*acosh(x) + 2*x')
T(J, 'asinh(x)/sqrt(1 + x^2)', 'asinh(x)^2/2')
T(J, 'acosh(x)/sqrt(x^2 - 1)', 'acosh(x)^2/2')
T(J, 'atanh(x)/(1 - x^2)', 'atanh(x)^2/2')
T(J, 'atanh(x)/x^2', '-atanh(x)/x + log(abs(x)) - log(1 - x^2)/2')
T(J, 'asinh(x)/x^2', '-asinh(x)/x - log((1 + sqrt(1 + x^2))/abs(x))')
T(J, 'asinh(sqrt(x))', '(x + 1/2)*asinh(sqrt(x)) - sqrt(x*(1 + x))/2')
T(J, 'x/sqrt(1 + x^2)*asinh(x)', 'sqrt(1 + x^2)*asinh(x) - x')


# --- building the table --------------------------------------------------------------------------

def fill(text, sub):
    def rep(m):
        v = sub.get(m.group(1), m.group(1))
        return v if re.fullmatch(r'[A-Za-z_]\w*|\d+', v) else '(%s)' % v
    return re.sub(r'\b([%s])\b' % PARAMS, rep, text)


def build_table():
    pairs, seen, counter = [], set(), {}
    prefix = {c: c[0].upper() + ('H' if c == 'inverse-hyperbolic' else '') for c in CATEGORIES}
    prefix['inverse-trig'] = 'I'
    for t in TEMPLATES:
        counter[t['cat']] = counter.get(t['cat'], 0) + 1
        names = sorted(set(re.findall(r'\b([%s])\b' % PARAMS, t['f'] + ' ' + t['F'])))
        for k, v in enumerate(t['variants'] if names else [{}]):
            sub = {p: v.get(p, SYM[p] if v is SYM else N1[p]) for p in names}
            f, F = fill(t['f'], sub), fill(t['F'], sub)
            if (f, F) in seen:
                continue
            seen.add((f, F))
            symbolic = sorted(p for p in names if sub[p] == p)
            pairs.append(dict(id='%s%02d.%d' % (prefix[t['cat']], counter[t['cat']], k + 1),
                              cat=t['cat'], f=f, F=F, symbolic=symbolic,
                              values={p: t['values'][p] for p in symbolic}))
    return pairs


# --- the numerical check ---------------------------------------------------------------------------

POINTS = [-7.3, -4.6, -2.9, -1.7, -1.13, -0.71, -0.37, -0.13, 0.11, 0.29, 0.53, 0.83, 1.07, 1.61,
          2.33, 3.7, 5.9, 8.3]


def python_text(text):
    return text.replace('^', '**')


class Checker:
    """Evaluates ddx expressions with mpmath (or math, real values only): either with every
    intermediate value real, or in complex arithmetic with principal branches (as GiNaC's
    functions of ddx's real symbols)."""

    FUNCTIONS = 'sqrt exp log sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh'.split()

    def __init__(self):
        try:
            import mpmath
            mp = mpmath.mp
            mp.dps = 30
            self.kind = 'mpmath %s, 30 digits' % mpmath.__version__

            def real(v):
                if isinstance(v, (mpmath.mpc, complex)):
                    raise ValueError('not real')
                return v
            self.ns = {name: (lambda g: (lambda v: real(g(real(v)))))(getattr(mp, name)) for name in self.FUNCTIONS}
            self.ns.update(abs=lambda v: mp.fabs(real(v)), pi=mp.pi, M=mp.mpf)
            self.cns = {name: getattr(mp, name) for name in self.FUNCTIONS}
            self.cns.update(abs=lambda v: mp.fabs(real(v)), pi=mp.pi, M=mp.mpf)
            self.num = mp.mpf
            self.eps = mp.mpf('1e-30')
            self.h = lambda x: mp.mpf('1e-9') * max(1, abs(x))
            self.real = real
        except ImportError:
            self.kind = "Python's math, doubles (mpmath is missing: the complex checks are skipped)"

            def real(v):
                if isinstance(v, complex):
                    raise ValueError('not real')
                return v
            self.ns = {name: getattr(math, name) for name in self.FUNCTIONS}
            self.ns.update(abs=abs, pi=math.pi, M=float)

            self.cns = None  # cmath's values on the branch cuts differ from mpmath's: no complex check
            self.num = float
            self.eps = 2.3e-16
            self.h = lambda x: 1e-4 * max(1, abs(x))  # with Richardson's extrapolation below
            self.real = real
        self.fast = {name: getattr(math, name) for name in self.FUNCTIONS}
        self.fast.update(abs=abs, pi=math.pi, M=float)
        self.codes = {}

    def code(self, text, exact):
        key = (text, exact)
        if key not in self.codes:
            t = python_text(text)
            if exact:  # numbers as mpf, so that 1/3 is a 30-digit third
                t = re.sub(r'(?<![\w.])(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)', r'M("\1")', t)
            self.codes[key] = compile(t, '<pair>', 'eval')
        return self.codes[key]

    def value(self, text, x, params, cplx=False):
        env = dict(params, x=x)
        if cplx:
            return eval(self.code(text, True), self.cns, env)
        return self.real(eval(self.code(text, True), self.ns, env))

    def fvalue(self, text, x, params):  # doubles, for the scan
        env = dict(params, x=x)
        v = eval(self.code(text, False), self.fast, env)
        if isinstance(v, complex) or not math.isfinite(v):
            raise ValueError('not real')
        return v

    def derivative_check(self, f, F, params, cplx=False):
        """F' against f at the POINTS where f and F are real and finite (with cplx: finite,
        complex values allowed). Returns (points checked, first mismatch or None)."""
        if cplx and self.cns is None:
            return 0, None
        params = {k: self.num(v) for k, v in params.items()}
        checked = 0
        for x0 in POINTS:
            x = self.num(repr(x0))
            h = self.h(x0)
            try:
                fv = self.value(f, x, params, cplx)
                Fp, Fm = self.value(F, x + h, params, cplx), self.value(F, x - h, params, cplx)
                self.value(F, x, params, cplx)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                continue
            if not all(math.isfinite(float(abs(v))) for v in (fv, Fp, Fm)):
                continue
            d = (Fp - Fm) / (2 * h)
            if self.eps > 1e-20:  # doubles: Richardson's extrapolation from h and h/2, error O(h^4)
                try:
                    d2 = (self.value(F, x + h / 2, params, cplx) - self.value(F, x - h / 2, params, cplx)) / h
                except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                    continue
                d = (4 * d2 - d) / 3
            checked += 1
            # a relative 1e-6, plus the rounding of F's difference (F large, f small)
            if abs(d - fv) > 1e-6 * max(abs(fv), abs(d)) + 100 * self.eps * max(abs(Fp), abs(Fm), 1) / h:
                return checked, 'x = %g: (F(x+h) - F(x-h))/2h = %s, f = %s' % (
                    x0, self.show(d), self.show(fv))
        return checked, None

    RESIDUAL_TOLERANCE = 1e-9

    def residual_check(self, text, f, F, params):
        """ddx's printed result `text` for F' - f, which must vanish, at the POINTS where f and
        F are real and finite: a dict with 'zero' (points where |text| <= 1e-9 |f|),
        'nonzero' ((x, value, f) where not), 'undefined' (x where text has no finite value),
        or 'unreadable' (why text cannot be evaluated at all). Complex intermediate values are
        allowed (principal branches): that is what ddx's printed expression means for real
        symbols, and a result may pass through them where f and F are real (sqrt(x + 1)*sqrt(x - 1)
        for x < -1)."""
        params = {k: self.num(v) for k, v in params.items()}
        cplx = self.cns is not None
        out = dict(zero=0, nonzero=[], undefined=[], unreadable=None)
        try:
            self.code(text, True)
        except SyntaxError as err:
            out['unreadable'] = 'not in the table\'s syntax: %s' % err.msg
            return out
        for x0 in POINTS:
            x = self.num(repr(x0))
            try:
                fv, Fv = self.value(f, x, params), self.value(F, x, params)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                continue
            if not (math.isfinite(float(fv)) and math.isfinite(float(Fv))):
                continue
            try:
                r = self.value(text, x, params, cplx)
                finite = math.isfinite(float(abs(r)))
            except NameError as err:  # a function the table does not use
                out['unreadable'] = str(err)
                return out
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                finite = False
            if not finite:
                out['undefined'].append(x0)
            # plus the evaluation's own rounding, for a point where f is close to 0
            elif abs(r) <= self.RESIDUAL_TOLERANCE * abs(fv) + 1e3 * self.eps:
                out['zero'] += 1
            else:
                out['nonzero'].append((x0, r, fv))
        return out

    @staticmethod
    def show(v):
        if isinstance(v, (int, float)) or not hasattr(v, 'imag') or v.imag == 0:
            return '%.10g' % float(v.real if hasattr(v, 'real') else v)
        return '%.10g%+.10gi' % (float(v.real), float(v.imag))

    def jump_scan(self, f, F, params):
        """A jump of F on [-8.5, 8.5] where f stays finite: where it is, or None. Where F's
        increment over a step of 0.02 differs from Simpson's rule for f, the step is halved
        down to 1e-10, keeping the half that differs more: a jump stays (F's increment over
        the last interval is far above f's values times its width), an error of Simpson's
        rule (f steep, or a pole of f inside) goes."""
        params = {k: float(v) for k, v in params.items()}

        def at(x):
            try:
                return self.fvalue(F, x, params), self.fvalue(f, x, params)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return None

        def gap(lo, hi):  # (F's increment - Simpson, F's increment, max |f|) or None
            a, m, b = at(lo), at((lo + hi) / 2), at(hi)
            if a is None or m is None or b is None:
                return None
            simpson = (hi - lo) / 6 * (a[1] + 4 * m[1] + b[1])
            return (b[0] - a[0]) - simpson, b[0] - a[0], max(abs(a[1]), abs(m[1]), abs(b[1])), simpson

        step, offset = 0.02, 0.0037  # off the round numbers where an F may be undefined (atan(1/x))
        for i in range(-425, 425):
            lo, hi = i * step + offset, (i + 1) * step + offset
            g = gap(lo, hi)
            if g is None or abs(g[0]) <= 1e-3 * (1 + abs(g[3])):
                continue
            while hi - lo > 1e-10:
                mid = (lo + hi) / 2
                left, right = gap(lo, mid), gap(mid, hi)
                if left is None or right is None:
                    break
                lo, hi = (lo, mid) if abs(left[0]) >= abs(right[0]) else (mid, hi)
            try:  # the last interval again with the check's precision (doubles cancel near poles)
                exact = {k: self.num(v) for k, v in params.items()}
                xl, xh = self.num(repr(lo)), self.num(repr(hi))
                rise = self.value(F, xh, exact) - self.value(F, xl, exact)
                fmax = max(abs(self.value(f, x, exact)) for x in (xl, (xl + xh) / 2, xh))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                continue
            if abs(rise) > 1e-6 and abs(rise) > 100 * fmax * (xh - xl):
                return 'x = %.6g: F rises %.6g over %.1e, f at most %.6g there' % (lo, rise, hi - lo, fmax)
        return None


def check_table(pairs):
    """Checks every pair; marks needs_pos. Returns the list of failures (text)."""
    chk = Checker()
    failures = []
    for p in pairs:
        n, bad = chk.derivative_check(p['f'], p['F'], p['values'])
        if bad is None and n < 3:
            bad = 'only %d points where f and F are real and finite' % n
        if bad is None:
            bad = chk.jump_scan(p['f'], p['F'], p['values'])
            if bad is not None:
                bad = 'F jumps (a branch constant) at ' + bad
        if bad is not None:
            failures.append('%s [%s]: f = %s, F = %s: %s' % (p['id'], p['cat'], p['f'], p['F'], bad))
            continue
        # Is it an identity for every real x (complex intermediate values, principal
        # branches), as ddx's simplify must see it? And for parameters of either sign?
        p['domain_only'] = chk.derivative_check(p['f'], p['F'], p['values'], cplx=True)[1] is not None
        p['needs_pos'] = False
        syms = [s for s in p['symbolic'] if s != 'n']
        patterns = [[s] for s in syms] + ([syms] if len(syms) > 1 else [])
        for neg in patterns:
            vals = {k: ('-' + v if k in neg else v) for k, v in p['values'].items()}
            if (chk.derivative_check(p['f'], p['F'], vals)[1] is not None
                    or chk.derivative_check(p['f'], p['F'], vals, cplx=True)[1] is not None):
                p['needs_pos'] = True
                break
    return failures, chk.kind


# --- ddx ------------------------------------------------------------------------------------------

def statement(p):
    return 'simplify(diff(%s, x) - (%s))' % (p['F'], p['f'])


def run_ddx(ddx, pairs, limit):
    seconds = max(1, math.ceil(limit))  # ddx --timeout takes whole seconds
    def one(text):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            r = subprocess.run([ddx, '--timeout', str(seconds), '-e', text], capture_output=True,
                               text=True, timeout=limit + 30)
            out, err, rc = r.stdout, r.stderr, r.returncode
        except subprocess.TimeoutExpired:
            out, err, rc = '', 'killed after %g s' % (limit + 30), -9
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return out, err, rc, cpu

    out, err, rc, _ = one('0')
    if rc != 0 or out.strip() != '0':
        raise RuntimeError('`%s --timeout %d -e 0` does not print 0: %s' % (ddx, seconds, (err or out).strip()[:300]))
    startup = statistics.median(one('0')[3] for _ in range(5))
    for p in pairs:
        out, err, rc, cpu = one(statement(p))
        p['ddx_seconds'] = cpu
        lines = out.splitlines()
        p['ddx_zero'] = rc == 0 and lines == ['0']
        if rc != 0:
            p['ddx_out'] = 'ERROR ' + (err.strip().splitlines() or ['exit %d' % rc])[0]
        else:
            p['ddx_out'] = ' '.join(lines)
    return startup


# --- SymPy ------------------------------------------------------------------------------------------

def worker(limit):
    w = Worker(['x'] + list(PARAMS), positive=True)
    sp, names = w.sympy, w.names
    # Warm up (not timed): SymPy imports parts of itself at their first use.
    sp.simplify(sp.diff(sp.log(sp.Abs(names['x'] + sp.sqrt(names['x']**2 + 1))), names['x'])
                - 1/sp.sqrt(names['x']**2 + 1) + sp.sin(names['x'])**2 + sp.cos(names['x'])**2)
    for line in sys.stdin:
        job = json.loads(line)
        answer = {'id': job['id'], 'timeout': False}
        try:
            f, F = w.parse(job['f']), w.parse(job['F'])
            r, answer['seconds'] = w.timed(limit, lambda: sp.simplify(sp.diff(F, names['x']) - f))
            answer['zero'] = r == 0
            answer['out'] = sp.sstr(r)[:300].replace('**', '^')
        except Timeout:
            answer.update(seconds=limit, zero=False, out='TIMEOUT', timeout=True)
        except Exception as err:  # a SymPy failure is a miss, not fatal
            answer.update(seconds=0.0, zero=False, out='ERROR %s: %s' % (type(err).__name__, str(err)[:200]))
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()
        if answer['timeout']:
            return  # start afresh: the interrupted simplify may have left state behind


def run_sympy(pairs, limit, jobs):
    import queue
    todo = queue.Queue()
    for p in pairs:
        todo.put(p)
    lock = threading.Lock()
    grace = 10.0

    def spawn():
        # A fixed hash seed: SymPy's time on some cases varies tenfold with the seed (set order).
        return subprocess.Popen(['/usr/bin/python3', os.path.abspath(__file__), '--worker', str(limit)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                env=dict(os.environ, PYTHONHASHSEED='0'))

    def serve():
        proc = spawn()
        while True:
            try:
                p = todo.get_nowait()
            except queue.Empty:
                break
            proc.stdin.write(json.dumps({'id': p['id'], 'f': p['f'], 'F': p['F']}) + '\n')
            proc.stdin.flush()
            line = reply_within(proc, limit, grace, poll=0.5, wall_factor=10)
            if not line:  # stuck in C code or crashed: kill it, count a timeout
                proc.kill()
                proc.wait()
                answer = {'seconds': limit, 'zero': False, 'out': 'TIMEOUT (worker killed)', 'timeout': True}
                proc = spawn()
            else:
                answer = json.loads(line)
                if answer['timeout']:  # the worker stops after a timeout: start a fresh one
                    proc.stdin.close()
                    proc.wait()
                    proc = spawn()
            with lock:
                p['sympy_zero'] = answer['zero']
                p['sympy_seconds'] = answer['seconds']
                p['sympy_out'] = answer['out']
                p['sympy_timeout'] = answer['timeout']
        proc.stdin.close()
        proc.wait()

    threads = [threading.Thread(target=serve) for _ in range(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


# --- report --------------------------------------------------------------------------------------

def share(ok, n):
    return '%d/%d (%.0f%%)' % (ok, n, 100.0 * ok / n) if n else '-'


def short(text, n=110):
    return text if len(text) <= n else text[:n - 3] + '...'


def residual_text(r):
    if r['unreadable']:
        return 'not evaluated: ' + r['unreadable']
    parts = []
    if r['nonzero']:
        x0, v, fv = r['nonzero'][0]
        parts.append('nonzero at %d of %d points, %s at x = %g (f = %s)' % (
            len(r['nonzero']), len(r['nonzero']) + r['zero'], Checker.show(v), x0, Checker.show(fv)))
    elif r['zero']:
        parts.append('vanishes at all %d points' % r['zero'])
    if r['undefined']:
        parts.append('no finite value at x = %s' % ', '.join('%g' % x for x in r['undefined']))
    return '; '.join(parts) or 'no point where f and F are real and finite'


def machine():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as fh:
            for l in fh:
                if l.startswith('model name'):
                    cpu = l.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    osname = ''
    try:
        with open('/etc/os-release') as fh:
            for l in fh:
                if l.startswith('PRETTY_NAME='):
                    osname = l.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    load = ''
    try:
        with open('/proc/loadavg') as fh:
            load = ' '.join(fh.read().split()[:3])
    except OSError:
        pass
    return '%s, %d cores (%s), %s, Python %s; load average %s' % (
        platform.machine(), os.cpu_count() or 0, cpu or 'unknown CPU', osname or 'unknown OS',
        platform.python_version(), load)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('ddx', nargs='?')
    ap.add_argument('--sympy', action='store_true')
    ap.add_argument('--limit', type=float, default=5.0)
    ap.add_argument('--every', type=int, default=1)
    ap.add_argument('--only', help='the pairs whose id matches this regular expression')
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--details')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--worker', type=float)
    args = ap.parse_args()
    if args.worker is not None:
        worker(args.worker)
        return 0

    t_start = time.time()
    pairs = build_table()
    failures, kind = check_table(pairs)
    if failures:
        for fl in failures:
            print('zero_table.py: pair fails the check: ' + fl, file=sys.stderr)
        print('zero_table.py: %d of %d pairs fail the numerical check; fix or drop them' % (len(failures), len(pairs)),
              file=sys.stderr)
        return 1
    counts = {c: sum(p['cat'] == c for p in pairs) for c in CATEGORIES}
    if args.list:
        print('id\tcategory\tneeds_pos\tdomain_only\tf\tF')
        for p in pairs:
            print('%s\t%s\t%s\t%s\t%s\t%s' % (p['id'], p['cat'], 'yes' if p['needs_pos'] else 'no',
                                          'yes' if p['domain_only'] else 'no', p['f'], p['F']))
        print('# %d pairs: %s' % (len(pairs), ', '.join('%s %d' % (c, counts[c]) for c in CATEGORIES)), file=sys.stderr)
        return 0
    if not args.ddx:
        ap.error('the ddx program is required (or --list)')
    if not (os.path.isfile(args.ddx) and os.access(args.ddx, os.X_OK)):
        print('zero_table.py: no ddx program at %s' % args.ddx, file=sys.stderr)
        return 1
    total_pairs = len(pairs)
    if args.only:
        pairs = [p for p in pairs if re.search(args.only, p['id'])]
    if args.every > 1:
        pairs = pairs[::args.every]
    check_seconds = time.time() - t_start

    t0 = time.time()
    try:
        startup = run_ddx(args.ddx, pairs, args.limit)
    except RuntimeError as err:
        print('zero_table.py: %s' % err, file=sys.stderr)
        return 1
    ddx_wall = time.time() - t0

    # A result other than 0 is either a form of 0 that ddx did not see through or a
    # simplification that changed the value: only its values tell the two apart.
    chk = Checker()
    evaluated = [p for p in pairs if not p['ddx_zero'] and not p['ddx_out'].startswith('ERROR')]
    for p in evaluated:
        p['residual'] = chk.residual_check(p['ddx_out'], p['f'], p['F'], p['values'])

    sympy_note = None
    have_sympy = False
    if args.sympy:
        ok = os.path.exists('/usr/bin/python3') and subprocess.run(
            ['/usr/bin/python3', '-c', 'import sympy'], capture_output=True).returncode == 0
        if ok:
            version = subprocess.run(['/usr/bin/python3', '-c', 'import platform, sympy; print(sympy.__version__, "(Python %s)" % platform.python_version())'],
                                     capture_output=True, text=True).stdout.strip()
            t0 = time.time()
            run_sympy(pairs, args.limit, max(1, args.jobs))
            sympy_wall = time.time() - t0
            have_sympy = True
        else:
            sympy_note = 'python3-sympy is not installed for /usr/bin/python3: the SymPy column is skipped'

    # The table.
    print("**Zero recognition on ddx's own table** (bench/zero_table.py: `simplify(diff(F, x) - (f))` "
          "printed as `0`, for pairs (f, F) of standard integral tables)")
    print()
    print('| category | pairs | ddx | SymPy |')
    print('|---|---:|---:|---:|')
    for c in CATEGORIES:
        ps = [p for p in pairs if p['cat'] == c]
        sy = share(sum(p['sympy_zero'] for p in ps), len(ps)) if have_sympy else '-'
        print('| %s | %d | %s | %s |' % (c, len(ps), share(sum(p['ddx_zero'] for p in ps), len(ps)), sy))
    sy = share(sum(p['sympy_zero'] for p in pairs), len(pairs)) if have_sympy else '-'
    print('| **all** | %d | %s | %s |' % (len(pairs), share(sum(p['ddx_zero'] for p in pairs), len(pairs)), sy))
    free = [p for p in pairs if not p['needs_pos'] and not p['domain_only']]
    sy = share(sum(p['sympy_zero'] for p in free), len(free)) if have_sympy else '-'
    print('| of which identities for every real x and parameters of either sign | %d | %s | %s |' % (
        len(free), share(sum(p['ddx_zero'] for p in free), len(free)), sy))
    print()

    notes = []
    sub = ' (one in %d of the %d pairs)' % (args.every, total_pairs) if args.every > 1 else ''
    notes.append('table: %d pairs%s from %d templates, %s; checked when built (%s, F\' against f by central '
                 'differences at every real point of 18 in [-7.3, 8.3], at least 3; no jumps of F), %.1f s; '
                 '%d pairs need positive parameters (F\' differs from f with a parameter negated), %d hold only where '
                 'f and F are real (F\' differs from f at a real x in complex arithmetic, principal branches): '
                 'ddx, whose symbols are real of either sign, cannot print 0 for those' % (
                     len(pairs), sub, len(TEMPLATES), ', '.join('%s %d' % (c, counts[c]) for c in CATEGORIES),
                     kind, check_seconds, sum(p['needs_pos'] for p in pairs),
                     sum(p['domain_only'] for p in pairs)))
    errors = sum(p['ddx_out'].startswith('ERROR') for p in pairs)
    notes.append('ddx: `%s --timeout %d -e STATEMENT`, one process per pair, one at a time: median %.1f ms CPU per '
                 'case (process start-up `-e 0` alone: %.1f ms), %d errors, %.0f s in all' % (
                     args.ddx, max(1, math.ceil(args.limit)), 1000 * statistics.median(p['ddx_seconds'] for p in pairs),
                     1000 * startup, errors, ddx_wall))
    marked = [p for p in evaluated if p['needs_pos'] or p['domain_only']]
    unmarked = [p for p in evaluated if not (p['needs_pos'] or p['domain_only'])]
    wrong_values = [p for p in unmarked if p['residual']['nonzero']]
    marked_nonzero = [p for p in marked if p['residual']['nonzero']]
    undefined = [p for p in evaluated if p['residual']['undefined']]
    unreadable = [p for p in evaluated if p['residual']['unreadable']]
    notes.append('values: where ddx does not print 0, its result is evaluated (%s, complex intermediate values, '
                 'principal branches) at the check\'s points and parameter values where f and F are real and '
                 'finite, and must vanish there (to %g of |f|): wrong %d (of %d unmarked pairs evaluated); '
                 'the %d marked pairs, only reported: %d vanish at every point with a value, %d do not%s; '
                 '%d points in all; %d results without a finite value at some point%s; %d not readable%s' % (
                     chk.kind, Checker.RESIDUAL_TOLERANCE, len(wrong_values), len(unmarked), len(marked),
                     sum(not p['residual']['nonzero'] and p['residual']['zero'] > 0 for p in marked),
                     len(marked_nonzero),
                     ' (%s)' % ', '.join(p['id'] for p in marked_nonzero) if marked_nonzero else '',
                     sum(p['residual']['zero'] + len(p['residual']['nonzero']) for p in evaluated),
                     len(undefined), ' (%s)' % ', '.join(p['id'] for p in undefined) if undefined else '',
                     len(unreadable), ' (%s)' % ', '.join(p['id'] for p in unreadable) if unreadable else ''))
    if have_sympy:
        timeouts = sum(p['sympy_timeout'] for p in pairs)
        serrors = sum(p['sympy_out'].startswith('ERROR') for p in pairs)
        notes.append('SymPy %s, PYTHONHASHSEED=0: x, a, b, c, d, n declared Symbol(..., positive=True); '
                     '`sympy.simplify(sympy.diff(F, x) - f) == 0`, limit %g s CPU per case, %d worker(s): '
                     'median %.0f ms CPU per case (timeouts counted as the limit), %d timeouts, %d errors, '
                     '%.0f s in all' % (version, args.limit, max(1, args.jobs),
                                        1000 * statistics.median(p['sympy_seconds'] for p in pairs),
                                        timeouts, serrors, sympy_wall))
        both = sum(p['ddx_zero'] and p['sympy_zero'] for p in pairs)
        only_d = sum(p['ddx_zero'] and not p['sympy_zero'] for p in pairs)
        only_s = sum(p['sympy_zero'] and not p['ddx_zero'] for p in pairs)
        notes.append('both recognise %d, ddx only %d, SymPy only %d, neither %d' % (
            both, only_d, only_s, len(pairs) - both - only_d - only_s))
    elif sympy_note:
        notes.append(sympy_note)
    notes.append('machine: %s; command: python3 bench/zero_table.py %s' % (machine(), ' '.join(sys.argv[1:])))
    for n in notes:
        print('- ' + n)
    misses = [p for p in pairs if not p['ddx_zero']]
    if misses:
        print('- the first %d of %d pairs ddx does not recognise (statement => ddx\'s output):' % (
            min(15, len(misses)), len(misses)))
        for p in misses[:15]:
            flags = [w for k, w in (('needs_pos', 'needs a > 0'), ('domain_only', 'holds only where real')) if p[k]]
            print('  - %s%s: `%s` => `%s`' % (p['id'], ' (%s)' % ', '.join(flags) if flags else '',
                                              short(statement(p)), short(p['ddx_out'], 80)))
    zero_marked = [p for p in pairs if p['ddx_zero'] and (p['needs_pos'] or p['domain_only'])]
    if zero_marked:
        print('- ddx prints 0 for %d pairs that are not identities for every real x and parameter: %s' % (
            len(zero_marked), ', '.join(p['id'] for p in zero_marked)))
    for title, ps in (('WRONG simplification: ddx\'s result does not vanish where f and F are real and finite, '
                       'for %d unmarked pairs' % len(wrong_values), wrong_values),
                      ('marked pairs whose result does not vanish at some point (may be right: reported only)',
                       marked_nonzero)):
        if ps:
            print('- %s (statement => ddx\'s output: value at the first such point):' % title)
            for p in ps:
                print('  - %s: `%s` => `%s`: %s' % (p['id'], short(statement(p)), short(p['ddx_out'], 80),
                                                   residual_text(p['residual'])))
    for p in pairs:
        p['ddx_values'] = residual_text(p['residual']) if 'residual' in p else ''
    if args.details:
        with open(args.details, 'w') as fh:
            cols = ['id', 'cat', 'needs_pos', 'domain_only', 'f', 'F', 'ddx_zero', 'ddx_seconds', 'ddx_out',
                    'ddx_values']
            if have_sympy:
                cols += ['sympy_zero', 'sympy_seconds', 'sympy_out']
            fh.write('\t'.join(cols) + '\n')
            for p in pairs:
                fh.write('\t'.join(str(p[c]).replace('\t', ' ') for c in cols) + '\n')
        print('- every pair with both results: %s' % args.details)
    if wrong_values:
        print('zero_table.py: ddx\'s result does not vanish for %d unmarked pairs (a wrong simplification): %s' % (
            len(wrong_values), ', '.join(p['id'] for p in wrong_values)), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
