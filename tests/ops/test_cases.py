"""The operator contract, row by row (table in ``cases.py``).

Each row runs, on the backend of the ``backend`` fixture (cpu; gpu skips without CuPy):

* shape and type inference from the operator's own rules, against the reference outputs;
* the generic path (``forward``/``backward`` or the backend's kernel, via ``harness``), the
  executor's prepared path (``prepare_forward``/``prepare_backward`` closures wired at bind)
  and ``mx.nd``: all three forwards equal the NumPy reference;
* backward: float64 central differences along a random direction (generic path), and the
  executor's gradients equal the generic ones, for the 'write' and the 'add' requests.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import symnb as mx
from symnb.backends import numpy_backend
from symnb.ndarray._imperative import FUNCTIONS
from symnb.ops import OPS, get_op
from symnb.symbol._functions import python_location

from . import harness
from .cases import CASES, DISTS

ROWS = [pytest.param(c, id=c.name) for c in CASES]


def test_case_names_are_unique():
    names = [c.name for c in CASES]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_operator_has_a_case():
    # operators without a backward (optimizer updates) may come without rows; those whose
    # output shape follows from input values (boolean_mask) cannot be bound: they have their
    # own tests (test_misc_extra.py); nor can those MXNet runs on sparse storage only
    # (test_storage.py)
    covered = {c.op for c in CASES} | {d.op for d in DISTS}
    missing = sorted(n for n, op in OPS.items()
                     if op.has_gradient and not op.dynamic_shape and not op.dense_unsupported
                     and n not in covered)
    assert missing == [], "operators without a row in tests/ops/cases.py: %s" % missing


def test_every_row_names_a_registered_operator():
    assert sorted({c.op for c in CASES + DISTS if get_op(c.op) is None}) == []


# ----------------------------------------------------------------------------- helpers
def _ctx():
    return mx.cpu() if harness.RT is numpy_backend else mx.gpu(0)


def _as_list(value):
    return [np.asarray(v) for v in value] if isinstance(value, (list, tuple)) else \
        [np.asarray(value)]


def _close(got, want, row, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, "%s %s: shape %s vs %s" % (row.name, what, got.shape,
                                                              want.shape)
    np.testing.assert_allclose(got, want, rtol=row.rtol, atol=row.atol,
                               err_msg="%s: %s" % (row.name, what))


def _sym_function(name):
    module, fname = python_location(name)
    return getattr(getattr(mx.sym, module) if module else mx.sym, fname)


def _names(op, row):
    _, p = harness.parse(row.op, **row.attrs)
    if op.key_var_num_args:
        return ["arg%d" % i for i in range(len(row.inputs))]
    names = list(op.input_names(p))
    assert len(names) == len(row.inputs), "%s: inputs %s" % (row.name, names)
    return names


def _wrt(op, row, names):
    if not row.numeric and not _grad_inputs(op, row, names):
        return []
    return _grad_inputs(op, row, names) if row.wrt is None else list(row.wrt)


def _grad_inputs(op, row, names):
    return [i for i, n in enumerate(names)
            if i not in row.index_inputs and n not in op.mutates]


def _symbol(op, row, names):
    dtype = op.param_map.get("dtype")
    if dtype is not None and dtype.kind == "int" and "dtype" in row.attrs and not names:
        # a type code (_zeros_without_dtype) only reaches the operator through a graph's
        # JSON: MXNet's frontend passes every dtype through np.dtype, which refuses codes
        attrs = {k: str(v) for k, v in row.attrs.items()}
        return mx.sym.load_json(json.dumps({
            "nodes": [{"op": row.op, "name": "t", "attrs": attrs, "inputs": []}],
            "arg_nodes": [], "heads": [[0, 0, 0]]}))
    variables = [mx.sym.var(n) for n in names]
    fn = _sym_function(row.op)
    if op.key_var_num_args or op.variadic:
        return fn(*variables, name="t", **row.attrs)
    return fn(name="t", **dict(zip(names, variables)), **row.attrs)


def _nd(x, ctx):
    return mx.nd.array(x, ctx=ctx, dtype=x.dtype)


def _bind(op, row, names, grad_req, init=None):
    ctx = _ctx()
    sym = _symbol(op, row, names)
    values = dict(zip(names, row.inputs))
    args = {n: _nd(values[n], ctx) for n in sym.list_arguments()}
    aux = {n: _nd(values[n], ctx) for n in sym.list_auxiliary_states()}
    grad_of = [names[i] for i in _grad_inputs(op, row, names)] if grad_req != "null" else []
    grads = {n: _nd(init[n] if init else np.zeros_like(values[n]), ctx) for n in grad_of}
    reqs = {n: grad_req if n in grads else "null" for n in sym.list_arguments()}
    return sym.bind(ctx, args, args_grad=grads, grad_req=reqs, aux_states=aux), grads


def _head_grads(op, row, outs):
    rng = np.random.default_rng(7)
    return [rng.standard_normal(o.shape).astype(o.dtype) for o in outs]


# ----------------------------------------------------------------------------- the contract
@pytest.mark.parametrize("row", ROWS)
def test_inference(row):
    op = get_op(row.op)
    want = _as_list(row.ref(*row.inputs, **row.attrs))
    ins, outs = harness.infer(row.op, [x.shape for x in row.inputs], **row.attrs)
    n_vis = len(op.output_names(harness.parse(row.op, **row.attrs)[1]))
    assert [tuple(s) for s in outs[:n_vis]] == [w.shape for w in want]
    assert [tuple(s) for s in ins] == [x.shape for x in row.inputs]
    _, types = harness.infer_types(row.op, [x.dtype for x in row.inputs], **row.attrs)
    # float32-only rows: the references compute in float64
    want_types = [np.dtype(row.dtype) if w.dtype == np.float64 else w.dtype for w in want]
    assert [np.dtype(t) for t in types[:n_vis]] == want_types


@pytest.mark.parametrize("row", ROWS)
def test_forward_paths(row):
    op = get_op(row.op)
    names = _names(op, row)
    want = _as_list(row.ref(*row.inputs, **row.attrs))
    generic = harness.forward(row.op, [x.copy() for x in row.inputs], row.train, **row.attrs)
    for k, w in enumerate(want):
        _close(generic[k], w, row, "generic forward output %d" % k)
    exe, _ = _bind(op, row, names, "null")
    for k, (o, w) in enumerate(zip(exe.forward(is_train=row.train), want, strict=True)):
        _close(o.asnumpy(), w, row, "executor forward output %d" % k)


@pytest.mark.parametrize("row", ROWS)
def test_nd_path(row):
    op = get_op(row.op)
    names = _names(op, row)
    want = _as_list(row.ref(*row.inputs, **row.attrs))
    if row.train and _train_matters(op, row):
        pytest.skip("the row's reference is the training forward; mx.nd runs inference")
    dtype = op.param_map.get("dtype")
    if dtype is not None and dtype.kind == "int" and "dtype" in row.attrs:
        pytest.skip("a type code cannot pass MXNet's frontend, which calls np.dtype on it")
    if not (op.key_var_num_args or op.variadic) and set(names) - set(op.python_inputs()):
        # MXNet's mx.nd signature lacks an input (BatchNorm_v1's moving stats): the call
        # cannot be made (tests/ndarray/calls_facts.json records MXNet's error)
        pytest.skip("mx.nd.%s cannot pass all its inputs" % row.op)
    _check_nd(op, row, names, want)


def _train_matters(op, row):
    # mx.nd runs the inference forward (no autograd recording here)
    return row.op in ("BatchNorm", "BatchNorm_v1", "Dropout") and \
        not row.attrs.get("use_global_stats")


def _check_nd(op, row, names, want):
    ctx = _ctx()
    fn = FUNCTIONS[row.op]
    nds = [_nd(x.copy(), ctx) for x in row.inputs]
    attrs = dict(row.attrs)
    if not row.inputs and any(q.name == "ctx" for q in op.params):
        attrs["ctx"] = ctx
    # variadic inputs are positional in mx.nd (MXNet stringifies keyword NDArrays)
    got = fn(*nds, **attrs) if op.key_var_num_args or op.variadic else \
        fn(**dict(zip(names, nds)), **attrs)
    got = got if isinstance(got, list) else [got]
    for k, (o, w) in enumerate(zip(got, want, strict=True)):
        _close(o.asnumpy(), w, row, "mx.nd output %d" % k)


@pytest.mark.parametrize("row", ROWS)
def test_backward_paths(row):
    op = get_op(row.op)
    names = _names(op, row)
    grad_inputs = _grad_inputs(op, row, names)
    if not grad_inputs:
        pytest.skip("no input takes a gradient")
    if not op.has_gradient:
        # as MXNet: an operator without FGradient cannot be bound for gradients
        with pytest.raises(mx.MXNetError, match="Operator %s is non-differentiable" % row.op):
            _bind(op, row, names, "write")
        return
    wrt = _wrt(op, row, names)
    if row.numeric and wrt:
        harness.check_gradient(row.op, [x.copy() for x in row.inputs], row.attrs, wrt=wrt,
                               eps=row.eps, rtol=row.grad_rtol, is_train=row.train,
                               dtype=row.dtype)
    if op.dense_backward_unsupported:
        # as MXNet: bound with dense gradient arrays it refuses (test_storage.py runs it
        # through simple_bind)
        with pytest.raises(mx.MXNetError,
                           match="operator = %s" % op.dense_backward_unsupported[0]):
            _bind(op, row, names, "write")
        return
    # the executor (prepared closures) against the generic backward, for write and add
    outs = harness.forward(row.op, [x.copy() for x in row.inputs], row.train, **row.attrs)
    n_vis = len(op.output_names(harness.parse(row.op, **row.attrs)[1]))
    heads = _head_grads(op, row, outs[:n_vis])
    generic = harness.backward(row.op, [x.copy() for x in row.inputs], heads, row.train,
                               wrt=grad_inputs, **row.attrs)
    ctx = _ctx()
    head_nds = None if op.loss_head else [_nd(h, ctx) for h in heads]
    exe, grads = _bind(op, row, names, "write")
    exe.forward(is_train=row.train)
    exe.backward(head_nds)
    for i in grad_inputs:
        _close(grads[names[i]].asnumpy(), generic[i], row, "executor gradient of %s"
               % names[i])
    if row.add is None:
        return
    init = {names[i]: np.full(row.inputs[i].shape, 0.5, dtype=row.inputs[i].dtype)
            for i in grad_inputs}
    exe, grads = _bind(op, row, names, "add", init)
    exe.forward(is_train=row.train)
    exe.backward(head_nds)
    offset = 0.5 if row.add == "adds" else 0.0
    for i in grad_inputs:
        _close(grads[names[i]].asnumpy(), generic[i] + offset, row, "executor 'add' gradient "
               "of %s" % names[i])


def test_runtime_errors_name_the_node():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=2, name="fc1")
    exe = fc.simple_bind(mx.cpu(), x=(2, 3))
    from symnb.ops import _registry

    def broken(p, ins, outs, is_train, rt):
        raise ZeroDivisionError("kernel exploded")
    _registry.register_kernel("FullyConnected", "numpy", forward=broken)
    try:
        exe2 = fc.simple_bind(mx.cpu(), x=(2, 3))
        with pytest.raises(mx.MXNetError, match="Error in operator fc1: FullyConnected "
                                                "failed: ZeroDivisionError: kernel exploded"):
            exe2.forward()
        with pytest.raises(mx.MXNetError, match="Error in operator: FullyConnected failed"):
            mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), mx.nd.ones((2,)),
                                 num_hidden=2)
    finally:
        del _registry.KERNELS[("FullyConnected", "numpy")]
    assert exe.forward()[0].shape == (2, 2)     # the executor bound before keeps its plan


def test_mapped_errors_keep_their_type_and_name_the_node():
    # MXNet raises gather_nd's bounds check as an IndexError (its test_gather_nd_check_bound)
    data = mx.sym.var("data")
    g = mx.sym.gather_nd(data, mx.sym.var("idx"), name="g1")
    exe = g.bind(mx.cpu(), {"data": mx.nd.array([[0, 1, 2], [3, 4, 5]]),
                            "idx": mx.nd.array([[0, 1], [0, 3]])})
    with pytest.raises(IndexError, match="out of bounds") as info:
        exe.forward()
    assert any("Error in operator g1 (gather_nd)" in n for n in info.value.__notes__)


def test_backend_kernel_replaces_one_operator():
    from symnb.ops import _registry

    def doubled(p, ins, outs, is_train, rt):
        outs[0][...] = 2 * ins[0]
    _registry.register_kernel("_copy", "numpy", forward=doubled)
    try:
        assert mx.nd.identity(mx.nd.array([1.0, 2.0])).asnumpy().tolist() == [2.0, 4.0]
        exe = mx.sym.identity(mx.sym.var("a")).simple_bind(mx.cpu(), a=(2,))
        assert exe.forward(a=mx.nd.array([3.0, 1.0]))[0].asnumpy().tolist() == [6.0, 2.0]
        # another operator is untouched
        assert mx.nd.negative(mx.nd.array([1.0])).asnumpy().tolist() == [-1.0]
    finally:
        del _registry.KERNELS[("_copy", "numpy")]
    with pytest.raises(ValueError, match="no operator named"):
        _registry.register_kernel("no_such_op", "numpy")


# ----------------------------------------------------------------------------- samplers
def _check_dist(row, out, what):
    out = np.asarray(out)
    assert out.shape == tuple(row.shape) and out.dtype == np.dtype(row.dtype), \
        "%s %s: %s %s" % (row.name, what, out.shape, out.dtype)
    x = out.astype(np.float64).ravel()
    n = x.size
    # the mean within 6 standard errors, the variance within 10 %, the support exactly
    assert abs(x.mean() - row.mean) <= 6 * np.sqrt(row.var / n), (row.name, what, x.mean())
    assert abs(x.var() - row.var) <= 0.1 * row.var, (row.name, what, x.var())
    assert x.min() >= row.low and x.max() <= row.high, (row.name, what, x.min(), x.max())
    if row.integer:
        assert np.array_equal(x, np.round(x)), (row.name, what)


@pytest.mark.parametrize("row", [pytest.param(d, id=d.name) for d in DISTS])
def test_sampler_paths(row):
    op = get_op(row.op)
    outs = harness.forward(row.op, [x.copy() for x in row.inputs], False, **row.attrs)
    _check_dist(row, outs[0], "generic")
    names = list(op.input_names(harness.parse(row.op, **row.attrs)[1]))
    ctx = _ctx()
    sym = _symbol(op, row, names)
    exe = sym.bind(ctx, {n: _nd(x, ctx) for n, x in zip(names, row.inputs)})
    _check_dist(row, exe.forward()[0].asnumpy(), "executor")
    attrs = dict(row.attrs)
    if not row.inputs:
        attrs["ctx"] = ctx
    got = FUNCTIONS[row.op](*[_nd(x, ctx) for x in row.inputs], **attrs)
    _check_dist(row, (got[0] if isinstance(got, list) else got).asnumpy(), "mx.nd")
