"""Which operators MXNet's monitor names inputs for (``x_data``) and which it numbers
(``x_input0``): operators registered without FListInputNames are numbered. The table was
recorded from MXNet 1.9.1 (``set_monitor_callback(..., monitor_all=True)`` on every core op);
MXNet's own test_op_all_names_monitor relies on it."""
from __future__ import annotations

import json

import pytest

import symnb as mx
from symnb.ops import OPS

from ..conftest import SHARED

NUMBERED = {
    "BlockGrad", "Cast", "Flatten", "Reshape", "SoftmaxActivation", "_copy", "abs", "argmax",
    "argmin", "broadcast_axis", "broadcast_to", "ceil", "clip", "cos", "erf", "exp",
    "expand_dims", "expm1", "floor", "log", "log10", "log1p", "log2", "make_loss", "max",
    "mean", "min", "negative", "norm", "ones_like", "prod", "reciprocal", "relu", "round",
    "rsqrt", "sigmoid", "sign", "sin", "slice", "slice_axis", "softsign", "sqrt", "square",
    "sum", "tan", "tanh", "transpose", "zeros_like", "Activation",
}
# The fused single-tensor optimizer updates have no FListInputNames either: MXNet 1.9.1 cannot
# even compose them by keyword ("Not enough argument to call operator sgd_update", ops.json)
NUMBERED |= {
    "sgd_update", "sgd_mom_update", "mp_sgd_update", "mp_sgd_mom_update", "nag_mom_update",
    "mp_nag_mom_update", "adam_update", "rmsprop_update", "rmspropalex_update", "ftml_update",
    "ftrl_update", "signsgd_update", "signum_update", "lamb_update_phase1",
    "lamb_update_phase2", "mp_lamb_update_phase1", "mp_lamb_update_phase2", "_adamw_update",
    "_mp_adamw_update", "_sparse_adagrad_update", "_contrib_group_adagrad_update",
}


def test_numbered_table_matches_definitions():
    # the table covers the core operators it was recorded on
    with open(SHARED / "spec" / "ops.json", encoding="utf-8") as f:
        core = set(json.load(f)["core_ops"])
    numbered = {name for name, op in OPS.items()
                if not op.monitor_named_inputs and not name.endswith("_scalar")
                and (name in core or name in NUMBERED)}
    assert numbered == NUMBERED


@pytest.mark.parametrize("make, expected", [
    (lambda d: mx.sym.SoftmaxActivation(d, name="x"), ["x_input0", "x_output"]),
    (lambda d: mx.sym.sum(d, name="x"), ["x_input0", "x_output"]),
    (lambda d: mx.sym.Reshape(d, shape=(3, 2), name="x"), ["x_input0", "x_output"]),
    (lambda d: mx.sym.softmax(d, name="x"), ["x_data", "x_output"]),
    (lambda d: mx.sym.squeeze(d, name="x"), ["x_data", "x_output"]),
])
def test_monitor_all_input_names(make, expected):
    exe = make(mx.sym.var("data")).simple_bind(mx.cpu(), grad_req="null", data=(2, 3))
    seen = []
    exe.set_monitor_callback(lambda name, arr: seen.append(name.decode()), monitor_all=True)
    exe.forward()
    assert [n for n in seen if n.startswith("x_")] == expected
