"""Checkpoints of models built from cells: weights saved unpacked, per gate (MXNet's format)."""
from __future__ import annotations

import warnings

from ..model import load_checkpoint, save_checkpoint
from .rnn_cell import BaseRNNCell

__all__ = ["rnn_unroll", "save_rnn_checkpoint", "load_rnn_checkpoint", "do_rnn_checkpoint"]


def rnn_unroll(cell, length, inputs=None, begin_state=None, input_prefix="", layout="NTC"):
    """Deprecated: call ``cell.unroll`` (MXNet's function forwards ``input_prefix``, which
    ``unroll`` does not take, so it fails the same way here).

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always')
    ...     mx.rnn.rnn_unroll(mx.rnn.RNNCell(3), 2, mx.sym.var('x'))
    Traceback (most recent call last):
    ...
    TypeError: ...unroll() got an unexpected keyword argument 'input_prefix'
    >>> str(caught[0].message)
    'rnn_unroll is deprecated. Please call cell.unroll directly.'
    """
    warnings.warn("rnn_unroll is deprecated. Please call cell.unroll directly.")
    return cell.unroll(length=length, inputs=inputs, begin_state=begin_state,
                       input_prefix=input_prefix, layout=layout)


def _cells(cells):
    return [cells] if isinstance(cells, BaseRNNCell) else cells


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):
    """``mx.model.save_checkpoint`` with each cell's fused weights unpacked first.

    >>> import os, tempfile, symnb as mx
    >>> cell = mx.rnn.GRUCell(2, prefix='g_')
    >>> out, _ = cell.unroll(2, mx.sym.var('x'), merge_outputs=True)
    >>> args = {n: mx.nd.ones(s) for n, s in zip(out.list_arguments(),
    ...         out.infer_shape(x=(1, 2, 3))[0]) if n != 'x'}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     mx.rnn.save_rnn_checkpoint(cell, os.path.join(d, 'lm'), 1, out, args, {})
    ...     saved = mx.nd.load(os.path.join(d, 'lm-0001.params'))
    ...     files = sorted(os.listdir(d))
    >>> files, sorted(saved)[:2], saved['arg:g_h2h_o_weight'].shape
    (['lm-0001.params', 'lm-symbol.json'], ['arg:g_h2h_o_bias', 'arg:g_h2h_o_weight'], (2, 2))
    """
    for cell in _cells(cells):
        arg_params = cell.unpack_weights(arg_params)
    save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)


def load_rnn_checkpoint(cells, prefix, epoch):
    """``mx.model.load_checkpoint`` with each cell's weights packed again.

    >>> import os, tempfile, symnb as mx
    >>> cell = mx.rnn.GRUCell(2, prefix='g_')
    >>> out, _ = cell.unroll(1, mx.sym.var('x'), merge_outputs=True)
    >>> args = {n: a for n, a in out.simple_bind(mx.cpu(), x=(1, 1, 3)).arg_dict.items()
    ...         if n != 'x'}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     mx.rnn.save_rnn_checkpoint(cell, os.path.join(d, 'lm'), 1, out, args, {})
    ...     sym, arg, aux = mx.rnn.load_rnn_checkpoint(cell, os.path.join(d, 'lm'), 1)
    >>> sorted(arg), arg['g_i2h_weight'].shape, sym.list_outputs()
    (['g_h2h_bias', 'g_h2h_weight', 'g_i2h_bias', 'g_i2h_weight'], (6, 3), ['concat0_output'])
    """
    sym, arg, aux = load_checkpoint(prefix, epoch)
    for cell in _cells(cells):
        arg = cell.pack_weights(arg)
    return sym, arg, aux


def do_rnn_checkpoint(cells, prefix, period=1):
    """An epoch-end callback for ``Module.fit`` that saves with :func:`save_rnn_checkpoint`
    every ``period`` epochs.

    >>> import os, tempfile, symnb as mx
    >>> cell = mx.rnn.GRUCell(2, prefix='g_')
    >>> out, _ = cell.unroll(1, mx.sym.var('x'), merge_outputs=True)
    >>> args = {n: a for n, a in out.simple_bind(mx.cpu(), x=(1, 1, 3)).arg_dict.items()
    ...         if n != 'x'}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     callback = mx.rnn.do_rnn_checkpoint(cell, os.path.join(d, 'lm'), period=2)
    ...     for epoch in range(4):
    ...         callback(epoch, out, args, {})
    ...     print(sorted(os.listdir(d)))
    ['lm-0002.params', 'lm-0004.params', 'lm-symbol.json']
    """
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            save_rnn_checkpoint(cells, prefix, iter_no + 1, sym, arg, aux)
    return _callback
