"""Whole user workflows on each device: what runs on cpu must run the same on gpu.

The ``ctx`` fixture runs each test on cpu and on gpu (a real CuPy GPU, or the CPU stand-in
of ``tests/_standin`` under ``SYMNB_CUPY_STANDIN=1``, which refuses what CuPy refuses). The
gpu results are compared with a cpu run of the same workflow.
"""
import numpy as np
import pytest

import symnb as mx
from symnb import pictures


def _net():
    data, label = mx.sym.var("data"), mx.sym.var("softmax_label")
    # no bias before BatchNorm: its gradient is exactly 0 there, and Adamax's update 0/0 is
    # NaN (MXNet's too), which the relu after it stops on the CPU (float32 relu maps NaN to 0
    # there, as MXNet's oneDNN kernel does) but not on the GPU
    net = mx.sym.FullyConnected(data, num_hidden=16, no_bias=True, name="fc1")
    net = mx.sym.BatchNorm(net, name="bn")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=3, name="fc2")
    return mx.sym.SoftmaxOutput(net, label, name="softmax")


def _data(n=60):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 5)).astype(np.float32)
    return x, ((x[:, 0] > 0).astype(np.float32) + (x[:, 1] > 0))


def _params():
    rng = np.random.default_rng(1)
    shapes, _, aux = _net().infer_shape(data=(10, 5))
    names = _net().list_arguments()
    args = {n: mx.nd.array(rng.standard_normal(s) * 0.3) for n, s in zip(names, shapes,
                                                                            strict=True)
            if n not in ("data", "softmax_label")}
    auxs = {n: mx.nd.array(np.ones(s) if n.endswith("var") else np.zeros(s))
            for n, s in zip(_net().list_auxiliary_states(), aux, strict=True)}
    return args, auxs


def _fit(ctx, optimizer, params=None):
    x, y = _data()
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    mod = mx.mod.Module(_net(), context=ctx)
    args, auxs = _params()
    mod.fit(it, num_epoch=2, optimizer=optimizer, optimizer_params=params or {},
            arg_params=args, aux_params=auxs, eval_metric="acc")
    return mod, it


def test_executor_forward_backward_and_aux_states_match_cpu(ctx):
    runs = []
    for where in (mx.cpu(), ctx):
        ex = _net().simple_bind(where, data=(10, 5))
        args, auxs = _params()
        for name, value in args.items():
            ex.arg_dict[name][:] = value.asnumpy()
        for name, value in auxs.items():
            ex.aux_dict[name][:] = value.asnumpy()
        ex.arg_dict["data"][:] = _data(10)[0]
        ex.arg_dict["softmax_label"][:] = _data(10)[1]
        ex.forward(is_train=True)
        ex.backward()
        assert ex.outputs[0].context == where
        assert ex.grad_dict["fc1_weight"].context == where
        runs.append({k: v.asnumpy() for k, v in
                     [("out", ex.outputs[0])] + list(ex.grad_dict.items())
                     + list(ex.aux_dict.items()) if v is not None})
    for key, want in runs[0].items():
        np.testing.assert_allclose(runs[1][key], want, rtol=1e-5, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("optimizer,params", [
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-4}),
    ("adam", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("nag", {"learning_rate": 0.05, "momentum": 0.9}),
    ("adagrad", {}), ("adadelta", {}), ("ftrl", {}), ("signum", {}), ("lamb", {}),
    ("adamax", {}), ("nadam", {}), ("ftml", {}), ("dcasgd", {}), ("lars", {}),
])
def test_module_fit_matches_cpu(ctx, optimizer, params):
    trained = []
    for where in (mx.cpu(), ctx):
        mod, it = _fit(where, optimizer, params)
        args, auxs = mod.get_params()
        trained.append({**{k: v.asnumpy() for k, v in args.items()},
                        **{k: v.asnumpy() for k, v in auxs.items()}})
        it.reset()
        prediction = mod.predict(it)
        assert prediction.context == where and prediction.shape == (60, 3)
    for key, want in trained[0].items():
        np.testing.assert_allclose(trained[1][key], want, rtol=2e-4, atol=2e-5, err_msg=key)


def test_checkpoint_round_trip_and_score(ctx, tmp_path):
    mod, it = _fit(ctx, "sgd", {"learning_rate": 0.1})
    prefix = str(tmp_path / "net")
    mod.save_checkpoint(prefix, 2)
    sym, args, auxs = mx.model.load_checkpoint(prefix, 2)
    # Module.get_params copies to the cpu before saving, so the records say cpu(0)
    assert {a.context for a in args.values()} == {mx.cpu(0)}
    again = mx.mod.Module(sym, context=ctx)
    again.bind(it.provide_data, it.provide_label, for_training=False)
    again.set_params(args, auxs)
    assert again.score(it, "acc") == mod.score(it, "acc")


def test_monitor_kvstore_and_nd_on_device(ctx):
    mon = mx.mon.Monitor(1, pattern=".*output")
    x, y = _data()
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    mod = mx.mod.Module(_net(), context=ctx)
    mod.bind(it.provide_data, it.provide_label)
    mod.init_params()
    mod.install_monitor(mon)
    mon.tic()
    mod.forward(next(iter(it)), is_train=True)
    seen = {name for _, name, _ in mon.toc()}
    assert {"fc1_output", "relu1_output", "softmax_output"} <= seen

    kv = mx.kv.create("local")
    kv.init(3, mx.nd.ones((2, 3), ctx=ctx))
    kv.push(3, [mx.nd.ones((2, 3), ctx=ctx) * 2, mx.nd.ones((2, 3), ctx=ctx)])
    out = mx.nd.zeros((2, 3), ctx=ctx)
    kv.pull(3, out=out)
    assert out.context == ctx and out.asnumpy().tolist() == [[3.0] * 3] * 2

    a = mx.nd.array(np.arange(6).reshape(2, 3), ctx=ctx)
    assert (a.as_in_context(mx.cpu()).copyto(ctx) + a).asnumpy().tolist() == \
        [[0, 2, 4], [6, 8, 10]]
    assert mx.nd.dot(a, a.T).asnumpy().tolist() == [[5, 14], [14, 50]]
    assert a[1].asnumpy().tolist() == [3, 4, 5] and a.sum().asscalar() == 15


def test_execution_picture_of_a_device_executor(ctx):
    ex = _net().simple_bind(ctx, data=(4, 5))
    ex.arg_dict["data"][:] = _data(4)[0]
    ex.forward(is_train=True)
    ex.backward()
    svg = pictures.document_svg(pictures.executor_document(ex))
    assert svg.startswith("<svg") and "fc1_weight" in svg and "d(fc1_weight)" in svg
    bundle = pictures.executor_mimebundle(ex)
    assert "image/svg+xml" in bundle and "text/html" in bundle
