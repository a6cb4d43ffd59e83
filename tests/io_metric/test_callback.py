"""mx.callback log lines against MXNet 1.9.1's (cases/callbacks.json), with a fake clock."""
from __future__ import annotations

import os

import pytest

import symnb as mx
import symnb.callback as cbmod

from ._replay import load

REC = load("callbacks.json")


@pytest.fixture
def clock(monkeypatch):
    state = {"t": 1000.0}

    def fake():
        state["t"] += 0.25
        return state["t"]
    monkeypatch.setattr(cbmod.time, "time", fake)


def _messages(caplog):
    return [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("key,kwargs,metric", [
    ("auto", {"frequent": 2}, ["acc", "ce"]),
    ("noauto", {"frequent": 3, "auto_reset": False}, "acc"),
    ("nometric", {"frequent": 2}, None)])
def test_speedometer_lines(key, kwargs, metric, clock, caplog):
    speed = mx.callback.Speedometer(4, **kwargs)
    m = mx.metric.create(metric) if metric is not None else None
    with caplog.at_level("INFO"):
        for epoch in range(2):
            for nbatch in range(7):
                if m is not None:
                    m.update([mx.nd.array([0, 1, 1, 0])],
                             [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4],
                                           [0.3, 0.7]]) * (nbatch + 1) / 8])
                speed(mx.model.BatchEndParam(epoch, nbatch, m, None))
    assert _messages(caplog) == REC[key]


def test_log_callbacks(caplog):
    with caplog.at_level("INFO"):
        m = mx.metric.create("acc")
        m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
        for nbatch in range(5):
            mx.callback.log_train_metric(2, auto_reset=True)(
                mx.model.BatchEndParam(1, nbatch, m, None))
        assert _messages(caplog) == REC["log_train_metric"]
        caplog.clear()
        bar = mx.callback.ProgressBar(total=7, length=10)
        for nbatch in range(8):
            bar(mx.model.BatchEndParam(0, nbatch, None, None))
        assert _messages(caplog) == REC["progress"]
        caplog.clear()
        m = mx.metric.create(["acc", "mse"])
        m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
        mx.callback.LogValidationMetricsCallback()(mx.model.BatchEndParam(3, 0, m, None))
        assert _messages(caplog) == REC["validation"]


def test_checkpoint_callbacks(tmp_path, caplog):
    prefix = str(tmp_path / "net")
    cb = mx.callback.do_checkpoint(prefix, period=2)
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    args = {"fc_weight": mx.nd.ones((2, 3)), "fc_bias": mx.nd.zeros((2,))}
    with caplog.at_level("INFO"):
        for epoch in range(4):
            cb(epoch, net, args, {})
    assert sorted(os.listdir(tmp_path)) == ["net-0002.params", "net-0004.params",
                                            "net-symbol.json"]
    assert 'Saved checkpoint to "%s-0002.params"' % prefix in _messages(caplog)
    _, loaded, _ = mx.model.load_checkpoint(prefix, 4)
    assert loaded["fc_weight"].asnumpy().tolist() == [[1.0] * 3] * 2
    saved = []

    class Mod:
        def save_checkpoint(self, prefix, epoch, save_optimizer_states):
            saved.append((prefix, epoch, save_optimizer_states))
    cb = mx.callback.module_checkpoint(Mod(), "m", period=0, save_optimizer_states=True)
    for epoch in range(2):
        cb(epoch)
    assert saved == [("m", 1, True), ("m", 2, True)]


def test_batch_end_param_is_mxnets_namedtuple():
    p = mx.model.BatchEndParam(epoch=1, nbatch=2, eval_metric=None, locals={})
    assert type(p).__name__ == "BatchEndParams"
    assert p._fields == ("epoch", "nbatch", "eval_metric", "locals")
