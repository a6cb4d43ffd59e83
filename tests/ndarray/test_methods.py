"""NDArray methods: asnumpy, asscalar, copy, copyto, as_in_context, astype, reshape (spec 4)."""
import warnings

import numpy as np
import pytest

import symnb as mx

nd = mx.nd


def test_asnumpy_is_a_copy_with_dtype(ctx):
    x = nd.array([1, 2], ctx=ctx, dtype="int32")
    a = x.asnumpy()
    assert isinstance(a, np.ndarray) and a.dtype == np.int32
    a[:] = 9
    assert x.asnumpy().tolist() == [1, 2]


def test_asscalar_quirks():
    v = nd.array([7.0]).asscalar()
    assert type(v) is np.float32 and v == 7.0
    i = nd.array([7], dtype="int32").asscalar()
    assert type(i) is np.int32 and i == 7
    assert type(nd.array(2.5).asscalar()) is np.float32
    m = nd.ones((1, 1)).asscalar()            # MXNet returns the numpy array here
    assert isinstance(m, np.ndarray) and m.tolist() == [[1.0]] and m.dtype == np.float32
    with pytest.raises(ValueError, match="^The current array is not a scalar$"):
        nd.ones((2,)).asscalar()


def test_copy_is_independent(ctx):
    x = nd.ones((2,), ctx=ctx)
    y = x.copy()
    y[:] = 3
    assert x.asnumpy().tolist() == [1, 1] and y.context == ctx


def test_copyto_ndarray_casts_and_returns_target():
    target = nd.zeros((2,), dtype="int32")
    assert nd.array([1.7, -2.2]).copyto(target) is target
    assert target.asnumpy().tolist() == [1, -2]


def test_copyto_context_makes_new_array():
    x = nd.array([1, 2])
    y = x.copyto(mx.cpu(1))
    assert y.context == mx.cpu(1) and y is not x
    y[:] = 0
    assert x.asnumpy().tolist() == [1, 2]


def test_copyto_errors():
    x = nd.zeros((2, 3))
    with pytest.raises(mx.MXNetError) as info:
        x.copyto(nd.zeros((3, 2)))
    assert str(info.value) == ("MXNetError: Check failed: assign(&dattr, vec.at(i)): "
                               "Incompatible attr in node  at 0-th output: expected [2,3], "
                               "got [3,2]")
    with pytest.raises(TypeError, match="^copyto does not support type <class "
                                        "'numpy.ndarray'>$"):
        x.copyto(np.zeros((2, 3)))
    with pytest.warns(RuntimeWarning, match="You are attempting to copy an array to itself"):
        assert x.copyto(x) is False


def test_as_in_context():
    x = nd.ones((2,))
    assert x.as_in_context(mx.cpu(0)) is x
    y = x.as_in_context(mx.cpu(1))
    assert y is not x and y.context == mx.cpu(1)


def test_astype():
    x = nd.array([1.7, -1.7, 2.5])
    y = x.astype("int32")
    assert y.dtype is np.int32 and y.asnumpy().tolist() == [1, -1, 2]
    assert x.astype("float32", copy=False) is x
    assert x.astype("float32") is not x
    assert x.astype(np.float64, copy=False).dtype is np.float64
    with pytest.raises(TypeError, match="^data type 'bogus' not understood$"):
        x.astype("bogus")
    with pytest.raises(TypeError, match="^data type 'bfloat16' not understood$"):
        x.astype("bfloat16")


def test_wait_to_read_and_tostype():
    x = nd.ones((2,))
    assert x.wait_to_read() is None
    y = x.tostype("default")
    assert y.stype == "default" and y is not x and y.asnumpy().tolist() == [1, 1]
    with pytest.raises(mx.MXNetError, match="sparse storage type 'csr'"):
        x.tostype("csr")


Y_CASES = [((-1, 6), {}, (4, 6)), ((0, -1), {}, (2, 12)), ((-2,), {}, (2, 3, 4)),
           ((2, -3), {}, (2, 12)), ((-3, -2), {}, (6, 4)), ((-4, 1, 2, -2), {}, (1, 2, 3, 4)),
           ((0, -4, -1, 1, 0), {}, (2, 3, 1, 4)), ((-1, 0), {"reverse": True}, (6, 4)),
           ((0, -1), {"reverse": True}, (3, 8)), ((2, 3, 4, 1), {}, (2, 3, 4, 1))]


@pytest.mark.parametrize("codes, kwargs, expected", Y_CASES)
def test_reshape_codes(codes, kwargs, expected):
    y = nd.arange(24).reshape((2, 3, 4))
    r = y.reshape(codes, **kwargs)
    assert r.shape == expected and r.dtype is np.float32
    np.testing.assert_array_equal(r.asnumpy().reshape(-1), np.arange(24))


def test_reshape_call_forms_and_view():
    x = nd.arange(24)
    assert x.reshape((4, 6)).shape == x.reshape(4, 6).shape == x.reshape(shape=(4, 6)).shape
    v = x.reshape((4, 6))
    v[0] = -1
    assert x.asnumpy()[:6].tolist() == [-1] * 6
    assert nd.array([1, 2], dtype="int8").reshape((2, 1)).dtype is np.int8


@pytest.mark.parametrize("codes", [(2, 3), (0, 5), (7, -1)])
def test_reshape_smaller_is_value_error(codes):
    with pytest.raises(ValueError) as info:
        nd.arange(24).reshape((2, 3, 4)).reshape(codes)
    assert str(info.value) == "Cannot reshape array of size 24 into shape %s" % (codes,)


def test_reshape_errors():
    y = nd.arange(24).reshape((2, 3, 4))
    with pytest.raises(mx.MXNetError) as info:
        y.reshape((5, 5))
    assert str(info.value).endswith(
        "NDArray.Reshape: Check failed: shape_.Size() >= shape.Size() (24 vs. 25) : target "
        "shape size is larger than the current shape")
    with pytest.raises(mx.MXNetError) as info:
        y.reshape((-1, -1))
    assert str(info.value) == ("MXNetError: Check failed: inf_idx < 0 (0 vs. 0) : One and only "
                               "one dim can be inferred")
    with pytest.raises(AssertionError, match="^Shape must be provided.$"):
        y.reshape()
    with pytest.raises(TypeError) as info:
        y.reshape((4, 6), foo=1)
    assert str(info.value) == ("Got unknown keywords in reshape: foo. Accepted keyword "
                               "arguments are 'shape' and 'reverse'.")


def test_fluent_methods_call_registered_operators():
    x = nd.array([[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_allclose(x.exp().asnumpy(), np.exp(x.asnumpy()), rtol=1e-6)
    assert x.relu().asnumpy().tolist() == [[0, 1], [2, 3]]


@pytest.mark.parametrize("method, expected", [("sum", 6.0), ("max", 3.0), ("mean", 1.5)])
def test_reductions_return_shape_1(method, expected):
    from symnb.ops import get_op
    if get_op(method) is None:
        pytest.skip("operator %s is not registered yet (symnb/ops/reduce.py)" % method)
    r = getattr(nd.array([[0, 1], [2, 3]]), method)()
    assert r.shape == (1,) and r.asscalar() == expected


def test_no_warning_on_plain_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = nd.array([1.0, 0.0])
        assert (1 / x).asnumpy().tolist() == [1.0, float("inf")]


def test_inplace_flag_gives_reshaped_views():
    # MXNet's NDArray.flatten/expand_dims/squeeze(inplace=True) reshape without copying
    x = mx.nd.arange(6).reshape((1, 2, 3))
    flat, flat_copy = x.flatten(inplace=True), x.flatten()
    wide = x.expand_dims(axis=-1, inplace=True)
    thin = x.squeeze(axis=0, inplace=True)
    assert (flat.shape, wide.shape, thin.shape) == ((1, 6), (1, 2, 3, 1), (2, 3))
    x[0] = -1
    assert flat.asnumpy().min() == wide.asnumpy().max() == thin.asnumpy().max() == -1
    assert flat_copy.asnumpy().tolist() == [[0, 1, 2, 3, 4, 5]]
    assert mx.nd.ones((1, 1)).squeeze(inplace=True).shape == (1,)
    with pytest.raises(AssertionError, match="Squeeze target axis 1 must be size 1, got 2."):
        x.squeeze(axis=1, inplace=True)


def test_abs_builtin():
    assert abs(mx.nd.array([-1.5, 2])).asnumpy().tolist() == [1.5, 2.0]


def test_broadcast_to_method_adds_leading_axes():
    # MXNet's NDArray.broadcast_to is a Python method: rank extension, its own ValueError,
    # and a NumPy-array shape accepted when no axis is added (MXNet test_broadcast)
    x = mx.nd.array([1, 2, 3])
    assert x.broadcast_to((2, 3)).asnumpy().tolist() == [[1, 2, 3], [1, 2, 3]]
    assert x.reshape((1, 3)).broadcast_to(np.array([4, 3])).shape == (4, 3)
    with pytest.raises(ValueError, match=r"remapped shapes\[original->remapped\]: \(3,\) and "
                                         r"requested shape \(3, 2\)"):
        x.broadcast_to((3, 2))
