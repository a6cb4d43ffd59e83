"""float32 convolutions, BatchNorm, pooling and activations on the CPU through oneDNN's C API,
where oneDNN is installed.

MXNet 1.9.1's CPU build runs these float32 layers in oneDNN (then called MKL-DNN); its
direct, blocked-layout convolutions beat im2col plus OpenBLAS by 1.5-2x on two cores, and its
BatchNorm, pooling and eltwise kernels use both cores where NumPy's passes use one
(``benchmarks/README.md``). Its results are also MXNet's: sigmoid and tanh to the bit, and
relu maps NaN to 0 as MXNet's float32 relu does. symnb does not build native code: it binds
the shared library of the ``onednn-cpu-gomp`` wheel (oneDNN 3.x with GNU OpenMP, no Python
part) with :mod:`ctypes` on first use, and keeps its NumPy kernels wherever that is not
possible: no library, another major version, a dtype other than float32, CuPy, operands
that are not contiguous, or a primitive oneDNN declines. ``SYMNB_ONEDNN=0`` turns it off.

While a graph runs oneDNN primitives the executor holds NumPy's BLAS at one thread
(:func:`one_blas_thread`). OpenBLAS's idle workers spin for tens of milliseconds after each
two-thread call, and on two cores they starve oneDNN's OpenMP workers: ResNet-18's batch-1
forward took 95-100 ms that way, against 21-23 ms with BLAS held (the FullyConnected GEMMs
then run on one core; oneDNN's primitives still use both).

Data stay in NCHW between operators. A convolution reorders its operands into the layouts
oneDNN picks (``format_tag_any``) and its result back, in buffers shared by all primitives
(one call runs at a time, under a lock): one each for the data, the weights (or their
gradient), the result, the output gradient and oneDNN's scratchpad, each as large as the
largest it held. Pooling, the activations and BatchNorm with given statistics run on the
NCHW arrays themselves (:class:`_Plain`); BatchNorm with batch statistics reorders into the
convolutions' blocked layout and back, which beats oneDNN's plain-layout kernel 2-4x.
Primitives are made once per shape and geometry. In a training plan the entries that only
these primitives read and write hold the layout their writer chose instead (:class:`Layouts`,
picked by ``executor/_layouts.py``): no reorder on either side, as in MXNet; relu, the
sums and pooling then run in that layout too, as pooling does in inference between fused
convolutions (:class:`EntryLayout`).

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

__all__ = ["available", "conv_forward", "conv_backward", "fused_conv_forward", "fused_conv_call",
           "fold_batch_norm", "EntryLayout", "restore_plain", "readable_copy", "batch_norm_forward",
           "batch_norm_backward", "pool_forward", "pool_backward", "eltwise_forward",
           "eltwise_backward", "add", "copy", "Layouts", "one_blas_thread", "onednn_plan", "CALLS",
           "LAYERS"]

CALLS = [0]                     # oneDNN calls made so far (tests watch it)
# whether BatchNorm, pooling and the activations may run in oneDNN: only inside a plan that
# holds BLAS for its convolutions (onednn_plan). Beside two-thread BLAS GEMMs (an MLP) their
# OpenMP workers and OpenBLAS's spinning ones starve each other: an MLP step took 7x longer.
LAYERS = [False]
# the executor's count of the steps it ran in oneDNN plans, and the last blocked result a
# primitive reordered into an NCHW array (step, calls, address, layout): the next step's
# primitive takes it instead of reordering that array back (see _take)
STEP = [0]
_HANDOFF = [None]
# the running inference plan's cache of derived arrays (symnb/_writes.Derived): convolution
# weights reordered into oneDNN's layout, kept while no one writes the weights (MXNet keeps
# reordered weights in inference too); None outside inference plans
DERIVED = [None]
# the running training plan's record of which of its arrays hold blocked data (Layouts);
# None outside such plans, where every array is NCHW
LAYOUTS = [None]

_vp = ctypes.c_void_p
_DIMS = ctypes.c_int64 * 12                  # dnnl_dims_t (DNNL_MAX_NDIMS)

# oneDNN 3.x ABI values (dnnl_types.h; stable across 3.x)
_CPU, _STREAM_DEFAULT, _F32 = 1, 1, 3
_S32, _U8 = 4, 6
_Q_IMPL_INFO = 8                             # dnnl_query_impl_info_str
_TAG_ANY, _TAG_X = 1, 2                      # the plain tags a, ab, abc, ... are 2, 3, 4, ...
_FWD_TRAINING, _FWD_INFERENCE = 64, 96
_CONV_DIRECT = 1
_ARG_SRC, _ARG_DST, _ARG_WEIGHTS, _ARG_BIAS, _ARG_SCRATCHPAD = 1, 17, 33, 41, 80
_ARG_DIFF_SRC, _ARG_DIFF_DST, _ARG_DIFF_WEIGHTS, _ARG_DIFF_BIAS = 129, 145, 161, 169
_Q_SRC, _Q_DIFF_SRC, _Q_WEIGHTS, _Q_DIFF_WEIGHTS = 129, 130, 131, 132
_Q_DST, _Q_DIFF_DST, _Q_SCRATCHPAD = 133, 134, 136
_SCRATCHPAD_USER = 1
_BACKWARD = 128
_ARG_MEAN, _ARG_VARIANCE, _ARG_SCALE, _ARG_SHIFT, _ARG_WORKSPACE = 49, 50, 51, 52, 64
_ARG_DIFF_SCALE, _ARG_DIFF_SHIFT = 255, 256
_Q_WORKSPACE = 135
_GLOBAL_STATS, _USE_SCALE, _USE_SHIFT = 0x1, 0x2, 0x4
POOL_MAX, POOL_AVG_INCLUDE, POOL_AVG_EXCLUDE = 0x1ff, 0x2ff, 0x3ff
_ARG_SRC_1 = 2
_BINARY_ADD = 0x1fff0
# eltwise algorithms whose backward reads the forward's result (alpha = beta = 0)
RELU, TANH, LOGISTIC = 0x100, 0x101, 0x104


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
    "dnnl_primitive_attr_set_post_ops": (ctypes.c_int, [_vp, _vp]),
    "dnnl_post_ops_create": (ctypes.c_int, [ctypes.POINTER(_vp)]),
    "dnnl_post_ops_append_sum": (ctypes.c_int, [_vp, ctypes.c_float, ctypes.c_int32,
                                                ctypes.c_int]),
    "dnnl_post_ops_append_eltwise": (ctypes.c_int, [_vp, ctypes.c_int, ctypes.c_float,
                                                    ctypes.c_float]),
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
    "dnnl_primitive_desc_query": (ctypes.c_int, [_vp, ctypes.c_int, ctypes.c_int, _vp]),
    "dnnl_primitive_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp]),
    "dnnl_memory_create": (ctypes.c_int, [ctypes.POINTER(_vp), _vp, _vp, _vp]),
    "dnnl_memory_set_data_handle": (ctypes.c_int, [_vp, _vp]),
    "dnnl_memory_desc_get_size": (ctypes.c_size_t, [_vp]),
    "dnnl_memory_desc_equal": (ctypes.c_int, [_vp, _vp]),
    "dnnl_primitive_execute": (ctypes.c_int, [_vp, _vp, ctypes.c_int, _vp]),
    "dnnl_batch_normalization_forward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, ctypes.c_float,
                       ctypes.c_uint, _vp]),
    "dnnl_batch_normalization_backward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, _vp, ctypes.c_float,
                       ctypes.c_uint, _vp, _vp]),
    "dnnl_eltwise_forward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, ctypes.c_int, _vp, _vp,
                       ctypes.c_float, ctypes.c_float, _vp]),
    "dnnl_eltwise_backward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, _vp, ctypes.c_float,
                       ctypes.c_float, _vp, _vp]),
    "dnnl_binary_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp, _vp, _vp]),
    "dnnl_pooling_forward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, ctypes.c_int, _vp, _vp,
                       _DIMS, _DIMS, _DIMS, _DIMS, _DIMS, _vp]),
    "dnnl_pooling_backward_primitive_desc_create": (
        ctypes.c_int, [ctypes.POINTER(_vp), _vp, ctypes.c_int, _vp, _vp,
                       _DIMS, _DIMS, _DIMS, _DIMS, _DIMS, _vp, _vp]),
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
        self.layouts = []               # the blocked layouts seen, each once (layout_key)
        self.layout_keys = {}           # a layout's address -> its key
        self.plain_mds = {}
        self.converts = {}

    def buffer(self, role, nbytes):
        """A shared scratch buffer of at least ``nbytes`` for ``role`` (64-byte aligned)."""
        held = self.buffers.get(role)           # (capacity, aligned address, array)
        if held is None or held[0] < nbytes:
            buf, ptr = _aligned(nbytes)
            held = self.buffers[role] = (nbytes, ptr, buf)
        return held[1]

    def md(self, dims, tag, dtype=_F32):
        m = _vp()
        _check(self.lib.dnnl_memory_desc_create_with_tag(
            ctypes.byref(m), len(dims), _DIMS(*dims), dtype, tag), "memory_desc_create")
        return m

    def plain_md(self, shape):
        """The NCHW (row-major) descriptor of ``shape``, made once."""
        md = self.plain_mds.get(shape)
        if md is None:
            md = self.plain_mds[shape] = self.md(shape, _plain(len(shape)))
        return md

    def layout_key(self, md):
        """A small integer naming layout ``md`` (0 for None, NCHW): equal layouts of
        different primitives share one, so primitives made per layout are made once."""
        if md is None:
            return 0
        key = self.layout_keys.get(_address(md))
        if key is None:
            key = next((k + 1 for k, known in enumerate(self.layouts)
                        if self.lib.dnnl_memory_desc_equal(known, md)), 0)
            if not key:
                self.layouts.append(md)
                key = len(self.layouts)
            self.layout_keys[_address(md)] = key
        return key

    def convert(self, src_md, dst_md, src_ptr, dst_ptr):
        """Reorder between two layouts (the reorder made once per pair)."""
        key = (_address(src_md), _address(dst_md))
        reorder = self.converts.get(key)
        if reorder is None:
            reorder = self.converts[key] = _Reorder(self, src_md, dst_md)
        reorder(self, src_ptr, dst_ptr)

    def implementation(self, pd):
        """oneDNN's name for the kernel behind ``pd`` (``jit:avx2``, ``simple_nchw:any``)."""
        name = ctypes.c_char_p()
        _check(self.lib.dnnl_primitive_desc_query(pd, _Q_IMPL_INFO, 0, ctypes.byref(name)),
               "primitive_desc_query")
        return (name.value or b"").decode("ascii", "replace")

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
    """Whether oneDNN is loaded for the float32 layers (loads it on first call).

    >>> available() in (True, False)
    True
    """
    return _runtime() is not None


def _address(md):
    return md.value if isinstance(md, ctypes.c_void_p) else md


class Layouts:
    """Which arrays of a training plan hold data in a oneDNN blocked layout instead of NCHW.

    MXNet keeps a oneDNN result in the layout its primitive wrote and reorders it only where
    a reader needs NCHW; so does a plan here for ``arrays``, the entries (and their
    gradients) that only oneDNN primitives read and write (``executor/_layouts.py`` picks
    them). A primitive writing one of them writes its own layout there and notes it in
    ``held``; the next reads it as it is, or converts it where it needs another layout.
    Whatever else reads the plan's arrays (pictures, widgets, the monitor) calls
    :meth:`restore_all` first, which rewrites them as NCHW.

    >>> lay = Layouts([np.zeros((1, 16, 2, 2), np.float32)])
    >>> lay.restore_all(), len(lay.held)
    (None, 0)
    """

    def __init__(self, arrays):
        self.arrays = {a.ctypes.data: a for a in arrays}
        self.held = {}              # address -> (layout, STEP when written)
        self.scratch = None         # readable(reuse=True)'s buffer

    def may_hold(self, ptr, nbytes):
        a = self.arrays.get(ptr)
        return a is not None and nbytes <= a.nbytes

    def restore(self, rt, arrays):
        """Rewrite those of ``arrays`` that hold a blocked layout as NCHW, in place (under
        ``rt.lock``)."""
        for a in arrays:
            h = self.held.pop(a.ctypes.data, None)
            if h is not None:
                _to_nchw_in_place(rt, h[0], a)

    def restore_all(self):
        """Every array NCHW again (before anything but a primitive reads them)."""
        if not self.held:
            return
        rt = _runtime()
        with rt.lock:
            self.restore(rt, [self.arrays[ptr] for ptr in list(self.held)])

    def readable(self, a, reuse=False):
        """``a`` itself where it holds NCHW, else an NCHW copy of it; ``a`` keeps its
        layout (a live view reads the plan's values and the next step still skips the
        reorders). With ``reuse`` the copy lives in one buffer of this record, which the
        next such call overwrites (no fresh pages to fault in for each array read).

        >>> a = np.arange(4, dtype=np.float32).reshape(1, 4, 1, 1)
        >>> Layouts([a]).readable(a) is a
        True
        """
        h = self.held.get(a.ctypes.data) if self.held else None
        if h is None:
            return a
        out = None
        if reuse:
            if self.scratch is None or self.scratch.nbytes < a.nbytes:
                self.scratch = np.empty(a.nbytes, np.uint8)
            out = self.scratch[:a.nbytes].view(a.dtype).reshape(a.shape)
        return readable_copy(h[0], a, out)

    def forget_stale(self, arrays, step):
        """After step ``step``: those of ``arrays`` it wrote without a primitive noting it
        (NumPy wrote them) hold NCHW."""
        held = self.held
        for a in arrays:
            h = held.get(a.ctypes.data)
            if h is not None and h[1] != step:
                del held[a.ctypes.data]


def _held(ptr):
    """The layout the array at ``ptr`` holds: None for NCHW."""
    lay = LAYOUTS[0]
    if lay is None or not lay.held:
        return None
    h = lay.held.get(ptr)
    return None if h is None else h[0]


def _noted(ptr, md):
    """A primitive wrote the array at ``ptr`` in layout ``md`` (None: NCHW)."""
    lay = LAYOUTS[0]
    if lay is None:
        return
    if md is None:
        if lay.held:
            lay.held.pop(ptr, None)
    else:
        lay.held[ptr] = (md, STEP[0])


def _may_hold(ptr, nbytes):
    lay = LAYOUTS[0]
    return lay is not None and lay.may_hold(ptr, nbytes)


def _restore_held(rt, arrays):
    """Before NumPy reads ``arrays`` (oneDNN declined): NCHW again (under ``rt.lock``)."""
    lay = LAYOUTS[0]
    if lay is not None and lay.held:
        lay.restore(rt, [a for a in arrays if isinstance(a, np.ndarray)])


def _decline(*arrays):
    """False, ``arrays`` rewritten as NCHW first where they held a blocked layout."""
    lay = LAYOUTS[0]
    if lay is not None and lay.held:
        rt = _runtime()
        with rt.lock:
            _restore_held(rt, arrays)
    return False


def _aligned(nbytes):
    """A new ``nbytes`` buffer and its 64-byte aligned address."""
    buf = np.empty(nbytes + 64, np.uint8)
    return buf, buf.ctypes.data + (-buf.ctypes.data) % 64


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
    """One argument of a primitive: its layout (oneDNN's choice, or ours), its memory object,
    and the reorder from (or to) the plain NumPy layout where the two differ."""

    def __init__(self, rt, md, plain_md, role, to_plain):
        self.md = md
        self.mem = rt.memory(self.md)
        self.role = role
        self.nbytes = rt.lib.dnnl_memory_desc_get_size(self.md)
        same = rt.lib.dnnl_memory_desc_equal(self.md, plain_md)
        self.reorder = None if same else (
            _Reorder(rt, self.md, plain_md) if to_plain else _Reorder(rt, plain_md, self.md))
        self.direct = False

    @classmethod
    def of(cls, rt, pd, query, plain_md, role, to_plain):
        """The operand of ``pd`` that ``query`` names, in the layout oneDNN chose for it."""
        return cls(rt, rt.lib.dnnl_primitive_desc_query_md(pd, query, 0), plain_md, role,
                   to_plain)

    def copy_in(self, rt, array):
        """``array`` (NumPy layout) in this operand's layout, in a new buffer of its own:
        ``(buffer, aligned address)``."""
        held = _aligned(self.nbytes)
        if self.reorder is None:
            ctypes.memmove(held[1], array.ctypes.data, array.nbytes)
        else:
            self.reorder(rt, array.ctypes.data, held[1])
        return held

    def input_pointer(self, rt, ptr):
        """Where the primitive reads the array at ``ptr``: there, where it holds this
        operand's layout; else converted (or reordered from NCHW) into a shared buffer
        first, unless the previous step's primitive left it there (:func:`_take`)."""
        held = _held(ptr)
        if held is not None:
            return self.held_pointer(rt, held, ptr)
        if self.reorder is None:
            return ptr
        taken = _take(rt, ptr, self.md, self.role)
        buf = rt.buffer(self.role, self.nbytes)
        if not taken:
            self.reorder(rt, ptr, buf)
        return buf

    def held_pointer(self, rt, md, ptr):
        """Where the primitive reads the array at ``ptr`` holding blocked layout ``md``:
        there where ``md`` is this operand's layout, else converted into a shared buffer."""
        if rt.lib.dnnl_memory_desc_equal(md, self.md):
            return ptr
        buf = rt.buffer(self.role, self.nbytes)
        rt.convert(md, self.md, ptr, buf)
        return buf

    def output_pointer(self, rt, ptr):
        """Where the primitive writes for the array at ``ptr``: there (in this operand's
        layout where the plan lets the array hold it, :class:`Layouts`), or a shared buffer
        that :meth:`finish_output` reorders into it."""
        self.target = ptr
        self.direct = self.reorder is not None and _may_hold(ptr, self.nbytes)
        return ptr if self.reorder is None or self.direct else \
            rt.buffer(self.role, self.nbytes)

    def bind_input(self, rt, ptr):
        rt.lib.dnnl_memory_set_data_handle(self.mem, self.input_pointer(rt, ptr))

    def bind_output(self, rt, ptr):
        rt.lib.dnnl_memory_set_data_handle(self.mem, self.output_pointer(rt, ptr))

    def finish_output(self, rt):
        if self.direct:
            _noted(self.target, self.md)
            return
        if self.reorder is not None:
            self.reorder(rt, rt.buffer(self.role, self.nbytes), self.target)
            if self.role == "result":
                _offer(self.target, self.md)
        _noted(self.target, None)


def _offer(ptr, md):
    """Note that the shared result buffer holds, in layout ``md``, what was just reordered
    into the NCHW array at ``ptr``."""
    _HANDOFF[0] = (STEP[0], CALLS[0], ptr, md)


def _take(rt, ptr, md, role):
    """Whether the NCHW array at ``ptr`` is what the previous executor step's primitive, the
    last oneDNN call, reordered out of the result buffer, in layout ``md``: that buffer then
    becomes ``role``'s, and its reorder is saved (a convolution's output into the BatchNorm
    after it, a BatchNorm's data gradient into the convolution before it). Only in the step
    right after, so nothing has written the array since: the executor steps are its only
    writers while a plan runs, and it forgets the hand-off when a run starts."""
    h = _HANDOFF[0]
    if h is None or h[2] != ptr or STEP[0] != h[0] + 1 or CALLS[0] != h[1] + 1 \
            or not rt.lib.dnnl_memory_desc_equal(md, h[3]):
        return False
    _HANDOFF[0] = None
    held = rt.buffers.get(role)
    rt.buffers[role] = rt.buffers.pop("result")
    if held is not None:
        rt.buffers["result"] = held
    return True


def _handoff_layout(ptr):
    """The key (:meth:`_Runtime.layout_key`) of the layout in which the previous step's
    primitive left the NCHW array at ``ptr`` in the result buffer (:func:`_take`), else 0:
    a primitive that could run in either layout takes that one."""
    h = _HANDOFF[0]
    if h is None or h[2] != ptr or STEP[0] != h[0] + 1 or CALLS[0] != h[1] + 1:
        return 0
    return _runtime().layout_key(h[3])


def forget_handoff():
    """Drop the hand-off: a plan's run starts (its arrays may have changed since).

    >>> forget_handoff()
    """
    _HANDOFF[0] = None


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
        self.f_src = _Operand.of(rt, self.fwd_pd, _Q_SRC, self.plain["x"], "data", False)
        self.f_w = _Operand.of(rt, self.fwd_pd, _Q_WEIGHTS, self.plain["w"], "weights", False)
        self.f_dst = _Operand.of(rt, self.fwd_pd, _Q_DST, self.plain["y"], "result", True)
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
        derived = DERIVED[0]
        if derived is not None and self.f_w.reorder is not None:
            # inference: the weights reordered once, kept until written (held here meanwhile)
            held = derived.fetch(("conv weights", id(self), w.ctypes.data), (w,),
                                 lambda: self.f_w.copy_in(rt, w))
            rt.lib.dnnl_memory_set_data_handle(self.f_w.mem, held[1])
        else:
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
             "dy": _Operand.of(rt, data_pd, _Q_DIFF_DST, self.plain["y"], "dy", False),
             "w": _Operand.of(rt, data_pd, _Q_WEIGHTS, self.plain["w"], "weights", False),
             "dx": _Operand.of(rt, data_pd, _Q_DIFF_SRC, self.plain["x"], "result", True),
             "scratch": self._scratch(data_pd)}
        d["args"] = (_Arg * 4)(_Arg(_ARG_DIFF_DST, d["dy"].mem), _Arg(_ARG_WEIGHTS, d["w"].mem),
                               _Arg(_ARG_DIFF_SRC, d["dx"].mem),
                               _Arg(_ARG_SCRATCHPAD, d["scratch"][0]))
        g = {"prim": rt.primitive(weights_pd),
             "x": _Operand.of(rt, weights_pd, _Q_SRC, self.plain["x"], "data", False),
             "dy": _Operand.of(rt, weights_pd, _Q_DIFF_DST, self.plain["y"], "dy", False),
             "dw": _Operand.of(rt, weights_pd, _Q_DIFF_WEIGHTS, self.plain["w"], "weights", True),
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
        dy_ptr = None
        if dx is not None:
            dy_ptr = d["dy"].input_pointer(rt, dy.ctypes.data)
            rt.lib.dnnl_memory_set_data_handle(d["dy"].mem, dy_ptr)
            d["w"].bind_input(rt, w.ctypes.data)
            d["dx"].bind_output(rt, dx.ctypes.data)
            self._bind_scratch(d["scratch"])
            rt.execute(d["prim"], d["args"])
            d["dx"].finish_output(rt)
        if dw is not None:
            g["x"].bind_input(rt, x.ctypes.data)
            if dx is not None and g["dy_shared"]:      # the data gradient reordered it already
                rt.lib.dnnl_memory_set_data_handle(g["dy"].mem, dy_ptr)
            else:
                g["dy"].bind_input(rt, dy.ctypes.data)
            g["dw"].bind_output(rt, dw.ctypes.data)
            if self.bias:
                rt.lib.dnnl_memory_set_data_handle(g["db"], db.ctypes.data)
            self._bind_scratch(g["scratch"])
            rt.execute(g["prim"], g["args"])
            g["dw"].finish_output(rt)


class EntryLayout:
    """How an inference plan's entry between two fused convolutions holds its data this run:
    ``md`` None for NCHW, else the blocked layout the producing convolution wrote into the
    entry's own memory (its only readers are fused convolutions, which take that layout and
    skip a reorder on each side)."""

    __slots__ = ("md",)

    def __init__(self):
        self.md = None


def readable_copy(md, arr, out=None):
    """The values ``arr`` holds in blocked layout ``md``, as NCHW in ``out`` (a new array
    by default).

    >>> rt = _runtime()
    >>> a = np.arange(4, dtype=np.float32)
    >>> rt is None or readable_copy(rt.plain_md(a.shape), a).tolist() == [0, 1, 2, 3]
    True
    """
    out = np.empty_like(arr) if out is None else out
    rt = _runtime()
    with rt.lock:
        rt.convert(md, rt.plain_md(arr.shape), arr.ctypes.data, out.ctypes.data)
    return out


def _to_nchw_in_place(rt, md, arr):
    """Rewrite ``arr``, holding blocked layout ``md``, as NCHW (under ``rt.lock``)."""
    tmp = rt.buffer("restore", arr.nbytes)
    rt.convert(md, rt.plain_md(arr.shape), arr.ctypes.data, tmp)
    ctypes.memmove(arr.ctypes.data, tmp, arr.nbytes)


def restore_plain(layout, arr) -> None:
    """Rewrite ``arr`` as NCHW where ``layout`` says it holds blocked data (a fused group
    about to run operator by operator reads it).

    >>> restore_plain(EntryLayout(), np.zeros(2, np.float32))
    """
    if layout.md is None:
        return
    rt = _runtime()
    with rt.lock:
        _to_nchw_in_place(rt, layout.md, arr)
    layout.md = None


def _entry_pointer(rt, layout, operand, ptr):
    """Where ``operand`` reads the array at ``ptr`` whose inference :class:`EntryLayout` is
    ``layout`` (None: always NCHW): there where it holds the operand's layout, else
    converted into the operand's shared buffer (:meth:`_Operand.input_pointer` for NCHW)."""
    if layout is None or layout.md is None:
        return operand.input_pointer(rt, ptr)
    return operand.held_pointer(rt, layout.md, ptr)


class _FusedConv:
    """An inference convolution with what follows it folded in, MXNet's ``_sg_mkldnn_conv``:
    a BatchNorm folded into its weights and bias (by the caller), then a residual added
    (oneDNN's sum post-op: the result buffer starts as the residual) and an activation
    ``act`` (RELU, TANH or LOGISTIC: an eltwise post-op). One pass over the result, where
    the four operators took four."""

    def __init__(self, rt, x_shape, w_shape, y_shape, geo, has_sum, act):
        self.rt, self.has_sum = rt, has_sum
        nd = len(x_shape)
        wdims = _weight_dims(w_shape, geo.groups)
        plain_x, plain_y = rt.md(x_shape, _plain(nd)), rt.md(y_shape, _plain(nd))
        attr, post = _vp(), _vp()
        _check(rt.lib.dnnl_primitive_attr_create(ctypes.byref(attr)), "attr_create")
        _check(rt.lib.dnnl_primitive_attr_set_scratchpad_mode(attr, _SCRATCHPAD_USER),
               "set_scratchpad_mode")
        _check(rt.lib.dnnl_post_ops_create(ctypes.byref(post)), "post_ops_create")
        if has_sum:
            _check(rt.lib.dnnl_post_ops_append_sum(post, 1.0, 0, 0), "append_sum")
        if act:
            _check(rt.lib.dnnl_post_ops_append_eltwise(post, act, 0.0, 0.0), "append_eltwise")
        _check(rt.lib.dnnl_primitive_attr_set_post_ops(attr, post), "set_post_ops")
        self.attr = attr
        pd = _vp()
        _check(rt.lib.dnnl_convolution_forward_primitive_desc_create(
            ctypes.byref(pd), rt.engine, _FWD_INFERENCE, _CONV_DIRECT, rt.md(x_shape, _TAG_ANY),
            rt.md(wdims, _TAG_ANY), rt.md((w_shape[0],), _TAG_X), rt.md(y_shape, _TAG_ANY),
            *_geometry_dims(x_shape, w_shape, y_shape, geo), attr), "convolution_forward_pd")
        self.pd, self.prim = pd, rt.primitive(pd)
        self.src = _Operand.of(rt, pd, _Q_SRC, plain_x, "data", False)
        self.w = _Operand.of(rt, pd, _Q_WEIGHTS, rt.md(wdims, _plain(len(wdims))), "weights",
                             False)
        self.dst = _Operand.of(rt, pd, _Q_DST, plain_y, "result", True)
        self.residual = _Operand(rt, self.dst.md, plain_y, "result", False)
        self.plain_y = plain_y
        self.bias = rt.memory(rt.md((w_shape[0],), _TAG_X))
        scratch = rt.lib.dnnl_primitive_desc_query_md(pd, _Q_SCRATCHPAD, 0)
        self.scratch = (rt.memory(scratch), rt.lib.dnnl_memory_desc_get_size(scratch))
        self.args = (_Arg * 5)(_Arg(_ARG_SRC, self.src.mem), _Arg(_ARG_WEIGHTS, self.w.mem),
                               _Arg(_ARG_BIAS, self.bias), _Arg(_ARG_DST, self.dst.mem),
                               _Arg(_ARG_SCRATCHPAD, self.scratch[0]))

    def forward(self, pointers, w_ptr, bias_ptr, out, layouts):
        """``pointers``: the data of ``x``, ``out`` and ``residual`` (or None);
        ``layouts``: the :class:`EntryLayout` of ``x``, ``residual`` and ``out`` (each
        None where the array is always NCHW); ``out`` is written in the primitive's own
        layout where its layout allows (and says so), else as NCHW."""
        rt, lib = self.rt, self.rt.lib
        x_in, res_in, out_as = layouts
        x_ptr, out_ptr, res_ptr = pointers
        src_ptr = _entry_pointer(rt, x_in, self.src, x_ptr)
        direct = out_as is not None and self.dst.reorder is not None \
            and self.dst.nbytes <= out.nbytes
        target = out_ptr if direct or self.dst.reorder is None else \
            rt.buffer("result", self.dst.nbytes)
        moved = False
        if self.has_sum:                        # the result starts as the residual
            res_md = None if res_in is None else res_in.md
            if res_ptr == target:               # in place: the residual's memory is the result's
                held = self.plain_y if res_md is None else res_md
                if not lib.dnnl_memory_desc_equal(held, self.dst.md):
                    target, moved = rt.buffer("result", self.dst.nbytes), True
            if res_ptr == target:
                pass                            # already there, in the result's layout
            elif res_md is not None:
                rt.convert(res_md, self.dst.md, res_ptr, target)
            elif self.dst.reorder is None:
                ctypes.memmove(target, res_ptr, self.dst.nbytes)
            elif target == out_ptr:
                self.residual.reorder(rt, res_ptr, target)
            else:
                self.residual.input_pointer(rt, res_ptr)     # into the result buffer
        lib.dnnl_memory_set_data_handle(self.src.mem, src_ptr)
        lib.dnnl_memory_set_data_handle(self.dst.mem, target)
        self.dst.target = out_ptr
        lib.dnnl_memory_set_data_handle(self.w.mem, w_ptr)
        lib.dnnl_memory_set_data_handle(self.bias, bias_ptr)
        lib.dnnl_memory_set_data_handle(self.scratch[0], rt.buffer("scratchpad", self.scratch[1]))
        rt.execute(self.prim, self.args)
        if moved:                               # the residual was converted out of the way
            ctypes.memmove(out_ptr, target, self.dst.nbytes)
        if direct:
            out_as.md = self.dst.md
            return
        if out_as is not None:
            out_as.md = None
        self.dst.finish_output(rt)


class _Plain:
    """One primitive whose operands are all NumPy arrays in their own (plain) layout: its
    memory objects by argument and its scratchpad; no reorders."""

    def __init__(self, rt, pd, mds):
        self.rt, self.pd = rt, pd
        self.prim = rt.primitive(pd)
        scratch = rt.lib.dnnl_primitive_desc_query_md(pd, _Q_SCRATCHPAD, 0)
        self.scratch_size = rt.lib.dnnl_memory_desc_get_size(scratch)
        self.mems = {arg: rt.memory(md) for arg, md in mds.items()}
        self.mems[_ARG_SCRATCHPAD] = rt.memory(scratch)
        self.args = (_Arg * len(self.mems))(*(_Arg(a, m) for a, m in self.mems.items()))

    def __call__(self, pointers):
        """Run on ``{argument: data pointer}`` (every argument but the scratchpad)."""
        lib = self.rt.lib
        for arg, ptr in pointers.items():
            lib.dnnl_memory_set_data_handle(self.mems[arg], ptr)
        lib.dnnl_memory_set_data_handle(self.mems[_ARG_SCRATCHPAD],
                                        self.rt.buffer("scratchpad", self.scratch_size))
        self.rt.execute(self.prim, self.args)


def _conv_layout(rt, shape):
    """The layout oneDNN's convolutions write a ``(N, C, *spatial)`` result in (a 1x1
    convolution's choice for its output, e.g. nChw16c with AVX-512), and the primitive
    descriptor that owns it."""
    nd, c = len(shape), shape[1]
    pd = _vp()
    zeros, ones = _DIMS(*[0] * (nd - 2)), _DIMS(*[1] * (nd - 2))
    _check(rt.lib.dnnl_convolution_forward_primitive_desc_create(
        ctypes.byref(pd), rt.engine, _FWD_TRAINING, _CONV_DIRECT, rt.md(shape, _TAG_ANY),
        rt.md((c, c) + (1,) * (nd - 2), _TAG_ANY), None, rt.md(shape, _TAG_ANY), ones, zeros,
        zeros, zeros, rt.attr), "convolution_forward_pd")
    return rt.lib.dnnl_primitive_desc_query_md(pd, _Q_DST, 0), pd


class _BatchNorm:
    """Batch normalisation over axis 1 (scale and shift always given): the forward of one
    phase and, made on first use, the backward. With batch statistics it runs in the
    convolutions' blocked layout, data reordered in and results out: oneDNN's kernel for
    plain NCHW (``ncsp``) passes over the data three times, and took 3.1 against 2.0 ms
    with both reorders on ResNet-18's 56x56 maps at batch 16. With given statistics it is
    one pass over plain data, faster than the reorders allow (1.48 against 1.55 ms there;
    ``benchmarks/bench_onednn_layers.py``)."""

    def __init__(self, rt, shape, eps, global_stats, training):
        self.rt, self.eps = rt, eps
        plain = rt.md(shape, _plain(len(shape)))
        self.data, self.layout_pd = _conv_layout(rt, shape) \
            if len(shape) >= 3 and not global_stats else (plain, None)
        self.src, self.dy = (_Operand(rt, self.data, plain, role, False)
                             for role in ("data", "dy"))
        self.dst = _Operand(rt, self.data, plain, "result", True)
        self.chan = rt.md((shape[1],), _TAG_X)
        self.flags = _USE_SCALE | _USE_SHIFT | (_GLOBAL_STATS if global_stats else 0)
        self.pd = self._forward_pd(_FWD_TRAINING if training else _FWD_INFERENCE)
        self.fwd = _Plain(rt, self.pd, {a: self.data if a in (_ARG_SRC, _ARG_DST) else self.chan
                                        for a in (_ARG_SRC, _ARG_DST, _ARG_MEAN, _ARG_VARIANCE,
                                                  _ARG_SCALE, _ARG_SHIFT)})
        self.training, self.bwd = training, None

    def _forward_pd(self, prop):
        pd = _vp()
        _check(self.rt.lib.dnnl_batch_normalization_forward_primitive_desc_create(
            ctypes.byref(pd), self.rt.engine, prop, self.data, self.data, self.eps, self.flags,
            self.rt.attr), "batch_normalization_forward_pd")
        return pd

    def forward(self, x, scale, shift, mean, var, out):
        rt = self.rt
        self.fwd({_ARG_SRC: self.src.input_pointer(rt, x.ctypes.data),
                  _ARG_DST: self.dst.output_pointer(rt, out.ctypes.data),
                  _ARG_MEAN: mean.ctypes.data, _ARG_VARIANCE: var.ctypes.data,
                  _ARG_SCALE: scale.ctypes.data, _ARG_SHIFT: shift.ctypes.data})
        self.dst.finish_output(rt)

    def backward(self, x, scale, mean, var, dy, dx, dscale, dshift):
        if self.bwd is None:
            hint = self.pd if self.training else self._forward_pd(_FWD_TRAINING)
            pd = _vp()
            _check(self.rt.lib.dnnl_batch_normalization_backward_primitive_desc_create(
                ctypes.byref(pd), self.rt.engine, _BACKWARD, self.data, self.data, self.data,
                self.eps, self.flags, hint, self.rt.attr), "batch_normalization_backward_pd")
            data, chan = self.data, self.chan
            self.bwd = _Plain(rt=self.rt, pd=pd, mds={
                _ARG_SRC: data, _ARG_DIFF_DST: data, _ARG_DIFF_SRC: data, _ARG_MEAN: chan,
                _ARG_VARIANCE: chan, _ARG_SCALE: chan, _ARG_DIFF_SCALE: chan,
                _ARG_DIFF_SHIFT: chan})
        rt = self.rt
        self.bwd({_ARG_SRC: self.src.input_pointer(rt, x.ctypes.data),
                  _ARG_DIFF_DST: self.dy.input_pointer(rt, dy.ctypes.data),
                  _ARG_DIFF_SRC: self.dst.output_pointer(rt, dx.ctypes.data),
                  _ARG_MEAN: mean.ctypes.data, _ARG_VARIANCE: var.ctypes.data,
                  _ARG_SCALE: scale.ctypes.data, _ARG_DIFF_SCALE: dscale.ctypes.data,
                  _ARG_DIFF_SHIFT: dshift.ctypes.data})
        self.dst.finish_output(rt)


class _Eltwise:
    """An elementwise activation, the ``*_use_dst_for_bwd`` form: the training forward and,
    made on first use, the backward from the forward's result. It runs in layout ``md``
    (None: NCHW), the one its data hold in a training plan (:class:`Layouts`)."""

    def __init__(self, rt, shape, alg, md=None):
        self.rt, self.alg = rt, alg
        plain = rt.plain_md(shape)
        self.data = plain if md is None else md
        self.pd = _vp()
        _check(rt.lib.dnnl_eltwise_forward_primitive_desc_create(
            ctypes.byref(self.pd), rt.engine, _FWD_TRAINING, alg, self.data, self.data, 0.0,
            0.0, rt.attr), "eltwise_forward_pd")
        self.fwd = _Plain(rt, self.pd, {_ARG_SRC: self.data, _ARG_DST: self.data})
        self.x, self.dy = (_Operand(rt, self.data, plain, role, False) for role in ("data", "dy"))
        self.out = _Operand(rt, self.data, plain, "result", True)
        self.bwd = None

    def forward(self, x, out):
        rt = self.rt
        self.fwd({_ARG_SRC: self.x.input_pointer(rt, x.ctypes.data),
                  _ARG_DST: self.out.output_pointer(rt, out.ctypes.data)})
        self.out.finish_output(rt)

    def backward(self, y, dy, dx):
        rt = self.rt
        if self.bwd is None:
            pd = _vp()
            _check(rt.lib.dnnl_eltwise_backward_primitive_desc_create(
                ctypes.byref(pd), rt.engine, self.alg, self.data, self.data, self.data,
                0.0, 0.0, self.pd, rt.attr), "eltwise_backward_pd")
            self.bwd = _Plain(rt, pd, {_ARG_DST: self.data, _ARG_DIFF_DST: self.data,
                                       _ARG_DIFF_SRC: self.data})
        self.bwd({_ARG_DST: self.x.input_pointer(rt, y.ctypes.data),
                  _ARG_DIFF_DST: self.dy.input_pointer(rt, dy.ctypes.data),
                  _ARG_DIFF_SRC: self.out.output_pointer(rt, dx.ctypes.data)})
        self.out.finish_output(rt)


class _Sum:
    """``dst = a + b`` and ``dst = a`` on both cores (a binary primitive and a reorder
    between identical layouts), in layout ``md`` (None: NCHW; in a training plan, the one
    the data hold): twice NumPy's one-core passes on the residual adds and gradient copies
    of ResNet-18 (0.69 against 1.33 ms, 0.46 against 0.84 ms)."""

    def __init__(self, rt, shape, md=None):
        self.rt = rt
        plain = rt.plain_md(shape)
        data = plain if md is None else md
        pd = _vp()
        _check(rt.lib.dnnl_binary_primitive_desc_create(
            ctypes.byref(pd), rt.engine, _BINARY_ADD, data, data, data, rt.attr),
            "binary_pd")
        self._add = _Plain(rt, pd, {_ARG_SRC: data, _ARG_SRC_1: data, _ARG_DST: data})
        self.a, self.b = (_Operand(rt, data, plain, role, False) for role in ("data", "data2"))
        self.out = _Operand(rt, data, plain, "result", True)
        self.data, self.plain = data, plain

    def add(self, a, b, out):
        rt = self.rt
        self._add({_ARG_SRC: self.a.input_pointer(rt, a.ctypes.data),
                   _ARG_SRC_1: self.b.input_pointer(rt, b.ctypes.data),
                   _ARG_DST: self.out.output_pointer(rt, out.ctypes.data)})
        self.out.finish_output(rt)

    def copy(self, src, out):
        """``out = src``: where ``src`` holds a blocked layout, ``out`` gets it too where
        the plan lets it, else NCHW."""
        rt, ptr = self.rt, out.ctypes.data
        dst = self.data if _may_hold(ptr, self.out.nbytes) else self.plain
        rt.convert(self.data, dst, src.ctypes.data, ptr)
        _noted(ptr, None if dst is self.plain else dst)


class _Pool:
    """Max or average pooling: the training forward (with max pooling's workspace: where in
    each window its maximum is, as uint8 or int32), the inference forward and, made on first
    use, the backward. It runs in layout ``md``, the one its data hold in a training plan
    (:class:`Layouts`), result and gradients in the layout oneDNN picks beside it. With NCHW
    data it runs on the NCHW arrays where oneDNN has a JIT kernel for them (AVX-512
    machines); elsewhere oneDNN's plain-layout kernel is a simple loop (130 ms against 29 ms
    for NumPy's on ResNet-18's stem at batch 16 with AVX2), so it runs in the convolutions'
    blocked layout, data, result and workspace reordered, as MXNet's does."""

    def __init__(self, rt, x_shape, y_shape, alg, kernel, stride, pad_l, pad_r, md=None):
        self.rt, self.alg = rt, alg
        nd = len(x_shape)
        plain_src, plain_dst = rt.plain_md(x_shape), rt.plain_md(y_shape)
        self.geo = (_DIMS(*stride), _DIMS(*kernel), _DIMS(*[0] * len(kernel)), _DIMS(*pad_l),
                    _DIMS(*pad_r))
        src, dst = plain_src, plain_dst
        if md is None:
            self.train_pd = self._forward_pd(_FWD_TRAINING, src, dst)
            if not rt.implementation(self.train_pd).startswith("jit"):
                md, self.layout_pd = _conv_layout(rt, x_shape)
                if rt.lib.dnnl_memory_desc_equal(md, plain_src):
                    md = None
        if md is not None:
            self.train_pd = self._forward_pd(_FWD_TRAINING, md, rt.md(y_shape, _TAG_ANY))
            src = md
            dst = rt.lib.dnnl_primitive_desc_query_md(self.train_pd, _Q_DST, 0)
        self.mds = (src, dst)
        self.src = _Operand(rt, src, plain_src, "data", False)
        self.dst = _Operand(rt, dst, plain_dst, "result", True)
        self.dy = _Operand(rt, dst, plain_dst, "dy", False)
        self.dx = _Operand(rt, src, plain_src, "result", True)
        self.ws_md, self.ws_type, self.ws_plain = None, None, None
        mds = {_ARG_SRC: src, _ARG_DST: dst}
        if alg == POOL_MAX:
            self.ws_md = rt.lib.dnnl_primitive_desc_query_md(self.train_pd, _Q_WORKSPACE, 0)
            # one byte or four per result element (blocked layouts pad the channels)
            size, count = (rt.lib.dnnl_memory_desc_get_size(self.ws_md),
                           rt.lib.dnnl_memory_desc_get_size(dst) // 4)
            self.ws_type = {count: np.uint8, 4 * count: np.int32}.get(size)
            if self.ws_type is None:
                raise _Failed("unexpected pooling workspace of %d bytes" % size)
            if self.dst.reorder is not None:      # the workspace is blocked as the result
                kind = _U8 if self.ws_type is np.uint8 else _S32
                plain_ws = rt.md(y_shape, _plain(nd), kind)
                self.ws_plain = (_Reorder(rt, self.ws_md, plain_ws),
                                 _Reorder(rt, plain_ws, self.ws_md))
            self.train = _Plain(rt, self.train_pd, {**mds, _ARG_WORKSPACE: self.ws_md})
        else:
            self.train = _Plain(rt, self.train_pd, mds)
        self.infer = _Plain(rt, self._forward_pd(_FWD_INFERENCE, src, dst), mds)
        self.bwd = None

    def _forward_pd(self, prop, src, dst):
        pd = _vp()
        _check(self.rt.lib.dnnl_pooling_forward_primitive_desc_create(
            ctypes.byref(pd), self.rt.engine, prop, self.alg, src, dst, *self.geo,
            self.rt.attr), "pooling_forward_pd")
        return pd

    def _scratch_array(self, role, shape, dtype):
        """An array of ``dtype`` in shared scratch."""
        ptr = self.rt.buffer(role, int(np.prod(shape)) * np.dtype(dtype).itemsize)
        return np.ctypeslib.as_array(ctypes.cast(ptr, ctypes.POINTER(
            np.ctypeslib.as_ctypes_type(dtype))), shape)

    def _workspace(self, like):
        """Scratch for oneDNN's workspace: shaped ``like`` in the NCHW layout, flat (and
        padded) in a blocked one."""
        if self.ws_plain is None:
            return self._scratch_array("workspace", like.shape, self.ws_type)
        size = self.rt.lib.dnnl_memory_desc_get_size(self.ws_md)
        return self._scratch_array("workspace", (size // np.dtype(self.ws_type).itemsize,),
                                   self.ws_type)

    def _positions_out(self, ws, positions):
        """``positions`` (int32, NCHW) from oneDNN's workspace ``ws``."""
        if self.ws_plain is None:
            if ws is not positions:
                positions[...] = ws
            return
        if self.ws_type is np.int32:
            self.ws_plain[0](self.rt, ws.ctypes.data, positions.ctypes.data)
            return
        plain = self._scratch_array("workspace plain", positions.shape, np.uint8)
        self.ws_plain[0](self.rt, ws.ctypes.data, plain.ctypes.data)
        positions[...] = plain

    def _positions_in(self, positions):
        """oneDNN's workspace from ``positions`` (int32, NCHW)."""
        if self.ws_plain is None and self.ws_type is np.int32:
            return positions
        ws = self._workspace(positions)
        if self.ws_plain is None:
            ws[...] = positions
            return ws
        if self.ws_type is np.int32:
            self.ws_plain[1](self.rt, positions.ctypes.data, ws.ctypes.data)
            return ws
        plain = self._scratch_array("workspace plain", positions.shape, np.uint8)
        plain[...] = positions
        self.ws_plain[1](self.rt, plain.ctypes.data, ws.ctypes.data)
        return ws

    def forward(self, x, out, positions, layouts=None):
        """``out``; with ``positions`` (int32, max pooling) also each maximum's offset.
        ``layouts``: an inference plan's :class:`EntryLayout` of ``x`` and of ``out`` (each
        None where the array is always NCHW); ``out`` is then written in the primitive's
        own layout where its layout allows (and says so), else as NCHW."""
        rt = self.rt
        x_in, out_as = layouts or (None, None)
        src_ptr = _entry_pointer(rt, x_in, self.src, x.ctypes.data)
        direct = out_as is not None and positions is None and self.dst.reorder is not None \
            and self.dst.nbytes <= out.nbytes
        pointers = {_ARG_SRC: src_ptr, _ARG_DST: out.ctypes.data if direct else
                    self.dst.output_pointer(rt, out.ctypes.data)}
        if positions is None:
            self.infer(pointers)
            if direct:
                out_as.md = self.dst.md
                return
            if out_as is not None:
                out_as.md = None
            self.dst.finish_output(rt)
            return
        direct = self.ws_plain is None and self.ws_type is np.int32
        ws = positions if direct else self._workspace(positions)
        self.train({**pointers, _ARG_WORKSPACE: ws.ctypes.data})
        self.dst.finish_output(rt)
        self._positions_out(ws, positions)

    def backward(self, dy, dx, positions, x=None):
        """``dx`` from ``dy``; max pooling reads the ``positions`` of its training forward,
        or without them finds them again from ``x``."""
        rt = self.rt
        if self.bwd is None:
            pd = _vp()
            src, dst = self.mds
            _check(rt.lib.dnnl_pooling_backward_primitive_desc_create(
                ctypes.byref(pd), rt.engine, self.alg, src, dst, *self.geo,
                self.train_pd, rt.attr), "pooling_backward_pd")
            mds = {_ARG_DIFF_SRC: src, _ARG_DIFF_DST: dst}
            if self.ws_md is not None:
                mds[_ARG_WORKSPACE] = self.ws_md
            self.bwd = _Plain(rt, pd, mds)
        pointers = {}
        if self.ws_md is not None:
            if positions is None:            # the training forward again, into scratch
                ws = self._workspace(dy)
                again = rt.buffer("pool result", self.dst.nbytes)
                self.train({_ARG_SRC: self.src.input_pointer(rt, x.ctypes.data),
                            _ARG_DST: again, _ARG_WORKSPACE: ws.ctypes.data})
            else:
                ws = self._positions_in(positions)
            pointers[_ARG_WORKSPACE] = ws.ctypes.data
        pointers[_ARG_DIFF_DST] = self.dy.input_pointer(rt, dy.ctypes.data)
        pointers[_ARG_DIFF_SRC] = self.dx.output_pointer(rt, dx.ctypes.data)
        self.bwd(pointers)
        self.dx.finish_output(rt)


def _usable(*arrays, dtype=np.float32):
    return all(isinstance(a, np.ndarray) and a.dtype == dtype and a.flags.c_contiguous
               and a.flags.aligned for a in arrays)


def _fits(lo, hi, *shapes):
    """Whether oneDNN takes arrays of these shapes: ``lo`` to ``hi`` axes, none empty."""
    return lo <= len(shapes[0]) <= hi and all(0 not in shape for shape in shapes)


def _make_conv(rt, x_shape, w_shape, y_shape, geo, bias, training):
    return _Conv(rt, x_shape, w_shape, y_shape, geo, bias, training) \
        if _fits(3, 5, x_shape, y_shape) else None


def _primitive_for(rt, make, key):
    """The cached primitive ``make(rt, *key)`` of ``key``, or None where oneDNN declines it
    (``make`` returns None or a oneDNN call fails)."""
    prim = rt.cache.get((make, key), False)
    if prim is False:
        try:
            prim = make(rt, *key)
        except _Failed:
            prim = None
        rt.cache[(make, key)] = prim
    return prim


def _run(arrays, make, key, call):
    """``call(primitive)`` on the cached ``make(rt, *key())`` under the lock; False where
    oneDNN is off, an operand does not fit, or oneDNN declines or fails (the key is then
    refused from there on). Declining, it rewrites ``arrays`` as NCHW where they held a
    blocked layout (:class:`Layouts`): NumPy reads them next."""
    rt = _runtime()
    if rt is None or not _usable(*arrays):
        return _decline(*arrays)
    key = key()
    with rt.lock:
        prim = _primitive_for(rt, make, key)
        if prim is None:
            _restore_held(rt, arrays)
            return False
        try:
            call(prim)
        except _Failed:
            rt.cache[(make, key)] = None
            _restore_held(rt, arrays)
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
    return _run(arrays, _make_conv,
                lambda: (x.shape, w.shape, out.shape, geo, bias is not None, training),
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
    return _run(arrays, _make_conv,
                lambda: (x.shape, w.shape, dy.shape, geo, db is not None, True),
                lambda conv: conv.backward(x, w, dy, dx, dw, db))


def _make_fused_conv(rt, x_shape, w_shape, y_shape, geo, has_sum, act):
    return _FusedConv(rt, x_shape, w_shape, y_shape, geo, has_sum, act) \
        if _fits(3, 5, x_shape, y_shape) else None


def fold_batch_norm(w, bias, bn):
    """The weights and bias of a convolution followed by BatchNorm ``bn`` (``(gamma, beta,
    mean, var, eps, fix_gamma)``, given statistics), as one convolution: each filter scaled by
    its channel's ``gamma / sqrt(var + eps)`` (computed in float64, as the BatchNorm kernels'
    invstd), the bias shifted. Without ``bn`` the bias alone (zeros without one).

    >>> w, one = np.ones((2, 1, 1, 1), np.float32), np.ones(2, np.float32)
    >>> wf, bf = fold_batch_norm(w, None, (one * 2, one, one * 3, one * 3, 1.0, False))
    >>> wf.ravel().tolist(), bf.tolist()
    ([1.0, 1.0], [-2.0, -2.0])
    """
    filters = w.shape[0]
    if bn is None:
        return w, (np.zeros(filters, np.float32) if bias is None else bias)
    gamma, beta, mean, var, eps, fix_gamma = bn
    scale = 1.0 / np.sqrt(var.astype(np.float64) + eps)
    if not fix_gamma:
        scale = scale * gamma
    folded = (w.reshape(filters, -1) * scale[:, None]).astype(np.float32).reshape(w.shape)
    shifted = (0.0 if bias is None else bias.astype(np.float64)) - mean
    return folded, (shifted * scale + beta).astype(np.float32)


def fused_conv_forward(x, w, bias, bn, residual, out, geo, act=None, layouts=None) -> bool:
    """``out = act(batch_norm(conv(x, w) + bias) + residual)`` as one oneDNN convolution
    (MXNet's ``_sg_mkldnn_conv``), each part optional: ``bias`` and ``residual`` arrays or
    None, ``bn`` as :func:`fold_batch_norm` takes it or None, ``act`` RELU, TANH, LOGISTIC
    or None. Only while an inference plan runs: its cache (:data:`DERIVED`) keeps the
    folded, reordered weights until one of their sources is written. ``layouts``: the
    :class:`EntryLayout` of ``x``, ``residual`` and ``out`` (or None each). False (nothing
    written) where it does not apply.

    >>> from symnb import _writes
    >>> from symnb.ops.conv import Geometry
    >>> x, w = np.ones((1, 2, 3, 3), np.float32), np.ones((1, 2, 2, 2), np.float32)
    >>> out, res = np.empty((1, 1, 2, 2), np.float32), np.full((1, 1, 2, 2), -9, np.float32)
    >>> geo = Geometry((2, 2), (1, 1), (1, 1), (0, 0))
    >>> with onednn_plan(_writes.Derived()):
    ...     done = fused_conv_forward(x, w, None, None, res, out, geo, act=RELU)
    >>> bool(not done or (out == 0).all())              # relu(8 - 9)
    True
    """
    return fused_conv_call(x, w, bias, bn, residual, out, geo, act, layouts)()


def fused_conv_call(x, w, bias, bn, residual, out, geo, act=None, layouts=None):
    """:func:`fused_conv_forward` on these arrays as a call ``() -> bool``, the checks that
    depend on the arrays alone made once: an inference plan's arrays are fixed for its
    life, and at batch 1 those checks were half the Python time of a fused step. Each call
    still reads the plan's cache, the folded weights' validity and the entries' layouts.

    >>> from symnb import _writes
    >>> from symnb.ops.conv import Geometry
    >>> x, w = np.ones((1, 1, 2, 2), np.float32), np.ones((1, 1, 2, 2), np.float32)
    >>> out = np.empty((1, 1, 1, 1), np.float32)
    >>> run = fused_conv_call(x, w, None, None, None, out, Geometry((2, 2), (1, 1), (1, 1),
    ...                       (0, 0)))
    >>> run()                                            # no inference plan runs
    False
    >>> with onednn_plan(_writes.Derived()):
    ...     done = run()
    >>> bool(not done or out.item() == 4)
    True
    """
    sources = (w,) + (() if bias is None else (bias,))
    if bn is not None:          # with fix_gamma, gamma is 1 whatever its array holds
        sources += tuple(bn[1:4]) + (() if bn[5] else (bn[0],))
    arrays = (x, out) + sources + (() if residual is None else (residual,))
    if residual is not None and (residual.shape != out.shape or not _apart(out, residual)
                                 or np.may_share_memory(x, out)):
        return lambda: False
    if not _usable(*arrays):
        def declined():
            if DERIVED[0] is not None and LAYERS[0]:
                _decline(*arrays)
            return False
        return declined
    key = (x.shape, w.shape, out.shape, geo, residual is not None, act or 0)
    pointers = (x.ctypes.data, out.ctypes.data,
                None if residual is None else residual.ctypes.data)
    w_ptr, layouts = w.ctypes.data, layouts or (None, None, None)
    made = [None, None]                 # the runtime and its primitive for key

    def fold(fused):
        folded, shift = fold_batch_norm(w, bias, bn)
        shift = np.ascontiguousarray(shift, np.float32)
        return fused.w.copy_in(fused.rt, folded), shift, shift.ctypes.data

    def run():
        derived = DERIVED[0]
        if derived is None or not LAYERS[0]:
            return False
        rt = _runtime()
        if rt is None:
            return _decline(*arrays)
        with rt.lock:
            fused = made[1] if made[0] is rt else None
            if fused is None:
                fused = _primitive_for(rt, _make_fused_conv, key)
                if fused is None:
                    _restore_held(rt, arrays)
                    return False
                made[:] = rt, fused
            try:
                held = derived.fetch(("fused conv", id(fused), w_ptr), sources,
                                     lambda: fold(fused))
                fused.forward(pointers, held[0][1], held[2], out, layouts)
            except _Failed:
                rt.cache[(_make_fused_conv, key)] = None
                made[:] = None, None
                _restore_held(rt, arrays)
                return False
            CALLS[0] += 1
        return True
    return run


def _make_batch_norm(rt, shape, eps, global_stats, training):
    return _BatchNorm(rt, shape, eps, global_stats, training) if _fits(2, 5, shape) else None


def batch_norm_forward(x, scale, shift, mean, var, out, eps, batch_stats, training) -> bool:
    """``out = (x - mean) / sqrt(var + eps) * scale + shift`` over axis 1 by oneDNN; with
    ``batch_stats`` the batch's mean and (biased) variance are computed and written into
    ``mean`` and ``var``, else read from them. False (nothing written) where it does not apply.

    >>> x = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    >>> one, zero = np.ones(2, np.float32), np.zeros(2, np.float32)
    >>> mean, var, out = np.empty(2, np.float32), np.empty(2, np.float32), np.empty_like(x)
    >>> with onednn_plan():
    ...     done = batch_norm_forward(x, one, zero, mean, var, out, 1e-3, True, True)
    >>> bool(not done or (mean == [2.5, 4.5]).all())
    True
    """
    if not LAYERS[0]:
        return False
    return _run((x, scale, shift, mean, var, out), _make_batch_norm,
                lambda: (x.shape, float(np.float32(eps)), not batch_stats, training),
                lambda bn: bn.forward(x, scale, shift, mean, var, out))


def batch_norm_backward(x, scale, mean, var, dy, dx, dscale, dshift, eps,
                        batch_stats) -> bool:
    """Write ``dx`` and the scale and shift gradients of :func:`batch_norm_forward` by oneDNN
    (``batch_stats``: ``mean`` and ``var`` were the batch's, so ``dx`` goes through them);
    False (nothing written) where it does not apply.

    >>> x = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    >>> one, dy = np.ones(2, np.float32), np.ones_like(x)
    >>> mean, var = np.array([2.5, 4.5], np.float32), np.array([4.25, 4.25], np.float32)
    >>> dx, ds, dt = np.empty_like(x), np.empty(2, np.float32), np.empty(2, np.float32)
    >>> with onednn_plan():
    ...     done = batch_norm_backward(x, one, mean, var, dy, dx, ds, dt, 1e-3, True)
    >>> bool(not done or (dt == 4).all())
    True
    """
    if not LAYERS[0]:
        return False
    return _run((x, scale, mean, var, dy, dx, dscale, dshift), _make_batch_norm,
                lambda: (x.shape, float(np.float32(eps)), not batch_stats, True),
                lambda bn: bn.backward(x, scale, mean, var, dy, dx, dscale, dshift))


def _make_pool(rt, x_shape, y_shape, alg, kernel, stride, pad_l, pad_r, layout):
    return _Pool(rt, x_shape, y_shape, alg, kernel, stride, pad_l, pad_r,
                 rt.layouts[layout - 1] if layout else None) \
        if _fits(3, 5, x_shape, y_shape) else None


def pool_right_pads(x_shape, y_shape, kernel, stride, pad):
    """oneDNN's right paddings: what the last window reaches past the input (may be < 0)."""
    return tuple((o - 1) * s + k - q - n for o, s, k, q, n
                 in zip(y_shape[2:], stride, kernel, pad, x_shape[2:], strict=True))


def pool_forward(x, out, alg, kernel, stride, pad, positions=None, layouts=None) -> bool:
    """Max (``alg=POOL_MAX``) or average pooling of ``x`` into ``out`` by oneDNN; with
    ``positions`` (int32, ``out``'s shape, max pooling) also the flat offset of each window's
    first maximum. False (nothing written) where it does not apply. ``layouts``: an
    inference plan's :class:`EntryLayout` of ``x`` and of ``out`` (no positions then).

    >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    >>> out, pos = np.empty((1, 1, 2, 2), np.float32), np.empty((1, 1, 2, 2), np.int32)
    >>> with onednn_plan():
    ...     done = pool_forward(x, out, POOL_MAX, (2, 2), (2, 2), (0, 0), pos)
    >>> bool(not done or (out.ravel() == [5, 7, 13, 15]).all() and (pos == 3).all())
    True
    """
    if not LAYERS[0]:
        return False
    if positions is not None and not _usable(positions, dtype=np.int32):
        return False
    x_in = layouts[0] if layouts is not None else None
    return _run((x, out), _make_pool,
                lambda: (x.shape, out.shape, alg, tuple(kernel), tuple(stride), tuple(pad),
                         pool_right_pads(x.shape, out.shape, kernel, stride, pad),
                         _runtime().layout_key(x_in.md) if x_in is not None and x_in.md
                         is not None else _layout_of(x.ctypes.data)
                         or _handoff_layout(x.ctypes.data)),
                lambda pool: pool.forward(x, out, positions, layouts))


def pool_backward(x, dy, dx, alg, kernel, stride, pad, positions=None) -> bool:
    """Write ``dx``, the gradient of :func:`pool_forward`, by oneDNN: max pooling routes each
    gradient to its window's maximum (at ``positions``, else found again from ``x``). False
    (nothing written) where it does not apply.

    >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    >>> dy, dx = np.ones((1, 1, 2, 2), np.float32), np.empty_like(x)
    >>> with onednn_plan():
    ...     done = pool_backward(x, dy, dx, POOL_AVG_INCLUDE, (2, 2), (2, 2), (0, 0))
    >>> bool(not done or (dx == 0.25).all())
    True
    """
    if not LAYERS[0]:
        return False
    if positions is not None and not _usable(positions, dtype=np.int32):
        return False
    return _run((x, dy, dx), _make_pool,
                lambda: (x.shape, dy.shape, alg, tuple(kernel), tuple(stride), tuple(pad),
                         pool_right_pads(x.shape, dy.shape, kernel, stride, pad),
                         _layout_of(x.ctypes.data)),
                lambda pool: pool.backward(dy, dx, positions, x))


def _make_eltwise(rt, shape, alg, layout):
    return _Eltwise(rt, shape, alg, rt.layouts[layout - 1] if layout else None) \
        if _fits(1, 5, shape) else None


def _layout_of(*ptrs):
    """The key (:meth:`_Runtime.layout_key`) of the first blocked layout the arrays at
    ``ptrs`` hold, 0 where all hold NCHW."""
    lay = LAYOUTS[0]
    if lay is None or not lay.held:
        return 0
    for ptr in ptrs:
        md = _held(ptr)
        if md is not None:
            return _runtime().layout_key(md)
    return 0


def eltwise_forward(alg, x, out) -> bool:
    """``out = f(x)`` for ``alg`` (RELU, TANH or LOGISTIC) by oneDNN; False (nothing written)
    where it does not apply. As in MXNet's float32 kernels (oneDNN's), relu maps NaN to 0.

    >>> x, out = np.array([-1.0, 2.0, np.nan], np.float32), np.empty(3, np.float32)
    >>> with onednn_plan():
    ...     done = eltwise_forward(RELU, x, out)
    >>> bool(not done or out.tolist() == [0.0, 2.0, 0.0])
    True
    """
    if not LAYERS[0]:
        return False
    return _run((x, out), _make_eltwise, lambda: (x.shape, alg, _layout_of(x.ctypes.data)),
                lambda elt: elt.forward(x, out))


def eltwise_backward(alg, y, dy, dx) -> bool:
    """``dx = f'(x) * dy`` from the forward's result ``y`` by oneDNN; False (nothing
    written) where it does not apply.

    >>> y, dy = np.array([0.0, 2.0], np.float32), np.array([5.0, 5.0], np.float32)
    >>> dx = np.empty(2, np.float32)
    >>> with onednn_plan():
    ...     done = eltwise_backward(RELU, y, dy, dx)
    >>> bool(not done or dx.tolist() == [0.0, 5.0])
    True
    """
    if not LAYERS[0]:
        return False
    return _run((y, dy, dx), _make_eltwise,
                lambda: (y.shape, alg, _layout_of(dy.ctypes.data, y.ctypes.data)),
                lambda elt: elt.backward(y, dy, dx))


def _make_sum(rt, shape, layout):
    return _Sum(rt, shape, rt.layouts[layout - 1] if layout else None) \
        if _fits(1, 12, shape) else None


def _apart(out, *inputs):
    """``out`` is each input itself or shares no memory with it (oneDNN works in place)."""
    return all(a.ctypes.data == out.ctypes.data or not np.may_share_memory(a, out)
               for a in inputs)


def add(a, b, out) -> bool:
    """``out = a + b`` (float32, one shape; ``out`` may be ``a`` or ``b``) by oneDNN; False
    (nothing written) where it does not apply.

    >>> a, b, out = np.ones(3, np.float32), np.full(3, 2, np.float32), np.empty(3, np.float32)
    >>> with onednn_plan():
    ...     done = add(a, b, out)
    >>> bool(not done or (out == 3).all())
    True
    """
    if not LAYERS[0] or not _usable(a, b, out) or not a.shape == b.shape == out.shape \
            or not _apart(out, a, b):
        return _decline(a, b, out)
    return _run((a, b, out), _make_sum,
                lambda: (a.shape, _layout_of(a.ctypes.data, b.ctypes.data)),
                lambda s: s.add(a, b, out))


def copy(src, out) -> bool:
    """``out[...] = src`` (float32, one shape) by oneDNN; False (nothing written) where it
    does not apply.

    >>> src, out = np.arange(3, dtype=np.float32), np.empty(3, np.float32)
    >>> with onednn_plan():
    ...     done = copy(src, out)
    >>> bool(not done or (out == src).all())
    True
    """
    if LAYERS[0] and isinstance(src, np.ndarray) and isinstance(out, np.ndarray) \
            and src.ctypes.data == out.ctypes.data and src.shape == out.shape \
            and src.dtype == out.dtype and src.strides == out.strides:
        md = _held(src.ctypes.data)         # nothing to copy: a blocked layout stays held
        if md is not None:
            _noted(src.ctypes.data, md)
        return True
    if not LAYERS[0] or not _usable(src, out) or src.shape != out.shape or \
            np.may_share_memory(src, out):
        return _decline(src, out)
    return _run((src, out), _make_sum, lambda: (src.shape, _layout_of(src.ctypes.data)),
                lambda s: s.copy(src, out))


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


class onednn_plan(one_blas_thread):  # noqa: N801 (a context manager used like a function)
    """Run a plan with oneDNN convolutions: BLAS held at one thread (:class:`one_blas_thread`)
    and BatchNorm, pooling and the activations in oneDNN too (:data:`LAYERS`), its threads
    then being the only ones at work.

    An inference plan passes its cache of ``derived`` arrays (:data:`DERIVED`), a training
    plan its :class:`Layouts` (:data:`LAYOUTS`).

    >>> with onednn_plan():
    ...     LAYERS[0]
    True
    >>> LAYERS[0]
    False
    """

    def __init__(self, derived=None, layouts=None):
        self.derived, self.layouts = derived, layouts

    def __enter__(self):
        self.outer_state = LAYERS[0], DERIVED[0], LAYOUTS[0]
        LAYERS[0], DERIVED[0], LAYOUTS[0] = True, self.derived, self.layouts
        return super().__enter__()

    def __exit__(self, *exc):
        LAYERS[0], DERIVED[0], LAYOUTS[0] = self.outer_state
        return super().__exit__(*exc)
