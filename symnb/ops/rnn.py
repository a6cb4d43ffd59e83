"""The fused ``RNN`` operator: stacked, optionally bidirectional rnn_relu/rnn_tanh/LSTM/GRU.

Layout (MXNet's, time-major): ``data`` is ``(T, N, I)``, ``state``/``state_cell`` are
``(L * D, N, H)`` with row ``layer * D + direction``, and ``output`` is ``(T, N, D * H)``, the
forward direction's ``H`` columns first. ``parameters`` is one flat vector: every weight of
every layer and direction first, ``[Wx (G*H, I_l), Wh (G*H, H)]`` per (layer, direction),
then every bias, ``[bx (G*H), bh (G*H)]`` in the same order; ``G`` is the gate count (1, 4 for
LSTM's i, f, g, o, 3 for GRU's r, z, n) and ``I_l`` is ``I`` for layer 0, ``D * H`` above.

The equations are those of MXNet's CPU kernels (``rnn_impl.h``), GRU in cuDNN's form, where the
reset gate scales the recurrent half including its bias: ``n = tanh(Wx_n x + bx_n + r * (Wh_n
h + bh_n))``. Like MXNet on the CPU, ``sequence_length`` and the LSTM state clipping are
accepted and ignored, and ``projection_size`` (LSTMP) infers shapes but does not run.

One input GEMM per layer and direction covers every time step; the recurrence then needs one
``(N, H) x (H, G*H)`` GEMM per step, forward and backward alike, written into buffers
allocated once per call. A training forward keeps its gate activations for the backward, as
MXNet keeps them in a reserve space between the passes; a backward without one (after an
inference forward) recomputes the forward.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import NO_FP16_GEMM, shape_assign, type_assign

__all__ = ["RNN", "rnn_param_size", "RNNLayout"]

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def rnn_param_size(mode: str, num_layers: int, input_size: int, state_size: int,
                   directions: int, projection_size: int | None = None) -> int:
    """Length of the flat ``parameters`` vector (MXNet's ``GetRnnParamSize``).

    >>> rnn_param_size('lstm', 1, 6, 4, 1)
    192
    >>> rnn_param_size('lstm', 1, 6, 4, 1, projection_size=2)
    168
    """
    size = state_size * directions * _GATES[mode]
    rec = state_size if projection_size is None else projection_size
    first = (input_size + rec + 2) * size
    other = (rec * directions + rec + 2) * size
    total = first + (num_layers - 1) * other
    if projection_size is not None:
        total += projection_size * state_size * num_layers * directions
    return total


@dataclass(frozen=True, slots=True)
class RNNLayout:
    """Where each (layer, direction)'s weights and biases sit in the flat parameter vector.

    >>> lay = RNNLayout.of('gru', 1, 2, 5, 3)
    >>> lay.slices(0, 1)      # offsets and shapes of Wx, Wh, bx, bh of the reverse direction
    ((72, (9, 5)), (117, (9, 3)), (162, (9,)), (171, (9,)))
    """

    gates: int
    layers: int
    directions: int
    input_size: int
    state_size: int

    @classmethod
    def of(cls, mode, layers, directions, input_size, state_size):
        return cls(_GATES[mode], layers, directions, input_size, state_size)

    def slices(self, layer: int, direction: int):
        g, h, d = self.gates * self.state_size, self.state_size, self.directions
        w_offset = b_offset = 0
        for lay in range(self.layers):
            in_size = self.input_size if lay == 0 else d * h
            for dr in range(d):
                if (lay, dr) == (layer, direction):
                    wx = (w_offset, (g, in_size))
                    wh = (w_offset + g * in_size, (g, h))
                    index = lay * d + dr
                w_offset += g * (in_size + h)
        b_offset = w_offset + 2 * g * index
        return wx, wh, (b_offset, (g,)), (b_offset + g, (g,))

    def views(self, flat, layer: int, direction: int):
        """``(Wx, Wh, bx, bh)`` as views into ``flat`` (a gradient buffer works too)."""
        return tuple(flat[o:o + _prod(s)].reshape(s) for o, s in self.slices(layer, direction))


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _sigmoid_(xp, a):
    """``1 / (1 + exp(-a))``, in place."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1.0
    xp.reciprocal(a, out=a)
    return a


# ------------------------------------------------------------------- one layer, one direction
def _cell_forward(xp, mode, xw, wh, bh, h, c, keep):
    """Run one direction over ``xw = x @ Wx.T + bx`` (T, N, G*H) in the order of its rows.

    Returns the hidden states (T, N, H), the last ``h`` and ``c``, and, with ``keep``, what
    the backward needs: a dict of per-step arrays (``hs`` holds the initial state first).
    Every step writes into buffers allocated once (the step's gate rows) and the
    activations run in place.
    """
    steps, (n, H) = xw.shape[0], h.shape
    dtype = xw.dtype
    # the recurrent weight transposed once, C-contiguous, for the step GEMMs
    whT = xp.ascontiguousarray(wh.T)
    hs = xp.empty((steps + 1, n, H), dtype)
    hs[0] = h
    gates = xp.empty(xw.shape, dtype)
    cache = {"hs": hs, "gates": gates}
    if mode == "lstm":
        cs = xp.empty((steps + 1, n, H), dtype)
        cs[0] = c
        tcs = xp.empty((steps, n, H), dtype)
        cache.update(cs=cs, tcs=tcs)
        for t in range(steps):
            a = gates[t]
            xp.add(hs[t] @ whT, xw[t], out=a)
            _sigmoid_(xp, a[:, :2 * H])
            xp.tanh(a[:, 2 * H:3 * H], out=a[:, 2 * H:3 * H])
            _sigmoid_(xp, a[:, 3 * H:])
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc = tcs[t]
            xp.multiply(f, cs[t], out=cs[t + 1])
            xp.multiply(i, g, out=tc)
            cs[t + 1] += tc
            xp.tanh(cs[t + 1], out=tc)
            xp.multiply(o, tc, out=hs[t + 1])
        c = cs[steps]
    elif mode == "gru":
        hws = xp.empty(xw.shape, dtype)
        tmp = xp.empty((n, H), dtype)
        cache["hws"] = hws
        for t in range(steps):
            hw, a, x_part = hws[t], gates[t], xw[t]
            xp.add(hs[t] @ whT, bh, out=hw)
            rz = a[:, :2 * H]
            xp.add(x_part[:, :2 * H], hw[:, :2 * H], out=rz)
            _sigmoid_(xp, rz)
            r, z, nn = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
            xp.multiply(r, hw[:, 2 * H:], out=nn)
            nn += x_part[:, 2 * H:]
            xp.tanh(nn, out=nn)
            # h = (1 - z) * n + z * h
            xp.subtract(1.0, z, out=tmp)
            tmp *= nn
            xp.multiply(z, hs[t], out=hs[t + 1])
            hs[t + 1] += tmp
    else:
        # xw already holds both biases (the caller folds bh in)
        relu64 = mode == "rnn_relu" and dtype == xp.float64
        for t in range(steps):
            a = gates[t]
            xp.add(hs[t] @ whT, xw[t], out=a)
            if mode == "rnn_tanh":
                xp.tanh(a, out=hs[t + 1])
            elif relu64:
                # MXNet's CPU relu returns static_cast<float>(x): float64 states are rounded
                # to float32 at every step (rnn_impl.h)
                hs[t + 1] = xp.maximum(a, 0).astype(xp.float32)
            else:
                xp.maximum(a, 0, out=hs[t + 1])
    return hs[1:], hs[steps], c, (cache if keep else None)


def _cell_backward(xp, mode, wh, cache, dys, dh, dc):
    """Backward of :func:`_cell_forward`: ``dys`` (T, N, H) are the gradients of the hidden
    states in processing order, ``dh``/``dc`` those of the last state. Returns the gradients
    of ``xw`` (T, N, G*H) and of the recurrent pre-activations (for Wh and bh; the same
    array unless GRU), and of the initial ``h`` and ``c``."""
    hs, gates = cache["hs"], cache["gates"]
    steps, n, H = dys.shape
    dtype = dys.dtype
    dxw = xp.empty(gates.shape, dtype)
    dhw = xp.empty_like(dxw) if mode == "gru" else dxw
    dh = dh.copy()
    t1 = xp.empty((n, H), dtype)
    t2 = xp.empty((n, H), dtype)
    if mode == "lstm":
        dc = dc.copy()
        cs, tcs = cache["cs"], cache["tcs"]
    for t in range(steps - 1, -1, -1):
        dh += dys[t]
        if mode == "lstm":
            a = gates[t]
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc, da = tcs[t], dxw[t]
            # dc += dh * o * (1 - tc * tc)
            xp.multiply(tc, tc, out=t1)
            xp.subtract(1.0, t1, out=t1)
            xp.multiply(dh, o, out=t2)
            t2 *= t1
            dc += t2
            # di = dc * g * i * (1 - i)
            xp.subtract(1.0, i, out=t1)
            d = da[:, :H]
            xp.multiply(dc, g, out=d)
            d *= i
            d *= t1
            # df = dc * c_prev * f * (1 - f)
            xp.subtract(1.0, f, out=t1)
            d = da[:, H:2 * H]
            xp.multiply(dc, cs[t], out=d)
            d *= f
            d *= t1
            # dg = dc * i * (1 - g * g)
            xp.multiply(g, g, out=t1)
            xp.subtract(1.0, t1, out=t1)
            d = da[:, 2 * H:3 * H]
            xp.multiply(dc, i, out=d)
            d *= t1
            # do = dh * tc * o * (1 - o)
            xp.subtract(1.0, o, out=t1)
            d = da[:, 3 * H:]
            xp.multiply(dh, tc, out=d)
            d *= o
            d *= t1
            dc *= f
        elif mode == "gru":
            a = gates[t]
            r, z, nn = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
            hn = cache["hws"][t][:, 2 * H:]
            dx_t, da = dxw[t], dhw[t]
            # dn = dh * (1 - z) * (1 - n * n)
            dn = dx_t[:, 2 * H:]
            xp.subtract(1.0, z, out=t1)
            xp.multiply(dh, t1, out=dn)
            xp.multiply(nn, nn, out=t1)
            xp.subtract(1.0, t1, out=t1)
            dn *= t1
            # dr = dn * hn * r * (1 - r)
            dr = dx_t[:, :H]
            xp.multiply(dn, hn, out=dr)
            dr *= r
            xp.subtract(1.0, r, out=t1)
            dr *= t1
            # dz = dh * (h_prev - n) * z * (1 - z)
            dz = dx_t[:, H:2 * H]
            xp.subtract(hs[t], nn, out=t1)
            xp.multiply(dh, t1, out=dz)
            dz *= z
            xp.subtract(1.0, z, out=t1)
            dz *= t1
            da[:, :2 * H] = dx_t[:, :2 * H]
            xp.multiply(dn, r, out=da[:, 2 * H:])
            dh *= z                       # the direct path, added after the GEMM below
        else:
            da = dxw[t]
            if mode == "rnn_tanh":
                h = hs[t + 1]
                xp.multiply(h, h, out=t1)
                xp.subtract(1.0, t1, out=t1)
                xp.multiply(dh, t1, out=da)
            else:
                # MXNet's CPU kernel writes static_cast<float>(dh) here too
                src = dh.astype(xp.float32).astype(dh.dtype) if dh.dtype == xp.float64 else dh
                xp.multiply(src, gates[t] > 0, out=da)
        if mode == "gru":
            dh += da @ wh
        else:
            dh = da @ wh
    return dxw, dhw, dh, (dc if mode == "lstm" else None)


# ------------------------------------------------------------------------------- the operator
@register
class RNN(OpDef):
    """Applies recurrent layers to input data: vanilla RNN (ReLU or tanh), LSTM or GRU.

    ``data`` is time-major ``(sequence length, batch, input size)``; every weight and bias
    of every layer lives in the flat ``parameters`` vector (see the module docstring).

    >>> import symnb as mx
    >>> r = mx.sym.RNN(mx.sym.var('data'), state_size=4, num_layers=1, mode='lstm', name='r')
    >>> r.list_arguments()
    ['data', 'r_parameters', 'r_state', 'r_state_cell']
    >>> r.infer_shape(data=(5, 3, 6))[:2]
    ([(5, 3, 6), (192,), (1, 3, 4), (1, 3, 4)], [(5, 3, 4)])
    """

    backward_on_zero_grads = True   # MXNet's FGradient has no zero shortcut

    name = "RNN"
    refused_dtypes = NO_FP16_GEMM
    inputs = ("data", "parameters", "state", "state_cell", "sequence_length")
    roles = {"parameters": "weight"}
    family = "nn"
    params = (
        Param("state_size", "int (non-negative), required", "size of the state for each layer"),
        Param("num_layers", "int (non-negative), required", "number of stacked layers"),
        Param("bidirectional", "boolean, optional, default=0",
              "whether to use bidirectional recurrent layers"),
        Param("mode", "{'gru', 'lstm', 'rnn_relu', 'rnn_tanh'}, required",
              "the type of RNN to compute"),
        Param("p", "float, optional, default=0",
              "drop rate of the dropout on the outputs of each RNN layer, except the last "
              "layer.", lower=0, upper=1),
        Param("state_outputs", "boolean, optional, default=0",
              "Whether to have the states as symbol outputs."),
        Param("projection_size", "int or None, optional, default='None'", "size of project size"),
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

    def __init__(self):
        # what a training forward keeps for its backward (dropout masks between layers, the
        # gate activations), keyed by the output buffer (one per bound executor)
        self._saved: dict[int, tuple] = {}

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
        return ("output", "state_output", "statecell_output") if p.mode == "lstm" \
            else ("output", "state_output")

    def label(self, p, attrs):
        return "%s\n%d x %d%s" % (p.mode.upper() if p.mode != "gru" else "GRU", p.num_layers,
                                  p.state_size, " bi" if p.bidirectional else "")

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return                       # MXNet's rule infers forward only
        if len(data) != 3:
            raise InferError("Check failed: dshape.ndim() == 3U (%d vs. 3) : Input data should "
                             "be rank-3 tensor of dim [sequence length, batch size, input size]"
                             % len(data))
        seq, batch, in_size = data
        d = 2 if p.bidirectional else 1
        layer = p.projection_size if p.projection_size is not None else p.state_size
        total = d * p.num_layers
        shape_assign(ins, 2, (total, batch, layer))
        if p.mode == "lstm":
            shape_assign(ins, 3, (total, batch, p.state_size))
        shape_assign(ins, 1, (rnn_param_size(p.mode, p.num_layers, in_size, p.state_size, d,
                                             p.projection_size),))
        if p.use_sequence_length:
            shape_assign(ins, len(ins) - 1, (batch,))
        shape_assign(outs, 0, (seq, batch, d * layer))
        if p.state_outputs:
            shape_assign(outs, 1, (total, batch, layer))
            if p.mode == "lstm":
                shape_assign(outs, 2, (total, batch, p.state_size))

    def infer_type(self, p, ins, outs):
        dtype = ins[0]
        if dtype is None:
            raise InferError("Check failed: dtype != -1 (-1 vs. -1) : First input must have "
                             "specified type")
        names = self.input_names(p)
        for i in range(len(ins)):
            # sequence_length has its own (index) type; every other input matches the data
            if ins[i] is None or not (p.use_sequence_length and i == len(ins) - 1):
                type_assign(ins, i, dtype, names[i])
        for i in range(len(outs)):
            outs[i] = dtype

    # ---- execution ---------------------------------------------------------------------------
    def _run(self, p, ins, is_train, rt, keep, masks=None):
        """The whole stack; returns output, last states and, with ``keep``, the caches."""
        xp = rt.xp
        if p.projection_size is not None:
            raise NotImplementedError("RNN with projection_size (LSTMP) is not supported")
        x, flat, hx = ins[0], ins[1], ins[2]
        cx = ins[3] if p.mode == "lstm" else None
        d, H = (2 if p.bidirectional else 1), p.state_size
        steps, batch = x.shape[:2]
        layout = RNNLayout.of(p.mode, p.num_layers, d, x.shape[2], H)
        hy, cy, caches, inputs = [], [], [], []
        new_masks = []
        for layer in range(p.num_layers):
            inputs.append(x)
            y = xp.empty((steps, batch, d * H), x.dtype) if d > 1 else None
            x2 = x.reshape(-1, x.shape[2])
            for direction in range(d):
                wx, wh, bx, bh = layout.views(flat, layer, direction)
                idx = layer * d + direction
                # one GEMM over every step; both biases folded in but GRU's recurrent one,
                # which the reset gate scales
                xw = (x2 @ wx.T).reshape(steps, batch, -1)
                xw += bx
                if p.mode != "gru":
                    xw += bh
                if direction:
                    xw = xw[::-1]
                c0 = cx[idx] if cx is not None else None
                ys, h, c, cache = _cell_forward(xp, p.mode, xw, wh, bh, hx[idx], c0, keep)
                if d == 1:
                    y = ys
                else:
                    y[:, :, direction * H:(direction + 1) * H] = ys[::-1] if direction else ys
                hy.append(h)
                cy.append(c)
                caches.append(cache)
            x = y
            if is_train and p.p > 0 and layer < p.num_layers - 1:
                if masks is not None:
                    mask = masks[layer]
                else:
                    keep_prob = 1.0 - p.p
                    mask = (rt.random_uniform(0, 1, x.shape, x.dtype) >= p.p) / keep_prob
                    mask = mask.astype(x.dtype)
                new_masks.append(mask)
                x = x * mask
        return x, hy, cy, caches, inputs, new_masks

    def forward(self, p, ins, outs, is_train, rt):
        # a training forward keeps its gate activations for the backward (MXNet's reserve
        # space), keyed by the output buffer (one per bound executor) and dropped with it;
        # an inference forward keeps only the dropout masks of an earlier training one
        key = id(outs[0])
        y, hy, cy, caches, inputs, masks = self._run(p, ins, is_train, rt, keep=is_train)
        outs[0][...] = y
        if is_train:
            state = (masks, caches, inputs)
        else:
            stored = self._saved.get(key)
            state = (stored[1][0], None, None) if stored and stored[1][0] else None
        if state is None:
            self._saved.pop(key, None)
        else:
            self._saved[key] = (weakref.ref(outs[0], lambda _r, k=key: self._saved.pop(k, None))
                                if _weakrefable(outs[0]) else None, state)
        if p.state_outputs:
            outs[1][...] = rt.xp.stack(hy)
            if p.mode == "lstm":
                outs[2][...] = rt.xp.stack(cy)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        if reqs[0] == "add" and igrads[0] is not None and ins[0].dtype != xp.float32:
            # MXNet's native kernel (every dtype but float32, which runs oneDNN) refuses it
            from ..base import MXNetError
            raise MXNetError("MXNetError: Check failed: req[rnn_enum: :kData] != kAddTo (3 vs. "
                             "3) : AddTo is not supported for data")
        stored = self._saved.get(id(outs[0]))
        masks, caches, inputs = stored[1] if stored else (None, None, None)
        if caches is None:
            _, _, _, caches, inputs, masks = self._run(p, ins, is_train, rt, keep=True,
                                                       masks=masks or None)
        d, H = (2 if p.bidirectional else 1), p.state_size
        x0, flat = ins[0], ins[1]
        inputs = [x0] + list(inputs[1:])
        layout = RNNLayout.of(p.mode, p.num_layers, d, x0.shape[2], H)
        dflat = xp.zeros_like(flat)
        zeros = xp.zeros(ins[2].shape[1:], x0.dtype)
        dhy = ograds[1] if p.state_outputs and len(ograds) > 1 else None
        dcy = ograds[2] if p.state_outputs and p.mode == "lstm" and len(ograds) > 2 else None
        dhx = xp.zeros_like(ins[2])
        dcx = xp.zeros_like(ins[3]) if p.mode == "lstm" else None
        dy = ograds[0] if ograds[0] is not None else xp.zeros(outs[0].shape, x0.dtype)
        for layer in range(p.num_layers - 1, -1, -1):
            if masks and layer < p.num_layers - 1:
                dy = dy * masks[layer]
            x = inputs[layer]
            steps, batch, in_size = x.shape
            x2 = x.reshape(-1, in_size)
            dx = None
            for direction in range(d):
                idx = layer * d + direction
                wx, wh, bx, bh = layout.views(flat, layer, direction)
                gwx, gwh, gbx, gbh = layout.views(dflat, layer, direction)
                dys = dy[:, :, direction * H:(direction + 1) * H]
                if direction:
                    dys = dys[::-1]
                dh0 = dhy[idx] if dhy is not None else zeros
                dc0 = (dcy[idx] if dcy is not None else zeros) if p.mode == "lstm" else None
                cache = caches[idx]
                dxw, dhw, dh, dc = _cell_backward(xp, p.mode, wh, cache, dys, dh0, dc0)
                G = dxw.shape[2]
                # the recurrent sums run in processing order (no reversal needed)
                dhw2 = dhw.reshape(-1, G)
                gwh[...] = dhw2.T @ cache["hs"][:-1].reshape(-1, H)
                gbh[...] = dhw2.sum(axis=0)
                dxw_t = dxw[::-1] if direction else dxw
                dxw2 = dxw_t.reshape(-1, G)
                gwx[...] = dxw2.T @ x2
                gbx[...] = dhw2.sum(axis=0) if dhw is dxw else dxw2.sum(axis=0)
                part = (dxw2 @ wx).reshape(steps, batch, in_size)
                if dx is None:
                    dx = part
                else:
                    dx += part
                dhx[idx] = dh
                if dcx is not None:
                    dcx[idx] = dc
            dy = dx
        assign(igrads[0], dy, reqs[0])
        assign(igrads[1], dflat, reqs[1])
        assign(igrads[2], dhx, reqs[2])
        if p.mode == "lstm":
            assign(igrads[3], dcx, reqs[3])
        if p.use_sequence_length and igrads[-1] is not None and reqs[-1] == "write":
            igrads[-1][...] = 0          # MXNet's CPU kernel ignores sequence_length


def _weakrefable(a) -> bool:
    try:
        weakref.ref(a)
    except TypeError:
        return False
    return True
