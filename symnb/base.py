"""Errors, small helpers and dtype codes shared by every layer (MXNet's ``mx.base``)."""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["MXNetError", "NotImplementedForSymbol", "integer_types", "numeric_types",
           "string_types", "mx_real_t", "py_str", "_as_list", "_Null"]


class MXNetError(RuntimeError):
    """The error MXNet's C++ core raises; a ``RuntimeError``.

    >>> issubclass(MXNetError, RuntimeError)
    True
    """


class NotImplementedForSymbol(MXNetError):
    """Raised by NDArray-only operations called on a Symbol.

    >>> print(NotImplementedForSymbol(len, None))
    Function len is not implemented for Symbol and only available in NDArray.
    """

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = "Function %s" % self.function
        if self.alias:
            msg += ' (namely operator "%s")' % self.alias
        if self.args:
            msg += " with arguments (%s)" % ", ".join(self.args)
        return msg + " is not implemented for Symbol and only available in NDArray."


class _NullType:
    """Marker for "argument not given" in generated operator signatures (MXNet's ``_Null``)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "_Null"

    def __bool__(self):
        return False


_Null = _NullType()

integer_types = (int, np.integer)
numeric_types = (float, int, np.generic)
string_types = (str,)
mx_real_t = np.float32


def py_str(x):
    """Decode bytes to str (MXNet's helper for C strings).

    >>> py_str(b'fc1_output')
    'fc1_output'
    """
    return x.decode("utf-8") if isinstance(x, bytes) else x


def _as_list(obj):
    """Wrap a non-list in a list.

    >>> _as_list(1), _as_list([1, 2])
    ([1], [1, 2])
    """
    if isinstance(obj, (list, tuple)):
        return list(obj)
    return [obj]


def _is_number(x):
    return isinstance(x, numbers.Number)


# MXNet's type flags (spec symbol.md 1.2, ndarray.md 9.3).
DTYPE_TO_CODE = {
    np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.float16): 2,
    np.dtype(np.uint8): 3, np.dtype(np.int32): 4, np.dtype(np.int8): 5,
    np.dtype(np.int64): 6, np.dtype(np.bool_): 7,
}
CODE_TO_DTYPE = {v: k for k, v in DTYPE_TO_CODE.items()}


def data_dir_default():
    """Default data directory, ``~/.mxnet`` (MXNet's; symnb stores nothing there itself).

    >>> data_dir_default().endswith('.mxnet')
    True
    """
    import os
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir():
    """``$MXNET_HOME`` or the default data directory.

    >>> isinstance(data_dir(), str)
    True
    """
    import os
    return os.getenv("MXNET_HOME", data_dir_default())
