"""Loss heads (SoftmaxOutput, regression outputs, SVMOutput, MakeLoss, make_loss) and BlockGrad:
label shape/type rules with MXNet's texts, every SoftmaxOutput mode of spec executor.md 6.3
against a literal reference, central-difference checks of the gradients against the losses
they minimise, and the worked examples of spec executor.md 5.2-6.7."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.backends import numpy_backend
from symnb.base import MXNetError
from symnb.ops import get_op

from . import harness

LOSSES = ["SoftmaxOutput", "LinearRegressionOutput", "LogisticRegressionOutput",
          "MAERegressionOutput", "SVMOutput", "MakeLoss", "make_loss"]


def loss_backward(name, inputs, ograd=None, reqs=None, grad_init=None, **attrs):
    """Forward (training) then backward of a loss head with the given head gradient (None by
    default); returns (outputs, input gradients after the pre-fill ``grad_init``)."""
    op, p = harness.parse(name, **attrs)
    outs = harness.forward(name, inputs, **attrs)
    igrads = [np.full(np.shape(x), v, dtype=np.asarray(x).dtype)
              for x, v in zip(inputs, grad_init or [0] * len(inputs), strict=True)]
    op.backward(p, [np.asarray(x) for x in inputs], outs, [ograd], igrads,
                reqs or ["write"] * len(inputs), True, numpy_backend)
    return outs, igrads


def check_loss_gradient(name, inputs, loss, eps=1e-6, rtol=1e-6, atol=1e-9, seed=0, **attrs):
    """The head's data gradient equals the central difference of ``loss(data, label)``
    along a random direction (float64)."""
    x = np.asarray(inputs[0], np.float64)
    rest = list(inputs[1:])
    _, grads = loss_backward(name, [x] + rest, **attrs)
    d = np.random.default_rng(seed).standard_normal(x.shape)
    numeric = (loss(x + eps * d, *rest) - loss(x - eps * d, *rest)) / (2 * eps)
    analytic = float((grads[0] * d).sum())
    assert abs(numeric - analytic) <= atol + rtol * abs(numeric), (numeric, analytic)


def f32(*values):
    """``v0 / v1 / ...`` in float32, as MXNet computes scale factors."""
    out = np.float32(values[0])
    for v in values[1:]:
        out = out / np.float32(v)
    return float(out)


# ----------------------------------------------------------------------------- declared facts
@pytest.mark.parametrize("name", LOSSES + ["BlockGrad"])
def test_loss_head_flags(name):
    op, p = harness.parse(name)
    assert op.loss_head
    assert op.semantic_loss == (name != "BlockGrad")
    assert op.family == "loss"
    if "label" in op.input_names(p):
        assert op.role("label") == "label"
    assert all(param.doc for param in op.params)


def test_aliases_build_the_canonical_op():
    import json
    d = mx.sym.var("d")
    for fn, op in ((mx.sym.Softmax, "SoftmaxOutput"), (mx.sym.stop_gradient, "BlockGrad"),
                   (mx.sym.sparse.make_loss, "make_loss")):
        assert json.loads(fn(d).tojson())["nodes"][-1]["op"] == op


def test_make_loss_keeps_unknown_params():
    sym = mx.sym.make_loss(mx.sym.var("d"), name="l", grad_scale=2.0)
    assert sym.list_outputs() == ["l_loss"] and sym.list_attr() == {"grad_scale": "2.0"}
    _, grads = loss_backward("make_loss", [np.arange(6.0).reshape(2, 3)], grad_scale=2.0)
    np.testing.assert_array_equal(grads[0], 1.0)


# ----------------------------------------------------------------------------- shapes / types
@pytest.mark.parametrize("attrs, data, label, expected", [
    ({}, (4, 3), None, (4,)),
    ({}, (4, 3), (4, 3), (4, 3)),                      # probability labels
    ({}, (2, 3, 4), None, (2, 3)),
    ({"preserve_shape": True}, (2, 2, 5), None, (2, 2)),
    ({"multi_output": True}, (2, 3, 4, 5), None, (2, 20)),
    ({"multi_output": True}, (2, 3, 4, 5), (2, 4, 5), (2, 4, 5)),
    ({"multi_output": True}, (2, 3, 4, 5), (2, 1, 4, 5), (2, 1, 4, 5)),
])
def test_softmax_output_label_shapes(attrs, data, label, expected):
    ins, outs = harness.infer("SoftmaxOutput", [data, label], **attrs)
    assert ins == [data, expected] and outs == [data]


def test_softmax_output_label_shape_errors():
    sym = mx.sym.SoftmaxOutput(mx.sym.var("data"), name="sm")
    with pytest.raises(MXNetError) as e:
        sym.infer_shape(data=(4, 3), sm_label=(4, 1))
    assert str(e.value).endswith(
        "Error in operator sm: Shape inconsistent, Provided = [4,1], inferred shape=[4]")
    with pytest.raises(MXNetError, match=r"Expecting \[2,20\] or \[2,4,5\]. But got \[3\]"):
        mx.sym.SoftmaxOutput(mx.sym.var("data"), multi_output=True, name="m").infer_shape(
            data=(2, 3, 4, 5), m_label=(3,))


def test_softmax_output_types():
    sym = mx.sym.SoftmaxOutput(mx.sym.var("data"), name="softmax")
    args, outs, _ = sym.infer_type(data="float16")
    assert [np.dtype(t).name for t in args + outs] == ["float16"] * 3
    with pytest.raises(MXNetError) as e:
        sym.infer_type(data="float32", softmax_label="int32")
    assert str(e.value).endswith(
        "Error in operator softmax: Check failed: (*in_type)[i] == dtype (4 vs. 0) : This "
        "layer requires uniform type. Expected 'float32' v.s. given 'int32' at 'label'")


@pytest.mark.parametrize("name", ["LinearRegressionOutput", "LogisticRegressionOutput",
                                  "MAERegressionOutput"])
@pytest.mark.parametrize("data, label, expected", [
    ((4, 3), None, (4, 3)), ((4, 1), None, (4,)), ((4, 3), (4, 3, 1), (4, 3, 1)),
    ((2, 3, 2), None, (2, 3, 2))])
def test_regression_label_shapes(name, data, label, expected):
    assert harness.infer(name, [data, label]) == ([data, expected], [data])


def test_regression_label_shape_error():
    sym = mx.sym.LinearRegressionOutput(mx.sym.var("data"), name="r")
    with pytest.raises(MXNetError) as e:
        sym.infer_shape(data=(4, 3), r_label=(4, 2))
    assert str(e.value).endswith(
        "Error in operator r: Shape inconsistent, Provided=[4,2], inferred shape=[4,3]")


def test_svm_label_shape():
    assert harness.infer("SVMOutput", [(5, 4), None]) == ([(5, 4), (5,)], [(5, 4)])


# ----------------------------------------------------------------------------- SoftmaxOutput
def test_softmax_output_doc_example():
    """spec executor.md 5.2: FC -> relu -> SoftmaxOutput, backward() without head gradient."""
    net = mx.sym.FullyConnected(mx.sym.Variable("data"), name="fc", num_hidden=6)
    net = mx.sym.Activation(net, name="relu", act_type="relu")
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    args = {"data": mx.nd.ones((1, 4)), "fc_weight": mx.nd.ones((6, 4)),
            "fc_bias": mx.nd.array((1, 4, 4, 4, 5, 6)), "softmax_label": mx.nd.ones((1,))}
    args_grad = {"fc_weight": mx.nd.zeros((6, 4)), "fc_bias": mx.nd.zeros((6,))}
    ex = net.bind(ctx=mx.cpu(), args=args, args_grad=args_grad)
    out = ex.forward(is_train=True)[0].asnumpy()
    ex.backward()
    np.testing.assert_allclose(out, [[0.00378404, 0.07600445, 0.07600445, 0.07600445,
                                      0.20660152, 0.5616011]], rtol=1e-6)
    np.testing.assert_allclose(ex.grad_dict["fc_bias"].asnumpy(),
                               [0.00378404, -0.92399555, 0.07600445, 0.07600445, 0.20660152,
                                0.5616011], rtol=1e-6)


def softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_output_grad_ref(prob, label, grad_scale=1.0, ignore_label=-1.0, use_ignore=False,
                            normalization="null", smooth_alpha=0.0, multi_output=False,
                            preserve_shape=False, out_grad=False):
    """spec executor.md 6.3, written out element by element."""
    if label.shape == prob.shape:
        grad = (prob - label) * f32(grad_scale)
        return grad * prob if out_grad else grad
    if multi_output:
        n, c = prob.shape[:2]
        rows = prob.reshape(n, c, -1).transpose(0, 2, 1).reshape(-1, c)   # (n*S, C)
        spatial = rows.shape[0] // n
        labels = label.reshape(-1)
    else:
        k_dim = prob.shape[-1] if preserve_shape else prob.size // prob.shape[0]
        rows = prob.reshape(-1, k_dim)
        labels = label.reshape(-1)[:rows.shape[0]]
    grad = np.empty_like(rows)
    classes = rows.shape[1]
    smooth_alpha = f32(smooth_alpha)                # a float32 parameter, used in the dtype
    for i, row in enumerate(rows):
        k = int(labels[i])
        for j in range(classes):
            if smooth_alpha > 0:
                target = 1 - smooth_alpha if j == k else smooth_alpha / (classes - 1)
            else:
                target = 1.0 if j == k else 0.0
            grad[i, j] = row[j] - target
        if use_ignore and k == int(ignore_label):
            grad[i] = 0
    valid = max(1, sum(int(v) != int(ignore_label) for v in label.reshape(-1)))
    if multi_output:
        scale = {"null": f32(grad_scale, spatial), "batch": f32(grad_scale, spatial, n),
                 "valid": f32(grad_scale, valid)}[normalization]
        grad = grad.reshape(n, spatial, classes).transpose(0, 2, 1)
    else:
        scale = {"null": f32(grad_scale), "batch": f32(grad_scale, label.size),
                 "valid": f32(grad_scale, valid)}[normalization]
    grad = grad.reshape(prob.shape) * scale
    return grad * prob if out_grad else grad


SOFTMAX_OUTPUT_CASES = [
    ("default", (4, 3), [0, 2, 1, 1], {}),
    ("grad_scale", (4, 3), [0, 2, 1, 1], {"grad_scale": 0.3}),
    ("truncation_and_out_of_range", (4, 3), [1.7, 5, -1, 2.2], {}),
    ("ignore", (4, 3), [0, -1, 1, -1], {"use_ignore": True}),
    ("ignore_valid", (5, 3), [0, -1, 1, -1, 2], {"use_ignore": True, "normalization": "valid"}),
    ("valid_without_ignore", (4, 3), [0, -1, 1, 2], {"normalization": "valid"}),
    ("batch", (5, 3), [0, 1, 2, 0, 1], {"normalization": "batch"}),
    ("smooth", (4, 5), [0, 4, 2, 1], {"smooth_alpha": 0.1}),
    ("smooth_ignore", (4, 5), [0, 4, 3, 1], {"smooth_alpha": 0.2, "use_ignore": True,
                                             "ignore_label": 3}),
    ("out_grad", (4, 3), [0, 2, 1, 1], {"out_grad": True}),
    ("flattened_trailing_dims", (2, 3, 2), [[1, 0, 0], [4, 0, 0]], {}),
    ("preserve_shape_batch", (2, 2, 3), [[0, 1], [2, 1]],
     {"preserve_shape": True, "normalization": "batch"}),
    ("multi_output", (2, 3, 4), [[0, 1, 2, 0], [2, 2, 1, 0]], {"multi_output": True}),
    ("multi_output_batch", (2, 3, 2, 2), [[0, 1, 2, 0], [2, 2, 1, 0]],
     {"multi_output": True, "normalization": "batch", "grad_scale": 2}),
    ("multi_output_valid_ignore", (2, 3, 4), [[0, -1, 2, 0], [2, -1, -1, 0]],
     {"multi_output": True, "use_ignore": True, "normalization": "valid"}),
    ("probability_labels", (3, 4), "probabilities", {"grad_scale": 0.5, "use_ignore": True,
                                                     "normalization": "batch"}),
]


@pytest.mark.parametrize("case, shape, label, attrs", SOFTMAX_OUTPUT_CASES,
                         ids=[c[0] for c in SOFTMAX_OUTPUT_CASES])
def test_softmax_output_modes(case, shape, label, attrs):
    rng = np.random.default_rng(len(case))
    x = rng.standard_normal(shape)
    if isinstance(label, str):
        label = softmax_ref(rng.standard_normal(shape), 1)
    label = np.asarray(label, np.float64)
    outs, grads = loss_backward("SoftmaxOutput", [x, label], grad_init=[0, 123], **attrs)
    if attrs.get("multi_output"):
        expected_prob = softmax_ref(x, 1)
    elif attrs.get("preserve_shape"):
        expected_prob = softmax_ref(x, -1)
    else:
        expected_prob = softmax_ref(x.reshape(shape[0], -1), 1).reshape(shape)
    np.testing.assert_allclose(outs[0], expected_prob, rtol=1e-12)
    np.testing.assert_allclose(grads[0], softmax_output_grad_ref(outs[0], label, **attrs),
                               rtol=1e-12, atol=1e-15)
    assert (grads[1] == 123).all()                    # the label gradient is never written


def test_softmax_output_ignores_head_gradient_and_writes_on_add():
    x, label = np.random.default_rng(0).standard_normal((3, 4)), np.array([0., 3., 1.])
    _, plain = loss_backward("SoftmaxOutput", [x, label])
    _, given = loss_backward("SoftmaxOutput", [x, label], ograd=np.full((3, 4), 7.0))
    np.testing.assert_array_equal(plain[0], given[0])
    _, added = loss_backward("SoftmaxOutput", [x, label], reqs=["add", "write"],
                             grad_init=[2, 0])
    np.testing.assert_allclose(added[0], plain[0])   # MXNet assigns whatever the request


def test_softmax_output_float32_scale():
    # normalization='batch' with 5 labels: the scale is float32(1/5), not the double 0.2
    x, label = np.zeros((5, 2)), np.zeros(5)
    _, grads = loss_backward("SoftmaxOutput", [x, label], normalization="batch")
    assert grads[0][0, 1] == 0.5 * float(np.float32(0.2))


def test_softmax_output_is_cross_entropy_gradient():
    x, label = np.random.default_rng(1).standard_normal((4, 5)), np.array([0., 4., 2., 2.])

    def cross_entropy(z, lab):
        logp = np.log(softmax_ref(z, 1))
        return -logp[np.arange(len(lab)), lab.astype(int)].sum()

    check_loss_gradient("SoftmaxOutput", [x, label], cross_entropy)


# ----------------------------------------------------------------------------- regression
def test_regression_spec_examples():
    data = np.array([[1., 2., 3.], [1., 0., -1.]])
    label = np.array([[0., 1., 0.], [1., 0., 1.]])
    _, grads = loss_backward("LinearRegressionOutput", [data, label], grad_init=[0, 123])
    np.testing.assert_allclose(grads[0], [[1 / 3, 1 / 3, 1.0], [0.0, 0.0, -2 / 3]], rtol=1e-7)
    assert (grads[1] == 123).all()
    _, grads = loss_backward("MAERegressionOutput", [np.array([[1., 2.]]),
                                                     np.array([[1., 3.]])])
    np.testing.assert_array_equal(grads[0], [[-0.5, -0.5]])      # a tie gives -1


@pytest.mark.parametrize("data_shape, label_shape, per_sample", [
    ((4, 3), (4, 3), 3), ((2, 3, 2), (2, 3, 2), 6), ((4, 1), (4,), 1), ((4, 3), (4, 3, 1), 3)])
def test_regression_scale_is_label_elements_per_sample(data_shape, label_shape, per_sample):
    rng = np.random.default_rng(2)
    x, label = rng.standard_normal(data_shape), rng.standard_normal(label_shape)
    outs, grads = loss_backward("LinearRegressionOutput", [x, label], grad_scale=0.7)
    np.testing.assert_array_equal(outs[0], x)
    np.testing.assert_allclose(grads[0], (x - label.reshape(x.shape)) * f32(0.7, per_sample),
                               rtol=1e-14)


def test_logistic_regression_forward():
    x = np.linspace(-3, 3, 12).reshape(4, 3)
    outs = harness.forward("LogisticRegressionOutput", [x, np.zeros((4, 3))])
    np.testing.assert_allclose(outs[0], 1 / (1 + np.exp(-x)), rtol=1e-14)


@pytest.mark.parametrize("name, loss", [
    ("LinearRegressionOutput", lambda z, lab: 0.5 * ((z - lab) ** 2).sum() / z.shape[1]),
    ("LogisticRegressionOutput", lambda z, lab: -(
        lab * np.log(1 / (1 + np.exp(-z))) + (1 - lab) * np.log(1 - 1 / (1 + np.exp(-z)))
    ).sum() / z.shape[1]),
    ("MAERegressionOutput", lambda z, lab: np.abs(z - lab).sum() / z.shape[1]),
])
def test_regression_gradients_minimise_their_losses(name, loss):
    rng = np.random.default_rng(3)
    x, label = rng.standard_normal((4, 4)), rng.uniform(0, 1, (4, 4))
    check_loss_gradient(name, [x, label], loss)


# ----------------------------------------------------------------------------- SVMOutput
def test_svm_spec_example():
    data, label = np.array([[1., 2., 3.], [1., 0., -1.]]), np.array([2., 0.])
    outs, grads = loss_backward("SVMOutput", [data, label], grad_init=[0, 123])
    np.testing.assert_array_equal(outs[0], data)
    np.testing.assert_array_equal(grads[0], [[4, 6, 0], [0, 2, 0]])
    assert (grads[1] == 123).all()
    _, grads = loss_backward("SVMOutput", [data, label], use_linear=True,
                             regularization_coefficient=0.5)
    np.testing.assert_array_equal(grads[0], [[0.5, 0.5, 0], [0, 0.5, 0]])


@pytest.mark.parametrize("use_linear", [False, True])
def test_svm_gradient_minimises_hinge(use_linear):
    rng = np.random.default_rng(4)
    x, label = rng.uniform(-2, 2, (5, 4)), np.array([0., 3., 1., 1., 2.])
    margin, reg = 0.5, 1.5

    def hinge(z, lab):
        onehot = np.eye(z.shape[1])[lab.astype(int)].astype(bool)
        slack = np.where(onehot, np.maximum(0, margin - z), np.maximum(0, margin + z))
        return reg * (slack if use_linear else slack ** 2).sum()

    check_loss_gradient("SVMOutput", [x, label], hinge, margin=margin,
                        regularization_coefficient=reg, use_linear=use_linear)


# ----------------------------------------------------------------------------- MakeLoss
@pytest.mark.parametrize("attrs, expected", [
    ({}, 1.0), ({"grad_scale": 2}, 2.0), ({"normalization": "batch"}, 0.5),
    ({"normalization": "valid"}, 1 / 3), ({"normalization": "valid", "valid_thresh": 0.7}, 0.5),
    ({"normalization": "valid", "valid_thresh": 10}, 1.0),
    ({"normalization": "batch", "grad_scale": 3}, 1.5),
])
def test_makeloss_spec_table(attrs, expected):
    data = np.array([[0.5, -1, 2], [0, 3, -0.5]])
    outs, grads = loss_backward("MakeLoss", [data], ograd=np.full((2, 3), 9.0), **attrs)
    np.testing.assert_array_equal(outs[0], data)
    np.testing.assert_allclose(grads[0], expected, rtol=1e-7)   # float32 scale
    assert grads[0].dtype == np.float64


def test_makeloss_one_dimensional_batch_is_one():
    _, grads = loss_backward("MakeLoss", [np.arange(4.0)], normalization="batch")
    np.testing.assert_array_equal(grads[0], 1.0)


# ----------------------------------------------------------------------------- BlockGrad
def test_blockgrad():
    x = np.arange(6.0).reshape(2, 3)
    outs, grads = loss_backward("BlockGrad", [x], ograd=np.ones((2, 3)), grad_init=[5])
    np.testing.assert_array_equal(outs[0], x)
    np.testing.assert_array_equal(grads[0], 0)
    _, grads = loss_backward("BlockGrad", [x], reqs=["add"], grad_init=[5])
    np.testing.assert_array_equal(grads[0], 5)                 # 'add' adds nothing
    assert harness.infer("stop_gradient", [(2, 3)]) == ([(2, 3)], [(2, 3)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("grad_scale", [1.0, 0.25])
def test_softmax_output_prepared_paths_match_the_definition(dtype, grad_scale):
    """The executor's prepared SoftmaxOutput (softmax into the output, the gradient written
    in place) against the definition, labels outside the classes included (those rows get no
    -1, as the generic path), and against the unprepared operator bit for bit."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 8)).astype(dtype)
    net = mx.sym.SoftmaxOutput(mx.sym.var("data"), grad_scale=grad_scale, name="sm")
    for labels in ([0, 7, 3, 3, 1, 6], [0, 8, -1, 2, 9, 5]):
        label = np.array(labels, dtype)
        ex = net.simple_bind(mx.cpu(), data=x.shape, type_dict={"data": dtype})
        ex.arg_dict["data"][:] = x
        ex.arg_dict["sm_label"][:] = label
        ex.forward(is_train=True)
        ex.backward()
        flat = x.reshape(6, -1).astype(np.float64)
        prob = np.exp(flat - flat.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        want = prob.copy()
        for i, k in enumerate(labels):
            if 0 <= k < 8:
                want[i, k] -= 1
        tol = 1e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ex.outputs[0].asnumpy().reshape(6, -1), prob, atol=tol)
        np.testing.assert_allclose(ex.grad_dict["data"].asnumpy().reshape(6, -1),
                                   want * grad_scale, atol=tol)
        # the generic operator on the same arrays gives the same bits
        op = get_op("SoftmaxOutput")
        p = op.parse({"grad_scale": str(grad_scale)})
        out = np.empty_like(x)
        op.forward(p, [x, label], [out], True, numpy_backend)
        np.testing.assert_array_equal(ex.outputs[0].asnumpy(), out)
        grad = np.empty_like(x)
        op.backward(p, [x, label], [out], [None], [grad, None], ["write", "null"], True,
                    numpy_backend)
        np.testing.assert_array_equal(ex.grad_dict["data"].asnumpy(), grad)


@pytest.mark.parametrize("op, backward", [
    ("LinearRegressionOutput", "_backward_linear_reg_out"),
    ("LogisticRegressionOutput", "_backward_logistic_reg_out"),
    ("MAERegressionOutput", "_backward_mae_reg_out")])
def test_regression_outputs_parse_their_parameters_in_the_backward_only(op, backward):
    # recorded from MXNet 1.9.1: the forward registers no parser, the backward node does
    a, label = mx.sym.var("a"), mx.sym.var("l")
    r = getattr(mx.sym, op)(a, label, name="r", grad_scale="x")
    assert mx.sym.load_json(r.tojson()).tojson() == r.tojson()
    args = {"a": mx.nd.ones((2, 3)), "l": mx.nd.zeros((2, 3))}
    want = r.bind(mx.cpu(), args, grad_req="null").forward()[0].asnumpy()
    np.testing.assert_array_equal(getattr(mx.nd, op)(args["a"], args["l"], grad_scale="x")
                                  .asnumpy(), want)
    with pytest.raises(mx.MXNetError) as err:
        r.bind(mx.cpu(), args, args_grad={"a": mx.nd.zeros((2, 3))},
               grad_req={"a": "write", "l": "null"})
    assert str(err.value) == ("MXNetError: Invalid Parameter format for grad_scale expect float "
                              "but value='x', in operator %s(name=\"r_backward\", "
                              "grad_scale=\"x\")" % backward)
