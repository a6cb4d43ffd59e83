"""``%bind``, ``%simple_bind``, ``%forward``, ``%backward``, ``%executor``: executors as pictures.

Each magic shows the executor graph (MXNet's picture language: an array on every node, the
backward graph beside it) with the statistics tables folded under it; ``%executor --stats``
shows the tables open, ``--live`` a widget that follows every step."""
from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..base import MXNetError
from . import _display
from ._args import identifier, parse_dtypes, parse_line, parse_names, parse_shapes

__all__ = ["ExecutorMagics"]

_GRAD_REQS = ("write", "add", "null")


@magics_class
class ExecutorMagics(Magics):
    """Magics that bind symbols and run executors, showing the executor after each step.

    >>> from IPython.core.interactiveshell import InteractiveShell
    >>> ip = InteractiveShell.instance(); ip.register_magics(ExecutorMagics)
    >>> sorted(name for name, f in ip.magics_manager.magics['line'].items()
    ...        if isinstance(getattr(f, '__self__', None), ExecutorMagics))
    ['backward', 'bind', 'executor', 'forward', 'simple_bind']
    """

    def __init__(self, shell=None, **kwargs):
        super().__init__(shell=shell, **kwargs)
        self._last = None     # name of the executor the last %bind / %simple_bind made

    # ------------------------------------------------------------------ lookups
    def _lookup(self, name, cls, what):
        identifier(name, what)
        if name not in self.shell.user_ns:
            raise UsageError("name %r is not defined" % name)
        value = self.shell.user_ns[name]
        if not isinstance(value, cls):
            raise UsageError("%r is a %s, not a %s" % (name, type(value).__name__, what))
        return value

    def _symbol(self, name):
        from ..symbol import Symbol
        return self._lookup(name, Symbol, "Symbol")

    def _executor(self, name):
        from ..executor import Executor
        if name is None:
            if self._last is None:
                raise UsageError("no executor yet: make one with %bind or %simple_bind, or "
                                 "give its name")
            name = self._last
        return name, self._lookup(name, Executor, "Executor")

    def _keep(self, executor, name, symbol_name):
        out = identifier(name or symbol_name + "_exec", "--as")
        self.shell.user_ns[out] = executor
        self._last = out
        return out

    def _show(self, executor, live=False, stats=False):
        if live:
            from IPython.display import display

            from .widget import ExecutorWidget
            display(ExecutorWidget(executor))
        elif stats:
            _display.show(_display.executor_stats_bundle(executor))
        else:
            _display.show(_display.executor_bundle(executor))

    # ------------------------------------------------------------------ magics
    @magic_arguments()
    @argument("symbol", help="name of the Symbol to bind")
    @argument("values", nargs="*", metavar="ARG=NAME",
              help="bound arrays: argument name = a variable holding an NDArray")
    @argument("--grads", action="store_true",
              help="also bind zero gradient arrays for every argument (for %%backward)")
    @argument("--grad-req", default="write", choices=_GRAD_REQS,
              help="gradient request when --grads is given (default: write)")
    @argument("--as", dest="out", metavar="EXEC", default=None,
              help="variable that receives the executor (default: SYMBOL_exec)")
    @argument("--live", action="store_true", help="show a live widget instead of a panel")
    @line_magic
    def bind(self, line):
        """Bind a symbol to NDArrays you already have and show the executor.

        Same as ``EXEC = SYMBOL.bind(mx.cpu(), {'A': a, 'B': b})``; with ``--grads`` also
        ``args_grad`` = zeros of the same shapes, so that ``%backward`` has somewhere to write.

        Example::

            %bind C A=a B=b --grads --as c_exec

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> import symnb as mx
        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> ip.push({'a': mx.nd.ones(2) * 4, 'b': mx.nd.ones(2) * 2,
        ...          'C': mx.sym.var('A') * mx.sym.var('B')})
        >>> with capture_output() as shown:
        ...     ip.run_line_magic('bind', 'C A=a B=b --grads --as c_exec')
        >>> ip.user_ns['c_exec'].grad_dict['A'].asnumpy(), 'image/svg+xml' in shown.outputs[0].data
        (array([0., 0.], dtype=float32), True)
        >>> for name in ('a', 'b', 'C', 'c_exec'): ip.del_var(name, by_name=True)  # tidy up
        """
        import symnb as mx

        args = parse_line(self.bind, line)
        symbol = self._symbol(args.symbol)
        names = parse_names(args.values)
        arrays = {arg: self._array(value) for arg, value in names.items()}
        missing = [a for a in symbol.list_arguments() if a not in arrays]
        if missing:
            raise UsageError("no array for %s; give ARG=NAME for every argument of %s: %s"
                             % (", ".join(missing), args.symbol,
                                ", ".join(symbol.list_arguments())))
        grads = None
        if args.grads:
            grads = {k: mx.nd.zeros(v.shape, dtype=v.dtype) for k, v in arrays.items()}
        try:
            executor = symbol.bind(mx.cpu(), arrays, args_grad=grads,
                                   grad_req=args.grad_req if args.grads else "null")
        except (MXNetError, ValueError, TypeError, RuntimeError, OverflowError,
                MemoryError) as e:
            raise UsageError("cannot bind %s: %s" % (args.symbol, _first_line(e))) from None
        self._keep(executor, args.out, args.symbol)
        self._show(executor, args.live)

    def _array(self, name):
        import numpy as np

        from ..ndarray import NDArray, array
        value = self.shell.user_ns.get(identifier(name, "an array value"))
        if isinstance(value, NDArray):
            return value
        if isinstance(value, np.ndarray):
            return array(value, dtype=value.dtype)
        raise UsageError("%r must name an NDArray (or a NumPy array), got %s"
                         % (name, "nothing" if value is None else type(value).__name__))

    @magic_arguments()
    @argument("symbol", help="name of the Symbol to bind")
    @argument("shapes", nargs="*", metavar="ARG=SHAPE", help="input shapes, e.g. data=(100,200)")
    @argument("--dtype", nargs="+", action="append", metavar="ARG=DTYPE",
              help="input dtypes, e.g. --dtype data=float64")
    @argument("--grad-req", default="write", choices=_GRAD_REQS,
              help="gradient request for every argument (default: write)")
    @argument("--as", dest="out", metavar="EXEC", default=None,
              help="variable that receives the executor (default: SYMBOL_exec)")
    @argument("--live", action="store_true", help="show a live widget instead of a panel")
    @line_magic
    def simple_bind(self, line):
        """Let the executor allocate every array from input shapes, and show it.

        Same as ``EXEC = SYMBOL.simple_bind(mx.cpu(), data=(100, 200))``: argument, gradient,
        auxiliary and output arrays are created with the inferred shapes.

        Example::

            %simple_bind mlp data=(100,200) --as texec

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> import symnb as mx
        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> ip.push({'net': mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc')})
        >>> with capture_output():
        ...     ip.run_line_magic('simple_bind', 'net data=(2,3) --as texec')
        >>> {name: array.shape for name, array in ip.user_ns['texec'].arg_dict.items()}
        {'data': (2, 3), 'fc_weight': (4, 3), 'fc_bias': (4,)}
        >>> for name in ('net', 'texec'): ip.del_var(name, by_name=True)  # tidy up
        """
        import symnb as mx

        args = parse_line(self.simple_bind, line)
        symbol = self._symbol(args.symbol)
        shapes = parse_shapes(args.shapes)
        dtypes = parse_dtypes(args.dtype)
        if not shapes:
            raise UsageError("give at least one input shape, e.g. %%simple_bind %s data=(1,3)"
                             % args.symbol)
        try:
            executor = symbol.simple_bind(mx.cpu(), grad_req=args.grad_req,
                                          type_dict=dtypes or None, **shapes)
        except (MXNetError, ValueError, TypeError, RuntimeError, OverflowError,
                MemoryError) as e:
            raise UsageError("cannot simple_bind %s: %s" % (args.symbol, _first_line(e))) from None
        self._keep(executor, args.out, args.symbol)
        self._show(executor, args.live)

    @magic_arguments()
    @argument("executor", nargs="?", default=None,
              help="name of the executor (default: the last one %%bind made)")
    @argument("--train", action="store_true", help="forward(is_train=True)")
    @line_magic
    def forward(self, line):
        """Run ``EXEC.forward()`` and show the executor with its outputs.

        Example::

            %forward c_exec

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> import symnb as mx
        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> ip.push({'a': mx.nd.ones(2) * 4, 'b': mx.nd.ones(2) * 2,
        ...          'C': mx.sym.var('A') * mx.sym.var('B')})
        >>> with capture_output():
        ...     ip.run_line_magic('bind', 'C A=a B=b --as c_exec')
        ...     ip.run_line_magic('forward', 'c_exec')
        >>> ip.user_ns['c_exec'].outputs[0].asnumpy()
        array([8., 8.], dtype=float32)
        >>> for name in ('a', 'b', 'C', 'c_exec'): ip.del_var(name, by_name=True)  # tidy up
        """
        args = parse_line(self.forward, line)
        _, executor = self._executor(args.executor)
        try:
            executor.forward(is_train=args.train)
        except MXNetError as e:
            raise UsageError("forward failed: %s" % _first_line(e)) from None
        self._show(executor)

    @magic_arguments()
    @argument("executor", nargs="?", default=None,
              help="name of the executor (default: the last one %%bind made)")
    @argument("--out-grads", default=None, metavar="NAME",
              help="head gradients: a variable holding an NDArray (or a list of them), or "
                   "'ones' for ones shaped like each output; default none (loss heads)")
    @line_magic
    def backward(self, line):
        """Run ``EXEC.backward(out_grads)`` and show the executor with its gradients.

        Example::

            %backward c_exec --out-grads ones

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> import symnb as mx
        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> ip.push({'a': mx.nd.ones(2) * 4, 'b': mx.nd.ones(2) * 2,
        ...          'C': mx.sym.var('A') * mx.sym.var('B')})
        >>> with capture_output():
        ...     ip.run_line_magic('bind', 'C A=a B=b --grads')     # the executor: C_exec
        ...     ip.run_line_magic('forward', '')
        ...     ip.run_line_magic('backward', '--out-grads ones')
        >>> ip.user_ns['C_exec'].grad_dict['A'].asnumpy()     # d(A*B)/dA = b
        array([2., 2.], dtype=float32)
        >>> for name in ('a', 'b', 'C', 'C_exec'): ip.del_var(name, by_name=True)  # tidy up
        """
        import symnb as mx

        args = parse_line(self.backward, line)
        _, executor = self._executor(args.executor)
        out_grads = None
        if args.out_grads == "ones":
            out_grads = [mx.nd.ones(o.shape, dtype=o.dtype) for o in executor.outputs]
        elif args.out_grads is not None:
            out_grads = self.shell.user_ns.get(identifier(args.out_grads, "--out-grads"))
            if out_grads is None:
                raise UsageError("name %r is not defined" % args.out_grads)
        try:
            executor.backward(out_grads)
        except (MXNetError, ValueError, TypeError, RuntimeError) as e:
            raise UsageError("backward failed: %s" % _first_line(e)) from None
        self._show(executor)

    @magic_arguments()
    @argument("executor", nargs="?", default=None,
              help="name of the executor (default: the last one %%bind made)")
    @argument("--live", action="store_true",
              help="a live widget that redraws itself after every forward/backward")
    @argument("--stats", action="store_true",
              help="the statistics tables of every array (shape, dtype, min/max/mean/std)")
    @line_magic
    def executor(self, line):
        """Show an executor: its graph with the bound arguments, internal arrays, outputs,
        gradients and aux states, and their values.

        With ``--live`` the view is a widget that follows the executor: call
        ``EXEC.forward()`` / ``EXEC.backward()`` in later cells and it updates in place.
        ``--stats`` shows the statistics tables of the arrays instead of the picture.

        Example::

            %executor texec --live

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> import symnb as mx
        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> ip.push({'C': mx.sym.var('A') * 2})
        >>> with capture_output() as shown:
        ...     ip.run_line_magic('simple_bind', 'C A=(2,)')
        ...     ip.run_line_magic('executor', 'C_exec --stats')
        >>> sorted(shown.outputs[-1].data)      # the tables only, no picture
        ['text/html', 'text/plain']
        >>> for name in ('C', 'C_exec'): ip.del_var(name, by_name=True)  # tidy up
        """
        args = parse_line(self.executor, line)
        if args.live and args.stats:
            raise UsageError("--live and --stats do not go together")
        _, executor = self._executor(args.executor)
        self._show(executor, args.live, args.stats)


def _first_line(error):
    """The informative line of an MXNet-style message (bind errors put it last)."""
    lines = [ln for ln in str(error).strip().splitlines() if ln.strip()]
    if not lines:
        return type(error).__name__
    line = lines[-1] if lines[0].rstrip().endswith(":") else lines[0]
    notes = "".join(" (%s)" % n for n in getattr(error, "__notes__", ()))  # which argument
    return line.strip().removeprefix("MXNetError: ") + notes
