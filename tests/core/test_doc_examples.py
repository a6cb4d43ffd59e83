"""Every audited public callable carries its own docstring example (``tests/core/doc_audit.py``
says what is audited and why); ``--doctest-modules`` then runs each one."""

from tests.core import doc_audit


def test_every_public_callable_has_an_example():
    missing = doc_audit.missing()
    assert not missing, "%d public callables without a '>>>' example, e.g.:\n%s" % (
        len(missing), "\n".join(missing[:40]))


def test_the_audit_sees_methods_properties_and_classes():
    names = dict(doc_audit.audited())
    for name in ("symnb.symbol.symbol.Symbol.infer_shape",      # a method
                 "symnb.executor.executor.Executor.arg_dict",     # a property
                 "symnb.module.module.Module",                    # a class
                 "symnb.io.io.NDArrayIter.reset",                 # an override
                 "symnb.symbol.symbol.Symbol.exp"):               # a generated fluent method
        assert name in names, name
    # operator implementations and generated operator functions are audited on their classes
    assert not any(n.startswith("symnb.ops.") for n in names)


def test_an_example_must_be_in_the_objects_own_docstring():
    def documented():
        """Doubles.

        >>> 1 + 1
        2
        """

    def bare():
        """Doubles (no example)."""

    assert ">>>" in doc_audit._own_doc(documented)
    assert ">>>" not in doc_audit._own_doc(bare)
