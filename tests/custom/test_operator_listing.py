"""``mx.operator.get_all_registered_operators`` and ``get_operator_arguments`` against the
operators' facts recorded from MXNet 1.9.1 (``spec/ops.json``: symbol arguments, then
parameters, with MXNet's type strings)."""
from __future__ import annotations

import json

import pytest

import symnb as mx

from ..conftest import SHARED


def _spec_ops():
    path = SHARED / "spec" / "ops.json"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        ops = json.load(f)["ops"]
    return [o for o in ops if mx.ops.get_op(o["name"]) is not None and o.get("symbol_args")
            is not None]


@pytest.mark.parametrize("spec", _spec_ops(), ids=lambda o: o["name"])
def test_operator_arguments_match_mxnet(spec):
    got = mx.operator.get_operator_arguments(spec["name"])
    names = [a["name"] for a in spec["symbol_args"]] + [p["name"] for p in spec["params"]]
    types = [a["type"] for a in spec["symbol_args"]] + [p["type"] for p in spec["params"]]
    assert (got.narg, got.names, got.types) == (len(names), names, types)


def test_listing_and_errors():
    names = mx.operator.get_all_registered_operators()
    assert {"FullyConnected", "Custom", "RNN", "split", "SliceChannel"} <= set(names)
    with pytest.raises(mx.MXNetError, match="Operator NoSuch is not registered"):
        mx.operator.get_operator_arguments("NoSuch")
