"""One ``Module.fit`` epoch on MNIST-shaped data: the 784-512-512-10 MLP and LeNet.

symnb's ``Module.fit`` against real MXNet 1.9.1's (the same ``fit_worker.Fit`` code run in its
venv, rounds alternating with ours) and an equivalent PyTorch loop (SGD with momentum, the
batch-mean cross-entropy, an accuracy count per batch). 1280 images in batches of 64, no
shuffle, the same initial weights everywhere; after the first epoch every variant's weights are
compared with symnb's, so all three do the same work.

    python benchmarks/bench_fit.py [--rounds N] [--quick] [--json PATH]
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import _common as C  # noqa: E402
import fit_worker as F  # noqa: E402
import numpy as np  # noqa: E402


class TorchFit:
    """The PyTorch loop doing what one fit epoch does."""

    def __init__(self, torch, workload, arrays):
        import _ref_torch as T
        self.torch = torch
        net_cls = T.MLP if workload == "mlp" else T.LeNet
        self.net = net_cls(torch, {**arrays, "data": arrays["data"][:1],
                                   "softmax_label": arrays["softmax_label"][:1]})
        self.x = torch.from_numpy(arrays["data"].copy())
        if workload == "mlp":
            self.x = self.x.reshape(len(self.x), -1)
        self.y = torch.from_numpy(arrays["softmax_label"].astype(np.int64))
        self.opt = torch.optim.SGD(list(self.net.p.values()), lr=F.OPTIMIZER_PARAMS[
            "learning_rate"], momentum=F.OPTIMIZER_PARAMS["momentum"])
        self.correct = 0

    def epoch(self):
        torch, net = self.torch, self.net
        for start in range(0, len(self.x), F.BATCH):
            net.x = self.x[start:start + F.BATCH]
            labels = self.y[start:start + F.BATCH]
            self.opt.zero_grad()
            logits = net.logits()
            torch.nn.functional.cross_entropy(logits, labels).backward()
            self.opt.step()
            self.correct += int((logits.argmax(1) == labels).sum())

    def params(self):
        return {k: t.detach().numpy().copy() for k, t in self.net.p.items()}


class FitWorker(C.MXNetWorker):
    """fit_worker.py in the MXNet venv: MXNetWorker's pipes, another script."""

    @classmethod
    def start_fit(cls, threads):
        if os.environ.get("SYMNB_BENCH_NO_MXNET"):
            cls.reason = "disabled by SYMNB_BENCH_NO_MXNET"
            return None
        if not C.MXNET_PY.exists():
            cls.reason = "no %s (make bench creates it)" % C.MXNET_VENV.name
            return None
        env = C.bench_env({"OMP_NUM_THREADS": str(threads), "MXNET_CPU_WORKER_NTHREADS": "1",
                           "PYTHONWARNINGS": "ignore"})
        stderr_file = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen([str(C.MXNET_PY), str(C.BENCH_DIR / "fit_worker.py")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr_file, text=True, env=env, cwd=str(C.BENCH_DIR))
        worker = cls(proc, stderr_file)
        try:
            worker.version = worker.call({"cmd": "hello"})["version"]
        except RuntimeError as e:
            cls.reason = "MXNet fit worker failed to start: %s" % e
            worker.close()
            return None
        return worker


def run(workload, rounds, threads, torch, notes):
    import symnb as mx

    arrays = F.fit_arrays(workload)
    title = "Module.fit epoch, %s, %d x %d MNIST-shaped" % (
        "MLP 784-512-512-10" if workload == "mlp" else "LeNet", F.N_SAMPLES // F.BATCH, F.BATCH)
    ours = F.Fit(mx, workload, arrays)          # the first epoch: bind, init, one pass
    want = ours.params()
    timers = {"symnb": lambda reps: _timed(ours.epoch)}
    if torch is not None:
        ref = TorchFit(torch, workload, arrays)
        ref.epoch()
        C.check_all(want, {"torch": ref.params()}, rel_l2=2e-3)
        timers["torch"] = lambda reps: _timed(ref.epoch)
    worker = FitWorker.start_fit(threads)
    with tempfile.TemporaryDirectory() as tmp:
        if worker is not None:
            np.savez(os.path.join(tmp, "in.npz"), **arrays)
            out = os.path.join(tmp, "out.npz")
            worker.call({"cmd": "setup", "workload": workload,
                         "npz": os.path.join(tmp, "in.npz"), "out": out})
            C.check_all(want, {"mxnet": dict(np.load(out))}, rel_l2=2e-3)
            timers["mxnet"] = lambda reps: worker.call({"cmd": "time"})["sec"]
        else:
            notes.append("MXNet 1.9.1: unavailable (%s)" % FitWorker.reason)
        try:
            times = C.run_rounds(timers, rounds, {k: 1 for k in timers})
        finally:
            if worker is not None:
                worker.close()
    result = {"title": title, "rounds": rounds,
              "abs": {k: C.summary(v) for k, v in times.items()},
              "ratio": {k: C.ratios(times, "symnb", k) for k in times if k != "symnb"},
              "vs_mxnet": {k: C.ratios(times, k, "mxnet") for k in times if k != "mxnet"},
              "times": times, "loadavg": os.getloadavg()}
    lines = ["%s: %d interleaved rounds (load average %.1f)"
             % (title, rounds, result["loadavg"][0])]
    for name in times:
        line = "  %-8s %10s" % (name, C.fmt_time(result["abs"][name]["median"]))
        if name != "mxnet" and "mxnet" in times:
            line += "   %s/mxnet = %s" % (name, C.fmt_ratio(result["vs_mxnet"][name]))
        if name == "torch":
            line += "   symnb/torch = %s" % C.fmt_ratio(result["ratio"]["torch"])
        lines.append(line)
    result["lines"] = lines
    return result


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv):
    quick = "--quick" in argv
    rounds = C.arg_value("--rounds", 2 if quick else 5, argv)
    threads = C.numpy_threads()
    torch = C.setup_torch(threads)
    notes = ["threads: numpy BLAS %d, torch %s, MXNet OMP_NUM_THREADS=%d"
             % (threads, torch.get_num_threads() if torch else "absent", threads)]
    result = {"lines": [], "cases": {}}
    for workload in ("mlp", "lenet"):
        case = run(workload, rounds, threads, torch, notes)
        result["cases"][workload] = case
        result["lines"] += case["lines"]
    result["lines"] += ["  " + n for n in notes]
    C.emit(result, argv)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
