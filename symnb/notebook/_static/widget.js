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

// Draws a graph document; returns {svg, boxes: Map name -> {node, box, group, rect, value}}.
// options: onPick(name), onToggle(prefix), onHover(name | null, event)
export function drawGraph(graph, parent, options) {
  const opts = typeof options === "function" ? { onPick: options } : (options || {});
  const layout = graph.layout || { width: 100, height: 60, nodes: {}, edges: [] };
  const width = Math.max(1, Math.ceil(layout.width || 0));
  const height = Math.max(1, Math.ceil(layout.height || 0));
  const svg = svgEl("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`, class: "symnb-graph", role: "img",
  }, parent);
  const edgeLayer = svgEl("g", { class: "symnb-edges" }, svg);
  const byId = new Map((graph.nodes || []).map((n) => [n.id, n]));
  (graph.edges || []).forEach((edge, k) => {
    const points = (layout.edges || [])[k] || [];
    if (points.length < 2) return;
    const kind = edge.bad ? "bad" : "ok";
    const path = svgEl("path", { d: curve(points), fill: "none", class: `symnb-edge ${kind}` },
      edgeLayer);
    const src = byId.get(edge.source);
    const dst = byId.get(edge.target);
    if (src) path.dataset.source = src.name;
    if (dst) path.dataset.target = dst.name;
    // An explicit arrowhead, not an SVG marker: url(#id) references break under the <base>
    // element JupyterLab sets. Routes end with a vertical tangent, so the head points down.
    const [x, y] = points[points.length - 1];
    svgEl("path", { d: `M ${x - 4} ${y - 7} L ${x + 4} ${y - 7} L ${x} ${y} Z`,
      class: `symnb-arrowhead ${kind}` }, edgeLayer);
    const text = edge.bad && edge.note ? `${edge.label} ${edge.note}`.trim() : edge.label;
    if (text) {
      const i = Math.floor((points.length - 1) / 2);
      const label = svgEl("text", {
        x: (points[i][0] + points[i + 1][0]) / 2 + 5, y: (points[i][1] + points[i + 1][1]) / 2 + 4,
        class: edge.bad ? "symnb-edge-label bad" : "symnb-edge-label",
      }, edgeLayer);
      label.textContent = text;
    }
  });
  const boxes = new Map();
  const groupLayer = svgEl("g", { class: "symnb-frames" }, svg);
  for (const node of graph.nodes || []) {
    const box = (layout.nodes || {})[node.id];
    if (!box) continue;
    const [fill, stroke] = (graph.colors || {})[node.family] || DEFAULT_COLORS;
    const folded = Array.isArray(node.members) && node.members.length > 0;
    const group = svgEl("g", {
      class: `symnb-node role-${node.role}${folded ? " symnb-folded" : ""}`,
    }, svg);
    group.dataset.name = node.name;
    const rect = svgEl("rect", {
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
    const value = svgEl("text", {
      x: box.x, y: box.y + box.height / 2 + 11, "text-anchor": "middle", class: "symnb-value",
    }, group);
    const title = svgEl("title", {}, group);
    title.textContent = `${node.name} (${node.op && node.op !== "null" ? node.op : node.role})`;
    group.addEventListener("click", (event) => {
      event.stopPropagation();
      if (folded && opts.onToggle) opts.onToggle(node.name);
      if (opts.onPick) opts.onPick(node.name);
    });
    if (opts.onHover) {
      group.addEventListener("mouseenter", (event) => opts.onHover(node.name, event));
      group.addEventListener("mousemove", (event) => opts.onHover(node.name, event));
      group.addEventListener("mouseleave", () => opts.onHover(null));
    }
    boxes.set(node.name, { node, box, group, rect, value, fill });
  }
  // expanded groups: a dashed frame around the members; clicking its label folds them again
  for (const prefix of graph.collapsible || []) {
    if (boxes.has(prefix)) continue;
    const inside = [...boxes.values()].filter(
      (b) => b.node.role === "op" && b.node.name.startsWith(prefix));
    if (!inside.length) continue;
    const x0 = Math.min(...inside.map((b) => b.box.x - b.box.width / 2)) - 8;
    const x1 = Math.max(...inside.map((b) => b.box.x + b.box.width / 2)) + 8;
    const y0 = Math.min(...inside.map((b) => b.box.y - b.box.height / 2)) - 16;
    const y1 = Math.max(...inside.map((b) => b.box.y + b.box.height / 2)) + 8;
    const frame = svgEl("g", { class: "symnb-frame" }, groupLayer);
    frame.dataset.prefix = prefix;
    svgEl("rect", { x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 8 }, frame);
    const label = svgEl("text", { x: x0 + 6, y: y0 + 11, class: "symnb-frame-label" }, frame);
    label.textContent = `▾ ${prefix} (fold)`;
    frame.addEventListener("click", (event) => {
      event.stopPropagation();
      if (opts.onToggle) opts.onToggle(prefix);
    });
  }
  return { svg, boxes, width, height };
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

// The hover text of a box: op, parameters, shapes and dtypes of what flows in and out.
export function describe(graph, name) {
  const node = (graph.nodes || []).find((n) => n.name === name);
  if (!node) return [name];
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
  const hover = (name, event) => {
    if (!name) { tip.hidden = true; return; }
    const lines = describe(graph, name).concat(opts.hoverExtra ? opts.hoverExtra(name) : []);
    tip.replaceChildren();
    for (const line of lines) htmlEl("div", "", tip, line);
    tip.hidden = false;
    const r = root.getBoundingClientRect();
    if (event && r.width) {
      tip.style.left = `${Math.min(event.clientX - r.left + 12, r.width - 180)}px`;
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
      const name = matches[at % matches.length];
      drawn.boxes.get(name).group.classList.add("symnb-found-current");
      nav.focus(name);
      found.textContent = `${(at % matches.length) + 1}/${matches.length}`;
      if (opts.onPick) opts.onPick(name);
    } else {
      found.textContent = find.value ? "no match" : "";
    }
  };
  const search = (query) => {
    const q = String(query || "").toLowerCase();
    matches = q ? [...drawn.boxes.keys()].filter((n) => n.toLowerCase().includes(q)) : [];
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
export function drawArray(entry, parent) {
  const card = htmlEl("div", `symnb-array group-${entry.group}`, parent);
  card.dataset.name = entry.name;
  card.dataset.group = entry.group;
  htmlEl("div", "symnb-array-name", card, entry.name);
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
  liveState(model);
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
  let traceAt = -1;     // index of the lit trace step; -1: not stepping
  let timer = null;
  let wantStep = false;   // a step was asked for before any trace: light the first node

  const attached = (name) => (state ? [...state.entries.values()].filter((e) => e.node === name) : []);
  const mainEntry = (name) => {
    const own = attached(name);
    return own.find((e) => e.group === "output") || own.find((e) => e.group === "internal")
      || own.find((e) => e.group === "arg" && e.name === name) || own.find((e) => e.group === "aux")
      || null;
  };
  const gradEntry = (name) => attached(name).find((e) => e.group === "grad" && e.name === name)
    || attached(name).find((e) => e.group === "grad") || null;

  const showDetails = (name) => {
    details.replaceChildren();
    if (!name) return;
    picked = name;
    htmlEl("div", "symnb-details-title", details, describe(model.get("graph") || {}, name).join(" · "));
    const row = htmlEl("div", "symnb-row", details);
    let arrays = attached(name);
    if (traceAt >= 0 && state.trace && state.trace[traceAt]) {
      const step = state.trace[traceAt];
      if (step.box === name || step.node === name) arrays = step.arrays;
    }
    for (const entry of arrays) drawArray(entry, row);
    if (!arrays.length) htmlEl("div", "symnb-array-meta", row, "no arrays on this box");
    if (mounted) {
      for (const b of mounted.drawn.boxes.values()) b.group.classList.toggle("symnb-picked", b.node.name === name);
    }
  };

  const colorize = () => {
    if (!mounted) return;
    const by = model.get("color_by");
    const mags = new Map();
    if (by) {
      for (const name of mounted.drawn.boxes.keys()) {
        const e = by === "grad" ? gradEntry(name) : mainEntry(name);
        const rms = e && e.stats ? e.stats.rms : undefined;
        if (rms !== undefined && rms > 0) mags.set(name, Math.log10(rms));
      }
    }
    const lo = Math.min(...mags.values());
    const hi = Math.max(...mags.values());
    for (const [name, b] of mounted.drawn.boxes) {
      if (mags.has(name)) {
        const t = hi > lo ? (mags.get(name) - lo) / (hi - lo) : 0.5;
        b.rect.setAttribute("fill", magnitudeColor(t));
        b.group.dataset.magnitude = t.toFixed(3);
      } else {
        b.rect.setAttribute("fill", b.fill);
        delete b.group.dataset.magnitude;
      }
    }
  };

  // values in place: one pass over the boxes, no redraw
  const values = () => {
    if (!mounted || !state) return;
    for (const [name, b] of mounted.drawn.boxes) {
      if (traceAt >= 0) continue;
      const e = mainEntry(name);
      const g = gradEntry(name);
      let text = e ? valueText(e) : "";
      if (g) text += `${text ? "  " : ""}d=${valueText(g)}`;
      b.value.textContent = text;
    }
    root.dataset.steps = String(state.steps);
    root.dataset.updates = String(state.updates);
    eventEl.textContent = state.steps ? `after ${state.event} (step ${state.steps})` : state.event;
    colorize();
    if (picked && traceAt < 0) showDetails(picked);
  };

  const lightTrace = () => {
    const trace = state.trace || [];
    const visited = new Map();
    for (let k = 0; k <= traceAt && k < trace.length; k++) visited.set(trace[k].box || trace[k].node, trace[k]);
    for (const [name, b] of mounted.drawn.boxes) {
      const step = visited.get(name);
      b.group.classList.toggle("symnb-lit", traceAt >= 0 && trace[traceAt]
        && (trace[traceAt].box || trace[traceAt].node) === name);
      b.group.classList.toggle("symnb-visited-forward", !!step && step.phase === "forward");
      b.group.classList.toggle("symnb-visited-backward", !!step && step.phase === "backward");
      if (traceAt >= 0) {
        b.value.textContent = step && step.arrays.length ? `${step.phase === "backward" ? "d=" : ""}${valueText(step.arrays[0])}` : "";
      }
    }
    root.dataset.traceAt = String(traceAt);
    const cur = trace[traceAt];
    status.textContent = cur
      ? `${cur.phase} ${trace.slice(0, traceAt + 1).filter((s) => s.phase === cur.phase).length}`
        + `/${trace.filter((s) => s.phase === cur.phase).length}: ${cur.node}`
      : (trace.length ? `recorded ${trace.length} node steps` : "no recorded step");
    if (cur) showDetails(cur.box || cur.node);
  };

  const reset = () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "play"; }
    traceAt = -1;
    if (state && state.trace) lightTrace();
    values();
  };
  const step = () => {
    if (!state.trace || !state.trace.length) {
      status.textContent = "recording one real step…";
      wantStep = true;
      model.send({ type: "record" });
      return false;
    }
    if (traceAt + 1 >= state.trace.length) return false;
    traceAt += 1;
    lightTrace();
    return true;
  };
  let status = null;
  let play = null;
  if (executor) {
    button(stepBar, "reset", "back to the live values", reset, "symnb-reset");
    button(stepBar, "step", "light the next node (forward, then backward)", () => step(), "symnb-step");
    play = button(stepBar, "play", "play the recorded step node by node", () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "play"; return; }
      play.textContent = "pause";
      timer = setInterval(() => {
        if (!step()) { clearInterval(timer); timer = null; play.textContent = "play"; }
      }, 400);
    }, "symnb-play");
    button(stepBar, "record", "run one real forward and backward and keep every node's arrays",
      () => { status.textContent = "recording one real step…"; model.send({ type: "record" }); }, "symnb-record");
    const colorSel = htmlEl("select", "symnb-color-by", stepBar);
    for (const [v, t] of [["", "no colouring"], ["value", "colour by |value|"], ["grad", "colour by |gradient|"]]) {
      const o = htmlEl("option", "", colorSel, t);
      o.value = v;
    }
    colorSel.value = model.get("color_by") || "";
    colorSel.addEventListener("change", () => { model.set("color_by", colorSel.value); model.save_changes(); colorize(); });
    status = htmlEl("span", "symnb-step-status", stepBar, "");
  } else {
    stepBar.hidden = true;
  }

  const draw = () => {
    graphBox.replaceChildren();
    titleEl.textContent = model.get("title");
    const graph = model.get("graph") || {};
    mounted = mountGraph(graphBox, graph, {
      onPick: showDetails,
      onToggle: (prefix) => model.send({ type: "toggle", prefix }),
      hoverExtra: (name) => {
        const e = mainEntry(name);
        const g = gradEntry(name);
        return [e ? `value ${valueText(e)}` : null, g ? `gradient ${valueText(g)}` : null].filter(Boolean);
      },
    });
    if (graph.note) htmlEl("div", "symnb-note", graphBox, graph.note);
    if (state) {
      values();
      if (traceAt >= 0) lightTrace();
    }
  };
  draw();
  const view = {
    values,
    traced: () => {
      traceAt = wantStep ? 0 : -1;
      wantStep = false;
      values();
      if (status) lightTrace();
    },
  };
  if (state) {
    state.views.add(view);
    if (state.trace) lightTrace();
  }
  const onGraph = () => draw();
  const onColor = () => colorize();
  model.on("change:graph", onGraph);
  model.on("change:color_by", onColor);
  return () => {
    if (timer) clearInterval(timer);
    if (state) state.views.delete(view);
    model.off("change:graph", onGraph);
    model.off("change:color_by", onColor);
  };
}

export default { initialize, render };
