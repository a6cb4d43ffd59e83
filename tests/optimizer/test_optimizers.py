"""Each optimizer's weights and states over several steps against MXNet 1.9.1
(cases/optimizers.json): through ``Updater`` (aggregated like MXNet's) and ``update``."""
from __future__ import annotations

import pytest

import symnb as mx

from ._replay import check_array, check_tree, load, to_nd

CASES = load("optimizers")


def build_sym(spec):
    """The same symbol record.py builds (variable attributes set lr/wd multipliers)."""
    data = mx.sym.var("data")
    weight = mx.sym.var("fc_weight", **spec.get("weight_attrs", {}))
    bias = mx.sym.var("fc_bias", **spec.get("bias_attrs", {}))
    return mx.sym.FullyConnected(data, weight=weight, bias=bias, num_hidden=3, name="fc")


def make_optimizer(case):
    kwargs = dict(case["kwargs"])
    if "lr_scheduler" in case:
        sched = case["lr_scheduler"]
        kwargs["lr_scheduler"] = getattr(mx.lr_scheduler, sched["class"])(**sched["kwargs"])
    if "idx2name" in case:
        kwargs["param_idx2name"] = {int(k): v for k, v in case["idx2name"].items()}
    if "sym" in case:
        kwargs["sym"] = build_sym(case["sym"])
    opt = mx.optimizer.create(case["optimizer"], **kwargs)
    if "lr_mult" in case:
        opt.set_lr_mult(case["lr_mult"])
    if "wd_mult" in case:
        opt.set_wd_mult(case["wd_mult"])
    return opt


def run(case, opt, result):
    params = [to_nd(rec) for rec in result["initial"]]
    keys = [p.get("key", i) for i, p in enumerate(case["params"])]
    updater = mx.optimizer.get_updater(opt)
    direct = {}
    for number, step in enumerate(result["steps"]):
        grads = [to_nd(rec) for rec in step["grads"]]
        if case["mode"] == "updater":
            updater(list(keys), grads, params)
            states = [updater.states[k] for k in keys]
        else:
            for k, w, g in zip(keys, params, grads, strict=True):
                if k not in direct:
                    direct[k] = opt.create_state_multi_precision(k, w)
                opt.update_multi_precision(k, w, g, direct[k])
            states = [direct[k] for k in keys]
        yield number, step, params, states


@pytest.mark.filterwarnings("ignore:Accumulating with float16")
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_optimizer_steps(case):
    result = case["result"]
    if "error" in result:
        kind, message = result["error"]
        with pytest.raises(Exception) as info:
            opt = make_optimizer(case)
            for _ in run(case, opt, {"initial": [], "steps": []}):
                pass
            params = [to_nd({"data": [1.0] * 6, "dtype": "float32", "shape": [3, 2]})]
            opt.update(0, params[0], params[0] * 0.5, opt.create_state(0, params[0]))
        assert type(info.value).__name__ == kind and str(info.value) == message
        return
    opt = make_optimizer(case)
    for number, step, params, states in run(case, opt, result):
        for i, (w, rec) in enumerate(zip(params, step["weights"], strict=True)):
            check_array(w, rec, "step %d weight %d" % (number, i))
        for i, (s, rec) in enumerate(zip(states, step["states"], strict=True)):
            check_tree(s, rec, "step %d state %d" % (number, i))
        assert opt.num_update == step["num_update"]
        assert opt.learning_rate == pytest.approx(step["learning_rate"], rel=1e-12)
