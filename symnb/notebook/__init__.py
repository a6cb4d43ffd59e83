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
    """Register the magics and formatters on ``ipython``. Loading twice changes nothing.

    >>> from IPython.core.interactiveshell import InteractiveShell
    >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
    >>> magics = ip.magics_manager.magics
    >>> 'symbol' in magics['cell'], 'bind' in magics['line'], 'executor' in magics['line']
    (True, True, True)
    """
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
    """``%unload_ext symnb``: remove every magic and formatter the notebook layer added.

    Magics, formatters and event callbacks are recognised by the module that defines them
    (this package), so whatever later versions register is removed too, and another
    extension's entries are left alone. ``%load_ext symnb`` adds them again.

    >>> from IPython.core.interactiveshell import InteractiveShell
    >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)
    >>> unload_ipython_extension(ip); 'symbol' in ip.magics_manager.magics['cell']
    False
    >>> load_ipython_extension(ip); 'symbol' in ip.magics_manager.magics['cell']
    True
    """
    from IPython.core.magic import Magics

    def mine(obj) -> bool:
        owner = type(obj) if isinstance(obj, Magics) else getattr(obj, "__func__", obj)
        return getattr(owner, "__module__", "").startswith(__name__ + ".")

    manager = ipython.magics_manager
    ours = [name for name, magics in manager.registry.items() if mine(magics)]
    for name in ours:
        instance = manager.registry.pop(name)
        for table in manager.magics.values():
            for magic in [m for m, f in table.items() if getattr(f, "__self__", None) is instance]:
                del table[magic]
    from .training import disable as disable_fit_progress
    disable_fit_progress()
    formatter = ipython.display_formatter.mimebundle_formatter
    for cls, printer in list(formatter.type_printers.items()):
        if mine(printer):
            formatter.pop(cls)
    for event, callbacks in ipython.events.callbacks.items():
        for callback in [c for c in callbacks if mine(c)]:
            ipython.events.unregister(event, callback)
