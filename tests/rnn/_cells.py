"""Cell graphs built the same way by ``record_cells.py`` (MXNet) and ``test_cells.py`` (symnb).

Each builder takes the ``mx`` module and returns ``(symbol, input shapes)``; names are made
inside a fresh ``NameManager`` by the caller. Needs only the ``mx`` it is given.
"""
from __future__ import annotations


def rnn_tanh_list(mx):
    cell = mx.rnn.RNNCell(4, prefix="rnn_")
    outs, _ = cell.unroll(3, mx.sym.var("data"), merge_outputs=False)
    return mx.sym.Group(outs), {"data": (2, 3, 5)}


def rnn_relu_merged(mx):
    cell = mx.rnn.RNNCell(4, activation="relu", prefix="r_")
    outs, states = cell.unroll(3, mx.sym.var("data"), merge_outputs=True)
    return mx.sym.Group([outs] + states), {"data": (2, 3, 5)}


def lstm_merged(mx):
    cell = mx.rnn.LSTMCell(3, prefix="lstm_", forget_bias=2.0)
    outs, states = cell.unroll(4, mx.sym.var("data"), layout="NTC", merge_outputs=True)
    return mx.sym.Group([outs] + states), {"data": (2, 4, 5)}


def gru_tnc(mx):
    cell = mx.rnn.GRUCell(3, prefix="gru_")
    outs, _ = cell.unroll(4, mx.sym.var("data"), layout="TNC", merge_outputs=True)
    return outs, {"data": (4, 2, 5)}


def stack_with_dropout(mx):
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(4, prefix="l0_"))
    stack.add(mx.rnn.DropoutCell(0.3, prefix="d0_"))
    stack.add(mx.rnn.LSTMCell(4, prefix="l1_"))
    outs, states = stack.unroll(3, mx.sym.var("data"), merge_outputs=True)
    return mx.sym.Group([outs] + states), {"data": (2, 3, 5)}


def bidirectional_merged(mx):
    bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(3, prefix="l_"), mx.rnn.GRUCell(3, prefix="r_"),
                                  output_prefix="bi_")
    outs, _ = bi.unroll(3, mx.sym.var("data"), merge_outputs=True)
    return outs, {"data": (2, 3, 4)}


def bidirectional_list(mx):
    bi = mx.rnn.BidirectionalCell(mx.rnn.RNNCell(2, prefix="l_"), mx.rnn.RNNCell(2, prefix="r_"))
    outs, _ = bi.unroll(3, mx.sym.var("data"), merge_outputs=False)
    return mx.sym.Group(outs), {"data": (2, 3, 4)}


def fused_lstm_bi(mx):
    cell = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True,
                               get_next_state=True, prefix="f_")
    outs, states = cell.unroll(4, mx.sym.var("data"), layout="TNC", merge_outputs=True)
    return mx.sym.Group([outs] + states), {"data": (4, 2, 5)}


def fused_gru_ntc(mx):
    cell = mx.rnn.FusedRNNCell(3, num_layers=1, mode="gru", prefix="fg_")
    outs, _ = cell.unroll(3, mx.sym.var("data"), layout="NTC", merge_outputs=False)
    return mx.sym.Group(outs), {"data": (2, 3, 4)}


def unfused_lstm(mx):
    cell = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True,
                               prefix="f_").unfuse()
    outs, _ = cell.unroll(3, mx.sym.var("data"), merge_outputs=True)
    return outs, {"data": (2, 3, 5)}


def residual_zoneout(mx):
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.ResidualCell(mx.rnn.GRUCell(4, prefix="g0_")))
    stack.add(mx.rnn.ZoneoutCell(mx.rnn.RNNCell(4, prefix="z_"), zoneout_outputs=0.2,
                                 zoneout_states=0.3))
    outs, _ = stack.unroll(3, mx.sym.var("data"), merge_outputs=True)
    return outs, {"data": (2, 3, 4)}


def variable_states(mx):
    cell = mx.rnn.LSTMCell(3, prefix="v_")
    states = cell.begin_state(func=mx.sym.Variable)
    outs, last = cell.unroll(2, mx.sym.var("data"), begin_state=states, merge_outputs=True)
    return mx.sym.Group([outs] + last), {"data": (2, 2, 4), "v_begin_state_0": (2, 3),
                                          "v_begin_state_1": (2, 3)}


def conv_cells(mx):
    outs = []
    for cls, prefix in ((mx.rnn.ConvRNNCell, "crnn_"), (mx.rnn.ConvLSTMCell, "clstm_"),
                        (mx.rnn.ConvGRUCell, "cgru_")):
        cell = cls(input_shape=(1, 2, 6, 6), num_hidden=3, prefix=prefix)
        out, _ = cell.unroll(2, mx.sym.var(prefix + "data"), merge_outputs=True)
        outs.append(out)
    return mx.sym.Group(outs), {p + "data": (2, 2, 2, 6, 6) for p in ("crnn_", "clstm_",
                                                                       "cgru_")}


BUILDERS = {f.__name__: f for f in (
    rnn_tanh_list, rnn_relu_merged, lstm_merged, gru_tnc, stack_with_dropout,
    bidirectional_merged, bidirectional_list, fused_lstm_bi, fused_gru_ntc, unfused_lstm,
    residual_zoneout, variable_states, conv_cells)}


def fill(shape, index):
    """Deterministic values in [-0.5, 0.5) for argument ``index`` (same bits everywhere)."""
    import numpy as np
    n = 1
    for s in shape:
        n *= s
    k = np.arange(n, dtype=np.float64)
    return (((k * 0.6180339887 + index * 0.4142135623) % 1.0) - 0.5).reshape(shape)
