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


@pytest.mark.parametrize("contexts", [[mx.cpu()], [mx.cpu(0), mx.cpu(1)]],
                         ids=["updater", "kvstore"])
def test_optimizer_states_resume_training_exactly(tmp_path, contexts):
    x, y = _data()
    it = mx.io.NDArrayIter(x, y, batch_size=8)
    straight = mx.mod.Module(_mlp(), logger=_quiet(), context=contexts)
    straight.fit(it, num_epoch=4, arg_params=_init(), optimizer_params=OPT)

    prefix = str(tmp_path / "mlp")
    first = mx.mod.Module(_mlp(), logger=_quiet(), context=contexts)
    first.fit(it, num_epoch=2, arg_params=_init(), optimizer_params=OPT,
              epoch_end_callback=mx.callback.module_checkpoint(first, prefix,
                                                               save_optimizer_states=True))
    assert (tmp_path / "mlp-0002.states").exists()
    assert first._update_on_kvstore is (len(contexts) > 1)
    resumed = mx.mod.Module.load(prefix, 2, load_optimizer_states=True, logger=_quiet(),
                                 context=contexts)
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


def test_inference_with_a_namedtuple_batch_as_mxnet_tutorials_do(tmp_path):
    from collections import namedtuple

    Batch = namedtuple("Batch", ["data"])
    x, y = _data()
    trained = _fit(mx.mod.Module(_mlp(), logger=_quiet()), x, y, num_epoch=1)
    prefix = str(tmp_path / "net")
    trained.save_checkpoint(prefix, 1)
    sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, 1)
    mod = mx.mod.Module(symbol=sym, context=mx.cpu(), label_names=None)
    mod.bind(for_training=False, data_shapes=[("data", (1, 6))],
             label_shapes=mod._label_shapes)
    mod.set_params(arg_params, aux_params, allow_missing=True)
    mod.forward(Batch([mx.nd.array(x[:1])]))
    prob = mod.get_outputs()[0].asnumpy()
    np.testing.assert_allclose(prob, trained.predict(x[:8])[:1].asnumpy(), rtol=1e-5)
    assert prob.shape == (1, 4) and abs(prob.sum() - 1) < 1e-5


def test_monitor_reports_every_backward_output_as_mxnet():
    """MXNet's backward nodes report one output per input, requested or not (21 entries
    for this two-layer regression net, as MXNet's own test_monitor counts)."""
    x = mx.sym.var("data")
    for i in range(2):
        x = mx.sym.FullyConnected(x, name="fc_%d" % i, num_hidden=2)
        x = mx.sym.Activation(x, name="act_%d" % i, act_type="sigmoid")
    net = mx.sym.LinearRegressionOutput(data=x, name="softmax", grad_scale=2)
    it = mx.io.NDArrayIter(mx.nd.array([[0.05, 0.10]]), mx.nd.array([[0.01, 0.99]]),
                           batch_size=1)
    mon = mx.mon.Monitor(1, stat_func=lambda a: mx.nd.mean(mx.nd.abs(a)), sort=True)
    mod = mx.mod.Module(net)
    mod.bind(it.provide_data, label_shapes=it.provide_label)
    mod.install_monitor(mon)
    mod.init_params(arg_params={"fc_0_weight": mx.nd.array([[.15, .20], [.25, .30]]),
                                "fc_0_bias": mx.nd.array([.35, .35]),
                                "fc_1_weight": mx.nd.array([[.40, .45], [.50, .55]]),
                                "fc_1_bias": mx.nd.array([.60, .60])})
    mon.tic()
    mod.forward_backward(next(iter(it)))
    names = [name for _, name, _ in mon.toc()]
    assert len(names) == 21
    assert [sum(n.startswith(k) for n in names)
            for k in ("act_0", "act_1", "data", "fc_0", "fc_1", "softmax")] == [2, 2, 1, 6, 6, 4]
    assert "fc_0_backward_output0" in names and "softmax_backward_output1" in names


def test_group2ctxs_place_each_group_on_its_context():
    with mx.AttrScope(ctx_group="dev1"):
        a = mx.sym.var("a") * 2
    with mx.AttrScope(ctx_group="dev2"):
        c = a + mx.sym.var("b")
    mod = mx.mod.Module(c, data_names=["a", "b"], label_names=None,
                        group2ctxs={"dev1": mx.cpu(1), "dev2": mx.cpu(2)})
    mod.bind(data_shapes=[("a", (2, 3)), ("b", (2, 3))], inputs_need_grad=True)
    mod.init_params()
    mod.forward(mx.io.DataBatch([mx.nd.ones((2, 3)), mx.nd.ones((2, 3))]), is_train=True)
    mod.backward([mx.nd.ones((2, 3))])
    grads = mod.get_input_grads()
    assert [g.context for g in grads] == [mx.cpu(1), mx.cpu(2)]
    assert [g.asnumpy().ravel().tolist() for g in grads] == [[2.0] * 6, [1.0] * 6]


def test_executor_groups_share_parameters_and_input_buffers_as_mxnet():
    """What MXNet's test_executor_group checks, on a deeper network sharing a shallower
    one's parameters (recorded from MXNet 1.9.1: the same dict contents and sharing)."""
    from symnb.module.executor_group import DataParallelExecutorGroup

    def net(layers):
        h = mx.sym.Embedding(mx.sym.var("data"), input_dim=100, output_dim=8, name="embed")
        h = mx.sym.Reshape(h, shape=(-1, 8))
        for i in range(layers):
            h = mx.sym.FullyConnected(h, num_hidden=8, name="l%d" % i)
        h = mx.sym.FullyConnected(h, num_hidden=100, name="pred")
        label = mx.sym.Reshape(mx.sym.var("softmax_label"), shape=(-1,))
        return mx.sym.SoftmaxOutput(h, label, name="softmax")

    shapes = dict(contexts=[mx.cpu(0), mx.cpu(1)], workload=[1, 1],
                  data_shapes=[("data", (32, 10))], label_shapes=[("softmax_label", (32, 10))],
                  for_training=True, inputs_need_grad=False)
    shallow = net(3)
    params = [n for n in shallow.list_arguments() if n not in ("data", "softmax_label")]
    g1 = DataParallelExecutorGroup(symbol=shallow, param_names=params, **shapes)
    assert [sorted(d) for d in g1.shared_data_arrays] == [["data", "softmax_label"]] * 2
    g2 = DataParallelExecutorGroup(symbol=net(5), param_names=params, shared_group=g1, **shapes)
    assert g2.shared_data_arrays is g1.shared_data_arrays
    assert [sorted(d) for d in g2.shared_data_arrays] == [
        ["data", "l3_bias", "l3_weight", "l4_bias", "l4_weight", "softmax_label"]] * 2
    same = mx.test_utils.same_array
    for e1, e2 in zip(g1.execs, g2.execs):
        assert all(same(e1.arg_dict[n], e2.arg_dict[n]) for n in params)
        assert all(same(e1.grad_dict[n], e2.grad_dict[n]) for n in params)
        assert same(e1.arg_dict["data"], e2.arg_dict["data"])
        assert e2.grad_dict["l4_weight"] is None and g2.grad_req["l4_weight"] == "null"


def test_batch_end_callbacks_see_fits_locals():
    seen = []
    x, y = _data(n=16)
    mod = mx.mod.Module(_mlp(), logger=_quiet())
    mod.fit(mx.io.NDArrayIter(x, y, batch_size=8), num_epoch=1,
            batch_end_callback=lambda p: seen.append(p.locals))
    assert len(seen) == 2
    assert seen[0]["self"] is mod and seen[0]["num_epoch"] == 1
    assert seen[0]["data_batch"].data[0].shape == (8, 6) and seen[1]["end_of_batch"]


def test_reshaped_executors_are_kept_for_a_few_shapes_only():
    from symnb.module import executor_group

    mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc"),
                        label_names=None)
    mod.bind([("data", (16, 3))], for_training=False)
    mod.init_params(mx.init.One())
    first = mod._exec_group.execs[0]
    for n in range(1, 13):
        mod.forward(mx.io.DataBatch([mx.nd.ones((n, 3))]))
        assert mod.get_outputs()[0].asnumpy().tolist() == [[3.0, 3.0]] * n
    kept = mod._exec_group._reshaped
    assert len(kept) == executor_group._MAX_RESHAPED
    assert any(v[0] is first for v in kept.values())
    mod.forward(mx.io.DataBatch([mx.nd.ones((16, 3))]))
    assert mod._exec_group.execs[0] is first
