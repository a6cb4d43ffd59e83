"""The committed JupyterLab build: stamped with its sources' fingerprint, and a stale one caught.

A full rebuild compared byte for byte with the committed build (which also proves the output
does not depend on the checkout path) runs in ``make test-wheel`` where npm is available.
"""
import json
import runpy
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "symnb" / "notebook" / "labextension"
HASH = runpy.run_path(str(ROOT / "labextension" / "source_hash.py"))


@pytest.fixture
def tree(tmp_path):
    """A copy of everything the fingerprint covers, with the committed build's stamp."""
    copy = tmp_path / "project"
    for path in HASH["sources"](ROOT):
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (copy / HASH["BUILD"]).mkdir(parents=True)
    shutil.copyfile(BUILD / "source-hash.txt", copy / HASH["BUILD"] / "source-hash.txt")
    return copy


def test_the_committed_build_matches_its_sources():
    assert HASH["stale_message"](ROOT) is None, HASH["stale_message"](ROOT)


def test_the_fingerprint_covers_sources_and_build_config():
    covered = {p.relative_to(ROOT).as_posix() for p in HASH["sources"](ROOT)}
    assert {"labextension/src/index.js", "labextension/style/index.css",
            "symnb/notebook/_static/widget.js", "symnb/notebook/_static/widget.css",
            "labextension/package.json", "labextension/package-lock.json",
            "labextension/rspack.config.js"} <= covered


def test_the_fingerprint_does_not_depend_on_the_checkout_path(tree, tmp_path):
    elsewhere = tmp_path / "somewhere" / "else"
    shutil.copytree(tree, elsewhere)
    assert HASH["source_hash"](tree) == HASH["source_hash"](elsewhere) == HASH["source_hash"]()


@pytest.mark.parametrize("change", ["edit widget.js", "add a source file", "rename a source",
                                    "change the lock"])
def test_a_stale_build_is_caught(tree, change):
    assert HASH["stale_message"](tree) is None
    static = tree / "symnb" / "notebook" / "_static"
    if change == "edit widget.js":
        widget = static / "widget.js"
        widget.write_bytes(widget.read_bytes() + b"\n// changed\n")
    elif change == "add a source file":
        (tree / "labextension" / "src" / "panel.js").write_text("export const x = 1;\n")
    elif change == "rename a source":
        (static / "widget.css").rename(static / "widget2.css")
    else:
        lock = tree / "labextension" / "package-lock.json"
        lock.write_text(lock.read_text().replace('"lockfileVersion": 3', '"lockfileVersion": 2'))
    message = HASH["stale_message"](tree)
    assert message is not None and "older than its sources" in message
    assert HASH["REBUILD"] in message


def test_an_unstamped_build_is_caught(tree):
    (tree / HASH["BUILD"] / "source-hash.txt").unlink()
    assert "missing or unstamped" in HASH["stale_message"](tree)


def test_stamp_records_the_fingerprint_and_install_json(tree):
    (tree / "labextension" / "install.json").write_text('{"packageName": "symnb"}\n')
    (tree / "labextension" / "src" / "index.js").write_text("// new\n")
    assert HASH["stale_message"](tree) is not None
    HASH["stamp"](tree)
    assert HASH["stale_message"](tree) is None
    assert json.loads((tree / HASH["BUILD"] / "install.json").read_text()) == {
        "packageName": "symnb"}


def test_the_build_holds_no_path_of_the_machine_it_was_built_on():
    for path in BUILD.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            for marker in (str(ROOT), "/home/", "/tmp/", "/work/", "node_modules/."):
                assert marker not in text, (path.name, marker)
