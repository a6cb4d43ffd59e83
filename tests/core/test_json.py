"""Spec symbol.md section 6: tojson/save/load_json/load, exact layout, strict reader,
legacy upgrades, load errors, and the recorded MXNet files in ../shared/oracle/cases."""
from __future__ import annotations

import glob
import json
import os

import pytest

import symnb as mx

from ..conftest import SHARED
from .conftest import core, needs

CASES = sorted(glob.glob(str(SHARED / "oracle" / "cases" / "*" / "symbol.json")))


# ---------------------------------------------------------------- 6.1 API
def test_api_errors(tmp_path):
    with pytest.raises(TypeError) as e:
        mx.sym.load_json(b'{}')
    assert str(e.value) == "fname required to be string"
    with pytest.raises(TypeError) as e:
        mx.sym.load(1)
    assert str(e.value) == "fname need to be string"
    with pytest.raises(TypeError) as e:
        mx.sym.var('a').save(1)
    assert str(e.value) == "fname need to be string"
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.load("missing.json")
    assert core(str(e.value)).endswith('Check failed: allow_null: :Open "missing.json": No such '
                                       'file or directory')


def test_save_writes_tojson_exactly(tmp_path):
    s = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')
    path = str(tmp_path / "s.json")
    s.save(path)
    with open(path, "rb") as f:
        assert f.read() == s.tojson().encode("utf-8")
    assert mx.sym.load(path).tojson() == s.tojson()
    assert s.tojson(remove_amp_cast=False) == s.tojson()


# ---------------------------------------------------------------- 6.2 / 6.3 layout
def test_single_variable_layout():
    assert mx.sym.var('a', shape=(2, 3)).tojson() == (
        '{\n  "nodes": [\n    {\n      "op": "null", \n      "name": "a", \n      "attrs": '
        '{"__shape__": "(2, 3)"}, \n      "inputs": []\n    }\n  ], \n  "arg_nodes": [0], \n'
        '  "node_row_ptr": [0, 1], \n  "heads": [[0, 0, 0]], \n  "attrs": {"mxnet_version": '
        '["int", 10901]}\n}')


def test_string_escapes():
    # MXNet's five escapes; other control characters (raw in MXNet's file, which is no strict
    # JSON) are written as \\u escapes, which the reader accepts for them only
    line = mx.sym.var('we"ird\\n\tx\x01é').tojson().splitlines()[4]
    assert line == '      "name": "we\\"ird\\\\n\\tx\\u0001é", '
    assert mx.sym.load_json(mx.sym.var('x\x01\ud800').tojson()).name == 'x\x01\ud800'
    s = mx.sym.var('a\rb\nc')
    assert '"name": "a\\rb\\nc"' in s.tojson()
    assert mx.sym.load_json(s.tojson()).name == 'a\rb\nc'


def test_attr_keys_sorted_by_bytes_unescaped_and_multiline():
    v = mx.sym.var('v', attr={'b': '1', 'B': '2', '__a__': '3', '_c': '4', 'é': '5'})
    text = v.tojson()
    assert ('      "attrs": {\n        "B": "2", \n        "__a__": "3", \n        "_c": "4", \n'
            '        "b": "1", \n        "é": "5"\n      }, \n') in text


def test_np_shape_graph_attr():
    with mx.util.np_shape(True):
        text = mx.sym.var('a').tojson()
    assert text.endswith('  "attrs": {\n    "is_np_shape": ["int", 1], \n    "mxnet_version": '
                         '["int", 10901]\n  }\n}')


MLP_JSON = open(os.path.join(os.path.dirname(__file__), "mlp_golden.json")).read() \
    if os.path.exists(os.path.join(os.path.dirname(__file__), "mlp_golden.json")) else None


def _mlp():
    data = mx.sym.Variable('data')
    fc1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=4)
    act = mx.sym.Activation(data=fc1, name='relu1', act_type='relu')
    fc2 = mx.sym.FullyConnected(data=act, name='fc2', num_hidden=3)
    return mx.sym.SoftmaxOutput(data=fc2, name='softmax')


@needs("SoftmaxOutput")
def test_mlp_golden():
    assert _mlp().tojson() == MLP_JSON


def test_mlp_golden_without_loss_layer():
    # the same golden minus the SoftmaxOutput node and its label (written by symnb's rules)
    data = mx.sym.Variable('data')
    fc1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=4)
    act = mx.sym.Activation(data=fc1, name='relu1', act_type='relu')
    fc2 = mx.sym.FullyConnected(data=act, name='fc2', num_hidden=3)
    j = json.loads(MLP_JSON)
    j['nodes'] = j['nodes'][:8]
    j['arg_nodes'] = j['arg_nodes'][:5]
    j['node_row_ptr'] = j['node_row_ptr'][:9]
    j['heads'] = [[7, 0, 0]]
    assert json.loads(fc2.tojson()) == j
    lines = fc2.tojson().splitlines()
    assert lines[:6] == ['{', '  "nodes": [', '    {', '      "op": "null", ',
                         '      "name": "data", ', '      "inputs": []']
    assert lines[-5:] == ['  "arg_nodes": [0, 1, 2, 5, 6], ',
                          '  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7, 8], ',
                          '  "heads": [[7, 0, 0]], ',
                          '  "attrs": {"mxnet_version": ["int", 10901]}', '}']


def test_long_lists_are_multiline(toy_ops):
    s = toy_ops['_toy_add_n'](*[mx.sym.var('v%d' % i) for i in range(11)], name='s')
    lines = s.tojson().splitlines()
    assert lines[60:64] + lines[71:75] == [
        '      "attrs": {"num_args": "11"}, ', '      "inputs": [', '        [0, 0, 0], ',
        '        [1, 0, 0], ', '        [9, 0, 0], ', '        [10, 0, 0]', '      ]', '    }']
    assert '  "arg_nodes": [\n    0, \n    1, ' in s.tojson()
    assert '  "node_row_ptr": [\n    0, \n' in s.tojson()


@needs("add_n")
def test_add_n_spec_example():
    s = mx.sym.add_n(*[mx.sym.var('v%d' % i) for i in range(11)], name='s')
    lines = s.tojson().splitlines()
    assert lines[60:64] + lines[71:75] == [
        '      "attrs": {"num_args": "11"}, ', '      "inputs": [', '        [0, 0, 0], ',
        '        [1, 0, 0], ', '        [9, 0, 0], ', '        [10, 0, 0]', '      ]', '    }']


def test_many_heads_are_multiline():
    g = mx.sym.Group([mx.sym.var('v%d' % i) for i in range(11)])
    assert '  "heads": [\n    [0, 0, 0], \n' in g.tojson()
    assert mx.sym.load_json(g.tojson()).list_outputs() == ['v%d' % i for i in range(11)]


@needs("BatchNorm", "Dropout")
def test_versions_and_hidden_outputs():
    bn = mx.sym.BatchNorm(mx.sym.var('data'), name='bn')
    j = json.loads(mx.sym.Dropout(bn, p=0.5, name='drop').tojson())
    assert (j['nodes'][5]['inputs'], j['arg_nodes'], j['node_row_ptr'], j['heads']) == (
        [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]], [0, 1, 2, 3, 4],
        [0, 1, 2, 3, 4, 5, 8, 10], [[6, 0, 0]])


# ---------------------------------------------------------------- 6.4 reading
def _graph(nodes, heads, arg_nodes=None, extra=''):
    arg = [i for i, n in enumerate(nodes) if '"op": "null"' in n] if arg_nodes is None \
        else arg_nodes
    return '{"nodes": [%s], "arg_nodes": %s, "heads": %s%s}' % (
        ", ".join(nodes), json.dumps(arg), json.dumps(heads), extra)


V = '{"op": "null", "name": "data", "inputs": []}'
VERSION = ', "attrs": {"mxnet_version": ["int", 10901]}'


def test_reader_is_free_about_whitespace_order_and_optional_members():
    text = ('\n\t{ "heads" :[[1,0]] ,"arg_nodes":[0],"nodes":[ {"inputs":[],"name":"data",'
            '"op":"null"},{"name":"r","op":"relu","inputs":[[0,0,0]]}],\r\n'
            '"attrs":{"mxnet_version":["int",10901]}}  trailing text is ignored')
    s = mx.sym.load_json(text)
    assert (s.list_arguments(), s.list_outputs()) == (['data'], ['r_output'])
    node_row_ptr = _graph([V], [[0, 0, 0]], extra=', "node_row_ptr": [0, 7]' + VERSION)
    assert json.loads(mx.sym.load_json(node_row_ptr).tojson())['node_row_ptr'] == [0, 1]


def test_attrs_attr_param_merge():
    node = ('{"op": "FullyConnected", "name": "fc", "inputs": [[0, 0], [1, 0], [2, 0]], '
            '"param": {"num_hidden": "9", "flatten": "False"}, "attrs": {"num_hidden": "2"}, '
            '"attr": {"num_hidden": "3", "__x__": "y"}, "control_deps": [], "subgraphs": [], '
            '"backward_source_id": -1}')
    text = _graph([V, V.replace('data', 'w'), V.replace('data', 'b'), node], [[3, 0, 0]],
                  extra=VERSION)
    s = mx.sym.load_json(text)
    assert s.list_attr() == {'num_hidden': '3', '__x__': 'y', 'flatten': 'False'}


def test_forward_references_aliases_and_partial_arg_nodes():
    nodes = ['{"op": "_PlusScalar", "name": "p", "inputs": [[1, 0]], "attrs": {"scalar": "2"}}',
             V]
    s = mx.sym.load_json(_graph(nodes, [[0, 0]], arg_nodes=[], extra=VERSION))
    assert json.loads(s.tojson())['nodes'][1]['op'] == '_plus_scalar'
    assert s.list_arguments() == ['data']
    assert s.infer_shape(data=(2,))[1] == [(2,)]


def test_zero_heads():
    s = mx.sym.load_json(_graph([V], [], extra=VERSION))
    assert s.list_outputs() == [] and len(s) == 0


def test_graph_attr_tags():
    for tag, value in (('str', '"x"'), ('list_int', '[1, 2]'), ('size_t', '3'), ('int', '1')):
        text = _graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", 10901], '
                                            '"other": ["%s", %s]}' % (tag, value))
        assert '"other"' not in mx.sym.load_json(text).tojson()
    with pytest.raises(mx.MXNetError, match="Typename float has not been registered via "
                                            "DMLC_JSON_ENABLE_ANY"):
        mx.sym.load_json(_graph([V], [[0, 0]], extra=', "attrs": {"x": ["float", 1.5]}'))


def test_reader_rejects():
    cases = [
        (_graph(['{"op": null, "name": "data", "inputs": []}'], [[0, 0]]), "op"),
        (_graph(['{"op": "relu", "name": "r", "inputs": [[5, 0]]}'], [[0, 0]]),
         "e.node_id < jgraph.nodes.size()"),
        (_graph([V], [[3, 0]]), None),
        (_graph([V], [[0, 5]]), None),
        (_graph([V, '{"op": "relu", "name": "r", "inputs": [[0, 0]]}'], [[1, 0]], [1]),
         "Check failed: jgraph.nodes[nid].node->is_variable(): "),
        (_graph([V, '{"op": "relu", "name": "r", "inputs": [[1, 0]]}'], [[1, 0]]), "cycle"),
        ('{"nodes": [', None),
    ]
    for text, fragment in cases:
        with pytest.raises(mx.MXNetError) as e:
            mx.sym.load_json(text)
        if fragment:
            assert fragment in str(e.value), text


# ---------------------------------------------------------------- 6.6 load errors
OK = ('{"nodes": [{"op": "null", "name": "data", "inputs": []}, {"op": "FooBar", "name": "fc1", '
      '"attrs": {"num_hidden": "4"}, "inputs": [[0, 0, 0]]}], "arg_nodes": [0], "heads": '
      '[[1, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}')


def _error(text):
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.load_json(text)
    return core(str(e.value))


def test_load_error_texts():
    assert _error('hello').endswith(
        "Check failed: ch == '{' (104 vs. {) : Error at Line 0, around ^`ello`, Expect '{' but "
        "get 'h'")
    assert _error('{}').endswith(
        'JSONReader: Check failed: visited.count(it->first) != 0U (0 vs. 0) : Missing field '
        '"arg_nodes"\n At  Line 0, around ^``\n')
    assert 'Missing field "heads"' in _error('{"nodes": [], "arg_nodes": []}')
    assert 'Missing field "nodes"' in _error('{"heads": [], "arg_nodes": []}')
    assert _error('{"foo": 1}').endswith(
        'JSONReader: Unknown field foo, candidates are: \n"arg_nodes"\n"attrs"\n"heads"\n'
        '"node_row_ptr"\n"nodes"\n\n')
    assert _error(_graph(['{"op": "null", "name": "d", "inputs": [], "bar": 1}'], [])).endswith(
        'JSONReader: Unknown field bar, candidates are: \n"attr"\n"attrs"\n'
        '"backward_source_id"\n"control_deps"\n"inputs"\n"name"\n"op"\n"param"\n'
        '"subgraphs"\n\n')
    assert _error(OK) == ('MXNetError: Failed loading Op fc1 of type FooBar: Check failed: '
                          'op != nullptr: Operator FooBar is not registered')
    fc = OK.replace('FooBar', 'FullyConnected').replace('"num_hidden": "4"', '"no_bias": "True"')
    assert _error(fc) == ('MXNetError: Required parameter num_hidden of int is not presented, '
                          'in operator FullyConnected(name="fc1", no_bias="True")')
    assert "Cannot find argument 'foo'" in _error(fc.replace('"no_bias"', '"foo"'))
    assert "Invalid Parameter format for num_hidden expect int but value='x'" in \
        _error(OK.replace('FooBar', 'FullyConnected').replace('"4"', '"x"'))
    bad_value = _error(OK.replace('FooBar', 'FullyConnected').replace('"4"', '4'))
    assert "Expect '\"' but get '4'" in bad_value and 'num_hidden' in bad_value
    assert _error(_graph([V.replace('data', 'd\\u00e9')], [[0, 0]])).endswith(
        'unknown string escape \\u')
    for esc in ('\\/', '\\b', '\\f'):
        assert 'unknown string escape' in _error(_graph([V.replace('data', 'd' + esc)],
                                                        [[0, 0]]))


def test_deep_nesting_is_an_error_not_a_recursion(monkeypatch):
    import sys
    monkeypatch.setattr(sys, "getrecursionlimit", sys.getrecursionlimit)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(150)       # a kernel's stack is shallower than a test's
    try:
        for depth in (500, 100000):
            text = _error('{"nodes": ' + '[' * depth + ']' * depth + ', "arg_nodes": []}')
            assert "JSON nesting deeper than 100 levels" in text
    finally:
        sys.setrecursionlimit(old)
    assert mx.sym.load_json(_graph(['{"op": "null", "name": "d", "inputs": [], '
                                    '"control_deps": ' + '[' * 90 + ']' * 90 + '}'],
                                   [[0, 0]], extra=VERSION)).name == 'd'


@pytest.mark.parametrize("text, detail", [
    # MXNet 1.9.1's reader: "Expect '[' but get '5'"; symnb names the member and what it got
    (_graph([V], [[0, 0]]).replace('"heads": [[0, 0]]', '"heads": 5'),
     "\"heads\" must be an array, got the number 5"),
    ('{"nodes": [["op", "null"]], "arg_nodes": [0], "heads": [[0, 0]]}',
     "node 0 of \"nodes\" must be an object, got an array"),
    (_graph([V], [[0, 0]], extra=', "attrs": --1'), "Expect number"),
    (_graph([V], [[0, 0]], extra=', "attrs": [1]'),
     "the top-level \"attrs\" must be an object, got an array"),
    (_graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", "abc"]}'),
     "graph attribute mxnet_version of type int must hold an integer, got the string \"abc\""),
    (_graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", 1.5]}'),
     "must hold an integer, got the number 1.5"),
    (_graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", true]}'),
     "must hold an integer, got true"),
    (_graph([V], [[0, -1]]), "heads entry 0: an entry must be [node, index] or [node, index, "
                             "version] of non-negative integers, got [0, -1]"),
    (_graph([V], [[True, 0]]), "got [true, 0]"),
    (_graph([V], [[0, "a"]]), "heads entry 0: an entry must be"),
    (_graph([V.replace('"inputs": []', '"inputs": {}')], [[0, 0]]),
     "the inputs of node data must be an array, got an object"),
    (_graph([V.replace('"name": "data"', '"name": 7')], [[0, 0]]),
     "the name of node 0 must be a string, got the number 7"),
    (_graph([V, '{"op": "relu", "name": "r", "inputs": [[0, 0, 0.5]]}'], [[1, 0]]),
     "input 0 of node r: an entry must be"),
    (_graph([V], [[0, int("9" * 50)]]), "Expect number"),
])
def test_malformed_members_are_clear_errors(text, detail):
    assert detail in _error(text)


def test_dtype_attribute_that_is_no_type_code():
    s = mx.sym.load_json(_graph(['{"op": "null", "name": "x", "attrs": {"__dtype__": "abc"}, '
                                 '"inputs": []}'], [[0, 0]], extra=VERSION))
    with pytest.raises(mx.MXNetError) as e:     # MXNet: the same check, at infer_type
        s.infer_type()
    assert "Check failed: is >> rshape[out_ent_id] Invalid attribute __dtype__='abc' of " \
        "variable x" in str(e.value)


def test_binary_symbol_file_is_a_clear_error(tmp_path):
    path = tmp_path / "model.params"
    path.write_bytes(b"\x12\x01\x00\x00\xff\xfe")
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.load(str(path))
    assert "model.params is no symbol file: byte 0xff at offset 4 is not UTF-8" in str(e.value)


def test_written_json_is_strict_and_save_takes_any_name(tmp_path):
    name = 'n"\\\x01\x1f\x7f\udfff\ud800<b>'    # (a NUL ends a name, as in MXNet's C API)
    s = mx.sym.Activation(mx.sym.var(name, attr={'k\x01"': 'v\ud834'}), act_type='relu',
                          name=name + 'r')
    doc = json.loads(s.tojson())        # strict: raw control characters are refused
    assert doc['nodes'][0]['name'] == name and doc['nodes'][0]['attrs'] == {'k\x01"': 'v\ud834'}
    s.save(str(tmp_path / 's.json'))    # no UnicodeEncodeError for the lone surrogates
    back = mx.sym.load(str(tmp_path / 's.json'))
    assert back.tojson() == s.tojson() and back.list_arguments() == [name]


def test_current_version_file_is_not_repaired():
    s = mx.sym.load_json(OK.replace('FooBar', 'FullyConnected'))
    assert (s.list_arguments(), s.list_outputs()) == (['data'], ['fc1_output'])
    with pytest.raises(mx.MXNetError) as e:
        s.infer_shape_partial(data=(2, 3))
    assert core(str(e.value)) == ('MXNetError: Error in operator fc1: Check failed: '
                                  'in_shape->size() == 3U (1 vs. 3) : Input:[data, weight, bias]')


def test_hidden_key_on_current_op_fails():
    text = OK.replace('FooBar', 'FullyConnected').replace('"num_hidden": "4"',
                                                          '"num_hidden": "4", "lr_mult": "2"')
    assert "Cannot find argument 'lr_mult'" in _error(text)


def test_loading_never_executes_code():
    payload = "__import__('os').system('touch /tmp/core_eng_pwned')"
    text = _graph(['{"op": "null", "name": "%s", "inputs": [], "attrs": {"__init__": "%s"}}'
                   % (payload, payload)], [[0, 0]], extra=VERSION)
    s = mx.sym.load_json(text)
    assert s.name == payload and not os.path.exists('/tmp/core_eng_pwned')
    source = open(mx.graph._json.__file__).read()
    for forbidden in ('eval(', 'exec(', 'pickle', 'import json'):
        assert forbidden not in source


# ---------------------------------------------------------------- 6.5 upgrades
LEGACY_FC = '''{"nodes": [
 {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1},
 {"op": "null", "param": {}, "name": "fc_weight", "inputs": [], "backward_source_id": -1,
  "attr": {"lr_mult": "2", "weight_lr_mult": "7"}},
 {"op": "null", "param": {}, "name": "fc_bias", "inputs": [], "backward_source_id": -1},
 {"op": "FullyConnected", "param": {"num_hidden": "4"}, "name": "fc",
  "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1,
  "attr": {"ctx_group": "stage1", "bias_wd_mult": "0", "weight_lr_mult": "3"}}],
 "arg_nodes": [0, 1, 2], "heads": [[3, 0]]}'''


def test_legacy_hidden_key_repair(capfd):
    s = mx.sym.load_json(LEGACY_FC)
    err = capfd.readouterr().err
    assert "Loading symbol saved by previous version v0.8.0. Attempting to upgrade...\n" in err
    assert "Symbol successfully upgraded!\n" in err
    assert [(n['name'], n.get('attrs', {})) for n in json.loads(s.tojson())['nodes']] == [
        ('data', {}),
        ('fc_weight', {'__lr_mult__': '3', 'weight_lr_mult': '7'}),
        ('fc_bias', {'__wd_mult__': '0', 'num_hidden': '4'})
        if False else ('fc_bias', {'__wd_mult__': '0'}),
        ('fc', {'__ctx_group__': 'stage1', 'num_hidden': '4'})]


def test_version_messages(capfd):
    newer = _graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", 20000]}')
    mx.sym.load_json(newer)
    assert capfd.readouterr().err.endswith(
        "Warning: loading symbol saved by MXNet version 20000 with lower version of MXNet "
        "v10901. May cause undefined behavior. Please update MXNet if you encounter any issue\n")
    mx.sym.load_json(_graph([V], [[0, 0]], extra=', "attrs": {"mxnet_version": ["int", 10700]}'))
    assert "previous version v1.7.0. Attempting" in capfd.readouterr().err
    mx.sym.load_json(_graph([V], [[0, 0]], extra=VERSION))
    assert capfd.readouterr().err == ''


LEGACY = '''{"nodes": [
 {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1},
 {"op": "null", "param": {}, "name": "conv1_weight", "inputs": [], "backward_source_id": -1, "attr": {"lr_mult": "2"}},
 {"op": "null", "param": {}, "name": "conv1_bias", "inputs": [], "backward_source_id": -1},
 {"op": "Convolution", "param": {"kernel": "(3,3)", "num_filter": "4", "no_bias": "False"},
  "name": "conv1", "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1,
  "attr": {"ctx_group": "stage1", "bias_wd_mult": "0"}},
 {"op": "null", "param": {}, "name": "bn1_gamma", "inputs": [], "backward_source_id": -1},
 {"op": "null", "param": {}, "name": "bn1_beta", "inputs": [], "backward_source_id": -1},
 {"op": "BatchNorm", "param": {"eps": "0.001", "fix_gamma": "True"}, "name": "bn1",
  "inputs": [[3, 0], [4, 0], [5, 0]], "backward_source_id": -1},
 {"op": "argmax", "param": {"axis": "-1"}, "name": "am", "inputs": [[6, 0]], "backward_source_id": -1}],
 "arg_nodes": [0, 1, 2, 4, 5], "heads": [[7, 0], [6, 0]]}'''  # noqa: E501


@needs("Convolution", "BatchNorm", "argmax")
def test_legacy_spec_example(capfd):
    s = mx.sym.load_json(LEGACY)
    err = capfd.readouterr().err
    assert "Loading symbol saved by previous version v0.8.0. Attempting to upgrade..." in err
    assert "Symbol successfully upgraded!" in err
    assert (s.list_arguments(), s.list_auxiliary_states(), s.list_outputs()) == (
        ['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta'],
        ['bn1_moving_mean', 'bn1_moving_var'], ['am_output', 'bn1_output'])
    assert [(n['name'], n.get('attrs', {}), n['inputs'])
            for n in json.loads(s.tojson())['nodes']] == [
        ('data', {}, []), ('conv1_weight', {'__lr_mult__': '2'}, []),
        ('conv1_bias', {'__wd_mult__': '0'}, []),
        ('conv1', {'__ctx_group__': 'stage1', 'kernel': '(3,3)', 'no_bias': 'False',
                   'num_filter': '4'}, [[0, 0, 0], [1, 0, 0], [2, 0, 0]]),
        ('bn1_gamma', {}, []), ('bn1_beta', {}, []),
        ('bn1_moving_mean', {'__init__': '["zero", {}]', 'eps': '0.001', 'fix_gamma': 'True'},
         []),
        ('bn1_moving_var', {'__init__': '["one", {}]', 'eps': '0.001', 'fix_gamma': 'True'}, []),
        ('bn1', {'eps': '0.001', 'fix_gamma': 'True'},
         [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 0], [7, 0, 0]]),
        ('am', {}, [[8, 0, 0]])]
    assert json.loads(s.tojson())['node_row_ptr'] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12]


def test_legacy_missing_inputs_added(toy_ops):
    text = ('{"nodes": [{"op": "null", "name": "data", "inputs": []}, {"op": "_toy_norm", '
            '"name": "n", "param": {"eps": "0.1"}, "inputs": [[0, 0]]}], "arg_nodes": [0], '
            '"heads": [[1, 0]]}')
    s = mx.sym.load_json(text)
    assert (s.list_arguments(), s.list_auxiliary_states()) == (['data', 'n_gamma'],
                                                              ['n_mean', 'n_var'])
    j = json.loads(s.tojson())
    assert j['nodes'][-1]['inputs'] == [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]]
    assert j['nodes'][2]['attrs'] == {'__init__': '["zero", {}]', 'eps': '0.1'}


# ---------------------------------------------------------------- recorded MXNet files
def _case_ops(path):
    with open(os.path.join(os.path.dirname(path), "meta.json")) as f:
        meta = json.load(f)
    return meta, [o for o in meta["ops"] if mx.ops.get_op(o) is None]


@pytest.mark.parametrize("path", CASES, ids=[p.split("/")[-2] for p in CASES])
def test_oracle_case_roundtrip(path):
    meta, missing = _case_ops(path)
    if missing:
        pytest.skip("operator not registered yet: %s" % missing)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    s = mx.sym.load_json(text)
    if meta["legacy_json"]:
        again = mx.sym.load_json(s.tojson())
        assert again.tojson() == s.tojson()
    else:
        assert s.tojson() == text
    assert s.list_arguments() == meta["arg_names"]
    assert s.list_auxiliary_states() == meta["aux_names"]
    assert s.list_outputs() == meta["output_names"]
    inf = meta.get("infer_shape")
    if inf:
        args, outs, aux = s.infer_shape(**{k: tuple(v) for k, v in inf["inputs"].items()})
        assert args == [tuple(x) for x in inf["arg_shapes"]]
        assert outs == [tuple(x) for x in inf["out_shapes"]]
        assert aux == [tuple(x) for x in inf["aux_shapes"]]
