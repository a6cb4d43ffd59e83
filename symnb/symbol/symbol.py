"""``Symbol``: a list of output entries of a shared graph, with MXNet 1.x's whole API."""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import attribute
from .._fluent_examples import fluent_doc
from ..base import (  # noqa: F401 -- integer_types ... are MXNet's names in this module too
    CODE_TO_DTYPE,
    DTYPE_TO_CODE,
    MXNetError,
    NotImplementedForSymbol,
    integer_types,
    numeric_types,
    py_str,
    string_types,
)
from ..executor._zero_size import PROBE, infer_graph_shapes_np
from ..graph import Entry, Node, topo_order
from ..graph._json import dump_graph, load_graph
from ..inference import InferResult, infer_graph, is_complete
from ..util import is_np_shape
from ._create import HIDDEN_KEYS, convert_attrs, create

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json"]

_STYPES = {"default": 0, "row_sparse": 1, "csr": 2}
py_slice = slice        # MXNet's name for the builtin, which its ``slice`` operator shadows


class Symbol:
    """A symbolic expression: one or more outputs of a computation graph.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> c = a * b
    >>> c.list_arguments(), c.infer_shape(a=(2, 3))[1]
    (['a', 'b'], [(2, 3)])
    """

    __array_priority__ = 1000.0
    __slots__ = ("_heads", "__weakref__")

    def __init__(self, heads):
        self._heads = [(h[0], h[1]) for h in heads]

    # ------------------------------------------------------------------ structure
    def _order(self):
        return topo_order(self._heads)

    def _mutated_ids(self, order):
        ids = set()
        for node in order:
            if node.op is not None and node.op.mutated_inputs(node.params):
                mutated = node.op.mutated_positions(node.params)
                for pos, e in enumerate(node.inputs):
                    if pos in mutated:
                        ids.add(id(e.node))
        return ids

    def _variables(self):
        order = self._order()
        mutated = self._mutated_ids(order)
        args = [n for n in order if n.op is None and id(n) not in mutated]
        aux = [n for n in order if n.op is None and id(n) in mutated]
        return order, args, aux

    def list_arguments(self):
        """Argument names in graph order (aux states excluded).

        >>> import symnb as mx
        >>> mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc').list_arguments()
        ['data', 'fc_weight', 'fc_bias']
        """
        return [n.name for n in self._variables()[1]]

    def list_auxiliary_states(self):
        """Auxiliary state names (inputs that operators mutate, e.g. BatchNorm's moving stats).

        >>> import symnb as mx
        >>> mx.sym.BatchNorm(mx.sym.var('x'), name='bn').list_auxiliary_states()
        ['bn_moving_mean', 'bn_moving_var']
        """
        return [n.name for n in self._variables()[2]]

    def list_inputs(self):
        """All variable names (arguments and aux states) in graph order.

        >>> import symnb as mx
        >>> mx.sym.BatchNorm(mx.sym.var('x'), name='bn').list_inputs()
        ['x', 'bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var']
        """
        return [n.name for n in self._order() if n.op is None]

    def list_outputs(self):
        """Output names: ``<node>_output`` (or the op's own suffixes), a variable's own name.

        >>> import symnb as mx
        >>> mx.sym.SliceChannel(mx.sym.var('x'), num_outputs=2, name='sl').list_outputs()
        ['sl_output0', 'sl_output1']
        """
        out = []
        for node, index in self._heads:
            if node.op is None:
                out.append(node.name)
            else:
                suffix = node.op.output_names(node.params)[index]
                # an atomic symbol's node has no name: its outputs are the bare suffixes
                out.append("%s_%s" % (node.name, suffix) if node.name else suffix)
        return out

    def get_internals(self):
        """A group of every visible output of every node, in graph order.

        >>> import symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=2, name='fc')
        >>> fc.get_internals().list_outputs()
        ['d', 'fc_weight', 'fc_bias', 'fc_output']
        """
        heads = []
        for node in self._order():
            heads.extend((node, i) for i in range(node.num_visible_outputs()))
        return Symbol(heads)

    def get_children(self):
        """The inputs of the head nodes, or None for a variable.

        >>> import symnb as mx
        >>> (mx.sym.var('a') + mx.sym.var('b')).get_children().list_outputs()
        ['a', 'b']
        """
        heads, seen = [], set()
        for node, _ in self._heads:
            if id(node) in seen:
                continue
            seen.add(id(node))
            heads.extend((e.node, e.index) for e in node.inputs)
        return Symbol(heads) if heads else None

    @property
    def name(self):
        """The node name when every head comes from one node, else None.

        >>> import symnb as mx
        >>> mx.sym.var('x').name
        'x'
        """
        first = self._heads[0][0] if self._heads else None
        if first is None or any(node is not first for node, _ in self._heads):
            return None
        return first.name

    def __repr__(self):
        name = self.name
        if name is not None:
            return "<%s %s>" % (type(self).__name__, name)
        return "<%s group [%s]>" % (type(self).__name__,
                                     ", ".join(node.name for node, _ in self._heads))

    __str__ = __repr__

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Display in notebooks: MXNet's repr, an SVG graph and symnb's graph JSON."""
        from ..pictures import symbol_mimebundle  # lazy: keeps `import symnb` light
        return symbol_mimebundle(self, include=include, exclude=exclude)

    def __len__(self):
        return len(self._heads)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            hits = [i for i, n in enumerate(names) if n == index]
            if not hits:
                raise ValueError('Cannot find output that matches name "%s"' % index)
            if len(hits) > 1:
                raise ValueError('There are multiple outputs with name "%s"' % index)
            index = hits[0]
        elif isinstance(index, slice):
            start = 0 if index.start is None else index.start
            stop = len(self) if index.stop is None else index.stop
            step = 1 if index.step is None else index.step
            return Group([self[i] for i in range(start, stop, step)])
        elif not isinstance(index, int):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        if index < 0:
            raise MXNetError("MXNetError: Check failed: index < nreturn (%d vs. %d) : Symbol "
                             "only accept nonnegative index" % (index + 2**32, len(self)))
        if index >= len(self):
            raise IndexError()
        return Symbol([self._heads[index]])

    # ------------------------------------------------------------------ attributes
    def attr(self, key):
        """One attribute of the single head node (None if absent or a group).

        >>> import symnb as mx
        >>> mx.sym.var('w', lr_mult=2).attr('lr_mult')
        '2'
        """
        name = self.name
        if name is None:
            return None
        node = self._heads[0][0]
        if key == "name":
            return node.name
        if key in node.attrs:
            return node.attrs[key]
        if key in HIDDEN_KEYS:
            return node.attrs.get("__%s__" % key)
        return None

    @staticmethod
    def _mirrored(attrs):
        out = dict(attrs)
        for key in HIDDEN_KEYS:
            if "__%s__" % key in attrs:
                out[key] = attrs["__%s__" % key]
        return out

    def list_attr(self, recursive=False):
        """Attributes of the (first) head node, hidden keys reported twice.

        >>> import symnb as mx
        >>> mx.sym.var('x', attr={'ctx_group': 'dev1'}).list_attr()
        {'__ctx_group__': 'dev1', 'ctx_group': 'dev1'}
        """
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        if not self._heads:
            return {}
        return self._mirrored(self._heads[0][0].attrs)

    def attr_dict(self):
        """``{node name: attributes}`` for every node that has attributes.

        >>> import symnb as mx
        >>> mx.sym.FullyConnected(mx.sym.var('d'), num_hidden=3, name='fc').attr_dict()['fc']
        {'num_hidden': '3'}
        """
        out = {}
        for node in self._order():
            if node.attrs:
                out.setdefault(node.name, {}).update(self._mirrored(node.attrs))
        return out

    def _set_attr(self, **kwargs):
        """Set attributes on the single head node (``name`` renames it).

        >>> import symnb as mx
        >>> x = mx.sym.var('x'); x._set_attr(__note__='hi'); x.attr('__note__')
        'hi'
        """
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Set Attr only accepts string values")
        nodes = {id(n): n for n, _ in self._heads}
        if len(nodes) != 1:
            raise MXNetError("MXNetError: Check failed: node == e.node.get(): Symbol.SetAttrs "
                             "only works for non-grouped symbol")
        node = self._heads[0][0]
        for key, value in convert_attrs(kwargs).items():
            if key == "name":
                node.name = value
            else:
                node.attrs[key] = value
        node.invalidate()
        if node.op is not None:
            _ = node.params  # re-validate (the bad value stays stored, as in MXNet)

    # ------------------------------------------------------------------ composition
    def __call__(self, *args, **kwargs):
        """Copy the graph and replace variables by the given symbols (keyword form).

        >>> import symnb as mx
        >>> a, b, x = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('x')
        >>> (a + b)(a=x).list_arguments()
        ['x', 'b']
        """
        s = self.__copy__()
        s._compose(*args, **kwargs)
        return s

    def _gen_atomic_symbol(self):
        """The head node alone, as before composition: same operator and attributes, no
        name and no inputs (calling it composes it anew, as ``mx.sym.X(...)`` would).

        >>> import symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=3, name='fc')
        >>> atom = fc._gen_atomic_symbol()
        >>> atom.list_arguments(), atom.list_outputs(), atom.attr_dict()
        ([], ['output'], {'': {'num_hidden': '3'}})
        >>> atom(mx.sym.var('y'), name='fc2').list_arguments()
        ['y', 'fc2_weight', 'fc2_bias']
        """
        nodes = {id(node): node for node, _ in self._heads}
        if len(nodes) != 1:
            raise MXNetError("MXNetError: Generating atomic symbol from other symbol only works "
                             "for nongrouped symbol.")
        node = next(iter(nodes.values()))
        if node.op is None:
            # MXNet dereferences the missing operator and crashes; say what is wrong instead
            raise MXNetError("MXNetError: Generating atomic symbol needs an operator node, but "
                             "'%s' is a variable" % node.name)
        atom = Node(node.op, "", node.attrs)
        atom._params = node._params
        return Symbol([(atom, i) for i in range(atom.num_visible_outputs())])

    def _is_atomic(self):
        node = self._heads[0][0] if self._heads else None
        return (node is not None and node.op is not None and not node.inputs
                and all(n is node for n, _ in self._heads)
                and bool(node.op.input_names(node.params)))

    def _compose_atomic(self, args, kwargs, name):
        """Compose an atomic symbol: wire its inputs as the operator's own function does."""
        node = self._heads[0][0]
        given = {k: v for k, v in node.attrs.items() if not k.startswith("__")}
        hidden = {k: v for k, v in node.attrs.items() if k.startswith("__")}
        made = create(node.op, "", tuple(args), dict(given, **kwargs), None, hidden or None,
                      exact_name=name or node.name)
        new = made._heads[0][0]
        for old_node, _ in self._heads:
            old_node.name, old_node.attrs = new.name, new.attrs
            old_node.inputs, old_node._params = new.inputs, new._params
        self._heads = [(self._heads[0][0], i) for i, _ in enumerate(made._heads)]

    def _compose(self, *args, **kwargs):
        name = kwargs.pop("name", None)
        if self._is_atomic() and not (args and kwargs):
            return self._compose_atomic(args, kwargs, name)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols                 either as "
                            "positional or keyword arguments, not both")
        for arg in list(args) + list(kwargs.values()):
            if not isinstance(arg, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
        for i, arg in enumerate(args):
            if len(arg) != 1:
                raise MXNetError("MXNetError: Check failed: Argument %d is a tuple, single value "
                                 "is required" % i)
        for key, arg in kwargs.items():
            if len(arg) != 1:
                raise MXNetError("MXNetError: Check failed: Keyword Argument %s is a tuple, "
                                 "single value is required" % key)
        if name:
            for node, _ in self._heads:
                node.name = name
        if args:
            raise MXNetError("MXNetError: Check failed: args.size() == 0U (%d vs. 0) : General "
                             "composition only support kwargs for now" % len(args))
        if not kwargs:
            return
        order = self._order()
        variables = [n for n in order if n.op is None]
        replace = {}
        for key, arg in kwargs.items():
            matches = [v for v in variables if v.name == key]
            if not matches:
                cands = "".join("\t[%d]%s\n" % (i, v.name) for i, v in enumerate(variables))
                raise MXNetError("MXNetError: Symbol.ComposeKeyword argument name %s not found."
                                 "\nCandidate arguments:\n%s\n" % (key, cands))
            for v in matches:
                replace.setdefault(id(v), []).append(arg._heads[0])
        if any(len(v) != 1 for v in replace.values()) or \
                sum(1 for v in variables if v.name in kwargs) != len(kwargs):
            return  # several variables share a name: MXNet silently replaces nothing
        for node in order:
            node.inputs = [Entry(*replace[id(e.node)][0], 0) if id(e.node) in replace else e
                           for e in node.inputs]
        self._heads = [replace[id(n)][0] if id(n) in replace else (n, i)
                       for n, i in self._heads]

    def __copy__(self):
        order = self._order()
        clones = {}
        for node in order:
            c = Node(node.op, node.name, node.attrs)
            c.version = node.version
            c._params = node._params
            c.inputs = [Entry(clones[id(e.node)], e.index, e.version) for e in node.inputs]
            clones[id(node)] = c
        return Symbol([(clones[id(n)], i) for n, i in self._heads])

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __getstate__(self):
        return {"handle": self.tojson()}

    def __setstate__(self, state):
        self._heads = load_graph(state["handle"])

    # ------------------------------------------------------------------ JSON
    def tojson(self, remove_amp_cast=True):
        """MXNet's JSON text, byte for byte.

        >>> import symnb as mx
        >>> print(mx.sym.var('a').tojson().splitlines()[3])
              "op": "null",
        """
        from ..util import is_np_shape
        return dump_graph(self._heads, np_shape=is_np_shape())

    def save(self, fname, remove_amp_cast=True):
        """Write ``tojson()`` to a file (no trailing newline).

        >>> import symnb as mx, tempfile, os
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = os.path.join(d, 's.json'); mx.sym.var('a').save(p)
        ...     print(mx.sym.load(p).list_arguments())
        ['a']
        """
        if not isinstance(fname, str):
            raise TypeError("fname need to be string")
        with open(fname, "w", encoding="utf-8") as f:
            f.write(self.tojson())

    def debug_str(self):
        """MXNet's text dump of the graph (spec symbol.md 4.10).

        >>> import symnb as mx
        >>> mx.sym.var('data').debug_str()
        'Variable:data\\n'
        """
        if len(self._heads) == 1 and self._heads[0][0].op is None:
            return "Variable:%s\n" % self._heads[0][0].name
        lines = ["Symbol Outputs:\n"]
        lines += ["\toutput[%d]=%s(%d)\n" % (i, n.name, j) for i, (n, j) in enumerate(self._heads)]
        lines += _debug_nodes(self._order())
        return "".join(lines)

    # ------------------------------------------------------------------ inference
    def _given(self, args, kwargs, kind):
        order, arg_nodes, aux_nodes = self._variables()
        if args and kwargs:
            # the run of 21 spaces comes from a line continuation in MXNet's source
            raise ValueError("Can only specify known argument%s%s either by positional or "
                             "kwargs way." % (" " * 21, "shapes" if kind == "shape" else "types"))
        given = {}
        for node in order:
            if node.op is None:
                value = _attr_value(node, kind)
                if value is not None:
                    given[id(node)] = value
        if args:
            if len(args) > len(arg_nodes):
                raise MXNetError("MXNetError: Check failed: num_args <= read_only_args.size() "
                                 "(%d vs. %d)" % (len(args), len(arg_nodes)))
            for node, value in zip(arg_nodes, args, strict=False):
                if value is not None:
                    given[id(node)] = _user_value(node.name, value, kind)
        names = {}
        for node in order:
            if node.op is None:
                names.setdefault(node.name, []).append(node)
        for key, value in kwargs.items():
            if key not in names:
                inputs = [n.name for n in order if n.op is None]
                cands = "".join("\t[%d]%s\n" % (i, n) for i, n in enumerate(inputs))
                raise MXNetError("MXNetError: Infer%sKeyword argument name %s not found.\n"
                                 "Candidate arguments:\n%s\n"
                                 % ("Shape" if kind == "shape" else "Type", key, cands))
            v = _user_value(key, value, kind)
            for node in names[key]:
                if v is None:
                    given.pop(id(node), None)
                else:
                    given[id(node)] = v
        return order, arg_nodes, aux_nodes, given

    def _infer(self, args, kwargs, kind, partial):
        try:
            order, arg_nodes, aux_nodes, given = self._given(args, kwargs, kind)
            zero_size = kind == "shape" and is_np_shape() and any(
                isinstance(v, tuple) and 0 in v for v in list(args) + list(kwargs.values()))
            if zero_size:                 # a zero dimension is a size (executor/_zero_size.py)
                result = InferResult(infer_graph_shapes_np(order, lambda k: self._given(
                    _probe_user(args, k), _probe_user(kwargs, k), kind)[3]))
            else:
                result = infer_graph(order, given, kind)
        except MXNetError as e:
            if not partial:
                # MXNet prints this block to stdout before re-raising; symnb attaches it to
                # the exception instead (docs/DESIGN.md, "Choices where the spec is silent").
                lines = ["  #%d: %s" % (i, v) for i, v in enumerate(args)]
                lines += ["  %s: %s" % (k, v) for k, v in kwargs.items()]
                e.add_note("\n".join(["infer_%s error. Arguments:" % kind] + lines))
            raise
        conv = _shape_out if kind == "shape" else _type_out
        if zero_size:
            conv = _np_shape_out
        arg_vals = [result.entry(n) for n in arg_nodes]
        out_vals = [result.entry(n, i) for n, i in self._heads]
        aux_vals = [result.entry(n) for n in aux_nodes]
        if not partial:
            def done(v):
                if zero_size:
                    return v is not None and all(d >= 0 for d in v)
                return is_complete(v, kind)
            complete = all(done(v) for vals in result.values.values() for v in vals)
            if not complete:
                if kind == "shape":
                    bad = [(n.name, v) for n, v in zip(arg_nodes, arg_vals, strict=True)
                           if not done(v)]
                    msg = ("Cannot decide shape for the following arguments (0s in shape means "
                           "unknown dimensions). Consider providing them as input:")
                    lines = ["\n\t%s: %s" % (nm, conv(v)) for nm, v in bad[:10]]
                else:
                    bad = [(n.name, v) for n, v in zip(arg_nodes, arg_vals, strict=True)
                           if v is None]
                    msg = ("Cannot decide type for the following arguments. Consider providing "
                           "them as input:")
                    lines = ["\n\t%s: None" % nm for nm, _ in bad[:10]]
                if len(bad) > 10:
                    lines.append("\n\t...")
                warnings.warn(msg + "".join(lines), stacklevel=3)
                return None, None, None
        return ([conv(v) for v in arg_vals], [conv(v) for v in out_vals],
                [conv(v) for v in aux_vals])

    def infer_shape(self, *args, **kwargs):
        """Infer argument, output and aux shapes from the known ones.

        >>> import symnb as mx
        >>> fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=10, name='fc')
        >>> fc.infer_shape(data=(100, 784))
        ([(100, 784), (10, 784), (10,)], [(100, 10)], [])
        """
        return self._infer(args, kwargs, "shape", partial=False)

    def infer_shape_partial(self, *args, **kwargs):
        """Like infer_shape, but return what is known (unknown shape ``()``, unknown dim 0).

        >>> import symnb as mx
        >>> (mx.sym.var('a') + mx.sym.var('b')).infer_shape_partial(a=(2, 0))
        ([(2, 0), (2, 0)], [(2, 0)], [])
        """
        return self._infer(args, kwargs, "shape", partial=True)

    def infer_type(self, *args, **kwargs):
        """Infer argument, output and aux dtypes (numpy type classes).

        >>> import symnb as mx
        >>> (mx.sym.var('a') * 2).infer_type(a='float64')
        ([<class 'numpy.float64'>], [<class 'numpy.float64'>], [])
        """
        return self._infer(args, kwargs, "type", partial=False)

    def infer_type_partial(self, *args, **kwargs):
        """Like infer_type, with None for undecided types.

        >>> import symnb as mx
        >>> (mx.sym.var('a') * 2).infer_type_partial()
        ([None], [None], [])
        """
        return self._infer(args, kwargs, "type", partial=True)

    # ------------------------------------------------------------------ execution
    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None,
             group2ctx=None, shared_exec=None):
        """Bind arrays to the arguments and return an Executor (arrays are aliased).

        >>> import symnb as mx
        >>> a, b = mx.sym.var('a'), mx.sym.var('b')
        >>> ex = (a * b).bind(mx.cpu(), {'a': mx.nd.ones((2, 3)) * 4, 'b': mx.nd.ones((2, 3)) * 2})
        >>> ex.forward()[0].asnumpy()[0]
        array([8., 8., 8.], dtype=float32)
        """
        from ..executor import bind
        return bind(self, ctx, args, args_grad, grad_req, aux_states, group2ctx, shared_exec)

    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None,
                    shared_buffer=None, **kwargs):
        """Allocate arguments, gradients and aux states from shapes, then bind.

        >>> import symnb as mx
        >>> ex = (mx.sym.var('a') * 2).simple_bind(mx.cpu(), a=(2, 3))
        >>> ex.arg_dict['a'].shape, ex.grad_dict['a'].shape
        ((2, 3), (2, 3))
        """
        from ..executor import simple_bind
        return simple_bind(self, ctx, grad_req, type_dict, stype_dict, group2ctx,
                           shared_arg_names, shared_exec, shared_buffer, kwargs)

    def eval(self, ctx=None, **kwargs):
        """Bind the given arrays and run one forward; returns the outputs.

        >>> import symnb as mx
        >>> (mx.sym.var('a') + 1).eval(a=mx.nd.ones((2,)))[0].asnumpy()
        array([2., 2.], dtype=float32)
        """
        from ..context import current_context
        return self.bind(ctx or current_context(), kwargs).forward()

    def gradient(self, wrt):
        """The symbol of the gradient with respect to ``wrt``: not implemented, as in MXNet
        (use ``bind`` or ``simple_bind`` and ``Executor.backward``).

        >>> import symnb as mx
        >>> mx.sym.var('x').gradient(['x'])
        Traceback (most recent call last):
        ...
        symnb.base.MXNetError: MXNetError: Symbol.gradient is not implemented
        """
        raise MXNetError("MXNetError: Symbol.gradient is not implemented")

    # ------------------------------------------------------------------ operators
    def _binary(self, other, op_name, hint, scalar_op, scalar_hint, reflected=False,
                numbers_only=True):
        from ..ops import get_op
        if isinstance(other, Symbol):
            args = (other, self) if reflected else (self, other)
            return create(get_op(op_name), hint, args)
        is_scalar = isinstance(other, numbers.Number) if numbers_only else \
            isinstance(other, (float, int, np.generic))
        if is_scalar:
            return create(get_op(scalar_op), scalar_hint, (self,), {"scalar": other})
        raise TypeError("type %s not supported" % str(type(other)))

    def __add__(self, o):
        return self._binary(o, "elemwise_add", "_plus", "_plus_scalar", "_plusscalar")

    __radd__ = __add__

    def __sub__(self, o):
        return self._binary(o, "elemwise_sub", "_minus", "_minus_scalar", "_minusscalar")

    def __rsub__(self, o):
        return self._binary(o, "elemwise_sub", "_minus", "_rminus_scalar", "_rminusscalar",
                            reflected=True)

    def __mul__(self, o):
        return self._binary(o, "elemwise_mul", "_mul", "_mul_scalar", "_mulscalar")

    __rmul__ = __mul__

    def __truediv__(self, o):
        return self._binary(o, "elemwise_div", "_div", "_div_scalar", "_divscalar")

    def __rtruediv__(self, o):
        return self._binary(o, "elemwise_div", "_div", "_rdiv_scalar", "_rdivscalar",
                            reflected=True)

    def __mod__(self, o):
        return self._binary(o, "_mod", "_mod", "_mod_scalar", "_modscalar")

    def __rmod__(self, o):
        return self._binary(o, "_mod", "_mod", "_rmod_scalar", "_rmodscalar", reflected=True)

    def __pow__(self, o):
        return self._binary(o, "_power", "_power", "_power_scalar", "_powerscalar")

    def __rpow__(self, o):
        return self._binary(o, "_power", "_power", "_rpower_scalar", "_rpower_scalar",
                            reflected=True)

    def __neg__(self):
        from ..ops import get_op
        return create(get_op("_mul_scalar"), "_mulscalar", (self,), {"scalar": -1.0})

    def __abs__(self):
        from ..ops import get_op
        return create(get_op("abs"), "abs", (self,))

    def _compare(self, o, name, scalar_name):
        return self._binary(o, name, name, scalar_name, scalar_name, numbers_only=False)

    def __eq__(self, o):
        return self._compare(o, "_equal", "_equal_scalar")

    def __ne__(self, o):
        return self._compare(o, "_not_equal", "_not_equal_scalar")

    def __gt__(self, o):
        return self._compare(o, "_greater", "_greater_scalar")

    def __ge__(self, o):
        return self._compare(o, "_greater_equal", "_greater_equal_scalar")

    def __lt__(self, o):
        return self._compare(o, "_lesser", "_lesser_scalar")

    def __le__(self, o):
        return self._compare(o, "_lesser_equal", "_lesser_equal_scalar")

    __hash__ = None

    def __iadd__(self, other):
        raise NotImplementedForSymbol(self.__iadd__, "+=", other, 1)

    def __isub__(self, other):
        raise NotImplementedForSymbol(self.__isub__, "-=", other, 1)

    def __imul__(self, other):
        raise NotImplementedForSymbol(self.__imul__, "*=", other)

    def __itruediv__(self, other):
        raise NotImplementedForSymbol(self.__itruediv__, "/=", other)

    __idiv__ = __itruediv__

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, "bool")

    __nonzero__ = __bool__

    # NDArray-only methods (spec 4.8)
    def copy(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').copy()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function copy is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.copy, None)

    def asnumpy(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').asnumpy()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function asnumpy is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.asnumpy, None)

    def asscalar(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').asscalar()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function asscalar is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.asscalar, None)

    def as_in_context(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').as_in_context()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function as_in_context is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.as_in_context, None)

    def detach(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').detach()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function detach is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.detach, None)

    def wait_to_read(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').wait_to_read()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function wait_to_read is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.wait_to_read, None)

    def backward(self):
        """NDArray only: on a Symbol, raises ``NotImplementedForSymbol`` (as MXNet does).

        >>> import symnb as mx
        >>> mx.sym.var('x').backward()
        Traceback (most recent call last):
        ...
        symnb.base.NotImplementedForSymbol: Function backward is not implemented for Symbol...
        """
        raise NotImplementedForSymbol(self.backward, None)

    # ------------------------------------------------------------------ fluent methods
    def astype(self, *args, **kwargs):
        """Cast (op ``Cast``, auto-named ``cast<n>``).

        >>> import symnb as mx
        >>> mx.sym.var('a').astype('float16').list_attr()
        {'dtype': 'float16'}
        """
        from ..ops import get_op
        return _call_op(get_op("Cast"), "cast", (self,) + args, kwargs)

    def flatten(self, inplace=False, **kwargs):
        """``Flatten`` of this symbol.

        >>> import symnb as mx
        >>> mx.sym.var('a').flatten().infer_shape(a=(2, 3, 4))[1]
        [(2, 12)]
        """
        from ..ops import get_op
        return _call_op(get_op("Flatten"), "flatten", (self,), kwargs)

    def expand_dims(self, axis, inplace=False, **kwargs):
        """``expand_dims`` of this symbol.

        >>> import symnb as mx
        >>> mx.sym.var('a').expand_dims(0).infer_shape(a=(2,))[1]
        [(1, 2)]
        """
        from ..ops import get_op
        return _call_op(get_op("expand_dims"), "expand_dims", (self,), dict(kwargs, axis=axis))

    def squeeze(self, axis=None, inplace=False, **kwargs):
        """``squeeze`` of this symbol (always writes ``axis``).

        >>> import symnb as mx
        >>> mx.sym.var('a').squeeze().infer_shape(a=(2, 1))[1]
        [(2,)]
        """
        from ..ops import get_op
        return _call_op(get_op("squeeze"), "squeeze", (self,), dict(kwargs, axis=axis))

    def diag(self, k=0, **kwargs):
        """``diag`` of this symbol: the ``k``-th diagonal of a matrix (or a diagonal matrix
        made from a vector).

        >>> import symnb as mx
        >>> x = mx.sym.var('x')
        >>> x.diag(k=1).eval(x=mx.nd.array([[1, 2], [3, 4]]))[0].asnumpy()
        array([2.], dtype=float32)
        """
        from ..ops import get_op
        op = get_op("diag")
        if op is None:
            raise MXNetError("MXNetError: operator diag is not available in symnb yet")
        return _call_op(op, "diag", (self,), dict(kwargs, k=k))

    def split_v2(self, *args, **kwargs):
        """Fluent form of ``mx.sym.split_v2(self, ...)``.

        >>> import symnb as mx
        >>> mx.sym.var('x').split_v2(2).list_outputs()
        ['_split_v20_output0', '_split_v20_output1']
        """
        from ._helpers import split_v2
        return split_v2(self, *args, **kwargs)


_FLUENT = ("reshape", "reshape_like", "zeros_like", "ones_like", "broadcast_axes", "repeat",
           "pad", "swapaxes", "split", "slice", "slice_axis", "slice_like", "take", "one_hot",
           "pick", "sort", "topk", "argsort", "argmax", "argmax_channel", "argmin", "clip", "abs",
           "sign", "shape_array", "size_array", "broadcast_to", "broadcast_like", "tile",
           "transpose", "flip", "depth_to_space", "space_to_depth", "sum", "nansum", "prod",
           "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix", "floor", "ceil",
           "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees", "radians",
           "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log",
           "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal",
           "relu", "sigmoid", "softmax", "log_softmax", "softmin")


def _make_fluent(fname):
    def method(self, *args, **kwargs):
        from ..ops import get_op
        op = get_op(fname)
        if op is None:
            raise MXNetError("MXNetError: operator %s is not available in symnb yet" % fname)
        return _call_op(op, fname, (self,) + args, kwargs)
    method.__name__ = fname
    method.__qualname__ = "Symbol." + fname
    method.__doc__ = fluent_doc(fname, True)
    return method


for _f in _FLUENT:
    setattr(Symbol, _f, _make_fluent(_f))


def _call_op(op, hint, args, kwargs):
    """Call an operator like its generated function: bind positionals to inputs then params."""
    from ._functions import invoke
    return invoke(op, hint, args, kwargs)


def _debug_nodes(order):
    lines = []
    for node in order:
        if node.op is None:
            lines.append("Variable:%s\n" % node.name)
        else:
            lines += _debug_op(node, node.op.name, node.name)
    return lines


def _debug_op(node, op_name, name):
    """One operator block of ``debug_str`` (also used for the executor's backward nodes)."""
    lines = ["--------------------\n", "Op:%s, Name=%s\n" % (op_name, name), "Inputs:\n"]
    for i, e in enumerate(node.inputs):
        suffix = " version=%d" % e.version if e.node.op is None else ""
        lines.append("\targ[%d]=%s(%d)%s\n" % (i, e.node.name, e.index, suffix))
    if node.attrs:
        lines.append("Attrs:\n")
        lines += ["\t%s=%s\n" % (k, node.attrs[k]) for k in sorted(node.attrs)]
    return lines


# ------------------------------------------------------------------ shapes / types in and out
def _attr_value(node, kind):
    if kind == "shape":
        text = node.attrs.get("__shape__")
        if text is None:
            return None
        from ..ops._params import Param
        try:
            shape = Param("__shape__", "Shape(tuple), required").parse(text)
        except MXNetError:
            raise MXNetError("MXNetError: Check failed: is >> rshape[out_ent_id] Invalid "
                             "attribute __shape__=%r of variable %s" % (text, node.name)) from None
        return _legacy_shape(shape)
    text = node.attrs.get("__dtype__")
    if text is None:
        return None
    if not text.strip().lstrip("+-").isdigit():
        raise MXNetError("MXNetError: Check failed: is >> rshape[out_ent_id] Invalid attribute "
                         "__dtype__=%r of variable %s: expected an integer type code"
                         % (text, node.name))
    return CODE_TO_DTYPE.get(int(text))


def _legacy_shape(shape):
    if shape is None or len(shape) == 0:
        return None                       # () means "unknown shape" in legacy semantics
    return tuple(int(d) if int(d) > 0 else 0 for d in shape)


def _user_value(name, value, kind):
    if kind == "shape":
        if not isinstance(value, tuple):
            raise TypeError("Arguments need to be shapes (tuple), but '%s' is %s."
                            % (name, type(value)))
        return _legacy_shape(tuple(_index(d, name, value) for d in value))
    try:
        dt = np.dtype(value)
    except TypeError as e:                # MXNet's text (NumPy's); the note names the argument
        raise _noted(TypeError(str(e)), "argument %s: dtype %r" % (name, value)) from None
    if dt not in DTYPE_TO_CODE:
        return None                       # spec 5.2: types outside the table are ignored
    return dt


def _index(d, name, shape):
    import operator
    try:
        return operator.index(d)
    except TypeError as e:                # MXNet's text; the note names the argument
        raise _noted(TypeError(str(e)), "argument %s has shape %r" % (name, shape)) from None


def _noted(error, note):
    """``error`` with ``note`` attached (shown under the message in tracebacks)."""
    error.add_note(note)
    return error


def _shape_out(v):
    from ..util import is_np_shape
    if is_np_shape():       # numpy shape semantics: unknown shape None, unknown dim -1
        return None if v is None else tuple(int(d) if d > 0 else -1 for d in v)
    return () if v is None else tuple(int(d) for d in v)


def _probe_user(shapes, k):
    """User shapes (a list or a dict) with each zero dimension as ``k * PROBE``."""
    def probe(v):
        return tuple(d if d != 0 else k * PROBE for d in v) if isinstance(v, tuple) and k \
            else v
    if isinstance(shapes, dict):
        return {key: probe(v) for key, v in shapes.items()}
    return [probe(v) for v in shapes]


def _np_shape_out(v):
    return None if v is None else tuple(int(d) for d in v)


def _type_out(v):
    return None if v is None else np.dtype(v).type


# ------------------------------------------------------------------ module-level API
def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
        stype=None, **kwargs):
    """Create a variable (an argument of the graph).

    >>> import symnb as mx
    >>> a = mx.sym.var('a', shape=(2, 3), lr_mult=2)
    >>> sorted(a.list_attr().items())
    [('__lr_mult__', '2'), ('__shape__', '(2, 3)'), ('lr_mult', '2')]
    """
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    attrs = attribute.current().get(attr)
    for value in attrs.values():
        if not isinstance(value, str):
            raise ValueError("Set Attr only accepts string values")
    attrs = convert_attrs(dict(attrs))
    if "name" in attrs:
        name = attrs.pop("name")
    if shape is not None:
        attrs["__shape__"] = str(shape)
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        dt = np.dtype(dtype)
        if dt not in DTYPE_TO_CODE:
            raise KeyError(dt.type)
        attrs["__dtype__"] = str(DTYPE_TO_CODE[dt])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str(_STYPES[stype])
    for key, value in kwargs.items():
        if key.startswith("__") and key.endswith("__"):
            attrs[key] = str(value)
        else:
            raise ValueError("Attribute name=%s is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__" % key)
    name = name.split("\x00")[0]
    return Symbol([(Node(None, name, attrs), 0)])


Variable = var


def Group(symbols):  # noqa: N802  -- MXNet's name
    """Concatenate the outputs of several symbols.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.Group([a + b, a * b]).list_outputs()
    ['_plus0_output', '_mul0_output']
    """
    if not isinstance(symbols, (list, tuple)) or not symbols or \
            any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    heads = []
    for s in symbols:
        heads.extend(s._heads)
    return Symbol(heads)


def load_json(json_str):
    """Load a symbol from MXNet JSON text (any version since 0.8).

    >>> import symnb as mx
    >>> s = mx.sym.load_json(mx.sym.FullyConnected(num_hidden=2, name='fc').tojson())
    >>> s.list_arguments()
    ['fc_data', 'fc_weight', 'fc_bias']
    """
    if not isinstance(json_str, str):
        raise TypeError("fname required to be string")
    return Symbol(load_graph(json_str))


def load(fname):
    """Load a symbol from a JSON file written by ``save`` (or by MXNet).

    >>> import symnb as mx, tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, 'x.json'); mx.sym.var('x').save(p)
    ...     print(mx.sym.load(p).name)
    x
    """
    if not isinstance(fname, str):
        raise TypeError("fname need to be string")
    try:
        with open(fname, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise MXNetError('MXNetError: LocalFileSystem: Check failed: allow_null: :Open "%s": '
                         'No such file or directory' % fname) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MXNetError("MXNetError: %s is no symbol file: byte 0x%02x at offset %d is not "
                         "UTF-8 (symbol JSON is UTF-8 text)" % (fname, raw[e.start], e.start)
                         ) from None
    return load_json(text)


