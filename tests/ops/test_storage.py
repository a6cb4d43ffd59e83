"""The sparse-storage operators (``symnb/ops/storage.py``) on symnb's dense arrays.

Every expected text below is what MXNet 1.9.1 printed for the same call (its pip wheel in
``.bench-mxnet-venv``), with the timestamp and source path it puts before some of them
left out, as symnb's other errors leave them out.
"""
import json

import numpy as np
import pytest

import symnb as mx
from symnb.base import MXNetError

from . import harness

X = np.arange(12, dtype=np.float64).reshape(3, 4) - 5.0


# ---------------------------------------------------------------- cast_storage
@pytest.mark.parametrize("stype", ["default", "csr", "row_sparse"])
def test_cast_storage_keeps_values_dtype_and_passes_the_gradient(stype):
    out, = harness.forward("cast_storage", [X], stype=stype)
    np.testing.assert_array_equal(out, X)
    assert out.dtype == np.float64
    harness.check_numeric_gradient("cast_storage", [X], wrt=[0], stype=stype)
    a = mx.sym.var("a")
    s = mx.sym.cast_storage(a, stype=stype)
    assert s.infer_shape(a=(3, 4))[1] == [(3, 4)]
    assert s.infer_type(a="int32")[1] == [np.int32]
    ex = s.bind(mx.cpu(), {"a": mx.nd.array(X)}, args_grad={"a": mx.nd.ones((3, 4))},
                grad_req="add")
    np.testing.assert_array_equal(ex.forward(is_train=True)[0].asnumpy(), X)
    ex.backward([mx.nd.full((3, 4), 2.0)])
    np.testing.assert_array_equal(ex.grad_dict["a"].asnumpy(), np.full((3, 4), 3.0))


def test_cast_storage_rules_and_errors_as_mxnet():
    a = mx.sym.var("a")
    # csr holds 2-D arrays only: MXNet binds, and its kernel checks the rank (row_sparse
    # takes any rank)
    ex = mx.sym.cast_storage(a, stype="csr").bind(mx.cpu(), {"a": mx.nd.ones((2, 3, 4))})
    with pytest.raises(MXNetError, match=r"Check failed: dns.shape_.ndim\(\) == 2 \(3 vs. 2\)"):
        ex.forward()
    ex = mx.sym.cast_storage(a, stype="row_sparse").bind(mx.cpu(), {"a": mx.nd.ones((2, 3, 4))})
    assert ex.forward()[0].shape == (2, 3, 4)
    with pytest.raises(MXNetError, match="Required parameter stype of int is not presented, in "
                       r'operator cast_storage\(name=""\)'):
        mx.sym.cast_storage(a)
    with pytest.raises(MXNetError, match=r"Invalid Input: 'dense', valid values are: \{'csr', "
                       r"'default', 'row_sparse'\}, in operator cast_storage\(name=\"\", "
                       r'stype="dense"\)'):
        mx.sym.cast_storage(a, stype="dense")
    np.testing.assert_array_equal(mx.nd.sparse.cast_storage(mx.nd.array(X), stype="csr")
                                  .asnumpy(), X.astype(np.float32))


# ---------------------------------------------------------------- sparse-only operators
_STORAGE = ("Operator not implemented: operator = %s\ninput storage types = [%s]\n"
            "output storage types = [unknown, ]\nparams = {%s}\ncontext.dev_mask = cpu")
SPARSE_ONLY = [
    # (symbol maker, the mx.nd call, inputs, MXNet's operator, storage list, params text)
    (lambda a, b, c: mx.sym._internal._square_sum(a, axis=1, keepdims=True, name="q"),
     lambda x, i, j: mx.nd._internal._square_sum(x, axis=1, keepdims=True),
     "_square_sum", "default, ", '"keepdims" : True, "axis" : 1, '),
    (lambda a, b, c: mx.sym.sparse.retain(a, b, name="q"),
     lambda x, i, j: mx.nd.sparse.retain(x, i), "_sparse_retain", "default, default, ", ""),
    (lambda a, b, c: mx.sym.contrib.getnnz(a, axis=1, name="q"),
     lambda x, i, j: mx.nd.contrib.getnnz(x, axis=1), "_contrib_getnnz", "default, ",
     '"axis" : 1, '),
    (lambda a, b, c: mx.sym.contrib.edge_id(a, b, c, name="q"),
     lambda x, i, j: mx.nd.contrib.edge_id(x, i, j), "_contrib_edge_id",
     "default, default, default, ", ""),
]


@pytest.mark.parametrize("make, call, op, stypes, params", SPARSE_ONLY,
                         ids=[c[2] for c in SPARSE_ONLY])
def test_sparse_only_operators_fail_on_dense_arrays_as_mxnet(make, call, op, stypes, params):
    a, b, c = mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c")
    sym = make(a, b, c)
    given = {"a": mx.nd.array(X), "b": mx.nd.array([0, 2]), "c": mx.nd.array([1, 2])}
    args = {k: v for k, v in given.items() if k in sym.list_arguments()}
    want = "MXNetError: Error in operator q: " + _STORAGE % (op, stypes, params)
    with pytest.raises(MXNetError) as bound:
        sym.bind(mx.cpu(), args)
    assert str(bound.value) == want
    with pytest.raises(RuntimeError) as simple:     # simple_bind wraps it, as MXNet's does
        sym.simple_bind(mx.cpu(), **{k: v.shape for k, v in args.items()})
    assert str(simple.value) == "simple_bind error. Arguments:\n%s%s" % (
        "".join("%s: %s\n" % (k, v.shape) for k, v in args.items()), want)
    with pytest.raises(MXNetError) as imperative:
        call(given["a"], given["b"], given["c"])
    assert str(imperative.value) == ("MXNetError: Check failed: infer_stype_success: "
                                     + _STORAGE % (op, stypes, params))
    # the symbol itself composes, infers and goes to and from MXNet's JSON
    again = mx.sym.load_json(sym.tojson())
    assert again.tojson() == sym.tojson()
    assert json.loads(sym.tojson())["nodes"][-1]["op"] == op


def test_square_sum_follows_the_reductions_shape_rule():
    a = mx.sym.var("a")
    sq = mx.sym._internal._square_sum
    assert sq(a, axis=1, keepdims=True).infer_shape(a=(3, 4))[1] == [(3, 1)]
    assert sq(a).infer_shape(a=(3, 4))[1] == [(1,)]
    assert sq(a, axis=0, exclude=True).infer_shape(a=(3, 4))[1] == [(3,)]
    assert sq(a, axis=1).infer_shape(a=(3, 4, 5))[1] == [(3, 5)]
    assert sq(a, axis=0).infer_type(a="float64")[1] == [np.float64]
    with pytest.raises(MXNetError, match=r"Check failed: axes\[axes.ndim\(\)-1\] < ishape.ndim"
                       r"\(\) \(2 vs. 2\) : Reduction axis 2 Exceeds input dimensions \[3,4\]"):
        sq(a, axis=2).infer_shape(a=(3, 4))


def test_retain_getnnz_edge_id_rules_as_mxnet():
    a, b, c = mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c")
    retain = mx.sym.sparse.retain(a, b)
    assert retain.infer_shape(a=(3, 4), b=(5,)) == ([(3, 4), (5,)], [(3, 4)], [])
    # MXNet checks the indices' rank only in its row_sparse kernel
    assert retain.infer_shape(a=(3, 4), b=(2, 2))[1] == [(3, 4)]
    assert retain.infer_type(a="float64", b="int64")[1] == [np.float64]
    with pytest.raises(MXNetError, match=r"Check failed: \(\*in_attrs\)\[sr::kIdx\] != -1 "
                       r"\(-1 vs. -1\) : Index type must be set for sparse_retain operator"):
        retain.infer_type_partial()
    nnz = mx.sym.contrib.getnnz
    assert nnz(a, axis=0).infer_shape(a=(3, 4))[1] == [(4,)]
    assert nnz(a).infer_shape(a=(3, 4))[1] == [(1,)]
    assert nnz(a).infer_type(a="float64")[1] == [np.int64]
    with pytest.raises(MXNetError, match=r"in_attrs->at\(0\).ndim\(\) == 2 \(3 vs. 2\)"):
        nnz(a).infer_shape(a=(3, 4, 2))
    with pytest.raises(MXNetError, match=r"in_attrs->at\(0\).ndim\(\) == 2 \(-1 vs. 2\)"):
        nnz(a).infer_shape_partial()
    with pytest.raises(MXNetError, match=r"Unexpected value for axis\(2\). Candidates are None, "
                       "0, and 1"):
        nnz(a, axis=2).infer_shape(a=(3, 4))
    eid = mx.sym.contrib.edge_id(a, b, c)
    assert eid.infer_shape(a=(3, 4, 1), b=(5,), c=(5,))[1] == [(5,)]
    assert eid.infer_type(a="float64", b="int32", c="int64")[1] == [np.float64]
    with pytest.raises(MXNetError, match=r"in_attrs->at\(1\)\[0\] == in_attrs->at\(2\)\[0\] "
                       r"\(5 vs. 4\)"):
        eid.infer_shape(a=(3, 4), b=(5,), c=(4,))
    with pytest.raises(MXNetError, match=r"in_attrs->at\(2\).ndim\(\) == 1U \(-1 vs. 1\)"):
        eid.infer_shape_partial(b=(5,))


def test_dgl_adjacency_needs_int64_then_csr():
    a = mx.sym.var("a")
    adj = mx.sym.contrib.dgl_adjacency(a)
    assert adj.infer_shape(a=(2, 3, 4))[1] == [(2, 3, 4)]
    assert adj.infer_type(a="int64")[1] == [np.float32]
    with pytest.raises(MXNetError, match=r"in_attrs->at\(0\) == mshadow::kInt64 \(0 vs. 6\)"):
        adj.infer_type(a="float32")
    with pytest.raises(MXNetError, match=r"in_attrs->at\(0\) == mshadow::kInt64 \(-1 vs. 6\)"):
        adj.infer_type_partial()
    # MXNet binds it and fails in the kernel, which needs csr storage
    ex = adj.bind(mx.cpu(), {"a": mx.nd.ones((3, 3), dtype="int64")})
    with pytest.raises(MXNetError, match=r"inputs\[0\].storage_type\(\) == kCSRStorage "
                       r"\(0 vs. 2\)"):
        ex.forward()[0].asnumpy()


# ---------------------------------------------------------------- SparseEmbedding
def test_sparse_embedding_runs_as_embedding():
    w = np.random.default_rng(0).standard_normal((5, 4))
    idx = np.array([0.0, 3.0, 3.0])
    got, = harness.forward("_contrib_SparseEmbedding", [idx, w], input_dim=5, output_dim=4)
    want, = harness.forward("Embedding", [idx, w], input_dim=5, output_dim=4)
    np.testing.assert_array_equal(got, want)
    harness.check_numeric_gradient("_contrib_SparseEmbedding", [idx, w], wrt=[1], input_dim=5,
                                   output_dim=4)
    data = mx.sym.var("data")
    e = mx.sym.contrib.SparseEmbedding(data, input_dim=5, output_dim=4, name="e")
    assert e.list_arguments() == ["data", "e_weight"]
    assert json.loads(e.tojson())["nodes"][-1] == {
        "op": "_contrib_SparseEmbedding", "name": "e",
        "attrs": {"input_dim": "5", "output_dim": "4"}, "inputs": [[0, 0, 0], [1, 0, 0]]}
    ex = e.simple_bind(mx.cpu(), data=(3,), grad_req={"data": "null", "e_weight": "write"})
    ex.arg_dict["data"][:] = idx
    ex.arg_dict["e_weight"][:] = w
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((3, 4))])
    np.testing.assert_allclose(ex.grad_dict["e_weight"].asnumpy(),
                               np.array([1, 0, 0, 2, 0])[:, None] * np.ones((5, 4)))


def test_sparse_embedding_bind_with_dense_gradients_fails_as_mxnet():
    data, weight = mx.sym.var("data"), mx.sym.var("w")
    e = mx.sym.contrib.SparseEmbedding(data, weight, input_dim=5, output_dim=4, name="e")
    args = {"data": mx.nd.array([0, 3]), "w": mx.nd.ones((5, 4))}
    with pytest.raises(MXNetError) as err:
        e.bind(mx.cpu(), args, args_grad={"w": mx.nd.zeros((5, 4))},
               grad_req={"data": "null", "w": "write"})
    assert str(err.value) == (
        "MXNetError: Error in operator e_backward: Operator not implemented: operator = "
        "_backward_SparseEmbedding\ninput storage types = [default, default, ]\noutput storage "
        'types = [default, default, ]\nparams = {"output_dim" : 4, "input_dim" : 5, }\n'
        "context.dev_mask = cpu")
    # without a gradient array it binds and runs, as in MXNet
    ex = e.bind(mx.cpu(), args, args_grad={"w": mx.nd.zeros((5, 4))}, grad_req="null")
    np.testing.assert_array_equal(ex.forward()[0].asnumpy(), np.ones((2, 4)))
    with pytest.raises(MXNetError, match="Cannot find argument 'sparse_grad'"):
        mx.sym.contrib.SparseEmbedding(data, input_dim=5, output_dim=4, sparse_grad=True)
