"""Record MXNet's partial shape and type inference on every operator of the spec.

    /work/main/.bench-mxnet-venv/bin/python tests/core/record_infer_partial.py

Each operator of ``../shared/spec/ops.json`` with ``build_params`` is built once as
``mx.sym.<op>(name="x", **build_params)``. Then ``infer_shape_partial`` runs with the first
argument, and with every argument, given the shapes ``(2,)`` to ``(2, 3, 4, 5, 6)``, and
``infer_type_partial`` with the first and with every argument given each of five dtypes.
``infer_partial_cases.json`` holds MXNet's outcome of every call: the three lists, or the
error text without its log prefix. ``test_infer_partial.py`` replays the sweep on symnb.

This reaches what hand-written cases rarely do: wrong ranks, integer dtypes, inputs left
unknown, and the exact text of each operator's own shape and type checks.
"""
from __future__ import annotations

import json
import os
import re
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "infer_partial_cases.json")
SPEC = os.path.join(HERE, "..", "..", "..", "shared", "spec", "ops.json")
DIMS = (2, 3, 4, 5, 6)
DTYPES = ("float16", "float64", "int32", "uint8", "int64")
SKIP_PREFIXES = ("_cv", "Custom")     # OpenCV readers and Python callbacks


def spec_ops(path=SPEC):
    """The spec's operators that can be built from ``build_params`` alone."""
    with open(path) as f:
        ops = json.load(f)["ops"]
    return [e for e in ops if e.get("build_params") is not None and e.get("python")
            and not e["name"].startswith(SKIP_PREFIXES)]


def error_text(exc):
    """An error's text as compared: MXNet's ``[hh:mm:ss] file:line:`` prefix removed."""
    text = re.sub(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ", "", str(exc))
    return text.replace("MXNetError: ", "").strip()


def _function(mx, entry):
    obj = mx.sym
    for part in entry["python"][0]["function"].split(".")[2:]:
        obj = getattr(obj, part)
    return obj


def _plain(result, np):
    def one(v):
        if v is None:
            return None
        if isinstance(v, tuple):
            return list(v)
        return np.dtype(v).name
    return [None if part is None else [one(v) for v in part] for part in result]


def sweep_op(mx, np, entry):
    """``{case: outcome}`` for one operator: ``"build"`` alone when it cannot be built."""
    try:
        sym = _function(mx, entry)(name="x", **entry["build_params"])
    except Exception as exc:  # noqa: BLE001 - the outcome is the error text
        return {"build": error_text(exc)}
    args = sym.list_arguments()
    out = {}

    def run(key, call, **kwargs):
        try:
            out[key] = _plain(call(**kwargs), np)
        except Exception as exc:  # noqa: BLE001
            out[key] = "ERR " + error_text(exc)

    if not args:
        return out
    for rank in range(1, len(DIMS) + 1):
        shape = DIMS[:rank]
        run("shape1-%d" % rank, sym.infer_shape_partial, **{args[0]: shape})
        run("shapeall-%d" % rank, sym.infer_shape_partial, **{a: shape for a in args})
    for dtype in DTYPES:
        run("type1-" + dtype, sym.infer_type_partial, **{args[0]: dtype})
        run("typeall-" + dtype, sym.infer_type_partial, **{a: dtype for a in args})
    return out


def main():
    import mxnet as mx
    import numpy as np
    warnings.filterwarnings("ignore")
    entries = spec_ops()
    cases = {e["name"]: sweep_op(mx, np, e) for e in entries}
    built = {e["name"]: {"python": e["python"][:1], "build_params": e["build_params"]}
             for e in entries}
    with open(OUT, "w") as f:
        json.dump({"mxnet": mx.__version__, "dims": DIMS, "dtypes": DTYPES,
                   "entries": built, "cases": cases},
                  f, indent=0, sort_keys=True)
        f.write("\n")
    print("%d operators, %d calls -> %s" % (len(cases), sum(map(len, cases.values())), OUT))


if __name__ == "__main__":
    main()
