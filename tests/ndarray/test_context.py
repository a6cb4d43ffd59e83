"""Contexts as NDArrays see them (spec ndarray.md 7) and the gpu path (7.1)."""
import subprocess
import sys

import pytest

import symnb as mx

nd = mx.nd


def test_context_table():
    assert (repr(mx.cpu()), str(mx.cpu(1)), repr(mx.gpu()), repr(mx.gpu(2))) == (
        "cpu(0)", "cpu(1)", "gpu(0)", "gpu(2)")
    assert repr(mx.cpu_pinned()) == "cpu_pinned(0)"
    assert (mx.Context("cpu", 0), mx.Context("gpu"), mx.Context(mx.gpu(1))) == (
        mx.cpu(0), mx.gpu(0), mx.gpu(1))
    with pytest.raises(KeyError, match="tpu"):
        mx.Context("tpu")
    g = mx.gpu(1)
    assert (g.device_type, g.device_id, g.device_typeid) == ("gpu", 1, 2)
    assert mx.cpu() == mx.cpu(0) and mx.cpu() != mx.cpu(1) and mx.cpu() != mx.gpu()
    assert (mx.cpu() == "cpu(0)") is False
    assert len({mx.cpu(), mx.cpu(0), mx.cpu(1), mx.gpu(0)}) == 3
    assert mx.current_context() == mx.cpu(0) and mx.Context.default_ctx == mx.cpu(0)


def test_with_context_sets_default_for_creation():
    with mx.Context("cpu", 1):
        assert mx.current_context() == mx.cpu(1)
        assert nd.ones((2,)).context == mx.cpu(1)
        assert nd.zeros((2,)).context == mx.cpu(1)
    assert mx.current_context() == mx.cpu(0)


def _no_gpu():
    try:
        import cupy  # noqa: F401
    except ImportError:
        return True
    return mx.num_gpus() == 0


@pytest.mark.skipif(not _no_gpu(), reason="a GPU is present: creation succeeds there")
@pytest.mark.parametrize("make", [
    lambda: nd.ones((2,), ctx=mx.gpu()), lambda: nd.zeros((2,), ctx=mx.gpu(0)),
    lambda: nd.array([1, 2], ctx=mx.gpu(0)), lambda: nd.ones((2,)).copyto(mx.gpu(0)),
    lambda: nd.ones((2,)).as_in_context(mx.gpu(0)), lambda: nd.empty((2,), ctx=mx.gpu()),
    lambda: nd.random.uniform(shape=(2,), ctx=mx.gpu()),
])
def test_gpu_without_cupy_or_device_fails_clearly_at_creation(make):
    with mx.gpu(0):                 # entering the context itself succeeds
        pass
    with pytest.raises(mx.MXNetError, match="gpu\\(0\\) needs"):
        make()


def test_import_symnb_stays_light():
    code = ("import sys, symnb; bad = [m for m in ('cupy', 'IPython', 'matplotlib', "
            "'ipywidgets', 'anywidget') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
