"""float32 convolutions through oneDNN (ops/_onednn.py) give the NumPy kernels' numbers, in
every geometry the operator takes, and fall back to them wherever oneDNN does not apply.

The tests that need the library skip where it is not installed (``pip install
'symnb[onednn]'``; ``make test`` installs it). ``make test`` also reruns the convolution
tests with ``SYMNB_ONEDNN=0``, so the NumPy kernels stay under test for float32 too."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import symnb as mx
from symnb.ops import _onednn, conv

RNG = np.random.default_rng(11)

needs_onednn = pytest.mark.skipif(not _onednn.available(),
                                  reason="oneDNN is not installed (pip install 'symnb[onednn]')"
                                  " or SYMNB_ONEDNN=0")

CASES = [  # (nd, n, c, f, groups, kernel, stride, dilate, pad, size)
    (2, 1, 3, 8, 1, 3, 1, 1, 1, 9),
    (2, 4, 16, 32, 1, 3, 1, 1, 1, 14),
    (2, 2, 8, 8, 1, 3, 2, 1, 1, 11),      # strided, odd size: the right padding is smaller
    (2, 2, 4, 4, 1, 3, 2, 1, 0, 10),      # the last input column unread: right padding -1
    (2, 3, 4, 6, 2, 3, 1, 2, 2, 10),      # grouped and dilated
    (2, 2, 6, 6, 6, 3, 2, 1, 1, 8),       # depthwise
    (2, 2, 3, 4, 1, 7, 2, 1, 3, 20),      # a ResNet-like stem
    (2, 2, 16, 8, 1, 1, 2, 1, 0, 9),      # 1x1, strided
    (2, 1, 1, 20, 1, 5, 1, 1, 0, 12),     # LeNet's conv1: one input channel
    (1, 2, 4, 5, 1, 3, 2, 1, 1, 13),
    (3, 2, 3, 4, 1, 3, 1, 1, 1, 6),
]


def _geo(case):
    nd, n, c, f, g, k, s, d, p, size = case
    return conv.Geometry((k,) * nd, (s,) * nd, (d,) * nd, (p,) * nd, g)


def _operands(case, bias=True):
    nd, n, c, f, g, k, s, d, p, size = case
    o = (size + 2 * p - d * (k - 1) - 1) // s + 1
    x = RNG.standard_normal((n, c) + (size,) * nd).astype(np.float32)
    w = RNG.standard_normal((f, c // g) + (k,) * nd).astype(np.float32)
    b = RNG.standard_normal(f).astype(np.float32) if bias else None
    dy = RNG.standard_normal((n, f) + (o,) * nd).astype(np.float32)
    return x, w, b, dy


@needs_onednn
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_forward_matches_numpy_kernels(case, bias, training):
    geo = _geo(case)
    x, w, b, dy = _operands(case, bias)
    want = np.empty(dy.shape, np.float32)
    conv.conv_forward(np, x, w, geo, want, b)
    got = np.full(dy.shape, np.nan, np.float32)
    assert _onednn.conv_forward(x, w, geo, got, b, training=training)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4 * np.abs(want).max())


@needs_onednn
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_backward_matches_numpy_kernels(case, bias):
    geo = _geo(case)
    x, w, b, dy = _operands(case, bias)
    want_dx, want_dw = np.empty_like(x), np.empty_like(w)
    conv.conv_data_grad(np, dy, w, geo, want_dx)
    conv.conv_weight_grad(np, x, dy, geo, want_dw)
    dx, dw = np.full_like(x, np.nan), np.full_like(w, np.nan)
    db = np.full(w.shape[0], np.nan, np.float32) if bias else None
    assert _onednn.conv_backward(x, w, dy, geo, dx=dx, dw=dw, db=db)
    for got, want in ((dx, want_dx), (dw, want_dw)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4 * np.abs(want).max())
    if bias:
        np.testing.assert_allclose(db, dy.sum(axis=tuple(i for i in range(dy.ndim) if i != 1)),
                                   rtol=1e-5, atol=1e-4)


@needs_onednn
def test_each_gradient_alone():
    case = CASES[1]
    geo = _geo(case)
    x, w, _, dy = _operands(case, bias=False)
    want_dx, want_dw = np.empty_like(x), np.empty_like(w)
    conv.conv_data_grad(np, dy, w, geo, want_dx)
    conv.conv_weight_grad(np, x, dy, geo, want_dw)
    dx = np.full_like(x, np.nan)
    assert _onednn.conv_backward(x, w, dy, geo, dx=dx)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-5, atol=1e-4)
    dw = np.full_like(w, np.nan)
    assert _onednn.conv_backward(x, w, dy, geo, dw=dw)
    np.testing.assert_allclose(dw, want_dw, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("why", ["float64", "strided view", "cupy-like"])
def test_declines_what_it_cannot_take(why):
    case = CASES[1]
    geo = _geo(case)
    x, w, b, dy = _operands(case)
    out = np.zeros(dy.shape, np.float32)
    if why == "float64":
        x, w, b, out = (a.astype(np.float64) for a in (x, w, b, out))
    elif why == "strided view":
        x = np.repeat(x, 2, axis=0)[::2]
    else:
        x = x.tolist()
    before = out.copy()
    assert not _onednn.conv_forward(x, w, geo, out, b)
    assert not _onednn.conv_backward(x, w, dy.astype(out.dtype), geo, dw=np.zeros_like(w))
    np.testing.assert_array_equal(out, before)      # nothing written


def _net(no_bias=False):
    data = mx.sym.var("data")
    net = mx.sym.Convolution(data, num_filter=8, kernel=(3, 3), pad=(1, 1), name="conv",
                             no_bias=no_bias)
    net = mx.sym.Activation(net, act_type="relu")
    return mx.sym.FullyConnected(mx.sym.flatten(net), num_hidden=3, name="fc")


def _bound(grad_req="write", no_bias=False):
    net = _net(no_bias)
    if isinstance(grad_req, dict):
        grad_req = {k: v for k, v in grad_req.items() if k in net.list_arguments()}
        grad_req.update(fc_weight="null", fc_bias="null")
    ex = net.simple_bind(mx.cpu(), data=(2, 4, 6, 6), grad_req=grad_req)
    rng = np.random.default_rng(3)
    for arr in ex.arg_dict.values():
        arr[:] = rng.standard_normal(arr.shape).astype(np.float32)
    return ex


# the bias gradient without the weight's, and each gradient alone (oneDNN sums the bias in
# its weight pass: found by tests/differential/graphs.py's seed 5641)
PARTIAL_REQS = [{"data": "null", "conv_weight": "null", "conv_bias": "write"},
                {"data": "write", "conv_weight": "null", "conv_bias": "add"},
                {"data": "null", "conv_weight": "write", "conv_bias": "null"},
                {"data": "add", "conv_weight": "null", "conv_bias": "null"}]


@needs_onednn
@pytest.mark.parametrize("no_bias", [False, True])
@pytest.mark.parametrize("grad_req", ["write", "add"] + PARTIAL_REQS)
def test_executor_matches_numpy_path(monkeypatch, grad_req, no_bias):
    """The whole operator (forward, every gradient, 'add' included) by oneDNN against the
    same executor with oneDNN refused."""
    runs = {}
    for use in (True, False):
        if not use:
            monkeypatch.setattr(_onednn, "_runtime", lambda: None)
        ex = _bound(grad_req, no_bias)
        grads = {k: v for k, v in ex.grad_dict.items() if v is not None}
        for arr in grads.values():
            arr[:] = 0.5
        calls = _onednn.CALLS[0]
        ex.forward(is_train=True)
        ex.backward(mx.nd.ones((2, 3)))
        assert (_onednn.CALLS[0] > calls) == use
        runs[use] = {"out": ex.outputs[0].asnumpy(),
                     **{k: v.asnumpy() for k, v in grads.items()}}
    assert set(runs[True]) == set(runs[False])
    for key in runs[True]:
        np.testing.assert_allclose(runs[True][key], runs[False][key], rtol=1e-5, atol=1e-4,
                                   err_msg=key)


@needs_onednn
def test_plan_holds_blas_at_one_thread_while_onednn_runs(monkeypatch):
    """OpenBLAS's spinning workers starve oneDNN's: a plan that runs oneDNN primitives runs
    with BLAS at one thread, and gives the thread count back afterwards."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []
    real = _onednn.conv_forward

    def spy(*args, **kwargs):
        seen.append(threadpoolctl.threadpool_info())
        return real(*args, **kwargs)

    monkeypatch.setattr(_onednn, "conv_forward", spy)
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        ex = _bound()
        ex.forward()
        assert ex._plan.onednn is True
        ex.forward()
        blas = [p for p in seen[-1] if p["user_api"] == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)
        after = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
        assert all(p["num_threads"] == 2 for p in after)


def test_plan_without_convolution_leaves_blas_alone():
    x = mx.sym.var("x")
    ex = mx.sym.FullyConnected(x, num_hidden=4).simple_bind(mx.cpu(), x=(2, 3))
    ex.forward()
    assert ex._plan.onednn is False


def test_one_blas_thread_restores_the_count():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        with _onednn.one_blas_thread():
            inside = [p["num_threads"] for p in threadpoolctl.threadpool_info()
                      if p["user_api"] == "blas"]
        outside = [p["num_threads"] for p in threadpoolctl.threadpool_info()
                   if p["user_api"] == "blas"]
    assert all(n == 1 for n in inside)
    assert all(n == 2 for n in outside)


def test_switched_off_by_environment():
    env = dict(os.environ, SYMNB_ONEDNN="0")
    code = "from symnb.ops import _onednn; print(_onednn.available())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


@needs_onednn
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_keeps_the_numpy_kernels():
    """GNU OpenMP does not survive fork(): a child of a process that ran oneDNN must not."""
    case = CASES[1]
    geo = _geo(case)
    x, w, b, dy = _operands(case)
    out = np.empty(dy.shape, np.float32)
    assert _onednn.conv_forward(x, w, geo, out, b)
    pid = os.fork()
    if pid == 0:                      # the child: exit code 0 if oneDNN is off there
        os._exit(0 if not _onednn.available() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _onednn.available()


def test_held_blas_keeps_the_users_thread_count_for_the_splits():
    """Inside a oneDNN plan BLAS reads one thread, but the two-worker splits of BatchNorm and
    the NumPy convolutions follow the count the user had set."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if conv._split_workers() is None:
        pytest.skip("needs two CPUs and threadpoolctl")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        with _onednn.one_blas_thread():
            assert conv._worker_halves(8) == (slice(0, 4), slice(4, 8))
        assert _onednn.one_blas_thread.held is None
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        with _onednn.one_blas_thread():
            assert conv._worker_halves(8) is None
