"""Where MXNet 1.9.1's results depend on its gradient graph and memory planner, not only on the
mathematics, and symnb follows them (each figure printed by MXNet 1.9.1 in the benchmark
venv; the random graph cases of tests/differential found the first ones)."""
import numpy as np
import pytest

import symnb as mx


def _gamma_grad(build):
    a, b = mx.sym.var("a"), mx.sym.var("b")

    def prelu(x):
        return mx.sym.LeakyReLU(x, act_type="prelu", name="p")

    net = mx.sym.LinearRegressionOutput(build(a, b, prelu), name="reg")
    args = net.list_arguments()
    ex = net.simple_bind(mx.cpu(), grad_req={k: "null" if k == "reg_label" else "write"
                                             for k in args},
                         **{k: (3, 2) for k in ("a", "b") if k in args})
    for k, seed in (("a", 1), ("b", 2)):
        if k in args:
            ex.arg_dict[k][:] = np.random.default_rng(seed).uniform(-1, 1, (3, 2))
    ex.arg_dict["p_gamma"][:] = np.array([0.25, 0.25])
    ex.arg_dict["reg_label"][:] = 0
    ex.forward(is_train=True)
    ex.backward()
    return ex.grad_dict["p_gamma"].asnumpy()


def _x(f):
    return lambda a, b, p: f(mx.sym.tanh(a), b, p)


# prelu's backward writes its data gradient over dy before it reads dy for gamma's gradient
# when MXNet's planner gives them one buffer (FInplaceOption {0, 0}): then gamma's gradient
# is gamma (0.25) times the true one. The planner does so only for a data gradient in its own
# memory (not a variable's gradient array, which elemwise_add's CloneGradient can hand on)
# and only when prelu's backward is the last reader of dy (elemwise_add hands its entry to
# every input; backward runs in reverse forward order)
PRELU = [
    ("prelu(a + b)", lambda a, b, p: p(a + b), [0.03041001, 0.0]),
    ("prelu(tanh(a) + b)", lambda a, b, p: p(mx.sym.tanh(a) + b), [0.02883953, 0.001279878]),
    ("prelu(tanh(a + b))", lambda a, b, p: p(mx.sym.tanh(a + b)), [0.006795743, 0.0]),
    ("prelu(a * b)", lambda a, b, p: p(a * b), [0.006432573, 0.02103374]),
    ("prelu(tanh(a) + tanh(b))", lambda a, b, p: p(mx.sym.tanh(a) + mx.sym.tanh(b)),
     [0.006426306, 0.0]),
    ("prelu((a + b) + tanh(b))", lambda a, b, p: p((a + b) + mx.sym.tanh(b)),
     [0.1005291, 0.04378553]),
    ("prelu((a + b) + a)", lambda a, b, p: p((a + b) + a), [0.1401962, 0.0]),
    ("prelu(tanh(a) + BlockGrad(b))", lambda a, b, p: p(mx.sym.tanh(a) + mx.sym.BlockGrad(b)),
     [0.007209884, 0.0003199695]),
    ("prelu(x) + x", _x(lambda x, b, p: p(x) + x), [0.3146684, 0.01446971]),
    ("x + prelu(x)", _x(lambda x, b, p: x + p(x)), [0.3146684, 0.01446971]),
    ("prelu(x) + sin(x)", _x(lambda x, b, p: p(x) + mx.sym.sin(x)), [0.07545797, 0.003606274]),
    ("sin(x) + prelu(x)", _x(lambda x, b, p: mx.sym.sin(x) + p(x)), [0.3018319, 0.0144251]),
    ("prelu(x) * sin(x)", _x(lambda x, b, p: p(x) * mx.sym.sin(x)),
     [0.004356752, 1.662094e-05]),
    ("prelu(tanh(a)) + b", _x(lambda x, b, p: p(x) + b), [-0.1652759, -0.03188298]),
    ("(prelu(tanh(a)) + sin(b)) + b", _x(lambda x, b, p: (p(x) + mx.sym.sin(b)) + b),
     [-0.3808401, -0.06546134]),
    ("BlockGrad(b) + prelu(tanh(a))", _x(lambda x, b, p: mx.sym.BlockGrad(b) + p(x)),
     [-0.04131897, -0.007970745]),
]


@pytest.mark.parametrize("name, build, want", PRELU, ids=[c[0] for c in PRELU])
def test_prelu_gamma_gradient_follows_mxnets_in_place_write(name, build, want):
    np.testing.assert_allclose(_gamma_grad(build), want, rtol=2e-6, atol=1e-9)


@pytest.mark.parametrize("cut", ["floor", "round", "ceil", "trunc", "BlockGrad"])
def test_embedding_behind_a_zero_gradient_operator_gets_no_data_gradient(cut):
    # MXNet gives the producers of an entry nobody reads kNullOp; rounding and BlockGrad
    # ignore their output gradient (MakeZeroGradNodes), so Embedding's data gradient is not
    # asked for, which its backward requires ("doesn't support calculate data gradient")
    x = mx.sym.var("x")
    idx = getattr(mx.sym, cut)(mx.sym.abs(x) * 1.6)
    net = mx.sym.MakeLoss(mx.sym.sum(mx.sym.Embedding(idx, input_dim=4, output_dim=2,
                                                      name="e")))
    ex = net.simple_bind(mx.cpu(), x=(2, 3))
    ex.arg_dict["x"][:] = np.array([[0.1, 0.7, 1.3], [-0.7, 2.0, 0.0]])
    ex.arg_dict["e_weight"][:] = 1
    ex.grad_dict["x"][:] = 5
    ex.forward(is_train=True)
    ex.backward()
    assert (ex.grad_dict["x"].asnumpy() == 0).all()            # zeros, written
    counts = np.bincount(np.clip(getattr(np, cut if cut != "BlockGrad" else "asarray")(
        np.abs(ex.arg_dict["x"].asnumpy()) * 1.6).astype(int).ravel(), 0, 3), minlength=4)
    np.testing.assert_array_equal(ex.grad_dict["e_weight"].asnumpy()[:, 0], counts)


@pytest.mark.parametrize("op", ["floor", "round", "ceil", "rint", "fix", "trunc",
                                "logical_not", "argsort"])
def test_mxnets_zero_gradient_unary_operators(op):
    from symnb.ops import get_op
    assert get_op(op).zero_gradient


@pytest.mark.parametrize("op", ["_greater", "_equal_scalar", "broadcast_lesser",
                                "_logical_and", "broadcast_logical_xor", "_not_equal"])
def test_comparisons_are_zero_gradient_operators(op):
    from symnb.ops import get_op
    assert get_op(op).zero_gradient
