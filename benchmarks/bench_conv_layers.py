"""ResNet-18's convolution layers one at a time, each kernel path against im2col: a bound
Convolution (float32, no bias) forward and backward at the given batch, through the
executor (two workers where it splits). Figures are the minimum over calls of interleaved
rounds, the tap GEMMs and the few-channel column blocks switched off and on in the same
process.

    python benchmarks/bench_conv_layers.py [--batch 16] [--rounds 3] [--reps 4] [--json PATH]
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import time  # noqa: E402

import _common as C  # noqa: E402
import numpy as np  # noqa: E402

# (title, in channels, filters, image, kernel, stride, pad)
LAYERS = (("stem 7x7/2, 3 -> 64, 224", 3, 64, 224, 7, 2, 3),
          ("3x3, 64, 56", 64, 64, 56, 3, 1, 1),
          ("3x3/2, 64 -> 128, 56", 64, 128, 56, 3, 2, 1),
          ("3x3, 128, 28", 128, 128, 28, 3, 1, 1),
          ("3x3, 256, 14", 256, 256, 14, 3, 1, 1),
          ("3x3, 512, 7", 512, 512, 7, 3, 1, 1))
BIG = 1 << 30


def _paths(conv, on, defaults={}):  # noqa: B006 -- the module's own thresholds, kept once
    """Tap GEMMs and column blocks on (their defaults) or off everywhere."""
    for name in ("_TAP_MIN_WIDTH", "_STEM_MIN_WIDTH"):
        defaults.setdefault(name, getattr(conv, name))
        setattr(conv, name, defaults[name] if on else BIG)


def time_layer(mx, conv, batch, layer, rounds, reps):
    _, c, f, size, k, s, pad = layer
    net = mx.sym.Convolution(mx.sym.var("data"), kernel=(k, k), stride=(s, s), pad=(pad, pad),
                             num_filter=f, no_bias=True, name="c")
    ex = net.simple_bind(mx.cpu(), data=(batch, c, size, size), grad_req={"data": "write",
                                                                           "c_weight": "write"})
    rng = np.random.default_rng(0)
    for a in ex.arg_arrays:
        a[:] = rng.standard_normal(a.shape).astype(np.float32)
    head = mx.nd.array(rng.standard_normal(ex.outputs[0].shape).astype(np.float32))
    best = {}
    for _ in range(rounds):
        for on in (False, True):
            _paths(conv, on)
            fwd, bwd = [], []
            for _ in range(reps):
                t0 = time.perf_counter()
                ex.forward(is_train=True)
                ex.outputs[0].wait_to_read()
                t1 = time.perf_counter()
                ex.backward(head)
                for g in ex.grad_arrays:
                    g.wait_to_read()
                fwd.append(t1 - t0)
                bwd.append(time.perf_counter() - t1)
            old = best.get(on, (float("inf"), float("inf")))
            best[on] = (min(old[0], min(fwd)), min(old[1], min(bwd)))
    _paths(conv, True)
    return best


def main(argv):
    import symnb as mx
    from symnb.ops import conv

    batch = C.arg_value("--batch", 16, argv)
    rounds = C.arg_value("--rounds", 3, argv)
    reps = C.arg_value("--reps", 4, argv)
    lines = ["ResNet-18 convolution layers, batch %d: im2col -> the default paths, min of %d x %d "
             "calls (forward / backward, data and weight gradients)" % (batch, rounds, reps)]
    rows = []
    for layer in LAYERS:
        best = time_layer(mx, conv, batch, layer, rounds, reps)
        rows.append({"layer": layer[0], "im2col_s": best[False], "default_s": best[True]})
        lines.append("  %-26s forward %s -> %s   backward %s -> %s" % (
            layer[0], C.fmt_time(best[False][0]), C.fmt_time(best[True][0]),
            C.fmt_time(best[False][1]), C.fmt_time(best[True][1])))
    result = {"rows": rows, "lines": lines}
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
