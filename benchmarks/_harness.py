"""The comparison the network benchmarks share: check every reference against symnb, then
time them all (MXNet in its worker process) in interleaved rounds."""
from __future__ import annotations

import os
import tempfile

import _common as C
import _workloads as W
import numpy as np


def run_cpu(workload, title, refs, torch_ref, rounds, block_s, removed_env, rel_l2=None):
    """``refs`` maps a name to ``make(arrays)`` returning an object with ``step()`` and
    ``results()``. If symnb cannot build the workload yet (an operator still missing), the
    references are still checked against each other and timed, and the symnb column says why
    it is absent."""
    import symnb as mx

    build, make_arrays = W.BUILDERS[workload]
    arrays = make_arrays()
    threads = C.numpy_threads()
    torch = C.setup_torch(threads)
    notes = ["threads: numpy BLAS %d, torch %s (set equal), MXNet OMP_NUM_THREADS=%d"
             % (threads, torch.get_num_threads() if torch else "absent", threads)]
    if removed_env:
        notes.append("unset for this run: %s" % ", ".join(sorted(removed_env)))

    instances = {name: make(arrays) for name, make in refs.items()}
    if torch is not None:
        import _ref_torch as T
        instances["torch"] = getattr(T, torch_ref)(torch, arrays)
    for inst in instances.values():
        inst.step()

    timers, symnb_missing, ex = {}, None, None
    try:
        ex = W.bind(mx, build(mx), arrays, mx.cpu())
    except Exception as e:  # an operator not implemented yet, or not bindable
        symnb_missing = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200])
        notes.append("symnb: unavailable (%s)" % symnb_missing)
    if ex is not None:
        symnb_step = W.train_step(ex)
        symnb_step()
        want = W.results(ex, arrays)
        timers["symnb"] = C.local_timer(symnb_step)
    else:                       # check the references against the first one instead
        first = next(iter(instances))
        want = instances[first].results()
    C.check_all(want, {name: inst.results() for name, inst in instances.items()}, rel_l2)
    timers.update({name: C.local_timer(inst.step) for name, inst in instances.items()})

    worker = C.MXNetWorker.start(threads)
    mxnet_check = None
    with tempfile.TemporaryDirectory() as tmp:
        if worker is not None:
            np.savez(os.path.join(tmp, "in.npz"), **arrays)
            try:
                worker.call({"cmd": "setup", "workload": workload,
                             "npz": os.path.join(tmp, "in.npz"),
                             "out": os.path.join(tmp, "out.npz")})
                mxnet_check = _check_mxnet(want, dict(np.load(os.path.join(tmp, "out.npz"))),
                                           rel_l2)
                timers["mxnet"] = worker.timer()
            except RuntimeError as e:
                notes.append("MXNet 1.9.1: failed (%s)" % e)
        else:
            notes.append("MXNet 1.9.1: unavailable (%s)" % C.MXNetWorker.reason)
        try:
            result = C.compare(title, timers, rounds, block_s)
        finally:
            if worker is not None:
                worker.close()
    # after thousands of timed steps everything must still agree
    if ex is not None:
        want = W.results(ex, arrays)
    C.check_all(want, {name: inst.results() for name, inst in instances.items()}, rel_l2)
    if mxnet_check is not None:
        notes.append("MXNet 1.9.1 output/gradients vs %s: %s"
                     % ("symnb" if ex is not None else "references", mxnet_check))
    result["lines"] += ["  " + n for n in notes]
    result.update({"threads": threads, "mxnet_check": mxnet_check,
                   "mxnet": getattr(worker, "info", None), "symnb_missing":
                   symnb_missing, "blas": C.blas_info(), "env_removed": removed_env})
    return result


def _check_mxnet(want, got, rel_l2):
    # MXNet disagreeing is a finding about symnb (or MXNet), not a reason to stop timing
    try:
        C.check_all(want, {"mxnet": got}, rel_l2)
        return "agree"
    except AssertionError as e:
        return "MISMATCH: %s" % str(e).strip().splitlines()[0]


def gpu_compare(cupy, title, symbol, arrays, refs, rounds, block_s=0.25, rel_l2=None):
    """symnb on mx.gpu() against hand-written CuPy, synchronising after every block."""
    import symnb as mx

    sync = cupy.cuda.Device().synchronize
    ex = W.bind(mx, symbol, arrays, mx.gpu(0))
    step = W.train_step(ex)
    step()
    sync()
    want = W.results(ex, arrays)
    for ref in refs.values():
        ref.step()
    sync()
    C.check_all(want, {name: ref.results() for name, ref in refs.items()}, rel_l2)
    timers = {"symnb": C.local_timer(step, sync)}
    timers.update({name: C.local_timer(ref.step, sync) for name, ref in refs.items()})
    return C.compare(title, timers, rounds, block_s)
