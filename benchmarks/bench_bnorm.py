"""BatchNorm training forward and backward, and relu's backward, on ResNet-18's maps (batch 16).

Each workload is bound once through the executor; the operator's own forward
(``is_train=True``) and backward are timed apart (the executor's copy of the head gradient
left out), as the minimum of ``--reps`` calls, and the whole set runs ``--rounds`` times: the
figures print as min [max] over rounds (a shared machine). Run it with another checkout
first on ``PYTHONPATH`` to time that code; ``--no-split`` keeps BatchNorm off the second worker.

    python benchmarks/bench_bnorm.py [--reps 7] [--rounds 3] [--only stem,stage1,...,relu]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import symnb as mx
from symnb.ops import nn, norm

SHAPES = {"stem": (16, 64, 112, 112), "stage1": (16, 64, 56, 56), "stage2": (16, 128, 28, 28),
          "stage3": (16, 256, 14, 14), "stage4": (16, 512, 7, 7)}
TIMES: dict[str, list[float]] = {}


def _timed(fn, key):
    def run(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        TIMES.setdefault(key, []).append(time.perf_counter() - start)
        return result
    return run


def _instrument():
    """Time the operators' own calls (patched before any bind: plans keep the methods)."""
    norm.BatchNorm.forward = _timed(norm.BatchNorm.forward, "forward")
    norm.BatchNorm.backward = _timed(norm.BatchNorm.backward, "backward")
    nn.Activation.forward = _timed(nn.Activation.forward, "forward")
    nn.Activation.backward = _timed(nn.Activation.backward, "backward")
    prepare = nn.Activation.prepare_backward

    def prepare_backward(*args, **kwargs):
        run = prepare(*args, **kwargs)
        return None if run is None else _timed(run, "backward")
    nn.Activation.prepare_backward = prepare_backward


def _bind(op, shape):
    rng = np.random.default_rng(0)
    data = mx.sym.var("data")
    if op == "relu":
        sym = mx.sym.Activation(data, act_type="relu", name="relu")
    else:
        sym = mx.sym.BatchNorm(data, fix_gamma=False, name="bn")
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=shape)
    args = {n: mx.nd.array(rng.uniform(-1, 1, s).astype(np.float32))
            for n, s in zip(sym.list_arguments(), arg_shapes)}
    aux = {n: mx.nd.ones(s) for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    grads = {n: mx.nd.zeros(a.shape) for n, a in args.items()}
    exe = sym.bind(mx.cpu(), args, args_grad=grads, aux_states=aux, grad_req="write")
    head = mx.nd.array(rng.uniform(-1, 1, out_shapes[0]).astype(np.float32))
    return exe, head


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="stem,stage1,stage2,stage3,stage4,relu")
    ap.add_argument("--no-split", action="store_true")
    a = ap.parse_args()
    if a.no_split:
        norm._SPLIT_MIN_BYTES = 1 << 62
    _instrument()
    work = [("relu stem", *_bind("relu", SHAPES["stem"])) if name == "relu"
            else ("bn " + name, *_bind("bn", SHAPES[name])) for name in a.only.split(",")]
    res: dict[str, list[tuple[float, float]]] = {}
    for _ in range(a.rounds):
        for label, exe, head in work:
            TIMES.clear()
            for _ in range(a.reps + 1):
                exe.forward(is_train=True)
                exe.backward([head])
            res.setdefault(label, []).append((min(TIMES["forward"][1:]) * 1e3,
                                              min(TIMES["backward"][1:]) * 1e3))
    for label, runs in res.items():
        f, b = [r[0] for r in runs], [r[1] for r in runs]
        print("%-12s forward %6.2f [%6.2f] ms   backward %6.2f [%6.2f] ms"
              % (label, min(f), max(f), min(b), max(b)))


if __name__ == "__main__":
    main()
