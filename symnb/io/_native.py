"""MXNet's C++ file iterators, re-done in NumPy: ``CSVIter``, ``MNISTIter`` (and clear errors).

``MXDataIter`` reproduces how MXNet's Python wrapper drives a C++ iterator: the first batch
is read at construction (it fixes ``provide_data``/``provide_label``/``batch_size``),
``reset`` rewinds, ``getdata``/``getlabel`` return single NDArrays.

The batching is MXNet's BatchLoader's: with ``round_batch`` (the default) a short last batch
is completed from the start of the data and ``pad`` counts the borrowed examples; the next
epoch then *continues* after them instead of restarting. Without it the tail of a short batch
keeps the previous batch's examples. MNISTIter drops a short last batch, scales pixels by
1/256 and shuffles once, at construction, with ``std::shuffle`` over ``std::mt19937(seed)``
as built into MXNet's wheel (reproduced exactly below).
"""
from __future__ import annotations

import gzip
import logging
import os
import struct

import numpy as np

from ..base import MXNetError
from ..ndarray import array
from .io import DataBatch, DataDesc, DataIter

__all__ = ["MXDataIter", "CSVIter", "MNISTIter", "LibSVMIter", "ImageRecordIter",
           "ImageRecordUInt8Iter", "ImageRecordInt8Iter", "ImageDetRecordIter",
           "ImageRecordIter_v1", "ImageRecordUInt8Iter_v1"]

_LOG = logging.getLogger(__name__)


class MXDataIter(DataIter):
    """Base of the file iterators: MXNet's wrapper protocol over a NumPy batch source.

    Subclasses implement ``_before_first()`` and ``_next()`` (True when a batch was
    loaded into ``self._batch`` as ``(data, label, pad, index)``).

    >>> import pathlib, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     csv = pathlib.Path(d, 'x.csv')
    ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
    ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
    >>> isinstance(it, mx.io.MXDataIter), it.provide_data, it.batch_size
    (True, [DataDesc[data,(2, 2),<class 'numpy.float32'>,NCHW]], 2)
    >>> [(b.data[0].asnumpy().tolist(), b.pad) for b in it]
    [([[1.0, 2.0], [3.0, 4.0]], 0), ([[5.0, 6.0], [1.0, 2.0]], 1)]
    """

    def __init__(self, data_name="data", label_name="softmax_label"):
        super().__init__()
        self._batch = None
        self._debug_skip_load = False
        self._debug_at_begin = True
        self.first_batch = None
        self.first_batch = self.next()
        data = self.first_batch.data[0]
        label = self.first_batch.label[0]
        self.provide_data = [DataDesc(data_name, data.shape, data.dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, label.dtype)]
        self.batch_size = data.shape[0]

    def debug_skip_load(self):
        """Return the first batch forever (to time a network without loading).

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> it.debug_skip_load()
        >>> [it.next().data[0].asnumpy()[:, 0].tolist() for _ in range(3)]
        [[1.0, 3.0], [1.0, 3.0], [1.0, 3.0]]
        """
        self._debug_skip_load = True
        _LOG.info("Set debug_skip_load to be true, will simply return first batch")

    def reset(self):
        """Rewind to the start of the data.

        With ``round_batch``, an epoch that borrowed examples to complete its last batch
        makes the next epoch start after them (MXNet's BatchLoader).

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> [b.data[0].asnumpy()[:, 0].tolist() for b in it]
        [[1.0, 3.0], [5.0, 1.0]]
        >>> it.reset(); [b.data[0].asnumpy()[:, 0].tolist() for b in it]
        [[3.0, 5.0]]
        """
        self._debug_at_begin = True
        self.first_batch = None
        self._before_first()

    def _current(self):
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(),
                         index=self.getindex())

    def next(self):
        """The next ``DataBatch`` (the first one was read at construction); raises
        ``StopIteration`` at the end.

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> it.next().pad, it.next().pad
        (0, 1)
        >>> it.next()
        Traceback (most recent call last):
        ...
        StopIteration
        """
        if self._debug_skip_load and not self._debug_at_begin:
            return self._current()
        if self.first_batch is not None:
            batch = self.first_batch
            self.first_batch = None
            return batch
        self._debug_at_begin = False
        if self._next():
            return self._current()
        raise StopIteration

    def iter_next(self):
        """Load the next batch; True if there is one (always True while the batch read at
        construction is still pending).

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> it.reset(); [it.iter_next() for _ in range(3)]
        [True, True, False]
        """
        if self.first_batch is not None:
            return True
        return self._next()

    def getdata(self):
        """The data of the current batch, as one NDArray.

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> it.getdata().asnumpy()
        array([[1., 2.],
               [3., 4.]], dtype=float32)
        """
        return array(self._batch[0], dtype=self._batch[0].dtype)

    def getlabel(self):
        """The label of the current batch, as one NDArray (zeros without ``label_csv``).

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> it.getlabel().asnumpy()
        array([0., 0.], dtype=float32)
        """
        return array(self._batch[1], dtype=self._batch[1].dtype)

    def getindex(self):
        """The instance indices of the current batch (a numpy uint64 array), or None.

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> _ = it.next(); _ = it.next(); it.getindex()
        array([2, 0], dtype=uint64)
        """
        index = self._batch[3]
        return index.copy() if index is not None and index.size else None

    def getpad(self):
        """The number of examples borrowed from the start to complete the current batch.

        >>> import pathlib, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     csv = pathlib.Path(d, 'x.csv')
        ...     _ = csv.write_text('1,2\\n3,4\\n5,6\\n')
        ...     it = mx.io.CSVIter(data_csv=str(csv), data_shape=(2,), batch_size=2)
        >>> _ = it.next(); _ = it.next(); it.getpad()
        1
        """
        return self._batch[2]

    def _before_first(self):
        raise NotImplementedError

    def _next(self) -> bool:
        raise NotImplementedError


# --------------------------------------------------------------------------- parameters
def _reject_positional(name, args):
    if args:
        raise TypeError("%s can only accept keyword arguments" % name)


def _require(kwargs, fields):
    for field, kind in fields:
        if field not in kwargs:
            raise MXNetError("Required parameter %s of %s is not presented" % (field, kind))


def _shape(value, field):
    if isinstance(value, str):
        text = value.strip().strip("()[]")
        try:
            return tuple(int(d) for d in text.split(",") if d.strip())
        except ValueError:
            raise MXNetError("Invalid Parameter format for %s expect Shape(tuple) but value="
                             "'%s'" % (field, value)) from None
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    return tuple(int(d) for d in value)


def _bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)


def _open_binary(path):
    if not os.path.exists(path):
        raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": No such file '
                         'or directory' % path)
    with open(path, "rb") as f:
        raw = f.read()
    # accept the .gz files that MXNet's download helpers leave (MXNet itself does not)
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _csv_files(path):
    if os.path.isdir(path):
        return sorted(os.path.join(path, f) for f in os.listdir(path)
                      if os.path.isfile(os.path.join(path, f)))
    if not os.path.exists(path):
        raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": No such file '
                         'or directory' % path)
    return [path]


def _read_csv(path, dtype):
    rows = []
    for fname in _csv_files(path):
        with open(fname) as f:
            for line in f:
                line = line.strip()
                if line:
                    rows.append([float(v) if dtype.kind == "f" else int(float(v))
                                 for v in line.split(",")])
    return rows


def _fmt_shape(shape):
    return "(" + ",".join(str(d) for d in shape) + ")"


class _BatchLoader:
    """MXNet's BatchLoader over ``count`` instances: which rows fill each batch, and the pad."""

    def __init__(self, count, batch_size, round_batch):
        self.count, self.batch_size, self.round_batch = count, batch_size, round_batch
        self.pos = 0
        self.num_overflow = 0
        self.rows = np.zeros(batch_size, dtype=np.int64)   # persists: stale tails, as MXNet's
        self.filled = False

    def before_first(self):
        if not self.round_batch or self.num_overflow == 0:
            self.pos = 0
        else:
            # the wrapped examples were this epoch's first: continue after them
            self.num_overflow = 0

    def next(self):
        if self.num_overflow != 0:
            return None
        top = 0
        while self.pos < self.count and top < self.batch_size:
            self.rows[top] = self.pos
            self.pos += 1
            top += 1
        if top == self.batch_size:
            return 0
        if top == 0:
            return None
        if self.round_batch:
            self.pos = 0
            while top < self.batch_size:
                if self.pos >= self.count:
                    raise MXNetError("number of input must be bigger than batch size")
                self.rows[top] = self.pos
                self.pos += 1
                top += 1
                self.num_overflow += 1
            return self.num_overflow
        return self.batch_size - top


class CSVIter(MXDataIter):
    """Batches of rows of a CSV file (or of every file in a directory).

    Parameters
    ----------
    data_csv : str
        The CSV file or directory.
    data_shape : tuple
        Shape of one example (each row holds ``prod(data_shape)`` values).
    label_csv : str, optional
        Label CSV file; ``'NULL'`` (default) gives labels 0.
    label_shape : tuple
        Shape of one label (``(1,)``: labels come as ``(batch_size,)``).
    batch_size : int
        Examples per batch.
    round_batch : bool
        Complete a short last batch from the start (True); see the module notes.
    dtype : {None, 'float32', 'int32', 'int64'}
        Type the values are parsed as (float32).

    >>> import os, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, 'd.csv')
    ...     with open(path, 'w') as f: _ = f.write('1,2\\n3,4\\n5,6\\n')
    ...     it = mx.io.CSVIter(data_csv=path, data_shape=(2,), batch_size=2)
    >>> [(b.data[0].asnumpy().tolist(), b.pad) for b in it]
    [([[1.0, 2.0], [3.0, 4.0]], 0), ([[5.0, 6.0], [1.0, 2.0]], 1)]
    """

    def __init__(self, *args, **kwargs):
        _require(kwargs, [("batch_size", "int (non-negative)"), ("data_csv", "string"),
                          ("data_shape", "Shape(tuple)")])
        dtype = kwargs.get("dtype")
        if dtype is not None and str(dtype) not in ("float32", "int32", "int64"):
            raise MXNetError("%s is not supported for CSVIter" % dtype)
        self._dtype = np.dtype("float32" if dtype is None else str(dtype))
        self._data_shape = _shape(kwargs["data_shape"], "data_shape")
        self._label_shape = _shape(kwargs.get("label_shape", (1,)), "label_shape")
        batch_size = int(kwargs["batch_size"])
        self._data = self._load(str(kwargs["data_csv"]), self._data_shape)
        label_csv = str(kwargs.get("label_csv", "NULL"))
        if label_csv != "NULL":
            self._label = self._load(label_csv, self._label_shape)
        else:
            self._label = np.zeros((len(self._data), 1), dtype=self._dtype)
            self._label_shape = (1,)
        self._loader = _BatchLoader(len(self._data), batch_size,
                                    _bool(kwargs.get("round_batch", True)))
        self._index = np.zeros(batch_size, dtype=np.uint64)
        super().__init__(kwargs.get("data_name", "data"),
                         kwargs.get("label_name", "softmax_label"))
        _reject_positional("CSVIter", args)

    def _load(self, path, shape):
        values = _read_csv(path, self._dtype)
        size = int(np.prod(shape))
        for row in values:
            if len(row) != size:
                raise MXNetError("The data size in CSV do not match size of shape: specified "
                                 "shape=%s, the csv row-length=%d" % (_fmt_shape(shape),
                                                                      len(row)))
        return np.array(values, dtype=self._dtype).reshape((len(values), size))

    def _before_first(self):
        self._loader.before_first()

    def _next(self):
        pad = self._loader.next()
        if pad is None:
            return False
        rows = self._loader.rows
        if len(self._label) < len(self._data) and rows.max() >= len(self._label):
            raise MXNetError("Data CSV's row is smaller than the number of rows in label_csv")
        batch = len(rows)
        data = self._data[rows].reshape((batch,) + self._data_shape)
        label_shape = () if self._label_shape == (1,) else self._label_shape
        label = self._label[rows].reshape((batch,) + label_shape)
        self._batch = (data, label, pad, rows.astype(np.uint64))
        return True


def _mt19937_words(seed):
    """The 32-bit outputs of ``std::mt19937(seed)`` (NumPy's legacy seeding is the same)."""
    bits = np.random.RandomState(seed)._bit_generator
    while True:
        yield from (int(w) for w in bits.random_raw(4096))


def _std_shuffle(n, seed):
    """``std::shuffle(0..n-1, std::mt19937(seed))`` as libstdc++ of MXNet's wheel does it:
    one ``uniform_int_distribution(0, i)`` draw per position, by downscaling with rejection."""
    order = list(range(n))
    words = _mt19937_words(seed)
    for i in range(1, n):
        scaling = 0xFFFFFFFF // (i + 1)
        past = (i + 1) * scaling
        word = next(words)
        while word >= past:
            word = next(words)
        j = word // scaling
        order[i], order[j] = order[j], order[i]
    return order


class MNISTIter(MXDataIter):
    """Batches of MNIST idx files: images scaled to [0, 1) (by 1/256), labels as float32.

    Parameters
    ----------
    image, label : str
        Paths of the idx3 image and idx1 label files (``'./train-images-idx3-ubyte'``,
        ``'./train-labels-idx1-ubyte'``); gzip-compressed files are read too.
    batch_size : int
        Examples per batch (128); a short last batch is dropped.
    shuffle : bool
        Shuffle once, at construction (True), with ``seed`` (0), as MXNet does.
    flat : bool
        Give images as ``(batch, rows*cols)`` instead of ``(batch, 1, rows, cols)``.
    silent : bool
        Do not log the ``MNISTIter: load ...`` line.
    num_parts, part_index : int
        Read only part ``part_index`` of ``num_parts`` equal parts.

    >>> import os, struct, tempfile, numpy as np, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with open(os.path.join(d, 'img'), 'wb') as f:
    ...         _ = f.write(struct.pack('>IIII', 2051, 4, 2, 2) + bytes(range(16)))
    ...     with open(os.path.join(d, 'lab'), 'wb') as f:
    ...         _ = f.write(struct.pack('>II', 2049, 4) + bytes([3, 1, 4, 1]))
    ...     it = mx.io.MNISTIter(image=os.path.join(d, 'img'), label=os.path.join(d, 'lab'),
    ...                          batch_size=2, shuffle=False, flat=True, silent=True)
    >>> it.provide_data, [b.label[0].asnumpy().tolist() for b in it]
    ([DataDesc[data,(2, 4),<class 'numpy.float32'>,NCHW]], [[3.0, 1.0], [4.0, 1.0]])
    """

    def __init__(self, *args, **kwargs):
        self._batch_size = int(kwargs.get("batch_size", 128))
        if self._batch_size < 1:
            raise MXNetError("value %d for Parameter batch_size should be greater equal to 1"
                             % self._batch_size)
        num_parts = int(kwargs.get("num_parts", 1))
        part_index = int(kwargs.get("part_index", 0))
        if not 0 <= part_index < num_parts:
            raise MXNetError("Check failed: param_.num_parts > param_.part_index (%d vs. %d)"
                             % (num_parts, part_index))
        flat = _bool(kwargs.get("flat", False))
        shuffle = _bool(kwargs.get("shuffle", True))
        images = self._load_images(str(kwargs.get("image", "./train-images-idx3-ubyte")),
                                   num_parts, part_index)
        labels = self._load_labels(str(kwargs.get("label", "./train-labels-idx1-ubyte")),
                                   num_parts, part_index)
        if shuffle:
            order = _std_shuffle(len(labels), int(kwargs.get("seed", 0)))
            images, labels = images[order], labels[order]
        count, rows, cols = images.shape
        self._images = images.reshape(count, rows * cols) if flat else \
            images.reshape(count, 1, rows, cols)
        self._labels = labels
        self._loc = 0
        if not _bool(kwargs.get("silent", False)):
            shape = (self._batch_size, rows * cols) if flat else \
                (self._batch_size, 1, rows, cols)
            _LOG.info("MNISTIter: load %d images, shuffle=%d, shape=%s", count, int(shuffle),
                      _fmt_shape(shape))
        super().__init__(kwargs.get("data_name", "data"),
                         kwargs.get("label_name", "softmax_label"))
        _reject_positional("MNISTIter", args)

    @staticmethod
    def _part(count, num_parts, part_index):
        return (int(count / num_parts * part_index), int(count / num_parts * (part_index + 1)))

    def _load_images(self, path, num_parts, part_index):
        raw = _open_binary(path)
        if len(raw) < 16:
            raise MXNetError("invalid mnist format")
        _, count, rows, cols = struct.unpack(">iiii", raw[:16])
        start, end = self._part(count, num_parts, part_index)
        pixels = np.frombuffer(raw, dtype=np.uint8, count=(end - start) * rows * cols,
                               offset=16 + start * rows * cols)
        return (pixels.astype(np.float32) * np.float32(1.0 / 256.0)).reshape(end - start,
                                                                             rows, cols)

    def _load_labels(self, path, num_parts, part_index):
        raw = _open_binary(path)
        if len(raw) < 8:
            raise MXNetError("invalid mnist format")
        _, count = struct.unpack(">ii", raw[:8])
        start, end = self._part(count, num_parts, part_index)
        return np.frombuffer(raw, dtype=np.uint8, count=end - start,
                             offset=8 + start).astype(np.float32)

    def _before_first(self):
        self._loc = 0

    def _next(self):
        if self._loc + self._batch_size > len(self._images):
            return False
        window = slice(self._loc, self._loc + self._batch_size)
        # MNISTIter never fills the instance index: MXNet reports zeros
        self._batch = (self._images[window], self._labels[window], 0,
                       np.zeros(self._batch_size, dtype=np.uint64))
        self._loc += self._batch_size
        return True


def _unsupported(name, what, instead, example_args):
    """A stand-in for MXNet's iterator ``name`` that raises NotImplementedError, with a
    docstring whose example calls it with ``example_args`` (typical arguments)."""
    def creator(*args, **kwargs):
        raise NotImplementedError(
            "mx.io.%s is not supported by symnb: %s. Use %s instead." % (name, what, instead))
    creator.__name__ = creator.__qualname__ = name
    creator.__doc__ = (
        "Not supported (%s); raises NotImplementedError naming what to use instead: %s.\n\n"
        ">>> import symnb as mx\n"
        ">>> mx.io.%s(%s)\n"
        "Traceback (most recent call last):\n"
        "...\n"
        "NotImplementedError: mx.io.%s is not supported by symnb: ...\n"
        % (what, instead, name, example_args, name))
    return creator


_IMAGES = "it decodes images from RecordIO (.rec) files with OpenCV, which symnb does not use"
_INSTEAD = ("mx.io.NDArrayIter over arrays you decode yourself (mx.recordio reads .rec "
            "records; decode the images e.g. with Pillow), "
            "mx.io.MNISTIter for idx files or mx.io.CSVIter for CSV files")
_REC_ARGS = "path_imgrec='train.rec', data_shape=(3, 28, 28), batch_size=4"
ImageRecordIter = _unsupported("ImageRecordIter", _IMAGES, _INSTEAD, _REC_ARGS)
ImageRecordUInt8Iter = _unsupported("ImageRecordUInt8Iter", _IMAGES, _INSTEAD, _REC_ARGS)
ImageRecordInt8Iter = _unsupported("ImageRecordInt8Iter", _IMAGES, _INSTEAD, _REC_ARGS)
ImageDetRecordIter = _unsupported("ImageDetRecordIter", _IMAGES, _INSTEAD, _REC_ARGS)
ImageRecordIter_v1 = _unsupported("ImageRecordIter_v1", _IMAGES, _INSTEAD, _REC_ARGS)
ImageRecordUInt8Iter_v1 = _unsupported("ImageRecordUInt8Iter_v1", _IMAGES, _INSTEAD, _REC_ARGS)
LibSVMIter = _unsupported("LibSVMIter", "it reads LibSVM files into sparse CSR arrays, and "
                          "symnb has dense arrays only",
                          "mx.io.NDArrayIter over a dense array (e.g. from "
                          "sklearn.datasets.load_svmlight_file(...)[0].toarray())",
                          "data_libsvm='train.libsvm', data_shape=(10,), batch_size=4")
