"""Elementwise families: behaviours MXNet 1.9.1's own unit tests rely on."""
from __future__ import annotations

import numpy as np
import pytest

from . import harness


@pytest.mark.parametrize("name, wrt", [("_mod", [0, 1]), ("broadcast_mod", [0, 1])])
def test_integer_mod_has_zero_gradient(name, wrt):
    # MXNet's mod_grad/mod_rgrad are float-only specialisations; integer dtypes get 0 even
    # where the divisor is 0 (MXNet test_binary_op test_bmod_int; checked on MXNet 1.9.1)
    a = np.array([7, -5, 4], dtype=np.int32)
    b = np.array([0, 3, 2], dtype=np.int32)
    assert harness.forward(name, [a, b])[0].tolist() == [0, 1, 0]
    grads = harness.backward(name, [a, b], [np.array([1, 2, 3], dtype=np.int32)], wrt=wrt)
    assert [g.tolist() for g in grads] == [[0, 0, 0], [0, 0, 0]]


@pytest.mark.parametrize("name, scalar", [("_mod_scalar", 3), ("_rmod_scalar", 7)])
def test_integer_scalar_mod_has_zero_gradient(name, scalar):
    a = np.array([7, -5, 4], dtype=np.int32)
    grad, = harness.backward(name, [a], [np.array([1, 2, 3], dtype=np.int32)], scalar=scalar)
    assert grad.tolist() == [0, 0, 0]


def test_float_mod_gradients_unchanged():
    a, b = np.array([7.5, -5.0]), np.array([2.0, 3.0])
    ga, gb = harness.backward("_mod", [a, b], [np.array([1.0, 2.0])])
    assert ga.tolist() == [1.0, 2.0] and gb.tolist() == [-3.0, 4.0]
