"""mx.test_utils dataset helpers: MXNet's file locations, and a clear message offline."""
from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import pytest

import symnb as mx
import symnb.test_utils as tu


def _write_mnist(folder, prefix, count, compress):
    images = (np.arange(count * 784) % 256).astype(np.uint8)
    labels = (np.arange(count) % 10).astype(np.uint8)
    opener = gzip.open if compress else open
    suffix = ".gz" if compress else ""
    with opener(os.path.join(folder, "%s-images-idx3-ubyte%s" % (prefix, suffix)), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, 28, 28) + images.tobytes())
    with opener(os.path.join(folder, "%s-labels-idx1-ubyte%s" % (prefix, suffix)), "wb") as f:
        f.write(struct.pack(">II", 2049, count) + labels.tobytes())


@pytest.fixture
def offline(monkeypatch, tmp_path):
    def fail(*args, **kwargs):
        raise OSError("no network")
    monkeypatch.setattr(tu, "download", fail)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "home"))
    return tmp_path


def test_get_mnist_reads_cwd_and_mxnet_home(offline):
    _write_mnist(str(offline), "train", 20, compress=True)          # where MXNet downloads
    home = offline / "home" / "datasets" / "mnist"
    home.mkdir(parents=True)
    _write_mnist(str(home), "t10k", 10, compress=False)             # Gluon's cache
    mnist = tu.get_mnist()
    assert mnist["train_data"].shape == (20, 1, 28, 28)
    assert mnist["train_data"].dtype == np.float32
    assert mnist["train_label"].dtype == np.int8
    assert mnist["test_label"].tolist() == list(range(10))
    np.testing.assert_allclose(mnist["train_data"].reshape(20, -1)[0, :3],
                               np.array([0, 1, 2]) / 255, rtol=1e-6)


def test_offline_message_says_what_to_put_where(offline):
    with pytest.raises(FileNotFoundError) as e:
        tu.get_mnist()
    text = str(e.value)
    assert "no network" in text and "train-images-idx3-ubyte" in text
    assert str(offline) in text and os.path.join(str(offline), "data") in text
    assert os.path.join(str(offline / "home"), "datasets", "mnist") in text
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        tu.get_mnist_iterator(10, (784,))
    with pytest.raises(FileNotFoundError, match="cifar/train.rec"):
        tu.get_cifar10()


def test_get_mnist_iterator_uses_data_folder(offline):
    _write_mnist(str(offline), "train", 30, compress=True)
    _write_mnist(str(offline), "t10k", 20, compress=True)
    train, val = tu.get_mnist_iterator(10, (1, 28, 28))
    assert sorted(os.listdir("data")) == ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
                                         "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]
    assert train.provide_data[0].shape == (10, 1, 28, 28)
    assert len(list(val)) == 2 and len(list(train)) == 3
    flat, _ = tu.get_mnist_iterator(10, (784,))
    assert flat.provide_data[0].shape == (10, 784)


def test_dummy_iter_and_list_gpus():
    it = tu.DummyIter(mx.io.NDArrayIter(mx.nd.arange(6), batch_size=2))
    assert [next(it).data[0].asnumpy().tolist() for _ in range(4)] == [[0.0, 1.0]] * 4
    assert list(tu.list_gpus()) == list(range(mx.util.get_gpu_count()))
