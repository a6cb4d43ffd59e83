"""Results MXNet 1.9.1's CPU kernels give where the mathematics leaves room or where a kernel
ignores a request, checked against the benchmark venv's real MXNet (the random graph cases
in tests/differential/graph_cases found them)."""
import numpy as np
import pytest

import symnb as mx


@pytest.mark.parametrize("nd,want", [(1, 0.0), (2, 0.0), (3, np.nan)])
def test_avg_pooling_of_a_window_wholly_in_the_padding(nd, want):
    # 'full' convention, kernel 1, stride 3 on 3 inputs: the last window starts past the
    # input; MXNet's 1-D/2-D kernels write the empty sum 0, its 3-D kernel NaN, and max
    # pooling the lowest finite value
    x = mx.nd.array(np.random.default_rng(0).uniform(-1, 1, (1, 1) + (3,) * nd))
    lowest = np.finfo(np.float32).min
    for pool_type, empty in (("avg", want), ("sum", 0.0), ("max", lowest)):
        out = mx.nd.Pooling(x, kernel=(1,) * nd, stride=(3,) * nd, pool_type=pool_type,
                            pooling_convention="full").asnumpy().ravel()
        assert out[0] == x.asnumpy().ravel()[0]
        np.testing.assert_array_equal(out[1:], np.full(out.size - 1, empty))


@pytest.mark.parametrize("dtype,kernel,adds", [("float64", 1, False), ("float32", 1, True),
                                               ("float64", 3, True)])
def test_1x1_convolution_data_gradient_request(dtype, kernel, adds):
    # MXNet's own 1x1 kernel (float64; oneDNN takes float32) writes the data gradient
    # with a plain GEMM whatever grad_req says
    rng = np.random.default_rng(1)
    x, w = rng.uniform(-1, 1, (1, 2, 3, 3)), rng.uniform(-1, 1, (2, 2, kernel, kernel))
    net = mx.sym.Convolution(mx.sym.var("x"), kernel=(kernel, kernel), pad=(kernel // 2,) * 2,
                             num_filter=2, no_bias=True, name="c")
    gx = mx.nd.full((1, 2, 3, 3), 100.0, dtype=dtype)
    gw = mx.nd.full(w.shape, 100.0, dtype=dtype)
    args = {"x": mx.nd.array(x, dtype=dtype), "c_weight": mx.nd.array(w, dtype=dtype)}
    ex = net.bind(mx.cpu(), args, args_grad={"x": gx, "c_weight": gw}, grad_req="add")
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((1, 2, 3, 3), dtype=dtype))
    ref = net.bind(mx.cpu(), args, args_grad={"x": mx.nd.zeros((1, 2, 3, 3), dtype=dtype),
                                              "c_weight": mx.nd.zeros(w.shape, dtype=dtype)})
    ref.forward(is_train=True)
    ref.backward(mx.nd.ones((1, 2, 3, 3), dtype=dtype))
    dx, dw = ref.grad_dict["x"].asnumpy(), ref.grad_dict["c_weight"].asnumpy()
    np.testing.assert_allclose(gx.asnumpy(), dx + 100 if adds else dx, rtol=1e-5)
    np.testing.assert_allclose(gw.asnumpy(), dw + 100, rtol=1e-5)     # the weight's adds


@pytest.mark.parametrize("shape,want", [((1, 2, 4, 3), 0.125), ((3, 2, 2), 1 / 6),
                                        ((2, 3), 0.5), ((4,), 1.0), ((2, 1, 3), 0.5)])
def test_makeloss_batch_normalization_counts_the_rows_of_the_2d_view(shape, want):
    # MXNet divides by grad.shape_[0] of FlatTo2D: every axis but the last
    net = mx.sym.MakeLoss(mx.sym.var("x"), normalization="batch")
    ex = net.simple_bind(mx.cpu(), x=shape)
    ex.forward(is_train=True)
    ex.backward()
    np.testing.assert_allclose(np.unique(ex.grad_dict["x"].asnumpy()), [want], rtol=1e-7)


def test_makeloss_valid_normalization_divides_in_the_data_type():
    # DType(grad_scale) / DType(count): in float64 the quotient is a float64 one
    x = np.arange(24.0).reshape(4, 6) - 3                      # 20 elements above 0
    net = mx.sym.MakeLoss(mx.sym.var("x"), normalization="valid", grad_scale=0.7)
    ex = net.simple_bind(mx.cpu(), x=(4, 6), type_dict={"x": "float64"})
    ex.arg_dict["x"][:] = x
    ex.forward(is_train=True)
    ex.backward()
    assert (ex.grad_dict["x"].asnumpy() == np.float64(np.float32(0.7)) / 20).all()


def test_softmaxoutput_multi_output_ignores_smooth_alpha_and_ignored_labels_get_plus_zero():
    # MXNet's multi_output backward calls the plain SoftmaxGrad; with use_ignore the rows
    # of ignored labels are written 0 (not -0)
    x = np.random.default_rng(3).uniform(-1, 1, (2, 3, 2))
    grads = []
    for kw in ({}, {"smooth_alpha": 0.1}):
        net = mx.sym.SoftmaxOutput(mx.sym.var("x"), name="sm", multi_output=True, **kw)
        ex = net.simple_bind(mx.cpu(), x=(2, 3, 2))
        ex.arg_dict["x"][:] = x
        ex.arg_dict["sm_label"][:] = np.array([[0, 2], [1, 1]])
        ex.forward(is_train=True)
        ex.backward()
        grads.append(ex.grad_dict["x"].asnumpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    np.testing.assert_allclose(grads[1].ravel()[:3], [-0.41937, 0.11171, 0.33736], atol=1e-5)
    net = mx.sym.SoftmaxOutput(mx.sym.var("x"), name="sm", use_ignore=True, ignore_label=1,
                               smooth_alpha=0.1)
    ex = net.simple_bind(mx.cpu(), x=(2, 3))
    ex.arg_dict["x"][:] = x[:, :, 0]
    ex.arg_dict["sm_label"][:] = np.array([0, 1])
    ex.forward(is_train=True)
    ex.backward()
    row = ex.grad_dict["x"].asnumpy()[1]
    assert (row == 0).all() and not np.signbit(row).any()


def test_simple_bind_allocates_a_label_inferred_as_a_scalar():
    # SoftmaxOutput on 1-D data infers its label as (); MXNet's simple_bind allocates one
    # element there (mx.nd.zeros(()) refuses the shape)
    ex = mx.sym.SoftmaxOutput(mx.sym.var("x"), name="sm").simple_bind(mx.cpu(), x=(4,))
    label = ex.arg_dict["sm_label"]
    assert label.shape == () and label.asnumpy() == 0
    ex.forward(is_train=True)
    np.testing.assert_array_equal(ex.outputs[0].asnumpy(), np.ones(4))


def test_cumsum_keeps_small_integer_types():
    # MXNet accumulates in the data's own type (uint8 wraps), unlike NumPy's cumsum; a bool
    # input counts in int64 (values checked against MXNet 1.9.1)
    out = mx.nd.cumsum(mx.nd.array([200, 100, 3], dtype="uint8"))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out.asnumpy(), [200, 44, 47])
    assert mx.sym.cumsum(mx.sym.var("a")).infer_type(a="bool")[1] == [np.int64]


def test_vector_pdf_of_one_sample_has_shape_1():
    # one Dirichlet sample (a vector) gives a (1,) density, as MXNet's PdfOpShape
    out = mx.nd.random_pdf_dirichlet(mx.nd.array([0.2, 0.3, 0.5]), mx.nd.array([1.0, 2.0, 3.0]))
    assert out.shape == (1,)
    np.testing.assert_allclose(out.asnumpy(), [4.5], rtol=1e-5)


def test_argmax_channel_of_1d_data():
    # the reduction rule gives (1,), then MXNet's kernel refuses axis 1
    sym = mx.sym.argmax_channel(mx.sym.var("d"))
    assert sym.infer_shape(d=(3,))[1] == [(1,)]
    with pytest.raises(mx.base.MXNetError, match="axis 1 exceeds the input dimension of 1"):
        mx.nd.argmax_channel(mx.nd.array([1, 3, 2]))
