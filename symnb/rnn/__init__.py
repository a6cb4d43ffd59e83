"""``mx.rnn``: MXNet 1.x's symbolic recurrent cells, their unrolling, and their data iterator.

Cells build ordinary symbols step by step (``FullyConnected`` + ``SliceChannel`` +
``Activation`` per time step, named ``<prefix>t<step>_...`` as MXNet names them), or one fused
``RNN`` operator (:class:`FusedRNNCell`); ``unpack_weights``/``pack_weights`` convert between
the fused parameter vector and per-gate matrices, so checkpoints move between the two.

>>> import symnb as mx
>>> cell = mx.rnn.LSTMCell(num_hidden=4, prefix='lstm_')
>>> outputs, states = cell.unroll(3, mx.sym.var('data'), layout='NTC', merge_outputs=True)
>>> outputs.infer_shape(data=(2, 3, 5))[1]
[(2, 3, 4)]
"""
from .io import BucketSentenceIter, encode_sentences
from .rnn import do_rnn_checkpoint, load_rnn_checkpoint, rnn_unroll, save_rnn_checkpoint
from .rnn_cell import (
    BaseConvRNNCell,
    BaseRNNCell,
    BidirectionalCell,
    ConvGRUCell,
    ConvLSTMCell,
    ConvRNNCell,
    DropoutCell,
    FusedRNNCell,
    GRUCell,
    LSTMCell,
    ModifierCell,
    ResidualCell,
    RNNCell,
    RNNParams,
    SequentialRNNCell,
    ZoneoutCell,
)

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell", "FusedRNNCell",
           "SequentialRNNCell", "DropoutCell", "ModifierCell", "ZoneoutCell", "ResidualCell",
           "BidirectionalCell", "BaseConvRNNCell", "ConvRNNCell", "ConvLSTMCell", "ConvGRUCell",
           "encode_sentences", "BucketSentenceIter", "rnn_unroll",
           "save_rnn_checkpoint", "load_rnn_checkpoint", "do_rnn_checkpoint"]
