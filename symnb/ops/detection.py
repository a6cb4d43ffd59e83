"""Object-detection contrib operators: box_nms, box_iou, box_encode, box_decode,
bipartite_matching, MultiBoxPrior, MultiBoxTarget, MultiBoxDetection, Proposal, MultiProposal.

The sequential parts (greedy non-maximum suppression, matching) follow MXNet 1.9.1's CPU
kernels step for step: stable sorts by score, ties kept in input order, the same strict or
non-strict comparisons, float32 arithmetic where MXNet computes in ``float`` (and its
``double`` intermediates where its C++ promotes). They run on NumPy arrays and are copied
back to the backend's arrays; the greedy suppressions decide blocks of boxes with matrix
steps, one class at a time where only boxes of one class suppress each other.

Gradients are MXNet's: box_nms carries each output row's gradient back to the input row it
came from; every other operator here back-propagates zeros (MXNet's own rule, in its way:
some write zeros whatever the request, box_encode/box_decode give zero-gradient nodes).
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import OpDef, ZeroGradient, register
from ._rules import float_only, fmt_shape, fmt_tuple, fully_known, legacy_float32_type, uniform_type
from .shape import check, sassign

__all__ = []

_F32 = np.float32
_FORMAT_DOC = ("The box encoding type. \n \"corner\" means boxes are encoded as [xmin, ymin, "
               "xmax, ymax], \"center\" means boxes are encodes as [x, y, width, height].")


def _ndim(shape):
    return -1 if shape is None else len(shape)


def _dim(shape, i):
    """A dimension as MXNet's rules see it (unknown: -1)."""
    if shape is None or not -len(shape) <= i < len(shape):
        return -1
    return shape[i] if shape[i] > 0 else -1


def _num(v) -> str:
    """A number as C++'s ostream prints it (6 significant digits)."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e16 else "%g" % v


def _runtime_check(cond, text):
    if not cond:
        raise MXNetError("MXNetError: Check failed: " + text)


def _view_check(x, *shape):
    """MXNet's TBlob.get_with_shape: a kernel viewing an input as ``shape`` needs exactly
    that many elements (its inference does not check some of these)."""
    want = int(np.prod(shape))
    if x.size != want:
        raise MXNetError("TBlob.get_with_shape: Check failed: this->shape_.Size() == "
                         "static_cast<size_t>(shape.Size()) (%d vs. %d) : new and old shape "
                         "do not match total elements" % (x.size, want))


def _write_zeros(igrads, reqs=None, honour_req=False):
    """Zero gradients: MXNet's legacy kernels write them whatever the request unless
    ``honour_req`` (its ``Assign(..., req, 0)`` leaves an 'add' buffer as it is)."""
    for i, g in enumerate(igrads):
        if g is None:
            continue
        if honour_req and reqs is not None and reqs[i] == "add":
            continue
        g[...] = 0


def _exp(x):
    """``exp`` for float32 as C's ``expf`` nearly always gives it: correctly rounded (NumPy's
    vectorised float32 exp is an ulp off far more often than glibc's); plain for float64."""
    x = np.asarray(x)
    if x.dtype == np.float64:
        return np.exp(x)
    return np.exp(x.astype(np.float64)).astype(x.dtype)


def _log(x):
    """``log`` as C's ``logf`` gives it for float32 (see :func:`_exp`)."""
    x = np.asarray(x)
    if x.dtype == np.float64:
        return np.log(x)
    return np.log(x.astype(np.float64)).astype(x.dtype)


def _quiet():
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


# ----------------------------------------------------------------------------- geometry
def _intersect_1d(a1, a2, b1, b2, center):
    """MXNet's Intersect along one axis: (start, end) or (centre, size) pairs."""
    if center:
        aw, bw = a2 / 2, b2 / 2
        left = np.maximum(b1 - bw, a1 - aw)
        right = np.minimum(b1 + bw, a1 + aw)
    else:
        left = np.maximum(a1, b1)
        right = np.minimum(a2, b2)
    w = right - left
    return np.where(w > 0, w, np.zeros_like(w))


def _area(box, center):
    """MXNet's BoxArea: zero for a negative width or height. ``box`` (..., 4)."""
    if center:
        w, h = box[..., 2], box[..., 3]
    else:
        w, h = box[..., 2] - box[..., 0], box[..., 3] - box[..., 1]
    return np.where((w < 0) | (h < 0), np.zeros_like(w), w * h)


def _iou(a, b, center):
    """IoU as box_nms/box_iou compute it; ``a``, ``b`` broadcast (..., 4)."""
    inter = _intersect_1d(a[..., 0], a[..., 2], b[..., 0], b[..., 2], center) * \
        _intersect_1d(a[..., 1], a[..., 3], b[..., 1], b[..., 3], center)
    with _quiet():
        return inter, inter / (_area(a, center) + _area(b, center) - inter)


def _stable_desc(values):
    """Indices sorting ``values`` descending, ties in input order (std::stable_sort)."""
    return np.argsort(-values, kind="stable")


def _greedy(count, suppresses, limit=None, block=128):
    """Greedy suppression over ``count`` sorted candidates, as MXNet's NMS loops decide it:
    a candidate is kept unless an earlier kept one suppresses it (``suppresses(refs, rows)``:
    a boolean matrix, reference rows by candidate columns); at most ``limit`` are kept.

    Decided ``block`` candidates at a time: within a block from its own matrix, one by one;
    then the block's kept candidates strike all later live ones in one matrix step.

    >>> iou = lambda r, c: np.abs(np.subtract.outer(r, c)) < 2   # "overlap": closer than 2
    >>> _greedy(6, iou).tolist(), _greedy(6, iou, limit=2, block=4).tolist()
    ([0, 2, 4], [0, 2])
    """
    alive = np.ones(count, dtype=bool)
    keep = []
    for start in range(0, count, block):
        if limit is not None and len(keep) >= limit:
            break
        stop = min(start + block, count)
        idx = np.flatnonzero(alive[start:stop]) + start
        if idx.size == 0:
            continue
        over = suppresses(idx, idx)
        struck = np.zeros(idx.size, dtype=bool)
        kept = []
        for k in range(idx.size):
            if struck[k]:
                continue
            if limit is not None and len(keep) + len(kept) >= limit:
                break
            kept.append(k)
            struck[k + 1:] |= over[k, k + 1:]
        kept = idx[kept]
        keep.extend(kept.tolist())
        if kept.size and stop < count and (limit is None or len(keep) < limit):
            later = np.flatnonzero(alive[stop:]) + stop
            if later.size:
                alive[later[suppresses(kept, later).any(axis=0)]] = False
    return np.asarray(keep, dtype=np.int64)


def _greedy_by_class(count, classes, suppresses):
    """:func:`_greedy` where only candidates of one class suppress each other: each class
    on its own (the same decisions, far fewer comparisons); ``classes`` None: one class.

    >>> near = lambda r, c: np.abs(np.subtract.outer(r, c)) < 3
    >>> _greedy_by_class(4, np.array([0, 1, 0, 1]), near).tolist()
    [0, 1]
    >>> _greedy(4, near).tolist()
    [0, 3]
    """
    if classes is None:
        return _greedy(count, suppresses)
    keep = []
    for c in np.unique(classes):
        members = np.flatnonzero(classes == c)
        local = _greedy(members.size, lambda r, q, m=members: suppresses(m[r], m[q]))
        keep.append(members[local])
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=np.int64)


# ----------------------------------------------------------------------------- box_nms
@register
class _contrib_box_nms(OpDef):  # noqa: N801 -- MXNet's operator name
    """Non-maximum suppression: boxes sorted by descending score, those overlapping a
    better one by more than ``overlap_thresh`` (and background or invalid ones) become
    rows of -1. Rows are ``[id, score, xmin, ymin, xmax, ymax, ...]`` by default.

    The gradient of each output row goes back to the input row it came from; suppressed
    rows get zero.

    >>> import symnb as mx
    >>> x = mx.nd.array([[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
    ...                  [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8]])
    >>> mx.nd.contrib.box_nms(x, overlap_thresh=0.1, id_index=0,
    ...                       force_suppress=True).asnumpy()[:, :2]
    array([[ 2. ,  0.6],
           [ 0. ,  0.5],
           [-1. , -1. ],
           [-1. , -1. ]], dtype=float32)
    """

    name = "_contrib_box_nms"
    aliases = ("_contrib_box_non_maximum_suppression",)
    family = "index"
    monitor_named_inputs = False
    num_outputs_total_default = 2
    outputs = ("output0",)
    params = (
        Param("overlap_thresh", "float, optional, default=0.5",
              "Overlapping(IoU) threshold to suppress object with smaller score."),
        Param("valid_thresh", "float, optional, default=0",
              "Filter input boxes to those whose scores greater than valid_thresh."),
        Param("topk", "int, optional, default='-1'",
              "Apply nms to topk boxes with descending scores, -1 to no restriction."),
        Param("coord_start", "int, optional, default='2'",
              "Start index of the consecutive 4 coordinates."),
        Param("score_index", "int, optional, default='1'",
              "Index of the scores/confidence of boxes."),
        Param("id_index", "int, optional, default='-1'",
              "Optional, index of the class categories, -1 to disable."),
        Param("background_id", "int, optional, default='-1'",
              "Optional, id of the background class which will be ignored in nms."),
        Param("force_suppress", "boolean, optional, default=0",
              "Optional, if set false and id_index is provided, nms will only apply to boxes "
              "belongs to the same category"),
        Param("in_format", "{'center', 'corner'},optional, default='corner'",
              "The input box encoding type. \n \"corner\" means boxes are encoded as [xmin, "
              "ymin, xmax, ymax], \"center\" means boxes are encodes as [x, y, width, "
              "height]."),
        Param("out_format", "{'center', 'corner'},optional, default='corner'",
              "The output box encoding type. \n \"corner\" means boxes are encoded as [xmin, "
              "ymin, xmax, ymax], \"center\" means boxes are encodes as [x, y, width, "
              "height]."),
    )

    def hidden_output_names(self, p):
        return ("output0", "output1")

    def label(self, p, attrs):
        return "box_nms\nthresh=%g" % p.overlap_thresh

    def infer_shape(self, p, ins, outs):
        ishape = ins[0]
        # MXNet's shape_is_none is "not fully known": a partial input infers nothing
        if not fully_known(ishape) and not fully_known(outs[0]):
            return
        # MXNet checks the input's shape even when only the output's is known
        check(_ndim(ishape) >= 2, "indim >= 2: input must have dim >= 2 the last two "
              "dimensions are num_box and box_width %s provided"
              % ("None" if ishape is None else fmt_shape(ishape)))
        width = _dim(ishape, -1)
        expected = 6 if p.id_index >= 0 else 5
        check(width >= expected, "width_elem >= expected (%d vs. %d) : the last dimension must "
              "have at least 5 elements namely (score, coordinates x 4) %d provided, %d "
              "expected." % (width, expected, width, expected))
        cs, ce, si = p.coord_start, p.coord_start + 3, p.score_index
        check(0 <= si < width, "score_index >= 0 && score_index < width_elem: score_index: %d "
              "out of range: (0, %d)" % (si, width))
        check(si < cs or si > ce, "score_index < coord_start || score_index > coord_end: "
              "score_index: %d conflict with coordinates: (%d, %d)." % (si, cs, ce))
        check(cs >= 0 and ce < width, "coord_start >= 0 && coord_end < width_elem: "
              "coordinates: (%d, %d) out of range:: (0, %d)" % (cs, ce, width))
        if p.id_index >= 0:
            ii = p.id_index
            check(0 <= ii < width, "id_index >= 0 && id_index < width_elem: id_index: %d out "
                  "of range: (0, %d)" % (ii, width))
            check(ii < cs or ii > ce, "id_index < coord_start || id_index > coord_end: "
                  "id_index: %d conflict with coordinates: (%d, %d)." % (ii, cs, ce))
            check(ii != si, "id_index != score_index (%d vs. %d) : id_index: %d conflict with "
                  "score_index: %d" % (ii, si, ii, si))
        sassign(outs, 0, ishape, fmt=fmt_shape)
        sassign(outs, 1, tuple(ishape[:-1]) + (1,), fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def _run(self, p, data):
        """(output, record) of MXNet's BoxNMSForward on a NumPy array."""
        shape = data.shape
        n, width = shape[-2], shape[-1]
        batches = int(np.prod(shape[:-2], dtype=np.int64)) if len(shape) > 2 else 1
        flat = data.reshape(batches * n, width)
        dt = data.dtype.type
        topk = n if p.topk < 0 else min(n, p.topk)
        if topk < 1:
            return data.copy(), np.arange(batches * n, dtype=data.dtype).reshape(
                shape[:-1] + (1,))
        out = np.full((batches * n, width), -1, dtype=data.dtype)
        record = np.full(batches * n, -1, dtype=data.dtype)
        scores = flat[:, p.score_index]
        valid = scores > dt(p.valid_thresh)
        if p.id_index >= 0:
            valid &= flat[:, p.id_index] != dt(p.background_id)
        center = p.in_format == "center"
        cs = p.coord_start
        thresh = dt(_F32(p.overlap_thresh))
        for b in range(batches):
            rows = np.flatnonzero(valid[b * n:(b + 1) * n]) + b * n
            rows = rows[_stable_desc(scores[rows])][:topk]
            if rows.size == 0:
                continue
            boxes = flat[rows, cs:cs + 4]
            ids = flat[rows, p.id_index].astype(np.int64) if p.id_index >= 0 else None

            def suppresses(ref, pos, boxes=boxes, ids=ids):
                # MXNet's nms_impl: IoU above the threshold, same class unless forced
                hit = _iou(boxes[ref][:, None], boxes[pos][None], center)[1] > thresh
                if ids is not None and not p.force_suppress:
                    hit &= ids[ref][:, None] == ids[pos][None]
                return hit

            classes = ids if ids is not None and not p.force_suppress else None
            kept = rows[_greedy_by_class(rows.size, classes, suppresses)]
            out[b * n:b * n + kept.size] = flat[kept]
            record[b * n:b * n + kept.size] = kept
        if p.in_format != p.out_format:
            box = out[:, cs:cs + 4]
            first = box[:, 0].copy()
            if p.out_format == "center":
                conv = np.stack([(box[:, 0] + box[:, 2]) / dt(2), (box[:, 1] + box[:, 3]) / dt(2),
                                 box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]], axis=1)
            else:
                hw, hh = box[:, 2] / dt(2), box[:, 3] / dt(2)
                conv = np.stack([box[:, 0] - hw, box[:, 1] - hh, box[:, 0] + hw,
                                 box[:, 1] + hh], axis=1)
            keep = first < 0          # MXNet skips rows whose first coordinate is negative
            out[:, cs:cs + 4] = np.where(keep[:, None], box, conv)
        return out.reshape(shape), record.reshape(shape[:-1] + (1,))

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        out, record = self._run(p, rt.to_numpy(ins[0]))
        outs[0][...] = rt.asarray(out)
        outs[1][...] = rt.asarray(record)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet's BoxNMSBackward zeroes the gradient, then scatters: it writes whatever the
        # request
        if igrads[0] is None:
            return
        xp = rt.xp
        width = ins[0].shape[-1]
        grad = xp.zeros((ins[0].size // width, width), dtype=ins[0].dtype)
        if ograds[0] is not None:
            record = outs[1].reshape(-1).astype(np.int64)
            rows = xp.flatnonzero(record >= 0)
            grad[record[rows]] = ograds[0].reshape(-1, width)[rows]
        igrads[0][...] = grad.reshape(ins[0].shape)


# ----------------------------------------------------------------------------- box_iou
@register
class _contrib_box_iou(OpDef):  # noqa: N801 -- MXNet's operator name
    """Intersection over union of every box of ``lhs`` (..., 4) with every box of ``rhs``
    (..., 4): shape ``lhs.shape[:-1] + rhs.shape[:-1]``. Zero gradients.

    >>> import symnb as mx
    >>> x = mx.nd.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5]])
    >>> y = mx.nd.array([[0.25, 0.25, 0.75, 0.75]])
    >>> mx.nd.contrib.box_iou(x, y).asnumpy().round(4)
    array([[0.1429],
           [0.1429]], dtype=float32)
    """

    name = "_contrib_box_iou"
    family = "index"
    inputs = ("lhs", "rhs")
    params = (Param("format", "{'center', 'corner'},optional, default='corner'", _FORMAT_DOC),)

    def infer_shape(self, p, ins, outs):
        lshape, rshape = ins
        ln, rn = _ndim(lshape), _ndim(rshape)
        check(ln >= 2, "lshape.ndim() >= 2 (%d vs. 2) : lhs must have dim >= 2 %d provided"
              % (ln, ln))
        ld = _dim(lshape, -1)
        check(ld == 4, "ldim == 4 (%d vs. 4) : last dimension of lhs must be 4 %d provided"
              % (ld, ld))
        check(rn >= 2, "rshape.ndim() >= 2 (%d vs. 2) : rhs must have dim >= 2 %d provided"
              % (rn, rn))
        rd = _dim(rshape, -1)
        check(rd == 4, "rdim == 4 (%d vs. 4) : last dimension of rhs must be 4 %d provided"
              % (rd, rd))
        sassign(outs, 0, tuple(lshape[:-1]) + tuple(rshape[:-1]), fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        lhs = rt.to_numpy(ins[0]).reshape(-1, 1, 4)
        rhs = rt.to_numpy(ins[1]).reshape(1, -1, 4)
        inter, iou = _iou(lhs, rhs, p.format == "center")
        iou = np.where(inter <= 0, np.zeros_like(iou), iou)
        outs[0][...] = rt.asarray(iou.reshape(outs[0].shape))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _write_zeros(igrads)


# ----------------------------------------------------------------------------- matching
@register
class _contrib_bipartite_matching(OpDef):  # noqa: N801 -- MXNet's operator name
    """Greedy bipartite matching on a score matrix (B, N, M): the best remaining pair first,
    until a score fails ``threshold``. Outputs the matched column of each row and the
    matched row of each column (-1: unmatched). Zero gradients.

    >>> import symnb as mx
    >>> s = mx.nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])
    >>> x, y = mx.nd.contrib.bipartite_matching(s, threshold=1e-12)
    >>> x.asnumpy(), y.asnumpy()
    (array([ 1., -1.,  0.], dtype=float32), array([2., 0.], dtype=float32))
    """

    name = "_contrib_bipartite_matching"
    family = "index"
    monitor_named_inputs = False
    outputs = ("output0", "output1")
    params = (
        Param("is_ascend", "boolean, optional, default=0",
              "Use ascend order for scores instead of descending. Please set threshold "
              "accordingly."),
        Param("threshold", "float, required",
              "Ignore matching when score < thresh, if is_ascend=false, or ignore score > "
              "thresh, if is_ascend=true."),
        Param("topk", "int, optional, default='-1'",
              "Limit the number of matches to topk, set -1 for no limit"),
    )

    def infer_shape(self, p, ins, outs):
        dshape = ins[0]
        nd = _ndim(dshape)
        check(nd >= 2, "dshape.ndim() >= 2 (%d vs. 2) : score matrix must have dim >= 2 %d "
              "provided" % (nd, nd))
        sassign(outs, 0, tuple(dshape[:-1]), fmt=fmt_shape)
        sassign(outs, 1, tuple(dshape[:-2]) + (dshape[-1],), fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        data = rt.to_numpy(ins[0])
        n, m = data.shape[-2], data.shape[-1]
        scores = data.reshape(-1, n * m)
        rmark = np.full((scores.shape[0], n), -1, dtype=data.dtype)
        cmark = np.full((scores.shape[0], m), -1, dtype=data.dtype)
        thresh = data.dtype.type(_F32(p.threshold))
        for b in range(scores.shape[0]):
            s = scores[b]
            order = np.argsort(s, kind="stable") if p.is_ascend else _stable_desc(s)
            rows, cols = order // m, order % m
            passes = s[order] < thresh if p.is_ascend else s[order] > thresh
            # MXNet's scan: skip pairs whose row or column is taken; the first free pair
            # either matches or (failing the threshold) ends the scan
            pos, count = 0, 0
            while pos < order.size:
                free = (rmark[b, rows[pos:]] == -1) & (cmark[b, cols[pos:]] == -1)
                j = int(np.argmax(free))
                if not free[j] or not passes[pos + j]:
                    break
                r, c = rows[pos + j], cols[pos + j]
                rmark[b, r], cmark[b, c] = c, r
                count += 1
                if 0 < p.topk < count:
                    break
                pos += j + 1
        outs[0][...] = rt.asarray(rmark.reshape(outs[0].shape))
        outs[1][...] = rt.asarray(cmark.reshape(outs[1].shape))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _write_zeros(igrads)


# ----------------------------------------------------------------------------- encode/decode
@register
class _contrib_box_encode(ZeroGradient, OpDef):  # noqa: N801 -- MXNet's operator name
    """Training targets of matched anchors: normalised centre offsets and log sizes of the
    matched reference boxes (all corner encoded), with ``(x - means) / stds``; rows whose
    sample is not positive get 0 and mask 0.

    >>> import symnb as mx
    >>> t, m = mx.nd.contrib.box_encode(mx.nd.array([[1.0]]), mx.nd.array([[0.0]]),
    ...     mx.nd.array([[[0, 0, 2, 2]]]), mx.nd.array([[[1, 1, 3, 3]]]),
    ...     mx.nd.zeros(4), mx.nd.ones(4))
    >>> t.asnumpy()
    array([[[0.5, 0.5, 0. , 0. ]]], dtype=float32)
    """

    name = "_contrib_box_encode"
    family = "index"
    loss_head = True        # no head gradient needed: MXNet's zero-gradient nodes
    inputs = ("samples", "matches", "anchors", "refs", "means", "stds")
    outputs = ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        s, m, a, r = ins[:4]
        sn, mn, an, rn = (_ndim(x) for x in (s, m, a, r))
        check(sn == 2, "sshape.ndim() == 2 (%d vs. 2) : samples shape must have dim == 2, %d "
              "provided" % (sn, sn))
        check(mn >= 2, "mshape.ndim() >= 2 (%d vs. 2) : matches shape must have dim == 2, %d "
              "provided" % (mn, mn))
        check(an >= 3, "ashape.ndim() >= 3 (%d vs. 3) : matches shape must have dim == 3, %d "
              "provided" % (an, an))
        ld = _dim(a, -1)
        check(ld == 4, "ldim == 4 (%d vs. 4) : last dimension of anchors must be 4, %d "
              "provided" % (ld, ld))
        check(rn >= 3, "rshape.ndim() >= 3 (%d vs. 3) : refs shape must have dim == 3, %d "
              "provided" % (rn, an))
        ld = _dim(r, -1)
        check(ld == 4, "ldim == 4 (%d vs. 4) : last dimension of anchors must be 4, %d "
              "provided" % (ld, ld))
        sassign(ins, 4, (4,), fmt=fmt_tuple)
        sassign(ins, 5, (4,), fmt=fmt_tuple)
        sassign(outs, 0, a, fmt=fmt_shape)
        sassign(outs, 1, a, fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        samples, matches, anchors, refs, means, stds = (rt.to_numpy(x) for x in ins)
        b, n = anchors.shape[0], anchors.shape[1]
        m = refs.shape[1]
        for x, shape in ((samples, (b, n)), (matches, (b, n)), (anchors, (b, n, 4)),
                         (refs, (b, m, 4))):
            _view_check(x, *shape)
        dt = anchors.dtype
        anchors = anchors.reshape(b * n, 4)
        flat_refs = refs.reshape(-1, 4)
        match = matches.reshape(b * n).astype(np.int64)
        where = np.repeat(np.arange(b), n) * m + match
        ref = flat_refs[np.clip(where, 0, flat_refs.shape[0] - 1)]

        def centre(box):
            w = box[:, 2] - box[:, 0]
            h = box[:, 3] - box[:, 1]
            # C++ promotes ``w * 0.5`` to double, then stores the sum as DType
            x = (box[:, 0].astype(np.float64) + w.astype(np.float64) * 0.5).astype(dt)
            y = (box[:, 1].astype(np.float64) + h.astype(np.float64) * 0.5).astype(dt)
            return x, y, w, h

        rx, ry, rw, rh = centre(ref)
        ax, ay, aw, ah = centre(anchors)
        valid = samples.reshape(b * n) > 0.5
        with _quiet():
            t = np.stack([((rx - ax) / aw - means[0]) / stds[0],
                          ((ry - ay) / ah - means[1]) / stds[1],
                          # C's double log: the rest of these two runs in double
                          (np.log((rw / aw).astype(np.float64)) - means[2]) / stds[2],
                          (np.log((rh / ah).astype(np.float64)) - means[3]) / stds[3]],
                         axis=1)
        t = np.where(valid[:, None], t, np.zeros_like(t)).astype(dt)
        mask = np.repeat(valid[:, None], 4, axis=1).astype(dt)
        outs[0][...] = rt.asarray(t.reshape(outs[0].shape))
        outs[1][...] = rt.asarray(mask.reshape(outs[1].shape))


@register
class _contrib_box_decode(ZeroGradient, OpDef):  # noqa: N801 -- MXNet's operator name
    """Boxes (corner encoded) from predicted offsets ``data`` (B, N, 4) and ``anchors``
    (1, N, 4) in ``format``: centre ``x * std * anchor_size + anchor_centre``, size
    ``exp(min(x * std, clip)) * anchor_size``. Zero gradients.

    >>> import symnb as mx
    >>> mx.nd.contrib.box_decode(mx.nd.zeros((1, 1, 4)), mx.nd.array([[[1, 1, 2, 2]]])).asnumpy()
    array([[[0., 0., 2., 2.]]], dtype=float32)
    """

    name = "_contrib_box_decode"
    family = "index"
    loss_head = True
    inputs = ("data", "anchors")
    params = (
        Param("std0", "float, optional, default=1",
              "value to be divided from the 1st encoded values"),
        Param("std1", "float, optional, default=1",
              "value to be divided from the 2nd encoded values"),
        Param("std2", "float, optional, default=1",
              "value to be divided from the 3rd encoded values"),
        Param("std3", "float, optional, default=1",
              "value to be divided from the 4th encoded values"),
        Param("clip", "float, optional, default=-1",
              "If larger than 0, bounding box target will be clipped to this value."),
        Param("format", "{'center', 'corner'},optional, default='center'", _FORMAT_DOC),
    )

    def infer_shape(self, p, ins, outs):
        d, a = ins
        dn, an = _ndim(d), _ndim(a)
        check(dn == 3, "dshape.ndim() == 3 (%d vs. 3) : data shape must have dim == 3, %d "
              "provided" % (dn, dn))
        ld = _dim(d, -1)
        check(ld == 4, "ldim == 4 (%d vs. 4) : last dimension of data must be 4, %d provided"
              % (ld, ld))
        check(an >= 3, "ashape.ndim() >= 3 (%d vs. 3) : anchors shape must have dim == 3, %d "
              "provided" % (an, an))
        ld = _dim(a, -1)
        check(ld == 4, "ldim == 4 (%d vs. 4) : last dimension of anchors must be 4, %d "
              "provided" % (ld, ld))
        sassign(outs, 0, d, fmt=fmt_shape)

    def infer_type(self, p, ins, outs):
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        x = rt.to_numpy(ins[0])
        n = x.shape[1]
        dt = x.dtype.type
        _view_check(x, x.shape[0], n, 4)
        _view_check(ins[1], 1, n, 4)
        a = rt.to_numpy(ins[1]).reshape(n, 4)
        d64 = np.float64
        ax, ay, aw, ah = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
        if p.format == "corner":
            aw = aw - ax
            ah = ah - ay
            ax = (ax.astype(d64) + aw.astype(d64) * 0.5).astype(x.dtype)
            ay = (ay.astype(d64) + ah.astype(d64) * 0.5).astype(x.dtype)
        ox = x[..., 0] * dt(p.std0) * aw + ax
        oy = x[..., 1] * dt(p.std1) * ah + ay
        dw = x[..., 2] * dt(p.std2)
        dh = x[..., 3] * dt(p.std3)
        if p.clip > 0:
            dw = np.where(dw < dt(p.clip), dw, dt(p.clip))
            dh = np.where(dh < dt(p.clip), dh, dt(p.clip))
        with _quiet():
            ow = ((_exp(dw) * aw).astype(d64) * 0.5).astype(x.dtype)
            oh = ((_exp(dh) * ah).astype(d64) * 0.5).astype(x.dtype)
        out = np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1).astype(x.dtype)
        outs[0][...] = rt.asarray(out)


# ----------------------------------------------------------------------------- MultiBox
def _floats(values):
    return np.asarray(values, dtype=_F32)


@register
class _contrib_MultiBoxPrior(OpDef):  # noqa: N801 -- MXNet's operator name
    """Prior (anchor) boxes for every position of a feature map ``data`` (N, C, H, W):
    ``len(sizes) + len(ratios) - 1`` boxes per position, corner encoded, shape
    (1, H * W * anchors, 4). Zero gradient.

    >>> import symnb as mx
    >>> mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 1, 1, 2)), sizes=(0.5,)).asnumpy()
    array([[[0.125, 0.25 , 0.375, 0.75 ],
            [0.625, 0.25 , 0.875, 0.75 ]]], dtype=float32)
    """

    name = "_contrib_MultiBoxPrior"
    family = "index"
    params = (
        Param("sizes", "tuple of <float>, optional, default=[1]",
              "List of sizes of generated MultiBoxPriores."),
        Param("ratios", "tuple of <float>, optional, default=[1]",
              "List of aspect ratios of generated MultiBoxPriores."),
        Param("clip", "boolean, optional, default=0", "Whether to clip out-of-boundary boxes."),
        Param("steps", "tuple of <float>, optional, default=[-1,-1]",
              "Priorbox step across y and x, -1 for auto calculation."),
        Param("offsets", "tuple of <float>, optional, default=[0.5,0.5]",
              "Priorbox center offsets, y and x respectively"),
    )

    def infer_shape(self, p, ins, outs):
        dshape = ins[0]
        nd = _ndim(dshape)
        check(nd >= 4, "dshape.ndim() >= 4 (%d vs. 4) : Input data should be 4D: "
              "batch-channel-y-x" % nd)
        h, w = _dim(dshape, 2), _dim(dshape, 3)
        check(h > 0, "in_height > 0 (%d vs. 0) : Input height should > 0" % h)
        check(w > 0, "in_width > 0 (%d vs. 0) : Input width should > 0" % w)
        check(len(p.steps) == 2, "param_.steps.ndim() == 2 (%d vs. 2) : Step ndim must be 2: "
              "(step_y, step_x)" % len(p.steps))
        sassign(outs, 0, (1, h * w * (len(p.sizes) + len(p.ratios) - 1), 4))

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    def check_bound(self, p, ins, outs):
        # MXNet creates the operator at bind: its constructor's checks fail there, with
        # their own text (an MXNetError, not an inference error)
        self._check_params(p)

    def _check_params(self, p):
        # MultiBoxPriorOp's constructor checks
        for text, ok, a, b in (("sizes_.size() > 0", len(p.sizes) > 0, len(p.sizes), 0),
                               ("ratios_.size() > 0", len(p.ratios) > 0, len(p.ratios), 0),
                               ("steps_.size() == 2", len(p.steps) == 2, len(p.steps), 2),
                               ("offsets_.size() == 2", len(p.offsets) == 2, len(p.offsets),
                                2)):
            _runtime_check(ok, "%s (%s vs. %s) : " % (text, a, b))
        for i in range(2):
            o = p.offsets[i]
            _runtime_check(o >= 0, "offsets_[%d] >= 0.f (%s vs. 0) : " % (i, _num(o)))
            _runtime_check(o <= 1, "offsets_[%d] <= 1.f (%s vs. 1) : " % (i, _num(o)))

    def forward(self, p, ins, outs, is_train, rt):
        self._check_params(p)
        h, w = ins[0].shape[2], ins[0].shape[3]
        sizes, ratios = _floats(p.sizes), _floats(p.ratios)
        sy, sx = _F32(p.steps[0]), _F32(p.steps[1])
        _runtime_check(sy * sx >= 0, "steps_[0] * steps_[1] >= 0 (%s vs. 0) : Must specify "
                       "both step_y and step_x" % _num(sy * sx))
        if sy <= 0 or sx <= 0:
            sy, sx = _F32(1) / _F32(h), _F32(1) / _F32(w)
        cy = (np.arange(h, dtype=_F32) + _F32(p.offsets[0])) * sy
        cx = (np.arange(w, dtype=_F32) + _F32(p.offsets[1])) * sx
        # per position: every size with the first ratio, then size[0] with the other ratios
        root = np.sqrt(ratios)
        box_sizes = np.concatenate([sizes, np.repeat(sizes[:1], len(ratios) - 1)])
        box_ratios = np.concatenate([np.repeat(root[:1], len(sizes)), root[1:]])
        half_w = box_sizes * _F32(h) / _F32(w) * box_ratios / _F32(2)
        half_h = box_sizes / box_ratios / _F32(2)
        gx = np.broadcast_to(cx[None, :, None], (h, w, half_w.size))
        gy = np.broadcast_to(cy[:, None, None], (h, w, half_w.size))
        out = np.stack([gx - half_w, gy - half_h, gx + half_w, gy + half_h], axis=-1)
        if p.clip:
            out = np.clip(out, _F32(0), _F32(1))
        outs[0][...] = rt.asarray(out.reshape(outs[0].shape).astype(outs[0].dtype))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _write_zeros(igrads)


@register
class _contrib_MultiBoxTarget(OpDef):  # noqa: N801 -- MXNet's operator name
    """SSD training targets: anchors (1, A, 4) matched to labels (B, L, >=5 rows of
    ``[class, xmin, ymin, xmax, ymax]``, padded with -1) by IoU; outputs the location
    targets (B, A * 4), their mask and the class targets (B, A) (0: background,
    ``ignore_label``: neither). Optional hard negative mining on ``cls_pred``.

    >>> import symnb as mx
    >>> anchors = mx.nd.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9]]])
    >>> labels = mx.nd.array([[[1, 0.1, 0.1, 0.4, 0.4], [-1, -1, -1, -1, -1]]])
    >>> loc, mask, cls = mx.nd.contrib.MultiBoxTarget(anchors, labels, mx.nd.zeros((1, 3, 2)))
    >>> cls.asnumpy()
    array([[2., 0.]], dtype=float32)
    """

    name = "_contrib_MultiBoxTarget"
    family = "loss"
    loss_head = True        # its backward reads no head gradient (MXNet asks for none)
    inputs = ("anchor", "label", "cls_pred")
    outputs = ("loc_target", "loc_mask", "cls_target")
    params = (
        Param("overlap_threshold", "float, optional, default=0.5",
              "Anchor-GT overlap threshold to be regarded as a positive match."),
        Param("ignore_label", "float, optional, default=-1", "Label for ignored anchors."),
        Param("negative_mining_ratio", "float, optional, default=-1",
              "Max negative to positive samples ratio, use -1 to disable mining"),
        Param("negative_mining_thresh", "float, optional, default=0.5",
              "Threshold used for negative mining."),
        Param("minimum_negative_samples", "int, optional, default='0'",
              "Minimum number of negative samples."),
        Param("variances", "tuple of <float>, optional, default=[0.1,0.1,0.2,0.2]",
              "Variances to be encoded in box regression target."),
    )

    def infer_shape(self, p, ins, outs):
        a, lab, c = ins
        an, ln, cn = _ndim(a), _ndim(lab), _ndim(c)
        check(an == 3, "ashape.ndim() == 3 (%d vs. 3) : Anchor should be batch shared N*4 "
              "tensor" % an)
        check(_dim(a, 0) == 1, "ashape[0] == 1 (%d vs. 1) : Anchors are shared across "
              "batches, first dimension should be 1" % _dim(a, 0))
        check(_dim(a, 1) > 0, "ashape[1] > 0 (%d vs. 0) : Number boxes should be greater "
              "than 0" % _dim(a, 1))
        check(_dim(a, 2) == 4, "ashape[2] == 4 (%d vs. 4) : Box dimension should be 4: [xmin, "
              "ymin, xmax, ymax]" % _dim(a, 2))
        check(ln == 3, "lshape.ndim() == 3 (%d vs. 3) : Label should be [batch, num_labels, "
              "label_width] tensor" % ln)
        check(_dim(lab, 1) > 0, "lshape[1] > 0 (%d vs. 0) : Padded label should be greater "
              "than 0" % _dim(lab, 1))
        check(_dim(lab, 2) >= 5, "lshape[2] >= 5 (%d vs. 5) : Label width should be greater "
              "than or equal to 5" % _dim(lab, 2))
        check(cn == 3, "pshape.ndim() == 3 (%d vs. 3) : Prediction: [batch, num_classes, "
              "num_anchors]" % cn)
        check(_dim(c, 2) == _dim(a, 1), "pshape[2] == ashape[1] (%d vs. %d) : Number of "
              "anchors mismatch" % (_dim(c, 2), _dim(a, 1)))
        batch = lab[0]
        sassign(outs, 0, (batch, a[1] * 4))
        sassign(outs, 1, (batch, a[1] * 4))
        sassign(outs, 2, (batch, a[1]))

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        anchors = rt.to_numpy(ins[0]).reshape(-1, 4)
        labels = rt.to_numpy(ins[1])
        preds = rt.to_numpy(ins[2])
        dt = labels.dtype
        nb, nl, lw = labels.shape
        na = anchors.shape[0]
        _runtime_check(len(p.variances) == 4, "variances.ndim() == 4 (%d vs. 4) : "
                       % len(p.variances))
        loc = np.zeros((nb, na, 4), dtype=dt)
        mask = np.zeros((nb, na, 4), dtype=dt)
        cls = np.full((nb, na), dt.type(p.ignore_label), dtype=dt)
        # IoU of every anchor with every label row, as MXNet's temp-space expression
        al, at, ar, ab = (anchors[:, None, k] for k in range(4))
        for b in range(nb):
            gl, gt, gr, gb = (labels[b, None, :, k] for k in range(1, 5))
            zero = dt.type(0)
            inter = np.maximum(zero, np.minimum(ar, gr) - np.maximum(al, gl)) * \
                np.maximum(zero, np.minimum(ab, gb) - np.maximum(at, gt))
            union = (ar - al) * (ab - at) + (gr - gl) * (gb - gt) - inter
            with _quiet():
                overlaps = np.where(union == 0, zero, inter / union)
            if p.negative_mining_ratio > 0 and b >= preds.shape[0]:
                # MXNet reads past cls_pred's end here; symnb refuses
                raise MXNetError("MXNetError: MultiBoxTarget: cls_pred holds %d batch items, "
                                 "label %d" % (preds.shape[0], nb))
            flags, matches = self._match(p, b, labels[b], overlaps,
                                         preds[min(b, preds.shape[0] - 1)])
            if flags is None:
                continue
            pos = np.flatnonzero(flags == 1)
            gt_rows = labels[b, matches[pos]]
            cls[b, pos] = gt_rows[:, 0] + 1
            mask[b, pos] = 1
            loc[b, pos] = _loc_targets(anchors[pos], gt_rows[:, 1:5], p.variances)
            neg = flags == 0
            cls[b, neg] = 0
        outs[0][...] = rt.asarray(loc.reshape(nb, na * 4))
        outs[1][...] = rt.asarray(mask.reshape(nb, na * 4))
        outs[2][...] = rt.asarray(cls)

    def _match(self, p, b, label, overlaps, pred):
        """(anchor flags 1/0/-1, matched label row) of one batch item, or (None, None)."""
        na = overlaps.shape[0]
        num_gt = 0
        for i in range(label.shape[0]):
            if float(label[i, 0]) == -1.0:
                for k in range(1, 5):
                    v = float(label[i, k])
                    _runtime_check(v == -1.0, "static_cast<float>(*(p_label + i * label_width "
                                   "+ %d)) == -1.0f (%s vs. -1) : " % (k, _num(v)))
                break
            num_gt += 1
        if num_gt == 0:
            return None, None
        ov = overlaps[:, :num_gt].astype(_F32)
        flags = np.full(na, -1, dtype=np.int8)
        match_iou = np.full(na, -1.0, dtype=_F32)
        match_gt = np.full(na, -1, dtype=np.int64)
        gt_done = np.zeros(num_gt, dtype=bool)
        num_pos = 0
        while not gt_done.all():
            # the first best (anchor, gt) pair in row-major order, above 1e-6
            masked = np.where((flags == 1)[:, None] | gt_done[None, :], -np.inf, ov)
            j, k = divmod(int(np.argmax(masked)), num_gt)
            if not masked[j, k] > _F32(1e-6):
                break
            match_iou[j], match_gt[j] = masked[j, k], k
            num_pos += 1
            gt_done[k] = True
            flags[j] = 1
        if p.overlap_threshold > 0:
            rest = np.flatnonzero(flags != 1)
            best = np.argmax(ov[rest], axis=1)
            best_iou = ov[rest, best]
            found = best_iou > -1          # the scan starts at -1 with a strict '>'
            rest, best, best_iou = rest[found], best[found], best_iou[found]
            match_iou[rest], match_gt[rest] = best_iou, best
            good = rest[best_iou > _F32(p.overlap_threshold)]
            flags[good] = 1
            num_pos += good.size
        if p.negative_mining_ratio > 0:
            _runtime_check(p.negative_mining_thresh > 0, "negative_mining_thresh > 0 (%s vs. "
                           "0) : " % _num(p.negative_mining_thresh))
            num_neg = int(num_pos * _F32(p.negative_mining_ratio))
            num_neg = min(num_neg, na - num_pos)
            if num_neg > 0:
                cand = np.flatnonzero(flags != 1)
                fresh = cand[match_iou[cand] < 0]
                if fresh.size:
                    best = np.argmax(ov[fresh], axis=1)
                    found = ov[fresh, best] > -1
                    fresh, best = fresh[found], best[found]
                    match_iou[fresh], match_gt[fresh] = ov[fresh, best], best
                cand = cand[(match_iou[cand] < _F32(p.negative_mining_thresh))
                            & (flags[cand] == -1)]
                logits = pred[:, cand]
                top = logits.max(axis=0)
                total = np.zeros(cand.size, dtype=pred.dtype)
                for k in range(logits.shape[0]):
                    total += _exp(logits[k] - top)
                prob = _exp(logits[0] - top) / total
                _runtime_check(cand.size >= num_neg, "temp.size() >= num_negative (%d vs. %d) "
                               ": " % (cand.size, num_neg))
                order = np.argsort(prob, kind="stable")      # ascending background prob
                flags[cand[order[:num_neg]]] = 0
        else:
            flags[flags != 1] = 0
        return flags, match_gt

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # MXNet zeroes cls_pred's gradient only; anchor and label keep what they hold
        if igrads[2] is not None:
            igrads[2][...] = 0


def _loc_targets(anchor, gt, variances):
    """MXNet's AssignLocTargets in float (rows of anchors and matched boxes)."""
    f, d = _F32, np.float64
    anchor, gt = anchor.astype(f), gt.astype(f)
    aw, ah = anchor[:, 2] - anchor[:, 0], anchor[:, 3] - anchor[:, 1]
    ax = ((anchor[:, 0] + anchor[:, 2]).astype(d) * 0.5).astype(f)
    ay = ((anchor[:, 1] + anchor[:, 3]).astype(d) * 0.5).astype(f)
    gw, gh = gt[:, 2] - gt[:, 0], gt[:, 3] - gt[:, 1]
    gx = ((gt[:, 0] + gt[:, 2]).astype(d) * 0.5).astype(f)
    gy = ((gt[:, 1] + gt[:, 3]).astype(d) * 0.5).astype(f)
    vx, vy, vw, vh = (f(v) for v in variances[:4])
    with _quiet():
        return np.stack([(gx - ax) / aw / vx, (gy - ay) / ah / vy, _log(gw / aw) / vw,
                         _log(gh / ah) / vh], axis=1)


@register
class _contrib_MultiBoxDetection(OpDef):  # noqa: N801 -- MXNet's operator name
    """SSD detections: for each anchor the best non-background class and its probability,
    the box decoded from ``loc_pred`` (optionally clipped to [0, 1]), sorted by score and
    suppressed per class (or across classes with ``force_suppress``). Rows
    ``[class, score, xmin, ymin, xmax, ymax]``, -1 for none. Zero gradients.

    >>> import symnb as mx
    >>> prob = mx.nd.array([[[0.2, 0.9], [0.8, 0.1]]])
    >>> anchors = mx.nd.array([[[0.1, 0.1, 0.3, 0.3], [0.5, 0.5, 0.7, 0.7]]])
    >>> out = mx.nd.contrib.MultiBoxDetection(prob, mx.nd.zeros((1, 8)), anchors, threshold=0.5)
    >>> out.asnumpy()[:, :, :2]
    array([[[ 0. ,  0.8],
            [-1. , -1. ]]], dtype=float32)
    """

    name = "_contrib_MultiBoxDetection"
    family = "index"
    inputs = ("cls_prob", "loc_pred", "anchor")
    params = (
        Param("clip", "boolean, optional, default=1", "Clip out-of-boundary boxes."),
        Param("threshold", "float, optional, default=0.00999999978",
              "Threshold to be a positive prediction."),
        Param("background_id", "int, optional, default='0'", "Background id."),
        Param("nms_threshold", "float, optional, default=0.5",
              "Non-maximum suppression threshold."),
        Param("force_suppress", "boolean, optional, default=0",
              "Suppress all detections regardless of class_id."),
        Param("variances", "tuple of <float>, optional, default=[0.1,0.1,0.2,0.2]",
              "Variances to be decoded from box regression output."),
        Param("nms_topk", "int, optional, default='-1'",
              "Keep maximum top k detections before nms, -1 for no limit."),
    )

    def infer_shape(self, p, ins, outs):
        c, lo, a = ins
        for name, shape, want in (("cshape", c, 3), ("lshape", lo, 2), ("ashape", a, 3)):
            nd = _ndim(shape)
            check(nd == want, "%s.ndim() == %dU (%d vs. %d) : Provided: %s"
                  % (name, want, nd, want, "None" if shape is None else fmt_shape(shape)))
        check(_dim(c, 2) == _dim(a, 1), "cshape[2] == ashape[1] (%d vs. %d) : Number of "
              "anchors mismatch" % (_dim(c, 2), _dim(a, 1)))
        check(_dim(c, 2) * 4 == _dim(lo, 1), "cshape[2] * 4 == lshape[1] (%d vs. %d) : # "
              "anchors mismatch with # loc" % (_dim(c, 2) * 4, _dim(lo, 1)))
        check(_dim(a, 1) > 0, "ashape[1] > 0U (%d vs. 0) : Number of anchors must > 0"
              % _dim(a, 1))
        check(_dim(a, 2) == 4, "ashape[2] == 4U (%d vs. 4) : " % _dim(a, 2))
        sassign(outs, 0, (c[0], a[1], 6))

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        prob = rt.to_numpy(ins[0])
        loc = rt.to_numpy(ins[1])
        anchors = rt.to_numpy(ins[2]).reshape(-1, 4)
        dt = prob.dtype.type
        _runtime_check(len(p.variances) == 4, "variances.ndim() == 4 (%d vs. 4) : Variance "
                       "size must be 4" % len(p.variances))
        nb, nc, na = prob.shape
        if loc.shape[0] < nb:
            # MXNet reads past loc_pred's end here; symnb refuses
            raise MXNetError("MXNetError: MultiBoxDetection: loc_pred holds %d batch items, "
                             "cls_prob %d" % (loc.shape[0], nb))
        out = np.full((nb, na, 6), -1, dtype=prob.dtype)
        boxes = _decode_ssd(anchors, loc[:nb].reshape(nb, na, 4), p.clip, p.variances, dt)
        thresh = _F32(p.threshold)
        nms = _F32(p.nms_threshold)
        for b in range(nb):
            if nc > 1:
                fg = prob[b, 1:]
                cid = np.argmax(fg, axis=0)
                score = fg[cid, np.arange(na)]
                # the scan starts at -1 with a strict '>': nothing above -1 keeps class 0
                cid = np.where(score > -1, cid + 1, 0)
                score = np.where(score > -1, score, dt(-1))
            else:
                cid = np.zeros(na, dtype=np.int64)
                score = np.full(na, -1, dtype=prob.dtype)
            cid = np.where((cid > 0) & (score < thresh), 0, cid)
            rows = np.concatenate([(cid - 1).astype(prob.dtype)[:, None], score[:, None],
                                   boxes[b]], axis=1)
            rows = rows[rows[:, 0] >= 0]
            count = rows.shape[0]
            out[b, :count] = rows
            if count < 1 or nms <= 0 or nms > 1:
                continue
            order = _stable_desc(rows[:, 1])
            nkeep = count
            if 0 < p.nms_topk < nkeep:
                nkeep = p.nms_topk
                out[b, nkeep:count, 0] = -1
            out[b, :nkeep] = rows[order[:nkeep]]
            det = out[b]

            def suppresses(ref, pos, det=det):
                hit = _overlap(det[ref, 2:6][:, None], det[pos, 2:6][None]) >= nms
                if not p.force_suppress:
                    hit &= det[ref, 0][:, None] == det[pos, 0][None]
                return hit

            # every one of the first nkeep rows has a class id >= 0: the suppressed get -1
            struck = np.ones(nkeep, dtype=bool)
            classes = None if p.force_suppress else det[:nkeep, 0].copy()
            struck[_greedy_by_class(nkeep, classes, suppresses)] = False
            det[:nkeep][struck, 0] = -1
        outs[0][...] = rt.asarray(out)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _write_zeros(igrads)


def _decode_ssd(anchors, loc, clip, variances, dt):
    """MXNet's TransformLocations for every anchor of every batch item."""
    al, at, ar, ab = (anchors[:, k] for k in range(4))
    aw, ah = ar - al, ab - at
    ax, ay = (al + ar) / dt(2), (at + ab) / dt(2)
    vx, vy, vw, vh = (_F32(v) for v in variances[:4])
    px, py, pw, ph = (loc[..., k] for k in range(4))
    ox = px * vx * aw + ax
    oy = py * vy * ah + ay
    with _quiet():
        ow = _exp(pw * vw) * aw / dt(2)
        oh = _exp(ph * vh) * ah / dt(2)
    out = np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1).astype(anchors.dtype)
    if clip:
        out = np.maximum(dt(0), np.minimum(dt(1), out))
    return out


def _overlap(a, b):
    """MXNet's CalculateOverlap of corner boxes ``a`` and ``b`` (broadcast, (..., 4)), 0 when
    the union is not positive."""
    zero = a.dtype.type(0)
    w = np.maximum(zero, np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]))
    h = np.maximum(zero, np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]))
    inter = w * h
    union = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1]) \
        + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - inter
    with _quiet():
        return np.where(union <= 0, zero, inter / union)


# ----------------------------------------------------------------------------- Proposal
_PROPOSAL_PARAMS = (
    Param("rpn_pre_nms_top_n", "int, optional, default='6000'",
          "Number of top scoring boxes to keep before applying NMS to RPN proposals"),
    Param("rpn_post_nms_top_n", "int, optional, default='300'",
          "Number of top scoring boxes to keep after applying NMS to RPN proposals"),
    Param("threshold", "float, optional, default=0.699999988",
          "NMS value, below which to suppress."),
    Param("rpn_min_size", "int, optional, default='16'", "Minimum height or width in proposal"),
    Param("scales", "tuple of <float>, optional, default=[4,8,16,32]",
          "Used to generate anchor windows by enumerating scales"),
    Param("ratios", "tuple of <float>, optional, default=[0.5,1,2]",
          "Used to generate anchor windows by enumerating ratios"),
    Param("feature_stride", "int, optional, default='16'",
          "The size of the receptive field each unit in the convolution layer of the rpn,for "
          "example the product of all stride's prior to this layer."),
    Param("output_score", "boolean, optional, default=0", "Add score to outputs"),
    Param("iou_loss", "boolean, optional, default=0", "Usage of IoU Loss"),
)


def _base_anchors(p):
    """MXNet's GenerateAnchors (ratios outer, scales inner), in float32: (A, 4)."""
    f = _F32
    stride = f(p.feature_stride)
    w = h = stride - f(1) - f(0) + f(1)
    x_ctr = y_ctr = f(0.5 * float(w - f(1)))
    out = []
    for ratio in p.ratios:
        for scale in p.scales:
            ratio, scale = f(ratio), f(scale)
            size_ratios = np.floor(w * h / ratio)
            new_w = np.floor(np.sqrt(size_ratios) + f(0.5)) * scale
            new_h = np.floor(new_w / scale * ratio + f(0.5)) * scale
            out.append([x_ctr - f(0.5) * (new_w - f(1)), y_ctr - f(0.5) * (new_h - f(1)),
                        x_ctr + f(0.5) * (new_w - f(1)), y_ctr + f(0.5) * (new_h - f(1))])
    return np.asarray(out, dtype=f)


def _proposals(p, anchors, scores, deltas, info):
    """Rows (count, 5) ``[x1, y1, x2, y2, score]`` of one image before sorting (MXNet's
    anchor shifts, BBoxTransformInv/IoUTransformInv and FilterBox)."""
    f, d = _F32, np.float64
    na, height, width = scores.shape
    stride = p.feature_stride
    shift_x = (np.arange(width) * stride).astype(f)
    shift_y = (np.arange(height) * stride).astype(f)
    # index = h * (W * A) + w * A + a
    x1 = anchors[None, None, :, 0] + shift_x[None, :, None]
    y1 = anchors[None, None, :, 1] + shift_y[:, None, None]
    x2 = anchors[None, None, :, 2] + shift_x[None, :, None]
    y2 = anchors[None, None, :, 3] + shift_y[:, None, None]
    score = np.transpose(scores, (1, 2, 0)).astype(f)
    dl = np.transpose(deltas.reshape(na, 4, height, width), (2, 3, 0, 1)).astype(f)
    im_h, im_w = f(info[0]), f(info[1])
    real_h = int(f(info[0]) / f(stride))
    real_w = int(f(info[1]) / f(stride))
    _runtime_check(height >= real_h, "height >= real_height (%d vs. %d) : %d %d\n"
                   % (height, real_h, height, real_h))
    _runtime_check(width >= real_w, "width >= real_width (%d vs. %d) : %d %d\n"
                   % (width, real_w, width, real_w))
    x1, y1, x2, y2 = (np.broadcast_to(v, score.shape) for v in (x1, y1, x2, y2))
    with _quiet():
        if p.iou_loss:
            px1, py1 = x1 + dl[..., 0], y1 + dl[..., 1]
            px2, py2 = x2 + dl[..., 2], y2 + dl[..., 3]
        else:
            bw = ((x2 - x1).astype(d) + 1.0).astype(f)
            bh = ((y2 - y1).astype(d) + 1.0).astype(f)
            cx = (x1 + 0.5 * (bw.astype(d) - 1.0)).astype(f)
            cy = (y1 + 0.5 * (bh.astype(d) - 1.0)).astype(f)
            pcx = dl[..., 0] * bw + cx
            pcy = dl[..., 1] * bh + cy
            pw = _exp(dl[..., 2]) * bw
            ph = _exp(dl[..., 3]) * bh
            px1 = (pcx - 0.5 * (pw.astype(d) - 1.0)).astype(f)
            py1 = (pcy - 0.5 * (ph.astype(d) - 1.0)).astype(f)
            px2 = (pcx + 0.5 * (pw.astype(d) - 1.0)).astype(f)
            py2 = (pcy + 0.5 * (ph.astype(d) - 1.0)).astype(f)
    zero = f(0)
    px1 = np.maximum(np.minimum(px1, im_w - f(1)), zero)
    py1 = np.maximum(np.minimum(py1, im_h - f(1)), zero)
    px2 = np.maximum(np.minimum(px2, im_w - f(1)), zero)
    py2 = np.maximum(np.minimum(py2, im_h - f(1)), zero)
    hh, ww = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    padded = ((hh >= real_h) | (ww >= real_w))[:, :, None]
    score = np.where(padded, f(-1), score)
    rows = np.stack([px1, py1, px2, py2, score], axis=-1).reshape(-1, 5).astype(f)
    min_size = f(p.rpn_min_size) * f(info[2])
    iw = rows[:, 2] - rows[:, 0] + f(1)
    ih = rows[:, 3] - rows[:, 1] + f(1)
    small = (iw < min_size) | (ih < min_size)
    half = min_size / f(2)
    rows[small, 0] -= half
    rows[small, 1] -= half
    rows[small, 2] += half
    rows[small, 3] += half
    rows[small, 4] = -1
    return rows


def _rpn_nms(dets, thresh, limit):
    """MXNet's NonMaximumSuppression on sorted rows: the kept row positions (overlap with
    ``+ 1`` pixel sizes in float32 above ``thresh`` suppresses; at most ``limit`` kept)."""
    f = _F32
    x1, y1, x2, y2 = (np.ascontiguousarray(dets[:, k]) for k in range(4))
    area = (x2 - x1 + f(1)) * (y2 - y1 + f(1))
    thresh = f(thresh)

    def suppresses(ref, pos):
        r, q = ref[:, None], pos[None]
        w = np.maximum(f(0), np.minimum(x2[r], x2[q]) - np.maximum(x1[r], x1[q]) + f(1))
        h = np.maximum(f(0), np.minimum(y2[r], y2[q]) - np.maximum(y1[r], y1[q]) + f(1))
        inter = w * h
        with _quiet():
            return inter / (area[r] + area[q] - inter) > thresh

    return _greedy(dets.shape[0], suppresses, limit=limit)


class _ProposalBase(OpDef):
    family = "index"
    loss_head = True        # its backward reads no head gradient (MXNet asks for none)
    inputs = ("cls_prob", "bbox_pred", "im_info")
    params = _PROPOSAL_PARAMS
    num_outputs_total_default = 2

    def output_names(self, p):
        return ("output", "score") if p.output_score else ("output",)

    def hidden_output_names(self, p):
        return ("output", "score")

    def _rows(self, p, batch):
        return p.rpn_post_nms_top_n

    def infer_shape(self, p, ins, outs):
        dshape = ins[0]
        if not fully_known(dshape):     # MXNet's shape_is_none: not fully known
            return
        # ``dshape[3]`` is read first (GCC evaluates Shape4's arguments right to left)
        check(len(dshape) >= 4, "i >= 0 && i < ndim(): index = 3 must be in range [0, %d)"
              % len(dshape))
        n, c, h, w = dshape[:4]
        sassign(ins, 1, (n, c * 2, h, w), fmt=fmt_tuple)
        sassign(ins, 2, (n, 3), fmt=fmt_tuple)
        rows = self._rows(p, n)
        sassign(outs, 0, (rows, 5))
        sassign(outs, 1, (rows, 1))

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    def _image(self, p, scores, deltas, info, anchors):
        na = scores.shape[0] // 2
        count = na * scores.shape[1] * scores.shape[2]
        pre = p.rpn_pre_nms_top_n if p.rpn_pre_nms_top_n > 0 else count
        pre = min(pre, count)
        post = min(p.rpn_post_nms_top_n, pre)
        rows = _proposals(p, anchors, scores[na:], deltas, info)
        order = _stable_desc(rows[:, 4])[:pre]
        ordered = rows[order]
        keep = _rpn_nms(ordered, p.threshold, post)
        pick = keep[np.arange(p.rpn_post_nms_top_n) % keep.size]
        return ordered[pick, :4], ordered[pick, 4]

    def _check_anchors(self, p, scores):
        na = scores.shape[1] // 2
        want = len(p.ratios) * len(p.scales)
        _runtime_check(na == want, "num_anchors == param_.ratios.ndim() * param_.scales.ndim() "
                       "(%d vs. %d) : " % (na, want))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _write_zeros(igrads, reqs, honour_req=True)


@register
class _contrib_Proposal(_ProposalBase):  # noqa: N801 -- MXNet's operator name
    """Region proposals of a region proposal network, for one image: anchors of
    ``scales`` x ``ratios`` at every position (``feature_stride`` apart), moved by
    ``bbox_pred``, clipped to ``im_info`` (height, width, scale), filtered by
    ``rpn_min_size``, sorted by the foreground score of ``cls_prob`` and suppressed at
    ``threshold``. Rows ``[0, x1, y1, x2, y2]`` (with ``output_score``: and their scores).

    >>> import symnb as mx
    >>> s = mx.sym.contrib.Proposal(mx.sym.var('cls_prob'), mx.sym.var('bbox_pred'),
    ...                             mx.sym.var('im_info'), rpn_post_nms_top_n=10)
    >>> s.infer_shape(cls_prob=(1, 24, 4, 4))[1]
    [(10, 5)]
    """

    name = "_contrib_Proposal"

    def forward(self, p, ins, outs, is_train, rt):
        scores, deltas, info = (rt.to_numpy(x) for x in ins)
        _runtime_check(scores.shape[0] == 1, "in_data[proposal: :kClsProb].shape_[0] == 1 "
                       "(%d vs. 1) : Sorry, multiple images each device is not implemented."
                       % scores.shape[0])
        self._check_anchors(p, scores)
        boxes, score = self._image(p, scores[0], deltas[0], info[0], _base_anchors(p))
        out = np.concatenate([np.zeros((boxes.shape[0], 1), _F32), boxes], axis=1)
        outs[0][...] = rt.asarray(out)
        outs[1][...] = rt.asarray(score[:, None])


@register
class _contrib_MultiProposal(_ProposalBase):  # noqa: N801 -- MXNet's operator name
    """:class:`_contrib_Proposal` for a batch of images: ``rpn_post_nms_top_n`` rows per
    image, each ``[image index, x1, y1, x2, y2]``.

    >>> import symnb as mx
    >>> s = mx.sym.contrib.MultiProposal(mx.sym.var('cls_prob'), mx.sym.var('bbox_pred'),
    ...                                  mx.sym.var('im_info'), rpn_post_nms_top_n=10)
    >>> s.infer_shape(cls_prob=(2, 24, 4, 4))[1]
    [(20, 5)]
    """

    name = "_contrib_MultiProposal"

    def _rows(self, p, batch):
        return batch * p.rpn_post_nms_top_n

    def forward(self, p, ins, outs, is_train, rt):
        scores, deltas, info = (rt.to_numpy(x) for x in ins)
        self._check_anchors(p, scores)
        anchors = _base_anchors(p)
        rows, values = [], []
        for b in range(scores.shape[0]):
            boxes, score = self._image(p, scores[b], deltas[b], info[b], anchors)
            rows.append(np.concatenate([np.full((boxes.shape[0], 1), b, _F32), boxes],
                                       axis=1))
            values.append(score)
        outs[0][...] = rt.asarray(np.concatenate(rows).reshape(outs[0].shape))
        outs[1][...] = rt.asarray(np.concatenate(values).reshape(outs[1].shape))

