"""symnb: MXNet 1.x symbolic graphs, executors and pictures for today's notebooks.

``import symnb as mx`` runs MXNet 1.x symbolic code unchanged.

>>> import symnb as mx
>>> a, b = mx.sym.Variable('A'), mx.sym.Variable('B')
>>> ex = (a * b).bind(mx.cpu(), {'A': mx.nd.ones((2, 3)) * 4, 'B': mx.nd.ones((2, 3)) * 2})
>>> ex.forward()[0].asnumpy().tolist()
[[8.0, 8.0, 8.0], [8.0, 8.0, 8.0]]
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import base, context, name, attribute, util  # noqa: I001  -- order matters
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from .attribute import AttrScope
from .util import np_shape, use_np_shape, is_np_shape, set_np_shape
from . import ops  # noqa: F401  -- registers every operator
from . import symbol
from . import symbol as sym
from . import ndarray
from . import ndarray as nd
from . import executor
from . import random
from . import initializer
from . import initializer as init

__all__ = ["MXNetError", "Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus",
           "AttrScope", "sym", "symbol", "nd", "ndarray", "executor", "random", "model",
           "test_utils", "viz", "visualization", "init", "initializer", "name", "attribute",
           "base", "context", "util", "np_shape", "use_np_shape", "is_np_shape",
           "set_np_shape"]
__all__ += ["io", "metric", "callback", "mon", "monitor", "profiler", "recordio"]
__all__ += ["mod", "module"]


# Imported on first use (PEP 562), so `import symnb` stays light: test_utils pulls in
# numpy.testing, visualization and model are rarely needed.
# One line per name, so modules added side by side merge cleanly.
_LAZY = {
    "test_utils": "test_utils",
    "model": "model",
    "visualization": "visualization",
    "viz": "visualization",
    "runtime": "runtime",
    "rnn": "rnn",
    "operator": "operator",
    "mod": "module",
    "module": "module",
    "optimizer": "optimizer",
    "lr_scheduler": "lr_scheduler",
    "kvstore": "kvstore",
    "kv": "kvstore",
    "io": "io",
    "metric": "metric",
    "callback": "callback",
    "mon": "monitor",
    "monitor": "monitor",
    "profiler": "profiler",
    "recordio": "recordio",
}


def __getattr__(attr):
    if attr in _LAZY:
        import importlib
        module = importlib.import_module("." + _LAZY[attr], __name__)
        globals()[attr] = module
        return module
    raise AttributeError("module %r has no attribute %r" % (__name__, attr))


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def load_ipython_extension(ipython):
    """``%load_ext symnb``: register the notebook magics (imports IPython lazily)."""
    from .notebook import load_ipython_extension as _load
    _load(ipython)


def unload_ipython_extension(ipython):
    """``%unload_ext symnb``: remove the magics and picture formatters ``%load_ext`` added."""
    from .notebook import unload_ipython_extension as _unload
    _unload(ipython)


def _jupyter_labextension_paths():
    """Where the prebuilt JupyterLab renderer lives (read by ``jupyter labextension develop``)."""
    return [{"src": "notebook/labextension", "dest": "symnb-graph"}]
