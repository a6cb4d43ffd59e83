"""Sampling ops: ``_random_uniform``, ``_random_normal`` and the other ``_random_*`` draws.

They are creation ops (no inputs, shape from ``shape`` or from downstream) drawing from the
backend's generator, the one ``mx.random.seed`` seeds. Like MXNet, ``dtype='None'`` means
float32 (int32 for ``_random_randint``) unless inference says otherwise. Uniform and normal
draws come from the backend directly; the other distributions are sampled on the host by a
NumPy generator seeded from one backend draw, so they too repeat after ``mx.random.seed``.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import OpDef, register
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
    default_dtype = np.float32

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs.get("shape", ""))

    def infer_type(self, p, ins, outs):
        if p.dtype is None or p.dtype == "None":
            if outs[0] is None:
                type_assign_check(outs, 0, np.dtype(self.default_dtype))
            return
        type_assign_check(outs, 0, np.dtype(p.dtype))

    # No inputs, so no node ever needs this op's backward: declared absent (OpDef's), which
    # also keeps it out of the gradient case tables.
    backward = OpDef.backward

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


def _host_generator(rt):
    """A NumPy generator seeded by one draw from the backend's (seeded) generator."""
    seed = rt.to_numpy(rt.random_uniform(0.0, 2.0 ** 31, (1,), np.float64))
    return np.random.default_rng(int(seed[0]))


def _gnb(rng, p, shape):
    # MXNet: a Poisson draw whose rate is Gamma(1/alpha, mu*alpha); Poisson(mu) for alpha 0
    if p.alpha == 0:
        return rng.poisson(p.mu, size=shape)
    return rng.poisson(rng.gamma(1.0 / p.alpha, p.mu * p.alpha, size=shape))


class _HostRandom(_Random):
    """A draw made by ``sample(rng, p, shape)`` on the host (see the module notes)."""

    sample = None

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        values = type(self).sample(_host_generator(rt), p, out.shape)
        out[...] = rt.asarray(np.asarray(values).astype(out.dtype))


_FLOAT = "float, optional, default=1"
# name, alias, (param name, type, doc) rows, sampler, default dtype, dtype choices
_HOST_DRAWS = (
    ("_random_exponential", "random_exponential",
     (("lam", _FLOAT, "Lambda parameter (rate) of the exponential distribution."),),
     lambda rng, p, shape: rng.exponential(1.0 / p.lam, size=shape), np.float32, None),
    ("_random_gamma", "random_gamma",
     (("alpha", _FLOAT, "Alpha parameter (shape) of the gamma distribution."),
      ("beta", _FLOAT, "Beta parameter (scale) of the gamma distribution.")),
     lambda rng, p, shape: rng.gamma(p.alpha, p.beta, size=shape), np.float32, None),
    ("_random_poisson", "random_poisson",
     (("lam", _FLOAT, "Lambda parameter (rate) of the Poisson distribution."),),
     lambda rng, p, shape: rng.poisson(p.lam, size=shape), np.float32, None),
    ("_random_negative_binomial", "random_negative_binomial",
     (("k", "int, optional, default='1'", "Limit of unsuccessful experiments."),
      ("p", _FLOAT, "Failure probability in each experiment.")),
     lambda rng, p, shape: rng.negative_binomial(p.k, p.p, size=shape), np.float32, None),
    ("_random_generalized_negative_binomial", "random_generalized_negative_binomial",
     (("mu", _FLOAT, "Mean of the negative binomial distribution."),
      ("alpha", _FLOAT, "Alpha (dispersion) parameter of the negative binomial "
                        "distribution.")),
     _gnb, np.float32, None),
    ("_random_randint", "random_randint",
     (("low", "long, required", "Lower bound of the distribution."),
      ("high", "long, required", "Upper bound of the distribution.")),
     lambda rng, p, shape: rng.integers(p.low, p.high, size=shape), np.int32,
     "{'None', 'int32', 'int64'},optional, default='None'"),
)

for _name, _alias, _rows, _sampler, _default, _dtypes in _HOST_DRAWS:
    register(type(_name, (_HostRandom,), {
        "name": _name, "aliases": (_alias,), "sample": staticmethod(_sampler),
        "default_dtype": _default,
        "params": tuple(Param(*row) for row in _rows) + (
            _SHAPE, _CTX, _DTYPE if _dtypes is None else
            Param("dtype", _dtypes, "DType of the output in case this can't be inferred. "
                  "Defaults to int32 if not defined (dtype=None).")),
        "__doc__": "Samples from the %s distribution (MXNet's ``%s``).\n\n"
                   "    >>> import symnb as mx\n"
                   "    >>> mx.nd.%s(shape=(2,)%s).shape\n"
                   "    (2,)\n" % (_alias[len("random_"):].replace("_", " "), _name, _alias,
                                   ", low=0, high=5" if _name == "_random_randint" else ""),
        "__module__": __name__}))
