"""A live ExecutorWidget left on during training: 1,000 steps of a small MLP, with and without.

The loop is the one of ``notebooks/11_live_training.ipynb``: forward(is_train=True), backward,
hand-written SGD on every weight (``w[:] = w - lr * g``), on an MLP 64-128-10 with ReLU and
SoftmaxOutput, batch 32. The view variant attaches an ``ExecutorWidget`` (default rate, 4
updates/s) whose messages are serialised as the kernel would (JSON text plus the buffers,
counted), so the encoding, comparison and send costs are all inside the timed loop, as is the
trailing-flush timer thread. Rounds interleave the two variants; the overhead is the per-round
ratio (view / none), reported as median [min-max]. Never asserted in tests.

    python benchmarks/bench_live.py [--rounds N] [--steps N] [--quick] [--resnet] [--json PATH]

Then one full flush of a LeNet training executor (batch 64) and, with ``--resnet``, of
ResNet-18's (batch 16): the cost of a widget's update on a convolution network.
"""
from __future__ import annotations

import sys

from _common import clean_blas_env

REMOVED_ENV = clean_blas_env()

import json  # noqa: E402
import time  # noqa: E402

import _common as C  # noqa: E402
import numpy as np  # noqa: E402


def mlp(mx, batch=32):
    data = mx.sym.var("data")
    h = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=128, name="fc1"),
                          act_type="relu", name="relu1")
    out = mx.sym.FullyConnected(h, num_hidden=10, name="fc2")
    net = mx.sym.SoftmaxOutput(out, mx.sym.var("softmax_label"), name="softmax")
    ex = net.simple_bind(mx.cpu(), data=(batch, 64), softmax_label=(batch,))
    rng = np.random.default_rng(0)
    for name, arr in ex.arg_dict.items():
        if name.endswith("weight"):
            arr[:] = rng.standard_normal(arr.shape).astype(np.float32) * 0.1
    ex.arg_dict["data"][:] = rng.standard_normal((batch, 64)).astype(np.float32)
    ex.arg_dict["softmax_label"][:] = rng.integers(0, 10, batch)
    return ex


def train(ex, steps, lr=0.05):
    params = [(ex.arg_dict[k], ex.grad_dict[k]) for k in ex.arg_dict
              if k.endswith(("weight", "bias"))]
    for _ in range(steps):
        ex.forward(is_train=True)
        ex.backward()
        for w, g in params:
            w[:] = w.asnumpy() - lr * g.asnumpy()


class Wire:
    """Stands in for the kernel's comm: serialises each message as ipykernel would."""

    def __init__(self):
        self.messages = self.bytes = 0

    def __call__(self, msg, buffers=None):
        self.messages += 1
        self.bytes += len(json.dumps(msg)) + sum(len(b) for b in buffers or ())


def main(argv):
    import symnb as mx
    from symnb.notebook.widget import ExecutorWidget

    quick = "--quick" in argv
    rounds = C.arg_value("--rounds", 5 if quick else 9, argv)
    steps = C.arg_value("--steps", 1000, argv)
    wires = []

    def none_block():
        ex = mlp(mx)
        t0 = time.perf_counter()
        train(ex, steps)
        return time.perf_counter() - t0

    def view_block():
        ex = mlp(mx)
        widget = ExecutorWidget(ex)
        wire = Wire()
        widget._send = wire
        t0 = time.perf_counter()
        train(ex, steps)
        took = time.perf_counter() - t0
        time.sleep(0.4)                   # the trailing flush sends the last step
        wires.append((wire.messages, wire.bytes, widget.steps, widget.flushes))
        widget.close()
        return took

    none_block()                          # warm-up (imports, first allocations)
    view_block()
    wires.clear()
    times = C.run_rounds({"none": lambda _: none_block(), "view": lambda _: view_block()},
                         rounds, {"none": 1, "view": 1})
    ratio = C.ratios(times, "view", "none")
    # the same cost counted piece by piece (robust on a busy machine): a step's two
    # notifications, and one flush of every array of the MLP
    ex = mlp(mx)
    widget = ExecutorWidget(ex)
    widget._send = Wire()
    widget._next_flush = time.perf_counter() + 3600
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        widget._on_event("forward", ex)
    per_event = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(50):
        widget._sent.clear()            # everything changed: the worst case
        widget.flush()
    per_flush = (time.perf_counter() - t0) / 50
    widget.close()
    step = C.summary(times["none"])["median"] / steps
    bound = (2 * per_event + widget.rate * per_flush * step) / step
    messages = [w[0] for w in wires]
    sizes = [w[1] for w in wires]
    last = [w[2] for w in wires]
    result = {
        "name": "live",
        "steps": steps,
        "rounds": rounds,
        "times": {k: C.summary(v) for k, v in times.items()},
        "ratio_view_over_none": ratio,
        "messages_per_loop": C.summary(messages),
        "bytes_per_loop": C.summary(sizes),
        "last_step_sent": last,
        "per_event_s": per_event,
        "per_flush_s": per_flush,
        "overhead_bound": bound,
        "machine": C.machine_info(),
        "lines": [
            "live view, %d steps MLP 64-128-10 batch 32: none %s, view %s per loop" % (
                steps, C.fmt_time(C.summary(times["none"])["median"]),
                C.fmt_time(C.summary(times["view"])["median"])),
            "  overhead view/none: %s (median [min-max] over %d interleaved rounds)" % (
                C.fmt_ratio(ratio), rounds),
            "  piece by piece: %.2f us per notification, %.2f ms per full flush at <= %g/s:"
            " overhead <= %.1f%% of a %.0f us step" % (per_event * 1e6, per_flush * 1e3,
                                                    widget.rate, bound * 100, step * 1e6),
            "  %d-%d messages, %.0f-%.0f kB per loop; last step sent: %s (of %d calls)" % (
                min(messages), max(messages), min(sizes) / 1e3, max(sizes) / 1e3,
                sorted(set(last)), 2 * steps),
        ],
    }
    nets = ["lenet"] + (["resnet18"] if "--resnet" in argv else [])
    for name in nets:
        took, count = conv_flush(mx, name)
        result["flush_%s_s" % name] = took
        result["lines"].append("  a full flush of a %s training executor (%d arrays, after a "
                               "step): %s" % (name, count, C.fmt_time(took)))
    C.emit(result, argv)
    return result


def conv_flush(mx, name):
    """Seconds for one full flush (every array changed) of a convolution network's training
    executor after a step, the fastest of three; and the number of arrays sent."""
    import _workloads as W

    from symnb.notebook.widget import ExecutorWidget

    build, make_arrays = W.BUILDERS[name]
    arrays = make_arrays(mx, 16) if name == "resnet18" else make_arrays()
    ex = W.bind(mx, build(mx), arrays, mx.cpu())
    step = W.train_step(ex)
    widget = ExecutorWidget(ex, picture="graph")
    widget._send = Wire()
    widget._next_flush = time.perf_counter() + 3600
    best = float("inf")
    for _ in range(3):
        step()
        widget._sent.clear()
        t0 = time.perf_counter()
        widget.flush()
        best = min(best, time.perf_counter() - t0)
    count = len(widget.arrays)
    widget.close()
    return best, count


if __name__ == "__main__":
    main(sys.argv[1:])
