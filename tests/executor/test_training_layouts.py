"""Training plans keep oneDNN's blocked layouts between its primitives (executor/_layouts.py):
the entries that only Convolution, BatchNorm, relu, elemwise_add and Pooling read and write
hold the layout their writer chose, and nothing a user sees changes. Gradients, aux states
and outputs are those of the same plan with every array NCHW; the monitor, pictures and a
decline of oneDNN in the middle of a step see or leave NCHW values."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.executor import _layouts
from symnb.ops import _onednn

from ..conftest import fill_random
from .test_fusion import _block, pooled_stem

needs_onednn = pytest.mark.skipif(not _onednn.available(),
                                  reason="oneDNN is not installed or SYMNB_ONEDNN=0")

SHAPES = {"data": (2, 8, 12, 12), "softmax_label": (2,)}


def _net():
    # ResNet's stem (a max pooling after the first relu), two blocks, a global average
    y = mx.sym.Convolution(pooled_stem(), num_filter=16, kernel=(1, 1), name="after_pool")
    y = _block(_block(y, 16, "a"), 32, "b", down=True)
    y = mx.sym.Pooling(y, global_pool=True, kernel=(1, 1), pool_type="avg", name="gap")
    y = mx.sym.FullyConnected(mx.sym.flatten(y), num_hidden=5, name="fc")
    return mx.sym.SoftmaxOutput(y, name="softmax")


def _bind(sym, monkeypatch=None, shapes=SHAPES):
    if monkeypatch is not None:          # the reference: every array NCHW
        with monkeypatch.context() as m:
            m.setattr(_layouts, "plan_layouts", lambda plan: None)
            ex = sym.simple_bind(mx.cpu(), **shapes)
        assert ex._plan.layouts is None
    else:
        ex = sym.simple_bind(mx.cpu(), **shapes)
    fill_random(ex, np.random.default_rng(0))
    if "softmax_label" in ex.arg_dict:
        ex.arg_dict["softmax_label"][:] = np.arange(shapes["data"][0]) % 5
    return ex


def _steps(ex, n=2):
    """``n`` training steps (forward, backward, an SGD update), the last one's results."""
    for _ in range(n):
        ex.forward(is_train=True)
        ex.backward()
        for name, g in ex.grad_dict.items():
            if g is not None and name not in ("data", "softmax_label"):
                ex.arg_dict[name][:] = ex.arg_dict[name].asnumpy() - 0.1 * g.asnumpy()
    return ({k: g.asnumpy() for k, g in ex.grad_dict.items() if g is not None},
            [a.asnumpy() for a in ex.aux_arrays], [o.asnumpy() for o in ex.outputs])


def _passed(monkeypatch, backward=True):
    """The executor and its NCHW reference after a training forward (and backward)."""
    net = _net()
    ex, ref = _bind(net), _bind(net, monkeypatch)
    for e in (ex, ref):
        e.forward(is_train=True)
        if backward:
            e.backward()
    assert ex._plan.layouts.held
    return ex, ref


def _same(a, b):
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6, err_msg=k)


@needs_onednn
def test_blocked_entries_give_the_nchw_plans_results(monkeypatch):
    net = _net()
    ex, ref = _bind(net), _bind(net, monkeypatch)
    lay = ex._plan.layouts
    assert lay is not None and len(lay.arrays) >= 10
    grads, aux, outs = _steps(ex)
    assert lay.held, "no array held a blocked layout"
    ref_grads, ref_aux, ref_outs = _steps(ref)
    _same(grads, ref_grads)
    for a, b in zip(aux + outs, ref_aux + ref_outs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@needs_onednn
def test_heads_arguments_and_their_gradients_stay_nchw():
    ex = _bind(_net())
    lay, plan = ex._plan.layouts, ex._plan
    outside = [a._data for a in ex.arg_arrays + ex.aux_arrays + ex.grad_arrays if a is not None]
    outside += [a for a in plan.head_arrays if a is not None]
    assert not any(a.ctypes.data in lay.arrays for a in outside)
    # the poolings run in oneDNN: the max pooling's input and result may hold a blocked
    # layout, the global pooling's result, which flatten reads, stays NCHW
    pool, gap = (next(s for s in plan.fwd_steps if s.node.name == n) for n in ("pool", "gap"))
    assert pool.ins[0].ctypes.data in lay.arrays and pool.outs[0].ctypes.data in lay.arrays
    assert gap.ins[0].ctypes.data in lay.arrays and gap.outs[0].ctypes.data not in lay.arrays


@needs_onednn
def test_internal_values_are_nchw_once_read(monkeypatch):
    ex, ref = _passed(monkeypatch)
    # the max pooling read and wrote blocked data, forward and backward
    pool = next(s for s in ex._plan.fwd_steps if s.node.name == "pool")
    pool_back = next(s for s in ex._plan.bwd_steps if s.node.name == "pool")
    held = ex._plan.layouts.held
    assert all(a.ctypes.data in held for a in (pool.ins[0], pool.outs[0], pool_back.igrads[0]))
    ex._plan.plain()
    assert not ex._plan.layouts.held
    for s, r in zip(ex._plan.fwd_steps, ref._plan.fwd_steps, strict=True):
        for a, b in zip(s.outs, r.outs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=s.node.name)
    for s, r in zip(ex._plan.bwd_steps, ref._plan.bwd_steps, strict=True):
        for g, h in zip(s.ograds, r.ograds, strict=True):
            if g is not None:
                np.testing.assert_allclose(g, h, rtol=1e-5, atol=1e-6, err_msg=s.node.name)
    # a further backward reads the forward's entries as NCHW now: the same gradients
    ex.backward()
    ref.backward()
    _same({k: g.asnumpy() for k, g in ex.grad_dict.items() if g is not None},
          {k: g.asnumpy() for k, g in ref.grad_dict.items() if g is not None})


@needs_onednn
def test_pictures_read_nchw_values(monkeypatch):
    from symnb.pictures.executor_view import executor_document
    ex, ref = _passed(monkeypatch, backward=False)
    doc, ref_doc = executor_document(ex, track=False), executor_document(ref, track=False)
    assert not ex._plan.layouts.held
    assert doc == ref_doc


@needs_onednn
def test_the_monitor_sees_nchw_values_after_a_blocked_forward(monkeypatch):
    ex, ref = _passed(monkeypatch, backward=False)
    seen = {}
    for e in (ex, ref):
        got = seen[id(e)] = {}
        e.set_monitor_callback(lambda name, arr, got=got: got.__setitem__(name, arr.asnumpy()))
        e.backward()
        e.forward(is_train=True)
    a, b = seen[id(ex)], seen[id(ref)]
    assert a.keys() == b.keys() and a
    _same(a, b)


@needs_onednn
def test_inference_forward_between_training_steps(monkeypatch):
    net = _net()
    ex, ref = _bind(net), _bind(net, monkeypatch)
    for e in (ex, ref):
        _steps(e, 1)
    np.testing.assert_allclose(ex.forward(is_train=False)[0].asnumpy(),
                               ref.forward(is_train=False)[0].asnumpy(), rtol=1e-5, atol=1e-6)
    _same(_steps(ex, 1)[0], _steps(ref, 1)[0])


@needs_onednn
def test_a_declined_primitive_reads_nchw(monkeypatch):
    # relu's backward fails in oneDNN mid-step: NumPy runs it on the NCHW values
    shapes = {"data": (3, 8, 12, 12), "softmax_label": (3,)}     # shapes of this test alone
    net = _net()
    ex, ref = _bind(net, shapes=shapes), _bind(net, monkeypatch, shapes=shapes)
    rt = _onednn._runtime()
    cached = dict(rt.cache)

    def failing(self, y, dy, dx):
        raise _onednn._Failed("declined for the test")

    try:
        with monkeypatch.context() as m:
            m.setattr(_onednn._Eltwise, "backward", failing)
            grads = _steps(ex, 2)[0]
        assert ex._plan.layouts.held
        _same(grads, _steps(ref, 2)[0])
    finally:
        rt.cache.clear()
        rt.cache.update(cached)


def test_a_numpy_write_drops_the_record():
    a, b = np.zeros((1, 16, 2, 2), np.float32), np.zeros((1, 16, 2, 2), np.float32)
    lay = _onednn.Layouts([a, b])
    assert lay.may_hold(a.ctypes.data, a.nbytes) and not lay.may_hold(a.ctypes.data,
                                                                       a.nbytes + 1)
    lay.held[a.ctypes.data] = ("md", 4)
    lay.held[b.ctypes.data] = ("md", 5)
    lay.forget_stale([a, b], 5)           # step 5 wrote both; only b through a primitive
    assert list(lay.held) == [b.ctypes.data]


def test_float64_and_cpu_fallback_plans_hold_nothing():
    ex = _net().simple_bind(mx.cpu(), type_dict={"data": np.float64}, **SHAPES)
    assert ex._plan.layouts is None
    ex = (mx.sym.var("a") * 2).simple_bind(mx.cpu(), a=(2, 16, 4, 4))
    assert ex._plan.layouts is None


@needs_onednn
def test_a_live_widget_reads_nchw_values_and_leaves_the_layouts(monkeypatch):
    pytest.importorskip("anywidget")
    from symnb.notebook.widget import ExecutorWidget
    net = _net()
    ex, ref = _bind(net), _bind(net, monkeypatch)
    views = [ExecutorWidget(e, picture="graph") for e in (ex, ref)]
    for e, view in zip((ex, ref), views, strict=True):
        e.forward(is_train=True)
        e.backward()
        if e is ex:
            held = dict(ex._plan.layouts.held)
            assert held
        view.flush()
    got, want = ({(a["group"], a["name"]): a for a in view.arrays} for view in views)
    assert got.keys() == want.keys()
    assert {g for g, _ in got} >= {"internal", "igrad"}
    for key, entry in got.items():
        assert entry["shape"] == want[key]["shape"], key
        np.testing.assert_allclose(
            np.frombuffer(entry["data"], entry["wire_dtype"]),
            np.frombuffer(want[key]["data"], want[key]["wire_dtype"]), rtol=1e-5, atol=1e-6,
            err_msg=str(key))
    # the blocked entries kept their layouts: the next step reorders nothing back
    assert ex._plan.layouts.held == held
