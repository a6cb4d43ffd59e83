"""Run a ``%%symbol`` cell: operator names layered under the user's namespace, nothing leaked.

The cell runs in a scratch namespace built as ``{**operators, **user_ns}`` (the user's names win).
Top-level statements run one at a time so that every graph node can be traced back to the
statement that first produced it; that is how a shape conflict found later points at a cell line.
Only the names the cell (re)assigned or deleted are written back, and only if the whole cell
succeeded: on any error the user's namespace is exactly as it was.

Functions defined in the cell keep the scratch namespace as their globals, so a helper such as
``def block(x): return Activation(x, act_type='relu')`` keeps working when called later.
"""
from __future__ import annotations

import ast
import builtins
import difflib
import itertools
import linecache
from dataclasses import dataclass, field

__all__ = ["CellError", "CellResult", "operator_namespace", "run_symbol_cell",
           "syntax_error"]

_cell_numbers = itertools.count(1)


class CellError(Exception):
    """A mistake in a cell's code, shown as a few lines pointing at the cell line.

    IPython calls ``_render_traceback_`` instead of printing the traceback, so the user sees
    the cause and the line, not 40 frames of symnb internals. ``lineno`` is 1-based in the cell.
    """

    def __init__(self, message: str, lineno: int | None = None, line: str | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message, self.lineno, self.line, self.hint = message, lineno, line, hint

    def __str__(self):
        return "\n".join(self._lines())

    def _lines(self):
        lines = [self.message]
        if self.lineno is not None:
            lines.append("  cell line %d: %s" % (self.lineno, (self.line or "").strip()))
        if self.hint:
            lines.append("  " + self.hint)
        # a lone surrogate in the cell cannot be written to the notebook: show it escaped
        return [ln.encode("utf-8", "backslashreplace").decode("utf-8") for ln in lines]

    def _render_traceback_(self):
        red, reset = "\x1b[0;31m", "\x1b[0m"
        first, *rest = self._lines()
        return [red + first + reset] + rest


@dataclass
class CellResult:
    """What a successful cell produced (nothing has been written to the user's namespace yet)."""

    assigned: dict                  # name -> value, in the order the cell last assigned them
    deleted: list                   # names the cell deleted that existed before
    symbols: list                   # names (in ``assigned``) whose values are Symbols
    node_lines: dict = field(default_factory=dict)   # node name -> first cell line creating it
    source_lines: list = field(default_factory=list)

    def line_of(self, node_name):
        lineno = self.node_lines.get(node_name)
        if lineno is None:
            return None, None
        return lineno, self.source_lines[lineno - 1]


def syntax_error(error: SyntaxError, source: str) -> CellError:
    """A ``SyntaxError`` (``IndentationError`` included) as a short error at its cell line.

    >>> str(syntax_error(IndentationError("unexpected indent", ("<c>", 2, 1, " b", 2, 2)),
    ...                  "a = 1\\n b = 2"))
    'IndentationError: unexpected indent\\n  cell line 2: b = 2'
    """
    lines = source.splitlines()
    lineno = error.lineno if error.lineno and 0 < error.lineno <= len(lines) else None
    return CellError("%s: %s" % (type(error).__name__, error.msg), lineno,
                     lines[lineno - 1] if lineno else None)


def operator_namespace():
    """Every ``mx.sym`` operator, ``Variable``/``var``, ``Group`` and ``Symbol``, by bare name.

    >>> ns = operator_namespace()
    >>> all(name in ns for name in ("FullyConnected", "Variable", "Group", "SoftmaxOutput"))
    True
    """
    from .. import symbol as sym_module
    from ..ops import OPS

    # The operator registry is the source of truth: each registered name (and alias) that
    # mx.sym exposes at top level, plus mx.sym's public helpers and operator submodules.
    wanted = set(sym_module.__all__) | {"contrib", "linalg", "random", "sparse", "image"}
    for op in OPS.values():
        wanted.update((op.name,) + tuple(op.aliases))
    return {name: getattr(sym_module, name) for name in sorted(wanted)
            if not name.startswith("_") and hasattr(sym_module, name)}


def _statement_source(lines, stmt):
    return lines[stmt.lineno - 1] if 0 < stmt.lineno <= len(lines) else ""


def run_symbol_cell(source: str, user_ns: dict) -> CellResult:
    """Run ``source`` with the operator names available; raise :class:`CellError` on mistakes.

    >>> ns = {}
    >>> res = run_symbol_cell("a = Variable('a')\\nb = Activation(a, act_type='relu')", ns)
    >>> res.symbols, "Activation" in res.assigned, ns
    (['a', 'b'], False, {})
    """
    from ..symbol import Symbol

    lines = source.splitlines()
    filename = "<symbol-cell-%d>" % next(_cell_numbers)
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as e:
        raise syntax_error(e, source) from None
    except ValueError as e:     # a NUL or a lone surrogate: no Python source can hold them
        bad = e.start if isinstance(e, UnicodeError) else source.find("\x00")
        lineno = source.count("\n", 0, max(bad, 0)) + 1
        raise CellError("SyntaxError: the cell holds %s, which is not Python source text"
                        % ("U+%04X" % ord(source[bad]) if bad >= 0 else "a NUL"), lineno,
                        lines[lineno - 1] if lineno <= len(lines) else None) from None
    # Keep the text so tracebacks of helpers defined in the cell can show their lines later.
    linecache.cache[filename] = (len(source), None, [ln + "\n" for ln in lines], filename)

    operators = operator_namespace()
    scratch = dict(operators)
    scratch.update(user_ns)
    before = dict(scratch)
    node_lines: dict = {}
    seen_nodes: set = set()
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec")
        try:
            exec(code, scratch)  # noqa: S102 -- the user's own cell, run as IPython would
        except Exception as e:
            raise _cell_error(e, filename, lines, stmt, scratch) from e
        # Only the names this statement stores, and only graph nodes not seen before, are
        # looked at: the whole cell then costs time linear in its statements and nodes.
        for name in _stored_names(stmt):
            value = scratch.get(name)
            if isinstance(value, Symbol) and (name not in before or value is not before[name]):
                _note_new_nodes(value, stmt.lineno, node_lines, seen_nodes)

    assigned = {k: v for k, v in scratch.items() if k not in before or v is not before[k]}
    deleted = [k for k in user_ns if k not in scratch]
    order = _assignment_order(tree)
    ranked = sorted(assigned, key=lambda k: order.get(k, -1))
    symbols = [k for k in ranked if isinstance(assigned[k], Symbol)]
    return CellResult({k: assigned[k] for k in ranked}, deleted, symbols, node_lines, lines)


def _note_new_nodes(symbol, lineno, node_lines, seen_nodes):
    """Attribute each node seen for the first time to the statement that produced it; the walk
    stops at nodes already seen (``seen_nodes`` holds the nodes themselves, so ids stay
    unique while it lives)."""
    stack = [node for node, _ in symbol._heads if node not in seen_nodes]
    seen_nodes.update(stack)
    while stack:
        node = stack.pop()
        node_lines.setdefault(node.name, lineno)
        for entry in node.inputs:
            if entry.node not in seen_nodes:
                seen_nodes.add(entry.node)
                stack.append(entry.node)


def _stored_names(stmt):
    """Names a top-level statement binds (assignments, loop targets, defs, imports)."""
    names = []
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.extend((a.asname or a.name).split(".")[0] for a in node.names)
    return dict.fromkeys(names)


def _assignment_order(tree):
    """Name -> index of the last top-level statement assigning it (for the default NAME)."""
    order = {}
    for index, stmt in enumerate(tree.body):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                order[node.id] = index
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                order[node.name] = index
    return order


def _cell_error(exc, filename, lines, stmt, scratch):
    """The innermost traceback frame inside the cell gives the line to point at."""
    lineno = stmt.lineno
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else _statement_source(lines, stmt)
    hint = None
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        close = difflib.get_close_matches(exc.name, list(scratch) + dir(builtins), n=1)
        hint = "Did you mean: %s?" % close[0] if close else None
    text = str(exc).strip()
    prefix = type(exc).__name__ + ": "
    first = text.splitlines()[0] if text else ""
    first = first[len(prefix):] if first.startswith(prefix) else first
    return CellError(prefix + first if first else type(exc).__name__, lineno, line, hint)
