"""Convolution and Deconvolution: im2col plus one GEMM per group, col2im by strided adds.

Three array kernels do all the work, for 1-D, 2-D and 3-D alike (layouts NCW/NCHW/NCDHW):

* :func:`conv_forward`   ``y = W * x``        (im2col, then one GEMM per group)
* :func:`conv_data_grad` ``dx = W^T * dy``    (one GEMM per group, then a strided add per kernel
  position: the loop runs over the few kernel offsets, never over pixels or the batch)
* :func:`conv_weight_grad` ``dW = dy * x^T``  (one GEMM per group)

For batches of 8 or more with several input channels the kernels work batch-last, on
``(C, *S, N)`` copies (see :func:`_batch_last`), so each per-offset copy and add moves long
contiguous runs; smaller batches and single-channel inputs keep the NCHW columns.

Few-channel inputs on large images (ResNet's 3-channel stem) run in blocks of output rows
whose columns stay in cache (:func:`_stem_forward`); wide images with many channels skip
im2col altogether (tap GEMMs, :func:`_tap_forward`).

Deconvolution is the transpose of a convolution whose input is the deconvolution's output,
so it reuses the same three kernels with the roles of forward and data-gradient swapped;
UpSampling (bilinear) in ``pooling.py`` is a grouped Deconvolution and reuses them too.
"""
from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass
from itertools import product

import numpy as np

from ..base import MXNetError
from . import _onednn
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import NO_FP16_GEMM, shape_assign, type_assign

__all__ = ["Geometry", "conv_forward", "conv_data_grad", "conv_weight_grad", "digit_label",
           "check_failed", "conv_type"]

_NC_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


# ----------------------------------------------------------------------------- array kernels
@dataclass(frozen=True, slots=True)
class Geometry:
    """Spatial hyper-parameters of one convolution (tuples with one entry per spatial axis)."""

    kernel: tuple
    stride: tuple
    dilate: tuple
    pad: tuple
    groups: int = 1


def _padded(xp, x, pad):
    """``x`` with ``pad`` zeros on both sides of every spatial axis (``x`` itself if none)."""
    if not any(pad):
        return x
    sizes = tuple(n + 2 * p for n, p in zip(x.shape[2:], pad, strict=True))
    out = xp.zeros(x.shape[:2] + sizes, x.dtype)
    out[_interior(x.shape[2:], pad)] = x
    return out


def _interior(sizes, pad):
    return (slice(None), slice(None)) + tuple(slice(p, p + n)
                                              for n, p in zip(sizes, pad, strict=True))


def _slab(offset, geo: Geometry, out_sizes):
    """Input positions one kernel offset touches: ``offset * dilate + stride * o``."""
    return (slice(None), slice(None)) + tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s)
        for k, d, s, o in zip(offset, geo.dilate, geo.stride, out_sizes, strict=True))


def _offsets(kernel):
    return product(*(range(k) for k in kernel))


def _im2col(xp, x, geo: Geometry, out_sizes):
    """Columns ``(C * K, N * O)``: row ``(c, k)`` holds ``x[n, c, o * stride + k * dilate]``
    (padded) for every sample and output position. One strided copy per kernel offset."""
    n, c = x.shape[:2]
    padded = _padded(xp, x, geo.pad)
    cols = xp.empty((c,) + tuple(geo.kernel) + (n,) + tuple(out_sizes), x.dtype)
    for offset in _offsets(geo.kernel):
        cols[(slice(None),) + offset] = padded[_slab(offset, geo, out_sizes)].swapaxes(0, 1)
    return cols.reshape(c * math.prod(geo.kernel), -1)


def _per_sample(xp, n, c, g) -> bool:
    """Whether a NumPy convolution of one input channel runs one small GEMM per sample
    (:func:`_im2col_per_sample`): the whole-batch GEMM is skinny there (K = kernel size) and
    its result needs a transposed pass; measured for LeNet's conv1 only, so other shapes
    keep the whole-batch GEMM."""
    return xp is np and c == 1 and g == 1 and n > 1


def _im2col_per_sample(xp, x, geo: Geometry, out_sizes):
    """Per-sample columns ``(N, C * K, O)``: ``[n, (c, k), o]`` holds
    ``x[n, c, o * stride + k * dilate]`` (padded). One strided copy per kernel offset."""
    n, c = x.shape[:2]
    padded = _padded(xp, x, geo.pad)
    cols = xp.empty((n, c) + tuple(geo.kernel) + tuple(out_sizes), x.dtype)
    for offset in _offsets(geo.kernel):
        cols[(slice(None), slice(None)) + offset] = padded[_slab(offset, geo, out_sizes)]
    return cols.reshape(n, c * math.prod(geo.kernel), math.prod(out_sizes))


def _channels_first(xp, a):
    """``(N, C, *S)`` -> contiguous ``(C, N * prod(S))``, the GEMM layout of the columns."""
    return xp.ascontiguousarray(a.swapaxes(0, 1)).reshape(a.shape[1], -1)


def _group_matmul(xp, a, b):
    """``[a[g] @ b[g] for g]`` as one ``(G, m, n)`` array, for stacks of per-group matrices.

    Few groups: one 2-D GEMM each (NumPy's stacked matmul, and matmul with ``out=``, run
    several times slower than plain BLAS calls on large matrices); many small groups
    (depthwise): one stacked call.
    """
    if a.shape[2] == 1:               # outer products (depthwise data gradient)
        return a * b
    if len(a) == 1:
        return (a[0] @ b[0])[None]
    if len(a) > 16:
        return xp.matmul(a, b)
    out = xp.empty((len(a), a.shape[1], b.shape[2]), xp.result_type(a, b))
    for i in range(len(a)):
        out[i] = a[i] @ b[i]
    return out


def _batch_last(n, c) -> bool:
    """Whether to lay the work out batch-last, ``(C, *S, N)``: every per-offset copy and add
    of im2col/col2im then moves runs of ``out_width * N`` contiguous elements instead of
    ``out_width`` (1 for strided kernels). It pays when the batch is large and the image has
    more than one channel (single-channel inputs pay more for the transposes than they win)."""
    return n >= 8 and c > 1


# Moves between NCHW and batch-last go a few channels at a time, about this many elements per
# block: a whole-array transposed copy reads each cache line N times over a pass far larger
# than the cache (measured 38 -> 12 ms for a (16, 64, 112, 112) output).
_MOVE_BLOCK = 1 << 18


def _move_blocks(channels, per_channel):
    step = max(1, _MOVE_BLOCK // max(per_channel, 1))
    return (slice(i, i + step) for i in range(0, channels, step))


def _to_batch_last(xp, a, dst):
    """``dst[c, ..., n] = a[n, c, ...]`` (``dst`` may be a view), in channel blocks."""
    for at in _move_blocks(a.shape[1], a[0, 0].size * a.shape[0]):
        dst[at] = xp.moveaxis(a[:, at], 0, -1)


def _from_batch_last(xp, src, dst, req="write", bias=None):
    """``dst[n, c, ...] = src[c, ..., n]`` (+ ``bias[c]``), written or added, in channel
    blocks."""
    for at in _move_blocks(src.shape[0], src[0].size):
        block = xp.moveaxis(src[at], -1, 0)
        if bias is not None:
            xp.add(block, bias[at].reshape((1, -1) + (1,) * (dst.ndim - 2)), out=dst[:, at])
        else:
            assign(dst[:, at], block, req)


def _bl_slab(offset, geo: Geometry, out_sizes):
    """:func:`_slab` for the batch-last layout ``(C, *S, N)``."""
    return (slice(None),) + tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s)
        for k, d, s, o in zip(offset, geo.dilate, geo.stride, out_sizes, strict=True)
    ) + (slice(None),)


def _bl_interior(sizes, pad):
    return (slice(None),) + tuple(slice(p, p + n) for n, p in zip(sizes, pad, strict=True)) \
        + (slice(None),)


def _im2col_bl(xp, x, geo: Geometry, out_sizes):
    """Batch-last columns ``(C * K, prod(O) * N)``: row ``(c, k)``, column ``(o, n)`` holds
    ``x[n, c, o * stride + k * dilate]`` (padded). One transposed copy of the input, then one
    copy per kernel offset whose inner runs are contiguous."""
    n, c = x.shape[:2]
    sizes = tuple(s + 2 * p for s, p in zip(x.shape[2:], geo.pad, strict=True))
    xt = (xp.zeros if any(geo.pad) else xp.empty)((c,) + sizes + (n,), x.dtype)
    _to_batch_last(xp, x, xt[_bl_interior(x.shape[2:], geo.pad)])
    cols = xp.empty((c,) + tuple(geo.kernel) + tuple(out_sizes) + (n,), x.dtype)
    if math.prod(geo.kernel) >= 4 * math.prod(geo.stride) > 4:
        _im2col_phases(xp, xt, geo, out_sizes, cols)
        return cols.reshape(c * math.prod(geo.kernel), -1)
    for offset in _offsets(geo.kernel):
        cols[(slice(None),) + offset] = xt[_bl_slab(offset, geo, out_sizes)]
    return cols.reshape(c * math.prod(geo.kernel), -1)


def _im2col_phases(xp, xt, geo: Geometry, out_sizes, cols):
    """:func:`_im2col_bl`'s copies for a large strided kernel (ResNet's 7x7/2 stem): from
    the stride phases ``xt[:, q::stride, ..., :]``, copied once each, the positions
    ``k * dilate + stride * o`` of one offset are consecutive rows ``(k * dilate) // stride +
    o`` of phase ``(k * dilate) % stride``, so each copy moves whole rows instead of runs of
    N (measured 47 -> 29 ms for the 7x7/2 stem at batch 16)."""
    phases = {}
    for offset in _offsets(geo.kernel):
        starts = [k * d for k, d in zip(offset, geo.dilate, strict=True)]
        key = tuple(b % s for b, s in zip(starts, geo.stride, strict=True))
        if key not in phases:
            phases[key] = xp.ascontiguousarray(xt[(slice(None),) + tuple(
                slice(q, None, s) for q, s in zip(key, geo.stride, strict=True))
                + (slice(None),)])
        cols[(slice(None),) + offset] = phases[key][(slice(None),) + tuple(
            slice(b // s, b // s + o)
            for b, s, o in zip(starts, geo.stride, out_sizes, strict=True)) + (slice(None),)]


def _batch_last_dy(xp, dy):
    """``(N, F, *O)`` -> contiguous ``(F, prod(O) * N)``, the batch-last GEMM layout."""
    out = xp.empty(dy.shape[1:] + dy.shape[:1], dy.dtype)
    _to_batch_last(xp, dy, out)
    return out.reshape(dy.shape[1], -1)


def _prepared_dy(xp, dy, x, w, geo: Geometry):
    """``dy`` in the layout both gradient kernels of a convolution of ``x`` by ``w`` read
    (wide for tap GEMMs, batch-last), made once for the two; None where they read NCHW.
    Each kernel checks that it got its own layout (:func:`_wide_or_make`,
    :func:`_rows_or_make`) and otherwise makes it."""
    taps = _taps(xp, x.shape, geo, dy, x, w)
    if taps is not None:
        return _tap_wide_dy(xp, taps, dy)
    if _stem(xp, x.shape, geo, x, w, dy) is not None:   # read NCHW
        return None
    return _batch_last_dy(xp, dy) if _batch_last(*x.shape[:2]) else None


def _wide_or_make(xp, taps, dy, dy_t):
    """``dy_t`` if it is ``dy`` laid out wide for ``taps``, else that layout made now."""
    wide = dy.shape[:3] + (taps.wq,)
    if dy_t is not None and dy_t.shape == wide and dy_t.dtype == dy.dtype \
            and dy_t.flags.c_contiguous:
        return dy_t
    return _tap_wide_dy(xp, taps, dy)


def _rows_or_make(xp, dy, dy_t):
    """``dy_t`` if it is ``dy``'s batch-last rows ``(F, prod(O) * N)``, else those made now."""
    if dy_t is not None and dy_t.shape == (dy.shape[1], dy.size // max(dy.shape[1], 1)):
        return dy_t
    return _batch_last_dy(xp, dy)


# ----------------------------------------------------------------------------- tap GEMMs
# 2-D convolutions with wide outputs skip im2col: on the padded input laid out flat, a kernel
# offset (i, j) is the pointer offset i * dilate_h * Wp + j * dilate_w, and its columns are a
# window of that flat buffer with row stride Hp * Wp, which BLAS reads in place (``lda``).
# The output is computed "wide", at every position y * Wp + x with x < Wp, so the windows stay
# rectangular; the last (kernel_w - 1) * dilate_w columns of each row are discarded (forward)
# or held at zero (the gradients read them). One accumulating GEMM per offset and sample
# (BLAS's beta = 1, ``_blas.gemm_for``) replaces im2col's copies and col2im's strided adds.
# With a stride s the input is first split into its s_h * s_w stride phases (``x[q::s]``,
# padded), each a plane of its own: offset (i, j) then reads phase ((i*d) % s) from offset
# ((i*d) // s) * Wq + (j*d) // s with row stride 1, as above.
# Measured at one thread, batch 8: (64, 56x56, 3x3) forward 44.9 -> 22.4 ms, data gradient
# 45.0 -> 26.7 ms; (128, 28x28) 23.5 -> 21.2 ms; ResNet's 3x3/2 64 -> 128 at 56x56 forward
# 15.9 -> 12.3 ms, data gradient 17.7 -> 12.4 ms (thread time). Narrower images lose (the
# discarded columns and the small GEMMs: (512, 7x7) 20.4 -> 38 ms), so they keep im2col; so
# do few channels (ResNet's 3-channel stem).
_TAP_MIN_WIDTH = 24
_TAP_MIN_CHANNELS = 16


@dataclass(frozen=True, slots=True)
class _Taps:
    """Flat geometry of one tap convolution (see above); ``gemm`` is the direct BLAS call."""

    gemm: object
    stride: tuple
    phases: tuple    # (row, column) start of every stride phase: ((0, 0),) without a stride
    spans: tuple     # per phase: ((rows), (columns)) as (plane start, input start, count)
    hq: int          # height and width of one phase plane
    wq: int
    out_h: int
    out_w: int
    taps: tuple      # (phase index, flat offset) of every kernel position, in (i, j) order
    slack: int       # elements the last window reads or writes past the buffer

    @property
    def plane(self) -> int:
        return self.hq * self.wq

    @property
    def wide(self) -> int:
        return self.out_h * self.wq


def _phase_span(q, s, p, n):
    """Where phase ``q`` of stride ``s`` meets an axis of ``n`` inputs padded by ``p``:
    ``(plane start, input start, count)``, padded position ``q + s * k`` being input
    ``q + s * k - p``."""
    first = max(0, -((q - p) // s))               # ceil((p - q) / s), at least 0
    start = q + s * first - p
    count = max(0, -((start - n) // s)) if start < n else 0
    return first, start, count


def _taps(xp, x_shape, geo: Geometry, *arrays):
    """The :class:`_Taps` of a convolution of input shape ``x_shape`` on ``arrays`` (its
    operands), or None where im2col stays (CuPy, not 2-D, grouped, few channels, a narrow
    output, operands of mixed dtypes, no direct BLAS for their dtype)."""
    if xp is not np or len(x_shape) != 4 or geo.groups != 1:
        return None
    dtype = arrays[0].dtype
    if any(a.dtype != dtype for a in arrays):      # the raw GEMM reads one element type
        return None
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = geo.kernel, geo.dilate, geo.pad, geo.stride
    hp, wp = x_shape[2] + 2 * ph, x_shape[3] + 2 * pw
    out_h, out_w = (hp - (kh - 1) * dh - 1) // sh + 1, (wp - (kw - 1) * dw - 1) // sw + 1
    if x_shape[0] < 1 or x_shape[1] < _TAP_MIN_CHANNELS or out_w < _TAP_MIN_WIDTH \
            or out_h < 1:
        return None
    from ._blas import gemm_for
    gemm = gemm_for(dtype)
    if gemm is None:
        return None
    return _tap_plan(x_shape, geo, gemm)


def _tap_plan(x_shape, geo: Geometry, gemm):
    """The :class:`_Taps` of a 2-D convolution of input shape ``x_shape`` (no checks)."""
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = geo.kernel, geo.dilate, geo.pad, geo.stride
    hp, wp = x_shape[2] + 2 * ph, x_shape[3] + 2 * pw
    out_h, out_w = (hp - (kh - 1) * dh - 1) // sh + 1, (wp - (kw - 1) * dw - 1) // sw + 1
    hq, wq = -(-hp // sh), -(-wp // sw)
    phases = tuple((qh, qw) for qh in range(sh) for qw in range(sw))
    spans = tuple((_phase_span(qh, sh, ph, x_shape[2]), _phase_span(qw, sw, pw, x_shape[3]))
                  for qh, qw in phases)
    taps = tuple((phases.index(((i * dh) % sh, (j * dw) % sw)),
                  (i * dh) // sh * wq + (j * dw) // sw)
                 for i in range(kh) for j in range(kw))
    return _Taps(gemm, (sh, sw), phases, spans, hq, wq, out_h, out_w, taps,
                 (kw - 1) * dw // sw)


def _tap_buffer(xp, taps: _Taps, n, c, dtype):
    """Zeroed flat buffer for ``n`` samples' phase planes ``(P, c, Hq, Wq)``, plus the slack."""
    return xp.zeros(n * len(taps.phases) * c * taps.plane + taps.slack, dtype)


def _tap_planes(buf, taps: _Taps, n, c):
    """``buf``'s planes as ``(n, P, c, Hq, Wq)``."""
    return buf[:n * len(taps.phases) * c * taps.plane].reshape(
        n, len(taps.phases), c, taps.hq, taps.wq)


def _tap_phase_views(taps: _Taps, planes, a):
    """``(plane view, input view)`` per phase: the positions of input ``a`` (N, C, H, W)
    that phase holds, and where it holds them."""
    sh, sw = taps.stride
    for k, ((r0, rs, rn), (c0, cs, cn)) in enumerate(taps.spans):
        if not rn or not cn:           # a phase of padding only
            continue
        yield (planes[:, k, :, r0:r0 + rn, c0:c0 + cn],
               a[:, :, rs:rs + sh * (rn - 1) + 1:sh, cs:cs + sw * (cn - 1) + 1:sw])


def _tap_input(xp, taps: _Taps, x):
    """The flat, padded phase planes of ``x`` (N, C, H, W) the forward and weight GEMMs
    read (one plane per channel, the padded input itself without a stride)."""
    n, c = x.shape[:2]
    buf = _tap_buffer(xp, taps, n, c, x.dtype)
    for plane, part in _tap_phase_views(taps, _tap_planes(buf, taps, n, c), x):
        plane[...] = part
    return buf


def _tap_wide_dy(xp, taps: _Taps, dy):
    """``dy`` (N, F, out_h, out_w) laid out wide, ``(N, F, out_h, Wq)``, zero in the
    discarded columns (they meet real inputs in the gradient GEMMs)."""
    if taps.wq == taps.out_w:
        return xp.ascontiguousarray(dy)
    wide = xp.zeros(dy.shape[:3] + (taps.wq,), dy.dtype)
    wide[..., :taps.out_w] = dy
    return wide


def _tap_weights(xp, w, transpose=False):
    """``(T, F, C)`` per-offset weight matrices (``(T, C, F)`` transposed), contiguous."""
    f, c = w.shape[:2]
    order = (2, 3, 1, 0) if transpose else (2, 3, 0, 1)
    return xp.ascontiguousarray(w.transpose(order)).reshape(-1, *((c, f) if transpose
                                                                  else (f, c)))


def _tap_bases(taps: _Taps, buf, s, c, item):
    """Address of every offset's window for sample ``s``: its phase plane plus the offset."""
    sample = buf.ctypes.data + s * len(taps.phases) * c * taps.plane * item
    return [sample + (k * c * taps.plane + off) * item for k, off in taps.taps]


def _tap_forward(xp, taps: _Taps, x, w, out, bias=None):
    """:func:`conv_forward` by tap GEMMs: per sample, one accumulating GEMM per kernel
    offset into a wide scratch, whose valid columns (+ bias) are then written out."""
    n, c = x.shape[:2]
    f = w.shape[0]
    src = _tap_input(xp, taps, x)
    wt = _tap_weights(xp, w)
    wide = xp.empty((f, taps.out_h, taps.wq), x.dtype)
    for s in range(n):
        for t, base in enumerate(_tap_bases(taps, src, s, c, x.itemsize)):
            taps.gemm(f, taps.wide, c, wt[t].ctypes.data, c, base, taps.plane,
                      wide.ctypes.data, taps.wide, beta=0.0 if t == 0 else 1.0)
        if bias is None:
            out[s] = wide[..., :taps.out_w]
        else:
            xp.add(wide[..., :taps.out_w], bias[:, None, None], out=out[s])


def _tap_data_grad(xp, taps: _Taps, dy_wide, w, dx, req):
    """:func:`conv_data_grad` by tap GEMMs: every offset's ``W_t^T @ dy`` is added into the
    padded (phase) planes at its offset (col2im's strided adds become BLAS's beta = 1); each
    input position then takes its value from the one plane that holds it."""
    n, f = dy_wide.shape[:2]
    c = dx.shape[1]
    wt = _tap_weights(xp, w, transpose=True)
    buf = _tap_buffer(xp, taps, n, c, dx.dtype)
    for s in range(n):
        for t, base in enumerate(_tap_bases(taps, buf, s, c, dx.itemsize)):
            taps.gemm(c, taps.wide, f, wt[t].ctypes.data, f, dy_wide[s].ctypes.data,
                      taps.wide, base, taps.plane, beta=1.0)
    # the phases partition the input: every position is written (or added) once
    for plane, part in _tap_phase_views(taps, _tap_planes(buf, taps, n, c), dx):
        assign(part, plane, req)


def _tap_weight_grad(xp, taps: _Taps, x, dy_wide, dw, req):
    """:func:`conv_weight_grad` by tap GEMMs: ``dW_t^T += X_t @ dy^T`` per sample, with
    ``X_t`` the offset's window of the padded input (computed transposed, the long axis as
    the inner dimension, as :func:`conv_weight_grad` does). Each sample's ``dy`` is copied
    transposed once, (positions, F), so that no GEMM operand is transposed: OpenBLAS runs
    these small-output products (C x F, the long axis inner) 1.08-1.16x faster that way
    (one thread, 8 samples, thread time: 64 channels at 56x56 31.7 -> 27.3 ms, 128 at
    28x28 25.8 -> 23.8 ms, the copies included)."""
    n, c = x.shape[:2]
    f = dy_wide.shape[1]
    src = _tap_input(xp, taps, x)
    grad_t = xp.empty((len(taps.taps), c, f), x.dtype)
    dy_t = xp.empty((taps.wide, f), x.dtype)
    for s in range(n):
        xp.copyto(dy_t, dy_wide[s].reshape(f, taps.wide).T)
        for t, base in enumerate(_tap_bases(taps, src, s, c, x.itemsize)):
            taps.gemm(c, f, taps.wide, base, taps.plane, dy_t.ctypes.data, f,
                      grad_t[t].ctypes.data, f, beta=0.0 if s == 0 else 1.0)
    kh, kw = dw.shape[2:]
    assign(dw, grad_t.reshape(kh, kw, c, f).transpose(3, 2, 0, 1), req)


# ----------------------------------------------------------------------------- few-channel blocks
# Convolutions of few input channels on large images (ResNet's 3-channel 7x7/2 stem) keep
# im2col, but build its columns one block of output rows at a time, per sample, from the
# sample's padded stride phases (the planes of the tap GEMMs above): a block of about
# _STEM_BLOCK column elements and its output stay in the core's cache, and its columns are a
# few strided copies, one per stride phase, whose inner runs are whole output rows. The block
# GEMM writes its output rows straight into NCHW (BLAS's ``ldc``) and the weight gradient
# accumulates over the blocks (beta = 1), so neither the whole column matrix nor a
# batch-last output is ever made. The column rows go phase by phase; the weight's columns
# are permuted to match (``perm``). The data gradient works per sample: one GEMM for its
# columns, then one add per kernel offset into its phases (blocks lost there: 49 small adds
# per block). Measured at one thread for the stem at batch 8 (thread time): forward 47-58 ->
# 27-31 ms, weight gradient 45-51 -> 30-32 ms, data gradient 65-76 -> 40-46 ms; the block
# GEMMs alone take 25 ms, so the rest is the column copies (3 ms) and the output's writes.
_STEM_MAX_CHANNELS = 15
_STEM_MIN_WIDTH = 56
_STEM_BLOCK = 1 << 17
_STEM_MIN_SAMPLE_COLUMNS = 1 << 17     # below 8 samples: a sample's columns fill a block


@dataclass(frozen=True, slots=True)
class _Stem:
    """Block plan of one few-channel convolution; ``groups`` holds per phase ``(phase index,
    row taps, column taps)``, ``perm`` the weight column of every column row."""

    taps: _Taps
    groups: tuple
    perm: np.ndarray
    rows: int            # output rows per block

    @property
    def depth(self) -> int:
        return len(self.perm)


def _stem(xp, x_shape, geo: Geometry, *arrays):
    """The :class:`_Stem` of a convolution of input shape ``x_shape`` on ``arrays``, or None
    where the other paths stay (CuPy, not 2-D, grouped, dilated, one or many channels, a
    narrow output, fewer than 8 samples whose columns are smaller than one block, mixed
    dtypes, no direct BLAS)."""
    if xp is not np or len(x_shape) != 4 or geo.groups != 1 or any(d != 1 for d in geo.dilate):
        return None
    n, c = x_shape[:2]
    dtype = arrays[0].dtype
    if n < 1 or not 1 < c <= _STEM_MAX_CHANNELS or any(a.dtype != dtype for a in arrays):
        return None
    (kh, kw), (sh, sw) = geo.kernel, geo.stride
    out_h = (x_shape[2] + 2 * geo.pad[0] - kh) // sh + 1
    out_w = (x_shape[3] + 2 * geo.pad[1] - kw) // sw + 1
    if out_h < 1 or out_w < _STEM_MIN_WIDTH:
        return None
    if n < 8 and c * kh * kw * out_h * out_w < _STEM_MIN_SAMPLE_COLUMNS:
        # small batches of small images: the NCHW im2col (used below 8 samples) is as fast
        # or faster there (3x3/2 on (4, 3, 112, 112): 0.53 against 0.71 ms forward)
        return None
    from ._blas import gemm_for
    gemm = gemm_for(dtype)
    if gemm is None:
        return None
    taps = _tap_plan(x_shape, geo, gemm)
    groups, perm = [], []
    for k, (qi, qj) in enumerate(taps.phases):
        rows, cols = range(qi, kh, sh), range(qj, kw, sw)
        if not rows or not cols:
            continue
        groups.append((k, len(rows), len(cols)))
        perm.extend(ch * kh * kw + i * kw + j for ch in range(c) for i in rows for j in cols)
    # one sample (unsplit, two-thread BLAS) takes one block: small two-thread GEMMs each pay
    # OpenBLAS's thread hand-off (batch 1 wall 3.4 against 4.2 ms in blocks, 4.0 ms before)
    rows = out_h if n == 1 else max(1, min(out_h, _STEM_BLOCK // (c * kh * kw * out_w)))
    blocks = -(-out_h // rows)
    return _Stem(taps, tuple(groups), np.array(perm, np.intp), -(-out_h // blocks))


def _stem_blocks(xp, plan: _Stem, x, extra=0):
    """For every sample ``s`` and block of output rows ``r0:r0 + rows``: ``(s, r0, rows,
    cols)``, ``cols`` the block's columns ``(depth + extra, plan.rows * out_w)`` (a reused
    buffer, its first ``rows * out_w`` columns filled, the ``extra`` rows after the columns
    left to the caller; row stride ``plan.rows * out_w``)."""
    taps = plan.taps
    n, c = x.shape[:2]
    item = x.itemsize
    ow = taps.out_w
    buf = _tap_buffer(xp, taps, 1, c, x.dtype)
    planes = _tap_planes(buf, taps, 1, c)
    cols = xp.empty((plan.depth + extra, plan.rows, ow), x.dtype)
    # the copies of every block, made once: the views read the reused sample buffer
    sources = [np.lib.stride_tricks.as_strided(
        buf[k * c * taps.plane:], (c, a, b, taps.out_h, ow),
        (taps.plane * item, taps.wq * item, item, taps.wq * item, item), writeable=False)
        for k, a, b in plan.groups]
    targets, at = [], 0
    for _, a, b in plan.groups:
        targets.append(cols[at:at + c * a * b].reshape(c, a, b, plan.rows, ow))
        at += c * a * b
    blocks = []
    for r0 in range(0, taps.out_h, plan.rows):
        rows = min(plan.rows, taps.out_h - r0)
        blocks.append((r0, rows, [(dst[..., :rows, :], src[..., r0:r0 + rows, :])
                                  for dst, src in zip(targets, sources, strict=True)]))
    for s in range(n):
        for plane, part in _tap_phase_views(taps, planes, x[s:s + 1]):
            plane[...] = part
        for r0, rows, copies in blocks:
            for dst, src in copies:
                np.copyto(dst, src)
            yield s, r0, rows, cols


def _stem_forward(xp, plan: _Stem, x, w, out, bias=None):
    """:func:`conv_forward` by column blocks: each block's GEMM writes its output rows (the
    bias rides along as a row of ones in the columns)."""
    f = w.shape[0]
    taps = plan.taps
    target = out if out.flags.c_contiguous else xp.empty(out.shape, out.dtype)
    depth = plan.depth + (bias is not None)
    wp = xp.empty((f, depth), w.dtype)
    wp[:, :plan.depth] = w.reshape(f, -1)[:, plan.perm]
    if bias is not None:
        wp[:, plan.depth] = bias
    item, size, ld = out.itemsize, taps.out_h * taps.out_w, plan.rows * taps.out_w
    for s, r0, rows, cols in _stem_blocks(xp, plan, x, extra=depth - plan.depth):
        if s == 0 and r0 == 0 and bias is not None:
            cols[plan.depth] = 1
        taps.gemm(f, rows * taps.out_w, depth, wp.ctypes.data, depth, cols.ctypes.data, ld,
                  target.ctypes.data + (s * f * size + r0 * taps.out_w) * item, size)
    if target is not out:
        out[...] = target


def _stem_weight_grad(xp, plan: _Stem, x, dy, dw, req):
    """:func:`conv_weight_grad` by column blocks: ``dW^T += cols @ dy_block^T`` over all
    (transposed, as :func:`conv_weight_grad` computes it: measured faster)."""
    f = dy.shape[1]
    taps = plan.taps
    dy = xp.ascontiguousarray(dy)
    grad_t = xp.empty((plan.depth, f), dy.dtype)
    item, size, ld = dy.itemsize, taps.out_h * taps.out_w, plan.rows * taps.out_w
    for s, r0, rows, cols in _stem_blocks(xp, plan, x):
        taps.gemm(plan.depth, f, rows * taps.out_w, cols.ctypes.data, ld,
                  dy.ctypes.data + (s * f * size + r0 * taps.out_w) * item, size,
                  grad_t.ctypes.data, f, beta=0.0 if s == 0 and r0 == 0 else 1.0,
                  trans_b=True)
    full = xp.empty((f, plan.depth), dy.dtype)
    full[:, plan.perm] = grad_t.T
    assign(dw, full.reshape(dw.shape), req)


def _stem_data_grad(xp, plan: _Stem, dy, w, dx, req):
    """:func:`conv_data_grad` per sample: one GEMM gives the sample's columns, whose slabs
    are added into its stride phases (whole output rows per add), then moved to ``dx``."""
    n, f = dy.shape[:2]
    c = dx.shape[1]
    taps = plan.taps
    dy = xp.ascontiguousarray(dy)
    wt = xp.ascontiguousarray(w.reshape(f, -1)[:, plan.perm].T)
    size = taps.out_h * taps.out_w
    cols = xp.empty((plan.depth, taps.out_h, taps.out_w), dy.dtype)
    buf = _tap_buffer(xp, taps, 1, c, dx.dtype)
    planes = _tap_planes(buf, taps, 1, c)
    for s in range(n):
        taps.gemm(plan.depth, size, f, wt.ctypes.data, f,
                  dy.ctypes.data + s * f * size * dy.itemsize, size, cols.ctypes.data, size)
        buf[...] = 0
        at = 0
        for k, a, b in plan.groups:
            part = cols[at:at + c * a * b].reshape(c, a, b, taps.out_h, taps.out_w)
            for i, j in product(range(a), range(b)):
                planes[0, k, :, i:i + taps.out_h, j:j + taps.out_w] += part[:, i, j]
            at += c * a * b
        for plane, target in _tap_phase_views(taps, planes, dx[s:s + 1]):
            assign(target, plane, req)

def conv_forward(xp, x, w, geo: Geometry, out, bias=None):
    """``out[n, f] = bias[f] + sum_c W[f, c] * x[n, c]`` (cross-correlation), written into
    ``out``: im2col, then one GEMM per group over the whole batch; the bias (optional) is added
    in the pass that writes the output."""
    n, c = x.shape[:2]
    f, g = w.shape[0], geo.groups
    out_sizes = out.shape[2:]
    taps = _taps(xp, x.shape, geo, x, w, out)
    if taps is not None:
        _tap_forward(xp, taps, x, w, out, bias)
        return
    stem = _stem(xp, x.shape, geo, x, w, out)
    if stem is not None:
        _stem_forward(xp, stem, x, w, out, bias)
        return
    batch_last = _batch_last(n, c)
    if _per_sample(xp, n, c, g) and out.flags.c_contiguous:
        # one GEMM per sample writing its output in place (a stacked matmul): for one input
        # channel (LeNet's conv1) the whole-batch (20, 25) x (25, N * O) GEMM is skinny and
        # its result still needs a transposed pass into NCHW (measured 2.7 -> 1.3 ms)
        cols = _im2col_per_sample(xp, x, geo, out_sizes)
        xp.matmul(w.reshape(f, cols.shape[1]), cols, out=out.reshape(n, f, cols.shape[2]))
        if bias is not None:
            _add_bias(out, bias)
        return
    cols = (_im2col_bl if batch_last else _im2col)(xp, x, geo, out_sizes)
    kc = cols.shape[0] // g
    if n == 1 and g == 1 and out.flags.c_contiguous:     # the GEMM writes the output itself
        xp.matmul(w.reshape(f, kc), cols, out=out.reshape(f, -1))
        if bias is not None:
            _add_bias(out, bias)
        return
    res = _group_matmul(xp, w.reshape(g, f // g, kc), cols.reshape(g, kc, -1))
    if batch_last:
        _from_batch_last(xp, res.reshape((f,) + tuple(out_sizes) + (n,)), out, bias=bias)
        return
    res = res.reshape((f, n) + tuple(out_sizes)).swapaxes(0, 1)
    if bias is None:
        out[...] = res
    else:
        xp.add(res, bias.reshape((1, -1) + (1,) * (out.ndim - 2)), out=out)


def conv_data_grad(xp, dy, w, geo: Geometry, dx, req="write", dy_t=None):
    """Gradient of :func:`conv_forward` w.r.t. its input, written or added into ``dx``.

    One GEMM per group gives every kernel offset's contribution (the columns); col2im then
    adds each offset's slab into the input with a single strided add. ``dy_t`` may pass
    :func:`_prepared_dy` of ``dy`` when the caller already has it.
    """
    n, f = dy.shape[:2]
    c, g = dx.shape[1], geo.groups
    taps = _taps(xp, dx.shape, geo, dy, w, dx)
    if taps is not None:
        _tap_data_grad(xp, taps, _wide_or_make(xp, taps, dy, dy_t), w, dx, req)
        return
    stem = _stem(xp, dx.shape, geo, dy, w, dx)
    if stem is not None:
        _stem_data_grad(xp, stem, dy, w, dx, req)
        return
    if _batch_last(n, c):
        _data_grad_bl(xp, _rows_or_make(xp, dy, dy_t), dy.shape, w, geo, dx, req)
        return
    out_sizes = dy.shape[2:]
    kc = c // g * math.prod(geo.kernel)
    cols = _group_matmul(xp, w.reshape(g, f // g, kc).transpose(0, 2, 1),
                         _channels_first(xp, dy).reshape(g, f // g, -1))
    cols = cols.reshape((c,) + tuple(geo.kernel) + (n,) + tuple(out_sizes))
    if any(geo.pad):
        target = xp.zeros(dx.shape[:2] + tuple(s + 2 * p for s, p in
                                               zip(dx.shape[2:], geo.pad, strict=True)),
                          dx.dtype)
    else:
        target = dx
        if req != "add":
            target[...] = 0
    for offset in _offsets(geo.kernel):
        target[_slab(offset, geo, out_sizes)] += cols[(slice(None),) + offset].swapaxes(0, 1)
    if target is not dx:
        assign(dx, target[_interior(dx.shape[2:], geo.pad)], req)


def _data_grad_bl(xp, dy_t, dy_shape, w, geo: Geometry, dx, req):
    """:func:`conv_data_grad` batch-last: the columns come out ``(C, *K, *O, N)``, so every
    offset's add moves contiguous runs; one transposed copy brings the sum back to NCHW."""
    n, f = dy_shape[:2]
    c, g = dx.shape[1], geo.groups
    out_sizes = dy_shape[2:]
    kc = c // g * math.prod(geo.kernel)
    cols = _group_matmul(xp, w.reshape(g, f // g, kc).transpose(0, 2, 1),
                         dy_t.reshape(g, f // g, -1))
    cols = cols.reshape((c,) + tuple(geo.kernel) + tuple(out_sizes) + (n,))
    sizes = tuple(s + 2 * p for s, p in zip(dx.shape[2:], geo.pad, strict=True))
    target = xp.zeros((c,) + sizes + (n,), dx.dtype)
    for offset in _offsets(geo.kernel):
        target[_bl_slab(offset, geo, out_sizes)] += cols[(slice(None),) + offset]
    _from_batch_last(xp, target[_bl_interior(dx.shape[2:], geo.pad)], dx, req)


def conv_weight_grad(xp, x, dy, geo: Geometry, dw, req="write", dy_t=None):
    """Gradient of :func:`conv_forward` w.r.t. the weight: one GEMM per group over the
    batch and every output position at once. ``dy_t`` as in :func:`conv_data_grad`."""
    n, c = x.shape[:2]
    f, g = dy.shape[1], geo.groups
    taps = _taps(xp, x.shape, geo, x, dy, dw)
    if taps is not None:
        _tap_weight_grad(xp, taps, x, _wide_or_make(xp, taps, dy, dy_t), dw, req)
        return
    stem = _stem(xp, x.shape, geo, x, dy, dw)
    if stem is not None:
        _stem_weight_grad(xp, stem, x, dy, dw, req)
        return
    if _per_sample(xp, n, c, g) and dy.flags.c_contiguous:
        # the per-sample layout of conv_forward: one (F, O) x (O, C*K) product per sample,
        # summed over the batch (no transposed copy of dy; LeNet conv1 2.4 -> 1.8 ms)
        cols = _im2col_per_sample(xp, x, geo, dy.shape[2:])
        parts = xp.matmul(dy.reshape(n, f, cols.shape[2]), cols.transpose(0, 2, 1))
        assign(dw, parts.sum(axis=0).reshape(dw.shape), req)
        return
    if _batch_last(n, c):
        cols = _im2col_bl(xp, x, geo, dy.shape[2:])
        flat_dy = _rows_or_make(xp, dy, dy_t)
    else:
        cols = _im2col(xp, x, geo, dy.shape[2:])
        flat_dy = _channels_first(xp, dy)
    kc = cols.shape[0] // g
    if flat_dy.shape[1] <= kc:
        # few positions (ResNet's 7x7 stage): (F, N*O) @ (N*O, C*K) runs as fast as the
        # transposed product below and needs no transposed copy of the (large) result
        # (stage 4 at batch 8: 30.8 -> 18.9 ms)
        if g == 1 and req != "add" and dw.flags.c_contiguous:
            xp.matmul(flat_dy, cols.T, out=dw.reshape(f, kc))
            return
        grad = _group_matmul(xp, flat_dy.reshape(g, f // g, -1),
                             cols.reshape(g, kc, -1).transpose(0, 2, 1))
        assign(dw, grad.reshape(dw.shape), req)
        return
    # computed transposed, (C*K, N*O) @ (N*O, F): OpenBLAS is ~4x faster that way round
    # than with the long N*O axis as the inner dimension of a short-wide product
    grad_t = _group_matmul(xp, cols.reshape(g, kc, -1),
                           flat_dy.reshape(g, f // g, -1).transpose(0, 2, 1))
    assign(dw, grad_t.transpose(0, 2, 1).reshape(dw.shape), req)


# ----------------------------------------------------------------------------- two workers
# A NumPy convolution with at least this many multiply-adds runs its batch in two halves at
# once, the calling thread taking one and a worker thread the other, with BLAS held to one
# thread meanwhile: both cores then do the im2col copies and col2im adds as well as the
# GEMMs, and each half syncs once instead of at every step of a two-thread OpenBLAS GEMM,
# which collapses when other processes share the cores (LeNet step 0.49-0.65x at load 6-7).
# Smaller ones (LeNet's conv1) lost to the hand-off, so they stay whole.
_SPLIT_MIN_MACS = 1 << 26
_SPLIT = {}
_SPLIT_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()


def _split_workers():
    """(BLAS controllers, one worker thread), or None where threadpoolctl or a second CPU is
    missing. Made on first use."""
    with _SPLIT_LOCK:
        if "state" not in _SPLIT:
            state = None
            if (os.cpu_count() or 1) >= 2:
                from concurrent.futures import ThreadPoolExecutor

                from ._blas import blas_controllers
                blas = blas_controllers()
                if blas:
                    state = (blas, ThreadPoolExecutor(1, thread_name_prefix="symnb-conv"))
            _SPLIT["state"] = state
        return _SPLIT["state"]


def _halves(xp, n, macs):
    """The batch halves for two workers, or None: CuPy, batch 1, small work, no worker, or
    BLAS already at one thread (the user asked for one core)."""
    if xp is not np or n < 2 or macs < _SPLIT_MIN_MACS:
        return None
    return _worker_halves(n)


def _worker_halves(n):
    """``(slice(0, n // 2), slice(n // 2, n))`` when the two workers can run, else None (no
    threadpoolctl or second CPU, or BLAS already at one thread: the user asked for one core).
    The callers decide first whether their work is worth splitting."""
    state = _split_workers()
    if state is None:
        return None
    # while a oneDNN plan holds BLAS at one thread, the user's own count decides
    held = _onednn.one_blas_thread.held
    if (held if held is not None else min(c.num_threads for c in state[0])) < 2:
        return None
    return slice(0, n // 2), slice(n // 2, n)


def _on_two_workers(fn, halves):
    """``fn(half)`` for both halves at once (this thread and the worker), BLAS at one thread
    in the meantime; exceptions propagate."""
    blas, pool = _split_workers()
    # one split at a time: two user threads saving and restoring the BLAS thread count
    # in turn could otherwise leave it at one
    with _RUN_LOCK:
        saved = [c.num_threads for c in blas]
        for c in blas:
            c.set_num_threads(1)
        try:
            other = pool.submit(fn, halves[1])
            try:
                fn(halves[0])
            finally:
                other.result()
        finally:
            for c, n in zip(blas, saved, strict=True):
                c.set_num_threads(n)


def _native_1x1(xp, geo: Geometry, dy):
    """Whether MXNet's CPU build runs this convolution's backward in its own 1x1 kernel: a
    kernel of 1, stride 1 and no padding everywhere, with data that oneDNN does not take
    (float64, float16)."""
    return xp is np and dy.dtype != np.float32 and all(k == 1 for k in geo.kernel) \
        and all(s == 1 for s in geo.stride) and not any(geo.pad)


def _conv_macs(x_shape, w_shape, out_shape):
    return math.prod(w_shape) * out_shape[0] * math.prod(out_shape[2:])


def _bias_grad(xp, dy, db, req):
    assign(db, dy.sum(axis=(0,) + tuple(range(2, dy.ndim))), req)


def _add_bias(out, b):
    out += b.reshape((1, -1) + (1,) * (out.ndim - 2))


# ----------------------------------------------------------------------------- shared rules
def check_failed(lhs, op, rhs, a, b, msg) -> str:
    """dmlc ``CHECK_<OP>`` text: ``Check failed: lhs == rhs (a vs. b) : msg``."""
    return "Check failed: %s %s %s (%s vs. %s) : %s" % (lhs, op, rhs, a, b, msg)


def _tshape(t) -> str:
    return "[" + ",".join(str(v) for v in t) + "]"


def digit_label(attr_text, missing="1") -> str:
    """Kernel/stride text of MXNet's pictures: the digit runs joined by ``x``.

    >>> digit_label('(5, 5)'), digit_label('(3,)'), digit_label(None)
    ('5x5', '3', '1')
    """
    if attr_text is None:
        return missing
    return "x".join(re.findall(r"\d+", attr_text))


def conv_type(names, ins, outs) -> None:
    """MXNet's ConvolutionType: one dtype from data (or output) for every input and output,
    other inputs checked with UNIFORM_TYPE_CHECK."""
    dtype = ins[0] if ins[0] is not None else outs[0]
    if dtype is None:
        return
    for i in range(len(ins)):
        type_assign(ins, i, dtype, names[i])
    outs[0] = dtype


def _normalize_spatial(op, p, extra=()):
    """MXNet's Convolution/DeconvolutionParamParser: default stride/dilate/pad per kernel rank
    and the same-rank checks (their CHECK_EQ texts)."""
    nd = len(p.kernel)
    if nd not in (1, 2, 3):
        raise MXNetError("MXNetError: " + check_failed(
            "param_.kernel.ndim()", "==", "3U", nd, 3,
            "%dD %s not supported" % (nd, op.name.lower())))
    if p.layout is None:
        p["layout"] = _NC_LAYOUTS[nd]
    fill = {"stride": 1, "dilate": 1, "pad": 0, "adj": 0}
    for key, what in (("stride", "Stride"), ("dilate", "Dilate"), ("pad", "Padding")) + extra:
        if len(p[key]) == 0:
            p[key] = (fill[key],) * nd
        if len(p[key]) != nd:
            raise MXNetError("MXNetError: " + check_failed(
                "param_.kernel.ndim()", "==", "param_.%s.ndim()" % key, nd, len(p[key]),
                "%s must have the same number of dimensions with kernel_size,but kernel_size "
                "is set to %s while %s is %s" % (what, _tshape(p.kernel),
                                                  what.lower(), _tshape(p[key]))))
    return p


def _check_layout(op, p):
    if p.layout != _NC_LAYOUTS[len(p.kernel)]:
        raise InferError("%s: symnb implements layout %s for a %d-D kernel, got layout=%s "
                         "(channel-last layouts are GPU-only in MXNet too)"
                         % (op.name, _NC_LAYOUTS[len(p.kernel)], len(p.kernel), p.layout))


_DATA_TEXT = {1: "Input data should be 3D in batch-num_filter-x",
              2: "Input data should be 4D in batch-num_filter-y-x",
              3: "Input data should be 5D in batch-num_filter-depth-y-x"}
_AXIS = {1: "x", 2: "yx", 3: "dyx"}


def _check_groups(channels, p):
    if channels and channels % p.num_group:
        raise InferError(check_failed("dshape[1] % param_.num_group", "==", "0U",
                                      channels % p.num_group, 0,
                                      "input num_filter must divide group size"))
    if p.num_filter % p.num_group:
        raise InferError(check_failed("param_.num_filter % param_.num_group", "==", "0U",
                                      p.num_filter % p.num_group, 0,
                                      "output num_filter must divide group size"))


def _spatial_params(p):
    return Geometry(p.kernel, p.stride, p.dilate, p.pad, p.num_group)


def _conv_docs(kind, workspace_default):
    """The parameters Convolution and Deconvolution share, with MXNet's type strings."""
    return {
        "kernel": Param("kernel", "Shape(tuple), required",
                        "%s kernel size: (w,), (h, w) or (d, h, w)" % kind),
        "stride": Param("stride", "Shape(tuple), optional, default=[]",
                        "%s stride: (w,), (h, w) or (d, h, w). Defaults to 1 for each "
                        "dimension." % kind),
        "dilate": Param("dilate", "Shape(tuple), optional, default=[]",
                        "%s dilate: (w,), (h, w) or (d, h, w). Defaults to 1 for each "
                        "dimension." % kind),
        "workspace": Param("workspace", "long (non-negative), optional, default=%d"
                           % workspace_default,
                           "Maximum temporary workspace allowed (MB) in %s.This parameter has two "
                           "usages. When CUDNN is not used, it determines the effective batch "
                           "size of the %s kernel. When CUDNN is used, it controls the maximum "
                           "temporary storage used for tuning the best CUDNN kernel when "
                           "`limited_workspace` strategy is used." % (kind.lower(), kind.lower()),
                           lower=0),
        "cudnn_tune": Param("cudnn_tune", "{None, 'fastest', 'limited_workspace', 'off'},"
                            "optional, default='None'",
                            "Whether to pick convolution %s by running performance test."
                            % ("algo" if kind == "Convolution" else "algorithm")),
        "cudnn_off": Param("cudnn_off", "boolean, optional, default=0",
                           "Turn off cudnn for this layer."),
        "layout": Param("layout", "{None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC'},optional, "
                        "default='None'",
                        "Set layout for input, output and weight. Empty for%sdefault layout"
                        "%s NCW for 1d, NCHW for 2d and NCDHW for 3d.NHWC and NDHWC are only "
                        "supported on GPU." % (("\n    ", ":") if kind == "Convolution"
                                               else (" ", ","))),
    }


# ----------------------------------------------------------------------------- Convolution
_CONV = _conv_docs("Convolution", 1024)


class _ConvLayer(OpDef):
    """What Convolution and Deconvolution share: optional bias, picture label, data checks."""

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    def input_names(self, p):
        return ("data", "weight") if p.no_bias else self.inputs

    def label(self, p, attrs):
        return "%s\n%s/%s, %s" % (self.name, digit_label(attrs.get("kernel")),
                                   digit_label(attrs.get("stride")), p.num_filter)

    def _check_data(self, p, data, expr):
        """The data must have the kernel's rank + 2 (MXNet's ``CHECK_EQ(<expr>, ...)``)."""
        nd = len(p.kernel)
        if len(data) != nd + 2:
            raise InferError(check_failed(expr, "==", "%dU" % (nd + 2), len(data), nd + 2,
                                          _DATA_TEXT[nd]))
        _check_layout(self, p)
        return nd


@register
class Convolution(_ConvLayer):
    """N-D convolution (1-D, 2-D, 3-D) over NCW / NCHW / NCDHW data, with groups and dilation.

    ``out[n, f] = bias[f] + sum_c weight[f, c] * data[n, c]`` (cross-correlation); the weight
    has shape ``(num_filter, channels // num_group, *kernel)``. Output spatial size per axis:
    ``(x + 2 * pad - dilate * (kernel - 1) - 1) // stride + 1``.

    >>> import symnb as mx
    >>> conv = mx.sym.Convolution(mx.sym.var('data'), kernel=(3, 3), num_filter=4,
    ...                           stride=(2, 2), pad=(1, 1), name='conv')
    >>> conv.infer_shape(data=(1, 2, 5, 5))
    ([(1, 2, 5, 5), (4, 2, 3, 3), (4,)], [(1, 4, 3, 3)], [])
    """

    name = "Convolution"
    # uint8 reaches oneDNN, which has no such primitive in MXNet's CPU build (int8 has one)
    refused_dtypes = {**{k: v for k, v in NO_FP16_GEMM.items() if k != "int8"},
                      "uint8": "could not create a descriptor for a dilated convolution "
                      "forward propagation primitive"}
    inputs = ("data", "weight", "bias")
    roles = {"weight": "weight", "bias": "bias"}
    family = "conv"
    params = (
        _CONV["kernel"], _CONV["stride"], _CONV["dilate"],
        Param("pad", "Shape(tuple), optional, default=[]",
              "Zero pad for convolution: (w,), (h, w) or (d, h, w). Defaults to no padding."),
        Param("num_filter", "int (non-negative), required",
              "Convolution filter(channel) number", lower=1),
        Param("num_group", "int (non-negative), optional, default=1",
              "Number of group partitions."),
        _CONV["workspace"],
        Param("no_bias", "boolean, optional, default=0", "Whether to disable bias parameter."),
        _CONV["cudnn_tune"], _CONV["cudnn_off"], _CONV["layout"],
    )

    def parse(self, attrs, node_name=""):
        return _normalize_spatial(self, parse_params(self, attrs, node_name))

    def infer_shape(self, p, ins, outs):
        # MXNet's ConvolutionShape (convolution.cc): weight and bias from data, output from
        # data, then batch (always) and spatial sizes (where stride is 1) back from the output.
        data = ins[0]
        if data is None:
            return
        nd = self._check_data(p, data, "dshp.ndim()")
        channels = data[1]
        shape_assign(ins, 1, (p.num_filter, channels // p.num_group if channels else 0)
                     + tuple(p.kernel))
        if not p.no_bias:
            shape_assign(ins, 2, (p.num_filter,))
        _check_groups(channels, p)
        geo = _spatial_params(p)
        dk = [d * (k - 1) + 1 for k, d in zip(p.kernel, p.dilate, strict=True)]
        out = (data[0], p.num_filter) + tuple(
            max((x + 2 * pad - k) // s + 1, 0) if x else 0
            for x, k, s, pad in zip(data[2:], dk, geo.stride, geo.pad, strict=True))
        shape_assign(outs, 0, out)
        back = [outs[0][0]] + [0] * (nd + 1)
        for i in range(nd):
            o = outs[0][2 + i]
            if o and p.stride[i] == 1:
                back[1 + 1 + i] = o + dk[i] - 1 - 2 * p.pad[i]
        shape_assign(ins, 0, tuple(back))
        data = ins[0]
        _check_kernel_fits(nd, dk, data, p.pad)

    def infer_type(self, p, ins, outs):
        conv_type(self.input_names(p), ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, w, out = rt.xp, ins[0], ins[1], outs[0]
        geo, bias = _spatial_params(p), None if p.no_bias else ins[2]
        if x.dtype == np.int8:
            # MXNet's CPU build runs int8 through oneDNN: exact sums, saturated to int8
            wide = xp.empty(out.shape, dtype=np.float64)
            conv_forward(xp, x.astype(np.float64), w.astype(np.float64), geo, wide,
                         None if bias is None else bias.astype(np.float64))
            out[...] = xp.clip(wide, -128, 127).astype(np.int8)
            return
        if xp is np and _onednn.conv_forward(x, w, geo, out, bias, training=is_train):
            return
        macs = _conv_macs(x.shape, w.shape, out.shape)
        halves = _halves(xp, len(x), macs)
        if halves is not None:
            _on_two_workers(lambda h: conv_forward(xp, x[h], w, geo, out[h], bias), halves)
            return
        # one sample stays one two-thread BLAS GEMM: splitting its filters over the two
        # workers measured 52-63 ms against 33-39 ms for ResNet-18 inference at batch 1 (the
        # split collides with OpenBLAS's own threads, still spinning from the graph's
        # unsplit GEMMs)
        conv_forward(xp, x, w, geo, out, bias)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, geo, dy = rt.xp, _spatial_params(p), ograds[0]
        if reqs[0] == "add" and _native_1x1(xp, geo, dy):
            # MXNet 1.9.1's own CPU kernel (not oneDNN's, which takes float32) computes a
            # 1x1 convolution's data gradient with a plain GEMM that ignores grad_req:
            # 'add' writes (convolution-inl.h, is_1x1_)
            reqs = ["write"] + list(reqs[1:])
        if xp is np and self._backward_onednn(p, geo, ins, dy, igrads, reqs):
            return
        halves = _halves(xp, len(dy), _conv_macs(ins[0].shape, ins[1].shape, dy.shape))
        if halves is not None and (igrads[0] is not None or igrads[1] is not None):
            self._backward_halves(xp, geo, ins, dy, igrads, reqs, halves)
            if not p.no_bias and igrads[2] is not None:
                _bias_grad(xp, dy, igrads[2], reqs[2])
            return
        # both gradients read dy in the same layout: make it once
        dy_t = _prepared_dy(xp, dy, ins[0], ins[1], geo)
        if igrads[0] is not None:
            conv_data_grad(xp, dy, ins[1], geo, igrads[0], reqs[0], dy_t=dy_t)
        if igrads[1] is not None:
            conv_weight_grad(xp, ins[0], dy, geo, igrads[1], reqs[1], dy_t=dy_t)
        if not p.no_bias and igrads[2] is not None:
            if dy_t is not None and dy_t.ndim == 2:   # batch-last rows: a faster reduction
                assign(igrads[2], dy_t.sum(axis=1), reqs[2])
            else:
                _bias_grad(xp, dy, igrads[2], reqs[2])

    @staticmethod
    def _backward_onednn(p, geo, ins, dy, igrads, reqs):
        """The gradients by oneDNN (float32), each 'add' through a scratch array added once
        all succeeded; False, with nothing written, where oneDNN does not apply."""
        names = ("dx", "dw", "db")
        grads = {name: g for name, g in zip(names, igrads, strict=False)
                 if g is not None and not (name == "db" and p.no_bias)}
        # oneDNN sums the bias gradient in its weight-gradient pass: alone, NumPy's sum
        alone = grads.pop("db") if "db" in grads and "dw" not in grads else None
        if not grads:
            if alone is not None:
                _bias_grad(np, dy, alone, reqs[2])
            return True
        targets = {name: (np.empty_like(g) if reqs[i] == "add" or not g.flags.c_contiguous
                          else g) for i, (name, g) in enumerate(zip(names, igrads,
                                                                    strict=False))
                   if name in grads}
        if not _onednn.conv_backward(ins[0], ins[1], dy, geo, **targets):
            return False
        for i, name in enumerate(names):
            if name in targets and targets[name] is not grads[name]:
                assign(grads[name], targets[name], reqs[i])
        if alone is not None:
            _bias_grad(np, dy, alone, reqs[2])
        return True

    @staticmethod
    def _backward_halves(xp, geo, ins, dy, igrads, reqs, halves):
        """Data and weight gradients of each batch half on its own worker; the two partial
        weight gradients are summed."""
        x, w = ins[0], ins[1]
        # the first half's weight gradient goes straight into a written, contiguous buffer
        direct = igrads[1] is not None and reqs[1] == "write" and igrads[1].flags.c_contiguous
        parts = [xp.empty_like(w) if igrads[1] is not None else None for _ in halves]
        if direct:
            parts[0] = igrads[1]

        def run(h):
            dy_h = dy[h]
            dy_t = _prepared_dy(xp, dy_h, x[h], w, geo)
            if igrads[0] is not None:
                conv_data_grad(xp, dy_h, w, geo, igrads[0][h], reqs[0], dy_t=dy_t)
            if igrads[1] is not None:
                conv_weight_grad(xp, x[h], dy_h, geo, parts[0 if h is halves[0] else 1],
                                 "write", dy_t=dy_t)

        _on_two_workers(run, halves)
        if igrads[1] is not None:
            parts[0] += parts[1]
            if not direct:
                assign(igrads[1], parts[0], reqs[1])


def _check_kernel_fits(nd, dk, data, pad):
    """MXNet's final "kernel size exceed input" checks (1-D/2-D per axis, 3-D as one)."""
    if nd == 3:
        if all(data[2:]) and any(k > x + 2 * q for k, x, q in zip(dk, data[2:], pad, strict=True)):
            raise InferError("Check failed: ksize_d <= dshape[2] + 2 * param_.pad[0] && "
                             "ksize_y <= dshape[3] + 2 * param_.pad[1] && ksize_x <= "
                             "dshape[4] + 2 * param_.pad[2]: kernel size exceed input")
        return
    for i in range(nd):
        x = data[2 + i]
        if x and dk[i] > x + 2 * pad[i]:
            raise InferError(check_failed(
                "dilated_ksize_%s" % _AXIS[nd][i], "<=",
                "AddPad(dshape[%d], param_.pad[%d])" % (2 + i, i), dk[i], x + 2 * pad[i],
                "kernel size exceed input"))


# ----------------------------------------------------------------------------- Deconvolution
_DECONV = _conv_docs("Deconvolution", 512)


def deconv_pad_adj(p, in_sizes):
    """MXNet's DeconvolutionParam::InferPad: (pad, adj) per axis, from ``target_shape`` when
    any entry of it is non-zero, else from ``pad``/``adj``."""
    if not any(p.target_shape):
        return tuple(p.pad), tuple(p.adj)
    pads, adjs = [], []
    for i, x in enumerate(in_sizes):
        if not x:
            pads.append(0)
            adjs.append(0)
            continue
        full = p.stride[i] * (x - 1) + p.dilate[i] * (p.kernel[i] - 1) + 1
        if full < p.target_shape[i]:
            raise InferError(check_failed("o_pad[i]", ">=", "target_shape[i]", full,
                                          p.target_shape[i], "too big target shape"))
        extra = full - p.target_shape[i]
        pads.append((extra + 1) // 2)
        adjs.append(extra % 2)
    return tuple(pads), tuple(adjs)


@register
class Deconvolution(_ConvLayer):
    """Transposed convolution (1-D, 2-D, 3-D): the gradient of Convolution w.r.t. its data.

    The weight has shape ``(channels, num_filter // num_group, *kernel)``; output size per
    axis ``stride * (x - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj``, or ``target_shape``
    when given. ``no_bias`` defaults to True (unlike Convolution).

    >>> import symnb as mx
    >>> de = mx.sym.Deconvolution(mx.sym.var('data'), kernel=(3, 3), num_filter=4,
    ...                           stride=(2, 2), name='de')
    >>> de.infer_shape(data=(1, 2, 5, 5))
    ([(1, 2, 5, 5), (2, 4, 3, 3)], [(1, 4, 11, 11)], [])
    """

    name = "Deconvolution"
    refused_dtypes = NO_FP16_GEMM
    param_error_suffix = False      # DeconvolutionParamParser adds no ", in operator"
    inputs = ("data", "weight", "bias")
    roles = {"weight": "weight", "bias": "bias"}
    family = "conv"
    params = (
        Param("kernel", "Shape(tuple), required",
              "Deconvolution kernel size: (w,), (h, w) or (d, h, w). This is same as the "
              "kernel size used for the corresponding convolution"),
        Param("stride", "Shape(tuple), optional, default=[]",
              "The stride used for the corresponding convolution: (w,), (h, w) or (d, h, w). "
              "Defaults to 1 for each dimension."),
        Param("dilate", "Shape(tuple), optional, default=[]",
              "Dilation factor for each dimension of the input: (w,), (h, w) or (d, h, w). "
              "Defaults to 1 for each dimension."),
        Param("pad", "Shape(tuple), optional, default=[]",
              "The amount of implicit zero padding added during convolution for each "
              "dimension of the input: (w,), (h, w) or (d, h, w). ``(kernel-1)/2`` is usually "
              "a good choice. If `target_shape` is set, `pad` will be ignored and a padding "
              "that will generate the target shape will be used. Defaults to no padding."),
        Param("adj", "Shape(tuple), optional, default=[]",
              "Adjustment for output shape: (w,), (h, w) or (d, h, w). If `target_shape` is "
              "set, `adj` will be ignored and computed accordingly."),
        Param("target_shape", "Shape(tuple), optional, default=[]",
              "Shape of the output tensor: (w,), (h, w) or (d, h, w)."),
        Param("num_filter", "int (non-negative), required",
              "Number of output filters.", lower=1),
        Param("num_group", "int (non-negative), optional, default=1",
              "Number of groups partition."),
        _DECONV["workspace"],
        Param("no_bias", "boolean, optional, default=1",
              "Whether to disable bias parameter."),
        _DECONV["cudnn_tune"], _DECONV["cudnn_off"], _DECONV["layout"],
    )

    def parse(self, attrs, node_name=""):
        p = _normalize_spatial(self, parse_params(self, attrs, node_name),
                               extra=(("adj", "Adjustment"),))
        if len(p.target_shape) == 0:
            p["target_shape"] = (0,) * len(p.kernel)
        return p

    def infer_shape(self, p, ins, outs):
        # MXNet's DeconvolutionShape (deconvolution.cc), with its backward fill of the data's
        # batch and spatial sizes from a known output.
        data = ins[0]
        if data is None:
            return
        nd = self._check_data(p, data, "dshape.ndim()")
        channels = data[1]
        shape_assign(ins, 1, (channels, p.num_filter // p.num_group) + tuple(p.kernel))
        if not p.no_bias:
            shape_assign(ins, 2, (p.num_filter,))
        pads, adjs = deconv_pad_adj(p, data[2:])
        _check_groups(channels, p)
        for i in range(nd):
            if p.stride[i] - 1 < adjs[i]:
                name = _AXIS[nd][i]
                raise InferError(check_failed(
                    "param_.stride[%d]-1" % i, ">=", "o_adj[%d]" % i, p.stride[i] - 1,
                    adjs[i], "adj(%s) must be samller than stride[%d]" % (name, i)))
        dk = [d * (k - 1) + 1 for k, d in zip(p.kernel, p.dilate, strict=True)]
        sizes = []
        for i, x in enumerate(data[2:]):
            size = p.stride[i] * (x - 1) + dk[i] - 2 * pads[i] + adjs[i] if x else 0
            if x and p.target_shape[i] > 0 and p.target_shape[i] != size:
                raise InferError(check_failed(
                    "param_.target_shape[%d]" % i, "==", "oshape[%d]" % (2 + i),
                    p.target_shape[i], size,
                    "param_.target_shape[%d] was not reasonable, please it carefully" % i))
            sizes.append(size)
        shape_assign(outs, 0, (data[0], p.num_filter) + tuple(sizes))
        back = [outs[0][0], 0]
        for i in range(nd):
            o = outs[0][2 + i]
            # with target_shape the padding depends on the unknown size itself: leave it
            known_pad = data[2 + i] or not any(p.target_shape)
            back.append((o + 2 * pads[i] - dk[i] - adjs[i]) // p.stride[i] + 1
                        if o and known_pad else 0)
        shape_assign(ins, 0, tuple(back))

    def infer_type(self, p, ins, outs):
        conv_type(self.input_names(p), ins, outs)

    def _geometry(self, p, in_sizes):
        pads, _ = deconv_pad_adj(p, in_sizes)
        return Geometry(p.kernel, p.stride, p.dilate, pads, p.num_group)

    def forward(self, p, ins, outs, is_train, rt):
        # the output is the data-gradient of a convolution from out-space to in-space
        geo = self._geometry(p, ins[0].shape[2:])
        conv_data_grad(rt.xp, ins[0], ins[1], geo, outs[0], "write")
        if not p.no_bias:
            _add_bias(outs[0], ins[2])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x, w, dy = rt.xp, ins[0], ins[1], ograds[0]
        geo = self._geometry(p, x.shape[2:])
        if igrads[0] is not None:
            if reqs[0] == "add":
                igrads[0] += _conv(xp, dy, w, geo, x.shape)
            else:
                conv_forward(xp, dy, w, geo, igrads[0])
        if igrads[1] is not None:
            conv_weight_grad(xp, dy, x, geo, igrads[1], reqs[1])
        if not p.no_bias and igrads[2] is not None:
            _bias_grad(xp, dy, igrads[2], reqs[2])


def _conv(xp, x, w, geo, out_shape):
    out = xp.empty(out_shape, x.dtype)
    conv_forward(xp, x, w, geo, out)
    return out

