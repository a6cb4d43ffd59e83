"""%%symbol: operators by bare name, nothing leaked, mistakes change nothing."""
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from symnb.notebook._cell import CellError

MLP = """\
data = Variable('data')
fc1 = FullyConnected(data, name='fc1', num_hidden=10)
act = Activation(fc1, name='relu1', act_type='relu')
fc2 = FullyConnected(act, name='fc2', num_hidden=26)
mlp = SoftmaxOutput(fc2, name='out')
"""
GRAPH = "application/vnd.symnb.graph+json"


def run(shell, line, cell):
    with capture_output() as captured:
        shell.run_cell_magic("symbol", line, cell)
    return captured


def test_assigned_symbols_land_and_operators_do_not(shell, user_names):
    import symnb as mx
    before = user_names()
    run(shell, "", MLP)
    assert user_names() - before == {"data", "fc1", "act", "fc2", "mlp"}
    for leaked in ("FullyConnected", "Variable", "Activation", "SoftmaxOutput", "Group"):
        assert leaked not in shell.user_ns
    assert isinstance(shell.user_ns["mlp"], mx.sym.Symbol)
    assert shell.user_ns["mlp"].list_arguments() == [
        "data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "out_label"]


def test_draws_last_symbol_with_shapes_on_edges(shell):
    captured = run(shell, "--shape data=(100, 200)", MLP)
    (output,) = captured.outputs
    svg = output.data["image/svg+xml"]
    assert svg.startswith("<svg") and "fc1" in svg and "100×200" in svg
    labels = {e["label"] for e in output.data[GRAPH]["edges"]}
    assert {"100×200", "100×10", "100×26"} <= labels


def test_named_symbol_is_drawn_and_variable_shapes_are_used(shell):
    captured = run(shell, "act", "x = Variable('x', shape=(2, 3))\n"
                                "act = Activation(x, act_type='relu', name='r')\n"
                                "other = act * 2\n")
    doc = captured.outputs[0].data[GRAPH]
    assert [n["name"] for n in doc["nodes"]] == ["x", "r", "r_output"]
    assert doc["edges"][0]["label"] == "2×3"


def test_user_names_shadow_operators_and_reassigning_an_operator_name_is_kept(shell):
    shell.user_ns["Activation"] = "mine"
    run(shell, "", "y = Variable('y')\nGroup = 3\n")
    assert shell.user_ns["Activation"] == "mine"
    assert shell.user_ns["Group"] == 3


def test_helpers_defined_in_the_cell_keep_working(shell):
    run(shell, "", "def block(x, n):\n    return Activation(FullyConnected(x, num_hidden=n), "
                   "act_type='relu')\nnet = block(Variable('d'), 4)\n")
    shell.run_cell("again = block(mx.sym.var('e'), 3)")
    assert shell.user_ns["again"].list_arguments()[0] == "e"


def test_deleting_a_user_name_in_the_cell_deletes_it(shell):
    shell.user_ns["old"] = 1
    run(shell, "", "del old\nz = Variable('z')\n")
    assert "old" not in shell.user_ns


@pytest.mark.parametrize("cell, first, line_text, hint", [
    ("x = Variable('x')\ny = FulyConnected(x, num_hidden=3)\n",
     "NameError: name 'FulyConnected' is not defined", "y = FulyConnected(x, num_hidden=3)",
     "Did you mean: FullyConnected?"),
    ("x = Variable('x'\n", "SyntaxError", "x = Variable('x'", None),
    ("x = Variable('x')\ny = FullyConnected(x)\n", "", "y = FullyConnected(x)", None),
    # IPython's tokenizer raises this one before the cell is parsed (issue 11)
    ("if True:\n        x = Variable('x')\n    y = x\n",
     "IndentationError: unindent does not match any outer indentation level", "y = x", None),
])
def test_cell_mistakes_are_short_and_change_nothing(shell, cell, first, line_text, hint):
    shell.user_ns["x"] = "untouched"
    snapshot = dict(shell.user_ns)
    with pytest.raises(CellError) as info:
        run(shell, "", cell)
    err = info.value
    assert err.message.startswith(first)
    assert err.line.strip() == line_text
    if hint:
        assert err.hint == hint
    rendered = err._render_traceback_()
    assert len(rendered) <= 3 and "Traceback" not in "".join(rendered)
    assert shell.user_ns == snapshot


def test_error_through_run_cell_prints_no_traceback(shell, capsys):
    result = shell.run_cell("%%symbol\nx = Variable('x')\ny = Nope(x)\n")
    out = capsys.readouterr()
    assert isinstance(result.error_in_exec, CellError)
    text = out.out + out.err
    assert "cell line 2: y = Nope(x)" in text
    assert "Traceback" not in text and "symnb/notebook" not in text


def test_shape_conflict_is_drawn_with_provided_vs_inferred(shell):
    cell = ("x = Variable('x')\n"
            "w = Variable('w', shape=(4, 5))\n"
            "fc = FullyConnected(x, weight=w, num_hidden=4, no_bias=True, name='fc')\n"
            "out = Activation(fc, act_type='relu', name='act')\n")
    snapshot = dict(shell.user_ns)
    with capture_output() as captured, pytest.raises(CellError) as info:
        shell.run_cell_magic("symbol", "--shape x=(2,3)", cell)
    assert shell.user_ns == snapshot
    assert info.value.lineno == 3
    assert "provided (4, 5) vs inferred (4, 3)" in info.value.message
    (output,) = captured.outputs
    bad = [e for e in output.data[GRAPH]["edges"] if e["bad"]]
    assert len(bad) == 1 and bad[0]["note"] == "provided (4, 5) vs inferred (4, 3)"
    assert "provided (4, 5) vs inferred (4, 3)" in output.data["image/svg+xml"]


@pytest.mark.parametrize("line, cell, message", [
    ("--shape foo=(1,2)", "x = Variable('x')", "--shape names foo, which is not an input"),
    ("--shape x=(1,a)", "x = Variable('x')", "shape of 'x' must be whole numbers"),
    ("--shape x", "x = Variable('x')", "cannot read shape 'x'"),
    ("--shape x=(1,2) x", "x = Variable('x')", "a positional NAME goes before the options"),
    ("--dtype x=floaty", "x = Variable('x')", "unknown dtype 'floaty'"),
    ("nothere", "x = Variable('x')", "'nothere' is not a Symbol the cell assigned"),
    ("", "n = 3", "the cell assigned no Symbol"),
    ("--bogus", "x = Variable('x')", "unrecognized arguments: --bogus"),
    ("'net --shape x=(1,2)", "x = Variable('x')",
     "cannot read the magic line \"'net --shape x=(1,2)\": No closing quotation"),
])
def test_line_mistakes_are_usage_errors_and_change_nothing(shell, line, cell, message):
    snapshot = dict(shell.user_ns)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(shell, line, cell)
    assert shell.user_ns == snapshot


def test_dtype_and_show_weights(shell):
    captured = run(shell, "--shape x=(2,3) --dtype x=float64 --show-weights",
                   "x = Variable('x')\nfc = FullyConnected(x, num_hidden=4, name='fc')\n")
    doc = captured.outputs[0].data[GRAPH]
    assert {"fc_weight", "fc_bias"} <= {n["name"] for n in doc["nodes"]}
    assert any("float64" in e["label"] for e in doc["edges"])


def test_node_named_script_is_text(shell):
    captured = run(shell, "", "s = Variable('<script>alert(1)</script>')\n"
                              "t = Activation(s, act_type='relu', name='<b>x</b>')\n")
    svg = captured.outputs[0].data["image/svg+xml"]
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_help_is_the_docstring(shell):
    from symnb.notebook.magics_symbol import SymbolMagics
    doc = SymbolMagics.symbol.__doc__
    assert "bare name" in doc and "--shape" in doc and "--show-weights" in doc


def test_loading_twice_is_harmless(shell):
    shell.run_line_magic("load_ext", "symnb")
    from symnb.notebook import load_ipython_extension
    load_ipython_extension(shell)
    names = [type(m).__name__ for m in shell.magics_manager.registry.values()]
    assert names.count("SymbolMagics") == 1 and names.count("ExecutorMagics") == 1
    with capture_output() as captured:
        shell.run_cell("%%symbol\nq = Variable('q')\n")
    assert len(captured.outputs) == 1


def test_every_top_level_operator_is_available_by_bare_name():
    import symnb as mx
    from symnb.notebook._cell import operator_namespace
    from symnb.ops import OPS
    ns = operator_namespace()
    top_level = {n for op in OPS.values() for n in (op.name,) + tuple(op.aliases)
                 if not n.startswith("_") and hasattr(mx.sym, n)}
    assert top_level and top_level <= set(ns)
    assert {"Variable", "var", "Group", "Symbol"} <= set(ns)
    assert "sys" not in ns


def test_unbalanced_quote_on_the_line_magic(shell):
    with pytest.raises(UsageError, match="No closing quotation"):
        shell.run_line_magic("symbol", 'net "--show-weights')


def test_cell_walks_each_graph_node_once(shell, monkeypatch):
    """Linear time: a statement looks only at the names it stores, and the walk stops at
    nodes seen before (a chain of 300 statements once walked every Symbol for every line)."""
    from symnb.notebook import _cell
    from symnb.symbol import Symbol
    visited = []
    real = _cell._note_new_nodes

    def counting(symbol, lineno, node_lines, seen_nodes):
        before = len(seen_nodes)
        real(symbol, lineno, node_lines, seen_nodes)
        visited.append(len(seen_nodes) - before)

    monkeypatch.setattr(_cell, "_note_new_nodes", counting)
    monkeypatch.setattr(Symbol, "get_internals", lambda self: pytest.fail("whole-graph walk"))
    cell = "x0 = Variable('x')\n" + "".join(
        "x%d = Activation(x%d, act_type='relu', name='a%d')\n" % (i + 1, i, i) for i in range(300))
    result = _cell.run_symbol_cell(cell, {})
    assert len(visited) == 301 and sum(visited) == 301 and set(visited) == {1}
    assert result.line_of("a299") == (301, "x300 = Activation(x299, act_type='relu', name='a299')")
