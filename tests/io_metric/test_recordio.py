"""mx.recordio: files byte-identical to MXNet 1.9.1's (cases/recordio.json)."""
from __future__ import annotations

import pytest

import symnb as mx

from ._files import record_payloads
from ._replay import load

REC = load("recordio.json")


def test_written_files_are_mxnets(tmp_path):
    rec, idx = str(tmp_path / "x.rec"), str(tmp_path / "x.idx")
    writer = mx.recordio.MXIndexedRecordIO(idx, rec, "w")
    for i, payload in enumerate(record_payloads()):
        writer.write_idx(i * 10, payload)
    writer.close()
    assert open(rec, "rb").read().hex() == REC["rec"]
    assert open(idx).read() == REC["idx"]


def test_reads_mxnets_files(tmp_path):
    rec, idx = str(tmp_path / "m.rec"), str(tmp_path / "m.idx")
    open(rec, "wb").write(bytes.fromhex(REC["rec"]))
    open(idx, "w").write(REC["idx"])
    payloads = record_payloads()
    reader = mx.recordio.MXRecordIO(rec, "r")
    assert [reader.read() for _ in payloads] == payloads
    assert reader.read() is None
    reader.reset()
    assert reader.read() == payloads[0]
    indexed = mx.recordio.MXIndexedRecordIO(idx, rec, "r")
    assert indexed.keys == [i * 10 for i in range(len(payloads))]
    assert indexed.read_idx(50) == payloads[5]
    assert indexed.read_idx(0) == payloads[0]


def test_pack_unpack_and_errors(tmp_path):
    ir = mx.recordio.IRHeader
    packed = [mx.recordio.pack(ir(0, 3.5, 7, 9), b"img"),
              mx.recordio.pack(ir(0, [1, 2.5], 8, 1), b"xy"),
              mx.recordio.pack((5, [4.0], 1, 2), b"")]
    assert [p.hex() for p in packed] == REC["packed"]
    header, payload = mx.recordio.unpack(packed[1])
    assert (header.flag, header.label.tolist(), header.id, header.id2, payload) == \
        (2, [1.0, 2.5], 8, 1, b"xy")
    assert mx.recordio.unpack(packed[0])[0].label == 3.5
    with pytest.raises(ValueError, match="Invalid flag x"):
        mx.recordio.MXRecordIO(str(tmp_path / "y.rec"), "x")
    with pytest.raises(NotImplementedError, match="OpenCV"):
        mx.recordio.unpack_img(packed[0])
    bad = tmp_path / "bad.rec"
    bad.write_bytes(b"\x00" * 12)
    with pytest.raises(mx.MXNetError, match="Invalid RecordIO File"):
        mx.recordio.MXRecordIO(str(bad), "r").read()
