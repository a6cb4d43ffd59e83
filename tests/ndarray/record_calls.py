"""Record how MXNet 1.9.1's generated functions take their arguments (``_calls_cases.py``).

    .bench-mxnet-venv/bin/python tests/ndarray/record_calls.py    # writes calls_facts.json

``test_calls.py`` replays the facts on symnb without MXNet.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
    from tests.ndarray._calls_cases import all_facts
    from tests.ndarray.record_core import write_facts
    return write_facts(all_facts, "calls_facts.json")


if __name__ == "__main__":
    sys.exit(main())
