"""Parameter updates: locally through an updater, or through a kvstore (MXNet's model.py).

With one context and a kvstore given by name (``'local'``, ``'device'``) no store is made and
the updater runs on the executor's own arrays. With several contexts, or a ``KVStore`` object,
the contexts' gradients are summed in the store; by default the store also runs the optimizer
(``update_on_kvstore``) and every context pulls the new weights back.
"""
from __future__ import annotations

import os

import numpy as np

from .. import kvstore as kvs

__all__ = ["create_kvstore", "initialize_kvstore", "update_params", "update_params_on_kvstore"]

# parameters above this many elements are updated on the devices, not in a 'local' store
_BIG_PARAM = 1024 * 1024 * 16


def create_kvstore(kvstore, num_device, arg_params):
    """``(kvstore or None, update_on_kvstore)`` for a store given by name or object.

    >>> create_kvstore('local', 1, {})
    (None, False)
    """
    update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and "dist" not in kvstore:
            kv = None   # one device, one machine: nothing to aggregate
        else:
            kv = kvs.create(kvstore)
            if kvstore == "local":
                max_size = max(int(np.prod(param.shape)) for param in arg_params.values())
                if max_size > _BIG_PARAM:
                    update_on_kvstore = False
    else:
        raise TypeError("kvstore must be KVStore, str or None")
    if kv is None:
        update_on_kvstore = False
    else:
        # KVStoreBase.OPTIMIZER in MXNet: the capability of running the optimizer in the store
        update_on_kvstore &= kv.is_capable("optimizer")
    return kv, update_on_kvstore


def initialize_kvstore(kvstore, param_arrays, arg_params, param_names, update_on_kvstore):
    """Put every parameter in the store (and, when it updates, onto every context)."""
    for idx, param_on_devs in enumerate(param_arrays):
        name = param_names[idx]
        if not update_on_kvstore or arg_params[name].stype != "default":
            kvstore.init(name, arg_params[name])
        else:
            kvstore.broadcast(name, arg_params[name], out=param_on_devs)


def update_params_on_kvstore(param_arrays, grad_arrays, kvstore, param_names):
    """Push every gradient, let the store update, pull the weights back."""
    for index, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        name = param_names[index]
        if grad_list[0].stype == "default" and arg_list[0].stype == "default":
            kvstore.pushpull(name, grad_list, out=arg_list, priority=-index)
        else:
            kvstore.push(name, grad_list, priority=-index)
            kvstore.pull(name, out=arg_list, priority=-index)


def update_params(param_arrays, grad_arrays, updater, num_device, kvstore=None,
                  param_names=None):
    """Sum gradients through the store (if any), then update each context's weights.

    The updater sees index ``i * num_device + k`` for parameter ``i`` on context ``k``, so
    every context keeps its own optimizer state, as in MXNet.
    """
    updates = [[] for _ in range(num_device)]
    for index, (arg_list, grad_list) in enumerate(zip(param_arrays, grad_arrays)):
        if grad_list[0] is None:
            continue
        if kvstore:
            name = param_names[index]
            if grad_list[0].stype == "default" and arg_list[0].stype == "default":
                kvstore.pushpull(name, grad_list, priority=-index)
            else:
                kvstore.push(name, grad_list, priority=-index)
                kvstore.pull(name, out=grad_list, priority=-index)
        for k, (w, g) in enumerate(zip(arg_list, grad_list)):
            updates[k].append((index * num_device + k, g, w))
    for dev_updates in updates:
        if dev_updates:
            indices, grads, weights = zip(*dev_updates)
            updater(indices, grads, weights)
