"""A test IPython shell with the extension loaded; each test starts from an empty namespace."""
import pytest

pytest.importorskip("IPython")


@pytest.fixture(scope="session")
def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.testing.globalipapp import start_ipython
    if InteractiveShell.initialized() and type(InteractiveShell.instance()) is InteractiveShell:
        # the magics' doctests drive a plain shell; collected first (``pytest symnb tests``),
        # it would make start_ipython's test shell a second instance
        InteractiveShell.clear_instance()
    shell = start_ipython()
    shell.run_line_magic("load_ext", "symnb")
    return shell


@pytest.fixture
def shell(_shell):
    _shell.reset(new_session=False)
    _shell.run_cell("import symnb as mx")
    return _shell


@pytest.fixture
def user_names(shell):
    """The user's own names (IPython's hidden bookkeeping left out)."""
    def names():
        hidden = shell.user_ns_hidden
        return {k for k in shell.user_ns if k not in hidden and not k.startswith("_")}
    return names
