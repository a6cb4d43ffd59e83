"""Watching ``Module.fit`` in a notebook: a progress bar per epoch and a metric chart.

``fit`` offers its batches, epochs and validation scores to the hooks in
``symnb.module.base_module.FIT_HOOKS``; this module provides one. It is registered by
``%load_ext symnb`` (automatic: every ``fit`` in the notebook shows its progress) or, without
the extension, for the length of a ``with live_fit():`` block. Plain scripts never import this
module, so their ``fit`` does no extra work.

Both pictures are ordinary display outputs updated in place (``display_id``): a table with one
progress bar per epoch (HTML, with a text form) and a PNG chart of the training and validation
metrics, drawn with matplotlib's Agg canvas (pyplot and the user's figures are never touched).
The last update is what a saved notebook keeps, so both stay readable on GitHub or in nbviewer.

>>> import symnb as mx, numpy as np
>>> shown = []
>>> x = np.array([[0, 1], [1, 0]] * 8, dtype=np.float32)
>>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
...     mx.sym.var('data'), num_hidden=2, name='fc'), name='softmax'))
>>> with live_fit(display=lambda bundle, key: shown.append((key, bundle))):
...     mod.fit(mx.io.NDArrayIter(x, x[:, 0], batch_size=4), num_epoch=2,
...             optimizer_params={'learning_rate': 0.5})
>>> charts = [bundle for key, bundle in shown if key == 'chart']
>>> sorted({key for key, _ in shown}), sorted(charts[-1])
(['chart', 'progress'], ['image/png', 'text/plain'])
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import time

__all__ = ["FitProgress", "live_fit", "enable", "disable", "executor_of"]

# redraw at most this often while an epoch runs (epoch ends always redraw)
_PROGRESS_EVERY_S = 0.25
_CHART_EVERY_S = 2.0
# drawing the chart takes ~0.1-0.3 s: fast epochs redraw it at most this often (the end of
# fit always draws the final state)
_EPOCH_CHART_EVERY_S = 1.0
_COLORS = {"train": "#1f77b4", "validation": "#d62728"}
# inline styles: notebook front ends drop <style> blocks from untrusted outputs
_TD = '<td style="padding:1px 8px;text-align:left">%s</td>'
_TH = '<th style="padding:1px 8px;text-align:left">%s</th>'


def _batches_per_epoch(train_data):
    """An iterator's batch count when it says (NDArrayIter), else None (learnt after one
    epoch)."""
    num_data = getattr(train_data, "num_data", None)
    batch_size = getattr(train_data, "batch_size", None)
    if not isinstance(num_data, int) or not isinstance(batch_size, int) or batch_size <= 0:
        return None
    if getattr(train_data, "last_batch_handle", "pad") == "discard":
        return num_data // batch_size
    return int(math.ceil(num_data / batch_size))


def _global_name_value(eval_metric):
    getter = getattr(eval_metric, "get_global_name_value", eval_metric.get_name_value)
    return [(str(name), float(value)) for name, value in getter()]


def _fmt(value):
    return "%.4f" % value if math.isfinite(value) else str(value)


class _IPythonDisplay:
    """Shows each bundle once with a ``display_id``, then updates it in place."""

    def __init__(self):
        self._handles = {}

    def __call__(self, bundle, key):
        from IPython.display import display
        handle = self._handles.get(key)
        if handle is None:
            self._handles[key] = display(bundle, raw=True, display_id=True)
        else:
            handle.update(bundle, raw=True)


class FitProgress:
    """The live view of one ``fit``: progress bars and the metric chart.

    Normally created by the fit hook (see :func:`enable`, :func:`live_fit`); its methods are
    ``fit``'s callbacks.

    Parameters
    ----------
    begin_epoch, num_epoch : int
        The epochs ``fit`` runs.
    batches_per_epoch : int, optional
        For the bars' length before the first epoch has ended.
    display : callable, optional
        ``display(bundle, key)`` shows or replaces the output ``key`` ('progress' or
        'chart'); default: IPython's display with a ``display_id``.
    chart : bool
        Draw the metric chart (needs matplotlib).
    validation : bool
        Whether ``fit`` scores validation data after each epoch.

    >>> p = FitProgress(0, 2, batches_per_epoch=4, display=lambda b, k: None, chart=False)
    >>> p.progress_text()
    'Epoch 0/2 [--------------------] 0/4'
    """

    def __init__(self, begin_epoch, num_epoch, batches_per_epoch=None, display=None,
                 chart=True, validation=False):
        self.begin_epoch, self.num_epoch = begin_epoch, num_epoch
        # with validation data the chart is redrawn once its scores are in, not before
        self.validation = validation
        self.batches_per_epoch = batches_per_epoch
        self._display = display if display is not None else _IPythonDisplay()
        self._chart = chart
        self.epochs = [self._new_epoch(begin_epoch)]
        # chart data: (x, name, value) for training (running) and validation (epoch end)
        self.train_points, self.val_points = [], []
        self._last_progress = self._last_chart = 0.0
        self._train_metric = None
        self._charted = (0, 0)       # the points the chart on show was drawn from
        self._closed = False

    @staticmethod
    def _new_epoch(epoch):
        return {"epoch": epoch, "nbatch": 0, "start": time.time(), "end": None,
                "samples": 0, "train": [], "validation": []}

    # ------------------------------------------------------------------ fit callbacks
    def batch_end(self, param):
        """After every training batch (a ``BatchEndParam``): redraws the bars (at most every
        0.25 s) and, with ``chart``, the chart (at most every 2 s).

        >>> import symnb as mx
        >>> from symnb.model import BatchEndParam
        >>> acc = mx.metric.Accuracy(); acc.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> shown = []
        >>> p = FitProgress(0, 2, batches_per_epoch=2, display=lambda b, key: shown.append(key),
        ...                 chart=False)
        >>> p.batch_end(BatchEndParam(epoch=0, nbatch=0, eval_metric=acc, locals={}))
        >>> shown, p.progress_text()
        (['progress'], 'Epoch 0/2 [==========----------] 1/2 accuracy=1.0000')
        """
        current = self.epochs[-1]
        self._train_metric = param.eval_metric
        if param.epoch != current["epoch"]:
            current = self._next_epoch(param.epoch)
        current["nbatch"] = param.nbatch + 1
        batch = param.locals.get("data_batch") if isinstance(param.locals, dict) else None
        if batch is not None and getattr(batch, "data", None):
            current["samples"] += int(batch.data[0].shape[0]) - int(batch.pad or 0)
        now = time.time()
        if now - self._last_progress >= _PROGRESS_EVERY_S:
            current["train"] = _global_name_value(param.eval_metric)
            self._add_train_points(current)
            self._show_progress(now)
            if self._chart and now - self._last_chart >= _CHART_EVERY_S:
                self._show_chart(now)

    def epoch_end(self, epoch, symbol=None, arg_params=None, aux_params=None):
        """After every epoch (``fit``'s epoch-end callback), before validation. The first one
        also learns the number of batches per epoch when it was not given.

        >>> import symnb as mx
        >>> from symnb.model import BatchEndParam
        >>> acc = mx.metric.Accuracy(); acc.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> p = FitProgress(0, 2, display=lambda bundle, key: None, chart=False)
        >>> for k in range(2): p.batch_end(BatchEndParam(0, k, acc, {}))
        >>> p.epoch_end(0); p.batches_per_epoch, p.progress_text()
        (2, 'Epoch 0/2 [====================] 2/2 ...s accuracy=1.0000')
        """
        current = self.epochs[-1]
        current["end"] = time.time()
        if self.batches_per_epoch is None:
            self.batches_per_epoch = current["nbatch"]
        if self._train_metric is not None:
            current["train"] = _global_name_value(self._train_metric)
        self._add_train_points(current, at_end=True)
        now = time.time()
        self._show_progress(now)
        if self._chart and not self.validation and now - self._last_chart >= _EPOCH_CHART_EVERY_S:
            self._show_chart(now)

    def eval_end(self, param):
        """After scoring the validation data (``fit``'s eval-end callback).

        >>> import symnb as mx
        >>> from symnb.model import BatchEndParam
        >>> acc = mx.metric.Accuracy(); acc.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> p = FitProgress(0, 2, display=lambda bundle, key: None, chart=False, validation=True)
        >>> p.epoch_end(0); p.eval_end(BatchEndParam(0, 0, acc, None))
        >>> p.val_points, p.progress_text().split()[-1]
        ([(1, 'accuracy', 1.0)], 'val-accuracy=1.0000')
        """
        current = self.epochs[-1]
        current["validation"] = _global_name_value(param.eval_metric)
        x = current["epoch"] + 1
        self.val_points += [(x, name, value) for name, value in current["validation"]]
        now = time.time()
        self._show_progress(now)
        if self._chart and now - self._last_chart >= _EPOCH_CHART_EVERY_S:
            self._show_chart(now)

    def close(self):
        """``fit`` ended (or failed): draw the final state (once: later calls do nothing).

        >>> shown = []
        >>> p = FitProgress(0, 1, display=lambda bundle, key: shown.append(key), chart=False)
        >>> p.close(); p.close(); shown
        ['progress']
        """
        if self._closed:
            return
        self._closed = True
        self._show_progress(time.time())
        if self._chart and self._charted != (len(self.train_points), len(self.val_points)):
            self._show_chart(time.time())

    def _next_epoch(self, epoch):
        self.epochs.append(self._new_epoch(epoch))
        return self.epochs[-1]

    def _add_train_points(self, current, at_end=False):
        total = self.batches_per_epoch or current["nbatch"] or 1
        x = current["epoch"] + (1.0 if at_end else min(current["nbatch"] / total, 1.0))
        self.train_points += [(x, name, value) for name, value in current["train"]]

    # ------------------------------------------------------------------ pictures
    def _rows(self):
        rows = []
        for ep in self.epochs:
            total = self.batches_per_epoch
            done = ep["nbatch"]
            frac = (min(done / total, 1.0) if total else 0.0) if ep["end"] is None else 1.0
            elapsed = (ep["end"] or time.time()) - ep["start"]
            speed = ep["samples"] / elapsed if elapsed > 0 and ep["samples"] else None
            rows.append({"epoch": ep["epoch"], "done": done, "total": total, "frac": frac,
                         "elapsed": elapsed, "speed": speed, "train": ep["train"],
                         "validation": ep["validation"], "finished": ep["end"] is not None})
        return rows

    def progress_text(self):
        """The progress as plain text, one line per epoch.

        >>> import symnb as mx
        >>> from symnb.model import BatchEndParam
        >>> acc = mx.metric.Accuracy(); acc.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> p = FitProgress(0, 2, batches_per_epoch=4, display=lambda b, k: None, chart=False)
        >>> p.batch_end(BatchEndParam(epoch=0, nbatch=2, eval_metric=acc, locals={}))
        >>> p.progress_text()
        'Epoch 0/2 [===============-----] 3/4 accuracy=1.0000'
        """
        lines = []
        for r in self._rows():
            filled = int(round(20 * r["frac"]))
            line = "Epoch %d/%d [%s%s] %d/%s" % (r["epoch"], self.num_epoch, "=" * filled,
                                               "-" * (20 - filled), r["done"],
                                               r["total"] if r["total"] else "?")
            if r["finished"]:
                line += " %.1fs" % r["elapsed"]
            line += "".join(" %s=%s" % (n, _fmt(v)) for n, v in r["train"])
            line += "".join(" val-%s=%s" % (n, _fmt(v)) for n, v in r["validation"])
            lines.append(line)
        return "\n".join(lines)

    def progress_html(self):
        """The progress as an HTML table (every text escaped).

        >>> html = FitProgress(0, 2, display=lambda b, k: None, chart=False).progress_html()
        >>> html.startswith('<table class="symnb-fit"'), html.count('<tr>')   # head, epoch 0
        (True, 2)
        """
        esc = html.escape
        body = []
        for r in self._rows():
            pct = 100.0 * r["frac"]
            bar = ('<div style="width:160px;height:10px;background:#e8e8e8;border-radius:3px">'
                   '<div style="width:%.1f%%;height:10px;background:%s;border-radius:3px">'
                   "</div></div>" % (pct, "#4c9a2a" if r["finished"] else "#1f77b4"))
            count = "%d/%s" % (r["done"], r["total"] if r["total"] else "?")
            speed = "%.0f samples/s" % r["speed"] if r["speed"] else ""
            train = ", ".join("%s=%s" % (esc(n), _fmt(v)) for n, v in r["train"])
            val = ", ".join("%s=%s" % (esc(n), _fmt(v)) for n, v in r["validation"])
            cells = ["%d" % r["epoch"], bar, count, "%.1fs" % r["elapsed"], speed, train, val]
            body.append("<tr>%s</tr>" % "".join(_TD % c for c in cells))
        head = "<tr>%s</tr>" % "".join(
            _TH % h for h in ("epoch", "progress", "batches", "time", "speed", "train",
                              "validation"))
        return ('<table class="symnb-fit" style="font-family:monospace;font-size:12px">'
                "%s%s</table>" % (head, "".join(body)))

    def _show_progress(self, now):
        self._last_progress = now
        self._display({"text/html": self.progress_html(), "text/plain": self.progress_text()},
                      "progress")

    def chart_png(self):
        """The metric chart as PNG bytes: one panel per metric, training and validation.

        >>> FitProgress(0, 1, display=lambda bundle, key: None).chart_png()[1:4]
        b'PNG'
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        names = list(dict.fromkeys([n for _, n, _ in self.train_points + self.val_points]))
        cols = max(1, min(len(names), 3))
        rows = max(1, int(math.ceil(len(names) / cols)))
        fig = Figure(figsize=(3.6 * cols, 2.6 * rows), dpi=90)
        FigureCanvasAgg(fig)
        for i, name in enumerate(names or ["metric"]):
            ax = fig.add_subplot(rows, cols, i + 1)
            for kind, points in (("train", self.train_points),
                                 ("validation", self.val_points)):
                xs = [x for x, n, _ in points if n == name]
                ys = [v for _, n, v in points if n == name]
                if xs:
                    ax.plot(xs, ys, marker="o" if kind == "validation" else None,
                            markersize=4, color=_COLORS[kind], label=kind)
            ax.set_title(name, fontsize=10)
            ax.set_xlabel("epoch", fontsize=9)
            ax.set_xlim(self.begin_epoch, max(self.num_epoch, self.begin_epoch + 1))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
            if i == 0 and (self.train_points or self.val_points):
                ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def chart_text(self):
        """The chart's last values as text.

        >>> import symnb as mx
        >>> from symnb.model import BatchEndParam
        >>> acc = mx.metric.Accuracy(); acc.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> p = FitProgress(0, 2, batches_per_epoch=2, display=lambda b, k: None, chart=False)
        >>> p.chart_text()
        'Training metrics: none yet'
        >>> p.batch_end(BatchEndParam(0, 0, acc, {})); p.chart_text()
        'Training metrics: train accuracy=1.0000 (epoch 0.50)'
        """
        last = {}
        for kind, points in (("train", self.train_points), ("validation", self.val_points)):
            for x, name, value in points:
                last[(kind, name)] = (x, value)
        return "Training metrics: " + ", ".join(
            "%s %s=%s (epoch %.2f)" % (kind, name, _fmt(v), x)
            for (kind, name), (x, v) in last.items()) if last else "Training metrics: none yet"

    def _show_chart(self, now):
        self._last_chart = now
        self._charted = (len(self.train_points), len(self.val_points))
        png = base64.b64encode(self.chart_png()).decode("ascii")
        self._display({"image/png": png, "text/plain": self.chart_text()}, "chart")


# ---------------------------------------------------------------------------- the hook
_STATE = {"auto": False}


def _make_view(module, train_data, eval_data, begin_epoch, num_epoch, display=None,
               chart=True):
    if num_epoch is None or num_epoch <= begin_epoch:
        return None
    return FitProgress(begin_epoch, num_epoch, _batches_per_epoch(train_data), display=display,
                       chart=chart, validation=eval_data is not None)


def _auto_hook(module, train_data, eval_data, begin_epoch, num_epoch):
    if not _STATE["auto"] or not _in_kernel():
        return None
    view = _make_view(module, train_data, eval_data, begin_epoch, num_epoch,
                      chart=_has_matplotlib())
    return None if view is None else _Guarded(view)


def _has_matplotlib():
    import importlib.util
    return importlib.util.find_spec("matplotlib") is not None


class _Guarded:
    """A view whose failures never stop training: the first error is warned about and the
    view goes quiet (an automatic view is a convenience, not part of ``fit``)."""

    def __init__(self, view):
        self.view = view
        self._broken = False

    def __getattr__(self, name):
        method = getattr(self.view, name)

        def call(*args, **kwargs):
            if self._broken:
                return None
            try:
                return method(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 -- any display failure
                import warnings
                self._broken = True
                warnings.warn("symnb: the fit progress view stopped (%s: %s)"
                              % (type(e).__name__, e), RuntimeWarning, stacklevel=2)
                return None
        return call


def _in_kernel():
    """Running in a Jupyter kernel (a frontend can show HTML and images)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def enable():
    """Show progress and metrics for every ``Module.fit`` in this kernel (what
    ``%load_ext symnb`` does).

    >>> from symnb.module.base_module import FIT_HOOKS
    >>> enable(); _auto_hook in FIT_HOOKS
    True
    >>> disable(); _auto_hook in FIT_HOOKS
    False
    """
    from ..module import base_module  # on use: loading the extension stays light
    _STATE["auto"] = True
    if _auto_hook not in base_module.FIT_HOOKS:
        base_module.FIT_HOOKS.append(_auto_hook)


def disable():
    """Stop showing progress for ``fit`` (undoes :func:`enable`).

    >>> from symnb.module.base_module import FIT_HOOKS
    >>> enable(); disable(); _auto_hook in FIT_HOOKS, _STATE['auto']
    (False, False)
    """
    from ..module import base_module
    _STATE["auto"] = False
    if _auto_hook in base_module.FIT_HOOKS:
        base_module.FIT_HOOKS.remove(_auto_hook)


@contextlib.contextmanager
def live_fit(display=None, chart=True):
    """Show progress and metrics for the ``fit`` calls inside the block, with or without
    the extension (``display(bundle, key)`` replaces IPython's display, e.g. in tests).
    Inside the block the automatic view (:func:`enable`) steps aside. The block gets the
    list of views, one per ``fit``.

    >>> import symnb as mx, numpy as np
    >>> mod = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
    ...     mx.sym.var('data'), num_hidden=2, name='fc'), name='softmax'))
    >>> x = np.eye(2, dtype=np.float32)
    >>> with live_fit(display=lambda bundle, key: None, chart=False) as views:
    ...     mod.fit(mx.io.NDArrayIter(x, x[:, 0], batch_size=2), num_epoch=1)
    >>> len(views), views[0].progress_text()
    (1, 'Epoch 0/1 [====================] 1/1 ...s accuracy=...')
    """
    from ..module import base_module
    views = []

    def hook(module, train_data, eval_data, begin_epoch, num_epoch):
        view = _make_view(module, train_data, eval_data, begin_epoch, num_epoch,
                          display=display, chart=chart)
        views.append(view)
        return view

    auto = _STATE["auto"]
    _STATE["auto"] = False
    base_module.FIT_HOOKS.append(hook)
    try:
        yield views
    finally:
        base_module.FIT_HOOKS.remove(hook)
        _STATE["auto"] = auto


def executor_of(module, index=0):
    """The executor a module computes with now (context ``index``), e.g. for
    ``ExecutorWidget(executor_of(mod))``: ``mod._exec_group.execs[index]`` of a Module, of the
    current bucket of a BucketingModule, of the last module of a SequentialModule.
    A forward with another batch shape switches to a reshaped executor: call again then.

    >>> import symnb as mx
    >>> mod = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
    ...                                           name='fc'), label_names=None)
    >>> mod.bind([('data', (1, 3))]); executor_of(mod) is mod._exec_group.execs[0]
    True
    """
    seen = 0
    while not hasattr(module, "_exec_group"):
        if hasattr(module, "_curr_module"):
            module = module._curr_module
        elif hasattr(module, "_modules") and module._modules:
            module = module._modules[-1]
        else:
            raise TypeError("%s has no executors (a Module, BucketingModule or "
                            "SequentialModule of Modules has)" % type(module).__name__)
        seen += 1
        if module is None or seen > 100:
            raise ValueError("the module is not bound: call bind (or fit) first")
    if module._exec_group is None:
        raise ValueError("the module is not bound: call bind (or fit) first")
    return module._exec_group.execs[index]
