"""The updater (``mx.optimizer.get_updater``): an optimizer plus the state of every key.

A KVStore (or Module without one) calls ``updater(index, grad, weight)`` with one key or a
list of keys. States are created on first sight of a key. When the optimizer aggregates
(``aggregate_num > 0``: SGD, LARS, LAMB), weights of one dtype are updated in groups of
``aggregate_num`` through the multi-tensor operators, exactly as MXNet groups them.
"""
from __future__ import annotations

from ..ndarray import NDArray
from . import _states

__all__ = ["Updater", "get_updater"]


class Updater:
    """Updater for kvstore: applies ``optimizer`` and keeps its states by key.

    Examples
    --------
    >>> import symnb as mx
    >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> updater(0, g, w); updater(0, g, w); w.asnumpy().round(4)
    array([0.71, 0.71], dtype=float32)
    >>> restored = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
    >>> restored.set_states(updater.get_states()); restored.states[0].asnumpy().round(4)
    array([-0.19, -0.19], dtype=float32)
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        """Update ``weight`` from ``grad`` for one key or a list of keys."""
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode("utf-8")
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if not self.aggregate_updates:
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])
            return
        by_dtype: dict = {}
        for i, w, g in zip(indices, weights, grads):
            by_dtype.setdefault(w.dtype, []).append((i, w, g))
        step = self.optimizer.aggregate_num
        for group in by_dtype.values():
            idxs, ws, gs = zip(*group)
            for start in range(0, len(idxs), step):
                part = slice(start, start + step)
                self.optimizer.update_multi_precision(
                    idxs[part], ws[part], gs[part], [self.states[i] for i in idxs[part]])

    def sync_state_context(self, state, context):
        """The state moved to ``context`` (tuples and lists recursively).

        >>> import symnb as mx
        >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> mom, master = updater.sync_state_context((mx.nd.ones((2,)), None), mx.cpu(0))
        >>> mom.context, master
        (cpu(0), None)
        """
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Restore states saved by :meth:`get_states` (never from a pickle).

        >>> import symnb as mx
        >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
        >>> updater(0, mx.nd.ones((2,)), mx.nd.ones((2,)))
        >>> restored = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
        >>> restored.set_states(updater.get_states()); restored.states[0].asnumpy()
        array([-0.01, -0.01], dtype=float32)
        """
        loaded, optimizer = _states.loads(states)
        if optimizer is not None:
            self.optimizer = optimizer
        self.states = loaded
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """The states as bytes (symnb's safe format; with ``dump_optimizer`` the optimizer's
        settings, update counts and scheduler too).

        >>> import symnb as mx
        >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.5))
        >>> type(updater.get_states()).__name__
        'bytes'
        >>> restored = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> restored.set_states(updater.get_states(dump_optimizer=True))
        >>> restored.optimizer.learning_rate
        0.5
        """
        return _states.dumps(self.states, self.optimizer if dump_optimizer else None)


def get_updater(optimizer):
    """The updater closure a kvstore needs for ``optimizer``.

    >>> import symnb as mx
    >>> type(mx.optimizer.get_updater(mx.optimizer.SGD())).__name__
    'Updater'
    """
    return Updater(optimizer)
