"""The versioned view-model document ``application/vnd.symnb.graph+json``.

Python computes everything a picture shows into this document; the static SVG is written from
it (:func:`symnb.pictures.doc_svg.document_svg`) and the JavaScript renderers only draw it.
Version 2 has a ``kind``: ``"symbol"``, ``"executor"`` or ``"ndarray"``. Plain JSON throughout
(lists, not tuples; coordinates in px rounded to 0.1, y grows downwards); text is not escaped
here, a renderer writes it with ``textContent``.

Executor documents (:func:`symnb.pictures.executor_view.executor_document`)::

    {"version": 2, "kind": "executor", "title": "Executor",
     "width", "height",                       # the whole picture
     "state": {"forwards", "backwards",       # steps seen since the picture first tracked it
               "forwarded", "has_backward"},  #   (None: not tracked)
     "sections": [{"id": "forward"|"backward", "title", "x", "y", "width", "height"}],
     "nodes": [{
        "id": "f0" | "b5",                    # f: forward array, b: backward gradient node
        "section": "forward" | "backward",
        "role": "argument" | "internal" | "output" | "aux"        # forward arrays
              | "grad_holder" | "gradient" | "head_grad",          # backward nodes
        "name",                               # graph node name ('A', '_mul0', 'fc1')
        "array",                              # label: user's variable ('a', 'ga', 'C') or name
        "title",                              # 'd(A)' on gradient nodes, else = array
        "entry",                              # MXNet entry name ('_mul0_output', 'A')
        "op", "op_text",                      # operator name ('null'); text left of it ('*')
        "shape": [..], "dtype",               # of the node's (first) output
        "outputs": int,                       # visible outputs of the operator (value: first)
        "gradient_of": forward node id | null, "grad_req": "write"|"add"|"null"|null,
        "faded": bool,                        # not computed by the executor's plan
        "formula": str,                       # chain rule, 'd(A) = 1 * d(C)', or ''
        "aux_attached": bool,                 # its aux states hang on its right; its
                                              #   texts are on its left
        "value": {"state": "values" | "summary" | "not_computed" | "reused" | "fused",
                  "text",                     # '10', '[1, 2]', '2×3 float32', 'not computed yet'
                  "values": [..] | null,      # flat numbers when size <= 8
                  "shape", "dtype", "size", "min", "max", "mean", "nan", "inf",
                  "before": {"text", "min", "max", "mean"} | null,   # value before last step
                  "thumbnail": ... },         # as below, without x/y
        "marker": {"shape": "square"|"circle", "fill", "stroke", "size", "opacity"},
        "x", "y",                             # marker centre
        "box": {"x", "y", "width", "height"}, # space the layout reserved (marker + texts)
        "text": [{"text", "x", "y", "size", "weight", "fill",
                  "anchor": "start"|"middle"|"end", "style": "op"|"name"|"value"|"caption"}],
        "thumbnail": {"kind": "heatmap"|"histogram", "x", "y", "width", "height",
                      "rows", "cols", "cells": [[colour, ..], ..] | null,
                      "bars": [0..1, ..] | null} | null,
        "tooltip"}],
     "edges": [{"section": "forward"|"backward"|"between",
                "kind": "data" | "chain" | "operand",   # operand: a forward array a
                "source", "target",                     #   gradient's computation reads
                "points": [[x, y], ..], "path",         # SVG path data ending at the arrow
                "arrow": [[x, y] x 3],                  # arrowhead polygon at the target
                "color", "width", "dash", "opacity", "faded",
                "attached": bool}],                     # aux state -> its operator
     "legend": [{"role", "text", "marker", "fill", "stroke", "x", "y"}],   # marker centre-left
     "notes": [{"text", "x", "y", "size", "font": "mono"}],   # 'executor.outputs[0] = 20  // E'
     "fonts": {"sans": css font stack, "mono": css font stack}}   # node texts use "sans"

Symbol documents (``kind: "symbol"``) keep the fields of version 1: ``nodes`` (id, name,
label, op, family, role, params, aux, flops, shape, members, attrs), ``edges`` (source, target,
label, shape, dtype, bad, note), ``layout`` (width, height, nodes: {id: x, y, width, height},
edges: polylines), ``values``, ``totals``, ``colors`` and ``note``, plus ``footer`` (the totals
line exactly as the SVG prints it), ``captions`` ({id: caption line as the SVG prints it}) and
``draw``, everything the static SVG draws (:func:`symnb.pictures.svg.draw`)::

    "draw": {"width", "height", "shift",                 # graph moved right by shift
             "nodes": [{"rect": {"x", "y", "width", "height", "rx", "fill", "stroke",
                                 "stroke_width", "dash"},
                        "text": [{"text", "x", "y", "size", "weight", "anchor", "fill",
                                  "style": "title"|"body"|"caption"}],
                        "tooltip", "role", "name"}],    # same order as "nodes"
             "edges": [{"path", "arrow", "color", "width", "dash", "bad", "title",
                        "text": {"text", "x", "y", "size", "fill", "weight"} | null}
                       | null],                          # same order as "edges"
             "footer": [{"kind": "text", "text", "x", "y", "size", "fill",
                         "role": "totals"|"legend"|"note"}
                        | {"kind": "swatch", "x", "y", "fill", "stroke", "family"}]}

>>> import symnb as mx
>>> doc = graph_json(mx.sym.var('x') * 2)
>>> doc['version'], doc['kind'], [n['role'] for n in doc['nodes']], doc['edges'][0]['source']
(2, 'symbol', ['data', 'op', 'output'], 'n0')
"""
from __future__ import annotations

from .graph_view import GraphView, graph_view

__all__ = ["GRAPH_MIME", "GRAPH_JSON_VERSION", "graph_json", "view_json", "executor_json"]

GRAPH_MIME = "application/vnd.symnb.graph+json"
GRAPH_JSON_VERSION = 2


def _list(shape):
    return None if shape is None else [int(d) for d in shape]


def view_json(view: GraphView, placed=None, values: dict | None = None) -> dict:
    """The JSON document of a view (``placed`` is :func:`symnb.pictures.svg.place`'s result,
    computed here when not given).

    >>> import symnb as mx
    >>> doc = view_json(graph_view(mx.sym.var('x') * 2))
    >>> sorted(doc['layout']['nodes']), doc['footer']
    (['n0', 'n1', 'out0'], '1 node · 0 params')
    """
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
    from .svg import _totals, draw
    captions = {}
    for n, b in zip(view.nodes, boxes, strict=True):
        caption = [text for style, text in b.lines if style == "caption"]
        captions[n.id] = caption[0] if caption else ""
    return {"version": GRAPH_JSON_VERSION, "kind": "symbol", "nodes": nodes, "edges": edges,
            "layout": layout,
            "values": dict(values or {}),
            "totals": {"params": view.total_params, "aux": view.total_aux,
                       "flops": view.total_flops, "hidden": view.hidden},
            # the SVG's palette, so every renderer colours families alike
            "colors": {n.family: list(family_colors(n.family)) for n in view.nodes},
            "note": view.note, "footer": _totals(view), "captions": captions,
            "draw": draw(view, (boxes, lay))}


def graph_json(symbol, shape: dict | None = None, values: dict | None = None,
               **view_options) -> dict:
    """``view_json(graph_view(symbol, shape, **view_options), values=values)``.

    >>> import symnb as mx
    >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> doc = graph_json(fc, shape={'data': (2, 3)})
    >>> [n['name'] for n in doc['nodes']], [e['label'] for e in doc['edges']]
    (['data', 'fc', 'fc_output'], ['2×3', '2×4'])
    """
    return view_json(graph_view(symbol, shape, **view_options), values=values)


def executor_json(ex, names: dict | None = None) -> dict:
    """The executor's document (``kind: "executor"``): see
    :func:`symnb.pictures.executor_view.executor_document`.

    >>> import symnb as mx
    >>> doc = executor_json(mx.sym.var('x').bind(mx.cpu(), {'x': mx.nd.ones(1)}), names={})
    >>> doc['kind'], doc['nodes'][0]['role'], doc['nodes'][0]['value']['text']
    ('executor', 'output', '1')
    """
    from .executor_view import executor_document
    return executor_document(ex, names)
