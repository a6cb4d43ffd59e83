"""Creating operator nodes from Python calls: naming, attributes, wiring, auto-variables.

This is the one path every ``mx.sym.X(...)`` call, operator overload and fluent method takes
(spec symbol.md 2-3, 7.2).
"""
from __future__ import annotations

import numpy as np

from .. import attribute
from .. import name as _name
from ..base import MXNetError, _Null
from ..graph import Entry, Node
from ..ops._params import mxnet_insertion_order

__all__ = ["create", "convert_attrs", "HIDDEN_KEYS"]

HIDDEN_KEYS = attribute.HIDDEN_KEYS


def convert_attrs(attrs: dict) -> dict:
    """Store hidden keys as ``__key__`` and reject ``<prefix>_<hidden key>`` (spec 1.3)."""
    out = {}
    for key, value in attrs.items():
        if key in HIDDEN_KEYS:
            out["__%s__" % key] = value
            continue
        for hidden in HIDDEN_KEYS:
            if key.endswith("_" + hidden) and not (key.startswith("__") and key.endswith("__")):
                raise MXNetError(
                    "MXNetError: setting variable attributes with %s is deprecated. please "
                    "instead use\nw = Variable(%s=3)\nsym = YourSymbolName(%s=w)"
                    % (key, hidden, key[: -len(hidden) - 1]))
        out[key] = value
    return out


def _plain(value):
    """NumPy scalars inside tuples/lists as Python numbers, so that ``str`` writes ``(6,)``
    rather than NumPy 2's ``(np.int64(6),)``; ``str`` of a bare NumPy scalar is already
    MXNet's text (``np.float32(1.1)`` -> ``1.1``)."""
    if isinstance(value, (tuple, list)):
        return type(value)(_plain_item(v) for v in value)
    return value


def _plain_item(v):
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(str(v))
    if isinstance(v, (tuple, list)):
        return _plain(v)
    return v


def _stringify(op, key, value) -> str:
    if key == "dtype" and op.param_map.get("dtype") is not None:
        # MXNet's generated functions pass every dtype through NumPy (symbol/register.py):
        # np.dtype(None) is float64 (spec 2.4), 'float' is float64, and a name NumPy does
        # not know is NumPy's TypeError ("data type 'bogus' not understood")
        dtype = np.dtype(value)
        return dtype.names[0] if dtype.names else dtype.name
    return str(_plain(value))


def create(op, hint: str, args=(), kwargs=None, name=None, attr=None, exact_name=None):
    """Build an operator node and return its Symbol.

    ``args`` are positional symbols (already matched to input slots for fixed-arity ops),
    ``kwargs`` may mix input symbols (by input name) and parameters. ``exact_name`` names the
    node without the name manager (composing an atomic symbol keeps its name, even ``""``).
    """
    from .symbol import Symbol

    kwargs = dict(kwargs or {})
    scope_attrs = attribute.current().get(attr)
    for value in scope_attrs.values():
        if not isinstance(value, str):
            raise ValueError("Set Attr only accepts string values")
    # C strings end at NUL (spec 7.5)
    if exact_name is None:
        node_name = _name.current().get(name, hint).split("\x00")[0]
    else:
        node_name = exact_name

    input_syms = {}
    raw_attrs = {}
    for key, value in kwargs.items():
        if value is _Null:
            continue
        if isinstance(value, Symbol) and key not in op.param_map:
            input_syms[key] = value       # a Symbol given for a parameter is stringified
        else:
            raw_attrs[key] = _stringify(op, key, value)
    if op.key_var_num_args and op.key_var_num_args not in raw_attrs:
        raw_attrs[op.key_var_num_args] = str(len(args))
    attrs = convert_attrs(scope_attrs)
    scope_keys = tuple(attrs)
    attrs.update(convert_attrs(raw_attrs))
    # the node keeps MXNet's insertion order: errors (now and after _set_attr) follow its map
    attrs = {k: attrs[k] for k in mxnet_insertion_order(op, attrs, "sym", scope_keys)}
    params = op.parse(attrs, "")          # validate before the node exists (name="" in errors)

    declared = list(op.input_names(params))
    if op.imperative_only and declared:
        raise MXNetError("MXNetError: Not enough argument to call operator %s" % op.name)
    mutated = op.mutated_positions(params)
    node = Node(op, node_name, attrs)
    node._params = params
    wired: list[Entry | None] = [None] * len(declared)
    for i, sym in enumerate(args):
        if sym is None:
            continue
        if i >= len(declared):
            raise MXNetError("MXNetError: %s takes %d inputs but %d were given"
                             % (op.name, len(declared), len(args)))
        wired[i] = _single_entry(sym, "Argument %d" % i if op.key_var_num_args or op.variadic else
                                 "Keyword Argument %s" % declared[i])
    if not declared and not (op.variadic or op.key_var_num_args):
        # nnvm composes nothing into an operator without inputs: keyword Symbols given to
        # one (mx.sym.random.randn(data=...), zeros(data=...)) are dropped silently
        input_syms = {}
    for key, sym in input_syms.items():
        if key not in declared:
            cands = "".join("\t[%d]%s\n" % (i, n) for i, n in enumerate(declared))
            raise MXNetError("MXNetError: Symbol.ComposeKeyword argument name %s not found."
                             "\nCandidate "
                             "arguments:\n%s" % (key, cands))
        wired[declared.index(key)] = _single_entry(sym, "Keyword Argument %s" % key)

    for i, input_name in enumerate(declared):
        entry = wired[i]
        if entry is None:
            # nnvm's DefaultVarName: a nameless node's variables take the input names alone
            var = Node(None, "%s_%s" % (node_name, input_name) if node_name else input_name,
                       dict(attrs))
            entry = Entry(var, 0, 0)
        target = entry.node
        if target.op is None:
            extra = op.var_attrs_on_compose.get(input_name)
            if extra and "__init__" not in target.attrs:
                target.attrs.update(extra)
                target.invalidate()
            if i in mutated:
                target.version += 1
                entry = Entry(target, entry.index, target.version)
            else:
                entry = Entry(target, entry.index, target.version)
        wired[i] = entry
    node.inputs = wired
    return Symbol([(node, i) for i in range(len(op.output_names(params)))])


def _single_entry(sym, what) -> Entry:
    heads = sym._heads
    if len(heads) != 1:
        raise MXNetError("MXNetError: Check failed: %s is a tuple, single value is required"
                         % what)
    node, index = heads[0]
    return Entry(node, index, 0)
