"""Inference fusion: a convolution and the BatchNorm, residual add and activation after it run as
one oneDNN convolution, as MXNet 1.9.1's MKLDNN subgraph backend fuses them
(``_sg_mkldnn_conv``) in executors that compute no gradient.

A *group* is a float32 2-D or 3-D ``Convolution`` followed, each optional and in this order,
by a ``BatchNorm`` (channels on axis 1, its statistics not outputs), an ``elemwise_add`` of
a residual, and an ``Activation`` (relu, tanh or sigmoid: the ones MXNet 1.9.1 fuses whose
oneDNN kernels symnb runs); each consumes the one before it, which no other node or head
reads, and the group's steps are consecutive in the plan. BatchNorm is folded into the
convolution's weights and bias (``_onednn.fold_batch_norm``), the add and the activation
become post-ops. The entries inside a group are then not written by an inference
forward (the pictures say so); its inputs stay live until its last step, so its result never
takes their memory. A group's result that only groups (or oneDNN poolings) read stays in its
convolution's blocked layout, and so does a pooling's result that only groups read
(:func:`blocked_entries`). A training forward (``is_train=True``) runs the
operators one by one.
``MXNET_SUBGRAPH_BACKEND=NONE`` or ``MXNET_DISABLE_MKLDNN_CONV_OPT=1`` turns fusion off and
``MXNET_DISABLE_MKLDNN_FUSE_CONV_BN``, ``_CONV_SUM`` and ``_CONV_RELU`` (the activation)
leave that part out, as in MXNet 1.9.1.

>>> import symnb as mx
>>> x = mx.sym.var('x')
>>> y = mx.sym.Activation(mx.sym.BatchNorm(mx.sym.Convolution(x, kernel=(3, 3),
...     num_filter=8, name='c'), name='bn'), act_type='relu', name='r')
>>> ex = y.simple_bind(mx.cpu(), grad_req='null', x=(1, 8, 6, 6))       # oneDNN or not
>>> [[n.name for n in g.nodes] for g in ex._plan.fusion_groups] in ([['c', 'bn', 'r']], [])
True
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..ops import _onednn

__all__ = ["FusionGroup", "fusion_groups", "fusion_enabled", "blocked_entries", "in_place_sums",
           "fused_run", "pool_run", "FUSED_OP_NAME"]

FUSED_OP_NAME = "_sg_mkldnn_conv"        # MXNet's name for the fused node (its profiler's)


@dataclass(frozen=True, slots=True)
class FusionGroup:
    nodes: tuple                 # the operator nodes, the convolution first
    conv: object
    bn: object                   # or None
    add: object                  # or None
    residual: tuple              # (node, index) of the add's other input, or None
    act: str                     # the Activation's act_type, or None
    first: int                   # positions of the first and last node in the plan's steps
    last: int

    @property
    def inner_entries(self):
        """The entries the fused run does not write (all but the group's result)."""
        return [(id(n), i) for n in self.nodes[:-1] for i in range(n.num_outputs())] + \
            [(id(self.nodes[-1]), i) for i in range(1, self.nodes[-1].num_outputs())]


class _FusedOp:
    """Stands in for an operator where a fused step is named (profiler rows, errors)."""

    name = FUSED_OP_NAME


FUSED_OP = _FusedOp()


# the activations fused as post-ops, with the oneDNN algorithm symnb's Activation runs
_ACTS = {"relu": _onednn.RELU, "tanh": _onednn.TANH, "sigmoid": _onednn.LOGISTIC}


def _env_flag(name) -> bool:
    return os.environ.get(name, "0").strip() not in ("", "0")


def fusion_enabled() -> bool:
    """Whether binds fuse (read at bind, as MXNet reads them: ``MXNET_SUBGRAPH_BACKEND=NONE``
    or ``MXNET_DISABLE_MKLDNN_CONV_OPT=1`` turn its convolution fusion off).

    >>> fusion_enabled() in (True, False)
    True
    """
    return os.environ.get("MXNET_SUBGRAPH_BACKEND", "MKLDNN").strip().upper() != "NONE" \
        and not _env_flag("MXNET_DISABLE_MKLDNN_CONV_OPT")


def fusion_groups(ops, heads, shapes, dtypes) -> list:
    """The groups in ``ops`` (operator nodes in plan order) of a plan with no backward;
    ``shapes`` and ``dtypes`` map ``id(node)`` to its outputs'."""
    uses = {}
    for node in ops:
        for e in node.inputs:
            uses[(id(e.node), e.index)] = uses.get((id(e.node), e.index), 0) + 1
    for node, i in heads:
        uses[(id(node), i)] = uses.get((id(node), i), 0) + 2      # a head is always kept
    f32 = np.dtype(np.float32)

    def sole_reader(node, at):
        """``ops[at]`` if it is the one reader of ``node``'s first output, else None."""
        if uses.get((id(node), 0), 0) != 1 or at >= len(ops):
            return None
        nxt = ops[at]
        return nxt if any(e.node is node and e.index == 0 for e in nxt.inputs) else None

    with_bn, with_sum, with_act = (not _env_flag("MXNET_DISABLE_MKLDNN_FUSE_CONV_" + part)
                                   for part in ("BN", "SUM", "RELU"))
    groups = []
    k = 0
    while k < len(ops):
        conv = ops[k]
        if conv.op.name != "Convolution" or dtypes[id(conv)][0] != f32 or \
                len(conv.params.kernel) not in (2, 3):          # MXNet's selector's rule
            k += 1
            continue
        nodes, bn, add, residual, act = [conv], None, None, None, None
        nxt = sole_reader(conv, k + 1)
        if with_bn and nxt is not None and _is_bn(nxt, conv, uses, len(shapes[id(conv)][0])):
            bn = nxt
            nodes.append(nxt)
            nxt = sole_reader(nxt, k + len(nodes))
        if with_sum and nxt is not None and nxt.op.name == "elemwise_add":
            other = [e for e in nxt.inputs if e.node is not nodes[-1]]
            if len(other) == 1 and all(other[0].node is not n for n in nodes) and \
                    dtypes[id(other[0].node)][other[0].index] == f32:
                add, residual = nxt, (other[0].node, other[0].index)
                nodes.append(nxt)
                nxt = sole_reader(nxt, k + len(nodes))
        if with_act and nxt is not None and nxt.op.name == "Activation" and \
                nxt.params.act_type in _ACTS:
            act = nxt.params.act_type
            nodes.append(nxt)
        if len(nodes) > 1:
            groups.append(FusionGroup(tuple(nodes), conv, bn, add, residual, act, k,
                                      k + len(nodes) - 1))
        k += len(nodes)
    return groups


def _is_bn(node, conv, uses, ndim) -> bool:
    from ..ops.norm import _real_axis
    if node.op.name != "BatchNorm" or node.inputs[0].node is not conv:
        return False
    if any(e.node is conv for e in node.inputs[1:]) or node.params.output_mean_var:
        return False
    if any(uses.get((id(node), i), 0) for i in (1, 2)):
        return False
    return _real_axis(node.params.axis, ndim) == 1


def blocked_entries(plan, groups, heads) -> tuple[dict, set]:
    """The results of groups and of oneDNN poolings that only groups and such poolings read
    (as the data of a convolution or a pooling, or as a residual), and no head:
    ``{entry: EntryLayout}``, and the set of those a pooling writes or reads. Such a result
    stays in the layout its primitive writes, in its own array's memory: no reorder to NCHW
    after it and none back before its readers. A group's result that only groups read is
    not seen after an inference forward (as the entries inside groups); the others are
    entries of operators that do not fuse, so they are shown, rewritten as NCHW first
    (``Plan.plain``)."""
    readers = _readers(s.node for s in plan.fwd_steps)
    heads = {(id(n), i) for n, i in heads}
    by_node = _group_of(groups)
    pools = {id(s.node) for s in plan.fwd_steps if _pool_in_onednn(s)}
    producers = [g.nodes[-1] for g in groups] + \
        [s.node for s in plan.fwd_steps if id(s.node) in pools]
    out, pooled = {}, set()
    for producer in producers:
        key = (id(producer), 0)
        if key in heads or not readers.get(key):
            continue
        if all(_reads_blocked(by_node.get(id(reader)), reader, pos, producer, pools)
               for reader, pos in readers[key]):
            out[key] = _onednn.EntryLayout()
            if id(producer) in pools or any(id(r) in pools for r, _ in readers[key]):
                pooled.add(key)
    return out, pooled


def in_place_sums(groups, ops, heads) -> dict:
    """The groups whose result takes the memory of its residual, as MXNet 1.9.1's fused
    convolution sums in place: ``{id(result node): residual entry}``. The residual is the
    result of another group that only groups read (kept blocked and not shown, as
    :func:`blocked_entries` finds it), and nothing after this group's add reads it, so the
    sum post-op runs on its memory with no copy of it first. ``ops``: the plan's operator
    nodes in order.

    >>> in_place_sums([], [], [])
    {}
    """
    readers, at = _readers(ops), {id(n): k for k, n in enumerate(ops)}
    heads = {(id(n), i) for n, i in heads}
    by_node = _group_of(groups)
    results = {id(g.nodes[-1]) for g in groups}
    out = {}
    for g in groups:
        if g.residual is None:
            continue
        producer, index = g.residual
        key = (id(producer), index)
        data = g.conv.inputs[0]
        if index != 0 or id(producer) not in results or key in heads or \
                (id(data.node), data.index) == key:
            continue
        if all(_reads_blocked(by_node.get(id(r)), r, pos, producer) and at[id(r)] <= g.last
               for r, pos in readers[key]):
            out[id(g.nodes[-1])] = key
    return out


def _readers(nodes) -> dict:
    """``{entry: [(reader node, input position)]}`` over ``nodes``."""
    readers = {}
    for node in nodes:
        for pos, e in enumerate(node.inputs):
            readers.setdefault((id(e.node), e.index), []).append((node, pos))
    return readers


def _group_of(groups) -> dict:
    """``{id(node): its group}``."""
    return {id(n): g for g in groups for n in g.nodes}


def _pool_in_onednn(step) -> bool:
    """Whether an inference forward runs this step as a oneDNN pooling (float32, 2-D or 3-D,
    MXNet's windows as oneDNN counts them), its data not a private copy."""
    if step.op.name != "Pooling" or step.scratch_slots:
        return False
    from ..ops.pooling import runs_in_onednn
    return runs_in_onednn(step.params, step.ins[0], step.outs[0])


def _reads_blocked(group, reader, pos, producer, pools=()) -> bool:
    """Whether input ``pos`` of ``reader`` (a node of ``group``, a oneDNN pooling, or
    neither) takes the blocked result of ``producer``: as a convolution's or a pooling's
    data or as a residual."""
    if id(reader) in pools:
        return pos == 0
    if group is None:
        return False
    if reader is group.conv:
        return pos == 0
    return reader is group.add and group.residual[0] is producer


def pool_run(step, fallback, layouts):
    """An inference pooling that reads or writes entries kept blocked (``layouts``, from
    :func:`blocked_entries`): oneDNN's primitive in its data's layout, its result left in
    its own where the result's readers take it; else the step's own ``fallback`` runs on
    NCHW arrays."""
    from ..ops.pooling import _mark_untracked, _onednn_alg, _plan
    x, out = step.ins[0], step.outs[0]
    positions = step.outs[1] if len(step.outs) > 1 else None
    data = step.node.inputs[0]
    entry_layouts = (layouts.get((id(data.node), data.index)), layouts.get((id(step.node), 0)))
    p = step.params
    geometry = _plan(p, x.shape, out.shape)
    alg = _onednn_alg(p, geometry)
    forward, restore = _onednn.pool_forward, _onednn.restore_plain

    def run(is_train):
        if positions is not None:       # as the operator's inference forward marks them
            _mark_untracked(positions)
        if forward(x, out, alg, geometry.kernel, geometry.stride, geometry.pad,
                   layouts=entry_layouts):
            return
        if entry_layouts[0] is not None:
            restore(entry_layouts[0], x)
        if entry_layouts[1] is not None:
            entry_layouts[1].md = None
        for each in fallback:
            each(is_train)
    return run


def fused_run(group, steps, fallback, layouts=None):
    """The closure of ``group`` (its plan steps ``steps``, node by node): one oneDNN call,
    or the operators' own ``fallback`` runs where oneDNN declines. ``layouts`` maps the
    entries kept blocked between groups to their :class:`_onednn.EntryLayout`."""
    from ..ops.conv import _spatial_params
    conv = steps[0]
    x, w = conv.ins[0], conv.ins[1]
    bias = None if conv.params.no_bias else conv.ins[2]
    geo = _spatial_params(conv.params)
    bn = None
    if group.bn is not None:
        st = steps[1]
        bn = tuple(st.ins[1:5]) + (float(st.params.eps), bool(st.params.fix_gamma))
    residual = None
    if group.add is not None:
        st = steps[group.nodes.index(group.add)]
        node, index = group.residual
        residual = next(a for a, e in zip(st.ins, group.add.inputs)
                        if e.node is node and e.index == index)
    out, act = steps[-1].outs[0], _ACTS.get(group.act)
    layouts = layouts or {}
    data = group.conv.inputs[0]
    entry_layouts = (layouts.get((id(data.node), data.index)),
                     None if group.residual is None else layouts.get(
                         (id(group.residual[0]), group.residual[1])),
                     layouts.get((id(group.nodes[-1]), 0)))
    if not any(entry_layouts):
        entry_layouts = None
    forward = _onednn.fused_conv_call(x, w, bias, bn, residual, out, geo, act, entry_layouts)
    restore = _onednn.restore_plain

    def run(is_train):
        if not forward():
            if entry_layouts is not None:       # the operators read and write NCHW
                for layout, arr in zip(entry_layouts[:2], (x, residual)):
                    if layout is not None:
                        restore(layout, arr)
                if entry_layouts[2] is not None:
                    entry_layouts[2].md = None
            for each in fallback:
                each(is_train)
    return run
