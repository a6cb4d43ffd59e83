"""Operators of MXNet's sparse storage: cast_storage, _square_sum, retain, getnnz, edge_id,
dgl_adjacency and SparseEmbedding.

symnb's arrays are all dense (``stype`` is always ``'default'``). What MXNet 1.9.1 runs on
dense arrays runs here too: ``cast_storage`` (its result holds the input's values, as
``asnumpy()`` of MXNet's csr or row_sparse result does) and SparseEmbedding. The
rest are sparse-only in MXNet: they compose, infer shapes and types, and load and save as
MXNet's JSON, and binding or calling them with dense arrays fails with MXNet's own
storage-type error (``OpDef.dense_unsupported``), as it does in MXNet.

>>> import symnb as mx
>>> x = mx.nd.array([[0, 2], [3, 0]])
>>> mx.nd.cast_storage(x, stype='csr').asnumpy()
array([[0., 2.],
       [3., 0.]], dtype=float32)
>>> mx.sym.contrib.getnnz(mx.sym.var('a'), axis=0).infer_shape(a=(3, 4))[1]
[(4,)]
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, assign, register
from ._rules import elemwise_shape
from .indexing import Embedding
from .reduce import _Reduce
from .shape import _ShapeOp, check, sassign, type_assign_check

__all__ = ["cast_storage"]


def _data_shape(ins, outs):
    """The output has the data's shape, whichever of the two is known first."""
    if ins[0] is not None:
        sassign(outs, 0, ins[0])
    elif outs[0] is not None:
        sassign(ins, 0, outs[0])


@register
class cast_storage(_ShapeOp):  # noqa: N801 -- MXNet's operator name
    """The input in storage type ``stype`` (``'default'``, ``'csr'``, ``'row_sparse'``).

    symnb's arrays are dense, so the result is a copy holding the same values (MXNet's
    ``asnumpy()`` of the sparse result gives the same numbers); the gradient passes through.
    ``'csr'`` needs a 2-D input, as in MXNet.

    >>> import symnb as mx
    >>> a = mx.sym.var('a')
    >>> ex = mx.sym.cast_storage(a, stype='row_sparse').bind(mx.cpu(), {'a': mx.nd.ones((2, 3))})
    >>> ex.forward()[0].shape
    (2, 3)
    >>> ex = mx.sym.cast_storage(a, stype='csr').bind(mx.cpu(), {'a': mx.nd.ones((2, 3, 4))})
    >>> try:
    ...     ex.forward()
    ... except mx.MXNetError as e:
    ...     print(str(e).strip())
    MXNetError: Check failed: dns.shape_.ndim() == 2 (3 vs. 2) :
    """

    name = "cast_storage"
    aliases = ("_sparse_cast_storage",)
    family = "elementwise"
    params = (Param("stype", "{'csr', 'default', 'row_sparse'}, required",
                    "Output storage type."),)

    def label(self, p, attrs):
        return "cast_storage\n%s" % p.stype

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        # MXNet binds it and its kernel (CastStorageDnsCsrImpl) checks the rank
        if p.stype == "csr" and ins[0].ndim != 2:
            raise MXNetError("MXNetError: Check failed: dns.shape_.ndim() == 2 (%d vs. 2) : "
                             % ins[0].ndim)
        outs[0][...] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if igrads[0] is not None:
            assign(igrads[0], ograds[0], reqs[0])


class _SparseOnly(_ShapeOp):
    """MXNet runs these on csr or row_sparse inputs only (``dense_unsupported``)."""

    dense_unsupported = True
    monitor_named_inputs = False


@register
class _square_sum(_Reduce):  # noqa: N801 -- MXNet's operator name
    """Sum of squares over ``axis`` of a row_sparse array (used by sparse gradient norms).

    MXNet has no dense kernel for it, so a bind with symnb's dense arrays fails as MXNet's
    does; shapes follow the other reductions.

    >>> import symnb as mx
    >>> a = mx.sym.var('a')
    >>> mx.sym._internal._square_sum(a, axis=1, keepdims=True).infer_shape(a=(3, 4))[1]
    [(3, 1)]
    >>> q = mx.sym._internal._square_sum(a, axis=1, name='q')
    >>> q.bind(mx.cpu(), {'a': mx.nd.ones((3, 4))})
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: MXNetError: Error in operator q: Operator not implemented: ...
    """

    name = "_square_sum"
    dense_unsupported = True


@register
class _sparse_retain(_SparseOnly):  # noqa: N801 -- MXNet's operator name
    """The rows of a row_sparse ``data`` whose indices are in ``indices`` (the other rows
    become zeros): ``mx.sym.sparse.retain``.

    >>> import symnb as mx
    >>> s = mx.sym.sparse.retain(mx.sym.var('data'), mx.sym.var('indices'))
    >>> s.infer_shape(data=(3, 4), indices=(2,))[1]
    [(3, 4)]
    >>> s.infer_type(data='float64', indices='int64')[1]
    [<class 'numpy.float64'>]
    """

    name = "_sparse_retain"
    inputs = ("data", "indices")
    monitor_named_inputs = True

    def infer_shape(self, p, ins, outs):
        # MXNet checks that the indices are 1-D only in its row_sparse kernel
        _data_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        check(ins[1] is not None, "(*in_attrs)[sr::kIdx] != -1 (-1 vs. -1) : Index type must "
              "be set for sparse_retain operator")
        if ins[0] is not None:
            type_assign_check(outs, 0, ins[0])
        elif outs[0] is not None:
            ins[0] = outs[0]


@register
class _contrib_getnnz(_SparseOnly):  # noqa: N801 -- MXNet's operator name
    """The number of stored values of a 2-D csr array: in all (``(1,)``), per column
    (``axis=0``) or per row (``axis=1``), as int64.

    >>> import symnb as mx
    >>> n = mx.sym.contrib.getnnz(mx.sym.var('a'), axis=1)
    >>> n.infer_shape(a=(3, 4))[1], n.infer_type(a='float32')[1]
    ([(3,)], [<class 'numpy.int64'>])
    """

    name = "_contrib_getnnz"
    params = (Param("axis", "int or None, optional, default='None'",
                    "Select between the number of values across the whole matrix, in each "
                    "column, or in each row."),)

    def infer_shape(self, p, ins, outs):
        ndim = -1 if ins[0] is None else len(ins[0])
        check(ndim == 2, "in_attrs->at(0).ndim() == 2 (%d vs. 2) : " % ndim)
        if p.axis is None:
            sassign(outs, 0, (1,))
        elif p.axis in (0, 1):
            sassign(outs, 0, (ins[0][1 - p.axis],))
        else:                                   # MXNet's LOG(FATAL): no "Check failed"
            raise InferError("Unexpected value for axis(%d). Candidates are None, 0, and 1"
                             % p.axis)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.dtype(np.int64))


@register
class _contrib_edge_id(_SparseOnly):  # noqa: N801 -- MXNet's operator name
    """For each pair ``(u[i], v[i])``, the value stored at that position of the csr
    adjacency matrix ``data``, or -1 where there is none.

    >>> import symnb as mx
    >>> e = mx.sym.contrib.edge_id(mx.sym.var('data'), mx.sym.var('u'), mx.sym.var('v'))
    >>> e.infer_shape(data=(3, 3), u=(4,), v=(4,))[1]
    [(4,)]
    """

    name = "_contrib_edge_id"
    inputs = ("data", "u", "v")
    monitor_named_inputs = True

    def infer_shape(self, p, ins, outs):
        u, v = ins[1], ins[2]
        for i, s in ((1, u), (2, v)):
            n = -1 if s is None else len(s)
            check(n == 1, "in_attrs->at(%d).ndim() == 1U (%d vs. 1) : " % (i, n))
        check(u[0] == v[0], "in_attrs->at(1)[0] == in_attrs->at(2)[0] (%d vs. %d) : "
              % (u[0], v[0]))
        sassign(outs, 0, u)

    def infer_type(self, p, ins, outs):
        if ins[0] is not None:
            type_assign_check(outs, 0, ins[0])
        elif outs[0] is not None:
            ins[0] = outs[0]


@register
class _contrib_dgl_adjacency(_ShapeOp):  # noqa: N801 -- MXNet's operator name
    """The adjacency matrix of a csr graph whose values are edge ids (int64): the same
    sparsity with every value 1, as float32.

    MXNet's kernel needs csr storage and checks it when it runs: with symnb's dense arrays
    the forward fails with MXNet's message.

    >>> import symnb as mx
    >>> g = mx.sym.contrib.dgl_adjacency(mx.sym.var('data'))
    >>> g.infer_shape(data=(3, 3))[1], g.infer_type(data='int64')[1]
    ([(3, 3)], [<class 'numpy.float32'>])
    """

    name = "_contrib_dgl_adjacency"
    monitor_named_inputs = False

    def infer_shape(self, p, ins, outs):
        _data_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        code = -1 if ins[0] is None else _code(ins[0])
        check(ins[0] == np.dtype(np.int64), "in_attrs->at(0) == mshadow::kInt64 (%d vs. 6) : "
              % code)
        type_assign_check(outs, 0, np.dtype(np.float32))

    def forward(self, p, ins, outs, is_train, rt):
        raise MXNetError("MXNetError: Check failed: inputs[0].storage_type() == kCSRStorage "
                         "(0 vs. 2) : ")


@register
class _contrib_SparseEmbedding(Embedding):  # noqa: N801 -- MXNet's operator name
    """Embedding with a row_sparse weight gradient (deprecated in MXNet for
    ``Embedding(sparse_grad=True)``).

    Forward and backward are Embedding's. ``simple_bind`` runs it as MXNet does (there with
    a row_sparse weight gradient, here a dense one holding its values); ``bind`` given a
    dense gradient array fails with MXNet's storage-type error, as in MXNet.

    >>> import symnb as mx
    >>> e = mx.sym.contrib.SparseEmbedding(mx.sym.var('data'), input_dim=5, output_dim=2,
    ...                                    name='e')
    >>> e.list_arguments(), e.infer_shape(data=(3,))[1]
    (['data', 'e_weight'], [(3, 2)])
    """

    name = "_contrib_SparseEmbedding"
    aliases = ()
    dense_backward_unsupported = ("_backward_SparseEmbedding", 2, 2)
    # MXNet documents Embedding's parameters but parses an older struct: no sparse_grad,
    # fewer dtypes, and ``deterministic``
    parser_params = (
        Embedding.params[0], Embedding.params[1],
        Param("dtype", "{'float16', 'float32', 'float64', 'int32', 'uint8'},optional, "
              "default='float32'", "Data type of weight."),
        Param("deterministic", "boolean, optional, default=0",
              "Force the backward gradient calculation to be executed based on a "
              "deterministic order at the cost of slower speed."))

    def label(self, p, attrs):
        return "SparseEmbedding\n%dx%d" % (p.input_dim, p.output_dim)


def _code(t):
    from ..base import DTYPE_TO_CODE
    return DTYPE_TO_CODE.get(np.dtype(t), -1)
