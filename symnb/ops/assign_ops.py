"""Writes into a region, the operators behind ``NDArray.__setitem__`` with slices:
_slice_assign (an array) and _slice_assign_scalar (a value), plus _zeros_without_dtype and
_rnn_param_concat (what MXNet's own Python layers insert).
"""
from __future__ import annotations

from ._params import Param
from ._registry import register
from ._rules import elemwise_shape, uniform_type
from .init import _CTX, _Create
from .shape import Concat, _OptionalIntTuple, _ShapeOp, _slices, sassign, type_assign_check

__all__ = []

_REGION = (
    _OptionalIntTuple("begin", "Shape(tuple), required",
                      "starting indices for the slice operation, supports negative indices."),
    _OptionalIntTuple("end", "Shape(tuple), required",
                      "ending indices for the slice operation, supports negative indices."),
    _OptionalIntTuple("step", "Shape(tuple), optional, default=[]",
                      "step for the slice operation, supports negative values."),
)


@register
class _slice_assign(_ShapeOp):  # noqa: N801 -- MXNet's operator name
    """``lhs`` with ``lhs[begin:end:step] = rhs`` (MXNet registers no gradient for it).

    >>> import symnb as mx
    >>> f = mx.nd._internal._slice_assign
    >>> f(mx.nd.zeros((2, 3)), mx.nd.ones((2, 1)), begin=(0, 1), end=(2, 2)).asnumpy()
    array([[0., 1., 0.],
           [0., 1., 0.]], dtype=float32)
    """

    name = "_slice_assign"
    aliases = ("_crop_assign",)
    inputs = ("lhs", "rhs")
    params = _REGION

    def infer_shape(self, p, ins, outs):
        lhs = ins[0]
        if lhs is None:
            return
        sassign(outs, 0, lhs)
        region = [len(range(*sl.indices(d))) for sl, d in zip(_slices(p, lhs), lhs,
                                                               strict=False)]
        sassign(ins, 1, tuple(region) + tuple(lhs[len(region):]))

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]
        outs[0][_slices(p, ins[0].shape)] = ins[1]


@register
class _slice_assign_scalar(_ShapeOp):  # noqa: N801 -- MXNet's operator name
    """``data`` with ``data[begin:end:step] = scalar`` (no gradient, as in MXNet).

    >>> import symnb as mx
    >>> f = mx.nd._internal._slice_assign_scalar
    >>> f(mx.nd.zeros((3,)), scalar=7, begin=(1,), end=(3,)).asnumpy()
    array([0., 7., 7.], dtype=float32)
    """

    name = "_slice_assign_scalar"
    aliases = ("_crop_assign_scalar",)
    params = (Param("scalar", "double, optional, default=0",
                    "The scalar value for assignment."),) + _REGION

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0]
        outs[0][_slices(p, ins[0].shape)] = outs[0].dtype.type(p.scalar)


@register
class _zeros_without_dtype(_Create):  # noqa: N801 -- MXNet's operator name
    """Zeros whose type comes from the graph (``dtype=-1``) or from its type code.

    The type code comes from a graph's JSON: MXNet's frontend passes ``dtype`` through
    ``np.dtype``, which refuses codes.

    >>> import symnb as mx
    >>> z = mx.sym.load_json('{"nodes": [{"op": "_zeros_without_dtype", "name": "z", '
    ...     '"attrs": {"dtype": "1", "shape": "(2,)"}, "inputs": []}], "arg_nodes": [], '
    ...     '"heads": [[0, 0, 0]]}')
    >>> z.infer_type()[1]
    [<class 'numpy.float64'>]
    """

    name = "_zeros_without_dtype"
    fill = staticmethod(lambda p: 0)
    params = (Param("shape", "Shape(tuple), optional, default=None", "The shape of the output"),
              _CTX,
              Param("dtype", "int, optional, default='-1'", "Target data type."))

    def infer_type(self, p, ins, outs):
        from ..base import CODE_TO_DTYPE
        if p.dtype >= 0:     # -1: the type comes from the graph (or stays undecided)
            type_assign_check(outs, 0, CODE_TO_DTYPE[p.dtype])


@register
class _rnn_param_concat(Concat):  # noqa: N801 -- MXNet's operator name
    """Concat for RNN parameter vectors (MXNet's gluon rnn layers build their flat
    ``parameters`` with it).

    >>> import symnb as mx
    >>> c = mx.sym._internal._rnn_param_concat(mx.sym.var('a'), mx.sym.var('b'), dim=0)
    >>> c.infer_shape(a=(3,), b=(4,))[1]
    [(7,)]
    """

    name = "_rnn_param_concat"
    aliases = ()
