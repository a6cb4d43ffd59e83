"""Variable-length sequences: SequenceMask, SequenceLast, SequenceReverse.

``data`` holds the time steps along ``axis`` (0: ``(T, B, ...)``, 1: ``(B, T, ...)``); with
``use_sequence_length`` a second input ``sequence_length`` of shape ``(B,)`` gives each
sequence's length, otherwise every sequence has all ``T`` steps. The lengths' gradient
buffer is left as it is, as MXNet does.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import OpDef, assign, register
from .shape import check, sassign, type_assign_check

__all__ = []

_USE = Param("use_sequence_length", "boolean, optional, default=0",
             "If set to true, this layer takes in an extra input parameter `sequence_length` "
             "to specify variable length sequence")


def _axis_param(doc):
    return Param("axis", "int, optional, default='0'", doc)


class _Sequence(OpDef):
    family = "shape"
    inputs = ("data", "sequence_length")

    def input_names(self, p):
        return self.inputs if p.use_sequence_length else ("data",)

    def infer_type(self, p, ins, outs):
        # the lengths keep their own type (MXNet accepts integer lengths)
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])
        if len(ins) > 1 and ins[1] is None:
            ins[1] = ins[0]

    def _batch_axis(self, p):
        return 1 - p.axis

    def _check(self, p, ins):
        data = ins[0]
        if data is None:
            # MXNet's rule reads the batch size from the unknown shape (ndim -1)
            check(False, "i >= 0 && i < ndim(): index = %d must be in range [0, -1)"
                  % self._batch_axis(p))
        check(len(data) > 1, "dshape.ndim() > 1U (%d vs. 1) : The data array must be of rank "
              "2 or greater." % len(data))
        if p.use_sequence_length:
            sassign(ins, 1, (data[self._batch_axis(p)],))
        return data

    def _lengths(self, p, rt, ins, x):
        """Per-batch lengths as ints (all T without ``use_sequence_length``)."""
        t, b = x.shape[p.axis], x.shape[self._batch_axis(p)]
        if not p.use_sequence_length:
            return rt.xp.full((b,), t, dtype=np.int64)
        return ins[1].astype(np.int64)

    def _time_major(self, p, xp, x):
        return x if p.axis == 0 else xp.swapaxes(x, 0, 1)

    def _zero_lengths(self, igrads, reqs):
        """MXNet never writes the lengths' gradient buffer (it keeps what it held)."""


@register
class SequenceMask(_Sequence):
    """``value`` at every step at or past each sequence's length.

    >>> import symnb as mx
    >>> x = mx.nd.ones((3, 2))
    >>> mx.nd.SequenceMask(x, mx.nd.array([1, 3]), use_sequence_length=True).asnumpy()
    array([[1., 1.],
           [0., 1.],
           [0., 1.]], dtype=float32)
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "SequenceMask"
    params = (_USE, Param("value", "float, optional, default=0", "The value to be used as "
                          "a mask."),
              _axis_param("The sequence axis. Only values of 0 and 1 are currently "
                          "supported."))

    def infer_shape(self, p, ins, outs):
        data = self._check(p, ins)
        if data is not None:
            sassign(outs, 0, data)

    def _mask(self, p, rt, ins, x):
        xp = rt.xp
        lengths = self._lengths(p, rt, ins, x)
        steps = xp.arange(x.shape[p.axis])
        keep = steps[:, None] < lengths[None, :]          # (T, B)
        if p.axis == 1:
            keep = keep.T
        return keep.reshape(keep.shape + (1,) * (x.ndim - 2))

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = rt.xp.where(self._mask(p, rt, ins, x), x, x.dtype.type(p.value))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        self._zero_lengths(igrads, reqs)
        if igrads[0] is not None:
            # selected, as MXNet's kernel writes 0 past each length (inf or NaN included)
            assign(igrads[0], rt.xp.where(self._mask(p, rt, ins, ins[0]), ograds[0], 0),
                   reqs[0])


@register
class SequenceLast(_Sequence):
    """The last valid step of every sequence: ``(T, B, ...) -> (B, ...)``.

    >>> import symnb as mx
    >>> x = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    >>> mx.nd.SequenceLast(x, mx.nd.array([1, 3]), use_sequence_length=True).asnumpy()
    array([1., 6.], dtype=float32)
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "SequenceLast"
    params = (_USE, _axis_param("The sequence axis. Only values of 0 and 1 are currently "
                                "supported."))

    def infer_shape(self, p, ins, outs):
        data = self._check(p, ins)
        if data is not None:
            sassign(outs, 0, tuple(d for i, d in enumerate(data) if i != p.axis))

    def _last(self, p, rt, ins, x):
        # lengths are clipped into [1, T] as the kernel's index arithmetic does
        t = x.shape[p.axis]
        return rt.xp.clip(self._lengths(p, rt, ins, x) - 1, 0, t - 1)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        tm = self._time_major(p, xp, x)
        outs[0][...] = tm[self._last(p, rt, ins, x), xp.arange(tm.shape[1])]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        self._zero_lengths(igrads, reqs)
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        full = xp.zeros(self._time_major(p, xp, x).shape, dtype=x.dtype)
        full[self._last(p, rt, ins, x), xp.arange(full.shape[1])] = ograds[0]
        assign(igrads[0], self._time_major(p, xp, full), reqs[0])


@register
class SequenceReverse(_Sequence):
    """Every sequence's valid steps in reverse order (padding stays in place).

    >>> import symnb as mx
    >>> x = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    >>> mx.nd.SequenceReverse(x, mx.nd.array([2, 3]), use_sequence_length=True).asnumpy()
    array([[3., 6.],
           [1., 4.],
           [5., 2.]], dtype=float32)
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "SequenceReverse"
    params = (_USE, _axis_param("The sequence axis. Only 0 is currently supported."))

    def infer_shape(self, p, ins, outs):
        check(p.axis == 0, "param_.axis == 0 (%d vs. 0) : Only axis=0 is supported for now"
              % p.axis)
        if ins[0] is None and not p.use_sequence_length:
            return      # MXNet's rule reads the batch size only for the lengths
        data = self._check(p, ins)
        if data is not None:
            sassign(outs, 0, data)

    def _source(self, p, rt, ins, x):
        """For every (t, b): the step it reads from."""
        xp = rt.xp
        lengths = self._lengths(p, rt, ins, x)
        t = xp.arange(x.shape[0])[:, None]
        return xp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        src = self._source(p, rt, ins, x)
        outs[0][...] = x[src, xp.arange(x.shape[1])[None, :]]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        self._zero_lengths(igrads, reqs)
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        src = self._source(p, rt, ins, x)       # a permutation per sequence: its own inverse
        assign(igrads[0], ograds[0][src, xp.arange(x.shape[1])[None, :]], reqs[0])
