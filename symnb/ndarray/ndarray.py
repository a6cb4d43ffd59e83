"""NDArray: a backend array (NumPy on cpu, CuPy on gpu) with MXNet's API."""
from __future__ import annotations

import numpy as np

from ..backends import get_backend
from ..base import MXNetError
from ..context import Context, current_context

__all__ = ["NDArray", "array", "empty", "zeros", "ones", "waitall"]


class NDArray:
    """An n-dimensional array on a context.

    >>> import symnb as mx
    >>> x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    >>> x.shape, x.dtype, x.context
    ((2, 3), <class 'numpy.float32'>, cpu(0))
    """

    __slots__ = ("_data", "_ctx", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, data, ctx: Context | None = None):
        self._data = data
        self._ctx = ctx if ctx is not None else current_context()

    @property
    def shape(self):
        return tuple(self._data.shape)

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def context(self):
        return self._ctx

    ctx = context

    @property
    def size(self):
        return int(self._data.size)

    @property
    def ndim(self):
        return self._data.ndim

    def asnumpy(self):
        """A NumPy copy of the data.

        >>> import symnb as mx
        >>> mx.nd.ones((2,)).asnumpy()
        array([1., 1.], dtype=float32)
        """
        return np.array(get_backend(self._ctx).to_numpy(self._data), copy=True)

    def __setitem__(self, key, value):
        if isinstance(value, NDArray):
            value = value._data
        self._data[key] = value

    def __repr__(self):
        shape = "x".join(str(d) for d in self.shape)
        return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), type(self).__name__, shape,
                                      self._ctx)


def _dtype(dtype, default=np.float32):
    return np.dtype(default if dtype is None else dtype)


def array(source_array, ctx=None, dtype=None):
    """Create an NDArray (float32 unless ``dtype`` or an NDArray source says otherwise).

    >>> import symnb as mx
    >>> mx.nd.array([1, 2]).dtype
    <class 'numpy.float32'>
    """
    ctx = ctx or current_context()
    if isinstance(source_array, NDArray):
        src = source_array.asnumpy()
        dtype = source_array.dtype if dtype is None else dtype
    else:
        src = source_array
    try:
        data = np.array(src, dtype=_dtype(dtype))
    except (ValueError, TypeError):
        raise TypeError("source_array must be array like object") from None
    return NDArray(get_backend(ctx).asarray(data), ctx)


def empty(shape, ctx=None, dtype=None):
    """Uninitialised array.

    >>> import symnb as mx
    >>> mx.nd.empty((2, 3)).shape
    (2, 3)
    """
    ctx = ctx or current_context()
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NDArray(get_backend(ctx).xp.empty(shape, dtype=_dtype(dtype)), ctx)


def zeros(shape, ctx=None, dtype=None, **kwargs):
    """Array of zeros.

    >>> import symnb as mx
    >>> mx.nd.zeros(2).asnumpy()
    array([0., 0.], dtype=float32)
    """
    ctx = ctx or current_context()
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NDArray(get_backend(ctx).xp.zeros(shape, dtype=_dtype(dtype)), ctx)


def ones(shape, ctx=None, dtype=None, **kwargs):
    """Array of ones.

    >>> import symnb as mx
    >>> mx.nd.ones(2).asnumpy()
    array([1., 1.], dtype=float32)
    """
    ctx = ctx or current_context()
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return NDArray(get_backend(ctx).xp.ones(shape, dtype=_dtype(dtype)), ctx)


def waitall():
    """Wait for all pending work (symnb computes synchronously on cpu).

    >>> waitall()
    """
    return None


_ = MXNetError
