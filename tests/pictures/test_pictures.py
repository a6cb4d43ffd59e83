"""Graph view (roles from op declarations), SVG/HTML escaping, graph JSON and mimebundles."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import symnb as mx
from symnb.ops import get_op
from symnb.pictures import (
    GRAPH_MIME,
    BadEdge,
    executor_mimebundle,
    graph_json,
    graph_view,
    ndarray_html,
    ndarray_mimebundle,
    render_svg,
    symbol_mimebundle,
    symbol_svg,
)
from symnb.pictures.html import executor_html

SVG_NS = "{http://www.w3.org/2000/svg}"


def mlp():
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=8, name="fc1")
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    return mx.sym.FullyConnected(act, num_hidden=3, name="fc2")


def names(view):
    return [n.name for n in view.nodes]


def inline_images(html: str) -> list[str]:
    """The SVG pictures an HTML output carries as ``<img src="data:image/svg+xml;base64,...">``."""
    import base64
    return [base64.b64decode(m).decode("utf-8")
            for m in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]


def svg_texts(svg: str) -> list[str]:
    """All text of an SVG, parsed as XML (fails if the markup is broken)."""
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(SVG_NS + "text")]


# ---------------------------------------------------------------- roles and hiding
def test_roles_come_from_op_declarations_not_names():
    x = mx.sym.var("x_weight")                       # weight-like *name*, used as data
    w = mx.sym.var("plain")                          # plain name, used as FC weight
    net = mx.sym.FullyConnected(mx.sym.elemwise_add(x, mx.sym.var("y"), name="add"),
                                weight=w, num_hidden=2, no_bias=True, name="fc")
    view = graph_view(net)
    assert "x_weight" in names(view) and "plain" not in names(view)
    roles = {n.name: n.role for n in view.nodes}
    assert roles["x_weight"] == "data" and roles["y"] == "data"
    assert roles["add"] == "op" and roles["fc_output"] == "output"
    shown = graph_view(net, hide_weights=False)
    assert {n.name: n.role for n in shown.nodes}["plain"] == "weight"
    assert view.hidden == 1 and shown.hidden == 0


def test_fc_weight_and_bias_fold_into_the_layer():
    view = graph_view(mlp(), shape={"data": (4, 5)})
    assert names(view) == ["data", "fc1", "relu1", "fc2", "fc2_output"]
    by_name = {n.name: n for n in view.nodes}
    assert by_name["fc1"].params == 8 * 5 + 8 and by_name["fc2"].params == 3 * 8 + 3
    assert by_name["relu1"].params == 0
    assert view.total_params == 48 + 27 and view.hidden == 4
    # FLOPs: 2 * batch * in * out per dense layer
    assert by_name["fc1"].flops == 2 * 4 * 5 * 8 and by_name["fc2"].flops == 2 * 4 * 8 * 3
    assert view.total_flops == 2 * 4 * (5 * 8 + 8 * 3)
    assert by_name["fc1"].label == "FullyConnected\n8"       # the op's own label


def test_shared_weight_counts_once():
    w = mx.sym.var("shared")
    a = mx.sym.FullyConnected(mx.sym.var("data"), weight=w, num_hidden=4, no_bias=True,
                              name="a")
    b = mx.sym.FullyConnected(a, weight=w, num_hidden=4, no_bias=True, name="b")
    view = graph_view(b, shape={"data": (2, 4)})
    by_name = {n.name: n for n in view.nodes}
    assert by_name["a"].params == 16 and by_name["b"].params == 0
    assert view.total_params == 16


def test_aux_and_label_roles():
    if get_op("BatchNorm") is None or get_op("SoftmaxOutput") is None:
        pytest.skip("BatchNorm / SoftmaxOutput not registered yet")
    bn = mx.sym.BatchNorm(mx.sym.var("data"), name="bn")
    net = mx.sym.SoftmaxOutput(bn, name="softmax")
    view = graph_view(net, shape={"data": (2, 3)})
    assert names(view) == ["data", "bn", "softmax", "softmax_output"]
    by_name = {n.name: n for n in view.nodes}
    assert by_name["bn"].aux == 6 and view.total_aux == 6
    roles = {n.name: n.role for n in graph_view(net, hide_weights=False).nodes}
    assert roles["bn_moving_mean"] == "aux" and roles["softmax_label"] == "label"


def test_edge_shapes_and_unknown_shapes():
    view = graph_view(mlp(), shape={"data": (4, 5)})
    assert [e.label for e in view.edges] == ["4×5", "4×8", "4×8", "4×3"]
    assert view.edges[-1].shape == (4, 3)
    plain = graph_view(mlp())
    assert all(e.label == "" for e in plain.edges) and plain.total_params is None
    # a variable's __shape__ attr is used like a given shape
    net = mx.sym.Activation(mx.sym.var("x", shape=(2, 7)), act_type="relu", name="r")
    assert graph_view(net).edges[0].label == "2×7"


def test_inference_error_becomes_a_note_not_a_crash():
    net = mx.sym.elemwise_add(mx.sym.var("a"), mx.sym.var("b"), name="add")
    view = graph_view(net, shape={"a": (2, 3), "b": (2, 4)})
    assert "add" in view.note and all(e.label == "" for e in view.edges)
    svg = render_svg(view)
    assert any("add" in t for t in svg_texts(svg))


def test_bad_edge_is_highlighted_and_shows_hidden_variable():
    bad = BadEdge("fc1_weight", "fc1", (8, 6), (8, 5))
    view = graph_view(mlp(), shape={"data": (4, 5)}, bad_edge=bad)
    assert "fc1_weight" in names(view)
    marked = [e for e in view.edges if e.bad]
    assert len(marked) == 1
    assert marked[0].note == "provided (8, 6) vs inferred (8, 5)"
    assert view.nodes[marked[0].source].name == "fc1_weight"
    svg = render_svg(view)
    assert 'class="edge bad"' in svg
    assert any("provided (8, 6) vs inferred (8, 5)" in t for t in svg_texts(svg))
    # an edge that is not in the picture is reported in the note
    missing = graph_view(mlp(), bad_edge=BadEdge("nope", "fc1", (1,), (2,)))
    assert "nope -> fc1" in missing.note


def test_collapse_by_name_prefix():
    data = mx.sym.var("data")
    with mx.name.Prefix("block1_"):
        h = mx.sym.FullyConnected(data, num_hidden=4, name="fc")
        h = mx.sym.Activation(h, act_type="relu", name="act")
    out = mx.sym.FullyConnected(h, num_hidden=2, name="head")
    view = graph_view(out, shape={"data": (2, 3)}, collapse="block1_")
    assert names(view) == ["data", "block1_", "head", "head_output"]
    group = view.nodes[1]
    assert group.family == "group" and group.members == ("block1_fc", "block1_act")
    assert group.params == 3 * 4 + 4
    assert [(view.nodes[e.source].name, view.nodes[e.target].name) for e in view.edges] == [
        ("data", "block1_"), ("block1_", "head"), ("head", "head_output")]


# ---------------------------------------------------------------- escaping (one choke point)
def test_script_names_render_as_text():
    evil = '<script>alert("x")</script>'
    net = mx.sym.Activation(mx.sym.var(evil), act_type="relu", name='a&b"c')
    svg = symbol_svg(net)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert 'a&amp;b&quot;c' in svg
    texts = svg_texts(svg)                           # parses: the markup is intact
    assert evil in texts and 'a&b"c' in texts
    # attribute values (data-name) are escaped too
    root = ET.fromstring(svg)
    assert {g.get("data-name") for g in root.iter(SVG_NS + "g") if g.get("data-name")} >= {
        evil, 'a&b"c'}


def test_attribute_values_with_quotes_are_escaped():
    tricky = 'say "hi" & <bye>'
    x = mx.sym.var("x", __note__=tricky)
    net = mx.sym.Activation(x, act_type="relu", name="r", attr={"__group__": tricky})
    svg = symbol_svg(net)
    assert tricky not in svg and "<bye>" not in svg
    assert svg.count("say &quot;hi&quot; &amp; &lt;bye&gt;") == 2     # both tooltips
    titles = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(SVG_NS + "title")]
    assert "__note__ = " + tricky in "\n".join(titles)
    assert "__group__ = " + tricky in "\n".join(titles)


def test_control_characters_and_lone_surrogates_keep_svg_and_html_wellformed():
    name = "a\x01b\x1b[31m\ud800c\x1f"
    net = mx.sym.Activation(mx.sym.var(name, __note__="x\x07y"), act_type="relu", name="r")
    svg = symbol_svg(net)
    assert "a\u2401b\u241b[31m\ufffdc\u241f" in svg_texts(svg)    # visible, XML-safe
    assert "\u2407" in "".join(ET.fromstring(svg).itertext())
    page = executor_html(net.simple_bind(mx.cpu(), **{name: (1, 2)}))
    ET.fromstring("<div>%s</div>" % page.replace("&nbsp;", " "))   # parses as XML


def test_ndarray_and_executor_html_escape_names():
    arr = mx.nd.array([[1, 2], [3, 4]])
    html = ndarray_html(arr)
    assert "NDArray 2×2 float32 @cpu(0)" in html and ">4<" in html
    evil = "<img src=x onerror=alert(1)>"
    ex = mx.sym.Activation(mx.sym.var(evil), act_type="relu", name="r").simple_bind(
        mx.cpu(), **{evil: (2, 2)})
    page = executor_html(ex)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# ---------------------------------------------------------------- SVG content
def test_svg_is_wellformed_and_shows_labels_shapes_and_totals():
    svg = symbol_svg(mlp(), {"data": (4, 5)})
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg" and "script" not in svg.lower()
    texts = svg_texts(svg)
    for expected in ["data", "FullyConnected", "8", "relu", "4×5", "fc2_output",
                     "fc1 · 48 params"]:
        assert expected in texts
    assert any(t.startswith("3 nodes · 75 params") for t in texts)
    assert int(root.get("width")) > 0 and root.get("viewBox").startswith("0 0 ")


def test_svg_is_deterministic():
    assert symbol_svg(mlp(), {"data": (4, 5)}) == symbol_svg(mlp(), {"data": (4, 5)})


# ---------------------------------------------------------------- arrays and executors
def test_large_arrays_get_stats_heatmap_and_histogram():
    values = np.arange(1200, dtype=np.float32).reshape(30, 40)
    values[0, 0] = np.nan
    html = ndarray_html(mx.nd.array(values))
    assert "<table" not in html and "<svg" not in html      # pictures travel as <img>
    pictures = "".join(inline_images(html))
    assert 'class="symnb-heatmap"' in pictures and 'class="symnb-histogram"' in pictures
    assert "min 1 · max 1199" in html and "1 NaN" in html
    one_d = "".join(inline_images(ndarray_html(mx.nd.array(np.linspace(0, 1, 500)))))
    assert "symnb-histogram" in one_d and "symnb-heatmap" not in one_d


def test_executor_panel_sections():
    ex = mlp().simple_bind(mx.cpu(), data=(4, 5))
    ex.forward(is_train=True)
    html = executor_html(ex)
    for section in ["Outputs", "Arguments", "Gradients", "Aux states"]:
        assert section in html
    for name in ["fc2_output", "fc1_weight", "fc2_bias"]:
        assert ">%s<" % name in html
    assert "<svg" not in html
    picture = inline_images(html)[0]          # the executor picture, as an <img>
    assert "fc2_output" in "".join(svg_texts(picture)) and "4×5 float32" in picture


class FakeExecutor:
    """Duck-typed executor whose grad_dict raises, as one bound without gradients may."""

    def __init__(self):
        self.arg_dict = {"a": mx.nd.ones((2,))}
        self.aux_dict = {}
        self.output_dict = {"out": mx.nd.ones((2,))}
        self.outputs = [self.output_dict["out"]]
        self._symbol = mx.sym.var("a") * 2
        self._forwarded = True

    @property
    def grad_dict(self):
        raise TypeError("no gradients")


def test_executor_without_gradients():
    html = executor_html(FakeExecutor())
    assert "no gradients" in html and ">out<" in html


# ---------------------------------------------------------------- JSON and mimebundles
def test_graph_json_document():
    doc = graph_json(mlp(), {"data": (4, 5)})
    json.dumps(doc)                                   # plain JSON
    assert doc["version"] == 2 and doc["kind"] == "symbol"
    assert [n["name"] for n in doc["nodes"]] == ["data", "fc1", "relu1", "fc2", "fc2_output"]
    ids = {n["id"] for n in doc["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in doc["edges"])
    assert set(doc["layout"]["nodes"]) == ids
    assert len(doc["layout"]["edges"]) == len(doc["edges"])
    assert doc["totals"]["params"] == 75 and doc["edges"][0]["shape"] == [4, 5]


def test_mimebundles():
    sym = mlp()
    bundle = symbol_mimebundle(sym)
    assert set(bundle) == {"text/plain", "image/svg+xml", "text/html", GRAPH_MIME}
    assert bundle["text/plain"] == repr(sym) == "<Symbol fc2>"
    assert bundle["image/svg+xml"].startswith("<svg")
    # untrusted notebooks drop image/svg+xml and strip inline <svg> from HTML: the HTML
    # carries the same picture as an <img>
    assert "<svg" not in bundle["text/html"]
    assert inline_images(bundle["text/html"]) == [bundle["image/svg+xml"]]
    # the SVG is drawn from the document: its texts are the document's
    drawn = [t["text"] for n in bundle[GRAPH_MIME]["draw"]["nodes"] for t in n["text"]]
    assert set(drawn) <= set(svg_texts(bundle["image/svg+xml"]))
    assert bundle[GRAPH_MIME]["footer"] in svg_texts(bundle["image/svg+xml"])
    assert bundle[GRAPH_MIME]["version"] == 2
    assert set(symbol_mimebundle(sym, exclude=[GRAPH_MIME, "text/html"])) == {
        "text/plain", "image/svg+xml"}

    arr = mx.nd.array([1, 2, 3])
    nd_bundle = ndarray_mimebundle(arr)
    assert set(nd_bundle) == {"text/plain", "text/html", GRAPH_MIME}
    assert nd_bundle["text/plain"] == repr(arr)
    assert nd_bundle[GRAPH_MIME]["values"]["array"]["max"] == 3

    ex = mlp().simple_bind(mx.cpu(), data=(4, 5))
    ex_bundle = executor_mimebundle(ex)
    assert set(ex_bundle) == {"text/plain", "text/html", "image/svg+xml", GRAPH_MIME}
    doc = ex_bundle[GRAPH_MIME]
    json.dumps(doc)
    assert doc["kind"] == "executor" and doc["version"] == 2
    by_name = {n["name"]: n for n in doc["nodes"] if n["section"] == "forward"}
    assert by_name["fc1_weight"]["shape"] == [8, 5] and by_name["fc1_weight"]["role"] == "argument"
    assert by_name["fc2"]["role"] == "output"
    assert by_name["fc2"]["value"]["text"] == "not computed yet"     # no forward yet
    assert inline_images(ex_bundle["text/html"])[0] == ex_bundle["image/svg+xml"]


def test_pictures_import_no_notebook_or_gpu_packages():
    code = ("import sys, symnb, symnb.pictures; "
            "print(sorted(m for m in ('IPython', 'ipywidgets', 'anywidget', 'matplotlib', "
            "'cupy', 'graphviz') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
