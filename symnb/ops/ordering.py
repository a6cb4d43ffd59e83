"""Sorting along one axis: topk, sort, argsort.

``axis=None`` sorts the flattened array. Indices come out in the ``dtype`` parameter's type
(float32 by default, as MXNet). Values carry their gradient back to where they came from;
indices and masks have none. ``sort`` and ``topk`` (values) keep the indices as a hidden
output, so backward scatters without sorting again, as MXNet's backward reads them.
"""
from __future__ import annotations

import numpy as np

from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import fully_known
from .shape import check, np_dtype, sassign, type_assign_check

__all__ = []

_AXIS = Param("axis", "int or None, optional, default='-1'",
              "Axis along which to choose the top k indices. If not given, the flattened array "
              "is used. Default is -1.")
_INDEX_DTYPES = "{'float16', 'float32', 'float64', 'int32', 'int64', 'uint8'}"


def _moved(xp, x, axis):
    """``x`` with the sort axis last (flattened when ``axis`` is None), and that axis.

    Swapping the axis with the last (its own inverse) costs less per call than moveaxis;
    every array of one operator call goes through the same swap, so the layouts agree.
    """
    if axis is None:
        return x.reshape(1, -1), None
    return x.swapaxes(axis, -1), axis


# below this axis length a full sort costs less than the partial selection's extra passes
_PARTIAL_MIN = 512


def _order(xp, rows, ascend, k):
    """Positions of the first ``k`` of each row of ``rows`` (R, n), in sorted order.

    A stable sort keeps equal elements in input order, as MXNet's sort does for ties. For
    ``k`` well short of a long row a partial selection finds the same positions in linear
    time: the ``k`` smallest keys, sorted stably by key and then by position, are the stable
    sort's first ``k`` whenever no key equal to the k-th one is left out (else, and for NaN
    at the boundary, the full sort runs).
    """
    key = rows if ascend else -rows
    n = key.shape[-1]
    if k >= n or n < _PARTIAL_MIN or 4 * k > n or key.size == 0:
        return xp.argsort(key, axis=-1, kind="stable")[:, :k]
    at = xp.arange(key.shape[0])[:, None]
    part = xp.argpartition(key, k - 1, axis=-1)[:, :k]
    kth = key[at, part[:, k - 1:]]
    selected = (key < kth).sum(axis=-1) + (key == kth).sum(axis=-1)
    if not bool((selected == k).all()):
        return xp.argsort(key, axis=-1, kind="stable")[:, :k]
    part = xp.sort(part, axis=-1)
    within = xp.argsort(key[at, part], axis=-1, kind="stable")
    return part[at, within]


class _Ordering(OpDef):
    family = "index"
    monitor_named_inputs = True

    def _k(self, p, n):
        return n

    def _axis(self, p, ndim):
        """MXNet's ParseTopKParam axis rule, with its texts (an unknown shape has ndim -1,
        which MXNet's rule runs into when inference sees no input shape)."""
        if p.axis is None:
            check(ndim >= 0, "ndim_is_known(this->ndim()): Shape is unknown.")
            return None
        axis = p.axis + ndim if p.axis < 0 else p.axis
        check(0 <= axis < ndim, "*axis >= 0 && *axis < static_cast<int>(src_shape.ndim()): "
              "Invalid axis! axis should be between 0 and %d, found axis=%d" % (ndim, axis))
        return axis

    def _known(self, p, shape):
        """Whether to infer now: MXNet's rule also runs (and fails) on an unknown shape."""
        if shape is None:
            self._axis(p, -1)
        return fully_known(shape)

    def _out_shape(self, p, shape):
        axis = self._axis(p, len(shape))
        if axis is None:
            return (self._k(p, int(np.prod(shape))),)
        return shape[:axis] + (self._k(p, shape[axis]),) + shape[axis + 1:]

    def _sorted(self, p, rt, x):
        """(values, indices) of the first k along the axis, with the axis back in place."""
        xp = rt.xp
        axis = self._axis(p, x.ndim)
        moved, _ = _moved(xp, x, axis)
        n = moved.shape[-1]
        k = self._k(p, n)
        rows = moved.reshape(-1, n)
        order = _order(xp, rows, p.is_ascend, k)
        values = rows[xp.arange(rows.shape[0])[:, None], order]
        if axis is None:
            return values.reshape(-1), order.reshape(-1)
        shape = moved.shape[:-1] + (k,)
        return values.reshape(shape).swapaxes(axis, -1), order.reshape(shape).swapaxes(axis, -1)

    def _scatter(self, p, rt, x, g, index, igrad, req):
        """Gradient of gathered values: ``g`` back to the positions ``index`` came from."""
        xp = rt.xp
        axis = self._axis(p, x.ndim)
        full = xp.zeros_like(x)
        idx = index.astype(np.int64)
        if axis is None:
            full.reshape(-1)[idx.reshape(-1)] = g.reshape(-1)
        else:
            # rows of the moved view, indexed by (row, position): no put_along_axis needed
            moved = full.swapaxes(axis, -1)
            n, k = moved.shape[-1], idx.shape[axis]
            rows = xp.ascontiguousarray(moved).reshape(-1, n)
            picks = idx.swapaxes(axis, -1).reshape(-1, k)
            rows[xp.arange(rows.shape[0])[:, None], picks] = \
                g.swapaxes(axis, -1).reshape(-1, k)
            full = rows.reshape(moved.shape).swapaxes(axis, -1)
        assign(igrad, full, req)


@register
class topk(_Ordering):  # noqa: N801 -- MXNet's operator name
    """The ``k`` largest (or, with ``is_ascend``, smallest) elements along ``axis``.

    ``ret_typ`` picks the result: ``'indices'`` (default), ``'value'``, ``'both'`` (values
    and indices) or ``'mask'`` (1 where an element is among the top k). ``k < 1`` keeps the
    whole axis.

    >>> import symnb as mx
    >>> x = mx.nd.array([[3, 1, 2], [0, 5, 4]])
    >>> mx.nd.topk(x, k=2).asnumpy()
    array([[0., 2.],
           [1., 2.]], dtype=float32)
    >>> mx.nd.topk(x, k=1, ret_typ='value').asnumpy()
    array([[3.],
           [5.]], dtype=float32)
    """

    name = "topk"
    params = (
        _AXIS,
        Param("k", "int, optional, default='1'",
              "Number of top elements to select, should be always smaller than or equal to the "
              "element number in the given axis. A global sort is performed if set k < 1."),
        Param("ret_typ", "{'both', 'indices', 'mask', 'value'},optional, default='indices'",
              "The return type.\n \"value\" means to return the top k values, \"indices\" "
              "means to return the indices of the top k values, \"mask\" means to return a "
              "mask array containing 0 and 1. 1 means the top k values. \"both\" means to "
              "return a list of both values and indices of top k elements."),
        Param("is_ascend", "boolean, optional, default=0",
              "Whether to choose k largest or k smallest elements. Top K largest elements will "
              "be chosen if set to false."),
        Param("dtype", _INDEX_DTYPES + ",optional, default='float32'",
              "DType of the output indices when ret_typ is \"indices\" or \"both\". An error "
              "will be raised if the selected data type cannot precisely represent the "
              "indices."),
    )

    def _k(self, p, n):
        return n if p.k < 1 else p.k

    def output_names(self, p):
        # 'value' keeps the indices as a hidden second output, so its one output is output0
        if p.ret_typ == "both":
            return ("output0", "output1")
        return ("output0",) if p.ret_typ == "value" else ("output",)

    def num_outputs_total(self, p):
        return 2 if p.ret_typ in ("both", "value") else 1

    def hidden_output_names(self, p):
        return ("output0", "output1") if self.num_outputs_total(p) == 2 else ("output",)

    def label(self, p, attrs):
        return "topk\nk=%d" % p.k

    def infer_shape(self, p, ins, outs):
        if not self._known(p, ins[0]):
            return
        if p.ret_typ == "mask":
            sassign(outs, 0, ins[0])
            return
        shape = self._out_shape(p, ins[0])
        for i in range(len(outs)):
            sassign(outs, i, shape)

    def infer_type(self, p, ins, outs):
        index_type = np_dtype(p.dtype)
        if p.ret_typ == "indices":
            type_assign_check(outs, 0, index_type)
        elif p.ret_typ == "mask":
            type_assign_check(outs, 0, ins[0])
        else:
            type_assign_check(outs, 0, ins[0])
            type_assign_check(outs, 1, index_type)
        if p.ret_typ != "indices":
            type_assign_check(ins, 0, outs[0])

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        values, index = self._sorted(p, rt, x)
        if p.ret_typ == "indices":
            outs[0][...] = index
        elif p.ret_typ == "mask":
            mask = rt.xp.zeros(x.shape, dtype=x.dtype)
            self._scatter(p, rt, x, rt.xp.ones(values.shape, dtype=x.dtype), index, mask,
                          "write")
            outs[0][...] = mask
        else:
            outs[0][...] = values
            outs[1][...] = index

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is None:
            return
        if p.ret_typ in ("indices", "mask") or ograds[0] is None:
            if reqs[0] == "write":
                igrads[0][...] = 0
            return
        self._scatter(p, rt, ins[0], ograds[0], outs[1], igrads[0], reqs[0])


@register
class sort(_Ordering):  # noqa: N801 -- MXNet's operator name
    """The elements sorted along ``axis`` (ascending by default).

    >>> import symnb as mx
    >>> mx.nd.sort(mx.nd.array([[3, 1, 2]]), is_ascend=False).asnumpy()
    array([[3., 2., 1.]], dtype=float32)
    """

    name = "sort"
    refused_dtypes = {"float16": "This operation does not support float16"}
    params = (
        Param("axis", "int or None, optional, default='-1'",
              "Axis along which to choose sort the input tensor. If not given, the flattened "
              "array is used. Default is -1."),
        Param("is_ascend", "boolean, optional, default=1",
              "Whether to sort in ascending or descending order."),
    )
    num_outputs_total_default = 2

    def output_names(self, p):
        return ("output0",)

    def hidden_output_names(self, p):
        return ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        if self._known(p, ins[0]):
            shape = self._out_shape(p, ins[0])
            sassign(outs, 0, shape)
            sassign(outs, 1, shape)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])
        type_assign_check(outs, 1, np.float32)

    def forward(self, p, ins, outs, is_train, rt):
        values, index = self._sorted(p, rt, ins[0])
        outs[0][...] = values
        outs[1][...] = index

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None:
            self._scatter(p, rt, ins[0], ograds[0], outs[1], igrads[0], reqs[0])


@register
class argsort(_Ordering):  # noqa: N801 -- MXNet's operator name
    """Indices that sort ``data`` along ``axis`` (ascending by default); no gradient.

    >>> import symnb as mx
    >>> mx.nd.argsort(mx.nd.array([[3, 1, 2]])).asnumpy()
    array([[1., 2., 0.]], dtype=float32)
    """

    name = "argsort"
    refused_dtypes = {"float16": "This operation does not support float16"}
    loss_head = True
    zero_gradient = True        # MXNet's MakeZeroGradNodes
    params = (
        Param("axis", "int or None, optional, default='-1'",
              "Axis along which to sort the input tensor. If not given, the flattened array is "
              "used. Default is -1."),
        Param("is_ascend", "boolean, optional, default=1",
              "Whether to sort in ascending or descending order."),
        Param("dtype", _INDEX_DTYPES + ",optional, default='float32'",
              "DType of the output indices. It is only valid when ret_typ is \"indices\" or "
              "\"both\". An error will be raised if the selected data type cannot precisely "
              "represent the indices."),
    )

    def infer_shape(self, p, ins, outs):
        if self._known(p, ins[0]):
            sassign(outs, 0, self._out_shape(p, ins[0]))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np_dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = self._sorted(p, rt, ins[0])[1]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None and reqs[0] == "write":
            igrads[0][...] = 0
