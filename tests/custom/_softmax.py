"""MXNet's ``example/numpy-ops/custom_softmax.py`` operator, for both interpreters.

The classes are the example's, with one change NumPy 2 forces: ``astype(np.int)`` is
``astype(int)`` (``np.int`` was removed from NumPy in 1.24). ``define(mx)`` registers them
with the given ``mx`` and returns the example's MLP.
"""
from __future__ import annotations

import numpy as np


def define(mx):
    class Softmax(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0].asnumpy()
            y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))
            self.assign(out_data[0], req[0], mx.nd.array(y))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            l = in_data[1].asnumpy().ravel().astype(int)  # noqa: E741 -- the example's name
            y = out_data[0].asnumpy()
            y[np.arange(l.shape[0]), l] -= 1.0
            self.assign(in_grad[0], req[0], mx.nd.array(y))

    @mx.operator.register("softmax")
    class SoftmaxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super(SoftmaxProp, self).__init__(need_top_grad=False)

        def list_arguments(self):
            return ['data', 'label']

        def list_outputs(self):
            return ['output']

        def infer_shape(self, in_shape):
            data_shape = in_shape[0]
            label_shape = (in_shape[0][0],)
            output_shape = in_shape[0]
            return [data_shape, label_shape], [output_shape], []

        def infer_type(self, in_type):
            return in_type, [in_type[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Softmax()

    data = mx.symbol.Variable('data')
    fc1 = mx.symbol.FullyConnected(data=data, name='fc1', num_hidden=128)
    act1 = mx.symbol.Activation(data=fc1, name='relu1', act_type="relu")
    fc2 = mx.symbol.FullyConnected(data=act1, name='fc2', num_hidden=64)
    act2 = mx.symbol.Activation(data=fc2, name='relu2', act_type="relu")
    fc3 = mx.symbol.FullyConnected(data=act2, name='fc3', num_hidden=10)
    return mx.symbol.Custom(data=fc3, name='softmax', op_type='softmax')


def synthetic_mnist(n=600, seed=0):
    """MNIST-shaped (784 features, 10 classes) data with a learnable pattern."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 10, n)
    centers = rng.uniform(0, 1, (10, 784))
    x = centers[labels] + rng.normal(0, 0.3, (n, 784))
    return x.astype(np.float32), labels.astype(np.float32)


def fill(shape, index):
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return ((((k * 0.6180339887 + index * 0.4142135623) % 1.0) - 0.5) * 0.1).reshape(shape)


def train(mx, sym, num_epoch=2):
    """``Module.fit`` as the example calls it, on synthetic data with fixed initial weights;
    returns the final parameters and the validation accuracy."""
    x, y = synthetic_mnist()
    train_it = mx.io.NDArrayIter(x[:500], y[:500], batch_size=100, label_name='softmax_label')
    val_it = mx.io.NDArrayIter(x[500:], y[500:], batch_size=100, label_name='softmax_label')
    arg_shapes, _, _ = sym.infer_shape(data=(100, 784))
    args = {n: mx.nd.array(fill(s, i)) for i, (n, s) in
            enumerate(zip(sym.list_arguments(), arg_shapes))
            if n not in ('data', 'softmax_label')}
    mod = mx.mod.Module(sym, context=mx.cpu())
    mod.fit(train_data=train_it, eval_data=val_it, optimizer='sgd', arg_params=args,
            optimizer_params={'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.00001},
            num_epoch=num_epoch, batch_end_callback=mx.callback.Speedometer(100, 100))
    arg, _ = mod.get_params()
    return {k: v.asnumpy() for k, v in arg.items()}, mod.score(val_it, 'acc')[0][1]
