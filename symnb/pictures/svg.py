"""A :class:`~symnb.pictures.graph_view.GraphView` as a standalone SVG string.

No JavaScript, no fonts to load, no system binary: rounded boxes coloured by operator family,
curved arrows along the layered layout, shapes on the edges and a totals line. Hovering a box
shows its ``<title>`` tooltip. Every piece of text goes through :mod:`._markup`.

>>> import symnb as mx
>>> svg = symbol_svg(mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='r'))
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'relu' in svg
True
"""
from __future__ import annotations

from dataclasses import dataclass

from ._markup import Markup, join, tag
from .graph_view import GraphView, graph_view, shape_text
from .layout import Layout, layered_layout

__all__ = ["render_svg", "symbol_svg", "place", "family_colors", "FONT"]

FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

# family -> (fill, stroke); families not listed get a stable colour from _SPARE
_FAMILY_COLORS = {
    "dense": ("#fcdcd5", "#d9634c"),
    "conv": ("#f9d0c8", "#c0503a"),
    "convolution": ("#f9d0c8", "#c0503a"),
    "activation": ("#fff5c7", "#c9a227"),
    "norm": ("#e5e0f6", "#8576c4"),
    "pool": ("#d6e7f6", "#4f8cc2"),
    "pooling": ("#d6e7f6", "#4f8cc2"),
    "shape": ("#fde4c4", "#dd8a2a"),
    "elementwise": ("#eceff3", "#8793a1"),
    "broadcast": ("#e8ecf1", "#7d8a99"),
    "scalar": ("#f0f2f4", "#9aa5b1"),
    "reduce": ("#e4efda", "#7a9a5c"),
    "loss": ("#dff0cf", "#5f9e45"),
    "embedding": ("#f7dbea", "#c25d94"),
    "other": ("#f4e2f0", "#ad74a2"),
    "variable": ("#dff3ef", "#2a9d8f"),
    "output": ("#ffffff", "#3d4752"),
    "group": ("#f7f7f7", "#6b7280"),
}
_SPARE = (("#e0f0f9", "#3b8bb5"), ("#f0e6da", "#a37b4c"), ("#e6f4e9", "#4c9a61"),
          ("#f6e0e0", "#b5565a"), ("#ece3f4", "#7e5ea8"), ("#f4f0d9", "#9c8b2e"))
_PARAM_ROLES = ("weight", "bias", "aux", "label")   # visible only with hide_weights=False

_PAD_X, _PAD_Y = 12.0, 7.0
_MIN_WIDTH = 64.0
_LINE = {"title": (12.5, 16.0), "body": (11.0, 14.0), "caption": (10.0, 13.0)}


def family_colors(family: str) -> tuple[str, str]:
    """``(fill, stroke)`` of a family; unknown families get a colour fixed by their name.

    >>> family_colors('dense')
    ('#fcdcd5', '#d9634c')
    >>> family_colors('brand_new') == family_colors('brand_new')
    True
    """
    if family in _FAMILY_COLORS:
        return _FAMILY_COLORS[family]
    return _SPARE[sum(map(ord, family)) % len(_SPARE)]


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A font-free width estimate with DejaVu Sans proportions (the widest common sans, the
    fallback of headless Linux), so text fits whatever font the viewer picks."""
    units = 0.0
    for ch in text:
        if ch in "il.,:;|!'`":
            units += 0.3
        elif ch in " ftjr()[]-":
            units += 0.4
        elif ch in "mwMW@%":
            units += 0.95
        elif ch.isupper() or ch in "×_#&":
            units += 0.72
        else:
            units += 0.62
    return units * size * (1.1 if bold else 1.0)


def _count(n: int | None) -> str:
    """Compact counts: 980, 12.3k, 4.5M, 1.2G."""
    if n is None:
        return "?"
    for limit, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= limit:
            return ("%.1f" % (n / limit)).rstrip("0").rstrip(".") + suffix
    return str(n)


@dataclass(frozen=True, slots=True)
class _Box:
    lines: tuple[tuple[str, str], ...]      # (style, text); style in _LINE
    width: float
    height: float
    tooltip: str


def _box(node) -> _Box:
    if node.role == "op":
        parts = node.label.split("\n")
        lines = [("title", parts[0])] + [("body", p) for p in parts[1:]]
        caption = node.name if node.name != parts[0] else ""
        if node.params:
            caption += (" · " if caption else "") + "%s params" % _count(node.params)
        if caption:
            lines.append(("caption", caption))
        tip = ["%s (%s)" % (node.name, node.op or "group")]
        if node.members:
            tip.append(", ".join(node.members))
        if node.params is not None:
            tip.append("params: %d" % node.params)
        if node.aux:
            tip.append("aux states: %d" % node.aux)
        if node.flops is not None:
            tip.append("FLOPs: ~%s" % _count(node.flops))
    else:
        shape = shape_text(node.shape)
        caption = shape or ("output" if node.role == "output" else node.role)
        lines = [("title", node.name), ("caption", caption)]
        tip = ["%s (%s)" % (node.name, node.role)] + (["shape: " + shape] if shape else [])
    tip += ["%s = %s" % item for item in node.attrs]
    width = max(_text_width(text, _LINE[style][0], style == "title") for style, text in lines)
    height = sum(_LINE[style][1] for style, _ in lines)
    return _Box(tuple(lines), max(_MIN_WIDTH, width + 2 * _PAD_X), height + 2 * _PAD_Y,
                "\n".join(tip))


def place(view: GraphView) -> tuple[list[_Box], Layout]:
    """Measure every box and lay the graph out (shared by the SVG and the graph JSON)."""
    boxes = [_box(node) for node in view.nodes]
    layout = layered_layout([(b.width, b.height) for b in boxes],
                            [(e.source, e.target) for e in view.edges])
    return boxes, layout


def _curve(points) -> str:
    """A path through the route points with vertical tangents at every point."""
    (x0, y0), rest = points[0], points[1:]
    d = ["M%.1f,%.1f" % (x0, y0)]
    for x1, y1 in rest:
        mid = (y1 - y0) / 2
        d.append("C%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (x0, y0 + mid, x1, y1 - mid, x1, y1))
        x0, y0 = x1, y1
    return " ".join(d)


def _arrow(points, color) -> Markup:
    y0, (x1, y1) = points[-2][1], points[-1]
    down = 1.0 if y1 >= y0 else -1.0
    tip_y, base_y = y1, y1 - 7 * down
    return tag("polygon", {"points": "%.1f,%.1f %.1f,%.1f %.1f,%.1f" % (
        x1, tip_y, x1 - 4, base_y, x1 + 4, base_y), "fill": color})


def _edge_text(edge, show_label: bool) -> str:
    text = edge.label if show_label else ""
    if edge.bad:
        text = (text + " · " if text else "") + edge.note
    return text


def _label_anchor(route) -> tuple[float, float]:
    """Edge text starts just right of the middle of the edge's first segment."""
    (x0, y0), (x1, y1) = route[0], route[1]
    return (x0 + x1) / 2 + 6, (y0 + y1) / 2 + 4


def _edge(edge, route, show_label: bool = True) -> Markup:
    if len(route) < 2:
        return Markup("")
    color, width = ("#d62728", 2.2) if edge.bad else ("#8b95a1", 1.2)
    # stop the line at the arrow's base so the arrowhead keeps its point
    yb, (xe, ye) = route[-2][1], route[-1]
    shortened = list(route[:-1]) + [(xe, ye - (6 if ye >= yb else -6))]
    pieces = [tag("path", {"d": _curve(shortened), "fill": "none", "stroke": color,
                           "stroke_width": width,
                           "stroke_dasharray": "5 3" if edge.bad else None}),
              _arrow(route, color)]
    text = _edge_text(edge, show_label)
    if text:
        x, y = _label_anchor(route)
        pieces.append(tag("text", {
            "x": x, "y": y,
            "font_size": 10.5 if edge.bad else 10, "fill": color if edge.bad else "#5b6570",
            "font_weight": "bold" if edge.bad else None, "stroke": "#ffffff",
            "stroke_width": 3, "paint_order": "stroke"}, text))
    title = [tag("title", {}, edge.note)] if edge.bad else []
    return tag("g", {"class": "edge bad" if edge.bad else "edge"}, *title, *pieces)


def _node(node, box: _Box, cx: float, cy: float) -> Markup:
    fill, stroke = family_colors(node.family)
    text_color, stroke_width, dash = "#1f2933", 1.2, None
    radius = 6.0
    if node.role == "op" and node.family == "group":
        dash = "4 2"
    elif node.role != "op":
        radius = box.height / 2
        if node.role == "output":
            stroke_width = 1.8
        elif node.role in _PARAM_ROLES:
            fill, stroke, text_color = "#f5f6f7", "#b8c0c8", "#66717d"
    left, top = cx - box.width / 2, cy - box.height / 2
    pieces = [tag("title", {}, box.tooltip),
              tag("rect", {"x": left, "y": top, "width": box.width, "height": box.height,
                           "rx": radius, "fill": fill, "stroke": stroke,
                           "stroke_width": stroke_width, "stroke_dasharray": dash})]
    y = top + _PAD_Y
    for style, text in box.lines:
        size, line_height = _LINE[style]
        y += line_height
        pieces.append(tag("text", {
            "x": cx, "y": y - (line_height - size) / 2 - 1.5, "text_anchor": "middle",
            "font_size": size, "font_weight": "600" if style == "title" else None,
            "fill": "#6b7580" if style == "caption" else text_color}, text))
    return tag("g", {"class": "node " + node.role, "data_name": node.name}, *pieces)


def _totals(view: GraphView) -> str:
    """The totals line: operators, parameters, aux states, FLOPs, folded variables."""
    parts = ["%d nodes" % sum(1 for n in view.nodes if n.role == "op")]
    if view.total_params is not None:
        parts.append("%s params" % format(view.total_params, ","))
    else:
        parts.append("params unknown (give input shapes)")
    if view.total_aux:
        parts.append("%s aux" % format(view.total_aux, ","))
    if view.total_flops:
        parts.append("≈%s FLOPs" % _count(view.total_flops))
    if view.hidden:
        parts.append("%d weights/labels folded" % view.hidden)
    return " · ".join(parts)


def render_svg(view: GraphView, layout: tuple[list[_Box], Layout] | None = None) -> str:
    """Draw a view as standalone SVG text.

    Examples
    --------
    >>> import symnb as mx
    >>> from symnb.pictures import graph_view
    >>> svg = render_svg(graph_view(mx.sym.var('<b>') * 2))
    >>> '&lt;b&gt;' in svg and '<b>' not in svg
    True
    """
    boxes, lay = layout if layout is not None else place(view)
    # edges leaving one node with the same text (one output used twice) share one label
    labelled, graph, right = set(), [], lay.width
    for e, route in zip(view.edges, lay.routes, strict=True):
        key = (e.source, e.label)
        show = e.bad or key not in labelled
        labelled.add(key)
        graph.append(_edge(e, route, show_label=show))
        text = _edge_text(e, show) if len(route) > 1 else ""
        if text:   # long edge texts (conflict notes) widen the picture
            right = max(right, _label_anchor(route)[0] + _text_width(text, 10.5, e.bad) + 12)
    graph += [_node(n, b, x, y) for n, b, x, y in zip(view.nodes, boxes, lay.x, lay.y,
                                                       strict=True)]
    footer, footer_width, footer_height = _footer_markup(view, lay.height + 8)
    width, height = max(right, footer_width), lay.height + 8 + footer_height
    # a footer wider than the graph: centre the graph above it
    shift = (width - right) / 2
    body = [tag("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})]
    if graph:
        body.append(tag("g", {"transform": "translate(%.1f,0)" % shift if shift >= 1 else None},
                        *graph))
    body += footer
    return str(tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": round(width),
                           "height": round(height),
                           "viewBox": "0 0 %d %d" % (round(width), round(height)),
                           "font_family": FONT, "class": "symnb-graph"}, join(body)))


def _footer_markup(view: GraphView, top: float) -> tuple[list[Markup], float, float]:
    """Totals line, family legend and note under the graph: (markup, width, height)."""
    totals = _totals(view)
    footer = [tag("text", {"x": 12, "y": top + 10, "font_size": 11, "fill": "#3d4752"},
                  totals)]
    legend_x = 12.0
    for family in sorted({n.family for n in view.nodes if n.role == "op"}):
        fill, stroke = family_colors(family)
        footer.append(tag("rect", {"x": legend_x, "y": top + 20, "width": 10, "height": 10,
                                   "rx": 2, "fill": fill, "stroke": stroke}))
        footer.append(tag("text", {"x": legend_x + 14, "y": top + 29, "font_size": 10,
                                   "fill": "#5b6570"}, family))
        legend_x += 28 + _text_width(family, 10)
    height = 38 if legend_x > 12 else 18
    if view.note:
        footer.append(tag("text", {"x": 12, "y": top + height + 4, "font_size": 11,
                                   "fill": "#d62728"}, view.note))
        height += 18
    width = max(legend_x, 24 + _text_width(totals, 11), 24 + _text_width(view.note, 11))
    return footer, width, height


def symbol_svg(symbol, shape: dict | None = None, **view_options) -> str:
    """``render_svg(graph_view(symbol, shape, **view_options))``."""
    return render_svg(graph_view(symbol, shape, **view_options))
