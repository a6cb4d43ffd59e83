"""Shared helpers for the symbol-core tests (spec: ../shared/spec/symbol.md)."""
from __future__ import annotations

import json
import re

import pytest

import symnb as mx

from ..conftest import SHARED

SPEC = str(SHARED / "spec")


def needs(*op_names):
    """Skip unless every operator is registered; runs by itself once the op lands."""
    missing = [n for n in op_names if mx.ops.get_op(n) is None]
    return pytest.mark.skipif(bool(missing), reason="operator not registered yet: %s"
                              % ", ".join(missing))


def nodes(sym):
    """``[(name, attrs or None)]`` of every JSON node, as the spec examples print them."""
    return [(n["name"], n.get("attrs")) for n in json.loads(sym.tojson())["nodes"]]


def head(sym):
    """(op, name, attrs, input names) of the first head node in the JSON."""
    j = json.loads(sym.tojson())
    n = j["nodes"][j["heads"][0][0]]
    return n["op"], n["name"], n.get("attrs"), [j["nodes"][i[0]]["name"] for i in n["inputs"]]


def head_attrs(sym):
    j = json.loads(sym.tojson())
    return j["nodes"][j["heads"][0][0]].get("attrs")


def core(message: str) -> str:
    """MXNet's message core: drop ``[HH:MM:SS] file:line: `` / ``[...] path:line: `` parts."""
    return re.sub(r"\[(?:\d\d:\d\d:\d\d|\.\.\.)\] \S+:\d+: ", "", message)


@pytest.fixture(autouse=True)
def fresh_names():
    """Every spec example starts in a fresh interpreter: fresh counters, no scopes."""
    with mx.name.NameManager():
        yield


@pytest.fixture
def ops_json():
    with open(SPEC + "/ops.json", encoding="utf-8") as f:
        return {o["name"]: o for o in json.load(f)["ops"]}


@pytest.fixture
def toy_ops():
    """Temporary operators exercising core machinery that real ops may not have landed for:
    a BatchNorm-like op with aux states, a multi-output op, and a variadic op. Returns
    ``{name: function}`` built exactly like ``mx.sym.X``; unregistered afterwards."""
    from symnb.ops import OPS, REGISTRY, OpDef, Param, register
    from symnb.ops._rules import elemwise_shape
    from symnb.symbol._functions import make_function

    class ToyNorm(OpDef):
        name = "_toy_norm"
        inputs = ("data", "gamma", "mean", "var")
        mutates = ("mean", "var")
        num_outputs_total_default = 3
        var_attrs_on_compose = {"mean": {"__init__": '["zero", {}]'}}
        params = (Param("eps", "double, optional, default=0.001", "Epsilon."),)

        def infer_shape(self, p, ins, outs):
            if ins[0] is not None:
                for i in (1, 2, 3):
                    ins[i] = (ins[0][1],)
                outs[0] = ins[0]
                outs[1] = outs[2] = (ins[0][1],)

    class ToySplit(OpDef):
        name = "_toy_split"
        params = (Param("num_outputs", "int, required", "Outputs.", lower=1),)

        def output_names(self, p):
            return tuple("output%d" % i for i in range(p.num_outputs))

        def infer_shape(self, p, ins, outs):
            if ins[0] is not None:
                for i in range(len(outs)):
                    outs[i] = (ins[0][0], ins[0][1] // p.num_outputs)

    class ToyAdd(OpDef):
        name = "_toy_add_n"
        key_var_num_args = "num_args"
        params = (Param("num_args", "int, required", "Number of inputs.", lower=1),)

        def input_names(self, p):
            return tuple("arg%d" % i for i in range(p.num_args))

        def infer_shape(self, p, ins, outs):
            elemwise_shape(ins, outs)

    classes = (ToyNorm, ToySplit, ToyAdd)
    for cls in classes:
        register(cls)
    try:
        yield {cls.name: make_function(OPS[cls.name], cls.name) for cls in classes}
    finally:
        for cls in classes:
            OPS.pop(cls.name, None)
            REGISTRY.pop(cls.name, None)
