"""Spec symbol.md section 2: auto-naming, NameManager/Prefix, auto-created variables,
keyword arguments as attributes, AttrScope."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import symnb as mx

from .conftest import core, head_attrs, needs, nodes


# ---------------------------------------------------------------- 2.1 the rule
def test_counters_per_hint():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    assert [mx.sym.FullyConnected(a, num_hidden=3).name for _ in range(2)] == \
        ['fullyconnected0', 'fullyconnected1']
    assert (mx.sym.FullyConnected(a, num_hidden=3, name='myfc').name,
            mx.sym.FullyConnected(a, num_hidden=3).name) == ('myfc', 'fullyconnected2')
    assert ((a + b).name, mx.sym.elemwise_add(a, b).name, mx.sym._internal._plus(a, b).name,
            (a + b).name) == ('_plus0', 'elemwise_add0', '_plus1', '_plus2')
    assert mx.sym.FullyConnected(a, num_hidden=3, name='').name == 'fullyconnected3'


@needs("SliceChannel")
def test_alias_counters_split():
    a = mx.sym.var('a')
    assert (mx.sym.split(a, num_outputs=2).name, mx.sym.SliceChannel(a, num_outputs=2).name) \
        == ('split0', 'slicechannel0')


@needs("SoftmaxOutput", "softmax")
def test_shared_lowercase_hint():
    a = mx.sym.var('a')
    assert (mx.sym.Softmax(a).name, mx.sym.softmax(a).name, mx.sym.SoftmaxOutput(a).name) == \
        ('softmax0', 'softmax1', 'softmaxoutput0')


def test_failed_call_consumes_counter():
    a = mx.sym.var('a')
    with pytest.raises(mx.MXNetError):
        a + True
    assert (a + 1).name == '_plusscalar1'
    with pytest.raises(mx.MXNetError):
        mx.sym.FullyConnected(a, num_hidden='x')
    assert mx.sym.FullyConnected(a, num_hidden=1).name == 'fullyconnected1'


def test_variables_never_consume_counters():
    mx.sym.var('a')
    assert mx.sym.relu(mx.sym.var('relu0')).name == 'relu0'


def test_namemanager_get():
    nm = mx.name.NameManager()
    assert [nm.get(None, 'x'), nm.get('', 'x'), nm.get('y', 'x'), nm.get(None, 'x')] == \
        ['x0', 'x1', 'y', 'x2']


@pytest.mark.parametrize("expr,op,name", [
    (lambda a, b: a + b, 'elemwise_add', '_plus0'),
    (lambda a, b: a - b, 'elemwise_sub', '_minus0'),
    (lambda a, b: a * b, 'elemwise_mul', '_mul0'),
    (lambda a, b: a / b, 'elemwise_div', '_div0'),
    (lambda a, b: a % b, '_mod', '_mod0'),
    (lambda a, b: a ** b, '_power', '_power0'),
    (lambda a, b: a + 1, '_plus_scalar', '_plusscalar0'),
    (lambda a, b: 1 + a, '_plus_scalar', '_plusscalar0'),
    (lambda a, b: -a, '_mul_scalar', '_mulscalar0'),
    (lambda a, b: 2 ** a, '_rpower_scalar', '_rpower_scalar0'),
    (lambda a, b: mx.sym.pow(2, a), '_rpower_scalar', '_rpowerscalar0'),
    (lambda a, b: mx.sym.power(2, a), '_rpower_scalar', '_rpowerscalar0'),
    (lambda a, b: a == b, '_equal', '_equal0'),
    (lambda a, b: a == 1, '_equal_scalar', '_equal_scalar0'),
    (lambda a, b: abs(a), 'abs', 'abs0'),
    (lambda a, b: mx.sym.maximum(a, 2), '_maximum_scalar', '_maximumscalar0'),
    (lambda a, b: mx.sym.maximum(a, b), '_maximum', '_maximum0'),
    (lambda a, b: mx.sym.minimum(2, a), '_minimum_scalar', '_minimumscalar0'),
    (lambda a, b: mx.sym.hypot(a, 2), '_hypot_scalar', '_hypotscalar0'),
    (lambda a, b: mx.sym.pow(a, b), '_power', '_power0'),
    (lambda a, b: mx.sym.pow(a, 2), '_power_scalar', '_powerscalar0'),
])
def test_operator_names(expr, op, name):
    s = expr(mx.sym.var('a'), mx.sym.var('b'))
    j = json.loads(s.tojson())
    assert (j['nodes'][j['heads'][0][0]]['op'], s.name) == (op, name)


@pytest.mark.parametrize("expr,op,name", [
    (lambda a: a.sum(), 'sum', 'sum0'),
    (lambda a: a.astype('float16'), 'Cast', 'cast0'),
    (lambda a: a.flatten(), 'Flatten', 'flatten0'),
    (lambda a: a.reshape((2, 3)), 'Reshape', 'reshape0'),
    (lambda a: mx.sym.zeros((2, 3)), '_zeros', '_zeros0'),
    (lambda a: mx.sym.ones(4), '_ones', '_ones0'),
    (lambda a: mx.sym.full((2,), 3), '_full', '_full0'),
    (lambda a: mx.sym.arange(5), '_arange', '_arange0'),
    (lambda a: mx.sym.eye(3), '_eye', '_eye0'),
])
def test_method_and_helper_names(expr, op, name):
    if mx.ops.get_op(op) is None:
        pytest.skip("operator not registered yet: %s" % op)
    s = expr(mx.sym.var('a'))
    j = json.loads(s.tojson())
    assert (j['nodes'][j['heads'][0][0]]['op'], s.name) == (op, name)


# ---------------------------------------------------------------- 2.2 managers
def test_prefix_and_fresh_manager():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    assert mx.sym.FullyConnected(a, num_hidden=3).name == 'fullyconnected0'
    with mx.name.Prefix('p_'):
        f = mx.sym.FullyConnected(a, num_hidden=3)
        g = mx.sym.FullyConnected(a, num_hidden=3, name='fc1')
        v = mx.sym.var('w')
        c = a + b
    assert (f.name, g.list_arguments(), v.name, c.name) == \
        ('p_fullyconnected0', ['a', 'p_fc1_weight', 'p_fc1_bias'], 'w', 'p__plus0')
    with mx.name.NameManager():
        inner = mx.sym.FullyConnected(a, num_hidden=3).name
    assert (inner, mx.sym.FullyConnected(a, num_hidden=3).name) == \
        ('fullyconnected0', 'fullyconnected1')


def test_namemanager_current_deprecated():
    with pytest.warns(DeprecationWarning) as w:
        current = mx.name.NameManager.current
    assert str(w[0].message) == ("NameManager.current has been deprecated. It is advised to use "
                                 "the `with` statement with NameManager.")
    assert isinstance(current, mx.name.NameManager)
    assert current.get(None, 'zz') == 'zz0'


def test_manager_is_thread_local():
    import threading
    seen = []
    with mx.name.Prefix('main_'):
        t = threading.Thread(target=lambda: seen.append(mx.sym.relu(mx.sym.var('a')).name))
        t.start()
        t.join()
    assert seen[0].startswith('relu') and not seen[0].startswith('main_')


# ---------------------------------------------------------------- 2.3 auto-created variables
def test_auto_variables_copy_op_attrs():
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, num_hidden=4, name='fc1', attr={'__ctx_group__': 'g'})
    assert fc.list_arguments() == ['data', 'fc1_weight', 'fc1_bias']
    assert nodes(fc) == [
        ('data', None), ('fc1_weight', {'__ctx_group__': 'g', 'num_hidden': '4'}),
        ('fc1_bias', {'__ctx_group__': 'g', 'num_hidden': '4'}),
        ('fc1', {'__ctx_group__': 'g', 'num_hidden': '4'})]
    assert mx.sym.FullyConnected(data, num_hidden=2, no_bias=True, name='nb') \
        .list_arguments() == ['data', 'nb_weight']
    assert mx.sym.FullyConnected(num_hidden=2, name='fc').list_arguments() == \
        ['fc_data', 'fc_weight', 'fc_bias']


@needs("BatchNorm")
def test_batchnorm_aux_and_init_attrs():
    data = mx.sym.var('data')
    bn = mx.sym.BatchNorm(data, fix_gamma=False, name='bn')
    assert (bn.list_arguments(), bn.list_auxiliary_states(), bn.list_inputs()) == (
        ['data', 'bn_gamma', 'bn_beta'], ['bn_moving_mean', 'bn_moving_var'],
        ['data', 'bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var'])
    assert nodes(bn)[3:] == [
        ('bn_moving_mean', {'__init__': '["zero", {}]', 'fix_gamma': 'False'}),
        ('bn_moving_var', {'__init__': '["one", {}]', 'fix_gamma': 'False'}),
        ('bn', {'fix_gamma': 'False'})]
    mm = mx.sym.var('mm')
    mx.sym.BatchNorm(data, moving_mean=mm, name='bn2')
    assert mm.list_attr() == {'__init__': '["zero", {}]'}
    own = mx.sym.var('own', init='ones')
    mx.sym.BatchNorm(data, moving_var=own, name='bn3')
    assert own.list_attr() == {'__init__': 'ones'}


@needs("SoftmaxOutput")
def test_softmax_output_label_created():
    out = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(num_hidden=3, name='fc'), name='softmax')
    assert out.list_arguments() == ['fc_data', 'fc_weight', 'fc_bias', 'softmax_label']


@needs("LeakyReLU")
def test_prelu_gamma():
    data = mx.sym.var('data')
    pr = mx.sym.LeakyReLU(data, act_type='prelu', name='pr')
    assert pr.list_arguments() == ['data', 'pr_gamma']
    assert nodes(pr)[1] == ('pr_gamma', {'__init__': '["Constant", {"value": 0.25}]',
                                         'act_type': 'prelu'})
    assert mx.sym.LeakyReLU(data, name='lk').list_arguments() == ['data']


def test_supplied_input_keeps_its_attrs():
    data, w = mx.sym.var('data'), mx.sym.var('w', lr_mult=0.1)
    fc = mx.sym.FullyConnected(data, weight=w, num_hidden=4, name='fcw')
    assert fc.list_arguments() == ['data', 'w', 'fcw_bias']
    assert {k: dict(sorted(v.items())) for k, v in fc.attr_dict().items()} == {
        'w': {'__lr_mult__': '0.1', 'lr_mult': '0.1'}, 'fcw_bias': {'num_hidden': '4'},
        'fcw': {'num_hidden': '4'}}
    assert mx.sym.FullyConnected(data, w, num_hidden=4, name='fp').list_arguments() == \
        ['data', 'w', 'fp_bias']


def test_no_deduplication_of_equal_names():
    x = mx.sym.var('x')
    inner = mx.sym.FullyConnected(x, num_hidden=3, name='fc')
    assert mx.sym.FullyConnected(inner, num_hidden=3, name='fc').list_arguments() == \
        ['x', 'fc_weight', 'fc_bias', 'fc_weight', 'fc_bias']
    assert (mx.sym.var('a') + mx.sym.var('a')).list_arguments() == ['a', 'a']
    a = mx.sym.var('a')
    assert (a + a).list_arguments() == ['a']


# ---------------------------------------------------------------- 2.4 keywords -> attributes
def test_keyword_attrs_basic():
    a = mx.sym.var('a')
    assert [head_attrs(a * v)['scalar'] for v in
            (2, 2.0, 0.1, 1e-7, 1e16, 2**40, np.float32(1.1), -0.0)] == \
        ['2', '2.0', '0.1', '1e-07', '1e+16', '1099511627776', '1.1', '-0.0']
    assert head_attrs(mx.sym.FullyConnected(a, num_hidden=4, lr_mult=3)) == \
        {'__lr_mult__': '3', 'num_hidden': '4'}
    assert head_attrs(mx.sym.FullyConnected(a, num_hidden=4, flatten=False, out=None,
                                            __x__=1)) == \
        {'__x__': '1', 'flatten': 'False', 'num_hidden': '4'}


@needs("Pooling", "sum", "softmax", "Cast", "Concat", "_zeros")
def test_keyword_attrs_ops():
    a = mx.sym.var('a')
    assert head_attrs(mx.sym.Pooling(a, global_pool=True, pool_type='avg', kernel=(1, 1))) == \
        {'global_pool': 'True', 'kernel': '(1, 1)', 'pool_type': 'avg'}
    assert (head_attrs(mx.sym.sum(a, axis=None)), head_attrs(mx.sym.sum(a, axis=[0, 1])),
            head_attrs(mx.sym.softmax(a, dtype=None))) == \
        ({'axis': 'None'}, {'axis': '[0, 1]'}, {'dtype': 'float64'})
    assert (head_attrs(mx.sym.Cast(a, dtype=np.float16)),
            head_attrs(mx.sym.Concat(a, a, dim=0)), head_attrs(mx.sym.zeros((2, 3)))) == \
        ({'dtype': 'float16'}, {'dim': '0', 'num_args': '2'},
         {'dtype': 'float32', 'shape': '(2, 3)'})


def test_unknown_keyword_and_bad_value():
    a = mx.sym.var('a')
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(a, num_hidden=4, foo=1)
    assert str(e.value).startswith(
        "MXNetError: Cannot find argument 'foo', Possible Arguments:\n----------------\n"
        "num_hidden : int, required\n    Number of hidden nodes of the output.\n"
        "no_bias : boolean, optional, default=0\n")
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.FullyConnected(a, num_hidden='x')
    assert core(str(e.value)) == ('MXNetError: Invalid Parameter format for num_hidden expect '
                                  'int but value=\'x\', in operator FullyConnected(name="", '
                                  'num_hidden="x")')


# ---------------------------------------------------------------- 2.5 AttrScope
def test_attrscope():
    assert mx.AttrScope is mx.attribute.AttrScope
    with mx.AttrScope(ctx_group='dev1', __foo__='x'):
        v = mx.sym.var('v')
        f = mx.sym.FullyConnected(v, num_hidden=2, name='fs', attr={'__foo__': 'override'})
    assert nodes(f) == [
        ('v', {'__ctx_group__': 'dev1', '__foo__': 'x'}),
        ('fs_weight', {'__ctx_group__': 'dev1', '__foo__': 'override', 'num_hidden': '2'}),
        ('fs_bias', {'__ctx_group__': 'dev1', '__foo__': 'override', 'num_hidden': '2'}),
        ('fs', {'__ctx_group__': 'dev1', '__foo__': 'override', 'num_hidden': '2'})]
    with mx.AttrScope(__ctx_group__='a'):
        with mx.AttrScope(__lr_mult__='2'):
            v2 = mx.sym.var('v2')
        v3 = mx.sym.var('v3')
    assert (sorted(v2.list_attr().items()), sorted(v3.list_attr().items())) == (
        [('__ctx_group__', 'a'), ('__lr_mult__', '2'), ('ctx_group', 'a'), ('lr_mult', '2')],
        [('__ctx_group__', 'a'), ('ctx_group', 'a')])
    assert mx.sym.var('after').list_attr() == {}


def test_attrscope_errors_and_plain_keys():
    with pytest.raises(ValueError) as e:
        mx.AttrScope(a=1)
    assert str(e.value) == "Attributes need to be string"
    with mx.AttrScope(foo='bar'):
        assert mx.sym.var('v').list_attr() == {'foo': 'bar'}
        with pytest.raises(mx.MXNetError, match="Cannot find argument 'foo'"):
            mx.sym.Activation(mx.sym.var('w'), act_type='relu')
        # an operator without parameters has no parser in MXNet 1.9.1: the key is kept
        assert mx.sym.relu(mx.sym.var('w')).list_attr() == {'foo': 'bar'}


def test_attrscope_current_deprecated():
    with pytest.warns(DeprecationWarning, match="AttrScope.current has been deprecated"):
        scope = mx.AttrScope.current
    assert isinstance(scope, mx.AttrScope)


def test_attrscope_reentry_is_clean():
    scope = mx.AttrScope(__a__='1')
    with scope:
        pass
    with mx.AttrScope(__b__='2'):
        with scope:
            assert mx.sym.var('v').list_attr() == {'__a__': '1', '__b__': '2'}
    with scope:
        assert mx.sym.var('v').list_attr() == {'__a__': '1'}


def test_no_warnings_from_naming():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=2)
