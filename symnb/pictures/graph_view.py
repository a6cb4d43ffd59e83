"""A neutral view model of a symbol, shared by the SVG picture and the graph JSON.

:func:`graph_view` walks the graph once and decides what a picture shows: which variables are
hidden (by the *role* the consuming operator declares for that input, never by name), what
each box says (the operator's own ``label``), the shape on each edge, and parameter counts
folded into the operators that own them.

>>> import symnb as mx
>>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
>>> view = graph_view(fc, shape={'data': (2, 3)})
>>> [(n.name, n.role) for n in view.nodes]
[('data', 'data'), ('fc', 'op'), ('fc_output', 'output')]
>>> view.nodes[1].params, view.total_params, view.edges[0].label
(16, 16, '2×3')
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = ["ViewNode", "ViewEdge", "GraphView", "BadEdge", "graph_view"]

# families whose FLOPs are ~2 * output size * weight size / output channels (multiply-adds)
_MATMUL_FAMILIES = frozenset({"dense", "conv", "convolution"})
_HIDEABLE_ROLES = frozenset({"weight", "bias", "aux", "label"})


@dataclass(frozen=True, slots=True)
class ViewNode:
    """One box. ``role`` is ``op`` for operators, ``output`` for the symbol's outputs and the
    variable's role (data, weight, bias, aux, label) for variables.

    >>> import symnb as mx
    >>> node = graph_view(mx.sym.var('x') * 2).nodes[1]
    >>> node.name, node.op, node.family, node.role, node.label.splitlines()
    ('_mulscalar0', '_mul_scalar', 'scalar', 'op', ['_mul_scalar', '2'])
    """

    id: str
    name: str
    label: str
    op: str                       # operator name, 'null' for variables, '' for outputs/groups
    family: str
    role: str
    params: int | None = None     # weights and biases folded in (None: shapes unknown)
    aux: int | None = None        # auxiliary states folded in
    flops: int | None = None
    shape: tuple | None = None    # variables and outputs: their own shape when known
    members: tuple[str, ...] = ()  # collapsed groups: the names inside
    attrs: tuple[tuple[str, str], ...] = ()   # the node's MXNet string attributes


@dataclass(frozen=True, slots=True)
class ViewEdge:
    """Data flowing from ``nodes[source]`` to ``nodes[target]``.

    >>> import symnb as mx
    >>> view = graph_view(mx.sym.var('x') * 2, shape={'x': (2, 3)})
    >>> edge = view.edges[0]
    >>> view.nodes[edge.source].name, view.nodes[edge.target].name, edge.label, edge.shape
    ('x', '_mulscalar0', '2×3', (2, 3))
    """

    source: int
    target: int
    label: str = ""
    shape: tuple | None = None
    dtype: str | None = None
    bad: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class BadEdge:
    """An edge to highlight, e.g. a shape conflict: producer and consumer node names.

    >>> import symnb as mx
    >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> view = graph_view(fc, bad_edge=BadEdge('data', 'fc', (2, 3), (2, 5)))
    >>> [(e.bad, e.note) for e in view.edges]
    [(True, 'provided (2, 3) vs inferred (2, 5)'), (False, '')]
    """

    source: str
    target: str
    provided: object
    inferred: object

    @property
    def note(self) -> str:
        """The text drawn on the edge: the provided and the inferred value.

        >>> BadEdge('data', 'fc', (3,), 'float64').note
        'provided (3,) vs inferred float64'
        """
        return "provided %s vs inferred %s" % (_fmt(self.provided), _fmt(self.inferred))


@dataclass(frozen=True, slots=True)
class GraphView:
    """What a picture of a symbol shows: boxes (variables, operators, then one per output),
    edges between them, and totals (``None`` where shapes are unknown).

    >>> import symnb as mx
    >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> view = graph_view(fc, shape={'data': (2, 3)})
    >>> len(view.nodes), len(view.edges), view.total_params, view.hidden
    (3, 2, 16, 2)
    >>> graph_view(fc).total_params is None     # no shapes: unknown
    True
    """

    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    total_params: int | None = None
    total_aux: int | None = None
    total_flops: int | None = None
    hidden: int = 0               # variables folded away
    note: str = ""                # e.g. why shapes are missing


def _fmt(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(d) for d in value) + ("," if len(value) == 1 else "") + ")"
    return str(value)


def shape_text(shape) -> str:
    if shape is None:
        return ""
    return "×".join(str(d) if d > 0 else "?" for d in shape) if shape else "scalar"


def _prod(shape) -> int:
    out = 1
    for d in shape:
        out *= int(d)
    return out


def _known(shape) -> bool:
    return shape is not None and len(shape) > 0 and all(d > 0 for d in shape)


def _infer(symbol, heads, kind, given):
    """``{(id(node), index): value}`` read from the inference engine's own results (shapes
    are tuples with 0 for an unknown dimension, or None), or an error. The user-facing
    ``infer_shape_partial`` is not used: its output format depends on ``mx.np_shape``."""
    from ..base import MXNetError
    from ..inference import infer_graph
    try:
        order, _, _, known = symbol._given((), given, kind)
        result = infer_graph(order, known, kind)
    except (MXNetError, TypeError, ValueError) as e:
        return {}, str(e).splitlines()[0] if str(e) else type(e).__name__
    values = {}
    for node, i in heads:
        value = result.values.get(id(node), [None] * (i + 1))[i]
        if kind == "shape":
            value = tuple(int(d) for d in value) if value else None
        values[(id(node), i)] = value
    return values, ""


def graph_view(symbol, shape: dict | None = None, dtype: dict | None = None, *,
               hide_weights: bool = True, collapse: str | Iterable[str] | None = None,
               bad_edge: BadEdge | None = None) -> GraphView:
    """Build the view model of ``symbol``.

    Parameters
    ----------
    symbol : Symbol
    shape, dtype : dict, optional
        Known input shapes / types (variables' ``__shape__`` attrs are used too); partial
        inference labels every edge it can.
    hide_weights : bool
        Fold variables that every consumer declares as weight, bias, aux or label into their
        consumer (their sizes become its parameter count).
    collapse : str or iterable of str, optional
        Name prefixes (as made by ``mx.name.Prefix``): operators whose names start with one
        become a single box.
    bad_edge : BadEdge, optional
        Highlight the edge from ``bad_edge.source`` to ``bad_edge.target`` with the text
        ``provided ... vs inferred ...``; a hidden variable at its end is shown.

    Examples
    --------
    >>> import symnb as mx
    >>> net = mx.sym.elemwise_add(mx.sym.var('x_weight'), mx.sym.var('y'), name='add')
    >>> [n.name for n in graph_view(net).nodes]  # roles come from the op, not the name
    ['x_weight', 'y', 'add', 'add_output']
    """
    from ..graph import topo_order
    heads = list(symbol._heads)
    order = topo_order(heads)
    internal_heads = [(node, i) for node in order for i in range(node.num_visible_outputs())]
    given = dict(shape or {})
    shapes, note = _infer(symbol, internal_heads, "shape", given)
    dtypes, type_note = ({}, "") if dtype is None else _infer(
        symbol, internal_heads, "type", dict(dtype))
    note = note or type_note

    # roles of every variable, from the declarations of the operators consuming it
    uses: dict[int, set[str]] = {}
    for node in order:
        if node.op is None:
            continue
        declared = node.op.input_names(node.params)
        for pos, entry in enumerate(node.inputs):
            if entry.node.op is None:
                name = declared[pos] if pos < len(declared) else "data"
                uses.setdefault(id(entry.node), set()).add(node.op.role(name))
    head_ids = {id(node) for node, _ in heads}
    forced = {bad_edge.source, bad_edge.target} if bad_edge is not None else set()

    def role_of(node) -> str:
        roles = uses.get(id(node), {"data"})
        if "data" in roles or id(node) in head_ids:
            return "data"
        for role in ("weight", "bias", "aux", "label"):
            if role in roles:
                return role
        return sorted(roles)[0]

    hidden_ids = set()
    if hide_weights:
        hidden_ids = {id(n) for n in order if n.op is None and role_of(n) in _HIDEABLE_ROLES
                      and n.name not in forced}

    nodes: list[ViewNode] = []
    index_of: dict[int, int] = {}
    folded_params: dict[int, int | None] = {}
    folded_aux: dict[int, int | None] = {}
    counted: set[int] = set()      # a shared weight counts once, at its first consumer
    total_params: int | None = 0
    total_aux: int | None = 0
    for node in order:
        if node.op is None:
            role = role_of(node)
            own = shapes.get((id(node), 0))
            if role in ("weight", "bias", "aux"):
                size = _prod(own) if _known(own) else None
                if role == "aux":
                    total_aux = None if size is None or total_aux is None else total_aux + size
                else:
                    total_params = None if size is None or total_params is None else \
                        total_params + size
            if id(node) in hidden_ids:
                continue
            index_of[id(node)] = len(nodes)
            nodes.append(ViewNode(id="n%d" % len(nodes), name=node.name, label=node.name,
                                  op="null", family="variable", role=role, shape=own,
                                  attrs=tuple(sorted(node.attrs.items()))))
            continue
        params, aux = 0, 0
        for entry in node.inputs:
            var = entry.node
            if var.op is not None or id(var) not in hidden_ids or id(var) in counted:
                continue
            role = role_of(var)
            if role == "label":
                continue
            counted.add(id(var))
            size = _prod(shapes[(id(var), 0)]) if _known(shapes.get((id(var), 0))) else None
            if role == "aux":
                aux = None if size is None or aux is None else aux + size
            else:
                params = None if size is None or params is None else params + size
        index_of[id(node)] = len(nodes)
        nodes.append(ViewNode(id="n%d" % len(nodes), name=node.name,
                              label=node.op.label(node.params, node.attrs), op=node.op.name,
                              family=node.op.family, role="op", params=params, aux=aux,
                              flops=_flops(node, shapes),
                              attrs=tuple(sorted(node.attrs.items()))))
        folded_params[id(node)], folded_aux[id(node)] = params, aux

    edges: list[ViewEdge] = []
    for node in order:
        if node.op is None:
            continue
        for entry in node.inputs:
            if id(entry.node) not in index_of:
                continue
            edges.append(_edge(index_of[id(entry.node)], index_of[id(node)],
                               shapes.get((id(entry.node), entry.index)),
                               dtypes.get((id(entry.node), entry.index)), dtype is not None))
    for k, (node, i) in enumerate(heads):
        value = shapes.get((id(node), i))
        name = node.name if node.op is None else "%s_%s" % (
            node.name, node.op.output_names(node.params)[i])
        nodes.append(ViewNode(id="out%d" % k, name=name, label=name, op="", family="output",
                              role="output", shape=value))
        if id(node) in index_of:
            edges.append(_edge(index_of[id(node)], len(nodes) - 1, value,
                               dtypes.get((id(node), i)), dtype is not None))

    flops = [n.flops for n in nodes if n.flops is not None]
    view = GraphView(nodes=tuple(nodes), edges=tuple(edges), total_params=total_params,
                     total_aux=total_aux, total_flops=sum(flops) if flops else None,
                     hidden=len(hidden_ids), note=note)
    if bad_edge is not None:
        view = _mark_bad(view, bad_edge)
    if collapse:
        view = _collapse(view, (collapse,) if isinstance(collapse, str) else tuple(collapse))
    return view


def _edge(source, target, shape, dtype, show_dtype) -> ViewEdge:
    label = shape_text(shape)
    type_name = None
    if dtype is not None:
        import numpy as np
        type_name = np.dtype(dtype).name
        if show_dtype:
            label = (label + " " + type_name).strip()
    return ViewEdge(source=source, target=target, label=label, shape=shape, dtype=type_name)


def _flops(node, shapes) -> int | None:
    """Multiply-adds x 2 for matmul-like families: out.size * weight.size / out_channels."""
    if node.op.family not in _MATMUL_FAMILIES:
        return None
    declared = node.op.input_names(node.params)
    out = shapes.get((id(node), 0))
    for pos, entry in enumerate(node.inputs):
        if pos < len(declared) and node.op.role(declared[pos]) == "weight":
            weight = shapes.get((id(entry.node), 0))
            if _known(out) and _known(weight):
                return 2 * _prod(out) * (_prod(weight) // int(weight[0]))
    return None


def _mark_bad(view: GraphView, bad: BadEdge) -> GraphView:
    names = [n.name for n in view.nodes]
    edges = list(view.edges)
    for k, e in enumerate(edges):
        if names[e.source] == bad.source and names[e.target] == bad.target:
            edges[k] = replace(e, bad=True, note=bad.note)
            break
    else:
        # the edge is not drawn (unknown names): say so rather than silently drop it
        return replace(view, note=(view.note + "; " if view.note else "") + "%s -> %s: %s" % (
            bad.source, bad.target, bad.note))
    return replace(view, edges=tuple(edges))


def _collapse(view: GraphView, prefixes: tuple[str, ...]) -> GraphView:
    """Merge the operators whose names start with a prefix into one box per prefix."""
    group_of: dict[int, str] = {}
    for k, node in enumerate(view.nodes):
        if node.role == "op":
            # the longest matching prefix wins, so nested prefixes stay separate
            match = max((p for p in prefixes if node.name.startswith(p)), key=len, default=None)
            if match is not None:
                group_of[k] = match
    if not group_of:
        return view
    nodes: list[ViewNode] = []
    new_index: dict[int, int] = {}
    group_index: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for k, node in enumerate(view.nodes):
        prefix = group_of.get(k)
        if prefix is None:
            new_index[k] = len(nodes)
            nodes.append(node)
            continue
        if prefix not in group_index:
            group_index[prefix] = len(nodes)
            nodes.append(node)                     # placeholder, replaced below
        new_index[k] = group_index[prefix]
        members.setdefault(prefix, []).append(k)
    for prefix, ks in members.items():
        inner = [view.nodes[k] for k in ks]
        nodes[group_index[prefix]] = ViewNode(
            id="g%d" % group_index[prefix], name=prefix, op="", family="group", role="op",
            label="%s\n%d nodes" % (prefix.rstrip("_") or prefix, len(inner)),
            params=_sum(n.params for n in inner), aux=_sum(n.aux for n in inner),
            flops=_sum((n.flops for n in inner), none_is_zero=True),
            members=tuple(n.name for n in inner))
    edges, seen = [], set()
    for e in view.edges:
        s, t = new_index[e.source], new_index[e.target]
        key = (s, t, e.label)
        if s == t or (key in seen and not e.bad):
            continue
        seen.add(key)
        edges.append(replace(e, source=s, target=t))
    return replace(view, nodes=tuple(nodes), edges=tuple(edges))


def _sum(values, none_is_zero=False):
    total, any_value = 0, False
    for v in values:
        if v is None:
            if not none_is_zero:
                return None
            continue
        total, any_value = total + v, True
    return total if any_value or not none_is_zero else None
