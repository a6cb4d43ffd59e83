// symnb's graph views: the live widget (anywidget module) and the shared drawing code that the
// JupyterLab renderer imports. Everything drawn comes from the graph document
// (application/vnd.symnb.graph+json) and the arrays the kernel sends; text is always written
// with textContent, never parsed as markup.
const SVG = "http://www.w3.org/2000/svg";
const DEFAULT_COLORS = ["#f3f4f6", "#6b7280"];
const TYPED = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array,
  int8: Int8Array,
};
const MAX_HEIGHT = 520;

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

export function shapeText(shape) {
  if (!shape) return "";
  return shape.length ? shape.map((d) => (d > 0 ? d : "?")).join("×") : "scalar";
}

// The lines of a box, as the static SVG writes them: title, body lines, then a caption.
function boxLines(node) {
  if (Array.isArray(node.lines)) return node.lines.map((l) => (Array.isArray(l) ? l : ["body", l]));
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

export function formatNumber(v) {
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(+v.toFixed(4));
}

// Box geometry, centre based: {x, y, width, height}.
function centred(x, y, width, height) {
  return { x: x + width / 2, y: y + height / 2, width, height };
}

function drawText(item, parent, cls) {
  const t = svgEl("text", {
    x: item.x, y: item.y, "font-size": item.size || 12, fill: item.fill || "#1f2933",
    "text-anchor": item.anchor || "start", class: cls || `symnb-text-${item.style || "plain"}`,
  }, parent);
  if (item.weight) t.setAttribute("font-weight", item.weight);
  t.textContent = item.text;
  return t;
}

function hookBox(group, key, opts, folded) {
  group.addEventListener("click", (event) => {
    event.stopPropagation();
    if (folded && opts.onToggle) opts.onToggle(key);
    if (opts.onPick) opts.onPick(key);
  });
  if (opts.onHover) {
    group.addEventListener("mouseenter", (event) => opts.onHover(key, event));
    group.addEventListener("mousemove", (event) => opts.onHover(key, event));
    group.addEventListener("mouseleave", () => opts.onHover(null));
  }
}

// Expanded groups: a dashed frame around the members; clicking its label folds them again.
function drawFrames(graph, boxes, layer, opts) {
  for (const prefix of graph.collapsible || []) {
    if (boxes.has(prefix)) continue;
    const inside = [...boxes.values()].filter(
      (b) => b.node.role === "op" && b.node.name.startsWith(prefix));
    if (!inside.length) continue;
    const x0 = Math.min(...inside.map((b) => b.box.x - b.box.width / 2)) - 8;
    const x1 = Math.max(...inside.map((b) => b.box.x + b.box.width / 2)) + 8;
    const y0 = Math.min(...inside.map((b) => b.box.y - b.box.height / 2)) - 16;
    const y1 = Math.max(...inside.map((b) => b.box.y + b.box.height / 2)) + 8;
    const frame = svgEl("g", { class: "symnb-frame" }, layer);
    frame.dataset.prefix = prefix;
    svgEl("rect", { x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 8 }, frame);
    const label = svgEl("text", { x: x0 + 6, y: y0 + 11, class: "symnb-frame-label" }, frame);
    label.textContent = `▾ ${prefix} (fold)`;
    frame.addEventListener("click", (event) => {
      event.stopPropagation();
      if (opts.onToggle) opts.onToggle(prefix);
    });
  }
}

// A symbol document: from its "draw" part (what the static SVG draws), else from the layout.
function drawSymbol(graph, parent, opts) {
  const drawPart = graph.draw;
  const layout = graph.layout || { width: 100, height: 60, nodes: {}, edges: [] };
  const width = Math.max(1, Math.ceil(drawPart ? drawPart.width : layout.width || 0));
  const height = Math.max(1, Math.ceil(drawPart ? drawPart.height : layout.height || 0));
  const svg = svgEl("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`, class: "symnb-graph", role: "img",
  }, parent);
  const edgeLayer = svgEl("g", { class: "symnb-edges" }, svg);
  const byId = new Map((graph.nodes || []).map((n) => [n.id, n]));
  (graph.edges || []).forEach((edge, k) => {
    const src = byId.get(edge.source);
    const dst = byId.get(edge.target);
    const kind = edge.bad ? "bad" : "ok";
    let path;
    if (drawPart) {
      const e = (drawPart.edges || [])[k];
      if (!e) return;
      path = svgEl("path", { d: e.path, fill: "none", stroke: e.color, "stroke-width": e.width,
        class: `symnb-edge ${kind}` }, edgeLayer);
      if (e.dash) path.setAttribute("stroke-dasharray", e.dash);
      svgEl("polygon", { points: e.arrow.map((p) => p.join(",")).join(" "), fill: e.color,
        class: `symnb-arrowhead ${kind}` }, edgeLayer);
      if (e.text) drawText(e.text, edgeLayer, edge.bad ? "symnb-edge-label bad" : "symnb-edge-label");
    } else {
      const points = (layout.edges || [])[k] || [];
      if (points.length < 2) return;
      path = svgEl("path", { d: curve(points), fill: "none", class: `symnb-edge ${kind}` }, edgeLayer);
      // an explicit arrowhead, not an SVG marker: url(#id) breaks under JupyterLab's <base>
      const [x, y] = points[points.length - 1];
      svgEl("path", { d: `M ${x - 4} ${y - 7} L ${x + 4} ${y - 7} L ${x} ${y} Z`,
        class: `symnb-arrowhead ${kind}` }, edgeLayer);
      const text = edge.bad && edge.note ? `${edge.label} ${edge.note}`.trim() : edge.label;
      if (text) {
        const i = Math.floor((points.length - 1) / 2);
        drawText({ text, x: (points[i][0] + points[i + 1][0]) / 2 + 5,
          y: (points[i][1] + points[i + 1][1]) / 2 + 4, size: 10.5, fill: "#374151" }, edgeLayer,
        edge.bad ? "symnb-edge-label bad" : "symnb-edge-label");
      }
    }
    if (src) path.dataset.source = src.name;
    if (dst) path.dataset.target = dst.name;
  });
  const boxes = new Map();
  const frames = svgEl("g", { class: "symnb-frames" }, svg);
  (graph.nodes || []).forEach((node, k) => {
    const folded = Array.isArray(node.members) && node.members.length > 0;
    const group = svgEl("g", {
      class: `symnb-node role-${node.role}${folded ? " symnb-folded" : ""}`,
    }, svg);
    group.dataset.name = node.name;
    let rect;
    let box;
    let fill;
    const d = drawPart && (drawPart.nodes || [])[k];
    if (d) {
      const r = d.rect;
      fill = r.fill;
      rect = svgEl("rect", { x: r.x, y: r.y, width: r.width, height: r.height, rx: r.rx,
        fill: r.fill, stroke: r.stroke, "stroke-width": r.stroke_width }, group);
      if (r.dash) rect.setAttribute("stroke-dasharray", r.dash);
      for (const item of d.text || []) drawText(item, group, `symnb-line-${item.style}`);
      box = centred(r.x, r.y, r.width, r.height);
    } else {
      const b = (layout.nodes || {})[node.id];
      if (!b) return;
      [fill] = (graph.colors || {})[node.family] || DEFAULT_COLORS;
      const stroke = ((graph.colors || {})[node.family] || DEFAULT_COLORS)[1];
      rect = svgEl("rect", { x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width,
        height: b.height, rx: node.role === "op" ? 6 : b.height / 2, fill, stroke }, group);
      const lines = boxLines(node);
      lines.forEach(([style, line], i) => {
        const t = svgEl("text", { x: b.x, y: b.y + (i - (lines.length - 1) / 2) * 14 + 4,
          "text-anchor": "middle", class: `symnb-line-${style}` }, group);
        t.textContent = line;
      });
      box = b;
    }
    const value = svgEl("text", {
      x: box.x, y: box.y + box.height / 2 + 11, "text-anchor": "middle", class: "symnb-value",
    }, group);
    const title = svgEl("title", {}, group);
    title.textContent = `${node.name} (${node.op && node.op !== "null" ? node.op : node.role})`;
    hookBox(group, node.name, opts, folded);
    boxes.set(node.name, { key: node.name, node, label: node.name, box, group, marker: rect,
      fill, value });
  });
  drawFrames(graph, boxes, frames, opts);
  for (const item of (drawPart && drawPart.footer) || []) {
    if (item.kind === "swatch") {
      svgEl("rect", { x: item.x, y: item.y, width: 10, height: 10, rx: 2, fill: item.fill,
        stroke: item.stroke, class: "symnb-swatch" }, svg);
    } else {
      drawText(item, svg, `symnb-footer-${item.role || "text"}`);
    }
  }
  return { kind: "symbol", svg, boxes, width, height };
}

// An executor document: the forward graph with an array on every node, the backward graph of
// gradient nodes beside it, the legend and the notes, exactly where the document puts them.
function drawExecutor(doc, parent, opts) {
  const width = Math.max(1, Math.ceil(doc.width || 0));
  const height = Math.max(1, Math.ceil(doc.height || 0));
  const svg = svgEl("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`, class: "symnb-graph symnb-executor-graph",
    role: "img",
  }, parent);
  for (const s of doc.sections || []) {
    if (s.title) drawText({ text: s.title, x: s.x, y: s.y, size: 11, fill: "#8b95a1" }, svg, "symnb-section-title");
  }
  const edgeLayer = svgEl("g", { class: "symnb-edges" }, svg);
  for (const e of doc.edges || []) {
    const g = svgEl("g", { class: `symnb-edge-group ${e.kind}` }, edgeLayer);
    if (e.opacity < 1) g.setAttribute("opacity", e.opacity);
    const path = svgEl("path", { d: e.path, fill: "none", stroke: e.color, "stroke-width": e.width,
      class: "symnb-edge" }, g);
    if (e.dash) path.setAttribute("stroke-dasharray", e.dash);
    path.dataset.source = e.source;
    path.dataset.target = e.target;
    svgEl("polygon", { points: (e.arrow || []).map((p) => p.join(",")).join(" "), fill: e.color }, g);
  }
  const boxes = new Map();
  const byEntry = new Map();
  const byOp = new Map();
  for (const n of doc.nodes || []) {
    const group = svgEl("g", { class: `symnb-node role-${n.role} section-${n.section}` }, svg);
    group.dataset.name = n.name;
    group.dataset.id = n.id;
    group.dataset.array = n.title;
    if (n.faded) group.setAttribute("opacity", n.marker.opacity);
    const m = n.marker;
    const half = m.size / 2;
    const marker = m.shape === "circle"
      ? svgEl("circle", { cx: n.x, cy: n.y, r: half, fill: m.fill, stroke: m.stroke }, group)
      : svgEl("rect", { x: n.x - half, y: n.y - half, width: m.size, height: m.size, fill: m.fill,
        stroke: m.stroke }, group);
    const texts = {};
    for (const item of n.text || []) {
      const el = drawText(item, group, `symnb-text symnb-text-${item.style}`);
      if (!texts[item.style]) texts[item.style] = el;
    }
    let thumb = null;
    if (n.thumbnail) {
      thumb = svgEl("g", { class: "symnb-thumbnail" }, group);
      drawThumbnail(thumb, n.thumbnail, n.thumbnail.kind === "heatmap" ? n.thumbnail.cells : null,
        n.thumbnail.bars);
    }
    const title = svgEl("title", {}, group);
    title.textContent = n.tooltip || n.title;
    const b = n.box || { x: n.x - 8, y: n.y - 8, width: 16, height: 16 };
    const entry = { key: n.id, node: n, label: `${n.title} ${n.array} ${n.name}`, group, marker,
      fill: m.fill, texts, thumb, spec: n.thumbnail, value: null,
      box: centred(b.x, b.y, b.width, b.height) };
    boxes.set(n.id, entry);
    byEntry.set(`${n.section}:${n.entry}`, n.id);
    if (n.section === "forward" && (n.role === "internal" || n.role === "output")) byOp.set(`forward:${n.name}`, n.id);
    if (n.section === "backward" && n.role === "gradient") byOp.set(`backward:${n.name}`, n.id);
    hookBox(group, n.id, opts, false);
  }
  for (const item of doc.legend || []) {
    const g = svgEl("g", { class: "symnb-legend-item" }, svg);
    if (item.marker === "circle") {
      svgEl("circle", { cx: item.x + 6, cy: item.y, r: 6, fill: item.fill, stroke: item.stroke }, g);
    } else if (item.marker === "square") {
      svgEl("rect", { x: item.x, y: item.y - 6, width: 12, height: 12, fill: item.fill, stroke: item.stroke }, g);
    }
    drawText({ text: item.text, x: item.marker ? item.x + 22 : item.x, y: item.y + 4, size: 11.5,
      fill: "#3d4752" }, g, "symnb-legend-text");
  }
  const notes = (doc.notes || []).map(
    (note) => drawText({ text: note.text, x: note.x, y: note.y, size: 11.5 }, svg, "symnb-note-text"));
  return { kind: "executor", svg, boxes, width, height, byEntry, byOp, notes };
}

function drawThumbnail(g, spec, cells, bars) {
  g.replaceChildren();
  svgEl("rect", { x: spec.x, y: spec.y, width: spec.width, height: spec.height, fill: "#ffffff",
    stroke: "#d5dae0", "stroke-width": 0.8 }, g);
  if (cells && cells.length) {
    const rows = cells.length;
    const cols = cells[0].length || 1;
    const cw = spec.width / cols;
    const ch = spec.height / rows;
    cells.forEach((row, i) => row.forEach((colour, j) => {
      svgEl("rect", { x: spec.x + j * cw, y: spec.y + i * ch, width: cw + 0.2, height: ch + 0.2,
        fill: colour }, g);
    }));
  } else if (bars && bars.length) {
    const bw = spec.width / bars.length;
    bars.forEach((frac, j) => {
      if (!frac) return;
      const h = Math.max(1, (spec.height - 2) * frac);
      svgEl("rect", { x: spec.x + j * bw + 0.4, y: spec.y + spec.height - 1 - h,
        width: Math.max(bw - 0.8, 0.6), height: h, fill: "#4f8cc2" }, g);
    });
  }
}

// Draws a graph document (symbol or executor); returns {kind, svg, boxes: Map key -> box}.
// options: onPick(key), onToggle(prefix), onHover(key | null, event)
export function drawGraph(graph, parent, options) {
  const opts = typeof options === "function" ? { onPick: options } : (options || {});
  if (graph && graph.kind === "executor") return drawExecutor(graph, parent, opts);
  return drawSymbol(graph || {}, parent, opts);
}

// Zoom (wheel, buttons), pan (drag) and fit-to-view by moving the SVG's viewBox.
export function navigate(viewport, drawn) {
  const { svg, width, height } = drawn;
  const full = { x: 0, y: 0, w: width, h: height };
  let vb = { ...full };
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", String(Math.min(height, MAX_HEIGHT)));
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const apply = () => {
    svg.setAttribute("viewBox", `${vb.x} ${vb.y} ${vb.w} ${vb.h}`);
    viewport.dataset.zoom = (full.w / vb.w).toFixed(3);
  };
  const zoom = (factor, cx, cy) => {
    const x = cx === undefined ? vb.x + vb.w / 2 : cx;
    const y = cy === undefined ? vb.y + vb.h / 2 : cy;
    const w = Math.min(Math.max(vb.w / factor, 20), full.w * 4);
    const h = w * (vb.h / vb.w);
    vb = { x: x - (x - vb.x) * (w / vb.w), y: y - (y - vb.y) * (h / vb.h), w, h };
    apply();
  };
  const fit = () => { vb = { ...full }; apply(); };
  const focus = (name, scale) => {
    const b = drawn.boxes.get(name);
    if (!b) return false;
    // close enough to read the box, and always closer than the whole graph
    const w = Math.min(full.w / 1.5, Math.max(b.box.width * (scale || 3), 160));
    const h = w * (full.h / full.w);
    vb = { x: b.box.x - w / 2, y: b.box.y - h / 2, w, h };
    apply();
    return true;
  };
  const toSvg = (event) => {
    const r = svg.getBoundingClientRect();
    if (!r.width || !r.height) return [vb.x + vb.w / 2, vb.y + vb.h / 2];
    const s = Math.max(vb.w / r.width, vb.h / r.height);
    const ox = (r.width * s - vb.w) / 2;
    const oy = (r.height * s - vb.h) / 2;
    return [vb.x + (event.clientX - r.left) * s - ox, vb.y + (event.clientY - r.top) * s - oy];
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [x, y] = toSvg(event);
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, x, y);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vb: { ...vb }, moved: false };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const s = r.width ? Math.max(vb.w / r.width, vb.h / r.height) : 1;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      vb = { ...drag.vb, x: drag.vb.x - dx * s, y: drag.vb.y - dy * s };
      apply();
    }
  });
  const end = () => { drag = null; };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointerleave", end);
  apply();
  return { zoom, fit, focus, viewBox: () => ({ ...vb }) };
}

function button(parent, text, title, onClick, cls) {
  const b = htmlEl("button", `symnb-button${cls ? ` ${cls}` : ""}`, parent, text);
  b.type = "button";
  b.title = title;
  b.addEventListener("click", (event) => { event.stopPropagation(); onClick(); });
  return b;
}

function attrText(node) {
  const attrs = node.attrs || {};
  return Object.entries(attrs).filter(([k]) => !k.startsWith("__")).map(([k, v]) => `${k}=${v}`);
}

// The hover text of a box: op, parameters, shapes and dtypes of what flows in and out (symbol
// documents); the document's own tooltip (executor documents).
export function describe(graph, key) {
  if (graph && graph.kind === "executor") {
    const n = (graph.nodes || []).find((x) => x.id === key);
    if (!n) return [String(key)];
    const lines = String(n.tooltip || n.title).split("\n");
    const op = (graph.operators || {})[n.name];
    if (op) {
      const attrs = Object.entries(op.attrs || {}).map(([k, v]) => `${k}=${v}`);
      lines.splice(1, 0, `op ${op.op}${attrs.length ? ` (${attrs.join(", ")})` : ""}`);
    }
    return lines;
  }
  const node = ((graph && graph.nodes) || []).find((n) => n.name === key);
  if (!node) return [String(key)];
  const lines = [node.name];
  lines.push(node.op && node.op !== "null" ? `op ${node.op}` : node.role);
  const attrs = attrText(node);
  if (attrs.length) lines.push(attrs.join(", "));
  const ins = (graph.edges || []).filter((e) => e.target === node.id);
  const outs = (graph.edges || []).filter((e) => e.source === node.id);
  const fmt = (e) => `${shapeText(e.shape) || "?"}${e.dtype ? ` ${e.dtype}` : ""}`;
  if (ins.length) lines.push(`in: ${ins.map(fmt).join(", ")}`);
  if (outs.length) lines.push(`out: ${fmt(outs[0])}`);
  else if (node.shape) lines.push(`shape ${shapeText(node.shape)}`);
  if (node.params !== null && node.params !== undefined) lines.push(`${node.params} params`);
  if (node.flops) lines.push(`≈${node.flops} FLOPs`);
  if (node.members && node.members.length) {
    lines.push(`${node.members.length} nodes (click to expand)`);
  }
  return lines;
}

// Toolbar (fit, zoom, find), viewport and tooltip around a drawn graph. Shared by the widget
// and the JupyterLab renderer.
export function mountGraph(root, graph, options) {
  const opts = options || {};
  const tools = htmlEl("div", "symnb-tools", root);
  const viewport = htmlEl("div", "symnb-viewport", root);
  const tip = htmlEl("div", "symnb-tooltip", root);
  tip.hidden = true;
  const hover = (key, event) => {
    if (!key) { tip.hidden = true; return; }
    const lines = describe(graph, key).concat(opts.hoverExtra ? opts.hoverExtra(key) : []);
    tip.replaceChildren();
    for (const line of lines) htmlEl("div", "", tip, line);
    tip.hidden = false;
    const r = root.getBoundingClientRect();
    if (event && r.width) {
      tip.style.left = `${Math.max(0, Math.min(event.clientX - r.left + 12, r.width - 220))}px`;
      tip.style.top = `${event.clientY - r.top + 14}px`;
    }
  };
  const drawn = drawGraph(graph, viewport, {
    onPick: opts.onPick, onToggle: opts.onToggle, onHover: hover,
  });
  const nav = navigate(viewport, drawn);
  button(tools, "fit", "fit the whole graph in view", () => nav.fit(), "symnb-fit");
  button(tools, "+", "zoom in", () => nav.zoom(1.5), "symnb-zoom-in");
  button(tools, "−", "zoom out", () => nav.zoom(1 / 1.5), "symnb-zoom-out");
  const find = htmlEl("input", "symnb-find", tools);
  find.type = "search";
  find.placeholder = "find node…";
  const found = htmlEl("span", "symnb-found-count", tools);
  let matches = [];
  let at = 0;
  const show = () => {
    for (const b of drawn.boxes.values()) b.group.classList.remove("symnb-found", "symnb-found-current");
    for (const m of matches) drawn.boxes.get(m).group.classList.add("symnb-found");
    if (matches.length) {
      const key = matches[at % matches.length];
      drawn.boxes.get(key).group.classList.add("symnb-found-current");
      nav.focus(key);
      found.textContent = `${(at % matches.length) + 1}/${matches.length}`;
      if (opts.onPick) opts.onPick(key);
    } else {
      found.textContent = find.value ? "no match" : "";
    }
  };
  const search = (query) => {
    const q = String(query || "").toLowerCase();
    matches = q ? [...drawn.boxes.values()].filter((b) => b.label.toLowerCase().includes(q))
      .map((b) => b.key) : [];
    at = 0;
    show();
  };
  find.addEventListener("input", () => search(find.value));
  find.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && matches.length) { at += 1; show(); }
  });
  return { tools, viewport, drawn, nav, search, tip };
}

// ----------------------------------------------------------------------------- arrays

function readValues(entry) {
  const raw = entry.data;
  if (!raw) return null;
  const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw)
    : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const Typed = TYPED[entry.wire_dtype] || Float32Array;
  // copy so the typed view is aligned whatever offset the buffer arrived at
  return new Typed(bytes.slice().buffer);
}

function heat(value, scale) {
  if (!Number.isFinite(value)) return "rgb(120,120,120)";
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const fade = (c) => Math.round(255 - (255 - c) * Math.abs(t));
  return t >= 0 ? `rgb(${fade(220)},${fade(38)},${fade(38)})`
    : `rgb(${fade(37)},${fade(99)},${fade(235)})`;
}

function size(entry) {
  return (entry.shape || []).reduce((a, b) => a * b, 1);
}

// A short text for a box: the numbers when small, else min..max.
function valueText(entry) {
  const s = entry.stats || {};
  const values = readValues(entry);
  let text;
  if (values && size(entry) <= 8 && values.length === size(entry)) {
    text = Array.from(values, formatNumber).join(" ");
    text = size(entry) > 1 ? `[${text}]` : text;
  } else if (s.min !== undefined) {
    text = `${formatNumber(s.min)} … ${formatNumber(s.max)}`;
  } else {
    text = shapeText(entry.shape);
  }
  if (entry.before && entry.before.mean !== undefined && s.mean !== undefined) {
    text = `${formatNumber(entry.before.mean)} → ${formatNumber(s.mean)}`;
  }
  return text;
}

function drawHistogram(entry, parent) {
  const counts = (entry.stats || {}).hist;
  if (!counts || !counts.length) return;
  const w = 160;
  const h = 48;
  const svg = svgEl("svg", { width: w, height: h, class: "symnb-histogram" }, parent);
  const top = Math.max(...counts, 1);
  const bw = w / counts.length;
  counts.forEach((c, i) => {
    const bh = (c / top) * (h - 2);
    svgEl("rect", { x: i * bw + 0.5, y: h - bh, width: bw - 1, height: bh }, svg);
  });
}

function drawHeatmap(entry, parent) {
  const values = readValues(entry);
  const [rows, cols] = entry.view_shape || [0, 0];
  if (!values || !values.length) return;
  const cell = Math.max(3, Math.min(14, Math.floor(112 / Math.max(rows, cols))));
  const canvas = htmlEl("canvas", "symnb-heatmap", parent);
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext && canvas.getContext("2d");
  const stats = entry.stats || {};
  const scale = Math.max(Math.abs(stats.min || 0), Math.abs(stats.max || 0));
  if (!ctx) return;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      ctx.fillStyle = heat(values[r * cols + c], scale);
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
}

// One array's card: name, shape and dtype, numbers when small, heatmap (2-D) or histogram.
export function drawArray(entry, parent, label) {
  const card = htmlEl("div", `symnb-array group-${entry.group}`, parent);
  card.dataset.name = entry.name;
  card.dataset.group = entry.group;
  htmlEl("div", "symnb-array-name", card, label && label !== entry.name ? `${label} (${entry.name})` : entry.name);
  htmlEl("div", "symnb-array-meta", card, `${entry.group} · ${shapeText(entry.shape)} ${entry.dtype}`);
  const values = readValues(entry);
  if (values && values.length && size(entry) <= 8) {
    htmlEl("div", "symnb-array-values", card, Array.from(values, formatNumber).join(" "));
  }
  if ((entry.shape || []).length >= 2) drawHeatmap(entry, card);
  else drawHistogram(entry, card);
  const s = entry.stats || {};
  if (s.min !== undefined) {
    htmlEl("div", "symnb-array-stats", card,
      `min ${formatNumber(s.min)} · mean ${formatNumber(s.mean)} · max ${formatNumber(s.max)}`
      + ` · std ${formatNumber(s.std)}`);
  }
  if (s.nan || s.inf) htmlEl("div", "symnb-array-bad", card, `${s.nan} NaN · ${s.inf} inf`);
  if (entry.before && entry.before.mean !== undefined) {
    htmlEl("div", "symnb-array-meta", card,
      `mean before → after: ${formatNumber(entry.before.mean)} → ${formatNumber(s.mean)}`);
  }
  return card;
}

// ----------------------------------------------------------------------------- live state

// One per model (all views of a widget share it): the arrays by "group/name", the step count,
// the trace. Kernel messages update it once and then tell every view.
const LIVE = new WeakMap();

function putBuffers(items, buffers) {
  return items.map((item) => {
    const entry = { ...item };
    if (typeof item.buffer === "number") entry.data = buffers[item.buffer];
    delete entry.buffer;
    return entry;
  });
}

function liveState(model) {
  let state = LIVE.get(model);
  if (state) return state;
  state = { entries: new Map(), steps: model.get("steps") || 0, event: model.get("event") || "",
    trace: null, views: new Set(), updates: 0 };
  for (const entry of model.get("arrays") || []) state.entries.set(`${entry.group}/${entry.name}`, entry);
  const trace = model.get("trace");
  if (Array.isArray(trace)) state.trace = trace;
  state.onMessage = (msg, buffers) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "values") {
      for (const entry of putBuffers(msg.entries || [], buffers || [])) {
        state.entries.set(`${entry.group}/${entry.name}`, entry);
      }
      state.steps = msg.steps;
      state.event = msg.event;
      state.updates += 1;
      for (const view of state.views) view.values();
    } else if (msg.type === "trace") {
      state.trace = (msg.steps || []).map((s) => ({ ...s, arrays: putBuffers(s.arrays || [], buffers || []) }));
      for (const view of state.views) view.traced();
    }
  };
  model.on("msg:custom", state.onMessage);
  LIVE.set(model, state);
  return state;
}

function initialize({ model }) {
  if (model.get("kind") === "executor") {
    liveState(model);
    // messages sent while this module was loading are lost: ask for everything once
    model.send({ type: "sync" });
  }
  return () => {
    const state = LIVE.get(model);
    if (state) { model.off("msg:custom", state.onMessage); LIVE.delete(model); }
  };
}

// colour of a box by a magnitude in [0, 1]
function magnitudeColor(t) {
  const c = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${c(255, 234)},${c(247, 88)},${c(237, 12)})`;
}

function sig(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

// "10" or "[1, 2]" for arrays of up to 8 numbers (as the executor picture writes them)
function smallText(entry) {
  const n = size(entry);
  if (n > 8) return null;
  const values = readValues(entry);
  if (!values || values.length !== n) return null;
  const parts = Array.from(values, sig);
  return (entry.shape || []).length ? `[${parts.join(", ")}]` : parts[0];
}

// Heatmap cells (rows x cols colours) resampled from the entry's crop, or histogram bars.
function thumbnailOf(entry, spec) {
  const s = entry.stats || {};
  if (spec.kind === "heatmap") {
    const values = readValues(entry);
    const [vr, vc] = entry.view_shape || [0, 0];
    if (!values || !vr || !vc) return { cells: null, bars: null };
    const rows = spec.rows || Math.min(vr, 8);
    const cols = spec.cols || Math.min(vc, 14);
    const scale = Math.max(Math.abs(s.min || 0), Math.abs(s.max || 0));
    const cells = [];
    for (let i = 0; i < rows; i++) {
      const row = [];
      for (let j = 0; j < cols; j++) {
        row.push(heat(values[Math.floor((i * vr) / rows) * vc + Math.floor((j * vc) / cols)], scale));
      }
      cells.push(row);
    }
    return { cells, bars: null };
  }
  const hist = s.hist || [];
  const top = Math.max(...hist, 1);
  return { cells: null, bars: hist.map((c) => c / top) };
}

// Writes an array's current value into an executor picture node, in place.
function setExecutorValue(b, entry) {
  const t = b.texts;
  const s = entry.stats || {};
  const small = smallText(entry);
  let summary;
  if (small !== null) {
    summary = small;
    if (t.value) t.value.textContent = small;
    else if (t.name && t.name.textContent.includes("=")) t.name.textContent = `${b.node.title}=${small}`;
    else if (t.caption) t.caption.textContent = small;
  } else {
    summary = s.min !== undefined ? `min ${sig(s.min)} · max ${sig(s.max)}` : shapeText(entry.shape);
    if (t.caption) t.caption.textContent = summary;
  }
  if (entry.before && entry.before.mean !== undefined && s.mean !== undefined) {
    summary = `mean ${sig(entry.before.mean)} → ${sig(s.mean)}`;
    const target = t.caption || t.value;
    if (target) target.textContent = summary;
  }
  if (b.thumb && b.spec) {
    const { cells, bars } = thumbnailOf(entry, b.spec);
    drawThumbnail(b.thumb, b.spec, cells, bars);
  }
  b.group.dataset.live = summary;
}

function render({ model, el }) {
  const executor = model.get("kind") === "executor";
  const state = executor ? liveState(model) : null;
  const root = htmlEl("div", "symnb-widget", el);
  const head = htmlEl("div", "symnb-head", root);
  const titleEl = htmlEl("span", "symnb-title", head);
  const eventEl = htmlEl("span", "symnb-event", head);
  const graphBox = htmlEl("div", "symnb-graph-box", root);
  const stepBar = htmlEl("div", "symnb-stepbar", root);
  const details = htmlEl("div", "symnb-details", root);
  let mounted = null;
  let picked = null;
  let traceAt = -1;       // index of the lit trace step; -1: the live values
  let timer = null;
  let wantStep = false;   // a step was asked for before any trace: light the first node
  let status = null;
  let play = null;

  const get = (group, name) => state.entries.get(`${group}/${name}`);
  // the arrays of a box: what it shows (main), its gradient, and all for the details panel
  const arraysOf = (key) => {
    const none = { main: null, grad: null, all: [] };
    if (!state || !mounted || !mounted.drawn.boxes.has(key)) return none;
    const d = mounted.drawn;
    if (d.kind === "executor") {
      const n = d.boxes.get(key).node;
      const grad = get("grad", n.entry) || get("igrad", n.entry) || null;
      if (n.section === "backward") return { main: grad, grad, all: grad ? [grad] : [] };
      const main = get("output", n.entry) || get("internal", n.entry) || get("arg", n.entry)
        || get("aux", n.entry) || null;
      return { main, grad, all: [main, grad].filter(Boolean) };
    }
    const own = [...state.entries.values()].filter((e) => e.node === key);
    const main = own.find((e) => e.group === "output") || own.find((e) => e.group === "internal")
      || own.find((e) => e.group === "arg" && e.name === key) || own.find((e) => e.group === "aux")
      || null;
    const grad = own.find((e) => e.group === "grad" && e.name === key)
      || own.find((e) => e.group === "grad") || null;
    return { main, grad, all: own };
  };

  const showDetails = (key) => {
    details.replaceChildren();
    if (!key || !mounted) return;
    picked = key;
    htmlEl("div", "symnb-details-title", details, describe(model.get("graph") || {}, key).join(" · "));
    const row = htmlEl("div", "symnb-row", details);
    let arrays = arraysOf(key).all;
    const step = traceAt >= 0 && state && state.trace ? state.trace[traceAt] : null;
    if (step && traceKey(step) === key) arrays = step.arrays;
    // in the executor picture, arrays go by the picture's own labels (the user's names)
    const label = (entry) => {
      const d = mounted.drawn;
      if (d.kind !== "executor") return entry.name;
      const grad = /^d\((.*)\)$/.exec(entry.name);
      const isGrad = grad || entry.group === "grad" || entry.group === "igrad";
      const key = d.byEntry.get(isGrad ? `backward:${grad ? grad[1] : entry.name}` : `forward:${entry.name}`);
      return key ? d.boxes.get(key).node.title : entry.name;
    };
    for (const entry of arrays) drawArray(entry, row, label(entry));
    if (!arrays.length) htmlEl("div", "symnb-array-meta", row, "no arrays on this box");
    for (const b of mounted.drawn.boxes.values()) b.group.classList.toggle("symnb-picked", b.key === key);
  };

  const colorize = () => {
    if (!mounted) return;
    const by = model.get("color_by");
    const mags = new Map();
    if (by && state) {
      for (const key of mounted.drawn.boxes.keys()) {
        const { main, grad } = arraysOf(key);
        const e = by === "grad" ? grad : main;
        const rms = e && e.stats ? e.stats.rms : undefined;
        if (rms !== undefined && rms > 0) mags.set(key, Math.log10(rms));
      }
    }
    const lo = Math.min(...mags.values());
    const hi = Math.max(...mags.values());
    for (const [key, b] of mounted.drawn.boxes) {
      if (mags.has(key)) {
        const t = hi > lo ? (mags.get(key) - lo) / (hi - lo) : 0.5;
        b.marker.setAttribute("fill", magnitudeColor(t));
        b.group.dataset.magnitude = t.toFixed(3);
      } else {
        b.marker.setAttribute("fill", b.fill);
        delete b.group.dataset.magnitude;
      }
    }
  };

  const showValue = (b, entry, grad) => {
    if (mounted.drawn.kind === "executor") {
      if (entry) setExecutorValue(b, entry);
      return;
    }
    let text = entry ? valueText(entry) : "";
    if (grad && grad.name === b.key) text += `${text ? "  " : ""}d=${valueText(grad)}`;
    b.value.textContent = text;
    b.group.dataset.live = text;
  };

  // values in place: one pass over the boxes, no redraw
  const values = () => {
    if (!mounted || !state) return;
    if (traceAt < 0) {
      for (const [key, b] of mounted.drawn.boxes) {
        const { main, grad } = arraysOf(key);
        if (main || grad) showValue(b, main, grad);
      }
    }
    if (mounted.drawn.notes) {
      // 'executor.outputs[k] = ...  // name': the k-th output's value now
      const outputs = [...state.entries.values()].filter((e) => e.group === "output");
      for (const el of mounted.drawn.notes) {
        const m = /^executor\.outputs\[(\d+)\] = .*?(\s+\/\/ .*)?$/.exec(el.textContent);
        const out = m && outputs[Number(m[1])];
        if (out) el.textContent = `executor.outputs[${m[1]}] = ${smallText(out) || valueText(out)}${m[2] || ""}`;
      }
    }
    root.dataset.steps = String(state.steps);
    root.dataset.updates = String(state.updates);
    eventEl.textContent = state.steps ? `after ${state.event} (step ${state.steps})` : state.event;
    colorize();
    if (picked && traceAt < 0) showDetails(picked);
  };

  const traceKey = (step) => {
    if (!mounted) return null;
    if (mounted.drawn.kind === "executor") return mounted.drawn.byOp.get(`${step.phase}:${step.node}`) || null;
    return step.box || step.node;
  };

  const lightTrace = () => {
    if (!mounted || !state) return;
    const trace = state.trace || [];
    // what each box shows at this point of the recorded step: its own output (forward) or
    // output gradient (backward); in the executor picture a backward step also reaches the
    // gradient nodes of its inputs (their d(X) contributions)
    const visited = new Map();
    const shown = new Map();
    for (let k = 0; k <= traceAt && k < trace.length; k++) {
      const s = trace[k];
      const key = traceKey(s);
      visited.set(key, s);
      if (mounted.drawn.kind === "executor") {
        for (const a of s.arrays) {
          const target = s.phase === "forward" ? `forward:${a.name}`
            : `backward:${a.name.replace(/^d\((.*)\)$/, "$1")}`;
          const tkey = mounted.drawn.byEntry.get(target);
          if (tkey) { shown.set(tkey, a); if (!visited.has(tkey)) visited.set(tkey, s); }
        }
      } else if (s.arrays.length) {
        const own = s.arrays.find((a) => a.name === `${s.node}_output` || a.name === `d(${s.node}_output)`);
        if (own) shown.set(key, own);
      }
    }
    const current = traceAt >= 0 ? trace[traceAt] : null;
    const currentKey = current ? traceKey(current) : null;
    for (const [key, b] of mounted.drawn.boxes) {
      const step = visited.get(key);
      b.group.classList.toggle("symnb-lit", key === currentKey);
      b.group.classList.toggle("symnb-visited-forward", !!step && step.phase === "forward");
      b.group.classList.toggle("symnb-visited-backward", !!step && step.phase === "backward");
      if (traceAt >= 0 && shown.has(key)) {
        showValue(b, shown.get(key), null);
      } else if (traceAt >= 0 && mounted.drawn.kind === "symbol") {
        b.value.textContent = "";
      }
    }
    root.dataset.traceAt = String(traceAt);
    if (status) {
      status.textContent = current
        ? `${current.phase} ${trace.slice(0, traceAt + 1).filter((s) => s.phase === current.phase).length}`
          + `/${trace.filter((s) => s.phase === current.phase).length}: ${current.node}`
        : (trace.length ? `recorded ${trace.length} node steps` : "no recorded step");
    }
    if (current && currentKey) showDetails(currentKey);
  };

  const stopPlay = () => {
    if (timer) { clearInterval(timer); timer = null; }
    if (play) play.textContent = "play";
  };
  const reset = () => {
    stopPlay();
    traceAt = -1;
    lightTrace();
    values();
  };
  const record = () => {
    if (status) status.textContent = "recording one real step…";
    model.send({ type: "record" });
  };
  const step = () => {
    if (!state.trace || !state.trace.length) {
      wantStep = true;
      record();
      return false;
    }
    if (traceAt + 1 >= state.trace.length) return false;
    traceAt += 1;
    lightTrace();
    return true;
  };
  if (executor) {
    button(stepBar, "reset", "back to the live values", reset, "symnb-reset");
    button(stepBar, "step", "light the next node (forward, then backward)", () => step(), "symnb-step");
    play = button(stepBar, "play", "play the recorded step node by node", () => {
      if (timer) { stopPlay(); return; }
      play.textContent = "pause";
      timer = setInterval(() => { if (!step()) stopPlay(); }, 400);
    }, "symnb-play");
    button(stepBar, "record", "run one real forward and backward and keep every node's arrays",
      record, "symnb-record");
    const colorSel = htmlEl("select", "symnb-color-by", stepBar);
    for (const [v, t] of [["", "no colouring"], ["value", "colour by |value|"], ["grad", "colour by |gradient|"]]) {
      const o = htmlEl("option", "", colorSel, t);
      o.value = v;
    }
    colorSel.value = model.get("color_by") || "";
    colorSel.addEventListener("change", () => {
      model.set("color_by", colorSel.value);
      model.save_changes();
      colorize();
    });
    status = htmlEl("span", "symnb-step-status", stepBar, "");
  } else {
    stepBar.hidden = true;
  }

  let draws = 0;
  const draw = () => {
    draws += 1;
    root.dataset.draws = String(draws);     // a value update never redraws
    graphBox.replaceChildren();
    titleEl.textContent = model.get("title");
    const graph = model.get("graph") || {};
    mounted = mountGraph(graphBox, graph, {
      onPick: showDetails,
      onToggle: (prefix) => model.send({ type: "toggle", prefix }),
      hoverExtra: (key) => {
        const { main, grad } = arraysOf(key);
        return [main ? `now ${valueText(main)}` : null,
          grad && grad !== main ? `gradient ${valueText(grad)}` : null].filter(Boolean);
      },
    });
    const note = graph.note;
    if (note) htmlEl("div", "symnb-note", graphBox, note);
    if (state) {
      values();
      lightTrace();
    }
  };
  draw();
  const view = {
    values,
    traced: () => {
      traceAt = wantStep ? 0 : -1;
      wantStep = false;
      values();
      lightTrace();
    },
  };
  if (state) state.views.add(view);
  const onGraph = () => { traceAt = -1; draw(); };
  const onColor = () => colorize();
  model.on("change:graph", onGraph);
  model.on("change:color_by", onColor);
  return () => {
    stopPlay();
    if (state) state.views.delete(view);
    model.off("change:graph", onGraph);
    model.off("change:color_by", onColor);
  };
}

export default { initialize, render };
