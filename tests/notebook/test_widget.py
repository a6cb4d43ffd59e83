"""The live widgets: traits follow the executor, arrays travel as bytes, close unsubscribes."""
import numpy as np
import pytest

pytest.importorskip("anywidget")

import symnb as mx  # noqa: E402
from symnb.notebook.widget import ExecutorWidget, SymbolWidget, encode_array  # noqa: E402


def _decode(entry):
    values = np.frombuffer(entry["data"], dtype=np.dtype(entry["wire_dtype"]).newbyteorder("<"))
    return values.reshape(entry["view_shape"])


def _by(widget, group):
    return {e["name"]: e for e in widget.arrays if e["group"] == group}


def test_executor_widget_follows_forward_and_backward():
    a, b = mx.sym.var("A"), mx.sym.var("B")
    ex = (a * b).bind(mx.cpu(), {"A": mx.nd.ones((2, 3)) * 4, "B": mx.nd.ones((2, 3)) * 2},
                      args_grad={"A": mx.nd.zeros((2, 3)), "B": mx.nd.zeros((2, 3))})
    w = ExecutorWidget(ex)
    assert w.event == "bind" and w.steps == 0
    ex.forward(is_train=True)
    assert w.event == "forward" and w.steps == 1
    (out,) = _by(w, "output").values()
    np.testing.assert_array_equal(_decode(out), np.full((2, 3), 8.0))
    ex.backward(mx.nd.ones((2, 3)))
    assert w.event == "backward" and w.steps == 2
    grads = _by(w, "grad")
    np.testing.assert_array_equal(_decode(grads["A"]), np.full((2, 3), 2.0))
    np.testing.assert_array_equal(_decode(grads["B"]), np.full((2, 3), 4.0))
    w.close()
    ex.forward()
    assert w.steps == 2 and ex._observers == []


def test_arrays_are_binary_buffers_in_the_synced_state():
    from ipywidgets.widgets.widget import _remove_buffers
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(3, 4))
    w = ExecutorWidget(ex)
    state, paths, buffers = _remove_buffers(w.get_state())
    assert paths and all(p[0] == "arrays" and p[-1] == "data" for p in paths)
    assert all(isinstance(b, (bytes, memoryview)) for b in buffers)
    assert all("data" not in entry for entry in state["arrays"])   # not JSON lists
    w.close()


def test_batchnorm_aux_states_update_after_training_step():
    data = mx.sym.var("data")
    net = mx.sym.BatchNorm(data, name="bn", fix_gamma=False)
    ex = net.simple_bind(mx.cpu(), data=(4, 3))
    ex.arg_dict["data"][:] = np.arange(12, dtype=np.float32).reshape(4, 3)
    w = ExecutorWidget(ex)
    before = _by(w, "aux")["bn_moving_mean"]["stats"]["max"]
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((4, 3)))
    after = _by(w, "aux")["bn_moving_mean"]["stats"]["max"]
    assert before == 0.0 and after > 0.0
    w.close()


def test_big_arrays_are_cropped_with_whole_array_stats():
    entry = encode_array("big", "arg", np.arange(100 * 200, dtype=np.float64).reshape(100, 200))
    assert entry["view_shape"] == [32, 32] and entry["shape"] == [100, 200]
    assert entry["stats"]["max"] == 100 * 200 - 1
    assert len(entry["data"]) == 32 * 32 * 8


def test_symbol_widget_graph_and_state_is_plain_data():
    import json
    w = SymbolWidget(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc"),
                     shape={"data": (2, 3)})
    state = w.get_state()
    json.dumps({k: v for k, v in state.items() if k != "arrays"})   # everything is JSON-able
    assert [n["name"] for n in w.graph["nodes"]] == ["data", "fc", "fc_output"]
    assert set(w.graph["layout"]["nodes"]) == {n["id"] for n in w.graph["nodes"]}


def test_widget_module_writes_text_only_with_textContent():
    from symnb.notebook.widget import _STATIC
    source = (_STATIC / "widget.js").read_text()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "export default { render }" in source


def test_widget_bundle_carries_the_static_picture_for_github():
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(2,))
    w = ExecutorWidget(ex)
    bundle, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/html" in bundle
    assert bundle["text/plain"].startswith("<ExecutorWidget")
    w.close()
    s = SymbolWidget(mx.sym.var("x") * 2)
    assert s._repr_mimebundle_()[0]["image/svg+xml"].startswith("<svg")
