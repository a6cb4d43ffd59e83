"""Direct calls into the BLAS that NumPy itself links, for GEMMs NumPy cannot express.

NumPy's ``matmul`` always overwrites its output and wants its operands as whole arrays.
The tap convolutions of ``conv.py`` need two more things of a GEMM: accumulation
(``C = A @ B + C``, BLAS's ``beta = 1``) and operands that are windows into a larger buffer
(a row stride larger than the row, BLAS's ``lda``), so that a kernel offset is just a pointer
offset and no im2col copy is made. Both are plain ``cblas_?gemm`` arguments.

The library is the one NumPy's wheels ship (OpenBLAS built as ``scipy_openblas64_``, 64-bit
integers); it is found, bound with :mod:`ctypes` (which releases the GIL during the call) and
checked against ``np.matmul`` on first use. Anything else (another BLAS, another platform, a
failed check) gives ``None`` from :func:`gemm_for`, and the callers keep their NumPy paths.
``SYMNB_BLAS_TAPS=0`` turns the direct path off.
"""
from __future__ import annotations

import ctypes
import glob
import os
import threading

import numpy as np

__all__ = ["gemm_for", "blas_controllers"]

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
# (symbol prefix, suffix, integer type): NumPy's manylinux/macOS wheels (64-bit OpenBLAS with
# the scipy_ prefix), then a plain 64-bit-suffixed OpenBLAS
_FLAVOURS = (("scipy_cblas_", "64_", ctypes.c_int64), ("cblas_", "64_", ctypes.c_int64))
_STATE = {}
_LOCK = threading.Lock()


def _candidate_libraries():
    """Paths of BLAS libraries NumPy may have loaded: its wheel's bundled copies first, then
    what the process has mapped (Linux)."""
    root = os.path.dirname(np.__file__)
    for pattern in ("../numpy.libs/*openblas*", ".dylibs/*openblas*", "../numpy/.dylibs/*"):
        yield from sorted(glob.glob(os.path.join(root, pattern)))
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            seen = {line.split()[-1] for line in maps if "blas" in line.lower()}
        yield from sorted(p for p in seen if p.startswith("/"))
    except OSError:
        pass


class _Gemm:
    """``c = alpha * op(a) @ op(b) + beta * c`` on raw pointers, row-major, for one dtype."""

    __slots__ = ("_fn", "_scalar")

    def __init__(self, fn, scalar):
        self._fn, self._scalar = fn, scalar

    def __call__(self, m, n, k, a, lda, b, ldb, c, ldc, beta=0.0, trans_a=False,
                 trans_b=False):
        """Multiply: ``a``, ``b``, ``c`` are addresses (``arr.ctypes.data + byte offset``)
        and ``lda``/``ldb``/``ldc`` their row strides in elements, as in CBLAS."""
        self._fn(_ROW_MAJOR, _TRANS if trans_a else _NO_TRANS,
                 _TRANS if trans_b else _NO_TRANS, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc)


def _bind(lib, prefix, suffix, int_t):
    out = {}
    for letter, dtype, scalar in (("s", np.float32, ctypes.c_float),
                                  ("d", np.float64, ctypes.c_double)):
        fn = getattr(lib, "%s%sgemm%s" % (prefix, letter, suffix))
        fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, int_t, int_t, int_t, scalar,
                       ctypes.c_void_p, int_t, ctypes.c_void_p, int_t, scalar,
                       ctypes.c_void_p, int_t]
        fn.restype = None
        out[np.dtype(dtype)] = _Gemm(fn, scalar)
    return out


def _self_test(gemms) -> bool:
    """Each bound GEMM against ``np.matmul``, with a strided operand, a transpose and
    accumulation, as the convolutions use them."""
    rng = np.random.default_rng(0)
    for dtype, gemm in gemms.items():
        a = rng.standard_normal((5, 9)).astype(dtype)         # a[:, 1:8] is a (5, 7) window
        b = rng.standard_normal((6, 7)).astype(dtype)         # used as b.T: (7, 6)
        c = rng.standard_normal((5, 6)).astype(dtype)
        want = a[:, 1:8] @ b.T + c
        got = c.copy()
        gemm(5, 6, 7, a.ctypes.data + a.itemsize, 9, b.ctypes.data, 7, got.ctypes.data, 6,
             beta=1.0, trans_b=True)
        if not np.allclose(got, want, rtol=1e-4, atol=1e-4):
            return False
    return True


def _load():
    if os.environ.get("SYMNB_BLAS_TAPS", "1") == "0":
        return None
    for path in _candidate_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix, int_t in _FLAVOURS:
            if hasattr(lib, "%ssgemm%s" % (prefix, suffix)):
                try:
                    gemms = _bind(lib, prefix, suffix, int_t)
                except AttributeError:
                    continue
                if _self_test(gemms):
                    return gemms
    return None


def gemm_for(dtype):
    """The direct GEMM for ``dtype`` (float32 or float64), or ``None`` where NumPy's BLAS
    cannot be called directly (the caller then uses ``np.matmul``).

    >>> import numpy as np
    >>> gemm = gemm_for(np.float64)
    >>> a, b, c = np.ones((2, 3)), np.ones((3, 2)), np.ones((2, 2))
    >>> if gemm is not None:          # c += a @ b
    ...     gemm(2, 2, 3, a.ctypes.data, 3, b.ctypes.data, 2, c.ctypes.data, 2, beta=1.0)
    ... else:
    ...     c += a @ b
    >>> c
    array([[4., 4.],
           [4., 4.]])
    """
    if "gemms" not in _STATE:
        with _LOCK:
            if "gemms" not in _STATE:
                _STATE["gemms"] = _load()
    gemms = _STATE["gemms"]
    return None if gemms is None else gemms.get(np.dtype(dtype))


def blas_controllers() -> list:
    """threadpoolctl's controllers of NumPy's BLAS (read once), or [] without threadpoolctl;
    the convolution splits and the oneDNN plans set its thread count through them.

    >>> isinstance(blas_controllers(), list)
    True
    """
    with _LOCK:
        if "controllers" not in _STATE:
            try:
                from threadpoolctl import ThreadpoolController
                _STATE["controllers"] = [c for c in ThreadpoolController().lib_controllers
                                         if c.user_api == "blas"]
            except Exception:       # threadpoolctl absent or unable to read the BLAS
                _STATE["controllers"] = []
        return _STATE["controllers"]
