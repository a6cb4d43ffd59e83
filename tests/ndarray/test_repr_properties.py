"""repr/str, properties and the Python protocol (spec ndarray.md 2, 3)."""
import copy
import ctypes
import pickle

import numpy as np
import pytest

import symnb as mx

nd = mx.nd


@pytest.mark.parametrize("make, expected", [
    (lambda: nd.array([1, 2, 3]), "\n[1. 2. 3.]\n<NDArray 3 @cpu(0)>"),
    (lambda: nd.array([[1, 2.5, 3], [4, 5, 6]]),
     "\n[[1.  2.5 3. ]\n [4.  5.  6. ]]\n<NDArray 2x3 @cpu(0)>"),
    (lambda: nd.arange(12).reshape((2, 2, 3)),
     "\n[[[ 0.  1.  2.]\n  [ 3.  4.  5.]]\n\n [[ 6.  7.  8.]\n  [ 9. 10. 11.]]]\n"
     "<NDArray 2x2x3 @cpu(0)>"),
    (lambda: nd.array([[1, 2], [3, 4]], dtype="int32"), "\n[[1 2]\n [3 4]]\n<NDArray 2x2 @cpu(0)>"),
    (lambda: nd.array([0.1, 1 / 3], dtype="float64"),
     "\n[0.1        0.33333333]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.array([0.1, 1 / 3], dtype="float16"), "\n[0.1    0.3333]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.array([1, 255], dtype="uint8"), "\n[  1 255]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.array([-1, 5], dtype="int8"), "\n[-1  5]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.array([1, 0], dtype="bool"), "\n[ True False]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.array(3.5), "\n3.5\n<NDArray  @cpu(0)>"),
    (lambda: nd.array([]), "\n[]\n<NDArray 0 @cpu(0)>"),
    (lambda: nd.ones((1, 1)), "\n[[1.]]\n<NDArray 1x1 @cpu(0)>"),
    (lambda: nd.ones((2,), ctx=mx.cpu(1)), "\n[1. 1.]\n<NDArray 2 @cpu(1)>"),
    (lambda: nd.array([1e-8, 1e8]), "\n[1.e-08 1.e+08]\n<NDArray 2 @cpu(0)>"),
    (lambda: nd.arange(2000),
     "\n[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]\n"
     "<NDArray 2000 @cpu(0)>"),
])
def test_repr_table(make, expected):
    x = make()
    assert repr(x) == expected
    assert str(x) == expected


def test_repr_summarised_matrix():
    text = repr(nd.arange(1600).reshape((40, 40)))
    lines = text.split("\n")
    assert lines[0] == ""
    assert lines[1] == "[[0.000e+00 1.000e+00 2.000e+00 ... 3.700e+01 3.800e+01 3.900e+01]"
    assert lines[4] == " ..."
    assert lines[-2] == " [1.560e+03 1.561e+03 1.562e+03 ... 1.597e+03 1.598e+03 1.599e+03]]"
    assert lines[-1] == "<NDArray 40x40 @cpu(0)>"


def test_list_of_ndarrays_repr():
    assert repr([nd.ones((2,))]) == "[\n[1. 1.]\n<NDArray 2 @cpu(0)>]"


def test_properties():
    x = nd.array([[1, 2, 3], [4, 5, 6]])
    assert x.shape == (2, 3) and type(x.shape) is tuple
    assert x.dtype is np.float32 and x.dtype == np.dtype("float32")
    assert x.context == mx.cpu(0) and x.ctx == mx.cpu(0)
    assert (x.size, x.ndim, x.stype, x.writable, x.grad) == (6, 2, "default", True, None)
    assert isinstance(x.handle, ctypes.c_void_p)
    assert isinstance(x, nd.NDArray)
    s = nd.array(2.0)
    assert (s.size, s.ndim) == (1, 0)


def test_transpose_property():
    assert nd.zeros((2, 3)).T.shape == (3, 2)
    assert nd.zeros((2, 3, 4)).T.shape == (4, 3, 2)
    v = nd.zeros((3,))
    assert v.T is v
    x = nd.arange(6).reshape((2, 3))
    assert x.T.asnumpy().tolist() == [[0, 3], [1, 4], [2, 5]]


def test_len_and_iteration():
    x = nd.arange(6).reshape((3, 2))
    assert len(x) == 3
    rows = list(x)
    assert [r.shape for r in rows] == [(2,)] * 3
    items = list(nd.array([1, 2]))
    assert [i.shape for i in items] == [(1,), (1,)]
    assert [i.asscalar() for i in items] == [1.0, 2.0]
    with pytest.raises(IndexError, match="tuple index out of range"):
        len(nd.array(1.0))


def test_hash_is_identity():
    a, b = nd.ones((2,)), nd.ones((2,))
    assert hash(a) != hash(b) or a is b
    assert len({a, b, a}) == 2


def test_bool():
    assert bool(nd.array([2.0])) is True
    assert bool(nd.array([0.0])) is False
    assert bool(nd.array(1.0)) is True
    assert bool(nd.array([])) is False
    with pytest.raises(ValueError, match="^The truth value of an NDArray with multiple "
                                         "elements is ambiguous.$"):
        bool(nd.ones((2,)))


def test_float_and_int_are_not_supported():
    with pytest.raises(TypeError, match="^float\\(\\) argument must be a string or a real "
                                        "number, not 'NDArray'$"):
        float(nd.array([1.0]))
    with pytest.raises(TypeError):
        int(nd.array([1.0]))


@pytest.mark.parametrize("x", [nd.array([[1, 2], [3, 4]]), nd.array([1, 2], dtype="int64"),
                               nd.array(3.0), nd.array([]), nd.ones((2,), ctx=mx.cpu(1))])
def test_pickle_and_deepcopy_round_trip(x):
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x), copy.copy(x)):
        assert y is not x
        assert y.shape == x.shape and y.dtype is x.dtype
        np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    y = copy.deepcopy(x)
    if x.size:
        y[:] = 0
        assert x.asnumpy().reshape(-1)[-1] != 0


def test_pickle_state_is_one_raw_record():
    state = nd.array([3.0]).__getstate__()
    assert list(state) == ["handle"]
    assert state["handle"] == bytes.fromhex("c9fa93f9" "00000000" "01000000" "0100000000000000"
                                            "01000000" "00000000" "00000000" "00004040")
