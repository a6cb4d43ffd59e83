"""Fixtures for the NDArray suite: one suite, two devices (gpu skips with a stated reason)."""
import pytest

import symnb as mx


def _gpu_reason():
    try:
        import cupy  # noqa: F401
    except ImportError:
        return "CuPy is not installed"
    if mx.num_gpus() == 0:
        return "CuPy finds no GPU"
    return None


@pytest.fixture(params=["cpu", pytest.param("gpu", marks=pytest.mark.gpu)])
def ctx(request):
    """The device context under test: cpu(0), or gpu(0) where CuPy and a GPU exist."""
    if request.param == "gpu":
        reason = _gpu_reason()
        if reason:
            pytest.skip(reason)
        return mx.gpu(0)
    return mx.cpu(0)
