"""Densities of MXNet's distributions: ``_random_pdf_<dist>(sample, *params, is_log)``.

The parameters share one shape S and the samples have shape S + D: any number of draws per
parameter set, in trailing axes D (possibly none); the output has the samples' shape.
Dirichlet's samples and concentrations are vectors along their last axis, which the output
drops.
Gradients reach the samples and the parameters through the log-density's derivatives.
"""
from __future__ import annotations

import math

from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import uniform_type
from .shape import check, sassign

__all__ = []


def _nb(rt, x, k, p):
    lg = rt.gammaln
    logp = lg(x + k) - lg(x + 1) - lg(k) + k * rt.xp.log(p) + x * rt.xp.log1p(-p)
    return logp, lambda: [rt.xp.zeros_like(x), rt.digamma(x + k) - rt.digamma(k) + rt.xp.log(p),
                          k / p - x / (1 - p)]


# name, parameter names, logpdf_and_grads(rt, x, *params) -> (logp, grads) where grads()
# gives [d/dx, d/dparam...]: a thunk, so that forward pays for the log-density alone
def _normal(rt, x, mu, sigma):
    z = (x - mu) / sigma
    logp = -0.5 * z * z - rt.xp.log(sigma) - 0.5 * math.log(2 * math.pi)
    return logp, lambda: [-z / sigma, z / sigma, (z * z - 1) / sigma]


def _uniform(rt, x, low, high):
    xp = rt.xp
    width = high - low
    inside = (x >= low) & (x <= high)
    logp = xp.where(inside, -xp.log(width), -xp.inf)
    return logp, lambda: [xp.zeros_like(x), xp.where(inside, 1 / width, 0),
                          xp.where(inside, -1 / width, 0)]


def _exponential(rt, x, lam):
    return rt.xp.log(lam) - lam * x, lambda: [-lam + 0 * x, 1 / lam - x]


def _gamma(rt, x, alpha, beta):
    xp = rt.xp
    logp = (alpha - 1) * xp.log(x) - x * beta - rt.gammaln(alpha) + alpha * xp.log(beta)
    return logp, lambda: [(alpha - 1) / x - beta, xp.log(x) - rt.digamma(alpha) + xp.log(beta),
                          alpha / beta - x]


def _poisson(rt, x, lam):
    xp = rt.xp
    logp = x * xp.log(lam) - lam - rt.gammaln(x + 1)
    return logp, lambda: [xp.zeros_like(x), x / lam - 1]


def _negative_binomial(rt, x, k, p):
    return _nb(rt, x, k, p)


def _generalized_negative_binomial(rt, x, mu, alpha):
    k, p = 1 / alpha, 1 / (1 + alpha * mu)
    logp, nb_grads = _nb(rt, x, k, p)

    def grads():
        dx, dk, dp = nb_grads()
        # chain rule through k = 1/alpha, p = 1/(1 + alpha mu)
        return [dx, dp * (-alpha * p * p), dk * (-k * k) + dp * (-mu * p * p)]
    return logp, grads


PDFS = [("normal", ("mu", "sigma"), _normal), ("uniform", ("low", "high"), _uniform),
        ("exponential", ("lam",), _exponential), ("gamma", ("alpha", "beta"), _gamma),
        ("poisson", ("lam",), _poisson), ("negative_binomial", ("k", "p"), _negative_binomial),
        ("generalized_negative_binomial", ("mu", "alpha"), _generalized_negative_binomial)]

_IS_LOG = Param("is_log", "boolean, optional, default=0",
                "If set, compute the density of the log-probability instead of the probability.")


class _Pdf(OpDef):
    family = "random"
    params = (_IS_LOG,)
    density = None
    vector_sample = False     # dirichlet: each sample is a vector along the last axis

    def infer_shape(self, p, ins, outs):
        # MXNet's PdfOpShape: nothing until every input's shape is known; then the parameter
        # tensors share one shape, which leads the samples' shape (any number of draws per
        # parameter set trails it); the output is the samples' shape
        if any(s is None for s in ins):
            return
        for i in range(2, len(ins)):
            sassign(ins, i, ins[i - 1])
        sample, param = ins[0], ins[1]
        check(len(param) <= len(sample), "(*in_attrs)[1].ndim() <= (*in_attrs)[0].ndim() "
              "(%d vs. %d) : dimension of input samples (%d) must be at least dimension of "
              "distribution parameters (%d)" % (len(param), len(sample), len(sample),
                                                len(param)))
        lead = tuple(sample[:len(param)])
        if self.vector_sample and lead:
            lead = lead[:-1] + (sample[-1],)
        for i in range(1, len(ins)):
            sassign(ins, i, lead)
        if self.vector_sample:      # one vector sample gives a (1,) result, not a scalar
            sassign(outs, 0, tuple(sample[:-1]) or (1,))
        else:
            sassign(outs, 0, tuple(sample))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def _expanded(self, ins):
        x = ins[0]
        return [x] + [t.reshape(t.shape + (1,) * (x.ndim - t.ndim)) for t in ins[1:]]

    def forward(self, p, ins, outs, is_train, rt):
        logp, _ = type(self).density(rt, *self._expanded(ins))
        outs[0][...] = logp if p.is_log else rt.xp.exp(logp)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        logp, grads = type(self).density(rt, *self._expanded(ins))
        g = ograds[0] if p.is_log else ograds[0] * rt.xp.exp(logp)
        for i, (buf, req, d) in enumerate(zip(igrads, reqs, grads(), strict=True)):
            if buf is None:
                continue
            full = g * d
            if i > 0:       # sum the draws back onto their parameter set
                full = full.sum(axis=tuple(range(ins[i].ndim, full.ndim)))
            assign(buf, full.reshape(ins[i].shape), req)


for _dist, _names, _fn in PDFS:
    register(type("_random_pdf_" + _dist, (_Pdf,), {
        "name": "_random_pdf_" + _dist, "aliases": ("random_pdf_" + _dist,),
        "inputs": ("sample",) + _names, "density": staticmethod(_fn), "__module__": __name__,
        "__doc__": "Density of the %s distribution at ``sample``.\n\n"
                   "    >>> import symnb as mx\n    >>> f = mx.sym.random_pdf_%s\n"
                   "    >>> f(mx.sym.var('x'), %s).infer_shape(x=(2, 5), %s)[1]\n"
                   "    [(2, 5)]\n"
                   % (_dist.replace("_", " "), _dist,
                      ", ".join("mx.sym.var('%s')" % n for n in _names),
                      ", ".join("%s=(2,)" % n for n in _names))}))


@register
class _random_pdf_dirichlet(_Pdf):  # noqa: N801 -- MXNet's operator name
    """Density of the Dirichlet distribution with concentrations ``alpha`` (last axis) at
    ``sample``.

    >>> import symnb as mx
    >>> f = mx.sym.random_pdf_dirichlet
    >>> f(mx.sym.var('x'), mx.sym.var('a')).infer_shape(x=(2, 4, 3), a=(2, 3))[1]
    [(2, 4)]
    """

    name = "_random_pdf_dirichlet"
    aliases = ("random_pdf_dirichlet",)
    inputs = ("sample", "alpha")
    vector_sample = True

    def _parts(self, rt, x, alpha):
        xp = rt.xp
        draws = (1,) * (x.ndim - alpha.ndim)
        a = alpha.reshape(alpha.shape[:-1] + draws + alpha.shape[-1:])
        logp = rt.gammaln(a.sum(-1)) - rt.gammaln(a).sum(-1) + ((a - 1) * xp.log(x)).sum(-1)
        return a, logp

    def forward(self, p, ins, outs, is_train, rt):
        _, logp = self._parts(rt, ins[0], ins[1])
        outs[0][...] = logp if p.is_log else rt.xp.exp(logp)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x = rt.xp, ins[0]
        a, logp = self._parts(rt, x, ins[1])
        g = (ograds[0] if p.is_log else ograds[0] * xp.exp(logp))[..., None]
        assign(igrads[0], g * (a - 1) / x, reqs[0])
        da = rt.digamma(a.sum(-1, keepdims=True)) - rt.digamma(a) + xp.log(x)
        draws = tuple(range(ins[1].ndim - 1, x.ndim - 1))
        assign(igrads[1], (g * da).sum(axis=draws), reqs[1])
