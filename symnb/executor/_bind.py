"""``Symbol.bind`` and ``Symbol.simple_bind``: argument checking in MXNet's order, then a plan.

Processing order follows spec executor.md 1: ctx, args, args_grad, aux_states, grad_req, then
shape/type inference with the bound arrays and the context check.
"""
from __future__ import annotations

import functools
import gc
import logging
import math
import operator

import numpy as np

from ..base import DTYPE_TO_CODE, MXNetError
from ..context import Context
from ..inference import infer_graph
from ..ops._registry import InferError, storage_error
from ..ops._rules import fmt_shape
from ..util import is_np_shape
from ._zero_size import infer_graph_shapes

__all__ = ["bind", "simple_bind", "check_size"]

_REQS = {"null": 0, "write": 1, "add": 3}
_UINT_MAX = 2**32 - 1         # simple_bind passes shapes to MXNet as mx_uint


def _nd_class():
    from ..ndarray import NDArray
    return NDArray


def _as_nd_list(values, names, what, allow_none=False):
    NDArray = _nd_class()
    if isinstance(values, list):
        if len(values) != len(names):
            raise ValueError("Length of %s does not match the number of arguments" % what)
        for v in values:
            if not (isinstance(v, NDArray) or (allow_none and v is None)):
                raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
        return values, True
    if isinstance(values, dict):
        out = []
        for name in names:
            if name not in values:
                if allow_none:
                    out.append(None)
                    continue
                raise ValueError("key `%s` is missing in `%s`" % (name, what))
            v = values[name]
            if not (isinstance(v, NDArray) or (allow_none and v is None)):
                raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
            out.append(v)
        return out, False
    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")


def normalize_grad_req(grad_req, arg_names):
    """Per-argument requests from a str, list or dict (spec executor.md 1.5)."""
    if isinstance(grad_req, str):
        if grad_req not in _REQS:
            raise ValueError("grad_req must be in %s" % str(_REQS))
        return [grad_req] * len(arg_names)
    if isinstance(grad_req, list):
        if len(grad_req) != len(arg_names):
            raise ValueError("grad_req list has %d entries but the symbol has %d arguments %s"
                             % (len(grad_req), len(arg_names), arg_names))
        for r in grad_req:
            if r not in _REQS:
                raise KeyError(r)
        return list(grad_req)
    if isinstance(grad_req, dict):
        for r in grad_req.values():
            if r not in _REQS:
                raise KeyError(r)
        return [grad_req.get(n, "null") for n in arg_names]
    raise TypeError("grad_req must be a str ('write', 'add' or 'null'), a list of str or a "
                    "dict str -> str, got %s" % type(grad_req).__name__)


def _gc_paused(fn):
    """``fn`` with Python's cyclic garbage collector paused while it runs.

    A bind makes several objects per node (steps, closures, buffer records), all of which
    live on, so every generation-2 pass the allocations trigger walks the whole growing graph
    for nothing: bind's cost per node grew 2.2x from 1,000 to 10,000 nodes (32.7 -> 71.7 us,
    thread time, best of 3), and is flat without those passes (42.7 -> 42.4 us). Whatever
    garbage a bind leaves is collected at the next pass after it.
    """
    @functools.wraps(fn)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()
    return paused


@_gc_paused
def bind(symbol, ctx, args, args_grad=None, grad_req="write", aux_states=None,
         group2ctx=None, shared_exec=None, reuse=None):
    """``Symbol.bind``: an Executor over arrays you give (aliased, not copied).

    ``args``, ``args_grad`` and ``aux_states`` are lists in ``list_arguments()`` /
    ``list_auxiliary_states()`` order or dicts by name; ``grad_req`` is 'write', 'add' or
    'null', one for all or per argument. ``reuse`` is symnb's own: buffers a reshaped
    executor takes over.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> ex = bind(a - b, mx.cpu(), [mx.nd.ones(2) * 5, mx.nd.ones(2)])
    >>> ex.forward()[0].asnumpy()
    array([4., 4.], dtype=float32)
    """
    from .executor import Executor

    if not isinstance(ctx, Context):
        raise TypeError("Context type error")
    order, arg_nodes, aux_nodes = symbol._variables()
    arg_names = [n.name for n in arg_nodes]
    aux_names = [n.name for n in aux_nodes]
    arg_nds, args_is_list = _as_nd_list(args, arg_names, "args")
    grad_list = None
    if args_grad is not None:
        grad_list, grads_is_list = _as_nd_list(args_grad, arg_names, "args_grad",
                                               allow_none=True)
        if grads_is_list:
            grad_list = args_grad
    if aux_states is None:
        aux_states = []
    if isinstance(aux_states, list) and len(aux_states) != len(aux_names):
        raise ValueError("Length of aux_states does not match the number of arguments")
    aux_nds, _ = _as_nd_list(aux_states, aux_names, "aux_states")
    reqs = normalize_grad_req(grad_req, arg_names)

    _check_groups(order, group2ctx)
    shapes, dtypes = _infer_bound(order, arg_nodes, arg_nds, aux_nodes, aux_nds)
    _check_bound(ctx, arg_nodes, arg_nds, aux_nodes, aux_nds, grad_list, shapes, dtypes,
                 group2ctx)
    _check_sizes(order, shapes, dtypes, ctx)
    _check_dense_gradients(order, arg_nodes, reqs, grad_list, ctx)
    try:
        return Executor(symbol, ctx, order, arg_nodes, aux_nodes, arg_nds,
                        args if args_is_list else list(arg_nds), grad_list, reqs, aux_nds,
                        shapes, dtypes, group2ctx, reuse)
    except MemoryError as e:
        raise MXNetError("MXNetError: Failed to allocate CPU Memory for the executor's "
                         "buffers (%s)" % e) from None


def _check_groups(order, group2ctx) -> None:
    """MXNet's device placement: with a non-empty ``group2ctx`` every ``ctx_group`` in the
    graph must be mapped (the first unmapped one in topological order is named)."""
    if not group2ctx:
        return
    for node in order:
        group = node.attrs.get("__ctx_group__")
        if group is not None and group not in group2ctx:
            raise MXNetError("MXNetError: Check failed: dit != device_assign_map.end(): The "
                             "device assignment not found for group %s" % group)


def _check_sizes(order, shapes, dtypes, ctx) -> None:
    """Every buffer the executor will allocate, checked before the first is, each
    operator's checks on concrete shapes (``OpDef.check_bound``), and MXNet's storage-type
    pass: an operator with no dense kernel fails the bind (``OpDef.dense_unsupported``)."""
    for node in order:
        for i, (shape, dtype) in enumerate(zip(shapes[id(node)], dtypes[id(node)])):
            check_size(node.name if node.op is None else "%s output %d" % (node.name, i),
                       shape, dtype)
        if node.op is not None:
            ins = [shapes[id(e.node)][e.index] for e in node.inputs]
            try:
                node.op.check_bound(node.params, ins, list(shapes[id(node)]))
            except InferError as e:
                raise MXNetError("MXNetError: Error in operator %s: %s"
                                 % (node.name, str(e).replace("{node}", node.name))) from None
            first = node.inputs[0] if node.inputs else None
            refused = None if first is None else node.op.refused_dtype_text(
                dtypes[id(first.node)][first.index])
            if refused is not None:     # MXNet fails when the kernel runs; symnb before that
                raise MXNetError("MXNetError: Error in operator %s: %s" % (node.name, refused))
    for node in order:
        if node.op is not None and node.op.dense_unsupported:
            raise storage_error(node.op, node.attrs, len(node.inputs), ctx, node.name)


def _check_dense_gradients(order, arg_nodes, reqs, grad_list, ctx) -> None:
    """MXNet's storage pass over the backward graph: an operator whose backward has no dense
    kernel (``OpDef.dense_backward_unsupported``, SparseEmbedding) fails a ``bind`` given
    dense gradient arrays for its inputs; ``simple_bind`` makes the sparse ones MXNet's
    kernel takes there, and runs."""
    if grad_list is None:
        return
    wanted = {id(n) for n, req, grad in zip(arg_nodes, reqs, grad_list, strict=True)
              if req != "null" and grad is not None}
    for node in order:
        op = node.op
        if op is not None and op.dense_backward_unsupported and any(
                id(e.node) in wanted for e in node.inputs):
            raise storage_error(op, node.attrs, 0, ctx, node.name + "_backward",
                                backward=op.dense_backward_unsupported)


def check_size(what, shape, dtype) -> None:
    """Refuse an array NumPy cannot make, before anything is allocated (exact arithmetic)."""
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    if nbytes > np.iinfo(np.intp).max:
        raise MXNetError("MXNetError: Failed to allocate CPU Memory (%s: shape %s of %s needs "
                         "%d bytes, past the largest array NumPy can make)"
                         % (what, fmt_shape(shape), np.dtype(dtype).name, nbytes))


def _infer_bound(order, arg_nodes, arg_nds, aux_nodes, aux_nds):
    given_s, given_t = {}, {}
    for n, nd in list(zip(arg_nodes, arg_nds)) + list(zip(aux_nodes, aux_nds)):
        given_s[id(n)] = tuple(nd.shape)
        given_t[id(n)] = np.dtype(nd.dtype)
    shapes = infer_graph_shapes(order, given_s)
    dtypes = infer_graph(order, given_t, "type").values
    consumed = {(id(e.node), e.index) for n in order for e in n.inputs}
    for node in order:
        for i, (s, t) in enumerate(zip(shapes[id(node)], dtypes[id(node)])):
            if s is None and t is not None and node.op is not None and \
                    node.op.dynamic_shape and (id(node), i) not in consumed:
                # a value-dependent shape read only as a graph output (boolean_mask): MXNet
                # binds it and sizes the output when the node runs; a placeholder until then
                shapes[id(node)][i] = (0,)
                continue
            if _undecided(s) or t is None:
                what = node.name if node.op is None else "%s output %d" % (node.name, i)
                raise MXNetError("MXNetError: cannot decide the %s of %s from the bound arrays"
                                 % ("shape" if _undecided(s) else "dtype", what))
    return shapes, dtypes


def _undecided(shape) -> bool:
    """Whether an inferred shape still has unknown dimensions (0 in legacy shape semantics;
    under ``mx.np_shape`` every given dim is known, so a 0 is a zero-size dimension)."""
    return shape is None or any(d < 0 or (d == 0 and not is_np_shape()) for d in shape)


def _check_bound(ctx, arg_nodes, arg_nds, aux_nodes, aux_nds, grad_list, shapes, dtypes,
                 group2ctx):
    for kind, nodes, nds in (("argument", arg_nodes, arg_nds), ("auxiliary state", aux_nodes,
                                                                aux_nds)):
        for n, nd in zip(nodes, nds):
            want = tuple(shapes[id(n)][0])
            if tuple(nd.shape) != want:
                raise MXNetError("MXNetError: Shape inconsistent for %s %s: the bound array "
                                 "has shape %s but the graph needs %s"
                                 % (kind, n.name, fmt_shape(nd.shape), fmt_shape(want)))
            _check_ctx(ctx, nd, group2ctx)
    if grad_list is not None:
        for n, g in zip(arg_nodes, grad_list):
            if g is None:
                continue
            want_shape, want_dtype = tuple(shapes[id(n)][0]), np.dtype(dtypes[id(n)][0])
            size = int(np.prod(want_shape))
            if int(np.prod(g.shape)) != size:
                raise MXNetError("MXNetError: gradient array for argument %s has shape %s "
                                 "(%d elements) but the argument has shape %s (%d elements)"
                                 % (n.name, g.shape, int(np.prod(g.shape)), want_shape, size))
            if np.dtype(g.dtype) != want_dtype:
                raise MXNetError("MXNetError: gradient array for argument %s has dtype %s but "
                                 "the argument has dtype %s"
                                 % (n.name, np.dtype(g.dtype).name, want_dtype.name))
            _check_ctx(ctx, g, group2ctx)


def _check_ctx(ctx, nd, group2ctx):
    if nd.context == ctx:
        return
    if group2ctx and nd.context in group2ctx.values():
        return
    if ctx.device_type != "gpu" and nd.context.device_type != "gpu" and group2ctx:
        return
    raise MXNetError("MXNetError: Check failed: x == default_ctx: Input array is in %s while "
                     "binding with ctx=%s. All arguments must be in global context (%s) unless "
                     "group2ctx is specified for cross-device graph." % (nd.context, ctx, ctx))


# ------------------------------------------------------------------------------ simple_bind
@_gc_paused
def simple_bind(symbol, ctx, grad_req="write", type_dict=None, stype_dict=None,
                group2ctx=None, shared_arg_names=None, shared_exec=None, shared_buffer=None,
                kwargs=None):
    """``Symbol.simple_bind``: allocate arguments, gradients and aux states from the shapes
    in ``kwargs`` (a dict, not keywords) and dtypes in ``type_dict``, then bind.

    Inference and allocation errors come as MXNet's do: ``RuntimeError('simple_bind error.
    Arguments: ...')`` listing the given shapes, then MXNet's message.

    >>> import symnb as mx
    >>> ex = simple_bind(mx.sym.var('a') * 2, mx.cpu(), type_dict={'a': 'float64'},
    ...                  kwargs={'a': (2, 3)})
    >>> ex.arg_dict['a'].dtype, ex.grad_dict['a'].shape, ex.outputs[0].dtype
    (<class 'numpy.float64'>, (2, 3), <class 'numpy.float64'>)
    """
    kwargs = kwargs or {}
    if not isinstance(ctx, Context):
        raise TypeError("Context type error")
    if shared_arg_names is not None and not isinstance(shared_arg_names, list):
        raise ValueError("shared_arg_names in simple_bind must be a list or None")
    if shared_buffer is not None and not isinstance(shared_buffer, dict):
        raise ValueError("shared_buffer in simple_bind must be dict or None")
    if isinstance(grad_req, list) and not grad_req:
        raise RuntimeError("grad_req in simple_bind cannot be an empty list")
    if isinstance(grad_req, dict) and not grad_req:
        raise RuntimeError("grad_req in simple_bind cannot be an empty dict")
    order, arg_nodes, aux_nodes = symbol._variables()
    arg_names = [n.name for n in arg_nodes]
    try:
        reqs = _simple_bind_reqs(grad_req, arg_names)
        _check_groups(order, group2ctx)
        shapes, dtypes = _simple_infer(symbol, order, type_dict, kwargs)
        if ctx.device_type == "gpu":
            from ..backends import get_backend
            get_backend(ctx)
        _check_sizes(order, shapes, dtypes, ctx)
        from .executor import Executor
        try:
            arg_nds, grads, aux_nds, allocated = _allocate(
                ctx, arg_nodes, aux_nodes, reqs, shapes, dtypes, shared_arg_names, shared_exec,
                shared_buffer, group2ctx)
            executor = Executor(symbol, ctx, order, arg_nodes, aux_nodes, arg_nds, arg_nds,
                                grads, reqs, aux_nds, shapes, dtypes, group2ctx)
        except MemoryError as e:
            raise MXNetError("MXNetError: Failed to allocate CPU Memory (%s)" % e) from None
    except MXNetError as e:         # MXNet's failed allocation too (spec executor.md 1)
        lines = "".join("%s: %s\n" % (k, v) for k, v in kwargs.items())
        raise RuntimeError("simple_bind error. Arguments:\n%s%s" % (lines, e)) from None
    if shared_buffer is not None:
        shared_buffer.update(allocated)   # only once every array exists
    return executor


def _allocate(ctx, arg_nodes, aux_nodes, reqs, shapes, dtypes, shared_arg_names, shared_exec,
              shared_buffer, group2ctx=None):
    """The arrays of a simple_bind, shared as MXNet shares them (spec executor.md 2.4).

    Only with a ``shared_buffer``: arguments named in ``shared_arg_names`` (the parameters),
    their gradients and all aux states are ``shared_exec``'s memory (shapes and dtypes must
    match); every other argument and gradient is a view of the buffer's array of that name
    when it is large enough, else a new array that replaces it there (bucketing: the largest
    bucket's data memory serves the smaller ones). NDArray objects are never shared.
    A variable in a ``ctx_group`` that ``group2ctx`` maps is allocated on that context.
    New arrays for ``shared_buffer`` are returned (the caller enters them once the executor
    exists), so a failed bind leaves the buffer as it was.
    """
    from ..ndarray import NDArray, empty, zeros

    def fresh(node):
        group = node.attrs.get("__ctx_group__")
        where = group2ctx[group] if group2ctx and group in group2ctx else ctx
        shape, dtype = tuple(shapes[id(node)][0]), np.dtype(dtypes[id(node)][0])
        if shape == ():
            # inferred as (): MXNet's simple_bind allocates one element (SoftmaxOutput's
            # label for 1-D data), where mx.nd.zeros(()) refuses the shape
            scalar = empty(shape, ctx=where, dtype=dtype)
            scalar._data[...] = 0
            return scalar
        try:
            return zeros(shape, ctx=where, dtype=dtype)
        except MemoryError:
            raise MXNetError("MXNetError: Failed to allocate CPU Memory (%s: shape %s of %s "
                             "needs %d bytes)" % (node.name, fmt_shape(shape), dtype.name,
                                                  math.prod(shape) * dtype.itemsize)) from None

    if shared_buffer is None:
        arg_nds = [fresh(n) for n in arg_nodes]
        grads = [fresh(n) if r != "null" else None for n, r in zip(arg_nodes, reqs)]
        return arg_nds, grads, [fresh(n) for n in aux_nodes], {}

    shared_names = set(shared_arg_names or ())
    allocated = {}              # written into shared_buffer only once every array exists

    def from_exec(array, node, what):
        shape, dtype = tuple(shapes[id(node)][0]), np.dtype(dtypes[id(node)][0])
        if tuple(array.shape) != shape:
            raise MXNetError(
                "MXNetError: Check failed: inferred_shape == %s.shape() (%s vs. %s) : Inferred "
                "shape does not match shared_exec.%s's shape Therefore, the allocated memory for "
                "shared_exec.%s cannot be resued for creating NDArray of the argument %s for "
                "the current executor" % (what[0], fmt_shape(shape), fmt_shape(array.shape),
                                          what[1], what[1], node.name))
        if np.dtype(array.dtype) != dtype:
            raise MXNetError(
                "MXNetError: Check failed: inferred_dtype == %s.dtype() (%d vs. %d) : Inferred "
                "dtype does not match shared_exec.%s's dtype Therefore, the allocated memory for "
                "shared_exec.%s cannot be resued for creating NDArray of the argument %s for "
                "the current executor" % (what[0], DTYPE_TO_CODE[dtype],
                                          DTYPE_TO_CODE[np.dtype(array.dtype)], what[1],
                                          what[1], node.name))
        return NDArray(array._data, array.context)

    def reshape_or_create(key, node):
        shape, dtype = tuple(shapes[id(node)][0]), np.dtype(dtypes[id(node)][0])
        size = int(np.prod(shape))
        old = shared_buffer.get(key)
        if old is not None and int(np.prod(old.shape)) >= size:
            if np.dtype(old.dtype) != dtype:
                raise MXNetError(
                    "MXNetError: Check failed: it->second.dtype() == dest_arg_dtype (%d vs. %d)"
                    " : Requested arg array's dtype does not match that of the reusable ndarray"
                    % (DTYPE_TO_CODE[np.dtype(old.dtype)], DTYPE_TO_CODE[dtype]))
            return NDArray(old._data.reshape(-1)[:size].reshape(shape), old.context)
        if old is not None:
            logging.getLogger(__name__).warning(
                "Bucketing: data %s has a shape %s, which is larger than already allocated shape"
                " %s. Need to re-allocate. Consider putting default bucket key to be the bucket "
                "taking the largest input for better memory sharing.", key, fmt_shape(shape),
                fmt_shape(old.shape))
        allocated[key] = arr = fresh(node)
        return arr

    arg_nds, grads = [], []
    for node, req in zip(arg_nodes, reqs):
        if node.name in shared_names:
            if shared_exec is not None:
                arg_nds.append(from_exec(shared_exec.arg_dict[node.name], node,
                                         ("in_arg_nd", "arg_array")))
            else:
                arg_nds.append(fresh(node))
            old_grad = shared_exec.grad_dict.get(node.name) if shared_exec is not None else None
            grads.append(None if req == "null" else
                         fresh(node) if old_grad is None else
                         from_exec(old_grad, node, ("arg_grad_nd", "arg_grad")))
        else:
            arg_nds.append(reshape_or_create(node.name, node))
            grads.append(None if req == "null" else reshape_or_create("grad of " + node.name,
                                                                      node))
    if shared_exec is not None:
        aux_nds = [from_exec(shared_exec.aux_dict[n.name], n, ("aux_nd", "aux_array"))
                   for n in aux_nodes]
    else:
        aux_nds = [fresh(n) for n in aux_nodes]
    return arg_nds, grads, aux_nds, allocated


def _simple_bind_reqs(grad_req, arg_names):
    if grad_req is None:
        return ["null"] * len(arg_names)
    if isinstance(grad_req, list) and len(grad_req) != len(arg_names):
        raise MXNetError("MXNetError: Check failed: provided_grad_req_list_len == "
                         "in_arg_names.size() (%d vs. %d) : The length of grad_req list does "
                         "not match the number of input arguments in simple_bind, expected %d, "
                         "provided %d" % (len(grad_req), len(arg_names), len(arg_names),
                                          len(grad_req)))
    if isinstance(grad_req, str) and grad_req not in _REQS:
        raise MXNetError("MXNetError: Check failed: req_map.count(provided_grad_req_types[0]) "
                         "== 1U (0 vs. 1) : grad_req=%s is not a valid input in simple_bind; "
                         "only 'null', 'write', and 'add' are supported" % grad_req)
    if isinstance(grad_req, (list, dict)):
        for r in (grad_req if isinstance(grad_req, list) else grad_req.values()):
            if r not in _REQS:
                raise MXNetError("MXNetError: grad_req=%s is not a valid input in simple_bind; "
                                 "only 'null', 'write', and 'add' are supported" % r)
    return normalize_grad_req(grad_req, arg_names)


def _dim(name, shape, d) -> int:
    """One dimension of a ``simple_bind`` shape, checked as MXNet's ``mx_uint`` conversion
    checks it: the same exception types and texts, with a note naming the argument."""
    where = "simple_bind: argument %s has shape %r" % (name, shape)
    try:
        d = operator.index(d)                    # bools are ints, as in MXNet
    except TypeError as e:
        raise _noted(TypeError(str(e)), where) from None
    if d < 0:
        raise _noted(OverflowError("can't convert negative value to unsigned int"), where)
    if d > _UINT_MAX:
        raise _noted(OverflowError("unsigned int is greater than maximum"),
                     where + "; a dimension is at most %d" % _UINT_MAX)
    return d


def _dtype(name, value) -> np.dtype:
    try:
        return np.dtype(value)
    except TypeError as e:
        raise _noted(TypeError(str(e)), "simple_bind: type_dict[%r] = %r" % (name, value)
                     ) from None


def _noted(error, note):
    error.add_note(note)
    return error


def _simple_infer(symbol, order, type_dict, kwargs):
    from ..symbol.symbol import _attr_value, _legacy_shape
    names = {}
    for node in order:
        if node.op is None:
            names.setdefault(node.name, []).append(node)
    given_s, given_t = {}, {}
    for node in order:
        if node.op is None:
            for kind, given in (("shape", given_s), ("type", given_t)):
                v = _attr_value(node, kind)
                if v is not None:
                    given[id(node)] = v
    for key, value in kwargs.items():
        if isinstance(value, tuple):
            shape = tuple(_dim(key, value, d) for d in value)
            for node in names.get(key, ()):
                given_s[id(node)] = shape if is_np_shape() else _legacy_shape(shape)
    if type_dict is None:
        # MXNet: every argument without a __dtype__ attribute is float32
        mutated = symbol._mutated_ids(order)
        type_dict = {n.name: np.float32 for n in order if n.op is None
                     and id(n) not in mutated and "__dtype__" not in n.attrs}
        defaulted = True
    else:
        defaulted = False
    for key, value in type_dict.items():
        dt = _dtype(key, value)                  # MXNet converts every entry, known or not
        if key in names:
            if dt in DTYPE_TO_CODE:
                for node in names[key]:
                    given_t[id(node)] = dt
    shapes = infer_graph_shapes(order, given_s)
    variables = [n for n in order if n.op is None]
    if len({id(n) for n in variables}) != len(variables) or \
            len({n.name for n in variables}) != len(variables):
        raise MXNetError("MXNetError: Input argument NDArray cannot be un-allocated")
    unknown = [n for n in variables
               if _undecided(shapes[id(n)][0])]
    if unknown:
        raise MXNetError(
            "Traceback (most recent call last):\n  File \"exec_utils.h\"\nMXNetError: InferShape "
            "pass cannot decide shapes for the following arguments (-1 means unknown dimensions)."
            " Please consider providing them as inputs:\n%s\n"
            % "".join("%s: %s, " % (n.name, "None" if shapes[id(n)][0] is None
                                    else fmt_shape(shapes[id(n)][0])) for n in unknown))
    dtypes = infer_graph(order, given_t, "type").values
    untyped = [n for n in variables if dtypes[id(n)][0] is None]
    if defaulted and untyped:
        # aux states nobody typed (no operator rule reaches them) default to float32 too
        for n in untyped:
            given_t[id(n)] = np.dtype(np.float32)
        dtypes = infer_graph(order, given_t, "type").values
    undecided = [n for n in variables if dtypes[id(n)][0] is None]
    if undecided:
        raise MXNetError(
            "Traceback (most recent call last):\n  File \"exec_utils.h\"\nMXNetError: InferType "
            "pass cannot decide dtypes for the following arguments (-1 means unknown dtype). "
            "Please consider providing them as inputs:\n%s\n"
            % "".join("%s: -1, " % n.name for n in undecided))
    for node in order:
        for i, (s, t) in enumerate(zip(shapes[id(node)], dtypes[id(node)])):
            if _undecided(s) or t is None:
                raise MXNetError("MXNetError: cannot decide the shape/dtype of %s output %d"
                                 % (node.name, i))
    return shapes, dtypes
