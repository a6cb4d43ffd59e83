"""Replay the random DAGs recorded from MXNet 1.9.1 (``dags.py``) through symnb: the memory
planner's sharing in inference-only binds, and the backward plan's gradient sums in training
binds with mixed ``grad_req``, against MXNet's numbers and JSON text."""
import json

import numpy as np
import pytest

import symnb as mx

from . import dags

with open(dags.JSON_PATH) as f:
    RECORDED = json.load(f)
CASES = RECORDED["cases"]
ARRAYS = dict(np.load(dags.NPZ_PATH))


def test_dags_are_recorded_from_mxnet():
    assert RECORDED["mxnet"].startswith("1.9.1") and len(CASES) >= 790
    # what the planner is stressed with: nodes reading one entry twice, heads mid-graph
    specs = [dags.draw(c["seed"]) for c in CASES]
    assert sum(any(len(s["src"]) == 2 and s["src"][0] == s["src"][1] for s in sp["steps"])
               for sp in specs) >= 150
    assert sum(len(sp["heads"]) > 1 for sp in specs) >= 150
    # and results that may alias their input, from seed ALIAS_FROM on
    assert sum(any(s["op"] in dags._ALIAS for s in sp["steps"]) for sp in specs) >= 350


@pytest.mark.parametrize("case", CASES, ids=lambda c: "dag_%03d" % c["seed"])
@pytest.mark.parametrize("grad_req", ["null", "write"])
def test_dag_runs_as_mxnet(case, grad_req):
    seed = case["seed"]
    spec = dags.draw(seed)
    with mx.name.NameManager():
        sym = dags.build(mx, spec)
    assert sym.tojson() == case["json"]
    args = {n: mx.nd.array(ARRAYS["in:%d:%s" % (seed, n)]) for n in sym.list_arguments()}
    ex = sym.bind(mx.cpu(), args, args_grad={n: mx.nd.zeros(a.shape) for n, a in args.items()}
                  if grad_req == "write" else None, grad_req=grad_req)
    for run in range(2):
        for i, got in enumerate(ex.forward(is_train=False)):
            want = ARRAYS["out:%d:%d:%d" % (seed, run, i)]
            np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6,
                                       err_msg="dag %d, forward %d, output %d" % (seed, run, i))


@pytest.mark.parametrize("case", CASES, ids=lambda c: "dag_%03d" % c["seed"])
def test_dag_trains_as_mxnet(case):
    """Two training steps with mixed grad_req: the backward plan sums the gradient of an
    entry read by many nodes, or twice by one, and 'add' accumulates across the steps."""
    seed = case["seed"]
    spec = dags.draw(seed)
    with mx.name.NameManager():
        sym = dags.build(mx, spec)
    reqs = dags.grad_reqs(spec, sym.list_arguments())
    args = {n: mx.nd.array(ARRAYS["in:%d:%s" % (seed, n)]) for n in sym.list_arguments()}
    grads = {n: mx.nd.ones(a.shape) for n, a in args.items() if reqs[n] != "null"}
    ex = sym.bind(mx.cpu(), args, args_grad=grads, grad_req=reqs)
    for run in range(2):
        for i, got in enumerate(ex.forward(is_train=True)):
            np.testing.assert_allclose(got.asnumpy(), ARRAYS["train:%d:%d:%d" % (seed, run, i)],
                                       rtol=1e-5, atol=1e-6,
                                       err_msg="dag %d, step %d, output %d" % (seed, run, i))
        ex.backward([mx.nd.array(g) for g in dags.head_grads_of(np, spec, run)])
        for name, got in grads.items():
            np.testing.assert_allclose(got.asnumpy(), ARRAYS["grad:%d:%d:%s" % (seed, run, name)],
                                       rtol=1e-5, atol=1e-6,
                                       err_msg="dag %d, step %d, gradient of %s (%s)"
                                       % (seed, run, name, reqs[name]))
