"""mx.metric against MXNet 1.9.1's values on recorded predictions (cases/metrics.json)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx

from ._replay import dec, load, num, same_number

REC = load("metrics.json")


def _ids(rec):
    return "%s-%s-%s" % (rec["metric"], rec["kind"], sorted(rec["kwargs"].items()))


def _snap(m, tag):
    name, value = m.get()
    gname, gvalue = m.get_global()
    return {"tag": tag, "get": [name, value], "get_global": [gname, gvalue],
            "name_value": m.get_name_value(), "global_name_value": m.get_global_name_value()}


def _assert_snap(actual, expected, where):
    assert actual["tag"] == expected["tag"]
    for key in ("get", "get_global"):
        assert actual[key][0] == expected[key][0], (where, key)
        same_number(actual[key][1], expected[key][1])
    for key in ("name_value", "global_name_value"):
        assert [n for n, _ in actual[key]] == [n for n, _ in expected[key]], (where, key)
        same_number([v for _, v in actual[key]], [v for _, v in expected[key]])


@pytest.mark.parametrize("rec", REC["metrics"], ids=_ids)
def test_metric_matches_mxnet(rec):
    m = mx.metric.create(rec["metric"], *rec["args"], **rec["kwargs"])
    if rec["metric"] == "composite":
        m.add("acc")
        m.add(mx.metric.TopKAccuracy(top_k=2))
    assert type(m).__name__ == rec["class"]
    assert m.name == rec["name"]
    batches = [([dec(v) for v in labels], [dec(v) for v in preds])
               for labels, preds in rec["batches"]]

    def update(i):
        labels, preds = batches[i]
        m.update([mx.nd.array(v) for v in labels], [mx.nd.array(v) for v in preds])

    steps = [_snap(m, "fresh")]
    update(0)
    update(1)
    steps.append(_snap(m, "two"))
    m.reset_local()
    steps.append(_snap(m, "reset_local"))
    update(2)
    steps.append(_snap(m, "three"))
    text = str(m)
    m.reset()
    steps.append(_snap(m, "reset"))
    for got, want in zip(steps, rec["steps"], strict=True):
        _assert_snap(got, want, "%s %s" % (_ids(rec), want["tag"]))
    # str() prints numpy scalars: compare names and values, not the scalar reprs
    assert text.startswith("EvalMetric: {")
    if isinstance(rec["config"], str):
        with pytest.raises(NotImplementedError):
            m.get_config()
    else:
        assert m.get_config() == rec["config"]


def test_custom_np_and_create_forms():
    extra = REC["extra"]

    def feval(label, pred):
        return float(np.abs(label - pred.argmax(axis=1)).sum()), label.size

    m = mx.metric.CustomMetric(feval)
    m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([[1, 0, 0], [1, 0, 0], [0, 0, 1]])])
    assert [m.name, m.get()[1], m.get_global()[1]] == extra["custom"]
    m = mx.metric.np(lambda label, pred: float((label == pred.argmax(axis=1)).mean()))
    m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [1, 0]])])
    assert [m.name, m.get()[1]] == extra["np_lambda"]
    m = mx.metric.create(feval, name="fe")
    assert [type(m).__name__, m.name] == extra["create_callable"]
    assert mx.metric.create({"metric": "TopKAccuracy", "top_k": 4}).name == \
        extra["config_from_dict"]
    assert mx.metric.create('["top_k_accuracy", {"top_k": 3}]').name == extra["create_json"]
    m = mx.metric.Accuracy(output_names=["o2"], label_names=["l1"])
    m.update_dict({"l1": mx.nd.array([1, 2]), "l2": mx.nd.array([0, 0])},
                  {"o1": mx.nd.array([[0, 1, 0], [0, 1, 0]]),
                   "o2": mx.nd.array([[0, 1, 0], [0, 0, 1]])})
    assert m.get()[1] == num(extra["update_dict"])
    assert str(mx.metric.Accuracy()) == extra["str_fresh"]
    assert repr(mx.metric.CompositeEvalMetric(["acc"]).get_metric(3)) == \
        extra["get_metric_oob"]


def test_metric_errors_are_mxnets():
    extra = REC["extra"]
    with pytest.raises(ValueError) as e:
        mx.metric.create("acc").update([mx.nd.array([1, 2])], [])
    assert str(e.value) == extra["shape_error"]
    with pytest.raises(AssertionError) as e:
        mx.metric.create("nope")
    assert str(e.value) == extra["unknown"]
    with pytest.raises(ValueError) as e:
        mx.metric.PearsonCorrelation().update([mx.nd.ones((3,))], [mx.nd.ones((3, 1))])
    assert str(e.value) == extra["pearson_shape"]
    with pytest.raises(ValueError) as e:
        mx.metric.F1().update([mx.nd.array([0, 1, 2])], [mx.nd.ones((3, 2))])
    assert str(e.value) == extra["f1_multiclass"]
    with pytest.raises(AssertionError, match="Please use Accuracy"):
        mx.metric.TopKAccuracy(top_k=1)


def test_register_warns_on_override():
    @mx.metric.register
    class Thing(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__("thing")

    with pytest.warns(UserWarning, match="overriding existing metric"):
        mx.metric.register(Thing)
    assert isinstance(mx.metric.create("thing"), Thing)
