"""Random samplers: ``_random_<dist>`` (parameters as attributes, shape given),
``_random_<dist>_like`` (the shape of an input), ``_sample_<dist>`` (parameters as arrays:
``shape`` draws per parameter), ``_sample_multinomial``, ``_random_randint``, ``_shuffle``.

Values come from the backend's generator (``rt.draw``), not MXNet's: distributions,
parameterisations (MXNet's gamma ``beta`` is a scale, exponential ``lam`` a rate) and
supports match. Samplers carry no gradient (MXNet's zero-gradient rule); as loss heads they
need no head gradient.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import OpDef, ZeroGradient, assign, register
from ._rules import fully_known
from .shape import np_dtype, sassign, type_assign_check

__all__ = []

_FLOAT_DTYPE = "{'None', 'float16', 'float32', 'float64'},optional, default='None'"

# the random sources word their ``ctx`` doc with a space after "(n)." (init.py's without)
_CTX = Param("ctx", "string, optional, default=''",
             "Context of output, in format [cpu|gpu|cpu_pinned](n). Only used for imperative "
             "calls.")


def _gamma(rt, alpha, beta, size):
    return rt.draw("gamma", alpha, beta, size=size)


def _gen_neg_binomial(rt, mu, alpha, size):
    # a Poisson whose rate is Gamma(1 / alpha, alpha * mu): mean mu, variance mu + alpha mu^2
    mu, alpha = np.broadcast_to(mu, size), np.broadcast_to(alpha, size)
    safe = np.where(alpha > 0, alpha, 1.0)
    rate = np.where(alpha > 0, rt.draw("gamma", 1 / safe, safe * mu, size=size), mu)
    return rt.draw("poisson", rate, size=size)


# name, MXNet parameter names with defaults (doc), sampler(rt, *params, size)
DISTRIBUTIONS = [
    ("uniform", (("low", "0", "Lower bound of the distribution."),
                 ("high", "1", "Upper bound of the distribution.")),
     lambda rt, low, high, size: rt.draw("uniform", low, high, size=size)),
    ("normal", (("loc", "0", "Mean of the distribution."),
                ("scale", "1", "Standard deviation of the distribution.")),
     lambda rt, loc, scale, size: rt.draw("normal", loc, scale, size=size)),
    ("gamma", (("alpha", "1", "Alpha parameter (shape) of the gamma distribution."),
               ("beta", "1", "Beta parameter (scale) of the gamma distribution.")), _gamma),
    ("exponential", (("lam", "1", "Lambda parameter (rate) of the exponential distribution."),),
     lambda rt, lam, size: rt.draw("exponential", 1 / np.asarray(lam, dtype=np.float64),
                                   size=size)),
    ("poisson", (("lam", "1", "Lambda parameter (rate) of the Poisson distribution."),),
     lambda rt, lam, size: rt.draw("poisson", lam, size=size)),
    ("negative_binomial", (("k", "1", "Limit of unsuccessful experiments."),
                           ("p", "1", "Failure probability in each experiment.")),
     lambda rt, k, p, size: rt.draw("negative_binomial", k, p, size=size)),
    ("generalized_negative_binomial", (("mu", "1", "Mean of the negative binomial "
                                        "distribution."),
                                       ("alpha", "1", "Alpha (dispersion) parameter of the "
                                        "negative binomial distribution.")),
     _gen_neg_binomial),
]
# the sample_<dist> input names (MXNet names the array parameters differently)
_SAMPLE_INPUTS = {"uniform": ("low", "high"), "normal": ("mu", "sigma"),
                  "gamma": ("alpha", "beta"), "exponential": ("lam",), "poisson": ("lam",),
                  "negative_binomial": ("k", "p"),
                  "generalized_negative_binomial": ("mu", "alpha")}


def _out_type(p, outs, default=np.float32):
    dtype = default if p.dtype in (None, "None") else np_dtype(p.dtype)
    type_assign_check(outs, 0, dtype)


class _Sampler(ZeroGradient, OpDef):
    family = "random"
    loss_head = True
    dist = ""
    sampler = None

    def _draw(self, rt, params, size, dtype):
        host = type(self).sampler(rt, *params, size)
        return rt.asarray(np.asarray(host), dtype=dtype)


class _RandomOp(_Sampler):
    inputs = ()

    def _values(self, p):
        return [p[name] for name in self.param_names]

    def infer_shape(self, p, ins, outs):
        if p.shape:
            sassign(outs, 0, tuple(p.shape))

    def infer_type(self, p, ins, outs):
        _out_type(p, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._draw(rt, self._values(p), outs[0].shape, outs[0].dtype)


class _LikeOp(_Sampler):
    def _values(self, p):
        return [p[name] for name in self.param_names]

    def infer_shape(self, p, ins, outs):
        if ins[0] is not None:
            sassign(outs, 0, ins[0])

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._draw(rt, self._values(p), outs[0].shape, outs[0].dtype)


class _SampleOp(_Sampler):
    """Parameters as arrays of one shape S; the output is S + shape."""

    params = (Param("shape", "Shape(tuple), optional, default=[]",
                    "Shape to be sampled from each random distribution."),
              Param("dtype", _FLOAT_DTYPE, "DType of the output in case this can't be "
                    "inferred. Defaults to float32 if not defined (dtype=None)."))

    def infer_shape(self, p, ins, outs):
        known = next((s for s in ins if fully_known(s)), None)
        if known is None:
            return
        for i in range(len(ins)):
            sassign(ins, i, known)
        sassign(outs, 0, tuple(known) + tuple(p.shape or ()))

    def infer_type(self, p, ins, outs):
        for i in range(1, len(ins)):
            type_assign_check(ins, i, ins[0])
        _out_type(p, outs)

    def forward(self, p, ins, outs, is_train, rt):
        extra = tuple(p.shape or ())
        size = outs[0].shape
        params = [rt.to_numpy(x).astype(np.float64).reshape(x.shape + (1,) * len(extra))
                  for x in ins]
        outs[0][...] = self._draw(rt, params, size, outs[0].dtype)


def _doc(kind, dist, names):
    call = {"random": "mx.sym.random_%s(shape=(2, 3))" % dist,
            "like": "mx.sym.random.%s_like(mx.sym.var('x'))" % dist,
            "sample": "mx.sym.sample_%s(%s)" % (dist, ", ".join("mx.sym.var('%s')" % n
                                                               for n in names))}[kind]
    shape = {"random": "[(2, 3)]", "like": "[(2, 3)]", "sample": "[(2, 3)]"}[kind]
    given = {"random": "", "like": "x=(2, 3)", "sample": "%s=(2, 3)" % names[0]}[kind]
    return ("Draws from the %s distribution.\n\n    >>> import symnb as mx\n"
            "    >>> %s.infer_shape(%s)[1]\n    %s\n" % (dist.replace("_", " "), call, given,
                                                          shape))


for _dist, _pars, _fn in DISTRIBUTIONS:
    _ptype = {"k": "int, optional, default='1'"}
    _params = tuple(Param(n, _ptype.get(n, "float, optional, default=%s" % d), doc)
                    for n, d, doc in _pars)
    _names = tuple(n for n, _, _ in _pars)
    register(type("_random_" + _dist, (_RandomOp,), {
        "name": "_random_" + _dist,
        "aliases": ("random_" + _dist,) + (("normal",) if _dist == "normal" else ())
        + (("uniform",) if _dist == "uniform" else ()),
        "params": _params + (Param("shape", "Shape(tuple), optional, default=None",
                                   "Shape of the output."), _CTX,
                             Param("dtype", _FLOAT_DTYPE, "DType of the output in case this "
                                   "can't be inferred. Defaults to float32 if not defined "
                                   "(dtype=None).")),
        "param_names": _names, "sampler": staticmethod(_fn), "dist": _dist,
        "__doc__": _doc("random", _dist, _names), "__module__": __name__}))
    register(type("_random_%s_like" % _dist, (_LikeOp,), {
        "name": "_random_%s_like" % _dist, "params": _params, "param_names": _names,
        "sampler": staticmethod(_fn), "dist": _dist,
        "__doc__": _doc("like", _dist, _names), "__module__": __name__}))
    _inputs = _SAMPLE_INPUTS[_dist]
    register(type("_sample_" + _dist, (_SampleOp,), {
        "name": "_sample_" + _dist, "aliases": ("sample_" + _dist,), "inputs": _inputs,
        "sampler": staticmethod(_fn), "dist": _dist,
        "__doc__": _doc("sample", _dist, _inputs), "__module__": __name__}))


@register
class _random_randint(_RandomOp):  # noqa: N801 -- MXNet's operator name
    """Integers drawn uniformly from ``[low, high)``.

    >>> import symnb as mx
    >>> x = mx.nd.random_randint(low=2, high=5, shape=(100,)).asnumpy()
    >>> bool(x.min() >= 2 and x.max() < 5), x.dtype
    (True, dtype('int32'))
    """

    name = "_random_randint"
    aliases = ("random_randint",)
    param_names = ("low", "high")
    params = (Param("low", "long, required", "Lower bound of the distribution."),
              Param("high", "long, required", "Upper bound of the distribution."),
              Param("shape", "Shape(tuple), optional, default=None", "Shape of the output."),
              _CTX,
              Param("dtype", "{'None', 'int32', 'int64'},optional, default='None'",
                    "DType of the output in case this can't be inferred. Defaults to int32 if "
                    "not defined (dtype=None)."))
    sampler = staticmethod(lambda rt, low, high, size: rt.draw("integers", low, high,
                                                               size=size))

    def infer_type(self, p, ins, outs):
        _out_type(p, outs, np.int32)


@register
class _sample_multinomial(OpDef):  # noqa: N801 -- MXNet's operator name
    """Category indices drawn from the probabilities on the last axis of ``data``: output
    shape ``data.shape[:-1] + shape``; with ``get_prob`` also the log-probability of each
    draw, whose gradient reaches ``data`` (REINFORCE).

    >>> import symnb as mx
    >>> mx.nd.sample_multinomial(mx.nd.array([[0.0, 1.0]]), shape=(3,)).asnumpy()
    array([[1, 1, 1]], dtype=int32)
    """

    name = "_sample_multinomial"
    aliases = ("sample_multinomial",)
    family = "random"
    params = (Param("shape", "Shape(tuple), optional, default=[]",
                    "Shape to be sampled from each random distribution."),
              Param("get_prob", "boolean, optional, default=0",
                    "Whether to also return the log probability of sampled result. This is "
                    "usually used for differentiating through stochastic variables, e.g. in "
                    "reinforcement learning."),
              Param("dtype", "{'float16', 'float32', 'float64', 'int32', 'uint8'},optional, "
                    "default='int32'", "DType of the output in case this can't be inferred."))

    def output_names(self, p):
        return ("output0", "output1") if p.get_prob else ("output",)

    def infer_shape(self, p, ins, outs):
        if fully_known(ins[0]):
            shape = tuple(ins[0][:-1]) + tuple(p.shape or ())
            for i in range(len(outs)):
                sassign(outs, i, shape or (1,))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np_dtype(p.dtype))
        if len(outs) > 1:
            type_assign_check(outs, 1, ins[0])

    def _flat(self, p, rt, data):
        probs = rt.to_numpy(data).astype(np.float64).reshape(-1, data.shape[-1])
        n = int(np.prod(p.shape or ()))
        return probs, n

    def forward(self, p, ins, outs, is_train, rt):
        probs, n = self._flat(p, rt, ins[0])
        cdf = np.cumsum(probs, axis=1)
        u = rt.draw("uniform", 0.0, 1.0, size=(probs.shape[0], n))
        picks = np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(axis=2), probs.shape[1] - 1)
        outs[0][...] = rt.asarray(picks.reshape(outs[0].shape), dtype=outs[0].dtype)
        if len(outs) > 1:
            logp = np.log(np.take_along_axis(probs, picks, axis=1))
            outs[1][...] = rt.asarray(logp.reshape(outs[1].shape), dtype=outs[1].dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, data = rt.xp, ins[0]
        grad = xp.zeros_like(data)
        if len(outs) > 1 and ograds[1] is not None:
            k = data.shape[-1]
            rows = data.reshape(-1, k)
            picks = outs[0].reshape(rows.shape[0], -1).astype(np.int64)
            g = ograds[1].reshape(picks.shape)
            chosen = xp.take_along_axis(rows, picks, axis=1)
            flat = xp.zeros_like(rows)
            rt.scatter_add(flat, (xp.arange(rows.shape[0])[:, None].repeat(picks.shape[1], 1),
                                  picks), g / chosen)
            grad = flat.reshape(data.shape)
        assign(igrads[0], grad, reqs[0])


@register
class _shuffle(ZeroGradient, OpDef):  # noqa: N801 -- MXNet's operator name
    """``data`` with its first axis randomly permuted.

    >>> import symnb as mx
    >>> sorted(mx.nd.shuffle(mx.nd.array([1, 2, 3])).asnumpy().tolist())
    [1.0, 2.0, 3.0]
    """

    name = "_shuffle"
    aliases = ("shuffle",)
    family = "random"
    loss_head = True

    def infer_shape(self, p, ins, outs):
        if ins[0] is not None:
            sassign(outs, 0, ins[0])

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        order = rt.draw("permutation", ins[0].shape[0])
        outs[0][...] = ins[0][rt.asarray(order)]
