"""LeNet (conv20 5x5, tanh, maxpool 2, conv50 5x5, tanh, maxpool 2, fc500, tanh, fc10,
SoftmaxOutput), batch 64, float32: one forward+backward.

symnb against hand-written NumPy (im2col + GEMM, col2im for the data gradient), PyTorch CPU
and real MXNet 1.9.1, interleaved and checked as in bench_mlp.py.

    python benchmarks/bench_lenet.py [--rounds N] [--quick] [--gpu] [--json PATH]

With ``--gpu``: symnb on mx.gpu() against the same im2col code on CuPy.
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

# Near-tied pooling windows (see _common.assert_close) send a few gradients elsewhere, and
# conv1/conv2 sum over them: seen up to 0.7% relative L2 between NumPy and PyTorch over
# several seeds. A wrong convolution, pooling or tanh derivative moves the arrays by O(1).
LENET_REL_L2 = 2e-2


def main(argv):
    if "--gpu" in argv:
        return run_gpu(argv)
    quick = "--quick" in argv
    result = H.run_cpu("lenet", "LeNet b64 fwd+bwd",
                       refs={"numpy_im2col": lambda a: R.LeNetIm2col(np, a)},
                       torch_ref="LeNet", rounds=C.arg_value("--rounds", 5 if quick else 12, argv),
                       block_s=0.1 if quick else 0.25, removed_env=REMOVED_ENV,
                       rel_l2=LENET_REL_L2)
    C.emit(result, argv)
    return result


def run_gpu(argv):
    cupy, reason = C.gpu_or_skip()
    if cupy is None:
        result = {"skipped": reason, "lines": ["LeNet --gpu: skipped: %s" % reason]}
        C.emit(result, argv)
        return result
    import symnb as mx

    arrays = W.lenet_arrays()
    result = H.gpu_compare(cupy, "LeNet b64 (GPU)", W.lenet_symbol(mx), arrays,
                           {"cupy_im2col": R.LeNetIm2col(cupy, arrays)},
                           C.arg_value("--rounds", 10, argv), rel_l2=LENET_REL_L2)
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
