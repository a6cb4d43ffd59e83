"""``cupyx.scipy.special`` of the CPU stand-in: the functions symnb's backend calls, from
Python's :mod:`math` element by element (exact enough for tests)."""
from __future__ import annotations

import math

import cupy as _cupy
import numpy


def _special(f, pole):
    def safe(v):
        try:
            return f(v)
        except (ValueError, OverflowError):
            return pole(v)
    vec = numpy.vectorize(safe, otypes=[numpy.float64])

    def g(x):
        if type(x) is not _cupy.ndarray:
            raise TypeError("Unsupported type %s" % type(x))
        a = x._a
        out = vec(a).astype(a.dtype if a.dtype.kind == "f" else numpy.float64) if a.size \
            else a.astype(numpy.float64)
        return _cupy._wrap(numpy.asarray(out))
    return g


def _digamma(v):
    if v <= 0 and v == math.floor(v):
        return math.nan
    acc = 0.0
    if v < 0.5:
        return _digamma(1 - v) - math.pi / math.tan(math.pi * v)
    while v < 6:
        acc -= 1 / v
        v += 1
    inv = 1 / (v * v)
    return acc + math.log(v) - 0.5 / v - inv * (1 / 12 - inv * (1 / 120 - inv / 252))


def _erfinv(y):
    if y <= -1 or y >= 1:
        return math.copysign(math.inf, y) if abs(y) == 1 else math.nan
    x = 0.0
    for _ in range(60):                        # Newton's method on erf(x) - y
        x -= (math.erf(x) - y) / (2 / math.sqrt(math.pi) * math.exp(-x * x))
    return x


erf = _special(math.erf, lambda v: math.nan)
erfinv = _special(_erfinv, lambda v: math.nan)
gamma = _special(math.gamma, lambda v: math.inf if v >= 0 else math.nan)
gammaln = _special(math.lgamma, lambda v: math.inf)
digamma = _special(_digamma, lambda v: math.nan)
