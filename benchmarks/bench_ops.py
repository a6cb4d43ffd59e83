"""BatchNorm, LayerNorm, the fused RNN and topk through a bound executor, two trees interleaved.

Each workload is one executor call (forward, or forward and backward) timed as the median of a
few repeats in a fresh process per tree; the trees alternate round by round so that the load
of a shared machine falls on both alike. With no ``--tree`` it times this checkout only.

    python benchmarks/bench_ops.py [--tree PATH ...] [--rounds N] [--only NAME,...]
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

WORKLOADS = ("bn_train", "bn_infer", "ln_train", "lstm_train", "gru_train", "topk")


def _setup(mx, np, name):
    """(callable) running one call of workload ``name`` on a bound executor."""
    rng = np.random.default_rng(0)
    data = mx.sym.var("data")
    train, backward = True, True
    if name.startswith("bn"):
        sym = mx.sym.BatchNorm(data, fix_gamma=False, name="bn")
        shapes = {"data": (16, 64, 56, 56)}     # ResNet-18's first stage at batch 16
        train = backward = name == "bn_train"
    elif name == "ln_train":
        sym = mx.sym.LayerNorm(data, name="ln")
        shapes = {"data": (4096, 512)}           # MXNet's test_layer_norm large case
    elif name in ("lstm_train", "gru_train"):
        sym = mx.sym.RNN(data, state_size=512, num_layers=2, bidirectional=True,
                         mode=name.split("_")[0], name="rnn")
        shapes = {"data": (5, 32, 512)}          # test_lstm_bidirectional's largest case
    else:
        sym = mx.sym.topk(data, axis=1, k=5, name="topk")
        shapes = {"data": (100, 30000)}          # test_order's large case, a tenth of it
        backward = False
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    args = {n: mx.nd.array(rng.uniform(-1, 1, s).astype(np.float32))
            for n, s in zip(sym.list_arguments(), arg_shapes)}
    if name == "topk":
        args["data"] = mx.nd.array(rng.permutation(100 * 30000).reshape(100, 30000)
                                   .astype(np.float32))
    aux = {n: mx.nd.ones(s) for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    grads = {n: mx.nd.zeros(a.shape) for n, a in args.items()} if backward else None
    exe = sym.bind(mx.cpu(), args, args_grad=grads, aux_states=aux,
                   grad_req="write" if backward else "null")
    heads = [mx.nd.array(rng.uniform(-1, 1, s).astype(np.float32)) for s in out_shapes]

    def call():
        outs = exe.forward(is_train=train)
        if backward:
            exe.backward(heads)
        outs[0].asnumpy()
    return call


def _measure(names, repeats):
    import numpy as np

    import symnb as mx
    result = {}
    for name in names:
        call = _setup(mx, np, name)
        call()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
        result[name] = statistics.median(times)
    return result


def main(argv):
    if "--child" in argv:
        names = argv[argv.index("--child") + 1].split(",")
        print(json.dumps(_measure(names, 5)))
        return
    trees = [argv[i + 1] for i, a in enumerate(argv) if a == "--tree"] or [
        os.path.dirname(HERE)]
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    names = argv[argv.index("--only") + 1].split(",") if "--only" in argv else WORKLOADS
    seen = {t: {n: [] for n in names} for t in trees}
    for _ in range(rounds):
        for tree in trees:
            env = dict(os.environ, PYTHONPATH=tree)
            out = subprocess.run([sys.executable, __file__, "--child", ",".join(names)],
                                 env=env, capture_output=True, text=True, check=True).stdout
            for n, v in json.loads(out.strip().splitlines()[-1]).items():
                seen[tree][n].append(v)
    print("%-12s" % "workload" + "".join("%16s" % os.path.basename(t.rstrip("/"))
                                        for t in trees) + ("     ratio" if len(trees) == 2 else ""))
    for n in names:
        meds = [statistics.median(seen[t][n]) for t in trees]
        line = "%-12s" % n + "".join("%13.2f ms" % (m * 1e3) for m in meds)
        if len(trees) == 2:
            line += "%10.2f" % (meds[1] / meds[0])
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
