"""Record MXNet 1.9.1 running the numpy-ops custom softmax example (``_softmax.py``).

    .bench-mxnet-venv/bin/python tests/custom/record.py     # writes softmax.json/.npz
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    import mxnet as mx
    import numpy as np
    sys.path.insert(0, HERE)
    from _softmax import define, train
    sym = define(mx)
    arg_shapes, out_shapes, _ = sym.infer_shape(data=(100, 784))
    params, acc = train(mx, sym)
    meta = {"json": sym.tojson(), "arguments": sym.list_arguments(),
            "outputs": sym.list_outputs(), "arg_shapes": [list(s) for s in arg_shapes],
            "out_shapes": [list(s) for s in out_shapes], "val_accuracy": acc}
    with open(os.path.join(HERE, "softmax.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    np.savez_compressed(os.path.join(HERE, "softmax.npz"), **params)
    print("recorded; accuracy", acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
