"""One case, run through any MXNet-like module: the same code records and replays.

``record.py`` calls :func:`run_case` with real MXNet 1.9.1 and saves what it returns;
``test_differential.py`` calls it with symnb on the saved inputs and compares. Sharing the
driver means both engines see exactly the same sequence of API calls.

Each step that raises is recorded as its error text (see :func:`strip_error`) instead of a
result, so deliberate mistakes and MXNet's own refusals are compared like any other fact.
"""
from __future__ import annotations

import re
import zlib

import numpy as np

_STAMP = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")
# errors raised by MXNet's engine thread carry a C++ "traceback" of one frame
_FRAME = re.compile(r"\ATraceback \(most recent call last\):\n  File \"[^\"]*\", line \d+\n")


def strip_error(exc) -> str:
    """The core of an exception's text: no C++ timestamp/file:line, no stack trace.

    >>> strip_error(ValueError("MXNetError: Error in operator x: [03:43:17] "
    ...                        "../src/a.h:271: Check failed: 1\\nStack trace:\\n  [bt] 0"))
    'MXNetError: Error in operator x: Check failed: 1'
    """
    text = _FRAME.sub("", _STAMP.sub("", str(exc)))
    return text.split("\nStack trace")[0].strip()


# MXNet's placement of prefixed names: ``_linalg_gemm`` is ``mx.sym.linalg.gemm``
_SUBMODULES = (("_linalg_", "linalg"), ("_contrib_", "contrib"), ("_image_", "image"),
               ("_sparse_", "sparse"))


def op_function(mx, op: str):
    """``mx.sym.<op>``, ``mx.sym.linalg.<x>`` for ``_linalg_<x>`` (likewise contrib, image),
    or ``mx.sym._internal.<op>`` for other names starting with an underscore.

    >>> import symnb
    >>> op_function(symnb, '_plus_scalar').__name__
    '_plus_scalar'
    """
    for prefix, module in _SUBMODULES:
        if op.startswith(prefix):
            return getattr(getattr(mx.sym, module), op[len(prefix):])
    if op.startswith("_random_") and op.endswith("_like"):
        return getattr(mx.sym.random, op[len("_random_"):])
    if op.startswith("_np_"):       # NumPy-style operators MXNet exposes as mx.sym.<x>
        return getattr(mx.sym, op[len("_np_"):])
    return getattr(mx.sym._internal if op.startswith("_") else mx.sym, op)


def _build(mx, case, kwargs):
    f = op_function(mx, case["op"])
    variables = [mx.sym.Variable(n) for n, _ in case["inputs"]]
    if case["variadic"]:
        return f(*variables, name="op", **kwargs)
    names = (n for n, _ in case["inputs"])
    return f(name="op", **dict(zip(names, variables, strict=True)), **kwargs)


def _attempt(record, key, fn):
    """Store fn()'s value under key, or ``{'error': text}`` when it raises; return it."""
    try:
        value = fn()
    except Exception as e:  # noqa: BLE001 -- any failure is a fact to compare
        record[key] = {"error": strip_error(e)}
        return None
    record[key] = value
    return value


def _shapes(triple):
    return [None if t is None else [None if s is None else list(s) for s in t] for t in triple]


def _types(triple):
    return [None if t is None else [None if d is None else np.dtype(d).name for d in t]
            for t in triple]


def _generate(case, name, shape, dtype):
    seed = zlib.crc32(("%s/%s" % (case["name"], name)).encode())
    rng = np.random.RandomState(seed)
    kind, low, high = case["ranges"].get(name, ("u", -2.0, 2.0))
    if kind == "i":
        x = rng.randint(int(low), int(high), size=shape)
    elif kind == "b":
        x = rng.randint(0, 2, size=shape)
    elif kind in "sl":
        # matrices over the last two axes: 's' symmetric positive definite (Cholesky input),
        # 'l' lower triangular with a diagonal in [low, high] (a Cholesky factor)
        x = rng.uniform(-1.0, 1.0, size=shape)
        n = shape[-1]
        if kind == "s":
            x = x @ np.swapaxes(x, -1, -2) / n + low * np.eye(n)
        else:
            x = np.tril(x, -1) + np.eye(n) * rng.uniform(low, high, size=shape[:-1])[..., None]
    elif kind == "r":
        x = _regions(rng, shape, int(low), high)
    else:
        x = rng.uniform(low, high, size=shape)
    return np.asarray(x, dtype=dtype)


def _regions(rng, shape, batches, extent):
    """Region rows: ``[batch, x1, y1, x2, y2]`` (corners inside ``[0, extent]``, at least
    one pixel apart) or, with 6 columns, ``[batch, cx, cy, w, h, angle_degrees]``."""
    n, cols = shape
    batch = rng.randint(0, batches, size=(n, 1))
    if cols == 6:
        centre = rng.uniform(0, extent, size=(n, 2))
        size = rng.uniform(1, 0.6 * extent, size=(n, 2))
        return np.hstack([batch, centre, size, rng.uniform(-90, 90, size=(n, 1))])
    corner = rng.uniform(0, 0.5 * extent, size=(n, 2))
    return np.hstack([batch, corner, corner + rng.uniform(1, 0.5 * extent, size=(n, 2))])


def run_case(mx, case, arrays=None):
    """Run one case; returns ``(facts, arrays)``: JSON-able facts and named NumPy arrays.

    ``arrays`` holds the inputs to use (``in:``, ``aux:``, ``grad_init:``, ``head:``
    keys); without it (recording) they are generated from the case's seed and ranges.

    >>> import symnb
    >>> case = {'name': 'demo', 'op': 'relu', 'kwargs': {}, 'inputs': [('data', (2,))],
    ...         'dtype': 'float64', 'ranges': {}, 'grad': True, 'train': True,
    ...         'errors': [], 'variadic': False}
    >>> facts, out = run_case(symnb, case)
    >>> facts['arguments'], bool((out['out_infer:0'] >= 0).all())
    (['data'], True)
    """
    facts: dict = {}
    out: dict = {}
    generate = arrays is None
    arrays = {} if arrays is None else dict(arrays)
    kwargs = case["kwargs"]
    try:
        sym = _build(mx, case, kwargs)
    except Exception as e:  # noqa: BLE001 -- a refused parameter set is a fact too
        facts["build"] = {"error": strip_error(e)}
        _errors(mx, case, facts)
        return facts, out
    facts["build"] = "ok"
    facts["arguments"] = sym.list_arguments()
    facts["outputs"] = sym.list_outputs()
    facts["aux"] = sym.list_auxiliary_states()
    facts["json"] = sym.tojson()
    shapes = {n: tuple(s) for n, s in case["inputs"]}
    dtypes = {n: case.get("dtypes", {}).get(n, case["dtype"]) for n, _ in case["inputs"]}
    triple = _attempt(facts, "infer_shape", lambda: _shapes(sym.infer_shape(**shapes)))
    types = _attempt(facts, "infer_type", lambda: _types(sym.infer_type(**dtypes)))
    partial = dict(list(shapes.items())[1:])
    _attempt(facts, "infer_shape_partial",
             lambda: _shapes(sym.infer_shape_partial(**partial)))
    # load_json(tojson()) must give the same text back; stored as 'same' to keep files small
    _attempt(facts, "json_roundtrip", lambda: "same" if mx.sym.load_json(facts["json"]).tojson()
             == facts["json"] else mx.sym.load_json(facts["json"]).tojson())
    if not (isinstance(triple, list) and triple[0] is not None
            and isinstance(types, list) and types[0] is not None):
        _errors(mx, case, facts)
        return facts, out
    arg_shapes, out_shapes, aux_shapes = triple
    if not generate and "head:0" not in arrays and facts["outputs"]:
        facts["execute"] = "not recorded: MXNet stopped before binding"
        _errors(mx, case, facts)
        return facts, out
    if generate:
        for n, s, t in zip(facts["arguments"], arg_shapes, types[0], strict=True):
            arrays["in:" + n] = _generate(case, n, tuple(s), t)
            arrays["grad_init:" + n] = _generate(case, "grad_init:" + n, tuple(s), t)
        for n, s, t in zip(facts["aux"], aux_shapes, types[2], strict=True):
            kind = ("u", 0.5, 2.0) if n.endswith("var") else ("u", -1.0, 1.0)
            arrays["aux:" + n] = _generate(dict(case, ranges={n: kind}), n, tuple(s), t)
        for i, (s, t) in enumerate(zip(out_shapes, types[1], strict=True)):
            arrays["head:%d" % i] = _generate(case, "head:%d" % i, tuple(s), t)
    _execute(mx, case, facts, out, arrays)
    _errors(mx, case, facts)
    if generate:
        out.update(arrays)
    return facts, out


def _nd(mx, a):
    return mx.nd.array(a, dtype=a.dtype)


def _bind(mx, case, facts, arrays, req):
    args = {n: _nd(mx, arrays["in:" + n]) for n in facts["arguments"]}
    grads = None
    if req != "null":
        grads = {n: _nd(mx, arrays["grad_init:" + n]) for n in facts["arguments"]}
    if req == "add":
        # index and label inputs: MXNet refuses kAddTo for some (take), so ask for none
        index = {n for n in facts["arguments"] if case["ranges"].get(n, "u")[0] in "ib"}
        req = {n: "null" if n in index else "add" for n in facts["arguments"]}
    aux = {n: _nd(mx, arrays["aux:" + n]) for n in facts["aux"]}
    return _sym(mx, case).bind(mx.cpu(), args=args, args_grad=grads, grad_req=req,
                               aux_states=aux)


def _sym(mx, case):
    return _build(mx, case, case["kwargs"])


def _execute(mx, case, facts, out, arrays):
    heads = [_nd(mx, arrays["head:%d" % i]) for i in range(len(facts["outputs"]))]
    for req in ["write", "add"] if case["grad"] else ["null"]:
        exe = _attempt(facts, "bind_" + req, lambda r=req: _bind(mx, case, facts, arrays, r))
        if exe is not None:
            facts["bind_" + req] = "ok"
            if case["train"]:
                _train_step(exe, facts, out, heads, req)
            if req != "add":    # the inference run and the in-place args: one pass is enough
                _infer_step(exe, facts, out, arrays)


def _train_step(exe, facts, out, heads, req):
    key = "forward_train_" + req
    outputs = _attempt(facts, key, lambda: [o.asnumpy() for o in exe.forward(is_train=True)])
    if outputs is None:
        return
    facts[key] = "ok"
    out.update(("out_train:%d" % i, o) for i, o in enumerate(outputs))
    out.update(("aux_fwd:" + n, exe.aux_dict[n].asnumpy()) for n in facts["aux"])
    if req == "null":
        return

    def backward():
        exe.backward(heads)
        got = {"grad_%s:%s" % (req, n): exe.grad_dict[n].asnumpy()
               for n in facts["arguments"] if exe.grad_dict.get(n) is not None}
        got.update(("aux_bwd:" + n, exe.aux_dict[n].asnumpy()) for n in facts["aux"])
        return got
    got = _attempt(facts, "backward_" + req, backward)
    if got is not None:
        facts["backward_" + req] = "ok"
        out.update(got)


def _infer_step(exe, facts, out, arrays):
    outputs = _attempt(facts, "forward_infer",
                       lambda: [o.asnumpy() for o in exe.forward(is_train=False)])
    if outputs is not None:
        facts["forward_infer"] = "ok"
        out.update(("out_infer:%d" % i, o) for i, o in enumerate(outputs))
    for n in facts["arguments"]:
        after = exe.arg_dict[n].asnumpy()
        if not np.array_equal(after, arrays["in:" + n]):
            out["arg_after:" + n] = after


def _errors(mx, case, facts):
    found = []
    for err in case["errors"]:
        kwargs = err.get("kwargs", case["kwargs"])
        try:
            sym = _build(mx, case, kwargs)
            if "types" in err:
                sym.infer_type(**err["types"])
            else:
                given = err.get("shapes", {n: s for n, s in case["inputs"]})
                sym.infer_shape(**{k: tuple(v) for k, v in given.items()})
            found.append(None)
        except Exception as e:  # noqa: BLE001 -- the error text is the fact
            found.append(strip_error(e))
    facts["errors"] = found
