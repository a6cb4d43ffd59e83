"""A real JupyterLab on loopback, driven by Playwright with Debian's chromium.

The server runs from this interpreter with a random port and token, a temporary root directory
(copies of the tutorials), and temporary Jupyter config, data, settings and workspace
directories. The data directory links ``labextensions/symnb-graph`` to this tree's build
(``symnb/notebook/labextension``) and is first on JUPYTER_PATH, so it shadows any copy installed
in the venv;
the kernel imports symnb from this tree (PYTHONPATH). Screenshots go to the artifacts directory
the session prints (``$SYMNB_LAB_ARTIFACTS`` or ``<pytest tmp>/lab-artifacts``).

Without chromium or Playwright the tests skip, except under CI=true, where that fails them.
"""
from __future__ import annotations

import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import find_chromium

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "symnb" / "notebook" / "labextension"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# quiet, reproducible Lab: no news or update checks, no autosave racing the tests
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}


def _missing(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(why + " (CI must run the real-JupyterLab tests)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` in a temporary world; ``url(path)`` carries the token."""

    def __init__(self, base: pathlib.Path):
        self.base = base
        self.root = base / "root"
        self.root.mkdir()
        data = base / "data"
        (data / "labextensions").mkdir(parents=True)
        (data / "labextensions" / "symnb-graph").symlink_to(BUILD)
        settings = base / "settings"
        for name, value in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        # JUPYTER_PATH comes first in every lookup (a venv's own share/jupyter otherwise
        # wins over JUPYTER_DATA_DIR), so this build shadows any installed symnb-graph
        self.env = {**os.environ, "JUPYTER_DATA_DIR": str(data), "JUPYTER_PATH": str(data),
                    "JUPYTER_CONFIG_DIR": str(base / "config"),
                    "JUPYTERLAB_SETTINGS_DIR": str(settings),
                    "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
                    "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
                    "IPYTHONDIR": str(base / "ipython"),
                    "PYTHONPATH": os.pathsep.join(
                        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(
                            os.pathsep) if p]),
                    "JUPYTER_PLATFORM_DIRS": "1"}
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log = open(base / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             "--ServerApp.port=%d" % self.port, "--ServerApp.port_retries=0",
             "--IdentityProvider.token=%s" % self.token,
             "--ServerApp.root_dir=%s" % self.root, "--LabApp.expose_app_in_browser=True",
             "--ServerApp.open_browser=False", "--ServerApp.allow_root=True"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=str(self.root))
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("jupyter lab exited: " + self.read_log()[-3000:])
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("jupyter lab did not start: " + self.read_log()[-3000:])

    def read_log(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.base / "server.log").read_text()

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return "http://127.0.0.1:%d/%s%stoken=%s" % (self.port, path, sep, self.token)

    def copy(self, name: str, as_name: str | None = None) -> str:
        target = self.root / (as_name or name)
        shutil.copy(NOTEBOOKS / name, target)
        return target.name

    def trust(self, name: str):
        subprocess.run([sys.executable, "-m", "jupyter", "trust", str(self.root / name)],
                       env=self.env, check=True, capture_output=True)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> pathlib.Path:
    path = pathlib.Path(os.environ.get("SYMNB_LAB_ARTIFACTS") or
                        tmp_path_factory.getbasetemp() / "lab-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    print("\nreal-JupyterLab screenshots: %s" % path)
    return path


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    if find_chromium() is None:
        _missing("no chromium on PATH (`apt-get install chromium`)")
    try:
        import jupyterlab  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        _missing("%s is not installed (the test extra has it)" % err.name)
    server = LabServer(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        # Debian's chromium (/usr/bin/chromium): Playwright never downloads a browser here
        chromium = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
