"""Spatial transformers and region pooling on NCHW data: GridGenerator, BilinearSampler,
SpatialTransformer, ROIPooling.

Sampling grids hold normalised coordinates in ``[-1, 1]`` (channel 0: x, channel 1: y); a
grid point ``(gx, gy)`` reads the input at ``((gx + 1) * (W - 1) / 2, (gy + 1) * (H - 1) / 2)``
bilinearly, with zeros outside, as MXNet's BilinearSampler does.
"""
from __future__ import annotations

import numpy as np

from ..base import DTYPE_TO_CODE, MXNetError
from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import float_only, fmt_tuple, fully_known
from .shape import _np, check, sassign

__all__ = []


def _ndim(shape):
    """MXNet's ``ndim()``: -1 for an unknown shape."""
    return -1 if shape is None else len(shape)


def _first_type(name, ins, outs, var="type"):
    """The type rule GridGenerator, BilinearSampler and SpatialTransformer share: the first
    known input type becomes every input's and output's; another known one must equal it.
    (All unknown is refused before the rule runs: ``type_required``.)"""
    dtype = None
    for t in ins:
        if dtype is None:
            dtype = t
        else:
            check(t is None or t == dtype, "%s == dtype || %s == -1: Non-uniform data type in %s"
                  % (var, var, name))
    if dtype is None:
        return
    ins[:] = [dtype] * len(ins)
    outs[:] = [dtype] * len(outs)


def _check_target(target_shape):
    """MXNet's ``CHECK_GT(param_.target_shape[i], 0U)``."""
    for i, v in enumerate(target_shape[:2]):
        check(v > 0, "param_.target_shape[%d] > 0U (%d vs. 0) : incorrect target_shape: %d"
              % (i, v, v))


def _cpu_fp16_gemm(rt, dtype):
    """MXNet's CPU ``linalg_gemm`` has no float16 kernel (its GPU one has)."""
    if rt.name == "numpy" and dtype == np.float16:
        raise MXNetError("MXNetError: FP16 gemm on cpu not implemented!")


def _target_grid(xp, h, w, dtype):
    """The (3, H*W) homogeneous target coordinates: x varies fastest, as in MXNet."""
    ys, xs = xp.meshgrid(xp.linspace(-1, 1, h, dtype=dtype), xp.linspace(-1, 1, w, dtype=dtype),
                         indexing="ij")
    return xp.stack([xs.ravel(), ys.ravel(), xp.ones(h * w, dtype=dtype)])


def _affine_grid(xp, theta, h, w):
    dst = _target_grid(xp, h, w, theta.dtype)
    return (theta.reshape(-1, 2, 3) @ dst).reshape(-1, 2, h, w), dst


def _bilinear(xp, data, grid):
    """Sampled output and the pieces its gradients need."""
    n, c, h, w = data.shape
    x = (grid[:, 0] + 1) * (w - 1) / 2          # (N, Ho, Wo)
    y = (grid[:, 1] + 1) * (h - 1) / 2
    x0, y0 = xp.floor(x), xp.floor(y)
    wx1, wy1 = x - x0, y - y0
    corners = []
    for dy, wy in ((0, 1 - wy1), (1, wy1)):
        for dx, wx in ((0, 1 - wx1), (1, wx1)):
            xi, yi = (x0 + dx).astype(np.int64), (y0 + dy).astype(np.int64)
            inside = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1)
            xc, yc = xp.clip(xi, 0, w - 1), xp.clip(yi, 0, h - 1)
            batch = xp.arange(n)[:, None, None]
            vals = data[batch, :, yc, xc]                   # (N, Ho, Wo, C)
            vals = xp.where(inside[..., None], vals, 0)
            corners.append((dx, dy, wx, wy, xc, yc, inside, vals))
    return corners


def _bilinear_forward(xp, data, grid):
    out = 0
    for _dx, _dy, wx, wy, _xc, _yc, _inside, vals in _bilinear(xp, data, grid):
        out = out + (wx * wy)[..., None] * vals
    return xp.moveaxis(out, -1, 1)


def _bilinear_backward(rt, data, grid, g):
    """(d data, d grid) of the bilinear sampler for the output gradient ``g``."""
    xp = rt.xp
    n, c, h, w = data.shape
    gl = xp.moveaxis(g, 1, -1)                               # (N, Ho, Wo, C)
    ddata = xp.zeros_like(data)
    dx_total, dy_total = 0, 0
    batch = xp.broadcast_to(xp.arange(n)[:, None, None], grid.shape[:1] + grid.shape[2:])
    flat = ddata.transpose(0, 2, 3, 1).reshape(-1, c)       # rows (n, y, x)
    for dx, dy, wx, wy, xc, yc, inside, vals in _bilinear(xp, data, grid):
        weight = (wx * wy * inside)[..., None]
        rows = ((batch * h + yc) * w + xc).reshape(-1)
        rt.scatter_add(flat, rows, (gl * weight).reshape(-1, c))
        contrib = (gl * vals).sum(axis=-1)                    # sum over channels
        dx_total = dx_total + contrib * wy * (1 if dx else -1)
        dy_total = dy_total + contrib * wx * (1 if dy else -1)
    ddata = flat.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    dgrid = xp.stack([dx_total * (w - 1) / 2, dy_total * (h - 1) / 2], axis=1)
    return ddata, dgrid


@register
class GridGenerator(OpDef):
    """Sampling grids (N, 2, H, W) from ``affine`` parameters (N, 6) over ``target_shape``,
    or from a ``warp`` flow field (N, 2, H, W) in pixels.

    >>> import symnb as mx
    >>> g = mx.sym.GridGenerator(mx.sym.var('loc'), transform_type='affine',
    ...                          target_shape=(4, 5))
    >>> g.infer_shape(loc=(2, 6))[1]
    [(2, 2, 4, 5)]
    """

    type_required = "Not enough information to infer type in GridGenerator."
    type_required_any = True

    name = "GridGenerator"
    family = "transform"
    num_outputs_total_default = 2
    params = (
        Param("transform_type", "{'affine', 'warp'}, required",
              "The type of transformation. For `affine`, input data should be an affine matrix "
              "of size (batch, 6). For `warp`, input data should be an optical flow of size "
              "(batch, 2, h, w)."),
        Param("target_shape", "Shape(tuple), optional, default=[0,0]",
              "Specifies the output shape (H, W). This is required if transformation type is "
              "`affine`. If transformation type is `warp`, this parameter is ignored."),
    )

    def hidden_output_names(self, p):
        return ("output", "grid_dst")

    def infer_shape(self, p, ins, outs):
        data = _np(ins[0])          # unknown dims are -1 in MXNet's rule
        ndim = _ndim(data)
        if p.transform_type == "affine":
            check(ndim == 2, "lshape.ndim() == 2U (%d vs. 2) : if transform_type is affine, "
                  "data is affine matrixaffine matrix should be 2D in batch-num_hidden" % ndim)
            check(data[1] == 6, "lshape[1] == 6U (%d vs. 6) : incorrect data shape[1], should "
                  "be 6" % data[1])
            _check_target(p.target_shape)
            h, w = p.target_shape
            sassign(outs, 0, (data[0], 2, h, w), fmt=fmt_tuple)
            sassign(outs, 1, (3, h * w), fmt=fmt_tuple)
        else:
            check(ndim == 4, "lshape.ndim() == 4U (%d vs. 4) : if transform_type is warp, data "
                  "is optical flowoptical flow should be 4D in batch-num_hidden-y-x" % ndim)
            check(data[1] == 2, "lshape[1] == 2U (%d vs. 2) : incorrect data shape[1], should "
                  "be 2" % data[1])
            sassign(outs, 0, data)
            sassign(outs, 1, (2, data[2], data[3]), fmt=fmt_tuple)

    def infer_type(self, p, ins, outs):
        _first_type(self.name, ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, data = rt.xp, ins[0]
        # MXNet's CPU operator exists for float32 only (its GPU one for every float type)
        if rt.name == "numpy" and data.dtype != np.float32:
            raise MXNetError("MXNetError: Other DTypes are not supported!")
        float_only(data.dtype)
        if p.transform_type == "affine":
            h, w = p.target_shape
            grid, dst = _affine_grid(xp, data, h, w)
            outs[0][...] = grid
            outs[1][...] = dst
            return
        _, _, h, w = data.shape
        ys, xs = xp.meshgrid(xp.arange(h, dtype=data.dtype), xp.arange(w, dtype=data.dtype),
                             indexing="ij")
        outs[1][...] = xp.stack([xs, ys])
        outs[0][:, 0] = (data[:, 0] + xs) / ((w - 1) / 2) - 1
        outs[0][:, 1] = (data[:, 1] + ys) / ((h - 1) / 2) - 1

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        g = ograds[0]
        if p.transform_type == "affine":
            n = g.shape[0]
            dtheta = g.reshape(n, 2, -1) @ outs[1].T
            assign(igrads[0], dtheta.reshape(n, 6), reqs[0])
            return
        _, _, h, w = g.shape
        scale = rt.xp.asarray([2 / (w - 1), 2 / (h - 1)], dtype=g.dtype).reshape(1, 2, 1, 1)
        assign(igrads[0], g * scale, reqs[0])


@register
class BilinearSampler(OpDef):
    """``data`` (N, C, H, W) sampled bilinearly at ``grid`` (N, 2, Ho, Wo) points.

    >>> import symnb as mx
    >>> s = mx.sym.BilinearSampler(mx.sym.var('data'), mx.sym.var('grid'))
    >>> s.infer_shape(data=(1, 3, 4, 4), grid=(1, 2, 2, 2))[1]
    [(1, 3, 2, 2)]
    """

    type_required = "Not enough information to infer type in BilinearSampler."
    type_required_any = True

    name = "BilinearSampler"
    family = "transform"
    inputs = ("data", "grid")
    num_outputs_total_default = 2
    params = (Param("cudnn_off", "boolean or None, optional, default=None",
                    "whether to turn cudnn off"),)

    def hidden_output_names(self, p):
        return ("output", "tmp")

    def infer_shape(self, p, ins, outs):
        data, grid = ins
        if not fully_known(data):
            return
        check(len(data) == 4, "dshape.ndim() == 4U (%d vs. 4) : input data should be 4D in "
              "batch-num_filter-y-x" % len(data))
        if not fully_known(grid):
            return
        check(len(grid) == 4, "lshape.ndim() == 4U (%d vs. 4) : Sampler grid should be 4D in "
              "batch-2-y-x" % len(grid))
        check(data[0] == grid[0], "dshape[0] == lshape[0] (%d vs. %d) : " % (data[0], grid[0]))
        check(grid[1] == 2, "lshape[1] == 2U (%d vs. 2) : incorrect grid shape[1], should be 2"
              % grid[1])
        sassign(outs, 0, (data[0], data[1], grid[2], grid[3]))
        sassign(outs, 1, (grid[0], grid[2], grid[3], 2), fmt=fmt_tuple)

    def infer_type(self, p, ins, outs):
        _first_type(self.name, ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        outs[0][...] = _bilinear_forward(rt.xp, ins[0], ins[1])
        outs[1][...] = 0

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        ddata, dgrid = _bilinear_backward(rt, ins[0], ins[1], ograds[0])
        assign(igrads[0], ddata, reqs[0])
        assign(igrads[1], dgrid, reqs[1])


@register
class SpatialTransformer(OpDef):
    """``data`` resampled through the affine grid of ``loc`` (N, 6) at ``target_shape``: a
    GridGenerator followed by a BilinearSampler.

    >>> import symnb as mx
    >>> st = mx.sym.SpatialTransformer(mx.sym.var('data'), mx.sym.var('loc'),
    ...                                target_shape=(3, 3), transform_type='affine',
    ...                                sampler_type='bilinear')
    >>> st.infer_shape(data=(2, 1, 5, 5), loc=(2, 6))[1]
    [(2, 1, 3, 3)]
    """

    type_required = "Not enough information to infer type in SpatialTransformer."
    type_required_any = True

    name = "SpatialTransformer"
    family = "transform"
    inputs = ("data", "loc")
    num_outputs_total_default = 3
    params = (
        Param("target_shape", "Shape(tuple), optional, default=[0,0]",
              "output shape(h, w) of spatial transformer: (y, x)"),
        Param("transform_type", "{'affine'}, required", "transformation type"),
        Param("sampler_type", "{'bilinear'}, required", "sampling type"),
        Param("cudnn_off", "boolean or None, optional, default=None",
              "whether to turn cudnn off"),
    )

    def hidden_output_names(self, p):
        return ("output", "grid_dst", "grid_src")

    def infer_shape(self, p, ins, outs):
        data, loc = ins
        if not fully_known(data):
            return
        check(len(data) == 4, "dshape.ndim() == 4U (%d vs. 4) : input data should be 4D in "
              "batch-num_filter-y-x" % len(data))
        if not fully_known(loc):
            return
        check(len(loc) == 2, "lshape.ndim() == 2U (%d vs. 2) : locolisation paramter should "
              "be 4D in batch-num_hidden" % len(loc))
        check(loc[1] == 6, "lshape[1] == 6U (%d vs. 6) : incorrect locolisation network "
              "shape[1], should be 6" % loc[1])
        _check_target(p.target_shape)
        h, w = p.target_shape
        sassign(outs, 0, (data[0], data[1], h, w))
        sassign(outs, 1, (3, h * w), fmt=fmt_tuple)
        sassign(outs, 2, (data[0], 2, h * w), fmt=fmt_tuple)

    def infer_type(self, p, ins, outs):
        _first_type(self.name, ins, outs, var="i_type")

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        float_only(ins[0].dtype)
        _cpu_fp16_gemm(rt, ins[0].dtype)
        h, w = p.target_shape
        grid, dst = _affine_grid(xp, ins[1], h, w)
        outs[1][...] = dst
        outs[2][...] = grid.reshape(outs[2].shape)      # grid_src is (N, 2, H * W)
        outs[0][...] = _bilinear_forward(xp, ins[0], grid)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        h, w = p.target_shape
        grid = outs[2].reshape(outs[2].shape[0], 2, h, w)
        ddata, dgrid = _bilinear_backward(rt, ins[0], grid, ograds[0])
        n = dgrid.shape[0]
        # MXNet's SpatialTransformer writes both gradients whatever the request (recorded)
        assign(igrads[0], ddata, "write")
        assign(igrads[1], (dgrid.reshape(n, 2, -1) @ outs[1].T).reshape(n, 6), "write")


@register
class ROIPooling(OpDef):
    """Max pooling of each region of interest into ``pooled_size`` bins. ``rois`` rows are
    ``[batch_index, x1, y1, x2, y2]`` in input coordinates (times ``spatial_scale``).

    >>> import symnb as mx
    >>> r = mx.sym.ROIPooling(mx.sym.var('data'), mx.sym.var('rois'), pooled_size=(2, 2),
    ...                       spatial_scale=1.0)
    >>> r.infer_shape(data=(1, 3, 8, 8), rois=(4, 5))[1]
    [(4, 3, 2, 2)]
    """

    name = "ROIPooling"
    family = "pool"
    inputs = ("data", "rois")
    num_outputs_total_default = 2
    params = (
        Param("pooled_size", "Shape(tuple), required",
              "ROI pooling output shape (h,w) "),
        Param("spatial_scale", "float, required",
              "Ratio of input feature map height (or w) to raw image height (or w). Equals the "
              "reciprocal of total stride in convolutional layers"),
    )

    def hidden_output_names(self, p):
        return ("output", "maxidx")

    def infer_shape(self, p, ins, outs):
        data, rois = _np(ins[0]), _np(ins[1])      # unknown dims are -1 in MXNet's rule
        check(_ndim(data) == 4, "dshape.ndim() == 4U (%d vs. 4) : data should be a 4D tensor"
              % _ndim(data))
        check(_ndim(rois) == 2, "bshape.ndim() == 2U (%d vs. 2) : bbox should be a 2D tensor "
              "of shape [batch, 5]" % _ndim(rois))
        check(rois[1] == 5, "bshape[1] == 5U (%d vs. 5) : bbox should be a 2D tensor of shape "
              "[batch, 5]" % rois[1])
        ph, pw = p.pooled_size
        sassign(outs, 0, (rois[0], data[1], ph, pw), fmt=fmt_tuple)
        sassign(outs, 1, (rois[0], data[1], ph, pw), fmt=fmt_tuple)

    def infer_type(self, p, ins, outs):
        # MXNet's rule: the rois' type must be the data's (an unknown one included), and
        # maxidx is an index_t array (int32 in MXNet's default build)
        dtype = ins[0]
        code = [-1 if t is None else DTYPE_TO_CODE.get(np.dtype(t), -1) for t in ins]
        check(code[0] == code[1], "dtype == (*in_type)[1] (%d vs. %d) : " % tuple(code))
        check(dtype is not None, "dtype != -1 (-1 vs. -1) : Input must have specified type")
        outs[0] = dtype
        outs[1] = np.dtype(np.int32)

    def _bins(self, p, roi, h, w):
        """(y0, y1, x0, x1) of every bin of one region, clipped to the map."""
        scale = np.float32(p.spatial_scale)
        x1, y1, x2, y2 = (int(np.round(float(v) * scale)) for v in roi[1:5])
        rh, rw = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        ph, pw = p.pooled_size
        bh, bw = rh / ph, rw / pw
        for i in range(ph):
            for j in range(pw):
                ys = min(max(int(np.floor(i * bh)) + y1, 0), h)
                ye = min(max(int(np.ceil((i + 1) * bh)) + y1, 0), h)
                xs = min(max(int(np.floor(j * bw)) + x1, 0), w)
                xe = min(max(int(np.ceil((j + 1) * bw)) + x1, 0), w)
                yield i, j, ys, ye, xs, xe

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        data = rt.to_numpy(ins[0])
        rois = rt.to_numpy(ins[1])
        _, c, h, w = data.shape
        out = np.zeros(outs[0].shape, dtype=data.dtype)
        idx = np.full(outs[1].shape, -1, dtype=np.float64)
        for r, roi in enumerate(rois):
            plane = data[int(roi[0])]
            for i, j, ys, ye, xs, xe in self._bins(p, roi, h, w):
                if ye <= ys or xe <= xs:
                    continue        # an empty bin pools to 0 (index -1)
                window = plane[:, ys:ye, xs:xe].reshape(c, -1)
                k = window.argmax(axis=1)
                out[r, :, i, j] = window[np.arange(c), k]
                idx[r, :, i, j] = (ys + k // (xe - xs)) * w + xs + k % (xe - xs)
        outs[0][...] = rt.asarray(out)
        outs[1][...] = rt.asarray(idx.astype(outs[1].dtype))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[1] is not None and reqs[1] == "write":
            igrads[1][...] = 0
        if igrads[0] is None:
            return
        xp, data, rois = rt.xp, ins[0], ins[1]
        n, c, h, w = data.shape
        flat = xp.zeros((n, c, h * w), dtype=data.dtype)
        idx = outs[1].astype(np.int64)
        batch = rois[:, 0].astype(np.int64)
        valid = idx >= 0
        r_b = xp.broadcast_to(batch[:, None, None, None], idx.shape)
        r_c = xp.broadcast_to(xp.arange(c)[None, :, None, None], idx.shape)
        rt.scatter_add(flat, (r_b[valid], r_c[valid], idx[valid]), ograds[0][valid])
        assign(igrads[0], flat.reshape(data.shape), reqs[0])
