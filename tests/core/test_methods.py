"""Spec symbol.md section 4: graph order, outputs, internals/children, indexing, name/repr,
attributes, composition, copies/pickling, Group, debug_str, fluent methods."""
from __future__ import annotations

import copy
import json
import pickle

import pytest

import symnb as mx

from .conftest import core, needs


def mlp(num_hidden=128):
    data = mx.sym.var('data')
    fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=num_hidden)
    act = mx.sym.Activation(fc1, name='relu1', act_type='relu')
    fc2 = mx.sym.FullyConnected(act, name='fc2', num_hidden=10)
    return data, fc1, act, fc2


# ---------------------------------------------------------------- 4.1 - 4.3
@needs("SoftmaxOutput")
def test_mlp_listings():
    data, fc1, act, fc2 = mlp()
    out = mx.sym.SoftmaxOutput(fc2, name='softmax')
    assert out.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias',
                                    'softmax_label']
    assert (out.list_outputs(), out.list_auxiliary_states(), out.name, repr(out), len(out)) == \
        (['softmax_output'], [], 'softmax', '<Symbol softmax>', 1)
    internals = out.get_internals()
    assert internals.list_outputs() == [
        'data', 'fc1_weight', 'fc1_bias', 'fc1_output', 'relu1_output', 'fc2_weight', 'fc2_bias',
        'fc2_output', 'softmax_label', 'softmax_output']
    assert repr(internals) == ('<Symbol group [data, fc1_weight, fc1_bias, fc1, relu1, '
                               'fc2_weight, fc2_bias, fc2, softmax_label, softmax]>')
    assert (repr(internals['fc1_output']), repr(internals['fc1_weight']),
            internals[3].list_outputs()) == ('<Symbol fc1>', '<Symbol fc1_weight>',
                                             ['fc1_output'])
    assert (out.get_children().list_outputs(), fc1.get_children().list_outputs(),
            data.get_children()) == (['fc2_output', 'softmax_label'],
                                     ['data', 'fc1_weight', 'fc1_bias'], None)
    assert mx.sym.Group([fc1, act, out]).get_children().list_outputs() == \
        ['data', 'fc1_weight', 'fc1_bias', 'fc1_output', 'fc2_output', 'softmax_label']


def test_graph_order_without_loss():
    data, fc1, act, fc2 = mlp()
    assert fc2.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias']
    assert fc2.get_internals().list_outputs() == [
        'data', 'fc1_weight', 'fc1_bias', 'fc1_output', 'relu1_output', 'fc2_weight',
        'fc2_bias', 'fc2_output']
    assert mx.sym.Group([fc1, act, fc2]).get_children().list_outputs() == \
        ['data', 'fc1_weight', 'fc1_bias', 'fc1_output', 'relu1_output', 'fc2_weight',
         'fc2_bias']
    with pytest.raises(ValueError) as e:
        mx.sym.Group([fc1, fc1])['fc1_output']
    assert str(e.value) == 'There are multiple outputs with name "fc1_output"'


def test_deep_graph_is_iterative():
    s = mx.sym.var('x')
    for _ in range(5000):
        s = s + 1
    assert len(s.get_internals()) == 5001
    assert s.list_arguments() == ['x']
    assert mx.sym.load_json(s.tojson()).tojson() == s.tojson()
    assert s.infer_shape(x=(2,))[1] == [(2,)]


@needs("BatchNorm")
def test_batchnorm_internals():
    data = mx.sym.var('data')
    bn = mx.sym.BatchNorm(data, name='bn')
    assert bn.get_internals().list_outputs() == [
        'data', 'bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var', 'bn_output']
    assert mx.sym.BatchNorm(data, name='bn2', output_mean_var=True).list_outputs() == \
        ['bn2_output', 'bn2_mean', 'bn2_var']


def test_toy_aux_and_hidden_outputs(toy_ops):
    norm = toy_ops['_toy_norm']
    data = mx.sym.var('data')
    n1 = norm(data, name='n1')
    assert (n1.list_arguments(), n1.list_auxiliary_states(), n1.list_inputs(), len(n1)) == (
        ['data', 'n1_gamma'], ['n1_mean', 'n1_var'],
        ['data', 'n1_gamma', 'n1_mean', 'n1_var'], 1)
    j = json.loads(n1.tojson())
    assert j['nodes'][4]['inputs'] == [[0, 0, 0], [1, 0, 0], [2, 0, 1], [3, 0, 1]]
    assert j['node_row_ptr'] == [0, 1, 2, 3, 4, 7]
    assert j['nodes'][2]['attrs'] == {'__init__': '["zero", {}]'}
    # a second mutating op sharing the aux variable bumps its version
    mean = n1.get_internals()['n1_mean']
    n2 = norm(n1, mean=mean, name='n2')
    assert json.loads(n2.tojson())['nodes'][-1]['inputs'][2] == [2, 0, 2]
    assert n2.infer_shape(data=(2, 3))[2] == [(3,), (3,), (3,)]
    assert [ln for ln in n2.debug_str().splitlines() if 'n1_mean' in ln] == [
        'Variable:n1_mean', '\targ[2]=n1_mean(0) version=1', '\targ[2]=n1_mean(0) version=2']


# ---------------------------------------------------------------- 4.4 indexing
@needs("SliceChannel")
def test_slicechannel_indexing():
    data = mx.sym.var('data')
    sl = mx.sym.SliceChannel(data, num_outputs=3, name='sl')
    assert (sl.list_outputs(), sl.name, repr(sl), len(sl)) == (
        ['sl_output0', 'sl_output1', 'sl_output2'], 'sl', '<Symbol sl>', 3)
    assert (repr(sl[1]), sl[1].list_outputs(), sl['sl_output2'].list_outputs(),
            sl[1:].list_outputs()) == ('<Symbol sl>', ['sl_output1'], ['sl_output2'],
                                       ['sl_output1', 'sl_output2'])
    assert (json.loads(sl[1].tojson())['heads'], (sl[1] + 1).list_arguments()) == \
        ([[1, 1, 0]], ['data'])
    assert [repr(s) for s in sl] == ['<Symbol sl>'] * 3
    assert mx.sym.SliceChannel(data, num_outputs=1, name='one').list_outputs() == \
        ['one_output0']


def test_indexing_rules(toy_ops):
    sl = toy_ops['_toy_split'](mx.sym.var('data'), num_outputs=3, name='sl')
    assert sl.list_outputs() == ['sl_output0', 'sl_output1', 'sl_output2']
    assert sl[True].list_outputs() == ['sl_output1']
    assert sl[::2].list_outputs() == ['sl_output0', 'sl_output2']
    assert json.loads(sl[2].tojson())['heads'] == [[1, 2, 0]]
    with pytest.raises(ValueError) as e:
        sl['sl']
    assert str(e.value) == 'Cannot find output that matches name "sl"'
    with pytest.raises(IndexError) as e:
        sl[3]
    assert repr(e.value) == 'IndexError()'
    with pytest.raises(mx.MXNetError) as e:
        sl[-1]
    assert core(str(e.value)).endswith('Check failed: index < nreturn (4294967295 vs. 3) : '
                                       'Symbol only accept nonnegative index')
    with pytest.raises(mx.MXNetError, match='nonnegative index'):
        sl[-2:]
    for bad in (1.0, __import__('numpy').int64(1), None):
        with pytest.raises(TypeError) as e:
            sl[bad]
        assert str(e.value) == 'Symbol only support integer index to fetch i-th output'
    with pytest.raises(TypeError) as e:
        sl[2:1]
    assert str(e.value) == 'Expected a list of symbols as input'
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.relu(sl)
    assert 'Keyword Argument data is a tuple, single value is required' in str(e.value)
    assert mx.sym.relu(sl[0]).list_arguments() == ['data']


# ---------------------------------------------------------------- 4.5 / 4.6
def test_name_repr_attrs():
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, name='fc1', num_hidden=10)
    assert (fc.attr('num_hidden'), fc.list_attr()) == ('10', {'num_hidden': '10'})
    assert fc._set_attr(num_hidden='20', __note__='x') is None
    assert (fc.infer_shape(data=(2, 3))[1], sorted(fc.list_attr().items())) == \
        ([(2, 20)], [('__note__', 'x'), ('num_hidden', '20')])
    with pytest.raises(mx.MXNetError) as e:
        fc._set_attr(foo='bar')
    assert str(e.value).splitlines()[0] == "MXNetError: Cannot find argument 'foo', Possible " \
                                           "Arguments:"
    assert fc.attr('foo') == 'bar'
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'foo'"):
        fc._set_attr(__other__='1')
    fc2 = mx.sym.FullyConnected(data, name='fc2', num_hidden=10)
    fc2._set_attr(name='renamed')
    assert (fc2.name, fc2.list_outputs()) == ('renamed', ['renamed_output'])
    g = mx.sym.Group([fc2, data])
    assert (g.name, g.attr('num_hidden'), repr(g), str(g), g.list_attr()) == \
        (None, None, '<Symbol group [renamed, data]>', '<Symbol group [renamed, data]>',
         {'num_hidden': '10'})
    with pytest.raises(mx.MXNetError) as e:
        g._set_attr(__x__='1')
    assert core(str(e.value)).endswith('Check failed: node == e.node.get(): Symbol.SetAttrs '
                                       'only works for non-grouped symbol')
    with pytest.raises(ValueError) as e:
        data._set_attr(x=1)
    assert str(e.value) == 'Set Attr only accepts string values'


def test_set_attr_hidden_keys_and_sharing():
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, name='fc', num_hidden=3)
    fc._set_attr(lr_mult='2')
    assert fc.list_attr() == {'num_hidden': '3', '__lr_mult__': '2', 'lr_mult': '2'}
    assert fc.attr('lr_mult') == '2'
    weight = fc.get_internals()['fc_weight']
    weight._set_attr(__init__='zeros')
    assert fc.attr_dict()['fc_weight'] == {'num_hidden': '3', '__init__': 'zeros'}
    with pytest.raises(mx.MXNetError, match='wd_mult is deprecated'):
        data._set_attr(weight_wd_mult='1')
    with pytest.raises(mx.MXNetError, match='num_hidden should be greater equal to 1'):
        fc._set_attr(num_hidden='0')
    assert fc.attr('num_hidden') == '0'       # stored although rejected


def test_attr_dict_merges_equal_names():
    a1 = mx.sym.var('a', attr={'__x__': '1', '__y__': '1'})
    a2 = mx.sym.var('a', attr={'__x__': '2'})
    assert (a1 + a2).attr_dict() == {'a': {'__x__': '2', '__y__': '1'}}
    assert list((a1 * mx.sym.var('b', attr={'__z__': '1'})).attr_dict()) == ['a', 'b']


def test_name_single_node_group():
    data, fc1, act, _ = mlp(4)
    assert mx.sym.Group([fc1, fc1]).name == 'fc1'
    assert mx.sym.Group([fc1, act]).name is None


# ---------------------------------------------------------------- 4.7 composition
def test_compose():
    data = mx.sym.var('data')
    net1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=10)
    net2 = mx.sym.FullyConnected(name='fc3', num_hidden=10)
    assert net2.list_arguments() == ['fc3_data', 'fc3_weight', 'fc3_bias']
    composed = net2(fc3_data=net1, name='composed')
    assert (repr(composed), composed.list_arguments(), net2.list_arguments()) == (
        '<Symbol composed>', ['data', 'fc1_weight', 'fc1_bias', 'fc3_weight', 'fc3_bias'],
        ['fc3_data', 'fc3_weight', 'fc3_bias'])
    assert net2.name == 'fc3'
    a, b, x = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('x')
    c = a + b
    assert (repr(c(a=x)), c(a=x).list_arguments(), c(a=x, name='zz').list_outputs()) == \
        ('<Symbol _plus0>', ['x', 'b'], ['zz_output'])
    with pytest.raises(mx.MXNetError) as e:
        c(q=x)
    assert core(str(e.value)) == ('MXNetError: Symbol.ComposeKeyword argument name q not '
                                  'found.\nCandidate arguments:\n\t[0]a\n\t[1]b\n\n')


def test_compose_in_place_and_errors():
    a, b, x = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('x')
    c = a * b
    c._compose(b=x)
    assert c.list_arguments() == ['a', 'x']
    with pytest.raises(TypeError) as e:
        c(x, b=x)
    assert str(e.value) == ('compose only accept input Symbols                 either as '
                            'positional or keyword arguments, not both')
    with pytest.raises(TypeError) as e:
        c(a=1)
    assert str(e.value) == 'Compose expect `Symbol` as arguments'
    with pytest.raises(mx.MXNetError) as e:
        c(x)
    assert core(str(e.value)).endswith('Check failed: args.size() == 0U (1 vs. 0) : General '
                                       'composition only support kwargs for now')
    g = mx.sym.Group([a, b])
    with pytest.raises(mx.MXNetError, match='Keyword Argument a is a tuple, single value is '
                                            'required'):
        c(a=g)
    with pytest.raises(mx.MXNetError, match='Argument 0 is a tuple, single value is required'):
        c(g)
    # several variables share the name: nothing is replaced, silently
    d = mx.sym.var('a') + mx.sym.var('a')
    assert d(a=x).list_arguments() == ['a', 'a']


# ---------------------------------------------------------------- 4.8 copies / pickling
def test_copies_are_deep():
    data, fc1, _, _ = mlp(4)
    for cp in (copy.copy(fc1), copy.deepcopy(fc1)):
        assert cp.tojson() == fc1.tojson()
        cp._set_attr(num_hidden='7')
        assert fc1.attr('num_hidden') == '4'
        cp.get_internals()['fc1_weight']._set_attr(__x__='1')
        assert fc1.attr_dict().get('fc1_weight') == {'num_hidden': '4'}


def test_pickle_roundtrip():
    data, fc1, act, fc2 = mlp(4)
    g = mx.sym.Group([fc2, act])
    assert g.__getstate__() == {'handle': g.tojson()}
    back = pickle.loads(pickle.dumps(g))
    assert back.tojson() == g.tojson()
    assert back.list_outputs() == ['fc2_output', 'relu1_output']


@pytest.mark.parametrize("method", ['copy', 'asnumpy', 'asscalar', 'as_in_context', 'detach',
                                    'wait_to_read', 'backward'])
def test_ndarray_only_methods(method):
    with pytest.raises(mx.base.NotImplementedForSymbol) as e:
        getattr(mx.sym.var('x'), method)()
    assert str(e.value) == ('Function %s is not implemented for Symbol and only available in '
                            'NDArray.' % method)


def test_gradient_not_implemented():
    with pytest.raises(mx.MXNetError, match='not implemented'):
        mx.sym.var('x').gradient(['x'])


# ---------------------------------------------------------------- 4.9 Group
def test_group():
    data = mx.sym.var('data')
    fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=4)
    act = mx.sym.Activation(fc1, name='relu1', act_type='relu')
    g = mx.sym.Group([fc1, act])
    assert (repr(g), g.list_outputs(), g.list_arguments(), [repr(s) for s in g]) == (
        '<Symbol group [fc1, relu1]>', ['fc1_output', 'relu1_output'],
        ['data', 'fc1_weight', 'fc1_bias'], ['<Symbol fc1>', '<Symbol relu1>'])
    assert mx.sym.Group([g, data]).list_outputs() == ['fc1_output', 'relu1_output', 'data']
    d = mx.sym.Group([fc1, fc1])
    assert (repr(d), d.name, d.list_outputs(), d.list_arguments()) == (
        '<Symbol fc1>', 'fc1', ['fc1_output', 'fc1_output'], ['data', 'fc1_weight', 'fc1_bias'])
    assert json.loads(mx.sym.Group([act, fc1]).tojson())['heads'] == [[4, 0, 0], [3, 0, 0]]
    assert repr(mx.sym.Group([fc1])) == '<Symbol fc1>'
    assert repr(mx.sym.Group((data, fc1))) == '<Symbol group [data, fc1]>'
    for bad in ([], (), None, fc1, [fc1, 1], 'ab'):
        with pytest.raises(TypeError) as e:
            mx.sym.Group(bad)
        assert str(e.value) == 'Expected a list of symbols as input'


# ---------------------------------------------------------------- 4.10 debug_str
MLP_DEBUG = """Symbol Outputs:
\toutput[0]=softmax(0)
Variable:data
Variable:fc1_weight
Variable:fc1_bias
--------------------
Op:FullyConnected, Name=fc1
Inputs:
\targ[0]=data(0) version=0
\targ[1]=fc1_weight(0) version=0
\targ[2]=fc1_bias(0) version=0
Attrs:
\tnum_hidden=128
--------------------
Op:Activation, Name=relu1
Inputs:
\targ[0]=fc1(0)
Attrs:
\tact_type=relu
Variable:fc2_weight
Variable:fc2_bias
--------------------
Op:FullyConnected, Name=fc2
Inputs:
\targ[0]=relu1(0)
\targ[1]=fc2_weight(0) version=0
\targ[2]=fc2_bias(0) version=0
Attrs:
\tnum_hidden=10
Variable:softmax_label
--------------------
Op:SoftmaxOutput, Name=softmax
Inputs:
\targ[0]=fc2(0)
\targ[1]=softmax_label(0) version=0
"""


@needs("SoftmaxOutput")
def test_debug_str_mlp():
    *_, fc2 = mlp()
    assert mx.sym.SoftmaxOutput(fc2, name='softmax').debug_str() == MLP_DEBUG


def test_debug_str_layout():
    *_, fc2 = mlp()
    assert fc2.debug_str() == MLP_DEBUG.split("Variable:softmax_label")[0].replace(
        "output[0]=softmax(0)", "output[0]=fc2(0)")
    assert mx.sym.var('data').debug_str() == 'Variable:data\n'
    a = mx.sym.var('a', attr={'__b__': '1', '__a__': '2'})
    assert (a * 2).debug_str() == (
        'Symbol Outputs:\n\toutput[0]=_mulscalar0(0)\nVariable:a\n--------------------\n'
        'Op:_mul_scalar, Name=_mulscalar0\nInputs:\n\targ[0]=a(0) version=0\nAttrs:\n'
        '\tscalar=2\n')
    g = mx.sym.Group([a, a + a])
    assert g.debug_str().startswith('Symbol Outputs:\n\toutput[0]=a(0)\n\toutput[1]=_plus0(0)\n'
                                    'Variable:a\n')


@needs("SliceChannel", "BatchNorm")
def test_debug_str_multi_output_and_aux():
    data = mx.sym.var('data')
    assert mx.sym.SliceChannel(data, num_outputs=2, name='sl')[1].debug_str() == (
        'Symbol Outputs:\n\toutput[0]=sl(1)\nVariable:data\n--------------------\n'
        'Op:SliceChannel, Name=sl\nInputs:\n\targ[0]=data(0) version=0\nAttrs:\n'
        '\tnum_outputs=2\n')
    assert [ln for ln in mx.sym.BatchNorm(data, name='bn').debug_str().splitlines()
            if 'moving' in ln] == [
        'Variable:bn_moving_mean', 'Variable:bn_moving_var',
        '\targ[3]=bn_moving_mean(0) version=1', '\targ[4]=bn_moving_var(0) version=1']


# ---------------------------------------------------------------- 4.11 fluent methods
FLUENT = ['reshape', 'reshape_like', 'zeros_like', 'ones_like', 'broadcast_axes', 'repeat',
          'pad', 'swapaxes', 'split', 'slice', 'slice_axis', 'slice_like', 'take', 'one_hot',
          'pick', 'sort', 'topk', 'argsort', 'argmax', 'argmax_channel', 'argmin', 'clip', 'abs',
          'sign', 'flatten', 'shape_array', 'size_array', 'expand_dims', 'broadcast_to',
          'broadcast_like', 'tile', 'transpose', 'flip', 'depth_to_space', 'space_to_depth',
          'diag', 'sum', 'nansum', 'prod', 'nanprod', 'mean', 'max', 'min', 'norm', 'round',
          'rint', 'fix', 'floor', 'ceil', 'trunc', 'sin', 'cos', 'tan', 'arcsin', 'arccos',
          'arctan', 'degrees', 'radians', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh',
          'arctanh', 'exp', 'expm1', 'log', 'log10', 'log2', 'log1p', 'sqrt', 'rsqrt', 'cbrt',
          'rcbrt', 'square', 'reciprocal', 'relu', 'sigmoid', 'softmax', 'log_softmax',
          'softmin', 'astype', 'squeeze']


@pytest.mark.parametrize("method", FLUENT)
def test_fluent_method_exists(method):
    assert callable(getattr(mx.sym.Symbol, method))


@pytest.mark.parametrize("method", ['abs', 'sign', 'floor', 'ceil', 'round', 'sin', 'cos',
                                    'tan', 'tanh', 'exp', 'expm1', 'log', 'log10', 'log2',
                                    'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'relu',
                                    'sigmoid'])
def test_fluent_unary_names(method):
    s = getattr(mx.sym.var('a'), method)()
    assert (s.name, json.loads(s.tojson())['nodes'][1]['op']) == (method + '0', method)


def test_fluent_passes_name_and_params():
    s = mx.sym.var('a').relu(name='r')
    assert s.name == 'r'


@needs("squeeze", "expand_dims", "Cast")
def test_fluent_special_signatures():
    a = mx.sym.var('a')
    assert a.squeeze().list_attr() == {'axis': 'None'}
    assert a.expand_dims(1).list_attr() == {'axis': '1'}
    assert a.astype('float16').list_attr() == {'dtype': 'float16'}


@needs("diag")
def test_fluent_diag():
    assert mx.sym.var('a').diag().list_attr() == {'k': '0'}
