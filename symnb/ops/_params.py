"""Operator parameters: typed declarations parsed from and written to MXNet's string forms.

A :class:`Param` is declared with MXNet's own type string (``"int, required"``,
``"boolean, optional, default=0"``, ``"{'relu', 'tanh'},optional, default='relu'"``) so that
docs, errors and the ``Cannot find argument`` listing read exactly as MXNet's. Parsing follows
spec symbol.md 7.3: the same rules apply to values from Python keywords and from JSON attrs.
"""
from __future__ import annotations

import contextvars
import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from ..base import MXNetError

__all__ = ["Param", "ParamError", "Params", "parse_params", "format_value", "attrs_origin",
           "mxnet_attr_order", "mxnet_insertion_order", "unordered_map_order"]


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
        if not self.doc:        # dmlc writes no description line then (_Native's info)
            return "%s : %s\n" % (self.name, self.type)
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

    Raises MXNetError with MXNet's text and the ``, in operator Op(name="n", k="v")`` suffix,
    the attributes listed, and the first bad one reported, in MXNet's order
    (:func:`mxnet_attr_order`; the origin comes from :func:`attrs_origin`).

    >>> from symnb.ops import get_op
    >>> try:
    ...     parse_params(get_op('FullyConnected'), {'num_hidden': '0', 'flatten': 'True'})
    ... except MXNetError as e:
    ...     print(str(e).rsplit(', in operator ', 1)[1])
    FullyConnected(name="", flatten="True", num_hidden="0")
    """
    try:
        return _parse_in_order(op, attrs, attrs)
    except ParamError as e:
        first = e
    # MXNet walks its unordered_map: with several bad keys, the one it reports first may differ
    order = mxnet_attr_order(op, attrs, *_ORIGIN.get())
    try:
        _parse_in_order(op, attrs, order)
    except ParamError as e:
        first = e
    if not op.param_error_suffix:
        raise MXNetError("MXNetError: %s" % str(first).rstrip()) from None  # as MXNet trims
    pairs = "".join(', %s="%s"' % (k, attrs[k]) for k in order)
    raise MXNetError('MXNetError: %s, in operator %s(name="%s"%s)'
                     % (first, op.name, node_name, pairs)) from None


def _parse_in_order(op, attrs: dict, keys) -> Params:
    declared = op.param_map
    values = Params()
    for key in keys:
        if key.startswith("__") and key.endswith("__"):
            continue
        param = declared.get(key)
        if param is None:
            # an operator without parameters has no attr_parser in MXNet: any key is kept
            if op.accepts_unknown_params or not declared:
                continue
            # the parameter struct's fields, hidden ones too (add_n's num_args)
            listing = "".join(p.describe() for p in declared.values())
            raise ParamError("Cannot find argument '%s', Possible Arguments:\n"
                             "----------------\n%s" % (key, listing))
        values[key] = param.parse(attrs[key])
    if keys is not attrs:
        values = Params((k, values[k]) for k in attrs if k in values)
    for key, value in op.implied_params.items():
        values.setdefault(key, value)
    for param in declared.values():
        if param.name not in values:
            if param.required:
                # dmlc's enums are int fields: MXNet names a missing one "of int"
                raise ParamError("Required parameter %s of %s is not presented"
                                 % (param.name, "int" if param.kind == "enum"
                                    else param.type_name))
            values[param.name] = param.default
    return values


# ---- MXNet's attribute order -------------------------------------------------------------------
# MXNet keeps a node's attributes in a C++ std::unordered_map<string, string> and both checks
# and lists them (ParamParser's ", in operator" suffix) in its iteration order. That order is
# reproduced from libstdc++: std::hash<string> (_Hash_bytes, a 64-bit MurmurHash2 variant with
# seed 0xc70f6907), buckets chosen by _Prime_rehash_policy (load factor 1; a default-constructed
# map starts with 11 buckets, MXNet's ParseAttrs reserves len(keys) + 1), and the node list: a
# key landing in an empty bucket goes to the front of the list, one landing in an occupied
# bucket goes just before that bucket's first node; a rehash relinks the list by the same rule.
# Checked against 426 texts recorded from MXNet 1.9.1 (tests/core/attr_order_cases.json).

_ORIGIN = contextvars.ContextVar("symnb_attrs_origin", default=("graph", ()))
_MASK = (1 << 64) - 1
_MUL = 0xc6a4a7935bd1e995
_SMALL_BUCKETS = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)     # _M_next_bkt(n), n < 14
_PRIMES = (17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103,
           109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277,
           293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823)


class attrs_origin:  # noqa: N801 -- used as a function: ``with attrs_origin("nd"):``
    """Declare how MXNet would have filled the attribute map parsed inside the block.

    ``"graph"`` (the default: JSON nodes and ``mx.sym`` nodes, whose attributes are kept in
    MXNet's insertion order), ``"sym"`` (keyword order rebuilt as MXNet's generated function
    passes it, see :func:`mxnet_insertion_order`) or ``"nd"`` (``mx.nd.Op(...)``: the same,
    in a map reserved for ``len + 1`` keys). ``scope_keys`` are the (``__key__``-converted)
    keys that came from ``attr=``/AttrScope.

    >>> with attrs_origin('nd'):
    ...     _ORIGIN.get()
    ('nd', ())
    """

    __slots__ = ("_value", "_token")

    def __init__(self, origin: str, scope_keys=()):
        self._value = (origin, tuple(scope_keys))

    def __enter__(self):
        self._token = _ORIGIN.set(self._value)

    def __exit__(self, *exc):
        _ORIGIN.reset(self._token)


def mxnet_attr_order(op, attrs: dict, origin: str = "graph", scope_keys=()) -> list[str]:
    """The order MXNet 1.9.1 iterates a node's attributes in (see :func:`attrs_origin`).

    >>> from symnb.ops import get_op
    >>> mxnet_attr_order(get_op('Convolution'),
    ...                  {'num_filter': '0', 'kernel': '(3, 3)', 'stride': '(1, 1)'}, 'sym')
    ['num_filter', 'stride', 'kernel']
    """
    keys = mxnet_insertion_order(op, attrs, origin, scope_keys)
    reserve = None
    if origin == "nd":
        # ParseAttrs reserves for the Python keywords + 1, then adds num_args itself
        added = bool(keys) and keys[-1] == op.key_var_num_args
        reserve = len(keys) + (0 if added else 1)
    return unordered_map_order(keys, reserve)


def mxnet_insertion_order(op, attrs: dict, origin: str = "sym", scope_keys=()) -> list[str]:
    """The order MXNet inserts a call's attributes into the node's map.

    For ``"graph"`` the attributes' own order (JSON). MXNet's generated ``mx.sym``/``mx.nd``
    functions pass unknown keywords, then ``attr=`` keys (``scope_keys``), then the declared
    parameters in declaration order, ``dtype`` last; operators with a variable input list
    pass the keywords as given, then ``attr=`` keys, then ``num_args`` when the caller left
    it out (symnb appends it last then, as MXNet does).

    >>> from symnb.ops import get_op
    >>> mxnet_insertion_order(get_op('FullyConnected'), {'flatten': 'True', 'num_hidden': '2'})
    ['num_hidden', 'flatten']
    """
    keys = list(attrs)
    if origin not in ("sym", "nd"):
        return keys
    added = bool(keys) and keys[-1] == op.key_var_num_args
    tail = keys[-1:] if added else []
    scope = [k for k in scope_keys if k in attrs]
    user = [k for k in keys[:len(keys) - len(tail)] if k not in scope]
    if op.key_var_num_args or op.variadic:
        return user + scope + tail
    named = [p.name for p in tuple(op.params) + tuple(op.hidden_params)]
    declared = [k for k in named if k in user and k != "dtype"]
    return ([k for k in user if k not in named] + scope + declared
            + (["dtype"] if "dtype" in op.param_map and "dtype" in user else []) + tail)


def unordered_map_order(keys, reserve: int | None = None) -> list[str]:
    """Iteration order of a libstdc++ ``unordered_map<string, ...>`` after inserting ``keys``.

    ``reserve`` is a ``reserve(n)`` call made on the fresh map before the inserts; a key
    inserted twice keeps its first place.

    >>> unordered_map_order(['x', 'kernel', 'stride', 'num_filter'])
    ['num_filter', 'stride', 'kernel', 'x']
    """
    n_buckets, next_resize = _next_bucket_count(10)       # the default constructor's hint
    if reserve is not None:
        n_buckets, next_resize = _next_bucket_count(max(reserve, 1))
    nodes: list[str] = []
    seen = set()
    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        if len(nodes) + 1 > next_resize:                  # _M_need_rehash
            wanted = max(len(nodes) + 1, 0 if next_resize else 11)
            if wanted >= n_buckets:
                n_buckets, next_resize = _next_bucket_count(max(wanted + 1, 2 * n_buckets))
                relinked: list[str] = []
                for k in nodes:
                    _link(relinked, k, n_buckets)
                nodes = relinked
            else:
                next_resize = n_buckets
        _link(nodes, key, n_buckets)
    return nodes


def _link(nodes: list, key: str, n_buckets: int) -> None:
    bucket = _std_hash(key) % n_buckets
    for i, other in enumerate(nodes):
        if _std_hash(other) % n_buckets == bucket:
            nodes.insert(i, key)
            return
    nodes.insert(0, key)


def _next_bucket_count(n: int) -> tuple[int, int]:
    """_Prime_rehash_policy::_M_next_bkt: (bucket count, element count that forces a rehash)."""
    if n < len(_SMALL_BUCKETS):
        return (1, 0) if n == 0 else (_SMALL_BUCKETS[n], _SMALL_BUCKETS[n])
    for prime in _PRIMES:
        if prime >= n:
            return prime, prime
    while any(n % d == 0 for d in range(2, math.isqrt(n) + 1)):    # beyond any real node
        n += 1
    return n, n


@functools.lru_cache(maxsize=4096)
def _std_hash(key: str) -> int:
    """std::hash<std::string> of libstdc++ on 64-bit: _Hash_bytes(data, len, 0xc70f6907)."""
    data = key.encode("utf-8", "surrogatepass")
    n = len(data)
    h = 0xc70f6907 ^ ((n * _MUL) & _MASK)
    tail = n & ~7
    for i in range(0, tail, 8):
        word = (int.from_bytes(data[i:i + 8], "little") * _MUL) & _MASK
        h = ((h ^ ((word ^ (word >> 47)) * _MUL & _MASK)) * _MUL) & _MASK
    if n & 7:
        h = ((h ^ int.from_bytes(data[tail:], "little")) * _MUL) & _MASK
    h = ((h ^ (h >> 47)) * _MUL) & _MASK
    return h ^ (h >> 47)


def format_value(value) -> str:
    """The string MXNet's Python frontend writes for a keyword value: ``str(value)``.

    >>> format_value((3, 3)), format_value(True), format_value(0.1)
    ('(3, 3)', 'True', '0.1')
    """
    return str(value)
