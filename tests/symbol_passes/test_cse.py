"""Common-subexpression elimination at bind (``MXNET_ELIMINATE_COMMON_EXPR``), seen through
``get_optimized_symbol`` as MXNet 1.9.1 shows it (``record.py``): merged nodes, the
``<node>_<k>_copy`` outputs, the operators it never merges, values unchanged."""
from __future__ import annotations

import json
import os
import pathlib
import sys

import numpy as np
import pytest

import symnb as mx
from symnb.ops import get_op
from symnb.symbol import _cse

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _cse_cases  # noqa: E402

RECORDED = json.loads((HERE / "recorded.json").read_text())
WANT = RECORDED["cse"]


@pytest.fixture(scope="module")
def got():
    return _cse_cases.cases(mx)


@pytest.mark.parametrize("key", sorted(WANT))
def test_optimized_symbol_matches_mxnet(got, key):
    assert got[key] == WANT[key]


def test_never_merged_table_is_what_mxnet_recorded():
    recorded = {op for op, merged in RECORDED["cse_merges"].items() if not merged}
    # creation operators have no inputs: the pass never looks at them, no table needed
    no_inputs = {op for op in recorded if not get_op(op).inputs
                 or op in ("_random_exponential", "_random_gamma",
                           "_random_generalized_negative_binomial", "_random_negative_binomial",
                           "_random_normal", "_random_poisson", "_random_randint")}
    assert recorded - no_inputs == _cse._NEVER_MERGED - {"Custom", "_Native", "_NDArray"}
    merged = {op for op, m in RECORDED["cse_merges"].items() if m}
    assert not merged & _cse._NEVER_MERGED


@pytest.mark.parametrize("req", ["write", "add"])
def test_values_are_unchanged(req, monkeypatch):
    a, b = mx.sym.var("a"), mx.sym.var("b")
    sym = mx.sym.Group([(a * b + 1) + (a * b + 1), a * b + 1])
    x, y = np.arange(6.0).reshape(2, 3), np.ones((2, 3)) * 2
    results = []
    for env in ("0", "1"):
        monkeypatch.setenv("MXNET_ELIMINATE_COMMON_EXPR", env)
        ex = sym.simple_bind(mx.cpu(), grad_req=req, a=(2, 3), b=(2, 3))
        outs = ex.forward(is_train=True, a=mx.nd.array(x), b=mx.nd.array(y))
        ex.backward([mx.nd.ones((2, 3)), mx.nd.ones((2, 3))])
        results.append([o.asnumpy() for o in outs] + [g.asnumpy() for g in ex.grad_arrays])
        internals = len(ex.get_optimized_symbol().get_internals())
        assert internals == (9 if env == "0" else 5)   # 3 products, 3 "+ 1" become one each
    for orig, cse in zip(*results):
        np.testing.assert_array_equal(orig, cse)


def test_environment_is_read_at_bind(monkeypatch):
    a = mx.sym.var("a")
    monkeypatch.setenv("MXNET_ELIMINATE_COMMON_EXPR", "0")
    ex = ((a + 1) + (a + 1)).simple_bind(mx.cpu(), a=(2,))
    monkeypatch.delenv("MXNET_ELIMINATE_COMMON_EXPR")
    assert len(ex.get_optimized_symbol().get_internals()) == 4
    assert os.environ.get("MXNET_ELIMINATE_COMMON_EXPR") is None and _cse.enabled()
