"""MXNet's ``_v1`` operators: the older registrations of BatchNorm, Convolution and Pooling.

Each shares its successor's code and differs in its declared parameters only (MXNet's own
type strings and defaults); parameters the successor reads but the old form lacks are
``implied_params`` with the values the old form behaves by (BatchNorm_v1 normalises axis 1).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..base import MXNetError
from ._params import Param
from ._registry import InferError, register
from ._rules import NO_FP16_GEMM, _code, float_only, fmt_shape, shape_assign
from .conv import Convolution
from .norm import BatchNorm
from .pooling import Pooling

__all__ = []


def _declare(base, types: dict, docs: dict | None = None) -> tuple[tuple[Param, ...], dict]:
    """The successor's parameters retyped as ``types`` (name -> MXNet type string, in the old
    form's order) with the old form's own ``docs`` where they differ, and the implied values
    of the parameters the old form lacks."""
    by_name = {q.name: q for q in base.params}
    docs = docs or {}
    params = tuple(dataclasses.replace(by_name[n], type=t, doc=docs.get(n, by_name[n].doc))
                   for n, t in types.items())
    implied = {q.name: q.default for q in base.params if q.name not in types}
    return params, implied


_BN_PARAMS, _BN_IMPLIED = _declare(BatchNorm, {
    "eps": "float, optional, default=0.00100000005",
    "momentum": "float, optional, default=0.899999976",
    "fix_gamma": "boolean, optional, default=1",
    "use_global_stats": "boolean, optional, default=0",
    "output_mean_var": "boolean, optional, default=0",
}, {"eps": "Epsilon to prevent div 0", "output_mean_var": "Output All,normal mean and var"})


@register
class BatchNorm_v1(BatchNorm):  # noqa: N801 -- MXNet's operator name
    """BatchNorm's first form: channels on axis 1, no ``axis``/``cudnn_off`` parameters.

    >>> import symnb as mx
    >>> bn = mx.sym.BatchNorm_v1(mx.sym.var('data'), name='bn')
    >>> bn.infer_shape(data=(2, 3, 4))[0], bn.list_auxiliary_states()
    ([(2, 3, 4), (3,), (3,)], ['bn_moving_mean', 'bn_moving_var'])
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "BatchNorm_v1"
    params = _BN_PARAMS
    implied_params = _BN_IMPLIED
    signature_inputs = ("data", "gamma", "beta")
    mkldnn_float32 = False

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        if len(data) < 2:
            # the old layer reads dshape[1] unchecked
            raise InferError("Check failed: i >= 0 && i < ndim(): index = 1 must be in range "
                             "[0, %d)" % len(data))
        channels = (data[1],)
        ins[1] = ins[2] = ins[3] = ins[4] = channels
        shape_assign(outs, 0, data, inferred_fmt=fmt_shape)
        outs[1] = outs[2] = channels

    def infer_type(self, p, ins, outs):
        """The old layer takes any dtype at inference (its kernels are float only)."""
        dtype = ins[0]
        if dtype is None:
            return
        param_dtype = np.dtype(np.float32) if dtype == np.float16 else dtype
        # gamma and beta, then the aux states, which MXNet names by argument index (0, 1)
        checks = ((1, "in", "gamma"), (2, "in", "beta"), (3, "aux", "data"), (4, "aux", "gamma"))
        for i, kind, name in checks:
            if ins[i] is not None and ins[i] != param_dtype:
                raise InferError(
                    "Check failed: (*%s_type)[i] == dtype_param (%d vs. %d) : This layer "
                    "requires uniform type. Expected '%s' v.s. given '%s' at '%s'"
                    % (kind, _code(ins[i]), _code(param_dtype), param_dtype.name,
                       ins[i].name, name))
        ins[1:5] = [param_dtype] * 4
        outs[0] = dtype
        outs[1] = outs[2] = param_dtype

    def forward(self, p, ins, outs, is_train, rt):
        float_only(ins[0].dtype)
        ndim = ins[0].ndim
        if ndim != 2 and ndim != 4:
            # the old kernel views data as 4-D (2-D data as N x C x 1 x 1) when it runs
            raise MXNetError("MXNetError: Check failed: dim == ndim() (4 vs. %d) : dimension "
                             "do not match target dimension 4 vs %d" % (ndim, ndim))
        BatchNorm.forward(self, p, ins, outs, is_train, rt)


_CONV_PARAMS, _CONV_IMPLIED = _declare(Convolution, {
    "kernel": "Shape(tuple), required",
    "stride": "Shape(tuple), optional, default=[]",
    "dilate": "Shape(tuple), optional, default=[]",
    "pad": "Shape(tuple), optional, default=[]",
    "num_filter": "int (non-negative), required",
    "num_group": "int (non-negative), optional, default=1",
    "workspace": "long (non-negative), optional, default=1024",
    "no_bias": "boolean, optional, default=0",
    "cudnn_tune": "{None, 'fastest', 'limited_workspace', 'off'},optional, default='None'",
    "cudnn_off": "boolean, optional, default=0",
    "layout": "{None, 'NCDHW', 'NCHW', 'NDHWC', 'NHWC'},optional, default='None'",
}, {
    "kernel": "convolution kernel size: (h, w) or (d, h, w)",
    "stride": "convolution stride: (h, w) or (d, h, w)",
    "dilate": "convolution dilate: (h, w) or (d, h, w)",
    "pad": "pad for convolution: (h, w) or (d, h, w)",
    "num_filter": "convolution filter(channel) number",
    "num_group": "Number of group partitions. Equivalent to slicing input into num_group\n"
                 "    partitions, apply convolution on each, then concatenate the results",
    "workspace": "Maximum temporary workspace allowed for convolution (MB).This parameter "
                 "determines the effective batch size of the convolution kernel, which may be "
                 "smaller than the given batch size. Also, the workspace will be automatically "
                 "enlarged to make sure that we can run the kernel with batch_size=1",
    "cudnn_tune": "Whether to pick convolution algo by running performance test.\n"
                  "    Leads to higher startup time but may give faster speed. Options are:\n"
                  "    'off': no tuning\n"
                  "    'limited_workspace': run test and pick the fastest algorithm that "
                  "doesn't exceed workspace limit.\n"
                  "    'fastest': pick the fastest algorithm and ignore workspace limit.\n"
                  "    If set to None (default), behavior is determined by environment\n"
                  "    variable MXNET_CUDNN_AUTOTUNE_DEFAULT: 0 for off,\n"
                  "    1 for limited workspace (default), 2 for fastest.",
    "layout": "Set layout for input, output and weight. Empty for\n"
              "    default layout: NCHW for 2d and NCDHW for 3d.",
})


@register
class Convolution_v1(Convolution):  # noqa: N801 -- MXNet's operator name
    """Convolution's first form (same computation, its own parameter declarations).

    >>> import symnb as mx
    >>> c = mx.sym.Convolution_v1(mx.sym.var('data'), kernel=(3, 3), num_filter=4, name='c')
    >>> c.infer_shape(data=(1, 2, 5, 5))[1]
    [(1, 4, 3, 3)]
    """

    type_required = "Check failed: dtype != -1 (-1 vs. -1) : First input must have specified type"

    name = "Convolution_v1"
    refused_dtypes = NO_FP16_GEMM
    params = _CONV_PARAMS
    implied_params = _CONV_IMPLIED


_POOL_PARAMS, _POOL_IMPLIED = _declare(Pooling, {
    "kernel": "Shape(tuple), optional, default=[]",
    "pool_type": "{'avg', 'max', 'sum'},optional, default='max'",
    "global_pool": "boolean, optional, default=0",
    "pooling_convention": "{'full', 'valid'},optional, default='valid'",
    "stride": "Shape(tuple), optional, default=[]",
    "pad": "Shape(tuple), optional, default=[]",
}, {
    "kernel": "pooling kernel size: (y, x) or (d, y, x)",
    "stride": "stride: for pooling (y, x) or (d, y, x)",
    "pad": "pad for pooling: (y, x) or (d, y, x)",
})


@register
class Pooling_v1(Pooling):  # noqa: N801 -- MXNet's operator name
    """Pooling's first form: max, avg or sum; 'valid' or 'full' output sizes.

    >>> import symnb as mx
    >>> p = mx.sym.Pooling_v1(mx.sym.var('data'), kernel=(2, 2), stride=(2, 2))
    >>> p.infer_shape(data=(1, 2, 4, 4))[1]
    [(1, 2, 2, 2)]
    """

    type_required = "Input type to pooling is not specified."

    name = "Pooling_v1"
    param_error_suffix = True       # a legacy operator: parsed with the suffix
    params = _POOL_PARAMS
    implied_params = _POOL_IMPLIED

    def infer_shape(self, p, ins, outs):
        ndim = -1 if ins[0] is None else len(ins[0])
        if not 4 <= ndim <= 5:
            raise InferError("Check failed: dshape.ndim() %s (%d vs. %d) : Pooling: Input data "
                             "should be 4D in (batch, channel, y, x) Or 5D in (batch, channel, "
                             "d, y, x)" % (("<= 5", ndim, 5) if ndim > 5 else (">= 4", ndim, 4)))
        want = len(p.kernel) + 2 if p.kernel else ndim
        if not p.global_pool and want in (4, 5) and ndim != want:
            raise InferError("Check failed: dshape.ndim() == %d (%d vs. %d) : Pooling: Input "
                             "data should be %s" % (want, ndim, want, "4D in (batch, channel, "
                             "y, x)" if want == 4 else "5D in (batch, channel, d, y, x)"))
        Pooling.infer_shape(self, p, ins, outs)

    def num_outputs_total(self, p):
        return 1        # no workspace output: the backward finds the maxima again

    def hidden_output_names(self, p):
        return ("output",)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        if p.pool_type == "max" and not p.global_pool and igrads[0] is not None:
            out, where = rt.xp.empty_like(outs[0]), rt.xp.empty(outs[0].shape, np.int32)
            Pooling.forward(self, p, ins, [out, where], is_train, rt)
            outs = [outs[0], where]
        Pooling.backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt)
