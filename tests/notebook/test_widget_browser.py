"""The widget's ES module in a real browser, with a mock model fed by a real widget's state."""
import base64
import functools
import http.server
import json
import shutil
import subprocess
import threading

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

PAGE = """<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="widget.css">
<body><div id="out"></div><script type="module">
import widget from "./widget.js";
const state = %s;
for (const entry of state.arrays) {
  const bytes = Uint8Array.from(atob(entry.data), (c) => c.charCodeAt(0));
  entry.data = new DataView(bytes.buffer);          // what ipywidgets hands to render()
}
const handlers = {};
const model = {
  get: (key) => state[key],
  on: (event, fn) => { (handlers[event] = handlers[event] || []).push(fn); },
  off: () => {},
};
widget.render({ model, el: document.getElementById("out") });
state.steps += 1;                                      // a change event redraws from traits
for (const fn of handlers["change:steps"] || []) fn();
document.body.dataset.rendered = document.querySelectorAll(".symnb-node").length;
</script>"""


def _state(widget):
    state = {k: v for k, v in widget.get_state().items()
             if k in ("title", "graph", "arrays", "event", "steps")}
    state["arrays"] = [dict(e, data=base64.b64encode(e["data"]).decode()) for e in state["arrays"]]
    return state


def render_in_chromium(widget, folder, screenshot=None):
    from symnb.notebook.widget import _STATIC
    for name in ("widget.js", "widget.css"):
        shutil.copy(_STATIC / name, folder / name)
    # "</" would end the inline script early; "<\/" is the same JSON string
    (folder / "index.html").write_text(PAGE % json.dumps(_state(widget)).replace("</", "<\\/"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/index.html" % server.server_address[1]
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--virtual-time-budget=3000"]
    try:
        if screenshot:
            subprocess.run(base + ["--window-size=1100,1500", "--screenshot=%s" % screenshot,
                                   url], capture_output=True, timeout=60)
        return subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True,
                              timeout=60).stdout
    finally:
        server.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="needs headless chromium")
def test_executor_widget_renders_graph_arrays_and_escapes_text(tmp_path):
    import symnb as mx
    from symnb.notebook.widget import ExecutorWidget
    a, b = mx.sym.var("A"), mx.sym.var("<script>B</script>")
    ex = (a * b).bind(mx.cpu(), {"A": mx.nd.ones((2, 3)) * 4,
                                 "<script>B</script>": mx.nd.ones((2, 3)) * 2},
                      args_grad={"A": mx.nd.zeros((2, 3)),
                                 "<script>B</script>": mx.nd.zeros((2, 3))})
    widget = ExecutorWidget(ex)
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((2, 3)))
    dom = render_in_chromium(widget, tmp_path)
    widget.close()
    assert 'data-rendered="4"' in dom                       # A, B, the product, the output
    assert "&lt;script&gt;B&lt;/script&gt;" in dom and "<script>B</script>" not in dom
    assert "after backward (update 3)" in dom
    for text in ("gradients", "8 8 8 8 8 8", "2 2 2 2 2 2", "4 4 4 4 4 4", "2×3 float32"):
        assert text in dom
