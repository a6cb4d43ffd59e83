"""Automatic node naming: ``NameManager`` and ``Prefix`` (spec symbol.md 2.1-2.2)."""
from __future__ import annotations

import threading
import warnings

__all__ = ["NameManager", "Prefix"]


class _ClassProperty:
    def __init__(self, fget):
        self.fget = fget

    def __get__(self, obj, owner):
        return self.fget(owner)


class NameManager:
    """Hands out ``<hint><n>`` names with one counter per hint.

    >>> nm = NameManager()
    >>> nm.get(None, 'fullyconnected'), nm.get(None, 'fullyconnected'), nm.get('fc', 'x')
    ('fullyconnected0', 'fullyconnected1', 'fc')
    """

    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """``name`` if given, else ``<hint><n>`` with the next count for ``hint``.

        >>> nm = NameManager()
        >>> nm.get(None, 'conv'), nm.get(None, 'conv'), nm.get('stem', 'conv')
        ('conv0', 'conv1', 'stem')
        """
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return "%s%d" % (hint, n)

    def __enter__(self):
        self._old_manager = _current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old_manager

    @_ClassProperty
    def current(cls):  # noqa: N805
        warnings.warn("NameManager.current has been deprecated. It is advised to use the "
                      "`with` statement with NameManager.", DeprecationWarning)
        return _current()


class Prefix(NameManager):
    """A name manager that prefixes every name, explicit ones included.

    >>> with Prefix('p_') as p:
    ...     p.get(None, 'fc'), p.get('x', 'fc')
    ('p_fc0', 'p_x')
    """

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        """The :meth:`NameManager.get` name with the prefix in front.

        >>> p = Prefix('net_')
        >>> p.get(None, 'conv'), p.get('stem', 'conv')
        ('net_conv0', 'net_stem')
        """
        return self._prefix + super().get(name, hint)


def _current() -> NameManager:
    manager = getattr(NameManager._current, "value", None)
    if manager is None:
        manager = NameManager._current.value = NameManager()
    return manager


def current() -> NameManager:
    """The active name manager (no deprecation warning).

    >>> isinstance(current(), NameManager)
    True
    """
    return _current()
