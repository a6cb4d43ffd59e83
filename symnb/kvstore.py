"""Key-value stores (``mx.kvstore`` / ``mx.kv``) for single-process training.

A store keeps one array per key. ``push`` sums the values given for a key (one per device)
and, with an optimizer set, hands the sum to the updater (``updater(key, merged, stored)``);
without one the sum replaces the stored value. ``pull`` copies the stored value out.
``'local'`` and ``'device'`` (and MXNet's ``local_*`` spellings) behave the same here: the
arrays live where they were given. Distributed kinds (``dist_*``, ``horovod``, ...) need
several processes and are refused with a clear error.
"""
from __future__ import annotations

import warnings

from .base import MXNetError
from .ndarray import NDArray
from .optimizer import _states
from .optimizer.updater import get_updater

__all__ = ["KVStore", "KVStoreBase", "create"]

_LOCAL_KINDS = ("local", "device", "local_update_cpu", "local_allreduce_cpu",
                "local_allreduce_device")


def _pairs(key, value):
    """``[(key, [arrays])]`` for one key or a list of keys, each with one or more values."""
    if isinstance(key, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(key):
            raise ValueError("key and value must have the same number of entries "
                             "(%d keys)" % len(key))
        return [pair for k, v in zip(key, value) for pair in _pairs(k, v)]
    if not isinstance(key, (int, str)):
        raise TypeError("key must be an int or a str, got %s" % type(key).__name__)
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if not isinstance(v, NDArray):
            raise TypeError("value of key %r must be an NDArray or a list of NDArrays, got %s"
                            % (key, type(v).__name__))
    return [(key, values)]


def _key_kind(key) -> int:
    return 1 if isinstance(key, int) else 0      # MXNet's kIntKey / kStringKey codes


class KVStoreBase:
    """The common base of key-value stores (MXNet's ``mx.kv.KVStoreBase``).

    >>> import symnb as mx
    >>> @mx.kv.KVStoreBase.register
    ... class MyStore(mx.kv.KVStore):
    ...     pass
    >>> type(mx.kv.create('mystore')).__name__
    'MyStore'
    """

    kv_registry: dict = {}
    OPTIMIZER = "optimizer"     # the capability Module checks before updating on the store

    @staticmethod
    def register(klass):
        """Register a store class under its lower-cased name (for :func:`create`).

        >>> import symnb as mx
        >>> class TinyStore(mx.kv.KVStore):
        ...     pass
        >>> mx.kv.KVStoreBase.register(TinyStore) is TinyStore, mx.kv.create('tinystore').type
        (True, 'local')
        >>> del mx.kv.KVStoreBase.kv_registry['tinystore']
        """
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            warnings.warn("WARNING: New kvstore %s.%s is overriding existing kvstore %s.%s"
                          % (klass.__module__, klass.__name__,
                             KVStoreBase.kv_registry[name].__module__,
                             KVStoreBase.kv_registry[name].__name__))
        KVStoreBase.kv_registry[name] = klass
        return klass


class KVStore(KVStoreBase):
    """A single-process key-value store (``mx.kv.create('local')``).

    Examples
    --------
    >>> import symnb as mx
    >>> kv = mx.kv.create('local')
    >>> kv.init(3, mx.nd.zeros((2, 2)))
    >>> kv.set_optimizer(mx.optimizer.SGD())
    >>> kv.push(3, mx.nd.ones((2, 2)))
    >>> w = mx.nd.zeros((2, 2)); kv.pull(3, out=w); w.asnumpy()
    array([[-0.01, -0.01],
           [-0.01, -0.01]], dtype=float32)
    """

    def __init__(self, kind: str = "local"):
        self._type = kind
        self._store: dict = {}
        self._updater = None
        self._compression = None
        self._key_type = None        # 1 for int keys, 0 for str keys, fixed by the first use

    # ------------------------------------------------------------------ data
    def init(self, key, value):
        """Initialise key(s) with value(s) (the first value of each key is stored, copied).

        >>> import symnb as mx
        >>> kv = mx.kv.create('local')
        >>> kv.init(['a', 'b'], [mx.nd.ones((2,)), mx.nd.zeros((3,))])
        >>> out = mx.nd.zeros((2,)); kv.pull('a', out=out); out.asnumpy()
        array([1., 1.], dtype=float32)
        """
        pairs = self._checked_pairs(key, value)
        for k, _ in pairs:
            if k in self._store:
                raise MXNetError("MXNetError: Check failed: local_.find(keys[i]) == "
                                 "local_.end(): duplicate init of key %s. Please double check "
                                 "if you called kv.init or kv.broadcast with this key multiple "
                                 "times" % k)
        for k, values in pairs:
            self._store[k] = values[0].copy()
        if pairs and self._key_type is None:
            self._key_type = _key_kind(pairs[0][0])

    def _checked_pairs(self, key, value):
        """The (key, values) pairs, all keys of one type and of the store's (int or str)."""
        pairs = _pairs(key, value)
        expected = self._key_type if self._key_type is not None else \
            (_key_kind(pairs[0][0]) if pairs else None)
        for k, _ in pairs:
            if _key_kind(k) != expected:
                raise MXNetError("MXNetError: Check failed: key_type_ == key_type (%d vs. %d) : "
                                 "Mixed key types are not allowed" % (expected, _key_kind(k)))
        return pairs

    def _stored(self, key):
        try:
            return self._store[key]
        except KeyError:
            raise MXNetError("MXNetError: Check failed: !local.is_none(): key %s has not been "
                             "inited" % key) from None

    def push(self, key, value, priority=0):
        """Push value(s): the values of one key are summed, then applied by the updater.

        Without an optimizer the sum replaces the stored value:

        >>> import symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.zeros((2,)))
        >>> kv.push(0, [mx.nd.ones((2,)), mx.nd.array([1, 2])])
        >>> out = mx.nd.zeros((2,)); kv.pull(0, out=out); out.asnumpy()
        array([2., 3.], dtype=float32)
        """
        pairs = self._checked_pairs(key, value)
        for k, values in pairs:
            stored = self._stored(k)
            for v in values:
                if v.shape != stored.shape:
                    raise MXNetError("MXNetError: Check failed: shape of pushed value %s does "
                                     "not match the stored %s for key %s"
                                     % (v.shape, stored.shape, k))
        for k, values in pairs:
            stored = self._store[k]
            merged = values[0].as_in_context(stored.context) if len(values) == 1 else None
            if merged is None:
                merged = values[0].copyto(stored.context)
                for v in values[1:]:
                    merged += v.as_in_context(stored.context)
            if self._updater is not None:
                # MXNet's C API hands str keys to the Python updater as bytes
                self._updater(k.encode("utf-8") if isinstance(k, str) else k, merged, stored)
            else:
                stored[:] = merged

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored value(s) into ``out`` (an NDArray or a list, one per device).

        >>> import symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.array([1, 2]))
        >>> outs = [mx.nd.zeros((2,)), mx.nd.zeros((2,))]; kv.pull(0, out=outs)
        >>> [o.asnumpy() for o in outs]
        [array([1., 2.], dtype=float32), array([1., 2.], dtype=float32)]
        """
        assert out is not None
        pairs = self._checked_pairs(key, out)
        for k, _ in pairs:
            self._stored(k)
        for k, outs in pairs:
            for o in outs:
                o[:] = self._store[k].as_in_context(o.context)

    def pushpull(self, key, value, out=None, priority=0):
        """``push`` then ``pull`` (into ``value`` itself when ``out`` is None).

        >>> import symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.zeros((2,)))
        >>> kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.5))
        >>> g = mx.nd.ones((2,)); kv.pushpull(0, g); g.asnumpy()
        array([-0.5, -0.5], dtype=float32)
        """
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key, value, out, priority=0):
        """``init`` with ``value``, then ``pull`` into ``out``.

        >>> import symnb as mx
        >>> kv = mx.kv.create('local')
        >>> out = mx.nd.zeros((2,)); kv.broadcast('w', mx.nd.array([5, 6]), out=out)
        >>> out.asnumpy()
        array([5., 6.], dtype=float32)
        """
        self.init(key, value)
        self.pull(key, out=out, priority=priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Not available: symnb has no row_sparse storage.

        >>> import symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.ones((2,)))
        >>> kv.row_sparse_pull(0, out=mx.nd.zeros((2,)), row_ids=mx.nd.array([0]))
        Traceback (most recent call last):
        ...
        symnb.base.MXNetError: MXNetError: row_sparse_pull needs row_sparse arrays, ...
        """
        raise MXNetError("MXNetError: row_sparse_pull needs row_sparse arrays, which symnb "
                         "does not have (its NDArrays are dense): use pull instead")

    # ------------------------------------------------------------------ settings
    def is_capable(self, capability):
        """Whether the store supports ``capability`` ('optimizer').

        >>> import symnb as mx
        >>> mx.kv.create('local').is_capable(mx.kv.KVStoreBase.OPTIMIZER)
        True
        >>> mx.kv.create('local').is_capable('sparse')
        Traceback (most recent call last):
        ...
        ValueError: Unknown capability: sparse
        """
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError("Unknown capability: {}".format(capability))

    def set_gradient_compression(self, compression_params):
        """Gradient compression: refused for 'local' (as MXNet); accepted and unused for
        'device' (symnb moves no gradients between devices).

        >>> import symnb as mx
        >>> mx.kv.create('device').set_gradient_compression({'type': '2bit', 'threshold': 0.5})
        >>> mx.kv.create('local').set_gradient_compression({'type': '2bit'})
        Traceback (most recent call last):
        ...
        Exception: Gradient compression is not supported for this type of kvstore
        """
        if "device" not in self.type:
            raise Exception("Gradient compression is not supported for this type of kvstore")
        if not isinstance(compression_params, dict) or compression_params.get("type") != "2bit":
            raise MXNetError("MXNetError: Unknown type for gradient compression %s"
                             % (compression_params.get("type")
                                if isinstance(compression_params, dict) else compression_params))
        self._compression = dict(compression_params)

    def set_optimizer(self, optimizer):
        """Register an optimizer: pushes then update the stored weights.

        >>> import symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.ones((2,)))
        >>> kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.5))
        >>> kv.push(0, mx.nd.ones((2,))); out = mx.nd.zeros((2,)); kv.pull(0, out=out)
        >>> out.asnumpy()
        array([0.5, 0.5], dtype=float32)
        """
        self._set_updater(get_updater(optimizer))

    def _set_updater(self, updater):
        """Set a Python updater ``updater(key, input, stored)``."""
        self._updater = updater

    def _barrier(self):
        """A no-op: one worker."""

    def _send_command_to_servers(self, head, body):
        raise MXNetError("MXNetError: kvstore %s has no servers" % self.type)

    @property
    def type(self):
        """The kind of store ('local', 'device', ...).

        >>> import symnb as mx
        >>> mx.kv.create('local').type
        'local'
        """
        return self._type

    @property
    def rank(self):
        """This worker's rank: always 0.

        >>> import symnb as mx
        >>> mx.kv.create('local').rank
        0
        """
        return 0

    @property
    def num_workers(self):
        """The number of workers: always 1.

        >>> import symnb as mx
        >>> mx.kv.create('local').num_workers
        1
        """
        return 1

    # ------------------------------------------------------------------ states
    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Save the updater's states to ``fname`` (symnb's safe format, never pickle).

        >>> import os, tempfile, symnb as mx
        >>> kv = mx.kv.create('local'); kv.set_optimizer(mx.optimizer.SGD(momentum=0.9))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kv.save_optimizer_states(os.path.join(tmp, 'states'))
        ...     print(sorted(os.listdir(tmp)))
        ['states']
        """
        assert self._updater is not None, "Cannot save states for distributed training"
        with open(fname, "wb") as fout:
            fout.write(self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        """Load states saved by :meth:`save_optimizer_states`; a pickled MXNet file is
        refused with an error naming it.

        >>> import os, tempfile, symnb as mx
        >>> kv = mx.kv.create('local'); kv.init(0, mx.nd.ones((2,)))
        >>> kv.set_optimizer(mx.optimizer.SGD(momentum=0.9)); kv.push(0, mx.nd.ones((2,)))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kv.save_optimizer_states(os.path.join(tmp, 's'))
        ...     fresh = mx.kv.create('local'); fresh.set_optimizer(mx.optimizer.SGD())
        ...     fresh.load_optimizer_states(os.path.join(tmp, 's'))
        >>> fresh._updater.states[0].asnumpy()
        array([-0.01, -0.01], dtype=float32)
        """
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as fin:
            data = fin.read()
        loaded, optimizer = _states.loads(data, "optimizer states file '%s'" % fname)
        if optimizer is not None:
            self._updater.optimizer = optimizer
        self._updater.states = loaded
        self._updater.states_synced = dict.fromkeys(loaded.keys(), False)


def create(name="local"):
    """Create a key-value store: 'local' or 'device' (distributed kinds are refused).

    >>> import symnb as mx
    >>> mx.kv.create('device').type
    'device'
    >>> mx.kv.create('dist_sync')
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: MXNetError: kvstore 'dist_sync' needs multi-process ...
    """
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in _LOCAL_KINDS:
        return KVStore(name)
    if name.startswith("dist") or name in ("horovod", "byteps", "nccl"):
        raise MXNetError("MXNetError: kvstore '%s' needs multi-process (distributed) training, "
                         "which symnb does not support: use 'local' or 'device'" % name)
    raise MXNetError("MXNetError: Unknown KVStore type %s (symnb supports 'local' and "
                     "'device')" % name)
