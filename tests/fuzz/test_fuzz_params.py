"""Fuzz: ``.params`` files built field by field (magics, storage types, ndim, dims whose
products overflow int64 or are negative, contexts, type flags, data lengths, name counts,
name lengths and bytes) and real files corrupted byte-wise. Each is loaded in a child under
a memory cap: accepted (and then saved and read back identically) or refused with
MXNetError raised by symnb's own checks, before anything big is allocated."""
from __future__ import annotations

import glob
import os
import struct
import tempfile

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import symnb as mx
from symnb.ndarray._io import _encode

from ._corpus import ROOT, nasty_text
from ._sandbox import Outcomes, example_alarm, report, run_capped

OUTCOMES = Outcomes()
MAGICS = [0xF993FAC8, 0xF993FAC9, 0xF993FACA]
WEIRD_DIMS = [0, 1, 2, 3, -1, -2, 2**31, 2**32, 2**62, 2**63 - 1, -2**63]
ITEMSIZE = {0: 4, 1: 8, 2: 2, 3: 1, 4: 4, 5: 1, 6: 8, 7: 1, 12: 2}


@st.composite
def records(draw):
    kind = draw(st.sampled_from(["v1", "v2", "v2", "v3", "legacy", "junk"]))
    ndim = draw(st.integers(0, 4) | st.sampled_from([-1, 33, 2**31 - 1]))
    real_ndim = max(0, min(ndim, 6))
    dims = draw(st.lists(st.integers(0, 4) | st.sampled_from(WEIRD_DIMS), min_size=real_ndim,
                         max_size=real_ndim))
    flag = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 12, 9, -1]))
    head = b""
    if kind == "legacy":
        head = struct.pack("<I", real_ndim) + struct.pack(
            "<%dI" % real_ndim, *[d % 2**32 for d in dims])
    elif kind == "junk":
        head = struct.pack("<I", draw(st.integers(0, 2**32 - 1)))
    else:
        magic = MAGICS[["v1", "v2", "v3"].index(kind)]
        head = struct.pack("<I", magic)
        if kind != "v1":
            head += struct.pack("<i", draw(st.sampled_from([0, 0, 0, 1, 2, 7])))
        head += struct.pack("<i", ndim % 2**31 if ndim > 2**31 - 1 else ndim)
        head += struct.pack("<%dq" % real_ndim, *[max(min(d, 2**63 - 1), -2**63) for d in dims])
    head += struct.pack("<ii", draw(st.sampled_from([1, 2, 3, 5, 0])), draw(st.integers(0, 3)))
    head += struct.pack("<i", flag)
    count = 1
    for d in dims:
        count *= max(d, 0)
    want = count * ITEMSIZE.get(flag, 4)
    size = want if want <= 4096 else draw(st.integers(0, 64))
    size = max(0, size + draw(st.sampled_from([0, 0, 0, -1, 1, -4])))
    return head + bytes(draw(st.binary(min_size=size, max_size=size))
                        if size <= 64 else b"\x3f" * size)


@st.composite
def built_files(draw):
    recs = draw(st.lists(records(), max_size=3))
    names = draw(st.lists(st.one_of(nasty_text.map(
        lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=6)),
        min_size=len(recs), max_size=len(recs)))
    n_names = draw(st.sampled_from([len(recs), len(recs), 0, len(recs) + 1, 2**64 - 1]))
    count = draw(st.sampled_from([len(recs), len(recs), len(recs) + 1, 2**63]))
    out = struct.pack("<QQQ", draw(st.sampled_from([0x112, 0x112, 0x113])), 0, count)
    out += b"".join(recs) + struct.pack("<Q", n_names)
    for raw in names[:n_names]:
        length = draw(st.sampled_from([len(raw), len(raw), 2**63]))
        out += struct.pack("<Q", length) + raw
    return out


def _real_files():
    found = sorted(glob.glob(str(ROOT / ".." / "shared" / "spec" / "files" / "*.params")))
    blobs = [open(p, "rb").read() for p in found]
    with tempfile.TemporaryDirectory() as tmp:      # always at least these, made by symnb
        path = os.path.join(tmp, "seed.params")
        mx.nd.save(path, {"w": mx.nd.array([[1, 2], [3, 4]]),
                          "i": mx.nd.array([1, 2, 3], dtype="int32")})
        blobs.append(open(path, "rb").read())
        mx.nd.save(path, [mx.nd.array([1.5], dtype="float64")])
        blobs.append(open(path, "rb").read())
    return blobs


REAL = _real_files()


@st.composite
def corrupted_files(draw):
    buf = bytearray(draw(st.sampled_from(REAL)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "int64"]))
        pos = draw(st.integers(0, max(len(buf) - 1, 0)))
        if kind == "flip" and buf:
            buf[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del buf[pos:]
        elif kind == "insert":
            buf[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "int64" and pos + 8 <= len(buf):
            buf[pos:pos + 8] = struct.pack("<q", draw(st.sampled_from(WEIRD_DIMS)))
    return bytes(buf)


def _same(a, b):
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return len(a) == len(b) and all(
        x.shape == y.shape and x.dtype == y.dtype and
        np.array_equal(x.asnumpy(), y.asnumpy(), equal_nan=True) for x, y in zip(a, b))


@given(st.one_of(built_files(), corrupted_files()))
def _params_property(buf):
    example_alarm()
    OUTCOMES["inputs"] += 1
    what = "load_frombuffer(%r)" % buf[:200]
    try:
        loaded = mx.nd.load_frombuffer(buf)
    except Exception as e:               # noqa: BLE001 -- judged
        OUTCOMES.judge(e, (mx.MXNetError,), what)
        return
    arrays = loaded.values() if isinstance(loaded, dict) else loaded
    assert all(isinstance(a, mx.nd.NDArray) for a in arrays), what
    try:
        payload = _encode(loaded)
    except ValueError as e:              # a 0-d array: refused on save, as MXNet should
        OUTCOMES.judge(e, (ValueError,), what + " save", label="accepted, refused on save")
    else:
        assert _same(mx.nd.load_frombuffer(payload), loaded), what + ": save/load differs"
    OUTCOMES["accepted"] += 1


def _family():
    _params_property()
    return dict(OUTCOMES)


def test_params_files_are_accepted_or_refused_cleanly():
    outcomes = run_capped(_family)
    report(".params", outcomes)
    assert outcomes["inputs"] > 0 and outcomes.get("clean errors", 0) > 0
