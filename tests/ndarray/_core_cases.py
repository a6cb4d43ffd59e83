"""NDArray/executor core cases run the same way on MXNet 1.9.1 (``record_core.py``) and on
symnb (``test_core_facts.py``): each is a function of the ``mx`` module and returns plain
values, so the two runs compare as JSON. No eval: every case is a named function."""
from __future__ import annotations

import numpy as np


def outcome(fn):
    """Run ``fn``; a JSON-able result or the exception's type and last line."""
    try:
        return {"value": plain(fn())}
    except Exception as e:                     # noqa: BLE001 -- the fact being recorded
        lines = [ln for ln in str(e).splitlines() if ln.strip()]
        return {"error": type(e).__name__, "text": lines[-1] if lines else ""}


def plain(v):
    if hasattr(v, "asnumpy"):
        a = v.asnumpy()
        return {"NDArray": list(a.shape), "dtype": np.dtype(a.dtype).name,
                "values": np.nan_to_num(a.astype(np.float64), nan=-999.0).ravel().tolist()}
    if isinstance(v, np.ndarray):
        return {"ndarray": list(v.shape), "dtype": v.dtype.name,
                "values": v.astype(np.float64).ravel().tolist()}
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if v is None or isinstance(v, str):
        return v
    return type(v).__name__


# ------------------------------------------------------------------ zero-size, np_shape
def zero_size(mx):
    """Imperative calls under ``mx.np_shape(True)`` with zero-size inputs."""
    o = mx.nd.ones

    def ints(shape):
        return mx.nd.zeros(shape, dtype="int32")

    return {
        "concat_axis0": lambda: mx.nd.Concat(o((0, 8, 12)), o((3, 8, 12)), o((0, 8, 12)), dim=0),
        "concat_axis1": lambda: mx.nd.Concat(o((0, 3, 10)), o((0, 4, 10)), o((0, 5, 10)), dim=1),
        "concat_all_zero": lambda: mx.nd.Concat(o((8, 0, 0)), o((8, 0, 0)), dim=2),
        "one_hot_empty": lambda: mx.nd.one_hot(ints((2, 0, 9, 3)), depth=10, dtype="int32"),
        "sum_axis": lambda: mx.nd.sum(o((2, 0, 3)), axis=1),
        "sum_all": lambda: mx.nd.sum(o((2, 0, 3))),
        "mean_axis": lambda: mx.nd.mean(o((2, 0, 3)), axis=1),
        "max_all": lambda: o((5, 0)).max(),
        "min_axis": lambda: mx.nd.min(o((5, 0)), axis=0),
        "flatten_two_zero": lambda: mx.nd.Flatten(o((0, 0, 3))),
        "flatten_tail_zero": lambda: mx.nd.Flatten(o((3, 0, 2))),
        "reshape_infer": lambda: mx.nd.reshape(o((0, 3)), shape=(-1,)),
        "reshape_keep": lambda: mx.nd.reshape(o((0, 3)), shape=(-1, 3)),
        "broadcast_add": lambda: mx.nd.broadcast_add(o((0, 3)), o((1, 3))),
        "nd_plus": lambda: o((0, 3)) + o((1, 3)),
        "relu": lambda: mx.nd.relu(o((0, 3))),
        "transpose": lambda: mx.nd.transpose(o((0, 3))),
        "slice_axis": lambda: mx.nd.slice_axis(o((0, 3)), axis=1, begin=0, end=2),
        "take_empty_index": lambda: mx.nd.take(o((3, 4)), o((0,))),
        "softmax": lambda: mx.nd.softmax(o((0, 3))),
        "stack": lambda: mx.nd.stack(o((0, 3)), o((0, 3))),
        "zeros": lambda: mx.nd.zeros((0, 3)),
        "index_array_0d": lambda: mx.nd.contrib.index_array(o(())),
        "fully_connected": lambda: mx.nd.FullyConnected(o((0, 3)), o((4, 3)), o((4,)),
                                                        num_hidden=4),
        "fully_connected_3d": lambda: mx.nd.FullyConnected(o((2, 0, 3)), o((4, 3)), o((4,)),
                                                           num_hidden=4, flatten=False),
        "dot_zero_rows": lambda: mx.nd.dot(o((0, 3)), o((3, 4))),
        "batch_dot": lambda: mx.nd.batch_dot(o((0, 2, 3)), o((0, 3, 4))),
    }


def zero_size_bind(mx):
    """Executors over zero-size arrays under ``mx.np_shape(True)``."""
    def concat():
        a, b = mx.sym.var("a"), mx.sym.var("b")
        ex = mx.sym.Concat(a, b, dim=0).bind(
            mx.cpu(), {"a": mx.nd.ones((0, 3)), "b": mx.nd.ones((2, 3)) * 5},
            args_grad={"a": mx.nd.zeros((0, 3)), "b": mx.nd.zeros((2, 3))})
        ex.forward(is_train=True)
        out = ex.outputs[0]
        ex.backward([mx.nd.ones((2, 3)) * 2])
        return [out, ex.grad_dict["a"], ex.grad_dict["b"]]

    def index_array(shape, axes=None):
        def run():
            d = mx.sym.var("data")
            sym = mx.sym.contrib.index_array(d) if axes is None else \
                mx.sym.contrib.index_array(d, axes=axes)
            ex = sym.bind(mx.cpu(), {"data": mx.nd.ones(shape)},
                          args_grad={"data": mx.nd.ones(shape)})
            ex.forward(is_train=True)
            out = ex.outputs[0]
            ex.backward([mx.nd.ones(out.shape, dtype=out.dtype)])
            return [out, ex.grad_dict["data"]]
        return run

    def sum_axis():
        a = mx.sym.var("a")
        ex = mx.sym.sum(a, axis=1).bind(mx.cpu(), {"a": mx.nd.ones((2, 0))},
                                        args_grad={"a": mx.nd.zeros((2, 0))})
        ex.forward(is_train=True)
        out = ex.outputs[0]
        ex.backward([mx.nd.ones((2,))])
        return [out, ex.grad_dict["a"]]

    def fc_backward():
        x = mx.sym.var("x")
        ex = mx.sym.FullyConnected(x, num_hidden=4, name="fc").bind(
            mx.cpu(), {"x": mx.nd.ones((0, 3)), "fc_weight": mx.nd.ones((4, 3)),
                       "fc_bias": mx.nd.ones((4,))},
            args_grad={"x": mx.nd.ones((0, 3)), "fc_weight": mx.nd.ones((4, 3)),
                       "fc_bias": mx.nd.ones((4,))})
        ex.forward(is_train=True)
        out = ex.outputs[0]
        ex.backward([mx.nd.ones((0, 4))])
        return [out, ex.grad_dict["fc_weight"], ex.grad_dict["fc_bias"]]

    return {"concat": concat, "index_array_0d": index_array(()), "fc_backward": fc_backward,
            "index_array_zero_size": index_array((0, 0, 0)),
            "index_array_axes_zero_size": index_array((0, 0, 0, 0), axes=(2, 1)),
            "sum_axis": sum_axis}


def legacy_zero(mx):
    """Legacy shape semantics (np_shape off): which zero dims mx.nd accepts."""
    return {
        "one_hot_depth0": lambda: mx.nd.one_hot(mx.nd.ones((2, 3)), depth=0),
        "zeros_zero_dim": lambda: mx.nd.zeros((5, 0)),
        "concat_zero_dim": lambda: mx.nd.Concat(mx.nd.ones((0, 3)), mx.nd.ones((2, 3)), dim=0),
    }


# ------------------------------------------------------------------ take(mode='raise')
def take_raise(mx):
    x = mx.nd.array([[1, 2], [3, 4], [5, 6]])

    def take(idx, axis=0):
        return lambda: mx.nd.take(x, mx.nd.array(idx), axis=axis, mode="raise")

    def lazy():
        y = mx.nd.take(x, mx.nd.array([3]), mode="raise")
        return {"shape": list(y.shape), "dtype": np.dtype(y.dtype).name}

    def read_twice():
        y = mx.nd.take(x, mx.nd.array([3]), mode="raise")
        first = outcome(y.asnumpy)
        y.asnumpy()
        return {"first": first, "second": "ok"}

    def chained():
        y = mx.nd.take(x, mx.nd.array([3]), mode="raise")
        return outcome((y + 1).asnumpy)

    def waitall():
        mx.nd.take(x, mx.nd.array([-1]), mode="raise")
        return outcome(mx.nd.waitall)

    def executor():
        a, i = mx.sym.var("a"), mx.sym.var("i")
        ex = mx.sym.take(a, i, mode="raise").bind(mx.cpu(), {"a": x, "i": mx.nd.array([5])})
        ex.forward()
        first = outcome(ex.outputs[0].asnumpy)
        ex.arg_dict["i"][:] = mx.nd.array([1])
        ex.forward()
        return {"first": first, "again": ex.outputs[0]}

    return {"in_range": take([0, 2]), "float_index": take([1.7]), "too_large": take([3]),
            "negative": take([-1]), "axis1": take([2], axis=1), "axis1_ok": take([1, 0], axis=1),
            "lazy": lazy, "read_twice": read_twice, "chained": chained, "waitall": waitall,
            "executor": executor}


def read_all(cases):
    """Run cases that return NDArrays lazily (take raise): read each result."""
    def reader(fn):
        def run():
            v = fn()
            return v.asnumpy() if hasattr(v, "asnumpy") else v
        return run
    return {k: reader(v) for k, v in cases.items()}


# ------------------------------------------------------------------ numpy interop
def numpy_interop(mx):
    x = mx.nd.array([1, 2, 3])
    big = mx.nd.array([50000001], dtype="int32")
    return {
        "nd_plus_f64": lambda: x + np.float64(1),
        "f64_plus_nd": lambda: np.float64(1) + x,
        "f32_times_nd": lambda: np.float32(2) * x,
        "i64_minus_nd": lambda: np.int64(5) - x,
        "f64_eq_nd": lambda: np.float64(2) == x,
        "f64_lt_nd": lambda: np.float64(1) < x,
        "f64_div_nd": lambda: np.float64(6) / x,
        "ndarray_plus_nd": lambda: np.ones(3) + x,
        "nd_plus_ndarray": lambda: x + np.ones(3),
        "ndarray2d_times_nd": lambda: np.ones((2, 2)) * mx.nd.ones((2, 2)),
        "np_sum": lambda: np.sum(x),
        "np_max": lambda: np.max(x),
        "np_prod": lambda: np.prod(x),
        "np_shape": lambda: list(np.shape(x)),
        "np_all_truthy": lambda: bool(np.all(big == 50000001)),
        "np_all_floor_truthy": lambda: bool(np.all(big.floor() == 50000001)),
        "int_overflow": lambda: mx.nd.array([2**31 - 1], dtype="int32") + np.int64(2),
        "has_array_ufunc": lambda: hasattr(mx.nd.NDArray, "__array_ufunc__"),
        "array_priority": lambda: mx.nd.NDArray.__array_priority__,
    }


# ------------------------------------------------------------------ dlpack
def dlpack(mx):
    def roundtrip(how, dtype):
        def run():
            a = mx.nd.array(np.arange(6).reshape(2, 3), dtype=dtype)
            cap = {"method_read": lambda: a.to_dlpack_for_read(),
                   "method_write": lambda: a.to_dlpack_for_write(),
                   "func_read": lambda: mx.nd.to_dlpack_for_read(a),
                   "func_write": lambda: mx.nd.to_dlpack_for_write(a)}[how]()
            return [type(cap).__name__, mx.nd.from_dlpack(cap)]
        return run

    def consumed_twice():
        cap = mx.nd.ones((2,)).to_dlpack_for_read()
        mx.nd.from_dlpack(cap)
        return outcome(lambda: mx.nd.from_dlpack(cap))

    def shares_read():
        z = mx.nd.zeros((2,))
        w = mx.nd.from_dlpack(z.to_dlpack_for_read())
        z[:] = 3
        mx.nd.waitall()
        return w

    def shares_write():
        z = mx.nd.zeros((2,))
        w = mx.nd.from_dlpack(z.to_dlpack_for_write())
        w[:] = 5
        mx.nd.waitall()
        return z

    def from_numpy_capsule():
        t = np.arange(6, dtype=np.int32).reshape(2, 3)
        a = mx.nd.from_dlpack(t.__dlpack__())
        t[0, 0] = 100
        return [a, str(a.context)]

    cases = {"%s_%s" % (h, d): roundtrip(h, d)
             for h in ("method_read", "method_write", "func_read", "func_write")
             for d in ("float32", "int32")}
    cases.update({"consumed_twice": consumed_twice,
                  "not_a_capsule": lambda: mx.nd.from_dlpack(np.ones(3)),
                  "not_a_capsule_int": lambda: mx.nd.from_dlpack(3),
                  "shares_read": shares_read, "shares_write": shares_write,
                  "from_numpy_capsule": from_numpy_capsule})
    return cases


# ------------------------------------------------------------------ pick
def pick(mx):
    data = mx.nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4))

    def run(index, **kw):
        return lambda: mx.nd.pick(data, mx.nd.array(index), **kw)

    return {
        "default_axis": run(np.array([[0, 3, 1], [2, 2, 0]])),
        "axis1_keep": run(np.array([[[0, 2, 1, 0]], [[2, 0, 1, 1]]]), axis=1, keepdims=True),
        "axis0": run(np.array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]]), axis=0),
        "wrap_negative": run(np.array([[-1, -5, 7], [4, -2, 0]]), axis=2, mode="wrap"),
        "clip_out_of_range": run(np.array([[-1, 9, 2], [4, -2, 0]]), axis=-1, mode="clip"),
        "float_index": run(np.array([[0.7, 2.9, 1.2], [3.5, 0.1, 1.99]])),
        "axis_none_flat": lambda: mx.nd.pick(mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([0, 1]),
                                             axis=None),
    }


# ------------------------------------------------------------------ group2ctx
def group2ctx(mx):
    def graph():
        with mx.AttrScope(ctx_group="dev1"):
            a = mx.symbol.Variable("a")
            a2 = a * 2
        with mx.AttrScope(ctx_group="dev2"):
            b = mx.symbol.Variable("b")
            c = a2 + b
        return c

    g2c = {"dev1": mx.cpu(1), "dev2": mx.cpu(2)}

    def contexts(ex):
        return {"args": {k: str(v.context) for k, v in ex.arg_dict.items()},
                "grads": {k: str(v.context) for k, v in ex.grad_dict.items()}}

    def simple():
        ex = graph().simple_bind(mx.cpu(0), a=(2, 3), b=(2, 3), group2ctx=g2c)
        ex.forward(is_train=True, a=mx.nd.ones((2, 3)), b=mx.nd.ones((2, 3)))
        ex.backward(mx.nd.ones((2, 3)))
        return [contexts(ex), str(ex.outputs[0].context), ex.outputs[0], ex.grad_dict["a"]]

    def internals():
        ex = graph().get_internals().simple_bind(mx.cpu(0), a=(2, 3), b=(2, 3), group2ctx=g2c)
        ex.forward()
        return [str(o.context) for o in ex.outputs]

    def bind_default_ctx():
        ex = graph().bind(mx.cpu(0), {"a": mx.nd.ones((2, 3)), "b": mx.nd.ones((2, 3))},
                          group2ctx=g2c)
        ex.forward()
        return [str(ex.outputs[0].context), ex.outputs[0]]

    return {
        "simple_bind": simple, "internals": internals, "bind_default_ctx": bind_default_ctx,
        "no_map": lambda: str(graph().simple_bind(mx.cpu(0), a=(2, 3), b=(2, 3))
                              .arg_dict["a"].context),
        "empty_map": lambda: str(graph().simple_bind(mx.cpu(0), a=(2, 3), b=(2, 3),
                                                     group2ctx={}).arg_dict["a"].context),
        "extra_group": lambda: contexts(graph().simple_bind(
            mx.cpu(0), a=(2, 3), b=(2, 3), group2ctx=dict(g2c, dev3=mx.cpu(3)))),
        "missing_group_simple_bind": lambda: graph().simple_bind(
            mx.cpu(0), a=(2, 3), b=(2, 3), group2ctx={"dev1": mx.cpu(1)}),
        "missing_group_bind": lambda: graph().bind(
            mx.cpu(0), {"a": mx.nd.ones((2, 3)), "b": mx.nd.ones((2, 3))},
            group2ctx={"dev1": mx.cpu(1)}),
    }


# ------------------------------------------------------------------ CachedOp
def cached_op(mx):
    x, y = mx.sym.var("x"), mx.sym.var("y")
    one = mx.nd.ones

    def conv_bias_change():
        op = mx.nd.CachedOp(mx.sym.Convolution(kernel=(3, 3), num_filter=2) + 2)
        data, weight, bias = one((1, 2, 4, 4)), one((2, 2, 3, 3)), one((2,))
        first = op(data, weight, bias)
        bias[:] = 2
        second = op(data, weight, bias)
        target = mx.nd.zeros(second.shape)
        same = op(data, weight, bias, out=target) is target
        return [first, second, target, same]

    def batchnorm():
        op = mx.nd.CachedOp(mx.sym.BatchNorm(x, name="bn", fix_gamma=False))
        mean, var = mx.nd.array([1.0, 2.0]), mx.nd.array([4.0, 1.0])
        out = op(mx.nd.array([[3.0, 4.0], [5.0, 0.0]]), mx.nd.array([2.0, 1.0]),
                 mx.nd.array([0.5, 0.0]), mean, var)
        return [out, mean, var]

    return {
        "elemwise": lambda: mx.nd.CachedOp(x + y * 2)(one(2), mx.nd.array([1.0, 3.0])),
        "group": lambda: mx.nd.CachedOp(mx.sym.Group([x + 1, y * 3]))(one(2), one(2)),
        "list_inputs": lambda: mx.sym.BatchNorm(x, name="bn").list_inputs(),
        "too_few_inputs": lambda: mx.nd.CachedOp(x + y)(one(2)),
        "conv_bias_change": conv_bias_change,
        "batchnorm_inference": batchnorm,
        "flags": lambda: mx.nd.CachedOp(x * 2, flags=[("static_alloc", "true")])(one(2)),
    }


# ------------------------------------------------------------------ common-subexpression pass
def cse(mx):
    """``get_optimized_symbol`` with MXNET_ELIMINATE_COMMON_EXPR unset, 0 and 1."""
    import os
    S = mx.sym

    def graphs():
        a, b, c = S.var("a"), S.var("b"), S.var("c")
        d = a + 1
        four = S.reshape(a, shape=(1, 1, 4, 4))
        bn_vars = [S.var(n) for n in ("g", "be", "mm", "mv")]
        ln_vars = [S.var("g"), S.var("be")]
        label = S.var("label")
        return {
            "plus_scalar_diff": lambda: (a + 1) + (a + 2),
            "ab_twice": lambda: (a + b) + (a + b),
            "abc_twice": lambda: ((a + b) + c) + ((a + b) + c),
            "group_same": lambda: S.Group([a * d, a * d]),
            "group_same_plus": lambda: S.Group([a * d + b, a * d + b]),
            "var_head_and_dups": lambda: S.Group([a, a + 1, a + 1]),
            "attrs_differ": lambda: S.sum(a, axis=0) + S.sum(a, axis=1),
            "fc_twice": lambda: S.FullyConnected(a, b, num_hidden=4, no_bias=True, name="f1")
            + S.FullyConnected(a, b, num_hidden=4, no_bias=True, name="f2"),
            "relu": lambda: S.Group([S.relu(a), S.relu(a)]),
            "sum": lambda: S.Group([S.sum(a), S.sum(a)]),
            "conv": lambda: S.Group([S.Convolution(four, S.reshape(b, shape=(1, 1, 4, 4)),
                                                   kernel=(4, 4), num_filter=1, no_bias=True)
                                     for _ in range(2)]),
            "pooling": lambda: S.Group([S.Pooling(four, kernel=(2, 2)) for _ in range(2)]),
            "dropout": lambda: S.Dropout(a) + S.Dropout(a),
            "batchnorm": lambda: S.Group([S.BatchNorm(a, *bn_vars) for _ in range(2)]),
            "layernorm": lambda: S.Group([S.LayerNorm(a, *ln_vars) for _ in range(2)]),
            "groupnorm": lambda: S.Group([S.GroupNorm(S.reshape(a, shape=(1, 4, 4)), *ln_vars)
                                          for _ in range(2)]),
            "instancenorm": lambda: S.Group([S.InstanceNorm(S.reshape(a, shape=(1, 4, 4)),
                                                            *ln_vars) for _ in range(2)]),
            "slice_channel": lambda: S.Group([S.SliceChannel(a, num_outputs=2)[0]
                                              for _ in range(2)]),
            "swapaxes": lambda: S.Group([S.swapaxes(a, 0, 1) for _ in range(2)]),
            "softmax_output": lambda: S.Group([S.SoftmaxOutput(a, label) for _ in range(2)]),
            "sampler": lambda: S.Group([S.sample_uniform(S.sum(a, axis=1), S.sum(b, axis=1))
                                        for _ in range(2)]),
            "make_loss": lambda: S.Group([S.MakeLoss(a) for _ in range(2)]),
            "rnn": lambda: S.Group([S.RNN(S.reshape(a, shape=(4, 1, 4)), S.reshape(b, shape=(-1,)),
                                          c, state_size=2, num_layers=1, mode="rnn_tanh")
                                    for _ in range(2)]),
            "roi_pooling": lambda: S.Group([S.ROIPooling(four, c, pooled_size=(2, 2),
                                                         spatial_scale=1.0) for _ in range(2)]),
            "svm_output": lambda: S.Group([S.SVMOutput(a, label) for _ in range(2)]),
        }

    def run(name, env):
        def go():
            saved = os.environ.pop("MXNET_ELIMINATE_COMMON_EXPR", None)
            try:
                if env is not None:
                    os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = env
                with mx.name.NameManager():
                    sym = graphs()[name]()
                kw = {n: (4, 4) for n in ("a", "b") if n in sym.list_arguments()}
                if "c" in sym.list_arguments():
                    kw["c"] = {"rnn": (1, 1, 2), "roi_pooling": (1, 5)}.get(name, (4, 4))
                shapes = dict(zip(sym.list_arguments(), sym.infer_shape_partial(**kw)[0]))
                opt = sym.simple_bind(mx.cpu(), grad_req="null", **shapes) \
                    .get_optimized_symbol()
                return [opt.list_outputs(), opt.get_internals().list_outputs()]
            finally:
                os.environ.pop("MXNET_ELIMINATE_COMMON_EXPR", None)
                if saved is not None:
                    os.environ["MXNET_ELIMINATE_COMMON_EXPR"] = saved
        return go

    names = list(graphs())
    return {"%s_%s" % (name, "default" if env is None else "env" + env): run(name, env)
            for name in names for env in (None, "0", "1")}


def run_section(mx, cases):
    """Each case's outcome; ``mx.nd.waitall()`` after each, so an error MXNet's engine holds
    (its Flatten/reshape of a zero-size array leaves "Check failed: delay_alloc") is charged
    to the case that caused it (``<section>_waitall``) and not to the next one."""
    results, after = {}, {}
    for name, fn in cases.items():
        results[name] = outcome(fn)
        waited = outcome(mx.nd.waitall)
        if "error" in waited:
            after[name] = waited
    return results, after


def all_facts(mx):
    """Every section's outcomes (np_shape sections run under ``mx.np_shape(True)``)."""
    facts = {}
    sections = [("zero_size", zero_size, True), ("zero_size_bind", zero_size_bind, True),
                ("legacy_zero", legacy_zero, False),
                ("take_raise", lambda m: read_all(take_raise(m)), False),
                ("numpy_interop", numpy_interop, False), ("dlpack", dlpack, False),
                ("pick", pick, False), ("group2ctx", group2ctx, False),
                ("cached_op", cached_op, False), ("cse", cse, False)]
    for name, cases, np_shape in sections:
        with mx.np_shape(np_shape):
            facts[name], facts[name + "_waitall"] = run_section(mx, cases(mx))
    return facts
