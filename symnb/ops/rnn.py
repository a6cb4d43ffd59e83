"""The fused recurrent layer ``RNN``: rnn_relu, rnn_tanh, lstm and gru over ``num_layers``
layers, optionally bidirectional, with MXNet's flat parameter vector.

Layout (MXNet's, time-major): ``data`` (T, N, I); ``state`` (and ``state_cell`` for lstm)
(L * D, N, H); ``parameters`` holds every layer's and direction's ``W_i2h`` (G*H, in) and
``W_h2h`` (G*H, H) first, then all their ``b_i2h`` and ``b_h2h`` (G*H each), with gates in
MXNet's order (lstm: i, f, g, o; gru: r, z, n). The output is (T, N, D * H); with
``state_outputs`` also the final states. Backward is backpropagation through time over the
values cached by the forward's own recomputation.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import OpDef, assign, register
from ._rules import fully_known, uniform_type
from .shape import check, sassign

__all__ = ["rnn_param_size"]

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def rnn_param_size(mode, num_layers, input_size, state_size, bidirectional):
    """Length of MXNet's flat parameter vector.

    >>> rnn_param_size('lstm', 1, 3, 4, False)
    144
    """
    g, h, d = _GATES[mode], state_size, 2 if bidirectional else 1
    size = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else d * h
        size += d * (g * h * (width + h) + 2 * g * h)
    return size


def _slices(mode, num_layers, input_size, h, d):
    """Per (layer, direction): (W_i2h, W_h2h, b_i2h, b_h2h) as (offset, shape)."""
    g = _GATES[mode]
    weights, offset = [], 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else d * h
        for _ in range(d):
            wx = (offset, (g * h, width))
            offset += g * h * width
            wh = (offset, (g * h, h))
            offset += g * h * h
            weights.append([wx, wh])
    for entry in weights:
        entry.append((offset, (g * h,)))
        offset += g * h
        entry.append((offset, (g * h,)))
        offset += g * h
    return weights


def _sigmoid(xp, v):
    return 1 / (1 + xp.exp(-v))


def _run_direction(xp, mode, xs, h, c, wx, wh, bx, bh, reverse):
    """One layer, one direction: outputs (T, N, H), final h and c, and the step cache."""
    steps = range(xs.shape[0] - 1, -1, -1) if reverse else range(xs.shape[0])
    hs = xp.empty(xs.shape[:2] + (h.shape[-1],), dtype=xs.dtype)
    cache = []
    for t in steps:
        x = xs[t]
        gx = x @ wx.T + bx
        gh = h @ wh.T + bh
        if mode in ("rnn_tanh", "rnn_relu"):
            a = gx + gh
            h_new = xp.tanh(a) if mode == "rnn_tanh" else xp.maximum(a, 0)
            cache.append((t, x, h, a, h_new))
        elif mode == "lstm":
            i, f, g, o = xp.split(gx + gh, 4, axis=-1)
            i, f, o, g = _sigmoid(xp, i), _sigmoid(xp, f), _sigmoid(xp, o), xp.tanh(g)
            c_new = f * c + i * g
            tc = xp.tanh(c_new)
            h_new = o * tc
            cache.append((t, x, h, c, i, f, g, o, tc))
            c = c_new
        else:   # gru
            xr, xz, xn = xp.split(gx, 3, axis=-1)
            hr, hz, hn = xp.split(gh, 3, axis=-1)
            r, z = _sigmoid(xp, xr + hr), _sigmoid(xp, xz + hz)
            n = xp.tanh(xn + r * hn)
            h_new = (1 - z) * n + z * h
            cache.append((t, x, h, r, z, n, hn))
        hs[t] = h_new
        h = h_new
    return hs, h, c, cache


def _back_direction(xp, mode, dhs, dh, dc, wx, wh, cache, dx_seq, grads):
    """BPTT through one direction's cache; accumulates into ``dx_seq`` and ``grads``
    (dWx, dWh, dbx, dbh); returns the gradients of the initial h and c."""
    dwx, dwh, dbx, dbh = grads
    for entry in reversed(cache):
        t, x, h = entry[0], entry[1], entry[2]
        dh = dh + dhs[t]
        if mode in ("rnn_tanh", "rnn_relu"):
            a, h_new = entry[3], entry[4]
            da = dh * ((1 - h_new * h_new) if mode == "rnn_tanh" else (a > 0))
            dgx = dgh = da
        elif mode == "lstm":
            c, i, f, g, o, tc = entry[3:]
            do = dh * tc
            dc = dc + dh * o * (1 - tc * tc)
            di, df, dg = dc * g, dc * c, dc * i
            dc = dc * f
            dgx = dgh = xp.concatenate([di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g),
                                        do * o * (1 - o)], axis=-1)
        else:
            r, z, n, hn = entry[3:]
            dn = dh * (1 - z)
            dz = dh * (h - n)
            dan = dn * (1 - n * n)
            dar = dan * hn * r * (1 - r)
            daz = dz * z * (1 - z)
            dgx = xp.concatenate([dar, daz, dan], axis=-1)
            dgh = xp.concatenate([dar, daz, dan * r], axis=-1)
            dh_direct = dh * z
        dwx += dgx.T @ x
        dbx += dgx.sum(axis=0)
        dwh += dgh.T @ h
        dbh += dgh.sum(axis=0)
        dx_seq[t] += dgx @ wx
        dh = dgh @ wh + (dh_direct if mode == "gru" else 0)
    return dh, dc


@register
class RNN(OpDef):
    """Fused recurrent layers (rnn_relu, rnn_tanh, lstm, gru), MXNet's flat parameters.

    >>> import symnb as mx
    >>> r = mx.sym.RNN(mx.sym.var('data'), state_size=4, num_layers=1, mode='lstm', name='r')
    >>> r.list_arguments()
    ['data', 'r_parameters', 'r_state', 'r_state_cell']
    >>> r.infer_shape(data=(5, 2, 3))[0]
    [(5, 2, 3), (144,), (1, 2, 4), (1, 2, 4)]
    """

    name = "RNN"
    family = "rnn"
    inputs = ("data", "parameters", "state", "state_cell", "sequence_length")
    roles = {"parameters": "weight"}
    params = (
        Param("state_size", "int (non-negative), required", "size of the state for each layer"),
        Param("num_layers", "int (non-negative), required", "number of stacked layers"),
        Param("bidirectional", "boolean, optional, default=0", "whether to use bidirectional "
              "recurrent layers"),
        Param("mode", "{'gru', 'lstm', 'rnn_relu', 'rnn_tanh'}, required",
              "the type of RNN to compute"),
        Param("p", "float, optional, default=0", "drop rate of the dropout on the outputs of "
              "each RNN layer, except the last layer."),
        Param("state_outputs", "boolean, optional, default=0",
              "Whether to have the states as symbol outputs."),
        Param("projection_size", "int or None, optional, default='None'", "size of project "
              "size"),
        Param("lstm_state_clip_min", "double or None, optional, default=None",
              "Minimum clip value of LSTM states. This option must be used together with "
              "lstm_state_clip_max."),
        Param("lstm_state_clip_max", "double or None, optional, default=None",
              "Maximum clip value of LSTM states. This option must be used together with "
              "lstm_state_clip_min."),
        Param("lstm_state_clip_nan", "boolean, optional, default=0",
              "Whether to stop NaN from propagating in state by clipping it to min/max. If "
              "clipping range is not specified, this option is ignored."),
        Param("use_sequence_length", "boolean, optional, default=0",
              "If set to true, this layer takes in an extra input parameter `sequence_length` "
              "to specify variable length sequence"),
    )

    def input_names(self, p):
        names = ["data", "parameters", "state"]
        if p.mode == "lstm":
            names.append("state_cell")
        if p.use_sequence_length:
            names.append("sequence_length")
        return tuple(names)

    def output_names(self, p):
        if not p.state_outputs:
            return ("output",)
        return ("output", "state_output", "statecell_output") if p.mode == "lstm" else \
            ("output", "state_output")

    def label(self, p, attrs):
        return "RNN\n%s, %d" % (p.mode, p.state_size)

    def _dirs(self, p):
        return 2 if p.bidirectional else 1

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if not fully_known(data):
            return
        check(len(data) == 3, "dshape.ndim() == 3U (%d vs. 3) : Input data should be rank-3 "
              "tensor of dim [sequence length, batch size, input size]" % len(data))
        t, n, width = data
        d, h = self._dirs(p), p.state_size
        sassign(ins, 1, (rnn_param_size(p.mode, p.num_layers, width, h, p.bidirectional),))
        state = (p.num_layers * d, n, h)
        sassign(ins, 2, state)
        if p.mode == "lstm":
            sassign(ins, 3, state)
        if p.use_sequence_length:
            sassign(ins, len(ins) - 1, (n,))
        sassign(outs, 0, (t, n, d * h))
        for i in range(1, len(outs)):
            sassign(outs, i, state)

    def infer_type(self, p, ins, outs):
        if p.use_sequence_length:
            values = ins[:-1]
            uniform_type(values, outs)
            ins[:-1] = values
        else:
            uniform_type(ins, outs)

    def _check_runnable(self, p):
        if p.projection_size is not None or p.use_sequence_length:
            raise MXNetError("MXNetError: RNN with projection_size or use_sequence_length is "
                             "not supported by symnb's NumPy/CuPy kernel")

    def _weights(self, p, params, width):
        d, h = self._dirs(p), p.state_size
        out = []
        for entry in _slices(p.mode, p.num_layers, width, h, d):
            out.append([params[o:o + int(np.prod(s))].reshape(s) for o, s in entry])
        return out

    def _run(self, p, rt, ins, is_train):
        xp = rt.xp
        self._check_runnable(p)
        x = ins[0]
        d = self._dirs(p)
        weights = self._weights(p, ins[1], x.shape[2])
        h0 = ins[2]
        c0 = ins[3] if p.mode == "lstm" else xp.zeros_like(h0)
        layer_in, caches, finals, masks = x, [], [], []
        for layer in range(p.num_layers):
            outs = []
            for k in range(d):
                idx = layer * d + k
                wx, wh, bx, bh = weights[idx]
                hs, hT, cT, cache = _run_direction(xp, p.mode, layer_in, h0[idx], c0[idx],
                                                   wx, wh, bx, bh, reverse=k == 1)
                outs.append(hs)
                caches.append((layer_in, cache))
                finals.append((hT, cT))
            layer_out = xp.concatenate(outs, axis=-1) if d == 2 else outs[0]
            mask = None
            if is_train and p.p > 0 and layer < p.num_layers - 1:
                keep = 1 - p.p
                mask = (rt.random_uniform(0.0, 1.0, layer_out.shape, layer_out.dtype)
                        < keep).astype(layer_out.dtype) / layer_out.dtype.type(keep)
                layer_out = layer_out * mask
            masks.append(mask)
            layer_in = layer_out
        return layer_in, finals, caches, masks, weights

    def forward(self, p, ins, outs, is_train, rt):
        y, finals, _, _, _ = self._run(p, rt, ins, is_train)
        outs[0][...] = y
        for i, (hT, cT) in enumerate(finals):
            if len(outs) > 1:
                outs[1][i] = hT
            if len(outs) > 2:
                outs[2][i] = cT

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # the forward runs again for its caches (dropout masks are drawn anew: use p=0 to
        # check gradients); MXNet keeps a reserve space instead
        xp = rt.xp
        if reqs[0] == "add" and ins[0].dtype != np.float32:
            # MXNet's native kernel (every dtype but float32, which runs oneDNN) refuses it
            raise MXNetError("MXNetError: Check failed: req[rnn_enum: :kData] != kAddTo (3 vs. "
                             "3) : AddTo is not supported for data")
        y, finals, caches, masks, weights = self._run(p, rt, ins, is_train)
        d, h = self._dirs(p), p.state_size
        n_state = p.num_layers * d
        dy = xp.zeros_like(y) if ograds[0] is None else ograds[0]
        dhT = [ograds[1][i] if len(ograds) > 1 and ograds[1] is not None else 0
               for i in range(n_state)]
        dcT = [ograds[2][i] if len(ograds) > 2 and ograds[2] is not None else 0
               for i in range(n_state)]
        dparams = [[xp.zeros_like(w) for w in entry] for entry in weights]
        dh0 = xp.zeros_like(ins[2])
        dc0 = xp.zeros_like(ins[2])
        upper = dy
        for layer in range(p.num_layers - 1, -1, -1):
            if masks[layer] is not None:
                upper = upper * masks[layer]
            layer_in = caches[layer * d][0]
            dx_seq = xp.zeros_like(layer_in)
            for k in range(d):
                idx = layer * d + k
                wx, wh = weights[idx][0], weights[idx][1]
                dhs = upper[..., k * h:(k + 1) * h]
                dh, dc = _back_direction(xp, p.mode, dhs, dhT[idx] + xp.zeros_like(dhs[0]),
                                         dcT[idx] + xp.zeros_like(dhs[0]), wx, wh,
                                         caches[idx][1], dx_seq, dparams[idx])
                dh0[idx] = dh
                dc0[idx] = dc
            upper = dx_seq
        assign(igrads[0], upper, reqs[0])
        if igrads[1] is not None:
            flat = xp.zeros_like(ins[1])
            for entry, grads in zip(_slices(p.mode, p.num_layers, ins[0].shape[2], h, d),
                                    dparams, strict=True):
                for (o, s), g in zip(entry, grads, strict=True):
                    flat[o:o + int(np.prod(s))] = g.reshape(-1)
            assign(igrads[1], flat, reqs[1])
        assign(igrads[2], dh0, reqs[2])
        if p.mode == "lstm":
            assign(igrads[3], dc0, reqs[3])
