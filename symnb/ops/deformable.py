"""Deformable convolutions: _contrib_DeformableConvolution (v1) and
_contrib_ModulatedDeformableConvolution (v2, with a mask), 2-D NCHW only as in MXNet.

Each kernel tap ``k = (i, j)`` of output position ``(h, w)`` reads the input bilinearly at
``(h * stride - pad + i * dilate + offset_h, w * stride - pad + j * dilate + offset_w)``,
the offsets coming per deformable group from the ``offset`` input (channel
``g * 2K + 2k`` for the row, ``+ 1`` for the column). The sampled columns then meet the
weight in one GEMM per convolution group, as in an ordinary convolution.

The two operators sample differently, as MXNet's kernels do:

* v1 (MXNet's CPU kernel): points inside ``[0, H) x [0, W)`` only, the far corners
  clamped to the last row/column;
* v2: points inside ``(-1, H) x (-1, W)``, corners outside the image read as zero; the
  sample is multiplied by ``mask``.

Backward is the exact derivative of that sampling (right derivatives at the kinks), for the
data, the offsets, the mask, the weight and the bias.
"""
from __future__ import annotations

import math

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import float_only, shape_assign, type_assign
from .sliding import tshape

__all__ = ["deformable_columns"]


def _cdiv(a, b):
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _cmod(a, b):
    return a - _cdiv(a, b) * b


def _dim(v):
    """A dimension as MXNet prints it (unknown: -1)."""
    return v if v else -1


def _taps(xp, p, out_hw, dtype):
    """Sampling rows and columns before the offsets: ``(K, Ho, 1)`` and ``(K, 1, Wo)``."""
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = p.kernel, p.stride, p.dilate, p.pad
    ho, wo = out_hw
    rows = (xp.arange(kh, dtype=dtype) * dh)[:, None].repeat(kw, 1).reshape(-1)
    cols = (xp.arange(kw, dtype=dtype) * dw)[None, :].repeat(kh, 0).reshape(-1)
    base_h = xp.arange(ho, dtype=dtype) * sh - ph
    base_w = xp.arange(wo, dtype=dtype) * sw - pw
    return rows[:, None, None] + base_h[None, :, None], cols[:, None, None] + base_w[None, None, :]


class _Sampler:
    """Bilinear sampling of ``x`` (N, C, H, W) at per-group points ``(N, G, K, Ho, Wo)``:
    the four corners' flat positions, coefficients and coefficient derivatives."""

    def __init__(self, xp, x, ph, pw, modulated):
        n, c, height, width = x.shape
        groups = ph.shape[1]
        self.xp, self.shape, self.groups = xp, x.shape, groups
        one = ph.dtype.type(1)
        hl, wl = xp.floor(ph), xp.floor(pw)
        if modulated:
            valid = (ph > -1) & (pw > -1) & (ph < height) & (pw < width)
            hh, wh = hl + 1, wl + 1
            lh, lw = ph - hl, pw - wl
            dlh = dlw = one
            inside = [(hl >= 0) & (wl >= 0), (hl >= 0) & (wh <= width - 1),
                      (hh <= height - 1) & (wl >= 0), (hh <= height - 1) & (wh <= width - 1)]
            masks = [valid & m for m in inside]
        else:
            valid = (ph >= 0) & (pw >= 0) & (ph < height) & (pw < width)
            clamp_h, clamp_w = hl >= height - 1, wl >= width - 1
            hh = xp.where(clamp_h, height - 1, hl + 1)
            wh = xp.where(clamp_w, width - 1, wl + 1)
            lh = xp.where(clamp_h, 0, ph - hl).astype(ph.dtype)
            lw = xp.where(clamp_w, 0, pw - wl).astype(pw.dtype)
            dlh = (~clamp_h).astype(ph.dtype)
            dlw = (~clamp_w).astype(pw.dtype)
            masks = [valid] * 4
        corners = [(hl, wl), (hl, wh), (hh, wl), (hh, wh)]
        weights = [(one - lh) * (one - lw), (one - lh) * lw, lh * (one - lw), lh * lw]
        d_h = [-dlh * (one - lw), -dlh * lw, dlh * (one - lw), dlh * lw]
        d_w = [-(one - lh) * dlw, (one - lh) * dlw, -lh * dlw, lh * dlw]
        self.index, self.coef, self.coef_h, self.coef_w = [], [], [], []
        for (r, q), m, wgt, gh, gw in zip(corners, masks, weights, d_h, d_w, strict=True):
            r = xp.clip(r, 0, height - 1).astype(xp.int64)
            q = xp.clip(q, 0, width - 1).astype(xp.int64)
            m = m.astype(ph.dtype)
            self.index.append((r * width + q).reshape(n, groups, -1))
            self.coef.append((wgt * m).reshape(n, groups, 1, -1))
            self.coef_h.append((gh * m).reshape(n, groups, 1, -1))
            self.coef_w.append((gw * m).reshape(n, groups, 1, -1))
        flat = x.reshape(n, groups, c // groups, height * width)
        self.values = [xp.take_along_axis(flat, i[:, :, None, :], axis=3) for i in self.index]

    def sample(self):
        """``(N, G, C/G, K*Ho*Wo)`` bilinear samples."""
        return sum(c * v for c, v in zip(self.coef, self.values, strict=True))

    def point_grads(self, dcol):
        """Gradients w.r.t. the sampling rows and columns, summed over each group's
        channels: two ``(N, G, K*Ho*Wo)`` arrays."""
        gh = sum(c * v for c, v in zip(self.coef_h, self.values, strict=True))
        gw = sum(c * v for c, v in zip(self.coef_w, self.values, strict=True))
        return (dcol * gh).sum(axis=2), (dcol * gw).sum(axis=2)

    def data_grad(self, dcol):
        """The adjoint of :meth:`sample`: ``dcol`` scattered onto the image."""
        xp = self.xp
        n, c, height, width = self.shape
        g = self.groups
        size = height * width
        base = (xp.arange(n * c, dtype=xp.int64) * size).reshape(n, g, c // g, 1)
        index = xp.concatenate([(base + i[:, :, None, :]).reshape(-1) for i in self.index])
        # float64 weights: bincount's accumulator type on both backends (float16 has none)
        values = xp.concatenate([(dcol * cf).reshape(-1) for cf in self.coef]).astype(
            xp.float64)
        out = xp.bincount(index, weights=values, minlength=n * c * size)
        return out.reshape(self.shape).astype(dcol.dtype)


def deformable_columns(xp, x, offset, p, out_hw, modulated=False):
    """The sampler and its ``(N, G, C/G, K*Ho*Wo)`` samples for deformable groups
    ``p.num_deformable_group``."""
    n = x.shape[0]
    g = p.num_deformable_group
    k = math.prod(p.kernel)
    ho, wo = out_hw
    rows, cols = _taps(xp, p, out_hw, offset.dtype)
    off = offset.reshape(n, g, k, 2, ho, wo)
    sampler = _Sampler(xp, x, rows + off[:, :, :, 0], cols + off[:, :, :, 1], modulated)
    return sampler


def _to_gemm(a, groups):
    """``(N, groups * R, L)`` -> ``(groups, R, N * L)``."""
    n, rows, length = a.shape
    return a.reshape(n, groups, rows // groups, length).transpose(1, 2, 0, 3).reshape(
        groups, rows // groups, n * length)


def _from_gemm(a, n):
    """``(groups, R, N * L)`` -> ``(N, groups * R, L)``."""
    groups, rows, nl = a.shape
    return a.reshape(groups, rows, n, nl // n).transpose(2, 0, 1, 3).reshape(
        n, groups * rows, nl // n)


def _check_map(p, s, what, label, oh, ow, per_tap):
    """The offset (or mask) map must match the output and hold the deformable groups."""
    kh, kw = p.kernel
    for i, (o, side) in enumerate(((oh, "height"), (ow, "width"))):
        if o != _dim(s[2 + i]):
            raise InferError("Check failed: oshape[%d] == %s[%d] (%d vs. %d) : output %s "
                             "must equal to %s map %s" % (2 + i, what, 2 + i, o,
                                                          _dim(s[2 + i]), side, label,
                                                          side))
    channels = _dim(s[1])
    rem = _cmod(channels, kh * kw)
    if rem:
        raise InferError("Check failed: %s[1] %% (param_.kernel[0] * param_.kernel[1]) == "
                         "0U (%d vs. 0) : offset filter must divide deformable group size"
                         % (what, rem))
    per = _cdiv(channels, per_tap * kh * kw)
    if per != p.num_deformable_group:
        lhs = ("%s[1] / (2 * param_.kernel[0] * param_.kernel[1])" % what if per_tap == 2
               else "%s[1] / (param_.kernel[0] * param_.kernel[1])" % what)
        raise InferError("Check failed: %s == param_.num_deformable_group (%d vs. %d) : "
                         "offset filter must divide deformable group size"
                         % (lhs, per, p.num_deformable_group))


_LAYOUT_CODE = {"NCW": 8, "NCDHW": 32}


class _Deformable(OpDef):
    """What both deformable convolutions share: parameters, shape and type rules, GEMMs."""

    family = "conv"
    roles = {"weight": "weight", "bias": "bias"}
    modulated = False

    def input_names(self, p):
        return self.inputs[:-1] if p.no_bias else self.inputs

    def parse(self, attrs, node_name=""):
        p = parse_params(self, attrs, node_name)
        if len(p.kernel) != 2:
            raise MXNetError("MXNetError: not implemented")
        for key, fill in (("stride", 1), ("dilate", 1), ("pad", 0)):
            if len(p[key]) == 0:
                p[key] = (fill, fill)
        return p

    def label(self, p, attrs):
        return "%s\n%dx%d, %d" % (self.name.replace("_contrib_", ""), p.kernel[0],
                                  p.kernel[1], p.num_filter)

    # ---- rules ------------------------------------------------------------------------------
    def infer_shape(self, p, ins, outs):
        names = self.input_names(p)
        data, offset = ins[0], ins[1]
        mask = ins[2] if self.modulated else None
        if not self.modulated and (data is None or not all(data)):
            return
        for what, s, label in (("dshp", data, "data"), ("oshp", offset, "offset"),
                               ("mshp", mask, "offset")):
            if what == "mshp" and not self.modulated:
                continue
            if s is None or len(s) != 4:
                raise InferError("Check failed: %s.ndim() == 4U (%d vs. 4) : Input %s should be "
                                 "4D in batch-num_filter-y-x"
                                 % (what, -1 if s is None else len(s), label))
        if p.layout is not None and p.layout != "NCHW":
            raise InferError("Invalid layout for 4d shape %d" % _LAYOUT_CODE[p.layout])
        if not all(data):
            return
        (kh, kw), g, dg, f = p.kernel, p.num_group, p.num_deformable_group, p.num_filter
        n, c, height, width = data
        shape_assign(ins, names.index("weight"), (f // g * g, c // g, kh, kw))
        if not p.no_bias:
            shape_assign(ins, names.index("bias"), (f,))
        if self.modulated and n > p.im2col_step and n % p.im2col_step:
            raise InferError("Check failed: dshape[0] %% param_.im2col_step == 0U (%d vs. 0) : "
                             "input batchsize must be smaller than or divide im2col_step"
                             % (n % p.im2col_step))
        for value, lhs, text in ((c % g, "dshape[1] % param_.num_group",
                                  "input num_filter must divide group size"),
                                 (c % dg, "dshape[1] % param_.num_deformable_group",
                                  "input num_filter must divide deformable group size"),
                                 (f % g, "param_.num_filter % param_.num_group",
                                  "output num_filter must divide group size")):
            if value:
                raise InferError("Check failed: %s == 0U (%d vs. 0) : %s" % (lhs, value, text))
        for key in ("kernel", "stride", "dilate"):
            if math.prod(p[key]) <= 0:
                raise InferError("Check failed: param_.%s.Size() > 0U (0 vs. 0) : incorrect %s "
                                 "size: %s" % (key, key, tshape(p[key])))
        oh = _cdiv(height + 2 * p.pad[0] - (p.dilate[0] * (kh - 1) + 1), p.stride[0]) + 1
        ow = _cdiv(width + 2 * p.pad[1] - (p.dilate[1] * (kw - 1) + 1), p.stride[1]) + 1
        shape_assign(outs, 0, (n, f, oh, ow))
        if self.modulated and f % dg:
            raise InferError("Check failed: oshape[1] %% param_.num_deformable_group == 0U (%d "
                             "vs. 0) : output num_filter must divide deformable group size"
                             % (f % dg))
        _check_map(p, offset, "offsetshape", "offset", oh, ow, 2)
        if self.modulated:
            _check_map(p, mask, "maskshape", "mask", oh, ow, 1)
        for size, k, axis, i in ((height, kh, "y", 0), (width, kw, "x", 1)):
            if k > size + 2 * p.pad[i]:
                raise InferError("Check failed: ksize_%s <= dshape[%d] + 2 * param_.pad[%d] "
                                 "(%d vs. %d) : kernel size exceed input"
                                 % (axis, 2 + i, i, k, size + 2 * p.pad[i]))

    def infer_type(self, p, ins, outs):
        dtype = ins[0]
        if dtype is None:
            raise InferError("Check failed: dtype != -1 (-1 vs. -1) : First input must have "
                             "specified type")
        names = self.input_names(p)
        for i in range(len(ins)):
            type_assign(ins, i, dtype, names[i])
        outs[0] = dtype

    # ---- compute ----------------------------------------------------------------------------
    def _columns(self, p, ins, out_hw, rt):
        x, offset = ins[0], ins[1]
        float_only(x.dtype)
        sampler = deformable_columns(rt.xp, x, offset, p, out_hw, self.modulated)
        samples = sampler.sample()
        return sampler, samples

    def _mask(self, p, ins, samples):
        if not self.modulated:
            return None
        n, g = samples.shape[:2]
        return ins[2].reshape(n, g, 1, -1)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        out = outs[0]
        n, f = out.shape[:2]
        _, samples = self._columns(p, ins, out.shape[2:], rt)
        mask = self._mask(p, ins, samples)
        cols = samples if mask is None else samples * mask
        weight = ins[3 if self.modulated else 2]
        g = p.num_group
        cols = _to_gemm(cols.reshape(n, -1, out.shape[2] * out.shape[3]), g)
        res = xp.matmul(weight.reshape(g, f // g, -1), cols)
        out[...] = _from_gemm(res, n).reshape(out.shape)
        if not p.no_bias:
            out += ins[-1].reshape(1, -1, 1, 1)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        dy = ograds[0]
        n, f, ho, wo = dy.shape
        g = p.num_group
        widx = 3 if self.modulated else 2
        weight = ins[widx]
        sampler, samples = self._columns(p, ins, (ho, wo), rt)
        mask = self._mask(p, ins, samples)
        dy_g = _to_gemm(dy.reshape(n, f, ho * wo), g)
        dcol = xp.matmul(weight.reshape(g, f // g, -1).transpose(0, 2, 1), dy_g)
        dcol = _from_gemm(dcol, n).reshape(samples.shape)
        dsample = dcol if mask is None else dcol * mask
        if igrads[widx] is not None:
            cols = samples if mask is None else samples * mask
            cols = _to_gemm(cols.reshape(n, -1, ho * wo), g)
            dw = xp.matmul(dy_g, cols.transpose(0, 2, 1))
            assign(igrads[widx], dw.reshape(weight.shape), reqs[widx])
        if not p.no_bias and igrads[-1] is not None:
            assign(igrads[-1], dy.sum(axis=(0, 2, 3)), reqs[-1])
        # MXNet's v1 kernel writes the data and offset gradients whatever the request
        data_req = reqs[0] if self.modulated else "write"
        offset_req = reqs[1] if self.modulated else "write"
        if igrads[0] is not None:
            assign(igrads[0], sampler.data_grad(dsample), data_req)
        if igrads[1] is not None:
            gh, gw = sampler.point_grads(dsample)
            k = math.prod(p.kernel)
            dg = p.num_deformable_group
            grad = xp.stack([gh.reshape(n, dg, k, ho, wo), gw.reshape(n, dg, k, ho, wo)],
                            axis=3)
            assign(igrads[1], grad.reshape(ins[1].shape), offset_req)
        if self.modulated and igrads[2] is not None:
            dmask = (dcol * samples).sum(axis=2)
            assign(igrads[2], dmask.reshape(ins[2].shape), reqs[2])


def _params(modulated):
    conv = "Convolution"
    out = [
        Param("kernel", "Shape(tuple), required", "%s kernel size: (h, w) or (d, h, w)" % conv),
        Param("stride", "Shape(tuple), optional, default=[]",
              "%s stride: (h, w) or (d, h, w). Defaults to 1 for each dimension." % conv),
        Param("dilate", "Shape(tuple), optional, default=[]",
              "%s dilate: (h, w) or (d, h, w). Defaults to 1 for each dimension." % conv),
        Param("pad", "Shape(tuple), optional, default=[]",
              "Zero pad for convolution: (h, w) or (d, h, w). Defaults to no padding."),
    ]
    kind = "int (non-negative)" if modulated else "int"
    opt = "int (non-negative), optional, default=1" if modulated else \
        "int, optional, default='1'"
    out += [
        Param("num_filter", "%s, required" % kind, "Convolution filter(channel) number",
              lower=1),
        Param("num_group", opt, "Number of group partitions."),
        Param("num_deformable_group", opt, "Number of deformable group partitions."),
        Param("workspace", "long (non-negative), optional, default=1024",
              "Maximum temperal workspace allowed for convolution (MB).", lower=0),
        Param("no_bias", "boolean, optional, default=0", "Whether to disable bias parameter."),
    ]
    if modulated:
        out.append(Param("im2col_step", "int (non-negative), optional, default=64",
                         "Maximum number of images per im2col computation; The total batch "
                         "size should be divisable by this value or smaller than this value; "
                         "if you face out of memory problem, you can try to use a smaller "
                         "value here."))
    out.append(Param("layout", "{None, 'NCDHW', 'NCHW', 'NCW'},optional, default='None'",
                     "Set layout for input, output and weight. Empty for\n    default layout: "
                     "NCW for 1d, NCHW for 2d and NCDHW for 3d."))
    return tuple(out)


@register
class DeformableConvolution(_Deformable):
    """2-D deformable convolution (https://arxiv.org/abs/1703.06211) on NCHW data.

    ``offset`` has shape ``(N, num_deformable_group * 2 * kh * kw, Ho, Wo)``; the weight
    ``(num_filter, C // num_group, kh, kw)``; output sizes as Convolution's.

    >>> import symnb as mx
    >>> dc = mx.sym.contrib.DeformableConvolution(mx.sym.var('data'), mx.sym.var('offset'),
    ...                                           kernel=(3, 3), num_filter=4, name='dc')
    >>> dc.infer_shape(data=(1, 2, 5, 5), offset=(1, 18, 3, 3))
    ([(1, 2, 5, 5), (1, 18, 3, 3), (4, 2, 3, 3), (4,)], [(1, 4, 3, 3)], [])
    """

    name = "_contrib_DeformableConvolution"
    inputs = ("data", "offset", "weight", "bias")
    params = _params(False)


@register
class ModulatedDeformableConvolution(_Deformable):
    """2-D modulated deformable convolution (DCNv2, https://arxiv.org/abs/1811.11168): each
    bilinear sample is scaled by ``mask`` ``(N, num_deformable_group * kh * kw, Ho, Wo)``.

    >>> import symnb as mx
    >>> mc = mx.sym.contrib.ModulatedDeformableConvolution(
    ...     mx.sym.var('data'), mx.sym.var('offset'), mx.sym.var('mask'), kernel=(3, 3),
    ...     num_filter=4, no_bias=True, name='mc')
    >>> mc.list_arguments()
    ['data', 'offset', 'mask', 'mc_weight']
    """

    name = "_contrib_ModulatedDeformableConvolution"
    inputs = ("data", "offset", "mask", "weight", "bias")
    params = _params(True)
    modulated = True
