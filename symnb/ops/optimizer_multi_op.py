"""Multi-tensor optimizer updates: multi_sgd_update and co, their ``preloaded_`` forms (rates
as arrays, for LARS), multi_sum_sq / multi_lars / multi_all_finite, multi-tensor AdamW and LAMB.

Each updates ``num_weights`` (weight, grad, states...) groups in one call, with the same
arithmetic as MXNet's kernels; the shared pieces (parameter declarations, scalar casts, the
in-place SGD step) live in :mod:`symnb.ops.optimizer_op`.

Their shape and type rules are MXNet 1.9.1's, quirks included: each group goes through
ElemwiseShape (and, for the mixed-precision and ``preloaded_`` forms, ElemwiseType) on copies,
so partial inference reports conflicts but leaves the gradients, states and outputs unknown.
``mx.nd`` therefore takes the outputs' shapes from ``out`` (``OpDef.shapes_from_out``), as
MXNet's imperative call does, and the optimizers' calls update the weights in place; a graph
holding one cannot be bound, in MXNet either.
"""
from __future__ import annotations

import math

import numpy as np

from ._params import Param
from ._registry import InferError, OpDef
from ._rules import NOT_REAL, elemwise_shape, shape_assign, type_assign, uniform_type
from .optimizer_op import (
    _BETA1,
    _BETA2,
    _CLIP,
    _EPS8,
    _F32,
    _LRS,
    _MOMENTUM,
    _NUM_WEIGHTS,
    _RESCALE,
    _WDS,
    _clip,
    _define,
    _momentum_into,
    _p,
    _scalars,
    _scale_of,
    _scaled_grad,
    _Update,
)
from .shape import type_assign_check

__all__ = []


# ---------------------------------------------------------------- multi-tensor forms
def _check_counts(p, count, checks):
    """MXNet's CHECK_EQ(param.<field>.ndim(), param.<count>) on the per-tensor parameter
    tuples, in its order. ``checks`` holds (field, message, printed): the message takes the
    expected count ``%(n)d`` and ``%(got)d``, the length of ``printed`` (default: the field;
    MultiAdamW prints the length of ``lrs`` for ``etas``)."""
    n = p[count]
    for field, message, printed in checks:
        if len(p[field]) != n:
            raise InferError("Check failed: param.%s.ndim() == param.%s (%d vs. %d) : %s"
                             % (field, count, len(p[field]), n,
                                message % {"n": n, "got": len(p[printed or field])}))


def _count_text(what, count):
    return ("Number of %s is inconsistent with %s parameter passed. Expected number of %s: "
            "%%(n)d, and got %%(got)d" % (what, count, what))


_SGD_COUNTS = (("lrs", _count_text("learning rates", "num_weights"), None),
               ("wds", _count_text("weight decays", "num_weights"), None))


def _tshape_size(shape):
    """TShape::Size() with its checks' texts (MXNet's rule sees legacy unknown dims as -1)."""
    if shape is None:
        raise InferError("Check failed: ndim_is_known(this->ndim()): Shape is unknown.")
    size = 1
    for d in shape:
        if d <= 0:
            raise InferError("Check failed: dim_size_is_known(*it): Shape dim size cannot be a "
                             "negative value -1")
        size *= d
    return size


def _group_copies(ins, outs, count, stride, width, rule):
    """``rule`` (ElemwiseShape / ElemwiseType) on copies of each group's first ``width``
    inputs and its output, as MXNet's multi-tensor rules call it: a conflict raises (with
    the index inside the group), what it infers is dropped."""
    for i in range(count):
        rule(list(ins[i * stride:i * stride + width]), [outs[i]])


class _MultiUpdate(_Update):
    """``num_weights`` groups of ``stride`` inputs (weight_i, grad_i, states_i...), one output
    per weight. ``lrs``/``wds`` come as parameters, or (``preloaded_``) as two trailing
    float32 arrays."""

    variadic = True
    monitor_named_inputs = True     # these do register FListInputNames (weight_0, grad_0, ...)
    shapes_from_out = True          # inference leaves the outputs unknown, as MXNet's does
    group: tuple = ()
    preloaded = False
    trailing: tuple = ()            # inputs after the groups besides lrs/wds (rescale_grad)

    def input_names(self, p):
        names = tuple("%s_%d" % (n, i) for i in range(p.num_weights) for n in self.group)
        return names + (("lrs", "wds") if self.preloaded else ())

    def mutated_inputs(self, p):
        return tuple("%s_%d" % (n, i) for i in range(p.num_weights) for n in self.group
                     if n in self.mutates_group)

    def output_names(self, p):
        return ("output",) if p.num_weights == 1 else tuple(
            "output%d" % i for i in range(p.num_weights))

    def _check_params(self, p):
        if not self.preloaded:
            _check_counts(p, "num_weights", _SGD_COUNTS)

    def _check_preloaded(self, p, ins):
        # PreloadedMultiSGDShape: the rate arrays' sizes, read before anything is inferred
        base = p.num_weights * len(self.group)
        for j, what in enumerate(("learning rates", "weight decays")):
            size = _tshape_size(ins[base + j])
            if size != p.num_weights:
                raise InferError("Check failed: in_attrs->at(param.num_weights * input_stride%s)"
                                 ".Size() == param.num_weights (%d vs. %d) : Number of %s is "
                                 "inconsistent with num_weights parameter passed. Expected "
                                 "number of %s: %d, and got %d"
                                 % (" + 1" if j else "", size, p.num_weights, what, what,
                                    p.num_weights, size))

    def infer_shape(self, p, ins, outs):
        # MultiSGDShape / PreloadedMultiSGDShape run ElemwiseShape on copies of each group:
        # conflicts are reported, but nothing inferred is written back (as in MXNet 1.9.1,
        # whose partial inference leaves the gradients, states and outputs unknown)
        self._check_params(p)
        if self.preloaded:
            self._check_preloaded(p, ins)
        _group_copies(ins, outs, self._count(p), len(self.group), len(self.group),
                      elemwise_shape)

    def infer_type(self, p, ins, outs):
        k = len(self.group)
        n32 = sum(1 for n in self.group if n in self.float32_inputs)
        if not (self.preloaded or n32):
            uniform_type(ins, outs)         # ElemwiseType<-1, -1>: every input and output
            return
        # MP_MultiSGD_InferType / MP_PreloadedMultiSGD_InferType: the weight and gradient of
        # each group on copies, then the float32 master copies (last first), then the rates
        _group_copies(ins, outs, p.num_weights, k, k - n32, uniform_type)
        for i in range(p.num_weights):
            for j in range(n32):
                type_assign_check(ins, i * k + k - 1 - j, _F32)
        if self.preloaded:
            for j in (-2, -1):
                type_assign_check(ins, len(ins) + j, _F32)

    def _count(self, p):
        return p.num_weights

    def forward(self, p, ins, outs, is_train, rt):
        k = len(self.group)
        if self.preloaded:
            lrs, wds = ins[-2].tolist(), ins[-1].tolist()
        else:
            lrs, wds = p.lrs, p.wds
        has_mom, has_master = "mom" in self.group, "weight32" in self.group
        for i in range(p.num_weights):
            type(self).kernel(p, ins[i * k:(i + 1) * k], outs[i], lrs[i], wds[i], has_mom,
                              has_master, rt.xp)


def _multi_sgd(p, ins, out, lr, wd, has_mom, has_master, xp):
    # MultiSGDKernel: mom = momentum*mom - lr*wd*w - lr*g; w += mom, in the master dtype;
    # written with in-place NumPy passes (few temporaries), same rounding order. The master
    # copy is used only when the weight is not float32 already (MXNet's is_same<DType, float>)
    w, g = ins[0], ins[1]
    mp = has_master and w.dtype != _F32
    master = ins[-1] if mp else w
    dtype = master.dtype
    mu, lr, wd, rs, clip = _scalars(dtype, getattr(p, "momentum", 0.0), lr, wd,
                                    p.rescale_grad, p.clip_gradient)
    step = _scaled_grad(xp, g, dtype, lr, rs, clip)
    in_place = mp or out is master or xp.shares_memory(out, master)
    if has_mom:
        mom = ins[2]
        _momentum_into(xp, mom, master, step, mu, lr * wd)
        if in_place:
            master += mom
        else:
            xp.add(master, mom, out=out)
    else:
        # mom = 0*0 - a - b = -(a + b) exactly: subtract (a + b) from the weight
        if lr * wd != 0:
            step += master * (lr * wd)
        if in_place:
            master -= step
        else:
            xp.subtract(master, step, out=out)
    if mp:
        out[...] = master


def _register_multi(name, group, mutates_group, params, float32=(), preloaded=False):
    doc = ("%s: one fused update of ``num_weights`` weights (groups %s).\n\n"
           "    >>> import symnb as mx\n"
           "    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))\n" % (name, ", ".join(group)))
    return _define(type(name, (_MultiUpdate,), {
        "name": name, "inputs": ("data",), "group": group, "mutates_group": mutates_group,
        "mutates": tuple("%s_0" % n for n in mutates_group), "params": params,
        "kernel": staticmethod(_multi_sgd), "float32_inputs": float32, "preloaded": preloaded,
        "__module__": __name__, "__doc__": doc + _MULTI_EXAMPLES[name]}))


_MULTI_EXAMPLES = {
    "multi_sgd_update":
        "    >>> mx.nd.multi_sgd_update(w, g, lrs=(0.5,), wds=(0,), num_weights=1,\n"
        "    ...                        out=w).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float32)\n",
    "multi_sgd_mom_update":
        "    >>> m = mx.nd.zeros((2,))\n"
        "    >>> mx.nd.multi_sgd_mom_update(w, g, m, lrs=(0.5,), wds=(0,), momentum=0.9,\n"
        "    ...                            num_weights=1, out=w).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float32)\n",
    "multi_mp_sgd_update":
        "    >>> w16 = w.astype('float16')\n"
        "    >>> mx.nd.multi_mp_sgd_update(w16, g.astype('float16'), w, lrs=(0.5,), wds=(0,),\n"
        "    ...                           num_weights=1, out=w16).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float16)\n",
    "multi_mp_sgd_mom_update":
        "    >>> w16, m = w.astype('float16'), mx.nd.zeros((2,))\n"
        "    >>> mx.nd.multi_mp_sgd_mom_update(w16, g.astype('float16'), m, w, lrs=(0.5,),\n"
        "    ...                               wds=(0,), num_weights=1, out=w16).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float16)\n",
    "preloaded_multi_sgd_update":
        "    >>> lrs, wds = mx.nd.array([0.5]), mx.nd.array([0])\n"
        "    >>> mx.nd.preloaded_multi_sgd_update(w, g, lrs, wds, num_weights=1,\n"
        "    ...                                  out=w).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float32)\n",
    "preloaded_multi_sgd_mom_update":
        "    >>> lrs, wds, m = mx.nd.array([0.5]), mx.nd.array([0]), mx.nd.zeros((2,))\n"
        "    >>> mx.nd.preloaded_multi_sgd_mom_update(w, g, m, lrs, wds, momentum=0.9,\n"
        "    ...                                      num_weights=1, out=w).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float32)\n",
    "preloaded_multi_mp_sgd_update":
        "    >>> lrs, wds, w16 = mx.nd.array([0.5]), mx.nd.array([0]), w.astype('float16')\n"
        "    >>> mx.nd.preloaded_multi_mp_sgd_update(w16, g.astype('float16'), w, lrs, wds,\n"
        "    ...                                     num_weights=1, out=w16).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float16)\n",
    "preloaded_multi_mp_sgd_mom_update":
        "    >>> lrs, wds, w16 = mx.nd.array([0.5]), mx.nd.array([0]), w.astype('float16')\n"
        "    >>> m = mx.nd.zeros((2,))\n"
        "    >>> mx.nd.preloaded_multi_mp_sgd_mom_update(w16, g.astype('float16'), m, w, lrs,\n"
        "    ...                                         wds, num_weights=1,\n"
        "    ...                                         out=w16).asnumpy()\n"
        "    array([0.5, 0.5], dtype=float16)\n",
}

_MULTI_TAIL = (_RESCALE, _CLIP, _NUM_WEIGHTS)
_register_multi("multi_sgd_update", ("weight", "grad"), (), (_LRS, _WDS) + _MULTI_TAIL)
_register_multi("multi_sgd_mom_update", ("weight", "grad", "mom"), ("mom",),
                (_LRS, _WDS, _MOMENTUM) + _MULTI_TAIL)
_register_multi("multi_mp_sgd_update", ("weight", "grad", "weight32"), ("weight32",),
                (_LRS, _WDS) + _MULTI_TAIL, float32=("weight32",))
_register_multi("multi_mp_sgd_mom_update", ("weight", "grad", "mom", "weight32"),
                ("mom", "weight32"), (_LRS, _WDS, _MOMENTUM) + _MULTI_TAIL,
                float32=("mom", "weight32"))
_register_multi("preloaded_multi_sgd_update", ("weight", "grad"), (), _MULTI_TAIL,
                preloaded=True)
_register_multi("preloaded_multi_sgd_mom_update", ("weight", "grad", "mom"), ("mom",),
                (_MOMENTUM,) + _MULTI_TAIL, preloaded=True)
_register_multi("preloaded_multi_mp_sgd_update", ("weight", "grad", "weight32"), ("weight32",),
                _MULTI_TAIL, float32=("weight32",), preloaded=True)
_register_multi("preloaded_multi_mp_sgd_mom_update", ("weight", "grad", "mom", "weight32"),
                ("mom", "weight32"), (_MOMENTUM,) + _MULTI_TAIL, float32=("mom", "weight32"),
                preloaded=True)


# ---------------------------------------------------------------- helpers of LARS and AMP
# LARS's and multi-LAMB's wording of rescale_grad (MXNet's parameter structs)
_GRAD_RESCALE = _p("rescale_grad", "float, optional, default=1", "Gradient rescaling factor")
class _ArrayListOp(OpDef):
    """``num_arrays`` inputs ``array_0 ...`` reduced to one small float32 output."""

    family = "optimizer"
    variadic = True
    inputs = ("data",)

    def input_names(self, p):
        return tuple("array_%d" % i for i in range(p.num_arrays))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, _F32)



@_define
class multi_sum_sq(_ArrayListOp):  # noqa: N801 -- MXNet's name
    """The sum of squares of each input, as a float32 vector of ``num_arrays`` values.

    >>> import symnb as mx
    >>> mx.nd.multi_sum_sq(mx.nd.ones((2, 2)), mx.nd.array([3]), num_arrays=2).asnumpy()
    array([4., 9.], dtype=float32)
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "multi_sum_sq"
    params = (Param("num_arrays", "int, required", "number of input arrays."),)

    def infer_shape(self, p, ins, outs):
        shape_assign(outs, 0, (p.num_arrays,))

    def infer_type(self, p, ins, outs):
        # MultiSumSqType: every input takes the first one's type (UNIFORM_TYPE_CHECK on
        # those given); the output is set to float32 without a check
        if ins and ins[0] is None:
            raise InferError(self.type_required)
        for i in range(1, len(ins)):
            if ins[i] is None:
                ins[i] = ins[0]
            else:
                type_assign(ins, i, ins[0], "array_%d" % i)
        outs[0] = _F32

    def forward(self, p, ins, outs, is_train, rt):
        for i, x in enumerate(ins):
            outs[0][i] = _sum_sq(rt.xp, x)


def _sum_sq(xp, x):
    """MXNet's MultiSumSq: each square in the array's own dtype, accumulated in float32."""
    return (x * x).astype(_F32, copy=False).sum(dtype=_F32)


@_define
class multi_all_finite(_ArrayListOp):  # noqa: N801 -- MXNet's name
    """1 if every element of every input is finite, else 0 (float32, shape (1,)).

    >>> import symnb as mx
    >>> mx.nd.multi_all_finite(mx.nd.ones((2,)), mx.nd.array([float('inf')]),
    ...                        num_arrays=2).asnumpy()
    array([0.], dtype=float32)
    """

    name = "multi_all_finite"
    refused_dtypes = NOT_REAL
    params = (Param("num_arrays", "int, optional, default='1'", "Number of arrays."),
              Param("init_output", "boolean, optional, default=1",
                    "Initialize output to 1."))

    def infer_shape(self, p, ins, outs):
        shape_assign(outs, 0, (1,))

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        if p.init_output:
            outs[0][...] = 1
        if not all(bool(xp.isfinite(x).all()) for x in ins):
            outs[0][...] = 0


@_define
class multi_lars(OpDef):  # noqa: N801 -- MXNet's name
    """LARS learning rates from the sums of squares of weights and gradients::

        lr * eta * |w| / (|g| * rescale_grad + wd * |w| + eps)   where both norms are > 0

    >>> import symnb as mx
    >>> lrs, wss, gss, wds = (mx.nd.array(v) for v in ([0.1], [4.], [16.], [0.]))
    >>> mx.nd.multi_lars(lrs, wss, gss, wds, eta=1, eps=0).asnumpy()
    array([0.05], dtype=float32)
    """

    name = "multi_lars"
    refused_dtypes = dict.fromkeys(("float16", "float64", "uint8", "int8", "int32", "int64",
                                    "bool"), "MultiLARS only support float")
    family = "optimizer"
    inputs = ("lrs", "weights_sum_sq", "grads_sum_sq", "wds")
    params = (Param("eta", "float, required", "LARS eta"),
              Param("eps", "float, required", "LARS eps"),
              _GRAD_RESCALE)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        lrs, wss, gss, wds = ins
        eta, eps, rs = _scalars(lrs.dtype, p.eta, p.eps, p.rescale_grad)
        w_norm, g_norm = xp.sqrt(wss), xp.sqrt(gss)
        with np.errstate(all="ignore"):
            scaled = lrs * eta * w_norm / (g_norm * rs + wds * w_norm + eps)
        outs[0][...] = xp.where((wss > 0) & (gss > 0), scaled, lrs)



class _BuggyNames(_MultiUpdate):
    """Multi-tensor contrib operators whose MXNet input names repeat: MXNet's FListInputNames
    takes tensor ``i``'s name prefix for every input of group ``i`` (``weight_0`` four times,
    then ``grad_1`` four times, ...), so their mutated inputs are known by position only."""

    count_param = "num_weights"
    counts: tuple = ()              # the parameter tuples' length checks of the shape rule
    max_count = None

    def _count(self, p):
        return p[self.count_param]

    def input_names(self, p):
        prefixes = self.group
        names = tuple("%s_%d" % (prefixes[i % len(prefixes)], i)
                      for i in range(self._count(p)) for _ in self.group)
        return names + tuple("%s_0" % prefixes[0] for _ in self.trailing)

    def mutated_inputs(self, p):
        names = self.input_names(p)
        return tuple(names[i] for i in sorted(self.mutated_positions(p)))

    def mutated_positions(self, p):
        k = len(self.group)
        return frozenset(i * k + j for i in range(self._count(p)) for j, n in
                         enumerate(self.group) if n in self.mutates_group)

    def output_names(self, p):
        n = self._count(p)
        return ("output",) if n == 1 else tuple("output%d" % i for i in range(n))

    def _check_params(self, p):
        n = self._count(p)
        if self.max_count is not None and n > self.max_count:
            raise InferError("Check failed: param.%s <= %d (%d vs. %d) : Invalid number of "
                             "tensors, the maximum value is %d, and got %d"
                             % (self.count_param, self.max_count, n, self.max_count,
                                self.max_count, n))
        _check_counts(p, self.count_param, self.counts)

    # infer_shape is _MultiUpdate's: ElemwiseShape on copies of each group (MultiAdamW's
    # SHAPE_ASSIGN_CHECK of rescale_grad against an unknown shape changes nothing)

    def infer_type(self, p, ins, outs):
        if not self.float32_inputs:
            uniform_type(ins, outs)         # ElemwiseType<-1, -1>, rescale_grad included
            return
        # MP_MultiAdamW_InferType / MPMultiLAMBInferType: weight and gradient on copies,
        # then the float32 states: AdamW every mean and var before every master copy,
        # LAMB group by group
        k, n = len(self.group), self._count(p)
        _group_copies(ins, outs, n, k, 2, uniform_type)
        if self.trailing:
            positions = [i * k + j for i in range(n) for j in (2, 3)] + \
                [i * k + k - 1 for i in range(n)]
        else:
            positions = [i * k + j for i in range(n) for j in (2, 3, k - 1)]
        for i in positions:
            type_assign_check(ins, i, _F32)
        for j in range(len(self.trailing)):
            type_assign_check(ins, len(ins) - 1 - j, _F32)

    def forward(self, p, ins, outs, is_train, rt):
        type(self).kernel(self, p, ins, outs, rt.xp)


def _multi_adamw(op, p, ins, outs, xp):
    scale = _scale_of(ins[-1])
    if scale is None:
        return
    k, mp = len(op.group), bool(op.float32_inputs)
    for i in range(p.num_weights):
        w, g, mean, var = ins[i * k:i * k + 4]
        master = ins[i * k + 4] if mp else w
        dtype = master.dtype
        b1, b2, eps, clip, rs, lr, wd, eta = _scalars(
            dtype, p.beta1, p.beta2, p.epsilon, p.clip_gradient, scale, p.lrs[i], p.wds[i],
            p.etas[i])
        grad = _clip(xp, rs * g.astype(dtype), clip)
        # MultiMPAdamWKernel's forms: beta * (state - x) + x
        mean[...] = b1 * (mean - grad) + grad
        square = grad * grad
        var[...] = b2 * (var - square) + square
        new = master - eta * (lr * mean / (xp.sqrt(var) + eps) + wd * master)
        if mp:
            master[...] = new
        outs[i][...] = new


def _multi_lamb(op, p, ins, outs, xp):
    k, mp = len(op.group), bool(op.float32_inputs)
    for i in range(p.num_tensors):
        w, g, mean, var = ins[i * k:i * k + 4]
        master = ins[i * k + 4] if mp else w
        dtype = master.dtype
        b1, b2, eps, clip, rs, wd, t = _scalars(dtype, p.beta1, p.beta2, p.epsilon,
                                                p.clip_gradient, p.rescale_grad, p.wds[i],
                                                p.step_count[i])
        one = dtype.type(1)
        grad = _clip(xp, g.astype(dtype) * rs, clip)
        mean[...] = b1 * mean + (one - b1) * grad
        var[...] = b2 * var + (one - b2) * grad * grad
        if p.bias_correction:
            direction = (mean / (one - b1 ** t)) / (xp.sqrt(var / (one - b2 ** t)) + eps) \
                + wd * master
        else:
            direction = mean / (xp.sqrt(var) + eps) + wd * master
        direction = direction.astype(_F32)
        # the weight norm is taken of the weight itself (float16 in mixed precision)
        r1 = np.float32(math.sqrt(float(_sum_sq(xp, w))))
        r2 = np.float32(math.sqrt(float(_sum_sq(xp, direction))))
        lower, upper = _scalars(_F32, p.lower_bound, p.upper_bound)
        if lower >= 0:
            r1 = max(r1, lower)
        if upper >= 0:
            r1 = min(r1, upper)
        ratio = dtype.type(1) if r1 == 0 or r2 == 0 else dtype.type(r1 / r2)
        lr = _scalars(dtype, p.learning_rates[i])[0]
        new = master - (lr * ratio) * direction.astype(dtype)
        if mp:
            master[...] = new
        outs[i][...] = new


_MULTI_ADAMW_PARAMS = (_p("lrs", "tuple of <float>, required", "Learning rates"), _BETA1,
                       _BETA2, _EPS8, _WDS,
                       _p("etas", "tuple of <float>, required",
                          "Learning rates schedule multiplier"), _CLIP, _NUM_WEIGHTS)
_MULTI_LAMB_PARAMS = (        # multi-LAMB's own wording of beta1, beta2, epsilon, rescale_grad
    _p("learning_rates", "tuple of <float>, required", "List of learning rates"),
    _p("beta1", "float, optional, default=0.899999976",
       "Exponential decay rate for the first moment estimates."),
    _p("beta2", "float, optional, default=0.999000013",
       "Exponential decay rate for the second moment estimates."),
    _p("epsilon", "float, optional, default=9.99999997e-07",
       "Small value to avoid division by 0."),
    _p("wds", "tuple of <float>, required",
       "List of Weight decays.Weight decay augments the objective function with a "
       "regularization term that penalizes large weights. The penalty scales with the square "
       "of the magnitude of each weight."),
    _GRAD_RESCALE,
    _p("lower_bound", "float, optional, default=-1",
       "Lower limit of norm of weight. If lower_bound <= 0, Lower limit is not set"),
    _p("upper_bound", "float, optional, default=-1",
       "Upper limit of norm of weight. If upper_bound <= 0, Upper limit is not set"),
    _CLIP, _p("bias_correction", "boolean, optional, default=1",
              "Whether to use bias correction."),
    _p("step_count", "Shape(tuple), required", "Step count for each tensor"),
    _p("num_tensors", "int, optional, default='1'", "Number of tensors"))


_ADAMW_COUNTS = _SGD_COUNTS + (
    ("etas", _count_text("learning rates schedule multiplier", "num_weights"), "lrs"),)
_LAMB_COUNTS = (
    ("learning_rates", _count_text("learning rates", "num_tensors"), None),
    ("wds", _count_text("weight decays", "num_tensors"), None),
    ("step_count", "Number of step counts is inconsistent with num_tensors.Expected number of "
                   "step counts: %(n)d, and got %(got)d", None))


def _register_buggy(name, group, mutates_group, params, kernel, doc, float32=(),
                    trailing=(), count_param="num_weights"):
    n1 = tuple("%s_0" % group[0] for _ in group) + tuple("%s_0" % group[0] for _ in trailing)
    mutated = tuple(n1[j] for j, n in enumerate(group) if n in mutates_group)
    return _define(type(name, (_BuggyNames,), {
        "name": name, "inputs": ("data",), "group": group, "mutates_group": mutates_group,
        "mutates": mutated, "params": params, "kernel": kernel, "float32_inputs": float32,
        "trailing": trailing, "count_param": count_param, "__module__": __name__,
        "counts": _LAMB_COUNTS if count_param == "num_tensors" else _ADAMW_COUNTS,
        "max_count": 45 if count_param == "num_tensors" else None, "__doc__": doc,
        "refused_dtypes": NOT_REAL}))


_register_buggy("_multi_adamw_update", ("weight", "grad", "mean", "var"), ("mean", "var"),
                _MULTI_ADAMW_PARAMS, _multi_adamw, """Multi-tensor AdamW update.

    Inputs are ``weight_i, grad_i, mean_i, var_i`` per tensor, then ``rescale_grad``.

    >>> import symnb as mx
    >>> w, g, m, v = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd._internal._multi_adamw_update(w, g, m, v, mx.nd.array([1.]), lrs=(0.1,),
    ...                                     wds=(0.,), etas=(1.,), out=w).asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """, trailing=("rescale_grad",))
_register_buggy("_multi_mp_adamw_update", ("weight", "grad", "mean", "var", "weight32"),
                ("mean", "var", "weight32"), _MULTI_ADAMW_PARAMS, _multi_adamw,
                """Multi-tensor mixed-precision AdamW update.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> m, v, w32 = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> mx.nd._internal._multi_mp_adamw_update(w, g, m, v, w32, mx.nd.array([1.]),
    ...                                        lrs=(0.1,), wds=(0.,), etas=(1.,),
    ...                                        out=w).asnumpy()
    array([0.6836, 0.6836], dtype=float16)
    """, float32=("mean", "var", "weight32"), trailing=("rescale_grad",))
_register_buggy("_multi_lamb_update", ("weight", "grad", "mean", "var"), ("mean", "var"),
                _MULTI_LAMB_PARAMS, _multi_lamb, """Multi-tensor LAMB update.

    >>> import symnb as mx
    >>> w, g, m, v = mx.nd.ones((2,)), mx.nd.ones((2,)), mx.nd.zeros((2,)), mx.nd.zeros((2,))
    >>> mx.nd._internal._multi_lamb_update(w, g, m, v, learning_rates=(0.1,), wds=(0.,),
    ...                                    step_count=(1,), out=w).asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """, count_param="num_tensors")
_register_buggy("_multi_mp_lamb_update", ("weight", "grad", "mean", "var", "weight32"),
                ("mean", "var", "weight32"), _MULTI_LAMB_PARAMS, _multi_lamb,
                """Multi-tensor mixed-precision LAMB update.

    >>> import symnb as mx
    >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
    >>> m, v, w32 = mx.nd.zeros((2,)), mx.nd.zeros((2,)), mx.nd.ones((2,))
    >>> mx.nd._internal._multi_mp_lamb_update(w, g, m, v, w32, learning_rates=(0.1,),
    ...                                       wds=(0.,), step_count=(1,), out=w).asnumpy()
    array([0.9, 0.9], dtype=float16)
    """, float32=("mean", "var", "weight32"), count_param="num_tensors")
