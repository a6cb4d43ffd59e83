"""Static SVG written only from a view-model document (:mod:`symnb.pictures.graph_json`).

Nothing here decides anything: positions, colours, texts and thumbnails come from the
document, so the SVG and the JavaScript renderers cannot disagree. Every piece of text goes
through :mod:`._markup`. :func:`svg_img` wraps an SVG as ``<img src="data:image/svg+xml;...">``
for HTML outputs, which survives JupyterLab's sanitizer in untrusted notebooks (inline
``<svg>`` does not) and cannot be restyled by page CSS.

>>> import symnb as mx
>>> from symnb.pictures.executor_view import executor_document
>>> ex = (mx.sym.var('A') * 2).bind(mx.cpu(), {'A': mx.nd.ones(1) * 10})
>>> svg = document_svg(executor_document(ex, names={}))
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'A=10' in svg
True
"""
from __future__ import annotations

import base64

from ._markup import join, tag
from .executor_view import FONTS

__all__ = ["document_svg", "svg_img", "FONT"]

FONT = FONTS["sans"]


def _points(points) -> str:
    return " ".join("%.1f,%.1f" % (x, y) for x, y in points)


def _marker(n):
    m = n["marker"]
    x, y, half = n["x"], n["y"], m["size"] / 2
    if m["shape"] == "circle":
        return tag("circle", {"cx": x, "cy": y, "r": half, "fill": m["fill"],
                              "stroke": m["stroke"], "stroke_width": 1})
    return tag("rect", {"x": x - half, "y": y - half, "width": m["size"], "height": m["size"],
                        "fill": m["fill"], "stroke": m["stroke"], "stroke_width": 1})


def _thumbnail(t):
    pieces = [tag("rect", {"x": t["x"], "y": t["y"], "width": t["width"],
                           "height": t["height"], "fill": "#ffffff", "stroke": "#d5dae0",
                           "stroke_width": 0.8})]
    if t["kind"] == "heatmap":
        cw, ch = t["width"] / t["cols"], t["height"] / t["rows"]
        for i, row in enumerate(t["cells"]):
            for j, colour in enumerate(row):
                pieces.append(tag("rect", {"x": t["x"] + j * cw, "y": t["y"] + i * ch,
                                           "width": cw + 0.2, "height": ch + 0.2,
                                           "fill": colour}))
    else:
        bw = t["width"] / max(len(t["bars"]), 1)
        for j, frac in enumerate(t["bars"]):
            if frac:
                h = max(1.0, (t["height"] - 2) * frac)
                pieces.append(tag("rect", {"x": t["x"] + j * bw + 0.4,
                                           "y": t["y"] + t["height"] - 1 - h,
                                           "width": max(bw - 0.8, 0.6), "height": h,
                                           "fill": "#4f8cc2"}))
    return tag("g", {"class": "thumbnail", "shape_rendering": "crispEdges"}, *pieces)


def _text(item):
    # a white halo keeps text readable where an edge passes behind it
    return tag("text", {"x": item["x"], "y": item["y"], "font_size": item["size"],
                        "font_weight": item.get("weight"), "fill": item.get("fill", "#1f2933"),
                        "text_anchor": item.get("anchor", "start"), "stroke": "#ffffff",
                        "stroke_width": 3, "stroke_linejoin": "round",
                        "paint_order": "stroke"}, item["text"])


def _edge(e):
    return tag("g", {"class": "edge " + e["kind"], "opacity": e["opacity"] if e["opacity"] < 1
                     else None},
               tag("path", {"d": e["path"], "fill": "none", "stroke": e["color"],
                            "stroke_width": e["width"], "stroke_dasharray": e["dash"]}),
               tag("polygon", {"points": _points(e["arrow"]), "fill": e["color"]}))


def _node(n):
    pieces = [tag("title", {}, n["tooltip"]), _marker(n)]
    pieces += [_text(item) for item in n["text"]]
    if n["thumbnail"] is not None:
        pieces.append(_thumbnail(n["thumbnail"]))
    return tag("g", {"class": "node " + n["role"], "data_name": n["name"],
                     "opacity": n["marker"]["opacity"] if n["faded"] else None}, *pieces)


def _legend(item):
    x, y = item["x"], item["y"]
    pieces = []
    if item["marker"] == "circle":
        pieces.append(tag("circle", {"cx": x + 6, "cy": y, "r": 6, "fill": item["fill"],
                                     "stroke": item["stroke"]}))
    elif item["marker"] == "square":
        pieces.append(tag("rect", {"x": x, "y": y - 6, "width": 12, "height": 12,
                                   "fill": item["fill"], "stroke": item["stroke"],
                                   "opacity": item.get("opacity")}))
    pieces.append(tag("text", {"x": x + 22 if item["marker"] else x, "y": y + 4,
                               "font_size": 11.5, "fill": "#3d4752"}, item["text"]))
    return tag("g", {"class": "legend-item"}, *pieces)


def document_svg(doc: dict) -> str:
    """Draw an executor document as standalone SVG text.

    >>> import symnb as mx
    >>> from symnb.pictures.executor_view import executor_document
    >>> ex = mx.sym.var('x').bind(mx.cpu(), {'x': mx.nd.ones(2)})
    >>> 'x=[1, 1]' in document_svg(executor_document(ex, names={}))
    True
    """
    body = [tag("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})]
    for s in doc["sections"]:
        if not s["title"]:
            continue
        body.append(tag("text", {"x": s["x"], "y": s["y"], "font_size": 11,
                                 "fill": "#8b95a1", "font_style": "italic"}, s["title"]))
    body += [_edge(e) for e in doc["edges"]]
    body += [_node(n) for n in doc["nodes"]]
    body += [_legend(item) for item in doc["legend"]]
    fonts = doc.get("fonts", FONTS)
    body += [tag("text", {"x": t["x"], "y": t["y"], "font_size": t["size"], "fill": "#1f2933",
                          "font_family": fonts[t["font"]]}, t["text"]) for t in doc["notes"]]
    width, height = round(doc["width"]), round(doc["height"])
    return str(tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": width,
                           "height": height, "viewBox": "0 0 %d %d" % (width, height),
                           "font_family": fonts["sans"], "class": "symnb-picture"},
                   join(body)))


def svg_img(svg: str, alt: str = "") -> str:
    """An ``<img>`` tag showing ``svg`` from a base64 ``data:`` URL (kept by sanitizers).

    >>> svg_img('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3"/>', 'x')[:42]
    '<img src="data:image/svg+xml;base64,PHN2Zy'
    """
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return str(tag("img", {"src": "data:image/svg+xml;base64," + data, "alt": alt,
                           "style": "max-width:100%;height:auto"}))
