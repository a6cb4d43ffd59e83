"""Which public functions, classes and methods of symnb lack a docstring example (``>>>``).

The standard: every public function has a docstring with a tiny example, run as a doctest.
This walks every public module (no ``_`` in its dotted path), takes what it exposes (its
``__all__``, else its names without a leading ``_``), keeps classes and functions that symnb
defines, and for classes also their own public methods and properties. Each one's *own*
docstring must hold an example.

Not audited, each for a stated reason:

- the operator implementations (``symnb.ops``): an operator's examples are on its class, and
  ``tests/ops`` checks each registered operator's class;
- the graph IR and the inference pass (``symnb.graph``, ``symnb.inference``): internal
  machinery, not imported by users (their modules say so);
- generated operator functions (``mx.sym.*``, ``mx.nd.*`` and their sub-namespaces): their
  docstrings point at the operator class whose examples run once, there.

    python tests/core/doc_audit.py [PREFIX ...]     # missing ones, under these module prefixes
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

EXEMPT_DEFINERS = ("symnb.ops", "symnb.graph", "symnb.inference")


def _public_module(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split(".")[1:])


def _exempt(defined_in: str) -> bool:
    return any(defined_in == p or defined_in.startswith(p + ".") for p in EXEMPT_DEFINERS)


def _own_doc(obj) -> str:
    return inspect.cleandoc(getattr(obj, "__doc__", None) or "")


def audited():
    """``[(qualified name, object)]`` of every audited public callable, sorted."""
    import symnb
    found = {}
    modules = [symnb] + [importlib.import_module(m.name)
                         for m in pkgutil.walk_packages(symnb.__path__, "symnb.")
                         if _public_module(m.name) and "labextension" not in m.name]
    for module in modules:
        names = getattr(module, "__all__", None) or [n for n in vars(module)
                                                     if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            defined_in = getattr(obj, "__module__", "") or ""
            if not defined_in.startswith("symnb") or _exempt(defined_in) \
                    or hasattr(obj, "__wrapped_op__"):
                continue
            found.setdefault("%s.%s" % (defined_in, obj.__qualname__), obj)
            if not inspect.isclass(obj):
                continue
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, property):
                    member = member.fget
                member = getattr(member, "__func__", member)   # static and class methods
                if inspect.isfunction(member) and not hasattr(member, "__wrapped_op__"):
                    found.setdefault("%s.%s.%s" % (defined_in, obj.__qualname__, attr),
                                     member)
    return sorted(found.items())


def missing(prefixes=()):
    """Qualified names of the audited callables whose own docstring has no ``>>>`` example.

    >>> isinstance(missing(("symnb.context",)), list)
    True
    """
    return [name for name, obj in audited()
            if (not prefixes or name.startswith(tuple(prefixes)))
            and ">>>" not in _own_doc(obj)]


if __name__ == "__main__":
    names = missing(sys.argv[1:])
    print("\n".join(names))
    print("%d without an example" % len(names), file=sys.stderr)
