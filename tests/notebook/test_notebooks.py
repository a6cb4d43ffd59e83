"""Every tutorial notebook runs top to bottom and shows the values the MXNet tutorial shows."""
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

pytestmark = pytest.mark.slow
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# the sections of "Symbolic Configuration and Execution in Pictures"; later notebooks have
# their own tests (test_train_notebook.py)
NAMES = sorted(p.stem for p in NOTEBOOKS.glob("0[0-9]_*.ipynb"))
EIGHTS = "[[8.0, 8.0, 8.0], [8.0, 8.0, 8.0]]"

# text each notebook's outputs must contain (besides running without unexpected errors)
EXPECTED = {
    "01_compose_symbols": ["['A', 'B'] ['_plus0_output']", "['x'] False"],
    "02_configure_network": ["[(100, 26)]", "provided (10, 100) vs inferred (10, 200)",
                             "False False"],
    "03_multi_input_network": ["cls_weight     (5, 24)", "output [(32, 5)]"],
    "04_bind_and_execute": ["<Symbol _plus0>", "Executor object"],
    "05_forward": ["executor.outputs[0] = [11.]", "executor.outputs[0] = [4.]",
                   "executor.outputs[0] = [6.]"],
    "06_group_outputs": ["['_plus0_output', '_mul0_output']", "E = [11.]  C = [10.]"],
    "07_gradients": ["ga = [4.]", "ga = [8.]"],
    "08_simple_bind": ["[(100, 768), (128, 768), (128,)]"],
    "09_aux_states": ["['bn_moving_mean', 'bn_moving_var']", "moving mean: [0.25"],
}
EXPECTED_ERRORS = {"02_configure_network": 1}     # the shape conflict, shown on purpose

# texts the executor pictures of each execution tutorial must draw, in order of the cells
# (each list item: the texts one picture holds), as MXNet's page draws them
PICTURES = {
    "04_bind_and_execute": [["a=10", "b=1", "d=1", "C", "E", "not computed yet",
                             "argument arrays", "output arrays", "internal arrays"]],
    "05_forward": [["a=10", "E", "not computed yet"],
                   ["a=10", "b=1", "d=1", "C=10", "E=11", "executor.outputs[0] = 11  // E"]],
    "06_group_outputs": [["C=10", "E=11", "executor.outputs[0] = 11  // E",
                          "executor.outputs[1] = 10  // C"]],
    "07_gradients": [["a=10", "b=1", "d=2", "E=20", "d(A)", "ga", "d(C)", "d(E)",
                      "executor.outputs[0] = 20  // E", "argument gradient holders",
                      "backward input nodes", "d(?) gradient node of ?"],
                     ["d(A)", "ga=4", "d(C)=4", "d(E)=2", "d(A) = 1 * d(C)",
                      "d(C) = 2 * d(E)", "E=20"],
                     ["ga=4"], ["ga: 4 → 8"]],
    "08_simple_bind": [["data", "fc1_weight", "128×768 float32", "fc1_bias", "d(fc1_weight)",
                        "d(fc1_bias)", "op=FullyConnected", "op=Activation"]],
    "09_aux_states": [["bn_moving_mean=[0, 0]", "bn_moving_var=[0, 0]",
                       "auxiliary state arrays"],
                      ["bn_moving_mean", "[0, 0] → [0.25, 0.5]", "op=BatchNorm"]],
}


def _execute(name):
    from jupyter_client.manager import KernelManager
    nb = nbformat.read(NOTEBOOKS / (name + ".ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    # kernels started side by side over TCP can pick the same free port (each manager
    # probes one, then its kernel binds it later: "Address already in use" on a busy
    # machine); Unix sockets in a folder of this kernel's own cannot collide
    with tempfile.TemporaryDirectory() as folder:
        km = KernelManager(kernel_name="python3", transport="ipc",
                           ip=os.path.join(folder, "kernel"))
        nbclient.NotebookClient(nb, km=km, timeout=120, allow_errors=False,
                                shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


@pytest.fixture(scope="module")
def executed():
    # kernels spend most of their life waiting on start-up: run a few side by side
    with ThreadPoolExecutor(max_workers=10) as pool:
        return dict(zip(NAMES, pool.map(_execute, NAMES)))


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(nb):
    parts = []
    for o in _outputs(nb):
        parts.append(o.get("text", ""))
        parts.append(o.get("data", {}).get("text/plain", ""))
        parts.append(o.get("evalue", ""))
    return "\n".join(parts)


def test_every_section_has_a_notebook():
    assert [n[:2] for n in NAMES] == ["%02d" % i for i in range(10)]


@pytest.mark.parametrize("name", [n for n in NAMES if n != "00_index"])
def test_notebook_runs_and_shows_key_values(executed, name):
    nb = executed[name]
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert len(errors) == EXPECTED_ERRORS.get(name, 0), [e.evalue for e in errors]
    text = _text(nb)
    for expected in EXPECTED[name]:
        assert expected in text
    pictures = [o for o in _outputs(nb)
                if {"image/svg+xml", "text/html"} & set(o.get("data", {}))]
    assert pictures, "each tutorial shows at least one picture"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "00_index"])
def test_stored_notebook_has_its_pictures(name):
    """The committed notebooks carry outputs, so GitHub shows the SVG pictures."""
    nb = nbformat.read(NOTEBOOKS / (name + ".ipynb"), as_version=4)
    assert any("image/svg+xml" in o.get("data", {}) or "text/html" in o.get("data", {})
               for o in _outputs(nb))


def _executor_pictures(nb):
    """The texts of every executor picture of a notebook, as the HTML output carries it
    (an <img> with an SVG data URL: what an untrusted JupyterLab and nbconvert show)."""
    import base64
    import xml.etree.ElementTree as ET

    pictures = []
    for o in _outputs(nb):
        data = o.get("data", {})
        if not data.get("application/vnd.symnb.graph+json", {}).get("kind") == "executor":
            continue
        html = data["text/html"]
        assert "<svg" not in html          # JupyterLab's sanitizer strips inline SVG
        encoded = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
        svg = base64.b64decode(encoded[0]).decode()
        assert svg == data["image/svg+xml"]
        root = ET.fromstring(svg)
        pictures.append({"".join(t.itertext())
                         for t in root.iter("{http://www.w3.org/2000/svg}text")})
    return pictures


def _check_pictures(name, nb):
    pictures = _executor_pictures(nb)
    wanted = PICTURES[name]
    k = 0
    for texts in wanted:                  # each wanted picture, in order, among the outputs
        while k < len(pictures) and not set(texts) <= pictures[k]:
            k += 1
        assert k < len(pictures), (name, texts, pictures)
        k += 1


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_stored_executor_pictures_show_the_page_values(name):
    _check_pictures(name, nbformat.read(NOTEBOOKS / (name + ".ipynb"), as_version=4))


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_executed_executor_pictures_show_the_page_values(executed, name):
    _check_pictures(name, executed[name])


def test_conflict_cell_is_tagged_raises_exception():
    nb = nbformat.read(NOTEBOOKS / "02_configure_network.ipynb", as_version=4)
    failing = [c for c in nb.cells if c.cell_type == "code"
               and any(o.output_type == "error" for o in c.outputs)]
    assert len(failing) == 1 and "raises-exception" in failing[0].metadata.get("tags", [])


def test_nbconvert_html_keeps_the_svg():
    import base64

    from nbconvert import HTMLExporter
    nb = nbformat.read(NOTEBOOKS / "02_configure_network.ipynb", as_version=4)
    body, _ = HTMLExporter().from_notebook_node(nb)
    # nbconvert 7 embeds SVG outputs as data URIs in <img>
    images = re.findall(r'<img[^>]* src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert len(images) >= 3
    svgs = [base64.b64decode(data).decode() for data in images]
    assert all(svg.startswith("<svg") for svg in svgs)
    assert any("100×200" in svg for svg in svgs)
    assert any("provided (10, 100) vs inferred (10, 200)" in svg for svg in svgs)
