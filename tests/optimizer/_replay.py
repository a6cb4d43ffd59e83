"""Helpers of the optimizer replays: recorded arrays back to NumPy / NDArray, comparisons."""
from __future__ import annotations

import json
import os

import numpy as np

import symnb as mx

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")

# float32 results are compared to the last few ulps; float16 to a couple of its ulps
TOLERANCE = {"float32": dict(rtol=2e-6, atol=1e-7), "float16": dict(rtol=2e-3, atol=1e-4),
             "float64": dict(rtol=1e-12, atol=0)}


def load(name):
    with open(os.path.join(CASES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def to_numpy(rec):
    return np.array(rec["data"], dtype=rec["dtype"]).reshape(rec["shape"])


def to_nd(rec):
    return mx.nd.array(to_numpy(rec), dtype=rec["dtype"])


def check_array(actual, rec, what):
    expected = to_numpy(rec)
    got = actual.asnumpy() if hasattr(actual, "asnumpy") else np.asarray(actual)
    assert got.dtype == expected.dtype, "%s: dtype %s, MXNet %s" % (what, got.dtype,
                                                                   expected.dtype)
    assert got.shape == expected.shape, "%s: shape %s, MXNet %s" % (what, got.shape,
                                                                   expected.shape)
    np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                               err_msg=what, **TOLERANCE[str(expected.dtype)])


def check_tree(actual, rec, what):
    """A state tree (None, NDArray, tuple, list) against its recording."""
    if rec is None:
        assert actual is None, "%s: expected None, got %r" % (what, actual)
    elif "tuple" in rec or "list" in rec:
        kind = "tuple" if "tuple" in rec else "list"
        assert isinstance(actual, tuple if kind == "tuple" else list), \
            "%s: expected a %s, got %r" % (what, kind, type(actual))
        assert len(actual) == len(rec[kind]), what
        for i, (a, r) in enumerate(zip(actual, rec[kind])):
            check_tree(a, r, "%s[%d]" % (what, i))
    else:
        check_array(actual, rec, what)


def nd_function(path):
    obj = mx
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
