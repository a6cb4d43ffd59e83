"""Compact bilinear pooling's pieces from ``mx.sym.contrib``: fft, ifft, count_sketch.

MXNet builds these three for GPU only (its CPU kernels raise "fft is only available for
GPU."); symnb computes their GPU semantics on every backend. The layouts are cuFFT's:

* ``_contrib_fft`` takes real ``(N, d)`` or ``(N1, N2, N3, d)`` data to ``2d`` values per row,
  ``[re0, im0, re1, im1, ...]``, the unnormalised forward DFT along the last axis; its
  backward is the unnormalised inverse DFT of the interleaved gradient, real part (the
  adjoint, so the gradient is the true derivative);
* ``_contrib_ifft`` reads interleaved complex rows and gives the real part of the
  *unnormalised* inverse DFT (no ``1/d``, "consistent with caffe"); its backward is the
  forward DFT of the gradient, interleaved;
* ``_contrib_count_sketch`` maps ``d`` features to ``out_dim`` buckets:
  ``out[n, h[i]] += s[i] * data[n, i]`` (``h`` and ``s`` read flat); its backward
  ``dx[n, i] = ograd[n, h[i]] * s[i]`` writes whatever the request and leaves the gradients
  of ``h`` and ``s`` alone.

Inference follows MXNet's legacy rules: an unknown or partly known ``data`` leaves the output
unknown, and other ranks than 2 and 4 give no output shape (fft) or an error (count_sketch).
``compute_size`` / ``processing_batch_size`` only chunk the GPU work: accepted, not needed.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import fully_known, type_assign

__all__ = []

_COMPUTE_SIZE = Param("compute_size", "int, optional, default='128'",
                      "Maximum size of sub-batch to be forwarded at one time")


def _first_input_type(ins, outs, names):
    """MXNet's legacy contrib type rule: the data's type, given, spreads to every input."""
    if ins[0] is None:
        raise InferError("Check failed: dtype != -1 (-1 vs. -1) : First input must have "
                         "specified type")
    for i in range(1, len(ins)):
        type_assign(ins, i, ins[0], names[i])
    outs[0] = ins[0]


def _interleave(xp, z, dtype):
    """Complex ``(..., n)`` -> real ``(..., 2n)`` as ``[re0, im0, re1, im1, ...]``."""
    out = xp.stack([z.real, z.imag], axis=-1)
    return out.reshape(z.shape[:-1] + (2 * z.shape[-1],)).astype(dtype)


def _complex(x, n):
    """Real interleaved ``(..., >= 2n)`` -> complex ``(..., n)``."""
    return x[..., 0:2 * n:2] + 1j * x[..., 1:2 * n:2]


class _Spectral(OpDef):
    family = "elementwise"
    params = (_COMPUTE_SIZE,)

    def out_last(self, d):
        raise NotImplementedError

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if not fully_known(data) or len(data) not in (2, 4):
            return          # MXNet: no output shape (the bind then cannot decide it)
        outs[0] = tuple(data[:-1]) + (self.out_last(data[-1]),)

    def infer_type(self, p, ins, outs):
        _first_input_type(ins, outs, ("data",))


@register
class _contrib_fft(_Spectral):  # noqa: N801 -- MXNet's operator name
    """1-D FFT of real rows: ``(N, d) -> (N, 2d)``, interleaved real and imaginary parts.

    >>> import symnb as mx
    >>> mx.nd.contrib.fft(mx.nd.array([[1, 2, 3, 4]])).asnumpy()
    array([[10.,  0., -2.,  2., -2.,  0., -2., -2.]], dtype=float32)
    """

    name = "_contrib_fft"

    def out_last(self, d):
        return 2 * d

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = _interleave(rt.xp, rt.xp.fft.fft(x.astype(np.float64), axis=-1), x.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        d = ins[0].shape[-1]
        g = _complex(ograds[0].astype(np.float64), d)
        grad = (rt.xp.fft.ifft(g, axis=-1) * d).real
        assign(igrads[0], grad.astype(igrads[0].dtype), reqs[0])


@register
class _contrib_ifft(_Spectral):  # noqa: N801 -- MXNet's operator name
    """Unnormalised 1-D inverse FFT of interleaved complex rows, real part:
    ``(N, 2d) -> (N, d)``.

    >>> import symnb as mx
    >>> mx.nd.contrib.ifft(mx.nd.array([[10, 0, -2, 2, -2, 0, -2, -2]])).asnumpy()
    array([[ 4.,  8., 12., 16.]], dtype=float32)
    """

    name = "_contrib_ifft"

    def out_last(self, d):
        return d // 2

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        n = x.shape[-1] // 2
        z = _complex(x.astype(np.float64), n)
        outs[0][...] = (rt.xp.fft.ifft(z, axis=-1) * n).real.astype(x.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x = rt.xp, ins[0]
        grad = _interleave(xp, xp.fft.fft(ograds[0].astype(np.float64), axis=-1), x.dtype)
        if grad.shape[-1] != x.shape[-1]:         # an odd last axis: its tail gets nothing
            grad = xp.concatenate([grad, xp.zeros(x.shape[:-1] + (1,), x.dtype)], axis=-1)
        assign(igrads[0], grad, reqs[0])


@register
class _contrib_count_sketch(OpDef):  # noqa: N801 -- MXNet's operator name
    """Count sketch of the last axis: ``out[n, h[i]] += s[i] * data[n, i]`` into ``out_dim``
    buckets (``h`` bucket indices, ``s`` signs, both ``(1, d)``).

    >>> import symnb as mx
    >>> x = mx.nd.array([[1.2, 2.5, 3.4], [3.2, 5.7, 6.6]])
    >>> h, s = mx.nd.array([[0, 3, 4]]), mx.nd.array([[1, -1, 1]])
    >>> mx.nd.contrib.count_sketch(x, h, s, out_dim=5).asnumpy()
    array([[ 1.2,  0. ,  0. , -2.5,  3.4],
           [ 3.2,  0. ,  0. , -5.7,  6.6]], dtype=float32)
    """

    name = "_contrib_count_sketch"
    family = "elementwise"
    inputs = ("data", "h", "s")
    params = (
        Param("out_dim", "int, required", "The output dimension."),
        Param("processing_batch_size", "int, optional, default='32'",
              "How many sketch vectors to process at one time."),
    )

    def infer_shape(self, p, ins, outs):
        data, h, s = ins
        if not fully_known(data):
            return
        if len(data) not in (2, 4):
            raise InferError("Check failed: dshape.ndim() == 2 (%d vs. 2) : Data should be 2D "
                             "or 4D!" % len(data))
        d, axis = data[-1], len(data) - 1
        for table, key in ((h, "H"), (s, "S")):
            _index_one(table)
            if table[1] != d:
                raise InferError(
                    "Check failed: (*in_shape)[CountSketch::k%s][1] == dshape[%d] (%d vs. %d) : "
                    "%s should be 2D tensor with same length as input shape[%d], %d v.s. %d"
                    % (key, axis, table[1], d, key, axis, table[1], d))
        outs[0] = tuple(data[:-1]) + (p.out_dim,)

    def infer_type(self, p, ins, outs):
        _first_input_type(ins, outs, self.inputs)

    @staticmethod
    def _tables(ins, d):
        return ins[1].reshape(-1)[:d].astype(np.int64), ins[2].reshape(-1)[:d]

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        flat = x.reshape(-1, x.shape[-1])
        h, s = self._tables(ins, flat.shape[1])
        out = xp.zeros((flat.shape[0], p.out_dim), dtype=x.dtype)
        # scatter-add over the buckets: one column add per feature
        onehot = (h[:, None] == xp.arange(p.out_dim)[None, :]).astype(x.dtype)
        out += (flat * s.astype(x.dtype)) @ onehot
        outs[0][...] = out.reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        x = ins[0]
        g = ograds[0].reshape(-1, p.out_dim)
        h, s = self._tables(ins, x.shape[-1])
        # MXNet's kernel stores the gradient whatever the request
        assign(igrads[0], (g[:, h] * s.astype(x.dtype)).reshape(x.shape), "write")


def _index_one(shape):
    """MXNet reads ``shape[1]`` of the tables: its bounds check when they have no axis 1."""
    ndim = -1 if shape is None else len(shape)
    if ndim < 2:
        raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                         "[0, %d)" % ndim)
