"""Static pictures of symbols, arrays and executors: SVG and HTML, no JavaScript, no binaries.

The layers, one module each:

* :mod:`.layout` -- a deterministic layered (Sugiyama-style) DAG layout in pure Python;
* :mod:`.graph_view` -- a neutral view model of a symbol (labels from the operators, roles
  from their declarations, shapes, parameter counts);
* :mod:`.svg` -- the symbol view model drawn (``draw``) and written as standalone SVG;
* :mod:`.executor_view` -- the executor picture's document: the page's executor graph, an
  array on every node, the backward graph, values, layout;
* :mod:`.doc_svg` -- an executor document as SVG, and ``<img data:>`` wrapping for HTML;
* :mod:`.html` -- NDArray panels and the executor's statistics tables;
* :mod:`.graph_json` -- the versioned ``application/vnd.symnb.graph+json`` document (schema);
* :mod:`.mimebundle` -- what ``_repr_mimebundle_`` of Symbol, NDArray and Executor return.

All graph text is escaped in one place, :mod:`._markup`. Nothing here imports IPython,
ipywidgets, anywidget, matplotlib or CuPy.

>>> import symnb as mx
>>> from symnb import pictures
>>> sorted(pictures.symbol_mimebundle(mx.sym.var('x') * 2))
['application/vnd.symnb.graph+json', 'image/svg+xml', 'text/html', 'text/plain']
"""
from .doc_svg import document_svg, svg_img
from .executor_view import executor_document
from .graph_json import GRAPH_MIME, executor_json, graph_json
from .graph_view import BadEdge, GraphView, ViewEdge, ViewNode, graph_view
from .html import executor_html, ndarray_html
from .layout import Layout, layered_layout
from .mimebundle import executor_mimebundle, ndarray_mimebundle, symbol_mimebundle
from .svg import render_svg, symbol_svg

__all__ = ["GRAPH_MIME", "graph_json", "BadEdge", "GraphView", "ViewEdge", "ViewNode",
           "graph_view", "executor_html", "ndarray_html", "Layout", "layered_layout",
           "executor_mimebundle", "ndarray_mimebundle", "symbol_mimebundle", "render_svg",
           "symbol_svg", "document_svg", "svg_img", "executor_document", "executor_json"]
