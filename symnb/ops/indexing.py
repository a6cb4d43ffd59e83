"""Indexing: take, one_hot, where, Embedding.

Indices arrive as arrays of any dtype (usually float32, as MXNet's data iterators make them);
they are truncated to integers the way MXNet's kernels cast them (``static_cast<int>``).
Gradients with respect to indices are zero; gradients gathered by index are scatter-added
(``rt.scatter_add``) so repeated indices accumulate.
"""
from __future__ import annotations

from ..base import MXNetError
from ._params import Param
from ._registry import EngineError, InferError, OpDef, ZeroGradient, assign, register
from ._rules import fully_known, merge_shape
from .shape import check, np_dtype, sassign, type_assign_check

__all__ = []

_REQ_CODE = {"write": 1, "add": 3}     # MXNet's OpReqType numbers, for error texts


def _int_indices(xp, idx):
    return idx.astype(xp.int64) if idx.dtype.kind != "i" else idx


class _IndexOp(OpDef):
    family = "index"


@register
class take(_IndexOp):  # noqa: N801 -- MXNet's operator name
    """Gather slices of ``a`` along ``axis`` at ``indices``.

    ``mode='clip'`` clamps out-of-range indices, ``'wrap'`` wraps them around, ``'raise'``
    rejects them at forward time.

    >>> import symnb as mx
    >>> a, i = mx.sym.var('a'), mx.sym.var('i')
    >>> mx.sym.take(a, i).infer_shape(a=(3, 4), i=(2,))[1]
    [(2, 4)]
    """

    name = "take"
    inputs = ("a", "indices")
    params = (
        Param("axis", "int, optional, default='0'",
              "The axis of input array to be taken.For input tensor of rank r, it could be in "
              "the range of [-r, r-1]"),
        Param("mode", "{'clip', 'raise', 'wrap'},optional, default='clip'",
              "Specify how out-of-bound indices bahave. Default is \"clip\". \"clip\" means "
              "clip to the range. So, if all indices mentioned are too large, they are "
              "replaced by the index that addresses the last element along an axis. \"wrap\" "
              "means to wrap around. \"raise\" means to raise an error when index out of "
              "range."),
    )

    def label(self, p, attrs):
        return "take\naxis=%d" % p.axis

    def infer_shape(self, p, ins, outs):
        arr, idx = ins
        if not fully_known(idx):
            return
        # MXNet checks the axis against the data rank even when it is unknown (ndim -1), so a
        # known index shape with an unknown data shape always fails
        ndim = -1 if arr is None else len(arr)
        check(-ndim <= p.axis < ndim, "param.axis >= -1 * arrshape.ndim() && param.axis < "
              "arrshape.ndim(): Axis should be in the range of [-r, r-1] where r is the rank of "
              "input tensor")
        axis = p.axis % ndim
        # MXNet overwrites the output shape (out_attrs->clear()) instead of checking it
        outs[0] = tuple(arr[:axis]) + tuple(idx) + tuple(arr[axis + 1:])

    def infer_type(self, p, ins, outs):
        check(ins[1] is not None, "(*in_attrs)[1] != -1 (-1 vs. -1) : Index type must be set "
              "for take operator")
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])

    def _positions(self, p, xp, idx, size):
        idx = _int_indices(xp, idx)
        if p.mode == "raise":
            if idx.size and (int(idx.min()) < 0 or int(idx.max()) > size - 1):
                raise EngineError("MXNetError: Check failed: is_valid: take operator contains "
                                  "indices out of bound")
            return idx
        if p.mode == "wrap":
            return xp.mod(idx, size)
        return xp.clip(idx, 0, size - 1)

    def forward(self, p, ins, outs, is_train, rt):
        arr, idx = ins
        axis = p.axis % arr.ndim
        pos = self._positions(p, rt.xp, idx, arr.shape[axis])
        outs[0][...] = rt.xp.take(arr, pos, axis=axis)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, (arr, idx) = rt.xp, ins
        if igrads[1] is not None:
            if reqs[1] == "add":
                raise MXNetError("MXNetError: Check failed: req[take_: :kIdx] != kAddTo (3 vs. 3)"
                                 " : take layer doesn't support gradient of req type kAddTo to "
                                 "index")
            igrads[1][...] = 0
        if igrads[0] is None:
            return
        axis = p.axis % arr.ndim
        pos = self._positions(p, xp, idx, arr.shape[axis]).reshape(-1)
        # move the taken axis first: grad[pos[k]] += g[k] with repeated positions accumulated
        g = xp.moveaxis(ograds[0].reshape(arr.shape[:axis] + (pos.size,) + arr.shape[axis + 1:]),
                        axis, 0)
        grad = xp.zeros((arr.shape[axis],) + g.shape[1:], dtype=arr.dtype)
        rt.scatter_add(grad, pos, g)
        assign(igrads[0], xp.moveaxis(grad, 0, axis), reqs[0])



@register
class one_hot(ZeroGradient, _IndexOp):  # noqa: N801
    """One-hot encode ``indices`` into a new last axis of size ``depth``.

    Out-of-range indices give a row of ``off_value``. No gradient (a loss head).

    >>> import symnb as mx
    >>> mx.sym.one_hot(mx.sym.var('i'), depth=4).infer_shape(i=(3,))[1]
    [(3, 4)]
    """

    name = "one_hot"
    inputs = ("indices",)
    loss_head = True
    zero_size_outputs = True          # depth=0: a (..., 0) array, as in MXNet
    params = (
        Param("depth", "int, required", "Depth of the one hot dimension."),
        Param("on_value", "double, optional, default=1",
              "The value assigned to the locations represented by indices."),
        Param("off_value", "double, optional, default=0",
              "The value assigned to the locations not represented by indices."),
        Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8',"
              " 'uint8'},optional, default='float32'", "DType of the output"),
    )

    def label(self, p, attrs):
        return "one_hot\n%d" % p.depth

    def infer_shape(self, p, ins, outs):
        if not fully_known(ins[0]):
            return
        check(p.depth >= 0, "*depth >= 0 (%d vs. 0) : Dimension size, depth, must be a "
              "non-negative integer" % p.depth)
        sassign(outs, 0, tuple(ins[0]) + (p.depth,))

    def infer_type(self, p, ins, outs):
        check(ins[0] is not None, "(*in_attrs)[0] != -1 (-1 vs. -1) : Index type must be set "
              "for one_hot operator")
        type_assign_check(outs, 0, np_dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        idx = _int_indices(xp, ins[0])[..., None]
        hit = idx == xp.arange(p.depth)
        out = outs[0]
        out[...] = xp.where(hit, out.dtype.type(p.on_value), out.dtype.type(p.off_value))



@register
class where(_IndexOp):  # noqa: N801
    """Pick from ``x`` where ``condition`` is non-zero, else from ``y``.

    ``condition`` has the shape of ``x`` or is 1-D with one entry per row of ``x``.

    >>> import symnb as mx
    >>> c, x, y = mx.sym.var('c'), mx.sym.var('x'), mx.sym.var('y')
    >>> mx.sym.where(c, x, y).infer_shape(c=(2, 3), x=(2, 3))[0]
    [(2, 3), (2, 3), (2, 3)]
    """

    name = "where"
    aliases = ("_sparse_where",)
    inputs = ("condition", "x", "y")
    family = "elementwise"

    def infer_shape(self, p, ins, outs):
        cond = ins[0]
        if not fully_known(cond):
            return
        # MXNet's WhereOpShape: conflicts between x, y and the output end inference quietly
        try:
            tshape = merge_shape(merge_shape(ins[1], ins[2]), outs[0])
        except ValueError:
            return
        if tshape is None:
            if len(cond) == 1:      # MXNet reads dim 0 of the unknown shape (ndim -1)
                raise InferError("Check failed: i >= 0 && i < ndim(): index = 0 must be in "
                                 "range [0, -1)")
            return
        sassign(ins, 1, tshape)
        sassign(ins, 2, tshape)
        sassign(outs, 0, tshape)
        if len(cond) == len(tshape):
            try:
                merge_shape(tshape, cond)
            except ValueError:
                return
            sassign(ins, 0, tshape)
        elif len(cond) == 1 and tshape[0]:
            check(cond[0] == tshape[0], "(*in_attrs)[0].Size() == static_cast<size_t>(tshape[0])"
                  " (%d vs. %d) : " % (cond[0], tshape[0]))

    def infer_type(self, p, ins, outs):
        dtype = None
        for t in (ins[1], ins[2], outs[0]):
            if t is not None:
                if dtype is not None and t != dtype:
                    return
                dtype = t
        if dtype is None:
            return
        type_assign_check(ins, 1, dtype)
        type_assign_check(ins, 2, dtype)
        type_assign_check(outs, 0, dtype)

    def _mask(self, cond, ndim):
        mask = cond != 0
        return mask.reshape(mask.shape + (1,) * (ndim - mask.ndim))

    def forward(self, p, ins, outs, is_train, rt):
        cond, x, y = ins
        outs[0][...] = rt.xp.where(self._mask(cond, x.ndim), x, y)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        cond, g = ins[0], ograds[0]
        mask = self._mask(cond, g.ndim)
        if igrads[0] is not None and reqs[0] == "write":
            igrads[0][...] = 0
        # MXNet's where_backward selects (cond ? grad : 0): inf and NaN stay on their side
        if igrads[1] is not None:
            assign(igrads[1], rt.xp.where(mask, g, 0), reqs[1])
        if igrads[2] is not None:
            assign(igrads[2], rt.xp.where(mask, 0, g), reqs[2])



@register
class Embedding(_IndexOp):
    """Look up rows of ``weight`` (``input_dim x output_dim``) at the indices in ``data``.

    Indices are clipped to ``[0, input_dim - 1]``. The weight gradient accumulates repeated
    indices; ``data`` gets no gradient (MXNet refuses any grad_req but null for it).

    >>> import symnb as mx
    >>> emb = mx.sym.Embedding(mx.sym.var('data'), input_dim=10, output_dim=4, name='emb')
    >>> emb.infer_shape(data=(3, 5))
    ([(3, 5), (10, 4)], [(3, 5, 4)], [])
    >>> emb.infer_type(data='int32')[0]
    [<class 'numpy.int32'>, <class 'numpy.float32'>]
    """

    name = "Embedding"
    aliases = ("_sparse_Embedding",)
    inputs = ("data", "weight")
    roles = {"weight": "weight"}
    params = (
        Param("input_dim", "int, required", "Vocabulary size of the input indices.", lower=1),
        Param("output_dim", "int, required", "Dimension of the embedding vectors.", lower=1),
        Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8',"
              " 'uint8'},optional, default='float32'", "Data type of weight."),
        Param("sparse_grad", "boolean, optional, default=0",
              "Compute row sparse gradient in the backward calculation. If set to True, the "
              "grad's storage type is row_sparse."),
    )

    def label(self, p, attrs):
        return "Embedding\n%dx%d" % (p.input_dim, p.output_dim)

    def infer_shape(self, p, ins, outs):
        if ins[0] is None:
            return
        sassign(ins, 1, (p.input_dim, p.output_dim), fmt=_mshadow)
        # MXNet replaces the output shape (out_attrs->clear()) rather than checking it
        outs[0] = tuple(ins[0]) + (p.output_dim,)

    def infer_type(self, p, ins, outs):
        # spec symbol.md 5.2/5.3: data may be any type but must be known; weight and output
        # share one type, the dtype param unless one of them is already known
        check(ins[0] is not None, "itype != -1 (-1 vs. -1) : First input must have specified "
              "type")
        w, o = ins[1], outs[0]
        if w is not None and o is not None:
            check(w == o, "dtype_in == dtype_out (%d vs. %d) : Input and output weights must "
                  "have same type" % (_code(w), _code(o)))
        dtype = w if w is not None else (o if o is not None else np_dtype(p.dtype))
        if ins[1] is None:
            ins[1] = dtype
        outs[0] = dtype

    def forward(self, p, ins, outs, is_train, rt):
        idx = rt.xp.clip(_int_indices(rt.xp, ins[0]), 0, p.input_dim - 1)
        outs[0][...] = ins[1][idx]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        if igrads[0] is not None:
            raise MXNetError("MXNetError: Check failed: req[embedding: :kData] == kNullOp (%d vs. "
                             "0) : Embedding layer doesn't support calculate data gradient"
                             % _REQ_CODE.get(reqs[0], 1))
        if igrads[1] is None:
            return
        idx = xp.clip(_int_indices(xp, ins[0]), 0, p.input_dim - 1).reshape(-1)
        grad = xp.zeros(ins[1].shape, dtype=ins[1].dtype)
        rt.scatter_add(grad, idx, ograds[0].reshape(-1, p.output_dim))
        assign(igrads[1], grad, reqs[1])



def _mshadow(s):
    # Shape2(...) in MXNet's rule prints as (10,4)
    return "(" + ",".join(str(d) for d in s) + ")"


def _code(t):
    from ..base import DTYPE_TO_CODE
    return DTYPE_TO_CODE.get(t, -1)
