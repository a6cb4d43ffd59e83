"""``BaseModule``: the module API, and ``fit`` / ``score`` / ``predict`` written on top of it.

A module is a computation machine with states: bound (memory allocated for given input
shapes), parameters initialized, optimizer installed. Subclasses implement the
intermediate-level calls (``bind``, ``init_params``, ``forward``, ``backward``, ``update``,
``get_outputs``, ``update_metric`` ...); the high-level loops here only call those, exactly in
MXNet 1.9.1's order, so callbacks, metrics and logged lines come out as MXNet's.
"""
from __future__ import annotations

import logging
import time
import warnings

import numpy as np

from .. import metric, ndarray
from ..base import _as_list
from ..context import cpu
from ..initializer import Uniform
from ..io import DataBatch, DataDesc, DataIter
from ..model import BatchEndParam

__all__ = ["BaseModule"]

# Observers of ``fit``: each ``hook(module, train_data, eval_data, begin_epoch, num_epoch)``
# returns None or a view with ``batch_end(param)``, ``eval_end(param)``,
# ``epoch_end(epoch, symbol, arg_params, aux_params)`` and ``close()``. The notebook layer
# registers one (progress bar and metric chart); with none registered fit does no extra work.
FIT_HOOKS: list = []

# MXNet's defaults, created once as MXNet's signatures create them (one shared instance)
DEFAULT_INITIALIZER = Uniform(0.01)
DEFAULT_CONTEXT = cpu()


def _check_input_names(symbol, names, typename, throw):
    """Every name must be an argument of ``symbol``; the message lists the likely inputs."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [arg for arg in args
                      if not arg.endswith(("_weight", "_bias", "_gamma", "_beta"))]
        msg = ("\033[91mYou created Module with Module(..., %s_names=%s) but input with name "
               "'%s' is not found in symbol.list_arguments(). Did you mean one of:\n\t%s\033[0m"
               % (typename, str(names), name, "\n\t".join(candidates)))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _check_names_match(data_names, data_shapes, name, throw):
    actual = [x[0] for x in data_shapes]
    if sorted(data_names) != sorted(actual):
        msg = ("Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)"
               % (name, name, str(data_shapes), str(data_names)))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _parse_data_desc(data_names, label_names, data_shapes, label_shapes):
    """``DataDesc`` lists from tuples or descs; data names must match, labels may warn."""
    data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
    _check_names_match(data_names, data_shapes, "data", True)
    if label_shapes is not None:
        label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        _check_names_match(label_names, label_shapes, "label", False)
    else:
        _check_names_match(label_names, [], "label", False)
    return data_shapes, label_shapes


class BaseModule:
    """The base class of modules: state flags, and ``fit``, ``score``, ``predict``,
    ``iter_predict`` built on the intermediate-level API that subclasses implement.

    Parameters
    ----------
    logger : Logger or module
        Where messages go (default: the ``logging`` module itself, i.e. the root logger).

    >>> import symnb as mx
    >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
    ...     mx.sym.var('data'), num_hidden=3, name='fc'), name='softmax'))
    >>> mod.binded, mod.params_initialized, mod.optimizer_initialized
    (False, False, False)
    """

    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    # ------------------------------------------------------------------ high-level API
    def forward_backward(self, data_batch):
        """``forward(data_batch, is_train=True)`` then ``backward()``.

        >>> import symnb as mx
        >>> loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.var('data') * 3))
        >>> mod = mx.mod.Module(loss, label_names=None)
        >>> mod.bind([('data', (1, 2))], inputs_need_grad=True); mod.init_params()
        >>> mod.forward_backward(mx.io.DataBatch([mx.nd.ones((1, 2))]))
        >>> mod.get_input_grads()[0].asnumpy()
        array([[3., 3.]], dtype=float32)
        """
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None):
        """Run prediction on ``eval_data`` and evaluate ``eval_metric``; returns
        ``eval_metric.get_name_value()`` (padded samples count, as in MXNet).

        Parameters
        ----------
        eval_data : DataIter
        eval_metric : EvalMetric, str or list
            ``metric.create`` makes one from a name or list.
        num_batch : int, optional
            Stop after this many batches.
        batch_end_callback, score_end_callback : callable or list of callables
            Called with a ``BatchEndParam`` after each batch / at the end.
        reset : bool
            Reset ``eval_data`` first.
        epoch : int
            Passed to the callbacks.

        >>> import symnb as mx, numpy as np
        >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
        ...     mx.sym.var('data'), num_hidden=2, name='fc'), name='softmax'))
        >>> it = mx.io.NDArrayIter(np.ones((4, 3)), np.zeros(4), batch_size=2)
        >>> mod.bind(it.provide_data, it.provide_label, for_training=False)
        >>> mod.init_params(mx.init.Zero())
        >>> [(name, float(value)) for name, value in mod.score(it, 'acc')]
        [('accuracy', 1.0)]
        """
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch],
                                   pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                       locals=locals())
                for callback in _as_list(batch_end_callback):
                    callback(params)
            actual_num_batch += 1
        if score_end_callback:
            params = BatchEndParam(epoch=epoch, nbatch=actual_num_batch,
                                   eval_metric=eval_metric, locals=locals())
            for callback in _as_list(score_end_callback):
                callback(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """Yield ``(outputs, nbatch, batch)`` per batch, outputs without the padded rows.

        >>> import symnb as mx, numpy as np
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> it = mx.io.NDArrayIter(np.ones((3, 4)), batch_size=2)
        >>> mod.bind(it.provide_data, for_training=False); mod.init_params()
        >>> [(outs[0].shape, i) for outs, i, _ in mod.iter_predict(it)]
        [((2, 2), 0), ((1, 2), 1)]
        """
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield (outputs, nbatch, eval_batch)

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """Run prediction and collect the outputs (padded rows dropped).

        With ``merge_batches`` the outputs of all batches are concatenated: one NDArray for a
        single-output network (unless ``always_output_list``), else a list. Without it, a list
        per batch of lists of outputs. ``eval_data`` may also be an NDArray or NumPy array
        (one forward).

        >>> import symnb as mx, numpy as np
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                           name='fc'), label_names=None)
        >>> it = mx.io.NDArrayIter(np.ones((5, 4)), batch_size=2)
        >>> mod.bind(it.provide_data, for_training=False); mod.init_params(mx.init.One())
        >>> mod.predict(it).shape, mod.predict(it, merge_batches=False)[2][0].shape
        ((5, 2), (1, 2))
        """
        assert self.binded and self.params_initialized
        if isinstance(eval_data, (ndarray.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = ndarray.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError("eval_data must be of type NDArray or DataIter")
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            output_list.append([out[0:out.shape[0] - pad].copy()
                                for out in self.get_outputs()])
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            for out in output_list:
                assert len(out) == num_outputs, (
                    "Cannot merge batches, as num of outputs is not the same in mini-batches. "
                    "Maybe bucketing is used?")
            merged = [ndarray.concatenate([out[i] for out in output_list])
                      for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric="acc", epoch_end_callback=None,
            batch_end_callback=None, kvstore="local", optimizer="sgd",
            optimizer_params=(("learning_rate", 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=DEFAULT_INITIALIZER, arg_params=None,
            aux_params=None, allow_missing=False, force_rebind=False, force_init=False,
            begin_epoch=0, num_epoch=None, validation_metric=None, monitor=None,
            sparse_row_id_fn=None):
        """Train the module: bind, init params and optimizer, then ``num_epoch - begin_epoch``
        passes over ``train_data``, logging ``Epoch[i] Train-<metric>=<value>``,
        ``Epoch[i] Time cost=<s>`` and (with ``eval_data``) ``Epoch[i] Validation-...``.

        Parameters
        ----------
        train_data : DataIter
        eval_data : DataIter, optional
            Scored with ``validation_metric`` (default: ``eval_metric``) after every epoch.
        eval_metric : str, EvalMetric or list
            Training metric (default ``'acc'``).
        epoch_end_callback : callable or list
            ``callback(epoch, symbol, arg_params, aux_params)`` after every epoch.
        batch_end_callback : callable or list
            ``callback(BatchEndParam)`` after every batch.
        kvstore : str or KVStore
            Default ``'local'`` (no store for a single context).
        optimizer : str or Optimizer
            Default ``'sgd'``.
        optimizer_params : dict or tuple of pairs
            Default ``(('learning_rate', 0.01),)``; ``rescale_grad`` defaults to
            ``1/batch_size``.
        eval_end_callback, eval_batch_end_callback : callable or list
            Passed to ``score`` as ``score_end_callback`` / ``batch_end_callback``.
        initializer : Initializer
            For parameters not given (default ``Uniform(0.01)``).
        arg_params, aux_params : dict, optional
            Initial values (take precedence over ``initializer``).
        allow_missing, force_rebind, force_init : bool
            As for ``init_params`` / ``bind``.
        begin_epoch, num_epoch : int
            Epoch numbers (``num_epoch`` is required).
        monitor : Monitor, optional
            Installed on the executors; ``tic``/``toc_print`` around every batch.
        sparse_row_id_fn : callable, optional
            Passed to ``prepare``.

        >>> import symnb as mx, numpy as np
        >>> x = np.array([[0, 1], [1, 0]] * 4, dtype=np.float32); y = x[:, 0]
        >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
        ...     mx.sym.var('data'), num_hidden=2, name='fc'), name='softmax'))
        >>> mod.fit(mx.io.NDArrayIter(x, y, batch_size=4), num_epoch=20,
        ...         optimizer_params={'learning_rate': 1.0})
        >>> [(n, float(v)) for n, v in mod.score(mx.io.NDArrayIter(x, y, batch_size=4), 'acc')]
        [('accuracy', 1.0)]
        """
        assert num_epoch is not None, "please specify number of epochs"
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)

        views = [v for v in (hook(self, train_data, eval_data, begin_epoch, num_epoch)
                             for hook in FIT_HOOKS) if v is not None]
        if views:
            batch_end_callback = _as_list(batch_end_callback or []) + \
                [v.batch_end for v in views]
            eval_end_callback = _as_list(eval_end_callback or []) + [v.eval_end for v in views]
            epoch_end_callback = _as_list(epoch_end_callback or []) + \
                [v.epoch_end for v in views]
        try:
            # one loop body, as MXNet's: callbacks see fit's locals() through BatchEndParam
            for epoch in range(begin_epoch, num_epoch):
                tic = time.time()
                eval_metric.reset()
                nbatch = 0
                data_iter = iter(train_data)
                end_of_batch = False
                next_data_batch = next(data_iter)
                while not end_of_batch:
                    data_batch = next_data_batch
                    if monitor is not None:
                        monitor.tic()
                    self.forward_backward(data_batch)
                    self.update()
                    if isinstance(data_batch, list):
                        self.update_metric(eval_metric, [db.label for db in data_batch],
                                           pre_sliced=True)
                    else:
                        self.update_metric(eval_metric, data_batch.label)
                    # the next batch is prepared before this batch's callbacks run
                    try:
                        next_data_batch = next(data_iter)
                        self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                    except StopIteration:
                        end_of_batch = True
                    if monitor is not None:
                        monitor.toc_print()
                    if end_of_batch:
                        eval_name_vals = eval_metric.get_global_name_value()
                    if batch_end_callback is not None:
                        batch_end_params = BatchEndParam(epoch=epoch, nbatch=nbatch,
                                                         eval_metric=eval_metric,
                                                         locals=locals())
                        for callback in _as_list(batch_end_callback):
                            callback(batch_end_params)
                    nbatch += 1
                for name, val in eval_name_vals:
                    self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, val)
                toc = time.time()
                self.logger.info("Epoch[%d] Time cost=%.3f", epoch, (toc - tic))
                # sync the parameters from the devices into the cpu copies callbacks see
                arg_params, aux_params = self.get_params()
                self.set_params(arg_params, aux_params)
                if epoch_end_callback is not None:
                    for callback in _as_list(epoch_end_callback):
                        callback(epoch, self.symbol, arg_params, aux_params)
                if eval_data is not None:
                    res = self.score(eval_data, validation_metric,
                                     score_end_callback=eval_end_callback,
                                     batch_end_callback=eval_batch_end_callback, epoch=epoch)
                    for name, val in res:
                        self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, val)
                train_data.reset()
        finally:
            for view in views:
                view.close()

    # ------------------------------------------------------------------ symbol information
    @property
    def data_names(self):
        """Names of the data inputs.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().data_names     # subclasses say which inputs are data
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    @property
    def output_names(self):
        """Names of the outputs.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().output_names
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------ input/output information
    @property
    def data_shapes(self):
        """``DataDesc`` of the data inputs (after bind).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().data_shapes
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    @property
    def label_shapes(self):
        """``DataDesc`` of the labels (after bind; empty or None without labels).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().label_shapes
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    @property
    def output_shapes(self):
        """``(name, shape)`` of the outputs (after bind).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().output_shapes
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------ parameters
    def get_params(self):
        """``(arg_params, aux_params)``: dicts of name to (cpu) NDArray.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().get_params()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def init_params(self, initializer=DEFAULT_INITIALIZER, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialize parameters and aux states (given values, else ``initializer``).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().init_params()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameter and aux state values (``init_params`` without an initializer).

        >>> import symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> mod.set_params({'fc_weight': mx.nd.ones((1, 2)), 'fc_bias': mx.nd.zeros((1,))}, {})
        >>> mod.get_params()[0]['fc_weight'].asnumpy()
        array([[1., 1.]], dtype=float32)
        """
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname):
        """Save the parameters to ``fname`` (``arg:<name>`` / ``aux:<name>`` keys).

        >>> import os, tempfile, symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     fname = os.path.join(d, 'm.params'); mod.save_params(fname)
        ...     print(sorted(mx.nd.load(fname)))
        ['arg:fc_bias', 'arg:fc_weight']
        """
        arg_params, aux_params = self.get_params()
        save_dict = {("arg:%s" % k): v.as_in_context(cpu()) for k, v in arg_params.items()}
        save_dict.update({("aux:%s" % k): v.as_in_context(cpu())
                          for k, v in aux_params.items()})
        ndarray.save(fname, save_dict)

    def load_params(self, fname):
        """Load parameters saved by :meth:`save_params` and assign them.

        >>> import os, tempfile, symnb as mx
        >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=1,
        ...                                           name='fc'), label_names=None)
        >>> mod.bind([('data', (1, 2))]); mod.init_params(mx.init.One())
        >>> with tempfile.TemporaryDirectory() as d:
        ...     fname = os.path.join(d, 'm.params'); mod.save_params(fname)
        ...     mod.init_params(mx.init.Zero(), force_init=True); mod.load_params(fname)
        >>> mod.get_params()[0]['fc_weight'].asnumpy()
        array([[1., 1.]], dtype=float32)
        """
        save_dict = ndarray.load(fname)
        arg_params, aux_params = {}, {}
        for k, value in save_dict.items():
            arg_type, name = k.split(":", 1)
            if arg_type == "arg":
                arg_params[name] = value
            elif arg_type == "aux":
                aux_params[name] = value
            else:
                raise ValueError("Invalid param file " + fname)
        self.set_params(arg_params, aux_params)

    def get_states(self, merge_multi_context=True):
        """States of the module (none by default).

        >>> import symnb as mx
        >>> mod = mx.mod.BaseModule(); mod.binded = mod.params_initialized = True
        >>> mod.get_states(merge_multi_context=False)
        []
        """
        assert self.binded and self.params_initialized
        assert not merge_multi_context
        return []

    def set_states(self, states=None, value=None):
        """Set states (none by default).

        >>> import symnb as mx
        >>> mod = mx.mod.BaseModule(); mod.binded = mod.params_initialized = True
        >>> mod.set_states()     # no states: nothing to set, and no value accepted
        >>> mod.set_states(value=1.0)
        Traceback (most recent call last):
        ...
        AssertionError...
        """
        assert self.binded and self.params_initialized
        assert not states and not value

    def install_monitor(self, mon):
        """Install a monitor on the executors.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().install_monitor(mx.mon.Monitor(1))
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------ computations
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Prepare for a batch (switch bucket, pull sparse rows); nothing by default.

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always')
        ...     mx.mod.BaseModule().prepare(None, sparse_row_id_fn=lambda batch: {})
        >>> str(caught[0].message)
        'sparse_row_id_fn is not invoked for BaseModule.'
        """
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("sparse_row_id_fn is not invoked for BaseModule."))

    def forward(self, data_batch, is_train=None):
        """Forward computation (``is_train`` defaults to ``for_training``).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().forward(mx.io.DataBatch([mx.nd.ones((1, 2))]))
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def backward(self, out_grads=None):
        """Backward computation.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().backward()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context=True):
        """Outputs of the last forward.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().get_outputs()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the inputs from the last backward.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().get_input_grads()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def update(self):
        """Update parameters with the installed optimizer.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().update()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulate ``eval_metric`` on the last forward's outputs.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().update_metric(mx.metric.Accuracy(), [])
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------ module setup
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Allocate executors for the given input shapes.

        >>> import symnb as mx
        >>> mx.mod.BaseModule().bind([('data', (1, 2))])
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Install an optimizer (and a kvstore where needed).

        >>> import symnb as mx
        >>> mx.mod.BaseModule().init_optimizer()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    # ------------------------------------------------------------------ misc
    @property
    def symbol(self):
        """The symbol this module runs (for bucketing: the current bucket's).

        >>> import symnb as mx
        >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
        >>> mx.mod.BaseModule().symbol is None, mx.mod.Module(net, label_names=None).symbol is net
        (True, True)
        """
        return self._symbol
