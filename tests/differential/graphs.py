"""Random whole graphs, recorded from a real MXNet 1.9.1 and replayed through symnb.

The per-operator cases (``specs.py``) check each operator alone; these check what only a
graph shows: auto-naming, argument order, shape inference through a chain, shared
variables, several heads (``Group``, multi-output operators), aux states over several
steps, ``grad_req`` ``'add'`` accumulating across steps, ``bind`` against ``simple_bind``, and
the training/inference switch. A graph is drawn from a seed by :func:`draw` as plain data
(standard library only), built by :func:`build` with either library's ``mx``, and written
in the format of ``../shared/oracle`` (``symbol.json``, ``inputs.npz``, ``meta.json``,
``expected.npz``), so ``../shared/oracle/check.py``'s ``run_case`` and ``compare`` replay it.

    .bench-mxnet-venv/bin/python tests/differential/graphs.py [--count 160] [--from 0]

records seeds ``from .. from + count - 1`` (kept: 0-499; 1000-1159 with the operators of
:func:`_draw_more`; 5000-5199, one operator with random parameters, :func:`_draw_config`;
and 70 picked for the oneDNN layers: float32 graphs with a Convolution among 500-4999, and
Pooling, BatchNorm and Activation configurations among 7400-12399).

>>> spec = draw(3)
>>> spec['seed'], spec['dtype'] in ('float32', 'float64'), len(spec['steps']) >= 1
(3, True, True)
"""
from __future__ import annotations

import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "graph_cases")
ORACLE = os.path.join(HERE, "..", "..", "..", "shared", "oracle")

_UNARY = ["abs", "exp_tanh", "tanh", "sigmoid", "square", "sqrt_abs", "log_abs", "negative",
          "relu", "softsign", "softrelu", "leaky", "elu", "selu", "clip", "sin", "BlockGrad"]
_SCALAR = ["_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
           "_maximum_scalar", "_minimum_scalar"]
_BINARY = ["elemwise_add", "elemwise_sub", "elemwise_mul", "_maximum", "_minimum"]
_BROADCAST = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_maximum"]
# seeds from here on also draw the operators of _draw_more (the recorded cases below it were
# drawn without them and stay as they were)
MORE_FROM = 1000
# seeds from here on draw one operator with random parameters instead (_draw_config)
CONFIG_FROM = 5000
_HEADS = ["none", "none", "MakeLoss", "SoftmaxOutput", "LinearRegressionOutput",
          "MAERegressionOutput", "LogisticRegressionOutput"]


def draw(seed: int) -> dict:
    """A random graph as data: inputs, a list of op steps, the heads and the executor run."""
    rng = random.Random(seed)
    dtype = rng.choice(["float64", "float64", "float32"])
    if seed >= CONFIG_FROM:
        return _draw_config(rng, seed, dtype)
    batch = rng.randint(1, 4)
    nodes = []          # (name, shape) of every value a step may read
    inputs = []

    def new_input(shape):
        name = "in%d" % len(inputs)
        inputs.append((name, list(shape)))
        nodes.append((name, tuple(shape)))
        return name

    new_input((batch, rng.randint(2, 5)) if rng.random() < 0.6 else
              (batch, rng.randint(1, 3), rng.randint(2, 4), rng.randint(2, 4)))
    steps = []
    for _ in range(rng.randint(2, 7)):
        src, shape = rng.choice(nodes)
        step = _draw_step(rng, src, shape, nodes, new_input, len(steps), seed >= MORE_FROM)
        if step is None:
            continue
        if step["op"] == "Cast_round_trip":
            step["dtype"] = dtype
        steps.append(step)
        nodes.append(("@%d" % (len(steps) - 1), tuple(step["shape"])))
    if not steps:
        steps.append({"op": "abs", "src": [nodes[0][0]], "shape": list(nodes[0][1])})
    last = "@%d" % (len(steps) - 1)
    heads = [last]
    if len(steps) > 2 and rng.random() < 0.3:         # a second head: Group
        other = "@%d" % rng.randrange(len(steps) - 1)
        heads.append(other)
    head_op = rng.choice(_HEADS)
    last_shape = tuple(steps[-1]["shape"])
    # (a 1-D input makes MXNet read its scalar label past its end: not a case to record)
    if head_op == "SoftmaxOutput" and (len(last_shape) < 2 or
                                       len(last_shape) > 2 and seed < MORE_FROM):
        head_op = "none"
    run = {
        "api": rng.choice(["bind", "simple_bind"]),
        "steps": rng.choice([1, 1, 2, 3]),
        "grad_req": {},
        "req_seed": rng.randrange(1 << 30),
    }
    spec = {"seed": seed, "dtype": dtype, "inputs": inputs, "steps": steps, "heads": heads,
            "head_op": head_op, "run": run}
    if seed >= MORE_FROM and head_op != "none":
        spec["head_attrs"] = _draw_head_attrs(rng, head_op, last_shape)
    return spec


def _spatial(rng, nd, lo=1, hi=6):
    return [rng.randint(lo, hi) for _ in range(nd)]


def _window(rng, nd, sizes, kmax=3, dilate=False, pad_max=None):
    """kernel, stride, pad (and dilate) per axis that leave a window on each axis."""
    kernel, stride, pad, dil = [], [], [], []
    for n in sizes:
        d = rng.choice([1, 1, 2]) if dilate else 1
        k = rng.randint(1, kmax)
        p = rng.randint(0, k // 2 if pad_max is None else min(pad_max, k - 1))
        while (k - 1) * d + 1 > n + 2 * p and k > 1:
            k -= 1
            p = min(p, k // 2 if pad_max is None else k - 1)
        if (k - 1) * d + 1 > n + 2 * p:
            d = 1
        kernel.append(k)
        stride.append(rng.randint(1, 3))
        pad.append(p)
        dil.append(d)
    return tuple(kernel), tuple(stride), tuple(pad), tuple(dil)


def _draw_config(rng, seed, dtype):  # noqa: C901 -- one draw per operator
    """One operator with random parameters, after a tanh (so that ties are rare and the
    gradient below is not constant), under a random loss head."""
    batch = rng.randint(1, 3)
    kind = rng.choice(["Convolution", "Convolution", "Deconvolution", "Pooling", "Pooling",
                       "BatchNorm", "slice", "reduce", "broadcast", "take", "pick", "topk",
                       "softmax", "LeakyReLU", "Activation", "Concat", "SliceChannel",
                       "dot", "batch_dot", "FullyConnected", "norms", "Pad", "clip",
                       "Reshape", "transpose", "UpSampling", "swap_flip", "where", "one_hot",
                       "smooth_l1", "sequence"])
    attrs, shapes, index_inputs = {}, [], []
    name, seq_max = kind, None
    if kind in ("Convolution", "Deconvolution"):
        nd = rng.choice([1, 2, 2, 3]) if kind == "Convolution" else rng.choice([1, 2, 2])
        groups = rng.choice([1, 1, 2])
        c = groups * rng.randint(1, 2)
        sizes = _spatial(rng, nd, 2, 6 if nd < 3 else 4)
        kernel, stride, pad, dil = _window(rng, nd, sizes, dilate=True,
                                           pad_max=None if kind == "Convolution" else 2)
        attrs = {"kernel": kernel, "num_filter": groups * rng.randint(1, 2),
                 "num_group": groups, "no_bias": rng.random() < 0.3}
        if rng.random() < 0.7:
            attrs["stride"] = stride
        needs = [(k - 1) * d + 1 > n for k, d, n in zip(kernel, dil, sizes)]
        if rng.random() < 0.7 or any(needs):
            attrs["pad"] = pad
        if rng.random() < 0.4:
            attrs["dilate"] = dil
        elif any((k - 1) * d + 1 > n + 2 * p and k > n
                 for k, d, n, p in zip(kernel, dil, sizes, pad)):
            attrs["dilate"] = dil
        if kind == "Deconvolution" and "stride" in attrs and rng.random() < 0.5:
            attrs["adj"] = tuple(rng.randint(0, s - 1) for s in attrs["stride"])
        shapes = [[batch, c] + sizes]
    elif kind == "Pooling":
        nd = rng.choice([1, 2, 2, 3])
        sizes = _spatial(rng, nd, 2, 6 if nd < 3 else 4)
        pool_type = rng.choice(["max", "avg", "sum", "lp"])
        attrs = {"pool_type": pool_type}
        if rng.random() < 0.15:
            attrs.update(global_pool=True, kernel=(1,) * nd)
        else:
            kernel, stride, pad, _ = _window(rng, nd, sizes)
            attrs["kernel"] = kernel
            if rng.random() < 0.7:
                attrs["stride"] = stride
            if rng.random() < 0.6 or any(k > n for k, n in zip(kernel, sizes)):
                attrs["pad"] = pad
            attrs["pooling_convention"] = rng.choice(["valid", "valid", "full"])
            if pool_type == "avg" and rng.random() < 0.5:
                attrs["count_include_pad"] = rng.random() < 0.5
        if pool_type == "lp":
            attrs["p_value"] = rng.choice([1, 2, 3])
        shapes = [[batch, rng.randint(1, 3)] + sizes]
    elif kind == "BatchNorm":
        nd = rng.choice([2, 3, 4])
        shape = [batch + 1] + _spatial(rng, nd - 1, 1, 4)
        attrs = {"fix_gamma": rng.random() < 0.5, "eps": rng.choice([1e-3, 1e-5, 0.1]),
                 "momentum": rng.choice([0.9, 0.0, 0.5]),
                 "use_global_stats": rng.random() < 0.2,
                 "axis": rng.choice([1, 1, -1] + ([2] if nd > 2 else [])),
                 "output_mean_var": rng.random() < 0.2}
        shapes = [shape]
        name = "BatchNorm"
    elif kind == "slice":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 2, 5)
        begin, end, step = [], [], []
        for n in shape:
            st = rng.choice([None, 1, 2, -1, -2])
            if st is not None and st < 0:
                b = rng.choice([None, n - 1, -1])
                e = rng.choice([None, 0, -n - 1]) if b is None else rng.choice([None, -n - 1])
            else:
                b = rng.choice([None, 0, 1 if n > 1 else 0, -n])
                e = rng.choice([None, n, -1 if n > 1 else None])
            if not range(n)[slice(b, e, st)]:
                b = e = st = None             # symnb reads a 0 as unknown: no empty slices
            begin.append(b)
            end.append(e)
            step.append(st)
        attrs = {"begin": tuple(begin), "end": tuple(end)}
        if any(st is not None for st in step):
            attrs["step"] = tuple(step)
        shapes = [shape]
    elif kind == "reduce":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 4)
        name = rng.choice(["sum", "mean", "max", "min", "prod", "nansum", "nanprod", "norm"])
        axes = [i for i in range(len(shape)) if rng.random() < 0.5]
        if name == "norm":
            attrs = {"ord": rng.choice([1, 2])}
            if axes and len(axes) <= 2:
                attrs["axis"] = tuple(axes)
        elif axes:
            attrs["axis"] = tuple(axes) if len(axes) > 1 or rng.random() < 0.5 else axes[0]
            if rng.random() < 0.3:
                attrs["exclude"] = True
        if rng.random() < 0.4:
            attrs["keepdims"] = True
        shapes = [shape]
    elif kind == "broadcast":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 4)
        other = [d if rng.random() < 0.5 else 1 for d in shape]
        if rng.random() < 0.3:
            other = other[rng.randint(1, len(other) - 1):] if len(other) > 1 else other
        pair = [shape, other]
        rng.shuffle(pair)
        name = rng.choice(["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                           "broadcast_maximum", "broadcast_minimum", "broadcast_power",
                           "broadcast_hypot"])
        shapes = pair
    elif kind == "take":
        shape = [rng.randint(2, 4)] + _spatial(rng, rng.randint(0, 2), 1, 3)
        attrs = {"axis": rng.randrange(len(shape)), "mode": rng.choice(["clip", "wrap"])}
        shapes = [shape, _spatial(rng, rng.randint(1, 2), 1, 3)]
        index_inputs = [1]
    elif kind == "pick":
        shape = [batch + 1] + _spatial(rng, rng.randint(1, 2), 2, 4)
        axis = rng.randrange(len(shape))
        attrs = {"axis": axis, "mode": rng.choice(["clip", "wrap"]),
                 "keepdims": rng.random() < 0.3}
        shapes = [shape, [1 if i == axis else d for i, d in enumerate(shape)
                          if i != axis or attrs["keepdims"]]]
        index_inputs = [1]
    elif kind == "topk":
        shape = [batch] + _spatial(rng, rng.randint(1, 2), 2, 5)
        axis = rng.randrange(len(shape))
        attrs = {"axis": axis, "k": rng.randint(1, shape[axis]), "ret_typ": "value",
                 "is_ascend": rng.random() < 0.5}
        shapes = [shape]
    elif kind == "softmax":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 4)
        name = rng.choice(["softmax", "log_softmax", "softmin"])
        attrs = {"axis": rng.randrange(-len(shape), len(shape))}
        if rng.random() < 0.4:
            attrs["temperature"] = rng.choice([0.5, 2.0])
        shapes = [shape]
    elif kind == "LeakyReLU":
        act = rng.choice(["leaky", "elu", "selu", "gelu", "prelu"])
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 4)
        attrs = {"act_type": act}
        if act in ("leaky", "elu") and rng.random() < 0.7:
            attrs["slope"] = rng.choice([0.01, 0.3, 1.5])
        shapes = [shape]
    elif kind == "Activation":
        attrs = {"act_type": rng.choice(["relu", "sigmoid", "tanh", "softrelu", "softsign"])}
        shapes = [[batch] + _spatial(rng, rng.randint(1, 3), 1, 4)]
    elif kind == "Concat":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 3)
        dim = rng.randrange(len(shape))
        count = rng.randint(2, 3)
        shapes = []
        for _ in range(count):
            s = list(shape)
            s[dim] = rng.randint(1, 3)
            shapes.append(s)
        name = rng.choice(["Concat", "stack"]) if dim else "Concat"
        if name == "stack":
            shapes = [list(shape)] * count
            attrs = {"axis": rng.randint(0, len(shape))}
        else:
            attrs = {"dim": dim}
    elif kind == "SliceChannel":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 3)
        axis = rng.randrange(len(shape))
        k = rng.choice([d for d in (1, 2, 3) if shape[axis] * d <= 6])
        shape[axis] *= k
        attrs = {"num_outputs": k, "axis": axis, "squeeze_axis": k == shape[axis]
                 and rng.random() < 0.5}
        shapes = [shape]
    elif kind == "dot":
        m, k, n = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
        ta, tb = rng.random() < 0.5, rng.random() < 0.5
        shapes = [[k, m] if ta else [m, k], [n, k] if tb else [k, n]]
        attrs = {"transpose_a": ta, "transpose_b": tb}
    elif kind == "batch_dot":
        b, m, k, n = batch, rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3)
        ta, tb = rng.random() < 0.5, rng.random() < 0.5
        shapes = [[b, k, m] if ta else [b, m, k], [b, n, k] if tb else [b, k, n]]
        attrs = {"transpose_a": ta, "transpose_b": tb}
    elif kind == "FullyConnected":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 4)
        attrs = {"num_hidden": rng.randint(1, 4), "flatten": rng.random() < 0.6,
                 "no_bias": rng.random() < 0.3}
        shapes = [shape]
    elif kind == "norms":
        name = rng.choice(["LayerNorm", "InstanceNorm", "L2Normalization", "GroupNorm"])
        shape = [batch + 1, 2 * rng.randint(1, 2)] + _spatial(rng, rng.randint(1, 2), 1, 3)
        if name == "LayerNorm":
            attrs = {"axis": rng.randrange(-len(shape), len(shape)),
                     "eps": rng.choice([1e-5, 0.1])}
        elif name == "L2Normalization":
            attrs = {"mode": rng.choice(["instance", "channel", "spatial"]),
                     "eps": rng.choice([1e-10, 0.1])}
        elif name == "GroupNorm":
            attrs = {"num_groups": rng.choice([1, 2]), "eps": rng.choice([1e-5, 0.1])}
        else:
            attrs = {"eps": rng.choice([1e-3, 0.1])}
        shapes = [shape]
    elif kind == "Pad":
        shape = [batch, rng.randint(1, 2)] + _spatial(rng, rng.choice([2, 3]), 2, 4)
        mode = rng.choice(["constant", "edge", "reflect"])
        widths = [0, 0, 0, 0]
        for n in shape[2:]:
            widths += [rng.randint(0, min(2, n - 1) if mode == "reflect" else 2)
                       for _ in range(2)]
        attrs = {"mode": mode, "pad_width": tuple(widths)}
        if mode == "constant":
            attrs["constant_value"] = rng.choice([0.0, 1.5])
        shapes = [shape]
    elif kind == "clip":
        lo = rng.choice([-0.5, 0.0, -2.0])
        attrs = {"a_min": lo, "a_max": lo + rng.choice([0.3, 1.0])}
        shapes = [[batch] + _spatial(rng, rng.randint(1, 2), 1, 4)]
    elif kind == "Reshape":
        shape = [batch + 1] + _spatial(rng, rng.randint(1, 3), 1, 3)
        forms = [(0, -1), (-1,), (-2,), (0, -2)]
        if len(shape) >= 2:
            forms += [(-3,) + (-2,) * 0 if len(shape) == 2 else (-3, -2)]
        if shape[0] % 2 == 0:
            forms += [(-4, 2, -1, -2)]
        attrs = {"shape": rng.choice(forms), "reverse": rng.random() < 0.3}
        shapes = [shape]
    elif kind == "transpose":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 3)
        axes = list(range(len(shape)))
        rng.shuffle(axes)
        attrs = {"axes": tuple(axes)} if rng.random() < 0.8 else {}
        shapes = [shape]
    elif kind == "UpSampling":
        attrs = {"scale": rng.randint(1, 3), "sample_type": "nearest", "num_args": 1}
        shapes = [[batch, rng.randint(1, 2)] + _spatial(rng, 2, 1, 3)]
    elif kind == "swap_flip":
        shape = [batch] + _spatial(rng, rng.randint(1, 3), 1, 3)
        name = rng.choice(["SwapAxis", "reverse", "flip"])
        if name == "SwapAxis":
            attrs = {"dim1": rng.randrange(len(shape)), "dim2": rng.randrange(len(shape))}
        else:
            attrs = {"axis": rng.randrange(len(shape))}
        shapes = [shape]
    elif kind == "where":
        shape = [batch] + _spatial(rng, rng.randint(1, 2), 1, 3)
        shapes = [shape, shape, shape]
    elif kind == "one_hot":
        shape = [batch] + _spatial(rng, rng.randint(0, 1), 1, 3)
        attrs = {"depth": rng.randint(2, 4), "on_value": rng.choice([1.0, 2.5]),
                 "off_value": rng.choice([0.0, -1.0])}
        shapes = [shape]
        index_inputs = [0]
    elif kind == "smooth_l1":
        attrs = {"scalar": rng.choice([0.5, 1.0, 3.0])}
        shapes = [[batch] + _spatial(rng, rng.randint(1, 2), 1, 4)]
    else:                                                   # sequence
        name = rng.choice(["SequenceMask", "SequenceLast", "SequenceReverse"])
        t, b = rng.randint(1, 4), batch + 1
        axis = rng.choice([0, 1]) if name != "SequenceReverse" else 0
        shape = ([t, b] if axis == 0 else [b, t]) + _spatial(rng, rng.randint(0, 1), 1, 3)
        attrs = {"use_sequence_length": rng.random() < 0.7}
        if axis:
            attrs["axis"] = 1
        if name == "SequenceMask" and rng.random() < 0.5:
            attrs["value"] = -1.5
        shapes = [shape] + ([[b]] if attrs["use_sequence_length"] else [])
        index_inputs = [1] if attrs["use_sequence_length"] else []
        seq_max = t
    inputs = [("in%d" % i, list(sh)) for i, sh in enumerate(shapes)]
    step = {"op": "cfg", "name": name, "attrs": attrs, "src": [n for n, _ in inputs],
            "index_inputs": index_inputs, "shape": []}
    if seq_max is not None:
        step["seq_max"] = seq_max           # lengths 1..T
    multi = (name == "SliceChannel" and attrs["num_outputs"] > 1) or \
        (name == "BatchNorm" and attrs["output_mean_var"])
    head_op = "none" if multi else rng.choice(["none", "none", "MakeLoss",
                                               "LinearRegressionOutput",
                                               "MAERegressionOutput"])
    run = {"api": rng.choice(["bind", "simple_bind"]), "steps": rng.choice([1, 1, 2]),
           "grad_req": {}, "req_seed": rng.randrange(1 << 30)}
    if name == "Deconvolution" and any(d > 1 and s_ > 1 for d, s_ in zip(
            attrs.get("dilate", ()), attrs.get("stride", ()))):
        dtype = "float32"     # MXNet's float64 kernel (mshadow's pack_col2patch) is wrong there
    return {"seed": seed, "dtype": dtype, "inputs": inputs, "steps": [step], "heads": ["@0"],
            "head_op": head_op, "run": run}


def _draw_head_attrs(rng, head_op, shape):
    """The loss head's options (seeds from :data:`MORE_FROM`): scales, normalizations,
    ignored labels, label smoothing, several outputs per sample."""
    if head_op == "SoftmaxOutput":
        attrs = {}
        if len(shape) > 2:                      # softmax over axis 1 per position, or last
            attrs[rng.choice(["multi_output", "preserve_shape"])] = True
        if rng.random() < 0.4:
            attrs["grad_scale"] = rng.choice([0.5, 2.5])
        if rng.random() < 0.5:
            attrs["normalization"] = rng.choice(["null", "batch", "valid"])
        if rng.random() < 0.4:
            attrs.update(use_ignore=True, ignore_label=1)
        if rng.random() < 0.2:
            attrs["smooth_alpha"] = 0.1
        return attrs
    if head_op == "MakeLoss":
        attrs = {"direct": True}                # MakeLoss(square(x)): per-element losses
        if rng.random() < 0.5:
            attrs["grad_scale"] = rng.choice([0.5, 3.0])
        if rng.random() < 0.6:
            attrs["normalization"] = rng.choice(["null", "batch", "valid"])
            attrs["valid_thresh"] = rng.choice([0.0, 0.1])
        return attrs
    return {"grad_scale": rng.choice([1.0, 0.5, 3.0])}


def _draw_step(rng, src, shape, nodes, new_input, index, more=False):  # noqa: C901
    if rng.random() < 0.25:
        step = _draw_extra(rng, src, shape, nodes, new_input, index, more)
        if step is not None:
            return step
    kind = rng.random()
    if kind < 0.26:
        return {"op": rng.choice(_UNARY), "src": [src], "shape": list(shape)}
    if kind < 0.36:
        return {"op": rng.choice(_SCALAR), "src": [src], "shape": list(shape),
                "scalar": round(rng.uniform(-1.5, 1.5), 3)}
    if kind < 0.47:
        same = [n for n, s in nodes if s == shape and n != src]
        other = rng.choice(same) if same and rng.random() < 0.7 else new_input(shape)
        return {"op": rng.choice(_BINARY), "src": [src, other], "shape": list(shape)}
    if kind < 0.54:
        axis = rng.randrange(len(shape))
        red = list(shape)
        red[axis] = 1
        if rng.random() < 0.5:              # a reduction with keepdims of the node itself
            return {"op": rng.choice(_BROADCAST), "src": [src], "shape": list(shape),
                    "keep_axis": axis, "reduce": rng.choice(["mean", "sum", "max"])}
        return {"op": rng.choice(_BROADCAST), "src": [src, new_input(red)],
                "shape": list(shape)}
    if kind < 0.64:
        hidden = rng.randint(1, 6)
        flatten = len(shape) == 2 or rng.random() < 0.7
        out = [shape[0], hidden] if flatten else list(shape[:-1]) + [hidden]
        return {"op": "FullyConnected", "src": [src], "shape": out, "num_hidden": hidden,
                "no_bias": rng.random() < 0.25, "flatten": flatten, "name": "fc%d" % index}
    if kind < 0.70:
        axis = rng.randrange(len(shape))
        keep = rng.random() < 0.4
        out = [d for i, d in enumerate(shape) if i != axis] if not keep else \
            [1 if i == axis else d for i, d in enumerate(shape)]
        if not out:
            return None
        return {"op": rng.choice(["sum", "mean", "max", "min"]), "src": [src], "shape": out,
                "axis": axis, "keepdims": keep}
    if kind < 0.76 and len(shape) == 4:
        return _draw_conv(rng, src, shape, index)
    if kind < 0.80 and len(shape) == 4:
        return _draw_pool(rng, src, shape)
    if kind < 0.88:
        return _draw_shape_op(rng, src, shape, nodes, new_input)
    if kind < 0.92 and len(shape) == 4:
        return {"op": "BatchNorm", "src": [src], "shape": list(shape),
                "fix_gamma": rng.random() < 0.5, "momentum": rng.choice([0.9, 0.5]),
                "use_global_stats": rng.random() < 0.15, "name": "bn%d" % index}
    if kind < 0.95:
        return {"op": "Flatten", "src": [src], "shape": [shape[0], _prod(shape[1:])]}
    if len(shape) >= 2 and shape[1] % 2 == 0 and shape[1] >= 2:
        out = list(shape)
        out[1] //= 2
        return {"op": "SliceChannel", "src": [src], "shape": out, "pick": rng.randrange(2),
                "name": "split%d" % index}
    return {"op": "softmax", "src": [src], "shape": list(shape)}


def _out_size(n, k, s, p, full=False):
    span = n + 2 * p - k
    if span < 0:
        return 0
    return (-(-span // s) if full else span // s) + 1


def _draw_conv(rng, src, shape, index):
    c = shape[1]
    k = rng.randint(1, min(3, shape[2] + 2, shape[3] + 2))
    s, p = rng.choice([1, 1, 2]), rng.randint(0, k // 2 + (k > 1))
    groups = c if c > 1 and rng.random() < 0.2 else 1
    f = groups * rng.randint(1, 2) if groups > 1 else rng.randint(1, 4)
    oh, ow = _out_size(shape[2], k, s, p), _out_size(shape[3], k, s, p)
    if oh < 1 or ow < 1:
        return None
    return {"op": "Convolution", "src": [src], "num_filter": f, "kernel": k, "stride": s,
            "pad": p, "num_group": groups, "no_bias": rng.random() < 0.3,
            "shape": [shape[0], f, oh, ow], "name": "conv%d" % index}


def _draw_pool(rng, src, shape):
    if rng.random() < 0.2:
        return {"op": "Pooling", "src": [src], "pool_type": rng.choice(["max", "avg"]),
                "global_pool": True, "shape": [shape[0], shape[1], 1, 1]}
    k = rng.randint(1, min(3, shape[2], shape[3]))
    s, p = rng.choice([1, 2]), rng.randint(0, k // 2)
    full = rng.random() < 0.3
    oh, ow = _out_size(shape[2], k, s, p, full), _out_size(shape[3], k, s, p, full)
    if oh < 1 or ow < 1:
        return None
    return {"op": "Pooling", "src": [src], "pool_type": rng.choice(["max", "avg", "sum"]),
            "kernel": k, "stride": s, "pad": p, "full": full,
            "count_include_pad": rng.random() < 0.7, "shape": [shape[0], shape[1], oh, ow]}


def _draw_shape_op(rng, src, shape, nodes, new_input):
    r = rng.random()
    if r < 0.2 and len(shape) >= 2:
        axes = list(range(len(shape)))
        rng.shuffle(axes)
        return {"op": "transpose", "src": [src], "axes": axes,
                "shape": [shape[a] for a in axes]}
    if r < 0.35:
        return {"op": "Reshape", "src": [src], "reshape": [0, -1],
                "shape": [shape[0], _prod(shape[1:])]} if len(shape) > 1 else None
    if r < 0.5:
        axis = rng.randint(0, len(shape))
        out = list(shape)
        out.insert(axis, 1)
        return {"op": "expand_dims", "src": [src], "axis": axis, "shape": out}
    if r < 0.65 and len(shape) >= 2:
        same = [n for n, sh in nodes if sh == shape]
        other = rng.choice(same)
        out = list(shape)
        out[1] *= 2
        return {"op": "Concat", "src": [src, other], "shape": out}
    if r < 0.8 and shape[-1] >= 2:
        out = list(shape)
        out[-1] -= 1
        return {"op": "slice_axis", "src": [src], "axis": len(shape) - 1, "begin": 1,
                "shape": out}
    if r < 0.9 and len(shape) == 2:
        m = rng.randint(1, 4)
        other = new_input((shape[1], m))
        return {"op": "dot", "src": [src, other], "shape": [shape[0], m]}
    if len(shape) == 2:
        return {"op": "LeakyReLU_prelu", "src": [src], "shape": list(shape),
                "name": "prelu%d" % len(nodes)}
    return {"op": "log_softmax", "src": [src], "shape": list(shape)}


def _draw_extra(rng, src, shape, nodes, new_input, index, more=False):  # noqa: C901
    """Operators whose backward reads several inputs, normalisations, and layout moves; with
    ``more`` (seeds from :data:`MORE_FROM`) also :func:`_draw_more`'s."""
    same = [n for n, sh in nodes if sh == shape]
    r = rng.randrange(42 if more else 20)
    nd = len(shape)
    if r >= 20:
        return _draw_more(rng, r - 20, src, shape, new_input, index)
    if r == 0:
        return {"op": rng.choice(["_power_safe", "_hypot", "elemwise_div_safe"]),
                "src": [src, rng.choice(same)], "shape": list(shape)}
    if r == 1 and nd == 2:
        return {"op": "dot_nt", "src": [src, rng.choice(same)], "shape": [shape[0], shape[0]]}
    if r == 2 and nd == 3:
        return {"op": "batch_dot_nt", "src": [src, rng.choice(same)],
                "shape": [shape[0], shape[1], shape[1]]}
    if r == 3:
        return {"op": rng.choice(["act_sigmoid", "act_tanh", "erf", "smooth_l1"]),
                "src": [src], "shape": list(shape)}
    if r == 4 and nd == 4:
        f, k = rng.randint(1, 3), rng.randint(1, 2)
        return {"op": "Deconvolution", "src": [src], "num_filter": f, "kernel": k,
                "no_bias": rng.random() < 0.5, "name": "deconv%d" % index,
                "shape": [shape[0], f, shape[2] + k - 1, shape[3] + k - 1]}
    if r == 5 and nd == 2:
        return {"op": "BatchNorm2d", "src": [src], "shape": list(shape),
                "fix_gamma": rng.random() < 0.5, "name": "bnf%d" % index}
    if r == 6 and nd == 4:
        return {"op": rng.choice(["SoftmaxActivation", "LRN", "InstanceNorm"]), "src": [src],
                "shape": list(shape), "name": "norm%d" % index}
    if r == 7:
        return {"op": "where", "src": [src, rng.choice(same)], "shape": list(shape)}
    if r == 8 and nd == 4:
        return {"op": "UpSampling", "src": [src],
                "shape": [shape[0], shape[1], shape[2] * 2, shape[3] * 2]}
    if r == 9 and nd >= 2:
        return {"op": rng.choice(["L2Normalization", "LayerNorm"]), "src": [src],
                "shape": list(shape), "name": "ln%d" % index}
    if r == 10 and nd >= 2:
        out = list(shape)
        out[0], out[1] = out[1], out[0]
        return {"op": "SwapAxis", "src": [src], "shape": out}
    if r == 11:
        out = list(shape)
        out[-1] *= 2
        return {"op": rng.choice(["tile", "repeat"]), "src": [src], "shape": out}
    if r == 12:
        return {"op": "reverse", "src": [src], "axis": rng.randrange(nd), "shape": list(shape)}
    if r == 13:
        return {"op": "stack", "src": [src, rng.choice(same)], "shape": [2] + list(shape)}
    if r == 14 and 1 in shape and nd > 1:
        axis = shape.index(1)
        return {"op": "squeeze", "src": [src], "axis": axis,
                "shape": [d for i, d in enumerate(shape) if i != axis]}
    if r == 15 and nd >= 2:
        return {"op": rng.choice(["norm", "prod", "sum_exclude", "nansum"]), "src": [src],
                "axis": 1, "shape": [shape[0]] + list(shape[2:])}
    if r == 16 and 1 in shape:
        axis = shape.index(1)
        out = list(shape)
        out[axis] = 3
        return {"op": rng.choice(["broadcast_to", "broadcast_axis"]), "src": [src],
                "axis": axis, "shape": out}
    if r == 17 and nd >= 2:
        return {"op": "FullyConnected", "src": [src], "num_hidden": 3, "no_bias": False,
                "flatten": False, "shape": list(shape[:-1]) + [3], "name": "fcnf%d" % index}
    if r == 18 and nd == 4:
        return {"op": "Convolution", "src": [src], "num_filter": 2, "kernel": 3, "stride": 1,
                "pad": 1, "num_group": 1, "no_bias": False, "shape": [shape[0], 2] +
                list(shape[2:]), "name": "convb%d" % index}
    if r == 19 and nd == 4:
        return {"op": "Pooling", "src": [src], "pool_type": "max", "kernel": 3, "stride": 2,
                "pad": 1, "full": False, "count_include_pad": True,
                "shape": [shape[0], shape[1], (shape[2] - 1) // 2 + 1,
                          (shape[3] - 1) // 2 + 1]}
    return None


def _draw_more(rng, r, src, shape, new_input, index):  # noqa: C901 -- one per op
    """The oracle's remaining operator kinds (Embedding, batch_dot, broadcast_div, cos, the
    power and reversed-division scalars, Dropout) and slices with steps, temperatures,
    casts."""
    nd = len(shape)
    if r == 0:
        dim = rng.randint(2, 4)
        return {"op": "Embedding", "src": [src], "input_dim": 4, "output_dim": dim,
                "shape": list(shape) + [dim], "name": "embed%d" % index}
    if r == 1 and nd == 3:
        return {"op": "batch_dot_tn", "src": [src, src],
                "shape": [shape[0], shape[2], shape[2]]}
    if r == 2:
        axis = rng.randrange(nd)
        red = list(shape)
        red[axis] = 1
        return {"op": "broadcast_div_safe", "src": [src, new_input(red)], "shape": list(shape)}
    if r == 3:
        return {"op": "cos", "src": [src], "shape": list(shape)}
    if r == 4:
        return {"op": rng.choice(["_power_scalar", "_rpower_scalar"]), "src": [src],
                "scalar": rng.choice([2.0, 3.0]) if rng.random() < 0.5 else 0.5,
                "shape": list(shape)}
    if r == 5:
        return {"op": "_rdiv_scalar_safe", "src": [src], "scalar": rng.choice([1.0, -2.5]),
                "shape": list(shape)}
    if r == 6:
        return {"op": "Dropout", "src": [src], "mode": rng.choice(["training", "always"]),
                "shape": list(shape)}
    if r == 7 and shape[-1] >= 2:
        out = list(shape)
        out[-1] = (shape[-1] + 1) // 2
        return {"op": "slice_step", "src": [src], "shape": out}
    if r == 8:
        return {"op": rng.choice(["softmax_t", "log_softmax_t"]), "src": [src],
                "axis": rng.randrange(nd), "temperature": rng.choice([0.5, 2.0]),
                "shape": list(shape)}
    if r == 9:
        return {"op": "Cast_round_trip", "src": [src], "shape": list(shape)}
    return _draw_more2(rng, r - 10, src, shape, new_input, index)


_MATH = ["reciprocal_safe", "rsqrt_safe", "cbrt", "expm1", "log1p_safe", "arctan", "sinh",
         "erfinv_safe", "gammaln_safe", "softmin", "sign", "round", "log2_safe", "cosh",
         "degrees", "rcbrt_safe", "relu_nd", "hard_sigmoid", "gelu", "log_sigmoid"]


def _draw_more2(rng, r, src, shape, new_input, index):  # noqa: C901 -- one per op
    """Operators whose gradient is partly zero or partly conditional (topk's values, pick,
    take, the ``*_like`` operators, one_hot of argmax), Pad, more unary functions,
    normalisations along other axes, dilated, 1-D and strided transposed convolutions."""
    nd = len(shape)
    if r == 0 and shape[-1] >= 2:
        k = rng.randint(1, min(2, shape[-1]))
        return {"op": "topk_value", "src": [src], "k": k, "shape": list(shape[:-1]) + [k]}
    if r == 1 and nd >= 2:
        axis = rng.randrange(nd)
        idx_shape = [d for i, d in enumerate(shape) if i != axis]
        other = new_input(idx_shape)
        return {"op": "pick_floor", "src": [src, other], "axis": axis, "shape": idx_shape}
    if r == 2:
        small = [d if rng.random() < 0.5 else 1 for d in shape]
        kind = rng.choice(["broadcast_like", "reshape_like", "slice_like"])
        if kind == "broadcast_like":
            return {"op": kind, "src": [new_input(small), src], "shape": list(shape)}
        if kind == "reshape_like":
            return {"op": kind, "src": [src, new_input([_prod(shape)])], "shape": [_prod(shape)]}
        return {"op": kind, "src": [src, new_input(small)], "shape": small}
    if r == 3 and nd == 2:
        return {"op": "onehot_argmax", "src": [src, src], "shape": list(shape)}
    if r == 4:
        rows = rng.randint(1, 3)
        out = [rows] + list(shape[1:])
        return {"op": "take_floor", "src": [src, new_input([rows])], "shape": out}
    if r == 5 and nd == 4:
        mode = rng.choice(["constant", "edge", "reflect"]) if min(shape[2:]) >= 2 else "edge"
        return {"op": "Pad", "src": [src], "mode": mode,
                "shape": list(shape[:2]) + [shape[2] + 2, shape[3] + 2]}
    if r == 6:
        return {"op": rng.choice(_MATH), "src": [src], "shape": list(shape)}
    if r == 7 and nd >= 2:
        kind = rng.choice(["LayerNorm_axis1", "L2Normalization_channel", "BatchNorm_last",
                           "GroupNorm"])
        if kind == "GroupNorm" and (nd != 4 or shape[1] % 2):
            kind = "LayerNorm_axis1"
        if kind == "L2Normalization_channel" and nd < 3:
            kind = "LayerNorm_axis1"
        return {"op": kind, "src": [src], "shape": list(shape), "name": "nrm%d" % index}
    if r == 8 and nd == 4 and min(shape[2:]) >= 3:
        f = rng.randint(1, 3)
        return {"op": "Convolution_dilated", "src": [src], "num_filter": f,
                "shape": [shape[0], f, shape[2] - 2, shape[3] - 2], "name": "convd%d" % index}
    if r == 9 and nd == 3 and shape[2] >= 2:
        f = rng.randint(1, 3)
        return {"op": "Convolution_1d", "src": [src], "num_filter": f,
                "shape": [shape[0], f, shape[2] - 1], "name": "conv1d%d" % index}
    if r == 10 and nd == 4:
        f = rng.randint(1, 2)
        return {"op": "Deconvolution_strided", "src": [src], "num_filter": f,
                "shape": [shape[0], f, 2 * shape[2], 2 * shape[3]], "name": "deconvs%d" % index}
    if r == 11 and nd >= 2:
        return {"op": "moments_sum", "src": [src], "shape": [shape[0]] + [1] * (nd - 1)}
    return None


def _prod(xs):
    out = 1
    for d in xs:
        out *= d
    return out


def build(mx, spec):
    """The spec's symbol, with ``mx`` MXNet or symnb (the same calls for both)."""
    sym = mx.sym
    values = {name: sym.Variable(name) for name, _ in spec["inputs"]}
    for i, st in enumerate(spec["steps"]):
        x = [values[s] for s in st["src"]]
        values["@%d" % i] = _apply(sym, st, x)
    outs = [values[h] for h in spec["heads"]]
    head = spec["head_op"]
    attrs = dict(spec.get("head_attrs", {}))
    if head == "MakeLoss":
        loss = sym.square(outs[0]) if attrs.pop("direct", False) else \
            sym.sum(sym.square(outs[0]))
        outs[0] = sym.MakeLoss(loss, **attrs)
    elif head == "SoftmaxOutput":
        outs[0] = sym.SoftmaxOutput(outs[0], name="sm", **attrs)
    elif head != "none":
        outs[0] = getattr(sym, head)(outs[0], name="reg", **attrs)
    return outs[0] if len(outs) == 1 else sym.Group(outs)


def _apply(sym, st, x):  # noqa: C901 -- one branch per drawn op, kept together
    op = st["op"]
    if op == "cfg":                   # one operator with drawn parameters (_draw_config)
        args = [_indices(sym, v) if i in st["index_inputs"] else
                sym.tanh(v) if i == 0 else v for i, v in enumerate(x)]
        if st["name"] == "where":
            args[0] = args[0] > 0
        if "seq_max" in st and len(args) > 1:
            args[1] = sym.clip(args[1] + 1, 1, st["seq_max"])
        attrs = {k: tuple(v) if isinstance(v, list) else v for k, v in st["attrs"].items()}
        return getattr(sym, st["name"])(*args, name="cfg", **attrs)
    if op == "exp_tanh":
        return sym.exp(sym.tanh(x[0]))
    if op == "sqrt_abs":
        return sym.sqrt(sym.abs(x[0]) + 0.5)
    if op == "log_abs":
        return sym.log(sym.abs(x[0]) + 0.5)
    if op in ("relu", "softsign", "softrelu"):
        return sym.Activation(x[0], act_type=op)
    if op in ("leaky", "elu", "selu"):
        return sym.LeakyReLU(x[0], act_type=op, slope=0.2)
    if op == "clip":
        return sym.clip(x[0], a_min=-0.7, a_max=0.9)
    if op in _SCALAR:
        return _op(sym, op)(x[0], scalar=st["scalar"])
    if op in _BROADCAST:
        if len(x) == 1:
            red = getattr(sym, st["reduce"])(x[0], axis=st["keep_axis"], keepdims=True)
            return getattr(sym, op)(x[0], red)
        return getattr(sym, op)(x[0], x[1])
    if op == "FullyConnected":
        return sym.FullyConnected(x[0], num_hidden=st["num_hidden"], no_bias=st["no_bias"],
                                  flatten=st["flatten"], name=st["name"])
    if op in ("sum", "mean", "max", "min"):
        return getattr(sym, op)(x[0], axis=st["axis"], keepdims=st["keepdims"])
    if op == "BatchNorm":
        return sym.BatchNorm(x[0], fix_gamma=st["fix_gamma"], momentum=st["momentum"],
                             use_global_stats=st["use_global_stats"], name=st["name"])
    if op == "Convolution":
        if "kernel" not in st:
            return sym.Convolution(x[0], kernel=(2, 2), num_filter=st["num_filter"],
                                   name=st["name"])
        k, s_, p = st["kernel"], st["stride"], st["pad"]
        return sym.Convolution(x[0], kernel=(k, k), stride=(s_, s_), pad=(p, p),
                               num_filter=st["num_filter"], num_group=st["num_group"],
                               no_bias=st["no_bias"], name=st["name"])
    if op == "Pooling":
        if st.get("global_pool"):
            return sym.Pooling(x[0], kernel=(1, 1), global_pool=True, pool_type=st["pool_type"])
        if "kernel" not in st:
            return sym.Pooling(x[0], kernel=(2, 2), pool_type=st["pool_type"])
        k, s_, p = st["kernel"], st["stride"], st["pad"]
        return sym.Pooling(x[0], kernel=(k, k), stride=(s_, s_), pad=(p, p),
                           pool_type=st["pool_type"],
                           pooling_convention="full" if st["full"] else "valid",
                           count_include_pad=st["count_include_pad"])
    if op == "transpose":
        return sym.transpose(x[0], axes=tuple(st["axes"]))
    if op == "Reshape":
        return sym.Reshape(x[0], shape=tuple(st["reshape"]))
    if op == "expand_dims":
        return sym.expand_dims(x[0], axis=st["axis"])
    if op == "Concat":
        return sym.Concat(x[0], x[1], dim=1)
    if op == "slice_axis":
        return sym.slice_axis(x[0], axis=st["axis"], begin=st["begin"], end=None)
    if op == "LeakyReLU_prelu":
        return sym.LeakyReLU(x[0], act_type="prelu", name=st["name"])
    if op == "log_softmax":
        return sym.log_softmax(x[0], axis=-1)
    return _apply_extra(sym, st, x)


def _apply_extra(sym, st, x):  # noqa: C901 -- one branch per drawn op, kept together
    op = st["op"]
    if op == "_power_safe":
        return sym._internal._power(sym.abs(x[0]) + 0.5, x[1])
    if op == "elemwise_div_safe":
        return sym.elemwise_div(x[0], sym.abs(x[1]) + 0.5)
    if op == "_hypot":
        return sym._internal._hypot(x[0], x[1])
    if op == "dot_nt":
        return sym.dot(x[0], x[1], transpose_b=True)
    if op == "batch_dot_nt":
        return sym.batch_dot(x[0], x[1], transpose_b=True)
    if op in ("act_sigmoid", "act_tanh"):
        return sym.Activation(x[0], act_type=op[4:])
    if op == "erf":
        return sym.erf(x[0])
    if op == "smooth_l1":
        return sym.smooth_l1(x[0], scalar=1.5)
    if op == "Deconvolution":
        k = st["kernel"]
        return sym.Deconvolution(x[0], kernel=(k, k), num_filter=st["num_filter"],
                                 no_bias=st["no_bias"], name=st["name"])
    if op == "BatchNorm2d":
        return sym.BatchNorm(x[0], fix_gamma=st["fix_gamma"], name=st["name"])
    if op == "SoftmaxActivation":
        return sym.SoftmaxActivation(x[0], mode="channel")
    if op == "LRN":
        return sym.LRN(x[0], nsize=3)
    if op == "InstanceNorm":
        return sym.InstanceNorm(x[0], name=st["name"])
    if op == "where":
        return sym.where(x[0] > x[1], x[0], x[1])
    if op == "UpSampling":
        return sym.UpSampling(x[0], scale=2, sample_type="nearest")
    if op == "L2Normalization":
        return sym.L2Normalization(x[0], mode="instance")
    if op == "LayerNorm":
        return sym.LayerNorm(x[0], axis=-1, name=st["name"])
    if op == "SwapAxis":
        return sym.SwapAxis(x[0], dim1=0, dim2=1)
    if op == "tile":
        return sym.tile(x[0], reps=(1,) * (len(st["shape"]) - 1) + (2,))
    if op == "repeat":
        return sym.repeat(x[0], repeats=2, axis=-1)
    if op == "reverse":
        return sym.reverse(x[0], axis=st["axis"])
    if op == "stack":
        return sym.stack(x[0], x[1], axis=0)
    if op == "squeeze":
        return sym.squeeze(x[0], axis=st["axis"])
    if op == "norm":
        return sym.norm(x[0], axis=1)
    if op == "prod":
        return sym.prod(x[0], axis=1)
    if op == "nansum":
        return sym.nansum(x[0], axis=1)
    if op == "sum_exclude":
        return sym.sum(x[0], axis=tuple(i for i in range(len(st["shape"]) + 1) if i != 1),
                       exclude=True)
    if op == "broadcast_to":
        return sym.broadcast_to(x[0], shape=tuple(st["shape"]))
    if op == "broadcast_axis":
        return sym.broadcast_axis(x[0], axis=st["axis"], size=3)
    if op == "SliceChannel":
        return sym.SliceChannel(x[0], num_outputs=2, axis=1, name=st["name"])[st["pick"]]
    if op == "softmax":
        return sym.softmax(x[0], axis=-1)
    return _apply_more(sym, st, x)


def _apply_more(sym, st, x):  # noqa: C901 -- one branch per drawn op, kept together
    op = st["op"]
    if op == "Embedding":             # indices 0..3 of the data, and no gradient through them
        return sym.Embedding(sym.floor(sym.abs(x[0]) * 1.6), input_dim=st["input_dim"],
                             output_dim=st["output_dim"], name=st["name"])
    if op == "batch_dot_tn":
        return sym.batch_dot(x[0], x[1], transpose_a=True)
    if op == "broadcast_div_safe":
        return sym.broadcast_div(x[0], sym.abs(x[1]) + 0.5)
    if op in ("_power_scalar", "_rpower_scalar"):
        base = sym.abs(x[0]) + 0.5 if st["scalar"] == 0.5 and op == "_power_scalar" else x[0]
        return _op(sym, op)(base, scalar=st["scalar"])
    if op == "_rdiv_scalar_safe":
        return sym._internal._rdiv_scalar(sym.abs(x[0]) + 0.5, scalar=st["scalar"])
    if op == "Dropout":               # p=0 keeps every element, so both libraries agree
        return sym.Dropout(x[0], p=0.0, mode=st["mode"])
    if op == "slice_step":
        n = len(st["shape"])
        return sym.slice(x[0], begin=(None,) * (n - 1) + (-1,), end=(None,) * n,
                         step=(None,) * (n - 1) + (-2,))
    if op in ("softmax_t", "log_softmax_t"):
        return getattr(sym, op[:-2])(x[0], axis=st["axis"], temperature=st["temperature"])
    if op == "Cast_round_trip":       # through the other float type and back
        other = "float32" if st["dtype"] == "float64" else "float64"
        return sym.Cast(sym.Cast(x[0], dtype=other), dtype=st["dtype"])
    return _apply_more2(sym, st, x)


def _indices(sym, x, scale=1.6):
    """Integer-valued indices 0..3 made from data (no gradient flows through floor)."""
    return sym.floor(sym.abs(x) * scale)


def _apply_more2(sym, st, x):  # noqa: C901 -- one branch per drawn op, kept together
    op = st["op"]
    safe = sym.abs(x[0]) + 0.5 if op.endswith("_safe") else None
    if op == "topk_value":
        return sym.topk(x[0], axis=-1, k=st["k"], ret_typ="value")
    if op == "pick_floor":
        return sym.pick(x[0], _indices(sym, x[1]), axis=st["axis"])
    if op in ("broadcast_like", "reshape_like", "slice_like"):
        return getattr(sym, op)(x[0], x[1])
    if op == "onehot_argmax":
        classes = st["shape"][-1]
        return sym.one_hot(sym.argmax(x[0], axis=-1), depth=classes) * x[1]
    if op == "take_floor":
        return sym.take(x[0], _indices(sym, x[1]), axis=0, mode="clip")
    if op == "Pad":
        return sym.Pad(x[0], mode=st["mode"], pad_width=(0, 0, 0, 0, 1, 1, 1, 1),
                       constant_value=0.5)
    if op == "reciprocal_safe":
        return sym.reciprocal(safe)
    if op == "rsqrt_safe":
        return sym.rsqrt(safe)
    if op == "rcbrt_safe":
        return sym.rcbrt(safe)
    if op == "log1p_safe":
        return sym.log1p(safe)
    if op == "log2_safe":
        return sym.log2(safe)
    if op == "erfinv_safe":
        return sym.erfinv(sym.tanh(x[0]) * 0.9)
    if op == "gammaln_safe":
        return sym.gammaln(safe)
    if op == "relu_nd":
        return sym.relu(x[0])
    if op == "hard_sigmoid":
        return sym.hard_sigmoid(x[0], alpha=0.3, beta=0.4)
    if op == "gelu":
        return sym.LeakyReLU(x[0], act_type="gelu")
    if op == "log_sigmoid":
        return sym.Activation(x[0], act_type="softrelu") * -1.0 + x[0]
    if op == "LayerNorm_axis1":
        return sym.LayerNorm(x[0], axis=1, name=st["name"])
    if op == "L2Normalization_channel":
        return sym.L2Normalization(x[0], mode="channel")
    if op == "BatchNorm_last":
        return sym.BatchNorm(x[0], axis=-1, fix_gamma=False, name=st["name"])
    if op == "GroupNorm":
        return sym.GroupNorm(x[0], num_groups=2, name=st["name"])
    if op == "Convolution_dilated":
        return sym.Convolution(x[0], kernel=(2, 2), dilate=(2, 2), num_filter=st["num_filter"],
                               name=st["name"])
    if op == "Convolution_1d":
        return sym.Convolution(x[0], kernel=(2,), num_filter=st["num_filter"], name=st["name"])
    if op == "Deconvolution_strided":
        return sym.Deconvolution(x[0], kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1),
                                 num_filter=st["num_filter"], name=st["name"])
    if op == "moments_sum":
        mean, var = sym.moments(x[0], axes=tuple(range(1, len(st["shape"]))), keepdims=True)
        return mean + var
    return _op(sym, op)(*x)       # a plain operator of either library: abs, Flatten, ...


def _op(sym, op):
    return getattr(sym._internal if op.startswith("_") else sym, op)


# ----------------------------------------------------------------------------- recording
def _arrays(np, spec, sym, meta):
    """Seeded inputs (and the garbage the gradient buffers hold before the first backward)."""
    rng = np.random.default_rng(spec["seed"])
    dt = np.dtype(spec["dtype"])
    used = set(meta["arg_names"])
    arg_shapes, _, aux_shapes = sym.infer_shape(**{n: tuple(s) for n, s in spec["inputs"]
                                                   if n in used})
    arrays = {}
    for name, shape in zip(meta["arg_names"], arg_shapes, strict=True):
        if name == "sm_label":
            arrays[name] = rng.integers(0, shape and 2 or 1, shape).astype(dt)
        elif name == "reg_label":
            arrays[name] = rng.uniform(0.05, 0.95, shape).astype(dt)
        else:
            arrays[name] = rng.uniform(-1.2, 1.2, shape).astype(dt)
        arrays["grad_init:" + name] = rng.uniform(-1, 1, shape).astype(dt)
    for name, shape in zip(meta["aux_names"], aux_shapes, strict=True):
        arrays[name] = (rng.uniform(0.5, 1.5, shape) if name.endswith("var") else
                        rng.uniform(-0.3, 0.3, shape)).astype(dt)
    return arrays


def build_named(mx, spec):
    """:func:`build` with the name counters started afresh, so that auto-naming gives the
    same names in both libraries and ``tojson()`` can be compared as text."""
    with mx.name.NameManager():
        return build(mx, spec)


def record(mx, np, check, spec, root=CASES):
    """Write one case directory from MXNet's own run (``check`` is the oracle's check.py)."""
    sym = build_named(mx, spec)
    name = "graph_%03d" % spec["seed"]
    cdir = os.path.join(root, name)
    os.makedirs(cdir, exist_ok=True)
    args, outs, auxs = sym.list_arguments(), sym.list_outputs(), sym.list_auxiliary_states()
    req_rng = random.Random(spec["run"]["req_seed"])
    reqs = {}
    for a in args:
        if a.endswith("_label"):
            reqs[a] = "null"
        else:
            reqs[a] = req_rng.choice(["write", "write", "add", "null"])
    # MXNet 1.9.1's planner gives elemwise_add's other input the accumulated gradient array
    # of an 'add' variable it adds (docs/DESIGN.md, "Choices where the spec is silent"):
    # such variables are recorded with 'write'.
    # Likewise a variable whose gradient sums a zero one (it also feeds BlockGrad): after
    # reverse or clip MXNet then writes its gradient instead of adding it
    for st in spec["steps"]:
        if st["op"] in ("elemwise_add", "BlockGrad"):
            for src in st["src"]:
                if reqs.get(src) == "add":
                    reqs[src] = "write"
    if all(r == "null" for r in reqs.values()):
        reqs[args[0]] = "write"
    meta = {"api": spec["run"]["api"], "arg_names": args, "aux_names": auxs,
            "output_names": outs, "dtype": spec["dtype"], "grad_req": reqs,
            "steps": spec["run"]["steps"], "modes": ["train", "infer"],
            "is_train": [True] * spec["run"]["steps"] + [False],
            "description": "random graph %d: %s -> %s" % (
                spec["seed"], " ".join(s["op"] for s in spec["steps"]), spec["head_op"]),
            "rtol": 1e-4 if spec["dtype"] == "float32" else 1e-6,
            "atol": 1e-5 if spec["dtype"] == "float32" else 1e-8,
            "spec": spec}
    arrays = _arrays(np, spec, sym, meta)
    ishapes = {n: s for n, s in spec["inputs"] if n in args}   # drawn inputs a step reads
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**{n: tuple(s) for n, s in
                                                            ishapes.items()})
    meta["infer_shape"] = {"inputs": ishapes, "arg_shapes": check.shape_list(arg_shapes),
                           "out_shapes": check.shape_list(out_shapes),
                           "aux_shapes": check.shape_list(aux_shapes)}
    loss_heads = spec["head_op"] != "none"
    meta["pass_head_grads"] = not loss_heads or len(outs) > 1
    hrng = np.random.default_rng(spec["seed"] + 7)
    head_grads = {"head_grad:%d" % i: hrng.uniform(-1, 1, s).astype(spec["dtype"])
                  for i, s in enumerate(out_shapes)} if meta["pass_head_grads"] else {}
    with open(os.path.join(cdir, "symbol.json"), "w") as f:
        f.write(sym.tojson())
    np.savez_compressed(os.path.join(cdir, "inputs.npz"), **arrays)
    np.savez_compressed(os.path.join(cdir, "expected.npz"), **head_grads)
    with open(os.path.join(cdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    engine = check.mxnet_engine()
    actual, problems = check.run_case(engine, cdir, meta)
    assert not problems, problems
    np.savez_compressed(os.path.join(cdir, "expected.npz"), **head_grads, **actual)
    return name


def main(argv):
    import importlib.util

    import mxnet as mx
    import numpy as np
    if not mx.__version__.startswith("1.9.1"):
        print("graphs.py records with MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 160
    first = int(argv[argv.index("--from") + 1]) if "--from" in argv else 0
    spec_ = importlib.util.spec_from_file_location("oracle_check",
                                                   os.path.join(ORACLE, "check.py"))
    check = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(check)
    done, refused = 0, []
    for seed in range(first, first + count):
        try:
            record(mx, np, check, draw(seed))
            done += 1
        except mx.base.MXNetError as e:      # e.g. LRN in float64: MXNet refuses the graph
            shutil.rmtree(os.path.join(CASES, "graph_%03d" % seed), ignore_errors=True)
            refused.append((seed, str(e).strip().splitlines()[-1][:120]))
    for seed, why in refused:
        print("seed %d not recorded (MXNet refuses it: %s)" % (seed, why))
    print("recorded %d graphs under %s" % (done, CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
