"""How generated ``mx.nd.X`` / ``mx.sym.X`` functions take their arguments, run the same way
on MXNet 1.9.1 (``record_calls.py``) and on symnb (``test_calls.py``): positional and keyword
NDArrays, input counts decided by parameters, unknown keywords, too many positional
arguments. Every case is a named function of the ``mx`` module returning plain values."""
from __future__ import annotations

import re

import numpy as np

from ._core_cases import plain


def outcome(fn):
    """Run ``fn``; a JSON-able result or the exception's type and full text, less MXNet's
    C++ traceback lines and log prefix (``[01:00:33] ../src/x.cc:90: ``), an MXNetError's
    text starting ``MXNetError: `` as symnb writes it."""
    try:
        return {"value": plain(fn())}
    except Exception as e:                     # noqa: BLE001 -- the fact being recorded
        lines = [_LOG_PREFIX.sub("", ln) for ln in str(e).splitlines()
                 if ln.strip() and not ln.startswith(("Traceback", "  File", "  [bt]",
                                                      "Stack trace"))]
        text = "\n".join(lines)
        if type(e).__name__ == "MXNetError" and not text.startswith("MXNetError: "):
            text = "MXNetError: " + text
        return {"error": type(e).__name__, "text": text}


_LOG_PREFIX = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")


def _arr(mx, shape, start=0.0, dtype="float32"):
    n = int(np.prod(shape))
    return mx.nd.array((np.arange(n) % 7 + start).reshape(shape), dtype=dtype)


def nd_calls(mx):
    """``mx.nd.X`` calls: NDArrays go to the operator's inputs in signature order."""
    nd = mx.nd
    x = nd.array(np.linspace(-1, 1, 2 * 2 * 4).reshape(2, 2, 4))      # (T, N, C) for CTC
    lab = nd.array([[1, 2], [1, 0]])
    dl, ll = nd.array([2, 2]), nd.array([2, 1])
    d2, w, b = _arr(mx, (2, 4)), _arr(mx, (3, 4), 1) * 0.1, _arr(mx, (3,))
    img, k = _arr(mx, (1, 1, 3, 3)), _arr(mx, (2, 1, 1, 1), 1)
    g, beta, mm, mv = nd.ones((1,)), nd.zeros((1,)), nd.zeros((1,)), nd.ones((1,))
    like = nd.zeros((1, 1, 2, 5))
    seq, sl = _arr(mx, (3, 2, 2)), nd.array([1, 3])
    return {
        "ctc_label_lengths_positional":
            lambda: nd.CTCLoss(x, lab, ll, use_label_lengths=True),
        "ctc_label_lengths_keyword":
            lambda: nd.CTCLoss(x, lab, label_lengths=ll, use_label_lengths=True),
        "ctc_data_lengths_keyword":
            lambda: nd.CTCLoss(x, lab, data_lengths=dl, use_data_lengths=True),
        "ctc_both_positional":
            lambda: nd.CTCLoss(x, lab, dl, ll, use_data_lengths=True, use_label_lengths=True),
        "ctc_both_keyword_swapped":
            lambda: nd.CTCLoss(x, lab, label_lengths=ll, data_lengths=dl,
                               use_data_lengths=True, use_label_lengths=True),
        "ctc_extra_positional": lambda: nd.CTCLoss(x, lab, ll),
        "ctc_extra_keyword": lambda: nd.CTCLoss(x, lab, label_lengths=ll),
        "ctc_missing": lambda: nd.CTCLoss(x, lab, use_label_lengths=True),
        "ctc_label_keyword_first": lambda: nd.CTCLoss(label=lab, data=x),
        "batchnorm_all": lambda: nd.BatchNorm(d2.reshape((2, 1, 4)), g, beta, mm, mv),
        "batchnorm_keywords": lambda: nd.BatchNorm(moving_var=mv, moving_mean=mm,
                                                   beta=beta, gamma=g,
                                                   data=d2.reshape((2, 1, 4))),
        "batchnorm_missing": lambda: nd.BatchNorm(d2.reshape((2, 1, 4)), g, beta),
        "fc_no_bias": lambda: nd.FullyConnected(d2, w, num_hidden=3, no_bias=True),
        "fc_no_bias_keyword": lambda: nd.FullyConnected(d2, weight=w, num_hidden=3,
                                                        no_bias=True),
        "fc_no_bias_extra": lambda: nd.FullyConnected(d2, w, b, num_hidden=3, no_bias=True),
        "fc_no_bias_none": lambda: nd.FullyConnected(d2, w, None, num_hidden=3, no_bias=True),
        "fc_bias_missing": lambda: nd.FullyConnected(d2, w, num_hidden=3),
        "fc_keywords_any_order": lambda: nd.FullyConnected(bias=b, weight=w, data=d2,
                                                           num_hidden=3),
        "fc_weight_skipped": lambda: nd.FullyConnected(d2, bias=b, num_hidden=3),
        "conv_no_bias": lambda: nd.Convolution(img, k, kernel=(1, 1), num_filter=2,
                                               no_bias=True),
        "conv_no_bias_extra": lambda: nd.Convolution(img, k, nd.zeros((2,)), kernel=(1, 1),
                                                     num_filter=2, no_bias=True),
        "bilinear_like": lambda: nd.contrib.BilinearResize2D(img, like, mode="like"),
        "bilinear_like_keyword": lambda: nd.contrib.BilinearResize2D(img, like=like,
                                                                     mode="like"),
        "bilinear_like_without_mode": lambda: nd.contrib.BilinearResize2D(img, like,
                                                                          height=2, width=2),
        "bilinear_like_missing": lambda: nd.contrib.BilinearResize2D(img, mode="like"),
        "dropout_inference": lambda: nd.Dropout(d2, p=0.5),
        "sequence_mask_length": lambda: nd.SequenceMask(seq, sl, use_sequence_length=True),
        "sequence_mask_length_keyword": lambda: nd.SequenceMask(
            seq, sequence_length=sl, use_sequence_length=True, value=-1.0),
        "sequence_mask_extra": lambda: nd.SequenceMask(seq, sl),
        "sequence_last_keyword": lambda: nd.SequenceLast(seq, sequence_length=sl,
                                                         use_sequence_length=True),
        "elemwise_sub_keywords_swapped": lambda: nd.elemwise_sub(rhs=d2, lhs=d2 * 3),
        "elemwise_add_missing": lambda: nd.elemwise_add(d2),
        "relu_not_ndarray": lambda: nd.relu(3),
        "relu_keyword_not_ndarray": lambda: nd.relu(data=[1, 2]),
        "activation_unknown_keyword_ndarray": lambda: nd.Activation(d2[0], act_type="relu",
                                                                    foo=nd.ones((2,))),
        "activation_unknown_keyword": lambda: nd.Activation(d2, act_type="relu", foo=1),
        "kl_sparse_signature_only": lambda: nd.IdentityAttachKLSparseReg(d2),
        "batchnorm_v1_signature_only": lambda: nd.BatchNorm_v1(
            d2.reshape((2, 1, 2, 2)), g, beta),
        "batchnorm_v1_aux_keywords": lambda: nd.BatchNorm_v1(
            d2.reshape((2, 1, 2, 2)), g, beta, moving_mean=mm),
        "kl_sparse_aux_keyword": lambda: nd.IdentityAttachKLSparseReg(d2,
                                                                      moving_avg=nd.ones((4,))),
        "concat_not_ndarray": lambda: nd.Concat(d2, 3, dim=0),
    }


def positional(mx):
    """Too many or doubled positional arguments for ``mx.nd`` / ``mx.sym`` functions."""
    nd, sym = mx.nd, mx.sym
    x, s = nd.ones((2,)), sym.var("s")
    return {
        "nd_activation_too_many": lambda: nd.Activation(x, "relu", None, None, 5),
        "nd_activation_out_positional": lambda: nd.Activation(x, "relu", nd.zeros((2,))),
        "nd_activation_twice": lambda: nd.Activation(x, "relu", act_type="relu"),
        "nd_data_twice": lambda: nd.relu(x, data=x),
        "nd_relu_too_many": lambda: nd.relu(x, None, None, None),
        "nd_fc_too_many": lambda: nd.FullyConnected(*([None] * 9)),
        "sym_activation_too_many": lambda: sym.Activation(s, "relu", "a", None, None, 6),
        "sym_activation_twice": lambda: sym.Activation(s, "relu", act_type="relu"),
        "sym_relu_name_positional": lambda: sym.relu(s, "r").name,
        "sym_relu_too_many": lambda: sym.relu(s, "r", None, None, 5),
        "sym_data_twice": lambda: sym.relu(s, data=s),
        "nd_alias_too_many": lambda: nd.flatten(x, None, None, None),
        "nd_contrib_too_many": lambda: nd.contrib.BilinearResize2D(*([None] * 14)),
        "sym_alias_twice": lambda: sym.flatten(s, data=s),
        "sym_contrib_too_many": lambda: sym.contrib.BilinearResize2D(*([None] * 15)),
        "sym_concat_not_symbol": lambda: sym.Concat(s, 3, dim=0),
        "sym_not_symbol": lambda: sym.relu(3),
    }


def sym_compose(mx):
    """Composition errors of ``mx.sym.X`` and ``Symbol.__call__``."""
    sym = mx.sym
    a, b, c = sym.var("a"), sym.var("b"), sym.var("c")

    def args(s):
        return s.list_arguments()
    return {
        "fc_unknown_keyword": lambda: sym.FullyConnected(data=a, like=b, num_hidden=3),
        "ctc_data_lengths_without_flag": lambda: sym.CTCLoss(a, b, data_lengths=c),
        "ctc_label_lengths_flag": lambda: args(sym.CTCLoss(a, b, label_lengths=c,
                                                           use_label_lengths=True)),
        "bilinear_like_without_mode": lambda: sym.contrib.BilinearResize2D(a, like=b),
        "bilinear_like_mode": lambda: args(sym.contrib.BilinearResize2D(a, like=b,
                                                                        mode="like")),
        "fc_no_bias_bias_keyword": lambda: sym.FullyConnected(a, bias=b, num_hidden=3,
                                                              no_bias=True),
        "relu_symbol_for_name": lambda: sym.relu(a, b),
        "call_too_many_positional": lambda: sym.relu(name="r")(a, b),
        "call_unknown_keyword": lambda: sym.relu(name="r2")(like=a),
        "call_positional_and_keyword": lambda: sym.relu(name="r3")(a, data=b),
        "call_keyword": lambda: args(sym.FullyConnected(num_hidden=2, name="f")(weight=b)),
        "concat_positional_and_keyword": lambda: sym.Concat(a, arg1=b, dim=0),
        "elemwise_add_too_few_call": lambda: args(sym.elemwise_add(name="e")(a)),
    }


def all_facts(mx):
    return {name: {case: outcome(fn) for case, fn in cases(mx).items()}
            for name, cases in (("nd_calls", nd_calls), ("positional", positional),
                                ("sym_compose", sym_compose),
                                ("np_shape_infer", np_shape_infer))}


def np_shape_infer(mx):
    """``Symbol.infer_shape`` / ``infer_shape_partial`` under ``mx.np_shape(True)`` with
    zero-size dimensions (known, not unknown, there)."""
    sym = mx.sym
    a, b = sym.var("a"), sym.var("b")

    def infer(s, partial=False, *args, **shapes):
        def run():
            with mx.np_shape(True):
                return (s.infer_shape_partial if partial else s.infer_shape)(*args, **shapes)
        return run
    return {
        "concat_dim0": infer(sym.Concat(a, b, dim=0), a=(0, 3), b=(2, 3)),
        "concat_dim1": infer(sym.Concat(a, b, dim=1), a=(2, 0), b=(2, 3)),
        "elemwise_add": infer(a + b, a=(0, 3)),
        "fc_empty_batch": infer(sym.FullyConnected(a, num_hidden=4, name="fc"), a=(0, 5)),
        "sum_axis": infer(sym.sum(a, axis=1), a=(2, 0)),
        "flatten": infer(sym.Flatten(a), a=(0, 2, 3)),
        "relu_unknown_dim": infer(sym.relu(a), a=(-1, 3)),
        "relu_unknown_partial": infer(sym.relu(a), True, a=(-1, 3)),
        "concat_partial": infer(sym.Concat(a, b, dim=0), True, a=(0, 3)),
        "no_zero": infer(sym.Concat(a, b, dim=0), a=(1, 3), b=(2, 3)),
        "concat_positional": infer(sym.Concat(a, b, dim=0), False, (0, 3), (2, 3)),
        "concat_mismatch": infer(sym.Concat(a, b, dim=0, name="cc"), a=(0, 3), b=(2, 4)),
        "fc_zero_hidden_input": infer(sym.FullyConnected(a, num_hidden=2, name="fz"),
                                      a=(3, 0)),
    }
