"""Parameters MXNet 1.9.1 parses but leaves out of an operator's documented arguments
(``add_n``'s ``num_args``, ``potrf``/``potri``'s ``lower``): not in the signature nor in
``get_operator_arguments``, yet listed when an unknown keyword is met (texts recorded from
MXNet 1.9.1; the ``, in operator ...`` pairs come in an unspecified order there, so only the
listing is compared)."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import symnb as mx

_LISTINGS = {
    "add_n": "num_args : int, required\n    Number of inputs to be summed.\n",
    "potrf": "lower : boolean, optional, default=1\n    True if the triangular matrix is lower "
             "triangular, false if it is upper triangular.\n",
}


@pytest.mark.parametrize("name", sorted(_LISTINGS))
def test_listing_names_hidden_parameters(name):
    a, b = mx.sym.var("a"), mx.sym.var("b")
    make = {"add_n": lambda: mx.sym.add_n(a, b, zzz=1),
            "potrf": lambda: mx.sym.linalg.potrf(a, zzz=1)}[name]
    with pytest.raises(mx.MXNetError) as info:
        make()
    head = "MXNetError: Cannot find argument 'zzz', Possible Arguments:\n----------------\n"
    assert str(info.value).startswith(head + _LISTINGS[name] + ", in operator ")


def test_hidden_lower_stays_out_of_signatures():
    assert list(inspect.signature(mx.sym.linalg.potrf).parameters) == \
        ["A", "name", "attr", "out", "kwargs"]
    assert mx.operator.get_operator_arguments("_linalg_potri").names == ["A"]


def test_upper_factor():
    a = np.array([[4.0, 2.0], [2.0, 5.0]])
    u = mx.nd.linalg.potrf(mx.nd.array(a, dtype="float64"), lower=False).asnumpy()
    np.testing.assert_allclose(u, [[2.0, 1.0], [0.0, 2.0]])
    inv = mx.nd.linalg.potri(mx.nd.array(u, dtype="float64"), lower=False).asnumpy()
    np.testing.assert_allclose(inv, np.linalg.inv(a))


def test_parameterless_linalg_ignores_keywords():
    s = mx.sym.linalg.sumlogdiag(mx.sym.var("A"), lower=False, name="s")
    assert s.attr_dict() == {"s": {"lower": "False"}}
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'lower'"):
        mx.sym.linalg.syrk(mx.sym.var("A"), lower=False)
