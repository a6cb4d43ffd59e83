"""Optimizer states saved and loaded without pickle: round trips, the optimizer dump, and
refusals (a pickled MXNet ``.states`` file is never unpickled)."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import symnb as mx
from symnb.optimizer import _states


def _trained_updater(opt, steps=2):
    updater = mx.optimizer.get_updater(opt)
    weights = [mx.nd.ones((2, 3)), mx.nd.ones((3,)) * 2]
    for step in range(steps):
        grads = [mx.nd.ones((2, 3)) * (step + 1), mx.nd.ones((3,)) * 0.5]
        updater([0, 1], grads, weights)
    return updater, weights


@pytest.mark.parametrize("name, kwargs", [
    ("sgd", {"momentum": 0.9}), ("adam", {}), ("rmsprop", {"centered": True}),
    ("sgd", {}), ("dcasgd", {})])
def test_states_round_trip_and_training_continues_identically(name, kwargs):
    updater, weights = _trained_updater(mx.optimizer.create(name, learning_rate=0.1, **kwargs))
    blob = updater.get_states(dump_optimizer=True)
    assert isinstance(blob, bytes) and blob.startswith(_states.MAGIC)
    restored = mx.optimizer.get_updater(mx.optimizer.create(name))
    restored.set_states(blob)
    assert restored.optimizer.num_update == updater.optimizer.num_update == 2
    assert restored.optimizer.lr == 0.1
    twins = [w.copy() for w in weights]
    grads = [mx.nd.ones((2, 3)) * 0.3, mx.nd.ones((3,)) * 0.7]
    updater([0, 1], grads, weights)
    restored([0, 1], [g.copy() for g in grads], twins)
    for a, b in zip(weights, twins, strict=True):
        assert np.array_equal(a.asnumpy(), b.asnumpy())


def test_states_without_optimizer_keep_the_current_one():
    updater, _ = _trained_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    mine = mx.optimizer.SGD(learning_rate=0.5, momentum=0.9)
    restored = mx.optimizer.get_updater(mine)
    restored.set_states(updater.get_states())
    assert restored.optimizer is mine
    assert sorted(restored.states) == [0, 1]
    assert restored.states_synced == {0: False, 1: False}
    assert np.array_equal(restored.states[0].asnumpy(), updater.states[0].asnumpy())


def test_dump_keeps_the_scheduler_and_counts():
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched, param_idx2name={0: "a_weight", 1: "a_bias"},
                           multi_precision=False)
    updater, _ = _trained_updater(opt, steps=3)
    restored = mx.optimizer.get_updater(mx.optimizer.SGD())
    restored.set_states(updater.get_states(True))
    got = restored.optimizer
    assert type(got.lr_scheduler) is mx.lr_scheduler.FactorScheduler
    assert got.lr_scheduler.base_lr == sched.base_lr and got.lr_scheduler.count == sched.count
    assert got._index_update_count == {0: 3, 1: 3} and got.idx2name == {0: "a_weight",
                                                                        1: "a_bias"}
    assert got.wd_mult == {"a_bias": 0.0} and got.param_dict == {}


def test_mixed_precision_and_str_keys():
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, multi_precision=True)
    updater = mx.optimizer.get_updater(opt)
    w = mx.nd.ones((2,), dtype="float16")
    updater("fc_weight", mx.nd.ones((2,), dtype="float16"), w)
    restored = mx.optimizer.get_updater(mx.optimizer.SGD())
    restored.set_states(updater.get_states())
    mom, master = restored.states["fc_weight"]
    assert master.dtype == np.float32 and mom.dtype == np.float32


def test_pickled_states_are_refused_by_name(tmp_path):
    payload = pickle.dumps({0: None})
    updater = mx.optimizer.get_updater(mx.optimizer.SGD())
    with pytest.raises(mx.MXNetError, match="is a pickle .*never unpickles"):
        updater.set_states(payload)
    f = tmp_path / "mxnet-0001.states"
    f.write_bytes(payload)
    kv = mx.kv.create("local")
    kv.set_optimizer(mx.optimizer.SGD())
    with pytest.raises(mx.MXNetError, match="mxnet-0001.states' is a pickle"):
        kv.load_optimizer_states(str(f))
    with pytest.raises(mx.MXNetError, match="mxnet-0001.states' is a pickle"):
        _states.read_file(str(f))


def test_kvstore_save_and_load(tmp_path):
    kv = mx.kv.create("local")
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    kv.init(0, mx.nd.ones((2,)))
    kv.push(0, mx.nd.ones((2,)))
    f = str(tmp_path / "opt.states")
    kv.save_optimizer_states(f, dump_optimizer=True)
    other = mx.kv.create("local")
    other.set_optimizer(mx.optimizer.SGD())
    other.load_optimizer_states(f)
    assert other._updater.optimizer.momentum == 0.9
    assert np.allclose(other._updater.states[0].asnumpy(), [-0.1, -0.1])


@pytest.mark.parametrize("blob, match", [
    (b"not a states payload", "does not start with"),
    (_states.MAGIC + b"\x05", "truncated header"),
    (_states.MAGIC + (100).to_bytes(8, "little") + b"{}", "truncated header"),
    (_states.MAGIC + (2).to_bytes(8, "little") + b"{}", "unknown header format"),
    (_states.MAGIC + (3).to_bytes(8, "little") + b"{x}", "bad header"),
])
def test_corrupt_payloads_fail_clearly(blob, match):
    with pytest.raises(mx.MXNetError, match=match):
        _states.loads(blob)


def test_unknown_classes_are_refused():
    header = (b'{"format":"symnb-optimizer-states","version":1,"states":[],'
              b'"optimizer":{"optimizer":"os.system","attrs":{}}}')
    blob = _states.MAGIC + len(header).to_bytes(8, "little") + header
    with pytest.raises(mx.MXNetError, match="unknown class"):
        _states.loads(blob)
    with pytest.raises(TypeError, match="cannot save optimizer states holding"):
        _states.dumps({0: object()})
