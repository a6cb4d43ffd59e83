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

__all__ = ["uniform", "normal", "randn", "exponential", "gamma", "poisson", "negative_binomial",
           "generalized_negative_binomial", "randint"]


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


def _draw(op_name, params, shape, dtype, ctx, out, kwargs):
    """MXNet's ``_random_helper`` for scalar parameters: the ``_random_*`` operator."""
    from . import _internal
    if any(isinstance(v, NDArray) for v in params.values()):
        raise TypeError("NDArray distribution parameters need the _sample_%s operator, which "
                        "symnb does not have yet; pass scalars" % op_name[len("_random_"):])
    ctx = current_context() if ctx is None else ctx
    if shape is _Null and out is None:
        shape = 1
    return getattr(_internal, op_name)(shape=shape, dtype=dtype, ctx=ctx, out=out, **params,
                                       **kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with mean ``scale`` (rate ``1/scale``).

    >>> import symnb as mx
    >>> mx.nd.random.exponential(2, shape=(3,)).shape
    (3,)
    """
    return _draw("_random_exponential", {"lam": 1.0 / scale}, shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``.

    >>> import symnb as mx
    >>> mx.nd.random.gamma(2, 3, shape=(2, 2)).shape
    (2, 2)
    """
    return _draw("_random_gamma", {"alpha": alpha, "beta": beta}, shape, dtype, ctx, out,
                 kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from the Poisson distribution with rate ``lam`` (as floats, like MXNet).

    >>> import symnb as mx
    >>> mx.nd.random.poisson(4, shape=(2,)).dtype
    <class 'numpy.float32'>
    """
    return _draw("_random_poisson", {"lam": lam}, shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples the failures before ``k`` successes with success probability ``p``.

    >>> import symnb as mx
    >>> mx.nd.random.negative_binomial(3, 0.5, shape=(2,)).shape
    (2,)
    """
    return _draw("_random_negative_binomial", {"k": k, "p": p}, shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    """Samples a negative binomial with mean ``mu`` and dispersion ``alpha``.

    >>> import symnb as mx
    >>> mx.nd.random.generalized_negative_binomial(2, 0.5, shape=(2,)).shape
    (2,)
    """
    return _draw("_random_generalized_negative_binomial", {"mu": mu, "alpha": alpha}, shape,
                 dtype, ctx, out, kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples integers uniformly from ``[low, high)`` (int32 unless ``dtype='int64'``).

    >>> import symnb as mx
    >>> x = mx.nd.random.randint(-10, 10, shape=(50,)).asnumpy()
    >>> x.dtype, bool((x >= -10).all() and (x < 10).all())
    (dtype('int32'), True)
    """
    return _draw("_random_randint", {"low": low, "high": high}, shape, dtype, ctx, out, kwargs)
