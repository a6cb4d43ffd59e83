"""Array backends behind one small interface: NumPy (cpu) and CuPy (gpu).

A backend is what operator code sees as ``rt``: ``rt.xp`` (the array namespace), a random
generator, and the few functions NumPy and CuPy spell differently. CuPy is imported only when
a gpu context is first used, so ``import symnb`` never imports it.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import MXNetError

__all__ = ["Backend", "get_backend", "numpy_backend"]


class Backend:
    """Array namespace plus the handful of operations that differ between libraries."""

    name = "numpy"

    def __init__(self, xp, device_id=0):
        self.xp = xp
        self.device_id = device_id
        self.rng = np.random.default_rng()

    def asarray(self, a, dtype=None):
        return self.xp.asarray(a, dtype=dtype)

    def to_numpy(self, a):
        return np.asarray(a)

    def erf(self, x):
        return _np_erf(x)

    def erfinv(self, x):
        raise NotImplementedError

    def scatter_add(self, target, indices, values):
        """``target[indices] += values`` with repeated indices accumulated."""
        np.add.at(target, indices, values)

    def random_uniform(self, low, high, shape, dtype):
        return self.rng.uniform(low, high, size=shape).astype(dtype, copy=False)

    def random_normal(self, loc, scale, shape, dtype):
        return self.rng.normal(loc, scale, size=shape).astype(dtype, copy=False)

    def seed(self, value):
        self.rng = np.random.default_rng(value)

    def synchronize(self):
        pass


_erf_vec = np.vectorize(math.erf, otypes=[np.float64])


def _np_erf(x):
    # NumPy has no erf; math.erf per element is exact and fast enough for graph sizes here.
    return _erf_vec(x).astype(x.dtype, copy=False) if x.size else x.copy()


class CupyBackend(Backend):
    name = "cupy"

    def __init__(self, cupy, device_id):
        super().__init__(cupy, device_id)
        self.cupy = cupy
        import cupyx.scipy.special as special
        self._special = special
        self.rng_gpu = cupy.random.default_rng()

    def to_numpy(self, a):
        return self.cupy.asnumpy(a)

    def erf(self, x):
        return self._special.erf(x)

    def scatter_add(self, target, indices, values):
        import cupyx
        cupyx.scatter_add(target, indices, values)

    def random_uniform(self, low, high, shape, dtype):
        return self.rng_gpu.uniform(low, high, size=shape).astype(dtype, copy=False)

    def random_normal(self, loc, scale, shape, dtype):
        return (self.rng_gpu.standard_normal(size=shape) * scale + loc).astype(dtype, copy=False)

    def seed(self, value):
        self.rng_gpu = self.cupy.random.default_rng(value)
        super().seed(value)

    def synchronize(self):
        self.cupy.cuda.Device(self.device_id).synchronize()


numpy_backend = Backend(np)
_gpu_backends: dict[int, CupyBackend] = {}


def get_backend(ctx) -> Backend:
    """The backend for a context: NumPy for cpu kinds, CuPy for gpu (clear error if absent).

    >>> from symnb import cpu
    >>> get_backend(cpu()).name
    'numpy'
    """
    if ctx.device_type != "gpu":
        return numpy_backend
    backend = _gpu_backends.get(ctx.device_id)
    if backend is None:
        try:
            import cupy
        except ImportError:
            raise MXNetError("MXNetError: %s needs CuPy, which is not installed. Install it with "
                             "`pip install 'symnb[gpu]'` (cupy-cuda12x) on a machine with an "
                             "NVIDIA GPU." % ctx) from None
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as e:  # no driver / no device
            raise MXNetError("MXNetError: %s needs a CUDA GPU, but CuPy found none (%s)."
                             % (ctx, e)) from None
        if ctx.device_id >= count:
            raise MXNetError("MXNetError: %s does not exist: CuPy sees %d GPU(s)."
                             % (ctx, count))
        with cupy.cuda.Device(ctx.device_id):
            backend = _gpu_backends[ctx.device_id] = CupyBackend(cupy, ctx.device_id)
    return backend


def seed_all(value):
    numpy_backend.seed(value)
    for backend in _gpu_backends.values():
        backend.seed(value)
