"""The Executor: forward and backward replay a plan built once at bind (spec executor.md)."""
from __future__ import annotations

import copy
import math
import sys
import time
import traceback

import numpy as np

from .. import _profiling, _writes
from ..backends import get_backend
from ..base import MXNetError
from ..ops import _onednn
from ..ops._registry import EngineError, kernel_for, named_error
from ..ops._rules import fmt_shape
from ._cse import cse_enabled, eliminate_common_expr
from ._plan import build_plan

__all__ = ["Executor"]


class Executor:
    """A symbol bound to arrays. Create with ``Symbol.bind`` or ``Symbol.simple_bind``.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> ex = (a * b).bind(mx.cpu(), {'a': mx.nd.ones((2,)) * 3, 'b': mx.nd.ones((2,)) * 5},
    ...                   args_grad={'a': mx.nd.zeros((2,)), 'b': mx.nd.zeros((2,))})
    >>> ex.forward(is_train=True)[0].asnumpy()
    array([15., 15.], dtype=float32)
    >>> ex.backward(mx.nd.ones((2,))); ex.grad_dict['a'].asnumpy()
    array([5., 5.], dtype=float32)
    """

    def __init__(self, symbol, ctx, order, arg_nodes, aux_nodes, arg_nds, arg_arrays, grad_list,
                 reqs, aux_nds, shapes, dtypes, group2ctx=None, reuse=None):
        from ..ndarray import NDArray

        self._symbol = copy.deepcopy(symbol)
        self._bound_symbol = symbol
        self._cse = cse_enabled()        # MXNet reads MXNET_ELIMINATE_COMMON_EXPR at bind
        self._ctx = ctx
        self._group2ctx = group2ctx
        self._rt = get_backend(ctx)
        self._arg_names = [n.name for n in arg_nodes]
        self._aux_names = [n.name for n in aux_nodes]
        self._output_names = symbol.list_outputs()
        self.arg_arrays = arg_arrays
        self.grad_arrays = grad_list
        self.aux_arrays = list(aux_nds)
        self._grad_req = reqs
        self._shapes, self._dtypes = shapes, dtypes
        self._order = order
        self._arg_nodes, self._aux_nodes = arg_nodes, aux_nodes
        grads = grad_list if grad_list is not None else [None] * len(arg_nodes)
        no_grad = all(g is None or r == "null" for g, r in zip(grads, reqs))
        self._plan = build_plan(symbol, order, shapes, dtypes, arg_nodes, list(arg_nds), grads,
                                reqs, aux_nodes, list(aux_nds), self._rt, share_memory=no_grad,
                                reuse=reuse)
        self._heads = symbol._heads
        head_nds = []
        for (node, _), arr in zip(self._heads, self._plan.head_arrays):
            if arr is None:
                head_nds.append(arg_nds[[id(n) for n in arg_nodes].index(id(node))]
                                if any(n is node for n in arg_nodes) else
                                aux_nds[[id(n) for n in aux_nodes].index(id(node))])
            else:
                head_nds.append(NDArray(arr, self._node_ctx(node)))
        self._head_nds = head_nds
        steps = {id(st.node): st for st in self._plan.fwd_steps}
        self._dynamic_heads = [(k, steps[id(node)], i) for k, (node, i) in enumerate(self._heads)
                               if node.op is not None and node.op.dynamic_shape]
        self.outputs = list(head_nds)
        self._forwarded = False
        self._monitor = None
        self._monitor_all = False
        self._observers = []
        self._arg_dict = self._grad_dict = self._aux_dict = self._output_dict = None

    def _node_ctx(self, node):
        """The context a node runs on: its ``ctx_group`` mapped by ``group2ctx``, else the
        executor's. Groups on other cpu contexts share the NumPy backend, so nothing moves."""
        group = node.attrs.get("__ctx_group__")
        if self._group2ctx and group in self._group2ctx:
            target = self._group2ctx[group]
            if target.device_type == "gpu" or self._ctx.device_type == "gpu":
                if target != self._ctx:
                    raise MXNetError("MXNetError: group2ctx across devices (%s and %s) is not "
                                     "supported by symnb; bind the whole graph on one device"
                                     % (self._ctx, target))
            return target
        return self._ctx

    # ------------------------------------------------------------------ dicts
    @staticmethod
    def _get_dict(names, arrays):
        if len(set(names)) != len(names):
            raise ValueError("Duplicate names detected, %s" % str(names))
        return dict(zip(names, arrays))

    @property
    def arg_dict(self):
        """Argument name -> its bound NDArray (the executor's own arrays, not copies).

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') + mx.sym.var('b')).bind(
        ...     mx.cpu(), {'a': mx.nd.ones(2), 'b': mx.nd.array([3, 4])})
        >>> sorted(ex.arg_dict), ex.arg_dict['b'].asnumpy()
        (['a', 'b'], array([3., 4.], dtype=float32))
        """
        if self._arg_dict is None:
            self._arg_dict = self._get_dict(self._arg_names, self.arg_arrays)
        return self._arg_dict

    @property
    def grad_dict(self):
        """Argument name -> its gradient NDArray (``None`` where ``grad_req`` is 'null').

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 3).simple_bind(mx.cpu(), a=(2,))
        >>> _ = ex.forward(is_train=True); ex.backward(mx.nd.ones(2))
        >>> ex.grad_dict['a'].asnumpy()
        array([3., 3.], dtype=float32)
        """
        if self._grad_dict is None:
            self._grad_dict = self._get_dict(self._arg_names, self.grad_arrays)
        return self._grad_dict

    @property
    def aux_dict(self):
        """Auxiliary state name -> its NDArray (e.g. BatchNorm's moving statistics).

        >>> import symnb as mx
        >>> ex = mx.sym.BatchNorm(mx.sym.var('d'), name='bn').simple_bind(mx.cpu(), d=(2, 3))
        >>> {k: v.shape for k, v in ex.aux_dict.items()}
        {'bn_moving_mean': (3,), 'bn_moving_var': (3,)}
        """
        if self._aux_dict is None:
            self._aux_dict = self._get_dict(self._aux_names, self.aux_arrays)
        return self._aux_dict

    @property
    def output_dict(self):
        """Output name (``<node>_output``) -> its NDArray.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 2).bind(mx.cpu(), {'a': mx.nd.ones(2)})
        >>> _ = ex.forward(); ex.output_dict['_mulscalar0_output'].asnumpy()
        array([2., 2.], dtype=float32)
        """
        if self._output_dict is None:
            self._output_dict = self._get_dict(self._output_names, self.outputs)
        return self._output_dict

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Display in notebooks: a panel of outputs, arguments, gradients and aux states."""
        from ..pictures import executor_mimebundle  # lazy: keeps `import symnb` light
        return executor_mimebundle(self, include=include, exclude=exclude)

    @property
    def handle(self):
        """Stands in for MXNet's C ``ExecutorHandle``: an int unique to this executor while
        it lives (its ``id``).

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 2).bind(mx.cpu(), {'a': mx.nd.ones(2)})
        >>> ex.handle == id(ex)
        True
        """
        return id(self)

    # ------------------------------------------------------------------ observers
    def _subscribe(self, callback):
        """Register ``callback(event, executor)`` for 'forward', 'backward' and 'aux' events.
        Returns a function that unsubscribes."""
        self._observers.append(callback)
        return lambda: self._observers.remove(callback)

    def _notify(self, event):
        for callback in list(self._observers):
            callback(event, self)

    # ------------------------------------------------------------------ forward
    def forward(self, is_train=False, **kwargs):
        """Run the graph; kwargs are copied into the bound arguments first.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2,))
        >>> ex.forward(a=mx.nd.ones((2,)))[0].asnumpy()
        array([2., 2.], dtype=float32)
        """
        if kwargs:
            self._copy_kwargs(kwargs)
        held = None
        plan = self._plan
        try:
            if self._monitor is None:
                # inference runs its fused groups (executor/_fuse.py); the monitor and
                # training see every operator
                runs = plan.infer_runs if plan.infer_runs and not is_train else plan.fwd_runs
                plan.fused_ran = runs is plan.infer_runs
                _run_steps(plan, runs, is_train, False)
            else:
                plan.fused_ran = False
                self._forward_monitored(is_train)
        except EngineError as e:        # MXNet reports it when an output is read
            held = e
        finally:
            if _writes.watching():
                self._report_writes(self._head_nds, self.aux_arrays if is_train else ())
        self._forwarded = True
        for k, step, i in self._dynamic_heads:     # outputs sized by the run (boolean_mask)
            self._head_nds[k]._data = step.outs[i]
        # MXNet hands out new NDArray objects on every call, all viewing the same buffers
        nd_cls = type(self._head_nds[0]) if self._head_nds else None
        self.outputs = [nd_cls(h._data, h.context) for h in self._head_nds]
        if held is not None:
            from ..ndarray.ndarray import hold_error
            hold_error(self.outputs, held)
        if self._observers:
            self._notify("forward")
        return self.outputs

    @staticmethod
    def _report_writes(*groups):
        """Tell the caches derived from memory (``symnb/_writes.py``) what a pass wrote into
        arrays it hands out: another executor may read them as weights."""
        for group in groups:
            for nd in group:
                if nd is not None:
                    _writes.wrote(nd._data)

    def _copy_kwargs(self, kwargs):
        from ..ndarray import NDArray
        prepared = []
        for name, value in kwargs.items():
            if name not in self._arg_names:
                raise TypeError("Unknown argument %s" % name)
            if isinstance(value, NDArray):
                value = value.asnumpy()
            elif not isinstance(value, np.ndarray):
                raise ValueError("only accept keyword argument of NDArrays and numpy.ndarray")
            dst = self.arg_dict[name]
            if tuple(value.shape) != tuple(dst.shape):
                raise ValueError("Shape not match! Argument %s, need: %s, received: %s"
                                 % (name, tuple(dst.shape), tuple(value.shape)))
            prepared.append((dst, value))
        for dst, value in prepared:          # all checked first: nothing half-copied
            dst[:] = value

    # ------------------------------------------------------------------ backward
    def backward(self, out_grads=None, is_train=True):
        """Gradients of the bound arguments, written or added per ``grad_req``.

        >>> import symnb as mx
        >>> x = mx.sym.var('x')
        >>> ex = (x * x).simple_bind(mx.cpu(), x=(2,))
        >>> _ = ex.forward(is_train=True, x=mx.nd.array([1., 2.]))
        >>> ex.backward(mx.nd.ones((2,))); ex.grad_dict['x'].asnumpy()
        array([2., 4.], dtype=float32)
        """
        from ..ndarray import NDArray
        plan = self._plan
        grads = self._normalize_out_grads(out_grads, NDArray)
        if not plan.has_backward:
            return
        for h, needs in enumerate(plan.head_needs_grad):
            if needs and (h >= len(grads) or grads[h] is None):
                raise MXNetError(
                    "MXNetError: Check failed: i < head_grads.size() && !head_grads[i].is_none()"
                    ": Because the last operator is not Loss function, head_gradient is required "
                    "when calling backward. If you are attempting to minimize the output as an "
                    "objective, please modify your network and pass it through the make_loss "
                    "symbol.")
        for h, needs in enumerate(plan.head_needs_grad):
            if needs:
                g, out = grads[h], self._head_nds[h]
                if tuple(g.shape) != tuple(out.shape):
                    raise MXNetError("MXNetError: Check failed: from.shape() == to.shape(): "
                                     "operands shape mismatch from.shape = %s to.shape=%s"
                                     % (fmt_shape(g.shape), fmt_shape(out.shape)))
        if not self._forwarded:
            # MXNet would read uninitialised outputs here (spec executor.md 5.5); symnb runs
            # the forward first, so gradients are right for every operator
            self.forward(is_train=is_train)
        xp = self._rt.xp
        for h, entry in enumerate(plan.head_grad_bufs):
            if entry is None:
                continue
            req, buf = entry
            value = xp.asarray(grads[h]._data, dtype=buf.dtype)
            if req == "add":
                buf += value
            else:
                buf[...] = value
        for h, g, req in plan.var_head_grads:
            value = xp.asarray(grads[h]._data, dtype=g.dtype)
            if req == "add":
                g._data += value.reshape(g.shape)
            else:
                g._data[...] = value.reshape(g.shape)
        for _node, _pos, _var, grad in plan.zero_grads:
            grad[...] = 0                    # MXNet's zeros_like for zero-propagated inputs
        try:
            if self._monitor is None:
                _run_steps(plan, plan.bwd_runs, is_train, True)
            else:
                plan.plain()
                for step, run in zip(plan.bwd_steps, plan.bwd_runs):
                    try:
                        run(is_train)
                    except Exception as e:
                        raise named_error(step.node.name, step.op, e) from e
                    self._monitor_backward(step)
        finally:
            if _writes.watching():
                self._report_writes(self.grad_arrays or (), self.aux_arrays)
        if self._observers:
            self._notify("backward")

    def _normalize_out_grads(self, out_grads, NDArray):
        if out_grads is None:
            return []
        if isinstance(out_grads, NDArray):
            return [out_grads]
        if isinstance(out_grads, dict):
            return [out_grads[name] for name in self._output_names]
        if isinstance(out_grads, (list, tuple)):
            for g in out_grads:
                if not isinstance(g, NDArray):
                    raise TypeError("inputs must be NDArray")
            return list(out_grads)
        raise TypeError("inputs must be NDArray")

    # ------------------------------------------------------------------ monitor
    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name: bytes, array)`` for every node output (and inputs with
        ``monitor_all``) during forward and backward. As in MXNet, an exception raised by
        the callback is printed to stderr and the pass carries on.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('x') * 2).simple_bind(mx.cpu(), x=(1,))
        >>> seen = []
        >>> ex.set_monitor_callback(lambda n, a: seen.append(n))
        >>> _ = ex.forward(); seen
        [b'_mulscalar0_output']
        """
        self._monitor = callback
        self._monitor_all = monitor_all

    def _forward_monitored(self, is_train):
        rt = self._rt
        self._plan.plain()          # the monitor's steps run outside the plan's oneDNN
        for step in self._plan.fwd_steps:
            for _pos, nd, scratch in step.scratch_slots:
                rt.xp.copyto(scratch, nd._data)
            if self._monitor_all:
                self._monitor_inputs(step)
            forward, _ = kernel_for(step.op, rt)
            try:
                forward(step.params, step.ins, step.outs, is_train, rt)
            except Exception as e:
                raise named_error(step.node.name, step.op, e) from e
            self._monitor_outputs(step)

    def _emit(self, name, arr):
        from ..ndarray import NDArray
        raw = name.encode("utf-8", "surrogatepass")     # bytes, as MXNet's C string
        try:
            self._monitor(raw, NDArray(arr, self._ctx))
        except Exception:
            # MXNet calls the monitor through ctypes, which reports an exception raised in
            # a callback on stderr and carries on: the pass always completes, so a failing
            # callback never leaves gradients or aux states half-written
            print("Exception ignored on calling ctypes callback function: %r" % self._monitor,
                  file=sys.stderr)
            traceback.print_exc()

    def _monitor_outputs(self, step):
        names = _all_output_names(step.node)
        for name, arr in zip(names, step.outs):
            self._emit("%s_%s" % (step.node.name, name), arr)

    def _monitor_inputs(self, step):
        declared = step.op.input_names(step.params)
        named = step.op.monitor_named_inputs
        for j, (e, arr) in enumerate(zip(step.node.inputs, step.ins)):
            if e.node.op is None:
                self._emit(e.node.name, arr)
            suffix = declared[j] if named and j < len(declared) else "input%d" % j
            self._emit("%s_%s" % (step.node.name, suffix), arr)

    def _monitor_backward(self, step):
        # MXNet's backward node has one output per input and its monitor reports all of
        # them, also gradients nobody requested (uninitialised memory there): symnb reports
        # those as zeros, so the names and their count are MXNet's
        grads = step.igrads
        for j, g in enumerate(grads):
            if g is None:
                g = self._rt.xp.zeros(step.ins[j].shape, dtype=step.ins[j].dtype)
            suffix = "output" if len(grads) == 1 else "output%d" % j
            self._emit("%s_backward_%s" % (step.node.name, suffix), g)

    # ------------------------------------------------------------------ misc
    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy (with cast) parameter values into the bound arrays.

        >>> import symnb as mx
        >>> ex = mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=2, name='fc').simple_bind(
        ...     mx.cpu(), d=(1, 3))
        >>> ex.copy_params_from({'fc_bias': mx.nd.array([1.5, 2.5])})
        >>> ex.arg_dict['fc_bias'].asnumpy()
        array([1.5, 2.5], dtype=float32)
        """
        # MXNet copies entry by entry and stops at the first bad one (spec executor.md 7);
        # symnb raises the same errors but checks every entry first, so a failed call copies
        # nothing
        casts = []
        for params, targets, missing in (
                (arg_params, self.arg_dict, 'Find name "%s" that is not in the arguments'),
                (aux_params or {}, self.aux_dict,
                 "Find name %s that is not in the auxiliary states")):
            for name, array in params.items():
                if name in targets:
                    dst = targets[name]
                    src = array.astype(dst.dtype)
                    copy = src.copyto           # a NumPy value: MXNet's AttributeError, here
                    if src.shape != dst.shape:
                        copy(dst)               # raises MXNet's shape error, copies nothing
                    casts.append((copy, dst))
                elif not allow_extra_params:
                    raise ValueError(missing % name)
        for copy, dst in casts:
            copy(dst)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new argument shapes, sharing memory where sizes allow.

        >>> import symnb as mx
        >>> a, b = mx.sym.var('a'), mx.sym.var('b')
        >>> ex = (2 * a + b).bind(mx.cpu(), {'a': mx.nd.zeros((2, 1)), 'b': mx.nd.ones((2, 1))})
        >>> ex.reshape(allow_up_sizing=True, a=(4, 2), b=(4, 2)).forward()[0].shape
        (4, 2)
        """
        from ..ndarray import NDArray
        given = {k: v for k, v in kwargs.items() if isinstance(v, tuple)}
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**given)
        if arg_shapes is None:
            raise MXNetError("MXNetError: reshape: the new shapes do not determine every "
                             "argument's shape")

        from ._bind import bind, check_size
        for name, old, shape in zip(self._arg_names + self._aux_names,
                                    self.arg_arrays + self.aux_arrays, arg_shapes + aux_shapes):
            check_size(name, shape, old.dtype)      # nothing is allocated before all pass

        def resized(old, shape, name):
            size = math.prod(shape)
            if tuple(old.shape) == tuple(shape):
                return NDArray(old._data, old.context)
            if size > old.size:
                if not allow_up_sizing:
                    raise MXNetError(
                        "MXNetError: Check failed: allow_up_sizing: New shape of arg: %s is "
                        "larger than original.First making a big executor and then down sizing "
                        "it is more efficient than the reverse.If you really want to up size, set "
                        "allow_up_sizing=True to enable allocation of new arrays." % name)
                try:
                    return NDArray(self._rt.xp.zeros(shape, dtype=old._data.dtype), old.context)
                except MemoryError as e:
                    raise MXNetError("MXNetError: Failed to allocate CPU Memory (%s: %s)"
                                     % (name, e)) from None
            return NDArray(old._data.reshape(-1)[:size].reshape(shape), old.context)

        new_args, new_grads = [], []
        grads = self.grad_arrays if self.grad_arrays is not None else [None] * len(self._arg_names)
        for name, old, g, shape in zip(self._arg_names, self.arg_arrays, grads, arg_shapes):
            if name not in given and tuple(shape) != tuple(old.shape) and not partial_shaping:
                raise MXNetError(
                    "MXNetError: Shape of unspecifie arg: %s changed. This can cause the new "
                    "executor to not share parameters with the old one. Please check for error in "
                    "network.If this is intended, set partial_shaping=True to suppress this "
                    "warning." % name)
            new_args.append(resized(old, shape, name))
            new_grads.append(None if g is None else resized(g, shape, name))
        new_aux = [resized(old, shape, name)
                   for name, old, shape in zip(self._aux_names, self.aux_arrays, aux_shapes)]
        position = {id(n): k for k, n in enumerate(self._plan.order)}
        reuse = {(position[nid], i): arr for (nid, i), arr in self._plan.entry_arrays.items()}
        ex = bind(self._symbol, self._ctx, new_args, new_grads, self._grad_req, new_aux,
                  self._group2ctx, reuse=reuse)
        if self._monitor is not None:
            ex.set_monitor_callback(self._monitor, self._monitor_all)
        return ex

    def get_optimized_symbol(self):
        """The bound symbol after MXNet's graph passes: common subexpressions merged unless
        ``MXNET_ELIMINATE_COMMON_EXPR=0`` at bind (``_cse.py``).

        >>> import symnb as mx
        >>> a, b = mx.sym.var('a'), mx.sym.var('b')
        >>> with mx.name.NameManager():
        ...     s = (a + b) + (a + b)
        >>> ex = s.simple_bind(mx.cpu(), a=(2,), b=(2,))
        >>> ex.get_optimized_symbol().get_internals().list_outputs()
        ['a', 'b', '_plus0_output', '_plus2_output']
        """
        if self._cse:
            return eliminate_common_expr(self._symbol)
        return copy.deepcopy(self._symbol)

    def debug_str(self):
        """MXNet's text dump of the execution plan: forward nodes, then backward nodes.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * mx.sym.var('b')).simple_bind(mx.cpu(), 'null', a=(1,), b=(1,))
        >>> print(ex.debug_str().splitlines()[5])
        Op:elemwise_mul, Name=_mul0
        """
        from ..symbol.symbol import _debug_nodes, _debug_op
        plan = self._plan
        lines = ["Symbol Outputs:\n"]
        lines += ["\toutput[%d]=%s(%d)\n" % (i, n.name, j) for i, (n, j) in enumerate(self._heads)]
        k = len(self._heads)
        for step in plan.bwd_steps:
            for j, g in enumerate(step.igrads):
                if g is not None and step.node.inputs[j].node.op is None:
                    lines.append("\toutput[%d]=%s_backward(%d)\n" % (k, step.node.name, j))
                    k += 1
        for node, j, _var, _grad in plan.zero_grads:
            lines.append("\toutput[%d]=%s_in%d_backward(0)\n" % (k, node.name, j))
            k += 1
        lines += _debug_nodes(plan.order)
        for step in plan.bwd_steps:
            node = step.node
            lines += _debug_op(node, "_backward_" + node.op.name, node.name + "_backward")
            lines.append("Control deps:\n\tcdep[0]=%s\n" % node.name)
        for node, j, var, _grad in plan.zero_grads:
            lines.append("--------------------\nOp:zeros_like, Name=%s_in%d_backward\nInputs:\n"
                         "\targ[0]=%s(0) version=%d\nControl deps:\n\tcdep[0]=%s\n"
                         % (node.name, j, var.name, var.version, node.name))
        # memory the plan holds: each buffer once (entries sharing one are counted once)
        owners = {}
        for a in plan.entry_arrays.values():
            owner = a if a.base is None else a.base
            owners[id(owner)] = int(owner.nbytes)
        total = sum(owners.values())
        lines.append("Total %d MB allocated\n" % (total >> 20))
        lines.append("Total 11 TempSpace resource requested\n")
        return "".join(lines)


def _all_output_names(node):
    op, p = node.op, node.params
    names = list(op.hidden_output_names(p))
    total = op.num_outputs_total(p)
    if len(names) < total:
        names += ["output%d" % i for i in range(len(names), total)]
    return names


def _run_steps(plan, runs, is_train, backward):
    """Run prepared closures; a failure names its node and operator (torch.fx's "While
    executing %node"). The lookup happens only after a failure: the loop stays bare, unless
    ``mx.profiler`` is timing operators (``_profiling.SYMBOLIC``). Plans with oneDNN
    convolutions hold BLAS at one thread meanwhile and run their other float32 layers in
    oneDNN too (``ops/_onednn.py`` says why)."""
    if plan.onednn:
        _onednn.forget_handoff()
        derived = None
        if not (is_train or backward):
            if plan.derived is None:
                plan.derived = _writes.Derived(plan.stable_ids)
            derived = plan.derived
        elif not backward and plan.derived:
            plan.derived.clear()      # training changes the weights: nothing worth keeping
        with _onednn.onednn_plan(derived, plan.layouts):
            _run_bare(plan, runs, is_train, backward, _onednn.STEP)
    else:
        _run_bare(plan, runs, is_train, backward)


def _run_bare(plan, runs, is_train, backward, count=None):
    """The loop; ``count`` (a oneDNN plan's, ``_onednn.STEP``) is raised before each step, so
    that a primitive knows what the step before it left (``_onednn._take``)."""
    record = _profiling.SYMBOLIC
    try:
        if record is None and count is None:
            for run in runs:
                run(is_train)
        elif record is None:
            for run in runs:
                count[0] += 1
                run(is_train)
        else:
            steps = plan.bwd_steps if backward else \
                plan.infer_run_steps if runs is plan.infer_runs else plan.fwd_run_steps
            clock = time.perf_counter
            for run, step in zip(runs, steps, strict=True):
                if count is not None:
                    count[0] += 1
                begin = clock()
                run(is_train)
                # MXNet's names: the operator, its backward node _backward_<operator>
                record(("_backward_" if backward else "") + step.op.name, begin, clock())
    except Exception as e:
        step = plan.step_of(run, backward)
        if step is None:
            raise
        raise named_error(step.node.name, step.op, e) from e
