"""Operator definitions. Importing this package registers every operator.

Modules group operators by family; each operator is one class (see ``_registry.OpDef``).
"""
from . import (  # noqa: F401,I001  -- registration side effects  # noqa: F401,I001  # noqa: F401,I001
    activation,
    conv,
    elemwise,
    indexing,
    init,
    loss,
    matrix,
    nn,
    norm,
    pooling,
    reduce,
    shape,
)
from ._params import Param, Params
from ._registry import OPS, REGISTRY, OpDef, assign, get_op, register

__all__ = ["OPS", "REGISTRY", "OpDef", "Param", "Params", "assign", "get_op", "register"]
