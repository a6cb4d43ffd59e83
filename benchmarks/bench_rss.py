"""Peak resident memory of 30 MLP training steps (784-512-512-10, batch 256), each variant in
its own fresh interpreter (``resource.getrusage(...).ru_maxrss``), so imports count too.

    python benchmarks/bench_rss.py [--repeats N] [--json PATH]
    python benchmarks/bench_rss.py --child VARIANT      (internal: prints KiB)
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402

import _common as C  # noqa: E402

STEPS = 30
# what each variant imports is part of its footprint; "python+numpy" is the floor under all
VARIANTS = ("python+numpy", "symnb", "numpy_prealloc", "numpy_fresh", "torch", "mxnet")


def child(variant: str) -> None:
    import _workloads as W
    import numpy as np
    arrays = W.mlp_arrays()
    if variant == "symnb":
        import symnb as mx
        step = W.train_step(W.bind(mx, W.mlp_symbol(mx), arrays, mx.cpu()))
    elif variant in ("numpy_prealloc", "numpy_fresh"):
        import _ref_numpy as R
        cls = R.MLPPrealloc if variant == "numpy_prealloc" else R.MLPFresh
        step = cls(np, arrays).step
    elif variant == "torch":
        import _ref_torch as T
        torch = C.setup_torch(C.numpy_threads())
        step = T.MLP(torch, arrays).step
    else:
        def step():
            pass
    for _ in range(STEPS):
        step()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(variant: str) -> float | None:
    """Peak RSS in MiB of one fresh process, or None when the variant cannot run here."""
    if variant == "mxnet":
        if not C.MXNET_PY.exists():
            return None
        cmd = [str(C.MXNET_PY), str(C.BENCH_DIR / "mxnet_worker.py"), "--rss", "mlp", str(STEPS)]
    else:
        cmd = [sys.executable, __file__, "--child", variant]
    threads = str(C.numpy_threads())
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(C.BENCH_DIR),
                          env=C.bench_env({"OMP_NUM_THREADS": threads,
                                           "PYTHONWARNINGS": "ignore"}))
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        if variant in ("torch", "mxnet"):
            return None
        raise RuntimeError("%s failed:\n%s" % (variant, proc.stderr[-2000:]))
    return int(lines[-1]) / 1024.0          # Linux reports KiB


def main(argv):
    repeats = C.arg_value("--repeats", 3, argv)
    samples = {v: [] for v in VARIANTS}
    for _ in range(repeats):                # interleaved, so page-cache warmth is shared
        for variant in VARIANTS:
            mib = measure(variant)
            if mib is not None:
                samples[variant].append(mib)
    result = {"steps": STEPS, "mib": {v: (C.summary(s) if s else None)
                                      for v, s in samples.items()}}
    lines = ["peak RSS, %d MLP steps, fresh process each (%d repeats)" % (STEPS, repeats)]
    for variant, s in result["mib"].items():
        if s is None:
            lines.append("  %-16s unavailable" % variant)
        else:
            lines.append("  %-16s %7.1f MiB  [%.1f-%.1f]" % (variant, s["median"], s["min"],
                                                           s["max"]))
    if samples["symnb"] and samples["mxnet"]:
        lines.append("  symnb/mxnet = %.2f" % (statistics.median(samples["symnb"])
                                               / statistics.median(samples["mxnet"])))
    result["lines"] = lines
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main(sys.argv[1:])
