"""mx.nd.contrib's Python helpers (MXNet builds them from registered operators)."""
import numpy as np

import symnb as mx


def test_isinf_isfinite_isnan():
    x = mx.nd.array([np.inf, -np.inf, np.nan, 5, 0])
    assert mx.nd.contrib.isinf(x).asnumpy().tolist() == [1, 1, 0, 0, 0]
    assert mx.nd.contrib.isfinite(x).asnumpy().tolist() == [0, 0, 0, 1, 1]
    assert mx.nd.contrib.isnan(x).asnumpy().tolist() == [0, 0, 1, 0, 0]
    assert mx.nd.contrib.isnan(x).dtype is np.float32
