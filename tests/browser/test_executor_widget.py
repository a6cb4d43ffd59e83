"""``widget.js`` in headless Chromium, driven by what a real ExecutorWidget sends.

The page creates a mock anywidget model from the widget's opening state, calls the module's
``render({model, el})`` and then replays the widget's own 'update' messages (recorded in Python
around ``forward``/``backward``) as change events, snapshotting the DOM after each step.
"""
import re

import numpy as np
import pytest

from ._views import boxes, stage, tooltips
from ._wire import Updates, opening_state

pytest.importorskip("anywidget")
pytestmark = pytest.mark.browser

import symnb as mx  # noqa: E402
from symnb.notebook.widget import ExecutorWidget  # noqa: E402

SCRIPT = """
import { MockModel, fixture, snapshot, click, done } from "/tests/browser/harness.js";
// anywidget takes render from the default export or as a named export
const module = await import("/symnb/notebook/_static/widget.js");
const render = (module.default && module.default.render) || module.render;
const f = fixture();
const model = new MockModel(f.opening);
const el = document.createElement("div");
document.body.appendChild(el);
const cleanup = render({ model, el });
snapshot(el, "bind");
for (const message of f.steps[0]) model.receive(message);
snapshot(el, "step 1");
for (const name of f.pick) {
  const box = [...el.querySelectorAll("g.symnb-node")].find(
    (g) => g.querySelector("title").textContent.startsWith(`${name} (`));
  click(box);
}
snapshot(el, "picked");
for (const message of f.steps[1]) model.receive(message);
snapshot(el, "step 2", { listeners: model.listenerCount() });
if (typeof cleanup === "function") cleanup();
for (const message of f.steps[2]) model.receive(message);
snapshot(el, "after cleanup", { listeners: model.listenerCount() });
done();
"""


def run_widget_page(browser, executor, steps, pick=()):
    """Render an ExecutorWidget of ``executor``; ``steps`` are three callables whose widget
    updates are replayed one group at a time. Returns the page and, per step, the executor's
    arrays as they were right after it (group, name) -> ndarray."""
    widget = ExecutorWidget(executor)
    opening, recorded, arrays = opening_state(widget), [], []
    for step in steps:
        with Updates(widget) as updates:
            step()
        recorded.append(updates.messages)
        arrays.append(executor_arrays(executor))
    widget.close()
    page = browser.render(SCRIPT, {"opening": opening, "steps": recorded, "pick": list(pick)})
    return page, arrays


def executor_arrays(ex):
    arrays = {("arg", k): v.asnumpy() for k, v in ex.arg_dict.items()}
    arrays.update({("grad", k): v.asnumpy() for k, v in ex.grad_dict.items() if v is not None})
    arrays.update({("output", k): v.asnumpy() for k, v in ex.output_dict.items()})
    return arrays


def cards(view):
    """Array cards by (group, name) -> card element."""
    found = {}
    for section in view.find_all("div", cls="symnb-group"):
        (group,) = [c[len("group-"):] for c in section.classes if c.startswith("group-")]
        for card in section.find_all("div", cls="symnb-array"):
            found[group, card.find(cls="symnb-array-name").text()] = card
    return found


def shown_values(card):
    return np.array([float(v) for v in card.find(cls="symnb-array-values").text().split()])


def header(view):
    return view.find(cls="symnb-title").text(), view.find(cls="symnb-event").text()


# --- a small MLP with values chosen by hand ---------------------------------------------------

DATA_1 = [[1, 2, 3], [4, 5, 6]]
DATA_2 = [[2, 0, 1], [-1, 3, 0]]
DATA_3 = [[9, 9, 9], [9, 9, 9]]


@pytest.fixture(scope="module")
def mlp_page(browser):
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=2, name="fc1")
    act = mx.sym.Activation(fc, act_type="relu", name="relu1")
    net = mx.sym.LinearRegressionOutput(act, name="lro")
    args = {"data": mx.nd.array(DATA_1), "fc1_weight": mx.nd.array([[1, 0, -1], [0.5, 0.5, 0]]),
            "fc1_bias": mx.nd.array([0.5, -1]), "lro_label": mx.nd.array([[0, 1], [0, 1]])}
    grads = {k: mx.nd.zeros(v.shape) for k, v in args.items() if k != "lro_label"}
    ex = net.bind(mx.cpu(), args, args_grad=grads)

    def train_step():
        ex.forward(is_train=True)
        ex.backward()

    page, arrays = run_widget_page(
        browser, ex, [train_step, lambda: ex.forward(data=mx.nd.array(DATA_2)),
                      lambda: ex.forward(data=mx.nd.array(DATA_3))], pick=["fc1"])
    return page, arrays


def test_header_names_the_outputs_and_the_last_step(mlp_page):
    page, _ = mlp_page
    assert header(stage(page, "bind")) == ("lro_output", "bind")
    assert header(stage(page, "step 1")) == ("lro_output", "after backward (update 2)")
    assert header(stage(page, "step 2")) == ("lro_output", "after forward (update 3)")


def test_graph_boxes_show_labels_names_and_shapes(mlp_page):
    view = stage(mlp_page[0], "step 1")
    assert boxes(view) == {
        "data": ["data", "2×3"],
        "fc1": ["FullyConnected", "2", "fc1 · 8 params"],
        "relu1": ["Activation", "relu", "relu1"],
        "lro": ["LinearRegressionOutput", "lro"],
        "lro_output": ["lro_output", "2×2"],
    }
    assert {"fc1 (FullyConnected)", "relu1 (Activation)", "lro_output (output)"} < set(
        tooltips(view))
    assert sorted(view.texts("text", "symnb-edge-label")) == ["2×2", "2×2", "2×2", "2×3"]
    # one curve and one arrowhead per edge, one rectangle per box
    assert len(view.find_all("path", cls="symnb-edge")) == 4
    assert len(view.find_all("path", cls="symnb-arrowhead")) == 4
    assert len(view.find_all("rect")) == 5


def test_variable_tooltips_name_the_role(mlp_page):
    assert "data (data)" in tooltips(stage(mlp_page[0], "step 1"))


def test_array_cards_show_the_executor_values(mlp_page):
    page, arrays = mlp_page
    view = stage(page, "step 1")
    assert view.texts(cls="symnb-group-title") == ["arguments", "outputs", "gradients"]
    shown = cards(view)
    assert set(shown) == set(arrays[0])
    for key, expected in arrays[0].items():
        card = shown[key]
        # buffers arrive as DataViews at an odd byte offset: wrong offsets show other numbers
        np.testing.assert_allclose(shown_values(card), expected.ravel(), atol=5e-5,
                                   err_msg=str(key))
        meta = card.texts(cls="symnb-array-meta")
        assert meta[0] == "%s float32" % "×".join(map(str, expected.shape))
        stats = re.fullmatch(r"min (\S+) · mean (\S+) · max (\S+)", meta[1])
        np.testing.assert_allclose([float(v) for v in stats.groups()],
                                   [expected.min(), expected.mean(), expected.max()], atol=5e-5)
        assert len(card.find_all("canvas", cls="symnb-heatmap")) == 1
    # the hand-computed forward, as a reader checks it: relu(data @ W.T + b)
    np.testing.assert_array_equal(shown_values(shown["output", "lro_output"]),
                                  [0, 0.5, 0, 3.5])


def test_second_forward_redraws_the_new_values(mlp_page):
    page, arrays = mlp_page
    before, after = cards(stage(page, "step 1")), cards(stage(page, "step 2"))
    np.testing.assert_array_equal(shown_values(after["arg", "data"]), np.ravel(DATA_2))
    np.testing.assert_allclose(shown_values(after["output", "lro_output"]),
                               arrays[1]["output", "lro_output"].ravel(), atol=5e-5)
    np.testing.assert_array_equal(shown_values(after["output", "lro_output"]), [1.5, 0, 0, 0])
    assert not np.array_equal(shown_values(before["output", "lro_output"]),
                              shown_values(after["output", "lro_output"]))


def test_clicking_a_box_picks_its_arrays(mlp_page):
    picked = {key for key, card in cards(stage(mlp_page[0], "picked")).items()
              if "picked" in card.classes}
    assert picked == {("arg", "fc1_weight"), ("arg", "fc1_bias"),
                      ("grad", "fc1_weight"), ("grad", "fc1_bias")}


def test_cleanup_stops_following_the_model(mlp_page):
    page, _ = mlp_page
    live, closed = stage(page, "step 2"), stage(page, "after cleanup")
    assert int(live.attrs["data-listeners"]) > 0
    assert closed.attrs["data-listeners"] == "0"
    # the third forward's values arrived after cleanup and must not be drawn
    assert header(closed) == header(live)
    np.testing.assert_array_equal(shown_values(cards(closed)["arg", "data"]), np.ravel(DATA_2))


# --- names that are markup ---------------------------------------------------------------------

IMG = '<img src=x onerror="document.body.dataset.pwned=1">'
SCRIPT_NAME = "<script>document.body.dataset.pwned=2</script>"
ENTITY = "a&amp;b<b>bold</b>"


@pytest.fixture(scope="module")
def hostile_page(browser):
    data = mx.sym.var(IMG)
    fc = mx.sym.FullyConnected(data, num_hidden=2, name=SCRIPT_NAME)
    net = mx.sym.Activation(fc, act_type="relu", name=ENTITY)
    ex = net.simple_bind(mx.cpu(), **{IMG: (1, 3)})

    def train_step():
        ex.forward(is_train=True)
        ex.backward(mx.nd.ones((1, 2)))

    page, _ = run_widget_page(browser, ex, [train_step, ex.forward, ex.forward], pick=[IMG])
    return page


def test_markup_in_names_is_shown_as_text(hostile_page):
    view = stage(hostile_page, "step 1")
    assert view.find(cls="symnb-title").text() == ENTITY + "_output"
    assert boxes(view) == {
        IMG: [IMG, "1×3"],
        SCRIPT_NAME: ["FullyConnected", "2", "%s · 8 params" % SCRIPT_NAME],
        ENTITY: ["Activation", "relu", ENTITY],
        ENTITY + "_output": [ENTITY + "_output", "1×2"],
    }
    assert "%s (Activation)" % ENTITY in tooltips(view)
    # clicking the box finds the cards by the raw name, markup and all
    picked = {key for key, card in cards(stage(hostile_page, "picked")).items()
              if "picked" in card.classes}
    assert picked == {("arg", IMG), ("grad", IMG)}
    assert {name for _, name in cards(view)} >= {
        IMG, SCRIPT_NAME + "_weight", SCRIPT_NAME + "_bias", ENTITY + "_output"}


def test_markup_in_names_creates_no_elements(hostile_page):
    for name in ("bind", "step 1", "picked", "step 2"):
        view = stage(hostile_page, name)
        assert not view.find_all("img") and not view.find_all("script")
        assert not view.find_all("b")
    assert "data-pwned" not in hostile_page.find("body").attrs
