"""``mx.AttrScope``: attributes attached to every symbol created inside a ``with`` block."""
from __future__ import annotations

import threading
import warnings

__all__ = ["AttrScope"]

# Keys that MXNet stores as ``__key__`` and reports twice (spec symbol.md 1.3).
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


class _ClassProperty:
    def __init__(self, fget):
        self.fget = fget

    def __get__(self, obj, owner):
        return self.fget(owner)


class AttrScope:
    """Attribute scope; nested scopes merge over the enclosing one.

    >>> with AttrScope(ctx_group='dev1'):
    ...     AttrScope._current_attrs()
    {'ctx_group': 'dev1'}
    """

    _current = threading.local()

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Attributes need to be string")
        self._own = dict(kwargs)
        self._attr = dict(kwargs)     # own attributes merged over the enclosing scope's

    def get(self, attr):
        """Merge ``attr`` (explicit attributes win) over this scope's attributes.

        >>> AttrScope(a='1').get({'b': '2'})
        {'a': '1', 'b': '2'}
        """
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return attr if attr else {}

    def __enter__(self):
        self._old_scope = _current()
        # Merge from the *own* attributes so that re-entering a scope object elsewhere does
        # not keep the attributes of the scope it was first entered in (MXNet leaks them).
        self._attr = dict(self._old_scope._attr, **self._own)
        AttrScope._current.value = self
        return self

    def __exit__(self, *exc):
        AttrScope._current.value = self._old_scope

    @classmethod
    def _current_attrs(cls):
        return dict(_current()._attr)

    @_ClassProperty
    def current(cls):  # noqa: N805
        warnings.warn("AttrScope.current has been deprecated. It is advised to use the "
                      "`with` statement with AttrScope.", DeprecationWarning)
        return _current()


def _current() -> AttrScope:
    scope = getattr(AttrScope._current, "value", None)
    if scope is None:
        scope = AttrScope._current.value = AttrScope()
    return scope


def current() -> AttrScope:
    """The active attribute scope.

    >>> current().get(None)
    {}
    """
    return _current()
