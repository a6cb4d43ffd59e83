"""MXNet's common-subexpression elimination, as ``Executor.get_optimized_symbol`` shows it.

MXNet 1.9.1 runs the pass at bind unless ``MXNET_ELIMINATE_COMMON_EXPR=0``. Two operator
nodes merge when they read the same input entries, run the same operator with the same
attributes, and the operator may be merged: not a variable, not one that mutates an input
(BatchNorm's aux states), and not one of the operators MXNet keeps apart (stateful legacy
operators, random resources; ``KEPT``, recorded from MXNet 1.9.1). The earliest node in
graph order survives; passes repeat until nothing merges, and a graph output that then
appears twice is read through a ``_copy`` node named ``<node>_<k>_copy``.

symnb computes the merged nodes' values once per node anyway, so only the optimized symbol
differs; execution is unchanged.
"""
from __future__ import annotations

import copy
import os

from ..graph._ir import Entry, Node, topo_order

__all__ = ["KEPT", "cse_enabled", "eliminate_common_expr"]

#: operators MXNet 1.9.1's pass never merges (checked one by one in the MXNet venv)
KEPT = frozenset({
    "Dropout", "SliceChannel", "SwapAxis", "MakeLoss", "L2Normalization",
    "InstanceNorm", "BatchNorm", "BatchNorm_v1", "RNN",
    "SequenceMask", "SequenceLast", "SequenceReverse", "Crop", "Pad", "ROIPooling",
    "IdentityAttachKLSparseReg", "SVMOutput", "Correlation", "BilinearSampler",
    "GridGenerator", "SpatialTransformer", "Convolution_v1", "Pooling_v1", "Custom",
    "_CrossDeviceCopy", "_Native", "_NDArray",       # legacy (stateful) operators too
})


def cse_enabled() -> bool:
    """MXNet's ``MXNET_ELIMINATE_COMMON_EXPR`` switch (on unless set to 0/false).

    >>> cse_enabled()
    True
    """
    value = os.environ.get("MXNET_ELIMINATE_COMMON_EXPR", "1").strip().lower()
    return value not in ("0", "false")


def _mergeable(node) -> bool:
    op = node.op
    # densities (_random_pdf_*) are pure: MXNet merges them, unlike its samplers
    if op is None or op.name in KEPT or (op.family == "random"
                                         and not op.name.startswith("_random_pdf_")):
        return False
    return not op.mutated_inputs(node.params)


def eliminate_common_expr(symbol):
    """A copy of ``symbol`` with common subexpressions merged, as MXNet's pass merges them.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> with mx.name.NameManager():
    ...     s = mx.sym.Group([a + b, a + b])
    >>> eliminate_common_expr(s).list_outputs()
    ['_plus0_output', '_plus0_0_copy_output']
    """
    from ..ops import get_op
    from ..symbol.symbol import Symbol
    heads = list(copy.deepcopy(symbol)._heads)
    copy_op = get_op("_copy")
    while True:
        order = topo_order(heads)
        groups: dict[tuple, list] = {}
        for node in order:
            if node.op is not None and node.inputs:
                key = tuple((id(e.node), e.index) for e in node.inputs)
                groups.setdefault(key, []).append(node)
        survivor: dict[int, Node] = {}
        for nodes in groups.values():
            for i, n in enumerate(nodes):
                if id(n) in survivor or not _mergeable(n):
                    continue
                for m in nodes[i + 1:]:
                    if id(m) not in survivor and m.op is n.op and m.attrs == n.attrs:
                        survivor[id(m)] = n
        if not survivor:
            return Symbol(heads)
        for node in order:
            if any(id(e.node) in survivor for e in node.inputs):
                node.inputs = [Entry(survivor.get(id(e.node), e.node), e.index, e.version)
                               for e in node.inputs]
        heads = [(survivor.get(id(n), n), i) for n, i in heads]
        copies: dict[tuple, int] = {}
        unique = []
        for n, i in heads:
            k = copies.get((id(n), i))
            if k is None:
                copies[(id(n), i)] = 0
                unique.append((n, i))
            else:
                copies[(id(n), i)] = k + 1
                unique.append((Node(copy_op, "%s_%d_copy" % (n.name, k), {}, [Entry(n, i)]), 0))
        heads = unique
