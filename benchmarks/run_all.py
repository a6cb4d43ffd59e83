"""Run every benchmark, print the table, save results/<date>.json, update README.md's table.

    python benchmarks/run_all.py [--quick] [--gpu] [--threads N] [--only mlp,...] [--no-readme]

Each script runs in its own process with the BLAS overrides unset (see _common.bench_env),
writes JSON, and is summarised here against the targets of the "make bench" issue. With
``--gpu`` the GPU variants run instead (symnb on mx.gpu() against hand-written CuPy); they
skip with a message where CuPy or a GPU is absent. Nothing here is asserted: a missed target
is reported, not failed.
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import _common as C  # noqa: E402

SCRIPTS = ("mlp", "lenet", "tiny", "rss", "bind_scaling", "import", "profile", "layout",
           "fit", "resnet")
GPU_SCRIPTS = ("mlp", "lenet")
README = C.BENCH_DIR / "README.md"
RESULTS = C.BENCH_DIR / "results"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
GPU_START, GPU_END = "<!-- bench-gpu:start -->", "<!-- bench-gpu:end -->"


def script_path(name):
    return C.BENCH_DIR / ("profile_step.py" if name == "profile" else "bench_%s.py" % name)


def run_script(name, flags, env):
    """Run one benchmark; returns its JSON (or the text it printed, for bench_layout)."""
    path = script_path(name)
    if not path.exists():
        return {"skipped": "%s not present" % path.name, "lines": []}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        argv = list(flags)
        if name == "layout":            # another engineer's script: plain text, own flags
            argv = ["--rounds", "3"] if "--quick" in flags else []
        elif name == "profile":
            argv = ["--reps", "5", "--top", "12", "--json", out]
        else:
            argv += ["--json", out]
        proc = subprocess.run([sys.executable, str(path)] + argv, capture_output=True,
                              text=True, env=env, cwd=str(C.ROOT))
        if os.path.exists(out):
            result = json.loads(open(out).read())
        else:
            result = {"lines": proc.stdout.strip().splitlines()}
    result["wall_s"] = time.perf_counter() - t0
    if proc.returncode != 0:
        result["error"] = proc.stderr.strip().splitlines()[-1:] or ["exit %d" % proc.returncode]
        result["stderr_tail"] = proc.stderr[-3000:]
    return result


def main(argv):
    gpu = "--gpu" in argv
    only = C.arg_value("--only", "", argv)
    names = [n for n in (GPU_SCRIPTS if gpu else SCRIPTS) if not only or n in only.split(",")]
    flags = [f for f in ("--quick", "--gpu") if f in argv]
    threads = C.arg_value("--threads", 0, argv)
    # --threads N pins every library (NumPy's OpenBLAS, PyTorch, MXNet's OpenMP) to N threads;
    # on a busy machine multi-threaded OpenBLAS collapses (its threads wait on each other)
    env = C.bench_env({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                 "MKL_NUM_THREADS")} if threads else None)
    load_start = os.getloadavg()
    results, t0 = {}, time.perf_counter()
    for name in names:
        print("== %s ==" % name, flush=True)
        results[name] = run_script(name, flags, env)
        for line in results[name].get("lines", []):
            print(line)
        if "error" in results[name]:
            print("  FAILED: %s" % results[name]["error"][0])
            print(results[name]["stderr_tail"])
        print("  (%.0f s)" % results[name]["wall_s"], flush=True)
    table = gpu_table(results) if gpu else cpu_table(results)
    record = {"date": datetime.date.today().isoformat(),
              "command": " ".join([os.path.relpath(sys.executable, C.ROOT)] + sys.argv),
              "machine": C.machine_info(), "blas": C.blas_info(),
              "blas_env_removed": REMOVED_ENV,
              "threads": threads or C.numpy_threads(), "threads_pinned": bool(threads),
              "loadavg_start": load_start, "loadavg_end": os.getloadavg(),
              "total_s": time.perf_counter() - t0,
              "mxnet": _mxnet_info(results), "table": table, "results": _strip(results)}
    print("\n" + table)
    if gpu and all(r.get("skipped") for r in results.values()):
        print("\nnothing measured (no GPU): results and README left as they were")
        return
    if gpu and _standin():
        print("\na dry run on tests/_standin's CPU stand-in for CuPy: its times are NumPy's, "
              "so results and README are left as they were")
        return
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("%s%s.json" % (record["date"], _suffix(record, gpu)))
    path.write_text(json.dumps(record, indent=1, default=float) + "\n")
    print("\nwrote %s (%.0f s in all)" % (os.path.relpath(path, C.ROOT), record["total_s"]))
    if "--no-readme" not in argv and not only:
        update_readme(record, table, gpu)
        print("updated %s" % os.path.relpath(README, C.ROOT))


def _standin():
    """Whether ``cupy`` is the tests' CPU stand-in (a dry run of the GPU scripts)."""
    try:
        import cupy
    except ImportError:
        return False
    return bool(getattr(cupy, "__standin__", False))


def _suffix(record, gpu):
    """Runs that differ from plain `make bench` get their own results file."""
    return ("-gpu" if gpu else "") + ("-threads%d" % record["threads"]
                                      if record["threads_pinned"] else "")


def _strip(results):
    """Keep summaries, drop per-round raw times only where huge (they stay for ratios)."""
    return {k: {kk: vv for kk, vv in v.items() if kk != "stderr_tail"}
            for k, v in results.items()}


def _mxnet_info(results):
    for name in ("mlp", "lenet"):
        info = results.get(name, {}).get("mxnet")
        if info:
            return info
    return None


# ---------------------------------------------------------------------------- tables
def _get(results, *path):
    node = results
    for key in path:
        if not isinstance(node, dict) or node.get(key) is None:
            return None
        node = node[key]
    return node


def _r(s):
    return C.fmt_ratio(s) if s else "n/a"


def _abs(results, name, variant):
    s = _get(results, name, "abs", variant)
    return C.fmt_time(s["median"]) if s else "n/a"


def _verdict(value, ok):
    if value is None:
        return "not measured"
    return "met" if ok else "**missed**"


def cpu_table(results):
    R = results
    rows = ["| workload (float32) | symnb | hand-written NumPy | PyTorch CPU | MXNet 1.9.1 |"
            " issue's figures (MXNet / NumPy / PyTorch) |",
            "|---|---|---|---|---|---|"]
    mlp_vs = lambda v: _r(_get(R, "mlp", "vs_mxnet", v))  # noqa: E731
    rows.append("| MLP step, time / MXNet's | %s | %s prealloc; %s fresh | %s | 1.0 (%s) |"
                " 1.0 / 0.62 prealloc, 1.0 fresh / 0.68 |"
                % (mlp_vs("symnb"), mlp_vs("numpy_prealloc"), mlp_vs("numpy_fresh"),
                   mlp_vs("torch"), _abs(R, "mlp", "mxnet")))
    lenet_vs = lambda v: _r(_get(R, "lenet", "vs_mxnet", v))  # noqa: E731
    rows.append("| LeNet step, time / MXNet's | %s | %s (im2col) | %s | 1.0 (%s) |"
                " 1.0 / 1.8-2.0 / 0.85 |"
                % (lenet_vs("symnb"), lenet_vs("numpy_im2col"), lenet_vs("torch"),
                   _abs(R, "lenet", "mxnet")))
    rows.append("| (a*b)+c, 3 elements, one forward | %s | %s | %s | %s incl. sync |"
                " 54-72 us / 0.6-0.8 us / 2.5 us |"
                % tuple(_abs(R, "tiny", v) for v in ("symnb", "numpy", "torch", "mxnet")))
    mib = lambda v: ("%.0f MiB" % _get(R, "rss", "mib", v)["median"]  # noqa: E731
                     if _get(R, "rss", "mib", v) else "n/a")
    rows.append("| peak RSS, 30 MLP steps | %s | %s prealloc; %s fresh | %s | %s |"
                " 165 / 47 / 244 MiB |"
                % (mib("symnb"), mib("numpy_prealloc"), mib("numpy_fresh"), mib("torch"),
                   mib("mxnet")))
    for net, label in (("mlp", "MLP"), ("lenet", "LeNet")):
        fit = _get(R, "fit", "cases", net)
        mxnet_s = _get(fit, "abs", "mxnet")
        rows.append("| Module.fit epoch, %s, 20 x 64 images, time / MXNet's | %s | - | %s |"
                    " 1.0 (%s) | no slower than MXNet |"
                    % (label, _r(_get(fit, "vs_mxnet", "symnb")),
                       _r(_get(fit, "vs_mxnet", "torch")),
                       C.fmt_time(mxnet_s["median"]) if mxnet_s else "n/a"))
    for key, label in (("b1", "inference, batch 1"), ("b16", "inference, batch 16"),
                       ("train", "training step, batch 16")):
        case = _get(R, "resnet", "cases", key)
        rows.append("| ResNet-18 (zoo) %s, time / MXNet's | %s | - | %s | 1.0 (%s) |"
                    " no slower than MXNet |"
                    % (label, _r(_get(case, "vs_mxnet", "symnb")),
                       _r(_get(case, "vs_mxnet", "torch")), _abs(_get(R, "resnet", "cases") or {},
                                                                 key, "mxnet")))
    imp = lambda m: (C.fmt_time(_get(R, "import", "seconds", m)["median"])  # noqa: E731
                     if _get(R, "import", "seconds", m) else "n/a")
    rows.append("| import time | %s | %s (numpy) | %s | %s | - |"
                % (imp("symnb"), imp("numpy"), imp("torch"), imp("mxnet")))

    targets = ["| target | measured: median [min-max] of per-round ratios | verdict |",
               "|---|---|---|"]
    s = _get(R, "mlp", "ratio", "numpy_prealloc")
    targets.append("| MLP step <= 1.0x hand-written preallocated NumPy | %s (symnb %s, NumPy %s)"
                   " | %s |" % (_r(s), _abs(R, "mlp", "symnb"), _abs(R, "mlp", "numpy_prealloc"),
                                _verdict(s, s and s["median"] <= 1.0)))
    s = _get(R, "lenet", "ratio", "mxnet")
    targets.append("| LeNet step <= 1.0x MXNet | %s (symnb %s, MXNet %s) | %s |"
                   % (_r(s), _abs(R, "lenet", "symnb"), _abs(R, "lenet", "mxnet"),
                      _verdict(s, s and s["median"] <= 1.0)))
    for key, label in (("b1", "inference b1"), ("b16", "inference b16"),
                       ("train", "training step b16")):
        case = _get(R, "resnet", "cases", key)
        s = _get(case, "ratio", "mxnet")
        targets.append("| ResNet-18 %s <= 1.0x MXNet | %s (symnb %s, MXNet %s; PyTorch/MXNet %s)"
                       " | %s |" % (label, _r(s), _abs({key: case}, key, "symnb"),
                                    _abs({key: case}, key, "mxnet"),
                                    _r(_get(case, "vs_mxnet", "torch")),
                                    _verdict(s, s and s["median"] <= 1.0)))
    for net, label in (("mlp", "MLP"), ("lenet", "LeNet")):
        fit = _get(R, "fit", "cases", net)
        s = _get(fit, "ratio", "mxnet")
        targets.append("| Module.fit epoch, %s <= 1.0x MXNet's Module.fit | %s | %s |"
                       % (label, _r(s), _verdict(s, s and s["median"] <= 1.0)))
    t = _get(R, "tiny", "abs", "symnb")
    targets.append("| tiny forward <= 10 us | %s | %s |"
                   % (_abs(R, "tiny", "symnb"), _verdict(t, t and t["median"] <= 10e-6)))
    s = _get(R, "tiny", "ratio", "mxnet")
    speedup = ("MXNet/symnb = %.1fx (symnb/MXNet %s)" % (1 / s["median"], _r(s))) if s else "n/a"
    targets.append("| tiny forward >= 5x faster than MXNet | %s | %s |"
                   % (speedup, _verdict(s, s and s["median"] <= 0.2)))
    m = _get(R, "rss", "mib", "symnb")
    targets.append("| peak RSS <= 60 MiB | %s | %s |"
                   % ("%.1f MiB" % m["median"] if m else "n/a",
                      _verdict(m, m and m["median"] <= 60)))
    g = _get(R, "bind_scaling", "growth")
    if g:
        rows_b = _get(R, "bind_scaling", "rows")
        targets.append(
            "| bind/forward linear in graph size (per-node cost growth %d -> %d nodes ~1x) "
            "| bind %.2fx, forward %.2fx, backward %.2fx; per node at %d: bind %s, forward %s "
            "| %s |" % (rows_b[0]["n_ops"], rows_b[-1]["n_ops"], g["bind_s"], g["forward_s"],
                        g["backward_s"], rows_b[-1]["n_ops"],
                        C.fmt_time(rows_b[-1]["bind_s"] / rows_b[-1]["n_ops"]),
                        C.fmt_time(rows_b[-1]["forward_s"] / rows_b[-1]["n_ops"]),
                        _verdict(g, max(g["bind_s"], g["forward_s"], g["backward_s"]) <= 1.5)))
    return "\n".join(rows) + "\n\n" + "\n".join(targets)


def gpu_table(results):
    rows = ["| workload (GPU, float32) | symnb | hand-written CuPy | symnb / CuPy |",
            "|---|---|---|---|"]
    for name in GPU_SCRIPTS:
        res = results.get(name, {})
        if res.get("skipped") or "error" in res:
            rows.append("| %s | %s |  |  |" % (name, res.get("skipped") or res["error"][0]))
            continue
        for case in res.get("cases", [res]):
            for ref in (k for k in case.get("abs", {}) if k != "symnb"):
                rows.append("| %s | %s | %s %s | %s |" % (
                    case["title"], C.fmt_time(case["abs"]["symnb"]["median"]), ref,
                    C.fmt_time(case["abs"][ref]["median"]), _r(case["ratio"][ref])))
    return "\n".join(rows)


def update_readme(record, table, gpu):
    start, end = (GPU_START, GPU_END) if gpu else (START, END)
    m = record["machine"]
    blas = next((p for p in record["blas"] if p.get("user_api") == "blas"), {})
    header = [
        "Measured %s with `%s` (%.0f s)." % (record["date"], record["command"],
                                             record["total_s"]),
        "",
        "- machine: %s, %s CPUs, %s; load average %.1f at the start, %.1f at the end"
        % (m["processor"], m["cpus"], m["platform"], record["loadavg_start"][0],
           record["loadavg_end"][0]),
        "- versions: Python %s, NumPy %s, symnb %s, PyTorch %s, MXNet %s"
        % (m["python"], m["numpy"], m.get("symnb"), m.get("torch", "absent"),
           (record["mxnet"] or {}).get("version", "unavailable")),
        "- BLAS: %s %s, kernel %s; %s threads%s (PyTorch and MXNet given the same)"
        % (blas.get("internal_api"), blas.get("version"), blas.get("architecture"),
           record["threads"], " pinned by --threads" if record["threads_pinned"] else ""),
        "- unset in the benchmark processes: %s"
        % (", ".join(sorted(record["blas_env_removed"])) or "nothing (neither was set)"),
        "- raw numbers: `benchmarks/results/%s%s.json`" % (record["date"],
                                                          _suffix(record, gpu)),
        "",
    ]
    if max(record["loadavg_start"][0], record["loadavg_end"][0]) > m["cpus"]:
        header += ["**The machine was busy** (load average above its %s CPUs, from other "
                   "work): absolute times are inflated and per-round ratios are wide; rerun "
                   "on an idle machine before drawing conclusions." % m["cpus"], ""]
    block = "\n".join([start] + header + [table, end])
    text = README.read_text() if README.exists() else "%s\n%s\n" % (start, end)
    if start not in text:
        text += "\n%s\n%s\n" % (start, end)
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    README.write_text(before + block + after)


if __name__ == "__main__":
    main(sys.argv[1:])
