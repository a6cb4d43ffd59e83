"""``BucketingModule``: one ``Module`` per bucket key, all sharing one set of parameters.

``sym_gen(bucket_key)`` returns ``(symbol, data_names, label_names)``. The default bucket is
bound first; every other bucket binds with it as ``shared_module``, so its executors use the
default bucket's parameter, gradient and aux arrays (the same memory) and views of its data
buffers, and borrows its optimizer: an update through any bucket is seen by all.
"""
from __future__ import annotations

import logging
import warnings

import numpy as np

from .. import ndarray as nd
from .. import symbol as sym
from ..model import load_params
from ..name import NameManager
from .base_module import DEFAULT_CONTEXT, DEFAULT_INITIALIZER, BaseModule, _check_input_names
from .module import Module

__all__ = ["BucketingModule"]


class BucketingModule(BaseModule):
    """A module whose network depends on a bucket key (e.g. the sequence length).

    Parameters
    ----------
    sym_gen : callable
        ``sym_gen(bucket_key) -> (symbol, data_names, label_names)``.
    default_bucket_key : object
        The key bound first (best: the largest bucket, whose memory the others reuse).
    logger, context, work_load_list, fixed_param_names, state_names, group2ctxs,
    compression_params
        As for :class:`Module`.

    >>> import symnb as mx
    >>> def sym_gen(n):
    ...     net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    ...     return mx.sym.sum(net, axis=0, name='s%d' % n), ('data',), None
    >>> mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=4)
    >>> mod.bind([('data', (4, 3))], for_training=False); mod.init_params()
    >>> mod.forward(mx.io.DataBatch([mx.nd.ones((2, 3))], bucket_key=2,
    ...                             provide_data=[('data', (2, 3))]))
    >>> sorted(mod._buckets), mod.output_names
    ([2, 4], ['s2_output'])
    >>> w = [m._exec_group.execs[0].arg_dict['fc_weight'] for m in mod._buckets.values()]
    >>> w[0]._data is w[1]._data     # one parameter array for both buckets
    True
    """

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=DEFAULT_CONTEXT,
                 work_load_list=None, fixed_param_names=None, state_names=None,
                 group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        assert default_bucket_key is not None
        self._default_bucket_key = default_bucket_key
        self._sym_gen = sym_gen
        symbol, data_names, label_names = self._call_sym_gen(default_bucket_key)
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)
        self._compression_params = compression_params
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._context = context
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None
        self._params_dirty = False
        self._monitor = None
        self._grad_req = None

    def _reset_bind(self):
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    def _call_sym_gen(self, *args, **kwargs):
        # fresh auto-name counters per call: every bucket names its nodes alike
        with NameManager():
            return self._sym_gen(*args, **kwargs)

    def _new_module(self, symbol, data_names, label_names):
        return Module(symbol, data_names, label_names, logger=self.logger,
                      context=self._context, work_load_list=self._work_load_list,
                      fixed_param_names=self._fixed_param_names, state_names=self._state_names,
                      group2ctxs=self._group2ctxs, compression_params=self._compression_params)

    # ------------------------------------------------------------------ names and shapes
    @property
    def data_names(self):
        """Data names of the current bucket (the default bucket's before bind).

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.data_names     # before bind: the default bucket's, as sym_gen gives them
        ('data',)
        >>> mod.bind([('data', (2, 2))]); mod.data_names
        ['data']
        """
        if self.binded:
            return self._curr_module.data_names
        _, data_names, _ = self._call_sym_gen(self._default_bucket_key)
        return data_names

    @property
    def output_names(self):
        """Output names of the current bucket (the default bucket's before bind).

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.output_names
        ['_mulscalar0_output']
        """
        if self.binded:
            return self._curr_module.output_names
        symbol, _, _ = self._call_sym_gen(self._default_bucket_key)
        return symbol.list_outputs()

    @property
    def data_shapes(self):
        """Data shapes of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5); mod.data_shapes     # bucket 5's
        [DataDesc[data,(1, 2),<class 'numpy.float32'>,NCHW]]
        """
        assert self.binded
        return self._curr_module.data_shapes

    @property
    def label_shapes(self):
        """Label shapes of the current bucket.

        >>> import symnb as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax')
        >>> mod = mx.mod.BucketingModule(lambda n: (net, ('data',), ('softmax_label',)), 3)
        >>> mod.bind([('data', (2, 2))], [('softmax_label', (2,))]); mod.init_params()
        >>> mod.label_shapes
        [DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]]
        """
        assert self.binded
        return self._curr_module.label_shapes

    @property
    def output_shapes(self):
        """Output shapes of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.output_shapes
        [('_mulscalar0_output', (2, 2))]
        """
        assert self.binded
        return self._curr_module.output_shapes

    # ------------------------------------------------------------------ parameters
    def get_params(self):
        """The shared parameters (cpu copies).

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.One())
        >>> {name: value.asnumpy().tolist() for name, value in mod.get_params()[0].items()}
        {'fc_weight': [[1.0, 1.0]], 'fc_bias': [0.0]}
        """
        assert self.params_initialized
        self._curr_module._params_dirty = self._params_dirty
        params = self._curr_module.get_params()
        self._params_dirty = False
        return params

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign the shared parameters.

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.set_params({'fc_weight': mx.nd.array([[1, 2]]), 'fc_bias': mx.nd.array([1])}, {})
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5); mod.get_outputs()[0].asnumpy()     # (1 + 2 + 1) * 5
        array([[20.]], dtype=float32)
        """
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        self._curr_module.set_params(arg_params, aux_params, allow_missing=allow_missing,
                                     force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def init_params(self, initializer=DEFAULT_INITIALIZER, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialize the shared parameters (through the current bucket).

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.One())
        >>> mod.init_params(mx.init.Zero())     # already initialized: ignored
        >>> mod.get_params()[0]['fc_weight'].asnumpy()
        array([[1., 1.]], dtype=float32)
        """
        if self.params_initialized and not force_init:
            return
        assert self.binded, "call bind before initializing the parameters"
        self._curr_module.init_params(initializer=initializer, arg_params=arg_params,
                                      aux_params=aux_params, allow_missing=allow_missing,
                                      force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = False
        self.params_initialized = True

    def get_states(self, merge_multi_context=True):
        """States of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') + mx.sym.var('state'), ('data',), None)
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3, state_names=['state'])
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.set_states(value=2.0)
        >>> [[s.asnumpy() for s in ctxs] for ctxs in mod.get_states(merge_multi_context=False)]
        [[array([[2., 2.]], dtype=float32)]]
        """
        assert self.binded and self.params_initialized
        return self._curr_module.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None):
        """Set the states of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') + mx.sym.var('state'), ('data',), None)
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3, state_names=['state'])
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.set_states(states=[[mx.nd.array([[5, 6]])]])
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=3))
        >>> mod.get_outputs()[0].asnumpy()
        array([[6., 7.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        self._curr_module.set_states(states, value)

    # ------------------------------------------------------------------ binding
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Bind the default bucket (other buckets bind on first use).

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))])
        >>> mod.binded, sorted(mod._buckets)     # only the default bucket so far
        (True, [3])
        """
        if self.params_initialized:
            arg_params, aux_params = self.get_params()
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        assert shared_module is None, "shared_module for BucketingModule is not supported"
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.binded = True
        self._grad_req = grad_req
        symbol, data_names, label_names = self._call_sym_gen(self._default_bucket_key)
        if self._default_bucket_key in self._buckets:
            module = self._buckets[self._default_bucket_key]
        else:
            module = self._new_module(symbol, data_names, label_names)
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                    force_rebind=False, shared_module=None, grad_req=self._grad_req)
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self._buckets[self._default_bucket_key] = module
        if self.params_initialized:
            # rebinding (force_rebind): keep the parameters
            self.set_params(arg_params, aux_params)

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Make ``bucket_key`` current, binding its module (sharing the default bucket's
        parameters and memory) on first use.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))], for_training=False); mod.init_params()
        >>> mod.switch_bucket(5, [('data', (1, 2))]); mod._curr_bucket_key, sorted(mod._buckets)
        (5, [3, 5])
        """
        assert self.binded, "call bind before switching bucket"
        default = self._buckets[self._default_bucket_key]
        if bucket_key not in self._buckets:
            symbol, data_names, label_names = self._call_sym_gen(bucket_key)
            module = self._new_module(symbol, data_names, label_names)
            module.bind(data_shapes, label_shapes, self._curr_module.for_training,
                        self._curr_module.inputs_need_grad, force_rebind=False,
                        shared_module=default, grad_req=self._grad_req)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        else:
            module = self._buckets[bucket_key]
            if not module.binded:
                module.bind(data_shapes, label_shapes, self._curr_module.for_training,
                            self._curr_module.inputs_need_grad, force_rebind=False,
                            shared_module=default, grad_req=self._grad_req)
        self._curr_module = self._buckets[bucket_key]
        self._curr_bucket_key = bucket_key

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Install the optimizer on the current bucket; the others borrow it.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5); mod.init_optimizer()     # installed on bucket 5, borrowed by 3
        >>> mod._buckets[3]._optimizer is mod._buckets[5]._optimizer
        True
        """
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        self._curr_module.init_optimizer(kvstore, optimizer, optimizer_params,
                                         force_init=force_init)
        for mod in self._buckets.values():
            if mod is not self._curr_module:
                mod.borrow_optimizer(self._curr_module)
        self.optimizer_initialized = True

    # ------------------------------------------------------------------ computation
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Bind the batch's bucket if new, prepare it, and switch back.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.prepare(b5); sorted(mod._buckets), mod._curr_bucket_key
        ([3, 5], 3)
        """
        assert self.binded and self.params_initialized
        bucket_key = data_batch.bucket_key
        original_bucket_key = self._curr_bucket_key
        self.switch_bucket(bucket_key, data_batch.provide_data, data_batch.provide_label)
        self._curr_module.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original_bucket_key, None, None)

    def forward(self, data_batch, is_train=None):
        """Switch to the batch's bucket (``data_batch.bucket_key``) and run it.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5); mod.get_outputs()[0].asnumpy(), sorted(mod._buckets)
        (array([[5., 5.]], dtype=float32), [3, 5])
        """
        assert self.binded and self.params_initialized
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads=None):
        """Backward on the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))], inputs_need_grad=True); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5, is_train=True); mod.backward([mx.nd.ones((1, 2))])
        >>> mod.get_input_grads()[0].asnumpy()
        array([[5., 5.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        self._curr_module.backward(out_grads=out_grads)

    def update(self):
        """Update the shared parameters from the current bucket's gradients.

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True,
        ...                                name='fc')
        ...     return mx.sym.MakeLoss(mx.sym.sum(fc) * n), ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.Zero())
        >>> mod.init_optimizer(optimizer_params={'learning_rate': 0.5})
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward_backward(b5); mod.update()
        >>> mod.get_params()[0]['fc_weight'].asnumpy()     # 0 - 0.5 * bucket 5's gradient 5
        array([[-2.5, -2.5]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        self._curr_module.update()

    def get_outputs(self, merge_multi_context=True):
        """Outputs of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.forward(mx.io.DataBatch([mx.nd.array([[1, 2]])], bucket_key=3))
        >>> mod.get_outputs()[0].asnumpy()
        array([[3., 6.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        return self._curr_module.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        """Input gradients of the current bucket.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))], inputs_need_grad=True); mod.init_params()
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=3), is_train=True)
        >>> mod.backward([mx.nd.array([[1, 2]])]); mod.get_input_grads()[0].asnumpy()
        array([[3., 6.]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._curr_module.get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulate the metric on the current bucket's outputs.

        >>> import symnb as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax')
        >>> mod = mx.mod.BucketingModule(lambda n: (net, ('data',), ('softmax_label',)), 3)
        >>> mod.bind([('data', (2, 2))], [('softmax_label', (2,))]); mod.init_params()
        >>> labels = [mx.nd.array([0, 0])]
        >>> mod.forward(mx.io.DataBatch([mx.nd.array([[2, 1], [1, 2]])], labels, bucket_key=3))
        >>> acc = mx.metric.Accuracy(); mod.update_metric(acc, labels); acc.get()
        ('accuracy', 0.5)
        """
        assert self.binded and self.params_initialized
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    @property
    def symbol(self):
        """The current bucket's symbol.

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5); mod.symbol.list_attr()
        {'scalar': '5'}
        """
        assert self.binded
        return self._curr_module.symbol

    def install_monitor(self, mon):
        """Install a monitor on every bucket (and on buckets bound later).

        >>> import symnb as mx
        >>> gen = lambda n: (mx.sym.var('data') * n, ('data',), None)     # bucket n: times n
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (2, 2))]); mod.init_params()
        >>> mon = mx.mon.Monitor(1, pattern='.*_output'); mod.install_monitor(mon)
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mon.tic(); mod.forward(b5); mon.toc()     # bucket 5, bound later, has it too
        [(1, '_mulscalar0_output', '5.0\\t')]
        """
        assert self.binded
        self._monitor = mon
        for mod in self._buckets.values():
            mod.install_monitor(mon)

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(self, prefix, epoch, remove_amp_cast=False):
        """Write ``<prefix>-%04d.params``, one ``<prefix>-<key>-symbol.json`` per bucket and
        ``<prefix>.buckets`` (the keys, int32).

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.forward(b5)
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     mod.save_checkpoint(os.path.join(d, 'net'), 1); print(sorted(os.listdir(d)))
        ['net-0001.params', 'net-3-symbol.json', 'net-5-symbol.json', 'net.buckets']
        """
        assert len(self._buckets) > 0, "Empty BucketingModule cannot be saved"
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        for bucket_key in self._buckets:
            symbol, _, _ = self._sym_gen(bucket_key)
            symbol.save("%s-%s-symbol.json" % (prefix, bucket_key),
                        remove_amp_cast=remove_amp_cast)
        nd.save("%s.buckets" % prefix, nd.array(list(self._buckets.keys()), dtype=np.int32))

    @staticmethod
    def load(prefix, epoch, sym_gen=None, default_bucket_key=None, **kwargs):
        """A BucketingModule from :meth:`save_checkpoint`'s files (bind it before use).

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> mod = mx.mod.BucketingModule(gen, default_bucket_key=3)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.One())
        >>> import os, tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     mod.save_checkpoint(os.path.join(d, 'net'), 1)
        ...     loaded = mx.mod.BucketingModule.load(os.path.join(d, 'net'), 1, gen, 3)
        >>> loaded.bind([('data', (1, 2))]); loaded.get_params()[0]['fc_weight'].asnumpy()
        array([[1., 1.]], dtype=float32)
        """
        assert sym_gen is not None, "sym_gen is required for loading BucketingModule"
        assert default_bucket_key is not None, \
            "default_bucket_key is required for loading BucketingModule"
        buckets = nd.load("%s.buckets" % prefix)
        buckets = list(buckets[0].asnumpy().astype("int32"))
        bucketing_mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for bucket_key in buckets:
            _, data_names, label_names = sym_gen(bucket_key)
            symbol = sym.load("%s-%s-symbol.json" % (prefix, bucket_key))
            bucketing_mod._buckets[bucket_key] = Module(symbol, data_names, label_names,
                                                        **kwargs)
            if bucket_key == default_bucket_key:
                bucketing_mod._curr_module = bucketing_mod._buckets[bucket_key]
        arg_params, aux_params = load_params(prefix, epoch)
        bucketing_mod._curr_module._arg_params = arg_params
        bucketing_mod._curr_module._aux_params = aux_params
        bucketing_mod._curr_module.params_initialized = True
        bucketing_mod.params_initialized = True
        return bucketing_mod

    @staticmethod
    def load_dict(sym_dict=None, sym_gen=None, default_bucket_key=None, arg_params=None,
                  aux_params=None, **kwargs):
        """A BucketingModule from symbols per key and parameter dicts (bind before use).

        >>> import symnb as mx
        >>> def gen(n):
        ...     fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, name='fc')
        ...     return fc * n, ('data',), None
        >>> params = {'fc_weight': mx.nd.ones((1, 2)), 'fc_bias': mx.nd.zeros((1,))}
        >>> mod = mx.mod.BucketingModule.load_dict({3: gen(3)[0], 5: gen(5)[0]}, gen, 3,
        ...                                        arg_params=params, aux_params={})
        >>> b5 = mx.io.DataBatch([mx.nd.ones((1, 2))], bucket_key=5,
        ...                      provide_data=[('data', (1, 2))])
        >>> mod.bind([('data', (1, 2))]); mod.forward(b5); mod.get_outputs()[0].asnumpy()
        array([[10.]], dtype=float32)
        """
        assert sym_dict is not None, \
            "sym_dict needs to be provided for BucketingModule.load_dict"
        assert arg_params is not None, \
            "arg_params need to be provided for BucketingModule.load_dict"
        assert aux_params is not None, \
            "aux_params need to be provided for BucketingModule.load_dict"
        assert default_bucket_key is not None, \
            "default_bucket_key needs to be provided for BucketingModule.load_dict"
        bucketing_mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for bucket_key, loaded_sym in sym_dict.items():
            _, data_names, label_names = sym_gen(default_bucket_key)
            bucketing_mod._buckets[bucket_key] = Module(loaded_sym, data_names, label_names,
                                                        **kwargs)
            if bucket_key == default_bucket_key:
                bucketing_mod._curr_module = bucketing_mod._buckets[bucket_key]
        bucketing_mod._curr_module._arg_params = arg_params
        bucketing_mod._curr_module._aux_params = aux_params
        bucketing_mod._curr_module.params_initialized = True
        bucketing_mod.params_initialized = True
        return bucketing_mod
