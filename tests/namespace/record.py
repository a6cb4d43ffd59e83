"""Record the public names of MXNet 1.9.1's symbol and ndarray modules (MXNet's interpreter).

    .bench-mxnet-venv/bin/python tests/namespace/record.py

Writes ``names.json``: module path -> sorted ``dir()`` names (dunders left out). The replay
(``test_namespace.py``) needs no MXNet.
"""
from __future__ import annotations

import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ["symbol", "symbol.symbol", "symbol.contrib", "symbol.linalg", "symbol.random",
           "symbol.sparse", "symbol.image", "symbol._internal", "symbol.op",
           "ndarray", "ndarray.ndarray", "ndarray.contrib", "ndarray.linalg", "ndarray.random",
           "ndarray.sparse", "ndarray.image", "ndarray._internal", "ndarray.op",
           "ndarray.utils"]


def main() -> int:
    """Write names.json; returns the exit status.

    >>> callable(main)
    True
    """
    import mxnet
    if not mxnet.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mxnet.__version__)
        return 1
    names = {}
    for path in MODULES:
        module = importlib.import_module("mxnet." + path)
        names[path] = sorted(n for n in dir(module) if not n.startswith("__"))
    with open(os.path.join(HERE, "names.json"), "w") as f:
        json.dump(names, f, indent=0, sort_keys=True)
    print("recorded %d modules" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
