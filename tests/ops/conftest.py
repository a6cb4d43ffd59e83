"""Run every operator test on NumPy and on CuPy (gpu skips with the reason where absent)."""
from __future__ import annotations

import pytest

from . import harness


@pytest.fixture(autouse=True, params=["cpu", "gpu"])
def backend(request):
    if request.param == "cpu":
        yield harness.numpy_backend
        return
    import symnb as mx
    from symnb.backends import get_backend
    try:
        rt = get_backend(mx.gpu(0))
    except mx.MXNetError as e:
        pytest.skip("gpu: %s" % str(e).split(": ", 1)[-1])
    saved, harness.RT = harness.RT, rt
    try:
        yield rt
    finally:
        harness.RT = saved
