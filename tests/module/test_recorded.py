"""Replay the recorded MXNet 1.9.1 Module cases with symnb: parameters after every epoch,
metric values after every batch, validation metrics, logged lines, score and predict outputs.
"""
from __future__ import annotations

import json
import pathlib
import re

import numpy as np
import pytest

import symnb as mx

from . import cases

CASES_DIR = pathlib.Path(__file__).parent / "cases"
# float32 training: a few ulps per step, compounded over a few dozen SGD steps
RTOL, ATOL = 2e-4, 2e-5
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def assert_close(actual, expected, path="result"):
    """Structural equality with float tolerance; numbers inside strings (log lines) too."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert sorted(actual) == sorted(expected), "%s keys: %s vs %s" % (
            path, sorted(actual), sorted(expected))
        for key in expected:
            assert_close(actual[key], expected[key], "%s[%r]" % (path, key))
    elif isinstance(expected, list):
        assert isinstance(actual, (list, tuple)), "%s: %r" % (path, actual)
        assert len(actual) == len(expected), "%s length %d vs %d" % (
            path, len(actual), len(expected))
        if expected and all(isinstance(e, (int, float)) and not isinstance(e, bool)
                            for e in np.ravel(np.array(expected, dtype=object))):
            np.testing.assert_allclose(np.array(actual, np.float64),
                                       np.array(expected, np.float64), rtol=RTOL, atol=ATOL,
                                       err_msg=path)
            return
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, "%s[%d]" % (path, i))
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=RTOL, abs=ATOL), path
    elif isinstance(expected, str) and _NUMBER.search(expected):
        assert _NUMBER.sub("#", actual) == _NUMBER.sub("#", expected), path
        np.testing.assert_allclose([float(x) for x in _NUMBER.findall(actual)],
                                   [float(x) for x in _NUMBER.findall(expected)],
                                   rtol=1e-3, atol=2e-6, err_msg=path)
    else:
        assert actual == expected, "%s: %r vs %r" % (path, actual, expected)


def _recorded(name):
    return json.loads((CASES_DIR / (name + ".json")).read_text())


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case_matches_mxnet(name, tmp_path):
    fn = cases.CASES[name]
    args = (mx, str(tmp_path)) if fn.__code__.co_argcount == 2 else (mx,)
    assert_close(json.loads(json.dumps(fn(*args))), _recorded(name))


def test_every_case_is_recorded():
    assert sorted(p.stem for p in CASES_DIR.glob("*.json")) == sorted(
        list(cases.CASES) + ["errors", "accuracy"])


def test_training_changed_the_parameters():
    """The fixtures are not trivially static: training moved every parameter."""
    rec = _recorded("mlp_sgd_momentum")
    first, last = rec["epochs"][0]["arg"], rec["epochs"][-1]["arg"]
    for name in first:
        assert not np.allclose(first[name], last[name])
    assert rec["log"][0].startswith("Epoch[0] Train-accuracy=")
