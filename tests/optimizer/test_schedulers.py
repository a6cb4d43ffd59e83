"""The learning-rate schedulers against MXNet 1.9.1 (cases/schedulers.json): rates over a
range of update counts (warm-up included), the messages logged, and the constructor errors."""
from __future__ import annotations

import logging

import pytest

import symnb as mx

from ._replay import load

CASES = load("schedulers")


def _id(case):
    params = "-".join("%s=%s" % kv for kv in sorted(case["kwargs"].items()))
    return "%s-%s" % (case["class"], params)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_scheduler(case, caplog):
    cls = getattr(mx.lr_scheduler, case["class"])
    result = case["result"]
    if "error" in result:
        kind, message = result["error"]
        with pytest.raises((ValueError, AssertionError)) as info:
            cls(**case["kwargs"])
        assert (type(info.value).__name__, str(info.value)) == (kind, message)
        return
    sched = cls(**case["kwargs"])
    with caplog.at_level(logging.INFO, logger="symnb.lr_scheduler"):
        rates = [sched(n) for n in case["num_updates"]]
    assert rates == pytest.approx(result["rates"], rel=1e-12, abs=0)
    assert [r.getMessage() for r in caplog.records] == result["messages"]
    assert all(r.name == "symnb.lr_scheduler" for r in caplog.records)


def test_scheduler_logs_on_its_own_logger_not_the_root(caplog):
    with caplog.at_level(logging.INFO):
        mx.lr_scheduler.FactorScheduler(step=1, factor=0.5)(3)
    assert {r.name for r in caplog.records} == {"symnb.lr_scheduler"}


def test_optimizer_learning_rate_overrides_the_scheduler(capsys):
    sched = mx.lr_scheduler.FactorScheduler(step=2, base_lr=0.5)
    opt = mx.optimizer.SGD(learning_rate=0.1, lr_scheduler=sched)
    assert sched.base_lr == 0.1 and opt.learning_rate == 0.1
    # MXNet prints (does not warn) the override notice
    assert "overwritten by ``learning_rate``" in capsys.readouterr().out
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already been"):
        opt.set_learning_rate(0.2)
