"""Matrix products: dot (N-D, MXNet's flattening semantics) and batch_dot.

MXNet's ``dot`` is not NumPy's: the lhs is viewed as a matrix of all-but-last axes by last
axis (first axis by the rest when ``transpose_a``), the rhs as first axis by the rest (all but
last by last when ``transpose_b``); the output shape is the lhs's free axes followed by the
rhs's (spec symbol.md 5.3 for the error text).
"""
from __future__ import annotations

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import fmt_shape
from .shape import check, sassign


def _as_matrix(x, k):
    """``x`` as a matrix of (dims before ``k``) x (dims from ``k``): explicit sizes, so a
    zero-size array (``mx.np_shape``) reshapes too (NumPy cannot infer -1 next to a 0)."""
    rows = 1
    for d in x.shape[:k]:
        rows *= int(d)
    cols = 1
    for d in x.shape[k:]:
        cols *= int(d)
    return x.reshape(rows, cols)

__all__ = []

_DOT_PARAMS = (
    Param("transpose_a", "boolean, optional, default=0",
          "If true then transpose the first input before dot."),
    Param("transpose_b", "boolean, optional, default=0",
          "If true then transpose the second input before dot."),
    Param("forward_stype", "{None, 'csr', 'default', 'row_sparse'},optional, default='None'",
          "The desired storage type of the forward output given by user, if thecombination of "
          "input storage types and this hint does not matchany implemented ones, the dot "
          "operator will perform fallback operationand still produce an output of the desired "
          "storage type."),
)


def _size(dims):
    """TShape::Size(), which rejects unknown dims (MXNet checks even in partial inference)."""
    size = 1
    for d in dims:
        check(d > 0, "dim_size_is_known(*it): Shape dim size cannot be a negative value -1")
        size *= d
    return size


def _split(shape, first: bool):
    """(rows, cols) axis groups of the 2-D view: split after the first or before the last."""
    if len(shape) == 1:
        return ((shape[0],), (1,)) if first else ((1,), (shape[0],))
    return (shape[:1], shape[1:]) if first else (shape[:-1], shape[-1:])


@register
class dot(OpDef):  # noqa: N801 -- MXNet's operator name
    """Matrix product with MXNet's N-D semantics and optional transposes.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.dot(a, b).infer_shape(a=(2, 3, 4), b=(4, 5))[1]
    [(2, 3, 5)]
    >>> mx.sym.dot(a, b, transpose_a=True, transpose_b=True).infer_shape(a=(4, 3), b=(5, 4))[1]
    [(3, 5)]
    """

    name = "dot"
    aliases = ("_sparse_dot",)
    inputs = ("lhs", "rhs")
    family = "dense"
    params = _DOT_PARAMS

    def infer_shape(self, p, ins, outs):
        lshape, rshape = ins
        if lshape is None or rshape is None:
            return
        ta, tb = p.transpose_a, p.transpose_b
        if len(lshape) == 1 and len(rshape) == 1:
            check(not ta and not tb, "!param.transpose_a && !param.transpose_b: Cannot "
                  "transpose vectors")
            check(lshape[0] == rshape[0], "lshape[0] == rshape[0] (%d vs. %d) : dot shape "
                  "error: %s X %s" % (lshape[0] or -1, rshape[0] or -1, fmt_shape(lshape),
                                      fmt_shape(rshape)))
            sassign(outs, 0, (1,))
            return
        lrows, lcols = _split(lshape, ta)
        rrows, rcols = _split(rshape, not tb)
        lfree, lsum = (lcols, lrows) if ta else (lrows, lcols)
        rsum, rfree = (rcols, rrows) if tb else (rrows, rcols)
        lk, rk = _size(lsum), _size(rsum)
        check(lk == rk, "L[!Ta].Size() == R[Tb].Size() (%d vs. %d) : dot shape error: %s X %s"
              % (lk, rk, fmt_shape(lshape), fmt_shape(rshape)))
        out = (tuple(lfree) if len(lshape) > 1 else ()) + \
            (tuple(rfree) if len(rshape) > 1 else ())
        sassign(outs, 0, out)

    def _views(self, p, lhs, rhs):
        """The 2-D operands A, B with ``out = A @ B`` (views of the inputs)."""
        a = _as_matrix(lhs, 1).T if p.transpose_a else _as_matrix(lhs, lhs.ndim - 1)
        b = _as_matrix(rhs, rhs.ndim - 1).T if p.transpose_b else _as_matrix(rhs, 1)
        return a, b

    def forward(self, p, ins, outs, is_train, rt):
        a, b = self._views(p, ins[0], ins[1])
        outs[0][...] = (a @ b).reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        lhs, rhs = ins
        a, b = self._views(p, lhs, rhs)
        g = ograds[0].reshape(a.shape[0], b.shape[1])
        if igrads[0] is not None:
            da = g @ b.T
            assign(igrads[0], (da.T if p.transpose_a else da).reshape(lhs.shape), reqs[0])
        if igrads[1] is not None:
            db = a.T @ g
            assign(igrads[1], (db.T if p.transpose_b else db).reshape(rhs.shape), reqs[1])



def _swap(x, flag):
    return x.swapaxes(-1, -2) if flag else x


@register
class batch_dot(OpDef):  # noqa: N801
    """Batched matrix product over leading batch axes (inputs of equal rank >= 3).

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.batch_dot(a, b, transpose_b=True).infer_shape(a=(2, 3, 4), b=(2, 5, 4))[1]
    [(2, 3, 5)]
    """

    name = "batch_dot"
    inputs = ("lhs", "rhs")
    family = "dense"
    params = _DOT_PARAMS

    def infer_shape(self, p, ins, outs):
        lshape, rshape = ins
        if lshape is None or rshape is None:
            return
        ta, tb = p.transpose_a, p.transpose_b
        flags = " trans_a=%d trans_b=%d" % (ta, tb)
        pair = "%s X %s" % (fmt_shape(lshape), fmt_shape(rshape))
        nd = len(lshape)
        if nd < 3 or len(rshape) != nd:     # a LOG(FATAL), not a CHECK
            raise InferError("batch_dot currently only support N-D*N-D array (N >= 3)%s v.s. %s"
                             % (fmt_shape(lshape), fmt_shape(rshape)))
        # MXNet infers only when these two dims are known, whatever the transposes
        if not lshape[nd - 1] or not rshape[nd - 2]:
            return
        for i in range(nd - 2):
            check(lshape[i] == rshape[i], "lshape[i] == rshape[i] (%d vs. %d) : batch_dot shape "
                  "error (the leading batch dimensions must be equal): %s%s"
                  % (lshape[i] or -1, rshape[i] or -1, pair, flags))
        m, lk = (lshape[nd - 1], lshape[nd - 2]) if ta else (lshape[nd - 2], lshape[nd - 1])
        n, rk = (rshape[nd - 2], rshape[nd - 1]) if tb else (rshape[nd - 1], rshape[nd - 2])
        check(lk == rk, "lshape_k == rshape_k (%d vs. %d) : batch_dot shape error (shape "
              "mismatch): %s%s" % (lk or -1, rk or -1, pair, flags))
        sassign(outs, 0, tuple(lshape[:nd - 2]) + (m, n))

    def forward(self, p, ins, outs, is_train, rt):
        rt.xp.matmul(_swap(ins[0], p.transpose_a), _swap(ins[1], p.transpose_b), out=outs[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, g = rt.xp, ograds[0]
        a, b = _swap(ins[0], p.transpose_a), _swap(ins[1], p.transpose_b)
        if igrads[0] is not None:
            assign(igrads[0], _swap(xp.matmul(g, _swap(b, True)), p.transpose_a), reqs[0])
        if igrads[1] is not None:
            assign(igrads[1], _swap(xp.matmul(_swap(a, True), g), p.transpose_b), reqs[1])

