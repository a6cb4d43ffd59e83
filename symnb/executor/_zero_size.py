"""Shape inference with zero-size dimensions under ``mx.np_shape(True)``.

Operator rules use MXNet's legacy convention: a 0 in a shape is an *unknown* dimension. Under
NumPy shape semantics (``mx.np_shape(True)`` / ``@mx.use_np_shape``) MXNet writes unknown dims
as -1 and a 0 is a real, zero-size dimension: ``Concat`` of ``(0, 8)`` and ``(3, 8)`` on axis 0
is ``(3, 8)``, ``one_hot`` of a ``(2, 0)`` index is ``(2, 0, depth)``.

Where every given shape is concrete (``mx.nd`` calls, ``bind`` with arrays, ``simple_bind``
with full shapes) the rules run three times, each zero dimension replaced by a probe
``k * PROBE`` (k = 1, 2, 3, the same value everywhere, so equal zero dims stay equal). Each
inferred dimension is a polynomial of degree at most two in the probe (sums and products of
dimensions: concatenation, broadcasting, reshaping, flattening two zero dims), so its value
at 0 is the exact extrapolation ``3 f(1) - 3 f(2) + f(3)``. A dimension no probe changes is
taken as inferred; a 0 left there is a real zero under NumPy shape semantics.
"""
from __future__ import annotations

from ..base import MXNetError
from ..util import is_np_shape

__all__ = ["PROBE", "has_zero_dim", "infer_graph_shapes", "infer_graph_shapes_np",
           "infer_op_shapes"]

#: divisible by every integer up to 16, so rules that check divisibility accept it
PROBE = 720720


def has_zero_dim(shapes) -> bool:
    """Whether NumPy shape semantics are on and some known shape has a zero dimension.

    >>> import symnb as mx
    >>> has_zero_dim([(2, 0)])
    False
    >>> with mx.np_shape(True):
    ...     has_zero_dim([(2, 0)])
    True
    """
    return is_np_shape() and any(s is not None and 0 in tuple(s) for s in shapes)


def _probe(shape, k):
    return None if shape is None else tuple(d if d != 0 else k * PROBE for d in shape)


def _at_zero(s1, s2, s3, where):
    """The value at probe 0 of one entry inferred at probes 1, 2, 3."""
    if s1 is None or s2 is None or s3 is None:
        return None
    if not len(s1) == len(s2) == len(s3):
        raise MXNetError("MXNetError: the shape of %s depends on the size of a zero-size "
                         "dimension (%s vs. %s); it cannot be inferred" % (where, s1, s2))
    out = []
    for a, b, c in zip(s1, s2, s3, strict=True):
        out.append(a if a == b == c else max(3 * a - 3 * b + c, 0))
    return tuple(out)


def infer_graph_shapes(order, given: dict) -> dict:
    """``infer_graph(order, given, 'shape').values``, with zero dims known under np_shape.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> c = mx.sym.Concat(a, b, dim=0)
    >>> order, _, _ = c._variables()
    >>> given = {id(n): s for n, s in zip(order, [(0, 3), (2, 3)])}
    >>> with mx.np_shape(True):
    ...     infer_graph_shapes(order, given)[id(order[-1])]
    [(2, 3)]
    """
    from ..inference import infer_graph
    if not has_zero_dim(given.values()):
        return infer_graph(order, given, "shape").values
    try:
        runs = [infer_graph(order, {key: _probe(s, k) for key, s in given.items()}, "shape")
                .values for k in (1, 2, 3)]
    except MXNetError:
        infer_graph(order, given, "shape")      # the plain error text, when it has one
        raise
    names = {id(n): n.name for n in order}
    return {key: [_at_zero(a, b, c, "%s output %d" % (names.get(key, "?"), i))
                  for i, (a, b, c) in enumerate(zip(runs[0][key], runs[1][key], runs[2][key],
                                                    strict=True))]
            for key in runs[0]}


def infer_graph_shapes_np(order, given_at) -> dict:
    """Shapes in NumPy terms for ``Symbol.infer_shape`` under np_shape: a zero dimension is
    a size, an unknown one ``-1``, an unknown shape ``None``. ``given_at(k)`` is the known
    shapes with each zero-size dimension the user gave replaced by ``k * PROBE`` (``0``
    stays "unknown" there); ``given_at(0)`` the plain ones, for the error text.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> order, _, _ = mx.sym.Concat(a, b, dim=0)._variables()
    >>> def given_at(k):
    ...     return {id(order[0]): (k * PROBE, 3)}
    >>> with mx.np_shape(True):
    ...     s = infer_graph_shapes_np(order, given_at)
    >>> s[id(order[0])], s[id(order[1])]
    ([(0, 3)], [(-1, 3)])
    """
    from ..inference import infer_graph
    try:
        runs = [infer_graph(order, given_at(k), "shape").values for k in (1, 2, 3)]
    except MXNetError:
        infer_graph(order, given_at(0), "shape")   # the plain error text, when it has one
        raise
    names = {id(n): n.name for n in order}
    out = {}
    for key in runs[0]:
        vals = []
        for i, (s1, s2, s3) in enumerate(zip(runs[0][key], runs[1][key], runs[2][key],
                                             strict=True)):
            s0 = _at_zero(s1, s2, s3, "%s output %d" % (names.get(key, "?"), i))
            # a dimension still 0 with the zero-size dimensions probed is unknown
            vals.append(None if s0 is None else
                        tuple(-1 if q == 0 else int(d) for d, q in zip(s0, s1, strict=True)))
        out[key] = vals
    return out


def infer_op_shapes(op, p, ins: list, outs: list) -> None:
    """``op.infer_shape(p, ins, outs)`` in place, with zero dims known under np_shape.

    >>> import symnb as mx
    >>> from symnb.ops import get_op
    >>> op = get_op('Concat')
    >>> p = op.parse({'dim': '0', 'num_args': '2'})
    >>> ins, outs = [(0, 3), (2, 3)], [None]
    >>> with mx.np_shape(True):
    ...     infer_op_shapes(op, p, ins, outs)
    >>> outs
    [(2, 3)]
    """
    if not has_zero_dim(ins + outs):
        op.infer_shape(p, ins, outs)
        return
    runs = []
    for k in (1, 2, 3):
        i_k, o_k = [_probe(s, k) for s in ins], [_probe(s, k) for s in outs]
        op.infer_shape(p, i_k, o_k)
        runs.append((i_k, o_k))
    for j in range(len(ins)):
        ins[j] = _at_zero(runs[0][0][j], runs[1][0][j], runs[2][0][j], "input %d" % j)
    for j in range(len(outs)):
        outs[j] = _at_zero(runs[0][1][j], runs[1][1][j], runs[2][1][j], "output %d" % j)
