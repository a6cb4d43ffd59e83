// Test side of the browser pages: a mock anywidget model fed with the messages a real
// ExecutorWidget sent, and snapshots of the DOM that the Python test reads back.

// ipywidgets hands binary buffers to the front end as DataViews placed at their paths in the
// state. The bytes sit at an odd offset inside a larger buffer here, as they may in a comm
// message, so a renderer that forgets byteOffset or alignment shows the wrong numbers.
function toDataView(base64) {
  const raw = atob(base64);
  const padded = new Uint8Array(raw.length + 4);
  for (let i = 0; i < raw.length; i++) padded[i + 3] = raw.charCodeAt(i);
  return new DataView(padded.buffer, 3, raw.length);
}

function putBuffers(state, paths, buffers) {
  paths.forEach((path, k) => {
    let target = state;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path[path.length - 1]] = toDataView(buffers[k]);
  });
  return state;
}

// The part of anywidget's model interface a render function may use.
export class MockModel {
  constructor(message) {
    this.state = putBuffers(message.state, message.buffer_paths, message.buffers);
    this.handlers = new Map();
    this.saved = 0;
    this.sent = [];
  }

  get(name) { return this.state[name]; }

  set(name, value) { this.state[name] = value; }

  on(event, callback) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(callback);
  }

  off(event, callback) {
    if (event === undefined) { this.handlers.clear(); return; }
    const kept = (this.handlers.get(event) || []).filter((cb) => callback && cb !== callback);
    this.handlers.set(event, kept);
  }

  save_changes() { this.saved += 1; }

  send(content, callbacks, buffers) { this.sent.push({ content, buffers }); }

  listenerCount() {
    let n = 0;
    for (const list of this.handlers.values()) n += list.length;
    return n;
  }

  // A kernel message: a 'custom' one goes to the msg:custom listeners with its buffers as
  // DataViews; an 'update' is applied as Backbone does: set every key, then one change:<key>
  // event per key, then 'change'.
  receive(message) {
    if (message.method === "custom") {
      const buffers = message.buffers.map(toDataView);
      for (const cb of this.handlers.get("msg:custom") || []) cb(message.content, buffers);
      return;
    }
    const update = putBuffers(message.state, message.buffer_paths, message.buffers);
    for (const [key, value] of Object.entries(update)) this.state[key] = value;
    for (const key of Object.keys(update)) {
      for (const cb of this.handlers.get(`change:${key}`) || []) cb(this, update[key]);
    }
    for (const cb of this.handlers.get("change") || []) cb(this);
  }
}

export function fixture() {
  return JSON.parse(document.getElementById("fixture").textContent);
}

// Copies what `el` shows now into <section class="stage" data-stage=name> for the test to read.
export function snapshot(el, name, extra) {
  const section = document.createElement("section");
  section.className = "stage";
  section.dataset.stage = name;
  for (const [key, value] of Object.entries(extra || {})) section.dataset[key] = String(value);
  section.appendChild(el.cloneNode(true));
  document.getElementById("stages").appendChild(section);
}

export function click(element) {
  element.dispatchEvent(new MouseEvent("click", { bubbles: true }));
}

export function done() {
  document.body.dataset.done = "1";
}
