"""Invariants of the layered layout: edges point down, nothing overlaps, same input same
output. Speed is measured in benchmarks/bench_layout.py, not asserted here."""
from __future__ import annotations

import random

import pytest

from symnb.pictures.layout import _count_pair, _place, layered_layout


def random_dag(n: int, seed: int, fan: int = 2, reach: int = 30):
    rnd = random.Random(seed)
    edges = []
    for v in range(1, n):
        for _ in range(rnd.randint(1, fan)):
            edges.append((rnd.randrange(max(0, v - reach), v), v))
    sizes = [(float(rnd.randint(40, 160)), float(rnd.choice([30, 44, 58]))) for _ in range(n)]
    return sizes, edges


def overlaps(lay, sizes):
    boxes = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
             for (w, h), x, y in zip(sizes, lay.x, lay.y, strict=True)]
    bad = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            if a[0] < b[2] - 1e-6 and b[0] < a[2] - 1e-6 and a[1] < b[3] - 1e-6 and \
                    b[1] < a[3] - 1e-6:
                bad.append((i, j))
    return bad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_layers_respect_edges_and_nodes_do_not_overlap(seed):
    sizes, edges = random_dag(120, seed)
    lay = layered_layout(sizes, edges)
    assert all(lay.layer[s] < lay.layer[t] for s, t in edges)
    assert all(lay.y[s] < lay.y[t] for s, t in edges)
    assert overlaps(lay, sizes) == []
    # every node is inside the picture
    for (w, h), x, y in zip(sizes, lay.x, lay.y, strict=True):
        assert x - w / 2 >= 0 and x + w / 2 <= lay.width + 1e-6
        assert y - h / 2 >= 0 and y + h / 2 <= lay.height + 1e-6
    # each layer's order lists its nodes left to right, every node exactly once
    assert sorted(v for layer in lay.order for v in layer) == list(range(len(sizes)))
    for layer in lay.order:
        assert [lay.x[v] for v in layer] == sorted(lay.x[v] for v in layer)


def test_routes_join_their_nodes():
    sizes, edges = random_dag(60, 3)
    lay = layered_layout(sizes, edges)
    for (s, t), route in zip(edges, lay.routes, strict=True):
        assert route[0][1] == pytest.approx(lay.y[s] + sizes[s][1] / 2)
        assert route[-1][1] == pytest.approx(lay.y[t] - sizes[t][1] / 2)
        assert abs(route[0][0] - lay.x[s]) <= sizes[s][0] / 2
        assert abs(route[-1][0] - lay.x[t]) <= sizes[t][0] / 2
        # one point per crossed layer, going down
        assert len(route) == lay.layer[t] - lay.layer[s] + 1
        assert [p[1] for p in route] == sorted(p[1] for p in route)


def test_deterministic():
    sizes, edges = random_dag(200, 7)
    assert layered_layout(sizes, edges) == layered_layout(list(sizes), list(edges))


def test_side_inputs_sit_next_to_their_consumer():
    # 0 -> 1 -> 2 -> 3 -> 4 and a label 5 -> 4: the label is pulled down to layer 3
    lay = layered_layout([(50, 30)] * 6, [(0, 1), (1, 2), (2, 3), (3, 4), (5, 4)])
    assert lay.layer == (0, 1, 2, 3, 4, 3)


def test_crossings_are_removed_when_possible():
    # two chains drawn crossed by the input order: a -> d, b -> c with layer order (a, b),(c, d)
    sizes = [(40, 20)] * 4
    lay = layered_layout(sizes, [(0, 3), (1, 2)])
    assert lay.crossings == 0
    assert (lay.x[0] < lay.x[1]) == (lay.x[3] < lay.x[2])


def test_crossing_count_is_exact():
    succs = {0: [3], 1: [2], 2: [], 3: []}
    assert _count_pair([0, 1], [2, 3], succs) == 1
    assert _count_pair([0, 1], [3, 2], succs) == 0
    succs = {0: [3, 4], 1: [2], 2: [], 3: [], 4: []}
    assert _count_pair([0, 1], [2, 3, 4], succs) == 2


def test_place_keeps_order_and_gaps():
    xs = _place([10.0, 10.0, 10.0, 50.0], [1.0, 1.0, 1.0, 1.0], [20.0, 20.0, 20.0])
    assert xs == pytest.approx([-10.0, 10.0, 30.0, 50.0])
    assert all(b - a >= 20.0 - 1e-9 for a, b in zip(xs, xs[1:], strict=False))


def test_cycles_self_loops_and_parallel_edges_do_not_break_it():
    edges = [(0, 1), (1, 2), (2, 0), (1, 1), (0, 1)]
    lay = layered_layout([(40, 20)] * 3, edges)
    assert lay.routes[3] == ()
    assert len(lay.routes) == 5
    assert overlaps(lay, [(40, 20)] * 3) == []
    assert len({lay.layer[0], lay.layer[1], lay.layer[2]}) == 3


def test_deep_chain_has_no_recursion_limit():
    n = 3000
    lay = layered_layout([(30, 20)] * n, [(i, i + 1) for i in range(n - 1)])
    assert lay.layer[-1] == n - 1 and lay.crossings == 0


def test_empty_graph():
    lay = layered_layout([], [])
    assert lay.x == () and lay.routes == () and lay.width > 0


def test_deep_net_does_not_drift_sideways():
    """DenseNet-121 (a recorded zoo graph): every block's concat feeds the next, with long
    skip edges. The coordinates keep it within a small multiple of its widest layer (the old
    barycentric placement drifted to ~7x) and the ordering keeps it free of crossings."""
    import json
    from pathlib import Path

    import symnb as mx
    from symnb.pictures import graph_view
    from symnb.pictures.svg import place

    data = Path(__file__).resolve().parents[1] / "zoo" / "data"
    meta = json.loads((data / "gluon-densenet121-meta.json").read_text())
    sym = mx.sym.load(str(data / "gluon-densenet121-symbol.json"))
    boxes, lay = place(graph_view(sym, shape={k: tuple(v) for k, v in meta["shapes"].items()}))
    widest = max(sum(boxes[v].width for v in layer) + 22 * (len(layer) - 1)
                 for layer in lay.order)
    assert lay.crossings == 0
    assert lay.width < 1.6 * widest, (lay.width, widest)


def test_long_edges_run_straight():
    # a chain with one edge skipping four layers: the skip's bend points share one x
    sizes = [(60.0, 30.0)] * 6
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 5)]
    lay = layered_layout(sizes, edges)
    bends = [x for x, _ in lay.routes[5][1:-1]]
    assert len(bends) == 4 and max(bends) - min(bends) < 1e-6
    assert len({round(x, 3) for x in lay.x[1:5]}) == 1      # the chain is straight too
