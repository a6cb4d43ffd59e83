"""``__getitem__`` views and copies, ``__setitem__`` broadcasting (spec ndarray.md 5)."""
import numpy as np
import pytest

import symnb as mx

nd = mx.nd


def grid(ctx=None):
    return nd.arange(12, ctx=ctx).reshape((3, 4))


def is_view(r, x):
    r[:] = -5
    return bool((x.asnumpy() == -5).any())


@pytest.mark.parametrize("key, shape, view", [
    (1, (4,), True), (-1, (4,), True), (slice(1, 3), (2, 4), True),
    ((slice(1, 3), slice(None)), (2, 4), True), (slice(None, None, 2), (2, 4), False),
    ((slice(None), 1), (3,), False), ((slice(None), slice(1, 3)), (3, 2), False),
    ((1, 2), (1,), True),   # one element is contiguous: a view (recorded from MXNet 1.9.1)
    (None, (1, 3, 4), True), ((Ellipsis, 1), (3,), False),
    # MXNet's contiguity rule beyond axis 0 (recorded from MXNet 1.9.1)
    ((slice(2, 3), slice(1, 3)), (1, 2), True), ((slice(0, 1), slice(None, None, -1)), (1, 4),
                                                 False),
    ((1, None, slice(1, 3)), (1, 2), True), ((slice(0, 3, 3),), (1, 4), True),
    ([0, 2], (2, 4), False), (np.array([0, 2]), (2, 4), False),
])
def test_getitem_table(key, shape, view, ctx):
    x = grid(ctx)
    r = x[key]
    assert r.shape == shape
    assert is_view(r, x) is view


def test_getitem_values():
    x = grid()
    assert x[1].asnumpy().tolist() == [4, 5, 6, 7]
    assert x[1, 2].asnumpy().tolist() == [6.0]
    assert x[:, 1].asnumpy().tolist() == [1, 5, 9]
    assert x[1:1].shape == (0, 4)
    assert x[nd.array([0, 2])].asnumpy()[:, 0].tolist() == [0, 8]
    # booleans are integer indices 1, 0, 1
    assert x[np.array([True, False, True])].asnumpy()[:, 0].tolist() == [4, 0, 4]
    assert nd.array([1, 2])[0].shape == (1,)
    with pytest.raises(IndexError, match="^index 5 is out of bounds for axis 0 with size 3$"):
        x[5]


def test_spec_example_views_and_copies():
    x = grid()
    assert repr(x[1, 2]) == "\n[6.]\n<NDArray 1 @cpu(0)>"
    v = x[1]
    v[:] = -1
    c = x[:, 1]
    c[:] = 99
    assert repr(x) == ("\n[[ 0.  1.  2.  3.]\n [-1. -1. -1. -1.]\n [ 8.  9. 10. 11.]]\n"
                       "<NDArray 3x4 @cpu(0)>")


@pytest.mark.parametrize("value, expected_row", [
    (5, [5, 5, 5, 5]), (np.full((3, 4), 1.25), [1.25] * 4),
    (nd.array(np.ones((3, 4)), dtype="int32"), [1, 1, 1, 1]),
    (nd.arange(4), [0, 1, 2, 3]), (np.arange(4), [0, 1, 2, 3]), ([1, 2, 3, 4], [1, 2, 3, 4]),
])
def test_setitem_whole(value, expected_row, ctx):
    z = nd.zeros((3, 4), ctx=ctx)
    zid = id(z)
    z[:] = value
    assert id(z) == zid and z.dtype is np.float32
    assert z.asnumpy().tolist() == [expected_row] * 3


def test_setitem_regions():
    z = nd.zeros((3, 4))
    alias = z[2]
    z[1] = 7
    z[0] = nd.arange(4)
    z[1, 2] = 9
    z[:, 3] = 8
    z[2:3] = 1
    assert z.asnumpy().tolist() == [[0, 1, 2, 8], [7, 7, 9, 8], [1, 1, 1, 1]]
    assert alias.asnumpy().tolist() == [1, 1, 1, 1]


def test_setitem_broadcast_errors():
    z = nd.zeros((3, 4))
    with pytest.raises(ValueError) as info:
        z[:] = nd.ones((2, 2))
    assert str(info.value) == ("operands could not be broadcast together with remapped "
                               "shapes[original->remapped]: (2, 2) and requested shape (3, 4)")
    with pytest.raises(ValueError) as info:
        z[:] = np.ones((2, 2))
    assert str(info.value) == ("operands could not be broadcast together with remapped shapes "
                               "[original->remapped]: (2,2)  and requested shape (3,4)")
    with pytest.raises(ValueError) as info:
        z[:] = np.ones((4, 3))
    assert str(info.value) == ("operands could not be broadcast together with remapped shapes "
                               "[original->remapped]: (4,3)  and requested shape (3,4)")
    with pytest.raises(IndexError, match="^index 5 is out of bounds for axis 0 with size 3$"):
        z[5] = 1


def test_setitem_truncates_for_int_arrays():
    z = nd.zeros((3,), dtype="int32")
    z[:] = 2.7
    assert z.asnumpy().tolist() == [2, 2, 2]
    z[:] = np.array([1.9, -1.9, 2.5])
    assert z.asnumpy().tolist() == [1, -1, 2]


def test_setitem_zero_dim():
    s = nd.array(1.0)
    s[:] = 4
    assert s.asscalar() == 4.0


def test_mxnet_contiguity_predicate_matches_numpy_views():
    # MXNet's NDArray._basic_indexing_slice_is_contiguous, as its test_ndarray checks it
    is_contiguous = nd.NDArray._basic_indexing_slice_is_contiguous
    x = np.arange(2 * 3 * 4).reshape((2, 3, 4))
    slices = [slice(None), slice(1), slice(0, 2), slice(None, None, 2), slice(None, None, -1)]
    for a in slices:
        for b in slices:
            for c in slices:
                key = (a, b, c)
                assert is_contiguous(key, x.shape) == x[key].flags.contiguous, key


def test_contiguous_views_write_through():
    x = nd.arange(24).reshape((2, 3, 4))
    v = x[1, 1:3]                     # (2, 4) block inside x[1]: a view
    v[:] = -1
    assert (x.asnumpy() == -1).sum() == 8 and v.shape == (2, 4)


def test_setitem_drops_leading_ones_of_the_value():
    # MXNet test_assign_float_value_to_ndarray: b[0] = np.array([v]) on a 1-D array
    b = nd.zeros(1)
    b[0] = np.array([47.844944], dtype=np.float32)
    assert b.asnumpy().tolist() == [np.float32(47.844944)]
    z = nd.zeros((2, 3))
    z[1, 2] = np.array([[7]])
    z[0] = np.ones((1, 1, 3))
    assert z.asnumpy().tolist() == [[1, 1, 1], [0, 0, 7]]
