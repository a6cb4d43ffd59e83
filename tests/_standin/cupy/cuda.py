"""``cupy.cuda`` of the CPU stand-in: one device (id 0), synchronous, 16 GiB."""
from __future__ import annotations

import types

_TOTAL = 16 << 30


class CUDARuntimeError(RuntimeError):
    pass


class Device:
    """``cupy.cuda.Device``: a context manager; only device 0 exists."""

    def __init__(self, device=None):
        self.id = 0 if device is None else int(device)
        if self.id != 0:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")

    compute_capability = "90"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def use(self):
        pass

    def synchronize(self):
        pass

    @property
    def mem_info(self):
        return runtime.memGetInfo()

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return "<CUDA Device %d>" % self.id


def _get_device_count():
    return 1


def _mem_get_info():
    return (_TOTAL - (1 << 30), _TOTAL)


def _properties(device):
    Device(device)
    return {"name": b"CPU stand-in for CuPy (tests/_standin)", "totalGlobalMem": _TOTAL,
            "major": 9, "minor": 0}


runtime = types.SimpleNamespace(getDeviceCount=_get_device_count, memGetInfo=_mem_get_info,
                                getDeviceProperties=_properties,
                                runtimeGetVersion=lambda: 12080, driverGetVersion=lambda: 12080,
                                CUDARuntimeError=CUDARuntimeError,
                                deviceSynchronize=lambda: None)


class Stream:
    null = None

    def __init__(self, non_blocking=False):
        pass

    def synchronize(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


Stream.null = Stream()


def get_current_stream():
    return Stream.null
