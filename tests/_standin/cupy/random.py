"""``cupy.random`` of the CPU stand-in: NumPy's generators, results on the device."""
from __future__ import annotations

import numpy

import cupy as _cupy

_NAMES = _cupy._NAMES


class Generator:
    """``cupy.random.Generator``: only the methods CuPy's has, with its keyword arguments."""

    def __init__(self, seed=None):
        self._g = numpy.random.default_rng(seed)


def _generator_method(name, params):
    def m(self, *args, **kwargs):
        _cupy._check_keywords("cupy.random.Generator." + name, params, kwargs)
        dtype = kwargs.pop("dtype", None)
        r = getattr(self._g, name)(*args, **kwargs)
        if dtype is not None:
            r = numpy.asarray(r).astype(dtype)
        return _cupy._wrap(r)
    m.__name__ = name
    return m


for _name, _ent in _NAMES["cupy.random.Generator"].items():
    if hasattr(numpy.random.Generator, _name):
        setattr(Generator, _name, _generator_method(_name, _ent.get("params")))


def default_rng(seed=None):
    return Generator(seed)


_legacy = numpy.random.RandomState()


def seed(seed=None):
    _legacy.seed(seed)


def _legacy_function(name, params):
    def f(*args, **kwargs):
        _cupy._check_keywords("cupy.random." + name, params, kwargs)
        dtype = kwargs.pop("dtype", None)
        r = getattr(_legacy, name)(*_cupy._unwrap(args), **_cupy._unwrap(kwargs))
        if dtype is not None:
            r = numpy.asarray(r).astype(dtype)
        return _cupy._wrap(r)
    f.__name__ = name
    return f


for _name, _ent in _NAMES["cupy.random"].items():
    if _name not in globals() and _ent.get("kind") == "function" and hasattr(_legacy, _name):
        globals()[_name] = _legacy_function(_name, _ent.get("params"))
