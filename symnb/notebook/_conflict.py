"""Find the edge behind a shape conflict: which provided shape disagrees with the graph.

Inference stops with ``Error in operator <op>: ...``. To name the culprit, each provided shape
(``--shape`` values and ``Variable(shape=...)``), starting with the inputs of ``<op>``, is
withdrawn in turn; the first whose withdrawal lets inference succeed is the bad one, and the
shape inference then gives for it is the "inferred" side of "provided vs inferred".
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..base import MXNetError

__all__ = ["Conflict", "provided_shapes", "find_conflict"]

_OPERATOR = re.compile(r"Error in operator ([^\s:]+)")
_MAX_TRIALS = 32          # each trial is one inference pass; a notebook graph needs a handful


@dataclass(frozen=True, slots=True)
class Conflict:
    """A shape conflict: the failing operator, and where known the variable edge to blame."""

    operator: str | None          # node name from the error, e.g. 'fc2'
    message: str                  # MXNet's error text, first line
    variable: str | None = None   # the variable whose provided shape is wrong
    provided: tuple | None = None
    inferred: tuple | None = None

    def bad_edge(self):
        """The edge for the picture to highlight, or None when no variable is to blame."""
        if self.variable is None or self.operator is None:
            return None
        from ..pictures.graph_view import BadEdge
        return BadEdge(self.variable, self.operator, self.provided, self.inferred)

    def describe(self) -> str:
        if self.variable is None:
            return "shape conflict in operator %s" % self.operator
        return ("shape conflict on %s -> %s: provided %s vs inferred %s"
                % (self.variable, self.operator, _fmt(self.provided), _fmt(self.inferred)))


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def provided_shapes(symbol, shapes: dict) -> dict:
    """Shapes the user gave: each Variable's ``__shape__`` attribute, overridden by ``shapes``."""
    from ..ops._params import Param

    provided = {}
    for name, attrs in symbol.attr_dict().items():
        text = attrs.get("__shape__")
        if text is not None and name in symbol.list_inputs():
            try:
                provided[name] = tuple(Param("__shape__", "Shape(tuple), required").parse(text))
            except MXNetError:
                continue      # a malformed attribute is reported by inference itself
    provided.update(shapes)
    return provided


def _infer(symbol, kwargs) -> dict:
    """``{variable name: shape}`` from the inference engine itself (0 = unknown dimension,
    None = unknown shape), whatever ``mx.np_shape`` says; raises its MXNetError."""
    from ..inference import infer_graph

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        order, arg_nodes, aux_nodes, given = symbol._given((), kwargs, "shape")
        result = infer_graph(order, given, "shape")
    return {n.name: result.entry(n) for n in list(arg_nodes) + list(aux_nodes)}


def _consumers_first(symbol, operator, names):
    """The inputs of the failing operator first, then the other provided variables."""
    try:
        inputs = symbol.get_internals()[operator + "_output"].get_children().list_outputs()
    except (MXNetError, KeyError, ValueError, IndexError, AttributeError):
        inputs = []
    first = [n for n in names if n in inputs]
    return first + [n for n in names if n not in first]


def find_conflict(symbol, shapes: dict, error: MXNetError) -> Conflict:
    """Explain ``error`` (raised by ``symbol.infer_shape_partial(**shapes)``)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    text = text.removeprefix("MXNetError: ")
    match = _OPERATOR.search(text)
    operator = match.group(1) if match else None
    provided = provided_shapes(symbol, shapes)
    fallback = None
    for name in _consumers_first(symbol, operator, list(provided))[:_MAX_TRIALS]:
        trial = dict(shapes)
        trial[name] = ()          # () is "unknown shape" (legacy semantics): it withdraws
        #                           the shape, a Variable's own __shape__ attribute included
        try:
            inferred = tuple(_infer(symbol, trial).get(name) or ())
        except MXNetError:
            continue
        found = Conflict(operator, text, name, tuple(provided[name]), inferred)
        # A withdrawal that leaves the variable unknown only says "not contradicted"; one that
        # lets the graph decide its whole shape names the culprit.
        if inferred and all(d > 0 for d in inferred):
            return found
        fallback = fallback or found
    return fallback or Conflict(operator, text)
