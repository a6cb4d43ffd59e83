"""``PythonModule`` and ``PythonLossModule``: modules written in Python, without a symbol."""
from __future__ import annotations

import logging

from .. import ndarray as nd
from .base_module import DEFAULT_INITIALIZER, BaseModule

__all__ = ["PythonModule", "PythonLossModule"]


class PythonModule(BaseModule):
    """A convenient base for modules computed in Python: no parameters, no optimizer.
    Subclasses implement ``_compute_output_shapes``, ``forward``, ``backward``,
    ``get_outputs`` and ``get_input_grads``.

    As in MXNet, ``bind`` records the shapes but leaves ``binded`` False.

    >>> import symnb as mx
    >>> class Double(mx.mod.PythonModule):
    ...     def _compute_output_shapes(self):
    ...         return [('double_output', self._data_shapes[0][1])]
    >>> m = Double(['data'], None, ['double_output'])
    >>> m.bind([('data', (2, 3))]); m.output_shapes, m.get_params()
    ([('double_output', (2, 3))], ({}, {}))
    """

    def __init__(self, data_names, label_names, output_names, logger=logging):
        super().__init__(logger=logger)
        if isinstance(data_names, tuple):
            data_names = list(data_names)
        if isinstance(label_names, tuple):
            label_names = list(label_names)
        self._data_names = data_names
        self._label_names = label_names
        self._output_names = output_names
        self._data_shapes = None
        self._label_shapes = None
        self._output_shapes = None

    @property
    def data_names(self):
        """Names of the data inputs.

        >>> import symnb as mx
        >>> mx.mod.PythonLossModule().data_names
        ['data']
        """
        return self._data_names

    @property
    def output_names(self):
        """Names of the outputs.

        >>> import symnb as mx
        >>> mx.mod.PythonLossModule(name='myloss').output_names
        ['myloss_output']
        """
        return self._output_names

    @property
    def data_shapes(self):
        """Data shapes given to bind.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(); loss.bind([('data', (2, 3))])
        >>> loss.data_shapes
        [('data', (2, 3))]
        """
        return self._data_shapes

    @property
    def label_shapes(self):
        """Label shapes given to bind.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(); loss.bind([('data', (2, 3))])
        >>> print(loss.label_shapes)
        None
        >>> loss.bind([('data', (2, 3))], [('softmax_label', (2,))]); loss.label_shapes
        [('softmax_label', (2,))]
        """
        return self._label_shapes

    @property
    def output_shapes(self):
        """Output shapes from ``_compute_output_shapes``.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(); loss.bind([('data', (2, 3))])
        >>> loss.output_shapes
        [('pyloss_output', (2, 3))]
        """
        return self._output_shapes

    def get_params(self):
        """No parameters: ``({}, {})``.

        >>> import symnb as mx
        >>> mx.mod.PythonLossModule().get_params()
        ({}, {})
        """
        return (dict(), dict())

    def init_params(self, initializer=DEFAULT_INITIALIZER, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Nothing to initialize.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule()
        >>> loss.init_params(); loss.params_initialized     # nothing to do, no flag set (as MXNet)
        False
        """

    def update(self):
        """Nothing to update.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule()
        >>> loss.update(); loss.optimizer_initialized     # needs no optimizer
        False
        """

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update ``eval_metric`` with the outputs (only when bound with labels).

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(); labels = [mx.nd.array([0, 0])]
        >>> loss.bind([('data', (2, 2))], [('softmax_label', (2,))])
        >>> loss.forward(mx.io.DataBatch([mx.nd.array([[0.9, 0.1], [0.2, 0.8]])], labels))
        >>> acc = mx.metric.Accuracy(); loss.update_metric(acc, labels); acc.get()
        ('accuracy', 0.5)
        """
        if self._label_shapes is None:
            return
        if pre_sliced:
            raise RuntimeError("PythonModule does not support presliced labels")
        eval_metric.update(labels, self.get_outputs())

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Record the shapes and compute the output shapes (``grad_req`` must be 'write').

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule()
        >>> loss.bind([('data', (4, 2))]); loss.output_shapes, loss.binded
        ([('pyloss_output', (4, 2))], False)
        """
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        assert grad_req == "write", "Python module only support write gradient"
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        assert len(data_shapes) == len(self._data_names)
        assert [x[0] for x in data_shapes] == self._data_names
        self._data_shapes = data_shapes
        self._label_shapes = label_shapes
        if label_shapes is not None:
            assert self._label_names is not None
            assert len(self._label_names) == len(label_shapes)
            assert [x[0] for x in label_shapes] == self._label_names
        self._output_shapes = self._compute_output_shapes()

    def _compute_output_shapes(self):
        """The output shapes, from ``_data_shapes`` / ``_label_shapes`` (subclasses)."""
        raise NotImplementedError()

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """No optimizer needed.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule()
        >>> loss.init_optimizer(optimizer='adam'); loss.optimizer_initialized
        False
        """


class PythonLossModule(PythonModule):
    """A loss in Python: passes its input through as output and, in backward, gives
    ``grad_func(scores, labels)`` as the input gradient.

    >>> import symnb as mx
    >>> loss = mx.mod.PythonLossModule(grad_func=lambda scores, labels: scores - 1)
    >>> loss.bind([('data', (2, 2))], [('softmax_label', (2,))])
    >>> loss.forward(mx.io.DataBatch([mx.nd.ones((2, 2)) * 3], [mx.nd.zeros((2,))]),
    ...              is_train=True)
    >>> loss.backward(); loss.get_input_grads()[0].asnumpy()
    array([[2., 2.],
           [2., 2.]], dtype=float32)
    """

    def __init__(self, name="pyloss", data_names=("data",), label_names=("softmax_label",),
                 logger=logging, grad_func=None):
        super().__init__(data_names, label_names, [name + "_output"], logger=logger)
        self._name = name
        assert len(data_names) == 1
        assert len(label_names) == 1
        self._scores = None
        self._labels = None
        self._scores_grad = None
        if grad_func is not None:
            assert callable(grad_func)
        self._grad_func = grad_func

    def _compute_output_shapes(self):
        return [(self._name + "_output", self._data_shapes[0][1])]

    def forward(self, data_batch, is_train=None):
        """Keep the scores (and, when training, the labels).

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule()
        >>> loss.forward(mx.io.DataBatch([mx.nd.array([[1, 2]])], [mx.nd.array([1])]),
        ...              is_train=True)
        >>> loss.get_outputs()[0].asnumpy(), loss._labels.asnumpy()
        (array([[1., 2.]], dtype=float32), array([1.], dtype=float32))
        """
        self._scores = data_batch.data[0]
        if is_train is None:
            is_train = self.for_training
        if is_train:
            self._labels = data_batch.label[0]

    def get_outputs(self, merge_multi_context=True):
        """``[scores]``.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(); scores = mx.nd.array([[1, 2]])
        >>> loss.forward(mx.io.DataBatch([scores]), is_train=False)
        >>> loss.get_outputs()[0] is scores     # the input passes through
        True
        """
        assert merge_multi_context is True
        return [self._scores]

    def backward(self, out_grads=None):
        """Compute the scores' gradient (a loss takes no ``out_grads``).

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(grad_func=lambda scores, labels: scores.asnumpy() * 2)
        >>> loss.bind([('data', (1, 2))], [('softmax_label', (1,))])
        >>> loss.forward(mx.io.DataBatch([mx.nd.array([[1, 2]])], [mx.nd.array([0])]),
        ...              is_train=True)
        >>> loss.backward(); loss.get_input_grads()[0]     # a NumPy gradient becomes an NDArray
        <BLANKLINE>
        [[2. 4.]]
        <NDArray 1x2 @cpu(0)>
        """
        assert out_grads is None, "For a loss module, out_grads should be None"
        assert self.for_training
        self._backward_impl()

    def _backward_impl(self):
        """``grad_func(scores, labels)``; subclasses without one override this."""
        if self._grad_func is not None:
            grad = self._grad_func(self._scores, self._labels)
            if not isinstance(grad, nd.NDArray):
                grad = nd.array(grad)
            self._scores_grad = grad
        else:
            raise NotImplementedError()

    def get_input_grads(self, merge_multi_context=True):
        """``[gradient of the scores]``.

        >>> import symnb as mx
        >>> loss = mx.mod.PythonLossModule(grad_func=lambda scores, labels: scores - labels)
        >>> loss.bind([('data', (2, 1))], [('softmax_label', (2, 1))])
        >>> loss.forward(mx.io.DataBatch([mx.nd.array([[3], [1]])], [mx.nd.array([[1], [1]])]),
        ...              is_train=True)
        >>> loss.backward(); loss.get_input_grads()[0].asnumpy()
        array([[2.],
               [0.]], dtype=float32)
        """
        assert merge_multi_context is True
        return [self._scores_grad]

    def install_monitor(self, mon):
        """Not supported for Python losses.

        >>> import symnb as mx
        >>> mx.mod.PythonLossModule().install_monitor(mx.mon.Monitor(1))
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()
