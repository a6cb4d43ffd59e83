"""Random DAGs for the memory planner, recorded from a real MXNet 1.9.1 and replayed through
symnb.

The chains of ``graphs.py`` read each entry once or twice, in order; these graphs are what
stresses an inference plan's memory sharing (an entry's buffer passed on once its last
reader ran): entries with many readers, a node that reads one entry twice
(``elemwise_add(y, y)``), readers far from the writer, heads taken from the middle of the
graph (kept alive), and shapes that change and come back (reductions broadcast again), so
that freed buffers of one shape are taken again later. Every operator is elementwise or a
reduction over the last axis with results in a safe range, so a wrong buffer shows as a
wrong number and nothing else does.

A graph is drawn from a seed as plain data (standard library only) and built by
:func:`build` with either library's ``mx``.

    .bench-mxnet-venv/bin/python tests/differential/dags.py [--count 400]

writes ``dag_cases.json`` (the seeds, each graph's JSON text as MXNet writes it) and
``dag_cases.npz``: inputs, the outputs of an inference-only bind's two forwards, and two
training steps of a second bind (forward with ``is_train=True``, backward with given head
gradients) whose inputs each take ``'write'``, ``'add'`` or ``'null'`` (:func:`grad_reqs`):
the gradients of an entry read many times, or twice by one node, summed by the backward plan.

>>> spec = draw(4)
>>> spec["seed"], len(spec["steps"]) >= 6, all(s["src"] for s in spec["steps"])
(4, True, True)
"""
from __future__ import annotations

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_PATH = os.path.join(HERE, "dag_cases.json")
NPZ_PATH = os.path.join(HERE, "dag_cases.npz")

# values stay in [-1, 1] or close: none of these overflows however deep the graph
_UNARY = ["tanh", "sigmoid", "relu", "negative", "sin", "cos", "abs", "softsign"]
_BINARY = ["elemwise_add", "elemwise_sub", "elemwise_mul", "_maximum", "_minimum"]
_SCALE = 0.5          # sums are scaled back (_mul_scalar) so that values stay small
# seeds from here on also draw the operators whose results may share their input's memory or
# pass it through (reshapes, identity, BlockGrad, views taken apart and put back together) and
# add_n, which reads up to three entries, perhaps one of them twice; the seeds below it were
# recorded without them and stay as they were
ALIAS_FROM = 1000
_ALIAS = ["reshape_round_trip", "identity", "BlockGrad", "Flatten", "expand_squeeze",
          "transpose_twice", "concat_split", "add_n"]


def draw(seed: int) -> dict:
    """One graph as data: inputs ``[(name, shape)]``, ``steps`` (each an operator, the
    entries it reads by index, the shape it writes) and the heads (entry indices)."""
    rng = random.Random(seed)
    full = [rng.randint(2, 4), rng.randint(2, 5)]
    entries = []                         # the shape of each entry, inputs first
    inputs = []
    for k in range(rng.randint(1, 3)):
        inputs.append(("x%d" % k, full))
        entries.append(full)
    steps = []

    def pick(shape):
        same = [i for i, s in enumerate(entries) if s == shape]
        if rng.random() < 0.4:           # a recent entry: short lives, much sharing
            same = same[-3:]
        return rng.choice(same)

    for k in range(rng.randint(6, 16)):
        if seed >= ALIAS_FROM and rng.random() < 0.4:
            op = rng.choice(_ALIAS)
            src = [pick(full) for _ in range(3 if op == "add_n" else
                                             2 if op == "concat_split" else 1)]
            if len(src) > 1 and rng.random() < 0.4:
                src[1] = src[0]                                  # the same entry twice
            step = {"op": op, "src": src, "shape": full, "name": "n%d" % k}
            if op == "concat_split":
                step["take"] = rng.randrange(2)
            steps.append(step)
            entries.append(full)
            continue
        r = rng.random()
        if r < 0.35:
            op, src, shape = rng.choice(_UNARY), [pick(full)], full
        elif r < 0.75:
            a = pick(full)
            b = a if rng.random() < 0.3 else pick(full)       # the same entry twice
            op, src, shape = rng.choice(_BINARY), [a, b], full
        elif r < 0.85:
            op, src, shape = "sum_last", [pick(full)], full[:-1] + [1]
        elif r < 0.95 and any(s != full for s in entries):
            small = full[:-1] + [1]
            op, src, shape = "broadcast_add", [pick(full), pick(small)], full
        else:
            op, src, shape = "_mul_scalar", [pick(full)], full
        steps.append({"op": op, "src": src, "shape": shape, "name": "n%d" % k})
        entries.append(shape)
    first = len(inputs)
    heads = sorted(set([len(entries) - 1] + [rng.randrange(first, len(entries))
                                             for _ in range(rng.randint(0, 2))]))
    return {"seed": seed, "inputs": inputs, "steps": steps, "heads": heads}


def build(mx, spec):
    """The graph of ``spec`` built with ``mx`` (symnb or MXNet)."""
    sym = mx.sym
    scale = sym._internal._mul_scalar
    nodes = [sym.var(name) for name, _ in spec["inputs"]]
    for st in spec["steps"]:
        x = [nodes[i] for i in st["src"]]
        op, name = st["op"], st["name"]
        if op in _UNARY or op in ("identity", "BlockGrad", "Flatten"):
            y = getattr(sym, op)(x[0], name=name)
        elif op == "reshape_round_trip":
            y = sym.Reshape(sym.Reshape(x[0], shape=(-1,), name=name + "_flat"),
                            shape=tuple(st["shape"]), name=name)
        elif op == "expand_squeeze":
            y = sym.squeeze(sym.expand_dims(x[0], axis=1, name=name + "_expand"), axis=1,
                            name=name)
        elif op == "transpose_twice":
            y = sym.transpose(sym.transpose(x[0], name=name + "_t"), name=name)
        elif op == "concat_split":
            both = sym.Concat(x[0], x[1], dim=1, name=name + "_concat")
            y = sym.SliceChannel(both, num_outputs=2, axis=1, name=name)[st["take"]]
        elif op == "add_n":
            y = scale(sym.add_n(*x, name=name), scalar=1.0 / 3, name=name + "_scale")
        elif op == "sum_last":
            y = scale(sym.sum(x[0], axis=-1, keepdims=True, name=name), scalar=_SCALE,
                      name=name + "_scale")
        elif op in ("broadcast_add", "elemwise_add", "elemwise_sub"):
            y = scale(getattr(sym, op)(x[0], x[1], name=name), scalar=_SCALE,
                      name=name + "_scale")
        elif op == "_mul_scalar":
            y = scale(x[0], scalar=-0.75, name=name)
        else:
            y = getattr(sym if op == "elemwise_mul" else sym._internal, op)(x[0], x[1], name=name)
        nodes.append(y)
    heads = [nodes[i] for i in spec["heads"]]
    return heads[0] if len(heads) == 1 else sym.Group(heads)


def grad_reqs(spec, arguments) -> dict:
    """The ``grad_req`` of each of the graph's ``arguments`` (the inputs it reads: a graph
    may leave one unread) in the training bind; at least one takes a gradient.

    >>> spec = draw(4)
    >>> reqs = grad_reqs(spec, [name for name, _ in spec["inputs"]])
    >>> sorted(set(reqs.values()) - {"write", "add", "null"}), set(reqs.values()) != {"null"}
    ([], True)
    """
    rng = random.Random(spec["seed"] * 7919 + 1)
    reqs = {name: rng.choice(["write", "write", "add", "null"]) for name, _ in spec["inputs"]}
    reqs = {name: req for name, req in reqs.items() if name in arguments}
    if all(r == "null" for r in reqs.values()):
        reqs[next(name for name, _ in spec["inputs"] if name in arguments)] = "add"
    return reqs


def head_shapes(spec):
    shapes = [spec["inputs"][0][1]] * len(spec["inputs"]) + [st["shape"] for st in spec["steps"]]
    return [shapes[i] for i in spec["heads"]]


def head_grads_of(np, spec, run):
    """The head gradients given to the training bind's backward number ``run``."""
    rng = np.random.default_rng([spec["seed"], run, 17])
    return [rng.uniform(-1, 1, shape).astype(np.float32) for shape in head_shapes(spec)]


def inputs_of(np, spec):
    rng = np.random.default_rng(spec["seed"])
    return {name: rng.uniform(-1, 1, shape).astype(np.float32) for name, shape in spec["inputs"]}


def main(argv):
    import mxnet as mx
    import numpy as np
    if not mx.__version__.startswith("1.9.1"):
        print("dags.py records with MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 400
    cases, arrays, skipped = [], {}, []
    for seed in list(range(count)) + list(range(ALIAS_FROM, ALIAS_FROM + count)):
        spec = draw(seed)
        sym = build(mx, spec)
        used = sym.list_arguments()            # an input no step reads is not an argument
        values = {k: v for k, v in inputs_of(np, spec).items() if k in used}
        try:
            ex = sym.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in values.items()},
                          grad_req="null")
        except mx.base.MXNetError as e:
            # MXNet's MKLDNN subgraph pass (on by default) fails some binds that bind
            # without it ("arg_names.size() == in_args_map.size()"): not a case to replay
            skipped.append(seed)
            print("seed %d: MXNet cannot bind it: %s" % (seed, str(e).strip().splitlines()[-1]))
            continue
        for run in range(2):
            for i, o in enumerate(ex.forward(is_train=False)):
                arrays["out:%d:%d:%d" % (seed, run, i)] = o.asnumpy()
        arrays.update(("in:%d:%s" % (seed, k), v) for k, v in values.items())
        reqs = grad_reqs(spec, used)
        grads = {k: mx.nd.ones(v.shape) for k, v in values.items() if reqs[k] != "null"}
        ex = sym.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in values.items()},
                      args_grad=grads, grad_req=reqs)
        for run in range(2):
            for i, o in enumerate(ex.forward(is_train=True)):
                arrays["train:%d:%d:%d" % (seed, run, i)] = o.asnumpy()
            ex.backward([mx.nd.array(g) for g in head_grads_of(np, spec, run)])
            for k, g in grads.items():
                arrays["grad:%d:%d:%s" % (seed, run, k)] = g.asnumpy()
        cases.append({"seed": seed, "json": sym.tojson()})
    with open(JSON_PATH, "w") as f:
        json.dump({"mxnet": mx.__version__, "cases": cases, "skipped": skipped}, f, indent=0)
    np.savez_compressed(NPZ_PATH, **arrays)
    print("recorded %d graphs into %s" % (len(cases), NPZ_PATH))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
