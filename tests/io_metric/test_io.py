"""mx.io against the recorded MXNet 1.9.1 iterators (cases/ndarray_iter.json, file_iters.json)."""
from __future__ import annotations

import gzip
import os
import shutil

import numpy as np
import pytest

import symnb as mx

from ._files import write_csv_files, write_mnist_files
from ._replay import assert_epochs, dec, load, run_epochs

ND = load("ndarray_iter.json")
FILES = load("file_iters.json")


@pytest.mark.parametrize("case", ND["cases"], ids=lambda c: c["name"])
def test_ndarray_iter_batches(case):
    if "seed" in case:
        np.random.seed(case["seed"])
    data = dec(case["data"])
    if case.get("nd_dtype"):
        data = mx.nd.array(data, dtype=case["nd_dtype"])
    label = dec(case["label"]) if case.get("label") else None
    it = mx.io.NDArrayIter(data, label, **case["kwargs"])
    assert [repr(d) for d in it.provide_data] == case["provide_data"]
    assert [repr(d) for d in it.provide_label] == case["provide_label"]
    assert_epochs(run_epochs(it, len(case["epochs"]), case.get("hard", False)),
                  case["epochs"], case["name"])


def test_ndarray_iter_dict_and_list_inputs():
    multi = ND["multi"]
    a, b = dec(multi["inputs"]["a"]), dec(multi["inputs"]["b"])
    it = mx.io.NDArrayIter({"zz": a, "aa": b}, {"lab2": b, "lab1": a}, batch_size=2)
    assert [repr(d) for d in it.provide_data] == multi["dict"]["provide_data"]
    assert [repr(d) for d in it.provide_label] == multi["dict"]["provide_label"]
    assert_epochs(run_epochs(it, 1), multi["dict"]["epochs"], "dict")
    it = mx.io.NDArrayIter([a, b], [b], batch_size=2, label_name="lab")
    assert [repr(d) for d in it.provide_data] == multi["list"]["provide_data"]
    assert [repr(d) for d in it.provide_label] == multi["list"]["provide_label"]
    assert_epochs(run_epochs(it, 1), multi["list"]["epochs"], "list")


def test_ndarray_iter_bad_inputs():
    with pytest.raises(TypeError) as e:
        mx.io.NDArrayIter("not an array")
    assert str(e.value) == ND["multi"]["type_error"]
    with pytest.raises(TypeError) as e:
        mx.io.NDArrayIter({"d": "x"})
    assert str(e.value) == ND["multi"]["value_error"]


def test_resize_and_prefetching_iter():
    wrappers = ND["wrappers"]
    x, y = dec(wrappers["inputs"]["x"]), dec(wrappers["inputs"]["y"])
    it = mx.io.ResizeIter(mx.io.NDArrayIter(x, y, batch_size=3), 5)
    assert [repr(d) for d in it.provide_data] == wrappers["resize"]["provide_data"]
    assert_epochs(run_epochs(it, 2), wrappers["resize"]["epochs"], "resize")
    it = mx.io.ResizeIter(mx.io.NDArrayIter(x, y, batch_size=3), 2, reset_internal=False)
    assert_epochs(run_epochs(it, 3), wrappers["resize_noreset"]["epochs"], "resize_noreset")
    it = mx.io.PrefetchingIter([mx.io.NDArrayIter(x, y, batch_size=4),
                                mx.io.NDArrayIter(x * 2, y * 2, batch_size=4)],
                               rename_data=[{"data": "d1"}, {"data": "d2"}],
                               rename_label=[{"softmax_label": "l1"},
                                             {"softmax_label": "l2"}])
    rec = wrappers["prefetch"]
    assert [repr(d) for d in it.provide_data] == rec["provide_data"]
    assert [repr(d) for d in it.provide_label] == rec["provide_label"]
    assert it.batch_size == rec["batch_size"]
    assert_epochs(run_epochs(it, 2), rec["epochs"], "prefetch")


def test_data_desc_and_batch_text():
    wrappers = ND["wrappers"]
    b = mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))], pad=1)
    assert str(b) == wrappers["batch_str"]
    assert str(mx.io.DataBatch([mx.nd.ones((2, 3)), mx.nd.ones((2, 1))])) == \
        wrappers["batch_str_nolabel"]
    desc = wrappers["desc"]
    assert repr(mx.io.DataDesc("x", (1, 2), np.int32, "NTC")) == desc["repr"]
    assert [mx.io.DataDesc.get_batch_axis(v) for v in (None, "NCHW", "TNC", "CHW")] == \
        desc["axis"]
    assert [repr(d) for d in mx.io.DataDesc.get_list(
        [("a", (1,)), ("b", (2, 3))], [("a", np.int32), ("b", np.float16)])] == desc["list"]
    assert [repr(d) for d in mx.io.DataDesc.get_list([("a", (1,))], None)] == \
        desc["list_notype"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("iofiles"))
    write_csv_files(folder)
    write_mnist_files(folder)
    return folder


def _make(case, folder):
    kw = dict(case["kwargs"])
    if case["iter"] == "CSVIter":
        kw["data_csv"] = os.path.join(folder, kw["data_csv"])
        if "label_csv" in kw:
            kw["label_csv"] = os.path.join(folder, kw["label_csv"])
        return mx.io.CSVIter(**kw)
    return mx.io.MNISTIter(image=os.path.join(folder, "t-images-idx3-ubyte"),
                           label=os.path.join(folder, "t-labels-idx1-ubyte"), **kw)


@pytest.mark.parametrize("case", FILES["cases"],
                         ids=lambda c: "%s-%s" % (c["iter"], sorted(c["kwargs"].items())))
def test_file_iterators(case, files):
    it = _make(case, files)
    assert isinstance(it, mx.io.MXDataIter)
    assert [repr(d) for d in it.provide_data] == case["provide_data"]
    assert [repr(d) for d in it.provide_label] == case["provide_label"]
    assert it.batch_size == case["batch_size"]
    assert_epochs(run_epochs(it, len(case["epochs"])), case["epochs"], case["iter"])


def test_file_iterator_errors(files):
    errors = FILES["errors"]
    d = os.path.join(files, "d.csv")
    for key, kw in (("no_shape", {"data_csv": d, "batch_size": 2}),
                    ("no_batch", {"data_csv": d, "data_shape": (3,)}),
                    ("no_csv", {"data_shape": (3,), "batch_size": 2})):
        with pytest.raises(mx.MXNetError) as e:
            mx.io.CSVIter(**kw)
        assert str(e.value) == errors[key]
    with pytest.raises(TypeError) as e:
        mx.io.CSVIter(d, data_csv=d, data_shape=(3,), batch_size=2)
    assert str(e.value) == errors["positional"]
    with pytest.raises(StopIteration):
        mx.io.MNISTIter(image=os.path.join(files, "t-images-idx3-ubyte"),
                        label=os.path.join(files, "t-labels-idx1-ubyte"), silent=True)
    with pytest.raises(mx.MXNetError, match='Open "nope": No such file'):
        mx.io.MNISTIter(image="nope", label="nope")
    with pytest.raises(mx.MXNetError, match="specified shape=\\(4\\), the csv row-length=3"):
        mx.io.CSVIter(data_csv=d, data_shape=(4,), batch_size=2)


def test_mnist_reads_gzip_and_logs(files, tmp_path, caplog):
    for name in ("t-images-idx3-ubyte", "t-labels-idx1-ubyte"):
        with open(os.path.join(files, name), "rb") as src, \
                gzip.open(str(tmp_path / (name + ".gz")), "wb") as dst:
            shutil.copyfileobj(src, dst)
    with caplog.at_level("INFO"):
        it = mx.io.MNISTIter(image=str(tmp_path / "t-images-idx3-ubyte.gz"),
                             label=str(tmp_path / "t-labels-idx1-ubyte.gz"), batch_size=10,
                             flat=True)
    assert "MNISTIter: load 50 images, shuffle=1, shape=(10,12)" in caplog.messages
    plain = _make({"iter": "MNISTIter", "kwargs": {"batch_size": 10, "flat": True,
                                                   "silent": True}}, files)
    for a, b in zip(it, plain):
        np.testing.assert_array_equal(a.data[0].asnumpy(), b.data[0].asnumpy())


@pytest.mark.parametrize("name", ["ImageRecordIter", "ImageRecordUInt8Iter",
                                  "ImageDetRecordIter", "LibSVMIter"])
def test_record_iterators_say_what_to_use(name):
    with pytest.raises(NotImplementedError, match="NDArrayIter"):
        getattr(mx.io, name)(path_imgrec="train.rec", data_shape=(3, 224, 224), batch_size=2)


def test_file_iterators_take_data_and_label_names(files):
    # as MXNet's MXDataIter wrapper (checked against MXNet 1.9.1 by hand)
    it = mx.io.CSVIter(data_csv=os.path.join(files, "d.csv"), data_shape=(3,), batch_size=2,
                       data_name="x", label_name="y")
    assert [repr(d) for d in it.provide_data + it.provide_label] == [
        "DataDesc[x,(2, 3),<class 'numpy.float32'>,NCHW]",
        "DataDesc[y,(2,),<class 'numpy.float32'>,NCHW]"]
