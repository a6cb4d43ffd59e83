"""Neural-network layers: FullyConnected, Activation, ... (one class per operator)."""
from __future__ import annotations

import math

import numpy as np

from . import _onednn
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import NOT_REAL, elemwise_shape, fmt_shape, shape_assign
from ._zeros import prepared_relu, relu_into, zeros_view
from .conv import _on_two_workers, _worker_halves


@register
class FullyConnected(OpDef):
    """Fully connected layer: ``out = data @ weight.T + bias``.

    With ``flatten=True`` (default) the data is viewed as ``(batch, -1)``; otherwise the
    layer applies to the last axis. As in MXNet 1.9.1's CPU build (oneDNN), a float32
    backward leaves the bias gradient untouched when the weight's ``grad_req`` is
    ``'null'``.

    >>> import symnb as mx
    >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=10, name='fc1')
    >>> fc.infer_shape(data=(100, 784))
    ([(100, 784), (10, 784), (10,)], [(100, 10)], [])
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "FullyConnected"
    refused_dtypes = {"float16": "float16 fully connected layer is currentlyonly supported by "
                      "CuDNN version.", "uint8": "Unsupported type 3", "int8": "Unsupported type 5",
                      "int32": "Unsupported type 4", "int64": "Unsupported type 6"}
    aliases = ("_sparse_FullyConnected",)
    inputs = ("data", "weight", "bias")
    roles = {"weight": "weight", "bias": "bias"}
    family = "dense"
    params = (
        Param("num_hidden", "int, required", "Number of hidden nodes of the output.", lower=1),
        Param("no_bias", "boolean, optional, default=0", "Whether to disable bias parameter."),
        Param("flatten", "boolean, optional, default=1",
              "Whether to collapse all but the first axis of the input data tensor."),
    )

    def input_names(self, p):
        return ("data", "weight") if p.no_bias else self.inputs

    def label(self, p, attrs):
        return "FullyConnected\n%d" % p.num_hidden

    def infer_shape(self, p, ins, outs):
        data, n = ins[0], p.num_hidden
        if data is None:
            return          # MXNet needs the data shape first (weight cannot give the batch)
        if p.flatten:
            if any(d == 0 for d in data[1:]):
                raise InferError("Check failed: dim_size_is_known(d[i]): Shape dim size "
                                 "must be known, while received -1")
            shape_assign(ins, 1, (n, int(np.prod(data[1:]))))
            shape_assign(outs, 0, (data[0], n))
            shape_assign(ins, 0, (outs[0][0],) + tuple(data[1:]))   # batch flows back
        else:
            shape_assign(ins, 1, (n, data[-1]))
            shape_assign(outs, 0, tuple(data[:-1]) + (n,))
            shape_assign(ins, 0, tuple(outs[0][:-1]) + (data[-1],))
        if not p.no_bias:
            if ins[2] is not None and tuple(ins[2]) not in ((n,), (0,)):
                raise InferError("Unexpected shape for bias %s" % fmt_shape(ins[2]))
            ins[2] = (n,)

    def prepare_forward(self, p, ins, outs, rt):
        # the unsplit NumPy forward with its views made once (a layer that would run on two
        # workers, or a non-contiguous output, takes forward() each call)
        x, w, out = ins[0], ins[1], outs[0]
        if rt.xp is not np or not isinstance(x, np.ndarray) or not out.flags.c_contiguous:
            return None
        x2 = _as_matrix(x, 1) if p.flatten else x
        if x2.ndim != 2:
            return None
        out2, wt = out.reshape(len(x2), p.num_hidden), w.T
        bias = None if p.no_bias else ins[2]

        def run(is_train):
            if _fc_halves(np, x2, w) is not None:
                self.forward(p, ins, outs, is_train, rt)
                return
            np.matmul(x2, wt, out=out2)
            if bias is not None:
                np.add(out2, bias, out=out2)
        return run

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, w = rt.xp, ins[0], ins[1]
        x2 = _as_matrix(x, 1) if p.flatten else x
        out = outs[0].reshape(x2.shape[:-1] + (p.num_hidden,))
        halves = _fc_halves(xp, x2, w) if x2.ndim == 2 else None
        if halves is not None:         # each batch half's GEMM (and bias) on its own worker
            def half(h):
                xp.matmul(x2[h], w.T, out=out[h])
                if not p.no_bias:
                    out[h] += ins[2]
            _on_two_workers(half, halves)
            return
        xp.matmul(x2, w.T, out=out)
        if not p.no_bias:
            out += ins[2]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x, w, g = rt.xp, ins[0], ins[1], ograds[0]
        if not p.no_bias and igrads[1] is None and igrads[2] is not None \
                and _onednn_backward(xp, g):
            # MXNet 1.9.1's CPU build runs this backward through oneDNN, which makes the bias
            # gradient only together with the weight gradient: with the weight's grad_req
            # 'null' the bias gradient is left as it was, whatever its own request
            # (mkldnn_fully_connected.cc, MKLDNNFCBackward; recorded in the graph cases)
            igrads = [igrads[0], None, None]
        x2 = _as_matrix(x, 1) if p.flatten else _as_matrix(x, x.ndim - 1)
        g2 = g.reshape(-1, p.num_hidden)
        halves = _fc_halves(xp, x2, w)
        if halves is not None and all(igrads[i] is None or reqs[i] == "write" for i in (0, 1)):
            self._backward_halves(xp, x2, w, g2, igrads, halves)
            if not p.no_bias and igrads[2] is not None:
                assign(igrads[2], g2.sum(axis=0), reqs[2])
            return
        # 'write' goes straight into the gradient buffers (no temporaries); 'add' accumulates
        if igrads[0] is not None:
            if reqs[0] == "write":
                xp.matmul(g2, w, out=igrads[0].reshape(x2.shape))
            else:
                igrads[0] += (g2 @ w).reshape(x.shape)
        if igrads[1] is not None:
            if reqs[1] == "write":
                xp.matmul(g2.T, x2, out=igrads[1])
            else:
                igrads[1] += g2.T @ x2
        if not p.no_bias and igrads[2] is not None:
            if reqs[2] == "write":
                g2.sum(axis=0, out=igrads[2])
            else:
                igrads[2] += g2.sum(axis=0)


    @staticmethod
    def _backward_halves(xp, x2, w, g2, igrads, halves):
        """Written data and weight gradients on two workers: the data gradient by batch
        halves, the weight gradient by halves of its rows (the same products as one GEMM)."""
        dx = igrads[0].reshape(x2.shape) if igrads[0] is not None else None
        rows = slice(0, len(w) // 2), slice(len(w) // 2, len(w))

        def run(h):
            i = 0 if h is halves[0] else 1
            if dx is not None:
                xp.matmul(g2[halves[i]], w, out=dx[halves[i]])
            if igrads[1] is not None:
                xp.matmul(g2[:, rows[i]].T, x2, out=igrads[1][rows[i]])

        _on_two_workers(run, halves)


# A NumPy FullyConnected layer of [_FC_SPLIT_MIN_MACS, _FC_SPLIT_MAX_MACS) multiply-adds runs
# on two workers with BLAS at one thread (conv.py's _on_two_workers). Measured at load 2-2.5
# on two cores: LeNet's fc1 (64x800x500, 2^24.6) took 14-42 ms per pass as a two-thread
# OpenBLAS GEMM (after the convolutions' splits) and 1.4-1.7 ms split; the MLP benchmark's
# layers (2^26 and more) ran 2x slower split than as two-thread GEMMs, so they stay whole.
_FC_SPLIT_MIN_MACS = 1 << 24
_FC_SPLIT_MAX_MACS = 1 << 26


def _fc_halves(xp, x2, w):
    """Batch halves for two workers, or None (CuPy, small layers, no second worker, or BLAS
    already at one thread: the same conditions as conv.py's split)."""
    n, k = x2.shape[0], x2.shape[-1]
    if xp is not np or n < 2 or len(w) < 2 \
            or not _FC_SPLIT_MIN_MACS <= n * k * len(w) < _FC_SPLIT_MAX_MACS:
        return None
    return _worker_halves(n)


def _onednn_backward(xp, g):
    """Whether MXNet's CPU build would run a FullyConnected backward with output gradient
    ``g`` through oneDNN (SupportMKLDNNFC: float32, 1 to 4 dimensions; MXNet's GPU build
    never does)."""
    return xp is np and g.dtype == np.float32 and 1 <= g.ndim <= 4


def _as_matrix(x, k):
    """``x`` as (dims before ``k``) x (dims from ``k``), sizes explicit: a zero-size array
    (``mx.np_shape``) reshapes too (NumPy cannot infer -1 next to a 0)."""
    return x.reshape(math.prod(x.shape[:k]), math.prod(x.shape[k:]))


def _softrelu(xp, x):
    # log(1 + exp(x)) without overflow
    return xp.logaddexp(0, x)


# act_type -> (forward(xp, x), derivative(xp, x, y))
_ACTIVATIONS = {
    # relu's derivative from its output y >= 0 is sign(y): 1, 0, or NaN where y is NaN, as
    # MXNet's relu_grad passes NaN on
    "relu": (lambda xp, x: xp.maximum(x, 0), lambda xp, x, y: xp.sign(y)),
    "sigmoid": (lambda xp, x: 1 / (1 + xp.exp(-x)), lambda xp, x, y: y * (1 - y)),
    "tanh": (lambda xp, x: xp.tanh(x), lambda xp, x, y: 1 - y * y),
    "softrelu": (_softrelu, lambda xp, x, y: 1 - xp.exp(-y)),
    "softsign": (lambda xp, x: x / (1 + xp.abs(x)), lambda xp, x, y: 1 / (1 + xp.abs(x)) ** 2),
}


# MXNet 1.9.1's CPU build runs float32 relu, sigmoid and tanh of 1 to 5 axes in oneDNN, so
# do they here: its results are MXNet's to the bit, and its relu maps NaN to 0 (forward and
# gradient), where MXNet's own kernels for other dtypes and ranks pass NaN on
_ONEDNN_ACT = {"relu": _onednn.RELU, "tanh": _onednn.TANH, "sigmoid": _onednn.LOGISTIC}


def _onednn_act(xp, p, a):
    """oneDNN's algorithm for this activation of ``a``, or None where MXNet runs its own."""
    if xp is np and a.dtype == np.float32 and 1 <= a.ndim <= 5:
        return _ONEDNN_ACT.get(p.act_type)
    return None


def _onednn_writes(dx, y, g) -> bool:
    """Whether oneDNN may write the gradient straight into ``dx``: apart from the output
    ``y``, and apart from ``g`` or ``g`` itself (oneDNN works in place)."""
    return not np.may_share_memory(dx, y) and (
        not np.may_share_memory(dx, g) or dx.ctypes.data == g.ctypes.data
        and dx.shape == g.shape)


def _act_backward_onednn(alg, y, g, dx, fallback):
    """``run(is_train)``: the gradient into ``dx`` by oneDNN, else by ``fallback``; None
    where oneDNN may not write ``dx``."""
    if not _onednn_writes(dx, y, g):
        return None

    def run(is_train):
        if not _onednn.eltwise_backward(alg, y, g, dx):
            fallback(is_train)
    return run


def _tanh_sigmoid_backward(xp, act_type, y, g, dx):
    """``dx = g * (1 - y * y)`` (tanh) or ``g * (y * (1 - y))`` (sigmoid) built in ``dx``
    itself, the same roundings as the generic backward without its two temporaries; None
    (the generic path) when ``dx`` may overlap ``y`` or ``g``."""
    if xp.may_share_memory(dx, y) or xp.may_share_memory(dx, g) or y.shape != dx.shape \
            or g.shape != dx.shape or y.dtype != dx.dtype or g.dtype != dx.dtype:
        return None
    if act_type == "tanh":
        def run(is_train):
            xp.multiply(y, y, out=dx)
            xp.subtract(1, dx, out=dx)
            xp.multiply(g, dx, out=dx)
    else:
        def run(is_train):
            xp.subtract(1, y, out=dx)
            xp.multiply(y, dx, out=dx)
            xp.multiply(g, dx, out=dx)
    return run


@register
class Activation(OpDef):
    """Elementwise activation: relu, sigmoid, tanh, softrelu or softsign.

    >>> import symnb as mx
    >>> mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='relu1').list_outputs()
    ['relu1_output']
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "Activation"
    refused_dtypes = NOT_REAL
    family = "activation"
    monitor_named_inputs = False
    params = (Param("act_type", "{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required",
                    "Activation function to be applied."),)

    def label(self, p, attrs):
        return "Activation\n%s" % p.act_type

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def prepare_forward(self, p, ins, outs, rt):
        # relu: the zeros operand of the array form of maximum (fmax, where oneDNN's NaN to 0
        # applies) is made once, at bind
        if p.act_type != "relu":
            return None
        x, out = ins[0], outs[0]
        alg = _onednn_act(rt.xp, p, x)
        if alg is None:
            return prepared_relu(rt.xp, x, out)
        zeros = zeros_view(x)

        def run(is_train):
            if not _onednn.eltwise_forward(alg, x, out):
                relu_into(np, x, out, zeros, nan_to_zero=True)
        return run

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, out = rt.xp, ins[0], outs[0]
        alg = _onednn_act(xp, p, x)
        if alg is not None and _onednn.eltwise_forward(alg, x, out):
            return
        if p.act_type == "relu":
            # oneDNN's relu without it maps NaN to 0
            relu_into(xp, x, out, nan_to_zero=alg is not None)
        elif p.act_type == "tanh":
            xp.tanh(x, out=out)
        else:
            out[...] = _ACTIVATIONS[p.act_type][0](xp, x)

    def prepare_backward(self, p, ins, outs, ograds, igrads, reqs, rt):
        # relu in an executor: the mask buffer is allocated once, at bind
        if igrads[0] is None or reqs[0] != "write":
            return None
        xp, y, g, dx = rt.xp, outs[0], ograds[0], igrads[0]
        alg = _onednn_act(xp, p, y)
        numpy_run = self._prepared_numpy(p, ins, outs, ograds, igrads, reqs, rt)
        if alg is None:
            return numpy_run
        return _act_backward_onednn(alg, y, g, dx, numpy_run or (
            lambda is_train: self._backward_numpy(p, ins, outs, ograds, igrads, reqs, rt)))

    @staticmethod
    def _prepared_numpy(p, ins, outs, ograds, igrads, reqs, rt):
        xp, y, g, dx = rt.xp, outs[0], ograds[0], igrads[0]
        if p.act_type in ("tanh", "sigmoid"):
            return _tanh_sigmoid_backward(xp, p.act_type, y, g, dx)
        if p.act_type != "relu":
            return None
        # relu's derivative from y >= 0: MXNet's own kernels take sign(y), which passes a NaN
        # y on; oneDNN's (float32) take y > 0, half the time of sign here (NumPy 2.4, 256x512)
        # and the same values wherever y is not NaN
        derivative = xp.sign if _onednn_act(xp, p, y) is None else (
            lambda y, out: xp.greater(y, 0, out=out))
        if xp.shares_memory(g, dx):                 # the derivative into dx would overwrite g
            mask = xp.empty(y.shape, dtype=y.dtype)

            def run(is_train):
                derivative(y, out=mask)
                xp.multiply(g, mask, out=dx)
            return run

        def run(is_train):
            derivative(y, out=dx)
            xp.multiply(dx, g, out=dx)
        return run

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        alg = _onednn_act(rt.xp, p, outs[0]) if _onednn.LAYERS[0] else None
        if alg is not None:
            y, g, dx = outs[0], ograds[0], igrads[0]
            target = dx if reqs[0] == "write" and _onednn_writes(dx, y, g) \
                else np.empty_like(y)
            if _onednn.eltwise_backward(alg, y, g, target):
                if target is not dx:
                    assign(dx, target, reqs[0])
                return
        self._backward_numpy(p, ins, outs, ograds, igrads, reqs, rt)

    @staticmethod
    def _backward_numpy(p, ins, outs, ograds, igrads, reqs, rt):
        deriv = _ACTIVATIONS[p.act_type][1](rt.xp, ins[0], outs[0])
        if reqs[0] == "write":
            rt.xp.multiply(ograds[0], deriv, out=igrads[0])
        else:
            igrads[0] += ograds[0] * deriv


