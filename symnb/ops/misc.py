"""Smaller operators: _eye, cumsum, khatri_rao, all_finite, and the graph plumbing MXNet's
own passes insert (_copyto, _grad_add, _identity_with_attr_like_rhs).
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import NOT_REAL, elemwise_shape, fully_known, uniform_type
from .init import _CTX, _Create
from .shape import check, check_axis, np_dtype, sassign, type_assign_check

__all__ = []


@register
class _eye(_Create):  # noqa: N801 -- MXNet's operator name
    """An ``N x M`` matrix (``M=0``: square) with ones on diagonal ``k``.

    >>> import symnb as mx
    >>> mx.sym._internal._eye(N=2, M=3, k=1).infer_shape()[1]
    [(2, 3)]
    """

    name = "_eye"
    params = (
        Param("N", "long, required", "Number of rows in the output."),
        Param("M", "long, optional, default=0",
              "Number of columns in the output. If 0, defaults to N"),
        Param("k", "long, optional, default=0",
              "Index of the diagonal. 0 (the default) refers to the main diagonal.A positive "
              "value refers to an upper diagonal.A negative value to a lower diagonal."),
        _CTX,
        Param("dtype", "{'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8'},"
              "optional, default='float32'", "Target data type."),
    )

    def label(self, p, attrs):
        return "_eye\n%s" % attrs.get("N", "")

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, (p.N, p.M if p.M > 0 else p.N))

    def forward(self, p, ins, outs, is_train, rt):
        n, m = outs[0].shape
        outs[0][...] = rt.xp.eye(n, m, k=p.k, dtype=outs[0].dtype)


@register
class _np_cumsum(OpDef):  # noqa: N801 -- MXNet's operator name
    """Cumulative sum along ``axis`` (of the flattened array when ``axis`` is None).

    >>> import symnb as mx
    >>> mx.nd.cumsum(mx.nd.array([[1, 2], [3, 4]]), axis=0).asnumpy()
    array([[1., 2.],
           [4., 6.]], dtype=float32)
    """

    name = "_np_cumsum"
    aliases = ("cumsum",)
    family = "reduce"
    inputs = ("a",)
    params = (
        Param("axis", "int or None, optional, default='None'",
              "Axis along which the cumulative sum is computed. The default (None) is to "
              "compute the cumsum over the flattened array."),
        Param("dtype", "{None, 'float16', 'float32', 'float64', 'int32', 'int64', 'int8'},"
              "optional, default='None'", "Type of the returned array and of the accumulator "
              "in which the elements are summed. If dtype is not specified, it defaults to the "
              "dtype of a, unless a has an integer dtype with a precision less than that of the "
              "default platform integer. In that case, the default platform integer is used."),
    )

    def infer_shape(self, p, ins, outs):
        a = ins[0]
        if a is None and p.axis is None:
            check(False, "ndim_is_known(this->ndim()): Shape is unknown.")
        if not fully_known(a):
            return
        if p.axis is None:
            sassign(outs, 0, (int(np.prod(a)),))
        else:
            check_axis(p.axis, len(a))
            sassign(outs, 0, a)

    def infer_type(self, p, ins, outs):
        if p.dtype is not None:
            type_assign_check(outs, 0, np_dtype(p.dtype))
        elif ins[0] is not None:
            t = np.dtype(ins[0])
            # MXNet keeps the data's type (uint8 wraps, unlike NumPy's cumsum); bool counts
            type_assign_check(outs, 0, np.int64 if t.kind == "b" else t)

    def forward(self, p, ins, outs, is_train, rt):
        a = ins[0]
        if p.axis is None:
            a, axis = a.reshape(-1), 0
        else:
            axis = check_axis(p.axis, a.ndim)
        outs[0][...] = rt.xp.cumsum(a, axis=axis, dtype=outs[0].dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, a, g = rt.xp, ins[0], ograds[0]
        axis = 0 if p.axis is None else check_axis(p.axis, a.ndim)
        rev = xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis)
        # MXNet's cumsum backward writes whatever the request (recorded with 'add')
        assign(igrads[0], rev.reshape(a.shape).astype(a.dtype, copy=False), "write")


@register
class khatri_rao(OpDef):  # noqa: N801 -- MXNet's operator name
    """Column-wise Kronecker product of matrices with one column count: ``(I, K)`` and
    ``(J, K)`` give ``(I * J, K)``. MXNet registers no gradient for it.

    >>> import symnb as mx
    >>> a, b = mx.nd.array([[1, 2]]), mx.nd.array([[1, 10], [2, 20]])
    >>> mx.nd.khatri_rao(a, b).asnumpy()
    array([[ 1., 20.],
           [ 2., 40.]], dtype=float32)
    """

    name = "khatri_rao"
    family = "matrix"
    inputs = ("args",)
    key_var_num_args = "num_args"
    hidden_params = (Param("num_args", "int, required", "Number of input matrices.", lower=1),)

    def input_names(self, p):
        return tuple("arg%d" % i for i in range(p.num_args))

    def infer_shape(self, p, ins, outs):
        # MXNet reads dim 1 of every input unchecked (the first through TShape's mutable
        # operator[], whose check text has a colon, the others through the const one) and
        # never checks the rank
        first = ins[0]
        ndim = -1 if first is None else len(first)
        check(ndim >= 2, "i >= 0 && i < ndim(): index = 1 must be in range [0, %d)" % ndim)
        cols, rows = first[1] or -1, 1
        for s in ins:
            ndim = -1 if s is None else len(s)
            if ndim < 2:
                raise InferError("Check failed: i >= 0 && i < ndim() index = 1 must be in "
                                 "range [0, %d)" % ndim)
            check(cols == (s[1] or -1), "num_columns == static_cast<int>(attr_shape[1]) "
                  "(%d vs. %d) :" % (cols, s[1] or -1))
            rows = rows * s[0] if rows and s[0] else 0
        sassign(outs, 0, (rows, cols))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        out = ins[0]
        for m in ins[1:]:
            out = (out[:, None, :] * m[None, :, :]).reshape(-1, m.shape[1])
        outs[0][...] = out


@register
class all_finite(OpDef):  # noqa: N801 -- MXNet's operator name
    """``[1.]`` when every element of ``data`` is finite, else ``[0.]`` (float32; with
    ``init_output=False`` the previous output is and-ed in). MXNet gives it no gradient.

    >>> import symnb as mx
    >>> mx.nd.all_finite(mx.nd.array([1.0, float('inf')])).asnumpy()
    array([0.], dtype=float32)
    """

    input_type = "NDArray"
    name = "all_finite"
    refused_dtypes = NOT_REAL
    family = "reduce"
    loss_head = True
    params = (Param("init_output", "boolean, optional, default=1",
                    "Initialize output to 1."),)

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, (1,))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.float32)

    def forward(self, p, ins, outs, is_train, rt):
        finite = bool(rt.xp.isfinite(ins[0]).all())
        if p.init_output:
            outs[0][...] = 1.0
        if not finite:
            outs[0][...] = 0.0


class _PassThrough(OpDef):
    """Graph plumbing: the first input's values, gradient straight through."""

    family = "shape"

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0], reqs[0])
        for g, r in zip(igrads[1:], reqs[1:]):
            if g is not None and r == "write":
                g[...] = 0

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]


@register
class _copyto(_PassThrough):  # noqa: N801 -- MXNet's operator name
    """A copy of ``data`` (MXNet's cross-device copy node).

    >>> import symnb as mx
    >>> mx.nd._internal._copyto(mx.nd.array([1.0, 2.0])).asnumpy()
    array([1., 2.], dtype=float32)
    """

    name = "_copyto"
    input_type = "NDArray"

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)



@register
class _identity_with_attr_like_rhs(_PassThrough):  # noqa: N801 -- MXNet's operator name
    """``lhs`` unchanged, with the shape and type of ``rhs`` (MXNet's gradient passes use it
    to type zero gradients).

    >>> import symnb as mx
    >>> f = mx.nd._internal._identity_with_attr_like_rhs
    >>> f(mx.nd.ones((2,)), mx.nd.zeros((2,))).asnumpy()
    array([1., 1.], dtype=float32)
    """

    name = "_identity_with_attr_like_rhs"
    inputs = ("lhs", "rhs")

    def infer_shape(self, p, ins, outs):
        # MXNet's ElemwiseShape<2, 1>: both inputs and the output share one shape, inferred
        # from whichever is known (MXNet's test_backward_infer relies on output -> rhs)
        elemwise_shape(ins, outs)


@register
class _grad_add(OpDef):  # noqa: N801 -- MXNet's operator name
    """``lhs + rhs``: the sum MXNet's gradient aggregation inserts (itself without a
    gradient).

    >>> import symnb as mx
    >>> mx.nd._internal._grad_add(mx.nd.ones((2,)), mx.nd.ones((2,))).asnumpy()
    array([2., 2.], dtype=float32)
    """

    name = "_grad_add"
    family = "elementwise"
    inputs = ("lhs", "rhs")

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        rt.xp.add(ins[0], ins[1], out=outs[0])
