"""mx.rnn cells against MXNet 1.9.1 (``cells.json``/``cells.npz`` from ``record_cells.py``).

Each builder of ``_cells.py`` must give MXNet's JSON text byte for byte (so names, attributes
and initializers match), its argument/output names and shapes, and its inference outputs.
"""
from __future__ import annotations

import json
import pathlib
import sys
import warnings

import numpy as np
import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _cells import BUILDERS, fill  # noqa: E402

with open(HERE / "cells.json") as _f:
    META = json.load(_f)
with np.load(HERE / "cells.npz") as _z:
    ARRAYS = {k: _z[k] for k in _z.files}


def _build(name):
    with mx.name.NameManager(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BUILDERS[name](mx)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_graph_matches_mxnet(name):
    sym, shapes = _build(name)
    want = META[name]
    assert sym.list_arguments() == want["arguments"]
    assert sym.list_outputs() == want["outputs"]
    assert sym.list_auxiliary_states() == want["aux"]
    assert sym.tojson() == want["json"]
    arg_shapes, out_shapes, _ = sym.infer_shape(**shapes)
    assert [list(s) for s in arg_shapes] == want["arg_shapes"]
    assert [list(s) for s in out_shapes] == want["out_shapes"]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_values_match_mxnet(name):
    sym, shapes = _build(name)
    arg_shapes, _, _ = sym.infer_shape(**shapes)
    args = {n: mx.nd.array(fill(s, i), dtype="float32")
            for i, (n, s) in enumerate(zip(sym.list_arguments(), arg_shapes))}
    outs = sym.bind(mx.cpu(), args).forward(is_train=False)
    for j, out in enumerate(outs):
        np.testing.assert_allclose(out.asnumpy(), ARRAYS["%s|out|%d" % (name, j)],
                                   rtol=1e-5, atol=1e-6)


def test_fused_unpack_and_pack_round_trip():
    cell = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True, prefix="f_")
    size = META["_unpack"]["size"]
    flat = mx.nd.array(fill((size,), 7), dtype="float64")
    unpacked = cell.unpack_weights({"f_parameters": flat})
    assert sorted(unpacked) == META["_unpack"]["names"]
    for k, v in unpacked.items():
        np.testing.assert_array_equal(v.asnumpy(), ARRAYS["unpack|%s" % k])
    np.testing.assert_array_equal(cell.pack_weights(unpacked)["f_parameters"].asnumpy(),
                                  flat.asnumpy())


def test_fused_and_unfused_compute_the_same():
    """A fused model's weights, unpacked, drive the stepping cells to the same outputs."""
    fused = mx.rnn.FusedRNNCell(3, num_layers=2, mode="gru", bidirectional=True, prefix="f_")
    out_f, _ = fused.unroll(4, mx.sym.var("data"), layout="TNC", merge_outputs=True)
    arg_shapes, _, _ = out_f.infer_shape(data=(4, 2, 5))
    args = {n: mx.nd.array(fill(s, i)) for i, (n, s) in
            enumerate(zip(out_f.list_arguments(), arg_shapes))}
    want = out_f.bind(mx.cpu(), args).forward()[0].asnumpy()
    stack = fused.unfuse()
    out_u, _ = stack.unroll(4, mx.sym.var("data"), layout="TNC", merge_outputs=True)
    weights = fused.unpack_weights({"f_parameters": args["f_parameters"]})
    unpacked = {n: args["data"] if n == "data" else None for n in out_u.list_arguments()}
    packed = stack.pack_weights(weights)
    unpacked.update({k: v for k, v in packed.items() if k in unpacked})
    got = out_u.bind(mx.cpu(), unpacked).forward()[0].asnumpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_modified_cell_cannot_be_used_directly():
    base = mx.rnn.GRUCell(3)
    mx.rnn.ResidualCell(base)
    with pytest.raises(AssertionError, match="modifier cell"):
        base.begin_state()


def test_bucket_sentence_iter_and_encode():
    sents, vocab = mx.rnn.encode_sentences([["a", "b", "c"], ["c", "b"], ["a", "a", "b"],
                                            ["b"]], invalid_label=0, start_label=1)
    assert vocab == {"\n": 0, "a": 1, "b": 2, "c": 3} and sents[1] == [3, 2]
    it = mx.rnn.BucketSentenceIter(sents, batch_size=2, buckets=[2, 3], invalid_label=0)
    batches = list(it)
    assert sorted(b.bucket_key for b in batches) == [2, 3]
    for b in batches:
        data, label = b.data[0].asnumpy(), b.label[0].asnumpy()
        np.testing.assert_array_equal(label[:, :-1], data[:, 1:])
        assert (label[:, -1] == 0).all()
    assert it.provide_data[0].shape == (2, 3) and it.default_bucket_key == 3
    tn = mx.rnn.BucketSentenceIter(sents, batch_size=2, buckets=[2, 3], layout="TN")
    assert tn.provide_data[0].shape == (3, 2)
