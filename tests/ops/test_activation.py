"""LeakyReLU (every act_type), softmax, log_softmax and SoftmaxActivation: structure that
depends on parameters, shape/type rules, forward against NumPy references and float64
central-difference gradients; MXNet's float32 quirks pinned by the oracle cases."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

import symnb as mx
from symnb.backends import numpy_backend

from . import harness

SELU_ALPHA, SELU_LAMBDA = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def away_from_zero(shape, seed=0):
    """Values with |x| >= 0.2, so finite differences never straddle a kink at 0."""
    x = np.random.default_rng(seed).uniform(0.2, 2.0, shape)
    return x * np.where(np.random.default_rng(seed + 1).random(shape) < 0.5, -1, 1)


def erf(x):
    return np.vectorize(math.erf)(x)


# ----------------------------------------------------------------------------- structure
def test_leakyrelu_structure_follows_act_type():
    x = mx.sym.var("x")
    assert mx.sym.LeakyReLU(x, name="l").list_arguments() == ["x"]
    pr = mx.sym.LeakyReLU(x, act_type="prelu", name="pr")
    assert pr.list_arguments() == ["x", "pr_gamma"]
    gamma = json.loads(pr.tojson())["nodes"][1]
    assert gamma["attrs"]["__init__"] == '["Constant", {"value": 0.25}]'
    rr = mx.sym.LeakyReLU(x, act_type="rrelu", name="rr")
    assert rr.list_outputs() == ["rr_output", "rr_mask"]
    op, p = harness.parse("LeakyReLU", act_type="prelu")
    assert op.role("gamma") == "weight" and op.family == "activation"
    assert op.label(p, {}) == "LeakyReLU\nprelu"


def test_softmax_length_input_only_with_use_length():
    x = mx.sym.var("x")
    assert mx.sym.softmax(x, name="s").list_arguments() == ["x"]
    assert mx.sym.softmax(x, use_length=True, name="s").list_arguments() == ["x", "s_length"]
    assert mx.sym.log_softmax(x, use_length=True, name="l").list_arguments() == ["x"]


# ----------------------------------------------------------------------------- shapes / types
@pytest.mark.parametrize("name, attrs, in_shapes, expect_ins, expect_outs", [
    ("LeakyReLU", {}, [(2, 3)], [(2, 3)], [(2, 3)]),
    ("LeakyReLU", {"act_type": "prelu"}, [(2, 3, 4), None], [(2, 3, 4), (3,)], [(2, 3, 4)]),
    ("LeakyReLU", {"act_type": "prelu"}, [(2, 3, 4), (1,)], [(2, 3, 4), (1,)], [(2, 3, 4)]),
    ("LeakyReLU", {"act_type": "rrelu"}, [(2, 3)], [(2, 3)], [(2, 3), (2, 3)]),
    ("softmax", {"axis": 1}, [(2, 3, 4)], [(2, 3, 4)], [(2, 3, 4)]),
    ("softmax", {"use_length": True}, [(2, 3, 4), None], [(2, 3, 4), (2, 3)], [(2, 3, 4)]),
    ("softmax", {"use_length": True, "axis": 0}, [(5, 3), None], [(5, 3), (3,)], [(5, 3)]),
    ("log_softmax", {}, [None], [(2, 3)], [(2, 3)]),             # output -> data
    ("SoftmaxActivation", {"mode": "channel"}, [(2, 3, 4)], [(2, 3, 4)], [(2, 3, 4)]),
])
def test_shapes(name, attrs, in_shapes, expect_ins, expect_outs):
    op, p = harness.parse(name, **attrs)
    ins = list(in_shapes)
    outs = [None] * op.num_outputs_total(p)
    if ins[0] is None:
        outs[0] = expect_outs[0]
    op.infer_shape(p, ins, outs)
    assert (ins, outs) == (expect_ins, expect_outs)


def test_softmax_dtype_override():
    sym = mx.sym.softmax(mx.sym.var("x"), dtype="float64")
    args, outs, _ = sym.infer_type(x="float32")
    assert (np.dtype(args[0]).name, np.dtype(outs[0]).name) == ("float32", "float64")
    assert np.dtype(sym.infer_type_partial()[0][0]).name == "float64"   # data from dtype
    out = harness.forward("softmax", [np.array([[1., 2.]], np.float32)], dtype="float64")[0]
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [[1 / (1 + math.e), math.e / (1 + math.e)]], rtol=1e-7)


def test_softmax_axis_out_of_range():
    # MXNet's shape rule checks the axis only with use_length; the forward always does
    assert mx.sym.softmax(mx.sym.var("x"), axis=2).infer_shape(x=(2, 3))[1] == [(2, 3)]
    with pytest.raises(mx.MXNetError, match="axis 2 exceeds the input dimension of 2"):
        harness.forward("softmax", [np.zeros((2, 3))], axis=2)
    with pytest.raises(mx.MXNetError, match="axis 2 exceeds the input dimension of 2"):
        mx.sym.softmax(mx.sym.var("x"), axis=2, use_length=True).infer_shape(x=(2, 3))


# ----------------------------------------------------------------------------- LeakyReLU
def leaky_reference(x, act, slope=0.25, gamma=None):
    if act == "leaky":
        return np.where(x > 0, x, slope * x)
    if act == "prelu":
        return np.where(x > 0, x, gamma * x)
    if act == "elu":
        return np.where(x > 0, x, slope * (np.exp(x) - 1))
    if act == "selu":
        return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))       # gelu


@pytest.mark.parametrize("act, attrs", [("leaky", {"slope": 0.1}), ("elu", {"slope": 0.7}),
                                        ("selu", {}), ("gelu", {})])
def test_leakyrelu_forward(act, attrs):
    x = away_from_zero((3, 4, 5))
    y = harness.forward("LeakyReLU", [x], act_type=act, **attrs)[0]
    slope = float(np.float32(attrs.get("slope", 0.25)))
    np.testing.assert_allclose(y, leaky_reference(x, act, slope), rtol=1e-7)


def test_leaky_multiplies_in_float32():
    # oracle leaky_leaky: MXNet's float64 output equals float32(x) * float32(slope) exactly
    x = away_from_zero((50,))
    y = harness.forward("LeakyReLU", [x], slope=0.1)[0]
    neg = x < 0
    np.testing.assert_array_equal(y[neg], (x[neg].astype(np.float32) * np.float32(0.1)))
    np.testing.assert_array_equal(y[~neg], x[~neg])


@pytest.mark.parametrize("act, attrs, eps, rtol", [
    ("leaky", {"slope": 0.1}, 1e-3, 1e-4),      # float32 products: a coarser difference step
    ("elu", {"slope": 0.7}, 1e-6, 1e-6), ("gelu", {}, 1e-6, 1e-6)])
def test_leakyrelu_numeric_gradient(act, attrs, eps, rtol):
    harness.check_numeric_gradient("LeakyReLU", [away_from_zero((3, 4))], eps=eps, rtol=rtol,
                                   act_type=act, **attrs)


def test_prelu_forward_and_gradients():
    x, gamma = away_from_zero((2, 3, 4)), np.array([0.1, 0.5, 2.0])
    y = harness.forward("LeakyReLU", [x, gamma], act_type="prelu")[0]
    np.testing.assert_allclose(y, leaky_reference(x, "prelu", gamma=gamma[:, None]), rtol=1e-7)
    harness.check_numeric_gradient("LeakyReLU", [x, gamma], eps=1e-3, rtol=1e-4,
                                   act_type="prelu")
    harness.check_numeric_gradient("LeakyReLU", [x, np.array([0.3])], eps=1e-3, rtol=1e-4,
                                   act_type="prelu")


def test_prelu_gamma_shape_is_checked_when_bound():
    # MXNet checks this in forward only (the same text) and its inference accepts any gamma,
    # as symnb's does; symnb refuses when the arrays are bound (issue 11), naming the node
    x, g = mx.sym.var('x'), mx.sym.var('g')
    pr = mx.sym.LeakyReLU(x, gamma=g, act_type="prelu", name="pr")
    for gamma, data in (((5,), (2, 3)), ((3, 1), (2, 3, 4))):
        assert pr.infer_shape(x=data, g=gamma)[1] == [data]
        with pytest.raises(mx.MXNetError) as e:
            pr.bind(mx.cpu(), {"x": mx.nd.ones(data), "g": mx.nd.ones(gamma)})
        assert str(e.value) == (
            "MXNetError: Error in operator pr: Check failed: s == -1: Cannot broadcast gamma to "
            "data. gamma: [%s], data: [%s]" % (",".join(map(str, gamma)), ",".join(map(str, data))))
    for gamma, data in (((1,), (2, 3)), ((3,), (2, 3)), ((2, 3), (2, 3)), ((2,), (2, 3, 4))):
        ex = pr.bind(mx.cpu(), {"x": mx.nd.ones(data), "g": mx.nd.ones(gamma)})
        assert ex.forward()[0].shape == data                   # MXNet's forward takes these


def test_selu_gradient_is_mxnets_output_based_formula():
    """MXNet's selu_grad uses lambda * (y + alpha) for y <= 0 (oracle leaky_selu): right for
    x > 0, not the true derivative below 0."""
    x = away_from_zero((4, 5))
    dy = np.random.default_rng(3).standard_normal(x.shape)
    y = harness.forward("LeakyReLU", [x], act_type="selu")[0]
    dx = harness.backward("LeakyReLU", [x], [dy], act_type="selu")[0]
    lam, alpha = float(np.float32(SELU_LAMBDA)), float(np.float32(SELU_ALPHA))
    np.testing.assert_allclose(dx, dy * np.where(y > 0, lam, lam * (y + alpha)), rtol=1e-14)
    pos = np.abs(x)
    harness.check_numeric_gradient("LeakyReLU", [pos], act_type="selu")


def test_rrelu_training_and_inference():
    x = away_from_zero((40, 30))
    y, mask = harness.forward("LeakyReLU", [x], act_type="rrelu")
    low, high = float(np.float32(0.125)), float(np.float32(0.334))
    assert ((mask >= low) & (mask <= high)).all() and mask.std() > 0.01
    np.testing.assert_array_equal(y, np.where(x > 0, x, x * mask))
    dy = np.ones_like(x)
    op, p = harness.parse("LeakyReLU", act_type="rrelu")
    dx = np.zeros_like(x)
    op.backward(p, [x], [y, mask], [dy, None], [dx], ["write"], True, numpy_backend)
    np.testing.assert_array_equal(dx, np.where(x > 0, 1, mask))
    y, mask = harness.forward("LeakyReLU", [x], is_train=False, act_type="rrelu",
                              lower_bound=0.2, upper_bound=0.4)
    slope = float((np.float32(0.2) + np.float32(0.4)) / np.float32(2))
    np.testing.assert_allclose(y, np.where(x > 0, x, x * slope), rtol=1e-15)


# ----------------------------------------------------------------------------- softmax family
def softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


SOFTMAX_CASES = [({}, (3, 4)), ({"axis": 0}, (3, 4)), ({"axis": 1, "temperature": 2.5},
                                                         (2, 3, 4)), ({"axis": -2}, (2, 3, 4))]


@pytest.mark.parametrize("attrs, shape", SOFTMAX_CASES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_forward_and_gradient(name, attrs, shape):
    x = np.random.default_rng(4).standard_normal(shape) * 3
    y = harness.forward(name, [x], **attrs)[0]
    ref = softmax_ref(x / attrs.get("temperature", 1.0), attrs.get("axis", -1))
    np.testing.assert_allclose(y, np.log(ref) if name == "log_softmax" else ref, rtol=1e-12)
    harness.check_numeric_gradient(name, [x], **attrs)


def test_softmax_with_length():
    rng = np.random.default_rng(5)
    x, length = rng.standard_normal((2, 3, 5)), np.array([[5, 1, 3], [2, 4, 5]], np.int32)
    y = harness.forward("softmax", [x, length], use_length=True)[0]
    for i in range(2):
        for j in range(3):
            n = length[i, j]
            np.testing.assert_allclose(y[i, j, :n], softmax_ref(x[i, j, :n], 0), rtol=1e-12)
            assert (y[i, j, n:] == 0).all()
    harness.check_numeric_gradient("softmax", [x, length], wrt=[0], use_length=True)
    grads = harness.backward("softmax", [x, length], [np.ones_like(x)], use_length=True)
    assert (grads[1] == 0).all()


@pytest.mark.parametrize("mode, shape", [("instance", (3, 4)), ("instance", (2, 3, 2)),
                                         ("channel", (2, 3, 2, 2))])
def test_softmax_activation(mode, shape):
    x = np.random.default_rng(6).standard_normal(shape)
    y = harness.forward("SoftmaxActivation", [x], mode=mode)[0]
    # 'instance' is MXNet's FlatTo2D view: a softmax over the last axis only
    ref = softmax_ref(x, 1) if mode == "channel" else softmax_ref(x, len(shape) - 1)
    np.testing.assert_allclose(y, ref, rtol=1e-12)
    if mode == "channel" or len(shape) == 2:
        harness.check_numeric_gradient("SoftmaxActivation", [x], mode=mode)
    else:
        # MXNet's backward reduces over axis 1 whatever the mode (not the forward's derivative)
        g = np.random.default_rng(7).standard_normal(shape)
        dx = harness.backward("SoftmaxActivation", [x], [g], mode=mode)[0]
        np.testing.assert_allclose(dx, y * (g - (g * y).sum(axis=1, keepdims=True)), rtol=1e-12)


# ----------------------------------------------------------------------------- MXNet facts
# MXNet 1.9.1 (pip, oneDNN build), Activation of x = NAN_X, backward with head gradient
# NAN_G: float32 of 1 to 5 axes runs oneDNN (relu maps NaN to 0, forward and gradient);
# float64 and float16 run MXNet's own kernels, which pass NaN on. Recorded 2026-12-02.
NAN, INF = float("nan"), float("inf")
NAN_X = [[NAN, -1, 0, 2, INF, -INF, 3, 1e-3]] * 2
NAN_G = [[1, 1, 1, 1, 1, 1, NAN, INF], [2, -1, INF, NAN, 1, 1, 1, 1]]
MXNET_NONFINITE = {
    ("relu", "float32"): ([0.0, 0.0, 0.0, 2.0, INF, 0.0, 3.0, 0.0010000000474974513],
                          [[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, NAN, INF],
                           [0.0, -0.0, NAN, NAN, 1.0, 0.0, 1.0, 1.0]]),
    ("relu", "float64"): ([NAN, 0.0, 0.0, 2.0, INF, 0.0, 3.0, 0.001],
                          [[NAN, 0.0, 0.0, 1.0, 1.0, 0.0, NAN, INF],
                           [NAN, -0.0, NAN, NAN, 1.0, 0.0, 1.0, 1.0]]),
    ("sigmoid", "float32"): (
        [NAN, 0.2689414322376251, 0.5, 0.8807970881462097, 1.0, 0.0, 0.9525741338729858,
         0.500249981880188],
        [[NAN, 0.1966119408607483, 0.25, 0.10499357432126999, 0.0, 0.0, NAN, INF],
         [NAN, -0.1966119408607483, INF, NAN, 0.0, 0.0, 0.04517665505409241,
          0.24999994039535522]]),
    ("tanh", "float32"): (
        [NAN, -0.7615941762924194, 0.0, 0.9640275835990906, 1.0, -1.0, 0.9950547814369202,
         0.0009999996982514858],
        [[NAN, 0.41997429728507996, 1.0, 0.07065081596374512, 0.0, 0.0, NAN, INF],
         [NAN, -0.41997429728507996, INF, NAN, 0.0, 0.0, 0.00986598152667284,
          0.9999989867210388]]),
}


@pytest.mark.parametrize("tiles", [1, 512])      # 512: large enough for relu's zeros operand
@pytest.mark.parametrize("in_plan", [False, True])
@pytest.mark.parametrize("act, dtype", sorted(MXNET_NONFINITE))
def test_activation_nonfinite_values_are_mxnets(act, dtype, in_plan, tiles, backend):
    if backend is not numpy_backend:
        pytest.skip("MXNet's CPU kernels (oneDNN for float32)")
    x = np.tile(np.array(NAN_X, dtype), tiles)
    ex = mx.sym.Activation(mx.sym.var("x"), act_type=act).bind(
        mx.cpu(), {"x": mx.nd.array(x, dtype=dtype)},
        args_grad={"x": mx.nd.zeros(x.shape, dtype=dtype)})
    # oneDNN runs it where a plan has oneDNN convolutions (entered here by hand), NumPy
    # elsewhere: relu's NaN is MXNet's on both
    with np.errstate(invalid="ignore"), (_onednn_plan() if in_plan else _no_plan()):
        out = ex.forward(is_train=True)[0].asnumpy()
        ex.backward(mx.nd.array(np.tile(np.array(NAN_G, dtype), tiles), dtype=dtype))
    want_out, want_grad = (np.tile(np.array(w, dtype), tiles)
                           for w in MXNET_NONFINITE[act, dtype])
    # NumPy's tanh and sigmoid round differently from oneDNN's (MXNet's)
    exact = act == "relu" or dtype != "float32" or in_plan and _onednn_available()
    check = np.testing.assert_array_equal if exact else \
        lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    check(out[0], want_out)
    check(ex.grad_arrays[0].asnumpy(), want_grad)
    # the sign of zero too: -1 * 0 is -0.0 in MXNet
    got, zero = ex.grad_arrays[0].asnumpy(), want_grad == 0
    assert (np.signbit(got[zero]) == np.signbit(want_grad[zero])).all()


def _onednn_available():
    from symnb.ops import _onednn
    return _onednn.available()


def _onednn_plan():
    from symnb.ops import _onednn
    return _onednn.onednn_plan()


def _no_plan():
    import contextlib
    return contextlib.nullcontext()


def test_float32_relu_of_six_axes_keeps_nan_as_mxnets_own_kernel():
    # MXNet 1.9.1 sends 6-axis float32 data to its own kernel (oneDNN takes 1 to 5 axes)
    x = np.full((1, 1, 2, 3, 4, 5), np.nan, np.float32)
    assert np.isnan(mx.nd.Activation(mx.nd.array(x), act_type="relu").asnumpy()).all()
    assert (mx.nd.Activation(mx.nd.array(x[0]), act_type="relu").asnumpy() == 0).all()
