"""The optimizer-states format: a strict JSON header plus the arrays as a ``.params`` payload.

MXNet pickles ``Updater.get_states()``; unpickling runs arbitrary code, so symnb never does.
Its payload is::

    b"SYMNB-OPTIMIZER-STATES\\n"  u64 header length (little endian)  header (UTF-8 JSON)
    the arrays as one .params file (names "0", "1", ...)

The header holds the state tree of each key and, with ``dump_optimizer``, the optimizer's
plain attributes (numbers, strings, lists, dicts, its ``lr_scheduler``). Values are tagged so
that tuples, int keys and non-finite floats survive JSON; decoding accepts only these tags
and rebuilds optimizers and schedulers only from the registered classes.
"""
from __future__ import annotations

import json
import math
import struct

import numpy

from ..base import MXNetError
from ..ndarray import NDArray, _io

__all__ = ["MAGIC", "dumps", "loads", "read_file"]

MAGIC = b"SYMNB-OPTIMIZER-STATES\n"
_VERSION = 1


def is_pickle(data: bytes) -> bool:
    """Whether ``data`` starts like a pickle (protocol 2 and later open with 0x80, protocol).

    >>> import pickle
    >>> is_pickle(pickle.dumps({0: None})), is_pickle(MAGIC)
    (True, False)
    """
    return len(data) >= 2 and data[0] == 0x80 and 1 <= data[1] <= 5


class _Encoder:
    def __init__(self):
        self.arrays: list[NDArray] = []

    def value(self, v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, numpy.integer)):
            return int(v)
        if isinstance(v, (float, numpy.floating)):
            v = float(v)
            return v if math.isfinite(v) else {"float": repr(v)}
        if isinstance(v, NDArray):
            self.arrays.append(v)
            return {"array": len(self.arrays) - 1}
        if isinstance(v, tuple):
            return {"tuple": [self.value(x) for x in v]}
        if isinstance(v, list):
            return {"list": [self.value(x) for x in v]}
        if isinstance(v, dict):
            return {"dict": [[self.value(k), self.value(x)] for k, x in v.items()]}
        return self.obj(v)

    def obj(self, v):
        from .. import lr_scheduler
        from .optimizer import Optimizer
        cls = type(v)
        if isinstance(v, Optimizer) and Optimizer.opt_registry.get(cls.__name__.lower()) is cls:
            kind = "optimizer"
        elif isinstance(v, lr_scheduler.LRScheduler) and \
                getattr(lr_scheduler, cls.__name__, None) is cls:
            kind = "lr_scheduler"
        else:
            raise TypeError("cannot save optimizer states holding a %s.%s (only numbers, "
                            "strings, NDArrays, lists, tuples, dicts, registered optimizers "
                            "and mx.lr_scheduler schedulers)" % (cls.__module__, cls.__name__))
        skip = ("param_dict",) if kind == "optimizer" else ()
        attrs = {k: self.value(x) for k, x in vars(v).items() if k not in skip}
        return {kind: cls.__name__, "attrs": attrs}


def dumps(states: dict, optimizer=None) -> bytes:
    """The payload of an updater's ``states`` (and optionally its optimizer).

    >>> import symnb as mx
    >>> data = dumps({0: (mx.nd.ones((2,)), None)})
    >>> data.startswith(MAGIC), loads(data)[0][0][0].asnumpy()
    (True, array([1., 1.], dtype=float32))
    """
    enc = _Encoder()
    header = {"format": "symnb-optimizer-states", "version": _VERSION,
              "states": [[enc.value(k), enc.value(s)] for k, s in states.items()],
              "optimizer": None if optimizer is None else enc.obj(optimizer)}
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    arrays = {str(i): a for i, a in enumerate(enc.arrays)}
    return MAGIC + struct.pack("<Q", len(text)) + text + _io._encode(arrays)


def _fail(source, why):
    return MXNetError("MXNetError: %s is not a symnb optimizer-states payload: %s"
                      % (source, why))


def loads(data: bytes, source: str = "the optimizer states"):
    """``(states, optimizer or None)`` from :func:`dumps` bytes; pickles are refused."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("optimizer states must be bytes, got %s" % type(data).__name__)
    data = bytes(data)
    if is_pickle(data):
        raise MXNetError(
            "MXNetError: %s is a pickle (MXNet's own .states format). symnb never unpickles "
            "(unpickling can run arbitrary code): save the states again with symnb "
            "(Module.save_optimizer_states / KVStore.save_optimizer_states), or restart the "
            "optimizer from the saved parameters" % source)
    if not data.startswith(MAGIC):
        raise _fail(source, "it does not start with %r" % MAGIC)
    pos = len(MAGIC)
    if len(data) < pos + 8:
        raise _fail(source, "truncated header")
    (size,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    if len(data) < pos + size:
        raise _fail(source, "truncated header")
    try:
        header = json.loads(data[pos:pos + size].decode("utf-8"),
                            parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as e:
        raise _fail(source, "bad header (%s)" % e) from None
    if not isinstance(header, dict) or header.get("format") != "symnb-optimizer-states" \
            or header.get("version") != _VERSION:
        raise _fail(source, "unknown header format or version")
    arrays = _io.load_frombuffer(data[pos + size:]) if pos + size < len(data) else {}
    if isinstance(arrays, list):
        arrays = {}
    dec = _Decoder(arrays, source)
    states = {}
    for item in header.get("states", []):
        if not (isinstance(item, list) and len(item) == 2):
            raise _fail(source, "bad state entry")
        states[dec.value(item[0])] = dec.value(item[1])
    optimizer = header.get("optimizer")
    return states, (None if optimizer is None else dec.value(optimizer))


def _no_constant(name):
    raise ValueError("non-standard JSON constant %s" % name)


class _Decoder:
    def __init__(self, arrays, source):
        self.arrays = arrays
        self.source = source

    def value(self, v):
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, list) or not isinstance(v, dict) or not v:
            raise _fail(self.source, "unexpected value %r" % (v,))
        if "array" in v:
            key = str(v["array"])
            if key not in self.arrays:
                raise _fail(self.source, "missing array %s" % key)
            return self.arrays[key]
        if "float" in v and v["float"] in ("inf", "-inf", "nan"):
            return float(v["float"])
        if "tuple" in v:
            return tuple(self.value(x) for x in self._list(v["tuple"]))
        if "list" in v:
            return [self.value(x) for x in self._list(v["list"])]
        if "dict" in v:
            out = {}
            for pair in self._list(v["dict"]):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise _fail(self.source, "bad dict entry")
                out[self.value(pair[0])] = self.value(pair[1])
            return out
        if "optimizer" in v or "lr_scheduler" in v:
            return self.obj(v)
        raise _fail(self.source, "unknown tag in %r" % (sorted(v),))

    def _list(self, v):
        if not isinstance(v, list):
            raise _fail(self.source, "expected a list")
        return v

    def obj(self, v):
        from .. import lr_scheduler
        from .optimizer import Optimizer
        if "optimizer" in v:
            cls = Optimizer.opt_registry.get(str(v["optimizer"]).lower())
        else:
            cls = getattr(lr_scheduler, str(v["lr_scheduler"]), None)
            if not (isinstance(cls, type) and issubclass(cls, lr_scheduler.LRScheduler)):
                cls = None
        if cls is None:
            raise _fail(self.source, "unknown class in %r" % (v,))
        attrs = v.get("attrs")
        if not isinstance(attrs, dict):
            raise _fail(self.source, "bad attributes")
        obj = cls.__new__(cls)
        obj.__dict__.update({str(k): self.value(x) for k, x in attrs.items()})
        if "optimizer" in v:
            obj.param_dict = {}
        return obj


def read_file(fname: str) -> bytes:
    """The bytes of a states file, after checking it is not a pickle (the error names it).

    >>> import os, pickle, tempfile
    >>> f = os.path.join(tempfile.mkdtemp(), 'old.states')
    >>> with open(f, 'wb') as out:
    ...     _ = out.write(pickle.dumps({}))
    >>> read_file(f)
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: MXNetError: optimizer states file '...old.states' is a pickle ...
    """
    with open(fname, "rb") as f:
        data = f.read()
    if is_pickle(data):
        loads(data, "optimizer states file '%s'" % fname)
    return data
