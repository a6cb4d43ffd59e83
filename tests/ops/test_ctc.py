"""CTCLoss against an enumeration of every alignment, its float64 gradient against central
differences, and MXNet's quirks (padding, unfit samples, hidden gradient, head gradient)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.ops.ctc import ctc_cost_and_grad

from .cases import _ctc_brute

_RNG = np.random.default_rng(5)


def _kernel(x, labels, lengths, blank, data_lengths=None):
    steps, batch = x.shape[:2]
    dl = np.full(batch, steps) if data_lengths is None else np.asarray(data_lengths)
    return ctc_cost_and_grad(np, x, np.asarray(labels), np.asarray(lengths), dl, blank)


@pytest.mark.parametrize("blank_label", ["first", "last"])
def test_cost_is_minus_log_of_all_alignments(blank_label):
    x = _RNG.normal(size=(4, 3, 4))
    base = 1 if blank_label == "first" else 0
    pad = 0 if blank_label == "first" else -1
    label = np.array([[base, base + 1, pad], [base + 2, base + 2, pad], [base, base, base]])
    got = mx.nd.ctc_loss(mx.nd.array(x), mx.nd.array(label), blank_label=blank_label)
    want = _ctc_brute(x.astype(np.float32), label, blank_label=blank_label)
    # the third sample needs 3 labels + 2 repeats > 4 steps: MXNet's cost 0
    assert want[2] == 0
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5)


def test_data_lengths_cut_each_sample():
    x = _RNG.normal(size=(5, 2, 3))
    label = np.array([[1, 2], [2, 0]])
    got = mx.nd.CTCLoss(mx.nd.array(x), mx.nd.array(label), mx.nd.array([3, 5]),
                        use_data_lengths=True).asnumpy()
    want = _ctc_brute(x.astype(np.float32), label, data_lengths=[3, 5],
                      use_data_lengths=True)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_gradient_is_the_derivative_in_float64():
    x = _RNG.normal(size=(5, 2, 4))
    labels, lengths = np.array([[1, 1, 3], [2, 3, 0]]), np.array([3, 2])
    cost, grad = _kernel(x, labels, lengths, 0, [5, 4])
    v = _RNG.normal(size=2)
    d = _RNG.normal(size=x.shape)
    eps = 1e-6
    numeric = (v @ _kernel(x + eps * d, labels, lengths, 0, [5, 4])[0]
               - v @ _kernel(x - eps * d, labels, lengths, 0, [5, 4])[0]) / (2 * eps)
    analytic = float((grad * v[None, :, None] * d).sum())
    assert abs(numeric - analytic) <= 1e-6 * max(1.0, abs(numeric))
    assert not grad[4:, 1].any()      # past the second sample's length


def test_steps_past_the_length_are_never_read():
    x = _RNG.normal(size=(4, 1, 3)).astype(np.float32)
    x[2:] = np.nan
    sym = mx.sym.CTCLoss(mx.sym.var("data"), mx.sym.var("label"), mx.sym.var("len"),
                         use_data_lengths=True, name="ctc")
    grad = mx.nd.zeros(x.shape)
    exe = sym.bind(mx.cpu(), {"data": mx.nd.array(x), "label": mx.nd.array([[1]]),
                              "len": mx.nd.array([2])}, args_grad={"data": grad})
    loss = exe.forward(is_train=True)[0].asnumpy()
    exe.backward([mx.nd.array([1.0])])
    assert np.isfinite(loss).all()
    assert np.isfinite(grad.asnumpy()).all() and not grad.asnumpy()[2:].any()


def test_backward_scales_the_hidden_gradient_by_each_head():
    x = _RNG.normal(size=(3, 2, 4)).astype(np.float32)
    label = mx.nd.array([[1, 2], [3, 0]])
    sym = mx.sym.CTCLoss(mx.sym.var("data"), mx.sym.var("label"), name="ctc")
    assert sym.list_outputs() == ["ctc_output0"]
    assert '"node_row_ptr": [0, 1, 2, 4]' in sym.tojson()
    grads = {"data": mx.nd.zeros(x.shape), "label": mx.nd.full((2, 2), 7.0)}
    exe = sym.bind(mx.cpu(), {"data": mx.nd.array(x), "label": label}, args_grad=grads)
    exe.forward(is_train=True)
    with pytest.raises(mx.MXNetError, match="head_gradient is required"):
        exe.backward()
    exe.backward([mx.nd.array([1.0, 0.0])])
    one = grads["data"].asnumpy().copy()
    exe.backward([mx.nd.array([2.0, 3.0])])
    np.testing.assert_allclose(grads["data"].asnumpy()[:, 0], 2 * one[:, 0], rtol=1e-6)
    assert not one[:, 1].any()
    assert (grads["label"].asnumpy() == 7).all()     # MXNet never writes it
    # softmax minus posterior: each step's gradient sums to zero over the alphabet
    np.testing.assert_allclose(one[:, 0].sum(axis=1), 0, atol=1e-6)


def test_names_and_mxnet_errors():
    d, lab = mx.sym.var("data"), mx.sym.var("label")
    for fn in (mx.sym.CTCLoss, mx.sym.ctc_loss, mx.sym.contrib.CTCLoss, mx.sym.contrib.ctc_loss):
        assert fn(d, lab, use_label_lengths=True, name="c").list_arguments() == \
            ["data", "label", "c_label_lengths"]
    c = mx.sym.CTCLoss(d, lab, name="c")
    with pytest.raises(mx.MXNetError, match=r"dshape\[0\] >= lshape\[1\] \(2 vs\. 3\) : The "
                                            "max number of labels cannot exceed"):
        c.infer_shape(data=(2, 2, 5), label=(2, 3))
    with pytest.raises(mx.MXNetError, match=r"Input data must have specified type"):
        c.infer_type(label="int32")
    with pytest.raises(mx.MXNetError, match="data type do not match specified type.Expected: "
                                            "double v.s. given float"):
        mx.nd.CTCLoss(mx.nd.ones((3, 1, 4), dtype="float64"), mx.nd.array([[1]]))


def test_empty_label_sequences_leave_the_blank_path():
    # every label length 0: one state (MXNet passes a null label pointer here and leaves its
    # outputs uninitialised; symnb gives the blank path's cost)
    x = _RNG.normal(size=(3, 2, 4)).astype(np.float32)
    got = mx.nd.CTCLoss(mx.nd.array(x), mx.nd.array([[0, 0], [0, 0]])).asnumpy()
    logp = x - np.log(np.exp(x).sum(axis=2, keepdims=True))
    np.testing.assert_allclose(got, -logp[:, :, 0].sum(axis=0), rtol=1e-5)
