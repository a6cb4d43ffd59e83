"""topk's partial selection on long rows (``symnb/ops/ordering.py``) against a full stable sort.

The operator table's cases are too short to take that path; these rows are long enough, with
ties across the k-th position and inside the top k, NaN and signed zeros, which must fall
back or stay stable.
"""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def _reference(x, axis, k, ascend):
    order = np.argsort(x if ascend else -x, axis=axis, kind="stable")
    order = np.take(order, np.arange(k), axis=axis)
    return order, np.take_along_axis(x, order, axis=axis)


@pytest.mark.parametrize("kind", ["distinct", "ties", "inner_ties", "nan", "zeros"])
@pytest.mark.parametrize("ascend", [True, False])
@pytest.mark.parametrize("axis", [1, 0])
def test_long_rows_match_the_stable_sort(kind, ascend, axis):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 2000)).astype(np.float32)
    if kind == "ties":
        x = rng.integers(0, 40, (3, 2000)).astype(np.float32)
    elif kind == "inner_ties":
        # equal keys inside the top k (not at the k-th place): their order is the stable one
        for row in x:
            spots = rng.choice(2000, 6, replace=False)
            row[spots[:3]], row[spots[3:]] = 100.0, -100.0
    elif kind == "nan":
        x[0, rng.integers(0, 2000, 50)] = np.nan
    elif kind == "zeros":
        x[:, ::3] = 0.0
        x[:, 1::7] = -0.0
    if axis == 0:
        x = np.ascontiguousarray(x.T)
    for k in (1, 5, 100):
        values, index = mx.nd.topk(mx.nd.array(x), axis=axis, k=k, ret_typ="both",
                                   is_ascend=ascend, dtype="int64")
        ref_index, ref_values = _reference(x, axis, k, ascend)
        np.testing.assert_array_equal(index.asnumpy(), ref_index)
        np.testing.assert_array_equal(values.asnumpy(), ref_values)
        # signed zeros: the values come from the positions, not from a sort of the keys
        np.testing.assert_array_equal(np.signbit(values.asnumpy()), np.signbit(ref_values))
