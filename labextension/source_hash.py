"""The sha256 of the renderer's sources; `npm run build` stores it next to the build output so a
test can tell when the committed build no longer matches the sources."""
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = [HERE / "src" / "index.js", HERE / "style" / "index.css",
           HERE.parent / "symnb" / "notebook" / "_static" / "widget.js",
           HERE.parent / "symnb" / "notebook" / "_static" / "widget.css"]


def source_hash() -> str:
    digest = hashlib.sha256()
    for path in SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    print(source_hash())
