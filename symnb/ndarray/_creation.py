"""Creation functions and the Python arithmetic helpers of ``mx.nd`` (spec ndarray.md 1, 6).

Every allocation goes through ``get_backend(ctx)``, so a gpu context without CuPy or a GPU
fails right here with the backend's one clear message.
"""
from __future__ import annotations

import ctypes
import operator

import numpy as np

from .._writes import wrote
from ..backends import get_backend
from ..base import MXNetError
from ..context import cpu, current_context
from .ndarray import NDArray, _dispatch, _is_scalar

__all__ = ["array", "empty", "zeros", "ones", "full", "arange", "eye", "linspace",
           "concatenate", "waitall", "add", "subtract", "multiply", "divide", "true_divide",
           "modulo", "power", "maximum", "minimum", "equal", "not_equal", "greater",
           "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
           "logical_xor", "from_numpy", "moveaxis"]


def _shape_tuple(shape) -> tuple:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)


def _dtype(dtype, default=np.float32) -> np.dtype:
    return np.dtype(default if dtype is None else dtype)


def array(source_array, ctx=None, dtype=None) -> NDArray:
    """A new array holding a copy of ``source_array``.

    Lists and numpy arrays become float32 unless ``dtype`` is given (the numpy dtype is
    ignored); an NDArray source keeps its dtype; scalars give shape ``()`` (spec 1.1).

    >>> import symnb as mx
    >>> mx.nd.array([1, 2]).dtype, mx.nd.array(5).shape
    (<class 'numpy.float32'>, ())
    >>> mx.nd.array([300, -1], dtype='uint8').asnumpy()
    array([ 44, 255], dtype=uint8)
    >>> mx.nd.array(['1', '2'], dtype='int32').asnumpy()
    array([1, 2], dtype=int32)
    """
    ctx = current_context() if ctx is None else ctx
    rt = get_backend(ctx)
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        source = source_array.asnumpy()
    else:
        try:
            source = np.asarray(_to_host(source_array))
        except (ValueError, TypeError):
            raise TypeError("source_array must be array like object") from None
        if source.dtype.kind in "USOV":
            # MXNet converts the source with numpy into the target dtype: numeric strings
            # are accepted when that dtype can parse every item
            try:
                source = np.array(source_array, dtype=_dtype(dtype))
            except (ValueError, TypeError, OverflowError):
                raise TypeError("source_array must be array like object") from None
    target = _dtype(dtype)
    # Cast like a C cast: out-of-range integers wrap ([300, -1] as uint8 -> [44, 255]).
    if target.kind in "iu" and source.dtype.kind in "iub":
        data = source.astype(np.int64).astype(target)
    else:
        with np.errstate(all="ignore"):
            data = source.astype(target)
    # MXNet copies into its own row-major buffer: a transposed source must not stay a
    # Fortran-ordered array (reshape would then copy instead of viewing)
    return NDArray(rt.xp.array(data, copy=True, order="C"), ctx)


def from_numpy(ndarray, zero_copy=True, array_cls=NDArray):
    """An NDArray backed by a NumPy array.

    With ``zero_copy`` (C-contiguous arrays only, else ``ValueError``) the NDArray shares
    the NumPy array's memory and, as in MXNet, the NumPy array becomes read-only; without
    it the data is copied, keeping its dtype.

    >>> import symnb as mx
    >>> a = np.arange(3.0)
    >>> x = mx.nd.from_numpy(a); x[0] = 9; a.tolist(), a.flags.writeable
    ([9.0, 1.0, 2.0], False)
    """
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise ValueError("Only c-contiguous arrays are supported for zero-copy")
    ndarray.flags["WRITEABLE"] = False
    return array_cls(_writable_alias(ndarray), cpu())


def _writable_alias(ndarray):
    """A writable array over ``ndarray``'s memory, even when ``ndarray`` is read-only (as
    from_numpy leaves it, and MXNet's NDArray keeps writing to that memory)."""
    if ndarray.size == 0:
        return ndarray.copy()
    buffer = (ctypes.c_char * ndarray.nbytes).from_address(ndarray.ctypes.data)
    buffer.owner = ndarray           # keeps the memory alive as long as the alias
    return np.frombuffer(buffer, dtype=ndarray.dtype).reshape(ndarray.shape)


def moveaxis(tensor, source, destination):
    """Move axes of ``tensor`` to new positions (a ``transpose``), as ``np.moveaxis``.

    >>> import symnb as mx
    >>> mx.nd.moveaxis(mx.nd.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    def normalize(axes, what):
        axes = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
        out = []
        for a in axes:
            if not -tensor.ndim <= a < tensor.ndim:
                raise ValueError("%s should verify 0 <= %s < tensor.ndim (%d). Got %d"
                                 % (what, what.lower(), tensor.ndim, a))
            out.append(int(a) % tensor.ndim)
        if len(set(out)) != len(out):
            raise ValueError("repeated axis in `%s` argument" % what.lower())
        return out
    source = normalize(source, "Source")
    destination = normalize(destination, "Destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number "
                         "of elements")
    order = [n for n in range(tensor.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source, strict=True)):
        order.insert(dest, src)
    return tensor.transpose(axes=order)


def _to_host(source):
    """A CuPy array as numpy (anything else unchanged): ``array()`` accepts both."""
    module = type(source).__module__
    if module.startswith("cupy"):
        return source.get()
    return source


def empty(shape, ctx=None, dtype=None, stype=None) -> NDArray:
    """An uninitialised array (any shape, including ``()`` and zero-size).

    >>> import symnb as mx
    >>> mx.nd.empty((2, 3)).shape, mx.nd.empty(()).shape
    ((2, 3), ())
    """
    ctx = current_context() if ctx is None else ctx
    return NDArray(get_backend(ctx).xp.empty(_shape_tuple(shape), dtype=_dtype(dtype)), ctx)


def _filled(op_name, fill, shape, ctx, dtype, out=None):
    from ..util import is_np_shape
    from ._imperative import shape_failure
    ctx = current_context() if ctx is None else ctx
    dtype = _dtype(dtype)
    dims = _shape_tuple(shape)
    if not is_np_shape() and (len(dims) == 0 or 0 in dims):
        # legacy shape semantics: 0 means unknown, so these shapes cannot be created (1.2)
        raise shape_failure(op_name, [], [None if len(dims) == 0 else dims],
                            {"dtype": dtype.name, "ctx": str(ctx), "shape": str(shape)})
    if out is None:
        xp = get_backend(ctx).xp
        # zeros from calloc'd pages (no pass over the memory), anything else filled
        zero = fill == 0 and not np.signbit(fill)          # -0.0 stays a fill
        data = xp.zeros(dims, dtype=dtype) if zero else xp.full(dims, fill, dtype=dtype)
        return NDArray(data, ctx)
    # MXNet writes into ``out`` after checking it against the inferred shape and type
    if out.shape != dims:
        raise MXNetError("MXNetError: Shape inconsistent, Provided = %s, inferred shape=%s"
                         % (_fmt(out.shape), _fmt(dims)))
    if np.dtype(out.dtype) != dtype:
        raise MXNetError("MXNetError: Type inconsistent, Provided = %s, inferred type = %s"
                         % (np.dtype(out.dtype).name, dtype.name))
    out._data[...] = fill
    wrote(out._data)
    return out


def _fmt(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs) -> NDArray:
    """An array of zeros (float32 unless ``dtype``), or ``out=`` filled with zeros.

    >>> import symnb as mx
    >>> mx.nd.zeros(2).asnumpy()
    array([0., 0.], dtype=float32)
    """
    return _filled("_zeros", 0, shape, ctx, dtype, kwargs.get("out"))


def ones(shape, ctx=None, dtype=None, **kwargs) -> NDArray:
    """An array of ones (float32 unless ``dtype``), or ``out=`` filled with ones.

    >>> import symnb as mx
    >>> mx.nd.ones((1, 2), dtype='int32').asnumpy()
    array([[1, 1]], dtype=int32)
    """
    return _filled("_ones", 1, shape, ctx, dtype, kwargs.get("out"))


def full(shape, val, ctx=None, dtype=np.float32, out=None) -> NDArray:
    """An array filled with ``val`` cast to ``dtype`` (or written into ``out``).

    >>> import symnb as mx
    >>> mx.nd.full((2,), 2.7, dtype='int32').asnumpy()
    array([2, 2], dtype=int32)
    """
    if out is None:
        out = empty(shape, ctx, dtype)
    with np.errstate(all="ignore"):
        out._data[...] = np.array(float(val)).astype(np.dtype(out.dtype))
    wrote(out._data)
    return out


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None,
           dtype=np.float32) -> NDArray:
    """Evenly spaced values in ``[start, stop)``, each repeated ``repeat`` times.

    >>> import symnb as mx
    >>> mx.nd.arange(0, 6, 2, repeat=2).asnumpy()
    array([0., 0., 2., 2., 4., 4.], dtype=float32)
    """
    if infer_range is not None:
        import warnings
        warnings.warn("`infer_range` argument has been deprecated", DeprecationWarning)
    from ..ops import get_op
    from ._imperative import invoke
    # MXNet's arange is the _arange operator: its checks, its length, its per-dtype values
    ctx = current_context() if ctx is None else ctx
    return invoke(get_op("_arange"), [], {"start": start, "stop": stop, "step": step,
                                          "repeat": repeat, "infer_range": False,
                                          "dtype": _dtype(dtype).name, "ctx": str(ctx)})


def eye(N, M=0, k=0, ctx=None, dtype=np.float32, **kwargs) -> NDArray:
    """A 2-D array with ones on the ``k``-th diagonal.

    >>> import symnb as mx
    >>> mx.nd.eye(2, 3, 1).asnumpy()
    array([[0., 1., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    return array(np.eye(int(N), int(M) or int(N), int(k)), ctx, _dtype(dtype))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32) -> NDArray:
    """``num`` evenly spaced values from ``start`` to ``stop``.

    >>> import symnb as mx
    >>> mx.nd.linspace(0, 1, 5).asnumpy()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    from ..ops import get_op
    from ._imperative import invoke
    if ctx is None:
        ctx = current_context()
    if int(num) == 0:       # MXNet returns an empty array (legacy shapes read 0 as unknown)
        return empty((0,), ctx, _dtype(dtype))
    return invoke(get_op("_linspace"), [], {"start": start, "stop": stop, "num": num,
                                            "endpoint": endpoint, "dtype": _dtype(dtype).name,
                                            "ctx": str(ctx)})


def concatenate(arrays, axis=0, always_copy=True) -> NDArray:
    """Join arrays along an existing axis (same dtype, same other dims).

    >>> import symnb as mx
    >>> mx.nd.concatenate([mx.nd.ones((1, 2)), mx.nd.zeros((2, 2))]).shape
    (3, 2)
    """
    assert isinstance(arrays, list)
    assert len(arrays) > 0
    assert isinstance(arrays[0], NDArray)
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    first = arrays[0]
    for arr in arrays[1:]:
        assert first.shape[:axis] == arr.shape[:axis] and \
            first.shape[axis + 1:] == arr.shape[axis + 1:], \
            "shapes %s and %s differ outside axis %d" % (first.shape, arr.shape, axis)
        assert first.dtype == arr.dtype
    rt = get_backend(first.context)
    return NDArray(rt.xp.concatenate([a._in_backend(rt) for a in arrays], axis=axis),
                   first.context)


def waitall() -> None:
    """Wait for all pending work (symnb computes synchronously on cpu).

    >>> import symnb as mx
    >>> mx.nd.waitall()
    """
    from ..backends import _gpu_backends
    from .ndarray import PENDING_ERRORS, reported
    for backend in _gpu_backends.values():
        backend.synchronize()
    errors = [h.pop() for h in PENDING_ERRORS if h]
    PENDING_ERRORS.clear()
    if errors:                     # MXNet's WaitForAll rethrows the first engine error
        raise reported(errors[0]) from errors[0]


# ------------------------------------------------------------------ arithmetic helpers
def _helper(lhs, rhs, array_op, py_op, scalar_op, rscalar_op, out=None):
    """MXNet's ``_ufunc_helper``: scalars on either side, NDArrays broadcast.

    ``scalar_op`` None (the logical helpers, whose ``_logical_*_scalar`` operators symnb does
    not register) broadcasts the scalar as a one-element array of the other side's dtype,
    which gives the same values.
    """
    if _is_scalar(lhs):
        if _is_scalar(rhs):
            return py_op(lhs, rhs)
        if scalar_op is None:
            lhs = full((1,) * rhs.ndim, lhs, ctx=rhs.context, dtype=rhs.dtype)
            return _dispatch(lhs, rhs, array_op, None, out=out)
        return _dispatch(rhs, lhs, array_op, rscalar_op or scalar_op, reflected=True, out=out)
    if not isinstance(lhs, NDArray):
        raise TypeError("type %s not supported" % str(type(lhs)))
    if scalar_op is None and _is_scalar(rhs):
        rhs = full((1,) * lhs.ndim, rhs, ctx=lhs.context, dtype=lhs.dtype)
    return _dispatch(lhs, rhs, array_op, scalar_op, out=out)


def _make_helper(name, array_op, py_op, scalar_op, rscalar_op, what):
    def helper(lhs, rhs, out=None):
        return _helper(lhs, rhs, array_op, py_op, scalar_op, rscalar_op, out)
    helper.__name__ = helper.__qualname__ = name
    helper.__doc__ = (
        "Elementwise %s with numpy-style broadcasting; either side may be a scalar.\n\n"
        "Parameters\n----------\nlhs, rhs : NDArray or scalar\nout : NDArray, optional\n"
        "    Written in place and returned.\n\n"
        ">>> import symnb as mx\n>>> mx.nd.%s(mx.nd.array([4, 6]), 2).asnumpy().tolist()\n%s\n"
        % (what, name, [float(py_op(4.0, 2.0)), float(py_op(6.0, 2.0))]))
    return helper


def _compare(fn):
    return lambda x, y: 1 if fn(x, y) else 0


# one row per helper: broadcast op, Python op for two scalars, scalar op, reflected scalar op
add = _make_helper("add", "broadcast_add", operator.add, "_plus_scalar", None, "sum")
subtract = _make_helper("subtract", "broadcast_sub", operator.sub, "_minus_scalar",
                        "_rminus_scalar", "difference")
multiply = _make_helper("multiply", "broadcast_mul", operator.mul, "_mul_scalar", None,
                        "product")
divide = _make_helper("divide", "broadcast_div", operator.truediv, "_div_scalar",
                      "_rdiv_scalar", "division")
true_divide = divide
modulo = _make_helper("modulo", "broadcast_mod", operator.mod, "_mod_scalar", "_rmod_scalar",
                      "floor modulo")
power = _make_helper("power", "broadcast_power", operator.pow, "_power_scalar",
                     "_rpower_scalar", "power")
maximum = _make_helper("maximum", "broadcast_maximum", max, "_maximum_scalar", None, "maximum")
minimum = _make_helper("minimum", "broadcast_minimum", min, "_minimum_scalar", None, "minimum")
equal = _make_helper("equal", "broadcast_equal", _compare(operator.eq), "_equal_scalar", None,
                     "``==``")
not_equal = _make_helper("not_equal", "broadcast_not_equal", _compare(operator.ne),
                         "_not_equal_scalar", None, "``!=``")
greater = _make_helper("greater", "broadcast_greater", _compare(operator.gt), "_greater_scalar",
                       "_lesser_scalar", "``>``")
greater_equal = _make_helper("greater_equal", "broadcast_greater_equal", _compare(operator.ge),
                             "_greater_equal_scalar", "_lesser_equal_scalar", "``>=``")
lesser = _make_helper("lesser", "broadcast_lesser", _compare(operator.lt), "_lesser_scalar",
                      "_greater_scalar", "``<``")
lesser_equal = _make_helper("lesser_equal", "broadcast_lesser_equal", _compare(operator.le),
                            "_lesser_equal_scalar", "_greater_equal_scalar", "``<=``")
logical_and = _make_helper("logical_and", "broadcast_logical_and",
                           _compare(lambda x, y: x and y), None, None, "logical and")
logical_or = _make_helper("logical_or", "broadcast_logical_or",
                          _compare(lambda x, y: x or y), None, None, "logical or")
logical_xor = _make_helper("logical_xor", "broadcast_logical_xor",
                           _compare(lambda x, y: bool(x) != bool(y)), None, None,
                           "logical xor")


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` into equal sections or at the given indices.

    >>> import symnb as mx
    >>> [p.shape for p in mx.nd.split_v2(mx.nd.ones((2, 5)), (2,), axis=1)]
    [(2, 2), (2, 3)]
    >>> try:
    ...     mx.nd.split_v2(mx.nd.ones((5,)), 2)
    ... except ValueError as e:
    ...     print(e)
    array split does not result in an equal division
    """
    from ._imperative import FUNCTIONS
    size = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        if size % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        step = size // indices_or_sections
        indices = tuple(i * step for i in range(indices_or_sections))
    elif isinstance(indices_or_sections, tuple):
        indices = (0,) + tuple(indices_or_sections)
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return FUNCTIONS["_split_v2"](ary, indices=indices, axis=axis, squeeze_axis=squeeze_axis)
