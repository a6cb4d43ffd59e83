"""Operator definitions. Importing this package registers every operator.

Modules group operators by family; each operator is one class (see ``_registry.OpDef``).
"""
from ._params import Param, Params
from ._registry import OPS, REGISTRY, OpDef, assign, get_op, register
from . import elemwise, nn  # noqa: F401,I001  -- registration side effects
from . import conv, pooling, norm, loss, activation  # noqa: F401,I001
from . import shape, reduce, indexing, matrix, init  # noqa: F401,I001

__all__ = ["OPS", "REGISTRY", "OpDef", "Param", "Params", "assign", "get_op", "register"]
