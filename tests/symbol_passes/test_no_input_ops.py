"""Keyword Symbols given to an operator without inputs are dropped, as nnvm's compose does
(MXNet's test_random builds ``mx.sym.random.randn(data=..., ...)``); texts from MXNet 1.9.1."""
from __future__ import annotations

import json

import pytest

import symnb as mx


def test_dropped_on_operators_without_inputs():
    with mx.name.NameManager():
        s = mx.sym._internal._random_normal(loc=1.0, data=mx.sym.var("q"))
        z = mx.sym.zeros((2,), data=mx.sym.var("q"))
    assert s.list_arguments() == [] and z.list_arguments() == []
    assert json.loads(s.tojson())["nodes"] == [
        {"op": "_random_normal", "name": "_random_normal0", "attrs": {"loc": "1.0"},
         "inputs": []}]
    r = mx.sym.random.randn(loc=10.0, scale=0.5, dtype="float32", data=mx.sym.ones((2, 3)))
    assert r.list_arguments() == [] and r.attr("shape") == "()"


def test_still_refused_where_inputs_exist():
    with pytest.raises(mx.MXNetError, match="Keyword argument name foo not found"):
        mx.sym.relu(data=mx.sym.var("x"), foo=mx.sym.var("q"))
