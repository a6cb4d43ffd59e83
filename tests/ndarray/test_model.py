"""Checkpoints: file names, arg:/aux: keys, logging (spec ndarray.md 8.2)."""
import json
import logging
import os

import numpy as np
import pytest

import symnb as mx

from ..conftest import SHARED

nd = mx.nd
FILES = str(SHARED / "spec" / "files")
if not os.path.isdir(FILES):
    FILES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "spec", "files")
pytestmark = pytest.mark.skipif(not os.path.isdir(FILES), reason="spec golden files not found")


def mlp_symbol():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=8, name="fc1")
    bn = mx.sym.BatchNorm(fc1, name="bn1")
    act = mx.sym.Activation(bn, act_type="relu", name="relu1")
    fc2 = mx.sym.FullyConnected(act, num_hidden=3, name="fc2")
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


def mlp_params():
    with open(os.path.join(FILES, "mlp_values.json")) as f:
        values = json.load(f)
    return tuple({k: nd.array(np.array(v, np.float32)) for k, v in values[g].items()}
                 for g in ("arg", "aux"))


def test_save_checkpoint_matches_mxnet_bytes_and_logs(tmp_path, caplog):
    prefix = str(tmp_path / "mlp")
    arg, aux = mlp_params()
    with caplog.at_level(logging.INFO):
        assert mx.model.save_checkpoint(prefix, 1, mlp_symbol(), arg, aux) is None
    assert caplog.messages == ['Saved checkpoint to "%s-0001.params"' % prefix]
    for name in ("mlp-0001.params", "mlp-symbol.json"):
        with open(str(tmp_path / name), "rb") as f, open(os.path.join(FILES, name), "rb") as g:
            assert f.read() == g.read(), name


def test_epoch_formatting_and_cpu_copies(tmp_path):
    prefix = str(tmp_path / "net")
    mx.model.save_checkpoint(prefix, 12345, None, {"w": nd.ones((2,), ctx=mx.cpu(1))}, {})
    assert sorted(os.listdir(tmp_path)) == ["net-12345.params"]
    with open(prefix + "-12345.params", "rb") as f:
        raw = f.read()
    assert raw[48:52] == b"\x00\x00\x00\x00"   # as_in_context(cpu()): recorded as cpu(0)


def test_load_checkpoint_golden():
    sym, arg, aux = mx.model.load_checkpoint(os.path.join(FILES, "mlp"), 1)
    assert list(arg) == ["fc1_weight", "fc1_bias", "bn1_gamma", "bn1_beta", "fc2_weight",
                         "fc2_bias"]
    assert list(aux) == ["bn1_moving_mean", "bn1_moving_var"]
    assert aux["bn1_moving_var"].asnumpy().tolist() == list(range(1, 9))
    assert sym.list_outputs() == ["softmax_output"]
    arg2, aux2 = mx.model.load_params(os.path.join(FILES, "mlp"), 1)
    assert list(arg2) == list(arg) and list(aux2) == list(aux)


def test_load_params_splits_at_first_colon_and_drops_others(tmp_path):
    prefix = str(tmp_path / "p")
    nd.save(prefix + "-0000.params", {"arg:a:b": nd.ones(1), "aux:m": nd.zeros(1),
                                      "other:x": nd.ones(1)})
    arg, aux = mx.model.load_params(prefix, 0)
    assert list(arg) == ["a:b"] and list(aux) == ["m"]


def test_empty_params_file_warns(tmp_path, caplog):
    prefix = str(tmp_path / "e")
    nd.save(prefix + "-0003.params", {})
    with caplog.at_level(logging.WARNING):
        assert mx.model.load_params(prefix, 3) == ({}, {})
    assert caplog.messages == ["Params file '%s-0003.params' is empty" % prefix]
