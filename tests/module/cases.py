"""Deterministic Module training cases, written once against the ``mx`` they are given.

``record.py`` runs them with a real MXNet 1.9.1 and stores what they return as JSON;
``test_recorded.py`` runs the same functions with symnb and compares. Only NumPy besides ``mx``:
the data and the initial parameters come from ``numpy.random.RandomState`` (stable across NumPy
versions), never from either library's random generator.
"""
from __future__ import annotations

import logging

import numpy as np


def _tolist(value):
    return np.asarray(value, dtype=np.float64).tolist()


def _params_dict(mx, params):
    return {name: _tolist(arr.asnumpy()) for name, arr in sorted(params.items())}


class _Records(logging.Handler):
    """Collects the module logger's messages (``Epoch[0] Train-accuracy=...``)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _logger(name):
    log = logging.getLogger("symnb.tests.module." + name)
    log.handlers[:] = []
    log.propagate = False
    log.setLevel(logging.DEBUG)
    handler = _Records()
    log.addHandler(handler)
    return log, handler


def _classes(rng, n, dim, k):
    """Points around ``k`` centres in ``dim`` dimensions: a learnable classification task."""
    centres = rng.uniform(-1, 1, size=(k, dim))
    label = rng.randint(0, k, size=n)
    data = centres[label] + 0.3 * rng.standard_normal((n, dim))
    return data.astype(np.float32), label.astype(np.float32)


def _init_params(rng, shapes, scale=0.3):
    return {name: (scale * rng.uniform(-1, 1, size=shape)).astype(np.float32)
            for name, shape in sorted(shapes.items())}


def _nd(mx, params):
    return {k: mx.nd.array(v) for k, v in params.items()}


def _mlp(mx):
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=16)
    act = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    fc2 = mx.sym.FullyConnected(act, name="fc2", num_hidden=4)
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


MLP_SHAPES = {"fc1_weight": (16, 6), "fc1_bias": (16,), "fc2_weight": (4, 16), "fc2_bias": (4,)}


def _convnet(mx):
    data = mx.sym.Variable("data")
    net = mx.sym.Convolution(data, name="conv", kernel=(3, 3), pad=(1, 1), num_filter=4)
    net = mx.sym.BatchNorm(net, name="bn")
    net = mx.sym.Activation(net, name="relu", act_type="relu")
    net = mx.sym.Pooling(net, name="pool", kernel=(2, 2), stride=(2, 2), pool_type="max")
    net = mx.sym.Flatten(net, name="flat")
    net = mx.sym.FullyConnected(net, name="fc", num_hidden=3)
    return mx.sym.SoftmaxOutput(net, name="softmax")


CONV_SHAPES = {"conv_weight": (4, 1, 3, 3), "conv_bias": (4,), "bn_gamma": (4,),
               "bn_beta": (4,), "fc_weight": (3, 36), "fc_bias": (3,)}


def _fit_record(mx, mod, train, val, log, handler, num_epoch, **fit_kwargs):
    """Fit and collect: parameters after every epoch, the metric after every batch, the
    validation metric after every epoch and the logged lines (timings dropped)."""
    epochs, batches, validation = [], [], []

    def on_epoch(epoch, symbol, arg_params, aux_params):
        epochs.append({"epoch": epoch, "arg": _params_dict(mx, arg_params),
                       "aux": _params_dict(mx, aux_params)})

    def on_batch(param):
        batches.append([param.epoch, param.nbatch,
                        [[n, float(v)] for n, v in param.eval_metric.get_name_value()]])

    def on_eval_end(param):
        validation.append([param.epoch, param.nbatch,
                           [[n, float(v)] for n, v in param.eval_metric.get_name_value()]])

    mod.fit(train, eval_data=val, epoch_end_callback=on_epoch, batch_end_callback=on_batch,
            eval_end_callback=on_eval_end, num_epoch=num_epoch, **fit_kwargs)
    lines = [line for line in handler.lines if "Time cost" not in line]
    return {"epochs": epochs, "batches": batches, "validation": validation, "log": lines}


def _after_fit(mx, mod, val):
    """score / predict / iter_predict / get_params on the trained module."""
    score = mod.score(val, ["acc", "mse"])
    pred = mod.predict(val)
    pred_list = mod.predict(val, merge_batches=False)
    iters = [[int(i), [list(o.shape) for o in outs], int(batch.pad)]
             for outs, i, batch in mod.iter_predict(val)]
    arg, aux = mod.get_params()
    return {"score": [[n, float(v)] for n, v in score],
            "predict": _tolist(pred.asnumpy()),
            "predict_batches": [[list(o.shape) for o in outs] for outs in pred_list],
            "iter_predict": iters,
            "output_shapes": [[n, list(s)] for n, s in mod.output_shapes],
            "data_shapes": [[d.name, list(d.shape)] for d in mod.data_shapes],
            "label_shapes": [[d.name, list(d.shape)] for d in mod.label_shapes],
            "final_arg": _params_dict(mx, arg), "final_aux": _params_dict(mx, aux)}


def case_mlp_sgd_momentum(mx):
    """An MLP, 46 samples in batches of 8 (the last one padded), SGD with momentum and wd,
    accuracy and cross-entropy, 3 epochs, then score / predict."""
    rng = np.random.RandomState(0)
    data, label = _classes(rng, 46, 6, 4)
    vdata, vlabel = _classes(np.random.RandomState(1), 20, 6, 4)
    init = _init_params(rng, MLP_SHAPES)
    train = mx.io.NDArrayIter(data, label, batch_size=8)
    val = mx.io.NDArrayIter(vdata, vlabel, batch_size=8)
    log, handler = _logger("mlp")
    mod = mx.mod.Module(_mlp(mx), logger=log)
    out = _fit_record(mx, mod, train, val, log, handler, 3, eval_metric=["acc", "ce"],
                      optimizer="sgd", arg_params=_nd(mx, init),
                      optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.001})
    out.update(_after_fit(mx, mod, val))
    return out


def case_convnet_batchnorm(mx):
    """Convolution, BatchNorm (aux states), max pooling and a dense layer on 6x6 images,
    batches of 6, SGD with momentum and wd, 2 epochs."""
    rng = np.random.RandomState(2)
    flat, label = _classes(rng, 30, 36, 3)
    data = flat.reshape(30, 1, 6, 6)
    init = _init_params(rng, CONV_SHAPES)
    aux = {"bn_moving_mean": np.zeros(4, np.float32), "bn_moving_var": np.ones(4, np.float32)}
    vflat, vlabel = _classes(np.random.RandomState(3), 12, 36, 3)
    train = mx.io.NDArrayIter(data, label, batch_size=6)
    val = mx.io.NDArrayIter(vflat.reshape(12, 1, 6, 6), vlabel, batch_size=6)
    log, handler = _logger("conv")
    mod = mx.mod.Module(_convnet(mx), logger=log)
    out = _fit_record(mx, mod, train, val, log, handler, 2, eval_metric="acc",
                      arg_params=_nd(mx, init), aux_params=_nd(mx, aux),
                      optimizer_params=(("learning_rate", 0.05), ("momentum", 0.9),
                                        ("wd", 0.0001)))
    out.update(_after_fit(mx, mod, val))
    return out


def case_mlp_two_contexts(mx):
    """The MLP data-parallel on two cpu contexts (kvstore 'local' sums the halves' gradients
    and updates on the store), 2 epochs."""
    rng = np.random.RandomState(0)
    data, label = _classes(rng, 48, 6, 4)
    init = _init_params(rng, MLP_SHAPES)
    train = mx.io.NDArrayIter(data, label, batch_size=8)
    val = mx.io.NDArrayIter(data[:16], label[:16], batch_size=8)
    log, handler = _logger("ctx2")
    mod = mx.mod.Module(_mlp(mx), context=[mx.cpu(0), mx.cpu(1)], logger=log)
    out = _fit_record(mx, mod, train, val, log, handler, 2, arg_params=_nd(mx, init),
                      optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.001})
    out.update(_after_fit(mx, mod, val))
    out["per_device_outputs"] = [[list(o.shape) for o in outs]
                                 for outs in mod.get_outputs(merge_multi_context=False)]
    return out


def case_fixed_params_and_intermediate_api(mx):
    """``fixed_param_names`` and the step-by-step API of the Module tutorial: bind,
    init_params, init_optimizer, forward / update_metric / backward / update per batch."""
    rng = np.random.RandomState(4)
    data, label = _classes(rng, 32, 6, 4)
    init = _init_params(rng, MLP_SHAPES)
    train = mx.io.NDArrayIter(data, label, batch_size=8)
    mod = mx.mod.Module(_mlp(mx), data_names=["data"], label_names=["softmax_label"],
                        fixed_param_names=["fc1_bias"])
    mod.bind(data_shapes=train.provide_data, label_shapes=train.provide_label)
    mod.init_params(arg_params=_nd(mx, init))
    mod.init_optimizer(optimizer="sgd", optimizer_params=(("learning_rate", 0.2),))
    metric = mx.metric.create("acc")
    history = []
    for _epoch in range(2):
        train.reset()
        metric.reset()
        for batch in train:
            mod.forward(batch, is_train=True)
            mod.update_metric(metric, batch.label)
            mod.backward()
            mod.update()
        history.append(list(metric.get()))
    arg, aux = mod.get_params()
    return {"history": [[n, float(v)] for n, v in history], "arg": _params_dict(mx, arg)}


def case_inputs_need_grad(mx):
    """Gradients with respect to the data (``inputs_need_grad``), a forward with a different
    batch size (the module reshapes), and get_outputs after it."""
    rng = np.random.RandomState(5)
    init = _init_params(rng, MLP_SHAPES)
    x = rng.uniform(-1, 1, size=(4, 6)).astype(np.float32)
    y = np.array([0, 1, 2, 3], dtype=np.float32)
    mod = mx.mod.Module(_mlp(mx))
    mod.bind(data_shapes=[("data", (4, 6))], label_shapes=[("softmax_label", (4,))],
             inputs_need_grad=True)
    mod.init_params(arg_params=_nd(mx, init))
    batch = mx.io.DataBatch(data=[mx.nd.array(x)], label=[mx.nd.array(y)])
    mod.forward(batch, is_train=True)
    mod.backward()
    grads = mod.get_input_grads()
    small = mx.io.DataBatch(data=[mx.nd.array(x[:3])], label=[mx.nd.array(y[:3])])
    mod.forward(small, is_train=False)
    return {"input_grad": _tolist(grads[0].asnumpy()),
            "output_3": _tolist(mod.get_outputs()[0].asnumpy()),
            "data_shapes_after": [[d.name, list(d.shape)] for d in mod.data_shapes],
            "output_shapes_after": [[n, list(s)] for n, s in mod.output_shapes]}


def _bucket_sym_gen(mx):
    def sym_gen(seq_len):
        data = mx.sym.Variable("data")
        label = mx.sym.Variable("softmax_label")
        net = mx.sym.FullyConnected(data, name="embed", num_hidden=5, flatten=False)
        net = mx.sym.Activation(net, act_type="tanh")
        net = mx.sym.mean(net, axis=1)
        net = mx.sym.FullyConnected(net, name="cls", num_hidden=3)
        return mx.sym.SoftmaxOutput(net, label, name="softmax"), ("data",), ("softmax_label",)
    return sym_gen


def _bucket_batches(mx):
    rng = np.random.RandomState(6)
    batches = []
    for key in (4, 6, 4, 6, 6):
        label = rng.randint(0, 3, size=5)
        data = 0.3 * rng.standard_normal((5, key, 2)) + label[:, None, None] - 1
        batches.append((key, data.astype(np.float32), label.astype(np.float32)))
    return batches


def _bucket_iter(mx, batches):
    class BucketIter(mx.io.DataIter):
        def __init__(self):
            super().__init__(batch_size=5)
            self.i = 0
            self.default_bucket_key = 6
            self.provide_data = [mx.io.DataDesc("data", (5, 6, 2))]
            self.provide_label = [mx.io.DataDesc("softmax_label", (5,))]

        def reset(self):
            self.i = 0

        def next(self):
            if self.i == len(batches):
                raise StopIteration
            key, data, label = batches[self.i]
            self.i += 1
            return mx.io.DataBatch([mx.nd.array(data)], [mx.nd.array(label)], pad=0,
                                   bucket_key=key,
                                   provide_data=[mx.io.DataDesc("data", data.shape)],
                                   provide_label=[mx.io.DataDesc("softmax_label", label.shape)])
    return BucketIter()


def case_bucketing(mx):
    """BucketingModule over sequence lengths 4 and 6 sharing one set of parameters,
    SGD with momentum, 2 epochs, then score."""
    batches = _bucket_batches(mx)
    rng = np.random.RandomState(7)
    init = _init_params(rng, {"embed_weight": (5, 2), "embed_bias": (5,),
                              "cls_weight": (3, 5), "cls_bias": (3,)})
    log, handler = _logger("bucket")
    mod = mx.mod.BucketingModule(_bucket_sym_gen(mx), default_bucket_key=6, logger=log)
    train = _bucket_iter(mx, batches)
    out = _fit_record(mx, mod, train, _bucket_iter(mx, batches), log, handler, 2,
                      arg_params=_nd(mx, init),
                      optimizer_params={"learning_rate": 0.3, "momentum": 0.5})
    out["buckets"] = sorted(int(k) for k in mod._buckets)
    out["score"] = [[n, float(v)] for n, v in mod.score(_bucket_iter(mx, batches), "acc")]
    return out


def case_checkpoint_resume(mx, tmpdir):
    """save_checkpoint after 2 epochs, Module.load, resume fit for one more epoch
    (``begin_epoch``), as the Module tutorial does; optimizer states are not carried."""
    import os
    rng = np.random.RandomState(8)
    data, label = _classes(rng, 24, 6, 4)
    init = _init_params(rng, MLP_SHAPES)
    train = mx.io.NDArrayIter(data, label, batch_size=8)
    prefix = os.path.join(tmpdir, "mlp")
    mod = mx.mod.Module(_mlp(mx), logger=_logger("ckpt")[0])
    mod.fit(train, num_epoch=2, arg_params=_nd(mx, init),
            optimizer_params={"learning_rate": 0.1, "momentum": 0.9},
            epoch_end_callback=mx.callback.do_checkpoint(prefix))
    mod.save_checkpoint(prefix, 7)
    files = sorted(os.listdir(tmpdir))
    loaded = mx.mod.Module.load(prefix, 2, logger=_logger("ckpt2")[0])
    train.reset()
    loaded.fit(train, num_epoch=3, begin_epoch=2,
               optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
    arg, _ = loaded.get_params()
    sym, args7, _ = mx.model.load_checkpoint(prefix, 7)
    return {"files": files, "resumed": _params_dict(mx, arg),
            "saved_7": _params_dict(mx, args7), "symbol_outputs": sym.list_outputs()}


def case_batchnorm_two_contexts_uneven(mx):
    """Conv + BatchNorm data-parallel on two cpu contexts with work loads 1:2: each context
    normalises its own slice, the moving statistics are averaged by get_params; one fixed
    parameter; 2 epochs."""
    rng = np.random.RandomState(9)
    flat, label = _classes(rng, 24, 36, 3)
    init = _init_params(rng, CONV_SHAPES)
    aux = {"bn_moving_mean": np.zeros(4, np.float32), "bn_moving_var": np.ones(4, np.float32)}
    train = mx.io.NDArrayIter(flat.reshape(24, 1, 6, 6), label, batch_size=6)
    log, handler = _logger("bn2")
    mod = mx.mod.Module(_convnet(mx), context=[mx.cpu(0), mx.cpu(1)], work_load_list=[1, 2],
                        fixed_param_names=["conv_bias"], logger=log)
    out = _fit_record(mx, mod, train, None, log, handler, 2, arg_params=_nd(mx, init),
                      aux_params=_nd(mx, aux), kvstore="device",
                      optimizer_params={"learning_rate": 0.05, "momentum": 0.9})
    out["slices"] = [[s.start, s.stop] for s in mod._exec_group.slices]
    return out


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_")}
