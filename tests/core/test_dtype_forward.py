"""Every operator's ``mx.nd`` forward in seven dtypes, replayed from MXNet 1.9.1.

``dtype_forward_cases.json`` is written by ``record_dtype_forward.py`` (run with MXNet's
interpreter): the same inputs in float16, float32, float64, int32, uint8, int8 and int64,
and MXNet's outputs or error text. symnb must give the same dtype and shape, values within
the dtype's rounding (exactly for integers), or the same error.

``KNOWN`` lists the runs where symnb differs, with the reason. It is strict both ways: a
listed run that now matches fails too, so the list only shrinks.
"""
import json
import os

import numpy as np
import pytest

import symnb as mx

from .record_dtype_forward import decode, run_nd

with open(os.path.join(os.path.dirname(__file__), "dtype_forward_cases.json")) as _f:
    _FIXTURE = json.load(_f)
CASES = _FIXTURE["cases"]
RTOL = {"float16": 2e-3, "float32": 2e-5, "float64": 1e-12}

_ALL = {"float16", "float32", "float64", "int32", "uint8", "int8", "int64"}
# op -> (reason, {dtypes})
KNOWN = {
    "Reshape": ("the spec's build parameters give no shape: MXNet infers () and fails in the "
                "kernel (or oneDNN); symnb refuses the shape at inference", _ALL),
    "_contrib_fft": ("MXNet 1.9.1 has no CPU kernel ('only available for GPU'); symnb "
                     "computes it with NumPy", _ALL),
    "_contrib_ifft": ("MXNet 1.9.1 has no CPU kernel ('only available for GPU'); symnb "
                      "computes it with NumPy", _ALL),
    "_contrib_interleaved_matmul_selfatt_qk": (
        "a width (4) that is no multiple of 3 * heads: MXNet's kernel reads a truncated head "
        "width and returns garbage; symnb refuses it", {"float32"}),
    "_copyto": ("MXNet registers no type rule for _copyto, so mx.nd refuses it; symnb gives "
                "it the input's type (tests/differential XFAIL['copyto_0'])", _ALL),
    "erfinv": ("erfinv of integers >= 1 is inf or NaN; C leaves casting those to int32 "
               "undefined (MXNet's build gives 0 or INT_MIN)", {"int32", "int64"}),
}


def _same(theirs, ours):
    """None when the two outcomes agree, else what differs."""
    if "error" in theirs or "error" in ours:
        if theirs.get("error") != ours.get("error"):
            return "mxnet: %s\nsymnb: %s" % (theirs.get("error", "no error"),
                                             ours.get("error", "no error"))
        return None
    if len(theirs["outputs"]) != len(ours["outputs"]):
        return "%d outputs against %d" % (len(theirs["outputs"]), len(ours["outputs"]))
    for i, (a, b) in enumerate(zip(theirs["outputs"], ours["outputs"], strict=True)):
        if (a["dtype"], a["shape"]) != (b["dtype"], b["shape"]):
            return "output %d: mxnet %s %s, symnb %s %s" % (i, a["dtype"], a["shape"],
                                                            b["dtype"], b["shape"])
        x, y = decode(a), decode(b)
        rtol = RTOL.get(a["dtype"], 0)
        if not np.allclose(x.astype(np.float64), y.astype(np.float64), rtol=rtol,
                           atol=rtol, equal_nan=True):
            return "output %d values:\nmxnet %s\nsymnb %s" % (i, x.ravel()[:8], y.ravel()[:8])
    return None


def test_fixture_covers_most_operators():
    assert _FIXTURE["mxnet"] == "1.9.1"
    assert len(CASES) > 200
    assert not set(KNOWN) - set(CASES)


@pytest.mark.parametrize("op", sorted(CASES))
def test_forward_matches_mxnet_in_every_dtype(op):
    case = CASES[op]
    entry = {"python": case["python"], "build_params": case["build_params"]}
    reason, known = KNOWN.get(op, ("", set()))
    differ = {}
    for dtype, run in case["runs"].items():
        ours = run_nd(mx, np, entry, [decode(x) for x in run["inputs"]], case["names"])
        why = _same(run, ours)
        if why is not None:
            differ[dtype] = why
    unexpected = {k: v for k, v in differ.items() if k not in known}
    assert not unexpected, "\n".join("%s %s: %s" % (op, k, v) for k, v in unexpected.items())
    fixed = sorted(known - set(differ))
    assert not fixed, "now matches MXNet, remove from KNOWN[%r]: %s" % (op, fixed)
