"""Compact HTML views of NDArrays and Executors (inline SVG pictures, no JavaScript).

Duck typing only: an array is anything with ``asnumpy()``, ``shape``, ``dtype`` and
``context``; an executor has ``arg_dict``, ``grad_dict`` (may raise TypeError when there are no
gradients), ``aux_dict``, ``output_dict``, ``outputs`` and ``_symbol``.

>>> import numpy as np
>>> array_stats(np.array([1.0, 2.0, np.nan]))['nan'], array_stats(np.arange(4))['mean']
(1, 1.5)
"""
from __future__ import annotations

import numpy as np

from ._markup import Markup, join, tag
from .svg import FONT

__all__ = ["array_stats", "ndarray_html", "executor_html", "executor_sections", "bound_shapes",
           "heatmap_svg", "histogram_svg"]

_SMALL = 64                 # arrays with at most this many values (and ndim <= 2) show them all
_HEAT_ROWS, _HEAT_COLS = 32, 48
# viridis at nine evenly spaced stops
_VIRIDIS = np.array([[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142], [33, 145, 140],
                     [40, 174, 128], [94, 201, 98], [173, 220, 48], [253, 231, 37]], float)
_STYLE = ("font-family:%s;font-size:12px;color:#1f2933;line-height:1.35" % FONT)
# explicit font-size: tables do not inherit it in quirks-mode pages
_TABLE = "border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums"
_CELL = "padding:1px 8px;text-align:right;border-bottom:1px solid #eef0f2"
_HEAD = "padding:1px 8px;text-align:right;color:#6b7580;font-weight:500;" \
        "border-bottom:1px solid #d5dae0"


# ------------------------------------------------------------------ numbers
def array_stats(values: np.ndarray) -> dict:
    """Shape, dtype and min/max/mean/std over the finite values, plus NaN/inf counts.

    >>> s = array_stats(np.array([[1.0, 2.0], [3.0, np.inf]]))
    >>> s['shape'], s['dtype'], s['min'], s['max'], s['mean'], s['inf']
    ([2, 2], 'float64', 1, 3, 2, 1)
    """
    values = np.asarray(values)
    stats = {"shape": [int(d) for d in values.shape], "dtype": str(values.dtype),
             "size": int(values.size), "min": None, "max": None, "mean": None, "std": None,
             "nan": 0, "inf": 0}
    if values.size == 0 or values.dtype.kind not in "biuf":
        return stats
    with np.errstate(all="ignore"):     # uninitialised buffers hold garbage
        flat = values.astype(np.float64, copy=False).ravel()
        finite = np.isfinite(flat)
        stats["nan"] = int(np.isnan(flat).sum())
        stats["inf"] = int(flat.size - finite.sum() - stats["nan"])
        good = flat[finite]
        if good.size:
            stats.update(min=_py(good.min()), max=_py(good.max()), mean=_py(good.mean()),
                         std=_py(good.std()))
    return stats


def _py(x) -> float:
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _num(x) -> str:
    if x is None:
        return "–"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return "%.4g" % float(x)


def _colors(t: np.ndarray) -> list[str]:
    """Viridis colours for values in [0, 1] (NaN -> light grey)."""
    out = []
    scaled = np.clip(np.nan_to_num(t, nan=0.0), 0, 1) * (len(_VIRIDIS) - 1)
    low = np.minimum(scaled.astype(int), len(_VIRIDIS) - 2)
    frac = (scaled - low)[..., None]
    rgb = _VIRIDIS[low] * (1 - frac) + _VIRIDIS[low + 1] * frac
    for is_nan, (r, g, b) in zip(np.isnan(t).ravel(), rgb.reshape(-1, 3), strict=True):
        out.append("#dde1e5" if is_nan else "#%02x%02x%02x" % (int(r), int(g), int(b)))
    return out


# ------------------------------------------------------------------ pictures
def _block_mean(a: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Shrink a 2-D array to at most rows x cols by averaging blocks (NaN where all NaN)."""
    r_edges = np.linspace(0, a.shape[0], min(rows, a.shape[0]) + 1).astype(int)
    c_edges = np.linspace(0, a.shape[1], min(cols, a.shape[1]) + 1).astype(int)
    out = np.empty((len(r_edges) - 1, len(c_edges) - 1))
    for i in range(out.shape[0]):
        band = a[r_edges[i]:r_edges[i + 1]]
        for j in range(out.shape[1]):
            block = band[:, c_edges[j]:c_edges[j + 1]]
            finite = block[np.isfinite(block)]
            out[i, j] = finite.mean() if finite.size else np.nan
    return out


def heatmap_svg(values: np.ndarray, width: float = 240.0) -> Markup:
    """A heatmap of an array viewed as 2-D (leading axes merged), as inline SVG rects.

    >>> svg = heatmap_svg(np.arange(6).reshape(2, 3))
    >>> svg[:4], svg.count('<rect'), svg.split('<title>')[1].split('</title>')[0]
    ('<svg', 6, 'heatmap 2x3 (2 rows x 3 cols shown), min 0, max 5')
    """
    a = np.asarray(values, dtype=np.float64)
    a = a.reshape(-1, a.shape[-1]) if a.ndim >= 2 else a.reshape(1, -1)
    grid = _block_mean(a, _HEAT_ROWS, _HEAT_COLS)
    rows, cols = grid.shape
    cell = max(2.0, min(14.0, width / cols))
    finite = grid[np.isfinite(grid)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    t = (grid - low) / (high - low) if high > low else np.where(np.isnan(grid), np.nan, 0.5)
    colors = _colors(t)
    rects = [tag("rect", {"x": j * cell, "y": i * cell, "width": cell + 0.3,
                          "height": cell + 0.3, "fill": colors[i * cols + j]})
             for i in range(rows) for j in range(cols)]
    w, h = cols * cell, rows * cell
    return tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": round(w),
                       "height": round(h), "viewBox": "0 0 %.1f %.1f" % (w, h),
                       "shape_rendering": "crispEdges", "class": "symnb-heatmap"},
               tag("title", {}, "heatmap %s (%s rows x %s cols shown), min %s, max %s" % (
                   "x".join(map(str, np.shape(values))), rows, cols, _num(low), _num(high))),
               join(rects))


def histogram_svg(values: np.ndarray, width: float = 240.0, height: float = 64.0,
                  bins: int = 24, axis: bool = True) -> Markup:
    """A histogram of the finite values as inline SVG (with min/max under it when ``axis``).

    >>> svg = histogram_svg(np.arange(10), bins=5)
    >>> svg[:4], svg.count('<rect'), '>0</text>' in svg and '>9</text>' in svg
    ('<svg', 5, True)
    """
    with np.errstate(invalid="ignore", over="ignore"):
        flat = np.asarray(values, dtype=np.float64).ravel()
    flat = flat[np.isfinite(flat)]
    label_h = 12.0 if axis else 0.0
    bars = []
    if flat.size:
        low, high = float(flat.min()), float(flat.max())
        counts, _ = np.histogram(flat, bins=bins, range=(low, high) if high > low else (
            low - 0.5, high + 0.5))
        peak = max(int(counts.max()), 1)
        bar_w = width / bins
        plot_h = height - label_h
        for k, c in enumerate(counts):
            if c:
                bh = max(1.0, plot_h * c / peak)
                bars.append(tag("rect", {"x": k * bar_w + 0.5, "y": plot_h - bh,
                                         "width": max(bar_w - 1, 0.8), "height": bh,
                                         "fill": "#4f8cc2"}))
        if axis:
            bars.append(tag("text", {"x": 0, "y": height - 2, "font_size": 9,
                                     "fill": "#6b7580"}, _num(low)))
            bars.append(tag("text", {"x": width, "y": height - 2, "font_size": 9,
                                     "fill": "#6b7580", "text_anchor": "end"}, _num(high)))
    return tag("svg", {"xmlns": "http://www.w3.org/2000/svg", "width": round(width),
                       "height": round(height), "viewBox": "0 0 %.1f %.1f" % (width, height),
                       "font_family": FONT, "class": "symnb-histogram"},
               tag("line", {"x1": 0, "y1": height - label_h, "x2": width,
                            "y2": height - label_h, "stroke": "#c5ccd3"}), join(bars))


# ------------------------------------------------------------------ NDArray
def _describe(arr) -> tuple[np.ndarray, str]:
    values = arr.asnumpy()
    shape = "×".join(str(d) for d in arr.shape) or "scalar"
    return values, "%s %s %s @%s" % (type(arr).__name__, shape, np.dtype(arr.dtype).name,
                                      arr.context)


def _values_table(values: np.ndarray) -> Markup:
    grid = values.reshape(1, -1) if values.ndim < 2 else values
    rows = [tag("tr", {}, *[tag("td", {"style": _CELL}, _num(v)) for v in row.tolist()])
            for row in grid]
    return tag("table", {"style": _TABLE + ";margin:4px 0"}, join(rows))


def _stats_line(stats: dict) -> str:
    parts = ["min %s" % _num(stats["min"]), "max %s" % _num(stats["max"]),
             "mean %s" % _num(stats["mean"]), "std %s" % _num(stats["std"])]
    if stats["nan"]:
        parts.append("%d NaN" % stats["nan"])
    if stats["inf"]:
        parts.append("%d inf" % stats["inf"])
    return " · ".join(parts)


def ndarray_html(arr) -> str:
    """An NDArray as HTML: all values when small, else stats with a heatmap (2-D and up)
    and a histogram.

    Examples
    --------
    >>> import symnb as mx
    >>> html = ndarray_html(mx.nd.ones((2, 3)))
    >>> 'NDArray 2×3 float32 @cpu(0)' in html and '<table' in html
    True
    """
    values, header = _describe(arr)
    parts = [tag("div", {"style": "font-weight:600;margin-bottom:2px"}, header)]
    if values.size and values.size <= _SMALL and values.ndim <= 2:
        parts.append(_values_table(values))
    elif values.size:
        stats = array_stats(values)
        parts.append(tag("div", {"style": "color:#3d4752;margin-bottom:4px"},
                         _stats_line(stats)))
        pictures = []
        if values.ndim >= 2 and stats["min"] is not None:
            pictures.append(heatmap_svg(values))
        pictures.append(histogram_svg(values))
        from .doc_svg import svg_img
        parts.append(tag("div", {"style": "display:flex;gap:16px;align-items:flex-start"},
                         *[tag("div", {}, Markup(svg_img(p))) for p in pictures]))
    return str(tag("div", {"class": "symnb-ndarray", "style": _STYLE}, *parts))


# ------------------------------------------------------------------ Executor
def _section_rows(arrays) -> list[tuple[str, object]]:
    return [(name, arr) for name, arr in arrays if arr is not None]


def _table(title: str, rows, empty: str) -> Markup:
    head = tag("div", {"style": "font-weight:600;margin:8px 0 2px"}, title)
    if not rows:
        return join([head, tag("div", {"style": "color:#6b7580"}, empty)])
    header = tag("tr", {}, *[tag("th", {"style": _HEAD + (";text-align:left" if i == 0 else "")},
                                 h) for i, h in enumerate(
        ["name", "shape", "dtype", "min", "max", "mean", "std", ""])])
    body = []
    for name, arr in rows:
        values = arr.asnumpy()
        stats = array_stats(values)
        cells = [name, "×".join(map(str, arr.shape)) or "scalar", np.dtype(arr.dtype).name,
                 _num(stats["min"]), _num(stats["max"]), _num(stats["mean"]),
                 _num(stats["std"])]
        from .doc_svg import svg_img
        picture = Markup(svg_img(histogram_svg(values, width=72, height=18, bins=12,
                                               axis=False), "histogram"))\
            if values.size > 1 else Markup("")
        body.append(tag("tr", {}, *[tag("td", {"style": _CELL + (
            ";text-align:left;font-weight:500" if i == 0 else "")}, c)
            for i, c in enumerate(cells)], tag("td", {"style": _CELL}, picture)))
    return join([head, tag("table", {"style": _TABLE}, header, join(body))])


def executor_sections(ex) -> dict[str, list[tuple[str, object]]]:
    """The arrays of an executor by section: outputs, arguments, gradients, aux states
    (``None`` for gradients when the executor has none).

    >>> import symnb as mx
    >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2, 3))
    >>> {key: [name for name, _ in rows] for key, rows in executor_sections(ex).items()}
    {'outputs': ['_mulscalar0_output'], 'arguments': ['a'], 'gradients': ['a'], 'aux states': []}
    >>> ex = (mx.sym.var('b') + 1).bind(mx.cpu(), [mx.nd.ones(1)])   # no args_grad
    >>> executor_sections(ex)['gradients'] is None
    True
    """
    names = list(getattr(ex, "output_dict", {}) or {})
    outputs = list(getattr(ex, "outputs", []) or [])
    if len(names) != len(outputs):
        names = ["output%d" % i for i in range(len(outputs))]
    try:
        grads = _section_rows((ex.grad_dict or {}).items())
    except TypeError:
        grads = None
    return {"outputs": list(zip(names, outputs, strict=True)),
            "arguments": _section_rows(ex.arg_dict.items()),
            "gradients": grads,
            "aux states": _section_rows((ex.aux_dict or {}).items())}


def bound_shapes(sections) -> dict:
    """Argument shapes of an executor (from :func:`executor_sections`), for inference.

    >>> import symnb as mx
    >>> ex = (mx.sym.var('a') * mx.sym.var('b')).simple_bind(mx.cpu(), a=(2, 3), b=(2, 3))
    >>> bound_shapes(executor_sections(ex))
    {'a': (2, 3), 'b': (2, 3)}
    """
    return {name: tuple(arr.shape) for name, arr in sections["arguments"]}


def executor_html(ex, graph: bool = True, graph_svg: str | None = None, *,
                  picture: str | None = None, tables: bool = True) -> str:
    """An Executor panel: the executor picture (``picture``: its SVG, drawn here when not
    given) as an ``<img>``, and the statistics tables of its outputs, arguments, gradients and
    aux states (name, shape, dtype, stats, a small histogram) folded in a ``<details>``.
    ``graph=False`` leaves the picture out; ``graph_svg`` is an older name of ``picture``.

    Examples
    --------
    >>> import symnb as mx
    >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2, 3))
    >>> html = executor_html(ex)
    >>> 'Arguments' in html and '>a<' in html and '<svg' not in html
    True
    """
    from .doc_svg import svg_img
    sections = executor_sections(ex)
    parts = []
    picture = picture or graph_svg
    if graph and picture is None and getattr(ex, "_plan", None) is not None:
        from .doc_svg import document_svg
        from .executor_view import executor_document
        picture = document_svg(executor_document(ex))
    if graph and picture is not None:
        parts.append(tag("div", {}, Markup(svg_img(picture, "executor graph"))))
    if tables:
        titles = {"outputs": ("Outputs", "no outputs (run forward)"),
                  "arguments": ("Arguments", "none"),
                  "gradients": ("Gradients", "none requested"),
                  "aux states": ("Aux states", "none")}
        rows_html = []
        forwarded = getattr(ex, "_forwarded", True)
        for key, rows in sections.items():
            title, empty = titles[key]
            if rows is None:
                rows, empty = [], "no gradients (bound without args_grad)"
            if key == "outputs" and not forwarded:
                rows, empty = [], "not computed yet (run forward)"
            rows_html.append(_table(title, rows, empty))
        parts.append(tag("details", {"style": "margin-top:4px", "open": None if graph and
                                     picture is not None else "open"},
                         tag("summary", {"style": "cursor:pointer;color:#3d4752"},
                             "array statistics"), *rows_html))
    return str(tag("div", {"class": "symnb-executor", "style": _STYLE}, *parts))
