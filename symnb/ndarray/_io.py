"""``.params`` files byte for byte (spec ndarray.md 8-9): ``save``, ``load``, ``load_frombuffer``.

Layout (little-endian): list magic ``0x112`` u64, reserved u64, array count u64, the NDArray
records back to back, name count u64 (0 or the array count), then each name as u64 length +
UTF-8 bytes. symnb writes version-2 dense records, and reads V1, V2, V3 and pre-V1 records.
Reading is a hand-written cursor over bytes: nothing is unpickled or evaluated.
"""
from __future__ import annotations

import contextlib
import math
import struct

import numpy as np

from ..base import CODE_TO_DTYPE, DTYPE_TO_CODE, MXNetError
from ..context import Context, cpu, num_gpus
from ..util import is_np_shape
from .ndarray import NDArray

__all__ = ["save", "load", "load_frombuffer", "write_record", "read_record"]

LIST_MAGIC = 0x112
V1_MAGIC, V2_MAGIC, V3_MAGIC = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
_STYPES = {0: "default", 1: "row_sparse", 2: "csr"}
_INVALID = "Invalid NDArray file format"


# ------------------------------------------------------------------ writing
def write_record(array: NDArray, allow_0d: bool = False) -> bytes:
    """One dense NDArray record (V2; a 0-d array, only for pickling, as V3).

    >>> import symnb as mx
    >>> record = write_record(mx.nd.array([3.0]))
    >>> record[:4].hex(), len(record)
    ('c9fa93f9', 36)
    """
    data = array.asnumpy()
    dtype = np.dtype(data.dtype)
    if dtype not in DTYPE_TO_CODE:
        raise TypeError("cannot save dtype %s: .params files hold %s"
                        % (dtype.name, ", ".join(d.name for d in DTYPE_TO_CODE)))
    # MXNet marks arrays saved under numpy shape semantics with the V3 magic
    magic = V3_MAGIC if is_np_shape() else V2_MAGIC
    if data.ndim == 0 and not is_np_shape():
        if not allow_0d:
            raise ValueError(
                "cannot save a 0-d NDArray (shape ()) to a .params file: MXNet 1.9.1 writes it "
                "but cannot load it back (legacy shape semantics read ndim 0 as 'no array'). "
                "Reshape it first, e.g. x.reshape((1,)).")
        magic = V3_MAGIC
    ctx = array.context
    parts = [struct.pack("<Ii", magic, 0), struct.pack("<i", data.ndim),
             struct.pack("<%dq" % data.ndim, *data.shape),
             struct.pack("<iii", ctx.device_typeid, ctx.device_id, DTYPE_TO_CODE[dtype]),
             np.ascontiguousarray(data).astype(dtype.newbyteorder("<"), copy=False).tobytes()]
    return b"".join(parts)


def _encode(data) -> bytes:
    """The whole file for a list or dict, after MXNet's type checks (spec 8.1)."""
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        if any(not isinstance(k, str) for k in data) or \
                any(not isinstance(v, NDArray) for v in data.values()):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
        names, arrays = list(data.keys()), list(data.values())
    elif isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise TypeError("save only accept dict str->NDArray or list of NDArray")
        names, arrays = [], data
    else:
        raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs "
                         "or a list of NDarrays.")
    records = []
    for i, arr in enumerate(arrays):
        try:
            records.append(write_record(arr))
        except ValueError as e:
            what = "'%s'" % names[i] if names else "item %d" % i
            raise ValueError("%s: %s" % (what, e)) from None
    out = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))] + records
    out.append(struct.pack("<Q", len(names)))
    for name in names:
        raw = name.encode("utf-8")
        out.append(struct.pack("<Q", len(raw)) + raw)
    return b"".join(out)


def save(fname, data) -> None:
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray to ``fname``.

    Parameters
    ----------
    fname : str
        Path of the ``.params`` file.
    data : NDArray, list of NDArray or dict of str to NDArray
        A dict keeps its iteration order and its names; 0-d arrays are refused.

    >>> import os, tempfile, symnb as mx
    >>> f = os.path.join(tempfile.mkdtemp(), 'x.params')
    >>> mx.nd.save(f, {'w': mx.nd.ones((2,))}); os.path.getsize(f)
    81
    """
    payload = _encode(data)
    if not isinstance(fname, str):
        fname.encode("utf-8")   # MXNet's c_str(): AttributeError for None, pathlib.Path (8.1)
        raise TypeError("fname required to be a string")
    with open(fname, "wb") as f:
        f.write(payload)


# ------------------------------------------------------------------ reading
class _Cursor:
    """Reads little-endian fields from bytes; running out raises MXNet's error core."""

    def __init__(self, buf: bytes, source: str, truncated_core: str):
        self.buf, self.pos, self.source, self.truncated_core = buf, 0, source, truncated_core

    def take(self, size: int, what: str, check: str) -> bytes:
        end = self.pos + size
        if size < 0 or end > len(self.buf):
            core = self.truncated_core or "Check failed: %s: %s" % (check, _INVALID)
            raise MXNetError("MXNetError: %s (%s is truncated: %s needs %d bytes at offset %d, "
                             "only %d left)" % (core, self.source, what, size, self.pos,
                                                max(len(self.buf) - self.pos, 0)))
        chunk = self.buf[self.pos:end]
        self.pos = end
        return chunk

    def unpack(self, fmt: str, what: str, check: str = "strm->Read(&magic)"):
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what, check))

    def fail(self, check: str, detail: str):
        raise MXNetError("MXNetError: Check failed: %s: %s (%s: %s)"
                         % (check, _INVALID, self.source, detail))


def _read_shape(cur: _Cursor, magic: int, what: str) -> tuple:
    if magic in (V1_MAGIC, V2_MAGIC, V3_MAGIC):
        (ndim,) = cur.unpack("i", what + " ndim", "shape.Load(strm)")
        if ndim < 0 or ndim > 32:
            cur.fail("shape.Load(strm)", "%s has ndim %d" % (what, ndim))
        return cur.unpack("%dq" % ndim, what + " dims", "shape.Load(strm)")
    ndim = magic    # pre-V1 records start with ndim itself, then u32 dims
    if ndim > 32:
        cur.fail("header == kMXAPINDArrayListMagic",
                 "%s starts with 0x%08x, which is no NDArray record magic" % (what, magic))
    return cur.unpack("%dI" % ndim, what + " dims", "shape.Load(strm)")


def _read_one(cur: _Cursor, index: int) -> NDArray:
    what = "record %d" % index
    (magic,) = cur.unpack("I", what + " magic")
    stype = 0
    if magic == V3_MAGIC and not is_np_shape():
        raise MXNetError(
            "MXNetError: Check failed: Imperative: :Get()->is_np_shape(): ndarray was saved in "
            "np shape semantics, must be loaded in the same semantics. Please turn on np shape "
            "semantics in Python using `with np_shape(True)` or decorator `use_np_shape` to "
            "scope the code of loading the ndarray.")
    if magic != V3_MAGIC and is_np_shape():
        raise MXNetError(
            "MXNetError: Check failed: Imperative: :Get()->is_np_shape() == GlobalOn || "
            "!Imperative::Get()->is_np_shape(): ndarray was not saved in np shape semantics, "
            "but being loaded in np shape semantics. Please turn off np shape semantics in "
            "Python using `with np_shape(False)` to scope the code of loading the ndarray.")
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = cur.unpack("i", what + " storage type", "strm->Read(&stype)")
        if stype not in _STYPES:
            cur.fail("strm->Read(&stype)", "%s has unknown storage type %d" % (what, stype))
        if stype != 0:
            raise MXNetError("MXNetError: %s of %s is a %s NDArray; symnb reads dense "
                             "(default storage) arrays only" % (what, cur.source, _STYPES[stype]))
    shape = _read_shape(cur, magic, what)
    if len(shape) == 0 and magic == V2_MAGIC and not is_np_shape():
        raise MXNetError(
            "MXNetError: basic_string: :resize (%s: %s has ndim 0. MXNet 1.9.1 writes 0-d "
            "arrays but reads ndim 0 as 'no array' under legacy shape semantics, so the rest "
            "of the file is misread; a file saved under np_shape(True) keeps 0-d arrays)"
            % (cur.source, what))
    dev_type, dev_id = cur.unpack("ii", what + " context", "ctx.Load(strm)")
    if dev_type not in Context.devtype2str:
        cur.fail("ctx.Load(strm)", "%s has unknown device type %d" % (what, dev_type))
    (flag,) = cur.unpack("i", what + " type flag", "strm->Read(&type_flag)")
    if flag not in CODE_TO_DTYPE:
        detail = ("%s holds bfloat16 (type flag 12), which NumPy cannot represent" % what
                  if flag == 12 else "%s has unknown type flag %d" % (what, flag))
        cur.fail("strm->Read(&type_flag)", detail)
    dtype = CODE_TO_DTYPE[flag].newbyteorder("<")
    if any(d < 0 for d in shape):
        cur.fail("shape.Load(strm)", "%s has a negative dimension in shape %s" % (what, shape))
    # exact integer arithmetic: an int64 product could wrap around and pass the size check
    count = math.prod(shape)
    if math.prod(d for d in shape if d) * dtype.itemsize > np.iinfo(np.intp).max:
        # NumPy refuses such a shape even with a zero dimension (nothing to read)
        cur.fail("shape.Load(strm)", "%s has shape %s, past the largest array NumPy can make"
                 % (what, shape))
    raw = cur.take(count * dtype.itemsize, "%s data (%s %s)" % (what, dtype.name, shape),
                   "strm->Read(data)")
    values = np.frombuffer(raw, dtype=dtype).astype(CODE_TO_DTYPE[flag]).reshape(shape)
    # A CPU build places every array on cpu(0), whatever context the file records (8.1). A
    # CUDA build reads into cpu(0), then copies a record saved on gpu(i) to gpu(i) when the
    # machine has a GPU (ndarray.cc, NDArray::Load); cpu(1), cpu_pinned, cpu_shared: cpu(0).
    array = NDArray(values.copy(), cpu(0))
    if dev_type == 2:
        return _to_recorded_gpu(array, dev_id, what, cur.source)
    return array


def _to_recorded_gpu(array, dev_id, what, source):
    count = num_gpus()
    if count == 0:
        return array
    if dev_id >= count:
        raise MXNetError("MXNetError: %s of %s was saved on gpu(%d), but this machine has %d "
                         "GPU(s) (CUDA: invalid device ordinal); load it where that GPU "
                         "exists, or rewrite the file from cpu arrays"
                         % (what, source, dev_id, count))
    return array.as_in_context(Context("gpu", dev_id))


def read_record(buf: bytes) -> NDArray:
    """One NDArray record (the inverse of :func:`write_record`, 0-d arrays included).

    >>> import symnb as mx
    >>> read_record(write_record(mx.nd.array([1, 2]))).asnumpy()
    array([1., 2.], dtype=float32)
    """
    from ..util import np_shape
    buf = bytes(buf)
    # 0-d arrays are pickled as V3 records, readable only under numpy shape semantics
    with np_shape(True) if buf[:4] == struct.pack("<I", V3_MAGIC) else contextlib.nullcontext():
        return _read_one(_Cursor(buf, "pickled NDArray", ""), 0)


def _decode(buf: bytes, source: str, truncated_core: str):
    cur = _Cursor(buf, source, truncated_core)
    (magic,) = cur.unpack("Q", "the list magic", "header == kMXAPINDArrayListMagic")
    if magic != LIST_MAGIC:
        cur.fail("header == kMXAPINDArrayListMagic",
                 "expected magic 0x112 at offset 0, found 0x%x" % magic)
    cur.unpack("Q", "the reserved field", "strm->Read(&reserved)")  # any value is tolerated
    (count,) = cur.unpack("Q", "the array count", "fi->Read(data)")
    arrays = [_read_one(cur, i) for i in range(count)]
    (n_names,) = cur.unpack("Q", "the name count", "fi->Read(keys)")
    if n_names not in (0, count):
        cur.fail("keys->size() == 0 || keys->size() == data->size()",
                 "%d names for %d arrays" % (n_names, count))
    names = []
    for i in range(n_names):
        (length,) = cur.unpack("Q", "name %d length" % i, "fi->Read(keys)")
        raw = cur.take(length, "name %d" % i, "fi->Read(keys)")
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            cur.fail("fi->Read(keys)", "name %d (%d bytes at offset %d) is not UTF-8: byte "
                     "0x%02x at position %d" % (i, length, cur.pos - length, raw[e.start],
                                                e.start))
    if not names:
        return arrays
    # duplicate names: the later array wins, as in MXNet
    return dict(zip(names, arrays, strict=True))


def load(fname):
    """Load a ``.params`` file: a dict if it has names, else a list.

    >>> import os, tempfile, symnb as mx
    >>> f = os.path.join(tempfile.mkdtemp(), 'x.params')
    >>> mx.nd.save(f, [mx.nd.array([1, 2])]); mx.nd.load(f)[0].asnumpy()
    array([1., 2.], dtype=float32)
    """
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    try:
        with open(fname, "rb") as f:
            buf = f.read()
    except FileNotFoundError:
        raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": No such file '
                         'or directory' % fname) from None
    return _decode(buf, "file '%s'" % fname, "")


def load_frombuffer(buf):
    """Load from the bytes of a whole ``.params`` file (same results as :func:`load`).

    >>> import symnb as mx
    >>> mx.nd.load_frombuffer(bytes.fromhex('1201' + '00' * 30))
    []
    """
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetError("MXNetError: Check failed: curr_ptr_ + size <= buffer_size_:  "
                         "(load_frombuffer needs bytes, got %s)" % type(buf).__name__)
    return _decode(bytes(buf), "buffer", "Check failed: curr_ptr_ + size <= buffer_size_: ")
