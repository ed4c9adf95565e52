#!/usr/bin/env python3
"""The training row (bench/run.sh, after the network ladder): the 2-16-16-16-1 tanh network
(609 parameters) fitted by L-BFGS to generated rows, ddx's fit against PyTorch.

    nn_train.py DDX_PROGRAM WORK_DIR [--quick]

The data: x1, x2 uniform in [-2, 2] from random.Random(20261207), y = sin(x1)*cos(x2),
10,000 rows (2,000 with --quick) written to WORK_DIR/train.csv with 17 significant digits,
which ddx loads and PyTorch reads back. The start: the weights uniform in +-1/sqrt(fan-in),
the biases in +-0.5 (random.Random(20261208)), the same for both. The objective of both is
the sum over the rows of (y - f(x1, x2))^2.

- ddx: the script a user would write (vars, @, tanh, fit with start = [...],
  method = "lbfgs", steps = 200 (50 with --quick), tol = 0 so that only the step limit
  stops it). Run three times: steps = 0 with an empty compile cache (emit, cc -O2, one
  evaluation), steps = 0 again with the cache warm (the same without cc), and then the full
  run, warm; the time per iteration is (full - warm steps = 0) / iterations.
- PyTorch: torch.optim.LBFGS(lr = 1, max_iter = 200, history_size = 10,
  line_search_fn = "strong_wolfe", tolerance_grad = tolerance_change = 0, max_eval not
  limiting), one step(closure) over the full batch, float64, one thread.

Both use 10 correction pairs and a strong Wolfe line search with c1 = 1e-4, c2 = 0.9; they
differ in the first step's length and the line search's interpolation, so they take
different paths. Prints a Markdown table and notes. Exits 1 when a run fails or the two
losses at the start differ (then the networks or the weights differ).
"""
import math
import os
import random
import re
import subprocess
import sys
import time

import torch

WIDTHS = [2, 16, 16, 16]  # inputs, then the hidden layers; one linear output


def generate(rows, path):
    rng = random.Random(20261207)
    xs, ys = [], []
    with open(path, "w") as f:
        f.write("x1,x2,y\n")
        for _ in range(rows):
            x1, x2 = rng.uniform(-2, 2), rng.uniform(-2, 2)
            x1, x2 = float("%.17g" % x1), float("%.17g" % x2)
            y = float("%.17g" % (math.sin(x1) * math.cos(x2)))
            f.write("%.17g,%.17g,%.17g\n" % (x1, x2, y))
            xs.append([x1, x2])
            ys.append(y)
    return xs, ys


def initial_weights():
    """[(W, b) per hidden layer], v, c as nested lists."""
    rng = random.Random(20261208)
    layers = []
    for l in range(1, len(WIDTHS)):
        s = 1 / math.sqrt(WIDTHS[l - 1])
        W = [[rng.uniform(-s, s) for _ in range(WIDTHS[l - 1])] for _ in range(WIDTHS[l])]
        b = [rng.uniform(-0.5, 0.5) for _ in range(WIDTHS[l])]
        layers.append((W, b))
    s = 1 / math.sqrt(WIDTHS[-1])
    v = [rng.uniform(-s, s) for _ in range(WIDTHS[-1])]
    c = rng.uniform(-0.5, 0.5)
    return layers, v, c


def ddx_script(layers, v, c, steps):
    """The network with vars and @; the parameters [W1, b1, W2, b2, ..., v, c], row-major."""
    lines = ['data = load("train.csv")']
    start = []
    previous = "[" + ", ".join("x%d" % (k + 1) for k in range(WIDTHS[0])) + "]"
    names = []
    for l, (W, b) in enumerate(layers, 1):
        lines.append('W%d = vars("W%d", %d, %d); b%d = vars("b%d", %d)' %
                     (l, l, WIDTHS[l], WIDTHS[l - 1], l, l, WIDTHS[l]))
        lines.append("h%d = tanh(W%d @ %s + b%d)" % (l, l, previous, l))
        previous = "h%d" % l
        names += ["W%d" % l, "b%d" % l]
        start += [w for row in W for w in row] + b
    lines.append('v = vars("v", %d)' % WIDTHS[-1])
    lines.append("loss = (y - (v @ %s + c))^2" % previous)
    names += ["v", "c"]
    start += v + [c]
    lines.append("fit(loss, [%s], data, start = [%s], method = \"lbfgs\", steps = %d, tol = 0)" %
                 (", ".join(names), ", ".join(repr(w) for w in start), steps))
    return "\n".join(lines) + "\n", len(start)


def run_ddx(ddx, work, script, steps, cache):
    """(seconds, summed loss, iterations) of one run of the ddx program."""
    path = os.path.join(work, "train_%d.ddx" % steps)
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    start = time.perf_counter()
    p = subprocess.run([ddx, path], cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    m = re.search(r"^# value (\S+) after (\d+) iterations?", p.stdout, re.M)
    if p.returncode != 0 or not m:
        raise RuntimeError("ddx failed on %s (status %d): %s%s" % (path, p.returncode, p.stderr[-2000:],
                                                                     p.stdout[-500:]))
    note = p.stdout[m.start():].splitlines()[0]
    return seconds, float(m.group(1)), int(m.group(2)), note


def run_torch(xs, ys, layers, v, c, iterations):
    torch.set_num_threads(1)
    f64 = torch.float64
    X, Y = torch.tensor(xs, dtype=f64), torch.tensor(ys, dtype=f64)
    params = []
    for W, b in layers:
        params += [torch.tensor(W, dtype=f64, requires_grad=True), torch.tensor(b, dtype=f64, requires_grad=True)]
    params += [torch.tensor(v, dtype=f64, requires_grad=True), torch.tensor(c, dtype=f64, requires_grad=True)]

    def loss_of():
        h = X
        for k in range(0, len(params) - 2, 2):
            h = torch.tanh(torch.nn.functional.linear(h, params[k], params[k + 1]))
        return ((Y - (h @ params[-2] + params[-1])) ** 2).sum()

    with torch.no_grad():
        start_loss = loss_of().item()
    opt = torch.optim.LBFGS(params, lr=1, max_iter=iterations, max_eval=100 * iterations, tolerance_grad=0,
                            tolerance_change=0, history_size=10, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        return loss

    t0 = time.perf_counter()
    opt.step(closure)
    seconds = time.perf_counter() - t0
    state = opt.state[params[0]]
    with torch.no_grad():
        end_loss = loss_of().item()
    return seconds, start_loss, end_loss, state["n_iter"], state["func_evals"]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv[1:]
    if len(args) != 2:
        print("usage: nn_train.py DDX_PROGRAM WORK_DIR [--quick]", file=sys.stderr)
        return 2
    ddx, work = os.path.abspath(args[0]), os.path.abspath(args[1])
    os.makedirs(work, exist_ok=True)
    rows, iterations = (2000, 50) if quick else (10000, 200)
    xs, ys = generate(rows, os.path.join(work, "train.csv"))
    layers, v, c = initial_weights()
    name = "-".join(map(str, WIDTHS)) + "-1"

    cache = os.path.join(work, "train-cache")
    script0, parameters = ddx_script(layers, v, c, 0)
    script, _ = ddx_script(layers, v, c, iterations)
    try:
        cold, ddx_start, _, _ = run_ddx(ddx, work, script0, 0, cache)
        warm, _, _, _ = run_ddx(ddx, work, script0, 0, cache)
        full, ddx_end, ddx_iterations, ddx_note = run_ddx(ddx, work, script, iterations, cache)
    except RuntimeError as e:
        print("nn_train: %s" % e, file=sys.stderr)
        return 1
    print("nn_train: ddx done", file=sys.stderr, flush=True)
    t_seconds, t_start, t_end, t_iterations, t_evals = run_torch(xs, ys, layers, v, c, iterations)
    print("nn_train: PyTorch done", file=sys.stderr, flush=True)

    same_start = abs(ddx_start - t_start) / abs(t_start)
    ddx_per = (full - warm) / max(ddx_iterations, 1) * 1e3
    torch_per = t_seconds / max(t_iterations, 1) * 1e3
    print("| %s, %s rows, L-BFGS | iterations (evaluations) | ms per iteration | s in all | MSE at the start | "
          "MSE after the iterations |" % (name, format(rows, ",")))
    print("|---|---:|---:|---:|---:|---:|")
    print("| ddx `fit(..., method = \"lbfgs\", steps = %d, tol = 0)` | %d (-) | %.1f | %.2f (cc -O2 %.2f, setup %.2f) "
          "| %.6g | %.6g |" % (iterations, ddx_iterations, ddx_per, full + cold - warm, cold - warm, warm,
                              ddx_start / rows, ddx_end / rows))
    print("| PyTorch %s `LBFGS(max_iter = %d, history_size = 10, line_search_fn = \"strong_wolfe\")` | %d (%d) | "
          "%.1f | %.2f | %.6g | %.6g |" % (torch.__version__, iterations, t_iterations, t_evals, torch_per,
                                          t_seconds, t_start / rows, t_end / rows))
    print()
    print("- training: %s tanh network (%d parameters), y = sin(x1)*cos(x2) at %s rows of x1, x2 uniform in "
          "[-2, 2] (fixed seed), the same start for both (weights +-1/sqrt(fan-in), biases +-0.5); the objective "
          "of both is the sum of squares over the rows, shown as its mean; full batch, float64, one thread"
          % (name, parameters, format(rows, ",")))
    print("- ddx: ms per iteration = (wall time of the run with steps = %d - that of steps = 0, both with the "
          "compiled code cached) / iterations; s in all adds the cc -O2 of a cold cache (%.2f s) to the "
          "run; setup: the run with steps = 0 and a warm cache (start, load, grad, emit C, one evaluation); ddx "
          "does not report its evaluations; its last line: `%s`"
          % (iterations, cold - warm, ddx_note[:160]))
    print("- PyTorch: one LBFGS.step(closure) with tolerance_grad = tolerance_change = 0 and max_eval = %d, so "
          "that only max_iter stops it; ms per iteration = its time / iterations (%.1f ms per evaluation)"
          % (100 * iterations, t_seconds / max(t_evals, 1) * 1e3))
    print("- ddx / PyTorch per iteration: %.2f; same network and start: the losses at the start differ by %.1e "
          "(relative)" % (ddx_per / torch_per, same_start))
    if not same_start <= 1e-9:
        print("nn_train: the losses at the start differ (%g): not the same network or weights" % same_start,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
