"""Record what MXNet 1.9.1 does with a graph holding ``_contrib_backward_hawkesll``.

Run in the benchmark venv: ``.bench-mxnet-venv/bin/python tests/ops/record_hawkes_backward.py``
writes ``hawkes_backward.json`` beside it (replayed by ``test_hawkes.py`` without MXNet).
"""
import json
from pathlib import Path

import mxnet as mx

NAMES = ["og0", "og1", "lda", "alpha", "beta", "state", "lags", "marks", "valid_length",
         "max_time"]
SHAPES = {"og0": (2,), "og1": (2, 3), "lda": (2, 3), "alpha": (3,), "beta": (3,),
          "state": (2, 3), "lags": (2, 5), "marks": (2, 5), "valid_length": (2,),
          "max_time": (2,)}


def graph():
    nodes = [{"op": "null", "name": n, "inputs": []} for n in NAMES]
    nodes.append({"op": "_contrib_backward_hawkesll", "name": "bh",
                  "inputs": [[i, 0, 0] for i in range(10)]})
    return {"nodes": nodes, "arg_nodes": list(range(10)), "node_row_ptr": list(range(11)) + [19],
            "heads": [[10, i, 0] for i in range(8)], "attrs": {"mxnet_version": ["int", 10901]}}


def main():
    sym = mx.sym.load_json(json.dumps(graph()))
    facts = {"graph": graph(), "outputs": sym.list_outputs(), "arguments": sym.list_arguments(),
             "infer_shape": list(sym.infer_shape(**SHAPES)) == [None, None, None]}
    try:
        mx.nd.contrib.backward_hawkesll(mx.nd.ones((2,)))
    except Exception as e:                  # noqa: BLE001 -- the text is the fact
        facts["nd_call"] = type(e).__name__
    arrays = {n: mx.nd.ones(SHAPES[n], dtype="int32" if n == "marks" else "float32")
              for n in NAMES}
    try:
        sym.bind(mx.cpu(), arrays).forward()[0].asnumpy()
    except mx.base.MXNetError as e:
        facts["run_error"] = str(e).split("\n")[-1] if "\n" in str(e) else str(e)
    (Path(__file__).parent / "hawkes_backward.json").write_text(json.dumps(facts, indent=1))


if __name__ == "__main__":
    main()
