"""Record how MXNet 1.9.1's generated functions take their arguments (``_calls_cases.py``).

    .bench-mxnet-venv/bin/python tests/ndarray/record_calls.py    # writes calls_facts.json

``test_calls.py`` replays the facts on symnb without MXNet.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    import mxnet as mx
    sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
    from tests.ndarray._calls_cases import all_facts
    facts = all_facts(mx)
    facts["_meta"] = {"mxnet": mx.__version__, "numpy": __import__("numpy").__version__}
    with open(os.path.join(HERE, "calls_facts.json"), "w") as f:
        json.dump(facts, f, indent=1, sort_keys=True)
        f.write("\n")
    print("recorded", sum(len(v) for k, v in facts.items() if k != "_meta"), "facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
