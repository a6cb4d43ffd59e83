"""MXNet's ``example/rnn/bucketing/lstm_bucketing.py`` flow on a small synthetic corpus.

``run(mx)`` builds the same BucketSentenceIter / SequentialRNNCell-of-LSTMCells / Embedding /
SoftmaxOutput network with ``mx.mod.BucketingModule``, fits it with SGD and the Perplexity
metric, and returns the metric after each epoch. Parameters come from a deterministic fill
and the iterators' shuffles from seeded ``random``/``np.random``, so MXNet (``record_lm.py``)
and symnb (``test_lstm_lm.py``) run the same computation.
"""
from __future__ import annotations

import random

import numpy as np

NUM_LAYERS, NUM_HIDDEN, NUM_EMBED, BATCH = 2, 16, 12, 8
BUCKETS = [6, 10]


def corpus():
    """Sentences over a 12-word vocabulary with a learnable pattern (each word is mostly
    followed by the next one)."""
    rng = np.random.RandomState(3)
    words = ["w%d" % i for i in range(12)]
    sents = []
    for _ in range(96):
        length = int(rng.randint(3, 10))
        start = int(rng.randint(0, 12))
        sent = [words[(start + k + (rng.rand() < 0.1)) % 12] for k in range(length)]
        sents.append(sent)
    return sents


def fill(shape, index):
    n = int(np.prod(shape))
    k = np.arange(n, dtype=np.float64)
    return ((((k * 0.6180339887 + index * 0.4142135623) % 1.0) - 0.5) * 0.4).reshape(shape)


def run(mx, num_epoch=2, logger=None):
    random.seed(0)
    np.random.seed(0)
    start_label, invalid_label = 1, 0
    train_sent, vocab = mx.rnn.encode_sentences(corpus(), invalid_label=invalid_label,
                                                start_label=start_label)
    data_train = mx.rnn.BucketSentenceIter(train_sent, BATCH, buckets=list(BUCKETS),
                                           invalid_label=invalid_label)
    stack = mx.rnn.SequentialRNNCell()
    for i in range(NUM_LAYERS):
        stack.add(mx.rnn.LSTMCell(num_hidden=NUM_HIDDEN, prefix="lstm_l%d_" % i))

    def sym_gen(seq_len):
        data = mx.sym.Variable("data")
        label = mx.sym.Variable("softmax_label")
        embed = mx.sym.Embedding(data=data, input_dim=len(vocab), output_dim=NUM_EMBED,
                                 name="embed")
        stack.reset()
        outputs = stack.unroll(seq_len, inputs=embed, merge_outputs=True)[0]
        pred = mx.sym.Reshape(outputs, shape=(-1, NUM_HIDDEN))
        pred = mx.sym.FullyConnected(data=pred, num_hidden=len(vocab), name="pred")
        label = mx.sym.Reshape(label, shape=(-1,))
        pred = mx.sym.SoftmaxOutput(data=pred, label=label, name="softmax")
        return pred, ("data",), ("softmax_label",)

    sym, _, _ = sym_gen(data_train.default_bucket_key)
    key = data_train.default_bucket_key
    arg_shapes, _, _ = sym.infer_shape(data=(BATCH, key), softmax_label=(BATCH, key))
    arg_params = {n: mx.nd.array(fill(s, i)) for i, (n, s) in
                  enumerate(zip(sym.list_arguments(), arg_shapes))
                  if n not in ("data", "softmax_label")}
    model = mx.mod.BucketingModule(sym_gen=sym_gen,
                                   default_bucket_key=data_train.default_bucket_key,
                                   context=mx.cpu(0))
    history = []

    def record(epoch, symbol, arg, aux):
        history.append(metric.get()[1])

    metric = mx.metric.Perplexity(invalid_label)
    model.fit(train_data=data_train, eval_metric=metric, kvstore="device", optimizer="sgd",
              optimizer_params={"learning_rate": 0.01, "momentum": 0.9, "wd": 0.00001},
              arg_params=arg_params, initializer=mx.init.Xavier(factor_type="in",
                                                                magnitude=2.34),
              num_epoch=num_epoch, epoch_end_callback=record,
              batch_end_callback=mx.callback.Speedometer(BATCH, 5, auto_reset=False))
    return history
