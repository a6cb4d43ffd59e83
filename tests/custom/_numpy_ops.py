"""MXNet's ``example/numpy-ops/numpy_softmax.py`` (``mx.operator.NumpyOp``) and an
``NDArrayOp`` with two outputs, for both interpreters.

The softmax class is the example's, with one change NumPy 2 forces: ``astype(np.int)`` is
``astype(int)``. ``define_softmax(mx)`` returns the example's MLP over it.
"""
from __future__ import annotations

import warnings

import numpy as np


def define_softmax(mx):
    class NumpySoftmax(mx.operator.NumpyOp):
        def __init__(self):
            super(NumpySoftmax, self).__init__(False)

        def list_arguments(self):
            return ['data', 'label']

        def list_outputs(self):
            return ['output']

        def infer_shape(self, in_shape):
            data_shape = in_shape[0]
            label_shape = (in_shape[0][0],)
            output_shape = in_shape[0]
            return [data_shape, label_shape], [output_shape]

        def forward(self, in_data, out_data):
            x = in_data[0]
            y = out_data[0]
            y[:] = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))

        def backward(self, out_grad, in_data, out_data, in_grad):
            l = in_data[1]  # noqa: E741 -- the example's name
            l = l.reshape((l.size,)).astype(int)  # noqa: E741
            y = out_data[0]
            dx = in_grad[0]
            dx[:] = y
            dx[np.arange(l.shape[0]), l] -= 1.0

    data = mx.symbol.Variable('data')
    fc1 = mx.symbol.FullyConnected(data=data, name='fc1', num_hidden=128)
    act1 = mx.symbol.Activation(data=fc1, name='relu1', act_type="relu")
    fc2 = mx.symbol.FullyConnected(data=act1, name='fc2', num_hidden=64)
    act2 = mx.symbol.Activation(data=fc2, name='relu2', act_type="relu")
    fc3 = mx.symbol.FullyConnected(data=act2, name='fc3', num_hidden=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mysoftmax = NumpySoftmax()
    return mysoftmax(data=fc3, name='softmax')


def define_scale_shift(mx, need_top_grad=True):
    """An NDArrayOp ``(data, shift) -> (data * 3 + shift, data * data)``, shift shaped (rows,)
    and broadcast over columns."""
    class ScaleShift(mx.operator.NDArrayOp):
        def list_arguments(self):
            return ['data', 'shift']

        def list_outputs(self):
            return ['scaled', 'squared']

        def infer_shape(self, in_shape):
            return [in_shape[0], [in_shape[0][0]]], [in_shape[0], in_shape[0]]

        def forward(self, in_data, out_data):
            x, s = in_data
            out_data[0][:] = x * 3 + s.reshape((-1, 1))
            out_data[1][:] = x * x

        def backward(self, out_grad, in_data, out_data, in_grad):
            x = in_data[0]
            if out_grad:
                in_grad[0][:] = out_grad[0] * 3 + out_grad[1] * 2 * x
                in_grad[1][:] = out_grad[0].sum(axis=1)
            else:                       # a loss-like use: constant gradients
                in_grad[0][:] = x * 0 + 1
                in_grad[1][:] = 2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        op = ScaleShift(need_top_grad)
    return op(mx.symbol.Variable('x'), name='ss')


def run_scale_shift(mx, sym, need_top_grad=True):
    """Forward and backward (write, then add) of ``define_scale_shift``'s node."""
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    shift = np.array([1, -1], dtype=np.float32)
    gx, gs = mx.nd.ones((2, 3)), mx.nd.ones((2,))
    ex = sym.bind(mx.cpu(), {'x': mx.nd.array(x), 'ss_shift': mx.nd.array(shift)},
                  args_grad={'x': gx, 'ss_shift': gs}, grad_req={'x': 'write', 'ss_shift': 'add'})
    outs = [o.asnumpy() for o in ex.forward(is_train=True)]
    heads = [mx.nd.array(np.full((2, 3), 0.5, np.float32)), mx.nd.array(np.ones((2, 3)) * 2)]
    ex.backward(heads if need_top_grad else None)
    return {"outputs": outs, "grad_x": gx.asnumpy(), "grad_shift": gs.asnumpy()}


def train(mx, sym, num_epoch=2):
    """``_softmax.train`` for a NumpyOp head: MXNet 1.9.1 crashes (segfault) when a
    NumpyOp's shape rule meets an unknown input shape, so the label's shape is given too."""
    from _softmax import fill, synthetic_mnist
    x, y = synthetic_mnist()
    train_it = mx.io.NDArrayIter(x[:500], y[:500], batch_size=100, label_name='softmax_label')
    val_it = mx.io.NDArrayIter(x[500:], y[500:], batch_size=100, label_name='softmax_label')
    arg_shapes, _, _ = sym.infer_shape(data=(100, 784), softmax_label=(100,))
    args = {n: mx.nd.array(fill(s, i)) for i, (n, s) in
            enumerate(zip(sym.list_arguments(), arg_shapes))
            if n not in ('data', 'softmax_label')}
    mod = mx.mod.Module(sym, context=mx.cpu())
    mod.fit(train_data=train_it, eval_data=val_it, optimizer='sgd', arg_params=args,
            optimizer_params={'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.00001},
            num_epoch=num_epoch)
    arg, _ = mod.get_params()
    return {k: v.asnumpy() for k, v in arg.items()}, mod.score(val_it, 'acc')[0][1]
