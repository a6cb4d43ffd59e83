"""Namespace parity with MXNet 1.9.1 (``names.json``, recorded by ``record.py``).

For every recorded module (``mxnet.symbol``, ``mxnet.ndarray.ndarray``, ...), what symnb
implements must sit at MXNet's path: each function of a registered operator, and the Python
helpers and constants listed in ``HELPERS``. Names symnb does not implement yet are not
asserted (the operator list grows with the registry by itself).
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from symnb.ops import OPS
from symnb.symbol._functions import python_location

NAMES = json.loads((Path(__file__).parent / "names.json").read_text())

_CREATION = ["arange", "array", "concatenate", "empty", "eye", "full", "linspace", "ones",
             "zeros", "add", "subtract", "multiply", "divide", "true_divide", "modulo", "power",
             "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "lesser",
             "lesser_equal", "logical_and", "logical_or", "logical_xor", "moveaxis", "waitall",
             "from_numpy", "split_v2"]
_SYMBOL_HELPERS = ["Symbol", "var", "Variable", "Group", "load", "load_json", "pow", "power",
                   "maximum", "minimum", "hypot", "zeros", "ones", "full", "arange", "eye",
                   "linspace", "histogram", "split_v2"]
HELPERS = {
    "ndarray": ["NDArray", "save", "load", "load_frombuffer", "random", "contrib", "linalg",
                "sparse", "image"] + _CREATION,
    "ndarray.ndarray": ["NDArray", "py_slice", "integer_types", "numeric_types",
                        "mx_real_t"] + _CREATION,
    "symbol": _SYMBOL_HELPERS + ["random", "contrib", "linalg", "sparse", "image"],
    "symbol.symbol": _SYMBOL_HELPERS + ["py_slice", "integer_types", "numeric_types",
                                        "string_types", "py_str"],
}


def _operator_names():
    """(module path, name) of every function generated for a registered operator."""
    found = set()
    for op in OPS.values():
        for registered in (op.name,) + tuple(op.aliases):
            module, fname = python_location(registered)
            for root in ("symbol", "ndarray"):
                found.add((root + ("." + module if module else ""), fname))
    return found


def _expected():
    cases = []
    operators = _operator_names()
    for path, names in sorted(NAMES.items()):
        recorded = set(names)
        wanted = {n for p, n in operators if p == path} | set(HELPERS.get(path, ()))
        wanted &= recorded          # only what MXNet has at this very path
        if wanted:
            cases.append(pytest.param(path, sorted(wanted), id=path))
    return cases


def test_recorded_modules():
    assert {"symbol", "symbol.symbol", "ndarray", "ndarray.ndarray"} <= set(NAMES)


def test_helpers_are_mxnet_names():
    for path, names in HELPERS.items():
        assert sorted(set(names) - set(NAMES[path])) == [], path


@pytest.mark.parametrize("path, wanted", _expected())
def test_implemented_names_exist(path, wanted):
    module = importlib.import_module("symnb." + path)
    assert [n for n in wanted if not hasattr(module, n)] == []


def test_py_slice_is_the_builtin():
    from symnb.ndarray.ndarray import py_slice
    assert py_slice is slice
