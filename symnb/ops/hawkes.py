"""``_contrib_hawkesll``: log likelihood of K independent self-exciting (Hawkes) processes
with exponential decay, for N ragged sequences of marked points.

Inputs ``lda`` (N, K) background intensities, ``alpha`` (K,) branching ratios, ``beta``
(K,) decays, ``state`` (N, K) the memory at time 0, ``lags`` (N, T) interarrival times,
``marks`` (N, T) int32 process ids, ``valid_length`` (N,), ``max_time`` (N,). Outputs the
log likelihood (N,) and the memory at ``max_time`` (N, K).

The recursion runs sample by sample over the points in MXNet; here it is vectorised over the
samples with one loop over the points. MXNet's quirks kept:

* exponentials and logarithms are single precision (``expf``/``logf``) whatever the type;
* a point ``j`` counts while ``j < valid_length`` (a float compare);
* the backward differentiates the likelihood only (``out_state``'s head gradient is
  ignored) w.r.t. ``lda``, ``alpha``, ``beta``; ``state``'s gradient buffer is left alone
  and a gradient requested for ``lags``, ``marks``, ``valid_length`` or ``max_time`` fails;
* the gradient kernels all run with ``lda``'s request: with 'add' each update adds to the
  running value (the memory recursion too), onto an ``lda`` buffer zeroed first; with no
  ``lda`` gradient nothing is computed and ``alpha``/``beta`` get zeros.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._registry import InferError, OpDef, assign, register
from ._rules import shape_assign
from .shape import type_assign_check

__all__ = []

_INPUTS = ("lda", "alpha", "beta", "state", "lags", "marks", "valid_length", "max_time")
_NDIM = (("kMu", 2), ("kAlpha", 1), ("kBeta", 1), ("kState", 2), ("kIATimes", 2),
         ("kMarks", 2), ("kValidLength", 1), ("kMaxTime", 1))
_MARKS = 5
_REQ_CODE = {"write": 1, "add": 3}


def _f32(xp, fn, x):
    """``expf``/``logf`` of any-precision values, as MXNet's kernel calls them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # rounded from double, as glibc's correctly rounded expf/logf (NumPy's float32 exp
        # may differ in the last bit)
        return fn(x.astype(np.float32).astype(np.float64)).astype(np.float32).astype(x.dtype)


def _dims(shape):
    return tuple(d if d != 0 else -1 for d in shape)


def _kassign(req, current, value):
    """MXNet's KERNEL_ASSIGN: 'write' stores, 'add' adds to the current value."""
    return current + value if req == "add" else value


@register
class _contrib_hawkesll(OpDef):  # noqa: N801 -- MXNet's operator name
    """Log likelihood of marked Hawkes processes and their final memory.

    >>> import symnb as mx
    >>> out, state = mx.nd.contrib.hawkesll(
    ...     mx.nd.array([[1.5]]), mx.nd.array([0.2]), mx.nd.array([1.0]),
    ...     mx.nd.zeros((1, 1)), mx.nd.array([[1.0, 2.0]]),
    ...     mx.nd.array([[0, 0]], dtype='int32'), mx.nd.array([2]), mx.nd.array([4.0]))
    >>> round(float(out.asscalar()), 4), state.shape
    (-5.4877, (1, 1))
    """

    name = "_contrib_hawkesll"
    family = "loss"
    inputs = _INPUTS
    outputs = ("output", "out_state")

    def infer_shape(self, p, ins, outs):
        for shape, (key, ndim) in zip(ins, _NDIM, strict=True):
            got = -1 if shape is None else len(shape)
            if got != ndim:
                raise InferError("Check failed: in_attrs->at(hawkesll::%s).ndim() == %d "
                                 "(%d vs. %d) : " % (key, ndim, got, ndim))
        mu, alpha, beta, state, lags, marks, valid, max_time = (_dims(s) for s in ins)
        n, t, k = lags[0], lags[1], mu[1]
        checks = ((mu[0], "kMu)[0]", n, "N"), (alpha[0], "kAlpha)[0]", k, "K"),
                  (beta[0], "kBeta)[0]", k, "K"), (state[0], "kState)[0]", n, "N"),
                  (state[1], "kState)[1]", k, "K"), (marks[0], "kMarks)[0]", n, "N"),
                  (marks[1], "kMarks)[1]", t, "T"), (valid[0], "kValidLength)[0]", n, "N"),
                  (max_time[0], "kMaxTime)[0]", n, "N"))
        for got, where, want, letter in checks:
            if got != want:
                raise InferError("Check failed: in_attrs->at(hawkesll::%s == %s (%d vs. %d) : "
                                 % (where, letter, got, want))
        shape_assign(outs, 0, (ins[4][0],))
        shape_assign(outs, 1, (ins[4][0], ins[0][1]))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])
        type_assign_check(outs, 1, ins[0])
        for j in range(len(_INPUTS)):
            if j != _MARKS:
                type_assign_check(ins, j, outs[0])
        type_assign_check(ins, _MARKS, np.int32)

    def _points(self, xp, ins):
        """Per point ``j``: (active rows, marks, arrival times), vectorised over samples."""
        lags, marks, valid = ins[4], ins[5], ins[6]
        time = xp.zeros(lags.shape[0], dtype=lags.dtype)
        for j in range(lags.shape[1]):
            active = j < valid
            time = time + lags[:, j]
            # an inactive point is never read: its mark may be anything
            yield active, xp.where(active, marks[:, j], 0).astype(np.int64), time

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        mu, alpha, beta, state0, _, _, _, max_time = ins
        rows = xp.arange(mu.shape[0])
        state = state0.copy()
        last = xp.zeros_like(state)
        loglike = xp.zeros(mu.shape[0], dtype=mu.dtype)
        one = mu.dtype.type(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            self._forward_points(xp, ins, rows, state, last, loglike, one)
        # what is left of each process's compensator up to max_time, and its final memory
        d = max_time[:, None] - last
        ed = _f32(xp, xp.exp, -beta[None, :] * d)
        remainder = mu * d + alpha[None, :] * state * (one - ed)
        outs[0][...] = loglike - remainder.sum(axis=1)
        outs[1][...] = ed * state

    def _forward_points(self, xp, ins, rows, state, last, loglike, one):
        mu, alpha, beta = ins[0], ins[1], ins[2]
        for active, mark, time in self._points(xp, ins):
            d = time - last[rows, mark]
            ed = _f32(xp, xp.exp, -beta[mark] * d)
            s = state[rows, mark]
            intensity = mu[rows, mark] + alpha[mark] * beta[mark] * s * ed
            compensator = mu[rows, mark] * d + alpha[mark] * s * (one - ed)
            loglike[...] = xp.where(active, loglike + (_f32(xp, xp.log, intensity)
                                                       - compensator), loglike)
            state[rows, mark] = xp.where(active, one + s * ed, s)
            last[rows, mark] = xp.where(active, time, last[rows, mark])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        for i in range(4, len(_INPUTS)):
            if igrads[i] is not None:
                key = _NDIM[i][0]
                raise MXNetError("MXNetError: Check failed: req[hawkesll: :%s] == "
                                 "OpReqType::kNullOp (%d vs. 0) : "
                                 % (key, _REQ_CODE.get(reqs[i], 1)))
        xp = rt.xp
        mu, alpha, beta, state0, _, _, _, max_time = ins
        req = reqs[0] if igrads[0] is not None else "null"
        n, k = mu.shape
        mug, alphag, betag = (xp.zeros((n, k), dtype=mu.dtype) for _ in range(3))
        if req != "null":
            og = ograds[0] if ograds[0] is not None else xp.zeros(n, dtype=mu.dtype)
            with np.errstate(divide="ignore", invalid="ignore"):
                self._gradients(xp, ins, req, og, mug, alphag, betag)
        if igrads[0] is not None:
            igrads[0][...] = mug            # MXNet zeroes this buffer before its kernels
        assign(igrads[1], alphag.sum(axis=0), reqs[1])
        assign(igrads[2], betag.sum(axis=0), reqs[2])

    def _gradients(self, xp, ins, req, og, mug, alphag, betag):
        """MXNet's two gradient kernels (points, then the remaining compensators), every
        store through ``req``."""
        mu, alpha, beta, state0, _, _, _, max_time = ins
        rows = xp.arange(mu.shape[0])
        phi = state0.copy()                       # the memory, and its derivative in beta
        dphi = xp.zeros_like(phi)
        last = xp.zeros_like(phi)
        one = mu.dtype.type(1)
        for active, mark, time in self._points(xp, ins):
            d = time - last[rows, mark]
            a, b = alpha[mark], beta[mark]
            ed = _f32(xp, xp.exp, -b * d)
            s, ds = phi[rows, mark], dphi[rows, mark]
            intensity = mu[rows, mark] + a * b * s * ed
            new = (
                (mug, mug[rows, mark] + one / intensity - d),
                (alphag, alphag[rows, mark] + b * s * ed / intensity - s * (one - ed)),
                (betag, betag[rows, mark] + a * ed * (s * (one - b * d) + b * ds) / intensity
                 - a * (ds * (one - ed) + s * d * ed)),
                (dphi, ed * (-d * s + ds)),
                (phi, one + s * ed),
            )
            for buf, value in new:
                cur = buf[rows, mark]
                buf[rows, mark] = xp.where(active, _kassign(req, cur, value), cur)
            last[rows, mark] = xp.where(active, time, last[rows, mark])
        d = max_time[:, None] - last
        ed = _f32(xp, xp.exp, -beta[None, :] * d)
        mug[...] = _kassign(req, mug, mug - d)
        alphag[...] = _kassign(req, alphag, alphag - phi * (one - ed))
        betag[...] = _kassign(req, betag, betag - alpha[None, :] * (dphi * (one - ed)
                                                                     + phi * d * ed))
        for buf in (mug, alphag, betag):        # the likelihood's head gradient, per sample
            buf[...] = _kassign(req, buf, og[:, None] * buf)


@register
class _contrib_backward_hawkesll(OpDef):  # noqa: N801 -- MXNet's operator name
    """The gradient node of ``hawkesll`` (MXNet's ``TIsBackward`` operator): ten inputs (the
    two head gradients and the eight inputs, nnvm's default names ``arg0`` .. ``arg9``) and
    eight input gradients. MXNet 1.9.1 cannot run it on its own: its generated functions take
    no arrays, it has no shape rule, and a graph (JSON) holding it fails in forward because
    every output is written, including the gradients of ``lags`` onwards, which its kernel
    refuses. symnb refuses too, at bind: it cannot allocate outputs it cannot infer.

    >>> from symnb.ops import get_op
    >>> op = get_op('_contrib_backward_hawkesll')
    >>> len(op.input_names(None)), op.num_outputs_total(None), op.python_inputs()
    (10, 8, ())
    """

    name = "_contrib_backward_hawkesll"
    family = "other"
    inputs = tuple("arg%d" % i for i in range(10))
    outputs = tuple("output%d" % i for i in range(8))
    signature_inputs = ()
    monitor_named_inputs = False

    def infer_shape(self, p, ins, outs):
        pass                                # MXNet registers no shape or type rule

    def infer_type(self, p, ins, outs):
        pass

    def forward(self, p, ins, outs, is_train, rt):
        raise MXNetError("MXNetError: Check failed: req[hawkesll: :kIATimes] == "
                         "OpReqType::kNullOp (1 vs. 0) : ")
