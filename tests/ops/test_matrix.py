"""dot and batch_dot: facts, MXNet's N-D shape rule and error texts, forward, gradients."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.base import MXNetError

from . import harness
from .test_shape import check_example, check_facts, rule, rule_error


@pytest.mark.parametrize("name", ["dot", "batch_dot"])
def test_facts_and_example(name):
    check_facts(name)
    check_example(name)


@pytest.mark.parametrize("lshape, rshape, attrs, oshape", [
    ((2, 3), (3, 4), {}, (2, 4)),
    ((2, 3, 4), (4, 5), {}, (2, 3, 5)),
    ((2, 3, 4), (4, 5, 6), {}, (2, 3, 5, 6)),
    ((4, 3), (5, 4), dict(transpose_a=True, transpose_b=True), (3, 5)),
    ((4, 2, 3), (4, 5), dict(transpose_a=True), (2, 3, 5)),   # contracts over axis 0 only
    ((6, 2), (3, 2, 2), dict(transpose_b=True), (6, 3, 2)),    # rhs as (-1, last)
    ((3,), (3, 5), {}, (5,)),
    ((2, 3), (3,), {}, (2,)),
    ((3,), (3,), {}, (1,)),
])
def test_dot_shapes(lshape, rshape, attrs, oshape):
    assert rule("dot", [lshape, rshape], **attrs)[1] == [oshape]


def test_dot_error_text_matches_mxnet():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    with pytest.raises(MXNetError) as e:
        mx.sym.dot(a, b, name="dt").infer_shape(a=(2, 3), b=(4, 5))
    assert str(e.value).endswith("Error in operator dt: Check failed: L[!Ta].Size() == "
                                 "R[Tb].Size() (3 vs. 4) : dot shape error: [2,3] X [4,5]")
    assert "Cannot transpose vectors" in rule_error("dot", [(3,), (3,)], transpose_a=True)
    assert rule("dot", [(0, 3), (3, 4)])[1] == [(0, 4)]        # free dims may stay unknown


def test_batch_dot_shapes_and_errors():
    assert rule("batch_dot", [(2, 3, 4), (2, 4, 5)])[1] == [(2, 3, 5)]
    assert rule("batch_dot", [(7, 2, 4, 3), (7, 2, 5, 4)], transpose_a=True,
                transpose_b=True)[1] == [(7, 2, 3, 5)]
    assert "batch_dot shape error (shape mismatch): [2,3,4] X [2,5,5] trans_a=0 trans_b=0" in \
        rule_error("batch_dot", [(2, 3, 4), (2, 5, 5)])
    assert "leading batch dimensions must be equal" in \
        rule_error("batch_dot", [(2, 3, 4), (3, 4, 5)])
    assert "batch_dot currently only support N-D*N-D array (N >= 3)" in \
        rule_error("batch_dot", [(3, 4), (4, 5)])


R = np.random.default_rng(6)
CASES = [
    ("dot", [R.standard_normal((2, 3)), R.standard_normal((3, 4))], {}, lambda a, b: a @ b),
    ("dot", [R.standard_normal((2, 3, 4)), R.standard_normal((4, 5))], {},
     lambda a, b: a @ b),
    ("dot", [R.standard_normal((4, 2, 3)), R.standard_normal((5, 4))],
     dict(transpose_a=True, transpose_b=True),
     lambda a, b: (a.reshape(4, 6).T @ b.T).reshape(2, 3, 5)),
    ("dot", [R.standard_normal((2, 3)), R.standard_normal((3, 2, 2))], {},
     lambda a, b: np.tensordot(a, b, 1)),
    ("dot", [R.standard_normal(3), R.standard_normal(3)], {}, lambda a, b: np.dot(a, b)[None]),
    ("dot", [R.standard_normal(3), R.standard_normal((3, 2))], {}, lambda a, b: a @ b),
    ("batch_dot", [R.standard_normal((2, 3, 4)), R.standard_normal((2, 4, 5))], {},
     lambda a, b: a @ b),
    ("batch_dot", [R.standard_normal((2, 2, 4, 3)), R.standard_normal((2, 2, 5, 4))],
     dict(transpose_a=True, transpose_b=True),
     lambda a, b: a.swapaxes(-1, -2) @ b.swapaxes(-1, -2)),
]


@pytest.mark.parametrize("name, inputs, attrs, ref", CASES)
def test_forward_and_numeric_gradient(name, inputs, attrs, ref):
    out, = harness.forward(name, inputs, **attrs)
    np.testing.assert_allclose(out, ref(*inputs), rtol=1e-12)
    harness.check_numeric_gradient(name, inputs, **attrs)
