"""Elementwise families as tables: unary math, binary (same shape), broadcast, scalar.

Each row is (name, aliases, forward, derivative): the derivative returns the input gradient
from ``(g, x, y, out)`` / ``(g, x, out)``. ``_family`` helpers turn a row into an OpDef
subclass, so a family fits on one screen and every row is an ordinary registered operator.
"""
from __future__ import annotations

import math

import numpy as np

from . import _onednn
from ._params import Param
from ._registry import InferError, OpDef, assign, register
from ._rules import elemwise_shape, fmt_shape, uniform_type
from ._zeros import prepared_relu, relu_into

__all__ = ["unbroadcast"]

_LN10, _LN2 = math.log(10.0), math.log(2.0)


def _zero(g, *args):
    return None


def _round_half_away(xp, x):
    # MXNet's round is C's round(): halves go away from zero (NumPy rounds to even).
    return xp.sign(x) * xp.floor(xp.abs(x) + 0.5)


# ----------------------------------------------------------------------------- unary math
class Ufunc:
    """A forward that is one array-API ufunc (``xp.<name>``). The executor's fast path runs it
    as one call with ``out=`` on float arrays; ``general`` (default: the ufunc) serves every
    dtype where integer semantics differ (MXNet's integer division truncates)."""

    __slots__ = ("name", "general", "reverse")

    def __init__(self, name, general=None, reverse=False):
        self.name, self.general, self.reverse = name, general, reverse

    def __call__(self, xp, *args):
        if self.general is not None:
            return self.general(xp, *args)
        f = getattr(xp, self.name)
        return f(*reversed(args)) if self.reverse else f(*args)


# MXNet's constants are float expressions (180.0f / PI with a float PI), in every dtype
_DEG = float(np.float32(180.0) / np.float32(math.pi))
_RAD = float(np.float32(math.pi) / np.float32(180.0))


def _degrees(xp, x):
    return x * _DEG


def _radians(xp, x):
    return x * _RAD
# below this many elements NumPy's pass beats a oneDNN call's set-up
_ONEDNN_MIN_SIZE = 1 << 15


def _mx_sign(xp, x):
    # MXNet's sign is a < 0 ? -1 : a > 0 ? 1 : 0, so NaN gives 0 (NumPy's gives NaN)
    return xp.nan_to_num(xp.sign(x), copy=False)


def _relu(xp, x):
    out = xp.empty_like(x)
    relu_into(xp, x, out)
    return out


# name, aliases, forward (Ufunc or f(xp, x)), d/dx(xp, g, x, out) or None for zero gradient,
# loss_head, doc
UNARY = [
    ("abs", ("_sparse_abs",), Ufunc("abs"), lambda xp, g, x, y: g * _mx_sign(xp, x),
     False, "Absolute value."),
    ("negative", ("_sparse_negative",), Ufunc("negative"), lambda xp, g, x, y: -g, False,
     "Numerical negative."),
    ("reciprocal", (), Ufunc("reciprocal", lambda xp, x: 1 / x),
     lambda xp, g, x, y: -g * y * y, False, "Reciprocal ``1/x``."),
    ("square", ("_sparse_square",), Ufunc("square"), lambda xp, g, x, y: 2 * g * x, False,
     "Square."),
    ("sqrt", ("_sparse_sqrt",), Ufunc("sqrt"), lambda xp, g, x, y: g / (2 * y),
     False, "Square root."),
    ("rsqrt", ("_sparse_rsqrt",), lambda xp, x: 1 / xp.sqrt(x),
     lambda xp, g, x, y: -0.5 * g * y * y * y, False, "Reciprocal square root."),
    ("cbrt", ("_sparse_cbrt",), Ufunc("cbrt"), lambda xp, g, x, y: g / (3 * y * y), False,
     "Cube root."),
    ("rcbrt", (), lambda xp, x: 1 / xp.cbrt(x), lambda xp, g, x, y: -g * y / (3 * x), False,
     "Reciprocal cube root ``1/cbrt(x)``."),
    ("exp", ("_sparse_exp",), Ufunc("exp"), lambda xp, g, x, y: g * y, False,
     "Exponential."),
    ("expm1", ("_sparse_expm1",), Ufunc("expm1"), lambda xp, g, x, y: g * (y + 1),
     False, "``exp(x) - 1``."),
    ("log", ("_sparse_log",), Ufunc("log"), lambda xp, g, x, y: g / x, False,
     "Natural logarithm."),
    ("log10", ("_sparse_log10",), Ufunc("log10"),
     lambda xp, g, x, y: g / (x * _LN10), False, "Base-10 logarithm."),
    ("log2", ("_sparse_log2",), Ufunc("log2"), lambda xp, g, x, y: g / (x * _LN2),
     False, "Base-2 logarithm."),
    ("log1p", ("_sparse_log1p",), Ufunc("log1p"), lambda xp, g, x, y: g / (1 + x),
     False, "``log(1 + x)``."),
    ("sin", ("_sparse_sin",), Ufunc("sin"), lambda xp, g, x, y: g * xp.cos(x),
     False, "Sine."),
    ("cos", ("_sparse_cos",), Ufunc("cos"), lambda xp, g, x, y: -g * xp.sin(x),
     False, "Cosine."),
    ("tan", ("_sparse_tan",), Ufunc("tan"), lambda xp, g, x, y: g * (1 + y * y),
     False, "Tangent."),
    ("arcsin", ("_sparse_arcsin",), Ufunc("arcsin"),
     lambda xp, g, x, y: g / xp.sqrt(1 - x * x), False, "Inverse sine."),
    ("arccos", ("_sparse_arccos",), Ufunc("arccos"),
     lambda xp, g, x, y: -g / xp.sqrt(1 - x * x), False, "Inverse cosine."),
    ("arctan", ("_sparse_arctan",), Ufunc("arctan"), lambda xp, g, x, y: g / (1 + x * x),
     False, "Inverse tangent."),
    ("degrees", ("_sparse_degrees",), _degrees, lambda xp, g, x, y: g * _DEG, False,
     "Radians to degrees."),
    ("radians", ("_sparse_radians",), _radians, lambda xp, g, x, y: g * _RAD, False,
     "Degrees to radians."),
    ("sinh", ("_sparse_sinh",), Ufunc("sinh"), lambda xp, g, x, y: g * xp.cosh(x), False,
     "Hyperbolic sine."),
    ("cosh", ("_sparse_cosh",), Ufunc("cosh"), lambda xp, g, x, y: g * xp.sinh(x), False,
     "Hyperbolic cosine."),
    ("tanh", ("_sparse_tanh",), Ufunc("tanh"), lambda xp, g, x, y: g * (1 - y * y),
     False, "Hyperbolic tangent."),
    ("arcsinh", ("_sparse_arcsinh",), Ufunc("arcsinh"),
     lambda xp, g, x, y: g / xp.sqrt(x * x + 1), False, "Inverse hyperbolic sine."),
    ("arccosh", ("_sparse_arccosh",), Ufunc("arccosh"),
     lambda xp, g, x, y: g / xp.sqrt(x * x - 1), False, "Inverse hyperbolic cosine."),
    ("arctanh", ("_sparse_arctanh",), Ufunc("arctanh"), lambda xp, g, x, y: g / (1 - x * x),
     False, "Inverse hyperbolic tangent."),
    ("sigmoid", ("_sparse_sigmoid",), lambda xp, x: 1 / (1 + xp.exp(-x)),
     lambda xp, g, x, y: g * y * (1 - y), False, "Logistic sigmoid."),
    ("relu", ("_sparse_relu",), _relu,
     lambda xp, g, x, y: g * xp.sign(y), False, "Rectified linear unit ``max(x, 0)``."),
    ("softsign", (), lambda xp, x: x / (1 + xp.abs(x)),
     lambda xp, g, x, y: g / ((1 + xp.abs(x)) ** 2), False, "``x / (1 + |x|)``."),
    ("sign", ("_sparse_sign",), _mx_sign, lambda xp, g, x, y: g * 0, False,
     "Sign (-1, 0, 1); zero gradient."),
    ("floor", ("_sparse_floor",), Ufunc("floor"), None, True, "Floor."),
    ("ceil", ("_sparse_ceil",), Ufunc("ceil"), None, True, "Ceiling."),
    ("round", ("_sparse_round",), _round_half_away, None, True,
     "Round half away from zero."),
    ("rint", ("_sparse_rint",), Ufunc("rint"), None, True,
     "Round to the nearest integer, halves to even."),
    ("fix", ("_sparse_fix",), Ufunc("trunc"), None, True, "Round toward zero."),
    ("trunc", ("_sparse_trunc",), Ufunc("trunc"), None, True,
     "Truncate toward zero."),
    ("logical_not", (), lambda xp, x: (x == 0).astype(x.dtype), None, True,
     "Logical not: 1 where ``x`` is 0, else 0."),
]


def _unary_erf_fwd(rt, x):
    return rt.erf(x)


def _float(*arrays):
    return all(a.dtype.kind == "f" for a in arrays)


class _Unary(OpDef):
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)
    family = "elementwise"
    fwd = None
    grad = None

    def prepare_forward(self, p, ins, outs, rt):
        fwd = type(self).fwd
        if fwd is _relu:
            run = prepared_relu(rt.xp, ins[0], outs[0])
            if run is not None:
                return run
        if not isinstance(fwd, Ufunc) or not _float(ins[0], outs[0]):
            return None
        f, x, o = getattr(rt.xp, fwd.name), ins[0], outs[0]
        return lambda is_train: f(x, out=o)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).fwd(rt.xp, ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        grad = type(self).grad
        if igrads[0] is None:
            return
        if grad is None or ograds[0] is None:
            if reqs[0] == "write":
                igrads[0][...] = 0
            return
        assign(igrads[0], grad(rt.xp, ograds[0], ins[0], outs[0]), reqs[0])


def _example(name, doc):
    return ("%s\n\n    >>> import symnb as mx\n    >>> mx.nd.%s(mx.nd.array([0.5, 2.0])).shape\n"
            "    (2,)\n" % (doc, name))


for _name, _aliases, _fwd, _grad, _loss, _doc in UNARY:
    register(type(_name, (_Unary,), {
        "name": _name, "aliases": _aliases, "fwd": staticmethod(_fwd),
        "grad": None if _grad is None else staticmethod(_grad), "loss_head": _loss,
        # the rounding family and logical_not: MXNet's MakeZeroGradNodes
        "zero_gradient": _loss and _grad is None,
        "__doc__": _example(_name, _doc), "__module__": __name__}))


@register
class erf(_Unary):  # noqa: N801 -- MXNet's operator name
    """Gauss error function.

    >>> import symnb as mx
    >>> float(mx.nd.erf(mx.nd.array([1.0])).asscalar())  # doctest: +ELLIPSIS
    0.8427...
    """

    name = "erf"

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.erf(ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x = rt.xp, ins[0]
        assign(igrads[0], ograds[0] * (2 / math.sqrt(math.pi)) * xp.exp(-x * x), reqs[0])


class _Special(_Unary):
    """Unary functions the array libraries lack (the backend provides them: ``rt.<name>``),
    with ``d/dx`` from the input, the output and the backend."""

    special = ""

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = getattr(rt, self.special)(ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0] * type(self).slope(rt, ins[0], outs[0]), reqs[0])


# name, backend function, slope(rt, x, y), doc (example value for x = 0.5)
SPECIAL = [
    ("erfinv", "erfinv", lambda rt, x, y: (math.sqrt(math.pi) / 2) * rt.xp.exp(y * y),
     "Inverse error function.", "0.4769..."),
    ("gamma", "gamma", lambda rt, x, y: y * rt.digamma(x), "Gamma function.", "1.7724..."),
    ("gammaln", "gammaln", lambda rt, x, y: rt.digamma(x),
     "Log of the absolute value of the gamma function.", "0.5723..."),
]

for _name, _special, _slope, _doc, _value in SPECIAL:
    register(type(_name, (_Special,), {
        "name": _name, "aliases": () if _name == "erfinv" else ("_sparse_" + _name,),
        "special": _special, "slope": staticmethod(_slope), "__module__": __name__,
        "__doc__": ("%s\n\n    >>> import symnb as mx\n    >>> float(mx.nd.%s(mx.nd.array("
                    "[0.5])).asscalar())  # doctest: +ELLIPSIS\n    %s\n"
                    % (_doc, _name, _value))}))


# ----------------------------------------------------------------------------- binary
def _floor_mod(xp, l, r):
    if l.dtype.kind == "f":
        return l - xp.floor(l / r) * r
    with np.errstate(divide="ignore"):      # integer x % 0 is 0 (as NumPy), quietly
        return xp.mod(l, r)


def _float_grad(d):
    """MXNet's mod_grad/mod_rgrad/rmod_grad are specialised for float types only; for
    integer dtypes the generic template returns 0 (no division by a zero divisor)."""
    def grad(xp, g, x, *rest):
        return d(xp, g, x, *rest) if x.dtype.kind == "f" else xp.zeros_like(g)
    return grad


# name, aliases, broadcast name, broadcast aliases, forward (Ufunc or f(xp, l, r)),
# d/dl(xp, g, l, r, out), d/dr(...), fast gradients of the same-shape form (per input:
# 'copy' g, 'neg' -g, 'mul' g * other operand; None: the generic backward)
BINARY = [
    ("elemwise_add", ("_Plus", "_add", "_plus", "_sparse_elemwise_add"), "broadcast_add",
     ("_sparse_broadcast_add", "_sparse_broadcast_plus", "broadcast_plus"),
     Ufunc("add"), lambda xp, g, l, r, y: g, lambda xp, g, l, r, y: g, ("copy", "copy")),
    ("elemwise_sub", ("_Minus", "_minus", "_sparse_elemwise_sub", "_sub"), "broadcast_sub",
     ("_sparse_broadcast_minus", "_sparse_broadcast_sub", "broadcast_minus"),
     Ufunc("subtract"), lambda xp, g, l, r, y: g, lambda xp, g, l, r, y: -g, ("copy", "neg")),
    ("elemwise_mul", ("_Mul", "_mul", "_sparse_elemwise_mul"), "broadcast_mul",
     ("_sparse_broadcast_mul",), Ufunc("multiply"),
     lambda xp, g, l, r, y: g * r, lambda xp, g, l, r, y: g * l, ("mul", "mul")),
    ("elemwise_div", ("_Div", "_div", "_sparse_elemwise_div"), "broadcast_div",
     ("_sparse_broadcast_div",),
     Ufunc("true_divide", lambda xp, l, r: _true_div(xp, l, r)), lambda xp, g, l, r, y: g / r,
     lambda xp, g, l, r, y: -g * l / (r * r), None),
    ("_mod", ("_Mod",), "broadcast_mod", (), _floor_mod,
     _float_grad(lambda xp, g, l, r, y: g),
     _float_grad(lambda xp, g, l, r, y: -g * xp.floor(l / r)), None),
    ("_power", ("_Power",), "broadcast_power", (), lambda xp, l, r: l ** r,
     lambda xp, g, l, r, y: g * r * l ** (r - 1), lambda xp, g, l, r, y: g * y * xp.log(l),
     None),
    ("_maximum", ("_Maximum",), "broadcast_maximum", (), Ufunc("maximum"),
     lambda xp, g, l, r, y: g * (l >= r), lambda xp, g, l, r, y: g * (l < r), None),
    ("_minimum", ("_Minimum",), "broadcast_minimum", (), Ufunc("minimum"),
     lambda xp, g, l, r, y: g * (l <= r), lambda xp, g, l, r, y: g * (l > r), None),
    ("_hypot", ("_Hypot",), "broadcast_hypot", (), Ufunc("hypot"),
     lambda xp, g, l, r, y: g * l / y, lambda xp, g, l, r, y: g * r / y, None),
]
COMPARE = [
    ("_equal", ("_Equal",), "broadcast_equal", lambda xp, l, r: l == r),
    ("_not_equal", ("_Not_Equal",), "broadcast_not_equal", lambda xp, l, r: l != r),
    ("_greater", ("_Greater",), "broadcast_greater", lambda xp, l, r: l > r),
    ("_greater_equal", ("_Greater_Equal",), "broadcast_greater_equal", lambda xp, l, r: l >= r),
    ("_lesser", ("_Lesser",), "broadcast_lesser", lambda xp, l, r: l < r),
    ("_lesser_equal", ("_Lesser_Equal",), "broadcast_lesser_equal", lambda xp, l, r: l <= r),
    ("_logical_and", ("_Logical_And",), "broadcast_logical_and",
     lambda xp, l, r: xp.logical_and(l, r)),
    ("_logical_or", ("_Logical_Or",), "broadcast_logical_or",
     lambda xp, l, r: xp.logical_or(l, r)),
    ("_logical_xor", ("_Logical_Xor",), "broadcast_logical_xor",
     lambda xp, l, r: xp.logical_xor(l, r)),
]


def _true_div(xp, l, r):
    if l.dtype.kind in "iu":
        return xp.trunc(l / r).astype(l.dtype)   # integer division truncates toward zero
    return l / r


def unbroadcast(xp, g, shape):
    """Sum ``g`` down to ``shape`` (reverse of numpy broadcasting)."""
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, d in enumerate(shape)
                                       if d == 1 and g.shape[i + extra] != 1)
    return g.sum(axis=axes).reshape(shape)


class _Binary(OpDef):
    inputs = ("lhs", "rhs")
    family = "elementwise"
    fwd = dl = dr = None
    grad_into = None                # per input: 'copy' / 'neg' / 'mul' (see BINARY)
    lhs_grad_in_place = False       # MXNet's _backward_add quirk (see _aliased_add)

    def prepare_forward(self, p, ins, outs, rt):
        fwd = type(self).fwd
        if not isinstance(fwd, Ufunc) or not _float(ins[0], ins[1], outs[0]):
            return None
        f, l, r, o = getattr(rt.xp, fwd.name), ins[0], ins[1], outs[0]
        if fwd.name == "add" and rt.xp is np and o.size >= _ONEDNN_MIN_SIZE:
            # in a plan with oneDNN convolutions: on both cores (ResNet's residual adds)
            return lambda is_train: _onednn.add(l, r, o) or f(l, r, out=o)
        return lambda is_train: f(l, r, out=o)

    def prepare_backward(self, p, ins, outs, ograds, igrads, reqs, rt):
        # same-shape add/sub/mul: gradients without temporaries
        kinds = type(self).grad_into
        if kinds is None or ograds[0] is None or not _float(ins[0], ins[1]) or \
                (self.lhs_grad_in_place and reqs[0] == "add" and igrads[0] is not None):
            return None
        xp, g, l, r = rt.xp, ograds[0], ins[0], ins[1]
        calls = []
        for i, (buf, req, kind) in enumerate(zip(igrads, reqs, kinds, strict=True)):
            if buf is None:
                continue
            if kind == "mul":
                calls.append(_mul_into(xp, g, r if i == 0 else l, buf, req))
            elif kind == "neg":
                calls.append(_neg_into(xp, g, buf, req))
            else:
                calls.append(_copy_into(xp, g, buf, req))

        def run(is_train):
            for call in calls:
                call()
        return run

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).fwd(rt.xp, ins[0], ins[1])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        cls, xp = type(self), rt.xp
        l, r, y, g = ins[0], ins[1], outs[0], ograds[0]
        if self.lhs_grad_in_place and _aliased_add(xp, g, igrads, reqs):
            return
        for i, d in enumerate((cls.dl, cls.dr)):
            if igrads[i] is None:
                continue
            if d is None or g is None:
                if reqs[i] == "write":
                    igrads[i][...] = 0
                continue
            assign(igrads[i], unbroadcast(xp, d(xp, g, l, r, y), ins[i].shape), reqs[i])


def _aliased_add(xp, g, igrads, reqs):
    """MXNet's ``_backward_add`` runs in place on the lhs gradient: when that gradient is
    added to ('add'), the rhs receives the *updated* lhs buffer, not the head gradient
    (recorded from MXNet 1.9.1: rhs = lhs_old + g, or rhs_old + lhs_old + g with 'add')."""
    if reqs[0] != "add" or igrads[0] is None or g is None:
        return False
    igrads[0] += g
    if igrads[1] is not None:
        assign(igrads[1], igrads[0], reqs[1])
    return True


def _copy_into(xp, g, buf, req):
    if xp is np and g.size >= _ONEDNN_MIN_SIZE:       # oneDNN's two cores, in its plans
        if req == "add":
            return lambda: _onednn.add(buf, g, buf) or xp.add(buf, g, out=buf)
        return lambda: _onednn.copy(g, buf) or xp.copyto(buf, g)
    if req == "add":
        return lambda: xp.add(buf, g, out=buf)
    return lambda: xp.copyto(buf, g)


def _neg_into(xp, g, buf, req):
    if req == "add":
        return lambda: xp.subtract(buf, g, out=buf)
    return lambda: xp.negative(g, out=buf)


def _mul_into(xp, g, other, buf, req):
    if req == "add":
        return lambda: xp.add(buf, g * other, out=buf)
    return lambda: xp.multiply(g, other, out=buf)


def broadcast_shape(l, r):
    """MXNet's BinaryBroadcastShapeCompact rule, with its error text."""
    if l is None or r is None:
        return None
    given = l, r        # the message shows the shapes as given, not padded
    if len(l) != len(r):
        n = max(len(l), len(r))
        l = (1,) * (n - len(l)) + tuple(l)
        r = (1,) * (n - len(r)) + tuple(r)
    out = []
    for a, b in zip(l, r, strict=True):
        if a == b or b == 1:
            out.append(a)
        elif a == 1:
            out.append(b)
        elif a == 0 or b == 0:
            out.append(0)
        else:
            raise InferError("Check failed: l == 1 || r == 1: operands could not be broadcast "
                             "together with shapes %s %s" % tuple(map(fmt_shape, given)))
    return tuple(out)


class _Broadcast(_Binary):
    family = "broadcast"

    def infer_shape(self, p, ins, outs):
        shape = broadcast_shape(ins[0], ins[1])
        if shape is not None:
            outs[0] = shape


class _Compare:
    # comparisons and logical operators: MXNet's MakeZeroGradNodes (no head gradient needed,
    # and nothing upstream needs a gradient on their account)
    loss_head = True
    zero_gradient = True
    dl = dr = None

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).fwd(rt.xp, ins[0], ins[1])


def _doc(name, text):
    return ("%s\n\n    >>> import symnb as mx\n    >>> a, b = mx.sym.var('a'), mx.sym.var('b')\n"
            "    >>> mx.sym.%s(a, b).list_arguments()\n    ['a', 'b']\n"
            % (text, name.lstrip("_") if name.startswith("broadcast") else name)) \
        if name.startswith("broadcast") else \
        ("%s\n\n    >>> import symnb as mx\n    >>> a, b = mx.sym.var('a'), mx.sym.var('b')\n"
         "    >>> mx.sym._internal.%s(a, b).infer_shape(a=(2, 3))[1]\n    [(2, 3)]\n"
         % (text, name) if name.startswith("_") else
         "%s\n\n    >>> import symnb as mx\n    >>> a, b = mx.sym.var('a'), mx.sym.var('b')\n"
         "    >>> mx.sym.%s(a, b).infer_shape(a=(2, 3))[1]\n    [(2, 3)]\n" % (text, name))


def _register_binary(name, aliases, base, fwd, dl, dr, extra=(), **more):
    attrs = {"name": name, "aliases": aliases, "fwd": staticmethod(fwd), **more,
             "dl": None if dl is None else staticmethod(dl),
             "dr": None if dr is None else staticmethod(dr),
             "__doc__": _doc(name, "Elementwise ``%s``." % name), "__module__": __name__}
    register(type(name, tuple(extra) + (base,), attrs))


for _n, _al, _bn, _bal, _f, _dl, _dr, _into in BINARY:
    _register_binary(_n, _al, _Binary, _f, _dl, _dr, grad_into=_into,
                     lhs_grad_in_place=_n == "elemwise_add",
                     clone_gradient=_n == "elemwise_add")
    _register_binary(_bn, _bal, _Broadcast, _f, _dl, _dr)
# the dense form of MXNet's sparse-preserving division
_register_binary("_scatter_elemwise_div", (), _Binary, *BINARY[3][4:7])
for _n, _al, _bn, _f in COMPARE:
    if _n:
        _register_binary(_n, _al, _Binary, _f, None, None, extra=(_Compare,))
    _register_binary(_bn, (), _Broadcast, _f, None, None, extra=(_Compare,))


# ----------------------------------------------------------------------------- scalar
_SCALAR_PARAMS = (
    Param("scalar", "double, optional, default=1", "Scalar input value"),
    Param("is_int", "boolean, optional, default=1",
          "Indicate whether scalar input is int type"),
)

# name, aliases, forward (Ufunc or f(xp, x, s); a reversed Ufunc puts the scalar on the
# left), d/dx(xp, g, x, s, out) (None: zero gradient, comparison)
SCALAR = [
    ("_plus_scalar", ("_PlusScalar",), Ufunc("add"), lambda xp, g, x, s, y: g),
    ("_minus_scalar", ("_MinusScalar",), Ufunc("subtract"), lambda xp, g, x, s, y: g),
    ("_rminus_scalar", ("_RMinusScalar",), Ufunc("subtract", reverse=True),
     lambda xp, g, x, s, y: -g),
    ("_mul_scalar", ("_MulScalar",), Ufunc("multiply"), lambda xp, g, x, s, y: g * s),
    ("_div_scalar", ("_DivScalar",), Ufunc("true_divide", lambda xp, x, s: _true_div(xp, x, s)),
     lambda xp, g, x, s, y: g / s),
    ("_rdiv_scalar", ("_RDivScalar",),
     Ufunc("true_divide", lambda xp, x, s: _true_div(xp, xp.full_like(x, s), x), reverse=True),
     lambda xp, g, x, s, y: -g * s / (x * x)),
    ("_mod_scalar", ("_ModScalar",), lambda xp, x, s: _floor_mod(xp, x, s),
     _float_grad(lambda xp, g, x, s, y: g)),
    ("_rmod_scalar", ("_RModScalar",), lambda xp, x, s: _floor_mod(xp, xp.full_like(x, s), x),
     _float_grad(lambda xp, g, x, s, y: -g * xp.floor(s / x))),
    ("_power_scalar", ("_PowerScalar",), Ufunc("power", lambda xp, x, s: x ** s),
     lambda xp, g, x, s, y: g * s * x ** (s - 1)),
    ("_rpower_scalar", ("_RPowerScalar",),
     Ufunc("power", lambda xp, x, s: xp.full_like(x, s) ** x, reverse=True),
     lambda xp, g, x, s, y: g * y * xp.log(s)),
    ("_maximum_scalar", ("_MaximumScalar",), Ufunc("maximum"),
     lambda xp, g, x, s, y: g * (x >= s)),
    ("_minimum_scalar", ("_MinimumScalar",), Ufunc("minimum"),
     lambda xp, g, x, s, y: g * (x <= s)),
    ("_hypot_scalar", ("_HypotScalar",), Ufunc("hypot"), lambda xp, g, x, s, y: g * x / y),
    ("_equal_scalar", ("_EqualScalar",), lambda xp, x, s: x == s, None),
    ("_not_equal_scalar", ("_NotEqualScalar",), lambda xp, x, s: x != s, None),
    ("_greater_scalar", ("_GreaterScalar",), lambda xp, x, s: x > s, None),
    ("_greater_equal_scalar", ("_GreaterEqualScalar",), lambda xp, x, s: x >= s, None),
    ("_lesser_scalar", ("_LesserScalar",), lambda xp, x, s: x < s, None),
    ("_lesser_equal_scalar", ("_LesserEqualScalar",), lambda xp, x, s: x <= s, None),
    ("_logical_and_scalar", ("_LogicalAndScalar",), lambda xp, x, s: xp.logical_and(x, s),
     None),
    ("_logical_or_scalar", ("_LogicalOrScalar",), lambda xp, x, s: xp.logical_or(x, s), None),
    ("_logical_xor_scalar", ("_LogicalXorScalar",), lambda xp, x, s: xp.logical_xor(x, s),
     None),
    # the dense forms of MXNet's sparse-preserving scalar ops
    ("_scatter_plus_scalar", (), Ufunc("add"), lambda xp, g, x, s, y: g),
    ("_scatter_minus_scalar", (), Ufunc("subtract"), lambda xp, g, x, s, y: g),
]


def scalar_as(dtype, s):
    """The scalar in the array's dtype: integer arrays truncate it first (spec ndarray 6.2)."""
    if np.dtype(dtype).kind in "iub":
        return np.dtype(dtype).type(int(s))
    return np.dtype(dtype).type(s)


# the scalar operators whose gradient the prepared backward writes without temporaries:
# 'copy' g, 'neg' -g, 'mul' g * s, 'div' g / s (the same ufunc calls as the generic path)
_SCALAR_GRAD_INTO = {"_plus_scalar": "copy", "_minus_scalar": "copy", "_rminus_scalar": "neg",
                     "_mul_scalar": "mul", "_div_scalar": "div"}


class _Scalar(OpDef):
    params = _SCALAR_PARAMS
    family = "scalar"
    monitor_named_inputs = False
    fwd = grad = None
    grad_into = None            # see _SCALAR_GRAD_INTO

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs.get("scalar", "1"))

    def prepare_forward(self, p, ins, outs, rt):
        x, o = ins[0], outs[0]
        fwd = type(self).fwd
        if not isinstance(fwd, Ufunc) or not _float(x, o):
            return None
        s, f = scalar_as(x.dtype, p.scalar), getattr(rt.xp, fwd.name)
        if fwd.reverse:
            return lambda is_train: f(s, x, out=o)
        return lambda is_train: f(x, s, out=o)

    def prepare_backward(self, p, ins, outs, ograds, igrads, reqs, rt):
        kind, g, buf = type(self).grad_into, ograds[0], igrads[0]
        if kind is None or g is None or buf is None or reqs[0] not in ("write", "add") \
                or not _float(ins[0], g, buf):
            return None
        xp, s, req = rt.xp, scalar_as(ins[0].dtype, p.scalar), reqs[0]
        if kind == "copy":
            call = _copy_into(xp, g, buf, req)
        elif kind == "neg":
            call = _neg_into(xp, g, buf, req)
        elif kind == "mul":
            call = _mul_into(xp, g, s, buf, req)
        elif req == "add":
            call = lambda: xp.add(buf, g / s, out=buf)  # noqa: E731
        else:
            call = lambda: xp.true_divide(g, s, out=buf)  # noqa: E731
        return lambda is_train: call()

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = type(self).fwd(rt.xp, x, scalar_as(x.dtype, p.scalar))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        grad = type(self).grad
        if igrads[0] is None:
            return
        if grad is None or ograds[0] is None:
            if reqs[0] == "write":
                igrads[0][...] = 0
            return
        x = ins[0]
        assign(igrads[0], grad(rt.xp, ograds[0], x, scalar_as(x.dtype, p.scalar), outs[0]),
               reqs[0])


for _n, _al, _f, _g in SCALAR:
    register(type(_n, (_Scalar,), {
        "name": _n, "aliases": _al, "fwd": staticmethod(_f),
        "grad": None if _g is None else staticmethod(_g), "loss_head": _g is None,
        "zero_gradient": _g is None,        # the comparisons: MXNet's MakeZeroGradNodes
        "grad_into": _SCALAR_GRAD_INTO.get(_n),
        "__doc__": ("Elementwise ``%s`` with a scalar.\n\n    >>> import symnb as mx\n"
                    "    >>> mx.sym._internal.%s(mx.sym.var('a'), scalar=2).list_attr()\n"
                    "    {'scalar': '2'}\n" % (_n, _n)),
        "__module__": __name__}))


@register
class smooth_l1(_Unary):  # noqa: N801 -- MXNet's operator name
    """Smooth L1: ``0.5 * (s * x)**2`` where ``|x| < 1 / s**2``, else ``|x| - 0.5 / s**2``
    (``s`` is ``scalar``).

    >>> import symnb as mx
    >>> mx.nd.smooth_l1(mx.nd.array([-2.0, 0.5])).asnumpy()
    array([1.5  , 0.125], dtype=float32)
    """

    name = "smooth_l1"
    family = "elementwise"
    params = (Param("scalar", "float", "scalar input"),)
    parser_params = _SCALAR_PARAMS      # documented as above, parsed as the scalar operators

    def _sigma2(self, p, x):
        return x.dtype.type(p.scalar) ** 2

    def forward(self, p, ins, outs, is_train, rt):
        xp, x = rt.xp, ins[0]
        s2 = self._sigma2(p, x)
        outs[0][...] = xp.where(xp.abs(x) < 1 / s2, 0.5 * s2 * x * x, xp.abs(x) - 0.5 / s2)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x = rt.xp, ins[0]
        s2 = self._sigma2(p, x)
        slope = xp.where(xp.abs(x) < 1 / s2, s2 * x, xp.sign(x))
        assign(igrads[0], ograds[0] * slope, reqs[0])
