"""The fingerprint of everything the JupyterLab build is made from, and the build's stamp of it.

``npm run build`` ends with ``python3 source_hash.py --stamp``, which writes the fingerprint of
the sources into the build (``symnb/notebook/labextension/source-hash.txt``) and copies
``install.json`` there. A test (tests/packaging/test_labextension.py) and ``make run``
(``--check``) compare it with the sources, so a build older than its sources is caught.

The fingerprint covers the renderer's sources, the widget module it imports, and the build
configuration (package.json, the npm lock, rspack.config.js), with paths relative to the
project root: the same tree hashes the same wherever it is checked out.

Usage: ``python3 source_hash.py`` prints the fingerprint; ``--stamp`` records it in the build;
``--check`` exits 1 with the rebuild command when the build is stale. Standard library only.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ("package.json", "package-lock.json", "rspack.config.js")
SOURCE_DIRS = ("labextension/src", "labextension/style", "symnb/notebook/_static")
BUILD = "symnb/notebook/labextension"
REBUILD = "cd labextension && npm ci && PATH=../.venv/bin:$PATH npm run build"


def sources(root: Path = ROOT) -> list[Path]:
    """Every file the build depends on, in a fixed order."""
    files = [root / "labextension" / name for name in CONFIG]
    for folder in SOURCE_DIRS:
        files += sorted(p for p in (root / folder).rglob("*")
                        if p.is_file() and not p.name.startswith("."))
    return files


def source_hash(root: Path = ROOT) -> str:
    """The sha256 of the sources' relative paths and contents."""
    digest = hashlib.sha256()
    for path in sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_hash(root: Path = ROOT) -> str | None:
    """The fingerprint the build was stamped with, or None when there is no build."""
    stamp = root / BUILD / "source-hash.txt"
    return stamp.read_text().strip() if stamp.is_file() else None


def stale_message(root: Path = ROOT) -> str | None:
    """None when the build matches its sources; else what is wrong and how to fix it."""
    recorded = recorded_hash(root)
    if recorded is None:
        return ("the JupyterLab build %s is missing or unstamped (made by a bare `jupyter "
                "labextension build`?): rebuild with `%s`" % (BUILD, REBUILD))
    if recorded != source_hash(root):
        return ("the JupyterLab build %s is older than its sources (labextension/, "
                "symnb/notebook/_static/): rebuild with `%s` and commit the result"
                % (BUILD, REBUILD))
    return None


def stamp(root: Path = ROOT) -> None:
    """Record the fingerprint in the build and complete it with install.json."""
    build = root / BUILD
    shutil.copyfile(root / "labextension" / "install.json", build / "install.json")
    (build / "source-hash.txt").write_text(source_hash(root) + "\n")


if __name__ == "__main__":
    if "--stamp" in sys.argv[1:]:
        stamp()
    elif "--check" in sys.argv[1:]:
        problem = stale_message()
        if problem:
            sys.exit(problem)
    else:
        print(source_hash())
