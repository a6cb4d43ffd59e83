"""Regression and likelihood metrics: MAE, MSE, RMSE, Perplexity, CrossEntropy, NLL,
PearsonCorrelation, and Loss (with its Torch/Caffe aliases)."""
from __future__ import annotations

import math

import numpy

from .. import ndarray
from .._checks import mx_assert
from ..ndarray import NDArray
from ._base import EvalMetric, _Counted, _value, _widened, alias, check_label_shapes, register


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
        """Add ``-log`` of each label's probability; ``ignore_label`` entries are not counted.

        >>> import symnb as mx
        >>> m = mx.metric.Perplexity(ignore_label=1)
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.25, 0.75], [0.5, 0.5]])])
        >>> print(round(m.get()[1], 6), m.num_inst)
        4.0 1.0
        """
        mx_assert(len(labels) == len(preds))
        loss = 0.
        num = 0
        for label, pred in zip(labels, preds):
            mx_assert(label.size == pred.size / pred.shape[-1],
                      "shape mismatch: %s vs. %s" % (label.shape, pred.shape))
            label = label.asnumpy().reshape((label.size,))
            scores = numpy.moveaxis(pred.asnumpy(), self.axis, -1)
            # mx.nd.pick (mode 'clip') of each label's probability, in the prediction dtype
            index = numpy.clip(label.astype("int32"), 0, scores.shape[-1] - 1)
            pred = numpy.take_along_axis(scores.reshape(-1, scores.shape[-1]),
                                         index[:, None], axis=-1)[:, 0]
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(pred.dtype)
                num -= _widened(ignore.sum())
                pred = pred * (1 - ignore) + ignore
            loss -= _widened(numpy.log(numpy.maximum(pred.dtype.type(1e-10), pred)).sum())
            num += pred.size
        self.sum_metric += loss
        self.global_sum_metric += loss
        self.num_inst += num
        self.global_num_inst += num

    def get(self):
        """``(name, exp(mean negative log-probability))`` of the local statistics.

        >>> import symnb as mx
        >>> m = mx.metric.Perplexity(ignore_label=None)
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.5, 0.5]])])
        >>> name, value = m.get(); name, round(value, 6)
        ('perplexity', 2.0)
        """
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        """``(name, perplexity)`` since the last ``reset``.

        >>> import symnb as mx
        >>> m = mx.metric.Perplexity(ignore_label=None)
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.5, 0.5]])])
        >>> m.reset_local(); m.get(), round(m.get_global()[1], 6)
        (('perplexity', nan), 2.0)
        """
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
        mx_assert(num_labels == num_examples)


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
        mx_assert(num_labels == num_examples, (num_labels, num_examples))


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
        """Clear the pooled ('micro') running moments.

        >>> import symnb as mx
        >>> m = mx.metric.PearsonCorrelation(average='micro')
        >>> m.update([mx.nd.array([1, 2, 3])], [mx.nd.array([3, 2, 1])])
        >>> m.reset_micro(); m.update([mx.nd.array([1, 2, 3])], [mx.nd.array([2, 4, 6])])
        >>> print(*m.get())
        pearsonr 1.0
        """
        self._sse_p = 0
        self._mean_p = 0
        self._sse_l = 0
        self._mean_l = 0
        self._pred_nums = 0
        self._label_nums = 0
        self._conv = 0

    def reset(self):
        """Clear the statistics (and, with ``average='micro'``, the pooled moments).

        >>> import symnb as mx
        >>> m = mx.metric.PearsonCorrelation()
        >>> m.update([mx.nd.array([1, 2, 3])], [mx.nd.array([2, 4, 7])])
        >>> m.reset(); m.get()
        ('pearsonr', nan)
        """
        super().reset()
        if self.average == "micro":
            self.reset_micro()

    @staticmethod
    def update_variance(new_values, *aggregate):
        """Welford's update of ``(count, mean, M2)`` with ``new_values``.

        >>> import numpy, symnb as mx
        >>> m = mx.metric.PearsonCorrelation()
        >>> print(*m.update_variance(numpy.array([1., 2., 3.]), 0, 0., 0.))
        3 2.0 2.0
        """
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        delta_2 = new_values - mean
        m_2 += numpy.sum(delta * delta_2)
        return count, mean, m_2

    def update_cov(self, label, pred):
        """Add the co-moment of a batch (against the running means, as MXNet does).

        >>> import numpy, symnb as mx
        >>> m = mx.metric.PearsonCorrelation(average='micro')     # running means still 0
        >>> m.update_cov(numpy.array([1., 2.]), numpy.array([3., 5.])); print(m._conv)
        13.0
        """
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels, preds):
        """Add each (label, prediction) pair: its coefficient ('macro') or its moments ('micro').

        >>> import symnb as mx
        >>> m = mx.metric.PearsonCorrelation()
        >>> m.update([mx.nd.array([1, 2, 3])] * 2, [mx.nd.array([2, 4, 6]), mx.nd.array([3, 2, 1])])
        >>> m.get(), m.num_inst
        (('pearsonr', 0.0), 2)
        """
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
        """``(name, coefficient)``: the mean over pairs ('macro') or of the pooled values ('micro').

        >>> import symnb as mx
        >>> m = mx.metric.PearsonCorrelation(average='micro')
        >>> m.update([mx.nd.array([1, 2]), mx.nd.array([3, 4])],
        ...          [mx.nd.array([2, 4]), mx.nd.array([6, 9])])
        >>> name, value = m.get(); name, round(value, 6)
        ('pearsonr', 0.994377)
        """
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, _value(self.sum_metric / self.num_inst))
        n = self._label_nums
        pearsonr = self._conv / ((n - 1) * numpy.sqrt(self._sse_p / (n - 1)) *
                                 numpy.sqrt(self._sse_l / (n - 1)))
        return (self.name, _value(pearsonr))


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
        """Add the outputs' sum and element count (the labels are ignored).

        >>> import symnb as mx
        >>> m = mx.metric.Loss()
        >>> m.update(None, [mx.nd.array([1, 2]), mx.nd.array([6])]); m.get(), m.num_inst
        (('loss', 3.0), 3)
        """
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
