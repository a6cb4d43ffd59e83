"""Indexing ops: take, one_hot, where, Embedding — facts, rules (types too), forward,
gradients (scatter-added for repeated indices)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.backends import numpy_backend
from symnb.base import MXNetError
from symnb.ops._registry import InferError

from . import harness
from .test_shape import check_example, check_facts, rule

NAMES = ["take", "one_hot", "where", "Embedding"]


@pytest.mark.parametrize("name", NAMES)
def test_facts_match_ops_json(name):
    check_facts(name)


@pytest.mark.parametrize("name", NAMES)
def test_ops_json_example(name):
    check_example(name)


def test_roles():
    assert harness.parse("Embedding", input_dim=3, output_dim=2)[0].role("weight") == "weight"


# ----------------------------------------------------------------------------- rules
def test_take_shapes_and_types():
    assert rule("take", [(3, 4, 5), (2, 6)], axis=1)[1] == [(3, 2, 6, 5)]
    assert rule("take", [(3, 4), (0,)])[1] == [None]              # indices must be known
    with pytest.raises(InferError, match="Index type must be set for take operator"):
        harness.infer_types("take", ["float32", None])
    assert harness.infer_types("take", [None, "int32"])[1] == [None]
    ins, outs = harness.infer_types("take", ["float64", "float32"])
    assert ins == [np.dtype("float64"), np.dtype("float32")] and outs == [np.dtype("float64")]


def test_one_hot_and_where_rules():
    assert rule("one_hot", [(2, 3)], depth=5)[1] == [(2, 3, 5)]
    assert harness.infer_types("one_hot", ["int32"], depth=2, dtype="int64")[1] == \
        [np.dtype("int64")]
    with pytest.raises(InferError, match="Index type must be set for one_hot operator"):
        harness.infer_types("one_hot", [None], depth=2)
    assert rule("where", [(2, 3), None, (2, 3)])[0] == [(2, 3)] * 3
    assert rule("where", [(2,), (2, 3), None])[0] == [(2,), (2, 3), (2, 3)]
    # conflicts between x and y end the rule quietly, as in MXNet
    assert rule("where", [(2, 3), (2, 3), (3, 2)])[1] == [None]
    ins, outs = harness.infer_types("where", ["int32", None, "float32"])
    assert ins == [np.dtype("int32"), np.dtype("float32"), np.dtype("float32")]


def test_embedding_rules_and_error_texts():
    assert rule("Embedding", [(3, 5), None], input_dim=10, output_dim=4) == \
        ([(3, 5), (10, 4)], [(3, 5, 4)])
    e = mx.sym.Embedding(mx.sym.var("data"), input_dim=10, output_dim=4, name="emb")
    with pytest.raises(MXNetError) as err:
        e.infer_shape(data=(3, 5), emb_weight=(9, 4))
    assert str(err.value).endswith("Error in operator emb: Shape inconsistent, Provided = [9,4],"
                                   " inferred shape=(10,4)")
    with pytest.raises(MXNetError) as err:
        e.infer_type()
    assert str(err.value).endswith("Error in operator emb: Check failed: itype != -1 (-1 vs. -1)"
                                   " : First input must have specified type")
    args, outs, _ = e.infer_type(data="int32", emb_weight="float64")
    assert args[1] is np.float64 and outs == [np.float64]
    ins, outs = harness.infer_types("Embedding", ["float32", None], input_dim=2, output_dim=2,
                                    dtype="float16")
    assert ins[1] == outs[0] == np.dtype("float16")


# ----------------------------------------------------------------------------- forward / grads
A = np.random.default_rng(3).standard_normal((4, 3, 2))
IDX = np.array([[0.0, 3.0], [5.0, -1.0], [1.0, 1.0]])        # out of range and repeated


@pytest.mark.parametrize("mode", ["clip", "wrap"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_forward_and_gradient(mode, axis):
    n = A.shape[axis]
    pos = np.clip(IDX, 0, n - 1) if mode == "clip" else IDX % n
    out, = harness.forward("take", [A, IDX], axis=axis, mode=mode)
    np.testing.assert_array_equal(out, np.take(A, pos.astype(int), axis=axis))
    harness.check_numeric_gradient("take", [A, IDX], wrt=[0], axis=axis, mode=mode)
    g = np.ones(out.shape)
    ga, gi = harness.backward("take", [A, IDX], [g], axis=axis, mode=mode)
    counts = np.bincount(pos.astype(int).ravel(), minlength=n)      # repeats accumulate
    want = np.broadcast_to(counts.reshape([-1 if i == axis % 3 else 1 for i in range(3)]),
                           A.shape)
    np.testing.assert_array_equal(ga, want)
    assert (gi == 0).all()


def test_take_raise_mode():
    out, = harness.forward("take", [A, np.array([3.0, 0.0])], mode="raise")
    np.testing.assert_array_equal(out, A[[3, 0]])
    with pytest.raises(MXNetError, match="take operator contains indices out of bound"):
        harness.forward("take", [A, np.array([4.0])], mode="raise")


def test_one_hot_forward():
    out, = harness.forward("one_hot", [np.array([[1.0, 7.0], [-1.0, 0.0]])], depth=3,
                           on_value=5, off_value=-1)
    assert out.dtype == np.float32
    assert out.tolist() == [[[-1, 5, -1], [-1, -1, -1]], [[-1, -1, -1], [5, -1, -1]]]


@pytest.mark.parametrize("cond", [np.array([[1.0, 0, 2], [0, 0, -1]]), np.array([0.0, 3.0])])
def test_where_forward_and_gradient(cond):
    x, y = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3)
    out, = harness.forward("where", [cond, x, y])
    mask = (cond != 0).reshape(cond.shape + (1,) * (2 - cond.ndim))
    np.testing.assert_array_equal(out, np.where(mask, x, y))
    harness.check_numeric_gradient("where", [cond, x, y], wrt=[1, 2])
    gc, gx, gy = harness.backward("where", [cond, x, y], [np.ones((2, 3))])
    assert (gc == 0).all() and (gx + gy == 1).all()


def test_embedding_forward_and_weight_gradient():
    op, p = harness.parse("Embedding", input_dim=4, output_dim=3)
    data, w = np.array([[0.0, 2.0], [2.0, 9.0]]), np.random.default_rng(4).standard_normal((4, 3))
    out, = harness.forward("Embedding", [data, w], input_dim=4, output_dim=3)
    np.testing.assert_array_equal(out, w[[[0, 2], [2, 3]]])       # indices clipped
    g = np.random.default_rng(5).standard_normal((2, 2, 3))
    gw = np.full((4, 3), 7.0)
    op.backward(p, [data, w], [out], [g], [None, gw], ["null", "add"], True, numpy_backend)
    want = np.full((4, 3), 7.0)
    want[0] += g[0, 0]
    want[2] += g[0, 1] + g[1, 0]
    want[3] += g[1, 1]
    np.testing.assert_allclose(gw, want)


def test_embedding_refuses_data_gradient():
    op, p = harness.parse("Embedding", input_dim=4, output_dim=3)
    data, w = np.zeros((2,)), np.zeros((4, 3))
    with pytest.raises(MXNetError, match="Embedding layer doesn't support calculate data "
                                         "gradient"):
        op.backward(p, [data, w], [np.zeros((2, 3))], [np.zeros((2, 3))],
                    [np.zeros(2), np.zeros((4, 3))], ["write", "write"], True, numpy_backend)
