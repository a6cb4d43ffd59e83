// The part of @lumino/widgets the lab renderer uses: a Widget owning a <div> node. Pages map
// "@lumino/widgets" here with an import map (source) or a shared scope (built bundle).
export class Widget {
  constructor() {
    this.node = document.createElement("div");
  }

  addClass(name) {
    this.node.classList.add(name);
  }
}
