"""``mx.nd.random``: sampling helpers, plus the generated ``_random_*_like`` operators.

Samples come from the backend's generator (``rt.random_uniform`` / ``rt.random_normal``), the
same one Dropout uses, so ``mx.random.seed`` makes both reproducible.
"""
from __future__ import annotations

import numpy as np

from .._writes import wrote
from ..backends import get_backend
from ..base import _Null
from ..context import current_context
from .ndarray import NDArray

__all__ = ["uniform", "normal"]


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
        wrote(out._data)
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


def _operator(dist, params, names, shape, dtype, ctx, out, kwargs):
    """``_random_<dist>`` for scalar parameters, ``_sample_<dist>`` for NDArray ones, as
    MXNet's ``_random_helper`` dispatches."""
    from ._imperative import FUNCTIONS
    if any(isinstance(v, NDArray) for v in params):
        return FUNCTIONS["_sample_" + dist](*params, shape=shape, dtype=dtype, out=out,
                                            **kwargs)
    shape = (1,) if shape is _Null or shape is None else shape
    ctx = current_context() if ctx is None else ctx
    return FUNCTIONS["_random_" + dist](shape=shape, dtype=dtype, ctx=ctx, out=out,
                                        **dict(zip(names, params)), **kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the Poisson distribution with rate ``lam``.

    >>> import symnb as mx
    >>> mx.nd.random.poisson(4, shape=(3,)).shape
    (3,)
    """
    return _operator("poisson", [lam], ["lam"], shape, dtype, ctx, out, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with mean ``scale`` (rate ``1/scale``).

    >>> import symnb as mx
    >>> bool((mx.nd.random.exponential(2, shape=(5,)).asnumpy() >= 0).all())
    True
    """
    return _operator("exponential", [1.0 / scale], ["lam"], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``.

    >>> import symnb as mx
    >>> mx.nd.random.gamma(2, 3, shape=(2, 2)).shape
    (2, 2)
    """
    return _operator("gamma", [alpha, beta], ["alpha", "beta"], shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples the failures before ``k`` successes of probability ``p``.

    >>> import symnb as mx
    >>> mx.nd.random.negative_binomial(3, 0.5, shape=(4,)).shape
    (4,)
    """
    return _operator("negative_binomial", [k, p], ["k", "p"], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    """Samples from the negative binomial with mean ``mu`` and dispersion ``alpha``.

    >>> import symnb as mx
    >>> mx.nd.random.generalized_negative_binomial(2, 0.5, shape=(4,)).shape
    (4,)
    """
    return _operator("generalized_negative_binomial", [mu, alpha], ["mu", "alpha"], shape,
                     dtype, ctx, out, kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Integers drawn uniformly from ``[low, high)`` (int32 unless ``dtype``).

    >>> import symnb as mx
    >>> mx.nd.random.randint(0, 3, shape=(4,)).dtype
    <class 'numpy.int32'>
    """
    return _operator("randint", [low, high], ["low", "high"], shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of the shape given positionally (``loc``/``scale`` by keyword).

    >>> import symnb as mx
    >>> mx.nd.random.randn(2, 3).shape
    (2, 3)
    """
    loc, scale = kwargs.pop("loc", 0), kwargs.pop("scale", 1)
    return normal(loc, scale, shape=shape or (1,), **kwargs)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from the probabilities on the last axis of ``data``.

    >>> import symnb as mx
    >>> mx.nd.random.multinomial(mx.nd.array([0.0, 1.0]), shape=(2,)).asnumpy()
    array([1, 1], dtype=int32)
    """
    from ._imperative import FUNCTIONS
    return FUNCTIONS["_sample_multinomial"](data, shape=shape, get_prob=get_prob, out=out,
                                            dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """``data`` with its first axis randomly permuted.

    >>> import symnb as mx
    >>> mx.nd.random.shuffle(mx.nd.array([[1, 2], [3, 4]])).shape
    (2, 2)
    """
    from ._imperative import FUNCTIONS
    return FUNCTIONS["_shuffle"](data, **kwargs)


__all__ += ["poisson", "exponential", "gamma", "negative_binomial",
            "generalized_negative_binomial", "randint", "randn", "multinomial", "shuffle"]
