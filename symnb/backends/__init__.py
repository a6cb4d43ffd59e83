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
    """Array namespace plus the handful of operations that differ between libraries.

    >>> from symnb import cpu
    >>> rt = get_backend(cpu())
    >>> rt is numpy_backend, rt.name, rt.xp is np
    (True, 'numpy', True)
    """

    name = "numpy"

    def __init__(self, xp, device_id=0):
        self.xp = xp
        self.device_id = device_id
        self._rng = None

    @property
    def rng(self):
        """This backend's NumPy generator, made on first use: ``numpy.random`` and the
        OpenSSL its seeding loads hold 6 MiB that a graph without random operators never
        needs (``import symnb`` stays at what it costs itself).

        >>> isinstance(Backend(np).rng, np.random.Generator)
        True
        """
        if self._rng is None:
            self._rng = np.random.default_rng()
        return self._rng

    @rng.setter
    def rng(self, value):
        self._rng = value

    def asarray(self, a, dtype=None):
        """``a`` as an array of this backend (NumPy here), cast to ``dtype`` when given.

        >>> numpy_backend.asarray([1, 2], dtype='float32')
        array([1., 2.], dtype=float32)
        """
        return self.xp.asarray(a, dtype=dtype)

    def to_numpy(self, a):
        """A backend array as a NumPy array (no copy on the NumPy backend).

        >>> a = np.ones(2)
        >>> numpy_backend.to_numpy(a) is a
        True
        """
        return np.asarray(a)

    def erf(self, x):
        """The error function, elementwise, in ``x``'s dtype.

        >>> numpy_backend.erf(np.array([0, 1], dtype=np.float32))
        array([0.       , 0.8427008], dtype=float32)
        """
        return _np_erf(x)

    def erfinv(self, x):
        """The inverse error function, elementwise (``inf`` at 1, NaN past it).

        >>> numpy_backend.erfinv(np.array([0, 0.5, 1, 2], dtype=np.float32))
        array([0.        , 0.47693628,        inf,        nan], dtype=float32)
        """
        return _np_erfinv(x)

    def gamma(self, x):
        """The gamma function, elementwise: ``inf`` at 0 and NaN at the negative integers,
        as MXNet (C's ``tgamma``) gives.

        >>> numpy_backend.gamma(np.array([5, 0.5, 0, -1]))
        array([24.        ,  1.77245385,         inf,         nan])
        """
        return _np_special(_gamma_vec, x)

    def gammaln(self, x):
        """``log|gamma(x)|``, elementwise (``inf`` at the poles).

        >>> numpy_backend.gammaln(np.array([1., 5., 0., -1.]))
        array([0.        , 3.17805383,        inf,        inf])
        """
        return _np_special(_lgamma_vec, x)

    def digamma(self, x):
        """The digamma function ``psi(x)``, the derivative of ``gammaln``, elementwise.

        >>> numpy_backend.digamma(np.array([1, 2], dtype=np.float32))
        array([-0.5772157 ,  0.42278433], dtype=float32)
        """
        return _np_digamma(x)

    def scatter_add(self, target, indices, values):
        """``target[indices] += values`` with repeated indices accumulated.

        >>> t = np.zeros(3)
        >>> numpy_backend.scatter_add(t, np.array([0, 0, 2]), np.array([1., 2., 5.])); t
        array([3., 0., 5.])
        """
        np.add.at(target, indices, values)

    def random_uniform(self, low, high, shape, dtype):
        """Samples from ``U[low, high)`` of ``shape`` and ``dtype`` (this backend's generator).

        >>> x = Backend(np).random_uniform(2, 3, (2, 3), 'float32')
        >>> x.shape, x.dtype, bool(((2 <= x) & (x < 3)).all())
        ((2, 3), dtype('float32'), True)
        """
        return self.rng.uniform(low, high, size=shape).astype(dtype, copy=False)

    def random_normal(self, loc, scale, shape, dtype):
        """Samples from ``N(loc, scale**2)`` of ``shape`` and ``dtype``.

        >>> x = Backend(np).random_normal(10, 0.1, (1000,), 'float64')
        >>> x.shape, x.dtype, bool(9.9 < x.mean() < 10.1)
        ((1000,), dtype('float64'), True)
        """
        return self.rng.normal(loc, scale, size=shape).astype(dtype, copy=False)

    def draw(self, name, *args, size=None):
        """Host (NumPy) draws from ``Generator.<name>`` (``uniform``, ``gamma``, ...): the
        samplers' values need not be MXNet's, only their distributions.

        >>> k = Backend(np).draw('integers', 0, 3, size=5)
        >>> k.shape, set(k.tolist()) <= {0, 1, 2}
        ((5,), True)
        """
        f = getattr(self.rng, name)
        return f(*args) if size is None else f(*args, size=size)

    def seed(self, value):
        """Restart this backend's generator from ``value`` (``mx.random.seed`` seeds all).

        >>> rt = Backend(np)
        >>> rt.seed(7); a = rt.random_uniform(0, 1, (3,), 'float32')
        >>> rt.seed(7); bool((a == rt.random_uniform(0, 1, (3,), 'float32')).all())
        True
        """
        self.rng = np.random.default_rng(value)

    def synchronize(self):
        """Wait until the device has finished its queued work; NumPy has none, so nothing.

        >>> numpy_backend.synchronize() is None
        True
        """
        pass


_erf_vec = np.vectorize(math.erf, otypes=[np.float64])


def _np_erf(x):
    # NumPy has no erf; math.erf per element is exact and fast enough for graph sizes here.
    return _erf_vec(x).astype(x.dtype, copy=False) if x.size else x.copy()


def _safe(f, pole):
    def g(v):
        try:
            return f(v)
        except (ValueError, OverflowError):
            return pole(v)
    return g


# poles of the gamma function: MXNet (C's tgamma/lgamma) gives inf/nan, math raises
_gamma_vec = np.vectorize(_safe(math.gamma, lambda v: math.inf if v > 0 or v == 0 else
                                math.nan), otypes=[np.float64])
_lgamma_vec = np.vectorize(_safe(math.lgamma, lambda v: math.inf), otypes=[np.float64])


def _np_special(vec, x):
    return vec(x).astype(x.dtype, copy=False) if x.size else x.copy()


def _np_digamma(x):
    """psi(x): reflection below 1/2, recurrence up to 6, then the asymptotic series."""
    v = np.asarray(x, dtype=np.float64)
    reflect = v < 0.5
    y = np.where(reflect, 1.0 - v, v)
    acc = np.zeros_like(y)
    for _ in range(6):
        small = y < 6
        acc = np.where(small, acc - 1.0 / np.where(small, y, 1.0), acc)
        y = np.where(small, y + 1.0, y)
    inv = 1.0 / (y * y)
    series = np.log(y) - 0.5 / y - inv * (1 / 12 - inv * (1 / 120 - inv * (
        1 / 252 - inv * (1 / 240 - inv / 132))))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, series + acc - math.pi / np.tan(math.pi * v), series + acc)
    return out.astype(x.dtype, copy=False)


def _np_erfinv(x):
    """Inverse error function: Giles' single-precision approximation, then Newton steps."""
    v = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - v) * (1.0 + v))
        central = w < 5
        wc = w - 2.5
        pc = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            pc = c + pc * wc
        wt = np.sqrt(np.where(central, 5.0, w)) - 3
        pt = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            pt = c + pt * wt
        y = np.where(central, pc, pt) * v
        finite = np.isfinite(y) & (np.abs(v) < 1)
        for _ in range(2):
            err = _np_erf(np.where(finite, y, 0.0)) - v
            y = np.where(finite, y - err / (2 / math.sqrt(math.pi) * np.exp(-y * y)), y)
        y = np.where(np.abs(v) == 1, np.sign(v) * np.inf, y)
        y = np.where(np.abs(v) > 1, np.nan, y)
    return y.astype(x.dtype, copy=False)


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

    def erfinv(self, x):
        return self._special.erfinv(x)

    def gamma(self, x):
        return self._special.gamma(x)

    def gammaln(self, x):
        return self._special.gammaln(x)

    def digamma(self, x):
        return self._special.digamma(x)

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
            if _SEEDED:                 # mx.random.seed came before this GPU's first use
                backend.seed(_SEEDED[-1])
    return backend


_SEEDED = []


def seed_all(value):
    """Seed every device's generator, those not used yet included (as ``mx.random.seed``).

    >>> seed_all(3); a = numpy_backend.rng.random(); seed_all(3)
    >>> a == numpy_backend.rng.random()
    True
    """
    _SEEDED[:] = [value]
    numpy_backend.seed(value)
    for backend in _gpu_backends.values():
        backend.seed(value)
