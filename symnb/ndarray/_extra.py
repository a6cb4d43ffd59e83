"""MXNet's ``mxnet.ndarray.ndarray`` helpers over the operators of ``ops/misc_extra``:
``histogram`` (bins as a count or an array) and the deprecated ``onehot_encode``."""
from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = ["histogram", "onehot_encode"]


def histogram(a, bins=10, range=None):  # noqa: A002 -- MXNet's signature
    """Histogram of the flattened ``a``: ``bins`` equal bins over ``range``, or the bins
    whose edges are the NDArray ``bins``. Returns ``(counts, edges)``.

    Without ``range`` a count of bins is computed by NumPy (as MXNet does, with a warning).

    >>> import symnb as mx
    >>> counts, edges = mx.nd.histogram(mx.nd.array([0, 1, 5, 6, 3, 3]),
    ...                                 bins=mx.nd.array([0., 3., 6.]))
    >>> counts.asnumpy().tolist()
    [2, 4]
    """
    from . import array
    from ._imperative import FUNCTIONS
    from .ndarray import NDArray
    if isinstance(bins, NDArray):
        return FUNCTIONS["_histogram"](data=a, bins=bins)
    if isinstance(bins, numbers.Integral) and not isinstance(bins, bool):
        if range is None:
            warnings.warn("range is not specified, using numpy's result to ensure consistency "
                          "with numpy", stacklevel=2)
            res, bin_bounds = np.histogram(a.asnumpy(), bins=bins)
            return array(res), array(bin_bounds)
        return FUNCTIONS["_histogram"](data=a, bin_cnt=bins, range=range)
    raise ValueError("bins argument should be either an integer or an NDArray")


def onehot_encode(indices, out):
    """One-hot rows of ``indices`` written into the float32 matrix ``out`` (deprecated in
    MXNet: use ``one_hot``).

    >>> import symnb as mx
    >>> out = mx.nd.zeros((2, 3))
    >>> mx.nd.onehot_encode(mx.nd.array([1, 0]), out).asnumpy()
    array([[0., 1., 0.],
           [1., 0., 0.]], dtype=float32)
    """
    from ._imperative import FUNCTIONS
    return FUNCTIONS["_onehot_encode"](indices, out, out=out)
