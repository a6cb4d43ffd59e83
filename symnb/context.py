"""Device contexts: ``mx.cpu()``, ``mx.gpu()``, ``with ctx:`` (spec ndarray.md 7)."""
from __future__ import annotations

import threading

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus"]


class Context:
    """A device and its id, e.g. ``cpu(0)`` or ``gpu(1)``.

    >>> Context('gpu', 1), Context('gpu', 1).device_typeid
    (gpu(1), 2)
    >>> with Context('cpu', 1):
    ...     current_context()
    cpu(1)
    """

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}
    _default = threading.local()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_type(self):
        """The device type as a string: ``'cpu'``, ``'gpu'``, ``'cpu_pinned'`` or ``'cpu_shared'``.

        >>> Context('gpu', 1).device_type, cpu_pinned().device_type
        ('gpu', 'cpu_pinned')
        """
        return Context.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __str__(self):
        return "%s(%d)" % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old_ctx

    @classmethod
    def _get_default(cls):
        return getattr(cls._default, "value", None) or Context("cpu", 0)

    default_ctx = property(lambda self: current_context())


# MXNet exposes ``Context.default_ctx`` as a class attribute holding cpu(0).
Context.default_ctx = Context("cpu", 0)


def cpu(device_id=0):
    """The CPU context.

    >>> cpu(), cpu(1)
    (cpu(0), cpu(1))
    """
    return Context("cpu", device_id)


def gpu(device_id=0):
    """A GPU context; creating it never fails, allocating on it needs CuPy and a GPU.

    >>> gpu(2)
    gpu(2)
    """
    return Context("gpu", device_id)


def cpu_pinned(device_id=0):
    """Pinned CPU memory context (treated as CPU memory).

    >>> cpu_pinned()
    cpu_pinned(0)
    """
    return Context("cpu_pinned", device_id)


def current_context():
    """The context that creation functions use when ``ctx`` is None.

    >>> current_context()
    cpu(0)
    """
    value = getattr(Context._default, "value", None)
    return value if value is not None else Context("cpu", 0)


def num_gpus():
    """Number of GPUs CuPy can see (0 when CuPy or a GPU is missing).

    >>> isinstance(num_gpus(), int)
    True
    """
    try:
        import cupy  # noqa: F401  -- imported lazily: the core must not need CuPy
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return 0
