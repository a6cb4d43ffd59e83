"""``mx.viz``: MXNet 1.9.1's ``plot_network`` and ``print_summary``, output for output.

Both functions read the symbol's JSON, exactly as MXNet does, and reproduce its text byte for
byte (spec viz.md; golden files in ``../shared/spec/files``). That compatibility is the whole
point of this module, so it keeps MXNet's rules that the rest of symnb avoids: colours and
labels chosen by op name, and weights hidden by *name suffix*. The pictures of
:mod:`symnb.pictures` take roles from the operator declarations instead.

``graphviz`` is imported inside :func:`plot_network` only, so ``import symnb`` stays light.
"""
from __future__ import annotations

import functools
import json
import re
import warnings

__all__ = ["plot_network", "print_summary"]

# MXNet's colour map (Set3); index 0 is for variables (spec viz.md 1.2)
_VARIABLE_COLOR = "#8dd3c7"
_DEFAULT_COLOR = "#fccde5"
_NODE_DEFAULTS = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
                  "style": "filled"}
_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                    "_running_var", "_running_mean")


def _digits(text: str) -> str:
    """MXNet's kernel/stride text: every digit run joined by ``x`` ('(5, 5)' -> '5x5')."""
    return "x".join(re.findall(r"\d+", text))


def _conv_label(node):
    attrs = node["attrs"]
    stride = _digits(attrs["stride"]) if "stride" in attrs else "1"
    return "Convolution\n%s/%s, %s" % (_digits(attrs["kernel"]), stride, attrs["num_filter"])


def _pool_label(node):
    attrs = node["attrs"]
    # MXNet indexes pool_type directly: a Pooling without the attr raises KeyError (spec 1.2)
    kernel = _digits(attrs["kernel"]) if "kernel" in attrs else "[]"
    stride = _digits(attrs["stride"]) if "stride" in attrs else "1"
    return "Pooling\n%s, %s/%s" % (attrs["pool_type"], kernel, stride)


def _leaky_label(node):
    return "LeakyReLU\n%s" % node.get("attrs", {}).get("act_type", "Leaky")


def _name_label(node):
    return node["name"]


# op name -> (label rule, fill colour); every other op: its name on MXNet's last colour.
_OP_STYLE = {
    "Convolution": (_conv_label, "#fb8072"),
    "FullyConnected": (lambda n: "FullyConnected\n%s" % n["attrs"]["num_hidden"], "#fb8072"),
    "BatchNorm": (_name_label, "#bebada"),
    "Activation": (lambda n: "Activation\n%s" % n["attrs"]["act_type"], "#ffffb3"),
    "LeakyReLU": (_leaky_label, "#ffffb3"),
    "Pooling": (_pool_label, "#80b1d3"),
    "Concat": (_name_label, "#fdb462"),
    "Flatten": (_name_label, "#fdb462"),
    "Reshape": (_name_label, "#fdb462"),
    "Softmax": (_name_label, "#b3de69"),
    "Custom": (lambda n: n["attrs"]["op_type"], _DEFAULT_COLOR),
}


# what graphviz's quote() passes through unquoted as an HTML-like label ("$" also matches
# before a final newline, exactly as there)
_HTML_LIKE = re.compile(r"<.*>$", re.DOTALL)


def _dot_text(text: str, graphviz) -> str:
    """A name or label as graphviz should quote it. Ordinary text is passed as it is, so the
    DOT stays MXNet's byte for byte; text that graphviz would write raw as an HTML-like
    ``<...>`` label, or whose backslashes would act as DOT escapes (a trailing one breaks the
    quoting), is marked literal: quoted, with backslashes doubled."""
    if "\\" in text or _HTML_LIKE.match(text):
        return graphviz.escape(text)
    return text


def _looks_like_weight(name: str) -> bool:
    return name.endswith(_WEIGHT_SUFFIXES)


def _check_symbol(symbol, message):
    from .symbol import Symbol
    if not isinstance(symbol, Symbol):
        raise TypeError(message)


def _internal_values(symbol, given, kind):
    """``{output name: value}`` of every internal output, or None when inference is
    incomplete (MXNet warns, then the caller raises)."""
    internals = symbol.get_internals()
    if kind == "shape":
        _, outs, _ = internals.infer_shape(**given)
    else:
        _, outs, _ = internals.infer_type(**given)
    if outs is None:
        return None
    # keyed by the names as json.loads reads them back from tojson(), as the callers look
    # them up (the same text, except that a surrogate pair written as two lone surrogates
    # reads back as one character)
    names = [json.loads(json.dumps(n)) for n in internals.list_outputs()]
    return dict(zip(names, outs, strict=True))


def _output_key(node):
    """The internals key MXNet looks up for an edge leaving ``node`` (spec viz.md 1.3):
    always the *last* output of a multi-output node."""
    if node["op"] == "null":
        return node["name"]
    key = node["name"] + "_output"
    if "num_outputs" in node.get("attrs", {}):
        key += str(int(node["attrs"]["num_outputs"]) - 1)
    return key


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None,
                 node_attrs={}, hide_weights=True):  # noqa: B006 -- MXNet's signature
    r"""Draw a symbol as a ``graphviz.Digraph`` (MXNet's DOT text, spec viz.md section 1).

    Parameters
    ----------
    symbol : Symbol
    title : str
        Graph name (also the default file name, ``title + '.gv'``).
    save_format : str
        Graphviz output format used when the digraph is rendered.
    shape, dtype : dict, optional
        Input shapes / dtypes; edges are then labelled with the producer's output shape
        (batch dimension dropped) and type.
    node_attrs : dict
        Graphviz attributes added to every node.
    hide_weights : bool
        Omit the edges to weight-like variables (names ending in ``_weight``, ``_bias``, ...).

    Returns
    -------
    graphviz.Digraph
        Without Graphviz's ``dot`` program it displays as symnb's own SVG of the network;
        ``render`` then raises ``graphviz.ExecutableNotFound`` saying what to do.

    Examples
    --------
    >>> import symnb as mx
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> dot = mx.viz.plot_network(net, shape={'data': (2, 3)})
    >>> dot.body[-1]
    '\tfc -> data [label=3 arrowtail=open dir=back]\n'
    """
    try:
        import graphviz
        from graphviz import Digraph
        from graphviz.quoting import attr_list, quote
    except ImportError as e:
        raise ImportError("Draw network requires graphviz library") from e
    _check_symbol(symbol, "symbol must be a Symbol")
    shape_dict = type_dict = None
    if shape is not None:
        shape_dict = _internal_values(symbol, shape, "shape")
        if shape_dict is None:
            raise ValueError("Input shape is incomplete")
    if dtype is not None:
        type_dict = _internal_values(symbol, dtype, "type")
        if type_dict is None:
            raise ValueError("Input type is incomplete")

    nodes = json.loads(symbol.tojson())["nodes"]
    names = [node["name"] for node in nodes]
    repeated = sorted({n for n in names if names.count(n) > 1}) if len(set(names)) < len(
        names) else []
    if repeated:
        warnings.warn("There are multiple variables with the same name in your graph, this may "
                      "result in cyclic graph. Repeated names: " + ",".join(repeated),
                      RuntimeWarning)

    dot = _network_digraph(Digraph)(name=_dot_text(title, graphviz), format=save_format)
    dot._symnb_picture = functools.partial(_picture, symbol, dict(shape or {}),
                                           dict(dtype) if dtype else None, hide_weights)
    # hidden by *name*, as MXNet does: a visible node sharing a hidden name loses its edges too
    hidden = set()
    for node in nodes:
        attrs = dict(_NODE_DEFAULTS)
        attrs.update(node_attrs)
        if node["op"] == "null":
            if _looks_like_weight(node["name"]):
                # never a node statement; with hide_weights=False its edges still appear and
                # Graphviz draws a plain ellipse (spec viz.md 1.2)
                if hide_weights:
                    hidden.add(node["name"])
                continue
            attrs["shape"] = "oval"
            label, attrs["fillcolor"] = node["name"], _VARIABLE_COLOR
        else:
            rule, attrs["fillcolor"] = _OP_STYLE.get(node["op"], (_name_label, _DEFAULT_COLOR))
            label = rule(node)
        dot.node(name=_dot_text(node["name"], graphviz), label=_dot_text(label, graphviz),
                 **attrs)

    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"]
        if node["op"] == "_contrib_BilinearResize2D":
            inputs = inputs[:1]       # MXNet draws only its data input
        for item in inputs:
            source = nodes[item[0]]
            if source["name"] in hidden:
                continue
            label = ""
            if shape_dict is not None:
                label = "x".join(str(d) for d in shape_dict[_output_key(source)][1:])
            if type_dict is not None:
                label += "(%s)" % type_dict[_output_key(source)].__name__
            # graphviz's edge() reads "fc:1" as node fc, port 1: each name is quoted whole,
            # as node() quotes it, in the line edge() would write
            tail, head = (quote(_dot_text(n["name"], graphviz)) for n in (node, source))
            attrs = attr_list(_dot_text(label, graphviz),
                              kwargs={"dir": "back", "arrowtail": "open"})
            dot.body.append("\t%s -> %s%s\n" % (tail, head, attrs))
    return dot


def print_summary(symbol, shape=None, line_length=120,
                  positions=[.44, .64, .74, 1.]):  # noqa: B006 -- MXNet's signature
    """Print MXNet's layer table: name(op), output shape, parameter count, previous layers.

    The counts follow MXNet's own rules and quirks (spec viz.md section 2): only node 0 of the
    variables is printed, a layer's input width is read from dimension 1 of its previous
    layers' outputs, and BatchNorm counts gamma and beta only.

    Parameters
    ----------
    symbol : Symbol
    shape : dict, optional
        Input shapes; without them the Output Shape column is empty.
    line_length : int
    positions : list
        Right edges of the four columns, as fractions of ``line_length`` when the last one is
        ``<= 1``, else as absolute columns.

    Examples
    --------
    >>> import symnb as mx
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> mx.viz.print_summary(net, shape={'data': (2, 3)}, line_length=80)
    ________________________________________________________________________________
    Layer (type)                       Output Shape    Param # Previous Layer
    ================================================================================
    data(null)                         3               0
    ________________________________________________________________________________
    fc(FullyConnected)                 4               16      data
    ================================================================================
    Total params: 16
    ________________________________________________________________________________
    """
    _check_symbol(symbol, "symbol must be Symbol")
    shape_dict = None
    if shape is not None:
        shape_dict = _internal_values(symbol, shape, "shape")
        if shape_dict is None:
            raise ValueError("Input shape is incomplete")
    conf = json.loads(symbol.tojson())
    nodes = conf["nodes"]
    # MXNet's quirk (spec 2.3): the set of the three integers of the FIRST head entry
    heads = set(conf["heads"][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ""
        for field, stop in zip(fields, positions, strict=False):
            line = (line + str(field))[:stop]
            line += " " * (stop - len(line))
        print(line)

    def out_shape(node):
        key = node["name"] if node["op"] == "null" else node["name"] + "_output"
        if shape_dict is None or key not in shape_dict:
            return None
        return shape_dict[key][1:]

    print("_" * line_length)
    row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"])
    print("=" * line_length)
    total = 0
    for index, node in enumerate(nodes):
        if node["op"] == "null" and index > 0:
            continue
        previous, width = [], 0
        if node["op"] != "null":
            for item in node["inputs"]:
                source = nodes[item[0]]
                if source["op"] != "null" or item[0] in heads:
                    previous.append(source["name"])
                    source_shape = out_shape(source)
                    if source_shape is not None:
                        width += int(source_shape[0])
        params = _summary_params(node, width, shape_dict)
        total += params
        shown = out_shape(node) if (node["op"] != "null" or index in heads) else None
        row([node["name"] + "(" + node["op"] + ")", "x".join(str(d) for d in shown or ()),
             params, previous[0] if previous else ""])
        for name in previous[1:]:
            row(["", "", "", name])
        print(("=" if index == len(nodes) - 1 else "_") * line_length)
    print("Total params: %d" % total)
    print("_" * line_length)


def _summary_params(node, width, shape_dict):
    """MXNet's parameter count of one row (spec viz.md 2.5); ``width`` is the summed
    dimension 1 of the listed previous layers."""
    op, attrs = node["op"], node.get("attrs", {})
    no_bias = attrs.get("no_bias") == "True"
    if op == "Convolution":
        count = width * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        for k in re.findall(r"\d+", attrs["kernel"]):
            count *= int(k)
        return count if no_bias else count + int(attrs["num_filter"])
    if op == "FullyConnected":
        return (width + (0 if no_bias else 1)) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        return 2 * int(shape_dict[node["name"] + "_output"][1]) if shape_dict is not None else 0
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


# -- display without Graphviz's `dot` program ------------------------------------------------
# The digraph's DOT text is MXNet's; only how it is shown changes: with `dot` installed graphviz
# renders it as usual, without it Jupyter shows symnb's own picture of the same symbol instead
# of a traceback (the most common complaint about graph tools in notebooks), and rendering to
# a file raises graphviz's own exception with a message that says what to do.

_DOT_MISSING = (
    "Graphviz's `dot` program is not installed (or not on PATH), so the digraph %r cannot be "
    "rendered. Install Graphviz (apt-get install graphviz, brew install graphviz or conda "
    "install graphviz), or draw the network without it: symnb.pictures.symbol_svg(symbol), "
    "or `symnb show model-symbol.json -o net.svg` on the command line. `.source` holds the "
    "DOT text and `.save()` writes it without Graphviz.")


def _picture(symbol, shape, dtype, hide_weights) -> str:
    from .pictures import symbol_svg
    return symbol_svg(symbol, shape, dtype=dtype, hide_weights=hide_weights)


@functools.cache
def _network_digraph(digraph):
    """``digraph`` (graphviz.Digraph) displaying symnb's SVG when ``dot`` is missing."""
    from graphviz import ExecutableNotFound

    class DotNotFound(ExecutableNotFound):
        def __init__(self, name):
            RuntimeError.__init__(self, _DOT_MISSING % name)

    def explained(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except DotNotFound:
                raise
            except ExecutableNotFound as e:
                raise DotNotFound(self.name) from e
        return call

    class NetworkDigraph(digraph):
        _symnb_picture = None       # () -> SVG of the plotted symbol; set by plot_network

        pipe = explained(digraph.pipe)
        render = explained(digraph.render)
        view = explained(digraph.view)
        unflatten = explained(digraph.unflatten)

        def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
            try:
                return super()._repr_mimebundle_(include, exclude, **kwargs)
            except ExecutableNotFound:
                if self._symnb_picture is None or "image/svg+xml" in (exclude or ()):
                    raise
                return {"image/svg+xml": self._symnb_picture()}

        def copy(self):
            duplicate = super().copy()
            duplicate._symnb_picture = self._symnb_picture
            return duplicate

    # what plot_network returns reads as graphviz's class (MXNet returns a plain Digraph)
    NetworkDigraph.__name__ = NetworkDigraph.__qualname__ = digraph.__name__
    return NetworkDigraph
