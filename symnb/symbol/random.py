"""``mx.sym.random``: sampling helpers, plus the operators MXNet places here (filled at import).

``uniform``/``normal`` with scalar parameters build ``_random_uniform``/``_random_normal``
nodes, as MXNet's helpers do.
"""
from __future__ import annotations

from ..base import _Null

__all__ = ["uniform", "normal"]


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
