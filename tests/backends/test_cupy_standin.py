"""The CPU stand-in for CuPy (tests/_standin) refuses what real CuPy refuses.

These run in the stand-in pass only (``SYMNB_CUPY_STANDIN=1``, ``make test-gpu-standin``):
importing the stand-in in the plain pass would make every later test see a GPU.
"""
import os

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(os.environ.get("SYMNB_CUPY_STANDIN") != "1",
                                reason="the CuPy stand-in pass only (SYMNB_CUPY_STANDIN=1)")


@pytest.fixture
def cp():
    import cupy
    assert cupy.__standin__
    return cupy


def test_standin_device_arrays_are_not_numpy(cp):
    a = cp.asarray(np.arange(6.0).reshape(2, 3))
    assert not isinstance(a, np.ndarray) and type(a).__module__ == "cupy"
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array"):
        np.asarray(a)
    for mixed in (lambda: a + np.ones(3), lambda: np.ones(3) * a, lambda: cp.add(a, [1, 2, 3]),
                  lambda: cp.concatenate([a, np.ones((1, 3))])):
        with pytest.raises(TypeError, match="Unsupported type"):
            mixed()
    assert type(a.sum()) is cp.ndarray and a.sum().shape == ()      # 0-d, not a scalar
    assert type(a[0, 1]) is cp.ndarray and float(a[0, 1]) == 1.0
    assert cp.asnumpy(a).tolist() == [[0, 1, 2], [3, 4, 5]] and type(a.get()) is np.ndarray


def test_standin_numpy_api_dispatches_like_cupy(cp):
    a = cp.asarray(np.arange(4.0))
    assert type(np.sum(a)) is cp.ndarray and float(np.sum(a)) == 6.0   # __array_function__
    assert type(np.exp(a)) is cp.ndarray                                 # __array_ufunc__
    assert bool(np.float32(1) < a[2])                                    # numpy/numpy#12142


def test_standin_setitem_and_fill(cp):
    a = cp.zeros((2, 3))
    a[0] = 2.0
    a[1, :2] = np.array(3.0)                       # 0-d NumPy: a scalar
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray cannot be used for fill"):
        a[0] = np.ones(3)                          # basic index: CuPy's fill refuses it
    a[np.array([0, 1])] = np.ones(3)               # advanced index: converted
    a[cp.asarray([True, False])] = cp.full(3, 7.0)
    assert a.get().tolist() == [[7, 7, 7], [1, 1, 1]]


def test_standin_has_only_cupys_names_and_keywords(cp):
    assert not hasattr(cp, "vectorize_not_in_cupy")
    for numpy_only in ("insert", "frompyfunc", "nanquantile", "errstate"):
        assert hasattr(np, numpy_only) and not hasattr(cp, numpy_only)
    a = cp.ones((2, 2))
    with pytest.raises(TypeError, match="unexpected keyword argument 'initial'"):
        a.sum(initial=0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'where'"):
        cp.sum(a, where=a > 0)
    assert float(cp.sum(a, axis=0, keepdims=True)[0, 0]) == 2.0


def test_standin_device_and_random(cp):
    assert cp.cuda.runtime.getDeviceCount() == 1
    with cp.cuda.Device(0):
        pass
    with pytest.raises(cp.cuda.CUDARuntimeError):
        cp.cuda.Device(1)
    g = cp.random.default_rng(0)
    assert g.standard_normal((2, 2), dtype=np.float32).dtype == np.float32
    assert type(g.random(3)) is cp.ndarray
