"""The operators of ``ops/misc_extra.py`` and the image transforms against MXNet 1.9.1's
recorded answers (``fixtures/misc_extra.json``, written by ``record_misc_extra.py`` from
``misc_extra_calls.CALLS``), plus what a recording cannot show: the supports and moments of
the random operators and the gradient of the dynamic-shape boolean_mask."""
from __future__ import annotations

import json
import pathlib
import re
import sys

import numpy as np
import pytest

import symnb as mx
from symnb.backends import numpy_backend
from symnb.ops import get_op

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "differential"))
from misc_extra_calls import CALLS  # noqa: E402
from record_misc_extra import describe  # noqa: E402
from runner import strip_error  # noqa: E402

RECORDED = json.loads((HERE / "fixtures" / "misc_extra.json").read_text())

# where symnb knowingly differs (see the operator docstrings)
KNOWN: dict = {}
# MXNet leaves the output unwritten (whatever the memory held): nothing to compare
UNWRITTEN = {"jitter_off"}
# Python's own TypeError text for MXNet's generated def (symnb's generated functions word
# the positional-count error their own way)
KNOWN_ERROR_TEXT = {"backward_index_copy_call"}
_SUFFIX = re.compile(r", in operator (\w+)\((.*)\)\Z", re.S)


def _same_error(got, want):
    """Equal texts, up to the order of the attributes MXNet lists after "in operator"
    (its hash map's order)."""
    if got == want:
        return True
    # MXNet's nnvm errors come without the "MXNetError: " symnb always puts first
    if got and got.startswith("MXNetError: ") and got[len("MXNetError: "):] == want:
        return True
    g, w = _SUFFIX.search(got or ""), _SUFFIX.search(want)
    if not (g and w) or got[:g.start()] != want[:w.start()] or g.group(1) != w.group(1):
        return False
    return sorted(g.group(2).split(", ")) == sorted(w.group(2).split(", "))


def _compare(name, got, want):
    if isinstance(want, dict) and "shape" in want:
        assert isinstance(got, dict), "%s: %r" % (name, got)
        assert got["shape"] == want["shape"] and got["dtype"] == want["dtype"], \
            "%s: %s %s vs MXNet %s %s" % (name, got["shape"], got["dtype"], want["shape"],
                                          want["dtype"])
        g = np.array(got["values"], dtype=np.float64)
        w = np.array(want["values"], dtype=np.float64)
        # uint8 bicubic: OpenCV's vectorised cubic pass rounds a value 1 lower now and then
        atol = KNOWN.get(name, 1.0 if name.startswith("resize_uint8_2_") else 0.0)
        rtol = 1e-5 if want["dtype"] in ("float32", "float16") else 1e-7
        if re.match(r"resize_float\d\d_[34]_", name):
            rtol = 1e-4         # OpenCV's area/Lanczos coefficients are float32
        np.testing.assert_allclose(g, w, rtol=rtol, atol=max(atol, 1e-6), err_msg=name)
    elif isinstance(want, list) and want and isinstance(want[0], dict):
        assert len(got) == len(want), name
        for g, w in zip(got, want, strict=True):
            _compare(name, g, w)
    else:
        assert _jsonable(got) == want, "%s: %r vs MXNet %r" % (name, got, want)


def _jsonable(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_mxnet(name):
    want = RECORDED[name]
    try:
        with mx.name.NameManager():
            got = {"value": _jsonable(describe(CALLS[name](mx, np), np, mx.nd.NDArray))}
    except Exception as e:  # noqa: BLE001 -- the error text is compared
        got = {"error": strip_error(e)}
    if "error" in want:
        if name in KNOWN_ERROR_TEXT:
            assert "error" in got, got
            return
        assert _same_error(got.get("error"), want["error"]), "%s: %r" % (name, got)
        return
    if name in UNWRITTEN:
        assert "value" in got, got
        return
    assert "value" in got, "%s raised %s" % (name, got.get("error"))
    _compare(name, got["value"], want["value"])


# ----------------------------------------------------------------------------- boolean_mask
def test_boolean_mask_gradient_scatters_rows():
    op = get_op("_contrib_boolean_mask")
    p = op.parse({})
    rng = np.random.default_rng(3)
    data, index = rng.normal(size=(5, 2)), np.array([1.0, 0.0, 2.0, 0.0, -1.0])
    out = op.forward_dynamic(p, [data, index], True, numpy_backend)[0]
    np.testing.assert_array_equal(out, data[[0, 2, 4]])
    head = rng.normal(size=out.shape)
    grad = np.full_like(data, 7.0)
    op.backward(p, [data, index], [out], [head], [grad, None], ["write", "null"], True,
                numpy_backend)
    want = np.zeros_like(data)
    want[[0, 2, 4]] = head
    np.testing.assert_array_equal(grad, want)
    op.backward(p, [data, index], [out], [head], [grad, None], ["add", "null"], True,
                numpy_backend)
    np.testing.assert_array_equal(grad, 2 * want)


def test_boolean_mask_binds_as_a_graph_output():
    # MXNet's bind sizes the output when the node runs (recorded: (2, 3) for this mask)
    d, i = mx.nd.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), mx.nd.array([0, 1, 1])
    s = mx.sym.contrib.boolean_mask(mx.sym.var("d"), mx.sym.var("i"))
    exe = s.bind(mx.cpu(), {"d": d, "i": i})
    assert exe.forward()[0].asnumpy().tolist() == [[4, 5, 6], [7, 8, 9]]
    exe.arg_dict["i"][:] = mx.nd.array([1, 0, 0])
    assert exe.forward()[0].asnumpy().tolist() == [[1, 2, 3]]
    assert exe.outputs[0].shape == (1, 3)


def test_boolean_mask_in_a_graph_limits():
    # MXNet also runs nodes after it and its gradient in a bound graph; symnb says so clearly
    d, i = mx.nd.ones((3, 2)), mx.nd.array([0, 1, 1])
    s = mx.sym.contrib.boolean_mask(mx.sym.var("d"), mx.sym.var("i"))
    with pytest.raises(mx.MXNetError, match="cannot decide the shape"):
        (s * 2).bind(mx.cpu(), {"d": d, "i": i})
    with pytest.raises(mx.MXNetError, match="cannot plan its gradient"):
        s.bind(mx.cpu(), {"d": d, "i": i}, args_grad={"d": mx.nd.zeros((3, 2))})
    with pytest.raises(RuntimeError, match="simple_bind error"):     # as MXNet's
        s.simple_bind(mx.cpu(), d=(3, 2), i=(3,))


def test_boolean_mask_writes_out():
    out = mx.nd.zeros((1, 2))
    got = mx.nd.contrib.boolean_mask(mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([0, 1]),
                                     out=out)
    assert got is out and out.asnumpy().tolist() == [[3.0, 4.0]]


# ----------------------------------------------------------------------------- samplers
def _zipf_first_draw_probs(range_max):
    # MXNet's unique sampler: round(exp(u * log(range_max))) - 1 with u ~ U(0, 1)
    edges = np.concatenate([[0.0], np.log(np.arange(1, range_max) + 0.5), [np.log(range_max)]])
    return np.diff(edges) / np.log(range_max)


def test_unique_zipfian_rows_are_unique_and_in_range():
    classes, tries = mx.nd._internal._sample_unique_zipfian(50, shape=(40, 20))
    c, t = classes.asnumpy(), tries.asnumpy()
    assert c.dtype == np.int64 and t.dtype == np.int64 and c.shape == (40, 20)
    assert all(len(set(row)) == 20 for row in c.tolist())
    assert c.min() >= 0 and c.max() < 50 and (t >= 20).all()


def test_unique_zipfian_draws_the_log_uniform_distribution():
    classes, tries = mx.nd._internal._sample_unique_zipfian(8, shape=(20000, 1))
    assert (tries.asnumpy() == 1).all()
    freq = np.bincount(classes.asnumpy().ravel(), minlength=8) / 20000
    np.testing.assert_allclose(freq, _zipf_first_draw_probs(8), atol=0.015)


def test_unique_zipfian_tries_match_mxnet_reference_count():
    # MXNet's own test: 8192 unique classes of 793472 need 14500 to 17000 draws
    _, tries = mx.nd._internal._sample_unique_zipfian(793472, shape=(1, 8192))
    assert 14500 < int(tries.asnumpy()[0]) < 17000


def test_rand_zipfian_expected_counts():
    true = mx.nd.array([0, 3], dtype="int32")
    sampled, exp_true, exp_sampled = mx.nd.contrib.rand_zipfian(true, 1000, 20)
    s = sampled.asnumpy()
    assert s.dtype == np.int64 and s.shape == (1000,) and 0 <= s.min() and s.max() < 20
    prob = lambda k: np.log((k + 2.0) / (k + 1.0)) / np.log(21)  # noqa: E731
    np.testing.assert_allclose(exp_true.asnumpy(), prob(np.array([0, 3])) * 1000)
    np.testing.assert_allclose(exp_sampled.asnumpy(), prob(s.astype(np.float64)) * 1000)
    freq = np.bincount(s, minlength=20) / 1000
    np.testing.assert_allclose(freq, prob(np.arange(20.0)), atol=0.05)


def test_rand_zipfian_symbol_runs():
    outs = mx.sym.Group(list(mx.sym.contrib.rand_zipfian(mx.sym.var("t"), 6, 10)))
    exe = outs.bind(mx.cpu(), {"t": mx.nd.array([1, 2], dtype="int32")})
    s, t, c = (o.asnumpy() for o in exe.forward())
    assert s.shape == (6,) and t.shape == (2,) and c.shape == (6,)


def test_random_image_factors_stay_in_their_ranges():
    x = mx.nd.array(np.random.default_rng(0).uniform(10, 200, size=(4, 5, 3)))
    for _ in range(20):
        ratio = mx.nd.image.random_brightness(x, min_factor=0.5, max_factor=0.8).asnumpy() \
            / x.asnumpy()
        assert np.ptp(ratio) < 1e-5 and 0.5 - 1e-6 <= ratio.mean() <= 0.8 + 1e-6
        jit = mx.nd.image.random_color_jitter(x, brightness=0.3, contrast=0, saturation=0,
                                              hue=0).asnumpy() / x.asnumpy()
        assert np.ptp(jit) < 1e-5 and 0.7 - 1e-6 <= jit.mean() <= 1.3 + 1e-6


def test_random_flips_give_both_outcomes():
    x = mx.nd.array(np.arange(6.0).reshape(1, 2, 3))
    seen = {tuple(mx.nd.image.random_flip_left_right(x).asnumpy().ravel()) for _ in range(40)}
    assert seen == {(0, 1, 2, 3, 4, 5), (3, 4, 5, 0, 1, 2)}
    y = mx.nd.array(np.arange(6.0).reshape(2, 1, 3))
    seen = {tuple(mx.nd.image.random_flip_top_bottom(y).asnumpy().ravel()) for _ in range(40)}
    assert seen == {(0, 1, 2, 3, 4, 5), (3, 4, 5, 0, 1, 2)}


def test_random_lighting_alpha_moments():
    x = mx.nd.zeros((1, 1, 3))
    shifts = np.array([mx.nd.image.random_lighting(x, alpha_std=0.1).asnumpy().ravel()
                       for _ in range(3000)])
    eig = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                    [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                    [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]])
    alphas = np.linalg.solve(eig, shifts.T).T
    np.testing.assert_allclose(alphas.mean(0), 0, atol=0.01)
    np.testing.assert_allclose(alphas.std(0), 0.1, rtol=0.1)
