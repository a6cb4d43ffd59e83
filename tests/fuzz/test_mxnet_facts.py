"""Replay the bad-input cases recorded from MXNet 1.9.1 (``record.py``): where symnb matches
MXNet the type and text are equal; where it deliberately refuses what MXNet accepts (a graph
that would read out of bounds in forward) or does better (nothing half-copied), the test says
so, so the divergence is on record."""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

import symnb as mx

from .facts import CASES

FACTS = json.loads((Path(__file__).resolve().parent / "mxnet_facts.json").read_text())


def outcome(call):
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            value = call(mx)
    except Exception as e:          # noqa: BLE001 -- compared with MXNet's
        return {"error": [type(e).__name__, str(e)]}
    return {"value": json.loads(json.dumps(value, default=list))}


def core(text):
    """MXNet's message without the C++ frame line (symnb writes no file/line)."""
    return text.split("\n")[-1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_mxnet_or_documents_why_not(name):
    call, relation = CASES[name]
    want, got = FACTS[name], outcome(call)
    if relation == "same":
        assert got == want
    elif relation == "type":
        assert "error" in got and got["error"][0] == want["error"][0]
    elif relation == "refuses":        # MXNet infers a graph its forward then breaks
        assert "value" in want and got["error"][0] == "MXNetError"
    elif name == "copy_params_from with an unknown name":
        assert want["value"] == ['Find name "zzz" that is not in the arguments', [5.0, 5.0]]
        assert got["value"] == ['Find name "zzz" that is not in the arguments', [0.0, 0.0]]
    else:                              # PReLU forward: symnb refuses the same at bind
        assert got["error"][0] == "RuntimeError"             # simple_bind's wrapper
        assert core(want["error"][1]).removeprefix("MXNetError: ") in got["error"][1]


def test_every_case_is_recorded():
    assert sorted(FACTS) == sorted(CASES)
