"""MXNet's test_eliminate_common_expr graphs and a few more: what the optimized symbol of
an executor bound with and without ``MXNET_ELIMINATE_COMMON_EXPR`` is."""
from __future__ import annotations

import os


def graphs(mx):
    a, b, c = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('c')
    d = a + 1
    return {"scalars": (a + 1) + (a + 2), "pair": (a + b) + (a + b),
            "chain": ((a + b) + c) + ((a + b) + c), "outputs": mx.sym.Group([a * d, a * d]),
            "outputs_add": mx.sym.Group([a * d + b, a * d + b]),
            "three": mx.sym.Group([a + b, a + b, a + b]),
            "dropout": mx.sym.Dropout(a) + mx.sym.Dropout(a),
            "attrs_differ": mx.sym.sum(a, axis=0) + mx.sym.sum(a, axis=0, keepdims=False),
            "multi_output": mx.sym.Group([mx.sym.split(a, num_outputs=2, axis=1)[1],
                                          mx.sym.split(a, num_outputs=2, axis=1)[1]])}


def cases(mx):
    out = {}
    with mx.name.NameManager():
        made = graphs(mx)
    old = os.environ.get("MXNET_ELIMINATE_COMMON_EXPR")
    try:
        for key, sym in made.items():
            shapes = {n: (2, 4) for n in sym.list_inputs()}
            for env in ("0", "1", None):
                if env is None:
                    os.environ.pop("MXNET_ELIMINATE_COMMON_EXPR", None)
                else:
                    os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = env
                ex = sym.simple_bind(mx.cpu(), **shapes)
                out["%s/%s" % (key, env)] = ex.get_optimized_symbol().tojson()
    finally:
        if old is None:
            os.environ.pop("MXNET_ELIMINATE_COMMON_EXPR", None)
        else:
            os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = old
    return out
