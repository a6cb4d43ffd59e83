"""``%%symbol``: write a network with bare operator names and see its graph."""
from __future__ import annotations

import warnings

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..base import MXNetError
from . import _display
from ._args import identifier, parse_dtypes, parse_line, parse_shapes
from ._cell import CellError, run_symbol_cell, syntax_error
from ._conflict import find_conflict, provided_shapes

__all__ = ["SymbolMagics"]


@magics_class
class SymbolMagics(Magics):
    """Magics that build symbols: ``%%symbol`` (a cell) and ``%symbol`` (a line).

    >>> from IPython.core.interactiveshell import InteractiveShell
    >>> ip = InteractiveShell.instance(); ip.register_magics(SymbolMagics)
    >>> magics = ip.magics_manager.magics
    >>> 'symbol' in magics['cell'], 'symbol' in magics['line']
    (True, True)
    """

    @magic_arguments()
    @argument("name", nargs="?", default=None,
              help="the symbol to draw (default: the last Symbol the cell assigns)")
    @argument("--shape", nargs="+", action="append", metavar="NAME=SHAPE",
              help="input shapes, e.g. --shape data=(32,784) label=(32,); shapes are then "
                   "inferred and written on the edges")
    @argument("--dtype", nargs="+", action="append", metavar="NAME=DTYPE",
              help="input dtypes, e.g. --dtype data=float64")
    @argument("--hide-weights", dest="hide_weights", action="store_true", default=None,
              help="draw weight and bias variables as part of their operator (default)")
    @argument("--show-weights", dest="hide_weights", action="store_false",
              help="draw every variable as its own node")
    @argument("--collapse", nargs="+", action="append", metavar="PREFIX",
              help="draw the nodes whose names start with PREFIX (e.g. a mx.name.Prefix) "
                   "as one box, e.g. --collapse stage1_ stage2_")
    @line_cell_magic
    def symbol(self, line, cell=None):
        """Run a cell in which every ``mx.sym`` operator is available by its bare name.

        ``FullyConnected``, ``Activation``, ``Variable``, ``Group``, ``SoftmaxOutput`` ... can
        be used without the ``mx.sym.`` prefix; these names are *not* added to your namespace.
        Every name the cell assigns is (its Symbols included), and the graph of NAME (default:
        the last Symbol assigned) is drawn, with shapes on the edges when ``--shape`` is given
        or the Variables carry shapes. A mistake (syntax error, unknown operator, shape
        conflict) is reported with its cell line and leaves your namespace unchanged; a shape
        conflict is also drawn, with the offending edge marked "provided vs inferred".
        Put NAME before the options. As a line magic, ``%symbol NAME [options]`` draws a
        Symbol that already exists (e.g. again with ``--show-weights``).

        Example::

            %%symbol mlp --shape data=(100,200)
            data = Variable('data')
            fc1 = FullyConnected(data, name='fc1', num_hidden=10)
            act = Activation(fc1, name='relu1', act_type='relu')
            mlp = SoftmaxOutput(FullyConnected(act, name='fc2', num_hidden=26), name='out')

        Driven from Python on a shell (in a notebook: ``ip = get_ipython()``):

        >>> from IPython.core.interactiveshell import InteractiveShell
        >>> from IPython.utils.capture import capture_output
        >>> from symnb.notebook import load_ipython_extension
        >>> ip = InteractiveShell.instance(); load_ipython_extension(ip)   # %load_ext symnb
        >>> cell = "net = FullyConnected(Variable('data'), num_hidden=4, name='fc')"
        >>> with capture_output() as shown:
        ...     ip.run_cell_magic('symbol', '--shape data=(2,3)', cell)
        >>> ip.user_ns['net'].list_arguments(), '2×4' in shown.outputs[0].data['image/svg+xml']
        (['data', 'fc_weight', 'fc_bias'], True)
        >>> ip.del_var('net', by_name=True)  # tidy up
        """
        args = parse_line(self.symbol, line)
        name = identifier(args.name, "NAME") if args.name is not None else None
        shapes, dtypes = parse_shapes(args.shape), parse_dtypes(args.dtype)
        collapse = [p for group in (args.collapse or ()) for p in group]
        user_ns = self.shell.user_ns
        if cell is None:
            return self._draw_existing(name, shapes, dtypes, args.hide_weights, collapse)
        try:
            source = self.shell.transform_cell(cell)
        except SyntaxError as e:        # IPython's tokenizer: inconsistent dedent and the like
            raise syntax_error(e, cell) from None
        result = run_symbol_cell(source, user_ns)

        target_name = name or (result.symbols[-1] if result.symbols else None)
        if target_name is None:
            raise UsageError("the cell assigned no Symbol; assign one (net = ...) or name one: "
                             "%%symbol NAME")
        target = result.assigned.get(target_name, user_ns.get(target_name))
        from ..symbol import Symbol
        if not isinstance(target, Symbol):
            raise UsageError("%r is not a Symbol the cell assigned (it assigned: %s)"
                             % (target_name, ", ".join(result.symbols) or "no Symbol"))

        provided = provided_shapes(target, shapes)
        self._check_names(target, shapes, dtypes)
        conflict = None
        if provided:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    target.infer_shape_partial(**shapes)
            except MXNetError as e:
                conflict = find_conflict(target, shapes, e)
        if conflict is not None:
            # Draw first, then fail: the picture is the explanation.
            _display.show(_display.symbol_bundle(target, shape=shapes or None,
                                                 hide_weights=args.hide_weights,
                                                 conflict=conflict))
            lineno, text = result.line_of(conflict.operator)
            raise CellError("MXNetError: " + conflict.describe(), lineno, text,
                            "MXNet says: " + conflict.message.removeprefix("MXNetError: "))
        if dtypes:
            try:
                target.infer_type_partial(**dtypes)
            except MXNetError as e:
                raise CellError("MXNetError: " + str(e).splitlines()[0].removeprefix(
                    "MXNetError: ")) from None

        for key in result.deleted:
            user_ns.pop(key, None)
        user_ns.update(result.assigned)
        _display.show(_display.symbol_bundle(target, shape=provided or None, dtype=dtypes or None,
                                             hide_weights=args.hide_weights, collapse=collapse))

    def _draw_existing(self, name, shapes, dtypes, hide_weights, collapse=None):
        from ..symbol import Symbol
        if name is None:
            raise UsageError("%symbol NAME draws an existing Symbol: give its name "
                             "(use %%symbol to run a cell)")
        target = self.shell.user_ns.get(name)
        if not isinstance(target, Symbol):
            raise UsageError("%r is not a Symbol in the namespace" % name)
        self._check_names(target, shapes, dtypes)
        _display.show(_display.symbol_bundle(target, shape=provided_shapes(target, shapes)
                                             or None, dtype=dtypes or None,
                                             hide_weights=hide_weights, collapse=collapse))

    @staticmethod
    def _check_names(target, shapes, dtypes):
        inputs = target.list_inputs()
        for option, values in (("--shape", shapes), ("--dtype", dtypes)):
            unknown = [k for k in values if k not in inputs]
            if unknown:
                raise UsageError("%s names %s, which %s not an input of the symbol; its inputs "
                                 "are: %s" % (option, ", ".join(unknown),
                                              "is" if len(unknown) == 1 else "are",
                                              ", ".join(inputs)))
