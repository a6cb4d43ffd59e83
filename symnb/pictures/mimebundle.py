"""What ``_repr_mimebundle_`` of Symbol, NDArray and Executor returns.

Each bundle holds ``text/plain`` (the object's MXNet repr), pictures (``image/svg+xml`` for
symbols and executors, and ``text/html`` holding them as ``<img src="data:...">``, which
JupyterLab keeps in untrusted notebooks where it drops ``image/svg+xml``) and the graph JSON
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

from ._markup import Markup, tag
from .doc_svg import document_svg, svg_img
from .executor_view import executor_document
from .graph_json import GRAPH_JSON_VERSION, GRAPH_MIME, view_json
from .graph_view import graph_view
from .html import array_stats, executor_html, ndarray_html
from .svg import draw_svg, place

__all__ = ["symbol_mimebundle", "ndarray_mimebundle", "executor_mimebundle"]


def _filtered(bundle: dict, include, exclude) -> dict:
    if include is not None:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude is not None:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


def symbol_mimebundle(sym, include=None, exclude=None, **view_options) -> dict:
    """Symbol -> {'text/plain', 'image/svg+xml', graph JSON}; ``view_options`` go to
    :func:`~symnb.pictures.graph_view.graph_view` (``shape``, ``hide_weights``, ...).

    >>> import symnb as mx
    >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> b = symbol_mimebundle(fc, shape={'data': (2, 3)})
    >>> b['text/plain'], b['image/svg+xml'][:4], b[GRAPH_MIME]['totals']['params']
    ('<Symbol fc>', '<svg', 16)
    """
    view = graph_view(sym, **view_options)
    doc = view_json(view, place(view))
    svg = draw_svg(doc["draw"])
    return _filtered({"text/plain": repr(sym), "image/svg+xml": svg,
                      "text/html": str(tag("div", {"class": "symnb-symbol"},
                                           Markup(svg_img(svg, "symbol graph")))),
                      GRAPH_MIME: doc}, include, exclude)


def ndarray_mimebundle(arr, include=None, exclude=None) -> dict:
    """NDArray -> {'text/plain', 'text/html', graph JSON holding only its ``values``}.

    >>> import symnb as mx
    >>> b = ndarray_mimebundle(mx.nd.array([1, 2, 3]))
    >>> sorted(b), b[GRAPH_MIME]['values']['array']['max']
    (['application/vnd.symnb.graph+json', 'text/html', 'text/plain'], 3)
    """
    stats = array_stats(arr.asnumpy())
    stats["context"] = str(arr.context)
    doc = {"version": GRAPH_JSON_VERSION, "kind": "ndarray", "nodes": [], "edges": [], "layout": {},
           "values": {"array": stats}}
    return _filtered({"text/plain": repr(arr), "text/html": ndarray_html(arr), GRAPH_MIME: doc},
                     include, exclude)


def executor_mimebundle(ex, include=None, exclude=None, *, names: dict | None = None,
                        tables: bool = True) -> dict:
    """Executor -> {'text/plain', 'image/svg+xml' (the executor picture), 'text/html' (the
    picture as an ``<img>`` plus the statistics tables folded in a ``<details>``), graph JSON
    (the executor document, ``kind: "executor"``)}.

    >>> import symnb as mx
    >>> ex = (mx.sym.var('a') * 2).bind(mx.cpu(), {'a': mx.nd.ones(1) * 10})
    >>> b = executor_mimebundle(ex, names={})
    >>> sorted(b), '<svg' in b['text/html'], 'a=10' in b['image/svg+xml']
    (['application/vnd.symnb.graph+json', 'image/svg+xml', 'text/html', 'text/plain'], False, True)
    """
    doc = executor_document(ex, names)
    svg = document_svg(doc)
    return _filtered({"text/plain": repr(ex), "image/svg+xml": svg,
                      "text/html": executor_html(ex, picture=svg, tables=tables),
                      GRAPH_MIME: doc}, include, exclude)
