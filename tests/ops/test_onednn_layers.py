"""float32 BatchNorm, Pooling and Activation through oneDNN (ops/_onednn.py) give the NumPy
kernels' numbers through a whole executor (forward, every gradient, 'add', inference, the
moving statistics), and fall back to them wherever oneDNN's windows, divisors or layouts are
not MXNet's. They run in oneDNN only in a plan with oneDNN convolutions (the executor's
``onednn_plan``), which the comparisons enter around a graph of the layer alone.
``make test`` reruns these files with ``SYMNB_ONEDNN=0``."""
from __future__ import annotations

import contextlib

import numpy as np
import pytest

import symnb as mx
from symnb.executor import _layouts
from symnb.ops import _onednn

from ..conftest import fill_random

needs_onednn = pytest.mark.skipif(not _onednn.available(),
                                  reason="oneDNN is not installed (pip install 'symnb[onednn]')"
                                  " or SYMNB_ONEDNN=0")


def _run(monkeypatch, sym, shapes, use, grad_req="write", is_train=True, seed=0,
         dtype=np.float32):
    """Outputs, gradients and aux states after forward + backward (oneDNN on or refused),
    and whether oneDNN ran."""
    if not use:
        monkeypatch.setattr(_onednn, "_runtime", lambda: None)
    ex = sym.simple_bind(mx.cpu(), grad_req=grad_req, type_dict={k: dtype for k in shapes},
                         **shapes)
    rng = np.random.default_rng(seed)
    fill_random(ex, rng)
    for arr in ex.grad_dict.values():
        if arr is not None:
            arr[:] = 0.25
    calls = _onednn.CALLS[0]
    heads = None
    with _onednn.onednn_plan() if use else contextlib.nullcontext():
        outs = ex.forward(is_train=is_train)
        heads = [mx.nd.array(rng.standard_normal(o.shape), dtype=o.dtype) for o in outs]
        ex.backward(heads)
    got = {"out%d" % i: o.asnumpy() for i, o in enumerate(ex.outputs)}
    got.update({"d_" + k: v.asnumpy() for k, v in ex.grad_dict.items() if v is not None})
    got.update({k: v.asnumpy() for k, v in ex.aux_dict.items()})
    if not use:
        monkeypatch.undo()
    return got, _onednn.CALLS[0] > calls


def _compare(monkeypatch, sym, shapes, exact=(), rtol=1e-5, atol=1e-5, expect=True, **kw):
    on, ran = _run(monkeypatch, sym, shapes, True, **kw)
    off, _ = _run(monkeypatch, sym, shapes, False, **kw)
    assert ran == expect
    assert set(on) == set(off)
    for key in on:
        if any(key.startswith(e) for e in exact):
            np.testing.assert_array_equal(on[key], off[key], err_msg=key)
        else:   # float32 sums in another order: the error grows with what is summed
            scale = max(1.0, float(np.abs(off[key]).max(initial=0)))
            np.testing.assert_allclose(on[key], off[key], rtol=rtol, atol=atol * scale,
                                       err_msg=key)


# ----------------------------------------------------------------------------- BatchNorm
BN_CASES = [  # (shape, attrs)
    ((4, 3, 5, 5), {}),
    ((4, 3, 5, 5), {"fix_gamma": False}),
    ((4, 3, 5, 5), {"fix_gamma": False, "use_global_stats": True}),
    ((6, 5), {"fix_gamma": False, "eps": 1e-5}),
    ((3, 4, 7), {"momentum": 0.5}),
    ((2, 3, 3, 4, 5), {"fix_gamma": False, "output_mean_var": True}),
    ((16, 8, 14, 14), {"fix_gamma": False}),
]


@needs_onednn
@pytest.mark.parametrize("is_train", [True, False])
@pytest.mark.parametrize("grad_req", ["write", "add"])
@pytest.mark.parametrize("shape, attrs", BN_CASES)
def test_batchnorm_matches_numpy_kernels(monkeypatch, shape, attrs, grad_req, is_train):
    sym = mx.sym.BatchNorm(mx.sym.var("data"), name="bn", **attrs)
    _compare(monkeypatch, sym, {"data": shape}, rtol=2e-5, atol=2e-5,
             grad_req=grad_req, is_train=is_train)


@needs_onednn
def test_batchnorm_gradient_of_gamma_alone(monkeypatch):
    sym = mx.sym.BatchNorm(mx.sym.var("data"), fix_gamma=False, name="bn")
    _compare(monkeypatch, sym, {"data": (4, 3, 6, 6)}, rtol=2e-5, atol=2e-5,
             grad_req={"data": "null", "bn_gamma": "write", "bn_beta": "null"})


@needs_onednn
@pytest.mark.parametrize("why", ["channel axis last", "float64", "float16"])
def test_batchnorm_declines(monkeypatch, why):
    axis = -1 if why == "channel axis last" else 1
    dtype = {"float64": np.float64, "float16": np.float16}.get(why, np.float32)
    sym = mx.sym.BatchNorm(mx.sym.var("data"), axis=axis, fix_gamma=False, name="bn")
    on, ran = _run(monkeypatch, sym, {"data": (4, 3, 5, 6)}, True, dtype=dtype)
    assert not ran


# ----------------------------------------------------------------------------- Pooling
POOL_CASES = [  # (shape, attrs, oneDNN takes it)
    ((2, 3, 8, 8), {"kernel": (2, 2), "stride": (2, 2)}, True),
    ((2, 3, 9, 9), {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)}, True),
    ((2, 3, 10, 10), {"kernel": (3, 3), "stride": (2, 2), "pooling_convention": "full"}, True),
    ((2, 3, 9, 9), {"kernel": (3, 3), "stride": (1, 1), "pad": (1, 1), "pool_type": "avg"},
     True),
    ((2, 3, 9, 9), {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1), "pool_type": "avg",
                    "count_include_pad": False}, True),
    ((2, 3, 10, 10), {"kernel": (3, 3), "stride": (2, 2), "pool_type": "avg",
                      "pooling_convention": "full", "count_include_pad": False}, True),
    ((2, 4, 7, 7), {"kernel": (1, 1), "global_pool": True, "pool_type": "avg"}, True),
    ((2, 4, 7, 7), {"kernel": (1, 1), "global_pool": True, "pool_type": "max"}, True),
    ((2, 3, 11), {"kernel": (3,), "stride": (2,), "pad": (1,)}, True),
    # whole channel blocks (blocked layout where the NCHW kernel is not JIT), and a window
    # of more than 255 positions (an int32 workspace)
    ((2, 16, 9, 9), {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)}, True),
    ((2, 16, 9, 9), {"kernel": (3, 3), "stride": (2, 2), "pool_type": "avg"}, True),
    ((2, 8, 17, 17), {"kernel": (1, 1), "global_pool": True, "pool_type": "max"}, True),
    ((1, 2, 5, 6, 6), {"kernel": (2, 2, 2), "stride": (2, 2, 2), "pool_type": "avg"}, True),
    ((1, 2, 5, 6, 6), {"kernel": (3, 3, 3), "stride": (1, 2, 2), "pad": (1, 1, 1)}, True),
    # MXNet counts no padding past the input's pad: oneDNN's divisor would
    ((2, 3, 10, 10), {"kernel": (3, 3), "stride": (2, 2), "pool_type": "avg",
                      "pooling_convention": "full"}, False),
    ((2, 3, 8, 8), {"kernel": (2, 2), "stride": (2, 2), "pool_type": "sum"}, False),
    ((2, 3, 8, 8), {"kernel": (2, 2), "stride": (2, 2), "pool_type": "lp", "p_value": 2},
     False),
]


@needs_onednn
@pytest.mark.parametrize("is_train", [True, False])
@pytest.mark.parametrize("grad_req", ["write", "add"])
@pytest.mark.parametrize("shape, attrs, takes", POOL_CASES)
def test_pooling_matches_numpy_kernels(monkeypatch, shape, attrs, takes, grad_req, is_train):
    sym = mx.sym.Pooling(mx.sym.var("data"), name="pool", **attrs)
    # the maximum is picked, not computed: the same bits (overlapping windows sum their
    # gradients in another order)
    exact = ("out",) if attrs.get("pool_type", "max") == "max" else ()
    _compare(monkeypatch, sym, {"data": shape}, exact=exact, expect=takes, grad_req=grad_req,
             is_train=is_train)


@needs_onednn
def test_max_pooling_workspace_holds_the_numpy_kernels_positions(monkeypatch):
    """The hidden workspace output (the monitor sees it): each window's first maximum, ties
    included, as a flat offset into the window."""
    x = np.round(np.random.default_rng(4).standard_normal((2, 3, 9, 9)), 0).astype(np.float32)
    got = []
    for use in (True, False):
        if not use:
            monkeypatch.setattr(_onednn, "_runtime", lambda: None)
        pool = mx.sym.Pooling(mx.sym.var("data"), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                              name="pool")
        ex = pool.bind(mx.cpu(), {"data": mx.nd.array(x)})
        got.append({})
        ex.set_monitor_callback(lambda name, arr: got[-1].__setitem__(name, arr.asnumpy()),
                                monitor_all=False)
        with _onednn.onednn_plan():
            ex.forward(is_train=True)
    assert set(got[0]) == set(got[1]) and b"pool_workspace" in got[0]
    for name in got[0]:
        np.testing.assert_array_equal(got[0][name], got[1][name], err_msg=name)


# ----------------------------------------------------------------------------- Activation
@needs_onednn
@pytest.mark.parametrize("grad_req", ["write", "add"])
@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4, 5), (1, 2, 3, 4, 5)])
def test_activation_matches_numpy_kernels(monkeypatch, act, shape, grad_req):
    sym = mx.sym.Activation(mx.sym.var("data"), act_type=act)
    exact = ("out", "d_") if act == "relu" else ()
    _compare(monkeypatch, sym, {"data": shape}, exact=exact, rtol=2e-6, atol=1e-6,
             grad_req=grad_req)


@needs_onednn
@pytest.mark.parametrize("act", ["softrelu", "softsign"])
def test_activation_oneDNN_does_not_take(monkeypatch, act):
    sym = mx.sym.Activation(mx.sym.var("data"), act_type=act)
    _compare(monkeypatch, sym, {"data": (3, 5)}, expect=False)


@needs_onednn
def test_activation_gradient_in_place_of_the_head_gradient():
    """A chain whose relu gradient may reuse its incoming gradient's buffer."""
    x = mx.sym.var("x")
    net = mx.sym.Activation(mx.sym.Activation(x * 2, act_type="relu"), act_type="tanh")
    v = np.random.default_rng(2).standard_normal((4, 6)).astype(np.float32)
    ex = net.bind(mx.cpu(), {"x": mx.nd.array(v)}, args_grad={"x": mx.nd.zeros((4, 6))})
    g = np.random.default_rng(3).standard_normal((4, 6)).astype(np.float32)
    calls = _onednn.CALLS[0]
    with _onednn.onednn_plan():
        ex.forward(is_train=True)
        ex.backward(mx.nd.array(g))
    assert _onednn.CALLS[0] == calls + 4
    y = np.tanh(np.maximum(2 * v, 0))
    want = g * (1 - y * y) * (v > 0) * 2
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), want, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- which plans
def _conv_net(act="tanh"):
    net = mx.sym.Convolution(mx.sym.var("data"), num_filter=4, kernel=(3, 3), name="conv")
    net = mx.sym.BatchNorm(net, fix_gamma=False, name="bn")
    net = mx.sym.Activation(net, act_type=act)
    return mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2))


def _count_layer_calls(monkeypatch, sym, shapes):
    seen = []
    for name in ("batch_norm_forward", "batch_norm_backward", "pool_forward", "pool_backward",
                 "eltwise_forward", "eltwise_backward"):
        real = getattr(_onednn, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            done = _real(*args, **kwargs)
            if done:
                seen.append(_name)
            return done
        monkeypatch.setattr(_onednn, name, spy)
    ex = sym.simple_bind(mx.cpu(), **shapes)
    for arr in ex.arg_dict.values():
        arr[:] = np.random.default_rng(0).standard_normal(arr.shape).astype(np.float32)
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones(ex.outputs[0].shape))
    return ex, sorted(set(seen))


@needs_onednn
def test_a_plan_with_convolutions_runs_its_layers_in_onednn(monkeypatch):
    ex, seen = _count_layer_calls(monkeypatch, _conv_net(), {"data": (2, 3, 10, 10)})
    assert ex._plan.onednn
    assert seen == ["batch_norm_backward", "batch_norm_forward", "eltwise_backward",
                    "eltwise_forward", "pool_backward", "pool_forward"]
    assert not _onednn.LAYERS[0]                       # only while the plan runs


@needs_onednn
def test_a_plan_without_convolutions_keeps_them_in_numpy(monkeypatch):
    """An MLP's GEMMs run BLAS on two threads: oneDNN's workers beside them cost 7x."""
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=8)
    net = mx.sym.Activation(mx.sym.BatchNorm(net, fix_gamma=False), act_type="relu")
    ex, seen = _count_layer_calls(monkeypatch, net, {"data": (4, 5)})
    assert not ex._plan.onednn and seen == []
    ex, seen = _count_layer_calls(monkeypatch, _conv_net(), {"data": (2, 3, 10, 10)})
    assert seen                                       # the spies see calls where they run


@needs_onednn
def test_float64_convolutions_do_not_make_a_onednn_plan():
    ex = _conv_net().simple_bind(mx.cpu(), data=(2, 3, 10, 10), type_dict={"data": "float64"})
    assert not ex._plan.onednn


# ----------------------------------------------------------------------------- direct calls
@pytest.mark.parametrize("call", ["batch_norm_forward", "pool_forward", "eltwise_forward"])
def test_direct_calls_decline_float64_and_write_nothing(call):
    with _onednn.onednn_plan():
        _direct_call_declines(call)


def test_direct_calls_outside_a_onednn_plan_decline():
    x, out = np.ones((2, 3), np.float32), np.full((2, 3), 7.0, np.float32)
    assert not _onednn.eltwise_forward(_onednn.RELU, x, out) and (out == 7).all()


def _direct_call_declines(call):
    x = np.ones((2, 3, 4, 4))
    out = np.full_like(x, 7.0)
    c = np.ones(3)
    if call == "batch_norm_forward":
        done = _onednn.batch_norm_forward(x, c, c, c.copy(), c.copy(), out, 1e-3, True, True)
    elif call == "pool_forward":
        out = np.full((2, 3, 2, 2), 7.0)
        done = _onednn.pool_forward(x, out, _onednn.POOL_MAX, (2, 2), (2, 2), (0, 0))
    else:
        done = _onednn.eltwise_forward(_onednn.RELU, x, out)
    assert not done and (out == 7).all()


def test_pool_positions_must_be_int32():
    x = np.ones((1, 1, 4, 4), np.float32)
    out, pos = np.empty((1, 1, 2, 2), np.float32), np.zeros((1, 1, 2, 2), np.int64)
    with _onednn.onednn_plan():
        assert not _onednn.pool_forward(x, out, _onednn.POOL_MAX, (2, 2), (2, 2), (0, 0),
                                        pos)
    assert (pos == 0).all()


# ----------------------------------------------------------------------------- sums, copies
@needs_onednn
def test_add_and_copy_give_numpys_bits():
    rng = np.random.default_rng(8)
    a, b = (rng.standard_normal((4, 8, 9, 9)).astype(np.float32) for _ in range(2))
    out = np.empty_like(a)
    with _onednn.onednn_plan():
        assert _onednn.add(a, b, out)
        np.testing.assert_array_equal(out, a + b)
        want = a + b
        assert _onednn.add(a, b, a)                  # in place, as the gradient sums run
        np.testing.assert_array_equal(a, want)
        assert _onednn.copy(b, out)
        np.testing.assert_array_equal(out, b)


@needs_onednn
@pytest.mark.parametrize("why", ["broadcast", "overlap", "float64", "outside a plan"])
def test_add_declines(why):
    a = np.ones((4, 6), np.float32)
    b, out = np.ones((4, 6), np.float32), np.zeros((4, 6), np.float32)
    if why == "broadcast":
        b = np.ones((1, 6), np.float32)
    elif why == "overlap":
        big = np.zeros(30, np.float32)
        a, out = big[:24].reshape(4, 6), big[6:].reshape(4, 6)
    elif why == "float64":
        a, b, out = (x.astype(np.float64) for x in (a, b, out))
    with _onednn.onednn_plan() if why != "outside a plan" else contextlib.nullcontext():
        assert not _onednn.add(a, b, out)
        assert not _onednn.copy(a, out) or why == "broadcast"


@needs_onednn
@pytest.mark.parametrize("grad_req", ["write", "add"])
def test_residual_sums_match_numpy_kernels(monkeypatch, grad_req):
    """A residual block: the forward add, its backward's gradient copies and the executor's
    sum of the two gradients reaching the block's input, on large enough maps."""
    data = mx.sym.var("data")
    branch = mx.sym.Convolution(data, num_filter=8, kernel=(3, 3), pad=(1, 1), name="conv")
    net = mx.sym.Activation(branch + data, act_type="relu")
    done = []
    for name in ("add", "copy"):
        real = getattr(_onednn, name)

        def spy(*args, _real=real, _name=name):
            ok = _real(*args)
            if ok:
                done.append(_name)
            return ok
        monkeypatch.setattr(_onednn, name, spy)
    _compare(monkeypatch, net, {"data": (8, 8, 24, 24)}, grad_req=grad_req)
    assert {"add", "copy"} <= set(done)


# ----------------------------------------------------------------------------- hand-offs
def _chain():
    net = mx.sym.var("data")
    for i in range(2):
        net = mx.sym.Convolution(net, num_filter=16, kernel=(3, 3), pad=(1, 1),
                                 name="conv%d" % i)
        net = mx.sym.BatchNorm(net, fix_gamma=False, name="bn%d" % i)
        net = mx.sym.Activation(net, act_type="relu")
    return mx.sym.MakeLoss(mx.sym.sum(net))


def _steps(sym, seeds):
    ex = sym.simple_bind(mx.cpu(), data=(4, 16, 12, 12))
    got = []
    for seed in seeds:          # new data each step: a hand-off must not outlive its run
        rng = np.random.default_rng(seed)
        for arr in ex.arg_dict.values():
            arr[:] = rng.standard_normal(arr.shape).astype(np.float32)
        ex.forward(is_train=True)
        ex.backward()
        got.append([ex.outputs[0].asnumpy()] + [g.asnumpy() for g in ex.grad_arrays]
                   + [a.asnumpy() for a in ex.aux_arrays])
    return got


@needs_onednn
def test_blocked_results_handed_to_the_next_step_give_the_same_bits(monkeypatch):
    """A convolution's blocked output goes straight into the BatchNorm after it, and a
    BatchNorm's blocked data gradient into the convolution's backward before it: the
    same bits as reordering the NCHW arrays back, over steps with new data. (In a plan
    whose arrays are all NCHW: where only oneDNN touches them, executor/_layouts.py keeps
    them blocked instead, and the bits are the same again.)"""
    blocked = _steps(_chain(), (1, 2, 3))
    monkeypatch.setattr(_layouts, "plan_layouts", lambda plan: None)
    taken = []
    real = _onednn._take

    def spy(*args):
        ok = real(*args)
        taken.append(ok)
        return ok
    monkeypatch.setattr(_onednn, "_take", spy)
    with_handoff = _steps(_chain(), (1, 2, 3))
    assert sum(taken) >= 3 * 3            # bn0, bn1 forward; conv1's backward, each step
    monkeypatch.setattr(_onednn, "_take", lambda *args: False)
    without = _steps(_chain(), (1, 2, 3))
    for a, b, c in zip(with_handoff, without, blocked, strict=True):
        for x, y, z in zip(a, b, c, strict=True):
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(z, y)


@needs_onednn
def test_a_handoff_lives_one_step_of_one_run():
    x = np.random.default_rng(0).standard_normal((2, 16, 6, 6)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((16, 16, 3, 3)).astype(np.float32)
    from symnb.ops.conv import Geometry
    geo = Geometry((3, 3), (1, 1), (1, 1), (1, 1))
    y = np.empty_like(x)
    with _onednn.onednn_plan():
        assert _onednn.conv_forward(x, w, geo, y)
        assert _onednn._HANDOFF[0] is not None and _onednn._HANDOFF[0][2] == y.ctypes.data
        rt = _onednn._runtime()
        # not the next executor step (outside a plan the count stands still): refused
        assert not _onednn._take(rt, y.ctypes.data, _onednn._HANDOFF[0][3], "data")
        _onednn.STEP[0] += 1
        assert not _onednn._take(rt, x.ctypes.data, _onednn._HANDOFF[0][3], "data")
        _onednn.forget_handoff()
        assert not _onednn._take(rt, y.ctypes.data, None, "data")


@needs_onednn
def test_inference_pooling_takes_the_blocked_result_of_the_convolution_before(monkeypatch):
    """ResNet's stem in inference, its result also an output (so it is written NCHW): the
    fused convolution's blocked result still reaches the max pooling (which runs in that
    layout, as MXNet's does) through the result buffer, and the NCHW entry is written as
    before: the same bits as pooling the NCHW array."""
    x = mx.sym.Convolution(mx.sym.var("data"), num_filter=16, kernel=(3, 3), pad=(1, 1),
                           name="stem")
    stem = mx.sym.Activation(mx.sym.BatchNorm(x, name="bn"), act_type="relu", name="relu")
    x = mx.sym.Pooling(stem, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max")
    net = mx.sym.Group([mx.sym.Convolution(x, num_filter=16, kernel=(1, 1), name="after"),
                        stem])

    def run():
        ex = net.simple_bind(mx.cpu(), grad_req="null", data=(2, 8, 20, 20))
        fill_random(ex, np.random.default_rng(0))
        out = ex.forward(is_train=False)[0].asnumpy()
        pool = next(s for s in ex._plan.fwd_steps if s.op.name == "Pooling")
        return out, pool.outs[0].copy()

    layouts = []
    real = _onednn._handoff_layout

    def spy(ptr):
        layouts.append(real(ptr))
        return layouts[-1]
    monkeypatch.setattr(_onednn, "_handoff_layout", spy)
    taken = run()
    assert layouts and all(layouts)             # the pooling ran in the stem's layout
    monkeypatch.setattr(_onednn, "_handoff_layout", lambda ptr: 0)
    plain = run()
    for a, b in zip(taken, plain, strict=True):
        np.testing.assert_array_equal(a, b)


@needs_onednn
@pytest.mark.parametrize("residual_as", ["nchw", "blocked"])
@pytest.mark.parametrize("out_blocked", [False, True])
def test_a_fused_sum_in_place_of_its_residual(residual_as, out_blocked):
    # the result's memory is the residual's (the plan's in-place sums), whatever layout
    # each holds: the same numbers as with a separate result array
    from symnb import _writes
    from symnb.ops.conv import Geometry
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 16, 7, 7)).astype(np.float32)
    w = rng.standard_normal((16, 16, 3, 3)).astype(np.float32)
    res = rng.standard_normal((2, 16, 7, 7)).astype(np.float32)
    geo = Geometry((3, 3), (1, 1), (1, 1), (1, 1))
    with _onednn.onednn_plan(_writes.Derived()):
        want = np.empty_like(res)
        assert _onednn.fused_conv_forward(x, w, None, None, res, want, geo, _onednn.RELU)
        mem, res_layout = res.copy(), _onednn.EntryLayout()
        if residual_as == "blocked":    # a group before left it in the layout it writes
            _onednn.fused_conv_forward(x, w, None, None, None, mem, geo, None,
                                       (None, None, res_layout))
            assert res_layout.md is not None
            residual = _onednn.readable_copy(res_layout.md, mem)
            assert _onednn.fused_conv_forward(x, w, None, None, residual, want, geo,
                                              _onednn.RELU)
        out_layout = _onednn.EntryLayout() if out_blocked else None
        assert _onednn.fused_conv_forward(x, w, None, None, mem, mem, geo, _onednn.RELU,
                                          (None, res_layout, out_layout))
    got = mem if out_layout is None or out_layout.md is None else \
        _onednn.readable_copy(out_layout.md, mem)
    np.testing.assert_array_equal(got, want)
