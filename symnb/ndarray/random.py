"""``mx.nd.random``: sampling helpers, plus the generated ``_random_*_like`` operators.

Samples come from the backend's generator (``rt.random_uniform`` / ``rt.random_normal``), the
same one Dropout uses, so ``mx.random.seed`` makes both reproducible.
"""
from __future__ import annotations

import numpy as np

from ..backends import get_backend
from ..base import _Null
from ..context import current_context
from .ndarray import NDArray

__all__ = ["uniform", "normal", "randn"]


def _sample(kind, a, b, shape, dtype, ctx, out, kwargs):
    if isinstance(a, NDArray) or isinstance(b, NDArray):
        from ._imperative import FUNCTIONS
        function = FUNCTIONS.get("_sample_" + kind)
        if function is None:
            raise TypeError("NDArray distribution parameters need the _sample_%s operator, "
                            "which symnb does not have yet; pass scalars" % kind)
        return function(a, b, shape=shape, dtype=dtype, out=out, **kwargs)
    if kwargs:
        raise TypeError("%s() got unexpected keyword arguments %s" % (kind, sorted(kwargs)))
    if out is not None:
        shape, dtype, ctx = out.shape, out.dtype, out.context
    ctx = current_context() if ctx is None else ctx
    shape = (1,) if shape is _Null or shape is None else shape
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
    dtype = np.dtype(np.float32 if dtype is _Null or dtype is None else dtype)
    rt = get_backend(ctx)
    draw = rt.random_uniform if kind == "uniform" else rt.random_normal
    values = draw(float(a), float(b), shape, dtype)
    if out is not None:
        out._data[...] = values
        return out
    return NDArray(rt.xp.asarray(values), ctx)


def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low, high : float
        Bounds of the interval.
    shape : int or tuple, optional
        Output shape (``(1,)`` when not given).
    dtype : str or numpy dtype, optional
        float32 unless given.
    ctx : Context, optional
    out : NDArray, optional
        Filled in place (its shape, dtype and context win).

    >>> import symnb as mx
    >>> x = mx.nd.random.uniform(-1, 1, shape=(2, 3))
    >>> x.shape, bool((x.asnumpy() >= -1).all() and (x.asnumpy() < 1).all())
    ((2, 3), True)
    """
    return _sample("uniform", low, high, shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the normal distribution with mean ``loc`` and std ``scale``.

    >>> import symnb as mx
    >>> mx.nd.random.normal(0, 1, shape=(4,), dtype='float64').dtype
    <class 'numpy.float64'>
    """
    return _sample("normal", loc, scale, shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Samples from a normal distribution: ``randn(d0, d1, ..., loc=0, scale=1, dtype, ctx)``.

    >>> import symnb as mx
    >>> mx.nd.random.randn(2, 3).shape
    (2, 3)
    """
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", _Null)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    assert isinstance(loc, (int, float))
    assert isinstance(scale, (int, float))
    return _sample("normal", loc, scale, shape, dtype, ctx, out, kwargs)
