"""Numeric image transforms (``mx.sym.image``) on HWC images or NHWC batches (to_tensor,
flips, crop) and on CHW / NCHW tensors (normalize).
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import fmt_shape, fully_known, uniform_type
from .shape import check, sassign, type_assign_check

__all__ = []


class _Image(OpDef):
    family = "image"


def _dim(d):
    """A legacy dim (0 = unknown) as MXNet's rules see it: -1 when unknown."""
    return d if d > 0 else -1


def _float_text(v):
    """One element of a ``Tuple<float>`` as MXNet's ``operator<<`` prints it (``0``, ``0.5``)."""
    return "%g" % np.float32(v)


@register
class _image_to_tensor(_Image):  # noqa: N801 -- MXNet's operator name
    """HWC (NHWC) values in [0, 255] to a CHW (NCHW) float32 tensor in [0, 1].

    >>> import symnb as mx
    >>> mx.nd.image.to_tensor(mx.nd.ones((2, 3, 1), dtype='uint8') * 255).shape
    (1, 2, 3)
    """

    name = "_image_to_tensor"

    def infer_shape(self, p, ins, outs):
        # MXNet's ToTensorShape: nothing until the whole shape is known, then the rank
        x = ins[0]
        if not fully_known(x):
            return
        check(len(x) in (3, 4), "(shp.ndim() == 3) || (shp.ndim() == 4): Input image must have "
              "shape (height, width, channels), or (N, height, width, channels) but got %s"
              % fmt_shape(x))
        sassign(outs, 0, tuple(x[:-3]) + (x[-1], x[-3], x[-2]))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.float32)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        moved = rt.xp.moveaxis(x, -1, -3).astype(np.float32)
        outs[0][...] = moved / np.float32(255)


@register
class _image_normalize(_Image):  # noqa: N801 -- MXNet's operator name
    """``(x - mean[c]) / std[c]`` per channel of a CHW (NCHW) tensor with 1 or 3 channels.
    ``mean`` and ``std`` hold one value (for every channel) or one per channel: as in MXNet,
    their four-value defaults are refused.

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
        # MXNet's NormalizeOpShape: the rank, the channel count (an unknown one is -1), then
        # the lengths of mean and std (1, or one per channel); only the output is assigned
        x = ins[0]
        if x == ():                 # ``if (!dshape.ndim()) return false``
            return
        shown = "None" if x is None else fmt_shape(x)
        check(x is not None and len(x) in (3, 4), "(dshape.ndim() == 3) || (dshape.ndim() == 4)"
              ": Input tensor must have shape (channels, height, width), or (N, channels, "
              "height, width), but got %s" % shown)
        nchannels = _dim(x[-3])
        check(nchannels in (1, 3), "nchannels == 3 || nchannels == 1: The %s dimension of input "
              "tensor must be the channel dimension with either 1 or 3 elements, but got input "
              "with shape %s" % ("first" if len(x) == 3 else "second", shown))
        for what, values, cond in (
                ("mean", p.mean, "(param.mean.ndim() == 1) || (param.mean.ndim() == nchannels)"),
                ("std", p.std, "param.std.ndim() == 1 || param.std.ndim() == nchannels")):
            check(len(values) in (1, nchannels), "%s: Invalid %s for input with shape %s. %s must "
                  "have either 1 or %d elements, but got [%s]" % (
                      cond, what, shown, what, nchannels, ",".join(map(_float_text, values))))
        sassign(outs, 0, x)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])

    def _stats(self, p, c):
        """MXNet's float32 mean and std, shaped (c, 1, 1): one value repeated for every
        channel, or one per channel (the shape rule allows nothing else)."""
        mean, std = (np.asarray(v, dtype=np.float32) for v in (p.mean, p.std))
        return tuple(np.broadcast_to(v if v.size == c else v[:1], (c,)).reshape(c, 1, 1)
                     for v in (mean, std))

    def forward(self, p, ins, outs, is_train, rt):
        # ``(x - mean) / std`` as MXNet's kernel types it: double for float64, float16 through
        # half_t (float32 arithmetic, each step rounded to half), float32 for the rest;
        # integer results truncated toward zero
        xp, x = rt.xp, ins[0]
        mean, std = self._stats(p, x.shape[-3])
        calc = np.float64 if x.dtype == np.float64 else np.float32
        mean, std = xp.asarray(mean, dtype=calc), xp.asarray(std, dtype=calc)
        if x.dtype == np.float16:
            out = (x.astype(np.float32) - mean).astype(np.float16).astype(np.float32) / std
        else:
            out = (x.astype(calc) - mean) / std
        outs[0][...] = _kernel_cast(xp, out, x.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet: ``ograd * (1.0 / std)``, the reciprocal in double (float32 through half_t)
        xp, g = rt.xp, ograds[0]
        _, std = self._stats(p, ins[0].shape[-3])
        recip = 1.0 / std.astype(np.float64)
        if g.dtype == np.float16:
            grad = g.astype(np.float32) * xp.asarray(recip.astype(np.float32))
        else:
            grad = g.astype(np.float64) * xp.asarray(recip)
        assign(igrads[0], _kernel_cast(xp, grad, g.dtype), reqs[0])


def _kernel_cast(xp, v, dtype):
    """A float result stored into ``dtype`` as C++ converts it (integers: toward zero)."""
    if np.dtype(dtype).kind in "iu":
        return xp.trunc(v).astype(np.int64).astype(dtype)
    return v.astype(dtype)


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
        sassign(outs, 0, x)         # ImageShape assigns the output only

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
        # MXNet's CropShape runs on partial shapes as well: an unknown dim takes part as -1
        x = ins[0]
        ndim = -1 if x is None else len(x)
        if ndim not in (3, 4):
            raise InferError("Image Crop expects inputs of 3D (h, w, c) or 4D (n, h, w, c). But "
                             "got %d" % ndim)
        channels = _dim(x[-1])
        check(channels in (1, 3), "(in_attrs->at(0)[%d] == 1) || (in_attrs->at(0)[%d] == 3): "
              "Expect channel of the input image is 1 or 3, but got%d"
              % (ndim - 1, ndim - 1, channels))
        check(p.height > 0 and p.width > 0, "(param.height > 0) && (param.width > 0): Input "
              "height and width must be greater than 0")
        # MXNet's messages start with a space: two follow the condition's colon
        check(p.x + p.width <= _dim(x[-2]), "param.x + param.width <= ishape[ishape.ndim() - 2]"
              ":  x + width should not be greater than input width")
        check(p.y + p.height <= _dim(x[-3]), "param.y + param.height <= ishape[ishape.ndim() - "
              "3]:  y + height should not be greater than input height")
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


# ----------------------------------------------------------------------------- colour
def _saturate(x32, dtype):
    """MXNet's ``saturate_cast`` of float32 values: uint8 clips to [0, 255] (then truncates),
    other types are a plain C cast (truncation toward zero for integers)."""
    if dtype == np.uint8:
        x32 = np.clip(x32, np.float32(0), np.float32(255))
    if dtype.kind in "iu":
        return np.trunc(x32).astype(dtype)
    return x32.astype(dtype)


_GRAY = np.array([0.299, 0.587, 0.114], dtype=np.float32)
_EIG = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                 [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                 [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]], dtype=np.float32)


def _brightness(x, alpha):
    return _saturate(x.astype(np.float32) * np.float32(alpha), x.dtype)


def _contrast(x, alpha):
    f = x.astype(np.float32)
    length = x.shape[0] * x.shape[1]
    total = (f * _GRAY).sum(dtype=np.float64) if x.shape[2] > 1 else f.sum(dtype=np.float64)
    gray_mean = np.float32(np.float32(total) / np.float32(length))
    beta = (np.float32(1) - np.float32(alpha)) * gray_mean
    return _saturate(f * np.float32(alpha) + beta, x.dtype)


def _saturation(x, alpha):
    if x.shape[2] == 1:
        return x.copy()
    f = x.astype(np.float32)
    # MXNet's loop assigns (does not add) each channel's term: only blue's weight survives
    gray = f[..., 2:3] * _GRAY[2] * (np.float32(1) - np.float32(alpha))
    return _saturate(gray + f * np.float32(alpha), x.dtype)


def _fma(a, b, c):
    """``a * b + c`` rounded once to float32 (the product of two float32 is exact in
    float64)."""
    return (np.asarray(a, dtype=np.float64) * b + c).astype(np.float32)


def _rgb_to_hls(r, g, b):
    r, g, b = r / np.float32(255), g / np.float32(255), b / np.float32(255)
    vmax = np.fmax(np.fmax(r, g), b)
    vmin = np.fmin(np.fmin(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) * np.float32(0.5)
    big = diff > np.finfo(np.float32).eps
    with np.errstate(divide="ignore", invalid="ignore"):
        sat = np.where(light < 0.5, diff / (vmax + vmin), diff / (np.float32(2) - vmax - vmin))
        scale = np.float32(60) / diff
        hue = np.where(vmax == r, (g - b) * scale,
                       np.where(vmax == g, (b - r) * scale + np.float32(120),
                                (r - g) * scale + np.float32(240)))
    hue = np.where(hue < 0, hue + np.float32(360), hue)
    return (np.where(big, hue, 0).astype(np.float32), light.astype(np.float32),
            np.where(big, sat, 0).astype(np.float32))


_HLS_SECTORS = np.array([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])


def _hls_to_rgb(h, light, s):
    p2 = np.where(light <= 0.5, light * (np.float32(1) + s), light + s - light * s)
    p1 = np.float32(2) * light - p2
    h = h * np.float32(1 / 60.0)
    h = np.mod(h, np.float32(6))
    sector = np.clip(h.astype(np.int64), 0, 5)
    h = h - sector
    # MXNet's build contracts these ``a * b + c`` into one rounding (FMA): recorded
    tab = np.stack([p2, p1, _fma(p2 - p1, np.float32(1) - h, p1), _fma(p2 - p1, h, p1)], -1)
    pick = _HLS_SECTORS[sector]
    b, g, r = (np.take_along_axis(tab, pick[..., k:k + 1], -1)[..., 0] for k in range(3))
    gray = s == 0
    r, g, b = (np.where(gray, light, v) for v in (r, g, b))
    return r * np.float32(255), g * np.float32(255), b * np.float32(255)


def _hue(x, alpha):
    if x.shape[2] == 1:
        return x.copy()
    f = x.astype(np.float32)
    h, light, s = _rgb_to_hls(f[..., 0], f[..., 1], f[..., 2])
    r, g, b = _hls_to_rgb(h + np.float32(alpha) * np.float32(360), light, s)
    return _saturate(np.stack([r, g, b], -1).astype(np.float32), x.dtype)


def _lighting(x, alpha):
    if x.shape[2] == 1:
        return x.copy()
    pca = _EIG @ np.asarray(alpha[:3], dtype=np.float32)
    return _saturate(x.astype(np.float32) + pca.astype(np.float32), x.dtype)


class _ImageAug(_Flip):
    """MXNet's MXNET_REGISTER_IMAGE_AUG_OP: an HWC image (1 or 3 channels) in, the same shape
    and type out; the gradient is the head gradient itself (``_copy``). Computed on the
    host in float32, as MXNet's CPU kernels are."""

    def adjust(self, p, x, rt):
        raise NotImplementedError

    def forward(self, p, ins, outs, is_train, rt):
        host = rt.to_numpy(ins[0])
        outs[0][...] = rt.xp.asarray(self.adjust(p, host, rt))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0], reqs[0])


def _uniform(rt, lo, hi):
    return float(np.float32(rt.draw("uniform", float(lo), float(hi))))


_ENHANCE = (Param("min_factor", "float, required", "Minimum factor.", lower=0.0),
            Param("max_factor", "float, required", "Maximum factor.", lower=0.0))


@register
class _image_adjust_lighting(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """AlexNet-style PCA lighting: adds ``eigvec * (alpha * eigval)`` to each RGB pixel.

    >>> import symnb as mx
    >>> out = mx.nd.image.adjust_lighting(mx.nd.ones((1, 1, 3)) * 100, alpha=(0.1, 0.2, 0.3))
    >>> [round(float(v), 2) for v in out.asnumpy().ravel()]
    [97.68, 96.49, 96.24]
    """

    name = "_image_adjust_lighting"
    params = (Param("alpha", "tuple of <float>, required",
                    "The lighting alphas for the R, G, B channels."),)

    def adjust(self, p, x, rt):
        return _lighting(x, p.alpha)


@register
class _image_random_lighting(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """``adjust_lighting`` with each alpha drawn from ``Normal(0, alpha_std)``.

    >>> import symnb as mx
    >>> mx.nd.image.random_lighting(mx.nd.ones((1, 1, 3)), alpha_std=0).asnumpy().ravel()
    array([1., 1., 1.], dtype=float32)
    """

    name = "_image_random_lighting"
    params = (Param("alpha_std", "float, optional, default=0.0500000007",
                    "Level of the lighting noise."),)

    def adjust(self, p, x, rt):
        alpha = [float(np.float32(rt.draw("normal", 0.0, float(p.alpha_std))))
                 if p.alpha_std > 0 else 0.0 for _ in range(3)]
        return _lighting(x, alpha)


@register
class _image_random_brightness(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """Every value times one factor drawn from ``U(min_factor, max_factor)``.

    >>> import symnb as mx
    >>> x = mx.nd.ones((1, 2, 3))
    >>> float(mx.nd.image.random_brightness(x, min_factor=2, max_factor=2).asnumpy().max())
    2.0
    """

    name = "_image_random_brightness"
    params = _ENHANCE

    def adjust(self, p, x, rt):
        return _brightness(x, _uniform(rt, p.min_factor, p.max_factor))


@register
class _image_random_contrast(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """``x * a + (1 - a) * mean(gray)`` with ``a ~ U(min_factor, max_factor)`` (gray from
    the 0.299/0.587/0.114 weights).

    >>> import symnb as mx
    >>> x = mx.nd.array([[[0, 1, 2], [3, 4, 5]]])
    >>> mx.nd.image.random_contrast(x, min_factor=2, max_factor=2).asnumpy()[0, 0].round(3)
    array([-2.315, -0.315,  1.685], dtype=float32)
    """

    name = "_image_random_contrast"
    params = _ENHANCE

    def adjust(self, p, x, rt):
        return _contrast(x, _uniform(rt, p.min_factor, p.max_factor))


@register
class _image_random_saturation(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """``x * a + (1 - a) * gray`` per pixel, ``a ~ U(min_factor, max_factor)``. As in MXNet
    1.9.1, ``gray`` is ``0.114 * blue`` (its loop assigns each term instead of adding).

    >>> import symnb as mx
    >>> x = mx.nd.array([[[0, 1, 2], [3, 4, 5]]])
    >>> mx.nd.image.random_saturation(x, min_factor=2, max_factor=2).asnumpy()[0, 0].round(3)
    array([-0.228,  1.772,  3.772], dtype=float32)
    """

    name = "_image_random_saturation"
    params = _ENHANCE

    def adjust(self, p, x, rt):
        return _saturation(x, _uniform(rt, p.min_factor, p.max_factor))


@register
class _image_random_hue(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """The hue (HLS) rotated by ``a * 360`` degrees, ``a ~ U(min_factor, max_factor)``.

    >>> import symnb as mx
    >>> x = mx.nd.array([[[10, 100, 200]]])
    >>> mx.nd.image.random_hue(x, min_factor=0.3, max_factor=0.3).asnumpy().round(1).ravel()
    array([200.,  10., 138.], dtype=float32)
    """

    name = "_image_random_hue"
    params = _ENHANCE

    def adjust(self, p, x, rt):
        return _hue(x, _uniform(rt, p.min_factor, p.max_factor))


@register
class _image_random_color_jitter(_ImageAug):  # noqa: N801 -- MXNet's operator name
    """Brightness, contrast, saturation and hue jitters in a random order, each enabled by a
    positive amount (factors ``1 + U(-v, v)``, hue ``U(-hue, hue)``). With all four zero
    nothing runs: MXNet then leaves the output unwritten (symnb: zeros).

    >>> import symnb as mx
    >>> x = mx.nd.ones((1, 2, 3))
    >>> mx.nd.image.random_color_jitter(x, brightness=0.5, contrast=0, saturation=0,
    ...                                 hue=0).shape
    (1, 2, 3)
    """

    name = "_image_random_color_jitter"
    params = (Param("brightness", "float, required", "How much to jitter brightness."),
              Param("contrast", "float, required", "How much to jitter contrast."),
              Param("saturation", "float, required", "How much to jitter saturation."),
              Param("hue", "float, required", "How much to jitter hue."))

    def adjust(self, p, x, rt):
        steps = {0: (p.brightness, _brightness, True), 1: (p.contrast, _contrast, True),
                 2: (p.saturation, _saturation, True), 3: (p.hue, _hue, False)}
        current, ran = x, False
        for k in rt.rng.permutation(4).tolist():
            amount, fn, factor = steps[k]
            if amount > 0:
                jitter = _uniform(rt, -amount, amount)
                current = fn(current, float(np.float32(1 + jitter)) if factor else jitter)
                ran = True
        return current if ran else np.zeros_like(x)


class _RandomFlip(_ImageAug):
    """Flip with probability 1/2, else copy."""

    def adjust(self, p, x, rt):
        if rt.draw("uniform", 0.0, 1.0) < 0.5:
            return x.copy()
        return np.flip(x, axis=self.axis_from_end).copy()


@register
class _image_random_flip_left_right(_RandomFlip):  # noqa: N801 -- MXNet's operator name
    """The image mirrored left to right with probability 1/2 (else unchanged).

    >>> import symnb as mx
    >>> out = mx.nd.image.random_flip_left_right(mx.nd.array([[[1], [2]]]))
    >>> sorted(out.asnumpy().ravel().tolist())
    [1.0, 2.0]
    """

    name = "_image_random_flip_left_right"


@register
class _image_random_flip_top_bottom(_RandomFlip):  # noqa: N801 -- MXNet's operator name
    """The image mirrored top to bottom with probability 1/2 (else unchanged).

    >>> import symnb as mx
    >>> out = mx.nd.image.random_flip_top_bottom(mx.nd.array([[[1]], [[2]]]))
    >>> sorted(out.asnumpy().ravel().tolist())
    [1.0, 2.0]
    """

    name = "_image_random_flip_top_bottom"
    axis_from_end = -3


# ----------------------------------------------------------------------------- resize
def _cubic_coeffs(x):
    a = -0.75
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    return np.stack([c0, c1, c2, 1 - c0 - c1 - c2], -1)


def _lanczos4_coeffs(x):
    s45 = 0.70710678118654752440084436210485
    cs = np.array([[1, 0], [-s45, -s45], [0, 1], [s45, -s45], [-1, 0], [s45, s45], [0, -1],
                   [-s45, s45]])
    x = x.astype(np.float64)
    y0 = -(x + 3) * np.pi * 0.25
    s0, c0 = np.sin(y0), np.cos(y0)
    out = np.empty(x.shape + (8,))
    for i in range(8):
        y = -(x + 3 - i) * np.pi * 0.25
        with np.errstate(divide="ignore", invalid="ignore"):
            out[..., i] = ((cs[i][0] * s0 + cs[i][1] * c0) / (y * y)).astype(np.float32)
    out = out / out.sum(-1, keepdims=True)
    exact = x < np.finfo(np.float32).eps
    out[exact] = [0, 0, 0, 1, 0, 0, 0, 0]
    return out.astype(np.float32)


def _area_weights(n_in, n_out):
    scale = n_in / n_out
    w = np.zeros((n_out, n_in))
    for d in range(n_out):
        f1 = d * scale
        f2 = f1 + scale
        cell = min(scale, n_in - f1)
        s1, s2 = int(np.ceil(f1)), int(np.floor(f2))
        s2 = min(s2, n_in - 1)
        s1 = min(s1, s2)
        if s1 - f1 > 1e-3:
            w[d, s1 - 1] += (s1 - f1) / cell
        for k in range(s1, s2):
            w[d, k] += 1 / cell
        if f2 - s2 > 1e-3:
            w[d, s2] += min(min(f2 - s2, 1.0), cell) / cell
    return w


def _resize_weights(n_in, n_out, interp, area_down, fixed=False):
    """The (n_out, n_in) matrix of OpenCV's 1-D resampling along one axis (edge pixels
    replicated, half-pixel centres). ``fixed``: OpenCV's uint8 form, each tap's coefficient
    rounded to 11 bits (integers summing to 2048) before taps on one pixel add up."""
    scale = n_in / n_out
    d = np.arange(n_out)
    w = np.zeros((n_out, n_in), dtype=np.int64 if fixed else np.float64)
    if n_in == n_out:
        return np.eye(n_in, dtype=w.dtype) * (2048 if fixed else 1)
    if interp == 0:
        src = np.minimum(np.floor(d * scale).astype(np.int64), n_in - 1)
        w[d, src] = 2048 if fixed else 1
        return w
    if interp == 3 and area_down:
        return _area_weights(n_in, n_out)
    if interp == 3:
        src = np.floor(d * scale).astype(np.int64)
        frac = ((d + 1) - (src + 1) / scale).astype(np.float32)
        frac = np.where(frac <= 0, np.float32(0), frac - np.floor(frac)).astype(np.float32)
        taps, coeffs, first = 2, np.stack([1 - frac, frac], -1), src
    else:
        f = ((d + 0.5) * scale - 0.5).astype(np.float32)
        src = np.floor(f).astype(np.int64)
        frac = (f - src).astype(np.float32)
        if interp == 2:
            taps, coeffs, first = 4, _cubic_coeffs(frac), src - 1
        elif interp == 4:
            taps, coeffs, first = 8, _lanczos4_coeffs(frac), src - 3
        else:
            taps, coeffs, first = 2, np.stack([1 - frac, frac], -1), src
    if taps == 2:       # linear and area-up clamp the start and drop the fraction at edges
        low, high = first < 0, first >= n_in - 1
        coeffs = np.where((low | high)[:, None], np.array([1.0, 0.0]), coeffs)
        first = np.clip(first, 0, n_in - 1)
    coeffs = coeffs.astype(np.float32)
    if fixed:
        coeffs = np.rint(coeffs * np.float32(2048)).astype(np.int64)
    for k in range(taps):
        np.add.at(w, (d, np.clip(first + k, 0, n_in - 1)), coeffs[:, k])
    return w


def _row_taps(n_in, n_out, interp):
    """The two source rows and 11-bit weights of OpenCV's bilinear (area-up) vertical pass:
    unlike the columns, the rows are clamped without dropping the fraction."""
    scale = n_in / n_out
    d = np.arange(n_out)
    if n_in == n_out:
        return d, d, np.full(n_out, 2048), np.zeros(n_out, dtype=np.int64)
    if interp == 3:
        src = np.floor(d * scale).astype(np.int64)
        frac = ((d + 1) - (src + 1) / scale).astype(np.float32)
        frac = np.where(frac <= 0, np.float32(0), frac - np.floor(frac)).astype(np.float32)
    else:
        f = ((d + 0.5) * scale - 0.5).astype(np.float32)
        src = np.floor(f).astype(np.int64)
        frac = (f - src).astype(np.float32)
    b0 = np.rint((np.float32(1) - frac) * np.float32(2048)).astype(np.int64)
    b1 = np.rint(frac * np.float32(2048)).astype(np.int64)
    return np.clip(src, 0, n_in - 1), np.clip(src + 1, 0, n_in - 1), b0, b1


def _vertical_u8(rows, wy, interp, n_in, n_out):
    """OpenCV's uint8 vertical pass over the horizontal results ``rows`` (scaled by 2048):
    its SIMD form for bilinear (and area upscaling), ``(v + 2^21) >> 22`` otherwise."""
    n = rows.shape[1] * rows.shape[2]
    flat = rows.reshape(rows.shape[0], n)
    if interp in (1, 3):
        # VResizeLinearVec_32s8u (MXNet's build runs it on whole rows): rows >> 4, 16-bit
        # high products, then (x + 2) >> 2
        r0, r1, b0, b1 = _row_taps(n_in, n_out, interp)
        s = flat >> 4
        v = ((s[r0] * b0[:, None]) >> 16) + ((s[r1] * b1[:, None]) >> 16)
        out = (v + 2) >> 2
    else:
        out = (wy @ flat + (1 << 21)) >> 22
    return np.clip(out, 0, 255).astype(np.uint8).reshape((-1,) + rows.shape[1:])


def _c_div(a, b):
    """C++'s integer ``a / b`` (truncated toward zero)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _resize_hwc(img, out_h, out_w, interp):
    h, w = img.shape[0], img.shape[1]
    area_down = h >= out_h and w >= out_w
    dtype = img.dtype
    if dtype == np.uint8 and interp in (1, 2, 3, 4) and not (interp == 3 and area_down):
        # OpenCV's fixed-point path: 11-bit coefficients, both passes in integers
        wy = _resize_weights(h, out_h, interp, area_down, fixed=True)
        wx = _resize_weights(w, out_w, interp, area_down, fixed=True)
        rows = np.einsum("ow,hwc->hoc", wx, img.astype(np.int64))
        return _vertical_u8(rows, wy, interp, h, out_h)
    wy = _resize_weights(h, out_h, interp, area_down)
    wx = _resize_weights(w, out_w, interp, area_down)
    calc = np.float64 if dtype == np.float64 else np.float32
    out = np.einsum("ph,hwc->pwc", wy.astype(calc), img.astype(calc))
    out = np.einsum("ow,pwc->poc", wx.astype(calc), out)
    if dtype == np.uint8:
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return out.astype(dtype)


@register
class _image_resize(_Image):  # noqa: N801 -- MXNet's operator name
    """An HWC image (NHWC batch) resized to ``size`` = ``(width, height)`` or ``(s,)`` (a
    square, or with ``keep_ratio`` the short edge), as OpenCV's ``cv2.resize`` does with
    ``interp`` 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos-4 (MXNet's CPU kernel).

    Computed in NumPy: float32/float64 results agree with OpenCV's to float rounding; uint8
    ones follow OpenCV's 11-bit fixed-point arithmetic (its SIMD rounding for bilinear): in
    recorded comparisons nearest, bilinear, area and Lanczos-4 match MXNet exactly and a
    bicubic value differs by 1 now and then.

    >>> import symnb as mx
    >>> img = mx.nd.array(range(24)).reshape((2, 4, 3))
    >>> mx.nd.image.resize(img, size=3).asnumpy()[0, 0]
    array([0.5, 1.5, 2.5], dtype=float32)
    """

    name = "_image_resize"
    params = (Param("size", "Shape(tuple), optional, default=[]",
                    "Size of new image. Could be (width, height) or (size)"),
              Param("keep_ratio", "boolean, optional, default=0",
                    "Whether to resize the short edge or both edges to `size`, if size is "
                    "give as an integer."),
              Param("interp", "int, optional, default='1'",
                    "Interpolation method for resizing. By default uses bilinear "
                    "interpolationOptions are INTER_NEAREST - a nearest-neighbor "
                    "interpolationINTER_LINEAR - a bilinear interpolationINTER_AREA - "
                    "resampling using pixel area relationINTER_CUBIC - a bicubic "
                    "interpolation over 4x4 pixel neighborhoodINTER_LANCZOS4 - a Lanczos "
                    "interpolation over 8x8 pixel neighborhoodNote that the GPU version only "
                    "support bilinear interpolation(1)"))

    def _size(self, p, h, w):
        size = tuple(p.size or ())
        check(len(size) in (1, 2), "(param.size.ndim() == 1) || (param.size.ndim() == 2): "
              "Input size dimension must be 1 or 2, but got %d" % len(size))
        if len(size) == 1:
            check(size[0] > 0, "param.size[0] > 0 (%d vs. 0) : Input size should be greater "
                  "than 0, but got %d" % (size[0], size[0]))
            if not p.keep_ratio:
                return size[0], size[0]
            if h > w:
                return _c_div(h * size[0], w), size[0]
            return size[0], _c_div(w * size[0], h)
        check(size[0] > 0, "param.size[0] > 0 (%d vs. 0) : Input width should be greater than "
              "0, but got %d" % (size[0], size[0]))
        check(size[1] > 0, "param.size[1] > 0 (%d vs. 0) : Input height should be greater "
              "than 0, but got %d" % (size[1], size[1]))
        return size[1], size[0]

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        ndim = -1 if x is None else len(x)
        check(ndim in (3, 4), "(in_attrs->at(0).ndim() == 3U) || (in_attrs->at(0).ndim() == "
              "4U): Input image dimension should be 3 or 4 but got %d" % ndim)
        # unknown dims take part as -1, as in MXNet: keep_ratio may scale by one (a dim below
        # -1 is refused when the output shape is assigned)
        oh, ow = self._size(p, _dim(x[-3]), _dim(x[-2]))
        for d in (oh, ow):
            check(d >= -1, "dim_size >= -1 (%d vs. -1) : shape dim size must be >= -1, while "
                  "received %d" % (d, d))
        sassign(outs, 0, tuple(x[:-3]) + (oh, ow, x[-1]))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x = rt.to_numpy(ins[0])
        if x.dtype == np.float16:
            raise MXNetError("MXNetError: Check failed: inputs[0].type_flag_ != mshadow: "
                             ":kFloat16 (2 vs. 2) : opencv image mat doesn't support fp16")
        if tuple(outs[0].shape) == tuple(x.shape):
            # OpenCV copies a same-size image before looking at the type or interpolation
            outs[0][...] = ins[0]
            return
        if p.interp not in (0, 1, 2, 3, 4):
            raise MXNetError("MXNetError: OpenCV(3.4.2) /work/mxnet/staticdeps/opencv-3.4.2/"
                             "modules/imgproc/src/resize.cpp:3919: error: (-5:Bad argument) "
                             "Unknown interpolation method in function 'resize'")
        if x.dtype not in (np.float32, np.float64, np.uint8):
            raise MXNetError("MXNetError: OpenCV(3.4.2) /work/mxnet/staticdeps/opencv-3.4.2/"
                             "modules/imgproc/src/resize.cpp:3922: error: (-215:Assertion "
                             "failed) func != 0 in function 'resize'")
        oh, ow = outs[0].shape[-3], outs[0].shape[-2]
        if x.ndim == 3:
            out = _resize_hwc(x, oh, ow, p.interp)
        else:
            out = np.stack([_resize_hwc(im, oh, ow, p.interp) for im in x])
        outs[0][...] = rt.xp.asarray(out)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet's gradient is ``_copy`` of the head gradient: it runs for same-size resizes
        if tuple(ograds[0].shape) != tuple(ins[0].shape):
            raise MXNetError("MXNetError: _image_resize's gradient (_copy) needs the output "
                             "shape %s to equal the input shape %s"
                             % (fmt_shape(ograds[0].shape), fmt_shape(ins[0].shape)))
        assign(igrads[0], ograds[0], reqs[0])
