"""MXNet's reshape codes (0, -1, -2, -3, -4, ``reverse``) resolved against a known shape.

Used by ``NDArray.reshape`` (spec ndarray.md 4.1); the rules are those of the ``Reshape``
operator, applied left to right over the target codes while consuming input dimensions.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError

__all__ = ["infer_reshape"]


def infer_reshape(dshape: tuple, codes: tuple, reverse: bool = False) -> tuple:
    """The shape ``codes`` denote for an input of shape ``dshape``.

    >>> infer_reshape((2, 3, 4), (0, -4, -1, 1, 0))
    (2, 3, 1, 4)
    >>> infer_reshape((2, 3, 4), (-1, 0), reverse=True)
    (6, 4)
    """
    dims, codes = list(dshape), list(codes)
    if reverse:
        dims.reverse()
        codes.reverse()
    out: list[int] = []
    src, inferred, i = 0, -1, 0
    while i < len(codes):
        code = codes[i]
        if code > 0:
            out.append(code)
            src += 1
        elif code == 0:
            out.append(_dim(dims, src, codes))
            src += 1
        elif code == -1:
            if inferred >= 0:
                raise MXNetError("MXNetError: Check failed: inf_idx < 0 (%d vs. 0) : One and only "
                                 "one dim can be inferred" % inferred)
            inferred = len(out)
            out.append(1)
            src += 1
        elif code == -2:
            out.extend(dims[src:])
            src = len(dims)
        elif code == -3:
            out.append(_dim(dims, src, codes) * _dim(dims, src + 1, codes))
            src += 2
        elif code == -4:
            if i + 2 >= len(codes):
                raise MXNetError("MXNetError: Check failed: i + 2 < param_shape_vec.size(): "
                                 "-4 needs two following dims")
            whole, d1, d2 = _dim(dims, src, codes), codes[i + 1], codes[i + 2]
            src += 1
            i += 2
            if d1 == -1 and d2 == -1:
                raise MXNetError("MXNetError: Check failed: d1 != -1 || d2 != -1: Split dims "
                                 "cannot both be -1.")
            d1 = whole // d2 if d1 == -1 else d1
            d2 = whole // d1 if d2 == -1 else d2
            if d1 * d2 != whole:
                raise MXNetError("MXNetError: Check failed: d1 * d2 == d0 (%d vs. %d) : Split "
                                 "dims %d, %d do not divide original dim %d"
                                 % (d1 * d2, whole, d1, d2, whole))
            out += [d1, d2]
        else:
            raise MXNetError("MXNetError: Invalid reshape code %d in %s" % (code, tuple(codes)))
        i += 1
    if inferred >= 0:
        known = int(np.prod([d for j, d in enumerate(out) if j != inferred], dtype=np.int64))
        total = int(np.prod(dims, dtype=np.int64))
        out[inferred] = total // known if known else 0
    if reverse:
        out.reverse()
    return tuple(int(d) for d in out)


def _dim(dims, index, codes):
    if index >= len(dims):
        raise MXNetError("MXNetError: Check failed: src_idx < dshape_len: reshape code list %s "
                         "uses more input dimensions than the %d the array has"
                         % (tuple(codes), len(dims)))
    return dims[index]
