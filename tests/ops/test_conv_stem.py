"""The few-channel block path of the convolution kernels (ResNet's 3-channel 7x7/2 stem):
column blocks built from stride phases, GEMMs writing NCHW rows and accumulating the weight
gradient, per-sample col2im. It must give the definition's numbers and those of the other
paths, for every geometry it accepts."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.ops import conv

from .test_conv import ref_conv, ref_deconv
from .test_conv_layouts import check_bound_convolution

RNG = np.random.default_rng(11)


def _needs_direct_blas():
    from symnb.ops import _blas
    if _blas.gemm_for(np.float32) is None:
        pytest.skip("NumPy's BLAS cannot be called directly here: the block path never runs")


def _stem_on(monkeypatch, on, block=None):
    """Force the block path on for small images (or off everywhere)."""
    monkeypatch.setattr(conv, "_STEM_MIN_WIDTH", 1 if on else 1 << 30)
    monkeypatch.setattr(conv, "_STEM_MIN_SAMPLE_COLUMNS", 0)
    if block is not None:
        monkeypatch.setattr(conv, "_STEM_BLOCK", block)


STEM_CASES = [  # (n, c, f, kernel, stride, pad, size (h, w))
    (2, 3, 4, (7, 7), (2, 2), (3, 3), (13, 16)),    # the stem's 7x7/2 (four phases)
    (1, 3, 5, (7, 7), (2, 2), (3, 3), (11, 9)),     # batch 1, odd sizes
    (3, 2, 3, (3, 3), (1, 1), (1, 1), (7, 10)),     # stride 1: one phase
    (2, 4, 3, (5, 3), (3, 2), (2, 0), (14, 11)),    # mixed kernel, stride, no column pad
    (2, 3, 2, (2, 2), (3, 3), (0, 1), (10, 13)),    # stride past the kernel: empty phases
    (1, 15, 3, (1, 1), (1, 1), (0, 0), (5, 6)),     # 1x1, the most channels it takes
    (2, 3, 3, (3, 3), (2, 2), (4, 1), (3, 12)),     # phases of padding only
]


@pytest.mark.parametrize("case", STEM_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("block", [None, 1])       # 1: one output row per block
def test_blocks_match_other_paths_and_reference(monkeypatch, case, dtype, block):
    """Forward (with and without bias), data gradient (written and added) and weight
    gradient (written and added) of the block path agree with the other paths and with the
    definition."""
    _needs_direct_blas()
    n, c, f, kernel, stride, pad, size = case
    geo = conv.Geometry(kernel, stride, (1, 1), pad)
    x = RNG.standard_normal((n, c) + size).astype(dtype)
    w = RNG.standard_normal((f, c) + kernel).astype(dtype)
    b = RNG.standard_normal(f).astype(dtype)
    osz = tuple((s_ + 2 * p - k) // s + 1 for s_, p, k, s in zip(size, pad, kernel, stride))
    dy = RNG.standard_normal((n, f) + osz).astype(dtype)
    got = {}
    for on in (True, False):
        _stem_on(monkeypatch, on, block)
        assert (conv._stem(np, x.shape, geo, x, w) is not None) == on
        out = np.empty((n, f) + osz, dtype)
        conv.conv_forward(np, x, w, geo, out, b)
        plain = np.empty((n, f) + osz, dtype)
        conv.conv_forward(np, x, w, geo, plain)
        dx = np.empty_like(x)
        conv.conv_data_grad(np, dy, w, geo, dx)
        dx_add = np.ones_like(x)
        conv.conv_data_grad(np, dy, w, geo, dx_add, "add")
        dw = np.empty_like(w)
        conv.conv_weight_grad(np, x, dy, geo, dw)
        dw_add = np.full_like(w, 2)
        conv.conv_weight_grad(np, x, dy, geo, dw_add, "add")
        got[on] = out, plain, dx, dx_add, dw, dw_add
    tol = 1e-4 if dtype == np.float32 else 1e-11
    for a, b_ in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b_, rtol=tol, atol=tol)
    out, plain, dx, dx_add, dw, dw_add = got[True]
    want = ref_conv(x.astype(np.float64), w.astype(np.float64), b, stride, pad)
    np.testing.assert_allclose(out, want, rtol=tol, atol=tol)
    np.testing.assert_allclose(plain, want - b.reshape(1, -1, 1, 1), rtol=tol, atol=tol)
    np.testing.assert_allclose(dx_add, dx + 1, rtol=tol, atol=tol)
    np.testing.assert_allclose(dw_add, dw + 2, rtol=tol, atol=tol)
    # the gradients are the adjoints of the forward: <dy, conv(x, w)> = <dx, x> = <dw, w>
    x64, w64, dy64 = (a.astype(np.float64) for a in (x, w, dy))
    inner = (ref_conv(x64, w64, None, stride, pad) * dy64).sum()
    np.testing.assert_allclose((dx * x64).sum(), inner, rtol=1e-9 if dtype == np.float64 else 1e-4)
    np.testing.assert_allclose((dw * w64).sum(), inner, rtol=1e-9 if dtype == np.float64 else 1e-4)


def test_strided_views_in_and_out(monkeypatch):
    """Non-contiguous data, output, output gradient and data gradient (views of larger
    arrays) give the numbers of contiguous ones."""
    _needs_direct_blas()
    _stem_on(monkeypatch, True, 1 << 8)
    geo = conv.Geometry((7, 7), (2, 2), (1, 1), (3, 3))
    big = RNG.standard_normal((2, 5, 12, 22))
    x = big[:, 1:4, :, ::2]                              # (2, 3, 12, 11), strided
    w = RNG.standard_normal((4, 3, 7, 7))
    assert conv._stem(np, x.shape, geo, x, w) is not None
    want = ref_conv(x, w, None, (2, 2), (3, 3))
    out = np.zeros((2, 8) + want.shape[2:])[:, ::2]      # a strided output
    conv.conv_forward(np, x, w, geo, out)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)
    dy = RNG.standard_normal((2, 4, want.shape[3], want.shape[2])).swapaxes(2, 3)
    dw = np.empty_like(w)
    conv.conv_weight_grad(np, x, dy, geo, dw)
    dx = np.zeros((2, 3, 12, 22))[..., ::2]
    conv.conv_data_grad(np, dy, w, geo, dx)
    _stem_on(monkeypatch, False)
    dw_plain, dx_plain = np.empty_like(w), np.empty(x.shape)
    conv.conv_weight_grad(np, np.ascontiguousarray(x), np.ascontiguousarray(dy), geo, dw_plain)
    conv.conv_data_grad(np, np.ascontiguousarray(dy), w, geo, dx_plain)
    np.testing.assert_allclose(dw, dw_plain, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, dx_plain, rtol=1e-12, atol=1e-12)


def test_block_path_is_chosen_for_few_channels_on_large_images():
    _needs_direct_blas()
    stem = conv.Geometry((7, 7), (2, 2), (1, 1), (3, 3))

    def chosen(shape, geometry=stem, *dtypes):
        arrays = [np.empty(0, d) for d in dtypes or (np.float32,)]
        return conv._stem(np, shape, geometry, *arrays) is not None

    assert chosen((16, 3, 224, 224))
    assert chosen((1, 3, 224, 224))
    assert chosen((8, 3, 224, 224), stem, np.float64, np.float64)
    assert not chosen((8, 3, 224, 224), stem, np.float16)              # no half GEMM
    assert not chosen((8, 3, 224, 224), stem, np.float32, np.float64)  # mixed operands
    assert not chosen((8, 3, 32, 32))                                  # small image
    assert chosen((8, 3, 112, 112), conv.Geometry((3, 3), (2, 2), (1, 1), (1, 1)))
    assert not chosen((4, 3, 112, 112), conv.Geometry((3, 3), (2, 2), (1, 1), (1, 1)))
    assert chosen((4, 3, 112, 112), conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1)))
    assert not chosen((8, 1, 224, 224))                                # one channel
    assert not chosen((8, 16, 224, 224))                               # tap GEMMs' range
    assert not chosen((0, 3, 224, 224))                                # empty batch
    assert not chosen((8, 3, 224, 224), conv.Geometry((7, 7), (2, 2), (2, 2), (3, 3)))
    assert not chosen((8, 4, 224, 224), conv.Geometry((7, 7), (2, 2), (1, 1), (3, 3), 2))
    assert not chosen((8, 3, 224), conv.Geometry((7,), (2,), (1,), (3,)))
    assert conv._stem(object(), (8, 3, 224, 224), stem, np.empty(0, np.float32)) is None  # CuPy


@pytest.mark.parametrize("split", [True, False])
def test_stem_convolution_through_the_executor(monkeypatch, split):
    """The bound operator on the block path (see ``check_bound_convolution``)."""
    _needs_direct_blas()
    _stem_on(monkeypatch, True, 1 << 9)
    check_bound_convolution(monkeypatch, split, RNG.standard_normal((3, 3, 9, 12)),
                            RNG.standard_normal((4, 3, 7, 7)), RNG.standard_normal(4),
                            (2, 2), (3, 3))


def test_weight_gradient_only_through_the_executor(monkeypatch):
    """Training's stem: no data gradient requested, the weight gradient from the block path
    equals the other paths' (float32, two workers where available)."""
    _needs_direct_blas()
    net = mx.sym.Convolution(mx.sym.var("data"), kernel=(7, 7), stride=(2, 2), pad=(3, 3),
                             num_filter=6, name="c")
    x = RNG.standard_normal((8, 3, 16, 18)).astype(np.float32)
    w = RNG.standard_normal((6, 3, 7, 7)).astype(np.float32)
    dy = RNG.standard_normal((8, 6, 8, 9)).astype(np.float32)
    got = {}
    for on in (True, False):
        _stem_on(monkeypatch, on, 1 << 9)
        ex = net.simple_bind(mx.cpu(), data=x.shape,
                             grad_req={"data": "null", "c_weight": "write", "c_bias": "write"})
        ex.arg_dict["data"][:] = x
        ex.arg_dict["c_weight"][:] = w
        ex.forward(is_train=True)
        ex.backward(mx.nd.array(dy))
        got[on] = [ex.outputs[0].asnumpy(), ex.grad_dict["c_weight"].asnumpy(),
                   ex.grad_dict["c_bias"].asnumpy()]
    for a, b in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("adj", [(0, 0), (1, 0)])
def test_deconvolution_on_the_block_path(monkeypatch, adj):
    """Deconvolution reuses the kernels with roles swapped: its forward is the data gradient
    of a convolution whose input has few channels, its data gradient a forward convolution
    of its output gradient, its weight gradient a convolution weight gradient; all match the
    other paths (``adj`` adds an output row no window reads)."""
    _needs_direct_blas()
    net = mx.sym.Deconvolution(mx.sym.var("data"), kernel=(4, 4), stride=(2, 2), pad=(1, 1),
                               adj=adj, num_filter=3, no_bias=True, name="d")
    x = RNG.standard_normal((2, 5, 6, 7))
    w = RNG.standard_normal((5, 3, 4, 4))
    got = {}
    for on in (True, False):
        _stem_on(monkeypatch, on)
        ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": np.float64})
        ex.arg_dict["data"][:] = x
        ex.arg_dict["d_weight"][:] = w
        ex.forward(is_train=True)
        dy = np.linspace(-1, 1, ex.outputs[0].size).reshape(ex.outputs[0].shape)
        assert (conv._stem(np, dy.shape, conv.Geometry((4, 4), (2, 2), (1, 1), (1, 1)), dy)
                is not None) == on
        ex.backward(mx.nd.array(dy, dtype=np.float64))
        got[on] = [ex.outputs[0].asnumpy(), ex.grad_dict["data"].asnumpy(),
                   ex.grad_dict["d_weight"].asnumpy()]
    for a, b in zip(got[True], got[False], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got[True][0], ref_deconv(x, w, None, (2, 2), (1, 1), adj=adj),
                               rtol=1e-12, atol=1e-12)
