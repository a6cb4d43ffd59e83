"""Reductions: facts, MXNet's legacy reduced shapes, forward against NumPy, float64 gradients."""
from __future__ import annotations

import numpy as np
import pytest

from symnb.ops._registry import InferError

from . import harness
from .test_shape import check_example, check_facts, rule, rule_error

NAMES = ["sum", "mean", "prod", "max", "min", "norm", "argmax", "argmin"]


@pytest.mark.parametrize("name", NAMES)
def test_facts_match_ops_json(name):
    check_facts(name)


@pytest.mark.parametrize("name", NAMES)
def test_ops_json_example(name):
    check_example(name)


@pytest.mark.parametrize("attrs, oshape", [
    ({}, (1,)),                                       # legacy: everything -> (1,)
    (dict(keepdims=True), (1, 1, 1)),
    (dict(axis=1), (2, 4)),
    (dict(axis=(0, -1)), (3,)),
    (dict(axis=(0, 2), keepdims=True), (1, 3, 1)),
    (dict(axis=1, exclude=True), (3,)),
    (dict(axis=(1,), exclude=True, keepdims=True), (1, 3, 1)),
    (dict(axis=()), (1,)),
])
def test_reduced_shapes(attrs, oshape):
    assert rule("sum", [(2, 3, 4)], **attrs)[1] == [oshape]


def test_partial_shapes_and_errors():
    assert rule("sum", [(2, 0, 4)], axis=2)[1] == [(2, 0)]       # sum needs only the ndim
    assert rule("max", [(2, 0, 4)], axis=2)[1] == [None]         # max needs the full shape
    assert "Reduction axes have duplicates [1,1]" in rule_error("sum", [(2, 3)], axis=(1, -1))
    assert "Reduction axis 2 Exceeds input dimensions [2,3]" in rule_error("mean", [(2, 3)],
                                                                           axis=2)
    assert rule("argmax", [(2, 3, 4)], axis=1, keepdims=True)[1] == [(2, 1, 4)]
    assert rule("argmax", [(2, 3, 4)])[1] == [(1,)]
    assert rule("argmin", [(5,)], axis=0, keepdims=True)[1] == [(1,)]
    assert rule("norm", [(2, 3, 4)], axis=(1, 2))[1] == [(2,)]


def test_norm_types():
    assert harness.infer_types("norm", ["float32"], out_dtype="float64")[1] == \
        [np.dtype("float64")]
    assert harness.infer_types("norm", [None]) == ([None], [None])
    assert "input data type should be specified" in str(pytest.raises(
        InferError, harness.infer_types, "norm", [None], out_dtype="float64").value)


X = np.random.default_rng(1).uniform(0.5, 2.0, (2, 3, 4)) * \
    np.where(np.random.default_rng(2).random((2, 3, 4)) < 0.3, -1, 1)

CASES = [
    ("sum", {}, lambda x: x.sum().reshape(1)),
    ("sum", dict(axis=1), lambda x: x.sum(1)),
    ("sum", dict(axis=(0, 2), keepdims=True), lambda x: x.sum((0, 2), keepdims=True)),
    ("sum", dict(axis=1, exclude=True), lambda x: x.sum((0, 2))),
    ("mean", dict(axis=-1), lambda x: x.mean(-1)),
    ("mean", dict(axis=1, exclude=True, keepdims=True), lambda x: x.mean((0, 2), keepdims=True)),
    ("prod", dict(axis=2), lambda x: x.prod(2)),
    ("max", dict(axis=1), lambda x: x.max(1)),
    ("min", {}, lambda x: x.min().reshape(1)),
    ("norm", {}, lambda x: np.sqrt((x * x).sum()).reshape(1)),
    ("norm", dict(ord=1, axis=1), lambda x: np.abs(x).sum(1)),
    ("norm", dict(axis=(0, 2), keepdims=True),
     lambda x: np.sqrt((x * x).sum((0, 2), keepdims=True))),
]


@pytest.mark.parametrize("name, attrs, ref", CASES)
def test_forward_matches_numpy(name, attrs, ref):
    out, = harness.forward(name, [X], **attrs)
    np.testing.assert_allclose(out, ref(X), rtol=1e-12)


@pytest.mark.parametrize("name, attrs, ref", CASES)
def test_numeric_gradient(name, attrs, ref):
    harness.check_numeric_gradient(name, [X], **attrs)


def test_max_gradient_goes_to_every_tie():
    g, = harness.backward("max", [np.array([[1.0, 3.0, 3.0]])], [np.array([2.0])], axis=1)
    assert g.tolist() == [[0, 2, 2]]


def test_argmax_argmin_forward_and_zero_gradient():
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    out, = harness.forward("argmax", [x], axis=1)
    assert out.dtype == x.dtype and out.tolist() == [1, 0]
    assert harness.forward("argmin", [x])[0].tolist() == [4]
    assert harness.forward("argmax", [x], axis=0, keepdims=True)[0].tolist() == [[1, 0, 1]]
    op, p = harness.parse("argmax", axis=1)
    buf = np.ones_like(x)                   # 'write' must overwrite stale values with zeros
    op.backward(p, [x], [None], [None], [buf], ["write"], True, harness.numpy_backend)
    assert (buf == 0).all()
