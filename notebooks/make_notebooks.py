"""Write the tutorial notebooks and execute them, storing their outputs (pictures included).

Run from the repository root with the project's venv::

    .venv/bin/python notebooks/make_notebooks.py          # write and execute all
    .venv/bin/python notebooks/make_notebooks.py 04 07    # only these

The notebooks follow the sections of MXNet's "Symbolic Configuration and Execution in
Pictures"; the prose is ours. Outputs are stored so the notebooks read well on GitHub, where
the static SVG pictures (not the live widgets) are what shows.
"""
# ruff: noqa: E501  -- Markdown tables in the notebook text cannot be wrapped
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SETUP = "%load_ext symnb\nimport symnb as mx"


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text):
    return nbformat.v4.new_code_cell(text.strip())


NOTEBOOKS: dict[str, tuple[str, list]] = {}


def notebook(number, title, *cells):
    NOTEBOOKS[number] = (title, [md("# %s\n\n[Index](00_index.ipynb)" % title), code(SETUP),
                                 *cells])


notebook(
    "01_compose_symbols", "Compose symbols",
    md("""
A symbol is a *description* of a computation, not the computation itself. The smallest symbols
are **variables**: named placeholders for arrays that will be supplied later. Combining symbols
with operators gives a new symbol that remembers how it was made, so every symbol is a small
graph.

Below, `A` and `B` are variables and `C = A + B`. Displaying `C` draws its graph: the two round
boxes at the top are the inputs, the square box is the operator that adds them, and the box at
the bottom is the output of the symbol. Arrows show which way the data flows.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A + B
C
"""),
    md("""
Nothing has been computed yet: `C` knows only its inputs and its outputs.
"""),
    code("print(C.list_arguments(), C.list_outputs())"),
    md("""
Symbols compose like ordinary expressions. Here the same two inputs feed a longer chain; the
picture shows that `A` is used twice (two arrows leave it) and that the graph is a DAG, not a
tree.
"""),
    code("""
D = (A * B) + (A - B) / 2
D
"""),
    md("""
The `%%symbol` cell magic (loaded by `%load_ext symnb`) lets a cell use every operator by its
bare name (`Variable`, `Activation`, `FullyConnected`, ...) without putting those names in
your namespace. The symbols the cell assigns are kept, and the graph of the last one is drawn.
"""),
    code("""
%%symbol
x = Variable('x')
y = Activation(x * 2 + 1, act_type='tanh', name='squash')
"""),
    code("print(y.list_arguments(), 'Activation' in dir())"),
)

notebook(
    "02_configure_network", "Configure a neural network",
    md("""
A neural network is a symbol like any other, only bigger. Operators such as `FullyConnected`
have **parameters** (weights and biases) that are variables too; MXNet creates them for you
and names them after the layer (`fc1_weight`, `fc1_bias`).

The network below is a multilayer perceptron: an input, a hidden layer of 10 units with a ReLU,
an output layer of 26 units and a softmax loss. With `--shape data=(100,200)` the picture also
runs shape inference, and every arrow is labelled with the shape of the data flowing along it
(100 examples of 200 features become 100×10, then 100×26). Each layer's box shows how many
parameters it holds.
"""),
    code("""
%%symbol mlp --shape data=(100,200)
data = Variable('data')
fc1  = FullyConnected(data, name='fc1', num_hidden=10)
act1 = Activation(fc1, name='relu1', act_type='relu')
fc2  = FullyConnected(act1, name='fc2', num_hidden=26)
mlp  = SoftmaxOutput(fc2, name='out')
"""),
    md("""
The weights were folded into their layers to keep the picture small. `--show-weights` draws
every variable as its own box, which is what `list_arguments()` lists. The line magic
`%symbol NAME` draws a symbol that already exists:
"""),
    code("""
%symbol mlp --shape data=(100,200) --show-weights
"""),
    code("print(mlp.list_arguments())\nprint(mlp.infer_shape(data=(100, 200))[1])"),
    md("""
When shapes do not fit together, the cell stops with a short message pointing at the line that
built the offending layer, and the picture shows the bad edge in red with the shape that was
**provided** next to the shape the graph **inferred**. Here the weight of `fc1` was declared
for 100 input features, but the data has 200. Nothing from a failing cell is kept in the
namespace.
"""),
    code("""
%%symbol --shape data=(100,200)
data = Variable('data')
w = Variable('fc1_weight', shape=(10, 100))
fc1 = FullyConnected(data, weight=w, name='fc1', num_hidden=10)
bad = Activation(fc1, name='relu1', act_type='relu')
"""),
    code("print('bad' in dir(), 'w' in dir())"),
)

notebook(
    "03_multi_input_network", "A network with several inputs",
    md("""
A network may take more than one input. Below, an image-like feature vector and a
text-like feature vector each go through their own layer; `Concat` joins the two results side
by side and a final layer classifies them. The picture shows the two branches meeting at the
`Concat` box, and the shapes say why that works: 32×16 and 32×8 become 32×24.
"""),
    code("""
%%symbol net --shape image=(32,64) text=(32,300)
image = Variable('image')
text  = Variable('text')
img_feat  = Activation(FullyConnected(image, name='img_fc', num_hidden=16), act_type='relu',
                       name='img_relu')
text_feat = Activation(FullyConnected(text, name='text_fc', num_hidden=8), act_type='relu',
                       name='text_relu')
joined = Concat(img_feat, text_feat, dim=1, name='joined')
net = SoftmaxOutput(FullyConnected(joined, name='cls', num_hidden=5), name='out')
"""),
    md("""
All inputs of the graph, data and parameters alike, are its *arguments*; the loss adds its
label as one more input.
"""),
    code("""
arg_shapes, out_shapes, _ = net.infer_shape(image=(32, 64), text=(32, 300))
for name, shape in zip(net.list_arguments(), arg_shapes):
    print(f'{name:14s} {shape}')
print('output', out_shapes)
"""),
)

notebook(
    "04_bind_and_execute", "Bind and execute",
    md("""
To compute, a symbol is **bound** to arrays: every argument gets an NDArray of the right shape,
and the result is an **executor**. The executor owns everything needed to run the graph: the
input arrays, the output arrays and a plan of which operator runs when.

Here `C = A * B` is bound to a 2×3 array of fours and a 2×3 array of twos.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
a = mx.nd.ones((2, 3)) * 4
b = mx.nd.ones((2, 3)) * 2
c_exec = C.bind(ctx=mx.cpu(), args={'A': a, 'B': b})
"""),
    md("""
`forward` runs the graph. The executor panel then lists every array the executor holds, with
its shape, dtype and a small histogram: the output (the product, all eights), the two bound
arguments, the gradients (none were asked for) and the auxiliary states (none here). The
graph itself folds open under *graph*.
"""),
    code("c_exec.forward()\nc_exec"),
    code("print('C =', c_exec.outputs[0].asnumpy().tolist())"),
    md("""
`%bind` does the same in one line, taking the arrays by name from the notebook; `%forward`
runs the executor and shows it again.
"""),
    code("%bind C A=a B=b --as c_exec2"),
    code("%forward c_exec2"),
)

notebook(
    "05_forward", "Forward",
    md("""
`forward` runs the operators in order and fills the outputs. It can be called again and
again: the plan was made once at bind time, and new input values can be passed as keyword
arguments, which are copied into the bound arrays first.

The executor below computes `D = A * B + A`.
"""),
    code("""
%%symbol
A = Variable('A')
B = Variable('B')
D = A * B + A
"""),
    code("""
d_exec = D.simple_bind(mx.cpu(), A=(2, 3), B=(2, 3))
d_exec.forward(A=mx.nd.ones((2, 3)) * 4, B=mx.nd.ones((2, 3)) * 2)
print('D =', d_exec.outputs[0].asnumpy().tolist())
"""),
    md("""
A **live view** follows the executor: `%executor --live` shows a widget that redraws itself
after every `forward` and `backward`, with small heatmaps of each array (red for positive,
blue for negative values). Run the next cells in Jupyter to watch it change. (On GitHub only
the static panel further down is visible.)
"""),
    code("%executor d_exec --live"),
    code("""
d_exec.forward(A=mx.nd.array([[1, 2, 3], [4, 5, 6]]), B=mx.nd.ones((2, 3)) * 3)
print('D =', d_exec.outputs[0].asnumpy().tolist())
"""),
    md("The static panel of the same executor, after the second forward:"),
    code("d_exec"),
)

notebook(
    "06_group_outputs", "Bind multiple outputs with Group",
    md("""
`Group` bundles several symbols into one whose outputs are all of theirs. Binding the group
computes every output in one pass, sharing the inputs. The picture shows one graph with two
output boxes at the bottom.
"""),
    code("""
%%symbol
A = Variable('A')
B = Variable('B')
G = Group([A + B, A * B])
"""),
    code("""
a = mx.nd.ones((2, 3)) * 4
b = mx.nd.ones((2, 3)) * 2
%bind G A=a B=b --as g_exec
"""),
    code("""
g_exec.forward()
print(G.list_outputs())
print('A+B =', g_exec.outputs[0].asnumpy().tolist())
print('A*B =', g_exec.outputs[1].asnumpy().tolist())
"""),
    code("g_exec"),
)

notebook(
    "07_gradients", "Calculate the gradient",
    md("""
Binding with `args_grad` asks the executor for gradients: for every argument it gets an array
that `backward` fills with the derivative of the outputs with respect to that argument.

`backward(out_grads)` takes the gradient flowing into each output. For `C = A * B` with
`out_grads` all ones, the chain rule gives `dC/dA = B` and `dC/dB = A`: the gradient of `A` is
the value of `B` (twos) and the gradient of `B` is the value of `A` (fours). The panel shows the
gradients next to the arguments.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
a = mx.nd.ones((2, 3)) * 4
b = mx.nd.ones((2, 3)) * 2
grad_a = mx.nd.zeros((2, 3))
grad_b = mx.nd.zeros((2, 3))
c_exec = C.bind(ctx=mx.cpu(), args={'A': a, 'B': b},
                args_grad={'A': grad_a, 'B': grad_b})
c_exec.forward(is_train=True)
c_exec.backward(out_grads=mx.nd.ones((2, 3)))
print('grad A =', grad_a.asnumpy().tolist())
print('grad B =', grad_b.asnumpy().tolist())
"""),
    code("c_exec"),
    md("""
The magics say the same: `%bind --grads` allocates the gradient arrays, `%backward
--out-grads ones` passes ones as head gradients.
"""),
    code("%bind C A=a B=b --grads --as c_exec2"),
    code("%forward c_exec2 --train"),
    code("%backward c_exec2 --out-grads ones"),
)

notebook(
    "08_simple_bind", "Simple bind",
    md("""
Allocating every array by hand is tedious for a real network. `simple_bind` takes only the
input shapes; it infers all the others and allocates arguments, gradients, outputs and
auxiliary states itself.

For the MLP of the earlier section with a batch of 100 examples of 200 features, the executor
holds one array per argument with the inferred shape, and one output of 100×26.
"""),
    code("""
%%symbol mlp --shape data=(100,200)
data = Variable('data')
fc1  = FullyConnected(data, name='fc1', num_hidden=10)
act1 = Activation(fc1, name='relu1', act_type='relu')
fc2  = FullyConnected(act1, name='fc2', num_hidden=26)
mlp  = SoftmaxOutput(fc2, name='out')
"""),
    code("%simple_bind mlp data=(100,200) --as texec"),
    code("""
print({name: arr.shape for name, arr in texec.arg_dict.items()})
print([out.shape for out in texec.outputs])
"""),
)

notebook(
    "09_aux_states", "Auxiliary states with BatchNorm",
    md("""
Some operators keep **auxiliary states**: arrays that are neither inputs nor parameters
learned by gradient descent, but running statistics the operator updates itself.
`BatchNorm` keeps a moving mean and a moving variance of its input; training steps update them
and inference uses them.

In the picture they are folded into the `BatchNorm` box; `list_auxiliary_states` names them.
"""),
    code("""
%%symbol net --shape data=(4,3)
data = Variable('data')
fc = FullyConnected(data, name='fc', num_hidden=3)
net = BatchNorm(fc, name='bn', fix_gamma=False, momentum=0.9)
"""),
    code("print(net.list_auxiliary_states())"),
    md("""
With `--show-weights` the auxiliary states appear as their own boxes, feeding `BatchNorm` like
its parameters `bn_gamma` and `bn_beta` do; the difference is that no gradient flows back to them.
"""),
    code("""
%symbol net --shape data=(4,3) --show-weights
"""),
    md("""
`simple_bind` allocates every auxiliary state as zeros (the `__init__` hints on the variables,
"zero" and "one", are for initializers, not applied by binding). The forward pass does not
touch them: MXNet updates the moving statistics in **backward**, folding in the batch
statistics of the last training forward with the momentum:
`moving = 0.9 * moving + 0.1 * batch`. The head gradient below is not constant, so the
gradients are not all zero (a constant head gradient cancels out through BatchNorm's
normalisation). The panel shows the auxiliary states in their own section.
"""),
    code("""
bn_exec = net.simple_bind(mx.cpu(), data=(4, 3))
bn_exec.arg_dict['data'][:] = mx.nd.array([[1, 2, 3], [2, 4, 6], [3, 6, 9], [4, 8, 12]])
bn_exec.arg_dict['fc_weight'][:] = mx.nd.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
bn_exec.arg_dict['fc_bias'][:] = 0
bn_exec.arg_dict['bn_gamma'][:] = 1
print('moving mean before:', bn_exec.aux_dict['bn_moving_mean'].asnumpy().tolist())
bn_exec.forward(is_train=True)
print('after forward:     ', bn_exec.aux_dict['bn_moving_mean'].asnumpy().tolist())
bn_exec.backward(mx.nd.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]))
print('after backward:    ', bn_exec.aux_dict['bn_moving_mean'].asnumpy().round(4).tolist())
"""),
    code("bn_exec"),
)

notebook(
    "10_train_module", "Train a network with Module",
    md("""
MXNet 1.x trained symbolic networks with the **Module** API (`mx.mod`): a `Module` binds a
symbol for the shapes of a data iterator, initializes its parameters, installs an optimizer and
runs `fit`. symnb runs that code unchanged. In a notebook `fit` also shows its progress: one
bar per epoch with the metrics, and a chart of the training and validation metrics that is
redrawn as the epochs go. Both are ordinary outputs updated in place, so the saved notebook
keeps the final picture.

MXNet's Module also logs every epoch (`Epoch[0] Train-accuracy=...`) through the `logging`
module; `logging.basicConfig(level=logging.INFO)` makes those lines print too.
"""),
    code("import numpy as np"),
    md("""
## Data made here

Three interleaved spiral arms in the plane, one class each: a small problem that a linear model
cannot solve but a two-layer network can. `NDArrayIter` serves it in batches; the validation
set comes from the same spirals with other noise.
"""),
    code("""
def spirals(n_per_class, seed):
    rng = np.random.RandomState(seed)
    points, labels = [], []
    for k in range(3):
        r = np.linspace(0.1, 1.0, n_per_class)
        t = np.linspace(k * 4.2, k * 4.2 + 4.0, n_per_class) + 0.25 * rng.randn(n_per_class)
        points.append(np.c_[r * np.sin(t), r * np.cos(t)])
        labels.append(np.full(n_per_class, k))
    return np.concatenate(points).astype(np.float32), np.concatenate(labels).astype(np.float32)

x_train, y_train = spirals(300, seed=0)
x_val, y_val = spirals(100, seed=1)
train_iter = mx.io.NDArrayIter(x_train, y_train, batch_size=30, shuffle=True)
val_iter = mx.io.NDArrayIter(x_val, y_val, batch_size=30)
train_iter.provide_data, train_iter.provide_label
"""),
    code("""
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(3.5, 3.5))
ax.scatter(x_train[:, 0], x_train[:, 1], c=y_train, s=6, cmap='brg')
ax.set_aspect('equal')
ax.set_title('training data')
plt.show()
"""),
    md("""
## The network

Two hidden layers of 64 units with ReLU, and `SoftmaxOutput`, whose label input
`softmax_label` is what `Module` feeds the labels into. The picture shows the shapes a batch
of 30 points takes through it.
"""),
    code("""
data = mx.sym.Variable('data')
net = mx.sym.FullyConnected(data, name='fc1', num_hidden=64)
net = mx.sym.Activation(net, name='relu1', act_type='relu')
net = mx.sym.FullyConnected(net, name='fc2', num_hidden=64)
net = mx.sym.Activation(net, name='relu2', act_type='relu')
net = mx.sym.FullyConnected(net, name='fc3', num_hidden=3)
net = mx.sym.SoftmaxOutput(net, name='softmax')
"""),
    code("%symbol net --shape data=(30,2)"),
    md("""
## Training

`fit` binds the module, initializes the parameters (`Xavier` here), installs SGD with momentum
and runs the epochs. It shows the progress table (one bar per epoch, its time, speed, and the
training and validation accuracy) and the chart, both redrawn while it runs.
"""),
    code("""
mod = mx.mod.Module(symbol=net, context=mx.cpu(), data_names=['data'],
                    label_names=['softmax_label'])
mx.random.seed(0)
mod.fit(train_iter, eval_data=val_iter, eval_metric='acc', num_epoch=20,
        optimizer='sgd', optimizer_params={'learning_rate': 0.1, 'momentum': 0.9},
        initializer=mx.init.Xavier())
"""),
    md("""
## Score and predict

`score` runs the validation data through the trained network and evaluates a metric;
`predict` collects the outputs (class probabilities), here for a grid of points, which shows the
regions the network assigns to each class.
"""),
    code("""
score = mod.score(val_iter, ['acc'])
print('validation accuracy %.3f' % score[0][1])
"""),
    code("""
gx, gy = np.meshgrid(np.linspace(-1.1, 1.1, 120), np.linspace(-1.1, 1.1, 120))
grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
probs = mod.predict(mx.io.NDArrayIter(grid, batch_size=30)).asnumpy()
fig, ax = plt.subplots(figsize=(3.5, 3.5))
ax.contourf(gx, gy, probs.argmax(axis=1).reshape(gx.shape), alpha=0.3, cmap='brg')
ax.scatter(x_val[:, 0], x_val[:, 1], c=y_val, s=6, cmap='brg')
ax.set_aspect('equal')
ax.set_title('predicted classes')
plt.show()
"""),
    md("""
## The executor inside

A `Module` computes with executors, one per context, as `mod._exec_group.execs` in MXNet;
`executor_of(mod)` returns the current one. Displayed, it is the executor panel with the trained
weights; `ExecutorWidget(executor_of(mod))` is the live view that redraws after every forward
and backward (also during `fit`).
"""),
    code("""
from symnb.notebook.training import executor_of

executor_of(mod)
"""),
    md("""
## Save and load

`save_checkpoint` writes MXNet's files: `<prefix>-symbol.json` and `<prefix>-0020.params`.
`Module.load` reads them back into a new module, which scores the same.
"""),
    code("""
import os
import tempfile

prefix = os.path.join(tempfile.mkdtemp(), 'spirals')
mod.save_checkpoint(prefix, 20)
print(sorted(os.listdir(os.path.dirname(prefix))))
loaded = mx.mod.Module.load(prefix, 20)
loaded.bind(data_shapes=val_iter.provide_data, label_shapes=val_iter.provide_label,
            for_training=False)
print('loaded module accuracy %.3f' % loaded.score(val_iter, ['acc'])[0][1])
"""),
)

INDEX = [
    md("""
# symnb in pictures

These notebooks follow the sections of MXNet's tutorial *Symbolic Configuration and
Execution in Pictures*, run on symnb (`import symnb as mx`). Each one says what its pictures
show and then draws them live.

| notebook | what it shows |
|---|---|
| [01 Compose symbols](01_compose_symbols.ipynb) | variables, operators, a symbol as a graph; `%%symbol` |
| [02 Configure a network](02_configure_network.ipynb) | an MLP with shapes on the edges; hidden weights; a shape conflict drawn |
| [03 A multi-input network](03_multi_input_network.ipynb) | two inputs meeting at `Concat` |
| [04 Bind and execute](04_bind_and_execute.ipynb) | `bind`, the executor panel, `A*B` gives 8s |
| [05 Forward](05_forward.ipynb) | `forward` with new inputs; a live executor widget |
| [06 Group](06_group_outputs.ipynb) | several outputs from one executor: 6s and 8s |
| [07 Gradients](07_gradients.ipynb) | `backward`: grad A = 2s, grad B = 4s |
| [08 Simple bind](08_simple_bind.ipynb) | letting the executor allocate everything |
| [09 Auxiliary states](09_aux_states.ipynb) | BatchNorm's moving statistics |
| [10 Train with Module](10_train_module.ipynb) | `mx.mod.Module.fit` with a progress bar and a live metric chart; score, predict, checkpoints |

Start them with `make run`. The magics are loaded with `%load_ext symnb`; every magic documents
itself with `?`:

| magic | does |
|---|---|
| `%%symbol [NAME] [--shape data=(32,784)] [--dtype data=float64] [--show-weights]` | runs a cell with every operator by bare name and draws NAME (default: the last symbol assigned) |
| `%symbol NAME [--shape ...] [--show-weights]` | draws a Symbol that already exists |
| `%bind SYMBOL A=a B=b [--grads] [--as EXEC]` | `SYMBOL.bind(mx.cpu(), {'A': a, 'B': b})`, shown as an executor panel |
| `%simple_bind SYMBOL data=(100,200) [--as EXEC]` | `SYMBOL.simple_bind(mx.cpu(), data=(100, 200))` |
| `%forward [EXEC] [--train]`, `%backward [EXEC] [--out-grads ones]` | run the executor and show it again |
| `%executor [EXEC] [--live]` | the executor panel, or a live widget that follows every forward/backward |
"""),
]


def write(name, cells, execute=True):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if execute:
        # cells that fail on purpose (the shape conflict) must not stop the run
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(HERE)}}).execute()
    nbformat.write(nb, HERE / (name + ".ipynb"))


def main(selected):
    if not selected or "00" in selected:
        write("00_index", INDEX)
    for name, (_, cells) in NOTEBOOKS.items():
        if not selected or name[:2] in selected:
            write(name, cells)


if __name__ == "__main__":
    main(sys.argv[1:])
