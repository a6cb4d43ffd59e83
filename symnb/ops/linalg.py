"""Dense linear algebra on the last two axes (batched over the leading ones): ``mx.sym.linalg``.

Matrix products (gemm, gemm2, syrk, trmm, trsm), factorisations (potrf, potri, gelqf, syevd),
inverse, det, slogdet, sumlogdiag, and the diagonal/triangle packers. MXNet runs them in
float32 and float64 only, yet only det and slogdet refuse other dtypes at type inference: the
rest infer any dtype and their kernels refuse it when they run. Triangular inputs are read
from the triangle named by ``lower``; the other triangle gets no gradient.

The shape rules are MXNet's (la_op.h), checks and texts included: they read a shape as MXNet
does, its unknown dims -1 (``_dims``), and most infer forward only.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ._params import Param
from ._registry import EngineError, InferError, OpDef, assign, register
from ._rules import elemwise_shape
from .shape import check, sassign, type_assign_check

__all__ = []

_ALPHA = Param("alpha", "double, optional, default=1", "Scalar factor multiplied with A*B.")
_TA = Param("transpose_a", "boolean, optional, default=0",
            "Multiply with transposed of first input (A).")
_TB = Param("transpose_b", "boolean, optional, default=0",
            "Multiply with transposed of second input (B).")
_AXIS = Param("axis", "int, optional, default='-2'",
              "Axis corresponding to the matrix rows.")
_LOWER = Param("lower", "boolean, optional, default=1",
               "True if the triangular matrix is lower triangular, false if it is upper "
               "triangular.")
_TRANSPOSE = Param("transpose", "boolean, optional, default=0",
                   "Use transposed of the triangular matrix")
_RIGHT = Param("rightside", "boolean, optional, default=0",
               "Multiply triangular matrix from the right to non-triangular one.")
_OFFSET = Param("offset", "int, optional, default='0'",
                "Offset of the diagonal versus the main diagonal. 0 corresponds to the main "
                "diagonal, a negative/positive value to diagonals below/above the main "
                "diagonal.")
# trmm/trsm word their alpha as syrk does; gemm2 its axis, and the diagonal-offset operators
# their lower, differently from gemm and potrf (MXNet's parameter structs)
_ALPHA_RESULT = Param("alpha", "double, optional, default=1",
                      "Scalar factor to be applied to the result.")
_AXIS_INDICES = Param("axis", "int, optional, default='-2'",
                      "Axis corresponding to the matrix row indices.")
_LOWER_OFFSET = Param("lower", "boolean, optional, default=1",
                      "Refer to the lower triangular matrix if lower=true, refer to the upper "
                      "otherwise. Only relevant when offset=0")


def _t(x):
    return x.swapaxes(-1, -2)


def _tri(xp, x, lower):
    return xp.tril(x) if lower else xp.triu(x)


_INT_MAX = 2 ** 31 - 1
_SGL_DBL = (np.dtype(np.float32), np.dtype(np.float64))


def _dims(shape):
    """A partial shape as MXNet's rules read it: unknown dims -1, ``None`` (unknown ndim)
    kept."""
    return None if shape is None else tuple(d if d > 0 else -1 for d in shape)


def _check_large(*dims):
    """MXNet's refusal of matrix dimensions beyond a 32-bit int (check_large_dim)."""
    for d in dims:
        check(d <= _INT_MAX, "dim <= INT_MAX (%d vs. %d) : Large matrix dimensions (>= 2^31) "
              "are not supported" % (d, _INT_MAX))


def _size(shape):
    """TShape::Size() with its checks: an unknown ndim or dim fails."""
    check(shape is not None, "ndim_is_known(this->ndim()): Shape is unknown.")
    for d in shape:
        check(d >= 0, "dim_size_is_known(*it): Shape dim size cannot be a negative value %d" % d)
    return math.prod(shape)


def _kernel(method):
    """``method`` (a forward or backward) behind MSHADOW_SGL_DBL_TYPE_SWITCH's refusal of
    any dtype but float32 and float64, which MXNet reports when an output is read."""
    @functools.wraps(method)
    def run(self, p, ins, *rest):
        if np.dtype(ins[0].dtype) not in _SGL_DBL:
            raise EngineError("MXNetError: This operation only supports 32-bit and 64-bit "
                              "floating point")
        return method(self, p, ins, *rest)
    return run


def _square(a, lhs, text):
    """The kernel's check that the last two dims are equal (shape inference lets any pass)."""
    if a.shape[-2] != a.shape[-1]:
        raise EngineError("MXNetError: Check failed: %s (%d vs. %d) : %s"
                          % (lhs, a.shape[-2], a.shape[-1], text))


class _Linalg(OpDef):
    """Type inference is OpDef's (MXNet's ElemwiseType): any dtype passes, and each forward
    and backward first refuses what MXNet's kernels refuse (``_kernel``)."""

    family = "linalg"
    inputs = ("A",)
    monitor_named_inputs = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("forward", "backward"):
            if name in cls.__dict__:
                setattr(cls, name, _kernel(cls.__dict__[name]))


# ----------------------------------------------------------------------------- products
class _Gemm(_Linalg):
    def _moved(self, p, xp, x):
        axis = p.axis % x.ndim
        return x if axis == x.ndim - 2 else xp.moveaxis(x, axis, -2)

    def _back(self, p, xp, x):
        axis = p.axis % x.ndim
        return x if axis == x.ndim - 2 else xp.moveaxis(x, -2, axis)

    def infer_shape(self, p, ins, outs):
        # forward only, once A and B have one rank >= 2 (LaMatrixMultMacOpShape); gemm's C
        # takes the product's shape
        a, b = _dims(ins[0]), _dims(ins[1])
        if a is None or len(a) < 2 or b is None or len(b) != len(a):
            return
        nd = len(a)
        axis = p.axis + nd if p.axis < 0 else p.axis
        check(0 <= axis < nd - 1, "axis >= 0 && axis < ndim-1: Invalid row axis (%d)" % p.axis)
        _check_large(a[axis], a[-1], b[axis], b[-1])
        for i in range(nd - 1):
            check(i == axis or a[i] == b[i], "(*in_attrs)[0][i] == (*in_attrs)[1][i] (%d vs. "
                  "%d) : Shapes of inputs 0, 1 must be the same, except on row/col axis"
                  % (a[i], b[i]))
        ra, ca = (a[-1], a[axis]) if p.transpose_a else (a[axis], a[-1])
        rb, cb = (b[-1], b[axis]) if p.transpose_b else (b[axis], b[-1])
        check(ca == rb, "(transpose_a ? (*in_attrs)[0][axis] : (*in_attrs)[0][ndim-1]) == "
              "(transpose_b ? (*in_attrs)[1][ndim-1] : (*in_attrs)[1][axis]) (%d vs. %d) : "
              "Incompatible matrix dimensions for multiplication" % (ca, rb))
        out = list(a)
        out[axis], out[-1] = ra, cb
        sassign(outs, 0, out)
        if len(ins) > 2:
            sassign(ins, 2, out)

    def _forward_product(self, p, xp, a, b):
        a, b = self._moved(p, xp, a), self._moved(p, xp, b)
        ea = _t(a) if p.transpose_a else a
        eb = _t(b) if p.transpose_b else b
        return p.alpha * (ea @ eb)

    def _grads(self, p, xp, a, b, g):
        a, b, g = (self._moved(p, xp, v) for v in (a, b, g))
        ea = _t(a) if p.transpose_a else a
        eb = _t(b) if p.transpose_b else b
        dea, deb = p.alpha * (g @ _t(eb)), p.alpha * (_t(ea) @ g)
        da = _t(dea) if p.transpose_a else dea
        db = _t(deb) if p.transpose_b else deb
        return self._back(p, xp, da), self._back(p, xp, db)


@register
class _linalg_gemm(_Gemm):  # noqa: N801 -- MXNet's operator name
    """``alpha * op(A) @ op(B) + beta * C`` (``op`` transposes where asked).

    >>> import symnb as mx
    >>> a, b, c = mx.nd.ones((2, 3)), mx.nd.ones((3, 2)), mx.nd.ones((2, 2))
    >>> mx.nd.linalg.gemm(a, b, c, alpha=2, beta=0.5).asnumpy()
    array([[6.5, 6.5],
           [6.5, 6.5]], dtype=float32)
    """

    name = "_linalg_gemm"
    aliases = ("linalg_gemm",)
    inputs = ("A", "B", "C")
    params = (_TA, _TB, _ALPHA, Param("beta", "double, optional, default=1",
                                      "Scalar factor multiplied with C."), _AXIS)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        prod = self._back(p, xp, self._forward_product(p, xp, ins[0], ins[1]))
        outs[0][...] = prod + p.beta * ins[2]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        da, db = self._grads(p, rt.xp, ins[0], ins[1], ograds[0])
        assign(igrads[0], da, reqs[0])
        assign(igrads[1], db, reqs[1])
        assign(igrads[2], p.beta * ograds[0], reqs[2])


@register
class _linalg_gemm2(_Gemm):  # noqa: N801 -- MXNet's operator name
    """``alpha * op(A) @ op(B)``.

    >>> import symnb as mx
    >>> mx.nd.linalg.gemm2(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), transpose_b=True).asnumpy()
    array([[3., 3.],
           [3., 3.]], dtype=float32)
    """

    name = "_linalg_gemm2"
    aliases = ("linalg_gemm2",)
    inputs = ("A", "B")
    params = (_TA, _TB, _ALPHA, _AXIS_INDICES)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        outs[0][...] = self._back(p, xp, self._forward_product(p, xp, ins[0], ins[1]))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        da, db = self._grads(p, rt.xp, ins[0], ins[1], ograds[0])
        assign(igrads[0], da, reqs[0])
        assign(igrads[1], db, reqs[1])


@register
class _linalg_syrk(_Linalg):  # noqa: N801 -- MXNet's operator name
    """``alpha * A @ A.T`` (or ``alpha * A.T @ A`` with ``transpose``).

    >>> import symnb as mx
    >>> mx.nd.linalg.syrk(mx.nd.array([[1, 2]])).asnumpy()
    array([[5.]], dtype=float32)
    """

    name = "_linalg_syrk"
    aliases = ("linalg_syrk",)
    params = (Param("transpose", "boolean, optional, default=0",
                    "Use transpose of input matrix."),
              Param("alpha", "double, optional, default=1", "Scalar factor to be applied to "
                    "the result."))

    def infer_shape(self, p, ins, outs):
        a = _dims(ins[0])
        if a is None or len(a) < 2:
            return                              # forward only (LaSyrkShape)
        _check_large(a[-1], a[-2])
        n = a[-1] if p.transpose else a[-2]
        sassign(outs, 0, a[:-2] + (n, n))

    def forward(self, p, ins, outs, is_train, rt):
        a = ins[0]
        outs[0][...] = p.alpha * ((_t(a) @ a) if p.transpose else (a @ _t(a)))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        a, g = ins[0], ograds[0]
        sym = g + _t(g)
        assign(igrads[0], p.alpha * ((a @ sym) if p.transpose else (sym @ a)), reqs[0])


class _Triangular(_Linalg):
    inputs = ("A", "B")
    params = (_TRANSPOSE, _RIGHT, _LOWER, _ALPHA_RESULT)

    def infer_shape(self, p, ins, outs):
        # LaTriangMatrixMultOpShape: forward once A and B have one rank >= 2, else backward
        # from an output of rank >= 2
        a, b, out = _dims(ins[0]), _dims(ins[1]), _dims(outs[0])
        if a is not None and len(a) >= 2 and b is not None and len(b) == len(a):
            check(a[-2] == a[-1], "(*in_attrs)[0][ndim-2] == (*in_attrs)[0][ndim-1] (%d vs. "
                  "%d) : First operand must be a tensor of square matrices" % (a[-2], a[-1]))
            for x, y in zip(a[:-2], b[:-2], strict=True):
                check(x == y, "(*in_attrs)[0][i] == (*in_attrs)[1][i] (%d vs. %d) : Shapes of "
                      "inputs 0, 1 must be the same, except on last two dimensions" % (x, y))
            _check_large(b[-1], b[-2])
            if p.rightside:
                check(a[-2] == b[-1], "(*in_attrs)[0][ndim-2] == (*in_attrs)[1][ndim-1] (%d "
                      "vs. %d) : Incompatible matrix dimensions for multiplication"
                      % (a[-2], b[-1]))
                rows, cols = b[-2], a[-2] if p.transpose else a[-1]
            else:
                check(b[-2] == a[-1], "(*in_attrs)[1][ndim-2] == (*in_attrs)[0][ndim-1] (%d "
                      "vs. %d) : Incompatible matrix dimensions for multiplication"
                      % (b[-2], a[-1]))
                rows, cols = a[-1] if p.transpose else a[-2], b[-1]
            sassign(outs, 0, a[:-2] + (rows, cols))
        elif out is not None and len(out) >= 2:
            k = out[-1] if p.rightside else out[-2]
            sassign(ins, 0, out[:-2] + (k, k))
            sassign(ins, 1, out)

    def _op(self, p, xp, a):
        m = _tri(xp, a, p.lower)
        return _t(m) if p.transpose else m

    def _tri_grad(self, p, xp, dm):
        return _tri(xp, _t(dm) if p.transpose else dm, p.lower)


@register
class _linalg_trmm(_Triangular):  # noqa: N801 -- MXNet's operator name
    """``alpha * op(A) @ B`` (or ``alpha * B @ op(A)``) for a triangular ``A``.

    >>> import symnb as mx
    >>> a = mx.nd.array([[1, 0], [2, 3]])
    >>> mx.nd.linalg.trmm(a, mx.nd.ones((2, 1))).asnumpy()
    array([[1.],
           [5.]], dtype=float32)
    """

    name = "_linalg_trmm"
    aliases = ("linalg_trmm",)

    def forward(self, p, ins, outs, is_train, rt):
        m = self._op(p, rt.xp, ins[0])
        b = ins[1]
        outs[0][...] = p.alpha * ((b @ m) if p.rightside else (m @ b))

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, b, g = rt.xp, ins[1], ograds[0]
        m = self._op(p, xp, ins[0])
        if p.rightside:
            dm, db = p.alpha * (_t(b) @ g), p.alpha * (g @ _t(m))
        else:
            dm, db = p.alpha * (g @ _t(b)), p.alpha * (_t(m) @ g)
        assign(igrads[0], self._tri_grad(p, xp, dm), reqs[0])
        assign(igrads[1], db, reqs[1])


@register
class _linalg_trsm(_Triangular):  # noqa: N801 -- MXNet's operator name
    """Solves ``op(A) @ X = alpha * B`` (or ``X @ op(A) = alpha * B``) for a triangular ``A``.

    >>> import symnb as mx
    >>> a = mx.nd.array([[1, 0], [2, 4]])
    >>> mx.nd.linalg.trsm(a, mx.nd.array([[1.], [6.]])).asnumpy()
    array([[1.],
           [1.]], dtype=float32)
    """

    name = "_linalg_trsm"
    aliases = ("linalg_trsm",)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        m, b = self._op(p, xp, ins[0]), ins[1]
        if p.rightside:
            outs[0][...] = p.alpha * _t(xp.linalg.solve(_t(m), _t(b)))
        else:
            outs[0][...] = p.alpha * xp.linalg.solve(m, b)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, x, g = rt.xp, outs[0], ograds[0]
        m = self._op(p, xp, ins[0])
        if p.rightside:
            y = _t(xp.linalg.solve(m, _t(g)))          # y = g @ inv(m).T
            dm = -(_t(x) @ y)
        else:
            y = xp.linalg.solve(_t(m), g)              # y = inv(m).T @ g
            dm = -(y @ _t(x))
        assign(igrads[0], self._tri_grad(p, xp, dm), reqs[0])
        assign(igrads[1], p.alpha * y, reqs[1])


# ----------------------------------------------------------------------------- factorisations
class _SameShape(_Linalg):
    """potrf and potri: MXNet's ElemwiseShape, both ways (squareness is left to the run)."""

    def infer_shape(self, p, ins, outs):
        elemwise_shape(ins, outs)


class _SquareIn(_Linalg):
    """inverse, det and slogdet: a known rank must be >= 2, the matrices square
    (InverseShape, DetShape); forward only."""

    def infer_shape(self, p, ins, outs):
        a = _dims(ins[0])
        if a is None:
            return
        check(len(a) >= 2, "ndim >= 2 (%d vs. 2) : Input A's dimension must be >= 2" % len(a))
        check(a[-2] == a[-1], "in[ndim-2] == in[ndim-1] (%d vs. %d) : Input A's last two "
              "dimension must be equal" % (a[-2], a[-1]))
        self._outputs(p, a, outs)

    def _outputs(self, p, a, outs):
        sassign(outs, 0, a)


def _phi(xp, x):
    """The lower triangle with the diagonal halved (the Cholesky backward's Phi)."""
    return xp.tril(x) - 0.5 * xp.eye(x.shape[-1], dtype=x.dtype) * x


@register
class _linalg_potrf(_SameShape):  # noqa: N801 -- MXNet's operator name
    """Cholesky factor ``L`` (lower triangular) of a symmetric positive definite ``A``.

    >>> import symnb as mx
    >>> mx.nd.linalg.potrf(mx.nd.array([[4, 2], [2, 5]])).asnumpy()
    array([[2., 0.],
           [1., 2.]], dtype=float32)
    """

    name = "_linalg_potrf"
    aliases = ("linalg_potrf",)
    # MXNet parses ``lower`` (A = B @ B.T, or B.T @ B with an upper B) without documenting
    # it: not in the signature nor in get_operator_arguments, but in its error listings
    hidden_params = (_LOWER,)

    def forward(self, p, ins, outs, is_train, rt):
        _square(ins[0], "A.size(0) == A.size(1)", "No square matrix as input to potrf.")
        lo = rt.xp.linalg.cholesky(ins[0])
        outs[0][...] = lo if p.lower else _t(lo)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        # the upper factor is the lower one transposed, and so is its head gradient
        xp, lo, g = rt.xp, outs[0], ograds[0]
        if not p.lower:
            lo, g = _t(lo), _t(g)
        inv = xp.linalg.inv(lo)
        s = _t(inv) @ _phi(xp, _t(lo) @ g) @ inv
        assign(igrads[0], 0.5 * (s + _t(s)), reqs[0])


@register
class _linalg_potri(_SameShape):  # noqa: N801 -- MXNet's operator name
    """``inv(L @ L.T)`` from a lower Cholesky factor ``L`` (as produced by ``potrf``).

    >>> import symnb as mx
    >>> mx.nd.linalg.potri(mx.nd.array([[2, 0], [0, 4]])).asnumpy()
    array([[0.25  , 0.    ],
           [0.    , 0.0625]], dtype=float32)
    """

    name = "_linalg_potri"
    aliases = ("linalg_potri",)
    hidden_params = (_LOWER,)                # as potrf's: the input's triangle

    def _lower_factor(self, p, xp, a):
        return xp.tril(a) if p.lower else _t(xp.triu(a))

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        _square(ins[0], "A.size(0) == A.size(1)", "No square matrix as input to potri.")
        inv = xp.linalg.inv(self._lower_factor(p, xp, ins[0]))
        outs[0][...] = _t(inv) @ inv

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, a, g = rt.xp, outs[0], ograds[0]
        s = a @ g @ a
        grad = xp.tril(-(s + _t(s)) @ self._lower_factor(p, xp, ins[0]))
        assign(igrads[0], grad if p.lower else _t(grad), reqs[0])


@register
class _linalg_inverse(_SquareIn):  # noqa: N801 -- MXNet's operator name
    """Matrix inverse.

    >>> import symnb as mx
    >>> mx.nd.linalg.inverse(mx.nd.array([[2, 0], [0, 4]])).asnumpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """

    name = "_linalg_inverse"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    aliases = ("linalg_inverse",)

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.linalg.inv(ins[0])

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        inv_t = _t(outs[0])
        assign(igrads[0], -(inv_t @ ograds[0] @ inv_t), reqs[0])


class _Determinant(_SquareIn):
    """det and slogdet keep MXNet's hidden LU and pivot outputs (used here for the inverse
    transpose the gradient needs)."""

    def _outputs(self, p, a, outs):
        if len(a) == 2:
            batch = (0,) if _size(a) == 0 else (1,)
        else:
            batch = a[:-2]
        for i in range(len(outs) - 2):
            sassign(outs, i, batch)
        sassign(outs, len(outs) - 2, a)
        sassign(outs, len(outs) - 1, a[:-1])

    def infer_type(self, p, ins, outs):
        # DetType: from the input alone, which must be float32 or float64
        dtype = ins[0]
        if dtype is None:
            return
        check(np.dtype(dtype) in _SGL_DBL, "dtype == kFloat32 || dtype == kFloat64: This "
              "operation only supports 32-bit and 64-bit floating point")
        for i in range(len(outs) - 1):
            type_assign_check(outs, i, dtype)
        type_assign_check(outs, len(outs) - 1, np.int32)   # the pivots

    def _lu_out(self, xp, a, outs):
        outs[-2][...] = a
        outs[-1][...] = 0

    def _shaped(self, v, outs):
        return v.reshape(outs[0].shape)


@register
class _linalg_det(_Determinant):  # noqa: N801 -- MXNet's operator name
    """Determinant of each square matrix.

    >>> import symnb as mx
    >>> mx.nd.linalg.det(mx.nd.array([[2, 1], [1, 3]])).asnumpy()
    array([5.], dtype=float32)
    """

    name = "_linalg_det"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    aliases = ("linalg_det",)
    num_outputs_total_default = 3

    def output_names(self, p):
        return ("output0",)

    def hidden_output_names(self, p):
        return ("output0", "output1", "output2")

    def forward(self, p, ins, outs, is_train, rt):
        xp, a = rt.xp, ins[0]
        outs[0][...] = self._shaped(xp.linalg.det(a), outs)
        self._lu_out(xp, a, outs)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, a = rt.xp, ins[0]
        det = xp.linalg.det(a)[..., None, None]
        g = ograds[0].reshape(det.shape)
        assign(igrads[0], g * det * _t(xp.linalg.inv(a)), reqs[0])


@register
class _linalg_slogdet(_Determinant):  # noqa: N801 -- MXNet's operator name
    """Sign and log of the absolute determinant of each square matrix.

    >>> import symnb as mx
    >>> sign, logdet = mx.nd.linalg.slogdet(mx.nd.array([[-2, 0], [0, 1]]))
    >>> float(sign.asscalar()), round(float(logdet.asscalar()), 4)
    (-1.0, 0.6931)
    """

    name = "_linalg_slogdet"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    aliases = ("linalg_slogdet",)
    num_outputs_total_default = 4

    def output_names(self, p):
        return ("output0", "output1")

    def hidden_output_names(self, p):
        return ("output0", "output1", "output2", "output3")

    def forward(self, p, ins, outs, is_train, rt):
        xp, a = rt.xp, ins[0]
        sign, logdet = xp.linalg.slogdet(a)
        outs[0][...] = self._shaped(sign, outs)
        outs[1][...] = self._shaped(logdet, outs)
        self._lu_out(xp, a, outs)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, a = rt.xp, ins[0]
        if igrads[0] is None:
            return
        g = ograds[1]
        grad = xp.zeros_like(a) if g is None else \
            g.reshape(a.shape[:-2] + (1, 1)) * _t(xp.linalg.inv(a))
        assign(igrads[0], grad, reqs[0])


@register
class _linalg_sumlogdiag(_Linalg):  # noqa: N801 -- MXNet's operator name
    """``sum(log(diag(A)))`` of each square matrix.

    >>> import symnb as mx
    >>> round(float(mx.nd.linalg.sumlogdiag(mx.nd.array([[1, 0], [0, 2.0]])).asscalar()), 4)
    0.6931
    """

    name = "_linalg_sumlogdiag"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    aliases = ("linalg_sumlogdiag",)

    def infer_shape(self, p, ins, outs):
        a = _dims(ins[0])
        if a is not None and len(a) >= 2:       # forward only, squareness left to the run
            sassign(outs, 0, a[:-2] or (1,))

    def forward(self, p, ins, outs, is_train, rt):
        _square(ins[0], "A.size(1) == A.size(2)", "sumlogdiag operator requires square "
                "matrices as input.")
        d = rt.xp.diagonal(ins[0], axis1=-2, axis2=-1)
        outs[0][...] = rt.xp.log(d).sum(axis=-1).reshape(outs[0].shape)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, a = rt.xp, ins[0]
        d = xp.diagonal(a, axis1=-2, axis2=-1)
        g = ograds[0].reshape(a.shape[:-2] + (1,))
        eye = xp.eye(a.shape[-1], dtype=a.dtype)
        assign(igrads[0], (g / d)[..., None] * eye, reqs[0])


@register
class _linalg_gelqf(_Linalg):  # noqa: N801 -- MXNet's operator name
    """LQ factorisation ``A = L @ Q`` of a wide matrix (rows <= columns): outputs ``Q``
    (orthonormal rows) and ``L`` (lower triangular).

    >>> import symnb as mx
    >>> q, l = mx.nd.linalg.gelqf(mx.nd.array([[3, 4]]))
    >>> q.asnumpy(), l.asnumpy()
    (array([[-0.6, -0.8]], dtype=float32), array([[-5.]], dtype=float32))
    """

    name = "_linalg_gelqf"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    aliases = ("linalg_gelqf",)
    outputs = ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        # LaLQFactShape: forward from A of rank >= 2, else backward from Q and L
        a, q, lo = _dims(ins[0]), _dims(outs[0]), _dims(outs[1])
        if a is not None and len(a) >= 2:
            check(a[-2] <= a[-1], "in_a[ndim-2] <= in_a[ndim-1] (%d vs. %d) : Input A shape "
                  "wrong: Last dimension must be >= than second to last" % (a[-2], a[-1]))
            _check_large(a[-1])
            sassign(outs, 0, a)
            sassign(outs, 1, a[:-1] + (a[-2],))
        elif q is not None and len(q) >= 2 and lo is not None and len(lo) == len(q):
            for x, y in zip(q[:-1], lo[:-1], strict=True):
                check(x == y, "out_q[i] == out_l[i] (%d vs. %d) : Outputs Q, L must have same "
                      "dimensions except for last" % (x, y))
            check(q[-2] <= q[-1], "out_q[ndim-2] <= out_q[ndim-1] (%d vs. %d) : Output Q shape "
                  "wrong: Last dimension must be >= than second to last" % (q[-2], q[-1]))
            check(lo[-2] == lo[-1], "out_l[ndim-2] == out_l[ndim-1] (%d vs. %d) : Output L "
                  "shape wrong: Last two dimensions must be equal" % (lo[-2], lo[-1]))
            sassign(ins, 0, q)

    def forward(self, p, ins, outs, is_train, rt):
        q, r = rt.xp.linalg.qr(_t(ins[0]))
        outs[0][...] = _t(q)
        outs[1][...] = _t(r)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, q, lo = rt.xp, outs[0], outs[1]
        dq = xp.zeros_like(q) if ograds[0] is None else ograds[0]
        dl = xp.zeros_like(lo) if ograds[1] is None else ograds[1]
        m = _t(lo) @ dl - dq @ _t(q)
        low = xp.tril(m)
        sym = low + _t(xp.tril(m, -1))           # copy the lower triangle to the upper
        rhs = dq + sym @ q
        assign(igrads[0], xp.linalg.solve(_t(lo), rhs), reqs[0])


@register
class _linalg_syevd(_Linalg):  # noqa: N801 -- MXNet's operator name
    """Eigen-decomposition ``A = U.T @ diag(L) @ U`` of a symmetric ``A``: outputs ``U`` (one
    eigenvector per row, its largest entry positive) and ``L`` (ascending).

    >>> import symnb as mx
    >>> u, lam = mx.nd.linalg.syevd(mx.nd.array([[2, 0], [0, 1]]))
    >>> lam.asnumpy()
    array([1., 2.], dtype=float32)
    """

    name = "_linalg_syevd"
    accepts_unknown_params = True      # MXNet registers no parameter parser for it
    outputs = ("output0", "output1")

    def infer_shape(self, p, ins, outs):
        # LaEigFactShape sizes A first (an unknown A fails), then infers forward from A of
        # rank >= 2, else backward from U and L
        a, u, lam = _dims(ins[0]), _dims(outs[0]), _dims(outs[1])
        size = _size(a)
        check(size <= _INT_MAX, "in_a.Size() <= INT_MAX (%d vs. %d) : Large tensors are not "
              "supported by Linear Algebra operator syevd" % (size, _INT_MAX))
        if len(a) >= 2:
            check(a[-2] == a[-1], "in_a[ndim-2] == in_a[ndim-1] (%d vs. %d) : Input A shape "
                  "wrong: Last two dimensions must be equal" % (a[-2], a[-1]))
            sassign(outs, 0, a)
            sassign(outs, 1, a[:-1])
        elif u is not None and len(u) >= 2 and lam is not None and len(u) == len(lam) + 1:
            for x, y in zip(u[:-1], lam, strict=True):
                check(x == y, "out_u[i] == out_l[i] (%d vs. %d) : Outputs U, L must have same "
                      "dimensions except for last" % (x, y))
            check(u[-2] == u[-1], "out_u[ndim-2] == out_u[ndim-1] (%d vs. %d) : Output U shape "
                  "wrong: Last two dimensions must be equal" % (u[-2], u[-1]))
            sassign(ins, 0, u)

    def forward(self, p, ins, outs, is_train, rt):
        xp = rt.xp
        lam, vec = xp.linalg.eigh(xp.tril(ins[0]) + _t(xp.tril(ins[0], -1)))
        u = _t(vec)
        # MXNet's sign convention: the entry of largest magnitude in each row is positive
        big = xp.take_along_axis(u, xp.abs(u).argmax(axis=-1)[..., None], axis=-1)
        outs[0][...] = u * xp.where(big < 0, -1, 1)
        outs[1][...] = lam

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        xp, u, lam = rt.xp, outs[0], outs[1]
        du = xp.zeros_like(u) if ograds[0] is None else ograds[0]
        dlam = xp.zeros_like(lam) if ograds[1] is None else ograds[1]
        diff = lam[..., None, :] - lam[..., :, None]           # lam_j - lam_i
        n = lam.shape[-1]
        eye = xp.eye(n, dtype=bool)
        f = xp.where(eye, 0, 1 / xp.where(eye, 1, diff))
        v, dv = _t(u), _t(du)
        inner = f * (_t(v) @ dv)
        inner = inner + dlam[..., None] * xp.eye(n, dtype=u.dtype)
        grad = v @ inner @ _t(v)
        assign(igrads[0], 0.5 * (grad + _t(grad)), reqs[0])


# ----------------------------------------------------------------------------- packing
def _tri_positions(n, offset, lower):
    """Row-major positions of the packed triangle of an ``n x n`` matrix: the lower one
    (``offset <= 0``), or the upper one read as the lower of the transpose."""
    lower_side = offset < 0 or (offset == 0 and lower)
    k = -abs(offset)
    rows, cols = np.tril_indices(n, k)
    return (rows, cols) if lower_side else (cols, rows)


class _Extract(_Linalg):
    """extractdiag and extracttrian (LaDiagTrianShape): square matrices in, a vector per
    matrix out; forward only."""

    def infer_shape(self, p, ins, outs):
        a = _dims(ins[0])
        if a is None:
            # MXNet's rule sizes its output vector from the unknown ndim, -1
            raise InferError("std::bad_alloc")
        nd = len(a)
        check(nd >= 2, "ndim >= 2 (%d vs. 2) : Input operand must be a tensor of matrices" % nd)
        check(a[-2] == a[-1], "(*in_attrs)[0][ndim-2] == (*in_attrs)[0][ndim-1] (%d vs. %d) : "
              "Input operand must be a tensor of square matrices" % (a[-2], a[-1]))
        n = a[-1] - abs(p.offset)
        check(n > 0, "n > 0 (%d vs. 0) : Illegal offset %d for diag/trian extraction of matrix "
              "with dimension %d" % (n, p.offset, nd))
        sassign(outs, 0, a[:-2] + (self._length(n),))


class _Make(_Linalg):
    """makediag and maketrian (LaDiagTrianShape): a vector per matrix in, square matrices
    out; forward only."""

    def infer_shape(self, p, ins, outs):
        a = _dims(ins[0])
        if a is None:
            # MXNet's rule reads the last dim of the unknown shape, index -2
            raise InferError("Check failed: i >= 0 && i < ndim(): index = -2 must be in range "
                             "[0, -1)")
        n = self._order(a[-1]) + abs(p.offset)
        sassign(outs, 0, a[:-1] + (n, n))


@register
class _linalg_extractdiag(_Extract):  # noqa: N801 -- MXNet's operator name
    """The diagonal ``offset`` of each square matrix.

    >>> import symnb as mx
    >>> mx.nd.linalg.extractdiag(mx.nd.array([[1, 2], [3, 4]])).asnumpy()
    array([1., 4.], dtype=float32)
    """

    name = "_linalg_extractdiag"
    aliases = ("linalg_extractdiag",)
    params = (_OFFSET,)

    def _length(self, n):
        return n

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = rt.xp.diagonal(ins[0], offset=p.offset, axis1=-2, axis2=-1)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], _make_diag(rt.xp, ograds[0], p.offset), reqs[0])


def _make_diag(xp, v, offset):
    n = v.shape[-1] + abs(offset)
    out = xp.zeros(v.shape[:-1] + (n, n), dtype=v.dtype)
    i = xp.arange(v.shape[-1])
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., rows, cols] = v
    return out


@register
class _linalg_makediag(_Make):  # noqa: N801 -- MXNet's operator name
    """Square matrices with the vectors of ``A`` on the diagonal ``offset``.

    >>> import symnb as mx
    >>> mx.nd.linalg.makediag(mx.nd.array([1, 2])).asnumpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """

    name = "_linalg_makediag"
    aliases = ("linalg_makediag",)
    params = (_OFFSET,)

    def _order(self, length):
        return length       # an unknown length, -1, as in MXNet: -1 + |offset|

    def forward(self, p, ins, outs, is_train, rt):
        outs[0][...] = _make_diag(rt.xp, ins[0], p.offset)

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        assign(igrads[0], rt.xp.diagonal(ograds[0], offset=p.offset, axis1=-2, axis2=-1),
               reqs[0])


@register
class _linalg_extracttrian(_Extract):  # noqa: N801 -- MXNet's operator name
    """The triangle of each square matrix (lower or upper, from diagonal ``offset``) packed
    into a vector row by row.

    >>> import symnb as mx
    >>> mx.nd.linalg.extracttrian(mx.nd.array([[1, 2], [3, 4]])).asnumpy()
    array([1., 3., 4.], dtype=float32)
    """

    name = "_linalg_extracttrian"
    aliases = ("linalg_extracttrian",)
    params = (_OFFSET, _LOWER_OFFSET)

    def _length(self, n):
        return n * (n + 1) // 2

    def forward(self, p, ins, outs, is_train, rt):
        rows, cols = _tri_positions(ins[0].shape[-1], p.offset, p.lower)
        outs[0][...] = ins[0][..., rows, cols]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        a = ins[0]
        rows, cols = _tri_positions(a.shape[-1], p.offset, p.lower)
        full = rt.xp.zeros_like(a)
        full[..., rows, cols] = ograds[0]
        assign(igrads[0], full, reqs[0])


@register
class _linalg_maketrian(_Make):  # noqa: N801 -- MXNet's operator name
    """Square matrices whose triangle (lower or upper, from diagonal ``offset``) holds the
    packed vectors of ``A``, row by row (the inverse of ``extracttrian``).

    >>> import symnb as mx
    >>> mx.nd.linalg.maketrian(mx.nd.array([1, 2, 3])).asnumpy()
    array([[1., 0.],
           [2., 3.]], dtype=float32)
    """

    name = "_linalg_maketrian"
    aliases = ("linalg_maketrian",)
    params = (_OFFSET, _LOWER_OFFSET)

    def _order(self, length):
        if length < 0:
            # an unknown length, -1: MXNet's root of 8 * -1 + 1 is NaN, its int m INT_MIN,
            # and m * (m + 1) / 2 wraps round to -2^30
            m, triangular = -2 ** 31, -2 ** 30
        else:
            m = math.floor(0.5 + (math.sqrt(8 * length + 1) - 1.0) * 0.5)
            triangular = m * (m + 1) // 2
        check(triangular == length, "(m*(m+1))/2 == n (%d vs. %d) : Input tensor of maketrian "
              "has an invalid dimension for the last axis." % (triangular, length))
        return m

    def forward(self, p, ins, outs, is_train, rt):
        n = outs[0].shape[-1]
        rows, cols = _tri_positions(n, p.offset, p.lower)
        outs[0][...] = 0
        outs[0][..., rows, cols] = ins[0]

    def backward(self, p, ins, outs, ograds, igrads, reqs, is_train, rt):
        rows, cols = _tri_positions(ograds[0].shape[-1], p.offset, p.lower)
        assign(igrads[0], ograds[0][..., rows, cols], reqs[0])
