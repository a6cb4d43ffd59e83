"""Shared helpers for replaying the recorded MXNet cases (see record.py)."""
from __future__ import annotations

import json
import os

import numpy as np

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")


def load(name):
    with open(os.path.join(CASES, name)) as f:
        return json.load(f)


def dec(rec):
    """The numpy array of an ``enc`` record."""
    return np.array(rec["values"], dtype=rec["dtype"]).reshape(rec["shape"])


def num(value):
    """A recorded number (``'nan'`` for NaN) or a list of them, as floats."""
    if isinstance(value, list):
        return [num(v) for v in value]
    return float("nan") if value == "nan" else float(value)


def same_number(actual, expected, rtol=1e-5):
    expected = num(expected)
    if isinstance(expected, list):
        assert len(actual) == len(expected), (actual, expected)
        for a, e in zip(actual, expected):
            same_number(a, e, rtol)
        return
    actual = float(actual)
    if np.isnan(expected):
        assert np.isnan(actual), actual
    else:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-6)


def batch_record(batch):
    """What record.py stores of a DataBatch, made from a symnb batch."""
    return {"data": [d.asnumpy() for d in batch.data],
            "label": None if batch.label is None else [d.asnumpy() for d in batch.label],
            "pad": batch.pad,
            "index": None if batch.index is None else [int(i) for i in batch.index],
            "str": str(batch)}


def assert_batch(actual, expected, where):
    assert actual["str"] == expected["str"], where
    assert actual["pad"] == expected["pad"], where
    assert actual["index"] == expected["index"], where
    for kind in ("data", "label"):
        if expected[kind] is None:
            assert actual[kind] is None, where
            continue
        assert len(actual[kind]) == len(expected[kind]), where
        for got, want in zip(actual[kind], expected[kind]):
            want = dec(want)
            assert got.dtype == want.dtype, (where, kind, got.dtype, want.dtype)
            np.testing.assert_array_equal(got, want, err_msg="%s %s" % (where, kind))


def run_epochs(it, epochs, hard=False):
    """Iterate like record.run_epochs: batches per epoch, an MXNetError message ends it."""
    import symnb as mx
    out = []
    for e in range(epochs):
        batches = []
        try:
            for b in it:
                batches.append(batch_record(b))
        except mx.MXNetError as err:
            batches.append({"error": str(err)})
            out.append(batches)
            break
        out.append(batches)
        if hard and e == 0:
            it.hard_reset()
        else:
            it.reset()
    return out


def assert_epochs(actual, expected, name):
    assert len(actual) == len(expected), (name, len(actual), len(expected))
    for e, (got, want) in enumerate(zip(actual, expected)):
        assert len(got) == len(want), (name, e, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            if "error" in w:
                assert "error" in g and w["error"] in g["error"], (name, g, w)
                continue
            assert_batch(g, w, "%s epoch %d batch %d" % (name, e, i))
