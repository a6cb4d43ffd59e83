"""Activations with parameters or structure: LeakyReLU (all act_types), softmax, log_softmax,
SoftmaxActivation. (Plain ``Activation`` lives in ``nn.py``.)
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
    shape_assign,
    type_assign,
    uniform_type,
)
from .elemwise import unbroadcast

__all__ = ["LeakyReLU", "softmax", "log_softmax", "softmin", "SoftmaxActivation",
           "hard_sigmoid", "softmax_along"]


def softmax_along(xp, x, axis):
    """Numerically stable softmax of ``x`` along ``axis``."""
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_grad(y, dy, axis):
    """Input gradient of softmax from its output ``y`` and head gradient ``dy``."""
    return y * (dy - (dy * y).sum(axis=axis, keepdims=True))


# ----------------------------------------------------------------------------- LeakyReLU
# MXNet's SELU constants are float literals (float32), also for float64 data (oracle leaky_selu)
_SELU_ALPHA = float(np.float32(1.6732632423543772848170429916717))
_SELU_LAMBDA = float(np.float32(1.0507009873554804934193349852946))
_SQRT_2PI = math.sqrt(2 * math.pi)


def _prelu_gamma_shape(gamma_shape, data_shape):
    """Where gamma's axes sit in the data (MXNet's expand_shape: only axes 0 and 1)."""
    result = [1] * len(data_shape)
    s = len(gamma_shape) - 1
    for i in range(len(data_shape) - 1, -1, -1):
        if s >= 0 and i <= 1 and (data_shape[i] == gamma_shape[s] or gamma_shape[s] == 1):
            result[i] = gamma_shape[s]
            s -= 1
    if s != -1:
        raise ValueError("Cannot broadcast gamma to data. gamma: %s, data: %s"
                         % (fmt_shape(gamma_shape), fmt_shape(data_shape)))
    return tuple(result)


@register
class LeakyReLU(OpDef):
    """Leaky rectifiers: ``leaky``, ``prelu`` (learned ``gamma``), ``elu``, ``selu``, ``gelu``,
    ``rrelu`` (random slope in training, with the slopes as a second output ``mask``).

    >>> import symnb as mx
    >>> mx.sym.LeakyReLU(mx.sym.var('x'), act_type='prelu', name='pr').list_arguments()
    ['x', 'pr_gamma']
    >>> mx.sym.LeakyReLU(mx.sym.var('x'), act_type='rrelu', name='rr').list_outputs()
    ['rr_output', 'rr_mask']
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "LeakyReLU"
    refused_dtypes = NOT_REAL
    inputs = ("data", "gamma")
    roles = {"gamma": "weight"}
    var_attrs_on_compose = {"gamma": {"__init__": '["Constant", {"value": 0.25}]'}}
    family = "activation"
    params = (
        Param("act_type",
              "{'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'},optional, default='leaky'",
              "Activation function to be applied."),
        Param("slope", "float, optional, default=0.25",
              "Init slope for the activation. (For leaky and elu only)"),
        Param("lower_bound", "float, optional, default=0.125",
              "Lower bound of random slope. (For rrelu only)"),
        Param("upper_bound", "float, optional, default=0.333999991",
              "Upper bound of random slope. (For rrelu only)"),
    )

    def input_names(self, p):
        return self.inputs if p.act_type == "prelu" else ("data",)

    def output_names(self, p):
        return ("output", "mask") if p.act_type == "rrelu" else ("output",)

    def label(self, p, attrs):
        return "LeakyReLU\n%s" % p.act_type

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        if p.act_type == "prelu" and ins[1] is None:
            ins[1] = (data[1] if len(data) > 1 else 1,)
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)
        if p.act_type == "rrelu":
            shape_assign(outs, 1, data, inferred_fmt=fmt_shape)

    def check_bound(self, p, ins, outs):
        # MXNet checks gamma against the data only in forward (its inference accepts any
        # gamma); symnb refuses when the arrays are bound, with the forward's text
        if p.act_type == "prelu" and fully_known(ins[0]) and fully_known(ins[1]):
            try:
                _prelu_gamma_shape(ins[1], ins[0])
            except ValueError as e:
                raise InferError("Check failed: s == -1: %s" % e) from None

    def backward_in_place(self, p):
        # _backward_LeakyReLU's FInplaceOption {0, 0}: the data gradient takes dy's memory
        return (0,) if p.act_type == "prelu" else ()

    def _gamma(self, ins):
        x, gamma = ins[0], ins[1]
        try:
            return gamma.reshape(_prelu_gamma_shape(gamma.shape, x.shape))
        except ValueError as e:
            raise InferError(str(e)) from None

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        act, slope = p.act_type, x.dtype.type(p.slope)
        if act in ("leaky", "prelu"):
            # MXNet's xelu multiplies in float32 whatever the dtype (oracle leaky_leaky:
            # float64 outputs equal float32(x) * float32(slope) exactly)
            factor = np.float32(p.slope) if act == "leaky" else self._gamma(ins)
            neg = (x.astype(np.float32) * factor.astype(np.float32)).astype(x.dtype)
            y = xp.where(x > 0, x, neg)
        elif act == "elu":
            y = xp.where(x > 0, x, slope * xp.expm1(xp.minimum(x, 0)))
        elif act == "selu":
            y = _SELU_LAMBDA * xp.where(x > 0, x, _SELU_ALPHA * xp.expm1(xp.minimum(x, 0)))
        elif act == "gelu":
            y = 0.5 * x * (1 + rt.erf(x / math.sqrt(2)))
        else:  # rrelu
            mask = outs[1]
            if is_train:
                low, high = np.float32(p.lower_bound), np.float32(p.upper_bound)
                mask[...] = rt.random_uniform(0.0, 1.0, mask.shape, mask.dtype) \
                    * mask.dtype.type(high - low) + mask.dtype.type(low)
            else:
                # MXNet leaves the mask untouched in inference; the mean slope makes a later
                # backward consistent with this forward.
                mask[...] = np.float32((np.float32(p.lower_bound) + np.float32(p.upper_bound))
                                       / np.float32(2))
            y = xp.where(x > 0, x, x * mask)
        outs[0][...] = y

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x, dy = rt.xp, ins[0], ograds[0]
        act = p.act_type
        if act == "leaky":
            d = xp.where(x > 0, 1, x.dtype.type(p.slope))
        elif act == "prelu":
            gamma = self._gamma(ins)
            d = xp.where(x > 0, 1, gamma)
            if igrads[1] is not None:
                # MXNet writes the data gradient over dy first when that gradient is an
                # internal entry (backward_in_place), and then reads dy for gamma's:
                # gamma's gradient is then gamma times the true one
                seen = dy * d if 0 in p.get("_ograd_in_place", ()) else dy
                dgamma = unbroadcast(xp, seen * xp.where(x > 0, 0, x), gamma.shape)
                assign(igrads[1], dgamma.reshape(ins[1].shape), reqs[1])
        elif act == "elu":
            d = xp.where(x > 0, 1, x.dtype.type(p.slope) * xp.exp(xp.minimum(x, 0)))
        elif act == "selu":
            # MXNet's selu_grad reads the *output* as if it were x: lambda * (y + alpha) for
            # y <= 0, not the true derivative (oracle case leaky_selu, float64, exact).
            y = outs[0]
            d = xp.where(y > 0, _SELU_LAMBDA, _SELU_LAMBDA * (y + _SELU_ALPHA))
        elif act == "gelu":
            d = 0.5 * (1 + rt.erf(x / math.sqrt(2))) + x * xp.exp(-0.5 * x * x) / _SQRT_2PI
        else:  # rrelu: the slopes of the last forward
            d = xp.where(outs[0] > 0, 1, outs[1])
        assign(igrads[0], dy * d, reqs[0])


# ----------------------------------------------------------------------------- softmax
_SOFTMAX_PARAMS = (
    Param("axis", "int, optional, default='-1'", "The axis along which to compute softmax."),
    Param("temperature", "double or None, optional, default=None",
          "Temperature parameter in softmax"),
    Param("dtype", "{None, 'float16', 'float32', 'float64'},optional, default='None'",
          "DType of the output in case this can't be inferred. Defaults to the same as "
          "input's dtype if not defined (dtype=None)."),
    Param("use_length", "boolean or None, optional, default=0",
          "Whether to use the length input as a mask over the data input."),
)


class _SoftmaxBase(OpDef):
    """Shared rules of softmax and log_softmax (MXNet's SoftmaxOpShape / SoftmaxOpType)."""

    params = _SOFTMAX_PARAMS
    family = "activation"
    log = False
    negate = False          # softmin: the softmax of -x
    # log_softmax and softmin infer shapes with ElemwiseShape, both ways; softmax's
    # SoftmaxOpShape works on a copy of the input shape (forward only)
    shape_from_output = True

    def _uses_length(self, p):
        return bool(p.use_length)

    def infer_shape(self, p, ins, outs):
        expected = 2 if p.use_length else 1
        if len(ins) != expected:
            raise InferError("Check failed: in_attrs->size() == (param.use_length.value()) ? "
                             "2U : 1U (%d vs. %d) : " % (len(ins), expected))
        data = ins[0]
        if p.use_length and data is None:
            # MXNet builds the length shape from an unknown data shape (ndim -1 - 1)
            raise InferError("Check failed: ndim >= -1 (-2 vs. -1) : ndim cannot be less "
                             "than -1, received -2")
        if p.use_length:
            axis = _real_axis_checked(p.axis, len(data))
            length = tuple(d for i, d in enumerate(data) if i != axis) or (1,)
            shape_assign(ins, 1, length, inferred_fmt=fmt_shape)
        tmp = [ins[0]]
        elemwise_shape(tmp, outs, 1, 1)
        if self.shape_from_output:
            ins[0] = tmp[0]

    def infer_type(self, p, ins, outs):
        # MXNet's SoftmaxOpType works on a copy of the input type: the output's type never
        # flows back into the input (only the dtype parameter does)
        if p.dtype is not None:
            type_assign(outs, 0, p.dtype)
            if ins[0] is None:
                ins[0] = outs[0]
            return
        uniform_type([ins[0]], outs, 1, 1)

    def _valid(self, xp, x, length, axis):
        """Boolean mask of the positions before ``length`` along ``axis``."""
        index = xp.arange(x.shape[axis]).reshape(
            tuple(-1 if i == axis else 1 for i in range(x.ndim)))
        return index < xp.expand_dims(length.astype(np.int64), axis)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        axis = _run_axis(p.axis, x.ndim)
        work = np.result_type(x.dtype, outs[0].dtype)
        x = x.astype(work, copy=False)
        if p.temperature is not None and p.temperature != 1.0:
            x = x / work.type(p.temperature)
        if self.negate:
            x = -x
        if self._uses_length(p):
            if ins[1].dtype.kind not in "iu":
                # mshadow's index-type switch refuses float lengths at run time
                raise MXNetError("MXNetError: This operation only support integer types, "
                                 "not %s" % ins[1].dtype.name)
            valid = self._valid(xp, x, ins[1], axis)
            x = xp.where(valid, x, -xp.inf)
            e = xp.where(valid, xp.exp(x - x.max(axis=axis, keepdims=True)), 0)
            y = e / e.sum(axis=axis, keepdims=True)
        elif self.log:
            shifted = x - x.max(axis=axis, keepdims=True)
            y = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        else:
            y = softmax_along(xp, x, axis)
        outs[0][...] = y

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, y, dy = rt.xp, outs[0], ograds[0]
        axis = _run_axis(p.axis, y.ndim)
        if self.log:
            dx = dy - xp.exp(y) * dy.sum(axis=axis, keepdims=True)
        else:
            dx = softmax_grad(y, dy, axis)
        if p.temperature is not None and p.temperature != 1.0:
            dx = dx / p.temperature
        if self.negate:
            dx = -dx
        assign(igrads[0], dx.astype(ins[0].dtype, copy=False), reqs[0])
        if len(igrads) > 1 and igrads[1] is not None and reqs[1] == "write":
            igrads[1][...] = 0          # the length input gets a zero gradient


def _real_axis_checked(axis, ndim, error=InferError):
    """MXNet's CheckAxis: the shape rule checks it only with ``use_length``; the forward
    always does (an out-of-range axis fails at run time)."""
    real = axis + ndim if axis < 0 else axis
    if not 0 <= real < ndim:
        raise error("Check failed: axis < ndim && axis >= -ndim: axis %d exceeds the input "
                    "dimension of %d" % (axis, ndim))
    return real


def _run_axis(axis, ndim):
    return _real_axis_checked(axis, ndim, lambda text: MXNetError("MXNetError: " + text))


@register
class softmax(_SoftmaxBase):  # noqa: N801 -- MXNet's operator name
    """Softmax along ``axis``: ``exp(x / t) / sum(exp(x / t))``.

    With ``use_length=True`` a second input ``length`` (data shape without ``axis``) masks
    the positions at or after ``length``; they get 0.

    >>> import symnb as mx
    >>> mx.sym.softmax(mx.sym.var('x'), use_length=True, name='sm').list_arguments()
    ['x', 'sm_length']
    >>> mx.sym.softmax(mx.sym.var('x'), dtype='float64').infer_type(x='float32')[1]
    [<class 'numpy.float64'>]
    """

    name = "softmax"
    refused_dtypes = NOT_REAL
    inputs = ("data", "length")
    shape_from_output = False

    def input_names(self, p):
        return self.inputs if p.use_length else ("data",)


@register
class softmin(_SoftmaxBase):  # noqa: N801 -- MXNet's operator name
    """Softmin along ``axis``: the softmax of ``-x / t``.

    >>> import symnb as mx
    >>> mx.nd.softmin(mx.nd.array([0.0, 0.0])).asnumpy()
    array([0.5, 0.5], dtype=float32)
    """

    name = "softmin"
    refused_dtypes = NOT_REAL
    negate = True

    def _uses_length(self, p):
        return False


@register
class log_softmax(_SoftmaxBase):  # noqa: N801 -- MXNet's operator name
    """Log of the softmax along ``axis``: ``x / t - logsumexp(x / t)``.

    >>> import symnb as mx
    >>> mx.sym.log_softmax(mx.sym.var('x'), axis=0).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "log_softmax"
    refused_dtypes = NOT_REAL
    log = True

    def _uses_length(self, p):
        return False


@register
class SoftmaxActivation(OpDef):
    """Softmax per instance or per position across channels (axis 1).

    ``instance`` works on MXNet's 2-D view of the data (all leading axes by the last one), so
    it normalises over the last axis only; for 2-D data that is one softmax per row.

    >>> import symnb as mx
    >>> mx.sym.SoftmaxActivation(mx.sym.var('x'), mode='channel').infer_shape(x=(2, 3, 4))[1]
    [(2, 3, 4)]
    """

    name = "SoftmaxActivation"
    # MXNet's legacy layer reads its data as float32 whatever the dtype
    refused_dtypes = {t: "Check failed: mshadow::DataType<DType>::kFlag == type_flag_: "
                      "TBlob.get_with_shape: data type do not match specified type.Expected: "
                      "%s v.s. given float" % c
                      for t, c in (("float16", "half"), ("float64", "double"), ("int32", "int"),
                                   ("uint8", "unsigned char"), ("int8", "char"),
                                   ("int64", "long long"), ("bool", "bool"))}
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    family = "activation"
    params = (Param("mode", "{'channel', 'instance'},optional, default='instance'",
                    "Specifies how to compute the softmax. If set to ``instance``, it computes "
                    "softmax for each instance. If set to ``channel``, It computes cross channel "
                    "softmax for each position of each instance."),)

    def label(self, p, attrs):
        return "SoftmaxActivation\n%s" % p.mode

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def _view(self, p, a):
        # TBlob::FlatTo2D keeps the last axis: (prod(shape[:-1]), shape[-1])
        return a if p.mode == "channel" else a.reshape(-1, a.shape[-1])

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = softmax_along(rt.xp, self._view(p, x), 1).reshape(x.shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet's backward always reduces over axis 1 of an (N, C, rest) view, whatever the
        # mode: for 'instance' on 3-D or larger data it is not the forward's derivative
        view = (outs[0].shape[0], outs[0].shape[1], -1)
        dx = softmax_grad(outs[0].reshape(view), ograds[0].reshape(view), 1)
        assign(igrads[0], dx.reshape(outs[0].shape), reqs[0])


@register
class hard_sigmoid(OpDef):  # noqa: N801 -- MXNet's operator name
    """Piecewise-linear sigmoid ``max(0, min(1, alpha * x + beta))``.

    >>> import symnb as mx
    >>> mx.nd.hard_sigmoid(mx.nd.array([-5.0, 0.0, 5.0])).asnumpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """

    name = "hard_sigmoid"
    refused_dtypes = NOT_REAL
    family = "activation"
    monitor_named_inputs = False
    params = (Param("alpha", "float, optional, default=0.200000003", "Slope of hard sigmoid"),
              Param("beta", "float, optional, default=0.5", "Bias of hard sigmoid."))

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        t = np.dtype(x.dtype).type
        outs[0][...] = rt.xp.clip(x * t(p.alpha) + t(p.beta), 0, 1)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x = ins[0]
        t = np.dtype(x.dtype).type
        z = x * t(p.alpha) + t(p.beta)
        # selected, as MXNet's kernel: 0 outside (0, 1) whatever the output gradient
        assign(igrads[0], rt.xp.where((z > 0) & (z < 1), ograds[0] * t(p.alpha), 0), reqs[0])
