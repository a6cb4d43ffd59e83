"""Run a fuzz family in a child process under a memory cap, and judge what raised.

A giant allocation in the child is a ``MemoryError`` there (RLIMIT_AS), so it fails the test
instead of taking the machine down; a child that stops answering is a hang. The child sends
back its outcome counts, or the failing example's report.
"""
from __future__ import annotations

import ast
import collections
import functools
import json
import multiprocessing
import os
import resource
import signal
import traceback
from pathlib import Path

import symnb

__all__ = ["run_capped", "origin_is_symnb_raise", "Outcomes", "report", "ci_examples"]

SYMNB_DIR = str(Path(symnb.__file__).resolve().parent)
HEADROOM = 1536 << 20          # address space the child may add to what it inherited
EXAMPLE_SECONDS = 20           # one input taking longer than this is a hang


FUZZ = bool(os.environ.get("SYMNB_FUZZ"))      # make fuzz: the profile's larger count


def ci_examples(count: int):
    """``@settings`` with ``count`` examples in CI (slow families), the profile's under fuzz."""
    from hypothesis import settings
    return settings() if FUZZ else settings(max_examples=count)


class Hang(Exception):
    """Raised in the child when one input runs past EXAMPLE_SECONDS."""


def _on_alarm(signum, frame):
    raise Hang("an input ran for more than %d s" % EXAMPLE_SECONDS)


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(conn, fn):
    try:
        limit = _vm_size() + HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.signal(signal.SIGALRM, _on_alarm)
        result = (True, fn())
    except BaseException:           # noqa: BLE001 -- everything goes back to the parent
        result = (False, traceback.format_exc())
    conn.send(result)
    conn.close()


def run_capped(fn, timeout: float | None = None):
    """``fn()`` in a forked child under RLIMIT_AS; its return value, or AssertionError."""
    if timeout is None:
        timeout = 7200.0 if FUZZ else 600.0
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn))
    proc.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise AssertionError("hang: the fuzz child gave no answer in %d s" % timeout)
        try:
            ok, payload = receive.recv()
        except EOFError:
            raise AssertionError("crash: the fuzz child died (exit code %s)"
                                 % proc.exitcode) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
    if not ok:
        raise AssertionError("fuzz child failed:\n" + payload)
    return payload


def example_alarm():
    """Arm the per-input hang alarm (call at the start of each example)."""
    signal.alarm(EXAMPLE_SECONDS)


@functools.lru_cache(maxsize=None)
def _raise_lines(filename: str) -> frozenset:
    """The lines of ``raise`` statements in a source file."""
    tree = ast.parse(Path(filename).read_text(), filename)
    return frozenset(line for node in ast.walk(tree) if isinstance(node, ast.Raise)
                     for line in range(node.lineno, node.end_lineno + 1))


def origin_is_symnb_raise(exc: BaseException) -> bool:
    """True when ``exc`` was raised by a ``raise`` statement in symnb's own code, not by
    NumPy, ``int()``, a decoder or an unpacking inside symnb."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    filename = str(Path(last.tb_frame.f_code.co_filename).resolve())
    return filename.startswith(SYMNB_DIR) and last.tb_lineno in _raise_lines(filename)


class Outcomes(collections.Counter):
    """Counts of what the inputs of one family did."""

    def judge(self, exc, allowed, what="", label="clean errors", parity=()):
        """Count a failed call under ``label``, or raise AssertionError for a leak.
        ``parity`` lists ``(type, text)`` errors MXNet itself raises from Python code."""
        if any(isinstance(exc, t) and text in str(exc) for t, text in parity):
            self["clean errors (MXNet's own)"] += 1
            return
        if not isinstance(exc, allowed):
            raise AssertionError("leak: %s raised %s (not %s): %s"
                                 % (what, type(exc).__name__,
                                    "/".join(a.__name__ for a in allowed), exc)) from exc
        if not origin_is_symnb_raise(exc):
            raise AssertionError("leak: %s raised %s from outside symnb's own checks: %s\n%s"
                                 % (what, type(exc).__name__, exc,
                                    "".join(traceback.format_tb(exc.__traceback__)[-3:])))
        if not str(exc).strip():
            raise AssertionError("%s raised %s with no message" % (what, type(exc).__name__))
        self[label] += 1


def report(family: str, outcomes) -> None:
    """Append a family's counts to $SYMNB_FUZZ_REPORT (``make fuzz`` prints them)."""
    path = os.environ.get("SYMNB_FUZZ_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"family": family, **dict(outcomes)}) + "\n")
