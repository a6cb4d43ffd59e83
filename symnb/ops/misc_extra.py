"""More of MXNet's dense operators: allclose, boolean_mask (a dynamic output shape),
histogram, linspace, the legacy NDArray functions (``_onehot_encode``,
``fill_element_0index``, ``_set_value``), reset_arrays, the AMP casts, BatchNorm's contrib
forms (BatchNormWithReLU, single-device SyncBatchNorm), the unique Zipfian sampler and the
backward operators MXNet registers under their own names (``_broadcast_backward``,
``_split_v2_backward``, ``_contrib_backward_*``).
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from ._params import Param, parse_params
from ._registry import InferError, OpDef, assign, register
from ._rules import _code, elemwise_shape, fmt_shape, fully_known
from .contrib import _contrib_quadratic
from .elemwise import _SCALAR_PARAMS
from .init import _CTX
from .layout import _split_v2
from .legacy import _declare
from .norm import BatchNorm
from .reduce import _REDUCE_PARAMS, _axes
from .shape import check, check_axis, np_dtype, sassign, type_assign_check

__all__ = []

# the C type names MXNet's TBlob checks print
_C_NAME = {"float32": "float", "float64": "double", "float16": "half_t",
           "uint8": "unsigned char", "int8": "char", "int32": "int", "int64": "long long",
           "bool": "bool"}


def _tblob_type_check(actual, wanted):
    """MXNet's ``TBlob::dptr<DType>`` check when one kernel reads two inputs as one type."""
    if np.dtype(actual) != np.dtype(wanted):
        raise MXNetError("MXNetError: Check failed: mshadow: :DataType<DType>::kFlag == "
                         "type_flag_: TBlob.get_with_shape: data type do not match specified "
                         "type.Expected: %s v.s. given %s"
                         % (_C_NAME.get(np.dtype(actual).name, np.dtype(actual).name),
                            _C_NAME.get(np.dtype(wanted).name, np.dtype(wanted).name)))


def _fail(text):
    raise MXNetError("MXNetError: Check failed: " + text)


# ----------------------------------------------------------------------------- allclose
@register
class _contrib_allclose(OpDef):  # noqa: N801 -- MXNet's operator name
    """1 (uint8, shape ``()``) when ``|a - b| <= atol + rtol * |b|`` everywhere (NaNs equal
    when ``equal_nan``), else 0. MXNet gives it no gradient.

    >>> import symnb as mx
    >>> a, b = mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, 2.00001])
    >>> mx.nd.contrib.allclose(a, b).asnumpy(), mx.nd.contrib.allclose(a, b, rtol=0).asnumpy()
    (array(1, dtype=uint8), array(0, dtype=uint8))
    """

    name = "_contrib_allclose"
    family = "reduce"
    inputs = ("a", "b")
    loss_head = True
    params = (Param("rtol", "float, optional, default=9.99999975e-06", "Relative tolerance."),
              Param("atol", "float, optional, default=9.99999994e-09", "Absolute tolerance."),
              Param("equal_nan", "boolean, optional, default=1",
                    "Whether to compare NaN's as equal. If True, NaN's in A will be considered "
                    "equal to NaN's in B in the output array."))

    def infer_shape(self, p, ins, outs):
        sassign(outs, 0, ())

    def check_bound(self, p, ins, outs):
        # MXNet assigns the scalar output, then reports success only for equal input shapes:
        # a graph infers anyway, an imperative call fails
        if tuple(ins[0]) != tuple(ins[1]):
            raise InferError("Operator _contrib_allclose inferring shapes failed.\ninput "
                             "shapes:\n%s\n%s\noutput shapes:\n[]\noperator attributes:"
                             % (fmt_shape(ins[0]), fmt_shape(ins[1])))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.uint8)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        a, b = ins
        _tblob_type_check(b.dtype, a.dtype)
        calc = np.float64 if a.dtype == np.float64 else np.float32
        a_nan, b_nan = xp.isnan(a), xp.isnan(b)
        diff = xp.abs(a - b).astype(calc)
        bound = calc(np.float32(p.atol)) + calc(np.float32(p.rtol)) * xp.abs(b).astype(calc)
        close = (a == b) | (diff <= bound)
        either = a_nan | b_nan
        val = xp.where(either, bool(p.equal_nan) & (a_nan == b_nan), close)
        outs[0][...] = 1 if bool(val.all()) else 0


# ----------------------------------------------------------------------------- boolean_mask
@register
class _contrib_boolean_mask(OpDef):  # noqa: N801 -- MXNet's operator name
    """The rows of ``data`` (along ``axis`` 0) where the 1-D ``index`` is non-zero. The
    output shape depends on the values of ``index``, so inference leaves it unknown: it runs
    in ``mx.nd`` and, as a graph output without gradients, in a bound executor (MXNet also
    binds graphs that read its output or take its gradient; symnb refuses them clearly).
    The gradient scatters back to the selected rows.

    >>> import symnb as mx
    >>> data = mx.nd.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    >>> mx.nd.contrib.boolean_mask(data, mx.nd.array([0, 1, 1])).asnumpy()
    array([[4., 5., 6.],
           [7., 8., 9.]], dtype=float32)
    """

    name = "_contrib_boolean_mask"
    family = "index"
    inputs = ("data", "index")
    dynamic_shape = True
    params = (Param("axis", "int, optional, default='0'",
                    "An integer that represents the axis in NDArray to mask from."),)

    def infer_shape(self, p, ins, outs):
        """No rule (MXNet registers none): the output stays unknown."""

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])
        type_assign_check(ins, 0, outs[0])

    def _mask(self, p, data, idx):
        if p.axis != 0:
            _fail("axis == 0 (%d vs. 0) : Not supported yet" % p.axis)
        if data.shape[0] != idx.shape[0]:
            _fail("data.shape()[axis] == idx.shape()[0] (%d vs. %d) : "
                  % (data.shape[0], idx.shape[0]))
        if idx.ndim != 1:
            _fail("idx.shape().ndim() == 1U (%d vs. 1) : " % idx.ndim)
        return idx != 0

    def forward_dynamic(self, p, ins, is_train, rt):
        data, idx = ins
        return [data[self._mask(p, data, idx)]]

    def forward(self, p, ins, outs, is_train, rt):
        # in a bound graph the output is a graph head: the step's list takes the new array
        data, idx = ins
        outs[0] = data[self._mask(p, data, idx)]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        data, idx = ins
        if igrads[0] is None:
            return
        full = rt.xp.zeros_like(data)
        full[self._mask(p, data, idx)] = ograds[0]
        # the index's gradient buffer is left as it is, as MXNet does
        assign(igrads[0], full, reqs[0])


# ----------------------------------------------------------------------------- histogram
class _RangeParam(Param):
    """``range``: a tuple of doubles or None (MXNet's ``optional<Tuple<double>>``)."""

    __slots__ = ()

    def _parse(self, text):
        text = text.strip()
        if text == "None":
            return None
        body = text.strip("()[] ")
        try:
            return tuple(float(v) for v in body.split(",") if v.strip())
        except ValueError:
            from ._params import ParamError
            raise ParamError("Invalid Parameter format for range expect  but value='%s'"
                             % text) from None


@register
class _histogram(OpDef):  # noqa: N801 -- MXNet's operator name
    """Counts (int64) of the flattened ``data`` in ``bin_cnt`` equal bins over ``range``, or
    in the bins whose edges are the 1-D input ``bins``; also returns the edges.

    >>> import symnb as mx
    >>> counts, edges = mx.nd.histogram(mx.nd.array([[0, 1], [2, 2], [3, 4]]), bins=5,
    ...                                 range=(0, 5))
    >>> counts.asnumpy().tolist(), edges.asnumpy().tolist()
    ([1, 1, 2, 1, 1], [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    """

    name = "_histogram"
    family = "reduce"
    inputs = ("data", "bins")
    outputs = ("output0", "output1")
    loss_head = True
    params = (Param("bin_cnt", "int or None, optional, default='None'",
                    "Number of bins for uniform case"),
              _RangeParam("range", ", optional, default=None",
                          "The lower and upper range of the bins. if not provided, range is "
                          "simply (a.min(), a.max()). values outside the range are ignored. "
                          "the first element of the range must be less than or equal to the "
                          "second. range affects the automatic bin computation as well. while "
                          "bin width is computed to be optimal based on the actual data within "
                          "range, the bin count will fill the entire range including portions "
                          "containing no data."))

    def input_names(self, p):
        return ("data",) if p.bin_cnt is not None else ("data", "bins")

    def infer_shape(self, p, ins, outs):
        has_cnt, has_range = p.bin_cnt is not None, p.range is not None
        check(has_cnt == has_range, "legal_param: cnt and range should both or neither "
              "specified")
        if has_cnt:
            sassign(outs, 0, (p.bin_cnt,))
            sassign(outs, 1, (p.bin_cnt + 1,))
            return
        bins = ins[1]
        ndim = -1 if bins is None else len(bins)
        check(ndim == 1, "oshape.ndim() == 1U (%d vs. 1) : bins argument should be an 1D "
              "vector" % ndim)
        if not fully_known(bins):
            return
        check(bins[0] >= 2, "oshape.Size() >= 2U (%d vs. 2) : number of bounds should be >= 2"
              % bins[0])
        sassign(outs, 0, (bins[0] - 1,))
        sassign(outs, 1, bins)

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.int64)
        type_assign_check(outs, 1, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        data = ins[0].ravel()
        if p.bin_cnt is not None:
            if len(p.range) != 2:
                _fail("(param.range.value().ndim() == 2U): range should be a tuple with only "
                      "2 elements")
            lo, hi = p.range
            if lo > hi:
                _fail("param.range.value()[0] <= param.range.value()[1]: left hand side of "
                      "range(%g)should be less than or equal to right hand side(%g)" % (lo, hi))
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            n = p.bin_cnt
            i = np.arange(n + 1, dtype=np.float64)
            bounds = xp.asarray(((hi * i + (n - i) * lo) / n).astype(data.dtype))
            d64 = data.astype(np.float64)
            inside = (d64 >= lo) & (d64 <= hi)
            raw = xp.where(inside, (d64 - lo) * n / (hi - lo), 0)
            target = xp.minimum(raw.astype(np.int64), n - 1)
            target = target - (data < bounds[target])
            up = (data >= bounds[xp.minimum(target + 1, n)]) & (target != n - 1)
            target = xp.where(inside, target + up, -1)
        else:
            bounds = ins[1]
            _tblob_type_check(bounds.dtype, data.dtype)
            n = bounds.shape[0] - 1
            inside = (data >= bounds[0]) & (data <= bounds[n])
            found = xp.searchsorted(bounds, data, side="right") - 1
            target = xp.where(inside, xp.minimum(found, n - 1), -1)
        keep = target[target >= 0]
        outs[0][...] = xp.bincount(keep, minlength=n)[:n]
        outs[1][...] = bounds


# ----------------------------------------------------------------------------- linspace
_DTYPE = Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', "
               "'int8', 'uint8'},optional, default='float32'", "Target data type.")

class _Parsed:
    """The parameters an operator parses when MXNet documents others (or none) for it: the
    generated functions show ``params``, the parser reads these."""

    implied_params: dict = {}
    hidden_params = ()
    accepts_unknown_params = False
    param_error_suffix = True       # the OpDef fields parse_params reads (ops/_params.py)
    key_var_num_args = None
    variadic = False

    def __init__(self, name, params):
        self.name = name
        self.params = tuple(params)
        self.param_map = {q.name: q for q in self.params}


_LINSPACE_PARSED = _Parsed("_linspace", (
    Param("start", "double, required", "The starting value of the sequence."),
    Param("stop", "double, required", "The ending value of the sequence"),
    Param("num", "int, required", "Number of samples to generate. Must be non-negative."),
    Param("endpoint", "boolean, optional, default=1",
          "If True, stop is the last sample. Otherwise, it is not included."),
    _CTX, _DTYPE))


@register
class _linspace(OpDef):  # noqa: N801 -- MXNet's operator name
    """``num`` evenly spaced values from ``start`` to ``stop`` (``stop`` excluded without
    ``endpoint``), cast to ``dtype``.

    MXNet documents (and so lists in the function's signature) the parameters of ``_arange``
    but parses ``start, stop, num, endpoint, ctx, dtype``: so does symnb.

    >>> import symnb as mx
    >>> mx.nd.linspace(2.0, 3.0, 5, endpoint=False).asnumpy()
    array([2. , 2.2, 2.4, 2.6, 2.8], dtype=float32)
    """

    name = "_linspace"
    family = "init"
    inputs = ()
    loss_head = True
    params = (Param("start", "double, required",
                    "Start of interval. The interval includes this value. The default start "
                    "value is 0."),
              Param("stop", "double or None, optional, default=None",
                    "End of interval. The interval does not include this value, except in "
                    "some cases where step is not an integer and floating point round-off "
                    "affects the length of out."),
              Param("step", "double, optional, default=1", "Spacing between values."),
              Param("repeat", "int, optional, default='1'",
                    "The repeating time of all elements. E.g repeat=3, the element a will be "
                    "repeated three times --> a, a, a."),
              Param("infer_range", "boolean, optional, default=0",
                    "When set to True, infer the stop position from the start, step, repeat, "
                    "and output tensor size."),
              _CTX, _DTYPE)

    def parse(self, attrs, node_name=""):
        return parse_params(_LINSPACE_PARSED, attrs, node_name)

    def infer_shape(self, p, ins, outs):
        check(p.num >= 0, "param.num >= 0 (%d vs. 0) : Number of sequence should be "
              "non-negative, received %d" % (p.num, p.num))
        sassign(outs, 0, (p.num,))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np_dtype(p.dtype))

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        steps = p.num - 1 if p.endpoint else p.num
        step = (p.stop - p.start) / steps if steps > 0 else 0.0
        values = p.start + step * np.arange(out.size, dtype=np.float64)
        out[...] = rt.xp.asarray(values.astype(out.dtype))


# ----------------------------------------------------------------------------- NDArray functions
class _NDArrayFunction(OpDef):
    """MXNet's ``MXNET_REGISTER_NDARRAY_FUN`` functions: imperative, writing ``out``, with no
    gradient."""

    input_type = "NDArray"
    family = "other"
    loss_head = True
    imperative_only = True


@register
class _onehot_encode(_NDArrayFunction):  # noqa: N801 -- MXNet's operator name
    """One-hot rows of the indices ``lhs`` in a matrix shaped like ``rhs`` (float32; an index
    out of range gives a zero row). ``mx.nd.onehot_encode(indices, out)`` writes ``out``.

    >>> import symnb as mx
    >>> out = mx.nd.zeros((2, 3))
    >>> _ = mx.nd.onehot_encode(mx.nd.array([0, 2]), out)
    >>> out.asnumpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """

    name = "_onehot_encode"
    inputs = ("lhs", "rhs")

    def infer_shape(self, p, ins, outs):
        if ins[1] is not None:
            sassign(outs, 0, ins[1])

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[1])

    def forward(self, p, ins, outs, is_train, rt):
        idx, proto = ins
        out = outs[0]
        if idx.shape[0] != proto.shape[0]:
            _fail("index[0] == proptype[0] (%d vs. %d) : OneHotEncode shape inconsistent"
                  % (idx.shape[0], proto.shape[0]))
        if out.dtype != np.float32:
            _fail("ret->type_flag_ == mshadow: :default_type_flag (%d vs. 0) : one_hot_encode "
                  "only support float32 as input/output" % _type_code(out.dtype))
        xp = rt.xp
        cols = xp.arange(out.shape[1])
        out[...] = (idx.astype(np.int64)[:, None] == cols[None, :]).astype(out.dtype)


def _type_code(dtype):
    return _code(np.dtype(dtype))


@register
class fill_element_0index(_NDArrayFunction):  # noqa: N801 -- MXNet's operator name
    """``lhs`` with ``out[i, rhs[i]] = mhs[i]`` for every row ``i`` (an index out of range
    leaves its row unchanged).

    >>> import symnb as mx
    >>> mx.nd.fill_element_0index(mx.nd.zeros((2, 3)), mx.nd.array([5, 6]),
    ...                           mx.nd.array([1, 2])).asnumpy()
    array([[0., 5., 0.],
           [0., 0., 6.]], dtype=float32)
    """

    name = "fill_element_0index"
    inputs = ("lhs", "mhs", "rhs")

    def infer_shape(self, p, ins, outs):
        if ins[0] is not None:
            sassign(outs, 0, ins[0])

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, ins[0])

    def forward(self, p, ins, outs, is_train, rt):
        mat, val, idx = ins
        if not (mat.ndim == 2 and val.ndim == 1 and idx.ndim == 1):
            _fail("lshape.ndim() == 2 && mshape.ndim() == 1 && rshape.ndim() == 1: "
                  "fill_row_element only support 2D Matrix, 1D value and 1D index")
        if not (mat.shape[0] == val.shape[0] == idx.shape[0]):
            _fail("(lshape[0] == mshape[0]) && (mshape[0] == rshape[0]): choose_row_element "
                  "index vector, value vector and matrix shape mismatch")
        xp = rt.xp
        result = mat.copy()
        cols = idx.astype(np.int64)
        rows = xp.arange(mat.shape[0])
        ok = (cols >= 0) & (cols < mat.shape[1])
        result[rows[ok], cols[ok]] = val[ok].astype(mat.dtype)
        outs[0][...] = result


@register
class _set_value(_NDArrayFunction):  # noqa: N801 -- MXNet's operator name
    """Fill ``out`` with the scalar ``src`` (cast to ``out``'s dtype): MXNet's
    ``NDArray[:] = scalar``.

    >>> import symnb as mx
    >>> out = mx.nd.zeros((2,), dtype='int32')
    >>> mx.nd._internal._set_value(src=3.5, out=out).asnumpy()
    array([3, 3], dtype=int32)
    """

    name = "_set_value"
    inputs = ()
    params = (Param("src", "real_t", "Source input to the function."),)

    def infer_shape(self, p, ins, outs):
        if outs[0] is None:
            raise InferError("Check failed: out->is_none() != true (1 vs. 1) : Set value "
                             "target must not be empty")

    def infer_type(self, p, ins, outs):
        pass

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = np.float32(p.src)


# ----------------------------------------------------------------------------- reset_arrays
@register
class reset_arrays(_NDArrayFunction):  # noqa: N801 -- MXNet's operator name
    """Set every input array to zero, in place (no outputs).

    >>> import symnb as mx
    >>> a, b = mx.nd.ones((2,)), mx.nd.ones((3,))
    >>> mx.nd.reset_arrays(a, b, num_arrays=2)
    []
    >>> a.asnumpy(), b.asnumpy()
    (array([0., 0.], dtype=float32), array([0., 0., 0.], dtype=float32))
    """

    name = "reset_arrays"
    input_type = None
    inputs = ("data",)
    outputs = ()
    variadic = True
    params = (Param("num_arrays", "int, required", "number of input arrays."),)

    def input_names(self, p):
        return tuple("data_%d" % i for i in range(p.num_arrays))

    def mutated_inputs(self, p):
        return self.input_names(p)

    def infer_shape(self, p, ins, outs):
        pass

    def infer_type(self, p, ins, outs):
        pass

    def forward_writes_inputs(self, p):
        return tuple(range(p.num_arrays))

    def forward(self, p, ins, outs, is_train, rt):
        for x in ins:
            x[...] = 0


# ----------------------------------------------------------------------------- AMP casts
_AMP_FLOATS = (np.dtype(np.float32), np.dtype(np.float16))
# the types oneDNN (MXNet 1.9.1's CPU build runs the AMP casts through it) can read
_ONEDNN_TYPES = frozenset(np.dtype(t) for t in ("float32", "int32", "int8", "uint8"))


def _onednn_check(rt, arrays, also=frozenset()):
    if rt.name != "numpy":
        return
    for x in arrays:
        if np.dtype(x.dtype) not in _ONEDNN_TYPES and np.dtype(x.dtype) not in also:
            raise MXNetError("MXNetError: unknown type for MKLDNN :%d" % _type_code(x.dtype))


def _cast_back(x, g, grad, req):
    """The AMP casts' gradient: the head gradient cast back. Where no cast happened MXNet
    runs it in place and skips the copy, so an 'add' request leaves the buffer as it was
    (recorded)."""
    if grad is None or g is None:
        return
    if req == "add" and g.dtype == x.dtype:
        return
    assign(grad, g.astype(x.dtype), req)


@register
class amp_cast(OpDef):  # noqa: N801 -- MXNet's operator name
    """Cast float32/float16 ``data`` to ``dtype`` (other dtypes pass unchanged): the cast
    MXNet's automatic mixed precision inserts. The gradient is cast back. MXNet's CPU build
    runs it through oneDNN: float32 to integers rounds half to even, and float64 or int64
    data fail (``unknown type for MKLDNN``); so does symnb on the CPU. float16 data casts.

    >>> import symnb as mx
    >>> mx.nd.amp_cast(mx.nd.array([1.5, 70000]), dtype='float16').asnumpy()
    array([1.5, inf], dtype=float16)
    """

    name = "amp_cast"
    family = "elementwise"
    params = (Param("dtype", "{'bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', "
                    "'int8', 'uint8'}, required", "Output data type."),)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def infer_type(self, p, ins, outs):
        if ins[0] is None:
            return
        target = np_dtype(p.dtype) if ins[0] in _AMP_FLOATS else ins[0]
        type_assign_check(outs, 0, target)

    def forward(self, p, ins, outs, is_train, rt):
        x, out = ins[0], outs[0]
        _onednn_check(rt, ins, also={np.dtype(np.float16)})    # float16 skips oneDNN
        if x.dtype == np.float32 and out.dtype.kind in "iu":
            # MXNet's CPU build casts float32 through oneDNN, which rounds half to even
            x = rt.xp.rint(x)
        out[...] = x.astype(out.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        _cast_back(ins[0], ograds[0], igrads[0], reqs[0])


@register
class amp_multicast(OpDef):  # noqa: N801 -- MXNet's operator name
    """Cast the float inputs to their widest float type (float32 if any is float32), or with
    ``cast_narrow`` to the narrowest (float16 if any is float16); others pass unchanged.

    >>> import symnb as mx
    >>> a, b = mx.sym.var('a'), mx.sym.var('b')
    >>> mx.sym.amp_multicast(a, b, num_outputs=2).infer_type(a='float16', b='float32')[1]
    [<class 'numpy.float32'>, <class 'numpy.float32'>]

    MXNet's CPU build runs it through oneDNN, which cannot read float16 or float64: on the
    CPU those inputs fail at run time (``unknown type for MKLDNN``), as in MXNet.
    """

    name = "amp_multicast"
    family = "elementwise"
    inputs = ("data",)
    variadic = True
    params = (Param("num_outputs", "int, required",
                    "Number of input/output pairs to be casted to the widest type."),
              Param("cast_narrow", "boolean, optional, default=0",
                    "Whether to cast to the narrowest type"))

    def input_names(self, p):
        return tuple("data_%d" % i for i in range(p.num_outputs))

    def output_names(self, p):
        return tuple("output%d" % i for i in range(p.num_outputs))

    def infer_shape(self, p, ins, outs):
        for i in range(p.num_outputs):
            sassign(outs, i, ins[i])
            sassign(ins, i, outs[i])

    def infer_type(self, p, ins, outs):
        f32, f16 = np.dtype(np.float32), np.dtype(np.float16)
        target = f32 if p.cast_narrow else ins[0]
        for i in range(p.num_outputs):
            if not p.cast_narrow and f32 in (ins[i], outs[i]):
                target = f32
            elif p.cast_narrow and f16 in (ins[i], outs[i]):
                target = f16
        for i in range(p.num_outputs):
            if ins[i] in _AMP_FLOATS:
                type_assign_check(outs, i, target)
            else:
                type_assign_check(outs, i, ins[i])

    def forward(self, p, ins, outs, is_train, rt):
        _onednn_check(rt, ins)
        for x, out in zip(ins, outs, strict=True):
            out[...] = x.astype(out.dtype)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        for x, g, grad, req in zip(ins, ograds, igrads, reqs, strict=True):
            _cast_back(x, g, grad, req)


# ----------------------------------------------------------------------------- BatchNorm forms
@register
class _contrib_BatchNormWithReLU(BatchNorm):  # noqa: N801 -- MXNet's operator name
    """``relu(BatchNorm(data))`` (MXNet's oneDNN fused form); the gradient passes where the
    output is positive. A fourth hidden output (``workspace``) keeps the ReLU mask. As in
    MXNet's CPU build it runs for 4-D float32 data with channels on axis 1 only.

    >>> import symnb as mx
    >>> bn = mx.sym.contrib.BatchNormWithReLU(mx.sym.var('data'), name='bn')
    >>> bn.infer_shape(data=(2, 3))[1], bn.list_auxiliary_states()
    ([(2, 3)], ['bn_moving_mean', 'bn_moving_var'])
    """

    name = "_contrib_BatchNormWithReLU"
    num_outputs_total_default = 4

    def hidden_output_names(self, p):
        return ("output", "mean", "var", "workspace")

    def infer_shape(self, p, ins, outs):
        BatchNorm.infer_shape(self, p, ins, outs)
        if outs[0] is not None:
            outs[3] = outs[0]

    def infer_type(self, p, ins, outs):
        BatchNorm.infer_type(self, p, ins, outs)
        outs[3] = outs[0]

    def _onednn_only(self, p, x, rt):
        # MXNet has this operator in its oneDNN build only, for 4-D float32 data on axis 1
        if rt.name == "numpy" and not (x.ndim == 4 and x.dtype == np.float32 and p.axis == 1):
            raise MXNetError("MXNetError: BatchNormWithReLU operator only supports MKL-DNN "
                             "Backend.")

    def forward(self, p, ins, outs, is_train, rt):
        self._onednn_only(p, ins[0], rt)
        BatchNorm.forward(self, p, ins, outs, is_train, rt)
        positive = outs[0] > 0
        outs[3][...] = positive
        outs[0][...] = outs[0] * positive

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        self._onednn_only(p, ins[0], rt)
        heads = list(ograds)
        if heads[0] is not None:
            heads[0] = heads[0] * (outs[3] != 0)
        BatchNorm.backward(self, p, ins, outs, heads, igrads, reqs, is_train, rt)


_SYNC_PARAMS, _SYNC_IMPLIED = _declare(BatchNorm, {
    "eps": "float, optional, default=0.00100000005",
    "momentum": "float, optional, default=0.899999976",
    "fix_gamma": "boolean, optional, default=1",
    "use_global_stats": "boolean, optional, default=0",
    "output_mean_var": "boolean, optional, default=0",
}, {"eps": "Epsilon to prevent div 0", "output_mean_var": "Output All,normal mean and var"})


@register
class _contrib_SyncBatchNorm(BatchNorm):  # noqa: N801 -- MXNet's operator name
    """BatchNorm whose batch statistics MXNet reduces over ``ndev`` devices sharing ``key``;
    on one device (all symnb runs) it is BatchNorm over axis 1, with MXNet's legacy kernel:
    its ``var`` output is the batch variance (BatchNorm's is the inverse std), and inference
    leaves the mean/var outputs unwritten.

    >>> import symnb as mx
    >>> bn = mx.sym.contrib.SyncBatchNorm(mx.sym.var('data'), key='k', name='bn')
    >>> bn.infer_shape(data=(2, 3, 4))[0]
    [(2, 3, 4), (3,), (3,)]
    """

    name = "_contrib_SyncBatchNorm"
    params = _SYNC_PARAMS + (
        Param("ndev", "int, optional, default='1'", "The count of GPU devices"),
        Param("key", "string, required", "Hash key for synchronization, please set the same "
              "hash key for same layer, Block.prefix is typically used as in "
              ":class:`gluon.nn.contrib.SyncBatchNorm`."))
    implied_params = _SYNC_IMPLIED
    mkldnn_float32 = False

    def hidden_output_names(self, p):
        return ("output", "mean", "var")

    def infer_shape(self, p, ins, outs):
        data = ins[0]
        if data is None:
            return
        check(len(data) >= 2, "i >= 0 && i < ndim(): index = 1 must be in range [0, %d)"
              % len(data))
        channels = (data[1],)
        # MXNet's legacy rule assigns these without checking a user-given value
        ins[1] = ins[2] = ins[3] = ins[4] = channels
        outs[0], outs[1], outs[2] = tuple(data), channels, channels

    def infer_type(self, p, ins, outs):
        dtype = ins[0]
        if dtype is None:
            raise InferError("Check failed: dtype != -1 (-1 vs. -1) : First input must have "
                             "specified type")
        param = np.dtype(np.float32) if dtype == np.float16 else dtype
        # the aux states are checked against the argument names, as MXNet's rule does
        for i, what in ((1, "gamma"), (2, "beta"), (3, "data"), (4, "gamma")):
            if ins[i] is None:
                ins[i] = param
            elif ins[i] != param:
                raise InferError(
                    "Check failed: (*in_type)[i] == dtype_param (%d vs. %d) : This layer "
                    "requires uniform type. Expected '%s' v.s. given '%s' at '%s'"
                    % (_code(ins[i]), _code(param), param.name, ins[i].name, what))
        outs[0], outs[1], outs[2] = dtype, param, param

    @staticmethod
    def _layout(x):
        red = tuple(i for i in range(x.ndim) if i != 1)
        along = (1, x.shape[1]) + (1,) * (x.ndim - 2) if x.ndim > 1 else (1,)
        return red, along

    def forward(self, p, ins, outs, is_train, rt):
        # MXNet's legacy kernel: the hidden outputs are the batch mean and the (biased)
        # variance E[x^2] - E[x]^2, written only by a training forward
        xp = rt.xp
        x, gamma, beta, moving_mean, moving_var = ins
        for a in ins:       # the legacy kernel reads every array as float32 (real_t)
            _tblob_type_check(a.dtype, np.float32)
        red, along = self._layout(x)
        if p.fix_gamma:
            gamma[...] = 1
        g, b = gamma.reshape(along), beta.reshape(along)
        eps = x.dtype.type(p.eps)
        if is_train and not p.use_global_stats:
            mean = x.mean(axis=red)
            var = (x * x).mean(axis=red) - mean * mean
            outs[1][...] = mean
            outs[2][...] = var
            outs[0][...] = g * (x - mean.reshape(along)) / xp.sqrt(var.reshape(along) + eps) + b
        else:
            inv = 1 / xp.sqrt(moving_var.reshape(along) + eps)
            outs[0][...] = g * inv * x + (b - g * moving_mean.reshape(along) * inv)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp = rt.xp
        x, gamma, beta, moving_mean, moving_var = ins
        red, along = self._layout(x)
        dy = ograds[0] if ograds[0] is not None else xp.zeros_like(x)
        slope = xp.ones_like(gamma) if p.fix_gamma else gamma
        eps = x.dtype.type(p.eps)
        if is_train and not p.use_global_stats:
            mean, var = outs[1], outs[2]
            momentum = np.float32(p.momentum)
            moving_mean[...] = moving_mean * momentum + mean * (1 - momentum)
            moving_var[...] = moving_var * momentum + var * (1 - momentum)
            scale = x.dtype.type(x.shape[1] / x.size) if x.ndim > 1 else x.dtype.type(1 / x.size)
            xmu = x - mean.reshape(along)
            sum_grad, sum_prod = dy.sum(axis=red), (dy * xmu).sum(axis=red)
            gvar = -sum_prod * slope * (var + eps) ** -1.5
            gmean = -sum_grad * slope / xp.sqrt(var + eps)
            dx = dy * slope.reshape(along) / xp.sqrt(var.reshape(along) + eps) \
                + gvar.reshape(along) * scale * xmu + gmean.reshape(along) * scale
            dgamma = (dy * xmu / xp.sqrt(var.reshape(along) + eps)).sum(axis=red)
        else:
            inv = 1 / xp.sqrt(moving_var + eps)
            dx = dy * (slope * inv).reshape(along)
            dgamma = (dy * (x - moving_mean.reshape(along)) * inv.reshape(along)).sum(axis=red)
        if igrads[0] is not None:
            assign(igrads[0], dx, reqs[0])
        if igrads[1] is not None:
            assign(igrads[1], 0 if p.fix_gamma else dgamma, reqs[1])
        if igrads[2] is not None:
            assign(igrads[2], dy.sum(axis=red), reqs[2])


# ----------------------------------------------------------------------------- unique Zipfian
@register
class _sample_unique_zipfian(OpDef):  # noqa: N801 -- MXNet's operator name
    """Per batch row, ``shape[1]`` distinct classes in ``[0, range_max)`` drawn from the
    log-uniform (Zipfian) distribution ``P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)``,
    and the number of draws each row needed (both int64).

    >>> import symnb as mx
    >>> classes, tries = mx.nd._internal._sample_unique_zipfian(10, shape=(2, 5))
    >>> classes.shape, tries.shape, len(set(classes.asnumpy()[0].tolist()))
    ((2, 5), (2,), 5)
    """

    name = "_sample_unique_zipfian"
    family = "random"
    inputs = ()
    outputs = ("output0", "output1")
    loss_head = True
    params = (Param("range_max", "int, required", "The number of possible classes."),
              Param("shape", "Shape(tuple), optional, default=None",
                    "2-D shape of the output, where shape[0] is the batch size, and shape[1] "
                    "is the number of candidates to sample for each batch."))

    def infer_shape(self, p, ins, outs):
        shape = p.shape
        if outs[0] is not None and len(outs[0]) == 2 and shape is None:
            sassign(outs, 1, (outs[0][0],))
            return
        ndim = -1 if shape is None else len(shape)
        check(ndim == 2, "param.shape.ndim() == 2U (%d vs. 2) : " % ndim)
        sassign(outs, 0, shape)
        sassign(outs, 1, (shape[0],))

    def infer_type(self, p, ins, outs):
        type_assign_check(outs, 0, np.int64)
        type_assign_check(outs, 1, np.int64)

    def forward(self, p, ins, outs, is_train, rt):
        batch, num = outs[0].shape
        if num > p.range_max:
            _fail("num_sampled <= param.range_max (%d vs. %d) : Number of samples cannot "
                  "exceed the number of possible classes" % (num, p.range_max))
        log_range = np.log(p.range_max)
        samples = np.empty((batch, num), dtype=np.int64)
        tries = np.zeros(batch, dtype=np.int64)
        for row in range(batch):
            seen: dict = {}
            while len(seen) < num:
                draws = rt.draw("uniform", 0.0, 1.0, size=max(2 * (num - len(seen)), 16))
                values = np.rint(np.exp(draws * log_range)).astype(np.int64) - 1
                for k, v in enumerate(values.tolist()):
                    if v not in seen:
                        seen[v] = None
                        if len(seen) == num:
                            tries[row] += k + 1
                            break
                else:
                    tries[row] += len(values)
            samples[row] = list(seen)
        outs[0][...] = rt.xp.asarray(samples)
        outs[1][...] = rt.xp.asarray(tries)


# ----------------------------------------------------------------------------- backward ops
class _BackwardOp(OpDef):
    """An operator MXNet registers for gradient graphs (``TIsBackward``). Its generated
    functions declare no array arguments, so calls from Python cannot pass inputs (as in
    MXNet); graphs (JSON) can use it."""

    family = "other"
    signature_inputs = ()
    monitor_named_inputs = False
    parsed: _Parsed | None = None       # what the parser reads (MXNet documents nothing)

    def parse(self, attrs, node_name=""):
        return parse_params(self.parsed or _Parsed(self.name, ()), attrs, node_name)


@register
class _broadcast_backward(_BackwardOp):  # noqa: N801 -- MXNet's operator name
    """The gradient of the broadcasts: ``sum`` over ``axis`` (MXNet's ReduceAxesParam).

    >>> from symnb.ops import get_op
    >>> get_op('_broadcast_backward').python_inputs()
    ()
    """

    name = "_broadcast_backward"
    parsed = _Parsed("_broadcast_backward", _REDUCE_PARAMS)

    def infer_shape(self, p, ins, outs):
        """None: MXNet registers no shape rule, its graphs take the shape from the forward
        node, so a standalone node leaves its output unknown."""

    def forward(self, p, ins, outs, is_train, rt):
        x = ins[0]
        outs[0][...] = x.sum(axis=_axes(p.axis, p.exclude, x.ndim)).reshape(outs[0].shape)


@register
class _split_v2_backward(_BackwardOp):  # noqa: N801 -- MXNet's operator name
    """The gradient of ``_split_v2``: the head gradients joined along ``axis``.

    >>> from symnb.ops import get_op
    >>> get_op('_split_v2_backward').python_inputs()
    ()
    """

    name = "_split_v2_backward"
    inputs = ("data",)

    parsed = _Parsed("_split_v2_backward", _split_v2.params)

    def input_names(self, p):
        n = p.sections if p.sections > 0 else len(p.indices)
        return tuple("arg%d" % i for i in range(n))

    def infer_shape(self, p, ins, outs):
        if not all(fully_known(s) for s in ins):
            return
        first = ins[0]
        axis = check_axis(p.axis, len(first) + (1 if p.squeeze_axis else 0))
        if p.squeeze_axis:
            pieces = [tuple(s[:axis]) + (1,) + tuple(s[axis:]) for s in ins]
        else:
            pieces = [tuple(s) for s in ins]
        total = sum(s[axis] for s in pieces)
        sassign(outs, 0, pieces[0][:axis] + (total,) + pieces[0][axis + 1:])

    def forward(self, p, ins, outs, is_train, rt):
        out = outs[0]
        axis = check_axis(p.axis, out.ndim)
        parts = [g.reshape(out.shape[:axis] + (-1,) + out.shape[axis + 1:]) for g in ins]
        out[...] = rt.xp.concatenate(parts, axis=axis)


@register
class _contrib_backward_gradientmultiplier(OpDef):  # noqa: N801 -- MXNet's operator name
    """The gradient of ``gradientmultiplier``: ``data * scalar``.

    >>> import symnb as mx
    >>> mx.nd.contrib.backward_gradientmultiplier(mx.nd.array([1.0, 2.0]), scalar=2).asnumpy()
    array([2., 4.], dtype=float32)
    """

    name = "_contrib_backward_gradientmultiplier"
    family = "elementwise"
    params = _SCALAR_PARAMS

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = ins[0] * ins[0].dtype.type(p.scalar)


@register
class _contrib_backward_quadratic(_BackwardOp):  # noqa: N801 -- MXNet's operator name
    """The gradient of ``quadratic``: ``ograd * (2 a x + b)`` from ``(ograd, x)``.

    >>> from symnb.ops import get_op
    >>> get_op('_contrib_backward_quadratic').input_names(None)
    ('ograd', 'data')
    """

    name = "_contrib_backward_quadratic"
    inputs = ("ograd", "data")

    parsed = _Parsed("_contrib_backward_quadratic", _contrib_quadratic.params)

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)

    def forward(self, p, ins, outs, is_train, rt):
        g, x = ins
        t = x.dtype.type
        outs[0][...] = g * (2 * t(p.a) * x + t(p.b))


@register
class _contrib_backward_index_copy(_BackwardOp):  # noqa: N801 -- MXNet's operator name
    """The gradients of ``index_copy`` from ``(ograd, old, index, new)``: the head gradient
    with the copied rows zeroed, zeros for the index, the copied rows for ``new``.

    >>> from symnb.ops import get_op
    >>> get_op('_contrib_backward_index_copy').num_outputs_total(None)
    3
    """

    name = "_contrib_backward_index_copy"
    inputs = ("ograd", "old_tensor", "index_vector", "new_tensor")
    outputs = ("output0", "output1", "output2")

    def infer_shape(self, p, ins, outs):
        for i in range(3):
            sassign(outs, i, ins[i + 1])

    def infer_type(self, p, ins, outs):
        for i in range(3):
            type_assign_check(outs, i, ins[i + 1])

    def forward(self, p, ins, outs, is_train, rt):
        g, _, idx, _ = ins
        rows = idx.astype(np.int64)
        old = g.copy()
        old[rows] = 0
        outs[0][...] = old
        outs[1][...] = 0
        outs[2][...] = g[rows]
