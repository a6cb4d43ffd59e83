"""Sliding blocks: im2col (image to columns) and col2im (columns summed back into an image).

``im2col`` turns ``(N, C, *S)`` data into ``(N, C * prod(kernel), L)`` columns, row
``(c, k)`` holding ``data[n, c, o * stride + k * dilate - pad]`` (zero outside) for every one
of the ``L`` output positions ``o`` of the convolution with the same parameters. ``col2im``
is its adjoint: every column entry is added back at the position it was read from, so
``col2im`` is the gradient of ``im2col`` and vice versa.

Both take MXNet's convolution parameters (kernel, stride, dilate, pad) and, as MXNet's CPU
kernels do, run on 4-D (2-D spatial) images only; inference accepts 1-D to 3-D kernels.
"""
from __future__ import annotations

import math
from itertools import product

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import float_only, shape_assign
from .shape import type_assign_check

__all__ = ["sliding_params", "columns", "add_columns", "tshape"]


def tshape(t) -> str:
    """MXNet's TShape text ``[3,3]``.

    >>> tshape((3, 3)), tshape(())
    ('[3,3]', '[]')
    """
    return "[" + ",".join(str(v) for v in t) + "]"


def sliding_params(p, op_name="convolution"):
    """MXNet's SlidingParser: stride/dilate/pad default per kernel rank, ranks must agree."""
    nd = len(p.kernel)
    if nd not in (1, 2, 3):
        raise MXNetError("MXNetError: Check failed: param_.kernel.ndim() == 3U (%d vs. 3) : "
                         "%dD %s not supported" % (nd, nd, op_name))
    fill = {"stride": 1, "dilate": 1, "pad": 0}
    for key in ("stride", "dilate", "pad"):
        if len(p[key]) == 0:
            p[key] = (fill[key],) * nd
    for key, what, word in (("stride", "Stride", "stride"), ("dilate", "Dilate", "dilate"),
                            ("pad", "Padding", "padding")):
        if len(p[key]) != nd:
            raise MXNetError(
                "MXNetError: Check failed: param_.kernel.ndim() == param_.%s.ndim() (%d vs. %d)"
                " : %s must have the same number of dimensions with kernel_size,but "
                "kernel_size is set to %s while %s is %s"
                % (key, nd, len(p[key]), what, tshape(p.kernel), word, tshape(p[key])))
    return p


def _check_sizes(p, names=("kernel", "stride", "dilate")):
    for name in names:
        if math.prod(p[name]) <= 0:
            raise InferError("Check failed: param.%s.Size() > 0U (0 vs. 0) : incorrect %s "
                             "size: %s" % (name, name.replace("_", " "), tshape(p[name])))


def _block_counts(p, sizes, what):
    """Output positions per spatial axis for image sizes ``sizes`` (MXNet's loop and check)."""
    counts = []
    for i, x in enumerate(sizes):
        padded = x + 2 * p.pad[i]
        dk = 1 + (p.kernel[i] - 1) * p.dilate[i]
        if dk > padded:
            raise InferError("Check failed: dilated_kernel_size <= pad_size (%d vs. %d) : "
                             "kernel size exceed %s" % (dk, padded, what))
        counts.append((padded - dk) // p.stride[i] + 1)
    return counts


def _index_check(shape, index):
    """dmlc's Tuple::operator[] bound check (MXNet reads a dimension the shape lacks)."""
    if index >= len(shape):
        raise InferError("Check failed: i >= 0 && i < ndim(): index = %d must be in range "
                         "[0, %d)" % (index, len(shape)))


def _slab(offset, p, counts):
    """Padded-image positions one kernel offset reads: ``offset * dilate + stride * o``."""
    return (slice(None), slice(None)) + tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s)
        for k, d, s, o in zip(offset, p.dilate, p.stride, counts, strict=True))


def columns(xp, x, p, counts):
    """``(N, C * prod(kernel), prod(counts))`` columns of ``x`` (one strided copy per kernel
    offset)."""
    n, c = x.shape[:2]
    pad = tuple(p.pad)
    if any(pad):
        padded = xp.zeros((n, c) + tuple(s + 2 * q for s, q in zip(x.shape[2:], pad,
                                                                    strict=True)), x.dtype)
        padded[(slice(None), slice(None)) + tuple(slice(q, q + s) for s, q in
                                                  zip(x.shape[2:], pad, strict=True))] = x
    else:
        padded = x
    cols = xp.empty((n, c) + tuple(p.kernel) + tuple(counts), x.dtype)
    for offset in product(*(range(k) for k in p.kernel)):
        cols[(slice(None), slice(None)) + offset] = padded[_slab(offset, p, counts)]
    return cols.reshape(n, c * math.prod(p.kernel), -1)


def add_columns(xp, cols, p, image_shape):
    """The image of ``image_shape`` whose every pixel sums the column entries read from it
    (the adjoint of :func:`columns`)."""
    n, c = image_shape[:2]
    sizes = tuple(image_shape[2:])
    pad = tuple(p.pad)
    counts = [(s + 2 * q - 1 - (k - 1) * d) // st + 1
              for s, q, k, d, st in zip(sizes, pad, p.kernel, p.dilate, p.stride, strict=True)]
    cols = cols.reshape((n, c) + tuple(p.kernel) + tuple(counts))
    padded = xp.zeros((n, c) + tuple(s + 2 * q for s, q in zip(sizes, pad, strict=True)),
                      cols.dtype)
    for offset in product(*(range(k) for k in p.kernel)):
        padded[_slab(offset, p, counts)] += cols[(slice(None), slice(None)) + offset]
    return padded[(slice(None), slice(None)) + tuple(slice(q, q + s) for s, q in
                                                     zip(sizes, pad, strict=True))]


def _check_image(shape) -> None:
    """MXNet's kernels view the image as 4-D (``get_with_shape`` with its first four dims)."""
    if len(shape) < 4:
        raise MXNetError("MXNetError: Check failed: i >= 0 && i < ndim(): index = 3 must be "
                         "in range [0, %d)" % len(shape))
    if len(shape) > 4:
        raise MXNetError("TBlob.get_with_shape: Check failed: this->shape_.Size() == "
                         "static_cast<size_t>(shape.Size()) (%d vs. %d) : new and old shape "
                         "do not match total elements" % (math.prod(shape),
                                                          math.prod(shape[:4])))


def _line_view(x, p):
    """The image MXNet's kernel reads: a 1-D kernel on 4-D data walks each sample's memory
    as ``(C, H)`` lines (its N-d im2col takes the spatial sizes from the kernel's rank)."""
    if len(p.kernel) == 1 and x.ndim == 4:
        n, c, h = x.shape[:3]
        return x.reshape(n, -1)[:, :c * h].reshape(n, c, h)
    return x


def _image_counts(p, image_shape):
    return [(image_shape[2 + i] + 2 * p.pad[i] - 1 - (p.kernel[i] - 1) * p.dilate[i])
            // p.stride[i] + 1 for i in range(len(p.kernel))]


def _one_type(ins, outs):
    """im2col/col2im's FInferType: the output takes the data's type (forward only)."""
    if ins[0] is not None:
        type_assign_check(outs, 0, ins[0])


_DOCS = {
    "kernel": Param("kernel", "Shape(tuple), required",
                    "Sliding kernel size: (w,), (h, w) or (d, h, w)."),
    "stride": Param("stride", "Shape(tuple), optional, default=[]",
                    "The stride between adjacent sliding blocks in spatial dimension: (w,), "
                    "(h, w) or (d, h, w). Defaults to 1 for each dimension."),
    "dilate": Param("dilate", "Shape(tuple), optional, default=[]",
                    "The spacing between adjacent kernel points: (w,), (h, w) or (d, h, w). "
                    "Defaults to 1 for each dimension."),
    "pad": Param("pad", "Shape(tuple), optional, default=[]",
                 "The zero-value padding size on both sides of spatial dimension: (w,), "
                 "(h, w) or (d, h, w). Defaults to no padding."),
}


class _Sliding(OpDef):
    family = "conv"

    def parse(self, attrs, node_name=""):
        return sliding_params(parse_params(self, attrs, node_name))

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, "x".join(str(k) for k in p.kernel))


@register
class Im2col(_Sliding):
    """Extract sliding blocks from an image: ``(N, C, H, W)`` ->
    ``(N, C * prod(kernel), L)``, ``L`` the number of output positions of the convolution
    with the same kernel, stride, dilate and pad.

    >>> import symnb as mx
    >>> x = mx.nd.arange(9).reshape((1, 1, 3, 3))
    >>> mx.nd.im2col(x, kernel=(2, 2)).asnumpy()[0]
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]], dtype=float32)
    """

    name = "im2col"
    params = (_DOCS["kernel"], _DOCS["stride"], _DOCS["dilate"], _DOCS["pad"])

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None or not all(data):
            return
        _check_sizes(p)
        for i in range(len(p.kernel)):
            _index_check(data, i + 2)
        counts = _block_counts(p, data[2:2 + len(p.kernel)], "input")
        shape_assign(outs, 0, (data[0], data[1] * math.prod(p.kernel), math.prod(counts)))

    def infer_type(self, p, ins, outs):
        _one_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        float_only(x.dtype)
        _check_image(x.shape)
        image = _line_view(x, p)
        outs[0][...] = columns(rt.xp, image, p, _image_counts(p, image.shape))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x, grad = ins[0], igrads[0]
        _check_image(x.shape)
        image = _line_view(x, p)
        dimage = add_columns(rt.xp, ograds[0], p, image.shape)
        if image.shape == x.shape:
            assign(grad, dimage, reqs[0])
            return
        # MXNet writes (or adds) those lines only; the rest of the buffer stays as it was
        flat = grad.reshape(x.shape[0], -1)
        assign(flat[:, :dimage[0].size], dimage.reshape(x.shape[0], -1), reqs[0])


@register
class Col2im(_Sliding):
    """Sum column blocks back into an image: ``(N, C * prod(kernel), L)`` ->
    ``(N, C, *output_size)``; overlapping entries add up, so ``col2im`` is the gradient of
    ``im2col``.

    >>> import symnb as mx
    >>> cols = mx.nd.ones((1, 4, 4))
    >>> mx.nd.col2im(cols, output_size=(3, 3), kernel=(2, 2)).asnumpy()[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]], dtype=float32)
    """

    name = "col2im"
    params = (Param("output_size", "Shape(tuple), required",
                    "The spatial dimension of image array: (w,), (h, w) or (d, h, w)."),
              _DOCS["kernel"], _DOCS["stride"], _DOCS["dilate"], _DOCS["pad"])

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None or not all(data):
            return
        if len(p.kernel) != len(p.output_size):
            raise InferError(
                "Check failed: param.kernel.ndim() == param.output_size.ndim() (%d vs. %d) : "
                "Output size must have the same number of dimensions with kernel_size,but "
                "kernel_size is set to %s while output size is %s"
                % (len(p.kernel), len(p.output_size), tshape(p.kernel),
                   tshape(p.output_size)))
        _check_sizes(p, ("output_size", "kernel", "stride", "dilate"))
        blocks = math.prod(_block_counts(p, p.output_size, "output size"))
        _index_check(data, 2)
        if data[2] != blocks:
            raise InferError("Check failed: dshape[2] == out_dim (%d vs. %d) : output size "
                             "does not match convolution parameters" % (data[2], blocks))
        k = math.prod(p.kernel)
        if data[1] % k:
            raise InferError("Check failed: dshape[1] %% param.kernel.Size() == 0 (%d vs. 0) : "
                             "the second dim of input shape should be multiples of kernel "
                             "size" % (data[1] % k))
        shape_assign(outs, 0, (data[0], data[1] // k) + tuple(p.output_size),
                     inferred_fmt=tshape)

    def infer_type(self, p, ins, outs):
        _one_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        _check_image(outs[0].shape)
        outs[0][...] = add_columns(rt.xp, ins[0], p, outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        image = ograds[0]
        _check_image(image.shape)
        assign(igrads[0], columns(rt.xp, image, p, _image_counts(p, image.shape)), reqs[0])
