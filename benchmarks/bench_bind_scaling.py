"""Bind, forward and backward time against graph size: a chain of 100..10,000 cheap
elementwise operators on a 4-element array, so the times are per-node overhead.

All three should grow linearly; the report gives the cost per node at each size and the
growth of that per-node cost from the smallest to the largest graph (1.0 = linear). MXNet
1.9.1's simple_bind and forward of the same chains are measured alongside when available.

    python benchmarks/bench_bind_scaling.py [--sizes 100,1000,...] [--quick] [--json PATH]
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import _common as C  # noqa: E402
import _workloads as W  # noqa: E402
import numpy as np  # noqa: E402

SIZES = (100, 300, 1000, 3000, 10000)


def symnb_once(mx, n_ops, arrays):
    """(bind seconds, forward seconds per call, backward seconds per call)."""
    symbol = W.chain_symbol(mx, n_ops)
    t0 = time.perf_counter()
    ex = symbol.simple_bind(mx.cpu(), grad_req="write", data=arrays["data"].shape)
    bind_s = time.perf_counter() - t0
    ex.arg_dict["data"][:] = arrays["data"]
    head_grad = mx.nd.ones(arrays["data"].shape)
    reps = max(3, 20_000 // n_ops)
    fwd = C.time_per_call(lambda: ex.forward(is_train=True), reps)
    bwd = C.time_per_call(lambda: ex.backward(head_grad), reps)
    return bind_s, fwd, bwd


def main(argv):
    import symnb as mx

    quick = "--quick" in argv
    sizes = tuple(int(s) for s in C.arg_value("--sizes", ",".join(map(str, SIZES)),
                                                argv).split(","))
    repeats = 2 if quick else 3
    arrays = W.chain_arrays()
    worker = C.MXNetWorker.start(C.numpy_threads())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        npz = os.path.join(tmp, "in.npz")
        np.savez(npz, **arrays)
        try:
            for n_ops in sizes:
                ours, theirs = [], []
                for _ in range(repeats):        # alternate symnb and MXNet
                    ours.append(symnb_once(mx, n_ops, arrays))
                    if worker is not None:
                        theirs.append(_mxnet_once(worker, n_ops, npz, tmp))
                row = {"n_ops": n_ops,
                       "bind_s": statistics.median(r[0] for r in ours),
                       "forward_s": statistics.median(r[1] for r in ours),
                       "backward_s": statistics.median(r[2] for r in ours)}
                if theirs:
                    row["mxnet_bind_s"] = statistics.median(r[0] for r in theirs)
                    row["mxnet_forward_s"] = statistics.median(r[1] for r in theirs)
                rows.append(row)
        finally:
            if worker is not None:
                worker.close()
    result = {"rows": rows, "growth": _growth(rows), "lines": _lines(rows, worker)}
    C.emit(result, argv)
    return result


def _mxnet_once(worker, n_ops, npz, tmp):
    reply = worker.call({"cmd": "setup", "workload": "chain", "n_ops": n_ops,
                         "npz": npz, "out": os.path.join(tmp, "out.npz")})
    timing = worker.call({"cmd": "time", "reps": max(3, 20_000 // n_ops), "warmup_s": C.WARMUP_S})
    return reply["bind_s"], timing["sec"]


def _growth(rows):
    """Per-node cost at the largest size over that at the smallest (1.0 = linear)."""
    first, last = rows[0], rows[-1]
    return {k: (last[k] / last["n_ops"]) / (first[k] / first["n_ops"])
            for k in first if k != "n_ops"}


def _lines(rows, worker):
    lines = ["bind/forward/backward vs graph size (chain of elementwise ops), per node:"]
    head = "  %7s %12s %12s %12s" % ("nodes", "bind", "forward", "backward")
    if worker is not None:
        head += " %12s %12s" % ("mxnet bind", "mxnet fwd")
    lines.append(head)
    for r in rows:
        n = r["n_ops"]
        line = "  %7d %12s %12s %12s" % (n, C.fmt_time(r["bind_s"] / n),
                                         C.fmt_time(r["forward_s"] / n),
                                         C.fmt_time(r["backward_s"] / n))
        if "mxnet_bind_s" in r:
            line += " %12s %12s" % (C.fmt_time(r["mxnet_bind_s"] / n),
                                    C.fmt_time(r["mxnet_forward_s"] / n))
        lines.append(line)
    growth = _growth(rows)
    lines.append("  per-node cost growth %d -> %d nodes (1.0 = linear): %s" % (
        rows[0]["n_ops"], rows[-1]["n_ops"],
        ", ".join("%s %.2fx" % (k[:-2], v) for k, v in growth.items())))
    if worker is None:
        lines.append("  MXNet 1.9.1: unavailable (%s)" % C.MXNetWorker.reason)
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
