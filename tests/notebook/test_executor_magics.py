"""%bind / %simple_bind / %forward / %backward / %executor and the display formatters."""
import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

SETUP = """
a = mx.nd.ones((2, 3)) * 4
b = mx.nd.ones((2, 3)) * 2
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
"""


def line(shell, magic, text):
    with capture_output() as captured:
        shell.run_line_magic(magic, text)
    return captured


@pytest.fixture
def ab(shell):
    assert shell.run_cell(SETUP).success
    return shell


def test_bind_forward_backward_values(ab):
    out = line(ab, "bind", "C A=a B=b --grads --as c_exec")
    assert "text/html" in out.outputs[0].data
    ex = ab.user_ns["c_exec"]
    line(ab, "forward", "")
    np.testing.assert_array_equal(ex.outputs[0].asnumpy(), np.full((2, 3), 8.0))
    out = line(ab, "backward", "--out-grads ones")
    np.testing.assert_array_equal(ex.grad_dict["A"].asnumpy(), np.full((2, 3), 2.0))
    np.testing.assert_array_equal(ex.grad_dict["B"].asnumpy(), np.full((2, 3), 4.0))
    assert "text/html" in out.outputs[0].data


def test_bind_default_name_and_group(ab):
    ab.run_cell("G = mx.sym.Group([A + B, A * B])")
    line(ab, "bind", "G A=a B=b")
    ex = ab.user_ns["G_exec"]
    line(ab, "forward", "G_exec")
    assert [o.asnumpy()[0, 0] for o in ex.outputs] == [6.0, 8.0]


def test_simple_bind_mlp_shapes(shell):
    shell.run_cell_magic("symbol", "", (
        "data = Variable('data')\n"
        "fc1 = FullyConnected(data, name='fc1', num_hidden=10)\n"
        "act = Activation(fc1, name='relu1', act_type='relu')\n"
        "fc2 = FullyConnected(act, name='fc2', num_hidden=26)\n"
        "net = SoftmaxOutput(fc2, name='out')\n"))
    line(shell, "simple_bind", "net data=(100, 200) --as texec")
    ex = shell.user_ns["texec"]
    assert {k: v.shape for k, v in ex.arg_dict.items()} == {
        "data": (100, 200), "fc1_weight": (10, 200), "fc1_bias": (10,),
        "fc2_weight": (26, 10), "fc2_bias": (26,), "out_label": (100,)}
    assert [o.shape for o in ex.outputs] == [(100, 26)]


@pytest.mark.parametrize("magic, text, message", [
    ("bind", "C A=a", "no array for B"),
    ("bind", "C A=a B=nothere", "'nothere' must name an NDArray"),
    ("bind", "a A=a B=b", "'a' is a NDArray, not a Symbol"),
    ("bind", "Missing A=a", "name 'Missing' is not defined"),
    ("bind", "C A=a B=b --grad-req sideways", "invalid choice"),
    ("simple_bind", "C", "give at least one input shape"),
    ("simple_bind", "C A=(2,3) B=(3,3)", "cannot simple_bind C"),
    ("forward", "nothere", "name 'nothere' is not defined"),
    ("forward", "a", "'a' is a NDArray, not a Executor"),
    ("backward", "", "no executor yet"),
])
def test_usage_errors(ab, magic, text, message):
    ab.magics_manager.registry["ExecutorMagics"]._last = None
    snapshot = dict(ab.user_ns)
    with pytest.raises(UsageError, match=message):
        line(ab, magic, text)
    assert ab.user_ns == snapshot


def test_executor_live_shows_a_widget(ab):
    line(ab, "bind", "C A=a B=b --as ex")
    out = line(ab, "executor", "ex --live")
    assert "application/vnd.jupyter.widget-view+json" in out.outputs[0].data


def test_formatters_give_pictures(ab):
    fmt = ab.display_formatter
    data, _ = fmt.format(ab.user_ns["C"])
    assert data["image/svg+xml"].startswith("<svg")
    assert "application/vnd.symnb.graph+json" in data
    data, _ = fmt.format(ab.user_ns["a"])
    assert "text/html" in data
    ab.run_cell("ex = C.bind(mx.cpu(), {'A': a, 'B': b})")
    data, _ = fmt.format(ab.user_ns["ex"])
    assert "text/html" in data


def test_help_texts(shell):
    from symnb.notebook.magics_executor import ExecutorMagics
    for name in ("bind", "simple_bind", "forward", "backward", "executor"):
        doc = getattr(ExecutorMagics, name).__doc__
        assert "Example::" in doc and "%" + name in doc


def _picture_texts(data):
    import xml.etree.ElementTree as ET
    root = ET.fromstring(data["image/svg+xml"])
    return {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}


def test_magics_draw_the_executor_graph_with_notebook_names(shell):
    setup = ("A = mx.sym.Variable('A'); B = mx.sym.Variable('B'); D = mx.sym.Variable('D')\n"
             "C = A * B; E = C * D\n"
             "a = mx.nd.ones(1) * 10; b = mx.nd.ones(1); d = mx.nd.ones(1) * 2\n")
    assert shell.run_cell(setup).success
    data = line(shell, "bind", "E A=a B=b D=d --grads --as ex").outputs[0].data
    texts = _picture_texts(data)
    assert {"a=10", "b=1", "d=2", "C", "E", "d(A)", "d(C)", "d(E)"} <= texts
    assert "not computed yet" in texts and "<svg" not in data["text/html"]
    line(shell, "forward", "ex --train")
    data = line(shell, "backward", "ex --out-grads ones").outputs[0].data
    texts = _picture_texts(data)
    assert {"E=20", "d(E)=1", "d(C)=2", "d(A) = 1 * d(C)"} <= texts
    doc = data["application/vnd.symnb.graph+json"]
    holder = [n for n in doc["nodes"] if n["title"] == "d(A)"][0]
    assert holder["role"] == "grad_holder" and holder["value"]["text"] == "2"


def test_executor_stats_shows_the_tables(ab):
    line(ab, "bind", "C A=a B=b --as ex")
    data = line(ab, "executor", "ex --stats").outputs[0].data
    assert set(data) == {"text/plain", "text/html"}
    assert ">Arguments<" in data["text/html"] and 'alt="executor graph"' not in data["text/html"]
    assert "not computed yet (run forward)" in data["text/html"]
    with pytest.raises(UsageError, match="do not go together"):
        ab.run_line_magic("executor", "ex --stats --live")
