"""Misuses of the Module API raise, warn and log what MXNet 1.9.1 does (recorded texts)."""
from __future__ import annotations

import json
import pathlib

import pytest

import symnb as mx

from . import errors

RECORDED = json.loads((pathlib.Path(__file__).parent / "cases" / "errors.json").read_text())


@pytest.fixture(scope="module")
def collected():
    return errors.collect(mx)


def _normalise(name, result):
    if name == "load_params_bad_key" and result[1]:
        # the file lives in a fresh temporary directory
        result = [result[0], result[1].rsplit("/", 1)[-1]] + result[2:]
    return result


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_same_error_warning_and_log_as_mxnet(collected, name):
    assert _normalise(name, collected[name]) == _normalise(name, RECORDED[name])


def test_every_case_was_recorded(collected):
    assert sorted(collected) == sorted(RECORDED)
