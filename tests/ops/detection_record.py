"""Record the detection operators' structured cases from a real MXNet 1.9.1.

    .bench-mxnet-venv/bin/python tests/ops/detection_record.py

Writes ``detection_cases.npz`` beside this file: ``meta`` (JSON text: for each case the
operator, its keyword parameters, MXNet's error text if any) and the arrays
``<case>/in<i>``, ``<case>/out<i>``, ``<case>/head``, ``<case>/grad``: inputs, MXNet's outputs
(``mx.nd.contrib``) and gradients (box_nms: symbolic backward with the given head
gradient). Unlike the random inputs of ``tests/differential``, these inputs are shaped like
real use: anchors from MultiBoxPrior,
padded ground-truth labels, softmax class probabilities, RPN maps with padding. symnb is
never imported here; ``test_detection.py`` replays the file without MXNet.
"""
from __future__ import annotations

import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "detection_cases.npz")


def _text(e):
    s = re.sub(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ", "", str(e))
    s = re.sub(r"\ATraceback \(most recent call last\):\n  File \"[^\"]*\", line \d+\n", "", s)
    return s.split("\nStack trace")[0].strip()


def _cases(np):
    rng = np.random.RandomState(20261202)
    cases = []

    def add(name, op, inputs, kwargs=None, grad=False, dtype="float32"):
        cases.append({"name": name, "op": op, "kwargs": dict(kwargs or {}), "grad": grad,
                      "inputs": [np.asarray(x, dtype=dtype) for x in inputs]})

    def softmax(x, axis):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def boxes(n, lo=0.0, hi=1.0, size=0.4):
        xy = rng.uniform(lo, hi - size, size=(n, 2))
        wh = rng.uniform(0.05, size, size=(n, 2))
        return np.concatenate([xy, xy + wh], axis=1)

    # box_nms: the documented example, classes, formats, ties, batch dimensions
    doc = [[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
           [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8]]
    add("nms_doc", "box_nms", [doc], {"overlap_thresh": 0.1, "id_index": 0,
                                      "force_suppress": True}, grad=True)
    add("nms_doc_classes", "box_nms", [doc], {"overlap_thresh": 0.1, "id_index": 0},
        grad=True)
    many = np.concatenate([rng.randint(0, 3, (2, 3, 12, 1)), rng.uniform(0, 1, (2, 3, 12, 1)),
                           boxes(72).reshape(2, 3, 12, 4)], axis=-1)
    add("nms_batched", "box_nms", [many], {"overlap_thresh": 0.3, "valid_thresh": 0.2,
                                          "id_index": 0, "background_id": 2}, grad=True)
    add("nms_topk_force", "box_nms", [many], {"overlap_thresh": 0.2, "topk": 5,
                                              "id_index": 0, "force_suppress": True})
    ties = np.concatenate([np.round(rng.uniform(0, 1, (10, 1)), 1), boxes(10),
                           rng.uniform(0, 1, (10, 2))], axis=-1)
    add("nms_ties_extra", "box_nms", [ties], {"coord_start": 1, "score_index": 0,
                                              "overlap_thresh": 0.25}, grad=True)
    centre = np.concatenate([rng.uniform(0, 1, (8, 1)), rng.uniform(0.2, 0.8, (8, 2)),
                             rng.uniform(0.1, 0.4, (8, 2))], axis=-1)
    add("nms_center_in", "box_nms", [centre], {"coord_start": 1, "score_index": 0,
                                               "in_format": "center"})
    add("nms_center_both", "box_nms", [centre], {"coord_start": 1, "score_index": 0,
                                                 "in_format": "center",
                                                 "out_format": "center"}, dtype="float64")
    add("nms_to_center", "box_nms", [doc], {"out_format": "center", "overlap_thresh": 0.9})
    add("nms_none_valid", "box_nms", [doc], {"valid_thresh": 0.9})
    add("nms_topk0", "box_nms", [doc], {"topk": 0}, grad=True)

    # box_iou
    add("iou_corner", "box_iou", [boxes(6).reshape(2, 3, 4), boxes(4)])
    add("iou_center", "box_iou", [centre[:, 1:5], centre[:3, 1:5]], {"format": "center"},
        dtype="float64")

    # bipartite_matching
    add("match_doc", "bipartite_matching", [[[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]]],
        {"threshold": 1e-12})
    scores = rng.uniform(0, 1, (2, 5, 4))
    add("match_batched", "bipartite_matching", [scores], {"threshold": 0.2})
    add("match_topk", "bipartite_matching", [scores], {"threshold": 0.1, "topk": 2})
    add("match_ascend", "bipartite_matching", [scores], {"threshold": 0.6, "is_ascend": True})
    add("match_ties", "bipartite_matching", [np.round(scores, 1)], {"threshold": 0.05})

    # box_encode / box_decode
    anchors = boxes(10).reshape(2, 5, 4)
    refs = boxes(6).reshape(2, 3, 4)
    add("encode", "box_encode", [rng.randint(-1, 2, (2, 5)), rng.randint(0, 3, (2, 5)), anchors,
                                 refs, [0.0, 0.0, 0.0, 0.0], [0.1, 0.1, 0.2, 0.2]])
    add("decode_center", "box_decode", [rng.uniform(-1, 1, (2, 5, 4)),
                                        centre[None, :5, 1:5]], {"std0": 0.1, "std1": 0.1,
                                                                 "std2": 0.2, "std3": 0.2})
    add("decode_corner_clip", "box_decode", [rng.uniform(-3, 3, (2, 5, 4)), anchors[:1]],
        {"format": "corner", "clip": 1.0}, dtype="float64")

    # MultiBoxPrior
    feat = np.zeros((1, 3, 4, 6))
    add("prior_default", "MultiBoxPrior", [feat])
    add("prior_ssd", "MultiBoxPrior", [feat], {"sizes": (0.2, 0.272), "ratios": (1, 2, 0.5)})
    add("prior_steps", "MultiBoxPrior", [feat], {"sizes": (0.3,), "ratios": (1, 3),
                                                 "steps": (0.25, 0.2), "offsets": (0.3, 0.6),
                                                 "clip": True})

    # MultiBoxTarget with anchors as MultiBoxPrior makes them and padded labels
    import mxnet as mx
    prior = mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 4, 4)), sizes=(0.3, 0.5),
                                        ratios=(1, 2)).asnumpy()
    na = prior.shape[1]
    labels = np.full((3, 4, 5), -1.0)
    labels[0, :3] = np.concatenate([[[0], [1], [2]], boxes(3)], axis=1)
    labels[1, :1] = np.concatenate([[[1]], boxes(1)], axis=1)
    pred = rng.uniform(-2, 2, (3, 3, na))
    ins = [prior, labels, pred]
    add("target_default", "MultiBoxTarget", ins)
    add("target_mining", "MultiBoxTarget", ins, {"negative_mining_ratio": 3,
                                                 "negative_mining_thresh": 0.5})
    add("target_mining_thresh0", "MultiBoxTarget", ins, {"overlap_threshold": 0,
                                                         "negative_mining_ratio": 2,
                                                         "negative_mining_thresh": 0.4,
                                                         "ignore_label": -5})
    add("target_variances", "MultiBoxTarget", ins, {"overlap_threshold": 0.3,
                                                    "variances": (0.2, 0.2, 0.5, 0.5)})
    wide = labels.copy()
    wide = np.concatenate([wide, rng.uniform(0, 1, (3, 4, 1))], axis=-1)
    wide[..., 5][labels[..., 0] == -1] = -1
    add("target_wide_label", "MultiBoxTarget", [prior, wide, pred])
    bad = labels.copy()
    bad[1, 1, 2] = 0.5
    add("target_bad_padding", "MultiBoxTarget", [prior, bad, pred])

    # MultiBoxDetection on softmax probabilities
    prob = softmax(rng.uniform(-2, 3, (2, 4, na)), axis=1)
    loc = rng.uniform(-1, 1, (2, na * 4))
    ins = [prob, loc, prior]
    add("detect_default", "MultiBoxDetection", ins)
    add("detect_force_topk", "MultiBoxDetection", ins, {"force_suppress": True, "nms_topk": 7,
                                                        "threshold": 0.2})
    add("detect_noclip_nms0", "MultiBoxDetection", ins, {"clip": False, "nms_threshold": 0})
    add("detect_variances", "MultiBoxDetection", ins, {"variances": (0.2, 0.2, 0.4, 0.4),
                                                       "nms_threshold": 0.3,
                                                       "background_id": 2})
    add("detect_bad_variances", "MultiBoxDetection", ins, {"variances": (0.1, 0.2)})

    # Proposal / MultiProposal: 2 x 3 anchors, stride 16, images smaller than the map
    a, h, w = 6, 6, 8
    cls = softmax(rng.uniform(-2, 2, (2, 2, a, h, w)), axis=1).reshape(2, 2 * a, h, w)
    bbox = rng.uniform(-0.3, 0.3, (2, 4 * a, h, w))
    info = np.array([[90.0, 120.0, 1.0], [96.0, 100.0, 0.8]])
    kw = {"scales": (2, 4, 8), "ratios": (0.5, 2), "rpn_pre_nms_top_n": 80,
          "rpn_post_nms_top_n": 20, "threshold": 0.5, "rpn_min_size": 8, "output_score": True}
    for k in range(2):
        add("proposal_%d" % k, "Proposal", [cls[k:k + 1], bbox[k:k + 1], info[k:k + 1]], kw)
    add("proposal_iou_loss", "Proposal", [cls[:1], bbox[:1] * 20, info[:1]],
        dict(kw, iou_loss=True, rpn_min_size=2))
    add("proposal_no_limits", "Proposal", [cls[1:], bbox[1:], info[1:]],
        dict(kw, rpn_pre_nms_top_n=-1, rpn_post_nms_top_n=300, threshold=0.7))
    add("multiproposal", "MultiProposal", [cls, bbox, info], kw)
    add("multiproposal_iou_loss", "MultiProposal", [cls, bbox * 20, info],
        dict(kw, iou_loss=True, output_score=False, rpn_post_nms_top_n=50))
    add("proposal_two_images", "Proposal", [cls, bbox, info], kw)
    add("proposal_anchor_count", "Proposal", [cls[:1], bbox[:1], info[:1]],
        dict(kw, scales=(2, 4)))
    add("proposal_image_too_big", "Proposal", [cls[:1], bbox[:1], [[200.0, 120.0, 1.0]]], kw)
    add("prior_bad_steps", "MultiBoxPrior", [feat], {"steps": (-1, 0.5)})
    return cases


def _run(mx, np, case, store):
    f = getattr(mx.nd.contrib, case["op"])
    arrays = [mx.nd.array(x, dtype=x.dtype) for x in case["inputs"]]
    rec = {k: v for k, v in case.items() if k != "inputs"}
    rec["n_inputs"] = len(arrays)
    name = case["name"]
    for i, x in enumerate(case["inputs"]):
        store["%s/in%d" % (name, i)] = x
    try:
        out = f(*arrays, **case["kwargs"])
        out = [o.asnumpy() for o in (out if isinstance(out, list) else [out])]
    except Exception as e:  # noqa: BLE001 -- the error text is the fact
        rec["error"] = _text(e)
        return rec
    rec["n_outputs"] = len(out)
    for i, o in enumerate(out):
        store["%s/out%d" % (name, i)] = o
    if case["grad"]:
        data = mx.sym.var("data")
        sym = getattr(mx.sym.contrib, case["op"])(data, **case["kwargs"])
        x = case["inputs"][0]
        head = np.arange(1, x.size + 1, dtype=x.dtype).reshape(x.shape) / x.size
        exe = sym.bind(mx.cpu(), {"data": arrays[0]},
                       args_grad={"data": mx.nd.zeros(x.shape, dtype=x.dtype)})
        exe.forward(is_train=True)
        exe.backward([mx.nd.array(head, dtype=x.dtype)])
        store[name + "/head"] = head
        store[name + "/grad"] = exe.grad_dict["data"].asnumpy()
    return rec


def _ssd(mx, np):
    """The SSD step of ``detection_ssd.py``: its inputs and MXNet's results, ``ssd/`` keys."""
    import sys
    sys.path.insert(0, HERE)
    import detection_ssd
    rng = np.random.RandomState(3)
    sym = detection_ssd.build(mx)
    shapes = dict(zip(sym.list_arguments(), sym.infer_shape(data=detection_ssd.DATA,
                                                            label=detection_ssd.LABEL)[0]))
    arrays = {k: rng.uniform(-0.3, 0.3, s).astype(np.float32) for k, s in shapes.items()
              if k not in ("data", "label")}
    arrays["data"] = rng.uniform(-1, 1, detection_ssd.DATA).astype(np.float32)
    lab = np.full(detection_ssd.LABEL, -1.0, dtype=np.float32)
    lab[0, :2] = [[0, 0.1, 0.1, 0.5, 0.6], [1, 0.4, 0.3, 0.9, 0.9]]
    lab[1, :1] = [[1, 0.2, 0.2, 0.7, 0.8]]
    arrays["label"] = lab
    res = detection_ssd.step(mx, sym, arrays)
    out = {"ssd/in:" + k: v for k, v in arrays.items()}
    out.update({"ssd/" + k: v for k, v in res.items()})
    return out


def main():
    import mxnet as mx
    import numpy as np
    assert mx.__version__.startswith("1.9.1"), mx.__version__
    store = {}
    records = [_run(mx, np, c, store) for c in _cases(np)]
    store.update(_ssd(mx, np))
    import detection_random
    store.update({"random/" + k: v for k, v in detection_random.run_all(mx, np).items()})
    np.savez_compressed(OUT, meta=np.array(json.dumps(records, sort_keys=True)), **store)
    print("recorded %d cases into %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
