"""Run INSIDE a fresh venv holding the built wheel with ``[notebook]``: what a new user does.

Usage: ``<venv>/bin/python wheel_smoke.py WORKDIR``; prints one ``ok``/``FAIL`` line per check
and exits 1 on any failure. Standard library plus what ``symnb[notebook]`` installs. Run by
tests/packaging/check_wheel.py (``make test-wheel``), never by pytest.
"""
import os
import subprocess
import sys
import sysconfig
import traceback
from pathlib import Path

WORK = Path(sys.argv[1]) if __name__ == "__main__" else Path.cwd()
BIN = Path(sysconfig.get_path("scripts"))
CHECKS = []


def check(name):
    def register(test):
        CHECKS.append((name, test))
        return test
    return register


def cli(*args, module=False):
    command = ([sys.executable, "-m", "symnb"] if module else [str(BIN / "symnb")])
    done = subprocess.run(command + [str(a) for a in args], capture_output=True, text=True,
                          cwd=WORK)
    return done.returncode, done.stdout, done.stderr


@check("the wheel is what is imported, not a checkout")
def _():
    import importlib.metadata

    import symnb
    site = Path(sysconfig.get_path("purelib")).resolve()
    assert Path(symnb.__file__).resolve().is_relative_to(site), symnb.__file__
    assert importlib.metadata.version("symnb") == symnb.__version__
    heavy = {"IPython", "ipywidgets", "anywidget", "matplotlib", "cupy", "symnb.cli"}
    assert not heavy & set(sys.modules), heavy & set(sys.modules)
    return "symnb %s" % symnb.__version__


@check("%load_ext symnb, %%symbol, pictures, %unload_ext symnb")
def _():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "symnb")
    result = shell.run_cell("%%symbol\nnet = FullyConnected(var('data'), num_hidden=4, "
                            "name='fc')", silent=True)
    assert result.success, result.error_in_exec
    net = shell.user_ns["net"]
    data, _ = shell.display_formatter.format(net)
    assert "image/svg+xml" in data and ">fc<" in data["image/svg+xml"], sorted(data)
    assert "symbol" in shell.magics_manager.magics["cell"]
    shell.run_line_magic("unload_ext", "symnb")
    assert "symbol" not in shell.magics_manager.magics["cell"]
    assert "bind" not in shell.magics_manager.magics["line"]


@check("mx.viz.plot_network without Graphviz's dot")
def _():
    import graphviz

    import symnb as mx
    os.environ["PATH"] = str(WORK / "no-dot-here")      # whatever the machine has installed
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc")
    dot = mx.viz.plot_network(net, shape={"data": (2, 3)})
    assert isinstance(dot, graphviz.Digraph)
    assert dot.source.startswith("digraph plot {"), dot.source[:40]
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    from symnb.pictures import symbol_svg
    assert bundle["image/svg+xml"] == symbol_svg(net, {"data": (2, 3)})
    try:
        dot.render(str(WORK / "plot"))
    except graphviz.ExecutableNotFound as e:
        assert "Install Graphviz" in str(e), e
    else:
        raise AssertionError("render without dot did not raise")
    return "displays symnb's SVG; render explains"


@check("the symnb command and python -m symnb")
def _():
    import symnb as mx

    net = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4,
                                                  name="fc"), act_type="relu", name="relu")
    ex = net.simple_bind(mx.cpu(), data=(1, 3))
    mx.model.save_checkpoint(str(WORK / "m"), 0, net,
                             {k: v for k, v in ex.arg_dict.items() if k != "data"}, {})
    code, out, err = cli("--version")
    assert (code, out) == (0, "symnb %s\n" % mx.__version__), (code, out, err)
    code, out, err = cli("show", "m-symbol.json", "--shape", "data=1,3", "-o", "m.svg")
    assert code == 0 and (WORK / "m.svg").read_text().startswith("<svg"), (code, out, err)
    code, out, err = cli("check", "m-symbol.json", "--shape", "data=1,3")
    assert code == 0 and out.endswith("match the symbol\n"), (code, out, err)
    code, out, err = cli("summary", "m-symbol.json", "--shape", "data=1,3", module=True)
    assert code == 0 and "Total params: 16" in out, (code, out, err)
    code, out, err = cli("check", "m-symbol.json", "missing.params")
    assert code == 2 and "no such file" in err, (code, out, err)


def main() -> int:
    results = []
    for name, test in CHECKS:
        try:
            detail = test()
        except Exception:
            results.append(False)
            print("FAIL  %s\n%s" % (name, traceback.format_exc()), flush=True)
        else:
            results.append(True)
            print("ok    %s%s" % (name, "  (%s)" % detail if detail else ""), flush=True)
    print("%d passed, %d failed" % (sum(results), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
