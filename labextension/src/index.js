// JupyterLab 4 mime renderers for symnb:
// * application/vnd.symnb.graph+json: the graph picture, drawn by the live widget's own code
//   (zoom, pan, fit, find, hover text, click for details);
// * application/vnd.symnb.live+json: a live widget output. It shows the stored static picture
//   at once and swaps in the live widget view when the widget's model exists, so a notebook
//   reopened without its kernel shows the picture, never "model not found" or a spinner.
// All text is written with textContent.
import { Panel, Widget } from "@lumino/widgets";

import { describe, mountGraph } from "../../symnb/notebook/_static/widget.js";

export const MIME_TYPE = "application/vnd.symnb.graph+json";
export const LIVE_MIME = "application/vnd.symnb.live+json";
const WIDGET_MIME = "application/vnd.jupyter.widget-view+json";

function summary(doc) {
  // the totals are the picture's own footer line (drawn from the document, as the SVG is)
  if (doc.note) return doc.note;
  return doc.kind === "executor" ? "click a node for its array" : "click a box for details";
}

function drawInto(node, doc) {
  const box = document.createElement("div");
  box.className = "symnb-widget";
  node.appendChild(box);
  const info = document.createElement("div");
  info.className = "symnb-lab-info";
  const graph = { ...doc, colors: doc.colors || {} };
  mountGraph(box, graph, {
    onPick: (name) => { info.textContent = describe(graph, name).join(" · "); },
  });
  info.textContent = summary(doc);
  node.appendChild(info);
}

class GraphRenderer extends Widget {
  constructor(options) {
    super();
    this._mimeType = options.mimeType;
    this.addClass("symnb-lab-graph");
  }

  renderModel(model) {
    const doc = model.data[this._mimeType] || {};
    this.node.replaceChildren();
    drawInto(this.node, doc);
    return Promise.resolve();
  }
}

// The static picture of a live output: its SVG as an <img> (no script can run in it), else the
// graph JSON drawn here.
function drawStatic(node, data) {
  const box = document.createElement("div");
  box.className = "symnb-widget symnb-static";
  const note = document.createElement("div");
  note.className = "symnb-lab-info symnb-static-note";
  note.textContent = "static picture (the live view needs the running kernel)";
  const svg = data["image/svg+xml"];
  if (typeof svg === "string" && svg) {
    const img = document.createElement("img");
    img.alt = "executor picture";
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    box.appendChild(img);
  } else if (data[MIME_TYPE]) {
    drawInto(box, data[MIME_TYPE]);
  } else {
    box.textContent = String(data["text/plain"] || "");
  }
  node.appendChild(box);
  node.appendChild(note);
}

class LiveRenderer extends Panel {
  constructor(options) {
    super();
    this.addClass("symnb-lab-live");
    this._model = null;
    this._tried = false;
  }

  renderModel(model) {
    this._model = model;
    this._tried = false;
    this._static = new Widget();
    this._static.addClass("symnb-lab-static");
    drawStatic(this._static.node, model.data);
    for (const w of [...this.widgets]) w.dispose();
    this.addWidget(this._static);
    if (this.isAttached) this._upgrade();
    return Promise.resolve();
  }

  onAfterAttach(msg) {
    super.onAfterAttach(msg);
    this._upgrade();
  }

  // The output area's rendermime (the notebook's, bound to its widget manager) draws the
  // widget view; it is shown only once it holds the live view.
  async _upgrade() {
    if (this._tried || !this._model || !(WIDGET_MIME in this._model.data)) return;
    this._tried = true;
    let owner = this.parent;
    while (owner && !(owner.rendermime && owner.rendermime.createRenderer)) owner = owner.parent;
    if (!owner) return;
    let inner;
    try {
      inner = owner.rendermime.createRenderer(WIDGET_MIME);
    } catch (err) {
      return;       // no widget manager: the picture stays
    }
    const swap = () => {
      if (!inner.widgets || !inner.widgets.length || inner.isDisposed) return false;
      this._static.hide();
      this.addWidget(inner);
      this.node.dataset.live = "1";
      return true;
    };
    try {
      await inner.renderModel(this._model);
    } catch (err) {
      return;
    }
    if (swap()) return;
    // the manager may still be restoring the kernel's widgets: look again for a while
    let tries = 0;
    const poll = setInterval(() => {
      tries += 1;
      if (swap() || tries > 40 || this.isDisposed) clearInterval(poll);
    }, 500);
  }
}

export const rendererFactory = {
  safe: true,
  mimeTypes: [MIME_TYPE],
  // above text/html (50) so arrays and executors keep their HTML tables, below image/svg+xml
  // (80) so a symbol's bundle is drawn here, with clickable boxes
  defaultRank: 75,
  createRenderer: (options) => new GraphRenderer(options),
};

export const liveRendererFactory = {
  // it may show the live widget, which runs the kernel's code: trusted outputs only
  safe: false,
  mimeTypes: [LIVE_MIME],
  // before the widget view (-10), so this renderer decides between live view and picture
  defaultRank: -20,
  createRenderer: (options) => new LiveRenderer(options),
};

const extensions = [
  { id: "symnb-graph:plugin", rendererFactory, rank: 75, dataType: "json" },
  { id: "symnb-graph:live", rendererFactory: liveRendererFactory, rank: -20, dataType: "json" },
];

export default extensions;
