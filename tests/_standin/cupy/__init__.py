"""A CPU stand-in for CuPy, so that symnb's ``mx.gpu()`` paths run in tests without a GPU.

It is test code, never shipped. The tests put ``tests/_standin`` on ``sys.path`` when
``SYMNB_CUPY_STANDIN=1`` (``tests/conftest.py``), and ``make test`` runs the gpu half of the
cpu/gpu tests through it. It checks what real CuPy would refuse, and it is no substitute for
a run on a GPU (``benchmarks/gpu_check.sh``):

- Device arrays are their own type (``cupy.ndarray``), not NumPy arrays. NumPy refuses them
  (``np.asarray(x)`` raises CuPy's own TypeError), and CuPy's functions and ufuncs refuse
  NumPy arrays and Python lists as operands ("Unsupported type"), as real CuPy does. Only the
  creation functions (``asarray``, ``array``, ...), ``__setitem__`` and ``set`` take host data.
- NumPy's functions and ufuncs called on device arrays go to the CuPy function of the same
  name, as CuPy's ``__array_function__``/``__array_ufunc__`` do, and fail where CuPy has no
  such function.
- Only names that CuPy 14.2 has exist, and only the keyword arguments its signatures take
  (``cupy_names.json``, read off the real package with :mod:`inspect`). A function NumPy has
  and CuPy lacks, or a NumPy-only keyword (``initial=``, ``where=`` of ``sum``), raises.
- Reductions and integer indexing give 0-d device arrays, not scalars.

The arithmetic itself is NumPy's, on the host. What it does not model: CuPy's wrap-around
of out-of-range integer indices (NumPy raises), its float-to-int casts, streams and kernels.
"""
from __future__ import annotations

import builtins
import json
import pathlib
import sys
import types

import numpy

_this = sys.modules[__name__]
_NAMES = json.loads(pathlib.Path(__file__).parent.with_name("cupy_names.json").read_text())
__version__ = "14.2.0"
__standin__ = True          # benchmarks/run_all.py records no figures from a stand-in run

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
             "construct a NumPy array explicitly.")


def _unsupported(x):
    return TypeError("Unsupported type %s" % type(x))


# ----------------------------------------------------------------------------- conversion
def _is_scalar(x):
    return isinstance(x, (bool, int, float, complex, numpy.generic))


def _unwrap(x, host_ok=False):
    """Device arrays to their NumPy storage, recursively through lists, tuples and dicts.
    A NumPy array (other than 0-d in an index) raises unless ``host_ok``."""
    if type(x) is ndarray:
        return x._a
    if isinstance(x, numpy.ndarray):
        if host_ok:
            return x
        raise _unsupported(x)
    if isinstance(x, (list, tuple)):
        items = [_unwrap(v, host_ok) for v in x]
        return type(x)(items) if type(x) in (list, tuple) else type(x)(*items)
    if isinstance(x, dict):
        return {k: _unwrap(v, host_ok) for k, v in x.items()}
    return x


def _wrap(r):
    if isinstance(r, numpy.ndarray):
        return ndarray._of(r)
    if isinstance(r, numpy.generic):
        return ndarray._of(numpy.asarray(r))
    if isinstance(r, tuple):
        return tuple(_wrap(v) for v in r)
    if isinstance(r, list):
        return [_wrap(v) for v in r]
    return r


def _operand(x):
    """A ufunc operand: a device array or a scalar (CuPy refuses NumPy arrays and lists)."""
    if type(x) is ndarray:
        return x._a
    if _is_scalar(x):
        return x
    raise _unsupported(x)


def _check_keywords(where, params, kwargs):
    if params is None or builtins.any(p.startswith("**") for p in params):
        return
    for k in kwargs:
        if k not in params:
            raise TypeError("%s() got an unexpected keyword argument '%s' (CuPy 14 has no "
                            "such argument)" % (where, k))


# ----------------------------------------------------------------------------- ufuncs
class ufunc:
    """A CuPy ufunc: device arrays and scalars in, device arrays out."""

    def __init__(self, name, np_ufunc, methods):
        self.__name__ = self.name = name
        self._f = np_ufunc
        self._methods = set(methods)
        self.nin, self.nout = np_ufunc.nin, np_ufunc.nout
        self.nargs = np_ufunc.nargs
        self.types = np_ufunc.types

    def __repr__(self):
        return "<ufunc '%s'>" % self.name

    def _out(self, kwargs):
        out = kwargs.get("out")
        if out is None:
            return
        if isinstance(out, tuple):
            kwargs["out"] = tuple(_operand(o) for o in out)
        elif type(out) is ndarray:
            kwargs["out"] = out._a
        else:
            raise TypeError("Output argument must be a cupy.ndarray, not %s" % type(out))

    def __call__(self, *args, **kwargs):
        _check_keywords(self.name, ["out", "dtype", "casting", "order", "where"], kwargs)
        if len(args) > self.nin:                    # outputs given positionally
            kwargs["out"] = args[self.nin:] if self.nout > 1 else args[self.nin]
            args = args[:self.nin]
        self._out(kwargs)
        return _wrap(self._f(*(_operand(a) for a in args), **kwargs))

    def _method(self, name):
        if name not in self._methods:
            raise AttributeError("'cupy.ufunc' object has no attribute '%s'" % name)
        return getattr(self._f, name)

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False):
        kw = {"out": out}
        self._out(kw)
        return _wrap(self._method("reduce")(_operand(array), axis=axis, dtype=dtype,
                                            out=kw["out"], keepdims=keepdims))

    def accumulate(self, array, axis=0, dtype=None, out=None):
        kw = {"out": out}
        self._out(kw)
        return _wrap(self._method("accumulate")(_operand(array), axis=axis, dtype=dtype,
                                                out=kw["out"]))

    def reduceat(self, array, indices, axis=0, dtype=None, out=None):
        kw = {"out": out}
        self._out(kw)
        return _wrap(self._method("reduceat")(_operand(array), _operand(indices), axis=axis,
                                              dtype=dtype, out=kw["out"]))

    def outer(self, a, b, **kwargs):
        self._out(kwargs)
        return _wrap(self._method("outer")(_operand(a), _operand(b), **kwargs))

    def at(self, a, indices, b=None):
        f = self._method("at")
        idx = _unwrap(indices)
        if b is None:
            f(_operand(a), idx)
        else:
            f(_operand(a), idx, _operand(b))


# ----------------------------------------------------------------------------- functions
# functions that take host data (NumPy arrays, lists) and make device arrays of it
_FROM_HOST = {"array", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray",
              "fromiter", "frombuffer", "fromstring", "asnumpy", "get_array_module",
              "from_dlpack", "fromDlpack", "isscalar", "ndim", "shape", "size", "result_type",
              "can_cast", "min_scalar_type", "promote_types", "dtype", "iinfo", "finfo",
              "issubdtype", "common_type", "binary_repr", "base_repr"}


def _function(qualname, name, np_func, params):
    host_ok = name in _FROM_HOST

    def f(*args, **kwargs):
        _check_keywords(qualname, params, kwargs)
        return _wrap(np_func(*_unwrap(args, host_ok), **_unwrap(kwargs, host_ok)))

    f.__name__ = name
    f.__qualname__ = qualname
    f.__module__ = qualname.rsplit(".", 1)[0]
    return f


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    """Host copy of a device array (anything else through ``numpy.asarray``)."""
    if type(a) is ndarray:
        return a.get(order=order, out=out)
    return numpy.asarray(a, order=order)


def get_array_module(*args):
    return _this if builtins.any(type(a) is ndarray for a in args) else numpy


def from_dlpack(x):
    if type(x) is ndarray:
        return x
    device = x.__dlpack_device__() if hasattr(x, "__dlpack_device__") else (1, 0)
    if device[0] != 2:
        raise RuntimeError("CuPy only supports importing DLPack tensors on CUDA devices "
                           "(got device type %d)" % device[0])
    return _wrap(numpy.from_dlpack(x))


def _asarray(a, dtype=None, order=None, *, blocking=False):
    if type(a) is ndarray:
        return a if dtype is None or a.dtype == dtype else a.astype(dtype)
    return ndarray._of(numpy.array(_unwrap(a, True), dtype=dtype, order=order or "K"))


def _array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    a = numpy.array(_unwrap(obj, True), dtype=dtype, copy=True if copy else None,
                    order=order, ndmin=ndmin)
    return ndarray._of(a)


_OVERRIDES = {"asnumpy": asnumpy, "get_array_module": get_array_module,
              "from_dlpack": from_dlpack, "fromDlpack": from_dlpack, "asarray": _asarray,
              "asanyarray": _asarray, "array": _array}


# ----------------------------------------------------------------------------- ndarray
_COMPARISONS = ("greater", "greater_equal", "less", "less_equal", "equal", "not_equal")

class _Flags:
    def __init__(self, a):
        self.c_contiguous = a.flags.c_contiguous
        self.f_contiguous = a.flags.f_contiguous
        self.owndata = a.flags.owndata

    def __getitem__(self, name):
        return getattr(self, name.lower())


class _MemoryPointer:
    def __init__(self, a):
        self.ptr = a.ctypes.data
        self.device_id = 0
        self.mem = a


def _method(name, params):
    def m(self, *args, **kwargs):
        _check_keywords("cupy.ndarray." + name, params, kwargs)
        return _wrap(getattr(self._a, name)(*_unwrap(args), **_unwrap(kwargs)))
    m.__name__ = name
    return m


class ndarray:
    """A device array: NumPy storage behind CuPy's interface."""

    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100
    __hash__ = None

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = numpy.empty(shape, dtype, order=order)

    @classmethod
    def _of(cls, a):
        obj = object.__new__(cls)
        obj._a = a
        return obj

    # --- what NumPy sees
    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def __array_ufunc__(self, np_ufunc, method, *inputs, **kwargs):
        for x in inputs + tuple(kwargs.get("out", ())):
            if not (type(x) is ndarray or _is_scalar(x) or isinstance(x, numpy.ndarray)):
                return NotImplemented
        f = getattr(_this, np_ufunc.__name__, None)
        if not isinstance(f, ufunc):
            return NotImplemented
        if np_ufunc.__name__ in _COMPARISONS:       # numpy/numpy#12142, as CuPy does
            inputs = tuple(x.item() if isinstance(x, numpy.ndarray) and x.shape == () else x
                           for x in inputs)
        return f(*inputs, **kwargs) if method == "__call__" else getattr(f, method)(*inputs,
                                                                                    **kwargs)

    def __array_function__(self, func, types_, args, kwargs):
        module = _this
        for part in func.__module__.split(".")[1:]:
            module = getattr(module, part, None)
            if module is None:
                return NotImplemented
        f = getattr(module, func.__name__, None)
        handled = (ndarray, numpy.ndarray)
        if f is None or f is func or builtins.any(t not in handled for t in types_):
            return NotImplemented
        return f(*args, **kwargs)

    # --- attributes
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: _Flags(self._a))
    data = property(lambda self: _MemoryPointer(self._a))
    device = property(lambda self: cuda.Device(0))
    base = property(lambda self: None if self._a.base is None else ndarray._of(self._a.base))
    T = property(lambda self: ndarray._of(self._a.T))
    mT = property(lambda self: ndarray._of(self._a.mT))

    @property
    def real(self):
        return ndarray._of(self._a.real)

    @property
    def imag(self):
        return ndarray._of(self._a.imag)

    @property
    def __cuda_array_interface__(self):
        face = dict(self._a.__array_interface__)
        face["version"] = 3
        face.pop("descr", None)
        return face

    def __dlpack_device__(self):
        return (2, 0)                         # kDLCUDA, device 0

    def __dlpack__(self, stream=None, **kwargs):
        return self._a.__dlpack__()

    def toDlpack(self):  # noqa: N802 -- CuPy's name
        return self._a.__dlpack__()

    # --- host transfers
    def get(self, stream=None, order="C", out=None, blocking=True):
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order)

    def set(self, arr, stream=None):
        if not isinstance(arr, numpy.ndarray):
            raise TypeError("Only numpy.ndarray can be set to cupy.ndarray")
        if arr.shape != self._a.shape:
            raise ValueError("Shape mismatch. Old shape: %s, new shape: %s"
                             % (self._a.shape, arr.shape))
        self._a[...] = arr

    def item(self):
        return self._a.item()

    def tolist(self):
        return self._a.tolist()

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec)

    # --- Python protocols
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (ndarray._of(self._a[i]) for i in range(len(self._a)))

    def __bool__(self):
        return builtins.bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __complex__(self):
        return complex(self._a)

    def __index__(self):
        if self._a.ndim != 0 or self._a.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self._a)

    def __copy__(self):
        return ndarray._of(self._a.copy())

    def __deepcopy__(self, memo):
        return ndarray._of(self._a.copy())

    def __reduce__(self):
        return (_asarray, (self._a.copy(),))

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index, True)])

    def __setitem__(self, index, value):
        # CuPy's _scatter_op: with basic indices only (ints, slices, None, ...) a value that
        # is not a device array goes to fill(), which takes scalars and 0-d NumPy arrays
        # only ("non-scalar numpy.ndarray cannot be used for fill"); advanced indices
        # convert the value to the device
        if type(value) is not ndarray and not _advanced(index):
            value = _fill_value(value)
        self._a[_unwrap(index, True)] = _unwrap(value, True)

    def fill(self, value):
        self._a.fill(_fill_value(value))


def _fill_value(value):
    """What CuPy's fill() takes: a scalar or a 0-d NumPy array."""
    if isinstance(value, numpy.ndarray):
        if value.shape != ():
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        return value.item()
    if not _is_scalar(value):
        raise _unsupported(value)
    return value


def _advanced(index):
    """Whether an index holds an array-like part (CuPy's _prepare_slice_list)."""
    parts = index if isinstance(index, tuple) else (index,)
    return builtins.any(not (p is None or p is Ellipsis or isinstance(p, slice)
                             or (numpy.isscalar(p) and not isinstance(p, (bool, numpy.bool_))))
                        for p in parts)


def _binary(name, reflected=False):
    def op(self, other):
        if not (type(other) is ndarray or _is_scalar(other) or isinstance(other, numpy.ndarray)):
            return NotImplemented
        f = getattr(_this, name)
        return f(other, self) if reflected else f(self, other)
    return op


def _inplace(name):
    def op(self, other):
        getattr(_this, name)(self, other, out=self)
        return self
    return op


for _dunder, _uf in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"),
                     ("truediv", "true_divide"), ("floordiv", "floor_divide"),
                     ("mod", "remainder"), ("pow", "power"), ("matmul", "matmul"),
                     ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                     ("lshift", "left_shift"), ("rshift", "right_shift")]:
    setattr(ndarray, "__%s__" % _dunder, _binary(_uf))
    setattr(ndarray, "__r%s__" % _dunder, _binary(_uf, reflected=True))
    setattr(ndarray, "__i%s__" % _dunder, _inplace(_uf))
for _dunder, _uf in [("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                     ("ge", "greater_equal"), ("eq", "equal"), ("ne", "not_equal")]:
    setattr(ndarray, "__%s__" % _dunder, _binary(_uf))
for _dunder, _uf in [("neg", "negative"), ("pos", "positive"), ("abs", "absolute"),
                     ("invert", "invert")]:
    setattr(ndarray, "__%s__" % _dunder, (lambda uf: lambda self: getattr(_this, uf)(self))(_uf))
ndarray.__divmod__ = lambda self, other: (self // other, self % other)

for _name, _ent in _NAMES["cupy.ndarray"].items():
    if _ent["kind"] == "method" and not _name.startswith("__") and _name not in vars(ndarray):
        setattr(ndarray, _name, _method(_name, _ent.get("params")))
ndarray.__module__ = "cupy"


# ----------------------------------------------------------------------------- modules
def _populate(module, qualname, np_module):
    """Every name CuPy's ``qualname`` has, from NumPy's ``np_module`` (skipped where NumPy
    lacks it: those raise AttributeError here as they would not in CuPy, so a test that
    reaches one shows the gap)."""
    for name, ent in _NAMES[qualname].items():
        if name in vars(module) or ent["kind"] == "module":
            continue
        if name in _OVERRIDES and qualname == "cupy":
            setattr(module, name, _OVERRIDES[name])
            continue
        target = getattr(np_module, name, None)
        if target is None:
            continue
        if ent["kind"] == "ufunc" and isinstance(target, numpy.ufunc):
            setattr(module, name, ufunc(name, target, ent.get("methods", ())))
        elif ent["kind"] in ("class", "value") or not callable(target):
            setattr(module, name, target)
        else:
            setattr(module, name, _function("%s.%s" % (qualname, name), name, target,
                                            ent.get("params")))


_populate(_this, "cupy", numpy)


def _submodule(qualname, np_module):
    mod = types.ModuleType(qualname)
    sys.modules[qualname] = mod
    _populate(mod, qualname, np_module)
    return mod


linalg = _submodule("cupy.linalg", numpy.linalg)
fft = _submodule("cupy.fft", numpy.fft)
lib = types.ModuleType("cupy.lib")
sys.modules["cupy.lib"] = lib
lib.stride_tricks = _submodule("cupy.lib.stride_tricks", numpy.lib.stride_tricks)

from . import cuda, random  # noqa: E402,F401  -- after ndarray: they wrap results in it
