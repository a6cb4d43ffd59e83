"""Spec symbol.md section 3: Python operators on symbols."""
from __future__ import annotations

import operator

import numpy as np
import pytest

import symnb as mx

from .conftest import core, head


@pytest.fixture
def ab():
    return mx.sym.var('a'), mx.sym.var('b')


# (python operator, symbol op, symbol+scalar op, scalar+symbol op)
TABLE = [
    (operator.add, 'elemwise_add', '_plus_scalar', '_plus_scalar'),
    (operator.sub, 'elemwise_sub', '_minus_scalar', '_rminus_scalar'),
    (operator.mul, 'elemwise_mul', '_mul_scalar', '_mul_scalar'),
    (operator.truediv, 'elemwise_div', '_div_scalar', '_rdiv_scalar'),
    (operator.mod, '_mod', '_mod_scalar', '_rmod_scalar'),
    (operator.pow, '_power', '_power_scalar', '_rpower_scalar'),
    (operator.eq, '_equal', '_equal_scalar', '_equal_scalar'),
    (operator.ne, '_not_equal', '_not_equal_scalar', '_not_equal_scalar'),
    (operator.gt, '_greater', '_greater_scalar', '_lesser_scalar'),
    (operator.ge, '_greater_equal', '_greater_equal_scalar', '_lesser_equal_scalar'),
    (operator.lt, '_lesser', '_lesser_scalar', '_greater_scalar'),
    (operator.le, '_lesser_equal', '_lesser_equal_scalar', '_greater_equal_scalar'),
]
HINTS = {'elemwise_add': '_plus', 'elemwise_sub': '_minus', 'elemwise_mul': '_mul',
         'elemwise_div': '_div', '_plus_scalar': '_plusscalar', '_minus_scalar': '_minusscalar',
         '_rminus_scalar': '_rminusscalar', '_mul_scalar': '_mulscalar',
         '_div_scalar': '_divscalar', '_rdiv_scalar': '_rdivscalar', '_mod_scalar': '_modscalar',
         '_rmod_scalar': '_rmodscalar', '_power_scalar': '_powerscalar',
         '_rpower_scalar': '_rpower_scalar'}


@pytest.mark.parametrize("fn,pair,scalar,rscalar", TABLE)
def test_operator_table(ab, fn, pair, scalar, rscalar):
    a, b = ab
    assert head(fn(a, b)) == (pair, HINTS.get(pair, pair) + '0', None, ['a', 'b'])
    assert head(fn(a, 2)) == (scalar, HINTS.get(scalar, scalar) + '0', {'scalar': '2'}, ['a'])
    s = fn(2.5, a)
    assert head(s)[0] == rscalar and head(s)[2] == {'scalar': '2.5'}
    assert head(fn(np.float32(2), a))[2] == {'scalar': '2.0'}


def test_spec_examples(ab):
    a, b = ab
    assert (head(a - b), head(2 - a), head(2 / a), head(-a)) == (
        ('elemwise_sub', '_minus0', None, ['a', 'b']),
        ('_rminus_scalar', '_rminusscalar0', {'scalar': '2'}, ['a']),
        ('_rdiv_scalar', '_rdivscalar0', {'scalar': '2'}, ['a']),
        ('_mul_scalar', '_mulscalar0', {'scalar': '-1.0'}, ['a']))
    assert (head(2 ** a), head(a ** 2.5), head(2 < a), head(a % b)) == (
        ('_rpower_scalar', '_rpower_scalar0', {'scalar': '2'}, ['a']),
        ('_power_scalar', '_powerscalar0', {'scalar': '2.5'}, ['a']),
        ('_greater_scalar', '_greater_scalar0', {'scalar': '2'}, ['a']),
        ('_mod', '_mod0', None, ['a', 'b']))
    assert head(abs(a))[:2] == ('abs', 'abs0')
    assert head(np.float32(2) < a)[0] == '_greater_scalar'
    assert head(np.float32(2) + a) == ('_plus_scalar', '_plusscalar0', {'scalar': '2.0'},
                                       ['a'])


def test_reflected_scalar_with_numpy_array_priority(ab):
    a, _ = ab
    assert mx.sym.Symbol.__array_priority__ == 1000.0
    assert isinstance(np.float64(3) * a, mx.sym.Symbol)


def _type_error(fn):
    with pytest.raises(TypeError) as e:
        fn()
    return str(e.value)


def test_unsupported_python_operators(ab):
    a, b = ab
    assert _type_error(lambda: a // b) == \
        "unsupported operand type(s) for //: 'Symbol' and 'Symbol'"
    assert _type_error(lambda: a // 2) == \
        "unsupported operand type(s) for //: 'Symbol' and 'int'"
    assert _type_error(lambda: 2 // a) == \
        "unsupported operand type(s) for //: 'int' and 'Symbol'"
    for fn in (lambda: a & b, lambda: a | b, lambda: a ^ b, lambda: a @ b, lambda: a << 1):
        assert _type_error(fn).startswith("unsupported operand type(s)")
    assert _type_error(lambda: +a) == "bad operand type for unary +: 'Symbol'"
    assert _type_error(lambda: ~a) == "bad operand type for unary ~: 'Symbol'"
    assert _type_error(lambda: pow(a, 2, 3)) == \
        "Symbol.__pow__() takes 2 positional arguments but 3 were given"
    c = a

    def floordiv_inplace():
        nonlocal c
        c //= 2
    assert _type_error(floordiv_inplace) == \
        "unsupported operand type(s) for //=: 'Symbol' and 'int'"


@pytest.mark.parametrize("value,text", [
    ('x', "type <class 'str'> not supported"), (None, "type <class 'NoneType'> not supported"),
    ([1], "type <class 'list'> not supported"),
    (np.ones(2), "type <class 'numpy.ndarray'> not supported")])
def test_unsupported_operand_types(ab, value, text):
    a, _ = ab
    assert _type_error(lambda: a + value) == text


def test_unsupported_left_ndarray(ab):
    a, _ = ab
    assert _type_error(lambda: np.ones(2) + a) == "type <class 'numpy.ndarray'> not supported"


def test_comparison_scalar_types(ab):
    a, _ = ab
    assert _type_error(lambda: a == None) == "type <class 'NoneType'> not supported"  # noqa: E711
    assert _type_error(lambda: a == 'x') == "type <class 'str'> not supported"
    assert _type_error(lambda: a == 1j) == "type <class 'complex'> not supported"


def test_scalar_parse_errors(ab):
    a, _ = ab
    with pytest.raises(mx.MXNetError) as e:
        a + 1j
    assert core(str(e.value)) == ("MXNetError: Some trailing characters could not be parsed: "
                                  "'j', in operator _plus_scalar(name=\"\", scalar=\"1j\")")
    with pytest.raises(mx.MXNetError) as e:
        a + True
    assert core(str(e.value)) == ("MXNetError: Invalid Parameter format for scalar expect "
                                  "double but value='True', in operator _plus_scalar(name=\"\", "
                                  "scalar=\"True\")")
    with pytest.raises(mx.MXNetError, match="expect double but value='True'"):
        _ = a == True  # noqa: E712


def test_inplace_operators(ab):
    a, b = ab
    with pytest.raises(mx.MXNetError) as e:
        a += b
    assert type(e.value).__name__ == 'NotImplementedForSymbol'
    assert str(e.value) == (
        'Function __iadd__ (namely operator "+=") with arguments (<class '
        "'symnb.symbol.symbol.Symbol'>, <class 'int'>) is not implemented for Symbol and only "
        'available in NDArray.')
    with pytest.raises(mx.MXNetError) as e:
        a *= 2
    assert str(e.value) == ('Function __imul__ (namely operator "*=") with arguments (<class '
                            "'int'>) is not implemented for Symbol and only available in "
                            'NDArray.')
    with pytest.raises(mx.base.NotImplementedForSymbol, match='"-="'):
        a -= 2
    with pytest.raises(mx.base.NotImplementedForSymbol, match='"/="'):
        a /= 2
    c = a
    c **= 2
    assert c.name == '_powerscalar0'
    c %= 2
    assert c.name == '_modscalar0'


def test_bool_hash_float(ab):
    a, b = ab
    text = ('Function __bool__ (namely operator "bool") is not implemented for Symbol and only '
            'available in NDArray.')
    with pytest.raises(mx.base.NotImplementedForSymbol) as e:
        bool(a)
    assert str(e.value) == text
    with pytest.raises(mx.base.NotImplementedForSymbol):
        a in [b]  # noqa: B015
    assert (a in [a], len(a)) == (True, 1)
    assert _type_error(lambda: hash(a)) == "unhashable type: 'Symbol'"
    assert _type_error(lambda: {a: 1}) == "unhashable type: 'Symbol'"
    with pytest.raises(TypeError):
        float(a)
    with pytest.raises(TypeError):
        int(a)


def test_no_broadcasting_until_shapes_meet(ab):
    a, b = ab
    c = a + b
    with pytest.raises(mx.MXNetError) as e:
        c.infer_shape(a=(2, 3), b=(1, 3))
    assert core(str(e.value)) == (
        "MXNetError: Error in operator _plus0: Check failed: assign(&dattr, vec.at(i)): "
        "Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [1,3]")
    assert mx.sym.broadcast_add(a, b).infer_shape(a=(2, 3), b=(1, 3)) == \
        ([(2, 3), (1, 3)], [(2, 3)], [])


@pytest.mark.parametrize("fn,pair,scalar,rscalar,py", [
    (mx.sym.pow, '_power', '_power_scalar', '_rpower_scalar', 8),
    (mx.sym.power, '_power', '_power_scalar', '_rpower_scalar', 8),
    (mx.sym.maximum, '_maximum', '_maximum_scalar', '_maximum_scalar', 3),
    (mx.sym.minimum, '_minimum', '_minimum_scalar', '_minimum_scalar', 2),
    (mx.sym.hypot, '_hypot', '_hypot_scalar', '_hypot_scalar', float(np.hypot(2, 3))),
])
def test_module_helpers(ab, fn, pair, scalar, rscalar, py):
    a, b = ab
    assert head(fn(a, b))[0] == pair
    assert head(fn(a, 2))[0] == scalar
    assert head(fn(2, a))[0] == rscalar
    assert fn(2, 3) == py
    assert _type_error(lambda: fn('x', 1)) == \
        "types (<class 'str'>, <class 'int'>) not supported"


def test_helper_scalar_results():
    assert mx.sym.pow(2, 3) == 8
    assert mx.sym.maximum(2, 3.5) == 3.5
    assert mx.sym.hypot(3, 4) == 5.0


def test_mismatch_reported_by_bind_and_simple_bind(ab):
    a, b = ab
    c = a + b
    message = ("MXNetError: Error in operator _plus0: Check failed: assign(&dattr, vec.at(i)): "
               "Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [3,2]")
    with pytest.raises(mx.MXNetError) as e:
        c.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((3, 2))})
    assert core(str(e.value)) == message
    with pytest.raises(RuntimeError) as e:
        c.simple_bind(mx.cpu(), a=(2, 3), b=(3, 2))
    assert type(e.value) is RuntimeError
    assert core(str(e.value)) == "simple_bind error. Arguments:\na: (2, 3)\nb: (3, 2)\n" + message


def test_ndarray_operand_rejected(ab):
    a, _ = ab
    assert _type_error(lambda: a + mx.nd.ones(2)) == \
        "type %s not supported" % str(type(mx.nd.ones(2)))
