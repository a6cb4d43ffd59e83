"""Seeded random configurations of the greedy detection operators (box_nms,
bipartite_matching, MultiBoxDetection, Proposal), written against the MXNet API only:
``detection_record.py`` runs them with MXNet 1.9.1 and stores the outputs; the test runs
them with symnb. The inputs come from ``numpy.random.RandomState``, whose streams are the
same in every NumPy version, so only the outputs are stored.
"""
from __future__ import annotations

N_CONFIGS = 20


def run_all(mx, np):
    """Every configuration's outputs, keyed ``<op><index>``."""
    rng = np.random.RandomState(11)
    res = {}
    for t in range(N_CONFIGS):
        b, n = rng.randint(1, 3), rng.randint(1, 80)
        xy = rng.rand(b, n, 2)
        wh = rng.rand(b, n, 2) * rng.choice([0.05, 0.3, 0.8])
        if t % 7 == 0:
            wh = -wh
        ids = rng.randint(0, rng.choice([1, 3, 20]), (b, n, 1)).astype(float) + 0.3
        sc = np.round(rng.rand(b, n, 1), rng.choice([1, 3, 7]))
        data = np.concatenate([ids, sc, xy, xy + wh], -1).astype(np.float32)
        kw = dict(overlap_thresh=float(rng.choice([0.1, 0.5, 0.9])),
                  valid_thresh=float(rng.choice([0, 0.3])), topk=int(rng.choice([-1, 5, 40])),
                  id_index=int(rng.choice([-1, 0])), force_suppress=bool(rng.rand() < 0.3),
                  in_format=str(rng.choice(["corner", "center"])))
        res["nms%d" % t] = mx.nd.contrib.box_nms(mx.nd.array(data), **kw).asnumpy()
        scores = np.round(rng.rand(b, rng.randint(1, 12), rng.randint(1, 12)),
                          int(rng.choice([1, 2, 6]))).astype(np.float32)
        kw = dict(threshold=float(rng.choice([0.0, 0.3, 0.7])), is_ascend=bool(rng.rand() < 0.4),
                  topk=int(rng.choice([-1, 1, 3])))
        rows, cols = mx.nd.contrib.bipartite_matching(mx.nd.array(scores), **kw)
        res["match%d" % t] = np.concatenate([rows.asnumpy().ravel(), cols.asnumpy().ravel()])
        c = rng.randint(2, 6)
        prob = rng.rand(b, c, n).astype(np.float32)
        loc = rng.uniform(-1, 1, (b, n * 4)).astype(np.float32)
        anc = np.concatenate([xy[:1], xy[:1] + np.abs(wh[:1])], -1).astype(np.float32)
        kw = dict(threshold=float(rng.choice([0.01, 0.5])),
                  nms_threshold=float(rng.choice([0.2, 0.5, 1.0])),
                  force_suppress=bool(rng.rand() < 0.3), nms_topk=int(rng.choice([-1, 10])),
                  clip=bool(rng.rand() < 0.5))
        res["detect%d" % t] = mx.nd.contrib.MultiBoxDetection(
            mx.nd.array(prob), mx.nd.array(loc), mx.nd.array(anc), **kw).asnumpy()
        h, w = rng.randint(2, 8), rng.randint(2, 8)
        cls = rng.rand(1, 4, h, w).astype(np.float32)
        bb = rng.uniform(-0.5, 0.5, (1, 8, h, w)).astype(np.float32)
        info = np.array([[h * 16 - rng.randint(0, 16), w * 16, 1.0]], np.float32)
        kw = dict(scales=(2, 8), ratios=(1,), rpn_min_size=int(rng.choice([0, 16])),
                  rpn_pre_nms_top_n=int(rng.choice([-1, 50])),
                  rpn_post_nms_top_n=int(rng.choice([5, 30])),
                  threshold=float(rng.choice([0.3, 0.7])), output_score=True)
        out = mx.nd.contrib.Proposal(mx.nd.array(cls), mx.nd.array(bb), mx.nd.array(info), **kw)
        res["proposal%d" % t] = np.concatenate([out[0].asnumpy(), out[1].asnumpy()], 1)
    return res
