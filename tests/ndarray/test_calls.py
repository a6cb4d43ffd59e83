"""Generated ``mx.nd.X`` / ``mx.sym.X`` functions take their arguments as MXNet 1.9.1's do,
replayed from ``calls_facts.json`` (made by ``record_calls.py`` from ``_calls_cases.py``):
NDArrays go to the operator's actual inputs in signature order, the input count the
parameters decide is checked, and composition / positional errors read as MXNet's."""
from __future__ import annotations

import json
import os

import pytest

import symnb as mx

from . import _calls_cases as cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "calls_facts.json")) as _f:
    FACTS = json.load(_f)

SECTIONS = {"nd_calls": cases.nd_calls, "positional": cases.positional,
            "sym_compose": cases.sym_compose, "np_shape_infer": cases.np_shape_infer}


# Where MXNet 1.9.1 fails on its own bug, symnb gives the result MXNet's semantics define:
# positional shapes to infer_shape under np_shape ("basic_string: _S_construct null not
# valid"; the same shapes by keyword infer fine)
BETTER = {("np_shape_infer", "concat_positional"): {"value": [[[0, 3], [2, 3]], [[2, 3]], []]}}


def _plain(x):
    return json.loads(json.dumps(x))


def _close(got, want):
    if isinstance(want, dict) and "values" in want and isinstance(got, dict):
        assert {k: v for k, v in got.items() if k != "values"} == \
            {k: v for k, v in want.items() if k != "values"}
        assert got["values"] == pytest.approx(want["values"], rel=1e-5, abs=1e-6)
    elif isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
        for g, w in zip(got, want):
            _close(g, w)
    else:
        assert got == want


@pytest.mark.filterwarnings("ignore:Cannot decide shape")
@pytest.mark.parametrize("section,name", [(s, n) for s in SECTIONS for n in FACTS[s]])
def test_recorded_call(section, name):
    got = _plain(cases.outcome(SECTIONS[section](mx)[name]))
    want = BETTER.get((section, name), FACTS[section][name])
    assert set(got) == set(want), got
    if "value" in want:
        _close(got["value"], want["value"])
    else:
        assert got == want


def test_every_case_is_recorded():
    for section, make in SECTIONS.items():
        assert set(make(mx)) == set(FACTS[section]), section
    assert FACTS["_meta"]["mxnet"] == "1.9.1"
