"""Fuzz: executors misused in sequence: bind and simple_bind with bad shapes, dims, dtypes,
contexts and list lengths; forward with bad keyword arrays; backward with bad head
gradients; copy_params_from with unknown names, wrong shapes and NumPy values; reshape with
bad shapes; raising monitor callbacks. A call either succeeds or raises a clean error, and a
failed call changes no argument, gradient, aux state or output."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import symnb as mx

from ._sandbox import Outcomes, example_alarm, report, run_capped

OUTCOMES = Outcomes()
ALLOWED = (mx.MXNetError, ValueError, TypeError, RuntimeError, OverflowError, KeyError)
# raised by MXNet's own Python code in the same place (spec executor.md 7)
PARITY = ((AttributeError, "has no attribute 'copyto'"),
          (AttributeError, "has no attribute 'astype'"))
DIMS = st.integers(1, 4) | st.sampled_from([0, -1, -3, 2**31, 2**32, 2**40, 2.5, 2.0, True,
                                            "2", None, np.int64(3), np.float32(2)])


def _nets():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    mlp = mx.sym.SoftmaxOutput(mx.sym.Activation(fc, act_type="relu"), name="sm")
    bn = mx.sym.BatchNorm(mx.sym.FullyConnected(data, num_hidden=4, name="f2"), name="bn")
    prelu = mx.sym.LeakyReLU(data, act_type="prelu", name="pr")
    reshape = mx.sym.Reshape(data * 2, shape=(0, -1)) + 1
    x = mx.sym.var("x")
    shared = x * x + mx.sym.elemwise_mul(x, data)
    return [(mlp, {"data": (2, 5)}), (bn, {"data": (3, 2)}), (prelu, {"data": (2, 3, 2)}),
            (reshape, {"data": (2, 3, 2)}), (shared, {"data": (2, 2), "x": (2, 2)})]


NETS = _nets()


def _state(ex):
    arrays = list(ex.arg_arrays) + [g for g in ex.grad_arrays or () if g is not None] + \
        list(ex.aux_arrays) + list(ex.outputs)
    return [a.asnumpy().copy() for a in arrays]


def _same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
                                    for x, y in zip(a, b))


def arrays(shape):
    return st.one_of(
        st.just(shape).map(lambda s: mx.nd.ones(s)),
        st.lists(st.integers(1, 4), min_size=1, max_size=3).map(lambda s: mx.nd.ones(tuple(s))),
        st.just(shape).map(lambda s: np.ones(s)),
        st.sampled_from([[1.0, 2.0], 3, None, "x"]),
        st.just(shape).map(lambda s: mx.nd.ones(s, dtype="float64")))


@st.composite
def steps(draw, net, shapes):
    args = net.list_arguments()
    name = st.sampled_from(args + ["zzz"] + net.list_auxiliary_states())
    kind = draw(st.sampled_from(["forward", "backward", "copy", "reshape", "simple_bind",
                                 "bind", "monitor"]))
    if kind == "forward":
        return kind, draw(st.dictionaries(name, arrays((2, 3)), max_size=2)), draw(st.booleans())
    if kind == "backward":
        return kind, draw(st.one_of(st.none(), arrays((2, 3)), st.lists(arrays((2, 3)),
                                                                          max_size=2))), None
    if kind == "copy":
        return kind, (draw(st.dictionaries(name, arrays((3,)), max_size=3)),
                      draw(st.none() | st.dictionaries(name, arrays((4,)), max_size=2)),
                      draw(st.booleans())), None
    if kind in ("reshape", "simple_bind"):
        new = {k: tuple(draw(st.lists(DIMS, min_size=1, max_size=3))) for k in shapes
               if draw(st.booleans())}
        if kind == "simple_bind":
            new["type_dict"] = draw(st.none() | st.dictionaries(
                name, st.sampled_from(["float32", "float64", "abc", True, "bool", np.int32]),
                max_size=1))
            new["grad_req"] = draw(st.sampled_from(["write", "add", "null", "bad", [],
                                                    {"zzz": "write"}]))
        return kind, new, (draw(st.booleans()), draw(st.booleans()))
    if kind == "bind":
        return kind, draw(st.one_of(st.dictionaries(name, arrays((2, 5)), max_size=3),
                                    st.lists(arrays((2, 5)), max_size=3))), None
    return kind, draw(st.sampled_from(["forward", "backward"])), draw(st.booleans())


@st.composite
def sessions(draw):
    net, shapes = draw(st.sampled_from(NETS))
    req = draw(st.sampled_from(["write", "add", "null"]))
    return net, shapes, req, draw(st.lists(steps(net, shapes), min_size=1, max_size=5))


def _run(ex, net, shapes, kind, a, b):
    if kind == "forward":
        return ex.forward(is_train=b, **a)
    if kind == "backward":
        return ex.backward(a)
    if kind == "copy":
        return ex.copy_params_from(*a)
    if kind == "reshape":
        return ex.reshape(partial_shaping=b[0], allow_up_sizing=b[1], **a)
    if kind == "simple_bind":
        shared = {}
        kwargs = dict(a)
        try:
            return net.simple_bind(mx.cpu(), shared_buffer=shared, **kwargs)
        finally:
            assert not shared or all(isinstance(v, mx.nd.NDArray) for v in shared.values())
    if kind == "bind":
        return net.bind(mx.cpu(), a)
    calls = []

    def monitor(name, arr):
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError("monitor failed")

    ex.set_monitor_callback(monitor, monitor_all=b)
    try:
        if a == "forward":
            return ex.forward(is_train=True)
        ex.forward(is_train=True)
        return ex.backward([mx.nd.ones(o.shape) for o in ex.outputs])
    finally:
        ex.set_monitor_callback(None)
        ex._monitor = None


@given(sessions())
def _executor_property(session):
    example_alarm()
    net, shapes, req, todo = session
    ex = net.simple_bind(mx.cpu(), grad_req=req, **shapes)
    for arr in ex.arg_arrays:
        arr[:] = np.random.default_rng(0).uniform(-1, 1, arr.shape)
    for kind, a, b in todo:
        OUTCOMES["inputs"] += 1
        before = _state(ex)
        what = "%s(%r, %r) on %s" % (kind, a, b, net.list_outputs())
        try:
            _run(ex, net, shapes, kind, a, b)
        except Exception as e:           # noqa: BLE001 -- judged
            OUTCOMES.judge(e, ALLOWED, what, parity=PARITY)
            assert _same(before, _state(ex)), "half-changed: %s failed but changed state" % what
        else:
            OUTCOMES["accepted"] += 1


def _family():
    import contextlib
    import io
    with contextlib.redirect_stderr(io.StringIO()):     # the monitor errors MXNet prints
        _executor_property()
    return dict(OUTCOMES)


def test_misused_executors_fail_cleanly_and_change_nothing():
    outcomes = run_capped(_family)
    report("executor", outcomes)
    assert outcomes["inputs"] > 0 and outcomes.get("clean errors", 0) > 0
