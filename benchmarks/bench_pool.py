"""Pooling through a bound executor: forward (inference, training) and backward, timed apart.

Each figure is the minimum of a few calls in a fresh process per tree; the trees alternate
round by round so that the load of a shared machine falls on both alike, and the table
gives the range over the rounds. With no ``--tree`` it times this checkout only.

    python benchmarks/bench_pool.py [--tree PATH ...] [--rounds N] [--reps N] [--only NAME,...]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import _common as C

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (data shape, Pooling attributes)
WORKLOADS = {
    "stem16": ((16, 64, 112, 112), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1))),
    "stem1": ((1, 64, 112, 112), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1))),
    "lenet1": ((64, 20, 24, 24), dict(kernel=(2, 2), stride=(2, 2))),
    "lenet2": ((64, 50, 8, 8), dict(kernel=(2, 2), stride=(2, 2))),
    "avg16": ((16, 64, 112, 112), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                       pool_type="avg")),
    "s1pad16": ((16, 64, 28, 28), dict(kernel=(3, 3), stride=(1, 1), pad=(1, 1))),
    "gavg16": ((16, 512, 7, 7), dict(kernel=(7, 7), global_pool=True, pool_type="avg")),
    "gmax16": ((16, 512, 7, 7), dict(kernel=(7, 7), global_pool=True, pool_type="max")),
}
PARTS = ("infer", "train", "backward")


def _measure(names, reps):
    import numpy as np

    import symnb as mx
    result = {}
    rng = np.random.default_rng(0)
    for name in names:
        shape, attrs = WORKLOADS[name]
        sym = mx.sym.Pooling(mx.sym.var("data"), name="pool", **attrs)
        exe = sym.simple_bind(mx.cpu(), data=shape, grad_req="write")
        exe.arg_dict["data"][:] = rng.standard_normal(shape).astype(np.float32)
        head = mx.nd.array(rng.standard_normal(exe.outputs[0].shape).astype(np.float32))
        exe.forward(is_train=True)
        exe.backward(head)
        result[name] = [C.min_time(lambda e=exe: e.forward(is_train=False), reps),
                        C.min_time(lambda e=exe: e.forward(is_train=True), reps),
                        C.min_time(lambda e=exe, h=head: e.backward(h), reps)]
    return result


def main(argv):
    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 7
    if "--child" in argv:
        names = argv[argv.index("--child") + 1].split(",")
        print(json.dumps(_measure(names, reps)))
        return
    trees = [argv[i + 1] for i, a in enumerate(argv) if a == "--tree"] or [
        os.path.dirname(HERE)]
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    names = argv[argv.index("--only") + 1].split(",") if "--only" in argv else list(WORKLOADS)
    seen = {t: {n: [] for n in names} for t in trees}
    for _ in range(rounds):
        for tree in trees:
            env = dict(os.environ, PYTHONPATH=tree)
            out = subprocess.run([sys.executable, __file__, "--child", ",".join(names),
                                  "--reps", str(reps)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            for n, v in json.loads(out.strip().splitlines()[-1]).items():
                seen[tree][n].append(v)
    for n in names:
        for tree in trees:
            runs = seen[tree][n]
            print("%-8s %-10s" % (n, os.path.basename(tree.rstrip("/"))) + "".join(
                "  %s %7.2f-%-7.2f ms" % (part, min(r[i] for r in runs) * 1e3,
                                          max(r[i] for r in runs) * 1e3)
                for i, part in enumerate(PARTS)))


if __name__ == "__main__":
    main(sys.argv[1:])
