"""bind: argument forms, aliasing, grad_req, and the errors of spec executor.md 1."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def nd(x, dtype="float32"):
    return mx.nd.array(np.asarray(x, dtype=dtype), dtype=dtype)


@pytest.fixture
def ab():
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    return a, b, a * b


def test_seed_page_bind_forward(ab):
    _, _, c = ab
    ex = c.bind(mx.cpu(), {"a": nd(np.full((2, 3), 4.0)), "b": nd(np.full((2, 3), 2.0))})
    assert ex.forward()[0].asnumpy().tolist() == [[8.0] * 3] * 2


def test_bind_aliases_arrays(ab):
    _, _, c = ab
    A, B = nd(np.ones((2, 3))), nd(np.full((2, 3), 2.0))
    ex = c.bind(mx.cpu(), {"a": A, "b": B})
    assert ex.arg_arrays[0] is A and ex.grad_arrays is None and ex.aux_arrays == []
    ex.forward()
    A[:] = 10
    assert ex.forward()[0].asnumpy()[0, 0] == 20.0


def test_list_args_is_callers_list(ab):
    _, _, c = ab
    args = [nd(np.ones(2)), nd(np.ones(2))]
    grads = [nd(np.zeros(2)), None]
    ex = c.bind(mx.cpu(), args, args_grad=grads)
    assert ex.arg_arrays is args and ex.grad_arrays is grads


@pytest.mark.parametrize("args, exc, text", [
    ((1,), TypeError, "Only accept list of NDArrays or dict of str to NDArray"),
    ([1], ValueError, "Length of args does not match the number of arguments"),
    ({"a": None}, ValueError, "key `b` is missing in `args`"),
])
def test_bind_args_errors(ab, args, exc, text):
    _, _, c = ab
    if isinstance(args, dict):
        args = {"a": nd(np.ones(2))}
    with pytest.raises(exc) as e:
        c.bind(mx.cpu(), args)
    assert str(e.value) == text


def test_bind_ctx_type_error(ab):
    with pytest.raises(TypeError, match="Context type error"):
        ab[2].bind("cpu", {"a": nd(1), "b": nd(1)})


def test_bind_shape_mismatch_message(ab):
    _, _, c = ab
    with pytest.raises(mx.MXNetError) as e:
        c.bind(mx.cpu(), {"a": nd(np.ones((2, 3))), "b": nd(np.ones((3, 3)))})
    assert str(e.value).startswith("MXNetError: Error in operator _mul")
    assert "Incompatible attr in node _mul" in str(e.value)
    assert "at 1-th input: expected [2,3], got [3,3]" in str(e.value)


def test_bind_dtype_mismatch_message(ab):
    _, _, c = ab
    with pytest.raises(mx.MXNetError, match="at 1-th input: expected float32, got float64"):
        c.bind(mx.cpu(), {"a": nd(np.ones(2)), "b": nd(np.ones(2), "float64")})


def test_fc_weight_shape_error():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    with pytest.raises(mx.MXNetError) as e:
        fc.bind(mx.cpu(), {"data": nd(np.ones((2, 3))), "fc1_weight": nd(np.ones((4, 5))),
                           "fc1_bias": nd(np.ones(4))})
    assert str(e.value) == ("MXNetError: Error in operator fc1: Shape inconsistent, "
                            "Provided = [4,5], inferred shape=(4,3)")
    with pytest.raises(mx.MXNetError, match=r"Unexpected shape for bias \[5\]"):
        fc.bind(mx.cpu(), {"data": nd(np.ones((2, 3))), "fc1_weight": nd(np.ones((4, 3))),
                           "fc1_bias": nd(np.ones(5))})


@pytest.mark.parametrize("req, expected", [
    ("write", [5.0, 3.0]), ("add", [105.0, 103.0]), ("null", [100.0, 100.0]),
    (["add", "null"], [105.0, 100.0]), ({"a": "add"}, [105.0, 100.0]),
])
def test_grad_req_semantics(ab, req, expected):
    _, _, c = ab
    G = [nd([100.0]), nd([100.0])]
    ex = c.bind(mx.cpu(), [nd([3.0]), nd([5.0])], args_grad=G, grad_req=req)
    ex.forward(is_train=True)
    ex.backward([nd([1.0])])
    assert [float(g.asnumpy()[0]) for g in G] == expected


@pytest.mark.parametrize("req, exc, text", [
    ("inplace", ValueError, "grad_req must be in {'null': 0, 'write': 1, 'add': 3}"),
    (["bogus", "write"], KeyError, "'bogus'"),
    (("write",), TypeError, "grad_req must be a str"),
])
def test_grad_req_errors(ab, req, exc, text):
    _, _, c = ab
    with pytest.raises(exc) as e:
        c.bind(mx.cpu(), [nd([1.0]), nd([1.0])], args_grad=[nd([0.0]), nd([0.0])],
               grad_req=req)
    assert str(e.value).startswith(text)


def test_aux_states_errors():
    bn = mx.sym.BatchNorm(mx.sym.var("data"), name="bn") if mx.ops.get_op("BatchNorm") else None
    if bn is None:
        pytest.skip("BatchNorm not registered yet")
    args = {"data": nd(np.ones((2, 2))), "bn_gamma": nd(np.ones(2)), "bn_beta": nd(np.zeros(2))}
    with pytest.raises(ValueError, match="Length of aux_states does not match"):
        bn.bind(mx.cpu(), args)
    with pytest.raises(ValueError, match="key `bn_moving_var` is missing in `aux_states`"):
        bn.bind(mx.cpu(), args, aux_states={"bn_moving_mean": nd(np.zeros(2))})
    with pytest.raises(mx.MXNetError, match="bn_moving_var"):
        bn.bind(mx.cpu(), args, aux_states=[nd(np.zeros(2)), nd(np.zeros(3))])


def test_grad_array_checked_at_bind(ab):
    _, _, c = ab
    with pytest.raises(mx.MXNetError, match="gradient array for argument a has dtype float64"):
        c.bind(mx.cpu(), [nd([1.0]), nd([1.0])], args_grad=[nd([0.0], "float64"), None])
    with pytest.raises(mx.MXNetError, match="gradient array for argument a has shape"):
        c.bind(mx.cpu(), [nd([1.0]), nd([1.0])], args_grad=[nd([0.0, 0.0]), None])


def test_same_size_grad_written_in_c_order():
    a = mx.sym.var("a")
    G = nd(np.zeros((3, 2)))
    ex = (a * 2).bind(mx.cpu(), [nd(np.arange(6).reshape(2, 3))], args_grad=[G])
    ex.forward(is_train=True)
    ex.backward([nd(np.arange(6).reshape(2, 3))])
    assert G.asnumpy().reshape(-1).tolist() == [0, 2, 4, 6, 8, 10]


def test_context_mismatch():
    a = mx.sym.var("a")
    with pytest.raises(mx.MXNetError, match="Input array is in cpu\\(0\\) while binding with "
                       "ctx=cpu\\(1\\)"):
        (a * 2).bind(mx.cpu(1), [nd([1.0])])


def test_variable_head_aliases_argument():
    x = mx.sym.var("x")
    X, G = nd([1.0, 2.0]), nd([0.0, 0.0])
    ex = x.bind(mx.cpu(), [X], args_grad=[G])
    assert ex.outputs[0] is X
    ex.forward(is_train=True)
    ex.backward([nd([3.0, 4.0])])
    assert G.asnumpy().tolist() == [3.0, 4.0]


def test_group2ctx_places_outputs():
    with mx.AttrScope(ctx_group="dev1"):
        a = mx.sym.var("a")
        b = a * 2
    with mx.AttrScope(ctx_group="dev2"):
        c = b + 1
    ex = c.bind(mx.cpu(), [nd([1.0, 2.0])],
                group2ctx={"dev1": mx.cpu(0), "dev2": mx.cpu(1)})
    out = ex.forward()[0]
    assert out.context == mx.cpu(1)
    assert out.asnumpy().tolist() == [3.0, 5.0]
