"""The fuzz harness itself can fail: leaks are told from clean errors, a giant allocation
in the child is a failure (not a dead machine), a child that stops answering is a hang."""
from __future__ import annotations

import time

import numpy as np
import pytest

import symnb as mx

from ._sandbox import Outcomes, origin_is_symnb_raise, run_capped


def _raised(fn):
    try:
        fn()
    except Exception as e:      # noqa: BLE001
        return e
    raise AssertionError("did not raise")


def test_clean_errors_and_leaks_are_told_apart():
    assert origin_is_symnb_raise(_raised(lambda: mx.sym.load_json("x")))
    # int() inside symnb, NumPy's own error, an error raised by the caller: all leaks
    assert not origin_is_symnb_raise(_raised(lambda: mx.nd.zeros(("a",))))
    assert not origin_is_symnb_raise(_raised(lambda: mx.nd.ones((2,)).reshape("ab")))
    assert not origin_is_symnb_raise(_raised(lambda: np.zeros(2).reshape(3)))
    outcomes = Outcomes()
    outcomes.judge(_raised(lambda: mx.sym.load_json("x")), (mx.MXNetError,))
    assert outcomes["clean errors"] == 1
    with pytest.raises(AssertionError, match="leak"):
        outcomes.judge(_raised(lambda: mx.nd.zeros(("a",))), (ValueError,))
    with pytest.raises(AssertionError, match="leak"):
        outcomes.judge(_raised(lambda: mx.sym.load_json("x")), (ValueError,))


def _allocate_40_gib():
    return np.ones(40 << 30, dtype=np.uint8).sum()


def test_giant_allocation_in_the_child_fails_the_test():
    with pytest.raises(AssertionError, match="MemoryError"):
        run_capped(_allocate_40_gib)


def _sleep():
    time.sleep(30)


def test_a_child_that_stops_answering_is_a_hang():
    with pytest.raises(AssertionError, match="hang"):
        run_capped(_sleep, timeout=1)


def test_the_child_returns_its_result():
    assert run_capped(lambda: {"inputs": 3}) == {"inputs": 3}
