"""``mx.sym.random``: MXNet's sampling helpers, plus the operators MXNet places here (the
generated ``*_like`` functions, filled at import).

Each helper builds ``_random_<dist>`` for scalar parameters or ``_sample_<dist>`` for
Symbol ones, as MXNet's ``_random_helper`` does.
"""
from __future__ import annotations

from ..base import _Null

__all__ = ["uniform", "normal", "poisson", "exponential", "gamma", "negative_binomial",
           "generalized_negative_binomial", "randint", "randn", "multinomial", "shuffle"]


def _build(dist, params, names, shape, dtype, kwargs):
    from . import _internal
    from .symbol import Symbol
    if any(isinstance(v, Symbol) for v in params):
        return getattr(_internal, "_sample_" + dist)(*params, shape=shape, dtype=dtype,
                                                     **kwargs)
    return getattr(_internal, "_random_" + dist)(shape=shape, dtype=dtype,
                                                 **dict(zip(names, params)), **kwargs)


def uniform(low=0, high=1, shape=_Null, dtype=_Null, **kwargs):
    """Uniform samples on ``[low, high)``.

    >>> import symnb as mx
    >>> mx.sym.random.uniform(0, 1, shape=(2, 3)).infer_shape()[1]
    [(2, 3)]
    """
    return _build("uniform", [low, high], ["low", "high"], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Normal samples with mean ``loc`` and std ``scale``.

    >>> import symnb as mx
    >>> mu = mx.sym.var('mu')
    >>> mx.sym.random.normal(mu, mx.sym.var('s'), shape=(4,)).infer_shape(mu=(2,))[1]
    [(2, 4)]
    """
    return _build("normal", [loc, scale], ["loc", "scale"], shape, dtype, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, **kwargs):
    """Poisson samples with rate ``lam``.

    >>> import symnb as mx
    >>> mx.sym.random.poisson(2, shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _build("poisson", [lam], ["lam"], shape, dtype, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Exponential samples with mean ``scale``.

    >>> import symnb as mx
    >>> mx.sym.random.exponential(2, shape=(3,)).list_attr()['lam']
    '0.5'
    """
    return _build("exponential", [1.0 / scale], ["lam"], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, **kwargs):
    """Gamma samples with shape ``alpha`` and scale ``beta``.

    >>> import symnb as mx
    >>> mx.sym.random.gamma(2, 1, shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _build("gamma", [alpha, beta], ["alpha", "beta"], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, **kwargs):
    """Failures before ``k`` successes of probability ``p``.

    >>> import symnb as mx
    >>> mx.sym.random.negative_binomial(2, 0.5, shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _build("negative_binomial", [k, p], ["k", "p"], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, **kwargs):
    """Negative binomial samples with mean ``mu`` and dispersion ``alpha``.

    >>> import symnb as mx
    >>> mx.sym.random.generalized_negative_binomial(2, 1, shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _build("generalized_negative_binomial", [mu, alpha], ["mu", "alpha"], shape, dtype,
                  kwargs)


def randint(low, high, shape=_Null, dtype=_Null, **kwargs):
    """Integers drawn uniformly from ``[low, high)``.

    >>> import symnb as mx
    >>> mx.sym.random.randint(0, 5, shape=(3,)).infer_type()[1]
    [<class 'numpy.int32'>]
    """
    return _build("randint", [low, high], ["low", "high"], shape, dtype, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of the shape given positionally.

    >>> import symnb as mx
    >>> mx.sym.random.randn(2, 3).infer_shape()[1]
    [(2, 3)]
    """
    loc, scale = kwargs.pop("loc", 0), kwargs.pop("scale", 1)
    return normal(loc, scale, shape=shape, **kwargs)


def multinomial(data, shape=_Null, get_prob=False, dtype="int32", **kwargs):
    """Category indices drawn from the probabilities on the last axis of ``data``.

    >>> import symnb as mx
    >>> mx.sym.random.multinomial(mx.sym.var('p'), shape=(2,)).infer_shape(p=(3, 4))[1]
    [(3, 2)]
    """
    from . import _internal
    return _internal._sample_multinomial(data, shape=shape, get_prob=get_prob, dtype=dtype,
                                         **kwargs)


def shuffle(data, **kwargs):
    """``data`` with its first axis randomly permuted.

    >>> import symnb as mx
    >>> mx.sym.random.shuffle(mx.sym.var('x')).infer_shape(x=(3, 2))[1]
    [(3, 2)]
    """
    from . import _internal
    return _internal._shuffle(data, **kwargs)
