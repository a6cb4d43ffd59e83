"""Record MXNet 1.9.1 facts for the symbol-level tests of this folder.

    .bench-mxnet-venv/bin/python tests/symbol_passes/record.py     # writes recorded.json
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    import mxnet as mx
    sys.path.insert(0, HERE)
    import _atomic_cases
    import _cse_cases
    import _cse_probe
    import _zero_prop_cases
    sys.path.insert(0, os.path.join(HERE, ".."))
    from differential.specs import all_cases
    facts = {"atomic": _atomic_cases.cases(mx), "cse": _cse_cases.cases(mx),
             "cse_merges": _cse_probe.probe_all(mx, all_cases()),
             "zero_prop": _zero_prop_cases.cases(mx)}
    with open(os.path.join(HERE, "recorded.json"), "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write("\n")
    print("recorded", sorted(facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
