"""Headless Chromium for the browser tests: a loopback page server and a DOM read-back.

Pages are served over http://127.0.0.1:<ephemeral port> (ES modules do not load from file://)
straight from the working tree, so the tests exercise the committed ``widget.js``, the lab
renderer's source and its built bundle, never copies. A page reports script errors into
``#errors`` and sets ``data-done`` on <body> when its script finished; ``Browser.render`` fails
the test on either, so a page that broke half-way cannot pass.
"""
from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import pathlib
import shutil
import subprocess
import threading
import urllib.parse

import pytest

from ._dom import Element, parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
# only what the pages load is served, not the whole working tree
SERVED = ("/symnb/notebook/_static/", "/symnb/notebook/labextension/", "/labextension/src/",
          "/tests/browser/")
CHROMIUM_NAMES = ("chromium", "chromium-browser")     # the names `make test` checks

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">%(importmap)s
<link rel="stylesheet" href="/symnb/notebook/_static/widget.css"></head>
<body><pre id="errors"></pre><div id="stages"></div>
<script>
  // capture phase, so failed module or resource loads are reported as well as exceptions
  const report = (text) => { document.getElementById("errors").textContent += text + "\\n"; };
  addEventListener("error", (e) => report(e.message ||
    "failed to load " + (e.target && (e.target.src || e.target.href))), true);
  addEventListener("unhandledrejection", (e) =>
    report("unhandled rejection: " + ((e.reason && e.reason.stack) || e.reason)));
</script>
<script type="application/json" id="fixture">%(fixture)s</script>
<script type="module">%(script)s</script>
</body></html>"""


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser's path; skips without one, except under CI=true, where that is a failure."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no headless chromium on PATH: CI must run the browser tests "
                        "(`make test` installs it with apt-get when run as root)")
        pytest.skip("no headless chromium on PATH (`apt-get install chromium` to run these)")
    return path


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        self.server.requested.append(path)
        if path in self.server.pages:
            body = self.server.pages[path].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path.startswith(SERVED):
            super().do_GET()
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


class Browser:
    """Renders pages in headless Chromium and returns their DOM after the scripts ran."""

    def __init__(self, executable: str, profile: pathlib.Path):
        self.executable, self.profile = executable, profile
        handler = functools.partial(_Handler, directory=str(ROOT))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.pages, self.server.requested = {}, []
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self._numbers = itertools.count()

    @property
    def requested(self) -> list[str]:
        """Paths the browser fetched so far."""
        return self.server.requested

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def render(self, script: str, fixture=None, importmap: dict | None = None) -> Element:
        """Run ``script`` (an ES module; ``harness.js`` is at /tests/browser/harness.js) on a
        page holding ``fixture`` as JSON, and return the page's DOM once it settled."""
        path = "/__page__/%d.html" % next(self._numbers)
        self.server.pages[path] = PAGE % {
            # JSON inside <script>: "<" only occurs in strings, where \\u003c is the same text
            "fixture": json.dumps(fixture).replace("<", "\\u003c"),
            "importmap": ('<script type="importmap">%s</script>' % json.dumps(
                {"imports": importmap})) if importmap else "",
            "script": script,
        }
        url = "http://127.0.0.1:%d%s" % (self.server.server_address[1], path)
        command = [self.executable, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-first-run", "--disable-extensions", "--user-data-dir=%s" % self.profile,
                   "--virtual-time-budget=10000", "--dump-dom", url]
        run = subprocess.run(command, capture_output=True, text=True, timeout=90)
        assert run.returncode == 0 and "<body" in run.stdout, (
            "chromium failed (rc %d): %s" % (run.returncode, run.stderr[-2000:]))
        page = parse(run.stdout)
        errors = page.find(id="errors").text().strip()
        assert not errors, "the page reported errors:\n" + errors
        assert page.find("body").attrs.get("data-done") == "1", "the page script did not finish"
        return page


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    served = Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))
    yield served
    served.close()
