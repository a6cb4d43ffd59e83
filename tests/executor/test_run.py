"""forward/backward semantics: outputs, head gradients, loss heads, accumulation, errors."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx


def nd(x, dtype="float32"):
    return mx.nd.array(np.asarray(x, dtype=dtype), dtype=dtype)


def has(*ops):
    missing = [o for o in ops if mx.ops.get_op(o) is None]
    if missing:
        pytest.skip("operators not registered yet: %s" % missing)


def test_seed_page_group_and_backward():
    A, B = mx.sym.Variable("A"), mx.sym.Variable("B")
    g = mx.sym.Group([A + B, A * B])
    ex = g.bind(mx.cpu(), {"A": nd(np.full((2, 3), 4.0)), "B": nd(np.full((2, 3), 2.0))})
    out = ex.forward()
    assert out[0].asnumpy()[0, 0] == 6.0 and out[1].asnumpy()[0, 0] == 8.0
    gA, gB = nd(np.zeros((2, 3))), nd(np.zeros((2, 3)))
    ex = (A * B).bind(mx.cpu(), {"A": nd(np.full((2, 3), 4.0)), "B": nd(np.full((2, 3), 2.0))},
                      args_grad={"A": gA, "B": gB})
    ex.forward(is_train=True)
    ex.backward(out_grads=nd(np.ones((2, 3))))
    assert gA.asnumpy()[0, 0] == 2.0 and gB.asnumpy()[0, 0] == 4.0


def test_outputs_share_buffers_across_forwards():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    ex = (a * b).bind(mx.cpu(), {"a": nd(np.ones((2, 3))), "b": nd(np.full((2, 3), 2.0))})
    o1 = ex.forward()[0]
    o2 = ex.forward(a=np.full((2, 3), 5.0))[0]
    assert o1 is not o2
    assert o1.asnumpy()[0, 0] == 10.0 == o2.asnumpy()[0, 0]
    assert ex.arg_dict["a"].asnumpy()[0, 0] == 5.0


@pytest.mark.parametrize("kwargs, exc, text", [
    ({"zzz": np.ones(2)}, TypeError, "Unknown argument zzz"),
    ({"a": [1, 2]}, ValueError, "only accept keyword argument of NDArrays and numpy.ndarray"),
    ({"a": np.ones(3)}, ValueError, "Shape not match! Argument a, need: (2,), received: (3,)"),
])
def test_forward_kwargs_errors(kwargs, exc, text):
    a = mx.sym.var("a")
    ex = (a * 2).bind(mx.cpu(), {"a": nd(np.ones(2))})
    with pytest.raises(exc) as e:
        ex.forward(**kwargs)
    assert str(e.value) == text


def test_failed_forward_kwargs_change_nothing():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    ex = (a + b).bind(mx.cpu(), {"a": nd(np.ones(2)), "b": nd(np.ones(2))})
    with pytest.raises(ValueError):
        ex.forward(a=np.full(2, 7.0), b=np.ones(3))
    assert ex.arg_dict["a"].asnumpy().tolist() == [1.0, 1.0]


def test_head_gradient_required():
    x = mx.sym.var("x")
    ex = (x * 3).simple_bind(mx.cpu(), x=(2,))
    ex.forward(is_train=True)
    with pytest.raises(mx.MXNetError, match="head_gradient is required when calling backward"):
        ex.backward()


def test_out_grad_shape_error_leaves_gradients():
    x = mx.sym.var("x")
    ex = (x * 3).simple_bind(mx.cpu(), x=(2, 3))
    ex.grad_dict["x"][:] = np.full((2, 3), 7.0)
    ex.forward(is_train=True)
    with pytest.raises(mx.MXNetError) as e:
        ex.backward([nd(np.ones((3, 3)))])
    assert "operands shape mismatch from.shape = [3,3] to.shape=[2,3]" in str(e.value)
    assert ex.grad_dict["x"].asnumpy()[0, 0] == 7.0


def test_out_grads_forms():
    x = mx.sym.var("x")
    ex = (x * 3).simple_bind(mx.cpu(), x=(2,))
    ex.forward(is_train=True)
    with pytest.raises(TypeError, match="inputs must be NDArray"):
        ex.backward([np.ones(2)])
    ex.backward({"_mulscalar0_output": nd([1.0, 2.0])} if ex._output_names == [
        "_mulscalar0_output"] else {ex._output_names[0]: nd([1.0, 2.0])})
    assert ex.grad_dict["x"].asnumpy().tolist() == [3.0, 6.0]
    with pytest.raises(KeyError):
        ex.backward({"nope": nd([1.0, 2.0])})


def test_backward_before_forward_runs_the_forward_first():
    # MXNet reads uninitialised outputs; symnb runs the forward so every op is right
    x = mx.sym.var("x")
    ex = mx.sym.Activation(x, act_type="tanh").simple_bind(mx.cpu(), x=(2,))
    ex.arg_dict["x"][:] = np.array([0.0, 1.0])
    ex.backward([nd([1.0, 1.0])])
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), 1 - np.tanh([0.0, 1.0]) ** 2,
                               rtol=1e-6)


def test_accumulation_and_shared_variable():
    x = mx.sym.var("x")
    G = nd([10.0, 10.0, 10.0])
    ex = (x * x + x).bind(mx.cpu(), [nd([1.0, 2.0, 3.0])], args_grad=[G], grad_req="add")
    ex.forward(is_train=True)
    ex.backward([nd(np.ones(3))])
    assert G.asnumpy().tolist() == [13.0, 15.0, 17.0]
    ex2 = (x * x + x).bind(mx.cpu(), [nd([1.0, 2.0, 3.0])], args_grad=[nd(np.zeros(3))])
    ex2.forward(is_train=True)
    ex2.backward([nd(np.ones(3))])
    assert ex2.grad_arrays[0].asnumpy().tolist() == [3.0, 5.0, 7.0]


def test_integer_graph_runs_in_int():
    d = mx.sym.var("d")
    ex = (d * 2).bind(mx.cpu(), [nd([1, 2], "int32")], args_grad=[nd([0, 0], "int32")])
    out = ex.forward(is_train=True)[0]
    assert out.dtype == np.int32 and out.asnumpy().tolist() == [2, 4]
    ex.backward([nd([1, 1], "int32")])
    assert ex.grad_arrays[0].asnumpy().tolist() == [2, 2]


def test_inputs_read_at_backward_time():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    gb = nd([0.0])
    ex = (a * b).bind(mx.cpu(), {"a": nd([2.0]), "b": nd([3.0])}, args_grad={"b": gb})
    ex.forward(is_train=True)
    ex.arg_dict["a"][:] = 100
    ex.backward([nd([1.0])])
    assert gb.asnumpy().tolist() == [100.0]


def test_doc_softmax_backward_example():
    has("SoftmaxOutput")
    net = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(net, name="fc", num_hidden=6)
    net = mx.sym.Activation(net, name="relu", act_type="relu")
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    args = {"data": nd(np.ones((1, 4))), "fc_weight": nd(np.ones((6, 4))),
            "fc_bias": nd([1, 4, 4, 4, 5, 6]), "softmax_label": nd([1.0])}
    args_grad = {"fc_weight": nd(np.zeros((6, 4))), "fc_bias": nd(np.zeros(6))}
    ex = net.bind(ctx=mx.cpu(), args=args, args_grad=args_grad)
    out = ex.forward(is_train=True)[0].asnumpy()
    np.testing.assert_allclose(out[0], [0.00378404, 0.07600445, 0.07600445, 0.07600445,
                                        0.20660152, 0.5616011], rtol=1e-5)
    ex.backward()
    np.testing.assert_allclose(ex.grad_dict["fc_bias"].asnumpy(),
                               [0.00378404, -0.92399555, 0.07600445, 0.07600445, 0.20660152,
                                0.5616011], rtol=1e-5)


def test_duplicate_output_names():
    fc1 = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc1")
    ex = mx.sym.Group([fc1, fc1]).simple_bind(mx.cpu(), data=(1, 3))
    with pytest.raises(ValueError, match=r"Duplicate names detected, \['fc1_output', "
                                         r"'fc1_output'\]"):
        _ = ex.output_dict


def test_observer_hook():
    x = mx.sym.var("x")
    ex = (x * 3).simple_bind(mx.cpu(), x=(2,))
    events = []
    unsubscribe = ex._subscribe(lambda event, e: events.append(event))
    ex.forward(is_train=True)
    ex.backward([nd([1.0, 1.0])])
    unsubscribe()
    ex.forward()
    assert events == ["forward", "backward"]


def test_monitor_callback_names():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=2, name="fc1")
    net = mx.sym.Activation(fc, act_type="relu", name="relu1")
    ex = net.simple_bind(mx.cpu(), data=(1, 3))
    seen = []
    ex.set_monitor_callback(lambda name, arr: seen.append(name))
    ex.forward()
    assert seen == [b"fc1_output", b"relu1_output"]


def test_monitor_all_names_match_mxnet():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=2, name="fc1")
    net = mx.sym.Activation(fc, act_type="relu", name="relu1")
    ex = net.simple_bind(mx.cpu(), data=(1, 3))
    seen = []
    ex.set_monitor_callback(lambda name, arr: seen.append(name), monitor_all=True)
    ex.forward(is_train=True)
    assert seen == [b"data", b"fc1_data", b"fc1_weight", b"fc1_weight", b"fc1_bias",
                    b"fc1_bias", b"fc1_output", b"relu1_input0", b"relu1_output"]
    seen.clear()
    ex.backward(nd(np.ones((1, 2))))
    assert b"fc1_backward_output1" in seen and b"relu1_backward_output" in seen


def test_monitor_values_are_ndarrays():
    x = mx.sym.var("x")
    with mx.name.NameManager():
        y = x * 2 + 1
    ex = y.bind(mx.cpu(), [nd([1.0, 2.0])])
    values = {}
    ex.set_monitor_callback(lambda name, arr: values.__setitem__(name, arr.asnumpy().tolist()))
    ex.forward()
    assert values == {b"_mulscalar0_output": [2.0, 4.0], b"_plusscalar0_output": [3.0, 5.0]}


def test_monitor_callback_errors_are_reported_and_the_pass_completes(capfd):
    # MXNet calls the monitor through ctypes: an exception is printed and ignored, so the
    # backward finishes and every gradient is written (recorded with MXNet 1.9.1)
    x = mx.sym.var("x")
    net = mx.sym.Activation(mx.sym.FullyConnected(x, num_hidden=2, name="fc"), act_type="relu",
                            name="r")
    ex = net.simple_bind(mx.cpu(), x=(1, 3))
    for a in ex.arg_arrays:
        a[:] = 1

    def boom(name, arr):
        if b"fc_backward" in name:
            raise RuntimeError("boom")

    ex.set_monitor_callback(boom)
    ex.forward(is_train=True)
    ex.backward(nd(np.ones((1, 2))))
    assert ex.grad_dict["x"].asnumpy().tolist() == [[2, 2, 2]]
    assert ex.grad_dict["fc_weight"].asnumpy().tolist() == [[1, 1, 1], [1, 1, 1]]
    assert ex.grad_dict["fc_bias"].asnumpy().tolist() == [1, 1]
    err = capfd.readouterr().err
    assert err.count("Exception ignored on calling ctypes callback function") == 3
    assert "RuntimeError: boom" in err


def test_inference_memory_sharing_frees_an_entry_read_twice_once():
    # relu(x) + relu(x) reads one entry twice: freed twice, its buffer went to two later
    # entries, and exp's result was overwritten by the relu after it (c read 2, not e**2)
    x = mx.sym.var("x")
    y = mx.sym.relu(x)
    a = mx.sym.relu(mx.sym.elemwise_add(y, y) + 0)
    c = mx.sym.relu(mx.sym.exp(a) * 1)
    ex = mx.sym.Group([c, a * 1]).bind(mx.cpu(), {"x": mx.nd.ones((2,))})
    ex.forward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), np.exp([2.0, 2.0]), rtol=1e-6)
    np.testing.assert_array_equal(ex.outputs[1].asnumpy(), [2, 2])
    arrays = list(ex._plan.entry_arrays.values())
    assert len({id(a) for a in arrays}) < len(arrays)           # memory is still shared
