"""relu through maximum(x, zeros) with zeros from never-written pages (ops/_zeros.py)."""
import numpy as np
import pytest

import symnb as mx
from symnb.ops import _zeros


def _awkward(shape, dtype, seed=0):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[:7] = [np.nan, -0.0, 0.0, np.inf, -np.inf, -1e-30, 1e-30]
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
def test_relu_into_matches_scalar_maximum_bit_for_bit(dtype):
    if dtype is np.int32:
        x = np.random.default_rng(0).integers(-50, 50, (33, 129)).astype(dtype)
    else:
        x = _awkward((33, 129), dtype)
    out = np.empty_like(x)
    _zeros.relu_into(np, x, out)
    want = np.maximum(x, 0)
    assert out.tobytes() == want.tobytes()


def test_zeros_view_is_read_only_zeros_and_grows():
    small = _zeros.zeros_view(np.ones((64, 64), np.float32))
    assert not small.flags.writeable and not small.any()
    with pytest.raises(ValueError):
        small[0, 0] = 1
    big = _zeros.zeros_view(np.empty((3, 1 << 19), np.float64))     # 12 MiB: a new mapping
    assert big.shape == (3, 1 << 19) and not big.any()
    assert not small.any()                  # the older mapping is still alive and zero
    assert _zeros.zeros_view(np.ones(10)) is None
    assert _zeros.zeros_view(np.ones(5000, object)) is None


@pytest.mark.parametrize("make, relu", [
    # MXNet 1.9.1 runs a float32 Activation in oneDNN, whose relu maps NaN to 0
    (lambda x: mx.sym.Activation(x, act_type="relu", name="act"), np.fmax),
    (lambda x: mx.sym.relu(x, name="act"), np.maximum),
])
def test_executor_relu_prepared_path_forward_and_backward(make, relu):
    x = _awkward((16, 8, 24, 24), np.float32)
    sym = make(mx.sym.var("x"))
    ex = sym.simple_bind(mx.cpu(), x=x.shape)
    ex.arg_dict["x"][:] = x
    for _ in range(2):                     # the prepared closure runs again on new values
        out = ex.forward(is_train=True)[0].asnumpy()
        assert out.tobytes() == relu(x, 0).tobytes()
        g = np.random.default_rng(1).standard_normal(x.shape).astype(np.float32)
        ex.backward(mx.nd.array(g))
        # relu_grad passes NaN on (MXNet 1.9.1; tests/ops/test_nonfinite_gradients.py)
        np.testing.assert_array_equal(ex.grad_dict["x"].asnumpy(), g * np.sign(relu(x, 0)))
        x = x[::-1].copy()
        ex.arg_dict["x"][:] = x


def test_mx_nd_relu_large_and_float64():
    x = _awkward((40, 300), np.float64)
    for out in (mx.nd.relu(mx.nd.array(x, dtype="float64")),
                mx.nd.Activation(mx.nd.array(x, dtype="float64"), act_type="relu")):
        assert out.dtype == np.float64
        assert out.asnumpy().tobytes() == np.maximum(x, 0).tobytes()
