"""Data iterators: ``DataDesc``, ``DataBatch``, ``DataIter`` and the Python iterators.

The batching of ``NDArrayIter`` follows MXNet 1.9.1 step for step, quirks included: a cursor
that starts at ``-batch_size``; ``'pad'`` fills the last batch from the start of the data;
``'discard'`` stops at the first short batch; ``'roll_over'`` caches the short last batch and
prepends it to the first batch of the next epoch, whose ``pad`` then reports the number of
rolled-over examples. Shuffling uses NumPy's global generator, as MXNet does.
"""
from __future__ import annotations

import threading
from collections import namedtuple

import numpy as np

from .. import ndarray as nd
from .._checks import mx_assert
from ..ndarray import NDArray
from .utils import _getdata_by_idx, _init_data

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter", "NDArrayIter"]

_REAL_T = np.float32  # MXNet's mx_real_t


def _slice_copy(arr, axis, begin, end):
    """``slice_axis`` (a copy, as MXNet's iterator gives); in-range batch-axis-0 slices take
    a direct copy, anything else goes through the operator (and its error texts)."""
    if axis == 0 and 0 <= begin <= end <= arr.shape[0]:
        return NDArray(arr._data[begin:end].copy(), arr.context)
    return nd.slice_axis(arr, axis=axis, begin=begin, end=end)


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one input: a ``(name, shape)`` tuple with extras.

    Parameters
    ----------
    name : str
        Data name.
    shape : tuple of int
        Data shape.
    dtype : numpy type, optional
        Data type (``numpy.float32``).
    layout : str, optional
        Data layout (``'NCHW'``); ``'N'`` marks the batch axis.

    >>> import symnb as mx
    >>> d = mx.io.DataDesc('data', (32, 3, 8, 8))
    >>> d
    DataDesc[data,(32, 3, 8, 8),<class 'numpy.float32'>,NCHW]
    >>> d == ('data', (32, 3, 8, 8)), d.name, d.layout
    (True, 'data', 'NCHW')
    """

    def __new__(cls, name, shape, dtype=_REAL_T, layout="NCHW"):
        ret = super().__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        """The batch axis of ``layout``: the index of ``'N'`` (0 when ``layout`` is None).

        >>> import symnb as mx
        >>> mx.io.DataDesc.get_batch_axis('TNC'), mx.io.DataDesc.get_batch_axis(None)
        (1, 0)
        """
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes, types):
        """``DataDesc``s from ``(name, shape)`` pairs and optional ``(name, dtype)`` pairs.

        >>> import symnb as mx, numpy as np
        >>> mx.io.DataDesc.get_list([('a', (2,))], [('a', np.int32)])
        [DataDesc[a,(2,),<class 'numpy.int32'>,NCHW]]
        """
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: lists of data and label arrays, with pad, index and bucket key.

    Parameters
    ----------
    data : list of NDArray
        The inputs, one array per data name.
    label : list of NDArray, optional
        The labels.
    pad : int, optional
        Examples padded at the end of the batch (ignored by prediction).
    index : numpy.ndarray, optional
        Indices of the examples in this batch.
    bucket_key : optional
        The bucket key (BucketingModule).
    provide_data, provide_label : list of DataDesc, optional
        Descriptions of ``data`` / ``label``.

    >>> import symnb as mx
    >>> print(mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))], pad=0))
    DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]
    """

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None:
            mx_assert(isinstance(data, (list, tuple)), "Data must be list of NDArrays")
        if label is not None:
            mx_assert(isinstance(label, (list, tuple)), "Label must be list of NDArrays")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [lab.shape for lab in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(
            self.__class__.__name__, data_shapes, label_shapes)


class DataIter:
    """Base class of data iterators: ``next()`` gives a ``DataBatch`` or raises StopIteration.

    Subclasses implement ``iter_next`` and ``getdata``/``getlabel``/``getpad`` (and
    ``getindex``), or override ``next``.

    Parameters
    ----------
    batch_size : int, optional
        Examples per batch.

    >>> import symnb as mx
    >>> class Two(mx.io.DataIter):
    ...     def __init__(self):
    ...         super().__init__(batch_size=1)
    ...         self.n = 0
    ...     def iter_next(self):
    ...         self.n += 1
    ...         return self.n <= 2
    ...     def getdata(self):
    ...         return [mx.nd.full((1,), self.n)]
    ...     def getpad(self):
    ...         return 0
    >>> [b.data[0].asnumpy().tolist() for b in Two()]
    [[1.0], [2.0]]
    """

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Reset the iterator to the beginning of the data.

        The base has nothing to rewind; iterators with state override it.

        >>> import symnb as mx
        >>> it = mx.io.DataIter(batch_size=2)
        >>> it.reset(), it.batch_size
        (None, 2)
        """

    def next(self):
        """The next ``DataBatch``; raises ``StopIteration`` at the end.

        It calls ``iter_next`` and builds the batch from ``getdata``, ``getlabel``,
        ``getpad`` and ``getindex`` (``ResizeIter`` uses it as is).

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(2), batch_size=2), 1)
        >>> print(it.next())
        DataBatch: data shapes: [(2,)] label shapes: None
        >>> it.next()
        Traceback (most recent call last):
        ...
        StopIteration
        """
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Move to the next batch; True if there is one.

        Subclasses implement it; the base has no batches (None, so ``next`` stops).

        >>> import symnb as mx
        >>> print(mx.io.DataIter().iter_next())
        None
        """

    def getdata(self):
        """The data of the current batch.

        Subclasses implement it (a list of NDArrays); the base gives None.

        >>> import symnb as mx
        >>> print(mx.io.DataIter().getdata())
        None
        """

    def getlabel(self):
        """The label of the current batch.

        Subclasses implement it (a list of NDArrays); the base gives None.

        >>> import symnb as mx
        >>> print(mx.io.DataIter().getlabel())
        None
        """

    def getindex(self):
        """The indices of the current batch (None).

        >>> import symnb as mx
        >>> print(mx.io.DataIter().getindex())
        None
        """
        return None

    def getpad(self):
        """The number of padded examples in the current batch.

        Subclasses implement it; the base gives None.

        >>> import symnb as mx
        >>> print(mx.io.DataIter().getpad())
        None
        """


class ResizeIter(DataIter):
    """Present ``data_iter`` as ``size`` batches per epoch, restarting it when it runs out.

    Parameters
    ----------
    data_iter : DataIter
        The iterator to resize.
    size : int
        Batches per epoch.
    reset_internal : bool
        Whether ``reset`` also resets ``data_iter``.

    >>> import symnb as mx
    >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2), 3)
    >>> [b.data[0].asnumpy().tolist() for b in it]
    [[0.0, 1.0], [2.0, 3.0], [0.0, 1.0]]
    """

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        """Start a new epoch of ``size`` batches (resetting ``data_iter`` if
        ``reset_internal``, else it goes on where it stopped).

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2), 1,
        ...                       reset_internal=False)
        >>> [b.data[0].asnumpy().tolist() for b in it]
        [[0.0, 1.0]]
        >>> it.reset(); [b.data[0].asnumpy().tolist() for b in it]
        [[2.0, 3.0]]
        """
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        """Take the next batch of ``data_iter`` (restarting it when it runs out); False
        once ``size`` batches were given.

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2), 3)
        >>> [it.iter_next() for _ in range(4)]
        [True, True, True, False]
        """
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self):
        """The data of the current batch (that of ``data_iter``).

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2), 3)
        >>> it.iter_next(), [d.asnumpy().tolist() for d in it.getdata()]
        (True, [[0.0, 1.0]])
        """
        return self.current_batch.data

    def getlabel(self):
        """The label of the current batch (that of ``data_iter``).

        >>> import symnb as mx
        >>> inner = mx.io.NDArrayIter(mx.nd.arange(4), mx.nd.array([5, 6, 7, 8]), batch_size=2)
        >>> it = mx.io.ResizeIter(inner, 3)
        >>> it.iter_next(), [lab.asnumpy().tolist() for lab in it.getlabel()]
        (True, [[5.0, 6.0]])
        """
        return self.current_batch.label

    def getindex(self):
        """The index of the current batch (that of ``data_iter``; NDArrayIter gives None).

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2), 3)
        >>> it.iter_next(), it.getindex()
        (True, None)
        """
        return self.current_batch.index

    def getpad(self):
        """The pad of the current batch (that of ``data_iter``).

        >>> import symnb as mx
        >>> it = mx.io.ResizeIter(mx.io.NDArrayIter(mx.nd.arange(3), batch_size=2), 2)
        >>> [(it.iter_next(), it.getpad()) for _ in range(2)]
        [(True, 0), (True, 1)]
        """
        return self.current_batch.pad


def _renamed(descs, renames):
    if renames is None:
        return sum(descs, [])
    return sum([[DataDesc(r[x.name], x.shape, x.dtype) if isinstance(x, DataDesc)
                 else DataDesc(*x) for x in group]
                for r, group in zip(renames, descs)], [])


class PrefetchingIter(DataIter):
    """Fetch the next batch of one or more iterators in background threads.

    The batches of several iterators are joined (data lists and label lists concatenated).

    Parameters
    ----------
    iters : DataIter or list of DataIter
        The iterators; they must give the same number of batches with equal pads.
    rename_data, rename_label : list of dict, optional
        Per iterator, ``{old name: new name}`` for ``provide_data``/``provide_label``.

    >>> import symnb as mx
    >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2),
    ...                            rename_data=[{'data': 'x'}])
    >>> it.provide_data, [b.data[0].asnumpy().tolist() for b in it]
    ([DataDesc[x,(2,),<class 'numpy.float32'>,NCHW]], [[0.0, 1.0], [2.0, 3.0]])
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        self.n_iter = len(iters)
        mx_assert(self.n_iter > 0)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.data_ready = [threading.Event() for _ in range(self.n_iter)]
        self.data_taken = [threading.Event() for _ in range(self.n_iter)]
        for event in self.data_taken:
            event.set()
        self.started = True
        self.current_batch = None
        self.next_batch = [None for _ in range(self.n_iter)]
        self.prefetch_threads = [threading.Thread(target=self._prefetch, args=(i,), daemon=True)
                                 for i in range(self.n_iter)]
        for thread in self.prefetch_threads:
            thread.start()

    def _prefetch(self, i):
        while True:
            self.data_taken[i].wait()
            if not self.started:
                break
            try:
                self.next_batch[i] = self.iters[i].next()
            except StopIteration:
                self.next_batch[i] = None
            self.data_taken[i].clear()
            self.data_ready[i].set()

    def __del__(self):
        self.started = False
        for event in getattr(self, "data_taken", ()):
            event.set()
        for thread in getattr(self, "prefetch_threads", ()):
            thread.join()

    @property
    def provide_data(self):
        """The ``DataDesc``s of all the iterators' data, in order, renamed by ``rename_data``.

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter([mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2),
        ...                             mx.io.NDArrayIter(mx.nd.ones((4, 3)), batch_size=2)],
        ...                            rename_data=[{'data': 'a'}, {'data': 'b'}])
        >>> [(d.name, d.shape) for d in it.provide_data]
        [('a', (2,)), ('b', (2, 3))]
        """
        return _renamed([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self):
        """The ``DataDesc``s of all the iterators' labels, renamed by ``rename_label``.

        >>> import symnb as mx
        >>> inner = mx.io.NDArrayIter(mx.nd.arange(4), mx.nd.zeros(4), batch_size=2)
        >>> it = mx.io.PrefetchingIter(inner, rename_label=[{'softmax_label': 'y'}])
        >>> [(d.name, d.shape) for d in it.provide_label]
        [('y', (2,))]
        """
        return _renamed([i.provide_label for i in self.iters], self.rename_label)

    def reset(self):
        """Wait for the pending prefetch, reset every iterator and prefetch again.

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
        >>> len(list(it)), len(list(it))
        (2, 0)
        >>> it.reset(); len(list(it))
        2
        """
        for event in self.data_ready:
            event.wait()
        for it in self.iters:
            it.reset()
        for event in self.data_ready:
            event.clear()
        for event in self.data_taken:
            event.set()

    def iter_next(self):
        """Take the prefetched batches as the current (joined) batch and start fetching the
        next; False at the end.

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
        >>> [it.iter_next() for _ in range(3)]
        [True, True, False]
        """
        for event in self.data_ready:
            event.wait()
        if self.next_batch[0] is None:
            for batch in self.next_batch:
                mx_assert(batch is None, "Number of entry mismatches between iterators")
            return False
        for batch in self.next_batch:
            mx_assert(batch.pad == self.next_batch[0].pad,
                      "Number of entry mismatches between iterators")
        self.current_batch = DataBatch(sum([b.data for b in self.next_batch], []),
                                       sum([b.label for b in self.next_batch], []),
                                       self.next_batch[0].pad, self.next_batch[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        for event in self.data_ready:
            event.clear()
        for event in self.data_taken:
            event.set()
        return True

    def next(self):
        """The next joined ``DataBatch``; raises ``StopIteration`` at the end.

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
        >>> it.next().data[0].asnumpy(), it.next().data[0].asnumpy()
        (array([0., 1.], dtype=float32), array([2., 3.], dtype=float32))
        """
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self):
        """The data of the current batch: the iterators' data lists joined.

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter([mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2),
        ...                             mx.io.NDArrayIter(mx.nd.ones((4, 3)), batch_size=2)])
        >>> it.iter_next(), [d.shape for d in it.getdata()]
        (True, [(2,), (2, 3)])
        """
        return self.current_batch.data

    def getlabel(self):
        """The label of the current batch: the iterators' label lists joined.

        >>> import symnb as mx
        >>> inner = mx.io.NDArrayIter(mx.nd.arange(4), mx.nd.array([5, 6, 7, 8]), batch_size=2)
        >>> it = mx.io.PrefetchingIter(inner)
        >>> it.iter_next(), [lab.asnumpy().tolist() for lab in it.getlabel()]
        (True, [[5.0, 6.0]])
        """
        return self.current_batch.label

    def getindex(self):
        """The index of the current batch (the first iterator's; NDArrayIter gives None).

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
        >>> it.iter_next(), it.getindex()
        (True, None)
        """
        return self.current_batch.index

    def getpad(self):
        """The pad of the current batch (equal in all the iterators).

        >>> import symnb as mx
        >>> it = mx.io.PrefetchingIter(mx.io.NDArrayIter(mx.nd.arange(3), batch_size=2))
        >>> [(it.iter_next(), it.getpad()) for _ in range(2)]
        [(True, 0), (True, 1)]
        """
        return self.current_batch.pad


class NDArrayIter(DataIter):
    """Iterate over NDArrays or numpy arrays (one, a list, or a dict of them) in batches.

    Parameters
    ----------
    data : array, list of arrays or dict of str to array
        The inputs. One array is named ``data_name``; a list of several is named
        ``_<i>_<data_name>``; names are sorted.
    label : array, list of arrays or dict of str to array, optional
        The labels, named after ``label_name`` the same way.
    batch_size : int
        Examples per batch.
    shuffle : bool
        Shuffle the examples at every reset (NumPy's global generator).
    last_batch_handle : {'pad', 'discard', 'roll_over'}
        What happens to a short last batch: filled from the start (``pad`` counts the
        filled examples), dropped, or carried over into the next epoch's first batch.
    data_name, label_name : str
        Default names (``'data'`` and ``'softmax_label'``).
    layout : str
        Layout of the arrays; ``'N'`` marks the batch axis.

    >>> import symnb as mx, numpy as np
    >>> it = mx.io.NDArrayIter(np.arange(10).reshape(5, 2), np.arange(5), batch_size=2)
    >>> it.provide_data, it.provide_label
    ([DataDesc[data,(2, 2),<class 'numpy.float32'>,NCHW]], \
[DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]])
    >>> [(b.label[0].asnumpy().tolist(), b.pad) for b in it]
    [([0.0, 1.0], 0), ([2.0, 3.0], 0), ([4.0, 0.0], 1)]
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", layout="NCHW"):
        super().__init__(batch_size)
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)
        # the short last batch kept for the next epoch ('roll_over')
        self._cache_data = None
        self._cache_label = None
        self.layout = layout

    def _descs(self, source):
        batch_axis = self.layout.find("N")
        return [DataDesc(k, tuple(list(v.shape[:batch_axis]) + [self.batch_size] +
                                  list(v.shape[batch_axis + 1:])), v.dtype, layout=self.layout)
                for k, v in source]

    @property
    def provide_data(self):
        """``DataDesc`` of each data array, with the batch size on the batch axis.

        >>> import symnb as mx, numpy as np
        >>> mx.io.NDArrayIter(np.zeros((5, 3)), batch_size=2).provide_data
        [DataDesc[data,(2, 3),<class 'numpy.float32'>,NCHW]]
        """
        return self._descs(self.data)

    @property
    def provide_label(self):
        """``DataDesc`` of each label array, with the batch size on the batch axis.

        >>> import symnb as mx, numpy as np
        >>> mx.io.NDArrayIter(np.zeros((5, 3)), np.zeros(5), batch_size=2).provide_label
        [DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]]
        >>> mx.io.NDArrayIter(np.zeros((5, 3)), batch_size=2).provide_label
        []
        """
        return self._descs(self.label)

    def hard_reset(self):
        """Reset to the start, dropping any rolled-over examples.

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2, last_batch_handle='roll_over')
        >>> [b.data[0].asnumpy().tolist() for b in it]
        [[0.0, 1.0], [2.0, 3.0]]
        >>> it.hard_reset(); [b.data[0].asnumpy().tolist() for b in it]
        [[0.0, 1.0], [2.0, 3.0]]
        """
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self):
        """Reset to the start (keeping a short last batch for ``'roll_over'``).

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2, last_batch_handle='roll_over')
        >>> [b.data[0].asnumpy().tolist() for b in it]
        [[0.0, 1.0], [2.0, 3.0]]
        >>> it.reset(); [(b.data[0].asnumpy().tolist(), b.pad) for b in it]
        [([4.0, 0.0], 1), ([1.0, 2.0], 0), ([3.0, 4.0], 0)]
        """
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == "roll_over" and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            # the cursor goes negative by the number of examples carried over
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        """Move the cursor one batch on; True while it is still inside the data.

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2)
        >>> [it.iter_next() for _ in range(4)]
        [True, True, True, False]
        """
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        """The next ``DataBatch``; with ``'discard'`` or ``'roll_over'`` a short last batch
        raises ``StopIteration`` instead (``'roll_over'`` keeps it for the next epoch).

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2, last_batch_handle='discard')
        >>> it.next().data[0].asnumpy(), it.next().data[0].asnumpy()
        (array([0., 1.], dtype=float32), array([2., 3.], dtype=float32))
        >>> it.next()
        Traceback (most recent call last):
        ...
        StopIteration
        """
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self.layout.find("N")] != self.batch_size:
            # a short batch ends the epoch; 'roll_over' prepends it to the next one
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, data_source, start=None, end=None):
        mx_assert(start is not None or end is not None, "should at least specify start or end")
        start = start if start is not None else 0
        if end is None:
            end = data_source[0][1].shape[0] if data_source else 0
        axis = self.layout.find("N")
        return [_slice_copy(x[1], axis, start, end) for x in data_source]

    def _concat(self, first_data, second_data):
        if (not first_data) or (not second_data):
            return first_data if first_data else second_data
        mx_assert(len(first_data) == len(second_data), "data source should contain the same size")
        return [nd.concat(a, b, dim=self.layout.find("N")) for a, b in zip(first_data,
                                                                            second_data)]

    def _tile(self, data, repeats):
        res = []
        for datum in data:
            reps = [1] * len(datum.shape)
            reps[0] = repeats
            res.append(nd.tile(datum, reps=tuple(reps)))
        return res

    def _batchify(self, data_source):
        mx_assert(self.cursor < self.num_data, "DataIter needs reset.")
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            # first batch of an epoch after a roll-over: cached tail + new head
            mx_assert(self._cache_data is not None or self._cache_label is not None,
                      "next epoch should have cached data")
            cache_data = self._cache_data if self._cache_data is not None else self._cache_label
            second_data = self._getdata(data_source, end=self.cursor + self.batch_size)
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cache_data, second_data)
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first_data = self._getdata(data_source, start=self.cursor)
            if pad > self.num_data:
                repeats = pad // self.num_data
                second_data = self._tile(self._getdata(data_source, end=self.num_data),
                                         repeats)
                if pad % self.num_data != 0:
                    second_data = self._concat(
                        second_data, self._getdata(data_source, end=pad % self.num_data))
            else:
                second_data = self._getdata(data_source, end=pad)
            return self._concat(first_data, second_data)
        end_idx = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(data_source, self.cursor, end_idx)

    def getdata(self):
        """The data arrays of the current batch (``'pad'`` completes a short one from the
        start of the data).

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2)
        >>> [it.iter_next() for _ in range(3)], it.getdata()[0].asnumpy()
        ([True, True, True], array([4., 0.], dtype=float32))
        """
        return self._batchify(self.data)

    def getlabel(self):
        """The label arrays of the current batch (an empty list without labels).

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), mx.nd.array([5, 6, 7, 8, 9]), batch_size=2)
        >>> it.iter_next(), it.getlabel()[0].asnumpy()
        (True, array([5., 6.], dtype=float32))
        """
        return self._batchify(self.label)

    def getpad(self):
        """The number of examples that complete (``'pad'``) or were rolled into
        (``'roll_over'``) the current batch.

        >>> import symnb as mx
        >>> it = mx.io.NDArrayIter(mx.nd.arange(5), batch_size=2)
        >>> [(it.iter_next(), it.getpad()) for _ in range(3)]
        [(True, 0), (True, 0), (True, 1)]
        """
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self):
        # MXNet shuffles the index in place and re-gathers the already shuffled arrays
        np.random.shuffle(self.idx)
        self.data = _getdata_by_idx(self.data, self.idx)
        self.label = _getdata_by_idx(self.label, self.idx)
