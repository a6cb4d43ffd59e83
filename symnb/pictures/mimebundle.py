"""What ``_repr_mimebundle_`` of Symbol, NDArray and Executor returns.

Each bundle holds ``text/plain`` (the object's MXNet repr), a picture (``image/svg+xml`` for
symbols, ``text/html`` for arrays and executors) and the graph JSON
(``application/vnd.symnb.graph+json``) for a richer front end. Jupyter shows the richest type
it can render; ``include`` / ``exclude`` filter the keys as IPython's protocol asks.

>>> import symnb as mx
>>> bundle = symbol_mimebundle(mx.sym.var('x') + 1)
>>> bundle['text/plain']
'<Symbol _plusscalar0>'
>>> sorted(symbol_mimebundle(mx.sym.var('x'), include=['text/plain']))
['text/plain']
"""
from __future__ import annotations

from .graph_json import GRAPH_JSON_VERSION, GRAPH_MIME, view_json
from .graph_view import graph_view
from .html import array_stats, bound_shapes, executor_html, executor_sections, ndarray_html
from .svg import place, render_svg

__all__ = ["symbol_mimebundle", "ndarray_mimebundle", "executor_mimebundle"]


def _filtered(bundle: dict, include, exclude) -> dict:
    if include is not None:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude is not None:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


def symbol_mimebundle(sym, include=None, exclude=None, **view_options) -> dict:
    """Symbol -> {'text/plain', 'image/svg+xml', graph JSON}; ``view_options`` go to
    :func:`~symnb.pictures.graph_view.graph_view` (``shape``, ``hide_weights``, ...)."""
    view = graph_view(sym, **view_options)
    placed = place(view)
    return _filtered({"text/plain": repr(sym), "image/svg+xml": render_svg(view, placed),
                      GRAPH_MIME: view_json(view, placed)}, include, exclude)


def ndarray_mimebundle(arr, include=None, exclude=None) -> dict:
    """NDArray -> {'text/plain', 'text/html', graph JSON holding only its ``values``}."""
    stats = array_stats(arr.asnumpy())
    stats["context"] = str(arr.context)
    doc = {"version": GRAPH_JSON_VERSION, "nodes": [], "edges": [], "layout": {},
           "values": {"array": stats}}
    return _filtered({"text/plain": repr(arr), "text/html": ndarray_html(arr), GRAPH_MIME: doc},
                     include, exclude)


def executor_mimebundle(ex, include=None, exclude=None) -> dict:
    """Executor -> {'text/plain', 'text/html', graph JSON with the bound shapes and the
    statistics of every array under ``values`` (keyed ``<section>/<name>``)}."""
    values = {}
    sections = executor_sections(ex)
    for section, rows in sections.items():
        for name, arr in rows or ():
            values["%s/%s" % (section, name)] = array_stats(arr.asnumpy())
    symbol = getattr(ex, "_symbol", None)
    svg = None
    if symbol is not None:
        view = graph_view(symbol, bound_shapes(sections))
        placed = place(view)
        svg = render_svg(view, placed)
        doc = view_json(view, placed, values=values)
    else:
        doc = {"version": GRAPH_JSON_VERSION, "nodes": [], "edges": [], "layout": {},
               "values": values}
    return _filtered({"text/plain": repr(ex), "text/html": executor_html(ex, graph_svg=svg),
                      GRAPH_MIME: doc}, include, exclude)
