"""``mx.test_utils``: the helpers MXNet's own unit tests use, with MXNet's signatures.

Enough that MXNet 1.9.1's symbol/executor/operator tests run against symnb unchanged.
"""
from __future__ import annotations

import contextlib
import logging
import os
import platform
import random
import sys

import numpy as np
import numpy.testing as npt

from .context import Context, cpu
from .ndarray import array  # noqa: F401  -- MXNet's optimizer tests get it from here
from .optimizer._check import compare_ndarray_tuple, compare_optimizer  # noqa: F401

__all__ = ["default_context", "set_default_context", "default_dtype", "default_rtols",
           "compare_optimizer", "compare_ndarray_tuple", "array",
           "default_atols", "default_numeric_eps", "assert_almost_equal", "almost_equal",
           "assert_almost_equal_ignore_nan", "assert_allclose", "assert_exception", "same",
           "rand_ndarray", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "random_arrays",
           "random_sample", "np_reduce", "simple_forward", "numeric_grad",
           "check_numeric_gradient",
           "same_array",
           "check_symbolic_forward", "check_symbolic_backward", "check_consistency",
           "environment", "discard_stderr", "set_env_var", "use_np", "download",
           "retry", "gen_buckets_probs_with_ppf", "mean_check", "var_check",
           "chi_square_check", "verify_generator",
           "get_mnist", "get_mnist_ubyte", "get_mnist_pkl", "get_mnist_iterator",
           "get_cifar10", "get_zip_data", "get_bz2_data", "DummyIter", "list_gpus",
           # MXNet's test_utils has no __all__, so ``from mxnet.test_utils import *`` also
           # hands out the modules it imports; MXNet's tests use these without importing them
           "sys", "os", "logging", "np", "npt"]

logger = logging.getLogger(__name__)

_default_ctx = [None]


def is_aarch64_run():
    """Whether the tests run on an aarch64 machine (MXNet's tests skip some cases there).

    >>> is_aarch64_run() in (True, False)
    True
    """
    return platform.machine() == "aarch64"


def default_context():
    """The context tests run on (``cpu()`` unless set).

    >>> default_context()
    cpu(0)
    """
    return _default_ctx[0] or cpu()


def set_default_context(ctx):
    """Set the context returned by ``default_context``.

    >>> set_default_context(cpu()); default_context()
    cpu(0)
    """
    _default_ctx[0] = ctx


def default_dtype():
    """float32, MXNet's default.

    >>> default_dtype()
    <class 'numpy.float32'>
    """
    return np.float32


def default_rtols():
    """Relative tolerances per dtype.

    >>> default_rtols()[np.dtype(np.float32)]
    0.0001
    """
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
            np.dtype(np.float64): 1e-5, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.int64): 0}


def default_atols():
    """Absolute tolerances per dtype.

    >>> default_atols()[np.dtype(np.float64)]
    1e-20
    """
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
            np.dtype(np.float64): 1e-20, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.int64): 0}


def default_numeric_eps():
    """Finite-difference steps per dtype.

    >>> default_numeric_eps()[np.dtype(np.float64)]
    6.103515625e-05
    """
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def _np(a):
    return a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)


def _tol(a, b, rtol, atol):
    dtypes = [np.asarray(x).dtype for x in (a, b)]
    if rtol is None:
        rtol = max(default_rtols().get(d, 1e-5) for d in dtypes)
    if atol is None:
        atol = max(default_atols().get(d, 1e-20) for d in dtypes)
    return rtol, atol


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``|a - b| <= atol + rtol * |b|`` everywhere.

    >>> almost_equal(np.array([1.0]), np.array([1.0 + 1e-9]))
    True
    """
    a, b = _np(a), _np(b)
    rtol, atol = _tol(a, b, rtol, atol)
    if not use_broadcast and a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raise AssertionError with the worst mismatches when a and b differ.

    >>> assert_almost_equal(np.ones(2), np.ones(2))
    """
    a, b = _np(a), _np(b)
    rtol, atol = _tol(a, b, rtol, atol)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError("Shape mismatch: %s %s vs %s %s" % (names[0], a.shape, names[1],
                                                                 b.shape))
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a64, b64 = np.broadcast_arrays(a.astype(np.float64), b.astype(np.float64))
    err = np.abs(a64 - b64) / (atol + rtol * np.abs(b64))
    err[np.isnan(err)] = np.inf
    worst = np.unravel_index(np.argmax(err), err.shape) if err.size else ()
    raise AssertionError(
        "\nItems are not equal:\nError %f exceeds tolerance rtol=%e, atol=%e. Location of "
        "maximum error: %s, %s=%s, %s=%s\n %s: %s\n %s: %s"
        % (float(err.max()) if err.size else 0.0, rtol, atol, worst, names[0],
           a64[worst] if err.size else None, names[1], b64[worst] if err.size else None,
           names[0], a, names[1], b))


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """assert_almost_equal after copying NaNs of either array into both.

    >>> assert_almost_equal_ignore_nan(np.array([np.nan, 1.0]), np.array([5.0, 1.0]))
    """
    a, b = np.copy(_np(a)), np.copy(_np(b))
    nan = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan] = 0
    b[nan] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """numpy.testing.assert_allclose on NDArrays or arrays.

    >>> assert_allclose(np.ones(2), np.ones(2))
    """
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that ``f(*args, **kwargs)`` raises ``exception_type``.

    >>> assert_exception(int, ValueError, 'x')
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError("%s did not raise %s" % (getattr(f, "__name__", f), exception_type))


def same(a, b):
    """Exact equality of two arrays.

    >>> same(np.ones(2), np.ones(2))
    True
    """
    return bool(np.array_equal(_np(a), _np(b)))


def same_array(array1, array2):
    """Whether two NDArrays share memory: adding 1 to the first must show in the second
    (MXNet's check; both are restored).

    >>> import symnb as mx
    >>> x = mx.nd.zeros((2,)); same_array(x, x[:]), same_array(x, x.copy())
    (True, False)
    """
    array1[:] += 1
    if not same(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return same(array1.asnumpy(), array2.asnumpy())


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-D shape.

    >>> len(rand_shape_2d())
    2
    """
    low = 0 if allow_zero_size else 1
    return random.randint(low, dim0), random.randint(low, dim1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-D shape.

    >>> len(rand_shape_3d())
    3
    """
    low = 0 if allow_zero_size else 1
    return random.randint(low, dim0), random.randint(low, dim1), random.randint(low, dim2)


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape with ``num_dim`` dimensions.

    >>> len(rand_shape_nd(4))
    4
    """
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim).tolist())


def random_arrays(*shapes):
    """Random float32 NumPy arrays (a scalar for shape ()), one per shape.

    >>> random_arrays((2, 3)).shape
    (2, 3)
    """
    arrays = [np.array(np.random.randn(), dtype=np.float32) if len(s) == 0 else
              np.random.randn(*s).astype(np.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_sample(population, k):
    """``k`` distinct random items.

    >>> len(random_sample([1, 2, 3], 2))
    2
    """
    return random.sample(list(population), k)


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A random dense NDArray (sparse storage types are not supported by symnb).

    >>> rand_ndarray((2, 3)).shape
    (2, 3)
    """
    from . import ndarray as nd
    if stype != "default":
        raise NotImplementedError("symnb supports only dense ('default') storage")
    return nd.array(np.random.uniform(-1, 1, size=shape), ctx=ctx or default_context(),
                    dtype=dtype or np.float32)


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce with a NumPy function over several axes (MXNet's helper).

    >>> np_reduce(np.ones((2, 3)), 1, False, np.sum).tolist()
    [3.0, 3.0]
    """
    if isinstance(axis, int):
        axis = [axis]
    else:
        axis = list(axis) if axis is not None else list(range(len(dat.shape)))
    ret = dat
    for i in reversed(sorted(axis)):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axis:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def _as_ctx(ctx):
    return ctx if isinstance(ctx, Context) else default_context()


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Bind NumPy inputs, run forward, return NumPy outputs (one or a list).

    >>> import symnb as mx
    >>> simple_forward(mx.sym.var('a') * 2, a=np.ones(2)).tolist()
    [2.0, 2.0]
    """
    from . import ndarray as nd
    ctx = _as_ctx(ctx)
    inputs = {k: nd.array(v, ctx=ctx, dtype=np.asarray(v).dtype) for k, v in inputs.items()}
    exe = sym.bind(ctx, args=inputs)
    exe.forward(is_train=is_train)
    outputs = [x.asnumpy() for x in exe.outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def _parse_location(sym, location, ctx, dtype):
    from . import ndarray as nd
    names = sym.list_arguments()
    if isinstance(location, dict):
        if set(location) != set(names):
            raise ValueError("Symbol arguments and keys of the given location do not match. "
                             "symbol args:%s, location.keys():%s"
                             % (str(set(names)), str(set(location))))
    else:
        location = dict(zip(names, location))
    return {k: v.as_in_context(ctx) if isinstance(v, nd.NDArray) else
            nd.array(v, ctx=ctx, dtype=dtype if dtype is not None else np.asarray(v).dtype)
            for k, v in location.items()}


def _parse_aux(sym, aux_states, ctx, dtype):
    from . import ndarray as nd
    if aux_states is None:
        return None
    names = sym.list_auxiliary_states()
    if not isinstance(aux_states, dict):
        aux_states = dict(zip(names, aux_states))
    return {k: v if isinstance(v, nd.NDArray) else
            nd.array(v, ctx=ctx, dtype=dtype if dtype is not None else np.asarray(v).dtype)
            for k, v in aux_states.items()}


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None,
                           ctx=None, equal_nan=False, dtype=np.float32):
    """Compare forward outputs with expected NumPy arrays.

    >>> import symnb as mx
    >>> _ = check_symbolic_forward(mx.sym.var('a') * 2, [np.ones(2)], [2 * np.ones(2)])
    """
    ctx = _as_ctx(ctx)
    location = _parse_location(sym, location, ctx, dtype)
    aux = _parse_aux(sym, aux_states, ctx, dtype)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    exe = sym.bind(ctx, args=location, aux_states=aux)
    exe.forward(is_train=False)
    outputs = [x.asnumpy() for x in exe.outputs]
    for name, out, exp in zip(sym.list_outputs(), outputs, expected):
        assert_almost_equal(out, exp, rtol, atol, ("FORWARD_%s" % name, "EXPECTED_%s" % name),
                            equal_nan=equal_nan)
    return outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req="write", ctx=None, grad_stypes=None,
                            equal_nan=False, dtype=np.float32):
    """Compare gradients from backward with expected NumPy arrays.

    >>> import symnb as mx
    >>> _ = check_symbolic_backward(mx.sym.var('a') * 2, [np.ones(2)], [np.ones(2)],
    ...                             [2 * np.ones(2)])
    """
    from . import ndarray as nd
    ctx = _as_ctx(ctx)
    location = _parse_location(sym, location, ctx, dtype)
    aux = _parse_aux(sym, aux_states, ctx, dtype)
    names = sym.list_arguments()
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(names, expected))
    args_grad_npy = {k: np.random.normal(size=location[k].shape) for k in expected}
    args_grad = {k: nd.array(v, ctx=ctx, dtype=location[k].dtype)
                 for k, v in args_grad_npy.items()}
    if isinstance(grad_req, str):
        grad_req = {k: grad_req for k in names}
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(names, grad_req))
    exe = sym.bind(ctx, args=location, args_grad=args_grad, aux_states=aux, grad_req=grad_req)
    exe.forward(is_train=True)
    if isinstance(out_grads, (tuple, list)):
        outg = [nd.array(v, ctx=ctx, dtype=np.asarray(v).dtype if not isinstance(v, nd.NDArray)
                         else v.dtype) if not isinstance(v, nd.NDArray) else v
                for v in out_grads]
    elif isinstance(out_grads, dict):
        outg = {k: nd.array(v, ctx=ctx) if not isinstance(v, nd.NDArray) else v
                for k, v in out_grads.items()}
    else:
        outg = None if out_grads is None else [out_grads]
    exe.backward(outg)
    grads = {k: v.asnumpy() for k, v in exe.grad_dict.items() if v is not None}
    for name in expected:
        req = grad_req.get(name, "null")
        if req == "write":
            assert_almost_equal(grads[name], expected[name], rtol, atol,
                                ("BACKWARD_%s" % name, "EXPECTED_%s" % name), equal_nan=equal_nan)
        elif req == "add":
            assert_almost_equal(grads[name], expected[name] + args_grad_npy[name], rtol, atol,
                                ("BACKWARD_%s" % name, "EXPECTED_%s" % name), equal_nan=equal_nan)
        elif req == "null":
            assert_almost_equal(grads[name], args_grad_npy[name], rtol, atol,
                                ("BACKWARD_%s" % name, "EXPECTED_%s" % name), equal_nan=equal_nan)
    return grads


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True,
                 dtype=np.float32):
    """Central differences of ``sum(executor.outputs[0])`` for every float argument.

    Each element of ``location`` (NumPy arrays by argument name) is moved by ``eps / 2``
    both ways *inside the executor's own argument arrays*, as MXNet does, and the result
    is kept in ``dtype``.

    >>> import symnb as mx
    >>> a = mx.sym.var('a')
    >>> exe = (a * a).bind(mx.cpu(), args={'a': mx.nd.array([1.0, 2.0], dtype='float64')})
    >>> numeric_grad(exe, {'a': np.array([1.0, 2.0])}, eps=1e-3, dtype=np.float64)['a']
    array([2., 4.])
    """
    from . import ndarray as nd
    assert dtype in (np.float16, np.float32, np.float64)
    approx_grads = {k: np.zeros(v.shape, dtype=dtype) for k, v in location.items()}
    for k, v in location.items():
        executor.arg_dict[k][:] = nd.array(v, dtype=dtype)
    location = {k: np.asarray(v, order="C") for k, v in location.items()}

    def total(values, name):
        executor.arg_dict[name][:] = nd.array(values, dtype=dtype)
        if aux_states is not None:
            for key, val in aux_states.items():
                executor.aux_dict[key][:] = nd.array(val, dtype=dtype)
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy()

    for k, v in location.items():
        if v.dtype.kind != "f":
            continue
        old_value = v.copy()
        flat = v.reshape(-1)            # a view: v is C-ordered
        for i in range(flat.size):
            flat[i] += eps / 2.0
            f_peps = total(v, k)
            flat[i] -= eps
            f_neps = total(v, k)
            approx_grads[k].reshape(-1)[i] = (f_peps - f_neps).sum() / eps
            flat[i] = old_value.reshape(-1)[i]
        executor.arg_dict[k][:] = nd.array(old_value, dtype=dtype)
    return approx_grads


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=np.float32):
    """Compare backward with finite differences, MXNet's way: ``make_loss(sym * proj)``
    with a projection drawn from ``U[0.1, 1.1)``, only the first output, differences taken
    in ``dtype`` and compared with MXNet's default tolerances for that dtype. Gradients
    requested with ``'add'`` start from small random values, which are subtracted before
    the comparison; ``'null'`` ones must stay untouched.

    >>> import symnb as mx
    >>> a = mx.sym.var('a')
    >>> check_numeric_gradient(a * a, [np.array([1.0, 2.0])], dtype=np.float64)
    """
    from . import ndarray as nd
    from .symbol import Variable, make_loss
    assert dtype in (np.float16, np.float32, np.float64)
    ctx = _as_ctx(ctx)
    location = _parse_location(sym, location, ctx, dtype)
    location_npy = {k: v.asnumpy() for k, v in location.items()}
    aux = _parse_aux(sym, aux_states, ctx, dtype)
    aux_npy = None if aux is None else {k: v.asnumpy() for k, v in aux.items()}
    if grad_nodes is None:
        grad_nodes = sym.list_arguments()
        grad_req = {k: "write" for k in grad_nodes}
    elif isinstance(grad_nodes, (list, tuple)):
        grad_nodes = list(grad_nodes)
        grad_req = {k: "write" for k in grad_nodes}
    elif isinstance(grad_nodes, dict):
        grad_req = dict(grad_nodes)
        grad_nodes = list(grad_nodes)
    else:
        raise ValueError("grad_nodes must be None, a list/tuple or a dict, got %r"
                         % type(grad_nodes).__name__)

    out_shape = sym.infer_shape(**{k: v.shape for k, v in location.items()})[1]
    out = make_loss(sym * Variable("__random_proj"))
    # the projection must not be tiny, or the finite differences drown in rounding
    location["__random_proj"] = nd.array(np.random.rand(*out_shape[0]) + 0.1, ctx=ctx,
                                         dtype=dtype)
    args_grad_npy = {k: np.random.normal(0, 0.01, size=location[k].shape)
                     for k in grad_nodes}
    args_grad_npy["__random_proj"] = np.random.normal(0, 0.01, size=out_shape[0])
    args_grad = {k: nd.array(v, ctx=ctx, dtype=dtype) for k, v in args_grad_npy.items()}
    executor = out.bind(ctx, grad_req=grad_req, args=location, args_grad=args_grad,
                        aux_states=aux)
    executor.forward(is_train=True)
    if numeric_eps is None:
        numeric_eps = default_numeric_eps()[np.dtype(executor.outputs[0].dtype)]
    if dtype in (np.float32, np.float16):
        # finite differences with a smaller step need more precision than these types have
        assert numeric_eps >= 1e-5
    executor.backward()
    symbolic_grads = executor.grad_dict
    numeric = numeric_grad(executor, location_npy, aux_npy, eps=numeric_eps,
                           use_forward_train=use_forward_train, dtype=dtype)
    for name in grad_nodes:
        names = ("NUMERICAL_%s" % name, "BACKWARD_%s" % name)
        req = grad_req[name]
        if req == "write":
            assert_almost_equal(numeric[name], symbolic_grads[name], rtol, atol, names)
        elif req == "add":
            assert_almost_equal(numeric[name],
                                symbolic_grads[name].asnumpy() - args_grad_npy[name],
                                rtol, atol, names)
        elif req == "null":
            assert_almost_equal(args_grad_npy[name], symbolic_grads[name], rtol, atol, names)
        else:
            raise ValueError("Invalid grad_req %s for argument %s" % (req, name))


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None,
                      aux_params=None, tol=None, raise_on_err=True, ground_truth=None,
                      equal_nan=False, use_uniform=False, rand_type=np.float64):
    """Run ``sym`` on every context/dtype in ``ctx_list`` and compare with the most precise.

    >>> import symnb as mx
    >>> _ = check_consistency(mx.sym.var('a') * 2, [{'ctx': mx.cpu(), 'a': (2,)},
    ...                       {'ctx': mx.cpu(), 'a': (2,), 'type_dict': {'a': np.float64}}])
    """
    from . import ndarray as nd
    if tol is None:
        tol = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
               np.dtype(np.float64): 1e-5, np.dtype(np.uint8): 0, np.dtype(np.int32): 0,
               np.dtype(np.int64): 0}
    elif isinstance(tol, (float, int)):
        tol = {np.dtype(t): tol for t in (np.float16, np.float32, np.float64, np.uint8,
                                           np.int32, np.int64)}
    syms = sym if isinstance(sym, list) else [sym] * len(ctx_list)
    exes = []
    for s, spec in zip(syms, ctx_list):
        spec = dict(spec)
        ctx = spec.pop("ctx")
        type_dict = spec.pop("type_dict", None)
        exes.append(s.simple_bind(ctx, grad_req=grad_req, type_dict=type_dict, **spec))
    arg_params = dict(arg_params or {})
    aux_params = dict(aux_params or {})
    for name, arr in exes[0].arg_dict.items():
        if name not in arg_params:
            arg_params[name] = (np.random.uniform(-scale, scale, arr.shape) if use_uniform
                                else np.random.normal(0, scale, arr.shape)).astype(rand_type)
    for name, arr in exes[0].aux_dict.items():
        if name not in aux_params:
            aux_params[name] = np.zeros(arr.shape, dtype=rand_type)
    for exe in exes:
        for name, arr in exe.arg_dict.items():
            arr[:] = arg_params[name]
        for name, arr in exe.aux_dict.items():
            arr[:] = aux_params[name]
    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in exes]
    max_idx = int(np.argmax([d.itemsize if d.kind == "f" else 0 for d in dtypes]))
    for exe in exes:
        exe.forward(is_train=True)
    gt = ground_truth or {}
    if not gt:
        gt.update({"output_%d" % i: o.asnumpy() for i, o in enumerate(exes[max_idx].outputs)})
    for exe in exes:
        for i, out in enumerate(exe.outputs):
            try:
                assert_almost_equal(out.asnumpy(), gt["output_%d" % i],
                                    rtol=tol[np.dtype(out.dtype)], atol=tol[np.dtype(out.dtype)],
                                    equal_nan=equal_nan)
            except AssertionError:
                if raise_on_err:
                    raise
    if grad_req != "null":
        for exe in exes:
            exe.backward([nd.array(o.asnumpy(), ctx=o.context, dtype=o.dtype)
                          for o in exes[max_idx].outputs])
    return gt


@contextlib.contextmanager
def environment(*args):
    """Temporarily set environment variables: ``environment('K', 'v')`` or a dict.

    >>> with environment('SYMNB_TEST_VAR', '1'):
    ...     os.environ['SYMNB_TEST_VAR']
    '1'
    """
    if len(args) == 2:
        updates = {args[0]: args[1]}
    elif len(args) == 1 and isinstance(args[0], dict):
        updates = args[0]
    else:
        raise ValueError("environment() takes a name and a value, or a dict")
    saved = {k: os.environ.get(k) for k in updates}
    try:
        for k, v in updates.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def discard_stderr():
    """Silence writes to stderr (file descriptor 2) inside the block.

    >>> with discard_stderr():
    ...     pass
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)


def set_env_var(key, val, default_val=""):
    """Set an environment variable; returns its previous value (or ``default_val``).

    >>> set_env_var('SYMNB_SET_ENV_DOCTEST', '1', '0')
    '0'
    """
    prev = os.environ.get(key, default_val)
    os.environ[key] = val
    return prev


def use_np(func):
    """Run ``func`` (or every method of a class) with numpy shape semantics on.

    symnb has no separate ``mx.np`` array interface; this switches the shape semantics that
    MXNet's ``use_np`` also switches.

    >>> from symnb.util import is_np_shape
    >>> use_np(is_np_shape)()
    True
    """
    from .util import use_np_shape
    if isinstance(func, type):
        for name, attr in list(vars(func).items()):
            if callable(attr) and not name.startswith("__"):
                setattr(func, name, use_np_shape(attr))
        return func
    return use_np_shape(func)


def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """Download ``url`` to ``fname`` (default: the URL's last path part, inside ``dirname``)
    and return the file name; an existing file is kept unless ``overwrite``. A failed attempt
    (an error or a status other than 200) is retried until ``retries`` attempts have failed,
    then the last error is raised.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'kept.txt')
    >>> open(path, 'w').close()
    >>> download('http://unused.invalid/kept.txt', fname=path) == path  # exists: no download
    True
    """
    import urllib.request
    assert retries >= 0, "Number of retries should be at least 0"
    if fname is None:
        fname = url.split("/")[-1]
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname:
        os.makedirs(dirname, exist_ok=True)
    if not overwrite and os.path.exists(fname):
        logger.info("%s exists, skipping download", fname)
        return fname
    while True:
        try:
            with urllib.request.urlopen(url) as response:
                assert response.status == 200, "failed to open %s" % url
                with open(fname, "wb") as f:
                    for chunk in iter(lambda: response.read(1024), b""):
                        f.write(chunk)
            break
        except Exception:
            retries -= 1
            if retries <= 0:
                raise
            # MXNet prints this notice; a log record keeps test output clean
            logger.warning("download failed, retrying, %d attempt%s left", retries,
                           "s" if retries > 1 else "")
    logger.info("downloaded %s into %s successfully", url, fname)
    return fname


# MNIST/CIFAR helpers: where MXNet keeps the files, and what to do offline
from ._datasets import (  # noqa: E402 -- they use download() above
    DummyIter,
    get_bz2_data,
    get_cifar10,
    get_mnist,
    get_mnist_iterator,
    get_mnist_pkl,
    get_mnist_ubyte,
    get_zip_data,
    list_gpus,
)


# ------------------------------------------------------------------ statistical checks
def retry(n):
    """Decorator: run a stochastic test up to ``n`` times, failing only if every run fails.

    >>> calls = []
    >>> @retry(3)
    ... def flaky():
    ...     calls.append(1)
    ...     assert len(calls) == 2
    >>> flaky(); len(calls)
    2
    """
    assert n > 0

    def decorate(f):
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise
        return wrapper
    return decorate


def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """``nbuckets`` equal-probability buckets ``[(lo, hi), ...]`` from a percent-point
    function, and their probabilities.

    >>> gen_buckets_probs_with_ppf(lambda q: q * 10, 2)
    ([(0.0, 5.0), (5.0, 10.0)], [0.5, 0.5])
    """
    assert nbuckets > 0
    probs = [1.0 / nbuckets] * nbuckets
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets)))
               for i in range(nbuckets)]
    return buckets, probs


def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the sample mean of ``generator(nsamples)`` lies within 3 standard errors of
    ``mu``.

    >>> mean_check(lambda n: np.random.RandomState(0).normal(0, 1, n), 0.0, 1.0, 10000)
    True
    """
    samples = np.asarray(generator(nsamples))
    bound = 3 * sigma / np.sqrt(nsamples)
    return bool(mu - bound < samples.mean() < mu + bound)


def var_check(generator, sigma, nsamples=1000000):
    """Whether the sample variance lies within 3 standard errors of ``sigma ** 2``.

    >>> var_check(lambda n: np.random.RandomState(0).normal(0, 2, n), 2.0, 10000)
    True
    """
    samples = np.asarray(generator(nsamples))
    bound = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool(sigma ** 2 - bound < samples.var(ddof=1) < sigma ** 2 + bound)


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of ``generator(nsamples)`` against bucket probabilities.

    ``buckets`` are ``(lo, hi)`` intervals (continuous) or values (discrete). Returns the
    p-value, the observed and the expected counts. Needs SciPy, as MXNet's does (symnb does
    not depend on it); without SciPy:

    >>> import sys, unittest.mock
    >>> with unittest.mock.patch.dict(sys.modules, {'scipy': None, 'scipy.stats': None}):
    ...     chi_square_check(lambda n: np.arange(n) % 2, [0, 1], [0.5, 0.5], nsamples=10)
    Traceback (most recent call last):
    ...
    ImportError: scipy is not available. Please check if the scipy python bindings are installed.
    """
    try:
        import scipy.stats as ss
    except ImportError:
        raise ImportError("scipy is not available. Please check if the scipy python bindings "
                          "are installed.") from None
    assert isinstance(buckets, list) and len(probs) == len(buckets)
    samples = np.asarray(generator(nsamples))
    if isinstance(buckets[0], (list, tuple)):
        edges = np.asarray([e for b in buckets for e in b], dtype=np.float32)
        ids = np.searchsorted(edges, samples, side="right") // 2
        obs = np.array([(ids == i).sum() for i in range(len(buckets))])
    else:
        obs = np.array([(samples == b).sum() for b in buckets])
    expected = (nsamples * np.asarray(probs, dtype=np.float32)).astype(np.int32)
    # SciPy requires equal totals; MXNet's int32 rounding of the expected counts may not
    scaled = expected * (obs.sum() / max(expected.sum(), 1))
    _, p = ss.chisquare(f_obs=obs, f_exp=scaled)
    return p, obs, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2,
                     alpha=0.05):
    """Repeat :func:`chi_square_check`; fail unless at least ``success_rate`` of the runs
    have p > ``alpha``. Returns the p-values.

    Needs SciPy, as :func:`chi_square_check` does; without it:

    >>> import sys, unittest.mock
    >>> with unittest.mock.patch.dict(sys.modules, {'scipy': None, 'scipy.stats': None}):
    ...     verify_generator(lambda n: np.arange(n) % 2, [0, 1], [0.5, 0.5], nsamples=10)
    Traceback (most recent call last):
    ...
    ImportError: scipy is not available. Please check if the scipy python bindings are installed.
    """
    results = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    ps = [r[0] for r in results]
    if (np.array(ps) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError("Generator test fails, Chi-square p=%s, obs_freq=%s, "
                             "expected_freq=%s.\nbuckets=%s, probs=%s"
                             % (ps, [r[1] for r in results], [r[2] for r in results], buckets,
                                probs))
    return ps
