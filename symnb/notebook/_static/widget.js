// symnb widget: draws a laid-out graph and the bound arrays from the model's traits only.
// Text is always written with textContent; no markup is ever parsed from graph data.
const SVG = "http://www.w3.org/2000/svg";
const DEFAULT_COLORS = ["#f3f4f6", "#6b7280"];
const TYPED = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array,
  int8: Int8Array,
};

function svgEl(name, attrs, parent) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs || {})) el.setAttribute(key, String(value));
  if (parent) parent.appendChild(el);
  return el;
}

function htmlEl(name, className, parent, text) {
  const el = document.createElement(name);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

function shapeText(shape) {
  if (!shape) return "";
  return shape.length ? shape.map((d) => (d > 0 ? d : "?")).join("×") : "scalar";
}

// The lines of a box, as the static SVG writes them: title, body lines, then a caption.
function boxLines(node) {
  if (node.role !== "op") {
    return [["title", node.name], ["caption", shapeText(node.shape) || node.role]];
  }
  const [first, ...rest] = String(node.label).split("\n");
  const lines = [["title", first], ...rest.map((text) => ["body", text])];
  let caption = node.name !== first ? node.name : "";
  if (node.params) caption += `${caption ? " · " : ""}${node.params} params`;
  if (caption) lines.push(["caption", caption]);
  return lines;
}

// A path through the route points with vertical tangents at each, as the static SVG draws it.
function curve(points) {
  let [x0, y0] = points[0];
  const parts = [`M ${x0} ${y0}`];
  for (const [x1, y1] of points.slice(1)) {
    const mid = (y1 - y0) / 2;
    parts.push(`C ${x0} ${y0 + mid} ${x1} ${y1 - mid} ${x1} ${y1}`);
    [x0, y0] = [x1, y1];
  }
  return parts.join(" ");
}

// Draws a graph document of schema application/vnd.symnb.graph+json version 1.
export function drawGraph(graph, parent, onPick) {
  const layout = graph.layout || { width: 100, height: 60, nodes: {}, edges: [] };
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const svg = svgEl("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`, class: "symnb-graph", role: "img",
  }, parent);
  (graph.edges || []).forEach((edge, k) => {
    const points = (layout.edges || [])[k] || [];
    if (points.length < 2) return;
    const d = curve(points);
    const kind = edge.bad ? "bad" : "ok";
    svgEl("path", { d, fill: "none", class: `symnb-edge ${kind}` }, svg);
    // An explicit arrowhead, not an SVG marker: url(#id) references break under the <base>
    // element JupyterLab sets. Routes end with a vertical tangent, so the head points down.
    const [x, y] = points[points.length - 1];
    svgEl("path", { d: `M ${x - 4} ${y - 7} L ${x + 4} ${y - 7} L ${x} ${y} Z`,
      class: `symnb-arrowhead ${kind}` }, svg);
    const text = edge.bad && edge.note ? `${edge.label} ${edge.note}`.trim() : edge.label;
    if (text) {
      const i = Math.floor((points.length - 1) / 2);
      const label = svgEl("text", {
        x: (points[i][0] + points[i + 1][0]) / 2 + 5, y: (points[i][1] + points[i + 1][1]) / 2 + 4,
        class: edge.bad ? "symnb-edge-label bad" : "symnb-edge-label",
      }, svg);
      label.textContent = text;
    }
  });
  for (const node of graph.nodes || []) {
    const box = (layout.nodes || {})[node.id];
    if (!box) continue;
    const [fill, stroke] = (graph.colors || {})[node.family] || DEFAULT_COLORS;
    const group = svgEl("g", { class: `symnb-node role-${node.role}` }, svg);
    svgEl("rect", {
      x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width,
      height: box.height, rx: node.role === "op" ? 6 : box.height / 2, fill, stroke,
    }, group);
    const lines = boxLines(node);
    lines.forEach(([style, line], i) => {
      const t = svgEl("text", {
        x: box.x, y: box.y + (i - (lines.length - 1) / 2) * 14 + 4,
        "text-anchor": "middle", class: `symnb-line-${style}`,
      }, group);
      t.textContent = line;
    });
    const title = svgEl("title", {}, group);
    title.textContent = `${node.name} (${node.op && node.op !== "null" ? node.op : node.role})`;
    group.addEventListener("click", () => onPick(node.name));
  }
  return svg;
}

function readValues(entry) {
  const raw = entry.data;
  if (!raw) return null;
  const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw)
    : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const Typed = TYPED[entry.wire_dtype] || Float32Array;
  // copy so the typed view is aligned whatever offset the buffer arrived at
  return new Typed(bytes.slice().buffer);
}

function color(value, scale) {
  if (!Number.isFinite(value)) return "rgb(120,120,120)";
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const fade = (c) => Math.round(255 - (255 - c) * Math.abs(t));
  return t >= 0 ? `rgb(${fade(220)},${fade(38)},${fade(38)})`
    : `rgb(${fade(37)},${fade(99)},${fade(235)})`;
}

function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(+v.toFixed(4));
}

function drawArray(entry, parent) {
  const card = htmlEl("div", "symnb-array", parent);
  card.dataset.name = entry.name;
  htmlEl("div", "symnb-array-name", card, entry.name);
  const shape = entry.shape.length ? entry.shape.join("×") : "scalar";
  htmlEl("div", "symnb-array-meta", card, `${shape} ${entry.dtype}`);
  const values = readValues(entry);
  const [rows, cols] = entry.view_shape;
  if (values && values.length && values.length <= 8) {
    htmlEl("div", "symnb-array-values", card, Array.from(values, formatNumber).join(" "));
  }
  if (values && values.length) {
    const cell = Math.max(3, Math.min(14, Math.floor(112 / Math.max(rows, cols))));
    const canvas = htmlEl("canvas", "symnb-heatmap", card);
    canvas.width = cols * cell;
    canvas.height = rows * cell;
    const ctx = canvas.getContext && canvas.getContext("2d");
    const stats = entry.stats || {};
    const scale = Math.max(Math.abs(stats.min || 0), Math.abs(stats.max || 0));
    if (ctx) {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          ctx.fillStyle = color(values[r * cols + c], scale);
          ctx.fillRect(c * cell, r * cell, cell, cell);
        }
      }
    }
  }
  if (entry.stats && entry.stats.min !== undefined) {
    const s = entry.stats;
    htmlEl("div", "symnb-array-meta", card,
      `min ${formatNumber(s.min)} · mean ${formatNumber(s.mean)} · max ${formatNumber(s.max)}`);
  }
  return card;
}

const GROUPS = [
  ["arg", "arguments"], ["output", "outputs"], ["grad", "gradients"], ["aux", "auxiliary states"],
];

function render({ model, el }) {
  const root = htmlEl("div", "symnb-widget", el);
  const draw = () => {
    root.replaceChildren();
    const head = htmlEl("div", "symnb-head", root);
    htmlEl("span", "symnb-title", head, model.get("title"));
    const event = model.get("event");
    if (event) {
      htmlEl("span", "symnb-event", head,
        model.get("steps") ? `after ${event} (update ${model.get("steps")})` : event);
    }
    const body = htmlEl("div", "symnb-body", root);
    const graphBox = htmlEl("div", "symnb-graph-box", body);
    const graph = model.get("graph") || {};
    const arrays = model.get("arrays") || [];
    const panel = htmlEl("div", "symnb-arrays", body);
    const pick = (name) => {
      for (const card of panel.querySelectorAll(".symnb-array")) {
        const own = card.dataset.name;
        card.classList.toggle("picked", own === name || own.startsWith(`${name}_`));
      }
    };
    drawGraph(graph, graphBox, pick);
    if (graph.note) htmlEl("div", "symnb-note", graphBox, graph.note);
    for (const [group, title] of GROUPS) {
      const members = arrays.filter((a) => a.group === group);
      if (!members.length) continue;
      const section = htmlEl("div", `symnb-group group-${group}`, panel);
      htmlEl("div", "symnb-group-title", section, title);
      const row = htmlEl("div", "symnb-row", section);
      for (const entry of members) drawArray(entry, row);
    }
  };
  draw();
  for (const name of ["graph", "arrays", "event", "steps", "title"]) {
    model.on(`change:${name}`, draw);
  }
  return () => {
    for (const name of ["graph", "arrays", "event", "steps", "title"]) {
      model.off(`change:${name}`, draw);
    }
  };
}

export default { render };
