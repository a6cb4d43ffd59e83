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


def code(text, *tags):
    cell = nbformat.v4.new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


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
""", "raises-exception"),
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
argument arrays, one array for every intermediate result, the output arrays, and a plan of which
operator runs when.

This is the example of MXNet's page: `E = A * B + D`, bound to three one-element arrays.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
D = mx.sym.Variable('D')
E = C + D
a = mx.nd.empty(1)  # a 1-dim array with 1 element, not initialised
b = mx.nd.ones(1)
d = mx.nd.ones(1)
a[:] = 10
executor = E.bind(ctx=mx.cpu(), args={'A': a, 'B': b, 'D': d})
"""),
    md("""
The symbol: its variables (round) and operators. Below it, what `bind` made of it.
"""),
    code("E"),
    md("""
Displaying the executor draws the **executor graph**: the symbol graph with an *array on every
node*. The orange squares are the argument arrays, labelled with the NDArrays they are bound to
(`a=10`, `b=1`, `d=1`: the variables of this notebook, found by the picture); the grey square
is the internal array that will hold `C`; the red square is the output array of `E`. Nothing has
run yet, so the internal and output arrays say *not computed yet* instead of showing whatever
memory they hold. The statistics of every array fold open under *array statistics*.
"""),
    code("executor"),
    md("""
`%bind` does the same in one line, taking the arrays by name from the notebook:
"""),
    code("%bind E A=a B=b D=d --as e_exec"),
)

notebook(
    "05_forward", "Forward",
    md("""
`forward` runs the operators in the order of the plan and fills the internal and output
arrays. This is the page's example again: `E = A * B + D` with `a = 10`, `b = 1`, `d = 1`.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
D = mx.sym.Variable('D')
E = C + D
a = mx.nd.empty(1)
b = mx.nd.ones(1)
d = mx.nd.ones(1)
executor = E.bind(ctx=mx.cpu(), args={'A': a, 'B': b, 'D': d})
a[:] = 10
executor
"""),
    md("""
The arguments are bound, `a` was set to 10 after binding (the executor sees it: it holds the
array itself, not a copy), and the output is *not computed yet*. After `forward`, every array on
the graph has its value: `C = 10`, `E = 11`.
"""),
    code("""
executor.forward()
executor
"""),
    code("print('executor.outputs[0] =', executor.outputs[0].asnumpy())"),
    md("""
The plan was made once at bind time; `forward` can run again and again, with new input values
copied into the bound arrays first when given as keyword arguments:
"""),
    code("""
executor.forward(A=mx.nd.ones(1) * 3)
print('executor.outputs[0] =', executor.outputs[0].asnumpy())
executor
"""),
    md("""
A **live view** follows an executor: `%executor --live` shows a widget that redraws itself
after every `forward` and `backward`. Run the next cells in Jupyter to watch it change (a
static copy of a notebook shows only the pictures above).
"""),
    code("%executor executor --live"),
    code("""
executor.forward(A=mx.nd.ones(1) * 5)
print('executor.outputs[0] =', executor.outputs[0].asnumpy())
"""),
)

notebook(
    "06_group_outputs", "Bind multiple outputs with Group",
    md("""
`Group` bundles several symbols into one whose outputs are all of theirs. Binding the group
computes every output in one pass, sharing the work: here `E = A * B + D` and `C = A * B`
itself, as on MXNet's page.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
D = mx.sym.Variable('D')
E = C + D
G = mx.sym.Group([E, C])
a = mx.nd.empty(1)
b = mx.nd.ones(1)
d = mx.nd.ones(1)
executor = G.bind(ctx=mx.cpu(), args={'A': a, 'B': b, 'D': d})
a[:] = 10
print(G.list_outputs())
"""),
    md("""
In the executor graph, **each output of the group is an output array of its own** (red): `C`
is no longer an internal array, the executor hands it out too. The outputs come in the order of
the group.
"""),
    code("""
executor.forward()
# Index of outputs is same as order in the Group
e_out = executor.outputs[0]
c_out = executor.outputs[1]
executor
"""),
    code("print('E =', e_out.asnumpy(), ' C =', c_out.asnumpy())"),
)

notebook(
    "07_gradients", "Calculate the gradient",
    md("""
Binding with `args_grad` asks the executor to compute gradients: for each argument named there,
it gets an array (a *gradient holder*) that `backward` fills with the derivative of the outputs
with respect to that argument.

MXNet's page: `E = (A * B) * D` with `a = 10`, `b = 1`, `d = 2`, asking for the gradient of `A`
only, into `ga`.
"""),
    code("""
A = mx.sym.Variable('A')
B = mx.sym.Variable('B')
C = A * B
D = mx.sym.Variable('D')
E = C * D
a = mx.nd.ones(1) * 10
b = mx.nd.ones(1)
d = mx.nd.ones(1) * 2
ga = mx.nd.empty(1)
# Ask executor to be able to compute gradient of A
executor = E.bind(ctx=mx.cpu(), args={'A': a, 'B': b, 'D': d}, args_grad={'A': ga})
executor.forward()
executor
"""),
    md("""
Beside the forward graph (`executor.outputs[0] = 20`) the picture now draws the **backward
graph**: one gradient node `d(X)` per array of the forward graph. `d(E)` (blue) is the backward
input node: the head gradient `backward` will receive. Arrows follow the chain rule from `d(E)`
to `d(C)` to `d(A)`, whose gradient holder (green) is `ga`. The dashed arcs show which forward
arrays each gradient is computed from: `d(C)` needs `d`, `d(A)` needs `b`. The gradients of `B`
and `D` were not asked for, so the executor does not compute them: they are faded. Nothing has
run backward yet.
"""),
    code("""
# define gradient of E
ge = mx.nd.ones(1) * 2
# propagate back to get gradient of A
executor.backward(out_grads=ge)
executor
"""),
    md("""
After `backward`, the values: `d(E) = 2` (the head gradient), `d(C) = 2 * d(E) = 4`,
`d(A) = 1 * d(C) = 4`, so `ga = 4`:
"""),
    code("print('ga =', ga.asnumpy())"),
    md("""
With `grad_req='add'` the executor adds each backward pass into the holder instead of
overwriting it (used to sum gradients over several batches):
"""),
    code("""
ga = mx.nd.zeros(1)
acc = E.bind(ctx=mx.cpu(), args={'A': a, 'B': b, 'D': d}, args_grad={'A': ga}, grad_req='add')
acc.forward(is_train=True)
acc.backward(out_grads=ge)
acc
"""),
    md("""
A second `backward` adds another 4: the picture shows the holder before and after the last
step, `ga: 4 → 8`.
"""),
    code("""
acc.backward(out_grads=ge)
acc
"""),
    code("print('ga =', ga.asnumpy())"),
    md("""
The magics say the same: `%bind --grads` allocates zero gradient holders for every argument,
`%backward --out-grads ones` passes ones as head gradients.
"""),
    code("%bind E A=a B=b D=d --grads --as e_exec"),
    code("%forward e_exec --train"),
    code("%backward e_exec --out-grads ones"),
)

notebook(
    "08_simple_bind", "Simple bind",
    md("""
Allocating every array by hand is tedious for a real network. `simple_bind` takes only the
input shapes; it infers all the others and allocates the argument arrays, the gradient holders
and the auxiliary states itself. MXNet's page binds a fully connected layer with a ReLU for a
batch of 100 examples of 768 features.
"""),
    code("""
input = mx.sym.Variable('data')
fc1 = mx.sym.FullyConnected(data=input, num_hidden=128, name='fc1')
act1 = mx.sym.Activation(fc1, act_type='relu')
act1
"""),
    md("""
The symbolic graph above (the weight and bias of `fc1` are folded into its box). Below, the
executor graph `simple_bind` allocates: one argument array per argument with the inferred
shape (`fc1_weight` is 128×768), a gradient holder for each (green, `grad_req='write'`), the
internal array `fc1` and the output array. Arrays too big to print show their shape, dtype,
range and a small heatmap or histogram.
"""),
    code("""
# Simply bind only need shape of data
data_shape = (100, 768)
# argument arrays and gradient holders are automatically created
executor = act1.simple_bind(ctx=mx.cpu(), data=data_shape, grad_req='write')
executor
"""),
    code("""
# Access the argument arrays after creation
arg_arrays = executor.arg_arrays
grad_arrays = executor.grad_arrays
print([a.shape for a in arg_arrays])
print([g.shape for g in grad_arrays])
"""),
    md("""
Filling the arguments and running a training step brings the arrays to life: the thumbnails
now show the random inputs and weights, and the gradients after `backward`.
"""),
    code("""
mx.random.seed(0)
executor.arg_dict['data'][:] = mx.nd.random.uniform(-1, 1, shape=data_shape)
executor.arg_dict['fc1_weight'][:] = mx.nd.random.normal(0, 0.05, shape=(128, 768))
executor.arg_dict['fc1_bias'][:] = 0.1
executor.forward(is_train=True)
executor.backward(out_grads=mx.nd.ones((100, 128)))
executor
"""),
    md("""
`%simple_bind` does the same from a cell:
"""),
    code("%simple_bind act1 data=(100,768) --as texec"),
)

notebook(
    "09_aux_states", "Auxiliary states",
    md("""
Some operators keep **auxiliary states**: arrays that are neither inputs nor parameters
learned by gradient descent, but statistics the operator updates itself. `BatchNorm` keeps a
moving mean and a moving variance of its input; training steps update them and inference uses
them.
"""),
    code("""
data = mx.sym.Variable('data')
bn = mx.sym.BatchNorm(data=data, name='bn', fix_gamma=False)
print(bn.list_arguments())
print(bn.list_auxiliary_states())
"""),
    md("""
`simple_bind` allocates them (as zeros) beside the arguments. In the executor graph they are
the dark green arrays attached to the operator that updates them; `bn_gamma` and `bn_beta` are
ordinary arguments (orange), with gradient holders, while no gradient flows to the auxiliary
states.
"""),
    code("""
executor = bn.simple_bind(ctx=mx.cpu(), data=(4, 2))
executor.arg_dict['data'][:] = mx.nd.array([[1, 2], [2, 4], [3, 6], [4, 8]])
executor.arg_dict['bn_gamma'][:] = 1
executor
"""),
    md("""
A training step: MXNet updates the moving statistics in `backward`, folding in the statistics of
the batch the last training `forward` saw: `moving = 0.9 * moving + 0.1 * batch`. The batch mean
is `[2.5, 5]`, so the moving mean goes from `0` to `0.25` (first column) and `0.5`; the picture
shows each auxiliary state before and after the step.
"""),
    code("""
executor.forward(is_train=True)
executor.backward(out_grads=mx.nd.array([[1, 0], [0, 1], [0, 0], [1, 1]]))
executor
"""),
    code("print('moving mean:', executor.aux_dict['bn_moving_mean'].asnumpy())"),
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
| [04 Bind and execute](04_bind_and_execute.ipynb) | `E = A * B + D` bound to `a=10`, `b=1`, `d=1`: the executor graph, an array on every node |
| [05 Forward](05_forward.ipynb) | `forward` fills the arrays: `executor.outputs[0] = 11`; a live executor widget |
| [06 Group](06_group_outputs.ipynb) | `Group([E, C])`: two output arrays, 11 and 10 |
| [07 Gradients](07_gradients.ipynb) | the backward graph: `d(E) = 2`, `d(C) = 4`, `ga = 4`; `grad_req='add'` |
| [08 Simple bind](08_simple_bind.ipynb) | what `simple_bind` allocates: arguments, gradient holders |
| [09 Auxiliary states](09_aux_states.ipynb) | BatchNorm's moving mean `0 → 0.25` after a training step |

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
    for k, cell in enumerate(nb.cells):     # stable ids: regenerating does not churn them
        cell.id = "%s-%02d" % (name[:2], k)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if execute:
        # the cell that fails on purpose (the shape conflict) is tagged raises-exception, so
        # any other error stops the run, as "Run All" would
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
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
