"""The Optimizer base: registry, multipliers (param_dict, index, name, symbol attributes),
update counting, and the Updater's bookkeeping."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import symnb as mx


def test_registry_and_create():
    assert type(mx.optimizer.create("SGD")) is mx.optimizer.SGD
    assert mx.optimizer.create is mx.optimizer.Optimizer.create_optimizer
    assert set(mx.optimizer.Optimizer.opt_registry) >= {
        "sgd", "nag", "adam", "adagrad", "rmsprop", "adadelta", "adamax", "nadam", "ftrl",
        "ftml", "signum", "sgld", "dcasgd", "lamb", "lars", "lbsgd", "test", "ccsgd"}
    with pytest.raises(ValueError, match="Cannot find optimizer Nope"):
        mx.optimizer.create("Nope")


def test_register_override_warns():
    class Test(mx.optimizer.Optimizer):      # same lower-cased name as the built-in
        pass
    original = mx.optimizer.Optimizer.opt_registry["test"]
    try:
        with pytest.warns(UserWarning, match="is overriding existing optimizer"):
            mx.optimizer.register(Test)
        assert mx.optimizer.Optimizer.opt_registry["test"] is Test
    finally:
        mx.optimizer.Optimizer.opt_registry["test"] = original


def test_defaults():
    opt = mx.optimizer.Optimizer()
    assert (opt.lr, opt.wd, opt.rescale_grad, opt.clip_gradient, opt.num_update,
            opt.multi_precision, opt.aggregate_num) == (0.01, 0.0, 1.0, None, 0, False, 0)
    assert mx.optimizer.SGD().aggregate_num == 4 and mx.optimizer.LAMB().aggregate_num == 45
    assert mx.optimizer.Adam().lr == 0.001 and mx.optimizer.Ftrl().lr == 0.1
    with pytest.raises(DeprecationWarning):
        opt.set_lr_scale({})
    with pytest.raises(NotImplementedError):
        opt.update(0, None, None, None)


def test_multipliers_by_param_dict_index_name_and_symbol():
    class Param:
        lr_mult, wd_mult = 3.0, 0.5

    data = mx.sym.var("data")
    w = mx.sym.var("fc_weight", lr_mult=2.0, wd_mult=4.0)
    net = mx.sym.FullyConnected(data, weight=w, num_hidden=2, name="fc")
    opt = mx.optimizer.SGD(learning_rate=0.1, wd=0.01, sym=net,
                           param_idx2name={0: "fc_weight", 1: "fc_bias", 2: "bn_gamma"},
                           param_dict={3: Param()})
    assert opt.lr_mult == {"fc_weight": 2.0}
    assert opt.wd_mult == {"fc_bias": 0.0, "fc_weight": 4.0}
    assert opt._get_lrs([0, 1, 2, 3]) == pytest.approx([0.2, 0.1, 0.1, 0.3])
    assert opt._get_wds([0, 1, 2, 3]) == pytest.approx([0.04, 0.0, 0.01, 0.005])
    opt.set_lr_mult({1: 5.0})              # index keys win over names
    assert opt._get_lr(1) == pytest.approx(0.5)
    lars = mx.optimizer.LARS(param_idx2name={0: "bn_gamma"})
    assert lars.wd_mult == {"bn_gamma": 0.0}


def test_update_counts_per_index_and_device():
    opt = mx.optimizer.SGD(begin_num_update=10)
    opt._update_count(0)
    opt._update_count([0, 1])
    assert opt._index_update_count == {0: 12, 1: 11} and opt.num_update == 12
    opt._set_current_context(1)
    opt._update_count(0)
    assert opt._all_index_update_counts[1] == {0: 11} and opt.num_update == 12


def test_scheduler_drives_learning_rate():
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    w, g = mx.nd.ones((2,)), mx.nd.zeros((2,))
    updater = mx.optimizer.get_updater(opt)
    for _ in range(3):
        updater(0, g, w)
    assert opt.num_update == 3 and opt.learning_rate == 0.25


def test_updater_bookkeeping():
    updater = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
    w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    updater(b"fc_weight", g, w)                  # kvstore str keys arrive as bytes
    assert list(updater.states) == ["fc_weight"]
    assert updater.states_synced == {"fc_weight": True}
    state = (mx.nd.ones((2,)), [mx.nd.ones((1,)), None])
    synced = updater.sync_state_context(state, mx.cpu(0))
    assert isinstance(synced, tuple) and isinstance(synced[1], list) and synced[1][1] is None


@pytest.mark.filterwarnings("ignore:Accumulating with float16")
def test_updater_groups_by_dtype_in_chunks(monkeypatch):
    opt = mx.optimizer.SGD(learning_rate=0.1)
    calls = []
    original = opt.update_multi_precision

    def spy(index, weight, grad, state):
        calls.append(tuple(index))
        original(index, weight, grad, state)

    monkeypatch.setattr(opt, "update_multi_precision", spy)
    updater = mx.optimizer.get_updater(opt)
    weights = [mx.nd.ones((2,), dtype="float16" if i in (1, 5) else "float32")
               for i in range(7)]
    updater(list(range(7)), [w.copy() for w in weights], weights)
    assert calls == [(0, 2, 3, 4), (6,), (1, 5)]


def test_multi_precision_keeps_a_float32_master():
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, multi_precision=True)
    w = mx.nd.ones((2,), dtype="float16")
    mom, master = opt.create_state_multi_precision(0, w)
    assert mom.dtype == np.float32 and master.dtype == np.float32
    adam = mx.optimizer.Adam(multi_precision=True)
    master, (mean, var) = adam.create_state_multi_precision(0, w)
    adam.update_multi_precision(0, w, mx.nd.ones((2,), dtype="float16"), (master, (mean, var)))
    assert w.dtype == np.float16 and master.asnumpy()[0] < 1.0
    with pytest.warns(UserWarning, match="Accumulating with float16"):
        mx.optimizer.SGD().create_state_multi_precision(0, w)


def test_optimizer_ndarray_paths_match_numpy():
    # AdaGrad in float64 against its formula
    opt = mx.optimizer.AdaGrad(learning_rate=0.1, wd=0.01, eps=1e-7, rescale_grad=0.5,
                               clip_gradient=0.3)
    w0, g0 = np.array([0.5, -1.0, 2.0]), np.array([1.0, -0.2, 0.1])
    w, g = mx.nd.array(w0, dtype="float64"), mx.nd.array(g0, dtype="float64")
    state = mx.nd.zeros((3,), dtype="float64")
    opt.update(0, w, g, state)
    grad = np.clip(g0 * 0.5, -0.3, 0.3)
    history = grad ** 2
    expected = w0 + (grad / np.sqrt(history + 1e-7) + w0 * 0.01) * -0.1
    np.testing.assert_allclose(w.asnumpy(), expected, rtol=1e-12)


def test_sgld_adds_gaussian_noise_of_variance_lr():
    mx.random.seed(7)
    opt = mx.optimizer.SGLD(learning_rate=0.01)
    w = mx.nd.zeros((20000,))
    opt.update(0, w, mx.nd.zeros((20000,)), None)
    assert abs(w.asnumpy().std() - 0.1) < 0.005 and abs(w.asnumpy().mean()) < 0.005


def test_lazy_modules_import_in_a_fresh_interpreter():
    code = ("import sys, symnb as mx\n"
            "assert 'symnb.optimizer' not in sys.modules\n"
            "print(mx.optimizer.Optimizer.__name__, mx.lr_scheduler.CosineScheduler.__name__,"
            " mx.kv.create('local').type, mx.kvstore.KVStoreBase.OPTIMIZER)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["Optimizer", "CosineScheduler", "local", "optimizer"]


@pytest.mark.parametrize("name, kwargs", [("sgd", {"momentum": 0.9, "wd": 0.01}),
                                          ("lamb", {"wd": 0.01}), ("lars", {"momentum": 0.9})])
def test_compare_optimizer_single_against_multi_tensor(name, kwargs):
    from symnb.test_utils import compare_optimizer
    opt1, opt2 = (mx.optimizer.create(name, learning_rate=0.1, **kwargs) for _ in range(2))
    compare_optimizer(opt1, opt2, [(3, 4), (5,), (2, 2)], "float32", ntensors=3,
                      rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError):
        compare_optimizer(mx.optimizer.SGD(learning_rate=0.1),
                          mx.optimizer.SGD(learning_rate=0.2), (3, 4), "float32")
