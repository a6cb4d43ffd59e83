"""The ``symnb`` command: show, summary, check, and ``python -m symnb``."""
import os
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import symnb as mx
from symnb import cli
from symnb.pictures import symbol_mimebundle

ROOT = Path(__file__).resolve().parents[2]
SHAPE = {"data": (1, 1, 8, 8)}


def network():
    data = mx.sym.var("data")
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, name="conv")
    net = mx.sym.BatchNorm(net, name="bn")
    net = mx.sym.Activation(net, act_type="relu", name="relu")
    net = mx.sym.FullyConnected(mx.sym.flatten(net, name="flat"), num_hidden=10, name="fc")
    return mx.sym.SoftmaxOutput(net, name="softmax")


def trained_params(net):
    ex = net.simple_bind(mx.cpu(), **SHAPE)
    args = {k: v for k, v in ex.arg_dict.items() if k not in ("data", "softmax_label")}
    return args, dict(ex.aux_dict)


@pytest.fixture
def model(tmp_path):
    """``net-symbol.json`` with ``net-0001.params`` and a newer ``net-0002.params``."""
    net = network()
    args, aux = trained_params(net)
    prefix = str(tmp_path / "net")
    mx.model.save_checkpoint(prefix, 1, net, args, aux)
    mx.model.save_checkpoint(prefix, 2, net, args, aux)
    return tmp_path


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- show ----------------------------------------------------------------------------------

def test_show_svg_is_the_notebook_picture(model, capsys):
    out = model / "net.svg"
    code, stdout, err = run(capsys, "show", model / "net-symbol.json", "--shape",
                            "data=1,1,8,8", "-o", out)
    assert code == 0 and err == ""
    assert stdout == "wrote %s (8 boxes)\n" % out
    expected = symbol_mimebundle(network(), shape=SHAPE)["image/svg+xml"]
    assert out.read_text() == expected + "\n"
    assert "4×6×6" in expected            # shapes inferred on the edges


def test_show_to_stdout_and_weights(model, capsys):
    code, stdout, _ = run(capsys, "show", model / "net-symbol.json", "-o", "-", "--weights")
    assert code == 0 and stdout.startswith("<svg")
    assert ">conv_weight<" in stdout and ">bn_moving_var<" in stdout
    code, stdout, _ = run(capsys, "show", model / "net-symbol.json", "-o", "-")
    assert ">conv_weight<" not in stdout


def test_show_html_page_escapes_the_file_name(tmp_path, capsys):
    path = tmp_path / "<b>x-symbol.json"
    network().save(str(path))
    out = tmp_path / "net.html"
    assert run(capsys, "show", path, "-o", out)[0] == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>&lt;b&gt;x-symbol.json</title>" in page and "<b>" not in page
    assert symbol_mimebundle(network())["image/svg+xml"] in page


def _png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.browser
def test_show_png_with_headless_chromium(model, capsys):
    if cli._browser() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs chromium for PNG output")
        pytest.skip("no headless chromium")
    out = model / "net.png"
    code, stdout, _ = run(capsys, "show", model / "net-symbol.json", "-s", "data=1,1,8,8",
                          "-o", out, "--scale", "1")
    assert code == 0, stdout
    svg = symbol_mimebundle(network(), shape=SHAPE)["image/svg+xml"]
    assert _png_size(out) == cli._svg_size(svg)


def test_png_without_a_browser_says_what_to_do(model, capsys, monkeypatch):
    monkeypatch.setenv("SYMNB_BROWSER", str(model / "no-such-browser"))
    code, stdout, err = run(capsys, "show", model / "net-symbol.json", "-o", model / "n.png")
    assert code == 2 and stdout == ""
    assert err.startswith("symnb show: error: PNG output needs headless Chromium or Chrome")
    assert "write net.svg or net.html" in err and not (model / "n.png").exists()


def test_show_without_output_opens_a_page(model, capsys, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or False)
    code, stdout, _ = run(capsys, "show", model / "net-symbol.json")
    assert code == 0 and len(opened) == 1 and opened[0].startswith("file://")
    page = Path(opened[0].removeprefix("file://"))
    assert stdout == "wrote %s (open it in a web browser)\n" % page
    assert symbol_mimebundle(network())["image/svg+xml"] in page.read_text()
    page.unlink()
    page.parent.rmdir()


def test_show_refuses_unknown_output_types(model, capsys):
    code, _, err = run(capsys, "show", model / "net-symbol.json", "-o", model / "net.pdf")
    assert code == 2 and "write .svg, .html or .png" in err
    code, _, err = run(capsys, "show", model / "net-symbol.json", "-o", model / "no" / "n.svg")
    assert code == 2 and err == "symnb show: error: cannot write %s: No such file or " \
        "directory\n" % (model / "no" / "n.svg")


# -- summary -------------------------------------------------------------------------------

def test_summary_is_print_summary(model, capsys):
    mx.viz.print_summary(network(), shape=SHAPE, line_length=90)
    expected = capsys.readouterr().out
    code, stdout, err = run(capsys, "summary", model / "net-symbol.json", "-s", "data=1,1,8,8",
                            "--line-length", "90")
    assert code == 0 and err == "" and stdout == expected
    assert "Total params: 1498" in stdout


def test_summary_shape_errors_name_the_operator(model, capsys):
    code, stdout, err = run(capsys, "summary", model / "net-symbol.json", "-s", "data=1,1,8")
    assert code == 2 and stdout == ""
    assert err.startswith("symnb summary: error: shape inference failed: Error in operator "
                          "conv:")


# -- check ---------------------------------------------------------------------------------

def test_check_matching_checkpoint_finds_the_newest_params(model, capsys):
    code, stdout, _ = run(capsys, "check", model / "net-symbol.json", "-s", "data=1,1,8,8")
    lines = stdout.splitlines()
    assert code == 0
    assert lines[0] == "%s: 8 arguments, 2 auxiliary states" % (model / "net-symbol.json")
    assert lines[1] == "%s: 8 arrays, 1,506 values" % (model / "net-0002.params")
    assert lines[-1] == "OK: 8 parameters and auxiliary states match the symbol"


def test_check_reports_every_problem(tmp_path, capsys):
    net = network()
    args, aux = trained_params(net)
    args["fc_weight"] = mx.nd.zeros((10, 7))      # wrong shape
    del args["conv_bias"]                          # missing
    args["old_weight"] = mx.nd.zeros((2, 2))       # unused
    save = {"arg:%s" % k: v for k, v in args.items()}
    save["arg:bn_moving_mean"] = aux.pop("bn_moving_mean")     # aux stored as arg
    save.update({"aux:%s" % k: v for k, v in aux.items()})
    net.save(str(tmp_path / "m-symbol.json"))
    mx.nd.save(str(tmp_path / "weights.params"), save)
    code, stdout, _ = run(capsys, "check", tmp_path / "m-symbol.json",
                          tmp_path / "weights.params", "--shape", "data=1,1,8,8")
    rows = [line.split(None, 2) for line in stdout.splitlines() if line.startswith("  ")]
    assert code == 1
    assert rows == [
        ["MISSING", "conv_bias", "bias (4,), not in the params file"],
        ["MISMATCH", "fc_weight", "params (10, 7), the symbol expects (10, 144)"],
        ["KIND", "bn_moving_mean",
         "stored as arg:bn_moving_mean, but the symbol has it as an auxiliary state (aux:)"],
        ["UNUSED", "old_weight", "arg:old_weight (2, 2) is not a variable of the symbol"],
    ]
    assert stdout.splitlines()[-1] == "4 problems"


def test_check_without_input_shapes(tmp_path, capsys):
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=8, name="fc1")
    net = mx.sym.FullyConnected(net, num_hidden=2, name="fc2")
    params = {"arg:fc1_weight": mx.nd.zeros((8, 3)), "arg:fc1_bias": mx.nd.zeros((8,)),
              "arg:fc2_weight": mx.nd.zeros((2, 5)), "arg:fc2_bias": mx.nd.zeros((2,))}
    net.save(str(tmp_path / "m-symbol.json"))
    mx.nd.save(str(tmp_path / "m-0000.params"), params)
    # FullyConnected needs its data's shape to tell fc2_weight's width: without --shape the
    # stored shapes agree, and the output says what a shape would add
    code, stdout, _ = run(capsys, "check", tmp_path / "m-symbol.json")
    assert code == 0
    assert "no --shape: the stored shapes are checked against one another only" in stdout
    code, stdout, _ = run(capsys, "check", tmp_path / "m-symbol.json", "-s", "data=1,3")
    assert code == 1
    assert "  MISMATCH  fc2_weight  params (2, 5), the symbol expects (2, 8)\n" in stdout


def test_broken_files_end_in_one_line(model, capsys):
    params = model / "net-0002.params"
    params.write_bytes(params.read_bytes()[:-9])
    code, stdout, err = run(capsys, "check", model / "net-symbol.json", params)
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("symnb check: error: cannot read params file %s: " % params)
    assert "truncated" in err

    (model / "broken-symbol.json").write_text('{"nodes": [')
    code, _, err = run(capsys, "show", model / "broken-symbol.json")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("symnb show: error: cannot read symbol file ")

    code, _, err = run(capsys, "show", model / "net-0001.params", "-o", "-")
    assert code == 2 and "is no symbol file" in err and "is not UTF-8" in err

    code, _, err = run(capsys, "summary", model / "missing-symbol.json")
    assert code == 2 and err.endswith("missing-symbol.json: no such file\n")

    code, _, err = run(capsys, "check", model / "net-symbol.json", model / "nope.params")
    assert code == 2 and "nope.params: no such file" in err


def test_no_params_next_to_the_symbol(tmp_path, capsys):
    network().save(str(tmp_path / "solo-symbol.json"))
    code, _, err = run(capsys, "check", tmp_path / "solo-symbol.json")
    assert code == 2 and "none named solo-NNNN.params next to" in err


def test_shape_option_is_validated(model, capsys):
    code, _, err = run(capsys, "show", model / "net-symbol.json", "--shape", "data=a,b")
    assert code == 2 and "expected NAME=D1,D2,... (e.g. data=1,3,224,224), got 'data=a,b'" in err
    code, _, err = run(capsys, "show", model / "net-symbol.json", "--shape", "dta=1,2")
    assert code == 2 and "the symbol has no input 'dta' (its arguments: data, conv_weight" in err
    assert cli._shape("data=(1, 3, 224, 224)") == ("data", (1, 3, 224, 224))
    assert cli._shape("data=1x3x4") == ("data", (1, 3, 4))


def test_progress_on_large_files_and_quiet(tmp_path, capsys):
    net = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=1000, name="fc")
    params = {"arg:fc_weight": mx.nd.zeros((1000, 1300)), "arg:fc_bias": mx.nd.zeros((1000,))}
    net.save(str(tmp_path / "big-symbol.json"))
    mx.nd.save(str(tmp_path / "big-0000.params"), params)
    code, _, err = run(capsys, "check", tmp_path / "big-symbol.json", "-s", "data=1,1300")
    assert code == 0
    assert "symnb: reading %s (5.2 MB) ...\n" % (tmp_path / "big-0000.params") in err
    code, _, err = run(capsys, "check", tmp_path / "big-symbol.json", "-q")
    assert code == 0 and err == ""


# -- the program ---------------------------------------------------------------------------

def test_python_dash_m_and_the_console_script(model):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "symnb", "--version"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0 and done.stdout == "symnb %s\n" % mx.__version__
    done = subprocess.run([sys.executable, "-m", "symnb", "check", model / "net-symbol.json",
                           "-s", "data=1,1,8,8"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout.endswith("match the symbol\n")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"symnb": "symnb.cli:main"}


def test_usage_errors_exit_2(capsys):
    assert cli.main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err
    assert cli.main(["frobnicate", "x.json"]) == 2


def test_import_symnb_does_not_import_the_cli():
    code = "import symnb, sys; print(sorted(m for m in sys.modules if m in " \
           "('symnb.cli', 'symnb.__main__', 'argparse')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.stdout.strip() == "[]", done.stderr
