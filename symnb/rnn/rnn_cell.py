"""Recurrent cells that build symbols one time step at a time (MXNet 1.x ``mx.rnn``).

A cell owns its weights through an :class:`RNNParams` container (shared between cells to tie
weights) and a step counter that names each step's operators ``<prefix>t<step>_<part>``,
exactly as MXNet's cells do, so symbols, argument lists and checkpoints match MXNet's.
``unroll`` steps the cell over a sequence; modifier cells (dropout, zoneout, residual) wrap a
base cell, which may then only be used through its wrapper.
"""
from __future__ import annotations

import numbers
import warnings

from .. import initializer as init
from .. import ndarray, symbol

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell", "FusedRNNCell",
           "SequentialRNNCell", "DropoutCell", "ModifierCell", "ZoneoutCell", "ResidualCell",
           "BidirectionalCell", "BaseConvRNNCell", "ConvRNNCell", "ConvLSTMCell", "ConvGRUCell"]

_MODIFIED = ("After applying modifier cells (e.g. DropoutCell) the base cell cannot be called "
             "directly. Call the modifier cell instead.")


def _cells_state_info(cells):
    return [info for cell in cells for info in cell.state_info]


def _cells_begin_state(cells, **kwargs):
    return [state for cell in cells for state in cell.begin_state(**kwargs)]


def _cells_unpack_weights(cells, args):
    for cell in cells:
        args = cell.unpack_weights(args)
    return args


def _cells_pack_weights(cells, args):
    for cell in cells:
        args = cell.pack_weights(args)
    return args


def _normalize_sequence(length, inputs, layout, merge, in_layout=None):
    """Turn ``inputs`` into a list of per-step symbols (``merge=False``) or one symbol with a
    time axis (``merge=True``); ``None`` keeps what it is. Returns it and the time axis."""
    assert inputs is not None, ("unroll(inputs=None) has been deprecated. Please create input "
                                "variables outside unroll.")
    axis = layout.find("T")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    if isinstance(inputs, symbol.Symbol):
        if merge is False:
            assert len(inputs.list_outputs()) == 1, (
                "unroll doesn't allow grouped symbol as input. Please convert to list with "
                "list(inputs) first or let unroll handle splitting.")
            inputs = list(symbol.split(inputs, axis=in_axis, num_outputs=length,
                                       squeeze_axis=1))
    else:
        assert length is None or len(inputs) == length
        if merge is True:
            inputs = symbol.Concat(*[symbol.expand_dims(i, axis=axis) for i in inputs],
                                   dim=axis)
            in_axis = axis
    if isinstance(inputs, symbol.Symbol) and axis != in_axis:
        inputs = symbol.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis


class RNNParams:
    """A container of weight variables, shared between cells to tie their weights.

    >>> import symnb as mx
    >>> params = mx.rnn.RNNParams('enc_')
    >>> params.get('i2h_weight') is params.get('i2h_weight'), params.get('i2h_weight').name
    (True, 'enc_i2h_weight')
    """

    def __init__(self, prefix=""):
        self._prefix = prefix
        self._params = {}

    def get(self, name, **kwargs):
        """The variable ``prefix + name``, created (with ``kwargs`` for ``Variable``) on
        first use.

        >>> import symnb as mx
        >>> params = mx.rnn.RNNParams('enc_')
        >>> w = params.get('w', shape=(2, 3))
        >>> w.name, w.attr('__shape__'), params.get('w') is w
        ('enc_w', '(2, 3)', True)
        """
        name = self._prefix + name
        if name not in self._params:
            self._params[name] = symbol.Variable(name, **kwargs)
        return self._params[name]


class BaseRNNCell:
    """Abstract base class of the cells.

    Parameters
    ----------
    prefix : str
        Prefix of the names of the cell's operators, and of its weights when ``params`` is
        None.
    params : RNNParams, optional
        Container for weight sharing between cells; a new one when None.

    >>> import symnb as mx
    >>> cell = mx.rnn.RNNCell(3, prefix='r_')
    >>> out, states = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.name, sorted(cell.params._params)
    ('r_t0_out', ['r_h2h_bias', 'r_h2h_weight', 'r_i2h_bias', 'r_i2h_weight'])
    """

    def __init__(self, prefix="", params=None):
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self):
        """Reset the step counters before building another graph with the cell.

        >>> import symnb as mx
        >>> cell, x = mx.rnn.RNNCell(3, prefix='r_'), mx.sym.var('x')
        >>> cell(x, cell.begin_state())[0].name, cell(x, cell.begin_state())[0].name
        ('r_t0_out', 'r_t1_out')
        >>> cell.reset(); cell(x, cell.begin_state())[0].name
        'r_t0_out'
        """
        self._init_counter = -1
        self._counter = -1
        for cell in getattr(self, "_cells", ()):
            cell.reset()

    def __call__(self, inputs, states):
        """One time step: returns the step's output and the new states."""
        raise NotImplementedError()

    @property
    def params(self):
        """The cell's parameter container (reading it gives up owning it).

        Pass it to another cell to tie their weights:

        >>> import symnb as mx
        >>> cell = mx.rnn.RNNCell(3, prefix='r_')
        >>> tied = mx.rnn.RNNCell(3, prefix='t_', params=cell.params)
        >>> out, _ = tied(mx.sym.var('x'), tied.begin_state())
        >>> out.name, out.list_arguments()
        ('t_t0_out', ['x', 'r_i2h_weight', 'r_i2h_bias', 'r_h2h_weight', 'r_h2h_bias'])
        """
        self._own_params = False
        return self._params

    @property
    def state_info(self):
        """Shape and layout of each state (``{'shape': (0, H), '__layout__': 'NC'}``; 0 is the
        batch size, not known yet). Each cell class defines it.

        >>> import symnb as mx
        >>> mx.rnn.BaseRNNCell().state_info
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    @property
    def state_shape(self):
        """The shapes of the states.

        >>> import symnb as mx
        >>> mx.rnn.LSTMCell(4).state_shape
        [(0, 4), (0, 4)]
        """
        return [info["shape"] for info in self.state_info]

    @property
    def _gate_names(self):
        return ()

    def begin_state(self, func=symbol.zeros, **kwargs):
        """Initial states, named ``<prefix>begin_state_<i>``, made by ``func`` (``zeros`` by
        default; ``symbol.Variable`` to feed them as inputs).

        >>> import symnb as mx
        >>> [s.name for s in mx.rnn.LSTMCell(4, prefix='l_').begin_state()]
        ['l_begin_state_0', 'l_begin_state_1']
        """
        assert not self._modified, _MODIFIED
        states = []
        for info in self.state_info:
            self._init_counter += 1
            if info is not None:
                kwargs.update(info)
            states.append(func(name="%sbegin_state_%d" % (self._prefix, self._init_counter),
                               **kwargs))
        return states

    def unpack_weights(self, args):
        """Split each fused ``i2h``/``h2h`` weight and bias into one array per gate
        (``<prefix>i2h_i_weight``, ...); the reverse of :meth:`pack_weights`.

        >>> import symnb as mx
        >>> cell = mx.rnn.GRUCell(2, prefix='g_')
        >>> args = {n: mx.nd.zeros((6, 3) if 'weight' in n else (6,)) for n in
        ...         ['g_i2h_weight', 'g_i2h_bias', 'g_h2h_weight', 'g_h2h_bias']}
        >>> sorted(cell.unpack_weights(args))[:3]
        ['g_h2h_o_bias', 'g_h2h_o_weight', 'g_h2h_r_bias']
        """
        args = args.copy()
        if not self._gate_names:
            return args
        h = self._num_hidden
        for group in ("i2h", "h2h"):
            weight = args.pop("%s%s_weight" % (self._prefix, group))
            bias = args.pop("%s%s_bias" % (self._prefix, group))
            for j, gate in enumerate(self._gate_names):
                args["%s%s%s_weight" % (self._prefix, group, gate)] = \
                    weight[j * h:(j + 1) * h].copy()
                args["%s%s%s_bias" % (self._prefix, group, gate)] = bias[j * h:(j + 1) * h].copy()
        return args

    def pack_weights(self, args):
        """Concatenate per-gate weights and biases back into the fused ``i2h``/``h2h`` ones.

        >>> import symnb as mx
        >>> cell = mx.rnn.GRUCell(2, prefix='g_')
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in cell.params._params}
        >>> gates = cell.unpack_weights(args)
        >>> gates['g_i2h_r_weight'].shape, cell.pack_weights(gates)['g_i2h_weight'].shape
        ((2, 2), (6, 2))
        """
        args = args.copy()
        if not self._gate_names:
            return args
        for group in ("i2h", "h2h"):
            weights, biases = [], []
            for gate in self._gate_names:
                weights.append(args.pop("%s%s%s_weight" % (self._prefix, group, gate)))
                biases.append(args.pop("%s%s%s_bias" % (self._prefix, group, gate)))
            args["%s%s_weight" % (self._prefix, group)] = ndarray.concatenate(weights)
            args["%s%s_bias" % (self._prefix, group)] = ndarray.concatenate(biases)
        return args

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Step the cell ``length`` times over ``inputs``.

        ``inputs`` is one symbol with a time axis (``layout`` 'NTC' or 'TNC') or a list of
        per-step symbols. Returns the outputs (one symbol with ``merge_outputs=True``, a list
        with False, whichever is at hand with None) and the last states.

        >>> import symnb as mx
        >>> outs, states = mx.rnn.GRUCell(4, prefix='g_').unroll(3, mx.sym.var('x'))
        >>> [o.name for o in outs], len(states)
        (['g_t0_out', 'g_t1_out', 'g_t2_out'], 1)
        """
        self.reset()
        inputs, _ = _normalize_sequence(length, inputs, layout, False)
        states = self.begin_state() if begin_state is None else begin_state
        outputs = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, inputs, activation, **kwargs):
        if isinstance(activation, str):
            return symbol.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs, **kwargs)


class RNNCell(BaseRNNCell):
    """Elman cell: ``h' = act(W_i x + b_i + W_h h + b_h)``.

    Parameters
    ----------
    num_hidden : int
        Number of units in the output.
    activation : str or callable, default 'tanh'
        'relu', 'tanh', ... (an ``Activation`` act_type) or a function of a symbol.
    prefix : str, default ``'rnn_'``
    params : RNNParams, optional

    >>> import symnb as mx
    >>> cell = mx.rnn.RNNCell(5, activation='relu')
    >>> out, _ = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.infer_shape(x=(2, 3))[1]
    [(2, 5)]
    """

    def __init__(self, num_hidden, activation="tanh", prefix="rnn_", params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        """One state, the output: ``(batch, num_hidden)``, batch unknown (0).

        >>> import symnb as mx
        >>> mx.rnn.RNNCell(3).state_info
        [{'shape': (0, 3), '__layout__': 'NC'}]
        """
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self):
        return ("",)

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=self._num_hidden, name="%si2h" % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=self._num_hidden, name="%sh2h" % name)
        output = self._get_activation(i2h + h2h, self._activation, name="%sout" % name)
        return output, [output]


class LSTMCell(BaseRNNCell):
    """Long short-term memory cell, gates in MXNet's order i, f, c (the candidate), o.

    Parameters
    ----------
    num_hidden : int
    prefix : str, default ``'lstm_'``
    params : RNNParams, optional
    forget_bias : float, default 1.0
        Added to the forget gate's bias by its initializer (``init.LSTMBias``).

    >>> import symnb as mx
    >>> cell = mx.rnn.LSTMCell(4)
    >>> out, (h, c) = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.name, c.name
    ('lstm_t0_out', 'lstm_t0_state')
    """

    def __init__(self, num_hidden, prefix="lstm_", params=None, forget_bias=1.0):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._hW = self.params.get("h2h_weight")
        self._iB = self.params.get("i2h_bias", init=init.LSTMBias(forget_bias=forget_bias))
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        """Two states, the output ``h`` and the memory ``c``, each ``(batch, num_hidden)``.

        >>> import symnb as mx
        >>> mx.rnn.LSTMCell(4).state_info
        [{'shape': (0, 4), '__layout__': 'NC'}, {'shape': (0, 4), '__layout__': 'NC'}]
        """
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"},
                {"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self):
        return ["_i", "_f", "_c", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        hidden = self._num_hidden * 4
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=hidden, name="%si2h" % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=hidden, name="%sh2h" % name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name="%sslice" % name)
        in_gate = symbol.Activation(gates[0], act_type="sigmoid", name="%si" % name)
        forget_gate = symbol.Activation(gates[1], act_type="sigmoid", name="%sf" % name)
        in_transform = symbol.Activation(gates[2], act_type="tanh", name="%sc" % name)
        out_gate = symbol.Activation(gates[3], act_type="sigmoid", name="%so" % name)
        next_c = symbol._internal._plus(forget_gate * states[1], in_gate * in_transform,
                                        name="%sstate" % name)
        next_h = symbol._internal._mul(out_gate, symbol.Activation(next_c, act_type="tanh"),
                                       name="%sout" % name)
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """Gated recurrent unit in cuDNN's form (the reset gate scales ``W_h h + b_h``).

    Parameters
    ----------
    num_hidden : int
    prefix : str, default ``'gru_'``
    params : RNNParams, optional

    >>> import symnb as mx
    >>> cell = mx.rnn.GRUCell(3)
    >>> out, _ = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.name, out.infer_shape(x=(2, 5))[1]
    ('gru_t0_out', [(2, 3)])
    """

    def __init__(self, num_hidden, prefix="gru_", params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get("i2h_weight")
        self._iB = self.params.get("i2h_bias")
        self._hW = self.params.get("h2h_weight")
        self._hB = self.params.get("h2h_bias")

    @property
    def state_info(self):
        """One state, the output: ``(batch, num_hidden)``, batch unknown (0).

        >>> import symnb as mx
        >>> mx.rnn.GRUCell(5).state_info
        [{'shape': (0, 5), '__layout__': 'NC'}]
        """
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    @property
    def _gate_names(self):
        return ["_r", "_z", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        prev_h = states[0]
        hidden = self._num_hidden * 3
        # MXNet names these two "<prefix>t<i>__i2h" (a doubled underscore): kept for
        # identical argument names and checkpoints
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=hidden, name="%s_i2h" % name)
        h2h = symbol.FullyConnected(data=prev_h, weight=self._hW, bias=self._hB,
                                    num_hidden=hidden, name="%s_h2h" % name)
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name="%s_i2h_slice" % name)
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name="%s_h2h_slice" % name)
        reset_gate = symbol.Activation(i2h_r + h2h_r, act_type="sigmoid",
                                       name="%s_r_act" % name)
        update_gate = symbol.Activation(i2h_z + h2h_z, act_type="sigmoid",
                                        name="%s_z_act" % name)
        candidate = symbol.Activation(i2h + reset_gate * h2h, act_type="tanh",
                                      name="%s_h_act" % name)
        next_h = symbol._internal._plus((1. - update_gate) * candidate, update_gate * prev_h,
                                        name="%sout" % name)
        return next_h, [next_h]


class FusedRNNCell(BaseRNNCell):
    """All layers and time steps in one fused ``RNN`` operator.

    Parameters
    ----------
    num_hidden : int
    num_layers : int, default 1
    mode : {'rnn_relu', 'rnn_tanh', 'lstm', 'gru'}, default 'lstm'
    bidirectional : bool, default False
        Doubles the output size.
    dropout : float, default 0
        Dropout between layers while training.
    get_next_state : bool, default False
        Also return the last states (for the next sequence).
    forget_bias : float, default 1.0
    prefix : str, default ``'<mode>_'``
    params : RNNParams, optional

    >>> import symnb as mx
    >>> cell = mx.rnn.FusedRNNCell(4, num_layers=2, mode='gru', prefix='f_')
    >>> out, _ = cell.unroll(5, mx.sym.var('data'), layout='TNC', merge_outputs=True)
    >>> out.list_arguments(), out.infer_shape(data=(5, 2, 3))[1]
    (['data', 'f_parameters'], [(5, 2, 4)])
    """

    def __init__(self, num_hidden, num_layers=1, mode="lstm", bidirectional=False,
                 dropout=0., get_next_state=False, forget_bias=1.0, prefix=None, params=None):
        if prefix is None:
            prefix = "%s_" % mode
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ["l", "r"] if bidirectional else ["l"]
        initializer = init.FusedRNN(None, num_hidden, num_layers, mode, bidirectional,
                                    forget_bias)
        self._parameter = self.params.get("parameters", init=initializer)

    @property
    def state_info(self):
        """The ``RNN`` operator's states, ``(layers * directions, batch, num_hidden)``: the
        hidden state, and for 'lstm' the memory too.

        >>> import symnb as mx
        >>> mx.rnn.FusedRNNCell(4, num_layers=2, mode='lstm', bidirectional=True).state_info
        [{'shape': (4, 0, 4), '__layout__': 'LNC'}, {'shape': (4, 0, 4), '__layout__': 'LNC'}]
        """
        layers = (self._bidirectional + 1) * self._num_layers
        return [{"shape": (layers, 0, self._num_hidden), "__layout__": "LNC"}
                for _ in range((self._mode == "lstm") + 1)]

    @property
    def _gate_names(self):
        return {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
                "gru": ["_r", "_z", "_o"]}[self._mode]

    @property
    def _num_gates(self):
        return len(self._gate_names)

    def _slice_weights(self, arr, li, lh):
        """Views of the flat vector ``arr``, one per (direction, layer, gate) weight and bias,
        named ``<prefix><l|r><layer>_<i2h|h2h><gate>_<weight|bias>``; ``li`` is the input
        size, ``lh`` the hidden size (the RNN operator's layout)."""
        args, p = {}, 0
        b = len(self._directions)
        for layer in range(self._num_layers):
            for direction in self._directions:
                for gate in self._gate_names:
                    name = "%s%s%d_i2h%s_weight" % (self._prefix, direction, layer, gate)
                    shape = (lh, b * lh) if layer > 0 else (lh, li)
                    size = shape[0] * shape[1]
                    args[name] = arr[p:p + size].reshape(shape)
                    p += size
                for gate in self._gate_names:
                    name = "%s%s%d_h2h%s_weight" % (self._prefix, direction, layer, gate)
                    args[name] = arr[p:p + lh * lh].reshape((lh, lh))
                    p += lh * lh
        for layer in range(self._num_layers):
            for direction in self._directions:
                for group in ("i2h", "h2h"):
                    for gate in self._gate_names:
                        name = "%s%s%d_%s%s_bias" % (self._prefix, direction, layer, group, gate)
                        args[name] = arr[p:p + lh]
                        p += lh
        assert p == arr.size, "Invalid parameters size for FusedRNNCell"
        return args

    def unpack_weights(self, args):
        """Slice the flat ``<prefix>parameters`` vector into one weight and bias per
        direction, layer and gate (``<prefix>l0_i2h_weight``, ...); the input size is
        worked out from the vector's length.

        >>> import symnb as mx
        >>> cell = mx.rnn.FusedRNNCell(2, mode='rnn_tanh', prefix='f_')
        >>> args = cell.unpack_weights({'f_parameters': mx.nd.arange(14)})
        >>> {n: a.shape for n, a in args.items()}, args['f_l0_i2h_bias'].asnumpy()
        ({'f_l0_i2h_weight': (2, 3), 'f_l0_h2h_weight': (2, 2), 'f_l0_i2h_bias': (2,),
          'f_l0_h2h_bias': (2,)}, array([10., 11.], dtype=float32))
        """
        args = args.copy()
        arr = args.pop(self._parameter.name)
        b, m, h = len(self._directions), self._num_gates, self._num_hidden
        num_input = arr.size // b // h // m - (self._num_layers - 1) * (h + b * h + 2) - h - 2
        args.update({name: nd.copy() for name, nd in
                     self._slice_weights(arr, num_input, h).items()})
        return args

    def pack_weights(self, args):
        """Lay the per-gate weights and biases back into the flat ``<prefix>parameters``
        vector (the reverse of :meth:`unpack_weights`).

        >>> import symnb as mx
        >>> cell = mx.rnn.FusedRNNCell(2, mode='rnn_tanh', prefix='f_')
        >>> args = cell.unpack_weights({'f_parameters': mx.nd.arange(14)})
        >>> cell.pack_weights(args)['f_parameters'].asnumpy()
        array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],
              dtype=float32)
        """
        args = args.copy()
        b, m, h = self._bidirectional + 1, self._num_gates, self._num_hidden
        w0 = args["%sl0_i2h%s_weight" % (self._prefix, self._gate_names[0])]
        num_input = w0.shape[1]
        total = ((num_input + h + 2) * h * m * b
                 + (self._num_layers - 1) * m * h * (h + b * h + 2) * b)
        arr = ndarray.zeros((total,), ctx=w0.context, dtype=w0.dtype)
        for name, nd in self._slice_weights(arr, num_input, h).items():
            nd[:] = args.pop(name)
        args[self._parameter.name] = arr
        return args

    def __call__(self, inputs, states):
        raise NotImplementedError("FusedRNNCell cannot be stepped. Please use unroll")

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """One ``RNN`` node over the whole sequence (see :meth:`BaseRNNCell.unroll`); the
        states returned are its state outputs with ``get_next_state=True``, else ``[]``.

        >>> import symnb as mx
        >>> cell = mx.rnn.FusedRNNCell(4, mode='lstm', get_next_state=True, prefix='f_')
        >>> out, states = cell.unroll(3, mx.sym.var('x'), layout='TNC')
        >>> out.infer_shape(x=(3, 2, 5))[1], [s.list_outputs()[0] for s in states]
        ([(3, 2, 4)], ['f_rnn_state_output', 'f_rnn_statecell_output'])
        """
        self.reset()
        inputs, axis = _normalize_sequence(length, inputs, layout, True)
        if axis == 1:
            warnings.warn("NTC layout detected. Consider using TNC for FusedRNNCell for faster "
                          "speed")
            inputs = symbol.swapaxes(inputs, dim1=0, dim2=1)
        else:
            assert axis == 0, "Unsupported layout %s" % layout
        states = self.begin_state() if begin_state is None else begin_state
        states = ({"state": states[0], "state_cell": states[1]} if self._mode == "lstm"
                  else {"state": states[0]})
        rnn = symbol.RNN(data=inputs, parameters=self._parameter, state_size=self._num_hidden,
                         num_layers=self._num_layers, bidirectional=self._bidirectional,
                         p=self._dropout, state_outputs=self._get_next_state, mode=self._mode,
                         name=self._prefix + "rnn", **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        else:
            for state in list(rnn)[1:]:
                state._set_attr(__layout__="LNC")
            outputs, states = rnn[0], list(rnn)[1:]
        if axis == 1:
            outputs = symbol.swapaxes(outputs, dim1=0, dim2=1)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def unfuse(self):
        """The same network as a :class:`SequentialRNNCell` of stepping cells (named
        ``<prefix>l<layer>_``/``r<layer>_``), e.g. to step a fused model at inference.

        >>> import symnb as mx
        >>> stack = mx.rnn.FusedRNNCell(3, num_layers=2, mode='lstm', prefix='f_').unfuse()
        >>> [c._prefix for c in stack._cells]
        ['f_l0_', 'f_l1_']
        """
        def make(cell_prefix):
            if self._mode in ("rnn_relu", "rnn_tanh"):
                return RNNCell(self._num_hidden, activation=self._mode[4:], prefix=cell_prefix)
            cls = LSTMCell if self._mode == "lstm" else GRUCell
            return cls(self._num_hidden, prefix=cell_prefix)

        stack = SequentialRNNCell()
        for i in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(make("%sl%d_" % (self._prefix, i)),
                                            make("%sr%d_" % (self._prefix, i)),
                                            output_prefix="%sbi_l%d_" % (self._prefix, i)))
            else:
                stack.add(make("%sl%d_" % (self._prefix, i)))
            if self._dropout > 0 and i != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout, prefix="%s_dropout%d_" % (self._prefix, i)))
        return stack


class SequentialRNNCell(BaseRNNCell):
    """A stack of cells: each cell's output is the next one's input.

    >>> import symnb as mx
    >>> stack = mx.rnn.SequentialRNNCell()
    >>> stack.add(mx.rnn.LSTMCell(4, prefix='l0_')); stack.add(mx.rnn.LSTMCell(4, prefix='l1_'))
    >>> out, states = stack.unroll(2, mx.sym.var('x'), merge_outputs=True)
    >>> len(states), out.infer_shape(x=(3, 2, 5))[1]
    (4, [(3, 2, 4)])
    """

    def __init__(self, params=None):
        super().__init__(prefix="", params=params)
        self._override_cell_params = params is not None
        self._cells = []

    def add(self, cell):
        """Append ``cell`` to the stack (its weights join the stack's ``params``).

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.RNNCell(2, prefix='a_'))
        >>> sorted(stack.params._params)
        ['a_h2h_bias', 'a_h2h_weight', 'a_i2h_bias', 'a_i2h_weight']
        """
        self._cells.append(cell)
        if self._override_cell_params:
            assert cell._own_params, ("Either specify params for SequentialRNNCell or child "
                                      "cells, not both.")
            cell.params._params.update(self.params._params)
        self.params._params.update(cell.params._params)

    @property
    def state_info(self):
        """The states of every cell, in stack order.

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.GRUCell(2)); stack.add(mx.rnn.RNNCell(3))
        >>> stack.state_info
        [{'shape': (0, 2), '__layout__': 'NC'}, {'shape': (0, 3), '__layout__': 'NC'}]
        """
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):
        """The begin states of every cell, in stack order.

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.LSTMCell(2, prefix='l_')); stack.add(mx.rnn.GRUCell(2, prefix='g_'))
        >>> [s.name for s in stack.begin_state()]
        ['l_begin_state_0', 'l_begin_state_1', 'g_begin_state_0']
        """
        assert not self._modified, _MODIFIED
        return _cells_begin_state(self._cells, **kwargs)

    def unpack_weights(self, args):
        """Each cell's :meth:`~BaseRNNCell.unpack_weights`, in turn.

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.GRUCell(2, prefix='a_')); stack.add(mx.rnn.GRUCell(2, prefix='b_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in stack.params._params}
        >>> gates = stack.unpack_weights(args)
        >>> len(args), len(gates), gates['b_h2h_z_weight'].shape
        (8, 24, (2, 2))
        """
        return _cells_unpack_weights(self._cells, args)

    def pack_weights(self, args):
        """Each cell's :meth:`~BaseRNNCell.pack_weights`, in turn.

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.GRUCell(2, prefix='a_')); stack.add(mx.rnn.GRUCell(2, prefix='b_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in stack.params._params}
        >>> packed = stack.pack_weights(stack.unpack_weights(args))
        >>> sorted(packed) == sorted(args), packed['b_h2h_weight'].shape
        (True, (6, 2))
        """
        return _cells_pack_weights(self._cells, args)

    def __call__(self, inputs, states):
        self._counter += 1
        next_states, p = [], 0
        for cell in self._cells:
            assert not isinstance(cell, BidirectionalCell)
            n = len(cell.state_info)
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(state)
        return inputs, next_states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Unroll each cell over the previous one's outputs; returns the last cell's outputs
        and every cell's last states.

        >>> import symnb as mx
        >>> stack = mx.rnn.SequentialRNNCell()
        >>> stack.add(mx.rnn.GRUCell(3, prefix='g_')); stack.add(mx.rnn.RNNCell(2, prefix='r_'))
        >>> outs, states = stack.unroll(2, mx.sym.var('x'))
        >>> [o.name for o in outs], [s.name for s in states]
        (['r_t0_out', 'r_t1_out'], ['g_t1_out', 'r_t1_out'])
        """
        self.reset()
        begin_state = self.begin_state() if begin_state is None else begin_state
        p, next_states, last = 0, [], len(self._cells) - 1
        for i, cell in enumerate(self._cells):
            n = len(cell.state_info)
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=begin_state[p:p + n],
                                         layout=layout,
                                         merge_outputs=None if i < last else merge_outputs)
            p += n
            next_states.extend(states)
        return inputs, next_states


class DropoutCell(BaseRNNCell):
    """Dropout on the input (no state).

    Parameters
    ----------
    dropout : float
        Fraction of the elements dropped while training.
    prefix : str, default ``'dropout_'``
    params : RNNParams, optional

    >>> import symnb as mx
    >>> out, states = mx.rnn.DropoutCell(0.5)(mx.sym.var('x'), [])
    >>> out.list_arguments(), states
    (['x'], [])
    """

    def __init__(self, dropout, prefix="dropout_", params=None):
        super().__init__(prefix, params)
        assert isinstance(dropout, numbers.Number), "dropout probability must be a number"
        self.dropout = dropout

    @property
    def state_info(self):
        """No states.

        >>> import symnb as mx
        >>> mx.rnn.DropoutCell(0.5).state_info
        []
        """
        return []

    def __call__(self, inputs, states):
        if self.dropout > 0:
            inputs = symbol.Dropout(data=inputs, p=self.dropout)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """One ``Dropout`` over a merged sequence, or one per step over a list; no states.

        >>> import symnb as mx
        >>> cell = mx.rnn.DropoutCell(0.5)
        >>> cell.unroll(3, mx.sym.var('x'))
        (<Symbol dropout0>, [])
        >>> [o.name for o in cell.unroll(2, [mx.sym.var('a'), mx.sym.var('b')])[0]]
        ['dropout1', 'dropout2']
        """
        self.reset()
        inputs, _ = _normalize_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, symbol.Symbol):
            return self(inputs, [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs)


class ModifierCell(BaseRNNCell):
    """Base class of cells that wrap a base cell (which may then only be used through them).

    >>> import symnb as mx
    >>> base = mx.rnn.RNNCell(3, prefix='r_')
    >>> cell = mx.rnn.ResidualCell(base)
    >>> isinstance(cell, mx.rnn.ModifierCell), cell.base_cell is base
    (True, True)
    >>> base.begin_state()
    Traceback (most recent call last):
    ...
    AssertionError: After applying modifier cells (e.g. DropoutCell) the base cell cannot be ...
    """

    def __init__(self, base_cell):
        super().__init__()
        base_cell._modified = True
        self.base_cell = base_cell

    @property
    def params(self):
        """The base cell's parameter container.

        >>> import symnb as mx
        >>> cell = mx.rnn.ZoneoutCell(mx.rnn.RNNCell(3, prefix='r_'))
        >>> sorted(cell.params._params)
        ['r_h2h_bias', 'r_h2h_weight', 'r_i2h_bias', 'r_i2h_weight']
        """
        self._own_params = False
        return self.base_cell.params

    @property
    def state_info(self):
        """The base cell's states.

        >>> import symnb as mx
        >>> mx.rnn.ZoneoutCell(mx.rnn.LSTMCell(2)).state_info
        [{'shape': (0, 2), '__layout__': 'NC'}, {'shape': (0, 2), '__layout__': 'NC'}]
        """
        return self.base_cell.state_info

    def begin_state(self, init_sym=symbol.zeros, **kwargs):
        """The base cell's begin states, made by ``init_sym``.

        >>> import symnb as mx
        >>> cell = mx.rnn.ResidualCell(mx.rnn.LSTMCell(2, prefix='l_'))
        >>> [s.name for s in cell.begin_state(mx.sym.Variable)]
        ['l_begin_state_0', 'l_begin_state_1']
        """
        assert not self._modified, _MODIFIED
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(init_sym, **kwargs)
        finally:
            self.base_cell._modified = True

    def unpack_weights(self, args):
        """The base cell's :meth:`~BaseRNNCell.unpack_weights`.

        >>> import symnb as mx
        >>> cell = mx.rnn.ZoneoutCell(mx.rnn.GRUCell(2, prefix='g_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in cell.params._params}
        >>> sorted(n for n in cell.unpack_weights(args) if n.startswith('g_i2h'))
        ['g_i2h_o_bias', 'g_i2h_o_weight', 'g_i2h_r_bias', 'g_i2h_r_weight', 'g_i2h_z_bias',
         'g_i2h_z_weight']
        """
        return self.base_cell.unpack_weights(args)

    def pack_weights(self, args):
        """The base cell's :meth:`~BaseRNNCell.pack_weights`.

        >>> import symnb as mx
        >>> cell = mx.rnn.ZoneoutCell(mx.rnn.GRUCell(2, prefix='g_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in cell.params._params}
        >>> {n: a.shape for n, a in cell.pack_weights(cell.unpack_weights(args)).items()}
        {'g_i2h_weight': (6, 2), 'g_i2h_bias': (6,), 'g_h2h_weight': (6, 2), 'g_h2h_bias': (6,)}
        """
        return self.base_cell.pack_weights(args)

    def __call__(self, inputs, states):
        raise NotImplementedError


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al. 2016): while training, keep each output and state element's
    previous value with probability ``zoneout_outputs``/``zoneout_states``.

    >>> import symnb as mx
    >>> cell = mx.rnn.ZoneoutCell(mx.rnn.RNNCell(3, prefix='z_'), zoneout_states=0.5)
    >>> out, _ = cell.unroll(2, mx.sym.var('x'), merge_outputs=True)
    >>> out.infer_shape(x=(4, 2, 5))[1]
    [(4, 2, 3)]
    """

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        assert not isinstance(base_cell, FusedRNNCell), \
            "FusedRNNCell doesn't support zoneout. Please unfuse first."
        assert not isinstance(base_cell, BidirectionalCell), (
            "BidirectionalCell doesn't support zoneout since it doesn't support step. Please "
            "add ZoneoutCell to the cells underneath instead.")
        assert not (isinstance(base_cell, SequentialRNNCell)
                    and any(isinstance(c, BidirectionalCell) for c in base_cell._cells)), (
            "Bidirectional SequentialRNNCell doesn't support zoneout. Please add ZoneoutCell "
            "to the cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self.prev_output = None

    def reset(self):
        """Reset the step counters and forget the previous step's output.

        >>> import symnb as mx
        >>> cell = mx.rnn.ZoneoutCell(mx.rnn.RNNCell(3, prefix='z_'), zoneout_outputs=0.5)
        >>> out, _ = cell(mx.sym.var('x'), cell.begin_state())
        >>> cell.prev_output is out, (cell.reset(), cell.prev_output)[1]
        (True, None)
        """
        super().reset()
        self.prev_output = None

    def __call__(self, inputs, states):
        cell, p_outputs, p_states = self.base_cell, self.zoneout_outputs, self.zoneout_states
        next_output, next_states = cell(inputs, states)

        def mask(p, like):
            return symbol.Dropout(symbol.ones_like(like), p=p)

        prev_output = self.prev_output if self.prev_output is not None \
            else symbol.zeros((0, 0))
        output = (symbol.where(mask(p_outputs, next_output), next_output, prev_output)
                  if p_outputs != 0. else next_output)
        states = ([symbol.where(mask(p_states, new), new, old)
                   for new, old in zip(next_states, states)]
                  if p_states != 0. else next_states)
        self.prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (Wu et al. 2016).

    >>> import symnb as mx
    >>> cell = mx.rnn.ResidualCell(mx.rnn.GRUCell(5, prefix='g_'))
    >>> out, _ = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.name
    'g_t0_out_plus_residual'
    """

    def __call__(self, inputs, states):
        output, states = self.base_cell(inputs, states)
        output = symbol.elemwise_add(output, inputs, name="%s_plus_residual" % output.name)
        return output, states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Unroll the base cell, then add the inputs to its outputs.

        >>> import symnb as mx
        >>> cell = mx.rnn.ResidualCell(mx.rnn.GRUCell(5, prefix='g_'))
        >>> outs, _ = cell.unroll(2, mx.sym.var('x'))
        >>> [o.name for o in outs], outs[0].infer_shape(x=(3, 2, 5))[1]
        (['g_t0_out_plus_residual', 'g_t1_out_plus_residual'], [(3, 5)])
        """
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                    begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs)
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, symbol.Symbol)
        inputs, _ = _normalize_sequence(length, inputs, layout, merge_outputs)
        if merge_outputs:
            outputs = symbol.elemwise_add(outputs, inputs, name="%s_plus_residual" % outputs.name)
        else:
            outputs = [symbol.elemwise_add(o, i, name="%s_plus_residual" % o.name)
                       for o, i in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(BaseRNNCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time and concatenates their
    outputs (named ``<output_prefix>t<i>``, or ``<output_prefix>out`` when merged).

    >>> import symnb as mx
    >>> bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(3, prefix='l_'),
    ...                               mx.rnn.GRUCell(3, prefix='r_'))
    >>> outs, states = bi.unroll(2, mx.sym.var('x'))
    >>> [o.name for o in outs], outs[0].infer_shape(x=(4, 2, 5))[1]
    (['bi_t0', 'bi_t1'], [(4, 6)])
    """

    def __init__(self, l_cell, r_cell, params=None, output_prefix="bi_"):
        super().__init__("", params=params)
        self._output_prefix = output_prefix
        self._override_cell_params = params is not None
        if self._override_cell_params:
            assert l_cell._own_params and r_cell._own_params, \
                "Either specify params for BidirectionalCell or child cells, not both."
            l_cell.params._params.update(self.params._params)
            r_cell.params._params.update(self.params._params)
        self.params._params.update(l_cell.params._params)
        self.params._params.update(r_cell.params._params)
        self._cells = [l_cell, r_cell]

    def unpack_weights(self, args):
        """The left cell's, then the right cell's :meth:`~BaseRNNCell.unpack_weights`.

        >>> import symnb as mx
        >>> bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(2, prefix='l_'),
        ...                               mx.rnn.GRUCell(2, prefix='r_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in bi.params._params}
        >>> sorted(n for n in bi.unpack_weights(args) if n.endswith('i2h_r_weight'))
        ['l_i2h_r_weight', 'r_i2h_r_weight']
        """
        return _cells_unpack_weights(self._cells, args)

    def pack_weights(self, args):
        """The left cell's, then the right cell's :meth:`~BaseRNNCell.pack_weights`.

        >>> import symnb as mx
        >>> bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(2, prefix='l_'),
        ...                               mx.rnn.GRUCell(2, prefix='r_'))
        >>> args = {n: mx.nd.zeros((6, 2) if 'weight' in n else (6,)) for n in bi.params._params}
        >>> sorted(bi.pack_weights(bi.unpack_weights(args)))
        ['l_h2h_bias', 'l_h2h_weight', 'l_i2h_bias', 'l_i2h_weight',
         'r_h2h_bias', 'r_h2h_weight', 'r_i2h_bias', 'r_i2h_weight']
        """
        return _cells_pack_weights(self._cells, args)

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    @property
    def state_info(self):
        """The left cell's states, then the right cell's.

        >>> import symnb as mx
        >>> mx.rnn.BidirectionalCell(mx.rnn.GRUCell(2), mx.rnn.RNNCell(3)).state_info
        [{'shape': (0, 2), '__layout__': 'NC'}, {'shape': (0, 3), '__layout__': 'NC'}]
        """
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):
        """The left cell's begin states, then the right cell's.

        >>> import symnb as mx
        >>> bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(3, prefix='l_'),
        ...                               mx.rnn.LSTMCell(3, prefix='r_'))
        >>> [s.name for s in bi.begin_state()]
        ['l_begin_state_0', 'r_begin_state_0', 'r_begin_state_1']
        """
        assert not self._modified, _MODIFIED
        return _cells_begin_state(self._cells, **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Unroll ``l_cell`` forward and ``r_cell`` over the reversed inputs, and concatenate
        their outputs step by step; the states are ``[l_states, r_states]``.

        >>> import symnb as mx
        >>> bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(3, prefix='l_'),
        ...                               mx.rnn.LSTMCell(3, prefix='r_'))
        >>> out, states = bi.unroll(2, mx.sym.var('x'), merge_outputs=True)
        >>> out.name, out.infer_shape(x=(4, 2, 5))[1], [[s.name for s in st] for st in states]
        ('bi_out', [(4, 2, 6)], [['l_t1_out'], ['r_t1_out', 'r_t1_state']])
        """
        self.reset()
        inputs, axis = _normalize_sequence(length, inputs, layout, False)
        states = self.begin_state() if begin_state is None else begin_state
        l_cell, r_cell = self._cells
        n_left = len(l_cell.state_info)
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:n_left],
                                            layout=layout, merge_outputs=merge_outputs)
        r_outputs, r_states = r_cell.unroll(length, inputs=list(reversed(inputs)),
                                            begin_state=states[n_left:], layout=layout,
                                            merge_outputs=merge_outputs)
        if merge_outputs is None:
            merge_outputs = (isinstance(l_outputs, symbol.Symbol)
                             and isinstance(r_outputs, symbol.Symbol))
            if not merge_outputs:
                if isinstance(l_outputs, symbol.Symbol):
                    l_outputs = list(symbol.SliceChannel(l_outputs, axis=axis,
                                                         num_outputs=length, squeeze_axis=1))
                if isinstance(r_outputs, symbol.Symbol):
                    r_outputs = list(symbol.SliceChannel(r_outputs, axis=axis,
                                                         num_outputs=length, squeeze_axis=1))
        if merge_outputs:
            l_outputs = [l_outputs]
            r_outputs = [symbol.reverse(r_outputs, axis=axis)]
        else:
            r_outputs = list(reversed(r_outputs))
        outputs = [symbol.Concat(l_o, r_o, dim=1 + merge_outputs,
                                 name=("%sout" % self._output_prefix if merge_outputs
                                       else "%st%d" % (self._output_prefix, i)))
                   for i, (l_o, r_o) in enumerate(zip(l_outputs, r_outputs))]
        if merge_outputs:
            outputs = outputs[0]
        return outputs, [l_states, r_states]


def _leaky(inputs, **kwargs):
    return symbol.LeakyReLU(inputs, act_type="leaky", slope=0.2, **kwargs)


class BaseConvRNNCell(BaseRNNCell):
    """Base class of the convolutional cells: ``i2h`` and ``h2h`` are Convolutions (``h2h``
    keeps the spatial size: odd kernels, "same" padding) instead of FullyConnected layers.

    ``input_shape`` is one step's input shape (with any batch size); the states take the
    ``i2h`` convolution's output shape, batch unknown.

    >>> import symnb as mx
    >>> cell = mx.rnn.ConvRNNCell(input_shape=(1, 3, 8, 8), num_hidden=4, i2h_pad=(0, 0))
    >>> isinstance(cell, mx.rnn.BaseConvRNNCell), cell.state_shape
    (True, [(0, 4, 6, 6)])
    """

    def __init__(self, input_shape, num_hidden, h2h_kernel, h2h_dilate, i2h_kernel, i2h_stride,
                 i2h_pad, i2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, activation, prefix="",
                 params=None, conv_layout="NCHW"):
        super().__init__(prefix=prefix, params=params)
        assert h2h_kernel[0] % 2 == 1 and h2h_kernel[1] % 2 == 1, \
            "Only support odd number, get h2h_kernel= %s" % str(h2h_kernel)
        self._h2h_kernel = h2h_kernel
        self._h2h_pad = (h2h_dilate[0] * (h2h_kernel[0] - 1) // 2,
                         h2h_dilate[1] * (h2h_kernel[1] - 1) // 2)
        self._h2h_dilate = h2h_dilate
        self._i2h_kernel = i2h_kernel
        self._i2h_stride = i2h_stride
        self._i2h_pad = i2h_pad
        self._i2h_dilate = i2h_dilate
        self._num_hidden = num_hidden
        self._input_shape = input_shape
        self._conv_layout = conv_layout
        self._activation = activation
        probe = symbol.Convolution(data=symbol.Variable("data"), num_filter=num_hidden,
                                   kernel=i2h_kernel, stride=i2h_stride, pad=i2h_pad,
                                   dilate=i2h_dilate, layout=conv_layout)
        self._state_shape = (0,) + tuple(probe.infer_shape(data=input_shape)[1][0][1:])
        self._iW = self.params.get("i2h_weight", init=i2h_weight_initializer)
        self._hW = self.params.get("h2h_weight", init=h2h_weight_initializer)
        self._iB = self.params.get("i2h_bias", init=i2h_bias_initializer)
        self._hB = self.params.get("h2h_bias", init=h2h_bias_initializer)

    @property
    def _num_gates(self):
        return len(self._gate_names)

    @property
    def state_info(self):
        """One state (Elman, GRU) or two (LSTM), shaped as the ``i2h`` convolution's output.

        >>> import symnb as mx
        >>> mx.rnn.ConvLSTMCell(input_shape=(1, 3, 8, 8), num_hidden=4).state_info
        [{'shape': (0, 4, 8, 8), '__layout__': 'NCHW'},
         {'shape': (0, 4, 8, 8), '__layout__': 'NCHW'}]
        """
        return [{"shape": self._state_shape, "__layout__": self._conv_layout}
                for _ in range(self._num_states)]

    _num_states = 2

    def _conv_forward(self, inputs, states, name):
        filters = self._num_hidden * self._num_gates
        i2h = symbol.Convolution(name="%si2h" % name, data=inputs, num_filter=filters,
                                 kernel=self._i2h_kernel, stride=self._i2h_stride,
                                 pad=self._i2h_pad, dilate=self._i2h_dilate, weight=self._iW,
                                 bias=self._iB, layout=self._conv_layout)
        h2h = symbol.Convolution(name="%sh2h" % name, data=states[0], num_filter=filters,
                                 kernel=self._h2h_kernel, dilate=self._h2h_dilate,
                                 pad=self._h2h_pad, stride=(1, 1), weight=self._hW,
                                 bias=self._hB, layout=self._conv_layout)
        return i2h, h2h

    def __call__(self, inputs, states):
        raise NotImplementedError("BaseConvRNNCell is abstract class for convolutional RNN")


_CONV_DEFAULTS = dict(h2h_kernel=(3, 3), h2h_dilate=(1, 1), i2h_kernel=(3, 3),
                      i2h_stride=(1, 1), i2h_pad=(1, 1), i2h_dilate=(1, 1),
                      i2h_weight_initializer=None, h2h_weight_initializer=None,
                      i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                      activation=_leaky, params=None, conv_layout="NCHW")


class ConvRNNCell(BaseConvRNNCell):
    """Convolutional Elman cell (default activation: leaky ReLU, slope 0.2).

    >>> import symnb as mx
    >>> cell = mx.rnn.ConvRNNCell(input_shape=(1, 3, 8, 8), num_hidden=4)
    >>> out, _ = cell.unroll(2, mx.sym.var('data'), merge_outputs=True)
    >>> out.infer_shape(data=(2, 2, 3, 8, 8))[1]
    [(2, 2, 4, 8, 8)]
    """

    _num_states = 1

    def __init__(self, input_shape, num_hidden, prefix="ConvRNN_", **kwargs):
        super().__init__(input_shape, num_hidden, prefix=prefix,
                         **{**_CONV_DEFAULTS, **kwargs})

    @property
    def _gate_names(self):
        return ("",)

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        output = self._get_activation(i2h + h2h, self._activation, name="%sout" % name)
        return output, [output]


class ConvLSTMCell(BaseConvRNNCell):
    """Convolutional LSTM (Shi et al. 2015); gates i, f, c, o along the channel axis.

    >>> import symnb as mx
    >>> cell = mx.rnn.ConvLSTMCell(input_shape=(1, 3, 8, 8), num_hidden=4)
    >>> out, states = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.name, states[1].name
    ('ConvLSTM_t0_out', 'ConvLSTM_t0_state')
    """

    def __init__(self, input_shape, num_hidden, prefix="ConvLSTM_", **kwargs):
        super().__init__(input_shape, num_hidden, prefix=prefix,
                         **{**_CONV_DEFAULTS, **kwargs})

    @property
    def _gate_names(self):
        return ["_i", "_f", "_c", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4,
                                    axis=self._conv_layout.find("C"), name="%sslice" % name)
        in_gate = symbol.Activation(gates[0], act_type="sigmoid", name="%si" % name)
        forget_gate = symbol.Activation(gates[1], act_type="sigmoid", name="%sf" % name)
        in_transform = self._get_activation(gates[2], self._activation, name="%sc" % name)
        out_gate = symbol.Activation(gates[3], act_type="sigmoid", name="%so" % name)
        next_c = symbol._internal._plus(forget_gate * states[1], in_gate * in_transform,
                                        name="%sstate" % name)
        next_h = symbol._internal._mul(out_gate, self._get_activation(next_c, self._activation),
                                       name="%sout" % name)
        return next_h, [next_h, next_c]


class ConvGRUCell(BaseConvRNNCell):
    """Convolutional GRU; gates r, z and the candidate along the channel axis.

    >>> import symnb as mx
    >>> cell = mx.rnn.ConvGRUCell(input_shape=(1, 3, 8, 8), num_hidden=4)
    >>> out, _ = cell(mx.sym.var('x'), cell.begin_state())
    >>> out.infer_shape(x=(2, 3, 8, 8))[1]
    [(2, 4, 8, 8)]
    """

    _num_states = 1

    def __init__(self, input_shape, num_hidden, prefix="ConvGRU_", **kwargs):
        super().__init__(input_shape, num_hidden, prefix=prefix,
                         **{**_CONV_DEFAULTS, **kwargs})

    @property
    def _gate_names(self):
        return ["_r", "_z", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name="%s_i2h_slice" % name)
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name="%s_h2h_slice" % name)
        reset_gate = symbol.Activation(i2h_r + h2h_r, act_type="sigmoid",
                                       name="%s_r_act" % name)
        update_gate = symbol.Activation(i2h_z + h2h_z, act_type="sigmoid",
                                        name="%s_z_act" % name)
        candidate = self._get_activation(i2h + reset_gate * h2h, self._activation,
                                         name="%s_h_act" % name)
        next_h = symbol._internal._plus((1. - update_gate) * candidate, update_gate * states[0],
                                        name="%sout" % name)
        return next_h, [next_h]
