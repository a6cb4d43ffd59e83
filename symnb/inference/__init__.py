"""Shape and type inference over a graph, in both directions, until nothing changes.

Each operator's rule sees its input and output entries and fills what it can (spec symbol.md
5). The pass alternates forward and backward sweeps; conflicts raise ``MXNetError`` naming
the operator node (``Error in operator fc1: ...``).
"""
from __future__ import annotations

from collections import deque

import numpy as np

from ..base import MXNetError
from ..ops._registry import InferError

__all__ = ["infer_graph", "InferResult", "check_arity"]


class InferResult:
    """Per-entry values after inference: ``values[id(node)][output index]``."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values

    def entry(self, node, index=0):
        return self.values[id(node)][index]


def check_arity(node) -> None:
    """A loaded node may be wired with fewer inputs than its operator declares."""
    declared = node.op.input_names(node.params)
    if len(node.inputs) != len(declared):
        raise MXNetError("MXNetError: Error in operator %s: Check failed: in_shape->size() == %dU "
                         "(%d vs. %d) : Input:[%s]" % (node.name, len(declared), len(node.inputs),
                                                        len(declared), ", ".join(declared)))


def infer_graph(order, given: dict, kind: str = "shape") -> InferResult:
    """Run shape (``kind='shape'``) or type (``'type'``) inference.

    ``order`` is the topological node list; ``given`` maps ``id(variable node)`` to a known
    value (shape tuple with 0 for unknown dims, or np.dtype).

    A worklist in topological order: every operator runs once, then only operators next to
    an entry that changed run again (forward to consumers, backward to producers), so a
    graph whose rules all run forward costs one visit per node.
    """
    values = {}
    ops = []
    for node in order:
        vals = [None] * node.num_outputs()
        if node.op is None:
            vals[0] = given.get(id(node))
        else:
            check_arity(node)
            ops.append(node)
        values[id(node)] = vals
    position = {id(n): k for k, n in enumerate(ops)}
    consumers: dict[int, list[int]] = {}
    for k, node in enumerate(ops):
        for e in node.inputs:
            consumers.setdefault(id(e.node), []).append(k)
    rule_name = "infer_shape" if kind == "shape" else "infer_type"
    rules = [getattr(n.op, rule_name) for n in ops]
    required = [n.op.type_required if kind == "type" else None for n in ops]
    params = [n.params for n in ops]
    in_slots = [[(values[id(e.node)], e.index) for e in n.inputs] for n in ops]
    out_slots = [values[id(n)] for n in ops]

    pending = deque(range(len(ops)))
    queued = [True] * len(ops)
    budget = 64 * max(len(ops), 1)        # rules only refine values; this bounds any cycle

    def wake(node_id):
        for c in consumers.get(node_id, ()):
            if not queued[c]:
                queued[c] = True
                pending.append(c)
        k = position.get(node_id)
        if k is not None and not queued[k]:
            queued[k] = True
            pending.append(k)

    while pending and budget:
        budget -= 1
        k = pending.popleft()
        queued[k] = False
        node = ops[k]
        slots, outs = in_slots[k], out_slots[k]
        ins = [vals[i] for vals, i in slots]
        before_out = list(outs)
        if required[k] is not None and ins and (all(t is None for t in ins)
                                                if node.op.type_required_any else ins[0] is None):
            raise MXNetError("MXNetError: Error in operator %s: %s" % (node.name, required[k]))
        try:
            rules[k](params[k], ins, outs)
        except InferError as e:
            raise MXNetError("MXNetError: Error in operator %s: %s"
                             % (node.name, str(e).replace("{node}", node.name))) from None
        for (vals, i), e, new in zip(slots, node.inputs, ins, strict=True):
            if _changed(vals[i], new):
                vals[i] = _normalize(new, kind)
                wake(id(e.node))
        out_changed = False
        for i, (old, new) in enumerate(zip(before_out, outs, strict=True)):
            if _changed(old, new):
                outs[i] = _normalize(new, kind)
                out_changed = True
            elif new is None and old is not None:
                outs[i] = old               # a rule may not forget what is known
        if out_changed:
            for c in consumers.get(id(node), ()):
                if not queued[c]:
                    queued[c] = True
                    pending.append(c)
    return InferResult(values)


def _changed(old, new) -> bool:
    # ``is None`` first: numpy compares ``np.dtype('float64') == None`` as True.
    if new is None:
        return False
    return old is None or new != old


def _normalize(value, kind):
    if kind == "shape":
        return tuple(int(d) for d in value)
    return np.dtype(value)


def is_complete(value, kind) -> bool:
    if value is None:
        return False
    if kind == "shape":
        return all(d > 0 for d in value)
    return True
