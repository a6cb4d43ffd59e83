"""Record the fused ``RNN`` operator from a real MXNet 1.9.1 (run with MXNet's interpreter).

    .bench-mxnet-venv/bin/python tests/rnn/record.py

Writes ``cases.npz``: for every configuration in ``CONFIGS`` the inputs (drawn here from a
seeded NumPy generator), the forward outputs and the gradients of every input after a
backward with given head gradients, plus ``cases.json`` with the configurations, the
inferred shapes and MXNet's output names. symnb is never imported; ``test_rnn_op.py``
replays the file without MXNet.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (mode, num_layers, bidirectional, state_outputs, dtype, T, N, I, H)
CONFIGS = [
    (mode, layers, bidir, so, "float64", 4, 3, 5, 3)
    for mode in ("rnn_tanh", "rnn_relu", "lstm", "gru")
    for layers in (1, 2)
    for bidir in (False, True)
    for so in (False, True)
] + [("lstm", 2, True, True, "float32", 3, 2, 4, 2),
      ("gru", 1, False, False, "float32", 6, 2, 3, 4)]


def key(cfg) -> str:
    mode, layers, bidir, so, dtype, t, n, i, h = cfg
    return "%s-L%d-%s-%s-%s-T%dN%dI%dH%d" % (mode, layers, "bi" if bidir else "uni",
                                           "so" if so else "nso", dtype, t, n, i, h)


def main() -> int:
    import mxnet as mx
    import numpy as np

    if not mx.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    rng = np.random.default_rng(0)
    arrays, meta = {}, []
    for cfg in CONFIGS:
        mode, layers, bidir, so, dtype, t, n, i, h = cfg
        k = key(cfg)
        sym = mx.sym.RNN(mx.sym.var("data"), state_size=h, num_layers=layers, mode=mode,
                         bidirectional=bidir, state_outputs=so, name="rnn")
        arg_shapes, out_shapes, _ = sym.infer_shape(data=(t, n, i))
        names = sym.list_arguments()
        args = {nm: mx.nd.array(rng.uniform(-0.6, 0.6, s), dtype=dtype)
                for nm, s in zip(names, arg_shapes)}
        grads = {nm: mx.nd.zeros(s, dtype=dtype) for nm, s in zip(names, arg_shapes)}
        exe = sym.bind(mx.cpu(), args, args_grad=grads)
        outs = exe.forward(is_train=True)
        heads = [mx.nd.array(rng.uniform(-1, 1, o.shape), dtype=dtype) for o in outs]
        exe.backward(heads)
        for nm in names:
            arrays["%s|in|%s" % (k, nm)] = args[nm].asnumpy()
            arrays["%s|grad|%s" % (k, nm)] = grads[nm].asnumpy()
        for j, (o, hd) in enumerate(zip(outs, heads)):
            arrays["%s|out|%d" % (k, j)] = o.asnumpy()
            arrays["%s|head|%d" % (k, j)] = hd.asnumpy()
        # inference forward of the same arguments (MXNet's CPU inference kernels are separate)
        exe2 = sym.bind(mx.cpu(), args, grad_req="null")
        for j, o in enumerate(exe2.forward(is_train=False)):
            arrays["%s|infer|%d" % (k, j)] = o.asnumpy()
        meta.append({"key": k, "mode": mode, "num_layers": layers, "bidirectional": bidir,
                     "state_outputs": so, "dtype": dtype, "data": [t, n, i], "state_size": h,
                     "arguments": names, "outputs": sym.list_outputs(),
                     "arg_shapes": [list(s) for s in arg_shapes],
                     "out_shapes": [list(s) for s in out_shapes]})
    np.savez_compressed(os.path.join(HERE, "cases.npz"), **arrays)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print("recorded %d RNN configurations" % len(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
