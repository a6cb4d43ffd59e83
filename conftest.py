"""Root pytest configuration: every test and doctest starts with fresh auto-name counters,
so examples read ``fullyconnected0`` whatever ran before them (as in a fresh interpreter)."""
import pytest


@pytest.fixture(autouse=True)
def _fresh_name_counters():
    import symnb as mx
    with mx.name.NameManager():
        yield


# The recorders run only in the MXNet 1.9.1 venv (they import mxnet); collecting them for
# doctests would import mxnet here.
collect_ignore_glob = ["tests/*/record*.py"]
