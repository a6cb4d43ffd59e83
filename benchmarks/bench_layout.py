"""Time of drawing a 500-node graph: view model, layered layout, SVG text.

    python benchmarks/bench_layout.py [--nodes N] [--rounds R]
    python benchmarks/bench_layout.py --zoo [--tree PATH] [--only NAME]


Two graphs: a symbol of ~N operator nodes (blocks of FullyConnected, Activation and residual
adds whose outputs also skip ahead, so there are long edges and crossings to remove) drawn by
symnb.pictures end to end, and the bare layout of a random DAG of N nodes with up to two
inputs each from the previous 30 nodes. Prints the median and best of R rounds per phase.
The target is "well under a second" for 500 nodes; it is measured here, never asserted.

``--zoo`` draws every recorded model-zoo graph (tests/zoo/data, with its recorded input shapes)
and prints the picture's width and height in px, the crossings and the layout time;
``--tree PATH`` imports symnb from another checkout (e.g. main) to compare before and after.

Measured 2026-12-01 (2 shared cores), width in px, before (barycentric coordinates) -> after
(Brandes-Koepf), 0 crossings on every zoo graph both times:

    graph                    with shapes     no shapes   (graphviz dot 548, ELK 281, no shapes)
    gluon-densenet121        2083 -> 387     1654 -> 329
    example-inception-rn-v2  3076 -> 1650
    gluon-resnet50_v1         911 -> 627
    example-googlenet         868 -> 995     (inception blocks: now ~15% over the widest layer)
    example-inception-v3     2067 -> 2155
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TREE = sys.argv[sys.argv.index("--tree") + 1] if "--tree" in sys.argv else str(ROOT)
sys.path.insert(0, _TREE)

import symnb as mx  # noqa: E402
from symnb.pictures import graph_view, layered_layout, render_svg  # noqa: E402
from symnb.pictures.svg import place  # noqa: E402


def residual_symbol(n_ops: int):
    """Blocks of fc -> relu -> add(skip), with every 4th block also fed from 3 blocks back."""
    h = mx.sym.var("data")
    outputs = [h]
    k = 0
    while 3 * k < n_ops:
        fc = mx.sym.FullyConnected(h, num_hidden=64, name="fc%d" % k)
        act = mx.sym.Activation(fc, act_type="relu", name="relu%d" % k)
        skip = outputs[-3] if k % 4 == 3 and len(outputs) >= 3 else h
        h = mx.sym.elemwise_add(act, skip, name="add%d" % k)
        outputs.append(h)
        k += 1
    return h


def random_dag(n: int, seed: int = 0):
    rnd = random.Random(seed)
    edges = [(rnd.randrange(max(0, v - 30), v), v) for v in range(1, n)
             for _ in range(rnd.randint(1, 2))]
    sizes = [(float(rnd.randint(60, 150)), 44.0) for _ in range(n)]
    return sizes, edges


def timed(fn, rounds: int):
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def report(name: str, times):
    print("%-34s median %7.1f ms   best %7.1f ms" % (
        name, 1000 * statistics.median(times), 1000 * min(times)))


def zoo(only=None, rounds: int = 1, shapes: bool = True):
    """Width, height, crossings and layout time of each recorded model-zoo graph."""
    import json
    data = ROOT / "tests" / "zoo" / "data"
    print("symnb from %s" % _TREE)
    print("%-28s %6s %7s %7s %6s %9s" % ("graph", "boxes", "width", "height", "cross",
                                           "layout ms"))
    for path in sorted(data.glob("*-symbol.json")):
        name = path.name[:-len("-symbol.json")]
        if only and only not in name:
            continue
        meta = json.loads((data / (name + "-meta.json")).read_text())
        sym = mx.sym.load(str(path))
        given = {k: tuple(v) for k, v in meta["shapes"].items()} if shapes else None
        view = graph_view(sym, shape=given)
        placed, times = timed(lambda view=view: place(view), rounds)
        lay = placed[1]
        print("%-28s %6d %7.0f %7.0f %6d %9.1f" % (name, len(view.nodes), lay.width,
                                                   lay.height, lay.crossings,
                                                   1000 * statistics.median(times)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--zoo", action="store_true", help="measure the model-zoo graphs")
    parser.add_argument("--only", default=None, help="with --zoo: names containing this")
    parser.add_argument("--tree", default=None, help="import symnb from this checkout")
    parser.add_argument("--no-shapes", action="store_true",
                        help="with --zoo: draw without input shapes (no parameter captions)")
    args = parser.parse_args(argv)
    if args.zoo:
        zoo(args.only, rounds=1 if args.rounds == 7 else args.rounds,
            shapes=not args.no_shapes)
        return

    sym = residual_symbol(args.nodes)
    shape = {"data": (32, 64)}
    view, t_view = timed(lambda: graph_view(sym, shape=shape), args.rounds)
    placed, t_layout = timed(lambda: place(view), args.rounds)
    svg, t_svg = timed(lambda: render_svg(view, placed), args.rounds)
    _, t_total = timed(lambda: render_svg(graph_view(sym, shape=shape)), args.rounds)
    ops = sum(1 for n in view.nodes if n.role == "op")
    print("symbol: %d operator nodes, %d boxes, %d edges, %d crossings, SVG %.0f kB" % (
        ops, len(view.nodes), len(view.edges), placed[1].crossings, len(svg) / 1000))
    report("graph_view (incl. shape inference)", t_view)
    report("measure + layered layout", t_layout)
    report("render SVG text", t_svg)
    report("symbol -> SVG total", t_total)

    sizes, edges = random_dag(args.nodes)
    lay, t_dag = timed(lambda: layered_layout(sizes, edges), args.rounds)
    print("random DAG: %d nodes, %d edges, %d layers, %d crossings" % (
        len(sizes), len(edges), len(lay.order), lay.crossings))
    report("layered layout", t_dag)


if __name__ == "__main__":
    main()
