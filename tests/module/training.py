"""MXNet 1.x training code as users ran it, on synthetic data of the real shapes.

Two flows, each written once against the ``mx`` it is given (a real MXNet in record.py, symnb
in test_training.py):

* ``tutorial_module``: the calls of MXNet's "Module - Neural network training and inference"
  tutorial (intermediate-level loop, ``fit``, ``predict``, ``score``, ``do_checkpoint``,
  ``load_checkpoint``, ``set_params``, resuming with ``begin_epoch``) on letter-recognition
  shaped data (16 integer features, 26 classes);
* ``train_mnist``: ``example/image-classification/train_mnist.py`` with its ``mlp`` and
  ``lenet`` symbols and the calls of ``common/fit.py`` (kvstore, MultiFactorScheduler, Xavier,
  Speedometer, ``Module.fit`` with every argument it passes) on 28x28 MNIST-shaped images.

Epoch counts are smaller than the originals; the data are a learnable pattern plus noise.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import random
import tempfile

import numpy as np

# -------------------------------------------------------------------------------- data


def letters(n=2000, seed=0):
    """Letter-recognition shaped data: ``(n, 16)`` integer features in 0..15, labels 0..25."""
    rng = np.random.RandomState(seed)
    centres = rng.uniform(2, 13, size=(26, 16))
    label = rng.randint(0, 26, size=n)
    data = np.clip(np.rint(centres[label] + 3.0 * rng.standard_normal((n, 16))), 0, 15)
    return data.astype(np.float64), label


def mnist_images(n, seed, stroke=150, noise=105):
    """MNIST-shaped ``(labels int8 (n,), images uint8 (n, 28, 28))``: each digit class is a
    fixed set of strokes (``stroke`` bright), shifted by up to four pixels, on uniform noise
    up to ``noise``."""
    templates = np.zeros((10, 32, 32), np.float32)
    for c in range(10):
        strokes = np.random.RandomState(100 + c)
        for _ in range(3):
            r, q = strokes.randint(4, 24, size=2)
            if strokes.rand() < 0.5:
                templates[c, r:r + 2, q:q + 8] = 1
            else:
                templates[c, r:r + 8, q:q + 2] = 1
    rng = np.random.RandomState(seed)
    label = rng.randint(0, 10, size=n)
    shift = rng.randint(0, 5, size=(n, 2))
    images = np.empty((n, 28, 28), np.float32)
    for i in range(n):
        y, x = shift[i]
        images[i] = templates[label[i], y:y + 28, x:x + 28]
    images = images * stroke + rng.uniform(0, noise, size=images.shape)
    return label.astype(np.int8), images.astype(np.uint8)


# -------------------------------------------------------------------------------- tutorial


def tutorial_module(mx, workdir, epochs=(3, 4, 3, 5)):
    """The Module tutorial's calls; returns the accuracies it prints or asserts."""
    intermediate_epochs, fit_epochs, ckpt_epochs, resume_to = epochs
    mx.random.seed(1234)
    np.random.seed(1234)
    random.seed(1234)
    data, label = letters()
    batch_size = 32
    ntrain = int(data.shape[0] * 0.8)
    train_iter = mx.io.NDArrayIter(data[:ntrain, :], label[:ntrain], batch_size, shuffle=True)
    val_iter = mx.io.NDArrayIter(data[ntrain:, :], label[ntrain:], batch_size)

    net = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(net, name='fc1', num_hidden=64)
    net = mx.sym.Activation(net, name='relu1', act_type="relu")
    net = mx.sym.FullyConnected(net, name='fc2', num_hidden=26)
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    dot = mx.viz.plot_network(net, node_attrs={"shape": "oval", "fixedsize": "false"})
    out = {"plot_network": type(dot).__name__}

    mod = mx.mod.Module(symbol=net, context=mx.cpu(), data_names=['data'],
                        label_names=['softmax_label'])
    # intermediate-level interface
    mod.bind(data_shapes=train_iter.provide_data, label_shapes=train_iter.provide_label)
    mod.init_params(initializer=mx.init.Uniform(scale=.1))
    mod.init_optimizer(optimizer='sgd', optimizer_params=(('learning_rate', 0.1), ))
    metric = mx.metric.create('acc')
    history = []
    for epoch in range(intermediate_epochs):
        train_iter.reset()
        metric.reset()
        for batch in train_iter:
            mod.forward(batch, is_train=True)
            mod.update_metric(metric, batch.label)
            mod.backward()
            mod.update()
        history.append(metric.get())
        print('Epoch %d, Training %s' % (epoch, metric.get()))
    out["intermediate"] = [[n, float(v)] for n, v in history]

    # high-level interface
    train_iter.reset()
    mod = mx.mod.Module(symbol=net, context=mx.cpu(), data_names=['data'],
                        label_names=['softmax_label'])
    mod.fit(train_iter, eval_data=val_iter, optimizer='sgd',
            optimizer_params={'learning_rate': 0.1}, eval_metric='acc', num_epoch=fit_epochs)
    y = mod.predict(val_iter)
    out["predict_shape"] = list(y.shape)
    score = mod.score(val_iter, ['acc'])
    out["score"] = float(score[0][1])
    print("Accuracy score is %f" % (score[0][1]))

    # save and load
    model_prefix = os.path.join(workdir, 'mx_mlp')
    checkpoint = mx.callback.do_checkpoint(model_prefix)
    mod = mx.mod.Module(symbol=net)
    mod.fit(train_iter, num_epoch=ckpt_epochs, epoch_end_callback=checkpoint)
    sym, arg_params, aux_params = mx.model.load_checkpoint(model_prefix, 3)
    out["same_json"] = sym.tojson() == net.tojson()
    mod.set_params(arg_params, aux_params)
    out["files"] = sorted(os.listdir(workdir))

    mod = mx.mod.Module(symbol=sym)
    mod.fit(train_iter, num_epoch=resume_to, arg_params=arg_params, aux_params=aux_params,
            begin_epoch=3)
    out["resumed_score"] = float(mod.score(val_iter, ['acc'])[0][1])
    return out


# -------------------------------------------------------------------------------- train_mnist


def mlp_symbol(mx, num_classes=10, **kwargs):
    """``symbols/mlp.py``'s ``get_symbol``."""
    data = mx.symbol.Variable('data')
    data = mx.sym.Flatten(data=data)
    fc1 = mx.symbol.FullyConnected(data=data, name='fc1', num_hidden=128)
    act1 = mx.symbol.Activation(data=fc1, name='relu1', act_type="relu")
    fc2 = mx.symbol.FullyConnected(data=act1, name='fc2', num_hidden=64)
    act2 = mx.symbol.Activation(data=fc2, name='relu2', act_type="relu")
    fc3 = mx.symbol.FullyConnected(data=act2, name='fc3', num_hidden=num_classes)
    return mx.symbol.SoftmaxOutput(data=fc3, name='softmax')


def lenet_symbol(mx, num_classes=10, add_stn=False, **kwargs):
    """``symbols/lenet.py``'s ``get_symbol`` (without the spatial transformer)."""
    data = mx.symbol.Variable('data')
    conv1 = mx.symbol.Convolution(data=data, kernel=(5, 5), num_filter=20)
    tanh1 = mx.symbol.Activation(data=conv1, act_type="tanh")
    pool1 = mx.symbol.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
    conv2 = mx.symbol.Convolution(data=pool1, kernel=(5, 5), num_filter=50)
    tanh2 = mx.symbol.Activation(data=conv2, act_type="tanh")
    pool2 = mx.symbol.Pooling(data=tanh2, pool_type="max", kernel=(2, 2), stride=(2, 2))
    flatten = mx.symbol.Flatten(data=pool2)
    fc1 = mx.symbol.FullyConnected(data=flatten, num_hidden=500)
    tanh3 = mx.symbol.Activation(data=fc1, act_type="tanh")
    fc2 = mx.symbol.FullyConnected(data=tanh3, num_hidden=num_classes)
    return mx.symbol.SoftmaxOutput(data=fc2, name='softmax')


def mnist_args(network, num_examples, num_epochs):
    """train_mnist.py's arguments: ``add_fit_args`` defaults with its ``set_defaults``."""
    return argparse.Namespace(
        num_classes=10, num_examples=num_examples, add_stn=False, image_shape='1, 28, 28',
        network=network, num_layers=None, gpus=None, kv_store='device', num_epochs=num_epochs,
        lr=.05, lr_factor=0.1, lr_step_epochs='10', initializer='default', optimizer='sgd',
        mom=0.9, wd=0.0001, batch_size=64, disp_batches=100, model_prefix=None, save_period=1,
        monitor=0, load_epoch=None, top_k=0, loss='', test_io=0, dtype='float32',
        gc_type='none', gc_threshold=0.5, macrobatch_size=0, warmup_epochs=5,
        warmup_strategy='linear', profile_worker_suffix='', profile_server_suffix='',
        use_imagenet_data_augmentation=0)


def _to4d(img):
    return img.reshape(img.shape[0], 1, 28, 28).astype(np.float32) / 255


def mnist_loader(n_train, n_val, contrast):
    """``get_mnist_iter`` over synthetic images instead of the downloaded idx files."""
    def get_mnist_iter(mx, args, kv):
        train_lbl, train_img = mnist_images(n_train, 1, *contrast)
        val_lbl, val_img = mnist_images(n_val, 2, *contrast)
        train = mx.io.NDArrayIter(_to4d(train_img), train_lbl, args.batch_size, shuffle=True)
        val = mx.io.NDArrayIter(_to4d(val_img), val_lbl, args.batch_size)
        return train, val
    return get_mnist_iter


def fit_like_common_fit(mx, args, network, data_loader):
    """The calls ``common/fit.py``'s ``fit`` makes for these arguments; returns the module,
    the validation iterator and the Speedometer log lines."""
    kv = mx.kvstore.create(args.kv_store)
    epoch_size = math.ceil(int(args.num_examples / kv.num_workers) / args.batch_size)
    train, val = data_loader(mx, args, kv)

    # _get_lr_scheduler
    step_epochs = [int(s) for s in args.lr_step_epochs.split(',')]
    lr = args.lr
    steps = [epoch_size * x for x in step_epochs if x > 0]
    lr_scheduler = mx.lr_scheduler.MultiFactorScheduler(step=steps, factor=args.lr_factor,
                                                        base_lr=args.lr)
    devs = mx.cpu()
    model = mx.mod.Module(context=devs, symbol=network)
    optimizer_params = {'learning_rate': lr, 'wd': args.wd, 'lr_scheduler': lr_scheduler,
                        'multi_precision': True, 'momentum': args.mom}
    monitor = mx.mon.Monitor(args.monitor, pattern=".*") if args.monitor > 0 else None
    initializer = mx.init.Xavier(rnd_type='gaussian', factor_type="in", magnitude=2)
    eval_metrics = ['accuracy']
    batch_end_callbacks = [mx.callback.Speedometer(args.batch_size, args.disp_batches)]
    model.fit(train, begin_epoch=args.load_epoch if args.load_epoch else 0,
              num_epoch=args.num_epochs, eval_data=val, eval_metric=eval_metrics, kvstore=kv,
              optimizer=args.optimizer, optimizer_params=optimizer_params,
              initializer=initializer, arg_params=None, aux_params=None,
              batch_end_callback=batch_end_callbacks, epoch_end_callback=None,
              allow_missing=True, monitor=monitor)
    return model, val


# (train images, validation images, epochs, (stroke, noise)): the MLP's data are noisy enough
# that it stops short of 100%; LeNet gets 2 x 20 batches, in which it learns only clean data
MLP_SEEDS = (0, 1, 2)
MNIST_SIZES = {"mlp": (3200, 640, 2, (115, 140)), "lenet": (1280, 320, 2, (150, 105))}


def train_mnist(mx, network, seed=42):
    """Train ``mlp`` or ``lenet`` as train_mnist.py does; returns the validation accuracy."""
    n_train, n_val, epochs, contrast = MNIST_SIZES[network]
    mx.random.seed(seed)
    np.random.seed(seed)
    args = mnist_args(network, n_train, epochs)
    sym = (mlp_symbol if network == 'mlp' else lenet_symbol)(mx, **vars(args))
    model, val = fit_like_common_fit(mx, args, sym, mnist_loader(n_train, n_val, contrast))
    return float(model.score(val, 'acc')[0][1])


def record_accuracy(mx):
    """What MXNet reaches on these data (record.py stores it for test_training.py).

    >>> callable(record_accuracy)
    True
    """
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        tutorial = tutorial_module(mx, tmp)
    # the random initialisation moves the MLP's accuracy by a few points: several seeds
    return {"tutorial": tutorial,
            "mnist_mlp": [train_mnist(mx, "mlp", seed) for seed in MLP_SEEDS],
            "mnist_lenet": train_mnist(mx, "lenet")}
