"""``mx.callback``: batch-end and epoch-end callbacks for ``Module.fit`` (MXNet 1.9.1).

Batch-end callbacks receive a ``mx.model.BatchEndParam`` (``epoch``, ``nbatch``,
``eval_metric``, ``locals``); epoch-end callbacks receive ``(epoch, symbol, arg_params,
aux_params)``. Messages are MXNet's, logged at INFO through this module's logger (which
propagates to the root logger, where ``logging.basicConfig`` shows them as MXNet's do).
"""
from __future__ import annotations

import logging
import math
import time

from .model import save_checkpoint

__all__ = ["module_checkpoint", "do_checkpoint", "log_train_metric", "Speedometer",
           "ProgressBar", "LogValidationMetricsCallback"]

_LOG = logging.getLogger(__name__)


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """An epoch-end callback calling ``mod.save_checkpoint`` every ``period`` epochs.

    Parameters
    ----------
    mod : BaseModule
        The module to save.
    prefix : str
        Checkpoint prefix.
    period : int
        Save every ``period`` epochs (at least 1).
    save_optimizer_states : bool
        Also save the optimizer states.

    >>> import symnb as mx
    >>> class Mod:
    ...     def save_checkpoint(self, prefix, epoch, states):
    ...         print(prefix, epoch, states)
    >>> cb = mx.callback.module_checkpoint(Mod(), 'net', period=2)
    >>> cb(0); cb(1)
    net 2 False
    """
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix, period=1):
    """An epoch-end callback writing ``mx.model.save_checkpoint`` every ``period`` epochs.

    Parameters
    ----------
    prefix : str
        Checkpoint prefix (``<prefix>-symbol.json``, ``<prefix>-<epoch:04d>.params``).
    period : int
        Save every ``period`` epochs (at least 1).

    >>> import os, tempfile, symnb as mx
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> cb = mx.callback.do_checkpoint(prefix)
    >>> cb(0, mx.sym.Variable('x'), {'w': mx.nd.ones((1,))}, {})
    >>> sorted(os.listdir(os.path.dirname(prefix)))
    ['net-0001.params', 'net-symbol.json']
    """
    period = int(max(1, period))

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0:
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def log_train_metric(period, auto_reset=False):
    """A batch-end callback logging the training metric every ``period`` batches.

    Logs ``Iter[<epoch>] Batch[<nbatch>] Train-<name>=<value>`` per metric.

    Parameters
    ----------
    period : int
        Log every ``period`` batches.
    auto_reset : bool
        Reset the metric's local statistics after logging.

    >>> import symnb as mx
    >>> cb = mx.callback.log_train_metric(1)
    >>> cb(mx.model.BatchEndParam(0, 1, mx.metric.create('acc'), None))
    """
    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            name_value = param.eval_metric.get_name_value()
            for name, value in name_value:
                _LOG.info("Iter[%d] Batch[%d] Train-%s=%f", param.epoch, param.nbatch, name,
                          value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer:
    """Log training speed and metrics every ``frequent`` batches.

    Logs ``Epoch[e] Batch [a-b]\\tSpeed: s samples/sec\\t<name>=<value>...`` (with
    ``auto_reset``, the metric's local statistics are reset after each message, so each
    covers batches ``a`` to ``b``; without, ``Batch [0-b]``).

    Parameters
    ----------
    batch_size : int
        Examples per batch.
    frequent : int
        Log every ``frequent`` batches (50).
    auto_reset : bool
        Reset the local metric after each message (True).

    >>> import symnb as mx
    >>> speed = mx.callback.Speedometer(batch_size=8, frequent=2)
    >>> for nbatch in range(5):
    ...     speed(mx.model.BatchEndParam(0, nbatch, None, None))
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:
            # a new epoch: restart the clock
            self.init = False
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        try:
            speed = self.frequent * self.batch_size / (time.time() - self.tic)
        except ZeroDivisionError:
            speed = float("inf")
        if param.eval_metric is not None:
            name_value = param.eval_metric.get_name_value()
            pairs = sum(name_value, ())
            if self.auto_reset:
                param.eval_metric.reset_local()
                msg = "Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec"
                msg += "\t%s=%f" * len(name_value)
                _LOG.info(msg, param.epoch, count - self.frequent, count, speed, *pairs)
            else:
                msg = "Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec"
                msg += "\t%s=%f" * len(name_value)
                _LOG.info(msg, param.epoch, count, speed, *pairs)
        else:
            _LOG.info("Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec", param.epoch, count, speed)
        self.tic = time.time()


class ProgressBar:
    """Log a text progress bar ``[====----] 50%`` after each batch.

    Parameters
    ----------
    total : int
        Batches per epoch.
    length : int
        Bar width in characters (80).

    >>> import symnb as mx
    >>> mx.callback.ProgressBar(total=4, length=8)(mx.model.BatchEndParam(0, 2, None, None))
    """

    def __init__(self, total, length=80):
        self.bar_len = length
        self.total = total

    def __call__(self, param):
        count = param.nbatch
        filled_len = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        prog_bar = "=" * filled_len + "-" * (self.bar_len - filled_len)
        _LOG.info("[%s] %s%s\r", prog_bar, percents, "%")


class LogValidationMetricsCallback:
    """An eval-end callback logging ``Epoch[e] Validation-<name>=<value>`` per metric.

    >>> import symnb as mx
    >>> mx.callback.LogValidationMetricsCallback()(
    ...     mx.model.BatchEndParam(0, 0, mx.metric.create('acc'), None))
    """

    def __call__(self, param):
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            _LOG.info("Epoch[%d] Validation-%s=%f", param.epoch, name, value)
