"""The contrib vision operators' edge cases against facts recorded from MXNet 1.9.1
(``contrib_vision_facts.json``, written by ``record_contrib_vision.py``), and the few that
cannot be recorded that way. The case rows in ``cases.py`` and the differential cases cover
the ordinary paths."""
from __future__ import annotations

import json
import pathlib

import pytest

import symnb as mx

from .contrib_vision_probes import probes

FACTS = json.loads((pathlib.Path(__file__).parent / "contrib_vision_facts.json").read_text())


@pytest.fixture(scope="module")
def seen():
    return json.loads(json.dumps(probes(mx)))       # as JSON holds them: tuples are lists


@pytest.mark.filterwarnings("ignore:Cannot decide")     # incomplete inference: a fact
@pytest.mark.parametrize("name", sorted(FACTS))
def test_matches_mxnet(name, seen):
    assert seen[name] == FACTS[name]


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


def test_rroi_align_has_no_gradient():
    r = mx.sym.contrib.RROIAlign(mx.sym.var("data"), mx.sym.var("rois"), pooled_size=(2, 2),
                                 spatial_scale=1.0)
    # simple_bind re-raises as RuntimeError, as MXNet's does
    with pytest.raises(RuntimeError, match="Operator _contrib_RROIAlign is non-differentiable"):
        r.simple_bind(mx.cpu(), data=(1, 2, 5, 5), rois=(1, 6))
    exe = r.simple_bind(mx.cpu(), grad_req="null", data=(1, 2, 5, 5), rois=(1, 6))
    assert exe.forward()[0].shape == (1, 2, 2, 2)


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
    def monitored(sym, **shapes):
        exe = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
        names = []
        exe.set_monitor_callback(lambda n, a: names.append(n), monitor_all=True)
        exe.forward()
        return [n.decode() if isinstance(n, bytes) else n for n in names]
    x = mx.sym.var("x")
    assert monitored(mx.sym.contrib.AdaptiveAvgPooling2D(x, output_size=2, name="ap"),
                     x=(1, 1, 4, 4)) == ["x", "ap_input0", "ap_output"]
    dp = mx.sym.contrib.DeformablePSROIPooling(x, mx.sym.var("r"), spatial_scale=1.0,
                                               output_dim=1, group_size=1, pooled_size=1,
                                               no_trans=True, name="dp")
    assert monitored(dp, x=(1, 1, 4, 4), r=(1, 5)) == ["x", "dp_data", "r", "dp_rois",
                                                       "dp_output", "dp_top_count"]
