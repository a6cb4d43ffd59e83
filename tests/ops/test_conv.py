"""Convolution and Deconvolution: declared facts, shape/type rules, forward against a naive
NumPy reference, float64 central-difference gradients, and MXNet-recorded oracle cases."""
from __future__ import annotations

import itertools
import json
import os

import numpy as np
import pytest

from symnb.base import MXNetError
from symnb.ops import get_op
from symnb.ops._registry import InferError

from ..conftest import SHARED
from . import harness

SPEC = str(SHARED / "spec" / "ops.json")
ORACLE = str(SHARED / "oracle" / "cases")


# ----------------------------------------------------------------------------- references
def _norm(nd, value, fill):
    return tuple(value) if value else (fill,) * nd


def ref_conv(x, w, b=None, stride=(), pad=(), dilate=(), num_group=1):
    """Convolution by its definition: one dot product per output position and filter."""
    nd = x.ndim - 2
    stride, pad, dilate = _norm(nd, stride, 1), _norm(nd, pad, 0), _norm(nd, dilate, 1)
    f, cg, kernel = w.shape[0], w.shape[1], w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    out_sp = [(n + 2 * p - d * (k - 1) - 1) // s + 1
              for n, k, s, p, d in zip(x.shape[2:], kernel, stride, pad, dilate, strict=True)]
    y = np.zeros((x.shape[0], f) + tuple(out_sp))
    fg = f // num_group
    for pos in itertools.product(*map(range, out_sp)):
        win = tuple(slice(o * s, o * s + d * (k - 1) + 1, d)
                    for o, s, d, k in zip(pos, stride, dilate, kernel, strict=True))
        for j in range(f):
            g = j // fg
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + win]
            y[(slice(None), j) + pos] = (patch * w[j]).reshape(x.shape[0], -1).sum(axis=1)
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def ref_deconv(x, w, b=None, stride=(), pad=(), dilate=(), adj=(), num_group=1):
    """Deconvolution by scattering every input pixel times its kernel into the output."""
    nd = x.ndim - 2
    stride, pad = _norm(nd, stride, 1), _norm(nd, pad, 0)
    dilate, adj = _norm(nd, dilate, 1), _norm(nd, adj, 0)
    c, fg, kernel = w.shape[0], w.shape[1], w.shape[2:]
    full = [s * (n - 1) + d * (k - 1) + 1 + a for n, k, s, d, a
            in zip(x.shape[2:], kernel, stride, dilate, adj, strict=True)]
    y = np.zeros((x.shape[0], fg * num_group) + tuple(full))
    cg = c // num_group
    for pos in itertools.product(*map(range, x.shape[2:])):
        for kpos in itertools.product(*map(range, kernel)):
            at = tuple(o * s + k * d for o, s, k, d in zip(pos, stride, kpos, dilate,
                                                          strict=True))
            for ch in range(c):
                g = ch // cg
                y[(slice(None), slice(g * fg, (g + 1) * fg)) + at] += \
                    x[(slice(None), ch) + pos][:, None] * w[(ch, slice(None)) + kpos]
    crop = tuple(slice(p, f - p) for p, f in zip(pad, full, strict=True))
    y = y[(slice(None), slice(None)) + crop]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def _attrs(**kw):
    return {k: v for k, v in kw.items() if v is not None}


# ----------------------------------------------------------------------------- declared facts
def _spec(name):
    with open(SPEC) as f:
        return next(o for o in json.load(f)["ops"] if o["name"] == name)


def _attr_strings(params):
    """ops.json values (lists for tuples) as the strings MXNet's frontend writes."""
    return {k: str(tuple(v)) if isinstance(v, list) else str(v) for k, v in params.items()}


@pytest.mark.parametrize("name", ["Convolution", "Deconvolution"])
def test_declared_facts_match_mxnet(name):
    spec, op = _spec(name), get_op(name)
    assert op.name == name and tuple(op.aliases) == tuple(spec["aliases"])
    assert [(p.name, p.type) for p in op.params] == [(p["name"], p["type"])
                                                       for p in spec["params"]]
    assert all(p.doc for p in op.params)
    p = op.parse(_attr_strings(spec["build_params"]))
    assert list(op.input_names(p)) == spec["input_keys"]
    assert op.num_outputs_total(p) == spec["num_outputs_total"]
    assert list(op.output_names(p)) == spec["output_suffixes"]
    for variant in spec["variants"]:
        q = op.parse(_attr_strings(dict(spec["build_params"], **variant["params"])))
        assert ["x_" + n for n in op.input_names(q)] == variant["inputs"]
    assert op.family == "conv" and op.role("weight") == "weight" and op.role("bias") == "bias"


@pytest.mark.parametrize("name", ["Convolution", "Deconvolution"])
def test_spec_example_shapes_and_types(name):
    spec = _spec(name)["example"]
    attrs = _attr_strings(spec["params"])
    ins, outs = harness.infer(name, [spec["shapes"]["data"]] + [None] * 2, **attrs)
    n = len(spec["arg_shapes"])
    assert [list(s) for s in ins[:n]] == list(spec["arg_shapes"].values())
    assert [list(s) for s in outs] == spec["out_shapes"]
    tins, touts = harness.infer_types(name, ["float32"] + [None] * (n - 1), **attrs)
    assert [t.name for t in tins] == list(spec["arg_dtypes"].values())
    assert [t.name for t in touts] == spec["out_dtypes"]


def test_labels():
    conv, deconv = get_op("Convolution"), get_op("Deconvolution")
    attrs = {"kernel": "(5, 5)", "num_filter": "20"}
    assert conv.label(conv.parse(attrs), attrs) == "Convolution\n5x5/1, 20"
    attrs = {"kernel": "(3, 3)", "stride": "(2, 2)", "num_filter": "8"}
    assert conv.label(conv.parse(attrs), attrs) == "Convolution\n3x3/2x2, 8"
    attrs = {"kernel": "(4,)", "stride": "(2,)", "num_filter": "3"}
    assert deconv.label(deconv.parse(attrs), attrs) == "Deconvolution\n4/2, 3"


# ----------------------------------------------------------------------------- parameters
def test_parser_fills_defaults_per_kernel_rank():
    p = get_op("Convolution").parse({"kernel": "(3, 3, 3)", "num_filter": "2"})
    assert (p.stride, p.dilate, p.pad, p.layout) == ((1, 1, 1), (1, 1, 1), (0, 0, 0), "NCDHW")
    p = get_op("Deconvolution").parse({"kernel": "3", "num_filter": "2"})
    assert (p.stride, p.adj, p.target_shape, p.layout) == ((1,), (0,), (0,), "NCW")


def test_parser_rejects_mismatched_ranks():
    with pytest.raises(MXNetError) as e:
        get_op("Convolution").parse({"kernel": "(3, 3)", "stride": "(2,)", "num_filter": "2"})
    assert str(e.value) == (
        "MXNetError: Check failed: param_.kernel.ndim() == param_.stride.ndim() (2 vs. 1) : "
        "Stride must have the same number of dimensions with kernel_size,but kernel_size is "
        "set to [3,3] while stride is [2]")
    with pytest.raises(MXNetError, match="4D convolution not supported"):
        get_op("Convolution").parse({"kernel": "(1, 1, 1, 1)", "num_filter": "2"})
    with pytest.raises(MXNetError, match="should be greater equal to 1"):
        get_op("Convolution").parse({"kernel": "(1, 1)", "num_filter": "0"})


# ----------------------------------------------------------------------------- shapes
CONV_SHAPES = [
    # attrs, data shape, weight, output
    (dict(kernel=(3, 3), num_filter=4), (2, 3, 7, 6), (4, 3, 3, 3), (2, 4, 5, 4)),
    (dict(kernel=(3,), num_filter=2, stride=(2,), pad=(1,)), (1, 1, 5), (2, 1, 3), (1, 2, 3)),
    (dict(kernel=(3, 3), num_filter=6, num_group=3, dilate=(2, 2)), (1, 6, 9, 9),
     (6, 2, 3, 3), (1, 6, 5, 5)),
    (dict(kernel=(2, 2, 2), num_filter=3, stride=(2, 2, 2)), (1, 2, 4, 6, 8),
     (3, 2, 2, 2, 2), (1, 3, 2, 3, 4)),
]


@pytest.mark.parametrize("attrs,data,weight,out", CONV_SHAPES)
def test_conv_shape(attrs, data, weight, out):
    ins, outs = harness.infer("Convolution", [data, None, None], **attrs)
    assert ins == [data, weight, (attrs["num_filter"],)] and outs == [out]


def test_conv_shape_backward_fill_from_output():
    # MXNet fills the batch always and spatial sizes where stride is 1
    op, p = harness.parse("Convolution", kernel=(3, 3), num_filter=4, stride=(1, 2))
    ins, outs = [(0, 3, 0, 0), None, None], [(5, 4, 6, 7)]
    op.infer_shape(p, ins, outs)
    assert ins[0] == (5, 3, 8, 0) and ins[1] == (4, 3, 3, 3)


@pytest.mark.parametrize("attrs,shapes,message", [
    (dict(kernel=(3, 3), num_filter=4), [(1, 2, 5, 5), (4, 3, 3, 3), None],
     "Shape inconsistent, Provided = [4,3,3,3], inferred shape=(4,2,3,3)"),
    (dict(kernel=(3, 3), num_filter=4), [(1, 2, 5), None, None],
     "Check failed: dshp.ndim() == 4U (3 vs. 4) : Input data should be 4D in "
     "batch-num_filter-y-x"),
    (dict(kernel=(3, 3), num_filter=4), [(1, 2, 2, 5), None, None],
     "Check failed: dilated_ksize_y <= AddPad(dshape[2], param_.pad[0]) (3 vs. 2) : "
     "kernel size exceed input"),
    (dict(kernel=(3, 3), num_filter=4, dilate=(1, 3)), [(1, 2, 5, 6), None, None],
     "Check failed: dilated_ksize_x <= AddPad(dshape[3], param_.pad[1]) (7 vs. 6) : "
     "kernel size exceed input"),
    (dict(kernel=(3, 3), num_filter=4), [(1, 2, 5, 5), None, (3,)],
     "Shape inconsistent, Provided = [3], inferred shape=(4,)"),
    (dict(kernel=(1, 1), num_filter=4, num_group=2), [(1, 3, 5, 5), None, None],
     "Check failed: dshape[1] % param_.num_group == 0U (1 vs. 0) : input num_filter must "
     "divide group size"),
    (dict(kernel=(1, 1), num_filter=3, num_group=2), [(1, 4, 5, 5), None, None],
     "output num_filter must divide group size"),
])
def test_conv_shape_errors(attrs, shapes, message):
    with pytest.raises(InferError) as e:
        harness.infer("Convolution", shapes, **attrs)
    assert message in str(e.value)


def test_conv_error_through_symbol_names_the_node():
    import symnb as mx
    data = mx.sym.var("data")
    conv = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, name="conv1")
    with pytest.raises(MXNetError) as e:
        conv.infer_shape(data=(1, 2, 5, 5), conv1_weight=(4, 3, 3, 3))
    assert "Error in operator conv1: Shape inconsistent, Provided = [4,3,3,3], inferred " \
           "shape=(4,2,3,3)" in str(e.value)


DECONV_SHAPES = [
    (dict(kernel=(3, 3), num_filter=4, stride=(2, 2)), (1, 2, 5, 5), (2, 4, 3, 3),
     (1, 4, 11, 11)),
    (dict(kernel=(4, 4), num_filter=3, stride=(2, 2), pad=(1, 1), adj=(1, 0)), (2, 2, 3, 4),
     (2, 3, 4, 4), (2, 3, 7, 8)),
    (dict(kernel=(3, 3), num_filter=4, stride=(2, 2), target_shape=(10, 9)), (1, 2, 5, 5),
     (2, 4, 3, 3), (1, 4, 10, 9)),
    (dict(kernel=(3,), num_filter=4, num_group=2, dilate=(2,)), (1, 2, 5), (2, 2, 3),
     (1, 4, 9)),
    (dict(kernel=(2, 2, 2), num_filter=1, stride=(2, 2, 2)), (1, 1, 2, 3, 1),
     (1, 1, 2, 2, 2), (1, 1, 4, 6, 2)),
]


@pytest.mark.parametrize("attrs,data,weight,out", DECONV_SHAPES)
def test_deconv_shape(attrs, data, weight, out):
    ins, outs = harness.infer("Deconvolution", [data, None], **attrs)
    assert ins == [data, weight] and outs == [out]
    # and back: the data's batch and spatial sizes from the output
    op, p = harness.parse("Deconvolution", **attrs)
    ins = [(0, data[1]) + (0,) * (len(data) - 2), None]
    op.infer_shape(p, ins, [out])
    if "target_shape" in attrs:     # the padding depends on the unknown size: batch only
        data = data[:2] + (0,) * (len(data) - 2)
    assert ins[0] == data


def test_deconv_bias_and_errors():
    ins, _ = harness.infer("Deconvolution", [(1, 2, 3, 3), None, None], kernel=(2, 2),
                           num_filter=5, no_bias=False)
    assert ins[2] == (5,)
    with pytest.raises(InferError, match=r"adj\(x\) must be samller than stride\[1\]"):
        harness.infer("Deconvolution", [(1, 2, 3, 3), None], kernel=(2, 2), num_filter=2,
                      stride=(2, 2), adj=(1, 2))
    with pytest.raises(InferError, match="too big target shape"):
        harness.infer("Deconvolution", [(1, 2, 3, 3), None], kernel=(2, 2), num_filter=2,
                      target_shape=(9, 9))


def test_types():
    ins, outs = harness.infer_types("Convolution", ["float64", None, None], kernel=(1, 1),
                                    num_filter=2)
    assert [t.name for t in ins + outs] == ["float64"] * 4
    op, p = harness.parse("Convolution", kernel=(1, 1), num_filter=2)
    ins, outs = [None, None, None], [np.dtype("float16")]
    op.infer_type(p, ins, outs)          # backward: data from the output
    assert ins == [np.dtype("float16")] * 3
    with pytest.raises(InferError) as e:
        harness.infer_types("Convolution", ["float32", "float64", None], kernel=(1, 1),
                            num_filter=2)
    assert str(e.value) == ("Check failed: (*in_type)[i] == dtype (1 vs. 0) : This layer "
                            "requires uniform type. Expected 'float32' v.s. given 'float64' "
                            "at 'weight'")


# ----------------------------------------------------------------------------- numbers
CONV_CASES = [
    dict(data=(2, 3, 6, 5), kernel=(3, 3), num_filter=4),
    dict(data=(2, 4, 7, 6), kernel=(3, 2), num_filter=4, stride=(2, 1), pad=(1, 0),
         num_group=2),
    dict(data=(1, 3, 9, 9), kernel=(3, 3), num_filter=3, dilate=(2, 3), pad=(1, 2),
         num_group=3, no_bias=True),
    dict(data=(2, 2, 9), kernel=(3,), num_filter=3, stride=(2,), pad=(1,)),
    dict(data=(1, 2, 4, 5, 5), kernel=(2, 3, 2), num_filter=2, stride=(1, 2, 2), pad=(1, 0, 1)),
    dict(data=(3, 4, 4, 4), kernel=(1, 1), num_filter=2),
]


def _conv_inputs(case, rng, deconv=False):
    data = case["data"]
    attrs = {k: v for k, v in case.items() if k != "data"}
    g = attrs.get("num_group", 1)
    k = attrs["kernel"]
    if deconv:
        w = (data[1], attrs["num_filter"] // g) + k
        no_bias = attrs.get("no_bias", True)
    else:
        w = (attrs["num_filter"], data[1] // g) + k
        no_bias = attrs.get("no_bias", False)
    arrays = [rng.standard_normal(data), rng.standard_normal(w)]
    if not no_bias:
        arrays.append(rng.standard_normal(attrs["num_filter"]))
    return arrays, attrs


def _ref_kwargs(attrs, names):
    return {k: attrs[k] for k in names if k in attrs}


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_forward_matches_reference(case):
    rng = np.random.default_rng(1)
    arrays, attrs = _conv_inputs(case, rng)
    got = harness.forward("Convolution", arrays, **attrs)[0]
    want = ref_conv(*arrays, **_ref_kwargs(attrs, ("stride", "pad", "dilate", "num_group")))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    got32 = harness.forward("Convolution", [a.astype(np.float32) for a in arrays], **attrs)[0]
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_numeric_gradient(case):
    arrays, attrs = _conv_inputs(case, np.random.default_rng(2))
    harness.check_numeric_gradient("Convolution", arrays, **attrs)


def test_conv_backward_add_accumulates():
    rng = np.random.default_rng(3)
    arrays, attrs = _conv_inputs(CONV_CASES[1], rng)
    out = harness.forward("Convolution", arrays, **attrs)[0]
    dy = rng.standard_normal(out.shape)
    written = harness.backward("Convolution", arrays, [dy], **attrs)
    op, p = harness.parse("Convolution", **attrs)
    base = [rng.standard_normal(a.shape) for a in arrays]
    igrads = [b.copy() for b in base]
    op.backward(p, arrays, [out], [dy], igrads, ["add"] * 3, True, harness.numpy_backend)
    for got, b, w in zip(igrads, base, written, strict=True):
        np.testing.assert_allclose(got, b + w, rtol=1e-12, atol=1e-12)


DECONV_CASES = [
    dict(data=(2, 3, 4, 3), kernel=(3, 3), num_filter=2, stride=(2, 2)),
    dict(data=(1, 4, 3, 4), kernel=(4, 3), num_filter=6, stride=(2, 3), pad=(1, 1),
         adj=(1, 2), num_group=2, no_bias=False),
    dict(data=(2, 2, 5), kernel=(3,), num_filter=3, dilate=(2,), pad=(2,), no_bias=False),
    dict(data=(1, 2, 2, 3, 2), kernel=(2, 2, 3), num_filter=2, stride=(2, 1, 2)),
]


@pytest.mark.parametrize("case", DECONV_CASES)
def test_deconv_forward_matches_reference(case):
    arrays, attrs = _conv_inputs(case, np.random.default_rng(4), deconv=True)
    got = harness.forward("Deconvolution", arrays, **attrs)[0]
    want = ref_deconv(*arrays, **_ref_kwargs(attrs, ("stride", "pad", "dilate", "adj",
                                                     "num_group")))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_deconv_target_shape_crops_like_pad_and_adj():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 3, 3, 3))
    got = harness.forward("Deconvolution", [x, w], kernel=(3, 3), num_filter=3,
                          stride=(2, 2), target_shape=(8, 7))[0]
    # full size 9: 8 -> pad 1 adj 0 ... 7 -> pad 1, adj 0 with one more row dropped
    want = ref_deconv(x, w, stride=(2, 2), pad=(1, 1), adj=(1, 0))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", DECONV_CASES)
def test_deconv_numeric_gradient(case):
    arrays, attrs = _conv_inputs(case, np.random.default_rng(6), deconv=True)
    harness.check_numeric_gradient("Deconvolution", arrays, **attrs)


def test_deconv_is_the_transpose_of_conv():
    # <conv(x), y> == <x, deconv(y)> with the same weight: the defining adjoint identity
    rng = np.random.default_rng(7)
    attrs = dict(kernel=(3, 2), stride=(2, 2), pad=(1, 0), dilate=(1, 2), num_group=2)
    x, w = rng.standard_normal((2, 4, 9, 8)), rng.standard_normal((6, 2, 3, 2))
    y = harness.forward("Convolution", [x, w], num_filter=6, no_bias=True, **attrs)[0]
    v = rng.standard_normal(y.shape)
    adj = tuple((n + 2 * p - d * (k - 1) - 1) % s for n, p, d, k, s in
                zip((9, 8), (1, 0), (1, 2), (3, 2), (2, 2), strict=True))
    back = harness.forward("Deconvolution", [v, w], num_filter=4, adj=adj, **attrs)[0]
    assert back.shape == x.shape
    np.testing.assert_allclose((y * v).sum(), (x * back).sum(), rtol=1e-12)


# ----------------------------------------------------------------------------- MXNet oracle
def _oracle_cases(prefix):
    if not os.path.isdir(ORACLE):
        return []
    return sorted(c for c in os.listdir(ORACLE) if c.startswith(prefix))


@pytest.mark.parametrize("case", _oracle_cases("conv_"))
def test_oracle(case):
    """Forward and gradients recorded from MXNet 1.9.1, replayed on the op alone."""
    folder = os.path.join(ORACLE, case)
    with open(os.path.join(folder, "symbol.json")) as f:
        nodes = json.load(f)["nodes"]
    node = next(n for n in nodes if n["op"] == "Convolution")
    names = [nodes[i[0]]["name"] for i in node["inputs"]]
    inputs, expected = np.load(os.path.join(folder, "inputs.npz")), \
        np.load(os.path.join(folder, "expected.npz"))
    arrays = [inputs[n] for n in names]
    attrs = node["attrs"]
    out = harness.forward("Convolution", arrays, **attrs)[0]
    np.testing.assert_allclose(out, expected["output:0"], rtol=1e-6, atol=1e-8)
    grads = harness.backward("Convolution", arrays, [expected["head_grad:0"]], **attrs)
    for name, grad in zip(names, grads, strict=True):
        np.testing.assert_allclose(grad, expected["grad:" + name], rtol=1e-6, atol=1e-8)
