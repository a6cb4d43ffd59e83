"""The detection operators against MXNet 1.9.1 on structured inputs (recorded by
``detection_record.py`` into ``detection_cases.npz``; no MXNet needed here), plus the facts
of their declarations: names, aliases, outputs, loss heads, error texts at inference.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import symnb as mx

from . import detection_random, detection_ssd

HERE = pathlib.Path(__file__).resolve().parent
with np.load(HERE / "detection_cases.npz") as _z:
    ARRAYS = {k: _z[k] for k in _z.files}
RECORDS = json.loads(str(ARRAYS.pop("meta")))


def _tol(dtype):
    # symnb follows the kernels closely enough to be bit-exact on these; a little slack
    return (1e-6, 1e-7) if dtype == np.float64 else (1e-6, 1e-6)


@pytest.mark.parametrize("rec", RECORDS, ids=[r["name"] for r in RECORDS])
def test_matches_mxnet(rec):
    name = rec["name"]
    inputs = [ARRAYS["%s/in%d" % (name, i)] for i in range(rec["n_inputs"])]
    f = getattr(mx.nd.contrib, rec["op"])
    nds = [mx.nd.array(x, dtype=x.dtype) for x in inputs]
    if "error" in rec:
        with pytest.raises(mx.MXNetError) as info:
            f(*nds, **rec["kwargs"]).asnumpy()
        assert rec["error"] in str(info.value)
        return
    out = f(*nds, **rec["kwargs"])
    out = out if isinstance(out, list) else [out]
    assert len(out) == rec["n_outputs"]
    for i, o in enumerate(out):
        want = ARRAYS["%s/out%d" % (name, i)]
        rtol, atol = _tol(want.dtype)
        assert o.dtype == want.dtype
        np.testing.assert_allclose(o.asnumpy(), want, rtol=rtol, atol=atol,
                                   err_msg="%s output %d" % (name, i))
    if rec["grad"]:
        data = mx.sym.var("data")
        sym = getattr(mx.sym.contrib, rec["op"])(data, **rec["kwargs"])
        x = inputs[0]
        exe = sym.bind(mx.cpu(), {"data": nds[0]},
                       args_grad={"data": mx.nd.zeros(x.shape, dtype=x.dtype)})
        exe.forward(is_train=True)
        exe.backward([mx.nd.array(ARRAYS[name + "/head"], dtype=x.dtype)])
        np.testing.assert_allclose(exe.grad_dict["data"].asnumpy(), ARRAYS[name + "/grad"],
                                   rtol=1e-6, atol=1e-7)


def test_box_nms_alias_and_hidden_output():
    x = mx.sym.var("x")
    a = mx.sym.contrib.box_non_maximum_suppression(x, name="nms")
    assert a.list_outputs() == ["nms_output0"]
    assert '"op": "_contrib_box_nms"' in a.tojson()
    data = mx.nd.array([[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0, 0, 1, 1]])
    assert mx.nd.contrib.box_non_maximum_suppression(data).asnumpy()[1].tolist() == [-1] * 6


def test_proposal_outputs_follow_output_score():
    v = [mx.sym.var(n) for n in ("cls_prob", "bbox_pred", "im_info")]
    p = mx.sym.contrib.Proposal(*v, name="rpn")
    assert p.list_outputs() == ["rpn_output"]
    q = mx.sym.contrib.MultiProposal(*v, name="rpn", output_score=True)
    assert q.list_outputs() == ["rpn_output", "rpn_score"]
    assert q.infer_shape(cls_prob=(2, 24, 3, 3))[1] == [(600, 5), (600, 1)]


def test_zero_gradient_ops_need_no_head_gradient():
    # MXNet asks no head gradient of operators whose backward reads none
    v = [mx.sym.var(n) for n in ("anchor", "label", "cls_pred")]
    t = mx.sym.contrib.MultiBoxTarget(*v)
    exe = t.simple_bind(mx.cpu(), anchor=(1, 3, 4), label=(1, 2, 5), cls_pred=(1, 2, 3))
    exe.forward(is_train=True)
    exe.backward()
    assert exe.grad_dict["cls_pred"].asnumpy().sum() == 0
    d = mx.sym.contrib.box_iou(mx.sym.var("a"), mx.sym.var("b"))
    exe = d.simple_bind(mx.cpu(), a=(2, 4), b=(3, 4))
    exe.forward(is_train=True)
    with pytest.raises(mx.MXNetError, match="head_gradient is required"):
        exe.backward()


@pytest.mark.parametrize("build, shapes, text", [
    (lambda: mx.sym.contrib.box_nms(mx.sym.var("data"), name="n"), {"data": (3, 4)},
     "Error in operator n: Check failed: width_elem >= expected (4 vs. 5) : the last "
     "dimension must have at least 5 elements namely (score, coordinates x 4) 4 provided, "
     "5 expected."),
    (lambda: mx.sym.contrib.box_nms(mx.sym.var("data"), id_index=3, name="n"),
     {"data": (3, 7)}, "Check failed: id_index < coord_start || id_index > coord_end: "
     "id_index: 3 conflict with coordinates: (2, 5)."),
    (lambda: mx.sym.contrib.box_iou(mx.sym.var("data"), mx.sym.var("r")), {"data": (3, 4)},
     "Check failed: rshape.ndim() >= 2 (-1 vs. 2) : rhs must have dim >= 2 -1 provided"),
    (lambda: mx.sym.contrib.MultiBoxTarget(mx.sym.var("a"), mx.sym.var("l"), mx.sym.var("c")),
     {"a": (2, 6, 4), "l": (2, 3, 5), "c": (2, 3, 6)},
     "Check failed: ashape[0] == 1 (2 vs. 1) : Anchors are shared across batches, first "
     "dimension should be 1"),
    (lambda: mx.sym.contrib.MultiBoxDetection(mx.sym.var("c"), mx.sym.var("l"),
                                              mx.sym.var("a")),
     {"c": (2, 6), "l": (2, 24), "a": (1, 6, 4)},
     "Check failed: cshape.ndim() == 3U (2 vs. 3) : Provided: [2,6]"),
    (lambda: mx.sym.contrib.Proposal(mx.sym.var("c"), mx.sym.var("b"), mx.sym.var("i")),
     {"c": (2, 8, 3, 3), "b": (2, 8, 3, 3)},
     "Shape inconsistent, Provided = [2,8,3,3], inferred shape=(2,16,3,3)"),
])
def test_inference_errors(build, shapes, text):
    with pytest.raises(mx.MXNetError) as info:
        build().infer_shape(**shapes)
    assert text in str(info.value)


def test_legacy_ops_are_float32_only():
    s = mx.sym.contrib.MultiBoxPrior(mx.sym.var("data"))
    with pytest.raises(mx.MXNetError, match="Unsupported data type 1"):
        s.infer_type(data="float64")
    n = mx.sym.contrib.box_nms(mx.sym.var("data"))
    assert n.infer_type(data="float64")[1] == [np.float64]


def test_partial_inference_as_mxnet():
    # recorded from MXNet 1.9.1: box_nms and Proposal infer nothing from a partial input
    # (MXNet's shape_is_none means "not fully known"); box_iou infers what it can
    d = mx.sym.var("data")
    assert mx.sym.contrib.box_nms(d).infer_shape_partial(data=(0, 6)) == ([(0, 6)], [()], [])
    assert mx.sym.contrib.box_nms(d).infer_shape_partial(data=(3, 0)) == ([(3, 0)], [()], [])
    iou = mx.sym.contrib.box_iou(d, mx.sym.var("r"))
    assert iou.infer_shape_partial(data=(0, 4), r=(2, 4)) == ([(0, 4), (2, 4)], [(0, 2)], [])
    p = mx.sym.contrib.Proposal(d, mx.sym.var("b"), mx.sym.var("i"))
    assert p.infer_shape_partial(data=(1, 0, 3, 3)) == ([(1, 0, 3, 3), (), ()], [()], [])
    after = mx.sym.elemwise_add(mx.sym.contrib.box_nms(d, name="nms"), mx.sym.var("b"))
    with pytest.raises(mx.MXNetError, match="Error in operator nms: Check failed: indim >= 2: "
                       "input must have dim >= 2 the last two dimensions are num_box and "
                       "box_width None provided"):
        after.infer_shape(b=(3, 6))
    with pytest.raises(mx.MXNetError, match=r"in_height > 0 \(-1 vs. 0\) : Input height"):
        mx.sym.contrib.MultiBoxPrior(d).infer_shape_partial(data=(1, 2, 0, 3))


@pytest.mark.parametrize("call", [
    lambda x: mx.nd.contrib.box_nms(x(2, 6)),
    lambda x: mx.nd.contrib.box_iou(x(2, 4), x(2, 4)),
    lambda x: mx.nd.contrib.bipartite_matching(x(2, 4), threshold=0.1)[0],
    lambda x: mx.nd.contrib.box_encode(x(1, 2), x(1, 2), x(1, 2, 4), x(1, 2, 4), x(4), x(4))[0],
    lambda x: mx.nd.contrib.box_decode(x(1, 2, 4), x(1, 2, 4)),
])
def test_integer_inputs_are_refused_at_run_time(call):
    # MXNet's MSHADOW_REAL_TYPE_SWITCH (recorded text)
    with pytest.raises(mx.MXNetError, match="This operation only support floating point "
                                            "types, not int32"):
        call(lambda *s: mx.nd.ones(s, dtype="int32")).asnumpy()


def test_multibox_prior_parameters_fail_at_bind():
    s = mx.sym.contrib.MultiBoxPrior(mx.sym.var("d"), offsets=(0.5, -0.1))
    # simple_bind re-raises as RuntimeError with the arguments, as MXNet's does
    with pytest.raises(RuntimeError, match=r"simple_bind error(.|\n)*Check failed: "
                                           r"offsets_\[1\] >= 0.f \(-0.1 vs. 0\) : "):
        s.simple_bind(mx.cpu(), d=(1, 1, 2, 2))


def test_ssd_training_step_matches_mxnet():
    # MultiBoxPrior -> MultiBoxTarget (hard negative mining) -> SoftmaxOutput / smooth_l1,
    # and MultiBoxDetection, through simple_bind, forward and backward (recorded)
    arrays = {k[len("ssd/in:"):]: v for k, v in ARRAYS.items() if k.startswith("ssd/in:")}
    got = detection_ssd.step(mx, detection_ssd.build(mx), arrays)
    want = {k[len("ssd/"):]: v for k, v in ARRAYS.items()
            if k.startswith("ssd/") and not k.startswith("ssd/in:")}
    assert sorted(got) == sorted(want)
    for k, w in want.items():
        np.testing.assert_allclose(got[k], w, rtol=1e-5, atol=1e-6, err_msg=k)


def test_random_configurations_match_mxnet():
    # seeded inputs (RandomState streams are version-stable); MXNet's outputs recorded
    got = detection_random.run_all(mx, np)
    want = {k[len("random/"):]: v for k, v in ARRAYS.items() if k.startswith("random/")}
    assert sorted(got) == sorted(want) and len(want) == 4 * detection_random.N_CONFIGS
    for k, w in want.items():
        if k.startswith("detect"):
            # glibc's expf is not correctly rounded for a few inputs: an ulp here and there
            np.testing.assert_allclose(got[k], w, rtol=1e-6, atol=1e-7, err_msg=k)
        else:
            np.testing.assert_array_equal(got[k], w, err_msg=k)


def test_kernel_views_check_sizes_as_mxnet():
    # MXNet's TBlob.get_with_shape (recorded texts); its inference lets these through
    with pytest.raises(mx.MXNetError, match=r"TBlob.get_with_shape: Check failed: "
                       r"this->shape_.Size\(\) == static_cast<size_t>\(shape.Size\(\)\) "
                       r"\(24 vs. 12\) : new and old shape do not match total elements"):
        mx.nd.contrib.box_decode(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 3, 4))).asnumpy()
    with pytest.raises(mx.MXNetError, match=r"\(8 vs. 6\) : new and old shape"):
        mx.nd.contrib.box_encode(mx.nd.ones((2, 4)), mx.nd.zeros((2, 3)), mx.nd.ones((2, 3, 4)),
                                 mx.nd.ones((2, 2, 4)), mx.nd.zeros((4,)), mx.nd.ones((4,)))
    with pytest.raises(mx.MXNetError, match=r"Shape inconsistent, Provided = \[3\], inferred "
                                            r"shape=\(4,\)"):
        mx.nd.contrib.box_encode(mx.nd.ones((2, 3)), mx.nd.zeros((2, 3)), mx.nd.ones((2, 3, 4)),
                                 mx.nd.ones((2, 2, 4)), mx.nd.zeros((3,)), mx.nd.ones((4,)))
