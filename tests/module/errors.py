"""Misuses of the Module API and what MXNet raises or warns for each (type and text).

``collect(mx)`` runs every case against the ``mx`` it is given; record.py stores MXNet's
answers, test_errors.py compares symnb's.
"""
from __future__ import annotations

import logging
import warnings

import numpy as np


def _net(mx):
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, name="fc", num_hidden=3)
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def _bound(mx, **kwargs):
    mod = mx.mod.Module(_net(mx), **kwargs)
    mod.bind(data_shapes=[("data", (2, 4))], label_shapes=[("softmax_label", (2,))])
    return mod


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append("%s:%s" % (record.levelname, record.getMessage()))


def _run(fn):
    """``[exception type, message]`` or ``["ok", None]``, with warnings and log lines."""
    log = logging.getLogger("symnb.tests.module.errors")
    log.handlers[:] = []
    log.propagate = False
    log.setLevel(logging.DEBUG)
    handler = _Lines()
    log.addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn(log)
            result = ["ok", None]
        except Exception as e:  # noqa: BLE001 -- recording whatever MXNet raises
            result = [type(e).__name__, str(e)]
    result.append([str(w.message) for w in caught])
    result.append(handler.lines)
    return result


def collect(mx):
    """Every case's ``[type, message, warnings, log lines]``.

    >>> callable(collect)
    True
    """
    net = _net(mx)

    def fit_without_epochs(log):
        it = mx.io.NDArrayIter(np.zeros((4, 4), np.float32), np.zeros(4, np.float32), 2)
        mx.mod.Module(net, logger=log).fit(it)

    def init_before_bind(log):
        mx.mod.Module(net, logger=log).init_params()

    def bind_twice(log):
        mod = mx.mod.Module(net, logger=log)
        mod.bind(data_shapes=[("data", (2, 4))])
        mod.bind(data_shapes=[("data", (2, 4))])

    def init_twice(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.init_params()

    def optimizer_twice(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.init_optimizer()
        mod.init_optimizer()

    def optimizer_object_rescale(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.init_optimizer(optimizer=mx.optimizer.SGD(learning_rate=0.1))

    def missing_param(log):
        mod = _bound(mx, logger=log)
        mod.init_params(arg_params={"fc_weight": mx.nd.zeros((3, 4))})

    def extra_param(log):
        mod = _bound(mx, logger=log)
        mod.init_params(arg_params={"fc_weight": mx.nd.zeros((3, 4)),
                                    "fc_bias": mx.nd.zeros((3,)),
                                    "other": mx.nd.zeros((1,))})

    def predict_list(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.predict([1, 2])

    def get_input_grads_without_flag(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.get_input_grads()

    def update_without_optimizer(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.update()

    def backward_inference_bound(log):
        mod = mx.mod.Module(net, logger=log)
        mod.bind(data_shapes=[("data", (2, 4))], for_training=False)
        mod.init_params()
        mod.forward(mx.io.DataBatch([mx.nd.ones((2, 4))], []))
        mod.backward()

    def shapes_before_bind(log):
        return mx.mod.Module(net, logger=log).data_shapes

    def sequential_unknown_meta(log):
        mx.mod.SequentialModule(logger=log).add(mx.mod.Module(net), take_label=True)

    def sequential_empty_bind(log):
        mx.mod.SequentialModule(logger=log).bind(data_shapes=[("data", (2, 4))])

    def bucketing_without_key(log):
        mx.mod.BucketingModule(lambda key: (net, ("data",), ("softmax_label",)), logger=log)

    def bucketing_shared_module(log):
        mod = mx.mod.BucketingModule(lambda key: (net, ("data",), ("softmax_label",)),
                                     default_bucket_key=1, logger=log)
        mod.bind(data_shapes=[("data", (2, 4))], shared_module=_bound(mx))

    def python_loss_out_grads(log):
        loss = mx.mod.PythonLossModule(grad_func=lambda s, l: s, logger=log)
        loss.bind(data_shapes=[("data", (2, 3))], label_shapes=[("softmax_label", (2,))])
        loss.forward(mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))]))
        loss.backward(out_grads=[mx.nd.ones((2, 3))])

    def python_module_grad_req(log):
        loss = mx.mod.PythonLossModule(logger=log)
        loss.bind(data_shapes=[("data", (2, 3))], grad_req="add")

    def load_params_bad_key(log):
        import os
        import tempfile
        fname = os.path.join(tempfile.mkdtemp(), "bad.params")
        mx.nd.save(fname, {"weird:fc_weight": mx.nd.zeros((3, 4))})
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.load_params(fname)

    def reshape_bigger_batch(log):
        mod = _bound(mx, logger=log)
        mod.init_params()
        mod.forward(mx.io.DataBatch([mx.nd.ones((5, 4))], [mx.nd.ones((5,))]))
        return [list(mod.get_outputs()[0].shape), [list(d.shape) for d in mod.data_shapes],
                [list(d.shape) for d in mod.label_shapes]]

    def score_unbound(log):
        it = mx.io.NDArrayIter(np.zeros((4, 4), np.float32), np.zeros(4, np.float32), 2)
        mx.mod.Module(net, logger=log).score(it, "acc")

    cases = {
        "bad_data_name": lambda log: mx.mod.Module(net, data_names=["dat"], logger=log),
        "bad_label_name": lambda log: mx.mod.Module(net, label_names=["lbl"], logger=log),
        "bad_fixed_param": lambda log: mx.mod.Module(net, fixed_param_names=["nope"],
                                                     logger=log),
        "bind_name_mismatch": lambda log: mx.mod.Module(net, logger=log).bind(
            data_shapes=[("x", (2, 4))]),
        "bind_label_mismatch": lambda log: mx.mod.Module(net, logger=log).bind(
            data_shapes=[("data", (2, 4))], label_shapes=[("y", (2,))]),
        "fit_without_epochs": fit_without_epochs,
        "init_before_bind": init_before_bind,
        "bind_twice": bind_twice,
        "init_twice": init_twice,
        "optimizer_twice": optimizer_twice,
        "optimizer_object_rescale": optimizer_object_rescale,
        "missing_param": missing_param,
        "extra_param": extra_param,
        "predict_list": predict_list,
        "get_input_grads_without_flag": get_input_grads_without_flag,
        "update_without_optimizer": update_without_optimizer,
        "backward_inference_bound": backward_inference_bound,
        "shapes_before_bind": shapes_before_bind,
        "sequential_unknown_meta": sequential_unknown_meta,
        "sequential_empty_bind": sequential_empty_bind,
        "bucketing_without_key": bucketing_without_key,
        "bucketing_shared_module": bucketing_shared_module,
        "python_loss_out_grads": python_loss_out_grads,
        "python_module_grad_req": python_module_grad_req,
        "load_params_bad_key": load_params_bad_key,
        "reshape_bigger_batch": reshape_bigger_batch,
        "score_unbound": score_unbound,
    }
    out = {}
    for name, fn in cases.items():
        holder = {}

        def call(log, fn=fn, holder=holder):
            holder["value"] = fn(log)
        out[name] = _run(call)
        value = holder.get("value")
        if isinstance(value, list):
            out[name].append(value)
    return out
