"""``mx.nd.CachedOp``: a symbol called like an operator on NDArrays.

MXNet 1.9.1 takes the inputs in ``sym.list_inputs()`` order (arguments and auxiliary states as
the graph meets them) and returns one NDArray, or a list for a symbol with several outputs.
symnb binds the symbol to the given arrays for each call (no gradient), so auxiliary states
change in place exactly as a bound executor changes them. Autograd recording is out of scope.
"""
from __future__ import annotations

from ..base import MXNetError
from ..context import current_context

__all__ = ["CachedOp"]


class CachedOp:
    """Cached operator handle.

    Parameters
    ----------
    sym : Symbol
        The graph to run.
    flags : sequence of (str, str) pairs, optional
        MXNet's CachedOp flags (``static_alloc``, ...); accepted and kept, they do not change
        results.

    Examples
    --------
    >>> import symnb as mx
    >>> x, y = mx.sym.var('x'), mx.sym.var('y')
    >>> op = mx.nd.CachedOp(x + y * 2)
    >>> op(mx.nd.ones(2), mx.nd.ones(2)).asnumpy()
    array([3., 3.], dtype=float32)
    """

    def __init__(self, sym, flags=()):
        self._sym = sym
        self._flags = [(str(k), str(v)) for k, v in flags]
        self._inputs = sym.list_inputs()
        self._arguments = sym.list_arguments()
        self._aux = sym.list_auxiliary_states()

    def __call__(self, *args, **kwargs):
        """Run the graph on ``args`` (NDArrays in ``list_inputs()`` order).

        Keyword arguments: ``out`` (an NDArray or list to write the outputs into, returned)
        and ``default_ctx`` (the context when there are no inputs).

        >>> import symnb as mx
        >>> x = mx.sym.var('x')
        >>> op = mx.nd.CachedOp(mx.sym.Group([x + 1, x * 3]))
        >>> [o.asnumpy().tolist() for o in op(mx.nd.ones(2))]
        [[2.0, 2.0], [3.0, 3.0]]
        """
        from .ndarray import NDArray
        out = kwargs.pop("out", None)
        default_ctx = kwargs.pop("default_ctx", None)
        if kwargs:
            raise TypeError("CachedOp.__call__ got unexpected keyword argument(s): " +
                            ", ".join(sorted(kwargs)))
        if len(args) != len(self._inputs):
            raise MXNetError("MXNetError: Check failed: inputs.size() == num_inputs() (%d vs. "
                             "%d) : " % (len(args), len(self._inputs)))
        for i, a in enumerate(args):
            if not isinstance(a, NDArray):
                raise TypeError("CachedOp input %d (%s) must be an NDArray, got %s"
                                % (i, self._inputs[i], type(a).__name__))
        given = dict(zip(self._inputs, args))
        ctx = args[0].context if args else (default_ctx or current_context())
        executor = self._sym.bind(ctx, {n: given[n] for n in self._arguments},
                                  grad_req="null",
                                  aux_states={n: given[n] for n in self._aux})
        outputs = executor.forward(is_train=False)
        if out is None:
            return outputs[0] if len(outputs) == 1 else list(outputs)
        targets = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(targets) != len(outputs):
            raise MXNetError("MXNetError: Check failed: outputs.size() == num_outputs() (%d vs. "
                             "%d) : " % (len(targets), len(outputs)))
        for target, value in zip(targets, outputs, strict=True):
            target[:] = value
        return out
