// The part of @lumino/widgets the lab renderers use: a Widget owning a <div> node, and a Panel
// of child widgets. Pages map "@lumino/widgets" here with an import map (source) or a shared
// scope (built bundle).
export class Widget {
  constructor() {
    this.node = document.createElement("div");
    this.parent = null;
    this.isAttached = false;
    this.isDisposed = false;
  }

  addClass(name) {
    this.node.classList.add(name);
  }

  hide() {
    this.node.hidden = true;
  }

  dispose() {
    this.isDisposed = true;
    this.node.remove();
  }
}

export class Panel extends Widget {
  constructor() {
    super();
    this.widgets = [];
  }

  addWidget(widget) {
    this.widgets.push(widget);
    widget.parent = this;
    this.node.appendChild(widget.node);
  }
}
