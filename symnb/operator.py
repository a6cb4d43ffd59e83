"""``mx.operator``: operators written in Python (MXNet 1.x custom operators).

Subclass :class:`CustomOpProp` to declare an operator's arguments, outputs, auxiliary states,
shape and type rules, register it under a name with :func:`register`, and write the
computation in a :class:`CustomOp` that the prop creates. ``mx.sym.Custom(..., op_type=name)``
and ``mx.nd.Custom`` then use it like any built-in operator: it is planned by the executor,
gets the ``'write'``/``'add'``/``'null'`` request of each gradient, and is saved to JSON as
MXNet saves it (``"op": "Custom"`` with ``op_type`` and the prop's keyword arguments, which the
prop receives back as strings, as in MXNet).

>>> import numpy as np, symnb as mx
>>> class Square(mx.operator.CustomOp):
...     def forward(self, is_train, req, in_data, out_data, aux):
...         self.assign(out_data[0], req[0], in_data[0] * in_data[0])
...     def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
...         self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])
>>> @mx.operator.register("doctest_square")
... class SquareProp(mx.operator.CustomOpProp):
...     def create_operator(self, ctx, shapes, dtypes):
...         return Square()
>>> x = mx.sym.var('x')
>>> y = mx.sym.Custom(x, op_type='doctest_square', name='sq')
>>> g = mx.nd.zeros((3,))
>>> ex = y.bind(mx.cpu(), {'x': mx.nd.array([1, 2, 3])}, args_grad={'x': g})
>>> ex.forward(is_train=True)[0].asnumpy(), (ex.backward(mx.nd.ones((3,))), g.asnumpy())[1]
(array([1., 4., 9.], dtype=float32), array([2., 4., 6.], dtype=float32))
"""
from __future__ import annotations

import collections
import warnings

from .base import MXNetError

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators",
           "get_operator_arguments", "OperatorArguments", "PythonOp", "NumpyOp", "NDArrayOp"]

# op_type -> CustomOpProp subclass
_PROPS: dict[str, type] = {}


class PythonOp:
    """Base class of MXNet's deprecated Python operators (use :class:`CustomOp` instead).

    A subclass declares ``list_arguments``, ``list_outputs`` and ``infer_shape`` and computes
    in ``forward(in_data, out_data)`` and ``backward(out_grad, in_data, out_data, in_grad)``,
    writing into the given arrays; :meth:`get_symbol` (or calling the object) builds its node.
    The defaults make an identity whose gradient is one. Construction warns, as in MXNet.

    Parameters
    ----------
    need_top_grad : bool, default True
        What :meth:`need_top_grad` returns; False for a loss layer (its backward then gets
        ``out_grad == []`` and ``Executor.backward()`` needs no head gradient).

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always')
    ...     op = mx.operator.PythonOp()
    >>> str(caught[0].message), op.list_arguments(), op.list_outputs()
    ('PythonOp has been deprecated. Please use CustomOp', ['data'], ['output'])
    """

    # the objects whose nodes exist, as MXNet keeps them alive for its callbacks
    _ref_holder: list = []

    def __init__(self, need_top_grad=True):
        self.info_ = None
        self.need_top_grad_ = need_top_grad
        warnings.warn("PythonOp has been deprecated. Please use CustomOp")

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        """The Symbol of this operator applied to ``args`` (Symbols, positionally in
        ``list_arguments`` order, or by those names); ``name``/``attr`` as for any operator.

        :class:`NumpyOp` and :class:`NDArrayOp` implement it; the base class raises.

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     mx.operator.PythonOp().get_symbol(mx.sym.var('x'))
        Traceback (most recent call last):
        ...
        NotImplementedError: Must override this
        """
        raise NotImplementedError("Must override this")

    def forward(self, in_data, out_data):
        """Write the outputs ``out_data`` from ``in_data`` (default: copy input 0).

        >>> import warnings, numpy as np, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.PythonOp()
        >>> out = [np.zeros(2)]; op.forward([np.array([3., 4.])], out); out[0]
        array([3., 4.])
        """
        out_data[0][:] = in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        """Write the input gradients ``in_grad`` (default: ones for input 0).

        >>> import warnings, numpy as np, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.PythonOp()
        >>> grad = [np.zeros(2)]
        >>> op.backward([np.full(2, 5.)], [np.zeros(2)], [np.zeros(2)], grad); grad[0]
        array([1., 1.])
        """
        in_grad[0][:] = 1.0

    def infer_shape(self, in_shape):
        """``(argument shapes, output shapes)`` from the argument shapes (lists of ints, all
        known); default: one output shaped like input 0.

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.PythonOp()
        >>> op.infer_shape([[2, 3]])
        ([[2, 3]], [[2, 3]])
        """
        return in_shape, [in_shape[0]]

    def list_outputs(self):
        """Output names (``<node>_<name>`` in ``Symbol.list_outputs``).

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.NumpyOp()
        >>> op.list_outputs(), op(mx.sym.var('x'), name='n').list_outputs()
        (['output'], ['n_output'])
        """
        return ["output"]

    def list_arguments(self):
        """Argument names; missing ones become variables ``<node>_<name>``.

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.NumpyOp()
        >>> op.list_arguments(), op(name='n').list_arguments()
        (['data'], ['n_data'])
        """
        return ["data"]

    def need_top_grad(self):
        """Whether ``backward`` uses ``out_grad`` (False for loss layers).

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.PythonOp(need_top_grad=False)
        >>> op.need_top_grad()
        False
        """
        return self.need_top_grad_

    def _node(self, op_name, args, kwargs, params):
        from . import symbol
        self.info_ = "%x" % id(self)
        _PYTHON_OPS[self.info_] = self
        PythonOp._ref_holder.append(self)
        return getattr(symbol._internal, op_name)(*args, info=self.info_, **params, **kwargs)


class NumpyOp(PythonOp):
    """A deprecated Python operator computing on NumPy arrays (node ``_Native``).

    ``forward``/``backward`` receive NumPy arrays over the executor's buffers (float32) and
    write the outputs and gradients into them.

    >>> import warnings, numpy as np, symnb as mx
    >>> class Double(mx.operator.NumpyOp):
    ...     def forward(self, in_data, out_data):
    ...         out_data[0][:] = 2 * in_data[0]
    ...     def backward(self, out_grad, in_data, out_data, in_grad):
    ...         in_grad[0][:] = 2 * out_grad[0]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     y = Double()(mx.sym.var('x'), name='double')
    >>> g = mx.nd.zeros((2,))
    >>> ex = y.bind(mx.cpu(), {'x': mx.nd.array([1, 2])}, args_grad={'x': g})
    >>> ex.forward(is_train=True)[0].asnumpy()
    array([2., 4.], dtype=float32)
    >>> ex.backward(mx.nd.ones((2,))); g.asnumpy()
    array([2., 2.], dtype=float32)
    """

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)
        warnings.warn("NumpyOp has been deprecated. Please use CustomOp")

    def get_symbol(self, *args, **kwargs):
        """The ``_Native`` Symbol of this operator (see :meth:`PythonOp.get_symbol`).

        >>> import json, warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = mx.operator.NumpyOp().get_symbol(mx.sym.var('x'), name='n')
        >>> json.loads(y.tojson())['nodes'][-1]['op'], y.list_outputs()
        ('_Native', ['n_output'])
        """
        return self._node("_Native", args, kwargs, {"need_top_grad": self.need_top_grad()})


class NDArrayOp(PythonOp):
    """A deprecated Python operator computing on NDArrays (node ``_NDArray``).

    >>> import warnings, symnb as mx
    >>> class Neg(mx.operator.NDArrayOp):
    ...     def forward(self, in_data, out_data):
    ...         out_data[0][:] = -in_data[0]
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     y = Neg()(mx.sym.var('x'))
    >>> y.eval(x=mx.nd.array([1, -2]))[0].asnumpy()
    array([-1.,  2.], dtype=float32)
    """

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)
        warnings.warn("NDArrayOp has been deprecated. Please use CustomOp")

    def get_symbol(self, *args, **kwargs):
        """The ``_NDArray`` Symbol of this operator (see :meth:`PythonOp.get_symbol`).

        >>> import json, warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     y = mx.operator.NDArrayOp().get_symbol(mx.sym.var('x'), name='nd')
        >>> json.loads(y.tojson())['nodes'][-1]['op'], y.list_arguments()
        ('_NDArray', ['x'])
        """
        return self._node("_NDArray", args, kwargs, {})

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The ids of the arrays ``backward`` reads: MXNet plans memory with them; symnb keeps
        every array alive, so the answer changes nothing observable.

        >>> import warnings, symnb as mx
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     op = mx.operator.NDArrayOp(need_top_grad=False)
        >>> op.declare_backward_dependency(out_grad=[0], in_data=[1], out_data=[2])
        [1, 2]
        """
        deps = []
        if self.need_top_grad():
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps


# info token (hex, as MXNet writes its callback table's address) -> the live PythonOp
_PYTHON_OPS: dict[str, PythonOp] = {}


def _python_op(info: str, op_name: str, wrapper: str, node_name: str) -> PythonOp:
    """The PythonOp a ``_Native``/``_NDArray`` node's ``info`` names."""
    pyop = _PYTHON_OPS.get(info)
    if pyop is None:
        raise MXNetError("MXNetError: %s(name=\"%s\"): info=%s names no mx.operator.%s of this "
                         "process: a %s node only runs where its %s built it (get_symbol), "
                         "as in MXNet, whose info is a memory address"
                         % (op_name, node_name, info, wrapper, op_name, wrapper))
    return pyop


class CustomOp:
    """Base class of a custom operator's computation.

    ``forward`` writes ``out_data`` (and may update ``aux``); ``backward`` writes ``in_grad``.
    Both receive NDArrays over the executor's own buffers; write them with :meth:`assign`,
    which honours each array's request.

    >>> import symnb as mx
    >>> class Double(mx.operator.CustomOp):
    ...     def forward(self, is_train, req, in_data, out_data, aux):
    ...         self.assign(out_data[0], req[0], 2 * in_data[0])
    >>> out = mx.nd.zeros((2,))
    >>> Double().forward(False, ['write'], [mx.nd.array([1, 2])], [out], []); out.asnumpy()
    array([2., 4.], dtype=float32)
    """

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Compute the outputs.

        Parameters
        ----------
        is_train : bool
        req : list of str
            ``'null'``, ``'write'`` or ``'add'`` per output.
        in_data, out_data, aux : list of NDArray

        The base method does nothing; an override sees what the executor passes:

        >>> import symnb as mx
        >>> class Probe(mx.operator.CustomOp):
        ...     def forward(self, is_train, req, in_data, out_data, aux):
        ...         print(is_train, req, in_data[0].shape)
        ...         self.assign(out_data[0], req[0], in_data[0] + 1)
        >>> @mx.operator.register('doc_probe_forward')
        ... class ProbeProp(mx.operator.CustomOpProp):
        ...     def create_operator(self, ctx, shapes, dtypes):
        ...         return Probe()
        >>> mx.nd.Custom(mx.nd.zeros((2,)), op_type='doc_probe_forward').asnumpy()
        False ['write'] (2,)
        array([1., 1.], dtype=float32)
        """

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Compute the input gradients (``req`` per input, as in :meth:`forward`).

        >>> import symnb as mx
        >>> class Double(mx.operator.CustomOp):
        ...     def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        ...         self.assign(in_grad[0], req[0], 2 * out_grad[0])
        >>> grad = mx.nd.ones((2,))
        >>> Double().backward(['add'], [mx.nd.array([1, 2])], [], [], [grad], []); grad.asnumpy()
        array([3., 5.], dtype=float32)
        """

    def assign(self, dst, req, src):
        """Write ``src`` into ``dst`` following ``req`` ('null', 'write', 'inplace', 'add').

        >>> import symnb as mx
        >>> dst = mx.nd.ones((2,))
        >>> mx.operator.CustomOp().assign(dst, 'add', mx.nd.ones((2,)))
        >>> dst.asnumpy()
        array([2., 2.], dtype=float32)
        """
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src
        else:
            raise ValueError("req must be one of 'null', 'write', 'inplace' or 'add', got %r"
                             % (req,))


class CustomOpProp:
    """Base class of a custom operator's declaration.

    Parameters
    ----------
    need_top_grad : bool, default True
        Whether ``backward`` needs the gradient of the outputs. A loss operator says False:
        ``Executor.backward()`` then needs no head gradient for it.

    >>> import symnb as mx
    >>> prop = mx.operator.CustomOpProp()
    >>> prop.list_arguments(), prop.list_outputs(), prop.infer_shape([[2, 3]])
    (['data'], ['output'], ([[2, 3]], ([2, 3],), ()))
    """

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """``(argument shapes, output shapes[, aux shapes])`` from the argument shapes
        (lists; an unknown shape is ``[]``). Default: every output shaped like input 0.

        >>> import symnb as mx
        >>> class TwoOut(mx.operator.CustomOpProp):
        ...     def list_outputs(self):
        ...         return ['a', 'b']
        >>> TwoOut().infer_shape([[2, 3]])
        ([[2, 3]], ([2, 3], [2, 3]), ())
        """
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """``(argument types, output types[, aux types])``; default: input 0's type.

        >>> import numpy as np, symnb as mx
        >>> mx.operator.CustomOpProp().infer_type([np.float16])
        ([<class 'numpy.float16'>], [<class 'numpy.float16'>], [])
        """
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        """Storage types: only dense ('default') storage exists in symnb.

        >>> import symnb as mx
        >>> mx.operator.CustomOpProp().infer_storage_type(['default'])
        (['default'], ['default'], [])
        >>> mx.operator.CustomOpProp().infer_storage_type(['csr'])
        Traceback (most recent call last):
        ...
        symnb.base.MXNetError: Default infer_storage_type implementation doesnt allow non ...
        """
        for i, stype in enumerate(in_stype):
            if stype != "default":
                raise MXNetError("Default infer_storage_type implementation doesnt allow non "
                                 "default stypes: found non default stype '%s' for in_stype[%d]"
                                 % (stype, i))
        return in_stype, ["default"] * len(self.list_outputs()), \
            ["default"] * len(self.list_auxiliary_states())

    def list_outputs(self):
        """Output names (``<node>_<name>`` in ``list_outputs``).

        >>> import symnb as mx
        >>> @mx.operator.register('doc_prop_list_outputs')
        ... class TwoOut(mx.operator.CustomOpProp):
        ...     def list_outputs(self):
        ...         return ['a', 'b']
        >>> mx.sym.Custom(mx.sym.var('x'), op_type='doc_prop_list_outputs', name='c').list_outputs()
        ['c_a', 'c_b']
        """
        return ["output"]

    def list_arguments(self):
        """Argument names; missing ones become variables ``<node>_<name>``.

        >>> import symnb as mx
        >>> @mx.operator.register('doc_prop_list_arguments')
        ... class TwoIn(mx.operator.CustomOpProp):
        ...     def list_arguments(self):
        ...         return ['lhs', 'rhs']
        >>> mx.sym.Custom(mx.sym.var('a'), op_type='doc_prop_list_arguments',
        ...               name='c').list_arguments()
        ['a', 'c_rhs']
        """
        return ["data"]

    def list_auxiliary_states(self):
        """Auxiliary state names (arrays the operator updates itself).

        >>> import symnb as mx
        >>> @mx.operator.register('doc_prop_list_auxiliary_states')
        ... class Running(mx.operator.CustomOpProp):
        ...     def list_auxiliary_states(self):
        ...         return ['running']
        >>> mx.sym.Custom(mx.sym.var('x'), op_type='doc_prop_list_auxiliary_states',
        ...               name='c').list_auxiliary_states()
        ['c_running']
        """
        return []

    def need_top_grad(self):
        """Whether ``backward`` uses ``out_grad``.

        >>> import symnb as mx
        >>> mx.operator.CustomOpProp(need_top_grad=False).need_top_grad()
        False
        """
        return self.need_top_grad_

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The ids of the arrays ``backward`` reads (for memory planning).

        >>> import symnb as mx
        >>> mx.operator.CustomOpProp().declare_backward_dependency([0], [1], [2])
        [0, 1, 2]
        """
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The :class:`CustomOp` that computes this operator on ``ctx``.

        The default is a base :class:`CustomOp`, whose ``forward`` and ``backward`` do nothing.

        >>> import numpy as np, symnb as mx
        >>> op = mx.operator.CustomOpProp().create_operator(mx.cpu(), [[2]], [np.float32])
        >>> type(op).__name__
        'CustomOp'
        """
        return CustomOp()


def register(reg_name):
    """Class decorator: register a :class:`CustomOpProp` subclass as ``op_type=reg_name``.

    >>> import symnb as mx
    >>> @mx.operator.register("doctest_identity")
    ... class IdentityProp(mx.operator.CustomOpProp):
    ...     pass
    >>> mx.sym.Custom(mx.sym.var('x'), op_type='doctest_identity', name='i').list_outputs()
    ['i_output']
    """
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise TypeError("mx.operator.register(%r) decorates a CustomOpProp subclass, "
                            "not %r" % (reg_name, prop_cls))
        _PROPS[reg_name] = prop_cls
        return prop_cls
    return do_register


def get_all_registered_operators():
    """Every registered operator name, aliases included, sorted (MXNet lists its C++
    operators; ``op_type`` names from :func:`register` are arguments of ``Custom``).

    >>> import symnb as mx
    >>> names = mx.operator.get_all_registered_operators()
    >>> 'FullyConnected' in names and 'Custom' in names and names == sorted(names)
    True
    """
    from .ops import REGISTRY
    return sorted(REGISTRY)


OperatorArguments = collections.namedtuple("OperatorArguments", ["narg", "names", "types"])
OperatorArguments.__doc__ = """What :func:`get_operator_arguments` returns: the number of
arguments, their names and their MXNet type strings.

>>> import symnb as mx
>>> args = mx.operator.get_operator_arguments('Activation')
>>> args.narg, args.names, args.types[0]
(2, ['data', 'act_type'], 'NDArray-or-Symbol')
"""


def get_operator_arguments(op_name):
    """An operator's inputs and parameters with MXNet's type strings.

    >>> import symnb as mx
    >>> mx.operator.get_operator_arguments('FullyConnected').names
    ['data', 'weight', 'bias', 'num_hidden', 'no_bias', 'flatten']
    """
    from .ops import get_op
    op = get_op(op_name)
    if op is None:
        raise MXNetError("MXNetError: Check failed: op != nullptr: Operator %s is not registered"
                         % op_name)
    arg_type = op.input_type or ("NDArray-or-Symbol[]" if op.variadic or op.key_var_num_args
                                 else "NDArray-or-Symbol")
    inputs = list(op.python_inputs())
    names = inputs + [p.name for p in op.params]
    types = [arg_type] * len(inputs) + [p.type for p in op.params]
    return OperatorArguments(len(names), names, types)


def _make_prop(op_type: str, kwargs: dict) -> CustomOpProp:
    """Instantiate the prop registered as ``op_type`` with the node's string kwargs."""
    cls = _PROPS.get(op_type)
    if cls is None:
        raise MXNetError("MXNetError: Cannot find custom operator %s" % op_type)
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise MXNetError("MXNetError: custom operator %s: %s.__init__ does not accept the "
                         "keyword arguments %s (every keyword of mx.sym.Custom besides op_type "
                         "is passed to it as a string): %s"
                         % (op_type, cls.__name__, sorted(kwargs), e)) from e
