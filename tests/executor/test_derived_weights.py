"""An inference executor keeps its convolutions' weights reordered for oneDNN (symnb/_writes.py,
ops/_onednn.py): every way symnb offers of writing a weight makes the next forward see it,
and memory shared through DLPack for writing is never cached."""
from __future__ import annotations

import gc

import numpy as np
import pytest

import symnb as mx
from symnb import _writes
from symnb.ops import _onednn

needs_onednn = pytest.mark.skipif(not _onednn.available(),
                                  reason="oneDNN is not installed or SYMNB_ONEDNN=0")


# ---------------------------------------------------------------- the watch itself
def test_a_write_into_a_view_invalidates_and_a_write_elsewhere_does_not():
    w, other = np.ones(64, np.float32), np.ones(64, np.float32)
    cache = _writes.Derived()
    cache.put("k", (w,), "value")
    _writes.wrote(other)
    assert cache.get("k", (w,)) == "value"
    _writes.wrote(w[40:41])
    assert cache.get("k", (w,)) is None


def test_strided_and_reversed_views_report_their_whole_span():
    w = np.ones((8, 8), np.float32)
    cache = _writes.Derived()
    cache.put("k", (w[:, 3],), 1)
    _writes.wrote(w.T[::-1, 7])          # row 7 reversed: it holds w[7, 3]
    assert cache.get("k", (w[:, 3],)) is None


def test_escaped_memory_is_never_cached():
    w = np.ones(16, np.float32)
    shared = w[4:8]                      # escaped while it lives (a capsule holds it)
    _writes.escape(shared)
    cache = _writes.Derived()
    assert not cache.put("k", (w,), 1)
    assert cache.get("k", (w,)) is None
    del shared
    gc.collect()
    assert cache.put("k", (w,), 1)


def test_a_dropped_cache_stops_watching():
    before = _writes.watching()
    cache = _writes.Derived()
    keep = np.ones(8, np.float32)
    cache.put("k", (keep,), 1)
    assert _writes.watching()
    del cache
    gc.collect()
    assert _writes.watching() == before


def test_other_sources_miss():
    w = np.ones(4, np.float32)
    cache = _writes.Derived()
    cache.put("k", (w,), 1)
    assert cache.get("k", (w.copy(),)) is None


# ---------------------------------------------------------------- through an executor
def _net():
    x = mx.sym.var("data")
    y = mx.sym.Convolution(x, num_filter=16, kernel=(3, 3), pad=(1, 1), name="c1")
    y = mx.sym.Activation(y, act_type="relu")
    return mx.sym.Convolution(y, num_filter=16, kernel=(3, 3), pad=(1, 1), name="c2")


def _bound(rng, **extra):
    ex = _net().simple_bind(mx.cpu(), grad_req="null", data=(2, 16, 10, 10))
    for arr in ex.arg_dict.values():
        arr[:] = rng.standard_normal(arr.shape).astype(np.float32)
    return ex


def _fresh_output(ex):
    """The output of a new executor on copies of ``ex``'s arguments (nothing cached)."""
    args = {k: v.copy() for k, v in ex.arg_dict.items()}
    return _net().bind(mx.cpu(), args, grad_req="null").forward()[0].asnumpy()


def _write(how, ex, rng):
    w = ex.arg_dict["c2_weight"]
    new = rng.standard_normal(w.shape).astype(np.float32)
    if how == "setitem":
        w[:] = new
    elif how == "slice":
        w[3:4] = new[3:4]
    elif how == "view":
        view = w[5]            # a basic index is a view of the first axis
        view[:] = 7.0
    elif how == "copyto":
        mx.nd.array(new).copyto(w)
    elif how == "inplace":
        w *= 1.5
    elif how == "out":
        mx.nd.sgd_update(w, mx.nd.array(new), lr=0.5, out=w)
    elif how == "random":
        mx.nd.random.uniform(-1, 1, shape=w.shape, out=w)
    elif how == "fill":
        mx.nd.full(w.shape, 0.25, out=w)
    elif how == "dlpack_view":
        twin = mx.nd.from_dlpack(mx.nd.to_dlpack_for_read(w))
        twin[:] = new
    elif how == "forward_kwargs":
        ex.forward(c2_weight=mx.nd.array(new))
    else:
        raise AssertionError(how)


WRITES = ["setitem", "slice", "view", "copyto", "inplace", "out", "random", "fill",
          "dlpack_view", "forward_kwargs"]


@needs_onednn
@pytest.mark.parametrize("how", WRITES)
def test_inference_sees_every_write_into_a_weight(how):
    rng = np.random.default_rng(3)
    ex = _bound(rng)
    np.testing.assert_array_equal(ex.forward()[0].asnumpy(), _fresh_output(ex))
    assert len(ex._plan.derived) == 2          # both convolutions keep reordered weights
    _sees(ex, lambda: _write(how, ex, rng))


def _sees(ex, change):
    """After ``change()``, ``ex``'s forward differs and is a fresh executor's."""
    first = ex.forward()[0].asnumpy()
    change()
    got = ex.forward()[0].asnumpy()
    assert not np.array_equal(got, first)
    np.testing.assert_array_equal(got, _fresh_output(ex))


@needs_onednn
def test_weights_shared_for_writing_through_dlpack_are_reordered_every_time():
    rng = np.random.default_rng(4)
    ex = _bound(rng)
    ex.forward()
    outside = mx.nd.from_dlpack(mx.nd.to_dlpack_for_write(ex.arg_dict["c1_weight"]))
    ex.forward()
    outside._data[...] = 0.5           # another library writing: symnb does not see it
    np.testing.assert_array_equal(ex.forward()[0].asnumpy(), _fresh_output(ex))


@needs_onednn
def test_weights_that_another_executor_writes():
    rng = np.random.default_rng(5)
    w = mx.sym.var("w")
    maker = (w * 2).simple_bind(mx.cpu(), grad_req="null", w=(16, 16, 3, 3))
    maker.arg_dict["w"][:] = rng.standard_normal((16, 16, 3, 3)).astype(np.float32)
    maker.forward()
    args = {k: mx.nd.array(rng.standard_normal(s).astype(np.float32)) for k, s in
            zip(_net().list_arguments(),
                _net().infer_shape(data=(2, 16, 10, 10))[0])}
    args["c2_weight"] = maker.outputs[0]
    ex = _net().bind(mx.cpu(), args, grad_req="null")

    def rewrite():
        maker.arg_dict["w"][:] = 1.0
        maker.forward()                # writes the memory ex reads as c2_weight
    _sees(ex, rewrite)


@needs_onednn
def test_a_training_forward_drops_the_cache():
    rng = np.random.default_rng(6)
    ex = _bound(rng)
    ex.forward()
    assert len(ex._plan.derived) == 2
    ex.forward(is_train=True)
    assert len(ex._plan.derived) == 0


@needs_onednn
@pytest.mark.parametrize("with_bn", [False, True])
def test_weights_computed_in_the_graph_are_not_cached(with_bn):
    # the plan rewrites the scaled weight's buffer every forward without reporting it
    x, v = mx.sym.var("data"), mx.sym.var("v")
    y = mx.sym.Convolution(x, weight=v * 0.5, num_filter=16, kernel=(3, 3), no_bias=True,
                           name="c")
    if with_bn:
        y = mx.sym.BatchNorm(y, fix_gamma=False, name="bn")
    ex = y.simple_bind(mx.cpu(), grad_req="null", data=(1, 16, 6, 6))
    rng = np.random.default_rng(7)
    for arr in list(ex.arg_dict.values()) + list(ex.aux_dict.values()):
        arr[:] = np.abs(rng.standard_normal(arr.shape)).astype(np.float32) + 0.5
    first = ex.forward()[0].asnumpy()
    ex.arg_dict["v"][:] = ex.arg_dict["v"].asnumpy() * 3
    got = ex.forward()[0].asnumpy()
    fresh = y.bind(mx.cpu(), {k: a.copy() for k, a in ex.arg_dict.items()},
                   aux_states={k: a.copy() for k, a in ex.aux_dict.items()}, grad_req="null")
    np.testing.assert_allclose(got, fresh.forward()[0].asnumpy(), rtol=1e-6)
    assert not np.allclose(got, first)
