"""NDArray: a backend array (NumPy on cpu, CuPy on gpu) with MXNet's API (spec ndarray.md).

An NDArray is a thin handle: ``_data`` is the backend array, ``_ctx`` the context. Views
(``x[1]``, ``x[1:3]``, ``reshape``) are NDArrays over backend views, so writes reach the
parent as in MXNet. Arithmetic runs the registered operators through the imperative path
(``_imperative.invoke``), so NDArray and Symbol share one definition per operator and its
error texts.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._fluent_examples import fluent_doc
from .._writes import wrote
from ..backends import get_backend
from ..base import MXNetError, integer_types, mx_real_t, numeric_types, string_types  # noqa: F401
from ..context import Context, current_context
from ._shape import infer_reshape

__all__ = ["NDArray"]

# MXNet's ndarray module shadows the builtin with its ``slice`` operator and keeps the builtin
# as ``py_slice`` (MXNet's test_ndarray imports it from here)
py_slice = slice


def _is_scalar(x) -> bool:
    return isinstance(x, numbers.Number) or (isinstance(x, np.generic) and x.ndim == 0)


#: errors MXNet's engine would report on the next read, not yet read (``mx.nd.waitall``)
PENDING_ERRORS: list = []


def hold_error(arrays, error) -> list:
    """Hold ``error`` (an ``EngineError``, or the holder of another array's) on ``arrays``: it
    is raised by the first ``asnumpy``/``wait_to_read`` of any of them or by
    ``mx.nd.waitall``, as MXNet reports errors from its asynchronous engine.

    >>> import symnb as mx
    >>> x = mx.nd.ones((2,))
    >>> _ = hold_error([x], ValueError('late'))
    >>> try:
    ...     x.asnumpy()
    ... except ValueError as e:
    ...     print(e)
    late
    >>> x.asnumpy()
    array([1., 1.], dtype=float32)
    """
    holder = error if isinstance(error, list) else [error]
    if not isinstance(error, list):
        PENDING_ERRORS.append(holder)
    for a in arrays:
        a._pending = holder
    return holder


def reported(error):
    """The error as MXNet raises it on read: an ``EngineError`` becomes a plain
    ``MXNetError`` with the same text and notes (other errors are themselves).

    >>> from symnb.ops._registry import EngineError
    >>> type(reported(EngineError('MXNetError: late'))).__name__
    'MXNetError'
    """
    from ..ops._registry import EngineError
    if not isinstance(error, EngineError):
        return error
    out = MXNetError(*error.args)
    for note in getattr(error, "__notes__", ()):
        out.add_note(note)
    return out


def pending_of(arrays):
    """The engine-error holder of the first of ``arrays`` that has one still to report."""
    for a in arrays:
        holder = getattr(a, "_pending", None)
        if holder:
            return holder
    return None


class NDArray:
    """An n-dimensional array on a context.

    >>> import symnb as mx
    >>> x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    >>> x.shape, x.dtype, x.context
    ((2, 3), <class 'numpy.float32'>, cpu(0))
    """

    # _pending (unset unless an engine error waits on this array): see hold_error
    __slots__ = ("_data", "_ctx", "_pending", "__weakref__")
    # numpy's binary operators and numpy scalars give way to ours (``np.float64(1) + x`` is an
    # NDArray; ``np.ones(3) + x`` is MXNet's TypeError, spec 6.1). No ``__array_ufunc__``, as
    # in MXNet: numpy functions see the array through ``__array__`` (``np.all(x == 1)``).
    __array_priority__ = 1000.0

    def __init__(self, data, ctx: Context | None = None):
        self._data = data
        self._ctx = ctx if ctx is not None else current_context()

    # ------------------------------------------------------------------ properties (spec 3)
    @property
    def shape(self) -> tuple:
        """The shape as a tuple of ints.

        >>> import symnb as mx
        >>> mx.nd.zeros((2, 3)).shape
        (2, 3)
        """
        return tuple(int(d) for d in self._data.shape)

    @property
    def dtype(self):
        """The numpy type class (``x.dtype is np.float32``).

        >>> import symnb as mx
        >>> mx.nd.zeros((2,), dtype='int32').dtype
        <class 'numpy.int32'>
        """
        return self._data.dtype.type

    @property
    def context(self) -> Context:
        """The device context.

        >>> import symnb as mx
        >>> mx.nd.zeros((2,), ctx=mx.cpu(1)).context
        cpu(1)
        """
        return self._ctx

    ctx = context

    @property
    def size(self) -> int:
        """Number of elements (1 for a 0-d array).

        >>> import symnb as mx
        >>> mx.nd.zeros((2, 3)).size
        6
        """
        return int(self._data.size)

    @property
    def ndim(self) -> int:
        """Number of dimensions.

        >>> import symnb as mx
        >>> mx.nd.zeros((2, 3)).ndim
        2
        """
        return int(self._data.ndim)

    @property
    def stype(self) -> str:
        """Storage type; symnb arrays are always dense.

        >>> import symnb as mx
        >>> mx.nd.zeros((2,)).stype
        'default'
        """
        return "default"

    @property
    def writable(self) -> bool:
        """Whether the array may be written (always True).

        >>> import symnb as mx
        >>> mx.nd.zeros((2,)).writable
        True
        """
        return True

    @property
    def grad(self):
        """The attached gradient (symnb has no autograd: always None).

        >>> import symnb as mx
        >>> mx.nd.zeros((2,)).grad is None
        True
        """
        return None

    @property
    def handle(self):
        """An opaque ``ctypes.c_void_p`` (MXNet's C handle; here the object's id).

        >>> import symnb as mx
        >>> type(mx.nd.zeros((2,)).handle).__name__
        'c_void_p'
        """
        import ctypes  # only here: keeps ``import symnb`` light
        return ctypes.c_void_p(id(self))

    @property
    def T(self):
        """Transpose (all axes reversed); arrays with fewer than 2 dims return themselves.

        >>> import symnb as mx
        >>> mx.nd.zeros((2, 3, 4)).T.shape
        (4, 3, 2)
        """
        if self.ndim < 2:
            return self
        xp = get_backend(self._ctx).xp
        return NDArray(xp.ascontiguousarray(xp.transpose(self._data)), self._ctx)

    # ------------------------------------------------------------------ Python protocol
    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        for i in range(self.shape[0]):
            yield self[i]

    def __bool__(self):
        if self.size == 1:
            return bool(self.asnumpy().reshape(()))
        if self.size == 0:
            return False
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    __hash__ = object.__hash__

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Display in notebooks: MXNet's repr plus values, or a heatmap and statistics."""
        from ..pictures import ndarray_mimebundle  # lazy: keeps `import symnb` light
        return ndarray_mimebundle(self, include=include, exclude=exclude)

    def __repr__(self):
        shape = "x".join(str(d) for d in self.shape)
        return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), type(self).__name__, shape,
                                      self._ctx)

    __str__ = __repr__

    def __getstate__(self):
        # One raw NDArray record, as MXNet pickles (spec ndarray.md 8.1): no pickle inside.
        from ._io import write_record
        return {"handle": write_record(self, allow_0d=True)}

    def __setstate__(self, state):
        from ._io import read_record
        loaded = read_record(state["handle"])
        self._data, self._ctx = loaded._data, loaded._ctx

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    # ------------------------------------------------------------------ methods (spec 4)
    def __array__(self, dtype=None, copy=None):
        """NumPy's view of the array: a copy of the data (``np.all``, ``np.asarray``).

        >>> import numpy as np, symnb as mx
        >>> bool(np.all(mx.nd.array([50000001], dtype='int32') == 50000001))
        True
        """
        if copy is False:
            raise ValueError("an NDArray cannot be used as a NumPy array without a copy; "
                             "call asnumpy()")
        data = self.asnumpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    def asnumpy(self) -> np.ndarray:
        """A NumPy copy of the data.

        >>> import symnb as mx
        >>> mx.nd.ones((2,)).asnumpy()
        array([1., 1.], dtype=float32)
        """
        if PENDING_ERRORS and getattr(self, "_pending", None) is not None:
            self._raise_pending()
        return np.array(get_backend(self._ctx).to_numpy(self._data), copy=True, order="C")

    def asscalar(self):
        """The single element as a numpy scalar (shape ``(1, 1)`` gives an array: MXNet quirk).

        >>> import symnb as mx
        >>> mx.nd.array([7]).asscalar()
        np.float32(7.0)
        """
        if self.size != 1:
            raise ValueError("The current array is not a scalar")
        if self.ndim <= 1:
            return self.asnumpy().reshape(())[()]
        return self.asnumpy()

    def copy(self):
        """A new array on the same context with copied data.

        >>> import symnb as mx
        >>> x = mx.nd.ones((2,)); y = x.copy(); y[:] = 5; x.asnumpy()
        array([1., 1.], dtype=float32)
        """
        return NDArray(self._data.copy(), self._ctx)

    def copyto(self, other):
        """Copy into an NDArray (cast to its dtype) or onto a Context (new array).

        >>> import symnb as mx
        >>> y = mx.nd.zeros((2,), dtype='int32')
        >>> mx.nd.array([1.7, 2.2]).copyto(y).asnumpy()
        array([1, 2], dtype=int32)
        """
        if isinstance(other, NDArray):
            if other is self:
                warnings.warn("You are attempting to copy an array to itself", RuntimeWarning)
                return False
            if other.shape != self.shape:
                from ..ops._rules import fmt_shape
                raise MXNetError("MXNetError: Check failed: assign(&dattr, vec.at(i)): "
                                 "Incompatible attr in node  at 0-th output: expected %s, got %s"
                                 % (fmt_shape(self.shape), fmt_shape(other.shape)))
            other._data[...] = self._in_backend(get_backend(other._ctx))
            wrote(other._data)
            return other
        if isinstance(other, Context):
            rt = get_backend(other)
            return NDArray(rt.xp.array(self._in_backend(rt), copy=True), other)
        raise TypeError("copyto does not support type %s" % type(other))

    def _in_backend(self, rt):
        """This array's data as an array of backend ``rt`` (no copy when already there)."""
        if isinstance(self._data, rt.xp.ndarray):
            return self._data
        return rt.asarray(self.asnumpy())

    def as_in_context(self, context):
        """Self if already on ``context``, else a copy there.

        >>> import symnb as mx
        >>> x = mx.nd.ones((2,)); x.as_in_context(mx.cpu()) is x
        True
        """
        if self._ctx == context:
            return self
        return self.copyto(context)

    def astype(self, dtype, copy=True):
        """Cast to ``dtype`` (float to int truncates toward zero).

        >>> import symnb as mx
        >>> mx.nd.array([1.7, -1.7, 2.5]).astype('int32').asnumpy()
        array([ 1, -1,  2], dtype=int32)
        """
        dtype = np.dtype(dtype)
        if not copy and dtype == np.dtype(self.dtype):
            return self
        return NDArray(self._data.astype(dtype), self._ctx)

    def reshape(self, *shape, **kwargs):
        """A view with a new shape; MXNet's special codes 0, -1, -2, -3, -4 and ``reverse``.

        >>> import symnb as mx
        >>> y = mx.nd.arange(24).reshape((2, 3, 4))
        >>> y.reshape((-3, -2)).shape, y.reshape(0, -1).shape
        ((6, 4), (2, 12))
        """
        if len(shape) == 0 and not kwargs:
            raise AssertionError("Shape must be provided.")
        unknown = [k for k in kwargs if k not in ("shape", "reverse")]
        if unknown:
            raise TypeError("Got unknown keywords in reshape: %s. Accepted keyword arguments "
                            "are 'shape' and 'reverse'." % ", ".join(unknown))
        reverse = kwargs.get("reverse", False)
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        shape = shape or kwargs.get("shape")
        target = infer_reshape(self.shape, tuple(int(d) for d in shape), reverse)
        size = int(np.prod(target, dtype=np.int64))
        if size > self.size:
            raise MXNetError("NDArray.Reshape: Check failed: shape_.Size() >= shape.Size() "
                             "(%d vs. %d) : target shape size is larger than the current shape"
                             % (self.size, size))
        if size != self.size:
            raise ValueError("Cannot reshape array of size %d into shape %s" % (self.size, shape))
        return NDArray(self._data.reshape(target), self._ctx)

    def wait_to_read(self):
        """Block until the data is computed (synchronous backends: returns at once).

        >>> import symnb as mx
        >>> mx.nd.ones((2,)).wait_to_read()
        """
        if PENDING_ERRORS and getattr(self, "_pending", None) is not None:
            self._raise_pending()
        get_backend(self._ctx).synchronize()

    def to_dlpack_for_read(self):
        """A DLPack capsule sharing this array's memory, for reading.

        >>> import symnb as mx
        >>> mx.nd.from_dlpack(mx.nd.ones((2,)).to_dlpack_for_read()).asnumpy()
        array([1., 1.], dtype=float32)
        """
        from ._dlpack import to_dlpack_for_read
        return to_dlpack_for_read(self)

    def to_dlpack_for_write(self):
        """A DLPack capsule sharing this array's memory, for writing.

        >>> import symnb as mx
        >>> x = mx.nd.zeros((2,))
        >>> mx.nd.from_dlpack(x.to_dlpack_for_write())[:] = 3
        >>> x.asnumpy()
        array([3., 3.], dtype=float32)
        """
        from ._dlpack import to_dlpack_for_write
        return to_dlpack_for_write(self)

    def _raise_pending(self):
        """Report the engine error held on this array, once (MXNet's rethrow on read)."""
        holder, self._pending = self._pending, None
        if holder:
            error = holder.pop()
            PENDING_ERRORS[:] = [h for h in PENDING_ERRORS if h]   # reported: forget it
            raise reported(error) from error

    def tostype(self, stype):
        """Storage conversion; symnb stores dense arrays only (``'default'`` gives a copy).

        >>> import symnb as mx
        >>> mx.nd.ones((2,)).tostype('default').stype
        'default'
        """
        if stype != "default":
            raise MXNetError("MXNetError: sparse storage type '%s' is not supported by symnb; "
                             "arrays are dense ('default')" % stype)
        return self.copy()

    # MXNet's NDArray methods with an ``inplace`` flag: True gives a reshaped view
    def flatten(self, inplace=False):
        """Collapse all axes after the first: a copy, or a view with ``inplace=True``.

        >>> import symnb as mx
        >>> mx.nd.ones((2, 3, 4)).flatten(inplace=True).shape
        (2, 12)
        """
        if not inplace:
            return _fluent_call("flatten", self)
        return self.reshape((0, -1))

    def expand_dims(self, axis, inplace=False):
        """Insert a size-1 axis at ``axis``: a copy, or a view with ``inplace=True``.

        >>> import symnb as mx
        >>> mx.nd.ones((2, 3)).expand_dims(-1, inplace=True).shape
        (2, 3, 1)
        """
        if not inplace:
            return _fluent_call("expand_dims", self, axis=axis)
        shape = list(self.shape)
        assert -len(shape) - 1 <= axis <= len(shape), \
            "axis {} is out of range for {}d array".format(axis, len(shape))
        shape.insert(axis + len(shape) + 1 if axis < 0 else axis, 1)
        return self.reshape(shape)

    def squeeze(self, axis=None, inplace=False):
        """Drop size-1 axes (all, or those in ``axis``): a copy, or a view with
        ``inplace=True``; squeezing every axis leaves shape ``(1,)``.

        >>> import symnb as mx
        >>> mx.nd.ones((1, 3, 1)).squeeze(inplace=True).shape
        (3,)
        """
        if not inplace:
            return _fluent_call("squeeze", self, axis=axis)
        shape = list(self.shape)
        axes = [axis] if isinstance(axis, int) else axis
        if axes:
            assert len(axes) == len(set(axes)), \
                "axis {} contains duplicate which is not allowed.".format(axes)
            resolved = [a if a >= 0 else a + len(shape) for a in axes]
            for given, a in zip(axes, resolved, strict=True):
                assert -len(shape) <= given < len(shape), \
                    "axis {} is out of range for {}d array".format(given, len(shape))
                assert shape[a] == 1, \
                    "Squeeze target axis {} must be size 1, got {}.".format(given, shape[a])
            for a in sorted(resolved, reverse=True):
                del shape[a]
        else:
            shape = [d for d in shape if d != 1]
        return self.reshape(shape or [1])

    def broadcast_to(self, shape):
        """Broadcast to ``shape``; missing leading axes are added first (MXNet's method,
        which checks the shapes itself before calling the ``broadcast_to`` operator).

        >>> import symnb as mx
        >>> mx.nd.array([1, 2, 3]).broadcast_to((2, 3)).shape
        (2, 3)
        """
        cur_shape = self.shape
        err_str = ("operands could not be broadcast together with remapped shapes"
                   "[original->remapped]: {} and requested shape {}".format(cur_shape, shape))
        if len(shape) < len(cur_shape):
            raise ValueError(err_str)
        cur_shape = (1,) * (len(shape) - len(cur_shape)) + cur_shape
        differing = np.array(cur_shape) != np.array(shape)
        if (np.array(cur_shape)[differing] != 1).any():
            raise ValueError(err_str)
        if cur_shape != self.shape:
            # MXNet passes ``shape`` on as given here (a NumPy array then fails to parse)
            return _fluent_call("broadcast_to", self.reshape(cur_shape), shape=shape)
        return _fluent_call("broadcast_to", self, shape=tuple(shape))

    def __abs__(self):
        """``abs(x)``, the ``abs`` operator.

        >>> import symnb as mx
        >>> abs(mx.nd.array([-1.5, 2])).asnumpy()
        array([1.5, 2. ], dtype=float32)
        """
        return _fluent_call("abs", self)

    def slice_assign(self, rhs, begin, end, step):
        """Write ``rhs`` into the slice ``begin:end:step`` of this array; returns this array.

        >>> import symnb as mx
        >>> x = mx.nd.zeros((2, 3))
        >>> x.slice_assign(mx.nd.ones((1, 2)), (1, 1), (2, 3), (None, None)) is x
        True
        >>> x.asnumpy()
        array([[0., 0., 0.],
               [0., 1., 1.]], dtype=float32)
        """
        return _fluent_call("_slice_assign", self, rhs, begin=begin, end=end, step=step,
                            out=self)

    def slice_assign_scalar(self, value, begin, end, step):
        """Fill the slice ``begin:end:step`` of this array with ``value``; returns this array.

        >>> import symnb as mx
        >>> x = mx.nd.zeros((2, 2))
        >>> x.slice_assign_scalar(7, (0, None), (1, None), ()).asnumpy()
        array([[7., 7.],
               [0., 0.]], dtype=float32)
        """
        return _fluent_call("_slice_assign_scalar", self, scalar=value, begin=begin, end=end,
                            step=step, out=self)

    # ------------------------------------------------------------------ indexing (spec 5)
    @staticmethod
    def _basic_indexing_slice_is_contiguous(slc_key, shape):
        """MXNet's helper: whether slicing ``shape`` with one slice per axis is a view.

        >>> import symnb as mx
        >>> mx.nd.NDArray._basic_indexing_slice_is_contiguous((slice(1, 2), slice(0, 3)),
        ...                                                   (3, 4))
        True
        """
        from ._indexing import slice_is_contiguous
        return slice_is_contiguous(slc_key, shape)

    def __getitem__(self, key):
        """Basic keys selecting a contiguous block (``x[1]``, ``x[1:3]``, ``x[1, 2]``) are
        views; other keys copy; results are never 0-d.

        >>> import symnb as mx
        >>> x = mx.nd.arange(12).reshape((3, 4))
        >>> x[1].shape, x[1, 2].shape, x[:, 1].shape
        ((4,), (1,), (3,))
        """
        from ._indexing import get_item
        return get_item(self, key)

    def __setitem__(self, key, value):
        """Write into a region in place; values broadcast and are cast to this dtype.

        >>> import symnb as mx
        >>> z = mx.nd.zeros((2, 3)); z[1] = 7; z[:, 0] = [1, 2]; z.asnumpy()
        array([[1., 0., 0.],
               [2., 7., 7.]], dtype=float32)
        """
        from ._indexing import set_item
        set_item(self, key, value)

    # ------------------------------------------------------------------ arithmetic (spec 6)
    def __add__(self, other):
        return _dispatch(self, other, "broadcast_add", "_plus_scalar")

    def __radd__(self, other):
        return _dispatch(self, other, "broadcast_add", "_plus_scalar")

    def __iadd__(self, other):
        return _dispatch(self, other, "broadcast_add", "_plus_scalar", out=self)

    def __sub__(self, other):
        return _dispatch(self, other, "broadcast_sub", "_minus_scalar")

    def __rsub__(self, other):
        return _dispatch(self, other, "broadcast_sub", "_rminus_scalar", reflected=True)

    def __isub__(self, other):
        return _dispatch(self, other, "broadcast_sub", "_minus_scalar", out=self)

    def __mul__(self, other):
        return _dispatch(self, other, "broadcast_mul", "_mul_scalar")

    def __rmul__(self, other):
        return _dispatch(self, other, "broadcast_mul", "_mul_scalar")

    def __imul__(self, other):
        return _dispatch(self, other, "broadcast_mul", "_mul_scalar", out=self)

    def __truediv__(self, other):
        return _dispatch(self, other, "broadcast_div", "_div_scalar")

    def __rtruediv__(self, other):
        return _dispatch(self, other, "broadcast_div", "_rdiv_scalar", reflected=True)

    def __itruediv__(self, other):
        return _dispatch(self, other, "broadcast_div", "_div_scalar", out=self)

    def __mod__(self, other):
        return _dispatch(self, other, "broadcast_mod", "_mod_scalar")

    def __rmod__(self, other):
        return _dispatch(self, other, "broadcast_mod", "_rmod_scalar", reflected=True)

    def __imod__(self, other):
        return _dispatch(self, other, "broadcast_mod", "_mod_scalar", out=self)

    def __pow__(self, other):
        return _dispatch(self, other, "broadcast_power", "_power_scalar")

    def __rpow__(self, other):
        return _dispatch(self, other, "broadcast_power", "_rpower_scalar", reflected=True)

    def __neg__(self):
        return _dispatch(self, -1.0, "broadcast_mul", "_mul_scalar")

    def __eq__(self, other):
        return _dispatch(self, other, "broadcast_equal", "_equal_scalar")

    def __ne__(self, other):
        return _dispatch(self, other, "broadcast_not_equal", "_not_equal_scalar")

    def __gt__(self, other):
        return _dispatch(self, other, "broadcast_greater", "_greater_scalar")

    def __ge__(self, other):
        return _dispatch(self, other, "broadcast_greater_equal", "_greater_equal_scalar")

    def __lt__(self, other):
        return _dispatch(self, other, "broadcast_lesser", "_lesser_scalar")

    def __le__(self, other):
        return _dispatch(self, other, "broadcast_lesser_equal", "_lesser_equal_scalar")

    def split_v2(self, *args, **kwargs):
        """Fluent form of ``mx.nd.split_v2(self, ...)``.

        >>> import symnb as mx
        >>> [p.shape for p in mx.nd.ones((4, 2)).split_v2(2)]
        [(2, 2), (2, 2)]
        """
        from ._creation import split_v2
        return split_v2(self, *args, **kwargs)


def _dispatch(array, other, array_op, scalar_op, reflected=False, out=None):
    """MXNet's ``_ufunc_helper``: NDArray (op) NDArray broadcasts, scalars use ``*_scalar``.

    ``reflected`` means ``other (op) array`` with the reflected scalar operator already chosen.
    """
    from ..ops import get_op
    from ._imperative import invoke
    if _is_scalar(other):
        return invoke(get_op(scalar_op), [array], {"scalar": float(other)}, out)
    if isinstance(other, NDArray):
        lhs, rhs = (other, array) if reflected else (array, other)
        return invoke(get_op(array_op), [lhs, rhs], {}, out)
    raise TypeError("type %s not supported" % str(type(other)))


# Operators MXNet also exposes as methods (``x.sum()``, ``x.exp()``): each calls the
# generated ``mx.nd`` function of the registered operator of the same name.
_FLUENT = ("reshape_like", "zeros_like", "ones_like", "broadcast_axes", "repeat", "pad",
           "swapaxes", "split", "slice", "slice_axis", "slice_like", "take", "one_hot", "pick",
           "sort", "topk", "argsort", "argmax", "argmax_channel", "argmin", "clip", "abs",
           "sign", "shape_array", "size_array", "tile", "transpose",
           "flip", "depth_to_space", "space_to_depth", "diag", "sum", "nansum", "prod",
           "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix", "floor", "ceil",
           "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees", "radians",
           "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log",
           "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal",
           "relu", "sigmoid", "softmax", "log_softmax", "softmin",
           "broadcast_like")


def _fluent_call(fname, *args, **kwargs):
    from ._imperative import FUNCTIONS
    function = FUNCTIONS.get(fname)
    if function is None:
        raise MXNetError("MXNetError: operator %s is not available in symnb yet" % fname)
    return function(*args, **kwargs)


def _make_fluent(fname):
    def method(self, *args, **kwargs):
        return _fluent_call(fname, self, *args, **kwargs)
    method.__name__ = fname
    method.__qualname__ = "NDArray." + fname
    method.__doc__ = fluent_doc(fname, False)
    return method


for _f in _FLUENT:
    setattr(NDArray, _f, _make_fluent(_f))
