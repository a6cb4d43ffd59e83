"""MXNet's deprecated Python operators (``mx.operator.NumpyOp``/``NDArrayOp``, nodes
``_Native``/``_NDArray``) inside the executor, against MXNet 1.9.1 (``record_pythonop.py``).

The numpy-ops NumpyOp softmax example builds MXNet's JSON (its ``info`` pointer masked),
infers MXNet's shapes and trains with ``Module.fit`` to MXNet's recorded parameters; an
NDArrayOp with two outputs gives MXNet's structure, types and forward values, and its
backward (which MXNet 1.9.1 itself fails to run) follows its reference with 'write' and 'add'.
"""
from __future__ import annotations

import json
import pathlib
import re
import sys
import warnings

import numpy as np
import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _numpy_ops  # noqa: E402

with open(HERE / "pythonop.json") as _f:
    META = json.load(_f)


def _masked(text):
    return re.sub(r'"info": "[0-9a-f]+"', '"info": "<ptr>"', text)


@pytest.fixture(scope="module")
def mlp():
    with mx.name.NameManager():
        return _numpy_ops.define_softmax(mx)


def test_numpy_softmax_graph_matches_mxnet(mlp):
    assert _masked(mlp.tojson()) == META["json"]
    assert mlp.list_arguments() == META["arguments"]
    assert mlp.list_outputs() == META["outputs"]
    arg_shapes, out_shapes, _ = mlp.infer_shape(data=(100, 784), softmax_label=(100,))
    assert [list(s) for s in arg_shapes] == META["arg_shapes"]
    assert [list(s) for s in out_shapes] == META["out_shapes"]
    # in this process, the JSON loads back onto the same Python object
    assert mx.sym.load_json(mlp.tojson()).tojson() == mlp.tojson()


def test_numpy_softmax_trains_like_mxnet(mlp):
    params, acc = _numpy_ops.train(mx, mlp)
    with np.load(HERE / "pythonop.npz") as want:
        for name in params:
            np.testing.assert_allclose(params[name], want[name], rtol=1e-4, atol=1e-5,
                                       err_msg=name)
    assert acc == pytest.approx(META["val_accuracy"])


def test_identity_defaults_as_mxnet_test_python_op():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        op = mx.operator.NumpyOp()
    assert [str(w.message) for w in caught] == [
        "PythonOp has been deprecated. Please use CustomOp",
        "NumpyOp has been deprecated. Please use CustomOp"]
    s = op.get_symbol(mx.sym.var("X"), name="numpy_op")
    assert s.attr_dict()["numpy_op"]["need_top_grad"] == "True"
    x, dx = mx.nd.ones((10,)) * 10, mx.nd.zeros((10,))
    ex = s.bind(mx.cpu(), args=[x], args_grad={"X": dx})
    np.testing.assert_array_equal(ex.forward(is_train=True)[0].asnumpy(), 10.0)
    ex.backward(mx.nd.ones((10,)) * 7)
    np.testing.assert_array_equal(dx.asnumpy(), 1.0)       # the default backward: ones


def test_ndarray_op_structure_and_forward_match_mxnet():
    want = META["ndarray_op"]
    with mx.name.NameManager():
        s = _numpy_ops.define_scale_shift(mx)
    assert _masked(s.tojson()) == want["json"]
    assert s.list_arguments() == want["arguments"] and s.list_outputs() == want["outputs"]
    assert {k: sorted(v) for k, v in s.attr_dict().items()} == want["attr_dict"]
    assert [[list(t) for t in part] for part in s.infer_shape(x=(2, 3), ss_shift=(2,))] \
        == want["infer_shape"]
    assert [[np.dtype(t).name for t in part] for part in s.infer_type()] == want["infer_type"]
    with pytest.raises(mx.MXNetError) as info:
        s.infer_type(x="float64")
    text = re.sub(r"\[[0-9:]+\] \.\./include/mxnet/operator\.h:\d+: ", "", want["float64_error"])
    assert str(info.value).split("\n")[0] == text
    outs = s.eval(x=mx.nd.array(np.arange(6).reshape(2, 3) / 4), ss_shift=mx.nd.array([1, -1]))
    with np.load(HERE / "pythonop.npz") as rec:
        np.testing.assert_array_equal(outs[0].asnumpy(), rec["ndarray_op_scaled"])
        np.testing.assert_array_equal(outs[1].asnumpy(), rec["ndarray_op_squared"])


@pytest.mark.parametrize("need_top_grad", [True, False])
def test_ndarray_op_backward_requests(need_top_grad):
    got = _numpy_ops.run_scale_shift(mx, _numpy_ops.define_scale_shift(mx, need_top_grad),
                                     need_top_grad)
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    if need_top_grad:
        gx, gs = 0.5 * 3 + 2 * 2 * x, np.full(2, 1.5)
    else:
        gx, gs = np.ones((2, 3)), np.full(2, 2.0)
    np.testing.assert_allclose(got["grad_x"], gx)                      # 'write'
    np.testing.assert_allclose(got["grad_shift"], 1 + gs)              # 'add' to the ones


def test_shape_rule_waits_for_every_input_shape():
    s = _numpy_ops.define_scale_shift(mx)
    arg, out, _ = s.infer_shape_partial(x=(2, 3))
    assert arg == [(2, 3), ()] and out == [(), ()]


def test_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = mx.operator.NDArrayOp()(mx.sym.var("x"), name="op")
    text = s.tojson().replace(s.attr("info"), "123abc")
    with pytest.raises(mx.MXNetError, match=r"_NDArray\(name=\"op\"\): info=123abc names no "
                                            r"mx.operator.NDArrayOp of this process"):
        mx.sym.load_json(text)

    class Broken(mx.operator.NumpyOp):
        def forward(self, in_data, out_data):
            raise ValueError("broken on purpose")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = Broken()(mx.sym.var("x"))
    with pytest.raises(mx.MXNetError, match="Error in Broken.forward: ValueError: broken"):
        b.eval(x=mx.nd.ones((2,)))
