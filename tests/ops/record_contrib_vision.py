"""Record ``contrib_vision_facts.json`` from a real MXNet 1.9.1 (run with MXNet's interpreter):

    .bench-mxnet-venv/bin/python tests/ops/record_contrib_vision.py
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    """Write the facts file; returns the exit status."""
    sys.path.insert(0, HERE)
    import mxnet as mx
    from contrib_vision_probes import probes

    if not mx.__version__.startswith("1.9.1"):
        print("needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    with contextlib.redirect_stdout(io.StringIO()):     # infer_shape prints on errors
        facts = probes(mx)
    with open(os.path.join(HERE, "contrib_vision_facts.json"), "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
    print("recorded %d facts" % len(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
