"""im2col/col2im, Correlation and the deformable convolutions: facts the case table and the
recorded differential cases do not reach (values recorded from MXNet 1.9.1 by hand)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def test_correlation_partial_shapes_use_minus_one_for_unknown_dims():
    # MXNet computes with the unknown height as -1: (-1 + 2 * 4 - 2) / 1 = 5 rows
    s = mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), pad_size=4, name="c")
    assert s.infer_shape_partial(a=(1, 1, 0, 8), b=(1, 1, 0, 8))[1] == [(1, 9, 5, 14)]
    assert s.infer_shape_partial(a=(1, 0, 5, 8), b=(1, 1, 5, 8))[1] == [(1, 9, 11, 14)]


def test_correlation_hides_its_padded_inputs():
    s = mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), pad_size=1, name="c")
    assert s.get_internals().list_outputs() == ["a", "b", "c_output"]
    x = np.arange(2 * 3 * 3, dtype=np.float32).reshape(1, 2, 3, 3)
    out = mx.nd.Correlation(mx.nd.array(x), mx.nd.array(x), pad_size=1)
    assert isinstance(out, mx.nd.NDArray) and out.shape == (1, 9, 3, 3)
    # the zero displacement (channel 4) is the mean of squares over the channels
    np.testing.assert_allclose(out.asnumpy()[0, 4], (x[0] ** 2).mean(axis=0))


def test_correlation_stride2_zero_is_refused_not_a_crash():
    # MXNet divides by stride2 (a SIGFPE); symnb names the parameter
    s = mx.sym.Correlation(mx.sym.var("a"), mx.sym.var("b"), stride2=0, name="c")
    with pytest.raises(mx.MXNetError, match="stride2 must be positive"):
        s.infer_shape(a=(1, 1, 5, 5), b=(1, 1, 5, 5))


def test_im2col_line_quirk_values():
    # recorded: a 1-D kernel on 4-D data reads each sample as (C, H) lines
    x = mx.nd.arange(2 * 2 * 3 * 4).reshape((2, 2, 3, 4))
    got = mx.nd.im2col(x, kernel=(2,), pad=(1,)).asnumpy()
    want = np.array([[[0, 0, 1, 2], [0, 1, 2, 0], [0, 3, 4, 5], [3, 4, 5, 0]],
                     [[0, 24, 25, 26], [24, 25, 26, 0], [0, 27, 28, 29], [27, 28, 29, 0]]])
    np.testing.assert_array_equal(got, want)


def test_deformable_zero_offsets_is_a_convolution():
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 3)), \
        rng.standard_normal(6)
    kw = dict(kernel=(3, 3), stride=(2, 1), dilate=(1, 2), pad=(1, 2), num_filter=6,
              num_group=2)
    want = mx.nd.Convolution(mx.nd.array(x, dtype="float64"), mx.nd.array(w, dtype="float64"),
                             mx.nd.array(b, dtype="float64"), **kw).asnumpy()
    off = np.zeros((2, 36, want.shape[2], want.shape[3]))
    got = mx.nd.contrib.DeformableConvolution(
        mx.nd.array(x, dtype="float64"), mx.nd.array(off, dtype="float64"),
        mx.nd.array(w, dtype="float64"), mx.nd.array(b, dtype="float64"),
        num_deformable_group=2, **kw).asnumpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    mask = np.ones((2, 18, want.shape[2], want.shape[3]))
    got = mx.nd.contrib.ModulatedDeformableConvolution(
        mx.nd.array(x, dtype="float64"), mx.nd.array(off, dtype="float64"),
        mx.nd.array(mask, dtype="float64"), mx.nd.array(w, dtype="float64"),
        mx.nd.array(b, dtype="float64"), num_deformable_group=2, **kw).asnumpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
