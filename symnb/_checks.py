"""``mx_assert``: MXNet's Python layer checks user input with ``assert``; so do we, but robustly.

A plain ``assert`` vanishes under ``python -O`` and has its message rewritten by pytest; this
raises the same ``AssertionError`` with exactly MXNet's message in every mode.
"""
from __future__ import annotations

__all__ = ["mx_assert"]


def mx_assert(condition, message=None) -> None:
    """Raise ``AssertionError(message)`` (bare without a message) unless ``condition``.

    >>> mx_assert(1 > 0, 'fine')
    >>> mx_assert(0 > 1, 'DataIter needs reset.')
    Traceback (most recent call last):
    ...
    AssertionError: DataIter needs reset.
    """
    if not condition:
        raise AssertionError() if message is None else AssertionError(message)
