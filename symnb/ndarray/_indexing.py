"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet 1.9.1's legacy rules (spec ndarray.md 5).

What is a view: a basic key (ints, slices, ``None``, ``...``) whose selection is contiguous in
memory by MXNet's rule (``slice_is_contiguous``: ``x[1]``, ``x[1:3]``, ``x[1, 2]``, ``x[1:2, 1:3]``)
shares memory with ``x``; every other key copies (``x[:, 1]``, ``x[::2]``). No result is 0-d:
``x[1, 2]`` has shape ``(1,)``. Index arrays are integer indices, booleans included (``True``
is index 1), exactly as MXNet treats them.
"""
from __future__ import annotations

import numpy as np

from .._writes import wrote
from ..backends import get_backend
from .ndarray import NDArray, _is_scalar

__all__ = ["get_item", "set_item", "slice_is_contiguous"]

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


def slice_is_contiguous(slices, shape) -> bool:
    """MXNet's rule for when basic indexing gives a view: reading the axes right to left,
    once an axis is cut to a proper subset every axis further left keeps at most one
    element; an axis with more than one element must step by 1. ``slices`` holds one
    ``slice`` per axis of ``shape``.

    >>> slice_is_contiguous((slice(1, 2), slice(1, 3)), (3, 4))
    True
    >>> slice_is_contiguous((slice(None), slice(1, 3)), (3, 4))
    False
    """
    assert len(slices) == len(shape)
    lengths = [len(range(*k.indices(n))) for k, n in zip(slices, shape, strict=True)]
    if int(np.prod(lengths)) in (0, 1):
        return True
    cut = False
    for k, n, length in zip(reversed(slices), reversed(shape), reversed(lengths),
                            strict=True):
        step = k.indices(n)[2]
        if length == 0:
            return True
        if length > 1 and step != 1:
            return False
        if cut and length > 1:
            return False
        cut = cut or length < n
    return True


def _basic_view(data, key):
    """The view MXNet returns for a basic key (ints, slices, None, one Ellipsis) whose
    slices are contiguous; None when the key must copy instead. Ints act as one-element
    slices whose axis is then dropped, so ``x[1, 2]`` is a (1,) view."""
    keys = key if isinstance(key, tuple) else (key,)
    if not all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in keys):
        return None
    if sum(k is Ellipsis for k in keys) > 1:
        return None
    n_axes = sum(k is not None and k is not Ellipsis for k in keys)
    if n_axes > data.ndim:
        return None                      # let the copy path raise numpy's error
    expanded = []
    for k in keys:
        expanded.extend([_FULL] * (data.ndim - n_axes) if k is Ellipsis else [k])
    if Ellipsis not in keys:
        expanded.extend([_FULL] * (data.ndim - n_axes))
    slices, shape, axis = [], [], 0
    for k in expanded:
        if k is None:
            shape.append(1)
            continue
        size = data.shape[axis]
        if isinstance(k, int):
            if not -size <= k < size:
                raise IndexError("index %d is out of bounds for axis %d with size %d"
                                 % (k, axis, size))
            slices.append(slice(k % size, k % size + 1))
        else:
            slices.append(k)
            shape.append(len(range(*k.indices(size))))
        axis += 1
    if not slice_is_contiguous(slices, data.shape):
        return None
    return data[tuple(slices)].reshape(tuple(shape) or (1,))


def get_item(array: NDArray, key) -> NDArray:
    """``array[key]`` following MXNet's view/copy and shape rules."""
    rt = get_backend(array.context)
    key = _convert(key, rt)
    data = array._data
    view = _basic_view(data, key)
    if view is not None:
        return NDArray(view, array.context)
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
        wrote(data)
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
    if source.ndim > len(target_shape):
        # leading 1s broadcast away (MXNet: ``b[0] = np.array([v])`` on a 1-D array); NumPy
        # refuses to put a (1,) array into a scalar slot, so drop them first
        source = source.reshape(tuple(source.shape[source.ndim - len(target_shape):]))
    data[key] = source
    wrote(data)


def _broadcasts_to(source, target) -> bool:
    if len(source) > len(target):
        extra = source[: len(source) - len(target)]
        if any(d != 1 for d in extra):
            return False
        source = source[len(extra):]
    padded = (1,) * (len(target) - len(source)) + source
    return all(s == t or s == 1 for s, t in zip(padded, target, strict=True))
