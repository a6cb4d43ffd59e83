"""A NaN output gradient through each backward, as MXNet 1.9.1's kernels pass it on: the
ones that select (clip, where, max pooling, pick, SequenceMask, slices) leave 0 where their
mask is off, the ones that multiply by a mask or a derivative (relu, maximum, abs, ...) give
NaN everywhere. Figures printed by MXNet 1.9.1 in the benchmark venv; the random graphs found
the first (clip behind an infinite FullyConnected gradient)."""
import numpy as np
import pytest

import symnb as mx

NAN = float("nan")
x = mx.sym.var("x")
y = mx.sym.var("y")
CASES = {
    "clip": lambda: mx.sym.clip(x, -0.5, 0.5),
    "relu_act": lambda: mx.sym.Activation(x, act_type="relu"),
    "relu": lambda: mx.sym.relu(x),
    "leaky": lambda: mx.sym.LeakyReLU(x, act_type="leaky", slope=0.0),
    "elu": lambda: mx.sym.LeakyReLU(x, act_type="elu", slope=0.0),
    "maximum_scalar": lambda: mx.sym.maximum(x, 0.0),
    "minimum_scalar": lambda: mx.sym.minimum(x, 0.0),
    "maximum": lambda: mx.sym.maximum(x, y),
    "broadcast_maximum": lambda: mx.sym.broadcast_maximum(x, y),
    "where": lambda: mx.sym.where(x > 0, x, y),
    "abs": lambda: mx.sym.abs(x),
    "sign": lambda: mx.sym.sign(x),
    "max_pool": lambda: mx.sym.Pooling(mx.sym.reshape(x, shape=(1, 1, 2, 2)), kernel=(2, 1),
                                       pool_type="max"),
    "max_reduce": lambda: mx.sym.max(x, axis=1),
    "smooth_l1": lambda: mx.sym.smooth_l1(x, scalar=1.0),
    "hard_sigmoid": lambda: mx.sym.hard_sigmoid(x),
    "mul_zero": lambda: x * 0.0,
    "Dropout0": lambda: mx.sym.Dropout(x, p=0.0, mode="always"),
    "slice_axis": lambda: mx.sym.slice_axis(x, axis=1, begin=0, end=1),
    "pick": lambda: mx.sym.pick(x, y, axis=1),
    "take": lambda: mx.sym.take(x, y, axis=0),
    "SequenceMask": lambda: mx.sym.SequenceMask(mx.sym.reshape(x, shape=(2, 2, 1)),
                                                sequence_length=mx.sym.var("sl"),
                                                use_sequence_length=True),
    "softrelu": lambda: mx.sym.Activation(x, act_type="softrelu"),
    "square_root_abs": lambda: mx.sym.sqrt(mx.sym.abs(x)),
}

# MXNet 1.9.1: the gradient of x for a NaN head gradient, x = [[-1, 2], [0.25, -0.1]]
MXNET = {
    "clip": [0.0, 0.0, NAN, NAN],
    "relu_act": [NAN, NAN, NAN, NAN],
    "relu": [NAN, NAN, NAN, NAN],
    "leaky": [NAN, NAN, NAN, NAN],
    "elu": [NAN, NAN, NAN, NAN],
    "maximum_scalar": [NAN, NAN, NAN, NAN],
    "minimum_scalar": [NAN, NAN, NAN, NAN],
    "maximum": [NAN, NAN, NAN, NAN],
    "broadcast_maximum": [NAN, NAN, NAN, NAN],
    "where": [0.0, NAN, NAN, 0.0],
    "abs": [NAN, NAN, NAN, NAN],
    "sign": [NAN, NAN, NAN, NAN],
    "max_pool": [0.0, NAN, NAN, 0.0],
    "max_reduce": [NAN, NAN, NAN, NAN],
    "smooth_l1": [NAN, NAN, NAN, NAN],
    "hard_sigmoid": [NAN, NAN, NAN, NAN],
    "mul_zero": [NAN, NAN, NAN, NAN],
    "Dropout0": [NAN, NAN, NAN, NAN],
    "slice_axis": [NAN, 0.0, NAN, 0.0],
    "pick": [0.0, NAN, NAN, 0.0],
    "take": [NAN, NAN, NAN, NAN],
    "SequenceMask": [NAN, NAN, 0.0, 0.0],
    "softrelu": [NAN, NAN, NAN, NAN],
    "square_root_abs": [NAN, NAN, NAN, NAN]
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_nan_head_gradient_goes_where_mxnet_sends_it(name):
    out = CASES[name]()
    args = out.list_arguments()
    shapes = {"x": (2, 2)}
    if "y" in args:
        shapes["y"] = (2,) if name in ("pick", "take") else (2, 2)
    if "sl" in args:
        shapes["sl"] = (2,)
    ex = out.simple_bind(mx.cpu(), grad_req={a: "write" if a == "x" else "null" for a in args},
                         type_dict={a: "float64" for a in args}, **shapes)
    ex.arg_dict["x"][:] = np.array([[-1.0, 2.0], [0.25, -0.1]])
    if "y" in args:
        ex.arg_dict["y"][:] = np.array([1.0, 0.0]) if name in ("pick", "take") else \
            np.array([[0.0, 1.0], [1.0, 0.0]])
    if "sl" in args:
        ex.arg_dict["sl"][:] = np.array([1.0, 1.0])
    ex.forward(is_train=True)
    ex.backward([mx.nd.array(np.full(ex.outputs[0].shape, np.nan), dtype="float64")])
    np.testing.assert_array_equal(ex.grad_dict["x"].asnumpy().ravel(), MXNET[name])


# MXNet 1.9.1 with NaN and inf in the data, x = [[-1, 2], [0.25, -0.1], [nan, 3], [inf, -inf]]
# (a head gradient of ones; hard_sigmoid: finite data, a NaN head gradient): clip's
# comparisons let NaN pass its gradient, relu_grad passes NaN on, sign(NaN) is 0
DATA = [
    ("clip", lambda: mx.sym.clip(x, -0.5, 0.5), "grad", [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]),
    ("relu_act", lambda: mx.sym.Activation(x, act_type="relu"), "grad",
     [0.0, 1.0, 1.0, 0.0, NAN, 1.0, 1.0, 0.0]),
    ("relu", lambda: mx.sym.relu(x), "grad", [0.0, 1.0, 1.0, 0.0, NAN, 1.0, 1.0, 0.0]),
    ("abs", lambda: mx.sym.abs(x), "grad", [-1.0, 1.0, 1.0, -1.0, 0.0, 1.0, 1.0, -1.0]),
    ("sign", lambda: mx.sym.sign(x), "out", [-1.0, 1.0, 1.0, -1.0, 0.0, 1.0, 1.0, -1.0]),
    ("leaky", lambda: mx.sym.LeakyReLU(x, act_type="leaky", slope=0.1), "grad",
     [0.1, 1.0, 1.0, 0.1, 0.1, 1.0, 1.0, 0.1]),
    ("maximum_scalar", lambda: mx.sym.maximum(x, 0.0), "grad",
     [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]),
    ("hard_sigmoid", lambda: mx.sym.hard_sigmoid(x), "nan_head",
     [NAN, NAN, NAN, NAN, NAN, 0.0, NAN, NAN]),
]


@pytest.mark.parametrize("name, build, what, want", DATA, ids=[c[0] for c in DATA])
def test_nan_and_inf_data_as_in_mxnet(name, build, what, want):
    data = np.array([[-1.0, 2.0], [0.25, -0.1], [np.nan, 3.0], [np.inf, -np.inf]])
    if what == "nan_head":
        data = np.nan_to_num(data, nan=0.7, posinf=1.5, neginf=-1.5)
    out = build()
    ex = out.simple_bind(mx.cpu(), x=(4, 2), type_dict={"x": "float64"})
    ex.arg_dict["x"][:] = data
    ex.forward(is_train=True)
    head = np.full(ex.outputs[0].shape, np.nan if what == "nan_head" else 1.0)
    ex.backward([mx.nd.array(head, dtype="float64")])
    got = ex.outputs[0] if what == "out" else ex.grad_dict["x"]
    np.testing.assert_allclose(got.asnumpy().ravel(), want, rtol=1e-7)
