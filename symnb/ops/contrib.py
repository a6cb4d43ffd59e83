"""Dense ``mx.sym.contrib`` operators: arange_like, div_sqrt_dim, gradientmultiplier,
index_copy, index_array, round_ste, sign_ste, quadratic.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import OpDef, ZeroGradient, assign, register
from ._rules import elemwise_shape, fully_known, uniform_type
from .elemwise import _SCALAR_PARAMS, _round_half_away
from .shape import ShapeOrNone, _np, check, check_axis, sassign, type_assign_check

__all__ = []


def _ndim(shape):
    """MXNet's ``ndim()``: -1 for an unknown shape."""
    return -1 if shape is None else len(shape)


@register
class _contrib_arange_like(ZeroGradient, OpDef):  # noqa: N801 -- MXNet's operator name
    """``start, start + step, ...`` (each repeated) in the shape of ``data`` (or of its
    ``axis``).

    >>> import symnb as mx
    >>> mx.nd.contrib.arange_like(mx.nd.ones((2, 3)), start=1, axis=1).asnumpy()
    array([1., 2., 3.], dtype=float32)
    """

    name = "_contrib_arange_like"
    family = "init"
    loss_head = True
    params = (
        Param("start", "double, optional, default=0",
              "Start of interval. The interval includes this value. The default start value "
              "is 0."),
        Param("step", "double, optional, default=1", "Spacing between values."),
        Param("repeat", "int, optional, default='1'",
              "The repeating time of all elements. E.g repeat=3, the element a will be "
              "repeated three times --> a, a, a."),
        Param("ctx", "string, optional, default=''",
              "Context of output, in format [cpu|gpu|cpu_pinned](n).Only used for imperative "
              "calls."),
        Param("axis", "int or None, optional, default='None'",
              "Arange elements according to the size of a certain axis of input array. The "
              "negative numbers are interpreted counting from the backward. If not provided, "
              "will arange elements according to the input shape."),
    )

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if p.axis is not None:
            ndim = -1 if data is None else len(data)
            real = p.axis + ndim if p.axis < 0 else p.axis
            check(0 <= real < ndim, "real_axis >=0 && real_axis < (*in_attrs)[0].ndim(): "
                  "cannot handle param.axis %d." % p.axis)
        if not fully_known(data):
            return
        if p.axis is None:
            sassign(outs, 0, data)
        else:
            sassign(outs, 0, (data[check_axis(p.axis, len(data))],))

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        steps = (rt.xp.arange(out.size) // p.repeat).astype(out.dtype)
        out[...] = (out.dtype.type(p.start) + steps * out.dtype.type(p.step)).reshape(out.shape)


class _Unary(OpDef):
    family = "elementwise"

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)


@register
class _contrib_div_sqrt_dim(_Unary):  # noqa: N801 -- MXNet's operator name
    """``data / sqrt(data.shape[-1])`` (attention's scaling).

    >>> import symnb as mx
    >>> mx.nd.contrib.div_sqrt_dim(mx.nd.ones((1, 4))).asnumpy()
    array([[0.5, 0.5, 0.5, 0.5]], dtype=float32)
    """

    name = "_contrib_div_sqrt_dim"

    @staticmethod
    def _divide(xp, a, dim):
        # MXNet divides by DType(sqrt(dim)): an integer type truncates the root, then divides
        # as C does (towards zero)
        d = a.dtype.type(math.sqrt(dim))
        if a.dtype.kind == "f":
            return a / d
        return xp.trunc(a / d).astype(a.dtype)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._divide(rt.xp, ins[0], ins[0].shape[-1])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], self._divide(rt.xp, ograds[0], ins[0].shape[-1]), reqs[0])


@register
class _contrib_gradientmultiplier(_Unary):  # noqa: N801 -- MXNet's operator name
    """Identity forward; the gradient is multiplied by ``scalar`` (gradient reversal with a
    negative one).

    >>> import symnb as mx
    >>> mx.nd.contrib.gradientmultiplier(mx.nd.ones((2,)), scalar=-1).asnumpy()
    array([1., 1.], dtype=float32)
    """

    name = "_contrib_gradientmultiplier"
    params = _SCALAR_PARAMS

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0] * ins[0].dtype.type(p.scalar), reqs[0])


class _StraightThrough(_Unary):
    """A rounding forward with the straight-through gradient (the head gradient itself)."""

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0], reqs[0])


@register
class _contrib_round_ste(_StraightThrough):  # noqa: N801 -- MXNet's operator name
    """``round(x)`` (halves away from zero) with the straight-through gradient.

    >>> import symnb as mx
    >>> mx.nd.contrib.round_ste(mx.nd.array([0.5, 1.4])).asnumpy()
    array([1., 1.], dtype=float32)
    """

    name = "_contrib_round_ste"
    aliases = ("_sparse__contrib_round_ste",)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = _round_half_away(rt.xp, ins[0])


@register
class _contrib_sign_ste(_StraightThrough):  # noqa: N801 -- MXNet's operator name
    """``sign(x)`` with the straight-through gradient.

    >>> import symnb as mx
    >>> mx.nd.contrib.sign_ste(mx.nd.array([-2.0, 3.0])).asnumpy()
    array([-1.,  1.], dtype=float32)
    """

    name = "_contrib_sign_ste"
    aliases = ("_sparse__contrib_sign_ste",)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.sign(ins[0])


@register
class _contrib_quadratic(_Unary):  # noqa: N801 -- MXNet's operator name
    """``a * x**2 + b * x + c``.

    >>> import symnb as mx
    >>> mx.nd.contrib.quadratic(mx.nd.array([1.0, 2.0]), a=1, b=1, c=1).asnumpy()
    array([3., 7.], dtype=float32)
    """

    name = "_contrib_quadratic"
    params = (Param("a", "float, optional, default=0", "Coefficient of the quadratic term in "
                    "the quadratic function."),
              Param("b", "float, optional, default=0", "Coefficient of the linear term in the "
                    "quadratic function."),
              Param("c", "float, optional, default=0", "Constant term in the quadratic "
                    "function."))

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        t = x.dtype.type
        outs[0][...] = t(p.a) * x * x + t(p.b) * x + t(p.c)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        x = ins[0]
        t = x.dtype.type
        assign(igrads[0], ograds[0] * (2 * t(p.a) * x + t(p.b)), reqs[0])


@register
class _contrib_index_copy(OpDef):  # noqa: N801 -- MXNet's operator name
    """``old_tensor`` with its rows ``index_vector`` replaced by the rows of ``new_tensor``.

    >>> import symnb as mx
    >>> out = mx.nd.contrib.index_copy(mx.nd.zeros((3, 2)), mx.nd.array([2]), mx.nd.ones((1, 2)))
    >>> out.asnumpy()
    array([[0., 0.],
           [0., 0.],
           [1., 1.]], dtype=float32)
    """

    name = "_contrib_index_copy"
    family = "index"
    inputs = ("old_tensor", "index_vector", "new_tensor")

    def infer_shape(self, p, ins, outs):
        old, idx, new = (_np(s) for s in ins)       # unknown dims are -1 in MXNet's rule
        nd_old, nd_idx, nd_new = (_ndim(s) for s in (old, idx, new))
        check(nd_idx == 1, "in_attrs->at(1).ndim() == 1 (%d vs. 1) : " % nd_idx)
        check(nd_old == nd_new, "in_attrs->at(0).ndim() == in_attrs->at(2).ndim() (%d vs. %d) "
              ": " % (nd_old, nd_new))
        for i in range(max(nd_old, 0)):
            if i == 0:
                check(old[0] >= new[0], "in_attrs->at(0)[i] >= in_attrs->at(2)[i] (%d vs. %d) : "
                      % (old[0], new[0]))
            else:
                check(old[i] == new[i], "in_attrs->at(0)[i] == in_attrs->at(2)[i] (%d vs. %d) : "
                      % (old[i], new[i]))
        check(nd_new > 0, "i >= 0 && i < ndim(): index = 0 must be in range [0, %d)" % nd_new)
        check(idx[0] == new[0], "in_attrs->at(1)[0] == in_attrs->at(2)[0] (%d vs. %d) : "
              % (idx[0], new[0]))
        sassign(outs, 0, old)
        sassign(ins, 0, _np(outs[0]))

    def infer_type(self, p, ins, outs):
        # MXNet ties the output to old_tensor only (new_tensor's type is not inferred)
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])

    def forward(self, p, ins, outs, is_train, rt):
        old, idx, new = ins
        outs[0][...] = old
        outs[0][idx.astype(np.int64)] = new

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        idx = ins[1].astype(np.int64)
        if igrads[0] is not None:
            g = ograds[0].copy()
            g[idx] = 0
            assign(igrads[0], g, reqs[0])
        # the index's gradient buffer is left as it is, as MXNet does
        if igrads[2] is not None:
            assign(igrads[2], ograds[0][idx], reqs[2])


@register
class _contrib_index_array(ZeroGradient, OpDef):  # noqa: N801 -- MXNet's operator name
    """The index of every element along ``axes`` (all axes by default), as int64: shape
    ``data.shape + (len(axes),)``.

    >>> import symnb as mx
    >>> mx.nd.contrib.index_array(mx.nd.ones((1, 2))).asnumpy().tolist()
    [[[0, 0], [0, 1]]]
    """

    name = "_contrib_index_array"
    family = "index"
    loss_head = True
    params = (ShapeOrNone("axes", "Shape or None, optional, default=None",
                          "The axes to include in the index array. Supports negative "
                          "values."),)

    def _axes(self, p, ndim):
        return tuple(range(ndim)) if p.axes is None else \
            tuple(check_axis(a, ndim) for a in p.axes)

    def infer_shape(self, p, ins, outs):
        if fully_known(ins[0]):
            sassign(outs, 0, tuple(ins[0]) + (len(self._axes(p, len(ins[0]))),))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.int64)

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        if x.ndim == 0:                 # a 0-d input: the output has shape (0,)
            return
        grids = rt.xp.indices(x.shape)
        outs[0][...] = rt.xp.stack([grids[a] for a in self._axes(p, x.ndim)], axis=-1)


# ----------------------------------------------------------------------------- attention
_HEADS = Param("heads", "int, required", "Set number of heads")


# MXNet's CPU kernels of the interleaved attention products check for float32 first
_FP32_ONLY = {t: "Check failed: inputs[0].type_flag_ == mshadow::kFloat32 (%d vs. 0) : Only FP32 "
              "is supported on CPU at the moment" % code
              for t, code in (("float64", 1), ("float16", 2), ("uint8", 3), ("int32", 4),
                              ("int8", 5), ("int64", 6), ("bool", 7))}


def _split_heads(x, heads, parts):
    """(T, N, heads * parts * D) -> (parts, N * heads, T, D): MXNet's interleaved layout puts
    each head's q/k/v (or k/v) side by side."""
    t, n, width = x.shape
    if width % (heads * parts):
        # MXNet's kernel runs on with the width truncated (reading the wrong entries)
        raise MXNetError("MXNetError: symnb: the last dim of the interleaved input (%d) is not "
                         "a multiple of %d * heads (%d)" % (width, parts, heads * parts))
    d = width // (heads * parts)
    y = x.reshape(t, n, heads, parts, d)
    return y.transpose(3, 1, 2, 0, 4).reshape(parts, n * heads, t, d)


def _merge_heads(y, t, n, heads, parts, xp):
    """The inverse of :func:`_split_heads`."""
    d = y.shape[-1]
    return y.reshape(parts, n, heads, t, d).transpose(3, 1, 2, 0, 4).reshape(
        t, n, heads * parts * d)


def _cdiv(a, b):
    """C++'s integer division (towards zero): an unknown -1 dim over 2 or 3 gives 0."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _cmod(a, b):
    """C++'s ``%`` (the sign of ``a``): ``-1 % 3`` is -1."""
    return a - b * _cdiv(a, b)


def _assign_tshape(outs, i, dims):
    """SHAPE_ASSIGN_CHECK of a TShape built from dims that may be -1 (unknown): a product
    such as ``heads * -1`` is no valid dim, and MXNet's shape checks refuse it."""
    for d in dims:
        check(d >= -1, "dim_size >= -1 (%d vs. -1) : shape dim size must be >= -1, while "
              "received %d" % (d, d))
    sassign(outs, i, dims)


class _Attention(OpDef):
    """MXNet's rules run on every call, unknown dims read as -1 (``_np``)."""

    family = "matrix"
    params = (_HEADS,)

    def _rank(self, shape, text):
        ndim = _ndim(shape)
        check(ndim == 3, text % (ndim, ndim))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)


@register
class _contrib_interleaved_matmul_selfatt_qk(_Attention):  # noqa: N801 -- MXNet's name
    """Self-attention scores ``q @ k.T / sqrt(d)`` per head from interleaved projections
    (T, N, heads * 3 * d): output (N * heads, T, T).

    >>> import symnb as mx
    >>> f = mx.sym.contrib.interleaved_matmul_selfatt_qk
    >>> f(mx.sym.var('qkv'), heads=2).infer_shape(qkv=(5, 3, 12))[1]
    [(6, 5, 5)]
    """

    name = "_contrib_interleaved_matmul_selfatt_qk"
    refused_dtypes = _FP32_ONLY
    inputs = ("queries_keys_values",)

    def infer_shape(self, p, ins, outs):
        qkv = _np(ins[0])
        self._rank(qkv, "qkv_shape.ndim() == 3U (%d vs. 3) : Input queries_keys_values should "
                   "be 3D in seq_length-batch-proj_dim, currently is: %dD")
        _assign_tshape(outs, 0, (p.heads * qkv[1], qkv[0], qkv[0]))

    def forward(self, p, ins, outs, is_train, rt):
        q, k, _ = _split_heads(ins[0], p.heads, 3)
        scale = ins[0].dtype.type(1 / math.sqrt(q.shape[-1]))
        outs[0][...] = (q * scale) @ k.swapaxes(-1, -2)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x, g = rt.xp, ins[0], ograds[0]
        q, k, _ = _split_heads(x, p.heads, 3)
        scale = x.dtype.type(1 / math.sqrt(q.shape[-1]))
        dq, dk = (g @ k) * scale, (g.swapaxes(-1, -2) @ q) * scale
        parts = xp.stack([dq, dk, xp.zeros_like(dq)])
        assign(igrads[0], _merge_heads(parts, x.shape[0], x.shape[1], p.heads, 3, xp), reqs[0])


@register
class _contrib_interleaved_matmul_selfatt_valatt(_Attention):  # noqa: N801 -- MXNet's name
    """Attention-weighted values ``attention @ v`` per head from interleaved projections:
    output (T, N, heads * d).

    >>> import symnb as mx
    >>> f = mx.sym.contrib.interleaved_matmul_selfatt_valatt
    >>> f(mx.sym.var('qkv'), mx.sym.var('att'), heads=2).infer_shape(qkv=(5, 3, 12),
    ...                                                              att=(6, 5, 5))[1]
    [(5, 3, 4)]
    """

    name = "_contrib_interleaved_matmul_selfatt_valatt"
    refused_dtypes = _FP32_ONLY
    inputs = ("queries_keys_values", "attention")

    def infer_shape(self, p, ins, outs):
        qkv, att = _np(ins[0]), _np(ins[1])
        self._rank(qkv, "qkv_shape.ndim() == 3U (%d vs. 3) : Input queries_keys_values should "
                   "be 3D in seq_length-batch-3*proj_dim, currently is: %dD")
        self._rank(att, "att_shape.ndim() == 3U (%d vs. 3) : Input attention should be 3D in "
                   "batch-seq_length-seq_length, currently is: %dD")
        for k in (1, 2):
            check(qkv[0] == att[k], "qkv_shape[0] == att_shape[%d] (%d vs. %d) : "
                  "queries_keys_values.shape[0] and attention.shape[%d] should be the same, "
                  "currently are %d and %d" % (k, qkv[0], att[k], k, qkv[0], att[k]))
        check(_cmod(qkv[2], 3) == 0, "qkv_shape[2] %% 3 == 0 (%d vs. 0) : queries_keys_values."
              "shape[2] should be a multiple of 3, currently is %d" % (_cmod(qkv[2], 3), qkv[2]))
        _assign_tshape(outs, 0, (qkv[0], qkv[1], _cdiv(qkv[2], 3)))

    def forward(self, p, ins, outs, is_train, rt):
        x, att = ins
        v = _split_heads(x, p.heads, 3)[2]
        out = att @ v                                          # (N*heads, T, d)
        outs[0][...] = _merge_heads(out[None], x.shape[0], x.shape[1], p.heads, 1, rt.xp)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, (x, att), g = rt.xp, ins, ograds[0]
        v = _split_heads(x, p.heads, 3)[2]
        gh = _split_heads(g, p.heads, 1)[0]                    # (N*heads, T, d)
        dv = att.swapaxes(-1, -2) @ gh
        parts = xp.stack([xp.zeros_like(dv), xp.zeros_like(dv), dv])
        assign(igrads[0], _merge_heads(parts, x.shape[0], x.shape[1], p.heads, 3, xp), reqs[0])
        assign(igrads[1], gh @ v.swapaxes(-1, -2), reqs[1])


@register
class _contrib_interleaved_matmul_encdec_qk(_Attention):  # noqa: N801 -- MXNet's name
    """Encoder-decoder attention scores ``q @ k.T / sqrt(d)`` per head: queries
    (Tq, N, heads * d), interleaved keys/values (Tk, N, heads * 2 * d); output
    (N * heads, Tq, Tk).

    >>> import symnb as mx
    >>> f = mx.sym.contrib.interleaved_matmul_encdec_qk
    >>> f(mx.sym.var('q'), mx.sym.var('kv'), heads=2).infer_shape(q=(4, 3, 6),
    ...                                                           kv=(5, 3, 12))[1]
    [(6, 4, 5)]
    """

    name = "_contrib_interleaved_matmul_encdec_qk"
    refused_dtypes = _FP32_ONLY
    inputs = ("queries", "keys_values")

    def infer_shape(self, p, ins, outs):
        q, kv = _np(ins[0]), _np(ins[1])
        self._rank(q, "q_shape.ndim() == 3U (%d vs. 3) : Input queries should be 3D in "
                   "seq_length-batch-proj_dim, currently is %dD")
        # (MXNet's text for the keys_values check says "queries")
        self._rank(kv, "kv_shape.ndim() == 3U (%d vs. 3) : Input queries should be 3D in "
                   "seq_length-batch-2*proj_dim, currently is %dD")
        check(q[2] * 2 == kv[2], "q_shape[2] * 2 == kv_shape[2] (%d vs. %d) : keys_values."
              "shape[2] should be equal to queries.shape[2] * 2, currently are: %d and %d"
              % (q[2] * 2, kv[2], kv[2], q[2]))
        check(q[1] == kv[1], "q_shape[1] == kv_shape[1] (%d vs. %d) : queries.shape[1] should "
              "be equal to keys_values.shape[1], currently are: %d and %d"
              % (q[1], kv[1], q[1], kv[1]))
        _assign_tshape(outs, 0, (q[1] * p.heads, q[0], kv[0]))

    def forward(self, p, ins, outs, is_train, rt):
        q = _split_heads(ins[0], p.heads, 1)[0]
        k = _split_heads(ins[1], p.heads, 2)[0]
        scale = ins[0].dtype.type(1 / math.sqrt(q.shape[-1]))
        outs[0][...] = (q * scale) @ k.swapaxes(-1, -2)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, (qx, kvx), g = rt.xp, ins, ograds[0]
        q = _split_heads(qx, p.heads, 1)[0]
        k = _split_heads(kvx, p.heads, 2)[0]
        scale = qx.dtype.type(1 / math.sqrt(q.shape[-1]))
        dq, dk = (g @ k) * scale, (g.swapaxes(-1, -2) @ q) * scale
        assign(igrads[0], _merge_heads(dq[None], qx.shape[0], qx.shape[1], p.heads, 1, xp),
               reqs[0])
        parts = xp.stack([dk, xp.zeros_like(dk)])
        assign(igrads[1], _merge_heads(parts, kvx.shape[0], kvx.shape[1], p.heads, 2, xp),
               reqs[1])


@register
class _contrib_interleaved_matmul_encdec_valatt(_Attention):  # noqa: N801 -- MXNet's name
    """Attention-weighted values ``attention @ v`` per head from interleaved keys/values
    (Tk, N, heads * 2 * d) and attention (N * heads, Tq, Tk): output (Tq, N, heads * d).

    >>> import symnb as mx
    >>> f = mx.sym.contrib.interleaved_matmul_encdec_valatt
    >>> f(mx.sym.var('kv'), mx.sym.var('att'), heads=2).infer_shape(kv=(5, 3, 12),
    ...                                                            att=(6, 4, 5))[1]
    [(4, 3, 6)]
    """

    name = "_contrib_interleaved_matmul_encdec_valatt"
    refused_dtypes = _FP32_ONLY
    inputs = ("keys_values", "attention")

    def infer_shape(self, p, ins, outs):
        kv, att = _np(ins[0]), _np(ins[1])
        self._rank(kv, "kv_shape.ndim() == 3U (%d vs. 3) : Input keys_values should be 3D in "
                   "seq_length-batch-2*proj_dim, currently is %dD")
        self._rank(att, "att_shape.ndim() == 3U (%d vs. 3) : Input attention should be 3D in "
                   "batch-seq_length-seq_length, currently is %dD")
        check(kv[0] == att[2], "kv_shape[0] == att_shape[2] (%d vs. %d) : keys_values.shape[0] "
              "should be equal to attention.shape[2], currently are %d and %d"
              % (kv[0], att[2], kv[0], att[2]))
        # (MXNet's text prints attention.shape[2] where it names attention.shape[0])
        check(kv[1] * p.heads == att[0], "kv_shape[1] * params.heads == att_shape[0] (%d vs. "
              "%d) : attention.shape[0] should be equal to keys_values.shape[1] * heads, "
              "currently are: %d and %d" % (kv[1] * p.heads, att[0], att[2], kv[1]))
        _assign_tshape(outs, 0, (att[1], kv[1], _cdiv(kv[2], 2)))

    def forward(self, p, ins, outs, is_train, rt):
        kvx, att = ins
        v = _split_heads(kvx, p.heads, 2)[1]
        out = att @ v
        outs[0][...] = _merge_heads(out[None], att.shape[1], kvx.shape[1], p.heads, 1, rt.xp)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, (kvx, att), g = rt.xp, ins, ograds[0]
        v = _split_heads(kvx, p.heads, 2)[1]
        gh = _split_heads(g, p.heads, 1)[0]
        dv = att.swapaxes(-1, -2) @ gh
        parts = xp.stack([xp.zeros_like(dv), dv])
        assign(igrads[0], _merge_heads(parts, kvx.shape[0], kvx.shape[1], p.heads, 2, xp),
               reqs[0])
        assign(igrads[1], gh @ v.swapaxes(-1, -2), reqs[1])
