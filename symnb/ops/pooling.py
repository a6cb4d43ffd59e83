"""Pooling: windowed reductions of NC(D)(H)W data (UpSampling and Pad are in resample.py).

Pooling makes one pass per kernel offset over views of the padded input -- a running max
(and, when training, the position of the first maximum) or a running sum -- and its
backward one add per offset; global pooling reduces the flattened plane. Loops run over
the few kernel offsets and over blocks of planes that stay in cache, never over pixels.
The offsets read the stride phases of each block (``_PoolPlan``), so their views have
contiguous rows. At the ResNet-18 stem (3x3/2, pad 1, (16, 64, 112, 112) float32) this
runs the forward in 13-17 ms for inference and 22-36 ms when training, the backward in
28-44 ms, against 72-79, 73-78 and 68-73 ms for whole-array passes (load 2.5-2.9;
benchmarks/README.md, "Max pooling (ResNet stem)").
"""
from __future__ import annotations

import math
from functools import lru_cache
from itertools import product

import numpy as np

from ..base import MXNetError
from . import _onednn
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import NOT_REAL, shape_assign
from .conv import (
    check_failed,
    digit_label,
)

_NC_LAYOUTS = {3: "NCW", 4: "NCHW", 5: "NCDHW"}       # by data rank
_BLOCK_BYTES = 1 << 22          # phases per block of planes (see _PoolPlan.block_planes)


# ----------------------------------------------------------------------------- Pooling
def _lp_pow(xp, x, p):
    # MXNet's a_pow_p (pool_utils.h): x itself for p=1 and x*x*x for p=3, signs kept (a
    # plain sum for p=1: [-1, 2] pools to 1, not 3)
    return x if p == 1 else x * x if p == 2 else x * x * x


def _lp_root(xp, s, p):
    return s if p == 1 else xp.sqrt(s) if p == 2 else xp.cbrt(s)


def _lp_grad(x, out, p):
    # MXNet's lp_grad: p=1 passes the gradient through unchanged (no sign(x) factor)
    return 1 if p == 1 else x / out if p == 2 else (x * x) / (out * out)


class _PoolPlan:
    """Window geometry of one Pooling call: kernel, stride, left pad and the right extension
    needed so that every window ('full'/'same' overhang included) lies in the padded array,
    and the layout of the phases the kernels read (built once per geometry, :func:`_plan`).

    The kernels run over blocks of whole ``(n, c)`` planes (:meth:`block_planes`), a few MiB
    at a time with NumPy, so that the passes per kernel offset read and write buffers that
    stay in cache. Each input block is copied once into the *phases* of its padded form,
    ``padded[..., q::stride]`` for each residue ``q`` of the phased axes, straight from the
    input with the fill value around (no padded copy first); every kernel offset then reads
    a view of one phase with contiguous rows. The last axis is phased when its stride
    exceeds 1 (a strided inner axis is slow in NumPy's loops: one np.maximum at the ResNet
    stem's size, 21.7 ms against 1.9 ms contiguous); a leading strided axis only when the
    views then cover whole phase rows, so that they coalesce into long runs (LeNet's 2x2/2),
    since a strided outer axis costs nothing otherwise.
    """

    __slots__ = ("kernel", "stride", "pad", "right", "out", "sizes", "step", "phases",
                 "at", "uncovered", "in_place")

    def __init__(self, global_pool, kernel, stride, pad, in_shape, out_shape):
        self.sizes = tuple(in_shape[2:])
        self.out = tuple(out_shape[2:])
        if global_pool:          # MXNet: kernel = the spatial shape, no pad, one window
            self.kernel, self.stride, self.pad = self.sizes, self.sizes, (0,) * len(self.sizes)
        else:
            nd = len(kernel)       # longer stride/pad tuples: MXNet ignores the extra entries
            self.kernel, self.stride, self.pad = tuple(kernel), stride[:nd], pad[:nd]
        self.right = tuple(max((o - 1) * s + k - q - n, 0) for o, s, k, q, n
                           in zip(self.out, self.stride, self.kernel, self.pad, self.sizes,
                                  strict=True))
        # phase step per axis (the stride where phased, else 1), from the last axis back
        step, whole = [], True
        for s, k in reversed(tuple(zip(self.stride, self.kernel, strict=True))):
            step.append(s if s > 1 and (whole or not step) else 1)
            whole = whole and k <= step[-1]        # this axis' views cover whole phases
        self.step = tuple(reversed(step))
        # per axis and residue q: (width, first, stop, input slice); phase positions
        # [first, stop) hold the input at q + step * j - pad, the others the fill value
        axes, self.uncovered, self.in_place = [], False, not self.padded
        for ps, s, k, q0, n, o in zip(self.step, self.stride, self.kernel, self.pad,
                                      self.sizes, self.out, strict=True):
            axis, seen = {}, np.zeros(n, bool)
            for q in sorted({j % ps for j in range(k)}):
                width = max(j // ps for j in range(k) if j % ps == q) + s // ps * (o - 1) + 1
                first = max(0, -(-(q0 - q) // ps))
                stop = max(first, min(width, -(-(n + q0 - q) // ps)))
                src = slice(q + ps * first - q0, q + ps * (stop - 1) - q0 + 1, ps)
                if stop > first:
                    seen[src] = True
                axis[q] = (width, first, stop, src)
                self.in_place = self.in_place and first == 0 and stop == width
            self.uncovered = self.uncovered or not seen.all()
            axes.append(axis)
        # per phase key: (plane shape, inside index, input index, border indices); None
        # for the indices of a phase of padding only
        self.phases = {}
        for key in product(*(tuple(axis) for axis in axes)):
            geo = [axis[q] for axis, q in zip(axes, key, strict=True)]
            shape = tuple(width for width, _, _, _ in geo)
            if any(stop == first for _, first, stop, _ in geo):
                self.phases[key] = (shape, None, None, ((Ellipsis,),))
                continue
            borders = []
            for a, (width, first, stop, _) in enumerate(geo):
                before = (slice(None),) * (a + 1)
                if first:
                    borders.append(before + (slice(0, first),))
                if stop < width:
                    borders.append(before + (slice(stop, None),))
            self.phases[key] = (
                shape, (slice(None),) + tuple(slice(first, stop) for _, first, stop, _ in geo),
                (slice(None),) + tuple(src for _, _, _, src in geo), tuple(borders))
        # per kernel offset, in scan order: (flat index, phase key, view index)
        self.at = tuple(
            (flat, tuple(k % ps for k, ps in zip(offset, self.step, strict=True)),
             (slice(None),) + tuple(slice(k // ps, k // ps + s // ps * (o - 1) + 1, s // ps)
                                    for k, ps, s, o in zip(offset, self.step, self.stride,
                                                           self.out, strict=True)))
            for flat, offset in enumerate(product(*(range(k) for k in self.kernel))))

    @property
    def padded(self) -> bool:
        return any(self.pad) or any(self.right)

    def direct(self) -> bool:
        """No padding and no phased axis: the offsets' views read the input itself."""
        return not self.padded and all(ps == 1 for ps in self.step)

    def block_planes(self, xp, planes, itemsize):
        """Planes per block: about 4 MiB of phases with NumPy (at the ResNet stem, blocks
        of 2-3 MiB ran 13-14 ms, 13 MiB 30-36 ms and whole arrays 55 ms); one block with
        CuPy, where each operation is a kernel launch."""
        if xp is not np:
            return max(planes, 1)
        size = itemsize * sum(math.prod(shape) for shape, _, _, _ in self.phases.values())
        return max(1, min(planes, _BLOCK_BYTES // max(size, 1)))

    def fill_phases(self, x, phases, value):
        """Write the phases of the padded block ``x`` (planes, *sizes) into ``phases``
        (key -> array of the key's plane shape): input values inside, ``value`` around."""
        for key, buf in phases.items():
            _, inside, source, borders = self.phases[key]
            if inside is not None:
                buf[inside] = x[source]
            for at in borders:
                buf[at] = value

    def views(self, phases):
        """``(flat index, view)`` per kernel offset: the padded-input values that offset
        contributes to every output of the block, read from ``phases`` (key -> array;
        ``{(0, ...): x}`` when :meth:`direct`)."""
        for flat, key, at in self.at:
            yield flat, phases[key][at]

    def strided_phases(self, grad):
        """The gradient phases as strided views of the input-shaped block ``grad``, when
        there is no padding and every phase lies inside the input (else None): the offsets
        then add straight into the gradient, with no copy back (LeNet's pool1 backward
        0.85-0.89 -> 0.72-0.76 ms at load 3)."""
        if not self.in_place:
            return None
        return {key: grad[source] for key, (_, _, source, _) in self.phases.items()}

    def scatter(self, phases, grad, req):
        """Write (or add, ``req='add'``) the phases of a padded gradient block back into the
        input-shaped block ``grad``; input positions that no window reaches get 0."""
        if req != "add" and self.uncovered:
            grad[...] = 0
        for key, buf in phases.items():
            _, inside, source, _ = self.phases[key]
            if inside is None:
                continue
            if req == "add":
                grad[source] += buf[inside]
            else:
                grad[source] = buf[inside]

    def divisor(self, include_pad: bool, backward=False):
        """:meth:`pool_size` as the avg forward divides by it: a window that lies wholly in
        the padding ('full' convention) sums nothing, and MXNet's 1-D and 2-D kernels then
        write that 0 (its 3-D kernel writes NaN, as 0/0 does); the backward never reads
        such a window's gradient, so it divides by 1 there."""
        size = self.pool_size(include_pad)
        if backward or len(self.kernel) < 3:
            size = np.where(size == 0, 1, size)
        return size

    def pool_size(self, include_pad: bool):
        """MXNet's per-window divisor for avg (pool.h): clipped to the padded input, or to
        the real input without count_include_pad; the per-axis product, as MXNet forms it."""
        size = np.ones((), np.int64)
        for o, s, k, q, n in zip(self.out, self.stride, self.kernel, self.pad, self.sizes,
                                 strict=True):
            start = np.arange(o) * s - q
            end = np.minimum(start + k, n + q)
            axis = end - start if include_pad else np.minimum(end, n) - np.maximum(start, 0)
            size = np.multiply.outer(size, axis)
        return size


@lru_cache(maxsize=256)
def _cached_plan(*key):
    return _PoolPlan(*key)


def _plan(p, in_shape, out_shape):
    """The :class:`_PoolPlan` of a call, built once per geometry (its phase layout costs
    ~30 us of Python, 5% of LeNet's pooling)."""
    return _cached_plan(bool(p.global_pool), tuple(p.kernel), tuple(p.stride), tuple(p.pad),
                        tuple(in_shape), tuple(out_shape))


def _checked_index(shape, i):
    """``shape[i]`` with the error of MXNet's TShape::operator[] when ``i`` is out of range."""
    if i >= len(shape):
        raise InferError("Check failed: i >= 0 && i < ndim(): index = %d must be in range "
                         "[0, %d)" % (i, len(shape)))
    return shape[i]


def _fill_value(dtype, pool_type):
    # max pooling starts from MXNet's MinValue (the dtype's lowest), so padding never wins
    if pool_type != "max":
        return 0
    dtype = np.dtype(dtype)
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _mark_untracked(idx):
    # forward(is_train=False) skips the running max position: a -1 in the first element of
    # the workspace (valid positions are >= 0) tells the backward to find them again
    if idx.size:
        idx[(0,) * idx.ndim] = -1


def _tracked(idx) -> bool:
    return idx.size == 0 or int(idx[(0,) * idx.ndim]) >= 0


class _Scratch:
    """Buffers of one call, allocated at the first block and sliced for the others."""

    def __init__(self, xp, planes):
        self.xp, self.planes, self.arrays = xp, planes, {}

    def get(self, name, shape, dtype, n):
        a = self.arrays.get(name)
        if a is None:
            a = self.arrays[name] = self.xp.empty((self.planes,) + tuple(shape), dtype)
        return a[:n]

    def phases(self, plan, name, dtype, n):
        return {key: self.get((name, key), shape, dtype, n)
                for key, (shape, _, _, _) in plan.phases.items()}


def _blocks(total, per):
    return ((lo, min(lo + per, total)) for lo in range(0, total, per))


def _planes(a):
    """``(N*C, *spatial)`` of a C-contiguous array: a view."""
    return a.reshape((-1,) + tuple(a.shape[2:]))


def _max_block(xp, views, out, where, scratch, n):
    """Running max of ``views`` into ``out``; with ``where`` (int8 or int32, the block's
    positions) also the flat offset of the first maximum in scan order."""
    small = None if where is None else where.dtype
    for k, view in views:
        if k == 0:
            out[...] = view
            if small is not None:
                where[...] = 0
            continue
        if small is None:
            xp.maximum(out, view, out=out)
            continue
        better = scratch.get("better", out.shape[1:], bool, n)
        step = scratch.get("step", out.shape[1:], small, n)
        # strict '>' keeps the first maximum in scan order, as MXNet does. The position is
        # the last k whose value beat the running max, i.e. max_k(k * better_k): two int8
        # passes (better viewed as 0/1 int8) against three for idx += better * (k - idx)
        xp.greater(view, out, out=better)
        xp.maximum(out, view, out=out)
        if small == np.int8:
            xp.multiply(better.view(np.int8), np.int8(k), out=step)
        else:
            xp.multiply(better, small.type(k), out=step)
        xp.maximum(where, step, out=where)


def _input_phases(plan, scratch, x, value, n):
    """The views' source for one block of the input: its padded phases, or the block."""
    if plan.direct():
        return {(0,) * len(plan.sizes): x}
    phases = scratch.phases(plan, "x", x.dtype, n)
    plan.fill_phases(x, phases, value)
    return phases


def _position_type(plan):
    # the narrowest integer type that holds the flat offset: 4x less traffic than int32
    return np.int8 if math.prod(plan.kernel) <= 127 else np.int32


def _onednn_alg(p, plan):
    """oneDNN's algorithm for this pooling, or None where its windows or divisors differ
    from MXNet's (sum, Lp and 'same' pooling; an average counting padding whose last window
    reaches past it, which MXNet does not count; a pad as large as the kernel)."""
    if p.pooling_convention == "same" or p.pool_type not in ("max", "avg") or any(
            q >= k for q, k in zip(plan.pad, plan.kernel, strict=True)):
        return None
    if p.pool_type == "max":
        return _onednn.POOL_MAX
    if p.count_include_pad is False:
        return _onednn.POOL_AVG_EXCLUDE
    if any(r > q for r, q in zip(plan.right, plan.pad, strict=True)):
        return None
    return _onednn.POOL_AVG_INCLUDE


def runs_in_onednn(p, x, out) -> bool:
    """Whether a oneDNN plan runs this pooling of bound arrays ``x`` into ``out`` as a oneDNN
    primitive: float32, 2-D or 3-D, not empty, windows oneDNN counts as MXNet does.

    >>> import numpy as np
    >>> from symnb.ops import get_op
    >>> p = get_op('Pooling').parse({'kernel': '(2, 2)', 'stride': '(2, 2)'})
    >>> runs_in_onednn(p, np.zeros((1, 1, 4, 4), np.float32), np.zeros((1, 1, 2, 2), np.float32))
    True
    """
    return x.dtype == out.dtype == np.float32 and x.ndim in (4, 5) and out.size > 0 and \
        _onednn_alg(p, _plan(p, x.shape, out.shape)) is not None


def _p_value(p):
    value = 1 if p.p_value is None else p.p_value   # MXNet: lp without p_value acts as p=1
    if value not in (1, 2, 3):
        raise MXNetError("MXNetError: p value of %d is not supported yet..." % value)
    return value


@register
class Pooling(OpDef):
    """Max, average, sum or Lp pooling over 1-D, 2-D or 3-D windows (NCW / NCHW / NCDHW).

    Output size per axis: ``(x + 2 * pad - kernel) // stride + 1`` ('valid'), rounded up
    instead for 'full', ``ceil(x / stride)`` for 'same'; ``global_pool`` reduces the whole
    spatial extent. Max pooling has a hidden second output (MXNet's workspace, int32): the
    position of the maximum inside each window, which the backward uses (ties: the first).

    >>> import symnb as mx
    >>> pool = mx.sym.Pooling(mx.sym.var('data'), kernel=(2, 2), stride=(2, 2),
    ...                       pool_type='max', name='pool')
    >>> pool.infer_shape(data=(1, 2, 5, 5))
    ([(1, 2, 5, 5)], [(1, 2, 2, 2)], [])
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "Pooling"
    refused_dtypes = NOT_REAL
    param_error_suffix = False      # PoolingParamParser adds no ", in operator"
    family = "pool"
    params = (
        Param("kernel", "Shape(tuple), optional, default=[]",
              "Pooling kernel size: (y, x) or (d, y, x)"),
        Param("pool_type", "{'avg', 'lp', 'max', 'sum'},optional, default='max'",
              "Pooling type to be applied."),
        Param("global_pool", "boolean, optional, default=0",
              "Ignore kernel size, do global pooling based on current input feature map. "),
        Param("cudnn_off", "boolean, optional, default=0",
              "Turn off cudnn pooling and use MXNet pooling operator. "),
        Param("pooling_convention", "{'full', 'same', 'valid'},optional, default='valid'",
              "Pooling convention to be applied."),
        Param("stride", "Shape(tuple), optional, default=[]",
              "Stride: for pooling (y, x) or (d, y, x). Defaults to 1 for each dimension."),
        Param("pad", "Shape(tuple), optional, default=[]",
              "Pad for pooling: (y, x) or (d, y, x). Defaults to no padding."),
        Param("p_value", "int or None, optional, default='None'",
              "Value of p for Lp pooling, can be 1 or 2, required for Lp Pooling."),
        Param("count_include_pad", "boolean or None, optional, default=None",
              "Only used for AvgPool, specify whether to count padding elements for "
              "averagecalculation. For example, with a 5*5 kernel on a 3*3 corner of a "
              "image,the sum of the 9 valid elements will be divided by 25 if this is set to "
              "true,or it will be divided by 9 if this is set to false. Defaults to true."),
        Param("layout", "{None, 'NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC'},optional, "
              "default='None'",
              "Set layout for input and output. Empty for\n    default layout: NCW for 1d, "
              "NCHW for 2d and NCDHW for 3d."),
    )

    def parse(self, attrs, node_name=""):
        # MXNet's PoolingParamParser: defaults per kernel rank and nothing more; a stride or
        # pad of another length is read index by index in the shape rule (_checked_index)
        p = parse_params(self, attrs, node_name)
        nd = len(p.kernel)
        if nd > 3 or (nd == 0 and not p.global_pool):
            raise MXNetError("MXNetError: " + check_failed(
                "param.kernel.ndim()", "==", "3U", nd, 3, "%dD pooling not supported" % nd))
        if nd:
            for key in ("stride", "pad"):
                if len(p[key]) == 0:
                    p[key] = (1 if key == "stride" else 0,) * nd
        return p

    def num_outputs_total(self, p):
        # MXNet (oneDNN build) adds a workspace output for max pooling in NC* layouts
        has_workspace = p.pool_type == "max" and 1 <= len(p.kernel) <= 3 \
            and p.layout in (None, "NCW", "NCHW", "NCDHW")
        return 2 if has_workspace else 1

    def hidden_output_names(self, p):
        # MXNet's FListOutputNames names the oneDNN workspace (seen by the monitor)
        return ("output", "workspace")[:self.num_outputs_total(p)]

    def label(self, p, attrs):
        return "Pooling\n%s, %s/%s" % (p.pool_type, digit_label(attrs.get("kernel"), "[]"),
                                       digit_label(attrs.get("stride")))

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        rank = len(data)
        if p.pooling_convention == "same":
            if rank != 3:
                raise InferError(check_failed(
                    "dshape.ndim()", "==", "3U", rank, 3, "Pooling: Input data should be 3D "
                    "in (batch, channel, x). Currently 'same' supports Max Pooling 1-D"))
            # MXNet reads pad[0], pad[1], pad[2] in turn (short-circuit): a non-zero entry
            # refuses 'same', a pad shorter than 3 fails on the first missing index
            for i in range(3):
                if _checked_index(p.pad, i):
                    raise InferError("Check failed: param.pad[0] == 0 && param.pad[1] == 0 "
                                     "&& param.pad[2] == 0: Same pooling convention disables "
                                     "the use of pad parameter.")
        if not 3 <= rank <= 5:
            raise InferError(check_failed(
                "dshape.ndim()", ">=" if rank < 3 else "<=", "3" if rank < 3 else "5", rank,
                3 if rank < 3 else 5, "Pooling: Input data should be  3D in (batch, channel, "
                "x) Or 4D in (batch, channel, y, x)  Or 5D in (batch, channel, d, y, x)"))
        if p.layout is not None and p.layout != _NC_LAYOUTS[rank]:
            raise InferError("Pooling: symnb implements layout %s for %d-D data, got layout=%s"
                             % (_NC_LAYOUTS[rank], rank, p.layout))
        if p.global_pool:
            out = tuple(data[:2]) + (1,) * (rank - 2)
        elif not p.kernel:
            return
        else:
            out = tuple(data[:2]) + self._pooled(p, data)
        for i in range(self.num_outputs_total(p)):
            shape_assign(outs, i, out)

    @staticmethod
    def _pooled(p, data):
        nd = len(p.kernel)
        if len(data) != nd + 2:
            what = {1: "3D in (batch, channel, x)", 2: "4D in (batch, channel, y, x)",
                    3: "5D in (batch, channel, d, y, x)"}[nd]
            raise InferError(check_failed("dshape.ndim()", "==", "%dU" % (nd + 2), len(data),
                                          nd + 2, "Pooling: Input data should be " + what))
        # MXNet reads pad[0..nd) then stride[0..nd): entries beyond the kernel's rank are
        # ignored, a missing one fails like TShape's operator[]
        pads = [_checked_index(p.pad, i) for i in range(nd)]
        strides = [_checked_index(p.stride, i) for i in range(nd)]
        sizes = []
        for i, (x, k, s, q) in enumerate(zip(data[2:], p.kernel, strides, pads, strict=True)):
            if not x:
                sizes.append(0)
                continue
            if k > x + 2 * q:
                raise InferError("Check failed: param.kernel[%d] <= dshape[%d] + 2 * "
                                 "param.pad[%d]: kernel size (%d) exceeds input (%d padded to "
                                 "%d)" % (i, i + 2, i, k, x, x + 2 * q))
            if p.pooling_convention == "valid":
                sizes.append(1 + (x + 2 * q - k) // s)
            elif p.pooling_convention == "full":
                sizes.append(1 + -(-(x + 2 * q - k) // s))
            else:
                sizes.append(-(-(x + 2 * q) // s))
        return tuple(sizes)

    def infer_type(self, p, ins, outs):
        # MXNet's PoolingType: the output takes the data's type; the workspace is int32
        if ins[0] is not None:
            outs[0] = ins[0]
        if len(outs) > 1:
            outs[1] = np.dtype(np.int32)

    def forward(self, p, ins, outs, is_train, rt):
        xp, x, out = rt.xp, ins[0], outs[0]
        plan = _plan(p, x.shape, out.shape)
        idx = outs[1] if len(outs) > 1 else None
        if idx is not None and not is_train:
            # the output needs no positions (4 passes per offset -> 1; ResNet stem, batch
            # 16: 13-17 against 22-36 ms); a backward finds them again
            _mark_untracked(idx)
            idx = None
        alg = _onednn_alg(p, plan) if xp is np and _onednn.LAYERS[0] else None
        if alg is not None and _onednn.pool_forward(x, out, alg, plan.kernel, plan.stride,
                                                    plan.pad, idx):
            return
        if p.global_pool:      # one window: reduce the flattened plane
            flat = x.reshape(x.shape[:2] + (-1,))
            if p.pool_type == "max":
                out[...] = flat.max(axis=-1).reshape(out.shape)
                if idx is not None:
                    idx[...] = flat.argmax(axis=-1).reshape(idx.shape)
            elif p.pool_type == "lp":
                pv = _p_value(p)
                out[...] = _lp_root(xp, _lp_pow(xp, flat, pv).sum(axis=-1), pv).reshape(
                    out.shape)
            else:
                out[...] = flat.sum(axis=-1).reshape(out.shape)
                if p.pool_type == "avg":
                    out /= xp.asarray(plan.pool_size(True), out.dtype)
            return
        if not out.size:
            return
        # blocks of planes, one pass per kernel offset over each block's phases
        dst = out if out.flags.c_contiguous else xp.empty(out.shape, out.dtype)
        pos = None if idx is None else idx if idx.flags.c_contiguous else xp.empty(
            idx.shape, idx.dtype)
        xs, outs_ = _planes(x), _planes(dst)
        total = xs.shape[0]
        per = plan.block_planes(xp, total, x.dtype.itemsize)
        scratch = _Scratch(xp, per)
        fill, small = _fill_value(x.dtype, p.pool_type), _position_type(plan)
        pv = _p_value(p) if p.pool_type == "lp" else None
        size = xp.asarray(plan.divisor(p.count_include_pad is not False), out.dtype) \
            if p.pool_type == "avg" else None
        for lo, hi in _blocks(total, per):
            n, oc = hi - lo, outs_[lo:hi]
            views = plan.views(_input_phases(plan, scratch, xs[lo:hi], fill, n))
            if p.pool_type == "max":
                where = None
                if pos is not None:
                    where = _planes(pos)[lo:hi] if small == pos.dtype else scratch.get(
                        "where", plan.out, small, n)
                _max_block(xp, views, oc, where, scratch, n)
                if where is not None and small != pos.dtype:
                    _planes(pos)[lo:hi] = where       # widened once per block
                continue
            for k, view in views:
                term = view if pv is None else _lp_pow(xp, view, pv)
                if k == 0:
                    oc[...] = term
                else:
                    oc += term
            if pv is not None:
                oc[...] = _lp_root(xp, oc, pv)
            elif size is not None:
                if xp is np:                    # 0/0 is MXNet's NaN for an empty 3-D window
                    with np.errstate(invalid="ignore", divide="ignore"):
                        oc /= size
                else:
                    oc /= size
        if dst is not out:
            out[...] = dst
        if pos is not None and pos is not idx:
            idx[...] = pos

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x, out, g = rt.xp, ins[0], outs[0], ograds[0]
        plan = _plan(p, x.shape, out.shape)
        idx = outs[1] if p.pool_type == "max" and len(outs) > 1 else None
        if idx is not None and not _tracked(idx):
            idx = None                  # forward(is_train=False): positions found again
        alg = _onednn_alg(p, plan) if xp is np and _onednn.LAYERS[0] else None
        if alg is not None:
            dx = igrads[0] if reqs[0] == "write" else np.empty_like(x)
            if _onednn.pool_backward(x, g, dx, alg, plan.kernel, plan.stride, plan.pad, idx):
                if dx is not igrads[0]:
                    assign(igrads[0], dx, reqs[0])
                return
        if p.pool_type == "avg":
            g = g / xp.asarray(plan.divisor(p.count_include_pad is not False, backward=True),
                               g.dtype)
        if p.global_pool:
            flat = x.reshape(x.shape[:2] + (-1,))
            g, out = g.reshape(g.shape[:2] + (1,)), out.reshape(g.shape[:2] + (1,))
            if p.pool_type == "max":
                if idx is None:
                    idx = flat.argmax(axis=-1)
                grad = xp.where(idx.reshape(g.shape) == xp.arange(flat.shape[-1]), g, 0)
            elif p.pool_type == "lp":
                # p=1: the factor is the scalar 1 (broadcast, or the reshape below fails)
                grad = xp.broadcast_to(g * _lp_grad(flat, out, _p_value(p)), flat.shape)
            else:
                grad = xp.broadcast_to(g, flat.shape)
            assign(igrads[0], grad.reshape(x.shape), reqs[0])
            return
        req = reqs[0]
        if not out.size:
            assign(igrads[0], xp.zeros(x.shape, x.dtype), req)
            return
        target = igrads[0] if igrads[0].flags.c_contiguous else xp.empty(x.shape, x.dtype)
        part = req if target is igrads[0] else "write"
        # windows that do not overlap (stride >= kernel): every offset writes its own slab;
        # when they also tile the unpadded input, no position is left to zero
        disjoint = all(s >= k for s, k in zip(plan.stride, plan.kernel, strict=True))
        tiled = p.pool_type == "max" and not plan.padded and plan.stride == plan.kernel \
            and all(o * k == n for o, k, n in zip(plan.out, plan.kernel, plan.sizes,
                                                  strict=True))
        xs, gs, outs_, ts = _planes(x), _planes(g), _planes(out), _planes(target)
        total = xs.shape[0]
        per = plan.block_planes(xp, total, x.dtype.itemsize)
        scratch = _Scratch(xp, per)
        small, pv = _position_type(plan), _p_value(p) if p.pool_type == "lp" else None
        for lo, hi in _blocks(total, per):
            n, gc = hi - lo, gs[lo:hi]
            phases = plan.strided_phases(ts[lo:hi]) if part != "add" else None
            if phases is not None:
                back = False
                if not tiled:
                    ts[lo:hi] = 0
            else:
                back, phases = True, scratch.phases(plan, "grad", x.dtype, n)
                if not tiled:
                    for buf in phases.values():
                        buf[...] = 0
            terms = None
            if p.pool_type == "max":
                if idx is not None:       # narrowed once: the compares then read 4x less
                    where = scratch.get("where", plan.out, small, n)
                    where[...] = _planes(idx)[lo:hi]
                else:       # the forward's scan again: the same positions, ties included
                    where = scratch.get("where", plan.out, small, n)
                    _max_block(xp, plan.views(_input_phases(
                        plan, scratch, xs[lo:hi], _fill_value(x.dtype, "max"), n)),
                        scratch.get("max", plan.out, x.dtype, n), where, scratch, n)
                hit = scratch.get("hit", plan.out, bool, n)
                term = scratch.get("term", plan.out, x.dtype, n)
            elif pv is not None:
                terms = plan.views(_input_phases(plan, scratch, xs[lo:hi], 0, n))
                oc = outs_[lo:hi]
            # one add per kernel offset into the block's gradient phases (contiguous rows):
            # each position sums the same terms in the same (scan) order as a whole-array
            # pass would, so the gradient does not depend on the blocks
            # MXNet routes each output gradient to its window's maximum alone: an inf or
            # NaN gradient must not reach the other positions (inf * 0), so a block with
            # one selects instead of multiplying by the hits (the sum is finite unless an
            # element is not, or the sum overflows, which only takes the select path too)
            finite = p.pool_type != "max" or bool(xp.isfinite(gc.sum()))
            for k, dest in plan.views(phases):
                if p.pool_type == "max":
                    xp.equal(where, k, out=hit)
                    out_k = dest if disjoint else term
                    if finite:
                        xp.multiply(gc, hit, out=out_k)
                    else:
                        out_k[...] = 0
                        xp.copyto(out_k, gc, where=hit)
                    if not disjoint:
                        dest += term
                elif terms is not None:
                    dest += gc * _lp_grad(next(terms)[1], oc, pv)
                else:
                    dest += gc
            if back:
                plan.scatter(phases, ts[lo:hi], part)
        if target is not igrads[0]:
            assign(igrads[0], target, req)
