"""plot_network's digraph without Graphviz's ``dot``: symnb's SVG on display, a clear error on
render; with ``dot`` graphviz renders as usual. The DOT text itself is checked by the goldens
in test_visualization.py."""
import os
import stat

import pytest

graphviz = pytest.importorskip("graphviz")

import symnb as mx  # noqa: E402
from symnb.pictures import symbol_svg  # noqa: E402

SHAPE = {"data": (2, 3)}


def network():
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc")
    return mx.sym.Activation(net, act_type="relu", name="relu")


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def fake_dot(tmp_path, monkeypatch):
    """A `dot` that answers every request with a fixed SVG."""
    folder = tmp_path / "bin"
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\ncat >/dev/null\necho '<svg>from dot</svg>'\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ.get("PATH", ""))


def test_without_dot_the_digraph_displays_symnbs_svg(no_dot):
    net = network()
    dot = mx.viz.plot_network(net, shape=SHAPE)
    assert isinstance(dot, graphviz.Digraph)
    assert dot._repr_mimebundle_() == {"image/svg+xml": symbol_svg(net, SHAPE)}
    shown = mx.viz.plot_network(net, hide_weights=False)._repr_mimebundle_()
    assert shown["image/svg+xml"] == symbol_svg(net, hide_weights=False)
    assert ">fc_weight<" in shown["image/svg+xml"]


def test_the_dot_text_is_the_plain_digraphs(no_dot):
    dot = mx.viz.plot_network(network(), shape=SHAPE)
    plain = graphviz.Digraph(name="plot", format="pdf")
    plain.body = list(dot.body)
    assert dot.source == plain.source
    assert dot.copy()._repr_mimebundle_() == dot._repr_mimebundle_()


def test_without_dot_render_says_what_to_do_and_save_still_works(no_dot, tmp_path):
    dot = mx.viz.plot_network(network(), title="net")
    with pytest.raises(graphviz.ExecutableNotFound) as caught:
        dot.render(str(tmp_path / "net"))
    message = str(caught.value)
    assert message.startswith("Graphviz's `dot` program is not installed (or not on PATH), "
                              "so the digraph 'net' cannot be rendered.")
    assert "symnb show model-symbol.json -o net.svg" in message
    with pytest.raises(graphviz.ExecutableNotFound, match="Install Graphviz"):
        dot.pipe(format="png")
    saved = dot.save(str(tmp_path / "net.gv"))
    assert open(saved).read() == dot.source


def test_a_display_that_excludes_svg_is_not_given_one(no_dot):
    dot = mx.viz.plot_network(network())
    assert dot._repr_mimebundle_(exclude=["image/svg+xml"]) == {}
    with pytest.raises(graphviz.ExecutableNotFound):     # PNG asked for, SVG refused
        dot._repr_mimebundle_(include=["image/png"], exclude=["image/svg+xml"])
    assert list(dot._repr_mimebundle_(include=["image/png"])) == ["image/svg+xml"]


def test_with_dot_graphviz_renders_as_usual(fake_dot):
    dot = mx.viz.plot_network(network(), shape=SHAPE)
    assert dot._repr_mimebundle_() == {"image/svg+xml": "<svg>from dot</svg>\n"}
    assert dot.pipe(format="svg", encoding="utf-8") == "<svg>from dot</svg>\n"
