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



def test_backward_operator_as_mxnet_records_it():
    # tests/ops/record_hawkes_backward.py: MXNet 1.9.1 lists the node's outputs and inputs,
    # infers nothing, refuses arrays from Python and cannot run the graph
    import json
    from pathlib import Path
    facts = json.loads((Path(__file__).parent / "hawkes_backward.json").read_text())
    sym = mx.sym.load_json(json.dumps(facts["graph"]))
    assert sym.list_outputs() == facts["outputs"]
    assert sym.list_arguments() == facts["arguments"]
    shapes = {"og0": (2,), "og1": (2, 3), "lda": (2, 3), "alpha": (3,), "beta": (3,),
              "state": (2, 3), "lags": (2, 5), "marks": (2, 5), "valid_length": (2,),
              "max_time": (2,)}
    with pytest.warns(UserWarning):
        assert list(sym.infer_shape(**shapes)) == [None, None, None]
    with pytest.raises(mx.base.MXNetError):
        mx.nd.contrib.backward_hawkesll(mx.nd.ones((2,)))
    arrays = {n: mx.nd.ones(s, dtype="int32" if n == "marks" else "float32")
              for n, s in shapes.items()}
    with pytest.raises(mx.base.MXNetError, match="cannot decide the shape of bh output 0"):
        sym.bind(mx.cpu(), arrays)
    # what MXNet's kernel says, should the outputs be given
    with pytest.raises(mx.base.MXNetError) as e:
        hawkes._contrib_backward_hawkesll().forward(None, [], [], False, None)
    assert str(e.value) == facts["run_error"]
