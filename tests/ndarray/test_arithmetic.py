"""Arithmetic and comparisons with NDArrays and scalars (spec ndarray.md 6)."""
import operator

import numpy as np
import pytest

import symnb as mx

nd = mx.nd


def test_broadcasting_between_ndarrays(ctx):
    a = nd.array([[1, 2, 3], [4, 5, 6]], ctx=ctx)
    assert (a + nd.array([10, 20, 30], ctx=ctx)).asnumpy().tolist() == [[11, 22, 33],
                                                                        [14, 25, 36]]
    assert (a * nd.array([[1], [2]], ctx=ctx)).asnumpy().tolist() == [[1, 2, 3], [8, 10, 12]]


@pytest.mark.parametrize("op, fn", [
    (operator.add, np.add), (operator.sub, np.subtract), (operator.mul, np.multiply),
    (operator.truediv, np.divide), (operator.mod, np.mod), (operator.pow, np.power),
])
def test_ndarray_and_scalar_both_sides(op, fn):
    a = nd.array([[1, 2, 3], [4, 5, 6]])
    x = a.asnumpy()
    np.testing.assert_allclose(op(a, 4).asnumpy(), fn(x, np.float32(4)), rtol=1e-6)
    np.testing.assert_allclose(op(2, a).asnumpy(), fn(np.float32(2), x), rtol=1e-6)
    np.testing.assert_allclose(op(a, a).asnumpy(), fn(x, x), rtol=1e-6)
    assert op(a, 4).dtype is np.float32 and op(2, a).dtype is np.float32


@pytest.mark.parametrize("expr, expected", [
    (lambda i: i * 1.5, [3, 4]), (lambda i: i + 0.9, [3, 4]), (lambda i: 2.5 * i, [6, 8]),
    (lambda i: i * -1.7, [-3, -4]),
])
def test_integer_arrays_truncate_scalars(expr, expected):
    r = expr(nd.array([3, 4], dtype="int32"))
    assert r.dtype is np.int32 and r.asnumpy().tolist() == expected


def test_integer_division_and_modulo():
    i = nd.array([-3, 3, 7], dtype="int32")
    assert (i / 2).asnumpy().tolist() == [-1, 1, 3]
    assert (i / nd.array([2, 2, 2], dtype="int32")).asnumpy().tolist() == [-1, 1, 3]
    assert (i % 2).asnumpy().tolist() == [1, 1, 1]
    f = nd.array([-3.0, 3.0])
    assert (f % -2).asnumpy().tolist() == [-1, -1]
    assert (f % 2).asnumpy().tolist() == [1, 1]
    assert (nd.array([1.0, -1.0]) / 0).asnumpy().tolist() == [float("inf"), float("-inf")]


def test_comparisons_keep_dtype():
    a = nd.array([[1, 2, 3], [4, 5, 6]])
    r = a > 2
    assert r.dtype is np.float32 and r.asnumpy().tolist() == [[0, 0, 1], [1, 1, 1]]
    i = nd.array([1, 2, 3], dtype="int32") > 1
    assert i.dtype is np.int32 and i.asnumpy().tolist() == [0, 1, 1]
    assert (2 < a).asnumpy().tolist() == [[0, 0, 1], [1, 1, 1]]
    assert (a == a).asnumpy().tolist() == [[1] * 3] * 2
    assert (a != 2).asnumpy().tolist() == [[1, 0, 1], [1, 1, 1]]
    assert (a <= 2).asnumpy()[0].tolist() == [1, 1, 0]
    assert (a >= nd.array([3])).asnumpy()[0].tolist() == [0, 0, 1]
    assert (a < nd.array([2, 2, 2])).asnumpy()[0].tolist() == [1, 0, 0]


def test_error_texts():
    a = nd.ones((2, 3))
    with pytest.raises(mx.MXNetError) as info:
        a + nd.ones((3, 2))
    assert str(info.value) == ("MXNetError: Check failed: l == 1 || r == 1: operands could not "
                               "be broadcast together with shapes [2,3] [3,2]")
    with pytest.raises(mx.MXNetError) as info:
        a + nd.ones((2, 3), dtype="float64")
    assert str(info.value) == ("MXNetError: Check failed: assign(&dattr, vec.at(i)): "
                               "Incompatible attr in node  at 1-th input: expected float32, "
                               "got float64")
    for bad in (lambda: a + np.ones((2, 3)), lambda: np.ones((2, 3)) + a):
        with pytest.raises(TypeError, match="^type <class 'numpy.ndarray'> not supported$"):
            bad()
    with pytest.raises(TypeError, match="^type <class 'NoneType'> not supported$"):
        _ = a == None  # noqa: E711 -- the comparison under test
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for //: 'NDArray' "
                                        "and 'int'$"):
        a // 2
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for @: 'NDArray' "
                                        "and 'NDArray'$"):
        a @ a
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for //=: 'NDArray' "
                                        "and 'int'$"):
        b = a.copy()
        b //= 2


@pytest.mark.parametrize("op, value, expected", [
    (operator.iadd, nd.array([1, 2, 3]), [2, 3, 4]), (operator.iadd, 1, [2, 2, 2]),
    (operator.isub, 1, [0, 0, 0]), (operator.imul, 3, [3, 3, 3]),
    (operator.itruediv, 2, [0.5] * 3), (operator.imod, nd.array([1, 2, 3]), [0, 1, 1]),
])
def test_in_place_keeps_identity(op, value, expected):
    x = nd.ones((2, 3))
    view = x[1]
    y = op(x, value)
    assert y is x
    assert x.asnumpy().tolist() == [expected] * 2
    assert view.asnumpy().tolist() == expected


def test_dtype_preserving_and_mixed_cpu_contexts():
    assert (nd.ones(2, dtype="float64") + 1).dtype is np.float64
    r = nd.ones((2,), ctx=mx.cpu(1)) + nd.ones((2,))
    assert r.context == mx.cpu(1) and r.asnumpy().tolist() == [2, 2]
    assert (-nd.array([1, -2])).asnumpy().tolist() == [-1, 2]


@pytest.mark.parametrize("name, expected", [
    ("add", [6, 8]), ("subtract", [2, 4]), ("multiply", [8, 12]), ("divide", [2, 3]),
    ("true_divide", [2, 3]), ("modulo", [0, 0]), ("power", [16, 36]), ("maximum", [4, 6]),
    ("minimum", [2, 2]), ("equal", [0, 0]), ("not_equal", [1, 1]), ("greater", [1, 1]),
    ("greater_equal", [1, 1]), ("lesser", [0, 0]), ("lesser_equal", [0, 0]),
])
def test_module_helpers(name, expected):
    fn = getattr(nd, name)
    a = nd.array([4, 6])
    assert fn(a, 2).asnumpy().tolist() == expected
    assert fn(a, nd.array([2, 2])).asnumpy().tolist() == expected
    out = nd.zeros((2,))
    assert fn(a, 2, out=out) is out and out.asnumpy().tolist() == expected


def test_module_helpers_reflected_and_scalar_pairs():
    a = nd.array([1, 4])
    assert nd.subtract(10, a).asnumpy().tolist() == [9, 6]
    assert nd.greater(3, a).asnumpy().tolist() == [1, 0]
    assert nd.maximum(3, a).asnumpy().tolist() == [3, 4]
    assert nd.add(1, 2) == 3 and nd.equal(2, 2) == 1


def test_logical_helpers_broadcast_and_take_scalars():
    # mx.nd.logical_and/or/xor (MXNet's _ufunc_helper rows; values checked on MXNet 1.9.1)
    x = nd.array([[0, 1.5], [2, 0]])
    assert nd.logical_and(x, 1).asnumpy().tolist() == [[0, 1], [1, 0]]
    assert nd.logical_or(0, x).asnumpy().tolist() == [[0, 1], [1, 0]]
    assert nd.logical_xor(x, nd.array([1, 0])).asnumpy().tolist() == [[1, 1], [0, 0]]
    assert nd.logical_and(1, 0) == 0 and nd.logical_xor(2, 3) == 0
    r = nd.logical_and(nd.array([1, 0], dtype="int32"), 2.5)
    assert r.dtype is np.int32 and r.asnumpy().tolist() == [1, 0]
