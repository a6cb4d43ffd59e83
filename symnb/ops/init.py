"""Creation ops: _zeros, _ones, _full, _arange (no inputs) and zeros_like, ones_like.

Creation ops take their shape and dtype from parameters. In legacy shape mode a 0 in
``shape`` means "unknown", so the shape may also arrive from downstream (MXNet's InitShape).
They have no gradient; MXNet treats them as loss heads (backward needs no head gradient).
"""
from __future__ import annotations

import math

import numpy as np

from ._params import Param
from ._registry import OpDef, ZeroGradient, register
from ._rules import elemwise_shape, fully_known, shape_assign, uniform_type
from .shape import DTYPES, check, np_dtype, type_assign_check

__all__ = []

_CTX = Param("ctx", "string, optional, default=''",
             "Context of output, in format [cpu|gpu|cpu_pinned](n).Only used for imperative "
             "calls.")
_DTYPE = Param("dtype", DTYPES + ",optional, default='float32'", "Target data type.")


class _Create(OpDef):
    """Shape from ``shape`` (partially known dims filled from downstream), dtype from ``dtype``."""

    family = "init"
    inputs = ()
    loss_head = True
    fill = None

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, attrs.get("shape", ""))

    def infer_shape(self, p, ins, outs):
        # legacy shapes: MXNet's InitShape treats 0 and -1 alike as unknown dims
        shape = tuple(d if d > 0 else 0 for d in p.shape or ())
        if not shape or (fully_known(outs[0]) and not fully_known(shape)):
            return     # legacy: () is an unknown shape; a known output wins over a partial one
        shape_assign(outs, 0, shape)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np_dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).fill(p)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        pass



def _create_doc(name, extra):
    return ("Array of shape ``shape`` and type ``dtype`` filled with %s.\n\n"
            "    >>> import symnb as mx\n"
            "    >>> z = mx.sym._internal.%s(shape=(2, 3)%s)\n"
            "    >>> z.list_arguments(), z.infer_shape(), z.infer_type()[1]\n"
            "    ([], ([], [(2, 3)], []), [<class 'numpy.float32'>])\n" % (
                {"_zeros": "zeros", "_ones": "ones", "_full": "``value``"}[name], name, extra))


for _name, _fill, _shape_default, _extra in (
        ("_zeros", lambda p: 0, "[]", ()),
        ("_ones", lambda p: 1, "[]", ()),
        ("_full", lambda p: p.value, "None",
         (Param("value", "double, required", "Value with which to fill newly created tensor"),)),
):
    register(type(_name, (_Create,), {
        "name": _name, "fill": staticmethod(_fill),
        "params": (Param("shape", "Shape(tuple), optional, default=%s" % _shape_default,
                         "The shape of the output"), _CTX, _DTYPE) + _extra,
        "__doc__": _create_doc(_name, ", value=7" if _name == "_full" else ""),
        "__module__": __name__}))


@register
class _arange(_Create):
    """Evenly spaced values ``start, start+step, ...`` below ``stop``, each repeated.

    Without ``stop`` (and ``infer_range=False``) the range is ``[0, start)``, as MXNet's
    parameter parser rewrites it.

    >>> import symnb as mx
    >>> mx.sym._internal._arange(start=0, stop=5).infer_shape()[1]
    [(5,)]
    >>> mx.sym._internal._arange(start=3, repeat=2).infer_shape()[1]
    [(6,)]
    """

    name = "_arange"
    param_error_suffix = False      # RangeParamParser adds no ", in operator"
    params = (
        Param("start", "double, required",
              "Start of interval. The interval includes this value. The default start value "
              "is 0."),
        Param("stop", "double or None, optional, default=None",
              "End of interval. The interval does not include this value, except in some cases "
              "where step is not an integer and floating point round-off affects the length of "
              "out."),
        Param("step", "double, optional, default=1", "Spacing between values."),
        Param("repeat", "int, optional, default='1'",
              "The repeating time of all elements. E.g repeat=3, the element a will be "
              "repeated three times --> a, a, a."),
        Param("infer_range", "boolean, optional, default=0",
              "When set to True, infer the stop position from the start, step, repeat, and "
              "output tensor size."),
        _CTX,
        Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8',"
              " 'uint8'},optional, default='float32'", "Target data type."),
    )

    def label(self, p, attrs):
        return "_arange\n%s" % attrs.get("start", "")

    @staticmethod
    def _bounds(p):
        # MXNet's RangeParamParser: no stop and no infer_range means [0, start)
        if p.stop is None and not p.infer_range:
            return 0.0, p.start
        return p.start, p.stop

    def infer_shape(self, p, ins, outs):
        check(p.step != 0, "param.step != 0 (0 vs. 0) : Range does not support step=0, "
              "received %g" % p.step)
        check(p.repeat > 0, "param.repeat > 0: Range only supports repeat > 0, received %d"
              % p.repeat)
        start, stop = self._bounds(p)
        if stop is None:
            return      # infer_range: the length comes from downstream
        if p.step > 0:
            check(start < stop, "param.start < param.stop.value(): Invalid range (start, stop, "
                  "step) = (%g,%g,%g)" % (start, stop, p.step))
        else:
            check(start > stop, "param.start > param.stop.value(): Invalid range (start, stop, "
                  "step)= (%g,%g,%g)" % (start, stop, p.step))
        shape_assign(outs, 0, (int(math.ceil((stop - start) / p.step)) * p.repeat,))

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        start, _ = self._bounds(p)
        # MXNet computes start + (i / repeat) * step in the output's own type; start and
        # step are cast to it first (truncated), through int64 for unsigned types so that a
        # negative step wraps (two's complement) as on x86
        def cast(v):
            return np.array(int(v) if out.dtype.kind == "u" else v).astype(out.dtype)[()]
        steps = (rt.xp.arange(out.size) // p.repeat).astype(out.dtype)
        out[...] = cast(start) + steps * cast(p.step)


class _Like(ZeroGradient, OpDef):
    """zeros_like/ones_like: the input's shape and type, constant values, zero gradient."""
    monitor_named_inputs = False    # MXNet's monitor numbers its inputs (no FListInputNames)

    family = "init"
    loss_head = True
    value = 0

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = type(self).value



@register
class zeros_like(_Like):  # noqa: N801 -- MXNet's operator name
    """Zeros with the input's shape and type.

    >>> import symnb as mx
    >>> mx.sym.zeros_like(mx.sym.var('x')).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "zeros_like"
    aliases = ("_sparse_zeros_like",)
    value = 0


@register
class ones_like(_Like):  # noqa: N801
    """Ones with the input's shape and type.

    >>> import symnb as mx
    >>> mx.sym.ones_like(mx.sym.var('x')).infer_shape(x=(2, 3))[1]
    [(2, 3)]
    """

    name = "ones_like"
    value = 1
