"""Numeric image transforms (``mx.sym.image``) on HWC images or NHWC batches (to_tensor,
flips, crop) and on CHW / NCHW tensors (normalize).
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import elemwise_shape, fmt_shape, fully_known, uniform_type
from .shape import check, sassign, type_assign_check

__all__ = []


class _Image(OpDef):
    family = "image"

    def _check_rank(self, shape, what="HWC or NHWC"):
        check(len(shape) in (3, 4), "ndim == 3 || ndim == 4: Input image must have shape %s, "
              "but got %d dimensions" % (what, len(shape)))


@register
class _image_to_tensor(_Image):  # noqa: N801 -- MXNet's operator name
    """HWC (NHWC) values in [0, 255] to a CHW (NCHW) float32 tensor in [0, 1].

    >>> import symnb as mx
    >>> mx.nd.image.to_tensor(mx.nd.ones((2, 3, 1), dtype='uint8') * 255).shape
    (1, 2, 3)
    """

    name = "_image_to_tensor"

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        if not fully_known(x):
            return
        self._check_rank(x)
        sassign(outs, 0, tuple(x[:-3]) + (x[-1], x[-3], x[-2]))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.float32)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        moved = rt.xp.moveaxis(x, -1, -3).astype(np.float32)
        outs[0][...] = moved / np.float32(255)


@register
class _image_normalize(_Image):  # noqa: N801 -- MXNet's operator name
    """``(x - mean[c]) / std[c]`` per channel of a CHW (NCHW) tensor.

    >>> import symnb as mx
    >>> mx.nd.image.normalize(mx.nd.ones((1, 1, 2)), mean=(0.5,), std=(0.25,)).asnumpy()
    array([[[2., 2.]]], dtype=float32)
    """

    name = "_image_normalize"
    params = (Param("mean", "tuple of <float>, optional, default=[0,0,0,0]",
                    "Sequence of means for each channel. Default value is 0."),
              Param("std", "tuple of <float>, optional, default=[1,1,1,1]",
                    "Sequence of standard deviations for each channel. Default value is 1."))

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        check(x is not None and len(x) in (3, 4), "(dshape.ndim() == 3) || (dshape.ndim() == 4)"
              ": Input tensor must have shape (channels, height, width), or (N, channels, "
              "height, width), but got %s" % ("None" if x is None else fmt_shape(x)))
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def _stats(self, p, xp, x):
        c = x.shape[-3]
        mean = np.resize(np.asarray(p.mean, dtype=np.float64), c) if len(p.mean) < c else \
            np.asarray(p.mean[:c], dtype=np.float64)
        std = np.resize(np.asarray(p.std, dtype=np.float64), c) if len(p.std) < c else \
            np.asarray(p.std[:c], dtype=np.float64)
        shape = (c, 1, 1)
        return (xp.asarray(mean.reshape(shape), dtype=x.dtype),
                xp.asarray(std.reshape(shape), dtype=x.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        mean, std = self._stats(p, rt.xp, ins[0])
        outs[0][...] = (ins[0] - mean) / std

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _, std = self._stats(p, rt.xp, ins[0])
        assign(igrads[0], ograds[0] / std, reqs[0])


class _Flip(_Image):
    axis_from_end = -2          # W of HWC

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        shown = "None" if x is None else fmt_shape(x)
        ndim = -1 if x is None else len(x)
        check(ndim == 3, "dshape.ndim() == 3 (%d vs. 3) : Input image must have shape (height, "
              "width, channels), but got %s" % (ndim, shown))
        check(x[-1] in (1, 3), "nchannels == 3 || nchannels == 1: The last dimension of input "
              "image must be the channel dimension with either 1 or 3 elements, but got input "
              "with shape %s" % shown)
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.flip(ins[0], axis=self.axis_from_end)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet 1.9.1 passes the head gradient through unflipped (recorded); kept as it is
        assign(igrads[0], ograds[0], reqs[0])


@register
class _image_flip_left_right(_Flip):  # noqa: N801 -- MXNet's operator name
    """The image mirrored left to right (the W axis of an HWC image, 1 or 3 channels).

    >>> import symnb as mx
    >>> mx.nd.image.flip_left_right(mx.nd.array([[[1], [2]]])).asnumpy().ravel().tolist()
    [2.0, 1.0]
    """

    name = "_image_flip_left_right"


@register
class _image_flip_top_bottom(_Flip):  # noqa: N801 -- MXNet's operator name
    """The image mirrored top to bottom (the H axis of an HWC image, 1 or 3 channels).

    >>> import symnb as mx
    >>> mx.nd.image.flip_top_bottom(mx.nd.array([[[1]], [[2]]])).asnumpy().ravel().tolist()
    [2.0, 1.0]
    """

    name = "_image_flip_top_bottom"
    axis_from_end = -3


@register
class _image_crop(_Image):  # noqa: N801 -- MXNet's operator name
    """The ``width x height`` window at ``(x, y)`` of an HWC image (NHWC batch).

    >>> import symnb as mx
    >>> mx.nd.image.crop(mx.nd.ones((4, 5, 3)), x=1, y=0, width=2, height=3).shape
    (3, 2, 3)
    """

    name = "_image_crop"
    params = (Param("x", "int, required", "Left boundary of the cropping area."),
              Param("y", "int, required", "Top boundary of the cropping area."),
              Param("width", "int, required", "Width of the cropping area."),
              Param("height", "int, required", "Height of the cropping area."))

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        ndim = -1 if x is None else len(x)
        if ndim not in (3, 4):
            raise InferError("Image Crop expects inputs of 3D (h, w, c) or 4D (n, h, w, c). But "
                             "got %d" % ndim)
        if not fully_known(x):
            return
        h, w = x[-3], x[-2]
        check(p.x + p.width <= w and p.y + p.height <= h, "x + width <= w && y + height <= h: "
              "cropping area exceeds the image (%d x %d)" % (h, w))
        sassign(outs, 0, tuple(x[:-3]) + (p.height, p.width, x[-1]))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def _window(self, p, ndim):
        return (slice(None),) * (ndim - 3) + (slice(p.y, p.y + p.height),
                                              slice(p.x, p.x + p.width))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0][self._window(p, ins[0].ndim)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        full = rt.xp.zeros_like(ins[0])
        full[self._window(p, ins[0].ndim)] = ograds[0]
        assign(igrads[0], full, reqs[0])
