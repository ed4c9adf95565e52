#!/usr/bin/env python3
"""The layer check: every include in src/ and include/ddx/ points down or sideways, never
up, and no two modules (a .cpp with its header) include each other, even through others.

Layers, lowest first (src/README.md says what each owns):
    core < lang < algebra < numeric < interp < app
A private header's layer is its folder's; a public header's is the one given in PUBLIC
below (a new public header must be added there, or the check fails).

usage: layers.py [PROJECT_ROOT]     exit 0 if the layout holds, 1 with one line per arrow up
"""
import os
import re
import sys

LAYERS = ["core", "lang", "algebra", "numeric", "interp", "app"]
PUBLIC = {
    "error.hpp": "core", "interrupt.hpp": "core", "symbols.hpp": "core",
    "functions.hpp": "core", "limits.hpp": "core", "detail/node_map.hpp": "core",
    "syntax.hpp": "lang", "parser.hpp": "lang",
    "differentiator.hpp": "algebra", "calculus.hpp": "algebra", "simplify.hpp": "algebra",
    "printer.hpp": "algebra", "reverse.hpp": "algebra",
    "tape.hpp": "numeric", "evaluate.hpp": "numeric", "codegen.hpp": "numeric",
    "optimize.hpp": "numeric", "plot.hpp": "numeric", "data.hpp": "numeric",
    "session.hpp": "interp", "value.hpp": "interp", "help.hpp": "interp",
    "ddx.hpp": "interp",  # the umbrella: everything of the library
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def files(root):
    for base in ("src", "include/ddx"):
        for d, _, names in os.walk(os.path.join(root, base)):
            for n in sorted(names):
                if n.endswith((".cpp", ".hpp")):
                    yield os.path.relpath(os.path.join(d, n), root)


def layer_of(path):
    """(layer, public?) of a file given relative to the project root."""
    if path.startswith("include/ddx/"):
        name = path[len("include/ddx/"):]
        return PUBLIC.get(name), True
    parts = path.split("/")
    return (parts[1] if len(parts) > 2 and parts[1] in LAYERS else None), False


def target_of(kind, name, root):
    """The project file an include names, or None for a system header."""
    if kind == "<":
        if name.startswith("ddx/") and name != "ddx/version.hpp":
            return "include/" + name
        return None
    if os.path.exists(os.path.join(root, "src", name)):
        return "src/" + name
    return "?" + name


def module(path):
    return os.path.splitext(os.path.basename(path))[0]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = []
    edges = {}
    for f in files(root):
        layer, public = layer_of(f)
        if layer is None:
            problems.append(f"{f}: in no layer (a folder of src/ or a row of PUBLIC in tests/layers.py)")
            continue
        text = open(os.path.join(root, f), encoding="utf-8").read()
        for kind, name in INCLUDE.findall(text):
            target = target_of(kind, name, root)
            if target is None:
                continue
            if target.startswith("?"):
                problems.append(f"{f}: includes \"{name}\", which is not a file under src/ (write the path from src/)")
                continue
            t_layer, t_public = layer_of(target)
            if public and not t_public:
                problems.append(f"{f}: a public header includes the private {target}")
            if t_layer is None:
                continue
            if LAYERS.index(t_layer) > LAYERS.index(layer):
                problems.append(f"{f} ({layer}) includes {target} ({t_layer}), a higher layer")
            if module(target) != module(f):
                edges.setdefault(module(f), set()).add(module(target))
    # No cycles between modules (Tarjan's strongly connected components).
    index, low, stack, on, counter, cycles = {}, {}, [], set(), [0], []

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    for c in cycles:
        problems.append("modules include each other: " + " <-> ".join(c))
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} problems in {len(list(files(root)))} files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
