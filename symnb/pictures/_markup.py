"""The one escaping choke point for SVG and HTML.

Every element of every picture is built with :func:`tag`. Text content and attribute values
are escaped with ``html.escape(..., quote=True)`` unless they are :class:`Markup` made by
``tag`` itself, so graph text (node names, attribute values) can never become markup.

>>> str(tag('text', {'x': 1}, '<script>alert("x")</script>'))
'<text x="1">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</text>'
>>> str(tag('g', {}, tag('rect', {'width': 2}), 'a&b'))
'<g><rect width="2"/>a&amp;b</g>'
"""
from __future__ import annotations

import html
import re

__all__ = ["Markup", "escape", "tag", "join", "text_width"]


class Markup(str):
    """Text that is already markup (produced by :func:`tag`); never escaped again."""

    __slots__ = ()


# What XML 1.0 cannot hold at all, not even as a character reference: control characters
# other than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_char(match) -> str:
    code = ord(match.group())
    # a control character is drawn as its Control Pictures sign (U+2401 for U+0001), so it
    # stays visible; anything else becomes the replacement character
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def escape(value) -> str:
    """The choke point: any value as safe text for element content or a quoted attribute.

    Markup characters become entities, and characters XML cannot carry are replaced, so
    every picture parses as XML whatever the graph's names hold.

    >>> escape('a<b & "c"\\x01\\ud800') == 'a&lt;b &amp; &quot;c&quot;\\u2401\\ufffd'
    True
    """
    if isinstance(value, Markup):
        return value
    text = html.escape(str(value), quote=True)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(_xml_char, text)
    return text


def _number(value) -> str:
    if isinstance(value, float):
        text = "%.2f" % value
        return text.rstrip("0").rstrip(".")
    return str(value)


def tag(name: str, attrs: dict | None = None, *children) -> Markup:
    """``<name attrs>children</name>`` (self-closing without children). Attribute values that
    are floats are written with two decimals; ``None`` values are left out; plain-string
    children are escaped, :class:`Markup` children inserted as they are."""
    parts = ["<", name]
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            text = _number(value)          # digits only: nothing to escape
        else:
            text = escape(value)
        parts.append(' %s="%s"' % (_attr_name(key), text))
    if not children:
        parts.append("/>")
        return Markup("".join(parts))
    parts.append(">")
    parts.extend(escape(child) for child in children)
    parts.append("</%s>" % name)
    return Markup("".join(parts))


_ATTR_NAMES: dict[str, str] = {}


def _attr_name(key: str) -> str:
    """Python-friendly keyword to SVG attribute: ``stroke_width`` -> ``stroke-width``,
    ``class_`` -> ``class``."""
    name = _ATTR_NAMES.get(key)
    if name is None:
        name = _ATTR_NAMES[key] = key.rstrip("_").replace("_", "-")
    return name


def join(items) -> Markup:
    """Concatenate markup pieces (each escaped unless it is Markup)."""
    return Markup("".join(escape(item) for item in items))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Font-free width estimate with DejaVu Sans proportions (the widest common sans, the
    fallback of headless Linux), so text fits whatever font the viewer picks; the one measure
    both picture writers use.

    >>> round(text_width('a=10', 12.0, bold=True), 1)
    32.7
    """
    units = 0.0
    for ch in text:
        if ch in "il.,:;|!'`":
            units += 0.3
        elif ch in " ftjr()[]-":
            units += 0.4
        elif ch in "mwMW@%":
            units += 0.95
        elif ch.isupper() or ch in "×_#&→−":
            units += 0.72
        else:
            units += 0.62
    return units * size * (1.1 if bold else 1.0)
