"""Spec symbol.md section 1: Variable / var, attributes, hidden keys, dtype codes."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import symnb as mx

from .conftest import core


class _Init:
    """Stands in for an initializer object: ``var`` stores ``init.dumps()``."""

    def dumps(self):
        return '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'


XAVIER = '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'


def test_var_is_variable():
    assert mx.sym.Variable is mx.sym.var
    assert mx.symbol.var is mx.sym.var


def test_everything_stored_as_string_attributes():
    a = mx.sym.Variable('a', shape=(2, 3), dtype='float32', lr_mult=2, wd_mult=0.5,
                        init=_Init(), stype='default', attr={'mood': 'x'}, __foo__='bar')
    assert sorted(a.list_attr().items()) == [
        ('__dtype__', '0'), ('__foo__', 'bar'), ('__init__', XAVIER), ('__lr_mult__', '2'),
        ('__shape__', '(2, 3)'), ('__storage_type__', '0'), ('__wd_mult__', '0.5'),
        ('lr_mult', '2'), ('mood', 'x'), ('wd_mult', '0.5')]
    assert sorted(json.loads(a.tojson())['nodes'][0]['attrs']) == [
        '__dtype__', '__foo__', '__init__', '__lr_mult__', '__shape__', '__storage_type__',
        '__wd_mult__', 'mood']
    assert (a.attr('lr_mult'), a.attr('__lr_mult__'), a.attr('nope'), a.attr('name')) == \
        ('2', '2', None, 'a')


@pytest.mark.skipif(not hasattr(mx.init, "Xavier"), reason="mx.init.Xavier not written yet")
def test_initializer_object_dumps():
    assert mx.sym.var('w', init=mx.init.Xavier()).attr('__init__') == XAVIER


def test_empty_and_positional():
    assert (mx.sym.var('v').list_attr(), mx.sym.var('v').attr_dict()) == ({}, {})
    assert mx.sym.var('x', None, (2, 3)).list_attr() == {'__shape__': '(2, 3)'}
    assert mx.sym.var('x', None, None, 2, 3, 'float64', 'zeros', 'csr').list_attr() == {
        '__lr_mult__': '2', '__wd_mult__': '3', '__dtype__': '1', '__init__': 'zeros',
        '__storage_type__': '2', 'lr_mult': '2', 'wd_mult': '3'}
    assert mx.sym.var('').name == ''


@pytest.mark.parametrize("shape,text", [((2, 3), "(2, 3)"), ([2, 3], "[2, 3]"), (5, "5"),
                                        ((), "()")])
def test_shape_text(shape, text):
    assert mx.sym.var('x', shape=shape).attr('__shape__') == text


@pytest.mark.parametrize("mult,text", [(2, "2"), (1.0, "1.0"), (0.1, "0.1")])
def test_mult_text(mult, text):
    v = mx.sym.var('x', lr_mult=mult, wd_mult=mult)
    assert v.attr('__lr_mult__') == text and v.attr('__wd_mult__') == text


@pytest.mark.parametrize("dtype,code", [
    ('float32', '0'), ('float64', '1'), ('float16', '2'), ('uint8', '3'), ('int32', '4'),
    ('int8', '5'), ('int64', '6'), ('bool', '7'), (np.float64, '1'), (float, '1'), (int, '6')])
def test_dtype_codes(dtype, code):
    assert mx.sym.var('x', dtype=dtype).attr('__dtype__') == code


@pytest.mark.parametrize("stype,code", [('default', '0'), ('row_sparse', '1'), ('csr', '2')])
def test_stype_codes(stype, code):
    assert mx.sym.var('x', stype=stype).attr('__storage_type__') == code


def test_processing_order_and_name_in_attr():
    assert mx.sym.var('x', attr={'name': 'y'}).name == 'y'
    # shape= is written after attr=, so it wins over an explicit __shape__ in attr
    assert mx.sym.var('x', attr={'__shape__': '(1,)'}, shape=(2,)).attr('__shape__') == '(2,)'
    # **kwargs come last
    assert mx.sym.var('x', lr_mult=2, __lr_mult__='5').attr('__lr_mult__') == '5'


# ---------------------------------------------------------------- 1.3 hidden keys
def test_hidden_keys_mirrored():
    assert mx.sym.var('x', attr={'ctx_group': 'dev1'}).list_attr() == \
        {'__ctx_group__': 'dev1', 'ctx_group': 'dev1'}
    v = mx.sym.var('x', attr={'lr_mult': '3', 'force_mirroring': 'True', 'mirror_stage': '1',
                              'wd_mult': '0'})
    assert json.loads(v.tojson())['nodes'][0]['attrs'] == {
        '__force_mirroring__': 'True', '__lr_mult__': '3', '__mirror_stage__': '1',
        '__wd_mult__': '0'}
    assert v.list_attr() == {
        '__force_mirroring__': 'True', '__lr_mult__': '3', '__mirror_stage__': '1',
        '__wd_mult__': '0', 'force_mirroring': 'True', 'lr_mult': '3', 'mirror_stage': '1',
        'wd_mult': '0'}
    assert v.attr_dict() == {'x': v.list_attr()}
    assert mx.sym.var('x', attr={'lr_mult_foo': '3'}).list_attr() == {'lr_mult_foo': '3'}


DEPRECATED = ("MXNetError: setting variable attributes with weight_lr_mult is deprecated. "
              "please instead use\nw = Variable(lr_mult=3)\nsym = YourSymbolName(weight=w)")


def test_prefixed_hidden_key_rejected():
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.var('x', attr={'weight_lr_mult': '3'})
    assert core(str(e.value)) == DEPRECATED
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=2, weight_lr_mult=3)
    assert core(str(e.value)) == DEPRECATED
    with pytest.raises(mx.MXNetError, match="bias_wd_mult is deprecated"):
        mx.sym.var('x', attr={'bias_wd_mult': '3'})


# ---------------------------------------------------------------- 1.4 inference from attrs
def test_shape_and_dtype_attrs_drive_inference():
    x = mx.sym.var('x', shape=(2, 3), dtype='float64')
    assert (x.infer_shape(), x.infer_type()) == (
        ([(2, 3)], [(2, 3)], []), ([np.float64], [np.float64], []))
    assert x.infer_shape(x=(4, 5)) == ([(4, 5)], [(4, 5)], [])
    assert x.infer_type(x='float16') == ([np.float16], [np.float16], [])
    assert (mx.sym.var('y', shape=[2, 3]) * 2).infer_shape() == ([(2, 3)], [(2, 3)], [])
    assert (mx.sym.var('z', shape=5) * 2).infer_shape() == ([(5,)], [(5,)], [])
    assert (mx.sym.var('p', shape=(0, 3)) * 2).infer_shape_partial() == \
        ([(0, 3)], [(0, 3)], [])


def test_unparsable_shape_attr_raises_at_inference():
    v = mx.sym.var('x', attr={'__shape__': 'oops'})
    with pytest.raises(mx.MXNetError, match=r"Check failed: is >> rshape\[out_ent_id\] "
                                            r"Invalid attribute"):
        v.infer_shape()


# ---------------------------------------------------------------- 1.5 errors
def test_variable_errors():
    with pytest.raises(TypeError) as e:
        mx.sym.var(3)
    assert str(e.value) == "Expect a string for variable `name`"
    with pytest.raises(ValueError) as e:
        mx.sym.var('x', foo='bar')
    assert str(e.value) == ("Attribute name=foo is not supported. Additional attributes must "
                            "start and end with double underscores, e.g, __yourattr__")
    with pytest.raises(ValueError) as e:
        mx.sym.var('x', attr={'a': 1})
    assert str(e.value) == "Set Attr only accepts string values"
    with pytest.raises(KeyError) as e:
        mx.sym.var('x', stype='bad')
    assert str(e.value) == "'bad'"
    with pytest.raises(KeyError) as e:
        mx.sym.var('x', dtype='uint16')
    assert str(e.value) == "<class 'numpy.uint16'>"
    with pytest.raises(KeyError) as e:
        mx.sym.var('x', dtype=np.int16)
    assert str(e.value) == "<class 'numpy.int16'>"
    with pytest.raises(TypeError, match="data type 'bfloat16' not understood"):
        mx.sym.var('x', dtype='bfloat16')


def test_list_attr_recursive_raises_deprecation():
    with pytest.raises(DeprecationWarning) as e:
        mx.sym.var('x').list_attr(recursive=True)
    assert str(e.value) == ("Symbol.list_attr with recursive=True has been deprecated. "
                            "Please use attr_dict instead.")


def test_name_with_nul_is_cut():
    assert mx.sym.var('ab\x00cd').name == 'ab'


def test_no_warning_on_plain_var():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        mx.sym.var('x', shape=(1,))
