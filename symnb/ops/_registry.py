"""The operator definition: one class per operator, holding everything about it.

An :class:`OpDef` subclass declares MXNet's facts (canonical name, aliases, Python function
locations, inputs, parameters, outputs) and implements, side by side, the shape rule, the type
rule, the forward and the backward. ``mx.sym.X``, ``mx.nd.X``, JSON parsing, docs and picture
labels are all derived from it; nothing is generated as code text.

Runtime contract (used by the executor, see docs/DESIGN.md):

* ``forward(p, ins, outs, is_train, rt)`` writes every output (hidden ones included) into the
  preallocated arrays ``outs``. ``rt`` is the backend runtime: ``rt.xp`` is the array
  namespace (numpy or cupy), ``rt.rng`` the random generator.
* ``backward(p, ins, outs, ograds, igrads, reqs, is_train, rt)`` receives the forward inputs
  and outputs and the gradients of the visible outputs (``None`` for loss heads or outputs
  whose gradient is not needed), and writes the input gradients into ``igrads[i]`` following
  ``reqs[i]`` (``'write'`` / ``'add'``; ``igrads[i] is None`` means not needed). Use
  :func:`assign` for that.
* Hidden outputs (BatchNorm's mean/var, Dropout's mask) carry state from forward to backward,
  as MXNet does.

Every optional hook has a default here (no ``getattr`` probing anywhere): the fast paths
``prepare_forward``/``prepare_backward`` return ``None`` unless an operator specialises them,
``forward_writes_inputs`` is empty, ``has_gradient`` is False only for operators without a
backward (optimizer updates). A backend may replace one operator's forward or backward with
its own kernel through :data:`KERNELS` (``register_kernel``), keyed by (operator, backend).
"""
from __future__ import annotations

import inspect
from typing import ClassVar

import numpy as np

from ..base import MXNetError
from ._params import Param, Params, parse_params

__all__ = ["OpDef", "register", "get_op", "REGISTRY", "OPS", "assign", "InferError", "Kernel",
           "KERNELS", "register_kernel", "kernel_for"]

# canonical name -> OpDef, and every registered name (aliases too) -> OpDef
OPS: dict[str, OpDef] = {}
REGISTRY: dict[str, OpDef] = {}


class InferError(Exception):
    """Raised by shape/type rules; ``{node}`` in the text is replaced by the node's name."""


class OpDef:
    """Base class of operator definitions. Subclasses set class attributes and rules."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    # where the Python function of each registered name lives: name -> (module, function name)
    python: ClassVar[dict[str, tuple[str, str]]] = {}
    inputs: ClassVar[tuple[str, ...]] = ("data",)
    mutates: ClassVar[tuple[str, ...]] = ()          # aux states (MXNet's FMutateInputs)
    roles: ClassVar[dict[str, str]] = {}             # input -> data|weight|bias|aux|label
    params: ClassVar[tuple[Param, ...]] = ()
    # parsed like params but not listed among the arguments (add_n's num_args: ops.json none)
    hidden_params: ClassVar[tuple[Param, ...]] = ()
    # the parameter struct MXNet parses with, where it differs from the documented ones
    # (smooth_l1 documents ``scalar : float`` but parses ``scalar : double`` and ``is_int``):
    # parsed, defaulted and listed in errors; params stay the signature's and the docs'
    parser_params: ClassVar[tuple[Param, ...] | None] = None
    outputs: ClassVar[tuple[str, ...]] = ("output",)  # visible output suffixes
    num_outputs_total_default: ClassVar[int | None] = None
    key_var_num_args: ClassVar[str | None] = None
    # inputs given positionally only, their count set by a parameter the caller must pass
    # (multi_sgd_update's num_weights): MXNet's "(*data, **kwargs)" without key_var_num_args
    variadic: ClassVar[bool] = False
    # the type MXNet's docs give the inputs, where it is not "NDArray-or-Symbol" ("NDArray"
    # for imperative-only operators); see mx.operator.get_operator_arguments
    input_type: ClassVar[str | None] = None
    # ``mx.nd`` gives the rules the shapes and dtypes of the ``out`` arrays first, as MXNet's
    # imperative call does, for rules that never infer an output themselves (the multi-tensor
    # updates); "NDArray" operators always do
    shapes_from_out: ClassVar[bool] = False
    # variadic inputs given by keyword take their declared names (Custom), not arg0..argN
    keyword_inputs: ClassVar[bool] = False
    var_attrs_on_compose: ClassVar[dict[str, dict[str, str]]] = {}
    loss_head: ClassVar[bool] = False
    semantic_loss: ClassVar[bool] = False
    accepts_unknown_params: ClassVar[bool] = False
    # whether parameter errors end with ", in operator Op(name=..., k=v)": MXNet's
    # ParamParser adds it, some operators' own parsers (Pooling, the reductions) do not
    param_error_suffix: ClassVar[bool] = True
    family: ClassVar[str] = "other"                  # picture colour family
    # whether MXNet names this op's inputs for the monitor (`fc1_data`) or numbers them
    # (`relu1_input0`): operators registered without FListInputNames are numbered
    monitor_named_inputs: ClassVar[bool] = True
    # whether mx.nd accepts a zero dimension this op's shape rule makes from its parameters
    # in legacy shape semantics (one_hot with depth=0 is a (..., 0) array; _zeros((5, 0))
    # is MXNet's "inferring shapes failed")
    zero_size_outputs: ClassVar[bool] = False
    param_map: ClassVar[dict[str, Param]] = {}
    # values the code reads that this operator does not let users set (an older form such as
    # BatchNorm_v1 shares its successor's code: axis is always 1 there)
    implied_params: ClassVar[dict[str, object]] = {}
    # MXNet's MakeZeroGradNodes: the inputs get zeros, so nothing upstream needs a gradient
    # on its account (a non-differentiable operator feeding only these binds fine)
    zero_gradient: ClassVar[bool] = False
    # MXNet builds this operator's backward even when only zero gradients reach it (its
    # FGradient is MakeGradNode, a legacy or custom one; not MakeNonlossGradNode, which
    # passes zeros on): a loss then still gives its gradient, BatchNorm still updates its
    # moving statistics, and the operators upstream get a real (if zero) gradient
    backward_on_zero_grads: ClassVar[bool] = False
    # MXNet's CloneGradient (elemwise_add): the output's gradient entry itself becomes each
    # input's, with no backward node, so where it reaches a variable used once it lives in
    # that variable's gradient array (which matters to ``backward_in_place``)
    clone_gradient: ClassVar[bool] = False
    # MXNet's type rule refuses an unknown first input type (its message core, raised as
    # "Error in operator <node>: ..." when type inference reaches the node without it); with
    # ``type_required_any`` only when no input type at all is known
    type_required: ClassVar[str | None] = None
    type_required_any: ClassVar[bool] = False
    # the inputs the generated Python functions list (default: ``inputs``); BatchNorm_v1's
    # aux states are composed by name only
    signature_inputs: ClassVar[tuple[str, ...] | None] = None
    # the output shapes depend on the input values (MXNet registers no FInferShape, as for
    # boolean_mask): inference leaves them unknown and ``mx.nd`` runs ``forward_dynamic``
    dynamic_shape: ClassVar[bool] = False
    # MXNet implements this operator for csr or row_sparse storage only: symnb's arrays are
    # dense, so binding or calling it fails with MXNet's storage-type error
    # (``storage_error``), as it does in MXNet with dense arrays
    dense_unsupported: ClassVar[bool] = False
    # dtypes of the first input MXNet's CPU kernels refuse although inference accepts them:
    # name -> MXNet's error text (None: MSHADOW_REAL_TYPE_SWITCH's, ``_rules.real_type_text``).
    # ``bind`` fails on them; ``mx.nd`` holds the error until an output is read, as MXNet
    refused_dtypes: ClassVar[dict[str, str | None]] = {}
    # the same for this operator's backward only: MXNet's name for it, its input and output
    # counts; a ``bind`` with dense gradient arrays for its inputs fails
    dense_backward_unsupported: ClassVar[tuple[str, int, int] | None] = None
    # MXNet registers no parameter parser for the forward, only for its backward (this
    # name): bad parameters compose and run forward, and fail a bind that builds the
    # backward (the regression outputs' grad_scale)
    backward_parses: ClassVar[str | None] = None
    # MXNet's legacy NDArray functions (_onehot_encode): a symbol cannot be composed from
    # them ("Not enough argument to call operator"); they run through mx.nd only
    imperative_only: ClassVar[bool] = False

    # ---- structure (may depend on parameters) -------------------------------------------
    def input_names(self, p: Params) -> tuple[str, ...]:
        """Declared inputs (arguments then aux states) for these parameters."""
        return self.inputs

    def mutated_inputs(self, p: Params) -> tuple[str, ...]:
        """Inputs the operator writes in place (they become auxiliary states)."""
        return self.mutates

    def mutated_positions(self, p: Params) -> frozenset[int]:
        """Positions of the mutated inputs (MXNet's FMutateInputs is positional; an operator
        whose input names repeat overrides this)."""
        mutated = self.mutated_inputs(p)
        return frozenset(i for i, n in enumerate(self.input_names(p)) if n in mutated)

    def output_names(self, p: Params) -> tuple[str, ...]:
        """Visible output suffixes (``list_outputs`` uses ``<node>_<suffix>``)."""
        return self.outputs

    def num_outputs_total(self, p: Params) -> int:
        """All outputs, hidden ones included (MXNet's node_row_ptr counts these)."""
        if self.num_outputs_total_default is not None:
            return self.num_outputs_total_default
        return len(self.output_names(p))

    def hidden_output_names(self, p: Params) -> tuple[str, ...]:
        """Names of all outputs for the monitor (visible first, then hidden)."""
        return self.output_names(p)

    def python_inputs(self) -> tuple[str, ...]:
        """The inputs of the ``mx.sym``/``mx.nd`` signatures, in order."""
        return self.inputs if self.signature_inputs is None else self.signature_inputs

    def is_loss_head(self, p: Params) -> bool:
        """Whether an output of this node needs no head gradient (a loss operator)."""
        return self.loss_head

    def role(self, input_name: str) -> str:
        if input_name in self.roles:
            return self.roles[input_name]
        if input_name in self.mutates:
            return "aux"
        return "data"

    def label(self, p: Params, attrs: dict) -> str:
        """Short text for pictures: the op name plus its key parameters."""
        return self.name

    # ---- rules ------------------------------------------------------------------------------
    def infer_shape(self, p: Params, ins: list, outs: list) -> None:
        """Fill unknown entries of ``ins``/``outs`` in place (shape tuples, 0 = unknown dim,
        None = unknown shape); raise InferError on conflicts."""
        raise NotImplementedError(self.name)

    def infer_type(self, p: Params, ins: list, outs: list) -> None:
        """Default: every input and output shares one dtype (MXNet's ElemwiseType)."""
        from ._rules import uniform_type
        uniform_type(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        raise NotImplementedError("forward of %s" % self.name)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        raise NotImplementedError("backward of %s" % self.name)

    # ---- optional hooks (defaults here; operators override what they need) ---------------
    def prepare_forward(self, p: Params, ins: list, outs: list, rt):
        """A closure ``run(is_train)`` specialised to these very arrays (the executor wires
        them once at bind), or ``None`` to run :meth:`forward`. Must compute what
        :meth:`forward` computes; the operator case table runs both paths."""
        return None

    def prepare_backward(self, p: Params, ins: list, outs: list, ograds: list, igrads: list,
                         reqs: list, rt):
        """Like :meth:`prepare_forward` for :meth:`backward`: a closure or ``None``."""
        return None

    def forward_dynamic(self, p: Params, ins: list, is_train: bool, rt) -> list:
        """The outputs of a ``dynamic_shape`` operator, allocated by the operator itself
        once the input values are known (MXNet's ``NDArray::Init`` inside the kernel)."""
        raise NotImplementedError("dynamic forward of %s" % self.name)

    def forward_writes_inputs(self, p: Params) -> tuple[int, ...]:
        """Input positions that forward overwrites (BatchNorm's ``fix_gamma``), which the
        executor protects with a private copy when the node's backward is not planned."""
        return ()

    def backward_in_place(self, p: Params) -> tuple[int, ...]:
        """Inputs whose gradient MXNet's memory planner computes in the memory of output 0's
        gradient when that gradient is an internal entry (the input is an operator's
        output, or a variable whose gradient sums several contributions): the backward
        node's ``FInplaceOption`` ``{0, i}``, declared
        only where it changes what MXNet computes. The executor then runs the backward with
        ``p['_ograd_in_place']`` holding those inputs, and the operator reproduces the
        effect (LeakyReLU's prelu reads the overwritten gradient for gamma's). Default:
        none."""
        return ()

    def check_bound(self, p: Params, ins: list, outs: list) -> None:
        """Checks that run once shapes are concrete, when arrays are bound (``bind``,
        ``simple_bind``, ``mx.nd``), after inference: rules MXNet's inference leaves out but
        whose violation would fail inside a kernel (Reshape's element count). Raise
        InferError; default: nothing to check."""

    def refused_dtype_text(self, dtype) -> str | None:
        """MXNet's error for running this operator's kernel on ``dtype`` data, or None.

        >>> from symnb.ops import get_op
        >>> get_op('softmax').refused_dtype_text(np.dtype('uint8'))
        'This operation only support floating point types not uint8'
        >>> get_op('softmax').refused_dtype_text(np.dtype('float16')) is None
        True
        """
        if dtype is None or np.dtype(dtype).name not in self.refused_dtypes:
            return None
        from ._rules import real_type_text
        text = self.refused_dtypes[np.dtype(dtype).name]
        return real_type_text(dtype) if text is None else text

    @property
    def has_gradient(self) -> bool:
        """Whether the operator defines a backward (optimizer updates do not)."""
        return type(self).backward is not OpDef.backward

    # ---- helpers ------------------------------------------------------------------------------
    def parse(self, attrs: dict, node_name: str = "") -> Params:
        if self.backward_parses is None:
            return parse_params(self, attrs, node_name)
        try:
            return parse_params(self, attrs, node_name)
        except MXNetError:
            # the forward reads no parameter: MXNet composes, infers and runs it whatever
            # they say, and only its backward's parser refuses them (parse_backward)
            return Params((q.name, q.default) for q in self.params)

    def parse_backward(self, attrs: dict, node_name: str) -> Params:
        """The parameters as the backward node (``<node>_backward``) parses them, with
        MXNet's error naming that node and ``backward_parses``."""
        try:
            return parse_params(self, attrs, node_name + "_backward")
        except MXNetError as e:
            raise MXNetError(str(e).replace("in operator %s(" % self.name,
                                            "in operator %s(" % self.backward_parses, 1)) from None

    def __repr__(self):
        return "<OpDef %s>" % self.name


class ZeroGradient:
    """Mixin for operators whose outputs carry no gradient to their inputs (argmax, one_hot,
    creation ops): backward writes zeros for 'write' and leaves 'add' buffers alone."""

    zero_gradient = True


    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        for grad, req in zip(igrads, reqs):
            if grad is not None and req == "write":
                grad[...] = 0


def parsed_params(op) -> tuple[Param, ...]:
    """The parameters ``op`` parses, in its parameter struct's order."""
    if op.parser_params is not None:
        return tuple(op.parser_params)
    return tuple(op.params) + tuple(op.hidden_params)


def register(cls):
    """Class decorator: instantiate an OpDef subclass and enter it (and its aliases).

    The class docstring becomes the operator's documentation.
    """
    op = cls()
    cls.param_map = {p.name: p for p in parsed_params(cls)}
    if cls.name in OPS:
        raise ValueError("operator %s registered twice" % cls.name)
    OPS[cls.name] = op
    for registered in (cls.name,) + tuple(cls.aliases):
        REGISTRY[registered] = op
    return cls


class Kernel:
    """A backend's own forward and/or backward for one operator (same signatures as the
    OpDef methods, without ``self``); ``None`` keeps the operator's generic one."""

    __slots__ = ("forward", "backward")

    def __init__(self, forward=None, backward=None):
        self.forward = forward
        self.backward = backward


# (canonical operator name, backend name) -> Kernel
KERNELS: dict[tuple[str, str], Kernel] = {}


def register_kernel(op_name: str, backend: str, forward=None, backward=None) -> Kernel:
    """Replace the forward/backward of one operator on one backend (``'numpy'``, ``'cupy'``).

    >>> import symnb as mx
    >>> from symnb.ops import _registry as reg
    >>> def halve(p, ins, outs, is_train, rt):
    ...     outs[0][...] = ins[0] / 2
    >>> _ = reg.register_kernel('_copy', 'numpy', forward=halve)
    >>> mx.nd.identity(mx.nd.array([4.0])).asnumpy()
    array([2.], dtype=float32)
    >>> del reg.KERNELS[('_copy', 'numpy')]
    """
    if op_name not in OPS:
        raise ValueError("register_kernel: no operator named %r" % op_name)
    kernel = KERNELS[(op_name, backend)] = Kernel(forward, backward)
    return kernel


def kernel_for(op: OpDef, rt) -> tuple:
    """``(forward, backward)`` of ``op`` on backend ``rt``: the backend's kernel where one is
    registered, else the operator's own methods. Executor and ``mx.nd`` both dispatch here."""
    kernel = KERNELS.get((op.name, rt.name)) if KERNELS else None
    if kernel is None:
        return op.forward, op.backward
    return kernel.forward or op.forward, kernel.backward or op.backward


class EngineError(MXNetError):
    """A check MXNet makes inside its asynchronous engine (take's ``mode='raise'``).

    MXNet reports it when an output is read (``asnumpy``, ``wait_to_read``,
    ``mx.nd.waitall``), not when the operator runs; the executor and ``mx.nd`` hold it on
    the outputs until then.

    >>> issubclass(EngineError, MXNetError)
    True
    """


# exception types MXNet's frontend re-raises as themselves (its error-type registry)
_MXNET_MAPPED = (ValueError, TypeError, IndexError, AttributeError, KeyError,
                 NotImplementedError)


def named_error(node_name: str, op: OpDef, error: Exception) -> Exception:
    """The error to raise when ``op`` fails while running node ``node_name``.

    An ``MXNetError`` already carries MXNet's own text, which stays verbatim (MXNet's runtime
    checks do not name the node); so do the Python types MXNet raises from its kernels
    (``IndexError``, ``ValueError``, ...: gather_nd's bounds check is an ``IndexError``). Both
    get the node and operator as a note. Any other failure becomes
    ``MXNetError: Error in operator <node>: ...`` naming both.

    >>> e = named_error('fc1', get_op('FullyConnected'), ZeroDivisionError('bad'))
    >>> str(e)
    'MXNetError: Error in operator fc1: FullyConnected failed: ZeroDivisionError: bad'
    >>> type(named_error('g', get_op('gather_nd'), IndexError('index 3'))).__name__
    'IndexError'
    """
    from ..base import MXNetError
    where = "Error in operator %s" % node_name if node_name else "Error in operator"
    if isinstance(error, (MXNetError,) + _MXNET_MAPPED):
        if hasattr(error, "add_note"):
            error.add_note("%s (%s)" % (where, op.name))
        return error
    return MXNetError("MXNetError: %s: %s failed: %s: %s"
                      % (where, op.name, type(error).__name__, error))


def storage_error(op: OpDef, attrs: dict, n_inputs: int, ctx, node_name=None,
                  backward=None) -> MXNetError:
    """MXNet's error for an operator without a kernel for dense storage
    (``OpDef.dense_unsupported``): raised by ``bind`` (``node_name`` given, as MXNet's
    graph pass words it) and by ``mx.nd`` (as its imperative check words it).

    >>> e = storage_error(get_op('_square_sum'), {'axis': '1'}, 1, 'cpu', '_square_sum0')
    >>> print(str(e))
    MXNetError: Error in operator _square_sum0: Operator not implemented: operator = _square_sum
    input storage types = [default, ]
    output storage types = [unknown, ]
    params = {"axis" : 1, }
    context.dev_mask = cpu
    """
    from ._params import unordered_map_order
    keys = [k for k in attrs if not k.startswith("__")]
    params = "".join('"%s" : %s, ' % (k, attrs[k]) for k in unordered_map_order(keys))
    if backward is not None:              # (name, inputs, outputs) of the backward node
        name, ins, outs = backward[0], "default, " * backward[1], "default, " * backward[2]
    else:
        name, ins = op.name, "default, " * n_inputs
        outs = "unknown, " * len(op.output_names(op.parse(attrs, node_name or "")))
    text = ("Operator not implemented: operator = %s\ninput storage types = [%s]\n"
            "output storage types = [%s]\nparams = {%s}\ncontext.dev_mask = %s"
            % (name, ins, outs, params, getattr(ctx, "device_type", ctx)))
    where = ("Error in operator %s: " % node_name if node_name is not None
             else "Check failed: infer_stype_success: ")
    return MXNetError("MXNetError: " + where + text)


def get_op(name: str) -> OpDef | None:
    """Look up an operator by canonical name or alias."""
    return REGISTRY.get(name)


def assign(buf, value, req: str):
    """Write ``value`` into ``buf`` honouring a gradient request ('write' or 'add')."""
    if buf is None:
        return
    if req == "add":
        buf += value
    else:
        buf[...] = value


def bind_positional(op: OpDef, args, kwargs: dict, tail: tuple[str, ...],
                    fname: str | None = None) -> dict:
    """Match positional arguments to a fixed-arity operator function's slots (inputs, then
    parameters, then ``tail`` such as name/attr/out) the way MXNet's generated functions
    do; inputs and parameters go into ``kwargs``, the tail values are returned. Errors read
    as Python's for the generated function ``fname`` (default: the operator's name).

    >>> from symnb.ops import get_op
    >>> bind_positional(get_op('relu'), (1, 2, 3, 4), {}, ('out', 'name'))
    Traceback (most recent call last):
    TypeError: relu() takes from 0 to 3 positional arguments but 4 were given
    """
    fname = fname or op.name
    slots = list(op.python_inputs()) + [p.name for p in op.params] + list(tail)
    if len(args) > len(slots):
        raise TypeError("%s() takes from 0 to %d positional arguments but %d were given"
                        % (fname, len(slots), len(args)))
    extras = {}
    for slot, value in zip(slots, args):
        if slot in kwargs:
            raise TypeError("%s() got multiple values for argument '%s'" % (fname, slot))
        if slot in tail:
            extras[slot] = value
        else:
            kwargs[slot] = value
    return extras


def signature_for(op: OpDef, registered: str) -> inspect.Signature:
    """MXNet's generated-function signature for one registered name (spec symbol.md 7.2)."""
    from ..base import _Null
    P = inspect.Parameter
    if op.key_var_num_args or op.variadic:
        # the *args name is the op's declared symbol argument (Concat: data, add_n: args)
        star = op.inputs[0] if op.inputs else "data"
        return inspect.Signature([P(star, P.VAR_POSITIONAL), P("kwargs", P.VAR_KEYWORD)])
    params = [P(i, P.POSITIONAL_OR_KEYWORD, default=None) for i in op.python_inputs()]
    params += [P(p.name, P.POSITIONAL_OR_KEYWORD, default=_Null) for p in op.params]
    params += [P("name", P.POSITIONAL_OR_KEYWORD, default=None),
               P("attr", P.POSITIONAL_OR_KEYWORD, default=None),
               P("out", P.POSITIONAL_OR_KEYWORD, default=None),
               P("kwargs", P.VAR_KEYWORD)]
    return inspect.Signature(params)


def dtype_of(x) -> np.dtype:
    return np.dtype(x)
