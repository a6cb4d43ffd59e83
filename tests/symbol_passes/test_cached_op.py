"""``mx.nd.CachedOp`` (a Symbol run imperatively; ndfix's ``symnb/ndarray/_cached_op.py``)
against MXNet 1.9.1: MXNet's test_cached up to its autograd part, input order, outputs as new
arrays or ``out``, and MXNet's error texts (recorded with the venv)."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx

if not hasattr(mx.nd, "CachedOp"):
    pytest.skip("mx.nd.CachedOp comes with the ndarray work (branch ndfix)",
                allow_module_level=True)


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
    op = mx.nd.CachedOp(a * 2 + b)
    with pytest.raises(mx.MXNetError, match=r"inputs.size\(\) == num_inputs\(\) \(1 vs. 2\)"):
        op(mx.nd.ones((2,)))
    with pytest.raises(TypeError, match="unexpected keyword argument\\(s\\): foo"):
        op(mx.nd.ones((2,)), mx.nd.ones((2,)), foo=1)


def test_namespace():
    assert mx.nd.CachedOp is mx.nd._internal.CachedOp
