"""The workloads, written once against the MXNet 1.x API so that the same code builds them
with symnb (``import symnb as mx``) and with real MXNet 1.9.1 in its own venv.

Keep this file importable under NumPy 1.23 and without symnb: mxnet_worker.py uses it.
"""
from __future__ import annotations

import os

import numpy as np

MLP_DIMS = (784, 512, 512, 10)
MLP_BATCH = 256
BIG_MLP_DIMS = (4096, 4096, 4096, 1000)      # GPU only
BIG_MLP_BATCH = 4096
LENET_BATCH = 64
# the model zoo's ResNet-18 (Gluon resnet18_v1, exported by MXNet 1.9.1), 224x224 images
RESNET18_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests",
                             "zoo", "data", "gluon-resnet18_v1-symbol.json")
RESNET_IMAGE = (3, 224, 224)
AUX_PREFIX = "aux:"             # arrays keys for auxiliary states (BatchNorm statistics)

# Data and labels get no gradient, as in training.
NO_GRAD = ("data", "softmax_label")


def mlp_symbol(mx, dims=MLP_DIMS):
    """784-512-512-10 with ReLU and SoftmaxOutput (hidden layers from ``dims``)."""
    net = mx.sym.var("data")
    for i, width in enumerate(dims[1:], start=1):
        net = mx.sym.FullyConnected(net, num_hidden=width, name="fc%d" % i)
        if i < len(dims) - 1:
            net = mx.sym.Activation(net, act_type="relu", name="relu%d" % i)
    return mx.sym.SoftmaxOutput(net, name="softmax")


def lenet_symbol(mx):
    """conv20 5x5, tanh, maxpool 2, conv50 5x5, tanh, maxpool 2, fc500, tanh, fc10."""
    net = mx.sym.var("data")
    for i, filters in ((1, 20), (2, 50)):
        net = mx.sym.Convolution(net, kernel=(5, 5), num_filter=filters, name="conv%d" % i)
        net = mx.sym.Activation(net, act_type="tanh", name="tanh%d" % i)
        net = mx.sym.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2),
                             name="pool%d" % i)
    net = mx.sym.Flatten(net, name="flatten")
    net = mx.sym.FullyConnected(net, num_hidden=500, name="fc1")
    net = mx.sym.Activation(net, act_type="tanh", name="tanh3")
    net = mx.sym.FullyConnected(net, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(net, name="softmax")


def resnet18_symbol(mx):
    """The zoo's ResNet-18 (v1) with a SoftmaxOutput head (its probabilities at inference)."""
    return mx.sym.SoftmaxOutput(mx.sym.load(RESNET18_JSON), name="softmax")


def tiny_symbol(mx):
    """(a*b)+c: pure per-call overhead."""
    a, b, c = mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c")
    return a * b + c


def chain_symbol(mx, n_ops: int):
    """A chain of ``n_ops`` cheap elementwise operators on a small array: bind and forward
    time are then per-node overhead, which should grow linearly with ``n_ops``."""
    net = mx.sym.var("data")
    for i in range(n_ops):
        net = net * 1.0001 if i % 2 else net + 0.0001
    return net


# ---------------------------------------------------------------------------- data
def mlp_arrays(dims=MLP_DIMS, batch=MLP_BATCH, seed=0) -> dict:
    """Data, labels and Glorot-style weights under MXNet's argument names (float32)."""
    rng = np.random.default_rng(seed)
    arrays = {"data": rng.standard_normal((batch, dims[0])).astype(np.float32),
              "softmax_label": rng.integers(0, dims[-1], batch).astype(np.float32)}
    for i in range(1, len(dims)):
        fan_in, fan_out = dims[i - 1], dims[i]
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        arrays["fc%d_weight" % i] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(
            np.float32)
        arrays["fc%d_bias" % i] = rng.uniform(-0.1, 0.1, fan_out).astype(np.float32)
    return arrays


def lenet_arrays(batch=LENET_BATCH, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    shapes = {"conv1_weight": (20, 1, 5, 5), "conv1_bias": (20,),
              "conv2_weight": (50, 20, 5, 5), "conv2_bias": (50,),
              "fc1_weight": (500, 800), "fc1_bias": (500,),
              "fc2_weight": (10, 500), "fc2_bias": (10,)}
    arrays = {"data": rng.standard_normal((batch, 1, 28, 28)).astype(np.float32),
              "softmax_label": rng.integers(0, 10, batch).astype(np.float32)}
    for name, shape in shapes.items():
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = 1.0 / np.sqrt(fan_in) if len(shape) > 1 else 0.1
        arrays[name] = rng.uniform(-scale, scale, shape).astype(np.float32)
    return arrays


def resnet18_arrays(mx, batch, seed=0) -> dict:
    """He-uniform weights, BatchNorm parameters and statistics near (1, 0), random images;
    auxiliary states under ``AUX_PREFIX + name``. Shapes come from ``mx``'s inference."""
    symbol = resnet18_symbol(mx)
    arg_shapes, _, aux_shapes = symbol.infer_shape(data=(batch,) + RESNET_IMAGE)
    rng = np.random.default_rng(seed)
    arrays = {}
    for name, shape in zip(symbol.list_arguments(), arg_shapes, strict=True):
        if name == "data":
            value = rng.standard_normal(shape)
        elif name == "softmax_label":
            value = rng.integers(0, 1000, shape)
        elif name.endswith("_weight"):
            bound = np.sqrt(6.0 / np.prod(shape[1:]))
            value = rng.uniform(-bound, bound, shape)
        elif name.endswith("_gamma"):
            value = rng.uniform(0.8, 1.2, shape)
        else:                                       # beta, bias
            value = rng.uniform(-0.1, 0.1, shape)
        arrays[name] = value.astype(np.float32)
    for name, shape in zip(symbol.list_auxiliary_states(), aux_shapes, strict=True):
        low, high = (0.8, 1.2) if name.endswith("_var") else (-0.1, 0.1)
        arrays[AUX_PREFIX + name] = rng.uniform(low, high, shape).astype(np.float32)
    return arrays


def tiny_arrays(seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(3).astype(np.float32) for k in "abc"}


def chain_arrays(seed=0) -> dict:
    return {"data": np.random.default_rng(seed).standard_normal(4).astype(np.float32)}


def weights(arrays: dict) -> list[str]:
    """The names that receive gradients, in a fixed order."""
    return [k for k in arrays if k not in NO_GRAD and not k.startswith(AUX_PREFIX)]


# ---------------------------------------------------------------------------- executors
def bind(mx, symbol, arrays: dict, ctx, grad: bool = True):
    """simple_bind with gradients for the weights only, then copy the values in (keys with
    ``AUX_PREFIX`` go to the auxiliary states)."""
    args = {k: v for k, v in arrays.items() if not k.startswith(AUX_PREFIX)}
    shapes = {k: v.shape for k, v in args.items()}
    req = {k: ("null" if (k in NO_GRAD or not grad) else "write") for k in args}
    ex = symbol.simple_bind(ctx, grad_req=req, **shapes)
    for name, value in args.items():
        ex.arg_dict[name][:] = value
    for name, value in arrays.items():
        if name.startswith(AUX_PREFIX):
            ex.aux_dict[name[len(AUX_PREFIX):]][:] = value
    return ex


def train_step(ex):
    """One forward+backward (the loss head needs no out_grad)."""
    def step():
        ex.forward(is_train=True)
        ex.backward()
    return step


def forward_only(ex):
    def run():
        ex.forward(is_train=False)
    return run


def results(ex, arrays: dict) -> dict:
    """Output and gradients as NumPy arrays, for the cross-checks."""
    out = {"output": ex.outputs[0].asnumpy()}
    for name in weights(arrays):
        if ex.grad_dict.get(name) is not None:
            out["grad:" + name] = ex.grad_dict[name].asnumpy()
    return out


BUILDERS = {
    "mlp": (mlp_symbol, mlp_arrays),
    "lenet": (lenet_symbol, lenet_arrays),
    "tiny": (tiny_symbol, tiny_arrays),
    "resnet18": (resnet18_symbol, resnet18_arrays),
}
