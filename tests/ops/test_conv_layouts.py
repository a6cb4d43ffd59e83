"""The layouts the convolution and pooling kernels choose for speed give the same numbers as
the plain ones: batch-last im2col/col2im (batches of 8 or more, several channels), its
stride phases and channel-blocked moves, and pooling read from stride phases."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import symnb as mx
from symnb.ops import conv

from .test_conv import ref_conv

RNG = np.random.default_rng(7)


def _kernels(monkeypatch, batch_last, block=None):
    monkeypatch.setattr(conv, "_batch_last", lambda n, c: batch_last)
    if block is not None:
        monkeypatch.setattr(conv, "_MOVE_BLOCK", block)


CASES = [  # (nd, n, c, f, groups, kernel, stride, dilate, pad, size)
    (2, 8, 4, 6, 2, 3, 1, 1, 1, 7),
    (2, 9, 3, 4, 1, 5, 2, 1, 2, 11),     # 5x5/2: batch-last from stride phases
    (2, 8, 3, 4, 1, 5, 2, 2, 1, 13),     # with dilation
    (2, 8, 6, 6, 6, 3, 2, 1, 1, 8),      # depthwise, strided
    (1, 10, 2, 3, 1, 3, 2, 1, 0, 12),
    (3, 8, 2, 3, 1, 3, 1, 1, 1, 5),
    (3, 8, 2, 2, 1, 5, 2, 1, 1, 7),
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("block", [None, 64])      # 64: many channel blocks per move
def test_batch_last_matches_nchw_and_reference(monkeypatch, case, block):
    nd, n, c, f, g, k, s, d, p, size = case
    geo = conv.Geometry((k,) * nd, (s,) * nd, (d,) * nd, (p,) * nd, g)
    x = RNG.standard_normal((n, c) + (size,) * nd).astype(np.float32)
    w = RNG.standard_normal((f, c // g) + (k,) * nd).astype(np.float32)
    b = RNG.standard_normal(f).astype(np.float32)
    o = (size + 2 * p - d * (k - 1) - 1) // s + 1
    dy = RNG.standard_normal((n, f) + (o,) * nd).astype(np.float32)
    got = {}
    for batch_last in (True, False):
        _kernels(monkeypatch, batch_last, block)
        out = np.empty((n, f) + (o,) * nd, np.float32)
        conv.conv_forward(np, x, w, geo, out, b)
        dx = np.ones_like(x)
        conv.conv_data_grad(np, dy, w, geo, dx, "add")
        dw = np.empty_like(w)
        conv.conv_weight_grad(np, x, dy, geo, dw)
        got[batch_last] = out, dx, dw
    for a, b_ in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b_, rtol=1e-5, atol=1e-4)
    want = ref_conv(x.astype(np.float64), w.astype(np.float64), b, (s,) * nd, (p,) * nd,
                    (d,) * nd, g)
    np.testing.assert_allclose(got[True][0], want, rtol=1e-4, atol=1e-4)


def test_batch_last_is_chosen_for_large_batches():
    assert conv._batch_last(8, 2) and not conv._batch_last(7, 2) and not conv._batch_last(64, 1)


def test_convolution_op_batch_last_through_the_executor():
    """Bias, its gradient and both data/weight gradients of the bound operator at batch 8."""
    data = mx.sym.var("data")
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=5, stride=(2, 2), pad=(1, 1),
                             name="c")
    x = RNG.standard_normal((8, 3, 9, 9))
    w = RNG.standard_normal((5, 3, 3, 3))
    b = RNG.standard_normal(5)
    ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": np.float64})
    ex.arg_dict["data"][:] = x
    ex.arg_dict["c_weight"][:] = w
    ex.arg_dict["c_bias"][:] = b
    ex.forward(is_train=True)
    want = ref_conv(x, w, b, (2, 2), (1, 1))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), want, rtol=1e-10, atol=1e-10)
    dy = RNG.standard_normal(want.shape)
    ex.backward(mx.nd.array(dy, dtype=np.float64))
    np.testing.assert_allclose(ex.grad_dict["c_bias"].asnumpy(), dy.sum(axis=(0, 2, 3)),
                               rtol=1e-10)
    # <dy, conv(x)> is bilinear: its gradients are the adjoint maps
    eps = 1e-6
    dx_num = np.zeros_like(x)
    for idx in itertools.islice(np.ndindex(x.shape), 0, None, 97):
        xp_ = x.copy()
        xp_[idx] += eps
        dx_num[idx] = ((ref_conv(xp_, w, b, (2, 2), (1, 1)) - want) * dy).sum() / eps
        np.testing.assert_allclose(ex.grad_dict["data"].asnumpy()[idx], dx_num[idx],
                                   rtol=1e-4, atol=1e-6)
    dw_want = np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        wp = w.copy()
        wp[idx] += eps
        dw_want[idx] = ((ref_conv(x, wp, b, (2, 2), (1, 1)) - want) * dy).sum() / eps
    np.testing.assert_allclose(ex.grad_dict["c_weight"].asnumpy(), dw_want, rtol=1e-4,
                               atol=1e-6)


def _ref_pool(x, kernel, stride, pad, pool_type):
    """Max (value, first position in scan order) or sum per window, by loops."""
    n, c, h, w = x.shape
    fill = -np.inf if pool_type == "max" else 0.0
    xp_ = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=fill)
    ho, wo = (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1
    out = np.zeros((n, c, ho, wo))
    pos = np.zeros((n, c, ho, wo), np.int64)
    for i, j in itertools.product(range(ho), range(wo)):
        win = xp_[:, :, i * stride:i * stride + kernel, j * stride:j * stride + kernel]
        flat = win.reshape(n, c, -1)
        if pool_type == "max":
            out[:, :, i, j] = flat.max(-1)
            pos[:, :, i, j] = flat.argmax(-1)
        else:
            out[:, :, i, j] = flat.sum(-1)
    return out, pos


@pytest.mark.parametrize("kernel,stride,pad", [(3, 2, 1), (2, 2, 0), (3, 3, 0), (3, 1, 1),
                                               (5, 2, 2)])
@pytest.mark.parametrize("pool_type", ["max", "sum"])
def test_pooling_from_stride_phases_matches_loops(kernel, stride, pad, pool_type):
    x = RNG.standard_normal((2, 3, 11, 10))
    x[0, 0, :4, :4] = 0.5                     # tied maxima: the first in scan order wins
    net = mx.sym.Pooling(mx.sym.var("data"), kernel=(kernel,) * 2, stride=(stride,) * 2,
                         pad=(pad,) * 2, pool_type=pool_type, name="p")
    ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": np.float64})
    ex.arg_dict["data"][:] = x
    ex.forward(is_train=True)
    out, pos = _ref_pool(x, kernel, stride, pad, pool_type)
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), out, rtol=1e-12)
    dy = RNG.standard_normal(out.shape)
    ex.backward(mx.nd.array(dy, dtype=np.float64))
    # the gradient each window sends back, scattered by loops
    want = np.zeros((2, 3, 11 + 2 * pad, 10 + 2 * pad))
    for idx in np.ndindex(out.shape):
        nn, cc, i, j = idx
        if pool_type == "max":
            ky, kx = divmod(int(pos[idx]), kernel)
            want[nn, cc, i * stride + ky, j * stride + kx] += dy[idx]
        else:
            want[nn, cc, i * stride:i * stride + kernel, j * stride:j * stride + kernel] += dy[idx]
    want = want[:, :, pad:pad + 11, pad:pad + 10]
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), want, rtol=1e-12, atol=1e-12)


def test_two_worker_halves_match_the_whole_batch(monkeypatch):
    """Convolution forward/backward with the batch split over two workers (forced for a
    small case) gives the whole batch's output and gradients; 'add' requests accumulate."""
    if conv._split_workers() is None:
        pytest.skip("threadpoolctl or a second CPU is missing: the split never runs")
    net = mx.sym.Convolution(mx.sym.var("data"), kernel=(3, 3), num_filter=4, pad=(1, 1),
                             name="c")
    x = RNG.standard_normal((9, 3, 8, 8)).astype(np.float32)
    dy = RNG.standard_normal((9, 4, 8, 8)).astype(np.float32)
    got = {}
    for split in (False, True):
        monkeypatch.setattr(conv, "_halves", lambda xp, n, macs, split=split:
                            (slice(0, n // 2), slice(n // 2, n)) if split else None)
        ex = net.simple_bind(mx.cpu(), data=x.shape, grad_req="add")
        ex.arg_dict["data"][:] = x
        ex.arg_dict["c_weight"][:] = np.linspace(-1, 1, 108).reshape(4, 3, 3, 3)
        ex.arg_dict["c_bias"][:] = np.arange(4)
        for name in ex.grad_dict:
            ex.grad_dict[name][:] = 1
        ex.forward(is_train=True)
        ex.backward(mx.nd.array(dy))
        got[split] = [ex.outputs[0].asnumpy()] + [ex.grad_dict[k].asnumpy()
                                                  for k in ("data", "c_weight", "c_bias")]
    for a, b in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)
    assert not np.allclose(got[True][1], 1)              # the gradients did arrive


# ----------------------------------------------------------------------------- tap GEMMs
TAP_CASES = [  # (n, c, f, kernel, stride, dilate, pad, size (h, w))
    (2, 16, 8, (3, 3), (1, 1), (1, 1), (1, 1), (9, 30)),
    (3, 17, 5, (5, 3), (1, 1), (1, 2), (2, 0), (7, 26)),   # asymmetric, dilated, no pad
    (2, 16, 4, (3, 3), (1, 1), (2, 1), (0, 0), (6, 24)),
    (1, 20, 6, (1, 1), (1, 1), (1, 1), (0, 0), (5, 25)),   # 1x1: no discarded columns
    (2, 16, 3, (3, 3), (1, 1), (1, 1), (3, 2), (4, 21)),   # pad wider than the kernel reach
    (2, 16, 8, (3, 3), (2, 2), (1, 1), (1, 1), (9, 31)),   # ResNet's 3x3/2: four phases
    (2, 16, 5, (1, 1), (2, 2), (1, 1), (0, 0), (6, 27)),   # 1x1/2: one phase read
    (2, 16, 4, (7, 7), (2, 2), (1, 1), (3, 3), (8, 30)),   # the stem's 7x7/2
    (2, 16, 3, (3, 2), (2, 3), (2, 1), (1, 2), (9, 40)),   # mixed strides and dilations
    (2, 16, 3, (2, 2), (3, 3), (1, 1), (0, 1), (7, 35)),   # stride past the kernel: gaps
    (1, 16, 3, (3, 3), (2, 2), (1, 1), (4, 1), (1, 30)),   # phases of padding only
]


def _taps_on(monkeypatch, on):
    monkeypatch.setattr(conv, "_TAP_MIN_WIDTH", 1 if on else 1 << 30)
    monkeypatch.setattr(conv, "_TAP_MIN_CHANNELS", 1 if on else 1 << 30)


def _needs_direct_blas():
    from symnb.ops import _blas
    if _blas.gemm_for(np.float32) is None:
        pytest.skip("NumPy's BLAS cannot be called directly here: the tap path never runs")


@pytest.mark.parametrize("case", TAP_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tap_gemms_match_im2col_and_reference(monkeypatch, case, dtype):
    """Forward (with bias), data gradient (added to what is there) and weight gradient of the
    tap GEMMs agree with im2col/col2im and with the definition."""
    _needs_direct_blas()
    n, c, f, kernel, stride, dilate, pad, size = case
    geo = conv.Geometry(kernel, stride, dilate, pad)
    x = RNG.standard_normal((n, c) + size).astype(dtype)
    w = RNG.standard_normal((f, c) + kernel).astype(dtype)
    b = RNG.standard_normal(f).astype(dtype)
    osz = tuple((n_ + 2 * p - d * (k - 1) - 1) // s + 1
                for n_, p, d, k, s in zip(size, pad, dilate, kernel, stride))
    dy = RNG.standard_normal((n, f) + osz).astype(dtype)
    got = {}
    for on in (True, False):
        _taps_on(monkeypatch, on)
        assert (conv._taps(np, x.shape, geo, x) is not None) == on
        out = np.empty((n, f) + osz, dtype)
        conv.conv_forward(np, x, w, geo, out, b)
        dx = np.ones_like(x)
        conv.conv_data_grad(np, dy, w, geo, dx, "add")
        dw = np.empty_like(w)
        conv.conv_weight_grad(np, x, dy, geo, dw)
        got[on] = out, dx, dw
    tol = 1e-4 if dtype == np.float32 else 1e-11
    for a, b_ in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b_, rtol=tol, atol=tol)
    want = ref_conv(x.astype(np.float64), w.astype(np.float64), b, stride, pad, dilate)
    np.testing.assert_allclose(got[True][0], want, rtol=tol, atol=tol)


def test_tap_gemms_are_chosen_for_wide_stride_one_images():
    _needs_direct_blas()
    geo = conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1))

    def taps(shape, geometry=geo, *dtypes):
        arrays = [np.empty(0, d) for d in dtypes or (np.float32,)]
        return conv._taps(np, shape, geometry, *arrays) is not None

    assert taps((16, 64, 56, 56))
    assert taps((16, 64, 56, 56), geo, np.float64, np.float64)
    assert not taps((16, 64, 56, 56), geo, np.float16)                # no half GEMM
    assert not taps((16, 64, 56, 56), geo, np.float32, np.float64)    # mixed operands
    assert not taps((16, 512, 7, 7))                                  # narrow: im2col
    assert not taps((16, 3, 56, 56))                                  # few channels
    assert not taps((0, 64, 56, 56))                                  # empty batch
    assert taps((16, 64, 56, 56), conv.Geometry((3, 3), (2, 2), (1, 1), (1, 1)))  # 28 wide
    assert not taps((16, 64, 28, 28), conv.Geometry((3, 3), (2, 2), (1, 1), (1, 1)))
    assert not taps((16, 64, 56, 56), conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1), 2))


def check_bound_convolution(monkeypatch, split, x, w, b, stride, pad):
    """The bound Convolution, its batch split over two workers (``split``) or whole, against
    the definition and float64 directional differences; 'add' gradients accumulate.

    <dy, conv(x, w)> is bilinear, so a central difference along a random direction is exact
    up to rounding. Shared by the tests of each kernel path, which force their path on first.
    """
    if split and conv._split_workers() is None:
        pytest.skip("threadpoolctl or a second CPU is missing: the split never runs")
    monkeypatch.setattr(conv, "_halves", lambda xp, n, macs: (slice(0, n // 2), slice(n // 2, n))
                        if split else None)
    net = mx.sym.Convolution(mx.sym.var("data"), kernel=w.shape[2:], stride=stride, pad=pad,
                             num_filter=len(w), name="c")
    ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": np.float64},
                         grad_req="add")
    for name, value in (("data", x), ("c_weight", w), ("c_bias", b)):
        ex.arg_dict[name][:] = value
        ex.grad_dict[name][:] = 1
    ex.forward(is_train=True)
    want = ref_conv(x, w, b, stride, pad)
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), want, rtol=1e-12, atol=1e-12)
    dy = RNG.standard_normal(want.shape)
    ex.backward(mx.nd.array(dy, dtype=np.float64))
    eps = 1e-4
    for name, arg in (("data", x), ("c_weight", w)):
        v = RNG.standard_normal(arg.shape)
        plus = {"data": x, "c_weight": w, name: arg + eps * v}
        minus = {"data": x, "c_weight": w, name: arg - eps * v}
        numeric = ((ref_conv(plus["data"], plus["c_weight"], b, stride, pad)
                    - ref_conv(minus["data"], minus["c_weight"], b, stride, pad))
                   * dy).sum() / (2 * eps)
        analytic = ((ex.grad_dict[name].asnumpy() - 1) * v).sum()
        np.testing.assert_allclose(analytic, numeric, rtol=1e-7)
    np.testing.assert_allclose(ex.grad_dict["c_bias"].asnumpy(), 1 + dy.sum(axis=(0, 2, 3)),
                               rtol=1e-12)


@pytest.mark.parametrize("split", [True, False])
def test_tap_convolution_through_the_executor(monkeypatch, split):
    """The bound operator on the tap path (see :func:`check_bound_convolution`)."""
    _needs_direct_blas()
    _taps_on(monkeypatch, True)
    check_bound_convolution(monkeypatch, split, RNG.standard_normal((3, 4, 6, 7)),
                            RNG.standard_normal((5, 4, 3, 3)), RNG.standard_normal(5),
                            (1, 1), (1, 1))


def test_deconvolution_stride_one_on_the_tap_path(monkeypatch):
    """Deconvolution's forward is the convolution data gradient: the tap path gives the
    same output as col2im."""
    _needs_direct_blas()
    net = mx.sym.Deconvolution(mx.sym.var("data"), kernel=(3, 3), num_filter=16, pad=(1, 1),
                               no_bias=True, name="d")
    x = RNG.standard_normal((2, 6, 5, 8)).astype(np.float32)
    w = RNG.standard_normal((6, 16, 3, 3)).astype(np.float32)
    got = {}
    for on in (True, False):
        _taps_on(monkeypatch, on)
        ex = net.simple_bind(mx.cpu(), data=x.shape, grad_req="null")
        ex.arg_dict["data"][:] = x
        ex.arg_dict["d_weight"][:] = w
        ex.forward()
        got[on] = ex.outputs[0].asnumpy()
    np.testing.assert_allclose(got[True], got[False], rtol=1e-5, atol=1e-5)


def test_direct_blas_binds_and_can_be_turned_off(monkeypatch):
    """``_blas.gemm_for`` accumulates into strided windows as CBLAS does (checked against
    NumPy), and SYMNB_BLAS_TAPS=0 leaves every convolution on im2col."""
    from symnb.ops import _blas
    _needs_direct_blas()
    gemm = _blas.gemm_for(np.float64)
    a = RNG.standard_normal((3, 10))
    b = RNG.standard_normal((4, 6))
    c = RNG.standard_normal((3, 5))
    want = a[:, 2:6] @ b[:, 1:6] + c
    gemm(3, 5, 4, a.ctypes.data + 2 * 8, 10, b.ctypes.data + 8, 6, c.ctypes.data, 5, beta=1.0)
    np.testing.assert_allclose(c, want, rtol=1e-12)
    monkeypatch.setattr(_blas, "_STATE", {})
    monkeypatch.setenv("SYMNB_BLAS_TAPS", "0")
    assert _blas.gemm_for(np.float32) is None
    geo = conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1))
    assert conv._taps(np, (16, 64, 56, 56), geo, np.empty(0, np.float32)) is None


def _ref_weight_grad(x, dy, kernel, pad, groups):
    """dW[f, c, k] = sum over n, o of dy[n, f, o] * x_padded[n, g(f) * C/g + c, o + k]."""
    n, c = x.shape[:2]
    f = dy.shape[1]
    xp_ = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    out = dy.shape[2:]
    dw = np.zeros((f, c // groups) + tuple(kernel))
    for f_ in range(f):
        g = f_ // (f // groups)
        chans = slice(g * (c // groups), (g + 1) * (c // groups))
        for i, j in itertools.product(range(kernel[0]), range(kernel[1])):
            win = xp_[:, chans, i:i + out[0], j:j + out[1]]
            dw[f_, :, i, j] = np.einsum("nchw,nhw->c", win, dy[:, f_])
    return dw


@pytest.mark.parametrize("groups", [1, 2])
@pytest.mark.parametrize("req", ["write", "add"])
@pytest.mark.parametrize("n", [2, 8])        # NCHW and batch-last columns
def test_weight_grad_with_few_positions(monkeypatch, groups, req, n):
    """Few output positions against many kernel rows (N * O <= C * K): the weight gradient
    is computed the direct way round, written or added, against the definition."""
    _taps_on(monkeypatch, False)
    geo = conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1), groups)
    x = RNG.standard_normal((n, 16, 3, 3))
    dy = RNG.standard_normal((n, 6, 3, 3))
    assert n * 9 <= 16 // groups * 9         # the few-positions branch
    dw = np.ones((6, 16 // groups, 3, 3))
    conv.conv_weight_grad(np, x, dy, geo, dw, req)
    want = _ref_weight_grad(x, dy, (3, 3), (1, 1), groups) + (req == "add")
    np.testing.assert_allclose(dw, want, rtol=1e-12, atol=1e-12)
