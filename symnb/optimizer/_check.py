"""``mx.test_utils.compare_optimizer``: run two optimizers on the same data and compare.

MXNet's optimizer tests check each optimizer against a Python reference with these.
"""
from __future__ import annotations

from copy import deepcopy

__all__ = ["compare_ndarray_tuple", "compare_optimizer"]


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """Compare two states (NDArrays or nested tuples of them); ``None`` matches anything.

    >>> import symnb as mx
    >>> compare_ndarray_tuple((mx.nd.ones((2,)), None), (mx.nd.ones((2,)), None))
    """
    from ..test_utils import assert_almost_equal
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def compare_optimizer(opt1, opt2, shape, dtype, w_stype="default", g_stype="default",
                      rtol=1e-4, atol=1e-5, compare_states=True, ntensors=1):
    """Update the same random weight with ``opt1`` and ``opt2`` and compare the results
    (``shape`` a list: ``opt2`` updates all tensors in one multi-tensor call).

    >>> import symnb as mx
    >>> compare_optimizer(mx.optimizer.SGD(momentum=0.9), mx.optimizer.SGD(momentum=0.9),
    ...                   (3, 4), 'float32')
    """
    from .. import random
    from ..test_utils import assert_almost_equal, default_context
    if w_stype != "default" or g_stype != "default":
        raise Exception("type not supported yet")     # symnb has no sparse storage
    ctx = default_context()
    if not isinstance(shape, list):
        assert ntensors == 1
        w2 = random.uniform(shape=shape, ctx=ctx, dtype=dtype)
        w1 = w2.copyto(ctx)
        g2 = random.uniform(shape=shape, ctx=ctx, dtype=dtype)
        g1 = g2.copyto(ctx)
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    # multi-tensor: opt1 is the single-tensor reference, opt2 updates all tensors at once
    w1 = tuple(random.uniform(shape=s, ctx=ctx, dtype=dtype) for s in shape)
    g1 = tuple(random.uniform(shape=s, ctx=ctx, dtype=dtype) for s in shape)
    w2, g2 = deepcopy(w1), deepcopy(g1)
    state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)
