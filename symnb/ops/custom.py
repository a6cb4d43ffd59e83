"""``Custom``: the operator node of a Python operator registered with ``mx.operator``.

The node's ``op_type`` names a registered ``CustomOpProp`` subclass; the node's other string
attributes are the prop's constructor arguments. Everything structural (arguments, outputs,
aux states, whether the head gradient is needed) and the shape and type rules come from that
prop instance, which the node's parsed parameters carry. The executor runs the prop's
``CustomOp`` like any operator: one instance per bound executor node, created on the first
forward from the bound shapes and dtypes, so state it keeps between its forward and backward
stays with that executor.
"""
from __future__ import annotations

import contextlib

import numpy as np

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, register
from ._rules import shape_assign, type_assign

__all__ = ["Custom"]


def _kwargs(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items()
            if k != "op_type" and not (k.startswith("__") and k.endswith("__"))}


def _as_list(shape):
    return [] if shape is None else [int(d) for d in shape]


def _context(rt):
    from ..context import Context
    return Context("cpu" if rt.name == "numpy" else "gpu", rt.device_id)


@register
class Custom(OpDef):
    """Apply a custom operator implemented in Python (see ``mx.operator``).

    Inputs are given positionally, in the prop's ``list_arguments`` order, or by those names;
    every other keyword but ``name`` and ``attr`` goes to the prop as a string.

    >>> import symnb as mx
    >>> @mx.operator.register("doctest_scale")
    ... class ScaleProp(mx.operator.CustomOpProp):
    ...     def __init__(self, factor='1'):
    ...         super().__init__()
    ...         self.factor = float(factor)
    ...     def list_arguments(self):
    ...         return ['data', 'bias']
    >>> s = mx.sym.Custom(mx.sym.var('x'), op_type='doctest_scale', factor=3, name='sc')
    >>> s.list_arguments(), s.attr('factor')
    (['x', 'sc_bias'], '3')
    """

    name = "Custom"
    inputs = ("data",)
    variadic = True
    keyword_inputs = True
    accepts_unknown_params = True
    family = "custom"
    params = (Param("op_type", "string", "Name of the custom operator. This is the name that "
                                         "is passed to `mx.operator.register` to register "
                                         "the operator."),)

    def parse(self, attrs, node_name=""):
        from ..operator import _make_prop
        p = parse_params(self, attrs, node_name)
        if p.op_type is None:
            raise MXNetError('MXNetError: Required parameter op_type of string is not presented'
                             ', in operator Custom(name="%s")' % node_name)
        p["prop"] = _make_prop(p.op_type, _kwargs(attrs))
        p["ops"] = {}            # output buffer id -> the CustomOp bound to it
        return p

    def input_names(self, p):
        return tuple(p.prop.list_arguments()) + tuple(p.prop.list_auxiliary_states())

    def mutated_inputs(self, p):
        return tuple(p.prop.list_auxiliary_states())

    def output_names(self, p):
        return tuple(p.prop.list_outputs())

    def is_loss_head(self, p):
        return not p.prop.need_top_grad()

    def label(self, p, attrs):
        return "Custom\n%s" % p.op_type

    def _counts(self, p):
        prop = p.prop
        return (len(prop.list_arguments()), len(prop.list_outputs()),
                len(prop.list_auxiliary_states()))

    def infer_shape(self, p, ins, outs):
        n_in, n_out, n_aux = self._counts(p)
        try:
            ret = p.prop.infer_shape([_as_list(s) for s in ins[:n_in]])
        except Exception as e:
            if any(s is None for s in ins[:n_in]):
                return               # the prop needs more input shapes first
            raise InferError("Error in %s.infer_shape: %s: %s"
                             % (p.op_type, type(e).__name__, e)) from e
        ishape, oshape, ashape = (tuple(ret) + ((),))[:3] if len(ret) == 2 else ret
        if len(oshape) != n_out:
            raise InferError("InferShape Error: expecting %d entries in returned output shapes, "
                             "got %d." % (n_out, len(oshape)))
        if len(ishape) != n_in:
            raise InferError("InferShape Error: expecting %d entries in returned input shapes, "
                             "got %d." % (n_in, len(ishape)))
        if len(ashape) != n_aux:
            raise InferError("InferShape Error: expecting %d entries in returned aux state "
                             "shapes, got %d." % (n_aux, len(ashape)))
        for i, s in enumerate(ishape):
            if len(s):
                shape_assign(ins, i, tuple(int(d) for d in s))
        for i, s in enumerate(oshape):
            if len(s):
                shape_assign(outs, i, tuple(int(d) for d in s))
        for i, s in enumerate(ashape):
            if len(s):
                shape_assign(ins, n_in + i, tuple(int(d) for d in s))

    def infer_type(self, p, ins, outs):
        n_in, n_out, n_aux = self._counts(p)
        given = [None if t is None else np.dtype(t).type for t in ins[:n_in]]
        if given and given[0] is None:
            return                   # the default rule (and most props) read input 0's type
        try:
            ret = p.prop.infer_type(given)
        except Exception as e:
            raise InferError("Error in %s.infer_type: %s: %s"
                             % (p.op_type, type(e).__name__, e)) from e
        itype, otype, atype = (tuple(ret) + ([],))[:3] if len(ret) == 2 else ret
        names = self.input_names(p)
        for i, t in enumerate(itype):
            type_assign(ins, i, t, names[i])
        for i, t in enumerate(otype):
            type_assign(outs, i, t, "output %d" % i)
        for i, t in enumerate(atype):
            type_assign(ins, n_in + i, t, names[n_in + i])

    # ---- execution ---------------------------------------------------------------------------
    def _operator(self, p, ins, outs, rt):
        key = id(outs[0])
        op = p.ops.get(key)
        if op is None:
            n_in = len(p.prop.list_arguments())
            op = p.prop.create_operator(_context(rt), [tuple(x.shape) for x in ins[:n_in]],
                                        [np.dtype(x.dtype).type for x in ins[:n_in]])
            p.ops[key] = op
        return op

    def _wrap(self, arrays, rt):
        from ..ndarray import NDArray
        ctx = _context(rt)
        return [NDArray(a, ctx) for a in arrays]

    def forward(self, p, ins, outs, is_train, rt):
        n_in, n_out, _ = self._counts(p)
        op = self._operator(p, ins, outs, rt)
        with _user_code(p.op_type, "forward"):
            op.forward(is_train, ["write"] * n_out, self._wrap(ins[:n_in], rt),
                       self._wrap(outs[:n_out], rt), self._wrap(ins[n_in:], rt))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        n_in, n_out, _ = self._counts(p)
        op = self._operator(p, ins, outs, rt)
        out_grad = [g if g is not None else xp.zeros(o.shape, o.dtype)
                    for g, o in zip(ograds, outs[:n_out])]
        in_grad, req = [], []
        for x, g, r in zip(ins[:n_in], igrads[:n_in], reqs[:n_in]):
            in_grad.append(g if g is not None else xp.zeros(x.shape, x.dtype))
            req.append(r if g is not None else "null")
        with _user_code(p.op_type, "backward"):
            op.backward(req, self._wrap(out_grad, rt), self._wrap(ins[:n_in], rt),
                        self._wrap(outs[:n_out], rt), self._wrap(in_grad, rt),
                        self._wrap(ins[n_in:], rt))


@contextlib.contextmanager
def _user_code(op_type, what):
    """Any exception in a custom operator's Python code surfaces as MXNetError, as MXNet's
    callback bridge makes it (MXNet's test_custom_op_exc), with the original chained."""
    try:
        yield
    except MXNetError:
        raise
    except Exception as e:
        raise MXNetError("MXNetError: Error in custom operator %s's %s: %s: %s"
                         % (op_type, what, type(e).__name__, e)) from e
