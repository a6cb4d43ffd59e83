"""bind and simple_bind pause Python's cyclic garbage collector while they build the plan
(its passes over the growing graph made bind superlinear) and always restore it."""
from __future__ import annotations

import gc

import pytest

import symnb as mx


def _net():
    return mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc")


def test_binds_run_without_gc_and_restore_it(monkeypatch):
    seen = []
    from symnb.executor import executor
    original = executor.build_plan

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(executor, "build_plan", spy)
    assert gc.isenabled()
    ex = _net().simple_bind(mx.cpu(), data=(2, 4))
    assert seen == [False] and gc.isenabled()
    _net().bind(mx.cpu(), dict(ex.arg_dict))
    assert seen == [False, False] and gc.isenabled()


def test_failed_bind_restores_gc():
    with pytest.raises(RuntimeError):
        _net().simple_bind(mx.cpu(), data=(2, 4), fc_weight=(5, 5))
    assert gc.isenabled()
    with pytest.raises(mx.base.MXNetError):
        _net().bind(mx.cpu(), {"data": mx.nd.ones((2, 4)), "fc_weight": mx.nd.ones((3, 5)),
                               "fc_bias": mx.nd.ones(3)})
    assert gc.isenabled()


def test_a_disabled_gc_stays_disabled():
    gc.disable()
    try:
        _net().simple_bind(mx.cpu(), data=(2, 4))
        assert not gc.isenabled()
    finally:
        gc.enable()
