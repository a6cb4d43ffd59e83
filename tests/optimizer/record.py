"""Record optimizer, update-operator and scheduler cases from a real MXNet 1.9.1.

    /work/main/.bench-mxnet-venv/bin/python tests/optimizer/record.py

Writes ``cases/ops.json`` (every fused update operator on fixed inputs: the output and every
input after the call, since the states are updated in place), ``cases/optimizers.json``
(weights and states of each optimizer over several steps, through ``Updater`` and through
``Optimizer.update``), ``cases/schedulers.json`` (rates over a range of ``num_update`` and the
messages logged) and ``cases/kvstore.json``. Arrays are stored as dtype, shape and a flat list
of values (float32/float16 values are exact in JSON). symnb is never imported here; the
tests replay the cases without MXNet.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def _specs():
    """The shared case module (imported by path: this script runs outside the test package)."""
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import _case_specs
    return _case_specs


def make_array(spec):
    return _specs().make_array(spec)


def encode(mx, x):
    """An NDArray (or a state tree of them) as JSON."""
    if x is None:
        return None
    if isinstance(x, mx.nd.NDArray):
        a = x.asnumpy()
        return {"dtype": str(a.dtype), "shape": list(a.shape),
                "data": [float(v) for v in a.reshape(-1)]}
    if isinstance(x, tuple):
        return {"tuple": [encode(mx, v) for v in x]}
    if isinstance(x, list):
        return {"list": [encode(mx, v) for v in x]}
    raise TypeError(type(x))


def nd_function(mx, path):
    obj = mx
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def record_op(mx, case):
    inputs = [mx.nd.array(make_array(spec), dtype=spec["dtype"]) for spec in case["inputs"]]
    before = [encode(mx, x) for x in inputs]
    fn = nd_function(mx, case["function"])
    kwargs = dict(case["kwargs"])
    out_index = case.get("out")
    try:
        if out_index is None:
            result = fn(*inputs, **kwargs)
        elif isinstance(out_index, list):
            result = fn(*inputs, out=[inputs[i] for i in out_index], **kwargs)
        else:
            result = fn(*inputs, out=inputs[out_index], **kwargs)
    except mx.base.MXNetError as e:
        lines = [line for line in str(e).split("\n") if line.startswith("MXNetError")]
        return {"inputs": before, "error": (lines or [str(e)])[0]}
    results = result if isinstance(result, list) else [result]
    return {"inputs": before, "outputs": [encode(mx, r) for r in results],
            "inputs_after": [encode(mx, x) for x in inputs]}


def build_sym(mx, spec):
    """The symbol whose variable attributes set lr/wd multipliers (same code in the replay)."""
    data = mx.sym.var("data")
    weight = mx.sym.var("fc_weight", **spec.get("weight_attrs", {}))
    bias = mx.sym.var("fc_bias", **spec.get("bias_attrs", {}))
    return mx.sym.FullyConnected(data, weight=weight, bias=bias, num_hidden=3, name="fc")


def make_optimizer(mx, case):
    kwargs = dict(case["kwargs"])
    if "lr_scheduler" in case:
        sched = case["lr_scheduler"]
        kwargs["lr_scheduler"] = getattr(mx.lr_scheduler, sched["class"])(**sched["kwargs"])
    if "idx2name" in case:
        kwargs["param_idx2name"] = {int(k): v for k, v in case["idx2name"].items()}
    if "sym" in case:
        kwargs["sym"] = build_sym(mx, case["sym"])
    opt = mx.optimizer.create(case["optimizer"], **kwargs)
    if "lr_mult" in case:
        opt.set_lr_mult(case["lr_mult"])
    if "wd_mult" in case:
        opt.set_wd_mult(case["wd_mult"])
    return opt


def record_optimizer(mx, case):
    opt = make_optimizer(mx, case)
    params = [mx.nd.array(make_array(p), dtype=p["dtype"]) for p in case["params"]]
    initial = [encode(mx, w) for w in params]
    keys = [p.get("key", i) for i, p in enumerate(case["params"])]
    updater = mx.optimizer.get_updater(opt)
    direct_states = {}
    steps = []
    for step in range(case["steps"]):
        grads = [mx.nd.array(make_array(dict(p, seed=p["seed"] + 1000 * (step + 1))),
                             dtype=p["dtype"]) for p in case["params"]]
        grads_before = [encode(mx, g) for g in grads]     # AdaDelta scales grad in place
        if case["mode"] == "updater":
            updater(list(keys) if case.get("as_list", True) else keys[0], grads if
                    case.get("as_list", True) else grads[0],
                    params if case.get("as_list", True) else params[0])
            states = [updater.states[k] for k in keys]
        else:
            for k, w, g in zip(keys, params, grads):
                if k not in direct_states:
                    direct_states[k] = opt.create_state_multi_precision(k, w)
                opt.update_multi_precision(k, w, g, direct_states[k])
            states = [direct_states[k] for k in keys]
        steps.append({"grads": grads_before,
                      "weights": [encode(mx, w) for w in params],
                      "states": [encode(mx, s) for s in states],
                      "num_update": opt.num_update,
                      "learning_rate": float(opt.learning_rate)})
    return {"initial": initial, "steps": steps}


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def record_scheduler(mx, case):
    try:
        sched = getattr(mx.lr_scheduler, case["class"])(**case["kwargs"])
    except (ValueError, AssertionError) as e:
        return {"error": [type(e).__name__, str(e)]}
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.INFO)
    try:
        rates = [float(sched(n)) for n in case["num_updates"]]
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
    return {"rates": rates, "messages": handler.messages}


def record_kvstore(mx):
    out = {}
    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2, 3)))
    kv.push(3, [mx.nd.ones((2, 3)) * 2, mx.nd.ones((2, 3)) * 5])
    a = mx.nd.zeros((2, 3))
    kv.pull(3, out=a)
    out["push_sum"] = encode(mx, a)
    # a fresh store: MXNet's store keeps aliasing its merge buffer after an updater-less push
    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2, 3)) * 7)
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.01))
    for _ in range(3):
        kv.push(3, [mx.nd.ones((2, 3)) * 0.5, mx.nd.ones((2, 3)) * 0.25])
    kv.pull(3, out=a)
    out["sgd_after_3"] = encode(mx, a)
    kv2 = mx.kv.create("local")
    kv2.init(["w", "b"], [mx.nd.ones((2,)), mx.nd.zeros((3,))])
    seen = []
    kv2._set_updater(lambda key, grad, stored: (seen.append(key), stored.__iadd__(grad)))
    kv2.push(["w", "b"], [mx.nd.ones((2,)), mx.nd.ones((3,))])
    outs = [mx.nd.zeros((2,)), mx.nd.zeros((3,))]
    kv2.pull(["w", "b"], out=outs)
    # MXNet hands a custom updater the str keys as bytes
    out["str_keys"] = {"seen": [[type(k).__name__, k.decode() if isinstance(k, bytes) else k]
                                for k in seen], "values": [encode(mx, o) for o in outs]}
    out["type_rank_workers"] = [kv.type, kv.rank, kv.num_workers]
    return out


def _guarded(fn, mx, case):
    try:
        return fn(mx, case)
    except (ValueError, AssertionError, TypeError, mx.base.MXNetError) as e:
        return {"error": [type(e).__name__, str(e).split("\n")[0]]}


def main() -> int:
    """Record every case; returns the exit status.

    >>> callable(main)
    True
    """
    import mxnet as mx
    if not mx.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    warnings.simplefilter("ignore")
    os.makedirs(CASES, exist_ok=True)
    specs = _specs()
    ops = [dict(case, result=record_op(mx, case)) for case in specs.OP_CASES]
    optimizers = [dict(case, result=_guarded(record_optimizer, mx, case))
                  for case in specs.OPTIMIZER_CASES]
    schedulers = [dict(case, result=record_scheduler(mx, case))
                  for case in specs.SCHEDULER_CASES]
    for name, data in (("ops", ops), ("optimizers", optimizers), ("schedulers", schedulers),
                       ("kvstore", record_kvstore(mx))):
        with open(os.path.join(CASES, name + ".json"), "w") as f:
            json.dump(data, f, sort_keys=True)
    print("recorded %d op, %d optimizer and %d scheduler cases under %s"
          % (len(ops), len(optimizers), len(schedulers), CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
