"""mx.profiler (no-op-safe, records user objects), legacy random names, mx.util GPU helpers."""
from __future__ import annotations

import json

import numpy as np
import pytest

import symnb as mx


@pytest.fixture(autouse=True)
def _stopped_profiler(tmp_path):
    # start from an empty profile: dump(finished=True) drops what earlier examples recorded
    mx.profiler.set_state("stop")
    mx.profiler.set_config(filename=str(tmp_path / "earlier.json"))
    mx.profiler.dump()
    mx.profiler.dumps(reset=True)
    yield
    mx.profiler.set_state("stop")
    mx.profiler.dumps(reset=True)


def test_profiler_records_tasks_counters_and_dumps_a_trace(tmp_path):
    path = str(tmp_path / "profile.json")
    mx.profiler.set_config(profile_all=True, aggregate_stats=True, filename=path)
    domain = mx.profiler.Domain("train")
    task = domain.new_task("forward")
    counter = domain.new_counter("batches", 0)   # before 'run': not recorded
    task.start()
    task.stop()
    mx.profiler.set_state("run")
    for _ in range(3):
        with task:
            pass
        counter += 1
    mx.profiler.pause()
    with task:                                   # paused: not recorded
        pass
    mx.profiler.resume()
    domain.new_marker("epoch").mark()
    mx.profiler.set_state("stop")
    stats = json.loads(mx.profiler.dumps(format="json"))
    assert stats["Time"]["train"]["forward"]["Count"] == 3
    assert stats["Counter"]["train"] == {"batches": 3}
    table = mx.profiler.dumps(sort_by="count", ascending=True)
    assert "Profile Statistics:" in table and "forward" in table
    mx.profiler.dump()
    trace = json.load(open(path))
    phases = [e["ph"] for e in trace["traceEvents"]]
    assert phases.count("X") == 3 and phases.count("C") == 3 and phases.count("i") == 1
    mx.profiler.dump()
    assert json.load(open(path))["traceEvents"] == []   # finished=True cleared them


def test_profiler_checks_arguments_as_mxnet():
    with pytest.raises(mx.MXNetError, match="^Cannot find argument 'bogus', Possible "
                                            "Arguments:\n-+\nprofile_all : boolean"):
        mx.profiler.set_config(bogus=1)
    with pytest.raises(KeyError):
        mx.profiler.set_state("bad")
    with pytest.raises(AssertionError, match="Invalid value provided for format: xml. "
                                             "Support: 'table', 'json'"):
        mx.profiler.dumps(format="xml")
    with pytest.raises(AssertionError, match="Invalid value provided for sort_by: bad."):
        mx.profiler.dumps(sort_by="bad")
    with pytest.warns(UserWarning, match="profiler_set_state\\(\\) is deprecated"):
        mx.profiler.profiler_set_state("stop")


def test_legacy_random_names_sample_and_build_mxnet_json():
    mx.random.seed(3)
    a = mx.nd.random_uniform(low=2, high=3, shape=(50,)).asnumpy()
    mx.random.seed(3)
    b = mx.nd.uniform(low=2, high=3, shape=(50,)).asnumpy()
    np.testing.assert_array_equal(a, b)
    assert ((a >= 2) & (a < 3)).all()
    n = mx.nd.normal(loc=5, scale=0.1, shape=(2000,), dtype="float64").asnumpy()
    assert n.dtype == np.float64 and abs(n.mean() - 5) < 0.02
    assert mx.nd.random_normal(shape=(2,)).dtype == np.float32
    s = mx.sym.random_uniform(name="u", shape=(2, 3))
    node = json.loads(s.tojson())["nodes"][0]
    assert node == {"op": "_random_uniform", "name": "u", "attrs": {"shape": "(2, 3)"},
                    "inputs": []}
    node = json.loads(mx.sym.random.uniform(0, 1, shape=(2,)).tojson())["nodes"][0]
    assert node["attrs"] == {"high": "1", "low": "0", "shape": "(2,)"}
    assert mx.sym.random_normal(shape=(2,)).list_outputs() == ["random_normal0_output"]
    net = mx.sym.uniform(low=2, shape=(0, 3)) + mx.sym.var("x")
    assert net.infer_shape(x=(4, 3)) == ([(4, 3)], [(4, 3)], [])
    ex = (mx.sym.normal(shape=(2, 2)) * 0 + 1).bind(mx.cpu(), {})
    assert ex.forward()[0].asnumpy().tolist() == [[1, 1], [1, 1]]
    with pytest.raises(mx.MXNetError, match="Operator _random_uniform inferring shapes failed"):
        mx.nd.random_uniform()


def test_gpu_count_helpers():
    assert mx.util.get_gpu_count() == mx.context.num_gpus()
    if mx.util.get_gpu_count() == 0:
        with pytest.raises(mx.MXNetError, match="only supported for MXNet built with CUDA"):
            mx.util.get_gpu_memory(0)
    with pytest.raises(ValueError, match="Expecting a gpu context"):
        mx.util.get_cuda_compute_capability(mx.cpu())


def test_other_legacy_samplers_have_their_distributions():
    mx.random.seed(0)
    draws = {
        "random_randint": (mx.nd.random_randint(0, 5, shape=(4000,)), 2.0),
        "random_poisson": (mx.nd.random_poisson(lam=3, shape=(4000,)), 3.0),
        "random_exponential": (mx.nd.random_exponential(lam=2, shape=(4000,)), 0.5),
        "random_gamma": (mx.nd.random_gamma(alpha=2, beta=3, shape=(4000,)), 6.0),
        "random_negative_binomial": (mx.nd.random_negative_binomial(k=3, p=0.4,
                                                                    shape=(4000,)), 4.5),
        "random_generalized_negative_binomial": (
            mx.nd.random_generalized_negative_binomial(mu=2, alpha=0.5, shape=(4000,)), 2.0),
        "nd.random.exponential": (mx.nd.random.exponential(scale=2, shape=(4000,)), 2.0),
        "mx.random.randint": (mx.random.randint(-3, 3, shape=(4000,)), -0.5),
    }
    for name, (arr, mean) in draws.items():
        assert abs(arr.asnumpy().mean() - mean) < 0.15 * max(1.0, abs(mean)), name
    assert draws["random_randint"][0].dtype == np.int32
    assert draws["random_poisson"][0].dtype == np.float32
    assert mx.nd.random.randint(0, 9, shape=(2,), dtype="int64").dtype == np.int64
    mx.random.seed(5)
    a = mx.nd.random.poisson(4, shape=(6,)).asnumpy()
    mx.random.seed(5)
    np.testing.assert_array_equal(a, mx.nd.random.poisson(4, shape=(6,)).asnumpy())
    assert mx.sym.random.randint(0, 5, shape=(2,)).infer_type()[1] == [np.int32]
    assert mx.sym.random_gamma(alpha=2, shape=(3,)).list_outputs() == ["random_gamma0_output"]


# printed by MXNet 1.9.1's mx.runtime.Features() (the PyPI CPU wheel), in its order
MXNET_FEATURES = ("CUDA CUDNN NCCL CUDA_RTC TENSORRT CPU_SSE CPU_SSE2 CPU_SSE3 CPU_SSE4_1 "
                  "CPU_SSE4_2 CPU_SSE4A CPU_AVX CPU_AVX2 OPENMP SSE F16C JEMALLOC BLAS_OPEN "
                  "BLAS_ATLAS BLAS_MKL BLAS_APPLE LAPACK MKLDNN OPENCV CAFFE PROFILER "
                  "DIST_KVSTORE CXX14 INT64_TENSOR_SIZE SIGNAL_HANDLER DEBUG TVM_OP").split()


def test_runtime_features_name_every_mxnet_feature():
    features = mx.runtime.Features()
    assert list(features) == MXNET_FEATURES
    assert features.is_enabled("OPENMP") is False        # answered, not an unknown name
    assert features.is_enabled("cpu_avx2") is False
    with pytest.raises(RuntimeError, match="GPU"):
        features.is_enabled("GPU")


def _operator_rows():
    return json.loads(mx.profiler.dumps(reset=True, format="json"))["Time"].get("operator", {})


def test_running_profiler_times_each_operator_as_mxnet_names_them():
    from symnb import _profiling
    ex = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=4, name="fc").simple_bind(
        mx.cpu(), x=(2, 3))
    mx.profiler.set_state("run")
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((2, 4)))
    (mx.nd.ones((2, 2)) + 1).sum()
    mx.profiler.set_state("stop")
    rows = _operator_rows()
    assert {"FullyConnected", "_backward_FullyConnected", "_plus_scalar", "sum"} <= set(rows)
    assert rows["FullyConnected"]["Count"] == 1 and rows["FullyConnected"]["Total"] >= 0
    assert _profiling.SYMBOLIC is None and _profiling.IMPERATIVE is None   # off: bare loops
    ex.forward()
    assert _operator_rows() == {}


def test_operator_timing_follows_pause_and_the_profile_switches():
    ex = (mx.sym.var("a") * 2).simple_bind(mx.cpu(), a=(2,))
    mx.profiler.set_state("run")
    mx.profiler.pause()
    ex.forward()
    mx.profiler.resume()
    mx.profiler.set_config(profile_symbolic=False, profile_imperative=True)
    ex.forward()
    mx.nd.ones((2,)) * 3
    mx.profiler.set_state("stop")
    mx.profiler.set_config(profile_symbolic=True)
    assert set(_operator_rows()) == {"_mul_scalar"}          # mx.nd alone
    mx.profiler.set_state("run")
    ex.forward()
    mx.profiler.set_state("stop")
    assert _operator_rows()["_mul_scalar"]["Count"] == 1
