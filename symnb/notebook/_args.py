"""Parsing ``name=value`` words of magic lines; every mistake becomes a ``UsageError``.

IPython splits a magic line on spaces, so ``data=(32, 784)`` arrives as two words; the words of
one option are joined again and read with a small regular grammar (no ``eval``).
"""
from __future__ import annotations

import re

import numpy as np
from IPython.core.error import UsageError
from IPython.core.magic_arguments import parse_argstring

__all__ = ["parse_line", "parse_shapes", "parse_dtypes", "parse_names", "identifier"]

_SHAPE_ITEM = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*=\s*(\([^()]*\)|\[[^\[\]]*\]|\d+)\s*,?")
_WORD_ITEM = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*=\s*([^\s=,]+)\s*,?")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*$")


def parse_line(magic, line):
    """``parse_argstring`` with a quoting mistake on the line as a ``UsageError``.

    >>> from symnb.notebook.magics_executor import ExecutorMagics
    >>> parse_line(ExecutorMagics.forward, "'ex")
    Traceback (most recent call last):
    ...
    IPython.core.error.UsageError: cannot read the magic line "'ex": No closing quotation
    """
    try:
        return parse_argstring(magic, line)
    except ValueError as e:         # IPython's shlex split: unbalanced quote, lone backslash
        raise UsageError("cannot read the magic line %r: %s" % (line, e)) from None


def _join(words):
    if words is None:
        return ""
    flat = []
    for item in words:
        flat.extend(item if isinstance(item, list) else [item])
    return " ".join(flat)


def _items(text, pattern, what, example):
    items, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is None:
            rest = text[pos:].strip()
            hint = (" (a positional NAME goes before the options)"
                    if _IDENTIFIER.match(rest.split()[0]) and "=" not in rest else "")
            raise UsageError("cannot read %s %r; write NAME=%s, e.g. %s%s"
                             % (what, rest, what.upper(), example, hint))
        items.append((match.group(1), match.group(2)))
        pos = match.end()
    return items


def parse_shapes(words) -> dict:
    """``['data=(32,', '784)', 'label=(32,)']`` -> ``{'data': (32, 784), 'label': (32,)}``.

    >>> parse_shapes(['data=(32,', '784)', 'b=3'])
    {'data': (32, 784), 'b': (3,)}
    """
    shapes = {}
    for name, value in _items(_join(words), _SHAPE_ITEM, "shape", "data=(32,784)"):
        body = value.strip("()[]")
        try:
            dims = tuple(int(d) for d in body.replace(" ", "").split(",") if d != "")
        except ValueError:
            raise UsageError("shape of %r must be whole numbers, got %s" % (name, value)) from None
        if any(d < 0 for d in dims):
            raise UsageError("shape of %r has a negative dimension: %s" % (name, value))
        shapes[name] = dims
    return shapes


def parse_dtypes(words) -> dict:
    """``['data=float64']`` -> ``{'data': np.float64}``.

    >>> parse_dtypes(['data=float64', 'label=int32'])
    {'data': <class 'numpy.float64'>, 'label': <class 'numpy.int32'>}
    """
    dtypes = {}
    for name, value in _items(_join(words), _WORD_ITEM, "dtype", "data=float64"):
        try:
            dtypes[name] = np.dtype(value).type
        except TypeError:
            raise UsageError("unknown dtype %r for %r (try float32, float64, float16, int32, "
                             "uint8)" % (value, name)) from None
    return dtypes


def parse_names(words) -> dict:
    """``['A=a', 'B=b']`` -> ``{'A': 'a', 'B': 'b'}`` (values are names in the user namespace).

    >>> parse_names(['A=a', 'B=b_nd'])
    {'A': 'a', 'B': 'b_nd'}
    """
    return dict(_items(_join(words), _WORD_ITEM, "value", "A=a"))


def identifier(text, what):
    """A Python identifier or a UsageError saying what was expected."""
    if text is None or not _IDENTIFIER.match(text):
        raise UsageError("%s must be a Python name, got %r" % (what, text))
    return text
