"""Run one operator directly from its definition: shapes, types, forward, numeric gradients.

Every op test uses these so that each operator gets the same checks (float64 central
differences along a random direction, compared with the op's backward). This is the
generic path: the operator's forward/backward (or its backend kernel), never the executor's
prepared closures, which ``test_cases.py`` runs beside it.

The harness runs on the backend in ``RT`` (NumPy unless ``tests/ops/conftest.py`` switched it
to CuPy for the gpu half of the suite); inputs and results are NumPy arrays either way.
"""
from __future__ import annotations

import numpy as np

from symnb.backends import numpy_backend
from symnb.ops import get_op
from symnb.ops._registry import kernel_for

RT = numpy_backend


def _dev(x):
    return x if RT is numpy_backend else RT.asarray(x)


def _host(x):
    return x if x is None or RT is numpy_backend else RT.to_numpy(x)


def parse(op_name, **attrs):
    op = get_op(op_name)
    return op, op.parse({k: str(v) for k, v in attrs.items()}, "t")


def infer(op_name, in_shapes, **attrs):
    """(input shapes, output shapes) after the op's shape rule (None = unknown)."""
    op, p = parse(op_name, **attrs)
    ins = [None if s is None else tuple(s) for s in in_shapes]
    outs = [None] * op.num_outputs_total(p)
    op.infer_shape(p, ins, outs)
    return ins, outs


def infer_types(op_name, in_types, n_out=None, **attrs):
    op, p = parse(op_name, **attrs)
    ins = [None if t is None else np.dtype(t) for t in in_types]
    outs = [None] * op.num_outputs_total(p)
    op.infer_type(p, ins, outs)
    return ins, outs


def forward(op_name, inputs, is_train=True, **attrs):
    """All outputs (hidden ones included) of one forward call."""
    op, p = parse(op_name, **attrs)
    ins = [np.asarray(x) for x in inputs]
    in_shapes, out_shapes = infer(op_name, [x.shape for x in ins], **attrs)
    in_types = [x.dtype for x in ins]
    _, out_types = infer_types(op_name, in_types, **attrs)
    # an output type nothing decides is MXNet's default, float32
    outs = [RT.xp.zeros(s, dtype=t or (ins[0].dtype if ins else np.float32))
            for s, t in zip(out_shapes, out_types)]
    dev_ins = [_dev(x) for x in ins]
    kernel_for(op, RT)[0](p, dev_ins, outs, is_train, RT)
    if RT is not numpy_backend:
        for x, d in zip(ins, dev_ins):          # ops may write inputs (BatchNorm gamma)
            x[...] = _host(d)
    return [_host(o) for o in outs]


def backward(op_name, inputs, ograds, is_train=True, reqs=None, wrt=None, **attrs):
    """Input gradients ('write') after one forward; ``ograds`` for the visible outputs.
    Inputs not in ``wrt`` (default: all) get no gradient buffer (None), as in an executor."""
    op, p = parse(op_name, **attrs)
    ins = [np.asarray(x) for x in inputs]
    outs = forward(op_name, ins, is_train, **attrs)
    igrads = [np.zeros_like(x) if wrt is None or i in wrt else None for i, x in enumerate(ins)]
    reqs = reqs or ["write"] * len(ins)
    dev = [_dev(x) for x in ins]
    dev_igrads = [None if g is None else _dev(g) for g in igrads]
    dev_ograds = [None if g is None else _dev(np.asarray(g)) for g in ograds]
    kernel_for(op, RT)[1](p, dev, [_dev(o) for o in outs], dev_ograds, dev_igrads, reqs,
                          is_train, RT)
    return [_host(g) for g in dev_igrads]


def check_numeric_gradient(op_name, inputs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7,
                           seed=0, **attrs):
    """Compare the op's backward with central differences of ``sum(out * v)`` along a random
    direction ``d`` for each input in ``wrt`` (float64)."""
    check_gradient(op_name, inputs, attrs, wrt, eps=eps, rtol=rtol, atol=atol, seed=seed)


def check_gradient(op_name, inputs, attrs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0,
                   is_train=True, dtype="float64"):
    """:func:`check_numeric_gradient` with the parameters as one dict (so that operator
    parameters named ``eps`` or ``dtype`` do not meet the checker's own), a forward mode and
    a dtype (float32 for operators MXNet runs in float32 only)."""
    rng = np.random.default_rng(seed)
    # integer arrays (softmax lengths) stay integer: MXNet refuses float ones at run time
    ins = [x if isinstance(x, np.ndarray) and x.dtype.kind in "iu"
           else np.asarray(x, dtype=dtype) for x in inputs]
    op, p = parse(op_name, **attrs)
    outs = forward(op_name, ins, is_train, **attrs)
    n_vis = len(op.output_names(p))
    vs = [rng.standard_normal(o.shape).astype(o.dtype) for o in outs[:n_vis]]
    wrt = list(range(len(ins))) if wrt is None else list(wrt)
    grads = backward(op_name, ins, vs, is_train, wrt=wrt, **attrs)
    for i in wrt:
        d = rng.standard_normal(ins[i].shape).astype(ins[i].dtype)
        plus = [x.copy() for x in ins]
        minus = [x.copy() for x in ins]
        plus[i] = plus[i] + eps * d
        minus[i] = minus[i] - eps * d
        fp = sum(float((o * v).sum()) for o, v in zip(forward(op_name, plus, is_train, **attrs),
                                                      vs))
        fm = sum(float((o * v).sum()) for o, v in zip(forward(op_name, minus, is_train, **attrs),
                                                      vs))
        numeric = (fp - fm) / (2 * eps)
        analytic = float((grads[i] * d).sum())
        assert abs(numeric - analytic) <= atol + rtol * max(abs(numeric), abs(analytic)), \
            "%s: gradient of input %d: numeric %r vs backward %r" % (op_name, i, numeric,
                                                                     analytic)
