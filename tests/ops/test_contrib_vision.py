"""The contrib vision operators' quirks, with values recorded from MXNet 1.9.1 by hand (the
case rows in ``cases.py`` and the recorded differential cases cover the ordinary paths)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def test_roi_align_negative_batch_zeroes_element_n_of_the_whole_output():
    # MXNet's ROIAlignForward writes top_data[n] = 0 for a region n with batch index < 0:
    # element n of the output, which may belong to an earlier region (recorded)
    x = mx.nd.ones((1, 1, 4, 4)) * 2
    rois = mx.nd.array([[0, 1, 1, 3, 3], [-1, 0, 0, 2, 2]])
    out = mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 2), spatial_scale=1.0)
    assert out.asnumpy().tolist() == [[[[2.0, 0.0], [2.0, 2.0]]], [[[0.0, 0.0], [0.0, 0.0]]]]
    rois = mx.nd.array([[-1, 0, 0, 2, 2], [-1, 0, 0, 2, 2], [0, 1, 1, 3, 3]])
    out = mx.nd.contrib.ROIAlign(x, rois, pooled_size=(1, 1), spatial_scale=1.0)
    assert out.asnumpy().ravel().tolist() == [0.0, 0.0, 2.0]


def test_roi_align_aligned_needs_a_positive_size():
    # MXNet 1.9.1 aborts the process on this check (inside an OpenMP loop); symnb raises it
    x = mx.nd.ones((1, 1, 4, 4))
    with pytest.raises(mx.MXNetError, match=r"Check failed: roi_width > 0. \(0 vs. 0\) : "):
        mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 1, 1, 1, 2]]), pooled_size=(2, 2),
                               spatial_scale=1.0, aligned=True)


def test_roi_align_pooled_size_is_two_nonzero_dims():
    d, r = mx.sym.var("data"), mx.sym.var("rois")
    with pytest.raises(mx.MXNetError, match=r"value \[2,2,2\]for Parameter pooled_size has "
                                            "wrong dimensions, expected dimension=2"):
        mx.sym.contrib.ROIAlign(d, r, pooled_size=(2, 2, 2), spatial_scale=1.0)
    with pytest.raises(mx.MXNetError, match=r"value \[2,0\]for Parameter pooled_size is "
                                            "invalid, the input shape must be nonzero"):
        mx.sym.contrib.ROIAlign(d, r, pooled_size=(2, 0), spatial_scale=1.0)


def test_region_types_are_not_inferred_backwards():
    r = mx.sym.contrib.PSROIPooling(mx.sym.var("data"), mx.sym.var("rois"), spatial_scale=0.5,
                                    output_dim=2, pooled_size=3, name="ps")
    with pytest.raises(mx.MXNetError, match=r"Error in operator ps: Check failed: dtype == "
                                            r"\(\*in_type\)\[1\] \(-1 vs. 0\) : "):
        r.infer_type(rois="float32")
    with pytest.raises(mx.MXNetError, match="dtype != -1 .* Input must have specified type"):
        r.infer_type()


def test_rroi_align_has_no_gradient():
    r = mx.sym.contrib.RROIAlign(mx.sym.var("data"), mx.sym.var("rois"), pooled_size=(2, 2),
                                 spatial_scale=1.0)
    # simple_bind re-raises as RuntimeError, as MXNet's does
    with pytest.raises(RuntimeError, match="Operator _contrib_RROIAlign is non-differentiable"):
        r.simple_bind(mx.cpu(), data=(1, 2, 5, 5), rois=(1, 6))
    exe = r.simple_bind(mx.cpu(), grad_req="null", data=(1, 2, 5, 5), rois=(1, 6))
    assert exe.forward()[0].shape == (1, 2, 2, 2)


def test_deformable_no_trans_drops_the_input_and_keeps_a_hidden_count():
    d, r = mx.sym.var("data"), mx.sym.var("rois")
    kw = dict(spatial_scale=0.5, output_dim=2, group_size=3, pooled_size=3)
    full = mx.sym.contrib.DeformablePSROIPooling(d, r, name="dp", **kw)
    assert full.list_arguments() == ["data", "rois", "dp_trans"]
    bare = mx.sym.contrib.DeformablePSROIPooling(d, r, no_trans=True, name="dp", **kw)
    assert bare.list_arguments() == ["data", "rois"]
    assert bare.list_outputs() == ["dp_output"]


def test_bilinear_resize_half_pixel_rounds_in_float32():
    # recorded: MXNet computes source positions and weights in float32
    x = mx.nd.array(np.arange(6).reshape(1, 1, 2, 3))
    y = mx.nd.contrib.BilinearResize2D(x, height=3, width=5, align_corners=False)
    want = np.array([[0, 0.40000004, 1, 1.6000001, 2], [1.5, 1.9000001, 2.5, 3.1000004, 3.5],
                     [3, 3.4, 4, 4.6000004, 5]], dtype=np.float32)
    assert np.array_equal(y.asnumpy()[0, 0], want)


def test_bilinear_resize_sizes_and_quirks():
    d = mx.sym.var("data")
    # the width follows scale_height's presence (MXNet's rule tests scale_height twice)
    only_width = mx.sym.contrib.BilinearResize2D(d, scale_width=2.0, width=3)
    assert only_width.infer_shape(data=(1, 2, 5, 5))[1] == [(1, 2, 1, 3)]
    with pytest.raises(mx.MXNetError, match="bad optional access"):
        mx.sym.contrib.BilinearResize2D(d, scale_height=2.0).infer_shape(data=(1, 2, 5, 5))
    odd = mx.sym.contrib.BilinearResize2D(d, mode="odd_scale", scale_height=2.5, scale_width=0.5)
    assert odd.infer_shape(data=(1, 2, 5, 6))[1] == [(1, 2, 11, 3)]
    # sizes live in an int16_t
    big = mx.sym.contrib.BilinearResize2D(d, scale_height=10000.0, scale_width=1.0)
    with pytest.raises(mx.MXNetError, match=r"Check failed: dim_size >= -1 \(-15536 vs. -1\) : "
                                            "shape dim size must be >= -1, while received "
                                            "-15536"):
        big.infer_shape(data=(1, 2, 5, 5))
    like = mx.sym.contrib.BilinearResize2D(d, mx.sym.var("like"), mode="like")
    # no type rule in MXNet: nnvm's SameType overwrites the like input's type
    assert like.infer_type(data="float32", like="float64")[0] == [np.float32, np.float32]
    with pytest.raises(mx.MXNetError, match=r"index = 2 must be in range \[0, -1\)"):
        like.infer_shape_partial(data=(1, 2, 5, 5))


def test_floating_point_only():
    with pytest.raises(mx.MXNetError, match="only support floating point types, not int32"):
        mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 4, 4), dtype="int32"),
                                           output_size=2)
    with pytest.raises(mx.MXNetError, match="only support floating point types, not int32"):
        mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 2, 2), dtype="int32"), height=3,
                                       width=3)


def test_adaptive_avg_pool_shapes():
    d = mx.sym.var("data")
    pool = mx.sym.contrib.AdaptiveAvgPooling2D
    assert pool(d).infer_shape(data=(1, 2, 5, 5))[1] == [(1, 2, 1, 1)]
    assert pool(d, output_size=4).infer_shape(data=(1, 2, 5, 5))[1] == [(1, 2, 4, 4)]
    # three sizes fall back to 1x1; a fifth axis is carried through (recorded)
    assert pool(d, output_size=(2, 3, 4)).infer_shape(data=(1, 2, 5, 5))[1] == [(1, 2, 1, 1)]
    assert pool(d, output_size=(2, 3)).infer_shape(data=(1, 2, 5, 5, 5))[1] == [(1, 2, 2, 3, 5)]
    with pytest.raises(mx.MXNetError, match=r"index = 3 must be in range \[0, 3\)"):
        pool(d, output_size=(2, 3)).infer_shape(data=(2, 5, 5))


def test_bounds_print_the_parsed_float():
    # dmlc prints the parsed value: "2", not the given "2.0" (recorded)
    with pytest.raises(mx.MXNetError, match=r"value 2 for Parameter spatial_scale exceed bound "
                                            r"\[0,1\]"):
        mx.sym.contrib.ROIAlign(mx.sym.var("data"), mx.sym.var("rois"), pooled_size=(2, 2),
                                spatial_scale=2.0)
    with pytest.raises(mx.MXNetError, match=r"value 1.23457 for Parameter trans_std"):
        mx.sym.contrib.DeformablePSROIPooling(
            mx.sym.var("data"), mx.sym.var("rois"), mx.sym.var("trans"), spatial_scale=1.0,
            output_dim=2, group_size=1, pooled_size=1, trans_std=1.234567891)


def test_monitor_names():
    # recorded with set_monitor_callback(monitor_all=True): AdaptiveAvgPooling2D has no
    # FListInputNames, so its input is numbered; the others name theirs
    def seen(sym, **shapes):
        exe = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
        names = []
        exe.set_monitor_callback(lambda n, a: names.append(n), monitor_all=True)
        exe.forward()
        return [n.decode() if isinstance(n, bytes) else n for n in names]
    x = mx.sym.var("x")
    assert seen(mx.sym.contrib.AdaptiveAvgPooling2D(x, output_size=2, name="ap"),
                x=(1, 1, 4, 4)) == ["x", "ap_input0", "ap_output"]
    dp = mx.sym.contrib.DeformablePSROIPooling(x, mx.sym.var("r"), spatial_scale=1.0,
                                               output_dim=1, group_size=1, pooled_size=1,
                                               no_trans=True, name="dp")
    assert seen(dp, x=(1, 1, 4, 4), r=(1, 5)) == ["x", "dp_data", "r", "dp_rois", "dp_output",
                                                  "dp_top_count"]
