"""Creation ops and *_like: shapes and dtypes from parameters, values, loss-head gradients."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx

from . import harness
from .test_shape import check_example, check_facts, rule, rule_error

NAMES = ["_zeros", "_ones", "_full", "_arange", "zeros_like", "ones_like"]


@pytest.mark.parametrize("name", NAMES)
def test_facts_and_example(name):
    check_facts(name)
    check_example(name)


def test_creation_shapes_and_types():
    assert rule("_zeros", [], shape=(2, 3))[1] == [(2, 3)]
    assert rule("_zeros", [])[1] == [None]                         # () = unknown (legacy)
    assert rule("_ones", [], [(4, 3)], shape=(0, 3))[1] == [(4, 3)]  # filled from downstream
    assert "Shape inconsistent, Provided = [4,3], inferred shape=(2,3)" in \
        rule_error("_zeros", [], [(4, 3)], shape=(2, 3))
    assert harness.infer_types("_full", [], value=1, dtype="int64")[1] == [np.dtype("int64")]
    z = mx.sym._internal._zeros(shape=(0, 3)) + mx.sym.var("x")
    assert z.infer_shape(x=(5, 3))[1] == [(5, 3)]


@pytest.mark.parametrize("attrs, values", [
    (dict(start=0, stop=5), [0, 1, 2, 3, 4]),
    (dict(start=3), [0, 1, 2]),                                    # stop=None: [0, start)
    (dict(start=1, stop=2, step=0.25), [1, 1.25, 1.5, 1.75]),
    (dict(start=5, stop=1, step=-2), [5, 3]),
    (dict(start=0, stop=3, repeat=2), [0, 0, 1, 1, 2, 2]),
    (dict(start=0.5, stop=3, dtype="int32"), [0, 1, 2]),
    # start and step are cast to the dtype first (MXNet 1.9.1, MXNet test_init/test_arange)
    (dict(start=1.3, stop=7, step=1.3, dtype="int32"), [1, 2, 3, 4, 5]),
    (dict(start=50, stop=40, step=-2, dtype="uint8"), [50, 48, 46, 44, 42]),  # step wraps
])
def test_arange(attrs, values):
    out, = harness.forward("_arange", [], **attrs)
    assert out.dtype == np.dtype(attrs.get("dtype", "float32"))
    assert out.tolist() == values


def test_arange_infer_range_and_errors():
    assert rule("_arange", [], start=0, infer_range=True)[1] == [None]
    assert rule("_arange", [], [(4,)], start=0, infer_range=True)[1] == [(4,)]
    assert "Invalid range (start, stop, step) = (5,1,1)" in rule_error("_arange", [], start=5,
                                                                       stop=1)
    assert "Range does not support step=0" in rule_error("_arange", [], start=0, stop=1, step=0)


def test_constant_values():
    assert harness.forward("_full", [], shape=(2,), value=2.5)[0].tolist() == [2.5, 2.5]
    assert harness.forward("_ones", [], shape=(1, 2), dtype="int8")[0].dtype == np.int8
    x = np.arange(6.0).reshape(2, 3)
    assert (harness.forward("zeros_like", [x])[0] == 0).all()
    assert (harness.forward("ones_like", [x])[0] == 1).all()


@pytest.mark.parametrize("name", ["zeros_like", "ones_like"])
def test_like_ops_shapes_and_zero_gradient(name):
    assert rule(name, [None], [(2, 3)])[0] == [(2, 3)]
    op, p = harness.parse(name)
    buf = np.ones((2, 3))                   # 'write' must overwrite stale values with zeros
    op.backward(p, [buf], [buf], [None], [buf], ["write"], True, harness.numpy_backend)
    assert (buf == 0).all()
