"""``_CrossDeviceCopy`` and ``_NoGradient`` as MXNet 1.9.1 registers them (facts recorded with
the venv: signature without inputs, any keyword kept as an attribute, identity inference)."""
from __future__ import annotations

import inspect
import json

import numpy as np

import symnb as mx


def test_cross_device_copy():
    f = mx.sym._internal._CrossDeviceCopy
    assert str(inspect.signature(f)) == "(name=None, attr=None, out=None, **kwargs)"
    s = f(name="cd2")
    assert s.list_arguments() == ["cd2_data"] and s.list_outputs() == ["cd2_output"]
    x = mx.sym.var("x")
    c = f(data=x, name="cd")
    assert c.infer_shape(x=(2, 3))[:2] == ([(2, 3)], [(2, 3)])
    assert c.infer_shape_partial(x=(2, 0))[:2] == ([(2, 0)], [(2, 0)])
    assert c.infer_type(x="int32")[:2] == ([np.int32], [np.int32])
    assert mx.operator.get_operator_arguments("_CrossDeviceCopy").names == []
    assert mx.sym.load_json(c.tojson()).tojson() == c.tojson()


def test_no_gradient():
    with mx.name.NameManager():
        s = mx.sym._internal._NoGradient(foo=1)
    assert json.loads(s.tojson())["nodes"] == [
        {"op": "_NoGradient", "name": "_nogradient0", "attrs": {"foo": "1"}, "inputs": []}]
    assert s.list_arguments() == [] and s.infer_shape_partial()[1] == [()]
    assert s.infer_type() == (None, None, None)
