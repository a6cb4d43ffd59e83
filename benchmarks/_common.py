"""What every benchmark script shares: a clean BLAS environment, thread settings, timing in
interleaved rounds, per-round ratios, the MXNet 1.9.1 worker, and JSON output.

This module imports nothing heavy at import time: ``clean_blas_env()`` must run before NumPy
is imported, because OpenBLAS reads its environment once when it loads.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
MXNET_VENV = ROOT / ".bench-mxnet-venv"
MXNET_PY = MXNET_VENV / "bin" / "python"
if str(ROOT) not in sys.path:     # symnb from this checkout when it is not installed
    sys.path.append(str(ROOT))

# On some processors the machine sets these two; together they pick an older OpenBLAS kernel
# and cache size that slow current NumPy. Benchmarks unset both (and only both, only in their
# own processes) and record which kernel actually runs; tests and CI keep the machine's values.
BLAS_ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_REEXEC_FLAG = "SYMNB_BENCH_ENV_CLEAN"


def bench_env(extra: dict | None = None) -> dict:
    """The environment for a benchmark subprocess: the machine's, minus the BLAS overrides."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_ENV_VARS}
    env[_REEXEC_FLAG] = "1"
    env.update(extra or {})
    return env


def clean_blas_env() -> dict:
    """Re-execute this script without the BLAS overrides if they are set; returns what was
    removed (so results can say so). Call it before importing NumPy."""
    removed = {k: os.environ[k] for k in BLAS_ENV_VARS if k in os.environ}
    if removed and "numpy" not in sys.modules and os.environ.get(_REEXEC_FLAG) != "1":
        env = bench_env({"SYMNB_BENCH_REMOVED": json.dumps(removed)})
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    if "SYMNB_BENCH_REMOVED" in os.environ:
        removed.update(json.loads(os.environ["SYMNB_BENCH_REMOVED"]))
    return removed


# ---------------------------------------------------------------------------- threads / BLAS
def blas_info() -> list[dict]:
    """threadpoolctl's view of the loaded BLAS/OpenMP pools (kernel, threads), or []."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("user_api", "internal_api", "version", "num_threads", "architecture",
            "threading_layer", "filepath")
    return [{k: pool.get(k) for k in keep} for pool in threadpool_info()]


def numpy_threads() -> int:
    """How many threads NumPy's BLAS uses (the number every reference is given)."""
    import numpy  # noqa: F401  -- loads the BLAS so threadpoolctl can see it
    for pool in blas_info():
        if pool["user_api"] == "blas":
            return int(pool["num_threads"])
    return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1))


def setup_torch(threads: int):
    """Import torch pinned to ``threads`` intra-op threads (NumPy's count), or None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


# ---------------------------------------------------------------------------- timing
# Untimed calls at the start of every block, for at least this long (and at least one): a
# variant that sat idle while the others ran has cold caches, and MXNet's engine threads fall
# asleep (its calls right after a pause were seen at 10-27 ms against 35-70 us warm).
WARMUP_S = 0.02
# A block stops early (reps cut short) once it has run this long: on a busy machine a step
# can take ten times longer than when the block size was calibrated, and the suite must
# still end in minutes. Per-call time stays exact: elapsed time over calls made.
MAX_BLOCK_S = 1.0
def warm_up(fn, seconds: float, sync=None) -> None:
    """Call ``fn`` (untimed) until ``seconds`` have passed, at least once, synchronising
    after each call: unsynchronised, an asynchronous engine would only queue the work."""
    end = time.perf_counter() + seconds
    while True:
        fn()
        if sync is not None:
            sync()
        if time.perf_counter() >= end:
            return


def time_per_call(fn, reps: int, sync=None, warmup_s: float = WARMUP_S,
                  max_s: float = MAX_BLOCK_S) -> float:
    """Seconds per call of ``fn`` over one block of ``reps`` calls (``sync`` once at the end,
    so asynchronous engines are charged for all the work they queued), after a warm-up; the
    block ends early after ``max_s``."""
    warm_up(fn, warmup_s, sync)
    perf = time.perf_counter
    t0 = perf()
    deadline = t0 + max_s
    calls = 0
    while calls < reps:
        fn()
        calls += 1
        if perf() > deadline:
            break
    if sync is not None:
        sync()
    return (perf() - t0) / calls


def min_time(call, reps: int) -> float:
    """The fastest of ``reps`` calls, in seconds (per-layer figures on a shared machine)."""
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - t0)
    return best


def run_rounds(variants: dict, rounds: int, reps: dict) -> dict[str, list[float]]:
    """Interleave the variants: every round times one block of each, in an order that
    rotates each round, so drift (thermal, other processes) hits all of them alike.

    ``variants`` maps a name to ``timer(reps) -> seconds per call``.
    """
    names = list(variants)
    times = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(variants[name](reps[name]))
    return times


def summary(values: list[float]) -> dict:
    """median, min, max and count of a sample."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def ratios(times: dict[str, list[float]], num: str, den: str) -> dict | None:
    """Per-round ratio ``num/den`` summarised (None if either side was not measured)."""
    if not times.get(num) or not times.get(den):
        return None
    return summary([a / b for a, b in zip(times[num], times[den], strict=True)])


def fmt_ratio(s: dict | None) -> str:
    if s is None:
        return "n/a"
    return "%s [%s-%s]" % tuple(_fmt_num(s[k]) for k in ("median", "min", "max"))


def _fmt_num(x: float) -> str:
    return "%.2f" % x if x >= 0.1 else "%.2g" % x


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return "%.2f us" % (seconds * 1e6)
    if seconds < 1:
        return "%.2f ms" % (seconds * 1e3)
    return "%.2f s" % seconds


# ---------------------------------------------------------------------------- checks
def assert_close(name: str, got, want, rtol: float = 2e-3, atol_frac: float = 2e-4,
                 rel_l2: float | None = None):
    """Fail loudly if a reference disagrees with symnb: a fast wrong answer must not win.

    Elementwise by default, with ``atol`` scaled by the array's magnitude because float32 sums
    differ by order. ``rel_l2`` instead bounds ||got - want|| / ||want||: max pooling after
    tanh has windows whose two largest values lie within an ulp (tanh flattens near +-1), and
    libraries whose tanh differs in the last bit route those few gradients differently.
    """
    import numpy as np
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        raise AssertionError("benchmark reference disagrees with symnb: %s has shape %s, "
                             "symnb %s" % (name, got.shape, want.shape))
    if rel_l2 is not None:
        err = np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)
        if not err <= rel_l2:
            raise AssertionError("benchmark reference disagrees with symnb: %s: relative L2 "
                                 "error %.3g > %.3g" % (name, err, rel_l2))
        return
    scale = float(np.abs(want).max()) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol_frac * max(scale, 1e-6),
                               err_msg="benchmark reference disagrees with symnb: %s" % name)


# ---------------------------------------------------------------------------- MXNet worker
class MXNetWorker:
    """Real MXNet 1.9.1 in its own venv, driven over pipes one JSON line at a time, so its
    rounds can alternate with ours. ``MXNetWorker.start()`` returns None (and sets
    ``MXNetWorker.reason``) where the venv is missing or MXNet does not import."""

    reason = None

    def __init__(self, proc, stderr_file):
        self._proc = proc
        self._stderr = stderr_file

    @classmethod
    def start(cls, threads: int):
        if os.environ.get("SYMNB_BENCH_NO_MXNET"):
            cls.reason = "disabled by SYMNB_BENCH_NO_MXNET"
            return None
        if not MXNET_PY.exists():
            cls.reason = ("no %s (make bench creates it: python3.11 -m venv, "
                          "pip install numpy==1.23.5 mxnet==1.9.1)" % MXNET_VENV.name)
            return None
        env = bench_env({"OMP_NUM_THREADS": str(threads), "MXNET_CPU_WORKER_NTHREADS": "1",
                         "PYTHONWARNINGS": "ignore"})
        stderr_file = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen([str(MXNET_PY), str(BENCH_DIR / "mxnet_worker.py")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr_file, text=True, env=env, cwd=str(BENCH_DIR))
        worker = cls(proc, stderr_file)
        try:
            hello = worker.call({"cmd": "hello"})
        except RuntimeError as e:
            cls.reason = "MXNet worker failed to start: %s" % e
            worker.close()
            return None
        worker.version = hello["version"]
        worker.info = hello
        return worker

    def call(self, request: dict) -> dict:
        try:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            self._stderr.seek(0)
            tail = self._stderr.read()[-2000:]
            raise RuntimeError("MXNet worker died: %s" % tail.strip())
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError("MXNet worker: %s" % reply["error"])
        return reply

    def timer(self, warmup_s=WARMUP_S):
        """A ``timer(reps)`` for ``run_rounds`` timing the workload set up last (``warmup_s``
        None: no untimed call first)."""
        return lambda reps: self.call({"cmd": "time", "reps": reps, "warmup_s": warmup_s,
                                       "max_s": MAX_BLOCK_S})["sec"]

    def close(self):
        if self._proc.poll() is None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
        self._stderr.close()


# ---------------------------------------------------------------------------- output
def machine_info() -> dict:
    import numpy as np
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "processor": _cpu_model(), "cpus": os.cpu_count(), "numpy": np.__version__}
    try:
        import symnb
        info["symnb"] = symnb.__version__
    except ImportError:
        pass
    try:
        import torch
        info["torch"] = torch.__version__
    except ImportError:
        pass
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def emit(result: dict, argv=None):
    """Print the human summary lines, then write the JSON where ``--json PATH`` says."""
    argv = sys.argv[1:] if argv is None else argv
    for line in result.get("lines", []):
        print(line, flush=True)
    if "--json" in argv:
        path = Path(argv[argv.index("--json") + 1])
        path.write_text(json.dumps(result, indent=1, default=float))


def arg_value(name: str, default, argv=None):
    """``--name VALUE`` from argv (scripts stay flag-light; run_all passes --quick/--gpu)."""
    argv = sys.argv[1:] if argv is None else argv
    if name in argv:
        return type(default)(argv[argv.index(name) + 1])
    return default


def gpu_or_skip():
    """(cupy, reason): the CuPy module when a GPU is usable, else None and why not."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy sees no CUDA device"
        return cupy, None
    except Exception as e:  # ImportError, CUDA driver errors
        return None, "CuPy/GPU unavailable (%s: %s)" % (type(e).__name__, e)


# ---------------------------------------------------------------------------- one comparison
def check_all(want: dict, refs: dict, rel_l2: float | None = None) -> None:
    """Assert every reference's output and gradients equal symnb's (``want``)."""
    for ref_name, got in refs.items():
        missing = set(want) - set(got)
        if missing:
            raise AssertionError("%s produced no %s" % (ref_name, sorted(missing)))
        for key in want:
            assert_close("%s %s" % (ref_name, key), got[key], want[key], rel_l2=rel_l2)


def compare(title: str, timers: dict, rounds: int, block_s: float, reps: dict | None = None
            ) -> dict:
    """Calibrate every ``timer(reps)`` to blocks of about ``block_s`` (unless ``reps`` gives
    the calls per block), run interleaved rounds, and summarise absolute times and the
    per-round ratios symnb/reference."""
    if reps is None:
        reps = {name: _reps_for(timer, block_s) for name, timer in timers.items()}
    times = run_rounds(timers, rounds, reps)
    # ratio: symnb's time over each reference's, per round (< 1: symnb faster);
    # vs_mxnet: each variant's time over MXNet's, the normalisation of the table
    result = {"title": title, "rounds": rounds, "reps": reps,
              "abs": {k: summary(v) for k, v in times.items()},
              "ratio": {k: ratios(times, "symnb", k) for k in times if k != "symnb"},
              "vs_mxnet": {k: ratios(times, k, "mxnet") for k in times if k != "mxnet"},
              "times": times, "loadavg": os.getloadavg()}
    lines = ["%s: %d interleaved rounds (load average %.1f)"
             % (title, rounds, result["loadavg"][0])]
    for name in times:
        line = "  %-16s %10s" % (name, fmt_time(result["abs"][name]["median"]))
        if name not in ("symnb", "mxnet") and "symnb" in times:
            line += "   symnb/%s = %s" % (name, fmt_ratio(result["ratio"][name]))
        if name != "mxnet" and "mxnet" in times:
            line += "   %s/mxnet = %s" % (name, fmt_ratio(result["vs_mxnet"][name]))
        lines.append(line)
    result["lines"] = lines
    return result


def _reps_for(timer, block_s: float, max_reps: int = 200_000) -> int:
    """Calls per block so that a block lasts about ``block_s``."""
    reps = 1
    while True:
        per_call = min(timer(reps), timer(reps))
        if per_call * reps >= block_s / 5 or reps >= max_reps:
            break
        reps *= 5
    return max(1, min(max_reps, int(block_s / max(per_call, 1e-9))))


def local_timer(fn, sync=None, warmup_s=WARMUP_S):
    """``timer(reps)`` for ``fn``; ``warmup_s`` None: no untimed call first."""
    if warmup_s is None:
        return lambda reps: _cold_block(fn, reps, sync)
    return lambda reps: time_per_call(fn, reps, sync, warmup_s)


def _cold_block(fn, reps, sync=None):
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    if sync is not None:
        sync()
    return (time.perf_counter() - t0) / reps
