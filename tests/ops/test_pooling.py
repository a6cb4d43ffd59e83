"""Pooling, UpSampling and Pad: declared facts, shape/type rules, forward against naive NumPy
references, float64 central-difference gradients, and MXNet-recorded oracle cases."""
from __future__ import annotations

import itertools
import json
import math
import os

import numpy as np
import pytest

from symnb.base import MXNetError
from symnb.ops import get_op
from symnb.ops._registry import InferError

from . import harness
from .test_conv import ORACLE, _attr_strings, _oracle_cases, _spec, ref_deconv


# ----------------------------------------------------------------------------- references
def pooled_size(n, k, s, q, convention):
    if convention == "valid":
        return (n + 2 * q - k) // s + 1
    if convention == "full":
        return math.ceil((n + 2 * q - k) / s) + 1
    return math.ceil((n + 2 * q) / s)


def ref_pool(x, kernel=(), pool_type="max", stride=None, pad=None, pooling_convention="valid",
             count_include_pad=True, p_value=1, global_pool=False):
    """MXNet's pool.h by its definition: one window at a time, clipped to the input."""
    nd = x.ndim - 2
    if global_pool:
        kernel, stride, pad = x.shape[2:], (1,) * nd, (0,) * nd
    stride = stride or (1,) * nd
    pad = tuple(pad or (0,) * nd)[:nd]       # MXNet ignores entries beyond the kernel's rank
    out_sp = [pooled_size(n, k, s, q, pooling_convention)
              for n, k, s, q in zip(x.shape[2:], kernel, stride, pad, strict=True)]
    y = np.zeros(x.shape[:2] + tuple(out_sp))
    for pos in itertools.product(*map(range, out_sp)):
        start = [o * s - q for o, s, q in zip(pos, stride, pad, strict=True)]
        end = [min(b + k, n + q) for b, k, n, q in zip(start, kernel, x.shape[2:], pad,
                                                         strict=True)]
        size = math.prod(e - b for b, e in zip(start, end, strict=True))
        win = tuple(slice(max(b, 0), min(e, n)) for b, e, n in zip(start, end, x.shape[2:],
                                                                  strict=True))
        if not count_include_pad:
            size = math.prod(w.stop - w.start for w in win)
        v = x[(slice(None), slice(None)) + win].reshape(x.shape[:2] + (-1,))
        if pool_type == "max":
            r = v.max(axis=-1) if v.shape[-1] else np.finfo(x.dtype).min
        elif pool_type == "sum":
            r = v.sum(axis=-1)
        elif pool_type == "avg":
            r = v.sum(axis=-1) / size
        else:
            powed = v ** p_value        # a_pow_p keeps signs: p=1 is a plain sum
            r = np.cbrt(powed.sum(axis=-1)) if p_value == 3 else \
                powed.sum(axis=-1) ** (1.0 / p_value)
        y[(slice(None), slice(None)) + pos] = r
    return y


# ----------------------------------------------------------------------------- declared facts
@pytest.mark.parametrize("name", ["Pooling", "UpSampling", "Pad"])
def test_declared_facts_match_mxnet(name):
    spec, op = _spec(name), get_op(name)
    assert op.name == name and tuple(op.aliases) == tuple(spec["aliases"])
    assert [(p.name, p.type) for p in op.params] == [(p["name"], p["type"])
                                                       for p in spec["params"]]
    assert all(p.doc for p in op.params)
    assert op.key_var_num_args == spec["key_var_num_args"]
    p = op.parse(_attr_strings(spec["build_params"]))
    assert list(op.input_names(p)) == spec["input_keys"]
    assert op.num_outputs_total(p) == spec["num_outputs_total"]
    assert list(op.output_names(p)) == spec["output_suffixes"]
    for variant in spec["variants"]:
        q = op.parse(_attr_strings(dict(spec["build_params"], **variant["params"])))
        assert ["x_" + n for n in op.input_names(q)] == variant["inputs"]
        assert op.num_outputs_total(q) == variant["num_outputs_total"]
        for key, attrs in variant["var_attrs_on_compose"].items():
            assert op.var_attrs_on_compose[key] == attrs
    assert op.family == "pool"


@pytest.mark.parametrize("name", ["Pooling", "UpSampling", "Pad"])
def test_spec_example_shapes_and_types(name):
    spec = _spec(name)["example"]
    attrs = _attr_strings(spec["params"])
    op, p = harness.parse(name, **attrs)
    ins, outs = harness.infer(name, list(spec["shapes"].values()), **attrs)
    assert [list(s) for s in ins] == list(spec["arg_shapes"].values())
    assert [list(s) for s in outs[:1]] == spec["out_shapes"]
    tins, touts = harness.infer_types(name, ["float32"], **attrs)
    assert [t.name for t in tins] == list(spec["arg_dtypes"].values())
    assert [t.name for t in touts[:1]] == spec["out_dtypes"]


def test_upsampling_symbol_inputs_and_initializer():
    import symnb as mx
    up = mx.sym.UpSampling(mx.sym.var("x"), scale=2, sample_type="bilinear", num_filter=3,
                           name="up")
    assert up.list_arguments() == ["x", "up_weight"]
    nodes = json.loads(up.tojson())["nodes"]
    assert nodes[1]["attrs"]["__init__"] == '["bilinear", {}]'
    assert up.infer_shape(x=(2, 3, 4, 5))[:2] == ([(2, 3, 4, 5), (3, 1, 4, 4)],
                                                  [(2, 3, 8, 10)])
    near = mx.sym.UpSampling(mx.sym.var("a"), mx.sym.var("b"), scale=2,
                             sample_type="nearest", name="nn")
    assert near.list_arguments() == ["a", "b"]
    assert near.infer_shape(a=(1, 2, 3, 3), b=(1, 4, 6, 6))[1] == [(1, 6, 6, 6)]


def test_labels():
    pool = get_op("Pooling")
    for attrs, text in [({"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "max"},
                         "Pooling\nmax, 2x2/2x2"),
                        ({"kernel": "(3, 3)", "stride": "(1, 2)", "pool_type": "avg"},
                         "Pooling\navg, 3x3/1x2"),
                        ({"global_pool": "True", "pool_type": "max"}, "Pooling\nmax, []/1")]:
        assert pool.label(pool.parse(attrs), attrs) == text
    up, pad = get_op("UpSampling"), get_op("Pad")
    attrs = {"scale": "2", "sample_type": "nearest", "num_args": "1"}
    assert up.label(up.parse(attrs), attrs) == "UpSampling\nnearest, x2"
    attrs = {"mode": "edge", "pad_width": "(0,0,0,0,1,1,1,1)"}
    assert pad.label(pad.parse(attrs), attrs) == "Pad\nedge"


# ----------------------------------------------------------------------------- Pooling rules
def test_pooling_parser():
    op = get_op("Pooling")
    p = op.parse({"kernel": "(2, 2)"})
    assert (p.stride, p.pad) == ((1, 1), (0, 0))
    with pytest.raises(MXNetError) as e:
        op.parse({"kernel": "()"})
    assert str(e.value) == ("MXNetError: Check failed: param.kernel.ndim() == 3U (0 vs. 3) : "
                            "0D pooling not supported")
    assert op.parse({"kernel": "(2, 2)", "stride": "(2,)"}).stride == (2,)  # checked later
    assert op.parse({"global_pool": "True"}).kernel == ()


@pytest.mark.parametrize("attrs, data, expected", [
    # MXNet 1.9.1 (checked): the shape rule reads pad/stride index by index, so extra
    # entries are ignored and a missing one fails like TShape's operator[]
    (dict(kernel=(3,), stride=(2,), pad=(1, 2)), (1, 1, 10), [(1, 1, 5)]),
    (dict(kernel=(3,), stride=(2, 3)), (1, 1, 10), [(1, 1, 4)]),
    (dict(kernel=(2, 2), stride=(2, 2, 2), pad=(1, 1, 1)), (1, 1, 10, 10), [(1, 1, 6, 6)]),
    (dict(kernel=(2,), stride=(2,), pad=(0, 0, 0), pooling_convention="same"), (1, 1, 10),
     [(1, 1, 5)]),
])
def test_pooling_extra_stride_pad_entries_are_ignored(attrs, data, expected):
    assert harness.infer("Pooling", [data], pool_type="avg", **attrs)[1] == expected
    x = np.arange(float(np.prod(data))).reshape(data)
    out = harness.forward("Pooling", [x], pool_type="max", **attrs)[0]
    assert out.shape == expected[0]


@pytest.mark.parametrize("attrs, data, message", [
    (dict(kernel=(2, 2), stride=(2,), pad=(1,)), (1, 1, 10, 10),
     "index = 1 must be in range [0, 1)"),
    (dict(kernel=(2, 2), stride=(2,)), (1, 1, 10, 10), "index = 1 must be in range [0, 1)"),
    (dict(kernel=(2,), stride=(2,), pooling_convention="same"), (1, 1, 10),
     "index = 1 must be in range [0, 1)"),
    (dict(kernel=(2,), stride=(2,), pad=(0, 0), pooling_convention="same"), (1, 1, 10),
     "index = 2 must be in range [0, 2)"),
    (dict(kernel=(2,), stride=(2,), pad=(2,), pooling_convention="same"), (1, 1, 10),
     "Same pooling convention disables the use of pad parameter."),
])
def test_pooling_short_pad_or_stride_fails_in_shape_rule(attrs, data, message):
    with pytest.raises(InferError) as e:
        harness.infer("Pooling", [data], **attrs)
    assert str(e.value).endswith(message)


@pytest.mark.parametrize("attrs,data,out,total", [
    (dict(kernel=(2, 2), stride=(2, 2)), (2, 3, 7, 6), (2, 3, 3, 3), 2),
    (dict(kernel=(2, 2), stride=(2, 2), pooling_convention="full"), (2, 3, 7, 7),
     (2, 3, 4, 4), 2),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"), (1, 1, 6, 5),
     (1, 1, 3, 3), 1),
    (dict(kernel=(3,), stride=(2,), pad=(0, 0, 0), pooling_convention="same"), (1, 2, 7),
     (1, 2, 4), 2),
    (dict(kernel=(2, 2, 2), pool_type="sum"), (1, 2, 3, 4, 5), (1, 2, 2, 3, 4), 1),
    (dict(global_pool=True, kernel=(1, 1), pool_type="max"), (2, 3, 5, 4), (2, 3, 1, 1), 2),
    (dict(global_pool=True, pool_type="avg"), (2, 3, 5, 4, 2), (2, 3, 1, 1, 1), 1),
    (dict(global_pool=True), (2, 3, 5), (2, 3, 1), 1),
])
def test_pooling_shape(attrs, data, out, total):
    ins, outs = harness.infer("Pooling", [data], **attrs)
    assert ins == [data] and outs == [out] * total
    op, p = harness.parse("Pooling", **attrs)
    assert op.hidden_output_names(p) == ("output", "workspace")[:total]


@pytest.mark.parametrize("attrs,data,message", [
    (dict(kernel=(2, 2)), (1, 2, 5),
     "Check failed: dshape.ndim() == 4U (3 vs. 4) : Pooling: Input data should be 4D in "
     "(batch, channel, y, x)"),
    (dict(kernel=(3, 3), pad=(0, 1)), (1, 2, 2, 5),
     "Check failed: param.kernel[0] <= dshape[2] + 2 * param.pad[0]: kernel size (3) exceeds "
     "input (2 padded to 2)"),
    (dict(kernel=(2,), pooling_convention="same"), (1, 2, 5, 5),
     "Currently 'same' supports Max Pooling 1-D"),
    (dict(global_pool=True), (1, 2), "Pooling: Input data should be  3D"),
    (dict(kernel=(2, 2), layout="NHWC"), (1, 4, 4, 2), "symnb implements layout NCHW"),
])
def test_pooling_shape_errors(attrs, data, message):
    with pytest.raises(InferError) as e:
        harness.infer("Pooling", [data], **attrs)
    assert message in str(e.value)


def test_pooling_types():
    ins, outs = harness.infer_types("Pooling", ["float64"], kernel=(2, 2))
    assert ins == [np.float64] and outs == [np.float64, np.int32]   # workspace: int32
    ins, outs = harness.infer_types("Pooling", ["float16"], kernel=(2, 2), pool_type="avg")
    assert outs == [np.float16]


# ----------------------------------------------------------------------------- Pooling numbers
POOL_CASES = [
    dict(data=(2, 3, 6, 6), kernel=(2, 2), stride=(2, 2)),
    dict(data=(2, 2, 7, 5), kernel=(3, 2), stride=(2, 1), pad=(1, 1)),
    dict(data=(1, 2, 7, 7), kernel=(2, 2), stride=(2, 2), pooling_convention="full"),
    dict(data=(1, 2, 7, 7), kernel=(3, 3), stride=(2, 2), pooling_convention="full",
         pad=(1, 1)),
    dict(data=(2, 2, 9), kernel=(3,), stride=(2,)),
    dict(data=(1, 2, 8), kernel=(3,), stride=(3,), pad=(0, 0, 0), pooling_convention="same"),
    dict(data=(1, 2, 4, 5, 6), kernel=(2, 3, 2), stride=(2, 1, 2), pad=(1, 1, 0)),
    dict(data=(2, 3, 5, 4), global_pool=True, kernel=(1, 1)),
    dict(data=(2, 3, 5, 4, 3), global_pool=True),
    dict(data=(1, 1, 5, 5), kernel=(2, 2), stride=(3, 3)),
]
POOL_TYPES = ["max", "avg", "sum", "lp"]


def _pool_case(case, pool_type, rng, **extra):
    attrs = {k: v for k, v in case.items() if k != "data"}
    attrs.update(pool_type=pool_type, **extra)
    if pool_type == "same" or attrs.get("pooling_convention") == "same":
        attrs["pool_type"] = "max"        # MXNet's 'same' is max pooling
    if pool_type == "lp":
        attrs.setdefault("p_value", 2)
    return rng.standard_normal(case["data"]), attrs


@pytest.mark.parametrize("pool_type", POOL_TYPES)
@pytest.mark.parametrize("case", POOL_CASES)
def test_pooling_forward_matches_reference(case, pool_type):
    x, attrs = _pool_case(case, pool_type, np.random.default_rng(1))
    got = harness.forward("Pooling", [x], **attrs)[0]
    want = ref_pool(x, **attrs)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    got32 = harness.forward("Pooling", [x.astype(np.float32)], **attrs)[0]
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", POOL_CASES[:4])
@pytest.mark.parametrize("extra", [dict(count_include_pad=False), dict(p_value=1),
                                   dict(p_value=3)])
def test_pooling_options_forward(case, extra):
    pool_type = "avg" if "count_include_pad" in extra else "lp"
    x, attrs = _pool_case(case, pool_type, np.random.default_rng(2), **extra)
    np.testing.assert_allclose(harness.forward("Pooling", [x], **attrs)[0],
                               ref_pool(x, **attrs), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pool_type", POOL_TYPES)
@pytest.mark.parametrize("case", POOL_CASES)
def test_pooling_numeric_gradient(case, pool_type):
    x, attrs = _pool_case(case, pool_type, np.random.default_rng(3))
    if pool_type == "lp":
        x = np.abs(x) + 0.5       # MXNet's lp gradient ignores sign(x); stay off zero
    harness.check_numeric_gradient("Pooling", [x], **attrs)


def test_pooling_lp3_and_avg_exclude_gradients():
    rng = np.random.default_rng(4)
    x = np.abs(rng.standard_normal((1, 2, 6, 5))) + 0.5
    harness.check_numeric_gradient("Pooling", [x], kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                   pool_type="lp", p_value=3)
    harness.check_numeric_gradient("Pooling", [x], kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                   pool_type="avg", count_include_pad=False)


def test_max_pool_ties_go_to_the_first_element_in_scan_order():
    x = np.zeros((1, 1, 3, 4))
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = 5.0
    grads = harness.backward("Pooling", [x], [np.ones((1, 1, 2, 3))], kernel=(2, 2))
    want = np.zeros((1, 1, 3, 4))
    want[0, 0, 1, 1] = 4        # windows at columns 0 and 1 of both rows (both see it first)
    want[0, 0, 1, 2] = 2        # windows at column 2 only
    assert grads[0].sum() == 6 and (grads[0] == want).all()
    flat = harness.backward("Pooling", [np.ones((1, 1, 2, 2))], [np.ones((1, 1, 1, 1))],
                            kernel=(2, 2), stride=(2, 2))[0]
    assert flat.ravel().tolist() == [1, 0, 0, 0]


def test_pooling_backward_add_accumulates():
    rng = np.random.default_rng(5)
    for attrs in (dict(kernel=(2, 2), stride=(2, 2)), dict(kernel=(3, 3), pad=(1, 1))):
        x = rng.standard_normal((1, 2, 4, 4))
        outs = harness.forward("Pooling", [x], **attrs)
        g = rng.standard_normal(outs[0].shape)
        written = harness.backward("Pooling", [x], [g], **attrs)[0]
        op, p = harness.parse("Pooling", **attrs)
        base = rng.standard_normal(x.shape)
        igrads = [base.copy()]
        op.backward(p, [x], outs, [g], igrads, ["add"], True, harness.numpy_backend)
        np.testing.assert_allclose(igrads[0], base + written, rtol=1e-12)


# ----------------------------------------------------------------------------- max positions
def ref_max_grad(x, g, kernel, stride=None, pad=None, pooling_convention="valid",
                 global_pool=False):
    """Max pooling's gradient by its definition: each output's gradient goes to the first
    maximum of its window in scan order (padding never wins)."""
    nd = x.ndim - 2
    if global_pool:
        kernel, stride, pad = x.shape[2:], (1,) * nd, (0,) * nd
    stride, pad = stride or (1,) * nd, tuple(pad or (0,) * nd)[:nd]
    out_sp = [pooled_size(n, k, s, q, pooling_convention)
              for n, k, s, q in zip(x.shape[2:], kernel, stride, pad, strict=True)]
    grad = np.zeros_like(x)
    for lead in itertools.product(*map(range, x.shape[:2])):
        for pos in itertools.product(*map(range, out_sp)):
            start = [o * s - q for o, s, q in zip(pos, stride, pad, strict=True)]
            inside = [p for p in itertools.product(*(range(b, b + k) for b, k
                                                     in zip(start, kernel, strict=True)))
                      if all(0 <= i < n for i, n in zip(p, x.shape[2:], strict=True))]
            if inside:
                values = [x[lead + p] for p in inside]
                grad[lead + inside[values.index(max(values))]] += g[lead + pos]
    return grad


MAX_CASES = [
    dict(data=(2, 3, 7, 6), kernel=(3, 3), stride=(2, 2), pad=(1, 1)),      # the ResNet stem
    dict(data=(1, 2, 6, 6), kernel=(2, 2), stride=(2, 2)),
    dict(data=(1, 2, 7, 7), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pooling_convention="full"),
    dict(data=(2, 2, 5, 6), kernel=(3, 2), stride=(1, 1), pad=(1, 0)),
    dict(data=(1, 2, 7, 8), kernel=(2, 2), stride=(3, 3)),                  # gaps: zeros
    dict(data=(2, 2, 11), kernel=(3,), stride=(2,), pad=(1,)),
    dict(data=(1, 2, 4, 5, 6), kernel=(2, 3, 2), stride=(2, 1, 2), pad=(1, 1, 0)),
    dict(data=(2, 3, 4, 5), kernel=(1, 1), global_pool=True),
]


def _max_case(case, seed):
    rng = np.random.default_rng(seed)
    attrs = {k: v for k, v in case.items() if k != "data"}
    x = rng.integers(-2, 3, case["data"]).astype(np.float32)     # many ties in each window
    out_shape = harness.infer("Pooling", [case["data"]], **attrs)[1][0]
    g = rng.integers(-4, 5, out_shape).astype(np.float32)        # sums of these are exact
    return x, g, attrs


@pytest.mark.parametrize("case", MAX_CASES)
def test_inference_forward_skips_max_positions(case):
    x, _, attrs = _max_case(case, 10)
    tracked = harness.forward("Pooling", [x], is_train=True, **attrs)
    untracked = harness.forward("Pooling", [x], is_train=False, **attrs)
    np.testing.assert_array_equal(untracked[0], tracked[0])
    np.testing.assert_array_equal(tracked[0], ref_pool(x, **attrs))
    assert tracked[1].min() >= 0 and untracked[1].ravel()[0] == -1   # the 'not computed' mark


@pytest.mark.parametrize("case", MAX_CASES)
def test_backward_after_inference_forward_finds_the_same_positions(case):
    x, g, attrs = _max_case(case, 11)
    want = ref_max_grad(x, g, **attrs)
    assert np.abs(want).sum() > 0
    tracked = harness.backward("Pooling", [x], [g], is_train=True, **attrs)[0]
    found = harness.backward("Pooling", [x], [g], is_train=False, **attrs)[0]
    np.testing.assert_array_equal(tracked, want)
    np.testing.assert_array_equal(found, want)


def test_executor_backward_after_inference_forward():
    import symnb as mx
    x, g, attrs = _max_case(MAX_CASES[0], 12)
    want = ref_max_grad(x, g, **attrs)
    sym = mx.sym.Pooling(mx.sym.var("data"), name="pool", **attrs)
    for req in ("write", "add"):
        ex = sym.simple_bind(mx.cpu(), data=x.shape, grad_req=req)
        ex.arg_dict["data"][:] = x
        ex.grad_dict["data"][:] = 1
        base = 1 if req == "add" else 0
        seen = []
        for steps in (["infer"], ["train"], ["infer", "train"], ["train", "infer"]):
            for step in steps:
                out = ex.forward(is_train=step == "train")[0].asnumpy()
                np.testing.assert_array_equal(out, ref_pool(x, **attrs))
            ex.backward(mx.nd.array(g))
            seen.append(ex.grad_dict["data"].asnumpy().copy())
        for k, grad in enumerate(seen):
            np.testing.assert_array_equal(grad, base + (k + 1 if req == "add" else 1) * want)


@pytest.mark.parametrize("pool_type", POOL_TYPES)
@pytest.mark.parametrize("case", POOL_CASES[:7] + MAX_CASES[:1])
def test_blocks_of_planes_do_not_change_results(case, pool_type, monkeypatch):
    from symnb.ops import pooling
    x, attrs = _pool_case(case, pool_type, np.random.default_rng(13))
    if pool_type == "lp":
        x = np.abs(x) + 0.5
    x = x.astype(np.float32)
    outs = harness.forward("Pooling", [x], **attrs)
    g = np.random.default_rng(14).standard_normal(outs[0].shape).astype(np.float32)
    base = np.random.default_rng(15).standard_normal(x.shape).astype(np.float32)

    def run():
        op, p = harness.parse("Pooling", **attrs)
        fwd = harness.forward("Pooling", [x], **attrs)
        grads = []
        for req in ("write", "add"):
            igrads = [base.copy()]
            op.backward(p, [x], fwd, [g], igrads, [req], True, harness.numpy_backend)
            grads.append(igrads[0])
        return fwd + grads

    whole = run()
    monkeypatch.setattr(pooling, "_BLOCK_BYTES", 1)      # one (n, c) plane per block
    for a, b in zip(whole, run(), strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_global_lp_pooling_p1_gradient_passes_through():
    # MXNet 1.9.1 (pool_utils.h a_pow_p<1> is the identity): lp pooling with p=1 is a plain
    # sum, [-1, 2, -3, -0.5] with kernel 2 pools to [1, -1, -3.5]
    rng = np.random.default_rng(16)
    x, g = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 1, 1))
    attrs = dict(kernel=(1, 1), global_pool=True, pool_type="lp", p_value=1)
    out = harness.forward("Pooling", [x], **attrs)[0]
    np.testing.assert_allclose(out, x.sum(axis=(2, 3), keepdims=True), rtol=1e-12)
    small = harness.forward("Pooling", [np.array([[[-1.0, 2.0, -3.0, -0.5]]])], kernel=(2,),
                            pool_type="lp", p_value=1)[0]
    np.testing.assert_array_equal(small.ravel(), [1.0, -1.0, -3.5])
    grad = harness.backward("Pooling", [x], [g], **attrs)[0]
    np.testing.assert_array_equal(grad, np.broadcast_to(g, x.shape))


@pytest.mark.parametrize("case", _oracle_cases("pool_"))
def test_oracle(case):
    folder = os.path.join(ORACLE, case)
    with open(os.path.join(folder, "symbol.json")) as f:
        nodes = json.load(f)["nodes"]
    node = next(n for n in nodes if n["op"] == "Pooling")
    name = nodes[node["inputs"][0][0]]["name"]
    inputs, expected = np.load(os.path.join(folder, "inputs.npz")), \
        np.load(os.path.join(folder, "expected.npz"))
    out = harness.forward("Pooling", [inputs[name]], **node["attrs"])[0]
    np.testing.assert_allclose(out, expected["output:0"], rtol=1e-6, atol=1e-8)
    grad = harness.backward("Pooling", [inputs[name]], [expected["head_grad:0"]],
                            **node["attrs"])[0]
    np.testing.assert_allclose(grad, expected["grad:" + name], rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------------------- UpSampling
def test_upsampling_nearest_forward_and_gradient():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((2, 2, 3, 2)), rng.standard_normal((2, 1, 6, 4))
    up = lambda x, s: x.repeat(s, axis=2).repeat(s, axis=3)   # noqa: E731
    out = harness.forward("UpSampling", [a, b], scale=2, sample_type="nearest", num_args=2)[0]
    np.testing.assert_array_equal(out, np.concatenate([up(a, 2), b], axis=1))
    harness.check_numeric_gradient("UpSampling", [a, b], scale=2, sample_type="nearest",
                                   num_args=2)
    c = rng.standard_normal((2, 2, 6, 4))
    out = harness.forward("UpSampling", [a, c], scale=2, sample_type="nearest", num_args=2,
                          multi_input_mode="sum")[0]
    np.testing.assert_allclose(out, up(a, 2) + c, rtol=1e-12)
    harness.check_numeric_gradient("UpSampling", [a, c], scale=2, sample_type="nearest",
                                   num_args=2, multi_input_mode="sum")
    out = harness.forward("UpSampling", [a], scale=3, sample_type="nearest", num_args=1)[0]
    np.testing.assert_array_equal(out, up(a, 3))


def _bilinear_weight(channels, scale):
    # MXNet's Bilinear initializer
    k = 2 * scale - scale % 2
    f = math.ceil(k / 2)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    ax = 1 - np.abs(np.arange(k) / f - c)
    return np.broadcast_to(np.outer(ax, ax), (channels, 1, k, k)).copy()


@pytest.mark.parametrize("scale", [2, 3])
def test_upsampling_bilinear(scale):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 4, 3))
    w = rng.standard_normal((3, 1, 2 * scale - scale % 2, 2 * scale - scale % 2))
    attrs = dict(scale=scale, sample_type="bilinear", num_filter=3, num_args=1)
    out = harness.forward("UpSampling", [x, w], **attrs)[0]
    pad = math.ceil((scale - 1) / 2)
    want = ref_deconv(x, w, stride=(scale, scale), pad=(pad, pad), num_group=3)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)
    harness.check_numeric_gradient("UpSampling", [x, w], **attrs)
    # with MXNet's bilinear kernel a constant image stays constant away from the border
    flat = harness.forward("UpSampling", [np.ones((1, 3, 4, 4)), _bilinear_weight(3, scale)],
                           **attrs)[0]
    inner = flat[:, :, scale:-scale, scale:-scale]
    np.testing.assert_allclose(inner, np.ones_like(inner), rtol=1e-12)


@pytest.mark.parametrize("attrs,shapes,message", [
    (dict(scale=2, sample_type="nearest", num_args=1), [(1, 2, 3)],
     "UpSamplingNearest: Input data should be 4D in (batch, channel, y, x)"),
    (dict(scale=2, sample_type="nearest", num_args=2), [(1, 2, 4, 4), (1, 1, 3, 4)],
     "Check failed: oh%shape[2] == 0U (2 vs. 0) : UpSamplingNearest: input height of "
     "3does not divide output height of 8"),
    (dict(scale=2, sample_type="nearest", num_args=2, multi_input_mode="sum"),
     [(1, 2, 4, 4), (1, 1, 8, 8)], "Number of channels must be the same"),
    (dict(scale=2, sample_type="bilinear", num_args=1), [(1, 2, 3), None],
     "UpSamplingBilinear: Input data should be 4D in (batch, channel, y, x)"),
    # MXNet indexes the unknown data shape (recorded by infer_shape_partial)
    (dict(scale=2, sample_type="nearest", num_args=2), [None, (1, 1, 1, 1)],
     "Check failed: i >= 0 && i < ndim(): index = 1 must be in range [0, -1)"),
    (dict(scale=2, sample_type="nearest", num_args=2), [(1, 1, 2, 2), None],
     "Check failed: shape.ndim() == 4U (-1 vs. 4) : UpSamplingNearest"),
])
def test_upsampling_shape_errors(attrs, shapes, message):
    with pytest.raises(InferError) as e:
        harness.infer("UpSampling", shapes, **attrs)
    assert message in str(e.value)


# ----------------------------------------------------------------------------- Pad
PAD_CASES = [
    ((2, 2, 4, 5), (0, 0, 0, 0, 1, 2, 2, 1)),
    ((1, 2, 3, 4, 4), (0, 0, 0, 0, 2, 1, 0, 3, 1, 1)),
    ((1, 1, 5, 4), (0, 0, 0, 0, 0, 3, 3, 0)),
]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
@pytest.mark.parametrize("shape,width", PAD_CASES)
def test_pad_forward_and_gradient(shape, width, mode):
    rng = np.random.default_rng(8)
    x = rng.standard_normal(shape)
    attrs = dict(mode=mode, pad_width=width, constant_value=1.5)
    out = harness.forward("Pad", [x], **attrs)[0]
    pairs = [(width[2 * i], width[2 * i + 1]) for i in range(len(shape))]
    want = np.pad(x, pairs, mode=mode, **({"constant_values": 1.5} if mode == "constant"
                                          else {}))
    np.testing.assert_array_equal(out, want)
    harness.check_numeric_gradient("Pad", [x], **attrs)


@pytest.mark.parametrize("shape,width,message", [
    ((2, 3, 4), (0, 0, 0, 0, 1, 1), "Current implementation only supports 4-D or 5-D input."),
    (None, (0, 0, 0, 0, 1, 1, 1, 1), "Current implementation only supports 4-D or 5-D input."),
    # texts and order checked against MXNet 1.9.1
    ((1, 1, 3, 3), (0, 0, 0, 0, 1, 1), "Input shape vs padding spec mismatch."),
    ((1, 1, 3, 3), (0, 1, 0, 0, 1, 1, 1, 1), "expects padding on the first two axes to be zero"),
    ((1, 1, 3, 3), (0, 1, 0, 0, 1, 1), "expects padding on the first two axes to be zero"),
])
def test_pad_shape_errors(shape, width, message):
    with pytest.raises(InferError) as e:
        harness.infer("Pad", [shape], mode="constant", pad_width=width)
    assert message in str(e.value)
    with pytest.raises(InferError, match="reflection padding only supports padding sizes"):
        harness.infer("Pad", [(1, 1, 3, 3)], mode="reflect", pad_width=(0, 0, 0, 0, 3, 0, 0, 0))
    # MXNet checks dims 2 and 3 only, even for 5-D data
    shapes = harness.infer("Pad", [(1, 1, 3, 3, 3)], mode="reflect",
                           pad_width=(0, 0, 0, 0, 1, 1, 1, 1, 5, 5))
    assert shapes[1] == [(1, 1, 5, 5, 13)]
