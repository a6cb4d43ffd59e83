"""Layered (Sugiyama-style) layout of a directed graph: pure Python, deterministic, iterative.

The four classic phases, each a plain loop (no recursion, so deep graphs are fine):

1. **Acyclic**: a Kahn order (smallest index first); edges pointing backwards in it are drawn
   reversed. Symbol graphs are DAGs already, so this only guards against bad input.
2. **Layering**: longest path from the sources, then every node is pulled down to just above
   its nearest consumer, so side inputs (labels, tokens) sit next to where they are used.
   Edges spanning several layers get one small dummy node per crossed layer.
3. **Ordering**: barycenter sweeps, alternately downwards (by predecessors) and upwards (by
   successors); the ordering with the fewest crossings (counted exactly with a Fenwick tree)
   is kept.
4. **Coordinates**: Brandes and Koepf's method (as ELK and dagre use): four alignments of
   nodes into vertical blocks along median neighbours, each compacted, balanced by taking
   the mean of the two median candidates per node. Long edges stay straight and deep nets
   do not drift sideways; a final isotonic regression per layer (pool adjacent violators)
   guarantees the minimum gaps.

>>> lay = layered_layout([(60, 30)] * 3, [(0, 1), (0, 2)])
>>> lay.layer
(0, 1, 1)
>>> lay.y[1] > lay.y[0] and lay.x[1] < lay.x[2]
True
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Layout", "layered_layout"]

_DUMMY_WIDTH = 10.0


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes. Coordinates are node centres; y grows downwards.

    ``routes[k]`` is the polyline of edge ``k`` from its source's bottom to its target's top,
    through one point per crossed layer (the dummy nodes).

    >>> lay = layered_layout([(60, 30), (60, 30)], [(0, 1)])
    >>> lay.x, lay.y, lay.layer, lay.order, lay.routes, lay.crossings
    ((42.0, 42.0), (27.0, 101.0), (0, 1), ((0,), (1,)), (((42.0, 42.0), (42.0, 86.0)),), 0)
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    layer: tuple[int, ...]
    order: tuple[tuple[int, ...], ...]       # real nodes of each layer, left to right
    routes: tuple[tuple[tuple[float, float], ...], ...]
    width: float
    height: float
    crossings: int


def layered_layout(sizes: Sequence[tuple[float, float]], edges: Sequence[tuple[int, int]], *,
                   layer_gap: float = 44.0, node_gap: float = 22.0, margin: float = 12.0,
                   sweeps: int = 6, passes: int = 6,
                   anchors: Sequence[float] | None = None) -> Layout:
    """Lay out ``len(sizes)`` nodes of the given ``(width, height)`` and directed ``edges``
    (``(source, target)`` index pairs; data flows downwards).

    Parameters
    ----------
    sizes : sequence of (float, float)
    edges : sequence of (int, int)
        Parallel edges and self loops are allowed (a self loop gets an empty route).
    layer_gap, node_gap, margin : float
        Vertical space between layers, horizontal space between nodes, border.
    sweeps : int
        Down+up barycenter sweep pairs for crossing reduction.
    passes : int
        Unused (kept for callers of the earlier barycentric placement).
    anchors : sequence of float, optional
        Where each node's x-coordinate sits, as a distance from its left border (default: the
        centre, ``width / 2``). Blocks are aligned on anchors, so nodes drawn as a marker with
        text beside it keep their markers in line.

    Examples
    --------
    >>> lay = layered_layout([(40, 20), (40, 20)], [(0, 1)])
    >>> lay.x[0] == lay.x[1], lay.routes[0][0][1] < lay.routes[0][-1][1]
    (True, True)
    """
    n = len(sizes)
    rank = _acyclic_rank(n, edges)
    # orient every edge forwards in `rank`; remember which ones we flipped
    forward = []
    for s, t in edges:
        if s == t:
            forward.append(None)
        elif rank[s] < rank[t]:
            forward.append((s, t, False))
        else:
            forward.append((t, s, True))
    layer = _layers(n, rank, [e for e in forward if e is not None])

    # dummy nodes: one per crossed layer of a long edge; chains[k] = all nodes of edge k
    widths = [float(w) for w, _ in sizes]
    lext = [float(a) for a in anchors] if anchors is not None else [w / 2 for w in widths]
    heights = [float(h) for _, h in sizes]
    node_layer = list(layer)
    chains: list[list[int] | None] = []
    for e in forward:
        if e is None:
            chains.append(None)
            continue
        s, t, _ = e
        chain = [s]
        for lay in range(layer[s] + 1, layer[t]):
            chain.append(len(node_layer))
            node_layer.append(lay)
            widths.append(_DUMMY_WIDTH)
            lext.append(_DUMMY_WIDTH / 2)
            heights.append(0.0)
        chain.append(t)
        chains.append(chain)
    total = len(node_layer)
    preds: list[list[int]] = [[] for _ in range(total)]
    succs: list[list[int]] = [[] for _ in range(total)]
    for chain in chains:
        if chain is None:
            continue
        for a, b in zip(chain, chain[1:], strict=False):
            succs[a].append(b)
            preds[b].append(a)

    num_layers = max(node_layer, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(num_layers)]
    for v in sorted(range(total), key=lambda v: (rank[v] if v < n else n + v)):
        layers[node_layer[v]].append(v)
    layers, crossings = _reduce_crossings(layers, preds, succs, sweeps)

    rext = [w - a for w, a in zip(widths, lext, strict=True)]
    xs = _coordinates(layers, preds, succs, (lext, rext), node_gap, passes, n)
    # y: each layer as tall as its tallest node
    layer_height = [max((heights[v] for v in lay), default=0.0) for lay in layers]
    layer_top, top = [], margin
    for h in layer_height:
        layer_top.append(top)
        top += h + layer_gap
    ys = [layer_top[node_layer[v]] + layer_height[node_layer[v]] / 2 for v in range(total)]
    left = min((xs[v] - lext[v] for v in range(total)), default=0.0)
    shift = margin - left
    xs = [x + shift for x in xs]
    right = max((xs[v] + rext[v] for v in range(total)), default=0.0)

    routes = _routes(forward, chains, xs, ys, widths, heights, n)
    return Layout(x=tuple(xs[:n]), y=tuple(ys[:n]), layer=tuple(layer),
                  order=tuple(tuple(v for v in lay if v < n) for lay in layers),
                  routes=routes, width=right + margin,
                  height=(top - layer_gap + margin) if num_layers else 2 * margin,
                  crossings=crossings)


# ------------------------------------------------------------------ phase 1-2: rank, layers
def _acyclic_rank(n: int, edges) -> list[int]:
    """A topological rank (Kahn, smallest index first); on a cycle, the smallest remaining
    index is taken anyway, which breaks the cycle deterministically."""
    import heapq
    indeg = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for s, t in edges:
        if s != t:
            out[s].append(t)
            indeg[t] += 1
    ready = [v for v in range(n) if indeg[v] == 0]
    heapq.heapify(ready)
    rank, placed, nxt = [0] * n, [False] * n, 0
    for position in range(n):
        if not ready:
            while placed[nxt]:
                nxt += 1
            ready.append(nxt)          # cycle: take the smallest unplaced node
            indeg[nxt] = 0
        v = heapq.heappop(ready)
        while placed[v]:
            v = heapq.heappop(ready)
        placed[v], rank[v] = True, position
        for t in out[v]:
            indeg[t] -= 1
            if indeg[t] == 0 and not placed[t]:
                heapq.heappush(ready, t)
    return rank


def _layers(n: int, rank: list[int], forward) -> list[int]:
    by_rank = sorted(range(n), key=rank.__getitem__)
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for s, t, _ in forward:
        preds[t].append(s)
        succs[s].append(t)
    layer = [0] * n
    for v in by_rank:
        if preds[v]:
            layer[v] = max(layer[p] for p in preds[v]) + 1
    # pull each node down to just above its nearest consumer; processing consumers first
    # keeps every edge pointing downwards
    for v in reversed(by_rank):
        if succs[v]:
            layer[v] = max(layer[v], min(layer[s] for s in succs[v]) - 1)
    return layer


# ------------------------------------------------------------------ phase 3: ordering
def _reduce_crossings(layers, preds, succs, sweeps):
    best = [list(lay) for lay in layers]
    best_count = _count_all(best, succs)
    current = [list(lay) for lay in layers]
    for _ in range(sweeps):
        if best_count == 0:
            break
        for direction in (1, -1):
            rng = range(1, len(current)) if direction == 1 else range(len(current) - 2, -1, -1)
            neighbours = preds if direction == 1 else succs
            for i in rng:
                fixed = current[i - direction]
                position = {v: k for k, v in enumerate(fixed)}
                keyed = []
                for k, v in enumerate(current[i]):
                    near = [position[u] for u in neighbours[v]]
                    # nodes without neighbours there keep their place
                    key = sum(near) / len(near) if near else k * len(fixed) / max(
                        len(current[i]), 1)
                    keyed.append((key, k, v))
                keyed.sort()
                current[i] = [v for _, _, v in keyed]
            count = _count_all(current, succs)
            if count < best_count:
                best_count, best = count, [list(lay) for lay in current]
    return best, best_count


def _count_all(layers, succs) -> int:
    return sum(_count_pair(layers[i], layers[i + 1], succs) for i in range(len(layers) - 1))


def _count_pair(upper, lower, succs) -> int:
    """Crossings between two adjacent layers: inversions of the lower endpoints when edges
    are sorted by their upper endpoint (Fenwick tree, O(E log V))."""
    position = {v: k for k, v in enumerate(lower)}
    ends = []
    for v in upper:
        ends.extend(sorted(position[t] for t in succs[v] if t in position))
    size = len(lower)
    tree = [0] * (size + 1)
    crossings = 0
    for seen, p in enumerate(ends):
        # number of earlier ends strictly greater than p
        i, not_greater = p + 1, 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        crossings += seen - not_greater
        i = p + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return crossings


# ------------------------------------------------------------------ phase 4: coordinates
def _coordinates(layers, preds, succs, extents, gap, passes, n_real):
    """Brandes-Koepf x-coordinates: four alignments (upper/lower neighbours, left/right
    first) each pack nodes into vertical blocks along median neighbours, compacted so blocks
    keep their order and gaps; the result is the mean of the two median candidates of each
    node. Inner segments of long edges (dummy to dummy) win conflicts, so long edges run
    straight. A final isotonic pass per layer restores any gap the averaging narrowed."""
    lext, rext = extents
    total = len(lext)
    if total == 0:
        return []
    is_dummy = [v >= n_real for v in range(total)]
    conflicts = _type1_conflicts(layers, preds, is_dummy)
    candidates = []
    for vertical in ("down", "up"):
        base = layers if vertical == "down" else layers[::-1]
        neighbours = preds if vertical == "down" else succs
        for horizontal in ("left", "right"):
            order = base if horizontal == "left" else [lay[::-1] for lay in base]
            root, align = _vertical_alignment(order, neighbours, conflicts, total)
            xs = _compact(order, root, align, extents, gap, total, horizontal == "right")
            if horizontal == "right":
                xs = [-x for x in xs]
            candidates.append((horizontal, xs))
    # align every candidate to the narrowest one: left ones by their left edge, right ones
    # by their right edge
    def extent(xs):
        return (min(xs[v] - lext[v] for v in range(total)),
                max(xs[v] + rext[v] for v in range(total)))
    extents = [extent(xs) for _, xs in candidates]
    narrowest = min(range(4), key=lambda k: extents[k][1] - extents[k][0])
    low, high = extents[narrowest]
    aligned = []
    for (horizontal, xs), (lo, hi) in zip(candidates, extents, strict=True):
        delta = low - lo if horizontal == "left" else high - hi
        aligned.append([x + delta for x in xs])
    x = []
    for v in range(total):
        values = sorted(c[v] for c in aligned)
        x.append((values[1] + values[2]) / 2)
    for lay in layers:
        if len(lay) > 1:
            seps = [rext[a] + lext[b] + gap for a, b in zip(lay, lay[1:], strict=False)]
            for v, value in zip(lay, _place([x[v] for v in lay], [1.0] * len(lay), seps),
                                strict=True):
                x[v] = value
    return x


def _type1_conflicts(layers, preds, is_dummy) -> set:
    """Edges (upper, lower) that cross an inner segment (an edge between two dummies); the
    alignment never uses them, so the inner segments stay vertical."""
    conflicts = set()
    for i in range(1, len(layers)):
        upper, layer = layers[i - 1], layers[i]
        position = {v: k for k, v in enumerate(upper)}
        k0, scan = 0, 0
        last = len(layer) - 1
        for j, v in enumerate(layer):
            inner = None
            if is_dummy[v]:
                inner = next((u for u in preds[v] if is_dummy[u] and u in position), None)
            k1 = position[inner] if inner is not None else len(upper)
            if inner is not None or j == last:
                for w in layer[scan:j + 1]:
                    for u in preds[w]:
                        p = position.get(u)
                        if p is not None and (p < k0 or p > k1) and not (
                                is_dummy[u] and is_dummy[w]):
                            conflicts.add((u, w))
                scan, k0 = j + 1, k1
    return conflicts


def _vertical_alignment(layers, neighbours, conflicts, total):
    """Blocks: each node joins the block of a median neighbour in the previous layer, if
    that keeps the blocks of this layer in order and the edge has no conflict."""
    root = list(range(total))
    align = list(range(total))
    pos = [0] * total
    for lay in layers:
        for k, v in enumerate(lay):
            pos[v] = k
    for lay in layers:
        taken = -1
        for v in lay:
            near = sorted(neighbours[v], key=pos.__getitem__)
            if not near:
                continue
            mid = (len(near) - 1) / 2
            for m in sorted({int(mid), int(mid + 0.5)}):
                w = near[m]
                if align[v] == v and taken < pos[w] and \
                        (w, v) not in conflicts and (v, w) not in conflicts:
                    align[w] = v
                    root[v] = root[w]
                    align[v] = root[v]
                    taken = pos[w]
    return root, align


def _compact(layers, root, align, extents, gap, total, mirrored):
    """Place blocks left to right: each as far left as the blocks before it allow (longest
    path over the block graph), then as far right as the blocks after it allow."""
    lext, rext = extents
    succ: dict[int, dict[int, float]] = {}
    pred: dict[int, dict[int, float]] = {}
    roots = sorted({root[v] for v in range(total)})
    for lay in layers:
        for a, b in zip(lay, lay[1:], strict=False):
            ra, rb = root[a], root[b]
            sep = (lext[a] + rext[b] if mirrored else rext[a] + lext[b]) + gap
            if sep > succ.setdefault(ra, {}).get(rb, float("-inf")):
                succ[ra][rb] = sep
                pred.setdefault(rb, {})[ra] = sep
    indeg = {r: len(pred.get(r, ())) for r in roots}
    ready = [r for r in roots if indeg[r] == 0]
    topo = []
    while ready:
        r = ready.pop()
        topo.append(r)
        for t in succ.get(r, ()):
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    if len(topo) < len(roots):          # cannot happen for a consistent alignment
        topo += [r for r in roots if r not in set(topo)]
    xs: dict[int, float] = {}
    for r in topo:
        xs[r] = max((xs[p] + w for p, w in pred.get(r, {}).items() if p in xs), default=0.0)
    for r in reversed(topo):
        after = [xs[t] - w for t, w in succ.get(r, {}).items()]
        if after:
            xs[r] = max(xs[r], min(after))
    return [xs[root[v]] for v in range(total)]


def _place(desired, weights, seps):
    """Closest positions (weighted least squares) to ``desired`` that keep the order and
    ``x[i+1] - x[i] >= seps[i]``: isotonic regression by pool adjacent violators.

    >>> _place([5.0, 5.0], [1.0, 1.0], [4.0])
    [3.0, 7.0]
    """
    offsets = [0.0]
    for s in seps:
        offsets.append(offsets[-1] + s)
    targets = [d - o for d, o in zip(desired, offsets, strict=True)]
    # blocks: [weighted sum, weight, count]
    blocks: list[list[float]] = []
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            top = blocks.pop()
            blocks[-1][0] += top[0]
            blocks[-1][1] += top[1]
            blocks[-1][2] += top[2]
    out = []
    for total, w, count in blocks:
        out.extend([total / w] * int(count))
    return [y + o for y, o in zip(out, offsets, strict=True)]


def _routes(forward, chains, xs, ys, widths, heights, n_real):
    """Edge polylines, with the ends spread along the node borders so parallel edges and
    fans stay apart."""
    # for each real node, its outgoing / incoming edge ends, ordered by where they go
    ports_out: dict[int, list[tuple[float, int]]] = {}
    ports_in: dict[int, list[tuple[float, int]]] = {}
    for k, chain in enumerate(chains):
        if chain is None:
            continue
        first, second, last, before_last = chain[0], chain[1], chain[-1], chain[-2]
        ports_out.setdefault(first, []).append((xs[second], k))
        ports_in.setdefault(last, []).append((xs[before_last], k))
    start_x: dict[int, float] = {}
    end_x: dict[int, float] = {}
    for ports, target in ((ports_out, start_x), (ports_in, end_x)):
        for v, items in ports.items():
            items.sort()
            m = len(items)
            step = min(14.0, widths[v] * 0.7 / max(m - 1, 1))
            for j, (_, k) in enumerate(items):
                target[k] = xs[v] + (j - (m - 1) / 2) * step
    routes = []
    for k, chain in enumerate(chains):
        if chain is None:
            routes.append(())
            continue
        s, t = chain[0], chain[-1]
        points = [(start_x[k], ys[s] + heights[s] / 2)]
        points += [(xs[d], ys[d]) for d in chain[1:-1]]
        points.append((end_x[k], ys[t] - heights[t] / 2))
        if forward[k][2]:
            points.reverse()
        routes.append(tuple(points))
    return tuple(routes)
