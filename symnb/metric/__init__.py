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
from ._base import (
    CompositeEvalMetric,
    CustomMetric,
    EvalMetric,
    alias,
    check_label_shapes,
    create,
    np,
    register,
)
from ._classification import F1, MCC, PCC, Accuracy, TopKAccuracy
from ._regression import (
    MAE,
    MSE,
    RMSE,
    Caffe,
    CrossEntropy,
    Loss,
    NegativeLogLikelihood,
    PearsonCorrelation,
    Perplexity,
    Torch,
)

__all__ = ["EvalMetric", "CompositeEvalMetric", "Accuracy", "TopKAccuracy", "F1", "MCC",
           "Perplexity", "MAE", "MSE", "RMSE", "CrossEntropy", "NegativeLogLikelihood",
           "PearsonCorrelation", "PCC", "Loss", "Torch", "Caffe", "CustomMetric", "np",
           "create", "register", "alias", "check_label_shapes"]
