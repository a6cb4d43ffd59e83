"""``Symbol._gen_atomic_symbol`` (MXNet's MXGenAtomicSymbolFromSymbol) against MXNet 1.9.1:
the head node alone, nameless and without inputs, and composing it again."""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _atomic_cases  # noqa: E402

WANT = json.loads((HERE / "recorded.json").read_text())["atomic"]


@pytest.fixture(scope="module")
def got():
    with mx.name.NameManager():
        return _atomic_cases.cases(mx)


@pytest.mark.parametrize("name", sorted(WANT))
def test_matches_mxnet(got, name):
    assert got[name] == WANT[name]


def test_variable_has_no_atomic_form():
    with pytest.raises(mx.MXNetError, match="'v' is a variable"):
        mx.sym.var("v")._gen_atomic_symbol()
