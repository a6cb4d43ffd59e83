"""DLPack exchange: ``to_dlpack_for_read``/``to_dlpack_for_write`` and ``from_dlpack``.

As in MXNet 1.9.1 a DLPack tensor travels as a ``PyCapsule`` named ``"dltensor"`` that shares
the array's memory; ``from_dlpack`` consumes it once (its name becomes ``"used_dltensor"``),
and anything else is MXNet's ``AssertionError``. NumPy (and CuPy) make and read the
capsules; symnb only checks them and wraps the result.
"""
from __future__ import annotations

import ctypes

import numpy as np

from .._writes import escape
from ..context import Context

__all__ = ["to_dlpack_for_read", "to_dlpack_for_write", "from_dlpack"]

_CONSUMED = ("AssertionError", "Invalid DLPack Tensor. DLTensor capsules can be consumed only "
             "once.")
_NAME = b"dltensor"
_CPU, _CUDA, _CUDA_HOST = 1, 2, 3          # DLDeviceType codes

_api = ctypes.pythonapi
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


class _DLTensorHead(ctypes.Structure):
    """The first fields of DLManagedTensor's DLTensor: data pointer, then the device."""
    _fields_ = [("data", ctypes.c_void_p), ("device_type", ctypes.c_int32),
                ("device_id", ctypes.c_int32)]


class _Capsule:
    """A producer object for ``np.from_dlpack``/``cupy.from_dlpack`` around a raw capsule."""

    def __init__(self, capsule, device):
        self._capsule, self._device = capsule, device

    def __dlpack__(self, stream=None, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return self._device


class _Writable:
    """The memory of a read-only import, offered writable (MXNet's arrays from DLPack are);
    the imported array stays referenced, so the producer's memory lives as long as ours."""

    def __init__(self, arr):
        self._arr = arr
        self.__array_interface__ = dict(arr.__array_interface__,
                                        data=(arr.__array_interface__["data"][0], False))


def _writable(arr):
    return arr if arr.flags.writeable else np.asarray(_Writable(arr))


def to_dlpack_for_read(data):
    """A DLPack capsule sharing ``data``'s memory, for reading (MXNet waits for pending
    writes first; symnb computes synchronously).

    >>> import symnb as mx
    >>> cap = mx.nd.to_dlpack_for_read(mx.nd.ones((2, 3)))
    >>> type(cap).__name__
    'PyCapsule'
    >>> mx.nd.from_dlpack(cap).asnumpy()
    array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """
    data.wait_to_read()
    return data._data.__dlpack__()


def to_dlpack_for_write(data):
    """A DLPack capsule sharing ``data``'s memory, for writing into it.

    >>> import symnb as mx
    >>> x = mx.nd.zeros((2,))
    >>> y = mx.nd.from_dlpack(mx.nd.to_dlpack_for_write(x))
    >>> y += 1
    >>> x.asnumpy()
    array([1., 1.], dtype=float32)
    """
    data.wait_to_read()
    escape(data._data)          # written where symnb cannot see: nothing is derived from it
    return data._data.__dlpack__()


def from_dlpack(dlpack):
    """An NDArray backed by the memory of a DLPack capsule (consumed: use it once).

    Parameters
    ----------
    dlpack : PyCapsule
        A ``"dltensor"`` capsule (``to_dlpack_for_read``, ``numpy.ndarray.__dlpack__()``...).

    Returns
    -------
    NDArray
        Sharing the capsule's memory, on its device.

    Examples
    --------
    >>> import numpy as np, symnb as mx
    >>> t = np.arange(3, dtype=np.int32)
    >>> a = mx.nd.from_dlpack(t.__dlpack__())
    >>> t[0] = 7
    >>> a.asnumpy(), a.dtype
    (array([7, 1, 2], dtype=int32), <class 'numpy.int32'>)
    """
    from .ndarray import NDArray
    if type(dlpack).__name__ != "PyCapsule" or not _api.PyCapsule_IsValid(dlpack, _NAME):
        raise AssertionError(_CONSUMED[1])
    head = _DLTensorHead.from_address(_api.PyCapsule_GetPointer(dlpack, _NAME))
    device = (int(head.device_type), int(head.device_id))
    producer = _Capsule(dlpack, device)
    if device[0] in (_CPU, _CUDA_HOST):
        data = _writable(np.from_dlpack(producer))
        escape(data)            # its producer may write it where symnb cannot see
        return NDArray(data, Context("cpu", 0))
    if device[0] == _CUDA:
        from ..backends import get_backend
        ctx = Context("gpu", device[1])
        return NDArray(get_backend(ctx).xp.from_dlpack(producer), ctx)
    raise AssertionError("from_dlpack: DLPack device type %d is not supported (only CPU and "
                         "CUDA)" % device[0])
