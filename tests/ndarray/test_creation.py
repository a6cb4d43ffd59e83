"""Creation functions and their dtype rules (spec ndarray.md 1)."""
import numpy as np
import pytest

import symnb as mx

nd = mx.nd


@pytest.mark.parametrize("source", [[1, 2], (1.5, 2), np.array([1, 2], np.float64),
                                    np.array([1, 2], np.int64), np.array([1, 2], np.int32),
                                    np.array([1, 2], np.float16), np.array([1, 2], np.uint8),
                                    np.array([True, False])])
def test_array_lists_and_numpy_become_float32(source):
    x = nd.array(source)
    assert x.dtype is np.float32
    assert x.shape == (2,)
    np.testing.assert_array_equal(x.asnumpy(), np.asarray(source, np.float32))


def test_array_from_ndarray_keeps_dtype_and_copies():
    src = nd.array([1, 2], dtype="float64")
    x = nd.array(src)
    assert x.dtype is np.float64
    src[:] = 7
    assert x.asnumpy().tolist() == [1.0, 2.0]


def test_array_never_aliases_numpy_source():
    src = np.array([1.0, 2.0], np.float32)
    x = nd.array(src)
    src[:] = 9
    assert x.asnumpy().tolist() == [1.0, 2.0]


@pytest.mark.parametrize("values, dtype, expected", [
    ([1.7, 2.2], "int32", [1, 2]),
    ([1.9, -1.9], "int64", [1, -1]),
    ([300, -1], "uint8", [44, 255]),
    ([1, 0, 2], "bool", [True, False, True]),
    ([1, 2], np.float16, [1, 2]),
    ([1, 2], np.dtype("int8"), [1, 2]),
])
def test_array_explicit_dtype_casts(values, dtype, expected):
    x = nd.array(values, dtype=dtype)
    assert x.dtype is np.dtype(dtype).type
    assert x.asnumpy().tolist() == expected


def test_array_scalar_and_empty():
    s = nd.array(5)
    assert (s.shape, s.ndim, s.size, s.dtype) == ((), 0, 1, np.float32)
    e = nd.array([])
    assert (e.shape, e.dtype) == ((0,), np.float32)


@pytest.mark.parametrize("bad", [[[1, 2], [3]], "abc"])
def test_array_rejects_non_array_like(bad):
    with pytest.raises(TypeError, match="^source_array must be array like object$"):
        nd.array(bad)


@pytest.mark.parametrize("make, dtype", [
    (lambda: nd.ones(3), np.float32), (lambda: nd.zeros((2, 3)), np.float32),
    (lambda: nd.empty((2, 2)), np.float32), (lambda: nd.ones(2, dtype="int32"), np.int32),
    (lambda: nd.zeros(2, dtype=np.float64), np.float64),
    (lambda: nd.full((2,), 2.7), np.float32), (lambda: nd.arange(3), np.float32),
    (lambda: nd.eye(2), np.float32), (lambda: nd.linspace(0, 1, 3), np.float32),
])
def test_default_dtypes(make, dtype):
    assert make().dtype is dtype


def test_ones_zeros_values(ctx):
    assert nd.ones((2, 3), ctx=ctx).asnumpy().tolist() == [[1.0] * 3] * 2
    assert nd.zeros(2, ctx=ctx, dtype="int32").asnumpy().tolist() == [0, 0]
    assert nd.ones((2,), ctx=ctx).context == ctx


@pytest.mark.parametrize("fn, shape, out_shapes", [
    (nd.zeros, 0, "[-1]"), (nd.zeros, (2, 0), "[2,-1]"), (nd.zeros, (), "None"),
    (nd.ones, 0, "[-1]"), (nd.ones, (2, 0), "[2,-1]"), (nd.ones, (), "None"),
])
def test_ones_zeros_reject_unknown_dims(fn, shape, out_shapes):
    name = "_zeros" if fn is nd.zeros else "_ones"
    with pytest.raises(mx.MXNetError) as info:
        fn(shape)
    assert str(info.value) == (
        "MXNetError: Operator %s inferring shapes failed.\ninput shapes:\noutput shapes:\n%s\n"
        "operator attributes:\ndtype : float32\nctx : cpu(0)\nshape : %s"
        % (name, out_shapes, shape))


@pytest.mark.parametrize("shape", [0, (2, 0), ()])
def test_empty_accepts_what_zeros_rejects(shape):
    expected = (0,) if shape == 0 else shape
    assert nd.empty(shape).shape == expected


def test_full_casts_value():
    assert nd.full((2,), 2.7, dtype="int32").asnumpy().tolist() == [2, 2]
    out = nd.zeros((3,))
    assert nd.full((3,), 4, out=out) is out
    assert out.asnumpy().tolist() == [4.0] * 3


@pytest.mark.parametrize("args, kwargs, expected", [
    ((5,), {}, [0, 1, 2, 3, 4]),
    ((1, 4, 0.5), {}, [1, 1.5, 2, 2.5, 3, 3.5]),
    ((0, 6, 2), {"repeat": 2}, [0, 0, 2, 2, 4, 4]),
    ((3, 0, -1), {}, [3, 2, 1]),
])
def test_arange(args, kwargs, expected):
    x = nd.arange(*args, **kwargs)
    assert x.dtype is np.float32
    assert x.asnumpy().tolist() == expected


def test_arange_dtype_and_deprecated_infer_range():
    assert nd.arange(3, dtype="int32").asnumpy().tolist() == [0, 1, 2]
    with pytest.warns(DeprecationWarning, match="infer_range"):
        nd.arange(2, infer_range=True)


def test_eye_linspace_concatenate():
    assert nd.eye(2, 3, 1).asnumpy().tolist() == [[0, 1, 0], [0, 0, 1]]
    assert nd.linspace(0, 1, 5).asnumpy().tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert nd.linspace(0, 1, 4, endpoint=False).asnumpy().tolist() == [0, 0.25, 0.5, 0.75]
    a, b = nd.ones((1, 2)), nd.zeros((2, 2))
    assert nd.concatenate([a, b]).asnumpy().tolist() == [[1, 1], [0, 0], [0, 0]]
    assert nd.concatenate([a, a], axis=1).shape == (1, 4)
    assert nd.concatenate([a], always_copy=False) is a


def test_dtype_accepts_types_objects_and_strings():
    for dtype in (np.int32, np.dtype("int32"), "int32"):
        assert nd.zeros(1, dtype=dtype).dtype is np.int32


def test_creation_uses_current_context():
    with mx.Context("cpu", 1):
        assert nd.ones((2,)).context == mx.cpu(1)
        assert nd.array([1]).context == mx.cpu(1)
    assert nd.ones((2,)).context == mx.cpu(0)


def test_waitall_returns_none():
    assert nd.waitall() is None


def test_arange_is_the_arange_operator():
    # mx.nd.arange calls _arange: values in the dtype's own arithmetic, MXNet's range check
    # (checked on MXNet 1.9.1; MXNet's test_init/test_arange compares with np.arange)
    x = nd.arange(1.3, 456.6, 1.3, dtype="int32")
    assert x.shape == (351,) and x.asnumpy()[:5].tolist() == [1, 2, 3, 4, 5]
    assert nd.arange(1.3, 4, 1.3, repeat=2, dtype="uint8").asnumpy().tolist() == [1, 1, 2, 2,
                                                                                  3, 3]
    with pytest.raises(mx.MXNetError, match=r"Invalid range \(start, stop, step\) = \(5,1,1\)"):
        nd.arange(5, 1)


def test_array_from_transposed_numpy_is_row_major():
    # MXNet copies into its own row-major buffer; asnumpy() gives a C-ordered copy
    # (symnb kept NumPy's Fortran order, so in-place edits of asnumpy().reshape(-1) were lost
    # in test_utils.check_numeric_gradient -- MXNet test_dot)
    x = nd.array(np.arange(6.0).reshape(2, 3).T)
    assert x._data.flags["C_CONTIGUOUS"] and x.asnumpy().flags["C_CONTIGUOUS"]
    assert x.asnumpy().tolist() == [[0, 3], [1, 4], [2, 5]]
    assert x.reshape((6,)).asnumpy().tolist() == [0, 3, 1, 4, 2, 5]


def test_from_numpy_shares_memory_and_locks_the_source():
    # MXNet's from_numpy: zero-copy for C-contiguous arrays, the NumPy side turns read-only
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype="float32")
    x = nd.from_numpy(a)
    with pytest.raises(ValueError):
        a[2, 1] = 0
    again = nd.from_numpy(a)             # a read-only source still gives a writable NDArray
    again[2, 1] = 100
    assert a[2, 1] == 100 and x.asnumpy()[2, 1] == 100 and x.dtype is np.float32
    copy = nd.from_numpy(np.arange(3), zero_copy=False)
    assert copy.dtype is np.int64 and copy.asnumpy().tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="Only c-contiguous arrays"):
        nd.from_numpy(np.ones((2, 3)).T)


def test_moveaxis():
    x = nd.arange(24).reshape((2, 3, 4))
    assert nd.moveaxis(x, 0, -1).shape == (3, 4, 2)
    assert nd.moveaxis(x, [0, 1], [2, 0]).shape == (3, 4, 2)
    assert (nd.moveaxis(x, 2, 0).asnumpy() == np.moveaxis(x.asnumpy(), 2, 0)).all()
    with pytest.raises(ValueError, match="same number of elements"):
        nd.moveaxis(x, [0, 1], [0])


def test_ones_zeros_write_into_out_and_np_shape_allows_empty_shapes():
    out = nd.zeros((2, 2))
    assert nd.ones((2, 2), out=out) is out and out.asnumpy().tolist() == [[1, 1], [1, 1]]
    nd.zeros((2, 2), out=out)
    assert out.asnumpy().sum() == 0
    with pytest.raises(mx.MXNetError, match=r"Provided = \[2,2\], inferred shape=\[3,2\]"):
        nd.ones((3, 2), out=out)
    with pytest.raises(mx.MXNetError, match="Provided = int32, inferred type = float32"):
        nd.ones((2, 2), out=nd.zeros((2, 2), dtype="int32"))
    with mx.util.np_shape(True):         # numpy shape semantics: () and 0 are known sizes
        assert nd.ones(()).shape == () and nd.zeros((2, 0)).shape == (2, 0)
