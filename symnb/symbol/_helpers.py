"""Python-level helpers of ``mx.sym`` that are not operators themselves (spec symbol.md 3, 7.1).

They accept a scalar on either side and pick the symbol/symbol or symbol/scalar operator.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..base import MXNetError
from ._create import create

__all__ = ["pow", "power", "maximum", "minimum", "hypot", "zeros", "ones", "full", "arange",
           "eye"]


def _op(name):
    from ..ops import get_op
    op = get_op(name)
    if op is None:
        raise MXNetError("MXNetError: operator %s is not available in symnb" % name)
    return op


def _dispatch(left, right, pair, scalar, rscalar, py, hints):
    from .symbol import Symbol
    if isinstance(left, Symbol) and isinstance(right, Symbol):
        return create(_op(pair), hints[0], (left, right))
    if isinstance(left, Symbol) and isinstance(right, numbers.Number):
        return create(_op(scalar), hints[1], (left,), {"scalar": right})
    if isinstance(left, numbers.Number) and isinstance(right, Symbol):
        return create(_op(rscalar), hints[2], (right,), {"scalar": left})
    if isinstance(left, numbers.Number) and isinstance(right, numbers.Number):
        return py(left, right)
    raise TypeError("types (%s, %s) not supported" % (str(type(left)), str(type(right))))


def pow(base, exp):  # noqa: A001  -- MXNet's public name
    """``base ** exp`` with symbols or scalars on either side.

    >>> import symnb as mx
    >>> mx.sym.pow(2, 3), mx.sym.pow(2, mx.sym.var('a')).name
    (8, '_rpowerscalar0')
    """
    return _dispatch(base, exp, "_power", "_power_scalar", "_rpower_scalar", lambda a, b: a ** b,
                     ("_power", "_powerscalar", "_rpowerscalar"))


power = pow


def maximum(left, right):
    """Elementwise maximum.

    >>> import symnb as mx
    >>> mx.sym.maximum(2, 3.5), mx.sym.maximum(mx.sym.var('a'), 2).name
    (3.5, '_maximumscalar0')
    """
    return _dispatch(left, right, "_maximum", "_maximum_scalar", "_maximum_scalar",
                     lambda a, b: a if a > b else b,
                     ("_maximum", "_maximumscalar", "_maximumscalar"))


def minimum(left, right):
    """Elementwise minimum.

    >>> import symnb as mx
    >>> mx.sym.minimum(2, 3.5)
    2
    """
    return _dispatch(left, right, "_minimum", "_minimum_scalar", "_minimum_scalar",
                     lambda a, b: a if a < b else b,
                     ("_minimum", "_minimumscalar", "_minimumscalar"))


def hypot(left, right):
    """Elementwise ``sqrt(left**2 + right**2)``.

    >>> import symnb as mx
    >>> mx.sym.hypot(3, 4)
    5.0
    """
    return _dispatch(left, right, "_hypot", "_hypot_scalar", "_hypot_scalar",
                     lambda a, b: float(np.hypot(a, b)),
                     ("_hypot", "_hypotscalar", "_hypotscalar"))


def _creation(op_name, hint, name, attr, params):
    return create(_op(op_name), hint, (), params, name, attr)


def zeros(shape, dtype=None, **kwargs):
    """A constant symbol of zeros (op ``_zeros``, dtype float32 unless given).

    >>> import symnb as mx
    >>> mx.sym.zeros((2, 3)).infer_shape()[1]
    [(2, 3)]
    """
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _creation("_zeros", "_zeros", name, attr,
                     dict(kwargs, shape=shape, dtype=np.float32 if dtype is None else dtype))


def ones(shape, dtype=None, **kwargs):
    """A constant symbol of ones (op ``_ones``).

    >>> import symnb as mx
    >>> mx.sym.ones(4).infer_shape()[1]
    [(4,)]
    """
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _creation("_ones", "_ones", name, attr,
                     dict(kwargs, shape=shape, dtype=np.float32 if dtype is None else dtype))


def full(shape, val, dtype=None, **kwargs):
    """A constant symbol filled with ``val`` (op ``_full``).

    >>> import symnb as mx
    >>> mx.sym.full((2,), 3).list_attr()['value']
    '3.0'
    """
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _creation("_full", "_full", name, attr,
                     dict(kwargs, shape=shape, value=float(val),
                          dtype=np.float32 if dtype is None else dtype))


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values (op ``_arange``).

    >>> import symnb as mx
    >>> mx.sym.arange(5).infer_shape()[1]
    [(5,)]
    """
    return _creation("_arange", "_arange", name, None,
                     dict(start=start, stop=stop, step=step, repeat=repeat,
                          infer_range=infer_range,
                          dtype=np.float32 if dtype is None else dtype))


def eye(N, M=0, k=0, dtype=None, **kwargs):  # noqa: N803
    """Identity-like matrix (op ``_eye``; not among symnb's operators yet).

    >>> import symnb as mx
    >>> try:
    ...     mx.sym.eye(3)
    ... except mx.MXNetError as e:
    ...     print('_eye' in str(e))
    True
    """
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _creation("_eye", "_eye", name, attr,
                     dict(kwargs, N=N, M=M, k=k, dtype=np.float32 if dtype is None else dtype))
