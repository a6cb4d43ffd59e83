"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet 1.9.1's legacy rules (spec ndarray.md 5).

What is a view: ``x[int]`` and a step-1 slice of axis 0 (optionally followed by full slices
and with ``None`` anywhere) share memory with ``x``; every other key copies. No result is 0-d:
``x[1, 2]`` has shape ``(1,)``. Index arrays are integer indices, booleans included (``True``
is index 1), exactly as MXNet treats them.
"""
from __future__ import annotations

import numpy as np

from ..backends import get_backend
from .ndarray import NDArray, _is_scalar

__all__ = ["get_item", "set_item"]

_FULL = slice(None)


def _index_array(value, rt):
    if isinstance(value, NDArray):
        value = value.asnumpy()
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        arr = arr.astype(np.int64)   # bools and floats act as integer indices (MXNet)
    return rt.asarray(arr)


def _convert(key, rt):
    """Replace NDArray / list / numpy index arrays by backend integer arrays."""
    if isinstance(key, tuple):
        return tuple(_convert(k, rt) for k in key)
    if isinstance(key, (NDArray, list, np.ndarray)):
        return _index_array(key, rt)
    if isinstance(key, np.integer):
        return int(key)
    return key


def _is_view_key(key) -> bool:
    if isinstance(key, int) or key is None:
        return True
    if isinstance(key, slice):
        return key.step in (None, 1)
    if not isinstance(key, tuple):
        return False
    first = True
    for k in key:
        if k is None:
            continue
        if first:
            first = False
            if _is_view_key(k) and not isinstance(k, tuple):
                continue
            return False
        if k is Ellipsis or k == _FULL:
            continue
        return False
    return True


def _first_int_as_slice(key, size):
    """For 1-D arrays ``x[i]`` is the (1,) view ``x[i:i+1]`` (bounds checked like numpy)."""
    def to_slice(i):
        if not -size <= i < size:
            raise IndexError("index %d is out of bounds for axis 0 with size %d" % (i, size))
        i %= size
        return slice(i, i + 1)
    if isinstance(key, int):
        return to_slice(key)
    if isinstance(key, tuple):
        out, done = [], False
        for k in key:
            if not done and isinstance(k, int):
                out.append(to_slice(k))
                done = True
            else:
                out.append(k)
        return tuple(out)
    return key


def get_item(array: NDArray, key) -> NDArray:
    """``array[key]`` following MXNet's view/copy and shape rules."""
    rt = get_backend(array.context)
    key = _convert(key, rt)
    data = array._data
    if _is_view_key(key):
        if data.ndim == 1:
            key = _first_int_as_slice(key, data.shape[0])
        return NDArray(data[key], array.context)
    result = data[key]
    result = rt.xp.array(result, copy=True)
    if result.ndim == 0:
        result = result.reshape((1,))
    return NDArray(result, array.context)


def _numpy_shape(shape) -> str:
    # numpy's broadcast error prints shapes without spaces: (2,2), (4,)
    return "(%s)" % (",".join(str(d) for d in shape) + ("," if len(shape) == 1 else ""))


def set_item(array: NDArray, key, value) -> None:
    """``array[key] = value`` in place; values broadcast and are cast to ``array``'s dtype."""
    rt = get_backend(array.context)
    key = _convert(key, rt)
    data = array._data
    if data.ndim == 0 and isinstance(key, slice) and key == _FULL:
        key = Ellipsis   # ``x[:] = v`` fills a 0-d array too
    if _is_scalar(value):
        data[key] = value
        return
    if isinstance(value, NDArray):
        source, from_ndarray = value._in_backend(rt), True
    else:
        source, from_ndarray = np.asarray(value), False
        if rt.xp is not np:
            source = rt.asarray(source)
    target_shape = data[key].shape
    if not _broadcasts_to(tuple(source.shape), tuple(target_shape)):
        if from_ndarray:
            raise ValueError("operands could not be broadcast together with remapped "
                             "shapes[original->remapped]: %s and requested shape %s"
                             % (tuple(source.shape), tuple(target_shape)))
        raise ValueError("operands could not be broadcast together with remapped shapes "
                         "[original->remapped]: %s  and requested shape %s"
                         % (_numpy_shape(source.shape), _numpy_shape(target_shape)))
    data[key] = source


def _broadcasts_to(source, target) -> bool:
    if len(source) > len(target):
        extra = source[: len(source) - len(target)]
        if any(d != 1 for d in extra):
            return False
        source = source[len(extra):]
    padded = (1,) * (len(target) - len(source)) + source
    return all(s == t or s == 1 for s, t in zip(padded, target, strict=True))
