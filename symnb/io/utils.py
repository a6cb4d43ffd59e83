"""Helpers shared by the data iterators (MXNet's ``mx.io.utils``)."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..ndarray import NDArray, array

__all__ = []


def _init_data(data, allow_empty, default_name):
    """Canonical form of iterator inputs: a name-sorted list of ``(name, NDArray)``.

    One array gets ``default_name``; a list of several gets ``_<i>_<default_name>``; a dict
    keeps its keys. Like MXNet, the pairs are sorted by name.

    >>> import numpy as np
    >>> [k for k, _ in _init_data([np.zeros(2), np.ones(2)], False, 'data')]
    ['_0_data', '_1_data']
    """
    assert (data is not None) or allow_empty
    if data is None:
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([("_%d_%s" % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, h5py.Dataset " +
                        "a list of them or dict with them as values")
    converted = OrderedDict()
    for key, value in data.items():
        if not isinstance(value, NDArray):
            try:
                value = array(value)
            except Exception:  # MXNet turns any conversion failure into this TypeError
                raise TypeError(("Invalid type '%s' for %s, " % (type(value), key)) +
                                "should be NDArray, numpy.ndarray or h5py.Dataset") from None
        converted[key] = value
    return list(sorted(converted.items()))


def _has_instance(data, dtype):
    """Whether any array of an ``_init_data`` list is an instance of ``dtype``.

    >>> import symnb as mx
    >>> _has_instance([('data', mx.nd.ones(1))], mx.nd.NDArray)
    True
    """
    return any(isinstance(arr, dtype) for _, arr in data)


def _getdata_by_idx(data, idx):
    """The ``(name, array)`` pairs with their rows taken in the order ``idx``.

    >>> import symnb as mx, numpy as np
    >>> _getdata_by_idx([('d', mx.nd.array([1, 2, 3]))], np.array([2, 0, 1]))[0][1].asnumpy()
    array([3., 1., 2.], dtype=float32)
    """
    # MXNet rebuilds each array with mx.nd.array(numpy, ctx): shuffled data becomes float32
    return [(key, array(value.asnumpy()[idx], value.context))
            for key, value in data]
