"""Fuzz: magic lines made of names, ``ARG=VALUE`` words, shapes (huge, negative, float),
options, quotes and backslashes, and ``%%symbol`` cells made of good and broken statements
(bad indentation, syntax errors, unknown names, raising code, surrogates). Each call
succeeds or shows a short error (UsageError, or CellError pointing at the cell line); a
failed call leaves the user's namespace exactly as it was."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._corpus import nasty_text
from ._sandbox import Outcomes, ci_examples, example_alarm, report, run_capped

pytest.importorskip("IPython")

OUTCOMES = Outcomes()
SETUP = """
import symnb as mx
a = mx.nd.ones((2, 3)); b = mx.nd.ones((2, 3)) * 2
A = mx.sym.Variable('A'); B = mx.sym.Variable('B'); C = A * B
net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')
"""
NAMES = ["A", "B", "C", "a", "b", "net", "nothere", "mx", "ex", "data", "fc_weight"]
VALUES = ["(2,3)", "(2, 3)", "(100000,100000,100000)", "(2**40,)", "(2.5,)", "(-1,3)",
          "(0,)", "()", "[2,3]", "3", "a", "b", "float64", "floaty", "(4294967296,)"]
OPTIONS = ["--grads", "--grad-req", "write", "sideways", "--as", "ex", "--live", "--train",
           "--dtype", "--out-grads", "--shape", "--show-weights", "--hide-weights",
           "--collapse", "fc", "--bogus", "-h"]
WORDS = st.one_of(st.sampled_from(NAMES), st.sampled_from(OPTIONS),
                  st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)).map("=".join),
                  st.sampled_from(["'", '"', "\\", "'x", '"y', "x'", "a\\", "=", "=(", "(2,"]),
                  nasty_text)
STATEMENTS = ["x = Variable('x')", "y = FullyConnected(x, num_hidden=3, name='fc1')",
              "z = Activation(y, act_type='relu', name='act')", "w = Nope(x)",
              "q = FullyConnected(x)", "raise ValueError('boom')", "1/0", "del A",
              "A = Variable('A2')", "  k = 1", "if True:\n        m = 1\n    n = 2",
              "def f(v):\n    return Activation(v, act_type='tanh')", "u = f(x)", "x = (",
              "s = Variable('\\ud800<b>&\\x01')", "import numpy as np", "t = x + 1",
              "r = Reshape(x, shape=(0, 0, 4))", "%time 1", "!true", "x.bogus()",
              "g = Group([x, y])", "for i in range(3):\n    x = Activation(x, act_type='relu')"]


@st.composite
def calls(draw):
    magic = draw(st.sampled_from(["bind", "simple_bind", "forward", "backward", "executor",
                                  "symbol", "symbol_cell", "symbol_cell"]))
    words = draw(st.lists(WORDS, max_size=4))
    if draw(st.booleans()):             # mostly well-formed, with one part varied
        value = st.sampled_from(VALUES)
        head = {"bind": ["C", "A=a", "B=" + draw(st.sampled_from(["b", "a", "nothere"]))],
                "simple_bind": ["C", "A=" + draw(value), "B=" + draw(value)],
                "forward": [draw(st.sampled_from(["", "ex", "--train"]))],
                "backward": [draw(st.sampled_from(["", "--out-grads a", "--out-grads b"]))],
                "executor": [""], "symbol": ["C"],
                "symbol_cell": [draw(st.sampled_from(["", "z", "--shape x=(2,3)",
                                                      "y --shape x=" + draw(value)]))]}[magic]
        words = head + words[:1]
    line = " ".join(words)
    cell = None
    if magic == "symbol_cell":
        cell = "\n".join(draw(st.lists(st.sampled_from(STATEMENTS) | nasty_text, min_size=1,
                                       max_size=6)))
    return magic, line, cell


def _user_state(shell):
    hidden = shell.user_ns_hidden
    return {k: id(v) for k, v in shell.user_ns.items() if k not in hidden}


_SHELL = []


def _shell():
    if not _SHELL:
        from IPython.testing.globalipapp import start_ipython
        shell = start_ipython()
        shell.run_line_magic("load_ext", "symnb")
        _SHELL.append(shell)
    return _SHELL[0]


@ci_examples(15)
@given(st.lists(calls(), min_size=1, max_size=3))
def _magic_property(todo):
    from IPython.core.error import UsageError
    from IPython.utils.capture import capture_output

    from symnb.notebook._cell import CellError
    example_alarm()
    shell = _shell()
    shell.reset(new_session=False)
    assert shell.run_cell(SETUP).success
    for magic, line, cell in todo:
        OUTCOMES["inputs"] += 1
        before = _user_state(shell)
        what = "%%%s %r %r" % (magic, line, cell)
        try:
            with capture_output():
                if cell is None:
                    shell.run_line_magic(magic, line)
                else:
                    shell.run_cell_magic("symbol", line, cell)
        except UsageError:
            OUTCOMES["usage errors"] += 1
        except CellError as e:
            assert len(e._render_traceback_()) <= 3, "%s: a long error\n%s" % (what, e)
            OUTCOMES["cell errors (at a cell line)"] += 1
        except Exception as e:           # noqa: BLE001 -- anything else is a leak
            raise AssertionError("leak: %s raised %s: %s" % (what, type(e).__name__, e)) from e
        else:
            OUTCOMES["accepted"] += 1
            continue
        assert _user_state(shell) == before, "half-changed: %s changed the namespace" % what


def _family():
    _magic_property()
    return dict(OUTCOMES)


def test_magics_fail_short_and_change_nothing():
    outcomes = run_capped(_family)
    report("magics", outcomes)
    assert outcomes["inputs"] > 0 and outcomes.get("usage errors", 0) > 0
