"""The JupyterLab mime renderer in headless Chromium: its source module and its committed build.

Both are loaded as JupyterLab would hand them a graph: the source (``labextension/src``) as an
ES module with ``@lumino/widgets`` mapped to a stub, the build through its module-federation
container with the stub in the shared scope. Each draws the same graph JSON documents, taken
from the display bundles ``%%symbol`` shows, and the two must draw identical DOMs.
"""
import json
import pathlib

import pytest

from ._views import boxes, stage

pytestmark = pytest.mark.browser

import symnb as mx  # noqa: E402
from symnb.notebook._conflict import find_conflict  # noqa: E402
from symnb.notebook._display import GRAPH_MIME, symbol_bundle  # noqa: E402

BUILD = pathlib.Path(__file__).resolve().parents[2] / "symnb" / "notebook" / "labextension"
STUB = "/tests/browser/lumino_stub.js"

SCRIPT = """
import { fixture, snapshot, click, done } from "/tests/browser/harness.js";
import * as lumino from "@lumino/widgets";

const f = fixture();

async function show(factory, impl) {
  for (const [name, doc] of Object.entries(f.docs)) {
    const renderer = factory.createRenderer({ mimeType: f.mime });
    await renderer.renderModel({ data: { [f.mime]: doc }, metadata: {} });
    document.body.appendChild(renderer.node);
    snapshot(renderer.node, `${impl} ${name}`);
    const box = [...renderer.node.querySelectorAll("g.symnb-node")].find(
      (g) => g.querySelector("title").textContent.startsWith(`${f.pick[name]} (`));
    click(box);
    snapshot(renderer.node, `${impl} ${name} picked`);
  }
  snapshot(document.createElement("div"), `${impl} factory`, {
    safe: factory.safe, rank: factory.defaultRank, mimes: factory.mimeTypes.join(" "),
  });
}

const source = await import("/labextension/src/index.js");
await show(source.rendererFactory, "source");

// the build, loaded as JupyterLab loads a prebuilt extension
await new Promise((resolve, reject) => {
  const script = document.createElement("script");
  script.src = f.remoteEntry;
  script.onload = resolve;
  script.onerror = () => reject(new Error(`cannot load ${f.remoteEntry}`));
  document.head.appendChild(script);
});
const container = window._JUPYTERLAB[f.name];
await container.init({
  "@lumino/widgets": { "2.7.1": { get: () => Promise.resolve(() => lumino), from: "tests" } },
});
const built = (await container.get(f.mimeExtension))();
await show(built.rendererFactory, "built");
done();
"""

IMG = '<img src=x onerror="document.body.dataset.pwned=1">'
SCRIPT_NAME = "<script>document.body.dataset.pwned=2</script>"


def mlp_doc():
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name=IMG)
    net = mx.sym.FullyConnected(net, num_hidden=2, name=SCRIPT_NAME)
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    return symbol_bundle(net, shape={"data": (2, 3)})[GRAPH_MIME]


def conflict_doc():
    """A weight given the wrong shape, drawn as %%symbol draws it: the edge marked bad."""
    net = mx.sym.FullyConnected(mx.sym.var("data"), weight=mx.sym.var("fc1_weight"),
                                num_hidden=4, name="fc1")
    shapes = {"data": (2, 3), "fc1_weight": (4, 5)}
    with pytest.raises(mx.base.MXNetError) as error:
        net.infer_shape_partial(**shapes)
    conflict = find_conflict(net, shapes, error.value)
    return symbol_bundle(net, shape=shapes, conflict=conflict, hide_weights=False)[GRAPH_MIME]


@pytest.fixture(scope="module")
def lab_page(browser):
    meta = json.loads((BUILD / "package.json").read_text())
    build = meta["jupyterlab"]["_build"]
    fixture = {
        "mime": GRAPH_MIME, "name": meta["name"],
        "remoteEntry": "/symnb/notebook/labextension/" + build["load"],
        "mimeExtension": build["mimeExtension"],
        "docs": {"mlp": mlp_doc(), "conflict": conflict_doc()},
        "pick": {"mlp": "fc1", "conflict": "fc1_bias"},
    }
    page = browser.render(SCRIPT, fixture, importmap={"@lumino/widgets": STUB})
    return page, list(browser.requested)


IMPLEMENTATIONS = ["source", "built"]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_draws_boxes_edges_and_totals(lab_page, impl):
    view = stage(lab_page[0], impl + " mlp")
    assert view.find("div", cls="symnb-lab-graph")     # the widget node, as JupyterLab adds it
    assert boxes(view) == {
        "data": ["data", "2×3"],
        "fc1": ["FullyConnected", "4", "fc1 · 16 params"],
        IMG: ["Activation", "relu", IMG],
        SCRIPT_NAME: ["FullyConnected", "2", SCRIPT_NAME + " · 10 params"],
        "softmax": ["SoftmaxOutput", "softmax"],
        "softmax_output": ["softmax_output", "2×2"],
    }
    assert view.texts("text", "symnb-edge-label") == ["2×3", "2×4", "2×4", "2×2", "2×2"]
    # the totals line is the document's footer, drawn in the picture as the static SVG has it
    assert view.find(cls="symnb-lab-info").text() == "click a box for details"
    footer = view.texts("text", "symnb-footer-totals")
    assert len(footer) == 1 and "26 params" in footer[0]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_clicking_a_box_shows_its_details(lab_page, impl):
    info = stage(lab_page[0], impl + " mlp picked").find(cls="symnb-lab-info").text()
    assert info == ("fc1 · op FullyConnected · num_hidden=4 · in: 2×3 · out: 2×4 · 16 params"
                    " · ≈48 FLOPs")
    info = stage(lab_page[0], impl + " conflict picked").find(cls="symnb-lab-info").text()
    assert info == "fc1_bias · bias · num_hidden=4 · out: ?"   # roles: the op declarations


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_a_shape_conflict_marks_its_edge(lab_page, impl):
    view = stage(lab_page[0], impl + " conflict")
    bad = view.find_all("path", cls="bad") + view.find_all("polygon", cls="bad")
    assert [p.classes for p in bad] == [{"symnb-edge", "bad"}, {"symnb-arrowhead", "bad"}]
    assert view.find("text", cls="bad").text() == "provided (4, 5) vs inferred (4, 3)"
    assert view.find(cls="symnb-lab-info").text().endswith(
        "Error in operator fc1: Shape inconsistent, Provided = [4,5], inferred shape=(4,3)")


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_markup_in_names_creates_no_elements(lab_page, impl):
    page = lab_page[0]
    for name in ("mlp", "mlp picked", "conflict"):
        view = stage(page, "%s %s" % (impl, name))
        assert not view.find_all("img") and not view.find_all("script")
    assert "data-pwned" not in page.find("body").attrs


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_registers_as_a_safe_renderer_of_the_graph_mime(lab_page, impl):
    facts = stage(lab_page[0], impl + " factory").attrs
    assert (facts["data-safe"], facts["data-rank"], facts["data-mimes"]) == (
        "true", "75", GRAPH_MIME)


def test_the_committed_build_draws_what_its_sources_draw(lab_page):
    page, requested = lab_page
    # the build really ran: its container and the chunk holding the renderer were fetched
    static = [p for p in requested if p.startswith("/symnb/notebook/labextension/static/")]
    assert any("/remoteEntry." in p for p in static) and len(static) >= 2
    for name in ("mlp", "mlp picked", "conflict", "conflict picked", "factory"):
        assert (stage(page, "source " + name).children[0].signature()
                == stage(page, "built " + name).children[0].signature()), name
