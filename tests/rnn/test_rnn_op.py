"""The fused RNN operator against MXNet 1.9.1 (``cases.npz``, recorded by ``record.py``).

Every mode (rnn_tanh, rnn_relu, lstm, gru) with one and two layers, uni- and bidirectional,
with and without state outputs, in float64 (plus two float32 cases): names, inferred shapes,
the training and inference forward, and every input gradient after a backward with recorded
head gradients. Then the float64 finite-difference check along a random direction, the
'add' request, and the errors.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import symnb as mx
from symnb.ops.rnn import RNNLayout, rnn_param_size

HERE = pathlib.Path(__file__).resolve().parent
with open(HERE / "cases.json") as _f:
    CASES = json.load(_f)
with np.load(HERE / "cases.npz") as _z:
    ARRAYS = {k: _z[k] for k in _z.files}


def _sym(case):
    return mx.sym.RNN(mx.sym.var("data"), state_size=case["state_size"],
                      num_layers=case["num_layers"], mode=case["mode"],
                      bidirectional=case["bidirectional"], state_outputs=case["state_outputs"],
                      name="rnn")


def _tol(case):
    return dict(rtol=1e-10, atol=1e-12) if case["dtype"] == "float64" \
        else dict(rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("case", CASES, ids=[c["key"] for c in CASES])
def test_against_mxnet(case, ctx):
    sym, k = _sym(case), case["key"]
    assert sym.list_arguments() == case["arguments"]
    assert sym.list_outputs() == case["outputs"]
    arg_shapes, out_shapes, _ = sym.infer_shape(data=tuple(case["data"]))
    assert [list(s) for s in arg_shapes] == case["arg_shapes"]
    assert [list(s) for s in out_shapes] == case["out_shapes"]
    names = case["arguments"]
    args = {n: mx.nd.array(ARRAYS["%s|in|%s" % (k, n)], ctx=ctx, dtype=case["dtype"])
            for n in names}
    grads = {n: mx.nd.zeros(args[n].shape, ctx=ctx, dtype=case["dtype"]) for n in names}
    exe = sym.bind(ctx, args, args_grad=grads)
    outs = exe.forward(is_train=True)
    for j, out in enumerate(outs):
        np.testing.assert_allclose(out.asnumpy(), ARRAYS["%s|out|%d" % (k, j)], **_tol(case))
    heads = [mx.nd.array(ARRAYS["%s|head|%d" % (k, j)], ctx=ctx, dtype=case["dtype"])
             for j in range(len(outs))]
    exe.backward(heads)
    for n in names:
        np.testing.assert_allclose(grads[n].asnumpy(), ARRAYS["%s|grad|%s" % (k, n)],
                                   err_msg=n, **_tol(case))
    infer = sym.bind(ctx, args, grad_req="null").forward(is_train=False)
    for j, out in enumerate(infer):
        np.testing.assert_allclose(out.asnumpy(), ARRAYS["%s|infer|%d" % (k, j)], **_tol(case))


@pytest.mark.parametrize("mode", ["rnn_tanh", "rnn_relu", "lstm", "gru"])
def test_numeric_gradient(mode):
    """Central differences in float64 along a random direction, every input and output."""
    sym = mx.sym.RNN(mx.sym.var("data"), state_size=3, num_layers=2, mode=mode,
                     bidirectional=True, state_outputs=True, name="r")
    rng = np.random.default_rng(7)
    arg_shapes, out_shapes, _ = sym.infer_shape(data=(3, 2, 4))
    names = sym.list_arguments()
    base = {n: rng.uniform(-0.5, 0.5, s) for n, s in zip(names, arg_shapes)}
    heads = [rng.uniform(-1, 1, s) for s in out_shapes]

    def loss(values):
        exe = sym.bind(mx.cpu(), {n: mx.nd.array(v, dtype="float64") for n, v in values.items()})
        return sum(float((o.asnumpy() * h).sum()) for o, h in zip(exe.forward(), heads))

    grads = {n: mx.nd.zeros(s, dtype="float64") for n, s in zip(names, arg_shapes)}
    exe = sym.bind(mx.cpu(), {n: mx.nd.array(v, dtype="float64") for n, v in base.items()},
                   args_grad=grads)
    exe.forward(is_train=True)
    exe.backward([mx.nd.array(h, dtype="float64") for h in heads])
    # rnn_relu rounds its states to float32 as MXNet's CPU kernel does, so its differences
    # need a larger step (and a looser bound) to rise above that rounding
    eps, tol = (1e-3, 1e-4) if mode == "rnn_relu" else (1e-6, 1e-6)
    for n in names:
        direction = rng.standard_normal(base[n].shape)
        plus = dict(base, **{n: base[n] + eps * direction})
        minus = dict(base, **{n: base[n] - eps * direction})
        numeric = (loss(plus) - loss(minus)) / (2 * eps)
        analytic = float((grads[n].asnumpy() * direction).sum())
        assert abs(numeric - analytic) <= tol * max(1.0, abs(numeric)), (n, numeric, analytic)


def test_add_request_accumulates():
    sym = mx.sym.RNN(mx.sym.var("data"), state_size=2, num_layers=1, mode="gru", name="r")
    arg_shapes, _, _ = sym.infer_shape(data=(2, 1, 3))
    args = {n: mx.nd.ones(s) * 0.1 for n, s in zip(sym.list_arguments(), arg_shapes)}
    grads = {n: mx.nd.ones(s) for n, s in zip(sym.list_arguments(), arg_shapes)}
    once = {n: mx.nd.zeros(s) for n, s in zip(sym.list_arguments(), arg_shapes)}
    exe = sym.bind(mx.cpu(), args, args_grad=grads, grad_req="add")
    exe.forward(is_train=True)
    exe.backward(mx.nd.ones((2, 1, 2)))
    ref = sym.bind(mx.cpu(), args, args_grad=once)
    ref.forward(is_train=True)
    ref.backward(mx.nd.ones((2, 1, 2)))
    for n in grads:
        np.testing.assert_allclose(grads[n].asnumpy(), 1 + once[n].asnumpy(), rtol=1e-6)


def test_param_layout_covers_the_vector_once():
    for mode in ("rnn_tanh", "lstm", "gru"):
        size = rnn_param_size(mode, 3, 5, 4, 2)
        lay = RNNLayout.of(mode, 3, 2, 5, 4)
        seen = np.zeros(size, int)
        for layer in range(3):
            for direction in range(2):
                for offset, shape in lay.slices(layer, direction):
                    seen[offset:offset + int(np.prod(shape))] += 1
        assert (seen == 1).all(), mode


def test_errors():
    r = mx.sym.RNN(mx.sym.var("data"), state_size=4, num_layers=1, mode="lstm", name="r")
    with pytest.raises(mx.MXNetError, match=r"Input data should be rank-3 tensor"):
        r.infer_shape(data=(5, 3))
    with pytest.raises(mx.MXNetError, match=r"Expected 'float64' v.s. given 'float32' at "
                                            r"'parameters'"):
        r.infer_type(data="float64", r_parameters="float32")
    with pytest.raises(mx.MXNetError, match="mode"):
        mx.sym.RNN(mx.sym.var("data"), state_size=4, num_layers=1, mode="elman")


def test_nd_and_sequence_length_ignored_like_mxnet_cpu():
    data = mx.nd.ones((3, 2, 2)) * 0.5
    size = rnn_param_size("rnn_tanh", 1, 2, 3, 1)
    params, state = mx.nd.ones((size,)) * 0.1, mx.nd.zeros((1, 2, 3))
    plain = mx.nd.RNN(data, params, state, state_size=3, num_layers=1, mode="rnn_tanh")
    masked = mx.nd.RNN(data, params, state, sequence_length=mx.nd.array([1, 2]),
                       state_size=3, num_layers=1, mode="rnn_tanh", use_sequence_length=True)
    assert plain.shape == (3, 2, 3)
    np.testing.assert_allclose(plain.asnumpy(), masked.asnumpy())
    # h1 = tanh(0.1 * (0.5 + 0.5) + 0.2), then h2 = tanh(0.3 + 0.3 * h1), ...
    h1 = np.tanh(0.3)
    np.testing.assert_allclose(plain.asnumpy()[0, 0], [h1] * 3, rtol=1e-6)
    np.testing.assert_allclose(plain.asnumpy()[1, 0], [np.tanh(0.3 + 0.3 * h1)] * 3, rtol=1e-6)
