"""pyproject.toml: one version, extras that fit their users, the lab extension's packaging."""
import json
import re
import tomllib
from pathlib import Path

import symnb

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
HATCH = PYPROJECT["tool"]["hatch"]
BUILD = ROOT / "symnb" / "notebook" / "labextension"


def names(requirements):
    return {re.split(r"[<>=!~\[;]", r, maxsplit=1)[0].strip() for r in requirements}


def test_one_version():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    assert HATCH["version"] == {"path": "symnb/__init__.py"}
    source = json.loads((ROOT / "labextension" / "package.json").read_text())
    built = json.loads((BUILD / "package.json").read_text())
    assert source["version"] == built["version"] == symnb.__version__, (
        "bump labextension/package.json with symnb.__version__ and rebuild the extension")


def test_extras_fit_their_users():
    extras = {k: names(v) for k, v in PROJECT["optional-dependencies"].items()}
    # every front end (Jupyter, VS Code, Colab): magics, widgets, plot_network, charts
    assert extras["notebook"] == {"ipython", "ipykernel", "ipywidgets", "anywidget", "graphviz",
                                  "matplotlib"}
    assert extras["lab"] == {"symnb", "jupyterlab"}
    assert "symnb[notebook]" in PROJECT["optional-dependencies"]["lab"]
    assert extras["gpu"] == {"cupy-cuda12x"}
    assert "symnb[lab]" in PROJECT["optional-dependencies"]["test"]   # tests need JupyterLab
    # oneDNN's library only, pinned (ops/_onednn.py binds its 3.x C API), where its wheel exists
    assert extras["onednn"] == {"onednn-cpu-gomp"}
    (onednn,) = PROJECT["optional-dependencies"]["onednn"]
    assert "==" in onednn and "sys_platform == 'linux'" in onednn
    assert "symnb[onednn]" in PROJECT["optional-dependencies"]["test"]
    assert names(PROJECT["dependencies"]) == {"numpy", "threadpoolctl"}


def test_make_installs_the_extras_it_needs():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -q -e '.[lab,test]'" in makefile
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "test-wheel" in test_recipe


def test_classifiers_scripts_and_urls():
    assert "Framework :: Jupyter :: JupyterLab :: Extensions :: Prebuilt" in PROJECT["classifiers"]
    assert PROJECT["scripts"] == {"symnb": "symnb.cli:main"}
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())


def test_the_extension_is_shared_data_under_its_npm_name():
    name = json.loads((BUILD / "package.json").read_text())["name"]
    shared = HATCH["build"]["targets"]["wheel"]["shared-data"]
    assert shared == {"symnb/notebook/labextension": "share/jupyter/labextensions/" + name}
    assert symnb._jupyter_labextension_paths() == [{"src": "notebook/labextension",
                                                    "dest": name}]
    assert (Path(symnb.__file__).parent / "notebook" / "labextension").is_dir()


def test_the_build_hook_skips_node_when_the_build_is_committed():
    hook = HATCH["build"]["hooks"]["jupyter-builder"]
    assert hook["build-function"] == "hatch_jupyter_builder.npm_builder"
    for path in hook["skip-if-exists"] + hook["ensured-targets"]:
        assert (ROOT / path).is_file(), path
    assert hook["build-kwargs"]["path"] == "labextension"
    assert "jupyter-builder" in names(PYPROJECT["build-system"]["requires"])


def test_the_builder_resolves_from_the_npm_lock():
    """@jupyter/builder (not the retired @jupyterlab/builder, whose spec made jupyter-builder
    look up a @jupyterlab/core-meta release that does not exist), with core-meta pinned by the
    lock so the build reads it from node_modules instead of the network."""
    package = json.loads((ROOT / "labextension" / "package.json").read_text())
    lock = json.loads((ROOT / "labextension" / "package-lock.json").read_text())["packages"]
    assert "@jupyter/builder" in package["devDependencies"]
    assert "@jupyterlab/builder" not in json.dumps(package)
    assert "node_modules/@jupyter/builder" in lock
    assert re.fullmatch(r"4\.\d+\.\d+", lock["node_modules/@jupyterlab/core-meta"]["version"])
    assert lock[""]["devDependencies"] == package["devDependencies"]
    assert package["scripts"]["build"].startswith("jupyter-builder build .")


def test_sdist_ships_the_package_not_the_test_data():
    sdist = HATCH["build"]["targets"]["sdist"]
    assert set(sdist["only-include"]) == {"symnb", "labextension", "README.md",
                                          "docs"}
    assert "labextension/node_modules" in sdist["exclude"]
