"""Operator parameters: typed declarations parsed from and written to MXNet's string forms.

A :class:`Param` is declared with MXNet's own type string (``"int, required"``,
``"boolean, optional, default=0"``, ``"{'relu', 'tanh'},optional, default='relu'"``) so that
docs, errors and the ``Cannot find argument`` listing read exactly as MXNet's. Parsing follows
spec symbol.md 7.3: the same rules apply to values from Python keywords and from JSON attrs.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ..base import MXNetError

__all__ = ["Param", "ParamError", "Params", "parse_params", "format_value"]


class ParamError(MXNetError):
    """A parameter failed to parse or validate; the text is MXNet's, minus the op suffix."""


_INT_RE = re.compile(r"\s*[+-]?\d+\s*\Z")
_FLOAT_PREFIX_RE = re.compile(
    r"\s*[+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", re.IGNORECASE)
_SHAPE_RE = re.compile(r"\s*[(\[]\s*((?:[+-]?\d+L?\s*,\s*)*(?:[+-]?\d+L?\s*,?)?)\s*[)\]]\s*\Z")
_BARE_INT_RE = re.compile(r"\s*[+-]?\d+L?\s*\Z")
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True, slots=True)
class Param:
    """One operator parameter, declared with MXNet's type string.

    >>> p = Param('num_hidden', 'int, required', 'Number of hidden nodes of the output.', lower=1)
    >>> p.kind, p.required, p.parse('4')
    ('int', True, 4)
    >>> Param('no_bias', 'boolean, optional, default=0').default
    False
    """

    name: str
    type: str
    doc: str = ""
    lower: float | None = None
    upper: float | None = None
    kind: str = field(init=False)
    required: bool = field(init=False)
    choices: tuple | None = field(init=False)
    default: object = field(init=False)

    def __post_init__(self):
        head = self.type.split(", required")[0].split(", optional")[0].split(",optional")[0]
        head = head.split(",required")[0]
        object.__setattr__(self, "kind", "enum" if head.startswith("{") else head)
        object.__setattr__(self, "required", self.type.endswith("required"))
        choices = None
        if head.startswith("{"):
            choices = tuple(c.strip().strip("'") for c in head[1:-1].split(","))
        object.__setattr__(self, "choices", choices)
        default = None
        m = re.search(r"default=(.*)\Z", self.type)
        if m:
            text = m.group(1)
            if len(text) >= 2 and text[0] == text[-1] == "'":
                text = text[1:-1]
            default = None if text == "None" and self.accepts_none else self._parse(text)
        object.__setattr__(self, "default", default)

    @property
    def accepts_none(self) -> bool:
        return "or None" in self.kind or (self.choices is not None and "None" in self.choices) \
            or self.kind.startswith("Shape")

    @property
    def type_name(self) -> str:
        """The type as MXNet names it in "expect <type>" messages."""
        return self.type.split(",")[0] if self.kind != "enum" else self.type.split("}")[0] + "}"

    def parse(self, text: str):
        """Parse MXNet's string form, then check bounds; raises :class:`ParamError`."""
        value = self._parse(text)
        self._check_bounds(value, text)
        return value

    def _parse(self, text: str):
        kind = self.kind
        if kind.endswith(" or None"):
            if text == "None":
                return None
            kind = kind[: -len(" or None")]
        if kind == "Shape":                  # "Shape or None" parses as Shape(tuple)
            kind = "Shape(tuple)"
        elif kind == "real_t":
            kind = "float"
        if kind == "boolean":
            if text.lower() in ("true", "1"):
                return True
            if text.lower() in ("false", "0"):
                return False
            raise self._format_error(text)
        if kind.startswith(("int", "long")):
            if not _INT_RE.match(text):
                raise self._format_error(text)
            value = int(text)
            # dmlc reads ints with istringstream: overflow sets failbit -> a format error
            bits = 32 if kind.startswith("int") else 64
            low, high = (0, 2**bits) if "non-negative" in kind else (-2**(bits - 1),
                                                                     2**(bits - 1))
            if not low <= value < high:
                raise self._format_error(text)
            return value
        if kind in ("float", "double"):
            return self._parse_float(text, kind)
        if kind == "Shape(tuple)":
            return self._parse_shape(text)
        if kind == "enum":
            if text not in self.choices:
                raise ParamError("Invalid Input: '%s', valid values are: %s"
                                 % (text, self.type.split("}")[0] + "}"))
            return None if text == "None" else text
        if kind.startswith("tuple of"):
            inner = text.strip()
            if inner[:1] in "([" and inner[-1:] in ")]":
                inner = inner[1:-1]
            convert = int if kind in ("tuple of <long>", "tuple of <int>") else float
            try:
                return tuple(convert(v) for v in inner.split(",") if v.strip())
            except ValueError:
                raise self._format_error(text) from None
        return text  # 'string' and anything free-form

    def _parse_float(self, text, kind):
        m = _FLOAT_PREFIX_RE.match(text)
        if not m:
            raise self._format_error(text)
        rest = text[m.end():]
        if rest and rest not in ("f", "F"):
            raise ParamError("Some trailing characters could not be parsed: '%s'" % rest)
        value = float(m.group(0))
        if math.isinf(value) and "inf" not in m.group(0).lower():
            raise ParamError("Out of range value for %s, value='%s'" % (self.name, text))
        if kind == "float":
            if not math.isinf(value) and abs(value) > _FLOAT32_MAX:
                raise ParamError("Out of range value for %s, value='%s'" % (self.name, text))
            value = float(np.float32(value))  # MXNet stores float params as float32
        return value

    def _parse_shape(self, text):
        if _BARE_INT_RE.match(text):
            return (int(text.strip().rstrip("L")),)
        m = _SHAPE_RE.match(text)
        if not m:
            raise self._format_error(text)
        return tuple(int(v.strip().rstrip("L")) for v in m.group(1).split(",") if v.strip())

    def _check_bounds(self, value, text):
        if value is None or isinstance(value, (str, tuple, bool)):
            return
        if isinstance(value, float):    # dmlc prints the parsed value (ostream: %g)
            text = "%g" % value
        if self.lower is not None and self.upper is not None:
            if not self.lower <= value <= self.upper:
                raise ParamError("value %s for Parameter %s exceed bound [%s,%s]\n%s: %s"
                                 % (text, self.name, _num(self.lower), _num(self.upper),
                                    self.name, self.doc))
        elif self.lower is not None and not value >= self.lower:
            raise ParamError("value %s for Parameter %s should be greater equal to %s\n%s: %s"
                             % (text, self.name, _num(self.lower), self.name, self.doc))

    def _format_error(self, text):
        return ParamError("Invalid Parameter format for %s expect %s but value='%s'"
                          % (self.name, self.type_name, text))

    def describe(self) -> str:
        """The block MXNet prints for this parameter in ``Cannot find argument`` errors."""
        return "%s : %s\n    %s\n" % (self.name, self.type, self.doc)


def _num(x):
    return str(int(x)) if float(x).is_integer() else str(x)


class Params(dict):
    """Parsed parameter values with attribute access (defaults filled in).

    >>> p = Params(num_hidden=4); p.num_hidden
    4
    """

    __slots__ = ()

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def parse_params(op, attrs: dict, node_name: str = "") -> Params:
    """Parse a node's string attributes against ``op.params``; dunder keys are skipped.

    Raises MXNetError with MXNet's text and the ``, in operator Op(name="n", k="v")`` suffix.
    """
    declared = op.param_map
    values = Params()
    try:
        for key, text in attrs.items():
            if key.startswith("__") and key.endswith("__"):
                continue
            param = declared.get(key)
            if param is None:
                if op.accepts_unknown_params:
                    continue
                listing = "".join(p.describe() for p in tuple(op.params) + tuple(op.hidden_params))
                raise ParamError("Cannot find argument '%s', Possible Arguments:\n"
                                 "----------------\n%s" % (key, listing))
            values[key] = param.parse(text)
        for key, value in op.implied_params.items():
            values.setdefault(key, value)
        for param in tuple(op.params) + tuple(op.hidden_params):
            if param.name not in values:
                if param.required:
                    raise ParamError("Required parameter %s of %s is not presented"
                                     % (param.name, param.type_name))
                values[param.name] = param.default
    except ParamError as e:
        pairs = "".join(', %s="%s"' % (k, v) for k, v in attrs.items()
                        if not (k.startswith("__") and k.endswith("__")))
        raise MXNetError('MXNetError: %s, in operator %s(name="%s"%s)'
                         % (e, op.name, node_name, pairs)) from None
    return values


def format_value(value) -> str:
    """The string MXNet's Python frontend writes for a keyword value: ``str(value)``.

    >>> format_value((3, 3)), format_value(True), format_value(0.1)
    ('(3, 3)', 'True', '0.1')
    """
    return str(value)
