"""Shared pieces of shape and type rules, with MXNet's exact error texts.

Shapes are tuples of ints where 0 means "unknown dimension"; ``None`` means "unknown shape"
(MXNet's legacy shape semantics, spec symbol.md 5.1). Dtypes are ``np.dtype`` or ``None``.
"""
from __future__ import annotations

import numpy as np

from ._registry import InferError

__all__ = ["fmt_shape", "fmt_tuple", "merge_shape", "shape_assign", "elemwise_shape",
           "uniform_type", "type_assign", "known", "fully_known", "assign_out"]


def fmt_shape(s) -> str:
    """MXNet's TShape text: ``[2,3]``, unknown dims as -1.

    >>> fmt_shape((2, 0))
    '[2,-1]'
    """
    if s is None:
        return "[]"
    return "[" + ",".join(str(d if d != 0 else -1) for d in s) + "]"


def fmt_tuple(s) -> str:
    """The ``(10,3)`` form MXNet prints for shapes built inside a rule.

    >>> fmt_tuple((10, 3)), fmt_tuple((4,))
    ('(10,3)', '(4,)')
    """
    if len(s) == 1:
        return "(%d,)" % s[0]
    return "(" + ",".join(str(d if d != 0 else -1) for d in s) + ")"


def known(s) -> bool:
    return s is not None


def fully_known(s) -> bool:
    return s is not None and all(d > 0 for d in s)


def merge_shape(a, b):
    """Merge two partial shapes; raise ValueError on conflict.

    >>> merge_shape((2, 0), (0, 3))
    (2, 3)
    """
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        raise ValueError
    out = []
    for x, y in zip(a, b, strict=True):
        if x == 0:
            out.append(y)
        elif y == 0 or x == y:
            out.append(x)
        else:
            raise ValueError
    return tuple(out)


def shape_assign(shapes: list, i: int, target, inferred_fmt=fmt_tuple, provided_fmt=fmt_shape,
                 eq=" = ") -> None:
    """MXNet's SHAPE_ASSIGN_CHECK: merge ``target`` into ``shapes[i]`` or raise
    ``Shape inconsistent, Provided = [5,3], inferred shape=(10,3)``."""
    if target is None:
        return
    try:
        shapes[i] = merge_shape(shapes[i], tuple(target))
    except ValueError:
        raise InferError("Shape inconsistent, Provided%s%s, inferred shape=%s"
                         % (eq, provided_fmt(shapes[i]), inferred_fmt(tuple(target)))) from None


def elemwise_shape(ins: list, outs: list, n_in=None, n_out=None) -> None:
    """All inputs and outputs share one shape (MXNet's ElemwiseShape), with its error text."""
    n_in = len(ins) if n_in is None else n_in
    n_out = len(outs) if n_out is None else n_out
    _elemwise(ins, outs, n_in, n_out, merge_shape, fmt_shape)


def uniform_type(ins: list, outs: list, n_in=None, n_out=None) -> None:
    """All inputs and outputs share one dtype (MXNet's ElemwiseType)."""
    n_in = len(ins) if n_in is None else n_in
    n_out = len(outs) if n_out is None else n_out
    _elemwise(ins, outs, n_in, n_out, _merge_type, _type_name)


def _elemwise(ins, outs, n_in, n_out, merge, fmt):
    value = None
    for what, lst, n in (("input", ins, n_in), ("output", outs, n_out)):
        for i in range(n):
            try:
                value = merge(value, lst[i])
            except ValueError:
                raise InferError("Check failed: assign(&dattr, vec.at(i)): Incompatible attr in "
                                 "node {node} at %d-th %s: expected %s, got %s"
                                 % (i, what, fmt(value), fmt(lst[i]))) from None
    if value is None:
        return
    for lst, n in ((ins, n_in), (outs, n_out)):
        for i in range(n):
            lst[i] = value


def _merge_type(a, b):
    if a is None:
        return b
    if b is None or a == b:
        return a
    raise ValueError


def _type_name(t) -> str:
    return "unknown" if t is None else np.dtype(t).name


def type_assign(types: list, i: int, target, what: str = "") -> None:
    """Merge a dtype into ``types[i]``; conflict raises MXNet's "requires uniform type" text."""
    if target is None:
        return
    target = np.dtype(target)
    if types[i] is None:
        types[i] = target
    elif types[i] != target:
        raise InferError("Check failed: (*in_type)[i] == dtype (%d vs. %d) : This layer requires "
                         "uniform type. Expected '%s' v.s. given '%s' at '%s'"
                         % (_code(types[i]), _code(target), target.name, types[i].name, what))


def _code(t):
    from ..base import DTYPE_TO_CODE
    return DTYPE_TO_CODE.get(np.dtype(t), -1)


def real_type_text(dtype) -> str:
    """MSHADOW_REAL_TYPE_SWITCH's refusal of a non-floating dtype, word for word.

    >>> real_type_text(np.dtype('uint8')), real_type_text(np.dtype('int32'))
    ('This operation only support floating point types not uint8', \
'This operation only support floating point types, not int32')
    """
    name = np.dtype(dtype).name
    if name in ("uint8", "int8"):
        return "This operation only support floating point types not " + name
    if name in ("int32", "int64"):
        return "This operation only support floating point types, not " + name
    return "Unknown type enum %d" % _code(dtype)


# ``OpDef.refused_dtypes`` of kernels behind MSHADOW_REAL_TYPE_SWITCH, and of MXNet's CPU
# GEMM-based layers, which have no float16 path
NOT_REAL: dict[str, str | None] = dict.fromkeys(("uint8", "int8", "int32", "int64", "bool"))
NO_FP16_GEMM: dict[str, str | None] = {**NOT_REAL, "float16": "FP16 gemm on cpu not "
                                                              "implemented!"}


def float_only(dtype) -> None:
    """Raise MSHADOW_REAL_TYPE_SWITCH's error, as MXNet's kernels do, unless ``dtype`` is a float.

    >>> float_only(np.dtype('float16'))
    >>> float_only(np.dtype('int64'))
    Traceback (most recent call last):
    symnb.base.MXNetError: MXNetError: This operation only support floating point types, not int64
    """
    if np.dtype(dtype).kind != "f":
        from ..base import MXNetError
        raise MXNetError("MXNetError: " + real_type_text(dtype))


def assign_out(outs: list, i: int, target) -> None:
    """Merge an inferred output shape (conflicts reported as an output mismatch)."""
    shape_assign(outs, i, target)


def legacy_float32_type(ins: list, outs: list) -> None:
    """The type rule of MXNet's legacy OperatorProperty layers without their own: every
    input float32 (or unknown), with MXNet's text for any other type."""
    for t in ins:
        if t is not None and t != np.float32:
            raise InferError("Check failed: in_type->at(i) == mshadow::default_type_flag "
                             "|| in_type->at(i) == -1: Unsupported data type %d" % _code(t))
    ins[:] = [np.dtype(np.float32)] * len(ins)
    outs[:] = [np.dtype(np.float32)] * len(outs)
