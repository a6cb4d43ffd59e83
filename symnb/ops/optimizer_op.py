"""Fused optimizer updates: sgd_update, sgd_mom_update, adam_update, ... (one tensor each).

These are the operators MXNet's ``mx.optimizer`` classes call with ``out=weight``: each reads a
weight, its gradient and its states, writes the new states in place (the states are
``FMutateInputs``, so in a symbol they become auxiliary states) and returns the new weight.
The arithmetic follows MXNet 1.9.1's kernels (``src/operator/optimizer_op-inl.h``) step by
step in the weight's own dtype (float32 scalars for float32 weights), so that recorded MXNet
updates are matched to the last bit where NumPy rounds the same way. Where a kernel writes its
output before it reads the weight again (``nag_mom_update``), the in-place call ``out=weight``
sees the new weight there, as in MXNet.

MXNet registers no gradient for any of them: a backward through one raises. The multi-tensor
forms (multi_sgd_update, ...) are in :mod:`symnb.ops.optimizer_multi_op`.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import OpDef, register
from ._rules import elemwise_shape, shape_assign, uniform_type
from .shape import type_assign_check

__all__ = []

_F32 = np.dtype(np.float32)


def _p(name, type_, doc):
    return Param(name, type_, doc)


_LR = _p("lr", "float, required", "Learning rate")
_WD = _p("wd", "float, optional, default=0",
         "Weight decay augments the objective function with a regularization term that "
         "penalizes large weights. The penalty scales with the square of the magnitude of each "
         "weight.")
_RESCALE = _p("rescale_grad", "float, optional, default=1",
              "Rescale gradient to grad = rescale_grad*grad.")
_CLIP = _p("clip_gradient", "float, optional, default=-1",
           "Clip gradient to the range of [-clip_gradient, clip_gradient] If clip_gradient <= 0, "
           "gradient clipping is turned off. grad = max(min(grad, clip_gradient), "
           "-clip_gradient).")
_MOMENTUM = _p("momentum", "float, optional, default=0",
               "The decay rate of momentum estimates at each epoch.")
_LAZY = _p("lazy_update", "boolean, optional, default=1",
           "If true, lazy updates are applied if gradient's stype is row_sparse.")
_LAZY_MOM = _p("lazy_update", "boolean, optional, default=1",      # the momentum forms' wording
               "If true, lazy updates are applied if gradient's stype is row_sparse and both "
               "weight and momentum have the same stype")
_LRS = _p("lrs", "tuple of <float>, required", "Learning rates.")
_WDS = _p("wds", "tuple of <float>, required",
          "Weight decay augments the objective function with a regularization term that "
          "penalizes large weights. The penalty scales with the square of the magnitude of each "
          "weight.")
_NUM_WEIGHTS = _p("num_weights", "int, optional, default='1'", "Number of updated weights.")
_BETA1 = _p("beta1", "float, optional, default=0.899999976",
            "The decay rate for the 1st moment estimates.")
_BETA2 = _p("beta2", "float, optional, default=0.999000013",
            "The decay rate for the 2nd moment estimates.")
_EPS8 = _p("epsilon", "float, optional, default=9.99999994e-09",
           "A small constant for numerical stability.")
_EPS6 = _p("epsilon", "float, optional, default=9.99999997e-07",
           "A small constant for numerical stability.")
_CLIP_WEIGHTS = _p("clip_weights", "float, optional, default=-1",
                   "Clip weights to the range of [-clip_weights, clip_weights] If clip_weights "
                   "<= 0, weight clipping is turned off. weights = max(min(weights, "
                   "clip_weights), -clip_weights).")


def _clip(xp, x, bound):
    """mshadow_op::clip: the box [-bound, bound]; a negative bound turns clipping off."""
    return xp.clip(x, -bound, bound) if bound >= 0 else x


def _sign(xp, x):
    # MXNet's (x > 0) - (x < 0): 0 for zero and NaN
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


class _Update(OpDef):
    """Common rules: every input and the output share one shape; the states listed in
    ``float32_inputs`` (master weights, mixed-precision states) are float32, the rest share
    the weight's dtype. No gradient (MXNet registers none)."""

    family = "optimizer"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    float32_inputs: tuple = ()
    float32_output = False

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        names = self.input_names(p)
        for i, n in enumerate(names):
            if n in self.float32_inputs:
                type_assign_check(ins, i, _F32)
        same = [i for i, n in enumerate(names) if n not in self.float32_inputs]
        sub_in = [ins[i] for i in same]
        if self.float32_output:
            type_assign_check(outs, 0, _F32)
            uniform_type(sub_in, [])
        else:
            uniform_type(sub_in, outs)
        for i, t in zip(same, sub_in, strict=True):
            ins[i] = t

    def forward(self, p, ins, outs, is_train, rt):
        type(self).kernel(p, ins, outs[0], rt.xp)



def _scalars(dtype, *values):
    """The parameters as scalars of the kernel's type (MXNet's ``static_cast<DType>``)."""
    t = np.dtype(dtype).type
    return [t(v) for v in values]


def _define(cls):
    """Register a generated operator class and keep it as a module global, so that its
    docstring example runs as a doctest."""
    globals()[cls.__name__] = register(cls)
    return cls


def _register_update(name, inputs, mutates, params, kernel, doc, aliases=(),
                     float32_inputs=(), float32_output=False):
    return _define(type(name, (_Update,), {
        "name": name, "aliases": aliases, "inputs": inputs, "mutates": mutates,
        "params": params, "kernel": staticmethod(kernel), "__doc__": doc,
        "float32_inputs": float32_inputs, "float32_output": float32_output,
        "__module__": __name__}))


# ---------------------------------------------------------------- SGD family
def _scaled_grad(xp, g, dtype, lr, rs, clip):
    """A fresh array ``lr * clip(rs * g)``, or ``(lr * rs) * g`` unclipped (MXNet's orders)."""
    if clip >= 0:
        step = g.astype(dtype)
        step *= rs
        xp.clip(step, -clip, clip, out=step)
        step *= lr
        return step
    if g.dtype != dtype:
        step = g.astype(dtype)
        step *= lr * rs
        return step
    return g * (lr * rs)


def _momentum_into(xp, mom, w, step, mu, lr_wd):
    """``mom = momentum * mom - (lr * wd) * w - step`` in place, evaluated as MXNet does."""
    mom *= mu
    if lr_wd != 0:      # (lr * wd) * w is exactly zero for finite weights: skip the pass
        mom -= w * lr_wd
    mom -= step


def _apply(xp, out, master, delta):
    """``out = master + delta`` (in place when ``out`` is ``master``, as optimizers call)."""
    if out is master or xp.shares_memory(out, master):
        master += delta
    else:
        xp.add(master, delta, out=out)


def _sgd(p, ins, out, xp):
    w, g = ins
    lr, wd, rs, clip = _scalars(w.dtype, p.lr, p.wd, p.rescale_grad, p.clip_gradient)
    if clip >= 0:
        out[...] = (1 - lr * wd) * w - lr * _clip(xp, rs * g, clip)
    else:
        out[...] = (1 - lr * wd) * w - (lr * rs) * g


def _sgd_mom(p, ins, out, xp):
    w, g, mom = ins
    mu, lr, wd, rs, clip = _scalars(w.dtype, p.momentum, p.lr, p.wd, p.rescale_grad,
                                    p.clip_gradient)
    _momentum_into(xp, mom, w, _scaled_grad(xp, g, w.dtype, lr, rs, clip), mu, lr * wd)
    _apply(xp, out, w, mom)


def _mp_sgd(p, ins, out, xp):
    _, g, w32 = ins
    lr, wd, rs, clip = _scalars(_F32, p.lr, p.wd, p.rescale_grad, p.clip_gradient)
    g32 = g.astype(_F32)
    if clip >= 0:
        w32[...] = (1 - lr * wd) * w32 - lr * _clip(xp, rs * g32, clip)
    else:
        w32[...] = (1 - lr * wd) * w32 - (lr * rs) * g32
    out[...] = w32


def _mp_sgd_mom(p, ins, out, xp):
    _, g, mom, w32 = ins
    mu, lr, wd, rs, clip = _scalars(_F32, p.momentum, p.lr, p.wd, p.rescale_grad,
                                    p.clip_gradient)
    _momentum_into(xp, mom, w32, _scaled_grad(xp, g, _F32, lr, rs, clip), mu, lr * wd)
    w32 += mom
    out[...] = w32


_SGD_DOC = """Update function for Stochastic Gradient Descent (SGD) optimizer.

    It updates the weights using::

     weight = weight - learning_rate * (gradient + wd * weight)

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> mx.nd.sgd_update(w, g, lr=0.5, out=w).asnumpy()
    array([0.5, 0.5], dtype=float32)
    """
_SGD_MOM_DOC = """Momentum update function for Stochastic Gradient Descent (SGD) optimizer.

    Momentum update has better convergence rates on neural networks::

     v = momentum * v - learning_rate * (gradient + wd * weight)
     weight += v

    The momentum ``mom`` is updated in place.

    >>> import symnb as mx
    >>> w, g, m = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> mx.nd.sgd_mom_update(w, g, m, lr=0.5, momentum=0.9, out=w).asnumpy()
    array([1.4, 1.4], dtype=float32)
    >>> m.asnumpy().round(4)
    array([0.4, 0.4], dtype=float32)
    """
_MP_DOC = """%s with a float32 master copy ``weight32`` (updated in place) of a float16 weight.

    >>> import symnb as mx
    >>> w = mx.nd.ones((2,), dtype='float16')
    >>> w32, g = w.astype('float32'), mx.nd.ones((2,), dtype='float16')
    >>> mx.nd.%s(%s, lr=0.5, out=w).asnumpy()
    array([0.5, 0.5], dtype=float16)
    """

_register_update("sgd_update", ("weight", "grad"), (), (_LR, _WD, _RESCALE, _CLIP, _LAZY), _sgd,
                 _SGD_DOC, aliases=("_sparse_sgd_update",))
_register_update("sgd_mom_update", ("weight", "grad", "mom"), ("mom",),
                 (_LR, _MOMENTUM, _WD, _RESCALE, _CLIP, _LAZY_MOM), _sgd_mom, _SGD_MOM_DOC,
                 aliases=("_sparse_sgd_mom_update",))
_register_update("mp_sgd_update", ("weight", "grad", "weight32"), ("weight32",),
                 (_LR, _WD, _RESCALE, _CLIP, _LAZY), _mp_sgd,
                 _MP_DOC % ("Updater function for multi-precision sgd optimizer",
                            "mp_sgd_update", "w, g, w32"),
                 float32_inputs=("weight32",))
_register_update("mp_sgd_mom_update", ("weight", "grad", "mom", "weight32"), ("mom", "weight32"),
                 (_LR, _MOMENTUM, _WD, _RESCALE, _CLIP, _LAZY_MOM), _mp_sgd_mom,
                 _MP_DOC % ("Updater function for multi-precision sgd optimizer with momentum",
                            "mp_sgd_mom_update", "w, g, mx.nd.zeros((2,)), w32"),
                 float32_inputs=("mom", "weight32"))


# ---------------------------------------------------------------- NAG
def _nag_mom(p, ins, out, xp):
    w, g, mom = ins
    mu, lr, wd, rs, clip = _scalars(w.dtype, p.momentum, p.lr, p.wd, p.rescale_grad,
                                    p.clip_gradient)
    grad = _clip(xp, rs * g, clip)
    mom *= mu
    out[...] = w - mom + (mu + 1) * (mom - lr * (grad + wd * w))
    # MXNet reads the weight again after writing the output: with out=weight it sees the
    # new weight here (optimizer_op-inl.h NAGMomKernel)
    mom[...] = mom - lr * (grad + wd * w)


def _mp_nag_mom(p, ins, out, xp):
    _, g, mom, w32 = ins
    mu, lr, wd, rs, clip = _scalars(_F32, p.momentum, p.lr, p.wd, p.rescale_grad,
                                    p.clip_gradient)
    grad = _clip(xp, rs * g.astype(_F32), clip)
    mom *= mu
    new = w32 - mom + (mu + 1) * (mom - lr * (grad + wd * w32))
    mom[...] = mom - lr * (grad + wd * new)
    w32[...] = new
    out[...] = new


_register_update("nag_mom_update", ("weight", "grad", "mom"), ("mom",),
                 (_LR, _MOMENTUM, _WD, _RESCALE, _CLIP), _nag_mom,
                 """Update function for Nesterov Accelerated Gradient (NAG) optimizer.

    >>> import symnb as mx
    >>> w, g, m = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,))
    >>> mx.nd.nag_mom_update(w, g, m, lr=0.5, momentum=0.5, out=w).asnumpy()
    array([0.25, 0.25], dtype=float32)
    """)
_register_update("mp_nag_mom_update", ("weight", "grad", "mom", "weight32"), ("mom", "weight32"),
                 (_LR, _MOMENTUM, _WD, _RESCALE, _CLIP), _mp_nag_mom,
                 _MP_DOC % ("Update function for multi-precision Nesterov Accelerated Gradient",
                            "mp_nag_mom_update", "w, g, mx.nd.zeros((2,)), w32"),
                 float32_inputs=("mom", "weight32"))


# ---------------------------------------------------------------- Adam, RMSProp, FTML, Ftrl
def _adam(p, ins, out, xp):
    w, g, mean, var = ins
    b1, b2, lr, wd, rs, eps, clip = _scalars(w.dtype, p.beta1, p.beta2, p.lr, p.wd,
                                             p.rescale_grad, p.epsilon, p.clip_gradient)
    grad = _clip(xp, g * rs + w * wd, clip)
    one = b1.dtype.type(1)
    mean[...] = b1 * mean + (one - b1) * grad
    var[...] = b2 * var + (one - b2) * grad * grad
    out[...] = w - lr * mean / (xp.sqrt(var) + eps)


_register_update("adam_update", ("weight", "grad", "mean", "var"), ("mean", "var"),
                 (_LR, _BETA1, _BETA2, _EPS8, _WD, _RESCALE, _CLIP,
                  _p("lazy_update", "boolean, optional, default=1",
                     "If true, lazy updates are applied if gradient's stype is row_sparse and "
                     "all of w, m and v have the same stype")), _adam,
                 """Update function for Adam optimizer (bias correction is the caller's).

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> mean, var = mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.adam_update(w, g, mean, var, lr=0.1, out=w).asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """, aliases=("_sparse_adam_update",))


def _rmsprop(p, ins, out, xp):
    w, g, n = ins
    g1, lr, wd, rs, eps, clip, clip_w = _scalars(w.dtype, p.gamma1, p.lr, p.wd, p.rescale_grad,
                                                 p.epsilon, p.clip_gradient, p.clip_weights)
    grad = _clip(xp, rs * g + wd * w, clip)
    n[...] = (1 - g1) * (grad * grad) + g1 * n
    out[...] = _clip(xp, w - lr * (grad / xp.sqrt(n + eps)), clip_w)


def _rmspropalex(p, ins, out, xp):
    w, g, n, gs, delta = ins
    g1, g2, lr, wd, rs, eps, clip, clip_w = _scalars(
        w.dtype, p.gamma1, p.gamma2, p.lr, p.wd, p.rescale_grad, p.epsilon, p.clip_gradient,
        p.clip_weights)
    grad = _clip(xp, rs * g + wd * w, clip)
    n[...] = (1 - g1) * grad * grad + g1 * n
    gs[...] = (1 - g1) * grad + g1 * gs
    delta[...] = g2 * delta - (lr * grad / xp.sqrt(n - gs * gs + eps))
    out[...] = _clip(xp, w + delta, clip_w)


_GAMMA1 = _p("gamma1", "float, optional, default=0.949999988",
             "The decay rate of momentum estimates.")
_register_update("rmsprop_update", ("weight", "grad", "n"), ("n",),
                 (_LR, _GAMMA1, _EPS8, _WD, _RESCALE, _CLIP, _CLIP_WEIGHTS), _rmsprop,
                 """Update function for RMSProp optimizer (Tieleman & Hinton).

    >>> import symnb as mx
    >>> w, g, n = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,))
    >>> mx.nd.rmsprop_update(w, g, n, lr=0.1, out=w).asnumpy().round(4)
    array([0.5528, 0.5528], dtype=float32)
    """)
_register_update("rmspropalex_update", ("weight", "grad", "n", "g", "delta"),
                 ("n", "g", "delta"),
                 (_LR, _p("gamma1", "float, optional, default=0.949999988", "Decay rate."),
                  _p("gamma2", "float, optional, default=0.899999976", "Decay rate."),
                  _EPS8, _WD, _RESCALE, _CLIP, _CLIP_WEIGHTS), _rmspropalex,
                 """Update function for RMSPropAlex optimizer (Graves' centered RMSProp).

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> n, gs, d = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.rmspropalex_update(w, g, n, gs, d, lr=0.1, out=w).asnumpy().round(4)
    array([0.5412, 0.5412], dtype=float32)
    """)


def _ftml(p, ins, out, xp):
    w, g, d, v, z = ins
    lr, b1, b2, eps, t, wd, rs, clip = _scalars(w.dtype, p.lr, p.beta1, p.beta2, p.epsilon,
                                                p.t, p.wd, p.rescale_grad, p.clip_grad)
    one = lr.dtype.type(1)
    grad = _clip(xp, rs * g + wd * w, clip)
    v[...] = b2 * v + (one - b2) * (grad * grad)
    d_t = (one - b1 ** t) / lr * (xp.sqrt(v / (one - b2 ** t)) + eps)
    z[...] = b1 * z + (one - b1) * grad - (d_t - b1 * d) * w
    d[...] = d_t
    out[...] = -z / d_t


_register_update("ftml_update", ("weight", "grad", "d", "v", "z"), ("d", "v", "z"),
                 (_p("lr", "float, required", "Learning rate."),
                  Param("beta1", "float, optional, default=0.600000024",
                        "Generally close to 0.5.", lower=0.0, upper=1.0),
                  Param("beta2", "float, optional, default=0.999000013",
                        "Generally close to 1.", lower=0.0, upper=1.0),
                  _p("epsilon", "double, optional, default=9.9999999392252903e-09",
                     "Epsilon to prevent div 0."),
                  _p("t", "int, required", "Number of update."), _WD, _RESCALE,
                  _p("clip_grad", "float, optional, default=-1",
                     "Clip gradient to the range of [-clip_gradient, clip_gradient] If "
                     "clip_gradient <= 0, gradient clipping is turned off. grad = "
                     "max(min(grad, clip_gradient), -clip_gradient).")), _ftml,
                 """The FTML optimizer (Follow the Moving Leader) update.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> d, v, z = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.ftml_update(w, g, d, v, z, lr=0.1, t=1, out=w).asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """)


def _ftrl(p, ins, out, xp):
    w, g, z, n = ins
    lr, l1, beta, wd, rs, clip = _scalars(w.dtype, p.lr, p.lamda1, p.beta, p.wd, p.rescale_grad,
                                          p.clip_gradient)
    grad = _clip(xp, g * rs, clip)
    z += grad - (xp.sqrt(n + grad * grad) - xp.sqrt(n)) * w / lr
    n += grad * grad
    out[...] = ((_sign(xp, z) * l1 - z) / ((beta + xp.sqrt(n)) / lr + wd)
                * (xp.abs(z) > l1).astype(w.dtype))


_register_update("ftrl_update", ("weight", "grad", "z", "n"), ("z", "n"),
                 (_LR, _p("lamda1", "float, optional, default=0.00999999978",
                          "The L1 regularization coefficient."),
                  _p("beta", "float, optional, default=1", "Per-Coordinate Learning Rate beta."),
                  _WD, _RESCALE, _CLIP), _ftrl,
                 """Update function for Ftrl optimizer.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> z, n = mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.ftrl_update(w, g, z, n, lr=0.1, out=w).asnumpy().round(4)
    array([0.4495, 0.4495], dtype=float32)
    """, aliases=("_sparse_ftrl_update",))


# ---------------------------------------------------------------- sign methods
def _signsgd(p, ins, out, xp):
    w, g = ins
    lr, wd = _scalars(w.dtype, p.lr, p.wd)
    # rescale_grad and clip_gradient cannot change a sign (MXNet ignores them too)
    out[...] = (1 - lr * wd) * w - lr * _sign(xp, g)


def _signum(p, ins, out, xp):
    w, g, mom = ins
    mu, lr, wd, rs, clip, wd_lh = _scalars(w.dtype, p.momentum, p.lr, p.wd, p.rescale_grad,
                                           p.clip_gradient, p.wd_lh)
    one = mu.dtype.type(1)
    mom[...] = mu * mom - (one - mu) * wd * w - (one - mu) * _clip(xp, rs * g, clip)
    out[...] = (1 - lr * wd_lh) * w + lr * _sign(xp, mom)


_register_update("signsgd_update", ("weight", "grad"), (), (_LR, _WD, _RESCALE, _CLIP), _signsgd,
                 """Update function for SignSGD optimizer: ``weight -= lr * sign(grad)``.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((3,)), mx.nd.array([2, 0, -3])
    >>> mx.nd.signsgd_update(w, g, lr=0.5, out=w).asnumpy()
    array([0.5, 1. , 1.5], dtype=float32)
    """)
_register_update("signum_update", ("weight", "grad", "mom"), ("mom",),
                 (_LR, _MOMENTUM, _WD, _RESCALE, _CLIP,
                  _p("wd_lh", "float, optional, default=0",
                     "The amount of weight decay that does not go into gradient/momentum "
                     "calculationsotherwise do weight decay algorithmically only.")), _signum,
                 """SIGN momentUM (Signum) optimizer update.

    >>> import symnb as mx
    >>> w, g, m = mx.nd.ones((2,)), mx.nd.array([2, -1]), mx.nd.zeros((2,))
    >>> mx.nd.signum_update(w, g, m, lr=0.5, momentum=0.9, out=w).asnumpy()
    array([0.5, 1.5], dtype=float32)
    """)


# ---------------------------------------------------------------- LAMB
_LAMB1_PARAMS = (
    _BETA1, _BETA2, _EPS6, _p("t", "int, required", "Index update count."),
    _p("bias_correction", "boolean, optional, default=1", "Whether to use bias correction."),
    _p("wd", "float, required",
       "Weight decay augments the objective function with a regularization term that "
       "penalizes large weights. The penalty scales with the square of the magnitude of each "
       "weight."), _RESCALE, _CLIP)
_LAMB2_PARAMS = (
    _LR, _p("lower_bound", "float, optional, default=-1",
            "Lower limit of norm of weight. If lower_bound <= 0, Lower limit is not set"),
    _p("upper_bound", "float, optional, default=-1",
       "Upper limit of norm of weight. If upper_bound <= 0, Upper limit is not set"))


def _lamb_g(p, w, g, mean, var, xp, dtype):
    b1, b2, eps, wd, rs, clip = _scalars(dtype, p.beta1, p.beta2, p.epsilon, p.wd,
                                         p.rescale_grad, p.clip_gradient)
    one = b1.dtype.type(1)
    grad = _clip(xp, g.astype(dtype) * rs, clip)
    mean[...] = b1 * mean + (one - b1) * grad
    var[...] = b2 * var + (one - b2) * grad * grad
    if not p.bias_correction:
        return mean / (xp.sqrt(var) + eps) + wd * w
    # beta^t in float (std::pow on float), then 1 - it in double for the mean (1. - beta1_t)
    b1_t, b2_t = _scalars(dtype, np.float32(p.beta1) ** p.t, np.float32(p.beta2) ** p.t)
    mean_hat = (mean / (1.0 - np.float64(b1_t))).astype(dtype)
    var_hat = var / (one - b2_t)
    return mean_hat / (xp.sqrt(var_hat) + eps) + wd * w


def _lamb1(p, ins, out, xp):
    w, g, mean, var = ins
    out[...] = _lamb_g(p, w, g, mean, var, xp, w.dtype)


def _mp_lamb1(p, ins, out, xp):
    _, g, mean, var, w32 = ins
    out[...] = _lamb_g(p, w32, g, mean, var, xp, _F32)


def _lamb_lr(p, r1, r2, dtype):
    lr, lower, upper = _scalars(dtype, p.lr, p.lower_bound, p.upper_bound)
    r1 = r1.reshape(-1)[0].item()
    r2 = r2.reshape(-1)[0].item()
    r1, r2 = _scalars(dtype, r1, r2)
    if lower >= 0:
        r1 = max(r1, lower)
    if upper >= 0:
        r1 = min(r1, upper)
    return lr if r1 == 0 or r2 == 0 else lr * r1 / r2


def _lamb2(p, ins, out, xp):
    w, g, r1, r2 = ins
    out[...] = w - _lamb_lr(p, r1, r2, w.dtype) * g


def _mp_lamb2(p, ins, out, xp):
    _, g, r1, r2, w32 = ins
    # MXNet writes only the output: the master copy weight32 is left as it was
    out[...] = w32 - _lamb_lr(p, r1, r2, _F32) * g


class _LambPhaseTwo(_Update):
    """Phase two: r1, r2 (the norms) have shape (1,)."""

    def infer_shape(self, p, ins, outs):
        for i in (2, 3):
            shape_assign(ins, i, (1,))
        sub = [ins[0], ins[1]] + ([ins[4]] if len(ins) > 4 else [])
        elemwise_shape(sub, outs)
        ins[0], ins[1] = sub[0], sub[1]
        if len(ins) > 4:
            ins[4] = sub[2]


_register_update("lamb_update_phase1", ("weight", "grad", "mean", "var"), ("mean", "var"),
                 _LAMB1_PARAMS, _lamb1,
                 """Phase I of the LAMB update: updates mean and var, returns the direction g.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> mean, var = mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.lamb_update_phase1(w, g, mean, var, t=1, wd=0.1).asnumpy().round(4)
    array([1.1, 1.1], dtype=float32)
    """)
_register_update("mp_lamb_update_phase1", ("weight", "grad", "mean", "var", "weight32"),
                 ("mean", "var", "weight32"), _LAMB1_PARAMS, _mp_lamb1,
                 """Mixed-precision phase I of the LAMB update (float16 weight, float32 states).

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> mean, var = mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.mp_lamb_update_phase1(w, g, mean, var, w.astype('float32'), t=1,
    ...                             wd=0.1).asnumpy().round(4)
    array([1.1, 1.1], dtype=float32)
    """, float32_inputs=("mean", "var", "weight32"), float32_output=True)
_define(type("lamb_update_phase2", (_LambPhaseTwo,), {
    "name": "lamb_update_phase2", "inputs": ("weight", "g", "r1", "r2"), "mutates": (),
    "params": _LAMB2_PARAMS, "kernel": staticmethod(_lamb2), "__module__": __name__,
    "__doc__": """Phase II of the LAMB update: ``weight -= lr * r1 / r2 * g``.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> r1, r2 = mx.nd.array([2.]), mx.nd.array([4.])
    >>> mx.nd.lamb_update_phase2(w, g, r1, r2, lr=0.1, out=w).asnumpy()
    array([0.95, 0.95], dtype=float32)
    """}))
_define(type("mp_lamb_update_phase2", (_LambPhaseTwo,), {
    "name": "mp_lamb_update_phase2", "inputs": ("weight", "g", "r1", "r2", "weight32"),
    "mutates": ("weight32",), "params": _LAMB2_PARAMS, "kernel": staticmethod(_mp_lamb2),
    "float32_inputs": ("g", "r1", "r2", "weight32"), "__module__": __name__,
    "__doc__": """Mixed-precision phase II of the LAMB update.

    >>> import symnb as mx
    >>> w = mx.nd.ones((2,), dtype='float16')
    >>> g, r1, r2 = mx.nd.ones((2,)), mx.nd.array([2.]), mx.nd.array([4.])
    >>> mx.nd.mp_lamb_update_phase2(w, g, r1, r2, w.astype('float32'), lr=0.1,
    ...                             out=w).asnumpy()
    array([0.95, 0.95], dtype=float16)
    """}))


# ---------------------------------------------------------------- AdamW (contrib)
_ADAMW_PARAMS = (_LR, _BETA1, _BETA2, _EPS8,
                 _p("wd", "float, optional, default=0",
                    "Weight decay augments the objective function with a regularization term "
                    "that penalizes large weights. The penalty scales with the square of the "
                    "magnitude of each weight."),
                 _p("eta", "float, required", "Learning rate schedule multiplier"), _CLIP)


def _scale_of(rescale):
    """The rescale_grad input as a float; None when MXNet skips the update (inf, nan, 0)."""
    value = float(rescale.reshape(-1)[0].item())
    return value if math.isfinite(value) and value != 0 else None


def _adamw(p, ins, out, xp):
    w, g, mean, var, rescale = ins
    scale = _scale_of(rescale)
    if scale is None:
        return
    b1, b2, lr, wd, eps, eta, clip, rs = _scalars(w.dtype, p.beta1, p.beta2, p.lr, p.wd,
                                                  p.epsilon, p.eta, p.clip_gradient, scale)
    one = b1.dtype.type(1)
    # MXNet rescales and clips the gradient array itself (AdamWUpdate writes grad)
    g *= rs
    if clip >= 0:
        xp.clip(g, -clip, clip, out=g)
    mean[...] = b1 * mean + (one - b1) * g
    var[...] = b2 * var + (one - b2) * (g * g)
    out[...] = w - eta * (lr * mean / (xp.sqrt(var) + eps) + wd * w)


def _mp_adamw(p, ins, out, xp):
    _, g, mean, var, w32, rescale = ins
    scale = _scale_of(rescale)
    if scale is None:
        return
    b1, b2, lr, wd, eps, eta, clip, rs = _scalars(_F32, p.beta1, p.beta2, p.lr, p.wd,
                                                  p.epsilon, p.eta, p.clip_gradient, scale)
    one = _F32.type(1)
    grad = _clip(xp, rs * g.astype(_F32), clip)
    mean[...] = b1 * mean + (one - b1) * grad
    var[...] = b2 * var + (one - b2) * (grad * grad)
    w32[...] = w32 - eta * (lr * mean / (xp.sqrt(var) + eps) + wd * w32)
    out[...] = w32


class _AdamW(_Update):
    """AdamW: the last input ``rescale_grad`` is an array of one value."""

    def infer_shape(self, p, ins, outs):
        sub = list(ins[:-1])
        elemwise_shape(sub, outs)
        ins[:-1] = sub

    def infer_type(self, p, ins, outs):
        # the scale is float32 whatever the weight's type; the rest as the other updates
        scale = ins[-1]
        ins[-1] = _F32
        super().infer_type(p, ins, outs)
        ins[-1] = scale
        type_assign_check(ins, len(ins) - 1, _F32)


_define(type("_adamw_update", (_AdamW,), {
    "name": "_adamw_update", "inputs": ("weight", "grad", "mean", "var", "rescale_grad"),
    "mutates": ("mean", "var"), "params": _ADAMW_PARAMS, "kernel": staticmethod(_adamw),
    "__module__": __name__,
    "__doc__": """Update function for the AdamW optimizer (decoupled weight decay).

    ``rescale_grad`` is an array; a non-finite or zero value skips the update.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> mean, var, scale = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.array([1.])
    >>> mx.nd._internal._adamw_update(w, g, mean, var, scale, lr=0.1, eta=1.0,
    ...                               out=w).asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """}))
_define(type("_mp_adamw_update", (_AdamW,), {
    "name": "_mp_adamw_update",
    "inputs": ("weight", "grad", "mean", "var", "weight32", "rescale_grad"),
    "mutates": ("mean", "var", "weight32"), "params": _ADAMW_PARAMS,
    "kernel": staticmethod(_mp_adamw),
    "float32_inputs": ("mean", "var", "weight32", "rescale_grad"),
    "__module__": __name__,
    "__doc__": """Mixed-precision AdamW update (float16 weight, float32 states and master).

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> mean, var, scale = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.array([1.])
    >>> mx.nd._internal._mp_adamw_update(w, g, mean, var, w.astype('float32'), scale,
    ...                                  lr=0.1, eta=1.0, out=w).asnumpy()
    array([0.6836, 0.6836], dtype=float16)
    """}))


# ---------------------------------------------------------------- row_sparse-only updates
class _RowSparseOnly(_Update):
    """MXNet implements these for row_sparse gradients only; symnb's arrays are dense, so a
    call fails with MXNet's message for dense inputs."""

    def forward(self, p, ins, outs, is_train, rt):
        raise MXNetError(type(self).dense_error % {"device": "CPU" if rt.xp is np else "GPU"})


_define(type("_sparse_adagrad_update", (_RowSparseOnly,), {
    "name": "_sparse_adagrad_update", "inputs": ("weight", "grad", "history"),
    "mutates": ("history",), "__module__": __name__,
    "params": (_LR, _p("epsilon", "float, optional, default=1.00000001e-07", "epsilon"),
               _p("wd", "float, optional, default=0", "weight decay"), _RESCALE, _CLIP),
    "dense_error": "MXNetError: Check failed: infer_stype_success: Operator not implemented: "
                   "operator = _sparse_adagrad_update\ninput storage types = [default, "
                   "default, default, ]\noutput storage types = [default, ]",
    "__doc__": """AdaGrad update for row_sparse gradients (``mx.nd.sparse.adagrad_update``).

    >>> import symnb as mx
    >>> w, g, h = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,))
    >>> mx.nd.sparse.adagrad_update(w, g, h, lr=0.1, out=w)
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: MXNetError: Check failed: infer_stype_success: Operator not ...
    """}))
_define(type("_contrib_group_adagrad_update", (_RowSparseOnly,), {
    "name": "_contrib_group_adagrad_update", "inputs": ("weight", "grad", "history"),
    "mutates": ("history",), "__module__": __name__,
    "params": (_LR, _RESCALE, _CLIP,
               _p("epsilon", "float, optional, default=9.99999975e-06",
                  "Epsilon for numerical stability")),
    "dense_error": "MXNetError: Operator _contrib_group_adagrad_update is not implemented for "
                   "%(device)s.",
    "__doc__": """Group AdaGrad update for row_sparse gradients (one history value per row).

    >>> import symnb as mx
    >>> w, g, h = mx.nd.ones((3, 2)), mx.nd.ones((3, 2)), mx.nd.zeros((3, 1))
    >>> mx.nd.contrib.group_adagrad_update(w, g, h, lr=0.1, out=w)
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: MXNetError: Operator _contrib_group_adagrad_update is not ...
    """,
    "infer_shape": lambda self, p, ins, outs: _group_shape(ins, outs)}))


def _group_shape(ins, outs):
    sub = [ins[0], ins[1]]
    elemwise_shape(sub, outs)
    ins[0], ins[1] = sub
    if ins[0] is not None and ins[2] is None:
        ins[2] = (ins[0][0], 1)
