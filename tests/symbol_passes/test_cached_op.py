"""``mx.nd.CachedOp`` (a Symbol run imperatively) against MXNet 1.9.1: MXNet's
test_cached up to its autograd part, input order, outputs as new arrays or ``out``, flags
checked as MXNet's CachedOpConfig, and MXNet's error texts (recorded with the venv)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def test_mxnet_test_cached_forward_part():
    sym = mx.sym.Convolution(kernel=(3, 3), num_filter=10) + 2
    op = mx.nd.CachedOp(sym)
    data, weight, bias = mx.nd.ones((3, 4, 10, 10)), mx.nd.ones((10, 4, 3, 3)), mx.nd.ones((10,))
    o1 = op(data, weight, bias)
    np.testing.assert_allclose(o1.asnumpy(), 4 * 9 + 1 + 2)
    bias[:] = 2
    o2 = op(data, weight, bias)
    np.testing.assert_allclose(o2.asnumpy(), o1.asnumpy() + 1)       # o1 is its own array
    o2[:] = 0
    assert op(data, weight, bias, out=o2) is o2
    np.testing.assert_allclose(o2.asnumpy(), o1.asnumpy() + 1)
    other = op(mx.nd.ones((5, 2, 10, 10)), mx.nd.ones((10, 2, 3, 3)), bias)   # a new shape
    assert other.shape == (5, 10, 8, 8)


def test_inputs_in_graph_order_and_aux_untouched():
    bn = mx.sym.BatchNorm(mx.sym.var("a"), name="bn")
    mean, var = mx.nd.zeros((3,)), mx.nd.ones((3,))
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    y = mx.nd.CachedOp(bn)(x, mx.nd.ones((3,)), mx.nd.zeros((3,)), mean, var)
    np.testing.assert_allclose(y.asnumpy(), np.arange(6).reshape(2, 3) / np.sqrt(1 + 1e-3),
                               rtol=1e-6)
    assert mean.asnumpy().tolist() == [0, 0, 0] and var.asnumpy().tolist() == [1, 1, 1]


def test_outputs_and_types():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    g = mx.nd.CachedOp(mx.sym.Group([a + b, a - b]),
                       flags=[("static_alloc", True), ("static_shape", True)])
    outs = g(mx.nd.ones((2,)), mx.nd.ones((2,)))
    assert [o.asnumpy().tolist() for o in outs] == [[2, 2], [0, 0]]
    typed = mx.nd.CachedOp(mx.sym.var("x", dtype="float64") + 1)(mx.nd.ones((2,),
                                                                              dtype="int32"))
    assert typed.dtype == np.int32 and typed.asnumpy().tolist() == [2, 2]


def test_errors_as_mxnet():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    with mx.name.NameManager():
        op = mx.nd.CachedOp(a * 2 + b)
    with pytest.raises(mx.MXNetError, match=r"inputs.size\(\) == num_inputs\(\) \(1 vs. 2\)"):
        op(mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError) as info:
        op(mx.nd.ones((2,)), mx.nd.ones((3,)))
    assert str(info.value) == ("MXNetError: Error in operator _plus0: Check failed: "
                               "assign(&dattr, vec.at(i)): Incompatible attr in node _plus0 "
                               "at 1-th input: expected [2], got [3]")
    with pytest.raises(TypeError, match="unexpected keyword argument\\(s\\): foo"):
        op(mx.nd.ones((2,)), mx.nd.ones((2,)), foo=1)
    with pytest.raises(mx.MXNetError, match="CachedOp expects 1 outputs, but 2 was given."):
        op(mx.nd.ones((2,)), mx.nd.ones((2,)), out=[mx.nd.zeros((2,)), mx.nd.zeros((2,))])
    with pytest.raises(AttributeError, match="'int' object has no attribute 'handle'"):
        op(mx.nd.ones((2,)), 3)
    with pytest.raises(mx.MXNetError) as info:
        mx.nd.CachedOp(a, flags=[("bogus", 1)])
    assert str(info.value).startswith(
        "MXNetError: Cannot find argument 'bogus', Possible Arguments:\n----------------\n"
        "static_alloc : boolean, optional, default=0\n    Statically allocate memory to "
        "improve speed. Memory usage may increase.\n")
    assert str(info.value).endswith("is_dynamic : boolean, optional, default=0\n    Whether "
                                    "the graph contains dynamic shape operators.\n")
    with pytest.raises(mx.MXNetError) as info:
        mx.nd.CachedOp(a, flags=[("static_alloc", "maybe")])
    assert str(info.value) == ("MXNetError: Invalid Parameter format for static_alloc expect "
                               "boolean but value='maybe'")


def test_namespace():
    assert mx.nd.CachedOp is mx.nd._internal.CachedOp
