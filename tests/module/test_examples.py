"""The calls of MXNet 1.9.1's example/module scripts (mnist_mlp.py, python_loss.py,
sequential_module.py) on MNIST-shaped idx files written here, with cpu contexts.

With the examples' own settings (``Uniform(0.01)`` weights, learning rate 0.01) a network
needs hundreds of updates to leave its starting plateau, on real MNIST as on these images;
MXNet 1.9.1 stays at chance after 2 epochs of them too. So the examples' calls run unchanged
and their outputs are checked for consistency, and learning is checked with one more ``fit``
from Xavier weights at learning rate 0.1 through the same modules.
"""
from __future__ import annotations

import logging
import struct

import numpy as np
import pytest

import symnb as mx

from . import training


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """train/t10k idx files (uncompressed, as MNISTIter reads them) of synthetic digits."""
    root = tmp_path_factory.mktemp("mnist")
    for prefix, n, seed in (("train", 1000, 1), ("t10k", 300, 2)):
        labels, images = training.mnist_images(n, seed, stroke=150, noise=105)
        (root / ("%s-labels-idx1-ubyte" % prefix)).write_bytes(
            struct.pack(">II", 2049, n) + labels.astype(np.uint8).tobytes())
        (root / ("%s-images-idx3-ubyte" % prefix)).write_bytes(
            struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
    return root


def _iters(root, batch_size=100):
    train = mx.io.MNISTIter(image=str(root / "train-images-idx3-ubyte"),
                            label=str(root / "train-labels-idx1-ubyte"), data_shape=(784,),
                            batch_size=batch_size, shuffle=True, flat=True, silent=False,
                            seed=10)
    val = mx.io.MNISTIter(image=str(root / "t10k-images-idx3-ubyte"),
                          label=str(root / "t10k-labels-idx1-ubyte"), data_shape=(784,),
                          batch_size=batch_size, shuffle=True, flat=True, silent=False)
    return train, val


def _mlp_body():
    data = mx.symbol.Variable('data')
    fc1 = mx.symbol.FullyConnected(data, name='fc1', num_hidden=128)
    act1 = mx.symbol.Activation(fc1, name='relu1', act_type="relu")
    fc2 = mx.symbol.FullyConnected(act1, name='fc2', num_hidden=64)
    act2 = mx.symbol.Activation(fc2, name='relu2', act_type="relu")
    return mx.symbol.FullyConnected(act2, name='fc3', num_hidden=10)


@pytest.fixture(autouse=True)
def _quiet_root_logger():
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(level)


def test_mnist_mlp_example(mnist_dir, capsys):
    softmax = mx.symbol.SoftmaxOutput(_mlp_body(), name='softmax')
    train_dataiter, val_dataiter = _iters(mnist_dir)
    mx.random.seed(0)
    mod = mx.mod.Module(softmax)
    mod.bind(data_shapes=train_dataiter.provide_data, label_shapes=train_dataiter.provide_label)
    mod.init_params()
    mod.init_optimizer(optimizer_params={'learning_rate': 0.01, 'momentum': 0.9})
    metric = mx.metric.create('acc')
    for i_epoch in range(2):
        for _i_iter, batch in enumerate(train_dataiter):
            mod.forward(batch)
            mod.update_metric(metric, batch.label)
            mod.backward()
            mod.update()
        for name, val in metric.get_name_value():
            print('epoch %03d: %s=%f' % (i_epoch, name, val))
        metric.reset()
        train_dataiter.reset()

    train_dataiter.reset()
    mod = mx.mod.Module(softmax)
    mod.fit(train_dataiter, eval_data=val_dataiter,
            optimizer_params={'learning_rate': 0.01, 'momentum': 0.9}, num_epoch=2)
    for preds, i_batch, batch in mod.iter_predict(val_dataiter):
        pred_label = preds[0].asnumpy().argmax(axis=1)
        label = batch.label[0].asnumpy().astype('int32')
        if i_batch % 20 == 0:
            print('batch %03d acc: %.3f' % (i_batch, (label == pred_label).sum()
                                            / float(len(pred_label))))
    preds = mod.predict(val_dataiter)
    assert preds.shape == (300, 10)
    preds = mod.predict(val_dataiter, merge_batches=False)
    val_dataiter.reset()
    acc_sum, acc_cnt = 0.0, 0
    for i, batch in enumerate(val_dataiter):
        pred_label = preds[i][0].asnumpy().argmax(axis=1)
        label = batch.label[0].asnumpy().astype('int32')
        acc_sum += (label == pred_label).sum()
        acc_cnt += len(pred_label)
    print('validation Accuracy: %.3f' % (acc_sum / acc_cnt))
    mod.score(val_dataiter, metric)
    for name, val in metric.get_name_value():
        print('%s=%f' % (name, val))
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("epoch 000: accuracy=") and out[1].startswith("epoch 001:")
    assert out[2].startswith("batch 000 acc: ")
    # predict, predict(merge_batches=False) and score see the same predictions
    assert out[-2] == "validation Accuracy: %.3f" % (acc_sum / acc_cnt)
    assert out[-1] == "accuracy=%f" % (acc_sum / acc_cnt)
    _learns(lambda: mx.mod.Module(softmax), mnist_dir)


def _learns(make_module, root):
    """A fresh module of the same build learns from Xavier weights at learning rate 0.1
    (a rebind would keep the first run's optimizer and kvstore, as in MXNet)."""
    train, val = _iters(root)
    mod = make_module()
    mod.fit(train, optimizer_params={'learning_rate': 0.1, 'momentum': 0.9}, num_epoch=5,
            initializer=mx.init.Xavier())
    assert mod.score(val, "acc")[0][1] > 0.9


def mc_hinge_grad(scores, labels):
    scores = scores.asnumpy()
    labels = labels.asnumpy().astype(int)
    n, _ = scores.shape
    grad = np.zeros_like(scores)
    for i in range(n):
        score = 1 + scores[i] - scores[i, labels[i]]
        score[labels[i]] = 0
        ind_pred = score.argmax()
        grad[i, labels[i]] -= 1
        grad[i, ind_pred] += 1
    return grad


def _python_loss_model():
    contexts = [mx.context.cpu(0), mx.context.cpu(1)]
    mlp = mx.mod.Module(_mlp_body(), context=contexts)
    loss = mx.mod.PythonLossModule(grad_func=mc_hinge_grad)
    mod = mx.mod.SequentialModule() \
        .add(mlp) \
        .add(loss, take_labels=True, auto_wiring=True)
    return mod, mlp, loss


def test_python_loss_example_on_two_contexts(mnist_dir):
    mod, mlp, loss = _python_loss_model()
    train_dataiter, val_dataiter = _iters(mnist_dir)
    mx.random.seed(0)
    mod.fit(train_dataiter, eval_data=val_dataiter,
            optimizer_params={'learning_rate': 0.01, 'momentum': 0.9}, num_epoch=2)
    assert [e.arg_dict["data"].shape for e in mlp._exec_group.execs] == [(50, 784)] * 2
    assert loss.output_shapes == [("pyloss_output", (100, 10))]
    _learns(lambda: _python_loss_model()[0], mnist_dir)


def _sequential_model():
    contexts = [mx.context.cpu(), mx.context.cpu()]
    data = mx.symbol.Variable('data')
    fc1 = mx.symbol.FullyConnected(data, name='fc1', num_hidden=128)
    act1 = mx.symbol.Activation(fc1, name='relu1', act_type="relu")
    mod1 = mx.mod.Module(act1, label_names=[], context=contexts[0])
    data = mx.symbol.Variable('data')
    fc2 = mx.symbol.FullyConnected(data, name='fc2', num_hidden=64)
    act2 = mx.symbol.Activation(fc2, name='relu2', act_type="relu")
    fc3 = mx.symbol.FullyConnected(act2, name='fc3', num_hidden=10)
    softmax = mx.symbol.SoftmaxOutput(fc3, name='softmax')
    mod2 = mx.mod.Module(softmax, context=contexts[1])
    mod_seq = mx.mod.SequentialModule()
    mod_seq.add(mod1).add(mod2, take_labels=True, auto_wiring=True)
    return mod_seq, mod2


def test_sequential_module_example(mnist_dir):
    mod_seq, mod2 = _sequential_model()
    train_dataiter, val_dataiter = _iters(mnist_dir)
    mx.random.seed(0)
    mod_seq.fit(train_dataiter, eval_data=val_dataiter,
                optimizer_params={'learning_rate': 0.01, 'momentum': 0.9}, num_epoch=2)
    assert mod2.data_shapes[0].name == "data" and mod2.data_shapes[0].shape == (100, 128)
    _learns(lambda: _sequential_model()[0], mnist_dir)
