"""Correlation: patch comparisons between two feature maps (FlowNet's correlation layer).

For every output position ``(i, j)`` and displacement ``q`` of the ``D x D`` neighbourhood
(``D = 2 * (max_displacement // stride2) + 1``), MXNet's CPU kernel compares the
``kernel_size x kernel_size`` patch of the padded ``data1`` whose top-left corner is
``(i * stride1 + max_displacement, j * stride1 + max_displacement)`` with the patch of the
padded ``data2`` displaced by ``q * stride2``: the mean over the patch and the channels of
``a * b`` (``is_multiply``) or ``|a - b|``.

Like MXNet, the layer has two hidden outputs, ``tmp1`` and ``tmp2``: the zero-padded inputs
in NHWC layout, which its backward reads.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import float_only
from .shape import type_assign_check

__all__ = ["correlation_geometry"]

_U32 = 2 ** 32


def _top_size(padded, border, stride1):
    """MXNet's ``uint32(ceil(float(padded - 2 * border) / float(stride1)))`` (unsigned
    arithmetic, float32 rounding: a negative difference comes out as 0 or a huge size)."""
    diff = np.float32((padded - border * 2) % _U32)
    with np.errstate(divide="ignore", invalid="ignore"):
        top = np.ceil(diff / np.float32(stride1))
    if not np.isfinite(top):
        return 0
    return int(top) % _U32


def correlation_geometry(p, height, width):
    """``(top_channels, top_height, top_width, grid_radius, grid_width)`` as MXNet computes
    them (``stride2`` must be positive).

    >>> from symnb.ops import get_op
    >>> p = get_op('Correlation').parse({'max_displacement': '2', 'pad_size': '2'})
    >>> correlation_geometry(p, 5, 6)
    (25, 5, 6, 2, 5)
    """
    if p.stride2 == 0:
        raise InferError("Correlation: stride2 must be positive (MXNet divides by it), got 0")
    radius = ((p.kernel_size - 1) % _U32) // 2
    border = (p.max_displacement + radius) % _U32
    top_w = _top_size(width + 2 * p.pad_size, border, p.stride1)
    top_h = _top_size(height + 2 * p.pad_size, border, p.stride1)
    grid_radius = p.max_displacement // p.stride2
    grid_width = 2 * grid_radius + 1
    return grid_width * grid_width, top_h, top_w, grid_radius, grid_width


def _ndim(s):
    return -1 if s is None else len(s)


@register
class Correlation(OpDef):
    """Correlation of two NCHW feature maps over a neighbourhood of displacements.

    Output ``(N, D * D, top_height, top_width)`` with ``D = 2 * (max_displacement //
    stride2) + 1`` and ``top = ceil((size + 2 * pad_size - 2 * (max_displacement +
    (kernel_size - 1) // 2)) / stride1)``.

    >>> import symnb as mx
    >>> c = mx.sym.Correlation(mx.sym.var('a'), mx.sym.var('b'), max_displacement=1,
    ...                        pad_size=1, name='corr')
    >>> c.infer_shape(a=(1, 3, 4, 4), b=(1, 3, 4, 4))[1]
    [(1, 9, 4, 4)]
    """

    name = "Correlation"
    inputs = ("data1", "data2")
    family = "conv"
    num_outputs_total_default = 3
    params = (
        Param("kernel_size", "int (non-negative), optional, default=1",
              "kernel size for Correlation must be an odd number"),
        Param("max_displacement", "int (non-negative), optional, default=1",
              "Max displacement of Correlation "),
        Param("stride1", "int (non-negative), optional, default=1",
              "stride1 quantize data1 globally"),
        Param("stride2", "int (non-negative), optional, default=1",
              "stride2 quantize data2 within the neighborhood centered around data1"),
        Param("pad_size", "int (non-negative), optional, default=0", "pad for Correlation"),
        Param("is_multiply", "boolean, optional, default=1",
              "operation type is either multiplication or subduction"),
    )

    def hidden_output_names(self, p):
        return ("output", "tmp1", "tmp2")

    def label(self, p, attrs):
        return "Correlation\nd=%d" % p.max_displacement

    def infer_shape(self, p, ins, outs):
        # MXNet's CorrelationProp::InferShape: both inputs must be 4-D (nothing is copied
        # from one to the other), the output comes from data1's shape
        one, two = ins
        for k, s in ((1, one), (2, two)):
            if s is None or len(s) != 4:
                raise InferError("Check failed: dshape%d.ndim() == 4U (%d vs. 4) : data should "
                                 "be a 4D tensor" % (k, _ndim(s)))
        # unknown dims enter MXNet's arithmetic as -1 (a partial height still gives a size)
        n, c, h, w = (d if d else -1 for d in one)
        channels, top_h, top_w, _, _ = correlation_geometry(p, h, w)
        for what, size in (("width", top_w), ("height", top_h)):
            if size < 1:
                raise InferError("Check failed: top_%s_ >= 1U (%d vs. 1) : Correlation cannot "
                                 "be done with current settings.Neighborhood and kernel don't "
                                 "fit in blob" % (what, size))
        padded = tuple(max(d, 0) for d in (n, h + 2 * p.pad_size, w + 2 * p.pad_size, c))
        outs[0] = (max(n, 0), channels, top_h, top_w)
        outs[1] = padded
        outs[2] = padded

    def infer_type(self, p, ins, outs):
        # CorrelationProp::InferType: the first known of data1, data2, the outputs, assigned
        # (and checked) everywhere
        dtype = next((t for t in list(ins) + list(outs) if t is not None), None)
        if dtype is None:
            return
        for lst, n in ((ins, 2), (outs, 3)):
            for i in range(n):
                type_assign_check(lst, i, dtype)

    def _pad(self, xp, x, tmp, pad):
        tmp[...] = 0
        n, c, h, w = x.shape
        rows = min(h, tmp.shape[1] - pad)
        cols = min(w, tmp.shape[2] - pad)
        tmp[:, pad:pad + rows, pad:pad + cols, :] = x[:, :, :rows, :cols].transpose(0, 2, 3, 1)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        one, two = ins
        float_only(one.dtype)
        if p.kernel_size % 2 == 0:
            raise MXNetError("MXNetError: Check failed: param_.kernel_size % 2 != 0 (0 vs. 0) : "
                             "kernel size should be odd number")
        out, tmp1, tmp2 = outs
        self._pad(xp, one, tmp1, p.pad_size)
        self._pad(xp, two, tmp2, p.pad_size)
        n, top_c, top_h, top_w = out.shape
        _, _, _, radius, grid = correlation_geometry(p, one.shape[2], one.shape[3])
        k, s1, s2, md = p.kernel_size, p.stride1, p.stride2, p.max_displacement
        res = xp.zeros(out.shape, out.dtype)
        for q in range(top_c):
            dy = (q // grid - radius) * s2
            dx = (q % grid - radius) * s2
            acc = xp.zeros((n, top_h, top_w), out.dtype)
            for h in range(k):
                for w in range(k):
                    a = _view(tmp1, md + h, md + w, s1, top_h, top_w)
                    b = _view(tmp2, md + h + dy, md + w + dx, s1, top_h, top_w)
                    acc += (a * b if p.is_multiply else xp.abs(a - b)).sum(axis=-1)
            res[:, q] = acc
        out[...] = res / (k * k * one.shape[1])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        one = ins[0]
        g = ograds[0]
        tmp1, tmp2 = outs[1], outs[2]
        n, top_c, top_h, top_w = g.shape
        c, height, width = one.shape[1], one.shape[2], one.shape[3]
        _, _, _, radius, grid = correlation_geometry(p, height, width)
        k, s1, s2, md, pad = (p.kernel_size, p.stride1, p.stride2, p.max_displacement,
                              p.pad_size)
        d1 = xp.zeros(tmp1.shape, g.dtype)
        d2 = xp.zeros(tmp2.shape, g.dtype)
        scale = g.dtype.type(k * k * c)
        for q in range(top_c):
            dy = (q // grid - radius) * s2
            dx = (q % grid - radius) * s2
            gq = g[:, q][..., None]
            for h in range(k):
                for w in range(k):
                    at1 = _window(md + h, md + w, s1, top_h, top_w)
                    at2 = _window(md + h + dy, md + w + dx, s1, top_h, top_w)
                    a, b = tmp1[at1], tmp2[at2]
                    if p.is_multiply:
                        d1[at1] += gq * b / scale
                        d2[at2] += gq * a / scale
                    else:
                        sign = xp.where(a >= b, 1, -1).astype(g.dtype)
                        d1[at1] += gq * sign / scale
                        d2[at2] -= gq * sign / scale
        for grad, req, d in ((igrads[0], reqs[0], d1), (igrads[1], reqs[1], d2)):
            if grad is not None:
                inner = d[:, pad:pad + height, pad:pad + width, :].transpose(0, 3, 1, 2)
                assign(grad, inner[:, :, :grad.shape[2], :grad.shape[3]], req)

def _window(y0, x0, stride, rows, cols):
    return (slice(None), slice(y0, y0 + stride * (rows - 1) + 1, stride),
            slice(x0, x0 + stride * (cols - 1) + 1, stride), slice(None))


def _view(tmp, y0, x0, stride, rows, cols):
    return tmp[_window(y0, x0, stride, rows, cols)]
