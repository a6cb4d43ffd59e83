"""Real graphs and values to mutate: tests/zoo's recorded model-zoo graphs (in the repo) and,
where present, the oracle's recorded cases (../shared/oracle)."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
ZOO = ROOT / "tests" / "zoo" / "data"
_ORACLE_DIRS = (ROOT / ".." / "shared" / "oracle" / "cases",)

# the characters that break writers: markup, quotes, backslashes, controls, surrogates
NASTY = list('<>&"\'\\/:;=,{}[]()#%*|') + ["\x00", "\x01", "\x07", "\x1b", "\n", "\r", "\t",
                                          "\x7f", "\ud800", "\udfff", "\u2028", "\ufeff",
                                          "\ufffe", "é", "\U0001f600", "-->", "]]>", "\\\""]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.characters()), max_size=10).map(
    "".join)


@functools.lru_cache(maxsize=None)
def graphs():
    """``[(name, json text, {input: shape})]``, small graphs first."""
    found = []
    for meta_path in sorted(ZOO.glob("*-meta.json")):
        meta = json.loads(meta_path.read_text())
        text = (ZOO / meta_path.name.replace("-meta.json", "-symbol.json")).read_text()
        found.append((meta["name"], text, {k: tuple(v) for k, v in meta["shapes"].items()}))
    oracle = next((d for d in _ORACLE_DIRS if d.is_dir()), None)
    if oracle is not None:
        for case in sorted(oracle.iterdir()):
            if not (case / "symbol.json").exists() or not (case / "meta.json").exists():
                continue
            meta = json.loads((case / "meta.json").read_text())
            inputs = meta.get("infer_shape", {}).get("inputs", {})
            found.append((case.name, (case / "symbol.json").read_text(),
                          {k: tuple(v) for k, v in inputs.items()}))
    return sorted(found, key=lambda g: len(g[1]))
