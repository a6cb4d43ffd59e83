"""Gathering and scattering by index arrays: pick, batch_take, gather_nd, scatter_nd,
_scatter_set_nd, diag, and the index conversions ravel_multi_index / unravel_index.

Indices arrive in any dtype and are truncated to integers (MXNet's ``static_cast<int>``).
Gradients flow to the gathered data (scatter-added where an index repeats) and never to the
indices.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import InferError, OpDef, ZeroGradient, assign, register
from ._rules import fully_known
from .shape import check, check_axis, sassign, type_assign_check

__all__ = []


def _ints(xp, idx):
    return idx.astype(xp.int64)


def _zero(igrads, reqs):
    for g, r in zip(igrads, reqs):
        if g is not None and r == "write":
            g[...] = 0


class _Gather(OpDef):
    family = "index"

    def infer_type(self, p, ins, outs):
        # data and output share a type; the indices keep their own
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])


@register
class pick(_Gather):  # noqa: N801 -- MXNet's operator name
    """One element per position along ``axis``, chosen by ``index`` (``mode`` clips or wraps
    out-of-range indices).

    >>> import symnb as mx
    >>> x = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    >>> mx.nd.pick(x, mx.nd.array([0, 1, 0]), axis=1).asnumpy()
    array([1., 4., 5.], dtype=float32)
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "pick"
    aliases = ("choose_element_0index",)
    inputs = ("data", "index")
    params = (
        Param("axis", "int or None, optional, default='-1'",
              "int or None. The axis to picking the elements. Negative values means indexing "
              "from right to left. If is `None`, the elements in the index w.r.t the "
              "flattened input will be picked."),
        Param("keepdims", "boolean, optional, default=0",
              "If true, the axis where we pick the elements is left in the result as "
              "dimension with size one."),
        Param("mode", "{'clip', 'wrap'},optional, default='clip'",
              "Specify how out-of-bound indices behave. Default is \"clip\". \"clip\" means "
              "clip to the range. So, if all indices mentioned are too large, they are "
              "replaced by the index that addresses the last element along an axis.  "
              "\"wrap\" means to wrap around."),
    )

    def _out_shape(self, p, shape):
        axis = check_axis(p.axis, len(shape))
        return shape[:axis] + ((1,) if p.keepdims else ()) + shape[axis + 1:]

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        if p.axis is None:                    # MXNet 1.9.1 declares it but refuses it
            raise InferError("axis=None is not supported by pick yet. Must specify an axis.")
        out = self._out_shape(p, ins[0])      # unknown dims (0) carry through
        sassign(outs, 0, out)
        sassign(ins, 1, out)

    def _positions(self, p, xp, x, index):
        axis = check_axis(p.axis, x.ndim)
        n = x.shape[axis]
        idx = _ints(xp, index)
        idx = xp.mod(idx, n) if p.mode == "wrap" else xp.clip(idx, 0, n - 1)
        return axis, idx

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        axis, idx = self._positions(p, xp, x, ins[1])
        kept = idx.reshape(outs[0].shape if p.keepdims else
                           x.shape[:axis] + (1,) + x.shape[axis + 1:])
        outs[0][...] = xp.take_along_axis(x, kept, axis=axis).reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x = rt.xp, ins[0]
        _zero(igrads[1:], reqs[1:])
        if igrads[0] is None:
            return
        axis, idx = self._positions(p, xp, x, ins[1])
        full = xp.zeros_like(x)
        moved = xp.moveaxis(full, axis, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        rows[xp.arange(rows.shape[0]), idx.reshape(-1)] = ograds[0].reshape(-1)
        full = xp.moveaxis(rows.reshape(moved.shape), -1, axis)
        assign(igrads[0], full, reqs[0])


@register
class batch_take(_Gather):  # noqa: N801 -- MXNet's operator name
    """``out[i] = a[i, indices[i]]`` for a 2-D ``a`` (indices clipped to the row). MXNet
    registers no gradient for it.

    >>> import symnb as mx
    >>> a = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    >>> mx.nd.batch_take(a, mx.nd.array([0, 1, 0], dtype='int32')).asnumpy()
    array([1., 4., 5.], dtype=float32)
    """

    name = "batch_take"
    inputs = ("a", "indices")

    def infer_type(self, p, ins, outs):
        super().infer_type(p, ins, outs)
        type_assign_check(ins, 1, np.int32)     # MXNet wants int32 indices here

    def infer_shape(self, p, ins, outs):
        ndim = -1 if ins[0] is None else len(ins[0])
        check(ndim >= 2, "(*in_attrs)[0].ndim() >= 2 (%d vs. 2) : Data array must have at "
              "least 2 dimensional" % ndim)
        sassign(outs, 0, ins[0][:-1])
        sassign(ins, 1, outs[0])

    def _flat(self, xp, a, idx):
        m = a.shape[-1] if a.ndim else 1
        rows = xp.arange(idx.size)
        return rows * m + xp.clip(_ints(xp, idx).reshape(-1), 0, m - 1)

    def forward(self, p, ins, outs, is_train, rt):
        a, idx = ins
        outs[0][...] = a.reshape(-1)[self._flat(rt.xp, a, idx)].reshape(outs[0].shape)


def _nd_positions(xp, idx, shape):
    """The M leading coordinates of ``indices`` (M, Y...) as a tuple of int arrays (negative
    indices count from the end); any other out-of-range index is MXNet's IndexError."""
    m = idx.shape[0]
    ints = _ints(xp, idx)
    out = []
    for i in range(m):
        bad = (ints[i] < -shape[i]) | (ints[i] >= shape[i])
        if bool(bad.any()):
            value = int(ints[i][bad].reshape(-1)[0])
            raise IndexError("index %d is out of bounds for axis %d with size %d"
                             % (value, i, shape[i]))
        out.append(xp.where(ints[i] < 0, ints[i] + shape[i], ints[i]))
    return tuple(out)


@register
class gather_nd(_Gather):  # noqa: N801 -- MXNet's operator name
    """``out[y] = data[indices[0, y], ..., indices[M-1, y], ...]``: the output has shape
    ``indices.shape[1:] + data.shape[M:]``.

    >>> import symnb as mx
    >>> data = mx.nd.array([[0, 1], [2, 3]])
    >>> mx.nd.gather_nd(data, mx.nd.array([[1, 0], [0, 1]])).asnumpy()
    array([2., 1.], dtype=float32)
    """

    name = "gather_nd"
    inputs = ("data", "indices")

    def infer_shape(self, p, ins, outs):
        data, idx = ins
        if data is None or idx is None:
            return
        m = idx[0]
        check(len(idx) >= 1 and m <= len(data), "ishape[0] <= dshape.ndim() (%d vs. %d) : "
              "Number of indices exceeds data dimension" % (m, len(data)))
        sassign(outs, 0, tuple(idx[1:]) + tuple(data[m:]))

    def forward(self, p, ins, outs, is_train, rt):
        data, idx = ins
        outs[0][...] = data[_nd_positions(rt.xp, idx, data.shape)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero(igrads[1:], reqs[1:])
        if igrads[0] is None:
            return
        data, idx = ins
        full = rt.xp.zeros_like(data)
        rt.scatter_add(full, _nd_positions(rt.xp, idx, data.shape), ograds[0])
        assign(igrads[0], full, reqs[0])


class _Scatter(_Gather):
    params = (Param("shape", "Shape(tuple), required", "Shape of output."),)

    def _check(self, p, data, idx):
        m = idx[0]
        want = tuple(idx[1:]) + tuple(p.shape[m:])
        check(tuple(data) == want, "dshape == expected: scatter_nd: data shape %s does not "
              "match indices and shape, expected %s" % (tuple(data), want))


@register
class scatter_nd(_Scatter):  # noqa: N801 -- MXNet's operator name
    """Zeros of shape ``shape`` with ``data`` written at ``indices`` (the inverse of
    ``gather_nd``).

    >>> import symnb as mx
    >>> out = mx.nd.scatter_nd(mx.nd.array([2, 3]), mx.nd.array([[1, 1], [0, 1]]), shape=(2, 2))
    >>> out.asnumpy()
    array([[0., 0.],
           [2., 3.]], dtype=float32)
    """

    name = "scatter_nd"
    inputs = ("data", "indices")

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, tuple(p.shape))
        if fully_known(ins[0]) and fully_known(ins[1]):
            self._check(p, ins[0], ins[1])

    def forward(self, p, ins, outs, is_train, rt):
        data, idx = ins
        outs[0][...] = 0
        outs[0][_nd_positions(rt.xp, idx, outs[0].shape)] = data

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero(igrads[1:], reqs[1:])
        if igrads[0] is not None:
            pos = _nd_positions(rt.xp, ins[1], outs[0].shape)
            assign(igrads[0], ograds[0][pos], reqs[0])


@register
class _scatter_set_nd(_Scatter):  # noqa: N801 -- MXNet's operator name
    """``lhs`` with ``rhs`` written at ``indices`` (``scatter_nd`` that keeps the rest).

    >>> import symnb as mx
    >>> lhs = mx.nd.ones((2, 2))
    >>> mx.nd._internal._scatter_set_nd(lhs, mx.nd.array([5]), mx.nd.array([[0], [1]]),
    ...                                  shape=(2, 2)).asnumpy()
    array([[1., 5.],
           [1., 1.]], dtype=float32)
    """

    name = "_scatter_set_nd"
    inputs = ("lhs", "rhs", "indices")

    def infer_type(self, p, ins, outs):
        for i in (0, 1):
            type_assign_check(outs, 0, ins[i])
        for i in (0, 1):
            type_assign_check(ins, i, outs[0])

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, tuple(p.shape))
        sassign(ins, 0, tuple(p.shape))

    def forward(self, p, ins, outs, is_train, rt):
        lhs, rhs, idx = ins
        outs[0][...] = lhs
        outs[0][_nd_positions(rt.xp, idx, lhs.shape)] = rhs

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _zero(igrads[2:], reqs[2:])
        pos = _nd_positions(rt.xp, ins[2], ins[0].shape)
        if igrads[0] is not None:
            g = ograds[0].copy()
            g[pos] = 0
            assign(igrads[0], g, reqs[0])
        if igrads[1] is not None:
            assign(igrads[1], ograds[0][pos].reshape(ins[1].shape), reqs[1])


@register
class diag(OpDef):  # noqa: N801 -- MXNet's operator name
    """The ``k``-th diagonal of ``data`` (over ``axis1``/``axis2``), or for a 1-D ``data`` the
    square matrix with ``data`` on that diagonal.

    >>> import symnb as mx
    >>> mx.nd.diag(mx.nd.array([[1, 2], [3, 4]])).asnumpy()
    array([1., 4.], dtype=float32)
    >>> mx.nd.diag(mx.nd.array([1, 2]), k=1).shape
    (3, 3)
    """

    name = "diag"
    family = "index"
    params = (
        Param("k", "int, optional, default='0'",
              "Diagonal in question. The default is 0. Use k>0 for diagonals above the main "
              "diagonal, and k<0 for diagonals below the main diagonal. If input has shape "
              "(S0 S1) k must be between -S0 and S1"),
        Param("axis1", "int, optional, default='0'",
              "The first axis of the sub-arrays of interest. Ignored when the input is a 1-D "
              "array."),
        Param("axis2", "int, optional, default='1'",
              "The second axis of the sub-arrays of interest. Ignored when the input is a 1-D "
              "array."),
    )

    def infer_shape(self, p, ins, outs):
        shape = ins[0]
        if not fully_known(shape):
            return
        if len(shape) == 1:
            n = shape[0] + abs(p.k)
            sassign(outs, 0, (n, n))
            return
        a1, a2 = check_axis(p.axis1, len(shape)), check_axis(p.axis2, len(shape))
        check(a1 != a2, "x1 != x2 (%d vs. %d) : axis1 and axis2 cannot refer to the same "
              "axis %d" % (a1, a2, a1))
        n1, n2 = shape[a1], shape[a2]
        length = max(0, min(n1, n2 - p.k) if p.k >= 0 else min(n1 + p.k, n2))
        rest = tuple(d for i, d in enumerate(shape) if i not in (a1, a2))
        sassign(outs, 0, rest + (length,))

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        if x.ndim == 1:
            outs[0][...] = xp.diag(x, k=p.k)
        else:
            outs[0][...] = xp.diagonal(x, offset=p.k, axis1=check_axis(p.axis1, x.ndim),
                                       axis2=check_axis(p.axis2, x.ndim))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        xp, x, g = rt.xp, ins[0], ograds[0]
        if x.ndim == 1:
            assign(igrads[0], xp.diagonal(g, offset=p.k), reqs[0])
            return
        a1, a2 = check_axis(p.axis1, x.ndim), check_axis(p.axis2, x.ndim)
        full = xp.zeros_like(x)
        view = xp.diagonal(full, offset=p.k, axis1=a1, axis2=a2)
        # diagonal views are read-only in NumPy: write through the positions instead
        n = view.shape[-1]
        i = xp.arange(n)
        rows, cols = (i, i + p.k) if p.k >= 0 else (i - p.k, i)
        moved = xp.moveaxis(full, (a1, a2), (-2, -1))
        moved[..., rows, cols] = g
        assign(igrads[0], xp.moveaxis(moved, (-2, -1), (a1, a2)), reqs[0])


class _IndexConvert(ZeroGradient, OpDef):
    family = "index"
    loss_head = True
    params = (Param("shape", "Shape(tuple), optional, default=None",
                    "Shape of the array into which the multi-indices apply."),)


@register
class _ravel_multi_index(_IndexConvert):  # noqa: N801 -- MXNet's operator name
    """Flat indices of the multi-indices in the rows of ``data`` for an array of ``shape``.

    >>> import symnb as mx
    >>> mx.nd.ravel_multi_index(mx.nd.array([[1, 0], [2, 1]]), shape=(3, 4)).asnumpy()
    array([6., 1.], dtype=float32)
    """

    name = "_ravel_multi_index"
    aliases = ("ravel_multi_index",)

    def infer_shape(self, p, ins, outs):
        if ins[0] is not None:
            check(len(ins[0]) >= 1 and ins[0][0] == len(p.shape or ()),
                  "shape.ndim() == in_attrs->at(0)[0]: data and shape do not match")
            sassign(outs, 0, tuple(ins[0][1:]) or (1,))

    def forward(self, p, ins, outs, is_train, rt):
        xp, idx = rt.xp, _ints(rt.xp, ins[0])
        strides = np.cumprod((1,) + tuple(p.shape[::-1]))[:-1][::-1]
        flat = sum(idx[i] * int(s) for i, s in enumerate(strides))
        outs[0][...] = xp.asarray(flat).reshape(outs[0].shape)


@register
class _unravel_index(_IndexConvert):  # noqa: N801 -- MXNet's operator name
    """Multi-indices (one row per axis) of the flat indices ``data`` in an array of ``shape``.

    >>> import symnb as mx
    >>> mx.nd.unravel_index(mx.nd.array([6, 1]), shape=(3, 4)).asnumpy()
    array([[1., 0.],
           [2., 1.]], dtype=float32)
    """

    name = "_unravel_index"
    aliases = ("unravel_index",)

    def infer_shape(self, p, ins, outs):
        if ins[0] is not None:
            sassign(outs, 0, (len(p.shape or ()),) + tuple(ins[0]))

    def forward(self, p, ins, outs, is_train, rt):
        rest = _ints(rt.xp, ins[0])
        for axis in range(len(p.shape) - 1, 0, -1):
            outs[0][axis] = rest % p.shape[axis]
            rest = rest // p.shape[axis]
        outs[0][0] = rest       # the leading size is never used (MXNet allows -1 there)
