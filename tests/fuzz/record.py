"""Record MXNet 1.9.1's outcome of every case in ``facts.py`` into ``mxnet_facts.json``.

Run with the MXNet venv (never in CI):
    /work/main/.bench-mxnet-venv/bin/python tests/fuzz/record.py
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from facts import CASES  # noqa: E402 -- beside this script, run from anywhere

_STAMP = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")


def outcome(mx, call):
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            value = call(mx)
    except Exception as e:          # noqa: BLE001 -- the fact to record
        text = _STAMP.sub("", str(e)).split("\nStack trace")[0].strip()
        return {"error": [type(e).__name__, text]}
    return {"value": json.loads(json.dumps(value, default=list))}


if __name__ == "__main__":
    import mxnet as mx  # only here: collecting this file (doctests) needs no MXNet
    facts = {name: outcome(mx, call) for name, (call, _) in CASES.items()}
    (HERE / "mxnet_facts.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")
    print("recorded %d cases with MXNet %s" % (len(facts), mx.__version__))
