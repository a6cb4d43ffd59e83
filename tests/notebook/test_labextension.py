"""The committed JupyterLab build is complete and matches its sources."""
import json
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "symnb" / "notebook" / "labextension"


def test_build_is_a_loadable_prebuilt_extension():
    meta = json.loads((BUILD / "package.json").read_text())
    assert meta["name"] == "symnb-graph" and meta["jupyterlab"]["mimeExtension"]
    assert (BUILD / meta["jupyterlab"]["_build"]["load"]).is_file()
    assert (BUILD / "install.json").is_file()


def test_build_matches_the_sources():
    source_hash = runpy.run_path(str(ROOT / "labextension" / "source_hash.py"))["source_hash"]
    assert (BUILD / "source-hash.txt").read_text().strip() == source_hash(), (
        "labextension sources changed: rebuild with `cd labextension && npm run build`")
