"""The execution plan: everything worked out once at bind, replayed by forward/backward.

A plan holds, for the bound symbol and its concrete shapes and dtypes:

* ``fwd_steps``: one prepared call per operator node in topological order, with its input
  and output arrays already wired. An NDArray's buffer (``_data``) is fixed for its
  lifetime and every in-place write goes into it, so bound arguments are wired directly
  and ``A[:] = ...`` is seen by the next forward;
* ``fwd_runs``/``bwd_runs``: the same steps as zero-overhead closures ``run(is_train)``;
  an operator may supply ``prepare_forward``/``prepare_backward`` to return a specialised
  closure (e.g. one ufunc call with ``out=``), which keeps per-node overhead near the floor;
* ``bwd_steps``: the operator nodes on a path from a head to an argument whose gradient was
  requested, in reverse order, each with its gradient buffers and per-input write/add
  requests decided statically (the first contribution to an entry writes, later ones add);
* buffers: one array per entry; when no gradient is requested, intermediates whose last
  reader has run share memory (liveness), so inference needs little memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ops import _onednn
from ..ops._params import Params
from ..ops._registry import kernel_for
from . import _fuse, _layouts

__all__ = ["Plan", "FwdStep", "BwdStep", "build_plan"]


@dataclass(slots=True)
class FwdStep:
    node: object
    op: object
    params: object
    ins: list                 # arrays (variables refreshed before each forward)
    outs: list
    var_slots: list           # (position in ins, bound NDArray) for variable inputs
    scratch_slots: list = field(default_factory=list)  # (position, NDArray, private copy)


@dataclass(slots=True)
class BwdStep:
    node: object
    op: object
    params: object
    ins: list
    outs: list
    ograds: list              # one per visible output (None: loss head / not needed)
    igrads: list              # one per input (None: not needed)
    reqs: list
    var_slots: list
    post_adds: list = field(default_factory=list)     # (target, scratch): target += scratch


@dataclass(slots=True)
class Plan:
    order: list
    fwd_steps: list
    bwd_steps: list
    head_arrays: list                      # output arrays, one per head
    head_grad_bufs: list                   # per head: buffer the out_grad is copied to, or None
    head_needs_grad: list                  # per head: whether backward needs an out_grad
    var_head_grads: list = field(default_factory=list)   # (head index, grad NDArray, req)
    has_backward: bool = False
    entry_arrays: dict = field(default_factory=dict)
    # (consumer node, input position, variable node, gradient array): arguments only zero
    # gradients reach ('write': zeroed by each backward), MXNet's zeros_like nodes
    zero_grads: list = field(default_factory=list)
    fwd_runs: list = field(default_factory=list)
    bwd_runs: list = field(default_factory=list)

    fwd_run_steps: list = field(default_factory=list)   # the step of each fwd_runs entry
    # an inference forward's runs where groups of steps run fused (executor/_fuse.py), with
    # the step (or FusedStep) of each; empty where nothing fuses
    infer_runs: list = field(default_factory=list)
    infer_run_steps: list = field(default_factory=list)
    fusion_groups: list = field(default_factory=list)
    fused_entries: frozenset = frozenset()    # entries an inference forward leaves unwritten
    fused_ran: bool = False                   # whether the last forward ran the fused steps
    # whether the steps run float32 convolutions in oneDNN: then BLAS is held at one thread
    # while they run and the other layers oneDNN has run there too (see ops/_onednn.py)
    onednn: bool = False
    # an inference run's arrays derived from the weights (oneDNN's reordered weights),
    # symnb/_writes.Derived, made on the first inference forward of a oneDNN plan
    derived: object = None
    # ids of the arrays a Derived cache may derive from: the bound arguments and aux states
    # that no step writes (steps rewrite their own buffers every run, unreported)
    stable_ids: frozenset = frozenset()
    # a training plan's record of the arrays holding oneDNN's blocked layouts between its
    # primitives (executor/_layouts.py), or None where every array stays NCHW
    layouts: object = None
    # an inference plan's entries kept blocked beside its oneDNN poolings, which pictures
    # and widgets show: [(EntryLayout, array)] (executor/_fuse.py's blocked_entries)
    pooled_layouts: list = field(default_factory=list)
    # an inference plan's fused results that take their residual's memory (executor/_fuse.py's
    # in_place_sums): {result entry: residual entry}
    in_place_sums: dict = field(default_factory=dict)

    def plain(self):
        """Every array NCHW, before anything but the plan's own steps reads them (the
        monitor, pictures, widgets).

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2,))
        >>> ex._plan.plain()
        """
        if self.layouts is not None:
            self.layouts.restore_all()
        if self.fused_ran:
            for layout, array in self.pooled_layouts:
                _onednn.restore_plain(layout, array)

    def readable(self, array, reuse=False):
        """``array`` as NCHW values to read: itself, or a copy where it holds a blocked
        layout (which it keeps: cheaper than :meth:`plain` for a reader of a few arrays
        between steps, a live widget). With ``reuse`` the copy is only valid until the next
        call (:meth:`_onednn.Layouts.readable`).

        >>> import numpy as np, symnb as mx
        >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2,))
        >>> a = np.zeros(2, np.float32)
        >>> ex._plan.readable(a) is a
        True
        """
        if not isinstance(array, np.ndarray):
            return array
        if self.fused_ran and self.pooled_layouts:
            for layout, a in self.pooled_layouts:
                if a is array and layout.md is not None:
                    return _onednn.readable_copy(layout.md, array)
        if self.layouts is None:
            return array
        return self.layouts.readable(array, reuse)

    def holds_own_value(self, key) -> bool:
        """Whether entry ``key``, whose memory another entry shares, still holds its own
        values after a forward: a fused sum's result in its residual's memory
        (``in_place_sums``) that no entry written later takes over."""
        if key not in self.in_place_sums:
            return False
        at = {id(s.node): k for k, s in enumerate(self.fwd_steps)}
        return _owns_memory(self, key, at)

    def step_of(self, run, backward=False):
        """The step whose prepared closure is ``run``: only looked up after a failure, to
        name the node (the run loops stay free of bookkeeping)."""
        pairs = [(self.bwd_runs, self.bwd_steps)] if backward else \
            [(self.fwd_runs, self.fwd_run_steps), (self.infer_runs, self.infer_run_steps)]
        for runs, steps in pairs:
            for candidate, step in zip(runs, steps):
                if candidate is run:
                    return step
        return None


@dataclass(frozen=True, slots=True)
class FusedStep:
    """Where a fused group runs as one step: named after its convolution, with MXNet's
    operator name for the fused node (``_sg_mkldnn_conv``)."""
    node: object
    op: object
    group: object


def _size(shape):
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _alloc(xp, shape, dtype):
    return xp.empty(shape, dtype=dtype)


def build_plan(symbol, order, shapes, dtypes, arg_nodes, arg_nds, grad_nds, reqs, aux_nodes,
               aux_nds, rt, share_memory: bool, reuse=None) -> Plan:
    """Wire every step. ``shapes``/``dtypes`` map ``id(node)`` to per-output lists.

    ``reuse`` maps ``(position in order, output index)`` to an array of an earlier plan of the
    same graph (``Executor.reshape``): entries that fit become views on its beginning, as
    MXNet's reshaped executors share memory with the original.
    """
    position = {id(n): k for k, n in enumerate(order)}
    xp = rt.xp
    bound = {id(n): nd for n, nd in zip(arg_nodes, arg_nds)}
    bound.update({id(n): nd for n, nd in zip(aux_nodes, aux_nds)})
    grad_of = {}
    for n, g, r in zip(arg_nodes, grad_nds, reqs):
        if g is not None and r != "null":
            grad_of[id(n)] = (g, r)
    heads = symbol._heads

    # -- which nodes lead to an argument that wants a gradient (backward set)
    reach = {}
    for node in order:
        if node.op is None:
            reach[id(node)] = id(node) in grad_of
        else:
            reach[id(node)] = any(reach[id(e.node)] for e in node.inputs)
    has_backward = any(reach[id(n)] for n, _ in heads) or bool(grad_of)
    live = _check_differentiable(order, heads, reach)
    # MXNet's gradient pass gives the inputs of a node that no real gradient reaches zeros
    # (zeros_like) instead of running its backward (its zero propagation): such nodes leave
    # the backward set, and a backward made of zero-gradient steps alone reads no forward
    # buffer, so the forward shares memory as inference does
    reach = {k: v and (k in live or k in grad_of) for k, v in reach.items()}
    if not any(reach[id(n)] and not n.op.zero_gradient for n in order if n.op is not None):
        share_memory = True
    for node in order:
        if node.op is not None and node.op.dynamic_shape and reach[id(node)]:
            from ..base import MXNetError
            raise MXNetError("MXNetError: Error in operator %s: %s's output shape follows "
                             "from the input values; symnb cannot plan its gradient in a "
                             "bound graph (use mx.nd)" % (node.name, node.op.name))

    # -- liveness: last forward step reading each entry (only used without gradients)
    last_use = {}
    ops = [n for n in order if n.op is not None]
    for step_index, node in enumerate(ops):
        for e in node.inputs:
            last_use[(id(e.node), e.index)] = step_index
    pinned = {(id(n), i) for n, i in heads}
    groups = []
    if not has_backward and xp is np and _fuse.fusion_enabled() and _onednn.available():
        groups = _fuse.fusion_groups(ops, heads, shapes, dtypes)
    group_reads = {}                # a group's last step: the entries it read at its first
    for group in groups:
        # a fused group reads its data and residual at its first step and writes its
        # result at once: both stay live to its end, so that the result never takes them
        outside = [group.conv.inputs[0]] + ([] if group.add is None else [
            e for e in group.add.inputs if (e.node, e.index) == group.residual])
        for e in outside:
            key = (id(e.node), e.index)
            last_use[key] = max(last_use.get(key, group.last), group.last)
            group_reads.setdefault(group.last, []).append(e)
    # a group's result that takes its residual's memory (the sum in place)
    in_place = _fuse.in_place_sums(groups, ops, heads) if groups and share_memory else {}

    # -- forward buffers
    entry_arrays = {}
    free: dict[tuple, list] = {}
    fwd_steps = []
    for step_index, node in enumerate(ops):
        outs = []
        for i in range(node.num_outputs()):
            shape, dtype = shapes[id(node)][i], dtypes[id(node)][i]
            key = (tuple(shape), np.dtype(dtype).str)
            pool = free.get(key) if share_memory else None
            old = reuse.get((position[id(node)], i)) if reuse else None
            if i == 0 and id(node) in in_place:
                arr = entry_arrays[in_place[id(node)]]
            elif old is not None and old.dtype == np.dtype(dtype) and old.size >= _size(shape):
                arr = old.reshape(-1)[:_size(shape)].reshape(shape)
            else:
                arr = pool.pop() if pool else _alloc(xp, shape, dtype)
            entry_arrays[(id(node), i)] = arr
            outs.append(arr)
        ins, var_slots = _wire_inputs(node, bound, entry_arrays)
        step = FwdStep(node, node.op, node.params, ins, outs, var_slots)
        _protect_inputs(step, reach, heads, xp)
        fwd_steps.append(step)
        if share_memory:
            # free the inputs whose last reader is this step
            # (and a group's data and residual at its last step), each once, and unread outputs
            done = set()
            for e in [*node.inputs, *group_reads.get(step_index, ())]:
                k = (id(e.node), e.index)
                if e.node.op is not None and last_use.get(k) == step_index and k not in pinned \
                        and k not in done and not any(entry_arrays[k] is o for o in outs):
                    done.add(k)
                    arr = entry_arrays[k]
                    free.setdefault((tuple(arr.shape), arr.dtype.str), []).append(arr)
            for i, arr in enumerate(outs):
                k = (id(node), i)
                if k not in last_use and k not in pinned:
                    free.setdefault((tuple(arr.shape), arr.dtype.str), []).append(arr)

    head_arrays = []
    for node, i in heads:
        if node.op is None:
            head_arrays.append(None)            # a variable head aliases the argument
        else:
            head_arrays.append(entry_arrays[(id(node), i)])

    # -- backward
    bwd_steps = []
    head_grad_bufs = [None] * len(heads)
    head_needs_grad = [False] * len(heads)
    var_head_grads = []
    if has_backward:
        bwd_steps = _plan_backward(ops, heads, reach, grad_of, bound, shapes, dtypes, xp,
                                   entry_arrays, head_grad_bufs, head_needs_grad,
                                   var_head_grads)
    plan = Plan(order, fwd_steps, bwd_steps, head_arrays, head_grad_bufs, head_needs_grad,
                var_head_grads, has_backward, entry_arrays)
    # decided once, at bind, so that every run takes the same kernels (the same bits)
    plan.onednn = xp is np and any(
        step.op.name == "Convolution" and step.ins[0].dtype == np.float32
        for step in fwd_steps) and _onednn.available()
    written = {id(step.ins[pos]) for step in fwd_steps
               for pos in step.op.forward_writes_inputs(step.params)}
    plan.stable_ids = frozenset(id(nd._data) for nd in list(arg_nds) + list(aux_nds)
                                if nd is not None and id(nd._data) not in written)
    if has_backward:
        plan.zero_grads = _zero_grads(order, heads, reach, grad_of, shapes)
    for step in fwd_steps:
        for _pos, nd, scratch in step.scratch_slots:
            plan.fwd_runs.append(_copier(xp, scratch, nd._data))
            plan.fwd_run_steps.append(step)
        plan.fwd_runs.append(_forward_run(step, rt))
        plan.fwd_run_steps.append(step)
    plan.bwd_runs = [_backward_run(step, rt) for step in bwd_steps]
    plan.in_place_sums = {(k, 0): v for k, v in in_place.items()}
    if groups and plan.onednn:
        _plan_fused(plan, groups, heads)
    plan.layouts = _layouts.plan_layouts(plan)
    return plan


def _plan_fused(plan, groups, heads):
    """The inference runs: each group's steps as one fused run (the steps' own runs its
    fallback), every other step as in ``fwd_runs``."""
    runs_of = {}
    for run, step in zip(plan.fwd_runs, plan.fwd_run_steps):
        runs_of.setdefault(id(step), []).append(run)
    group_at = {g.first: g for g in groups}
    layouts, pooled = _fuse.blocked_entries(plan, groups, heads)
    fused, k = set(layouts) - pooled, 0
    # those whose memory no other entry takes over later, which a reader after the run
    # may rewrite as NCHW (the others then hold another entry's values)
    at = {id(s.node): k for k, s in enumerate(plan.fwd_steps)}
    plan.pooled_layouts = [(layouts[key], plan.entry_arrays[key]) for key in pooled
                           if _owns_memory(plan, key, at)]
    steps = plan.fwd_steps
    while k < len(steps):
        group = group_at.get(k)
        if group is None:
            step = steps[k]
            data = step.node.inputs[0] if step.node.inputs else None
            if step.op.name == "Pooling" and ((id(step.node), 0) in pooled or (
                    id(data.node), data.index) in pooled):
                plan.infer_runs.append(_fuse.pool_run(step, runs_of[id(step)], layouts))
                plan.infer_run_steps.append(step)
            else:
                for run in runs_of[id(step)]:
                    plan.infer_runs.append(run)
                    plan.infer_run_steps.append(step)
            k += 1
            continue
        members = steps[group.first:group.last + 1]
        fallback = [run for st in members for run in runs_of[id(st)]]
        plan.infer_runs.append(_fuse.fused_run(group, members, fallback, layouts))
        plan.infer_run_steps.append(FusedStep(group.conv, _fuse.FUSED_OP, group))
        fused.update(group.inner_entries)
        k = group.last + 1
    plan.fusion_groups = list(groups)
    plan.fused_entries = frozenset(fused)


def _owns_memory(plan, key, at) -> bool:
    """Whether no entry of ``plan`` written after entry ``key`` (in place, or in memory
    the planner passed on) shares its memory; ``at``: each node's step index."""
    mine, since = plan.entry_arrays[key], at.get(key[0], -1)
    return not any(at.get(k[0], -1) > since and np.may_share_memory(other, mine)
                   for k, other in plan.entry_arrays.items() if k != key)


def _check_differentiable(order, heads, reach):
    """The nodes MXNet's gradient pass gives a backward: those a real (non-zero) gradient
    reaches, from a head or from a consumer that is not a zero-gradient operator (BlockGrad,
    argmax, ...), and those whose FGradient builds a backward from zeros too
    (``backward_on_zero_grads``). Such a node without a backward is MXNet's
    "non-differentiable" error."""
    gets = {id(n) for n, _ in heads}
    for node in reversed(order):
        if node.op is None or not reach[id(node)]:
            continue
        if id(node) not in gets:
            # only zeros reach it: MXNet still builds the backward of an operator whose
            # FGradient has no zero shortcut (losses, BatchNorm, ...), and that backward's
            # outputs are real gradients for the nodes upstream
            if not node.op.backward_on_zero_grads:
                continue
            gets.add(id(node))
        if not node.op.has_gradient:
            from ..base import MXNetError
            raise MXNetError("MXNetError: Operator %s is non-differentiable because it didn't "
                             "register FGradient attribute." % node.op.name)
        if node.op.backward_parses is not None:
            node.op.parse_backward(node.attrs, node.name)
        if not node.op.zero_gradient:
            gets.update(id(e.node) for e in node.inputs)
    return gets


def _zero_grads(order, heads, reach, grad_of, shapes):
    """Arguments wanting a 'write' gradient that no backward step or head feeds (only
    zero gradients reach them): MXNet writes them with zeros_like."""
    fed = {id(n) for n, _ in heads if n.op is None}
    first_use = {}
    for node in order:
        if node.op is None:
            continue
        for j, e in enumerate(node.inputs):
            if e.node.op is None:
                first_use.setdefault(id(e.node), (node, j, e.node))
                if reach[id(node)]:
                    fed.add(id(e.node))
    out = []
    for key, (node, j, var) in first_use.items():
        if key in grad_of and key not in fed and grad_of[key][1] == "write":
            out.append((node, j, var, _grad_view(grad_of[key][0], shapes[key][0])))
    return out


def _wire_inputs(node, bound, entry_arrays):
    """A node's input arrays (bound NDArray buffers for variables, planned buffers for
    operator outputs) and the ``(position, NDArray)`` of its variable inputs."""
    ins, var_slots = [], []
    for pos, e in enumerate(node.inputs):
        if e.node.op is None:
            nd = bound[id(e.node)]
            var_slots.append((pos, nd))
            ins.append(nd._data)
        else:
            ins.append(entry_arrays[(id(e.node), e.index)])
    return ins, var_slots


def _plan_backward(ops, heads, reach, grad_of, bound, shapes, dtypes, xp, entry_arrays,
                   head_grad_bufs, head_needs_grad, var_head_grads):
    """Backward steps with gradient requests decided once.

    As in MXNet, an operator only ever sees the request of the gradient it produces alone:
    'write', or the user's 'add' for an argument used once. When several contributions meet
    in one gradient (a variable used twice, a fan-out), each later one is written into a
    scratch buffer and summed in right after its step, so operators never have to
    accumulate for the executor (some of MXNet's loss operators ignore 'add' on purpose).
    """
    grad_bufs = {}
    counts = {}

    def target_key(src, index):
        return ("var", id(src)) if src.op is None else (id(src), index)

    def in_gradient_array(node):
        # whether MXNet's gradient entry of this node's output is a variable's gradient
        # array: through CloneGradient operators read only once, down to a variable used once
        stack = [node]
        while stack:
            n = stack.pop()
            if not n.op.clone_gradient or counts.get((id(n), 0), 0) != 1:
                continue
            for e in n.inputs:
                if e.node.op is None:
                    if id(e.node) in grad_of and counts.get(("var", id(e.node)), 0) == 1:
                        return True
                elif read(e.node):
                    stack.append(e.node)
        return False

    position, consumers = {}, {}        # made on the first in-place candidate (prelu)

    def reads_dy_last(node):
        # MXNet's planner writes a gradient in place of the output gradient dy only if this
        # backward is dy's last reader. dy is a fresh entry unless the one consumer is an
        # elemwise_add, whose entry (CloneGradient) is read by every input behind the adds:
        # a variable's gradient or aggregation, or an operator whose backward runs later
        # (earlier in the forward order, as backward runs in reverse), reads it after this
        if counts.get((id(node), 0), 0) != 1:
            return True
        if not position:
            position.update((id(n), k) for k, n in enumerate(ops))
            for n in ops:
                for e in n.inputs:
                    consumers.setdefault((id(e.node), e.index), []).append(n)
        users = consumers.get((id(node), 0), [])
        if len(users) != 1 or not users[0].op.clone_gradient:
            return True
        top = users[0]
        while counts.get((id(top), 0), 0) == 1 and len(consumers.get((id(top), 0), [])) == 1 \
                and consumers[(id(top), 0)][0].op.clone_gradient:
            top = consumers[(id(top), 0)][0]
        stack = [top]
        while stack:
            clone = stack.pop()
            for e in clone.inputs:
                src = e.node
                if src is node or not read(src):
                    continue
                if src.op is None or position[id(src)] < position[id(node)]:
                    return False
                if src.op.clone_gradient and counts.get((id(src), e.index), 0) == 1:
                    stack.append(src)
        return True

    def read(src):
        # whether a gradient for src's outputs is read: a zero-gradient operator (floor,
        # BlockGrad, ...) ignores its output gradients, and MXNet gives the operators
        # producing them kNullOp there (their entries have no reader), which e.g. Embedding
        # requires of its data gradient
        return reach[id(src)] and (src.op is None or not src.op.zero_gradient)

    for node, i in heads:
        if not (node.op is not None and node.op.is_loss_head(node.params)):
            if (node.op is None and id(node) in grad_of) or (node.op is not None
                                                             and reach[id(node)]):
                counts[target_key(node, i)] = counts.get(target_key(node, i), 0) + 1
    for node in ops:
        if reach[id(node)]:
            for e in node.inputs:
                if read(e.node):
                    k = target_key(e.node, e.index)
                    counts[k] = counts.get(k, 0) + 1

    def grad_buffer(key, shape, dtype):
        buf = grad_bufs.get(key)
        if buf is None:
            buf = grad_bufs[key] = xp.zeros(shape, dtype=dtype)
        return buf

    seen = {}

    def request(key, user_req):
        """('direct', req) for the contribution that writes the target itself, else
        ('scratch', None)."""
        n = seen.get(key, 0)
        seen[key] = n + 1
        if counts[key] == 1:
            return "direct", user_req
        if n == 0 and user_req == "write":
            return "direct", "write"
        return "scratch", None

    for h, (node, i) in enumerate(heads):
        if node.op is not None and node.op.is_loss_head(node.params):
            continue
        head_needs_grad[h] = True
        if node.op is None:
            if id(node) in grad_of:
                g, r = grad_of[id(node)]
                how, req = request(("var", id(node)), r)
                var_head_grads.append((h, g, req if how == "direct" else "add"))
            continue
        if not reach[id(node)]:
            continue
        key = (id(node), i)
        buf = grad_buffer(key, shapes[id(node)][i], dtypes[id(node)][i])
        how, req = request(key, "write")
        head_grad_bufs[h] = (req if how == "direct" else "add", buf)

    steps = []
    for node in reversed(ops):
        if not reach[id(node)]:
            continue
        params = node.params
        n_vis = len(node.op.output_names(params))
        ograds = [None if node.op.is_loss_head(node.params) else
                  grad_buffer((id(node), i), shapes[id(node)][i], dtypes[id(node)][i])
                  for i in range(n_vis)]
        igrads, reqs_node, post_adds, internal = [], [], [], []
        for e in node.inputs:
            src = e.node
            if not read(src):
                igrads.append(None)
                reqs_node.append("null")
                internal.append(False)
                continue
            key = target_key(src, e.index)
            # MXNet's gradient entry for this input is its own (not the variable's gradient
            # array) for an operator's output, or for a variable whose gradient sums several;
            # but an elemwise_add hands its entry on to the variables behind it
            internal.append(counts[key] > 1 or (src.op is not None
                                                and not in_gradient_array(src)))
            if src.op is None:
                g, user_req = grad_of[id(src)]
                target = _grad_view(g, shapes[id(src)][0])
            else:
                user_req = "write"
                target = grad_buffer(key, shapes[id(src)][e.index], dtypes[id(src)][e.index])
            how, req = request(key, user_req)
            if how == "direct":
                igrads.append(target)
                reqs_node.append(req)
            else:
                scratch = xp.zeros(target.shape, dtype=target.dtype)
                igrads.append(scratch)
                reqs_node.append("write")
                post_adds.append((target, scratch))
        if all(g is None for g in igrads):
            continue                # every input's gradient is zero-propagated: no step
        in_place = frozenset(i for i in node.op.backward_in_place(params)
                             if igrads[i] is not None and internal[i])
        if in_place and not reads_dy_last(node):
            in_place = frozenset()
        if in_place:
            params = Params(params, _ograd_in_place=in_place)
        ins, var_slots = _wire_inputs(node, bound, entry_arrays)
        outs = [entry_arrays[(id(node), i)] for i in range(node.num_outputs())]
        steps.append(BwdStep(node, node.op, params, ins, outs, ograds, igrads, reqs_node,
                             var_slots, post_adds))
    return steps


def _copier(xp, dst, src):
    def run(is_train):
        xp.copyto(dst, src)
    return run


def _forward_run(step, rt):
    op, p, ins, outs = step.op, step.params, step.ins, step.outs
    forward, _ = kernel_for(op, rt)
    if forward == op.forward:       # a backend kernel replaces the operator's fast path too
        run = op.prepare_forward(p, ins, outs, rt)
        if run is not None:
            return run

    def run(is_train):
        forward(p, ins, outs, is_train, rt)
    return run


def _backward_run(step, rt):
    op, p = step.op, step.params
    ins, outs, ograds, igrads, reqs = step.ins, step.outs, step.ograds, step.igrads, step.reqs
    _, backward = kernel_for(op, rt)
    run = None
    if not op.has_gradient:
        # only reached when no real gradient arrives (_check_differentiable): zeros
        def run(is_train):
            for grad, req in zip(igrads, reqs, strict=True):
                if grad is not None and req == "write":
                    grad[...] = 0
    elif backward == op.backward:
        run = op.prepare_backward(p, ins, outs, ograds, igrads, reqs, rt)
    if run is None:

        def run(is_train):
            backward(p, ins, outs, ograds, igrads, reqs, is_train, rt)
    if not step.post_adds:
        return run
    post_adds, add, dnnl_add = step.post_adds, rt.xp.add, _onednn.add

    def run_and_sum(is_train):
        run(is_train)
        for target, scratch in post_adds:
            # in a plan with oneDNN convolutions the sums run on both cores (onednn_plan)
            dnnl_add(target, scratch, target) or add(target, scratch, out=target)
    return run_and_sum


def _protect_inputs(step, reach, heads, xp):
    """MXNet lets an operator overwrite an input in forward (BatchNorm's fix_gamma writes 1
    into gamma) only when the node's backward is part of the executor or its extra outputs are
    heads (spec executor.md 6.1); otherwise the operator gets a private copy."""
    indices = step.op.forward_writes_inputs(step.params)
    if not indices or reach[id(step.node)]:
        return
    if any(n is step.node and i > 0 for n, i in heads):
        return
    for pos in indices:
        for slot_pos, nd in step.var_slots:
            if slot_pos == pos:
                scratch = xp.empty_like(nd._data)
                step.scratch_slots.append((pos, nd, scratch))
                step.ins[pos] = scratch


def _grad_view(nd, shape):
    data = nd._data
    if tuple(data.shape) != tuple(shape):
        data = data.reshape(shape)   # same size, MXNet writes in C order (spec executor 1.4)
    return data
