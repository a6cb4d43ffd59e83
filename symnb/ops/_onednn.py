"""float32 convolutions on the CPU through oneDNN's C API, where oneDNN is installed.

MXNet 1.9.1's CPU build runs float32 convolutions in oneDNN (then called MKL-DNN); its
direct, blocked-layout kernels beat im2col plus OpenBLAS by 1.5-2x on two cores
(``benchmarks/README.md``). symnb does not build native code: it binds the shared library of
the ``onednn-cpu-gomp`` wheel (oneDNN 3.x with GNU OpenMP, no Python part) with
:mod:`ctypes` on the first convolution, and keeps its NumPy kernels wherever that is not
possible: no library, another major version, a dtype other than float32, CuPy, operands
that are not contiguous, or a primitive oneDNN declines. ``SYMNB_ONEDNN=0`` turns it off.

While a graph runs oneDNN primitives the executor holds NumPy's BLAS at one thread
(:func:`one_blas_thread`). OpenBLAS's idle workers spin for tens of milliseconds after each
two-thread call, and on two cores they starve oneDNN's OpenMP workers: ResNet-18's batch-1
forward took 95-100 ms that way, against 21-23 ms with BLAS held (the FullyConnected GEMMs
then run on one core; oneDNN's primitives still use both).

Data stay in NCHW between operators: each call reorders its operands into the layouts
oneDNN picks (``format_tag_any``) and its result back, in buffers shared by all primitives
(one call runs at a time, under a lock): one each for the data, the weights (or their
gradient), the result, the output gradient and oneDNN's scratchpad, each as large as the
largest it held. Primitives are made once per shape and geometry.

>>> from symnb.ops import _onednn
>>> isinstance(_onednn.available(), bool)
True
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading

import numpy as np

from ._blas import blas_controllers

__all__ = ["available", "conv_forward", "conv_backward", "one_blas_thread", "CALLS"]

CALLS = [0]                     # oneDNN calls made so far (the executor watches it)

_vp = ctypes.c_void_p
_DIMS = ctypes.c_int64 * 12                  # dnnl_dims_t (DNNL_MAX_NDIMS)

# oneDNN 3.x ABI values (dnnl_types.h; stable across 3.x)
_CPU, _STREAM_DEFAULT, _F32 = 1, 1, 3
_TAG_ANY, _TAG_X = 1, 2                      # the plain tags a, ab, abc, ... are 2, 3, 4, ...
_FWD_TRAINING, _FWD_INFERENCE = 64, 96
_CONV_DIRECT = 1
_ARG_SRC, _ARG_DST, _ARG_WEIGHTS, _ARG_BIAS, _ARG_SCRATCHPAD = 1, 17, 33, 41, 80
_ARG_DIFF_SRC, _ARG_DIFF_DST, _ARG_DIFF_WEIGHTS, _ARG_DIFF_BIAS = 129, 145, 161, 169
_Q_SRC, _Q_DIFF_SRC, _Q_WEIGHTS, _Q_DIFF_WEIGHTS = 129, 130, 131, 132
_Q_DST, _Q_DIFF_DST, _Q_SCRATCHPAD = 133, 134, 136
_SCRATCHPAD_USER = 1


class _Arg(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_int), ("memory", _vp)]


_SIGNATURES = {
    "dnnl_version": (_vp, []),
    "dnnl_engine_create": (ctypes.c_int, [ctypes.POINTER(_vp), ctypes.c_int, ctypes.c_size_t]),
    "dnnl_stream_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_uint]),
    "dnnl_memory_desc_create_with_tag": (
        ctypes.c_int, [ctypes.POINTER(_vp), ctypes.c_int, _DIMS, ctypes.c_int, ctypes.c_int]),
    "dnnl_primitive_attr_create": (ctypes.c_int, [ctypes.POINTER(_vp)]),
    "dnnl_primitive_attr_set_scratchpad_mode": (ctypes.c_int, [_vp, ctypes.c_int]),
    "dnnl_convolution_forward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, ctypes.c_int, _vp, _vp, _vp, _vp,
                       _DIMS, _DIMS, _DIMS, _DIMS, _vp]),
    "dnnl_convolution_backward_data_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, _vp,
                       _DIMS, _DIMS, _DIMS, _DIMS, _vp, _vp]),
    "dnnl_convolution_backward_weights_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, _vp, _vp,
                       _DIMS, _DIMS, _DIMS, _DIMS, _vp, _vp]),
    "dnnl_reorder_primitive_desc_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp, _vp, _vp,
                                                          _vp, _vp]),
    "dnnl_primitive_desc_query_md": (_vp, [_vp, ctypes.c_int, ctypes.c_int]),
    "dnnl_primitive_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp]),
    "dnnl_memory_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp, _vp, _vp]),
    "dnnl_memory_set_data_handle": (ctypes.c_int, [_vp, _vp]),
    "dnnl_memory_desc_get_size": (ctypes.c_size_t, [_vp]),
    "dnnl_memory_desc_equal": (ctypes.c_int, [_vp, _vp]),
    "dnnl_primitive_execute": (ctypes.c_int, [_vp, _vp, ctypes.c_int, _vp]),
}


class _Version(ctypes.Structure):
    _fields_ = [("major", ctypes.c_int), ("minor", ctypes.c_int), ("patch", ctypes.c_int),
                ("hash", ctypes.c_char_p), ("cpu_runtime", ctypes.c_uint),
                ("gpu_runtime", ctypes.c_uint)]


class _Failed(Exception):
    """A oneDNN call returned an error status (the caller falls back to NumPy)."""


def _check(status, what):
    if status != 0:
        raise _Failed("%s returned status %d" % (what, status))


def _candidate_paths():
    """Where the onednn-cpu-gomp wheel puts ``libdnnl.so.3`` (``<prefix>/lib``), then the
    dynamic loader's own search."""
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        yield os.path.join(prefix, "lib", "libdnnl.so.3")
    yield "libdnnl.so.3"


class _Runtime:
    """The loaded library, one CPU engine and stream, shared buffers, and the primitives."""

    def __init__(self, lib):
        self.lib = lib
        self.engine, self.stream = _vp(), _vp()
        _check(lib.dnnl_engine_create(ctypes.byref(self.engine), _CPU, 0), "engine_create")
        _check(lib.dnnl_stream_create(ctypes.byref(self.stream), self.engine, _STREAM_DEFAULT),
               "stream_create")
        self.attr = _vp()               # a user scratchpad: one buffer shared by every primitive
        _check(lib.dnnl_primitive_attr_create(ctypes.byref(self.attr)), "attr_create")
        _check(lib.dnnl_primitive_attr_set_scratchpad_mode(self.attr, _SCRATCHPAD_USER),
               "set_scratchpad_mode")
        self.buffers = {}
        self.cache = {}
        self.lock = threading.Lock()

    def buffer(self, role, nbytes):
        """A shared scratch buffer of at least ``nbytes`` for ``role`` (64-byte aligned)."""
        buf = self.buffers.get(role)
        if buf is None or buf.nbytes < nbytes + 64:
            buf = self.buffers[role] = np.empty(nbytes + 64, np.uint8)
        return buf.ctypes.data + (-buf.ctypes.data) % 64

    def md(self, dims, tag):
        m = _vp()
        _check(self.lib.dnnl_memory_desc_create_with_tag(
            ctypes.byref(m), len(dims), _DIMS(*dims), _F32, tag), "memory_desc_create")
        return m

    def memory(self, md):
        m = _vp()
        _check(self.lib.dnnl_memory_create(ctypes.byref(m), md, self.engine, None),
               "memory_create")
        return m

    def primitive(self, pd):
        p = _vp()
        _check(self.lib.dnnl_primitive_create(ctypes.byref(p), pd), "primitive_create")
        return p

    def execute(self, prim, args):
        _check(self.lib.dnnl_primitive_execute(prim, self.stream, len(args), args), "execute")


_STATE = {}
_STATE_LOCK = threading.Lock()


def _runtime():
    """The :class:`_Runtime`, or None where oneDNN is off or cannot be loaded."""
    state = _STATE.get("rt", False)
    if state is not False:
        return state
    with _STATE_LOCK:
        if "rt" not in _STATE:
            _STATE["rt"] = _load()
    return _STATE["rt"]


def _forget_in_child():
    """GNU OpenMP's thread pool does not survive fork(): a child process that ran a parallel
    region its parent had started could hang, so children keep the NumPy kernels."""
    _STATE["rt"] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def _load():
    if os.environ.get("SYMNB_ONEDNN", "1").strip().lower() in ("0", "false", "off", "no"):
        return None
    for path in _candidate_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        try:
            for name, (res, args) in _SIGNATURES.items():
                fn = getattr(lib, name)
                fn.restype, fn.argtypes = res, args
            version = ctypes.cast(lib.dnnl_version(), ctypes.POINTER(_Version)).contents
            if version.major != 3:
                return None
            return _Runtime(lib)
        except (AttributeError, _Failed):
            return None
    return None


def available() -> bool:
    """Whether oneDNN is loaded for float32 convolutions (loads it on first call).

    >>> available() in (True, False)
    True
    """
    return _runtime() is not None


def _plain(ndim):
    """The plain row-major format tag of ``ndim`` dimensions (a, ab, abc, ...)."""
    return _TAG_X + ndim - 1


class _Reorder:
    """A reorder between two memory descriptors, with its memory objects."""

    def __init__(self, rt, src, dst):
        pd = _vp()
        _check(rt.lib.dnnl_reorder_primitive_desc_create(ctypes.byref(pd), src, rt.engine, dst,
                                                         rt.engine, None), "reorder_pd")
        self.prim = rt.primitive(pd)
        self.src, self.dst = rt.memory(src), rt.memory(dst)
        self.args = (_Arg * 2)(_Arg(_ARG_SRC, self.src), _Arg(_ARG_DST, self.dst))

    def __call__(self, rt, src_ptr, dst_ptr):
        rt.lib.dnnl_memory_set_data_handle(self.src, src_ptr)
        rt.lib.dnnl_memory_set_data_handle(self.dst, dst_ptr)
        rt.execute(self.prim, self.args)


class _Operand:
    """One argument of a primitive: the layout oneDNN chose, its memory object, and the
    reorder from (or to) the plain NumPy layout where the two differ."""

    def __init__(self, rt, pd, query, plain_md, role, to_plain):
        self.md = rt.lib.dnnl_primitive_desc_query_md(pd, query, 0)
        self.mem = rt.memory(self.md)
        self.role = role
        self.nbytes = rt.lib.dnnl_memory_desc_get_size(self.md)
        same = rt.lib.dnnl_memory_desc_equal(self.md, plain_md)
        self.reorder = None if same else (
            _Reorder(rt, self.md, plain_md) if to_plain else _Reorder(rt, plain_md, self.md))

    def bind_input(self, rt, ptr):
        """Point the argument at NumPy data ``ptr``, reordered into a shared buffer first."""
        if self.reorder is not None:
            buf = rt.buffer(self.role, self.nbytes)
            self.reorder(rt, ptr, buf)
            ptr = buf
        rt.lib.dnnl_memory_set_data_handle(self.mem, ptr)

    def bind_output(self, rt, ptr):
        """Point the argument at ``ptr`` or, to be reordered there later, a shared buffer."""
        self.target = ptr
        rt.lib.dnnl_memory_set_data_handle(
            self.mem, ptr if self.reorder is None else rt.buffer(self.role, self.nbytes))

    def finish_output(self, rt):
        if self.reorder is not None:
            self.reorder(rt, rt.buffer(self.role, self.nbytes), self.target)


def _geometry_dims(x_shape, w_shape, y_shape, geo):
    """oneDNN's strides, dilations (minus one), left and right paddings."""
    n_sp = len(x_shape) - 2
    right = [(y_shape[2 + i] - 1) * geo.stride[i] - x_shape[2 + i] - geo.pad[i]
             + (w_shape[2 + i] - 1) * geo.dilate[i] + 1 for i in range(n_sp)]
    return (_DIMS(*geo.stride), _DIMS(*[d - 1 for d in geo.dilate]), _DIMS(*geo.pad),
            _DIMS(*right))


def _weight_dims(w_shape, groups):
    if groups == 1:
        return tuple(w_shape)
    return (groups, w_shape[0] // groups) + tuple(w_shape[1:])


class _Conv:
    """The forward, backward-data and backward-weights primitives of one convolution."""

    def __init__(self, rt, x_shape, w_shape, y_shape, geo, bias, training):
        self.rt = rt
        nd = len(x_shape)
        wdims = _weight_dims(w_shape, geo.groups)
        self.plain = {"x": rt.md(x_shape, _plain(nd)), "y": rt.md(y_shape, _plain(nd)),
                      "w": rt.md(wdims, _plain(len(wdims))), "b": rt.md((w_shape[0],), _TAG_X)}
        anyx, anyy, anyw = (rt.md(x_shape, _TAG_ANY), rt.md(y_shape, _TAG_ANY),
                            rt.md(wdims, _TAG_ANY))
        self.dims = _geometry_dims(x_shape, w_shape, y_shape, geo)
        self.bias = bias
        self.fwd_pd = _vp()
        _check(rt.lib.dnnl_convolution_forward_primitive_desc_create(
            ctypes.byref(self.fwd_pd), rt.engine, _FWD_TRAINING if training else _FWD_INFERENCE,
            _CONV_DIRECT, anyx, anyw, self.plain["b"] if bias else None, anyy, *self.dims,
            rt.attr), "convolution_forward_pd")
        self.fwd = rt.primitive(self.fwd_pd)
        self.f_src = _Operand(rt, self.fwd_pd, _Q_SRC, self.plain["x"], "data", False)
        self.f_w = _Operand(rt, self.fwd_pd, _Q_WEIGHTS, self.plain["w"], "weights", False)
        self.f_dst = _Operand(rt, self.fwd_pd, _Q_DST, self.plain["y"], "result", True)
        self.f_bias = rt.memory(self.plain["b"]) if bias else None
        self.f_scratch = self._scratch(self.fwd_pd)
        args = [_Arg(_ARG_SRC, self.f_src.mem), _Arg(_ARG_WEIGHTS, self.f_w.mem),
                _Arg(_ARG_DST, self.f_dst.mem), _Arg(_ARG_SCRATCHPAD, self.f_scratch[0])]
        if bias:
            args.append(_Arg(_ARG_BIAS, self.f_bias))
        self.f_args = (_Arg * len(args))(*args)
        self.anys = (anyx, anyy, anyw)
        self.bwd = None

    def _scratch(self, pd):
        md = self.rt.lib.dnnl_primitive_desc_query_md(pd, _Q_SCRATCHPAD, 0)
        return self.rt.memory(md), self.rt.lib.dnnl_memory_desc_get_size(md)

    def _bind_scratch(self, scratch):
        mem, size = scratch
        self.rt.lib.dnnl_memory_set_data_handle(mem, self.rt.buffer("scratchpad", size))

    def forward(self, x, w, bias, out):
        rt = self.rt
        self.f_src.bind_input(rt, x.ctypes.data)
        self.f_w.bind_input(rt, w.ctypes.data)
        self.f_dst.bind_output(rt, out.ctypes.data)
        if self.bias:
            rt.lib.dnnl_memory_set_data_handle(self.f_bias, bias.ctypes.data)
        self._bind_scratch(self.f_scratch)
        rt.execute(self.fwd, self.f_args)
        self.f_dst.finish_output(rt)

    def _make_backward(self):
        rt, (anyx, anyy, anyw) = self.rt, self.anys
        data_pd, weights_pd = _vp(), _vp()
        _check(rt.lib.dnnl_convolution_backward_data_primitive_desc_create(
            ctypes.byref(data_pd), rt.engine, _CONV_DIRECT, anyx, anyw, anyy, *self.dims,
            self.fwd_pd, rt.attr), "convolution_backward_data_pd")
        _check(rt.lib.dnnl_convolution_backward_weights_primitive_desc_create(
            ctypes.byref(weights_pd), rt.engine, _CONV_DIRECT, anyx, anyw,
            self.plain["b"] if self.bias else None, anyy, *self.dims, self.fwd_pd, rt.attr),
            "convolution_backward_weights_pd")
        d = {"prim": rt.primitive(data_pd),
             "dy": _Operand(rt, data_pd, _Q_DIFF_DST, self.plain["y"], "dy", False),
             "w": _Operand(rt, data_pd, _Q_WEIGHTS, self.plain["w"], "weights", False),
             "dx": _Operand(rt, data_pd, _Q_DIFF_SRC, self.plain["x"], "result", True),
             "scratch": self._scratch(data_pd)}
        d["args"] = (_Arg * 4)(_Arg(_ARG_DIFF_DST, d["dy"].mem), _Arg(_ARG_WEIGHTS, d["w"].mem),
                               _Arg(_ARG_DIFF_SRC, d["dx"].mem),
                               _Arg(_ARG_SCRATCHPAD, d["scratch"][0]))
        g = {"prim": rt.primitive(weights_pd),
             "x": _Operand(rt, weights_pd, _Q_SRC, self.plain["x"], "data", False),
             "dy": _Operand(rt, weights_pd, _Q_DIFF_DST, self.plain["y"], "dy", False),
             "dw": _Operand(rt, weights_pd, _Q_DIFF_WEIGHTS, self.plain["w"], "weights", True),
             "db": rt.memory(self.plain["b"]) if self.bias else None,
             "scratch": self._scratch(weights_pd)}
        args = [_Arg(_ARG_SRC, g["x"].mem), _Arg(_ARG_DIFF_DST, g["dy"].mem),
                _Arg(_ARG_DIFF_WEIGHTS, g["dw"].mem), _Arg(_ARG_SCRATCHPAD, g["scratch"][0])]
        if self.bias:
            args.append(_Arg(_ARG_DIFF_BIAS, g["db"]))
        g["args"] = (_Arg * len(args))(*args)
        # both read dy in one blocked layout: one reorder serves both
        g["dy_shared"] = bool(d["dy"].reorder is not None and g["dy"].reorder is not None
                              and rt.lib.dnnl_memory_desc_equal(d["dy"].md, g["dy"].md))
        self.bwd = (d, g)

    def backward(self, x, w, dy, dx, dw, db):
        """Write ``dx``, ``dw``, ``db`` (each optional; ``db`` only with a bias)."""
        if self.bwd is None:
            self._make_backward()
        rt, (d, g) = self.rt, self.bwd
        if dx is not None:
            d["dy"].bind_input(rt, dy.ctypes.data)
            d["w"].bind_input(rt, w.ctypes.data)
            d["dx"].bind_output(rt, dx.ctypes.data)
            self._bind_scratch(d["scratch"])
            rt.execute(d["prim"], d["args"])
            d["dx"].finish_output(rt)
        if dw is not None:
            g["x"].bind_input(rt, x.ctypes.data)
            if dx is not None and g["dy_shared"]:      # the data gradient reordered it already
                rt.lib.dnnl_memory_set_data_handle(
                    g["dy"].mem, rt.buffer(d["dy"].role, d["dy"].nbytes))
            else:
                g["dy"].bind_input(rt, dy.ctypes.data)
            g["dw"].bind_output(rt, dw.ctypes.data)
            if self.bias:
                rt.lib.dnnl_memory_set_data_handle(g["db"], db.ctypes.data)
            self._bind_scratch(g["scratch"])
            rt.execute(g["prim"], g["args"])
            g["dw"].finish_output(rt)


def _usable(*arrays):
    return all(isinstance(a, np.ndarray) and a.dtype == np.float32 and a.flags.c_contiguous
               and a.flags.aligned for a in arrays)


def _conv_for(rt, key):
    """The cached :class:`_Conv` of ``key`` (shapes, geometry, bias, phase), or None where
    oneDNN declines this convolution."""
    conv = rt.cache.get(key, False)
    if conv is False:
        x_shape, y_shape = key[0], key[2]
        if not 3 <= len(x_shape) <= 5 or 0 in x_shape or 0 in y_shape:
            conv = None
        else:
            try:
                conv = _Conv(rt, *key)
            except _Failed:
                conv = None
        rt.cache[key] = conv
    return conv


def _run(arrays, key, call):
    """``call(conv)`` on the :class:`_Conv` of ``key()`` under the lock; False where oneDNN
    is off, an operand does not fit, or oneDNN declines or fails (the key is then refused
    from there on)."""
    rt = _runtime()
    if rt is None or not _usable(*arrays):
        return False
    key = key()
    with rt.lock:
        conv = _conv_for(rt, key)
        if conv is None:
            return False
        try:
            call(conv)
        except _Failed:
            rt.cache[key] = None
            return False
        CALLS[0] += 1
    return True


def conv_forward(x, w, geo, out, bias=None, training=False) -> bool:
    """``out = conv(x, w) + bias`` by oneDNN; False (nothing written) where it does not apply.

    >>> from symnb.ops.conv import Geometry
    >>> x, w = np.ones((1, 2, 3, 3), np.float32), np.ones((1, 2, 2, 2), np.float32)
    >>> out = np.zeros((1, 1, 2, 2), np.float32)
    >>> geo = Geometry((2, 2), (1, 1), (1, 1), (0, 0))
    >>> done = conv_forward(x, w, geo, out)
    >>> bool(not done or (out == 8).all())
    True
    """
    arrays = (x, w, out) if bias is None else (x, w, out, bias)
    return _run(arrays, lambda: (x.shape, w.shape, out.shape, geo, bias is not None, training),
                lambda conv: conv.forward(x, w, bias, out))


def conv_backward(x, w, dy, geo, dx=None, dw=None, db=None) -> bool:
    """Write the data, weight and bias gradients (each optional) by oneDNN; False (nothing
    written) where it does not apply.

    >>> from symnb.ops.conv import Geometry
    >>> x, w = np.ones((1, 1, 2, 2), np.float32), np.ones((1, 1, 1, 1), np.float32)
    >>> dy, dw = np.ones((1, 1, 2, 2), np.float32), np.zeros((1, 1, 1, 1), np.float32)
    >>> done = conv_backward(x, w, dy, Geometry((1, 1), (1, 1), (1, 1), (0, 0)), dw=dw)
    >>> bool(not done or dw[0, 0, 0, 0] == 4)
    True
    """
    arrays = [a for a in (x, w, dy, dx, dw, db) if a is not None]
    return _run(arrays, lambda: (x.shape, w.shape, dy.shape, geo, db is not None, True),
                lambda conv: conv.backward(x, w, dy, dx, dw, db))


class one_blas_thread:  # noqa: N801 (a context manager used like a function)
    """Hold NumPy's BLAS (OpenBLAS, through threadpoolctl) at one thread inside the block;
    a no-op without threadpoolctl or where BLAS already runs one thread.

    >>> with one_blas_thread():
    ...     pass
    """

    held = None     # inside the block: the thread count the user had set (conv's splits read it)

    def __enter__(self):
        self.saved, self.outer = [], one_blas_thread.held
        for c in blas_controllers():
            n = c.num_threads
            if n > 1:
                c.set_num_threads(1)
                self.saved.append((c, n))
        if self.saved:
            one_blas_thread.held = min(n for _, n in self.saved)
        return self

    def __exit__(self, *exc):
        for c, n in self.saved:
            c.set_num_threads(n)
        one_blas_thread.held = self.outer
        return False
