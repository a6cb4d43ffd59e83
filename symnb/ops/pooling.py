"""Pooling: windowed reductions of NC(D)(H)W data (UpSampling and Pad are in resample.py).

Pooling makes one pass per kernel offset over strided views of the (padded) input -- a
running max/argmax or a running sum -- and its backward one strided add per offset; global
pooling reduces the flattened plane. Loops run over the few kernel offsets, never over
pixels or the batch. With a stride, the offsets read contiguous stride phases of the input
(``_PoolPlan.views``) instead of strided views.
"""
from __future__ import annotations

from itertools import product

import numpy as np

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import shape_assign
from .conv import (
    check_failed,
    digit_label,
)

_NC_LAYOUTS = {3: "NCW", 4: "NCHW", 5: "NCDHW"}       # by data rank
_ALL = (slice(None), slice(None))


# ----------------------------------------------------------------------------- Pooling
def _lp_pow(xp, x, p):
    # MXNet's a_pow_p: |x| for p=1 but x*x*x (sign kept) for p=3 (pool.h)
    return xp.abs(x) if p == 1 else x * x if p == 2 else x * x * x


def _lp_root(xp, s, p):
    return s if p == 1 else xp.sqrt(s) if p == 2 else xp.cbrt(s)


def _lp_grad(x, out, p):
    # MXNet's lp_grad: p=1 passes the gradient through unchanged (no sign(x) factor)
    return 1 if p == 1 else x / out if p == 2 else (x * x) / (out * out)


class _PoolPlan:
    """Window geometry of one Pooling call: kernel, stride, left pad and the right extension
    needed so that every window ('full'/'same' overhang included) lies in the padded array."""

    __slots__ = ("kernel", "stride", "pad", "right", "out", "sizes")

    def __init__(self, p, in_shape, out_shape):
        self.sizes = tuple(in_shape[2:])
        self.out = tuple(out_shape[2:])
        if p.global_pool:        # MXNet: kernel = the spatial shape, no pad, one window
            self.kernel, self.stride, self.pad = self.sizes, self.sizes, (0,) * len(self.sizes)
        else:
            nd = len(p.kernel)     # longer stride/pad tuples: MXNet ignores the extra entries
            self.kernel = tuple(p.kernel)
            self.stride, self.pad = tuple(p.stride[:nd]), tuple(p.pad[:nd])
        self.right = tuple(max((o - 1) * s + k - q - n, 0) for o, s, k, q, n
                           in zip(self.out, self.stride, self.kernel, self.pad, self.sizes,
                                  strict=True))

    @property
    def padded(self) -> bool:
        return any(self.pad) or any(self.right)

    def padded_shape(self, shape):
        return tuple(shape[:2]) + tuple(n + q + r for n, q, r
                                        in zip(self.sizes, self.pad, self.right, strict=True))

    def interior(self):
        return _ALL + tuple(slice(q, q + n) for q, n in zip(self.pad, self.sizes, strict=True))

    def slabs(self):
        """``(flat index, index)`` per kernel offset: the padded-input positions that offset
        contributes to every output (a strided view of shape (N, C, *out))."""
        for flat, offset in enumerate(product(*(range(k) for k in self.kernel))):
            yield flat, _ALL + tuple(slice(k, k + s * (o - 1) + 1, s) for k, s, o
                                     in zip(offset, self.stride, self.out, strict=True))

    def phase(self, key):
        """Index of one stride phase ``padded[..., q::stride]``."""
        return _ALL + tuple(slice(q, None, s) for q, s in zip(key, self.stride, strict=True))

    def views(self, xp, padded):
        """``(flat index, view)`` per kernel offset, the values :meth:`slabs` indexes, read
        from the stride phases of ``padded`` (``padded[..., q::stride]`` copied once each)
        when a stride exceeds 1: every view then has contiguous rows instead of a strided
        inner axis."""
        if all(s == 1 for s in self.stride):
            for flat, at in self.slabs():
                yield flat, padded[at]
            return
        phases = {}
        for flat, offset in enumerate(product(*(range(k) for k in self.kernel))):
            key = tuple(k % s for k, s in zip(offset, self.stride, strict=True))
            if key not in phases:
                phases[key] = xp.ascontiguousarray(padded[self.phase(key)])
            yield flat, phases[key][_ALL + tuple(
                slice(k // s, k // s + o) for k, s, o
                in zip(offset, self.stride, self.out, strict=True))]

    def pool_size(self, include_pad: bool):
        """MXNet's per-window divisor for avg (pool.h): clipped to the padded input, or to
        the real input without count_include_pad; the per-axis product, as MXNet forms it."""
        size = np.ones((), np.int64)
        for o, s, k, q, n in zip(self.out, self.stride, self.kernel, self.pad, self.sizes,
                                 strict=True):
            start = np.arange(o) * s - q
            end = np.minimum(start + k, n + q)
            axis = end - start if include_pad else np.minimum(end, n) - np.maximum(start, 0)
            size = np.multiply.outer(size, axis)
        return size


def _checked_index(shape, i):
    """``shape[i]`` with the error of MXNet's TShape::operator[] when ``i`` is out of range."""
    if i >= len(shape):
        raise InferError("Check failed: i >= 0 && i < ndim(): index = %d must be in range "
                         "[0, %d)" % (i, len(shape)))
    return shape[i]


def _fill_value(dtype, pool_type):
    # max pooling starts from MXNet's MinValue (the dtype's lowest), so padding never wins
    if pool_type != "max":
        return 0
    dtype = np.dtype(dtype)
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _pad_input(xp, x, plan, value):
    if not plan.padded:
        return x
    out = xp.full(plan.padded_shape(x.shape), value, dtype=x.dtype)
    out[plan.interior()] = x
    return out


def _p_value(p):
    value = 1 if p.p_value is None else p.p_value   # MXNet: lp without p_value acts as p=1
    if value not in (1, 2, 3):
        raise MXNetError("MXNetError: p value of %d is not supported yet..." % value)
    return value


@register
class Pooling(OpDef):
    """Max, average, sum or Lp pooling over 1-D, 2-D or 3-D windows (NCW / NCHW / NCDHW).

    Output size per axis: ``(x + 2 * pad - kernel) // stride + 1`` ('valid'), rounded up
    instead for 'full', ``ceil(x / stride)`` for 'same'; ``global_pool`` reduces the whole
    spatial extent. Max pooling has a hidden second output (MXNet's workspace, int32): the
    position of the maximum inside each window, which the backward uses (ties: the first).

    >>> import symnb as mx
    >>> pool = mx.sym.Pooling(mx.sym.var('data'), kernel=(2, 2), stride=(2, 2),
    ...                       pool_type='max', name='pool')
    >>> pool.infer_shape(data=(1, 2, 5, 5))
    ([(1, 2, 5, 5)], [(1, 2, 2, 2)], [])
    """

    name = "Pooling"
    param_error_suffix = False      # PoolingParamParser adds no ", in operator"
    family = "pool"
    params = (
        Param("kernel", "Shape(tuple), optional, default=[]",
              "Pooling kernel size: (y, x) or (d, y, x)"),
        Param("pool_type", "{'avg', 'lp', 'max', 'sum'},optional, default='max'",
              "Pooling type to be applied."),
        Param("global_pool", "boolean, optional, default=0",
              "Ignore kernel size, do global pooling based on current input feature map. "),
        Param("cudnn_off", "boolean, optional, default=0",
              "Turn off cudnn pooling and use MXNet pooling operator. "),
        Param("pooling_convention", "{'full', 'same', 'valid'},optional, default='valid'",
              "Pooling convention to be applied."),
        Param("stride", "Shape(tuple), optional, default=[]",
              "Stride: for pooling (y, x) or (d, y, x). Defaults to 1 for each dimension."),
        Param("pad", "Shape(tuple), optional, default=[]",
              "Pad for pooling: (y, x) or (d, y, x). Defaults to no padding."),
        Param("p_value", "int or None, optional, default='None'",
              "Value of p for Lp pooling, can be 1 or 2, required for Lp Pooling."),
        Param("count_include_pad", "boolean or None, optional, default=None",
              "Only used for AvgPool, specify whether to count padding elements for "
              "averagecalculation. For example, with a 5*5 kernel on a 3*3 corner of a "
              "image,the sum of the 9 valid elements will be divided by 25 if this is set to "
              "true,or it will be divided by 9 if this is set to false. Defaults to true."),
        Param("layout", "{None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC'},optional, "
              "default='None'",
              "Set layout for input and output. Empty for\n    default layout: NCW for 1d, "
              "NCHW for 2d and NCDHW for 3d."),
    )

    def parse(self, attrs, node_name=""):
        # MXNet's PoolingParamParser: defaults per kernel rank and nothing more; a stride or
        # pad of another length is read index by index in the shape rule (_checked_index)
        p = parse_params(self, attrs, node_name)
        nd = len(p.kernel)
        if nd > 3 or (nd == 0 and not p.global_pool):
            raise MXNetError("MXNetError: " + check_failed(
                "param.kernel.ndim()", "==", "3U", nd, 3, "%dD pooling not supported" % nd))
        if nd:
            for key in ("stride", "pad"):
                if len(p[key]) == 0:
                    p[key] = (1 if key == "stride" else 0,) * nd
        return p

    def num_outputs_total(self, p):
        # MXNet (oneDNN build) adds a workspace output for max pooling in NC* layouts
        has_workspace = p.pool_type == "max" and 1 <= len(p.kernel) <= 3 \
            and p.layout in (None, "NCW", "NCHW", "NCDHW")
        return 2 if has_workspace else 1

    def hidden_output_names(self, p):
        # MXNet's FListOutputNames names the oneDNN workspace (seen by the monitor)
        return ("output", "workspace")[:self.num_outputs_total(p)]

    def label(self, p, attrs):
        return "Pooling\n%s, %s/%s" % (p.pool_type, digit_label(attrs.get("kernel"), "[]"),
                                       digit_label(attrs.get("stride")))

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        rank = len(data)
        if p.pooling_convention == "same":
            if rank != 3:
                raise InferError(check_failed(
                    "dshape.ndim()", "==", "3U", rank, 3, "Pooling: Input data should be 3D "
                    "in (batch, channel, x). Currently 'same' supports Max Pooling 1-D"))
            # MXNet reads pad[0], pad[1], pad[2] in turn (short-circuit): a non-zero entry
            # refuses 'same', a pad shorter than 3 fails on the first missing index
            for i in range(3):
                if _checked_index(p.pad, i):
                    raise InferError("Check failed: param.pad[0] == 0 && param.pad[1] == 0 "
                                     "&& param.pad[2] == 0: Same pooling convention disables "
                                     "the use of pad parameter.")
        if not 3 <= rank <= 5:
            raise InferError(check_failed(
                "dshape.ndim()", ">=" if rank < 3 else "<=", "3U" if rank < 3 else "5U", rank,
                3 if rank < 3 else 5, "Pooling: Input data should be  3D in (batch, channel, "
                "x) Or 4D in (batch, channel, y, x)  Or 5D in (batch, channel, d, y, x)"))
        if p.layout is not None and p.layout != _NC_LAYOUTS[rank]:
            raise InferError("Pooling: symnb implements layout %s for %d-D data, got layout=%s"
                             % (_NC_LAYOUTS[rank], rank, p.layout))
        if p.global_pool:
            out = tuple(data[:2]) + (1,) * (rank - 2)
        elif not p.kernel:
            return
        else:
            out = tuple(data[:2]) + self._pooled(p, data)
        for i in range(self.num_outputs_total(p)):
            shape_assign(outs, i, out)

    @staticmethod
    def _pooled(p, data):
        nd = len(p.kernel)
        if len(data) != nd + 2:
            what = {1: "3D in (batch, channel, x)", 2: "4D in (batch, channel, y, x)",
                    3: "5D in (batch, channel, d, y, x)"}[nd]
            raise InferError(check_failed("dshape.ndim()", "==", "%dU" % (nd + 2), len(data),
                                          nd + 2, "Pooling: Input data should be " + what))
        # MXNet reads pad[0..nd) then stride[0..nd): entries beyond the kernel's rank are
        # ignored, a missing one fails like TShape's operator[]
        pads = [_checked_index(p.pad, i) for i in range(nd)]
        strides = [_checked_index(p.stride, i) for i in range(nd)]
        sizes = []
        for i, (x, k, s, q) in enumerate(zip(data[2:], p.kernel, strides, pads, strict=True)):
            if not x:
                sizes.append(0)
                continue
            if k > x + 2 * q:
                raise InferError("Check failed: param.kernel[%d] <= dshape[%d] + 2 * "
                                 "param.pad[%d]: kernel size (%d) exceeds input (%d padded to "
                                 "%d)" % (i, i + 2, i, k, x, x + 2 * q))
            if p.pooling_convention == "valid":
                sizes.append(1 + (x + 2 * q - k) // s)
            elif p.pooling_convention == "full":
                sizes.append(1 + -(-(x + 2 * q - k) // s))
            else:
                sizes.append(-(-(x + 2 * q) // s))
        return tuple(sizes)

    def infer_type(self, p, ins, outs):
        # MXNet's PoolingType: the output takes the data's type; the workspace is int32
        if ins[0] is not None:
            outs[0] = ins[0]
        if len(outs) > 1:
            outs[1] = np.dtype(np.int32)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, out = rt.xp, ins[0], outs[0]
        plan = _PoolPlan(p, x.shape, out.shape)
        idx = outs[1] if len(outs) > 1 else None
        if p.global_pool:      # one window: reduce the flattened plane
            flat = x.reshape(x.shape[:2] + (-1,))
            if p.pool_type == "max":
                out[...] = flat.max(axis=-1).reshape(out.shape)
                if idx is not None:
                    idx[...] = flat.argmax(axis=-1).reshape(idx.shape)
            elif p.pool_type == "lp":
                pv = _p_value(p)
                out[...] = _lp_root(xp, _lp_pow(xp, flat, pv).sum(axis=-1), pv).reshape(
                    out.shape)
            else:
                out[...] = flat.sum(axis=-1).reshape(out.shape)
        else:                  # one pass per kernel offset over strided views
            padded = _pad_input(xp, x, plan, _fill_value(x.dtype, p.pool_type))
            if p.pool_type == "max":
                # the running position in the narrowest integer type that holds it (4x less
                # memory traffic than int32 for the usual windows), widened once at the end
                small = np.int8 if np.prod(plan.kernel) <= 127 else np.int32
                run_idx = xp.empty(out.shape, small)
                step = xp.empty(out.shape, small)
                better = xp.empty(out.shape, bool)
                for k, view in plan.views(xp, padded):
                    if k == 0:
                        out[...] = view
                        run_idx[...] = 0
                        continue
                    # strict '>' keeps the first maximum in scan order, as MXNet does;
                    # idx += better * (k - idx) is ~3x faster than a masked copyto
                    xp.greater(view, out, out=better)
                    xp.maximum(out, view, out=out)
                    xp.subtract(small(k), run_idx, out=step)
                    xp.multiply(step, better, out=step)
                    xp.add(run_idx, step, out=run_idx)
                if idx is not None:
                    idx[...] = run_idx
            else:
                pv = _p_value(p) if p.pool_type == "lp" else None
                for k, view in plan.views(xp, padded):
                    term = view if pv is None else _lp_pow(xp, view, pv)
                    if k == 0:
                        out[...] = term
                    else:
                        out += term
                if pv is not None:
                    out[...] = _lp_root(xp, out, pv)
        if p.pool_type == "avg":
            out /= xp.asarray(plan.pool_size(p.count_include_pad is not False), out.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x, out, g = rt.xp, ins[0], outs[0], ograds[0]
        plan = _PoolPlan(p, x.shape, out.shape)
        if p.pool_type == "max" and len(outs) > 1:
            idx = outs[1]
        elif p.pool_type == "max":   # no workspace output (global without kernel): recompute
            idx = x.reshape(x.shape[:2] + (-1,)).argmax(axis=-1).reshape(out.shape)
        if p.pool_type == "avg":
            g = g / xp.asarray(plan.pool_size(p.count_include_pad is not False), g.dtype)
        if p.global_pool:
            flat = x.reshape(x.shape[:2] + (-1,))
            g, out = g.reshape(g.shape[:2] + (1,)), out.reshape(g.shape[:2] + (1,))
            if p.pool_type == "max":
                grad = (idx.reshape(g.shape) == xp.arange(flat.shape[-1])) * g
            elif p.pool_type == "lp":
                grad = g * _lp_grad(flat, out, _p_value(p))
            else:
                grad = xp.broadcast_to(g, flat.shape)
            assign(igrads[0], grad.reshape(x.shape), reqs[0])
            return
        direct = not plan.padded and reqs[0] != "add" and igrads[0].flags.c_contiguous
        target = igrads[0] if direct else xp.zeros(plan.padded_shape(x.shape), x.dtype)
        # windows that do not overlap (stride == kernel): every offset writes its own slab
        disjoint = all(s >= k for s, k in zip(plan.stride, plan.kernel, strict=True))
        # max windows that also tile the input exactly write every position: no zeroing
        tiled = p.pool_type == "max" and plan.stride == plan.kernel and all(
            o * k == n for o, k, n in zip(plan.out, plan.kernel, plan.sizes, strict=True))
        if direct and not tiled:
            target[...] = 0
        if p.pool_type == "max":
            small = xp.empty(idx.shape, np.int8 if np.prod(plan.kernel) <= 127 else np.int32)
            small[...] = idx
            idx, hit = small, xp.empty(idx.shape, bool)
        padded = _pad_input(xp, x, plan, 0) if p.pool_type == "lp" else None
        # overlapping strided windows: add into the stride phases (contiguous rows), which
        # partition the input, then copy each phase back once
        phased = not disjoint and any(s > 1 for s in plan.stride)
        sums = {}
        for k, at in plan.slabs():     # one strided add per kernel offset
            if phased:
                offset = [a.start for a in at[2:]]
                key = tuple(o % s for o, s in zip(offset, plan.stride, strict=True))
                if key not in sums:
                    sums[key] = xp.zeros_like(target[plan.phase(key)])
                dest = sums[key][_ALL + tuple(slice(o // s, o // s + n) for o, s, n
                                              in zip(offset, plan.stride, plan.out,
                                                     strict=True))]
            else:
                dest = target[at]
            if p.pool_type == "max":
                xp.equal(idx, k, out=hit)
                if disjoint:
                    xp.multiply(g, hit, out=dest)
                else:
                    dest += g * hit
            elif p.pool_type == "lp":
                dest += g * _lp_grad(padded[at], out, _p_value(p))
            else:
                dest += g
        for key, value in sums.items():
            target[plan.phase(key)] = value
        if not direct:
            assign(igrads[0], target[plan.interior()], reqs[0])
