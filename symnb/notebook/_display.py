"""The notebook layer's one door to ``symnb.pictures``: display bundles and formatters.

``symnb.pictures.mimebundle`` makes the bundles; this module only adapts its calls (passing the
options that the installed version accepts) and registers IPython formatters, so the pictures
work in a notebook before Symbol/NDArray/Executor carry their own ``_repr_mimebundle_``.
"""
from __future__ import annotations

import html
import inspect

__all__ = ["symbol_bundle", "ndarray_bundle", "executor_bundle", "executor_stats_bundle", "show",
           "register_formatters", "GRAPH_MIME"]

GRAPH_MIME = "application/vnd.symnb.graph+json"


def _pictures():
    from ..pictures import mimebundle
    return mimebundle


def _call(function, *args, **options):
    """Call ``function`` with the options its signature accepts (None values are left out)."""
    params = inspect.signature(function).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in options.items()
              if v is not None and (takes_any or k in params)}
    return function(*args, **kwargs)


def symbol_bundle(symbol, shape=None, dtype=None, hide_weights=None, conflict=None,
                  collapse=None):
    """The display bundle of a symbol; ``conflict`` is a :class:`~._conflict.Conflict`,
    ``collapse`` name prefixes whose nodes are drawn as one box each."""
    bundle = _call(_pictures().symbol_mimebundle, symbol, shape=shape, dtype=dtype,
                   hide_weights=hide_weights,
                   bad_edge=conflict.bad_edge() if conflict is not None else None,
                   collapse=collapse or None)
    if GRAPH_MIME in bundle:
        bundle[GRAPH_MIME] = with_colors(bundle[GRAPH_MIME])
    return bundle


def with_colors(doc: dict) -> dict:
    """The graph JSON plus the SVG picture's colours (``colors``: family -> [fill, stroke]),
    so the browser renderers colour boxes as the static picture does."""
    from ..pictures.svg import family_colors

    if "colors" in doc:
        return doc
    families = {node["family"] for node in doc.get("nodes", ())}
    return {**doc, "colors": {f: list(family_colors(f)) for f in sorted(families)}}


def ndarray_bundle(array):
    return _pictures().ndarray_mimebundle(array)


def executor_bundle(executor):
    """The executor picture: ``image/svg+xml``, ``text/html`` (the picture as an ``<img>``
    and the folded statistics tables) and the executor document."""
    return _pictures().executor_mimebundle(executor)


def executor_stats_bundle(executor):
    """Only the statistics tables of an executor's arrays, open (``%executor --stats``).

    >>> import symnb as mx
    >>> ex = (mx.sym.var('a') * 2).bind(mx.cpu(), {'a': mx.nd.ones(1)})
    >>> sorted(executor_stats_bundle(ex))
    ['text/html', 'text/plain']
    """
    from ..pictures.html import executor_html

    return {"text/plain": repr(executor), "text/html": executor_html(executor, graph=False)}


def show(bundle):
    """Publish a bundle (a dict, or ``(data, metadata)``) as a display output."""
    from IPython.display import display

    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, None)
    display(data, metadata=metadata, raw=True)


def text_bundle(text):
    """A plain bundle for messages that must also read in HTML (escaped at this one place)."""
    return {"text/plain": text, "text/html": "<pre>%s</pre>" % html.escape(text)}


def register_formatters(shell):
    """Make Symbol, NDArray and Executor display as pictures in this shell (idempotent)."""
    from ..executor import Executor
    from ..ndarray import NDArray
    from ..symbol import Symbol

    formatter = shell.display_formatter.mimebundle_formatter
    for cls, make in ((Symbol, symbol_bundle), (NDArray, ndarray_bundle),
                      (Executor, executor_bundle)):
        if getattr(cls, "_repr_mimebundle_", None) is None:
            formatter.for_type(cls, make)
