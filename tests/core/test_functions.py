"""Spec symbol.md 7.1, 7.2, 7.5: where operator functions live, their signatures and
argument handling, and the Python helpers of mx.sym."""
from __future__ import annotations

import inspect
import json

import pytest

import symnb as mx

from .conftest import core, head_attrs, needs


def test_sym_is_symbol_module():
    assert mx.sym is mx.symbol


@pytest.mark.parametrize("name", ['Symbol', 'var', 'Variable', 'Group', 'load', 'load_json',
                                  'pow', 'power', 'maximum', 'minimum', 'hypot', 'eye', 'zeros',
                                  'ones', 'full', 'arange', 'linspace', 'histogram', 'split_v2'])
def test_exports(name):
    assert hasattr(mx.sym, name)


def test_locations():
    assert mx.sym._internal._plus_scalar(mx.sym.var('a'), scalar=1).name == '_plus_scalar0'
    assert mx.sym._internal._PlusScalar(mx.sym.var('a'), scalar=1).name == '_plusscalar0'
    assert mx.sym.sparse.abs(mx.sym.var('a')).name == 'abs0'
    assert not hasattr(mx.sym, '_plus_scalar')
    assert hasattr(mx.sym, 'broadcast_plus') and hasattr(mx.sym, 'broadcast_add')


def test_fixed_arity_signature_and_positional_order():
    assert str(inspect.signature(mx.sym.FullyConnected)) == (
        "(data=None, weight=None, bias=None, num_hidden=_Null, no_bias=_Null, flatten=_Null, "
        "name=None, attr=None, out=None, **kwargs)")
    a = mx.sym.var('a')
    assert mx.sym.FullyConnected(a, None, None, 5, True).list_attr() == \
        {'num_hidden': '5', 'no_bias': 'True'}
    assert mx.sym.Activation(a, 'relu').list_attr() == {'act_type': 'relu'}
    assert mx.sym.Activation(a, 'relu', 'nm').name == 'nm'


def test_input_slot_errors():
    with pytest.raises(AssertionError) as e:
        mx.sym.FullyConnected(1, num_hidden=2)
    assert str(e.value) == "Argument data must be Symbol instances, but got 1"
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(mx.sym.var('a'), num_hidden=mx.sym.var('b'))
    assert "Invalid Parameter format for num_hidden expect int but value='<Symbol b>'" in \
        str(e.value)
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(mx.sym.var('a'), num_hidden=2, foo=mx.sym.var('b'))
    assert 'Keyword argument name foo not found' in str(e.value)


def test_symbol_keyword_extras_are_inputs_by_name():
    a, w = mx.sym.var('a'), mx.sym.var('w')
    fc = mx.sym.FullyConnected(num_hidden=2, name='fc', **{'data': a, 'weight': w})
    assert fc.list_arguments() == ['a', 'w', 'fc_bias']


def test_multi_output_argument_rejected(toy_ops):
    sl = toy_ops['_toy_split'](mx.sym.var('d'), num_outputs=2)
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(sl, num_hidden=2)
    assert core(str(e.value)).endswith('Keyword Argument data is a tuple, single value is '
                                       'required')


def test_variadic(toy_ops):
    add = toy_ops['_toy_add_n']
    a, b = mx.sym.var('a'), mx.sym.var('b')
    s = add(a, b, name='s')
    assert (s.list_arguments(), s.list_attr()) == (['a', 'b'], {'num_args': '2'})
    assert add(num_args=3, name='t').list_arguments() == ['t_arg0', 't_arg1', 't_arg2']
    assert add(a, num_args=2, name='u').list_arguments() == ['a', 'u_arg1']
    with pytest.raises(AssertionError) as e:
        add(a, 1)
    assert str(e.value) == "Positional arguments must be Symbol instances, but got 1"
    with pytest.raises(mx.MXNetError) as e:
        add(data=a)
    assert 'Keyword argument name data not found' in str(e.value)
    assert str(inspect.signature(add)) == '(*data, **kwargs)'


@needs("Concat")
def test_concat_spec():
    a = mx.sym.var('a')
    assert str(inspect.signature(mx.sym.Concat)) == '(*data, **kwargs)'
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.Concat(data=a)
    assert 'Keyword argument name data not found' in str(e.value)
    assert 'Candidate arguments:' in str(e.value) and '[0]arg0' in str(e.value)


@needs("Deconvolution")
def test_deconvolution_defaults_to_no_bias():
    d = mx.sym.Deconvolution(mx.sym.var('x'), kernel=(2, 2), num_filter=3, name='dc')
    assert d.list_arguments() == ['x', 'dc_weight']


@pytest.mark.parametrize("build,op,attrs", [
    (lambda: mx.sym.zeros((2, 3)), '_zeros', {'dtype': 'float32', 'shape': '(2, 3)'}),
    (lambda: mx.sym.ones(4), '_ones', {'dtype': 'float32', 'shape': '4'}),
    (lambda: mx.sym.full((2,), 3), '_full', {'dtype': 'float32', 'shape': '(2,)',
                                             'value': '3.0'}),
    (lambda: mx.sym.arange(5), '_arange', {'start': '5', 'stop': 'None', 'step': '1.0',
                                           'repeat': '1', 'infer_range': 'False',
                                           'dtype': 'float32'}),
    (lambda: mx.sym.eye(3), '_eye', {'N': '3', 'M': '0', 'k': '0', 'dtype': 'float32'}),
    (lambda: mx.sym.zeros((2,), dtype='int32'), '_zeros', {'dtype': 'int32', 'shape': '(2,)'}),
])
def test_creation_helpers(build, op, attrs):
    if mx.ops.get_op(op) is None:
        pytest.skip("operator not registered yet: %s" % op)
    s = build()
    assert head_attrs(s) == attrs
    assert json.loads(s.tojson())['nodes'][0]['op'] == op


def test_nul_in_op_name_is_cut():
    assert mx.sym.relu(mx.sym.var('a'), name='r\x00x').name == 'r'


def test_generated_function_docstrings():
    doc = mx.sym.FullyConnected.__doc__
    assert 'num_hidden : int, required' in doc and 'Parameters' in doc


def test_variadic_inputs_as_arg_keywords():
    # recorded from MXNet 1.9.1: keywords arg0..argN-1 in any order; num_args filled in
    a, b = mx.sym.var("a"), mx.sym.var("b")
    c = mx.sym.Concat(arg1=b, arg0=a, dim=0, name="c")
    assert c.list_arguments() == ["a", "b"]
    assert c.list_attr() == {"dim": "0", "num_args": "2"}
    with pytest.raises(TypeError, match="either as positional or keyword arguments, not both"):
        mx.sym.Concat(a, arg1=b, dim=0)          # a TypeError in MXNet (tests/ndarray/calls)
    with pytest.raises(mx.MXNetError, match="argument name foo not found"):
        mx.sym.Concat(foo=a, bar=b, dim=0)
