"""ResNet-18 from the model zoo (Gluon resnet18_v1 symbol, 224x224, float32): inference at
batch 1 and 16 and one training step (forward+backward) at batch 16.

symnb against real MXNet 1.9.1 (its worker process) and PyTorch CPU (the same symbol JSON run
with ``torch.nn.functional``, ``_ref_torch.SymbolJSON``), all on the same weights, data and
BatchNorm statistics; outputs (and gradients) are checked against symnb's before timing.
A training step takes about a second here, so its blocks are single calls without warm-up.

    python benchmarks/bench_resnet.py [--rounds N] [--quick] [--only b1,b16,train] [--json PATH]
"""
from __future__ import annotations

import os
import sys
import tempfile

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import _common as C  # noqa: E402
import _workloads as W  # noqa: E402
import numpy as np  # noqa: E402

# (key, title, batch, train)
CASES = (("b1", "ResNet-18 inference, batch 1", 1, False),
         ("b16", "ResNet-18 inference, batch 16", 16, False),
         ("train", "ResNet-18 training step, batch 16", 16, True))
# ReLU zeros make max-pool windows with tied maxima, which libraries route differently, and
# BatchNorm's batch statistics amplify float32 sum-order differences over 20 layers
RESNET_REL_L2 = 2e-2


def run_case(mx, torch, worker, key, title, batch, train, rounds, quick):
    arrays = W.resnet18_arrays(mx, batch)
    notes = []
    ex = W.bind(mx, W.resnet18_symbol(mx), arrays, mx.cpu(), grad=train)
    step = W.train_step(ex) if train else W.forward_only(ex)
    step()
    want = W.results(ex, arrays) if train else {"output": ex.outputs[0].asnumpy()}
    heavy = train or batch > 1            # seconds per call: one call per block, no warm-up
    warm = None if heavy else C.WARMUP_S
    timers = {"symnb": C.local_timer(step, warmup_s=warm)}
    if torch is not None:
        import _ref_torch as T
        ref = T.SymbolJSON(torch, arrays, W.RESNET18_JSON, train)
        ref.step()
        C.check_all(want, {"torch": ref.results()}, RESNET_REL_L2)
        timers["torch"] = C.local_timer(ref.step, warmup_s=warm)
    if worker is not None:
        with tempfile.TemporaryDirectory() as tmp:
            np.savez(os.path.join(tmp, "in.npz"), **arrays)
            try:
                worker.call({"cmd": "setup", "workload": "resnet18", "train": train,
                             "npz": os.path.join(tmp, "in.npz"),
                             "out": os.path.join(tmp, "out.npz")})
                got = dict(np.load(os.path.join(tmp, "out.npz")))
                if not train:
                    got = {"output": got["output"]}
                try:
                    C.check_all(want, {"mxnet": got}, RESNET_REL_L2)
                    notes.append("MXNet 1.9.1 output%s vs symnb: agree"
                                 % ("/gradients" if train else ""))
                except AssertionError as e:
                    notes.append("MXNet 1.9.1 vs symnb: MISMATCH: %s"
                                 % str(e).strip().splitlines()[0])
                timers["mxnet"] = worker.timer(warm)
            except RuntimeError as e:
                notes.append("MXNet 1.9.1: failed (%s)" % e)
    reps = {name: 1 for name in timers} if heavy else None
    result = C.compare(title, timers, rounds, 0.1 if quick else 0.25, reps=reps)
    result["lines"] += ["  " + n for n in notes]
    return result


def main(argv):
    import symnb as mx

    quick = "--quick" in argv
    only = C.arg_value("--only", "", argv)
    threads = C.numpy_threads()
    torch = C.setup_torch(threads)
    worker = C.MXNetWorker.start(threads)
    lines = ["threads: numpy BLAS %d, torch %s (set equal), MXNet OMP_NUM_THREADS=%d"
             % (threads, torch.get_num_threads() if torch else "absent", threads)]
    if worker is None:
        lines.append("MXNet 1.9.1: unavailable (%s)" % C.MXNetWorker.reason)
    result = {"cases": {}, "threads": threads, "blas": C.blas_info(),
              "env_removed": REMOVED_ENV, "mxnet": getattr(worker, "info", None)}
    try:
        for key, title, batch, train in CASES:
            if only and key not in only.split(","):
                continue
            rounds = C.arg_value("--rounds", (3 if quick else 5) if train or batch > 1
                                 else (5 if quick else 10), argv)
            case = run_case(mx, torch, worker, key, title, batch, train, rounds, quick)
            result["cases"][key] = case
            lines += case["lines"]
    finally:
        if worker is not None:
            worker.close()
    result["lines"] = lines
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
