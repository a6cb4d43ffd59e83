"""Running one operator on NDArrays right away (MXNet's imperative path), and ``mx.nd.X``.

:func:`invoke` is the single road from an operator definition to concrete arrays: parameters
are stringified and parsed exactly as for a symbol node, shapes and types come from the
operator's own rules applied to the concrete input shapes, every output (hidden ones too) is
allocated on the inputs' backend, and ``op.forward`` fills them. The ``mx.nd`` functions are
closures over :func:`invoke` with real ``inspect.Signature``s, built from ``symnb.ops.OPS`` when
``symnb.ndarray`` is imported, so every registered operator appears without code strings.
"""
from __future__ import annotations

import functools
import inspect
import time

import numpy as np

from .. import _profiling
from .._writes import wrote
from ..backends import get_backend
from ..base import MXNetError, _Null
from ..context import Context, current_context
from ..executor._zero_size import infer_op_shapes
from ..ops._params import attrs_origin
from ..ops._registry import (
    EngineError,
    InferError,
    bind_positional,
    kernel_for,
    named_error,
    storage_error,
)
from ..ops._rules import fmt_shape, merge_shape
from ..symbol._create import _stringify
from ..symbol._functions import python_location
from ..util import is_np_shape
from .ndarray import PENDING_ERRORS as _PENDING_ERRORS
from .ndarray import NDArray, hold_error, pending_of

__all__ = ["invoke", "make_function", "install", "FUNCTIONS", "shape_failure"]

# every registered name -> its generated function (fluent methods, Python helpers)
FUNCTIONS: dict = {}


def shape_failure(op_name, in_shapes, out_shapes, attrs) -> MXNetError:
    """MXNet's "inferring shapes failed" error (spec ndarray.md 1.2).

    >>> print(shape_failure('_zeros', [], [(2, 0)], {'shape': '(2, 0)'}))
    MXNetError: Operator _zeros inferring shapes failed.
    input shapes:
    output shapes:
    [2,-1]
    operator attributes:
    shape : (2, 0)
    """
    def fmt(s):
        return "None" if s is None else fmt_shape(s)
    lines = ["MXNetError: Operator %s inferring shapes failed." % op_name, "input shapes:"]
    lines += [fmt(s) for s in in_shapes] + ["output shapes:"] + [fmt(s) for s in out_shapes]
    lines += ["operator attributes:"] + ["%s : %s" % kv for kv in attrs.items()]
    return MXNetError("\n".join(lines))


def _parse_ctx(text: str) -> Context:
    kind, _, rest = text.partition("(")
    return Context(kind, int(rest.rstrip(")") or 0))


def _infer_error(e: InferError) -> MXNetError:
    # imperative nodes have no name: MXNet prints "in node  at 1-th input" (two spaces)
    return MXNetError("MXNetError: %s" % str(e).replace("{node}", ""))


def invoke(op, inputs, kwargs, out=None):
    """Run ``op`` on NDArrays ``inputs`` with keyword parameters; return its visible outputs.

    Parameters
    ----------
    op : OpDef
        The operator definition (``symnb.ops.get_op(name)``).
    inputs : list of NDArray
        Inputs in the operator's declared order.
    kwargs : dict
        Parameters as Python values (stringified like a symbol node's attributes).
    out : NDArray or list of NDArray, optional
        Arrays to write the visible outputs into (returned instead of new arrays).

    Returns
    -------
    NDArray or list of NDArray
        One array for single-output operators, else a list.

    Examples
    --------
    >>> import symnb as mx
    >>> from symnb.ops import get_op
    >>> invoke(get_op('_plus_scalar'), [mx.nd.ones((2,))], {'scalar': 2}).asnumpy()
    array([3., 3.], dtype=float32)
    """
    record = _profiling.IMPERATIVE            # mx.profiler timing operators
    if record is None:
        return _invoke(op, inputs, kwargs, out)
    begin = time.perf_counter()
    try:
        return _invoke(op, inputs, kwargs, out)
    finally:
        record(op.name, begin, time.perf_counter())


def _invoke(op, inputs, kwargs, out):
    attrs = {k: _stringify(op, k, v) for k, v in kwargs.items() if v is not _Null}
    with attrs_origin("nd"):              # errors list attrs in MXNet's order
        p = op.parse(attrs, "")
    n_expected = len(op.input_names(p))
    if len(inputs) != n_expected:
        raise MXNetError("MXNetError: Check failed: num_inputs == infered_num_inputs (%d vs. %d)"
                         " : Operator %s expects %d inputs, but got %d instead."
                         % (len(inputs), n_expected, op.name, n_expected, len(inputs)))
    outs_given = None if out is None else (list(out) if isinstance(out, (list, tuple))
                                           else [out])
    ctx = _context_of(inputs, attrs, outs_given)
    rt = get_backend(ctx)
    in_shapes = [x.shape for x in inputs]
    n_total = op.num_outputs_total(p)
    n_visible = len(op.output_names(p))
    ins, out_shapes = list(in_shapes), [None] * n_total
    from_out = outs_given and (op.shapes_from_out or op.input_type == "NDArray")
    if from_out:
        # MXNet's legacy NDArray functions (_set_value) take their shape from ``out``
        out_shapes[:len(outs_given)] = [o.shape for o in outs_given][:n_total]
    try:
        if is_np_shape():                 # zero-size dims are real (executor/_zero_size.py)
            infer_op_shapes(op, p, ins, out_shapes)
        else:
            op.infer_shape(p, ins, out_shapes)
    except InferError as e:
        raise _infer_error(e) from None
    for given, inferred in zip(in_shapes, ins, strict=True):
        _check_provided(given, inferred)
    if op.dynamic_shape:
        return _invoke_dynamic(op, p, inputs, ctx, rt, n_visible, outs_given)
    unsized = op.shapes_from_out and any(s is None for s in out_shapes)
    if not unsized and (any(s is None for s in out_shapes) or (
            any(0 in s for s in out_shapes) and not any(0 in s for s in in_shapes)
            and not is_np_shape() and not op.zero_size_outputs)):
        raise shape_failure(op.name, in_shapes, out_shapes, attrs)
    if not unsized:
        try:
            op.check_bound(p, list(in_shapes), list(out_shapes))
        except InferError as e:
            raise _infer_error(e) from None
    in_types = [np.dtype(x.dtype) for x in inputs]
    types, out_types = list(in_types), [None] * n_total
    if from_out:
        out_types[:len(outs_given)] = [np.dtype(o.dtype) for o in outs_given][:n_total]
    try:
        op.infer_type(p, types, out_types)
    except InferError as e:
        raise _infer_error(e) from None
    if unsized:
        # no ``out``: MXNet fails allocating the outputs its rules left unknown
        refused = op.refused_dtype_text(in_types[0]) if in_types else None
        raise MXNetError("MXNetError: " + (
            "Unknown type_flag=-1" if any(t is None for t in out_types) else refused or
            "Check failed: ndim_is_known(ndim()): shape must have a valid ndim"))
    out_types = [np.dtype(np.float32) if t is None else np.dtype(t) for t in out_types]
    if op.dense_unsupported:
        raise storage_error(op, attrs, len(inputs), ctx)

    buffers = []
    for i, (shape, dtype) in enumerate(zip(out_shapes, out_types, strict=True)):
        if outs_given is not None and i < len(outs_given):
            target = outs_given[i]
            _check_out(i, target, tuple(shape), dtype)
            buffers.append(target._data)
        else:
            buffers.append(rt.xp.empty(tuple(shape), dtype=dtype))
    held = pending_of(inputs) if _PENDING_ERRORS else None
    refused = op.refused_dtype_text(in_types[0]) if in_types else None
    if held is None and refused is not None:
        held = EngineError("MXNetError: " + refused)    # MXNet's kernel fails in the engine
    if held is None:
        data_in = [_on_backend(x, rt) for x in inputs]
        forward, _ = kernel_for(op, rt)
        try:
            with np.errstate(all="ignore"):  # MXNet gives inf/nan silently (spec ndarray.md 6.2)
                forward(p, data_in, buffers, False, rt)
        except EngineError as e:          # reported when an output is read, as MXNet does
            held = e
        except Exception as e:
            for target in outs_given or ():     # it may have written part of them
                wrote(target._data)
            raise named_error("", op, e) from e
    if outs_given is not None:
        for target in outs_given:
            wrote(target._data)
        if held is not None:
            hold_error(outs_given, held)
        return outs_given[0] if len(outs_given) == 1 else outs_given
    results = [NDArray(b, ctx) for b in buffers[:n_visible]]
    if held is not None:
        hold_error(results, held)
    return results[0] if n_visible == 1 else results


def _invoke_dynamic(op, p, inputs, ctx, rt, n_visible, outs_given):
    """Run an operator whose output shapes follow from the input values (boolean_mask)."""
    in_types = [np.dtype(x.dtype) for x in inputs]
    try:
        op.infer_type(p, list(in_types), [None] * op.num_outputs_total(p))
    except InferError as e:
        raise _infer_error(e) from None
    data_in = [_on_backend(x, rt) for x in inputs]
    try:
        with np.errstate(all="ignore"):
            results = op.forward_dynamic(p, data_in, False, rt)
    except InferError as e:
        raise _infer_error(e) from None
    except Exception as e:
        raise named_error("", op, e) from e
    if outs_given is not None:
        for i, (target, value) in enumerate(zip(outs_given, results)):
            _check_out(i, target, tuple(value.shape), np.dtype(value.dtype))
            target._data[...] = value
            wrote(target._data)
        return outs_given[0] if len(outs_given) == 1 else outs_given
    arrays = [NDArray(r, ctx) for r in results[:n_visible]]
    return arrays[0] if n_visible == 1 else arrays


def _context_of(inputs, attrs, outs_given) -> Context:
    if "ctx" in attrs and attrs["ctx"]:
        return _parse_ctx(attrs["ctx"])
    if inputs:
        ctx = inputs[0].context
        for x in inputs[1:]:
            # cpu(0) and cpu(1) mix freely (result on the first input's context); devices not
            if (x.context.device_type == "gpu") != (ctx.device_type == "gpu") or (
                    ctx.device_type == "gpu" and x.context != ctx):
                raise MXNetError("MXNetError: inputs live on different devices (%s and %s); "
                                 "move them with as_in_context first" % (ctx, x.context))
        return ctx
    if outs_given:
        return outs_given[0].context
    return current_context()


def _on_backend(x, rt):
    data = x._data
    if isinstance(data, rt.xp.ndarray):
        return data
    return rt.asarray(np.asarray(x.asnumpy()))


def _check_provided(given, inferred):
    try:
        merged = merge_shape(given, inferred)
    except ValueError:
        merged = None
    if merged is None or tuple(merged) != tuple(given):
        raise MXNetError("MXNetError: Shape inconsistent, Provided = %s, inferred shape=%s"
                         % (fmt_shape(given), fmt_shape(inferred)))


def _check_out(i, target, shape, dtype):
    if not isinstance(target, NDArray):
        raise TypeError("out must be an NDArray, but got %s" % type(target))
    if target.shape != shape:
        raise MXNetError("MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr "
                         "in node  at %d-th output: expected %s, got %s"
                         % (i, fmt_shape(shape), fmt_shape(target.shape)))
    if np.dtype(target.dtype) != dtype:
        raise MXNetError("MXNetError: Check failed: assign(&dattr, vec.at(i)): Incompatible attr "
                         "in node  at %d-th output: expected %s, got %s"
                         % (i, dtype.name, np.dtype(target.dtype).name))


# ------------------------------------------------------------------ generated functions
def signature_for(op) -> inspect.Signature:
    """MXNet's ``mx.nd`` signature: inputs, parameters, then ``out=None, name=None``.

    >>> from symnb.ops import get_op
    >>> str(signature_for(get_op('Activation')))
    '(data=None, act_type=_Null, out=None, name=None, **kwargs)'
    """
    P = inspect.Parameter
    if op.key_var_num_args or op.variadic:
        return inspect.Signature([P("data", P.VAR_POSITIONAL), P("kwargs", P.VAR_KEYWORD)])
    params = [P(i, P.POSITIONAL_OR_KEYWORD, default=None) for i in op.python_inputs()]
    params += [P(p.name, P.POSITIONAL_OR_KEYWORD, default=_Null) for p in op.params]
    params += [P("out", P.POSITIONAL_OR_KEYWORD, default=None),
               P("name", P.POSITIONAL_OR_KEYWORD, default=None),
               P("kwargs", P.VAR_KEYWORD)]
    return inspect.Signature(params)


def call(op, args, kwargs, fname=None):
    """Bind a Python call the way MXNet's generated ``mx.nd`` function ``fname`` does, then
    invoke."""
    kwargs = dict(kwargs)
    out = kwargs.pop("out", None)
    kwargs.pop("name", None)
    if op.key_var_num_args or op.variadic:
        for a in args:
            if not isinstance(a, NDArray):
                raise AssertionError("Positional arguments must have NDArray type, but got %s"
                                     % (a,))
        if op.key_var_num_args and op.key_var_num_args not in kwargs:
            kwargs[op.key_var_num_args] = len(args)
        return invoke(op, list(args), kwargs, out)
    out = bind_positional(op, args, kwargs, ("out", "name"), fname).get("out", out)
    # as MXNet's generated code: the signature's array arguments that are given, in signature
    # order whatever their names, become the inputs (the parameters decide which inputs the
    # operator has, and invoke checks their count); everything else is a parameter
    inputs = []
    for slot in op.python_inputs():
        value = kwargs.pop(slot, None)
        if value is None:
            continue
        if not isinstance(value, NDArray):
            raise AssertionError("Argument %s must have NDArray type, but got %s"
                                 % (slot, value))
        inputs.append(value)
    return invoke(op, inputs, kwargs, out)


def make_function(op, registered: str):
    """The public ``mx.nd`` function for one registered name of ``op``.

    >>> import symnb as mx
    >>> from symnb.ops import get_op
    >>> f = make_function(get_op('elemwise_add'), 'elemwise_add')
    >>> f(mx.nd.ones((2,)), mx.nd.ones((2,))).asnumpy()
    array([2., 2.], dtype=float32)
    """
    _, fname = python_location(registered)

    def function(*args, **kwargs):
        return call(op, args, kwargs, fname)

    function.__name__ = fname
    function.__qualname__ = fname
    function.__signature__ = _signature(op)
    function.__doc__ = _docstring(op)
    function.__wrapped_op__ = op
    return function


@functools.cache
def _signature(op) -> inspect.Signature:
    return signature_for(op)          # one per operator: its aliases share it


@functools.cache
def _docstring(op) -> str:
    doc = inspect.cleandoc(type(op).__doc__ or op.name)
    lines = [doc, "", "Parameters", "----------"]
    for name in op.inputs:
        lines += ["%s : NDArray" % name, "    Input %s." % name]
    for p in op.params:
        lines.append("%s : %s" % (p.name, p.type))
        if p.doc:
            lines.append("    " + p.doc)
    lines += ["out : NDArray, optional", "    The output NDArray to hold the result.", "",
              "Returns", "-------", "out : NDArray or list of NDArrays",
              "    The output of this function."]
    return "\n".join(lines)


def install(modules: dict, helpers) -> None:
    """Put one function per registered operator name into the ``mx.nd`` modules.

    ``modules`` maps a python_location submodule ('' for ``mx.nd`` itself) to its module;
    names in ``helpers`` (Python helpers such as ``zeros`` or ``maximum``) are not replaced.
    """
    from ..ops import OPS
    for op in OPS.values():
        for registered in (op.name,) + tuple(op.aliases):
            module, fname = python_location(registered)
            target = modules.get(module)
            if target is None:
                continue
            function = make_function(op, registered)
            # __module__ stays ``_imperative``: the operator's examples are doctested in
            # symnb/ops; collected again under mx.nd they would run with mx.nd's names as
            # globals (``round`` is mx.nd.round there) and test other modules' work twice.
            FUNCTIONS[registered] = function
            if module == "" and fname in helpers:
                continue
            setattr(target, fname, function)
