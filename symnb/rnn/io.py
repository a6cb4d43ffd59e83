"""Sentence encoding and the bucketing iterator of MXNet's language-model examples."""
from __future__ import annotations

import bisect
import random

import numpy as np

from .. import ndarray
from ..io import DataBatch, DataDesc, DataIter

__all__ = ["encode_sentences", "BucketSentenceIter"]


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key="\n", start_label=0,
                     unknown_token=None):
    """Encode tokenised sentences as integer lists, building the vocabulary as it goes.

    Parameters
    ----------
    sentences : list of list of str
    vocab : dict of str -> int, optional
        An existing vocabulary; unknown words then need ``unknown_token``.
    invalid_label : int, default -1
        The index of ``invalid_key`` (the end-of-sentence key) in a new vocabulary.
    invalid_key : str, default '\\n'
    start_label : int, default 0
        The first index handed out.
    unknown_token : str, optional
        Token that unknown words map to; without it they are added (new vocabulary) or an
        error (given vocabulary).

    Returns
    -------
    (list of list of int, dict of str -> int)

    >>> import symnb as mx
    >>> mx.rnn.encode_sentences([['a', 'b'], ['b', 'c']])
    ([[0, 1], [1, 2]], {'\\n': -1, 'a': 0, 'b': 1, 'c': 2})
    """
    idx = start_label
    new_vocab = vocab is None
    if new_vocab:
        vocab = {invalid_key: invalid_label}
    res = []
    for sent in sentences:
        coded = []
        for word in sent:
            if word not in vocab:
                assert new_vocab or unknown_token, "Unknown token %s" % word
                if idx == invalid_label:
                    idx += 1
                if unknown_token:
                    word = unknown_token
                vocab[word] = idx
                idx += 1
            coded.append(vocab[word])
        res.append(coded)
    return res, vocab


class BucketSentenceIter(DataIter):
    """Batches of encoded sentences grouped by length (bucket); the label of each step is
    the next token, and the last step's label is ``invalid_label``.

    Parameters
    ----------
    sentences : list of list of int
    batch_size : int
    buckets : list of int, optional
        Bucket lengths; by default every length that has at least ``batch_size``
        sentences.
    invalid_label : int, default -1
        Padding and the last label.
    data_name, label_name : str, default 'data', 'softmax_label'
    dtype : str, default 'float32'
    layout : {'NT', 'TN'}, default 'NT'
        Batch-major or time-major batches.

    >>> import symnb as mx
    >>> it = mx.rnn.BucketSentenceIter([[1, 2, 3], [4, 5, 6], [7, 8]], batch_size=2,
    ...                                buckets=[3])
    WARNING: discarded 0 sentences longer than the largest bucket.
    >>> batch = next(iter(it))
    >>> batch.bucket_key, batch.data[0].shape, it.provide_label[0].name
    (3, (2, 3), 'softmax_label')
    """

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1,
                 data_name="data", label_name="softmax_label", dtype="float32",
                 layout="NT"):
        super().__init__()
        if not buckets:
            buckets = [i for i, j in enumerate(np.bincount([len(s) for s in sentences]))
                       if j >= batch_size]
        buckets.sort()
        ndiscard = 0
        self.data = [[] for _ in buckets]
        used = [False] * (len(buckets) + 1)
        for sent in sentences:
            buck = bisect.bisect_left(buckets, len(sent))
            used[buck] = True
            if buck == len(buckets):
                ndiscard += 1
                continue
            buff = np.full((buckets[buck],), invalid_label, dtype=dtype)
            buff[:len(sent)] = sent
            self.data[buck].append(buff)
        buckets = [b for i, b in enumerate(buckets) if used[i]]
        self.data = [np.asarray(d, dtype=dtype) for d in self.data if d]
        # MXNet prints this (not a logging call); kept so scripts' output matches
        print("WARNING: discarded %d sentences longer than the largest bucket." % ndiscard)
        self.batch_size = batch_size
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = dtype
        self.invalid_label = invalid_label
        self.nddata = []
        self.ndlabel = []
        self.major_axis = layout.find("N")
        self.layout = layout
        self.default_bucket_key = max(buckets)
        if self.major_axis == 0:
            shape = (batch_size, self.default_bucket_key)
        elif self.major_axis == 1:
            shape = (self.default_bucket_key, batch_size)
        else:
            raise ValueError("Invalid layout %s: Must by NT (batch major) or TN (time major)")
        self.provide_data = [DataDesc(name=self.data_name, shape=shape, layout=self.layout)]
        self.provide_label = [DataDesc(name=self.label_name, shape=shape, layout=self.layout)]
        self.idx = []
        for i, buck in enumerate(self.data):
            self.idx.extend((i, j) for j in range(0, len(buck) - batch_size + 1, batch_size))
        self.curr_idx = 0
        self.reset()

    def reset(self):
        """Shuffle the batches and the sentences within each bucket, and start over.

        >>> import symnb as mx
        >>> it = mx.rnn.BucketSentenceIter([[1, 2], [3, 4]], batch_size=2)
        WARNING: discarded 0 sentences longer than the largest bucket.
        >>> it.next().bucket_key, len(list(it))
        (2, 0)
        >>> it.reset(); len(list(it))
        1
        """
        self.curr_idx = 0
        random.shuffle(self.idx)
        for buck in self.data:
            np.random.shuffle(buck)
        self.nddata, self.ndlabel = [], []
        for buck in self.data:
            label = np.empty_like(buck)
            label[:, :-1] = buck[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(ndarray.array(buck, dtype=self.dtype))
            self.ndlabel.append(ndarray.array(label, dtype=self.dtype))

    def next(self):
        """The next batch (a ``DataBatch`` with its ``bucket_key``); each label is the
        next token, the last one ``invalid_label``. Raises ``StopIteration`` at the end.

        >>> import symnb as mx
        >>> it = mx.rnn.BucketSentenceIter([[1, 2, 3]], batch_size=1)
        WARNING: discarded 0 sentences longer than the largest bucket.
        >>> batch = it.next()
        >>> batch.bucket_key, batch.data[0].asnumpy(), batch.label[0].asnumpy()
        (3, array([[1., 2., 3.]], dtype=float32), array([[ 2.,  3., -1.]], dtype=float32))
        >>> it.next()
        Traceback (most recent call last):
        ...
        StopIteration
        """
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        data = self.nddata[i][j:j + self.batch_size]
        label = self.ndlabel[i][j:j + self.batch_size]
        if self.major_axis == 1:
            data, label = data.T, label.T
        return DataBatch([data], [label], pad=0, bucket_key=self.buckets[i],
                         provide_data=[DataDesc(name=self.data_name, shape=data.shape,
                                                layout=self.layout)],
                         provide_label=[DataDesc(name=self.label_name, shape=label.shape,
                                                 layout=self.layout)])
