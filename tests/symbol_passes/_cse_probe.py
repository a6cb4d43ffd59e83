"""Which operators MXNet 1.9.1's common-subexpression elimination merges (its NodeEqual:
no mutated inputs, no state, no resource request unless marked deterministic), probed on the
differential cases: two identical nodes over the very same entries, bound for training with
``MXNET_ELIMINATE_COMMON_EXPR=1``; a merged pair shows as ``<node>_0_copy`` in the
optimized symbol."""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def probe(mx, case):
    """True (merged), False (kept apart) or None (the case does not bind)."""
    sys.path.insert(0, os.path.join(HERE, ".."))
    from differential.runner import op_function
    f = op_function(mx, case["op"])
    variables = [mx.sym.Variable(n) for n, _ in case["inputs"]]
    if case["variadic"]:
        one = f(*variables, name="one", **case["kwargs"])
    else:
        one = f(name="one", **dict(zip((n for n, _ in case["inputs"]), variables)),
                **case["kwargs"])
    # the twin reads the very same entries, auto-created variables included
    kids = one.get_children()
    if kids is None:
        return None
    two = one._gen_atomic_symbol()(*[kids[i] for i in range(len(kids))], name="two")
    group = mx.sym.Group([one[0], two[0]])
    shapes = {n: tuple(s) for n, s in case["inputs"]}
    types = {n: case.get("dtypes", {}).get(n, case["dtype"]) for n, _ in case["inputs"]}
    old = os.environ.get("MXNET_ELIMINATE_COMMON_EXPR")
    os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = "1"
    try:
        # grad_req 'null' would let MXNet's oneDNN build fuse Convolution/FullyConnected
        # into inference-only subgraph nodes first; the training bind shows the pass alone
        ex = group.simple_bind(mx.cpu(), type_dict=types, **shapes)
    except Exception:  # noqa: BLE001 -- a case that does not bind says nothing
        return None
    finally:
        if old is None:
            os.environ.pop("MXNET_ELIMINATE_COMMON_EXPR")
        else:
            os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = old
    return any(n.endswith("_0_copy_output")
               for n in ex.get_optimized_symbol().list_outputs())


def probe_all(mx, cases):
    """operator -> merged?, from the first case of each operator that binds."""
    out = {}
    for case in cases:
        if case["op"] in out:
            continue
        try:
            merged = probe(mx, case)
        except Exception:  # noqa: BLE001
            merged = None
        if merged is not None:
            out[case["op"]] = merged
    return out
