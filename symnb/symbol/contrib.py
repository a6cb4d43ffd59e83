"""``mx.sym.contrib``: operators MXNet places here (filled at import), and MXNet's Python-level
contrib helpers built from them (``rand_zipfian``)."""
from __future__ import annotations

import math

__all__ = ["rand_zipfian"]


def rand_zipfian(true_classes, num_sampled, range_max):
    """``num_sampled`` classes drawn with replacement from the approximately log-uniform
    distribution on ``[0, range_max)``, with the expected counts of ``true_classes`` and of
    the samples (see ``mx.nd.contrib.rand_zipfian``): three Symbols.

    >>> import symnb as mx
    >>> outs = mx.sym.contrib.rand_zipfian(mx.sym.var('t'), 4, 10)
    >>> [s.name for s in outs]
    ['_modscalar0', '_mulscalar0', '_mulscalar1']
    """
    from .random import uniform
    from .symbol import Symbol
    assert isinstance(true_classes, Symbol), "unexpected type %s" % type(true_classes)
    log_range = math.log(range_max + 1)
    rand = uniform(0, log_range, shape=(num_sampled,), dtype="float64")
    # make sure the sampled classes are in [0, range_max)
    sampled_classes = (rand.exp() - 1).astype("int64") % range_max

    true_classes = true_classes.astype("float64")
    expected_prob_true = ((true_classes + 2.0) / (true_classes + 1.0)).log() / log_range
    expected_count_true = expected_prob_true * num_sampled
    # the sampled classes as float64, to avoid integer division
    sampled_cls_fp64 = sampled_classes.astype("float64")
    expected_prob_sampled = ((sampled_cls_fp64 + 2.0) / (sampled_cls_fp64 + 1.0)).log() \
        / log_range
    expected_count_sampled = expected_prob_sampled * num_sampled
    return sampled_classes, expected_count_true, expected_count_sampled
