"""The graph IR: nodes, entries and the one traversal every listing uses."""
from ._ir import Entry, Node, topo_order

__all__ = ["Entry", "Node", "topo_order"]
