"""A tiny SSD training graph, written against the MXNet API only, so that
``detection_record.py`` builds it with MXNet 1.9.1 and ``test_detection.py`` with symnb.
"""
from __future__ import annotations

DATA, LABEL = (2, 3, 4, 4), (2, 3, 5)


def build(mx):
    """Anchors, targets with hard negative mining, both losses and the detections
    (outputs ``cls_prob_output``, ``loc_loss_output``, ``blockgrad0_output``)."""
    data, label = mx.sym.var("data"), mx.sym.var("label")
    conv = mx.sym.Convolution(data, num_filter=8, kernel=(3, 3), pad=(1, 1), name="conv")
    anchors = mx.sym.contrib.MultiBoxPrior(conv, sizes=(0.3, 0.6), ratios=(1, 2, 0.5),
                                           name="prior")
    cls = mx.sym.Convolution(conv, num_filter=4 * 3, kernel=(3, 3), pad=(1, 1), name="cls")
    loc = mx.sym.Convolution(conv, num_filter=4 * 4, kernel=(3, 3), pad=(1, 1), name="loc")
    cls_pred = mx.sym.reshape(mx.sym.transpose(cls, axes=(0, 2, 3, 1)), shape=(0, -1, 3))
    cls_pred = mx.sym.transpose(cls_pred, axes=(0, 2, 1), name="cls_pred")
    loc_pred = mx.sym.flatten(mx.sym.transpose(loc, axes=(0, 2, 3, 1)), name="loc_pred")
    tgt = mx.sym.contrib.MultiBoxTarget(anchors, label, cls_pred, negative_mining_ratio=3,
                                        name="tgt")
    cls_prob = mx.sym.SoftmaxOutput(cls_pred, tgt[2], ignore_label=-1, use_ignore=True,
                                    multi_output=True, normalization="valid", name="cls_prob")
    loc_loss = mx.sym.MakeLoss(mx.sym.smooth_l1((loc_pred - tgt[0]) * tgt[1], scalar=1.0),
                               normalization="valid", name="loc_loss")
    det = mx.sym.contrib.MultiBoxDetection(cls_prob, loc_pred, anchors, name="det",
                                           nms_threshold=0.45)
    return mx.sym.Group([cls_prob, loc_loss, mx.sym.BlockGrad(det, name="blockgrad0")])


def step(mx, sym, arrays):
    """One training step: forward then backward; outputs and parameter gradients."""
    ex = sym.simple_bind(mx.cpu(), data=DATA, label=LABEL)
    for k, v in arrays.items():
        ex.arg_dict[k][:] = v
    outs = ex.forward(is_train=True)
    ex.backward()
    res = {"out%d" % i: o.asnumpy() for i, o in enumerate(outs)}
    res.update({"grad_" + k: v.asnumpy() for k, v in ex.grad_dict.items()
                if v is not None and k != "label"})
    return res
