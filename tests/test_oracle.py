"""Every case recorded from real MXNet 1.9.1 (../shared/oracle) replays through symnb."""
from __future__ import annotations

import importlib.util
import json

import pytest

from .conftest import shared_path


def _check_module():
    path = shared_path("oracle", "check.py")
    spec = importlib.util.spec_from_file_location("oracle_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases():
    try:
        root = shared_path("oracle", "cases")
    except BaseException:      # skip/fail is raised at collection time otherwise
        return ["<missing>"]
    return sorted(p.name for p in root.iterdir() if (p / "meta.json").exists())


@pytest.mark.parametrize("case", _cases())
def test_oracle_case(case, ctx):
    import symnb as mx
    check = _check_module()
    cdir = shared_path("oracle", "cases", case)
    meta = json.loads((cdir / "meta.json").read_text())
    engine = check.Engine("symnb", load_json=mx.sym.load_json,
                          array=lambda a: mx.nd.array(a, ctx=ctx, dtype=a.dtype), ctx=ctx,
                          waitall=mx.nd.waitall)
    actual, problems = check.run_case(engine, str(cdir), meta)
    ok, _, _, _, msgs = check.compare(actual, str(cdir), meta)
    assert not problems and ok, "\n".join(problems + msgs)


@pytest.mark.parametrize("case", _cases())
def test_oracle_structure(case):
    check = _check_module()
    cdir = shared_path("oracle", "cases", case)
    meta = json.loads((cdir / "meta.json").read_text())
    _, problems = check.run_case(check.symnb_engine(), str(cdir), meta, structure_only=True)
    assert not problems, "\n".join(problems)
