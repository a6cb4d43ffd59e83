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

from ._markup import join, tag, text_width
from .graph_view import GraphView, graph_view, shape_text
from .layout import Layout, layered_layout

__all__ = ["render_svg", "symbol_svg", "place", "family_colors", "FONT", "draw", "draw_svg"]

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
    width = max(text_width(text, _LINE[style][0], style == "title") for style, text in lines)
    height = sum(_LINE[style][1] for style, _ in lines)
    return _Box(tuple(lines), max(_MIN_WIDTH, width + 2 * _PAD_X), height + 2 * _PAD_Y,
                "\n".join(tip))


def place(view: GraphView) -> tuple[list[_Box], Layout]:
    """Measure every box and lay the graph out (shared by the SVG and the graph JSON).

    >>> import symnb as mx
    >>> boxes, lay = place(graph_view(mx.sym.var('x') * 2))
    >>> len(boxes), lay.layer, [text for _, text in boxes[1].lines]
    (3, (0, 1, 2), ['_mul_scalar', '2', '_mulscalar0'])
    """
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


def _arrow(points) -> list:
    y0, (x1, y1) = points[-2][1], points[-1]
    down = 1.0 if y1 >= y0 else -1.0
    base_y = y1 - 7 * down
    return [[round(x1, 1), round(y1, 1)], [round(x1 - 4, 1), round(base_y, 1)],
            [round(x1 + 4, 1), round(base_y, 1)]]


def _edge_text(edge, show_label: bool) -> str:
    text = edge.label if show_label else ""
    if edge.bad:
        text = (text + " · " if text else "") + edge.note
    return text


def _label_anchor(route) -> tuple[float, float]:
    """Edge text starts just right of the middle of the edge's first segment."""
    (x0, y0), (x1, y1) = route[0], route[1]
    return (x0 + x1) / 2 + 6, (y0 + y1) / 2 + 4


def _draw_edge(edge, route, show_label: bool) -> dict | None:
    if len(route) < 2:
        return None
    color, width = ("#d62728", 2.2) if edge.bad else ("#8b95a1", 1.2)
    # stop the line at the arrow's base so the arrowhead keeps its point
    yb, (xe, ye) = route[-2][1], route[-1]
    shortened = list(route[:-1]) + [(xe, ye - (6 if ye >= yb else -6))]
    out = {"path": _curve(shortened), "arrow": _arrow(route), "color": color, "width": width,
           "dash": "5 3" if edge.bad else None, "bad": edge.bad, "title": edge.note
           if edge.bad else "", "text": None}
    text = _edge_text(edge, show_label)
    if text:
        x, y = _label_anchor(route)
        out["text"] = {"text": text, "x": round(x, 1), "y": round(y, 1),
                       "size": 10.5 if edge.bad else 10,
                       "fill": color if edge.bad else "#5b6570",
                       "weight": "bold" if edge.bad else None}
    return out


def _draw_node(node, box: _Box, cx: float, cy: float) -> dict:
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
    texts = []
    y = top + _PAD_Y
    for style, text in box.lines:
        size, line_height = _LINE[style]
        y += line_height
        texts.append({"text": text, "x": round(cx, 1),
                      "y": round(y - (line_height - size) / 2 - 1.5, 2), "size": size,
                      "weight": "600" if style == "title" else None, "anchor": "middle",
                      "fill": "#6b7580" if style == "caption" else text_color,
                      "style": style})
    return {"rect": {"x": round(left, 2), "y": round(top, 2), "width": round(box.width, 2),
                     "height": round(box.height, 2), "rx": round(radius, 2), "fill": fill,
                     "stroke": stroke, "stroke_width": stroke_width, "dash": dash},
            "text": texts, "tooltip": box.tooltip, "role": node.role, "name": node.name}


def _totals(view: GraphView) -> str:
    """The totals line: operators, parameters, aux states, FLOPs, folded variables."""
    ops = sum(1 for n in view.nodes if n.role == "op")
    parts = ["%d node%s" % (ops, "" if ops == 1 else "s")]
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


def draw(view: GraphView, layout: tuple[list[_Box], Layout] | None = None) -> dict:
    """Everything the symbol picture draws, as plain JSON (the ``draw`` part of the graph
    document): node rectangles and texts, edge paths, arrowheads and texts, footer texts and
    legend, the picture's size and the graph's horizontal shift.

    >>> import symnb as mx
    >>> from symnb.pictures import graph_view
    >>> picture = draw(graph_view(mx.sym.var('x') * 2))
    >>> [t['text'] for t in picture['nodes'][0]['text']], picture['footer'][0]['text']
    (['x', 'data'], '1 node · 0 params')
    """
    boxes, lay = layout if layout is not None else place(view)
    # edges leaving one node with the same text (one output used twice) share one label
    labelled, edges, right = set(), [], lay.width
    for e, route in zip(view.edges, lay.routes, strict=True):
        key = (e.source, e.label)
        show = e.bad or key not in labelled
        labelled.add(key)
        drawn = _draw_edge(e, route, show)
        edges.append(drawn)
        if drawn is not None and drawn["text"] is not None:
            # long edge texts (conflict notes) widen the picture
            t = drawn["text"]
            right = max(right, t["x"] + text_width(t["text"], 10.5, e.bad) + 12)
    nodes = [_draw_node(n, b, x, y) for n, b, x, y in zip(view.nodes, boxes, lay.x, lay.y,
                                                          strict=True)]
    footer, footer_width, footer_height = _footer(view, lay.height + 8)
    width, height = max(right, footer_width), lay.height + 8 + footer_height
    # a footer wider than the graph: centre the graph above it
    shift = (width - right) / 2
    return {"width": round(width), "height": round(height),
            "shift": round(shift, 1) if shift >= 1 else 0, "nodes": nodes, "edges": edges,
            "footer": footer}


def draw_svg(picture: dict) -> str:
    """SVG text of a symbol picture's ``draw`` dict (see :func:`draw`).

    >>> import symnb as mx
    >>> from symnb.pictures import graph_view
    >>> draw_svg(draw(graph_view(mx.sym.var('x') * 2))).count('<text')
    9
    """
    graph = []
    for e in picture["edges"]:
        if e is None:
            continue
        pieces = [tag("path", {"d": e["path"], "fill": "none", "stroke": e["color"],
                               "stroke_width": e["width"], "stroke_dasharray": e["dash"]}),
                  tag("polygon", {"points": " ".join("%.1f,%.1f" % tuple(p)
                                                     for p in e["arrow"]),
                                  "fill": e["color"]})]
        t = e["text"]
        if t is not None:
            pieces.append(tag("text", {"x": t["x"], "y": t["y"], "font_size": t["size"],
                                       "fill": t["fill"], "font_weight": t["weight"],
                                       "stroke": "#ffffff", "stroke_width": 3,
                                       "paint_order": "stroke"}, t["text"]))
        title = [tag("title", {}, e["title"])] if e["bad"] else []
        graph.append(tag("g", {"class": "edge bad" if e["bad"] else "edge"}, *title, *pieces))
    for n in picture["nodes"]:
        r = n["rect"]
        pieces = [tag("title", {}, n["tooltip"]),
                  tag("rect", {"x": r["x"], "y": r["y"], "width": r["width"],
                               "height": r["height"], "rx": r["rx"], "fill": r["fill"],
                               "stroke": r["stroke"], "stroke_width": r["stroke_width"],
                               "stroke_dasharray": r["dash"]})]
        pieces += [tag("text", {"x": t["x"], "y": t["y"], "text_anchor": t["anchor"],
                                "font_size": t["size"], "font_weight": t["weight"],
                                "fill": t["fill"]}, t["text"]) for t in n["text"]]
        graph.append(tag("g", {"class": "node " + n["role"], "data_name": n["name"]}, *pieces))
    body = [tag("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})]
    if graph:
        shift = picture["shift"]
        body.append(tag("g", {"transform": "translate(%.1f,0)" % shift if shift else None},
                        *graph))
    for item in picture["footer"]:
        if item["kind"] == "swatch":
            body.append(tag("rect", {"x": item["x"], "y": item["y"], "width": 10,
                                     "height": 10, "rx": 2, "fill": item["fill"],
                                     "stroke": item["stroke"]}))
        else:
            body.append(tag("text", {"x": item["x"], "y": item["y"], "font_size": item["size"],
                                     "fill": item["fill"]}, item["text"]))
    width, height = picture["width"], picture["height"]
    return str(tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": width,
                           "height": height, "viewBox": "0 0 %d %d" % (width, height),
                           "font_family": FONT, "class": "symnb-picture"}, join(body)))


def render_svg(view: GraphView, layout: tuple[list[_Box], Layout] | None = None) -> str:
    """Draw a view as standalone SVG text (from the same ``draw`` dict the graph JSON holds).

    Examples
    --------
    >>> import symnb as mx
    >>> from symnb.pictures import graph_view
    >>> svg = render_svg(graph_view(mx.sym.var('<b>') * 2))
    >>> '&lt;b&gt;' in svg and '<b>' not in svg
    True
    """
    return draw_svg(draw(view, layout))


def _footer(view: GraphView, top: float) -> tuple[list[dict], float, float]:
    """Totals line, family legend and note under the graph: (items, width, height)."""
    totals = _totals(view)
    footer = [{"kind": "text", "text": totals, "x": 12, "y": round(top + 10, 1), "size": 11,
               "fill": "#3d4752", "role": "totals"}]
    legend_x = 12.0
    for family in sorted({n.family for n in view.nodes if n.role == "op"}):
        fill, stroke = family_colors(family)
        footer.append({"kind": "swatch", "x": round(legend_x, 1), "y": round(top + 20, 1),
                       "fill": fill, "stroke": stroke, "family": family})
        footer.append({"kind": "text", "text": family, "x": round(legend_x + 14, 1),
                       "y": round(top + 29, 1), "size": 10, "fill": "#5b6570",
                       "role": "legend"})
        legend_x += 28 + text_width(family, 10)
    height = 38 if legend_x > 12 else 18
    if view.note:
        footer.append({"kind": "text", "text": view.note, "x": 12,
                       "y": round(top + height + 4, 1), "size": 11, "fill": "#d62728",
                       "role": "note"})
        height += 18
    width = max(legend_x, 24 + text_width(totals, 11), 24 + text_width(view.note, 11))
    return footer, width, height


def symbol_svg(symbol, shape: dict | None = None, **view_options) -> str:
    """``render_svg(graph_view(symbol, shape, **view_options))``.

    >>> import symnb as mx
    >>> svg = symbol_svg(mx.sym.var('x') * 2, shape={'x': (2, 3)})
    >>> svg[:4], '2×3' in svg
    ('<svg', True)
    """
    return render_svg(graph_view(symbol, shape, **view_options))
