"""``cupyx`` of the CPU stand-in (see ``cupy/__init__.py``): scatter_add/max/min."""
from __future__ import annotations

import cupy as _cupy
import numpy

from . import scipy  # noqa: F401


def _scatter(f):
    def scatter(a, slices, value):
        if type(a) is not _cupy.ndarray:
            raise TypeError("cupyx.scatter_*: a must be a cupy.ndarray, not %s" % type(a))
        f.at(a._a, _cupy._unwrap(slices, True), _cupy._unwrap(value, True))
    return scatter


scatter_add = _scatter(numpy.add)
scatter_max = _scatter(numpy.maximum)
scatter_min = _scatter(numpy.minimum)
