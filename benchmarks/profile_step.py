"""Where one training step's time goes: per operator type (forward and backward), executor
overhead, then cProfile's top functions (and pyinstrument's tree when it is installed).

    python benchmarks/profile_step.py [mlp|lenet|resnet18 ...] [--reps N] [--top K]
                                      [--batch B (resnet18)]

The per-operator table times each prepared call of the bound plan separately, in plan order,
so it reads symnb's executor internals (``ex._plan``); "executor overhead" is the full
``forward()+backward()`` minus the sum of the operator calls.
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import collections  # noqa: E402
import contextlib  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402

import _common as C  # noqa: E402
import _workloads as W  # noqa: E402


def plan_calls(ex):
    """[(phase, op name, node name, run)] in execution order."""
    plan = ex._plan
    calls, i = [], 0
    for step in plan.fwd_steps:
        i += len(step.scratch_slots)             # private input copies run before the op
        calls.append(("forward", step.op.name, step.node.name, plan.fwd_runs[i]))
        i += 1
    for step, run in zip(plan.bwd_steps, plan.bwd_runs, strict=True):
        calls.append(("backward", step.op.name, step.node.name, run))
    return calls


def per_op_table(ex, reps):
    calls = plan_calls(ex)
    spent = collections.defaultdict(float)
    per_node = collections.defaultdict(float)
    perf = time.perf_counter
    step = W.train_step(ex)
    step()
    t_step = C.time_per_call(step, reps)
    # the executor's own setting for plans with oneDNN convolutions (BLAS at one thread, the
    # other layers in oneDNN too), else none
    from symnb.ops import _onednn
    with _onednn.onednn_plan() if ex._plan.onednn else contextlib.nullcontext():
        for _ in range(reps):
            _onednn.forget_handoff()
            for phase, op, node, run in calls:
                _onednn.STEP[0] += 1        # as the executor counts steps (hand-offs)
                t0 = perf()
                run(True)
                dt = perf() - t0
                spent[(op, phase)] += dt
                per_node[(node, phase)] += dt
    spent = {k: v / reps for k, v in spent.items()}
    per_node = {k: v / reps for k, v in per_node.items()}
    total_ops = sum(spent.values())
    lines = ["  full step %s; operator calls %s; executor overhead %s (%.1f%%)" % (
        C.fmt_time(t_step), C.fmt_time(total_ops), C.fmt_time(t_step - total_ops),
        100 * (t_step - total_ops) / t_step)]
    lines.append("  %-22s %-9s %11s %7s" % ("operator", "phase", "per step", "share"))
    for (op, phase), dt in sorted(spent.items(), key=lambda kv: -kv[1]):
        lines.append("  %-22s %-9s %11s %6.1f%%" % (op, phase, C.fmt_time(dt),
                                                    100 * dt / t_step))
    lines.append("  slowest nodes: " + ", ".join(
        "%s.%s %s" % (node, phase[:3], C.fmt_time(dt))
        for (node, phase), dt in sorted(per_node.items(), key=lambda kv: -kv[1])[:5]))
    return lines, {"step_s": t_step, "ops_s": total_ops,
                   "by_op": {"%s/%s" % k: v for k, v in spent.items()}}


def cprofile_lines(step, reps, top):
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(reps):
        step()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    text = out.getvalue().strip().splitlines()
    start = next((i for i, line in enumerate(text) if "ncalls" in line), 0)
    return ["  cProfile, %d steps, top %d by own time:" % (reps, top)] + [
        "  " + line for line in text[start:]]


def pyinstrument_lines(step, reps):
    try:
        from pyinstrument import Profiler
    except ImportError:
        return ["  (pyinstrument not installed: pip install pyinstrument for a call tree)"]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(reps):
        step()
    profiler.stop()
    return ["  " + line for line in profiler.output_text(unicode=False).splitlines()
            if line.strip()][:60]


def main(argv):
    import symnb as mx

    workloads = [a for a in argv if a in W.BUILDERS and a != "tiny"] or ["mlp", "lenet"]
    reps = C.arg_value("--reps", 10, argv)
    top = C.arg_value("--top", 15, argv)
    result = {"lines": []}
    for name in workloads:
        build, make_arrays = W.BUILDERS[name]
        # ResNet-18's arrays take the library and a batch (its training step's 16)
        arrays = make_arrays(mx, C.arg_value("--batch", 16, argv)) if name == "resnet18" \
            else make_arrays()
        try:
            ex = W.bind(mx, build(mx), arrays, mx.cpu())
        except Exception as e:  # an operator still missing
            result["lines"].append("%s: cannot bind (%s: %s)" % (name, type(e).__name__, e))
            continue
        step = W.train_step(ex)
        lines, data = per_op_table(ex, reps)
        result[name] = data
        result["lines"] += ["== %s: one forward+backward, %d reps ==" % (name, reps)] + lines
        result["lines"] += cprofile_lines(step, reps, top)
        if "--no-pyinstrument" not in argv:
            result["lines"] += pyinstrument_lines(step, reps)
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
