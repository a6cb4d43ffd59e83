"""BatchNorm training forward and backward (and relu's backward) on ResNet-18's large maps.

Each workload is bound once through the executor; the forward (``is_train=True``) and the
backward are timed apart, as the minimum of ``--reps`` calls, and the whole set is repeated
``--rounds`` times (the figures print as min [max] over rounds, for a shared machine).

    python benchmarks/bench_bnorm.py [--reps 7] [--rounds 3] [--only stem,stage1,relu]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import symnb as mx

SHAPES = {"stem": (16, 64, 112, 112), "stage1": (16, 64, 56, 56)}


def _bind(op, shape, fix_gamma):
    rng = np.random.default_rng(0)
    data = mx.sym.var("data")
    if op == "relu":
        sym = mx.sym.Activation(data, act_type="relu", name="relu")
    else:
        sym = mx.sym.BatchNorm(data, fix_gamma=fix_gamma, name="bn")
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=shape)
    args = {n: mx.nd.array(rng.uniform(-1, 1, s).astype(np.float32))
            for n, s in zip(sym.list_arguments(), arg_shapes)}
    aux = {n: mx.nd.ones(s) for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    grads = {n: mx.nd.zeros(a.shape) for n, a in args.items()}
    exe = sym.bind(mx.cpu(), args, args_grad=grads, aux_states=aux, grad_req="write")
    head = mx.nd.array(rng.uniform(-1, 1, out_shapes[0]).astype(np.float32))
    return exe, head


def _min_time(fn, reps):
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="stem,stage1,relu")
    ap.add_argument("--fix-gamma", type=int, default=0)
    a = ap.parse_args()
    work = []
    for name in a.only.split(","):
        if name == "relu":
            work.append(("relu stem", *_bind("relu", SHAPES["stem"], a.fix_gamma)))
        else:
            work.append(("bn " + name, *_bind("bn", SHAPES[name], a.fix_gamma)))
    res = {}
    for _ in range(a.rounds):
        for label, exe, head in work:
            exe.forward(is_train=True)
            exe.backward([head])
            fwd = _min_time(lambda e=exe: e.forward(is_train=True), a.reps)
            bwd = _min_time(lambda e=exe, h=head: e.backward([h]), a.reps)
            res.setdefault(label, []).append((fwd, bwd))
    for label, runs in res.items():
        f = [r[0] for r in runs]
        b = [r[1] for r in runs]
        print("%-12s forward %6.2f [%6.2f] ms   backward %6.2f [%6.2f] ms"
              % (label, min(f), max(f), min(b), max(b)))


if __name__ == "__main__":
    main()
