"""Normalisation layers and Dropout: BatchNorm, InstanceNorm, LayerNorm, LRN, Dropout.

Each layer keeps what its backward needs in hidden outputs, as MXNet does (BatchNorm: batch
mean and invstd; InstanceNorm: mean and variance; LayerNorm: mean and std; LRN: the
normaliser; Dropout: the scaled mask). Numbers follow spec executor.md 6.1 and 6.2: scalar
parameters are float32 (``momentum=0.9`` is 0.89999997...), so results are bit-near MXNet's.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..base import MXNetError
from . import _onednn
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import NOT_REAL, _code, fmt_shape, legacy_float32_type, real_type_text, shape_assign
from .conv import _on_two_workers, _worker_halves

__all__ = ["BatchNorm", "InstanceNorm", "LayerNorm", "LRN", "Dropout"]


# the C type names MXNet's TBlob checks print
_C_NAME = {"float64": "double", "float16": "half_t", "uint8": "unsigned char", "int8": "char",
           "int32": "int", "int64": "long long", "bool": "bool"}


def _real_axis(axis: int, ndim: int) -> int:
    return axis + ndim if axis < 0 else axis


def _along(ndim: int, axis: int, size: int) -> tuple[int, ...]:
    """Shape that broadcasts a ``(size,)`` vector along ``axis`` of an ``ndim`` array."""
    shape = [1] * ndim
    shape[axis] = size
    return tuple(shape)


def _normalised_grad(dy, xhat, invstd_g, red):
    """``dx`` of ``y = xhat * g + b`` with ``xhat`` standardised over ``red`` (batch stats):
    ``g * invstd * (dy - mean(dy) - xhat * mean(dy * xhat))``."""
    return invstd_g * (dy - dy.mean(axis=red, keepdims=True)
                       - xhat * (dy * xhat).mean(axis=red, keepdims=True))


def _three(a, axis: int):
    """``a`` as a ``(before, channels, after)`` view around ``axis``, or None if that takes a
    copy (only C-contiguous arrays reshape into a view)."""
    if not a.flags.c_contiguous:
        return None
    before = 1
    for s in a.shape[:axis]:
        before *= s
    return a.reshape(before, a.shape[axis], -1)


def _channel_sum(a3):
    """Per-channel sum of a ``(before, C, after)`` array: pairwise along the contiguous axis."""
    return a3.sum(axis=2).sum(axis=0)


def _row_dots(xp, a3, b3):
    """``sum(a * b)`` along the last axis of two ``(before, C, after)`` arrays, shape
    ``(before, C)``, without their product in memory: one dot product per (row, channel), as
    batched vector GEMMs (summed over ``before`` they are the per-channel sums)."""
    return xp.matmul(a3[:, :, None, :], b3[:, :, :, None]).reshape(a3.shape[:2])


# NumPy BatchNorm works on a few channels at a time (every row of them, about this many bytes),
# so that after the first read the group is in the cache for the sums, the centring, the
# scale and the shift: each large array crosses memory once per call. A group's sums are the
# same computations as on the whole array, so the results are bit for bit those of one pass.
_GROUP_BYTES = 1 << 20
# rows shorter than this (channel axis last or nearly) are strided by channel: one group
# (split on two workers, rows down to _SPLIT_MIN_ROW_BYTES still paid)
_GROUP_MIN_ROW_BYTES = 1024
_SPLIT_MIN_ROW_BYTES = 128
# NumPy BatchNorm on at least this many bytes of data runs half its channel groups on conv.py's
# worker thread (ufuncs, reductions and BLAS release the GIL), BLAS at one thread meanwhile
_SPLIT_MIN_BYTES = 1 << 22


def _channel_groups(xp, shape3, itemsize, split=False):
    """Channel slices of a ``(before, C, after)`` array for :data:`_GROUP_BYTES` (at least two
    when ``split``): all channels at once on CuPy and for short rows.

    No group is a single channel of several: NumPy sums the ``(before, k)`` partial sums over
    ``before`` one row after another for ``k >= 2`` (as for all channels at once) but
    pairwise, in another order, for ``k == 1``.
    """
    before, c, after = shape3
    row = after * itemsize
    if xp is not np or c < 4 or row < (_SPLIT_MIN_ROW_BYTES if split else _GROUP_MIN_ROW_BYTES):
        return [slice(None)]
    k = max(2, _GROUP_BYTES // max(before * row, 1))
    if split:
        k = max(2, min(k, c // 2))
    starts = list(range(0, c, k))
    if c - starts[-1] == 1:
        starts.pop()
    return [slice(j, n) for j, n in zip(starts, starts[1:] + [c], strict=True)]


def _on_groups(xp, fn, a3, sums=True):
    """``fn(channel groups)`` of the ``(before, C, after)`` array ``a3``; for large NumPy data
    with a second CPU (the conditions of conv.py's split) where ``fn`` takes sums, ``fn``
    runs on each half of the groups at once on two workers (elementwise passes alone gained
    nothing split). Each group's results are computed alone, so the split changes no bit."""
    split = False
    if sums and xp is np and a3.nbytes >= _SPLIT_MIN_BYTES and a3.shape[1] >= 2:
        split = _worker_halves(2) is not None
    groups = _channel_groups(xp, a3.shape, a3.itemsize, split)
    if split and len(groups) >= 2:
        half = len(groups) // 2
        _on_two_workers(fn, (groups[:half], groups[half:]))
    else:
        fn(groups)


class _Scratch:
    """One reusable temporary of a channel group's shape (only the last group may differ)."""

    def __init__(self, xp, dtype):
        self.xp, self.dtype, self.buf = xp, dtype, None

    def like(self, a):
        if self.buf is None or self.buf.shape != a.shape:
            self.buf = self.xp.empty(a.shape, dtype=self.dtype)
        return self.buf


# ----------------------------------------------------------------------------- BatchNorm
@register
class BatchNorm(OpDef):
    """Batch normalisation over every axis but ``axis`` (spec executor.md 6.1).

    Training: ``y = (x - mean) / sqrt(var + eps) * gamma + beta`` with batch statistics;
    inference (or ``use_global_stats``) uses ``moving_mean``/``moving_var``. As in MXNet the
    moving statistics are updated by the **backward** (``is_train=True``), and ``fix_gamma``
    (the default) makes the forward write 1 into gamma and the backward write a 0 gradient.

    >>> import symnb as mx
    >>> bn = mx.sym.BatchNorm(mx.sym.var('data'), name='bn')
    >>> bn.infer_shape(data=(2, 3, 4, 4))
    ([(2, 3, 4, 4), (3,), (3,)], [(2, 3, 4, 4)], [(3,), (3,)])
    >>> bn.list_auxiliary_states()
    ['bn_moving_mean', 'bn_moving_var']
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "BatchNorm"
    inputs = ("data", "gamma", "beta", "moving_mean", "moving_var")
    mutates = ("moving_mean", "moving_var")
    roles = {"gamma": "weight", "beta": "bias"}
    var_attrs_on_compose = {"moving_mean": {"__init__": '["zero", {}]'},
                            "moving_var": {"__init__": '["one", {}]'}}
    num_outputs_total_default = 3
    family = "norm"
    mkldnn_float32 = True       # whether MXNet runs float32 through MKLDNN (gamma grad quirk)
    params = (
        Param("eps", "double, optional, default=0.0010000000474974513",
              "Epsilon to prevent div 0. Must be no less than CUDNN_BN_MIN_EPSILON defined in "
              "cudnn.h when using cudnn (usually 1e-5)"),
        Param("momentum", "float, optional, default=0.899999976",
              "Momentum for moving average"),
        Param("fix_gamma", "boolean, optional, default=1", "Fix gamma while training"),
        Param("use_global_stats", "boolean, optional, default=0",
              "Whether use global moving statistics instead of local batch-norm. This will "
              "force change batch-norm into a scale shift operator."),
        Param("output_mean_var", "boolean, optional, default=0",
              "Output the mean and inverse std "),
        Param("axis", "int, optional, default='1'",
              "Specify which shape axis the channel is specified"),
        Param("cudnn_off", "boolean, optional, default=0",
              "Do not select CUDNN operator, if available"),
        Param("min_calib_range", "float or None, optional, default=None",
              "The minimum scalar value in the form of float32 obtained through calibration. "
              "If present, it will be used to by quantized batch norm op to calculate "
              "primitive scale.Note: this calib_range is to calib bn output."),
        Param("max_calib_range", "float or None, optional, default=None",
              "The maximum scalar value in the form of float32 obtained through calibration. "
              "If present, it will be used to by quantized batch norm op to calculate "
              "primitive scale.Note: this calib_range is to calib bn output."),
    )

    def output_names(self, p):
        return ("output", "mean", "var") if p.output_mean_var else ("output",)

    def hidden_output_names(self, p):
        return ("output", "mean", "var")

    def forward_writes_inputs(self, p) -> tuple[int, ...]:
        """Inputs the forward overwrites in place: gamma (index 1) when ``fix_gamma``.

        MXNet does this only when the node's backward is part of the executor (spec 6.1);
        deciding that is the executor's job: where the write must not be seen it passes a
        scratch copy of gamma. The output always uses gamma = 1, whatever the array holds.
        """
        return (1,) if p.fix_gamma else ()

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        axis = _real_axis(p.axis, len(data))
        if not 0 <= axis < len(data):
            # MXNet's axis is a size_t: a negative one wraps around before the check
            raise InferError("Check failed: channelAxis < dshape.ndim() (%d vs. %d) : Channel "
                             "axis out of range: %d" % (axis % 2**64, len(data), p.axis))
        channels = (data[axis],)
        # MXNet assigns these without checking a user-given value (spec symbol.md 5.1)
        ins[1] = ins[2] = ins[3] = ins[4] = channels
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)
        outs[1] = outs[2] = channels

    def infer_type(self, p, ins, outs):
        dtype = ins[0]
        if dtype is None:
            if outs[0] is None:
                return
            dtype = ins[0] = outs[0]
        else:
            outs[0] = dtype
        if dtype.kind != "f":
            raise InferError(real_type_text(dtype))
        # float16 data keeps gamma/beta/statistics in float32 (MXNet's AccReal)
        param_dtype = np.dtype(np.float32) if dtype == np.float16 else dtype
        outs[1] = outs[2] = param_dtype
        for i, what in enumerate(("gamma", "beta", "mean", "var"), start=1):
            if ins[i] is None:
                ins[i] = param_dtype
            elif ins[i] != param_dtype:
                raise InferError(
                    "Check failed: (*in_type)[i] == dtype_param (%d vs. %d) : This layer "
                    "requires uniform type. Expected '%s' v.s. given '%s' at '%s'"
                    % (_code(ins[i]), _code(param_dtype), param_dtype.name, ins[i].name, what))

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        x, gamma, beta, moving_mean, moving_var = ins
        axis = _real_axis(p.axis, x.ndim)
        acc = outs[1].dtype
        if p.fix_gamma:
            gamma[...] = 1
        train = is_train and not p.use_global_stats
        if xp is np and axis == 1 and _onednn.LAYERS[0] and self._forward_onednn(
                p, ins, outs, train, is_train):
            return
        x3, out3 = _three(x, axis), _three(outs[0], axis)
        if x3 is None or out3 is None or x.dtype != acc:
            return self._forward_copies(p, ins, outs, is_train, rt)
        # the same arithmetic in fewer passes, a group of channels at a time: the centred data
        # goes straight into the output (no temporaries: the variance is a per-channel dot
        # product), then scale and shift run in place
        count = acc.type(x3.shape[0] * x3.shape[2])

        def run(groups):
            for g in groups:
                xg, og = x3[:, g], out3[:, g]
                if train:
                    mean = _channel_sum(xg) / count
                    xp.subtract(xg, mean[:, None], out=og)
                    var = _row_dots(xp, og, og).sum(axis=0) / count
                else:
                    mean, var = moving_mean[g], moving_var[g]
                    xp.subtract(xg, mean[:, None], out=og)
                outs[1][g] = mean
                outs[2][g] = 1.0 / xp.sqrt(var.astype(np.float64) + p.eps)
                scale = outs[2][g] if p.fix_gamma else outs[2][g] * gamma[g]
                og *= scale[:, None]
                og += beta[g, None]
        _on_groups(xp, run, x3, train)

    @staticmethod
    def _forward_onednn(p, ins, outs, train, is_train):
        """The forward by oneDNN (float32, channels on axis 1); False, with nothing written,
        where oneDNN does not apply. oneDNN gives the variance: invstd is formed from it in
        float64, as the NumPy kernels do."""
        x, gamma, beta, moving_mean, moving_var = ins
        if train:
            mean, var = outs[1], np.empty_like(outs[2])
        else:
            mean, var = moving_mean, moving_var
        if not _onednn.batch_norm_forward(x, gamma, beta, mean, var, outs[0], p.eps, train,
                                          is_train):
            return False
        if not train:
            outs[1][...] = moving_mean
        outs[2][...] = 1.0 / np.sqrt(var.astype(np.float64) + p.eps)
        return True

    def _forward_copies(self, p, ins, outs, is_train, rt):
        """The forward on any layout or dtype (float16 data computes in float32)."""
        xp = rt.xp
        x, gamma, beta, moving_mean, moving_var = ins
        axis = _real_axis(p.axis, x.ndim)
        red = tuple(i for i in range(x.ndim) if i != axis)
        along = _along(x.ndim, axis, x.shape[axis])
        xa = x.astype(outs[1].dtype, copy=False)
        if is_train and not p.use_global_stats:
            mean = xa.mean(axis=red)
            var = ((xa - mean.reshape(along)) ** 2).mean(axis=red)   # biased
        else:
            mean, var = moving_mean, moving_var
        invstd = 1.0 / xp.sqrt(var.astype(np.float64) + p.eps)
        # hidden outputs: batch mean and invstd (not the variance), moving stats in inference
        outs[1][...] = mean
        outs[2][...] = invstd
        scale = outs[2] if p.fix_gamma else outs[2] * gamma
        outs[0][...] = (xa - outs[1].reshape(along)) * scale.reshape(along) \
            + beta.reshape(along)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        x, gamma, beta, moving_mean, moving_var = ins
        axis = _real_axis(p.axis, x.ndim)
        acc = outs[1].dtype
        batch_stats = is_train and not p.use_global_stats
        if batch_stats:
            mean, invstd = outs[1], outs[2]
            # MXNet recovers the variance from the saved invstd (INVSTD_TO_VARIANCE) and
            # updates the moving statistics here, in backward, with float32 momentum.
            var = (1.0 / (invstd.astype(np.float64) ** 2) - p.eps).astype(acc)
            momentum = p.momentum
            moving_mean[...] = moving_mean * momentum + mean * (1 - momentum)
            moving_var[...] = moving_var * momentum + var * (1 - momentum)
        else:
            mean = moving_mean
            invstd = (1.0 / xp.sqrt(moving_var.astype(np.float64) + p.eps)).astype(acc)
        dy = ograds[0]
        if dy is None:
            dy = xp.zeros(x.shape, dtype=acc)
        dy = dy.astype(acc, copy=False)
        if xp is np and axis == 1 and _onednn.LAYERS[0] and self._backward_onednn(
                p, x, gamma, mean, var if batch_stats else moving_var, dy, igrads, reqs,
                batch_stats):
            return
        x3, dy3 = _three(x, axis), _three(dy, axis)
        if x3 is None or dy3 is None or x.dtype != acc:
            return self._backward_copies(p, ins, mean, invstd, dy, igrads, reqs, batch_stats,
                                         rt)
        # a group of channels at a time (in the cache after the first read): the per-channel
        # sums of dy and of dy * (x - mean), the centred data kept in dx's buffer when dx is
        # written, then dx = k1 * dy - (k2 * (x - mean) + k3) built in place
        c, count = x3.shape[1], acc.type(x3.shape[0] * x3.shape[2])
        want_dx = igrads[0] is not None
        need_dxmu = want_dx and batch_stats or igrads[1] is not None and not p.fix_gamma
        need_dy = igrads[2] is not None or want_dx and batch_stats
        keep_xmu = want_dx and batch_stats       # the centred data waits in dx's buffer
        dx = dx3 = None
        if want_dx:
            dx = igrads[0]
            if not (reqs[0] == "write" and dx.shape == x.shape and dx.dtype == acc
                    and dx.flags.c_contiguous and not xp.may_share_memory(dx, x)
                    and not xp.may_share_memory(dx, dy)):
                dx = xp.empty(x.shape, dtype=acc)
            dx3 = dx.reshape(x3.shape)
        sum_dy = xp.empty(c, dtype=acc) if need_dy else None
        sum_dxmu = xp.empty(c, dtype=acc) if need_dxmu else None
        invstd_g = invstd if p.fix_gamma else invstd * gamma

        def run(groups):
            scratch = _Scratch(xp, acc)
            for g in groups:
                dg = dy3[:, g]
                if need_dy:
                    sum_dy[g] = _channel_sum(dg)
                if need_dxmu:
                    xg = x3[:, g]
                    xmu = dx3[:, g] if keep_xmu else scratch.like(xg)
                    xp.subtract(xg, mean[g, None], out=xmu)
                    sum_dxmu[g] = _row_dots(xp, dg, xmu).sum(axis=0)
                if not want_dx:
                    continue
                k1 = invstd_g[g, None]
                if batch_stats:
                    # xhat = xmu * invstd: mean(dy * xhat) = sum_dxmu * invstd / count
                    xmu *= invstd_g[g, None] * invstd[g, None] * (
                        sum_dxmu[g, None] * invstd[g, None] / count)
                    xmu += invstd_g[g, None] * (sum_dy[g, None] / count)
                    xp.subtract(xp.multiply(dg, k1, out=scratch.like(dg)), xmu, out=xmu)
                else:
                    xp.multiply(dg, k1, out=dx3[:, g])
        _on_groups(xp, run, x3, need_dy or need_dxmu)
        if want_dx and dx is not igrads[0]:
            assign(igrads[0], dx, reqs[0])
        self._param_grads(p, x, igrads, reqs, sum_dxmu, invstd, sum_dy)

    def _backward_onednn(self, p, x, gamma, mean, var, dy, igrads, reqs, batch_stats):
        """The gradients by oneDNN (float32, channels on axis 1), dx through a scratch array
        unless written straight; False, with nothing written, where oneDNN does not apply.
        With batch statistics oneDNN reads the variance recovered from invstd, as MXNet's
        moving-statistics update does."""
        dx = igrads[0]
        if dx is None or reqs[0] != "write" or not dx.flags.c_contiguous \
                or np.may_share_memory(dx, x) or np.may_share_memory(dx, dy):
            dx = np.empty_like(x)
        # fix_gamma: gamma holds 1 (the forward wrote it, or it is the scratch copy)
        scale = np.ones_like(mean) if p.fix_gamma else gamma
        dscale, dshift = np.empty_like(mean), np.empty_like(mean)
        if not _onednn.batch_norm_backward(x, scale, mean, var, dy, dx, dscale, dshift, p.eps,
                                           batch_stats):
            return False
        if igrads[0] is not None and dx is not igrads[0]:
            assign(igrads[0], dx, reqs[0])
        self._param_grads(p, x, igrads, reqs, None, None, dshift, dgamma=dscale)
        return True

    def _param_grads(self, p, x, igrads, reqs, sum_dxmu, invstd, sum_dy, dgamma=None):
        if igrads[1] is not None:
            if p.fix_gamma:
                # float32 runs MKLDNN, which zeroes it for 'add' too (spec 6.1); other dtypes
                # run the native kernel, which writes the 0 only for 'write'
                if reqs[1] == "write" or (x.dtype == np.float32 and self.mkldnn_float32):
                    igrads[1][...] = 0
            else:
                assign(igrads[1], sum_dxmu * invstd if dgamma is None else dgamma, reqs[1])
        if igrads[2] is not None:
            assign(igrads[2], sum_dy, reqs[2])

    def _backward_copies(self, p, ins, mean, invstd, dy, igrads, reqs, batch_stats, rt):
        """The backward on any layout or dtype (float16 data computes in float32)."""
        x, gamma = ins[0], ins[1]
        axis = _real_axis(p.axis, x.ndim)
        red = tuple(i for i in range(x.ndim) if i != axis)
        along = _along(x.ndim, axis, x.shape[axis])
        xmu = x.astype(dy.dtype, copy=False) - mean.reshape(along)
        invstd_b = invstd.reshape(along)
        invstd_g = invstd_b if p.fix_gamma else invstd_b * gamma.reshape(along)
        if igrads[0] is not None:
            if batch_stats:
                dx = _normalised_grad(dy, xmu * invstd_b, invstd_g, red)
            else:
                dx = dy * invstd_g
            assign(igrads[0], dx.astype(x.dtype, copy=False), reqs[0])
        sum_dxmu = (dy * xmu).sum(axis=red) if igrads[1] is not None else None
        self._param_grads(p, x, igrads, reqs, sum_dxmu, invstd,
                          dy.sum(axis=red) if igrads[2] is not None else None)


# ----------------------------------------------------------------------------- InstanceNorm
@register
class InstanceNorm(OpDef):
    """Instance normalisation: per sample and channel over the spatial axes.

    ``y = (x - mean) / sqrt(var + eps) * gamma[c] + beta[c]`` with data ``(N, C, ...)``.

    >>> import symnb as mx
    >>> inorm = mx.sym.InstanceNorm(mx.sym.var('data'), name='in')
    >>> inorm.infer_shape(data=(2, 3, 4))
    ([(2, 3, 4), (3,), (3,)], [(2, 3, 4)], [])
    """

    name = "InstanceNorm"
    inputs = ("data", "gamma", "beta")
    roles = {"gamma": "weight", "beta": "bias"}
    num_outputs_total_default = 3
    family = "norm"
    params = (Param("eps", "float, optional, default=0.00100000005",
                    "An `epsilon` parameter to prevent division by 0."),)

    def hidden_output_names(self, p):
        return ("output", "mean", "var")

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            # MXNet reads dshape[1] of the unknown (ndim -1) data shape before any check
            raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                             "[0, -1)")
        if len(data) < 2:
            # MXNet's layer reads dshape[1] unchecked; its kernel refuses rank < 3 later
            raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                             "[0, %d)" % len(data))
        ins[1] = ins[2] = (data[1],)
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)
        outs[1] = outs[2] = (data[0], data[1])

    # MXNet 1.9.1 runs it in float32 only (tests of the float64 math switch this off)
    float32_only: ClassVar[bool] = True

    def infer_type(self, p, ins, outs):
        if not self.float32_only:
            return super().infer_type(p, ins, outs)
        legacy_float32_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        x, gamma, beta = ins
        if x.ndim < 3:
            raise MXNetError("MXNetError: Check failed: in_data[instance_norm::kData].ndim() >= 3 "
                             "(%d vs. 3) : InstanceNorm only supports input tensors of rank >= 3."
                             % x.ndim)
        xp = rt.xp
        n, c = x.shape[:2]
        x3 = x.reshape(n, c, -1)
        # NumPy's means step by step; the centred data is computed once and scaled in place
        mean = _mean_keep(xp, x3, 2)
        xmu = xp.subtract(x3, mean)
        var = _mean_keep(xp, xp.multiply(xmu, xmu), 2)
        outs[1][...] = mean[..., 0]
        outs[2][...] = var[..., 0]
        invstd = 1 / xp.sqrt(var + p.eps)
        xmu *= invstd * gamma[:, None]
        xmu += beta[:, None]
        outs[0][...] = xmu.reshape(x.shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x, gamma, beta = ins
        n, c = x.shape[:2]
        x3 = x.reshape(n, c, -1)
        dy = ograds[0].reshape(n, c, -1)
        invstd = (1 / rt.xp.sqrt(outs[2] + p.eps))[..., None]
        xhat = (x3 - outs[1][..., None]) * invstd
        if igrads[0] is not None:
            dx = _normalised_grad(dy, xhat, invstd * gamma[:, None], (2,))
            assign(igrads[0], dx.reshape(x.shape), reqs[0])
        assign(igrads[1], (dy * xhat).sum(axis=(0, 2)), reqs[1])
        assign(igrads[2], dy.sum(axis=(0, 2)), reqs[2])


# ----------------------------------------------------------------------------- LayerNorm
@register
class LayerNorm(OpDef):
    """Layer normalisation along ``axis`` (default the last).

    ``y = (x - mean) / std * gamma + beta`` with ``std = sqrt(var + eps)``; the hidden (or,
    with ``output_mean_var``, visible) outputs are the mean and std, with ``axis`` kept as 1.

    >>> import symnb as mx
    >>> ln = mx.sym.LayerNorm(mx.sym.var('data'), name='ln', output_mean_var=True)
    >>> ln.list_outputs()
    ['ln_output', 'ln_mean', 'ln_std']
    >>> ln.infer_shape(data=(2, 3))[1]
    [(2, 3), (2, 1), (2, 1)]
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "LayerNorm"
    refused_dtypes = NOT_REAL
    inputs = ("data", "gamma", "beta")
    roles = {"gamma": "weight", "beta": "bias"}
    num_outputs_total_default = 3
    family = "norm"
    params = (
        Param("axis", "int, optional, default='-1'",
              "The axis to perform layer normalization. Usually, this should be be axis of the "
              "channel dimension. Negative values means indexing from right to left."),
        Param("eps", "float, optional, default=9.99999975e-06",
              "An `epsilon` parameter to prevent division by 0."),
        Param("output_mean_var", "boolean, optional, default=0",
              "Output the mean and std calculated along the given axis."),
    )

    def output_names(self, p):
        return ("output", "mean", "std") if p.output_mean_var else ("output",)

    def hidden_output_names(self, p):
        return ("output", "mean", "std")

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        axis = _real_axis(p.axis, len(data))
        if not 0 <= axis < len(data):
            raise InferError("Check failed: axis >= 0 && axis < dshape.ndim(): Channel axis "
                             "out of range: axis=%d" % p.axis)
        shape_assign(ins, 1, (data[axis],), inferred_fmt=fmt_shape)
        shape_assign(ins, 2, (data[axis],), inferred_fmt=fmt_shape)
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)
        moments = tuple(1 if i == axis else d for i, d in enumerate(data))
        outs[1] = outs[2] = moments

    def forward(self, p, ins, outs, is_train, rt):
        # NumPy's mean, step by step, with the centred data written straight into the
        # output and the rest in place: the same rounding, no temporaries but the square
        xp = rt.xp
        x, gamma, beta = ins
        axis = _real_axis(p.axis, x.ndim)
        along = _along(x.ndim, axis, x.shape[axis])
        out = outs[0]
        mean = _mean_keep(xp, x, axis)
        xp.subtract(x, mean, out=out)
        std = xp.sqrt(_mean_keep(xp, xp.multiply(out, out), axis) + p.eps)
        outs[1][...] = mean
        outs[2][...] = std
        out /= std
        out *= gamma.reshape(along)
        out += beta.reshape(along)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        x, gamma, beta = ins
        axis = _real_axis(p.axis, x.ndim)
        along = _along(x.ndim, axis, x.shape[axis])
        others = tuple(i for i in range(x.ndim) if i != axis)
        dy = ograds[0]
        invstd = 1 / outs[2]
        xhat = xp.subtract(x, outs[1])
        xhat *= invstd
        # gamma/beta gradients sum over every row: NumPy adds a strided axis one element at a
        # time, so float32 drifts ~10x further than MXNet's reduce (MXNet test_layer_norm on
        # (4096, 512)); accumulate in float64 and round once
        acc = np.promote_types(x.dtype, np.float64)
        prod = xp.multiply(dy, xhat) if igrads[1] is not None else None
        if igrads[1] is not None:
            assign(igrads[1], prod.sum(axis=others, dtype=acc).astype(x.dtype), reqs[1])
        if igrads[2] is not None:
            assign(igrads[2], dy.sum(axis=others, dtype=acc).astype(x.dtype), reqs[2])
        if igrads[0] is not None:
            # invstd * (w - mean(w) - xhat * mean(w * xhat)) with w = dy * gamma, in place
            w = xp.multiply(dy, gamma.reshape(along))
            prod = xp.multiply(w, xhat, out=prod)
            m2 = _mean_keep(xp, prod, axis)
            w -= _mean_keep(xp, w, axis)
            w -= xp.multiply(xhat, m2, out=prod)
            w *= invstd
            assign(igrads[0], w, reqs[0])


def _mean_keep(xp, a, axis):
    """``a.mean(axis, keepdims=True)`` as NumPy computes it (float16 sums in float32), with
    less per-call overhead (also on CuPy)."""
    acc = np.float32 if a.dtype == np.float16 else None
    total = a.sum(axis=axis, dtype=acc, keepdims=True)
    total /= a.shape[axis]
    return total.astype(a.dtype, copy=False)


# ----------------------------------------------------------------------------- LRN
def _channel_window_sum(xp, a, half):
    """Sum over channels ``c-half .. c+half`` (clipped at the edges), axis 1: mshadow chpool."""
    out = xp.zeros_like(a)
    channels = a.shape[1]
    for d in range(-half, half + 1):
        lo, hi = max(0, -d), min(channels, channels - d)
        if lo < hi:
            out[:, lo:hi] += a[:, lo + d:hi + d]
    return out


@register
class LRN(OpDef):
    """Local response normalisation across channels (axis 1).

    ``norm = knorm + alpha / nsize * sum(x^2 over nsize neighbouring channels)``,
    ``y = x * norm^-beta``; ``norm`` is a hidden second output.

    >>> import symnb as mx
    >>> lrn = mx.sym.LRN(mx.sym.var('data'), nsize=3, name='lrn')
    >>> lrn.infer_shape(data=(1, 3, 4, 4))[1]
    [(1, 3, 4, 4)]
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "LRN"
    num_outputs_total_default = 2
    family = "norm"
    params = (
        Param("alpha", "float, optional, default=9.99999975e-05",
              "The variance scaling parameter :math:`\alpha` in the LRN expression."),
        Param("beta", "float, optional, default=0.75",
              "The power parameter :math:`\beta` in the LRN expression."),
        Param("knorm", "float, optional, default=2",
              "The parameter :math:`k` in the LRN expression."),
        Param("nsize", "int (non-negative), required",
              "normalization window width in elements."),
    )

    def hidden_output_names(self, p):
        return ("output", "tmp_norm")

    def label(self, p, attrs):
        return "LRN\nnsize=%d" % p.nsize

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        shape_assign(outs, 0, ins[0], inferred_fmt=fmt_shape)
        outs[1] = tuple(ins[0])

    # MXNet 1.9.1 runs it in float32 only (tests of the float64 math switch this off)
    float32_only: ClassVar[bool] = True

    def _salpha(self, p):
        return np.float32(p.alpha) / np.float32(p.nsize)   # MXNet's real_t arithmetic

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        if x.dtype != np.float32 and self.float32_only:
            # MXNet's type rule lets any dtype through but the kernel reads float32 blobs
            # (oneDNN runs float32 of any rank; the kernel first views the data as 4-D)
            if x.ndim != 4:
                raise MXNetError("MXNetError: Check failed: dim == ndim() (4 vs. %d) : dimension "
                                 "do not match target dimension 4 vs %d" % (x.ndim, x.ndim))
            raise MXNetError("MXNetError: Check failed: mshadow: :DataType<DType>::kFlag == "
                             "type_flag_: TBlob.get_with_shape: data type do not match "
                             "specified type.Expected: %s v.s. given float" % _C_NAME[x.dtype.name])
        norm = _channel_window_sum(rt.xp, x * x, p.nsize // 2) * x.dtype.type(self._salpha(p)) \
            + x.dtype.type(p.knorm)
        outs[1][...] = norm
        outs[0][...] = x * norm ** -x.dtype.type(p.beta)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x, norm, dy = ins[0], outs[1], ograds[0]
        beta = x.dtype.type(p.beta)
        coef = x.dtype.type(np.float32(-2.0) * np.float32(p.beta) * self._salpha(p))
        # the channel window is symmetric, so the window sum is its own adjoint
        dx = dy * norm ** -beta + coef * _channel_window_sum(
            rt.xp, dy * x * norm ** (-beta - 1), p.nsize // 2) * x
        assign(igrads[0], dx, reqs[0])


# ----------------------------------------------------------------------------- Dropout
@register
class Dropout(OpDef):
    """Dropout: in training keep each element with probability ``1-p``, scaled by ``1/(1-p)``.

    Inference is the identity unless ``mode='always'``; ``axes`` share one mask value along
    the listed axes. The hidden second output holds the scaled mask (0 or ``1/(1-p)``) that
    the backward applies (spec executor.md 6.2).

    >>> import symnb as mx
    >>> drop = mx.sym.Dropout(mx.sym.var('data'), p=0.2, name='drop')
    >>> drop.list_outputs(), drop.infer_shape(data=(2, 3))[1]
    (['drop_output'], [(2, 3)])
    """

    type_required = "input type to dropout is not specified."

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "Dropout"
    num_outputs_total_default = 2
    family = "norm"
    params = (
        Param("p", "float, optional, default=0.5",
              "Fraction of the input that gets dropped out during training time.",
              lower=0, upper=1),
        Param("mode", "{'always', 'training'},optional, default='training'",
              "Whether to only turn on dropout during training or to also turn on for "
              "inference."),
        Param("axes", "Shape(tuple), optional, default=[]",
              "Axes for variational dropout kernel."),
        Param("cudnn_off", "boolean or None, optional, default=0",
              "Whether to turn off cudnn in dropout operator. This option is ignored if axes "
              "is specified."),
    )

    def hidden_output_names(self, p):
        return ("output", "mask")

    def label(self, p, attrs):
        return "Dropout\np=%s" % attrs.get("p", "0.5")

    def _mask_shape(self, p, shape):
        mask = list(shape)
        for a in p.axes or ():
            mask[_real_axis(a, len(shape))] = 1
        return tuple(mask)

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        shape_assign(outs, 0, ins[0], inferred_fmt=fmt_shape)
        outs[1] = self._mask_shape(p, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        x, mask = ins[0], outs[1]
        if not (is_train or p.mode == "always"):
            mask[...] = 1              # so that a backward after inference is the identity
            outs[0][...] = x
            return
        keep = np.float32(1) - np.float32(p.p)
        with np.errstate(divide="ignore"):
            scale = np.float32(1) / keep          # MXNet: 1.0f / pkeep, float32
        draws = rt.random_uniform(0.0, 1.0, mask.shape, np.float32)
        with np.errstate(invalid="ignore"):       # p=1: 0 * inf = NaN, as in MXNet
            mask[...] = (draws < keep) * mask.dtype.type(scale)
        outs[0][...] = x * mask

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0] * outs[1], reqs[0])
