"""Shape and type inference over a graph, in both directions, until nothing changes.

Each operator's rule sees its input and output entries and fills what it can (spec symbol.md
5). The pass alternates forward and backward sweeps; conflicts raise ``MXNetError`` naming
the operator node (``Error in operator fc1: ...``).
"""
from __future__ import annotations

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
    """
    values = {}
    for node in order:
        n_out = node.num_outputs()
        values[id(node)] = [None] * n_out
        if node.op is None:
            values[id(node)][0] = given.get(id(node))
        else:
            check_arity(node)
    ops = [n for n in order if n.op is not None]
    rule_name = "infer_shape" if kind == "shape" else "infer_type"
    for sweep in range(64):
        changed = False
        for node in (ops if sweep % 2 == 0 else reversed(ops)):
            ins = [values[id(e.node)][e.index] for e in node.inputs]
            outs = values[id(node)]
            before_in, before_out = list(ins), list(outs)
            try:
                getattr(node.op, rule_name)(node.params, ins, outs)
            except InferError as e:
                raise MXNetError("MXNetError: Error in operator %s: %s"
                                 % (node.name, str(e).replace("{node}", node.name))) from None
            for e, old, new in zip(node.inputs, before_in, ins, strict=True):
                if _changed(old, new):
                    values[id(e.node)][e.index] = _normalize(new, kind)
                    changed = True
            for i, (old, new) in enumerate(zip(before_out, outs, strict=True)):
                if _changed(old, new):
                    outs[i] = _normalize(new, kind)
                    changed = True
        if not changed and sweep >= 1:
            break
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
