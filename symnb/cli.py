"""``symnb`` on the command line: look at an MXNet 1.x model without writing a notebook.

::

    symnb show    model-symbol.json [--shape data=1,3,224,224] [-o net.svg|net.html|net.png]
    symnb summary model-symbol.json [--shape data=1,3,224,224]
    symnb check   model-symbol.json [model-0000.params] [--shape data=1,3,224,224]

``python -m symnb`` is the same program. ``show`` draws the picture a notebook shows
(:mod:`symnb.pictures`, shapes inferred on every edge); ``summary`` prints MXNet's
``print_summary`` table (:mod:`symnb.visualization`); ``check`` loads a symbol and its
``.params`` and reports parameters that are missing, unused, stored under the wrong kind or of
the wrong shape, exiting 1 when it finds any. Progress goes to stderr (``-q`` silences it);
unreadable files end with one line naming the file and exit 2, never with a traceback.

This module is imported only when the command runs, never by ``import symnb``.

>>> main(["summary", "--help"])  # doctest: +ELLIPSIS
usage: symnb summary [-h] ...
0
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["main"]

# browsers that can screenshot a page headless; PNG output needs one (symnb ships no rasteriser)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_PARAMS_EPOCH = re.compile(r"-(\d+)\.params$")


class CommandError(Exception):
    """A mistake or an unreadable file: printed as one line, exit status 2."""


# -- arguments --------------------------------------------------------------------------------

def _shape(text: str) -> tuple[str, tuple[int, ...]]:
    """``data=1,3,224,224`` (also ``data=(1,3,224,224)`` or ``data=1x3x224x224``)."""
    name, sep, dims = text.partition("=")
    dims = dims.strip().strip("()[]").replace("x", ",")
    try:
        shape = tuple(int(d) for d in dims.split(",") if d.strip())
    except ValueError:
        shape = ()
    if not sep or not name.strip() or not shape or min(shape) < 0:
        raise argparse.ArgumentTypeError(
            "expected NAME=D1,D2,... (e.g. data=1,3,224,224), got %r" % text)
    return name.strip(), shape


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="symnb", description="Look at MXNet 1.x models: pictures, summaries, checks.")
    parser.add_argument("--version", action="version", version="symnb " + __version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, help_text, description):
        sub = commands.add_parser(name, help=help_text, description=description)
        sub.add_argument("symbol", metavar="SYMBOL_JSON", help="a model-symbol.json file")
        sub.add_argument("--shape", "-s", action="append", type=_shape, default=[],
                         metavar="NAME=D1,D2,...",
                         help="shape of an input, e.g. data=1,3,224,224 (repeatable)")
        sub.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
        return sub

    show = command("show", "draw the network (SVG, HTML or PNG)",
                   "Draw the network as a notebook does, shapes inferred on every edge.")
    show.add_argument("-o", "--output", metavar="FILE",
                      help="net.svg, net.html or net.png ('-': SVG to stdout); "
                           "default: an HTML page opened in the web browser")
    show.add_argument("--weights", action="store_true",
                      help="draw weight, bias, aux and label variables as boxes")
    show.add_argument("--scale", type=float, default=2.0,
                      help="pixels per SVG unit of a PNG (default 2)")

    summary = command("summary", "print MXNet's layer table (print_summary)",
                      "Print mx.viz.print_summary's table: layers, output shapes, parameters.")
    summary.add_argument("--line-length", type=int, default=120, metavar="N",
                         help="table width in characters (default 120)")

    check = command("check", "check a .params file against the symbol",
                    "Load the symbol and its parameters, infer shapes, and report parameters "
                    "that are missing, unused, of the wrong kind or of the wrong shape. "
                    "Exit status: 0 all match, 1 problems found, 2 unreadable input.")
    check.add_argument("params", nargs="?", metavar="PARAMS",
                       help="the .params file (default: the newest <prefix>-NNNN.params "
                            "next to <prefix>-symbol.json)")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="list every parameter, not only the problems")
    return parser


# -- progress and loading ---------------------------------------------------------------------

# what counts as large enough to say that the work has started
_LARGE_FILE = 5_000_000          # bytes
_LARGE_GRAPH = 300               # nodes


class _Progress:
    """Stage messages on stderr: large steps are announced when they start, and any step that
    took a noticeable while says how long; small models print nothing."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def step(self, text: str, large: bool = True):
        return _Step(self, text, large)


class _Step:
    def __init__(self, progress: _Progress, text: str, large: bool):
        self.progress, self.text, self.large = progress, text, large

    def __enter__(self):
        self.start = time.perf_counter()
        if self.large and not self.progress.quiet:
            print("symnb: %s ..." % self.text, file=sys.stderr, flush=True)
        return self

    def __exit__(self, kind, value, traceback):
        took = time.perf_counter() - self.start
        if not self.progress.quiet and kind is None and took >= 0.5:
            print("symnb: %s took %.1f s" % (self.text, took), file=sys.stderr, flush=True)
        return False


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return ("%d %s" if unit == "bytes" else "%.1f %s") % (size, unit)
        size /= 1000
    raise AssertionError("unreachable")


def _reason(error: Exception) -> str:
    """The line of an error that says what is wrong (MXNet-style messages carry a traceback
    header first)."""
    from .base import MXNetError

    text = str(error).strip()
    if isinstance(error, MXNetError):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        text = lines[-1] if lines else type(error).__name__
        text = text.removeprefix("MXNetError: ")
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror
    return text or type(error).__name__


def _existing(path: str, what: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise CommandError("%s %s: %s" % (what, path, "is a directory" if file.is_dir()
                                          else "no such file"))
    return file


def _load_symbol(path: str, progress: _Progress):
    from . import symbol as sym
    from .base import MXNetError

    file = _existing(path, "symbol file")
    with progress.step("reading %s (%s)" % (file, _size(file)),
                       file.stat().st_size >= _LARGE_FILE):
        try:
            return sym.load(str(file))
        except (MXNetError, OSError, ValueError, KeyError, TypeError) as e:
            raise CommandError("cannot read symbol file %s: %s" % (file, _reason(e))) from e


def _load_params(path: Path, progress: _Progress) -> dict:
    from . import ndarray as nd
    from .base import MXNetError

    with progress.step("reading %s (%s)" % (path, _size(path)),
                       path.stat().st_size >= _LARGE_FILE):
        try:
            loaded = nd.load(str(path))
        except (MXNetError, OSError, ValueError, KeyError, TypeError) as e:
            raise CommandError("cannot read params file %s: %s" % (path, _reason(e))) from e
    if isinstance(loaded, list):
        if loaded:
            raise CommandError("params file %s holds %d unnamed arrays; a checkpoint names "
                               "them arg:<name> / aux:<name>" % (path, len(loaded)))
        return {}
    return loaded


def _count_nodes(symbol) -> int:
    return len(symbol.get_internals().list_outputs())


def _given_shapes(symbol, pairs) -> dict:
    """The --shape options as a dict, every name checked against the symbol's inputs."""
    known = symbol.list_arguments() + symbol.list_auxiliary_states()
    shapes = {}
    for name, shape in pairs:
        if name not in known:
            raise CommandError("--shape %s: the symbol has no input %r (its arguments: %s)"
                               % (name, name, ", ".join(symbol.list_arguments()) or "none"))
        shapes[name] = shape
    return shapes


def _params_next_to(symbol_path: str) -> Path:
    """``<prefix>-NNNN.params`` with the highest epoch beside ``<prefix>-symbol.json``."""
    file = Path(symbol_path)
    prefix = file.name.removesuffix(".json").removesuffix("-symbol")
    found = []
    for candidate in file.parent.glob(prefix + "-*.params"):
        match = _PARAMS_EPOCH.search(candidate.name)
        if match and candidate.name == "%s-%s.params" % (prefix, match.group(1)):
            found.append((int(match.group(1)), candidate))
    if not found:
        raise CommandError("no params file given, and none named %s-NNNN.params next to %s"
                           % (prefix, file))
    return max(found)[1]


# -- show -------------------------------------------------------------------------------------

def _page(title: str, svg: str) -> str:
    """A standalone HTML page holding the picture."""
    from .pictures._markup import Markup, tag

    style = ("html,body{margin:0;background:#fff}"
             "body{display:inline-block;padding:0}svg{display:block}")
    head = tag("head", {}, tag("meta", {"charset": "utf-8"}), tag("title", {}, title),
               tag("style", {}, Markup(style)))
    return "<!DOCTYPE html>\n" + tag("html", {"lang": "en"}, head,
                                     tag("body", {}, Markup(svg))) + "\n"


def _svg_size(svg: str) -> tuple[int, int]:
    match = re.match(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
    if not match:
        raise AssertionError("symnb.pictures wrote an SVG without width/height")
    return int(float(match.group(1)) + 0.999), int(float(match.group(2)) + 0.999)


def _browser() -> str | None:
    override = os.environ.get("SYMNB_BROWSER")
    if override:
        return shutil.which(override) or (override if os.path.isfile(override) else None)
    return next((found for name in _BROWSERS if (found := shutil.which(name))), None)


def _png_browser() -> str:
    browser = _browser()
    if browser is None:
        raise CommandError(
            "PNG output needs headless Chromium or Chrome, and none was found on PATH (%s; "
            "or set SYMNB_BROWSER). Install one (e.g. apt-get install chromium), or write "
            "net.svg or net.html, which any browser shows." % ", ".join(_BROWSERS[:3]))
    return browser


def _write_png(browser: str, svg: str, title: str, out: Path, scale: float) -> None:
    """Screenshot the page with headless Chromium (the one rasteriser that needs no Python
    package or system library and draws the SVG as a notebook's browser does)."""
    width, height = _svg_size(svg)
    with tempfile.TemporaryDirectory(prefix="symnb-png-") as scratch:
        page = Path(scratch) / "page.html"
        page.write_text(_page(title, svg), encoding="utf-8")
        shot = Path(scratch) / "shot.png"
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--no-first-run", "--hide-scrollbars",
                   "--user-data-dir=%s" % (Path(scratch) / "profile"),
                   "--force-device-scale-factor=%g" % scale,
                   "--window-size=%d,%d" % (width, height),
                   "--screenshot=%s" % shot, page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise CommandError("PNG: running %s failed: %s" % (browser, _reason(e))) from e
        if not shot.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise CommandError("PNG: %s wrote no screenshot (exit %d): %s"
                               % (browser, done.returncode, last))
        shutil.copyfile(shot, out)


def _show(args, progress: _Progress) -> int:
    from .pictures import graph_view, render_svg

    symbol = _load_symbol(args.symbol, progress)
    shapes = _given_shapes(symbol, args.shape)
    title = Path(args.symbol).name
    output = args.output
    suffix = "" if output in (None, "-") else Path(output).suffix.lower()
    if output not in (None, "-") and suffix not in (".svg", ".html", ".htm", ".png"):
        raise CommandError("-o %s: write .svg, .html or .png" % output)
    browser = _png_browser() if suffix == ".png" else None
    nodes = _count_nodes(symbol)
    with progress.step("inferring shapes and laying out %d nodes" % nodes, nodes >= _LARGE_GRAPH):
        view = graph_view(symbol, shapes, hide_weights=not args.weights)
        svg = render_svg(view)
    if view.note and not progress.quiet:
        print("symnb: note: %s" % view.note, file=sys.stderr)
    if output == "-":
        sys.stdout.write(svg + "\n")
        return 0
    if output is None:
        page = Path(tempfile.mkdtemp(prefix="symnb-show-")) / (Path(args.symbol).stem + ".html")
        page.write_text(_page(title, svg), encoding="utf-8")
        import webbrowser
        opened = webbrowser.open(page.as_uri())
        print(("opened %s" if opened else "wrote %s (open it in a web browser)") % page)
        return 0
    out = Path(output)
    try:
        if suffix == ".svg":
            out.write_text(svg + "\n", encoding="utf-8")
        elif suffix in (".html", ".htm"):
            out.write_text(_page(title, svg), encoding="utf-8")
        else:
            with progress.step("drawing %s with a headless browser" % out):
                _write_png(browser, svg, title, out, args.scale)
    except OSError as e:
        raise CommandError("cannot write %s: %s" % (out, _reason(e))) from e
    print("wrote %s (%d boxes)" % (out, len(view.nodes)))
    return 0


# -- summary ----------------------------------------------------------------------------------

def _summary(args, progress: _Progress) -> int:
    from . import visualization
    from .base import MXNetError

    symbol = _load_symbol(args.symbol, progress)
    shapes = _given_shapes(symbol, args.shape)
    try:
        visualization.print_summary(symbol, shape=shapes or None, line_length=args.line_length)
    except ValueError as e:          # MXNet's "Input shape is incomplete"
        raise CommandError("%s: give every input's shape with --shape NAME=D1,D2,... "
                           "(arguments: %s)" % (_reason(e), ", ".join(symbol.list_arguments()))
                           ) from e
    except MXNetError as e:
        raise CommandError("shape inference failed: %s" % _reason(e)) from e
    return 0


# -- check ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Finding:
    """One line of ``symnb check``: ``status`` is OK, MISMATCH, MISSING, UNUSED or KIND."""

    status: str
    name: str
    detail: str

    @property
    def problem(self) -> bool:
        return self.status != "OK"


def _fmt(shape) -> str:
    if shape is None:
        return "unknown"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _known(shape) -> bool:
    return shape is not None and len(shape) > 0 and all(d > 0 for d in shape)


def check_params(symbol, params: dict, shapes: dict) -> list[Finding]:
    """Compare a checkpoint's arrays with what ``symbol`` needs.

    ``params`` is a loaded ``.params`` dict (``arg:``/``aux:`` keys, or bare names), ``shapes``
    the known input shapes. Parameters are the variables whose consumers declare them as
    weight, bias or auxiliary state; data and label inputs are not expected in the file.
    With input shapes every stored shape is compared with the inferred one; without them the
    stored shapes are checked against one another through the graph (the first conflict).

    >>> import symnb as mx
    >>> net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')
    >>> found = check_params(net, {'arg:fc_weight': mx.nd.zeros((4, 5)),
    ...                            'arg:old': mx.nd.zeros((1,))}, {'data': (2, 3)})
    >>> [(f.status, f.name) for f in found]
    [('MISMATCH', 'fc_weight'), ('MISSING', 'fc_bias'), ('UNUSED', 'old')]
    """
    from .base import MXNetError
    from .pictures import graph_view

    arg_names = symbol.list_arguments()
    aux_names = symbol.list_auxiliary_states()
    stored: dict[str, tuple[str, tuple]] = {}      # name -> (kind in the file, shape)
    for key, array in params.items():
        kind, sep, name = key.partition(":")
        if not sep or kind not in ("arg", "aux"):
            kind, name = ("aux" if key in aux_names else "arg"), key
        stored[name] = (kind, tuple(array.shape))

    ours = {name: shape for name, (kind, shape) in stored.items()
            if name in arg_names or name in aux_names}
    view = graph_view(symbol, shapes or ours, hide_weights=False)
    variables = {n.name: n for n in view.nodes if n.op == "null"}
    findings: list[Finding] = []
    if view.note:
        findings.append(Finding("MISMATCH", "--shape" if shapes else "shapes", view.note))
    for name in arg_names + aux_names:
        node = variables.get(name)
        is_aux = name in aux_names
        if node is None or (node.role in ("data", "label") and not is_aux):
            continue                                 # an input: fed by the user, not saved
        expected = node.shape if _known(node.shape) else None
        if name not in stored:
            findings.append(Finding("MISSING", name, "%s %s, not in the params file"
                                    % ("auxiliary state" if is_aux else node.role,
                                       _fmt(expected) if expected else "of unknown shape")))
            continue
        kind, shape = stored[name]
        if kind != ("aux" if is_aux else "arg"):
            findings.append(Finding("KIND", name, "stored as %s:%s, but the symbol has it as "
                                    "%s" % (kind, name, "an auxiliary state (aux:)" if is_aux
                                            else "an argument (arg:)")))
        elif expected is not None and shape != expected:
            findings.append(Finding("MISMATCH", name, "params %s, the symbol expects %s"
                                    % (_fmt(shape), _fmt(expected))))
        else:
            findings.append(Finding("OK", name, _fmt(shape)))
    for name, (kind, shape) in stored.items():
        if name not in arg_names and name not in aux_names:
            findings.append(Finding("UNUSED", name, "%s:%s %s is not a variable of the symbol"
                                    % (kind, name, _fmt(shape))))

    if shapes and not any(f.problem for f in findings):
        # shapes that inference from the inputs left open must still agree with one another
        # through the graph, which only inference with all of them can tell
        try:
            symbol.infer_shape_partial(**{**shapes, **ours})
        except MXNetError as e:
            findings.append(Finding("MISMATCH", "shapes", _reason(e)))
    return findings


def _check(args, progress: _Progress) -> int:
    symbol = _load_symbol(args.symbol, progress)
    shapes = _given_shapes(symbol, args.shape)
    params_path = (_existing(args.params, "params file") if args.params
                   else _params_next_to(args.symbol))
    params = _load_params(params_path, progress)
    nodes = _count_nodes(symbol)
    with progress.step("inferring shapes of %d nodes" % nodes, nodes >= _LARGE_GRAPH):
        findings = check_params(symbol, params, shapes)

    n_args, n_aux = len(symbol.list_arguments()), len(symbol.list_auxiliary_states())
    print("%s: %d arguments, %d auxiliary states" % (args.symbol, n_args, n_aux))
    print("%s: %d arrays, %s values" % (params_path, len(params),
                                        format(sum(a.size for a in params.values()), ",")))
    if shapes:
        print("input shapes: %s" % ", ".join("%s=%s" % (k, _fmt(v)) for k, v in shapes.items()))
    else:
        print("no --shape: the stored shapes are checked against one another only; give the "
              "input shapes to compare each with the symbol")
    problems = [f for f in findings if f.problem]
    width = max((len(f.name) for f in findings), default=0)
    for finding in findings:
        if finding.problem or args.verbose:
            print("  %-8s  %-*s  %s" % (finding.status, width, finding.name, finding.detail))
    checked = sum(1 for f in findings if f.status != "UNUSED" and f.name not in ("--shape",
                                                                                  "shapes"))
    if problems:
        print("%d problem%s" % (len(problems), "" if len(problems) == 1 else "s"))
        return 1
    print("OK: %d parameters and auxiliary states match the symbol" % checked)
    return 0


# -- entry point ------------------------------------------------------------------------------

_COMMANDS = {"show": _show, "summary": _summary, "check": _check}


def main(argv: list[str] | None = None) -> int:
    """Run the ``symnb`` command with ``argv`` (default ``sys.argv[1:]``); the exit status.

    >>> main(['--version'])
    symnb ...
    0

    A mistake or an unreadable file is one line on stderr and exit status 2:

    >>> import contextlib, sys
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     main(['check', 'no-such-symbol.json'])
    symnb check: error: symbol file no-such-symbol.json: no such file
    2
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:                 # --help, --version and usage errors
        return int(e.code or 0)
    try:
        return _COMMANDS[args.command](args, _Progress(args.quiet))
    except CommandError as e:
        print("symnb %s: error: %s" % (args.command, e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symnb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:                 # `symnb summary ... | head`
        sys.stderr.close()
        return 0
