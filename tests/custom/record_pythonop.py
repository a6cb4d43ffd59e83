"""Record MXNet 1.9.1 running its deprecated Python operators (``_numpy_ops.py``):
the numpy-ops NumpyOp softmax example (graph, shapes, ``Module.fit`` parameters) and an
NDArrayOp's structure and values, plus the float32-only type rule's error.

    .bench-mxnet-venv/bin/python tests/custom/record_pythonop.py   # pythonop.json/.npz
"""
from __future__ import annotations

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _masked(text):
    """The ``info`` pointer differs per run: replace it by a fixed token."""
    return re.sub(r'"info": "[0-9a-f]+"', '"info": "<ptr>"', text)


def main() -> int:
    import mxnet as mx
    import numpy as np
    sys.path.insert(0, HERE)
    from _numpy_ops import define_scale_shift, define_softmax, train
    sym = define_softmax(mx)
    arg_shapes, out_shapes, _ = sym.infer_shape(data=(100, 784), softmax_label=(100,))
    params, acc = train(mx, sym)
    meta = {"json": _masked(sym.tojson()), "arguments": sym.list_arguments(),
            "outputs": sym.list_outputs(), "arg_shapes": [list(s) for s in arg_shapes],
            "out_shapes": [list(s) for s in out_shapes], "val_accuracy": acc}
    ss = define_scale_shift(mx)
    meta["ndarray_op"] = {
        "json": _masked(ss.tojson()), "arguments": ss.list_arguments(),
        "outputs": ss.list_outputs(),
        "attr_dict": {k: sorted(v) for k, v in ss.attr_dict().items()},
        "infer_shape": [[list(s) for s in part]
                        for part in ss.infer_shape(x=(2, 3), ss_shift=(2,))],
        "infer_type": [[np.dtype(t).name for t in part] for part in ss.infer_type()]}
    try:
        ss.infer_type(x='float64')
    except mx.MXNetError as e:
        meta["ndarray_op"]["float64_error"] = str(e).split("\n")[0]
    # NDArrayOp's backward fails inside MXNet 1.9.1 itself (its gradients read back as
    # "Shape is unknown"), so only its forward is recorded; backward is tested by reference
    ex = ss.bind(mx.cpu(), {'x': mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3) / 4),
                            'ss_shift': mx.nd.array([1, -1])})
    fwd = [o.asnumpy() for o in ex.forward()]
    with open(os.path.join(HERE, "pythonop.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    np.savez_compressed(os.path.join(HERE, "pythonop.npz"), ndarray_op_scaled=fwd[0],
                        ndarray_op_squared=fwd[1], **params)
    print("recorded; accuracy", acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
