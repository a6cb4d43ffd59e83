// JupyterLab 4 mime renderer for application/vnd.symnb.graph+json (symnb graph pictures).
// The drawing code is the live widget's (one implementation); it writes text with textContent.
import { Widget } from "@lumino/widgets";

import { drawGraph } from "../../symnb/notebook/_static/widget.js";

export const MIME_TYPE = "application/vnd.symnb.graph+json";

function detail(node) {
  const parts = [`${node.name}`, node.op && node.op !== "null" ? `op ${node.op}` : node.role];
  if (node.shape) parts.push(`shape ${node.shape.join("×") || "scalar"}`);
  if (node.params !== null && node.params !== undefined) parts.push(`${node.params} params`);
  if (node.flops) parts.push(`~${node.flops} FLOPs`);
  if (node.members && node.members.length) parts.push(node.members.join(", "));
  return parts.filter(Boolean).join(" · ");
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
    const graph = { ...doc, colors: doc.colors || {} };
    const box = document.createElement("div");
    box.className = "symnb-widget";
    this.node.appendChild(box);
    const info = document.createElement("div");
    info.className = "symnb-lab-info";
    const byName = new Map((doc.nodes || []).map((n) => [n.name, n]));
    drawGraph(graph, box, (name) => {
      info.textContent = byName.has(name) ? detail(byName.get(name)) : name;
    });
    const totals = doc.totals || {};
    const summary = [];
    if (totals.params !== null && totals.params !== undefined) {
      summary.push(`${totals.params} parameters`);
    }
    if (doc.note) summary.push(doc.note);
    info.textContent = summary.join(" · ") || "click a box for details";
    this.node.appendChild(info);
    return Promise.resolve();
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

const extension = {
  id: "symnb-graph:plugin",
  rendererFactory,
  rank: 75,
  dataType: "json",
};

export default extension;
