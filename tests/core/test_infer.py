"""Spec symbol.md section 5: shape and type inference."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import symnb as mx

from .conftest import core, needs

F32 = np.float32


def fc_net(num_hidden=128):
    data = mx.sym.Variable('data')
    fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=num_hidden)
    act = mx.sym.Activation(fc1, name='relu1', act_type='relu')
    fc2 = mx.sym.FullyConnected(act, name='fc2', num_hidden=10)
    return data, fc1, fc2


def mlp():
    data, fc1, fc2 = fc_net()
    return data, fc1, mx.sym.SoftmaxOutput(fc2, name='softmax')


def catch(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        result = fn()
    return result, w


# ---------------------------------------------------------------- 5.1 forms and results
@needs("SoftmaxOutput")
def test_mlp_spec_example():
    data, fc1, out = mlp()
    assert out.infer_shape(data=(100, 784)) == (
        [(100, 784), (128, 784), (128,), (10, 128), (10,), (100,)], [(100, 10)], [])
    assert out.infer_shape(data=(100, 1, 28, 28))[0][:2] == [(100, 1, 28, 28), (128, 784)]
    result, w = catch(lambda: out.infer_shape(data=(0, 784)))
    assert result == (None, None, None)
    assert w[0].category is UserWarning
    assert str(w[0].message) == (
        "Cannot decide shape for the following arguments (0s in shape means unknown "
        "dimensions). Consider providing them as input:\n\tdata: (0, 784)\n"
        "\tsoftmax_label: (0,)")
    assert out.infer_shape_partial(data=(0, 784)) == (
        [(0, 784), (128, 784), (128,), (10, 128), (10,), (0,)], [(0, 10)], [])
    assert out.infer_shape_partial() == ([(), (), (), (), (), ()], [()], [])
    assert out.infer_shape_partial(fc1_weight=(128, 784)) == \
        ([(), (128, 784), (), (), (), ()], [()], [])
    assert out.infer_shape_partial(softmax_label=(100,)) == \
        ([(), (), (), (), (), (100,)], [()], [])
    assert mx.sym.Group([fc1, out]).infer_shape(data=(5, 6))[1] == [(5, 128), (5, 10)]


def test_fc_chain():
    data, fc1, fc2 = fc_net()
    assert fc2.infer_shape(data=(100, 784)) == (
        [(100, 784), (128, 784), (128,), (10, 128), (10,)], [(100, 10)], [])
    assert fc2.infer_shape(data=np.array([100, 784])[[0, 1]].tolist() and (100, 784))[1] == \
        [(100, 10)]
    assert fc2.infer_shape(data=(np.int64(3), np.int32(4)))[1] == [(3, 10)]
    result, w = catch(lambda: fc2.infer_shape(data=(-1, 784)))
    assert result == (None, None, None) and '\tdata: (0, 784)' in str(w[0].message)
    assert mx.sym.Group([fc1, fc2]).infer_shape(data=(5, 6))[1] == [(5, 128), (5, 10)]
    assert fc1.infer_shape(data=(2, 3, 4))[0][1] == (128, 12)


@pytest.mark.xfail(mx.sym.FullyConnected(num_hidden=1).infer_shape_partial()[0][2] != (),
                   reason="ops/nn.py FullyConnected fills the bias shape before data is known; "
                          "MXNet's rule returns early without data (spec 5.1 example)")
def test_fc_rule_needs_data_first():
    data, fc1, fc2 = fc_net()
    assert fc2.infer_shape_partial() == ([(), (), (), (), ()], [()], [])
    assert fc2.infer_shape_partial(fc1_weight=(128, 784)) == \
        ([(), (128, 784), (), (), ()], [()], [])


def test_warning_points_at_caller():
    data, fc1, fc2 = fc_net()
    _, w = catch(lambda: fc2.infer_shape())
    assert w[0].filename == __file__
    _, w = catch(lambda: fc2.infer_type())
    assert w[0].filename == __file__


def test_warning_truncates_after_ten_arguments():
    s = mx.sym.var('v0')
    for i in range(1, 12):
        s = s + mx.sym.var('v%d' % i)
    result, w = catch(lambda: s.infer_shape())
    lines = str(w[0].message).split('\n')
    assert result == (None, None, None)
    assert lines[1:] == ['\tv%d: ()' % i for i in range(10)] + ['\t...']


def test_elementwise_both_directions():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    assert ((a + b).infer_shape(a=(2, 3)), (a + b).infer_shape_partial(a=(2, 0), b=(0, 3))) == \
        (([(2, 3), (2, 3)], [(2, 3)], []), ([(2, 3), (2, 3)], [(2, 3)], []))
    assert mx.sym.broadcast_add(a, b).infer_shape_partial(a=(2, 3)) == \
        ([(2, 3), ()], [()], [])
    # a known output flows back into the inputs of an elementwise op
    c = (a + b) * mx.sym.var('c', shape=(4, 5))
    assert c.infer_shape() == ([(4, 5), (4, 5), (4, 5)], [(4, 5)], [])


def test_no_information_uses_shape_attrs_only():
    a = mx.sym.var('a', shape=(2, 3))
    assert (a * mx.sym.var('b')).infer_shape() == ([(2, 3), (2, 3)], [(2, 3)], [])


@needs("BatchNorm")
def test_batchnorm_aux_shapes():
    bn = mx.sym.BatchNorm(mx.sym.var('data'), name='bn')
    assert bn.infer_shape(data=(2, 3, 4, 4)) == (
        [(2, 3, 4, 4), (3,), (3,)], [(2, 3, 4, 4)], [(3,), (3,)])
    assert bn.infer_shape(data=(2, 3, 4, 4), bn_gamma=(4,))[0][1] == (3,)
    assert bn.infer_shape(data=(2, 3, 4, 4), bn_moving_mean=(3,))[2] == [(3,), (3,)]


def test_keyword_value_errors():
    data, fc1, fc2 = fc_net()
    for bad, typ in (([100, 784], "<class 'list'>"), (100, "<class 'int'>"),
                     (None, "<class 'NoneType'>")):
        with pytest.raises(TypeError) as e:
            fc1.infer_shape(data=bad)
        assert str(e.value) == "Arguments need to be shapes (tuple), but 'data' is %s." % typ
    with pytest.raises(TypeError) as e:
        fc1.infer_shape(data=(2.0, 3))
    assert str(e.value) == "'float' object cannot be interpreted as an integer"


def test_mixing_positional_and_keyword():
    data, fc1, _ = fc_net()
    with pytest.raises(ValueError) as e:
        fc1.infer_shape((1, 2), data=(1, 2))
    assert str(e.value) == ("Can only specify known argument                     shapes either "
                            "by positional or kwargs way.")
    with pytest.raises(ValueError) as e:
        fc1.infer_type_partial('float32', data='float32')
    assert str(e.value) == ("Can only specify known argument                     types either "
                            "by positional or kwargs way.")


def test_unknown_keyword():
    data, fc1, _ = fc_net(10)
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_shape(data=(2, 3), foo=(1, 2))
    assert str(e.value).endswith(
        "MXNetError: InferShapeKeyword argument name foo not found.\nCandidate arguments:\n"
        "\t[0]data\n\t[1]fc1_weight\n\t[2]fc1_bias\n\n")
    assert e.value.__notes__ == ["infer_shape error. Arguments:\n  data: (2, 3)\n  foo: (1, 2)"]
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_type_partial(foo='float32')
    assert "MXNetError: InferTypeKeyword argument name foo not found." in str(e.value)


@needs("BatchNorm")
def test_unknown_keyword_lists_aux_too():
    bn = mx.sym.BatchNorm(mx.sym.var('data'), name='bn')
    with pytest.raises(mx.MXNetError) as e:
        bn.infer_shape(foo=(1,))
    assert str(e.value).endswith("\t[3]bn_moving_mean\n\t[4]bn_moving_var\n\n")


def test_positional_semantics():
    # symnb implements MXNet's documented positional form (1.9.1 itself crashes, spec 5.1)
    data, fc1, fc2 = fc_net(10)
    assert fc1.infer_shape((100, 784)) == ([(100, 784), (10, 784), (10,)], [(100, 10)], [])
    assert fc1.infer_shape_partial(None, (10, 784)) == \
        ([(), (10, 784), ()], [()], [])
    assert fc1.infer_type('float64') == ([np.float64] * 3, [np.float64], [])
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_shape((1,), (1,), (1,), (1,))
    assert core(str(e.value)).endswith("Check failed: num_args <= read_only_args.size() "
                                       "(4 vs. 3)")
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_shape((2, 3), (5, 3))
    assert e.value.__notes__ == ["infer_shape error. Arguments:\n  #0: (2, 3)\n  #1: (5, 3)"]


def test_keyword_overrides_attribute():
    x = mx.sym.var('x', shape=(2, 3), dtype='float16')
    assert x.infer_shape(x=(4, 5))[1] == [(4, 5)]
    assert x.infer_type(x='float32')[1] == [F32]


# ---------------------------------------------------------------- 5.2 types
@needs("SoftmaxOutput")
def test_types_spec_example():
    data = mx.sym.Variable('data')
    out = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, name='fc1', num_hidden=8),
                               name='softmax')
    assert out.infer_type(data='float16') == ([np.float16] * 4, [np.float16], [])
    assert (out.infer_type(data=None)[1], out.infer_type_partial(),
            out.infer_type_partial(fc1_weight=np.float64)[1]) == (
        [np.float64], ([None, None, None, None], [None], []), [np.float64])
    result, w = catch(lambda: out.infer_type(data='int16'))
    assert result == (None, None, None)
    assert str(w[0].message) == (
        "Cannot decide type for the following arguments. Consider providing them as input:\n"
        "\tdata: None\n\tfc1_weight: None\n\tfc1_bias: None\n\tsoftmax_label: None")


def test_types_fc():
    data, fc1, _ = fc_net(8)
    assert fc1.infer_type(data='float16') == ([np.float16] * 3, [np.float16], [])
    assert fc1.infer_type(data=None)[1] == [np.float64]
    assert fc1.infer_type(data=np.dtype('float64'))[1] == [np.float64]
    assert fc1.infer_type_partial() == ([None, None, None], [None], [])
    assert fc1.infer_type_partial(fc1_weight=np.float64)[1] == [np.float64]
    result, w = catch(lambda: fc1.infer_type(data='int16'))
    assert result == (None, None, None)
    assert str(w[0].message).endswith("\n\tdata: None\n\tfc1_weight: None\n\tfc1_bias: None")
    with pytest.raises(TypeError, match="data type 'foo' not understood"):
        fc1.infer_type(data='foo')


@needs("Cast", "BatchNorm")
def test_type_exceptions():
    data = mx.sym.var('data')
    assert mx.sym.Cast(data, dtype='int32').infer_type_partial() == ([None], [np.int32], [])
    assert mx.sym.BatchNorm(data, name='bn').infer_type(data='float16') == (
        [np.float16, F32, F32], [np.float16], [F32, F32])


# ---------------------------------------------------------------- 5.3 errors
def test_fc_errors():
    data, fc1, _ = fc_net(10)
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_shape(data=(2, 3), fc1_weight=(5, 3))
    assert str(e.value) == ("MXNetError: Error in operator fc1: Shape inconsistent, Provided = "
                            "[5,3], inferred shape=(10,3)")
    assert e.value.__notes__ == [
        "infer_shape error. Arguments:\n  data: (2, 3)\n  fc1_weight: (5, 3)"]
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_shape_partial(data=(2, 3), fc1_weight=(5, 3))
    assert str(e.value) == ("MXNetError: Error in operator fc1: Shape inconsistent, Provided = "
                            "[5,3], inferred shape=(10,3)")
    assert not getattr(e.value, '__notes__', None)
    fc64 = mx.sym.FullyConnected(data, name='fc1', num_hidden=10)
    with pytest.raises(mx.MXNetError) as e:
        fc64.infer_shape(data=(2, 3), fc1_bias=(64,))
    assert core(str(e.value)) == ("MXNetError: Error in operator fc1: Unexpected shape for bias "
                                  "[64]")
    with pytest.raises(mx.MXNetError) as e:
        fc64.infer_shape_partial(data=(100, 0))
    assert core(str(e.value)) == (
        "MXNetError: Error in operator fc1: Check failed: dim_size_is_known(d[i]): Shape dim "
        "size must be known, while received -1")
    with pytest.raises(mx.MXNetError) as e:
        fc1.infer_type(data='float32', fc1_weight='float64')
    assert core(str(e.value)) == (
        "MXNetError: Error in operator fc1: Check failed: assign(&dattr, vec.at(i)): "
        "Incompatible attr in node fc1 at 1-th input: expected float32, got float64")
    assert e.value.__notes__ == [
        "infer_type error. Arguments:\n  data: float32\n  fc1_weight: float64"]


def test_error_does_not_print(capsys):
    data, fc1, _ = fc_net(10)
    with pytest.raises(mx.MXNetError):
        fc1.infer_shape(data=(2, 3), fc1_weight=(5, 3))
    assert capsys.readouterr() == ('', '')


def test_binary_errors():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    with pytest.raises(mx.MXNetError) as e:
        (a + b).infer_shape(a=(2, 3), b=(3, 2))
    assert core(str(e.value)) == (
        "MXNetError: Error in operator _plus0: Check failed: assign(&dattr, vec.at(i)): "
        "Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [3,2]")
    with pytest.raises(mx.MXNetError) as e:
        mx.sym.broadcast_add(a, b).infer_shape(a=(2, 3), b=(4, 3))
    assert core(str(e.value)) == (
        "MXNetError: Error in operator broadcast_add0: Check failed: l == 1 || r == 1: operands "
        "could not be broadcast together with shapes [2,3] [4,3]")


CASES = [
    # (ops needed, build, kwargs, message core after "Error in operator <name>: ")
    (("Convolution",),
     lambda d: mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, name='conv1'),
     dict(data=(1, 2, 5, 5), conv1_weight=(4, 3, 3, 3)),
     "conv1: Shape inconsistent, Provided = [4,3,3,3], inferred shape=(4,2,3,3)"),
    (("Convolution",),
     lambda d: mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, name='conv1'),
     dict(data=(1, 2, 5)),
     "conv1: Check failed: dshp.ndim() == 4U (3 vs. 4) : Input data should be 4D in "
     "batch-num_filter-y-x"),
    (("Convolution",),
     lambda d: mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, name='conv1'),
     dict(data=(1, 2, 2, 2)),
     "conv1: Check failed: dilated_ksize_y <= AddPad(dshape[2], param_.pad[0]) (3 vs. 2) : "
     "kernel size exceed input"),
    (("SoftmaxOutput",), lambda d: mx.sym.SoftmaxOutput(d, name='sm'),
     dict(data=(4, 3), sm_label=(5,)),
     "sm: Shape inconsistent, Provided = [5], inferred shape=[4]"),
    (("Concat",), lambda d: mx.sym.Concat(d, mx.sym.var('e'), dim=1, name='cat'),
     dict(data=(2, 3), e=(3, 3)),
     "cat: Check failed: shape_assign(&(*in_shape)[i], dshape): Incompatible input shape: "
     "expected [2,-1], got [3,3]"),
    (("dot",), lambda d: mx.sym.dot(d, mx.sym.var('e'), name='dt'), dict(data=(2, 3), e=(4, 5)),
     "dt: Check failed: L[!Ta].Size() == R[Tb].Size() (3 vs. 4) : dot shape error: [2,3] X "
     "[4,5]"),
]


@pytest.mark.parametrize("ops,build,kwargs,message", CASES)
def test_operator_shape_errors(ops, build, kwargs, message):
    missing = [n for n in ops if mx.ops.get_op(n) is None]
    if missing:
        pytest.skip("operator not registered yet: %s" % missing)
    with pytest.raises(mx.MXNetError) as e:
        build(mx.sym.var('data')).infer_shape(**kwargs)
    assert core(str(e.value)) == "MXNetError: Error in operator " + message


TYPE_CASES = [
    (("SoftmaxOutput",), lambda d: mx.sym.SoftmaxOutput(d, name='softmax'),
     dict(data='float32', softmax_label='int32'),
     "softmax: Check failed: (*in_type)[i] == dtype (4 vs. 0) : This layer requires uniform "
     "type. Expected 'float32' v.s. given 'int32' at 'label'"),
    (("BatchNorm",), lambda d: mx.sym.BatchNorm(d, name='bn'),
     dict(data='float32', bn_moving_mean='float64'),
     "bn: Check failed: (*in_type)[i] == dtype_param (1 vs. 0) : This layer requires uniform "
     "type. Expected 'float32' v.s. given 'float64' at 'mean'"),
    (("Embedding",), lambda d: mx.sym.Embedding(d, input_dim=4, output_dim=2, name='emb'),
     dict(), "emb: Check failed: itype != -1 (-1 vs. -1) : First input must have specified "
     "type"),
]


@pytest.mark.parametrize("ops,build,kwargs,message", TYPE_CASES)
def test_operator_type_errors(ops, build, kwargs, message):
    missing = [n for n in ops if mx.ops.get_op(n) is None]
    if missing:
        pytest.skip("operator not registered yet: %s" % missing)
    with pytest.raises(mx.MXNetError) as e:
        build(mx.sym.var('data')).infer_type(**kwargs)
    assert core(str(e.value)) == "MXNetError: Error in operator " + message


@needs("Convolution")
def test_shape_param_bare_int():
    d = mx.sym.var('d')
    assert mx.sym.Convolution(d, kernel=3, num_filter=2, name='c').infer_shape(
        d=(1, 1, 5))[1] == [(1, 2, 3)]
