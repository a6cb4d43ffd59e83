"""The notebook layer stays out of the core: nothing display-related is imported by symnb."""
import json
import subprocess
import sys

HEAVY = ("IPython", "ipywidgets", "anywidget", "matplotlib", "traitlets")


def _modules_after(code):
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_import_symnb_imports_no_notebook_machinery():
    loaded = _modules_after("import symnb as mx\n(mx.sym.var('a') * 2).tojson()")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_loading_the_extension_leaves_widgets_until_used():
    loaded = _modules_after(
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\nip.run_line_magic('load_ext', 'symnb')")
    assert "IPython" in loaded and "anywidget" not in loaded
