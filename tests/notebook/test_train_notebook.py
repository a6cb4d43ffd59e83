"""notebooks/10_train_module.ipynb runs top to bottom: fit shows its progress bars and metric
chart, the network and executor pictures show, and the committed copy keeps them."""
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "10_train_module.ipynb"


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _data(nb, mime):
    return [o["data"][mime] for o in _outputs(nb) if mime in o.get("data", {})]


def _check(nb):
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    progress = [t for t in _data(nb, "text/plain") if t.startswith("Epoch 0/20 [")]
    assert len(progress) == 1, "one progress output, updated in place"
    lines = progress[0].splitlines()
    assert len(lines) == 20
    assert all(re.match(r"Epoch \d+/20 \[=+\] 30/30 .* accuracy=\S+ val-accuracy=\S+$", line)
               for line in lines), lines
    tables = [h for h in _data(nb, "text/html") if 'class="symnb-fit"' in h]
    assert len(tables) == 1 and tables[0].count("width:100.0%") == 20
    charts = [t for t in _data(nb, "text/plain") if t.startswith("Training metrics:")]
    assert len(charts) == 1 and "validation accuracy=" in charts[0]
    assert len(_data(nb, "image/png")) >= 3            # data, chart, predicted classes
    assert any("30×2" in svg for svg in _data(nb, "image/svg+xml"))   # the network picture
    assert any("fc1_weight" in h for h in _data(nb, "text/html"))      # the executor panel
    text = "".join(o.get("text", "") for o in _outputs(nb))
    val = float(re.search(r"validation accuracy (\d\.\d+)", text).group(1))
    loaded = float(re.search(r"loaded module accuracy (\d\.\d+)", text).group(1))
    assert val > 0.9 and loaded == val
    assert "spirals-0020.params" in text and "spirals-symbol.json" in text


@pytest.mark.slow
def test_train_notebook_runs_and_shows_progress_chart_and_pictures():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    _check(nb)


def test_stored_train_notebook_keeps_its_outputs():
    """The committed notebook carries the final progress table and chart (static outputs)."""
    _check(nbformat.read(NOTEBOOK, as_version=4))
