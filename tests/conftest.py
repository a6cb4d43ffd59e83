"""Shared fixtures: where the MXNet facts live, and the cpu/gpu ``ctx`` fixture."""
from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# SYMNB_CUPY_STANDIN=1: the gpu half of the cpu/gpu tests runs on tests/_standin's CPU
# stand-in for CuPy (device arrays that NumPy refuses, CuPy 14's names and keywords only)
if os.environ.get("SYMNB_CUPY_STANDIN") == "1":
    import sys
    sys.path.insert(0, str(ROOT / "tests" / "_standin"))
# never collected (--doctest-modules would import the stand-in as ``cupy`` in the plain pass)
collect_ignore = ["_standin"]


def fill_random(ex, rng) -> None:
    """Standard-normal values into an executor's arguments and aux states (variances made
    positive: |x| + 0.5)."""
    for name, arr in list(ex.arg_dict.items()) + list(ex.aux_dict.items()):
        value = rng.standard_normal(arr.shape)
        if name.endswith("_var"):
            value = abs(value) + 0.5
        arr[:] = value.astype(arr.dtype)


def shared_path(*parts) -> pathlib.Path:
    """A path under ../shared; skips the test when absent (fails under CI=true)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("%s is missing: CI must run with ../shared beside the clone" % path)
        pytest.skip("%s is missing (MXNet facts live in ../shared)" % path)
    return path


def _gpu_available():
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


@pytest.fixture(params=["cpu", "gpu"])
def ctx(request):
    """Run a test on cpu and on gpu; gpu skips with the reason where it is unavailable."""
    import symnb as mx
    if request.param == "gpu":
        if not _gpu_available():
            pytest.skip("no GPU: CuPy is not installed or sees no CUDA device")
        return mx.gpu(0)
    return mx.cpu()
