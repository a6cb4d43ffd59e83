"""``.params`` files: goldens written by MXNet 1.9.1, byte-exact saving, loading errors (8-9)."""
import json
import os
import struct

import numpy as np
import pytest

import symnb as mx

nd = mx.nd
FILES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "spec", "files")
pytestmark = pytest.mark.skipif(not os.path.isdir(FILES), reason="spec golden files not found")


def golden(name):
    with open(os.path.join(FILES, name), "rb") as f:
        return f.read()


def mlp_values():
    with open(os.path.join(FILES, "mlp_values.json")) as f:
        return json.load(f)


def params(group):
    return {k: nd.array(np.array(v, np.float32)) for k, v in mlp_values()[group].items()}


DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64"]
# the exact calls of make_params_goldens.py
MADE = {
    "dict_f32_i32.params": lambda: {"w": nd.array([[1, 2, 3], [4, 5, 6]]),
                                    "idx": nd.array([7, -8], dtype="int32")},
    "list.params": lambda: [nd.array([1.5, -2.0]), nd.array([[1]], dtype="float64")],
    "single.params": lambda: nd.array([3.0]),
    "dtypes.params": lambda: {dt: nd.array([1, 2], dtype=dt) for dt in DTYPES},
    "bool.params": lambda: [nd.array([1, 0], dtype="bool")],
    "empty_list.params": lambda: [],
    "empty_dict.params": lambda: {},
    "zero_size.params": lambda: {"e": nd.array([])},
    "ctx_cpu1.params": lambda: {"a": nd.ones((2,), ctx=mx.cpu(1))},
    "mlp.params": lambda: params("arg"),
}
SIZES = {"dict_f32_i32.params": 156, "list.params": 120, "single.params": 68,
         "dtypes.params": 408, "bool.params": 66, "empty_list.params": 32,
         "empty_dict.params": 32, "zero_size.params": 73, "ctx_cpu1.params": 81}


@pytest.mark.parametrize("name", sorted(MADE))
def test_save_is_byte_identical_to_mxnet(name, tmp_path):
    path = str(tmp_path / name)
    assert nd.save(path, MADE[name]()) is None
    with open(path, "rb") as f:
        assert f.read() == golden(name)
    if name in SIZES:
        assert len(golden(name)) == SIZES[name]


def test_load_dict_f32_i32():
    d = nd.load(os.path.join(FILES, "dict_f32_i32.params"))
    assert list(d) == ["w", "idx"]
    assert d["w"].dtype is np.float32 and d["w"].asnumpy().tolist() == [[1, 2, 3], [4, 5, 6]]
    assert d["idx"].dtype is np.int32 and d["idx"].asnumpy().tolist() == [7, -8]
    assert d["w"].context == mx.cpu(0)


def test_load_list_single_bool_empty_zero_size_ctx():
    lst = nd.load(os.path.join(FILES, "list.params"))
    assert isinstance(lst, list) and [a.dtype for a in lst] == [np.float32, np.float64]
    assert lst[0].asnumpy().tolist() == [1.5, -2.0] and lst[1].asnumpy().tolist() == [[1.0]]
    single = nd.load(os.path.join(FILES, "single.params"))
    assert len(single) == 1 and single[0].asnumpy().tolist() == [3.0]
    b = nd.load(os.path.join(FILES, "bool.params"))[0]
    assert b.dtype is np.bool_ and b.asnumpy().tolist() == [True, False]
    assert nd.load(os.path.join(FILES, "empty_list.params")) == []
    assert nd.load(os.path.join(FILES, "empty_dict.params")) == []   # an empty dict loads as []
    e = nd.load(os.path.join(FILES, "zero_size.params"))["e"]
    assert e.shape == (0,) and e.dtype is np.float32
    a = nd.load(os.path.join(FILES, "ctx_cpu1.params"))["a"]
    assert a.context == mx.cpu(0) and a.asnumpy().tolist() == [1, 1]   # placed on cpu(0)


def test_load_dtypes():
    d = nd.load(os.path.join(FILES, "dtypes.params"))
    assert list(d) == DTYPES
    for name, arr in d.items():
        assert arr.dtype is np.dtype(name).type and arr.asnumpy().tolist() == [1, 2]


def test_load_mlp_goldens():
    values = mlp_values()
    plain = nd.load(os.path.join(FILES, "mlp.params"))
    assert list(plain) == list(values["arg"])
    ckpt = nd.load(os.path.join(FILES, "mlp-0001.params"))
    assert list(ckpt) == values["checkpoint_key_order"]
    for group in ("arg", "aux"):
        for name, expected in values[group].items():
            np.testing.assert_array_equal(ckpt["%s:%s" % (group, name)].asnumpy(),
                                          np.array(expected, np.float32))
            if group == "arg":
                np.testing.assert_array_equal(plain[name].asnumpy(),
                                              np.array(expected, np.float32))


def test_load_frombuffer_matches_load():
    buf = golden("dict_f32_i32.params")
    d = nd.load_frombuffer(buf)
    assert list(d) == ["w", "idx"] and d["idx"].asnumpy().tolist() == [7, -8]
    assert nd.load_frombuffer(bytearray(golden("list.params")))[0].asnumpy().tolist() == [1.5, -2]


@pytest.mark.parametrize("dtype", DTYPES + ["bool"])
def test_round_trip_dtypes(dtype, tmp_path, ctx):
    x = nd.array([[1, 0, 3]], dtype=dtype, ctx=ctx)
    path = str(tmp_path / "x.params")
    nd.save(path, {"x": x, "view": nd.array([[1, 2], [3, 4]], ctx=ctx)[1:2]})
    back = nd.load(path)
    assert back["x"].dtype is x.dtype
    np.testing.assert_array_equal(back["x"].asnumpy(), x.asnumpy())
    assert back["view"].asnumpy().tolist() == [[3, 4]]   # a view saves its own data only


def test_gpu_arrays_record_their_context(tmp_path, ctx):
    path = str(tmp_path / "g.params")
    nd.save(path, [nd.ones((1,), ctx=ctx)])
    with open(path, "rb") as f:
        raw = f.read()
    assert struct.unpack_from("<ii", raw, 24 + 4 + 4 + 4 + 8) == (ctx.device_typeid, 0)
    # MXNet's NDArray::Load: a record saved on a GPU goes back to it where the machine has
    # one (a CUDA build), to cpu(0) elsewhere
    assert nd.load(path)[0].context == ctx
    assert nd.load_frombuffer(raw)[0].asnumpy().tolist() == [1]


def _with_context(raw, dev_type, dev_id):
    at = 24 + 4 + 4 + 4 + 8
    return raw[:at] + struct.pack("<ii", dev_type, dev_id) + raw[at + 8:]


def test_recorded_cpu_kinds_load_on_cpu0(tmp_path):
    nd.save(str(tmp_path / "c.params"), [nd.array([1, 2])])
    raw = (tmp_path / "c.params").read_bytes()
    for dev_type, dev_id in ((1, 1), (3, 0), (5, 2)):       # cpu(1), cpu_pinned, cpu_shared
        back = nd.load_frombuffer(_with_context(raw, dev_type, dev_id))[0]
        assert back.context == mx.cpu(0) and back.asnumpy().tolist() == [1, 2]


def test_recorded_gpu_past_the_machine(tmp_path):
    nd.save(str(tmp_path / "c.params"), [nd.array([1, 2])])
    raw = _with_context((tmp_path / "c.params").read_bytes(), 2, 7)
    if mx.context.num_gpus() == 0:                          # no GPU: cpu(0), as MXNet
        assert nd.load_frombuffer(raw)[0].context == mx.cpu(0)
        return
    with pytest.raises(mx.base.MXNetError, match=r"record 0 of .* was saved on gpu\(7\), "
                                                  r"but this machine has \d+ GPU"):
        nd.load_frombuffer(raw)


def test_save_errors(tmp_path):
    path = str(tmp_path / "x.params")
    for bad in ([nd.ones(1), 1], {1: nd.ones(1)}, {"a": np.ones(1)}):
        with pytest.raises(TypeError, match="^save only accept dict str->NDArray or list of "
                                            "NDArray$"):
            nd.save(path, bad)
    for bad in (np.ones(2), (nd.ones(1),), 3):
        with pytest.raises(ValueError) as info:
            nd.save(path, bad)
        assert str(info.value) == ("data needs to either be a NDArray, dict of str, NDArray "
                                   "pairs or a list of NDarrays.")
    with pytest.raises(AttributeError, match="^'NoneType' object has no attribute 'encode'$"):
        nd.save(None, [nd.ones(1)])
    with pytest.raises(AttributeError, match="^'PosixPath' object has no attribute 'encode'$"):
        nd.save(tmp_path / "x.params", [nd.ones(1)])


def test_save_refuses_0d_with_clear_message(tmp_path):
    path = str(tmp_path / "z.params")
    with pytest.raises(ValueError, match=r"^'s': cannot save a 0-d NDArray \(shape \(\)\).*"
                                         r"x.reshape\(\(1,\)\)"):
        nd.save(path, {"s": nd.array(5.0)})
    assert not os.path.exists(path)
    nd.save(path, [nd.array(5.0).reshape((1,))])
    assert nd.load(path)[0].asnumpy().tolist() == [5.0]


def test_zero_dim_golden_fails_clearly_in_both_shape_modes():
    # a V2 file (saved without np shape semantics) holding a 0-d array: MXNet 1.9.1 misreads
    # it under legacy semantics and refuses it under np_shape (checked on MXNet 1.9.1)
    path = os.path.join(FILES, "zero_dim_unloadable.params")
    with pytest.raises(mx.MXNetError, match="basic_string: :resize .*record 0 has ndim 0"):
        nd.load(path)
    with mx.util.np_shape(True):
        with pytest.raises(mx.MXNetError, match="ndarray was not saved in np shape semantics"):
            nd.load(path)


def test_np_shape_files_are_v3_and_load_only_under_np_shape(tmp_path):
    # MXNet's test_save_load_scalar_zero_size_ndarrays: the magic records the shape mode
    path = str(tmp_path / "np.params")
    with mx.util.np_shape(True):
        nd.save(path, [nd.array(np.ones(())), nd.array(np.ones((2, 3)))])
        scalar, matrix = nd.load(path)
    assert scalar.shape == () and matrix.shape == (2, 3)
    with pytest.raises(mx.MXNetError, match="ndarray was saved in np shape semantics"):
        nd.load(path)
    legacy = str(tmp_path / "legacy.params")
    nd.save(legacy, [nd.ones((2,))])
    with mx.util.np_shape(True):
        with pytest.raises(mx.MXNetError, match="Please turn off np shape semantics"):
            nd.load(legacy)


def test_load_errors(tmp_path):
    with pytest.raises(TypeError, match="^fname required to be a string$"):
        nd.load(tmp_path / "x.params")
    missing = str(tmp_path / "missing.params")
    with pytest.raises(mx.MXNetError) as info:
        nd.load(missing)
    assert str(info.value).endswith('Check failed: allow_null: :Open "%s": No such file or '
                                    'directory' % missing)


def write(tmp_path, raw):
    path = str(tmp_path / "bad.params")
    with open(path, "wb") as f:
        f.write(raw)
    return path


def good():
    return golden("dict_f32_i32.params")


@pytest.mark.parametrize("mutate, core, detail", [
    (lambda b: b"PK\x03\x04" + b[4:], "Check failed: header == kMXAPINDArrayListMagic: "
     "Invalid NDArray file format", "expected magic 0x112"),
    (lambda b: b[:128] + struct.pack("<Q", 1) + b[136:],
     "Check failed: keys->size() == 0 || keys->size() == data->size(): Invalid NDArray file "
     "format", "1 names for 2 arrays"),
    (lambda b: b[:150], "Check failed: fi->Read(keys): Invalid NDArray file format",
     "name 1 length needs 8 bytes at offset 145, only 5 left"),
    (lambda b: b[:155], "Check failed: fi->Read(keys): Invalid NDArray file format",
     "name 1 needs 3 bytes at offset 153, only 2 left"),
    (lambda b: b[:80], "Invalid NDArray file format", "record 0 data"),
    (lambda b: b[:60] + struct.pack("<i", 9) + b[64:], "Invalid NDArray file format",
     "unknown type flag 9"),
    (lambda b: b[:60] + struct.pack("<i", 12) + b[64:], "Invalid NDArray file format",
     "bfloat16"),
])
def test_corrupt_files_name_the_problem(tmp_path, mutate, core, detail):
    with pytest.raises(mx.MXNetError) as info:
        nd.load(write(tmp_path, mutate(good())))
    assert core in str(info.value) and detail in str(info.value)


def test_tolerated_oddities(tmp_path):
    raw = good()
    # non-zero reserved field and trailing bytes
    d = nd.load(write(tmp_path, raw[:8] + struct.pack("<Q", 7) + raw[16:] + b"junk"))
    assert list(d) == ["w", "idx"]
    # empty and duplicate names: the later array wins
    dup = raw[:136] + struct.pack("<Q", 0) + struct.pack("<Q", 0)
    assert list(nd.load(write(tmp_path, dup))) == [""]
    assert nd.load(write(tmp_path, dup))[""].asnumpy().tolist() == [7, -8]


def test_load_frombuffer_errors():
    with pytest.raises(mx.MXNetError, match=r"Check failed: curr_ptr_ \+ size <= buffer_size_: "):
        nd.load_frombuffer(b"\x12\x01\x00")
    with pytest.raises(mx.MXNetError, match=r"Check failed: curr_ptr_ \+ size <= buffer_size_: "):
        nd.load_frombuffer("not bytes")


def v1_record(values):
    arr = np.asarray(values, np.float32)
    return (struct.pack("<Ii", 0xF993FAC8, arr.ndim) + struct.pack("<%dq" % arr.ndim, *arr.shape)
            + struct.pack("<iii", 1, 0, 0) + arr.tobytes())


def legacy_record(values):
    arr = np.asarray(values, np.float32)
    return (struct.pack("<I", arr.ndim) + struct.pack("<%dI" % arr.ndim, *arr.shape)
            + struct.pack("<iii", 1, 0, 0) + arr.tobytes())


def v3_record(values):
    arr = np.asarray(values, np.float32)
    return (struct.pack("<Iii", 0xF993FACA, 0, arr.ndim)
            + struct.pack("<%dq" % arr.ndim, *arr.shape) + struct.pack("<iii", 1, 0, 0)
            + arr.tobytes())


def as_file(*records):
    return (struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records)
            + struct.pack("<Q", 0))


def test_record_versions():
    out = nd.load_frombuffer(as_file(v1_record([[1, 2]]), legacy_record([3, 4, 5])))
    assert [a.asnumpy().tolist() for a in out] == [[[1, 2]], [3, 4, 5]]
    with pytest.raises(mx.MXNetError) as info:
        nd.load_frombuffer(as_file(v3_record(2.5)))
    assert str(info.value).endswith("ndarray was saved in np shape semantics, must be loaded in "
                                    "the same semantics. Please turn on np shape semantics in "
                                    "Python using `with np_shape(True)` or decorator "
                                    "`use_np_shape` to scope the code of loading the ndarray.")
    with mx.util.np_shape(True):
        (s,) = nd.load_frombuffer(as_file(v3_record(2.5)))
    assert s.shape == () and s.asscalar() == 2.5


def test_sparse_records_are_reported():
    raw = struct.pack("<Ii", 0xF993FAC9, 1) + b"\x00" * 64
    with pytest.raises(mx.MXNetError, match="row_sparse NDArray; symnb reads dense"):
        nd.load_frombuffer(as_file(raw))


def test_loading_never_unpickles():
    import re

    import symnb.ndarray._io as io
    with open(io.__file__) as f:
        source = f.read()
    assert not re.search(r"\bimport pickle\b|\bpickle\.|\beval\(|\bexec\(", source)


def v2_header(dims, flag=0):
    return (struct.pack("<Iii", 0xF993FAC9, 0, len(dims)) + struct.pack("<%dq" % len(dims), *dims)
            + struct.pack("<iii", 1, 0, flag))


@pytest.mark.parametrize("dims, detail", [
    ((2**62, 4), "past the largest array"),         # int64 product wraps to 0
    ((2**32, 2**32, 2), "past the largest array"),  # 2**65 wraps to 0 as int64
    ((2**20, 2**20), "record 0 data"),              # fits NumPy, but the file is too short
    ((-1, 2), "negative dimension"),
    ((-2, -3), "negative dimension"),       # a positive int64 product of negative dims
    ((0, 2**62), "past the largest array NumPy can make"),
])
def test_overflowing_or_negative_dims_are_refused_before_allocating(dims, detail):
    with pytest.raises(mx.MXNetError) as info:
        nd.load_frombuffer(as_file(v2_header(dims) + b"\0" * 32))
    assert detail in str(info.value)


def test_names_that_are_not_utf8_name_the_file_and_entry(tmp_path):
    raw = (struct.pack("<QQQ", 0x112, 0, 1) + v1_record([1.0]) + struct.pack("<Q", 1)
           + struct.pack("<Q", 3) + b"a\xffb")
    with pytest.raises(mx.MXNetError) as info:
        nd.load(write(tmp_path, raw))
    text = str(info.value)
    assert "bad.params" in text and "name 0" in text and "not UTF-8: byte 0xff at position 1" \
        in text
