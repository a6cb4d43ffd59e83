"""``Module``: a symbol bound on one or more contexts, with parameters and an optimizer.

The executors come from :class:`~.executor_group.DataParallelExecutorGroup`; the module keeps
cpu copies of the parameters (``get_params``), synced from the devices only when an update has
made them stale, as MXNet does.
"""
from __future__ import annotations

import logging
import warnings

from .. import context as ctx
from .. import optimizer as opt
from ..initializer import InitDesc
from ..io import DataDesc
from ..model import load_checkpoint
from ..ndarray import zeros
from ._update import create_kvstore, initialize_kvstore, update_params, update_params_on_kvstore
from .base_module import (
    DEFAULT_CONTEXT,
    DEFAULT_INITIALIZER,
    BaseModule,
    _check_input_names,
    _parse_data_desc,
)
from .executor_group import DataParallelExecutorGroup

__all__ = ["Module"]

# save_checkpoint logs here, never through the root logger (which would configure logging)
_LOG = logging.getLogger(__name__)


class Module(BaseModule):
    """A module over one symbol: the basic trainable unit of MXNet's Module API.

    Parameters
    ----------
    symbol : Symbol
        The network.
    data_names, label_names : list of str
        Inputs that are data / labels (default ``('data',)``, ``('softmax_label',)``); label
        names that are not arguments only warn. ``None`` means none.
    logger : Logger
        Default: the ``logging`` module.
    context : Context or list of Context
        Several contexts split every batch between them (data parallelism).
    work_load_list : list of float, optional
        Each context's share of the batch (default equal).
    fixed_param_names : list of str, optional
        Parameters that are not trained (no gradient, no update).
    state_names : list of str, optional
        Inputs that are states (set with ``set_states``, not trained).
    group2ctxs : dict or list, optional
        ``ctx_group`` attribute -> context, for model parallelism.
    compression_params : dict, optional
        Gradient compression for the kvstore.

    >>> import symnb as mx
    >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3,
    ...                                                  name='fc'), name='softmax')
    >>> mod = mx.mod.Module(net)
    >>> mod.bind(data_shapes=[('data', (4, 5))], label_shapes=[('softmax_label', (4,))])
    >>> mod.init_params()
    >>> mod.forward(mx.io.DataBatch([mx.nd.ones((4, 5))], [mx.nd.zeros((4,))]))
    >>> mod.get_outputs()[0].shape, mod.output_shapes
    ((4, 3), [('softmax_output', (4, 3))])
    """

    def __init__(self, symbol, data_names=("data",), label_names=("softmax_label",),
                 logger=logging, context=DEFAULT_CONTEXT, work_load_list=None,
                 fixed_param_names=None, state_names=None, group2ctxs=None,
                 compression_params=None):
        super().__init__(logger=logger)
        if isinstance(context, ctx.Context):
            context = [context]
        self._context = context
        if work_load_list is None:
            work_load_list = [1] * len(self._context)
        assert len(work_load_list) == len(self._context)
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._symbol = symbol

        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)

        arg_names = symbol.list_arguments()
        input_names = data_names + label_names + state_names
        self._param_names = [x for x in arg_names if x not in input_names]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()

        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._compression_params = compression_params
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = None
        self._updater = None
        self._preload_opt_states = None
        self._grad_req = None
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A module from a checkpoint (``<prefix>-symbol.json``, ``<prefix>-%04d.params``);
        bind it before use. ``load_optimizer_states`` loads ``<prefix>-%04d.states`` at
        ``init_optimizer``. Other keyword arguments go to the constructor.

        >>> import os, tempfile, symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
        >>> mod = mx.mod.Module(net, label_names=None); mod.bind([('data', (1, 3))])
        >>> with tempfile.TemporaryDirectory() as d:
        ...     prefix = os.path.join(d, 'net')
        ...     mod.init_params(); mod.save_checkpoint(prefix, 1)
        ...     loaded = mx.mod.Module.load(prefix, 1, label_names=None)
        >>> loaded.params_initialized, sorted(loaded.get_params()[0])
        (True, ['fc_bias', 'fc_weight'])
        """
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return mod

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False,
                        remove_amp_cast=True):
        """Write ``<prefix>-symbol.json``, ``<prefix>-%04d.params`` and, with
        ``save_optimizer_states``, ``<prefix>-%04d.states``.

        >>> import os, tempfile, symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 3))]); mod.init_params()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     mod.save_checkpoint(os.path.join(d, 'net'), 3); print(sorted(os.listdir(d)))
        ['net-0003.params', 'net-symbol.json']
        """
        self._symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        _LOG.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            _LOG.info('Saved optimizer state to "%s"', state_name)

    def _reset_bind(self):
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # ------------------------------------------------------------------ names and shapes
    @property
    def data_names(self):
        """Names of the data inputs.

        >>> import symnb as mx
        >>> mx.mod.Module(mx.sym.var('data') * 2, label_names=None).data_names
        ['data']
        """
        return self._data_names

    @property
    def label_names(self):
        """Names of the label inputs.

        >>> import symnb as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax')
        >>> mx.mod.Module(net).label_names, mx.mod.Module(net, label_names=None).label_names
        (['softmax_label'], [])
        """
        return self._label_names

    @property
    def output_names(self):
        """Names of the outputs (``symbol.list_outputs()``).

        >>> import symnb as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                                  name='fc'), name='softmax')
        >>> mx.mod.Module(net).output_names
        ['softmax_output']
        """
        return self._output_names

    @property
    def data_shapes(self):
        """``DataDesc`` of the data inputs of the whole batch.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> mod.bind([('data', (4, 3))]); mod.data_shapes
        [DataDesc[data,(4, 3),<class 'numpy.float32'>,NCHW]]
        """
        assert self.binded
        return self._data_shapes

    @property
    def label_shapes(self):
        """``DataDesc`` of the labels (None when bound without labels).

        >>> import symnb as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax')
        >>> mod = mx.mod.Module(net); mod.bind([('data', (4, 3))], [('softmax_label', (4,))])
        >>> mod.label_shapes[0].shape
        (4,)
        """
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self):
        """``(name, shape)`` of every output for the whole batch.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (4, 3))]); mod.output_shapes
        [('fc_output', (4, 2))]
        """
        assert self.binded
        return self._exec_group.get_output_shapes()

    # ------------------------------------------------------------------ parameters
    def get_params(self):
        """``(arg_params, aux_params)``: cpu copies, synced from the devices if stale.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 3))]); mod.init_params(mx.init.One())
        >>> {k: v.shape for k, v in mod.get_params()[0].items()}
        {'fc_weight': (2, 3), 'fc_bias': (2,)}
        """
        assert self.params_initialized
        if self._params_dirty:
            self._sync_params_from_devices()
        return (self._arg_params, self._aux_params)

    def init_params(self, initializer=DEFAULT_INITIALIZER, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialize the parameters and aux states: copied from ``arg_params`` /
        ``aux_params`` where given, else (for missing ones, with ``allow_missing``) filled by
        ``initializer``. Already initialized parameters are kept unless ``force_init``.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 3))])
        >>> mod.init_params(mx.init.One(), arg_params={'fc_bias': mx.nd.array([5, 6])},
        ...                 allow_missing=True)
        >>> [v.asnumpy().ravel().tolist() for v in mod.get_params()[0].values()]
        [[1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [5.0, 6.0]]
        """
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "init_params call ignored.", stacklevel=2)
            return
        assert self.binded, "call bind before initializing the parameters"

        def _impl(name, arr, cache):
            if cache is not None:
                if name in cache:
                    cache_arr = cache[name]
                    if cache_arr is not arr:
                        cache_arr.copyto(arr)
                else:
                    if not allow_missing:
                        raise RuntimeError("%s is not presented" % name)
                    if initializer is not None:
                        initializer(name, arr)
            else:
                initializer(name, arr)

        attrs = self._symbol.attr_dict()
        for name, arr in sorted(self._arg_params.items()):
            _impl(InitDesc(name, attrs.get(name, None)), arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            _impl(InitDesc(name, attrs.get(name, None)), arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=allow_extra)

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameter and aux state values (missing ones allowed with
        ``allow_missing``: then only the given ones are copied to the devices).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.Zero())
        >>> mod.set_params({'fc_bias': mx.nd.ones((1,))}, {}, allow_missing=True)
        >>> mod.get_params()[0]['fc_bias'].asnumpy()
        array([1.], dtype=float32)
        """
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        # the cpu copies are refreshed from the devices on the next get_params
        self._params_dirty = True
        self.params_initialized = True

    # ------------------------------------------------------------------ binding
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Bind executors for these input shapes (tuples ``(name, shape)`` or ``DataDesc``).

        Parameters
        ----------
        data_shapes, label_shapes : list
            Typically ``data_iter.provide_data`` / ``provide_label``.
        for_training : bool
            Allocate gradients (default True).
        inputs_need_grad : bool
            Also compute gradients of the data inputs.
        force_rebind : bool
            Rebind even if already bound.
        shared_module : Module, optional
            A bound module with initialized parameters whose parameters (and data memory)
            this one shares, as the buckets of a BucketingModule do.
        grad_req : str, list or dict
            ``'write'``, ``'add'`` or ``'null'``.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind(data_shapes=[mx.io.DataDesc('data', (8, 3))])
        >>> mod.binded, mod.data_shapes[0].shape, mod.output_shapes
        (True, (8, 3), [('fc_output', (8, 2))])
        """
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        if not for_training:
            assert not inputs_need_grad
        self._data_shapes, self._label_shapes = _parse_data_desc(
            self.data_names, self.label_names, data_shapes, label_shapes)
        if shared_module is not None:
            assert isinstance(shared_module, Module) and shared_module.binded and \
                shared_module.params_initialized
            shared_group = shared_module._exec_group
            assert len(shared_group.execs) >= len(self._context)
        else:
            shared_group = None
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, self._data_shapes,
            self._label_shapes, self._param_names, for_training, inputs_need_grad,
            shared_group, logger=self.logger, fixed_param_names=self._fixed_param_names,
            grad_req=grad_req, group2ctxs=self._group2ctxs, state_names=self._state_names)
        self._total_exec_bytes = self._exec_group._total_exec_bytes
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            # parameters from Module.load or an earlier bind: put them on the new executors
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            assert self._arg_params is None and self._aux_params is None
            self._arg_params = {
                name: zeros(shape=x[0].shape, dtype=x[0].dtype, stype=x[0].stype)
                for name, x in zip(self._param_names, self._exec_group.param_arrays)}
            self._aux_params = {
                name: zeros(x[0].shape, dtype=x[0].dtype)
                for name, x in zip(self._aux_names, self._exec_group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)
        self.binded = True

    def reshape(self, data_shapes, label_shapes=None):
        """Re-shape the executors for new input shapes (e.g. another batch size).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (8, 3))]); mod.init_params()
        >>> mod.reshape([('data', (2, 3))]); mod.output_shapes
        [('fc_output', (2, 2))]
        """
        assert self.binded
        self._data_shapes, self._label_shapes = _parse_data_desc(
            self.data_names, self.label_names, data_shapes, label_shapes)
        self._exec_group.reshape(self._data_shapes, self._label_shapes)

    # ------------------------------------------------------------------ optimizer
    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Install an optimizer (by name with ``optimizer_params``, or an ``Optimizer``) and,
        for several contexts or a ``KVStore`` object, a kvstore. ``rescale_grad`` defaults to
        ``1 / batch_size``.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
        ...     mx.sym.var('data'), num_hidden=2, name='fc'), name='softmax'))
        >>> mod.bind([('data', (4, 3))], [('softmax_label', (4,))]); mod.init_params()
        >>> mod.init_optimizer(optimizer_params={'learning_rate': 0.1})
        >>> mod._optimizer.rescale_grad, mod._optimizer.lr
        (0.25, 0.1)
        """
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        kvstore, update_on_kvstore = create_kvstore(kvstore, len(self._context),
                                                    self._arg_params)
        batch_size = self._exec_group.batch_size
        if kvstore and "dist" in kvstore.type and "_sync" in kvstore.type:
            batch_size *= kvstore.num_workers
        rescale_grad = 1.0 / batch_size

        idx2name = {}
        if update_on_kvstore:
            idx2name.update(enumerate(self._exec_group.param_names))
        else:
            for k in range(len(self._context)):
                idx2name.update({i * len(self._context) + k: n
                                 for i, n in enumerate(self._exec_group.param_names)})
        if isinstance(optimizer, str):
            optimizer_params = dict(optimizer_params)
            if "rescale_grad" not in optimizer_params:
                optimizer_params["rescale_grad"] = rescale_grad
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name,
                                   **optimizer_params)
        else:
            assert isinstance(optimizer, opt.Optimizer)
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn(
                    "Optimizer created manually outside Module but rescale_grad is not "
                    "normalized to 1.0/batch_size/num_workers (%s vs. %s). Is this intended?"
                    % (optimizer.rescale_grad, rescale_grad), stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()

        self._optimizer = optimizer
        self._kvstore = kvstore
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            initialize_kvstore(kvstore=kvstore, param_arrays=self._exec_group.param_arrays,
                               arg_params=self._arg_params, param_names=self._param_names,
                               update_on_kvstore=update_on_kvstore)
        if not update_on_kvstore:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module):
        """Use ``shared_module``'s optimizer, kvstore and updater (one optimizer state for
        all buckets).

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
        >>> a, b = (mx.mod.Module(net, label_names=None) for _ in range(2))
        >>> a.bind([('data', (1, 3))]); a.init_params(); a.init_optimizer()
        >>> b.bind([('data', (1, 3))], shared_module=a)   # bind borrows a's optimizer
        >>> b.optimizer_initialized, b._optimizer is a._optimizer
        (True, True)
        """
        assert shared_module.optimizer_initialized
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    # ------------------------------------------------------------------ computation
    def forward(self, data_batch, is_train=None):
        """Forward on a batch; a batch of other input shapes reshapes the executors first.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> mod.bind([('data', (1, 3))]); mod.init_params()
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((2, 3))]))
        >>> mod.get_outputs()[0].asnumpy()
        array([[2., 2., 2.],
               [2., 2., 2.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        curr_data_shapes = tuple(i.shape for i in self._data_shapes)
        if isinstance(data_batch, list):
            assert data_batch is not None, "Encountered empty data batch"
            new_data_shapes = []
            for i in range(len(data_batch[0].data)):
                shape = data_batch[0].data[i].shape
                for db in data_batch:
                    assert shape == db.data[i].shape, \
                        "All data batches in a list need to have the same shape"
                new_data_shapes.append((len(data_batch) * shape[0],) + tuple(shape[1:]))
            new_data_shapes = tuple(new_data_shapes)
        else:
            new_data_shapes = tuple(i.shape for i in data_batch.data)
        if curr_data_shapes != new_data_shapes:
            if getattr(data_batch, "provide_data", None):
                new_dshape = data_batch.provide_data
            else:
                new_dshape = [DataDesc(i.name, shape, i.dtype, i.layout)
                              for i, shape in zip(self._data_shapes, new_data_shapes)]
            if getattr(data_batch, "provide_label", None):
                new_lshape = data_batch.provide_label
            elif getattr(data_batch, "label", None):
                new_lshape = [DataDesc(i.name, j.shape, i.dtype, i.layout)
                              for i, j in zip(self._label_shapes, data_batch.label)]
            else:
                new_lshape = None
            self.reshape(new_dshape, new_lshape)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads=None):
        """Backward from the last forward (``out_grads`` for non-loss outputs).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') * 3, label_names=None)
        >>> mod.bind([('data', (1, 2))], inputs_need_grad=True); mod.init_params()
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((1, 2))]), is_train=True)
        >>> mod.backward([mx.nd.ones((1, 2))]); mod.get_input_grads()[0].asnumpy()
        array([[3., 3.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        self._exec_group.backward(out_grads=out_grads)

    def update(self):
        """Update the parameters with the installed optimizer from the last gradients.

        >>> import symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True, name='fc')
        >>> mod = mx.mod.Module(mx.sym.MakeLoss(mx.sym.sum(fc)), label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.Zero())
        >>> mod.init_optimizer(optimizer_params={'learning_rate': 0.5})
        >>> mod.forward_backward(mx.io.DataBatch([mx.nd.ones((1, 2))])); mod.update()
        >>> mod.get_params()[0]['fc_weight'].asnumpy()     # 0 - 0.5 * gradient 1
        array([[-0.5, -0.5]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        if self._update_on_kvstore:
            update_params_on_kvstore(self._exec_group.param_arrays,
                                     self._exec_group.grad_arrays, self._kvstore,
                                     self._exec_group.param_names)
        else:
            update_params(self._exec_group.param_arrays, self._exec_group.grad_arrays,
                          updater=self._updater, num_device=len(self._context),
                          kvstore=self._kvstore, param_names=self._exec_group.param_names)

    def get_outputs(self, merge_multi_context=True):
        """Outputs of the last forward, merged over contexts (or ``[[ctx0, ctx1], ...]``).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') * 2, label_names=None,
        ...                     context=[mx.cpu(0), mx.cpu(1)])
        >>> mod.bind([('data', (4, 3))]); mod.init_params()
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((4, 3))]))
        >>> mod.get_outputs()[0].shape, [o.shape for o in mod.get_outputs(False)[0]]
        ((4, 3), [(2, 3), (2, 3)])
        """
        assert self.binded and self.params_initialized
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs (bind with ``inputs_need_grad=True``).

        >>> import symnb as mx
        >>> loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.square(mx.sym.var('data'))))
        >>> mod = mx.mod.Module(loss, label_names=None)
        >>> mod.bind([('data', (1, 2))], inputs_need_grad=True); mod.init_params()
        >>> mod.forward_backward(mx.io.DataBatch([mx.nd.array([[1, 2]])]))
        >>> mod.get_input_grads()[0].asnumpy()     # d(sum(x**2))/dx = 2x
        array([[2., 4.]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context=True):
        """The state arrays per context (``merge_multi_context=False`` only).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') + mx.sym.var('state'), label_names=None,
        ...                     state_names=['state'])
        >>> mod.bind([('data', (1, 2))]); mod.init_params(); mod.set_states(value=1.0)
        >>> [[s.asnumpy() for s in ctxs] for ctxs in mod.get_states(merge_multi_context=False)]
        [[array([[1., 1.]], dtype=float32)]]
        """
        assert self.binded and self.params_initialized
        return self._exec_group.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None):
        """Set the states from arrays or one scalar ``value``.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') + mx.sym.var('state'), label_names=None,
        ...                     state_names=['state'])
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.set_states(states=[[mx.nd.array([[5, 6]])]])
        >>> mod.forward(mx.io.DataBatch([mx.nd.ones((1, 2))])); mod.get_outputs()[0].asnumpy()
        array([[6., 7.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        self._exec_group.set_states(states, value)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulate ``eval_metric`` on the last outputs against ``labels``.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax'))
        >>> mod.bind([('data', (2, 2))], [('softmax_label', (2,))]); mod.init_params()
        >>> labels = [mx.nd.array([0, 1])]
        >>> mod.forward(mx.io.DataBatch([mx.nd.array([[2, 1], [3, 0]])], labels))
        >>> acc = mx.metric.Accuracy(); mod.update_metric(acc, labels); acc.get()
        ('accuracy', 0.5)
        """
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def _sync_params_from_devices(self):
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ------------------------------------------------------------------ optimizer states
    def save_optimizer_states(self, fname):
        """Write the optimizer's states to ``fname`` (symnb's format, never pickle).

        >>> import os, tempfile, symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 3))]); mod.init_params(); mod.init_optimizer()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     mod.save_optimizer_states(os.path.join(d, 'net.states')); print(os.listdir(d))
        ['net.states']
        """
        assert self.optimizer_initialized
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
        else:
            with open(fname, "wb") as fout:
                fout.write(self._updater.get_states())

    def load_optimizer_states(self, fname):
        """Read optimizer states written by :meth:`save_optimizer_states`.

        >>> import os, tempfile, symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True, name='fc')
        >>> a, b = [mx.mod.Module(mx.sym.MakeLoss(mx.sym.sum(fc)), label_names=None) for _ in 'ab']
        >>> for m in (a, b):
        ...     m.bind([('data', (1, 2))]); m.init_params(mx.init.Zero())
        ...     m.init_optimizer(optimizer_params={'learning_rate': 0.5, 'momentum': 0.9})
        >>> a.forward_backward(mx.io.DataBatch([mx.nd.ones((1, 2))])); a.update()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     fname = os.path.join(d, 'net.states')
        ...     a.save_optimizer_states(fname); b.load_optimizer_states(fname)
        >>> b._updater.states[0].asnumpy()     # a's momentum, now b's
        array([[-0.5, -0.5]], dtype=float32)
        """
        assert self.optimizer_initialized
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            from ..optimizer._states import read_file
            self._updater.set_states(read_file(fname))   # a pickled file is named, not read

    def install_monitor(self, mon):
        """Install a ``Monitor`` on the executors.

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 3))]); mod.init_params(mx.init.One())
        >>> mon = mx.mon.Monitor(1, pattern='fc_output'); mod.install_monitor(mon)
        >>> mon.tic(); mod.forward(mx.io.DataBatch([mx.nd.ones((1, 3))])); mon.toc()
        [(1, 'fc_output', '3.0\\t')]
        """
        assert self.binded
        self._exec_group.install_monitor(mon)

    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Nothing to prepare for dense parameters (``sparse_row_id_fn`` only warns).

        >>> import warnings, symnb as mx
        >>> mod = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always'); mod.prepare(None, sparse_row_id_fn=lambda b: {})
        >>> str(caught[0].message)
        'Parameters are not updated in the KVStore. No need to call sparse_row_id_fn.'
        """
        assert self.binded
        if sparse_row_id_fn is not None:
            if not self._kvstore or not self._update_on_kvstore:
                warnings.warn(UserWarning("Parameters are not updated in the KVStore. "
                                          "No need to call sparse_row_id_fn."))
            else:
                row_ids = sparse_row_id_fn(data_batch)
                assert isinstance(row_ids, dict), "Expected dict output from sparse_row_id_fn"
                for param_name, row_id in row_ids.items():
                    param_idx = self._exec_group.param_names.index(param_name)
                    param_val = self._exec_group.param_arrays[param_idx]
                    if param_val[0].stype != "row_sparse":
                        warnings.warn(UserWarning(
                            "%s.stype is not 'row_sparse'. No need to perform row_sparse_pull."
                            % param_name))
                    else:
                        self._kvstore.row_sparse_pull(param_name, param_val, row_ids=row_id,
                                                      priority=-param_idx)
