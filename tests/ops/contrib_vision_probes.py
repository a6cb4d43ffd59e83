"""Edge cases of MXNet's contrib vision operators, run through any MXNet-like module.

``record_contrib_vision.py`` runs :func:`probes` under MXNet 1.9.1 and writes
``contrib_vision_facts.json``; ``test_contrib_vision.py`` runs it under symnb and compares.
Plain NumPy and the module passed in: no symnb import here.
"""
from __future__ import annotations

import re

import numpy as np

_STAMP = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")
_FRAME = re.compile(r"Traceback \(most recent call last\):\n  File \"[^\"]*\", line \d+\n")


def _error(e) -> str:
    text = _FRAME.sub("", _STAMP.sub("", str(e)))
    return "error: " + text.split("\nStack trace")[0].strip()


def _value(v):
    if isinstance(v, tuple) and len(v) == 3 and isinstance(v[0], list):     # infer_* triple
        return [None if part is None else [None if x is None else str(np.dtype(x))
                                           if not isinstance(x, tuple) else list(x)
                                           for x in part] for part in v]
    if hasattr(v, "asnumpy"):
        return np.round(v.asnumpy().astype(np.float64), 5).tolist()
    return v


def probes(mx) -> dict:
    """Every probe's value (JSON-able) or ``'error: <text>'``, by name (no doctest: the
    ``backend`` fixture of ``tests/ops`` would parametrize it)."""
    S, nd = mx.sym, mx.nd
    d, r, t = S.var("data"), S.var("rois"), S.var("trans")
    ra = S.contrib.ROIAlign(d, r, pooled_size=(2, 2), spatial_scale=1.0, name="ra")
    ra_ps = S.contrib.ROIAlign(d, r, pooled_size=(2, 2), spatial_scale=1.0,
                               position_sensitive=True, name="ra")
    rr = S.contrib.RROIAlign(d, r, pooled_size=(2, 2), spatial_scale=1.0, name="rr")
    ps = S.contrib.PSROIPooling(d, r, spatial_scale=0.5, output_dim=2, pooled_size=3, name="ps")
    dp_kw = dict(spatial_scale=0.5, output_dim=2, group_size=3, pooled_size=3)
    dp = S.contrib.DeformablePSROIPooling(d, r, t, name="dp", **dp_kw)
    ap = S.contrib.AdaptiveAvgPooling2D(d, output_size=(2, 3), name="ap")
    br = S.contrib.BilinearResize2D(d, height=3, width=4, name="br")
    brl = S.contrib.BilinearResize2D(d, S.var("like"), mode="like", name="br")
    ones = nd.ones((1, 1, 4, 4))
    ramp = nd.array(np.arange(6).reshape(1, 1, 2, 3))
    cases = {
        "ra_shape": lambda: ra.infer_shape(data=(1, 4, 5, 5), rois=(3, 5)),
        "ra_partial_no_data": lambda: ra.infer_shape_partial(rois=(3, 5)),
        "ra_partial_no_rois": lambda: ra.infer_shape_partial(data=(1, 4, 5, 5)),
        "ra_rois4": lambda: ra.infer_shape(data=(1, 4, 5, 5), rois=(3, 4)),
        "ra_data3": lambda: ra.infer_shape(data=(4, 5, 5), rois=(3, 5)),
        "ra_type_data_only": lambda: ra.infer_type(data="float64"),
        "ra_type_rois_only": lambda: ra.infer_type(rois="float64"),
        "ra_type_mismatch": lambda: ra.infer_type(data="float32", rois="float64"),
        "ra_type_none": lambda: ra.infer_type(),
        "ra_type_f16": lambda: ra.infer_type(data="float16", rois="float16"),
        "ra_ps_bad_channels": lambda: ra_ps.infer_shape(data=(1, 6, 5, 5), rois=(3, 5)),
        "ra_ps": lambda: ra_ps.infer_shape(data=(1, 8, 5, 5), rois=(3, 5)),
        # a negative batch index zeroes element n of the whole output (MXNet's top_data[n])
        "ra_negative_batch": lambda: nd.contrib.ROIAlign(
            ones * 2, nd.array([[0, 1, 1, 3, 3], [-1, 0, 0, 2, 2]]), pooled_size=(2, 2),
            spatial_scale=1.0),
        "ra_negative_batch_2": lambda: nd.contrib.ROIAlign(
            ones * 2, nd.array([[-1, 0, 0, 2, 2], [-1, 0, 0, 2, 2], [0, 1, 1, 3, 3]]),
            pooled_size=(1, 1), spatial_scale=1.0),
        "ra_nd_rois4": lambda: nd.contrib.ROIAlign(ones, nd.array([[1, 1, 3, 3]]),
                                                   pooled_size=(2, 2), spatial_scale=1.0),
        "ra_f16_forward": lambda: nd.contrib.ROIAlign(
            nd.ones((1, 1, 4, 4), dtype="float16"),
            nd.array([[0, 1, 1, 3, 3]], dtype="float16"), pooled_size=(1, 1),
            spatial_scale=1.0),
        "rr_shape": lambda: rr.infer_shape(data=(1, 4, 5, 5), rois=(3, 6)),
        "rr_rois5": lambda: rr.infer_shape(data=(1, 4, 5, 5), rois=(3, 5)),
        "rr_data3": lambda: rr.infer_shape(data=(4, 5, 5), rois=(3, 6)),
        "rr_partial": lambda: rr.infer_shape_partial(rois=(3, 6)),
        "rr_forward": lambda: nd.contrib.RROIAlign(
            ones, nd.array([[0, 2, 2, 3, 2, 45]]), pooled_size=(2, 2), spatial_scale=1.0),
        "ps_shape": lambda: ps.infer_shape(data=(1, 18, 5, 5), rois=(3, 5)),
        "ps_partial_no_data": lambda: ps.infer_shape_partial(rois=(3, 5)),
        "ps_partial_no_rois": lambda: ps.infer_shape_partial(data=(1, 18, 5, 5)),
        "ps_rois4": lambda: ps.infer_shape(data=(1, 18, 5, 5), rois=(3, 4)),
        "ps_type_none": lambda: ps.infer_type(),
        "ps_type_rois_only": lambda: ps.infer_type(rois="float32"),
        "ps_names": lambda: [ps.list_arguments(), ps.list_outputs()],
        # windows clipped at the border of the map
        "ps_clipped": lambda: nd.contrib.PSROIPooling(
            nd.array(np.arange(2 * 4 * 4 * 4.0).reshape(1, 8, 4, 4)),
            nd.array([[0, -3, -2, 9, 8]]), spatial_scale=1.0, output_dim=2, pooled_size=2),
        "dp_shape": lambda: dp.infer_shape(data=(1, 18, 5, 5), rois=(3, 5), trans=(3, 4, 3, 3)),
        "dp_partial_no_trans": lambda: dp.infer_shape_partial(data=(1, 18, 5, 5), rois=(3, 5)),
        "dp_partial_no_data": lambda: dp.infer_shape_partial(rois=(3, 5), trans=(3, 4, 3, 3)),
        "dp_trans3": lambda: dp.infer_shape(data=(1, 18, 5, 5), rois=(3, 5), trans=(3, 4, 3)),
        "dp_names": lambda: [dp.list_arguments(), dp.list_outputs(),
                             dp.get_internals().list_outputs()],
        "dp_default_trans": lambda: S.contrib.DeformablePSROIPooling(
            d, r, **dp_kw).list_arguments(),
        "dp_no_trans": lambda: S.contrib.DeformablePSROIPooling(
            d, r, no_trans=True, **dp_kw).infer_shape(data=(1, 18, 5, 5), rois=(3, 5)),
        "dp_type_no_trans": lambda: dp.infer_type(data="float32", rois="float32"),
        "dp_type_trans64": lambda: dp.infer_type(data="float32", rois="float32",
                                                 trans="float64"),
        "dp_type_trans_only": lambda: dp.infer_type(trans="float64"),
        "ap_shape": lambda: ap.infer_shape(data=(1, 2, 5, 5)),
        "ap_shape3": lambda: ap.infer_shape(data=(2, 5, 5)),
        "ap_shape2": lambda: ap.infer_shape(data=(5, 5)),
        "ap_shape5": lambda: ap.infer_shape(data=(1, 2, 5, 5, 5)),
        "ap_partial": lambda: ap.infer_shape_partial(),
        "ap_three_sizes": lambda: S.contrib.AdaptiveAvgPooling2D(
            d, output_size=(2, 3, 4)).infer_shape(data=(1, 2, 5, 5)),
        "ap_one_size": lambda: S.contrib.AdaptiveAvgPooling2D(
            d, output_size=4).infer_shape(data=(1, 2, 5, 5)),
        "ap_default": lambda: S.contrib.AdaptiveAvgPooling2D(d).infer_shape(data=(1, 2, 5, 5)),
        "ap_type": lambda: ap.infer_type(data="float16"),
        "ap_int": lambda: nd.contrib.AdaptiveAvgPooling2D(nd.ones((1, 1, 4, 4), dtype="int32"),
                                                          output_size=2),
        "ap_up": lambda: nd.contrib.AdaptiveAvgPooling2D(ramp, output_size=(3, 5)),
        "br_shape": lambda: br.infer_shape(data=(1, 2, 5, 5)),
        "br_names": lambda: [br.list_arguments(), brl.list_arguments()],
        "br_like_shape": lambda: brl.infer_shape(data=(1, 2, 5, 5), like=(1, 3, 7, 2)),
        "br_like_partial_no_like": lambda: brl.infer_shape_partial(data=(1, 2, 5, 5)),
        "br_like_partial_no_data": lambda: brl.infer_shape_partial(like=(1, 2, 5, 5)),
        "br_like3": lambda: brl.infer_shape(data=(1, 2, 5, 5), like=(1, 7, 2)),
        "br_like_type": lambda: brl.infer_type(data="float32", like="float64"),
        "br_like_none": lambda: S.contrib.BilinearResize2D(d, None, height=2,
                                                           width=2).list_arguments(),
        "br_scale_height_only": lambda: S.contrib.BilinearResize2D(
            d, scale_height=2.0).infer_shape(data=(1, 2, 5, 5)),
        "br_scale_width_only": lambda: S.contrib.BilinearResize2D(
            d, scale_width=2.0, width=3).infer_shape(data=(1, 2, 5, 5)),
        "br_odd_no_scale": lambda: S.contrib.BilinearResize2D(
            d, mode="odd_scale").infer_shape(data=(1, 2, 5, 5)),
        "br_odd": lambda: S.contrib.BilinearResize2D(
            d, mode="odd_scale", scale_height=2.5, scale_width=0.5).infer_shape(
            data=(1, 2, 5, 6)),
        "br_data3": lambda: br.infer_shape(data=(2, 5, 5)),
        "br_data5": lambda: br.infer_shape(data=(1, 2, 5, 5, 5)),
        "br_int16_size": lambda: S.contrib.BilinearResize2D(
            d, scale_height=10000.0, scale_width=1.0).infer_shape(data=(1, 2, 5, 5)),
        "br_int": lambda: nd.contrib.BilinearResize2D(nd.ones((1, 1, 2, 2), dtype="int32"),
                                                      height=3, width=3),
        "br_type": lambda: br.infer_type(data="float16"),
        "br_nd_like": lambda: list(nd.contrib.BilinearResize2D(
            nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 3, 3)), mode="like").shape),
        "br_nd_like_missing": lambda: nd.contrib.BilinearResize2D(nd.ones((1, 1, 2, 2)),
                                                                  mode="like").shape,
        "br_half_pixel": lambda: nd.contrib.BilinearResize2D(ramp, height=3, width=5,
                                                             align_corners=False),
    }
    out = {}
    for name, run in cases.items():
        try:
            out[name] = _value(run())
        except Exception as e:  # noqa: BLE001 -- the error text is the fact
            out[name] = _error(e)
    return out
