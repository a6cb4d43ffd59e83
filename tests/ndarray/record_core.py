"""Record MXNet 1.9.1's NDArray/executor core facts (``_core_cases.py``) as JSON.

    .bench-mxnet-venv/bin/python tests/ndarray/record_core.py    # writes core_facts.json

Zero-size arrays under ``mx.np_shape``, ``take(mode='raise')`` (its error is reported when
an output is read), numpy functions and scalars applied to NDArrays, DLPack, ``pick``,
``group2ctx`` placement and ``CachedOp``; ``test_core_facts.py`` replays them on symnb
without MXNet.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write_facts(all_facts, filename) -> int:
    """Run ``all_facts(mx)`` under MXNet and write them, with the versions, to ``filename``
    beside this script (shared by the recorders of this folder)."""
    # MXNet's oneDNN subgraph pass would rename fused nodes (sg_mkldnn_conv_0) in the
    # optimized symbols these facts compare; symnb reproduces the plain graph passes
    os.environ.setdefault("MXNET_SUBGRAPH_BACKEND", "NONE")
    import mxnet as mx
    facts = all_facts(mx)
    facts["_meta"] = {"mxnet": mx.__version__, "numpy": __import__("numpy").__version__}
    with open(os.path.join(HERE, filename), "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write("\n")
    print("recorded", sum(len(v) for k, v in facts.items() if k != "_meta"), "facts")
    return 0


def main() -> int:
    sys.path.insert(0, HERE)
    from _core_cases import all_facts
    return write_facts(all_facts, "core_facts.json")


if __name__ == "__main__":
    sys.exit(main())
