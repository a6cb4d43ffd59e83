"""Record the differential cases from a real MXNet 1.9.1 (run with MXNet's interpreter).

    MXNET_SUBGRAPH_VERBOSE=0 .bench-mxnet-venv/bin/python tests/differential/record.py
    ... record.py -k Pooling -k Reshape      # only cases whose name contains a filter

Writes ``cases/<name>.json`` (the case spec and MXNet's facts: names, JSON text, inferred
shapes and types, error texts) and ``cases/<name>.npz`` (inputs, head gradients, outputs,
gradients, aux states). symnb is never imported here; the replay needs no MXNet.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def main(argv=None) -> int:
    """Record every selected case; returns the process exit status.

    >>> callable(main)
    True
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", action="append", default=[], help="name substring filter")
    a = ap.parse_args(argv)
    os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")
    sys.path.insert(0, HERE)
    import mxnet as mx
    import numpy as np
    from runner import run_case
    from specs import all_cases

    if not mx.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    os.makedirs(CASES, exist_ok=True)
    n = 0
    for case in all_cases():
        if a.k and not any(k in case["name"] for k in a.k):
            continue
        with contextlib.redirect_stdout(io.StringIO()):   # infer_shape prints on errors
            facts, arrays = run_case(mx, case)
        with open(os.path.join(CASES, case["name"] + ".json"), "w") as f:
            json.dump({"case": case, "facts": facts}, f, indent=1, sort_keys=True)
        np.savez_compressed(os.path.join(CASES, case["name"] + ".npz"), **arrays)
        n += 1
    print("recorded %d cases under %s" % (n, CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
