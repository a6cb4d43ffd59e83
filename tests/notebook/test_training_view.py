"""Module.fit's notebook view: a progress bar per epoch and a metric chart, updated in place,
readable after saving; plain scripts are untouched; the executor view can follow a module."""
from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys

import numpy as np
import pytest

import symnb as mx
from symnb.notebook import training


def _module(ctx=None):
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    log = logging.getLogger("symnb.tests.notebook.fit")
    log.setLevel(logging.ERROR)
    return mx.mod.Module(mx.sym.SoftmaxOutput(net, name="softmax"), logger=log,
                         context=ctx or mx.cpu())


def _iters():
    x = np.array([[0, 1], [1, 0]] * 10, dtype=np.float32)
    return (mx.io.NDArrayIter(x, x[:, 0], batch_size=4),      # 5 batches
            mx.io.NDArrayIter(x[:8], x[:8, 0], batch_size=4))


def _fit_shown(ctx=None, **fit_kwargs):
    shown = []
    train, val = _iters()
    with training.live_fit(display=lambda bundle, key: shown.append((key, bundle))) as views:
        _module(ctx).fit(train, eval_data=val, num_epoch=3,
                      optimizer_params={"learning_rate": 0.5}, **fit_kwargs)
    last = {}
    for key, bundle in shown:
        last[key] = bundle
    return shown, last, views


def test_progress_has_a_finished_bar_per_epoch_with_metrics(ctx):
    shown, last, views = _fit_shown(ctx)
    text = last["progress"]["text/plain"].splitlines()
    assert len(text) == 3
    for epoch, line in enumerate(text):
        assert line.startswith("Epoch %d/3 [====================] 5/5 " % epoch), line
        assert " accuracy=" in line and " val-accuracy=" in line
    html = last["progress"]["text/html"]
    assert html.count("<tr>") == 4 and "width:100.0%" in html
    assert len(views) == 1 and views[0].batches_per_epoch == 5
    # the same two outputs are updated in place, never new ones per batch
    assert {key for key, _ in shown} == {"progress", "chart"}


def test_chart_is_a_png_with_training_and_validation_points():
    _, last, views = _fit_shown()
    png = base64.b64decode(last["chart"]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    view = views[0]
    assert [x for x, name, _ in view.val_points] == [1, 2, 3]
    assert {name for _, name, _ in view.train_points} == {"accuracy"}
    assert max(x for x, _, _ in view.train_points) == 3
    assert "validation accuracy=" in last["chart"]["text/plain"]


def test_metric_names_are_escaped_in_html():
    metric = mx.metric.CustomMetric(lambda label, pred: 0.5, name="<b>x</b>")
    _, last, _ = _fit_shown(eval_metric=metric)
    html = last["progress"]["text/html"]
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_progress_without_a_known_length_learns_it_after_one_epoch():
    view = training.FitProgress(0, 2, display=lambda b, k: None, chart=False)
    assert view.progress_text() == "Epoch 0/2 [--------------------] 0/?"
    metric = mx.metric.create("acc")
    for n in range(3):
        view._last_progress = 0.0
        view.batch_end(mx.model.BatchEndParam(0, n, metric, {}))
    view.epoch_end(0)
    view.batch_end(mx.model.BatchEndParam(1, 0, metric, {}))
    assert view.progress_text().splitlines()[1].startswith(
        "Epoch 1/2 [=======-------------] 1/3")


def test_the_extension_shows_progress_only_in_a_kernel(shell):
    from symnb.module.base_module import FIT_HOOKS
    assert training._auto_hook in FIT_HOOKS          # %load_ext symnb registered it
    train, _ = _iters()
    assert training._auto_hook(None, train, None, 0, 2) is None   # a test shell: no kernel
    shell.kernel = object()
    try:
        guarded = training._auto_hook(None, train, None, 0, 2)
        view = guarded.view
        assert isinstance(view, training.FitProgress) and view.batches_per_epoch == 5
    finally:
        del shell.kernel


def test_a_failing_view_never_stops_training():
    class Broken:
        def batch_end(self, param):
            raise OSError("display gone")

        def close(self):
            raise AssertionError("not reached: the view went quiet")

    view = training._Guarded(Broken())
    with pytest.warns(RuntimeWarning, match="progress view stopped .OSError: display gone"):
        view.batch_end(None)
    assert view.batch_end(None) is None and view.close() is None


def test_plain_scripts_load_no_display_machinery():
    code = ("import symnb as mx, numpy as np, json, sys\n"
            "x = np.ones((4, 2), np.float32)\n"
            "mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(\n"
            "    mx.sym.var('data'), num_hidden=2), name='softmax'))\n"
            "mod.fit(mx.io.NDArrayIter(x, x[:, 0], batch_size=2), num_epoch=1)\n"
            "from symnb.module.base_module import FIT_HOOKS\n"
            "print(json.dumps([len(FIT_HOOKS), sorted({m.split('.')[0] for m in sys.modules})]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    hooks, modules = json.loads(out.strip().splitlines()[-1])
    assert hooks == 0
    assert not {"IPython", "matplotlib", "ipywidgets", "anywidget"} & set(modules)


def test_executor_of_modules_and_the_live_widget_follows_fit(ctx):
    pytest.importorskip("anywidget")
    from symnb.notebook.widget import ExecutorWidget

    mod = _module(ctx)
    with pytest.raises(ValueError, match="not bound"):
        training.executor_of(mod)
    train, _ = _iters()
    mod.bind(train.provide_data, train.provide_label)
    mod.init_params()
    widget = ExecutorWidget(training.executor_of(mod))
    mod.fit(train, num_epoch=1)
    widget.flush()                 # the view sends at most `rate` times a second
    assert widget.event == "backward" and widget.steps == 10   # 5 forwards, 5 backwards
    widget.close()

    def sym_gen(key):
        return (mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc"),
                ("data",), None)
    bucketing = mx.mod.BucketingModule(sym_gen, default_bucket_key=3)
    bucketing.bind([("data", (3, 2))], for_training=False)
    assert training.executor_of(bucketing) is bucketing._buckets[3]._exec_group.execs[0]
    seq = mx.mod.SequentialModule().add(_module())
    seq.bind(train.provide_data, train.provide_label)
    assert training.executor_of(seq) is seq._modules[0]._exec_group.execs[0]
    with pytest.raises(TypeError, match="has no executors"):
        training.executor_of(mx.mod.PythonLossModule())
