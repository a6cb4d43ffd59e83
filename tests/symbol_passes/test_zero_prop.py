"""Zero-gradient propagation as MXNet 1.9.1 does it (``record.py``): nodes only zero
gradients reach get no backward step, the arguments behind them get zeros ('write') or stay
('add'), the forward then shares memory as inference does, and ``debug_str`` shows MXNet's
zeros_like node and memory total byte for byte."""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _zero_prop_cases  # noqa: E402

WANT = json.loads((HERE / "recorded.json").read_text())["zero_prop"]


@pytest.fixture(scope="module")
def got():
    return _zero_prop_cases.cases(mx)


@pytest.mark.parametrize("key", sorted(WANT))
def test_matches_mxnet(got, key):
    assert got[key] == WANT[key]
