"""Small data files written identically by record.py (under MXNet) and by the replay tests.

Imports neither mxnet nor symnb.
"""
from __future__ import annotations

import os
import struct

import numpy as np


def write_csv_files(folder):
    """``d.csv`` (7 rows of 3), ``l.csv`` (7 labels), ``l3.csv`` (7 rows of 3), ``dir/``."""
    data = np.arange(21).reshape(7, 3)
    np.savetxt(os.path.join(folder, "d.csv"), data, delimiter=",", fmt="%d")
    np.savetxt(os.path.join(folder, "l.csv"), np.arange(7) * 10, delimiter=",", fmt="%d")
    np.savetxt(os.path.join(folder, "f.csv"), data / 4.0, delimiter=",", fmt="%.3f")
    np.savetxt(os.path.join(folder, "l3.csv"), data[::-1], delimiter=",", fmt="%d")
    os.makedirs(os.path.join(folder, "dir"), exist_ok=True)
    np.savetxt(os.path.join(folder, "dir", "a.csv"), data[:4], delimiter=",", fmt="%d")
    np.savetxt(os.path.join(folder, "dir", "b.csv"), data[4:], delimiter=",", fmt="%d")


def write_mnist_files(folder, count=50, rows=4, cols=3):
    """``t-images-idx3-ubyte`` / ``t-labels-idx1-ubyte`` with ``count`` tiny images."""
    images = (np.arange(count * rows * cols) * 7 % 256).astype(np.uint8)
    labels = (np.arange(count) * 3 % 10).astype(np.uint8)
    with open(os.path.join(folder, "t-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, rows, cols) + images.tobytes())
    with open(os.path.join(folder, "t-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, count) + labels.tobytes())


def array_cases():
    """``(id, source, kwargs)`` inputs for ``mx.nd.array``, compared with MXNet's results."""
    return [
        ("str-list", ["1", "2"], {}), ("str-list-int32", ["1", "2"], {"dtype": "int32"}),
        ("str-float-int32", ["1.5", "2"], {"dtype": "int32"}), ("str-float", ["1.5", "2"], {}),
        ("nested-str-int64", [["1", "2"], ["3", "4"]], {"dtype": "int64"}),
        ("mixed", [1, "2"], {}), ("str-tuple-f64", ("1", "2"), {"dtype": "float64"}),
        ("np-str", np.array(["1", "2"]), {}),
        ("np-str-int32", np.array(["1", "2"]), {"dtype": "int32"}),
        ("scalar-str", "3", {}), ("letters", ["a"], {}), ("bools", [True, False], {}),
        ("ragged", [[1, 2], [3]], {}), ("dict", {"a": 1}, {}),
        ("float-int32", [1.7, -2.7], {"dtype": "int32"}),
        ("exp-str-int32", ["1e3"], {"dtype": "int32"}),
        ("wrap-uint8", [300, -1], {"dtype": "uint8"}), ("range", range(3), {}),
        ("bytes", b"12", {}),
    ]


def record_payloads():
    """Records for the RecordIO round trip: empty, unaligned, and the magic at 4-byte
    boundaries (which dmlc splits the record at) and off them (which it does not)."""
    magic = struct.pack("<I", 0xced7230a)
    return [b"", b"a", b"abcd", b"hello world", magic, b"1234" + magic + b"xy",
            magic + magic, b"12" + magic + b"34", bytes(range(256)) * 3,
            b"abcd" + magic + b"efgh" + magic]
