"""Common-subexpression elimination: MXNet's bind-time graph pass, seen through
``Executor.get_optimized_symbol()``.

MXNet 1.9.1 runs it when an executor is bound unless ``MXNET_ELIMINATE_COMMON_EXPR=0``: two
operator nodes that read the same entries (node and output index) with the same operator
and the same attribute strings become one, repeatedly until nothing changes. Graph outputs
that end up as one entry are told apart again by ``_copy`` nodes named
``<node>_<k>_copy``. Nodes without inputs are never merged, nor operators that mutate an
input, keep state, or ask for a resource (random numbers, scratch space) unless marked
deterministic: MXNet decides that per operator (``_NEVER_MERGED``, recorded).
"""
from __future__ import annotations

import os

from ..graph import Entry, Node, topo_order

__all__ = ["enabled", "eliminate_common_expr"]

# operators the pass keeps apart in MXNet 1.9.1's CPU (oneDNN) build, recorded by
# tests/symbol_passes/record.py (two identical nodes per differential case): legacy
# OperatorProperty layers and oneDNN kernels are stateful, the others request a resource;
# creation operators have no inputs. Python operators (Custom, _Native, _NDArray) are stateful.
_NEVER_MERGED = frozenset("""
BatchNorm BatchNorm_v1 BilinearSampler Convolution Convolution_v1 Crop Deconvolution Dropout
Embedding FullyConnected GridGenerator GroupNorm IdentityAttachKLSparseReg InstanceNorm
L2Normalization LayerNorm MakeLoss Pad Pooling_v1 RNN ROIPooling SVMOutput SequenceLast
SequenceMask SequenceReverse SliceChannel SpatialTransformer SwapAxis
_contrib_interleaved_matmul_selfatt_qk _contrib_interleaved_matmul_selfatt_valatt
_random_exponential_like _random_gamma_like _random_generalized_negative_binomial_like
_random_negative_binomial_like _random_normal_like _random_poisson_like _random_uniform_like
_sample_exponential _sample_gamma _sample_generalized_negative_binomial _sample_multinomial
_sample_negative_binomial _sample_normal _sample_poisson _sample_uniform _shuffle
Custom _Native _NDArray
""".split())


def enabled() -> bool:
    """Whether ``MXNET_ELIMINATE_COMMON_EXPR`` leaves the pass on (MXNet's default: on).

    >>> import os
    >>> os.environ.pop('MXNET_ELIMINATE_COMMON_EXPR', None) is None or True
    True
    >>> enabled()
    True
    """
    text = os.environ.get("MXNET_ELIMINATE_COMMON_EXPR", "").strip()
    try:
        return int(text) != 0
    except ValueError:
        return True          # dmlc::GetEnv keeps the default for text it cannot parse


def _mergeable(node) -> bool:
    op = node.op
    return (op is not None and bool(node.inputs) and op.name not in _NEVER_MERGED
            and not op.mutated_inputs(node.params))


def _common_pairs(heads):
    """``(kept, replaced)`` pairs of one pass, in MXNet's order (grouped by inputs)."""
    groups: dict[tuple, list] = {}
    for node in topo_order(heads):
        if node.inputs:
            key = tuple((id(e.node), e.index) for e in node.inputs)
            groups.setdefault(key, []).append(node)
    pairs = []
    for group in groups.values():
        replaced = set()
        for i, kept in enumerate(group):
            if i in replaced or not _mergeable(kept):
                continue
            for j in range(i + 1, len(group)):
                other = group[j]
                if j not in replaced and other.op is kept.op and other.attrs == kept.attrs:
                    replaced.add(j)
                    pairs.append((kept, other))
    return pairs


def _one_pass(heads, pairs):
    substitute = {}
    for kept, replaced in pairs:
        substitute[id(replaced)] = kept
    for node in topo_order(heads):
        if any(id(e.node) in substitute for e in node.inputs):
            node.inputs = [Entry(substitute.get(id(e.node), e.node), e.index, e.version)
                           for e in node.inputs]
    heads = [(substitute.get(id(n), n), i) for n, i in heads]
    # outputs that became one entry are separated by copies, as MXNet does after each pass
    from ..ops import get_op
    copies: dict[tuple, int] = {}
    out = []
    for node, index in heads:
        key = (id(node), index)
        if key not in copies:
            copies[key] = 0
            out.append((node, index))
            continue
        copy = Node(get_op("_copy"), "%s_%d_copy" % (node.name, copies[key]),
                    inputs=[Entry(node, index, 0)])
        copies[key] += 1
        out.append((copy, 0))
    return out


def eliminate_common_expr(symbol):
    """A copy of ``symbol`` with its common subexpressions merged (MXNet's bind-time pass).

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> s = (a + b) * (a + b)
    >>> len(s.get_internals()), len(eliminate_common_expr(s).get_internals())
    (5, 4)
    """
    from .symbol import Symbol
    heads = symbol.__copy__()._heads
    while True:
        pairs = _common_pairs(heads)
        if not pairs:
            return Symbol(heads)
        heads = _one_pass(heads, pairs)
