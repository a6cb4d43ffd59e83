"""mx.test_utils: MXNet's checking helpers behave as MXNet 1.9.1's do."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb import test_utils as tu


def test_check_numeric_gradient_passes_for_a_correct_backward():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    x, y = np.random.uniform(-1, 1, (3, 4)), np.random.uniform(-1, 1, (4, 2))
    tu.check_numeric_gradient(mx.sym.dot(a, b), [x, y], numeric_eps=1e-1, rtol=2e-2,
                              atol=1e-3)
    # transposed (Fortran-ordered) locations are perturbed too (MXNet test_dot)
    tu.check_numeric_gradient(mx.sym.dot(a, b, transpose_a=True), [x.T, y],
                              numeric_eps=1e-1, rtol=2e-2, atol=1e-3)


def test_check_numeric_gradient_catches_a_wrong_backward():
    a = mx.sym.var("a")
    wrong = mx.sym.BlockGrad(a) * a            # d/da a*a is 2a, this backward gives a
    with pytest.raises(AssertionError, match="NUMERICAL_a"):
        tu.check_numeric_gradient(wrong, [np.array([1.0, 2.0, 3.0])], dtype=np.float64)


@pytest.mark.parametrize("req", ["write", "add", "null"])
def test_check_numeric_gradient_grad_req_dict(req):
    # 'add' starts from small random gradients which are subtracted; 'null' stays untouched
    a = mx.sym.var("a")
    tu.check_numeric_gradient(mx.sym.square(a), {"a": np.array([0.5, -1.0, 2.0])},
                              grad_nodes={"a": req}, dtype=np.float64)


def test_numeric_grad_uses_first_output_sum_and_dtype():
    a = mx.sym.var("a")
    exe = (a * a).bind(mx.cpu(), args={"a": mx.nd.array([1.0, 3.0])})
    g = tu.numeric_grad(exe, {"a": np.array([1.0, 3.0])}, eps=1.0 / 2 ** 9)
    assert g["a"].dtype == np.float32 and np.allclose(g["a"], [2.0, 6.0], rtol=1e-3)
    assert exe.arg_dict["a"].asnumpy().tolist() == [1.0, 3.0]     # restored


def test_star_import_hands_out_modules_like_mxnet():
    # MXNet's test_utils has no __all__: its tests get sys/logging/np/npt from the star import
    star = {name: getattr(tu, name) for name in tu.__all__}
    assert star["sys"] is __import__("sys") and star["np"] is np
    assert star["logging"].__name__ == "logging" and star["npt"].__name__ == "numpy.testing"
