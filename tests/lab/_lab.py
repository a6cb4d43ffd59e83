"""Driving JupyterLab's own application object (``--LabApp.expose_app_in_browser``) from
Playwright: open a notebook, wait for its kernel, run all cells, run code in its kernel."""
from __future__ import annotations

import time

CURRENT = "window.jupyterapp && window.jupyterapp.shell.currentWidget"

KERNEL_IDLE = """() => {
  const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!nb || !nb.sessionContext || !nb.context || !nb.context.isReady) return false;
  const k = nb.sessionContext.session && nb.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}"""

ALL_RAN = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const k = nb.sessionContext.session.kernel;
  if (k.status !== 'idle') return false;
  return nb.content.widgets.every((c) => c.model.type !== 'code' ||
    (c.model.executionCount !== null && !c.promptNode.textContent.includes('*')));
}"""

EXECUTE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({ code, store_history: false });
  let out = '';
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === 'stream') out += msg.content.text;
    if (t === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""


def notebook_url(lab, name: str) -> str:
    """``name`` in a workspace of its own, reset: nothing restored from earlier tests."""
    return lab.url("lab/workspaces/%s/tree/%s?reset" % (name.rsplit(".", 1)[0], name))


def open_notebook(page, lab, name: str, kernel: bool = True, timeout: float = 90,
                  navigate: bool = True):
    """Open ``name`` (a file in the server's root) and wait for it (and its kernel)."""
    if navigate:
        page.goto(notebook_url(lab, name))
    page.wait_for_function("() => !!(%s && window.jupyterapp.shell.currentWidget.context)"
                           % CURRENT, timeout=timeout * 1000)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.context.isReady",
                           timeout=timeout * 1000)
    if kernel:
        page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000)


def run_all(page, timeout: float = 120) -> float:
    """Run every cell; returns the seconds it took."""
    start = time.time()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(300)
    page.wait_for_function(ALL_RAN, timeout=timeout * 1000, polling=200)
    return time.time() - start


def execute(page, code: str) -> str:
    """Run ``code`` in the notebook's kernel (not as a cell); returns its stdout."""
    return page.evaluate(EXECUTE, code)


def error_outputs(page) -> list[str]:
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']",
        "els => els.map(e => e.textContent.slice(0, 400))")
