"""Knowing when memory that a cache derived something from is written.

An inference executor keeps its convolutions' weights reordered into oneDNN's blocked
layout, with BatchNorm folded into them (``ops/_onednn.py``), as MXNet 1.9.1 does; it must
redo that when a weight, a BatchNorm parameter or a moving statistic changes. NumPy arrays
carry no version, and one buffer can be reached through several NDArrays (views, slices,
``from_numpy``, DLPack), so symnb watches memory, not objects: a :class:`Derived` cache
*watches* the byte ranges of its sources, every write symnb makes into an array's memory
reports that array (:func:`wrote`), and a write that touches a watched range raises
:data:`GENERATION`, after which every cached entry is made again. The writers are few and
all symnb's: ``NDArray`` item assignment and ``copyto``, ``out=`` of ``mx.nd`` calls
(in-place operators and optimizer updates among them), ``mx.nd`` fills and samplers, and the
executor's writes into the outputs, gradients and auxiliary states it hands out.

Memory symnb cannot see written is never cached: :func:`escape` marks what DLPack shares
for writing (``to_dlpack_for_write``, ``from_dlpack``), whose writers are other libraries.
As in MXNet, an array handed over with ``from_numpy(zero_copy=True)`` is made read-only, so
its writes go through symnb too.

With nothing watched, :func:`wrote` costs one test.

>>> import numpy as np
>>> from symnb import _writes
>>> w = np.ones(4, np.float32)
>>> cache = _writes.Derived()
>>> cache.put('w2', (w,), w * 2)
True
>>> cache.get('w2', (w,))
array([2., 2., 2., 2.], dtype=float32)
>>> w[:2] = 5; _writes.wrote(w[:2])
>>> cache.get('w2', (w,)) is None
True
"""
from __future__ import annotations

import bisect
import weakref

import numpy as np

__all__ = ["GENERATION", "wrote", "watching", "escape", "Derived"]

GENERATION = [0]          # raised by every write into watched memory
_WATCHED: dict = {}       # (low, high) byte range -> number of Derived caches watching it
_STARTS: list = []        # the union of the watched ranges: sorted, disjoint
_ENDS: list = []
_ESCAPED: dict = {}       # id(array) -> (low, high, weakref): memory others may write


def _bounds(a):
    """The byte range ``[low, high)`` that ``a``'s elements occupy."""
    low = high = a.__array_interface__["data"][0]
    for n, stride in zip(a.shape, a.strides):
        if n == 0:
            return low, low
        if stride < 0:
            low += (n - 1) * stride
        else:
            high += (n - 1) * stride
    return low, high + a.itemsize


def _rebuild():
    spans = sorted(_WATCHED)
    starts, ends = [], []
    for low, high in spans:
        if ends and low <= ends[-1]:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    _STARTS[:], _ENDS[:] = starts, ends


def _watch(span):
    _WATCHED[span] = _WATCHED.get(span, 0) + 1
    if _WATCHED[span] == 1:
        _rebuild()


def _unwatch(spans):
    for span in spans:
        left = _WATCHED.get(span, 0) - 1
        if left > 0:
            _WATCHED[span] = left
        else:
            _WATCHED.pop(span, None)
    spans.clear()
    _rebuild()


def watching() -> bool:
    """Whether any memory is watched (else writes need not be reported).

    >>> watching() in (True, False)
    True
    """
    return bool(_STARTS)


def wrote(a) -> None:
    """Report that symnb wrote into array ``a`` (NumPy; other arrays are never watched).

    >>> wrote(np.zeros(3))
    """
    if not _STARTS or type(a) is not np.ndarray:
        return
    low, high = _bounds(a)
    i = bisect.bisect_left(_STARTS, high) - 1       # the last watched range starting below
    if i >= 0 and _ENDS[i] > low:
        GENERATION[0] += 1


def escape(a) -> None:
    """Mark NumPy array ``a``'s memory as written where symnb cannot see it (DLPack): no
    cache derives anything from it while ``a`` lives, and what was derived is dropped.

    >>> escape(np.zeros(2))
    """
    if type(a) is not np.ndarray:
        return
    key = id(a)

    def forget(ref):
        if _ESCAPED.get(key, (None, None, None))[2] is ref:
            del _ESCAPED[key]

    _ESCAPED[key] = _bounds(a) + (weakref.ref(a, forget),)
    wrote(a)
    GENERATION[0] += 1


def _escaped(span):
    low, high = span
    return any(lo < high and low < hi for lo, hi, _r in list(_ESCAPED.values()))


class Derived:
    """Values derived from NumPy arrays (``sources``), each kept until symnb writes into the
    memory of one of its sources; the sources are held, so their memory is not reused while
    an entry lives. An executor owns one; it lets go of everything with the executor.

    >>> w = np.arange(3.0)
    >>> d = Derived(); d.put(('double', 0), (w,), w * 2)
    True
    >>> d.get(('double', 0), (w,)).tolist()
    [0.0, 2.0, 4.0]
    >>> d.get(('double', 0), (w.copy(),)) is None      # other sources
    True

    ``stable`` (ids of arrays), where given, limits the sources to those arrays: an
    executor's bound arguments and auxiliary states, which only writes symnb reports change
    (its steps rewrite their own buffers every run without reporting them).
    """

    def __init__(self, stable=None):
        self._entries = {}
        self._spans = []
        self._stable = stable
        weakref.finalize(self, _unwatch, self._spans)

    def keeps(self, sources) -> bool:
        """Whether :meth:`put` would keep a value derived from ``sources``."""
        if any(type(a) is not np.ndarray for a in sources):
            return False
        if self._stable is not None and any(id(a) not in self._stable for a in sources):
            return False
        return not (_ESCAPED and any(_escaped(_bounds(a)) for a in sources))

    def get(self, key, sources):
        """The value put for ``key`` from these very ``sources``, unless written since."""
        entry = self._entries.get(key)
        if entry is None or entry[0] != GENERATION[0] or len(entry[1]) != len(sources) or \
                any(a is not b for a, b in zip(entry[1], sources)):
            return None
        return entry[2]

    def put(self, key, sources, value) -> bool:
        """Keep ``value``, derived from ``sources`` just now; False (nothing kept) where
        :meth:`keeps` says no: a source's memory is shared for writing outside symnb
        (:func:`escape`), or it is not one of the ``stable`` arrays."""
        if not self.keeps(sources):
            self._entries.pop(key, None)
            return False
        spans = [_bounds(a) for a in sources]
        for span in spans:
            if span not in self._spans:
                self._spans.append(span)
                _watch(span)
        self._entries[key] = (GENERATION[0], tuple(sources), value)
        return True

    def fetch(self, key, sources, make):
        """The value kept for ``key`` from these ``sources``, else ``make()``, kept where
        :meth:`keeps` allows (the caller holds it while it uses it either way).

        >>> w = np.ones(2)
        >>> Derived().fetch('k', (w,), lambda: w + 1).tolist()
        [2.0, 2.0]
        """
        value = self.get(key, sources)
        if value is None:
            value = make()
            self.put(key, sources, value)
        return value

    def clear(self) -> None:
        """Drop every entry and stop watching their sources."""
        self._entries.clear()
        _unwatch(self._spans)

    def __len__(self):
        return len(self._entries)
