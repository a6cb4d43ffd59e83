"""Spec symbol.md 7.3: parameter strings, from Python keywords and JSON alike."""
from __future__ import annotations

import math

import pytest

import symnb as mx
from symnb.ops import Param
from symnb.ops._params import ParamError

from .conftest import core, needs

BOOL = Param("no_bias", "boolean, optional, default=0", "Whether to disable bias parameter.")
INT = Param("num_hidden", "int, required", "Number of hidden nodes of the output.", lower=1)
LONG = Param("n", "long, optional, default=0", "A long.")
DOUBLE = Param("scalar", "double, optional, default=1", "Scalar input value")
FLOAT = Param("p", "float, optional, default=0.5",
              "Fraction of the input that gets dropped out during training time.",
              lower=0, upper=1)
SHAPE = Param("kernel", "Shape(tuple), required", "Kernel size.")
SHAPE_NONE = Param("axis", "Shape or None, optional, default=None", "Axes.")
INT_NONE = Param("axis", "int or None, optional, default='None'", "Axis.")
ENUM = Param("act_type", "{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required",
             "Activation function to be applied.")
TUPLE = Param("scales", "tuple of <float>, optional, default=[]", "Scales.")


@pytest.mark.parametrize("text,value", [
    ("True", True), ("False", False), ("true", True), ("TRUE", True), ("tRuE", True),
    ("false", False), ("1", True), ("0", False)])
def test_boolean_accepted(text, value):
    assert BOOL.parse(text) is value


@pytest.mark.parametrize("text", ["2", "-1", "yes", "on", "", " True", "True ", "01", "None"])
def test_boolean_rejected(text):
    with pytest.raises(ParamError) as e:
        BOOL.parse(text)
    assert str(e.value) == ("Invalid Parameter format for no_bias expect boolean but value='%s'"
                            % text)


@pytest.mark.parametrize("text,value", [("3", 3), (" 3 ", 3), ("+3", 3), ("003", 3),
                                        ("2147483647", 2147483647)])
def test_int_accepted(text, value):
    assert INT.parse(text) == value


@pytest.mark.parametrize("text", ["3.0", "3e0", "0x10", "3L", "1_000", "2147483648", "", "x"])
def test_int_rejected(text):
    with pytest.raises(ParamError) as e:
        INT.parse(text)
    assert str(e.value) == "Invalid Parameter format for num_hidden expect int but value='%s'" \
        % text


def test_long_range():
    assert LONG.parse("2147483648") == 2147483648
    with pytest.raises(ParamError, match="expect long but value='3.5'"):
        LONG.parse("3.5")


@pytest.mark.parametrize("text,value", [(".5", 0.5), ("5e-1", 0.5), (" 0.5", 0.5),
                                        ("0.5f", 0.5), ("-2", -2.0), ("inf", math.inf),
                                        ("1e300", 1e300)])
def test_double_accepted(text, value):
    assert DOUBLE.parse(text) == value


def test_double_nan():
    assert math.isnan(DOUBLE.parse("nan"))


@pytest.mark.parametrize("text,rest", [("0.5 ", " "), ("1/2", "/2"), ("1j", "j"),
                                       ("0x1p-1", "x1p-1")])
def test_double_trailing(text, rest):
    with pytest.raises(ParamError) as e:
        DOUBLE.parse(text)
    assert str(e.value) == "Some trailing characters could not be parsed: '%s'" % rest


def test_float_out_of_range_and_bounds():
    with pytest.raises(ParamError) as e:
        FLOAT.parse("1e400")
    assert str(e.value) == "Out of range value for p, value='1e400'"
    with pytest.raises(ParamError) as e:
        DOUBLE.parse("1e400")
    assert str(e.value) == "Out of range value for scalar, value='1e400'"
    with pytest.raises(ParamError) as e:
        FLOAT.parse("inf")
    assert str(e.value) == ("value inf for Parameter p exceed bound [0,1]\np: Fraction of the "
                            "input that gets dropped out during training time.")
    with pytest.raises(ParamError, match=r"for Parameter p exceed bound \[0,1\]"):
        FLOAT.parse("-0.5")
    with pytest.raises(ParamError, match="Invalid Parameter format for p expect float but "
                                         "value='True'"):
        FLOAT.parse("True")


def test_lower_bound_text():
    with pytest.raises(ParamError) as e:
        INT.parse("0")
    assert str(e.value) == ("value 0 for Parameter num_hidden should be greater equal to 1\n"
                            "num_hidden: Number of hidden nodes of the output.")


@pytest.mark.parametrize("text,value", [
    ("(3,3)", (3, 3)), ("(3, 3)", (3, 3)), ("[3,3]", (3, 3)), ("( 3 , 3 )", (3, 3)),
    ("(3,3,)", (3, 3)), ("(3L, 3L)", (3, 3)), ("3", (3,)), ("(3)", (3,)), ("()", ()),
    ("[]", ()), ("(-1, 2)", (-1, 2))])
def test_shape_accepted(text, value):
    assert SHAPE.parse(text) == value


@pytest.mark.parametrize("text", ["3,3", "(3.0,3)", "((3,3))", "(None,3)", "none", "None"])
def test_shape_rejected(text):
    with pytest.raises(ParamError) as e:
        SHAPE.parse(text)
    assert str(e.value) == ("Invalid Parameter format for kernel expect Shape(tuple) but "
                            "value='%s'" % text)


def test_or_none_kinds():
    assert SHAPE_NONE.parse("None") is None and SHAPE_NONE.parse("(1,)") == (1,)
    assert INT_NONE.parse("None") is None and INT_NONE.parse("-1") == -1
    assert INT_NONE.default is None
    with pytest.raises(ParamError) as e:
        INT_NONE.parse("none")
    assert str(e.value) == "Invalid Parameter format for axis expect int or None but " \
                           "value='none'"
    with pytest.raises(ParamError, match="expect Shape or None but value='none'"):
        SHAPE_NONE.parse("none")


def test_enum():
    assert ENUM.parse("relu") == "relu"
    for bad in ("Relu", " relu", "foo"):
        with pytest.raises(ParamError) as e:
            ENUM.parse(bad)
        assert str(e.value) == ("Invalid Input: '%s', valid values are: {'relu', 'sigmoid', "
                                "'softrelu', 'softsign', 'tanh'}" % bad)


def test_tuple_of_float():
    assert TUPLE.parse("(1.0,2.0)") == (1.0, 2.0)
    assert TUPLE.parse("(1,2)") == (1.0, 2.0)
    assert TUPLE.parse("[1.5]") == (1.5,)


def test_defaults_from_type_strings():
    assert (BOOL.default, DOUBLE.default, FLOAT.default, INT_NONE.default) == \
        (False, 1.0, 0.5, None)
    assert INT.required and not BOOL.required
    assert Param("axis", "int, optional, default='1'").default == 1
    assert ENUM.choices == ('relu', 'sigmoid', 'softrelu', 'softsign', 'tanh')


# ---------------------------------------------------------------- through operators
def test_spec_example_fc_errors():
    d = mx.sym.var('d')
    texts = []
    for kw in ({'num_hidden': 'x'}, {'num_hidden': 0}, {}, {'num_hidden': 2, 'no_bias': 'maybe'}):
        with pytest.raises(mx.MXNetError) as e:
            mx.sym.FullyConnected(d, name='f', **kw)
        texts.append(str(e.value).split(', in operator')[0])
    assert texts == [
        "MXNetError: Invalid Parameter format for num_hidden expect int but value='x'",
        "MXNetError: value 0 for Parameter num_hidden should be greater equal to 1\n"
        "num_hidden: Number of hidden nodes of the output.",
        "MXNetError: Required parameter num_hidden of int is not presented",
        "MXNetError: Invalid Parameter format for no_bias expect boolean but value='maybe'"]


def test_a_missing_enum_is_named_an_int_as_mxnet_names_it():
    # dmlc's enums are int fields (recorded from MXNet 1.9.1, symbol and mx.nd alike)
    for make, name, op in ((lambda: mx.sym.Activation(mx.sym.var('d')), "act_type", "Activation"),
                           (lambda: mx.sym.Cast(mx.sym.var('d')), "dtype", "Cast"),
                           (lambda: mx.nd.Activation(mx.nd.ones((2,))), "act_type", "Activation")):
        with pytest.raises(mx.MXNetError) as e:
            make()
        assert str(e.value) == ('MXNetError: Required parameter %s of int is not presented, '
                                'in operator %s(name="")' % (name, op))


def test_spec_example_activation():
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.Activation(mx.sym.var('d'), act_type='Relu')
    assert core(str(e.value)) == (
        "MXNetError: Invalid Input: 'Relu', valid values are: {'relu', 'sigmoid', 'softrelu', "
        "'softsign', 'tanh'}, in operator Activation(name=\"\", act_type=\"Relu\")")


def test_unknown_argument_listing():
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.Activation(mx.sym.var('d'), act_type='relu', foo=1)
    assert core(str(e.value)) == (
        "MXNetError: Cannot find argument 'foo', Possible Arguments:\n----------------\n"
        "act_type : {'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required\n"
        "    Activation function to be applied.\n"
        ", in operator Activation(name=\"\", act_type=\"relu\", foo=\"1\")")


def test_same_rules_for_json_attrs():
    text = mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=3, name='fc').tojson()
    assert mx.sym.load_json(text.replace('"3"', '" +3 "')).infer_shape(d=(1, 2))[1] == [(1, 3)]
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.load_json(text.replace('"3"', '"3.0"'))
    assert core(str(e.value)) == ("MXNetError: Invalid Parameter format for num_hidden expect "
                                  "int but value='3.0', in operator FullyConnected(name=\"fc\", "
                                  "num_hidden=\"3.0\")")


@needs("Dropout")
def test_dropout_bound():
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.Dropout(mx.sym.var('d'), p=float('inf'))
    assert str(e.value).startswith("MXNetError: value inf for Parameter p exceed bound [0,1]\n"
                                   "p: Fraction of the input that gets dropped out during "
                                   "training time.")
