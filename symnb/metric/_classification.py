"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC (binary), PCC (multiclass)."""
from __future__ import annotations

import math

import numpy

from .. import ndarray
from .._checks import mx_assert
from ._base import EvalMetric, _Counted, alias, check_label_shapes, register


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
        """Count the correct predictions: class scores are argmax'ed, class ids compared.

        >>> import symnb as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([0, 1, 0])])    # class ids
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0.2, 0.8]])])        # class scores
        >>> m.get(), m.num_inst
        (('accuracy', 0.75), 4)
        """
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
        mx_assert(self.top_k > 1, "Please use Accuracy if top_k is no more than 1")
        self.name += "_%d" % self.top_k

    def update(self, labels, preds):
        """Count the labels found among each row's ``top_k`` highest scores.

        >>> import symnb as mx
        >>> m = mx.metric.TopKAccuracy(top_k=2)
        >>> m.update([mx.nd.array([1, 0])], [mx.nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
        >>> m.get()
        ('top_k_accuracy_2', 0.5)
        """
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred_label in zip(labels, preds):
            mx_assert(len(pred_label.shape) <= 2, "Predictions should be no more than 2 dims")
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
        """Clear the local and global statistics (the counts become ``0.``, as in MXNet).

        >>> import symnb as mx
        >>> m = mx.metric.MCC()
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [0, 1]])])
        >>> m.reset(); m.get(), m.get_global(), m.num_inst
        (('mcc', nan), ('mcc', nan), 0.0)
        """
        super().reset()
        self.num_inst = 0.
        self.global_num_inst = 0.

    def reset_local(self):
        """Clear the local statistics; ``get_global`` keeps them.

        >>> import symnb as mx
        >>> m = mx.metric.MCC()
        >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[1, 0], [0, 1]])])
        >>> m.reset_local(); m.get(), m.get_global()
        (('mcc', nan), ('mcc', 1.0))
        """
        super().reset_local()
        self.num_inst = 0.


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
        """Add each batch to the confusion matrix, growing it for new class ids.

        Predictions are class ids or (argmax'ed) class scores; each call counts once.

        >>> import symnb as mx
        >>> m = mx.metric.PCC()
        >>> m.update([mx.nd.array([0, 1, 2, 3])], [mx.nd.array([0, 1, 2, 0])])
        >>> print(round(m.get()[1], 6), m.k, m.num_inst)
        0.730297 4 1.0
        """
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
        """The local coefficient times ``num_inst`` (so that ``get()`` reads the coefficient).

        >>> import symnb as mx
        >>> m = mx.metric.PCC()
        >>> for _ in range(2):
        ...     m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([0, 1, 2])])
        >>> print(m.sum_metric, m.num_inst)
        2.0 2.0
        """
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        """The global coefficient times ``global_num_inst``.

        >>> import symnb as mx
        >>> m = mx.metric.PCC()
        >>> m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([0, 1, 2])]); m.reset_local()
        >>> print(m.global_sum_metric, m.sum_metric)
        1.0 nan
        """
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        """Clear both confusion matrices (they keep the size that they grew to).

        >>> import symnb as mx
        >>> m = mx.metric.PCC()
        >>> m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([0, 1, 2])])
        >>> m.reset(); m.get(), m.get_global(), m.gcm.shape
        (('pcc', nan), ('pcc', nan), (3, 3))
        """
        self.global_num_inst = 0.
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        """Clear the local confusion matrix; ``get_global`` keeps counting.

        >>> import symnb as mx
        >>> m = mx.metric.PCC()
        >>> m.update([mx.nd.array([0, 1, 2])], [mx.nd.array([0, 1, 2])])
        >>> m.reset_local(); m.get(), m.get_global()
        (('pcc', nan), ('pcc', 1.0))
        """
        self.num_inst = 0.
        self.lcm = numpy.zeros((self.k, self.k))
