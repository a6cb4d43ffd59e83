"""Write and execute ``11_live_training.ipynb``: a small network trained with a plain executor
loop (hand-written SGD) while the live executor view follows it.

Run from the repository root with the project's venv::

    .venv/bin/python notebooks/make_live_notebook.py

The stored outputs carry the live view's static picture next to the widget view, so GitHub,
nbconvert and a notebook reopened without its kernel show the executor picture. The widget
state is not stored (the live view needs the kernel).
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
NAME = "11_live_training"


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text):
    return nbformat.v4.new_code_cell(text.strip())


CELLS = [
    md("""
# Live training: watch an executor learn

[Index](00_index.ipynb)

A live `ExecutorWidget` draws the executor picture and keeps its values current while a plain
training loop runs: outputs after `forward`, gradients after `backward`, auxiliary states as
before → after. It is cheap enough to leave on: a step only marks the view dirty, and at most a
few times a second (`rate=4` by default) the arrays that changed are encoded and sent, so the
loop below runs within a few percent of its speed without the view (see
`benchmarks/bench_live.py`).

In the view: **wheel** zooms, **drag** pans, **fit** shows everything, the search box finds a
node by name, **hover** a box for its operator, parameters, shapes and dtype, **click** a box
for its arrays (heatmap or histogram, statistics). The colour menu paints boxes by the size of
their values or gradients.
"""),
    code("""
%load_ext symnb
import time
import numpy as np
import symnb as mx
from symnb.notebook import ExecutorWidget
"""),
    md("""
## The data and the network

Three interleaved spirals of 2-D points, and a two-layer MLP with a softmax loss. `simple_bind`
allocates the arguments and their gradient holders.
"""),
    code("""
rng = np.random.default_rng(0)
n, classes = 256, 3
t = np.linspace(0.2, 1, n)
X = np.concatenate([np.stack([t * np.sin(2.5 * t * np.pi + k * 2.1),
                              t * np.cos(2.5 * t * np.pi + k * 2.1)], 1) for k in range(classes)])
X = (X + rng.normal(0, 0.03, X.shape)).astype(np.float32)
Y = np.repeat(np.arange(classes), n).astype(np.float32)

batch = 64
data = mx.sym.var('data')
hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=32, name='fc1'),
                           act_type='relu', name='relu1')
scores = mx.sym.FullyConnected(hidden, num_hidden=classes, name='fc2')
net = mx.sym.SoftmaxOutput(scores, mx.sym.var('softmax_label'), name='softmax')
ex = net.simple_bind(mx.cpu(), data=(batch, 2), softmax_label=(batch,))
for _name, _arr in ex.arg_dict.items():   # '_' names stay out of the picture's labels
    if _name.endswith('weight'):
        _arr[:] = rng.normal(0, 0.5, _arr.shape)
print({k: v.shape for k, v in ex.arg_dict.items()})
"""),
    md("""
## The live view

Displayed once; every later `forward` and `backward` of `ex` shows up in it. Boxes are coloured
by the size of their gradient (`color_by='grad'`).
"""),
    code("""
view = ExecutorWidget(ex, color_by='grad')
view
"""),
    md("""
## Training: a plain executor loop with hand-written SGD

No optimizer object: `w[:] = w - lr * g` for every weight and bias, after each `backward`.
(Loop variables start with `_`, so the picture keeps labelling arrays by their own names.)
"""),
    code("""
STEPS, lr = 1000, 0.02   # SoftmaxOutput sums its gradient over the batch
params = [(ex.arg_dict[k], ex.grad_dict[k]) for k in ex.arg_dict if k.endswith(('weight', 'bias'))]
start = time.perf_counter()
for step in range(STEPS):
    idx = rng.integers(0, len(X), batch)
    ex.forward(is_train=True, data=X[idx], softmax_label=Y[idx])
    ex.backward()
    for _w, _g in params:
        _w[:] = _w.asnumpy() - lr * _g.asnumpy()
train_end = time.time()
print('%d steps in %.2f s' % (STEPS, time.perf_counter() - start))
"""),
    code("""
def accuracy():
    hits = 0
    for k in range(0, len(X) - batch + 1, batch):
        probs = ex.forward(data=X[k:k + batch], softmax_label=Y[k:k + batch])[0].asnumpy()
        hits += int((probs.argmax(1) == Y[k:k + batch]).sum())
    return hits / (len(X) // batch * batch)

print('training accuracy: %.2f' % accuracy())
"""),
    md("""
## Step through one step, node by node

`record_step()` runs one real `forward(is_train=True)` and `backward` with the executor's monitor
hook and keeps what every node computed. In the view, **step** lights the next node (the
forward pass in execution order, then the backward pass), **play** runs through them, **reset**
goes back to the live values. Recording changes nothing: auxiliary states and `'add'` gradients
are restored.
"""),
    code("""
trace = view.record_step(data=X[:batch], softmax_label=Y[:batch])
print([(s['phase'], s['node']) for s in trace])
"""),
    md("""
## A forward in a later cell

The view follows the executor from any cell: here, a batch of the third spiral only.
"""),
    code("""
out = ex.forward(data=X[-batch:], softmax_label=Y[-batch:])[0].asnumpy()
print('mean probability of class 2: %.2f' % out[:, 2].mean())
"""),
]


def main():
    nb = nbformat.v4.new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    nbformat.write(nb, HERE / (NAME + ".ipynb"))


if __name__ == "__main__":
    main()
