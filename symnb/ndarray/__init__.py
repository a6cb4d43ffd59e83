"""``mx.nd`` / ``mx.ndarray``: NDArray, creation functions, ``.params`` files, operators.

Besides the Python helpers below, every registered operator gets a generated function at
import time (``mx.nd.FullyConnected``, ``mx.nd._internal._plus_scalar``, ``mx.nd.contrib.X``),
built from its definition in ``symnb.ops`` (see ``_imperative``).
"""
import sys as _sys

from . import _internal, contrib, image, linalg, random, sparse
from ._cached_op import CachedOp
from ._creation import (
    add,
    arange,
    array,
    concatenate,
    divide,
    empty,
    equal,
    eye,
    from_numpy,
    full,
    greater,
    greater_equal,
    lesser,
    lesser_equal,
    linspace,
    logical_and,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    modulo,
    moveaxis,
    multiply,
    not_equal,
    ones,
    power,
    split_v2,
    subtract,
    true_divide,
    waitall,
    zeros,
)
from ._dlpack import from_dlpack, to_dlpack_for_read, to_dlpack_for_write
from ._extra import histogram, onehot_encode
from ._imperative import install as _install
from ._io import load, load_frombuffer, save
from .ndarray import NDArray

__all__ = ["NDArray", "array", "empty", "zeros", "ones", "full", "arange", "eye", "linspace",
           "concatenate", "waitall", "save", "load", "load_frombuffer", "add", "subtract",
           "multiply", "divide", "true_divide", "modulo", "power", "maximum", "minimum",
           "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
           "logical_and", "logical_or", "logical_xor", "from_numpy", "moveaxis", "random",
           "contrib", "linalg", "sparse", "image", "split_v2"]
__all__ += ["from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"]
__all__ += ["histogram", "onehot_encode"]

_install({"": _sys.modules[__name__], "_internal": _internal, "contrib": contrib,
          "linalg": linalg, "sparse": sparse, "image": image, "random": random},
         helpers=set(__all__))


def _export_helpers(module):
    """MXNet defines its Python helpers in ``mxnet.ndarray.ndarray`` and re-exports them;
    symnb defines them in ``_creation`` (which imports ``ndarray``), so the names are set on
    ``ndarray.ndarray`` here, once both exist."""
    for name in __all__:
        if name not in ("NDArray", "random", "contrib", "linalg", "sparse", "image", "save",
                        "load", "load_frombuffer"):
            setattr(module, name, globals()[name])


_export_helpers(_sys.modules[__name__ + ".ndarray"])
_internal.CachedOp = CachedOp       # MXNet's mx.nd._internal.CachedOp is the same class
