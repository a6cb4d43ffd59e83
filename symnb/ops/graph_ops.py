"""Operators MXNet's graph passes insert: ``_CrossDeviceCopy`` and ``_NoGradient``.

``_CrossDeviceCopy`` is what a ``group2ctx`` bind puts between nodes placed on different
contexts (``get_optimized_symbol`` shows the copies, so saved JSON can hold them);
``_NoGradient`` stands for "no gradient" in MXNet's gradient graphs. Neither is meant to be
called by hand, and their Python functions take no inputs (MXNet's signature is
``(name=None, attr=None, out=None, **kwargs)``): a copy's input is given as ``data=`` or
auto-created. Both take any keyword as an attribute (MXNet parses no parameters for them).
"""
from __future__ import annotations

from ._registry import OpDef, assign, register
from ._rules import elemwise_shape, uniform_type

__all__ = []


@register
class _CrossDeviceCopy(OpDef):  # noqa: N801 -- MXNet's operator name
    """Copy ``data`` to the context of the node reading it (identity on values).

    >>> import symnb as mx
    >>> s = mx.sym._internal._CrossDeviceCopy(data=mx.sym.var('x'), name='cp')
    >>> s.infer_shape(x=(2, 3))[1], s.eval(x=mx.nd.array([1, 2]))[0].asnumpy()
    ([(2, 3)], array([1., 2.], dtype=float32))
    """

    name = "_CrossDeviceCopy"
    inputs = ("data",)
    signature_inputs = ()
    accepts_unknown_params = True
    family = "other"

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], ograds[0], reqs[0])


@register
class _NoGradient(OpDef):  # noqa: N801 -- MXNet's operator name
    """The placeholder of a missing gradient: no inputs, and no shape or type of its own
    (MXNet registers no inference for it, so a graph holding it cannot be bound).

    >>> import symnb as mx
    >>> mx.sym._internal._NoGradient(name='ng').list_outputs()
    ['ng_output']
    """

    name = "_NoGradient"
    inputs = ()
    accepts_unknown_params = True
    family = "other"

    def infer_shape(self, p, ins, outs):
        pass

    def infer_type(self, p, ins, outs):
        pass
