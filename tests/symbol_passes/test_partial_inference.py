"""Partial shape and type inference as MXNet 1.9.1 runs it: which rules work both ways and
which only forward, and which operators refuse an unknown input type. Each fact was checked
in the benchmark venv's MXNet (the random graph cases found the first ones)."""
import warnings

import pytest

import symnb as mx
from symnb.base import MXNetError

x, z = mx.sym.var("x"), mx.sym.var("z")
S = mx.sym


@pytest.mark.parametrize("make,shape,dtype", [
    (lambda: S.softmax(x), None, None),                       # SoftmaxOpShape: a copy
    (lambda: S.log_softmax(x), (2, 3, 1, 1), None),           # ElemwiseShape, type forward
    (lambda: S.softmin(x), (2, 3, 1, 1), None),
    (lambda: S.softmax(x, dtype="float64"), None, "float64"),  # the dtype parameter flows back
    (lambda: S.relu(x), (2, 3, 1, 1), "float64"),
    (lambda: S.SwapAxis(x, dim1=0, dim2=1), None, MXNetError),
    (lambda: S.MakeLoss(x), None, MXNetError),                # a legacy forward-only rule
    (lambda: S.Dropout(x), None, MXNetError),
    (lambda: S.LRN(x, nsize=3), None, MXNetError),
    (lambda: S.Cast(x, dtype="float64"), (2, 3, 1, 1), None),
    (lambda: S.reverse(x, axis=0), (2, 3, 1, 1), "float64"),
])
def test_what_flows_back_from_a_known_neighbour(make, shape, dtype):
    y = make() + z
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = y.infer_shape_partial(z=(2, 3, 1, 1))[0][0]
    assert got == (shape or ())
    if dtype is MXNetError:
        with pytest.raises(MXNetError, match="Error in operator .*: .*(must have specified "
                                             "type|is not specified)"):
            y.infer_type(z="float64")
        return
    types = y.infer_type(z="float64")[0]
    assert (None if types is None else types[0].__name__) == dtype


@pytest.mark.parametrize("make,message", [
    (lambda: S.SwapAxis(x), "Check failed: dtype != -1 (-1 vs. -1) : Input must have "
                            "specified type"),
    (lambda: S.UpSampling(x, scale=2, sample_type="nearest"),
     "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"),
    (lambda: S.Pooling_v1(x, kernel=(1, 1)), "Input type to pooling is not specified."),
    (lambda: S.GridGenerator(x, transform_type="affine", target_shape=(1, 1)),
     "Not enough information to infer type in GridGenerator."),
])
def test_unknown_input_types_are_refused_with_mxnets_text(make, message):
    with pytest.raises(MXNetError) as info:
        make().infer_type()
    assert str(info.value).endswith(": " + message)


def test_known_types_pass_and_softmaxoutput_waits():
    assert S.SwapAxis(x).infer_type(x="float32")[1][0].__name__ == "float32"
    assert S.SoftmaxOutput(x).infer_type() == (None, None, None)
    # a bind fills every argument with float32 first, so those checks never fire there
    ex = S.SwapAxis(x, dim1=0, dim2=1).simple_bind(mx.cpu(), x=(2, 3))
    assert ex.outputs[0].shape == (3, 2)


def test_concat_of_unknown_inputs_contradicts_a_known_output():
    # MXNet sums the sizes of no known input, 0, and the known output then disagrees
    a, b = mx.sym.var("a"), mx.sym.var("b")
    y = mx.sym.Concat(a, b, dim=1) + z
    with pytest.raises(MXNetError, match=r"Incompatible output shape: expected \[4,0\], "
                                         r"got \[4,8\]$"):
        y.infer_shape_partial(z=(4, 8))
    assert mx.sym.Concat(a, b, dim=1).infer_shape_partial(a=(4, 3))[0] == [(4, 3), (4, 0)]
