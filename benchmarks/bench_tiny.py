"""(a*b)+c on 3 float32 elements, one forward: the per-call overhead of the executor.

symnb's ``ex.forward()`` against two NumPy ufunc calls with ``out=``, PyTorch eager, and
MXNet 1.9.1's ``ex.forward()`` followed by ``mx.nd.waitall()`` (its engine is asynchronous, so
the latency a user sees includes the sync).

    python benchmarks/bench_tiny.py [--rounds N] [--quick] [--json PATH]
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import os  # noqa: E402
import tempfile  # noqa: E402

import _common as C  # noqa: E402
import _ref_numpy as R  # noqa: E402
import _workloads as W  # noqa: E402
import numpy as np  # noqa: E402


def main(argv):
    if "--gpu" in argv:
        result = {"lines": ["tiny --gpu: no GPU case (kernel launch latency is CuPy's)"]}
        C.emit(result, argv)
        return result
    import symnb as mx

    quick = "--quick" in argv
    rounds = C.arg_value("--rounds", 7 if quick else 15, argv)
    threads = C.numpy_threads()
    torch = C.setup_torch(threads)
    arrays = W.tiny_arrays()
    ex = W.bind(mx, W.tiny_symbol(mx), arrays, mx.cpu(), grad=False)
    forward = W.forward_only(ex)
    forward()
    want = {"output": ex.outputs[0].asnumpy()}
    refs = {"numpy": R.Tiny(np, arrays)}
    if torch is not None:
        import _ref_torch as T
        refs["torch"] = T.Tiny(torch, arrays)
    for ref in refs.values():
        ref.step()
    C.check_all(want, {name: ref.results() for name, ref in refs.items()})

    timers = {"symnb": C.local_timer(forward)}
    timers.update({name: C.local_timer(ref.step) for name, ref in refs.items()})
    notes = []
    worker = C.MXNetWorker.start(threads)
    with tempfile.TemporaryDirectory() as tmp:
        if worker is not None:
            np.savez(os.path.join(tmp, "in.npz"), **arrays)
            worker.call({"cmd": "setup", "workload": "tiny", "train": False, "sync_each": True,
                         "npz": os.path.join(tmp, "in.npz"), "out": os.path.join(tmp, "o.npz")})
            C.check_all(want, {"mxnet": dict(np.load(os.path.join(tmp, "o.npz")))})
            timers["mxnet"] = worker.timer()
        else:
            notes.append("MXNet 1.9.1: unavailable (%s)" % C.MXNetWorker.reason)
        try:
            result = C.compare("tiny (a*b)+c, 3 elements, forward", timers, rounds,
                               0.05 if quick else 0.1)
        finally:
            if worker is not None:
                worker.close()
    result["lines"] += ["  " + n for n in notes]
    result["env_removed"] = REMOVED_ENV
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
