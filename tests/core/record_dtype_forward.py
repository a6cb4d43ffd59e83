"""Record MXNet's ``mx.nd`` forward of every operator of the spec in seven dtypes.

    /work/main/.bench-mxnet-venv/bin/python tests/core/record_dtype_forward.py

Each operator of ``../shared/spec/ops.json`` with ``build_params`` is built as a symbol; the
first shape among ``(2, 3)``, ``(2, 3, 4)``, ``(2, 3, 4, 5)`` and ``(3,)`` (given to the
first input) that lets MXNet infer every input is kept. Then, for each of float16, float32,
float64, int32, uint8, int8 and int64, every input is filled with small random values in
that dtype and the operator runs through ``mx.nd`` (inference mode).
``dtype_forward_cases.json`` holds the inputs, then MXNet's outputs (dtype, shape, values)
or its error text; ``test_dtype_forward.py`` replays them on symnb.

Hand-written cases seldom run integer or half-precision data through every operator; this
is where MXNet's kernels differ from NumPy's (accumulation types, truncation, refusals).
"""
from __future__ import annotations

import base64
import json
import os
import re
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dtype_forward_cases.json")
SPEC = os.path.join(HERE, "..", "..", "..", "shared", "spec", "ops.json")
SHAPES = ((2, 3), (2, 3, 4), (2, 3, 4, 5), (3,))
DTYPES = ("float16", "float32", "float64", "int32", "uint8", "int8", "int64")
# random draws, Python callbacks, OpenCV readers, and operators that keep state between calls
SKIP_PREFIXES = ("_random", "_sample", "random_", "sample_", "_cv", "Custom", "_shuffle",
                 "_contrib_quantize", "_contrib_dequantize", "_contrib_requantize",
                 "_contrib_quantized", "_contrib_calibrate", "_imdecode", "_image_random")
SKIP = {"Dropout", "_contrib_dgl_csr_neighbor_uniform_sample",
        "_contrib_dgl_csr_neighbor_non_uniform_sample", "_sample_unique_zipfian",
        "_contrib_boolean_mask", "_np_copy"}


def spec_ops(path=SPEC):
    with open(path) as f:
        ops = json.load(f)["ops"]
    return [e for e in ops if e.get("build_params") is not None and e.get("python")
            and not e["name"].startswith(SKIP_PREFIXES) and e["name"] not in SKIP]


def error_text(exc):
    """An error's first line, without MXNet's ``[hh:mm:ss] file:line:`` prefix."""
    text = re.sub(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ", "", str(exc)).replace("MXNetError: ", "")
    text = text.replace(": :", "::")      # MXNet's C API rewrites "::" in imperative errors
    lines = [ln for ln in text.strip().splitlines()
             if ln.strip() and not ln.startswith(("Traceback", "  File", "Stack trace"))]
    return lines[0].strip() if lines else ""


def _function(module, entry):
    obj = module
    for part in entry["python"][0]["function"].split(".")[2:]:
        obj = getattr(obj, part)
    return obj


def encode(a):
    """An array as JSON: dtype, shape and its bytes (base64), so values round-trip exactly."""
    import numpy as np
    a = np.ascontiguousarray(a)
    return {"dtype": a.dtype.name, "shape": list(a.shape),
            "data": base64.b64encode(a.tobytes()).decode()}


def decode(d):
    import numpy as np
    return np.frombuffer(base64.b64decode(d["data"]), dtype=d["dtype"]).reshape(d["shape"])


def draw(np, shape, dtype, seed):
    """Inputs every dtype can hold: small positive values (0.1-0.9 or 1-4)."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.uniform(0.1, 0.9, shape).astype(dtype)
    return rng.integers(1, 5, shape).astype(dtype)


def run_nd(mx, np, entry, inputs, names):
    """``mx.nd`` outputs of one call as encoded arrays, or ``{"error": text}``.

    Inputs go by keyword where the function names them (``names``: the symbol's input
    names without the node's ``x_`` prefix), positionally for ``(*data)`` functions.
    """
    try:
        arrays = [mx.nd.array(x, dtype=x.dtype) for x in inputs]
        call = _function(mx.nd, entry)
        if entry["python"][0]["signature"].startswith("(*"):
            out = call(*arrays, **entry["build_params"])
        else:
            kwargs = dict(zip(names, arrays))
            out = call(**kwargs, **entry["build_params"])
        outs = out if isinstance(out, (list, tuple)) else [out]
        return {"outputs": [encode(o.asnumpy()) for o in outs]}
    except Exception as exc:  # noqa: BLE001 - the outcome is the error text
        return {"error": error_text(exc)}


def main():
    import mxnet as mx
    import numpy as np
    warnings.filterwarnings("ignore")
    cases = {}
    for k, entry in enumerate(spec_ops()):
        try:
            sym = _function(mx.sym, entry)(name="x", **entry["build_params"])
        except Exception:  # noqa: BLE001 - not buildable from build_params alone
            continue
        names = sym.list_inputs()
        if not names:
            continue
        shapes = None
        for shape in SHAPES:
            try:
                args, _, aux = sym.infer_shape_partial(**{names[0]: shape})
            except Exception:  # noqa: BLE001
                continue
            known = dict(zip(sym.list_arguments(), args))
            known.update(zip(sym.list_auxiliary_states(), aux))
            if all(known[n] and all(known[n]) for n in names):
                shapes = [tuple(known[n]) for n in names]
                break
        if shapes is None:
            continue
        signature = entry["python"][0]["signature"]
        keys = [n[2:] if n.startswith("x_") else n for n in names]
        if not signature.startswith("(*"):
            # what the function takes (legacy layers take no aux states in mx.nd)
            keep = [i for i, n in enumerate(keys) if re.search(r"\b%s=" % n, signature)]
            keys, shapes = [keys[i] for i in keep], [shapes[i] for i in keep]
        runs = {}
        for dtype in DTYPES:
            inputs = [draw(np, s, dtype, 1000 * k + i) for i, s in enumerate(shapes)]
            runs[dtype] = {"inputs": [encode(x) for x in inputs],
                           **run_nd(mx, np, entry, inputs, keys)}
        cases[entry["name"]] = {"python": entry["python"][:1], "names": keys,
                                "build_params": entry["build_params"], "runs": runs}
    with open(OUT, "w") as f:
        json.dump({"mxnet": mx.__version__, "cases": cases}, f, indent=0, sort_keys=True)
        f.write("\n")
    print("%d operators -> %s" % (len(cases), OUT))


if __name__ == "__main__":
    main()
