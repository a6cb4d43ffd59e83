"""Gathering and scattering by index arrays: pick, batch_take, gather_nd, scatter_nd,
_scatter_set_nd, diag, and the index conversions ravel_multi_index / unravel_index.

Indices arrive in any dtype and are truncated to integers (MXNet's ``static_cast<int>``).
Gradients flow to the gathered data (scatter-added where an index repeats) and never to the
indices.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, OpDef, ZeroGradient, assign, register
from ._rules import fmt_shape, fmt_tuple, fully_known
from .shape import check, check_axis, sassign, type_assign_check

__all__ = []


def _ints(xp, idx):
    return idx.astype(xp.int64)


def _zero(igrads, reqs):
    for g, r in zip(igrads, reqs):
        if g is not None and r == "write":
            g[...] = 0


def _ndim(shape) -> int:
    """A shape's rank as MXNet's rules read it: -1 while the shape is unknown."""
    return -1 if shape is None else len(shape)


def _dim(d) -> int:
    """A dimension as MXNet prints it: -1 while unknown."""
    return d if d > 0 else -1


def _size(shape) -> int:
    """``TShape::Size()``, with its refusals of an unknown shape or dimension.

    >>> _size((2, 3))
    6
    >>> _size((2, 0))
    Traceback (most recent call last):
    symnb.ops._registry.InferError: Check failed: dim_size_is_known(*it): Shape dim size \
cannot be a negative value -1
    """
    check(shape is not None, "ndim_is_known(this->ndim()): Shape is unknown.")
    total = 1
    for d in shape:
        check(d > 0, "dim_size_is_known(*it): Shape dim size cannot be a negative value -1")
        total *= d
    return total


def _sassign(lst: list, i: int, target, fmt=fmt_shape) -> None:
    """``sassign`` whose failure reports the provided shape as MXNet's shape_assign leaves
    it: that writes as it goes, so the unknown dims before the conflicting one are already
    filled from ``target`` (``Provided = [2,2], inferred shape=[2,1]`` for a given ``(0, 2)``).
    """
    cur = lst[i]
    if target is not None and cur is not None and len(cur) == len(target):
        filled = list(cur)
        for k, (c, t) in enumerate(zip(cur, target, strict=True)):
            if c <= 0:
                filled[k] = max(t, 0)
            elif 0 < t != c:
                lst[i] = tuple(filled)
                break
    sassign(lst, i, target, fmt)


def _kernel_axis(axis, ndim):
    """CheckAxis inside a kernel: MXNet raises it as a plain MXNetError."""
    try:
        return check_axis(axis, ndim)
    except InferError as e:
        raise MXNetError("MXNetError: %s" % e) from None


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

    @staticmethod
    def _reduced(p, shape, keepdims):
        """MXNet's ReduceAxisShapeImpl: a 1-D ``shape`` gives ``(1,)`` whatever the axis (it
        is not even checked); unknown dims (0) carry through."""
        if len(shape) == 1:
            return (1,)
        axis = check_axis(p.axis, len(shape))
        return shape[:axis] + ((1,) if keepdims else ()) + shape[axis + 1:]

    def infer_type(self, p, ins, outs):
        check(ins[1] is not None, "(*in_attrs)[1] != -1 (-1 vs. -1) : Index type must be set "
              "for pick operator")
        super().infer_type(p, ins, outs)

    def infer_shape(self, p, ins, outs):
        data, index = ins
        if data is None:
            return
        if p.axis is None:                    # MXNet 1.9.1 declares it but refuses it
            raise InferError("axis=None is not supported by pick yet. Must specify an axis.")
        _sassign(outs, 0, self._reduced(p, data, p.keepdims))
        if index is not None and not index:   # a known 0-d index (np_shape) stays as it is
            return
        # the index keeps the picked axis (as size 1) exactly when it has data's rank; an
        # unknown index gets the shape without it, whatever keepdims says
        _sassign(ins, 1, self._reduced(p, data, _ndim(index) == len(data)))

    def _positions(self, p, xp, x, index):
        axis = _kernel_axis(p.axis, x.ndim)
        n = x.shape[axis]
        idx = _ints(xp, index)
        idx = xp.mod(idx, n) if p.mode == "wrap" else xp.clip(idx, 0, n - 1)
        return axis, idx

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        axis, idx = self._positions(p, xp, x, ins[1])
        kept = idx.reshape(x.shape[:axis] + (1,) + x.shape[axis + 1:])
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
        # the output takes the index's shape, never data's: only the sizes are compared
        data, index = ins
        if _ndim(index) != 0:
            _sassign(outs, 0, index)
        elif _ndim(outs[0]) != 0:
            _sassign(ins, 1, outs[0])
        ndim = _ndim(data)
        if ndim == 0:
            return
        check(ndim >= 2, "(*in_attrs)[0].ndim() >= 2 (%d vs. 2) : Data array must have at "
              "least 2 dimensional" % ndim)
        if _ndim(outs[0]) == 0:
            return
        want = _size(outs[0])                 # MXNet evaluates this side first
        have = _size(data) // data[-1]
        check(have == want, "(*in_attrs)[0].Size()/(*in_attrs)[0][(*in_attrs)[0].ndim()-1] == "
              "(*out_attrs)[0].Size() (%d vs. %d) : Index array's size must be the same as "
              "data array's size excluding the first dimension" % (have, want))

    def forward(self, p, ins, outs, is_train, rt):
        # MXNet's kernel: out[i] = a.flat[i * M + clip(indices[i], 0, M - 1)] with M the size
        # of one row along the first axis; past the end of ``a`` (a 3-D or larger ``a``) it
        # reads outside the array, which reads 0 here
        xp, (a, idx) = rt.xp, ins
        flat = a.reshape(-1)
        out = outs[0].reshape(-1)
        if not flat.size:
            out[...] = 0
            return
        m = flat.size // a.shape[0]
        pos = xp.arange(idx.size) * m + xp.clip(_ints(xp, idx).reshape(-1), 0, m - 1)
        inside = pos < flat.size
        outs[0][...] = xp.where(inside, flat[xp.where(inside, pos, 0)], 0).reshape(
            outs[0].shape)


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
        if not (fully_known(data) and fully_known(idx)):   # MXNet's shape_is_none
            return
        check(len(idx) > 1, "ishape.ndim() > 1 (%d vs. 1) : gather_nd requires index tensor "
              "to have at least 2 dimensions" % len(idx))
        m = idx[0]
        check(m <= len(data), "ishape[0] <= dshape.ndim() (%d vs. %d) : Number of indices "
              "exceeds data dimension" % (m, len(data)))
        check(m <= 10, "ishape[0] <= 10 (%d vs. 10) : gather_nd supports indexing along at "
              "most 10 dimensions." % m)
        _sassign(outs, 0, tuple(idx[1:]) + tuple(data[m:]))

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


def _tshape(shape) -> str:
    """A TShape built from a parameter, as MXNet prints it (its 0 dims are real)."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _assign_param_shape(lst: list, i: int, shape) -> None:
    """SHAPE_ASSIGN_CHECK of a ``shape`` parameter, whose 0 dims are real sizes to MXNet: a
    dimension already known there conflicts with them."""
    cur = lst[i]
    if cur is not None:
        conflict = len(cur) != len(shape)
        shown = [str(c) if c > 0 else "-1" for c in cur]
        for k, (c, t) in enumerate(zip(cur, shape)):
            if conflict:
                break
            if c <= 0:
                shown[k] = str(t)
            elif t >= 0 and c != t:
                conflict = True
        if conflict:
            raise InferError("Shape inconsistent, Provided = [%s], inferred shape=%s"
                             % (",".join(shown), _tshape(shape)))
    _sassign(lst, i, shape)


class _Scatter(_Gather):
    params = (Param("shape", "Shape(tuple), required", "Shape of output."),)

    def _scatter_shape(self, p, data, idx, outs) -> bool:
        """MXNet's ScatterNDShape: the output gets ``shape``; once data, indices and output
        are all known, their combination is checked. False while something is unknown."""
        oshape = tuple(p.shape)
        _assign_param_shape(outs, 0, oshape)    # the output holds it now, 0 dims included
        if not (fully_known(data) and fully_known(idx) and all(d >= 0 for d in oshape)):
            return False
        check(len(idx) > 1, "ishape.ndim() > 1 (%d vs. 1) : scatter_nd requires index tensor "
              "to have at least 2 dimensions" % len(idx))
        m = idx[0]
        check(m <= len(oshape), "ishape[0] <= oshape.ndim() (%d vs. %d) : Number of indices "
              "exceeds output dimension in operator scatter_nd" % (m, len(oshape)))
        check(m <= 10, "ishape[0] <= 10 (%d vs. 10) : scatter_nd supports indexing along at "
              "most 10 dimensions." % m)
        check(tuple(data) == tuple(idx[1:]) + oshape[m:],
              "valid: Invalid data, indices, and output shape combination for scatter_nd: "
              "%s, %s, %s" % (fmt_shape(data), fmt_shape(idx), _tshape(oshape)))
        return True


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
        self._scatter_shape(p, ins[0], ins[1], outs)

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

    # lhs and the output share a shape and a type; (rhs, indices) go through scatter_nd's
    # rules, and rhs takes the output's type only once the indices' type is known. The
    # closing lhs <- output assignment is the one MXNet's next sweep over the graph makes.
    def infer_type(self, p, ins, outs):
        type_assign_check(ins, 0, outs[0])
        type_assign_check(outs, 0, ins[0])
        rest = [ins[1], ins[2]]
        type_assign_check(outs, 0, rest[0])
        type_assign_check(rest, 0, outs[0])
        if rest[0] is not None and rest[1] is not None:
            type_assign_check(ins, 1, rest[0])
        type_assign_check(ins, 0, outs[0])

    def infer_shape(self, p, ins, outs):
        _sassign(ins, 0, outs[0])
        _sassign(outs, 0, ins[0])
        self._scatter_shape(p, ins[1], ins[2], outs)
        _sassign(ins, 0, outs[0])

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
            _sassign(outs, 0, (n, n))
            return
        a1, a2 = check_axis(p.axis1, len(shape)), check_axis(p.axis2, len(shape))
        check(a1 != a2, "x1 != x2 (%d vs. %d) : axis1 and axis2 cannot refer to the same "
              "axis %d" % (a1, a2, a1))
        n1, n2 = shape[a1], shape[a2]
        length = max(0, min(n1, n2 - p.k) if p.k >= 0 else min(n1 + p.k, n2))
        rest = tuple(d for i, d in enumerate(shape) if i not in (a1, a2))
        _sassign(outs, 0, rest + (length,))

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
    word = ""
    params = (Param("shape", "Shape(tuple), optional, default=None",
                    "Shape of the array into which the multi-indices apply."),)

    def _shape_ndim(self, p) -> int:
        """The rank of ``shape``, which must not be empty (unset: -1, as MXNet prints it)."""
        n = _ndim(p.shape)
        check(n > 0, "shape.ndim() > 0 (%d vs. 0) : Empty shape parameter for %s operator."
              % (n, self.word))
        return n


@register
class _ravel_multi_index(_IndexConvert):  # noqa: N801 -- MXNet's operator name
    """Flat indices of the multi-indices in the rows of ``data`` for an array of ``shape``.

    >>> import symnb as mx
    >>> mx.nd.ravel_multi_index(mx.nd.array([[1, 0], [2, 1]]), shape=(3, 4)).asnumpy()
    array([6., 1.], dtype=float32)
    """

    name = "_ravel_multi_index"
    aliases = ("ravel_multi_index",)
    word = "ravel"

    def infer_shape(self, p, ins, outs):
        n = self._shape_ndim(p)
        data = ins[0]
        if _ndim(data) > 0:
            check(len(data) == 2, "(*in_attrs)[0].ndim() == 2 (%d vs. 2) : Input to ravel "
                  "operator must be two-dimensional." % len(data))
            check(_dim(data[0]) == n, "(*in_attrs)[0][0] == shape.ndim() (%d vs. %d) : First "
                  "dimension of input of ravel operator does not match shape parameter "
                  "dimension." % (_dim(data[0]), n))
            _sassign(outs, 0, (data[1],), fmt=fmt_tuple)
        elif _ndim(outs[0]) > 0:
            _sassign(ins, 0, (n, outs[0][0]), fmt=fmt_tuple)

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
    word = "unravel"

    def infer_shape(self, p, ins, outs):
        # one column per index along data's first axis only (MXNet reads no further)
        n = self._shape_ndim(p)
        if _ndim(ins[0]) > 0:
            _sassign(outs, 0, (n, ins[0][0]), fmt=fmt_tuple)
        elif _ndim(outs[0]) > 0:
            out = outs[0]
            check(len(out) == 2, "(*out_attrs)[0].ndim() == 2 (%d vs. 2) : Output of unravel "
                  "operator must be two-dimensional." % len(out))
            check(_dim(out[0]) == n, "(*out_attrs)[0][0] == shape.ndim() (%d vs. %d) : First "
                  "dimension of output of ravel operator does not match shape parameter "
                  "dimension." % (_dim(out[0]), n))
            _sassign(ins, 0, (out[1],), fmt=fmt_tuple)

    def forward(self, p, ins, outs, is_train, rt):
        # MXNet's kernel over the flat arrays: N = data.size indices, each written down a
        # column of out.size // N rows, with C's truncating division (-1 -> (0, -1)); the
        # leading size is never used (MXNet allows -1 there). A data of rank 2 or more
        # leaves fewer rows than ``shape`` has; what would land past the end is dropped.
        xp = rt.xp
        rest = _ints(xp, ins[0]).reshape(-1)
        out = outs[0].reshape(-1)
        n = rest.size
        if not n:
            return
        rows = out.size // n

        def put(row, values):
            k = max(0, min(n, out.size - row * n))
            out[row * n:row * n + k] = values[:k]

        for row in range(rows - 1, 0, -1):
            s = p.shape[row]
            q = xp.sign(rest) * (xp.abs(rest) // s)
            put(row, rest - q * s)
            rest = q
        put(0, rest)
        outs[0][...] = out.reshape(outs[0].shape)
