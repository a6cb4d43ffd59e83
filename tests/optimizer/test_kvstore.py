"""``mx.kv``: the single-process stores against MXNet 1.9.1 (cases/kvstore.json), errors."""
from __future__ import annotations

import pytest

import symnb as mx

from ._replay import check_array, load

RECORDED = load("kvstore")


def test_push_sums_the_device_values():
    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2, 3)))
    kv.push(3, [mx.nd.ones((2, 3)) * 2, mx.nd.ones((2, 3)) * 5])
    a = mx.nd.zeros((2, 3))
    kv.pull(3, out=a)
    check_array(a, RECORDED["push_sum"], "pulled sum")
    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2, 3)) * 7)
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.01))
    for _ in range(3):
        kv.push(3, [mx.nd.ones((2, 3)) * 0.5, mx.nd.ones((2, 3)) * 0.25])
    kv.pull(3, out=a)
    check_array(a, RECORDED["sgd_after_3"], "after three SGD pushes")
    assert [kv.type, kv.rank, kv.num_workers] == RECORDED["type_rank_workers"]


def test_custom_updater_and_str_keys():
    kv = mx.kv.create("local")
    kv.init(["w", "b"], [mx.nd.ones((2,)), mx.nd.zeros((3,))])
    seen = []

    def update(key, grad, stored):
        seen.append(key)
        stored += grad

    kv._set_updater(update)
    kv.push(["w", "b"], [mx.nd.ones((2,)), mx.nd.ones((3,))])
    outs = [mx.nd.zeros((2,)), mx.nd.zeros((3,))]
    kv.pull(["w", "b"], out=outs)
    # MXNet hands str keys to a custom updater as bytes
    assert [[type(k).__name__, k.decode()] for k in seen] == RECORDED["str_keys"]["seen"]
    for o, rec in zip(outs, RECORDED["str_keys"]["values"], strict=True):
        check_array(o, rec, "pulled")


def test_pushpull_and_broadcast():
    kv = mx.kv.create("device")
    kv.broadcast("k", mx.nd.ones((2,)) * 3, out=[mx.nd.zeros((2,)), mx.nd.zeros((2,))])
    value = mx.nd.ones((2,))
    kv.pushpull("k", value)
    assert value.asnumpy().tolist() == [1.0, 1.0]


def test_errors():
    kv = mx.kv.create()
    kv.init(0, mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="duplicate init of key 0"):
        kv.init(0, mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="key 7 has not been inited"):
        kv.pull(7, out=mx.nd.zeros((2,)))
    with pytest.raises(mx.MXNetError, match="Mixed key types are not allowed"):
        kv.push("w", mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match="does not match the stored"):
        kv.push(0, mx.nd.ones((3,)))
    with pytest.raises(mx.MXNetError, match="row_sparse"):
        kv.row_sparse_pull(0, out=mx.nd.zeros((2,)), row_ids=mx.nd.array([0]))
    with pytest.raises(Exception, match="Gradient compression is not supported"):
        kv.set_gradient_compression({"type": "2bit"})
    mx.kv.create("device").set_gradient_compression({"type": "2bit", "threshold": 0.5})
    for kind in ("dist_sync", "dist_async", "dist_device_sync", "horovod"):
        with pytest.raises(mx.MXNetError, match="multi-process"):
            mx.kv.create(kind)
    with pytest.raises(TypeError, match="name must be a string"):
        mx.kv.create(3)
    with pytest.raises(AssertionError, match="Cannot save states"):
        kv.save_optimizer_states("x.states")
