"""Normalisation by groups and by L2 norm: GroupNorm, L2Normalization.

Both keep what their backward needs as hidden outputs (GroupNorm: mean and std per sample
and group; L2Normalization: the norms), as MXNet does.
"""
from __future__ import annotations

import math

from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import NOT_REAL, fully_known, uniform_type
from .shape import check, sassign

__all__ = []


@register
class GroupNorm(OpDef):
    """Normalises each sample over groups of channels: ``data`` (N, C, ...) is viewed as
    (N, G, C/G, ...), standardised over all but the first two axes, then scaled by ``gamma``
    and shifted by ``beta``, one value per group (MXNet 1.9.1: shape ``(num_groups,)``).

    >>> import symnb as mx
    >>> g = mx.sym.GroupNorm(mx.sym.var('data'), num_groups=2, name='g')
    >>> g.infer_shape(data=(2, 4, 3))[0]
    [(2, 4, 3), (2,), (2,)]
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "GroupNorm"
    refused_dtypes = NOT_REAL
    family = "norm"
    inputs = ("data", "gamma", "beta")
    roles = {"gamma": "weight", "beta": "bias"}
    num_outputs_total_default = 3
    params = (
        Param("num_groups", "int, optional, default='1'", "Total number of groups."),
        Param("eps", "float, optional, default=9.99999975e-06",
              "An `epsilon` parameter to prevent division by 0."),
        Param("output_mean_var", "boolean, optional, default=0",
              "Output the mean and std calculated along the given axis."),
    )

    def output_names(self, p):
        return ("output", "mean", "std") if p.output_mean_var else ("output",)

    def hidden_output_names(self, p):
        return ("output", "mean", "std")

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        check(len(data) >= 3, "dshape.ndim() >= 3U (%d vs. 3) :" % len(data))
        # MXNet checks even an unknown channel count (-1), with C's remainder
        channels = data[1] or -1
        rem = int(math.fmod(channels, p.num_groups))
        check(rem == 0, "dshape[1] %% num_groups == 0 (%d vs. 0) : # of channels must be "
              "divisible by # of groups" % rem)
        # assigned, not checked, as MXNet does
        ins[1] = ins[2] = (p.num_groups,)
        sassign(outs, 0, data)
        sassign(outs, 1, (data[0], p.num_groups))
        sassign(outs, 2, (data[0], p.num_groups))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def _grouped(self, p, x):
        n, c = x.shape[:2]
        return x.reshape((n, p.num_groups, c // p.num_groups) + x.shape[2:])

    def _param_shape(self, p, ndim):
        return (1, p.num_groups) + (1,) * (ndim - 2)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        g = self._grouped(p, x)
        red = tuple(range(2, g.ndim))
        mean = g.mean(axis=red, keepdims=True)
        std = xp.sqrt(((g - mean) ** 2).mean(axis=red, keepdims=True) + x.dtype.type(p.eps))
        shape = self._param_shape(p, g.ndim)
        y = (g - mean) / std * ins[1].reshape(shape) + ins[2].reshape(shape)
        outs[0][...] = y.reshape(x.shape)
        outs[1][...] = mean.reshape(outs[1].shape)
        outs[2][...] = std.reshape(outs[2].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x, gamma = ins[0], ins[1]
        g = self._grouped(p, x)
        dy = self._grouped(p, ograds[0])
        red = tuple(range(2, g.ndim))
        shape = self._param_shape(p, g.ndim)
        kept = outs[1].shape + (1,) * (g.ndim - 2)
        mean, std = outs[1].reshape(kept), outs[2].reshape(kept)
        xhat = (g - mean) / std
        if igrads[0] is not None:
            dxhat = dy * gamma.reshape(shape)
            dx = (dxhat - dxhat.mean(axis=red, keepdims=True)
                  - xhat * (dxhat * xhat).mean(axis=red, keepdims=True)) / std
            assign(igrads[0], dx.reshape(x.shape), reqs[0])
        others = (0,) + red
        if igrads[1] is not None:
            assign(igrads[1], (dy * xhat).sum(axis=others), reqs[1])
        if igrads[2] is not None:
            assign(igrads[2], dy.sum(axis=others), reqs[2])


@register
class L2Normalization(OpDef):
    """``data`` divided by its L2 norm ``sqrt(sum(x**2) + eps)`` per ``instance`` (all axes
    but the first), per ``channel`` (axis 1) or per ``spatial`` position set (axes 2...).

    >>> import symnb as mx
    >>> mx.nd.L2Normalization(mx.nd.array([[3, 4]])).asnumpy()
    array([[0.6, 0.8]], dtype=float32)
    """

    name = "L2Normalization"
    refused_dtypes = NOT_REAL
    family = "norm"
    num_outputs_total_default = 2
    params = (
        Param("eps", "float, optional, default=1.00000001e-10",
              "A small constant for numerical stability."),
        Param("mode", "{'channel', 'instance', 'spatial'},optional, default='instance'",
              "Specify the dimension along which to compute L2 norm."),
    )

    def hidden_output_names(self, p):
        return ("output", "norm")

    def _axes(self, p, ndim):
        if p.mode == "instance":
            return tuple(range(1, ndim))
        if p.mode == "channel":
            return (1,)
        return tuple(range(2, ndim))

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        ndim = -1 if data is None else len(data)
        if p.mode == "instance":
            check(ndim > 0, "i >= 0 && i < ndim(): index = 0 must be in range [0, %d)" % ndim)
        else:
            check(ndim >= 3, "dshape.ndim() >= 3 (%d vs. 3) : At lease 3 dimensions required "
                  "in %s mode" % (ndim, p.mode))
        if not fully_known(data):
            return
        sassign(outs, 0, data)
        axes = self._axes(p, len(data))
        sassign(outs, 1, tuple(d for i, d in enumerate(data) if i not in axes))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        axes = self._axes(p, x.ndim)
        norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True) + x.dtype.type(p.eps))
        outs[0][...] = x / norm
        outs[1][...] = norm.reshape(outs[1].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        x, y, g = ins[0], outs[0], ograds[0]
        axes = self._axes(p, x.ndim)
        kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        norm = outs[1].reshape(kept)
        dx = (g - y * (g * y).sum(axis=axes, keepdims=True)) / norm
        assign(igrads[0], dx.astype(x.dtype, copy=False), reqs[0])
