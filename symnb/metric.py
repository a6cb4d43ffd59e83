"""``mx.metric``: evaluation metrics with MXNet 1.9.1's names, arithmetic and global/local split.

Every metric keeps two running sums: the *local* ones (``sum_metric``/``num_inst``, read by
``get`` and cleared by ``reset_local``, as Speedometer does every few batches) and the
*global* ones (``global_sum_metric``/``global_num_inst``, read by ``get_global`` and cleared
only by ``reset``). ``create`` accepts a registered name or alias (``'acc'``, ``'ce'``, ...),
a metric, a callable (wrapped in :class:`CustomMetric`) or a list (a composite).

>>> import symnb as mx
>>> acc = mx.metric.create('acc')
>>> acc.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.7, 0.3], [0.2, 0.8], [0.9, 0.1]])])
>>> print(*acc.get())
accuracy 0.6666666666666666
"""
from __future__ import annotations

import json
import math
import warnings
from collections import OrderedDict

import numpy

from . import ndarray
from .ndarray import NDArray

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC",
           "Perplexity", "MAE", "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood",
           "PearsonCorrelation", "PCC", "Loss", "Torch", "Caffe", "CustomMetric", "np",
           "create", "register", "alias", "check_label_shapes"]

_NUMERIC = (float, int, numpy.generic)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Check that labels and predictions agree in length (or in shape, with ``shape=True``).

    With ``wrap=True`` a single NDArray is wrapped into a list.

    >>> import symnb as mx
    >>> check_label_shapes([1, 2], [1])
    Traceback (most recent call last):
    ...
    ValueError: Shape of labels 2 does not match shape of predictions 1
    """
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError("Shape of labels {} does not match shape of "
                         "predictions {}".format(label_shape, pred_shape))
    if wrap:
        if isinstance(labels, NDArray):
            labels = [labels]
        if isinstance(preds, NDArray):
            preds = [preds]
    return labels, preds


class EvalMetric:
    """Base class of metrics: ``update`` accumulates, ``get`` reads ``(name, value)``.

    Parameters
    ----------
    name : str
        Name of the metric.
    output_names, label_names : list of str, optional
        Which predictions/labels ``update_dict`` passes (default: all, in order).
    **kwargs
        Extra configuration kept for ``get_config``.

    >>> import symnb as mx
    >>> m = mx.metric.CustomMetric(lambda label, pred: 0.25, name='quarter')
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1.5, 2])])
    >>> print(m)
    EvalMetric: {'quarter': 0.25}
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return "EvalMetric: {}".format(dict(self.get_name_value()))

    def get_config(self):
        """The metric's configuration: a dict that ``create`` turns back into the metric.

        >>> import symnb as mx
        >>> sorted(mx.metric.Accuracy(axis=0).get_config().items())
        [('axis', 0), ('label_names', None), ('metric', 'Accuracy'), ('name', 'accuracy'), \
('output_names', None)]
        """
        config = self._kwargs.copy()
        config.update({"metric": self.__class__.__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update from dicts of name -> NDArray, selected by ``label_names``/``output_names``.

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy(output_names=['out'])
        >>> m.update_dict({'y': mx.nd.array([1])}, {'out': mx.nd.array([[0, 1]]), 'x': None})
        >>> print(*m.get())
        accuracy 1.0
        """
        if self.output_names is not None:
            pred = [pred[name] for name in self.output_names]
        else:
            pred = list(pred.values())
        if self.label_names is not None:
            label = [label[name] for name in self.label_names]
        else:
            label = list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        """Accumulate a batch: lists of label and prediction NDArrays."""
        raise NotImplementedError()

    def reset(self):
        """Clear the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clear the local statistics only (``get_global`` keeps counting)."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """``(name, value)`` of the local statistics (NaN before any update)."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        """``(name, value)`` since the last ``reset`` (``get()`` without global statistics)."""
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float("nan"))
            return (self.name, self.global_sum_metric / self.global_num_inst)
        return self.get()

    def get_name_value(self):
        """``get()`` as a list of ``(name, value)`` pairs."""
        return _pairs(*self.get())

    def get_global_name_value(self):
        """``get_global()`` as a list of ``(name, value)`` pairs."""
        if self._has_global_stats:
            return _pairs(*self.get_global())
        return self.get_name_value()


def _pairs(name, value):
    if not isinstance(name, list):
        name = [name]
    if not isinstance(value, list):
        value = [value]
    return list(zip(name, value))


# ----------------------------------------------------------------------------- registry
_REGISTRY: dict[str, type] = {}


def register(klass, name=None):
    """Register a metric class for :func:`create` under ``name`` (default: its class name).

    >>> import symnb as mx
    >>> @mx.metric.register
    ... class Zero(mx.metric.EvalMetric):
    ...     def __init__(self):
    ...         super().__init__('zero')
    >>> mx.metric.create('zero').name
    'zero'
    """
    assert issubclass(klass, EvalMetric), \
        "Can only register subclass of %s" % EvalMetric.__name__
    name = (klass.__name__ if name is None else name).lower()
    if name in _REGISTRY:
        old = _REGISTRY[name]
        warnings.warn("\033[91mNew metric %s.%s registered with name %s is"
                      "overriding existing metric %s.%s\033[0m" % (
                          klass.__module__, klass.__name__, name, old.__module__,
                          old.__name__), UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """A class decorator registering a metric under extra names.

    >>> import symnb as mx
    >>> mx.metric.create('top_k_acc', top_k=3).name
    'top_k_accuracy_3'
    """
    def reg(klass):
        for name in aliases:
            register(klass, name)
        return klass
    return reg


def _create(*args, **kwargs):
    if args:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("metric")
    if isinstance(name, EvalMetric):
        assert not args and not kwargs, \
            "metric is already an instance. Additional arguments are invalid"
        return name
    if isinstance(name, dict):
        return _create(**name)
    assert isinstance(name, str), "metric must be of string type"
    if name.startswith("["):
        assert not args and not kwargs
        name, kwargs = json.loads(name)
        return _create(name, **kwargs)
    if name.startswith("{"):
        assert not args and not kwargs
        return _create(**json.loads(name))
    name = name.lower()
    assert name in _REGISTRY, \
        "%s is not registered. Please register with metric.register first" % name
    return _REGISTRY[name](*args, **kwargs)


def create(metric, *args, **kwargs):
    """A metric from a name, an alias, an instance, a callable, a config dict or a list.

    Parameters
    ----------
    metric : str, EvalMetric, callable, dict or list
        A registered name (``'acc'``, ``'ce'``, ``'f1'``, ...), a metric (returned as is),
        ``feval(label, pred)`` (a :class:`CustomMetric`), a ``get_config()`` dict, or a list
        of any of these (a :class:`CompositeEvalMetric`).
    *args, **kwargs
        Passed to the metric's constructor.

    >>> import symnb as mx
    >>> m = mx.metric.create(['acc', 'ce'])
    >>> type(m).__name__, [c.name for c in m.metrics]
    ('CompositeEvalMetric', ['accuracy', 'cross-entropy'])
    """
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create(metric, *args, **kwargs)


def _collect(metrics, method):
    names, values = [], []
    for metric in metrics:
        name, value = getattr(metric, method)()
        if isinstance(name, str):
            name = [name]
        if isinstance(value, _NUMERIC):
            value = [value]
        names.extend(name)
        values.extend(value)
    return (names, values)


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get`` gives lists of names and values.

    Parameters
    ----------
    metrics : list of EvalMetric or names, optional
        The child metrics.
    name : str
        Name (``'composite'``).
    output_names, label_names : list of str, optional
        Filter the dicts that ``update_dict`` passes on.

    >>> import symnb as mx
    >>> m = mx.metric.CompositeEvalMetric(['acc', 'mse'])
    >>> m.update([mx.nd.array([1, 0])], [mx.nd.array([[0.1, 0.9], [0.4, 0.6]])])
    >>> names, values = m.get()
    >>> names, [round(float(v), 6) for v in values]
    (['accuracy', 'mse'], [0.5, 0.335])
    """

    def __init__(self, metrics=None, name="composite", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if metrics is None:
            metrics = []
        self.metrics = [create(i) for i in metrics]

    def add(self, metric):
        """Add a child metric (anything :func:`create` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at ``index``.

        Like MXNet, an index out of range *returns* (does not raise) a ValueError.
        """
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError("Metric index {} is out of range 0 and {}".format(
                index, len(self.metrics)))

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        # EvalMetric.__init__ calls reset() before self.metrics exists
        for metric in getattr(self, "metrics", ()):
            metric.reset()

    def reset_local(self):
        for metric in getattr(self, "metrics", ()):
            metric.reset_local()

    def get(self):
        return _collect(self.metrics, "get")

    def get_global(self):
        return _collect(self.metrics, "get_global")

    def get_config(self):
        config = super().get_config()
        config.update({"metrics": [i.get_config() for i in self.metrics]})
        return config


class _Counted(EvalMetric):
    """A metric whose update adds ``(sum, count)`` to the local and global totals alike."""

    def _add(self, value, count):
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count


@register
@alias("acc")
class Accuracy(_Counted):
    """Fraction of predictions equal to the label; class scores are argmax'ed along ``axis``.

    Parameters
    ----------
    axis : int
        Class axis of the predictions (1).
    name : str
        Name (``'accuracy'``).

    >>> import symnb as mx
    >>> m = mx.metric.Accuracy()
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1]])])
    >>> print(*m.get())
    accuracy 0.5
    """

    def __init__(self, axis=1, name="accuracy", output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred_label in zip(labels, preds):
            if pred_label.shape != label.shape:
                pred_label = ndarray.argmax(pred_label, axis=self.axis)
            pred_flat = pred_label.asnumpy().astype("int32").flat
            label_flat = label.asnumpy().astype("int32").flat
            check_label_shapes(label_flat, pred_flat)
            self._add((pred_flat == label_flat).sum(), len(pred_flat))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(_Counted):
    """Fraction of labels among the ``top_k`` highest scores.

    Parameters
    ----------
    top_k : int
        How many top scores count (must be above 1).
    name : str
        Name (``'top_k_accuracy'``; ``_<top_k>`` is appended).

    >>> import symnb as mx
    >>> m = mx.metric.TopKAccuracy(top_k=2)
    >>> m.update([mx.nd.array([2, 0])], [mx.nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
    >>> print(*m.get())
    top_k_accuracy_2 0.5
    """

    def __init__(self, top_k=1, name="top_k_accuracy", output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        assert self.top_k > 1, "Please use Accuracy if top_k is no more than 1"
        self.name += "_%d" % self.top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred_label in zip(labels, preds):
            assert len(pred_label.shape) <= 2, "Predictions should be no more than 2 dims"
            pred_label = numpy.argpartition(pred_label.asnumpy().astype("float32"), -self.top_k)
            label = label.asnumpy().astype("int32")
            check_label_shapes(label, pred_label)
            num_samples = pred_label.shape[0]
            if pred_label.ndim == 1:
                # MXNet adds this case to the local sum only
                self.sum_metric += (pred_label.flat == label.flat).sum()
            elif pred_label.ndim == 2:
                num_classes = pred_label.shape[1]
                for j in range(min(num_classes, self.top_k)):
                    num_correct = (pred_label[:, num_classes - 1 - j].flat == label.flat).sum()
                    self.sum_metric += num_correct
                    self.global_sum_metric += num_correct
            self.num_inst += num_samples
            self.global_num_inst += num_samples


class _BinaryClassificationMetrics:
    """Confusion counts of a binary classifier, local and global (for F1 and MCC)."""

    _FIELDS = ("true_positives", "false_negatives", "false_positives", "true_negatives")

    def __init__(self):
        self.reset_stats()

    def update_binary_stats(self, label, pred):
        pred = pred.asnumpy()
        label = label.asnumpy().astype("int32")
        pred_label = numpy.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise ValueError("%s currently only supports binary classification."
                             % self.__class__.__name__)
        pred_true = pred_label == 1
        pred_false = 1 - pred_true
        label_true = label == 1
        label_false = 1 - label_true
        counts = {"true_positives": (pred_true * label_true).sum(),
                  "false_positives": (pred_true * label_false).sum(),
                  "false_negatives": (pred_false * label_true).sum(),
                  "true_negatives": (pred_false * label_false).sum()}
        for field, count in counts.items():
            setattr(self, field, getattr(self, field) + count)
            setattr(self, "global_" + field, getattr(self, "global_" + field) + count)

    def _counts(self, use_global):
        prefix = "global_" if use_global else ""
        return [getattr(self, prefix + f) for f in self._FIELDS]

    def _precision(self, use_global):
        tp, _, fp, _ = self._counts(use_global)
        return float(tp) / (tp + fp) if tp + fp > 0 else 0.

    def _recall(self, use_global):
        tp, fn, _, _ = self._counts(use_global)
        return float(tp) / (tp + fn) if tp + fn > 0 else 0.

    def _fscore(self, use_global):
        precision, recall = self._precision(use_global), self._recall(use_global)
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.

    precision = property(lambda self: self._precision(False))
    global_precision = property(lambda self: self._precision(True))
    recall = property(lambda self: self._recall(False))
    global_recall = property(lambda self: self._recall(True))
    fscore = property(lambda self: self._fscore(False))
    global_fscore = property(lambda self: self._fscore(True))
    total_examples = property(lambda self: sum(self._counts(False)))
    global_total_examples = property(lambda self: sum(self._counts(True)))

    def matthewscc(self, use_global=False):
        """Matthews correlation coefficient of the counts (zero factors left out)."""
        total = self.global_total_examples if use_global else self.total_examples
        if not total:
            return 0.
        tp, fn, fp, tn = (float(c) for c in self._counts(use_global))
        denom = 1.
        for term in (tp + fp, tp + fn, tn + fp, tn + fn):
            if term != 0.:
                denom *= term
        return ((tp * tn) - (fp * fn)) / math.sqrt(denom)

    def local_reset_stats(self):
        for field in self._FIELDS:
            setattr(self, field, 0)

    def reset_stats(self):
        for field in self._FIELDS:
            setattr(self, field, 0)
            setattr(self, "global_" + field, 0)


class _Binary(EvalMetric):
    """F1 and MCC: a statistic of the binary confusion counts, 'macro' or 'micro' averaged."""

    def __init__(self, name, output_names, label_names, average):
        self.average = average
        self.metrics = _BinaryClassificationMetrics()
        EvalMetric.__init__(self, name=name, output_names=output_names,
                            label_names=label_names, has_global_stats=True)

    def _stat(self, use_global):
        raise NotImplementedError

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.metrics.update_binary_stats(label, pred)
        if self.average == "macro":
            # one value per update call, averaged over calls
            self.sum_metric += self._stat(False)
            self.global_sum_metric += self._stat(True)
            self.num_inst += 1
            self.global_num_inst += 1
            self.metrics.reset_stats()
        else:
            self.sum_metric = self._stat(False) * self.metrics.total_examples
            self.global_sum_metric = self._stat(True) * self.metrics.global_total_examples
            self.num_inst = self.metrics.total_examples
            self.global_num_inst = self.metrics.global_total_examples

    def reset(self):
        self.sum_metric = 0.
        self.num_inst = 0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        self.metrics.reset_stats()

    def reset_local(self):
        self.sum_metric = 0.
        self.num_inst = 0
        self.metrics.local_reset_stats()


@register
class F1(_Binary):
    """F1 score of a binary classifier (class 1 positive; scores are argmax'ed).

    Parameters
    ----------
    name : str
        Name (``'f1'``).
    average : {'macro', 'micro'}
        ``'macro'`` averages the F1 of each update; ``'micro'`` pools the counts.

    >>> import symnb as mx
    >>> m = mx.metric.F1()
    >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1], [0.9, 0.1]])])
    >>> print(*m.get())
    f1 0.5
    """

    def __init__(self, name="f1", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)

    def _stat(self, use_global):
        return self.metrics._fscore(use_global)


@register
class MCC(_Binary):
    """Matthews correlation coefficient of a binary classifier.

    Parameters
    ----------
    name : str
        Name (``'mcc'``).
    average : {'macro', 'micro'}
        ``'macro'`` averages the MCC of each update; ``'micro'`` pools the counts.

    >>> import symnb as mx
    >>> m = mx.metric.MCC()
    >>> m.update([mx.nd.array([0, 1, 1, 0])], [mx.nd.array([[0, 1], [0, 1], [1, 0], [1, 0]])])
    >>> print(*m.get())
    mcc 0.0
    """

    def __init__(self, name="mcc", output_names=None, label_names=None, average="macro"):
        super().__init__(name, output_names, label_names, average)
        # MXNet keeps these under private names on MCC
        self._average = average
        self._metrics = self.metrics

    def _stat(self, use_global):
        return self.metrics.matthewscc(use_global=use_global)

    def reset(self):
        super().reset()
        self.num_inst = 0.
        self.global_num_inst = 0.

    def reset_local(self):
        super().reset_local()
        self.num_inst = 0.


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels.

    Parameters
    ----------
    ignore_label : int or None
        Label value whose entries are not counted.
    axis : int
        Class axis of the predictions (-1).
    name : str
        Name (``'perplexity'``).

    >>> import symnb as mx
    >>> m = mx.metric.Perplexity(ignore_label=None)
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.5, 0.5]])])
    >>> print(round(m.get()[1], 6))
    2.0
    """

    def __init__(self, ignore_label, axis=-1, name="perplexity", output_names=None,
                 label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        assert len(labels) == len(preds)
        loss = 0.
        num = 0
        for label, pred in zip(labels, preds):
            assert label.size == pred.size / pred.shape[-1], \
                "shape mismatch: %s vs. %s" % (label.shape, pred.shape)
            label = label.asnumpy().reshape((label.size,))
            scores = numpy.moveaxis(pred.asnumpy(), self.axis, -1)
            # mx.nd.pick (mode 'clip') of each label's probability, in the prediction dtype
            index = numpy.clip(label.astype("int32"), 0, scores.shape[-1] - 1)
            pred = numpy.take_along_axis(scores.reshape(-1, scores.shape[-1]),
                                         index[:, None], axis=-1)[:, 0]
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(pred.dtype)
                num -= ignore.sum()
                pred = pred * (1 - ignore) + ignore
            loss -= numpy.log(numpy.maximum(pred.dtype.type(1e-10), pred)).sum()
            num += pred.size
        self.sum_metric += loss
        self.global_sum_metric += loss
        self.num_inst += num
        self.global_num_inst += num

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


def _as_columns(label, pred):
    label, pred = label.asnumpy(), pred.asnumpy()
    if len(label.shape) == 1:
        label = label.reshape(label.shape[0], 1)
    if len(pred.shape) == 1:
        pred = pred.reshape(pred.shape[0], 1)
    return label, pred


class _Regression(_Counted):
    """MAE/MSE/RMSE: one value per (label, pred) pair, averaged over pairs, not elements."""

    _default_name = ""

    def __init__(self, name=None, output_names=None, label_names=None):
        super().__init__(self._default_name if name is None else name,
                         output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    @staticmethod
    def _error(label, pred):
        raise NotImplementedError

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._add(self._error(*_as_columns(label, pred)), 1)


@register
class MAE(_Regression):
    """Mean absolute error, averaged over update pairs.

    >>> import symnb as mx
    >>> m = mx.metric.MAE()
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([2, 4])])
    >>> print(*m.get())
    mae 1.5
    """

    def __init__(self, name="mae", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label, pred):
        return numpy.abs(label - pred).mean()


@register
class MSE(_Regression):
    """Mean squared error, averaged over update pairs.

    >>> import symnb as mx
    >>> m = mx.metric.MSE()
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([2, 4])])
    >>> print(*m.get())
    mse 2.5
    """

    def __init__(self, name="mse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label, pred):
        return ((label - pred) ** 2.0).mean()


@register
class RMSE(_Regression):
    """Root mean squared error, averaged over update pairs.

    >>> import symnb as mx
    >>> m = mx.metric.RMSE()
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 4])])
    >>> print(round(m.get()[1], 6))
    1.414214
    """

    def __init__(self, name="rmse", output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label, pred):
        return numpy.sqrt(((label - pred) ** 2.0).mean())


class _LogLoss(_Counted):
    """CrossEntropy/NegativeLogLikelihood: mean ``-log(p[label] + eps)`` over examples."""

    def __init__(self, eps, name, output_names, label_names):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = label.asnumpy().ravel()
            pred = pred.asnumpy()
            num_examples = pred.shape[0]
            self._check_count(label.shape[0], num_examples)
            prob = pred[numpy.arange(label.shape[0], dtype=numpy.int64), numpy.int64(label)]
            self._add((-numpy.log(prob + self.eps)).sum(), label.shape[0])

    @staticmethod
    def _check_count(num_labels, num_examples):
        assert num_labels == num_examples


@register
@alias("ce")
class CrossEntropy(_LogLoss):
    """Mean cross-entropy ``-log(p[label] + eps)`` of probability predictions.

    Parameters
    ----------
    eps : float
        Added to the probability before the log (1e-12).
    name : str
        Name (``'cross-entropy'``).

    >>> import symnb as mx
    >>> m = mx.metric.CrossEntropy()
    >>> m.update([mx.nd.array([1])], [mx.nd.array([[0.5, 0.5]])])
    >>> print(round(m.get()[1], 6))
    0.693147
    """

    def __init__(self, eps=1e-12, name="cross-entropy", output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias("nll_loss")
class NegativeLogLikelihood(_LogLoss):
    """Mean negative log-likelihood ``-log(p[label] + eps)``.

    Parameters
    ----------
    eps : float
        Added to the probability before the log (1e-12).
    name : str
        Name (``'nll-loss'``).

    >>> import symnb as mx
    >>> m = mx.metric.create('nll_loss')
    >>> m.update([mx.nd.array([0])], [mx.nd.array([[0.5, 0.5]])])
    >>> print(round(m.get()[1], 6))
    0.693147
    """

    def __init__(self, eps=1e-12, name="nll-loss", output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)

    @staticmethod
    def _check_count(num_labels, num_examples):
        assert num_labels == num_examples, (num_labels, num_examples)


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels.

    Parameters
    ----------
    name : str
        Name (``'pearsonr'``).
    average : {'macro', 'micro'}
        ``'macro'`` averages the coefficient of each pair; ``'micro'`` pools all values.

    >>> import symnb as mx
    >>> m = mx.metric.PearsonCorrelation()
    >>> m.update([mx.nd.array([1, 2, 3])], [mx.nd.array([2, 4, 7])])
    >>> print(round(m.get()[1], 6))
    0.993399
    """

    def __init__(self, name="pearsonr", output_names=None, label_names=None, average="macro"):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if self.average == "micro":
            self.reset_micro()

    def reset_micro(self):
        """Clear the pooled ('micro') running moments."""
        self._sse_p = 0
        self._mean_p = 0
        self._sse_l = 0
        self._mean_l = 0
        self._pred_nums = 0
        self._label_nums = 0
        self._conv = 0

    def reset(self):
        super().reset()
        if self.average == "micro":
            self.reset_micro()

    @staticmethod
    def update_variance(new_values, *aggregate):
        """Welford's update of ``(count, mean, M2)`` with ``new_values``."""
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        delta_2 = new_values - mean
        m_2 += numpy.sum(delta * delta_2)
        return count, mean, m_2

    def update_cov(self, label, pred):
        """Add the co-moment of a batch (against the running means, as MXNet does)."""
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = label.asnumpy().ravel().astype(numpy.float64)
            pred = pred.asnumpy().ravel().astype(numpy.float64)
            if self.average == "macro":
                pearson_corr = numpy.corrcoef(pred, label)[0, 1]
                self.sum_metric += pearson_corr
                self.global_sum_metric += pearson_corr
                self.num_inst += 1
                self.global_num_inst += 1
            else:
                self.global_num_inst += 1
                self.num_inst += 1
                self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                    label, self._label_nums, self._mean_l, self._sse_l)
                self.update_cov(label, pred)
                self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                    pred, self._pred_nums, self._mean_p, self._sse_p)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, self.sum_metric / self.num_inst)
        n = self._label_nums
        pearsonr = self._conv / ((n - 1) * numpy.sqrt(self._sse_p / (n - 1)) *
                                 numpy.sqrt(self._sse_l / (n - 1)))
        return (self.name, pearsonr)


@register
class PCC(EvalMetric):
    """Multiclass Pearson correlation (MCC generalised) from a growing confusion matrix.

    Parameters
    ----------
    name : str
        Name (``'pcc'``).
    has_global_stats : bool
        Keep global statistics (True).

    >>> import symnb as mx
    >>> m = mx.metric.PCC()
    >>> m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([0, 1, 2])])
    >>> print(*m.get())
    pcc 1.0
    """

    def __init__(self, name="pcc", output_names=None, label_names=None,
                 has_global_stats=True):
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc):
        self.lcm = numpy.pad(self.lcm, ((0, inc), (0, inc)), "constant", constant_values=(0))
        self.gcm = numpy.pad(self.gcm, ((0, inc), (0, inc)), "constant", constant_values=(0))
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        i = cmat.diagonal()
        cov_xy = numpy.sum(i * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = label.astype("int32", copy=False).asnumpy()
            pred = pred.asnumpy()
            if pred.shape != label.shape:
                pred = pred.argmax(axis=1)
            else:
                pred = pred.astype("int32", copy=False)
            n = max(pred.max(), label.max())
            if n >= self.k:
                self._grow(n + 1 - self.k)
            bcm = numpy.zeros((self.k, self.k))
            for i, j in zip(pred, label):
                bcm[i, j] += 1
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0.
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0.
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Loss(_Counted):
    """Mean of the outputs themselves (for networks whose outputs are losses).

    >>> import symnb as mx
    >>> m = mx.metric.Loss()
    >>> m.update(None, [mx.nd.array([1, 2, 3])])
    >>> print(*m.get())
    loss 2.0
    """

    def __init__(self, name="loss", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def update(self, _, preds):
        if isinstance(preds, NDArray):
            preds = [preds]
        for pred in preds:
            self._add(ndarray.sum(pred).asscalar(), pred.size)


@register
class Torch(Loss):
    """Dummy metric for torch criterions: :class:`Loss` named ``'torch'``.

    >>> import symnb as mx
    >>> mx.metric.Torch().name
    'torch'
    """

    def __init__(self, name="torch", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Dummy metric for caffe criterions: :class:`Loss` named ``'caffe'``.

    >>> import symnb as mx
    >>> mx.metric.Caffe().name
    'caffe'
    """

    def __init__(self, name="caffe", output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class CustomMetric(_Counted):
    """A metric computed by ``feval(label, pred)`` on numpy arrays.

    ``feval`` returns a value (counted once) or ``(sum_metric, num_inst)``.

    Parameters
    ----------
    feval : callable
        ``feval(label: numpy.ndarray, pred: numpy.ndarray)``.
    name : str, optional
        Name (``feval.__name__``; ``custom(<lambda>)`` for a lambda).
    allow_extra_outputs : bool
        Allow more predictions than labels.

    >>> import symnb as mx
    >>> m = mx.metric.CustomMetric(lambda label, pred: (abs(label - pred).sum(), label.size))
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 3])])
    >>> print(*m.get())
    custom(<lambda>) 0.5
    """

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None,
                 label_names=None):
        if name is None:
            name = feval.__name__
            if name.find("<") != -1:
                name = "custom(%s)" % name
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(label.asnumpy(), pred.asnumpy())
            if isinstance(reval, tuple):
                self._add(*reval)
            else:
                self._add(reval, 1)

    def get_config(self):
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval, name=None, allow_extra_outputs=False):  # noqa: N802 -- MXNet's name
    """A :class:`CustomMetric` from a function of numpy arrays.

    Parameters
    ----------
    numpy_feval : callable
        ``numpy_feval(label, pred)``, returning a value or ``(sum, count)``.
    name : str, optional
        Metric name (default: the function's name).
    allow_extra_outputs : bool
        Allow more predictions than labels.

    >>> import symnb as mx
    >>> def l1(label, pred):
    ...     return abs(label - pred).mean()
    >>> m = mx.metric.np(l1)
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 3])])
    >>> print(*m.get())
    l1 0.5
    """
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
