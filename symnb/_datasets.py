"""The dataset helpers of ``mx.test_utils`` (``get_mnist``, ``get_mnist_iterator``, ...).

They read the files where MXNet leaves them and download, as MXNet does, only what is
missing. Looked for, in order: the current directory (where MXNet 1.9.1's ``get_mnist``
downloads), ``data/`` (where ``get_mnist_ubyte``/``get_mnist_iterator`` keep them) and
``$MXNET_HOME/datasets/mnist`` (Gluon's cache, ``~/.mxnet`` by default). Offline, a missing
file is a ``FileNotFoundError`` that says which files to put where.
"""
from __future__ import annotations

import bz2
import gzip
import logging
import os
import shutil
import struct
import zipfile

import numpy as np

from .io import DataIter

__all__ = ["get_mnist", "get_mnist_ubyte", "get_mnist_pkl", "get_mnist_iterator",
           "get_cifar10", "get_zip_data", "get_bz2_data", "DummyIter", "list_gpus"]

_LOG = logging.getLogger(__name__)
_MNIST_URL = "http://data.mxnet.io/data/mnist/"
_MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")


def _mxnet_home():
    return os.environ.get("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


def _mnist_dirs():
    return [os.getcwd(), os.path.abspath("data"),
            os.path.join(_mxnet_home(), "datasets", "mnist")]


def _find(name):
    """The first existing ``name`` or ``name.gz`` in the MNIST search folders, or None."""
    for folder in _mnist_dirs():
        for candidate in (name + ".gz", name):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


def _missing(names, fetched_from, error):
    folders = "\n".join("  %s" % d for d in _mnist_dirs())
    return FileNotFoundError(
        "MNIST files not found and could not be downloaded from %s (%s).\nPut %s (each "
        "optionally gzip-compressed, .gz) into one of:\n%s" % (
            fetched_from, error, ", ".join(names), folders))


def _download_or_explain(url, names, fname=None, dirname=None):
    from .test_utils import download
    try:
        return download(url, fname=fname, dirname=dirname, retries=1)
    except Exception as e:  # offline: whatever the transport raised
        raise _missing(names, url, e) from None


def _open(path):
    with open(path, "rb") as f:
        raw = f.read()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _mnist_file(name):
    path = _find(name)
    if path is None:
        path = _download_or_explain(_MNIST_URL + name + ".gz", list(_MNIST_FILES))
    return _open(path)


def _read_mnist(label_name, image_name):
    labels = _mnist_file(label_name)
    label = np.frombuffer(labels[8:], dtype=np.int8)
    images = _mnist_file(image_name)
    _, _, rows, cols = struct.unpack(">IIII", images[:16])
    image = np.frombuffer(images[16:], dtype=np.uint8).reshape(len(label), rows, cols)
    image = image.reshape(image.shape[0], 1, 28, 28).astype(np.float32) / 255
    return label, image


def get_mnist():
    """The MNIST arrays: ``train_data``/``test_data`` float32 ``(N, 1, 28, 28)`` in [0, 1],
    ``train_label``/``test_label`` int8, as MXNet's ``get_mnist`` returns them.

    >>> import os
    >>> from symnb import _datasets
    >>> [os.path.basename(d) for d in _datasets._mnist_dirs()][1:]
    ['data', 'mnist']
    """
    train_lbl, train_img = _read_mnist("train-labels-idx1-ubyte", "train-images-idx3-ubyte")
    test_lbl, test_img = _read_mnist("t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte")
    return {"train_data": train_img, "train_label": train_lbl,
            "test_data": test_img, "test_label": test_lbl}


def get_mnist_ubyte():
    """Make sure ``data/`` holds the four uncompressed MNIST idx files.

    Files found elsewhere (see the module notes), compressed or not, are copied there;
    otherwise MXNet's ``mnist.zip`` is downloaded and extracted.

    >>> import contextlib, gzip, pathlib, tempfile, symnb as mx
    >>> names = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
    ...          't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']
    >>> with tempfile.TemporaryDirectory() as d, contextlib.chdir(d):
    ...     for n in names:   # gzip-compressed, in the current directory
    ...         _ = pathlib.Path(n + '.gz').write_bytes(gzip.compress(b'idx'))
    ...     mx.test_utils.get_mnist_ubyte()
    ...     [pathlib.Path('data', n).read_bytes() for n in names]
    [b'idx', b'idx', b'idx', b'idx']
    """
    os.makedirs("data", exist_ok=True)
    missing = [n for n in _MNIST_FILES if not os.path.exists(os.path.join("data", n))]
    for name in list(missing):
        path = _find(name)
        if path is not None:
            with open(os.path.join("data", name), "wb") as f:
                f.write(_open(path))
            missing.remove(name)
    if missing:
        zip_path = _download_or_explain("http://data.mxnet.io/mxnet/data/mnist.zip", missing,
                                        dirname="data")
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall("data")


def get_mnist_pkl():
    """Download ``data/mnist.pkl.gz`` if missing (symnb never unpickles it).

    >>> import contextlib, os, pathlib, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d, contextlib.chdir(d):
    ...     os.mkdir('data'); pathlib.Path('data', 'mnist.pkl.gz').touch()
    ...     mx.test_utils.get_mnist_pkl()   # already there: nothing is downloaded
    ...     os.listdir('data')
    ['mnist.pkl.gz']
    """
    os.makedirs("data", exist_ok=True)
    if not os.path.exists("data/mnist.pkl.gz"):
        _download_or_explain("http://deeplearning.net/data/mnist/mnist.pkl.gz",
                             ["mnist.pkl.gz"], dirname="data")


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """``(train, val)`` MNISTIters over ``data/``: shuffled training data, flat unless
    ``input_shape`` has three dimensions.

    >>> import symnb as mx
    >>> callable(mx.test_utils.get_mnist_iterator)
    True
    """
    from .io import MNISTIter
    get_mnist_ubyte()
    flat = len(input_shape) != 3
    train = MNISTIter(image="data/train-images-idx3-ubyte", label="data/train-labels-idx1-ubyte",
                      input_shape=input_shape, batch_size=batch_size, shuffle=True, flat=flat,
                      num_parts=num_parts, part_index=part_index)
    val = MNISTIter(image="data/t10k-images-idx3-ubyte", label="data/t10k-labels-idx1-ubyte",
                    input_shape=input_shape, batch_size=batch_size, flat=flat,
                    num_parts=num_parts, part_index=part_index)
    return train, val


def get_cifar10():
    """Make sure ``data/cifar/`` holds MXNet's CIFAR-10 ``train.rec``/``test.rec`` (+ .lst).

    symnb cannot read RecordIO files (``mx.io.ImageRecordIter`` needs OpenCV); decode the
    images yourself and use ``mx.io.NDArrayIter``.

    >>> import contextlib, os, pathlib, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d, contextlib.chdir(d):
    ...     os.makedirs('data/cifar')
    ...     for n in ('train.rec', 'test.rec', 'train.lst', 'test.lst'):
    ...         pathlib.Path('data/cifar', n).touch()
    ...     mx.test_utils.get_cifar10()   # all there: nothing is downloaded
    ...     sorted(os.listdir('data/cifar'))
    ['test.lst', 'test.rec', 'train.lst', 'train.rec']
    """
    names = ["cifar/train.rec", "cifar/test.rec", "cifar/train.lst", "cifar/test.lst"]
    os.makedirs("data", exist_ok=True)
    if not all(os.path.exists(os.path.join("data", n)) for n in names):
        from .test_utils import download
        url = "http://data.mxnet.io/mxnet/data/cifar10.zip"
        try:
            zip_path = download(url, dirname="data", retries=1)
        except Exception as e:
            raise FileNotFoundError(
                "CIFAR-10 record files not found and could not be downloaded from %s (%s). "
                "Put %s into %s" % (url, e, ", ".join(names), os.path.abspath("data"))) from None
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall("data")


def get_zip_data(data_dir, url, data_origin_name):
    """Download ``url`` into ``data_dir/data_origin_name`` (if missing) and extract it.

    An archive already there is neither downloaded nor extracted again (as in MXNet).

    >>> import os, tempfile, zipfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with zipfile.ZipFile(os.path.join(d, 'a.zip'), 'w') as z: z.writestr('a.txt', 'hi')
    ...     mx.test_utils.get_zip_data(d, 'http://unused.invalid/a.zip', 'a.zip')
    ...     os.listdir(d)
    ['a.zip']
    """
    from .test_utils import download
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_origin_name):
        download(url, dirname=data_dir, overwrite=False)
        with zipfile.ZipFile(data_origin_name) as zip_file:
            zip_file.extractall(path=data_dir)


def get_bz2_data(data_dir, data_name, url, data_origin_name):
    """Download a .bz2 file (if ``data_dir/data_name`` is missing) and decompress it there.

    The .bz2 (``data_origin_name``) is removed afterwards; one already there is not
    downloaded again.

    >>> import bz2, os, pathlib, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, 'a.txt.bz2').write_bytes(bz2.compress(b'hi'))
    ...     mx.test_utils.get_bz2_data(d, 'a.txt', 'http://unused.invalid/a.txt.bz2', 'a.txt.bz2')
    ...     os.listdir(d), pathlib.Path(d, 'a.txt').read_bytes()
    (['a.txt'], b'hi')
    """
    from .test_utils import download
    data_name = os.path.join(data_dir, data_name)
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_name):
        download(url, fname=data_origin_name, dirname=data_dir, overwrite=False)
        with bz2.BZ2File(data_origin_name, "rb") as bz_file, open(data_name, "wb") as fout:
            shutil.copyfileobj(bz_file, fout)
        os.remove(data_origin_name)


class DummyIter(DataIter):
    """An iterator that returns the first batch of ``real_iter`` forever (for timing).

    >>> import symnb as mx
    >>> it = mx.test_utils.DummyIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
    >>> [next(it).data[0].asnumpy().tolist() for _ in range(3)]
    [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]
    """

    def __init__(self, real_iter):
        super().__init__()
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.batch_size = real_iter.batch_size
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        """The first batch of the real iterator, again (never StopIteration).

        >>> import symnb as mx
        >>> it = mx.test_utils.DummyIter(mx.io.NDArrayIter(mx.nd.arange(4), batch_size=2))
        >>> it.next() is it.next()
        True
        """
        return self.the_batch


def list_gpus():
    """``range(n)`` over the visible GPUs (empty without any).

    >>> import symnb as mx
    >>> list(mx.test_utils.list_gpus()) == list(range(mx.util.get_gpu_count()))
    True
    """
    from .util import get_gpu_count
    return range(get_gpu_count())
