"""Runs the workloads on real MXNet 1.9.1, inside .bench-mxnet-venv (never with symnb).

Protocol: one JSON request per stdin line, one JSON reply per stdout line, so the parent can
alternate MXNet rounds with its own. Requests:

* ``{"cmd": "hello"}`` -> versions;
* ``{"cmd": "setup", "workload": "mlp"|"lenet"|"tiny"|"chain", "npz": PATH, "train": bool,
  "n_ops": N, "sync_each": bool, "out": PATH}`` binds (timed), runs once and saves
  output/gradients to ``out``; ``sync_each`` waits for the engine after every call;
* ``{"cmd": "time", "reps": N, "warmup_s": S, "max_s": M}`` -> seconds per call over one
  block of N calls (cut short after M seconds), after untimed calls for S seconds (at least
  one; none with ``"warmup_s": null``, for calls that take seconds), synchronised at the end.

``python mxnet_worker.py --rss mlp 30`` runs 30 training steps and prints peak RSS in KiB.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _workloads as W  # noqa: E402


def _protocol_stream():
    # MXNet's C++ side may print to fd 1; keep the protocol on a private copy of stdout and
    # send everything else to stderr.
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def _symbol(mx, workload, n_ops):
    if workload == "chain":
        return W.chain_symbol(mx, n_ops)
    return W.BUILDERS[workload][0](mx)


def main():
    proto = _protocol_stream()
    import mxnet as mx
    state = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = handle(mx, request, state)
        except Exception as e:  # report to the parent instead of dying silently
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        proto.write(json.dumps(reply) + "\n")
        proto.flush()


def handle(mx, request, state):
    cmd = request["cmd"]
    if cmd == "hello":
        return {"version": mx.__version__, "numpy": np.__version__,
                "python": sys.version.split()[0],
                "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
                "features": [f.name for f in mx.runtime.Features().values() if f.enabled]}
    if cmd == "setup":
        arrays = dict(np.load(request["npz"]))
        symbol = _symbol(mx, request["workload"], request.get("n_ops", 0))
        train = request.get("train", True)
        t0 = time.perf_counter()
        if request["workload"] == "chain":
            # as bench_bind_scaling times symnb: simple_bind with a gradient for the input
            ex = symbol.simple_bind(mx.cpu(), grad_req="write", data=arrays["data"].shape)
        else:
            ex = W.bind(mx, symbol, arrays, mx.cpu(), grad=train)
        mx.nd.waitall()
        bind_s = time.perf_counter() - t0
        if request["workload"] == "chain":
            ex.arg_dict["data"][:] = arrays["data"]

            def run():
                ex.forward(is_train=True)
        else:
            run = W.train_step(ex) if train else W.forward_only(ex)
        if request.get("sync_each"):
            # the per-call latency a user sees: MXNet's engine is asynchronous
            inner = run

            def run():
                inner()
                mx.nd.waitall()
        run()
        mx.nd.waitall()
        np.savez(request["out"], **W.results(ex, arrays))
        state["run"] = run
        return {"bind_s": bind_s}
    if cmd == "time":
        run, reps = state["run"], int(request["reps"])
        warmup = request.get("warmup_s", 0)
        end = time.perf_counter() + float(warmup or 0)
        while warmup is not None:      # synchronised: the engine would otherwise only queue
            run()
            mx.nd.waitall()
            if time.perf_counter() >= end:
                break
        t0 = time.perf_counter()
        deadline, calls = t0 + float(request.get("max_s", 1e9)), 0
        while calls < reps:
            run()
            calls += 1
            if time.perf_counter() > deadline:
                break
        mx.nd.waitall()
        return {"sec": (time.perf_counter() - t0) / calls}
    raise ValueError("unknown command %r" % cmd)


def rss(workload, steps):
    import mxnet as mx
    arrays = W.BUILDERS[workload][1]()
    ex = W.bind(mx, W.BUILDERS[workload][0](mx), arrays, mx.cpu())
    run = W.train_step(ex)
    for _ in range(steps):
        run()
    mx.nd.waitall()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--rss"]:
        rss(sys.argv[2], int(sys.argv[3]))
    else:
        main()
