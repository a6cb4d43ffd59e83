"""Sampling ops: ``_random_uniform`` and ``_random_normal`` (``mx.sym.uniform``, ...).

They are creation ops (no inputs, shape from ``shape`` or from downstream) drawing from the
backend's generator, the one ``mx.random.seed`` seeds. Like MXNet, ``dtype='None'`` means
float32 unless inference says otherwise.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import register
from .init import _CTX, _Create
from .shape import type_assign_check

__all__ = []

_SHAPE = Param("shape", "Shape(tuple), optional, default=None", "Shape of the output.")
_DTYPE = Param("dtype", "{'None', 'float16', 'float32', 'float64'},optional, default='None'",
               "DType of the output in case this can't be inferred. Defaults to float32 if not "
               "defined (dtype=None).")


class _Random(_Create):
    """A draw of shape ``shape`` from the backend generator (``draw`` names its method)."""

    family = "init"
    draw = ""
    bounds = ("", "")

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs.get("shape", ""))

    def infer_type(self, p, ins, outs):
        if p.dtype is None or p.dtype == "None":
            if outs[0] is None:
                type_assign_check(outs, 0, np.dtype(np.float32))
            return
        type_assign_check(outs, 0, np.dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        a, b = (getattr(p, n) for n in self.bounds)
        out = outs[0]
        out[...] = getattr(rt, self.draw)(float(a), float(b), out.shape, out.dtype)


@register
class _random_uniform(_Random):  # noqa: N801 -- MXNet's operator name
    """Samples from the uniform distribution on ``[low, high)``.

    >>> import symnb as mx
    >>> u = mx.sym.random_uniform(low=-1, high=1, shape=(2, 3), name='u')
    >>> u.infer_shape()[1], u.infer_type()[1]
    ([(2, 3)], [<class 'numpy.float32'>])
    >>> x = mx.nd.uniform(low=2, high=3, shape=(4,)).asnumpy()
    >>> bool(((x >= 2) & (x < 3)).all())
    True
    """

    name = "_random_uniform"
    aliases = ("random_uniform", "uniform")
    draw = "random_uniform"
    bounds = ("low", "high")
    params = (Param("low", "float, optional, default=0", "Lower bound of the distribution."),
              Param("high", "float, optional, default=1", "Upper bound of the distribution."),
              _SHAPE, _CTX, _DTYPE)


@register
class _random_normal(_Random):  # noqa: N801 -- MXNet's operator name
    """Samples from a normal distribution with mean ``loc`` and standard deviation ``scale``.

    >>> import symnb as mx
    >>> mx.nd.random_normal(loc=0, scale=1, shape=(3,), dtype='float64').dtype
    <class 'numpy.float64'>
    >>> mx.sym.normal(shape=(2,)).list_outputs()
    ['normal0_output']
    """

    name = "_random_normal"
    aliases = ("normal", "random_normal")
    draw = "random_normal"
    bounds = ("loc", "scale")
    params = (Param("loc", "float, optional, default=0", "Mean of the distribution."),
              Param("scale", "float, optional, default=1",
                    "Standard deviation of the distribution."),
              _SHAPE, _CTX, _DTYPE)
