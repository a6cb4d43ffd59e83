"""``SequentialModule``: modules chained output to input, trained together."""
from __future__ import annotations

import copy
import logging

from .base_module import DEFAULT_INITIALIZER, BaseModule

__all__ = ["SequentialModule"]


class SequentialModule(BaseModule):
    """A chain of modules: each one's outputs are the next one's data.

    ``add(module, take_labels=True)`` gives a module the labels (and makes it update the
    metric); ``auto_wiring=True`` renames the previous outputs to the module's data names.

    >>> import symnb as mx
    >>> first = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4,
    ...                                             name='fc1'), label_names=None)
    >>> second = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
    ...     mx.sym.var('data'), num_hidden=2, name='fc2'), name='softmax'))
    >>> seq = mx.mod.SequentialModule().add(first).add(second, take_labels=True,
    ...                                                auto_wiring=True)
    >>> seq.bind([('data', (3, 5))], [('softmax_label', (3,))]); seq.init_params()
    >>> seq.forward(mx.io.DataBatch([mx.nd.ones((3, 5))], [mx.nd.zeros((3,))]))
    >>> seq.get_outputs()[0].shape, sorted(seq.get_params()[0])
    ((3, 2), ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight'])
    """

    META_TAKE_LABELS = "take_labels"
    META_AUTO_WIRING = "auto_wiring"

    def __init__(self, logger=logging):
        super().__init__(logger=logger)
        self._modules = []
        self._metas = []
        self._label_shapes = None
        self._data_shapes = None
        self._meta_keys = {getattr(SequentialModule, x) for x in dir(SequentialModule)
                           if x.startswith("META_")}

    def add(self, module, **kwargs):
        """Append ``module`` (keyword metas: ``take_labels``, ``auto_wiring``); returns self,
        so calls chain. Adding resets the bound / initialized states.

        >>> import symnb as mx
        >>> seq = mx.mod.SequentialModule()
        >>> seq.add(mx.mod.Module(mx.sym.var('data') * 2, label_names=None)) is seq
        True
        >>> seq.bind([('data', (1, 2))]); seq.add(mx.mod.Module(mx.sym.var('data') + 1,
        ...                                       label_names=None), auto_wiring=True).binded
        False
        """
        self._modules.append(module)
        for key in kwargs:
            assert key in self._meta_keys, 'Unknown meta "%s", a typo?' % key
        self._metas.append(kwargs)
        # the chain changed: it must be bound and initialized again
        self.binded = False
        self.params_initialized = False
        self.optimizer_initialized = False
        return self

    # ------------------------------------------------------------------ names and shapes
    @property
    def data_names(self):
        """The first module's data names.

        >>> import symnb as mx
        >>> seq = mx.mod.SequentialModule(); seq.data_names
        []
        >>> seq.add(mx.mod.Module(mx.sym.var('x') * 2, data_names=['x'],
        ...                       label_names=None)).data_names
        ['x']
        """
        if len(self._modules) > 0:
            return self._modules[0].data_names
        return []

    @property
    def output_names(self):
        """The last module's output names.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.output_names
        ['_plusscalar0_output']
        """
        if len(self._modules) > 0:
            return self._modules[-1].output_names
        return []

    @property
    def data_shapes(self):
        """The first module's data shapes.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.data_shapes
        [DataDesc[data,(1, 2),<class 'numpy.float32'>,NCHW]]
        """
        assert self.binded
        return self._modules[0].data_shapes

    @property
    def label_shapes(self):
        """The labels given to bind (None if no module takes labels).

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> softmax = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax'))
        >>> seq = mx.mod.SequentialModule().add(double).add(softmax, take_labels=True,
        ...                                                 auto_wiring=True)
        >>> seq.bind([('data', (2, 2))], [('softmax_label', (2,))]); seq.label_shapes
        [('softmax_label', (2,))]
        """
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self):
        """The last module's output shapes.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.output_shapes
        [('_plusscalar0_output', (1, 2))]
        """
        assert self.binded
        return self._modules[-1].output_shapes

    # ------------------------------------------------------------------ parameters
    def get_params(self):
        """All modules' parameters in one pair of dicts.

        >>> import symnb as mx
        >>> def fc(name):
        ...     net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name=name)
        ...     return mx.mod.Module(net, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(fc('fc1')).add(fc('fc2'), auto_wiring=True)
        >>> seq.bind([('data', (1, 3))]); seq.init_params()
        >>> {name: value.shape for name, value in seq.get_params()[0].items()}
        {'fc1_weight': (2, 3), 'fc1_bias': (2,), 'fc2_weight': (2, 2), 'fc2_bias': (2,)}
        """
        assert self.binded and self.params_initialized
        arg_params, aux_params = {}, {}
        for module in self._modules:
            arg, aux = module.get_params()
            arg_params.update(arg)
            aux_params.update(aux)
        return (arg_params, aux_params)

    def init_params(self, initializer=DEFAULT_INITIALIZER, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialize every module; parameter names must be unique across the chain.

        >>> import symnb as mx
        >>> def fc(name):
        ...     net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name=name)
        ...     return mx.mod.Module(net, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(fc('fc')).add(fc('fc'), auto_wiring=True)
        >>> seq.bind([('data', (1, 3))]); seq.init_params()
        Traceback (most recent call last):
        ...
        AssertionError: Duplicated parameter names: name "fc_weight" in layer 1 ...
        """
        if self.params_initialized and not force_init:
            return
        assert self.binded, "call bind before initializing the parameters"
        for module in self._modules:
            module.init_params(initializer=initializer, arg_params=arg_params,
                               aux_params=aux_params, allow_missing=allow_missing,
                               force_init=force_init, allow_extra=allow_extra)

        def _check_name(known_names, new_names, modules, i):
            for name in new_names:
                assert name not in known_names, (
                    'Duplicated parameter names: name "%s" in layer %d (%s) is already used '
                    "in layer %d (%s)." % (name, i, type(modules[i]), known_names[name],
                                           type(modules[known_names[name]])))
                known_names[name] = i

        arg_names, aux_names = {}, {}
        for i_layer, module in enumerate(self._modules):
            arg_params, aux_params = module.get_params()
            _check_name(arg_names, arg_params.keys(), self._modules, i_layer)
            _check_name(aux_names, aux_params.keys(), self._modules, i_layer)
        self.params_initialized = True

    # ------------------------------------------------------------------ binding
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Bind every module, each on the previous one's output shapes; every module after
        the first computes input gradients when training (to pass them back).

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))])     # for training: later modules pass gradients back
        >>> seq.binded, [m.inputs_need_grad for m in (double, plus1)]
        (True, [False, True])
        """
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if inputs_need_grad:
            assert for_training is True
        assert shared_module is None, "Shared module is not supported"
        assert len(self._modules) > 0, "Attempting to bind an empty SequentialModule"
        self.binded = True
        self._label_shapes = label_shapes
        my_data_shapes = data_shapes
        anybody_ever_needs_label = False
        for i_layer, module in enumerate(self._modules):
            meta = self._metas[i_layer]
            if meta.get(SequentialModule.META_TAKE_LABELS):
                my_label_shapes = label_shapes
                anybody_ever_needs_label = True
            else:
                my_label_shapes = None
            my_inputs_need_grad = bool(inputs_need_grad or (for_training and i_layer > 0))
            if meta.get(SequentialModule.META_AUTO_WIRING, False):
                data_names = module.data_names
                assert len(data_names) == len(my_data_shapes)
                my_data_shapes = [(new_name, shape)
                                  for new_name, (_, shape) in zip(data_names, my_data_shapes)]
            module.bind(data_shapes=my_data_shapes, label_shapes=my_label_shapes,
                        for_training=for_training, inputs_need_grad=my_inputs_need_grad,
                        force_rebind=force_rebind, shared_module=None, grad_req=grad_req)
            my_data_shapes = module.output_shapes
        if not anybody_ever_needs_label:
            self._label_shapes = None

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Install the optimizer on every module.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.init_params(); seq.init_optimizer()
        >>> seq.optimizer_initialized, double.optimizer_initialized, plus1.optimizer_initialized
        (True, True, True)
        """
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        for module in self._modules:
            module.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                                  optimizer_params=optimizer_params, force_init=force_init)
        self.optimizer_initialized = True

    # ------------------------------------------------------------------ computation
    def forward(self, data_batch, is_train=None):
        """Forward through the chain, feeding each module's outputs to the next.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.init_params()
        >>> seq.forward(mx.io.DataBatch([mx.nd.array([[1, 2]])])); seq.get_outputs()[0].asnumpy()
        array([[3., 5.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        data_batch = copy.copy(data_batch)
        for i_layer, module in enumerate(self._modules):
            module.forward(data_batch, is_train=is_train)
            if i_layer + 1 == len(self._modules):
                break
            data_batch.data = module.get_outputs()
            if hasattr(data_batch, "provide_data"):
                data_names = [x[0] for x in module.output_shapes]
                assert len(data_names) == len(data_batch.data)
                data_batch.provide_data = [(name, x.shape)
                                           for name, x in zip(data_names, data_batch.data)]

    def backward(self, out_grads=None):
        """Backward through the chain in reverse, passing input gradients back.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))], inputs_need_grad=True); seq.init_params()
        >>> seq.forward(mx.io.DataBatch([mx.nd.ones((1, 2))]), is_train=True)
        >>> seq.backward([mx.nd.array([[1, 2]])]); double.get_input_grads()[0].asnumpy()
        array([[2., 4.]], dtype=float32)
        """
        assert self.binded and self.params_initialized
        for i_layer, module in reversed(list(enumerate(self._modules))):
            module.backward(out_grads=out_grads)
            if i_layer == 0:
                break
            out_grads = module.get_input_grads()

    def update(self):
        """Update every module.

        >>> import symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1, no_bias=True, name='fc')
        >>> loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.var('data')))
        >>> seq = mx.mod.SequentialModule().add(mx.mod.Module(fc, label_names=None)).add(
        ...     mx.mod.Module(loss, label_names=None), auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.init_params(mx.init.Zero())
        >>> seq.init_optimizer(optimizer_params={'learning_rate': 0.5})
        >>> seq.forward_backward(mx.io.DataBatch([mx.nd.ones((1, 2))])); seq.update()
        >>> seq.get_params()[0]['fc_weight'].asnumpy()     # 0 - 0.5 * gradient 1
        array([[-0.5, -0.5]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.optimizer_initialized
        for module in self._modules:
            module.update()

    def get_outputs(self, merge_multi_context=True):
        """The last module's outputs.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.init_params()
        >>> seq.forward(mx.io.DataBatch([mx.nd.ones((1, 2))]))
        >>> seq.get_outputs()[0] is plus1.get_outputs()[0]     # the last module's
        True
        """
        assert self.binded and self.params_initialized
        return self._modules[-1].get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        """The first module's input gradients.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))], inputs_need_grad=True); seq.init_params()
        >>> seq.inputs_need_grad = True     # as in MXNet, bind does not set the flag itself
        >>> seq.forward(mx.io.DataBatch([mx.nd.ones((1, 2))]), is_train=True)
        >>> seq.backward([mx.nd.ones((1, 2))]); seq.get_input_grads()[0].asnumpy()
        array([[2., 2.]], dtype=float32)
        """
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._modules[0].get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update the metric with the modules that take labels.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> softmax = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.var('data'), name='softmax'))
        >>> seq = mx.mod.SequentialModule().add(double).add(softmax, take_labels=True,
        ...                                                 auto_wiring=True)   # updates the metric
        >>> seq.bind([('data', (2, 2))], [('softmax_label', (2,))]); seq.init_params()
        >>> labels = [mx.nd.array([0, 0])]
        >>> seq.forward(mx.io.DataBatch([mx.nd.array([[2, 1], [1, 2]])], labels))
        >>> acc = mx.metric.Accuracy(); seq.update_metric(acc, labels); acc.get()
        ('accuracy', 0.5)
        """
        assert self.binded and self.params_initialized
        for meta, module in zip(self._metas, self._modules):
            if meta.get(SequentialModule.META_TAKE_LABELS):
                module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        """Install a monitor on every module.

        >>> import symnb as mx
        >>> double = mx.mod.Module(mx.sym.var('data') * 2, label_names=None)
        >>> plus1 = mx.mod.Module(mx.sym.var('data') + 1, label_names=None)
        >>> seq = mx.mod.SequentialModule().add(double).add(plus1, auto_wiring=True)
        >>> seq.bind([('data', (1, 2))]); seq.init_params()
        >>> mon = mx.mon.Monitor(1, pattern='.*_output'); seq.install_monitor(mon)
        >>> mon.tic(); seq.forward(mx.io.DataBatch([mx.nd.ones((1, 2))])); mon.toc()
        [(1, '_mulscalar0_output', '2.0\\t'), (1, '_plusscalar0_output', '3.0\\t')]
        """
        assert self.binded
        for module in self._modules:
            module.install_monitor(mon)
