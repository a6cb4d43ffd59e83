"""Every tutorial notebook runs top to bottom and shows the values the MXNet tutorial shows."""
import re
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
    "04_bind_and_execute": ["C = " + EIGHTS],
    "05_forward": ["D = [[12.0, 12.0, 12.0], [12.0, 12.0, 12.0]]",
                   "D = [[4.0, 8.0, 12.0], [16.0, 20.0, 24.0]]"],
    "06_group_outputs": ["A+B = [[6.0, 6.0, 6.0], [6.0, 6.0, 6.0]]", "A*B = " + EIGHTS],
    "07_gradients": ["grad A = [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]",
                     "grad B = [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]"],
    "08_simple_bind": ["{'data': (100, 200), 'fc1_weight': (10, 200), 'fc1_bias': (10,), "
                       "'fc2_weight': (26, 10), 'fc2_bias': (26,), 'out_label': (100,)}",
                       "[(100, 26)]"],
    "09_aux_states": ["after forward:      [0.0, 0.0, 0.0]",
                      "after backward:     [0.25, 0.5, 0.75]"],
}
EXPECTED_ERRORS = {"02_configure_network": 1}     # the shape conflict, shown on purpose


def _execute(name):
    nb = nbformat.read(NOTEBOOKS / (name + ".ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
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
