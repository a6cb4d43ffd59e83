"""_contrib_hawkesll: the likelihood's gradient by central differences (with exact exp/log
in place of MXNet's float32 ones), and the request quirks of its backward."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.ops import hawkes

from . import harness

_NAMES = ["lda", "alpha", "beta", "state", "lags", "marks", "valid_length", "max_time"]


def _inputs():
    rng = np.random.default_rng(11)
    return [rng.uniform(0.5, 2, (2, 3)), rng.uniform(0.1, 0.5, 3), rng.uniform(0.5, 2, 3),
            rng.uniform(0, 1, (2, 3)), rng.uniform(0.1, 1, (2, 5)),
            np.array([[0, 1, 0, 2, 2], [2, 2, 1, 0, 1]], np.int32), np.array([4.0, 5.0]),
            np.array([6.0, 7.0])]


def test_likelihood_gradient_by_central_differences(monkeypatch):
    monkeypatch.setattr(hawkes, "_f32", lambda xp, fn, x: fn(x))
    ins = _inputs()
    v = np.array([0.7, -1.3])
    grads = harness.backward("_contrib_hawkesll", ins, [v, np.zeros((2, 3))], wrt=[0, 1, 2])
    rng = np.random.default_rng(3)
    for i in range(3):
        d = rng.standard_normal(ins[i].shape)
        plus, minus = list(ins), list(ins)
        plus[i], minus[i] = ins[i] + 1e-6 * d, ins[i] - 1e-6 * d
        numeric = (v @ harness.forward("_contrib_hawkesll", plus)[0]
                   - v @ harness.forward("_contrib_hawkesll", minus)[0]) / 2e-6
        analytic = float((grads[i] * d).sum())
        assert abs(numeric - analytic) <= 1e-5 * max(1.0, abs(numeric)), (i, numeric, analytic)


def _bind(reqs, init=0.5):
    sym = mx.sym.contrib.hawkesll(*[mx.sym.var(n) for n in _NAMES])
    ins = _inputs()
    args = {n: mx.nd.array(x, dtype=x.dtype) for n, x in zip(_NAMES, ins, strict=True)}
    grads = {n: mx.nd.full(x.shape, init, dtype=x.dtype) for n, x in zip(_NAMES, ins)}
    exe = sym.bind(mx.cpu(), args, args_grad=grads,
                   grad_req={n: reqs.get(n, "null") for n in _NAMES})
    exe.forward(is_train=True)
    return exe, grads


def test_no_lda_gradient_means_no_alpha_or_beta_gradient():
    exe, grads = _bind({"alpha": "write", "beta": "write", "state": "write"})
    exe.backward([mx.nd.ones((2,), dtype="float64"), mx.nd.ones((2, 3), dtype="float64")])
    assert not grads["alpha"].asnumpy().any() and not grads["beta"].asnumpy().any()
    assert (grads["state"].asnumpy() == 0.5).all() and (grads["lda"].asnumpy() == 0.5).all()


def test_statistics_take_no_gradient():
    exe, _ = _bind({"lda": "write", "lags": "write"})
    with pytest.raises(mx.MXNetError, match=r"req\[hawkesll: :kIATimes\] == "
                                            r"OpReqType::kNullOp \(1 vs\. 0\)"):
        exe.backward([mx.nd.ones((2,), dtype="float64"), mx.nd.ones((2, 3), dtype="float64")])


def test_add_request_restarts_lda_and_compounds():
    heads = [mx.nd.array([1.0, 2.0], dtype="float64"), mx.nd.ones((2, 3), dtype="float64")]
    exe, write = _bind({"lda": "write"})
    exe.backward(heads)
    exe, add = _bind({"lda": "add"}, init=100.0)
    exe.backward(heads)
    # MXNet zeroes lda's buffer, then every update adds to its running value: not old + grad
    got = add["lda"].asnumpy()
    assert np.isfinite(got).all() and abs(got).max() < 100
    assert not np.allclose(got, write["lda"].asnumpy())
