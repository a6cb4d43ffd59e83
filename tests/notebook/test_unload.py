"""``%unload_ext symnb`` removes what ``%load_ext symnb`` added, and loading again restores it."""
import pytest

from symnb.symbol import Symbol

MAGICS = {"line": {"symbol", "bind", "simple_bind", "forward", "backward", "executor"},
          "cell": {"symbol"}}


def ours(shell):
    return {kind: {name for name, f in table.items()
                   if type(getattr(f, "__self__", None)).__module__.startswith("symnb.")}
            for kind, table in shell.magics_manager.magics.items()}


@pytest.fixture
def reloaded(shell):
    """The session's shell, left as the other tests expect it: loaded afresh, after any
    monkeypatching was undone (so no formatter registered for a patched class survives)."""
    yield shell
    if "symnb" in shell.extension_manager.loaded:
        shell.run_line_magic("unload_ext", "symnb")
    shell.run_line_magic("load_ext", "symnb")


def test_unload_then_load_again(reloaded, monkeypatch):
    shell = reloaded
    # formatters are registered only for classes without their own _repr_mimebundle_
    monkeypatch.delattr(Symbol, "_repr_mimebundle_", raising=False)
    shell.run_line_magic("reload_ext", "symnb")
    formatter = shell.display_formatter.mimebundle_formatter
    assert Symbol in formatter.type_printers
    assert {k: v & MAGICS[k] for k, v in ours(shell).items()} == MAGICS

    assert shell.run_line_magic("unload_ext", "symnb") is None   # not "cannot be unloaded"
    assert "symnb" not in shell.extension_manager.loaded
    assert ours(shell) == {"line": set(), "cell": set()}
    assert not any(type(m).__module__.startswith("symnb.")
                   for m in shell.magics_manager.registry.values())
    assert Symbol not in formatter.type_printers
    assert not shell.run_cell("%%symbol\nx = var('x')").success

    shell.run_line_magic("load_ext", "symnb")
    assert {k: v & MAGICS[k] for k, v in ours(shell).items()} == MAGICS
    assert shell.run_cell("%%symbol\nx = var('x')").success


def test_unload_leaves_other_formatters_alone(reloaded):
    shell = reloaded
    formatter = shell.display_formatter.mimebundle_formatter

    class Other:
        pass

    def other_bundle(obj, include=None, exclude=None):
        return {"text/plain": "other"}

    formatter.for_type(Other, other_bundle)
    try:
        shell.run_line_magic("unload_ext", "symnb")
        assert formatter.type_printers.get(Other) is other_bundle
    finally:
        formatter.pop(Other, None)


def test_unload_removes_the_layers_event_callbacks_only(reloaded):
    shell = reloaded

    def ours_callback(result=None):
        pass

    def theirs_callback(result=None):
        pass

    ours_callback.__module__ = "symnb.notebook.live"     # as a live view would register
    shell.events.register("post_run_cell", ours_callback)
    shell.events.register("post_run_cell", theirs_callback)
    try:
        shell.run_line_magic("unload_ext", "symnb")
        callbacks = shell.events.callbacks["post_run_cell"]
        assert ours_callback not in callbacks and theirs_callback in callbacks
    finally:
        shell.events.unregister("post_run_cell", theirs_callback)
