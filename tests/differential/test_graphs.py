"""Replay the random graphs recorded from MXNet 1.9.1 (``graphs.py``) through symnb, with the
oracle's own harness (``../shared/oracle/check.py``: names, infer_shape, bind or
simple_bind, steps of forward/backward, aux states, inference, arguments left unchanged)."""
import importlib.util
import json
import os

import pytest

from symnb.ops import _onednn
from tests.conftest import shared_path

from . import graphs

CASES = sorted(d for d in os.listdir(graphs.CASES)) if os.path.isdir(graphs.CASES) else []


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("oracle_check",
                                                  shared_path("oracle", "check.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_graph_cases_are_recorded():
    assert len(CASES) >= 840
    seeds = [int(name.split("_")[1]) for name in CASES]
    assert sum(graphs.MORE_FROM <= s < graphs.CONFIG_FROM for s in seeds) >= 150
    assert sum(s >= graphs.CONFIG_FROM for s in seeds) >= 190       # one operator, drawn params


@pytest.mark.parametrize("name", CASES)
def test_graph_matches_mxnet(check, name):
    cdir = os.path.join(graphs.CASES, name)
    with open(os.path.join(cdir, "meta.json")) as f:
        meta = json.load(f)
    actual, problems = check.run_case(check.symnb_engine(), cdir, meta)
    ok, _, _, _, messages = check.compare(actual, cdir, meta)
    assert not problems and ok, "%s: %s" % (meta["description"], problems + messages)


def _with_onednn_layers(name):
    with open(os.path.join(graphs.CASES, name, "symbol.json")) as f:
        text = f.read()
    return any('"op": "%s"' % op in text
               for op in ("Convolution", "Pooling", "BatchNorm", "Activation"))


ONEDNN_CASES = [name for name in CASES if _with_onednn_layers(name)]


@pytest.mark.skipif(not _onednn.available(), reason="oneDNN is not installed")
@pytest.mark.parametrize("name", ONEDNN_CASES)
def test_graph_matches_mxnet_with_onednn_layers(check, name):
    """The same replay with BatchNorm, pooling and the activations in oneDNN even where the
    graph has no convolution to make its plan a oneDNN plan (``onednn_plan``)."""
    cdir = os.path.join(graphs.CASES, name)
    with open(os.path.join(cdir, "meta.json")) as f:
        meta = json.load(f)
    with _onednn.onednn_plan():
        actual, problems = check.run_case(check.symnb_engine(), cdir, meta)
    ok, _, _, _, messages = check.compare(actual, cdir, meta)
    assert not problems and ok, "%s: %s" % (meta["description"], problems + messages)


@pytest.mark.parametrize("name", CASES)
def test_graph_composes_to_mxnets_json_text(name):
    """The same Python calls give MXNet's auto-names, node order and attribute text."""
    import symnb as mx
    with open(os.path.join(graphs.CASES, name, "meta.json")) as f:
        spec = json.load(f)["spec"]
    with open(os.path.join(graphs.CASES, name, "symbol.json")) as f:
        want = f.read()
    assert graphs.build_named(mx, spec).tojson() == want


def test_graphs_are_drawn_the_same_way_each_time():
    for seed in (0, 7, 123):
        assert graphs.draw(seed) == graphs.draw(seed)
    with open(os.path.join(graphs.CASES, CASES[5], "meta.json")) as f:
        recorded = json.load(f)["spec"]
    assert json.loads(json.dumps(graphs.draw(recorded["seed"]))) == recorded


@pytest.mark.parametrize("name", CASES)
def test_graph_bound_without_gradients_infers_as_mxnet(name):
    """Each graph bound for inference alone (``grad_req='null'``: entries share memory as
    their readers finish, convolutions fuse) gives MXNet's inference outputs, from the
    recorded arguments and the aux states as its training steps left them."""
    import numpy as np

    import symnb as mx
    cdir = os.path.join(graphs.CASES, name)
    with open(os.path.join(cdir, "meta.json")) as f:
        meta = json.load(f)
    with np.load(os.path.join(cdir, "inputs.npz")) as z:
        inputs = {k: z[k] for k in z.files}
    with np.load(os.path.join(cdir, "expected.npz")) as z:
        expected = {k: z[k] for k in z.files}
    if "infer_output:0" not in expected:
        pytest.skip("MXNet recorded no inference run")
    with open(os.path.join(cdir, "symbol.json")) as f:
        sym = mx.sym.load_json(f.read())
    aux = {n: expected.get("aux:" + n, inputs[n]) for n in meta["aux_names"]}
    exe = sym.bind(mx.cpu(), args={n: mx.nd.array(inputs[n], dtype=inputs[n].dtype)
                                   for n in meta["arg_names"]},
                   aux_states={n: mx.nd.array(a, dtype=a.dtype) for n, a in aux.items()},
                   grad_req="null")
    for _ in range(2):                  # the second run reads what the first left
        outputs = [o.asnumpy() for o in exe.forward(is_train=False)]
        for i, got in enumerate(outputs):
            want = expected["infer_output:%d" % i]
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_allclose(got, want, rtol=float(meta["rtol"]),
                                       atol=float(meta["atol"]), err_msg="%s output %d: %s"
                                       % (name, i, meta["description"]))
