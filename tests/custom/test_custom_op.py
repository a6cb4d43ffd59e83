"""Custom operators (``mx.operator``) inside the executor, against MXNet 1.9.1.

MXNet's numpy-ops custom softmax example (``_softmax.py``) must build MXNet's JSON byte for
byte, infer its shapes, and train with ``Module.fit`` to MXNet's recorded parameters; the
same network with the built-in SoftmaxOutput must train to the same parameters. Then the
request handling ('write', 'add', 'null'), aux states, keyword arguments as strings, JSON
round trips, and the errors.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _softmax  # noqa: E402

with open(HERE / "softmax.json") as _f:
    META = json.load(_f)


@pytest.fixture(scope="module")
def mlp():
    with mx.name.NameManager():
        return _softmax.define(mx)


def test_example_graph_matches_mxnet(mlp):
    assert mlp.tojson() == META["json"]
    assert mlp.list_arguments() == META["arguments"]
    assert mlp.list_outputs() == META["outputs"]
    arg_shapes, out_shapes, _ = mlp.infer_shape(data=(100, 784))
    assert [list(s) for s in arg_shapes] == META["arg_shapes"]
    assert [list(s) for s in out_shapes] == META["out_shapes"]
    again = mx.sym.load_json(mlp.tojson())
    assert again.tojson() == META["json"]


def test_example_trains_like_mxnet(mlp):
    params, acc = _softmax.train(mx, mlp)
    with np.load(HERE / "softmax.npz") as want:
        for name in want.files:
            np.testing.assert_allclose(params[name], want[name], rtol=1e-4, atol=1e-5,
                                       err_msg=name)
    assert acc == pytest.approx(META["val_accuracy"])


def test_custom_softmax_equals_softmax_output(mlp):
    builtin = mx.sym.SoftmaxOutput(mlp.get_internals()["fc3_output"], name="softmax")
    custom, _ = _softmax.train(mx, mlp, num_epoch=1)
    reference, _ = _softmax.train(mx, builtin, num_epoch=1)
    for name in reference:
        np.testing.assert_allclose(custom[name], reference[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)


class _Scale(mx.operator.CustomOp):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor
        self.calls = []

    def forward(self, is_train, req, in_data, out_data, aux):
        self.calls.append(("forward", is_train, tuple(req)))
        self.assign(out_data[0], req[0], in_data[0] * self.factor + in_data[1])
        aux[0][:] = aux[0] + 1                       # counts forwards

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.calls.append(("backward", tuple(req)))
        self.assign(in_grad[0], req[0], out_grad[0] * self.factor)
        self.assign(in_grad[1], req[1], out_grad[0])


@mx.operator.register("test_scale")
class _ScaleProp(mx.operator.CustomOpProp):
    instances = []

    def __init__(self, factor="1"):
        super().__init__(need_top_grad=True)
        self.factor = factor
        _ScaleProp.instances.append(self)

    def list_arguments(self):
        return ["data", "bias"]

    def list_auxiliary_states(self):
        return ["count"]

    def infer_shape(self, in_shape):
        return [in_shape[0], in_shape[0]], [in_shape[0]], [[1]]

    def create_operator(self, ctx, shapes, dtypes):
        assert ctx == mx.cpu() and shapes[0] == (2, 3) and dtypes[0] == np.float32
        self.op = _Scale(float(self.factor))
        return self.op


def _scaled():
    return mx.sym.Custom(mx.sym.var("x"), op_type="test_scale", factor=2.5, name="sc")


def test_keywords_reach_the_prop_as_strings_and_json_round_trips():
    s = _scaled()
    assert s.list_arguments() == ["x", "sc_bias"]
    assert s.list_auxiliary_states() == ["sc_count"]
    assert s.list_outputs() == ["sc_output"]
    assert json.loads(s.tojson())["nodes"][-1]["attrs"] == {"factor": "2.5",
                                                            "op_type": "test_scale"}
    loaded = mx.sym.load_json(s.tojson())
    assert loaded.tojson() == s.tojson()
    assert _ScaleProp.instances[-1].factor == "2.5"


@pytest.mark.parametrize("req", ["write", "add"])
def test_requests_aux_and_values(req):
    s = _scaled()
    x = mx.nd.array(np.arange(6).reshape(2, 3))
    gx, gb = mx.nd.ones((2, 3)), mx.nd.ones((2, 3))
    count = mx.nd.zeros((1,))
    ex = s.bind(mx.cpu(), {"x": x, "sc_bias": mx.nd.ones((2, 3))},
                args_grad={"x": gx, "sc_bias": gb}, grad_req={"x": req, "sc_bias": "null"},
                aux_states={"sc_count": count})
    out = ex.forward(is_train=True)[0].asnumpy()
    np.testing.assert_allclose(out, np.arange(6).reshape(2, 3) * 2.5 + 1)
    ex.backward(mx.nd.ones((2, 3)) * 2)
    base = 1 if req == "add" else 0
    np.testing.assert_allclose(gx.asnumpy(), base + 5.0)
    np.testing.assert_allclose(gb.asnumpy(), 1.0)            # 'null': untouched
    assert count.asnumpy()[0] == 1
    op = _ScaleProp.instances[-1].op
    assert op.calls == [("forward", True, ("write",)), ("backward", (req, "null"))]


def test_nd_custom():
    out = mx.nd.Custom(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), mx.nd.zeros((1,)),
                       op_type="test_scale", factor=3)
    np.testing.assert_allclose(out.asnumpy(), 4.0)


def test_loss_op_needs_no_head_gradient(mlp):
    ex = mlp.simple_bind(mx.cpu(), data=(4, 784))
    for name, arr in ex.arg_dict.items():
        arr[:] = _softmax.fill(arr.shape, len(name)) + 0.01
    ex.forward(is_train=True, data=mx.nd.ones((4, 784)), softmax_label=mx.nd.array([0, 1, 2, 3]))
    ex.backward()                     # need_top_grad=False: like SoftmaxOutput
    assert np.abs(ex.grad_dict["fc1_weight"].asnumpy()).sum() > 0


def test_errors():
    with pytest.raises(mx.MXNetError, match="Cannot find custom operator no_such_op"):
        mx.sym.Custom(mx.sym.var("x"), op_type="no_such_op")
    with pytest.raises(mx.MXNetError, match="does not accept the keyword arguments"):
        mx.sym.Custom(mx.sym.var("x"), op_type="test_scale", bogus=1)
    with pytest.raises(TypeError, match="CustomOpProp subclass"):
        mx.operator.register("bad")(object)


class _Failing(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        raise AssertionError("broken on purpose")


@mx.operator.register("test_failing")
class _FailingProp(mx.operator.CustomOpProp):
    def create_operator(self, ctx, shapes, dtypes):
        return _Failing()


def test_errors_in_user_code_are_mxnet_errors():
    with pytest.raises(mx.MXNetError, match="custom operator test_failing's forward: "
                                            "AssertionError: broken on purpose"):
        mx.nd.Custom(mx.nd.ones((2,)), op_type="test_failing")
