"""Replay the model-zoo graphs recorded from MXNet 1.9.1 (``data/``) through symnb.

Per net (Gluon's model zoo and ``example/image-classification`` symbols): ``load_json`` of
MXNet's text, argument/aux/output names, ``infer_shape`` and ``infer_type`` for the net's
standard input, and ``tojson()`` giving MXNet's text back byte for byte. For a few small nets
(marked ``slow``, still in the default run) the forward outputs, and for LeNet and ResNet-18 v1
one training step's gradients and BatchNorm moving statistics, are compared with MXNet's,
so convolution, pooling, BatchNorm, Concat and friends are checked at network scale.

Re-record with ``record.py`` (needs MXNet 1.9.1); no MXNet is needed here.
"""
from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from _values import run_values  # noqa: E402

NETS = sorted(p.name[:-len("-meta.json")] for p in DATA.glob("*-meta.json"))
VALUE_NETS = [n for n in NETS if (DATA / (n + "-values.npz")).exists()]

# float32 through dozens of layers, MKLDNN (MXNet) vs NumPy BLAS (symnb): relative 1e-4,
# absolute 1e-4 of the array's largest magnitude (outputs reach ~70 with random weights).
RTOL, ATOL = 1e-4, 1e-4
# float64 twins of a training step (``train64`` in a value spec): NumPy and MXNet's float64
# kernels agree to ~1e-14 of the scale. The float32 ResNet-18 gradients are ill-conditioned:
# OpenBLAS's Haswell and SkylakeX sgemm kernels alone move them by ~1e-2 of their scale.
RTOL64, ATOL64 = 1e-10, 1e-10


def _twin(key: str) -> str:
    """The float64 twin of a value key: ``grad:x`` -> ``grad64:x`` (a 64 key is its own)."""
    kind, _, rest = key.partition(":")
    return key if kind.endswith("64") else "%s64:%s" % (kind, rest)

# Divergences in modules this suite's owner cannot fix: "<net>" or "<net>:<key>" -> cause.
XFAIL: dict[str, str] = {}


def _xfail(*keys):
    for key in keys:
        if key in XFAIL:
            pytest.xfail(XFAIL[key])


def _meta(name):
    with open(DATA / (name + "-meta.json")) as f:
        return json.load(f)


def _text(name):
    with open(DATA / (name + "-symbol.json"), encoding="utf-8") as f:
        return f.read()


def _load(name):
    return mx.sym.load_json(_text(name))


def _shapes(shapes):
    return [tuple(s) for s in shapes]


def test_recorded_nets_present():
    """The recording covers both sources; a missing data folder must not pass silently."""
    sources = {_meta(n)["source"] for n in NETS}
    assert sources == {"gluon", "example"} and len(NETS) >= 25, NETS
    assert {"gluon-resnet18_v1", "example-lenet"} <= set(VALUE_NETS)


@pytest.mark.parametrize("name", NETS)
def test_names(name):
    _xfail(name)
    meta, sym = _meta(name), _load(name)
    assert sym.list_arguments() == meta["arguments"]
    assert sym.list_auxiliary_states() == meta["aux"]
    assert sym.list_outputs() == meta["outputs"]


@pytest.mark.parametrize("name", NETS)
def test_tojson_round_trip(name):
    """symnb writes MXNet's text back byte for byte, also after a second load."""
    _xfail(name)
    text = _text(name)
    out = _load(name).tojson()
    assert out == text
    assert mx.sym.load_json(out).tojson() == text


@pytest.mark.parametrize("name", [n for n in NETS if _meta(n).get("export_checked")])
def test_save_writes_exported_file(name, tmp_path):
    """``mx.sym.load`` of the file Gluon's ``export`` writes, saved again, is the same file."""
    path = tmp_path / "net-symbol.json"
    mx.sym.load(str(DATA / (name + "-symbol.json"))).save(str(path))
    assert path.read_text(encoding="utf-8") == _text(name)


@pytest.mark.parametrize("name", NETS)
def test_infer_shape(name):
    _xfail(name)
    meta, sym = _meta(name), _load(name)
    arg, out, aux = sym.infer_shape(**{k: tuple(v) for k, v in meta["shapes"].items()})
    assert _shapes(arg) == _shapes(meta["arg_shapes"])
    assert _shapes(out) == _shapes(meta["out_shapes"])
    assert _shapes(aux) == _shapes(meta["aux_shapes"])


@pytest.mark.parametrize("name", NETS)
def test_infer_type(name):
    _xfail(name)
    meta, sym = _meta(name), _load(name)
    arg, out, aux = sym.infer_type(data="float32")
    assert [np.dtype(t).name for t in arg] == meta["arg_types"]
    assert [np.dtype(t).name for t in out] == meta["out_types"]
    assert [np.dtype(t).name for t in aux] == meta["aux_types"]


@pytest.mark.slow
@pytest.mark.parametrize("name", VALUE_NETS)
def test_values(name, ctx):
    """Forward (inference, training), gradients and aux states against MXNet's (cpu)."""
    _xfail(name)
    spec = _meta(name)["values"]
    with np.load(DATA / (name + "-values.npz")) as z:
        want = {k: z[k] for k in z.files}
    got = run_values(mx, _load(name), spec, ctx)
    assert sorted(got) == sorted(want)
    for key in sorted(want):
        if key.startswith("fp:"):
            # the same parameters on both sides, or every value below would mislead
            np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=0,
                                       err_msg="_values.fill changed: %s" % key)
    bad = []
    for key in sorted(k for k in want if not k.startswith("fp:")):
        if "%s:%s" % (name, key) in XFAIL:
            continue
        g, w = got[key], want[key]
        scale = max(float(np.abs(w).max()), 1e-6)
        rtol, atol = (RTOL64, ATOL64) if _twin(key) == key else (RTOL, ATOL)
        twin = want.get(_twin(key))
        if twin is not None and twin is not w and twin.shape == w.shape:
            # A float32 result with a float64 twin may be ill-conditioned: it must be as close
            # to MXNet's float64 result as MXNet's own float32 result is (twice, for slack).
            mx_err = float(np.abs(w.astype(np.float64) - twin).max()) / scale
            atol = max(atol, 2 * mx_err)
            w = twin
        err = np.abs(g.astype(np.float64) - w) - rtol * np.abs(w)
        if g.shape != w.shape or err.max() > atol * scale:
            worst = np.unravel_index(np.argmax(err), w.shape) if g.shape == w.shape else None
            bad.append("%s: shape %s vs %s, worst at %s: %s vs %s (max|want| %.3g)"
                       % (key, g.shape, w.shape, worst, g[worst] if worst else "-",
                          w[worst] if worst else "-", scale))
    assert not bad, "\n".join(bad)
