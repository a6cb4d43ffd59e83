"""``mx.model``: checkpoints as MXNet writes them (spec ndarray.md 8.2).

``save_checkpoint`` writes ``<prefix>-symbol.json`` and ``<prefix>-<epoch:04d>.params``; the
params file is one ``mx.nd.save`` of a dict with ``arg:<name>`` keys, then ``aux:<name>`` keys.
"""
from __future__ import annotations

import logging
from collections import namedtuple

from . import ndarray as nd
from . import symbol as sym
from .context import cpu

__all__ = ["BatchEndParam", "save_checkpoint", "load_checkpoint", "load_params"]

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])
BatchEndParam.__doc__ = """What batch-end callbacks receive: ``epoch``, ``nbatch`` (0-based),
``eval_metric`` and ``locals`` (the caller's local variables).

>>> BatchEndParam(epoch=1, nbatch=5, eval_metric=None, locals={}).nbatch
5
"""


def _params_file(prefix, epoch) -> str:
    return "%s-%04d.params" % (prefix, epoch)


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Save a symbol and its parameters; logs ``Saved checkpoint to "<file>"`` at INFO.

    Parameters
    ----------
    prefix : str
        Path prefix of both files.
    epoch : int
        Epoch number, written as ``%04d`` in the params file name.
    symbol : Symbol or None
        The network (not written when None).
    arg_params, aux_params : dict of str to NDArray
        Saved as ``arg:<name>`` / ``aux:<name>``, copied to ``cpu()``.

    >>> import os, tempfile, symnb as mx
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> mx.model.save_checkpoint(prefix, 1, None, {'w': mx.nd.ones((2,))}, {})
    >>> sorted(mx.nd.load(prefix + '-0001.params'))
    ['arg:w']
    """
    if symbol is not None:
        symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
    save_dict = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
    param_name = _params_file(prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """Load ``(arg_params, aux_params)`` from ``<prefix>-<epoch:04d>.params``.

    Keys split at the first ``:``; ``arg``/``aux`` prefixes are kept, others dropped. An
    empty file logs ``Params file '<file>' is empty`` and gives two empty dicts.

    >>> import os, tempfile, symnb as mx
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> mx.nd.save(prefix + '-0002.params', {'aux:m': mx.nd.zeros((1,))})
    >>> mx.model.load_params(prefix, 2)[1]['m'].shape
    (1,)
    """
    fname = _params_file(prefix, epoch)
    save_dict = nd.load(fname)
    arg_params, aux_params = {}, {}
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return arg_params, aux_params
    if isinstance(save_dict, list):
        raise ValueError("Params file '%s' holds %d unnamed arrays; a checkpoint needs "
                         "'arg:<name>' / 'aux:<name>' keys" % (fname, len(save_dict)))
    for key, value in save_dict.items():
        kind, _, name = key.partition(":")
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """Load ``(symbol, arg_params, aux_params)`` written by :func:`save_checkpoint`.

    >>> import os, tempfile, symnb as mx
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    >>> mx.model.save_checkpoint(prefix, 3, net, {'fc_bias': mx.nd.zeros((2,))}, {})
    >>> s, args, auxs = mx.model.load_checkpoint(prefix, 3)
    >>> s.list_arguments(), list(args), auxs
    (['data', 'fc_weight', 'fc_bias'], ['fc_bias'], {})
    """
    symbol = sym.load("%s-symbol.json" % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params
