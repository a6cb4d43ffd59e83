"""``mx.nd`` / ``mx.ndarray``: NDArray, creation functions, ``.params`` files, operators."""
from .ndarray import NDArray, array, empty, ones, waitall, zeros  # noqa: F401
