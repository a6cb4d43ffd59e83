"""Replay the random DAGs recorded from MXNet 1.9.1 (``dags.py``) through symnb: the memory
planner's sharing in inference-only binds, against MXNet's numbers and JSON text."""
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
    assert RECORDED["mxnet"].startswith("1.9.1") and len(CASES) >= 400
    # what the planner is stressed with: nodes reading one entry twice, heads mid-graph
    specs = [dags.draw(c["seed"]) for c in CASES]
    assert sum(any(len(s["src"]) == 2 and s["src"][0] == s["src"][1] for s in sp["steps"])
               for sp in specs) >= 150
    assert sum(len(sp["heads"]) > 1 for sp in specs) >= 150


@pytest.mark.parametrize("case", CASES, ids=lambda c: "dag_%03d" % c["seed"])
@pytest.mark.parametrize("grad_req", ["null", "write"])
def test_dag_runs_as_mxnet(case, grad_req):
    seed = case["seed"]
    spec = dags.draw(seed)
    with mx.name.NameManager():
        sym = dags.build(mx, spec)
    assert sym.tojson() == case["json"]
    args = {n: mx.nd.array(ARRAYS["in:%d:%s" % (seed, n)]) for n, _ in spec["inputs"]}
    ex = sym.bind(mx.cpu(), args, args_grad={n: mx.nd.zeros(a.shape) for n, a in args.items()}
                  if grad_req == "write" else None, grad_req=grad_req)
    for run in range(2):
        for i, got in enumerate(ex.forward(is_train=False)):
            want = ARRAYS["out:%d:%d:%d" % (seed, run, i)]
            np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6,
                                       err_msg="dag %d, forward %d, output %d" % (seed, run, i))
