"""Record the Module cases from a real MXNet 1.9.1 (run with MXNet's interpreter).

    .bench-mxnet-venv/bin/python tests/module/record.py          # every case
    .bench-mxnet-venv/bin/python tests/module/record.py -k bucket

Writes ``cases/<name>.json``: what each function of ``cases.py`` returns under MXNet, and
``cases/errors.json`` / ``cases/accuracy.json`` (error texts; accuracies MXNet reaches on the
synthetic data of ``training.py``). symnb is never imported here; the replay needs no MXNet.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")


def _dump(name, value):
    with open(os.path.join(CASES_DIR, name + ".json"), "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv=None) -> int:
    """Record every selected case; returns the process exit status.

    >>> callable(main)
    True
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", action="append", default=[], help="name substring filter")
    a = ap.parse_args(argv)
    sys.path.insert(0, HERE)
    import mxnet as mx
    import cases
    import errors
    import training

    if not mx.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    os.makedirs(CASES_DIR, exist_ok=True)
    wanted = lambda name: not a.k or any(k in name for k in a.k)  # noqa: E731
    for name, fn in cases.CASES.items():
        if not wanted(name):
            continue
        if "tmpdir" in fn.__code__.co_varnames[:fn.__code__.co_argcount]:
            with tempfile.TemporaryDirectory() as tmp:
                _dump(name, fn(mx, tmp))
        else:
            _dump(name, fn(mx))
        print("recorded", name)
    if wanted("errors"):
        _dump("errors", errors.collect(mx))
        print("recorded errors")
    if wanted("accuracy"):
        _dump("accuracy", training.record_accuracy(mx))
        print("recorded accuracy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
