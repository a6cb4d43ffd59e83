"""Shapes taken from another array or rearranged in blocks: broadcast_like, reshape_like,
slice_like, shape_array, size_array, space_to_depth, depth_to_space, _split_v2.

The ``*_like`` operators read only the shape of their second input, which gets a zero
gradient (MXNet's ``MakeZeroGradNodes`` for it).
"""
from __future__ import annotations

import math

import numpy as np

from ._params import Param
from ._registry import OpDef, ZeroGradient, assign, register
from ._rules import fmt_shape, fully_known, uniform_type
from .shape import ShapeOrNone, check, check_axis, sassign, type_assign_check

__all__ = []


def _zero_rest(igrads, reqs):
    for g, r in zip(igrads[1:], reqs[1:]):
        if g is not None and r == "write":
            g[...] = 0


class _Like(OpDef):
    family = "shape"
    inputs = ("lhs", "rhs")

    def infer_type(self, p, ins, outs):
        # MXNet's rule does nothing at all until rhs's type is known (rhs itself stays free)
        if ins[1] is None:
            return
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])


@register
class broadcast_like(_Like):  # noqa: N801 -- MXNet's operator name
    """``lhs`` broadcast to the shape of ``rhs`` (or only ``lhs_axes`` to the sizes of
    ``rhs_axes``).

    >>> import symnb as mx
    >>> mx.nd.broadcast_like(mx.nd.ones((1, 3)), mx.nd.zeros((2, 3))).shape
    (2, 3)
    """

    name = "broadcast_like"
    params = (
        ShapeOrNone("lhs_axes", "Shape or None, optional, default=None",
                    "Axes to perform broadcast on in the first input array"),
        ShapeOrNone("rhs_axes", "Shape or None, optional, default=None",
                    "Axes to copy from the second input array"),
    )

    def infer_shape(self, p, ins, outs):
        lhs, rhs = ins
        if not fully_known(lhs) or not fully_known(rhs):
            return
        if p.lhs_axes is None and p.rhs_axes is None:
            check(len(lhs) == len(rhs), "lhs.ndim() == rhs.ndim() (%d vs. %d) : Operand of "
                  "shape %s cannot be broadcasted to %s" % (len(lhs), len(rhs), lhs, rhs))
            out = []
            for a, b in zip(lhs, rhs, strict=True):
                check(a == b or a == 1, "lhs_shape[i] == rhs_shape[i] || lhs_shape[i] == 1: "
                      "Array cannot be broadcasted from %s to %s"
                      % (fmt_shape(lhs), fmt_shape(rhs)))
                out.append(b)
            sassign(outs, 0, tuple(out))
            return
        la, ra = p.lhs_axes or (), p.rhs_axes or ()
        check(len(la) == len(ra), "lhs_axes.ndim() == rhs_axes.ndim() (%d vs. %d) : Input_axis "
              "and other_axis size does not match" % (len(la), len(ra)))
        check(len(la) > 0, "lhs_axes.ndim() > 0 (0 vs. 0) : Empty axes tuple is not allowed")
        out = list(lhs)
        for a, b in zip(la, ra, strict=True):
            a, b = check_axis(a, len(lhs)), check_axis(b, len(rhs))
            check(lhs[a] == 1, "lhs[axis] == 1: Array cannot be broadcasted")
            out[a] = rhs[b]
        sassign(outs, 0, tuple(out))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.broadcast_to(ins[0], outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero_rest(igrads, reqs)
        if igrads[0] is not None:
            lhs = ins[0].shape
            axes = tuple(i for i, (a, b) in enumerate(zip(lhs, outs[0].shape, strict=True))
                         if a != b)
            assign(igrads[0], ograds[0].sum(axis=axes, keepdims=True), reqs[0])


def _span(begin, end, ndim):
    b = 0 if begin is None else (begin + ndim if begin < 0 else begin)
    e = ndim if end is None else (end + ndim if end < 0 else end)
    return b, e


@register
class reshape_like(_Like):  # noqa: N801 -- MXNet's operator name
    """``lhs`` reshaped so that its axes ``[lhs_begin, lhs_end)`` take the sizes of the axes
    ``[rhs_begin, rhs_end)`` of ``rhs`` (whole shapes by default).

    >>> import symnb as mx
    >>> mx.nd.reshape_like(mx.nd.ones((2, 3)), mx.nd.zeros((3, 2))).shape
    (3, 2)
    """

    name = "reshape_like"
    params = tuple(Param(n, "int or None, optional, default='None'", d) for n, d in (
        ("lhs_begin", "Defaults to 0. The beginning index along which the lhs dimensions are "
                      "to be reshaped. Supports negative indices."),
        ("lhs_end", "Defaults to None. The ending index along which the lhs dimensions are to "
                    "be used for reshaping. Supports negative indices."),
        ("rhs_begin", "Defaults to 0. The beginning index along which the rhs dimensions are "
                      "to be used for reshaping. Supports negative indices."),
        ("rhs_end", "Defaults to None. The ending index along which the rhs dimensions are to "
                    "be used for reshaping. Supports negative indices.")))

    def infer_shape(self, p, ins, outs):
        lhs, rhs = ins
        # MXNet's ReshapeLikeRangeCanonicalize runs on unknown shapes too (ndim -1)
        lb, le = self._range(p.lhs_begin, p.lhs_end, lhs, "lhs")
        rb, re = self._range(p.rhs_begin, p.rhs_end, rhs, "rhs")
        if not fully_known(lhs) or not fully_known(rhs):
            return
        out = tuple(lhs[:lb]) + tuple(rhs[rb:re]) + tuple(lhs[le:])
        check(int(np.prod(out)) == int(np.prod(lhs)), "(*in_attrs)[0].Size() == oshape.Size() "
              "(%d vs. %d) : Cannot reshape lhs with shape %sto new shape %s because they have "
              "different size." % (int(np.prod(lhs)), int(np.prod(out)), fmt_shape(lhs),
                                   fmt_shape(out)))
        sassign(outs, 0, out)

    @staticmethod
    def _range(begin, end, shape, side):
        ndim = -1 if shape is None else len(shape)
        b, e = _span(begin, end, ndim)

        def show(v):
            return "None" if v is None else str(v)
        check(b < e, "(*cbegin < *cend): Invalid begin, "
              "end, get %s_begin=%s, %s_end=%s" % (side, show(begin), side, show(end)))
        return b, e

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0].reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero_rest(igrads, reqs)
        assign(igrads[0], ograds[0].reshape(ins[0].shape), reqs[0])


@register
class slice_like(_Like):  # noqa: N801 -- MXNet's operator name
    """The leading part of ``data`` with the shape of ``shape_like`` on ``axes`` (all axes
    when empty).

    >>> import symnb as mx
    >>> mx.nd.slice_like(mx.nd.ones((3, 4)), mx.nd.zeros((2, 2)), axes=(1,)).shape
    (3, 2)
    """

    name = "slice_like"
    inputs = ("data", "shape_like")
    params = (Param("axes", "Shape(tuple), optional, default=[]",
                    "List of axes on which input data will be sliced according to the "
                    "corresponding size of the second input. By default will slice on all "
                    "axes. Negative axes are supported."),)

    def infer_shape(self, p, ins, outs):
        data, like = ins
        if not fully_known(data) or not fully_known(like):
            return
        out = list(data)
        if not p.axes:
            check(len(data) == len(like), "ishape.ndim() == from_shape.ndim() (%d vs. %d) : "
                  "By default slice_axis performs slice on all axes, but ndim mismatch for "
                  "inputs: %d vs. %d" % (len(data), len(like), len(data), len(like)))
            axes = range(len(data))
        else:
            axes = [check_axis(a, len(data)) for a in p.axes]
        for a in axes:
            check(like[a] <= data[a], "ishape[i] >= from_shape[i]: Slice axis %d with size %d "
                  "exceeds limit of input with size %d" % (a, like[a], data[a]))
            out[a] = like[a]
        sassign(outs, 0, tuple(out))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0][tuple(slice(0, n) for n in outs[0].shape)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero_rest(igrads, reqs)
        if igrads[0] is None:
            return
        full = rt.xp.zeros_like(ins[0])
        full[tuple(slice(0, n) for n in outs[0].shape)] = ograds[0]
        assign(igrads[0], full, reqs[0])


class _ShapeInfo(ZeroGradient, OpDef):
    family = "shape"
    loss_head = True

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.int64)


@register
class shape_array(_ShapeInfo):  # noqa: N801 -- MXNet's operator name
    """The shape of ``data`` as a 1-D int64 array.

    >>> import symnb as mx
    >>> mx.nd.shape_array(mx.nd.ones((2, 3))).asnumpy()
    array([2, 3])
    """

    name = "shape_array"

    def infer_shape(self, p, ins, outs):
        # an unknown input still gives a 1-D output of unknown length, as MXNet
        sassign(outs, 0, (len(ins[0]),) if ins[0] is not None else (0,))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.asarray(ins[0].shape, dtype=np.int64)


@register
class size_array(_ShapeInfo):  # noqa: N801 -- MXNet's operator name
    """The number of elements of ``data`` as a ``(1,)`` int64 array.

    >>> import symnb as mx
    >>> mx.nd.size_array(mx.nd.ones((2, 3))).asnumpy()
    array([6])
    """

    name = "size_array"

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, (1,))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0].size


_BLOCK = Param("block_size", "int, required",
               "Blocks of [block_size. block_size] are moved")


class _Blocks(OpDef):
    """space_to_depth / depth_to_space on NCHW data: one reshape, transpose, reshape."""

    family = "shape"
    params = (_BLOCK,)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._move(p, rt.xp, ins[0], False)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], self._move(p, rt.xp, ograds[0], True), reqs[0])


@register
class space_to_depth(_Blocks):  # noqa: N801 -- MXNet's operator name
    """Blocks of ``block_size x block_size`` pixels become channels: (N, C, H, W) ->
    (N, C * b * b, H / b, W / b).

    >>> import symnb as mx
    >>> mx.nd.space_to_depth(mx.nd.ones((1, 1, 4, 4)), block_size=2).shape
    (1, 4, 2, 2)
    """

    name = "space_to_depth"

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        b = p.block_size
        ndim = -1 if x is None else len(x)
        check(ndim == 4, "in_attrs->at(0).ndim() == 4 (%d vs. 4) : Operation Space To Depth "
              "requires exactly 4D tensor" % ndim)
        check(b != 0, "block != 0 (0 vs. 0) : block_size must be a positive integer value")
        # MXNet refuses zero-size dims here, which legacy shapes cannot hold (0 is unknown,
        # MXNet's -1, which passes those checks and enters the arithmetic as -1)
        depth = (x[1] or -1) * b * b
        check(depth >= -1, "dim_size >= -1 (%d vs. -1) : shape dim size must be >= -1, while "
              "received %d" % (depth, depth))
        for i, which in ((2, "1st Space"), (3, "2nd space")):
            rem = int(math.fmod(x[i] or -1, b))
            check(rem == 0, "in_shape[%d] %% block == 0 (%d vs. 0) : Cannot perform Depth To "
                  "Space operation on the specified tensor. Dimension:%d(%s dimension) should "
                  "be a multiple of 'block'" % (i, rem, i, which))
        sassign(outs, 0, (x[0], x[1] * b * b, x[2] // b, x[3] // b))

    def _move(self, p, xp, x, inverse):
        b = p.block_size
        if inverse:     # x is the output gradient (N, C*b*b, H/b, W/b)
            n, c, h, w = x.shape
            y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
            return y.reshape(n, c // (b * b), h * b, w * b)
        n, c, h, w = x.shape
        y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
        return y.reshape(n, c * b * b, h // b, w // b)


@register
class depth_to_space(_Blocks):  # noqa: N801 -- MXNet's operator name
    """Channels become blocks of ``block_size x block_size`` pixels: (N, C, H, W) ->
    (N, C / (b * b), H * b, W * b).

    >>> import symnb as mx
    >>> mx.nd.depth_to_space(mx.nd.ones((1, 4, 2, 2)), block_size=2).shape
    (1, 1, 4, 4)
    """

    name = "depth_to_space"

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        b = p.block_size
        ndim = -1 if x is None else len(x)
        check(ndim == 4, "in_attrs->at(0).ndim() == 4 (%d vs. 4) : Operation Depth To Space "
              "requires exactly 4D tensor" % ndim)
        for i in range(4):
            # MXNet refuses zero-size dimensions here (legacy 0 = unknown cannot reach it)
            check(x[i] != 0, "in_shape[%d] != 0 (0 vs. 0) : Operation requires a 4D tensor. "
                  "Size of dimension:%d cannot be 0" % (i, i))
        check(b > 0, "block > 0: Block size should be greater than 0")
        check(x[1] % (b * b) == 0, "in_shape[1] %% (block * block) == 0 (%d vs. 0) : Cannot "
              "perform Depth To Space operation on the specified tensor. Dimension:1(depth "
              "dimension) should be a multiple of 'block^2'" % (x[1] % (b * b)))
        sassign(outs, 0, (x[0], x[1] // (b * b), x[2] * b, x[3] * b))

    def _move(self, p, xp, x, inverse):
        return space_to_depth._move(self, p, xp, x, not inverse)


@register
class _split_v2(OpDef):  # noqa: N801 -- MXNet's operator name
    """Pieces of ``data`` along ``axis``: ``sections`` equal ones, or starting at each of
    ``indices`` (whose first entry is 0, as ``mx.nd.split_v2`` passes them).

    >>> import symnb as mx
    >>> parts = mx.nd._internal._split_v2(mx.nd.ones((2, 5)), indices=(0, 2), axis=1)
    >>> [q.shape for q in parts]
    [(2, 2), (2, 3)]
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "_split_v2"
    family = "shape"
    params = (
        Param("indices", "Shape(tuple), required", "Indices of splits. The elements should "
              "denote the boundaries of at which split is performed along the `axis`."),
        Param("axis", "int, optional, default='1'", "Axis along which to split."),
        Param("squeeze_axis", "boolean, optional, default=0",
              "If true, Removes the axis with length 1 from the shapes of the output arrays. "
              "**Note** that setting `squeeze_axis` to ``true`` removes axis with length 1 "
              "only along the `axis` which it is split. Also `squeeze_axis` can be set to "
              "``true`` only if ``input.shape[axis] == num_outputs``."),
        Param("sections", "int, optional, default='0'", "Number of sections if equally "
              "splitted. Default to 0 which means split by indices."),
    )

    def _count(self, p):
        return p.sections if p.sections > 0 else len(p.indices)

    def output_names(self, p):
        return tuple("output%d" % i for i in range(self._count(p)))

    def _bounds(self, p, n):
        if p.sections > 0:
            step = n // p.sections
            starts = [i * step for i in range(p.sections)]
        else:
            starts = list(p.indices)
        return list(zip(starts, starts[1:] + [n], strict=True))

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        if not fully_known(x):
            return
        check(p.axis < len(x), "param.axis < dshape.ndim() (%d vs. %d) :" % (p.axis, len(x)))
        axis = check_axis(p.axis, len(x))
        if p.sections > 0:
            check(x[axis] % p.sections == 0, "dshape[real_axis] %% param.sections == 0 (%d vs. "
                  "0) : Input shape's axis dimension cannot be evenly divided by sections"
                  % (x[axis] % p.sections))
        for i, (lo, hi) in enumerate(self._bounds(p, x[axis])):
            check(hi >= lo, "start <= end: split_v2 indices must be increasing")
            part = x[:axis] + (() if p.squeeze_axis else (hi - lo,)) + x[axis + 1:]
            sassign(outs, i, part)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        axis = check_axis(p.axis, x.ndim)
        for out, (lo, hi) in zip(outs, self._bounds(p, x.shape[axis]), strict=True):
            piece = x[(slice(None),) * axis + (slice(lo, hi),)]
            out[...] = piece.reshape(out.shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        x = ins[0]
        axis = check_axis(p.axis, x.ndim)
        full = rt.xp.zeros_like(x)
        for g, (lo, hi) in zip(ograds, self._bounds(p, x.shape[axis]), strict=True):
            if g is not None:
                view = full[(slice(None),) * axis + (slice(lo, hi),)]
                view[...] = g.reshape(view.shape)
        # MXNet's split backward concatenates into the gradient: 'add' writes (recorded)
        assign(igrads[0], full, "write")
