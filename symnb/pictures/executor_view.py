"""The executor picture's view model: the document every executor picture is drawn from.

:func:`executor_document` reads an Executor (its plan, its arrays, the shapes and dtypes its
inference engine decided at bind) and computes everything the picture shows -- roles, colours,
box text, values, thumbnails, layout coordinates, the legend -- into one plain-JSON document
(schema: :mod:`symnb.pictures.graph_json`). The static SVG (:func:`document_svg`) and the
JavaScript renderers only draw it.

It follows the picture language of MXNet's "Symbolic Configuration and Execution in Pictures":
an array on every node (arguments orange, internal arrays grey, outputs red, auxiliary states
dark green), and after ``bind`` with ``args_grad`` a backward graph beside the forward one:
``d(X)`` gradient nodes, the head gradient as a blue backward input node, green gradient
holders of the arguments, chain-rule edges pointing from each gradient to the gradients it
feeds. What the plan does not compute is faded.

>>> import symnb as mx
>>> A, B = mx.sym.var('A'), mx.sym.var('B')
>>> ex = (A * B).bind(mx.cpu(), {'A': mx.nd.ones(1) * 10, 'B': mx.nd.ones(1)})
>>> doc = executor_document(ex, names={})
>>> [(n['name'], n['role']) for n in doc['nodes']]
[('A', 'argument'), ('B', 'argument'), ('_mul0', 'output')]
>>> doc['nodes'][2]['array']
'_mul0_output'
>>> doc['nodes'][0]['value']['text'], doc['nodes'][2]['value']['state']
('10', 'not_computed')
"""
from __future__ import annotations

import sys
import weakref

import numpy as np

from ..executor import _fuse
from ._markup import text_width
from .graph_json import GRAPH_JSON_VERSION

__all__ = ["executor_document", "ROLE_STYLE", "value_view", "user_names", "names_in"]

# role -> (marker, fill, stroke, legend text); the page's colours
ROLE_STYLE = {
    "argument": ("square", "#f5a623", "#b86f00", "argument arrays"),
    "output": ("square", "#e8201a", "#9e0f0b", "output arrays"),
    "grad_holder": ("square", "#33d63a", "#1f8f24", "argument gradient holders"),
    "internal": ("square", "#b5b5b5", "#6f6f6f", "internal arrays"),
    "head_grad": ("circle", "#3b7ddd", "#1f4f99", "backward input nodes"),
    "aux": ("square", "#2e7d32", "#1b4d1e", "auxiliary state arrays"),
    "gradient": ("square", "#b5b5b5", "#6f6f6f", "d(?) gradient node of ?"),
}
_LEGEND_ORDER = ("argument", "output", "grad_holder", "internal", "head_grad", "aux")
_OP_SYMBOLS = {"elemwise_mul": "*", "broadcast_mul": "*", "_mul_scalar": "*", "_MulScalar": "*",
               "elemwise_add": "+", "broadcast_add": "+", "_plus_scalar": "+", "_Plus": "+",
               "elemwise_sub": "−", "broadcast_sub": "−", "_minus_scalar": "−",
               "elemwise_div": "/", "broadcast_div": "/", "_div_scalar": "/", "dot": "dot",
               "_rminus_scalar": "−", "_rdiv_scalar": "/", "add_n": "+"}
# font stacks: text sizes are estimated for DejaVu Sans (the widest common sans) and
# DejaVu Sans Mono, which therefore come first
FONTS = {"sans": "DejaVu Sans, Verdana, system-ui, -apple-system, 'Segoe UI', Helvetica, "
                 "Arial, sans-serif",
         "mono": "DejaVu Sans Mono, Menlo, Consolas, monospace"}
SMALL = 8                       # arrays with at most this many elements show their numbers
MARKER = 14.0
_FONT = {"name": 12.0, "value": 11.0, "op": 12.5, "caption": 10.0}
_LINE = 14.0
_THUMB_W, _THUMB_H = 56.0, 24.0
_GAP_X = 16.0                   # between the marker and its text
_SECTION_GAP = 56.0
_MAX_WIDE = 1000.0              # px: a wider forward + backward pair is stacked instead
_SMALL_GRAPH = 14               # forward nodes up to which operand edges are drawn
_FADED = 0.28
_TRACKERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ------------------------------------------------------------------ value text
def _num(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return "%.4g" % x


def _nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return _num(a.item())
    return "[" + ", ".join(_nested(x) for x in a) + "]"


def _shape_text(shape) -> str:
    return "×".join(str(d) for d in shape) if shape else "scalar"


# ------------------------------------------------------------------ values
def value_view(values, *, computed: bool = True, before=None) -> dict:
    """What a picture says about one array: its numbers (up to :data:`SMALL` elements), else
    shape, dtype, min/max and a thumbnail; ``computed=False`` says it holds nothing yet.

    >>> value_view(np.array([4.0], np.float32))['text']
    '4'
    >>> v = value_view(np.arange(12.0).reshape(3, 4)); v['state'], v['text'], v['thumbnail']['kind']
    ('summary', '3×4 float64', 'heatmap')
    >>> value_view(np.zeros(2), computed=False)['text']
    'not computed yet'
    """
    values = host_values(values)
    out = {"state": "values", "shape": [int(d) for d in values.shape],
           "dtype": str(values.dtype), "size": int(values.size), "text": "", "values": None,
           "min": None, "max": None, "mean": None, "nan": 0, "inf": 0, "before": None,
           "thumbnail": None}
    if not computed:
        out.update(state="not_computed", text="not computed yet")
        return out
    numeric = values.dtype.kind in "biuf"
    if numeric and values.size:
        with np.errstate(all="ignore"):
            flat = values.astype(np.float64, copy=False).ravel()
            finite = np.isfinite(flat)
            good = flat[finite]
            out["nan"] = int(np.isnan(flat).sum())
            out["inf"] = int(flat.size - finite.sum() - out["nan"])
            if good.size:
                out.update(min=_py(good.min()), max=_py(good.max()), mean=_py(good.mean()))
    if values.size <= SMALL:
        out["values"] = [_py(v) if numeric else str(v) for v in values.ravel().tolist()]
        out["text"] = _nested(values) if values.ndim > 1 else (
            _num(values.ravel()[0]) if values.size == 1 else _nested(values.ravel()))
    else:
        out["state"] = "summary"
        out["text"] = "%s %s" % (_shape_text(values.shape), values.dtype.name)
        if out["min"] is not None:
            out["thumbnail"] = _thumbnail(values)
    if isinstance(before, dict):         # a big array's summary, kept by the tracker
        if before["shape"] == out["shape"] and (before["min"], before["max"], before["mean"]) \
                != (out["min"], out["max"], out["mean"]):
            out["before"] = {k: before[k] for k in ("text", "min", "max", "mean", "lines")}
    elif before is not None:
        prev = host_values(before)
        if prev.shape == values.shape and not np.array_equal(prev, values, equal_nan=True):
            b = value_view(prev)
            out["before"] = {"text": b["text"], "min": b["min"], "max": b["max"],
                             "mean": b["mean"],
                             "lines": _value_lines(b) if b["state"] == "values" else [b["text"]]}
    return out


def host_values(values) -> np.ndarray:
    """A NumPy array of an NDArray, a NumPy array or a CuPy buffer (CuPy refuses implicit
    conversion; an executor's internal arrays are raw backend buffers).

    >>> import symnb as mx
    >>> host_values(mx.nd.ones((2,))).tolist()
    [1.0, 1.0]
    """
    if hasattr(values, "asnumpy"):
        return values.asnumpy()
    if not isinstance(values, np.ndarray) and hasattr(values, "get"):
        values = values.get()
    return np.asarray(values)



def _py(x):
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else round(x, 6)


_VIRIDIS = np.array([[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142], [33, 145, 140],
                     [40, 174, 128], [94, 201, 98], [173, 220, 48], [253, 231, 37]], float)


def _colors(t: np.ndarray) -> list[str]:
    scaled = np.clip(np.nan_to_num(t, nan=0.0), 0, 1) * (len(_VIRIDIS) - 1)
    low = np.minimum(scaled.astype(int), len(_VIRIDIS) - 2)
    frac = (scaled - low)[..., None]
    rgb = _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac
    return ["#dde1e5" if bad else "#%02x%02x%02x" % (int(r), int(g), int(b))
            for bad, (r, g, b) in zip(np.isnan(t).ravel(), rgb.reshape(-1, 3), strict=True)]


def _thumbnail(values: np.ndarray) -> dict:
    """A heatmap (2-D and up, block means on at most 6x14 cells) or a 14-bin histogram."""
    with np.errstate(all="ignore"):
        a = np.asarray(values, dtype=np.float64)
        if a.ndim >= 2:
            a = a.reshape(-1, a.shape[-1])
            rows, cols = min(6, a.shape[0]), min(14, a.shape[1])
            r_edges = np.linspace(0, a.shape[0], rows + 1).astype(int)
            c_edges = np.linspace(0, a.shape[1], cols + 1).astype(int)
            grid = np.full((rows, cols), np.nan)
            for i in range(rows):
                for j in range(cols):
                    block = a[r_edges[i]:r_edges[i + 1], c_edges[j]:c_edges[j + 1]]
                    block = block[np.isfinite(block)]
                    if block.size:
                        grid[i, j] = block.mean()
            finite = grid[np.isfinite(grid)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0, 1)
            t = (grid - low) / (high - low) if high > low else np.where(
                np.isnan(grid), np.nan, 0.5)
            colors = _colors(t)
            return {"kind": "heatmap", "rows": rows, "cols": cols,
                    "cells": [colors[i * cols:(i + 1) * cols] for i in range(rows)],
                    "bars": None, "width": _THUMB_W, "height": _THUMB_H}
        flat = a.ravel()
        flat = flat[np.isfinite(flat)]
        low, high = float(flat.min()), float(flat.max())
        counts, _ = np.histogram(flat, bins=14, range=(low, high) if high > low else (
            low - 0.5, high + 0.5))
    peak = max(int(counts.max()), 1)
    return {"kind": "histogram", "rows": 0, "cols": 14, "cells": None,
            "bars": [round(int(c) / peak, 3) for c in counts], "width": _THUMB_W,
            "height": _THUMB_H}


# ------------------------------------------------------------------ user names
def user_names() -> dict:
    """``{id(buffer or node entry): name}`` of the NDArrays and Symbols in the running
    IPython's namespace, so pictures say ``a=10`` and ``d(C)`` as the page does. Empty
    outside IPython (IPython is never imported here).

    >>> user_names()          # no IPython shell running
    {}
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return {}
    return names_in(shell.user_ns)


def names_in(namespace: dict) -> dict:
    """:func:`user_names` of a given namespace (e.g. ``globals()``).

    >>> import symnb as mx
    >>> a = mx.nd.ones(1)
    >>> names_in({'a': a, '_hidden': a})[('array', id(a._data))]
    'a'
    """
    from ..ndarray import NDArray
    from ..symbol import Symbol
    found = {}
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        if isinstance(value, NDArray):
            found.setdefault(("array", id(value._data)), name)
        elif isinstance(value, Symbol) and len(value._heads) == 1:
            node, index = value._heads[0]
            found.setdefault(("entry", id(node), index), name)
    return found


# ------------------------------------------------------------------ step tracking
_KEEP = 64      # arrays up to this many elements are kept whole by the tracker, bigger ones
#                as a summary (so following a big net costs one pass, not a copy, per step)


def _snapshot(nd):
    """What the tracker keeps of an array: a copy when small, else its summary."""
    values = nd.asnumpy()
    if values.size <= _KEEP:
        return values.copy()
    with np.errstate(all="ignore"):
        flat = values.astype(np.float64, copy=False).ravel()
        good = flat[np.isfinite(flat)]
        low, high, mean, total = ((_py(good.min()), _py(good.max()), _py(good.mean()),
                                   float(good.sum())) if good.size else (None, None, None, 0.0))
    text = "%s %s" % (_shape_text(values.shape), values.dtype.name)
    return {"text": text, "min": low, "max": high, "mean": mean, "lines": [text],
            "shape": [int(d) for d in values.shape], "sum": total}


def _same(a, b) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and all(
            a[k] == b[k] for k in ("shape", "min", "max", "mean", "sum"))
    return b is not None and np.array_equal(a, b, equal_nan=True)


class _Tracker:
    """Follows an executor's steps: counts forward/backward, and keeps the aux states and the
    ``'add'`` gradients as they were before the last step that changed them (before ->
    after)."""

    def __init__(self, ex):
        self.forwards = 0
        self.backwards = 0
        self.late = bool(ex._forwarded)     # attached after steps ran: gradients as held
        self.aux = self._aux(ex)
        self.grads = self._grads(ex)
        self.aux_before: dict = {}
        self.grad_before: dict = {}
        ex._subscribe(self)

    @staticmethod
    def _aux(ex):
        return {k: _snapshot(v) for k, v in zip(ex._aux_names, ex.aux_arrays)}

    @staticmethod
    def _grads(ex):
        grads = ex.grad_arrays or []
        return {k: _snapshot(g) for k, g, r in zip(ex._arg_names, grads, ex._grad_req)
                if g is not None and r == "add"}

    def __call__(self, event, ex):
        if event == "forward":
            self.forwards += 1
        elif event == "backward":
            self.backwards += 1
        now = self._aux(ex)
        for name, value in now.items():
            if not _same(value, self.aux.get(name)):
                self.aux_before[name] = self.aux[name]
        self.aux = now
        if event == "backward":
            grads = self._grads(ex)
            self.grad_before = {k: self.grads[k] for k in grads if k in self.grads}
            self.grads = grads


def _backward_ran(plan) -> bool:
    """For executors first seen after steps ran: whether a backward pass has written the
    planned gradient buffers (they start as zeros; forward never touches them). A backward
    whose gradients were all exactly zero reads as not run."""
    for step in plan.bwd_steps:
        for g in step.ograds:
            if g is not None and bool((g != 0).any()):
                return True
    return False


def _tracker(ex) -> _Tracker:
    """The executor's step tracker, subscribed on first use."""
    found = _TRACKERS.get(ex)
    if found is None:
        found = _TRACKERS[ex] = _Tracker(ex)
    return found


# ------------------------------------------------------------------ the document
def _op_text(node) -> str:
    symbol = _OP_SYMBOLS.get(node.op.name)
    if symbol is not None:
        return symbol
    return "op=" + node.op.label(node.params, node.attrs).split("\n")[0]


def executor_document(ex, names: dict | None = None, *, track: bool = True) -> dict:
    """The view-model document of an executor (schema in :mod:`symnb.pictures.graph_json`).

    Parameters
    ----------
    ex : Executor
    names : dict, optional
        :func:`user_names` result (the default looks in IPython's namespace); ``{}`` labels
        arrays with their argument and node names only.
    track : bool
        Subscribe a step tracker to the executor (for before -> after of aux states and
        accumulating gradients) when it has none yet.

    Examples
    --------
    >>> import symnb as mx
    >>> A, B = mx.sym.var('A'), mx.sym.var('B')
    >>> ex = (A * B).bind(mx.cpu(), {'A': mx.nd.ones(1) * 10, 'B': mx.nd.ones(1) * 2},
    ...                   args_grad={'A': mx.nd.zeros(1)})
    >>> _ = ex.forward(is_train=True); ex.backward(mx.nd.ones(1))
    >>> doc = executor_document(ex, names={})
    >>> [n['title'] for n in doc['nodes'] if n['section'] == 'backward']
    ['d(A)', 'd(B)', 'd(_mul0_output)']
    >>> [n['value']['text'] for n in doc['nodes'] if n['role'] == 'grad_holder']
    ['2']
    """
    from ..graph import topo_order
    if names is None:
        names = user_names()
    trk = _tracker(ex) if track else _TRACKERS.get(ex)
    plan = ex._plan
    plan.plain()            # arrays holding oneDNN's blocked layouts: NCHW again to be read
    order = list(ex._order) if ex._order is not None else topo_order(ex._bound_symbol._heads)
    heads = list(ex._heads)
    arg_ids = {id(n): k for k, n in enumerate(ex._arg_nodes)}
    aux_ids = {id(n): k for k, n in enumerate(ex._aux_nodes)}
    head_index = {}
    for h, (node, i) in enumerate(heads):
        head_index.setdefault((id(node), i), h)
    grads = ex.grad_arrays if ex.grad_arrays is not None else [None] * len(ex._arg_nodes)
    wants_grad = {id(n) for n, g, r in zip(ex._arg_nodes, grads, ex._grad_req)
                  if g is not None and r != "null"}
    has_backward = bool(plan.has_backward and (wants_grad or plan.bwd_steps))
    forwarded = bool(ex._forwarded)
    backwarded = trk.backwards > 0 if trk is not None and not trk.late else \
        _backward_ran(plan)

    # which entries the backward pass computes
    computed = {id(s.node) for s in plan.bwd_steps} | wants_grad
    ograd_of = {}
    for step in plan.bwd_steps:
        for i, g in enumerate(step.ograds):
            if g is not None:
                ograd_of[(id(step.node), i)] = g
    # entries whose memory is shared with another entry (inference-only liveness reuse)
    owners: dict[int, int] = {}
    for arr in plan.entry_arrays.values():
        owners[id(arr)] = owners.get(id(arr), 0) + 1

    def display_name(node, index=0):
        if node.op is None:
            return node.name
        user = names.get(("entry", id(node), index))
        if user:
            return user
        return "%s_%s" % (node.name, node.op.output_names(node.params)[index])

    nodes, edges = [], []
    fwd_index = {}
    for node in order:
        nid = "f%d" % len(nodes)
        if node.op is None:
            if id(node) in aux_ids:
                k = aux_ids[id(node)]
                arr = ex.aux_arrays[k]
                role = "aux"
                before = trk.aux_before.get(node.name) if trk is not None else None
                value = value_view(arr.asnumpy(), before=before)
            else:
                k = arg_ids[id(node)]
                arr = ex.arg_arrays[k]
                role = "output" if (id(node), 0) in head_index else "argument"
                value = value_view(arr.asnumpy())
            array_name = names.get(("array", id(arr._data))) or node.name
            entry = node.name
            shape, dtype = tuple(arr.shape), np.dtype(arr.dtype).name
            ops_text = ""
        else:
            arr = plan.entry_arrays.get((id(node), 0))
            role = "output" if any((id(node), i) in head_index
                                   for i in range(node.num_outputs())) else "internal"
            shape = tuple(ex._shapes[id(node)][0])
            dtype = np.dtype(ex._dtypes[id(node)][0]).name
            if arr is None:
                value = value_view(np.zeros(0), computed=False)
            elif role == "internal" and plan.fused_ran and (id(node), 0) in plan.fused_entries:
                # the last forward ran this node inside a fused convolution (executor/_fuse.py)
                value = value_view(arr, computed=False)
                value["state"], value["text"] = "fused", "fused in %s" % _fuse.FUSED_OP_NAME
            elif owners.get(id(arr), 0) > 1 and role == "internal" and \
                    not plan.holds_own_value((id(node), 0)):
                value = value_view(arr, computed=False)
                value["state"], value["text"] = "reused", "memory reused"
            else:
                value = value_view(arr, computed=forwarded)
            array_name = display_name(node)
            entry = "%s_%s" % (node.name, node.op.output_names(node.params)[0])
            ops_text = _op_text(node)
        fwd_index[id(node)] = len(nodes)
        nodes.append(_node(nid, "forward", role, node, array_name, entry, shape, dtype, value,
                           ops_text, faded=False))
    for node in order:
        if node.op is None:
            continue
        for e in node.inputs:
            edges.append(_edge("forward", "data", nodes[fwd_index[id(e.node)]]["id"],
                               nodes[fwd_index[id(node)]]["id"]))

    if has_backward:
        bwd_index = {}
        for node in order:
            if id(node) in aux_ids:
                continue
            nid = "b%d" % len(nodes)
            fnode = nodes[fwd_index[id(node)]]
            is_head = (id(node), 0) in head_index
            solid = id(node) in computed
            if node.op is None:
                k = arg_ids[id(node)]
                g = grads[k]
                role = "grad_holder" if id(node) in wants_grad else "gradient"
                holder = names.get(("array", id(g._data))) if g is not None else None
                if g is not None and solid:
                    before = trk.grad_before.get(node.name) if (
                        trk is not None and ex._grad_req[k] == "add") else None
                    value = value_view(g.asnumpy(), computed=backwarded, before=before)
                else:
                    value = value_view(np.zeros(0), computed=False)
                    value["text"] = "not requested" if g is None or ex._grad_req[k] == "null" \
                        else "not computed yet"
                req = ex._grad_req[k] if g is not None else "null"
            else:
                holder, req = None, "write"
                buf = ograd_of.get((id(node), 0))
                h = head_index.get((id(node), 0))
                if is_head and h is not None and plan.head_needs_grad[h] and solid:
                    role = "head_grad"
                else:
                    role = "gradient"
                if buf is not None and solid:
                    value = value_view(buf, computed=backwarded)
                else:
                    value = value_view(np.zeros(0), computed=False)
                    value["text"] = ("loss: no head gradient" if node.op.loss_head and is_head
                                     else "not needed")
            gname = "d(%s)" % (fnode["array"] if node.op is not None else node.name)
            n = _node(nid, "backward", role, node, holder or gname, fnode["entry"],
                      fnode["shape"], fnode["dtype"], value, "", faded=not solid)
            n["gradient_of"] = fnode["id"]
            n["grad_req"] = req
            n["title"] = gname
            bwd_index[id(node)] = len(nodes)
            nodes.append(n)
        small = sum(1 for n in nodes if n["section"] == "forward") <= _SMALL_GRAPH
        if small and backwarded:
            _formulas(order, nodes, fwd_index, bwd_index, computed)
        for node in order:
            if node.op is None:
                continue
            ins = [e for e in node.inputs if id(e.node) in bwd_index]
            for e in ins:
                src, dst = nodes[bwd_index[id(node)]], nodes[bwd_index[id(e.node)]]
                edges.append(_edge("backward", "chain", src["id"], dst["id"],
                                   faded=src["faded"] or dst["faded"]))
            if not small:
                continue
            for e in ins:
                if id(e.node) not in computed:
                    continue
                for other in _operands(node, e):
                    edges.append(_edge("between", "operand",
                                       nodes[fwd_index[id(other.node)]]["id"],
                                       nodes[bwd_index[id(e.node)]]["id"]))
    doc = {"version": GRAPH_JSON_VERSION, "kind": "executor", "title": "Executor",
           "state": {"forwards": trk.forwards if trk else None,
                     "backwards": trk.backwards if trk else None,
                     "forwarded": forwarded, "has_backward": has_backward},
           "nodes": nodes, "edges": edges, "sections": [], "legend": [], "notes": [],
           "fonts": dict(FONTS), "width": 0, "height": 0}
    doc["notes"] = _output_notes(ex, nodes, heads, fwd_index, forwarded)
    _layout(doc)
    return doc


def _operands(node, entry):
    """The forward inputs the gradient of ``entry`` is computed from, where that is one
    plain factor: the other operand of a product, the weight for the data of a dense or
    convolution layer and the data for its weight (the page's ``b -> d(A)``)."""
    if node.op.name in _TIMES and len(node.inputs) == 2:
        return [e for e in node.inputs if e is not entry and e.node is not entry.node]
    if node.op.family not in ("dense", "conv", "convolution"):
        return []
    declared = node.op.input_names(node.params)
    roles = [node.op.role(declared[k]) if k < len(declared) else "data"
             for k in range(len(node.inputs))]
    mine = roles[node.inputs.index(entry)]
    want = {"data": "weight", "weight": "data"}.get(mine)
    return [e for e, r in zip(node.inputs, roles, strict=True) if r == want]


_PASS = frozenset({"elemwise_add", "broadcast_add", "_plus_scalar", "_minus_scalar", "add_n",
                   "_copy", "identity"})
_TIMES = frozenset({"elemwise_mul", "broadcast_mul"})


def _formulas(order, nodes, fwd_index, bwd_index, computed):
    """The chain rule as the page writes it, ``d(A) = 1 * d(C)``, for gradients made only by
    operators whose derivative is a plain product or sum (elementwise +, -, *, scalars)."""
    terms: dict[int, list[str] | None] = {}
    for node in order:
        if node.op is None or id(node) not in computed:
            continue
        dy = nodes[bwd_index[id(node)]]["title"]
        name = node.op.name
        for pos, e in enumerate(node.inputs):
            key = id(e.node)
            if key not in computed or key not in bwd_index:
                continue
            if name in _PASS:
                term = dy
            elif name == "elemwise_sub":
                term = dy if pos == 0 else "-" + dy
            elif name in _TIMES and len(node.inputs) == 2:
                other = nodes[fwd_index[id(node.inputs[1 - pos].node)]]
                ov = other["value"]
                factor = ov["text"] if ov["state"] == "values" and ov["size"] == 1 \
                    else other["array"]
                term = "%s * %s" % (factor, dy)
            elif name == "_mul_scalar":
                term = "%s * %s" % (node.attrs.get("scalar", "?"), dy)
            elif name == "_div_scalar":
                term = "%s / %s" % (dy, node.attrs.get("scalar", "?"))
            else:
                term = None
            if term is None or terms.get(key, []) is None:
                terms[key] = None
            else:
                terms.setdefault(key, []).append(term)
    for key, parts in terms.items():
        if parts:
            n = nodes[bwd_index[key]]
            n["formula"] = "%s = %s" % (n["title"], " + ".join(parts))


def _node(nid, section, role, node, array_name, entry, shape, dtype, value, op_text, faded):
    marker, fill, stroke, _ = ROLE_STYLE[role]
    return {"id": nid, "section": section, "role": role, "name": node.name,
            "array": array_name, "entry": entry, "op": node.op.name if node.op else "null",
            "op_text": op_text, "shape": [int(d) for d in shape], "dtype": dtype,
            "value": value, "faded": faded, "gradient_of": None, "grad_req": None,
            "formula": "", "aux_attached": False,
            "outputs": len(node.op.output_names(node.params)) if node.op else 1,
            "title": array_name,
            "marker": {"shape": marker, "fill": fill, "stroke": stroke, "size": MARKER,
                       "opacity": _FADED if faded else 1.0},
            "x": 0.0, "y": 0.0, "box": None, "text": [], "thumbnail": None, "tooltip": ""}


def _edge(section, kind, source, target, faded=False):
    return {"section": section, "kind": kind, "source": source, "target": target,
            "faded": faded, "attached": False, "points": [], "path": "", "arrow": [],
            "color": "#8b95a1" if kind != "operand" else "#b9c0c8",
            "width": 1.2, "dash": "4 3" if kind == "operand" else None,
            "opacity": _FADED if faded else 1.0}


def _output_notes(ex, nodes, heads, fwd_index, forwarded):
    """``executor.outputs[i] = value  // name`` per head, then what the executor holds."""
    notes = []
    outputs = list(ex.outputs)
    for h, (node, index) in enumerate(heads):
        n = nodes[fwd_index[id(node)]]
        name = n["array"]
        if node.op is not None and index:
            name = "%s_%s" % (node.name, node.op.output_names(node.params)[index])
        if not forwarded or h >= len(outputs):
            text = "not computed yet (run forward)"
        else:
            v = value_view(outputs[h].asnumpy())
            text = v["text"]
            if len(text) > 48 or v["state"] == "summary":
                text = "%s %s, min %s, max %s" % (_shape_text(v["shape"]), v["dtype"],
                                                  _num(v["min"]), _num(v["max"]))
        notes.append("executor.outputs[%d] = %s  // %s" % (h, text, name))
    counts = {}
    for n in nodes:
        counts[n["role"]] = counts.get(n["role"], 0) + (0 if n["faded"] else 1)
    held = [(counts.get("argument", 0), "argument array"),
            (counts.get("grad_holder", 0), "gradient holder"),
            (counts.get("aux", 0), "auxiliary state array"),
            (counts.get("internal", 0), "internal array"),
            (counts.get("output", 0), "output array")]
    total = sum(int(a.nbytes) for a in ex._plan.entry_arrays.values())
    total += sum(int(a._data.nbytes) for a in list(ex.arg_arrays) + list(ex.aux_arrays))
    total += sum(int(g._data.nbytes) for g in (ex.grad_arrays or []) if g is not None)
    notes.append("holds %s; %s" % (", ".join("%d %s%s" % (k, what, "" if k == 1 else "s")
                                             for k, what in held if k), _bytes(total)))
    return notes


def _bytes(n: int) -> str:
    for limit, unit in ((2 ** 30, "GiB"), (2 ** 20, "MiB"), (2 ** 10, "KiB")):
        if n >= limit:
            return "%.1f %s" % (n / limit, unit)
    return "%d bytes" % n


# ------------------------------------------------------------------ geometry
_WRAP = 190.0      # px: a name=value line longer than this puts the value on its own lines


def _value_lines(v) -> list[str]:
    """The value as lines: one per row of a small matrix, chunks of four of a long vector."""
    values = v["values"] or []
    shape = v["shape"]
    if len(shape) == 2 and shape[0] > 1:
        cols = shape[1]
        return ["[" + ", ".join(_num(x) for x in values[r * cols:(r + 1) * cols]) + "]"
                for r in range(shape[0])]
    if len(values) > 4:
        return [", ".join(_num(x) for x in values[k:k + 4]) for k in range(0, len(values), 4)]
    return [v["text"]]


def _texts(n) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(left lines, right lines) of a node: the operator on the left, name and value on the
    right, as the page writes ``*`` left of ``C`` and ``a=10`` beside the array."""
    left = [("op", n["op_text"])] if n["op_text"] else []
    v = n["value"]
    label = n["array"]
    right = [("caption", n["title"])] if n["section"] == "backward" and label != n["title"] \
        else []
    before = v["before"]
    if v["state"] == "values":
        line = "%s=%s" % (label, v["text"]) if before is None else "%s: %s → %s" % (
            label, before["text"], v["text"])
        change = "%s → %s" % (before["text"], v["text"]) if before is not None else ""
        if text_width(line, _FONT["name"], True) <= _WRAP:
            right.append(("name", line))
        elif change and text_width(change, _FONT["value"]) <= _WRAP:
            right += [("name", label), ("value", change)]
        else:
            right.append(("name", label))
            if before is not None:
                right.append(("caption", "before the last step:"))
                right += [("value", t) for t in before["lines"]]
                right.append(("caption", "now:"))
            right += [("value", t) for t in _value_lines(v)]
    elif v["state"] == "summary":
        right.append(("name", label))
        right.append(("value", v["text"]))
        if v["min"] is not None:
            right.append(("caption", "min %s · max %s" % (_num(v["min"]), _num(v["max"]))))
        if before is not None:
            right.append(("caption", "mean %s → %s" % (_num(before["mean"]), _num(v["mean"]))))
    else:
        right.append(("name", label))
        right.append(("caption", v["text"]))
    if n["outputs"] > 1:
        right.append(("caption", "output 0 of %d shown" % n["outputs"]))
    if n["formula"]:
        right.append(("value", n["formula"]))
    if n["section"] == "backward" and n["grad_req"] == "add" and before is not None:
        right.append(("caption", "grad_req='add' accumulates"))
    return left, right


def _measure(n):
    left, right = _texts(n)
    if n.get("aux_attached"):
        # the auxiliary states hang on the right: the texts move to the left
        left, right = left + right, []
    lw = max((text_width(t, _FONT[s], s == "name") for s, t in left), default=0.0)
    rw = max((text_width(t, _FONT[s], s == "name") for s, t in right), default=0.0)
    thumb = n["value"]["thumbnail"]
    if thumb is not None:
        rw = max(rw, thumb["width"])
    rh = len(right) * _LINE + (thumb["height"] + 4 if thumb is not None else 0)
    # (extent left of the marker's centre, extent right of it, height)
    return left, right, (MARKER / 2 + (lw + 10 if lw else 4),
                         MARKER / 2 + rw + _GAP_X, max(MARKER + 4, rh + 4))


def _place_texts(n, left, right):
    x, y = n["x"], n["y"]
    items = []
    for _k, (style, text) in enumerate(left):
        if len(left) == 1:
            ly = y + 4.5
        else:
            ly = y - len(left) * _LINE / 2 + (_k + 1) * _LINE - 3.5
        items.append({"text": text, "x": round(x - MARKER / 2 - 7, 1),
                      "y": round(ly, 1), "size": _FONT[style],
                      "weight": "600" if style in ("op", "name") else None,
                      "fill": {"name": "#1f2933", "value": "#3d4752", "op": "#1f2933",
                               "caption": "#6b7580"}[style],
                      "anchor": "end", "style": style})
    thumb = n["value"]["thumbnail"]
    if n.get("aux_attached"):
        n["text"] = items
        if thumb is not None:
            n["thumbnail"] = {**thumb, "x": round(x - MARKER / 2 - 7 - thumb["width"], 1),
                              "y": round(y + len(left) * _LINE / 2 + 2, 1)}
        n["tooltip"] = _tooltip(n)
        return
    total = len(right) * _LINE + (thumb["height"] + 4 if thumb is not None else 0)
    top = y - total / 2
    for k, (style, text) in enumerate(right):
        items.append({"text": text, "x": round(x + MARKER / 2 + 6, 1),
                      "y": round(top + (k + 1) * _LINE - 3.5, 1), "size": _FONT[style],
                      "weight": "600" if style == "name" else None,
                      "fill": {"name": "#1f2933", "value": "#3d4752",
                               "caption": "#6b7580"}[style],
                      "anchor": "start", "style": style})
    n["text"] = items
    if thumb is not None:
        n["thumbnail"] = {**thumb, "x": round(x + MARKER / 2 + 6, 1),
                          "y": round(top + len(right) * _LINE + 2, 1)}
    n["tooltip"] = _tooltip(n)


def _tooltip(n) -> str:
    v = n["value"]
    parts = ["%s (%s)" % (n["title"], n["role"].replace("_", " ")),
             "node %s, entry %s" % (n["name"], n["entry"]),
             "%s %s" % (_shape_text(n["shape"]), n["dtype"])]
    if v["min"] is not None:
        parts.append("min %s, max %s, mean %s" % (_num(v["min"]), _num(v["max"]),
                                                  _num(v["mean"])))
    if v["nan"] or v["inf"]:
        parts.append("%d NaN, %d inf" % (v["nan"], v["inf"]))
    if n["faded"]:
        parts.append("not computed by this executor's plan")
    return "\n".join(parts)


def _layout(doc):
    """Lay out the forward section, the backward section beside it (same layered layout over
    the gradient nodes, arrows drawn against the data flow), the legend and the notes."""
    from .layout import layered_layout
    nodes = doc["nodes"]
    by_id = {n["id"]: k for k, n in enumerate(nodes)}
    # auxiliary states hang on the right of the operator that updates them (the page's
    # picture), outside the layered layout
    attached: dict[str, list[str]] = {}
    for e in doc["edges"]:
        if nodes[by_id[e["source"]]]["role"] == "aux" and e["section"] == "forward":
            attached.setdefault(e["target"], []).append(e["source"])
            e["attached"] = True
    hanging = {a for group in attached.values() for a in group}
    for op_id in attached:
        nodes[by_id[op_id]]["aux_attached"] = True
    measured = {n["id"]: _measure(n) for n in nodes}
    _AUX_DX = 46.0
    for op_id, group in attached.items():
        lo, hi, h = measured[op_id][2]
        row = max(measured[a][2][2] for a in group) + 4
        width = max(measured[a][2][0] + measured[a][2][1] for a in group)
        measured[op_id] = measured[op_id][:2] + (
            (lo, max(hi, _AUX_DX + width), max(h, row * len(group))),)
    # a gradient node and its array share one size, so both sections get the same rows
    size = {nid: m[2] for nid, m in measured.items()}
    for n in nodes:
        if n["gradient_of"] is not None:
            a, b = size[n["id"]], size[n["gradient_of"]]
            size[n["id"]] = size[n["gradient_of"]] = tuple(max(p, q) for p, q in zip(a, b))
    top = 30.0
    laid = []
    for section in ("forward", "backward"):
        members = [k for k, n in enumerate(nodes) if n["section"] == section
                   and n["id"] not in hanging]
        if not members:
            continue
        local = {k: j for j, k in enumerate(members)}
        sec_edges = [e for e in doc["edges"] if e["section"] == section
                     and not e.get("attached")]
        pairs = []
        for e in sec_edges:
            s, t = local[by_id[e["source"]]], local[by_id[e["target"]]]
            pairs.append((t, s) if section == "backward" else (s, t))
        ext = [size[nodes[k]["id"]] for k in members]
        lay = layered_layout([(lo + hi, h) for lo, hi, h in ext], pairs, margin=0.0,
                             layer_gap=40.0, node_gap=16.0, anchors=[lo for lo, _, _ in ext])
        laid.append((section, members, sec_edges, lay))
    # the backward graph goes beside the forward one, as on the page, unless that makes
    # the picture too wide: then below it
    stacked = len(laid) == 2 and laid[0][3].width + _SECTION_GAP + laid[1][3].width > _MAX_WIDE
    if stacked:
        doc["edges"] = [e for e in doc["edges"] if e["kind"] != "operand"]
    sections = []
    x0 = 12.0
    for section, members, sec_edges, lay in laid:
        if section == "backward" and stacked:
            x0, top = 12.0, top + laid[0][3].height + _SECTION_GAP
        for e, route in zip(sec_edges, lay.routes, strict=True):
            inner = [[round(x0 + x, 1), round(top + y, 1)] for x, y in route[1:-1]]
            e["via"] = inner[::-1] if section == "backward" else inner
        for j, k in enumerate(members):
            nodes[k]["x"], nodes[k]["y"] = round(x0 + lay.x[j], 1), round(top + lay.y[j], 1)
            lo, hi, h = size[nodes[k]["id"]]
            nodes[k]["box"] = {"x": round(nodes[k]["x"] - lo, 1),
                               "y": round(nodes[k]["y"] - h / 2, 1),
                               "width": round(lo + hi, 1), "height": round(h, 1)}
        sections.append({"id": section, "title": "" if section == "forward" and len(laid) == 1
                         else section, "x": x0, "y": top - 20,
                         "width": round(lay.width, 1), "height": round(lay.height, 1)})
        for op_id, group in attached.items():
            op = nodes[by_id[op_id]]
            if op["section"] != section:
                continue
            row = max(size[a][2] for a in group) + 4
            for k, a in enumerate(group):
                n = nodes[by_id[a]]
                lo, hi, h = size[a]
                n["x"] = round(op["x"] + _AUX_DX, 1)
                n["y"] = round(op["y"] + (k - (len(group) - 1) / 2) * row, 1)
                n["box"] = {"x": round(n["x"] - lo, 1), "y": round(n["y"] - h / 2, 1),
                            "width": round(lo + hi, 1), "height": round(h, 1)}
        x0 += lay.width + _SECTION_GAP
    # operand arcs rise above their rows: make room at the top
    peak = top
    for e in doc["edges"]:
        if e["kind"] == "operand":
            s, t = nodes[by_id[e["source"]]], nodes[by_id[e["target"]]]
            lift = 26 + 0.06 * abs(t["x"] - s["x"])
            peak = min(peak, min(s["y"], t["y"]) - lift / 2 - 4)
    if peak < top:
        delta = round(top - peak, 1)
        for n in nodes:
            n["y"] = round(n["y"] + delta, 1)
            n["box"]["y"] = round(n["box"]["y"] + delta, 1)
        for e in doc["edges"]:
            e["via"] = [[x, round(y + delta, 1)] for x, y in e.get("via", [])]
        for sec in sections:
            sec["y"] = round(sec["y"] + delta, 1)
        top += delta
    for n in nodes:
        left, right, _ = measured[n["id"]]
        _place_texts(n, left, right)
    for e in doc["edges"]:
        s, t = nodes[by_id[e["source"]]], nodes[by_id[e["target"]]]
        _route(e, s, t)
    right = max((n["box"]["x"] + n["box"]["width"] for n in nodes), default=x0)
    for n in nodes:          # texts past the box (long values): widen the picture
        for item in n["text"]:
            if item["anchor"] == "start":
                right = max(right, item["x"] + text_width(item["text"], item["size"], True))
    bottom = max((n["box"]["y"] + n["box"]["height"] for n in nodes), default=top)
    # legend: a column right of the graphs
    roles = {n["role"] for n in nodes}
    legend, lx = [], right + 28
    ly = sections[0]["y"] + 20 if sections else top
    for role in _LEGEND_ORDER:
        if role in roles or (role == "internal" and "gradient" in roles):
            marker, fill, stroke, text = ROLE_STYLE[role]
            legend.append({"role": role, "text": text, "marker": marker, "fill": fill,
                           "stroke": stroke, "x": round(lx, 1), "y": round(ly, 1)})
            ly += 22
    if any(n["section"] == "backward" for n in nodes):
        legend.append({"role": "gradient", "text": "d(?) gradient node of ?", "marker": None,
                       "fill": None, "stroke": None, "x": round(lx, 1), "y": round(ly, 1)})
        ly += 22
        if any(n["faded"] for n in nodes):
            legend.append({"role": "faded", "text": "faded: not computed by the plan",
                           "marker": "square", "fill": "#b5b5b5", "stroke": "#6f6f6f",
                           "x": round(lx, 1), "y": round(ly, 1), "opacity": _FADED})
            ly += 22
    legend_right = max((item["x"] + 22 + text_width(item["text"], 11.5) for item in legend),
                       default=right)
    notes_top = max(bottom, ly) + 24
    notes = [{"text": t, "x": 12.0, "y": round(notes_top + 16 * k, 1), "size": 11.5,
              "font": "mono"} for k, t in enumerate(doc["notes"])]
    # notes are set in a monospace font: 0.6 em per character (DejaVu Sans Mono), plus slack
    notes_right = max((12 + 0.62 * 11.5 * len(t["text"]) for t in notes), default=0)
    doc["notes"] = notes
    doc["legend"] = legend
    doc["sections"] = sections
    doc["width"] = round(max(legend_right, notes_right) + 16, 1)
    doc["height"] = round(notes_top + 16 * len(notes) + 8, 1)


def _unit(x0, y0, x1, y1):
    dx, dy = x1 - x0, y1 - y0
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    return dx / length, dy / length


def _border(n, ux, uy, sign):
    half = n["marker"]["size"] / 2 + 1
    k = half if n["marker"]["shape"] == "circle" else half / max(abs(ux), abs(uy), 1e-9)
    return n["x"] + sign * ux * k, n["y"] + sign * uy * k


def _arc(e, s, t):
    """An operand edge from a forward array to a gradient node: an arc over both, so it
    does not run along the row of boxes between them."""
    mid_x = (s["x"] + t["x"]) / 2
    lift = 26 + 0.06 * abs(t["x"] - s["x"])
    control = (mid_x, min(s["y"], t["y"]) - lift)
    start = _border(s, *_unit(s["x"], s["y"], *control), 1)
    ux, uy = _unit(*control, t["x"], t["y"])
    end = _border(t, ux, uy, -1)
    tip_base = (end[0] - ux * 7, end[1] - uy * 7)
    px, py = -uy * 3.5, ux * 3.5
    e["points"] = [[round(start[0], 1), round(start[1], 1)],
                   [round(control[0], 1), round(control[1], 1)],
                   [round(end[0], 1), round(end[1], 1)]]
    e["path"] = "M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" % (start + control + tip_base)
    e["arrow"] = [[round(end[0], 1), round(end[1], 1)],
                  [round(tip_base[0] + px, 1), round(tip_base[1] + py, 1)],
                  [round(tip_base[0] - px, 1), round(tip_base[1] - py, 1)]]


def _route(e, s, t):
    """Straight segments between marker borders (through the layout's bend points of long
    edges), ending in an arrowhead at the target."""
    via = [tuple(p) for p in e.pop("via", [])]
    if e["kind"] == "operand":
        _arc(e, s, t)
        return
    first = via[0] if via else (t["x"], t["y"])
    last = via[-1] if via else (s["x"], s["y"])
    start = _border(s, *_unit(s["x"], s["y"], *first), 1)
    ux, uy = _unit(*last, t["x"], t["y"])
    end = _border(t, ux, uy, -1)
    tip_base = (end[0] - ux * 7, end[1] - uy * 7)
    px, py = -uy * 3.5, ux * 3.5
    points = [start, *via, end]
    e["points"] = [[round(x, 1), round(y, 1)] for x, y in points]
    e["path"] = "M" + " L".join("%.1f,%.1f" % p for p in [start, *via, tip_base])
    e["arrow"] = [[round(end[0], 1), round(end[1], 1)],
                  [round(tip_base[0] + px, 1), round(tip_base[1] + py, 1)],
                  [round(tip_base[0] - px, 1), round(tip_base[1] - py, 1)]]
