"""Shape and type rules of the fused optimizer updates (symnb/ops/optimizer_op.py), their use
from ``mx.sym`` (states become auxiliary states), and their missing gradient.

Values are checked against MXNet in tests/optimizer/test_ops.py (recorded cases)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.ops import OPS

from .harness import infer, infer_types

F16, F32 = "float16", "float32"
W = (3, 4)
# op -> (parameters, input shapes given (None = unknown), expected input shapes,
#        expected output shapes, input dtypes given, expected input dtypes, output dtypes)
# The multi-tensor rows are MXNet 1.9.1's results (its rules check each group on copies, so
# they fill in nothing but what the preloaded and mixed-precision forms force)
CASES = {
    "sgd_update": ({"lr": 0.1}, [W, None], [W, W], [W], [F16, None], [F16, F16], [F16]),
    "sgd_mom_update": ({"lr": 0.1}, [None, W, None], [W] * 3, [W], [None, None, F32],
                       [F32] * 3, [F32]),
    "mp_sgd_update": ({"lr": 0.1}, [W, None, None], [W] * 3, [W], [F16, None, None],
                      [F16, F16, F32], [F16]),
    "mp_sgd_mom_update": ({"lr": 0.1}, [None, None, None, W], [W] * 4, [W],
                          [F16, None, None, None], [F16, F16, F32, F32], [F16]),
    "nag_mom_update": ({"lr": 0.1}, [W, None, None], [W] * 3, [W], [F16, None, None],
                       [F16] * 3, [F16]),
    "mp_nag_mom_update": ({"lr": 0.1}, [W, None, None, None], [W] * 4, [W],
                          [F16, None, None, None], [F16, F16, F32, F32], [F16]),
    "adam_update": ({"lr": 0.1}, [W, None, None, None], [W] * 4, [W], [F32] + [None] * 3,
                    [F32] * 4, [F32]),
    "rmsprop_update": ({"lr": 0.1}, [None, None, W], [W] * 3, [W], [None, F16, None],
                       [F16] * 3, [F16]),
    "rmspropalex_update": ({"lr": 0.1}, [W] + [None] * 4, [W] * 5, [W], [F32] + [None] * 4,
                           [F32] * 5, [F32]),
    "ftml_update": ({"lr": 0.1, "t": 1}, [W] + [None] * 4, [W] * 5, [W], [F32] + [None] * 4,
                    [F32] * 5, [F32]),
    "ftrl_update": ({"lr": 0.1}, [W] + [None] * 3, [W] * 4, [W], [F32] + [None] * 3,
                    [F32] * 4, [F32]),
    "signsgd_update": ({"lr": 0.1}, [W, None], [W, W], [W], [F32, None], [F32] * 2, [F32]),
    "signum_update": ({"lr": 0.1}, [W, None, None], [W] * 3, [W], [F32, None, None],
                      [F32] * 3, [F32]),
    "lamb_update_phase1": ({"t": 1, "wd": 0.0}, [W] + [None] * 3, [W] * 4, [W],
                           [F32] + [None] * 3, [F32] * 4, [F32]),
    "mp_lamb_update_phase1": ({"t": 1, "wd": 0.0}, [W] + [None] * 4, [W] * 5, [W],
                              [F16] + [None] * 4, [F16, F16, F32, F32, F32], [F32]),
    "lamb_update_phase2": ({"lr": 0.1}, [W, None, None, None], [W, W, (1,), (1,)], [W],
                           [F32] + [None] * 3, [F32] * 4, [F32]),
    "mp_lamb_update_phase2": ({"lr": 0.1}, [W] + [None] * 4, [W, W, (1,), (1,), W], [W],
                              [F16] + [None] * 4, [F16, F32, F32, F32, F32], [F16]),
    "multi_sgd_update": ({"lrs": (0.1, 0.1), "wds": (0, 0), "num_weights": 2},
                         [W, None, (2,), None], [W, None, (2,), None], [None, None],
                         [F32, None, None, None], [F32] * 4, [F32] * 2),
    "multi_sgd_mom_update": ({"lrs": (0.1,), "wds": (0,)}, [None, None, W], [None, None, W],
                             [None], [F32, None, None], [F32] * 3, [F32]),
    "multi_mp_sgd_update": ({"lrs": (0.1,), "wds": (0,)}, [W, None, None], [W, None, None],
                            [None], [F16, None, None], [F16, None, F32], [None]),
    "multi_mp_sgd_mom_update": ({"lrs": (0.1,), "wds": (0,)}, [W] + [None] * 3,
                                [W] + [None] * 3, [None], [F16] + [None] * 3,
                                [F16, None, F32, F32], [None]),
    "preloaded_multi_sgd_update": ({}, [W, None, (1,), (1,)], [W, None, (1,), (1,)], [None],
                                   [F32] + [None] * 3, [F32, None, F32, F32], [None]),
    "preloaded_multi_sgd_mom_update": ({"num_weights": 2}, [W, None, None, (2,), None, None,
                                                            (2,), (2,)],
                                       [W, None, None, (2,), None, None, (2,), (2,)],
                                       [None, None], [F32] + [None] * 7,
                                       [F32, None, None, None, None, None, F32, F32],
                                       [None, None]),
    "preloaded_multi_mp_sgd_update": ({}, [W, None, None, (1,), (1,)],
                                      [W, None, None, (1,), (1,)], [None], [F16] + [None] * 4,
                                      [F16, None, F32, F32, F32], [None]),
    "preloaded_multi_mp_sgd_mom_update": ({}, [W, None, None, None, (1,), (1,)],
                                          [W, None, None, None, (1,), (1,)], [None],
                                          [F16] + [None] * 5, [F16, None] + [F32] * 4, [None]),
    "multi_sum_sq": ({"num_arrays": 2}, [W, (5,)], [W, (5,)], [(2,)], [F16, None], [F16, F16],
                     [F32]),
    "multi_all_finite": ({"num_arrays": 1}, [W], [W], [(1,)], [F16], [F16], [F32]),
    "multi_lars": ({"eta": 1, "eps": 0}, [(4,), None, None, None], [(4,)] * 4, [(4,)],
                   [F32] + [None] * 3, [F32] * 4, [F32]),
    "_adamw_update": ({"lr": 0.1, "eta": 1}, [W] + [None] * 4, [W] * 4 + [None], [W],
                      [F32] + [None] * 4, [F32] * 5, [F32]),
    "_mp_adamw_update": ({"lr": 0.1, "eta": 1}, [W] + [None] * 5, [W] * 5 + [None], [W],
                         [F16] + [None] * 5, [F16, F16] + [F32] * 4, [F16]),
    "_multi_adamw_update": ({"lrs": (0.1,), "wds": (0,), "etas": (1,)}, [W] + [None] * 4,
                            [W] + [None] * 4, [None], [F32] + [None] * 4, [F32] * 5, [F32]),
    "_multi_mp_adamw_update": ({"lrs": (0.1,), "wds": (0,), "etas": (1,)}, [W] + [None] * 5,
                               [W] + [None] * 5, [None], [F16] + [None] * 5,
                               [F16, None] + [F32] * 4, [None]),
    "_multi_lamb_update": ({"learning_rates": (0.1,), "wds": (0,), "step_count": (1,)},
                           [W] + [None] * 3, [W] + [None] * 3, [None], [F32] + [None] * 3,
                           [F32] * 4, [F32]),
    "_multi_mp_lamb_update": ({"learning_rates": (0.1,), "wds": (0,), "step_count": (1,)},
                              [W] + [None] * 4, [W] + [None] * 4, [None], [F16] + [None] * 4,
                              [F16, None, F32, F32, F32], [None]),
    "_sparse_adagrad_update": ({"lr": 0.1}, [W, None, None], [W] * 3, [W], [F32, None, None],
                               [F32] * 3, [F32]),
    "_contrib_group_adagrad_update": ({"lr": 0.1}, [W, None, None], [W, W, (3, 1)], [W],
                                      [F32, None, None], [F32] * 3, [F32]),
}


def test_every_update_operator_has_a_case():
    assert {n for n, op in OPS.items() if op.family == "optimizer"} == set(CASES)


def _shape(s):
    return None if s is None else tuple(s)


@pytest.mark.parametrize("name", sorted(CASES))
def test_shape_rule(name):
    params, given, ins, outs = CASES[name][:4]
    got_in, got_out = infer(name, given, **params)
    assert [_shape(s) for s in got_in] == [_shape(s) for s in ins]
    assert [_shape(s) for s in got_out] == [_shape(s) for s in outs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_type_rule(name):
    params, _, _, _, given, ins, outs = CASES[name]
    got_in, got_out = infer_types(name, given, **params)
    assert [None if t is None else np.dtype(t).name for t in got_in] == ins
    assert [None if t is None else np.dtype(t).name for t in got_out] == outs


def test_shape_conflict_names_the_input():
    with pytest.raises(mx.MXNetError, match="Incompatible attr in node  at 1-th input: "
                                            "expected \\[3,4\\], got \\[4,3\\]"):
        mx.nd.sgd_update(mx.nd.ones((3, 4)), mx.nd.ones((4, 3)), lr=0.1)


def test_float32_master_copy_is_required():
    with pytest.raises(mx.MXNetError, match="inferred type = float32"):
        mx.nd.mp_sgd_update(mx.nd.ones((2,), dtype=F16), mx.nd.ones((2,), dtype=F16),
                            mx.nd.ones((2,), dtype=F16), lr=0.1)


def test_required_parameter():
    with pytest.raises(mx.MXNetError, match="Required parameter lr of float is not presented"):
        mx.nd.sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)))


def test_multi_rates_must_match_num_weights():
    with pytest.raises(mx.MXNetError, match="Number of learning rates is inconsistent with "
                                            "num_weights parameter passed"):
        mx.nd.multi_sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.ones((2,)),
                               mx.nd.ones((2,)), lrs=(0.1,), wds=(0, 0), num_weights=2)
    with pytest.raises(mx.MXNetError, match="expects 4 inputs, but got 2 instead"):
        mx.nd.multi_sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), lrs=(0.1, 0.1),
                               wds=(0, 0), num_weights=2)


def test_symbol_states_are_auxiliary_and_updated_by_forward():
    w, g, m = mx.sym.var("w"), mx.sym.var("g"), mx.sym.var("m")
    s = mx.sym.sgd_mom_update(w, g, m, lr=0.5, momentum=0.5, name="upd")
    assert (s.list_arguments(), s.list_auxiliary_states()) == (["w", "g"], ["m"])
    ex = s.bind(mx.cpu(), {"w": mx.nd.ones((2,)), "g": mx.nd.ones((2,))},
                aux_states={"m": mx.nd.zeros((2,))})
    assert ex.forward()[0].asnumpy().tolist() == [0.5, 0.5]
    assert ex.aux_dict["m"].asnumpy().tolist() == [-0.5, -0.5]
    multi = mx.sym.multi_mp_sgd_mom_update(w, g, m, mx.sym.var("w32"), lrs=(0.1,), wds=(0,))
    assert multi.list_auxiliary_states() == ["m", "w32"]


def test_repeated_mxnet_input_names_mutate_by_position():
    syms = [mx.sym.var(n) for n in ("w", "g", "m", "v")]
    s = mx.sym._internal._multi_lamb_update(*syms, learning_rates=(0.1,), wds=(0,),
                                            step_count=(1,))
    assert (s.list_arguments(), s.list_auxiliary_states()) == (["w", "g"], ["m", "v"])


def test_no_gradient():
    # as in MXNet, binding a gradient through an update fails at bind (the gradient pass)
    w, g = mx.sym.var("w"), mx.sym.var("g")
    with pytest.raises(RuntimeError, match="sgd_update is non-differentiable"):
        mx.sym.sgd_update(w, g, lr=0.1).simple_bind(mx.cpu(), w=(2,), g=(2,))
    ex = mx.sym.sgd_update(w, g, lr=0.1).simple_bind(mx.cpu(), w=(2,), g=(2,), grad_req="null")
    np.testing.assert_allclose(ex.forward()[0].asnumpy(), 0)
