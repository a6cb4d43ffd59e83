"""mx.nd.array accepts (and rejects) what MXNet 1.9.1 does (cases/nd_array.json)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx

from ._files import array_cases
from ._replay import dec, load

REC = load("nd_array.json")


@pytest.mark.parametrize("key,source,kwargs", array_cases(), ids=[c[0] for c in array_cases()])
def test_nd_array_like_mxnet(key, source, kwargs):
    want = REC[key]
    if "error" in want:
        with pytest.raises(Exception) as e:
            mx.nd.array(source, **kwargs)
        assert "%s: %s" % (type(e.value).__name__, e.value) == want["error"]
        return
    got = mx.nd.array(source, **kwargs).asnumpy()
    expected = dec(want["out"])
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
