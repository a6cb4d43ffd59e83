"""``_Native`` and ``_NDArray``: the nodes of MXNet's deprecated Python operators.

``mx.operator.NumpyOp`` and ``mx.operator.NDArrayOp`` (the ``PythonOp`` family, which
``CustomOp`` replaced) build these nodes from ``get_symbol``. The node's ``info`` parameter
names the Python object that declares and computes the operator: MXNet writes the address of
a callback table there; symnb writes the same kind of hex token, the key of the live
``PythonOp`` in ``symnb.operator`` (so, as in MXNet, such a graph only runs in the process that
built it). Everything structural (arguments, outputs, whether backward reads the head
gradient) and the shape rule come from that object.

As MXNet's legacy ``OperatorProperty`` layers: types are float32 only, the shape rule runs once
every input shape is known, ``NumpyOp`` computes on NumPy arrays (``forward(in_data,
out_data)``, ``backward(out_grad, in_data, out_data, in_grad)``, writing into the given
arrays) and ``NDArrayOp`` on NDArrays. A loss-like operator (``need_top_grad() == False``)
receives ``out_grad == []``.
"""
from __future__ import annotations

import contextlib

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, register
from ._rules import legacy_float32_type, shape_assign

__all__ = ["Native", "NDArrayNode"]

_INFO = Param("info", "ptr, required")


class _PythonOpNode(OpDef):
    """Shared by ``_Native`` and ``_NDArray``: the rules read the ``PythonOp`` in ``info``."""

    inputs = ("data",)
    variadic = True
    keyword_inputs = True
    family = "custom"
    wrapper = ""                     # the mx.operator class whose get_symbol builds the node

    def parse(self, attrs, node_name=""):
        from ..operator import _python_op
        p = parse_params(self, attrs, node_name)
        p["pyop"] = _python_op(p.info, self.name, self.wrapper, node_name)
        return p

    def input_names(self, p):
        return tuple(p.pyop.list_arguments())

    def output_names(self, p):
        return tuple(p.pyop.list_outputs())

    def is_loss_head(self, p):
        return not self._need_top_grad(p)

    def _need_top_grad(self, p):
        return bool(p.pyop.need_top_grad())

    def label(self, p, attrs):
        return "%s\n%s" % (self.name, type(p.pyop).__name__)

    def infer_shape(self, p, ins, outs):
        # MXNet hands the Python rule complete shapes only (its callback reads every input's
        # dimensions), so the rule waits for all of them
        if any(s is None or 0 in s for s in ins):
            return
        n_in, n_out = len(ins), len(outs)
        cls = type(p.pyop).__name__
        try:
            ishape, oshape = p.pyop.infer_shape([list(s) for s in ins])
        except Exception as e:
            raise InferError("Error in %s.infer_shape: %s: %s" % (cls, type(e).__name__, e)) \
                from e
        if len(ishape) != n_in or len(oshape) != n_out:
            raise InferError("Error in %s.infer_shape: expecting %d input and %d output shapes "
                             "(list_arguments, list_outputs), got %d and %d"
                             % (cls, n_in, n_out, len(ishape), len(oshape)))
        for i, s in enumerate(ishape):
            shape_assign(ins, i, tuple(int(d) for d in s))
        for i, s in enumerate(oshape):
            shape_assign(outs, i, tuple(int(d) for d in s))

    def infer_type(self, p, ins, outs):
        legacy_float32_type(ins, outs)

    # ---- execution: the subclass converts arrays to what the Python code computes on -------
    def _to_user(self, a, rt):
        raise NotImplementedError

    def _from_user(self, user, a, rt):
        """Copy the user's result back where it does not share ``a``'s memory."""

    def forward(self, p, ins, outs, is_train, rt):
        in_data = [self._to_user(a, rt) for a in ins]
        out_data = [self._to_user(a, rt) for a in outs]
        with _user_code(type(p.pyop).__name__, "forward"):
            p.pyop.forward(in_data=in_data, out_data=out_data)
        for user, a in zip(out_data, outs):
            self._from_user(user, a, rt)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        # the Python code writes its gradients; 'add' requests (and gradients nobody asked
        # for) get a scratch buffer that is then added (or dropped)
        scratch = [g is None or r == "add" for g, r in zip(igrads, reqs)]
        grads = [xp.zeros(x.shape, x.dtype) if s else g
                 for x, g, s in zip(ins, igrads, scratch)]
        if self._need_top_grad(p):
            heads = [g if g is not None else xp.zeros(o.shape, o.dtype)
                     for g, o in zip(ograds, outs)]
        else:
            heads = []
        out_grad = [self._to_user(a, rt) for a in heads]
        in_grad = [self._to_user(a, rt) for a in grads]
        with _user_code(type(p.pyop).__name__, "backward"):
            p.pyop.backward(out_grad=out_grad, in_data=[self._to_user(a, rt) for a in ins],
                            out_data=[self._to_user(a, rt) for a in outs], in_grad=in_grad)
        for user, a, g, s, r in zip(in_grad, grads, igrads, scratch, reqs):
            self._from_user(user, a, rt)
            if s and g is not None and r == "add":
                g += a


@register
class Native(_PythonOpNode):
    """The node of an ``mx.operator.NumpyOp``: its Python code computes on NumPy arrays.

    Built by ``NumpyOp.get_symbol`` (or calling the NumpyOp), never by hand: ``info`` names
    the live operator object.

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     s = mx.operator.NumpyOp()(mx.sym.var('x'), name='np_op')
    >>> s.list_arguments(), s.list_outputs(), s.infer_shape(x=(2, 3))[1]
    (['x'], ['np_op_output'], [(2, 3)])
    """

    name = "_Native"
    wrapper = "NumpyOp"
    params = (_INFO, Param("need_top_grad", "boolean, optional, default=1",
                           "Whether this layer needs out grad for backward. Should be false "
                           "for loss layers."))

    def _need_top_grad(self, p):
        # MXNet's NumpyOpProp reads the parameter get_symbol wrote, not the object
        return bool(p.need_top_grad)

    def _to_user(self, a, rt):
        return a if rt.name == "numpy" else rt.xp.asnumpy(a)

    def _from_user(self, user, a, rt):
        if user is not a:
            a[...] = rt.xp.asarray(user)


@register
class NDArrayNode(_PythonOpNode):
    """The node of an ``mx.operator.NDArrayOp``: its Python code computes on NDArrays.

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter('ignore')
    ...     s = mx.operator.NDArrayOp()(mx.sym.var('x'), name='nd_op')
    >>> s.tojson().count('"op": "_NDArray"')
    1
    """

    name = "_NDArray"
    wrapper = "NDArrayOp"
    params = (_INFO,)

    def _to_user(self, a, rt):
        from ..context import Context
        from ..ndarray import NDArray
        return NDArray(a, Context("cpu" if rt.name == "numpy" else "gpu", rt.device_id))


@contextlib.contextmanager
def _user_code(cls_name, what):
    """An exception in the operator's Python code surfaces as MXNetError naming the class and
    method (MXNet prints ``Error in NDArrayOp.forward`` and fails the call), original chained."""
    try:
        yield
    except MXNetError:
        raise
    except Exception as e:
        raise MXNetError("MXNetError: Error in %s.%s: %s: %s"
                         % (cls_name, what, type(e).__name__, e)) from e
