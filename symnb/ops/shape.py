"""Shape manipulation: Reshape, Flatten, transpose, Concat, SliceChannel, slice, tile, Cast, ...

Shape rules follow MXNet 1.9.1's, which run on "numpy-shape" semantics internally: the C API
turns legacy unknown dims (0) into -1 before calling a rule and back afterwards. The helpers
``_np`` / ``_legacy`` do that conversion so each rule reads like MXNet's (spec symbol.md 5.1).
Most rules here are one-directional (input -> output); the exceptions (Reshape, transpose,
expand_dims, SliceChannel, Concat, the elementwise ones) fill inputs from outputs as MXNet does.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError
from ._params import Param, ParamError
from ._registry import InferError, OpDef, assign, register
from ._rules import elemwise_shape, fmt_shape, fmt_tuple, fully_known, shape_assign

__all__ = ["ShapeOrNone", "np_dtype", "type_assign_check", "check", "check_axis", "sassign",
           "fmt_dims", "DTYPES"]

DTYPES = "{'bfloat16', 'bool', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'}"


# ----------------------------------------------------------------------------- rule helpers
# (shared by shape/reduce/indexing/matrix/init; candidates for _rules.py)
def _np(s):
    """Legacy partial shape -> MXNet's internal form (unknown dims are -1)."""
    return None if s is None else tuple(d if d > 0 else -1 for d in s)


def _legacy(s):
    return None if s is None else tuple(int(d) if d > 0 else 0 for d in s)


def sassign(lst: list, i: int, target, fmt=fmt_shape) -> None:
    """MXNet's SHAPE_ASSIGN_CHECK for a target that may hold -1 (unknown) dims.

    ``fmt`` prints the inferred shape: ``[2,3]`` for a TShape, ``(2,3)`` for mshadow shapes.
    """
    if target is not None:
        shape_assign(lst, i, _legacy(target), inferred_fmt=fmt)


def check(cond: bool, text: str) -> None:
    """MXNet's ``CHECK``: raise ``Check failed: ...`` with the rule's own text."""
    if not cond:
        raise InferError("Check failed: " + text)


def check_axis(axis: int, ndim: int) -> int:
    """MXNet's CheckAxis: a possibly negative axis in ``[-ndim, ndim)``, normalised."""
    check(-ndim <= axis < ndim, "axis < ndim && axis >= -ndim: axis %d exceeds the input "
          "dimension of %d" % (axis, ndim))
    return axis + ndim if axis < 0 else axis


def np_dtype(name: str) -> np.dtype:
    """The NumPy dtype of an MXNet dtype name (bfloat16 has none: a clear error)."""
    if name == "bfloat16":
        raise InferError("bfloat16 is not supported by symnb: NumPy has no bfloat16 type")
    return np.dtype(name)


def type_assign_check(types: list, i: int, dtype) -> None:
    """MXNet's TYPE_ASSIGN_CHECK: ``Type inconsistent, Provided = int32, inferred type = ...``."""
    if dtype is None:
        return
    dtype = np.dtype(dtype)
    if types[i] is None:
        types[i] = dtype
    elif types[i] != dtype:
        raise InferError("Type inconsistent, Provided = %s, inferred type = %s"
                         % (np.dtype(types[i]).name, dtype.name))


class ShapeOrNone(Param):
    """A ``Shape or None`` parameter (``_params.Param`` leaves that kind unparsed as text).

    >>> ShapeOrNone('axis', 'Shape or None, optional, default=None').parse('(0, 2)')
    (0, 2)
    """

    __slots__ = ()

    def _parse(self, text):
        return None if text == "None" else self._parse_shape(text)


class _ShapeOp(OpDef):
    family = "shape"


class _ViewLike(_ShapeOp):
    """Ops whose output is the input's data in a new shape: the gradient is reshaped back."""

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0].reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0].reshape(ins[0].shape), reqs[0])



# ----------------------------------------------------------------------------- Reshape
def _reshape_codes(codes, dshape, reverse):
    """MXNet's InferReshapeShape: apply the special codes 0, -1, -2, -3, -4 to ``dshape``
    (internal form: unknown dims are -1). ``-1`` is divided out without a size check."""
    src, codes = list(dshape), list(codes)
    if reverse:
        src.reverse()
        codes.reverse()
    out, si, inf_idx, i = [], 0, -1, 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            check(si < len(src), "src_idx < dshape_len (%d vs. %d) : " % (si, len(src)))
            out.append(src[si])
            si += 1
        elif code == -1:
            check(inf_idx < 0, "inf_idx < 0 (%d vs. 0) : One and only one dim can be inferred"
                  % inf_idx)
            inf_idx = len(out)
            out.append(1)
            si += 1
        elif code == -2:
            out.extend(src[si:])
            si = len(src)
        elif code == -3:
            check(si < len(src) - 1,
                  "src_idx < dshape_len-1 (%d vs. %d) : " % (si, len(src) - 1))
            d1, d2 = src[si], src[si + 1]
            si += 2
            out.append(d1 * d2 if d1 >= 0 and d2 >= 0 else -1)
        elif code == -4:
            check(i + 2 < len(codes),
                  "i + 2 < params_len (%d vs. %d) : " % (i + 2, len(codes)))
            check(si < len(src), "src_idx < dshape_len (%d vs. %d) : " % (si, len(src)))
            d0 = src[si]
            si += 1
            d1, d2 = codes[i + 1], codes[i + 2]
            i += 2
            check(d1 != -1 or d2 != -1, "d1 != -1 || d2 != -1: Split dims cannot both be -1.")
            if d1 == -1 and d0 >= 0:
                d1 = d0 // d2
            if d2 == -1 and d0 >= 0:
                d2 = d0 // d1
            check(d1 * d2 == d0 or d0 == -1, "d1 * d2 == static_cast<IType>(d0) || "
                  "static_cast<IType>(d0) == IType(-1): Split dims %d, %d do not divide "
                  "original dim %d" % (d1, d2, d0))
            out.extend((d1, d2))
        else:
            out.append(code)
            si += 1
        i += 1
    if inf_idx >= 0:
        size = math.prod(out)
        # spec symbol.md 7.5: integer division, no element-count check at inference time
        known = fully_known(_legacy(dshape)) and size > 0
        out[inf_idx] = math.prod(dshape) // size if known else -1
    if reverse:
        out.reverse()
    return tuple(out)


def _reverse_reshape(ishape, oshape):
    """MXNet's ReverseReshapeInferShape: a single unknown input dim from a known output."""
    if ishape is None or not fully_known(oshape) or fully_known(ishape):
        return ishape
    unknown = [i for i, d in enumerate(ishape) if d <= 0]
    if len(unknown) != 1:
        return ishape
    known_prod = math.prod(d for d in ishape if d > 0)
    filled = list(ishape)
    filled[unknown[0]] = math.prod(oshape) // known_prod
    return tuple(filled)


@register
class Reshape(_ViewLike):
    """Reshape the input, with MXNet's special codes in ``shape``.

    ``0`` copies a dimension, ``-1`` infers one from the element count, ``-2`` copies all
    remaining dimensions, ``-3`` merges two, ``-4`` splits one into the two values that
    follow (one may be ``-1``). ``reverse=True`` applies the codes from the right.

    >>> import symnb as mx
    >>> x = mx.sym.var('x')
    >>> mx.sym.Reshape(x, shape=(0, -4, 2, -1, 0)).infer_shape(x=(2, 6, 4))[1]
    [(2, 2, 3, 4)]
    >>> mx.sym.Reshape(x, shape=(-1, 0), reverse=True).infer_shape(x=(10, 5, 4))[1]
    [(50, 4)]
    """

    name = "Reshape"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("reshape",)
    params = (
        Param("shape", "Shape(tuple), optional, default=[]", "The target shape"),
        Param("reverse", "boolean, optional, default=0",
              "If true then the special values are inferred from right to left"),
        Param("target_shape", "Shape(tuple), optional, default=[]",
              "(Deprecated! Use ``shape`` instead.) Target new shape. One and only one dim can "
              "be 0, in which case it will be inferred from the rest of dims"),
        Param("keep_highest", "boolean, optional, default=0",
              "(Deprecated! Use ``shape`` instead.) Whether keep the highest dim unchanged.If "
              "set to true, then the first dim in target_shape is ignored,and always fixed as "
              "input"),
    )

    def label(self, p, attrs):
        return "Reshape\n%s" % attrs.get("shape", attrs.get("target_shape", ""))

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        dshape = _np(ins[0])
        if p.shape:
            oshape = _reshape_codes(p.shape, dshape, p.reverse)
        elif p.target_shape:
            # deprecated form: a single 0 in target_shape is inferred, keep_highest pins dim 0
            oshape = list(p.target_shape)
            start = 1 if p.keep_highest else 0
            if p.keep_highest:
                oshape[0] = dshape[0]
            zeros = [i for i in range(start, len(oshape)) if oshape[i] == 0]
            if len(zeros) == 1:
                oshape[zeros[0]] = 1
                if fully_known(ins[0]):
                    oshape[zeros[0]] = math.prod(dshape) // max(math.prod(oshape), 1)
                else:
                    oshape[zeros[0]] = -1
            oshape = tuple(oshape)
        else:
            ins[0] = _reverse_reshape(ins[0], outs[0])
            return
        ins[0] = _reverse_reshape(ins[0], _legacy(oshape))
        sassign(outs, 0, oshape)
        ins[0] = _reverse_reshape(ins[0], outs[0])

    def check_bound(self, p, ins, outs):
        # MXNet 1.9.1 compiles this check out of ReshapeShape (``#if 0``), so its inference
        # gives (5, 1) for shape=(5, -1) on (2, 3) (spec symbol.md 7.5; symnb infers the same)
        # and its forward then reads past or short of the input; symnb refuses at binding
        _check_reshape_size(ins[0], outs[0])


def _check_reshape_size(ishape, oshape):
    if fully_known(ishape) and fully_known(oshape) and math.prod(ishape) != math.prod(oshape):
        raise InferError("Check failed: oshape.Size() == dshape.Size() (%d vs. %d) : Target "
                         "shape size is different to source. Target: %s\nSource: %s"
                         % (math.prod(oshape), math.prod(ishape), fmt_shape(oshape),
                            fmt_shape(ishape)))


@register
class Flatten(_ViewLike):
    """Collapse all axes but the first: ``(d0, d1, ..., dk) -> (d0, d1*...*dk)``.

    >>> import symnb as mx
    >>> mx.sym.Flatten(mx.sym.var('x')).infer_shape(x=(2, 3, 4, 5))[1]
    [(2, 60)]
    """

    name = "Flatten"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("flatten",)

    def infer_shape(self, p, ins, outs):
        if not fully_known(ins[0]):
            return
        sassign(outs, 0, (ins[0][0], math.prod(ins[0][1:])), fmt_tuple)


# ----------------------------------------------------------------------------- axes
@register
class transpose(_ShapeOp):  # noqa: N801 -- MXNet's operator name
    """Permute the axes (reverse them by default).

    >>> import symnb as mx
    >>> x = mx.sym.var('x')
    >>> mx.sym.transpose(x).infer_shape(x=(2, 3, 4))[1], \\
    ...     mx.sym.transpose(x, axes=(1, 0, 2)).infer_shape(x=(2, 3, 4))[1]
    ([(4, 3, 2)], [(3, 2, 4)])
    """

    name = "transpose"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    params = (Param("axes", "Shape(tuple), optional, default=[]",
                    "Target axis order. By default the axes will be inverted."),)

    def _axes(self, p, ndim):
        return tuple(a % ndim for a in p.axes) if p.axes else tuple(range(ndim - 1, -1, -1))

    def infer_shape(self, p, ins, outs):
        shp, out = ins[0], outs[0]
        if shp is None and out is None:
            return
        if shp is not None:
            check(len(shp) <= 6, "shp.ndim() <= 6 (%d vs. 6) : Transpose support at most 6 "
                  "dimensions" % len(shp))
        if shp is not None and out is not None:
            check(len(shp) == len(out), "out_shp.ndim() == shp.ndim() (%d vs. %d) : "
                  % (len(out), len(shp)))
        ndim = len(shp if shp is not None else out)
        if p.axes:
            check(len(p.axes) == ndim, "std::max(shp.ndim(), out_shp.ndim()) == "
                  "param.axes.ndim() (%d vs. %d) : " % (ndim, len(p.axes)))
        axes = self._axes(p, ndim)
        if shp is None and not p.axes:
            # MXNet's reversed-axes fill indexes with the unknown input's ndim (-1): the
            # output alone cannot give the input (TransposeShape, matrix_op-inl.h)
            raise InferError("Check failed: i >= 0 && i < ndim(): index = -2 must be in "
                             "range [0, %d)" % ndim)
        got = [0] * ndim
        if out is not None:
            for i, a in enumerate(axes):
                got[a] = out[i]
        sassign(ins, 0, got)
        if shp is not None:
            sassign(outs, 0, [ins[0][a] for a in axes])

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.transpose(ins[0], self._axes(p, ins[0].ndim))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        axes = self._axes(p, ins[0].ndim)
        inverse = tuple(int(a) for a in np.argsort(axes))
        assign(igrads[0], rt.xp.transpose(ograds[0], inverse), reqs[0])



@register
class SwapAxis(_ShapeOp):
    """Interchange two axes.

    >>> import symnb as mx
    >>> mx.sym.SwapAxis(mx.sym.var('x'), dim1=0, dim2=2).infer_shape(x=(2, 3, 4))[1]
    [(4, 3, 2)]
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : Input must have specified type"

    name = "SwapAxis"
    aliases = ("swapaxes",)
    params = (Param("dim1", "int, optional, default='0'", "the first axis to be swapped."),
              Param("dim2", "int, optional, default='0'", "the second axis to be swapped."))

    def _dims(self, p, ndim):
        dims = []
        for which, d in (("axis1", p.dim1), ("axis2", p.dim2)):
            a = d + ndim if d < 0 else d
            check(0 <= a < ndim, "%s >= 0 && %s < shape.ndim(): %s: axis %d out of bounds for "
                  "array of ndim %d" % (which, which, which, d, ndim))
            dims.append(a)
        return dims

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        a, b = self._dims(p, len(ins[0]))
        out = list(ins[0])
        out[a], out[b] = out[b], out[a]
        sassign(outs, 0, out)

    def forward(self, p, ins, outs, is_train, rt):
        a, b = self._dims(p, ins[0].ndim)
        outs[0][...] = rt.xp.swapaxes(ins[0], a, b)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        a, b = self._dims(p, ins[0].ndim)
        assign(igrads[0], rt.xp.swapaxes(ograds[0], a, b), reqs[0])



@register
class expand_dims(_ViewLike):  # noqa: N801
    """Insert a size-1 axis at ``axis`` (in ``[-ndim-1, ndim]``).

    >>> import symnb as mx
    >>> mx.sym.expand_dims(mx.sym.var('x'), axis=1).infer_shape(x=(2, 3))[1]
    [(2, 1, 3)]
    """

    name = "expand_dims"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    params = (Param("axis", "int, required",
                    "Position where new axis is to be inserted. Suppose that the input "
                    "`NDArray`'s dimension is `ndim`, the range of the inserted axis is "
                    "`[-ndim, ndim]`"),)

    def infer_shape(self, p, ins, outs):
        ishape, oshape = ins[0], outs[0]
        if ishape is None and oshape is None:
            return
        indim = len(ishape) if ishape is not None else len(oshape) - 1
        axis = p.axis + indim + 1 if p.axis < 0 else p.axis
        check(0 <= axis <= indim, "axis >= 0 && axis <= indim: axis must be in the range "
              "[%d, %d] (%d provided)" % (-indim, indim, p.axis))
        src = ishape if ishape is not None else (0,) * indim
        sassign(outs, 0, src[:axis] + (1,) + src[axis:])
        out = outs[0]
        sassign(ins, 0, out[:axis] + out[axis + 1:])


@register
class squeeze(_ViewLike):  # noqa: N801
    """Remove size-1 axes (all of them, or those in ``axis``); never below one dimension.

    >>> import symnb as mx
    >>> x = mx.sym.var('x')
    >>> mx.sym.squeeze(x).infer_shape(x=(2, 1, 3, 1))[1], mx.sym.squeeze(x).infer_shape(x=(1, 1))[1]
    ([(2, 3)], [(1,)])
    """

    name = "squeeze"
    params = (ShapeOrNone("axis", "Shape or None, optional, default=None",
                    "Selects a subset of the single-dimensional entries in the shape. If an "
                    "axis is selected with shape entry greater than one, an error is raised."),)

    def infer_shape(self, p, ins, outs):
        dshape = ins[0]
        if not fully_known(dshape):
            return
        ndim = len(dshape)
        if p.axis is not None:
            drop = set()
            for a in p.axis:
                real = a + ndim if a < 0 else a
                check(real >= 0, "axes[i] >= 0 (%d vs. 0) : axis %d is out of bounds for array "
                      "of dimension %d" % (real, a, ndim))
                check(real < ndim, "axes[i] < dndim (%d vs. %d) : axis %d is out of bounds for "
                      "array of dimension %d" % (real, ndim, real, ndim))
                check(dshape[real] == 1, "dshape[axes[i]] == 1 (%d vs. 1) : cannot select an "
                      "axis to squeeze out which has size=%d not equal to one"
                      % (dshape[real], dshape[real]))
                check(real not in drop, "oshape[axes[i]] != -1 (-1 vs. -1) : duplicate value "
                      "in axis")
                drop.add(real)
        else:
            drop = {i for i, d in enumerate(dshape) if d == 1}
        out = tuple(d for i, d in enumerate(dshape) if i not in drop) or (1,)
        sassign(outs, 0, out)


# ----------------------------------------------------------------------------- join / split
def _variadic_names(p):
    return tuple("arg%d" % i for i in range(p.num_args))


@register
class Concat(_ShapeOp):
    """Join inputs along ``dim``; the other dimensions must agree.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.Concat(a, b, dim=1).infer_shape(a=(2, 3), b=(2, 5))[1]
    [(2, 8)]
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "Concat"
    aliases = ("_sparse_concat", "concat")
    inputs = ("data",)
    key_var_num_args = "num_args"
    params = (Param("num_args", "int, required", "Number of inputs to be concated.", lower=1),
              Param("dim", "int, optional, default='1'", "the dimension to be concated."))

    def input_names(self, p):
        return _variadic_names(p)

    def label(self, p, attrs):
        return "Concat\ndim=%d" % p.dim

    def infer_shape(self, p, ins, outs):
        # MXNet's ConcatShape: merge every shape with the concat axis blanked out (conflicts
        # found here are ignored), then check each input against the merged shape.
        merged, size, unknown_size, axis = None, 0, False, -1
        for s in ins:
            if s is not None:
                axis = check_axis(p.dim, len(s))
                unknown_size = unknown_size or s[axis] == 0
                size += s[axis]
                merged = _merge_loose(merged, s[:axis] + (0,) + s[axis + 1:])
        if outs[0] is not None:
            s = outs[0]
            axis = check_axis(p.dim, len(s))
            merged = _merge_loose(merged, s[:axis] + (0,) + s[axis + 1:])
        if merged is None:
            return
        if all(s is None for s in ins) and outs[0][axis] != 0:
            # no input known: MXNet sums no sizes and sets the axis to 0 (a real size),
            # which the known output then contradicts
            want = "[%s]" % ",".join(str(0 if i == axis else d) for i, d in enumerate(merged))
            raise InferError("Check failed: shape_assign(&(*out_shape)[0], dshape): "
                             "Incompatible output shape: expected %s, got %s"
                             % (want, "[%s]" % ",".join(str(d) for d in outs[0])))
        for i in range(len(ins)):
            _strict(ins, i, merged, "Check failed: shape_assign(&(*in_shape)[i], dshape): "
                    "Incompatible input shape: expected %s, got %s")
        if not unknown_size:
            merged = merged[:axis] + (size,) + merged[axis + 1:]
        _strict(outs, 0, merged, "Check failed: shape_assign(&(*out_shape)[0], dshape): "
                "Incompatible output shape: expected %s, got %s")

    def forward(self, p, ins, outs, is_train, rt):
        rt.xp.concatenate(ins, axis=check_axis(p.dim, ins[0].ndim), out=outs[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        axis = check_axis(p.dim, ins[0].ndim)
        bounds = [int(b) for b in np.cumsum([x.shape[axis] for x in ins])[:-1]]
        parts = rt.xp.split(ograds[0], bounds, axis=axis)
        for buf, req, part in zip(igrads, reqs, parts, strict=True):
            assign(buf, part, req)



def _merge_loose(a, b):
    """MXNet's shape_assign where the result is ignored: fills unknowns up to a conflict."""
    if a is None:
        return b
    if len(a) != len(b):
        return a
    out = list(a)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x == 0:
            out[i] = y
        elif y != 0 and x != y:
            break
    return tuple(out)


def _strict(lst, i, target, text):
    try:
        shape_assign(lst, i, target)
    except InferError:
        raise InferError(text % (fmt_shape(target), fmt_shape(lst[i]))) from None


@register
class stack(_ShapeOp):  # noqa: N801
    """Join inputs of one shape along a new axis.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.stack(a, b, axis=1).infer_shape(a=(2, 3), b=(2, 3))[1]
    [(2, 2, 3)]
    """

    name = "stack"
    inputs = ("data",)
    key_var_num_args = "num_args"
    params = (Param("axis", "int, optional, default='0'",
                    "The axis in the result array along which the input arrays are stacked."),
              Param("num_args", "int, required", "Number of inputs to be stacked.", lower=1))

    def input_names(self, p):
        return _variadic_names(p)

    def infer_shape(self, p, ins, outs):
        # MXNet's StackOpShape only merges the inputs (ignoring conflicts) and never fills
        # them back, so stack(a, b).infer_shape(a=...) leaves b unknown, as in MXNet.
        merged = None
        for s in ins:
            if s is not None:
                merged = _merge_loose(merged, s)
        if not fully_known(merged):
            return
        axis = check_axis(p.axis, len(merged) + 1)
        sassign(outs, 0, merged[:axis] + (p.num_args,) + merged[axis:])

    def forward(self, p, ins, outs, is_train, rt):
        rt.xp.stack(ins, axis=check_axis(p.axis, ins[0].ndim + 1), out=outs[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        axis = check_axis(p.axis, ins[0].ndim + 1)
        for i, (buf, req) in enumerate(zip(igrads, reqs, strict=False)):
            if buf is not None:
                assign(buf, rt.xp.take(ograds[0], i, axis=axis), req)



@register
class SliceChannel(_ShapeOp):
    """Split the input into ``num_outputs`` equal parts along ``axis``.

    >>> import symnb as mx
    >>> sl = mx.sym.SliceChannel(mx.sym.var('x'), num_outputs=3, axis=1, name='sl')
    >>> sl.list_outputs(), sl.infer_shape(x=(2, 6))[1]
    (['sl_output0', 'sl_output1', 'sl_output2'], [(2, 2), (2, 2), (2, 2)])
    """

    name = "SliceChannel"
    aliases = ("split",)
    params = (
        Param("num_outputs", "int, required",
              "Number of splits. Note that this should evenly divide the length of the "
              "`axis`."),
        Param("axis", "int, optional, default='1'", "Axis along which to split."),
        Param("squeeze_axis", "boolean, optional, default=0",
              "If true, Removes the axis with length 1 from the shapes of the output arrays. "
              "**Note** that setting `squeeze_axis` to ``true`` removes axis with length 1 only "
              "along the `axis` which it is split. Also `squeeze_axis` can be set to ``true`` "
              "only if ``input.shape[axis] == num_outputs``."),
    )

    def output_names(self, p):
        return tuple("output%d" % i for i in range(p.num_outputs))

    def label(self, p, attrs):
        return "SliceChannel\n%d" % p.num_outputs

    def _axis(self, p, ndim):
        check(p.axis < ndim if p.axis >= 0 else p.axis + ndim < ndim,
              "param_.axis < dshape.ndim() (%d vs. %d) : " % (p.axis, ndim))
        return p.axis + ndim if p.axis < 0 else p.axis

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None:
            return
        n, axis = p.num_outputs, self._axis(p, len(ishape))
        dshape = list(ishape)
        if ishape[axis]:
            check(ishape[axis] % n == 0, "dshape[real_axis] %% param_.num_outputs == 0U (%d vs. "
                  "0) : You are trying to split the %d-th axis of input tensor with shape %s "
                  "into num_outputs=%d evenly sized chunks, but this is not possible because %d "
                  "does not evenly divide %d" % (ishape[axis] % n, axis, fmt_shape(ishape), n,
                                                 n, ishape[axis]))
            if p.squeeze_axis:
                check(ishape[axis] == n, "ishape[real_axis] == static_cast<size_t>(param_."
                      "num_outputs) (%d vs. %d) : If squeeze axis is True, the size of the "
                      "sliced axis must be the same as num_outputs. Input shape=%s, axis=%d, "
                      "num_outputs=%d." % (ishape[axis], n, fmt_shape(ishape), axis, n))
            dshape[axis] //= n
        squeezed = p.squeeze_axis and dshape[axis] in (0, 1)
        if squeezed:
            del dshape[axis]
        for i in range(n):
            sassign(outs, i, dshape)
            out = outs[i]
            if squeezed:
                back = out[:axis] + (n,) + out[axis:]
            else:
                back = out[:axis] + (out[axis] * n,) + out[axis + 1:]
            sassign(ins, 0, back)

    def forward(self, p, ins, outs, is_train, rt):
        axis = self._axis(p, ins[0].ndim)
        for out, part in zip(outs, rt.xp.split(ins[0], p.num_outputs, axis=axis), strict=False):
            out[...] = part.reshape(out.shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        axis = self._axis(p, x.ndim)
        part = list(x.shape)
        part[axis] //= p.num_outputs
        # an output nobody uses has no gradient (None): it contributes zeros
        pieces = [xp.zeros(part, x.dtype) if g is None else g.reshape(part) for g in ograds]
        assign(igrads[0], xp.concatenate(pieces, axis=axis), reqs[0])



# ----------------------------------------------------------------------------- slicing
class _OptionalIntTuple(Param):
    """``Shape(tuple)`` whose entries may be ``None`` (MXNet's Tuple<optional<int>>)."""

    __slots__ = ()

    def _parse(self, text):
        inner = text.strip()
        if inner[:1] in "([" and inner[-1:] in ")]":
            inner = inner[1:-1]
        values = []
        for part in (v.strip() for v in inner.split(",")):
            if not part:
                continue
            if part == "None":
                values.append(None)
                continue
            try:
                values.append(int(part.rstrip("L")))
            except ValueError:
                raise ParamError("Invalid Parameter format for %s expect %s but value='%s'"
                                 % (self.name, self.type_name, text)) from None
        return tuple(values)


def _slices(p, shape):
    """Python slices for MXNet's slice: entries past ``begin`` take the whole axis."""
    check(len(p.begin) <= len(shape), "param_begin.ndim() <= dshape.ndim() (%d vs. %d) : "
          "Slicing axis exceeds data dimensions" % (len(p.begin), len(shape)))
    check(len(p.begin) == len(p.end), "param_begin.ndim() == param_end.ndim() (%d vs. %d) : "
          "begin and end must have the same length" % (len(p.begin), len(p.end)))
    if p.step:
        check(len(p.step) == len(p.begin), "param_step.ndim() == param_begin.ndim() (%d vs. "
              "%d) : step and begin must have the same length" % (len(p.step), len(p.begin)))
    out = []
    for i, (b, e) in enumerate(zip(p.begin, p.end, strict=False)):
        s = p.step[i] if p.step and p.step[i] is not None else 1
        check(s != 0, "s != 0 (0 vs. 0) : slice op step[%d] cannot be 0" % i)
        out.append(slice(b, e, s))
    return tuple(out)


@register
class slice_(_ShapeOp):  # noqa: N801 -- MXNet's ``slice`` (underscore: keep the builtin)
    """Take ``data[begin:end:step]`` per axis (``None`` entries mean the whole axis).

    >>> import symnb as mx
    >>> mx.sym.slice(mx.sym.var('x'), begin=(0, 1), end=(2, 3)).infer_shape(x=(2, 3))[1]
    [(2, 2)]
    """

    name = "slice"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("_sparse_slice", "crop")
    params = (
        _OptionalIntTuple("begin", "Shape(tuple), required",
                          "starting indices for the slice operation, supports negative "
                          "indices."),
        _OptionalIntTuple("end", "Shape(tuple), required",
                          "ending indices for the slice operation, supports negative indices."),
        _OptionalIntTuple("step", "Shape(tuple), optional, default=[]",
                          "step for the slice operation, supports negative values."),
    )

    def infer_shape(self, p, ins, outs):
        dshape = ins[0]
        if dshape is None:
            return
        out = list(dshape)
        for i, sl in enumerate(_slices(p, dshape)):
            # an unknown axis stays unknown; a known one has Python's slice length
            out[i] = len(range(*sl.indices(dshape[i]))) if dshape[i] else 0
        sassign(outs, 0, out)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0][_slices(p, ins[0].shape)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        if reqs[0] == "write":
            igrads[0][...] = 0
        igrads[0][_slices(p, ins[0].shape)] += ograds[0]



def _slice_axis_range(p, shape):
    """MXNet's GetSliceAxisParams: (axis, begin, end) normalised, with its checks."""
    ndim = len(shape)
    axis = p.axis + ndim if p.axis < 0 else p.axis
    check(0 <= axis < ndim, "*axis < ishape.ndim() && *axis >= 0: Transformed axis must be "
          "smaller than the source ndim and larger than zero! Recieved axis=%d, src_ndim=%d, "
          "transformed axis=%d" % (p.axis, ndim, axis))
    size = shape[axis]
    begin = p.begin + size if p.begin < 0 else p.begin
    end_text = "None" if p.end is None else str(p.end)
    if size > 0:
        end = size if p.end is None else (p.end + size if p.end < 0 else p.end)
        check(end <= size, "*end <= axis_size: Invalid end for end=%d as axis_size is %d"
              % (end, size))
        check(begin < end, "(*begin < *end): Invalid begin, end, get begin=%d, end=%s"
              % (p.begin, end_text))
    else:
        begin, end = 0, 0
    check(end >= 0, "*end >= 0: Invalid begin, end, get begin=%d, end=%s" % (p.begin, end_text))
    check(begin >= 0, "*begin >= 0: Invalid begin for begin=%d" % p.begin)
    return axis, begin, end


@register
class slice_axis(_ShapeOp):  # noqa: N801
    """Take ``begin:end`` along one axis (negative indices allowed, ``end=None`` = to the end).

    >>> import symnb as mx
    >>> mx.sym.slice_axis(mx.sym.var('x'), axis=1, begin=0, end=2).infer_shape(x=(2, 3))[1]
    [(2, 2)]
    """

    name = "slice_axis"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    params = (
        Param("axis", "int, required", "Axis along which to be sliced, supports negative "
              "indexes."),
        Param("begin", "int, required", "The beginning index along the axis to be sliced,  "
              "supports negative indexes."),
        Param("end", "int or None, required", "The ending index along the axis to be sliced,  "
              "supports negative indexes."),
    )

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None:
            return
        axis, begin, end = _slice_axis_range(p, ishape)
        out = list(ishape)
        if ishape[axis]:
            out[axis] = end - begin
        sassign(outs, 0, out)

    def _index(self, p, x):
        axis, begin, end = _slice_axis_range(p, x.shape)
        return (np.s_[:],) * axis + (np.s_[begin:end],)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0][self._index(p, ins[0])]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        if reqs[0] == "write":
            igrads[0][...] = 0
        igrads[0][self._index(p, ins[0])] += ograds[0]



# ----------------------------------------------------------------------------- repeat / tile
def _sum_blocks(xp, g, shape, reps):
    """Gradient of tiling ``shape`` by ``reps``: sum the copies (reshape to pairs of axes)."""
    pairs = []
    for r, d in zip(reps, shape, strict=False):
        pairs.extend((r, d))
    return g.reshape(pairs).sum(axis=tuple(range(0, len(pairs), 2)))


@register
class tile(_ShapeOp):  # noqa: N801
    """Repeat the whole array ``reps`` times per axis (NumPy's ``tile``).

    >>> import symnb as mx
    >>> mx.sym.tile(mx.sym.var('x'), reps=(2, 1)).infer_shape(x=(2, 3))[1]
    [(4, 3)]
    """

    name = "tile"
    params = (Param("reps", "Shape(tuple), required",
                    "The number of times for repeating the tensor a. Each dim size of reps "
                    "must be a positive integer. If reps has length d, the result will have "
                    "dimension of max(d, a.ndim); If a.ndim < d, a is promoted to be d-dimensional "
                    "by prepending new axes. If a.ndim > d, reps is promoted to a.ndim by "
                    "pre-pending 1's to it."),)

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None:
            return
        n = max(len(ishape), len(p.reps))
        src = (1,) * (n - len(ishape)) + tuple(ishape)
        reps = (1,) * (n - len(p.reps)) + tuple(p.reps)
        sassign(outs, 0, [d * r if d > 0 else 0 for d, r in zip(src, reps, strict=False)])

    def _reps(self, p, x):
        n = max(x.ndim, len(p.reps))
        return (1,) * (n - len(p.reps)) + tuple(p.reps), (1,) * (n - x.ndim) + x.shape

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.tile(ins[0], p.reps)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        reps, shape = self._reps(p, ins[0])
        grad = _sum_blocks(rt.xp, ograds[0], shape, reps)
        assign(igrads[0], grad.reshape(ins[0].shape), reqs[0])



@register
class repeat(_ShapeOp):  # noqa: N801
    """Repeat each element ``repeats`` times along ``axis`` (flattened when ``axis=None``).

    >>> import symnb as mx
    >>> x = mx.sym.var('x')
    >>> mx.sym.repeat(x, repeats=2, axis=0).infer_shape(x=(2, 3))[1], \\
    ...     mx.sym.repeat(x, repeats=2).infer_shape(x=(2, 3))[1]
    ([(4, 3)], [(12,)])
    """

    name = "repeat"
    params = (
        Param("repeats", "int, required", "The number of repetitions for each element."),
        Param("axis", "int or None, optional, default='None'",
              "The axis along which to repeat values. The negative numbers are interpreted "
              "counting from the backward. By default, use the flattened input array, and "
              "return a flat output array."),
    )

    def _axis(self, p, ndim):
        check(p.repeats >= 0, "*repeats >= 0 (%d vs. 0) : repeats cannot be a negative number"
              % p.repeats)
        if p.axis is None:
            return None
        axis = p.axis + ndim if p.axis < 0 else p.axis
        check(0 <= axis < ndim, "axis >= 0 && axis < ndims: axis = %d out of bounds" % p.axis)
        return axis

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None:
            return
        axis = self._axis(p, len(ishape))
        if p.repeats == 0:
            sassign(outs, 0, (0,))
        elif axis is None:
            sassign(outs, 0, (math.prod(ishape) * p.repeats if fully_known(ishape) else 0,))
        else:
            sassign(outs, 0, ishape[:axis] + (ishape[axis] * p.repeats,) + ishape[axis + 1:])

    def forward(self, p, ins, outs, is_train, rt):
        self._axis(p, ins[0].ndim)
        outs[0][...] = rt.xp.repeat(ins[0], p.repeats, axis=p.axis).reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        x = ins[0]
        axis = self._axis(p, x.ndim)
        if axis is None:
            grad = ograds[0].reshape(x.size, p.repeats).sum(axis=1)
        else:
            shape = x.shape[:axis + 1] + (p.repeats,) + x.shape[axis + 1:]
            grad = ograds[0].reshape(shape).sum(axis=axis + 1)
        assign(igrads[0], grad.reshape(x.shape), reqs[0])



@register
class reverse(_ShapeOp):  # noqa: N801
    """Reverse the order of elements along the given axes.

    >>> import symnb as mx
    >>> mx.sym.reverse(mx.sym.var('x'), axis=0).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "reverse"
    aliases = ("flip",)
    params = (Param("axis", "Shape(tuple), required", "The axis which to reverse elements."),)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def _flip(self, p, xp, x):
        for a in p.axis:
            if a >= x.ndim:
                raise MXNetError("MXNetError: Check failed: axis < ishape.ndim() (%d vs. %d) : "
                                 % (a, x.ndim))
            if a < 0:   # MXNet indexes the shape with the axis as given
                raise MXNetError("MXNetError: Check failed: i >= 0 && i < ndim(): index = %d "
                                 "must be in range [0, %d)" % (a, x.ndim))
        return xp.flip(x, axis=tuple(p.axis)) if p.axis else x

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._flip(p, rt.xp, ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet's backward is its forward kernel, which assigns: grad_req 'add' writes
        assign(igrads[0], self._flip(p, rt.xp, ograds[0]), "write")



# ----------------------------------------------------------------------------- broadcasting
def _sum_to(xp, g, shape):
    """Sum a broadcast gradient back to ``shape`` (same ndim, broadcast axes have size 1)."""
    axes = tuple(i for i, (a, b) in enumerate(zip(g.shape, shape, strict=False)) if a != b)
    return g.sum(axis=axes, keepdims=True) if axes else g


class _BroadcastOp(_ShapeOp):
    family = "broadcast"

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.broadcast_to(ins[0], outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None:
            assign(igrads[0], _sum_to(rt.xp, ograds[0], ins[0].shape), reqs[0])



@register
class broadcast_to(_BroadcastOp):  # noqa: N801
    """Broadcast size-1 axes to ``shape`` (a 0 in ``shape`` keeps that dimension).

    >>> import symnb as mx
    >>> mx.sym.broadcast_to(mx.sym.var('x'), shape=(2, 0)).infer_shape(x=(1, 3))[1]
    [(2, 3)]
    """

    name = "broadcast_to"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    params = (Param("shape", "Shape(tuple), optional, default=[]",
                    "The shape of the desired array. We can set the dim to zero if it's same as "
                    "the original. E.g `A = broadcast_to(B, shape=(10, 0, 0))` has the same "
                    "meaning as `A = broadcast_axis(B, axis=0, size=10)`."),)

    def label(self, p, attrs):
        return "broadcast_to\n%s" % attrs.get("shape", "")

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None:
            return
        target = tuple(p.shape)
        check(len(ishape) == len(target), "ishape.ndim() == param.shape.ndim() (%d vs. %d) : "
              "Operand of shape %s cannot be broadcasted to %s"
              % (len(ishape), len(target), fmt_shape(ishape), fmt_dims(target)))
        out = []
        for d, t in zip(ishape, target, strict=False):
            if t != 0:
                check(d in (t, 1, 0), "ishape[i] == oshape[i] || ishape[i] == 1: Array cannot "
                      "be broadcasted from %s to %s" % (fmt_shape(ishape), fmt_dims(target)))
                out.append(t)
            else:
                out.append(d)
        sassign(outs, 0, out)


def fmt_dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


@register
class broadcast_axis(_BroadcastOp):  # noqa: N801
    """Broadcast the size-1 axes in ``axis`` to the sizes in ``size``.

    >>> import symnb as mx
    >>> mx.sym.broadcast_axis(mx.sym.var('x'), axis=0, size=2).infer_shape(x=(1, 3))[1]
    [(2, 3)]
    """

    name = "broadcast_axis"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("broadcast_axes",)
    params = (Param("axis", "Shape(tuple), optional, default=[]",
                    "The axes to perform the broadcasting."),
              Param("size", "Shape(tuple), optional, default=[]",
                    "Target sizes of the broadcasting axes."))

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if not fully_known(ishape):
            return
        check(len(p.axis) == len(p.size),
              "param.axis.ndim() == param.size.ndim() (%d vs. %d) : "
              % (len(p.axis), len(p.size)))
        out = list(ishape)
        for a, size in zip(p.axis, p.size, strict=False):
            check(-len(ishape) <= a < len(ishape), "axis < ndim: Invalid broadcast axis %d for "
                  "input of shape %s" % (a, fmt_shape(ishape)))
            # MXNet indexes the shape with the axis as given: negative axes are refused
            check(a >= 0, "i >= 0 && i < ndim(): index = %d must be in range [0, %d)"
                  % (a, len(ishape)))
            check(out[a] == 1, "oshape[param.axis[i]] == 1U (%d vs. 1) : Broadcasting axis must "
                  "have size 1" % out[a])
            out[a] = size
        sassign(outs, 0, out)


# ----------------------------------------------------------------------------- elementwise
@register
class Cast(_ShapeOp):
    """Cast to ``dtype``; the gradient is cast back to the input's type.

    >>> import symnb as mx
    >>> mx.sym.Cast(mx.sym.var('x'), dtype='int32').infer_type(x='float32')[1]
    [<class 'numpy.int32'>]
    """

    name = "Cast"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("cast",)
    family = "elementwise"
    params = (Param("dtype", DTYPES + ", required", "Output data type."),)

    def label(self, p, attrs):
        return "Cast\n%s" % p.dtype

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np_dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0].astype(outs[0].dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None:
            assign(igrads[0], ograds[0].astype(igrads[0].dtype), reqs[0])



@register
class _copy(_ViewLike):
    """Identity: a copy of the input.

    >>> import symnb as mx
    >>> mx.sym.identity(mx.sym.var('x')).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "_copy"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("identity",)
    family = "elementwise"

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)



@register
class add_n(_ShapeOp):  # noqa: N801
    """Sum of all inputs (same shapes).

    >>> import symnb as mx
    >>> a, b, c = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('c')
    >>> mx.sym.add_n(a, b, c).infer_shape(a=(2, 3))
    ([(2, 3), (2, 3), (2, 3)], [(2, 3)], [])
    """

    name = "add_n"
    aliases = ("ElementWiseSum", "_sparse_ElementWiseSum", "_sparse_add_n")
    inputs = ("args",)
    key_var_num_args = "num_args"
    family = "elementwise"
    # MXNet parses num_args but does not list it among add_n's arguments (ops.json: none)
    hidden_params = (Param("num_args", "int, required", "Number of inputs to be summed.",
                           lower=1),)

    def input_names(self, p):
        return _variadic_names(p)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        out[...] = ins[0]
        for x in ins[1:]:
            out += x

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        for buf, req in zip(igrads, reqs, strict=False):
            assign(buf, ograds[0], req)



@register
class clip(_ShapeOp):  # noqa: N801
    """Clip values to ``[a_min, a_max]``; the gradient passes where ``a_min <= x <= a_max``.

    >>> import symnb as mx
    >>> mx.sym.clip(mx.sym.var('x'), a_min=0, a_max=1).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "clip"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("_sparse_clip",)
    family = "elementwise"
    params = (Param("a_min", "float, required", "Minimum value"),
              Param("a_max", "float, required", "Maximum value"))

    def label(self, p, attrs):
        return "clip\n[%s, %s]" % (attrs.get("a_min"), attrs.get("a_max"))

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        lo, hi = x.dtype.type(p.a_min), x.dtype.type(p.a_max)
        # MXNet tests x > a_max first, then x < a_min
        outs[0][...] = rt.xp.where(x > hi, hi, rt.xp.where(x < lo, lo, x))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x = ins[0]
        lo, hi = x.dtype.type(p.a_min), x.dtype.type(p.a_max)
        # MXNet's clip gradient kernel ignores the request ('add' writes) and selects: a
        # clipped element gets 0 even where the output gradient is inf or NaN
        # (and NaN data, neither above nor below, passes its gradient, as MXNet's does)
        assign(igrads[0], rt.xp.where((x > hi) | (x < lo), 0, ograds[0]), "write")


