"""The oneDNN layers' figures (``ops/_onednn.py``, issue 13), each its own section:

* ``bnorm``: BatchNorm's forward on ResNet-18's maps (batch 16): NumPy's kernels, oneDNN on
  plain NCHW (its ``ncsp`` kernel) and oneDNN in the convolutions' blocked layout with both
  reorders, with batch statistics (symnb runs it blocked) and given ones (plain);
* ``sums``: a residual add and a gradient copy on a (16, 64, 56, 56) map, NumPy against
  oneDNN's binary primitive and reorder;
* ``verbose``: the oneDNN primitives of a ResNet-18 training step at batch 16, summed by
  kind (the median of three steps), in symnb (``ONEDNN_VERBOSE``) and in MXNet 1.9.1
  (``DNNL_VERBOSE``);
* ``inference``: the same sums for ResNet-18 inference at batch 1 and 16 (MXNet's MKLDNN
  subgraph backend, on by default there, fuses BatchNorm, relu and the residual adds into
  its convolutions and keeps their reordered weights);
* ``rss``: peak RSS of three such training steps, symnb against MXNet 1.9.1, each in a
  fresh process.

Minimum of ``--reps`` calls where timed. Needs oneDNN (``symnb[onednn]``); MXNet's halves
need ``.bench-mxnet-venv`` (``make bench`` makes it).

    python benchmarks/bench_onednn_layers.py [--only bnorm,sums,verbose,inference,rss] [--reps 10]
"""
from __future__ import annotations

import collections
import ctypes
import os
import subprocess
import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import _common as C  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAPS = {"stem": (16, 64, 112, 112), "stage1": (16, 64, 56, 56), "stage2": (16, 128, 28, 28),
        "stage3": (16, 256, 14, 14)}

# a child process: a ResNet-18 training step (or inference) at the batch given, then either
# three more, each after "=====STEP" (for the verbose log), or two more and the peak RSS
CHILD = r"""
import os, resource, sys
sys.path.insert(0, %r)
import _workloads as W
lib, what, batch, train = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "train"
if lib == "mxnet":
    import mxnet as mx
else:
    import symnb as mx
arrays = W.resnet18_arrays(mx, batch)
ex = W.bind(mx, W.resnet18_symbol(mx), arrays, mx.cpu(), grad=train)
step = W.train_step(ex) if train else W.forward_only(ex)
sync = mx.nd.waitall if lib == "mxnet" else (lambda: None)
step(); sync()
if what == "verbose":
    for _ in range(3):
        print("=====STEP", flush=True)
        step(); sync()
else:
    step(); step(); sync()
    print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
""" % HERE


def _min_time(fn, reps):
    fn()                                # primitives are made on the first call
    return C.min_time(fn, reps)


def _bn_kernel(D, rt, shape, md, flags, prop):
    """A oneDNN BatchNorm forward of ``shape`` in layout ``md`` and its NCHW operands
    (reorders where ``md`` is blocked): ``run(pointers)``."""
    plain, chan = rt.md(shape, D._plain(len(shape))), rt.md((shape[1],), D._TAG_X)
    pd = D._vp()
    D._check(rt.lib.dnnl_batch_normalization_forward_primitive_desc_create(
        ctypes.byref(pd), rt.engine, prop, md, md, 1e-3, flags, rt.attr),
        "batch_normalization_forward_pd")
    kernel = D._Plain(rt, pd, {a: md if a in (D._ARG_SRC, D._ARG_DST) else chan
                               for a in (D._ARG_SRC, D._ARG_DST, D._ARG_MEAN,
                                         D._ARG_VARIANCE, D._ARG_SCALE, D._ARG_SHIFT)})
    src, dst = D._Operand(rt, md, plain, "data", False), D._Operand(rt, md, plain, "result",
                                                                     True)

    def run(pointers):
        p = dict(pointers)
        p[D._ARG_SRC] = src.input_pointer(rt, p[D._ARG_SRC])
        p[D._ARG_DST] = dst.output_pointer(rt, p[D._ARG_DST])
        kernel(p)
        dst.finish_output(rt)
    return run


def bnorm(reps):
    import symnb as mx
    from symnb.ops import _onednn as D
    rt = D._runtime()
    lines = ["BatchNorm forward, batch statistics (NumPy: an executor's training forward) "
             "and given ones (min of %d):" % reps]
    for name, shape in MAPS.items():
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        c = shape[1]
        one, zero = np.ones(c, np.float32), np.zeros(c, np.float32)
        mean, var, out = np.empty(c, np.float32), np.empty(c, np.float32), np.empty_like(x)
        ex = mx.sym.BatchNorm(mx.sym.var("data"), fix_gamma=False).simple_bind(
            mx.cpu(), data=shape, grad_req="null")
        ex.arg_dict["data"][:] = x
        numpy_s = _min_time(lambda ex=ex: ex.forward(is_train=True), reps)
        plain, blocked = rt.md(shape, D._plain(len(shape))), D._conv_layout(rt, shape)[0]
        pointers = {D._ARG_SRC: x.ctypes.data, D._ARG_DST: out.ctypes.data,
                    D._ARG_MEAN: mean.ctypes.data, D._ARG_VARIANCE: var.ctypes.data,
                    D._ARG_SCALE: one.ctypes.data, D._ARG_SHIFT: zero.ctypes.data}
        batch, given = D._USE_SCALE | D._USE_SHIFT, D._USE_SCALE | D._USE_SHIFT | \
            D._GLOBAL_STATS
        times = {}
        with D.onednn_plan():
            for key, md, flags, prop in (
                    ("plain", plain, batch, D._FWD_TRAINING),
                    ("blocked", blocked, batch, D._FWD_TRAINING),
                    ("plain, given", plain, given, D._FWD_INFERENCE),
                    ("blocked, given", blocked, given, D._FWD_INFERENCE)):
                run = _bn_kernel(D, rt, shape, md, flags, prop)
                times[key] = _min_time(lambda p=pointers, r=run: r(p), reps)
        lines.append("  %-7s %-18s NumPy %s | oneDNN plain %s, blocked + reorders %s | "
                     "given statistics: plain %s, blocked + reorders %s"
                     % ((name, shape, C.fmt_time(numpy_s))
                        + tuple(C.fmt_time(times[k]) for k in (
                            "plain", "blocked", "plain, given", "blocked, given"))))
    return lines


def sums(reps):
    from symnb.ops import _onednn as D
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((16, 64, 56, 56)).astype(np.float32) for _ in range(2))
    out = np.empty_like(a)
    with D.onednn_plan():
        add = (_min_time(lambda: np.add(a, b, out=out), reps),
               _min_time(lambda: D.add(a, b, out), reps))
        copy = (_min_time(lambda: np.copyto(out, a), reps),
                _min_time(lambda: D.copy(a, out), reps))
    return ["Sums and copies on a (16, 64, 56, 56) map (min of %d):" % reps,
            "  add   NumPy %s   oneDNN %s" % tuple(C.fmt_time(t) for t in add),
            "  copy  NumPy %s   oneDNN %s" % tuple(C.fmt_time(t) for t in copy)]


def _child(lib, what, env, batch=16, train=True):
    py = str(C.MXNET_PY) if lib == "mxnet" else sys.executable
    if lib == "mxnet" and not C.MXNET_PY.exists():
        return None
    argv = [py, "-c", CHILD, lib, what, str(batch), "train" if train else "infer"]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    return out.stdout if out.returncode == 0 else None


def verbose(batch=16, train=True):
    lines = ["oneDNN primitives of ResNet-18 %s, batch %d (ms, summed by kind, median of 3 "
             "steps):" % ("training step" if train else "inference", batch)]
    sums_by = {}
    for lib, var in (("symnb", "ONEDNN_VERBOSE"), ("mxnet", "DNNL_VERBOSE")):
        env = C.bench_env({var: "1", "OMP_NUM_THREADS": str(C.numpy_threads())})
        text = _child(lib, "verbose", env, batch, train)
        if text is None:
            lines.append("  %s: unavailable" % lib)
            continue
        steps = []
        for block in text.split("=====STEP")[1:]:
            total = collections.defaultdict(float)
            for line in block.splitlines():
                f = line.split(",")
                if len(f) > 6 and f[1] == "exec":
                    total["%s %s" % (f[3], f[5])] += float(f[-1])
            steps.append(total)
        kinds = set().union(*steps)
        sums_by[lib] = {k: float(np.median([t.get(k, 0.0) for t in steps])) for k in kinds}
    kinds = sorted(set().union(*sums_by.values()), key=lambda k: -max(
        t.get(k, 0) for t in sums_by.values())) if sums_by else []
    for kind in kinds:
        lines.append("  %-40s %s" % (kind, "   ".join(
            "%s %7.1f" % (lib, sums_by[lib].get(kind, 0.0)) for lib in sums_by)))
    if sums_by:
        lines.append("  %-40s %s" % ("all primitives", "   ".join(
            "%s %7.1f" % (lib, sum(sums_by[lib].values())) for lib in sums_by)))
    return lines


def rss():
    lines = ["Peak RSS, three ResNet-18 training steps at batch 16, a fresh process each:"]
    for lib in ("symnb", "mxnet"):
        env = C.bench_env({"OMP_NUM_THREADS": str(C.numpy_threads())})
        text = _child(lib, "rss", env)
        value = next((line.split()[1] for line in (text or "").splitlines()
                      if line.startswith("RSS")), None)
        lines.append("  %-6s %s" % (lib, "%.0f MiB" % float(value) if value else "unavailable"))
    return lines


def main(argv):
    from symnb.ops import _onednn
    if not _onednn.available():
        print("oneDNN is not installed (pip install 'symnb[onednn]')")
        return {"lines": []}
    only = C.arg_value("--only", "bnorm,sums,verbose,inference,rss", argv).split(",")
    reps = C.arg_value("--reps", 10, argv)
    lines = []
    for name, run in (("bnorm", lambda: bnorm(reps)), ("sums", lambda: sums(reps)),
                      ("verbose", verbose),
                      ("inference", lambda: verbose(1, False) + verbose(16, False)),
                      ("rss", rss)):
        if name in only:
            lines += run()
    result = {"lines": lines}
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
