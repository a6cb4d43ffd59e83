"""``mx.nd.contrib``: the ``_contrib_*`` operators, prefix stripped (generated at import),
and MXNet's Python-level contrib helpers built from registered operators."""
from __future__ import annotations

import numpy as np

__all__ = ["isinf", "isfinite", "isnan"]


def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0 (MXNet: ``abs(data) == inf``).

    >>> import symnb as mx
    >>> mx.nd.contrib.isinf(mx.nd.array([np.inf, -np.inf, np.nan, 1])).asnumpy()
    array([1., 1., 0., 0.], dtype=float32)
    """
    return data.abs() == np.inf


def isfinite(data):
    """1 where ``data`` is neither inf nor nan, else 0.

    >>> import symnb as mx
    >>> mx.nd.contrib.isfinite(mx.nd.array([np.inf, -np.inf, np.nan, 1])).asnumpy()
    array([0., 0., 0., 1.], dtype=float32)
    """
    # nan is the one value unequal to itself
    return (data.abs() != np.inf) * (data == data)


def isnan(data):
    """1 where ``data`` is nan, else 0.

    >>> import symnb as mx
    >>> mx.nd.contrib.isnan(mx.nd.array([np.inf, np.nan, 1])).asnumpy()
    array([0., 1., 0.], dtype=float32)
    """
    return data != data
