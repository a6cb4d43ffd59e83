"""``mx.mon``: ``Monitor`` collects a statistic of every array an executor computes.

Installed on an executor (``Module.install_monitor`` does it for every executor), it receives
each node output through ``Executor.set_monitor_callback`` while active; ``tic()`` activates
it every ``interval`` batches and ``toc()`` adds the arguments and auxiliary states and
returns ``(step, name, text)`` triples, as MXNet 1.9.1 does.
"""
from __future__ import annotations

import logging
import re
from math import sqrt

from . import ndarray
from ._checks import mx_assert
from .ndarray import NDArray

__all__ = ["Monitor"]

_LOG = logging.getLogger(__name__)


def _name_text(name):
    return name.decode("utf-8") if isinstance(name, bytes) else str(name)


class Monitor:
    """Monitor the outputs, arguments and auxiliary states of executors.

    Parameters
    ----------
    interval : int
        Collect every ``interval`` batches (``tic`` calls).
    stat_func : callable, optional
        ``stat_func(NDArray) -> NDArray`` (or a list of them); default
        ``norm(x) / sqrt(x.size)``.
    pattern : str
        Regular expression (``re.match``) selecting the array names ('.*').
    sort : bool
        Sort the results by name.
    monitor_all : bool
        Also monitor each operator's inputs.

    >>> import symnb as mx
    >>> net = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc')
    >>> ex = net.simple_bind(mx.cpu(), x=(1, 3))
    >>> for a in ex.arg_arrays:
    ...     a[:] = 1
    >>> mon = mx.mon.Monitor(1, pattern='fc_.*')
    >>> mon.install(ex)
    >>> mon.tic(); _ = ex.forward()
    >>> mon.toc()
    [(1, 'fc_output', '4.0\\t'), (1, 'fc_weight', '1.0\\t'), (1, 'fc_bias', '1.0\\t')]
    """

    def __init__(self, interval, stat_func=None, pattern=".*", sort=False, monitor_all=False):
        if stat_func is None:
            def asum_stat(x):
                """The root mean square of ``x``: ``norm(x) / sqrt(x.size)``."""
                return ndarray.norm(x) / sqrt(x.size)
            stat_func = asum_stat
        self.stat_func = stat_func
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

        def stat_helper(name, array):
            """The executor callback: queue ``stat_func(array)`` while active."""
            name = _name_text(name)
            if not self.activated or not self.re_prog.match(name):
                return
            self.queue.append((self.step, name, self.stat_func(array)))
        self.stat_helper = stat_helper

    def install(self, exe):
        """Attach to an executor (through ``set_monitor_callback``).

        >>> import symnb as mx
        >>> ex = mx.sym.Activation(mx.sym.var('x'), act_type='relu').simple_bind(mx.cpu(), x=(2,))
        >>> mon = mx.mon.Monitor(1); mon.install(ex)
        >>> mon.tic(); _ = ex.forward(); [name for _, name, _ in mon.toc()]
        ['activation0_output', 'x']
        """
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        """Start collecting if this batch is one of every ``interval``; call before forward.

        >>> import symnb as mx
        >>> mon = mx.mon.Monitor(2)
        >>> for _ in range(3):
        ...     mon.tic(); print(mon.step, mon.activated); _ = mon.toc()
        1 True
        2 False
        3 True
        """
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Stop collecting; return ``(step, name, text)`` for the collected arrays.

        The arguments and auxiliary states matching ``pattern`` are added at this point;
        each statistic is shown as ``str(value)`` for a one-element result, else as the
        array's text, each followed by a tab.

        >>> import symnb as mx
        >>> ex = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc').simple_bind(
        ...     mx.cpu(), x=(1, 3))
        >>> mon = mx.mon.Monitor(1, pattern='fc_(output|bias)', sort=True); mon.install(ex)
        >>> ex.arg_dict['fc_bias'][:] = 3; mon.tic(); _ = ex.forward(); mon.toc()
        [(1, 'fc_bias', '3.0\\t'), (1, 'fc_output', '3.0\\t')]
        """
        if not self.activated:
            return []
        for exe in self.exes:
            for name, array in zip(exe._symbol.list_arguments(), exe.arg_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
            for name, array in zip(exe._symbol.list_auxiliary_states(), exe.aux_arrays):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        res = []
        if self.sort:
            self.queue.sort(key=lambda x: x[1])
        for n, k, v_list in self.queue:
            if isinstance(v_list, NDArray):
                v_list = [v_list]
            mx_assert(isinstance(v_list, list))
            text = ""
            for v in v_list:
                mx_assert(isinstance(v, NDArray))
                if v.shape == (1,):
                    text += str(v.asscalar()) + "\t"
                else:
                    text += str(v.asnumpy()) + "\t"
            res.append((n, k, text))
        self.queue = []
        return res

    def toc_print(self):
        """``toc()``, logged at INFO as ``Batch: <step> <name> <value>``.

        >>> import unittest, symnb as mx
        >>> ex = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc').simple_bind(
        ...     mx.cpu(), x=(1, 3))
        >>> mon = mx.mon.Monitor(1, pattern='fc_output'); mon.install(ex)
        >>> with unittest.TestCase().assertLogs('symnb.monitor', 'INFO') as logs:
        ...     mon.tic(); _ = ex.forward(); mon.toc_print()
        >>> logs.output
        ['INFO:symnb.monitor:Batch:       1 fc_output                      0.0\\t']
        """
        for n, k, v in self.toc():
            _LOG.info("Batch: {:7d} {:30s} {:s}".format(n, k, v))
