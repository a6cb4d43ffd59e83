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
