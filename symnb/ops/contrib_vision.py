"""Dense vision operators of ``mx.sym.contrib``: ROIAlign, RROIAlign, PSROIPooling,
DeformablePSROIPooling, AdaptiveAvgPooling2D and BilinearResize2D (all on NCHW data).

Sample positions and weights are computed in the data's own dtype, in MXNet's order of
operations (``src/operator/contrib/*.cc`` of MXNet 1.9.1), so they round as MXNet's do; the
sums then run on whole arrays rather than MXNet's per-element loops:

* ROIAlign is separable: a region's bins are ``Wy @ plane @ Wx.T`` over the window it reads,
  with per-axis weights built on the host (one pass per region: its sampling grid depends on
  its size). RROIAlign's rotated samples are gathered point by point.
* PSROIPooling sums windows from an integral image; its gradient is the adjoint (corner
  scatters, then suffix sums).
* DeformablePSROIPooling gathers every sample of every bin at once and scatters back.
* AdaptiveAvgPooling2D and BilinearResize2D's gradient are matrix products along each axis;
  BilinearResize2D's forward takes rows, then columns, in MXNet's order.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError
from ._params import Param, ParamError
from ._registry import InferError, OpDef, assign, register
from ._rules import float_only, fully_known, shape_assign
from .conv import check_failed

__all__ = []

_SCALE_DOC = ("Ratio of input feature map height (or w) to raw image height (or w). Equals the "
              "reciprocal of total stride in convolutional layers")


class _PairShape(Param):
    """A ``Shape(tuple)`` of two nonzero dims (dmlc's ``set_expect_ndim(2).enforce_nonzero()``).

    >>> _PairShape('pooled_size', 'Shape(tuple), required').parse('(2, 3)')
    (2, 3)
    """

    __slots__ = ()

    def _check_bounds(self, value, text):
        shown = "[" + ",".join(str(v) for v in value) + "]"
        if len(value) != 2:
            raise ParamError("value %sfor Parameter %s has wrong dimensions, expected "
                             "dimension=2" % (shown, self.name))
        if not all(value):
            raise ParamError("value %sfor Parameter %s is invalid, the input shape must be "
                             "nonzero in all dimensions" % (shown, self.name))


def _code(dtype) -> int:
    from ..base import DTYPE_TO_CODE
    return -1 if dtype is None else DTYPE_TO_CODE.get(np.dtype(dtype), -1)


def _region_type(ins: list, outs: list) -> None:
    """The type rule of MXNet's region operators: rois share the data's dtype, which must be
    known (no inference backwards); every output takes it."""
    dtype, rois = ins[0], ins[1]
    if _code(dtype) != _code(rois):     # (np.dtype == None is True in NumPy)
        raise InferError("Check failed: dtype == (*in_type)[1] (%d vs. %d) : "
                         % (_code(dtype), _code(rois)))
    if dtype is None:
        raise InferError("Check failed: dtype != -1 (-1 vs. -1) : Input must have specified "
                         "type")
    outs[:] = [dtype] * len(outs)


def _same_type(ins: list, outs: list) -> None:
    """nnvm's SameType, MXNet's rule for operators that declare none: the first known
    output type, else the first known input type, overwrites every slot (no conflict check)."""
    known = [t for t in outs if t is not None] or [t for t in ins if t is not None]
    if known:
        ins[:] = [known[0]] * len(ins)
        outs[:] = [known[0]] * len(outs)


def _ndim_check(shape, want: int, what: str, text: str, suffix: str = "") -> None:
    """``CHECK_EQ(shape.ndim(), want)``; an unknown shape has ndim -1, as in MXNet."""
    ndim = -1 if shape is None else len(shape)
    if ndim != want:
        raise InferError(check_failed(what + ".ndim()", "==", "%d%s" % (want, suffix), ndim,
                                      want, text))


def _rois_check(data, rois, cols: int, suffix: str = "") -> None:
    """Data 4-D, rois ``(num_rois, cols)``: the checks every region operator starts with."""
    _ndim_check(data, 4, "dshape", "data should be a 4D tensor", suffix)
    bbox = "bbox should be a 2D tensor of shape [batch, %d]" % cols
    _ndim_check(rois, 2, "bshape", bbox, suffix)
    if rois[1] != cols:
        raise InferError(check_failed("bshape[1]", "==", "%d%s" % (cols, suffix),
                                      rois[1] or -1, cols, bbox))


def _c_round(v):
    """C's ``round``: halves away from zero, exact (``floor(|v| + 0.5)`` is not, in float)."""
    a = np.abs(v)
    whole = np.floor(a)
    return np.sign(v) * (whole + (a - whole >= 0.5))


def _clip(v, low, high):
    # np.clip costs tens of microseconds of dispatch on small arrays; these run per call
    return np.minimum(np.maximum(v, low), high)


# ----------------------------------------------------------------------------- bilinear taps
def _axis_taps(v, size: int):
    """One axis of MXNet's ``bilinear_interpolate`` (roi_align.cc, rroi_align.cc): for sample
    positions ``v`` (host NumPy, the data's dtype) the lower and upper index, the weights of
    both, and whether the point lies inside ``[-1, size]`` (outside ones weigh nothing)."""
    dtype = v.dtype
    inside = ~((v < -1.0) | (v > size))
    v = np.where(v <= 0, dtype.type(0), v)
    low = v.astype(np.int64)
    top = low >= size - 1
    low = np.where(top, size - 1, low)
    high = np.where(top, size - 1, low + 1)
    v = np.where(top, low.astype(dtype), v)
    frac = v - low.astype(dtype)
    return inside, low, high, dtype.type(1) - frac, frac


def _taps(y, x, h: int, w: int):
    """The four ``(row, col, weight)`` corners of bilinear samples at ``(y, x)`` (broadcast
    together), in MXNet's order ``w1..w4``."""
    in_y, y_lo, y_hi, hy, ly = _axis_taps(y, h)
    in_x, x_lo, x_hi, hx, lx = _axis_taps(x, w)
    keep = (in_y & in_x).astype(y.dtype)
    return [(y_lo, x_lo, hy * hx * keep), (y_lo, x_hi, hy * lx * keep),
            (y_hi, x_lo, ly * hx * keep), (y_hi, x_hi, ly * lx * keep)]


def _grid(start, bin_size, grid: int, pooled: int, dtype):
    """Sample centres ``start + i * bin + (k + .5) * bin / grid``, shape ``(pooled, grid)``."""
    t = dtype.type
    i = np.arange(pooled, dtype=dtype)[:, None]
    k = (np.arange(grid, dtype=dtype) + t(0.5))[None, :]
    return start + i * bin_size + k * bin_size / t(grid)


def _sample_grid(ratio: int, extent, pooled: int) -> int:
    # MXNet's roi_bin_grid: sampling_ratio, or ceil(extent / pooled) in the data's dtype
    return ratio if ratio > 0 else int(math.ceil(extent / extent.dtype.type(pooled)))


def _axis_weights(start, bin_size, grid: int, pooled: int, size: int, dtype):
    """``(pooled, size)`` weights of one axis of an upright region: bin ``i`` averages its
    ``grid`` samples, each split between its two bilinear taps. MXNet's weights are products
    ``hy * hx`` and a sample counts when both coordinates are in range, so a bin is
    ``Wy @ plane @ Wx.T``."""
    inside, low, high, w_low, w_high = _axis_taps(_grid(start, bin_size, grid, pooled, dtype),
                                                  size)
    weights = np.zeros((pooled, size))
    rows = np.broadcast_to(np.arange(pooled)[:, None], low.shape)
    np.add.at(weights, (rows, low), w_low * inside)
    np.add.at(weights, (rows, high), w_high * inside)
    return (weights / grid).astype(dtype)


def _support(weights) -> slice:
    """The columns holding every nonzero weight (a region reads only its neighbourhood)."""
    used = np.flatnonzero(weights.any(axis=0))
    return slice(int(used[0]), int(used[-1]) + 1) if used.size else slice(0, 0)


def _gather(xp, plane, chan, taps):
    """``sum_k weight_k * plane[chan, row_k, col_k]``, in MXNet's order."""
    total = None
    for row, col, weight in taps:
        term = xp.asarray(weight) * plane[chan, xp.asarray(row), xp.asarray(col)]
        total = term if total is None else total + term
    return total


# ----------------------------------------------------------------------------- ROIAlign
@register
class _contrib_ROIAlign(OpDef):  # noqa: N801 -- MXNet's operator name
    """Average of bilinear samples over each bin of each region (Mask R-CNN's RoIAlign).
    ``rois`` rows are ``[batch_index, x1, y1, x2, y2]``; a negative batch index skips the
    region. ``position_sensitive`` reads bin ``(i, j)`` of output channel ``c`` from input
    channel ``c * ph * pw + i * pw + j``; ``aligned`` shifts coordinates by half a pixel.

    >>> import symnb as mx
    >>> r = mx.sym.contrib.ROIAlign(mx.sym.var('data'), mx.sym.var('rois'), pooled_size=(2, 2),
    ...                             spatial_scale=1.0)
    >>> r.infer_shape(data=(1, 3, 8, 8), rois=(4, 5))[1]
    [(4, 3, 2, 2)]
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "_contrib_ROIAlign"
    family = "pool"
    inputs = ("data", "rois")
    params = (
        _PairShape("pooled_size", "Shape(tuple), required",
                   "ROI Align output roi feature map height and width: (h, w)"),
        Param("spatial_scale", "float, required", _SCALE_DOC, lower=0.0, upper=1.0),
        Param("sample_ratio", "int, optional, default='-1'",
              "Optional sampling ratio of ROI align, using adaptive size by default."),
        Param("position_sensitive", "boolean, optional, default=0",
              "Whether to perform position-sensitive RoI pooling. PSRoIPooling is first "
              "proposaled by R-FCN and it can reduce the input channels by ph*pw times, where "
              "(ph, pw) is the pooled_size"),
        Param("aligned", "boolean, optional, default=0",
              "Center-aligned ROIAlign introduced in Detectron2. To enable, set aligned to "
              "True."),
    )

    def label(self, p, attrs):
        return "ROIAlign\n%dx%d" % tuple(p.pooled_size)

    def infer_shape(self, p, ins, outs):
        data, rois = ins
        _rois_check(data, rois, 5)
        ph, pw = p.pooled_size
        channels = data[1]
        if p.position_sensitive:
            # C's % of an unknown dim (-1) is -1: the check fails as in MXNet
            rest = math.fmod(channels or -1, ph * pw)
            if rest:
                raise InferError(check_failed(
                    "dshape[1] % (param.pooled_size[0]*param.pooled_size[1])", "==", "0",
                    int(rest), 0, "Input channels should be divided by pooled_size[0]*"
                    "pooled_size[1]when position_sensitive is true."))
            channels //= ph * pw
        shape_assign(outs, 0, (rois[0], channels, ph, pw))

    def infer_type(self, p, ins, outs):
        _region_type(ins, outs)

    def _regions(self, p, rois, shape):
        """Per region: ``(index, batch, window, (Wy, Wx))``: the rows and columns the region
        reads and the ``(ph, rows)``, ``(pw, cols)`` weights of :func:`_axis_weights` on them
        (``None`` for a region skipped by its negative batch index)."""
        dtype = rois.dtype
        t = dtype.type
        scale, offset = t(p.spatial_scale), t(0.5 if p.aligned else 0.0)
        ph, pw = p.pooled_size
        h, w = shape[2:]
        for n, roi in enumerate(rois):
            batch = int(roi[0])
            if batch < 0:
                yield n, batch, None, None
                continue
            x1, y1, x2, y2 = (roi[k] * scale - offset for k in range(1, 5))
            width, height = x2 - x1, y2 - y1
            if p.aligned:
                for extent, what in ((width, "roi_width"), (height, "roi_height")):
                    if not extent > 0:
                        raise MXNetError("MXNetError: " + check_failed(
                            what, ">", "0.", "%g" % extent, 0, ""))
            else:   # malformed regions become 1x1
                width, height = max(width, t(1)), max(height, t(1))
            gh = _sample_grid(p.sample_ratio, height, ph)
            gw = _sample_grid(p.sample_ratio, width, pw)
            wy = _axis_weights(y1, height / t(ph), gh, ph, h, dtype)
            wx = _axis_weights(x1, width / t(pw), gw, pw, w, dtype)
            rows, cols = _support(wy), _support(wx)
            yield n, batch, (rows, cols), (wy[:, rows], wx[:, cols])

    def _planes(self, p, plane):
        """The data of one image as ``(C_out, ph, pw, H, W)`` for position-sensitive
        pooling (bin ``(i, j)`` of channel ``c`` reads channel ``c * ph * pw + i * pw + j``)."""
        ph, pw = p.pooled_size
        return plane.reshape((-1, ph, pw) + plane.shape[1:])

    def forward(self, p, ins, outs, is_train, rt):
        xp, data, out = rt.xp, ins[0], outs[0]
        float_only(data.dtype)
        out[...] = 0
        skipped = []
        for n, batch, window, weights in self._regions(p, rt.to_numpy(ins[1]), data.shape):
            if window is None:
                skipped.append(n)
                continue
            wy, wx = (xp.asarray(a) for a in weights)
            if p.position_sensitive:
                plane = self._planes(p, data[(batch, slice(None)) + window])
                rows = xp.einsum("ih,cijhw->cijw", wy, plane)
                out[n] = xp.einsum("cijw,jw->cij", rows, wx)
            else:   # rows first, on row-contiguous views (no copy of the window)
                rows = xp.matmul(wy, data[batch, :, window[0], :])
                out[n] = xp.matmul(rows[:, :, window[1]], wx.T)
        # MXNet zeroes element n of the whole output (not region n) for a skipped region n
        for n in skipped:
            out[np.unravel_index(n, out.shape)] = 0

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[1] is not None and reqs[1] == "write":
            igrads[1][...] = 0
        if igrads[0] is None:
            return
        xp, data, g = rt.xp, ins[0], ograds[0]
        acc = xp.zeros_like(data)
        for n, batch, window, weights in self._regions(p, rt.to_numpy(ins[1]), data.shape):
            if window is None:
                continue
            wy, wx = (xp.asarray(a) for a in weights)
            plane = acc[(batch, slice(None)) + window]      # a view: += writes acc
            if p.position_sensitive:
                self._planes(p, plane)[...] += (g[n][:, :, :, None, None]
                                                * wy[None, :, None, :, None]
                                                * wx[None, None, :, None, :])
            else:
                plane += xp.matmul(wy.T, xp.matmul(g[n], wx))
        assign(igrads[0], acc, reqs[0])


# ----------------------------------------------------------------------------- RROIAlign
@register
class _contrib_RROIAlign(OpDef):  # noqa: N801 -- MXNet's operator name
    """ROIAlign over rotated regions ``[batch_index, x_center, y_center, width, height,
    angle_degrees]`` (text detection). MXNet defines no gradient for it.

    >>> import symnb as mx
    >>> r = mx.sym.contrib.RROIAlign(mx.sym.var('data'), mx.sym.var('rois'), pooled_size=(2, 2),
    ...                              spatial_scale=1.0)
    >>> r.infer_shape(data=(1, 3, 8, 8), rois=(4, 6))[1]
    [(4, 3, 2, 2)]
    """

    name = "_contrib_RROIAlign"
    family = "pool"
    inputs = ("data", "rois")
    params = (
        _PairShape("pooled_size", "Shape(tuple), required", "RROI align output shape (h,w) "),
        Param("spatial_scale", "float, required",
              "Ratio of input feature map height (or width) to raw image height (or width). "
              "Equals the reciprocal of total stride in convolutional layers",
              lower=0.0, upper=1.0),
        Param("sampling_ratio", "int, optional, default='-1'",
              "Optional sampling ratio of RROI align, using adaptive size by default."),
    )

    def label(self, p, attrs):
        return "RROIAlign\n%dx%d" % tuple(p.pooled_size)

    def infer_shape(self, p, ins, outs):
        data, rois = ins
        _rois_check(data, rois, 6, suffix="U")
        shape_assign(outs, 0, (rois[0], data[1]) + tuple(p.pooled_size))

    def infer_type(self, p, ins, outs):
        _region_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, data, out = rt.xp, ins[0], outs[0]
        float_only(data.dtype)
        dtype, t = data.dtype, data.dtype.type
        h, w = data.shape[2:]
        ph, pw = p.pooled_size
        scale = t(p.spatial_scale)
        chan = xp.arange(data.shape[1]).reshape(-1, 1, 1, 1, 1)
        for n, roi in enumerate(rt.to_numpy(ins[1])):
            cx, cy = roi[1] * scale, roi[2] * scale
            width, height = max(roi[3] * scale, t(1)), max(roi[4] * scale, t(1))
            theta = t(float(roi[5]) * math.pi / 180.0)
            cos, sin = np.cos(theta), np.sin(theta)
            gh = _sample_grid(p.sampling_ratio, height, ph)
            gw = _sample_grid(p.sampling_ratio, width, pw)
            # the grid is centred on the region, then rotated about the centre
            yy = _grid(t(-height / 2.0), height / t(ph), gh, ph, dtype)[:, :, None, None]
            xx = _grid(t(-width / 2.0), width / t(pw), gw, pw, dtype)[None, None]
            x = xx * cos + yy * sin + cx
            y = yy * cos - xx * sin + cy
            samples = _gather(xp, data[int(roi[0])], chan, _taps(y, x, h, w))
            out[n] = samples.sum(axis=(2, 4)) / t(gh * gw)


# ----------------------------------------------------------------------------- PSROIPooling
def _ps_channels(output_dim, group, pooled, dtype):
    """Input channel of output ``(ctop, i, j)``: ``(ctop * group + gh(i)) * group + gw(j)``."""
    cell = np.floor(np.arange(pooled, dtype=dtype) * dtype.type(group) / dtype.type(pooled))
    cell = _clip(cell.astype(np.int64), 0, group - 1)
    ctop = np.arange(output_dim)[:, None, None]
    return (ctop * group + cell[None, :, None]) * group + cell[None, None, :]


def _ps_check_shapes(data, rois, output_dim, pooled, outs, n_out):
    _rois_check(data, rois, 5)
    for k in range(n_out):
        shape_assign(outs, k, (rois[0], output_dim, pooled, pooled))


@register
class _contrib_PSROIPooling(OpDef):  # noqa: N801 -- MXNet's operator name
    """Position-sensitive region pooling (R-FCN): bin ``(i, j)`` of output channel ``ctop``
    averages its window of input channel ``(ctop * group_size + gi) * group_size + gj``.
    ``group_size`` 0 means ``pooled_size``.

    >>> import symnb as mx
    >>> r = mx.sym.contrib.PSROIPooling(mx.sym.var('data'), mx.sym.var('rois'),
    ...                                 spatial_scale=0.5, output_dim=2, pooled_size=3)
    >>> r.infer_shape(data=(1, 18, 8, 8), rois=(4, 5))[1]
    [(4, 2, 3, 3)]
    """

    name = "_contrib_PSROIPooling"
    family = "pool"
    input_type = "Symbol"
    inputs = ("data", "rois")
    params = (
        Param("spatial_scale", "float, required", _SCALE_DOC, lower=0.0, upper=1.0),
        Param("output_dim", "int, required", "fix output dim"),
        Param("pooled_size", "int, required", "fix pooled size"),
        Param("group_size", "int, optional, default='0'", "fix group size"),
    )

    def label(self, p, attrs):
        return "PSROIPooling\n%dx%d" % (p.pooled_size, p.pooled_size)

    def infer_shape(self, p, ins, outs):
        _ps_check_shapes(ins[0], ins[1], p.output_dim, p.pooled_size, outs, 1)

    def infer_type(self, p, ins, outs):
        _region_type(ins, outs)

    def _windows(self, p, rois, shape, dtype):
        """Per output ``(r, ctop, i, j)``: batch, channel and the clipped window
        ``[hs, he) x [ws, we)`` (integer arrays broadcast to the output shape)."""
        t, pooled = dtype.type, p.pooled_size
        group = p.group_size or pooled
        h, w = shape[2:]
        scale = t(p.spatial_scale)
        start = [_c_round(rois[:, k]).astype(dtype) * scale for k in (1, 2)]
        end = [(_c_round(rois[:, k]) + 1.0).astype(dtype) * scale for k in (3, 4)]
        bins = [np.maximum(e - s, t(0.1)) / t(pooled) for s, e in zip(start, end, strict=True)]
        k = np.arange(pooled, dtype=dtype)
        edges = []
        for s, b, size in ((start[1], bins[1], h), (start[0], bins[0], w)):
            lo = np.floor(k[None] * b[:, None] + s[:, None]).astype(np.int64)
            hi = np.ceil((k[None] + t(1)) * b[:, None] + s[:, None]).astype(np.int64)
            edges.append((_clip(lo, 0, size), _clip(hi, 0, size)))
        (hs, he), (ws, we) = edges
        hs, he = hs[:, None, :, None], he[:, None, :, None]
        ws, we = ws[:, None, None, :], we[:, None, None, :]
        batch = rois[:, 0].astype(np.int64)[:, None, None, None]
        chan = _ps_channels(p.output_dim, group, pooled, dtype)[None]
        return batch, chan, hs, he, ws, we

    def forward(self, p, ins, outs, is_train, rt):
        xp, data, out = rt.xp, ins[0], outs[0]
        float_only(data.dtype)
        batch, chan, hs, he, ws, we = (xp.asarray(a) for a in self._windows(
            p, rt.to_numpy(ins[1]), data.shape, data.dtype))
        # window sums from an integral image, in float64 (exact enough to round like MXNet's
        # running float32 sum)
        n, c, h, w = data.shape
        table = xp.zeros((n, c, h + 1, w + 1), dtype=np.float64)
        table[:, :, 1:, 1:] = data.astype(np.float64).cumsum(3).cumsum(2)
        total = (table[batch, chan, he, we] - table[batch, chan, hs, we]
                 - table[batch, chan, he, ws] + table[batch, chan, hs, ws])
        area = (he - hs) * (we - ws)
        empty = (he <= hs) | (we <= ws)
        mean = (total.astype(data.dtype) / xp.maximum(area, 1).astype(data.dtype))
        out[...] = xp.where(empty, data.dtype.type(0), mean)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[1] is not None and reqs[1] == "write":
            igrads[1][...] = 0
        if igrads[0] is None:
            return
        xp, data, g = rt.xp, ins[0], ograds[0]
        batch, chan, hs, he, ws, we = (xp.asarray(a) for a in self._windows(
            p, rt.to_numpy(ins[1]), data.shape, data.dtype))
        empty = (he <= hs) | (we <= ws)
        area = xp.maximum((he - hs) * (we - ws), 1).astype(data.dtype)
        share = xp.where(empty, data.dtype.type(0), g / area).astype(np.float64)
        # the adjoint of the integral image: +-share at the four corners, then suffix sums
        n, c, h, w = data.shape
        corners = xp.zeros((n, c, h + 1, w + 1), dtype=np.float64)
        shape = share.shape
        for rows, cols, sign in ((he, we, 1), (hs, we, -1), (he, ws, -1), (hs, ws, 1)):
            index = tuple(xp.broadcast_to(a, shape) for a in (batch, chan, rows, cols))
            rt.scatter_add(corners, index, sign * share)
        suffix = xp.flip(xp.flip(corners, (2, 3)).cumsum(2).cumsum(3), (2, 3))
        assign(igrads[0], suffix[:, :, 1:, 1:].astype(data.dtype), reqs[0])


# ----------------------------------------------------------------------------- deformable
@register
class _contrib_DeformablePSROIPooling(OpDef):  # noqa: N801 -- MXNet's operator name
    """Deformable position-sensitive region pooling: each bin averages
    ``sample_per_part ** 2`` bilinear samples, moved by ``trans * trans_std`` times the
    region's size (``trans`` is ``(num_rois, 2 * classes, part_size, part_size)``; not an
    input with ``no_trans``). A hidden second output counts the samples inside the map.

    >>> import symnb as mx
    >>> r = mx.sym.contrib.DeformablePSROIPooling(
    ...     mx.sym.var('data'), mx.sym.var('rois'), spatial_scale=0.5, output_dim=2,
    ...     group_size=3, pooled_size=3, no_trans=True)
    >>> r.list_arguments(), r.infer_shape(data=(1, 18, 8, 8), rois=(4, 5))[1]
    (['data', 'rois'], [(4, 2, 3, 3)])
    """

    name = "_contrib_DeformablePSROIPooling"
    family = "pool"
    input_type = "Symbol"
    inputs = ("data", "rois", "trans")
    num_outputs_total_default = 2
    params = (
        Param("spatial_scale", "float, required", _SCALE_DOC, lower=0.0, upper=1.0),
        Param("output_dim", "int, required", "fix output dim"),
        Param("group_size", "int, required", "fix group size"),
        Param("pooled_size", "int, required", "fix pooled size"),
        Param("part_size", "int, optional, default='0'", "fix part size"),
        Param("sample_per_part", "int, optional, default='1'", "fix samples per part"),
        Param("trans_std", "float, optional, default=0", "fix transition std",
              lower=0.0, upper=1.0),
        Param("no_trans", "boolean, optional, default=0",
              "Whether to disable trans parameter."),
    )

    def input_names(self, p):
        return self.inputs[:2] if p.no_trans else self.inputs

    def hidden_output_names(self, p):
        return ("output", "top_count")

    def label(self, p, attrs):
        return "DeformablePSROIPooling\n%dx%d" % (p.pooled_size, p.pooled_size)

    def infer_shape(self, p, ins, outs):
        if not p.no_trans:
            _ndim_check(ins[2], 4, "tshape", "trans should be a 4D tensor of shape")
        _ps_check_shapes(ins[0], ins[1], p.output_dim, p.pooled_size, outs, 2)

    def infer_type(self, p, ins, outs):
        _region_type(ins, outs)

    def _samples(self, p, rois, trans, shape, dtype):
        """Sample positions ``(R, od, ph, pw, S, S)`` (``h``, ``w``), whether each counts,
        the channel of each output, the trans index pieces and the region sizes."""
        t, pooled, spp = dtype.type, p.pooled_size, p.sample_per_part
        part = p.part_size or pooled
        h, w = shape[2:]
        scale, half = t(p.spatial_scale), t(0.5)
        start = [_c_round(rois[:, k]).astype(dtype) * scale - half for k in (1, 2)]
        end = [(_c_round(rois[:, k]) + 1.0).astype(dtype) * scale - half for k in (3, 4)]
        width, height = (np.maximum(e - s, t(0.1)) for s, e in zip(start, end, strict=True))
        bin_w, bin_h = width / t(pooled), height / t(pooled)
        k = np.arange(pooled, dtype=dtype)
        cell = np.floor(k / t(pooled) * t(part)).astype(np.int64)
        classes = 1 if trans is None else trans.shape[1] // 2
        cls = np.arange(p.output_dim) // (p.output_dim // classes)
        if trans is None:
            shift_x = shift_y = t(0)
        else:
            pick = (np.arange(len(rois))[:, None, None, None], 2 * cls[None, :, None, None],
                    cell[None, None, :, None], cell[None, None, None, :])
            std = t(p.trans_std)
            shift_x = trans[pick] * std
            shift_y = trans[pick[0], pick[1] + 1, pick[2], pick[3]] * std
        r = (slice(None),) + (None,) * 3
        wstart = k[None, None, None, :] * bin_w[r] + start[0][r] + shift_x * width[r]
        hstart = k[None, None, :, None] * bin_h[r] + start[1][r] + shift_y * height[r]
        step = np.arange(spp, dtype=dtype)
        ws = wstart[..., None, None] + step[None, :] * (bin_w / t(spp))[r + (None, None)]
        hs = hstart[..., None, None] + step[:, None] * (bin_h / t(spp))[r + (None, None)]
        inside = ~((ws < -0.5) | (ws > w - 0.5) | (hs < -0.5) | (hs > h - 0.5))
        ws = _clip(ws, t(0), t(w - 1))
        hs = _clip(hs, t(0), t(h - 1))
        chan = _ps_channels(p.output_dim, p.group_size, pooled, dtype)
        return hs, ws, inside, chan, cls, cell, width, height

    def _corners(self, hs, ws):
        x0, y0 = np.floor(ws).astype(np.int64), np.floor(hs).astype(np.int64)
        x1, y1 = np.ceil(ws).astype(np.int64), np.ceil(hs).astype(np.int64)
        dx, dy = ws - x0.astype(ws.dtype), hs - y0.astype(hs.dtype)
        return x0, x1, y0, y1, dx, dy

    def forward(self, p, ins, outs, is_train, rt):
        xp, data = rt.xp, ins[0]
        float_only(data.dtype)
        trans = None if p.no_trans else rt.to_numpy(ins[2])
        rois = rt.to_numpy(ins[1])
        hs, ws, inside, chan, *_ = self._samples(p, rois, trans, data.shape, data.dtype)
        x0, x1, y0, y1, dx, dy = (xp.asarray(a) for a in self._corners(hs, ws))
        one = data.dtype.type(1)
        b = xp.asarray(rois[:, 0].astype(np.int64)).reshape(-1, 1, 1, 1, 1, 1)
        c = xp.asarray(chan)[None, :, :, :, None, None]
        value = ((one - dx) * (one - dy) * data[b, c, y0, x0] + (one - dx) * dy * data[b, c, y1, x0]
                 + dx * (one - dy) * data[b, c, y0, x1] + dx * dy * data[b, c, y1, x1])
        keep = xp.asarray(inside)
        total = xp.where(keep, value, data.dtype.type(0)).sum(axis=(4, 5))
        count = keep.sum(axis=(4, 5)).astype(data.dtype)
        outs[0][...] = xp.where(count > 0, total / xp.maximum(count, one), data.dtype.type(0))
        outs[1][...] = count

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, data, g = rt.xp, ins[0], ograds[0]
        trans = None if p.no_trans else rt.to_numpy(ins[2])
        rois = rt.to_numpy(ins[1])
        hs, ws, inside, chan, cls, cell, width, height = self._samples(
            p, rois, trans, data.shape, data.dtype)
        x0, x1, y0, y1, dx, dy = (xp.asarray(a) for a in self._corners(hs, ws))
        t, one = data.dtype.type, data.dtype.type(1)
        count = outs[1]
        diff = xp.where(count > 0, g / xp.maximum(count, one), t(0))[..., None, None]
        diff = xp.where(xp.asarray(inside), diff, t(0))
        b = xp.asarray(rois[:, 0].astype(np.int64)).reshape(-1, 1, 1, 1, 1, 1)
        c = xp.asarray(chan)[None, :, :, :, None, None]
        shape = diff.shape
        if igrads[0] is not None:
            acc = xp.zeros_like(data)
            for rows, cols, weight in ((y0, x0, (one - dx) * (one - dy)),
                                       (y1, x0, (one - dx) * dy), (y0, x1, dx * (one - dy)),
                                       (y1, x1, dx * dy)):
                index = tuple(xp.broadcast_to(a, shape) for a in (b, c, rows, cols))
                rt.scatter_add(acc, index, weight * diff)
            assign(igrads[0], acc, reqs[0])
        if igrads[1] is not None:
            assign(igrads[1], xp.zeros_like(ins[1]), reqs[1])
        if p.no_trans or igrads[2] is None:
            return
        u00, u01 = data[b, c, y0, x0], data[b, c, y1, x0]
        u10, u11 = data[b, c, y0, x1], data[b, c, y1, x1]
        std = t(p.trans_std)
        r = (slice(None),) + (None,) * 5
        grad_x = (u11 * dy + u10 * (one - dy) - u01 * dy - u00 * (one - dy)) \
            * (std * diff * xp.asarray(width)[r])
        grad_y = (u11 * dx + u01 * (one - dx) - u10 * dx - u00 * (one - dx)) \
            * (std * diff * xp.asarray(height)[r])
        acc = xp.zeros_like(ins[2])
        n = xp.arange(len(rois)).reshape(-1, 1, 1, 1, 1, 1)
        k = xp.asarray(2 * cls).reshape(1, -1, 1, 1, 1, 1)
        ci = xp.asarray(cell)
        rows, cols = ci.reshape(1, 1, -1, 1, 1, 1), ci.reshape(1, 1, 1, -1, 1, 1)
        for offset, grad in ((0, grad_x), (1, grad_y)):
            index = tuple(xp.broadcast_to(a, shape) for a in (n, k + offset, rows, cols))
            rt.scatter_add(acc, index, grad)
        assign(igrads[2], acc, reqs[2])


# ----------------------------------------------------------------------------- adaptive pool
def _adaptive_matrix(size_in: int, size_out: int, dtype):
    """``(size_out, size_in)`` averaging weights: row o covers
    ``[floor(o * in / out), ceil((o + 1) * in / out))``."""
    o = np.arange(size_out)
    start = (o * size_in) // size_out
    end = -((-(o + 1) * size_in) // size_out)
    i = np.arange(size_in)
    inside = (i[None] >= start[:, None]) & (i[None] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _dim_index_error(ndim: int, index: int) -> InferError:
    return InferError("Check failed: i >= 0 && i < ndim(): index = %d must be in range [0, %d)"
                      % (index, ndim))


@register
class _contrib_AdaptiveAvgPooling2D(OpDef):  # noqa: N801 -- MXNet's operator name
    """Average pooling to a fixed ``output_size`` (one int, ``(h, w)``, or empty for 1x1):
    output cell ``o`` averages input rows ``[floor(o * H / oh), ceil((o + 1) * H / oh))``.

    >>> import symnb as mx
    >>> x = mx.nd.array([[[[1, 2, 3], [4, 5, 6]]]])
    >>> mx.nd.contrib.AdaptiveAvgPooling2D(x, output_size=(1, 2)).asnumpy()
    array([[[[3., 4.]]]], dtype=float32)
    """

    name = "_contrib_AdaptiveAvgPooling2D"
    family = "pool"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    params = (
        Param("output_size", "Shape(tuple), optional, default=[]",
              "int (output size) or a tuple of int for output (height, width)."),
    )

    def _size(self, p):
        size = tuple(p.output_size or ())
        if len(size) == 1:
            return size * 2
        return size if len(size) == 2 else (1, 1)

    def label(self, p, attrs):
        return "AdaptiveAvgPooling2D\n%dx%d" % self._size(p)

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if not fully_known(data):
            return
        if len(data) < 4:
            raise _dim_index_error(len(data), 2 if len(data) <= 2 else 3)
        shape_assign(outs, 0, data[:2] + self._size(p) + data[4:])

    def infer_type(self, p, ins, outs):
        _same_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        float_only(x.dtype)
        rows = xp.asarray(_adaptive_matrix(x.shape[2], outs[0].shape[2], x.dtype))
        cols = xp.asarray(_adaptive_matrix(x.shape[3], outs[0].shape[3], x.dtype))
        outs[0][...] = rows @ x @ cols.T

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x, g = rt.xp, ins[0], ograds[0]
        rows = xp.asarray(_adaptive_matrix(x.shape[2], g.shape[2], x.dtype))
        cols = xp.asarray(_adaptive_matrix(x.shape[3], g.shape[3], x.dtype))
        assign(igrads[0], rows.T @ g @ cols, reqs[0])


# ----------------------------------------------------------------------------- bilinear resize
def _int16(v: int) -> int:
    # MXNet keeps the new size in an int16_t
    return (int(v) + 2 ** 15) % 2 ** 16 - 2 ** 15


def _resize_taps(size_in: int, size_out: int, align: bool, dtype):
    """Per output index: the source row, the next row's offset (0 at the border) and the two
    weights, computed in float32 as MXNet's CPU kernel does (bilinear_resize.cc)."""
    f32 = np.float32
    if size_out > 1:
        scale = f32(size_in - 1) / f32(size_out - 1) if align else f32(size_in) / f32(size_out)
    else:
        scale = f32(0)
    dst = np.arange(size_out)
    if align:
        src = scale * dst.astype(f32)
    else:
        src = (np.float64(scale) * (dst + 0.5) - 0.5).astype(f32)
        src = np.where(src < 0, f32(0), src)
    low = src.astype(np.int64)
    step = (low < size_in - 1).astype(np.int64)
    frac = (src - low.astype(f32)).astype(dtype)
    return low, step, dtype.type(1) - frac, frac


def _resize_matrix(size_in: int, size_out: int, align: bool, dtype):
    """``(size_out, size_in)`` interpolation weights (for the backward pass)."""
    low, step, w0, w1 = _resize_taps(size_in, size_out, align, dtype)
    m = np.zeros((size_out, size_in), dtype=dtype)
    rows = np.arange(size_out)
    np.add.at(m, (rows, low), w0)
    np.add.at(m, (rows, low + step), w1)
    return m


@register
class _contrib_BilinearResize2D(OpDef):  # noqa: N801 -- MXNet's operator name
    """Bilinear resize of NCHW data to ``(height, width)``, to ``scale_height/width`` times
    the input, or by ``mode``: 'odd_scale', 'like' (the size of a second input ``like``,
    which gets a zero gradient), 'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up'.

    >>> import symnb as mx
    >>> x = mx.nd.array([[[[0, 2]]]])
    >>> mx.nd.contrib.BilinearResize2D(x, height=1, width=3).asnumpy()
    array([[[[0., 1., 2.]]]], dtype=float32)
    """

    name = "_contrib_BilinearResize2D"
    family = "pool"
    inputs = ("data", "like")
    params = (
        Param("height", "int, optional, default='1'",
              "output height (required, but ignored if scale_height is defined or mode is not "
              "\"size\")", lower=1),
        Param("width", "int, optional, default='1'",
              "output width (required, but ignored if scale_width is defined or mode is not "
              "\"size\")", lower=1),
        Param("scale_height", "float or None, optional, default=None",
              "sampling scale of the height (optional, used in modes \"scale\" and "
              "\"odd_scale\")"),
        Param("scale_width", "float or None, optional, default=None",
              "sampling scale of the width (optional, used in modes \"scale\" and "
              "\"odd_scale\")"),
        Param("mode", "{'like', 'odd_scale', 'size', 'to_even_down', 'to_even_up', "
              "'to_odd_down', 'to_odd_up'},optional, default='size'",
              "resizing mode. \"simple\" - output height equals parameter \"height\" if "
              "\"scale_height\" parameter is not defined or input height multiplied by "
              "\"scale_height\" otherwise. Same for width;\"odd_scale\" - if original height "
              "or width is odd, then result height is calculated like result_h = (original_h "
              "- 1) * scale + 1; for scale > 1 the result shape would be like if we did "
              "deconvolution with kernel = (1, 1) and stride = (height_scale, width_scale); "
              "and for scale < 1 shape would be like we did convolution with kernel = (1, 1) "
              "and stride = (int(1 / height_scale), int( 1/ width_scale);\"like\" - resize "
              "first input to the height and width of second input; \"to_even_down\" - "
              "resize input to nearest lower even height and width (if original height is "
              "odd then result height = original height - 1);\"to_even_up\" - resize input "
              "to nearest bigger even height and width (if original height is odd then "
              "result height = original height + 1);\"to_odd_down\" - resize input to "
              "nearest odd height and width (if original height is odd then result height = "
              "original height - 1);\"to_odd_up\" - resize input to nearest odd height and "
              "width (if original height is odd then result height = original height + 1);"),
        Param("align_corners", "boolean, optional, default=1",
              "With align_corners = True, the interpolating doesn't proportionally align "
              "theoutput and input pixels, and thus the output values can depend on the "
              "input size."),
    )

    def input_names(self, p):
        return self.inputs if p.mode == "like" else self.inputs[:1]

    def label(self, p, attrs):
        return "BilinearResize2D\n%s" % p.mode

    @staticmethod
    def _scaled(scale, size):
        # dmlc::optional::value() of an unset scale throws; the product is a float
        if scale is None:
            raise InferError("bad optional access")
        return int(np.float32(scale) * np.float32(size))

    @staticmethod
    def _like_size(like):
        ndim = -1 if like is None else len(like)
        for index in (2, 3):
            if index >= ndim:
                raise _dim_index_error(ndim, index)
        return like[2] or -1, like[3] or -1

    def _new_size(self, p, ins):
        data = ins[0]
        h, w = data[2], data[3]
        if p.mode == "size":
            # MXNet tests scale_height for the width too (bilinear_resize-inl.h)
            if p.scale_height is None:
                return p.height, p.width
            return self._scaled(p.scale_height, h), self._scaled(p.scale_width, w)
        if p.mode == "odd_scale":
            return tuple(self._scaled(s, n) if n % 2 == 0 else self._scaled(s, n - 1) + 1
                         for s, n in ((p.scale_height, h), (p.scale_width, w)))
        if p.mode == "like":
            return self._like_size(ins[1])
        parity = 0 if "even" in p.mode else 1
        delta = 1 if p.mode.endswith("up") else -1
        return tuple(n if n % 2 == parity else n + delta for n in (h, w))

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if not fully_known(data):
            return
        if p.mode == "like":         # MXNet reads the like shape first
            self._like_size(ins[1])
        if len(data) < 4:
            raise _dim_index_error(len(data), 2 if len(data) <= 2 else 3)
        size = tuple(_int16(v) for v in self._new_size(p, ins))
        for v in size:
            if v < -1:
                raise InferError(check_failed("dim_size", ">=", "-1", v, -1,
                                              "shape dim size must be >= -1, while received "
                                              "%d" % v))
        shape_assign(outs, 0, data[:2] + tuple(max(v, 0) for v in size) + data[4:])

    def infer_type(self, p, ins, outs):
        _same_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, out = rt.xp, ins[0], outs[0]
        float_only(x.dtype)
        (ih, iw), (oh, ow) = x.shape[2:4], out.shape[2:4]
        if (ih, iw) == (oh, ow):
            out[...] = x
            return
        h_lo, h_step, h0, h1 = (xp.asarray(a) for a in _resize_taps(ih, oh, p.align_corners,
                                                                      x.dtype))
        w_lo, w_step, w0, w1 = (xp.asarray(a) for a in _resize_taps(iw, ow, p.align_corners,
                                                                      x.dtype))

        def across(rows):       # w0 * left + w1 * right of each gathered row
            return (w0 * xp.take(rows, w_lo, axis=3) + w1 * xp.take(rows, w_lo + w_step, axis=3))

        # MXNet's h0 * (w0 * a + w1 * b) + h1 * (w0 * c + w1 * d), one axis at a time
        out[...] = (h0[:, None] * across(xp.take(x, h_lo, axis=2))
                    + h1[:, None] * across(xp.take(x, h_lo + h_step, axis=2)))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet writes the like input's zero gradient whatever the request
        if len(igrads) > 1 and igrads[1] is not None:
            igrads[1][...] = 0
        if igrads[0] is None:
            return
        xp, x, g = rt.xp, ins[0], ograds[0]
        (ih, iw), (oh, ow) = x.shape[2:4], g.shape[2:4]
        if (ih, iw) == (oh, ow):
            assign(igrads[0], g, reqs[0])
            return
        rows = xp.asarray(_resize_matrix(ih, oh, p.align_corners, x.dtype))
        cols = xp.asarray(_resize_matrix(iw, ow, p.align_corners, x.dtype))
        assign(igrads[0], rows.T @ g @ cols, reqs[0])
