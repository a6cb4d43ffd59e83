"""The operator case table: one or more rows per registered operator.

A row names the operator, its inputs (float64 NumPy arrays, or integer-valued ones for
indices), its parameters and a NumPy reference for the visible outputs. ``test_cases.py`` runs
every row through shape and type inference, the generic forward/backward, the executor's
prepared path (write and add requests) and ``mx.nd``, and checks the backward by float64
central differences along a random direction. ``test_every_operator_has_a_case`` fails for
any registered operator with a gradient and no row.

Families are generated from small tables, like the operator families themselves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .test_conv import ref_conv, ref_deconv
from .test_pooling import ref_pool

_RNG = np.random.default_rng(20261201)


def U(*shape, lo=-1.0, hi=1.0):
    """Uniform float64 input."""
    return _RNG.uniform(lo, hi, size=shape)


def I(*shape, lo=0, hi=3):  # noqa: E743 -- short on purpose: an input constructor
    """Integer-valued float64 input (indices, labels)."""
    return _RNG.integers(lo, hi, size=shape, endpoint=True).astype(np.float64)


def B(*shape):
    """0/1 float64 input."""
    return _RNG.integers(0, 1, size=shape, endpoint=True).astype(np.float64)


@dataclass
class Case:
    """One row: ``ref(*inputs, **attrs)`` gives the visible outputs (array or list).

    ``wrt``: inputs checked by central differences (default: every float input that is not
    an aux state or an index); ``numeric=False`` for operators whose backward is not the
    derivative of their output (loss layers, BlockGrad); ``train``: the forward mode;
    ``add``: what MXNet does with grad_req 'add' ('adds', or 'writes' where its gradient
    kernel ignores the request, or None: a quirk tested on its own); ``dtype``: float32 for
    operators MXNet runs in float32 only (then ``eps``/``grad_rtol`` are float32-sized).
    """

    op: str
    inputs: list
    attrs: dict = field(default_factory=dict)
    ref: object = None
    wrt: list | None = None
    numeric: bool = True
    train: bool = True
    rtol: float = 1e-6
    atol: float = 1e-9
    id: str = ""
    index_inputs: tuple = ()        # positions holding indices/labels (no gradient)
    add: str | None = "adds"
    dtype: str = "float64"
    eps: float = 1e-6
    grad_rtol: float = 1e-5

    def __post_init__(self):
        if self.dtype != "float64":
            self.inputs = [x if i in self.index_inputs else x.astype(self.dtype)
                           for i, x in enumerate(self.inputs)]

    @property
    def name(self):
        return "%s-%s" % (self.op, self.id) if self.id else self.op


CASES: list[Case] = []


def case(op, inputs, ref, **kw):
    CASES.append(Case(op, inputs, ref=ref, **kw))


def _vec(f):
    return np.vectorize(f, otypes=[np.float64])


def _round_away(x):
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5))


def _erfinv(y):
    # bisection on math.erf: slow, obviously right
    def one(v):
        lo, hi = -6.0, 6.0
        for _ in range(80):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if math.erf(mid) < v else (lo, mid)
        return (lo + hi) / 2
    return _vec(one)(y)


# ----------------------------------------------------------------------------- unary
_SMALL = dict(lo=-0.9, hi=0.9)
_POS = dict(lo=0.5, hi=2.0)
UNARY = {
    "abs": (np.abs, {}), "negative": (np.negative, {}), "reciprocal": (lambda x: 1 / x, _POS),
    "square": (np.square, {}), "sqrt": (np.sqrt, _POS), "rsqrt": (lambda x: x ** -0.5, _POS),
    "cbrt": (np.cbrt, _POS), "rcbrt": (lambda x: x ** (-1 / 3), _POS), "exp": (np.exp, {}),
    "expm1": (np.expm1, {}), "log": (np.log, _POS), "log10": (np.log10, _POS),
    "log2": (np.log2, _POS), "log1p": (np.log1p, _POS), "sin": (np.sin, {}),
    "cos": (np.cos, {}), "tan": (np.tan, {}), "arcsin": (np.arcsin, _SMALL),
    "arccos": (np.arccos, _SMALL), "arctan": (np.arctan, {}),
    "degrees": (lambda x: x * 180 / np.pi, {}), "radians": (lambda x: x * np.pi / 180, {}),
    "sinh": (np.sinh, {}), "cosh": (np.cosh, {}), "tanh": (np.tanh, {}),
    "arcsinh": (np.arcsinh, {}), "arccosh": (np.arccosh, dict(lo=1.2, hi=3.0)),
    "arctanh": (np.arctanh, _SMALL), "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), {}),
    "relu": (lambda x: x * (x > 0), {}), "softsign": (lambda x: x / (1 + np.abs(x)), {}),
    "sign": (np.sign, {}), "floor": (np.floor, dict(lo=-3, hi=3)),
    "ceil": (np.ceil, dict(lo=-3, hi=3)), "round": (_round_away, dict(lo=-3, hi=3)),
    "rint": (np.rint, dict(lo=-3, hi=3)), "fix": (np.fix, dict(lo=-3, hi=3)),
    "trunc": (np.trunc, dict(lo=-3, hi=3)),
    "logical_not": (lambda x: (x == 0) * 1.0, {}),
    "erf": (_vec(math.erf), {}), "erfinv": (_erfinv, _SMALL),
    "gamma": (_vec(math.gamma), dict(lo=0.5, hi=3.0)),
    "gammaln": (_vec(math.lgamma), dict(lo=0.5, hi=3.0)),
}
for _op, (_ref, _dom) in UNARY.items():
    case(_op, [U(3, 4, **_dom)], _ref)
case("logical_not", [B(5)], lambda x: (x == 0) * 1.0, id="01")

# ----------------------------------------------------------------------------- binary
_PP = dict(lo=0.5, hi=2.0)
BINARY = {
    "add": (np.add, {}), "sub": (np.subtract, {}), "mul": (np.multiply, {}),
    "div": (np.divide, _PP), "mod": (np.mod, _PP), "power": (np.power, _PP),
    "maximum": (np.maximum, {}), "minimum": (np.minimum, {}), "hypot": (np.hypot, {}),
    "equal": (lambda a, b: (a == b) * 1.0, {}), "not_equal": (lambda a, b: (a != b) * 1.0, {}),
    "greater": (lambda a, b: (a > b) * 1.0, {}),
    "greater_equal": (lambda a, b: (a >= b) * 1.0, {}),
    "lesser": (lambda a, b: (a < b) * 1.0, {}),
    "lesser_equal": (lambda a, b: (a <= b) * 1.0, {}),
    "logical_and": (lambda a, b: np.logical_and(a, b) * 1.0, "b"),
    "logical_or": (lambda a, b: np.logical_or(a, b) * 1.0, "b"),
    "logical_xor": (lambda a, b: np.logical_xor(a, b) * 1.0, "b"),
}
_ELEMWISE_NAME = {"add": "elemwise_add", "sub": "elemwise_sub", "mul": "elemwise_mul",
                  "div": "elemwise_div"}


def _pair(dom, a, b):
    if dom == "b":
        return [B(*a), B(*b)]
    return [U(*a, **dom), U(*b, **dom)]


for _k, (_ref, _dom) in BINARY.items():
    # elemwise_add's 'add' request follows MXNet's in-place quirk (test_elemwise.py)
    case(_ELEMWISE_NAME.get(_k, "_" + _k), _pair(_dom, (2, 3), (2, 3)), _ref,
         add=None if _k == "add" else "adds")
    case("broadcast_" + _k, _pair(_dom, (2, 1, 3), (4, 1)), _ref)
    case("broadcast_" + _k, _pair(_dom, (2, 3), (2, 3)), _ref, id="same")
# integer-valued operands meet (equal comparisons, maximum ties)
case("_equal", [I(6), I(6)], BINARY["equal"][0], id="ties")
case("_maximum", [I(6), I(6)], np.maximum, id="ties", numeric=False)
case("_scatter_elemwise_div", [U(2, 3, **_PP), U(2, 3, **_PP)], np.divide)

# ----------------------------------------------------------------------------- scalar
SCALAR = {
    "_plus_scalar": (lambda x, s: x + s, {}), "_minus_scalar": (lambda x, s: x - s, {}),
    "_rminus_scalar": (lambda x, s: s - x, {}), "_mul_scalar": (lambda x, s: x * s, {}),
    "_div_scalar": (lambda x, s: x / s, {}), "_rdiv_scalar": (lambda x, s: s / x, _PP),
    "_mod_scalar": (lambda x, s: np.mod(x, s), _PP),
    "_rmod_scalar": (lambda x, s: np.mod(s, x), _PP),
    "_power_scalar": (lambda x, s: x ** s, _PP), "_rpower_scalar": (lambda x, s: s ** x, {}),
    "_maximum_scalar": (np.maximum, {}), "_minimum_scalar": (np.minimum, {}),
    "_hypot_scalar": (np.hypot, {}),
    "_equal_scalar": (lambda x, s: (x == s) * 1.0, {}),
    "_not_equal_scalar": (lambda x, s: (x != s) * 1.0, {}),
    "_greater_scalar": (lambda x, s: (x > s) * 1.0, {}),
    "_greater_equal_scalar": (lambda x, s: (x >= s) * 1.0, {}),
    "_lesser_scalar": (lambda x, s: (x < s) * 1.0, {}),
    "_lesser_equal_scalar": (lambda x, s: (x <= s) * 1.0, {}),
    "_logical_and_scalar": (lambda x, s: np.logical_and(x, s) * 1.0, "b"),
    "_logical_or_scalar": (lambda x, s: np.logical_or(x, s) * 1.0, "b"),
    "_logical_xor_scalar": (lambda x, s: np.logical_xor(x, s) * 1.0, "b"),
    "_scatter_plus_scalar": (lambda x, s: x + s, {}),
    "_scatter_minus_scalar": (lambda x, s: x - s, {}),
}
for _op, (_ref, _dom) in SCALAR.items():
    _x = B(3, 4) if _dom == "b" else U(3, 4, **_dom)
    for _s in (0.5, 2):
        case(_op, [_x], (lambda f, s: lambda x, **kw: f(x, s))(_ref, float(_s)),
             attrs={"scalar": _s}, id=str(_s))
case("_equal_scalar", [I(6)], lambda x, **kw: (x == 2) * 1.0, attrs={"scalar": 2}, id="hit")


# ----------------------------------------------------------------------------- activations
def _softmax(x, axis=-1, temperature=None, **kw):
    z = x / (temperature or 1.0)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_len(x, length, axis=-1, **kw):
    idx = np.arange(x.shape[axis]).reshape((1, -1))
    mask = idx < length[:, None]
    e = np.where(mask, np.exp(x - np.where(mask, x, -np.inf).max(axis=1, keepdims=True)), 0)
    return e / e.sum(axis=1, keepdims=True)


_SELU_A, _SELU_L = float(np.float32(1.6732632423543772)), float(np.float32(1.0507009873554805))
_erf = _vec(math.erf)
LEAKY = {
    "leaky": lambda x, slope=0.25, **kw: np.where(x > 0, x, slope * x),
    "elu": lambda x, slope=0.25, **kw: np.where(x > 0, x, slope * np.expm1(x)),
    "selu": lambda x, **kw: _SELU_L * np.where(x > 0, x, _SELU_A * np.expm1(x)),
    "gelu": lambda x, **kw: 0.5 * x * (1 + _erf(x / math.sqrt(2))),
}
# leaky and prelu multiply in float32 as MXNet does: central differences need a wider step;
# selu's backward is MXNet's (it reads the output as the input), not the derivative
_LEAKY_GRAD = {"leaky": dict(eps=1e-3, grad_rtol=1e-4), "selu": dict(numeric=False)}
for _act, _ref in LEAKY.items():
    case("LeakyReLU", [U(2, 3, 2)], _ref, attrs={"act_type": _act, "slope": 0.3}
         if _act in ("leaky", "elu") else {"act_type": _act}, id=_act,
         **_LEAKY_GRAD.get(_act, {}))
case("LeakyReLU", [U(2, 3, 4), U(3, lo=0.1, hi=0.5)],
     lambda x, g, **kw: np.where(x > 0, x, g[None, :, None] * x), attrs={"act_type": "prelu"},
     id="prelu", eps=1e-3, grad_rtol=1e-4, rtol=1e-6, atol=1e-7)
_MEAN_SLOPE = float(np.float32((np.float32(0.125) + np.float32(0.334)) / np.float32(2)))
case("LeakyReLU", [U(2, 3)], lambda x, **kw: [np.where(x > 0, x, x * _MEAN_SLOPE),
                                              np.full(x.shape, _MEAN_SLOPE)],
     attrs={"act_type": "rrelu"}, train=False, id="rrelu")
case("softmax", [U(2, 3, 4)], _softmax)
case("softmax", [U(2, 3, 4)], _softmax, attrs={"axis": 1, "temperature": 2.0}, id="axis1_t2")
case("softmax", [U(2, 4), np.array([2, 4], dtype=np.int32)], _softmax_len,
     attrs={"use_length": True}, index_inputs=(1,), id="length")
case("log_softmax", [U(2, 3, 4)], lambda x, **kw: np.log(_softmax(x, **kw)))
case("log_softmax", [U(3, 4)], lambda x, **kw: np.log(_softmax(x, **kw)), attrs={"axis": 0},
     id="axis0")
case("softmin", [U(2, 3, 4)], lambda x, **kw: _softmax(-x, **kw))
case("softmin", [U(3, 4)], lambda x, **kw: _softmax(-x, axis=0, temperature=0.5),
     attrs={"axis": 0, "temperature": 0.5}, id="axis0_t")
# MXNet's legacy layer runs float32 only
case("SoftmaxActivation", [U(3, 4)], lambda x, **kw: _softmax(x), dtype="float32", rtol=1e-4,
     atol=1e-5, eps=1e-2, grad_rtol=1e-2)
case("SoftmaxActivation", [U(2, 3, 2)], lambda x, **kw: _softmax(x, axis=1),
     attrs={"mode": "channel"}, id="channel", dtype="float32", rtol=1e-4, atol=1e-5, eps=1e-2,
     grad_rtol=1e-2)
case("hard_sigmoid", [U(3, 4, lo=-4, hi=4)], lambda x, **kw: np.clip(0.2 * x + 0.5, 0, 1))
case("hard_sigmoid", [U(5, lo=-2, hi=2)], lambda x, **kw: np.clip(0.5 * x + 0.1, 0, 1),
     attrs={"alpha": 0.5, "beta": 0.1}, id="ab")
ACTIVATION = {"relu": lambda x: x * (x > 0), "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
              "tanh": np.tanh, "softrelu": lambda x: np.log1p(np.exp(x)),
              "softsign": lambda x: x / (1 + np.abs(x))}
for _act, _ref in ACTIVATION.items():
    case("Activation", [U(2, 3)], (lambda f: lambda x, **kw: f(x))(_ref),
         attrs={"act_type": _act}, id=_act)


# ----------------------------------------------------------------------------- nn layers
def _fc(x, w, b=None, flatten=True, **kw):
    x2 = x.reshape(x.shape[0], -1) if flatten else x
    y = x2 @ w.T
    return y if b is None else y + b


case("FullyConnected", [U(2, 3, 2), U(4, 6), U(4)], _fc, attrs={"num_hidden": 4})
case("FullyConnected", [U(2, 3, 2), U(4, 2)], _fc,
     attrs={"num_hidden": 4, "no_bias": True, "flatten": False}, id="noflat")


def _conv_kw(kw, *names):
    return {k: kw[k] for k in names if k in kw}


case("Convolution", [U(2, 2, 5, 5), U(3, 2, 3, 3), U(3)],
     lambda x, w, b, **kw: ref_conv(x, w, b, **_conv_kw(kw, "stride", "pad", "dilate")),
     attrs={"kernel": (3, 3), "num_filter": 3, "stride": (2, 1), "pad": (1, 0)})
case("Convolution", [U(1, 4, 6), U(4, 2, 2)],
     lambda x, w, **kw: ref_conv(x, w, dilate=(2,), num_group=2),
     attrs={"kernel": (2,), "num_filter": 4, "num_group": 2, "dilate": (2,), "no_bias": True},
     id="1d_group")
case("Deconvolution", [U(1, 2, 3, 3), U(2, 3, 2, 2)],
     lambda x, w, **kw: ref_deconv(x, w, stride=(2, 2), pad=(1, 0)),
     attrs={"kernel": (2, 2), "num_filter": 3, "stride": (2, 2), "pad": (1, 0)})
case("Deconvolution", [U(1, 2, 4), U(2, 2, 3), U(2)],
     lambda x, w, b, **kw: ref_deconv(x, w, b, stride=(2,), adj=(1,)),
     attrs={"kernel": (3,), "num_filter": 2, "stride": (2,), "adj": (1,), "no_bias": False},
     id="1d_adj")
case("Pooling", [U(1, 2, 4, 4)], lambda x, **kw: ref_pool(x, (2, 2), "max", (2, 2)),
     attrs={"kernel": (2, 2), "stride": (2, 2)})
case("Pooling", [U(1, 2, 5, 5)], lambda x, **kw: ref_pool(x, (3, 3), "avg", pad=(1, 1)),
     attrs={"kernel": (3, 3), "pool_type": "avg", "pad": (1, 1)}, id="avg")
case("Pooling", [U(1, 2, 5)], lambda x, **kw: ref_pool(x, (2,), "sum"),
     attrs={"kernel": (2,), "pool_type": "sum"}, id="sum1d")
case("Pooling", [U(2, 3, 3, 2)], lambda x, **kw: x.mean(axis=(2, 3), keepdims=True),
     attrs={"kernel": (1, 1), "global_pool": True, "pool_type": "avg"}, id="global")


def _bn(x, gamma, beta, mm, mv, eps=1e-3, fix_gamma=True, axis=1, **kw):
    axes = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = -1
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    g = np.ones_like(gamma) if fix_gamma else gamma
    return (x - mean) / np.sqrt(var + eps) * g.reshape(shape) + beta.reshape(shape)


case("BatchNorm", [U(2, 3, 2, 2), U(3, lo=0.5, hi=1.5), U(3), np.zeros(3), np.ones(3)],
     _bn, attrs={"fix_gamma": False})
case("BatchNorm", [U(4, 3), U(3), U(3), np.zeros(3), np.ones(3)], _bn, id="fix_gamma")
case("BatchNorm", [U(2, 3, 4), U(4, lo=0.5, hi=1.5), U(4), np.zeros(4), np.ones(4)],
     lambda *a, **kw: _bn(*a, axis=-1, fix_gamma=False, eps=1e-5),
     attrs={"fix_gamma": False, "axis": -1, "eps": 1e-5}, id="axis-1")
case("BatchNorm", [U(4, 3), U(3), U(3), U(3), U(3, lo=0.5, hi=2)],
     lambda x, g, b, mm, mv, **kw: (x - mm) / np.sqrt(mv + 1e-3) * g + b,
     attrs={"fix_gamma": False, "use_global_stats": True}, id="global")


def _layer_norm(x, g, b, axis=-1, eps=1e-5, **kw):
    m, v = x.mean(axis=axis, keepdims=True), x.var(axis=axis, keepdims=True)
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - m) / np.sqrt(v + eps) * g.reshape(shape) + b.reshape(shape)


case("LayerNorm", [U(2, 3, 4), U(4), U(4)], _layer_norm)
case("LayerNorm", [U(2, 3, 4), U(3), U(3)], lambda *a, **kw: _layer_norm(*a, axis=1),
     attrs={"axis": 1}, id="axis1")


def _instance_norm(x, g, b, eps=1e-3, **kw):
    axes = tuple(range(2, x.ndim))
    m, v = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - m) / np.sqrt(v + eps) * g.reshape(shape) + b.reshape(shape)


# MXNet runs InstanceNorm and LRN in float32 only
_F32 = dict(dtype="float32", rtol=1e-4, atol=1e-5, eps=1e-2, grad_rtol=1e-2)
case("InstanceNorm", [U(2, 3, 4), U(3), U(3)], _instance_norm, **_F32)


def _lrn(x, nsize=5, alpha=1e-4, beta=0.75, knorm=2.0, **kw):
    sq = np.pad(x * x, [(0, 0), (nsize // 2, nsize // 2)] + [(0, 0)] * (x.ndim - 2))
    s = sum(sq[:, i:i + x.shape[1]] for i in range(nsize))
    return x / (knorm + alpha / nsize * s) ** beta


case("LRN", [U(2, 5, 2, 2)], lambda x, **kw: _lrn(x, 3), attrs={"nsize": 3}, **_F32)
case("LRN", [U(1, 4, 3)], lambda x, **kw: _lrn(x, 5, 0.1, 0.5, 1.0),
     attrs={"nsize": 5, "alpha": 0.1, "beta": 0.5, "knorm": 1.0}, id="params", **_F32)
case("Dropout", [U(3, 4)], lambda x, **kw: x, attrs={"p": 0.0})
case("Dropout", [U(3, 4)], lambda x, **kw: x, attrs={"p": 0.5}, train=False, id="infer")


# ----------------------------------------------------------------------------- shapes
case("Reshape", [U(2, 3, 4)], lambda x, **kw: x.reshape(6, 4), attrs={"shape": (6, 4)})
case("Reshape", [U(2, 3, 4)], lambda x, **kw: x.reshape(2, 12), attrs={"shape": (0, -1)},
     id="special")
case("Flatten", [U(2, 3, 2)], lambda x, **kw: x.reshape(2, 6))
case("transpose", [U(2, 3, 4)], lambda x, **kw: x.transpose())
case("transpose", [U(2, 3, 4)], lambda x, **kw: x.transpose(1, 2, 0), attrs={"axes": (1, 2, 0)},
     id="axes")
case("SwapAxis", [U(2, 3, 4)], lambda x, **kw: x.swapaxes(0, 2), attrs={"dim1": 0, "dim2": 2})
case("expand_dims", [U(2, 3)], lambda x, **kw: x[:, None], attrs={"axis": 1})
case("squeeze", [U(2, 1, 3, 1)], lambda x, **kw: x.reshape(2, 3))
case("squeeze", [U(2, 1, 3, 1)], lambda x, **kw: x.reshape(2, 3, 1), attrs={"axis": 1},
     id="axis")
case("Concat", [U(2, 3), U(2, 2)], lambda a, b, **kw: np.concatenate([a, b], 1),
     attrs={"num_args": 2})
case("Concat", [U(1, 3), U(2, 3), U(1, 3)], lambda *a, **kw: np.concatenate(a, 0),
     attrs={"num_args": 3, "dim": 0}, id="dim0")
case("stack", [U(2, 3), U(2, 3)], lambda a, b, **kw: np.stack([a, b], 1),
     attrs={"num_args": 2, "axis": 1})
case("SliceChannel", [U(2, 4, 3)], lambda x, **kw: np.split(x, 2, axis=1),
     attrs={"num_outputs": 2})
case("SliceChannel", [U(3, 2)], lambda x, **kw: list(x),
     attrs={"num_outputs": 3, "axis": 0, "squeeze_axis": True}, id="squeeze")
case("slice", [U(3, 4, 5)], lambda x, **kw: x[0:2, 1:3], attrs={"begin": (0, 1), "end": (2, 3)})
case("slice", [U(3, 4, 5)], lambda x, **kw: x[1:2, ::2, ::-1],
     attrs={"begin": (1, 0, None), "end": (2, 4, None), "step": (1, 2, -1)}, id="step")
case("slice_axis", [U(3, 4)], lambda x, **kw: x[:, 1:3], attrs={"axis": 1, "begin": 1, "end": 3})
case("tile", [U(2, 3)], lambda x, **kw: np.tile(x, (2, 1, 2)), attrs={"reps": (2, 1, 2)})
case("repeat", [U(2, 3)], lambda x, **kw: np.repeat(x, 2, axis=1),
     attrs={"repeats": 2, "axis": 1})
case("repeat", [U(2, 3)], lambda x, **kw: np.repeat(x, 2), attrs={"repeats": 2}, id="flat")
case("reverse", [U(2, 3, 2)], lambda x, **kw: x[:, ::-1, ::-1], attrs={"axis": (1, 2)},
     add="writes")
case("broadcast_to", [U(1, 3)], lambda x, **kw: np.broadcast_to(x, (2, 3)),
     attrs={"shape": (2, 3)})
case("broadcast_axis", [U(1, 2, 1)], lambda x, **kw: np.broadcast_to(x, (3, 2, 4)),
     attrs={"axis": (0, 2), "size": (3, 4)})
case("Cast", [U(2, 3)], lambda x, **kw: x, attrs={"dtype": "float64"})
case("Cast", [U(2, 3)], lambda x, **kw: x.astype(np.float32), attrs={"dtype": "float32"},
     id="f32", numeric=False, rtol=1e-6, atol=1e-7)
case("_copy", [U(2, 3)], lambda x, **kw: x)
case("add_n", [U(2, 3), U(2, 3), U(2, 3)], lambda *a, **kw: a[0] + a[1] + a[2],
     attrs={"num_args": 3})
case("clip", [U(3, 4)], lambda x, **kw: np.clip(x, -0.5, 0.6), attrs={"a_min": -0.5, "a_max": 0.6},
     add="writes")
case("where", [B(2, 3), U(2, 3), U(2, 3)], lambda c, x, y, **kw: np.where(c, x, y),
     index_inputs=(0,))
case("where", [B(2), U(2, 3), U(2, 3)], lambda c, x, y, **kw: np.where(c[:, None], x, y),
     index_inputs=(0,), id="rows")


# ----------------------------------------------------------------------------- indexing
def _take(a, idx, axis=0, mode="clip", **kw):
    return np.take(a, idx.astype(int), axis=axis, mode="wrap" if mode == "wrap" else "clip")


case("take", [U(4, 3), I(2, 2, lo=0, hi=3)], _take, index_inputs=(1,))
case("take", [U(3, 4), I(3, lo=-5, hi=6)], lambda a, i, **kw: _take(a, i, 1, "wrap"),
     attrs={"axis": 1, "mode": "wrap"}, index_inputs=(1,), id="wrap")
case("one_hot", [I(2, 3, lo=-1, hi=4)],
     lambda i, **kw: (i[..., None] == np.arange(4)) * 1.0, attrs={"depth": 4, "dtype": "float64"},
     index_inputs=(0,))
case("Embedding", [I(2, 3, lo=0, hi=4), U(5, 3)], lambda i, w, **kw: w[i.astype(int)],
     attrs={"input_dim": 5, "output_dim": 3, "dtype": "float64"}, index_inputs=(0,))

# ----------------------------------------------------------------------------- creation
case("_zeros", [], lambda **kw: np.zeros((2, 3)), attrs={"shape": (2, 3), "dtype": "float64"})
case("_ones", [], lambda **kw: np.ones((2, 3)), attrs={"shape": (2, 3), "dtype": "float64"})
case("_full", [], lambda **kw: np.full((4,), 2.5), attrs={"shape": (4,), "value": 2.5,
                                                           "dtype": "float64"})
case("_arange", [], lambda **kw: np.repeat(np.arange(1, 4, 0.5), 2),
     attrs={"start": 1, "stop": 4, "step": 0.5, "repeat": 2, "dtype": "float64"})
case("zeros_like", [U(2, 3)], lambda x, **kw: np.zeros_like(x))
case("ones_like", [U(2, 3)], lambda x, **kw: np.ones_like(x))

# ----------------------------------------------------------------------------- losses
# their backward is the loss gradient, not the derivative of the output (numeric=False), and
# MXNet's loss kernels write their gradient whatever the request (add="writes")
_LOSS = dict(numeric=False, add="writes")
case("SoftmaxOutput", [U(3, 4), I(3)], lambda x, label, **kw: _softmax(x), index_inputs=(1,),
     **_LOSS)
# the regression outputs scale an 'add' buffer after adding (MXNet's two kernels, loss.py)
_REGRESSION = dict(numeric=False, add=None)
case("LinearRegressionOutput", [U(3, 2), U(3, 2)], lambda x, label, **kw: x, **_REGRESSION)
case("LogisticRegressionOutput", [U(3, 2), U(3, 2)],
     lambda x, label, **kw: 1 / (1 + np.exp(-x)), **_REGRESSION)
case("MAERegressionOutput", [U(3, 2), U(3, 2)], lambda x, label, **kw: x, **_REGRESSION)
case("SVMOutput", [U(3, 4), I(3)], lambda x, label, **kw: x, index_inputs=(1,), **_LOSS)
case("MakeLoss", [U(3, 2)], lambda x, **kw: x, numeric=False)
case("make_loss", [U(3, 2)], lambda x, **kw: x, numeric=False)
case("BlockGrad", [U(3, 2)], lambda x, **kw: x, numeric=False)

# ----------------------------------------------------------------------------- matrix
case("dot", [U(2, 3), U(3, 4)], lambda a, b, **kw: a @ b)
case("dot", [U(3, 2), U(4, 3)], lambda a, b, **kw: a.T @ b.T,
     attrs={"transpose_a": True, "transpose_b": True}, id="tt")
case("dot", [U(2, 3, 2), U(2, 4)], lambda a, b, **kw: np.tensordot(a, b, 1), id="nd")
case("batch_dot", [U(2, 2, 3), U(2, 3, 4)], lambda a, b, **kw: a @ b)
case("batch_dot", [U(2, 3, 2), U(2, 4, 3)], lambda a, b, **kw: a.transpose(0, 2, 1) @
     b.transpose(0, 2, 1), attrs={"transpose_a": True, "transpose_b": True}, id="tt")

# ----------------------------------------------------------------------------- reductions
REDUCE = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min}
for _op, _f in REDUCE.items():
    # mean divides an 'add' buffer after adding, as MXNet (reduce.py)
    _add = None if _op == "mean" else "adds"
    case(_op, [U(2, 3, 4, lo=0.5, hi=1.5)], (lambda f: lambda x, **kw: np.asarray(f(x))
                                             .reshape(1))(_f), add=_add)
    case(_op, [U(2, 3, 4, lo=0.5, hi=1.5)],
         (lambda f: lambda x, **kw: f(x, axis=(0, 2), keepdims=True))(_f),
         attrs={"axis": (0, 2), "keepdims": True}, id="axes", add=_add)
    case(_op, [U(2, 3, 4, lo=0.5, hi=1.5)], (lambda f: lambda x, **kw: f(x, axis=(0, 2)))(_f),
         attrs={"axis": 1, "exclude": True}, id="exclude", add=_add)
case("norm", [U(2, 3, 4)], lambda x, **kw: np.sqrt((x * x).sum()).reshape(1))
case("norm", [U(2, 3, 4)], lambda x, **kw: np.abs(x).sum(axis=1), attrs={"ord": 1, "axis": 1},
     id="l1")
case("argmax", [U(2, 3, 4)], lambda x, **kw: x.argmax(axis=1) * 1.0, attrs={"axis": 1})
case("argmin", [U(2, 3, 4)], lambda x, **kw: x.argmin(axis=-1)[..., None] * 1.0,
     attrs={"axis": -1, "keepdims": True})

# ----------------------------------------------------------------------------- resampling
case("UpSampling", [U(1, 2, 2, 3)], lambda x, **kw: x.repeat(2, axis=2).repeat(2, axis=3),
     attrs={"scale": 2, "sample_type": "nearest", "num_args": 1})
case("Pad", [U(1, 2, 3, 3)],
     lambda x, **kw: np.pad(x, [(0, 0), (0, 0), (1, 2), (1, 0)], constant_values=0.5),
     attrs={"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 2, 1, 0), "constant_value": 0.5})
case("Pad", [U(1, 2, 3, 3)], lambda x, **kw: np.pad(x, [(0, 0), (0, 0), (1, 1), (2, 1)],
                                                    mode="edge"),
     attrs={"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 1, 2, 1)}, id="edge")
case("Pad", [U(1, 2, 3, 3)], lambda x, **kw: np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 2)],
                                                    mode="reflect"),
     attrs={"mode": "reflect", "pad_width": (0, 0, 0, 0, 1, 1, 1, 2)}, id="reflect")

# ----------------------------------------------------------------------------- more reductions
_NAN = U(2, 3, lo=0.5, hi=1.5)
_NAN[0, 1] = np.nan
case("nansum", [U(2, 3, 4)], lambda x, **kw: np.nansum(x, axis=1), attrs={"axis": 1})
case("nansum", [_NAN], lambda x, **kw: np.nansum(x, axis=0), attrs={"axis": 0}, id="nan",
     numeric=False)
case("nanprod", [U(2, 3, 4, lo=0.5, hi=1.5)], lambda x, **kw: np.nanprod(x, axis=(0, 2)),
     attrs={"axis": (0, 2)})
case("nanprod", [_NAN], lambda x, **kw: np.nanprod(x, axis=1), attrs={"axis": 1}, id="nan",
     numeric=False)
case("argmax_channel", [U(2, 3, 4)], lambda x, **kw: x.argmax(axis=1) * 1.0)
# moments divides an 'add' buffer as mean does (reduce.py): add=None
case("moments", [U(2, 3, 4)], lambda x, **kw: [x.mean(axis=(0, 2)), x.var(axis=(0, 2))],
     attrs={"axes": (0, 2)}, add=None)
case("moments", [U(3, 4)], lambda x, **kw: [x.mean(axis=1, keepdims=True),
                                           x.var(axis=1, keepdims=True)],
     attrs={"axes": (1,), "keepdims": True}, id="keepdims", add=None)
case("smooth_l1", [U(3, 4, lo=-2, hi=2)],
     lambda x, **kw: np.where(np.abs(x) < 1, 0.5 * x * x, np.abs(x) - 0.5))
case("smooth_l1", [U(3, 4, lo=-2, hi=2)],
     lambda x, **kw: np.where(np.abs(x) < 0.25, 2 * x * x, np.abs(x) - 0.125),
     attrs={"scalar": 2.0}, id="s2")


# ----------------------------------------------------------------------------- ordering
def _topk(x, k, axis=-1, largest=True):
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    order = np.take(order, np.arange(k), axis=axis)
    return np.take_along_axis(x, order, axis=axis), order * 1.0


case("topk", [U(3, 5)], lambda x, **kw: _topk(x, 2)[1], attrs={"k": 2, "dtype": "float64"})
case("topk", [U(3, 5)], lambda x, **kw: _topk(x, 2)[0], attrs={"k": 2, "ret_typ": "value"},
     id="value")
case("topk", [U(4, 3)], lambda x, **kw: list(_topk(x, 3, 0, False)),
     attrs={"k": 3, "axis": 0, "ret_typ": "both", "is_ascend": True, "dtype": "float64"},
     id="both")
case("topk", [U(3, 5)], lambda x, **kw: (x >= np.sort(x, 1)[:, -2:-1]) * 1.0,
     attrs={"k": 2, "ret_typ": "mask"}, id="mask")
case("topk", [U(2, 3)], lambda x, **kw: _topk(x.reshape(-1), 6)[0],
     attrs={"k": 0, "axis": None, "ret_typ": "value"}, id="flat")
case("sort", [U(3, 4)], lambda x, **kw: np.sort(x, axis=-1))
case("sort", [U(3, 4)], lambda x, **kw: -np.sort(-x, axis=0), attrs={"axis": 0,
                                                                   "is_ascend": False},
     id="desc")
case("argsort", [U(3, 4)], lambda x, **kw: np.argsort(x, axis=-1).astype(np.float64),
     attrs={"dtype": "float64"})

# ----------------------------------------------------------------------------- gather/scatter
case("pick", [U(3, 4), I(3, lo=0, hi=3)],
     lambda x, i, **kw: x[np.arange(3), i.astype(int)], attrs={"axis": 1}, index_inputs=(1,))
case("pick", [U(3, 4), I(1, 4, lo=-4, hi=6)],
     lambda x, i, **kw: x[np.mod(i[0].astype(int), 3), np.arange(4)][None, :],
     attrs={"axis": 0, "keepdims": True, "mode": "wrap"}, index_inputs=(1,), id="wrap")
case("batch_take", [U(3, 4), np.array([0, 3, 9], dtype=np.int32)],
     lambda a, i, **kw: a[np.arange(3), np.clip(i, 0, 3)], index_inputs=(1,))
case("gather_nd", [U(3, 4, 2), np.array([[0, 2, 1], [3, 0, 3]], dtype=np.float64)],
     lambda d, i, **kw: d[i[0].astype(int), i[1].astype(int)], index_inputs=(1,))
case("scatter_nd", [U(3, 2), np.array([[0, 2, 1], [3, 0, 1]], dtype=np.float64)],
     lambda d, i, **kw: _scattered(np.zeros((3, 4, 2)), d, i), attrs={"shape": (3, 4, 2)},
     index_inputs=(1,))
case("_scatter_set_nd", [U(3, 4), U(2), np.array([[0, 2], [3, 1]], dtype=np.float64)],
     lambda lhs, r, i, **kw: _scattered(lhs.copy(), r, i), attrs={"shape": (3, 4)},
     index_inputs=(2,))


def _scattered(out, data, idx):
    out[tuple(idx.astype(int))] = data
    return out


case("diag", [U(3, 4)], lambda x, **kw: np.diagonal(x).copy())
case("diag", [U(2, 3, 4)], lambda x, **kw: np.diagonal(x, 1, 2, 0).copy(),
     attrs={"k": 1, "axis1": 2, "axis2": 0}, id="axes")
case("diag", [U(3)], lambda x, **kw: np.diag(x, -1), attrs={"k": -1}, id="make")
case("_ravel_multi_index", [np.array([[1, 0, 2], [3, 1, 0]], dtype=np.float64)],
     lambda i, **kw: i[0] * 4 + i[1], attrs={"shape": (3, 4)}, index_inputs=(0,))
case("_unravel_index", [np.array([7, 1, 11], dtype=np.float64)],
     lambda i, **kw: np.stack([i // 4, i % 4]), attrs={"shape": (3, 4)}, index_inputs=(0,))

# ----------------------------------------------------------------------------- layout
case("broadcast_like", [U(1, 3), U(2, 3)], lambda a, b, **kw: np.broadcast_to(a, (2, 3)),
     index_inputs=(1,))
case("broadcast_like", [U(1, 3, 1), U(4, 5)], lambda a, b, **kw: np.broadcast_to(a, (1, 3, 5)),
     attrs={"lhs_axes": (2,), "rhs_axes": (1,)}, index_inputs=(1,), id="axes")
case("reshape_like", [U(2, 3), U(3, 2)], lambda a, b, **kw: a.reshape(3, 2), index_inputs=(1,))
case("reshape_like", [U(2, 6), U(3, 2)], lambda a, b, **kw: a.reshape(2, 3, 2),
     attrs={"lhs_begin": 1, "rhs_begin": 0, "rhs_end": None, "lhs_end": None},
     index_inputs=(1,), id="span")
case("slice_like", [U(3, 4), U(2, 2)], lambda a, b, **kw: a[:2, :2], index_inputs=(1,))
case("slice_like", [U(3, 4), U(2, 2)], lambda a, b, **kw: a[:, :2], attrs={"axes": (1,)},
     index_inputs=(1,), id="axes")
case("shape_array", [U(2, 3)], lambda x, **kw: np.array([2, 3]))
case("size_array", [U(2, 3)], lambda x, **kw: np.array([6]))


def _s2d(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


def _d2s(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (b * b), h * b, w * b)


case("space_to_depth", [U(1, 2, 4, 6)], lambda x, **kw: _s2d(x, 2), attrs={"block_size": 2})
case("depth_to_space", [U(1, 8, 2, 3)], lambda x, **kw: _d2s(x, 2), attrs={"block_size": 2})
case("_split_v2", [U(2, 5)], lambda x, **kw: [x[:, :2], x[:, 2:]], attrs={"indices": (0, 2)},
     add="writes")
case("_split_v2", [U(6, 2)], lambda x, **kw: [x[i * 2:i * 2 + 2] for i in range(3)],
     attrs={"sections": 3, "axis": 0, "indices": ()}, id="sections", add="writes")

# ----------------------------------------------------------------------------- _v1 forms
# the old kernel takes 2-D or 4-D data only
case("BatchNorm_v1", [U(2, 3, 2, 2), U(3, lo=0.5, hi=1.5), U(3), np.zeros(3), np.ones(3)], _bn,
     attrs={"fix_gamma": False})
case("Convolution_v1", [U(1, 2, 4, 4), U(3, 2, 2, 2), U(3)],
     lambda x, w, b, **kw: ref_conv(x, w, b), attrs={"kernel": (2, 2), "num_filter": 3})
case("Pooling_v1", [U(1, 2, 4, 4)], lambda x, **kw: ref_pool(x, (2, 2), "max", (2, 2)),
     attrs={"kernel": (2, 2), "stride": (2, 2)})
case("Pooling_v1", [U(1, 2, 5, 5)], lambda x, **kw: ref_pool(x, (3, 3), "avg", pad=(1, 1)),
     attrs={"kernel": (3, 3), "pool_type": "avg", "pad": (1, 1)}, id="avg")


# ----------------------------------------------------------------------------- nn layers 2
def _group_norm(x, g, b, num_groups=1, eps=1e-5, **kw):
    n, c = x.shape[:2]
    y = x.reshape(n, num_groups, -1)
    y = (y - y.mean(axis=2, keepdims=True)) / np.sqrt(y.var(axis=2, keepdims=True) + eps)
    y = y * g[None, :, None] + b[None, :, None]
    return y.reshape(x.shape)


case("GroupNorm", [U(2, 4, 3), U(2, lo=0.5, hi=1.5), U(2)], _group_norm,
     attrs={"num_groups": 2})
case("GroupNorm", [U(2, 3, 2, 2), U(1), U(1)], _group_norm, id="one_group")


def _l2(x, eps=1e-10, mode="instance", **kw):
    axes = {"instance": tuple(range(1, x.ndim)), "channel": (1,),
            "spatial": tuple(range(2, x.ndim))}[mode]
    return x / np.sqrt((x * x).sum(axis=axes, keepdims=True) + eps)


for _mode in ("instance", "channel", "spatial"):
    case("L2Normalization", [U(2, 3, 4)], _l2, attrs={"mode": _mode}, id=_mode)


def _seq_mask(x, lengths, value=0.0, axis=0, **kw):
    t = np.arange(x.shape[axis])[:, None] < lengths[None, :]
    t = t if axis == 0 else t.T
    return np.where(t.reshape(t.shape + (1,) * (x.ndim - 2)), x, value)


_LEN = np.array([2.0, 4.0, 1.0])
case("SequenceMask", [U(4, 3, 2), _LEN], _seq_mask,
     attrs={"use_sequence_length": True, "value": -1.0}, index_inputs=(1,))
case("SequenceMask", [U(3, 4), _LEN], lambda x, n, **kw: _seq_mask(x, n, axis=1),
     attrs={"use_sequence_length": True, "axis": 1}, index_inputs=(1,), id="axis1")
case("SequenceMask", [U(4, 3)], lambda x, **kw: x, id="all")
case("SequenceLast", [U(4, 3, 2), _LEN],
     lambda x, n, **kw: x[n.astype(int) - 1, np.arange(3)], attrs={"use_sequence_length": True},
     index_inputs=(1,))
case("SequenceLast", [U(3, 4, 2)], lambda x, **kw: x[:, -1], attrs={"axis": 1}, id="axis1")


def _seq_reverse(x, lengths, **kw):
    out = x.copy()
    for b, n in enumerate(lengths.astype(int)):
        out[:n, b] = x[:n, b][::-1]
    return out


case("SequenceReverse", [U(4, 3, 2), _LEN], _seq_reverse, attrs={"use_sequence_length": True},
     index_inputs=(1,))
case("SequenceReverse", [U(4, 3)], lambda x, **kw: x[::-1], id="all")
# Crop: float32 only, and it writes its gradients whatever the request
case("Crop", [U(1, 2, 5, 6), U(1, 3, 2, 3)], lambda a, b, **kw: a[:, :, 1:3, 2:5],
     attrs={"num_args": 2, "offset": (1, 2)}, add="writes", **_F32)
case("Crop", [U(1, 2, 5, 6)], lambda a, **kw: a[:, :, 1:3, 1:5],
     attrs={"num_args": 1, "h_w": (2, 4), "center_crop": True}, id="center", add="writes",
     **_F32)


def _softmax_ce(x, label, **kw):
    p = _softmax(x)
    return np.array([-np.log(p[np.arange(len(label)), label.astype(int)]).sum()])


case("softmax_cross_entropy", [U(3, 4), I(3)], _softmax_ce, index_inputs=(1,))
# its backward adds the penalty's gradient and moves moving_avg: not the output's derivative;
# float32 only (MXNet's legacy default type rule)
case("IdentityAttachKLSparseReg", [U(4, 3, lo=0.1, hi=0.9), np.full(3, 0.5)],
     lambda x, avg, **kw: x, numeric=False, **_F32)


# ----------------------------------------------------------------------------- linalg
def _spd(n, batch=()):
    x = U(*batch, n, n)
    return x @ np.swapaxes(x, -1, -2) / n + 0.5 * np.eye(n)


def _lower(n, batch=()):
    return np.tril(U(*batch, n, n), -1) + np.eye(n) * U(*batch, n, lo=1.0, hi=2.0)[..., None]


def _T(x):
    return np.swapaxes(x, -1, -2)


case("_linalg_gemm", [U(2, 3), U(3, 4), U(2, 4)], lambda a, b, c, **kw: 2 * a @ b + 0.5 * c,
     attrs={"alpha": 2.0, "beta": 0.5})
case("_linalg_gemm", [U(2, 3, 2), U(2, 4, 3), U(2, 2, 4)],
     lambda a, b, c, **kw: _T(a) @ _T(b) + c, attrs={"transpose_a": True, "transpose_b": True},
     id="tt")
case("_linalg_gemm2", [U(2, 3), U(3, 4)], lambda a, b, **kw: a @ b)
case("_linalg_gemm2", [U(2, 4, 3), U(2, 4, 5)],
     lambda a, b, **kw: np.moveaxis(np.moveaxis(a, 0, -2).swapaxes(-1, -2) @
                                    np.moveaxis(b, 0, -2), -2, 0),
     attrs={"axis": 0, "transpose_a": True}, id="axis0")
case("_linalg_syrk", [U(2, 3, 4)], lambda a, **kw: a @ _T(a))
case("_linalg_syrk", [U(3, 4)], lambda a, **kw: 2 * _T(a) @ a,
     attrs={"transpose": True, "alpha": 2.0}, id="t")
case("_linalg_trmm", [_lower(3), U(3, 2)], lambda a, b, **kw: np.tril(a) @ b)
case("_linalg_trmm", [U(3, 3), U(2, 3)], lambda a, b, **kw: 2 * b @ np.triu(a).T,
     attrs={"rightside": True, "transpose": True, "lower": False, "alpha": 2.0}, id="right")
case("_linalg_trsm", [_lower(3), U(3, 2)], lambda a, b, **kw: np.linalg.solve(np.tril(a), b))
case("_linalg_trsm", [_lower(3), U(2, 3)],
     lambda a, b, **kw: 2 * np.linalg.solve(np.tril(a), b.T).T,
     attrs={"rightside": True, "transpose": True, "alpha": 2.0}, id="right")
# potrf and syevd read one triangle but return MXNet's symmetric gradient: no central
# differences along an arbitrary direction (the recorded MXNet cases check the values)
case("_linalg_potrf", [_spd(3)], lambda a, **kw: np.linalg.cholesky(a), numeric=False)
case("_linalg_potri", [_lower(3)], lambda a, **kw: np.linalg.inv(np.tril(a) @ np.tril(a).T))
case("_linalg_inverse", [_spd(3, (2,))], lambda a, **kw: np.linalg.inv(a))
case("_linalg_det", [U(3, 3) + 2 * np.eye(3)], lambda a, **kw: np.linalg.det(a).reshape(1))
case("_linalg_slogdet", [U(2, 3, 3) + 2 * np.eye(3)],
     lambda a, **kw: list(np.linalg.slogdet(a)))
case("_linalg_sumlogdiag", [_spd(3, (2,))],
     lambda a, **kw: np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1))
case("_linalg_gelqf", [U(2, 3)], lambda a, **kw: [np.linalg.qr(a.T)[0].T, np.linalg.qr(a.T)[1].T])


def _syevd(a):
    lam, v = np.linalg.eigh(a)
    u = v.T
    big = u[np.arange(len(u)), np.abs(u).argmax(axis=1)]
    return [u * np.where(big < 0, -1, 1)[:, None], lam]


case("_linalg_syevd", [_spd(3)], lambda a, **kw: _syevd(a), numeric=False)
case("_linalg_extractdiag", [U(2, 3, 3)], lambda a, **kw: np.diagonal(a, 1, -2, -1).copy(),
     attrs={"offset": 1})
case("_linalg_makediag", [U(2, 3)], lambda a, **kw: np.stack([np.diag(r, -1) for r in a]),
     attrs={"offset": -1})
_M = U(3, 3)
case("_linalg_extracttrian", [_M], lambda a, **kw: a[np.tril_indices(3)])
case("_linalg_extracttrian", [_M], lambda a, **kw: a.T[np.tril_indices(3, -1)],
     attrs={"offset": 1}, id="upper")
case("_linalg_maketrian", [U(6)], lambda v, **kw: _tri_from(v, 3))
case("_linalg_maketrian", [U(3)], lambda v, **kw: _tri_from(v, 3, -1).T,
     attrs={"offset": 1}, id="upper")


def _tri_from(v, n, k=0):
    out = np.zeros((n, n))
    out[np.tril_indices(n, k)] = v
    return out

# ----------------------------------------------------------------------------- misc, contrib
case("_eye", [], lambda **kw: np.eye(3, 4, 1), attrs={"N": 3, "M": 4, "k": 1, "dtype": "float64"})
case("_np_cumsum", [U(2, 3)], lambda a, **kw: np.cumsum(a, axis=1), attrs={"axis": 1},
     add="writes")
case("_np_cumsum", [U(2, 3)], lambda a, **kw: np.cumsum(a), id="flat", add="writes")
case("khatri_rao", [U(2, 3), U(4, 3)],
     lambda a, b, **kw: (a[:, None, :] * b[None, :, :]).reshape(8, 3), attrs={"num_args": 2})
case("khatri_rao", [U(2, 2), U(3, 2), U(2, 2)],
     lambda a, b, c, **kw: (a[:, None, None] * b[None, :, None] * c[None, None]).reshape(12, 2),
     attrs={"num_args": 3}, id="three")
case("all_finite", [U(2, 3)], lambda x, **kw: np.ones(1, dtype=np.float32))
case("_copyto", [U(2, 3)], lambda x, **kw: x)
case("_identity_with_attr_like_rhs", [U(2, 3), U(2, 3)], lambda a, b, **kw: a,
     index_inputs=(1,))
case("_grad_add", [U(2, 3), U(2, 3)], lambda a, b, **kw: a + b)
case("_contrib_arange_like", [U(2, 3)], lambda x, **kw: np.repeat(np.arange(3) * 0.5 + 1, 2)
     .reshape(2, 3), attrs={"start": 1, "step": 0.5, "repeat": 2})
case("_contrib_arange_like", [U(2, 3)], lambda x, **kw: np.arange(3.0), attrs={"axis": 1},
     id="axis")
case("_contrib_div_sqrt_dim", [U(2, 4)], lambda x, **kw: x / 2)
# gradientmultiplier and the straight-through ops define their gradient, not the derivative
case("_contrib_gradientmultiplier", [U(2, 3)], lambda x, **kw: x, attrs={"scalar": -0.5},
     numeric=False)
case("_contrib_round_ste", [U(2, 3, lo=-3, hi=3)], lambda x, **kw: _round_away(x), numeric=False)
case("_contrib_sign_ste", [U(2, 3)], lambda x, **kw: np.sign(x), numeric=False)
case("_contrib_quadratic", [U(2, 3)], lambda x, **kw: 2 * x * x - x + 0.5,
     attrs={"a": 2.0, "b": -1.0, "c": 0.5})
case("_contrib_index_copy", [U(4, 2), np.array([3.0, 0.0]), U(2, 2)],
     lambda o, i, n, **kw: _index_copied(o, i, n), index_inputs=(1,))
case("_contrib_index_array", [U(2, 3)], lambda x, **kw: np.stack(np.indices((2, 3)), -1))
case("_contrib_index_array", [U(2, 3, 2)], lambda x, **kw: np.indices((2, 3, 2))[2][..., None],
     attrs={"axes": (-1,)}, id="axes")


def _index_copied(old, idx, new):
    out = old.copy()
    out[idx.astype(int)] = new
    return out


# ----------------------------------------------------------------------------- random
@dataclass
class Dist:
    """What a sampler's output must show: shape, dtype, mean, variance, support."""

    op: str
    inputs: list
    attrs: dict
    shape: tuple
    dtype: str
    mean: float
    var: float
    low: float = -np.inf
    high: float = np.inf
    integer: bool = False
    id: str = ""

    @property
    def name(self):
        return "%s-%s" % (self.op, self.id) if self.id else self.op


_N = 20000
_F64 = {"dtype": "float64"}
# (name, attrs, mean, variance, support, integer valued)
_DISTS = [
    ("uniform", {"low": -1.0, "high": 3.0}, 1.0, 16 / 12, (-1, 3), False),
    ("normal", {"loc": 2.0, "scale": 0.5}, 2.0, 0.25, (-np.inf, np.inf), False),
    ("gamma", {"alpha": 2.0, "beta": 1.5}, 3.0, 4.5, (0, np.inf), False),
    ("exponential", {"lam": 2.0}, 0.5, 0.25, (0, np.inf), False),
    ("poisson", {"lam": 3.0}, 3.0, 3.0, (0, np.inf), True),
    ("negative_binomial", {"k": 3, "p": 0.4}, 4.5, 11.25, (0, np.inf), True),
    ("generalized_negative_binomial", {"mu": 2.0, "alpha": 0.5}, 2.0, 4.0, (0, np.inf), True),
]
DISTS: list[Dist] = []
for _d, _kw, _m, _v, (_lo, _hi), _int in _DISTS:
    DISTS.append(Dist("_random_" + _d, [], dict(_kw, shape=(_N,), **_F64), (_N,), "float64",
                      _m, _v, _lo, _hi, _int))
    DISTS.append(Dist("_random_%s_like" % _d, [np.zeros((100, 200))], dict(_kw), (100, 200),
                      "float64", _m, _v, _lo, _hi, _int))
    _params = [np.full((2,), float(v)) for v in _kw.values()]
    DISTS.append(Dist("_sample_" + _d, _params, {"shape": (_N // 2,), **_F64}, (2, _N // 2),
                      "float64", _m, _v, _lo, _hi, _int))
DISTS.append(Dist("_random_randint", [], {"low": -2, "high": 5, "shape": (_N,)}, (_N,),
                  "int32", 1.0, 4.0, -2, 4, True))
DISTS.append(Dist("_sample_multinomial", [np.array([[0.2, 0.3, 0.5]])], {"shape": (_N,)},
                  (1, _N), "int32", 1.3, 0.61, 0, 2, True))
DISTS.append(Dist("_shuffle", [np.arange(_N, dtype=np.float64)], {}, (_N,), "float64",
                  (_N - 1) / 2, (_N * _N - 1) / 12, 0, _N - 1, True))


# ----------------------------------------------------------------------------- transformers
def _ref_grid(theta, h, w):
    ys, xs = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    dst = np.stack([xs.ravel(), ys.ravel(), np.ones(h * w)])
    return (theta.reshape(-1, 2, 3) @ dst).reshape(-1, 2, h, w)


def _ref_sample(data, grid):
    """Bilinear sampling point by point, zeros outside (an obviously right loop)."""
    n, c, h, w = data.shape
    out = np.zeros((n, c) + grid.shape[2:])
    for b in range(n):
        for i in range(grid.shape[2]):
            for j in range(grid.shape[3]):
                x = (grid[b, 0, i, j] + 1) * (w - 1) / 2
                y = (grid[b, 1, i, j] + 1) * (h - 1) / 2
                x0, y0 = int(np.floor(x)), int(np.floor(y))
                for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
                    for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
                        if 0 <= xx < w and 0 <= yy < h:
                            out[b, :, i, j] += wx * wy * data[b, :, yy, xx]
    return out


_THETA = np.array([[0.9, 0.1, 0.05, -0.1, 0.8, 0.1], [1.1, -0.2, 0.0, 0.15, 0.7, -0.05]])
# GridGenerator runs in float32 only on MXNet's CPU
case("GridGenerator", [_THETA], lambda t, **kw: _ref_grid(t, 3, 4),
     attrs={"transform_type": "affine", "target_shape": (3, 4)}, **_F32)
case("GridGenerator", [U(1, 2, 3, 4)],
     lambda f, **kw: np.stack([(f[:, 0] + np.arange(4)) / 1.5 - 1,
                               (f[:, 1] + np.arange(3)[:, None]) / 1.0 - 1], 1),
     attrs={"transform_type": "warp"}, id="warp", **_F32)
case("BilinearSampler", [U(1, 2, 4, 5), U(1, 2, 3, 3, lo=-1.1, hi=1.1)],
     lambda d, g, **kw: _ref_sample(d, g))
case("SpatialTransformer", [U(2, 1, 5, 5), _THETA],
     lambda d, t, **kw: _ref_sample(d, _ref_grid(t, 3, 4)),
     attrs={"target_shape": (3, 4), "transform_type": "affine", "sampler_type": "bilinear"},
     add="writes", numeric=False)   # the recorded MXNet gradients (tests/differential) check it


def _ref_roi(data, rois, pooled, scale):
    out = np.zeros((len(rois), data.shape[1]) + pooled)
    for r, roi in enumerate(rois):
        x1, y1, x2, y2 = (int(np.round(v * scale)) for v in roi[1:])
        bh, bw = max(y2 - y1 + 1, 1) / pooled[0], max(x2 - x1 + 1, 1) / pooled[1]
        for i in range(pooled[0]):
            for j in range(pooled[1]):
                ys = min(max(int(np.floor(i * bh)) + y1, 0), data.shape[2])
                ye = min(max(int(np.ceil((i + 1) * bh)) + y1, 0), data.shape[2])
                xs = min(max(int(np.floor(j * bw)) + x1, 0), data.shape[3])
                xe = min(max(int(np.ceil((j + 1) * bw)) + x1, 0), data.shape[3])
                if ye > ys and xe > xs:
                    out[r, :, i, j] = data[int(roi[0]), :, ys:ye, xs:xe].max(axis=(1, 2))
    return out


_ROIS = np.array([[0, 1, 1, 4, 5], [1, 0, 2, 5, 5], [0, 3, 0, 5, 2]], dtype=np.float64)
case("ROIPooling", [U(2, 2, 6, 6), _ROIS],
     lambda d, r, **kw: _ref_roi(d, r, (2, 2), 1.0),
     attrs={"pooled_size": (2, 2), "spatial_scale": 1.0}, wrt=[0])


# ----------------------------------------------------------------------------- RNN
def _ref_rnn(mode, x, params, h, c, hidden):
    """One layer, one direction, MXNet's parameter layout, step by step."""
    g = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}[mode]
    width = x.shape[2]
    sizes = [g * hidden * width, g * hidden * hidden, g * hidden, g * hidden]
    wx, wh, bx, bh = np.split(params, np.cumsum(sizes)[:-1])
    wx, wh = wx.reshape(g * hidden, width), wh.reshape(g * hidden, hidden)
    h, c = h[0], c[0] if c is not None else None
    outs = []
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(x.shape[0]):
        ax, ah = x[t] @ wx.T + bx, h @ wh.T + bh
        if mode == "rnn_tanh":
            h = np.tanh(ax + ah)
        elif mode == "rnn_relu":
            h = np.maximum(ax + ah, 0)
        elif mode == "lstm":
            i, f, gg, o = np.split(ax + ah, 4, axis=1)
            c = sig(f) * c + sig(i) * np.tanh(gg)
            h = sig(o) * np.tanh(c)
        else:
            r = sig(ax[:, :hidden] + ah[:, :hidden])
            z = sig(ax[:, hidden:2 * hidden] + ah[:, hidden:2 * hidden])
            n = np.tanh(ax[:, 2 * hidden:] + r * ah[:, 2 * hidden:])
            h = (1 - z) * n + z * h
        outs.append(h)
    return np.stack(outs), h[None], None if c is None else c[None]


_RNN_SIZES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}
for _mode, _g in _RNN_SIZES.items():
    _p = U(_g * 3 * (2 + 3) + 2 * _g * 3, lo=-0.5, hi=0.5)
    _ins = [U(4, 2, 2), _p, U(1, 2, 3, lo=-0.5, hi=0.5)]
    if _mode == "lstm":
        _ins.append(U(1, 2, 3, lo=-0.5, hi=0.5))
    # float64 runs MXNet's native kernel, which refuses grad_req 'add' for data (add=None);
    # its rnn_relu rounds every state to float32 (static_cast<float>), so that row's central
    # differences need a wider step to rise above the rounding
    relu = dict(eps=1e-4, grad_rtol=1e-3, rtol=1e-6) if _mode == "rnn_relu" else {}
    case("RNN", _ins,
         (lambda m: lambda x, p, h, c=None, **kw: _rnn_outputs(m, x, p, h, c, kw))(_mode),
         attrs={"state_size": 3, "num_layers": 1, "mode": _mode, "state_outputs": True},
         id=_mode, add=None, **relu)


def _rnn_outputs(mode, x, p, h, c, attrs):
    y, hT, cT = _ref_rnn(mode, x, p, h, c, attrs["state_size"])
    return [y, hT] + ([cT] if cT is not None else [])


# ----------------------------------------------------------------------------- region writes
def _assigned(lhs, rhs, region):
    out = lhs.copy()
    out[region] = rhs
    return out


case("_slice_assign", [U(3, 4), U(2, 2)],
     lambda a, b, **kw: _assigned(a, b, (slice(0, 2), slice(1, 3))),
     attrs={"begin": (0, 1), "end": (2, 3)})
case("_slice_assign_scalar", [U(3, 4)],
     lambda a, **kw: _assigned(a, 2.5, (slice(None, None, 2), slice(1, 4, 2))),
     attrs={"scalar": 2.5, "begin": (None, 1), "end": (None, 4), "step": (2, 2)})
# its dtype is MXNet's integer type code, which only a graph's JSON can carry: MXNet's
# frontend passes a dtype through np.dtype, which refuses codes (test_assign_ops.py)
case("_zeros_without_dtype", [], lambda **kw: np.zeros((2, 3)),
     attrs={"shape": (2, 3), "dtype": "1"})
case("_rnn_param_concat", [U(3), U(4)], lambda a, b, **kw: np.concatenate([a, b]),
     attrs={"num_args": 2, "dim": 0})


# ----------------------------------------------------------------------------- image
case("_image_to_tensor", [np.arange(24, dtype=np.float64).reshape(2, 4, 3)],
     lambda x, **kw: (np.moveaxis(x, -1, 0) / 255).astype(np.float32))
case("_image_normalize", [U(3, 2, 2)],
     lambda x, **kw: (x - np.array([0.1, 0.2, 0.3])[:, None, None])
     / np.array([0.5, 1.0, 2.0])[:, None, None],
     attrs={"mean": (0.1, 0.2, 0.3), "std": (0.5, 1.0, 2.0)})
# MXNet's flips pass the head gradient through unflipped: not the derivative (numeric=False)
case("_image_flip_left_right", [U(3, 4, 3)], lambda x, **kw: x[:, ::-1], numeric=False)
case("_image_flip_top_bottom", [U(4, 3, 1)], lambda x, **kw: x[::-1], numeric=False)
case("_image_crop", [U(4, 5, 3)], lambda img, **kw: img[0:3, 1:3],
     attrs={"x": 1, "y": 0, "width": 2, "height": 3})


# ----------------------------------------------------------------------------- attention
def _heads(x, heads, parts):
    t, n, w = x.shape
    d = w // (heads * parts)
    return x.reshape(t, n, heads, parts, d).transpose(3, 1, 2, 0, 4).reshape(
        parts, n * heads, t, d)


def _unheads(y, t, n, heads):
    d = y.shape[-1]
    return y.reshape(n, heads, t, d).transpose(2, 0, 1, 3).reshape(t, n, heads * d)


# MXNet runs the interleaved attention products in float32 only on CPU
_QKV, _ATT = U(4, 2, 12), U(4, 4, 4)
case("_contrib_interleaved_matmul_selfatt_qk", [_QKV],
     lambda x, **kw: _heads(x, 2, 3)[0] @ _heads(x, 2, 3)[1].swapaxes(1, 2) / np.sqrt(2),
     attrs={"heads": 2}, **_F32)
case("_contrib_interleaved_matmul_selfatt_valatt", [_QKV, _ATT],
     lambda x, a, **kw: _unheads(a @ _heads(x, 2, 3)[2], 4, 2, 2), attrs={"heads": 2}, **_F32)
_Q, _KV, _ATT2 = U(3, 2, 4), U(5, 2, 8), U(4, 3, 5)
case("_contrib_interleaved_matmul_encdec_qk", [_Q, _KV],
     lambda q, kv, **kw: _heads(q, 2, 1)[0] @ _heads(kv, 2, 2)[0].swapaxes(1, 2) / np.sqrt(2),
     attrs={"heads": 2}, **_F32)
case("_contrib_interleaved_matmul_encdec_valatt", [_KV, _ATT2],
     lambda kv, a, **kw: _unheads(a @ _heads(kv, 2, 2)[1], 3, 2, 2), attrs={"heads": 2}, **_F32)


# ----------------------------------------------------------------------------- densities
def _lgam(v):
    return _vec(math.lgamma)(v)


_PDF_REFS = {
    "normal": (lambda x, m, s: -0.5 * ((x - m) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi),
               (U(2, 3), U(2), U(2, lo=0.5, hi=1.5))),
    "uniform": (lambda x, lo, hi: -np.log(hi - lo) + 0 * x,
                (U(2, 3, lo=1.1, hi=1.9), U(2, lo=0.0, hi=1.0), U(2, lo=2.0, hi=3.0))),
    "exponential": (lambda x, lam: np.log(lam) - lam * x, (U(2, 3, lo=0.1, hi=2), U(2, lo=0.5,
                                                                                     hi=2))),
    "gamma": (lambda x, a, b: (a - 1) * np.log(x) - x * b - _lgam(a) + a * np.log(b),
              (U(2, 3, lo=0.5, hi=2), U(2, lo=1, hi=2), U(2, lo=1, hi=2))),
    "poisson": (lambda x, lam: x * np.log(lam) - lam - _lgam(x + 1),
                (I(2, 3, lo=0, hi=4), U(2, lo=1, hi=2))),
    "negative_binomial": (lambda x, k, p: _lgam(x + k) - _lgam(x + 1) - _lgam(k) + k * np.log(p)
                          + x * np.log1p(-p), (I(2, 3, lo=0, hi=4), U(2, lo=1, hi=2),
                                               U(2, lo=0.2, hi=0.8))),
}
for _dist, (_ref, _ins) in _PDF_REFS.items():
    _wrap = (lambda f: lambda x, *ps, **kw: f(x, *[q[:, None] for q in ps]))(_ref)
    _idx = (0,) if _dist in ("poisson", "negative_binomial") else ()
    case("_random_pdf_" + _dist, list(_ins), _wrap, attrs={"is_log": True}, id="log",
         index_inputs=_idx)
    case("_random_pdf_" + _dist, list(_ins),
         (lambda f: lambda *a, **kw: np.exp(f(*a)))(_wrap), index_inputs=_idx)
case("_random_pdf_generalized_negative_binomial", [I(2, 3, lo=0, hi=4), U(2, lo=1, hi=2),
                                                   U(2, lo=0.3, hi=0.8)],
     lambda x, mu, a, **kw: _PDF_REFS["negative_binomial"][0](x, 1 / a[:, None],
                                                              1 / (1 + a[:, None] * mu[:, None])),
     attrs={"is_log": True}, index_inputs=(0,))
case("_random_pdf_dirichlet", [U(2, 3, 4, lo=0.1, hi=0.3), U(2, 4, lo=1, hi=2)],
     lambda x, a, **kw: _lgam(a.sum(-1))[:, None] - _lgam(a).sum(-1)[:, None]
     + ((a[:, None] - 1) * np.log(x)).sum(-1), attrs={"is_log": True})


# ----------------------------------------------------------------------------- custom
def _register_case_ops():
    import symnb as mx

    class _Twice(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 2 + in_data[1])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0] * 2)
            self.assign(in_grad[1], req[1], out_grad[0])

    @mx.operator.register("cases_twice")
    class _TwiceProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["data", "bias"]

        def create_operator(self, ctx, shapes, dtypes):
            return _Twice()


_register_case_ops()
case("Custom", [U(2, 3), U(2, 3)], lambda x, b, **kw: 2 * x + b,
     attrs=dict(op_type="cases_twice"))


# ----------------------------------------------------------------------------- python ops
def _python_op_infos():
    """The ``info`` tokens of two live PythonOps: ``_Native`` (NumPy) and ``_NDArray``."""
    import warnings

    import symnb as mx

    class _Affine:
        def list_arguments(self):
            return ["data", "bias"]

        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] * 2 + in_data[1]

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = out_grad[0] * 2
            in_grad[1][:] = out_grad[0]

    class _NumpyAffine(_Affine, mx.operator.NumpyOp):
        pass

    class _NDArrayAffine(_Affine, mx.operator.NDArrayOp):
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ops = _NumpyAffine(), _NDArrayAffine()
    return [op.get_symbol(mx.sym.var("x")).attr("info") for op in ops]


_NATIVE_INFO, _NDARRAY_INFO = _python_op_infos()
case("_Native", [U(2, 3), U(2, 3)], lambda x, b, **kw: 2 * x + b, attrs=dict(info=_NATIVE_INFO),
     **_F32)
case("_NDArray", [U(2, 3), U(2, 3)], lambda x, b, **kw: 2 * x + b, attrs=dict(info=_NDARRAY_INFO),
     **_F32)


# ----------------------------------------------------------------------------- graph-pass ops
case("_CrossDeviceCopy", [U(2, 3)], lambda x, **kw: x)
# ----------------------------------------------------------------------------- CTC, spectral
def _ctc_brute(x, label, data_lengths=None, label_lengths=None, blank_label="first",
               use_data_lengths=False, use_label_lengths=False, **kw):
    """-log of the summed probability of every alignment that collapses to the labels,
    by enumerating all paths (tiny T and alphabet only): independent of any recursion."""
    import itertools
    steps, batch, alphabet = x.shape
    blank = 0 if blank_label == "first" else alphabet - 1
    pad = 0 if blank_label == "first" else -1
    out = np.zeros(batch)
    for b in range(batch):
        t_len = int(data_lengths[b]) if use_data_lengths else steps
        row = [int(v) for v in label[b]]
        target = row[:int(label_lengths[b])] if use_label_lengths else \
            (row[:row.index(pad)] if pad in row else row)
        z = x[:t_len, b].astype(np.float64)
        logp = z - z.max(1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
        total = 0.0
        for path in itertools.product(range(alphabet), repeat=t_len):
            collapsed = [k for i, k in enumerate(path) if k != blank and
                         (i == 0 or path[i - 1] != k)]
            if collapsed == target:
                total += np.exp(sum(logp[t, k] for t, k in enumerate(path)))
        out[b] = -np.log(total) if total > 0 else 0.0
    return out


def _ctc_ref(*args, **kw):
    names = ["x", "label"] + (["data_lengths"] if kw.get("use_data_lengths") else []) + \
        (["label_lengths"] if kw.get("use_label_lengths") else [])
    return _ctc_brute(**dict(zip(names, args)), **kw)


_CTC = dict(_F32, rtol=1e-4, atol=1e-4)
case("CTCLoss", [U(4, 2, 4, lo=-2, hi=2), np.array([[1, 2, 0], [3, 3, 0]], np.float64)],
     _ctc_ref, index_inputs=(1,), **_CTC)
# MXNet reads data lengths as float32 and label lengths in the labels' type
case("CTCLoss", [U(4, 2, 4, lo=-2, hi=2), np.array([[1, 0], [2, 2]], np.float32),
                 np.array([3.0, 4.0], np.float32), np.array([1.0, 2.0], np.float32)],
     _ctc_ref, attrs=dict(use_data_lengths=True, use_label_lengths=True, blank_label="last"),
     index_inputs=(1, 2, 3), id="lengths-last", **_CTC)


def _interleaved(z):
    return np.stack([z.real, z.imag], -1).reshape(z.shape[:-1] + (2 * z.shape[-1],))


case("_contrib_fft", [U(3, 4)], lambda x, **kw: _interleaved(np.fft.fft(x)))
case("_contrib_fft", [U(1, 2, 2, 3)], lambda x, **kw: _interleaved(np.fft.fft(x)), id="4d",
     attrs={"compute_size": 2})
case("_contrib_ifft", [U(3, 8)],
     lambda x, **kw: (np.fft.ifft(x[..., ::2] + 1j * x[..., 1::2]) * 4).real)
case("_contrib_ifft", [U(2, 1, 1, 6)],
     lambda x, **kw: (np.fft.ifft(x[..., ::2] + 1j * x[..., 1::2]) * 3).real, id="4d")


def _sketch(x, h, s, out_dim, **kw):
    out = np.zeros(x.shape[:-1] + (out_dim,))
    for i, (k, sign) in enumerate(zip(h.ravel().astype(int), s.ravel())):
        out[..., k] += sign * x[..., i]
    return out


# its gradient kernel stores whatever the request (add="writes")
case("_contrib_count_sketch", [U(3, 5), np.array([[0, 3, 1, 3, 2]], np.float64),
                               np.array([[1, -1, -1, 1, 1]], np.float64)], _sketch,
     attrs={"out_dim": 4}, index_inputs=(1, 2), add="writes")
case("_contrib_count_sketch", [U(2, 1, 2, 3), np.array([[2, 0, 2]], np.float64),
                               np.array([[-1, 1, 1]], np.float64)], _sketch,
     attrs={"out_dim": 3}, index_inputs=(1, 2), add="writes", id="4d")


# ----------------------------------------------------------------------------- Hawkes
def _hawkes_ref(mu, alpha, beta, state, lags, marks, valid_length, max_time, **kw):
    """The likelihood and final memory, one sample and one point at a time."""
    n, k = mu.shape
    ll, out_state = np.zeros(n), np.array(state, dtype=np.float64)
    for i in range(n):
        last, t = np.zeros(k), 0.0
        for j in range(lags.shape[1]):
            if not j < valid_length[i]:
                break
            c = int(marks[i, j])
            t += lags[i, j]
            d = t - last[c]
            ed = np.exp(-beta[c] * d)
            lam = mu[i, c] + alpha[c] * beta[c] * out_state[i, c] * ed
            ll[i] += np.log(lam) - mu[i, c] * d - alpha[c] * out_state[i, c] * (1 - ed)
            out_state[i, c] = 1 + out_state[i, c] * ed
            last[c] = t
        d = max_time[i] - last
        ed = np.exp(-beta * d)
        ll[i] -= (mu[i] * d + alpha * out_state[i] * (1 - ed)).sum()
        out_state[i] *= ed
    return [ll, out_state]


# its backward differentiates the likelihood only (out_state's head gradient is ignored: see
# test_hawkes.py for the numeric check) and runs every kernel with lda's request (add=None);
# exp/log are float32 in MXNet, so the reference agrees to float32 accuracy
case("_contrib_hawkesll",
     [U(2, 3, lo=0.5, hi=2), U(3, lo=0.1, hi=0.5), U(3, lo=0.5, hi=2), U(2, 3, lo=0, hi=1),
      U(2, 4, lo=0.1, hi=1), np.array([[0, 1, 0, 2], [2, 2, 1, 0]], np.int32),
      np.array([3.0, 2.5]), np.array([5.0, 4.0])],
     _hawkes_ref, index_inputs=(4, 5, 6, 7), numeric=False, add=None, rtol=1e-5, atol=1e-6)
# ----------------------------------------------------------------------------- sliding blocks,
# Correlation, deformable convolutions: references by their definitions, one loop per entry
def _sliding_positions(sizes, kernel, stride, dilate, pad):
    counts = [(n + 2 * p - d * (k - 1) - 1) // s + 1
              for n, k, s, d, p in zip(sizes, kernel, stride, dilate, pad, strict=True)]
    for o in np.ndindex(*counts):
        for k in np.ndindex(*kernel):
            yield o, k, tuple(oi * s + ki * d - p for oi, ki, s, d, p
                              in zip(o, k, stride, dilate, pad, strict=True)), counts


def _ref_im2col(x, kernel, stride=(1, 1), dilate=(1, 1), pad=(0, 0)):
    n, c = x.shape[:2]
    kk = math.prod(kernel)
    counts = [(s + 2 * p - d * (k - 1) - 1) // st + 1 for s, k, st, d, p
              in zip(x.shape[2:], kernel, stride, dilate, pad, strict=True)]
    out = np.zeros((n, c * kk, math.prod(counts)))
    for o, k, at, counts in _sliding_positions(x.shape[2:], kernel, stride, dilate, pad):
        col = np.ravel_multi_index(o, counts)
        row = np.ravel_multi_index(k, kernel)
        if all(0 <= a < s for a, s in zip(at, x.shape[2:], strict=True)):
            out[:, np.arange(c) * kk + row, col] = x[(slice(None), slice(None)) + at]
    return out


def _ref_col2im(cols, output_size, kernel, stride=(1, 1), dilate=(1, 1), pad=(0, 0)):
    n, ck = cols.shape[:2]
    kk = math.prod(kernel)
    out = np.zeros((n, ck // kk) + tuple(output_size))
    for o, k, at, counts in _sliding_positions(output_size, kernel, stride, dilate, pad):
        col = np.ravel_multi_index(o, counts)
        row = np.ravel_multi_index(k, kernel)
        if all(0 <= a < s for a, s in zip(at, output_size, strict=True)):
            out[(slice(None), slice(None)) + at] += cols[:, np.arange(ck // kk) * kk + row, col]
    return out


for _shape, _kw in [((2, 2, 5, 4), dict(kernel=(3, 2))),
                    ((1, 3, 6, 7), dict(kernel=(2, 3), stride=(2, 1), dilate=(1, 2),
                                        pad=(1, 0)))]:
    case("im2col", [U(*_shape)], _ref_im2col, attrs=_kw, id="k%dx%d" % _kw["kernel"])
    _cols = _ref_im2col(np.zeros(_shape), **_kw).shape
    case("col2im", [U(*_cols)], _ref_col2im, attrs=dict(_kw, output_size=_shape[2:]),
         id="k%dx%d" % _kw["kernel"])


def _ref_correlation(a, b, kernel_size=1, max_displacement=1, stride1=1, stride2=1,
                     pad_size=0, is_multiply=True):
    # MXNet's CPU kernel: the patch's top-left corner at i * stride1 + max_displacement
    n, c, h, w = a.shape
    pa = np.pad(a, [(0, 0), (0, 0), (pad_size,) * 2, (pad_size,) * 2])
    pb = np.pad(b, [(0, 0), (0, 0), (pad_size,) * 2, (pad_size,) * 2])
    border = max_displacement + (kernel_size - 1) // 2
    top_h = -(-(h + 2 * pad_size - 2 * border) // stride1)
    top_w = -(-(w + 2 * pad_size - 2 * border) // stride1)
    radius = max_displacement // stride2
    grid = 2 * radius + 1
    out = np.zeros((n, grid * grid, top_h, top_w))
    for i, j, q in np.ndindex(top_h, top_w, grid * grid):
        y1, x1 = i * stride1 + max_displacement, j * stride1 + max_displacement
        y2 = y1 + (q // grid - radius) * stride2
        x2 = x1 + (q % grid - radius) * stride2
        p1 = pa[:, :, y1:y1 + kernel_size, x1:x1 + kernel_size]
        p2 = pb[:, :, y2:y2 + kernel_size, x2:x2 + kernel_size]
        v = p1 * p2 if is_multiply else np.abs(p1 - p2)
        out[:, q, i, j] = v.reshape(n, -1).sum(axis=1) / (kernel_size ** 2 * c)
    return out


for _kw in [dict(), dict(kernel_size=3, max_displacement=2, pad_size=2, stride1=2),
            dict(max_displacement=2, stride2=2, pad_size=1, is_multiply=False)]:
    case("Correlation", [U(2, 2, 5, 6), U(2, 2, 5, 6)], _ref_correlation, attrs=_kw,
         id="k%d-d%d-%s" % (_kw.get("kernel_size", 1), _kw.get("max_displacement", 1),
                            "abs" if _kw.get("is_multiply") is False else "mul"))


def _bilinear_v1(img, y, x):
    """MXNet's CPU deformable sampling: inside [0, H) x [0, W), far corners clamped."""
    h, w = img.shape
    if not (0 <= y < h and 0 <= x < w):
        return 0.0
    y0, x0 = int(np.floor(y)), int(np.floor(x))
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    ly = 0.0 if y0 >= h - 1 else y - y0
    lx = 0.0 if x0 >= w - 1 else x - x0
    return ((1 - ly) * (1 - lx) * img[y0, x0] + (1 - ly) * lx * img[y0, x1]
            + ly * (1 - lx) * img[y1, x0] + ly * lx * img[y1, x1])


def _bilinear_v2(img, y, x):
    """DCNv2 sampling: inside (-1, H) x (-1, W), corners outside the image read zero."""
    h, w = img.shape
    if not (-1 < y < h and -1 < x < w):
        return 0.0
    y0, x0 = int(np.floor(y)), int(np.floor(x))
    ly, lx = y - y0, x - x0

    def at(r, q):
        return img[r, q] if 0 <= r < h and 0 <= q < w else 0.0
    return ((1 - ly) * (1 - lx) * at(y0, x0) + (1 - ly) * lx * at(y0, x0 + 1)
            + ly * (1 - lx) * at(y0 + 1, x0) + ly * lx * at(y0 + 1, x0 + 1))


def _ref_deformable(x, offset, mask, weight, bias, kernel, stride=(1, 1), dilate=(1, 1),
                    pad=(0, 0), num_group=1, num_deformable_group=1, sample=_bilinear_v1):
    n, c, h, w = x.shape
    f = weight.shape[0]
    kh, kw = kernel
    ho, wo = offset.shape[2:]
    cols = np.zeros((n, c, kh * kw, ho, wo))
    cpg = c // num_deformable_group
    for b, ch, oy, ox in np.ndindex(n, c, ho, wo):
        g = ch // cpg
        for t in range(kh * kw):
            i, j = divmod(t, kw)
            y = oy * stride[0] - pad[0] + i * dilate[0] + offset[b, g * 2 * kh * kw + 2 * t,
                                                                  oy, ox]
            xx = ox * stride[1] - pad[1] + j * dilate[1] + offset[b, g * 2 * kh * kw + 2 * t
                                                                  + 1, oy, ox]
            m = 1.0 if mask is None else mask[b, g * kh * kw + t, oy, ox]
            cols[b, ch, t, oy, ox] = sample(x[b, ch], y, xx) * m
    fg, cg = f // num_group, c // num_group
    out = np.zeros((n, f, ho, wo))
    for j in range(f):
        grp = j // fg
        patch = cols[:, grp * cg:(grp + 1) * cg].reshape(n, -1, ho, wo)
        out[:, j] = np.einsum("nkyx,k->nyx", patch, weight[j].reshape(-1))
    if bias is not None:
        out += bias.reshape(1, -1, 1, 1)
    return out


def _deform_v1(x, offset, weight, bias=None, **kw):
    kw.pop("num_filter")
    kw.pop("no_bias", None)
    return _ref_deformable(x, offset, None, weight, bias, **kw)


def _deform_v2(x, offset, mask, weight, bias=None, **kw):
    kw.pop("num_filter")
    kw.pop("no_bias", None)
    kw.pop("im2col_step", None)
    return _ref_deformable(x, offset, mask, weight, bias, sample=_bilinear_v2, **kw)


# offsets reach past the image borders; v1 writes its data and offset gradients whatever
# the request (MXNet's kernel), so 'add' is a quirk: recorded in tests/differential (dconv_0)
case("_contrib_DeformableConvolution",
     [U(2, 2, 4, 4), U(2, 18, 4, 4, lo=-1.4, hi=1.4), U(3, 2, 3, 3), U(3)], _deform_v1,
     attrs=dict(kernel=(3, 3), pad=(1, 1), num_filter=3), add=None, id="pad")
case("_contrib_DeformableConvolution",
     [U(1, 4, 5, 4), U(1, 16, 2, 4, lo=-1.4, hi=1.4), U(4, 2, 2, 2)], _deform_v1,
     attrs=dict(kernel=(2, 2), stride=(2, 1), dilate=(1, 2), pad=(0, 1), num_filter=4,
                num_group=2, num_deformable_group=2, no_bias=True), add=None, id="groups")
case("_contrib_ModulatedDeformableConvolution",
     [U(2, 2, 4, 4), U(2, 18, 4, 4, lo=-1.4, hi=1.4), U(2, 9, 4, 4), U(3, 2, 3, 3), U(3)],
     _deform_v2, attrs=dict(kernel=(3, 3), pad=(1, 1), num_filter=3), id="pad")
case("_contrib_ModulatedDeformableConvolution",
     [U(2, 4, 5, 4), U(2, 16, 2, 4, lo=-1.4, hi=1.4), U(2, 8, 2, 4), U(4, 2, 2, 2)],
     _deform_v2, attrs=dict(kernel=(2, 2), stride=(2, 1), dilate=(1, 2), pad=(0, 1),
                            num_filter=4, num_group=2, num_deformable_group=2, no_bias=True,
                            im2col_step=1), id="groups")
# ----------------------------------------------------------------------------- contrib vision
def _bilinear_at(plane, y, x):
    """ROIAlign's bilinear sample of ``plane`` (C, H, W) at one point (roi_align.cc rules)."""
    h, w = plane.shape[1:]
    if y < -1 or y > h or x < -1 or x > w:
        return np.zeros(plane.shape[0])
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    if y0 >= h - 1:
        y0 = y1 = h - 1
        y = float(y0)
    if x0 >= w - 1:
        x0 = x1 = w - 1
        x = float(x0)
    ly, lx = y - y0, x - x0
    return ((1 - ly) * (1 - lx) * plane[:, y0, x0] + (1 - ly) * lx * plane[:, y0, x1]
            + ly * (1 - lx) * plane[:, y1, x0] + ly * lx * plane[:, y1, x1])


def _ref_roi_align(data, rois, pooled_size, spatial_scale, sample_ratio=-1,
                   position_sensitive=False, aligned=False, **kw):
    ph, pw = pooled_size
    c_out = data.shape[1] // (ph * pw) if position_sensitive else data.shape[1]
    out = np.zeros((len(rois), c_out, ph, pw))
    off = 0.5 if aligned else 0.0
    for r, roi in enumerate(rois):
        x1, y1, x2, y2 = (v * spatial_scale - off for v in roi[1:])
        rw, rh = (x2 - x1, y2 - y1) if aligned else (max(x2 - x1, 1), max(y2 - y1, 1))
        gh = sample_ratio if sample_ratio > 0 else int(np.ceil(rh / ph))
        gw = sample_ratio if sample_ratio > 0 else int(np.ceil(rw / pw))
        for i in range(ph):
            for j in range(pw):
                acc = 0
                for iy in range(gh):
                    for ix in range(gw):
                        acc = acc + _bilinear_at(data[int(roi[0])], y1 + (i + (iy + .5) / gh)
                                                 * rh / ph, x1 + (j + (ix + .5) / gw) * rw / pw)
                acc = acc / (gh * gw)
                out[r, :, i, j] = acc[i * pw + j::ph * pw] if position_sensitive else acc
    return out


def _ref_rroi_align(data, rois, pooled_size, spatial_scale, sampling_ratio=-1, **kw):
    ph, pw = pooled_size
    out = np.zeros((len(rois), data.shape[1], ph, pw))
    for r, (b, cx, cy, rw, rh, angle) in enumerate(rois):
        cx, cy = cx * spatial_scale, cy * spatial_scale
        rw, rh = max(rw * spatial_scale, 1), max(rh * spatial_scale, 1)
        cos, sin = np.cos(np.deg2rad(angle)), np.sin(np.deg2rad(angle))
        gh = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rh / ph))
        gw = sampling_ratio if sampling_ratio > 0 else int(np.ceil(rw / pw))
        for i in range(ph):
            for j in range(pw):
                for iy in range(gh):
                    for ix in range(gw):
                        yy = -rh / 2 + (i + (iy + .5) / gh) * rh / ph
                        xx = -rw / 2 + (j + (ix + .5) / gw) * rw / pw
                        out[r, :, i, j] += _bilinear_at(data[int(b)], yy * cos - xx * sin + cy,
                                                        xx * cos + yy * sin + cx) / (gh * gw)
    return out


def _round_c(v):
    return float(np.sign(v) * np.floor(abs(v) + 0.5))


def _ref_psroi(data, rois, spatial_scale, output_dim, pooled_size, group_size=0, **kw):
    k, g = pooled_size, group_size or pooled_size
    h, w = data.shape[2:]
    out = np.zeros((len(rois), output_dim, k, k))
    for r, roi in enumerate(rois):
        x1, y1 = (_round_c(v) * spatial_scale for v in roi[1:3])
        x2, y2 = ((_round_c(v) + 1) * spatial_scale for v in roi[3:5])
        bh, bw = max(y2 - y1, 0.1) / k, max(x2 - x1, 0.1) / k
        for c in range(output_dim):
            for i in range(k):
                for j in range(k):
                    hs, he = (min(max(f(v), 0), h) for f, v in ((np.floor, i * bh + y1),
                                                                 (np.ceil, (i + 1) * bh + y1)))
                    ws, we = (min(max(f(v), 0), w) for f, v in ((np.floor, j * bw + x1),
                                                                 (np.ceil, (j + 1) * bw + x1)))
                    gi, gj = min(int(i * g / k), g - 1), min(int(j * g / k), g - 1)
                    window = data[int(roi[0]), (c * g + gi) * g + gj, int(hs):int(he),
                                  int(ws):int(we)]
                    out[r, c, i, j] = window.mean() if window.size else 0
    return out


def _ref_deformable_psroi(data, rois, trans=None, spatial_scale=1.0, output_dim=1, group_size=1,
                    pooled_size=1, part_size=0, sample_per_part=1, trans_std=0.0, **kw):
    k, g, s = pooled_size, group_size, sample_per_part
    part = part_size or k
    h, w = data.shape[2:]
    classes = 1 if trans is None else trans.shape[1] // 2
    out = np.zeros((len(rois), output_dim, k, k))
    for r, roi in enumerate(rois):
        x1, y1 = (_round_c(v) * spatial_scale - 0.5 for v in roi[1:3])
        x2, y2 = ((_round_c(v) + 1) * spatial_scale - 0.5 for v in roi[3:5])
        rw, rh = max(x2 - x1, 0.1), max(y2 - y1, 0.1)
        for c in range(output_dim):
            cls = c // (output_dim // classes)
            for i in range(k):
                for j in range(k):
                    pi, pj = int(i / k * part), int(j / k * part)
                    tx = 0 if trans is None else trans[r, 2 * cls, pi, pj] * trans_std
                    ty = 0 if trans is None else trans[r, 2 * cls + 1, pi, pj] * trans_std
                    total, n = 0.0, 0
                    for a in range(s):
                        for b in range(s):
                            xx = j * rw / k + x1 + tx * rw + b * rw / k / s
                            yy = i * rh / k + y1 + ty * rh + a * rh / k / s
                            if xx < -0.5 or xx > w - 0.5 or yy < -0.5 or yy > h - 0.5:
                                continue
                            xx, yy = min(max(xx, 0), w - 1), min(max(yy, 0), h - 1)
                            plane = data[int(roi[0]), (c * g + min(i * g // k, g - 1)) * g
                                         + min(j * g // k, g - 1)]
                            x0, y0 = int(np.floor(xx)), int(np.floor(yy))
                            xc, yc = int(np.ceil(xx)), int(np.ceil(yy))
                            dx, dy = xx - x0, yy - y0
                            total += ((1 - dx) * (1 - dy) * plane[y0, x0] + (1 - dx) * dy
                                      * plane[yc, x0] + dx * (1 - dy) * plane[y0, xc]
                                      + dx * dy * plane[yc, xc])
                            n += 1
                    out[r, c, i, j] = total / n if n else 0
    return out


def _ref_adaptive(x, output_size=(), **kw):
    size = tuple(output_size) if isinstance(output_size, tuple) else (output_size,)
    oh, ow = size * 2 if len(size) == 1 else (size if len(size) == 2 else (1, 1))
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            rows = slice(int(np.floor(i * h / oh)), int(np.ceil((i + 1) * h / oh)))
            cols = slice(int(np.floor(j * w / ow)), int(np.ceil((j + 1) * w / ow)))
            out[:, :, i, j] = x[:, :, rows, cols].mean(axis=(2, 3))
    return out


def _ref_resize(x, height=1, width=1, align_corners=True, like=None, **kw):
    ih, iw = x.shape[2:]
    oh, ow = (like.shape[2:] if like is not None else (height, width))
    if (oh, ow) == (ih, iw):
        return x.copy()

    def taps(n_in, n_out):
        scale = ((n_in - 1) / (n_out - 1) if align_corners else n_in / n_out) \
            if n_out > 1 else 0.0
        for d in range(n_out):
            src = scale * d if align_corners else max(scale * (d + 0.5) - 0.5, 0)
            lo = int(src)
            yield lo, lo + (lo < n_in - 1), src - lo

    out = np.zeros(x.shape[:2] + (oh, ow))
    for i, (y0, y1, ly) in enumerate(taps(ih, oh)):
        for j, (x0, x1, lx) in enumerate(taps(iw, ow)):
            out[:, :, i, j] = ((1 - ly) * ((1 - lx) * x[:, :, y0, x0] + lx * x[:, :, y0, x1])
                               + ly * ((1 - lx) * x[:, :, y1, x0] + lx * x[:, :, y1, x1]))
    return out


# regions kept away from pixel centres and map borders, where bilinear sampling has kinks
_VROIS = np.array([[0, 1.2, 0.7, 4.1, 4.6], [1, 0.3, 1.9, 3.2, 5.1], [0, 2.6, 2.2, 5.3, 3.9]])
case("_contrib_ROIAlign", [U(2, 3, 6, 7), _VROIS],
     lambda d, r, **kw: _ref_roi_align(d, r, **kw),
     attrs={"pooled_size": (2, 2), "spatial_scale": 1.0}, wrt=[0])
case("_contrib_ROIAlign", [U(2, 8, 5, 6), _VROIS],
     lambda d, r, **kw: _ref_roi_align(d, r, **kw),
     attrs={"pooled_size": (2, 2), "spatial_scale": 0.5, "sample_ratio": 2,
            "position_sensitive": True, "aligned": True}, wrt=[0], id="ps_aligned")
case("_contrib_RROIAlign", [U(2, 2, 6, 6), np.array([[0, 3.1, 2.7, 3.3, 2.2, 30.0],
                                                     [1, 2.2, 3.4, 2.5, 4.1, -65.0]])],
     lambda d, r, **kw: _ref_rroi_align(d, r, **kw),
     attrs={"pooled_size": (2, 3), "spatial_scale": 1.0})
case("_contrib_PSROIPooling", [U(2, 18, 5, 7), _VROIS * [1, 1, 1, 1, 1]],
     lambda d, r, **kw: _ref_psroi(d, r, **kw),
     attrs={"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 3}, wrt=[0])
case("_contrib_PSROIPooling", [U(1, 8, 7, 6), _VROIS[:, :] * [0, 2, 2, 2, 2]],
     lambda d, r, **kw: _ref_psroi(d, r, **kw),
     attrs={"spatial_scale": 0.5, "output_dim": 2, "pooled_size": 3, "group_size": 2},
     wrt=[0], id="group")
_DTRANS = U(3, 4, 2, 2, lo=-0.5, hi=0.5)
case("_contrib_DeformablePSROIPooling", [U(2, 8, 6, 7), _VROIS, _DTRANS],
     lambda d, r, t, **kw: _ref_deformable_psroi(d, r, t, **kw),
     attrs={"spatial_scale": 1.0, "output_dim": 2, "group_size": 2, "pooled_size": 2,
            "sample_per_part": 2, "trans_std": 0.1}, wrt=[0, 2])
case("_contrib_DeformablePSROIPooling", [U(2, 18, 6, 6), _VROIS],
     lambda d, r, **kw: _ref_deformable_psroi(d, r, **kw),
     attrs={"spatial_scale": 1.0, "output_dim": 2, "group_size": 3, "pooled_size": 3,
            "sample_per_part": 3, "no_trans": True}, wrt=[0], id="no_trans")
case("_contrib_AdaptiveAvgPooling2D", [U(2, 3, 5, 7)], _ref_adaptive,
     attrs={"output_size": (2, 3)})
case("_contrib_AdaptiveAvgPooling2D", [U(1, 2, 2, 3)], _ref_adaptive,
     attrs={"output_size": 4}, id="up")
# MXNet computes the source positions in float32 whatever the data's dtype
_F32_TAPS = dict(atol=1e-6)
case("_contrib_BilinearResize2D", [U(1, 2, 3, 4)], _ref_resize,
     attrs={"height": 5, "width": 7}, **_F32_TAPS)
case("_contrib_BilinearResize2D", [U(2, 1, 4, 5)], _ref_resize,
     attrs={"height": 3, "width": 8, "align_corners": False}, id="half_pixel", **_F32_TAPS)
# the like input takes a zero gradient written whatever the request
case("_contrib_BilinearResize2D", [U(1, 2, 3, 3), U(1, 3, 5, 4)],
     lambda x, like, **kw: _ref_resize(x, like=like, **kw), attrs={"mode": "like"},
     id="like", add=None, **_F32_TAPS)
# ----------------------------------------------------------------------------- detection
def _corner_iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = lambda r: max(r[2] - r[0], 0) * max(r[3] - r[1], 0) * (r[2] >= r[0] and r[3] >= r[1])  # noqa: E731
    inter = w * h
    return 0.0 if inter <= 0 else inter / (area(a) + area(b) - inter)


def _ref_box_nms(x, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2,
                 score_index=1, id_index=-1, force_suppress=False, **kw):
    n, width = x.shape[-2:]
    out = np.full(x.shape, -1.0).reshape(-1, n, width)
    for b, rows in enumerate(x.reshape(-1, n, width)):
        cand = sorted((i for i in range(n) if rows[i, score_index] > valid_thresh),
                      key=lambda i: -rows[i, score_index])[:n if topk < 0 else topk]
        kept = []
        for i in cand:
            box = rows[i, coord_start:coord_start + 4]
            if all(_corner_iou(rows[k, coord_start:coord_start + 4], box) <= overlap_thresh
                   or (id_index >= 0 and not force_suppress
                       and int(rows[k, id_index]) != int(rows[i, id_index])) for k in kept):
                kept.append(i)
        out[b, :len(kept)] = rows[kept]
    return out.reshape(x.shape)


def _ref_box_iou(lhs, rhs, **kw):
    a, b = lhs.reshape(-1, 4), rhs.reshape(-1, 4)
    return np.array([[_corner_iou(u, v) for v in b] for u in a]).reshape(
        lhs.shape[:-1] + rhs.shape[:-1])


def _ref_matching(s, threshold, **kw):
    n, m = s.shape
    rows, cols = np.full(n, -1.0), np.full(m, -1.0)
    for idx in sorted(range(n * m), key=lambda k: -s.flat[k]):
        r, c = divmod(idx, m)
        if rows[r] < 0 and cols[c] < 0:
            if s.flat[idx] <= threshold:
                break
            rows[r], cols[c] = c, r
    return [rows, cols]


def _centre(box):
    w, h = box[..., 2] - box[..., 0], box[..., 3] - box[..., 1]
    return box[..., 0] + w / 2, box[..., 1] + h / 2, w, h


def _ref_box_encode(samples, matches, anchors, refs, means, stds, **kw):
    ref = np.take_along_axis(refs, matches.astype(int)[..., None], axis=1)
    rx, ry, rw, rh = _centre(ref)
    ax, ay, aw, ah = _centre(anchors)
    t = (np.stack([(rx - ax) / aw, (ry - ay) / ah, np.log(rw / aw), np.log(rh / ah)], -1)
         - means) / stds
    valid = (samples > 0.5)[..., None]
    return [np.where(valid, t, 0.0), np.broadcast_to(valid, t.shape).astype(np.float64)]


def _ref_box_decode(x, anchors, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
                    format="center", **kw):  # noqa: A002 -- MXNet's parameter name
    a = anchors if format == "center" else np.stack(_centre(anchors), -1)
    dw, dh = x[..., 2] * std2, x[..., 3] * std3
    if clip > 0:
        dw, dh = np.minimum(dw, clip), np.minimum(dh, clip)
    cx, cy = x[..., 0] * std0 * a[..., 2] + a[..., 0], x[..., 1] * std1 * a[..., 3] + a[..., 1]
    w, h = np.exp(dw) * a[..., 2] / 2, np.exp(dh) * a[..., 3] / 2
    return np.stack([cx - w, cy - h, cx + w, cy + h], -1)


def _ref_prior(data, sizes=(1.0,), ratios=(1.0,), clip=False, **kw):
    h, w = data.shape[2:]
    shapes = [(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]
    out = []
    for r in range(h):
        for c in range(w):
            cy, cx = (r + 0.5) / h, (c + 0.5) / w
            for s, q in shapes:
                bw, bh = s * h / w * np.sqrt(q) / 2, s / np.sqrt(q) / 2
                out.append([cx - bw, cy - bh, cx + bw, cy + bh])
    out = np.array(out)[None]
    return np.clip(out, 0, 1) if clip else out


def _ref_multibox_target(anchor, label, cls_pred, overlap_threshold=0.5, **kw):
    anchors = anchor[0]
    na, var = len(anchors), (0.1, 0.1, 0.2, 0.2)
    loc, mask = np.zeros((len(label), na, 4)), np.zeros((len(label), na, 4))
    cls = np.zeros((len(label), na))
    for b, rows in enumerate(label):
        gts = [g for g in rows if g[0] != -1]
        iou = np.array([[_corner_iou(a, g[1:5]) for g in gts] for a in anchors])
        match = {}
        free = set(range(len(gts)))
        while free:      # the best remaining (anchor, ground truth) pair first
            j, k = max(((j, k) for j in range(na) if j not in match for k in free),
                       key=lambda jk: iou[jk])
            match[j] = k
            free.discard(k)
        for j in range(na):
            if j not in match and iou[j].max() > overlap_threshold:
                match[j] = int(iou[j].argmax())
        for j, k in match.items():
            ax, ay, aw, ah = _centre(anchors[j])
            gx, gy, gw, gh = _centre(gts[k][1:5])
            loc[b, j] = [(gx - ax) / aw / var[0], (gy - ay) / ah / var[1],
                         np.log(gw / aw) / var[2], np.log(gh / ah) / var[3]]
            mask[b, j] = 1
            cls[b, j] = gts[k][0] + 1
    return [loc.reshape(len(label), -1), mask.reshape(len(label), -1), cls]


def _ref_multibox_detection(cls_prob, loc_pred, anchor, threshold=0.01, nms_threshold=0.5,
                            **kw):
    nb, _, na = cls_prob.shape
    out = np.full((nb, na, 6), -1.0)
    var = (0.1, 0.1, 0.2, 0.2)
    for b in range(nb):
        dets = []
        for i in range(na):
            k = int(cls_prob[b, 1:, i].argmax())
            score = cls_prob[b, k + 1, i]
            if score < threshold:
                continue
            ax, ay, aw, ah = _centre(anchor[0, i])
            p = loc_pred[b, 4 * i:4 * i + 4]
            x, y = p[0] * var[0] * aw + ax, p[1] * var[1] * ah + ay
            w, h = np.exp(p[2] * var[2]) * aw / 2, np.exp(p[3] * var[3]) * ah / 2
            dets.append([k, score] + list(np.clip([x - w, y - h, x + w, y + h], 0, 1)))
        dets.sort(key=lambda d: -d[1])
        for i, d in enumerate(dets):
            if d[0] >= 0:
                for e in dets[i + 1:]:
                    if e[0] == d[0] and _corner_iou(d[2:], e[2:]) >= nms_threshold:
                        e[0] = -1
        out[b, :len(dets)] = dets
    return out


def _ref_proposal(cls_prob, bbox_pred, im_info, scales, ratios, feature_stride,
                  rpn_post_nms_top_n, threshold, rpn_pre_nms_top_n=6000, **kw):
    out, scores = [], []
    for b in range(len(cls_prob)):
        s = feature_stride
        base = []
        for r in ratios:
            for q in scales:       # MXNet's anchors: rounded sizes around the cell centre
                w = np.floor(np.sqrt(np.floor(s * s / r)) + 0.5) * q
                h = np.floor(w / q * r + 0.5) * q
                c = (s - 1) / 2
                base.append([c - (w - 1) / 2, c - (h - 1) / 2, c + (w - 1) / 2, c + (h - 1) / 2])
        na, hh, ww = len(base), cls_prob.shape[2], cls_prob.shape[3]
        boxes = []
        real_h, real_w = int(im_info[b, 0] / s), int(im_info[b, 1] / s)
        for y in range(hh):
            for x in range(ww):
                for a in range(na):
                    x1, y1, x2, y2 = np.add(base[a], [x * s, y * s, x * s, y * s])
                    d = bbox_pred[b, 4 * a:4 * a + 4, y, x]
                    bw, bh = x2 - x1 + 1, y2 - y1 + 1
                    cx, cy = x1 + (bw - 1) / 2 + d[0] * bw, y1 + (bh - 1) / 2 + d[1] * bh
                    pw, ph = np.exp(d[2]) * bw, np.exp(d[3]) * bh
                    top = [im_info[b, 1] - 1, im_info[b, 0] - 1] * 2
                    box = np.clip([cx - (pw - 1) / 2, cy - (ph - 1) / 2, cx + (pw - 1) / 2,
                                   cy + (ph - 1) / 2], 0, top)
                    padded = y >= real_h or x >= real_w      # beyond the image: score -1
                    boxes.append(list(box) + [-1.0 if padded else cls_prob[b, na + a, y, x]])
        boxes = sorted(boxes, key=lambda r: -r[4])[:rpn_pre_nms_top_n]
        keep = []
        for r in boxes:
            if len(keep) == rpn_post_nms_top_n:
                break
            if all(_rpn_overlap(k, r) <= threshold for k in keep):
                keep.append(r)
        for i in range(rpn_post_nms_top_n):
            k = keep[i % len(keep)]
            out.append([b] + k[:4])
            scores.append([k[4]])
    return [np.array(out), np.array(scores)]


def _rpn_overlap(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    area = lambda r: (r[2] - r[0] + 1) * (r[3] - r[1] + 1)  # noqa: E731
    return w * h / (area(a) + area(b) - w * h)


_NMS_IN = np.array([[[0, 0.9, 0.1, 0.1, 0.5, 0.5], [0, 0.8, 0.12, 0.1, 0.52, 0.5],
                     [1, 0.7, 0.6, 0.6, 0.9, 0.9], [1, 0.2, 0.0, 0.6, 0.3, 0.9],
                     [0, 0.05, 0.3, 0.3, 0.4, 0.4]],
                    [[2, 0.3, 0.2, 0.2, 0.6, 0.7], [2, 0.6, 0.25, 0.2, 0.6, 0.7],
                     [1, 0.5, 0.22, 0.2, 0.6, 0.7], [0, 0.4, 0.0, 0.0, 0.1, 0.1],
                     [1, 0.45, 0.5, 0.5, 0.55, 0.58]]])
case("_contrib_box_nms", [_NMS_IN.copy()], _ref_box_nms, attrs={"valid_thresh": 0.1},
     add="writes")
# ids off integers: MXNet truncates them, and the differences must not cross an integer
_NMS_IDS = _NMS_IN + np.array([0.5, 0, 0, 0, 0, 0])
case("_contrib_box_nms", [_NMS_IDS], _ref_box_nms, id="classes",
     attrs={"id_index": 0, "topk": 4, "overlap_thresh": 0.4}, add="writes")
_IOU_L = np.array([[0.1, 0.1, 0.5, 0.6], [0.3, 0.2, 0.9, 0.8], [0.0, 0.5, 0.2, 0.9]])
_IOU_R = np.array([[[0.2, 0.2, 0.6, 0.6], [0.7, 0.7, 0.8, 0.9]]])
case("_contrib_box_iou", [_IOU_L, _IOU_R], _ref_box_iou, numeric=False, add="writes")
case("_contrib_bipartite_matching", [U(3, 4, lo=0, hi=1)],
     lambda s, **kw: _ref_matching(s, **kw), attrs={"threshold": 0.3}, numeric=False,
     add="writes")
case("_contrib_box_encode",
     [np.array([[1.0, -1.0, 1.0]]), np.array([[1.0, 0.0, 0.0]]),
      np.array([[[0.1, 0.1, 0.4, 0.5], [0.5, 0.5, 0.9, 0.8], [0.2, 0.3, 0.6, 0.7]]]),
      np.array([[[0.1, 0.2, 0.5, 0.6], [0.0, 0.1, 0.3, 0.4]]]),
      np.array([0.0, 0.1, -0.1, 0.0]), np.array([0.1, 0.1, 0.2, 0.2])],
     _ref_box_encode, index_inputs=(0, 1), numeric=False)
case("_contrib_box_decode", [U(2, 3, 4, lo=-0.5, hi=0.5),
                             np.array([[[0.3, 0.3, 0.2, 0.4], [0.6, 0.5, 0.3, 0.2],
                                        [0.2, 0.7, 0.1, 0.1]]])],
     _ref_box_decode, numeric=False)
case("_contrib_box_decode", [U(2, 3, 4, lo=-1, hi=1),
                             np.array([[[0.1, 0.1, 0.4, 0.5], [0.5, 0.5, 0.9, 0.8],
                                        [0.2, 0.3, 0.6, 0.7]]])],
     _ref_box_decode, attrs={"format": "corner", "clip": 0.3, "std2": 0.5}, numeric=False,
     id="corner")
_F32_ZERO = dict(_F32, numeric=False)
case("_contrib_MultiBoxPrior", [U(1, 2, 3, 4)], _ref_prior,
     attrs={"sizes": (0.5, 0.25), "ratios": (1.0, 2.0, 0.5)}, add="writes", **_F32_ZERO)
case("_contrib_MultiBoxPrior", [U(1, 1, 2, 2)], _ref_prior, id="clip",
     attrs={"sizes": (0.9,), "clip": True}, add="writes", **_F32_ZERO)
case("_contrib_MultiBoxTarget",
     [np.array([[[0.0, 0.0, 0.5, 0.5], [0.5, 0.5, 1.0, 1.0], [0.1, 0.1, 0.6, 0.6],
                 [0.6, 0.0, 1.0, 0.4]]]),
      np.array([[[1, 0.05, 0.05, 0.55, 0.55], [0, 0.55, 0.5, 1.0, 0.95], [-1, -1, -1, -1, -1]],
                [[2, 0.6, 0.05, 0.95, 0.4], [-1, -1, -1, -1, -1], [-1, -1, -1, -1, -1]]]),
      U(2, 3, 4)],
     _ref_multibox_target, attrs={"overlap_threshold": 0.4}, add=None,
     **_F32_ZERO)
case("_contrib_MultiBoxDetection",
     [np.array([[[0.1, 0.2, 0.7, 0.3], [0.8, 0.1, 0.2, 0.65], [0.1, 0.7, 0.1, 0.05]]]),
      U(1, 16, lo=-0.5, hi=0.5),
      np.array([[[0.1, 0.1, 0.4, 0.4], [0.12, 0.1, 0.42, 0.4], [0.5, 0.5, 0.8, 0.9],
                 [0.55, 0.5, 0.8, 0.9]]])],
     _ref_multibox_detection, attrs={"threshold": 0.3}, add="writes", **_F32_ZERO)
_RPN = {"scales": (2.0, 4.0), "ratios": (0.5, 1.0), "feature_stride": 8, "rpn_min_size": 0,
        "rpn_pre_nms_top_n": 20, "rpn_post_nms_top_n": 6, "threshold": 0.6}
case("_contrib_Proposal", [U(1, 8, 3, 4, lo=0, hi=1), U(1, 16, 3, 4, lo=-0.2, hi=0.2),
                           np.array([[24.0, 32.0, 1.0]])],
     _ref_proposal, attrs=dict(_RPN, output_score=True), **_F32_ZERO)
case("_contrib_MultiProposal", [U(2, 8, 3, 4, lo=0, hi=1), U(2, 16, 3, 4, lo=-0.2, hi=0.2),
                                np.array([[24.0, 32.0, 1.0], [20.0, 30.0, 1.0]])],
     lambda c, b, i, **kw: _ref_proposal(c, b, i, **kw)[0], attrs=_RPN, **_F32_ZERO)


# ----------------------------------------------------------------------------- misc_extra
def _bn_infer(x, g, b, mm, mv, fix_gamma=True, eps=1e-3, **kw):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    g = np.ones_like(g) if fix_gamma else g
    return (x - mm.reshape(shape)) / np.sqrt(mv.reshape(shape) + eps) * g.reshape(shape) \
        + b.reshape(shape)


# MXNet runs it for 4-D float32 data only (its oneDNN build)
case("_contrib_BatchNormWithReLU", [U(2, 3, 2, 2), U(3), U(3), U(3), U(3, lo=0.5, hi=2)],
     lambda *a, **kw: np.maximum(_bn_infer(*a, fix_gamma=False), 0),
     attrs={"fix_gamma": False, "use_global_stats": True}, id="global", dtype="float32",
     eps=1e-3, grad_rtol=2e-2, rtol=1e-5, atol=1e-6)
# beta keeps most outputs away from the ReLU's kink (float32 central differences)
case("_contrib_BatchNormWithReLU", [U(2, 3, 2, 1), U(3), U(3, lo=0.5, hi=1), U(3),
                                    U(3, lo=0.5, hi=2)],
     lambda *a, **kw: np.maximum(_bn_infer(*a), 0), attrs={"use_global_stats": True},
     id="global-fix_gamma", dtype="float32", eps=1e-3, grad_rtol=2e-2, rtol=1e-5, atol=1e-6,
     add=None)     # float32 runs oneDNN, which zeroes gamma's gradient for 'add' too
# MXNet's legacy kernel reads float32 only
case("_contrib_SyncBatchNorm", [U(4, 3), U(3), U(3), U(3), U(3, lo=0.5, hi=2)],
     lambda *a, **kw: _bn_infer(*a, fix_gamma=False),
     attrs={"fix_gamma": False, "use_global_stats": True, "key": "k"}, id="global",
     dtype="float32", eps=1e-3, grad_rtol=2e-2, rtol=1e-5, atol=1e-6)
case("_contrib_SyncBatchNorm", [U(2, 3, 2, 2), U(3), U(3), U(3), U(3, lo=0.5, hi=2)],
     lambda *a, **kw: _bn_infer(*a), attrs={"key": "k", "ndev": 1, "use_global_stats": True},
     id="global-fix_gamma", dtype="float32", eps=1e-3, grad_rtol=2e-2, rtol=1e-5, atol=1e-6)
case("amp_cast", [U(2, 3).astype(np.int32)], lambda x, **kw: x, attrs={"dtype": "float16"},
     id="int-unchanged", index_inputs=(0,))
# no cast, no copy: MXNet's in-place gradient ignores 'add'
case("amp_cast", [U(2, 3)], lambda x, **kw: x.astype(np.float32), attrs={"dtype": "float32"},
     dtype="float32", eps=1e-3, grad_rtol=1e-2, add=None)
case("amp_multicast", [U(2, 3), U(4)], lambda a, b, **kw: [a.astype(np.float32),
                                                          b.astype(np.float32)],
     attrs={"num_outputs": 2}, dtype="float32", eps=1e-3, grad_rtol=1e-2, add=None)
case("amp_multicast", [U(2, 3), U(4)], lambda a, b, **kw: [a.astype(np.float32),
                                                          b.astype(np.float32)],
     attrs={"num_outputs": 2, "cast_narrow": True}, dtype="float32", eps=1e-3, grad_rtol=1e-2,
     id="narrow", add=None)
case("_linspace", [], lambda **kw: np.linspace(1.0, 2.0, 5),
     attrs={"start": 1.0, "stop": 2.0, "num": 5, "dtype": "float64"})
case("_linspace", [], lambda **kw: np.linspace(0.0, 1.0, 4, endpoint=False),
     attrs={"start": 0.0, "stop": 1.0, "num": 4, "endpoint": False, "dtype": "float64"},
     id="open")
# the colour augmentations with fixed factors; their gradient is the head gradient (_copy)
_IMG = U(3, 4, 3, lo=0, hi=255)
_GW = np.array([0.299, 0.587, 0.114])
case("_image_adjust_lighting", [_IMG], lambda x, **kw: x + np.array(
    [[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
     [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
     [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]]) @ np.array([0.1, 0.2, 0.3]),
     attrs={"alpha": (0.1, 0.2, 0.3)}, numeric=False, rtol=1e-5, atol=1e-3)
case("_image_random_lighting", [_IMG], lambda x, **kw: x, attrs={"alpha_std": 0.0},
     numeric=False)
case("_image_random_brightness", [_IMG], lambda x, **kw: 1.5 * x,
     attrs={"min_factor": 1.5, "max_factor": 1.5}, numeric=False, rtol=1e-5)
case("_image_random_contrast", [_IMG], lambda x, **kw: 0.5 * x + 0.5 * (x * _GW).sum(-1).mean(),
     attrs={"min_factor": 0.5, "max_factor": 0.5}, numeric=False, rtol=1e-5, atol=1e-3)
case("_image_random_saturation", [_IMG],
     lambda x, **kw: 0.5 * x + 0.5 * 0.114 * x[..., 2:3],
     attrs={"min_factor": 0.5, "max_factor": 0.5}, numeric=False, rtol=1e-5, atol=1e-3)
case("_image_random_hue", [_IMG], lambda x, **kw: x,
     attrs={"min_factor": 0.0, "max_factor": 0.0}, numeric=False, rtol=1e-4, atol=1e-3)
case("_image_random_hue", [U(2, 2, 1)], lambda x, **kw: x, id="gray",
     attrs={"min_factor": 0.2, "max_factor": 0.4}, numeric=False)
case("_image_random_color_jitter", [_IMG], lambda x, **kw: np.zeros_like(x),
     attrs={"brightness": 0, "contrast": 0, "saturation": 0, "hue": 0}, numeric=False)
# a 1 x 1 image is its own mirror image
case("_image_random_flip_left_right", [U(1, 1, 3)], lambda x, **kw: x, numeric=False)
case("_image_random_flip_top_bottom", [U(1, 1, 3)], lambda x, **kw: x, numeric=False)
case("_image_resize", [U(4, 3, 3)], lambda x, **kw: x, attrs={"size": (3, 4)}, id="same")
case("_image_resize", [U(2, 4, 3, 1)], lambda x, **kw: x, attrs={"size": (3, 4), "interp": 2},
     id="batch-same")
case("_image_resize", [np.arange(24.0).reshape(2, 4, 3)],
     lambda x, **kw: np.repeat(np.repeat(x, 2, 0), 2, 1), attrs={"size": (8, 4), "interp": 0},
     id="nearest-up", index_inputs=(0,))


# ----------------------------------------------------------------------------- storage
# (last: the rows above draw their inputs from one generator, in order)
# SparseEmbedding parses an older struct: dtype float64 is among its types too
case("_contrib_SparseEmbedding", [I(2, 3, lo=0, hi=4), U(5, 3)],
     lambda i, w, **kw: w[i.astype(int)],
     attrs={"input_dim": 5, "output_dim": 3, "dtype": "float64"}, index_inputs=(0,))
# symnb's arrays are dense: every storage type gives the same values (storage.py)
for _stype in ("default", "csr", "row_sparse"):
    case("cast_storage", [U(3, 4)], lambda a, **kw: a, attrs={"stype": _stype},
         id="cast_storage_" + _stype)
