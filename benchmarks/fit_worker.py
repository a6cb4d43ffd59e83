"""One ``Module.fit`` epoch, written once for any ``mx`` (symnb in bench_fit.py, real MXNet
1.9.1 when this file runs as a worker inside .bench-mxnet-venv).

Worker protocol (one JSON line each way, as mxnet_worker.py): ``{"cmd": "hello"}``;
``{"cmd": "setup", "workload": "mlp"|"lenet", "npz": PATH, "out": PATH}`` builds the module,
runs one epoch and saves its parameters to ``out``; ``{"cmd": "time"}`` -> seconds of one
more epoch.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _workloads as W  # noqa: E402

BATCH = 64
N_SAMPLES = 1280               # 20 batches of 64 MNIST-shaped images per epoch
OPTIMIZER_PARAMS = {"learning_rate": 0.05, "momentum": 0.9}


def fit_arrays(workload, seed=0):
    """Images (N, 1, 28, 28) in [0, 1), labels 0..9, and the initial parameters."""
    rng = np.random.RandomState(seed)
    first = (W.mlp_arrays(batch=BATCH, seed=seed) if workload == "mlp"
             else W.lenet_arrays(batch=BATCH, seed=seed))
    arrays = {k: v for k, v in first.items() if k not in ("data", "softmax_label")}
    arrays["data"] = rng.rand(N_SAMPLES, 1, 28, 28).astype(np.float32)
    arrays["softmax_label"] = rng.randint(0, 10, N_SAMPLES).astype(np.float32)
    return arrays


class Fit:
    """A bound module and its iterator; ``epoch()`` runs one more ``fit`` epoch."""

    def __init__(self, mx, workload, arrays):
        self.mx = mx
        logger = logging.getLogger("bench_fit")
        logger.setLevel(logging.ERROR)
        # FullyConnected flattens the (N, 1, 28, 28) images itself
        symbol = W.mlp_symbol(mx) if workload == "mlp" else W.lenet_symbol(mx)
        self.train = mx.io.NDArrayIter(arrays["data"], arrays["softmax_label"],
                                       batch_size=BATCH)
        self.mod = mx.mod.Module(symbol, logger=logger)
        params = {k: mx.nd.array(v) for k, v in arrays.items()
                  if k not in ("data", "softmax_label")}
        self.epochs = 0
        self._fit(arg_params=params)

    def _fit(self, **kwargs):
        with warnings.catch_warnings():
            # every later call repeats bind / init_params / init_optimizer, which warn
            warnings.simplefilter("ignore")
            self.mod.fit(self.train, begin_epoch=self.epochs, num_epoch=self.epochs + 1,
                         optimizer="sgd", optimizer_params=OPTIMIZER_PARAMS, **kwargs)
        self.epochs += 1

    def epoch(self):
        self._fit()
        self.mx.nd.waitall()

    def params(self):
        arg, _ = self.mod.get_params()
        return {k: v.asnumpy() for k, v in arg.items()}


def main():
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import mxnet as mx
    state = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["cmd"] == "hello":
                reply = {"version": mx.__version__}
            elif request["cmd"] == "setup":
                arrays = dict(np.load(request["npz"]))
                state["fit"] = Fit(mx, request["workload"], arrays)
                np.savez(request["out"], **state["fit"].params())
                reply = {"ok": True}
            else:
                t0 = time.perf_counter()
                state["fit"].epoch()
                reply = {"sec": time.perf_counter() - t0}
        except Exception as e:  # report to the parent instead of dying silently
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        proto.write(json.dumps(reply) + "\n")
        proto.flush()


if __name__ == "__main__":
    main()
