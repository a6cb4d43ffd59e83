"""Contrib optimizers (``mx.optimizer.contrib``)."""
from __future__ import annotations

from .. import ndarray as nd
from ..ndarray import NDArray
from .optimizer import Optimizer, register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one learning rate per row of a 2-D parameter::

        grad = clip(grad * rescale_grad, clip_gradient)
        history += mean(square(grad), axis=1, keepdims=True)
        weight -= lr * grad / sqrt(history + eps)

    Weight decay is not supported.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.contrib.GroupAdaGrad(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2, 2)), mx.nd.ones((2, 2))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([[0.9, 0.9],
           [0.9, 0.9]], dtype=float32)
    """

    def __init__(self, eps=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        """The history, one float32 zero per row of the 2-D ``weight`` (shape ``(rows, 1)``).

        >>> import symnb as mx
        >>> mx.optimizer.contrib.GroupAdaGrad().create_state(0, mx.nd.ones((2, 3))).shape
        (2, 1)
        """
        assert len(weight.shape) == 2
        return nd.zeros((weight.shape[0], 1), weight.context)

    def update(self, index, weight, grad, state):
        """Add each row's mean squared gradient to its history, then step that row by
        ``lr * grad / sqrt(history + eps)``.

        >>> import symnb as mx
        >>> opt = mx.optimizer.contrib.GroupAdaGrad(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2, 2)), mx.nd.array([[1, 1], [2, 2]])
        >>> state = opt.create_state(0, w); opt.update(0, w, g, state); state.asnumpy()
        array([[1.],
               [4.]], dtype=float32)
        """
        assert isinstance(weight, NDArray)
        assert isinstance(grad, NDArray)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        assert wd == 0, "Weight decay is not supported for GroupAdaGrad"
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        state[:] += nd.mean(nd.square(grad), axis=1, keepdims=True)
        weight[:] -= lr * grad / nd.sqrt(state + self.float_stable_eps)
