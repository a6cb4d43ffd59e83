"""Module, BucketingModule, SequentialModule and PythonLossModule: behaviour checked against
equivalent computations (one module vs a chain, one context vs two, one run vs a resumed one).
"""
from __future__ import annotations

import logging

import numpy as np
import pytest

import symnb as mx


def _data(n=24, dim=6, k=4, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-1, 1, size=(k, dim))
    label = rng.randint(0, k, size=n)
    x = centres[label] + 0.3 * rng.standard_normal((n, dim))
    return x.astype(np.float32), label.astype(np.float32)


def _mlp():
    net = mx.sym.FullyConnected(mx.sym.var("data"), name="fc1", num_hidden=8)
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, name="fc2", num_hidden=4)
    return mx.sym.SoftmaxOutput(net, name="softmax")


def _init(seed=1):
    rng = np.random.RandomState(seed)
    shapes = {"fc1_weight": (8, 6), "fc1_bias": (8,), "fc2_weight": (4, 8), "fc2_bias": (4,)}
    return {k: mx.nd.array(0.3 * rng.uniform(-1, 1, size=s)) for k, s in shapes.items()}


def _numpy_params(mod):
    return {k: v.asnumpy() for k, v in mod.get_params()[0].items()}


def _assert_params_equal(a, b, rtol=1e-5, atol=1e-6):
    assert sorted(a) == sorted(b)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=rtol, atol=atol, err_msg=k)


def _quiet():
    log = logging.getLogger("symnb.tests.module.quiet")
    log.setLevel(logging.ERROR)
    return log


OPT = {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.001}


def _fit(mod, x, y, num_epoch=2, **kwargs):
    it = mx.io.NDArrayIter(x, y, batch_size=8)
    mod.fit(it, num_epoch=num_epoch, arg_params=_init(), optimizer_params=OPT, **kwargs)
    return mod


# ---------------------------------------------------------------------------- Module
def test_work_load_list_splits_the_batch_unevenly_and_merges_back():
    x, y = _data()
    single = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y)
    split = _fit(mx.mod.Module(_mlp(), context=[mx.cpu(0), mx.cpu(1)], work_load_list=[1, 3],
                               logger=_quiet()), x, y)
    assert split._exec_group.slices == [slice(0, 2), slice(2, 8)]
    assert [e.arg_dict["data"].shape for e in split._exec_group.execs] == [(2, 6), (6, 6)]
    _assert_params_equal(_numpy_params(single), _numpy_params(split))
    batch = mx.io.DataBatch([mx.nd.array(x[:8])], [mx.nd.array(y[:8])])
    single.forward(batch, is_train=False)
    split.forward(batch, is_train=False)
    np.testing.assert_allclose(split.get_outputs()[0].asnumpy(),
                               single.get_outputs()[0].asnumpy(), rtol=1e-5, atol=1e-6)
    parts = split.get_outputs(merge_multi_context=False)
    assert [[o.shape for o in per_output] for per_output in parts] == [[(2, 4), (6, 4)]]


def test_predict_forms():
    x, y = _data()
    mod = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y, num_epoch=1)
    it = mx.io.NDArrayIter(x[:20], y[:20], batch_size=8)     # 3 batches, last padded by 4
    merged = mod.predict(it)
    assert merged.shape == (20, 4)
    listed = mod.predict(it, always_output_list=True)
    assert isinstance(listed, list) and listed[0].shape == (20, 4)
    batches = mod.predict(it, merge_batches=False)
    assert [b[0].shape for b in batches] == [(8, 4), (8, 4), (4, 4)]
    assert mod.predict(it, num_batch=1).shape == (8, 4)
    direct = mod.predict(x[:8])        # a NumPy array: one forward
    np.testing.assert_allclose(direct.asnumpy(), merged.asnumpy()[:8], rtol=1e-6)
    # another batch size reshapes without a label shape: MXNet's own error
    with pytest.warns(UserWarning, match="label_shapes don't match"), \
            pytest.raises(mx.MXNetError, match="Shape of unspecifie arg: softmax_label"):
        mod.predict(x[:5])


def test_grad_req_add_accumulates():
    x, y = _data(n=8)
    mod = mx.mod.Module(_mlp())
    mod.bind([("data", (8, 6))], [("softmax_label", (8,))], grad_req="add")
    mod.init_params(arg_params=_init())
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    mod.forward_backward(batch)
    once = mod._exec_group.grad_arrays[0][0].asnumpy().copy()
    mod.forward_backward(batch)
    np.testing.assert_allclose(mod._exec_group.grad_arrays[0][0].asnumpy(), 2 * once,
                               rtol=1e-5, atol=1e-7)


def test_fixed_params_get_no_gradient_and_stay():
    x, y = _data()
    mod = _fit(mx.mod.Module(_mlp(), fixed_param_names=["fc1_weight"], logger=_quiet()), x, y)
    assert mod._exec_group.grad_req["fc1_weight"] == "null"
    np.testing.assert_array_equal(_numpy_params(mod)["fc1_weight"],
                                  _init()["fc1_weight"].asnumpy())
    assert not np.allclose(_numpy_params(mod)["fc2_weight"], _init()["fc2_weight"].asnumpy())


def test_optimizer_states_resume_training_exactly(tmp_path):
    x, y = _data()
    it = mx.io.NDArrayIter(x, y, batch_size=8)
    straight = mx.mod.Module(_mlp(), logger=_quiet())
    straight.fit(it, num_epoch=4, arg_params=_init(), optimizer_params=OPT)

    prefix = str(tmp_path / "mlp")
    first = mx.mod.Module(_mlp(), logger=_quiet())
    first.fit(it, num_epoch=2, arg_params=_init(), optimizer_params=OPT,
              epoch_end_callback=mx.callback.module_checkpoint(first, prefix,
                                                               save_optimizer_states=True))
    assert (tmp_path / "mlp-0002.states").exists()
    resumed = mx.mod.Module.load(prefix, 2, load_optimizer_states=True, logger=_quiet())
    resumed.fit(it, num_epoch=4, begin_epoch=2, optimizer_params=OPT)
    _assert_params_equal(_numpy_params(resumed), _numpy_params(straight))


def test_monitor_sees_every_batch(caplog):
    x, y = _data(n=16)
    mon = mx.mon.Monitor(1, pattern="fc2_.*")
    with caplog.at_level(logging.INFO):
        _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y, num_epoch=1, monitor=mon)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Batch:")]
    names = {line.split()[2] for line in lines}
    assert {"fc2_weight", "fc2_bias", "fc2_output"} <= names
    assert {int(line.split()[1]) for line in lines} == {1, 2}


def test_states_set_and_get():
    data, state = mx.sym.var("data"), mx.sym.var("state")
    net = mx.sym.FullyConnected(data + state, num_hidden=2, name="fc")
    mod = mx.mod.Module(net, label_names=None, state_names=["state"],
                        context=[mx.cpu(0), mx.cpu(1)])
    mod.bind([("data", (4, 3))])
    mod.init_params(mx.init.One())
    mod.set_states(value=2.0)
    states = mod.get_states(merge_multi_context=False)
    assert [[s.asnumpy().tolist() for s in per] for per in states] == [[[[2.0] * 3] * 2] * 2]
    mod.forward(mx.io.DataBatch([mx.nd.ones((4, 3))]))
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), np.full((4, 2), 9.0))


def test_forward_with_other_shape_keeps_training_executor():
    x, y = _data()
    mod = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y, num_epoch=1)
    first = mod._exec_group.execs[0]
    mod.forward(mx.io.DataBatch([mx.nd.array(x[:3])], [mx.nd.array(y[:3])]), is_train=False)
    assert mod.data_shapes[0].shape == (3, 6) and mod.output_shapes == [("softmax_output",
                                                                          (3, 4))]
    mod.forward(mx.io.DataBatch([mx.nd.array(x[:8])], [mx.nd.array(y[:8])]), is_train=False)
    assert mod._exec_group.execs[0] is first          # back on the executor bound first
    # the reshaped executor shares the parameter memory
    mod.forward(mx.io.DataBatch([mx.nd.array(x[:3])], [mx.nd.array(y[:3])]), is_train=False)
    reshaped = mod._exec_group.execs[0]
    assert reshaped.arg_dict["fc1_weight"]._data is first.arg_dict["fc1_weight"]._data


# ---------------------------------------------------------------------------- Bucketing
def _sym_gen(seq_len):
    net = mx.sym.FullyConnected(mx.sym.var("data"), name="embed", num_hidden=3, flatten=False)
    net = mx.sym.BatchNorm(mx.sym.mean(net, axis=1), name="bn")
    net = mx.sym.FullyConnected(net, name="cls", num_hidden=2)
    return mx.sym.SoftmaxOutput(net, name="softmax"), ("data",), ("softmax_label",)


def test_buckets_share_parameters_gradients_aux_and_data_memory():
    mod = mx.mod.BucketingModule(_sym_gen, default_bucket_key=6, logger=_quiet())
    mod.bind([("data", (4, 6, 2))], [("softmax_label", (4,))])
    mod.init_params()
    mod.init_optimizer()
    rng = np.random.RandomState(0)
    batch = mx.io.DataBatch([mx.nd.array(rng.rand(4, 3, 2))], [mx.nd.array([0, 1, 0, 1])],
                            bucket_key=3, provide_data=[("data", (4, 3, 2))],
                            provide_label=[("softmax_label", (4,))])
    mod.forward(batch)
    big, small = mod._buckets[6]._exec_group.execs[0], mod._buckets[3]._exec_group.execs[0]
    for name in ("embed_weight", "cls_bias"):
        assert big.arg_dict[name]._data is small.arg_dict[name]._data
        assert big.grad_dict[name]._data is small.grad_dict[name]._data
    assert big.aux_dict["bn_moving_var"]._data is small.aux_dict["bn_moving_var"]._data
    # the smaller bucket's data is a view of the larger one's buffer
    assert np.shares_memory(small.arg_dict["data"]._data, big.arg_dict["data"]._data)
    assert mod._buckets[3]._updater is mod._buckets[6]._updater
    before = big.arg_dict["cls_weight"].asnumpy().copy()
    mod.backward()
    mod.update()                       # through the small bucket ...
    assert not np.allclose(big.arg_dict["cls_weight"].asnumpy(), before)   # ... seen by all


def test_bucketing_checkpoint_roundtrip(tmp_path):
    mod = mx.mod.BucketingModule(_sym_gen, default_bucket_key=6, logger=_quiet())
    mod.bind([("data", (4, 6, 2))], [("softmax_label", (4,))])
    mod.init_params(mx.init.Uniform(0.5))
    mod.switch_bucket(3, [("data", (4, 3, 2))], [("softmax_label", (4,))])
    prefix = str(tmp_path / "bkt")
    mod.save_checkpoint(prefix, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bkt-0001.params", "bkt-3-symbol.json", "bkt-6-symbol.json", "bkt.buckets"]
    loaded = mx.mod.BucketingModule.load(prefix, 1, sym_gen=_sym_gen, default_bucket_key=6,
                                         logger=_quiet())
    assert sorted(loaded._buckets) == [3, 6]
    loaded.bind([("data", (4, 6, 2))], [("softmax_label", (4,))])
    _assert_params_equal(_numpy_params(loaded), _numpy_params(mod))


# ---------------------------------------------------------------------------- Sequential
def _two_modules(loss_module=None):
    body = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var("data"), name="fc1",
                                                   num_hidden=8), act_type="relu")
    head = mx.sym.FullyConnected(mx.sym.var("data"), name="fc2", num_hidden=4)
    seq = mx.mod.SequentialModule(logger=_quiet())
    seq.add(mx.mod.Module(body, label_names=None, logger=_quiet()))
    if loss_module is None:
        seq.add(mx.mod.Module(mx.sym.SoftmaxOutput(head, name="softmax"), logger=_quiet()),
                take_labels=True, auto_wiring=True)
    else:
        seq.add(mx.mod.Module(head, label_names=None, logger=_quiet()), auto_wiring=True)
        seq.add(loss_module, take_labels=True, auto_wiring=True)
    return seq


def test_sequential_trains_like_one_module():
    x, y = _data()
    single = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y)
    seq = _fit(_two_modules(), x, y)
    _assert_params_equal(_numpy_params(seq), _numpy_params(single))
    assert seq.label_shapes[0].name == "softmax_label"


def _softmax_grad(scores, labels):
    s = scores.asnumpy()
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(p)), labels.asnumpy().astype(int)] -= 1
    return p


def test_python_loss_module_matches_softmax_output():
    x, y = _data()
    single = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y)
    loss = mx.mod.PythonLossModule(grad_func=_softmax_grad, logger=_quiet())
    seq = _fit(_two_modules(loss), x, y, eval_metric=mx.metric.create("mse"))
    _assert_params_equal(_numpy_params(seq), _numpy_params(single), rtol=1e-4, atol=1e-5)
    assert loss.binded is False and loss.output_shapes == [("pyloss_output", (8, 4))]


def test_sequential_duplicate_parameter_names():
    net = mx.sym.FullyConnected(mx.sym.var("data"), name="fc", num_hidden=6)
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(net, label_names=None))
    seq.add(mx.mod.Module(net, label_names=None), auto_wiring=True)
    seq.bind([("data", (2, 6))])
    with pytest.raises(AssertionError, match='Duplicated parameter names: name "fc_weight" in '
                                             "layer 1"):
        seq.init_params()


# ---------------------------------------------------------------------------- fit hooks
def test_fit_hooks_see_batches_epochs_and_validation():
    from symnb.module import base_module

    seen = []

    class View:
        def batch_end(self, param):
            seen.append(("batch", param.epoch, param.nbatch))

        def eval_end(self, param):
            seen.append(("eval", param.epoch, param.eval_metric.get()[0]))

        def epoch_end(self, epoch, symbol, arg, aux):
            seen.append(("epoch", epoch, sorted(arg)[0]))

        def close(self):
            seen.append(("close",))

    def hook(module, train_data, eval_data, begin_epoch, num_epoch):
        seen.append(("start", begin_epoch, num_epoch, eval_data is not None))
        return View()

    base_module.FIT_HOOKS.append(hook)
    try:
        x, y = _data(n=16)
        it = mx.io.NDArrayIter(x, y, batch_size=8)
        mx.mod.Module(_mlp(), logger=_quiet()).fit(it, eval_data=it, num_epoch=2)
    finally:
        base_module.FIT_HOOKS.remove(hook)
    assert seen == [("start", 0, 2, True),
                    ("batch", 0, 0), ("batch", 0, 1), ("epoch", 0, "fc1_bias"),
                    ("eval", 0, "accuracy"),
                    ("batch", 1, 0), ("batch", 1, 1), ("epoch", 1, "fc1_bias"),
                    ("eval", 1, "accuracy"), ("close",)]
