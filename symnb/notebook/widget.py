"""Live widgets: a symbol's graph, and an executor that redraws itself after every step.

Both are anywidgets: Python classes with synced traits plus one plain ES module
(``_static/widget.js``) exporting ``render({model, el})``. The browser side keeps no state of
its own: everything it draws comes from the traits, so a reloaded page draws the same thing.

Arrays travel as binary buffers: each entry of ``arrays`` holds ``data`` (``bytes``, C order,
little endian) with its ``dtype`` and ``view_shape``; ipywidgets sends the bytes as message
buffers, never as JSON lists. Large arrays are sent as a top-left crop (``view_shape``) with
statistics of the whole array.
"""
from __future__ import annotations

import pathlib

import anywidget
import numpy as np
import traitlets

from ._display import with_colors

__all__ = ["SymbolWidget", "ExecutorWidget", "encode_array"]

_STATIC = pathlib.Path(__file__).parent / "_static"
_MAX_ROWS = _MAX_COLS = 32
# dtypes a browser TypedArray reads directly; others are widened/narrowed to one of these
_WIRE_DTYPES = {"float32", "float64", "int32", "uint8", "int8"}


def encode_array(name: str, group: str, array) -> dict:
    """One array as widget state: a 2-D crop as little-endian bytes, plus shape and stats.

    >>> entry = encode_array('w', 'arg', np.arange(6, dtype=np.float32).reshape(2, 3))
    >>> entry['view_shape'], entry['dtype'], len(entry['data']), entry['stats']['max']
    ([2, 3], 'float32', 24, 5.0)
    """
    values = np.asarray(array.asnumpy() if hasattr(array, "asnumpy") else array)
    shape = list(values.shape)
    grid = values.reshape(1, -1) if values.ndim <= 1 else values.reshape(values.shape[0], -1)
    crop = grid[:_MAX_ROWS, :_MAX_COLS]
    wire = crop.dtype.name if crop.dtype.name in _WIRE_DTYPES else (
        "float32" if crop.dtype.kind in "fcb" else "int32")
    crop = np.ascontiguousarray(crop, dtype=np.dtype(wire).newbyteorder("<"))
    stats = {}
    if values.size:
        as_float = values.astype(np.float64, copy=False)
        stats = {"min": float(as_float.min()), "max": float(as_float.max()),
                 "mean": float(as_float.mean())}
    return {"name": name, "group": group, "shape": shape, "dtype": values.dtype.name,
            "wire_dtype": wire, "view_shape": list(crop.shape), "data": crop.tobytes(),
            "stats": stats}


def graph_payload(symbol, **options) -> dict:
    """The ``application/vnd.symnb.graph+json`` document plus the SVG picture's colours,
    so widget and static picture look alike.

    >>> import symnb as mx
    >>> g = graph_payload(mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='act'),
    ...                   shape={'x': (2, 3)})
    >>> [n['role'] for n in g['nodes']], g['edges'][0]['label'], g['colors']['activation'][0]
    (['data', 'op', 'output'], '2×3', '#fff5c7')
    """
    from ..pictures.graph_json import graph_json

    return with_colors(graph_json(symbol, **{k: v for k, v in options.items() if v is not None}))


class _GraphWidget(anywidget.AnyWidget):
    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    title = traitlets.Unicode("").tag(sync=True)
    graph = traitlets.Dict().tag(sync=True)
    arrays = traitlets.List(traitlets.Dict()).tag(sync=True)
    event = traitlets.Unicode("").tag(sync=True)
    steps = traitlets.Int(0).tag(sync=True)

    def __repr__(self):
        return "<%s %s: a live view, drawn in Jupyter>" % (type(self).__name__, self.title)

    def _static_bundle(self) -> dict:
        return {}

    def _repr_mimebundle_(self, **kwargs):
        # The static picture rides along: where widgets cannot run (GitHub, a saved notebook
        # opened without a kernel) it is what shows; JupyterLab prefers the live view.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        static = {k: v for k, v in self._static_bundle().items() if k != "text/plain"}
        return {**static, **data}, metadata


class SymbolWidget(_GraphWidget):
    """The graph of a symbol as a widget (shapes on the edges when known).

    >>> import symnb as mx
    >>> w = SymbolWidget(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc'),
    ...                  shape={'data': (2, 3)})
    >>> [n['name'] for n in w.graph['nodes']]
    ['data', 'fc', 'fc_output']
    """

    def __init__(self, symbol, shape=None, dtype=None, hide_weights=True, **kwargs):
        super().__init__(title=", ".join(symbol.list_outputs()),
                         graph=graph_payload(symbol, shape=shape, dtype=dtype,
                                             hide_weights=hide_weights), **kwargs)
        self._symbol, self._shape = symbol, shape

    def _static_bundle(self):
        from ._display import symbol_bundle
        return symbol_bundle(self._symbol, shape=self._shape)


class ExecutorWidget(_GraphWidget):
    """An executor's graph and arrays, kept current: after ``forward``, ``backward`` and aux
    changes it shows the new outputs, gradients and aux states in place.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('A'), mx.sym.var('B')
    >>> ex = (a * b).simple_bind(mx.cpu(), A=(2,), B=(2,))
    >>> w = ExecutorWidget(ex)
    >>> _ = ex.forward(A=np.ones(2) * 4, B=np.ones(2) * 2)
    >>> w.event, [e['stats']['max'] for e in w.arrays if e['group'] == 'output']
    ('forward', [8.0])
    >>> w.close()   # stops following the executor
    """

    def __init__(self, executor, hide_weights=True, **kwargs):
        self._executor = executor
        shapes = {name: arr.shape for name, arr in executor.arg_dict.items()}
        shapes.update({name: arr.shape for name, arr in executor.aux_dict.items()})
        symbol = executor._symbol
        super().__init__(title=", ".join(symbol.list_outputs()),
                         graph=graph_payload(symbol, shape=shapes, hide_weights=hide_weights),
                         arrays=self._encode(), event="bind", **kwargs)
        self._unsubscribe = executor._subscribe(self._on_event)

    def _static_bundle(self):
        from ._display import executor_bundle
        return executor_bundle(self._executor)

    def _encode(self):
        ex = self._executor
        entries = [encode_array(k, "arg", v) for k, v in ex.arg_dict.items()]
        if ex.grad_arrays is not None:
            entries += [encode_array(k, "grad", v) for k, v in ex.grad_dict.items()
                        if v is not None]
        entries += [encode_array(k, "aux", v) for k, v in ex.aux_dict.items()]
        entries += [encode_array(k, "output", v) for k, v in ex.output_dict.items()]
        return entries

    def _on_event(self, event, executor):
        with self.hold_sync():
            self.arrays = self._encode()
            self.event = event
            self.steps += 1

    def close(self):
        """Stop following the executor, then close the widget."""
        unsubscribe, self._unsubscribe = getattr(self, "_unsubscribe", None), None
        if unsubscribe is not None:
            unsubscribe()
        super().close()
