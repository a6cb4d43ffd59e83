"""The metric protocol: ``EvalMetric``, the registry (``create``, ``register``), composites
and ``CustomMetric``/``np``; shared by the metric families."""
from __future__ import annotations

import json
import warnings
from collections import OrderedDict

import numpy

from .._checks import mx_assert
from ..ndarray import NDArray


def _value(v):
    """A metric value as a Python number: under NumPy 2 a NumPy scalar prints as
    ``np.float64(0.83)`` where MXNet's (NumPy 1) printed ``0.83``."""
    return v.item() if isinstance(v, numpy.generic) else v


def _widened(v):
    """``v`` as MXNet's totals took it: a NumPy float32 (or float16) scalar as float64.

    MXNet 1.9.1 ran under NumPy 1, where ``0.0 + numpy.float32(x)`` is a float64, so its
    metric totals added up in float64 from the first batch on. NumPy 2 keeps float32 there
    (NEP 50), which drifts over an epoch (4040.5789 against 4040.5793 after 300 batches of
    cross-entropy); widening each batch's value first gives MXNet's totals.

    >>> import numpy
    >>> type(0.0 + _widened(numpy.float32(0.5))).__name__, _widened(3)
    ('float64', 3)
    """
    if isinstance(v, numpy.floating) and v.dtype.itemsize < 8:
        return numpy.float64(v)
    return v

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
        """Accumulate a batch: lists of label and prediction NDArrays.

        Each metric implements it; the base class raises.

        >>> import symnb as mx
        >>> mx.metric.EvalMetric('base').update([mx.nd.array([1])], [mx.nd.array([1])])
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def reset(self):
        """Clear the local and the global statistics.

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> m.reset(); m.get(), m.get_global()
        (('accuracy', nan), ('accuracy', nan))
        """
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clear the local statistics only (``get_global`` keeps counting).

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1]])])
        >>> m.reset_local(); m.get(), m.get_global()
        (('accuracy', nan), ('accuracy', 0.5))
        """
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """``(name, value)`` of the local statistics (NaN before any update).

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.get()
        ('accuracy', nan)
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1]])]); m.get()
        ('accuracy', 0.5)
        """
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, _value(self.sum_metric / self.num_inst))

    def get_global(self):
        """``(name, value)`` since the last ``reset`` (``get()`` without global statistics).

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])]); m.reset_local()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[1, 0]])]); m.get(), m.get_global()
        (('accuracy', 0.0), ('accuracy', 0.5))
        """
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float("nan"))
            return (self.name, _value(self.global_sum_metric / self.global_num_inst))
        return self.get()

    def get_name_value(self):
        """``get()`` as a list of ``(name, value)`` pairs.

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.3, 0.7], [0, 1]])])
        >>> m.get_name_value()
        [('accuracy', 0.5)]
        """
        return _pairs(*self.get())

    def get_global_name_value(self):
        """``get_global()`` as a list of ``(name, value)`` pairs.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])]); m.reset_local()
        >>> m.get_global_name_value()
        [('accuracy', 1.0), ('mae', 0.5)]
        """
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
    mx_assert(issubclass(klass, EvalMetric),
              "Can only register subclass of %s" % EvalMetric.__name__)
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
        mx_assert(not args and not kwargs,
                  "metric is already an instance. Additional arguments are invalid")
        return name
    if isinstance(name, dict):
        return _create(**name)
    mx_assert(isinstance(name, str), "metric must be of string type")
    if name.startswith("["):
        mx_assert(not args and not kwargs)
        name, kwargs = json.loads(name)
        return _create(name, **kwargs)
    if name.startswith("{"):
        mx_assert(not args and not kwargs)
        return _create(**json.loads(name))
    name = name.lower()
    mx_assert(name in _REGISTRY,
              "%s is not registered. Please register with metric.register first" % name)
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
        """Add a child metric (anything :func:`create` accepts).

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric()
        >>> m.add('acc'); m.add(mx.metric.MAE()); [c.name for c in m.metrics]
        ['accuracy', 'mae']
        """
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at ``index``.

        Like MXNet, an index out of range *returns* (does not raise) a ValueError.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mse'])
        >>> m.get_metric(1).name, m.get_metric(5)
        ('mse', ValueError('Metric index 5 is out of range 0 and 2'))
        """
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError("Metric index {} is out of range 0 and {}".format(
                index, len(self.metrics)))

    def update_dict(self, labels, preds):
        """Keep the dict entries named by ``label_names``/``output_names``, then pass the
        dicts to every child's ``update_dict``.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc'], label_names=['y'])
        >>> m.update_dict({'y': mx.nd.array([1]), 'mask': mx.nd.array([0])},
        ...               {'out': mx.nd.array([[0, 1]])})
        >>> m.get()
        (['accuracy'], [1.0])
        """
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        """Update every child metric with the same labels and predictions.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [0, 1]])])
        >>> m.get()
        (['accuracy', 'mae'], [0.5, 0.5])
        """
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        """Reset every child metric (local and global statistics).

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> m.reset(); m.get(), m.get_global()
        ((['accuracy', 'mae'], [nan, nan]), (['accuracy', 'mae'], [nan, nan]))
        """
        # EvalMetric.__init__ calls reset() before self.metrics exists
        for metric in getattr(self, "metrics", ()):
            metric.reset()

    def reset_local(self):
        """Reset the local statistics of every child metric.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> m.reset_local(); m.get(), m.get_global()
        ((['accuracy', 'mae'], [nan, nan]), (['accuracy', 'mae'], [1.0, 0.5]))
        """
        for metric in getattr(self, "metrics", ()):
            metric.reset_local()

    def get(self):
        """``([names], [values])`` of the children's local statistics.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])]); m.get()
        (['accuracy', 'mae'], [1.0, 0.5])
        """
        return _collect(self.metrics, "get")

    def get_global(self):
        """``([names], [values])`` of the children's global statistics.

        >>> import symnb as mx
        >>> m = mx.metric.CompositeEvalMetric(['acc', 'mae'])
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])]); m.reset_local()
        >>> m.get_global()
        (['accuracy', 'mae'], [1.0, 0.5])
        """
        return _collect(self.metrics, "get_global")

    def get_config(self):
        """The configuration, with each child's ``get_config()`` under ``'metrics'``.

        >>> import symnb as mx
        >>> config = mx.metric.CompositeEvalMetric(['acc', 'mae']).get_config()
        >>> config['metric'], [c['metric'] for c in config['metrics']]
        ('CompositeEvalMetric', ['Accuracy', 'MAE'])
        """
        config = super().get_config()
        config.update({"metrics": [i.get_config() for i in self.metrics]})
        return config


class _Counted(EvalMetric):
    """A metric whose update adds ``(sum, count)`` to the local and global totals alike."""

    def _add(self, value, count):
        value, count = _widened(value), _widened(count)
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count


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
        """Call ``feval`` on each (label, prediction) pair as numpy arrays and add its result.

        >>> import symnb as mx
        >>> m = mx.metric.CustomMetric(lambda label, pred: float((label == pred).all()), 'same')
        >>> m.update([mx.nd.array([1]), mx.nd.array([2])], [mx.nd.array([1]), mx.nd.array([3])])
        >>> m.get(), m.num_inst
        (('same', 0.5), 2)
        """
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(label.asnumpy(), pred.asnumpy())
            if isinstance(reval, tuple):
                self._add(*reval)
            else:
                self._add(reval, 1)

    def get_config(self):
        """Not available: a Python function cannot be serialized.

        >>> import symnb as mx
        >>> mx.metric.CustomMetric(lambda label, pred: 0.0).get_config()
        Traceback (most recent call last):
        ...
        NotImplementedError: CustomMetric cannot be serialized
        """
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
