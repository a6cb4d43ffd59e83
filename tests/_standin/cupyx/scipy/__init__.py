"""``cupyx.scipy`` of the CPU stand-in."""
from . import special  # noqa: F401
