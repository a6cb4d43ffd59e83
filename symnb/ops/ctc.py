"""Connectionist Temporal Classification: CTCLoss (aliases ctc_loss, _contrib_CTCLoss,
_contrib_ctc_loss).

MXNet computes the loss *and* its gradient in forward (Baidu's warp-ctc CPU kernel) and keeps
the gradient in a second, hidden output; the backward only scales it by the head gradient of
each sample: ``dx[t, b, :] = ograd[b] * grad[t, b, :]``. So CTCLoss is no loss head: an
executor's ``backward()`` needs a head gradient, as MXNet's does.

The forward-backward recursion runs in log space over the extended label sequence
``blank, l1, blank, l2, ..., blank``, vectorised over the batch and the states, with one loop
over time. warp-ctc prunes states that cannot reach the start or the end; they carry no
probability mass, so the full recursion here gives the same values. Its quirks kept:

* labels are cut at the first padding value (0 for ``blank_label='first'``, -1 for 'last')
  unless ``use_label_lengths``; values are truncated to int;
* a sample whose labels cannot fit (``L + repeats > T``) costs 0 and gets no gradient;
* with ``use_data_lengths`` steps at or past a sample's length get a zero gradient and are
  never read (they may hold NaN);
* data, data lengths and the outputs are float32 blobs (``real_t``): another data type
  passes inference but fails in the kernel with MXNet's TBlob text; label lengths must have
  the labels' type.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import fmt_shape, shape_assign
from .norm import _C_NAME
from .shape import type_assign_check

__all__ = []

_NEG_INF = -np.inf


def _dim(shape, i):
    """A dimension as MXNet prints it (unknown: -1)."""
    return shape[i] if shape[i] != 0 else -1


def _check(cond, text):
    if not cond:
        raise InferError("Check failed: " + text)


def _blob_check(array, wanted):
    """MXNet's ``TBlob::get<DType>`` type check (``Expected`` names the array's own type)."""
    if array.dtype != np.dtype(wanted):
        raise MXNetError("MXNetError: Check failed: mshadow: :DataType<DType>::kFlag == "
                         "type_flag_: TBlob.get_with_shape: data type do not match specified "
                         "type.Expected: %s v.s. given %s"
                         % (_c_name(array.dtype), _c_name(np.dtype(wanted))))


def _c_name(dtype):
    return {"float32": "float"}.get(dtype.name, _C_NAME.get(dtype.name, dtype.name))


def _logsumexp(xp, a, axis):
    """log(sum(exp(a))) along ``axis``, -inf where every term is -inf."""
    top = a.max(axis=axis, keepdims=True)
    safe = xp.where(xp.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return (xp.log(xp.exp(a - safe).sum(axis=axis, keepdims=True)) + safe).squeeze(axis)


def _shift(xp, a, k, fill):
    """``a`` moved ``k`` states along axis 1 (right for k > 0, left for k < 0), ``fill``
    entering; the shape stays (any number of states, one included)."""
    pad = xp.full((a.shape[0], abs(k)), fill, dtype=a.dtype)
    if k > 0:
        return xp.concatenate([pad, a], axis=1)[:, :a.shape[1]]
    return xp.concatenate([a, pad], axis=1)[:, -k:]


def _labels(p, xp, label, label_lengths):
    """Per-sample label sequences as a padded int matrix and their lengths."""
    batch, width = label.shape
    codes = label.astype(np.int64)
    if p.use_label_lengths:
        lengths = label_lengths.astype(np.int64)
        # MXNet copies ``length`` values from the flat label buffer at the sample's row
        flat = codes.reshape(-1)
        longest = int(lengths.max()) if batch else 0
        offsets = xp.arange(batch)[:, None] * width + xp.arange(max(longest, 1))[None, :]
        packed = flat[xp.minimum(offsets, flat.size - 1)]
    else:
        padding = 0 if p.blank_label == "first" else -1
        hit = codes == padding
        lengths = xp.where(hit.any(axis=1), hit.argmax(axis=1), width)
        packed = codes
    return packed, lengths


def ctc_cost_and_grad(xp, acts, labels, label_lengths, data_lengths, blank):
    """Costs ``(B,)`` and gradients ``(T, B, A)`` w.r.t. the activations (warp-ctc's CPU
    kernel), computed in float64. ``labels`` is an int matrix ``(B, >=max length)``.

    >>> import numpy as np
    >>> acts = np.zeros((2, 1, 3))
    >>> cost, grad = ctc_cost_and_grad(np, acts, np.array([[1]]), np.array([1]),
    ...                                np.array([2]), 0)
    >>> round(float(cost[0]), 4)      # -log(3 paths / 9)
    1.0986
    """
    steps, batch, alphabet = acts.shape
    data_lengths = xp.minimum(data_lengths, steps)
    x = acts.astype(np.float64)
    time = xp.arange(steps)[:, None]
    live = time < data_lengths[None, :]                              # (T, B)
    x = xp.where(live[..., None], x, 0.0)                            # never read NaN padding
    top = x.max(axis=2, keepdims=True)
    logp = x - top - xp.log(xp.exp(x - top).sum(axis=2, keepdims=True))
    longest = int(label_lengths.max()) if batch else 0
    states = 2 * longest + 1
    s_idx = xp.arange(states)
    # extended labels: blank at even states, the labels at odd ones
    lab_idx = xp.minimum((s_idx - 1) // 2, max(labels.shape[1] - 1, 0))
    ext = xp.where(s_idx % 2 == 0, blank, labels[:, lab_idx] if labels.shape[1] else blank)
    n_states = 2 * label_lengths + 1                                  # (B,)
    valid = s_idx[None, :] < n_states[:, None]                        # (B, S)
    ext = xp.where(valid, ext, blank)
    prev2 = _shift(xp, ext, 2, -1)
    skip_in = (ext != blank) & (s_idx[None, :] >= 2) & (ext != prev2)  # s-2 -> s allowed
    next2 = _shift(xp, ext, -2, -1)
    skip_out = (ext != blank) & (s_idx[None, :] + 2 < n_states[:, None]) & (ext != next2)
    rows = xp.arange(batch)[:, None]
    emit = logp[:, rows, ext]                                         # (T, B, S)
    emit = xp.where(valid[None], emit, _NEG_INF)

    alpha = xp.full((steps, batch, states), _NEG_INF)
    if steps:
        alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, steps):
        a = alpha[t - 1]
        from_prev = _shift(xp, a, 1, _NEG_INF)
        from_skip = xp.where(skip_in, _shift(xp, a, 2, _NEG_INF), _NEG_INF)
        step = _logsumexp(xp, xp.stack([a, from_prev, from_skip]), 0) + emit[t]
        alpha[t] = xp.where(live[t][:, None], step, a)
    last = xp.maximum(data_lengths - 1, 0)
    final = alpha[last, xp.arange(batch)]                             # (B, S)
    ends = (s_idx[None, :] == n_states[:, None] - 1) | (s_idx[None, :] == n_states[:, None] - 2)
    loglike = _logsumexp(xp, xp.where(ends & valid, final, _NEG_INF), 1)

    beta = xp.full((steps, batch, states), _NEG_INF)
    following = xp.full((batch, states), _NEG_INF)
    for t in range(steps - 1, -1, -1):
        start = xp.where(ends & valid, emit[t], _NEG_INF)
        to_next = _shift(xp, following, -1, _NEG_INF)
        to_skip = xp.where(skip_out, _shift(xp, following, -2, _NEG_INF), _NEG_INF)
        step = _logsumexp(xp, xp.stack([following, to_next, to_skip]), 0) + emit[t]
        here = xp.where((t == last)[:, None], start, xp.where((t < last)[:, None], step,
                                                               _NEG_INF))
        beta[t] = here
        following = here

    # posterior mass of each symbol: log-sum over the states that emit it
    both = alpha + beta                                               # (T, B, S)
    top = both.max(axis=2, keepdims=True)
    safe = xp.where(xp.isfinite(top), top, 0.0)
    onehot = (ext[:, :, None] == xp.arange(alphabet)[None, None, :]) & valid[:, :, None]
    mass = xp.einsum("tbs,bsa->tba", xp.exp(both - safe), onehot.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logmass = xp.log(mass) + safe
        prob = xp.exp(logp)
        # warp-ctc keeps the bare softmax where the mass is -inf or exactly 0 (float32)
        plain = ~xp.isfinite(logmass) | (logmass.astype(np.float32) == 0) | ~xp.isfinite(logp)
        grad = xp.where(plain, prob, prob - xp.exp(logmass - logp - loglike[None, :, None]))
    # warp-ctc's repeats: neighbouring equal labels, each needing a blank between them
    same = labels[:, 1:] == labels[:, :-1]
    inside = xp.arange(1, labels.shape[1])[None, :] < label_lengths[:, None]
    repeats = (same & inside).sum(axis=1)
    fits = label_lengths + repeats <= data_lengths
    grad = xp.where(live[..., None] & fits[None, :, None], grad, 0.0)
    cost = xp.where(fits, -loglike, 0.0)
    return cost, grad


@register
class CTCLoss(OpDef):
    """Connectionist Temporal Classification loss of ``data`` (``(T, B, alphabet)``
    activations, no softmax applied) against padded ``label`` (``(B, L)``): one loss per
    sample. The gradient is computed in forward and kept as a hidden output.

    >>> import symnb as mx
    >>> loss = mx.nd.ctc_loss(mx.nd.zeros((2, 1, 3)), mx.nd.array([[1]]))
    >>> loss.shape, round(float(loss.asscalar()), 4)
    ((1,), 1.0986)
    """

    name = "CTCLoss"
    aliases = ("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss")
    family = "loss"
    inputs = ("data", "label", "data_lengths", "label_lengths")
    roles = {"label": "label"}
    num_outputs_total_default = 2
    params = (
        Param("use_data_lengths", "boolean, optional, default=0",
              "Whether the data lenghts are decided by `data_lengths`. If false, the lengths "
              "are equal to the max sequence length."),
        Param("use_label_lengths", "boolean, optional, default=0",
              "Whether the label lenghts are decided by `label_lengths`, or derived from "
              "`padding_mask`. If false, the lengths are derived from the first occurrence of "
              "the value of `padding_mask`. The value of `padding_mask` is ``0`` when first "
              "CTC label is reserved for blank, and ``-1`` when last label is reserved for "
              "blank. See `blank_label`."),
        Param("blank_label", "{'first', 'last'},optional, default='first'",
              "Set the label that is reserved for blank label.If \"first\", 0-th label is "
              "reserved, and label values for tokens in the vocabulary are between ``1`` and "
              "``alphabet_size-1``, and the padding mask is ``-1``. If \"last\", last label "
              "value ``alphabet_size-1`` is reserved for blank label instead, and label "
              "values for tokens in the vocabulary are between ``0`` and ``alphabet_size-2``, "
              "and the padding mask is ``0``."),
    )

    def input_names(self, p):
        names = ["data", "label"]
        if p.use_data_lengths:
            names.append("data_lengths")
        if p.use_label_lengths:
            names.append("label_lengths")
        return tuple(names)

    def output_names(self, p):
        # MXNet registers its names under a misspelt key ("FListOutputNAmes"), so the
        # default numbered names apply
        return ("output0",)

    def hidden_output_names(self, p):
        return ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        data, label = ins[0], ins[1]
        dnd = -1 if data is None else len(data)
        lnd = -1 if label is None else len(label)
        _check(dnd == 3, "dshape.ndim() == 3U (%d vs. 3) : The number of dimensions of data "
               "array must be 3." % dnd)
        _check(lnd == 2, "lshape.ndim() == 2U (%d vs. 2) : The number of dimensions of labels "
               "array must be 2." % lnd)
        _check(_dim(data, 1) == _dim(label, 0), "dshape[1] == lshape[0] (%d vs. %d) : The batch "
               "size for the labels and data arrays must be the same."
               % (_dim(data, 1), _dim(label, 0)))
        pos = 2
        if p.use_data_lengths:
            self._check_lengths(ins[pos], _dim(data, 1), "dlshape", "dshape[1]",
                                "Data length array must be a vector.",
                                "The batch size for the data and data lengths must be the "
                                "same.")
            pos += 1
        if p.use_label_lengths:
            self._check_lengths(ins[pos], _dim(label, 0), "llshape", "lshape[0]",
                                "Label length array must be a vector.",
                                "The batch size for the labels and label lengths must be the "
                                "same.")
        _check(_dim(data, 0) >= _dim(label, 1), "dshape[0] >= lshape[1] (%d vs. %d) : The max "
               "number of labels cannot exceed the maximum sequence length of the data."
               % (_dim(data, 0), _dim(label, 1)))
        shape_assign(outs, 0, (data[1],), inferred_fmt=fmt_shape)
        shape_assign(outs, 1, data, inferred_fmt=fmt_shape)

    @staticmethod
    def _check_lengths(shape, batch, name, batch_name, ndim_text, batch_text):
        nd = -1 if shape is None else len(shape)
        _check(nd == 1, "%s.ndim() == 1U (%d vs. 1) : %s" % (name, nd, ndim_text))
        _check(_dim(shape, 0) == batch, "%s[0] == %s (%d vs. %d) : %s"
               % (name, batch_name, _dim(shape, 0), batch, batch_text))

    def infer_type(self, p, ins, outs):
        if ins[0] is None:
            raise InferError("Check failed: dtype != -1 (-1 vs. -1) : Input data must have "
                             "specified type")
        type_assign_check(outs, 0, ins[0])
        type_assign_check(outs, 1, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        data, label = ins[0], ins[1]
        _blob_check(data, np.float32)
        pos = 2
        steps, batch, alphabet = data.shape
        if p.use_data_lengths:
            _blob_check(ins[pos], np.float32)
            data_lengths = ins[pos].astype(np.int64)
            pos += 1
        else:
            data_lengths = xp.full((batch,), steps, dtype=np.int64)
        label_lengths = None
        if p.use_label_lengths:
            _blob_check(ins[pos], label.dtype)
            label_lengths = ins[pos]
        labels, lengths = _labels(p, xp, label, label_lengths)
        blank = 0 if p.blank_label == "first" else alphabet - 1
        cost, grad = ctc_cost_and_grad(xp, data, labels, lengths, data_lengths, blank)
        outs[0][...] = cost
        outs[1][...] = grad

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # the label and length gradients are never written (MXNet leaves them as they are)
        if igrads[0] is not None:
            scale = ograds[0].reshape(1, -1, 1)
            assign(igrads[0], scale * outs[1], reqs[0])
