"""``mx.nd.CachedOp``: a Symbol run imperatively, as one operator, on NDArrays.

MXNet builds it from a Symbol and optional flags (``static_alloc``, ``static_shape``, ...,
parsed and checked as MXNet's CachedOpConfig; they tune MXNet's memory planning, which has
no counterpart here). Calling it with the symbol's inputs, in ``list_inputs()`` order
(arguments and auxiliary states as they appear in the graph), runs the graph in inference
mode (symnb has no autograd recording) and returns new arrays, or writes ``out``.
Executors are planned once per input signature (shapes, dtypes, context) and reused.
"""
from __future__ import annotations

from .base import MXNetError
from .ops._params import Param, ParamError

__all__ = ["CachedOp"]

_FLAGS = (
    Param("static_alloc", "boolean, optional, default=0",
          "Statically allocate memory to improve speed. Memory usage may increase."),
    Param("static_shape", "boolean, optional, default=0",
          "Optimize for invariant input shapes between iterations. Must also set static_alloc "
          "to True. Change of input shapes is still allowed but slower."),
    Param("inline_limit", "int (non-negative), optional, default=2",
          "Maximum number of operators that can be inlined."),
    Param("forward_bulk_size", "int (non-negative), optional, default=15",
          "Segment size of bulk execution during forward pass."),
    Param("backward_bulk_size", "int (non-negative), optional, default=15",
          "Segment size of bulk execution during backward pass."),
    Param("data_indices", "tuple of <int (non-negative)>, optional, default=[]",
          "Position of argument variables."),
    Param("param_indices", "tuple of <int (non-negative)>, optional, default=[]",
          "Position of parameters."),
    Param("subgraph", "string, optional, default=''", "JSON string of a subgraph."),
    Param("is_dynamic", "boolean, optional, default=0",
          "Whether the graph contains dynamic shape operators."),
)


def _parse_flags(flags) -> dict:
    declared = {p.name: p for p in _FLAGS}
    values = {}
    for key, value in flags:
        param = declared.get(key)
        if param is None:
            raise MXNetError("MXNetError: Cannot find argument '%s', Possible Arguments:\n"
                             "----------------\n%s" % (key, "".join(p.describe()
                                                                    for p in _FLAGS)))
        try:
            values[key] = param.parse(str(value))
        except ParamError as e:
            raise MXNetError("MXNetError: %s" % e) from None
    return values


class CachedOp:
    """A Symbol as one imperative operator.

    Parameters
    ----------
    sym : Symbol
        The graph; its ``list_inputs()`` are the call's positional arguments.
    flags : iterable of (str, value)
        MXNet's CachedOp options (``[('static_alloc', True)]``): checked, otherwise no effect.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> op = mx.nd.CachedOp(a * 2 + b, flags=[('static_alloc', True)])
    >>> op(mx.nd.ones((2,)), mx.nd.array([1, 2])).asnumpy()
    array([3., 4.], dtype=float32)
    """

    __slots__ = ("_symbol", "_inputs", "_aux", "_flags", "_executors")

    def __init__(self, sym, flags=()):
        from .symbol import Symbol
        if not isinstance(sym, Symbol):
            raise TypeError("CachedOp needs a Symbol, got %s" % type(sym).__name__)
        self._flags = _parse_flags(flags)
        self._symbol = sym.__copy__()          # later changes to ``sym`` do not leak in
        self._inputs = self._symbol.list_inputs()
        self._aux = set(self._symbol.list_auxiliary_states())
        self._executors = {}

    def __call__(self, *args, **kwargs):
        from .ndarray import NDArray
        out = kwargs.pop("out", None)
        if kwargs:
            raise TypeError("CachedOp.__call__ got unexpected keyword argument(s): "
                            + ", ".join(kwargs.keys()))
        for a in args:
            if not isinstance(a, NDArray):
                raise AttributeError("'%s' object has no attribute 'handle'"
                                     % type(a).__name__)
        if len(args) != len(self._inputs):
            raise MXNetError("MXNetError: Check failed: inputs.size() == num_inputs() "
                             "(%d vs. %d) : " % (len(args), len(self._inputs)))
        if not args:
            # MXNet's invoke looks for an input to place the graph and fails without one
            raise MXNetError("MXNetError: Check failed: !xs.empty(): There are no inputs in "
                             "computation graph that require gradients.")
        outs = None if out is None else ([out] if isinstance(out, NDArray) else list(out))
        n_out = len(self._symbol.list_outputs())
        if outs is not None and len(outs) != n_out:
            raise MXNetError("MXNetError: Check failed: *num_outputs == op->num_outputs() "
                             "(%d vs. %d) : CachedOp expects %d outputs, but %d was given."
                             % (len(outs), n_out, n_out, len(outs)))
        ex = self._executor(args)
        for name, a in zip(self._inputs, args):
            target = ex.aux_dict[name] if name in self._aux else ex.arg_dict[name]
            target._data[...] = a._data
        results = ex.forward(is_train=False)
        if outs is not None:
            for i, (dst, src) in enumerate(zip(outs, results)):
                if dst.shape != src.shape:
                    raise MXNetError("MXNetError: CachedOp output %d has shape %s, but the "
                                     "out array given for it has shape %s"
                                     % (i, src.shape, dst.shape))
                dst._data[...] = src._data
            return out
        copies = [NDArray(r._data.copy(), r.context) for r in results]
        return copies[0] if n_out == 1 else copies

    def _executor(self, args):
        key = (tuple((a.shape, a.dtype, a.context) for a in args))
        ex = self._executors.get(key)
        if ex is None:
            ctx = args[0].context
            shapes = {n: a.shape for n, a in zip(self._inputs, args)}
            types = {n: a.dtype for n, a in zip(self._inputs, args)}
            try:
                ex = self._symbol.simple_bind(ctx, grad_req="null", type_dict=types, **shapes)
            except RuntimeError as e:
                # simple_bind's report wraps the node's own error, which MXNet raises here
                if isinstance(e.__context__, MXNetError):
                    raise e.__context__ from None
                raise
            self._executors[key] = ex
        return ex
