"""mx.test_utils: MXNet's checking helpers behave as MXNet 1.9.1's do."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb import test_utils as tu


def test_check_numeric_gradient_passes_for_a_correct_backward():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    x, y = np.random.uniform(-1, 1, (3, 4)), np.random.uniform(-1, 1, (4, 2))
    tu.check_numeric_gradient(mx.sym.dot(a, b), [x, y], numeric_eps=1e-1, rtol=2e-2,
                              atol=1e-3)
    # transposed (Fortran-ordered) locations are perturbed too (MXNet test_dot)
    tu.check_numeric_gradient(mx.sym.dot(a, b, transpose_a=True), [x.T, y],
                              numeric_eps=1e-1, rtol=2e-2, atol=1e-3)


def test_check_numeric_gradient_catches_a_wrong_backward():
    a = mx.sym.var("a")
    wrong = mx.sym.BlockGrad(a) * a            # d/da a*a is 2a, this backward gives a
    with pytest.raises(AssertionError, match="NUMERICAL_a"):
        tu.check_numeric_gradient(wrong, [np.array([1.0, 2.0, 3.0])], dtype=np.float64)


@pytest.mark.parametrize("req", ["write", "add", "null"])
def test_check_numeric_gradient_grad_req_dict(req):
    # 'add' starts from small random gradients which are subtracted; 'null' stays untouched
    a = mx.sym.var("a")
    tu.check_numeric_gradient(mx.sym.square(a), {"a": np.array([0.5, -1.0, 2.0])},
                              grad_nodes={"a": req}, dtype=np.float64)


def test_numeric_grad_uses_first_output_sum_and_dtype():
    a = mx.sym.var("a")
    exe = (a * a).bind(mx.cpu(), args={"a": mx.nd.array([1.0, 3.0])})
    g = tu.numeric_grad(exe, {"a": np.array([1.0, 3.0])}, eps=1.0 / 2 ** 9)
    assert g["a"].dtype == np.float32 and np.allclose(g["a"], [2.0, 6.0], rtol=1e-3)
    assert exe.arg_dict["a"].asnumpy().tolist() == [1.0, 3.0]     # restored


def test_star_import_hands_out_modules_like_mxnet():
    # MXNet's test_utils has no __all__: its tests get sys/logging/np/npt from the star import
    star = {name: getattr(tu, name) for name in tu.__all__}
    assert star["sys"] is __import__("sys") and star["np"] is np
    assert star["logging"].__name__ == "logging" and star["npt"].__name__ == "numpy.testing"


def test_download_fetches_retries_and_keeps_existing_files(tmp_path):
    import functools
    import http.server
    import threading
    import urllib.error
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "README.md").write_text("x" * 200)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path / "site"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = "http://127.0.0.1:%d/README.md" % server.server_address[1]
        path = tu.download(url, dirname=str(tmp_path / "out"))
        assert path == str(tmp_path / "out" / "README.md")
        assert (tmp_path / "out" / "README.md").read_text() == "x" * 200
        (tmp_path / "out" / "README.md").write_text("kept")
        tu.download(url, dirname=str(tmp_path / "out"))             # exists: not fetched
        assert (tmp_path / "out" / "README.md").read_text() == "kept"
        with pytest.raises(urllib.error.HTTPError, match="404"):     # on every attempt
            tu.download(url + ".missing", fname=str(tmp_path / "gone"), retries=2)
    finally:
        server.shutdown()
        server.server_close()


def test_statistical_generator_checks():
    """MXNet's test_random helpers: buckets from a ppf, mean/variance bands, chi-square."""
    import symnb as mx
    tu = mx.test_utils

    def uniform(n):
        return mx.nd.random.uniform(0, 1, shape=(n,)).asnumpy()

    assert tu.mean_check(uniform, 0.5, np.sqrt(1 / 12), nsamples=20000)
    assert tu.var_check(uniform, np.sqrt(1 / 12), nsamples=20000)
    assert not tu.mean_check(lambda n: uniform(n) + 0.1, 0.5, np.sqrt(1 / 12), nsamples=20000)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda q: q, 5)
    try:
        import scipy.stats  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="scipy is not available"):
            tu.chi_square_check(uniform, buckets, probs, nsamples=1000)
        return
    assert len(tu.verify_generator(uniform, buckets, probs, nsamples=20000, nrepeat=3)) == 3
    with pytest.raises(AssertionError, match="Generator test fails"):
        tu.verify_generator(lambda n: uniform(n) ** 2, buckets, probs, nsamples=20000)
