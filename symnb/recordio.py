"""``mx.recordio``: MXNet's RecordIO files (``.rec`` + ``.idx``), read and written in Python.

The format is dmlc's: each record is the magic ``0xced7230a``, a ``uint32`` holding a
continuation flag (top 3 bits) and a length, the bytes, and zero padding to 4 bytes. A record
whose payload contains the magic at a 4-byte boundary is split there into parts (flags 1, 2,
3) and joined again on reading, so files are byte-identical to MXNet's. ``pack``/``unpack``
add MXNet's image-record header; ``pack_img``/``unpack_img`` need OpenCV and raise.
"""
from __future__ import annotations

import numbers
import struct
from collections import namedtuple

import numpy as np

from ._checks import mx_assert
from .base import MXNetError

__all__ = ["MXRecordIO", "MXIndexedRecordIO", "IRHeader", "pack", "unpack", "pack_img",
           "unpack_img"]

_MAGIC = 0xced7230a
_MAGIC_BYTES = struct.pack("<I", _MAGIC)


def _padded(length):
    return (length + 3) & ~3


class MXRecordIO:
    """Sequential RecordIO reader (``flag='r'``) or writer (``flag='w'``).

    >>> import os, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, 'x.rec')
    ...     w = mx.recordio.MXRecordIO(path, 'w'); w.write(b'record 0'); w.write(b'1'); w.close()
    ...     r = mx.recordio.MXRecordIO(path, 'r'); [r.read(), r.read(), r.read()]; r.close()
    [b'record 0', b'1', None]
    """

    def __init__(self, uri, flag):
        self.uri = uri
        self.flag = flag
        self.is_open = False
        self._file = None
        self.open()

    def open(self):
        """Open the file (again, from the start).

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'w'); w.write(b'a'); w.close()
        ...     r = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'r'); r.close(); r.is_open
        ...     r.open(); r.is_open, r.read(); r.close()
        False
        (True, b'a')
        """
        if self.flag == "w":
            self._file = open(self.uri, "wb")
            self.writable = True
        elif self.flag == "r":
            try:
                self._file = open(self.uri, "rb")
            except OSError as e:
                raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": %s'
                                 % (self.uri, e.strerror)) from None
            self.writable = False
        else:
            raise ValueError("Invalid flag %s" % self.flag)
        self.is_open = True

    def __del__(self):
        self.close()

    def close(self):
        """Close the file (a no-op when closed).

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'w')
        ...     w.close(); w.close(); w.is_open
        False
        """
        if not getattr(self, "is_open", False):
            return
        self._file.close()
        self.is_open = False

    def reset(self):
        """Reopen: a reader starts over, a writer truncates.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'w'); w.write(b'a'); w.close()
        ...     r = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'r'); r.read(), r.read()
        ...     r.reset(); r.read(); r.close()
        (b'a', None)
        b'a'
        """
        self.close()
        self.open()

    def write(self, buf):
        """Append one record (bytes): an 8-byte head, the bytes, zeros up to 4 bytes.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'w')
        ...     w.write(b'abcde'); w.close()
        ...     os.path.getsize(os.path.join(d, 'x.rec'))
        16
        """
        mx_assert(self.writable)
        buf = bytes(buf)
        out = []
        start = 0
        # dmlc splits the payload at every 4-byte-aligned occurrence of the magic number
        for i in range(0, (len(buf) >> 2) << 2, 4):
            if buf[i:i + 4] == _MAGIC_BYTES:
                out.append(struct.pack("<II", _MAGIC, ((1 if start == 0 else 2) << 29) |
                                       (i - start)) + buf[start:i])
                start = i + 4
        out.append(struct.pack("<II", _MAGIC, ((3 if start != 0 else 0) << 29) |
                               (len(buf) - start)) + buf[start:])
        out.append(b"\0" * (_padded(len(buf)) - len(buf)))
        self._file.write(b"".join(out))

    def read(self):
        """The next record's bytes, or None at the end of the file.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'w'); w.write(b'a'); w.close()
        ...     r = mx.recordio.MXRecordIO(os.path.join(d, 'x.rec'), 'r')
        ...     r.read(), r.read(); r.close()
        (b'a', None)
        """
        mx_assert(not self.writable)
        parts = []
        while True:
            head = self._file.read(8)
            if len(head) < 8:
                if parts or head:
                    raise MXNetError("Invalid RecordIO File")
                return None
            magic, lrec = struct.unpack("<II", head)
            if magic != _MAGIC:
                raise MXNetError("Invalid RecordIO File")
            cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
            data = self._file.read(_padded(length))
            if len(data) != _padded(length):
                raise MXNetError("Invalid RecordIO File upper_align=%d" % _padded(length))
            parts.append(data[:length])
            if cflag in (0, 3):
                return _MAGIC_BYTES.join(parts)


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with a text index (``key\\tposition`` per line) for random access.

    >>> import os, tempfile, symnb as mx
    >>> with tempfile.TemporaryDirectory() as d:
    ...     rec, idx = os.path.join(d, 'x.rec'), os.path.join(d, 'x.idx')
    ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    ...     for i in range(3):
    ...         w.write_idx(i, b'record %d' % i)
    ...     w.close()
    ...     r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r'); r.keys, r.read_idx(2); r.close()
    ([0, 1, 2], b'record 2')
    """

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = idx_path
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        """Open the record file and the index; a reader loads the keys and positions.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     idx, rec = os.path.join(d, 'x.idx'), os.path.join(d, 'x.rec')
        ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        ...     for i in range(3): w.write_idx(i, b'record %d' % i)
        ...     w.close(); r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        ...     r.keys, r.idx; r.close()
        ([0, 1, 2], {0: 0, 1: 16, 2: 32})
        """
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)
        if not self.writable:
            for line in iter(self.fidx.readline, ""):
                fields = line.strip().split("\t")
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self):
        """Close the record file and the index (a no-op when closed).

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     idx, rec = os.path.join(d, 'x.idx'), os.path.join(d, 'x.rec')
        ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        ...     for i in range(3): w.write_idx(i, b'record %d' % i)
        ...     w.close(); r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        ...     r.close(); r.is_open, r.fidx.closed
        (False, True)
        """
        if not getattr(self, "is_open", False):
            return
        super().close()
        self.fidx.close()

    def seek(self, idx):
        """Position the reader at the record with key ``idx``.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     idx, rec = os.path.join(d, 'x.idx'), os.path.join(d, 'x.rec')
        ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        ...     for i in range(3): w.write_idx(i, b'record %d' % i)
        ...     w.close(); r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        ...     r.seek(1); r.read(), r.read(); r.close()
        (b'record 1', b'record 2')
        """
        mx_assert(not self.writable)
        self._file.seek(self.idx[idx])

    def tell(self):
        """The writer's current position.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     w = mx.recordio.MXIndexedRecordIO(os.path.join(d, 'x.idx'),
        ...                                       os.path.join(d, 'x.rec'), 'w')
        ...     w.tell(), w.write_idx(0, b'abc'), w.tell(); w.close()
        (0, None, 12)
        """
        mx_assert(self.writable)
        return self._file.tell()

    def read_idx(self, idx):
        """The record with key ``idx``.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     idx, rec = os.path.join(d, 'x.idx'), os.path.join(d, 'x.rec')
        ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        ...     for i in range(3): w.write_idx(i, b'record %d' % i)
        ...     w.close(); r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        ...     r.read_idx(2), r.read_idx(0); r.close()
        (b'record 2', b'record 0')
        """
        self.seek(idx)
        return self.read()

    def write_idx(self, idx, buf):
        """Append a record under key ``idx``: a ``key\\tposition`` line in the index.

        >>> import os, tempfile, symnb as mx
        >>> with tempfile.TemporaryDirectory() as d:
        ...     idx, rec = os.path.join(d, 'x.idx'), os.path.join(d, 'x.rec')
        ...     w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        ...     for i in range(3): w.write_idx(i, b'record %d' % i)
        ...     w.close(); r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        ...     r.close(); open(idx).read()
        '0\\t0\\n1\\t16\\n2\\t32\\n'
        """
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write("%s\t%d\n" % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """The header of an image record (MXNet's ``IRHeader``, a namedtuple ``HEADER``).

``flag`` is 0 for a number ``label``, else the length of an array ``label`` (``pack`` sets
it); ``id`` and ``id2`` are integer ids.

>>> import symnb as mx
>>> h = mx.recordio.IRHeader(0, 3.0, 7, 0)
>>> h, h.label
(HEADER(flag=0, label=3.0, id=7, id2=0), 3.0)
"""
_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """Prefix ``s`` with an image-record header; an array label is stored after it.

    >>> import symnb as mx
    >>> packed = mx.recordio.pack(mx.recordio.IRHeader(0, [1, 2], 7, 0), b'img')
    >>> h, s = mx.recordio.unpack(packed); h.flag, h.label.tolist(), h.id, s
    (2, [1.0, 2.0], 7, b'img')
    """
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s):
    """``(IRHeader, payload)`` of a packed record (an array label when ``flag > 0``).

    >>> import symnb as mx
    >>> mx.recordio.unpack(mx.recordio.pack(mx.recordio.IRHeader(0, 3.0, 7, 0), b'img'))
    (HEADER(flag=0, label=3.0, id=7, id2=0), b'img')
    """
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _no_opencv(name):
    return NotImplementedError(
        "mx.recordio.%s needs OpenCV to encode/decode images, which symnb does not use. "
        "Use mx.recordio.pack/unpack with image bytes you encode or decode yourself "
        "(e.g. with Pillow)." % name)


def unpack_img(s, iscolor=-1):
    """Not supported: decoding needs OpenCV (raises NotImplementedError).

    >>> import symnb as mx
    >>> mx.recordio.unpack_img(mx.recordio.pack(mx.recordio.IRHeader(0, 3.0, 7, 0), b'img'))
    Traceback (most recent call last):
    ...
    NotImplementedError: mx.recordio.unpack_img needs OpenCV to encode/decode images, ...
    """
    raise _no_opencv("unpack_img")


def pack_img(header, img, quality=95, img_fmt=".jpg"):
    """Not supported: encoding needs OpenCV (raises NotImplementedError).

    >>> import symnb as mx, numpy as np
    >>> mx.recordio.pack_img(mx.recordio.IRHeader(0, 3.0, 7, 0), np.zeros((2, 2, 3), np.uint8))
    Traceback (most recent call last):
    ...
    NotImplementedError: mx.recordio.pack_img needs OpenCV to encode/decode images, ...
    """
    raise _no_opencv("pack_img")
