"""Common-subexpression elimination at bind (``MXNET_ELIMINATE_COMMON_EXPR``), seen through
``Executor.get_optimized_symbol`` as MXNet 1.9.1 shows it (``record.py``): merged nodes, the
``<node>_<k>_copy`` outputs, and which operators MXNet merges at all (probed per operator on
the differential cases with twin nodes over the very same entries).

The pass itself lives in the executor (``symnb/executor/_cse.py``); these facts check it
wherever it is present.
"""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

import symnb as mx

pytest.importorskip("symnb.executor._cse")

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import _cse_cases  # noqa: E402
import _cse_probe  # noqa: E402
from differential.specs import all_cases  # noqa: E402

RECORDED = json.loads((HERE / "recorded.json").read_text())


@pytest.fixture(scope="module")
def got():
    return _cse_cases.cases(mx)


@pytest.mark.parametrize("key", sorted(RECORDED["cse"]))
def test_optimized_symbol_matches_mxnet(got, key):
    assert got[key] == RECORDED["cse"][key]


def test_which_operators_merge_as_mxnet():
    want = RECORDED["cse_merges"]
    cases = [c for c in all_cases() if c["op"] in want]
    got = _cse_probe.probe_all(mx, cases)
    # (an operator whose probe does not bind here is a bind matter, not this pass's)
    differ = sorted((op, want[op], got[op]) for op in want
                    if got.get(op) is not None and got[op] != want[op])
    assert differ == []
