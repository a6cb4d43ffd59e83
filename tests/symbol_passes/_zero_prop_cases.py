"""MXNet's zero-gradient propagation (test_zero_prop): what nothing but zero gradients reach
gets zeros_like instead of a backward, visible in ``debug_str`` and its memory total."""
from __future__ import annotations

import re

import numpy as np


def _chain(mx):
    data = mx.symbol.Variable('data')
    for _ in range(10):
        data = data * data
    return data


def cases(mx):
    out = {}
    with mx.name.NameManager():
        chain = _chain(mx)
        stopped = mx.sym.stop_gradient(chain)
    totals = {}
    for key, sym, kw in [("grads", chain, {}), ("no_grads", chain, {"grad_req": "null"}),
                         ("stopped", stopped, {})]:
        text = sym.simple_bind(ctx=mx.cpu(), data=(10, 3, 256, 256), **kw).debug_str()
        totals[key] = int(re.search(r'Total (\d+) MB allocated', text).group(1))
        if key == "stopped":
            out["stopped_debug_str"] = text
    out["no_grads_equals_stopped"] = totals["no_grads"] == totals["stopped"]
    out["grads_above_stopped"] = totals["grads"] > totals["stopped"]
    out["stopped_total"] = totals["stopped"]
    # a real path next to a stopped one; an argument only the stopped path reads
    x, w = mx.sym.var('x'), mx.sym.var('w')
    y = mx.sym.BlockGrad(x * w * 2) + x * 3
    for req in ("write", "add"):
        gx, gw = mx.nd.ones((2,)), mx.nd.ones((2,))
        ex = y.bind(mx.cpu(), {'x': mx.nd.array([1, 2]), 'w': mx.nd.array([3, 4])},
                    args_grad={'x': gx, 'w': gw}, grad_req=req)
        ex.forward(is_train=True)
        ex.backward(mx.nd.array([1, 10]))
        out["mixed_" + req] = [np.asarray(g.asnumpy()).tolist() for g in (gx, gw)]
    return out
