"""Parameters and the forward/backward procedure shared by ``record.py`` and ``test_zoo.py``.

Both sides call :func:`run_values` with their own ``mx`` module (MXNet 1.9.1 when recording,
symnb when replaying), so the two runs bind and execute the same way by construction.

Parameters are not stored: a ResNet-18 alone is 46 MB of float32. They come from
:func:`fill`, a counter-based generator (SplitMix64 on ``uint64`` arrays, whose wrap-around
arithmetic and the exact conversion to doubles give the same bits under every NumPy version,
unlike ``np.random`` streams, which NumPy does not promise to keep). ``record.py`` stores a
fingerprint of every filled array so a replay can tell a changed generator from a changed
operator. This module needs only NumPy; it must run in both interpreters.
"""
from __future__ import annotations

import zlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def uniform(key: str, n: int) -> np.ndarray:
    """``n`` float64 values in [0, 1) that depend only on ``key`` and the index.

    >>> a = uniform("w", 4); b = uniform("w", 6)
    >>> bool((a == b[:4]).all()) and bool(((0 <= b) & (b < 1)).all())
    True
    """
    start = np.uint64(zlib.crc32(key.encode()) << 32)
    z = np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN + start
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


# (name suffix, low, high); weights are scaled by fan-in instead (see fill)
_RANGES = (
    ("_bias", -0.1, 0.1), ("_beta", -0.1, 0.1),
    ("_gamma", 0.8, 1.2),
    ("_moving_mean", -0.1, 0.1), ("_running_mean", -0.1, 0.1),
    ("_moving_var", 0.8, 1.2), ("_running_var", 0.8, 1.2),
)


def fill(name: str, shape, seed: int = 0) -> np.ndarray:
    """The float32 array a zoo value check binds to the argument or aux state ``name``.

    Weights are U(-a, a) with a = sqrt(6 / fan_in) (He-uniform, so activations keep their
    scale through dozens of ReLU layers); biases, BatchNorm statistics and the data use the
    small fixed ranges above; ``*_label`` gets class indices 0..9.

    >>> fill("fc_weight", (2, 3)).dtype.name, float(fill("x_label", (4,)).max()) <= 9
    ('float32', True)
    """
    shape = tuple(int(d) for d in shape)
    u = uniform("%d:%s" % (seed, name), int(np.prod(shape))).reshape(shape)
    if name.endswith("_label"):
        return np.floor(u * 10).astype(np.float32)
    if name.endswith("_weight"):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        bound = np.sqrt(6.0 / fan_in)
        return ((2 * u - 1) * bound).astype(np.float32)
    for suffix, low, high in _RANGES:
        if name.endswith(suffix):
            return (low + (high - low) * u).astype(np.float32)
    return (2 * u - 1).astype(np.float32)       # data and anything unrecognised: U(-1, 1)


def fingerprint(a: np.ndarray) -> list:
    """A few numbers that identify a filled array (its sum and first and last values)."""
    flat = a.ravel().astype(np.float64)
    return [float(flat.sum()), float(flat[0]), float(flat[-1])]


def _arrays(mx, sym, shapes: dict, seed: int):
    """Fill every argument and aux state of ``sym`` for the given input shapes."""
    arg_shapes, _, aux_shapes = sym.infer_shape(**{k: tuple(v) for k, v in shapes.items()})
    args = {n: fill(n, s, seed) for n, s in zip(sym.list_arguments(), arg_shapes)}
    aux = {n: fill(n, s, seed) for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    return args, aux


def _nd(mx, arrays: dict, ctx) -> dict:
    return {n: mx.nd.array(a, ctx=ctx, dtype=a.dtype) for n, a in arrays.items()}


def run_values(mx, sym, spec: dict, ctx=None) -> dict:
    """Run the value checks that ``spec`` asks for; returns name -> NumPy array.

    ``spec["infer"]`` is an input-shape dict for one ``forward(is_train=False)``;
    ``spec["train"]`` (optional) has ``shapes``, the gradients to keep (``grads``), others to
    compute (``request``) and the
    aux states to keep (``aux``) after one ``forward(is_train=True)`` and ``backward`` with
    filled head gradients (none for loss heads, which need none).
    Runs on ``ctx`` (default ``mx.cpu()``). Keys: ``infer:out<i>``, ``train:out<i>``,
    ``grad:<name>``, ``aux:<name>``, and ``fp:<name>`` (fingerprints of every filled array,
    as float64 triples); ``spec["train64"]`` repeats the training step in float64
    (``train64:out<i>``, ``grad64:<name>``, ``aux64:<name>``).
    """
    ctx = ctx or mx.cpu()
    seed = spec.get("seed", 0)
    result = {}
    args, aux = _arrays(mx, sym, spec["infer"], seed)
    result.update(("fp:" + n, np.array(fingerprint(a))) for n, a in {**args, **aux}.items())
    exe = sym.bind(ctx, _nd(mx, args, ctx), grad_req="null", aux_states=_nd(mx, aux, ctx))
    for i, out in enumerate(exe.forward(is_train=False)):
        result["infer:out%d" % i] = out.asnumpy()

    train = spec.get("train")
    if train:
        result.update(_train(mx, sym, train, seed + 1, ctx, np.float32, ""))
        if spec.get("train64"):
            # The same step in float64: some zoo gradients are ill-conditioned in float32
            # (ResNet-18's move by ~1e-2 of their scale with the BLAS kernel's rounding), so
            # this is the tight comparison and the float32 one checks the float32 path.
            result.update(_train(mx, sym, train, seed + 1, ctx, np.float64, "64"))
    return result


def _train(mx, sym, train: dict, seed: int, ctx, dtype, tag: str) -> dict:
    """One ``forward(is_train=True)`` and ``backward`` in ``dtype``; keys get ``tag`` added
    to their prefix (``grad64:<name>``)."""
    result = {}
    args, aux = _arrays(mx, sym, train["shapes"], seed)
    args = {n: a.astype(dtype) for n, a in args.items()}
    aux = {n: a.astype(dtype) for n, a in aux.items()}
    # "request": gradients computed but not kept (too big to store, or needed because
    # MKLDNN's FullyConnected backward in 1.9.1 leaves the bias gradient at 0 when the
    # weight's grad_req is 'null')
    grads = {n: mx.nd.zeros(args[n].shape, ctx=ctx, dtype=dtype)
             for n in train["grads"] + train.get("request", [])}
    req = {n: "write" if n in grads else "null" for n in args}
    exe = sym.bind(ctx, _nd(mx, args, ctx), args_grad=grads, grad_req=req,
                   aux_states=_nd(mx, aux, ctx))
    outs = exe.forward(is_train=True)
    for i, out in enumerate(outs):
        result["train%s:out%d" % (tag, i)] = out.asnumpy()
    heads = None
    if train.get("head_grads"):
        heads = [mx.nd.array(fill("head%d" % i, o.shape, seed).astype(dtype), ctx=ctx,
                             dtype=dtype) for i, o in enumerate(outs)]
    exe.backward(heads)
    result.update(("grad%s:%s" % (tag, n), grads[n].asnumpy()) for n in train["grads"])
    result.update(("aux%s:%s" % (tag, n), exe.aux_dict[n].asnumpy())
                  for n in train.get("aux", ()))
    return result
