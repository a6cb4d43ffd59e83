"""Record what MXNet 1.9.1 answers to ``misc_extra_calls.CALLS`` (run with MXNet's venv):

    MXNET_SUBGRAPH_VERBOSE=0 .bench-mxnet-venv/bin/python tests/ops/record_misc_extra.py

Writes ``fixtures/misc_extra.json``; ``test_misc_extra.py`` replays it against symnb.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def describe(value, np, nd_type):
    """A JSON form of a call's result (arrays as shape, dtype and values)."""
    if isinstance(value, nd_type):
        a = value.asnumpy()
        values = a.tolist()
        if a.dtype.kind == "f":
            # float32/float16 values as their shortest text (the file stays small)
            b = a
            if a.dtype.itemsize < 8:
                b = np.array([float(str(v)) for v in a.ravel()]).reshape(a.shape)
            values = np.where(np.isnan(a), None, b).tolist()
        return {"shape": list(a.shape), "dtype": a.dtype.name, "values": values}
    if isinstance(value, (list, tuple)):
        return [describe(v, np, nd_type) for v in value]
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    if isinstance(value, np.dtype):
        return value.name
    return value


def error_text(e):
    """The error's text without MXNet's C++ frame, timestamp and stack trace."""
    sys.path.insert(0, os.path.join(HERE, "..", "differential"))
    from runner import strip_error
    return strip_error(e)


def main() -> int:
    """Record every call.

    >>> callable(main)
    True
    """
    os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")
    sys.path.insert(0, HERE)
    import mxnet as mx
    import numpy as np
    from misc_extra_calls import CALLS
    out = {}
    for name, call in CALLS.items():
        try:
            with mx.name.NameManager():
                out[name] = {"value": describe(call(mx, np), np, mx.nd.NDArray)}
        except Exception as e:  # noqa: BLE001 -- every refusal is a recorded fact
            out[name] = {"error": error_text(e)}
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    with open(os.path.join(HERE, "fixtures", "misc_extra.json"), "w") as f:
        f.write("{\n%s\n}\n" % ",\n".join(
            "%s: %s" % (json.dumps(k), json.dumps(out[k], separators=(",", ":")))
            for k in sorted(out)))
    print("recorded %d calls" % len(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
