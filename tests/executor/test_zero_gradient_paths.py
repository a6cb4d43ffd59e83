"""Behind a zero-gradient operator (BlockGrad, ...) MXNet still runs every backward that has
an FGradient, with zero output gradients (nnvm's gradient pass asks FGradient first and
propagates zeros only for operators without one). The values were recorded with MXNet 1.9.1
(the benchmark venv), as were the random graph cases that found the difference
(tests/differential/graph_cases)."""
import numpy as np
import pytest

import symnb as mx

X = np.array([[1., 2., 3.], [1., 0., -1.]])
LABEL = np.array([2., 0.])


def _grad_of_x(sym):
    grads = {"x": mx.nd.ones((2, 3)) * 7, "lab": mx.nd.zeros(2)}
    ex = sym.bind(mx.cpu(), {"x": mx.nd.array(X), "lab": mx.nd.array(LABEL)}, args_grad=grads,
                  grad_req={"x": "write", "lab": "null"})
    ex.forward(is_train=True)
    ex.backward()
    return grads["x"].asnumpy()


x, lab = mx.sym.var("x"), mx.sym.var("lab")


@pytest.mark.parametrize("make,want", [
    # a loss behind BlockGrad ignores the (zero) head gradient, as always
    (lambda: mx.sym.BlockGrad(mx.sym.SoftmaxOutput(x, lab)),
     [[0.09, 0.2447, -0.3348], [-0.3348, 0.2447, 0.09]]),
    (lambda: mx.sym.MakeLoss(mx.sym.BlockGrad(mx.sym.MakeLoss(x))), [[1.0] * 3] * 2),
    (lambda: mx.sym.MakeLoss(mx.sym.floor(mx.sym.MakeLoss(x))), [[1.0] * 3] * 2),
    (lambda: mx.sym.MakeLoss(mx.sym.sum(mx.sym.BlockGrad(x * 2))), [[0.0] * 3] * 2),
])
def test_backwards_behind_zero_gradients_run_as_in_mxnet(make, want):
    np.testing.assert_allclose(_grad_of_x(make()), want, atol=5e-5)


def test_batchnorm_behind_blockgrad_updates_its_statistics_and_fixes_gamma():
    data = mx.sym.var("data")
    net = mx.sym.MakeLoss(mx.sym.sum(mx.sym.BlockGrad(
        mx.sym.BatchNorm(data, name="bn", momentum=0.5))))
    gamma = mx.nd.array([0.5, 2.0])
    ex = net.bind(mx.cpu(), {"data": mx.nd.array([[1., 2.], [3., 6.]]), "bn_gamma": gamma,
                             "bn_beta": mx.nd.zeros(2)},
                  args_grad={"data": mx.nd.ones((2, 2))},
                  grad_req={"data": "write", "bn_gamma": "null", "bn_beta": "null"},
                  aux_states={"bn_moving_mean": mx.nd.zeros(2), "bn_moving_var": mx.nd.ones(2)})
    ex.forward(is_train=True)
    assert gamma.asnumpy().tolist() == [1.0, 1.0]          # its backward is planned
    assert ex.aux_dict["bn_moving_mean"].asnumpy().tolist() == [0.0, 0.0]
    ex.backward()
    np.testing.assert_allclose(ex.aux_dict["bn_moving_mean"].asnumpy(), [1.0, 2.0])
    np.testing.assert_allclose(ex.aux_dict["bn_moving_var"].asnumpy(), [1.0, 2.5])
    np.testing.assert_array_equal(ex.grad_dict["data"].asnumpy(), np.zeros((2, 2)))
