"""Test the package a user installs, not the checkout: ``make test-wheel`` (run by ``make test``).

1. ``python -m build``: the sdist, then the wheel built *from the sdist*, so the sdist must hold
   everything a build needs. No Node: the JupyterLab build is committed (skip-if-exists).
2. The sdist ships the package, the extension's sources and build, and no test data.
3. A fresh venv gets ``<wheel>[notebook]`` and runs wheel_smoke.py there: ``%load_ext symnb``,
   ``plot_network`` without Graphviz's ``dot``, the ``symnb`` command.
4. ``<wheel>[lab]`` adds JupyterLab: ``jupyter labextension list`` shows symnb-graph.
5. Where npm is available: the sdist unpacked elsewhere, its JupyterLab build deleted, builds a
   wheel again (the hook runs ``npm install`` and ``npm run build`` in labextension/); the
   rebuilt extension must equal the committed one byte for byte, so a stale build or one that
   depends on the checkout path fails here. ``SKIP_NODE=1`` skips this step (so do a missing
   npm and an unreachable npm registry, with a line saying so).

pip and npm reuse their caches, so a run takes about a minute or two. Prints one line per
check and a closing ``N passed, N failed``; exits 1 on any failure.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "test-wheel"
BUILD = "symnb/notebook/labextension"
EXT_NAME = json.loads((ROOT / BUILD / "package.json").read_text())["name"]
SHARE = "share/jupyter/labextensions/%s/" % EXT_NAME
REBUILD = "cd labextension && npm ci && PATH=../.venv/bin:$PATH npm run build"
results: list[bool] = []


def say(ok: bool, name: str, detail: str = "") -> None:
    results.append(ok)
    print("%-5s %s%s" % ("ok" if ok else "FAIL", name, "  (%s)" % detail if detail else ""),
          flush=True)


def run(command, *, cwd=None, env=None, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True)
    if check and done.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s%s" % (
            " ".join(str(c) for c in command), done.returncode, done.stdout[-4000:],
            done.stderr[-4000:]))
    return done


def clean_env(**extra) -> dict:
    """The environment without this checkout's Python settings (a user's shell)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(extra)
    return env


def timed(name):
    def wrap(step):
        start = time.perf_counter()
        try:
            detail = step()
        except Exception as e:                          # noqa: BLE001 -- reported, then exit 1
            say(False, name, str(e))
            return None
        say(True, name, ("%s; " % detail if detail else "") +
            "%.0f s" % (time.perf_counter() - start))
        return detail
    return wrap


def build_dists() -> tuple[Path, Path]:
    dist = WORK / "dist"
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], env=clean_env())
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    return sdist, wheel


def node_unavailable() -> str:
    """Why the Node rebuild cannot run here ('' when it can)."""
    if os.environ.get("SKIP_NODE") == "1":
        return "SKIP_NODE=1"
    if shutil.which("npm") is None:
        return "npm not found"
    try:
        pong = subprocess.run(["npm", "ping"], capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "the npm registry does not answer"
    return "" if pong.returncode == 0 else "the npm registry does not answer"


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    dists = {}

    @timed("python -m build: sdist, then the wheel from the sdist, without Node")
    def _():
        dists["sdist"], dists["wheel"] = build_dists()
        names = zipfile.ZipFile(dists["wheel"]).namelist()
        shared = [n for n in names if SHARE in n]
        assert any(n.endswith(SHARE + "package.json") for n in shared), names
        assert any(n.endswith(SHARE + "install.json") for n in shared), names
        return "%s, %d extension files" % (dists["wheel"].name, len(shared))

    if "wheel" not in dists:
        return finish()

    @timed("the sdist ships the package and the extension's sources, no tests")
    def _():
        names = tarfile.open(dists["sdist"]).getnames()
        top = {n.split("/")[1] for n in names if n.count("/") >= 1}
        assert {"symnb", "labextension", "pyproject.toml", "README.md"} <= top, top
        assert "tests" not in top and "notebooks" not in top, top
        needed = ["labextension/package.json", "labextension/package-lock.json",
                  "labextension/src/index.js", BUILD + "/package.json"]
        for path in needed:
            assert any(n.endswith("/" + path) for n in names), path
        assert not any("node_modules" in n for n in names)
        return "%d files" % len(names)

    fresh = WORK / "venv"
    python = fresh / "bin" / "python"

    @timed("a fresh venv with <wheel>[notebook]")
    def _():
        venv.create(fresh, with_pip=True, clear=True)
        run([python, "-m", "pip", "install", "-q", "--no-compile",
             "%s[notebook]" % dists["wheel"]], env=clean_env())
        return "no jupyterlab" if run([python, "-c", "import jupyterlab"], check=False,
                                      env=clean_env()).returncode else "jupyterlab present?"

    smoke = WORK / "smoke"
    smoke.mkdir()
    done = run([python, ROOT / "tests" / "packaging" / "wheel_smoke.py", smoke], cwd=smoke,
               env=clean_env(), check=False)
    print("\n".join("      " + line for line in done.stdout.splitlines()), flush=True)
    say(done.returncode == 0, "wheel_smoke.py in the fresh venv", done.stderr.strip()[-2000:])

    @timed("<wheel>[lab]: jupyter labextension list shows %s" % EXT_NAME)
    def _():
        run([python, "-m", "pip", "install", "-q", "--no-compile", "%s[lab]" % dists["wheel"]],
            env=clean_env())
        listed = run([fresh / "bin" / "jupyter", "labextension", "list"], env=clean_env())
        text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)   # colours
        line = next((ln.strip() for ln in text.splitlines() if EXT_NAME in ln), "")
        assert " enabled" in line and "OK" in line and "python, symnb" in line, text
        return line

    why_not = node_unavailable()
    if why_not:
        print("skip  the extension rebuilt from the sdist (%s)" % why_not)
    else:
        @timed("the extension rebuilt from the sdist elsewhere equals the committed build")
        def _():
            tree = WORK / "elsewhere" / "a-different-path"
            tree.mkdir(parents=True)
            with tarfile.open(dists["sdist"]) as sdist:
                sdist.extractall(tree, filter="data")
            (source,) = tree.iterdir()
            shutil.rmtree(source / BUILD)
            out = WORK / "rebuilt"
            run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source],
                env=clean_env())
            (wheel,) = out.glob("*.whl")
            rebuilt = {}
            with zipfile.ZipFile(wheel) as archive:
                for name in archive.namelist():
                    if SHARE in name:
                        rebuilt[name.split(SHARE, 1)[1]] = archive.read(name)
            committed = {p.relative_to(ROOT / BUILD).as_posix(): p.read_bytes()
                         for p in (ROOT / BUILD).rglob("*") if p.is_file()}
            if rebuilt != committed:
                differ = sorted(k for k in set(rebuilt) | set(committed)
                                if rebuilt.get(k) != committed.get(k))
                raise AssertionError("the committed build is stale or depends on its path; "
                                     "files that differ: %s. Rebuild: %s"
                                     % (", ".join(differ), REBUILD))
            return "%d files identical" % len(committed)

    return finish()


def finish() -> int:
    print("test-wheel: %d passed, %d failed" % (sum(results), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
