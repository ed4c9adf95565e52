#!/usr/bin/env python3
"""The PyTorch columns of the network ladder (bench/run.sh, fourth table).

    nn_torch.py SHAPES_FILE BENCH_SOURCE_DIR WORK_DIR [--quick]

SHAPES_FILE is the output of `ddx_nn_ladder --shapes` (one network a line: name, widths,
parameter count), so that the networks are those of bench/nn_ladder.cpp. For each, the same
tanh network in PyTorch (float64, one thread): h_l = tanh(W_l h_(l-1) + b_l),
f = v . h_L + c, loss = (y - f)^2, and the time of value + gradient (forward, then
loss.backward(), the gradients set to None before each call as zero_grad does):

- one sample (a batch of one row), ns per call;
- a batch of 1000 rows with the mean squared error over the batch, ns per call / 1000.

Medians of interleaved rounds (21, 7 with --quick) of about 40 ms (15 ms) each. Before
timing, the loss and gradient of one sample are checked against the hand-written C of
bench/nn_ladder_hand.c (compiled with cc -O2, called through ctypes; the same parameter
layout as ddx's scripts), so that the parameter counts and the function are the same.

Prints one line per network on standard output:

    torch NAME PARAMETERS ONE_SAMPLE_NS PER_ROW_NS_BATCH_1000 CHECK

(CHECK: largest relative difference against the hand-written C) and a line
`torch-version VERSION`. Exits 1 on a disagreement or a parameter count that differs.
"""
import ctypes
import os
import random
import subprocess
import sys
import time

import torch

BATCH = 1000


def parse_shapes(path):
    nets = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            name, widths, parameters = line.split()
            nets.append((name, [int(w) for w in widths.split(",")], int(parameters)))
    return nets


class Network:
    """The parameters as leaf tensors, filled in the layout of ddx's scripts."""

    def __init__(self, widths, rng):
        self.widths = widths
        self.layers = []
        for l in range(1, len(widths)):
            fan_in = widths[l - 1]
            s = 1.0 / fan_in ** 0.5
            W = [[rng.uniform(-1, 1) * s for _ in range(fan_in)] for _ in range(widths[l])]
            b = [rng.uniform(-1, 1) * 0.5 for _ in range(widths[l])]
            self.layers.append((torch.tensor(W, dtype=torch.float64, requires_grad=True),
                                torch.tensor(b, dtype=torch.float64, requires_grad=True)))
        s = 1.0 / widths[-1] ** 0.5
        self.v = torch.tensor([rng.uniform(-1, 1) * s for _ in range(widths[-1])], dtype=torch.float64,
                              requires_grad=True)
        self.c = torch.tensor(rng.uniform(-1, 1) * 0.5, dtype=torch.float64, requires_grad=True)
        self.params = [t for wb in self.layers for t in wb] + [self.v, self.c]

    def count(self):
        return sum(p.numel() for p in self.params)

    def value_grad(self, x, y):
        """Mean squared error over the rows of x (B x inputs) and its gradient (in .grad)."""
        for p in self.params:
            p.grad = None
        h = x
        for W, b in self.layers:
            h = torch.tanh(torch.nn.functional.linear(h, W, b))
        loss = ((y - (h @ self.v + self.c)) ** 2).mean()
        loss.backward()
        return loss

    def flat(self, values):
        """The entries in the order of ddx's scripts: per layer, per unit its weights then its
        bias; then v, then c. `values` maps a parameter tensor to the tensor to read."""
        out = []
        for W, b in self.layers:
            Wv, bv = values(W), values(b)
            for j in range(W.shape[0]):
                out.extend(Wv[j].tolist())
                out.append(bv[j].item())
        out.extend(values(self.v).tolist())
        out.append(values(self.c).item())
        return out


def hand_function(source_dir, work, name, widths):
    """bench/nn_ladder_hand.c for this network, compiled and loaded."""
    with open(os.path.join(source_dir, "nn_ladder_hand.c")) as f:
        template = f.read()
    src = os.path.join(work, "torch_hand_%s.c" % name)
    lib = os.path.join(work, "torch_hand_%s.so" % name)
    with open(src, "w") as f:
        f.write("#define LAYERS %d\n#define WIDTHS {%s}\n#define MAXW %d\n" %
                (len(widths) - 1, ", ".join(map(str, widths)), max(widths)))
        f.write(template)
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-std=c99", "-O2", "-fPIC", "-shared", src, "-o", lib, "-lm"], check=True)
    fn = ctypes.CDLL(lib).hand_value_grad
    fn.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double)]
    fn.restype = None
    return fn


def check(net, fn, rng):
    """Largest relative difference of torch's loss and gradient against the hand-written C."""
    nin = net.widths[0]
    worst = 0.0
    for _ in range(5):
        x = [rng.uniform(-1, 1) for _ in range(nin)]
        y = rng.uniform(-1, 1)
        loss = net.value_grad(torch.tensor([x], dtype=torch.float64), torch.tensor([y], dtype=torch.float64))
        mine = [loss.item()] + net.flat(lambda p: p.grad)
        inputs = net.flat(lambda p: p.detach()) + x + [y]
        n = net.count()
        a = (ctypes.c_double * len(inputs))(*inputs)
        out = (ctypes.c_double * (n + 1))()
        fn(a, out)
        theirs = list(out)
        scale = max(abs(t) for t in theirs[1:]) or 1.0
        worst = max(worst, abs(mine[0] - theirs[0]) / max(abs(theirs[0]), 1e-300),
                    max(abs(m - t) for m, t in zip(mine[1:], theirs[1:])) / scale)
    return worst


def calls_for(f, target_ns):
    """Calls per round: doubled until a round takes target_ns."""
    calls = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(calls):
            f()
        if time.perf_counter_ns() - start >= target_ns or calls >= 1 << 20:
            return calls
        calls *= 2


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv[1:]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    shapes, source_dir, work = args
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    rounds = 7 if quick else 21
    target = 15e6 if quick else 40e6
    rng = random.Random(20261206)
    print("torch-version %s" % torch.__version__)
    status = 0
    for name, widths, parameters in parse_shapes(shapes):
        net = Network(widths, rng)
        if net.count() != parameters:
            print("nn_torch: %s: %d parameters in PyTorch, %d in nn_ladder" % (name, net.count(), parameters),
                  file=sys.stderr)
            return 1
        worst = check(net, hand_function(source_dir, work, name, widths), rng)
        if not worst <= 1e-9:
            print("nn_torch: %s: PyTorch and the hand-written C disagree (%g)" % (name, worst), file=sys.stderr)
            status = 1
        nin = widths[0]
        x1 = torch.tensor([[rng.uniform(-1, 1) for _ in range(nin)]], dtype=torch.float64)
        y1 = torch.tensor([rng.uniform(-1, 1)], dtype=torch.float64)
        xb = torch.tensor([[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(BATCH)], dtype=torch.float64)
        yb = torch.tensor([rng.uniform(-1, 1) for _ in range(BATCH)], dtype=torch.float64)
        one = lambda: net.value_grad(x1, y1)
        batch = lambda: net.value_grad(xb, yb)
        timed = [[one, calls_for(one, target), []], [batch, calls_for(batch, target), []]]
        for r in range(rounds):
            for k in range(len(timed)):
                f, calls, samples = timed[(k + r) % len(timed)]  # rotate the order
                start = time.perf_counter_ns()
                for _ in range(calls):
                    f()
                samples.append((time.perf_counter_ns() - start) / calls)
        one_ns = median(timed[0][2])
        row_ns = median(timed[1][2]) / BATCH
        print("torch %s %d %.0f %.1f %.1e" % (name, parameters, one_ns, row_ns, worst), flush=True)
        print("nn_torch: %s done" % name, file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
