"""Fuzz: names and attribute values full of markup, quotes, backslashes, control characters
and lone surrogates, through every writer: ``tojson`` (strict JSON that reads back the same),
``Symbol.save``/``load``, the SVG picture and the executor panel (both parse as XML), and
``plot_network`` (DOT whose node IDs and labels read back as the names, with no HTML-like
strings and no ports)."""
from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

import symnb as mx

from ._corpus import nasty_text
from ._dot import label_text, parse_dot
from ._sandbox import Outcomes, ci_examples, example_alarm, report, run_capped

graphviz = pytest.importorskip("graphviz")
OUTCOMES = Outcomes()


def _xml_safe(text):
    """What the SVG shows for ``text``: the markup module's replacements, then XML's own
    line-end normalisation (a parser reads ``\r`` and ``\r\n`` as ``\n``)."""
    from symnb.pictures._markup import _NOT_XML, _xml_char
    return _NOT_XML.sub(_xml_char, text).replace("\r\n", "\n").replace("\r", "\n")


@st.composite
def named_nets(draw):
    # a NUL ends a name (MXNet's C strings); other characters are kept. Names are distinct
    # (a repeated name is one DOT node, as MXNet warns)
    name = st.one_of(nasty_text, st.sampled_from(["<b>x</b>", "a\\", "fc:1", "node", "\\n",
                                                  'x" [URL="javascript:alert(1)"] y',
                                                  "\ud800\udfff", "<i>\n"]))
    data, first, second = ((draw(name).split("\x00")[0] or "n") + "%d" % i for i in range(3))
    x = mx.sym.var(data, attr={draw(nasty_text) or "k": draw(nasty_text)})
    fc = mx.sym.FullyConnected(x, num_hidden=2, name=first)
    out = mx.sym.Activation(fc, act_type="relu", name=second)
    return out, data


@ci_examples(20)
@given(named_nets())
def _names_property(case):
    from symnb.pictures import symbol_svg
    from symnb.pictures.html import executor_html
    example_alarm()
    net, data = case
    OUTCOMES["inputs"] += 1
    what = "names %r" % net.list_arguments()
    text = net.tojson()
    doc = json.loads(text)                                   # strict JSON
    # (two lone surrogates that form a pair are one character to any JSON reader)
    assert doc["nodes"][0]["name"] == json.loads(json.dumps(data)), what
    assert mx.sym.load_json(text).tojson() == text, what
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "net.json")
        net.save(path)                                       # lone surrogates included
        assert mx.sym.load(path).tojson() == text, what
    svg = symbol_svg(net, {data: (1, 3)})
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter()]
    assert _xml_safe(data) in texts, what
    panel = executor_html(net.simple_bind(mx.cpu(), **{data: (1, 3)}))
    ET.fromstring("<div>%s</div>" % panel.replace("&nbsp;", "\u00a0"))
    _, nodes, edges = parse_dot(mx.viz.plot_network(net, shape={data: (1, 3)}).source)
    shown = {label_text(attrs.get("label", "")) for attrs in nodes.values()}
    assert json.loads(json.dumps(data)) in shown, "%s: DOT labels %r" % (what, shown)
    assert len(edges) == 2 and all(t in nodes and h in nodes for t, h, _ in edges), what
    OUTCOMES["accepted, every output well-formed"] += 1


def _family():
    _names_property()
    return dict(OUTCOMES)


def test_any_name_gives_wellformed_outputs():
    outcomes = run_capped(_family)
    report("names", outcomes)
    assert outcomes["inputs"] > 0
    assert outcomes["accepted, every output well-formed"] == outcomes["inputs"]
