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
