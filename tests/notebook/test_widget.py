"""The live widgets: a step only marks the view dirty, updates are throttled, coalesced and carry
only what changed (as binary buffers), new views get the current values, step-through records a
real run, and the bundle carries the static picture."""
import time

import numpy as np
import pytest

pytest.importorskip("anywidget")

import symnb as mx  # noqa: E402
from symnb.notebook.widget import LIVE_MIME, ExecutorWidget, SymbolWidget, encode_array  # noqa: E402


def _decode(entry):
    values = np.frombuffer(entry["data"], dtype=np.dtype(entry["wire_dtype"]).newbyteorder("<"))
    return values.reshape(entry["view_shape"])


def _by(widget, group):
    return {e["name"]: e for e in widget.arrays if e["group"] == group}


class Sent:
    """Captures the custom messages a widget sends (ipywidgets' one exit is ``_send``)."""

    def __init__(self, widget):
        self.messages = []
        widget._send = lambda msg, buffers=None: self.messages.append(
            (msg["content"], list(buffers or [])))

    def values(self):
        return [(c, b) for c, b in self.messages if c.get("type") == "values"]


def _mlp(batch=4, ctx=None):
    data = mx.sym.var("data")
    h = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=5, name="fc1"),
                          act_type="relu", name="relu1")
    out = mx.sym.FullyConnected(h, num_hidden=3, name="fc2")
    net = mx.sym.SoftmaxOutput(out, mx.sym.var("softmax_label"), name="softmax")
    ex = net.simple_bind(ctx or mx.cpu(), data=(batch, 6), softmax_label=(batch,))
    rng = np.random.default_rng(0)
    for arr in ex.arg_dict.values():
        arr[:] = rng.standard_normal(arr.shape).astype(np.float32) * 0.5
    ex.arg_dict["softmax_label"][:] = np.arange(batch) % 3
    return ex


def test_from_symnb_notebook_import_the_widgets():
    from symnb.notebook import ExecutorWidget as E
    from symnb.notebook import SymbolWidget as S
    assert E is ExecutorWidget and S is SymbolWidget


def test_executor_widget_follows_forward_and_backward():
    a, b = mx.sym.var("A"), mx.sym.var("B")
    ex = (a * b).bind(mx.cpu(), {"A": mx.nd.ones((2, 3)) * 4, "B": mx.nd.ones((2, 3)) * 2},
                      args_grad={"A": mx.nd.zeros((2, 3)), "B": mx.nd.zeros((2, 3))})
    w = ExecutorWidget(ex, picture="graph")
    assert w.event == "bind" and w.steps == 0 and w.graph["kind"] == "symbol"
    ex.forward(is_train=True)
    w.flush()
    assert w.event == "forward" and w.steps == 1
    (out,) = _by(w, "output").values()
    np.testing.assert_array_equal(_decode(out), np.full((2, 3), 8.0))
    assert out["node"] == "_mul0_output"
    ex.backward(mx.nd.ones((2, 3)))
    w.flush()
    assert w.event == "backward" and w.steps == 2
    grads = _by(w, "grad")
    np.testing.assert_array_equal(_decode(grads["A"]), np.full((2, 3), 2.0))
    np.testing.assert_array_equal(_decode(grads["B"]), np.full((2, 3), 4.0))
    assert grads["A"]["node"] == "A"
    w.close()
    ex.forward()
    assert w._on_event not in ex._observers


def test_a_device_executor_streams_the_same_host_values(ctx):
    # internal outputs are raw backend buffers (CuPy on a GPU, which refuses np.asarray)
    views = []
    for where in (mx.cpu(), ctx):
        ex = _mlp(ctx=where)
        w = ExecutorWidget(ex)
        ex.forward(is_train=True)
        ex.backward()
        w.flush()
        views.append({(e["group"], e["name"]): _decode(e) for e in w.arrays})
        trace = w.record_step()
        assert [s["node"] for s in trace][:2] == ["fc1", "relu1"]
        w.close()
    assert {"arg", "grad", "output", "internal"} <= {group for group, _ in views[0]}
    assert views[1].keys() == views[0].keys()
    for key, want in views[0].items():
        np.testing.assert_allclose(views[1][key], want, rtol=1e-5, atol=1e-6, err_msg=key)


def test_a_step_only_marks_dirty_and_a_burst_is_coalesced():
    ex = _mlp()
    w = ExecutorWidget(ex, rate=2.0)
    sent = Sent(w)
    w._next_flush = time.perf_counter() + 10          # a flush has just happened
    encoded = w.flushes
    for _ in range(200):
        ex.forward(is_train=True)
        ex.backward()
    assert w.flushes == encoded and sent.messages == []     # nothing encoded or sent per step
    assert w.steps == 0                                     # what the browser knows
    w.flush()
    (content, buffers), = sent.values()
    assert content["steps"] == 400 and content["event"] == "backward"
    assert len(buffers) == len(content["entries"]) and all(isinstance(b, bytes) for b in buffers)
    assert all("data" not in e for e in content["entries"])     # bytes only as buffers
    w.close()


def test_the_last_step_is_sent_by_the_trailing_flush():
    ex = _mlp()
    w = ExecutorWidget(ex, rate=5.0)
    sent = Sent(w)
    for _ in range(50):
        ex.forward(is_train=True)
        ex.backward()
    deadline = time.time() + 3
    while (not sent.values() or sent.values()[-1][0]["steps"] != 100) and time.time() < deadline:
        time.sleep(0.02)
    assert sent.values()[-1][0]["steps"] == 100
    assert len(sent.values()) <= 3          # 100 steps in well under a second: 1-3 updates
    w.close()


def test_only_what_changed_is_sent():
    ex = _mlp()
    w = ExecutorWidget(ex)
    ex.forward(is_train=True)
    ex.backward()
    w.flush()
    sent = Sent(w)
    w.flush()                                # nothing changed
    assert sent.values()[-1][0]["entries"] == []
    w_ = ex.arg_dict["fc2_weight"]
    w_[:] = w_.asnumpy() - 0.1 * ex.grad_dict["fc2_weight"].asnumpy()    # a hand SGD step
    w.flush()
    names = [(e["group"], e["name"]) for e in sent.values()[-1][0]["entries"]]
    assert names == [("arg", "fc2_weight")]
    np.testing.assert_allclose(_decode(_by(w, "arg")["fc2_weight"]),
                               ex.arg_dict["fc2_weight"].asnumpy(), rtol=1e-6)
    w.close()


def test_a_new_view_gets_the_current_values_as_binary_buffers():
    from ipywidgets.widgets.widget import _remove_buffers
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(3, 4))
    w = ExecutorWidget(ex)
    ex.forward(x=mx.nd.ones((3, 4)) * 5)
    w.flush()
    state, paths, buffers = _remove_buffers(w.get_state())
    assert paths and all(p[0] == "arrays" and p[-1] == "data" for p in paths)
    assert all(isinstance(b, (bytes, memoryview)) for b in buffers)
    assert all("data" not in entry for entry in state["arrays"])   # not JSON lists
    out = [e for e in state["arrays"] if e["group"] == "output"]
    assert out[0]["stats"]["max"] == 10.0 and state["steps"] == 1
    assert state["kind"] == "executor"
    w.close()


def test_get_state_answers_for_single_keys_live_or_synced():
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(3,))
    w = ExecutorWidget(ex)
    ex.forward(x=mx.nd.ones(3))
    w.flush()
    assert w.get_state("steps") == {"steps": 1}
    assert set(w.get_state(["event", "kind"])) == {"event", "kind"}
    assert [e["name"] for e in w.get_state("arrays")["arrays"]][:1] == ["x"]
    assert set(w.get_state("kind")) == {"kind"}                  # a trait alone
    w.close()


def test_batchnorm_aux_states_show_before_and_after():
    data = mx.sym.var("data")
    net = mx.sym.BatchNorm(data, name="bn", fix_gamma=False)
    ex = net.simple_bind(mx.cpu(), data=(4, 3))
    ex.arg_dict["data"][:] = np.arange(12, dtype=np.float32).reshape(4, 3)
    w = ExecutorWidget(ex)
    before = _by(w, "aux")["bn_moving_mean"]["stats"]["max"]
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((4, 3)))
    w.flush()
    aux = [e for e in w.get_state()["arrays"] if e["name"] == "bn_moving_mean"][0]
    assert before == 0.0 and aux["stats"]["max"] > 0.0
    assert aux["before"]["max"] == 0.0 and aux["node"] is None     # the executor picture
    assert {n["entry"] for n in w.graph["nodes"] if n["role"] == "aux"} == {
        "bn_moving_mean", "bn_moving_var"}
    w.close()
    w = ExecutorWidget(ex, picture="graph")
    assert _by(w, "aux")["bn_moving_mean"]["node"] == "bn"
    w.close()


def test_big_arrays_are_cropped_with_whole_array_stats():
    entry = encode_array("big", "arg", np.arange(100 * 200, dtype=np.float64).reshape(100, 200))
    assert entry["view_shape"] == [32, 32] and entry["shape"] == [100, 200]
    assert entry["stats"]["max"] == 100 * 200 - 1
    assert sum(entry["stats"]["hist"]) == 100 * 200
    assert len(entry["data"]) == 32 * 32 * 8


def test_record_step_keeps_every_node_of_a_real_run_in_order():
    ex = _mlp()
    w = ExecutorWidget(ex)
    sent = Sent(w)
    aux_before = [a.asnumpy() for a in ex.aux_arrays]
    trace = w.record_step()
    assert [(s["phase"], s["node"]) for s in trace] == [
        ("forward", "fc1"), ("forward", "relu1"), ("forward", "fc2"), ("forward", "softmax"),
        ("backward", "softmax"), ("backward", "fc2"), ("backward", "relu1"), ("backward", "fc1")]
    # the forward values are the real ones: relu of fc1
    d = ex.arg_dict["data"].asnumpy()
    fc1 = d @ ex.arg_dict["fc1_weight"].asnumpy().T + ex.arg_dict["fc1_bias"].asnumpy()
    np.testing.assert_allclose(_decode(trace[1]["arrays"][0]), np.maximum(fc1, 0), rtol=1e-5)
    # the backward step of fc2 gives d(relu1_output) and its weight gradients
    names = [a["name"] for a in trace[5]["arrays"]]
    assert names[0] == "d(fc2_output)" and {"d(relu1_output)", "d(fc2_weight)"} <= set(names)
    np.testing.assert_allclose(
        _decode([a for a in trace[5]["arrays"] if a["name"] == "d(fc2_weight)"][0]),
        ex.grad_dict["fc2_weight"].asnumpy()[:32, :32], rtol=1e-5)
    assert [(c["type"]) for c, _ in sent.messages][:1] == ["trace"]
    assert ex._monitor is None and ex._observers.count(w._on_event) == 1
    for a, b in zip(aux_before, ex.aux_arrays):
        np.testing.assert_array_equal(a, b.asnumpy())
    w.close()


def test_record_step_restores_add_gradients_and_a_user_monitor():
    x = mx.sym.var("x")
    ex = (x * x).bind(mx.cpu(), {"x": mx.nd.array([1.0, 2.0])},
                      args_grad={"x": mx.nd.ones((2,))}, grad_req="add")
    seen = []
    ex.set_monitor_callback(lambda n, a: seen.append(n))
    w = ExecutorWidget(ex)
    trace = w.record_step(out_grads=mx.nd.ones((2,)))
    assert ex.grad_dict["x"].asnumpy().tolist() == [1.0, 1.0]     # not accumulated
    # x * x: one contribution x * 1 per use of x, from the run's own backward step
    parts = [a for a in trace[-1]["arrays"] if a["name"] == "d(x)"]
    assert [_decode(a).tolist() for a in parts] == [[[1.0, 2.0]], [[1.0, 2.0]]]
    assert seen and ex._monitor is not None                       # chained, then kept
    w.close()


def test_fold_and_unfold_a_prefix_group():
    data = mx.sym.var("data")
    h = mx.sym.FullyConnected(data, num_hidden=4, name="stage1_fc")
    h = mx.sym.Activation(h, act_type="relu", name="stage1_relu")
    net = mx.sym.FullyConnected(h, num_hidden=2, name="head")
    ex = net.simple_bind(mx.cpu(), data=(2, 3))
    w = ExecutorWidget(ex, collapse=["stage1_"])
    names = [n["name"] for n in w.graph["nodes"]]
    assert "stage1_" in names and "stage1_fc" not in names
    assert _by(w, "arg")["stage1_fc_weight"]["node"] == "stage1_"
    w._on_front_end(w, {"type": "toggle", "prefix": "stage1_"}, [])
    names = [n["name"] for n in w.graph["nodes"]]
    assert "stage1_fc" in names and w.graph["collapsible"] == ["stage1_"]
    assert _by(w, "arg")["stage1_fc_weight"]["node"] == "stage1_fc"
    w.toggle("stage1_")
    assert "stage1_" in [n["name"] for n in w.graph["nodes"]]
    with pytest.raises(ValueError, match="prefix"):
        w.toggle("")
    w.close()


def test_small_executors_draw_the_executor_picture_and_show_internal_gradients():
    ex = _mlp()
    w = ExecutorWidget(ex)
    assert w.graph["kind"] == "executor"
    roles = {(n["section"], n["role"]) for n in w.graph["nodes"]}
    assert ("backward", "gradient") in roles and ("forward", "internal") in roles
    assert not any(e["group"] == "igrad" for e in w.arrays)      # no backward yet
    ex.forward(is_train=True)
    ex.backward()
    w.flush()
    igrad = _by(w, "igrad")
    assert set(igrad) == {"fc1_output", "relu1_output", "fc2_output"}
    entries = {n["entry"] for n in w.graph["nodes"] if n["role"] == "gradient"}
    assert set(igrad) <= entries
    np.testing.assert_allclose(_decode(igrad["fc2_output"]),
                               ex._plan.bwd_steps[1].ograds[0][:32, :32], rtol=1e-6)
    w.close()


def test_bad_options_name_themselves():
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(2,))
    with pytest.raises(ValueError, match="picture"):
        ExecutorWidget(ex, picture="svg")
    with pytest.raises(ValueError, match="rate"):
        ExecutorWidget(ex, rate=0)
    with pytest.raises(ValueError, match="color_by"):
        ExecutorWidget(ex, color_by="size")
    assert ex._observers == []          # failed calls leave nothing behind


def test_symbol_widget_graph_and_state_is_plain_data():
    import json
    w = SymbolWidget(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc"),
                     shape={"data": (2, 3)})
    state = w.get_state()
    json.dumps(state)   # everything is JSON-able
    assert [n["name"] for n in w.graph["nodes"]] == ["data", "fc", "fc_output"]
    assert set(w.graph["layout"]["nodes"]) == {n["id"] for n in w.graph["nodes"]}


def test_widget_module_writes_text_only_with_textContent():
    from symnb.notebook.widget import _STATIC
    source = (_STATIC / "widget.js").read_text()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "export default { initialize, render }" in source


def test_widget_bundle_carries_the_static_picture_and_the_live_marker():
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(2,))
    w = ExecutorWidget(ex)
    bundle, _ = w._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert "text/html" in bundle and bundle[LIVE_MIME]["model_id"] == view["model_id"]
    assert bundle["text/plain"].startswith("<ExecutorWidget")
    w.close()
    s = SymbolWidget(mx.sym.var("x") * 2)
    assert s._repr_mimebundle_()[0]["image/svg+xml"].startswith("<svg")


def test_the_opening_state_has_the_values_and_a_late_front_end_can_resync():
    ex = _mlp()
    ex.forward(is_train=True)
    w = ExecutorWidget(ex)
    from ipywidgets.widgets.widget import _remove_buffers
    state, _, _ = _remove_buffers(w.get_state())
    assert {("output", "softmax_output"), ("arg", "fc1_weight")} <= {
        (e["group"], e["name"]) for e in state["arrays"]}
    w.record_step()
    sent = Sent(w)
    w._on_front_end(w, {"type": "sync"}, [])          # what initialize() asks for
    kinds = [c["type"] for c, _ in sent.messages]
    assert kinds == ["values", "trace"]
    assert len(sent.messages[0][0]["entries"]) == len(w.arrays)   # everything, not a delta
    w.close()


def test_the_view_is_the_only_observer_it_adds():
    # no picture step tracker rides along: a step costs the view one notification
    ex = _mlp()
    w = ExecutorWidget(ex)
    bundle, _ = w._repr_mimebundle_()
    assert ex._observers == [w._on_event]
    assert "image/svg+xml" in bundle and "data:image/svg+xml;base64," in bundle["text/html"]
    w.close()
    assert ex._observers == []


@pytest.mark.parametrize("case", ["normal", "constant", "float64", "float16", "edges", "nan"])
def test_large_arrays_get_the_whole_array_stats_in_chunks(case):
    from symnb.notebook import widget
    rng = np.random.default_rng(1)
    n = 3 * widget._STATS_CHUNK + 123                  # several chunks and a short one
    x = {"normal": lambda: rng.standard_normal(n).astype(np.float32) * 3 + 1,
         "constant": lambda: np.full(n, 2.5, np.float32),
         "float64": lambda: rng.uniform(-1e6, 1e6, n),
         "float16": lambda: rng.standard_normal(n).astype(np.float16),
         # values on the bin edges: 0..16 over a range of 16
         "edges": lambda: np.arange(n, dtype=np.float32) % 17,
         "nan": lambda: np.where(np.arange(n) % 1000 == 7, np.nan, 1.0).astype(np.float32),
         }[case]()
    got = widget._stats(x)
    v = x.astype(np.float64)
    good = v[np.isfinite(v)]
    assert got["nan"] == int(np.isnan(v).sum()) and got["inf"] == 0
    np.testing.assert_allclose([got["min"], got["max"], got["mean"], got["std"], got["rms"]],
                               [good.min(), good.max(), good.mean(), good.std(),
                                np.sqrt(np.mean(good * good))], rtol=1e-12, atol=1e-12)
    lo, hi = good.min(), good.max()
    first, last = (lo, hi) if hi > lo else (lo - .5, lo + .5)
    bins = np.minimum(((good - first) * (16 / (last - first))).astype(np.intp), 15)
    assert got["hist"] == np.bincount(bins, minlength=16).tolist()
    assert got["hist"] == np.histogram(good, bins=16, range=(first, last))[0].tolist()
