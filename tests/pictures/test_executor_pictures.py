"""The executor picture: the page's executor graph, forward and backward, with live values."""
from __future__ import annotations

import base64
import json
import re
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import symnb as mx
from symnb.pictures import GRAPH_MIME, executor_mimebundle, symbol_mimebundle
from symnb.pictures.doc_svg import document_svg
from symnb.pictures.executor_view import executor_document, names_in, text_width

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(SVG_NS + "text")]


def by_title(doc, section):
    return {n["title"]: n for n in doc["nodes"] if n["section"] == section}


def page_backward():
    """The page's "Calculate the gradient" example, with its variable names."""
    A, B, D = mx.sym.Variable("A"), mx.sym.Variable("B"), mx.sym.Variable("D")
    C = A * B
    E = C * D
    a = mx.nd.ones(1) * 10
    b = mx.nd.ones(1)
    d = mx.nd.ones(1) * 2
    ga = mx.nd.empty(1)
    executor = E.bind(ctx=mx.cpu(), args={"A": a, "B": b, "D": d}, args_grad={"A": ga})
    names = names_in({"A": A, "B": B, "C": C, "D": D, "E": E, "a": a, "b": b, "d": d,
                      "ga": ga})
    return executor, names, ga


def test_bound_executor_has_an_array_on_every_node():
    A, B, D = mx.sym.Variable("A"), mx.sym.Variable("B"), mx.sym.Variable("D")
    C = A * B
    E = C + D
    a, b, d = mx.nd.empty(1), mx.nd.ones(1), mx.nd.ones(1)
    ex = E.bind(ctx=mx.cpu(), args={"A": a, "B": b, "D": d})
    a[:] = 10
    names = names_in({"C": C, "E": E, "a": a, "b": b, "d": d})
    doc = executor_document(ex, names)
    json.dumps(doc)
    fwd = by_title(doc, "forward")
    assert {t: n["role"] for t, n in fwd.items()} == {
        "a": "argument", "b": "argument", "C": "internal", "d": "argument", "E": "output"}
    assert fwd["a"]["value"]["text"] == "10" and fwd["a"]["marker"]["fill"] == "#f5a623"
    assert fwd["C"]["op_text"] == "*" and fwd["E"]["op_text"] == "+"
    # nothing ran: the internal and output arrays say so instead of showing old memory
    assert fwd["C"]["value"]["state"] == fwd["E"]["value"]["state"] == "not_computed"
    assert not any(n["section"] == "backward" for n in doc["nodes"])
    assert [item["role"] for item in doc["legend"]] == ["argument", "output", "internal"]
    texts = svg_texts(document_svg(doc))
    assert "a=10" in texts and "not computed yet" in texts
    ex.forward()
    doc = executor_document(ex, names)
    assert by_title(doc, "forward")["E"]["value"]["text"] == "11"
    assert [n["text"] for n in doc["notes"]] == [
        "executor.outputs[0] = 11  // E",
        "holds 3 argument arrays, 1 internal array, 1 output array; 20 bytes"]


def test_backward_graph_values_of_the_page():
    ex, names, ga = page_backward()
    ex.forward()
    doc = executor_document(ex, names)             # tracked from here on
    bwd = by_title(doc, "backward")
    assert set(bwd) == {"d(A)", "d(B)", "d(C)", "d(D)", "d(E)"}
    assert bwd["d(A)"]["role"] == "grad_holder" and bwd["d(A)"]["array"] == "ga"
    assert bwd["d(E)"]["role"] == "head_grad" and bwd["d(E)"]["marker"]["shape"] == "circle"
    assert bwd["d(C)"]["role"] == "gradient"
    # bind only what you need: B and D get no gradient, drawn faded
    assert bwd["d(B)"]["faded"] and bwd["d(D)"]["faded"] and not bwd["d(A)"]["faded"]
    assert bwd["d(B)"]["value"]["text"] == "not requested"
    # before backward nothing is shown as a gradient value (ga holds uninitialised memory)
    assert bwd["d(A)"]["value"]["state"] == "not_computed"
    assert by_title(doc, "forward")["E"]["value"]["text"] == "20"
    ex.backward(out_grads=mx.nd.ones(1) * 2)
    doc = executor_document(ex, names)
    bwd = by_title(doc, "backward")
    assert bwd["d(A)"]["value"]["text"] == "4" and ga.asnumpy()[0] == 4
    assert bwd["d(C)"]["value"]["text"] == "4" and bwd["d(E)"]["value"]["text"] == "2"
    assert bwd["d(A)"]["formula"] == "d(A) = 1 * d(C)"
    assert bwd["d(C)"]["formula"] == "d(C) = 2 * d(E)"
    # chain-rule edges run from each gradient to the gradients it feeds
    ids = {n["id"]: n["title"] for n in doc["nodes"]}
    chain = {(ids[e["source"]], ids[e["target"]]) for e in doc["edges"] if e["kind"] == "chain"
             and not e["faded"]}
    assert chain == {("d(E)", "d(C)"), ("d(C)", "d(A)")}
    operand = {(ids[e["source"]], ids[e["target"]]) for e in doc["edges"]
               if e["kind"] == "operand"}
    assert operand == {("b", "d(A)"), ("d", "d(C)")}
    texts = svg_texts(document_svg(doc))
    for text in ["d(A)", "ga=4", "d(C)=4", "d(E)=2", "E=20", "d(C) = 2 * d(E)",
                 "argument gradient holders", "backward input nodes",
                 "d(?) gradient node of ?"]:
        assert text in texts, text


def test_executor_first_pictured_after_forward_shows_no_gradient_values():
    ex, names, _ = page_backward()
    ex.forward()
    ex._observers.clear()
    doc = executor_document(ex, names, track=False)
    assert by_title(doc, "backward")["d(A)"]["value"]["state"] == "not_computed"
    ex.backward(out_grads=mx.nd.ones(1) * 2)
    doc = executor_document(ex, names, track=False)
    assert by_title(doc, "backward")["d(A)"]["value"]["text"] == "4"


def test_add_requests_show_the_accumulation():
    A, B = mx.sym.Variable("A"), mx.sym.Variable("B")
    ga = mx.nd.zeros(1)
    ex = (A * B).bind(mx.cpu(), {"A": mx.nd.ones(1) * 3, "B": mx.nd.ones(1) * 2},
                      args_grad={"A": ga}, grad_req="add")
    executor_document(ex, {})
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones(1))
    ex.backward(mx.nd.ones(1))
    holder = by_title(executor_document(ex, names_in({"ga": ga})), "backward")["d(A)"]
    assert holder["value"]["text"] == "4" and holder["value"]["before"]["text"] == "2"
    assert holder["grad_req"] == "add"
    assert [t["text"] for t in holder["text"]][:2] == ["d(A)", "ga: 2 → 4"]


def test_group_outputs_are_each_an_output_array():
    A, B, D = mx.sym.Variable("A"), mx.sym.Variable("B"), mx.sym.Variable("D")
    C = A * B
    E = C + D
    ex = mx.sym.Group([E, C]).bind(mx.cpu(), {"A": mx.nd.ones(1) * 10, "B": mx.nd.ones(1),
                                              "D": mx.nd.ones(1)})
    ex.forward()
    doc = executor_document(ex, names_in({"C": C, "E": E}))
    fwd = by_title(doc, "forward")
    assert fwd["C"]["role"] == fwd["E"]["role"] == "output"
    assert [n["text"] for n in doc["notes"]][:2] == ["executor.outputs[0] = 11  // E",
                                                     "executor.outputs[1] = 10  // C"]


def test_simple_bind_shows_what_it_allocated():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data=data, num_hidden=128, name="fc1")
    act1 = mx.sym.Activation(fc1, act_type="relu")
    ex = act1.simple_bind(ctx=mx.cpu(), data=(100, 768), grad_req="write")
    doc = executor_document(ex, {})
    fwd, bwd = by_title(doc, "forward"), by_title(doc, "backward")
    weight = fwd["fc1_weight"]["value"]
    assert weight["state"] == "summary" and weight["text"] == "128×768 float32"
    assert weight["thumbnail"]["kind"] == "heatmap" and fwd["fc1_bias"]["value"][
        "thumbnail"]["kind"] == "histogram"
    assert {t for t, n in bwd.items() if n["role"] == "grad_holder"} == {
        "d(data)", "d(fc1_weight)", "d(fc1_bias)"}
    assert bwd["d(activation0_output)"]["role"] == "head_grad"
    assert fwd["fc1_output"]["op_text"] == "op=FullyConnected"
    # what simple_bind allocated, counted
    assert doc["notes"][-1]["text"].startswith(
        "holds 3 argument arrays, 3 gradient holders, 1 internal array, 1 output array; ")
    # the page's data -> d(fc1_weight) edge: the weight gradient is computed from the data
    ids = {n["id"]: n["title"] for n in doc["nodes"]}
    assert ("data", "d(fc1_weight)") in {(ids[e["source"]], ids[e["target"]])
                                         for e in doc["edges"] if e["kind"] == "operand"}


def test_aux_states_show_before_and_after_the_last_step():
    bn = mx.sym.BatchNorm(mx.sym.Variable("data"), name="bn", fix_gamma=False)
    ex = bn.simple_bind(mx.cpu(), data=(4, 2))
    ex.arg_dict["data"][:] = mx.nd.array([[1, 2], [2, 4], [3, 6], [4, 8]])
    ex.arg_dict["bn_gamma"][:] = 1
    doc = executor_document(ex, {})
    assert by_title(doc, "forward")["bn_moving_mean"]["role"] == "aux"
    ex.forward(is_train=True)
    ex.backward(mx.nd.array([[1, 0], [0, 1], [0, 0], [1, 1]]))
    doc = executor_document(ex, {})
    fwd = by_title(doc, "forward")
    mean = fwd["bn_moving_mean"]
    assert mean["value"]["before"]["text"] == "[0, 0]" and mean["value"]["text"] == "[0.25, 0.5]"
    assert mean["marker"]["fill"] == "#2e7d32"
    assert "[0, 0] → [0.25, 0.5]" in [t["text"] for t in mean["text"]]
    # attached to the operator that updates them, on its right; no gradient node
    op = fwd["bn_output"]
    assert op["aux_attached"] and mean["x"] > op["x"] and abs(mean["y"] - op["y"]) < 40
    assert "d(bn_moving_mean)" not in by_title(doc, "backward")
    assert "auxiliary state arrays" in [item["text"] for item in doc["legend"]]


def test_garbage_and_nan_buffers_print_no_numpy_warnings():
    a = mx.nd.array([np.nan, np.inf, -np.inf, 1e30, 3e37, 0, 1, 2, 3])
    ex = (mx.sym.var("a") * 10).bind(mx.cpu(), {"a": a})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.forward()
        bundle = executor_mimebundle(ex, names={})
    value = by_title(bundle[GRAPH_MIME], "forward")["a"]["value"]
    assert value["nan"] == 1 and value["inf"] == 2 and value["max"] == pytest.approx(3e37, rel=1e-6)


def test_inference_only_executor_marks_reused_memory():
    x = mx.sym.var("x")
    ex = (((x * 2) + 1) * 3).bind(mx.cpu(), {"x": mx.nd.ones(2)})
    ex.forward()
    states = [n["value"]["state"] for n in executor_document(ex, {})["nodes"]
              if n["role"] == "internal"]
    assert "reused" in states          # liveness shared a buffer: its old value is gone
    assert executor_document(ex, {})["nodes"][-1]["value"]["text"] == "[9, 9]"


def test_bundle_carries_svg_and_sanitizer_proof_html():
    ex, names, _ = page_backward()
    ex.forward()
    ex.backward(out_grads=mx.nd.ones(1) * 2)
    bundle = executor_mimebundle(ex, names=names)
    assert set(bundle) == {"text/plain", "image/svg+xml", "text/html", GRAPH_MIME}
    html = bundle["text/html"]
    assert "<svg" not in html                      # JupyterLab strips inline SVG if untrusted
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert base64.b64decode(images[0]).decode() == bundle["image/svg+xml"]
    assert "ga=4" in svg_texts(bundle["image/svg+xml"])
    assert "array statistics" in html and ">Gradients<" in html     # the tables, folded
    assert 'class="symnb-picture"' in bundle["image/svg+xml"]       # not .symnb-graph


def test_svg_is_written_from_the_document_only():
    ex, names, _ = page_backward()
    doc = executor_document(ex, names)
    drawn = svg_texts(document_svg(doc))
    expected = [t["text"] for n in doc["nodes"] for t in n["text"]]
    expected += [item["text"] for item in doc["legend"]] + [t["text"] for t in doc["notes"]]
    assert sorted(drawn) == sorted(expected + [s["title"] for s in doc["sections"]
                                               if s["title"]])
    doc["nodes"][0]["text"][0]["text"] = "changed in the document"
    assert "changed in the document" in svg_texts(document_svg(doc))


def test_labels_stay_inside_the_picture():
    ex, names, _ = page_backward()
    ex.forward()
    ex.backward(out_grads=mx.nd.ones(1) * 2)
    for doc in (executor_document(ex, names),
                executor_document(mx.sym.BatchNorm(mx.sym.var("data"), name="bn")
                                  .simple_bind(mx.cpu(), data=(4, 2)), {})):
        for n in doc["nodes"]:
            for t in n["text"]:
                w = text_width(t["text"], t["size"], True)
                left = t["x"] - w if t["anchor"] == "end" else t["x"]
                assert left >= 0 and left + w <= doc["width"], (t, doc["width"])
        for t in doc["notes"]:             # monospace: 0.6 em per character
            assert t["x"] + 0.6 * 11.5 * len(t["text"]) <= doc["width"], t


def test_names_are_escaped_in_the_picture():
    evil = "<b onmouseover=x>"
    ex = (mx.sym.var(evil) * 2).bind(mx.cpu(), {evil: mx.nd.ones(1)})
    svg = document_svg(executor_document(ex, {}))
    assert "<b onmouseover" not in svg and "&lt;b onmouseover=x&gt;=1" in svg
    ET.fromstring(svg)


def test_symbol_pictures_with_unknown_shapes_under_np_shape():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc")
    with mx.np_shape(True):
        doc = symbol_mimebundle(net)[GRAPH_MIME]
        known = symbol_mimebundle(net, shape={"data": (2, 4)})[GRAPH_MIME]
    assert doc["totals"]["params"] is None and doc["edges"][0]["shape"] is None
    assert known["totals"]["params"] == 15 and known["edges"][0]["label"] == "2×4"


def test_device_buffers_are_copied_to_the_host():
    from symnb.pictures.executor_view import value_view

    class DeviceArray:                 # what CuPy offers: no implicit conversion, .get()
        def __array__(self, *args, **kwargs):
            raise TypeError("Implicit conversion to a NumPy array is not allowed")

        def get(self):
            return np.array([1.0, 2.0], np.float32)

    assert value_view(DeviceArray())["text"] == "[1, 2]"


def test_big_aux_states_show_the_change_of_their_summary():
    bn = mx.sym.BatchNorm(mx.sym.Variable("data"), name="bn", fix_gamma=False)
    ex = bn.simple_bind(mx.cpu(), data=(4, 100))
    ex.arg_dict["data"][:] = mx.nd.array(np.tile(np.arange(4.0)[:, None], (1, 100)))
    ex.arg_dict["bn_gamma"][:] = 1
    executor_document(ex, {})
    ex.forward(is_train=True)
    ex.backward(mx.nd.array(np.eye(4, 100)))
    mean = by_title(executor_document(ex, {}), "forward")["bn_moving_mean"]
    assert mean["value"]["state"] == "summary"
    assert mean["value"]["before"]["mean"] == 0 and mean["value"]["mean"] == pytest.approx(0.15)
    assert "mean 0 → 0.15" in [t["text"] for t in mean["text"]]
