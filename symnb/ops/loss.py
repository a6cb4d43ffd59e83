"""Loss heads and gradient stops: SoftmaxOutput, the regression outputs, SVMOutput, MakeLoss,
make_loss, BlockGrad.

Every operator here is a loss head: its backward never reads a head gradient (``ograds[0]``
may be ``None`` and is ignored when given) and never writes the label's gradient (spec
executor.md 5.2, 5.3). Scale factors such as ``grad_scale / n`` are computed in float32 and
then cast to the data type, as MXNet does (spec executor.md 6).
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import (
    NOT_REAL,
    elemwise_shape,
    fmt_shape,
    fully_known,
    legacy_float32_type,
    shape_assign,
    type_assign,
)
from .activation import softmax_along

__all__ = ["SoftmaxOutput", "LinearRegressionOutput", "LogisticRegressionOutput",
           "MAERegressionOutput", "SVMOutput", "MakeLoss", "make_loss", "BlockGrad"]

_NORMALIZATION = "{'batch', 'null', 'valid'},optional, default='null'"


def _scale(dtype, numerator, *denominators):
    """``numerator / d1 / d2 ...`` in float32, as a scalar of ``dtype``."""
    value = np.float32(numerator)
    for d in denominators:
        value = value / np.float32(d)
    return np.dtype(dtype).type(value)


def _label_type(ins, outs):
    """SoftmaxOutput / SVMOutput type rule: the label must have the data's type."""
    dtype = ins[0] if ins[0] is not None else outs[0]
    if dtype is None:
        return
    ins[0] = outs[0] = dtype
    type_assign(ins, 1, dtype, "label")


def _label_shape(ins):
    """Label = data shape without the last axis (SoftmaxOutput default, SVMOutput)."""
    shape_assign(ins, 1, tuple(ins[0][:-1]), inferred_fmt=fmt_shape)


def _class_indices(label, rows):
    """Labels truncated to int (1.7 -> 1), as MXNet's ``static_cast<int>``."""
    return label.reshape(-1)[:rows].astype(np.int64)


class _LossHead(OpDef):
    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut
    loss_head = True
    semantic_loss = True
    family = "loss"


# ----------------------------------------------------------------------------- SoftmaxOutput
@register
class SoftmaxOutput(_LossHead):
    """Softmax forward with the cross-entropy gradient in backward (spec executor.md 6.3).

    The backward ignores any head gradient: ``dx = (softmax(x) - onehot(label)) * scale``
    with ``ignore_label``, ``normalization``, ``smooth_alpha``, ``multi_output`` and
    ``preserve_shape`` as in MXNet; a label with the data's shape is a probability label.

    >>> import symnb as mx
    >>> out = mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax')
    >>> out.list_arguments(), out.infer_shape(data=(4, 3))[0]
    (['data', 'softmax_label'], [(4, 3), (4,)])
    """

    name = "SoftmaxOutput"
    refused_dtypes = NOT_REAL
    aliases = ("Softmax",)
    inputs = ("data", "label")
    roles = {"label": "label"}
    params = (
        Param("grad_scale", "float, optional, default=1",
              "Scales the gradient by a float factor."),
        Param("ignore_label", "float, optional, default=-1",
              "The instances whose `labels` == `ignore_label` will be ignored during backward, "
              "if `use_ignore` is set to ``true``)."),
        Param("multi_output", "boolean, optional, default=0",
              "If set to ``true``, the softmax function will be computed along axis ``1``. "
              "This is applied when the shape of input array differs from the shape of label "
              "array."),
        Param("use_ignore", "boolean, optional, default=0",
              "If set to ``true``, the `ignore_label` value will not contribute to the backward "
              "gradient."),
        Param("preserve_shape", "boolean, optional, default=0",
              "If set to ``true``, the softmax function will be computed along the last axis "
              "(``-1``)."),
        Param("normalization", _NORMALIZATION, "Normalizes the gradient."),
        Param("out_grad", "boolean, optional, default=0",
              "Multiplies gradient with output gradient element-wise."),
        Param("smooth_alpha", "float, optional, default=0",
              "Constant for computing a label smoothed version of cross-entropyfor the "
              "backwards pass.  This constant gets subtracted from theone-hot encoding of the "
              "gold label and distributed uniformly toall other labels."),
    )

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        label = ins[1]
        if label is None or tuple(label) != tuple(data):    # equal shapes: probability label
            if p.multi_output:
                self._multi_output_label(data, ins)
            else:
                _label_shape(ins)
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)

    @staticmethod
    def _multi_output_label(data, ins):
        spatial = int(np.prod(data[2:])) if all(d > 0 for d in data[2:]) else 0
        accepted = ((data[0], spatial), (data[0],) + tuple(data[2:]),
                    (data[0], 1) + tuple(data[2:]))
        if ins[1] is None:
            ins[1] = accepted[0]
        elif tuple(ins[1]) not in accepted:
            raise InferError("Expecting %s or %s. But got %s" % (
                fmt_shape(accepted[0]), fmt_shape(accepted[1]), fmt_shape(ins[1])))

    def infer_type(self, p, ins, outs):
        _label_type(ins, outs)

    def _view(self, p, a):
        """The array softmax runs on, and the class axis."""
        if p.multi_output:
            return a, 1
        if p.preserve_shape:
            return a, a.ndim - 1
        return a.reshape(a.shape[0], -1), 1

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        view, axis = self._view(p, x)
        outs[0][...] = softmax_along(rt.xp, view, axis).reshape(x.shape)

    def _plain_rows(self, p, x, out):
        """``(rows x classes)`` views of ``x`` and ``out`` for the prepared paths, or None:
        NumPy, the default row layout, contiguous buffers of one float dtype."""
        if p.multi_output or p.preserve_shape or x.ndim < 2 or x.shape[0] == 0 \
                or not isinstance(x, np.ndarray) or x.dtype.kind != "f" or out.dtype != x.dtype \
                or not (x.flags.c_contiguous and out.flags.c_contiguous):
            return None
        return x.reshape(x.shape[0], -1), out.reshape(x.shape[0], -1)

    def prepare_forward(self, p, ins, outs, rt):
        # the softmax of forward(), step for step, into the output buffer (one row scratch)
        views = self._plain_rows(p, ins[0], outs[0])
        if views is None:
            return None
        x, out = views
        row = np.empty((len(x), 1), x.dtype)

        def run(is_train):
            np.max(x, axis=1, keepdims=True, out=row)
            np.subtract(x, row, out=out)
            np.exp(out, out=out)
            np.sum(out, axis=1, keepdims=True, out=row)
            np.divide(out, row, out=out)
        return run

    def prepare_backward(self, p, ins, outs, ograds, igrads, reqs, rt):
        # integer labels, no ignore, smoothing or normalization: (p - onehot) * scale as
        # backward() computes it, written in place (labels outside the classes take the
        # generic path, which gives those rows no -1)
        prob, label, dx = outs[0], ins[1], igrads[0]
        if dx is None or p.use_ignore or p.out_grad or p.smooth_alpha > 0 \
                or p.normalization != "null" or label.shape == prob.shape:
            return None
        views = self._plain_rows(p, prob, dx)
        if views is None:
            return None
        prob2, dx2 = views
        n, classes = prob2.shape
        rows = np.arange(n)
        scale = _scale(prob.dtype, p.grad_scale)

        def run(is_train):
            k = _class_indices(label, n)
            if k.min() < 0 or k.max() >= classes:
                self.backward(p, ins, outs, ograds, igrads, reqs, is_train, rt)
                return
            np.copyto(dx2, prob2)
            dx2[rows, k] -= 1
            if scale != 1:
                np.multiply(dx2, scale, out=dx2)
        return run

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, prob, label = rt.xp, outs[0], ins[1]
        dtype = prob.dtype
        if label.shape == prob.shape:              # probability labels: no ignore, no norm
            grad = (prob - label) * dtype.type(np.float32(p.grad_scale))
        elif p.multi_output:
            grad = self._grad_multi_output(xp, p, prob, label)
        else:
            grad = self._grad_rows(xp, p, prob, label)
        if p.out_grad:
            grad = grad * prob                      # MXNet multiplies by the output itself
        # MXNet's SoftmaxOutput backward assigns whatever the request: grad_req 'add' writes
        assign(igrads[0], grad.reshape(prob.shape), "write")

    def _target(self, xp, p, k, classes, class_axis, ndim, dtype, smooth=True):
        """One-hot (or label-smoothed) targets for integer labels ``k``."""
        shape = [1] * ndim
        shape[class_axis] = classes
        hit = xp.arange(classes).reshape(shape) == xp.expand_dims(k, class_axis)
        if smooth and p.smooth_alpha > 0:
            alpha = dtype.type(p.smooth_alpha)
            return xp.where(hit, 1 - alpha, alpha / dtype.type(classes - 1))
        return hit.astype(dtype)

    def _valid(self, xp, p, label):
        return max(1, int((label.astype(np.int64) != int(p.ignore_label)).sum()))

    def _grad_rows(self, xp, p, prob, label):
        # rows x K: default (N, size/N), preserve_shape (prod(shape[:-1]), shape[-1])
        classes = prob.shape[-1] if p.preserve_shape else prob.size // prob.shape[0]
        view = prob.reshape(-1, classes)
        k = _class_indices(label, view.shape[0])
        grad = view - self._target(xp, p, k, classes, 1, 2, prob.dtype)
        if p.use_ignore:
            grad = xp.where((k != int(p.ignore_label))[:, None], grad, 0)   # +0, as MXNet
        if p.normalization == "batch":
            scale = _scale(prob.dtype, p.grad_scale, label.size)
        elif p.normalization == "valid":
            scale = _scale(prob.dtype, p.grad_scale, self._valid(xp, p, label))
        else:
            scale = _scale(prob.dtype, p.grad_scale)
        return grad * scale

    def _grad_multi_output(self, xp, p, prob, label):
        n, classes = prob.shape[:2]
        view = prob.reshape(n, classes, -1)
        spatial = view.shape[2]
        k = label.reshape(n, -1).astype(np.int64)
        # MXNet's multi_output backward calls the plain SoftmaxGrad: smooth_alpha is ignored
        grad = view - self._target(xp, p, k, classes, 1, 3, prob.dtype, smooth=False)
        if p.use_ignore:
            grad = xp.where((k != int(p.ignore_label))[:, None, :], grad, 0)
        if p.normalization == "batch":
            scale = _scale(prob.dtype, p.grad_scale, spatial, n)
        elif p.normalization == "valid":
            scale = _scale(prob.dtype, p.grad_scale, self._valid(xp, p, label))
        else:
            scale = _scale(prob.dtype, p.grad_scale, spatial)
        return grad * scale


# ----------------------------------------------------------------------------- regression
_GRAD_SCALE = Param("grad_scale", "float, optional, default=1",
                    "Scale the gradient by a float factor")


class _RegressionOutput(_LossHead):
    """``dx = grad(out, label) * grad_scale / m``, m = label elements per sample (spec 6.4)."""

    inputs = ("data", "label")
    roles = {"label": "label"}
    params = (_GRAD_SCALE,)

    def infer_shape(self, p, ins, outs):
        data, label = ins
        if data is None:
            return
        if label is None:
            # a (N, 1) output takes a (N,) label by default
            ins[1] = (data[0],) if len(data) == 2 and data[1] == 1 else tuple(data)
        elif fully_known(data) and fully_known(label) and (
                label[0] != data[0] or int(np.prod(label)) != int(np.prod(data))):
            raise InferError("Shape inconsistent, Provided=%s, inferred shape=%s"
                             % (fmt_shape(label), fmt_shape(data)))
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)

    @staticmethod
    def link(xp, x):
        return x

    @staticmethod
    def grad(xp, out, label):
        return out - label

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).link(rt.xp, ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        out, label = outs[0], ins[1]
        per_sample = label.size // label.shape[0]
        scale = _scale(out.dtype, p.grad_scale, per_sample)
        diff = type(self).grad(rt.xp, out, label.reshape(out.shape))
        if reqs[0] == "add" and igrads[0] is not None:
            # MXNet runs two kernels with the request, the difference then the scaling, so
            # 'add' gives (old + diff) * (1 + scale) rather than old + diff * scale
            igrads[0] += diff
            igrads[0] += igrads[0] * scale
        else:
            assign(igrads[0], diff * scale, reqs[0])


@register
class LinearRegressionOutput(_RegressionOutput):
    """Identity forward; backward ``(out - label) * grad_scale / m`` (squared loss).

    >>> import symnb as mx
    >>> r = mx.sym.LinearRegressionOutput(mx.sym.var('data'), name='r')
    >>> r.infer_shape(data=(4, 1))[0]
    [(4, 1), (4,)]
    """

    name = "LinearRegressionOutput"
    refused_dtypes = NOT_REAL
    aliases = ("_sparse_LinearRegressionOutput",)
    backward_parses = "_backward_linear_reg_out"


@register
class LogisticRegressionOutput(_RegressionOutput):
    """Sigmoid forward; backward ``(sigmoid(x) - label) * grad_scale / m`` (logistic loss).

    >>> import symnb as mx
    >>> mx.sym.LogisticRegressionOutput(mx.sym.var('data'), name='r').infer_shape(data=(4, 3))[0]
    [(4, 3), (4, 3)]
    """

    name = "LogisticRegressionOutput"
    refused_dtypes = NOT_REAL
    aliases = ("_sparse_LogisticRegressionOutput",)
    backward_parses = "_backward_logistic_reg_out"

    @staticmethod
    def link(xp, x):
        return 1 / (1 + xp.exp(-x))


@register
class MAERegressionOutput(_RegressionOutput):
    """Identity forward; backward ``sign(out - label) * grad_scale / m``, a tie giving -1.

    >>> import symnb as mx
    >>> mx.sym.MAERegressionOutput(mx.sym.var('data'), name='mae').list_arguments()
    ['data', 'mae_label']
    """

    name = "MAERegressionOutput"
    refused_dtypes = NOT_REAL
    aliases = ("_sparse_MAERegressionOutput",)
    backward_parses = "_backward_mae_reg_out"

    @staticmethod
    def grad(xp, out, label):
        return xp.where(out > label, 1, -1).astype(out.dtype)


# ----------------------------------------------------------------------------- SVMOutput
@register
class SVMOutput(_LossHead):
    """Identity forward; backward the L2 (default) or L1 hinge gradient, no batch scaling.

    >>> import symnb as mx
    >>> mx.sym.SVMOutput(mx.sym.var('data'), name='svm').infer_shape(data=(2, 3))[0]
    [(2, 3), (2,)]
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "SVMOutput"
    refused_dtypes = NOT_REAL
    inputs = ("data", "label")
    roles = {"label": "label"}
    params = (
        Param("margin", "float, optional, default=1",
              "The loss function penalizes outputs that lie outside this margin. Default "
              "margin is 1."),
        Param("regularization_coefficient", "float, optional, default=1",
              "Regularization parameter for the SVM. This balances the tradeoff between "
              "coefficient size and error."),
        Param("use_linear", "boolean, optional, default=0",
              "Whether to use L1-SVM objective. L2-SVM objective is used by default."),
    )

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        _label_shape(ins)
        shape_assign(outs, 0, ins[0], inferred_fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        _label_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x = rt.xp, outs[0]
        t = x.dtype.type
        view = x.reshape(-1, x.shape[-1])
        k = _class_indices(ins[1], view.shape[0])
        hit = xp.arange(view.shape[1])[None, :] == k[:, None]
        margin, reg = t(p.margin), t(p.regularization_coefficient)
        if p.use_linear:
            at_k = -(margin > view).astype(x.dtype) * reg
            other = (margin > -view).astype(x.dtype) * reg
        else:
            at_k = xp.where(margin > view, 2 * (margin - view), t(0)) * -reg
            other = xp.where(margin > -view, -2 * (-view - margin), t(0)) * reg
        # MXNet's SVMOutput backward assigns whatever the request: grad_req 'add' writes
        assign(igrads[0], xp.where(hit, at_k, other).reshape(x.shape), "write")


# ----------------------------------------------------------------------------- MakeLoss
class _Identity(OpDef):
    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]


@register
class MakeLoss(_Identity, _LossHead):
    """Identity forward; backward a constant ``grad_scale``, optionally normalised by the
    batch size or the count of elements above ``valid_thresh`` (spec executor.md 6.5).

    >>> import symnb as mx
    >>> mx.sym.MakeLoss(mx.sym.var('data'), normalization='batch', name='l').list_outputs()
    ['l_output']
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : Input must have specified type"

    name = "MakeLoss"
    refused_dtypes = NOT_REAL
    params = (
        Param("grad_scale", "float, optional, default=1",
              "Gradient scale as a supplement to unary and binary operators"),
        Param("valid_thresh", "float, optional, default=0",
              "clip each element in the array to 0 when it is less than ``valid_thresh``. "
              "This is used when ``normalization`` is set to ``'valid'``."),
        Param("normalization", _NORMALIZATION,
              "If this is set to null, the output gradient will not be normalized. If this is "
              "set to batch, the output gradient will be divided by the batch size. If this is "
              "set to valid, the output gradient will be divided by the number of valid input "
              "elements."),
    )

    def infer_shape(self, p, ins, outs):
        # a legacy operator (MakeLossProp): the output takes the input's shape, never back
        if ins[0] is not None:
            shape_assign(outs, 0, ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x = ins[0]
        if p.normalization == "batch":
            # MXNet divides by the rows of the data viewed as 2-D (FlatTo2D: every axis but
            # the last), so a 1-D input is one sample and a (1, 2, 4, 3) input is 8
            scale = _scale(x.dtype, p.grad_scale, math.prod(x.shape[:-1]))
        elif p.normalization == "valid":
            # here MXNet divides in the data type: DType(grad_scale) / DType(count)
            valid = max(1, int((x > x.dtype.type(p.valid_thresh)).sum()))
            scale = _scale(x.dtype, p.grad_scale) / x.dtype.type(valid)
        else:
            scale = _scale(x.dtype, p.grad_scale)
        assign(igrads[0], scale, reqs[0])


@register
class make_loss(_Identity, _LossHead):  # noqa: N801 -- MXNet's operator name
    """Identity forward; backward all ones. Unknown keyword arguments are kept as attributes
    and ignored (spec executor.md 6.5).

    >>> import symnb as mx
    >>> mx.sym.make_loss(mx.sym.var('data'), name='l', grad_scale=2.0).list_outputs()
    ['l_loss']
    """

    name = "make_loss"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("_sparse_make_loss",)
    outputs = ("loss",)
    accepts_unknown_params = True

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], 1, reqs[0])


# ----------------------------------------------------------------------------- BlockGrad
@register
class BlockGrad(_Identity):
    """Identity forward; zero gradient (``stop_gradient``). As a head it needs no head
    gradient.

    >>> import symnb as mx
    >>> mx.sym.stop_gradient(mx.sym.var('data'), name='sg').infer_shape(data=(2, 3))[1]
    [(2, 3)]
    """

    name = "BlockGrad"
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    aliases = ("_sparse_stop_gradient", "stop_gradient")
    loss_head = True
    zero_gradient = True
    family = "loss"

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None and reqs[0] == "write":
            igrads[0][...] = 0


# ----------------------------------------------------------------------------- more losses
@register
class softmax_cross_entropy(OpDef):  # noqa: N801 -- MXNet's operator name
    """``sum_i -log(softmax(data_i)[label_i])`` over the batch, as a ``(1,)`` array.

    >>> import symnb as mx
    >>> out = mx.nd.softmax_cross_entropy(mx.nd.zeros((2, 4)), mx.nd.array([0, 3]))
    >>> round(float(out.asscalar()), 4)
    2.7726
    """

    name = "softmax_cross_entropy"
    family = "loss"
    inputs = ("data", "label")
    roles = {"label": "label"}

    def infer_shape(self, p, ins, outs):
        data, label = ins
        dnd, lnd = (-1 if s is None else len(s) for s in (data, label))
        if dnd != 2:
            raise InferError("Check failed: (*in_attrs)[0].ndim() == 2U (%d vs. 2) : "
                             "SoftmaxCrossEntropy only accept 2D data" % dnd)
        if lnd != 1:
            raise InferError("Check failed: (*in_attrs)[1].ndim() == 1U (%d vs. 1) : "
                             "SoftmaxCrossEntropy only accept 1D label" % lnd)
        shape_assign(ins, 1, (data[0],))
        shape_assign(outs, 0, (1,))

    def infer_type(self, p, ins, outs):
        type_assign(outs, 0, ins[0])
        if ins[1] is None:
            ins[1] = ins[0]

    def _probs(self, rt, x):
        return softmax_along(rt.xp, x, 1)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        label = ins[1].astype(np.int64)
        prob = self._probs(rt, x)
        picked = prob[xp.arange(x.shape[0]), label]
        outs[0][...] = -xp.log(picked).sum()

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[1] is not None:
            raise MXNetError("SoftmaxCrossEntropy: Check failed: req[1] == kNullOp (%d vs. 0) "
                             ": Cannot take gradient wrt label"
                             % {"write": 1, "add": 3}.get(reqs[1], 1))
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        grad = self._probs(rt, x)
        grad[xp.arange(x.shape[0]), ins[1].astype(np.int64)] -= 1
        assign(igrads[0], grad * ograds[0].reshape(()), reqs[0])


@register
class IdentityAttachKLSparseReg(OpDef):
    """Identity forward; backward adds the gradient of a KL sparseness penalty pulling the
    mean activation of each unit (kept in ``moving_avg``, updated by the backward) towards
    ``sparseness_target``.

    >>> import symnb as mx
    >>> k = mx.sym.IdentityAttachKLSparseReg(mx.sym.var('a'), name='k')
    >>> k.infer_shape(a=(4, 3))[2], k.list_auxiliary_states()
    ([(3,)], ['k_moving_avg'])
    """

    name = "IdentityAttachKLSparseReg"
    family = "loss"
    inputs = ("data", "moving_avg")
    signature_inputs = ("data",)
    mutates = ("moving_avg",)
    var_attrs_on_compose = {"moving_avg": {"__init__": '["zero", {}]'}}
    params = (
        Param("sparseness_target", "float, optional, default=0.100000001",
              "The sparseness target"),
        Param("penalty", "float, optional, default=0.00100000005", "The tradeoff parameter "
              "for the sparseness penalty"),
        Param("momentum", "float, optional, default=0.899999976",
              "The momentum for running average"),
    )

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        ndim = -1 if data is None else len(data)
        if ndim < 2:        # MXNet reads ``dshape[1]`` whatever the rank
            raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                             "[0, %d)" % ndim)
        ins[1] = (data[1],)
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        # the legacy default rule: the argument float32, the aux state set (never checked)
        args = ins[:1]
        legacy_float32_type(args, outs)
        ins[:] = args + [np.dtype(np.float32)]

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x, avg = ins[0], ins[1]
        t = np.dtype(x.dtype).type
        flat = x.reshape(x.shape[0], x.shape[1], -1)
        batch_mean = flat.mean(axis=(0, 2))
        avg[...] = t(p.momentum) * avg + (1 - t(p.momentum)) * batch_mean
        rho = t(p.sparseness_target)
        penalty = t(p.penalty) * (-rho / avg + (1 - rho) / (1 - avg))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if igrads[0] is not None:
            assign(igrads[0], ograds[0] + penalty.reshape(shape), reqs[0])
