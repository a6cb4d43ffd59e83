"""Record the attribute order of MXNet's ``, in operator Op(...)`` error suffix.

    /work/main/.bench-mxnet-venv/bin/python tests/core/record_attr_order.py

MXNet 1.9.1 lists a node's attributes in the iteration order of the C++
``std::unordered_map`` that holds them (libstdc++), which depends on the keys, the order
they were inserted in and the bucket count (``mx.nd`` reserves ``len(keys) + 1`` buckets).
This script draws random sets of parameters (valid values plus one or two errors: unknown
keys, out-of-bound or unparsable values) for a few operators, calls them through
``mx.sym``, ``mx.nd`` and ``mx.sym.load_json`` and writes ``attr_order_cases.json`` with
the calls and MXNet's full error texts. ``test_attr_order.py`` replays them without MXNet.
"""
from __future__ import annotations

import json
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "attr_order_cases.json")

# op -> (number of array inputs for mx.nd, {param: valid value}, {param: bad value})
OPS = {
    "Convolution": (1, {"kernel": "(3, 3)", "stride": "(1, 1)", "dilate": "(1, 1)",
                        "pad": "(0, 0)", "num_filter": "4", "num_group": "1",
                        "workspace": "1024", "no_bias": "True", "cudnn_tune": "off",
                        "cudnn_off": "False", "layout": "NCHW"},
                    {"num_filter": "0", "num_group": "abc", "cudnn_tune": "fastest2"}),
    "FullyConnected": (1, {"num_hidden": "4", "no_bias": "True", "flatten": "True"},
                       {"num_hidden": "0", "flatten": "maybe"}),
    "Pooling": (1, {"kernel": "(2, 2)", "pool_type": "max", "global_pool": "False",
                    "cudnn_off": "False", "pooling_convention": "valid", "stride": "(1, 1)",
                    "pad": "(0, 0)", "p_value": "2", "count_include_pad": "True",
                    "layout": "NCHW"},
                {"pool_type": "median", "p_value": "x"}),
    "BatchNorm": (1, {"eps": "0.001", "momentum": "0.9", "fix_gamma": "True",
                      "use_global_stats": "False", "output_mean_var": "False", "axis": "1",
                      "cudnn_off": "False"},
                  {"axis": "one", "fix_gamma": "yes"}),
    "Activation": (1, {"act_type": "relu"}, {"act_type": "swish"}),
    "LeakyReLU": (1, {"act_type": "leaky", "slope": "0.25", "lower_bound": "0.125",
                      "upper_bound": "0.334"},
                  {"act_type": "relu6", "slope": "s"}),
    "SoftmaxOutput": (1, {"grad_scale": "1", "ignore_label": "-1", "multi_output": "False",
                          "use_ignore": "False", "preserve_shape": "False",
                          "normalization": "null", "out_grad": "False", "smooth_alpha": "0"},
                      {"normalization": "mean", "grad_scale": "g"}),
    "one_hot": (1, {"depth": "3", "on_value": "1", "off_value": "0", "dtype": "float32"},
                {"depth": "d", "on_value": "on"}),
    "Concat": (2, {"dim": "1"}, {"dim": "q"}),
    "add_n": (2, {}, {}),
}
UNKNOWN = ["x", "foo", "bar_baz", "alpha2", "q", "num_filters", "kernel_size", "zz9"]


def _draw(rng, op):
    _, valid, bad = OPS[op]
    names = list(valid)
    rng.shuffle(names)
    big = rng.random() < 0.3           # 12 or more keys: the table grows past 11 buckets
    chosen = names if big else names[:rng.randint(0, len(names))]
    kwargs = [[k, valid[k]] for k in chosen]
    errors = [k for k in bad] + ["?unknown"]
    for _ in range(rng.choice((3, 4, 5)) if big else rng.choice((1, 1, 2, 3))):
        kind = rng.choice(errors)
        if kind == "?unknown":
            key = rng.choice(UNKNOWN)
            if key not in dict(kwargs):
                kwargs.insert(rng.randint(0, len(kwargs)), [key, str(rng.randint(0, 9))])
        else:
            kwargs = [kv for kv in kwargs if kv[0] != kind]
            kwargs.insert(rng.randint(0, len(kwargs)), [kind, bad[kind]])
    return kwargs


def _json_text(op, kwargs, n_inputs):
    nodes = [{"op": "null", "name": "in%d" % i, "inputs": []} for i in range(n_inputs)]
    nodes.append({"op": op, "name": "node0", "attrs": dict(kwargs),
                  "inputs": [[i, 0, 0] for i in range(n_inputs)]})
    return json.dumps({"nodes": nodes, "arg_nodes": list(range(n_inputs)),
                       "node_row_ptr": list(range(n_inputs + 2)),
                       "heads": [[n_inputs, 0, 0]],
                       "attrs": {"mxnet_version": ["int", 10901]}})


def _run(mx, op, path, kwargs, attr=None):
    n_inputs = OPS[op][0]
    kw = dict(kwargs)
    if attr is not None:
        kw["attr"] = attr
    try:
        if path == "sym":
            getattr(mx.sym, op)(*[mx.sym.var("in%d" % i) for i in range(n_inputs)], **kw)
        elif path == "nd":
            getattr(mx.nd, op)(*[mx.nd.ones((2, 3)) for _ in range(n_inputs)], **kw)
        else:
            mx.sym.load_json(_json_text(op, kwargs, n_inputs))
    except mx.base.MXNetError as e:
        return str(e)
    except (TypeError, ValueError):     # rejected by the Python frontend, not by C++
        return None
    return None


LISTING = "<the listing of unknown_keys[op]>"


def _listing(text):
    """The ``Possible Arguments`` block of a ``Cannot find argument`` text, or None."""
    head = "Possible Arguments:\n----------------\n"
    if not text or head not in text:
        return None
    return text.split(head, 1)[1].rsplit(", in operator ", 1)[0]


def _scan(mx):
    """Every generated mx.sym operator called with two unknown keys: whether MXNet rejects
    them (operators without parameters have no parser and keep any key), the first line of
    its full text (None where it accepts them)."""
    out = {}
    for module in (mx.sym.op, mx.sym._internal):
        for name in sorted(dir(module)):
            func = getattr(module, name)
            if (name.startswith(("__", "_backward_", "_sg_", "_np", "_CachedOp"))
                    or not callable(func) or name in out):
                continue        # gradient nodes, subgraph and numpy-frontend operators
            try:
                func(x="1", yy="2")
                out[name] = None
            except mx.base.MXNetError as e:      # dmlc log lines start with the time
                out[name] = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", str(e))
            except Exception:       # noqa: BLE001 -- rejected in Python: not recorded
                continue
    return out


def main() -> int:
    """Draw and record the cases; returns the process exit status."""
    import mxnet as mx

    assert mx.__version__.startswith("1.9.1"), mx.__version__
    rng = random.Random(20261202)
    cases = []
    for op in OPS:
        for path in ("sym", "nd", "json"):
            for _ in range(40 if op == "Convolution" else 12):
                kwargs = _draw(rng, op)
                if path == "json":      # JSON attrs are strings keyed once
                    kwargs = list(dict(kwargs).items())
                text = _run(mx, op, path, kwargs)
                if text is None or ", in operator " not in text:
                    continue
                cases.append({"op": op, "path": path, "kwargs": [list(kv) for kv in kwargs],
                              "n_inputs": OPS[op][0], "error": text})
    for op in ("Convolution", "FullyConnected", "Concat"):     # attr= adds keys, hidden ones
        for _ in range(6):                                    # as __key__
            kwargs = _draw(rng, op)
            attr = {k: "v%d" % i for i, k in enumerate(
                rng.sample(["__foo__", "lr_mult", "ctx_group", "__bar__"], rng.randint(1, 3)))}
            text = _run(mx, op, "sym", kwargs, attr)
            if text is not None and ", in operator " in text:
                cases.append({"op": op, "path": "sym", "kwargs": [list(kv) for kv in kwargs],
                              "attr": attr, "n_inputs": OPS[op][0], "error": text})
    scan = _scan(mx)
    for case in cases:      # the argument listing is stored once per operator (the scan's)
        listing = _listing(scan.get(case["op"]))
        if listing and listing in case["error"]:
            case["error"] = case["error"].replace(listing, LISTING)
    with open(OUT, "w") as f:
        json.dump({"mxnet": mx.__version__, "cases": cases, "unknown_keys": scan}, f,
                  indent=1)
        f.write("\n")
    print("%d cases -> %s" % (len(cases), OUT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
