"""Python-level helpers of ``mx.sym`` that are not operators themselves (spec symbol.md 3, 7.1).

They accept a scalar on either side and pick the symbol/symbol or symbol/scalar operator.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..base import MXNetError
from ._create import create

__all__ = ["pow", "power", "maximum", "minimum", "hypot", "zeros", "ones", "full", "arange",
           "eye", "linspace", "histogram", "split_v2"]


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
    """Identity-like matrix (op ``_eye``): ones on the ``k``-th diagonal of an N x M matrix.

    Raises MXNetError while the ``_eye`` operator is not registered.

    >>> import symnb as mx
    >>> mx.sym.eye.__name__
    'eye'
    """
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    return _creation("_eye", "_eye", name, attr,
                     dict(kwargs, N=N, M=M, k=k, dtype=np.float32 if dtype is None else dtype))


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    """``num`` evenly spaced values over ``[start, stop]`` (op ``_linspace``).

    Raises MXNetError while the ``_linspace`` operator is not registered.

    >>> import symnb as mx
    >>> mx.sym.linspace.__name__
    'linspace'
    """
    return _creation("_linspace", "_linspace", name, None,
                     dict(start=start, stop=stop, num=num, endpoint=endpoint,
                          dtype=np.float32 if dtype is None else dtype))


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002  -- MXNet's signature
    """Histogram of ``a`` (op ``_histogram``): ``bins`` is a count (then ``range`` is
    required) or a Symbol of bin edges.

    >>> import symnb as mx
    >>> try:
    ...     mx.sym.histogram(mx.sym.var('a'), bins=4)
    ... except ValueError as e:
    ...     print(e)
    null range is not supported in symbol mode
    """
    from .symbol import Symbol
    name, attr = kwargs.pop("name", None), kwargs.pop("attr", None)
    if isinstance(bins, Symbol):
        return create(_op("_histogram"), "_histogram", (a, bins), kwargs, name, attr)
    if isinstance(bins, (int, np.integer)):
        if range is None:
            raise ValueError("null range is not supported in symbol mode")
        return create(_op("_histogram"), "_histogram", (a,),
                      dict(kwargs, bin_cnt=bins, range=range), name, attr)
    raise ValueError("bins argument should be either an integer or an NDArray")


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split along ``axis`` into equal sections or at the given indices (op ``_split_v2``).

    >>> import symnb as mx
    >>> try:
    ...     mx.sym.split_v2(mx.sym.var('a'), [1, 2])
    ... except ValueError as e:
    ...     print(e)
    indices_or_sections must either int or tuple of ints
    """
    indices, sections = (), 0
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
    elif isinstance(indices_or_sections, tuple):
        indices = (0,) + tuple(indices_or_sections)
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return create(_op("_split_v2"), "_split_v2", (ary,),
                  dict(indices=indices, axis=axis, squeeze_axis=squeeze_axis,
                       sections=sections))
