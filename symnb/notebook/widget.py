"""Live widgets: a symbol's graph, and an executor picture whose values follow the executor.

Both are anywidgets: Python classes with a few synced traits plus one plain ES module
(``_static/widget.js``) that draws the graph document (``application/vnd.symnb.graph+json``)
and writes every text with ``textContent``.

An :class:`ExecutorWidget` is cheap enough to leave on while training:

* a step (``forward``/``backward``) only marks the view dirty: two attribute writes and a clock
  read, nothing is copied or encoded;
* at most ``rate`` times a second the arrays are encoded (a 2-D crop as little-endian bytes,
  statistics and a 16-bin histogram of the whole array), compared with what was last sent, and
  only the entries that changed go out, in one message whose arrays travel as binary buffers;
  steps in between are coalesced. A trailing flush (a timer) sends the last step after a loop
  ends; a slow flush stretches the interval, so the encoding never takes more than ~2% of the
  time;
* the browser applies each message once, in place (no redraw of the graph).

A new view (a page reload, the same widget displayed twice) asks the kernel for the state and
gets the current values, not the ones of the first display.

Step-through: :meth:`ExecutorWidget.record_step` runs one real forward and backward with the
executor's monitor hook and keeps every node's output (in execution order) and every backward
step's gradients; the view plays them node by node.
"""
from __future__ import annotations

import functools
import pathlib
import threading
import time

import anywidget
import numpy as np
import traitlets

from ..pictures.executor_view import host_values
from ._display import with_colors

__all__ = ["SymbolWidget", "ExecutorWidget", "encode_array", "LIVE_MIME"]

_STATIC = pathlib.Path(__file__).parent / "_static"
_MAX_ROWS = _MAX_COLS = 32
_BINS = 16
# dtypes a browser TypedArray reads directly; others are widened/narrowed to one of these
_WIRE_DTYPES = {"float32", "float64", "int32", "uint8", "int8"}
# The marker that lets symnb's JupyterLab extension show the static picture when the live
# model is gone (a reopened notebook): its renderer ranks before the widget view.
LIVE_MIME = "application/vnd.symnb.live+json"
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# a flush may take at most this share of the wall time (it then waits longer)
_FLUSH_SHARE = 0.02
# the trailing flush waits for this long a quiet spell, so it does not race a running loop
_QUIET_S = 0.05




# the fast statistics walk a floating array in chunks of this many elements, whose float64
# copies stay in cache
_STATS_CHUNK = 1 << 16


def _stats(values: np.ndarray) -> dict:
    if not values.size or values.dtype.kind not in "biuf":
        return {}
    if values.dtype.kind == "f" and values.size > _STATS_CHUNK:
        fast = _finite_float_stats(values.ravel())
        if fast is not None:
            return fast
    with np.errstate(invalid="ignore", over="ignore"):
        flat = values.astype(np.float64, copy=False).ravel()
        finite = np.isfinite(flat)
        good = flat if finite.all() else flat[finite]
        stats = {"nan": int(np.isnan(flat).sum()), "inf": int((~finite).sum())}
        stats["inf"] -= stats["nan"]
        if not good.size:
            return stats
        lo, hi = float(good.min()), float(good.max())
        stats.update(min=lo, max=hi, mean=float(good.mean()), std=float(good.std()),
                     rms=float(np.sqrt(np.mean(good * good))))
        counts = np.histogram(good, bins=_BINS, range=(lo, hi) if hi > lo else (lo - .5, lo + .5))
    stats["hist"] = [int(c) for c in counts[0]]
    return stats


def _finite_float_stats(flat):
    """:func:`_stats` of a large floating array without NaN or infinity, or None where it
    has some: two passes over cache-sized chunks in float64 (the sums, min and max of the
    whole-array passes), 3x faster on the internal arrays of a convolution network (69 ->
    22 ms on 3.2M float32). Element ``x`` counts in bin ``floor((x - min) * 16 / (max -
    min))``, the maximum in the last; ``np.histogram`` also moves an element lying within
    rounding of a bin edge to the edge's side, which a picture cannot show.

    >>> s = _finite_float_stats(np.arange(1 << 17, dtype=np.float32))
    >>> s['min'], s['max'], s['hist'][0], sum(s['hist'])
    (0.0, 131071.0, 8192, 131072)
    """
    n, step = flat.size, _STATS_CHUNK
    chunks = [flat[i:i + step] for i in range(0, n, step)]
    lo, hi, total = np.inf, -np.inf, 0.0
    for c in chunks:
        lo_c, hi_c = c.min(), c.max()
        if not (np.isfinite(lo_c) and np.isfinite(hi_c)):  # NaN propagates into min and max
            return None
        lo, hi = min(lo, float(lo_c)), max(hi, float(hi_c))
        total += float(np.add.reduce(c, dtype=np.float64))
    mean = total / n
    first, last = (lo, hi) if hi > lo else (lo - .5, lo + .5)
    norm = _BINS / (last - first)
    counts = np.zeros(_BINS + 1, np.intp)       # + the maximum's own bin, folded in below
    dev = squares = 0.0
    for c in chunks:
        x = c.astype(np.float64)
        squares += float(np.dot(x, x))
        d = x - mean
        dev += float(np.dot(d, d))
        np.subtract(x, first, out=d)
        d *= norm
        counts += np.bincount(d.astype(np.intp), minlength=_BINS + 1)
    counts[_BINS - 1] += counts[_BINS]
    return {"nan": 0, "inf": 0, "min": lo, "max": hi, "mean": mean,
            "std": float(np.sqrt(dev / n)), "rms": float(np.sqrt(squares / n)),
            "hist": [int(c) for c in counts[:_BINS]]}


def encode_array(name: str, group: str, array, node: str | None = None) -> dict:
    """One array as widget state: a 2-D crop as little-endian bytes, its shape, dtype and
    statistics of the whole array (min, max, mean, std, rms, NaN/inf counts, a histogram).

    ``node`` is the name of the graph box the array belongs to.

    >>> entry = encode_array('w', 'arg', np.arange(6, dtype=np.float32).reshape(2, 3))
    >>> entry['view_shape'], entry['dtype'], len(entry['data']), entry['stats']['max']
    ([2, 3], 'float32', 24, 5.0)
    >>> sum(entry['stats']['hist'])
    6
    """
    values = host_values(array)
    grid = values.reshape(1, -1) if values.ndim <= 1 else values.reshape(values.shape[0], -1)
    crop = grid[:_MAX_ROWS, :_MAX_COLS]
    wire = crop.dtype.name if crop.dtype.name in _WIRE_DTYPES else (
        "float32" if crop.dtype.kind in "fcb" else "int32")
    crop = np.ascontiguousarray(crop, dtype=np.dtype(wire).newbyteorder("<"))
    return {"name": name, "group": group, "node": node, "shape": list(values.shape),
            "dtype": values.dtype.name, "wire_dtype": wire, "view_shape": list(crop.shape),
            "data": crop.tobytes(), "stats": _stats(values)}


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
    kind = traitlets.Unicode("symbol").tag(sync=True)

    def __repr__(self):
        return "<%s %s: a live view, drawn in Jupyter>" % (type(self).__name__, self.title)

    def _static_bundle(self) -> dict:
        return {}

    def _repr_mimebundle_(self, **kwargs):
        # The static picture rides along: where widgets cannot run (GitHub, nbconvert, a saved
        # notebook opened without a kernel) it is what shows; LIVE_MIME asks symnb's lab
        # extension to try the live view first and keep the picture if the model is gone.
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        static = {k: v for k, v in self._static_bundle().items() if k != "text/plain"}
        live = {}
        if _WIDGET_MIME in data:
            live[LIVE_MIME] = {"version": 1, "model_id": data[_WIDGET_MIME].get("model_id")}
        return {**static, **data, **live}, metadata


class SymbolWidget(_GraphWidget):
    """The graph of a symbol as a widget (shapes on the edges when known), with zoom, pan,
    find and tooltips.

    >>> import symnb as mx
    >>> w = SymbolWidget(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc'),
    ...                  shape={'data': (2, 3)})
    >>> [n['name'] for n in w.graph['nodes']]
    ['data', 'fc', 'fc_output']
    """

    def __init__(self, symbol, shape=None, dtype=None, hide_weights=True, collapse=None,
                 **kwargs):
        self._symbol, self._shape, self._dtype = symbol, shape, dtype
        self._hide_weights = hide_weights
        self._collapse = _prefixes(collapse)
        self._known_prefixes = tuple(self._collapse)
        graph = self._graph()
        self._prepare(graph)
        super().__init__(title=", ".join(symbol.list_outputs()), graph=graph, **kwargs)
        self.on_msg(self._on_front_end)

    def _graph(self):
        if getattr(self, "_picture", "graph") == "executor":
            from ..pictures.executor_view import executor_document
            # no step tracker: it would copy the aux states on every step; the live view
            # keeps its own before -> after
            doc = executor_document(self._executor, track=False)
            # for the hover text: each operator's name and parameters (not in the picture)
            doc["operators"] = {n.name: {"op": n.op.name, "attrs": {
                k: v for k, v in n.attrs.items() if not k.startswith("__")}}
                for n in self._executor._symbol._order() if n.op is not None}
            return doc
        return graph_payload(self._symbol, shape=self._shape, dtype=self._dtype,
                             hide_weights=self._hide_weights,
                             collapse=self._collapse or None) | {
            "collapsible": list(self._collapsible)}

    def _prepare(self, graph):
        """Called with the graph before the widget's comm opens (its opening state)."""

    @property
    def _collapsible(self):
        return getattr(self, "_known_prefixes", ())

    def toggle(self, prefix: str) -> None:
        """Fold the nodes named ``prefix...`` into one box, or unfold them if folded.

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='blk_fc')
        >>> w = SymbolWidget(mx.sym.Activation(net, act_type='relu', name='blk_relu'))
        >>> w.toggle('blk_'); [n['name'] for n in w.graph['nodes']]
        ['x', 'blk_', 'blk_relu_output']
        >>> w.toggle('blk_'); len(w.graph['nodes'])
        4
        """
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("toggle: prefix must be a non-empty str, got %r" % (prefix,))
        known = list(self._collapsible)
        if prefix in self._collapse:
            self._collapse = [p for p in self._collapse if p != prefix]
        else:
            self._collapse = self._collapse + [prefix]
        if prefix not in known:
            known.append(prefix)
        self._known_prefixes = tuple(known)
        self.graph = self._graph()

    def _on_front_end(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("type") == "toggle":
            prefix = content.get("prefix")
            if isinstance(prefix, str) and prefix:
                self.toggle(prefix)

    def _static_bundle(self):
        from ._display import symbol_bundle
        return symbol_bundle(self._symbol, shape=self._shape)


def _prefixes(collapse):
    if collapse is None:
        return []
    if isinstance(collapse, str):
        return [collapse]
    return [str(p) for p in collapse]


# what ExecutorWidget.get_state adds to its traits: the live values, which travel as custom
# messages (throttled, only what changed) rather than as synced traits
_LIVE_STATE = frozenset({"arrays", "steps", "event", "trace"})


class ExecutorWidget(SymbolWidget):
    """An executor's picture, kept current: after ``forward``, ``backward`` and aux changes
    its boxes show the new outputs, gradients and aux states (before -> after) in place.

    Parameters
    ----------
    executor : Executor
        The executor to follow (until :meth:`close`).
    rate : float, default 4
        Most updates per second sent to the browser; steps in between are coalesced.
    color_by : {'', 'value', 'grad'}
        Colour the boxes by the RMS of their value or of their gradient.
    picture : {'auto', 'executor', 'graph'}
        ``'executor'``: the executor picture (an array on every node, the backward graph
        beside the forward one, as the static picture draws it); ``'graph'``: the symbol's
        graph with the values under its boxes (name-prefix groups fold, for big networks).
        ``'auto'``: the executor picture up to 40 operators without ``collapse``, else the
        graph.
    hide_weights, collapse
        As for the symbol's picture (graph only).

    >>> import symnb as mx
    >>> a, b = mx.sym.var('A'), mx.sym.var('B')
    >>> ex = (a * b).simple_bind(mx.cpu(), A=(2,), B=(2,))
    >>> w = ExecutorWidget(ex)
    >>> _ = ex.forward(A=np.ones(2) * 4, B=np.ones(2) * 2)
    >>> w.flush(); w.event, w.steps, [e['stats']['max'] for e in w.arrays if e['group'] == 'output']
    ('forward', 1, [8.0])
    >>> w.close()   # stops following the executor
    """

    rate = traitlets.Float(4.0).tag(sync=True)
    color_by = traitlets.Unicode("").tag(sync=True)

    def __init__(self, executor, hide_weights=True, rate=4.0, color_by="", collapse=None,
                 picture="auto", **kwargs):
        if not rate > 0:
            raise ValueError("ExecutorWidget: rate must be > 0 updates per second, got %r"
                             % (rate,))
        if color_by not in ("", "value", "grad"):
            raise ValueError("ExecutorWidget: color_by must be '', 'value' or 'grad', got %r"
                             % (color_by,))
        if picture not in ("auto", "executor", "graph"):
            raise ValueError("ExecutorWidget: picture must be 'auto', 'executor' or 'graph', "
                             "got %r" % (picture,))
        if picture == "auto":
            ops = sum(1 for n in executor._symbol._order() if n.op is not None)
            picture = "executor" if ops <= 40 and not collapse else "graph"
        self._picture = picture
        self._executor = executor
        self._backwarded = False
        shapes = {name: arr.shape for name, arr in executor.arg_dict.items()}
        shapes.update({name: arr.shape for name, arr in executor.aux_dict.items()})
        self._lock = threading.RLock()
        self._timer = None
        self._steps = self._sent_steps = 0
        self._event = "bind"
        self._pending = False
        self._last_event = self._next_flush = 0.0
        self._sent = {}          # key -> (bytes, stats) last sent
        self._entries = {}       # key -> entry as last encoded
        self._before = {}        # aux key -> stats before the last change
        self._trace = None
        self.flushes = self.messages = 0
        super().__init__(executor._symbol, shape=shapes, hide_weights=hide_weights,
                         collapse=collapse, kind="executor", rate=float(rate),
                         color_by=color_by, **kwargs)
        self._unsubscribe = executor._subscribe(self._on_event)

    def _prepare(self, graph):
        # the values at bind go out with the opening state
        self._attach = self._attachments(graph)
        self._encode_changed()
        self._next_flush = time.perf_counter() + 1.0 / self.rate

    # --------------------------------------------------------------- what the view reads
    @property
    def arrays(self) -> list[dict]:
        """Every array as last encoded (what a new view receives).

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> [(e['group'], e['name'], e['view_shape']) for e in w.arrays]   # at bind
        [('arg', 'A', [1, 2]), ('grad', 'A', [1, 2])]
        >>> w.close()
        """
        return list(self._entries.values())

    @property
    def steps(self) -> int:
        """Steps (forward and backward calls) sent to the browser so far.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> _ = ex.forward(); _ = ex.forward(); w.flush(); w.steps     # two steps, one update
        2
        >>> w.close()
        """
        return self._sent_steps

    @property
    def event(self) -> str:
        """The last step sent: 'bind', 'forward' or 'backward'.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> w.event
        'bind'
        >>> _ = ex.forward(is_train=True); ex.backward(mx.nd.ones(2)); w.flush(); w.event
        'backward'
        >>> w.close()
        """
        return self._sent_event if hasattr(self, "_sent_event") else "bind"

    def get_state(self, key=None, drop_defaults=False):
        """The synced state plus the live values (``arrays``, ``steps``, ``event``,
        ``trace``), so a view opened now draws the current values.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> _ = ex.forward(A=np.ones(2)); w.flush()
        >>> state = w.get_state(); state['event'], state['steps'], len(state['arrays'])
        ('forward', 1, 3)
        >>> w.get_state('steps')
        {'steps': 1}
        >>> w.close()
        """
        wanted = None if key is None else ({key} if isinstance(key, str) else set(key))
        traits = None if wanted is None else sorted(wanted - _LIVE_STATE)
        state = super().get_state(key=traits, drop_defaults=drop_defaults) \
            if traits is None or traits else {}
        if wanted is None or wanted & _LIVE_STATE:
            with self._lock:
                live = {"arrays": [self._with_before(e) for e in self._entries.values()],
                        "steps": self.steps, "event": self.event, "trace": self._trace}
            state.update((k, v) for k, v in live.items() if wanted is None or k in wanted)
        return state

    # --------------------------------------------------------------- the cheap step path
    def _on_event(self, event, executor):
        self._steps += 1
        self._event = event
        if event == "backward":
            self._backwarded = True
        self._pending = True
        now = time.perf_counter()
        self._last_event = now
        if now >= self._next_flush:
            self.flush()
        elif self._timer is None:
            self._arm(self._next_flush - now + _QUIET_S)

    def _arm(self, delay):
        timer = threading.Timer(max(delay, 0.001), self._trailing)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _trailing(self):
        with self._lock:
            self._timer = None
            if not self._pending:
                return
            quiet = time.perf_counter() - self._last_event
            if quiet < _QUIET_S:             # a loop is still running: it flushes inline
                self._arm(_QUIET_S - quiet)
                return
        self.flush()

    def flush(self) -> None:
        """Encode what changed since the last update and send it now (the throttle calls
        this; a test or the end of a cell may too).

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> _ = ex.forward(A=np.ones(2) * 3); w.flush()
        >>> w.flushes, [e['stats']['max'] for e in w.arrays if e['group'] == 'output']
        (1, [6.0])
        >>> w.close()
        """
        with self._lock:
            start = time.perf_counter()
            self._pending = False
            steps, event = self._steps, self._event
            changed = self._encode_changed()
            self._sent_steps, self._sent_event = steps, event
            self.flushes += 1
            if getattr(self, "comm", None) is not None:
                meta, buffers = [], []
                for entry in changed:
                    item = {k: v for k, v in self._with_before(entry).items() if k != "data"}
                    item["buffer"] = len(buffers)
                    buffers.append(entry["data"])
                    meta.append(item)
                self.send({"type": "values", "steps": steps, "event": event, "entries": meta},
                          buffers=buffers)
                self.messages += 1
            took = time.perf_counter() - start
            self._next_flush = start + max(1.0 / self.rate, took / _FLUSH_SHARE)

    def resync(self) -> None:
        """Send every array (not only what changed) and the trace: a front end that missed
        messages (its module was still loading) asks for this once.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> sent = []; w.send = lambda msg, buffers=None: sent.append(len(msg['entries']))
        >>> w.flush(); w.resync(); sent     # nothing changed, then both arrays again
        [0, 2]
        >>> w.close()
        """
        with self._lock:
            self._sent.clear()
            self._pending = True
        self.flush()
        if self._trace is not None:
            self._send_trace(self._trace)

    def _with_before(self, entry):
        before = self._before.get((entry["group"], entry["name"]))
        return entry if before is None else {**entry, "before": before}

    # --------------------------------------------------------------- encoding
    def _attachments(self, graph=None) -> dict:
        """Array name -> the graph box it is drawn on (hidden weights go to their operator,
        members of a folded group to the group)."""
        graph = self.graph if graph is None else graph
        names = {n["name"] for n in graph.get("nodes", ())}
        group_of = {m: n["name"] for n in graph.get("nodes", ()) for m in n.get("members")
                    or ()}
        consumer = {}
        for node in self._executor._symbol._order():
            if node.op is None:
                continue
            for e in node.inputs:
                if e.node.op is None:
                    consumer.setdefault(e.node.name, node.name)

        def box(name):
            for candidate in (name, consumer.get(name)):
                if candidate in names:
                    return candidate
                if candidate in group_of:
                    return group_of[candidate]
            return None
        attach = {}
        for name in list(self._executor.arg_dict) + list(self._executor.aux_dict):
            attach[name] = box(name)
        for step in self._executor._plan.fwd_steps:
            attach[step.node.name + "_output"] = box(step.node.name)
        for name in self._executor.output_dict:
            attach[name] = name if name in names else box(name[:-len("_output")])
        return attach

    def _sources(self):
        ex = self._executor
        # internal entries holding oneDNN's blocked layouts (a training plan's) are read as
        # NCHW copies: the plan keeps its layouts, and its next step its saved reorders.
        # One buffer holds each copy until the next: every array yielded is encoded first.
        readable = functools.partial(ex._plan.readable, reuse=True)
        yield from (("arg", k, v) for k, v in ex.arg_dict.items())
        if ex.grad_arrays is not None:
            yield from (("grad", k, v) for k, v in ex.grad_dict.items() if v is not None)
        yield from (("aux", k, v) for k, v in ex.aux_dict.items())
        if self._backwarded:
            # the gradient of each operator's output, d(<node>_output), as backward left it
            for s in ex._plan.bwd_steps:
                if s.ograds and s.ograds[0] is not None:
                    yield ("igrad", s.node.name + "_output",
                           readable(ex._rt.to_numpy(s.ograds[0])))
        if ex._forwarded:
            yield from (("output", k, v) for k, v in ex.output_dict.items())
            outs = [s.outs[0] for s in ex._plan.fwd_steps if s.outs]
            if len({id(o) for o in outs}) == len(outs):        # buffers not reused
                heads = {id(a) for a in ex._plan.head_arrays}
                # entries a fused inference forward did not write (executor/_fuse.py)
                fused = ex._plan.fused_entries if ex._plan.fused_ran else ()
                for s in ex._plan.fwd_steps:
                    if s.outs and id(s.outs[0]) not in heads and (id(s.node), 0) not in fused:
                        yield "internal", s.node.name + "_output", readable(s.outs[0])

    def _encode_changed(self) -> list[dict]:
        changed = []
        for group, name, array in self._sources():
            entry = encode_array(name, group, array, node=self._attach_of(name))
            key = (group, name)
            last = self._sent.get(key)
            if last is not None and last[0] == entry["data"] and last[1] == entry["stats"]:
                continue
            if group == "aux" and last is not None:
                self._before[key] = last[1]
            self._sent[key] = (entry["data"], entry["stats"])
            self._entries[key] = entry
            changed.append(entry)
        return changed

    def _attach_of(self, name):
        # the executor picture finds an array's node by the array's name itself
        if getattr(self, "_picture", "graph") == "executor":
            return None
        return getattr(self, "_attach", {}).get(name)

    def toggle(self, prefix: str) -> None:
        """Fold or unfold the boxes named ``prefix...`` (the arrays follow their box); folding
        draws the graph picture (the executor picture has no groups).

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='blk_fc')
        >>> w = ExecutorWidget(net.simple_bind(mx.cpu(), x=(1, 3)))
        >>> w.toggle('blk_'); {e['name']: e['node'] for e in w.arrays if e['group'] == 'arg'}
        {'x': 'x', 'blk_fc_weight': 'blk_', 'blk_fc_bias': 'blk_'}
        >>> w.close()
        """
        self._picture = "graph"
        super().toggle(prefix)
        with self._lock:
            self._attach = self._attachments()
            for entry in self._entries.values():
                entry["node"] = self._attach.get(entry["name"])
            self._sent.clear()
        self.flush()

    # --------------------------------------------------------------- step-through
    def record_step(self, out_grads=None, **inputs) -> list[dict]:
        """Run one real ``forward(is_train=True)`` (and ``backward`` when gradients are
        bound) with the executor's monitor hook, and keep what every node computed, in
        execution order: each operator's outputs, then each backward step's gradients.

        ``inputs`` are copied into the arguments first, as ``forward`` does; ``out_grads``
        default to ones for outputs that are not losses. Auxiliary states and ``'add'``
        gradients are restored afterwards, so recording does not change training. The view's
        step/play/reset controls then replay this trace. Returns the trace (one dict per
        node visited: ``phase``, ``node``, ``box``, ``arrays``).

        >>> import symnb as mx
        >>> x = mx.sym.var('x')
        >>> ex = (mx.sym.exp(x, name='e') * 2).simple_bind(mx.cpu(), x=(2,))
        >>> w = ExecutorWidget(ex)
        >>> [(s['phase'], s['node']) for s in w.record_step(x=np.zeros(2))]
        [('forward', 'e'), ('forward', '_mulscalar0'),
         ('backward', '_mulscalar0'), ('backward', 'e')]
        >>> [a['name'] for a in w.record_step()[-1]['arrays']]
        ['d(e_output)', 'd(x)']
        """
        from ..ndarray import NDArray
        ex = self._executor
        plan = ex._plan
        saved_monitor = (ex._monitor, ex._monitor_all)
        keep = [a.asnumpy() for a in ex.aux_arrays]
        adds = [(g, g.asnumpy()) for g, r in zip(ex.grad_arrays or (), ex._grad_req or ())
                if g is not None and r == "add"]
        seen = []
        user = ex._monitor

        def monitor(name, array):
            seen.append((name.decode("utf-8") if isinstance(name, bytes) else name,
                         np.array(array.asnumpy())))
            if user is not None:
                user(name, array)

        observers = list(ex._observers)
        ex._observers.clear()        # the recording run is not a training step: no one sees it
        try:
            ex.set_monitor_callback(monitor, monitor_all=False)
            ex.forward(is_train=True, **inputs)
            n_forward = len(seen)
            backward_grads = []
            if plan.has_backward:
                if out_grads is None:
                    out_grads = [None if not needs else NDArray(np.ones(o.shape, o.dtype))
                                 for needs, o in zip(plan.head_needs_grad, ex.outputs)]
                    out_grads = [g if g is not None else NDArray(np.zeros(o.shape, o.dtype))
                                 for g, o in zip(out_grads, ex.outputs)]
                ex.backward(out_grads)
                backward_grads = seen[n_forward:]
        finally:
            ex._monitor, ex._monitor_all = saved_monitor
            ex._observers[:] = observers
        trace = self._forward_trace(seen[:n_forward])
        if plan.has_backward:
            trace += self._backward_trace(backward_grads)
        for arr, value in zip(ex.aux_arrays, keep):
            arr[:] = value
        for g, value in adds:
            g[:] = value
        with self._lock:
            self._trace = [{**s, "arrays": [dict(a) for a in s["arrays"]]} for s in trace]
        self._send_trace(self._trace)
        self._pending = True       # outputs and gradients of the recorded run
        self.flush()
        return trace

    def _send_trace(self, trace):
        if getattr(self, "comm", None) is None:
            return
        meta, buffers = [], []
        for s in trace:
            items = []
            for a in s["arrays"]:
                items.append({**{k: v for k, v in a.items() if k != "data"},
                              "buffer": len(buffers)})
                buffers.append(a["data"])
            meta.append({**s, "arrays": items})
        self.send({"type": "trace", "steps": meta}, buffers=buffers)

    def _forward_trace(self, seen):
        trace, k = [], 0
        for step in self._executor._plan.fwd_steps:
            n = len(step.outs)
            arrays = [encode_array(name, "output", value, node=step.node.name)
                      for name, value in seen[k:k + n]]
            k += n
            trace.append({"phase": "forward", "node": step.node.name,
                          "box": self._op_box(step.node.name), "arrays": arrays})
        return trace

    def _op_box(self, name):
        """The box an operator is drawn in: its own, or its folded group's."""
        names = {n["name"] for n in self.graph.get("nodes", ())}
        if name in names:
            return name
        for n in self.graph.get("nodes", ()):
            if name in (n.get("members") or ()):
                return n["name"]
        return None

    def _backward_trace(self, seen):
        trace, k = [], 0
        ex = self._executor
        for step in ex._plan.bwd_steps:
            arrays = []
            if step.ograds and step.ograds[0] is not None:
                arrays.append(encode_array("d(%s_output)" % step.node.name, "grad",
                                           ex._rt.to_numpy(step.ograds[0]),
                                           node=step.node.name))
            for e, g in zip(step.node.inputs, step.igrads):
                if g is None:
                    continue
                name, value = seen[k]
                k += 1
                target = e.node.name if e.node.op is None else "%s_output" % e.node.name
                arrays.append(encode_array("d(%s)" % target, "grad", value,
                                           node=self._attach_of(e.node.name)
                                           if e.node.op is None else e.node.name))
            trace.append({"phase": "backward", "node": step.node.name,
                          "box": self._op_box(step.node.name), "arrays": arrays})
        return trace

    # --------------------------------------------------------------- front end and life
    def _on_front_end(self, widget, content, buffers):
        if isinstance(content, dict) and content.get("type") == "record":
            self.record_step()
            return
        if isinstance(content, dict) and content.get("type") == "sync":
            self.resync()
            return
        super()._on_front_end(widget, content, buffers)

    def _static_bundle(self):
        # the executor picture as Executor displays it, without subscribing a step tracker
        from ..pictures.doc_svg import document_svg
        from ..pictures.executor_view import executor_document
        from ..pictures.html import executor_html
        doc = executor_document(self._executor, track=False)
        svg = document_svg(doc)
        return {"image/svg+xml": svg, "text/html": executor_html(self._executor, picture=svg),
                "application/vnd.symnb.graph+json": doc}

    def close(self):
        """Stop following the executor, then close the widget.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('A') * 2).simple_bind(mx.cpu(), A=(2,))
        >>> w = ExecutorWidget(ex)
        >>> w.close(); _ = ex.forward(); w.flush(); w.steps, w.comm is None
        (0, True)
        """
        unsubscribe, self._unsubscribe = getattr(self, "_unsubscribe", None), None
        if unsubscribe is not None:
            unsubscribe()
        timer, self._timer = getattr(self, "_timer", None), None
        if timer is not None:
            timer.cancel()
        super().close()
