"""``mx.util``: numpy-shape semantics switches (symnb follows legacy shape semantics)."""
from __future__ import annotations

import functools
import threading

__all__ = ["is_np_shape", "set_np_shape", "np_shape", "use_np_shape"]

_state = threading.local()


def is_np_shape() -> bool:
    """Whether numpy shape semantics are on (0 is a real dim size, () a real 0-d shape).

    >>> is_np_shape()
    False
    """
    return getattr(_state, "value", False)


def set_np_shape(active: bool) -> bool:
    """Switch numpy shape semantics; returns the previous setting.

    >>> set_np_shape(False)
    False
    """
    prev = is_np_shape()
    _state.value = bool(active)
    return prev


class np_shape:  # noqa: N801 -- MXNet's name
    """Context manager for numpy shape semantics.

    >>> with np_shape(True):
    ...     is_np_shape()
    True
    """

    def __init__(self, active=True):
        self._active = active
        self._prev = None

    def __enter__(self):
        self._prev = set_np_shape(self._active)
        return self

    def __exit__(self, *exc):
        set_np_shape(self._prev)


def use_np_shape(func):
    """Decorator running ``func`` with numpy shape semantics on.

    >>> use_np_shape(is_np_shape)()
    True
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np_shape(True):
            return func(*args, **kwargs)
    return wrapper


def getenv(name):
    """An environment variable's value, or None.

    >>> getenv('SYMNB_SURELY_UNSET_VARIABLE') is None
    True
    """
    import os
    return os.environ.get(name)


def setenv(name, value):
    """Set (or with None, unset) an environment variable.

    >>> setenv('SYMNB_UTIL_DOCTEST', '1'); getenv('SYMNB_UTIL_DOCTEST')
    '1'
    >>> setenv('SYMNB_UTIL_DOCTEST', None)
    """
    import os
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def get_gpu_count():
    """Number of GPUs visible (through CuPy; 0 without CuPy or a GPU), as MXNet's.

    >>> isinstance(get_gpu_count(), int)
    True
    """
    from .context import num_gpus
    return num_gpus()


def get_gpu_memory(gpu_dev_id):
    """``(free, total)`` bytes of GPU ``gpu_dev_id``.

    Raises MXNetError, as a CUDA-less MXNet does, when no GPU can be used.

    >>> import symnb as mx
    >>> if mx.util.get_gpu_count() == 0:
    ...     try:
    ...         get_gpu_memory(0)
    ...     except mx.MXNetError as e:
    ...         print(e)
    ... else:
    ...     print('This call is only supported for MXNet built with CUDA support.')
    This call is only supported for MXNet built with CUDA support.
    """
    from .base import MXNetError
    if get_gpu_count() == 0:
        raise MXNetError("This call is only supported for MXNet built with CUDA support.")
    import cupy
    with cupy.cuda.Device(gpu_dev_id):
        free, total = cupy.cuda.runtime.memGetInfo()
    return int(free), int(total)


def get_cuda_compute_capability(ctx):
    """The CUDA compute capability of a gpu context (70 for ``sm_70``).

    >>> import symnb as mx
    >>> get_cuda_compute_capability(mx.cpu())
    Traceback (most recent call last):
    ...
    ValueError: Expecting a gpu context to get cuda compute capability, while received ctx cpu(0)
    """
    if ctx.device_type != "gpu":
        raise ValueError("Expecting a gpu context to get cuda compute capability, "
                         "while received ctx {}".format(str(ctx)))
    import cupy
    # CuPy gives the capability as text: '70' for sm_70
    return int(cupy.cuda.Device(ctx.device_id).compute_capability)
