"""Data parallelism: one executor per context, each running its slice of the batch.

``DataParallelExecutorGroup`` is what a ``Module`` binds (MXNet's class of the same name): the
batch is split along each input's batch axis (``N`` in its layout) by the work loads, every
context gets an executor bound with ``simple_bind`` for its slice, and outputs, input gradients
and metrics are put back together along the same axes. Parameters live once per context;
``get_params`` averages them onto the cpu.
"""
from __future__ import annotations

import logging
from collections import OrderedDict

import numpy as np

from .. import context as ctx
from .. import ndarray as nd
from ..base import CODE_TO_DTYPE
from ..io import DataDesc

__all__ = ["DataParallelExecutorGroup"]

# reshaped executors kept per input shape (the first-bound ones included)
_MAX_RESHAPED = 8


def _split_input_slice(batch_size, work_load_list):
    """Split ``batch_size`` samples into one slice per work load (MXNet's rounding).

    >>> _split_input_slice(10, [1, 1, 1])
    [slice(0, 3, None), slice(3, 6, None), slice(6, 10, None)]
    """
    total = sum(work_load_list)
    counts = [round(load * batch_size / total) for load in work_load_list]
    if sum(counts) < batch_size:
        counts[-1] += batch_size - sum(counts)
    slices, end = [], 0
    for count in counts:
        begin = int(min(end, batch_size))
        end = int(min(begin + count, batch_size))
        if begin >= end:
            raise ValueError("Too many slices. Some splits are empty.")
        slices.append(slice(begin, end))
    return slices


def _load_general(data, targets, major_axis):
    """Copy each source array into its per-context targets, cropping along the batch axis."""
    for d_src, d_targets, axis in zip(data, targets, major_axis):
        if isinstance(d_targets, nd.NDArray):
            d_src.copyto(d_targets)
        elif isinstance(d_src, (list, tuple)):
            for src, dst in zip(d_src, d_targets):
                src.copyto(dst)
        else:
            for slice_idx, d_dst in d_targets:
                if axis >= 0 and (slice_idx.start != 0 or d_src.shape[axis] != slice_idx.stop):
                    if axis == 0:
                        d_src[slice_idx.start:slice_idx.stop].copyto(d_dst)
                    else:
                        nd.slice_axis(d_src, axis=axis, begin=slice_idx.start,
                                      end=slice_idx.stop).copyto(d_dst)
                else:
                    d_src.copyto(d_dst)


def _load_batch(batch, targets, major_axis, field):
    if isinstance(batch, list):
        # pre-sliced: one DataBatch per context
        sources = [[getattr(b, field)[i] for b in batch] for i in range(len(targets))]
        _load_general(sources, [[dst for _, dst in t] for t in targets], major_axis)
    else:
        _load_general(getattr(batch, field), targets, major_axis)


def _merge_multi_context(outputs, major_axis):
    """One array per output: the contexts' parts concatenated along the batch axis."""
    merged = []
    for tensors, axis in zip(outputs, major_axis):
        if axis >= 0 and len(tensors) > 1:
            first = tensors[0].context
            merged.append(nd.concat(*[t.as_in_context(first) for t in tensors], dim=axis))
        else:
            merged.append(tensors[0])
    return merged


def _prepare_group2ctxs(group2ctxs, ctx_len):
    """One ``group2ctx`` dict (or None) per context from MXNet's accepted forms."""
    if group2ctxs is None:
        return [None] * ctx_len
    if isinstance(group2ctxs, list):
        assert len(group2ctxs) == ctx_len, "length of group2ctxs should be %d" % ctx_len
        return group2ctxs
    if isinstance(group2ctxs, dict):
        per_context = [{} for _ in range(ctx_len)]
        for group, value in group2ctxs.items():
            if isinstance(value, ctx.Context):
                ctxs = [value] * ctx_len
            elif len(value) == 1:
                ctxs = list(value) * ctx_len
            else:
                assert len(value) == ctx_len, \
                    "length of group2ctxs[%s] should be %d or 1" % (group, ctx_len)
                ctxs = value
            for i in range(ctx_len):
                per_context[i][group] = ctxs[i]
        return per_context
    raise AssertionError("group2ctxs should be list of dict of str to context, or dict of "
                         "str to context or list of context")


class DataParallelExecutorGroup:
    """Executors for one symbol on several contexts, each computing its slice of a batch.

    Parameters
    ----------
    symbol : Symbol
        The network.
    contexts : list of Context
        One executor per context.
    workload : list of float
        Relative share of the batch for each context.
    data_shapes, label_shapes : list of DataDesc or (name, shape)
        Inputs of the whole batch (``label_shapes`` may be None).
    param_names : list of str
        Arguments that are parameters (bound with gradients when training).
    for_training, inputs_need_grad : bool
        Whether gradients are needed for the parameters / for the data.
    shared_group : DataParallelExecutorGroup, optional
        Another group whose parameters and data buffers are reused (bucketing).
    fixed_param_names : list of str, optional
        Parameters that get no gradient.
    grad_req : str, list or dict
        ``'write'``, ``'add'`` or ``'null'``, for all or per argument.
    state_names : list of str, optional
        Inputs that are states (not data, not parameters).
    group2ctxs : dict or list, optional
        Context groups per context (model parallelism inside each executor).

    >>> import symnb as mx
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    >>> g = DataParallelExecutorGroup(net, [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (4, 3))],
    ...                               None, ['fc_weight', 'fc_bias'], True, False)
    >>> [e.arg_dict['data'].shape for e in g.execs], g.slices
    ([(2, 3), (2, 3)], [slice(0, 2, None), slice(2, 4, None)])
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names,
                 for_training, inputs_need_grad, shared_group=None, logger=logging,
                 fixed_param_names=None, grad_req="write", state_names=None, group2ctxs=None):
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.group2ctxs = _prepare_group2ctxs(group2ctxs, len(contexts))
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self._total_exec_bytes = 0
        self.fixed_param_names = fixed_param_names if fixed_param_names is not None else []
        self.state_names = state_names if state_names is not None else []
        if not for_training:
            grad_req = "null"
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        self.grad_req = self._grad_reqs(grad_req, [x.name for x in data_shapes])
        # data and label buffers are shared between buckets (one dict per context)
        self.shared_data_arrays = (shared_group.shared_data_arrays if shared_group is not None
                                   else [{} for _ in contexts])
        self.batch_size = None
        self.slices = None
        self.execs = []
        self._default_execs = None
        self._reshaped = {}
        self.data_arrays = self.label_arrays = self.param_arrays = self.state_arrays = None
        self.grad_arrays = self.aux_arrays = self.input_grad_arrays = None
        self.data_shapes = self.label_shapes = None
        self.data_names = self.label_names = None
        self.data_layouts = self.label_layouts = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr("__layout__"))
                               for i in range(self.num_outputs)]
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _grad_reqs(self, grad_req, data_names):
        """Per-argument requests: parameters get ``grad_req`` (fixed ones 'null'), data only
        with ``inputs_need_grad``, labels and states never (unless a list or dict says so)."""
        if isinstance(grad_req, (list, tuple)):
            assert len(grad_req) == len(self.arg_names)
            return dict(zip(self.arg_names, grad_req))
        if not isinstance(grad_req, (str, dict)):
            raise ValueError("grad_req must be one of str, list, tuple, or dict.")
        default = grad_req if isinstance(grad_req, str) else "write"
        reqs = {}
        for name in self.arg_names:
            if name in self.param_names:
                reqs[name] = "null" if name in self.fixed_param_names else default
            elif name in data_names:
                reqs[name] = default if self.inputs_need_grad else "null"
            else:
                reqs[name] = "null"
        if isinstance(grad_req, dict):
            reqs.update(grad_req)
        return reqs

    # ------------------------------------------------------------------ binding
    def decide_slices(self, data_shapes):
        """The batch axis of each input; sets ``batch_size`` and ``slices`` on first sight.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> g.decide_slices([mx.io.DataDesc('data', (4, 3)),
        ...                  mx.io.DataDesc('seq', (7, 4, 5), layout='TNC')])   # batch axes
        [0, 1]
        >>> g.batch_size, g.slices
        (4, [slice(0, 2, None), slice(2, 4, None)])
        """
        assert len(data_shapes) > 0
        major_axis = [DataDesc.get_batch_axis(x.layout) for x in data_shapes]
        for (name, shape), axis in zip(data_shapes, major_axis):
            if axis == -1:
                continue
            batch_size = shape[axis]
            if self.batch_size is not None:
                assert batch_size == self.batch_size, (
                    "all data must have the same batch size: batch_size = %d, but %s has "
                    "shape %s" % (self.batch_size, name, shape))
            else:
                self.batch_size = batch_size
                self.slices = _split_input_slice(self.batch_size, self.workload)
        return major_axis

    def _collect_arrays(self):
        """The per-context arrays, grouped per input / parameter (``[[ctx0, ctx1], ...]``)."""
        execs = self.execs
        slices = self.slices or [slice(i, i + 1) for i in range(len(execs))]
        self.data_arrays = [[(slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name, _ in self.data_shapes]
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        if self.label_shapes is not None:
            self.label_arrays = [[(self.slices[i], e.arg_dict[name])
                                  for i, e in enumerate(execs)]
                                 for name, _ in self.label_shapes]
        else:
            self.label_arrays = None
        param_idx = [i for i, name in enumerate(self.arg_names) if name in self.param_names]
        self.param_arrays = [[e.arg_arrays[i] for e in execs] for i in param_idx]
        if self.for_training:
            self.grad_arrays = [[e.grad_arrays[i] for e in execs] for i in param_idx]
        else:
            self.grad_arrays = None
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(name)] for e in execs]
                                      for name, _ in self.data_shapes if name in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_arrays[i] for e in execs] for i in range(len(self.aux_names))]

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        """Bind (or, with ``reshape``, re-shape the first-bound) executors for these shapes.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 2],
        ...                               [('data', (6, 3))], None, [], False, False)  # binds
        >>> [e.arg_dict['data'].shape for e in g.execs], g.data_names
        ([(2, 3), (4, 3)], ['data'])
        >>> g.bind_exec([mx.io.DataDesc('data', (6, 3))], None)     # once: later, reshape=True
        Traceback (most recent call last):
        ...
        AssertionError...
        """
        assert reshape or not self.execs
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        if reshape:
            self.execs = self._reshaped_execs(data_shapes, label_shapes)
        else:
            for i in range(len(self.contexts)):
                data_i = self._sliced_shape(data_shapes, i, self.data_layouts)
                label_i = (self._sliced_shape(label_shapes, i, self.label_layouts)
                           if label_shapes is not None else [])
                self.execs.append(self._bind_ith_exec(i, data_i, label_i, shared_group))
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [i.name for i in data_shapes]
        if label_shapes is not None:
            self.label_names = [i.name for i in label_shapes]
        self._collect_arrays()

    def _reshaped_execs(self, data_shapes, label_shapes):
        # Always reshaped from the executors first bound, as MXNet does. Reshaped executors
        # are kept per shape: alternating batch sizes (training, then a validation set with
        # another batch size) plan each shape once instead of once per switch.
        key = (tuple((d.name, tuple(d.shape)) for d in data_shapes),
               tuple((d.name, tuple(d.shape)) for d in label_shapes or ()))
        execs = self._reshaped.get(key)
        if execs is None:
            execs = []
            for i, default in enumerate(self._default_execs):
                shapes = self._sliced_shape(data_shapes, i, self.data_layouts)
                if label_shapes is not None:
                    shapes += self._sliced_shape(label_shapes, i, self.label_layouts)
                execs.append(default.reshape(allow_up_sizing=True,
                                             **{d.name: tuple(d.shape) for d in shapes}))
            if len(self._reshaped) >= _MAX_RESHAPED:
                # many shapes (predicting images of every size): forget the oldest, never
                # the executors bound first
                oldest = next(k for k, v in self._reshaped.items()
                              if v is not self._default_execs)
                del self._reshaped[oldest]
            self._reshaped[key] = execs
        return execs

    def reshape(self, data_shapes, label_shapes):
        """Re-shape the executors for new input shapes (parameters keep their memory).

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> g.reshape([mx.io.DataDesc('data', (2, 3))], None)
        >>> [e.arg_dict['data'].shape for e in g.execs], g.get_output_shapes()
        ([(1, 3), (1, 3)], [('_mulscalar0_output', (2, 3))])
        """
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
            first = (tuple((d.name, tuple(d.shape)) for d in self.data_shapes),
                     tuple((d.name, tuple(d.shape)) for d in self.label_shapes or ()))
            self._reshaped[first] = self._default_execs
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def _bind_ith_exec(self, i, data_shapes, label_shapes, shared_group):
        shared_exec = None if shared_group is None else shared_group.execs[i]
        input_shapes = {d.name: tuple(d.shape) for d in data_shapes}
        input_shapes.update({d.name: tuple(d.shape) for d in label_shapes or ()})
        input_types = {x.name: x.dtype for x in data_shapes}
        attrs = self.symbol.attr_dict()
        for name in self.symbol.list_inputs():
            code = attrs.get(name, {}).get("__dtype__")
            if name in input_types and code is not None and code != "-1":
                input_types[name] = CODE_TO_DTYPE[int(code)]
        input_types.update({x.name: x.dtype for x in label_shapes or ()})
        executor = self.symbol.simple_bind(
            ctx=self.contexts[i], grad_req=self.grad_req, type_dict=input_types,
            shared_arg_names=self.param_names, shared_exec=shared_exec,
            group2ctx=self.group2ctxs[i], shared_buffer=self.shared_data_arrays[i],
            **input_shapes)
        arrays = list(executor.arg_arrays) + list(executor.aux_arrays) + \
            [g for g in executor.grad_arrays or () if g is not None]
        self._total_exec_bytes += sum(int(np.prod(a.shape)) * np.dtype(a.dtype).itemsize
                                      for a in arrays)
        return executor

    def _sliced_shape(self, shapes, i, major_axis):
        """The shapes context ``i`` sees: its slice's length on each batch axis."""
        sliced = []
        for desc, axis in zip(shapes, major_axis):
            shape = list(desc.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            sliced.append(DataDesc(desc.name, tuple(shape), desc.dtype, desc.layout))
        return sliced

    # ------------------------------------------------------------------ parameters
    def set_params(self, arg_params, aux_params, allow_extra=False):
        """Copy parameter values into every context's executor.

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True, name='fc')
        >>> g = DataParallelExecutorGroup(net, [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (2, 2))],
        ...                               None, ['fc_weight'], False, False)
        >>> g.set_params({'fc_weight': mx.nd.array([[1, 2]])}, {})
        >>> [e.arg_dict['fc_weight'].asnumpy().tolist() for e in g.execs]
        [[[1.0, 2.0]], [[1.0, 2.0]]]
        """
        for exec_ in self.execs:
            exec_.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Average each parameter over the contexts into the given cpu arrays.

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True, name='fc')
        >>> g = DataParallelExecutorGroup(net, [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (2, 2))],
        ...                               None, ['fc_weight'], False, False)
        >>> g.execs[0].arg_dict['fc_weight'][:] = 1; g.execs[1].arg_dict['fc_weight'][:] = 3
        >>> arg_params = {'fc_weight': mx.nd.zeros((1, 2))}; g.get_params(arg_params, {})
        >>> arg_params['fc_weight'].asnumpy()     # the mean over the contexts
        array([[2., 2.]], dtype=float32)
        """
        for names, blocks, out in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                if len(block) == 1:
                    block[0].astype(out[name].dtype).copyto(out[name])
                    continue
                weight = sum(w.copyto(ctx.cpu()) for w in block) / len(block)
                weight.astype(out[name].dtype).copyto(out[name])

    # ------------------------------------------------------------------ computation
    def forward(self, data_batch, is_train=None):
        """Load the batch into the executors (split per context) and run them.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> g.forward(mx.io.DataBatch([mx.nd.array([[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]])]))
        >>> [e.outputs[0].asnumpy()[:, 0].tolist() for e in g.execs]     # each context its half
        [[0.0, 2.0], [4.0, 6.0]]
        """
        _load_batch(data_batch, self.data_arrays, self.data_layouts, "data")
        if is_train is None:
            is_train = self.for_training
        # a batch without labels (``namedtuple('Batch', ['data'])``) is fine when the
        # executors were bound without labels: ``label`` is read only when they have some
        if self.label_arrays is not None:
            first = data_batch[0] if isinstance(data_batch, list) else data_batch
            if first.label:
                _load_batch(data_batch, self.label_arrays, self.label_layouts, "label")
        for exec_ in self.execs:
            exec_.forward(is_train=is_train)

    def get_output_shapes(self):
        """``(name, shape)`` of each output for the whole batch.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> g.get_output_shapes(), g.execs[0].outputs[0].shape
        ([('_mulscalar0_output', (4, 3))], (2, 3))
        """
        shapes = []
        for key, out, axis in zip(self.output_names, self.execs[0].outputs,
                                  self.output_layouts):
            shape = list(out.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            shapes.append((key, tuple(shape)))
        return shapes

    def get_outputs(self, merge_multi_context=True, begin=0, end=None):
        """Outputs ``begin:end``, merged over contexts or as ``[[ctx0, ctx1], ...]``.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> g.forward(mx.io.DataBatch([mx.nd.ones((4, 3))]))
        >>> g.get_outputs()[0].shape, [o.shape for o in g.get_outputs(merge_multi_context=False)[0]]
        ((4, 3), [(2, 3), (2, 3)])
        """
        if end is None:
            end = self.num_outputs
        outputs = [[exec_.outputs[i] for exec_ in self.execs] for i in range(begin, end)]
        if merge_multi_context:
            outputs = _merge_multi_context(outputs, self.output_layouts)
        return outputs

    def get_states(self, merge_multi_context=True):
        """The state arrays per context (merging is not supported, as in MXNet).

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') + mx.sym.var('state'),
        ...                               [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (2, 2))], None,
        ...                               [], False, False, state_names=['state'])
        >>> g.set_states(value=1.0)
        >>> [[s.shape for s in ctxs] for ctxs in g.get_states(merge_multi_context=False)]
        [[(1, 2), (1, 2)]]
        """
        assert not merge_multi_context, \
            "merge_multi_context=True is not supported for get_states yet."
        return self.state_arrays

    def set_states(self, states=None, value=None):
        """Set the states from per-context arrays or one scalar.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') + mx.sym.var('state'),
        ...                               [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (2, 2))], None,
        ...                               [], False, False, state_names=['state'])
        >>> g.set_states(states=[[mx.nd.array([[1, 2]]), mx.nd.array([[3, 4]])]])   # per context
        >>> g.forward(mx.io.DataBatch([mx.nd.zeros((2, 2))])); g.get_outputs()[0].asnumpy()
        array([[1., 2.],
               [3., 4.]], dtype=float32)
        """
        if states is not None:
            assert value is None, "Only one of states & value can be specified."
            _load_general(states, self.state_arrays, (0,) * len(states))
        else:
            assert value is not None, "At least one of states & value must be specified."
            for d_dst in self.state_arrays:
                for dst in d_dst:
                    dst[:] = value

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs, merged over contexts or per context.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (2, 2))], None, [], True, True)
        >>> g.forward(mx.io.DataBatch([mx.nd.ones((2, 2))]), is_train=True)
        >>> g.backward([mx.nd.ones((2, 2))]); g.get_input_grads()[0].asnumpy()
        array([[2., 2.],
               [2., 2.]], dtype=float32)
        """
        assert self.inputs_need_grad
        if merge_multi_context:
            return _merge_multi_context(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def backward(self, out_grads=None):
        """Run every executor's backward with its slice of ``out_grads``.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (2, 2))], None, [], True, True)
        >>> g.forward(mx.io.DataBatch([mx.nd.ones((2, 2))]), is_train=True)
        >>> g.backward([mx.nd.array([[1, 2], [3, 4]])])     # each context gets its row
        >>> [x.asnumpy().tolist() for x in g.get_input_grads(merge_multi_context=False)[0]]
        [[[2.0, 4.0]], [[6.0, 8.0]]]
        """
        assert self.for_training, "re-bind with for_training=True to run backward"
        if out_grads is None:
            out_grads = []
        for i, (exec_, islice) in enumerate(zip(self.execs, self.slices)):
            sliced = []
            for grad, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and len(self.execs) > 1:
                    part = nd.slice_axis(grad, axis=axis, begin=islice.start, end=islice.stop)
                    sliced.append(part.as_in_context(self.contexts[i]))
                else:
                    sliced.append(grad.as_in_context(self.contexts[i]))
            exec_.backward(out_grads=sliced)

    def update_metric(self, eval_metric, labels, pre_sliced):
        """Update ``eval_metric`` with each context's outputs and its slice of the labels.

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax'),
        ...                               [mx.cpu(0), mx.cpu(1)], [1, 1], [('data', (2, 2))],
        ...                               [('softmax_label', (2,))], [], False, False)
        >>> labels = [mx.nd.array([0, 0])]
        >>> g.forward(mx.io.DataBatch([mx.nd.array([[2, 1], [1, 2]])], labels))
        >>> acc = mx.metric.Accuracy(); g.update_metric(acc, labels, pre_sliced=False); acc.get()
        ('accuracy', 0.5)
        """
        for index, (texec, islice) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                labels_slice = labels[index]
            else:
                labels_slice = []
                for label, axis in zip(labels, self.label_layouts):
                    if axis == 0:
                        labels_slice.append(label if len(self.execs) == 1 else label[islice])
                    elif axis > 0:
                        labels_slice.append(nd.slice_axis(label, axis=axis, begin=islice.start,
                                                          end=islice.stop))
                    else:
                        labels_slice.append(label)
            labels_ = OrderedDict(zip(self.label_names, labels_slice))
            preds = OrderedDict(zip(self.output_names, texec.outputs))
            eval_metric.update_dict(labels_, preds)

    def install_monitor(self, mon):
        """Install ``mon`` on every executor (those reshaped later inherit it).

        >>> import symnb as mx
        >>> g = DataParallelExecutorGroup(mx.sym.var('data') * 2, [mx.cpu(0), mx.cpu(1)], [1, 1],
        ...                               [('data', (4, 3))], None, [], False, False)
        >>> mon = mx.mon.Monitor(1, pattern='.*_output'); g.install_monitor(mon)
        >>> mon.tic(); g.forward(mx.io.DataBatch([mx.nd.ones((4, 3))])); mon.toc()   # per context
        [(1, '_mulscalar0_output', '2.0\\t'), (1, '_mulscalar0_output', '2.0\\t')]
        """
        for exe in self.execs:
            mon.install(exe)
