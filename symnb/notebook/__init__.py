"""The notebook layer: ``%load_ext symnb`` magics, display formatters and live widgets.

Imported only by ``%load_ext symnb`` (or explicitly); ``import symnb`` never imports IPython.

* ``%%symbol``  -- write a network with bare operator names; its graph is drawn
  (:mod:`.magics_symbol`).
* ``%bind``, ``%simple_bind``, ``%forward``, ``%backward``, ``%executor`` -- executors as
  panels (:mod:`.magics_executor`).
* :class:`~.widget.ExecutorWidget`, :class:`~.widget.SymbolWidget` -- live anywidget views
  (:mod:`.widget`, imported on first use).
* ``Module.fit`` shows a progress bar per epoch and a metric chart (:mod:`.training`).
"""
from __future__ import annotations

__all__ = ["load_ipython_extension", "unload_ipython_extension", "ExecutorWidget",
           "SymbolWidget"]

_WIDGETS = ("ExecutorWidget", "SymbolWidget")


def __getattr__(name):
    # the widgets need anywidget: imported on first use, not with the magics
    if name in _WIDGETS:
        from . import widget
        return getattr(widget, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def load_ipython_extension(ipython):
    """Register the magics and formatters on ``ipython``. Loading twice changes nothing."""
    from ._display import register_formatters
    from .magics_executor import ExecutorMagics
    from .magics_symbol import SymbolMagics

    registered = ipython.magics_manager.registry
    for magics in (SymbolMagics, ExecutorMagics):
        if magics.__name__ not in registered:
            ipython.register_magics(magics)
    register_formatters(ipython)
    from .training import enable as enable_fit_progress
    enable_fit_progress()


def unload_ipython_extension(ipython):
    """``%unload_ext symnb``: remove the picture formatters (IPython cannot drop magics)."""
    from ..executor import Executor
    from ..ndarray import NDArray
    from ..symbol import Symbol
    from .training import disable as disable_fit_progress
    disable_fit_progress()
    formatter = ipython.display_formatter.mimebundle_formatter
    for cls in (Symbol, NDArray, Executor):
        formatter.pop(cls, None)
