"""NDArray/executor core against MXNet 1.9.1's recorded facts (``core_facts.json``, made by
``record_core.py`` from the cases in ``_core_cases.py``): zero-size arrays under
``mx.np_shape``, ``take(mode='raise')`` reported on read, numpy functions and scalars on
NDArrays, DLPack, ``pick``, ``group2ctx`` placement, ``mx.nd.CachedOp`` and the
common-subexpression pass behind ``Executor.get_optimized_symbol``."""
from __future__ import annotations

import gc
import json
import os

import numpy as np
import pytest

import symnb as mx
from symnb.base import MXNetError
from symnb.executor._zero_size import PROBE, infer_graph_shapes, infer_op_shapes
from symnb.ops import get_op

from . import _core_cases as cases

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "core_facts.json")) as _f:
    FACTS = json.load(_f)

SECTIONS = {"zero_size": (cases.zero_size, True), "zero_size_bind": (cases.zero_size_bind, True),
            "legacy_zero": (cases.legacy_zero, False),
            "take_raise": (lambda m: cases.read_all(cases.take_raise(m)), False),
            "numpy_interop": (cases.numpy_interop, False), "dlpack": (cases.dlpack, False),
            "pick": (cases.pick, False), "group2ctx": (cases.group2ctx, False),
            "cached_op": (cases.cached_op, False), "cse": (cases.cse, False)}

# Where MXNet 1.9.1 fails on its own bug, symnb gives the result MXNet's semantics define:
# the backward of sum over a zero-size axis (MXNet: "Shape size mismatch 0 v.s. 2") and of
# FullyConnected over an empty batch (MXNet: "Check failed: delay_alloc"): zero gradients
BETTER = {("zero_size_bind", "sum_axis"): {"value": [
    {"NDArray": [2], "dtype": "float32", "values": [0.0, 0.0]},
    {"NDArray": [2, 0], "dtype": "float32", "values": []}]},
    ("zero_size_bind", "fc_backward"): {"value": [
        {"NDArray": [0, 4], "dtype": "float32", "values": []},
        {"NDArray": [4, 3], "dtype": "float32", "values": [0.0] * 12},
        {"NDArray": [4], "dtype": "float32", "values": [0.0] * 4}]}}
# MXNet's engine also keeps "Check failed: delay_alloc" after Flatten/reshape (and the
# flattening FullyConnected) of a zero-size array, raised by the next waitall: an engine
# bug, not reproduced
ENGINE_BUGS = {"flatten_two_zero", "flatten_tail_zero", "reshape_infer", "reshape_keep",
               "fully_connected"}


def _plain(x):
    return json.loads(json.dumps(x))


@pytest.mark.parametrize("section,name", [(s, n) for s in SECTIONS for n in FACTS[s]])
def test_recorded_fact(section, name):
    make, np_shape = SECTIONS[section]
    with mx.np_shape(np_shape):
        fn = make(mx)[name]
        got = _plain(cases.outcome(fn))
        waited = _plain(cases.outcome(mx.nd.waitall))
    want = BETTER.get((section, name), FACTS[section][name])
    assert got == want
    if name not in ENGINE_BUGS:
        assert ("error" in waited) == (name in FACTS[section + "_waitall"])


def test_every_case_is_recorded():
    for section, (make, _) in SECTIONS.items():
        assert set(make(mx)) == set(FACTS[section]), section
    assert FACTS["_meta"]["mxnet"] == "1.9.1"


# ------------------------------------------------------------------ zero-size inference
def test_probe_extrapolates_products_of_zero_dims():
    op = get_op("Flatten")
    ins, outs = [(0, 0, 3)], [None]
    with mx.np_shape(True):
        infer_op_shapes(op, op.parse({}), ins, outs)
    assert outs == [(0, 0)] and ins == [(0, 0, 3)]


def test_probe_keeps_dims_equal_to_the_probe_value():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    c = mx.sym.Concat(a, b, dim=1)
    order, _, _ = c._variables()
    given = {id(order[0]): (2, 0), id(order[1]): (2, PROBE)}
    with mx.np_shape(True):
        assert infer_graph_shapes(order, given)[id(order[-1])] == [(2, PROBE)]


def test_legacy_semantics_keep_zero_as_unknown():
    a = mx.sym.var("a")
    with pytest.raises(MXNetError, match="cannot decide the shape of a from the bound arrays"):
        with mx.np_shape(True):
            arr = mx.nd.ones((0, 3))
        (a * 2).bind(mx.cpu(), {"a": arr})


def test_simple_bind_zero_size_under_np_shape():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    with mx.np_shape(True):
        ex = mx.sym.Concat(a, b, dim=0).simple_bind(mx.cpu(), a=(0, 3), b=(2, 3))
        ex.forward(is_train=True, b=mx.nd.ones((2, 3)))
        ex.backward(mx.nd.ones((2, 3)) * 4)
    assert ex.outputs[0].shape == (2, 3)
    assert ex.grad_dict["a"].shape == (0, 3)
    assert ex.grad_dict["b"].asnumpy().tolist() == [[4.0] * 3] * 2


# ------------------------------------------------------------------ take(mode='raise')
def test_take_raise_error_waits_for_the_read_and_is_an_mxneterror():
    x = mx.nd.array([[1, 2], [3, 4]])
    y = mx.nd.take(x, mx.nd.array([2]), mode="raise")     # no error yet
    assert y.shape == (1, 2)
    with pytest.raises(MXNetError) as info:
        y.wait_to_read()
    assert type(info.value) is MXNetError
    assert str(info.value) == ("MXNetError: Check failed: is_valid: take operator contains "
                               "indices out of bound")
    y.asnumpy()                                            # reported once, as MXNet
    mx.nd.waitall()


def test_take_raise_in_executor_reports_on_outputs():
    a, i = mx.sym.var("a"), mx.sym.var("i")
    ex = mx.sym.take(a, i, mode="raise").bind(
        mx.cpu(), {"a": mx.nd.array([[1, 2], [3, 4]]), "i": mx.nd.array([-1])})
    outs = ex.forward()
    with pytest.raises(MXNetError, match="take operator contains indices out of bound"):
        outs[0].asnumpy()
    mx.nd.waitall()


# ------------------------------------------------------------------ numpy, dlpack
def test_numpy_sees_ndarray_through_a_copy():
    x = mx.nd.array([1.0, 2.0])
    a = np.asarray(x)
    a[0] = 9
    assert x.asnumpy().tolist() == [1.0, 2.0]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="without a copy"):
        np.asarray(x, copy=False)


def test_from_dlpack_keeps_the_producer_alive_and_writable():
    t = np.arange(6, dtype=np.float64)[::2]
    a = mx.nd.from_dlpack(t.__dlpack__())
    del t
    gc.collect()
    a[:] = 3
    assert a.asnumpy().tolist() == [3.0, 3.0, 3.0]
    assert a.dtype == np.float64


def test_dlpack_names_are_in_mxnet_places():
    for name in ("from_dlpack", "to_dlpack_for_read", "to_dlpack_for_write"):
        assert getattr(mx.nd, name) is getattr(mx.nd.ndarray, name)


# ------------------------------------------------------------------ monitor after reshape
def test_reshaped_executor_keeps_the_monitor_callback():
    # MXNet 1.9.1 (checked): Executor.reshape copies the monitor callback and monitor_all,
    # so a Module forward with a new input shape still reports every array
    seen = []
    ex = (mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(2,))
    ex.set_monitor_callback(lambda name, arr: seen.append((name, arr.shape)), monitor_all=True)
    ex.reshape(x=(4,), allow_up_sizing=True).forward()
    assert seen == [(b"x", (4,)), (b"_mulscalar0_input0", (4,)), (b"_mulscalar0_output", (4,))]


def test_module_forward_with_new_shape_reports_to_the_monitor():
    stats = {}
    dshape = (1, 3, 10, 10)
    sym = mx.sym.Convolution(mx.sym.Variable("data", shape=dshape), kernel=(1, 1),
                             num_filter=1, name="conv")
    mod = mx.mod.Module(symbol=sym, label_names=None)
    mod.bind(for_training=False, data_shapes=[("data", dshape)])
    mod.init_params()
    mod._exec_group.execs[0].set_monitor_callback(
        lambda name, arr: stats.setdefault(name.decode(), arr.shape), monitor_all=True)
    batch = mx.io.DataBatch(data=[mx.nd.ones((1, 3, 10, 14))], provide_data=[
        mx.io.DataDesc("data", (1, 3, 10, 14))])
    mod.forward(batch, is_train=False)
    assert stats == {"data": (1, 3, 10, 14), "conv_data": (1, 3, 10, 14),
                     "conv_weight": (1, 3, 1, 1), "conv_bias": (1,),
                     "conv_output": (1, 1, 10, 14)}
