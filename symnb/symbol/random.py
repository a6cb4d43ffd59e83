"""``mx.sym.random``: sampling helpers, plus the operators MXNet places here (filled at import).

``uniform``/``normal`` with scalar parameters build ``_random_uniform``/``_random_normal``
nodes, as MXNet's helpers do.
"""
from __future__ import annotations

from ..base import _Null

__all__ = ["uniform", "normal", "exponential", "gamma", "poisson", "negative_binomial",
           "generalized_negative_binomial", "randint"]


def _helper(op_name, sample_name, params, shape, dtype, kwargs):
    from . import _internal
    from .symbol import Symbol
    if any(isinstance(v, Symbol) for v in params.values()):
        raise TypeError("Symbol distribution parameters need the %s operator, which symnb does "
                        "not have yet; pass scalars" % sample_name)
    return getattr(_internal, op_name)(shape=shape, dtype=dtype, **params, **kwargs)


def uniform(low=0, high=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing from the uniform distribution on ``[low, high)``.

    >>> import symnb as mx
    >>> u = mx.sym.random.uniform(0, 1, shape=(2,))
    >>> u.list_outputs(), u.attr_dict()['_random_uniform0']['high']
    (['_random_uniform0_output'], '1')
    """
    return _helper("_random_uniform", "_sample_uniform", {"low": low, "high": high}, shape,
                   dtype, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing from the normal distribution with mean ``loc`` and std ``scale``.

    >>> import symnb as mx
    >>> mx.sym.random.normal(shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _helper("_random_normal", "_sample_normal", {"loc": loc, "scale": scale}, shape,
                   dtype, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing from the exponential distribution with mean ``scale``.

    >>> import symnb as mx
    >>> mx.sym.random.exponential(2, shape=(3,)).infer_shape()[1]
    [(3,)]
    """
    return _helper("_random_exponential", "_sample_exponential", {"lam": 1.0 / scale}, shape,
                   dtype, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing from the gamma distribution (shape ``alpha``, scale ``beta``).

    >>> import symnb as mx
    >>> mx.sym.random.gamma(2, 3, shape=(2,)).list_outputs()
    ['_random_gamma0_output']
    """
    return _helper("_random_gamma", "_sample_gamma", {"alpha": alpha, "beta": beta}, shape,
                   dtype, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing from the Poisson distribution with rate ``lam``.

    >>> import symnb as mx
    >>> mx.sym.random.poisson(4, shape=(2,)).infer_type()[1]
    [<class 'numpy.float32'>]
    """
    return _helper("_random_poisson", "_sample_poisson", {"lam": lam}, shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing failures before ``k`` successes (success probability ``p``).

    >>> import symnb as mx
    >>> mx.sym.random.negative_binomial(3, 0.5, shape=(2,)).infer_shape()[1]
    [(2,)]
    """
    return _helper("_random_negative_binomial", "_sample_negative_binomial",
                   {"k": k, "p": p}, shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing a negative binomial with mean ``mu`` and dispersion ``alpha``.

    >>> import symnb as mx
    >>> mx.sym.random.generalized_negative_binomial(2, 0.5, shape=(2,)).infer_shape()[1]
    [(2,)]
    """
    return _helper("_random_generalized_negative_binomial",
                   "_sample_generalized_negative_binomial", {"mu": mu, "alpha": alpha}, shape,
                   dtype, kwargs)


def randint(low, high, shape=_Null, dtype=_Null, **kwargs):
    """A symbol drawing integers uniformly from ``[low, high)``.

    >>> import symnb as mx
    >>> mx.sym.random.randint(0, 5, shape=(2,)).infer_type()[1]
    [<class 'numpy.int32'>]
    """
    return _helper("_random_randint", None, {"low": low, "high": high}, shape, dtype, kwargs)
