"""Graph IR.

A :class:`Node` is a variable (``op is None``) or an operator application. Its ``inputs``
are :class:`Entry` records ``(node, index, version)``; a symbol is a list of head entries.
Nodes are shared between symbols (MXNet semantics: ``_set_attr`` is visible everywhere) and
compared by identity. All walks are iterative, so deep graphs never hit the recursion limit.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["Entry", "Node", "topo_order"]


class Entry(NamedTuple):
    """One output of a node as an input of another: ``(node, output index, version)``."""

    node: Node
    index: int
    version: int = 0


class Node:
    """A graph node: operator (``op``) or variable (``op is None``).

    ``attrs`` holds MXNet's string attributes, the single source of truth for JSON; the
    parsed parameters are cached in ``params`` and dropped whenever ``attrs`` change.
    """

    __slots__ = ("op", "name", "attrs", "inputs", "version", "_params", "__weakref__")

    def __init__(self, op, name: str, attrs: dict | None = None, inputs=None):
        self.op = op
        self.name = name
        self.attrs = dict(attrs) if attrs else {}
        self.inputs: list[Entry] = list(inputs) if inputs else []
        self.version = 0          # mutation count of a variable (aux states)
        self._params = None

    @property
    def is_variable(self) -> bool:
        return self.op is None

    @property
    def params(self):
        """Parsed parameters (defaults filled); parsed once, cached until attrs change."""
        if self._params is None and self.op is not None:
            self._params = self.op.parse(self.attrs, self.name)
        return self._params

    def invalidate(self):
        self._params = None

    def num_outputs(self) -> int:
        return 1 if self.op is None else self.op.num_outputs_total(self.params)

    def num_visible_outputs(self) -> int:
        return 1 if self.op is None else len(self.op.output_names(self.params))

    def output_names(self) -> list[str]:
        if self.op is None:
            return [self.name]
        return ["%s_%s" % (self.name, s) for s in self.op.output_names(self.params)]

    def __repr__(self):
        return "<Node %s %s>" % ("null" if self.op is None else self.op.name, self.name)


def topo_order(heads) -> list[Node]:
    """Post-order DFS from the heads in order, inputs left to right, each node once
    (spec symbol.md 4.1). ``heads`` is an iterable of entries or ``(node, index)`` pairs."""
    order: list[Node] = []
    seen: set[int] = set()
    for head in heads:
        root = head[0]
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, 0)]
        while stack:
            node, i = stack[-1]
            if i < len(node.inputs):
                stack[-1] = (node, i + 1)
                child = node.inputs[i].node
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                stack.pop()
                order.append(node)
    return order
