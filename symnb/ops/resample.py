"""Resampling of NC(D)(H)W data: UpSampling and Pad.

UpSampling (bilinear) is a grouped Deconvolution and reuses the GEMM kernels of ``conv.py``;
nearest upsampling and Pad write strided views in place, one pass per offset.
"""
from __future__ import annotations

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import NOT_REAL, legacy_float32_type, shape_assign, uniform_type
from .conv import (
    Geometry,
    check_failed,
    conv_data_grad,
    conv_forward,
    conv_type,
    conv_weight_grad,
)


# ----------------------------------------------------------------------------- UpSampling
def _bilinear_geometry(scale: int, channels: int) -> Geometry:
    # MXNet's GetDeconvolutionParam (upsampling.cc): a depthwise Deconvolution whose kernel
    # 2s - s % 2, stride s and pad ceil((s - 1) / 2) give exactly scale * size outputs
    kernel = 2 * scale - scale % 2
    pad = -(-(scale - 1) // 2)
    return Geometry((kernel, kernel), (scale, scale), (1, 1), (pad, pad), channels)


def _phases(scale):
    """The ``scale * scale`` strided views of an upsampled image, one per position inside
    each pixel's block: ``[:, :, i::s, j::s]``."""
    return [(slice(None), slice(None), slice(i, None, scale), slice(j, None, scale))
            for i in range(scale) for j in range(scale)]


@register
class UpSampling(OpDef):
    """Upsample 4-D NCHW data by an integer ``scale``: 'nearest' (any number of inputs,
    concatenated on channels or summed) or 'bilinear' (a depthwise Deconvolution with a
    learnable ``weight`` of shape ``(channels, 1, k, k)``, ``k = 2 * scale - scale % 2``).

    >>> import symnb as mx
    >>> up = mx.sym.UpSampling(mx.sym.var('x'), scale=2, sample_type='nearest', name='up')
    >>> up.infer_shape(x=(1, 1, 2, 2))
    ([(1, 1, 2, 2)], [(1, 1, 4, 4)], [])
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "UpSampling"
    refused_dtypes = NOT_REAL
    key_var_num_args = "num_args"
    family = "pool"
    roles = {"weight": "weight"}
    # MXNet's FSetInputVarAttrOnCompose puts the bilinear initializer on input #1, whatever
    # its name ('weight' for bilinear, 'arg1' for nearest): ops.json var_attrs_on_compose
    var_attrs_on_compose = {"weight": {"__init__": '["bilinear", {}]'},
                            "arg1": {"__init__": '["bilinear", {}]'}}
    params = (
        Param("scale", "int, required", "Up sampling scale", lower=1),
        Param("num_filter", "int, optional, default='0'",
              "Input filter. Only used by bilinear sample_type.Since bilinear upsampling "
              "uses deconvolution, num_filters is set to the number of channels."),
        Param("sample_type", "{'bilinear', 'nearest'}, required", "upsampling method"),
        Param("multi_input_mode", "{'concat', 'sum'},optional, default='concat'",
              "How to handle multiple input. concat means concatenate upsampled images along "
              "the channel dimension. sum means add all images together, only available for "
              "nearest neighbor upsampling."),
        Param("num_args", "int, required",
              "Number of inputs to be upsampled. For nearest neighbor upsampling, this can "
              "be 1-N; the size of output will be(scale*h_0,scale*w_0) and all other inputs "
              "will be upsampled to thesame size. For bilinear upsampling this must be 2; 1 "
              "input and 1 weight.", lower=1),
        Param("workspace", "long (non-negative), optional, default=512",
              "Tmp workspace for deconvolution (MB)", lower=0),
    )

    def input_names(self, p):
        if p.sample_type == "bilinear":
            return ("data", "weight")
        return tuple("arg%d" % i for i in range(p.num_args))

    def label(self, p, attrs):
        return "UpSampling\n%s, x%d" % (p.sample_type, p.scale)

    def infer_shape(self, p, ins, outs):
        # MXNet's UpSamplingShape (upsampling.cc); nothing flows back from the output
        # MXNet reads the data's dims before checking it is known: an unknown data shape
        # fails (ndim -1), as infer_shape_partial shows
        data = ins[0]
        if p.sample_type == "nearest" and (data is None or len(data) < 2):
            # its first step clears the output's channel count, oshape[1]
            raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                             "[0, %d)" % (-1 if data is None else len(data)))
        if p.sample_type == "bilinear":
            if data is None or len(data) != 4:
                data = () if data is None else data
                raise InferError(check_failed(
                    "dshape.ndim()", "==", "4U", len(data) or -1, 4,
                    "UpSamplingBilinear: Input data should be 4D in (batch, channel, y, x)"))
            if not all(data):
                return
            k = 2 * p.scale - p.scale % 2
            shape_assign(ins, 1, (data[1], 1, k, k))
            shape_assign(outs, 0, (data[0], data[1], data[2] * p.scale, data[3] * p.scale))
            return
        for shape in ins:
            if shape is None or len(shape) != 4:
                raise InferError(check_failed(
                    "shape.ndim()", "==", "4U", -1 if shape is None else len(shape), 4,
                    "UpSamplingNearest: Input data should be 4D in (batch, channel, y, x)"))
        oh, ow = data[2] * p.scale, data[3] * p.scale
        channels = 0
        for shape in ins:
            for axis, (o, what) in enumerate(((oh, "height"), (ow, "width"))):
                if shape[2 + axis] and o % shape[2 + axis]:
                    raise InferError(check_failed(
                        "o%s%%shape[%d]" % ("hw"[axis], 2 + axis), "==", "0U",
                        o % shape[2 + axis], 0, "UpSamplingNearest: input %s of %d"
                        "does not divide output %s of %d" % (what, shape[2 + axis], what, o)))
            if p.multi_input_mode == "sum":
                if channels and channels != shape[1]:
                    raise InferError("Check failed: oshape[1] == 0 || oshape[1] == shape[1]: "
                                     "Number of channels must be the same when "
                                     "multi_input_mode==sum")
                channels = shape[1]
            else:
                channels += shape[1]
        shape_assign(outs, 0, (data[0], channels, oh, ow))

    def infer_type(self, p, ins, outs):
        conv_type(self.input_names(p), ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, out = rt.xp, outs[0]
        if p.sample_type == "bilinear":
            conv_data_grad(xp, ins[0], ins[1], _bilinear_geometry(p.scale, ins[0].shape[1]),
                           out, "write")
            return
        begin = 0
        for i, x in enumerate(ins):
            # each input has its own factor: output height / its height (MXNet's rule)
            part = out if p.multi_input_mode == "sum" else out[:, begin:begin + x.shape[1]]
            begin += x.shape[1]
            for at in _phases(out.shape[2] // x.shape[2]):
                if p.multi_input_mode == "sum" and i > 0:
                    part[at] += x
                else:
                    part[at] = x

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, g = rt.xp, ograds[0]
        if p.sample_type == "bilinear":
            x, w = ins
            geo = _bilinear_geometry(p.scale, x.shape[1])
            if igrads[0] is not None:
                dx = xp.empty_like(x)
                conv_forward(xp, g, w, geo, dx)
                assign(igrads[0], dx, reqs[0])
            if igrads[1] is not None:
                conv_weight_grad(xp, g, x, geo, igrads[1], reqs[1])
            return
        begin = 0
        for i, x in enumerate(ins):
            if p.multi_input_mode == "sum":
                part = g
            else:
                part = g[:, begin:begin + x.shape[1]]
                begin += x.shape[1]
            if igrads[i] is not None:
                phases = _phases(g.shape[2] // x.shape[2])
                grad = part[phases[0]].copy()
                for at in phases[1:]:
                    grad += part[at]
                assign(igrads[i], grad, reqs[i])


# ----------------------------------------------------------------------------- Pad
def _pad_slabs(ndim, axis, lo, hi, pads, sizes):
    """Index of one side of ``axis`` in the padded array: earlier axes whole (already padded),
    later axes interior only (padded after), as NumPy's axis-by-axis ``pad`` proceeds."""
    index = []
    for a in range(ndim):
        if a < axis:
            index.append(slice(None))
        elif a > axis:
            index.append(slice(pads[a][0], pads[a][0] + sizes[a]))
        else:
            index.append(slice(lo, hi))
    return tuple(index)


def _pad_sources(mode, before, after, n):
    """(destination range, source range, flip) pairs for the two sides of one axis:
    'edge' copies the border element, 'reflect' mirrors without repeating it."""
    if mode == "edge":
        return [((0, before), (before, before + 1)),
                ((before + n, before + n + after), (before + n - 1, before + n))]
    return [((0, before), (before + 1, 2 * before + 1)),
            ((before + n, before + n + after), (before + n - 1 - after, before + n - 1))]


@register
class Pad(OpDef):
    """Pad the spatial axes of 4-D or 5-D data: 'constant' (``constant_value``), 'edge'
    (repeat the border) or 'reflect' (mirror without repeating the border).

    ``pad_width`` holds (before, after) for every axis; the first two axes must be 0.

    >>> import symnb as mx
    >>> y = mx.sym.Pad(mx.sym.var('x'), mode='constant', pad_width=(0, 0, 0, 0, 1, 1, 1, 1))
    >>> y.infer_shape(x=(1, 1, 3, 3))[1]
    [(1, 1, 5, 5)]
    """

    name = "Pad"
    refused_dtypes = NOT_REAL
    aliases = ("pad",)
    family = "pool"
    params = (
        Param("mode", "{'constant', 'edge', 'reflect'}, required",
              "Padding type to use. \"constant\" pads with `constant_value` \"edge\" pads "
              "using the edge values of the input array \"reflect\" pads by reflecting "
              "values with respect to the edges."),
        Param("pad_width", "Shape(tuple), required",
              "Widths of the padding regions applied to the edges of each axis. It is a "
              "tuple of integer padding widths for each axis of the format ``(before_1, "
              "after_1, ... , before_N, after_N)``. It should be of length ``2*N`` where "
              "``N`` is the number of dimensions of the array.This is equivalent to "
              "pad_width in numpy.pad, but flattened."),
        Param("constant_value", "double, optional, default=0",
              "The value used for padding when `mode` is \"constant\"."),
    )

    def label(self, p, attrs):
        return "Pad\n%s" % p.mode

    def infer_shape(self, p, ins, outs):
        # MXNet's PadOp InferShape (pad-inl.h)
        data = ins[0]
        rank, width = (0 if data is None else len(data)), p.pad_width
        if rank not in (4, 5):   # an unknown data shape fails here too (recorded from MXNet)
            raise InferError("Current implementation only supports 4-D or 5-D input.")
        # MXNet 1.9.1's checks, in its order; the reflect check reads dims 2 and 3 only
        # (unknown ones as -1, so they fail)
        if any(width[:4]):
            raise InferError("Current implementation expects padding on the first two axes "
                             "to be zero.")
        if 2 * rank != len(width):
            raise InferError("Input shape vs padding spec mismatch.")
        if p.mode == "reflect" and any(max(width[2 * i], width[2 * i + 1]) >= (data[i] or -1)
                                       for i in (2, 3)):
            raise InferError("Current implementation of reflection padding only supports "
                             "padding sizes smaller than the input size.")
        shape_assign(outs, 0, tuple(n + width[2 * i] + width[2 * i + 1] if n else 0
                                    for i, n in enumerate(data)))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    @staticmethod
    def _pairs(p, ndim):
        return [(p.pad_width[2 * a], p.pad_width[2 * a + 1]) for a in range(ndim)]

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, out = rt.xp, ins[0], outs[0]
        pads = self._pairs(p, x.ndim)
        interior = tuple(slice(b, b + n) for (b, _), n in zip(pads, x.shape, strict=True))
        if p.mode == "constant":
            out[...] = p.constant_value
            out[interior] = x
            return
        out[interior] = x
        # fill the borders in place, axis by axis, from already written values
        for axis, (before, after) in enumerate(pads):
            for (lo, hi), (src_lo, src_hi) in _pad_sources(p.mode, before, after,
                                                             x.shape[axis]):
                if hi == lo:
                    continue
                src = out[_pad_slabs(x.ndim, axis, src_lo, src_hi, pads, x.shape)]
                if p.mode == "reflect":
                    src = xp.flip(src, axis=axis)
                out[_pad_slabs(x.ndim, axis, lo, hi, pads, x.shape)] = src

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, g, shape = rt.xp, ograds[0], igrads[0].shape
        pads = self._pairs(p, len(shape))
        interior = tuple(slice(b, b + n) for (b, _), n in zip(pads, shape, strict=True))
        if p.mode != "constant":
            g = g.copy()     # the adjoint of each border copy, axes in reverse order
            for axis in reversed(range(len(shape))):
                before, after = pads[axis]
                for (lo, hi), (src_lo, src_hi) in _pad_sources(p.mode, before, after,
                                                                 shape[axis]):
                    if hi == lo:
                        continue
                    part = g[_pad_slabs(len(shape), axis, lo, hi, pads, shape)]
                    if p.mode == "edge":
                        part = part.sum(axis=axis, keepdims=True)
                    else:
                        part = xp.flip(part, axis=axis)
                    g[_pad_slabs(len(shape), axis, src_lo, src_hi, pads, shape)] += part
        assign(igrads[0], g[interior], reqs[0])


# ----------------------------------------------------------------------------- Crop
@register
class Crop(OpDef):
    """A spatial window of NCHW ``arg0``: of size ``h_w`` (one input) or of ``arg1``'s height
    and width (two inputs), at ``offset`` or centred (``center_crop``). ``arg1`` only lends
    its shape and gets a zero gradient.

    >>> import symnb as mx
    >>> c = mx.sym.Crop(mx.sym.var('a'), mx.sym.var('b'), num_args=2)
    >>> c.infer_shape(a=(1, 2, 5, 6), b=(1, 3, 2, 3))[1]
    [(1, 2, 2, 3)]
    """

    input_type = "Symbol or Symbol[]"
    name = "Crop"
    family = "shape"
    inputs = ("data",)
    key_var_num_args = "num_args"
    params = (
        Param("num_args", "int, required", "Number of inputs for crop, if equals one, then we "
              "will use the h_wfor crop height and width, else if equals two, then we will "
              "use the heightand width of the second input symbol, we name crop_like here",
              lower=1, upper=3),
        Param("offset", "Shape(tuple), optional, default=[0,0]",
              "crop offset coordinate: (y, x)"),
        Param("h_w", "Shape(tuple), optional, default=[0,0]", "crop height and width: (h, w)"),
        Param("center_crop", "boolean, optional, default=0",
              "If set to true, then it will use be the center_crop,or it will crop using the "
              "shape of crop_like"),
    )

    def input_names(self, p):
        return tuple("arg%d" % i for i in range(p.num_args))

    def _size(self, p, ins):
        if p.num_args == 1:
            return tuple(p.h_w)
        like = ins[1]
        ndim = -1 if like is None else len(like)
        if ndim < 4:        # MXNet reads crop_like's dims 2 and 3 unchecked
            raise InferError("Check failed: i >= 0 && i < ndim(): index = %d must be in range "
                             "[0, %d)" % (2 if ndim < 3 else 3, ndim))
        return tuple(like[2:4])

    def _origin(self, p, data, size):
        if p.center_crop:
            return (data[2] - size[0]) // 2, (data[3] - size[1]) // 2
        return tuple(p.offset)

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        ndim = -1 if data is None else len(data)
        if ndim != 4:
            raise InferError(check_failed("data_shape.ndim()", "==", "4U", ndim, 4,
                                          "Input data should be 4D in batch-num_filter-y-x"))
        size = self._size(p, ins)
        y, x = self._origin(p, data, size)
        for start, extent, whole, what in ((y, size[0], data[2], "height"),
                                           (x, size[1], data[3], "width")):
            if extent and whole and start + extent > whole:
                raise InferError("Check failed: data_shape[%d] >= out_shape[%d] + offset: "
                                 "crop %s exceeds the input" % ((2, 2) if what == "height"
                                                                else (3, 3)) + (what,))
        shape_assign(outs, 0, (data[0], data[1]) + size)

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    def _window(self, p, data, out):
        y, x = self._origin(p, data, out[2:])
        return (slice(None), slice(None), slice(y, y + out[2]), slice(x, x + out[3]))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0][self._window(p, ins[0].shape, outs[0].shape)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet's Crop writes both gradients whatever the request (recorded with 'add')
        for g in igrads[1:]:
            if g is not None:
                g[...] = 0
        if igrads[0] is None:
            return
        full = rt.xp.zeros_like(ins[0])
        full[self._window(p, ins[0].shape, outs[0].shape)] = ograds[0]
        assign(igrads[0], full, "write")
