"""What ``jupyter nbconvert --execute`` makes of a live executor view (documented in
docs/DESIGN.md): the executed notebook keeps the static picture beside the widget view; the
HTML export shows the widget placeholder by default and the picture with symnb's
``StaticPictures`` preprocessor."""
import base64
import os
import pathlib
import re
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbconvert")
pytest.importorskip("anywidget")

pytestmark = pytest.mark.slow
ROOT = pathlib.Path(__file__).resolve().parents[2]
CODE = """
import numpy as np
import symnb as mx
from symnb.notebook import ExecutorWidget
A, B = mx.sym.var('A'), mx.sym.var('B')
ex = (A * B).simple_bind(mx.cpu(), A=(1,), B=(1,))
_ = ex.forward(A=np.ones(1) * 10, B=np.ones(1) * 2)
ExecutorWidget(ex)
"""


VIEW_TAG = '<script type="application/vnd.jupyter.widget-view+json">'


def _convert(tmp_path, *args):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE.strip())])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "live.ipynb"
    nbformat.write(nb, path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--execute", *args,
                    "--output-dir", str(tmp_path), str(path)], check=True, env=env,
                   capture_output=True, cwd=str(tmp_path), timeout=240)
    return tmp_path


def _pictures(html):
    return [base64.b64decode(m).decode() for m in
            re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]


def test_executed_notebook_keeps_the_picture_beside_the_widget(tmp_path):
    out = _convert(tmp_path, "--to", "notebook", "--output", "executed")
    nb = nbformat.read(out / "executed.ipynb", as_version=4)
    (output,) = nb.cells[0].outputs
    data = output["data"]
    assert {"application/vnd.jupyter.widget-view+json", "application/vnd.symnb.live+json",
            "image/svg+xml", "text/html"} <= set(data)
    svg = data["image/svg+xml"]
    assert "A=10" in svg and "B=2" in svg and "executor.outputs[0] = 20" in svg


def test_html_export_default_and_with_static_pictures(tmp_path):
    out = _convert(tmp_path, "--to", "html", "--output", "default")
    html = (out / "default.html").read_text()
    # the widget view wins: a placeholder the widget JavaScript (from a CDN) would fill
    assert VIEW_TAG in html
    assert _pictures(html) == []
    out = _convert(tmp_path, "--to", "html", "--output", "static",
                   '--HTMLExporter.preprocessors=["symnb.notebook.nbconvert.StaticPictures"]')
    html = (out / "static.html").read_text()
    assert VIEW_TAG not in html
    assert any("A=10" in svg and "executor.outputs[0] = 20" in svg for svg in _pictures(html))
