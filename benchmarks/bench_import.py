"""``import symnb`` time in fresh interpreters (interpreter start-up excluded), beside
``import numpy`` (which symnb needs), ``import torch`` and ``import mxnet`` (its venv); and
the peak RSS ``import symnb`` adds to an interpreter that has imported numpy.

    python benchmarks/bench_import.py [--repeats N] [--json PATH]
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import json  # noqa: E402
import subprocess  # noqa: E402

import _common as C  # noqa: E402

# Timed inside the child so that interpreter start-up, identical for all, is left out.
_PROBE = """
import sys, time, json, resource
{before}
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
import {module}
dt = time.perf_counter() - t0
rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
heavy = sorted(m for m in ("IPython", "ipywidgets", "matplotlib", "cupy", "torch", "scipy",
                           "anywidget") if m in sys.modules)
print(json.dumps({{"s": dt, "modules": len(sys.modules), "heavy": heavy, "rss_mib": rss}}))
"""

MODULES = (("numpy", sys.executable), ("symnb", sys.executable), ("torch", sys.executable),
           ("mxnet", str(C.MXNET_PY)))
HEAVY_REPEATS = 3     # torch and mxnet take seconds each; they are context, not the subject


def probe(module: str, python: str, before: str = "") -> dict | None:
    # a user's interpreter writes and reuses bytecode caches; this machine sets
    # PYTHONDONTWRITEBYTECODE=1, which would time compiling every module from source
    env = C.bench_env({"PYTHONWARNINGS": "ignore"})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run([python, "-c", _PROBE.format(module=module, before=before)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        if module == "symnb":
            raise RuntimeError("import symnb failed:\n" + proc.stderr[-2000:])
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv):
    repeats = C.arg_value("--repeats", 7, argv)
    samples = {m: [] for m, _ in MODULES}
    last = {}
    for r in range(repeats):                # interleaved: disk cache and load hit all alike
        for module, python in MODULES:
            if module in ("torch", "mxnet") and r >= HEAVY_REPEATS:
                continue
            got = probe(module, python)
            if got is not None:
                samples[module].append(got["s"])
                last[module] = got
    result = {"seconds": {m: (C.summary(s) if s else None) for m, s in samples.items()},
              "symnb_modules": last.get("symnb", {}).get("modules"),
              "symnb_heavy_imports": last.get("symnb", {}).get("heavy")}
    lines = ["import time in fresh interpreters (%d repeats, start-up excluded)" % repeats]
    for module, s in result["seconds"].items():
        if s is None:
            lines.append("  %-8s unavailable" % module)
        else:
            lines.append("  %-8s %9s  [%s-%s]" % (module, C.fmt_time(s["median"]),
                                                  C.fmt_time(s["min"]), C.fmt_time(s["max"])))
    lines.append("  symnb loads %s modules; heavy ones pulled in: %s"
                 % (result["symnb_modules"], result["symnb_heavy_imports"] or "none"))
    # numpy first, as every symnb user has it: what symnb itself adds
    rss = [probe("symnb", sys.executable, before="import numpy")["rss_mib"] for _ in range(3)]
    result["symnb_import_rss_mib"] = min(rss)
    lines.append("  import symnb adds %.1f MiB of peak RSS after import numpy (min of 3)"
                 % min(rss))
    result["lines"] = lines
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
