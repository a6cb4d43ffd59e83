"""``cupy.random`` of the CPU stand-in: NumPy's generators, results on the device."""
from __future__ import annotations

import numpy

import cupy as _cupy

_NAMES = _cupy._NAMES


class Generator:
    """``cupy.random.Generator``: only the methods CuPy's has, with its keyword arguments."""

    def __init__(self, seed=None):
        self._g = numpy.random.default_rng(seed)


def _drawing(where, name, params, source):
    """A CuPy draw: CuPy's keywords only, ``dtype`` applied, the result on the device;
    ``source(self_or_none)`` gives the NumPy generator to draw from."""
    def draw(*args, **kwargs):
        _cupy._check_keywords(where + name, params, kwargs)
        dtype = kwargs.pop("dtype", None)
        r = getattr(source(args), name)(*_cupy._unwrap(args[1:] if where.endswith("Generator.")
                                                       else args), **_cupy._unwrap(kwargs))
        if dtype is not None:
            r = numpy.asarray(r).astype(dtype)
        return _cupy._wrap(r)
    draw.__name__ = name
    return draw


for _name, _ent in _NAMES["cupy.random.Generator"].items():
    if hasattr(numpy.random.Generator, _name):
        setattr(Generator, _name, _drawing("cupy.random.Generator.", _name, _ent.get("params"),
                                           lambda args: args[0]._g))


def default_rng(seed=None):
    return Generator(seed)


_legacy = numpy.random.RandomState()


def seed(seed=None):
    _legacy.seed(seed)


for _name, _ent in _NAMES["cupy.random"].items():
    if _name not in globals() and _ent.get("kind") == "function" and hasattr(_legacy, _name):
        globals()[_name] = _drawing("cupy.random.", _name, _ent.get("params"),
                                    lambda args: _legacy)
