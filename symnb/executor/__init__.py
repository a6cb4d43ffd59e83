"""``Executor``: a symbol bound to arrays; ``bind`` and ``simple_bind`` build one."""
from ._bind import bind, simple_bind
from .executor import Executor

__all__ = ["Executor", "bind", "simple_bind"]
