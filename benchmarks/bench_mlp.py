"""MLP 784-512-512-10 (ReLU, SoftmaxOutput), batch 256, float32: one forward+backward.

symnb against hand-written NumPy (preallocated ``out=`` buffers; fresh temporaries), PyTorch
CPU (same thread count as NumPy's BLAS) and real MXNet 1.9.1 (subprocess, rounds alternating
with ours). Every reference is checked against symnb's output and gradients first.

    python benchmarks/bench_mlp.py [--rounds N] [--quick] [--gpu] [--json PATH]

With ``--gpu``: symnb on mx.gpu() against hand-written CuPy, for this MLP and for a
4096-4096-4096-1000 MLP at batch 4096.
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import _common as C  # noqa: E402
import _harness as H  # noqa: E402
import _ref_numpy as R  # noqa: E402
import _workloads as W  # noqa: E402
import numpy as np  # noqa: E402


def main(argv):
    if "--gpu" in argv:
        return run_gpu(argv)
    quick = "--quick" in argv
    result = H.run_cpu("mlp", "MLP 784-512-512-10 b256 fwd+bwd",
                       refs={"numpy_prealloc": lambda a: R.MLPPrealloc(np, a),
                             "numpy_fresh": lambda a: R.MLPFresh(np, a)},
                       torch_ref="MLP", rounds=C.arg_value("--rounds", 5 if quick else 12, argv),
                       block_s=0.1 if quick else 0.25, removed_env=REMOVED_ENV)
    C.emit(result, argv)
    return result


def run_gpu(argv):
    cupy, reason = C.gpu_or_skip()
    if cupy is None:
        result = {"skipped": reason, "lines": ["MLP --gpu: skipped: %s" % reason]}
        C.emit(result, argv)
        return result
    import symnb as mx

    rounds = C.arg_value("--rounds", 10, argv)
    cases = [("MLP 784-512-512-10 b256 (GPU)", W.MLP_DIMS, W.MLP_BATCH),
             ("MLP 4096-4096-4096-1000 b4096 (GPU)", W.BIG_MLP_DIMS, W.BIG_MLP_BATCH)]
    result = {"lines": [], "cases": []}
    for title, dims, batch in cases:
        arrays = W.mlp_arrays(dims, batch)
        refs = {"cupy_prealloc": R.MLPPrealloc(cupy, arrays),
                "cupy_fresh": R.MLPFresh(cupy, arrays)}
        case = H.gpu_compare(cupy, title, W.mlp_symbol(mx, dims), arrays, refs, rounds)
        result["cases"].append(case)
        result["lines"] += case["lines"]
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
