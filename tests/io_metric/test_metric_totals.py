"""Metric totals add up in float64, as under MXNet 1.9.1's NumPy 1.

There ``0.0 + numpy.float32(x)`` is a float64, so a metric's ``sum_metric`` widens on the
first batch; NumPy 2 keeps float32 (NEP 50) and the total drifts over an epoch. The expected
figures were printed by MXNet 1.9.1 (``.bench-mxnet-venv``, numpy 1.23.5) on these same 300
batches (``numpy.random.default_rng(0)``, whose stream both NumPy versions share).
"""
import numpy as np
import pytest

import symnb as mx

# (metric, kwargs, how the batch is fed, MXNet's sum_metric, MXNet's num_inst, rel. tolerance);
# perplexity and loss sum each batch with MXNet's own log and reduction first (another order);
# float32 totals miss by 1e-7 and more
CASES = [
    ("ce", {}, "probs", 4040.579297065735, 2400, 1e-13),
    ("nll_loss", {}, "probs", 4040.579297065735, 2400, 1e-13),
    ("mae", {}, "column", 333.598193526268, 300, 1e-13),
    ("mse", {}, "column", 543.3667649328709, 300, 1e-13),
    ("rmse", {}, "column", 394.52303543686867, 300, 1e-13),
    ("perplexity", {"ignore_label": None}, "probs", 4040.5792722702026, 2400, 2e-8),
    ("perplexity", {"ignore_label": 2}, "probs", 3066.4924590587616, 1820.0, 2e-8),
    ("loss", {}, "loss", 2399.999997615814, 9600, 1e-9),
]


def _batches():
    rng = np.random.default_rng(0)
    for _ in range(300):
        label = rng.integers(0, 4, 8).astype(np.float32)
        probs = rng.random((8, 4)).astype(np.float32)
        yield label, probs / probs.sum(1, keepdims=True)


@pytest.mark.parametrize("name, kwargs, feed, total, count, rel", CASES,
                         ids=["%s%s" % (c[0], "".join("-%s" % v for v in c[1].values()))
                              for c in CASES])
def test_totals_widen_to_float64_as_in_mxnet(name, kwargs, feed, total, count, rel):
    metric = mx.metric.create(name, **kwargs)
    for label, probs in _batches():
        if feed == "probs":
            metric.update([mx.nd.array(label)], [mx.nd.array(probs)])
        elif feed == "column":
            metric.update([mx.nd.array(label)], [mx.nd.array(probs[:, 0] * 4)])
        else:
            metric.update(None, [mx.nd.array(probs)])
    assert type(metric.sum_metric) is np.float64
    assert metric.sum_metric == pytest.approx(total, rel=rel, abs=0)
    assert metric.num_inst == count


def test_micro_pearson_returns_a_python_number():
    metric = mx.metric.PearsonCorrelation(average="micro")
    metric.update([mx.nd.array([1, 2, 3])], [mx.nd.array([1, 2, 4])])
    assert type(metric.get()[1]) is float
