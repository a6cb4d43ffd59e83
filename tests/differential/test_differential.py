"""Replay every case recorded from MXNet 1.9.1 (``cases/``) through symnb and compare.

Per case: argument/output/aux names, ``tojson()`` text and its ``load_json`` round trip,
``infer_shape`` / ``infer_type`` / ``infer_shape_partial``, which steps succeed or fail
(bind, forward, backward) with the same error text, forward outputs (training and
inference), gradients for ``grad_req`` write and add (onto seeded garbage), aux states after
forward and backward, arguments changed in place, and the texts of deliberate mistakes.
Values are compared like the oracle: float64 rtol 1e-6 / atol 1e-8, float32 1e-4 / 1e-5.

Re-record with ``record.py`` (needs MXNet 1.9.1); no MXNet is needed here.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import symnb
from symnb.ops import OPS

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from runner import run_case  # noqa: E402

CASES = sorted(p.stem for p in (HERE / "cases").glob("*.json"))
TOL = {"float64": (1e-6, 1e-8), "float32": (1e-4, 1e-5), "float16": (1e-3, 1e-3)}
ARRAY_KEYS = ("out_train:", "out_infer:", "grad_write:", "grad_add:", "aux_fwd:", "aux_bwd:",
              "arg_after:")

# Divergences in modules this suite's owner cannot fix: case -> what has to change, and where.
XFAIL: dict[str, str] = {
    "slice_2": "inference: a 0 dim that an operator infers (an empty slice) is a known dim in "
               "MXNet (only user-given 0s are unknown), so infer_shape is complete with "
               "(1, 2, 0); symnb treats every 0 as unknown and returns (None, None, None)",
    "copyto_0": "MXNet registers no type rule for _copyto, so a graph holding it cannot be "
                "bound; symnb gives it the input's type",
    "sort_0": "MXNet 1.9.1 cannot bind sort's gradient unless axis is given explicitly (its "
              "_backward_topk node gets axis=''); symnb binds it",
    "scatter_set_nd_0": "MXNet runs _scatter_set_nd only in place (output aliasing lhs, as "
                        "NDArray.__setitem__ calls it); a symbolic run fails a pointer check "
                        "whose text holds addresses; symnb computes the result",
}

# Facts where symnb refuses on purpose what MXNet 1.9.1 accepts: (case, fact) -> why.
DELIBERATE: dict[tuple[str, str], str] = {}
# MXNet 1.9.1 builds fft, ifft and count_sketch for GPU only (its CPU bind fails: "fft is
# only available for GPU."); symnb computes their GPU semantics on every backend
DELIBERATE.update({(case, fact): "GPU-only in MXNet; symnb computes on cpu too"
                   for case in ("fft_0", "fft_1", "ifft_0", "ifft_1", "count_sketch_0")
                   for fact in ("bind_write", "bind_add", "forward_train_write",
                                "backward_write", "forward_infer", "forward_train_add",
                                "backward_add")})


def _load(name):
    with open(HERE / "cases" / (name + ".json")) as f:
        recorded = json.load(f)
    with np.load(HERE / "cases" / (name + ".npz")) as z:
        arrays = {k: z[k] for k in z.files}
    return recorded["case"], recorded["facts"], arrays


def _close(key, got, want, rtol, atol):
    if got.shape != want.shape:
        return "%s: shape %s, MXNet %s" % (key, got.shape, want.shape)
    if got.dtype != want.dtype:
        return "%s: dtype %s, MXNet %s" % (key, got.dtype, want.dtype)
    g, w = got.astype(np.float64), want.astype(np.float64)
    if not np.array_equal(np.isnan(g), np.isnan(w)):
        return "%s: NaN positions differ" % key
    fin = ~np.isnan(w)
    bad = ~np.isclose(g[fin], w[fin], rtol=rtol, atol=atol)
    if bad.any():
        return "%s: %d of %d values differ, max |diff| %.3g\n  got  %s\n  want %s" % (
            key, bad.sum(), bad.size, np.abs(g[fin] - w[fin])[bad].max(),
            np.array2string(g.ravel()[:12], precision=5), np.array2string(w.ravel()[:12],
                                                                          precision=5))
    return None


def _differences(name):
    case, want_facts, recorded = _load(name)
    inputs = {k: v for k, v in recorded.items()
              if k.startswith(("in:", "aux:", "grad_init:", "head:"))}
    for k, v in case["kwargs"].items():     # JSON made the tuples lists
        if isinstance(v, list):
            case["kwargs"][k] = tuple(v)
    for err in case["errors"]:
        if "kwargs" in err:
            err["kwargs"] = {k: tuple(v) if isinstance(v, list) else v
                             for k, v in err["kwargs"].items()}
    got_facts, got_arrays = run_case(symnb, case, arrays=inputs)
    problems = []
    for key in sorted(set(want_facts) | set(got_facts)):
        want, got = want_facts.get(key, "<absent>"), got_facts.get(key, "<absent>")
        if (name, key) in DELIBERATE:
            if got == want:
                problems.append("%s: now matches MXNet; drop it from DELIBERATE" % key)
            continue
        if got != want:
            problems.append("%s:\n  symnb %r\n  MXNet %r" % (key, got, want))
    rtol, atol = TOL.get(case["dtype"], (0, 0))
    rtol, atol = case.get("rtol", rtol), case.get("atol", atol)
    ignore = case.get("ignore", [])
    expected = {k: v for k, v in recorded.items() if k.startswith(ARRAY_KEYS)}
    for key in sorted(set(expected) | set(got_arrays)):
        if key in ignore:
            continue
        if key not in got_arrays or key not in expected:
            problems.append("%s: %s" % (key, "missing" if key in expected else "unexpected"))
            continue
        got, want = np.asarray(got_arrays[key]), expected[key]
        if ignore == "values":      # random outputs: only shape and dtype are facts
            got, want = np.zeros_like(got), np.zeros_like(want)
        diff = _close(key, got, want, rtol, atol)
        if diff:
            problems.append(diff)
    return problems


@pytest.mark.filterwarnings("ignore:Cannot decide shape")   # incomplete infer_shape: a fact
@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[n])) if n in XFAIL
    else n for n in CASES])
def test_matches_mxnet(name):
    problems = _differences(name)
    assert not problems, "%s differs from MXNet 1.9.1:\n%s" % (name, "\n".join(problems))


def test_every_operator_has_cases():
    recorded = set()
    for name in CASES:
        with open(HERE / "cases" / (name + ".json")) as f:
            recorded.add(json.load(f)["case"]["op"])
    # the fused optimizer updates are recorded through mx.nd by tests/optimizer/record.py
    # (MXNet 1.9.1 cannot compose most of them as symbols)
    with open(HERE.parent / "optimizer" / "cases" / "ops.json") as f:
        recorded |= {case["op"] for case in json.load(f)}
    # RNN and Custom are recorded by tests/rnn/record.py and tests/custom/record.py
    if (HERE.parent / "rnn" / "cases.json").exists():
        recorded.add("RNN")
    with open(HERE.parent / "custom" / "softmax.json") as f:
        if '"op": "Custom"' in json.load(f)["json"]:
            recorded.add("Custom")
    # the deprecated Python operators are recorded by tests/custom/record_pythonop.py
    with open(HERE.parent / "custom" / "pythonop.json") as f:
        facts = json.load(f)
    recorded |= {op for op in ("_Native", "_NDArray")
                 if '"op": "%s"' % op in facts["json"] + facts["ndarray_op"]["json"]}
    # operators MXNet runs through mx.nd only: tests/ops/record_misc_extra.py records calls
    import sys
    sys.path.insert(0, str(HERE.parent / "ops"))
    from misc_extra_calls import RECORDED_OPS
    recorded |= set(RECORDED_OPS)
    # MXNet cannot run _contrib_backward_hawkesll: tests/ops/record_hawkes_backward.py records
    # how it refuses
    with open(HERE.parent / "ops" / "hawkes_backward.json") as f:
        if json.load(f)["graph"]["nodes"][-1]["op"] == "_contrib_backward_hawkesll":
            recorded.add("_contrib_backward_hawkesll")
    missing = sorted(set(OPS) - recorded)
    assert not missing, "operators without a recorded MXNet case: %s" % missing
