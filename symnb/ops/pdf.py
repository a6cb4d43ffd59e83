"""Densities of MXNet's distributions: ``_random_pdf_<dist>(sample, *params, is_log)``.

The parameters have shape S and the samples S + (k,) (k draws per parameter set); the
output has the samples' shape (dirichlet: without its last axis, the category axis of both).
Gradients reach the samples and the parameters through the log-density's derivatives.
"""
from __future__ import annotations

import math

from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import fully_known, uniform_type
from .shape import sassign

__all__ = []


def _nb(rt, x, k, p):
    lg = rt.gammaln
    logp = lg(x + k) - lg(x + 1) - lg(k) + k * rt.xp.log(p) + x * rt.xp.log1p(-p)
    dk = rt.digamma(x + k) - rt.digamma(k) + rt.xp.log(p)
    return logp, [rt.xp.zeros_like(x), dk, k / p - x / (1 - p)]


# name, parameter names, logpdf_and_grads(rt, x, *params) -> (logp, [d/dx, d/dparam...])
def _normal(rt, x, mu, sigma):
    z = (x - mu) / sigma
    logp = -0.5 * z * z - rt.xp.log(sigma) - 0.5 * math.log(2 * math.pi)
    return logp, [-z / sigma, z / sigma, (z * z - 1) / sigma]


def _uniform(rt, x, low, high):
    xp = rt.xp
    width = high - low
    inside = (x >= low) & (x <= high)
    logp = xp.where(inside, -xp.log(width), -xp.inf)
    return logp, [xp.zeros_like(x), xp.where(inside, 1 / width, 0), xp.where(inside, -1 / width, 0)]


def _exponential(rt, x, lam):
    return rt.xp.log(lam) - lam * x, [-lam + 0 * x, 1 / lam - x]


def _gamma(rt, x, alpha, beta):
    xp = rt.xp
    logp = (alpha - 1) * xp.log(x) - x * beta - rt.gammaln(alpha) + alpha * xp.log(beta)
    return logp, [(alpha - 1) / x - beta, xp.log(x) - rt.digamma(alpha) + xp.log(beta),
                  alpha / beta - x]


def _poisson(rt, x, lam):
    xp = rt.xp
    logp = x * xp.log(lam) - lam - rt.gammaln(x + 1)
    return logp, [xp.zeros_like(x), x / lam - 1]


def _negative_binomial(rt, x, k, p):
    return _nb(rt, x, k, p)


def _generalized_negative_binomial(rt, x, mu, alpha):
    k, p = 1 / alpha, 1 / (1 + alpha * mu)
    logp, (dx, dk, dp) = _nb(rt, x, k, p)
    # chain rule through k = 1/alpha, p = 1/(1 + alpha mu)
    dmu = dp * (-alpha * p * p)
    dalpha = dk * (-k * k) + dp * (-mu * p * p)
    return logp, [dx, dmu, dalpha]


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

    def infer_shape(self, p, ins, outs):
        sample = ins[0]
        if not fully_known(sample):
            return
        params = sample[:-1] if len(sample) > 1 else sample
        for i in range(1, len(ins)):
            sassign(ins, i, params)
        sassign(outs, 0, sample)

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
        for i, (buf, req, d) in enumerate(zip(igrads, reqs, grads, strict=True)):
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
                   "    >>> f(mx.sym.var('x'), %s).infer_shape(x=(2, 5))[1]\n    [(2, 5)]\n"
                   % (_dist.replace("_", " "), _dist,
                      ", ".join("mx.sym.var('%s')" % n for n in _names))}))


@register
class _random_pdf_dirichlet(_Pdf):  # noqa: N801 -- MXNet's operator name
    """Density of the Dirichlet distribution with concentrations ``alpha`` (last axis) at
    ``sample``.

    >>> import symnb as mx
    >>> f = mx.sym.random_pdf_dirichlet
    >>> f(mx.sym.var('x'), mx.sym.var('a')).infer_shape(x=(2, 4, 3))[1]
    [(2, 4)]
    """

    name = "_random_pdf_dirichlet"
    aliases = ("random_pdf_dirichlet",)
    inputs = ("sample", "alpha")

    def infer_shape(self, p, ins, outs):
        sample = ins[0]
        if not fully_known(sample):
            return
        sassign(ins, 1, tuple(sample[:-2]) + (sample[-1],))
        sassign(outs, 0, tuple(sample[:-1]))

    def _parts(self, rt, x, alpha):
        xp = rt.xp
        a = alpha[..., None, :]
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
        assign(igrads[1], (g * da).sum(axis=-2), reqs[1])
