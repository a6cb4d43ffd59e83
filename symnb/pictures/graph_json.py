"""The versioned graph description ``application/vnd.symnb.graph+json``.

A future JupyterLab renderer draws from this instead of the SVG. Version 1::

    {"version": 1,
     "nodes": [{"id", "name", "label", "op", "family", "role", "params", "aux", "flops",
                "shape", "members", "attrs"}],
     "edges": [{"source", "target", "label", "shape", "dtype", "bad", "note"}],   # node ids
     "layout": {"width", "height", "nodes": {id: {"x", "y", "width", "height"}},
                "edges": [[[x, y], ...], ...]},          # centres; y grows downwards
     "values": {name: {"shape", "dtype", "min", "max", "mean", "std", ...}},
     "totals": {"params", "aux", "flops", "hidden"}, "note": str}

Everything is plain JSON (lists, not tuples; numbers rounded to 0.1 px); text is not escaped
here, a renderer must write it with ``textContent``.

>>> import symnb as mx
>>> doc = graph_json(mx.sym.var('x') * 2)
>>> doc['version'], [n['role'] for n in doc['nodes']], doc['edges'][0]['source']
(1, ['data', 'op', 'output'], 'n0')
"""
from __future__ import annotations

from .graph_view import GraphView, graph_view

__all__ = ["GRAPH_MIME", "GRAPH_JSON_VERSION", "graph_json", "view_json"]

GRAPH_MIME = "application/vnd.symnb.graph+json"
GRAPH_JSON_VERSION = 1


def _list(shape):
    return None if shape is None else [int(d) for d in shape]


def view_json(view: GraphView, placed=None, values: dict | None = None) -> dict:
    """The JSON document of a view (``placed`` is :func:`symnb.pictures.svg.place`'s result,
    computed here when not given)."""
    from .svg import family_colors, place
    boxes, lay = placed if placed is not None else place(view)
    nodes = [{"id": n.id, "name": n.name, "label": n.label, "op": n.op, "family": n.family,
              "role": n.role, "params": n.params, "aux": n.aux, "flops": n.flops,
              "shape": _list(n.shape), "members": list(n.members), "attrs": dict(n.attrs)}
             for n in view.nodes]
    edges = [{"source": view.nodes[e.source].id, "target": view.nodes[e.target].id,
              "label": e.label, "shape": _list(e.shape), "dtype": e.dtype, "bad": e.bad,
              "note": e.note} for e in view.edges]
    layout = {
        "width": round(lay.width, 1), "height": round(lay.height, 1),
        "nodes": {n.id: {"x": round(x, 1), "y": round(y, 1), "width": round(b.width, 1),
                         "height": round(b.height, 1)}
                  for n, b, x, y in zip(view.nodes, boxes, lay.x, lay.y, strict=True)},
        "edges": [[[round(x, 1), round(y, 1)] for x, y in route] for route in lay.routes],
    }
    return {"version": GRAPH_JSON_VERSION, "nodes": nodes, "edges": edges, "layout": layout,
            "values": dict(values or {}),
            "totals": {"params": view.total_params, "aux": view.total_aux,
                       "flops": view.total_flops, "hidden": view.hidden},
            # the SVG's palette, so every renderer colours families alike
            "colors": {n.family: list(family_colors(n.family)) for n in view.nodes},
            "note": view.note}


def graph_json(symbol, shape: dict | None = None, values: dict | None = None,
               **view_options) -> dict:
    """``view_json(graph_view(symbol, shape, **view_options), values=values)``."""
    return view_json(graph_view(symbol, shape, **view_options), values=values)
