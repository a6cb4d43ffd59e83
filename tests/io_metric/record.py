"""Record mx.io / mx.metric / mx.callback / mx.init facts from a real MXNet 1.9.1.

    /work/main/.bench-mxnet-venv/bin/python tests/io_metric/record.py
    RECORD_ONLY=metrics ... record.py     # rewrite only the files whose name contains it

Writes ``cases/*.json``: every case holds its inputs and what MXNet gave, so the replay
(``test_*.py`` here) needs no MXNet. symnb is never imported here.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile

import numpy as np

try:
    import mxnet as mx
except ImportError:  # pytest's doctest collection imports this file without MXNet
    mx = None

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _files import (  # noqa: E402
    array_cases,
    record_payloads,
    write_csv_files,
    write_mnist_files,
)

CASES = os.path.join(HERE, "cases")


def enc(x):
    if x is None:
        return None
    if isinstance(x, mx.nd.NDArray):
        x = x.asnumpy()
    x = np.asarray(x)
    return {"dtype": str(x.dtype), "shape": list(x.shape), "values": x.ravel().tolist()}


def num(v):
    v = float(v)
    return "nan" if v != v else v


def descs(lst):
    return [repr(d) for d in lst]


def batch_rec(b):
    return {"data": [enc(d) for d in b.data],
            "label": [enc(d) for d in b.label] if b.label is not None else None,
            "pad": b.pad, "index": None if b.index is None else [int(i) for i in b.index],
            "str": str(b)}


def run_epochs(it, epochs, hard=False):
    out = []
    for e in range(epochs):
        batches = []
        try:
            for b in it:
                batches.append(batch_rec(b))
        except mx.base.MXNetError as err:
            batches.append({"error": str(err).split("\n")[-1].replace("MXNetError: ", "")})
            out.append(batches)
            break
        out.append(batches)
        if hard and e == 0:
            it.hard_reset()
        else:
            it.reset()
    return out


# ------------------------------------------------------------------ NDArrayIter
def ndarray_iter_cases():
    cases = []
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.float32)
    for bs in (3, 4, 5, 10, 12, 25):
        for lbh in ("pad", "discard", "roll_over"):
            it = mx.io.NDArrayIter(x, y, batch_size=bs, last_batch_handle=lbh)
            cases.append({"name": "bs%d-%s" % (bs, lbh), "data": enc(x), "label": enc(y),
                          "kwargs": {"batch_size": bs, "last_batch_handle": lbh},
                          "provide_data": descs(it.provide_data),
                          "provide_label": descs(it.provide_label),
                          "epochs": run_epochs(it, 3)})
    it = mx.io.NDArrayIter(x, y, batch_size=4, last_batch_handle="roll_over")
    cases.append({"name": "roll_over-hard_reset", "data": enc(x), "label": enc(y),
                  "kwargs": {"batch_size": 4, "last_batch_handle": "roll_over"}, "hard": True,
                  "provide_data": descs(it.provide_data),
                  "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 3, True)})
    for seed, lbh in ((1, "pad"), (7, "roll_over"), (3, "discard")):
        np.random.seed(seed)
        it = mx.io.NDArrayIter(x, y, batch_size=4, shuffle=True, last_batch_handle=lbh)
        cases.append({"name": "shuffle-%s" % lbh, "seed": seed, "data": enc(x), "label": enc(y),
                      "kwargs": {"batch_size": 4, "shuffle": True, "last_batch_handle": lbh},
                      "provide_data": descs(it.provide_data),
                      "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 3)})
    # no label, int32 NDArray data keeps its dtype; TNC layout batches along axis 1
    xi = np.arange(12, dtype=np.int32).reshape(6, 2)
    it = mx.io.NDArrayIter(mx.nd.array(xi, dtype="int32"), batch_size=4, data_name="x")
    cases.append({"name": "int32-nolabel", "data": enc(xi), "nd_dtype": "int32",
                  "kwargs": {"batch_size": 4, "data_name": "x"},
                  "provide_data": descs(it.provide_data),
                  "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 2)})
    xt = np.arange(60, dtype=np.float32).reshape(2, 10, 3)
    it = mx.io.NDArrayIter(xt, batch_size=4, layout="TNC", last_batch_handle="pad")
    cases.append({"name": "layout-TNC", "data": enc(xt),
                  "kwargs": {"batch_size": 4, "layout": "TNC"},
                  "provide_data": descs(it.provide_data),
                  "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 2)})
    return cases


def multi_input_cases():
    out = {}
    a = np.arange(10, dtype=np.float32).reshape(5, 2)
    b = np.arange(5, dtype=np.float32) * 10
    it = mx.io.NDArrayIter({"zz": a, "aa": b}, {"lab2": b, "lab1": a}, batch_size=2)
    out["dict"] = {"provide_data": descs(it.provide_data),
                   "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 1)}
    it = mx.io.NDArrayIter([a, b], [b], batch_size=2, label_name="lab")
    out["list"] = {"provide_data": descs(it.provide_data),
                   "provide_label": descs(it.provide_label), "epochs": run_epochs(it, 1)}
    out["inputs"] = {"a": enc(a), "b": enc(b)}
    try:
        mx.io.NDArrayIter("not an array")
    except TypeError as e:
        out["type_error"] = str(e)
    try:
        mx.io.NDArrayIter({"d": "x"})
    except TypeError as e:
        out["value_error"] = str(e)
    return out


def wrapper_cases():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.float32)
    it = mx.io.ResizeIter(mx.io.NDArrayIter(x, y, batch_size=3), 5)
    out = {"resize": {"provide_data": descs(it.provide_data), "epochs": run_epochs(it, 2)}}
    it = mx.io.ResizeIter(mx.io.NDArrayIter(x, y, batch_size=3), 2, reset_internal=False)
    out["resize_noreset"] = {"epochs": run_epochs(it, 3)}
    it = mx.io.PrefetchingIter([mx.io.NDArrayIter(x, y, batch_size=4),
                                mx.io.NDArrayIter(x * 2, y * 2, batch_size=4)],
                               rename_data=[{"data": "d1"}, {"data": "d2"}],
                               rename_label=[{"softmax_label": "l1"},
                                             {"softmax_label": "l2"}])
    out["prefetch"] = {"provide_data": descs(it.provide_data),
                       "provide_label": descs(it.provide_label), "batch_size": it.batch_size,
                       "epochs": run_epochs(it, 2)}
    out["inputs"] = {"x": enc(x), "y": enc(y)}
    b = mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))], pad=1)
    out["batch_str"] = str(b)
    out["batch_str_nolabel"] = str(mx.io.DataBatch([mx.nd.ones((2, 3)), mx.nd.ones((2, 1))]))
    out["desc"] = {"repr": repr(mx.io.DataDesc("x", (1, 2), np.int32, "NTC")),
                   "axis": [mx.io.DataDesc.get_batch_axis(v) for v in (None, "NCHW", "TNC",
                                                                       "CHW")],
                   "list": descs(mx.io.DataDesc.get_list([("a", (1,)), ("b", (2, 3))],
                                                         [("a", np.int32),
                                                          ("b", np.float16)])),
                   "list_notype": descs(mx.io.DataDesc.get_list([("a", (1,))], None))}
    return out


# ------------------------------------------------------------------ CSVIter / MNISTIter
def file_iter_cases():
    folder = tempfile.mkdtemp()
    write_csv_files(folder)
    write_mnist_files(folder)
    out = []
    csv = [
        {"data_csv": "d.csv", "data_shape": (3,), "label_csv": "l.csv", "batch_size": 3},
        {"data_csv": "d.csv", "data_shape": (3,), "label_csv": "l.csv", "batch_size": 3,
         "round_batch": False},
        {"data_csv": "d.csv", "data_shape": (3,), "batch_size": 2, "dtype": "int32"},
        {"data_csv": "d.csv", "data_shape": (3,), "batch_size": 4, "dtype": "int64"},
        {"data_csv": "f.csv", "data_shape": (1, 3), "label_csv": "l3.csv",
         "label_shape": (3,), "batch_size": 2},
        {"data_csv": "d.csv", "data_shape": (3,), "batch_size": 7},
        {"data_csv": "dir", "data_shape": (3,), "batch_size": 5},
    ]
    for kw in csv:
        real = dict(kw, data_csv=os.path.join(folder, kw["data_csv"]))
        if "label_csv" in kw:
            real["label_csv"] = os.path.join(folder, kw["label_csv"])
        it = mx.io.CSVIter(**real)
        out.append({"iter": "CSVIter", "kwargs": kw, "provide_data": descs(it.provide_data),
                    "provide_label": descs(it.provide_label), "batch_size": it.batch_size,
                    "epochs": run_epochs(it, 3)})
    mnist = [{"shuffle": False, "batch_size": 8},
             {"shuffle": False, "flat": True, "batch_size": 16},
             {"batch_size": 10}, {"seed": 3, "batch_size": 7},
             {"shuffle": True, "seed": 11, "flat": True, "batch_size": 25},
             {"shuffle": False, "num_parts": 3, "part_index": 1, "batch_size": 4},
             {"num_parts": 4, "part_index": 3, "batch_size": 5}]
    for kw in mnist:
        kw = dict(kw, silent=True)
        it = mx.io.MNISTIter(image=os.path.join(folder, "t-images-idx3-ubyte"),
                             label=os.path.join(folder, "t-labels-idx1-ubyte"), **kw)
        out.append({"iter": "MNISTIter", "kwargs": kw, "provide_data": descs(it.provide_data),
                    "provide_label": descs(it.provide_label), "batch_size": it.batch_size,
                    "epochs": run_epochs(it, 2)})
    errors = {}
    try:
        mx.io.MNISTIter(image=os.path.join(folder, "t-images-idx3-ubyte"),
                        label=os.path.join(folder, "t-labels-idx1-ubyte"), silent=True)
    except StopIteration:
        errors["mnist_default_batch"] = "StopIteration"
    for key, kw in (("no_shape", {"data_csv": "d.csv", "batch_size": 2}),
                    ("no_batch", {"data_csv": "d.csv", "data_shape": (3,)}),
                    ("no_csv", {"data_shape": (3,), "batch_size": 2})):
        try:
            mx.io.CSVIter(**kw)
        except mx.base.MXNetError as e:
            errors[key] = str(e).split("\n")[-1].replace("MXNetError: ", "")
    try:
        mx.io.CSVIter(os.path.join(folder, "d.csv"), data_csv=os.path.join(folder, "d.csv"),
                      data_shape=(3,), batch_size=2)
    except TypeError as e:
        errors["positional"] = str(e)
    return {"cases": out, "errors": errors}


# ------------------------------------------------------------------ metrics
def _nums(value):
    return [num(v) for v in value] if isinstance(value, list) else num(value)


def snap(m, tag):
    name, value = m.get()
    gname, gvalue = m.get_global()
    return {"tag": tag, "get": [name, _nums(value)], "get_global": [gname, _nums(gvalue)],
            "name_value": [[n, num(v)] for n, v in m.get_name_value()],
            "global_name_value": [[n, num(v)] for n, v in m.get_global_name_value()]}


def update(m, batch):
    labels, preds = batch
    m.update([mx.nd.array(v) for v in labels], [mx.nd.array(v) for v in preds])


def metric_cases():
    rng = np.random.RandomState(42)

    def probs(n, k):
        p = rng.rand(n, k).astype(np.float32) + 0.05
        return p / p.sum(axis=1, keepdims=True)

    def batches(kind):
        out = []
        for _ in range(3):
            if kind == "class3":
                out.append(([rng.randint(0, 3, 6).astype(np.float32)], [probs(6, 3)]))
            elif kind == "class5":
                out.append(([rng.randint(0, 5, 8).astype(np.float32)], [probs(8, 5)]))
            elif kind == "binary":
                out.append(([rng.randint(0, 2, 10).astype(np.float32)], [probs(10, 2)]))
            elif kind == "two_outputs":
                out.append(([rng.randint(0, 3, 4).astype(np.float32),
                             rng.randint(0, 3, 4).astype(np.float32)],
                            [probs(4, 3), probs(4, 3)]))
            elif kind == "labels_as_preds":
                out.append(([rng.randint(0, 3, 6).astype(np.float32)],
                            [rng.randint(0, 3, 6).astype(np.float32)]))
            elif kind == "regress":
                out.append(([rng.rand(5).astype(np.float32)], [rng.rand(5, 1).astype(np.float32)]))
            elif kind == "regress2d":
                out.append(([rng.rand(4, 3).astype(np.float32)],
                            [rng.rand(4, 3).astype(np.float32)]))
            elif kind == "loss":
                out.append(([], [rng.rand(4, 2).astype(np.float32)]))
            elif kind == "seq":
                lab = rng.randint(0, 4, 6).astype(np.float32)
                lab[1] = 0
                out.append(([lab], [probs(6, 4)]))
        return out

    specs = [
        ("acc", [], {}, "class3"), ("accuracy", [], {}, "labels_as_preds"),
        ("acc", [], {"axis": 1, "name": "myacc"}, "two_outputs"),
        ("top_k_accuracy", [], {"top_k": 2}, "class5"), ("top_k_acc", [], {"top_k": 3},
                                                         "class3"),
        ("f1", [], {}, "binary"), ("f1", [], {"average": "micro"}, "binary"),
        ("mcc", [], {}, "binary"), ("mcc", [], {"average": "micro"}, "binary"),
        ("perplexity", [None], {}, "class3"), ("perplexity", [0], {}, "seq"),
        ("mae", [], {}, "regress"), ("mse", [], {}, "regress"), ("rmse", [], {}, "regress"),
        ("mae", [], {}, "regress2d"), ("rmse", [], {}, "regress2d"),
        ("ce", [], {}, "class3"), ("crossentropy", [], {"eps": 0.1}, "class5"),
        ("nll_loss", [], {}, "class3"), ("negativeloglikelihood", [], {}, "class5"),
        ("pearsonr", [], {}, "regress2d"), ("pearsonr", [], {"average": "micro"}, "regress2d"),
        ("pcc", [], {}, "class3"), ("pcc", [], {}, "labels_as_preds"),
        ("loss", [], {}, "loss"), ("torch", [], {}, "loss"), ("caffe", [], {}, "loss"),
        (["acc", "ce", "f1"], [], {}, "binary"),
        ("composite", [], {}, "class3"),
    ]
    out = []
    for name, args, kwargs, kind in specs:
        m = mx.metric.create(name, *args, **kwargs)
        if name == "composite":
            m.add("acc")
            m.add(mx.metric.TopKAccuracy(top_k=2))
        data = batches(kind)
        rec = {"metric": name, "args": args, "kwargs": kwargs, "kind": kind,
               "batches": [[[enc(v) for v in labels], [enc(v) for v in preds]]
                           for labels, preds in data]}
        steps = []
        steps.append(snap(m, "fresh"))
        update(m, data[0])
        update(m, data[1])
        steps.append(snap(m, "two"))
        m.reset_local()
        steps.append(snap(m, "reset_local"))
        update(m, data[2])
        steps.append(snap(m, "three"))
        rec["str"] = str(m)
        m.reset()
        steps.append(snap(m, "reset"))
        try:
            rec["config"] = json.loads(json.dumps(m.get_config()))
        except (NotImplementedError, TypeError) as e:
            rec["config"] = "error: %s" % e
        rec["steps"] = steps
        rec["class"] = type(m).__name__
        rec["name"] = m.name
        out.append(rec)

    # update_dict with names, CustomMetric / np, errors
    extra = {}
    m = mx.metric.Accuracy(output_names=["o2"], label_names=["l1"])
    m.update_dict({"l1": mx.nd.array([1, 2]), "l2": mx.nd.array([0, 0])},
                  {"o1": mx.nd.array([[0, 1, 0], [0, 1, 0]]),
                   "o2": mx.nd.array([[0, 1, 0], [0, 0, 1]])})
    extra["update_dict"] = num(m.get()[1])

    def feval(label, pred):
        return float(np.abs(label - pred.argmax(axis=1)).sum()), label.size

    m = mx.metric.CustomMetric(feval)
    m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([[1, 0, 0], [1, 0, 0], [0, 0, 1]])])
    extra["custom"] = [m.name, num(m.get()[1]), num(m.get_global()[1])]
    m = mx.metric.np(lambda label, pred: float((label == pred.argmax(axis=1)).mean()))
    m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
    extra["np_lambda"] = [m.name, num(m.get()[1])]
    m = mx.metric.create(feval, name="fe")
    extra["create_callable"] = [type(m).__name__, m.name]
    try:
        mx.metric.create("acc").update([mx.nd.array([1, 2])], [])
    except ValueError as e:
        extra["shape_error"] = str(e)
    try:
        mx.metric.create("nope")
    except AssertionError as e:
        extra["unknown"] = str(e)
    try:
        mx.metric.PearsonCorrelation().update([mx.nd.ones((3,))], [mx.nd.ones((3, 1))])
    except ValueError as e:
        extra["pearson_shape"] = str(e)
    try:
        mx.metric.F1().update([mx.nd.array([0, 1, 2])], [mx.nd.ones((3, 2))])
    except ValueError as e:
        extra["f1_multiclass"] = str(e)
    extra["get_metric_oob"] = repr(mx.metric.CompositeEvalMetric(["acc"]).get_metric(3))
    extra["str_fresh"] = str(mx.metric.Accuracy())
    extra["config_from_dict"] = mx.metric.create(
        {"metric": "TopKAccuracy", "top_k": 4}).name
    extra["create_json"] = mx.metric.create('["top_k_accuracy", {"top_k": 3}]').name
    return {"metrics": out, "extra": extra}


# ------------------------------------------------------------------ callbacks
class _Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        self.t += 0.25
        return self.t


def callback_cases():
    import mxnet.callback as cbmod
    records = []

    class Grab(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    root = logging.getLogger()
    handler = Grab()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    real_time = cbmod.time.time
    cbmod.time.time = _Clock()
    out = {}
    try:
        for key, kwargs, metric in (("auto", {"frequent": 2}, ["acc", "ce"]),
                                    ("noauto", {"frequent": 3, "auto_reset": False}, "acc"),
                                    ("nometric", {"frequent": 2}, None)):
            records.clear()
            speed = mx.callback.Speedometer(4, **kwargs)
            m = mx.metric.create(metric) if metric is not None else None
            for epoch in range(2):
                for nbatch in range(7):
                    if m is not None:
                        m.update([mx.nd.array([0, 1, 1, 0])],
                                 [mx.nd.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4],
                                               [0.3, 0.7]]) * (nbatch + 1) / 8])
                    speed(mx.model.BatchEndParam(epoch, nbatch, m, None))
            out[key] = list(records)
        records.clear()
        m = mx.metric.create("acc")
        m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
        for nbatch in range(5):
            mx.callback.log_train_metric(2, auto_reset=True)(
                mx.model.BatchEndParam(1, nbatch, m, None))
        out["log_train_metric"] = list(records)
        records.clear()
        bar = mx.callback.ProgressBar(total=7, length=10)
        for nbatch in range(8):
            bar(mx.model.BatchEndParam(0, nbatch, None, None))
        out["progress"] = list(records)
        records.clear()
        m = mx.metric.create(["acc", "mse"])
        m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
        mx.callback.LogValidationMetricsCallback()(mx.model.BatchEndParam(3, 0, m, None))
        out["validation"] = list(records)
    finally:
        cbmod.time.time = real_time
        root.removeHandler(handler)
        root.setLevel(old_level)
    return out


# ------------------------------------------------------------------ initializers, monitor
def _grab_logs():
    records = []

    class Grab(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())
    handler = Grab()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return records, handler


def _err(fn):
    try:
        fn()
    except (ValueError, AssertionError, TypeError) as e:
        return "%s: %s" % (type(e).__name__, e)
    return None


def init_cases():
    D = mx.init.InitDesc
    out = {"dumps": {}, "fills": [], "errors": {}}
    for key, init in (("msraprelu", mx.init.MSRAPrelu()),
                      ("msraprelu2", mx.init.MSRAPrelu("in", 0.5)),
                      ("orthogonal", mx.init.Orthogonal()),
                      ("orthogonal2", mx.init.Orthogonal(2.0, "normal")),
                      ("bilinear", mx.init.Bilinear()), ("lstmbias", mx.init.LSTMBias()),
                      ("lstmbias2", mx.init.LSTMBias(forget_bias=2.5)),
                      ("fused", mx.init.FusedRNN(mx.init.One(), 3, 2, "lstm", True)),
                      ("fused_none", mx.init.FusedRNN(None, 4, 1, "gru")),
                      ("constant_array", mx.init.Constant(np.array([1.0, 2.0]))),
                      ("zero", mx.init.create("zeros")), ("one", mx.init.create("ones"))):
        out["dumps"][key] = init.dumps()

    def fill(name, shape, how, desc_name, attrs=None, value=5.0):
        arr = mx.nd.ones(shape) * value
        if how == "attr":
            mx.init.Zero()(D(desc_name, attrs=attrs), arr)
        elif how == "desc":
            init = attrs
            init(D(desc_name), arr)
        else:
            attrs(desc_name, arr)
        out["fills"].append({"name": name, "shape": list(shape), "how": how,
                             "desc": desc_name, "init": None if how == "legacy" and
                             not isinstance(attrs, mx.init.Initializer) else
                             (attrs if isinstance(attrs, dict) else attrs.dumps()),
                             "value": value, "out": enc(arr)})

    for shape in ((1, 1, 4, 4), (2, 3, 3, 5), (1, 2, 5, 5), (1, 1, 1, 1)):
        fill("bilinear%s" % (shape,), shape, "attr", "up_weight",
             {"__init__": mx.init.Bilinear().dumps()})
    fill("bilinear-desc", (1, 1, 4, 4), "desc", "up_weight", mx.init.Bilinear())
    fill("lstmbias", (12,), "attr", "lstm_i2h_bias", {"__init__": mx.init.LSTMBias().dumps()})
    fill("lstmbias2", (8,), "attr", "x", {"__init__": mx.init.LSTMBias(2.5).dumps()})
    for name in ("upsampling0_weight", "stn_loc_weight", "stn_loc_bias", "fc_bias",
                 "bn_gamma", "bn_beta", "fc_weight", "bn_moving_mean", "bn_moving_var",
                 "bn_moving_inv_var", "x_moving_avg", "q_min", "q_max"):
        shape = (6,) if name == "stn_loc_bias" else (1, 1, 4, 4)
        fill("legacy-" + name, shape, "legacy", name, mx.init.Constant(3.0))
    for name in ("fc_weight", "fc_bias", "bn_gamma", "bn_beta", "q_min", "q_max"):
        fill("desc-" + name, (2, 3), "desc", name, mx.init.Constant(3.0))
    out["errors"]["desc_moving_mean"] = _err(
        lambda: mx.init.Constant(3.0)(D("bn_moving_mean"), mx.nd.ones((2,))))
    # FusedRNN: fill the RNN operator's parameter vector
    for mode, layers, bidir, hidden, num_input in (("lstm", 1, False, 2, 3),
                                                   ("lstm", 2, True, 3, 2),
                                                   ("gru", 2, False, 2, 4),
                                                   ("rnn_tanh", 1, True, 3, 1),
                                                   ("rnn_relu", 3, False, 1, 2)):
        m = {"lstm": 4, "gru": 3}.get(mode, 1)
        b = 2 if bidir else 1
        h = hidden
        total = (num_input + h + 2) * h * m * b + (layers - 1) * m * h * (h + b * h + 2) * b
        for which, init in (("constant", mx.init.Constant(0.5)), ("none", None)):
            arr = mx.nd.ones((total,)) * 9
            fused = mx.init.FusedRNN(init, hidden, layers, mode, bidir, forget_bias=1.5)
            if init is None:
                mx.init.Constant(0.7)(D("rnn_parameters", attrs={"__init__": fused.dumps()}),
                                      arr)
            else:
                # MXNet cannot rebuild a FusedRNN whose init is set from dumps() (its
                # string branch looks the name up in the wrong registry table): call it
                fused._init_weight(D("rnn_parameters", global_init=mx.init.Constant(0.7)), arr)
            out["fills"].append({"name": "fused-%s-%d-%s-%s" % (mode, layers, bidir, which),
                                 "shape": [total], "how": "attr", "desc": "rnn_parameters",
                                 "init": {"__init__": fused.dumps()}, "global": 0.7,
                                 "value": 9.0, "out": enc(arr)})
    # Mixed and Load
    mixed = mx.init.Mixed(["bias$", "gamma", ".*"],
                          [mx.init.Constant(2.0), mx.init.One(), mx.init.Zero()])
    res = {}
    for name in ("fc_bias", "bn_gamma", "fc_weight"):
        arr = mx.nd.ones((2,)) * 7
        mixed(D(name), arr)
        res[name] = arr.asnumpy().tolist()
    out["mixed"] = res
    out["errors"]["mixed_nomatch"] = _err(
        lambda: mx.init.Mixed(["^a"], [mx.init.One()])(D("b_weight"), mx.nd.ones((1,))))
    params = {"arg:fc_weight": mx.nd.array([[1, 2], [3, 4]]), "aux:bn_moving_mean":
              mx.nd.array([5, 6]), "plain": mx.nd.array([7.0])}
    load = mx.init.Load(params, default_init=mx.init.Constant(3.0))
    res = {}
    for name, shape in (("fc_weight", (2, 2)), ("bn_moving_mean", (2,)), ("plain", (1,)),
                        ("other_weight", (3,)), ("other_bias", (3,))):
        arr = mx.nd.ones(shape) * 9
        load(D(name), arr)
        res[name] = arr.asnumpy().tolist()
    out["load"] = res
    out["errors"]["load_shape"] = _err(lambda: load(D("fc_weight"), mx.nd.ones((3,))))
    out["errors"]["load_missing"] = _err(
        lambda: mx.init.Load(params)(D("nope_weight"), mx.nd.ones((1,))))
    records, handler = _grab_logs()
    try:
        init = mx.init.Constant(2.0).set_verbosity(True)
        for name in ("fc_weight", "fc_bias"):
            init(D(name), mx.nd.ones((2, 3)))
        init(D("z", attrs={"__init__": mx.init.LSTMBias().dumps()}), mx.nd.ones((4,)))
        mx.init.Load(params, default_init=mx.init.One(), verbose=True)(D("fc_weight"),
                                                                      mx.nd.ones((2, 2)))
        mx.init.Load(params, default_init=mx.init.One(), verbose=True)(D("q_weight"),
                                                                      mx.nd.ones((2, 2)))
        out["verbose_logs"] = list(records)
    finally:
        logging.getLogger().removeHandler(handler)
    out["eq"] = [mx.init.Uniform(0.1) == mx.init.Uniform(0.1),
                 mx.init.Uniform(0.1) == mx.init.Uniform(0.2),
                 mx.init.Uniform(0.1) == mx.init.Normal(0.1)]
    return out


def monitor_cases():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=3, name="fc")
    net = mx.sym.BatchNorm(mx.sym.relu(fc, name="relu"), name="bn")
    ex = net.simple_bind(mx.cpu(), x=(2, 4))
    rng = np.random.RandomState(3)
    for arr in ex.arg_arrays:
        arr[:] = rng.uniform(-1, 1, arr.shape)
    for arr in ex.aux_arrays:
        arr[:] = rng.uniform(0.5, 1, arr.shape)
    inputs = {n: enc(a) for n, a in zip(net.list_arguments(), ex.arg_arrays)}
    inputs.update({n: enc(a) for n, a in zip(net.list_auxiliary_states(), ex.aux_arrays)})
    out = {"inputs": inputs, "runs": []}
    for kwargs in ({"interval": 1}, {"interval": 2, "pattern": "fc.*|bn_moving.*",
                                     "sort": True},
                   {"interval": 1, "pattern": "relu.*"}):
        mon = mx.mon.Monitor(**kwargs)
        mon.install(ex)
        res = []
        for _ in range(3):
            mon.tic()
            ex.forward(is_train=False)
            res.append(mon.toc())
        out["runs"].append({"kwargs": kwargs, "toc": res})
    mon = mx.mon.Monitor(1, stat_func=lambda a: [a.sum(), a.max()], pattern="fc_output")
    mon.install(ex)
    mon.tic()
    ex.forward(is_train=False)
    out["list_stat"] = mon.toc()
    records, handler = _grab_logs()
    try:
        mon = mx.mon.Monitor(1, pattern="fc.*")
        mon.install(ex)
        mon.tic()
        ex.forward(is_train=False)
        mon.toc_print()
        out["toc_print"] = list(records)
    finally:
        logging.getLogger().removeHandler(handler)
    return out


def nd_array_cases():
    out = {}
    for key, source, kwargs in array_cases():
        try:
            out[key] = {"out": enc(mx.nd.array(source, **kwargs))}
        except Exception as e:  # record whatever MXNet raises
            out[key] = {"error": "%s: %s" % (type(e).__name__, e)}
    return out


def recordio_cases():
    folder = tempfile.mkdtemp()
    rec, idx = os.path.join(folder, "x.rec"), os.path.join(folder, "x.idx")
    writer = mx.recordio.MXIndexedRecordIO(idx, rec, "w")
    for i, payload in enumerate(record_payloads()):
        writer.write_idx(i * 10, payload)
    writer.close()
    with open(rec, "rb") as f:
        rec_hex = f.read().hex()
    with open(idx) as f:
        idx_text = f.read()
    packed = [mx.recordio.pack(mx.recordio.IRHeader(0, 3.5, 7, 9), b"img").hex(),
              mx.recordio.pack(mx.recordio.IRHeader(0, [1, 2.5], 8, 1), b"xy").hex(),
              mx.recordio.pack((5, np.array([4.0]), 1, 2), b"").hex()]
    return {"rec": rec_hex, "idx": idx_text, "packed": packed}


def main():
    os.makedirs(CASES, exist_ok=True)
    written = {
        "ndarray_iter.json": {"cases": ndarray_iter_cases(), "multi": multi_input_cases(),
                              "wrappers": wrapper_cases()},
        "file_iters.json": file_iter_cases(),
        "metrics.json": metric_cases(),
        "callbacks.json": callback_cases(),
        "initializers.json": init_cases(),
        "monitor.json": monitor_cases(),
        "nd_array.json": nd_array_cases(),
        "recordio.json": recordio_cases(),
    }
    extra = os.environ.get("RECORD_ONLY")
    for fname, payload in written.items():
        if extra and extra not in fname:
            continue
        with open(os.path.join(CASES, fname), "w") as f:
            json.dump(payload, f, indent=None, separators=(",", ":"), sort_keys=True)
            f.write("\n")
        print("wrote", fname)


if __name__ == "__main__":
    main()
