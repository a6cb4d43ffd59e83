"""mx.init (the deterministic initializers) and mx.mon.Monitor against MXNet 1.9.1."""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

import symnb as mx

from ._replay import dec, load

INIT = load("initializers.json")
MON = load("monitor.json")
D = mx.init.InitDesc

_MAKERS = {
    "msraprelu": lambda: mx.init.MSRAPrelu(), "msraprelu2": lambda: mx.init.MSRAPrelu("in", 0.5),
    "orthogonal": lambda: mx.init.Orthogonal(),
    "orthogonal2": lambda: mx.init.Orthogonal(2.0, "normal"),
    "bilinear": lambda: mx.init.Bilinear(), "lstmbias": lambda: mx.init.LSTMBias(),
    "lstmbias2": lambda: mx.init.LSTMBias(forget_bias=2.5),
    "fused": lambda: mx.init.FusedRNN(mx.init.One(), 3, 2, "lstm", True),
    "fused_none": lambda: mx.init.FusedRNN(None, 4, 1, "gru"),
    "constant_array": lambda: mx.init.Constant(np.array([1.0, 2.0])),
    "zero": lambda: mx.init.create("zeros"), "one": lambda: mx.init.create("ones"),
}


@pytest.mark.parametrize("key", sorted(INIT["dumps"]))
def test_dumps_and_create_round_trip(key):
    init = _MAKERS[key]()
    assert init.dumps() == INIT["dumps"][key]
    assert mx.init.create(init.dumps()).dumps() == INIT["dumps"][key]


@pytest.mark.parametrize("case", INIT["fills"], ids=lambda c: c["name"])
def test_deterministic_fills(case):
    arr = mx.nd.ones(tuple(case["shape"])) * case["value"]
    if case["how"] == "attr" and "global" in case:
        init = mx.init.create(case["init"]["__init__"])
        init._init_weight(D(case["desc"], global_init=mx.init.Constant(case["global"])), arr)
    elif case["how"] == "attr":
        mx.init.Zero()(D(case["desc"], attrs=case["init"]), arr)
    elif case["how"] == "desc":
        mx.init.create(case["init"])(D(case["desc"]), arr)
    else:
        with pytest.warns(DeprecationWarning, match="init\\(str, NDArray\\) has been deprecated"):
            mx.init.create(case["init"])(case["desc"], arr)
    np.testing.assert_allclose(arr.asnumpy(), dec(case["out"]), rtol=1e-6)


def test_fused_rnn_with_global_init_through_attrs():
    # init=None: every piece goes to the global initializer (weights 0.7, biases 0)
    case = next(c for c in INIT["fills"] if c["name"] == "fused-gru-2-False-none")
    arr = mx.nd.ones(tuple(case["shape"])) * 9
    mx.init.Constant(0.7)(D("rnn_parameters", attrs=case["init"]), arr)
    np.testing.assert_allclose(arr.asnumpy(), dec(case["out"]), rtol=1e-6)


def _err(fn):
    try:
        fn()
    except (ValueError, AssertionError, TypeError) as e:
        return "%s: %s" % (type(e).__name__, e)
    return None


def test_mixed_load_and_errors():
    mixed = mx.init.Mixed(["bias$", "gamma", ".*"],
                          [mx.init.Constant(2.0), mx.init.One(), mx.init.Zero()])
    for name, want in INIT["mixed"].items():
        arr = mx.nd.ones((2,)) * 7
        mixed(D(name), arr)
        assert arr.asnumpy().tolist() == want
    params = {"arg:fc_weight": mx.nd.array([[1, 2], [3, 4]]),
              "aux:bn_moving_mean": mx.nd.array([5, 6]), "plain": mx.nd.array([7.0])}
    init = mx.init.Load(params, default_init=mx.init.Constant(3.0))
    for name, want in INIT["load"].items():
        arr = mx.nd.ones(np.array(want).shape) * 9
        init(D(name), arr)
        assert arr.asnumpy().tolist() == want
    errors = INIT["errors"]
    assert _err(lambda: init(D("fc_weight"), mx.nd.ones((3,)))) == errors["load_shape"]
    assert _err(lambda: mx.init.Load(params)(D("nope_weight"), mx.nd.ones((1,)))) == \
        errors["load_missing"]
    assert _err(lambda: mx.init.Mixed(["^a"], [mx.init.One()])(D("b_weight"),
                                                              mx.nd.ones((1,)))) == \
        errors["mixed_nomatch"]
    assert _err(lambda: mx.init.Constant(3.0)(D("bn_moving_mean"), mx.nd.ones((2,)))) == \
        errors["desc_moving_mean"]
    assert [mx.init.Uniform(0.1) == mx.init.Uniform(0.1),
            mx.init.Uniform(0.1) == mx.init.Uniform(0.2),
            mx.init.Uniform(0.1) == mx.init.Normal(0.1)] == INIT["eq"]


def test_verbose_logs(caplog):
    params = {"arg:fc_weight": mx.nd.array([[1, 2], [3, 4]])}
    with caplog.at_level(logging.INFO):
        init = mx.init.Constant(2.0).set_verbosity(True)
        for name in ("fc_weight", "fc_bias"):
            init(D(name), mx.nd.ones((2, 3)))
        init(D("z", attrs={"__init__": mx.init.LSTMBias().dumps()}), mx.nd.ones((4,)))
        mx.init.Load(params, default_init=mx.init.One(), verbose=True)(D("fc_weight"),
                                                                      mx.nd.ones((2, 2)))
        mx.init.Load(params, default_init=mx.init.One(), verbose=True)(D("q_weight"),
                                                                      mx.nd.ones((2, 2)))
    assert [r.getMessage() for r in caplog.records] == INIT["verbose_logs"]


def test_random_initializers_have_the_right_statistics():
    mx.random.seed(0)
    w = mx.nd.zeros((6, 4, 3, 3))
    mx.init.Orthogonal(scale=2.0)(D("c_weight"), w)
    flat = w.asnumpy().reshape(6, -1)
    np.testing.assert_allclose(flat @ flat.T, 4 * np.eye(6), atol=1e-4)
    w = mx.nd.zeros((400, 300))
    mx.init.MSRAPrelu(slope=0.0)(D("fc_weight"), w)
    np.testing.assert_allclose(w.asnumpy().std(), np.sqrt(2.0 / 350), rtol=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mx.init.Zero()(D("fc_weight"), w)  # an InitDesc never warns
    assert not w.asnumpy().any()


def _bind():
    x = mx.sym.var("x")
    fc = mx.sym.FullyConnected(x, num_hidden=3, name="fc")
    net = mx.sym.BatchNorm(mx.sym.relu(fc, name="relu"), name="bn")
    ex = net.simple_bind(mx.cpu(), x=(2, 4))
    for name, arr in zip(net.list_arguments(), ex.arg_arrays):
        arr[:] = dec(MON["inputs"][name])
    for name, arr in zip(net.list_auxiliary_states(), ex.aux_arrays):
        arr[:] = dec(MON["inputs"][name])
    return ex


def _same_toc(actual, expected):
    assert [(n, k) for n, k, _ in actual] == [(n, k) for n, k, _ in expected]
    for (_, _, got), (_, _, want) in zip(actual, expected):
        assert got.endswith("\t") and got.count("\t") == want.count("\t")
        np.testing.assert_allclose([float(v) for v in got.split("\t")[:-1]],
                                   [float(v) for v in want.split("\t")[:-1]], rtol=1e-5)


@pytest.mark.parametrize("run", MON["runs"], ids=lambda r: str(sorted(r["kwargs"].items())))
def test_monitor_matches_mxnet(run):
    ex = _bind()
    mon = mx.mon.Monitor(**run["kwargs"])
    mon.install(ex)
    for want in run["toc"]:
        mon.tic()
        ex.forward(is_train=False)
        _same_toc(mon.toc(), want)


def test_monitor_list_stat_and_toc_print(caplog):
    ex = _bind()
    mon = mx.mon.Monitor(1, stat_func=lambda a: [a.sum(), a.max()], pattern="fc_output")
    mon.install(ex)
    mon.tic()
    ex.forward(is_train=False)
    _same_toc(mon.toc(), MON["list_stat"])
    mon = mx.mon.Monitor(1, pattern="fc.*")
    mon.install(ex)
    with caplog.at_level(logging.INFO):
        mon.tic()
        ex.forward(is_train=False)
        mon.toc_print()
    got = [r.getMessage() for r in caplog.records]
    assert [g[:48] for g in got] == [w[:48] for w in MON["toc_print"]]
