"""Operator definitions. Importing this package registers every operator.

Modules group operators by family; each operator is one class (see ``_registry.OpDef``).
"""
# Registration side effects: each family module registers its operators when imported.
from . import (  # noqa: F401
    activation,
    assign_ops,
    contrib,
    contrib_vision,
    conv,
    correlation,
    ctc,
    custom,
    deformable,
    detection,
    elemwise,
    gather,
    graph_ops,
    hawkes,
    image,
    indexing,
    init,
    layout,
    legacy,
    linalg,
    loss,
    matrix,
    misc,
    misc_extra,
    nn,
    norm,
    normalize,
    optimizer_multi_op,
    optimizer_op,
    ordering,
    pdf,
    pooling,
    pythonop,
    random,
    reduce,
    resample,
    rnn,
    sequence,
    shape,
    sliding,
    spectral,
    storage,
    transform,
)
from ._params import Param, Params
from ._registry import OPS, REGISTRY, OpDef, assign, get_op, register

__all__ = ["OPS", "REGISTRY", "OpDef", "Param", "Params", "assign", "get_op", "register"]
