"""Reductions as a table: sum, mean, prod, max, min (axes), norm, argmax, argmin (one axis).

Legacy MXNet shapes: reducing every axis without ``keepdims`` gives ``(1,)``, never ``()``
(MXNet's ReduceAxesShapeImpl). Each row of ``REDUCE`` is (name, aliases, forward, gradient,
needs a fully known input shape, doc); the forward computes with ``keepdims=True`` and the
result is reshaped into the output, so every variant of ``axis``/``keepdims``/``exclude``
shares one code path.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, ZeroGradient, assign, register
from ._rules import fmt_shape, fully_known
from .shape import ShapeOrNone, check, check_axis, fmt_dims, np_dtype, sassign, type_assign_check

__all__ = ["REDUCE", "reduced_shape"]

_AXIS_DOC = """The axis or axes along which to perform the reduction.

      The default, `axis=()`, will compute over all elements into a
      scalar array with shape `(1,)`.

      If `axis` is int, a reduction is performed on a particular axis.

      If `axis` is a tuple of ints, a reduction is performed on all the axes
      specified in the tuple.

      If `exclude` is true, reduction will be performed on the axes that are
      NOT in axis instead.

      Negative values means indexing from right to left."""

_REDUCE_PARAMS = (
    ShapeOrNone("axis", "Shape or None, optional, default=None", _AXIS_DOC),
    Param("keepdims", "boolean, optional, default=0",
          "If this is set to `True`, the reduced axes are left in the result as dimension "
          "with size one."),
    Param("exclude", "boolean, optional, default=0",
          "Whether to perform reduction on axis that are NOT in axis instead."),
)


def reduced_shape(ishape, axis, keepdims, exclude):
    """MXNet's ReduceAxesShapeImpl on a legacy partial shape, with its checks.

    >>> reduced_shape((2, 3, 4), (1,), False, False), reduced_shape((2, 3, 4), None, False, False)
    ((2, 4), (1,))
    """
    ndim = len(ishape)
    if not axis:
        return (1,) * ndim if keepdims else (1,)
    axes = sorted(a + ndim if a < 0 else a for a in axis)
    for a, b in zip(axes, axes[1:], strict=False):
        check(a < b, "axes[i-1] < axes[i] (%d vs. %d) : Reduction axes have duplicates %s"
              % (a, b, fmt_dims(axes)))
    check(axes[-1] < ndim, "axes[axes.ndim()-1] < ishape.ndim() (%d vs. %d) : Reduction axis %d "
          "Exceeds input dimensions %s" % (axes[-1], ndim, axes[-1], fmt_shape(ishape)))
    check(axes[0] >= 0, "axes[0] >= 0 (%d vs. 0) : Reduction axis %s Exceeds input dimensions "
          "%s" % (axes[0], fmt_dims(axis), fmt_shape(ishape)))
    if keepdims:
        return tuple(d if (i in axes) == exclude else 1 for i, d in enumerate(ishape))
    if exclude:
        return tuple(ishape[a] for a in axes)
    return tuple(d for i, d in enumerate(ishape) if i not in axes) or (1,)


def _axes(axis, exclude, ndim):
    """The axes actually reduced (all of them when ``axis`` is None or empty)."""
    if not axis:
        return tuple(range(ndim))
    chosen = {a % ndim for a in axis}
    return tuple(i for i in range(ndim) if (i in chosen) != exclude)


# name, aliases, forward(xp, x, axes) with keepdims, d/dx(xp, g, x, y, n) with g/y kept-dims,
# needs a fully known shape (MXNet's min/max rule), doc
REDUCE = [
    ("sum", ("_sparse_sum", "sum_axis"), lambda xp, x, a: x.sum(axis=a, keepdims=True),
     lambda xp, g, x, y, n: g, False, "Sum of array elements over the given axes."),
    ("mean", ("_sparse_mean",), lambda xp, x, a: x.mean(axis=a, keepdims=True),
     lambda xp, g, x, y, n: g / n, False, "Mean of array elements over the given axes."),
    # MXNet's prod gradient is out / x (inf/nan where x == 0, as in MXNet)
    ("prod", (), lambda xp, x, a: x.prod(axis=a, keepdims=True),
     lambda xp, g, x, y, n: g * y / x, False, "Product of array elements over the given axes."),
    # max/min: every element equal to the extreme gets the gradient (MXNet's ``eq`` rule)
    ("max", ("max_axis",), lambda xp, x, a: x.max(axis=a, keepdims=True),
     lambda xp, g, x, y, n: g * (x == y), True, "Maximum of array elements over the given axes."),
    ("min", ("min_axis",), lambda xp, x, a: x.min(axis=a, keepdims=True),
     lambda xp, g, x, y, n: g * (x == y), True, "Minimum of array elements over the given axes."),
    # NaNs count as 0 (sum) or 1 (prod) and get no gradient
    ("nansum", (), lambda xp, x, a: xp.nansum(x, axis=a, keepdims=True),
     lambda xp, g, x, y, n: g * ~xp.isnan(x), False,
     "Sum of array elements over the given axes, treating NaN as zero."),
    ("nanprod", (), lambda xp, x, a: xp.nanprod(x, axis=a, keepdims=True),
     lambda xp, g, x, y, n: xp.where(xp.isnan(x), 0, g * y / x), False,
     "Product of array elements over the given axes, treating NaN as one."),
]


class _Reduce(OpDef):
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    family = "reduce"
    params = _REDUCE_PARAMS
    param_error_suffix = False      # AxesParamParser adds no ", in operator"
    fwd = grad = None
    full_shape = False

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs["axis"]) if "axis" in attrs else self.name

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if ishape is None or (self.full_shape and not fully_known(ishape)):
            return
        sassign(outs, 0, reduced_shape(ishape, p.axis, p.keepdims, p.exclude))

    def check_bound(self, p, ins, outs):
        if self.full_shape and 0 in ins[0]:        # a zero-size input (mx.np_shape)
            raise InferError("Check failed: (*in_attrs)[0].Size() > 0U (0 vs. 0) : Reduction "
                             "input's size should > 0 [%s]" % ",".join(map(str, ins[0])))

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = type(self).fwd(rt.xp, x, _axes(p.axis, p.exclude, x.ndim)) \
            .reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        x = ins[0]
        axes = _axes(p.axis, p.exclude, x.ndim)
        kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        n = int(np.prod([x.shape[i] for i in axes]))
        if self.name == "mean" and reqs[0] == "add":
            # MXNet broadcasts the head gradient with the request, then divides the whole
            # buffer by n: 'add' gives (old + g) / n, not old + g / n
            igrads[0] += ograds[0].reshape(kept)
            igrads[0] /= x.dtype.type(n)
            return
        grad = type(self).grad(rt.xp, ograds[0].reshape(kept), x, outs[0].reshape(kept), n)
        assign(igrads[0], rt.xp.broadcast_to(grad, x.shape), reqs[0])


def _doc(name, text):
    return ("%s\n\n    >>> import symnb as mx\n    >>> x = mx.sym.var('x')\n"
            "    >>> mx.sym.%s(x, axis=1).infer_shape(x=(2, 3, 4))[1], "
            "mx.sym.%s(x).infer_shape(x=(2, 3))[1]\n    ([(2, 4)], [(1,)])\n"
            % (text, name, name))


for _name, _aliases, _fwd, _grad, _full, _text in REDUCE:
    register(type(_name, (_Reduce,), {
        "name": _name, "aliases": _aliases, "fwd": staticmethod(_fwd),
        "grad": staticmethod(_grad), "full_shape": _full, "__doc__": _doc(_name, _text),
        "__module__": __name__}))


def _int_nrm2(xp, x, axes):
    """MXNet's overflow-safe L2 reducer (mshadow_op::nrm2) in integer arithmetic, element by
    element in order: ``scale`` is the largest magnitude so far and each step adds
    ``(a / scale)**2`` with integer division, so ``norm([3, 4])`` is 4 and ``[1, 1, 1, 1]``
    gives 2, as MXNet returns for int32 and uint8 data."""
    axes = tuple(axes) if isinstance(axes, (tuple, list)) else \
        tuple(range(x.ndim)) if axes is None else (axes,)
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    rest = [i for i in range(x.ndim) if i not in axes]
    flat = xp.abs(x).transpose(rest + list(axes)).reshape(
        (int(np.prod([x.shape[i] for i in rest], dtype=np.int64)), -1))
    t = x.dtype.type
    ssq = xp.zeros(flat.shape[0], dtype=x.dtype)
    scale = xp.zeros(flat.shape[0], dtype=x.dtype)
    for k in range(flat.shape[1]):
        a = flat[:, k]
        grow, live = scale < a, a != 0
        safe = xp.where(a == 0, t(1), a)
        up = t(1) + ssq * (scale // safe) * (scale // safe)
        keep = ssq + (a // xp.where(scale == 0, t(1), scale)) ** 2
        ssq = xp.where(live, xp.where(grow, up, keep), ssq)
        scale = xp.where(live & grow, a, scale)
    out = scale * xp.sqrt(ssq.astype(np.float32))
    return out.astype(x.dtype).reshape(kept)


@register
class norm(_Reduce):  # noqa: N801 -- MXNet's operator name
    """L1 (``ord=1``) or L2 (``ord=2``) norm over ``axis`` (all elements by default).

    >>> import symnb as mx
    >>> x = mx.sym.var('x')
    >>> mx.sym.norm(x).infer_shape(x=(2, 3))[1], mx.sym.norm(x, axis=1).infer_shape(x=(2, 3))[1]
    ([(1,)], [(2,)])
    """

    name = "norm"
    param_error_suffix = True       # ParamParser<NormParam>
    aliases = ("_sparse_norm",)
    full_shape = True
    params = (
        Param("ord", "int, optional, default='2'",
              "Order of the norm. Currently ord=1 and ord=2 is supported."),
        ShapeOrNone("axis", "Shape or None, optional, default=None",
              """The axis or axes along which to perform the reduction.
      The default, `axis=()`, will compute over all elements into a
      scalar array with shape `(1,)`.
      If `axis` is int, a reduction is performed on a particular axis.
      If `axis` is a 2-tuple, it specifies the axes that hold 2-D matrices,
      and the matrix norms of these matrices are computed."""),
        Param("out_dtype",
              "{None, 'float16', 'float32', 'float64', 'int32', 'int64', 'int8'},optional, "
              "default='None'", "The data type of the output."),
        Param("keepdims", "boolean, optional, default=0",
              "If this is set to `True`, the reduced axis is left in the result as dimension "
              "with size one."),
    )

    def infer_shape(self, p, ins, outs):
        if fully_known(ins[0]):
            sassign(outs, 0, reduced_shape(ins[0], p.axis, p.keepdims, False))

    def infer_type(self, p, ins, outs):
        if p.out_dtype is not None:
            check(ins[0] is not None, "in_attrs->at(0) != -1 (-1 vs. -1) : input data type "
                  "should be specified when out_dtype is not null")
            type_assign_check(outs, 0, np_dtype(p.out_dtype))
        else:
            type_assign_check(outs, 0, ins[0])
            type_assign_check(ins, 0, outs[0])

    def _reduce(self, p, xp, x):
        axes = _axes(p.axis, False, x.ndim)
        if p.ord == 1:
            return xp.abs(x).sum(axis=axes, keepdims=True)
        if x.dtype.kind in "iub":
            return _int_nrm2(xp, x, axes)
        return xp.sqrt((x * x).sum(axis=axes, keepdims=True))

    def forward(self, p, ins, outs, is_train, rt):
        if p.ord not in (1, 2):     # MXNet's LpNormCompute checks ord only when it runs
            raise MXNetError("MXNetError: Check failed: param.ord == 1 || param.ord == 2: "
                             "norm only supports ord=1 and ord=2")
        outs[0][...] = self._reduce(p, rt.xp, ins[0]).reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        axes = _axes(p.axis, False, x.ndim)
        kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        g = ograds[0].reshape(kept)
        if p.ord == 1:
            grad = g * xp.sign(x)
        else:
            grad = g * x / self._reduce(p, xp, x)   # 0/0 = nan at a zero norm, as in MXNet
        assign(igrads[0], grad.astype(x.dtype, copy=False), reqs[0])


class _ArgReduce(ZeroGradient, OpDef):
    """argmax/argmin: index along one axis (flattened when ``axis=None``), returned in the
    input's float type; no gradient (a loss head: backward needs no head gradient)."""
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)

    family = "reduce"
    loss_head = True
    params = (
        Param("axis", "int or None, optional, default='None'",
              "The axis along which to perform the reduction. Negative values means indexing "
              "from right to left. ``Requires axis to be set as int, because global reduction "
              "is not supported yet.``"),
        Param("keepdims", "boolean, optional, default=0",
              "If this is set to `True`, the reduced axis is left in the result as dimension "
              "with size one."),
    )
    pick = None

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs["axis"]) if "axis" in attrs else self.name

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        if not fully_known(ishape):
            return
        # MXNet's ReduceAxisShapeImpl: no axis (or a 1-D input) gives (1,) / all-ones
        if p.axis is None or len(ishape) == 1:
            out = (1,) * len(ishape) if p.keepdims else (1,)
        else:
            axis = check_axis(p.axis, len(ishape))
            out = ishape[:axis] + ((1,) if p.keepdims else ()) + ishape[axis + 1:]
        sassign(outs, 0, out)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        if p.axis is None:
            index = type(self).pick(rt.xp, x.reshape(-1), 0)
        else:
            index = type(self).pick(rt.xp, x, check_axis(p.axis, x.ndim))
        outs[0][...] = index.reshape(outs[0].shape)



@register
class argmax(_ArgReduce):  # noqa: N801
    """Index of the maximum along ``axis`` (as a float array).

    >>> import symnb as mx
    >>> mx.sym.argmax(mx.sym.var('x'), axis=1).infer_shape(x=(2, 3, 4))[1]
    [(2, 4)]
    """

    name = "argmax"
    pick = staticmethod(lambda xp, x, axis: xp.argmax(x, axis=axis))


@register
class argmin(_ArgReduce):  # noqa: N801
    """Index of the minimum along ``axis`` (as a float array).

    >>> import symnb as mx
    >>> mx.sym.argmin(mx.sym.var('x')).infer_shape(x=(2, 3))[1]
    [(1,)]
    """

    name = "argmin"
    pick = staticmethod(lambda xp, x, axis: xp.argmin(x, axis=axis))


@register
class argmax_channel(_ArgReduce):  # noqa: N801
    """Index of the maximum along axis 1, the channels (as a float array). MXNet registers
    no gradient for it: binding a gradient through it fails.

    >>> import symnb as mx
    >>> mx.nd.argmax_channel(mx.nd.array([[0, 1, 2], [5, 4, 3]])).asnumpy()
    array([2., 0.], dtype=float32)
    """

    name = "argmax_channel"
    params = ()
    backward = OpDef.backward       # not differentiable (MXNet has no FGradient for it)
    pick = staticmethod(lambda xp, x, axis: xp.argmax(x, axis=axis))

    def label(self, p, attrs):
        return self.name

    def infer_shape(self, p, ins, outs):
        x = ins[0]
        if fully_known(x):
            # MXNet's reduction rule gives 1-D data a (1,) result (its kernel then refuses it)
            sassign(outs, 0, (1,) if len(x) == 1 else tuple(x[:1]) + tuple(x[2:]))

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        if x.ndim == 1:
            raise MXNetError("MXNetError: Check failed: axis < ndim && axis >= -ndim: axis 1 "
                             "exceeds the input dimension of 1")
        outs[0][...] = rt.xp.argmax(x, axis=1).reshape(outs[0].shape)


@register
class moments(OpDef):  # noqa: N801
    """Mean and variance of ``data`` over ``axes`` (all axes by default).

    >>> import symnb as mx
    >>> mean, var = mx.nd.moments(mx.nd.array([[1, 3], [5, 7]]), axes=(1,))
    >>> mean.asnumpy(), var.asnumpy()
    (array([2., 6.], dtype=float32), array([1., 1.], dtype=float32))
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "moments"
    family = "reduce"
    params = (
        ShapeOrNone("axes", "Shape or None, optional, default=None",
                    "Array of ints. Axes along which to compute mean and variance."),
        Param("keepdims", "boolean, optional, default=0",
              "produce moments with the same dimensionality as the input."),
    )
    outputs = ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        if ins[0] is None and p.axes:
            # MXNet's rule runs on the unknown shape (ndim -1) and fails on the axes
            last = max(p.axes)
            check(False, "axes[axes.ndim()-1] < ishape.ndim() (%d vs. -1) : Reduction axis %d "
                  "Exceeds input dimensions None" % (last, last))
        shape = None if ins[0] is None else reduced_shape(ins[0], p.axes, p.keepdims, False)
        # checked after the reduction's own checks, as MXNet does; no axes at all too
        if not p.axes:
            raise InferError("Empty axes is not supported, if you would like to do global "
                             "moments, please pass all axes to axes argument")
        if shape is not None:
            sassign(outs, 0, shape)
            sassign(outs, 1, shape)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        axes = _axes(p.axes, False, x.ndim)
        mean = x.mean(axis=axes, keepdims=True)
        outs[0][...] = mean.reshape(outs[0].shape)
        outs[1][...] = ((x - mean) ** 2).mean(axis=axes, keepdims=True).reshape(outs[1].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        axes = _axes(p.axes, False, x.ndim)
        kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        n = int(np.prod([x.shape[i] for i in axes]))
        mean_g = 0 if ograds[0] is None else ograds[0].reshape(kept)
        var_g = 0 if ograds[1] is None else \
            ograds[1].reshape(kept) * 2 * (x - outs[0].reshape(kept)) / n
        if reqs[0] == "add":
            # as mean's: MXNet adds the mean gradient with the request, divides the whole
            # buffer by n, then adds the variance part: (old + g_mean) / n + g_var (recorded)
            igrads[0] += mean_g
            igrads[0] /= x.dtype.type(n)
            igrads[0] += var_g
            return
        assign(igrads[0], xp.broadcast_to(mean_g / n + var_g, x.shape), reqs[0])
