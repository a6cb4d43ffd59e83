"""``mx.nd.contrib``: the ``_contrib_*`` operators, prefix stripped (generated at import),
and MXNet's Python-level contrib helpers built from registered operators."""
from __future__ import annotations

import numpy as np

__all__ = ["isinf", "isfinite", "isnan", "rand_zipfian", "adamw_update", "mp_adamw_update",
           "multi_adamw_update", "multi_mp_adamw_update", "multi_lamb_update",
           "multi_mp_lamb_update"]


def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0 (MXNet: ``abs(data) == inf``).

    >>> import symnb as mx
    >>> mx.nd.contrib.isinf(mx.nd.array([np.inf, -np.inf, np.nan, 1])).asnumpy()
    array([1., 1., 0., 0.], dtype=float32)
    """
    return data.abs() == np.inf


def isfinite(data):
    """1 where ``data`` is neither inf nor nan, else 0.

    >>> import symnb as mx
    >>> mx.nd.contrib.isfinite(mx.nd.array([np.inf, -np.inf, np.nan, 1])).asnumpy()
    array([0., 0., 0., 1.], dtype=float32)
    """
    # nan is the one value unequal to itself
    return (data.abs() != np.inf) * (data == data)


def isnan(data):
    """1 where ``data`` is nan, else 0.

    >>> import symnb as mx
    >>> mx.nd.contrib.isnan(mx.nd.array([np.inf, np.nan, 1])).asnumpy()
    array([0., 1., 0.], dtype=float32)
    """
    return data != data


# ------------------------------------------------------------------ optimizer helpers
def _internal(name):
    from . import _internal as internal
    return getattr(internal, name)


def _rescale_array(rescale_grad, ctx):
    from .ndarray import NDArray
    if isinstance(rescale_grad, NDArray):
        return rescale_grad.as_in_context(ctx)
    from . import full
    return full(shape=(1,), val=rescale_grad, ctx=ctx)


def _flatten(groups):
    return [x for group in zip(*groups) for x in group]


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999,
                 epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW update; ``rescale_grad`` may be a number or an NDArray.

    >>> import symnb as mx
    >>> w, g, m, v = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.contrib.adamw_update(w, g, m, v, 1.0, lr=0.1, eta=1.0, out=w).asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """
    return _internal("_adamw_update")(
        weight=weight, grad=grad, mean=mean, var=var,
        rescale_grad=_rescale_array(rescale_grad, weight.context), lr=lr, eta=eta,
        beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient, out=out,
        name=name, **kwargs)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9,
                    beta2=0.999, epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None,
                    **kwargs):
    """Mixed-precision AdamW update (float32 ``weight32`` master copy).

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> m, v, w32 = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> mx.nd.contrib.mp_adamw_update(w, g, m, v, w32, 1.0, lr=0.1, eta=1.0, out=w).dtype
    <class 'numpy.float16'>
    """
    return _internal("_mp_adamw_update")(
        weight=weight, grad=grad, mean=mean, var=var, weight32=weight32,
        rescale_grad=_rescale_array(rescale_grad, weight.context), lr=lr, eta=eta,
        beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient, out=out,
        name=name, **kwargs)


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None,
                       name=None, size=0, **kwargs):
    """AdamW on lists of tensors in one call.

    >>> import symnb as mx
    >>> w, g, m, v = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.contrib.multi_adamw_update([w], [g], [m], [v], 1.0, lrs=[0.1], wds=[0.],
    ...                                  etas=[1.], out=[w])[0].asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """
    size = size or len(weights)
    data = _flatten((weights, grads, mean, var)) + [
        _rescale_array(rescale_grad, weights[0].context)]
    result = _internal("_multi_adamw_update")(*data, out=out, num_weights=size, lrs=lrs,
                                              wds=wds, etas=etas, name=name, **kwargs)
    return result if isinstance(result, list) else [result]


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas,
                          out=None, name=None, size=0, **kwargs):
    """Mixed-precision AdamW on lists of tensors in one call.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> m, v, w32 = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> mx.nd.contrib.multi_mp_adamw_update([w], [g], [m], [v], [w32], 1.0, lrs=[0.1],
    ...                                     wds=[0.], etas=[1.], out=[w])[0].dtype
    <class 'numpy.float16'>
    """
    size = size or len(weights)
    data = _flatten((weights, grads, mean, var, weights32)) + [
        _rescale_array(rescale_grad, weights[0].context)]
    result = _internal("_multi_mp_adamw_update")(*data, out=out, num_weights=size, lrs=lrs,
                                                 wds=wds, etas=etas, name=name, **kwargs)
    return result if isinstance(result, list) else [result]


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0,
                      **kwargs):
    """LAMB on lists of tensors in one call (what ``mx.optimizer.LAMB`` uses aggregated).

    >>> import symnb as mx
    >>> w, g, m, v = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd.contrib.multi_lamb_update([w], [g], [m], [v], step_count=[1], lrs=[0.1],
    ...                                 wds=[0.], out=[w]).asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """
    return _internal("_multi_lamb_update")(
        *_flatten((weights, grads, mean, var)), out=out,
        num_tensors=num_tensors or len(weights), step_count=step_count, learning_rates=lrs,
        wds=wds, **kwargs)


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None,
                         num_tensors=0, **kwargs):
    """Mixed-precision LAMB on lists of tensors in one call.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> m, v, w32 = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> mx.nd.contrib.multi_mp_lamb_update([w], [g], [m], [v], [w32], step_count=[1],
    ...                                    lrs=[0.1], wds=[0.], out=[w]).asnumpy()
    array([0.9, 0.9], dtype=float16)
    """
    return _internal("_multi_mp_lamb_update")(
        *_flatten((weights, grads, mean, var, weights32)), out=out,
        num_tensors=num_tensors or len(weights), step_count=step_count, learning_rates=lrs,
        wds=wds, **kwargs)


# ------------------------------------------------------------------ samplers
def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """``num_sampled`` classes drawn with replacement from the approximately log-uniform
    distribution ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)`` on
    ``[0, range_max)``, with the expected counts of ``true_classes`` and of the samples.

    Returns ``(samples int64, expected_count_true float64, expected_count_sampled float64)``.

    >>> import symnb as mx
    >>> s, t, c = mx.nd.contrib.rand_zipfian(mx.nd.array([3]), 4, 5)
    >>> s.shape, s.dtype.__name__, round(float(t.asnumpy()[0]), 6)
    ((4,), 'int64', 0.498155)
    """
    import math

    from ..context import current_context
    from .random import uniform
    if ctx is None:
        ctx = current_context()
    log_range = math.log(range_max + 1)
    rand = uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    # make sure the sampled classes are in [0, range_max)
    sampled_classes = (rand.exp() - 1).astype("int64") % range_max
    true_cls = true_classes.as_in_context(ctx).astype("float64")
    expected_count_true = ((true_cls + 2.0) / (true_cls + 1.0)).log() / log_range * num_sampled
    # the sampled classes as float64, to avoid integer division
    sampled_cls_fp64 = sampled_classes.astype("float64")
    expected_prob_sampled = ((sampled_cls_fp64 + 2.0) / (sampled_cls_fp64 + 1.0)).log() \
        / log_range
    expected_count_sampled = expected_prob_sampled * num_sampled
    return sampled_classes, expected_count_true, expected_count_sampled
