"""The shape-conflict explanation reads the inference engine itself, so mx.np_shape does not
change which edge is blamed."""
import pytest

import symnb as mx
from symnb.base import MXNetError
from symnb.notebook._conflict import find_conflict


@pytest.mark.parametrize("np_mode", [False, True])
def test_conflict_names_the_provided_shape(np_mode):
    data = mx.sym.var("data")
    w = mx.sym.var("fc1_weight", shape=(10, 100))
    fc1 = mx.sym.FullyConnected(data, weight=w, num_hidden=10, name="fc1")
    with mx.np_shape(np_mode):
        with pytest.raises(MXNetError) as info:
            fc1.infer_shape_partial(data=(100, 200))
        conflict = find_conflict(fc1, {"data": (100, 200)}, info.value)
    assert (conflict.operator, conflict.variable) == ("fc1", "fc1_weight")
    assert conflict.provided == (10, 100) and conflict.inferred == (10, 200)
    assert conflict.describe() == ("shape conflict on fc1_weight -> fc1: provided (10, 100) "
                                   "vs inferred (10, 200)")
