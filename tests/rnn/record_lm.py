"""Record the LSTM language-model fit of ``_lm.py`` from a real MXNet 1.9.1.

    .bench-mxnet-venv/bin/python tests/rnn/record_lm.py      # writes lm.json
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    import mxnet as mx
    sys.path.insert(0, HERE)
    from _lm import run
    history = run(mx)
    with open(os.path.join(HERE, "lm.json"), "w") as f:
        json.dump({"perplexity_per_epoch": history}, f, indent=1)
        f.write("\n")
    print("recorded", history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
