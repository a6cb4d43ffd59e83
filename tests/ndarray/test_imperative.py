"""``mx.nd.<op>`` for every registered operator, built from the OpDefs (imperative path)."""
import inspect

import numpy as np
import pytest

import symnb as mx
from symnb.ndarray._imperative import invoke
from symnb.ops import OPS, get_op
from symnb.symbol._functions import python_location

nd = mx.nd
HELPERS = set(nd.__all__)
MODULES = {"": nd, "_internal": nd._internal, "contrib": nd.contrib, "linalg": nd.linalg,
           "sparse": nd.sparse, "image": nd.image, "random": nd.random}


def registered_names():
    return sorted(n for op in OPS.values() for n in (op.name,) + tuple(op.aliases))


def test_every_registered_operator_has_an_nd_function():
    missing = []
    for registered in registered_names():
        module, fname = python_location(registered)
        if module == "" and fname in HELPERS:
            continue
        function = getattr(MODULES[module], fname, None)
        if function is None or function.__wrapped_op__ is not get_op(registered):
            missing.append(registered)
    assert not missing
    assert len(registered_names()) > 50


def test_signatures_follow_mxnet_ndarray_form():
    assert str(inspect.signature(nd.FullyConnected)) == (
        "(data=None, weight=None, bias=None, num_hidden=_Null, no_bias=_Null, flatten=_Null, "
        "out=None, name=None, **kwargs)")
    assert str(inspect.signature(nd._internal._plus_scalar)) == (
        "(data=None, scalar=_Null, is_int=_Null, out=None, name=None, **kwargs)")
    assert "Parameters" in nd.FullyConnected.__doc__


def test_fully_connected_forward_with_positional_params():
    x = nd.array([[1, 2], [3, 4]])
    w = nd.array([[1, 0], [0, 1], [1, 1]])
    b = nd.array([0.5, 0, 0])
    out = nd.FullyConnected(x, w, b, 3)
    assert out.asnumpy().tolist() == [[1.5, 2, 3], [3.5, 4, 7]]
    no_bias = nd.FullyConnected(x, w, num_hidden=3, no_bias=True)
    assert no_bias.asnumpy().tolist() == [[1, 2, 3], [3, 4, 7]]
    assert nd.FullyConnected(data=x, weight=w, bias=b, num_hidden=3).shape == (2, 3)


def test_out_argument_writes_in_place():
    a, b = nd.ones((2,)), nd.ones((2,))
    out = nd.zeros((2,))
    assert nd.elemwise_add(a, b, out=out) is out
    assert out.asnumpy().tolist() == [2, 2]
    with pytest.raises(mx.MXNetError, match="at 0-th output: expected \\[2\\], got \\[3\\]"):
        nd.elemwise_add(a, b, out=nd.zeros((3,)))


def test_errors_from_the_operator_definition():
    with pytest.raises(mx.MXNetError) as info:
        nd.Activation(nd.ones((2,)), act_type="Relu")
    assert str(info.value) == ("MXNetError: Invalid Input: 'Relu', valid values are: {'relu', "
                               "'sigmoid', 'softrelu', 'softsign', 'tanh'}, in operator "
                               "Activation(name=\"\", act_type=\"Relu\")")
    with pytest.raises(AssertionError, match="^Argument data must have NDArray type, but got 1$"):
        nd.relu(1)
    with pytest.raises(mx.MXNetError, match="Operator FullyConnected expects 3 inputs, but got "
                                            "1 instead."):
        nd.FullyConnected(nd.ones((2, 2)), num_hidden=3)
    with pytest.raises(mx.MXNetError, match="Check failed: l == 1 \\|\\| r == 1"):
        nd.broadcast_add(nd.ones((2, 3)), nd.ones((3, 2)))


def test_hidden_outputs_are_allocated_but_not_returned():
    bn = get_op("BatchNorm")
    if bn is None:
        pytest.skip("BatchNorm is not registered yet")
    assert bn.num_outputs_total(bn.parse({})) == 3   # output, hidden mean and var
    x = nd.array([[1, 2], [3, 5]])
    y = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), nd.zeros(2), nd.ones(2))
    assert isinstance(y, nd.NDArray)
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy() / np.sqrt(1 + 1e-3), rtol=1e-6)


def test_invoke_directly_and_ctx_param():
    r = invoke(get_op("_mul_scalar"), [nd.array([1, 2], dtype="int32")], {"scalar": 2.9})
    assert r.dtype is np.int32 and r.asnumpy().tolist() == [2, 4]


def test_variadic_operators():
    concat = get_op("Concat")
    if concat is None:
        pytest.skip("Concat is not registered yet")
    a = nd.ones((1, 2))
    assert nd.concat(a, a, dim=0).shape == (2, 2)
    with pytest.raises(AssertionError, match="Positional arguments must have NDArray type"):
        nd.concat(a, 1)


def test_placement():
    assert nd._internal._plus_scalar(nd.ones((1,)), scalar=1).asnumpy().tolist() == [2]
    assert callable(nd.broadcast_add) and not hasattr(nd, "_plus_scalar")
    # Python helpers win over same-named operators (maximum handles scalars)
    assert nd.maximum(nd.array([1, 5]), 3).asnumpy().tolist() == [3, 5]


def needs(*names):
    missing = [n for n in names if get_op(n) is None]
    return pytest.mark.skipif(bool(missing), reason="operators not registered yet: %s" % missing)


@needs("ones_like", "zeros_like")
def test_ones_like_zeros_like_keep_dtype():
    assert str(inspect.signature(nd.ones_like)) == "(data=None, out=None, name=None, **kwargs)"
    i = nd.ones_like(nd.array([5, 6], dtype="int32"))
    assert i.dtype is np.int32 and i.asnumpy().tolist() == [1, 1]
    z = nd.zeros_like(nd.ones((2, 3), dtype="float64"))
    assert z.dtype is np.float64 and z.asnumpy().tolist() == [[0] * 3] * 2


@needs("sum", "dot", "Concat", "norm", "relu")
def test_spec_6_5_functions():
    a = nd.array([[1, 2, 3], [4, 5, 6]])
    assert nd.sum(a, axis=1).asnumpy().tolist() == [6, 15]
    assert nd.dot(a, a.T).asnumpy().tolist() == [[14, 32], [32, 77]]
    assert nd.concat(a, a, dim=0).shape == (4, 3)
    assert nd.maximum(a, 3).asnumpy().tolist() == [[3, 3, 3], [4, 5, 6]]
    assert nd.relu(a - 3).asnumpy().tolist() == [[0, 0, 0], [1, 2, 3]]
    n = nd.norm(a)
    assert n.shape == (1,) and abs(n.asscalar() - np.sqrt(91)) < 1e-5
