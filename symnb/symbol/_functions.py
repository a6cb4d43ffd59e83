"""The public operator functions (``mx.sym.FullyConnected`` ...), derived from OpDefs.

Each function is a small closure over its operator with a real ``inspect.Signature`` and a
docstring built from the operator's class docstring and parameter declarations. Placement
follows MXNet (spec symbol.md 7.1): ``_contrib_X`` -> ``contrib.X``, other ``_x`` ->
``_internal._x``, everything else at the top of ``mx.sym``.
"""
from __future__ import annotations

import functools
import inspect

from ..ops._registry import bind_positional, signature_for
from ._create import create

__all__ = ["invoke", "make_function", "python_location"]

_SUBMODULE_PREFIXES = (("_contrib_", "contrib"), ("_linalg_", "linalg"), ("_sparse_", "sparse"),
                       ("_image_", "image"))


def python_location(registered: str) -> tuple[str, str]:
    """(submodule or '', function name) where MXNet puts a registered operator name.

    >>> python_location('FullyConnected'), python_location('_plus_scalar')
    (('', 'FullyConnected'), ('_internal', '_plus_scalar'))
    >>> python_location('_contrib_box_nms')
    ('contrib', 'box_nms')
    """
    for prefix, module in _SUBMODULE_PREFIXES:
        if registered.startswith(prefix):
            return module, registered[len(prefix):]
    if registered.startswith("_random_") and registered.endswith("_like"):
        return "random", registered[len("_random_"):]
    if registered.startswith("_"):
        return "_internal", registered
    return "", registered


def invoke(op, hint, args, kwargs, fname=None):
    """Call ``op`` the way MXNet's generated function (named ``fname``) does."""
    from .symbol import Symbol

    kwargs = dict(kwargs)
    name = kwargs.pop("name", None)
    attr = kwargs.pop("attr", None)
    kwargs.pop("out", None)
    if op.key_var_num_args or op.variadic:
        for a in args:
            if not isinstance(a, Symbol):
                raise AssertionError("Positional arguments must be Symbol instances, but got %s"
                                     % a)
        if not op.keyword_inputs:
            args = _variadic_keywords(op, args, kwargs)
        return create(op, hint, tuple(args), kwargs, name, attr)
    extras = bind_positional(op, args, kwargs, ("name", "attr", "out"), fname)
    name = extras.get("name", name)
    attr = extras.get("attr", attr)
    for slot in op.inputs:
        value = kwargs.get(slot)
        if value is not None and not isinstance(value, Symbol):
            raise AssertionError("Argument %s must be Symbol instances, but got %s"
                                 % (slot, value))
        if value is None:
            kwargs.pop(slot, None)
    return create(op, hint, (), kwargs, name, attr)


def _variadic_keywords(op, args, kwargs):
    """Variadic inputs are named ``arg0``, ``arg1``, ...: MXNet also accepts them as keywords
    (in any order), but not mixed with positional symbols. Moves them out of ``kwargs``."""
    from ..base import MXNetError
    from .symbol import Symbol

    named = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    if not named:
        return list(args)
    if args:
        raise TypeError("Operators with variable length input can only accept input"
                        "Symbols either as positional or keyword arguments, not both")
    count = len(named)
    for key in named:
        if key not in {"arg%d" % i for i in range(count)}:
            cands = "".join("\t[%d]arg%d\n" % (i, i) for i in range(count))
            raise MXNetError("MXNetError: Symbol.ComposeKeyword argument name %s not found.\n"
                             "Candidate arguments:\n%s" % (key, cands))
        del kwargs[key]
    return [named["arg%d" % i] for i in range(count)]


def make_function(op, registered: str):
    """Build the public function for one registered name of ``op``."""
    _, fname = python_location(registered)
    hint = fname.lower()

    def function(*args, **kwargs):
        return invoke(op, hint, args, kwargs, fname)

    function.__name__ = fname
    function.__qualname__ = fname
    function.__signature__ = _signature(op)
    function.__doc__ = _docstring(op)
    function.__wrapped_op__ = op
    return function


@functools.cache
def _signature(op) -> inspect.Signature:
    return signature_for(op, op.name)     # the same for every alias: computed once per op


@functools.cache
def _docstring(op) -> str:
    # The op class's examples are doctested once, on the class; copies here would run again
    # per alias inside mx.sym, whose names (round, abs, sum, ...) shadow Python's builtins.
    cls = type(op)
    text = inspect.cleandoc(cls.__doc__ or op.name)
    kept = text.split("\n>>>")[0].rstrip()
    if kept != text.rstrip():
        kept += "\n\nExamples: see ``%s.%s``." % (cls.__module__, cls.__qualname__)
    doc = kept
    if not op.params:
        return doc
    lines = [doc, "", "Parameters", "----------"]
    for name in op.inputs:
        lines.append("%s : Symbol" % name)
        lines.append("    Input %s." % name)
    for p in op.params:
        lines.append("%s : %s" % (p.name, p.type))
        if p.doc:
            lines.append("    " + p.doc)
    lines += ["name : str, optional", "    Name of the node (auto-named otherwise)."]
    return "\n".join(lines)


