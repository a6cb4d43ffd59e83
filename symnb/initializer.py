"""``mx.init`` / ``mx.initializer``: parameter initializers with MXNet's JSON form.

An initializer is called as ``init(name_or_desc, arr)`` and fills ``arr`` in place. Which
rule applies follows MXNet: an ``__init__`` attribute on the variable (an initializer's
``dumps()`` JSON) wins; otherwise the name's suffix decides (``weight`` -> the initializer's
weight rule, ``bias``/``beta``/``moving_mean`` -> 0, ``gamma``/``moving_var`` -> 1).
"""
from __future__ import annotations

import json
import logging
import re
import warnings

import numpy as np

from ._checks import mx_assert
from .ndarray import NDArray
from .ndarray import load as _load
from .ndarray import random as _random

__all__ = ["InitDesc", "Initializer", "Zero", "One", "Constant", "Uniform", "Normal", "Xavier",
           "MSRAPrelu", "Orthogonal", "Bilinear", "LSTMBias", "FusedRNN", "Load", "Mixed",
           "register", "alias", "create"]

_REGISTRY: dict[str, type] = {}
_LOG = logging.getLogger(__name__)


def register(klass):
    """Register an initializer class under its lower-case name (used by :func:`create`).

    >>> register(Zero) is Zero
    True
    """
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases):
    """A class decorator registering an initializer under extra names (``'zeros'``).

    >>> create('zeros').dumps()
    '["zero", {}]'
    """
    def reg(klass):
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass
    return reg


def create(spec, **kwargs):
    """An initializer from an instance, a registered name or ``dumps()`` JSON.

    >>> create('["uniform", {"scale": 0.5}]').scale
    0.5
    >>> create('normal', sigma=2.0).sigma
    2.0
    """
    if isinstance(spec, Initializer):
        return spec
    if not isinstance(spec, str):
        raise TypeError("an initializer spec must be an Initializer, a name or its dumps() "
                        "JSON, got %s" % type(spec).__name__)
    name = spec
    if spec.startswith("["):
        try:
            parsed = json.loads(spec)
        except ValueError as e:
            raise ValueError("Invalid initializer spec %r: not JSON (%s); expected "
                             "'[\"<name>\", {<kwargs>}]'" % (spec, e)) from None
        if not (isinstance(parsed, list) and len(parsed) == 2 and isinstance(parsed[0], str)
                and isinstance(parsed[1], dict)):
            raise ValueError("Invalid initializer spec %r: expected '[\"<name>\", {<kwargs>}]'"
                             % spec)
        name, kwargs = parsed
    klass = _REGISTRY.get(name.lower())
    if klass is None:
        raise ValueError("Unknown initializer %r; registered: %s"
                         % (name, ", ".join(sorted(_REGISTRY))))
    try:
        return klass(**kwargs)
    except TypeError as e:
        raise TypeError("Invalid initializer spec %r: %s" % (spec, e)) from None


class InitDesc(str):
    """A parameter name with its variable attributes (``__init__`` selects an initializer).

    >>> d = InitDesc('fc1_weight', attrs={'__init__': '["zero", {}]'}); d, d.attrs['__init__']
    ('fc1_weight', '["zero", {}]')
    """

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


# name suffix -> rule, in MXNet's order. An InitDesc (what Module passes) knows only these;
# a plain string takes MXNet's deprecated legacy path, which knows a few more.
_DESC_RULES = (("weight", "_init_weight"), ("bias", "_init_bias"), ("gamma", "_init_gamma"),
               ("beta", "_init_beta"), ("min", "_init_zero"), ("max", "_init_one"),
               ("weight_quantize", "_init_quantized_weight"),
               ("bias_quantize", "_init_quantized_bias"))
_LEGACY_RULES = (("bias", "_init_bias"), ("gamma", "_init_gamma"), ("beta", "_init_beta"),
                 ("weight", "_init_weight"), ("moving_mean", "_init_zero"),
                 ("moving_var", "_init_one"), ("moving_inv_var", "_init_zero"),
                 ("moving_avg", "_init_zero"), ("min", "_init_zero"), ("max", "_init_one"))


class Initializer:
    """Base class: ``dumps()`` gives MXNet's JSON, calling fills an NDArray by name.

    Called with an :class:`InitDesc`, an ``__init__`` attribute (an initializer's ``dumps()``)
    wins, else the name's suffix picks the rule (``weight``, ``bias`` -> 0, ``gamma`` -> 1,
    ``beta`` -> 0, ``min`` -> 0, ``max`` -> 1). A plain string is MXNet's deprecated form: it
    warns and also knows ``upsampling*`` (bilinear), ``stn_loc*`` and the moving statistics.

    >>> import symnb as mx
    >>> w = mx.nd.zeros((2,)); mx.init.One()(mx.init.InitDesc('fc_gamma'), w); w.asnumpy()
    array([1., 1.], dtype=float32)
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log ``Initialized <name> as <rule>: <print_func(arr)>`` after each fill.

        ``print_func`` defaults to the root mean square of the array, as text.

        >>> Uniform().set_verbosity(True)._verbose
        True
        """
        self._verbose = verbose
        if print_func is None:
            def asum_stat(x):
                """The root mean square of ``x`` as text."""
                from .ndarray import norm
                return str((norm(x) / np.sqrt(x.size)).asscalar())
            print_func = asum_stat
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            _LOG.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """``'["<name>", {kwargs}]'``, the string stored in a variable's ``__init__``.

        >>> Uniform(0.1).dumps()
        '["uniform", {"scale": 0.1}]'
        """
        return json.dumps([type(self).__name__.lower(), self._kwargs])

    def __repr__(self):
        return self.dumps()

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __call__(self, desc, arr: NDArray) -> None:
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, rule in _DESC_RULES:
            if desc.endswith(suffix):
                getattr(self, rule)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn("\033[91mCalling initializer with init(str, NDArray) has been deprecated."
                      "please use init(mx.init.InitDesc(...), NDArray) instead.\033[0m",
                      DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError("name must be string")
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        else:
            for suffix, rule in _LEGACY_RULES:
                if name.endswith(suffix):
                    getattr(self, rule)(name, arr)
                    return
            self._init_default(name, arr)

    def _init_bilinear(self, _, arr):
        arr[:] = _bilinear(arr.shape)

    def _init_loc_bias(self, _, arr):
        mx_assert(arr.shape[0] == 6)
        arr[:] = np.array([1.0, 0, 0, 0, 1.0, 0])

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_quantized_bias(self, _, arr):
        arr[:] = 0

    def _init_quantized_weight(self, _, arr):
        arr[:] = np.random.randint(-127, 127, size=arr.shape).astype(np.int8)

    def _init_weight(self, name, arr):
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError(
            'Unknown initialization pattern for %s. Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            'mx.sym.Variable(init=mx.init.*) to set initialization pattern' % name)


def _bilinear(shape):
    """MXNet's bilinear upsampling kernel for a weight of ``shape`` (last two axes)."""
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    i = np.arange(int(np.prod(shape)))
    x = i % shape[3]
    y = (i // shape[3]) % shape[2]
    weight = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
    return weight.astype(np.float32).reshape(shape)


@register
@alias("zeros")
class Zero(Initializer):
    """Fill with 0.

    >>> Zero().dumps()
    '["zero", {}]'
    """

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias("ones")
class One(Initializer):
    """Fill with 1.

    >>> One().dumps()
    '["one", {}]'
    """

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Fill with a constant (a scalar or anything broadcastable to the array).

    >>> Constant(0.5).dumps()
    '["constant", {"value": 0.5}]'
    """

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def dumps(self) -> str:
        """Like :meth:`Initializer.dumps`; an array value is written as a (nested) list.

        >>> Constant(np.array([[0.5, 2.0]])).dumps()
        '["constant", {"value": [[0.5, 2.0]]}]'
        """
        # an array value is written as a (nested) list, as MXNet does
        val = self._kwargs["value"]
        if isinstance(val, np.ndarray):
            self._kwargs["value"] = val.tolist()
        elif isinstance(val, NDArray):
            self._kwargs["value"] = val.asnumpy().tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Samples from ``U(-scale, scale)``.

    >>> Uniform().dumps()
    '["uniform", {"scale": 0.07}]'
    """

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _random.uniform(-self.scale, self.scale, out=arr)


@register
class Normal(Initializer):
    """Samples from ``N(0, sigma**2)``.

    >>> Normal().dumps()
    '["normal", {"sigma": 0.01}]'
    """

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _random.normal(0, self.sigma, out=arr)


@register
class Xavier(Initializer):
    """Xavier/Glorot: scale ``sqrt(magnitude / factor)`` from the fan-in/fan-out.

    >>> Xavier().dumps()
    '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'
    """

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError("Xavier initializer cannot be applied to vector {0}. It requires at"
                             " least 2D.".format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _random.uniform(-scale, scale, out=arr)
        elif self.rnd_type == "gaussian":
            _random.normal(0, scale, out=arr)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He/MSRA initialization for PReLU nets: Gaussian Xavier, magnitude ``2 / (1 + slope**2)``.

    >>> MSRAPrelu().dumps()
    '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'
    """

    def __init__(self, factor_type="avg", slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__("gaussian", factor_type, magnitude)
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (from the SVD of a random one) times ``scale``.

    Parameters
    ----------
    scale : float
        Scaling factor (1.414).
    rand_type : {'uniform', 'normal'}
        Distribution of the random matrix.

    >>> import symnb as mx, numpy as np
    >>> w = mx.nd.zeros((3, 5)); Orthogonal(scale=1.0)(mx.init.InitDesc('w_weight'), w)
    >>> np.allclose(w.asnumpy() @ w.asnumpy().T, np.eye(3), atol=1e-5)
    True
    """

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = _random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == "normal":
            tmp = _random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Bilinear(Initializer):
    """Bilinear upsampling kernels (for Deconvolution/UpSampling weights).

    >>> import symnb as mx
    >>> w = mx.nd.zeros((1, 1, 4, 4)); Bilinear()(mx.init.InitDesc('up_weight'), w)
    >>> w.asnumpy()[0, 0, 0].tolist()
    [0.0625, 0.1875, 0.1875, 0.0625]
    """

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = _bilinear(arr.shape)


@register
class LSTMBias(Initializer):
    """LSTM bias: 0, except the forget gate's quarter (the second), set to ``forget_bias``.

    >>> import symnb as mx
    >>> desc = mx.init.InitDesc('lstm_bias', attrs={'__init__': LSTMBias(2.0).dumps()})
    >>> b = mx.nd.ones((8,)); mx.init.Zero()(desc, b)
    >>> b.asnumpy().tolist()
    [0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


_GATES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
          "gru": ["_r", "_z", "_o"]}


def _fused_rnn_slices(mode, num_layers, bidirectional, num_hidden, size):
    """``(name, offset, shape)`` of each weight and bias in a fused RNN parameter vector.

    MXNet's FusedRNNCell layout: every layer's and direction's i2h then h2h weights (one per
    gate), then all the biases in the same order. The input size follows from ``size``.
    """
    gates = _GATES[mode]
    directions = ["l", "r"] if bidirectional else ["l"]
    b, m, h = len(directions), len(gates), num_hidden
    num_input = size // b // h // m - (num_layers - 1) * (h + b * h + 2) - h - 2
    slices, p = [], 0
    for layer in range(num_layers):
        for direction in directions:
            for gate in gates:
                shape = (h, b * h) if layer > 0 else (h, num_input)
                slices.append(("%s%d_i2h%s_weight" % (direction, layer, gate), p, shape))
                p += shape[0] * shape[1]
            for gate in gates:
                slices.append(("%s%d_h2h%s_weight" % (direction, layer, gate), p, (h, h)))
                p += h * h
    for layer in range(num_layers):
        for direction in directions:
            for kind in ("i2h", "h2h"):
                for gate in gates:
                    slices.append(("%s%d_%s%s_bias" % (direction, layer, kind, gate), p, (h,)))
                    p += h
    mx_assert(p == size, "Invalid parameters size for FusedRNNCell")
    return slices


@register
class FusedRNN(Initializer):
    """Initialize the fused parameter vector of the ``RNN`` operator piece by piece.

    Each weight and bias is filled by ``init`` (or the global initializer) under its unfused
    name (``l0_i2h_i_weight``, ...); LSTM forget-gate biases get ``forget_bias``.

    Parameters
    ----------
    init : Initializer, str or None
        Initializer of the pieces (None: the global one).
    num_hidden, num_layers : int
        The RNN's sizes.
    mode : {'rnn_relu', 'rnn_tanh', 'lstm', 'gru'}
        The RNN kind.
    bidirectional : bool
        Two directions.
    forget_bias : float
        LSTM forget-gate bias (1.0).

    >>> import symnb as mx
    >>> p = mx.nd.zeros((4 * 2 * (3 + 2 + 2),))
    >>> init = FusedRNN(mx.init.One(), 2, 1, 'lstm')
    >>> mx.init.Zero()(mx.init.InitDesc('rnn_parameters', {'__init__': init.dumps()}), p)
    >>> p.asnumpy()[-16:].tolist()
    [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False,
                 forget_bias=1.0):
        if isinstance(init, str):
            klass, kwargs = json.loads(init)
            init = _REGISTRY[klass.lower()](**kwargs)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        flat = arr.asnumpy().reshape(-1).copy()
        for name, offset, shape in _fused_rnn_slices(self._mode, self._num_layers,
                                                     self._bidirectional, self._num_hidden,
                                                     flat.size):
            piece = _zeros_like(arr, shape)
            piece_desc = InitDesc(name, global_init=getattr(desc, "global_init", None))
            if self._mode == "lstm" and name.endswith("_f_bias"):
                piece[:] = self._forget_bias
            elif self._init is None:
                piece_desc.global_init(piece_desc, piece)
            else:
                self._init(piece_desc, piece)
            size = int(np.prod(shape))
            flat[offset:offset + size] = piece.asnumpy().reshape(-1)
        arr[:] = flat.reshape(arr.shape)


def _zeros_like(arr, shape):
    from .ndarray import zeros
    return zeros(shape, ctx=arr.context, dtype=arr.dtype)


class Load:
    """Initialize from saved parameters (a dict or a ``.params`` file), else ``default_init``.

    ``arg:``/``aux:`` key prefixes are dropped. Shapes must match.

    >>> import symnb as mx
    >>> init = mx.init.Load({'arg:w': mx.nd.ones((2,)) * 3}, default_init=mx.init.Zero())
    >>> w, b = mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> init('w', w); init(mx.init.InitDesc('b_bias'), b)
    >>> w.asnumpy().tolist(), b.asnumpy().tolist()
    ([3.0, 3.0], [0.0, 0.0])
    """

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            param = _load(param)
        mx_assert(isinstance(param, dict))
        self.param = {}
        for name, arr in param.items():
            if name.startswith("arg:") or name.startswith("aux:"):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            mx_assert(arr.shape == self.param[name].shape,
                      "Parameter %s cannot be initialized from loading. " % name +
                      "Shape mismatch, target %s vs loaded %s" % (str(arr.shape),
                                                                  self.param[name].shape))
            arr[:] = self.param[name]
            if self.verbose:
                _LOG.info("Initialized %s by loading", name)
        else:
            mx_assert(self.default_init is not None,
                      "Cannot Initialize %s. Not found in loaded param " % name +
                      "and no default Initializer is provided.")
            self.default_init(name, arr)
            if self.verbose:
                _LOG.info("Initialized %s by default", name)


class Mixed:
    """Dispatch by name: the first regular expression that matches picks the initializer.

    >>> import symnb as mx
    >>> init = mx.init.Mixed(['bias$', '.*'], [mx.init.Constant(2), mx.init.One()])
    >>> b, w = mx.nd.zeros((1,)), mx.nd.zeros((1,))
    >>> init(mx.init.InitDesc('fc_bias'), b); init(mx.init.InitDesc('fc_weight'), w)
    >>> b.asnumpy().tolist(), w.asnumpy().tolist()
    ([0.0], [1.0])
    """

    def __init__(self, patterns, initializers):
        mx_assert(len(patterns) == len(initializers))
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        # MXNet's message, with its unfilled %s and missing space
        raise ValueError('Parameter name %s did not match any pattern. Consider' +
                         'add a ".*" pattern at the and with default Initializer.')
