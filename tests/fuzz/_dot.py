"""A small DOT reader for the statements ``plot_network`` writes, strict where Graphviz is.

Quoted strings follow Graphviz's scanner (``\\"`` and ``\\\\`` are pairs, a lone backslash is
literal); ``<...>`` (an HTML-like string) and ``:`` (a port) are refused outright, because
symnb never means to write either. :func:`parse_dot` returns the node statements and edges
with their IDs and attribute values decoded, so a test can compare them with the names.
"""
from __future__ import annotations

import re

__all__ = ["parse_dot", "label_text"]

_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<arrow>->)
  | (?P<punct>[{}\[\]=;,])
  | (?P<quoted>"(?:\\.|[^"\\])*")
  | (?P<id>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)|[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)
''', re.VERBOSE | re.DOTALL)


def _tokens(text):
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise AssertionError("DOT does not lex at offset %d: %r" % (pos, text[pos:pos + 40]))
        if m.lastgroup != "ws":
            yield m.lastgroup, m.group()
        pos = m.end()


def _id_value(kind, token):
    """An ID as Graphviz reads it: quotes removed, ``\\"`` -> ``"`` (other pairs kept)."""
    if kind == "quoted":
        return re.sub(r'\\(.)', lambda m: '"' if m.group(1) == '"' else m.group(),
                      token[1:-1], flags=re.DOTALL)
    return token


def label_text(value: str) -> str:
    """What a label shows (escString): ``\\\\`` -> ``\\`` (``\\"`` was already decoded)."""
    return value.replace("\\\\", "\\")


def parse_dot(text: str):
    """``(name, nodes, edges)``: ``nodes`` maps ID -> attrs, ``edges`` lists
    ``(tail, head, attrs)``; raises AssertionError for anything else."""
    toks = list(_tokens(text))
    pos = 0

    def take(*kinds):
        nonlocal pos
        if pos >= len(toks) or toks[pos][0] not in kinds:
            got = toks[pos] if pos < len(toks) else "end of text"
            raise AssertionError("DOT: expected %s at token %d, got %r" % (kinds, pos, got))
        pos += 1
        return toks[pos - 1]

    def ident():
        kind, token = take("id", "quoted")
        return _id_value(kind, token)

    def attrs():
        out = {}
        if pos < len(toks) and toks[pos] == ("punct", "["):
            take("punct")
            while toks[pos] != ("punct", "]"):
                key = ident()
                if take("punct")[1] != "=":
                    raise AssertionError("DOT: attribute %r without '='" % key)
                out[key] = ident()
                if toks[pos] in (("punct", ","), ("punct", ";")):
                    take("punct")
            take("punct")
        return out

    if ident() != "digraph":
        raise AssertionError("DOT: not a digraph")
    name = ident() if toks[pos][0] in ("id", "quoted") else None
    if take("punct")[1] != "{":
        raise AssertionError("DOT: no '{' after the graph name")
    nodes, edges = {}, []
    while toks[pos] != ("punct", "}"):
        first = ident()
        if toks[pos][0] == "arrow":
            take("arrow")
            edges.append((first, ident(), attrs()))
        else:
            nodes[first] = attrs()
        if pos < len(toks) and toks[pos] == ("punct", ";"):
            take("punct")
    take("punct")
    if pos != len(toks):
        raise AssertionError("DOT: text after the closing '}': %r" % (toks[pos:],))
    return name, nodes, edges
