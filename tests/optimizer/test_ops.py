"""Every fused update operator on fixed inputs against MXNet 1.9.1 (cases/ops.json).

The states are updated in place, so each input is compared after the call too.
"""
from __future__ import annotations

import pytest

import symnb as mx

from ._replay import check_array, load, nd_function, to_nd

CASES = load("ops")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_update_operator(case):
    result = case["result"]
    inputs = [to_nd(rec) for rec in result["inputs"]]
    fn = nd_function(case["function"])
    out = case["out"]
    kwargs = dict(case["kwargs"])
    if "error" in result:
        with pytest.raises(mx.MXNetError) as info:
            fn(*inputs, **kwargs)
        assert result["error"].split("MXNetError: ")[-1] in str(info.value)
        return
    if out is None:
        got = fn(*inputs, **kwargs)
    elif isinstance(out, list):
        got = fn(*inputs, out=[inputs[i] for i in out], **kwargs)
    else:
        got = fn(*inputs, out=inputs[out], **kwargs)
    got = got if isinstance(got, list) else [got]
    assert len(got) == len(result["outputs"])
    for i, (g, rec) in enumerate(zip(got, result["outputs"], strict=True)):
        check_array(g, rec, "output %d" % i)
    for i, (x, rec) in enumerate(zip(inputs, result["inputs_after"], strict=True)):
        check_array(x, rec, "input %d after the call" % i)


def test_every_update_operator_has_a_case():
    from symnb.ops import OPS
    family = {n for n, op in OPS.items() if op.family == "optimizer"}
    covered = {c["op"] for c in CASES}
    assert family - covered == set()
