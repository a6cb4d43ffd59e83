"""Record mx.rnn cell graphs from a real MXNet 1.9.1 (run with MXNet's interpreter).

    .bench-mxnet-venv/bin/python tests/rnn/record_cells.py

For every builder in ``_cells.BUILDERS``: the JSON text (``tojson()``), argument, output and
aux names, inferred shapes, and the outputs of an inference forward with arguments from
``_cells.fill``; also FusedRNNCell's ``unpack_weights`` of a filled vector and its
``pack_weights`` round trip. Writes ``cells.json`` and ``cells.npz``; symnb never runs here.
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
    from _cells import BUILDERS, fill

    meta, arrays = {}, {}
    for name, build in BUILDERS.items():
        with mx.name.NameManager():
            sym, shapes = build(mx)
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
        args = {n: mx.nd.array(fill(s, i), dtype="float32")
                for i, (n, s) in enumerate(zip(sym.list_arguments(), arg_shapes))}
        outs = sym.bind(mx.cpu(), args).forward(is_train=False)
        for j, o in enumerate(outs):
            arrays["%s|out|%d" % (name, j)] = o.asnumpy()
        meta[name] = {"json": sym.tojson(), "arguments": sym.list_arguments(),
                      "outputs": sym.list_outputs(), "aux": sym.list_auxiliary_states(),
                      "shapes": {k: list(v) for k, v in shapes.items()},
                      "arg_shapes": [list(s) for s in arg_shapes],
                      "out_shapes": [list(s) for s in out_shapes]}
    cell = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True, prefix="f_")
    flat = mx.nd.array(fill((cell_size := 2 * 4 * 3 * (5 + 3 + 2) + 2 * 4 * 3 * (6 + 3 + 2),),
                            7), dtype="float64")
    unpacked = cell.unpack_weights({"f_parameters": flat})
    for k, v in unpacked.items():
        arrays["unpack|%s" % k] = v.asnumpy()
    repacked = cell.pack_weights(unpacked)["f_parameters"].asnumpy()
    assert (repacked == flat.asnumpy()).all() and cell_size == flat.size
    meta["_unpack"] = {"size": cell_size, "names": sorted(unpacked)}
    with open(os.path.join(HERE, "cells.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    np.savez_compressed(os.path.join(HERE, "cells.npz"), **arrays)
    print("recorded %d cell graphs" % len(BUILDERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
