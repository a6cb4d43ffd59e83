"""``widget.js`` in headless Chromium, driven by what a real ExecutorWidget sends.

The page creates a mock anywidget model from the widget's opening state, runs the module's
``initialize`` and ``render``, then replays the widget's own messages (recorded in Python around
``forward``/``backward`` and a flush: the live values, as custom messages with binary buffers)
and snapshots the DOM after each step. The fast companion of the real-JupyterLab tests
(tests/lab).
"""
import re

import numpy as np
import pytest

from ._views import stage
from ._wire import Updates, opening_state

pytest.importorskip("anywidget")
pytestmark = pytest.mark.browser

import symnb as mx  # noqa: E402
from symnb.notebook.widget import ExecutorWidget  # noqa: E402

SCRIPT = """
import { MockModel, fixture, snapshot, click, done } from "/tests/browser/harness.js";
const module = await import("/symnb/notebook/_static/widget.js");
const widget = module.default;
const f = fixture();
const model = new MockModel(f.opening);
widget.initialize({ model });
const el = document.createElement("div");
document.body.appendChild(el);
const cleanup = widget.render({ model, el });
snapshot(el, "bind");
f.steps.forEach((messages, k) => {
  for (const message of messages) model.receive(message);
  snapshot(el, `step ${k + 1}`);
});
for (const key of f.pick) {
  const box = `g.symnb-node[data-id="${key}"] rect, g.symnb-node[data-name="${key}"] rect`;
  click(el.querySelector(box));
  snapshot(el, `picked ${key}`);
}
const stepButton = el.querySelector("button.symnb-step");
for (let k = 0; k < f.clicks; k++) {
  click(stepButton);
  snapshot(el, `trace ${k}`);
}
click(el.querySelector("button.symnb-reset"));
snapshot(el, "reset", { sent: JSON.stringify(model.sent.map((m) => m.content)) });
if (typeof cleanup === "function") cleanup();
for (const message of f.after) model.receive(message);
snapshot(el, "after cleanup", { listeners: model.listenerCount() });
done();
"""


def run_widget_page(browser, widget, steps, after=None, pick=(), clicks=0):
    """Render ``widget``; ``steps`` are callables whose messages (each followed by a flush) are
    replayed one group at a time; ``after`` runs once the view was cleaned up."""
    opening, recorded = opening_state(widget), []
    for step in steps:
        with Updates(widget) as updates:
            step()
            widget.flush()
        recorded.append(updates.messages)
    with Updates(widget) as late:
        if after is not None:
            after()
        widget.flush()
    return browser.render(SCRIPT, {"opening": opening, "steps": recorded, "pick": list(pick),
                                   "clicks": clicks, "after": late.messages})


def node(view, name, where):
    for g in view.find_all("g", cls="symnb-node"):
        if g.attrs.get("data-name") == name and where <= g.classes:
            return g
    raise AssertionError("no node %s %s" % (name, where))


def numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


DATA_1 = [[1, 2, 3], [4, 5, 6]]
DATA_2 = [[2, 0, 1], [-1, 3, 0]]


@pytest.fixture(scope="module")
def mlp(browser):
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=2, name="fc1")
    act = mx.sym.Activation(fc, act_type="relu", name="relu1")
    net = mx.sym.LinearRegressionOutput(act, name="lro")
    args = {"data": mx.nd.array(DATA_1), "fc1_weight": mx.nd.array([[1, 0, -1], [0.5, 0.5, 0]]),
            "fc1_bias": mx.nd.array([0.5, -1]), "lro_label": mx.nd.array([[0, 1], [0, 1]])}
    grads = {k: mx.nd.zeros(v.shape) for k, v in args.items() if k != "lro_label"}
    ex = net.bind(mx.cpu(), args, args_grad=grads)
    widget = ExecutorWidget(ex)
    seen = {}

    def train_step():
        ex.forward(is_train=True)
        ex.backward()
        seen["out1"] = ex.outputs[0].asnumpy()
        seen["grad1"] = ex.grad_dict["fc1_weight"].asnumpy()

    def second():
        ex.forward(data=mx.nd.array(DATA_2))
        seen["out2"] = ex.outputs[0].asnumpy()

    def record():
        seen["trace"] = widget.record_step()

    page = run_widget_page(browser, widget, [train_step, second, record],
                           after=lambda: ex.forward(data=mx.nd.array(DATA_1) * 9),
                           pick=["relu1"], clicks=6)
    widget.close()
    return page, seen


def test_the_executor_picture_is_drawn_once_and_values_change_in_place(mlp):
    page, seen = mlp
    bind = stage(page, "bind")
    assert len(bind.find_all("svg", cls="symnb-executor-graph")) == 1
    assert bind.find("div", cls="symnb-widget").attrs["data-steps"] == "0"
    step1 = stage(page, "step 1")
    root = step1.find("div", cls="symnb-widget")
    assert root.attrs["data-steps"] == "2" and root.attrs["data-updates"] == "1"
    assert stage(page, "step 2").find("div", cls="symnb-widget").attrs["data-draws"] == "1"
    assert step1.find(cls="symnb-event").text() == "after backward (step 2)"
    out = node(step1, "lro", {"section-forward", "role-output"})
    assert numbers(out.attrs["data-live"]) == pytest.approx(seen["out1"].ravel(), abs=1e-3)
    # the value is written into the picture's own text, not beside it
    assert out.attrs["data-live"] in [t.text() for t in out.find_all("text")]
    grad = node(step1, "fc1_weight", {"section-backward", "role-grad_holder"})
    assert numbers(grad.attrs["data-live"]) == pytest.approx(seen["grad1"].ravel(), abs=1e-3)
    step2 = stage(page, "step 2")
    data = node(step2, "data", {"section-forward", "role-argument"})
    assert numbers(data.attrs["data-live"]) == pytest.approx(np.ravel(DATA_2))
    out2 = node(step2, "lro", {"section-forward", "role-output"})
    assert numbers(out2.attrs["data-live"]) == pytest.approx(seen["out2"].ravel(), abs=1e-3)


def test_clicking_a_node_shows_its_arrays(mlp):
    view = stage(mlp[0], "picked relu1")
    names = [(c.attrs["data-group"], c.attrs["data-name"])
             for c in view.find_all("div", cls="symnb-array")]
    assert names == [("internal", "relu1_output"), ("igrad", "relu1_output")]
    assert "op Activation (act_type=relu)" in view.find(cls="symnb-details-title").text()


def test_step_through_lights_the_recorded_nodes_in_order(mlp):
    page, seen = mlp
    trace = seen["trace"]
    lit = []
    assert len(trace) == 6
    for k in range(6):
        view = stage(page, "trace %d" % k)
        assert view.find("div", cls="symnb-widget").attrs["data-trace-at"] == str(k)
        (g,) = [g for g in view.find_all("g", cls="symnb-node") if "symnb-lit" in g.classes]
        section = "section-forward" if trace[k]["phase"] == "forward" else "section-backward"
        assert section in g.classes
        lit.append((trace[k]["phase"], g.attrs["data-name"]))
        assert view.find(cls="symnb-step-status").text().startswith(trace[k]["phase"])
    assert lit == [(s["phase"], s["node"]) for s in trace]
    first = stage(page, "trace 0")
    fc1 = node(first, "fc1", {"section-forward"})
    assert numbers(fc1.attrs["data-live"]) == pytest.approx(
        np.frombuffer(trace[0]["arrays"][0]["data"], "<f4").tolist(), abs=1e-3)
    reset = stage(page, "reset")
    assert reset.find("div", cls="symnb-widget").attrs["data-trace-at"] == "-1"
    assert not [g for g in reset.find_all("g", cls="symnb-node") if "symnb-lit" in g.classes]


def test_cleanup_stops_the_view(mlp):
    page, _ = mlp
    closed = stage(page, "after cleanup")
    reset = stage(page, "reset")
    assert closed.find("div", cls="symnb-widget").attrs["data-steps"] == \
        reset.find("div", cls="symnb-widget").attrs["data-steps"]
    # only the model-level live state listens (one per model, shared by its views)
    assert closed.attrs["data-listeners"] == "1"


ENTITY = "&lt;b&gt;"
IMG = '<img src=x onerror="document.body.dataset.pwned=1">'


def test_markup_in_names_is_shown_as_text(browser):
    x = mx.sym.var(IMG)
    y = mx.sym.exp(x, name=ENTITY)
    ex = y.simple_bind(mx.cpu(), **{IMG: (2,)})
    widget = ExecutorWidget(ex)
    page = run_widget_page(browser, widget, [lambda: ex.forward()])
    widget.close()
    view = stage(page, "step 1")
    assert view.find(cls="symnb-title").text() == ENTITY + "_output"
    texts = [t.text() for t in view.find_all("text")]
    assert IMG in texts and any(ENTITY in t for t in texts)
    assert not view.find_all("img") and "data-pwned" not in page.find("body").attrs


def test_the_graph_picture_folds_and_unfolds_groups(browser):
    data = mx.sym.var("data")
    h = mx.sym.FullyConnected(data, num_hidden=4, name="stage1_fc")
    h = mx.sym.Activation(h, act_type="relu", name="stage1_relu")
    ex = mx.sym.FullyConnected(h, num_hidden=2, name="head").simple_bind(mx.cpu(), data=(2, 3))
    widget = ExecutorWidget(ex, collapse=["stage1_"])
    assert widget.graph["kind"] == "symbol"
    page = run_widget_page(browser, widget, [lambda: ex.forward()], pick=["stage1_"])
    widget.close()
    view = stage(page, "step 1")
    folded = [g for g in view.find_all("g", cls="symnb-node") if "symnb-folded" in g.classes]
    assert [g.attrs["data-name"] for g in folded] == ["stage1_"]
    assert '{"type":"toggle","prefix":"stage1_"}' in stage(page, "reset").attrs["data-sent"]
    out = [g for g in view.find_all("g", cls="symnb-node")
           if g.attrs.get("data-name") == "head_output"]
    assert out and numbers(out[0].attrs["data-live"]) == pytest.approx(
        ex.outputs[0].asnumpy().ravel(), abs=1e-3)


def test_colouring_by_value_paints_the_markers(browser):
    x = mx.sym.var("x")
    y = mx.sym.exp(x, name="e")
    ex = (y * 100).simple_bind(mx.cpu(), x=(3,))
    widget = ExecutorWidget(ex, color_by="value")
    page = run_widget_page(browser, widget, [lambda: ex.forward(x=mx.nd.array([0, 1, 2]))])
    widget.close()
    view = stage(page, "step 1")
    painted = {g.attrs["data-name"]: float(g.attrs["data-magnitude"])
               for g in view.find_all("g", cls="symnb-node") if "data-magnitude" in g.attrs}
    # log-scaled RMS: x (about 1.3) is the smallest, exp(x) * 100 the largest
    assert painted["x"] == 0.0 and max(painted.values()) == 1.0
    assert painted["e"] < 1.0
