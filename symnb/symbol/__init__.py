"""``mx.sym`` / ``mx.symbol``: Symbol, Variable, Group, load, and one function per operator."""
from __future__ import annotations

import sys

from .. import ops as _ops
from . import _internal, contrib, image, linalg, random, sparse
from ._functions import make_function, python_location
from ._helpers import (  # noqa: A004
    arange,
    eye,
    full,
    histogram,
    hypot,
    linspace,
    maximum,
    minimum,
    ones,
    pow,
    power,
    split_v2,
    zeros,
)
from .symbol import Group, Symbol, Variable, load, load_json, var

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json", "pow", "power", "maximum",
           "minimum", "hypot", "zeros", "ones", "full", "arange", "eye", "linspace",
           "histogram", "split_v2"]

_SUBMODULES = {"": sys.modules[__name__], "_internal": _internal, "contrib": contrib,
               "linalg": linalg, "sparse": sparse, "image": image, "random": random}


def _install():
    for op in _ops.OPS.values():
        for registered in (op.name,) + tuple(op.aliases):
            module, fname = python_location(registered)
            target = _SUBMODULES[module]
            if module == "" and fname in __all__:
                continue  # Python helpers (zeros, pow, ...) win over same-named operators
            function = make_function(op, registered)
            # the notebook layer finds operators by this module name (notebook/_cell.py)
            function.__module__ = target.__name__
            setattr(target, fname, function)


_install()


def _export_helpers():
    """MXNet defines ``zeros``, ``pow``, ... in ``mxnet.symbol.symbol``; symnb keeps them in
    ``_helpers`` (which imports ``symbol``), so they are set on ``symbol.symbol`` here."""
    from . import symbol as module
    for name in __all__:
        if not hasattr(module, name):
            setattr(module, name, globals()[name])


_export_helpers()
