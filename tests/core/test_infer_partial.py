"""Partial shape and type inference on every operator, replayed from MXNet 1.9.1.

``infer_partial_cases.json`` is written by ``record_infer_partial.py`` (run with MXNet's
interpreter). Each operator is swept with one or every argument given ranks 1 to 5 and five
dtypes; symnb must give the same lists, or the same error text, call for call.

``KNOWN`` lists the calls where symnb differs on purpose or not yet, with the reason. It is
strict both ways: a listed call that now matches fails too, so the list only shrinks.
"""
import json
import os

import numpy as np
import pytest

import symnb as mx

from .record_infer_partial import DTYPES, sweep_op

with open(os.path.join(os.path.dirname(__file__), "infer_partial_cases.json")) as _f:
    _FIXTURE = json.load(_f)
CASES, ENTRIES = _FIXTURE["cases"], _FIXTURE["entries"]

_NOT_REGISTERED = (
    "symnb does not implement this operator yet (MXNet's int8 quantization, DGL graph "
    "sampling, OpenCV decoding)", {"*"})

# op -> (reason, {case keys}); "*" stands for every case of that operator.
KNOWN = {
    # the same choice as tests/differential's XFAIL["copyto_0"]
    "_copyto": ("MXNet registers no type rule for _copyto (its output type stays unknown and "
                "a graph holding it cannot be bound); symnb gives it the input's type",
                {"type1-" + t for t in DTYPES} | {"typeall-" + t for t in DTYPES}),
    **dict.fromkeys((
        "_contrib_calibrate_entropy", "_contrib_dequantize", "_contrib_dgl_graph_compact",
        "_contrib_dgl_subgraph", "_contrib_quantize", "_contrib_quantize_asym",
        "_contrib_quantize_v2", "_contrib_quantized_act", "_contrib_quantized_batch_norm",
        "_contrib_quantized_concat", "_contrib_quantized_conv", "_contrib_quantized_elemwise_add",
        "_contrib_quantized_elemwise_mul", "_contrib_quantized_embedding",
        "_contrib_quantized_flatten", "_contrib_quantized_fully_connected",
        "_contrib_quantized_pooling", "_contrib_requantize", "_imdecode"), _NOT_REGISTERED),
}


def _known(op):
    reason, keys = KNOWN.get(op, ("", set()))
    if "*" in keys:
        keys = set(CASES[op])
    return keys


def test_fixture_is_a_whole_sweep():
    assert _FIXTURE["mxnet"] == "1.9.1"
    assert len(CASES) > 350
    assert sum(len(v) for v in CASES.values()) > 7000
    assert not set(KNOWN) - set(CASES)


@pytest.mark.parametrize("op", sorted(CASES))
def test_partial_inference_matches_mxnet(op):
    ours = sweep_op(mx, np, ENTRIES[op])
    theirs = CASES[op]
    known = _known(op)
    if KNOWN.get(op) is _NOT_REGISTERED:
        assert "build" in ours, "%s is registered now: remove it from KNOWN" % op
        return
    differ = {k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k)}
    unexpected = sorted(differ - known)
    fixed = sorted(known - differ)
    lines = ["%s %s:\n  mxnet: %s\n  symnb: %s" % (op, k, theirs.get(k), ours.get(k))
             for k in unexpected[:6]]
    assert not unexpected, "%d calls differ from MXNet:\n%s" % (len(unexpected),
                                                                "\n".join(lines))
    assert not fixed, "now matches MXNet, remove from KNOWN[%r]: %s" % (op, fixed)
