"""The differential cases as data: which operator, which parameters, which inputs.

Plain Python with no imports beyond the standard library, so that ``record.py`` can run it
under MXNet's interpreter and the replay test under symnb's. Each case is a dict:

``name``       unique case name (also the file stem under ``cases/``)
``op``         MXNet operator name (``_x`` resolves to ``sym._internal._x``)
``kwargs``     operator parameters as Python values
``inputs``     list of ``(variable name, shape)``; the op gets them by keyword, or
               positionally when ``variadic``; arguments the op creates itself
               (``op_weight``) get their shapes from ``infer_shape``
``dtype``      dtype of every argument
``ranges``     argument name -> ``(kind, low, high)``: ``'u'`` uniform, ``'i'`` integer
               valued (indices, labels), ``'b'`` 0/1, ``'r'`` region rows (``low``
               batches, coordinates up to ``high``); default ``('u', -2, 2)``
``grad``       whether gradients are recorded (False: integer dtypes, random forward)
``train``      whether the training forward is deterministic enough to compare
``errors``     list of deliberate mistakes: ``{'shapes': {...}}`` (infer_shape),
               ``{'types': {...}}`` (infer_type) or ``{'kwargs': {...}}`` (creation)
``dtypes``     optional per-input dtype overrides (``{'length': 'int32'}``)
``ignore``     recorded arrays not to compare (MXNet leaves them uninitialised), or
               ``'values'`` to compare only shapes and dtypes (random outputs)
``rtol/atol``  optional tolerance override

>>> cases = all_cases()
>>> len({c['name'] for c in cases}) == len(cases)
True
"""
from __future__ import annotations

F32, F64, I32 = "float32", "float64", "int32"
POS = ("u", 0.5, 2.0)


def _case(name, op, inputs, dtype=F32, kwargs=None, **extra):
    c = {"name": name, "op": op, "kwargs": dict(kwargs or {}), "inputs": list(inputs),
         "dtype": dtype, "ranges": {}, "grad": dtype != I32, "train": True, "errors": [],
         "variadic": False}
    c.update(extra)
    return c


UNARY = ["abs", "negative", "reciprocal", "square", "sqrt", "rsqrt", "exp", "expm1", "log",
         "log10", "log2", "log1p", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "softsign",
         "sign", "floor", "ceil", "round", "erf", "_copy", "BlockGrad", "make_loss",
         "zeros_like", "ones_like", "Flatten"]
_POSITIVE = {"reciprocal", "sqrt", "rsqrt", "log", "log10", "log2", "log1p"}
BINARY = ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_maximum",
          "_minimum", "_hypot", "_power", "_mod", "_equal", "_not_equal", "_greater",
          "_greater_equal", "_lesser", "_lesser_equal"]
BROADCAST = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
             "broadcast_mod", "broadcast_power", "broadcast_maximum", "broadcast_minimum",
             "broadcast_hypot", "broadcast_equal", "broadcast_not_equal", "broadcast_greater",
             "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
             "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor"]
SCALAR = ["_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
          "_rdiv_scalar", "_mod_scalar", "_rmod_scalar", "_power_scalar", "_rpower_scalar",
          "_maximum_scalar", "_minimum_scalar", "_hypot_scalar", "_equal_scalar",
          "_not_equal_scalar", "_greater_scalar", "_greater_equal_scalar", "_lesser_scalar",
          "_lesser_equal_scalar"]
_POSITIVE_BIN = {"_power", "broadcast_power", "_mod", "broadcast_mod", "elemwise_div",
                 "broadcast_div", "_rmod_scalar", "_rdiv_scalar", "_power_scalar"}


def _elementwise():
    out = []
    for op in UNARY:
        rng = {"data": POS} if op in _POSITIVE else {}
        out.append(_case(op + "_f32", op, [("data", (3, 4))], F32, ranges=rng))
        out.append(_case(op + "_f64", op, [("data", (2, 3, 2))], F64, ranges=rng))
        if op in ("abs", "negative", "square", "sign", "relu", "_copy", "zeros_like"):
            out.append(_case(op + "_i32", op, [("data", (5,))], I32,
                             ranges={"data": ("i", -5, 5)}))
    for op in BINARY:
        rng = {"lhs": POS, "rhs": POS} if op in _POSITIVE_BIN else {}
        ins = [("lhs", (2, 3)), ("rhs", (2, 3))]
        errs = [{"shapes": {"lhs": (2, 3), "rhs": (3, 2)}},
                {"types": {"lhs": F32, "rhs": F64}}]
        out.append(_case(op + "_f32", op, ins, F32, ranges=rng, errors=errs))
        out.append(_case(op + "_f64", op, [("lhs", (4,)), ("rhs", (4,))], F64, ranges=rng))
    out.append(_case("elemwise_add_i32", "elemwise_add", [("lhs", (3,)), ("rhs", (3,))], I32,
                     ranges={"lhs": ("i", -5, 5), "rhs": ("i", -5, 5)}))
    shapes = [((2, 3), (1, 3)), ((2, 1, 4), (3, 1)), ((3,), (2, 3)), ((2, 3, 4), (2, 3, 4))]
    for op in BROADCAST:
        for k, (a, b) in enumerate(shapes):
            rng = {"lhs": POS, "rhs": POS} if op in _POSITIVE_BIN else {}
            if "logical" in op:
                rng = {"lhs": ("b", 0, 1), "rhs": ("b", 0, 1)}
            errs = [{"shapes": {"lhs": (2, 3), "rhs": (4,)}}] if k == 0 else []
            out.append(_case("%s_%d" % (op, k), op, [("lhs", a), ("rhs", b)],
                             F64 if k == 1 else F32, ranges=rng, errors=errs))
    out.append(_case("broadcast_add_i32", "broadcast_add", [("lhs", (2, 3)), ("rhs", (3,))],
                     I32, ranges={"lhs": ("i", -5, 5), "rhs": ("i", -5, 5)}))
    for op in SCALAR:
        rng = {"data": POS} if op in _POSITIVE_BIN else {}
        out.append(_case(op + "_f32", op, [("data", (3, 4))], F32, {"scalar": 2.5}, ranges=rng))
        out.append(_case(op + "_f64_int", op, [("data", (5,))], F64, {"scalar": 3},
                         ranges=rng))
    out.append(_case("_mul_scalar_i32", "_mul_scalar", [("data", (4,))], I32, {"scalar": 3},
                     ranges={"data": ("i", -5, 5)}))
    out.append(_case("clip_f32", "clip", [("data", (3, 4))], F32, {"a_min": -0.5, "a_max": 1},
                     errors=[{"kwargs": {"a_min": 0}}]))
    out.append(_case("clip_f64", "clip", [("data", (6,))], F64, {"a_min": 0, "a_max": 0.7}))
    for dt in ["float64", "int32", "float16", "uint8"]:
        out.append(_case("Cast_" + dt, "Cast", [("data", (2, 3))], F32, {"dtype": dt},
                         ranges={"data": ("i", 0, 9)}, grad=dt.startswith("float")))
    out.append(_case("add_n_3", "add_n", [("a", (2, 3)), ("b", (2, 3)), ("c", (2, 3))], F32,
                     variadic=True, errors=[{"shapes": {"a": (2, 3), "b": (3, 3)}}]))
    out.append(_case("add_n_1_f64", "add_n", [("a", (4,))], F64, variadic=True))
    out.append(_case("where_same", "where", [("condition", (2, 3)), ("x", (2, 3)),
                                              ("y", (2, 3))], F32,
                     ranges={"condition": ("b", 0, 1)},
                     errors=[{"shapes": {"condition": (2, 3), "x": (3, 3)}}]))
    out.append(_case("where_1d_cond", "where", [("condition", (2,)), ("x", (2, 3)),
                                                 ("y", (2, 3))], F64,
                     ranges={"condition": ("b", 0, 1)}))
    return out


REDUCE = ["sum", "mean", "prod", "max", "min"]


def _reduce():
    out = []
    settings = [{}, {"axis": 1}, {"axis": -1, "keepdims": True}, {"axis": (0, 2)},
                {"axis": 1, "exclude": True}, {"axis": (), "keepdims": True},
                {"keepdims": True}]
    for op in REDUCE:
        for k, kw in enumerate(settings):
            dt = F64 if k % 2 else F32
            errs = [{"kwargs": dict(kw, axis=3), "shapes": {"data": (2, 3, 4)}}] if k == 1 else []
            out.append(_case("%s_%d" % (op, k), op, [("data", (2, 3, 4))], dt, kw,
                             ranges={"data": POS} if op == "prod" else {}, errors=errs))
        out.append(_case(op + "_1d", op, [("data", (5,))], F32, {"axis": 0}))
    out.append(_case("sum_i32", "sum", [("data", (2, 3))], I32, {"axis": 0},
                     ranges={"data": ("i", -5, 5)}))
    for k, kw in enumerate([{}, {"ord": 1}, {"axis": 1}, {"ord": 1, "axis": -1, "keepdims": True},
                            {"axis": (0, 2)}, {"ord": 2, "axis": 0, "keepdims": True}]):
        out.append(_case("norm_%d" % k, "norm", [("data", (2, 3, 4))], F64 if k % 2 else F32,
                         kw, errors=[{"kwargs": {"ord": 3}}] if k == 0 else []))
    out.append(_case("norm_ord3", "norm", [("data", (2, 3))], F32, {"ord": 3}))
    for op in ["argmax", "argmin"]:
        for k, kw in enumerate([{}, {"axis": 1}, {"axis": -1, "keepdims": True},
                                {"axis": 0}]):
            out.append(_case("%s_%d" % (op, k), op, [("data", (2, 3, 4))],
                             F64 if k % 2 else F32, kw,
                             errors=[{"kwargs": {"axis": 3}, "shapes": {"data": (2, 3, 4)}}]
                             if k == 1 else []))
    return out


def _shape():
    out = []
    for k, (shp, kw) in enumerate([((2, 3, 4), {"shape": (6, 4)}),
                                   ((2, 3, 4), {"shape": (0, -1)}),
                                   ((2, 3, 4), {"shape": (-2,)}),
                                   ((2, 3, 4), {"shape": (-3, 4)}),
                                   ((2, 3, 4), {"shape": (-4, 1, 2, -2)}),
                                   ((2, 3, 4), {"shape": (-1, 0), "reverse": True}),
                                   ((6, 4), {"shape": (2, -4, -1, 3, 0)}),
                                   ((2, 3, 4), {"target_shape": (4, 6)})]):
        errs = [{"shapes": {"data": (5, 5)}}] if k == 0 else []
        if k == 1:
            errs.append({"kwargs": {"shape": (-1, -1)}, "shapes": {"data": (2, 3, 4)}})
        out.append(_case("Reshape_%d" % k, "Reshape", [("data", shp)], F64 if k % 2 else F32,
                         kw, errors=errs))
    out.append(_case("Flatten_4d", "Flatten", [("data", (2, 3, 2, 2))], F32))
    for k, kw in enumerate([{}, {"axes": (1, 0, 2)}, {"axes": (2, 0, 1)}]):
        out.append(_case("transpose_%d" % k, "transpose", [("data", (2, 3, 4))], F32, kw,
                         errors=[{"kwargs": {"axes": (0, 1)}, "shapes": {"data": (2, 3, 4)}}]
                         if k == 1 else []))
    out.append(_case("transpose_2d", "transpose", [("data", (3, 5))], F64))
    for k, ax in enumerate([0, 1, -1, 3]):
        out.append(_case("expand_dims_%d" % k, "expand_dims", [("data", (2, 3, 4))], F32,
                         {"axis": ax}, errors=[{"kwargs": {"axis": 5},
                                                "shapes": {"data": (2, 3, 4)}}] if k == 0 else []))
    for k, kw in enumerate([{}, {"axis": 1}, {"axis": (1, -1)}]):
        out.append(_case("squeeze_%d" % k, "squeeze", [("data", (2, 1, 3, 1))], F32, kw,
                         errors=[{"kwargs": {"axis": 0}, "shapes": {"data": (2, 1, 3, 1)}}]
                         if k == 0 else []))
    for k, kw in enumerate([{}, {"dim1": 0, "dim2": 2}, {"dim1": 1, "dim2": -1}]):
        out.append(_case("SwapAxis_%d" % k, "SwapAxis", [("data", (2, 3, 4))], F64, kw))
    for k, (dim, a, b) in enumerate([(1, (2, 3), (2, 2)), (0, (1, 3), (2, 3)),
                                     (-1, (2, 2, 3), (2, 2, 1)), (2, (2, 1, 2), (2, 1, 2))]):
        out.append(_case("Concat_%d" % k, "Concat", [("a", a), ("b", b)], F64 if k % 2 else F32,
                         {"dim": dim}, variadic=True,
                         errors=[{"shapes": {"a": (2, 3), "b": (3, 3)}}] if k == 0 else []))
    out.append(_case("Concat_three", "Concat", [("a", (2, 1)), ("b", (2, 2)), ("c", (2, 3))], F32,
                     variadic=True))
    for k, ax in enumerate([0, 1, -1, 2]):
        out.append(_case("stack_%d" % k, "stack", [("a", (2, 3)), ("b", (2, 3))], F32,
                         {"axis": ax}, variadic=True,
                         errors=[{"shapes": {"a": (2, 3), "b": (3, 3)}}] if k == 0 else []))
    for k, kw in enumerate([{"num_outputs": 2}, {"num_outputs": 3, "axis": 0},
                            {"num_outputs": 4, "axis": -1, "squeeze_axis": True},
                            {"num_outputs": 2, "axis": 2}]):
        out.append(_case("SliceChannel_%d" % k, "SliceChannel", [("data", (3, 4, 4))],
                         F64 if k % 2 else F32, kw,
                         errors=[{"kwargs": {"num_outputs": 3}, "shapes": {"data": (3, 4, 4)}}]
                         if k == 0 else []))
    for k, kw in enumerate([{"begin": (0, 1), "end": (2, 3)},
                            {"begin": (None, -2), "end": (None, None)},
                            {"begin": (1, 0, 0), "end": (2, 3, 4), "step": (1, 2, -1)},
                            {"begin": (2,), "end": (0,), "step": (-1,)},
                            {"begin": (-1, 1), "end": (None, None), "step": (-1, 2)}]):
        out.append(_case("slice_%d" % k, "slice", [("data", (3, 4, 5))], F64 if k % 2 else F32,
                         kw, errors=[{"kwargs": {"begin": (0, 5), "end": (2, 9)},
                                      "shapes": {"data": (3, 4, 5)}}] if k == 0 else []))
    for k, kw in enumerate([{"axis": 1, "begin": 1, "end": 3},
                            {"axis": -1, "begin": 0, "end": None},
                            {"axis": 0, "begin": -2, "end": -1}]):
        out.append(_case("slice_axis_%d" % k, "slice_axis", [("data", (3, 4, 2))], F32, kw,
                         errors=[{"kwargs": {"axis": 1, "begin": 3, "end": 1},
                                  "shapes": {"data": (3, 4, 2)}}] if k == 0 else []))
    for k, kw in enumerate([{"repeats": 2}, {"repeats": 3, "axis": 1},
                            {"repeats": 2, "axis": -1}, {"repeats": 2, "axis": 0}]):
        out.append(_case("repeat_%d" % k, "repeat", [("data", (2, 3))], F64 if k % 2 else F32,
                         kw))
    for k, reps in enumerate([(2,), (2, 1), (1, 2, 3), (3,)]):
        out.append(_case("tile_%d" % k, "tile", [("data", (2, 3))], F32, {"reps": reps}))
    for k, ax in enumerate([(0,), (1,), (0, 2), (-1,)]):
        out.append(_case("reverse_%d" % k, "reverse", [("data", (2, 3, 2))], F64 if k else F32,
                         {"axis": ax}))
    for k, (shp, tgt) in enumerate([((1, 3), (2, 3)), ((2, 1, 1), (2, 3, 4)),
                                    ((1, 3), (4, 0))]):
        out.append(_case("broadcast_to_%d" % k, "broadcast_to", [("data", shp)], F32,
                         {"shape": tgt}, errors=[{"kwargs": {"shape": (2, 4)},
                                                  "shapes": {"data": (1, 3)}}]
                         if k == 0 else []))
    for k, kw in enumerate([{"axis": (0,), "size": (3,)}, {"axis": (0, 2), "size": (2, 3)},
                            {"axis": -1, "size": 4}]):
        shp = (1, 2, 1)
        out.append(_case("broadcast_axis_%d" % k, "broadcast_axis", [("data", shp)],
                         F64 if k % 2 else F32, kw))
    return out


def _indexing():
    out = []
    for k, (shp, ishp, kw) in enumerate([((4, 3), (2,), {}), ((3, 4), (2, 2), {"axis": 1}),
                                         ((4, 3), (5,), {"mode": "wrap"}),
                                         ((2, 3, 4), (3,), {"axis": -1, "mode": "clip"}),
                                         ((4,), (2, 3), {})]):
        errs = [{"kwargs": dict(kw, axis=2), "shapes": {"a": shp, "indices": ishp}}] \
            if k == 0 else []
        out.append(_case("take_%d" % k, "take", [("a", shp), ("indices", ishp)],
                         F64 if k % 2 else F32, kw, ranges={"indices": ("i", -3, 7)},
                         errors=errs))
    for k, kw in enumerate([{"depth": 4}, {"depth": 3, "on_value": 2, "off_value": -1},
                            {"depth": 5, "dtype": "int32"}, {"depth": 2, "dtype": "float64"}]):
        out.append(_case("one_hot_%d" % k, "one_hot", [("indices", (2, 3))], F32, kw,
                         ranges={"indices": ("i", -1, 5)}, grad=False))
    for k, kw in enumerate([{"input_dim": 5, "output_dim": 3},
                            {"input_dim": 4, "output_dim": 2, "dtype": "float64"}]):
        out.append(_case("Embedding_%d" % k, "Embedding", [("data", (2, 3))],
                         "float64" if k else F32, kw, ranges={"data": ("i", 0, 4)},
                         errors=[{"shapes": {"data": (2, 3), "op_weight": (4, 3)}}]
                         if k == 0 else []))
    out.append(_case("Embedding_1d_w", "Embedding", [("data", (4,)), ("weight", (6, 2))], F32,
                     {"input_dim": 6, "output_dim": 2}, ranges={"data": ("i", 0, 6)}))
    return out


def _init():
    out = []
    for k, kw in enumerate([{"shape": (2, 3)}, {"shape": (4,), "dtype": "int32"},
                            {"shape": (1, 2, 2), "dtype": "float64"}]):
        for op in ["_zeros", "_ones"]:
            out.append(_case("%s_%d" % (op, k), op, [], F32, kw, grad=False))
        out.append(_case("_full_%d" % k, "_full", [], F32, dict(kw, value=2.5), grad=False))
    for k, kw in enumerate([{"start": 0, "stop": 5}, {"start": 1, "stop": 4, "step": 0.5},
                            {"start": 2, "stop": 8, "step": 2, "repeat": 2},
                            {"start": 5, "dtype": "int32"},
                            {"start": 0, "stop": 3, "dtype": "float64"}]):
        out.append(_case("_arange_%d" % k, "_arange", [], F32, kw, grad=False))
    # samplers: names, JSON, shapes and dtypes are compared, the random values are not
    for k, (op, kw) in enumerate([
            ("_random_uniform", {"low": -1, "high": 2, "shape": (2, 3)}),
            ("_random_uniform", {"shape": (4,), "dtype": "float64"}),
            ("_random_normal", {"loc": 1, "scale": 2, "shape": (3,)}),
            ("_random_normal", {"shape": (2, 2), "dtype": "float64"}),
            ("_random_exponential", {"lam": 2, "shape": (3,)}),
            ("_random_gamma", {"alpha": 2, "beta": 0.5, "shape": (2, 2)}),
            ("_random_poisson", {"lam": 3, "shape": (4,)}),
            ("_random_negative_binomial", {"k": 3, "p": 0.4, "shape": (3,)}),
            ("_random_generalized_negative_binomial", {"mu": 2, "alpha": 0.5, "shape": (3,)}),
            ("_random_randint", {"low": 0, "high": 5, "shape": (4,)}),
            ("_random_randint", {"low": -3, "high": 3, "shape": (2,), "dtype": "int64"})]):
        # one attribute per mistake: MXNet lists a node's attributes in hash order
        errors = {0: [{"kwargs": {"dtype": "int32"}}, {"kwargs": {"low": "a"}}],
                  9: [{"kwargs": {"low": 0}}]}
        out.append(_case("%s_%d" % (op, k), op, [], F32, kw, grad=False, train=False,
                         ignore="values", errors=errors.get(k, [])))
    return out


def _matrix():
    out = []
    for k, (a, b, kw) in enumerate([((2, 3), (3, 4), {}),
                                    ((3, 2), (3, 4), {"transpose_a": True}),
                                    ((2, 3), (4, 3), {"transpose_b": True}),
                                    ((3, 2), (4, 3), {"transpose_a": True, "transpose_b": True}),
                                    ((4,), (4,), {}), ((2, 3, 2), (2, 4), {}),
                                    ((3,), (3, 2), {}), ((2, 3), (3,), {})]):
        errs = [{"shapes": {"lhs": (2, 3), "rhs": (2, 4)}}] if k == 0 else []
        out.append(_case("dot_%d" % k, "dot", [("lhs", a), ("rhs", b)], F64 if k % 2 else F32,
                         kw, errors=errs))
    for k, (a, b, kw) in enumerate([((2, 2, 3), (2, 3, 4), {}),
                                    ((2, 3, 2), (2, 3, 4), {"transpose_a": True}),
                                    ((2, 2, 3), (2, 4, 3), {"transpose_b": True}),
                                    ((3, 3, 2), (3, 4, 3), {"transpose_a": True,
                                                            "transpose_b": True})]):
        errs = [{"shapes": {"lhs": (2, 2, 3), "rhs": (3, 3, 4)}}] if k == 0 else []
        out.append(_case("batch_dot_%d" % k, "batch_dot", [("lhs", a), ("rhs", b)],
                         F64 if k % 2 else F32, kw, errors=errs))
    return out


def _nn():
    out = []
    for k, (shp, kw) in enumerate([((2, 3), {"num_hidden": 4}),
                                   ((2, 3, 2), {"num_hidden": 3}),
                                   ((2, 3), {"num_hidden": 2, "no_bias": True}),
                                   ((2, 3, 4), {"num_hidden": 5, "flatten": False}),
                                   ((4,), {"num_hidden": 2, "flatten": False})]):
        errs = [{"shapes": {"data": (2, 3), "op_weight": (4, 2)}},
                {"kwargs": {"num_hidden": 0}, "shapes": {"data": (2, 3)}}] if k == 0 else []
        out.append(_case("FullyConnected_%d" % k, "FullyConnected", [("data", shp)],
                         F64 if k % 2 else F32, kw, errors=errs))
    out.append(_case("FullyConnected_explicit", "FullyConnected",
                     [("data", (3, 2)), ("weight", (4, 2)), ("bias", (4,))], F32,
                     {"num_hidden": 4}))
    for act in ["relu", "sigmoid", "softrelu", "softsign", "tanh"]:
        out.append(_case("Activation_" + act, "Activation", [("data", (2, 3, 2))], F32,
                         {"act_type": act}, errors=[{"kwargs": {"act_type": "gelu"}}]))
        out.append(_case("Activation_%s_f64" % act, "Activation", [("data", (5,))], F64,
                         {"act_type": act}))
    for act in ["leaky", "elu", "gelu", "selu", "prelu", "rrelu"]:
        kw = {"act_type": act}
        if act in ("leaky", "elu"):
            kw["slope"] = 0.3
        for dt, shp in [(F32, (2, 3, 2)), (F64, (3, 4))]:
            out.append(_case("LeakyReLU_%s_%s" % (act, dt), "LeakyReLU", [("data", shp)], dt, kw,
                             train=act != "rrelu", grad=act != "rrelu",
                             ignore=["out_infer:1"] if act == "rrelu" else [],
                             ranges={"op_gamma": ("u", 0.1, 0.5)}))
    out.append(_case("LeakyReLU_default", "LeakyReLU", [("data", (4,))], F32))
    for k, (shp, kw) in enumerate([((2, 3), {}), ((2, 3, 4), {"axis": 1}),
                                   ((2, 3), {"axis": 0, "temperature": 2.0}),
                                   ((3, 4), {"dtype": "float64"})]):
        for op in ["softmax", "log_softmax"]:
            out.append(_case("%s_%d" % (op, k), op, [("data", shp)], F64 if k % 2 else F32, kw))
    out.append(_case("softmax_length", "softmax", [("data", (2, 4)), ("length", (2,))], F32,
                     {"use_length": True, "axis": -1}, ranges={"length": ("i", 1, 4)}))
    out.append(_case("softmax_length_int", "softmax", [("data", (2, 4)), ("length", (2,))],
                     F64, {"use_length": True}, dtypes={"length": I32},
                     ranges={"length": ("i", 1, 4)}))
    out.append(_case("softmax_bad_axis", "softmax", [("data", (2, 3))], F32, {"axis": 3},
                     train=False, grad=False))
    for mode in ["instance", "channel"]:
        out.append(_case("SoftmaxActivation_" + mode, "SoftmaxActivation",
                         [("data", (2, 3, 2))], F32, {"mode": mode}))
    for k, (shp, lshp, kw) in enumerate([
            ((3, 4), (3,), {}), ((3, 4), (3,), {"grad_scale": 0.5, "normalization": "batch"}),
            ((3, 4), (3,), {"use_ignore": True, "ignore_label": 1, "normalization": "valid"}),
            ((2, 3, 4), (2, 4), {"multi_output": True}),
            ((2, 3, 4), (2, 3), {"preserve_shape": True}),
            ((3, 4), (3,), {"smooth_alpha": 0.1}),
            ((2, 3, 2), (2, 2), {"multi_output": True, "use_ignore": True, "ignore_label": 0,
                                  "normalization": "valid"})]):
        errs = [{"shapes": {"data": (3, 4), "label": (4,)}}] if k == 0 else []
        out.append(_case("SoftmaxOutput_%d" % k, "SoftmaxOutput", [("data", shp),
                                                                    ("label", lshp)],
                         F64 if k % 2 else F32, kw, ranges={"label": ("i", 0, 3)}, errors=errs))
    out.append(_case("SoftmaxOutput_auto_label", "SoftmaxOutput", [("data", (3, 4))], F32,
                     ranges={"op_label": ("i", 0, 3)}))
    for op in ["LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"]:
        out.append(_case(op + "_0", op, [("data", (3, 2)), ("label", (3, 2))], F32,
                         errors=[{"shapes": {"data": (3, 2), "label": (2, 2)}}]))
        out.append(_case(op + "_1", op, [("data", (4,)), ("label", (4,))], F64,
                         {"grad_scale": 2.0}))
        out.append(_case(op + "_auto", op, [("data", (2, 3))], F32))
    for k, kw in enumerate([{}, {"use_linear": True}, {"margin": 0.5,
                                                        "regularization_coefficient": 2.0}]):
        out.append(_case("SVMOutput_%d" % k, "SVMOutput", [("data", (3, 4)), ("label", (3,))],
                         F64 if k % 2 else F32, kw, ranges={"label": ("i", 0, 3)}))
    for k, kw in enumerate([{}, {"grad_scale": 0.5, "normalization": "batch"},
                            {"normalization": "valid", "valid_thresh": 0.5}]):
        out.append(_case("MakeLoss_%d" % k, "MakeLoss", [("data", (3, 2))], F32, kw,
                         ranges={"data": ("u", 0, 1)}))
    out.append(_case("Dropout_infer", "Dropout", [("data", (3, 4))], F32, {"p": 0.3},
                     train=False, grad=False))
    out.append(_case("Dropout_p0", "Dropout", [("data", (3, 4))], F64, {"p": 0.0}))
    out.append(_case("Dropout_always", "Dropout", [("data", (3, 4))], F32,
                     {"p": 0.5, "mode": "always"}, train=False, grad=False, ignore="values"))
    return out


def _norm():
    out = []
    for k, (shp, kw) in enumerate([((2, 3, 2, 2), {}), ((2, 3, 2, 2), {"fix_gamma": False}),
                                   ((4, 3), {"use_global_stats": True, "fix_gamma": False}),
                                   ((2, 3, 4), {"axis": -1, "fix_gamma": False}),
                                   ((2, 3, 2), {"output_mean_var": True, "fix_gamma": False,
                                                "eps": 1e-3, "momentum": 0.5}),
                                   ((3, 2, 2), {"axis": 0})]):
        errs = [{"shapes": {"data": (2, 3, 2, 2), "op_gamma": (4,)}}] if k == 0 else []
        out.append(_case("BatchNorm_%d" % k, "BatchNorm", [("data", shp)],
                         F64 if k % 2 else F32, kw,
                         ranges={"op_moving_var": POS, "op_gamma": POS}, errors=errs))
    for k, (shp, kw) in enumerate([((2, 3, 4), {}), ((2, 3, 4), {"axis": 1}),
                                   ((3, 4), {"axis": 0, "output_mean_var": True, "eps": 1e-3}),
                                   ((2, 5), {})]):
        out.append(_case("LayerNorm_%d" % k, "LayerNorm", [("data", shp)], F64 if k % 2 else F32,
                         kw, errors=[{"shapes": {"data": (2, 3, 4), "op_gamma": (3,)}}]
                         if k == 0 else []))
    for k, shp in enumerate([(2, 3, 4), (2, 2, 2, 3)]):
        out.append(_case("InstanceNorm_%d" % k, "InstanceNorm", [("data", shp)],
                         F64 if k else F32, {"eps": 1e-3} if k else {}))
    for k, kw in enumerate([{"nsize": 3}, {"nsize": 5, "alpha": 0.01, "beta": 0.5,
                                           "knorm": 1.0}]):
        out.append(_case("LRN_%d" % k, "LRN", [("data", (2, 5, 2, 2))], F64 if k else F32, kw))
    return out


def _conv_pool():
    out = []
    for k, (shp, kw) in enumerate([
            ((1, 2, 5, 5), {"kernel": (3, 3), "num_filter": 3}),
            ((2, 2, 6), {"kernel": (3,), "num_filter": 2, "stride": (2,), "pad": (1,)}),
            ((1, 4, 5, 5), {"kernel": (2, 2), "num_filter": 4, "num_group": 2,
                            "dilate": (2, 1), "no_bias": True}),
            ((1, 1, 4, 4, 4), {"kernel": (2, 2, 2), "num_filter": 2, "stride": (2, 1, 1)})]):
        out.append(_case("Convolution_%d" % k, "Convolution", [("data", shp)],
                         F64 if k % 2 else F32, kw,
                         errors=[{"shapes": {"data": (1, 2, 5, 5), "op_weight": (3, 3, 3, 3)}}]
                         if k == 0 else []))
    for k, (shp, kw) in enumerate([
            ((1, 2, 3, 3), {"kernel": (3, 3), "num_filter": 2}),
            ((1, 2, 4), {"kernel": (3,), "num_filter": 3, "stride": (2,), "pad": (1,),
                         "adj": (1,), "no_bias": False}),
            ((1, 2, 3, 3), {"kernel": (2, 2), "num_filter": 2, "stride": (2, 2),
                            "target_shape": (7, 7)})]):
        out.append(_case("Deconvolution_%d" % k, "Deconvolution", [("data", shp)],
                         F64 if k % 2 else F32, kw))
    for k, (shp, kw) in enumerate([
            ((1, 2, 4, 4), {"kernel": (2, 2), "stride": (2, 2)}),
            ((1, 2, 5, 5), {"kernel": (3, 3), "pool_type": "avg", "pad": (1, 1)}),
            ((1, 2, 5, 5), {"kernel": (2, 2), "stride": (2, 2), "pooling_convention": "full"}),
            ((1, 2, 5), {"kernel": (2,), "pool_type": "sum"}),
            ((1, 2, 3, 3), {"kernel": (1, 1), "global_pool": True, "pool_type": "avg"}),
            ((1, 2, 4, 4), {"kernel": (2, 2), "pool_type": "lp", "p_value": 2}),
            ((1, 2, 5, 5), {"kernel": (3, 3), "pool_type": "avg", "pad": (1, 1),
                            "count_include_pad": False})]):
        out.append(_case("Pooling_%d" % k, "Pooling", [("data", shp)], F64 if k % 2 else F32,
                         kw))
    out.append(_case("UpSampling_nearest", "UpSampling", [("a", (1, 2, 2, 2))], F32,
                     {"scale": 2, "sample_type": "nearest", "num_args": 1}, variadic=True))
    out.append(_case("UpSampling_nearest2", "UpSampling", [("a", (1, 2, 2, 2)),
                                                           ("b", (1, 1, 1, 1))], F64,
                     {"scale": 2, "sample_type": "nearest", "num_args": 2,
                      "multi_input_mode": "concat"}, variadic=True))
    for k, (mode, pw) in enumerate([("constant", (0, 0, 0, 0, 1, 2, 1, 0)),
                                    ("edge", (0, 0, 0, 0, 1, 1, 2, 1)),
                                    ("reflect", (0, 0, 0, 0, 1, 1, 1, 2))]):
        out.append(_case("Pad_" + mode, "Pad", [("data", (1, 2, 3, 3))], F64 if k % 2 else F32,
                         {"mode": mode, "pad_width": pw, "constant_value": 0.5}))
    return out


# operators added after the core set: math families, logical ops, special functions
MATH = {"cbrt": POS, "rcbrt": POS, "arcsin": ("u", -0.9, 0.9), "arccos": ("u", -0.9, 0.9),
        "arctan": None, "degrees": None, "radians": None, "sinh": None, "cosh": None,
        "arcsinh": None, "arccosh": ("u", 1.2, 3.0), "arctanh": ("u", -0.9, 0.9),
        "rint": ("u", -3, 3), "fix": ("u", -3, 3), "trunc": ("u", -3, 3),
        "logical_not": ("b", 0, 1), "erfinv": ("u", -0.9, 0.9), "gamma": ("u", 0.5, 3.0),
        "gammaln": ("u", 0.5, 3.0)}


def _math():
    out = []
    for op, rng in MATH.items():
        ranges = {"data": rng} if rng else {}
        # MXNet's gamma/gammaln gradients call the float32 digamma, also for float64 data
        tol = {"rtol": 1e-6, "atol": 1e-6} if op.startswith("gamma") else {}
        out.append(_case(op + "_m32", op, [("data", (3, 4))], F32, ranges=ranges))
        out.append(_case(op + "_m64", op, [("data", (2, 3, 2))], F64, ranges=ranges, **tol))
    out.append(_case("rint_halves", "rint", [("data", (6,))], F32, ranges={"data": ("i", -3, 3)}))
    out.append(_case("logical_not_i32", "logical_not", [("data", (5,))], I32,
                     ranges={"data": ("i", -2, 2)}))
    for op in ["_logical_and", "_logical_or", "_logical_xor", "_scatter_elemwise_div"]:
        rng = {"lhs": POS, "rhs": POS} if "div" in op else {"lhs": ("b", 0, 1),
                                                            "rhs": ("b", 0, 1)}
        out.append(_case(op + "_m32", op, [("lhs", (2, 3)), ("rhs", (2, 3))], F32, ranges=rng,
                         errors=[{"shapes": {"lhs": (2, 3), "rhs": (3, 2)}}]))
        out.append(_case(op + "_m64", op, [("lhs", (4,)), ("rhs", (4,))], F64, ranges=rng))
    for op in ["_logical_and_scalar", "_logical_or_scalar", "_logical_xor_scalar",
               "_scatter_plus_scalar", "_scatter_minus_scalar"]:
        rng = {"data": ("b", 0, 1)} if "logical" in op else {}
        for k, sc in enumerate([0, 1.5]):
            out.append(_case("%s_m%d" % (op, k), op, [("data", (3, 4))], F64 if k else F32,
                             {"scalar": sc}, ranges=rng))
    for k, kw in enumerate([{}, {"alpha": 0.5, "beta": 0.1}]):
        out.append(_case("hard_sigmoid_%d" % k, "hard_sigmoid", [("data", (3, 4))],
                         F64 if k else F32, kw, ranges={"data": ("u", -4, 4)}))
    for k, (shp, kw) in enumerate([((2, 3), {}), ((2, 3, 4), {"axis": 1}),
                                   ((2, 3), {"axis": 0, "temperature": 2.0}),
                                   ((3, 4), {"dtype": "float64"})]):
        out.append(_case("softmin_%d" % k, "softmin", [("data", shp)], F64 if k % 2 else F32,
                         kw))
    return out


def _ordering_gather():
    out = []
    for k, kw in enumerate([{"axis": 1, "keepdims": False}, {"axis": (0, 2), "keepdims": True},
                            {}]):
        for op in ["nansum", "nanprod"]:
            out.append(_case("%s_%d" % (op, k), op, [("data", (2, 3, 4))], F64 if k else F32,
                             kw, ranges={"data": POS}))
    out.append(_case("argmax_channel_2d", "argmax_channel", [("data", (3, 4))], F32))
    out.append(_case("argmax_channel_3d", "argmax_channel", [("data", (2, 3, 4))], F64))
    for k, kw in enumerate([{"axes": (1,)}, {"axes": (0, 2), "keepdims": True}]):
        out.append(_case("moments_%d" % k, "moments", [("data", (2, 3, 4))], F64 if k else F32,
                         kw, errors=[{"kwargs": {"axes": ()}}] if k == 0 else []))
    for k, kw in enumerate([{}, {"scalar": 2.0}, {"scalar": 0.5}]):
        out.append(_case("smooth_l1_%d" % k, "smooth_l1", [("data", (3, 4))], F64 if k else F32,
                         kw, ranges={"data": ("u", -3, 3)}))
    for k, kw in enumerate([{"k": 2}, {"k": 2, "ret_typ": "value"},
                            {"k": 3, "axis": 0, "ret_typ": "both", "is_ascend": True},
                            {"k": 2, "ret_typ": "mask"}, {"k": 0, "axis": None,
                                                           "ret_typ": "value"},
                            {"k": 1, "dtype": "int32"}]):
        out.append(_case("topk_%d" % k, "topk", [("data", (4, 5))], F64 if k % 2 else F32, kw,
                         grad=kw.get("ret_typ") in ("value", "both")))
    for k, kw in enumerate([{}, {"axis": 0, "is_ascend": False}, {"axis": None}]):
        out.append(_case("sort_%d" % k, "sort", [("data", (3, 4))], F64 if k % 2 else F32, kw))
        out.append(_case("argsort_%d" % k, "argsort", [("data", (3, 4))], F32, kw, grad=False))
    out.append(_case("pick_0", "pick", [("data", (3, 4)), ("index", (3,))], F32, {"axis": 1},
                     ranges={"index": ("i", -1, 5)}))
    out.append(_case("pick_1", "pick", [("data", (3, 4)), ("index", (1, 4))], F64,
                     {"axis": 0, "keepdims": True, "mode": "wrap"},
                     ranges={"index": ("i", -4, 6)}))
    out.append(_case("batch_take_0", "batch_take", [("a", (3, 4)), ("indices", (3,))], F32,
                     dtypes={"indices": I32}, ranges={"indices": ("i", -1, 5)}))
    out.append(_case("gather_nd_0", "gather_nd", [("data", (3, 4, 2)), ("indices", (2, 3))],
                     F32, ranges={"indices": ("i", 0, 2)}))
    # negative indices: MXNet's forward wraps them, its backward writes out of bounds
    out.append(_case("gather_nd_1", "gather_nd", [("data", (3, 4)), ("indices", (1, 2, 2))],
                     F64, ranges={"indices": ("i", 0, 2)}))
    out.append(_case("scatter_set_nd_0", "_scatter_set_nd", [("lhs", (3, 4)), ("rhs", (2,)),
                                                             ("indices", (2, 2))], F32,
                     {"shape": (3, 4)}, ranges={"indices": ("i", 0, 2)}, grad=False))
    out.append(_case("scatter_nd_0", "scatter_nd", [("data", (3,)), ("indices", (2, 3))], F32,
                     {"shape": (3, 4)}, ranges={"indices": ("i", 0, 2)}, grad=False))
    for k, (shp, kw) in enumerate([((3, 4), {}), ((2, 3, 4), {"k": 1, "axis1": 2, "axis2": 0}),
                                   ((3,), {"k": -1}), ((4, 3), {"k": -2})]):
        out.append(_case("diag_%d" % k, "diag", [("data", shp)], F64 if k % 2 else F32, kw))
    out.append(_case("ravel_multi_index_0", "_ravel_multi_index", [("data", (2, 3))], F32,
                     {"shape": (3, 4)}, ranges={"data": ("i", 0, 2)}, grad=False))
    out.append(_case("unravel_index_0", "_unravel_index", [("data", (4,))], F32,
                     {"shape": (3, 4)}, ranges={"data": ("i", 0, 11)}, grad=False))
    out.append(_case("broadcast_like_0", "broadcast_like", [("lhs", (1, 3)), ("rhs", (2, 3))],
                     F32, errors=[{"shapes": {"lhs": (2, 3), "rhs": (3, 3)}}]))
    out.append(_case("broadcast_like_1", "broadcast_like", [("lhs", (1, 3, 1)),
                                                            ("rhs", (4, 5))], F64,
                     {"lhs_axes": (2,), "rhs_axes": (1,)}))
    out.append(_case("reshape_like_0", "reshape_like", [("lhs", (2, 3)), ("rhs", (3, 2))], F32,
                     errors=[{"shapes": {"lhs": (2, 3), "rhs": (4, 2)}}]))
    out.append(_case("reshape_like_1", "reshape_like", [("lhs", (2, 6)), ("rhs", (3, 2))], F64,
                     {"lhs_begin": 1, "rhs_begin": 0}))
    out.append(_case("slice_like_0", "slice_like", [("data", (3, 4)), ("shape_like", (2, 2))],
                     F32))
    out.append(_case("slice_like_1", "slice_like", [("data", (3, 4)), ("shape_like", (2, 2))],
                     F64, {"axes": (1,)}))
    for op in ["shape_array", "size_array"]:
        out.append(_case(op + "_0", op, [("data", (2, 3))], F32, grad=False))
    out.append(_case("space_to_depth_0", "space_to_depth", [("data", (1, 2, 4, 6))], F32,
                     {"block_size": 2}, errors=[{"shapes": {"data": (1, 2, 3, 4)}}]))
    out.append(_case("depth_to_space_0", "depth_to_space", [("data", (1, 8, 2, 3))], F64,
                     {"block_size": 2}, errors=[{"shapes": {"data": (1, 6, 2, 2)}}]))
    out.append(_case("split_v2_0", "_split_v2", [("data", (2, 5))], F32, {"indices": (0, 2)}))
    out.append(_case("split_v2_1", "_split_v2", [("data", (6, 2))], F64,
                     {"indices": (), "sections": 3, "axis": 0}))
    out.append(_case("split_v2_2", "_split_v2", [("data", (3, 2))], F32,
                     {"indices": (0, 1, 2), "axis": 0, "squeeze_axis": True}))
    return out


def _layers():
    out = []
    for k, (shp, kw) in enumerate([((2, 3, 2, 2), {}), ((2, 3, 2), {"fix_gamma": False}),
                                   ((4, 3), {"use_global_stats": True, "fix_gamma": False}),
                                   ((2, 3, 2), {"output_mean_var": True, "fix_gamma": False})]):
        out.append(_case("BatchNorm_v1_%d" % k, "BatchNorm_v1", [("data", shp)],
                         F64 if k % 2 else F32, kw,
                         ranges={"op_moving_var": POS, "op_gamma": POS}))
    for k, (shp, kw) in enumerate([((1, 2, 5, 5), {"kernel": (3, 3), "num_filter": 3}),
                                   ((1, 4, 5, 5), {"kernel": (2, 2), "num_filter": 4,
                                                   "num_group": 2, "stride": (2, 2),
                                                   "no_bias": True})]):
        out.append(_case("Convolution_v1_%d" % k, "Convolution_v1", [("data", shp)],
                         F64 if k % 2 else F32, kw))
    for k, (shp, kw) in enumerate([((1, 2, 4, 4), {"kernel": (2, 2), "stride": (2, 2)}),
                                   ((1, 2, 5, 5), {"kernel": (3, 3), "pool_type": "avg",
                                                   "pad": (1, 1)}),
                                   ((1, 2, 5, 5), {"kernel": (2, 2), "stride": (2, 2),
                                                   "pooling_convention": "full"}),
                                   ((1, 2, 3, 3), {"kernel": (1, 1), "global_pool": True,
                                                   "pool_type": "sum"})]):
        out.append(_case("Pooling_v1_%d" % k, "Pooling_v1", [("data", shp)],
                         F64 if k % 2 else F32, kw))
    for k, (shp, kw) in enumerate([((2, 4, 3), {"num_groups": 2}), ((2, 3, 2, 2), {}),
                                   ((2, 4, 2), {"num_groups": 4, "eps": 1e-3,
                                                "output_mean_var": True})]):
        out.append(_case("GroupNorm_%d" % k, "GroupNorm", [("data", shp)], F64 if k % 2 else F32,
                         kw, ranges={"op_gamma": POS}))
    for k, mode in enumerate(["instance", "channel", "spatial"]):
        out.append(_case("L2Normalization_%d" % k, "L2Normalization", [("data", (2, 3, 4))],
                         F64 if k % 2 else F32, {"mode": mode}))
    for op in ["SequenceMask", "SequenceLast", "SequenceReverse"]:
        out.append(_case(op + "_0", op, [("data", (4, 3, 2))], F32))
        out.append(_case(op + "_len", op, [("data", (4, 3, 2)), ("sequence_length", (3,))], F64,
                         dict({"use_sequence_length": True},
                              **({"value": -1.0} if op == "SequenceMask" else {})),
                         ranges={"sequence_length": ("i", 1, 4)}))
        if op != "SequenceReverse":
            out.append(_case(op + "_axis1", op, [("data", (3, 4)), ("sequence_length", (3,))],
                             F32, {"use_sequence_length": True, "axis": 1},
                             ranges={"sequence_length": ("i", 1, 4)}))
    out.append(_case("Crop_0", "Crop", [("a", (1, 2, 5, 6)), ("b", (1, 3, 2, 3))], F32,
                     {"num_args": 2, "offset": (1, 2)}, variadic=True))
    out.append(_case("Crop_1", "Crop", [("a", (1, 2, 5, 6))], F64,
                     {"num_args": 1, "h_w": (2, 4), "center_crop": True}, variadic=True))
    out.append(_case("softmax_cross_entropy_0", "softmax_cross_entropy",
                     [("data", (3, 4)), ("label", (3,))], F32, ranges={"label": ("i", 0, 3)}))
    out.append(_case("IdentityAttachKLSparseReg_0", "IdentityAttachKLSparseReg",
                     [("data", (4, 3))], F32, ranges={"data": ("u", 0.1, 0.9),
                                                      "op_moving_avg": ("u", 0.2, 0.8)}))
    return out


SPD, LOW = ("s", 0.5, 0.0), ("l", 1.0, 2.0)


def _linalg():
    out = []
    for k, (a, b, kw) in enumerate([((2, 3), (3, 4), {}),
                                    ((3, 2), (4, 3), {"transpose_a": True, "transpose_b": True,
                                                      "alpha": 2.0}),
                                    ((2, 2, 3), (2, 3, 2), {"alpha": 0.5})]):
        out.append(_case("linalg_gemm2_%d" % k, "_linalg_gemm2", [("A", a), ("B", b)],
                         F64 if k % 2 else F32, kw,
                         errors=[{"shapes": {"A": (2, 3), "B": (2, 4)}}] if k == 0 else []))
        c = (a[:-2] + (a[-1] if kw.get("transpose_a") else a[-2],
                       b[-2] if kw.get("transpose_b") else b[-1]))
        out.append(_case("linalg_gemm_%d" % k, "_linalg_gemm", [("A", a), ("B", b), ("C", c)],
                         F64 if k % 2 else F32, dict(kw, beta=0.5)))
    out.append(_case("linalg_gemm2_axis", "_linalg_gemm2", [("A", (2, 4, 3)), ("B", (3, 4, 2))],
                     F64, {"axis": 0, "transpose_a": True}))
    for k, kw in enumerate([{}, {"transpose": True, "alpha": 2.0}]):
        out.append(_case("linalg_syrk_%d" % k, "_linalg_syrk", [("A", (2, 3, 4))],
                         F64 if k else F32, kw))
    for op in ["_linalg_trmm", "_linalg_trsm"]:
        for k, kw in enumerate([{}, {"transpose": True, "rightside": True, "alpha": 2.0},
                                {"lower": False}]):
            b = (3, 2) if not kw.get("rightside") else (2, 3)
            out.append(_case("%s_%d" % (op[1:], k), op, [("A", (3, 3)), ("B", b)],
                             F64 if k % 2 else F32, kw,
                             ranges={"A": LOW} if kw.get("lower", True) else
                             {"A": ("u", 1.0, 2.0)}))
    for op, rng in [("_linalg_potrf", SPD), ("_linalg_potri", LOW), ("_linalg_inverse", SPD),
                    ("_linalg_det", SPD), ("_linalg_slogdet", SPD), ("_linalg_sumlogdiag", LOW),
                    ("_linalg_syevd", SPD)]:
        out.append(_case(op[1:] + "_0", op, [("A", (3, 3))], F32, ranges={"A": rng},
                         errors=[{"shapes": {"A": (2, 3)}}]))
        out.append(_case(op[1:] + "_1", op, [("A", (2, 4, 4))], F64, ranges={"A": rng}))
    out.append(_case("linalg_det_general", "_linalg_det", [("A", (3, 3))], F64))
    out.append(_case("linalg_gelqf_0", "_linalg_gelqf", [("A", (2, 3))], F32))
    out.append(_case("linalg_gelqf_1", "_linalg_gelqf", [("A", (2, 3, 4))], F64))
    # MXNet 1.9.1's linalg backward mishandles grad_req 'add' (it reads uninitialised
    # workspace: values like 6.9e7 appear, and the recording process sometimes aborts);
    # only 'write' gradients are facts
    for c in out:
        c["ignore"] = ["grad_add:%s" % name for name, _ in c["inputs"]]
    for op in ["_linalg_extractdiag", "_linalg_extracttrian"]:
        for k, kw in enumerate([{}, {"offset": 1}, {"offset": -1}, {"lower": False}]):
            if op.endswith("diag") and "lower" in kw:
                continue
            out.append(_case("%s_%d" % (op[1:], k), op, [("A", (2, 4, 4))],
                             F64 if k % 2 else F32, kw))
    for k, kw in enumerate([{}, {"offset": 1}, {"offset": -2}]):
        out.append(_case("linalg_makediag_%d" % k, "_linalg_makediag", [("A", (2, 3))],
                         F64 if k % 2 else F32, kw))
    for k, kw in enumerate([{}, {"offset": 1}, {"offset": -1}, {"lower": False}]):
        out.append(_case("linalg_maketrian_%d" % k, "_linalg_maketrian", [("A", (2, 6))],
                         F64 if k % 2 else F32, kw))
    return out


def _linalg_lower():
    """potrf/potri parse an undocumented ``lower`` (the upper factor when False); the
    parameterless linalg operators ignore any keyword (MXNet gives them no parser)."""
    out = []
    for k, dtype in enumerate([F32, F64]):
        out.append(_case("linalg_potrf_upper_%d" % k, "_linalg_potrf", [("A", (2, 3, 3))], dtype,
                         {"lower": False}, ranges={"A": SPD},
                         errors=[{"kwargs": {"lower": "x"}}, {"kwargs": {"zzz": 1}}] if k == 0
                         else []))
        out.append(_case("linalg_potri_upper_%d" % k, "_linalg_potri", [("A", (2, 3, 3))], dtype,
                         {"lower": False}, ranges={"A": ("u", 1.0, 2.0)}))
    out.append(_case("linalg_potri_lower_kw", "_linalg_potri", [("A", (3, 3))], F64,
                     {"lower": True}, ranges={"A": LOW}))
    out.append(_case("linalg_sumlogdiag_any_kw", "_linalg_sumlogdiag", [("A", (3, 3))], F64,
                     {"lower": False}, ranges={"A": LOW}))
    for c in out:      # grad_req 'add' reads uninitialised workspace in MXNet (see _linalg)
        c["ignore"] = ["grad_add:%s" % name for name, _ in c["inputs"]]
    return out


def _misc():
    out = []
    for k, kw in enumerate([{"N": 3}, {"N": 2, "M": 4, "k": 1, "dtype": "int32"},
                            {"N": 3, "k": -1, "dtype": "float64"}]):
        out.append(_case("eye_%d" % k, "_eye", [], F32, kw, grad=False))
    for k, kw in enumerate([{}, {"axis": 1}, {"axis": 0, "dtype": "float64"}]):
        out.append(_case("cumsum_%d" % k, "_np_cumsum", [("a", (2, 3))], F64 if k % 2 else F32,
                         kw))
    out.append(_case("cumsum_i32", "_np_cumsum", [("a", (4,))], I32, ranges={"a": ("i", -3, 3)}))
    out.append(_case("khatri_rao_0", "khatri_rao", [("a", (2, 3)), ("b", (4, 3))], F32,
                     variadic=True))
    out.append(_case("khatri_rao_1", "khatri_rao", [("a", (2, 2)), ("b", (3, 2)),
                                                    ("c", (2, 2))], F64, variadic=True))
    out.append(_case("all_finite_0", "all_finite", [("data", (2, 3))], F32, grad=False))
    out.append(_case("copyto_0", "_copyto", [("data", (2, 3))], F32))
    out.append(_case("identity_like_rhs_0", "_identity_with_attr_like_rhs",
                     [("lhs", (2, 3)), ("rhs", (2, 3))], F32))
    out.append(_case("grad_add_0", "_grad_add", [("lhs", (2, 3)), ("rhs", (2, 3))], F64))
    for k, kw in enumerate([{}, {"start": 1, "step": 0.5, "repeat": 2}, {"axis": 1}]):
        out.append(_case("arange_like_%d" % k, "_contrib_arange_like", [("data", (2, 3))],
                         F64 if k % 2 else F32, kw))
    out.append(_case("div_sqrt_dim_0", "_contrib_div_sqrt_dim", [("data", (2, 4))], F32))
    out.append(_case("gradientmultiplier_0", "_contrib_gradientmultiplier",
                     [("data", (2, 3))], F64, {"scalar": -0.5}))
    out.append(_case("round_ste_0", "_contrib_round_ste", [("data", (2, 3))], F32,
                     ranges={"data": ("u", -3, 3)}))
    out.append(_case("sign_ste_0", "_contrib_sign_ste", [("data", (2, 3))], F64))
    out.append(_case("quadratic_0", "_contrib_quadratic", [("data", (2, 3))], F32,
                     {"a": 2.0, "b": -1.0, "c": 0.5}))
    out.append(_case("index_copy_0", "_contrib_index_copy",
                     [("old_tensor", (4, 2)), ("index_vector", (2,)), ("new_tensor", (2, 2))],
                     F32, ranges={"index_vector": ("i", 0, 4)}))
    out.append(_case("index_array_0", "_contrib_index_array", [("data", (2, 3))], F32,
                     grad=False))
    out.append(_case("index_array_1", "_contrib_index_array", [("data", (2, 3, 2))], F32,
                     {"axes": (-1, 0)}, grad=False))
    return out


_DISTS = {"uniform": {"low": -1.0, "high": 3.0}, "normal": {"loc": 2.0, "scale": 0.5},
          "gamma": {"alpha": 2.0, "beta": 1.5}, "exponential": {"lam": 2.0},
          "poisson": {"lam": 3.0}, "negative_binomial": {"k": 3, "p": 0.4},
          "generalized_negative_binomial": {"mu": 2.0, "alpha": 0.5}}
_SAMPLE_INPUTS = {"uniform": ("low", "high"), "normal": ("mu", "sigma"),
                  "gamma": ("alpha", "beta"), "exponential": ("lam",), "poisson": ("lam",),
                  "negative_binomial": ("k", "p"), "generalized_negative_binomial": ("mu", "alpha")}


def _random():
    # random values are not facts: names, shapes, dtypes and errors are (ignore='values')
    out = []
    for dist, kw in _DISTS.items():
        out.append(_case("random_%s_0" % dist, "_random_" + dist, [], F32,
                         dict(kw, shape=(2, 3)), grad=False, ignore="values"))
        out.append(_case("random_%s_f64" % dist, "_random_" + dist, [], F32,
                         dict(kw, shape=(4,), dtype="float64"), grad=False, ignore="values"))
        out.append(_case("random_%s_like" % dist, "_random_%s_like" % dist,
                         [("data", (2, 3))], F64, kw, grad=False, ignore="values"))
        names = _SAMPLE_INPUTS[dist]
        out.append(_case("sample_%s_0" % dist, "_sample_" + dist, [(n, (2,)) for n in names],
                         F32, {"shape": (3,)}, grad=False, ignore="values",
                         ranges={n: ("u", 0.4, 0.6) if n == "p" else ("u", 1.0, 2.0)
                                 for n in names}))
    out.append(_case("random_randint_0", "_random_randint", [], F32,
                     {"low": 0, "high": 5, "shape": (2, 3)}, grad=False, ignore="values"))
    out.append(_case("sample_multinomial_0", "_sample_multinomial", [("data", (2, 3))], F32,
                     {"shape": (4,)}, grad=False, ignore="values",
                     ranges={"data": ("u", 0.2, 0.4)}))
    out.append(_case("shuffle_0", "_shuffle", [("data", (4, 2))], F32, grad=False,
                     ignore="values"))
    return out


def _transform():
    out = []
    theta = ("u", -0.3, 0.3)
    out.append(_case("GridGenerator_affine", "GridGenerator", [("data", (2, 6))], F32,
                     {"transform_type": "affine", "target_shape": (3, 4)}, ranges={"data": theta}))
    out.append(_case("GridGenerator_warp", "GridGenerator", [("data", (1, 2, 3, 4))], F32,
                     {"transform_type": "warp"}))
    for k, dt in enumerate([F32, F64]):
        out.append(_case("BilinearSampler_%d" % k, "BilinearSampler",
                         [("data", (1, 2, 4, 5)), ("grid", (1, 2, 3, 3))], dt,
                         ranges={"grid": ("u", -1.1, 1.1)}))
    out.append(_case("SpatialTransformer_0", "SpatialTransformer",
                     [("data", (2, 1, 5, 5)), ("loc", (2, 6))], F32,
                     {"target_shape": (3, 4), "transform_type": "affine",
                      "sampler_type": "bilinear"}, ranges={"loc": theta}))
    out.append(_case("ROIPooling_0", "ROIPooling", [("data", (2, 2, 6, 6)), ("rois", (3, 5))],
                     F32, {"pooled_size": (2, 2), "spatial_scale": 1.0},
                     ranges={"rois": ("i", 0, 2)}))
    out.append(_case("ROIPooling_1", "ROIPooling", [("data", (1, 2, 8, 8)), ("rois", (2, 5))],
                     F32, {"pooled_size": (3, 2), "spatial_scale": 0.5},
                     ranges={"rois": ("i", 0, 1)}))
    return out


def _rnn():
    out = []
    small = {"op_parameters": ("u", -0.5, 0.5), "op_state": ("u", -0.5, 0.5),
             "op_state_cell": ("u", -0.5, 0.5), "data": ("u", -1, 1)}
    for k, (mode, kw) in enumerate([("rnn_tanh", {}), ("rnn_relu", {"state_outputs": True}),
                                    ("lstm", {}), ("lstm", {"state_outputs": True,
                                                            "bidirectional": True}),
                                    ("gru", {}), ("gru", {"num_layers": 2,
                                                          "state_outputs": True}),
                                    ("lstm", {"num_layers": 2, "bidirectional": True})]):
        params = dict({"state_size": 3, "num_layers": 1, "mode": mode}, **kw)
        # MXNet's float64 kernel differs from a float64 evaluation by ~1e-7 in places
        out.append(_case("RNN_%s_%d" % (mode, k), "RNN", [("data", (4, 2, 3))],
                         F64 if k % 2 else F32, params, ranges=small,
                         **({"atol": 1e-6} if k % 2 else {})))
    return out


def _regions():
    out = [_case("slice_assign_0", "_slice_assign", [("lhs", (3, 4)), ("rhs", (2, 2))], F32,
                 {"begin": (0, 1), "end": (2, 3)}),
           _case("slice_assign_1", "_slice_assign", [("lhs", (3, 4)), ("rhs", (2, 2))], F64,
                 {"begin": (None, 1), "end": (None, 4), "step": (2, 2)}),
           _case("slice_assign_scalar_0", "_slice_assign_scalar", [("data", (3, 4))], F32,
                 {"scalar": 2.5, "begin": (1,), "end": (3,)}),
           _case("zeros_without_dtype_0", "_zeros_without_dtype", [], F32,
                 {"shape": (2, 3)}, grad=False),
           _case("rnn_param_concat_0", "_rnn_param_concat", [("a", (3,)), ("b", (4,))], F32,
                 {"dim": 0}, variadic=True)]
    return out


def _image():
    return [_case("image_to_tensor_0", "_image_to_tensor", [("data", (4, 5, 3))], F32,
                  ranges={"data": ("i", 0, 255)}, grad=False),
            _case("image_normalize_0", "_image_normalize", [("data", (3, 2, 2))], F32,
                  {"mean": (0.1, 0.2, 0.3), "std": (0.5, 1.0, 2.0)}),
            _case("image_normalize_1", "_image_normalize", [("data", (2, 3, 2, 2))], F64,
                  {"mean": (0.5,), "std": (0.25,)}),
            _case("image_flip_left_right_0", "_image_flip_left_right", [("data", (3, 4, 3))],
                  F32),
            _case("image_flip_left_right_bad", "_image_flip_left_right", [("data", (3, 4, 2))],
                  F32),
            # an even height: MXNet leaves the middle row of an odd one unwritten
            _case("image_flip_top_bottom_0", "_image_flip_top_bottom", [("data", (4, 3, 1))],
                  F64),
            _case("image_crop_0", "_image_crop", [("data", (4, 5, 3))], F32,
                  {"x": 1, "y": 0, "width": 2, "height": 3})]


def _attention():
    return [_case("selfatt_qk_0", "_contrib_interleaved_matmul_selfatt_qk",
                  [("queries_keys_values", (4, 2, 12))], F32, {"heads": 2}),
            _case("selfatt_valatt_0", "_contrib_interleaved_matmul_selfatt_valatt",
                  [("queries_keys_values", (4, 2, 12)), ("attention", (4, 4, 4))], F32,
                  {"heads": 2}),
            _case("encdec_qk_0", "_contrib_interleaved_matmul_encdec_qk",
                  [("queries", (3, 2, 4)), ("keys_values", (5, 2, 8))], F32, {"heads": 2}),
            _case("encdec_valatt_0", "_contrib_interleaved_matmul_encdec_valatt",
                  [("keys_values", (5, 2, 8)), ("attention", (4, 3, 5))], F32, {"heads": 2})]


_PDF_PARAMS = {"normal": ("mu", "sigma"), "uniform": ("low", "high"), "exponential": ("lam",),
               "gamma": ("alpha", "beta"), "poisson": ("lam",),
               "negative_binomial": ("k", "p"),
               "generalized_negative_binomial": ("mu", "alpha")}


def _pdfs():
    out = []
    for dist, names in _PDF_PARAMS.items():
        rng = {n: ("u", 0.2, 0.8) if n == "p" else ("u", 1.0, 2.0) for n in names}
        rng["sample"] = ("i", 0, 4) if dist in ("poisson", "negative_binomial",
                                                 "generalized_negative_binomial") else \
            ("u", 1.1, 1.9)
        if dist == "uniform":
            rng.update(low=("u", 0.0, 1.0), high=("u", 2.0, 3.0))
        ins = [("sample", (2, 3))] + [(n, (2,)) for n in names]
        for k, kw in enumerate([{}, {"is_log": True}]):
            out.append(_case("pdf_%s_%d" % (dist, k), "_random_pdf_" + dist, ins,
                             F64 if k else F32, kw, ranges=rng))
    out.append(_case("pdf_dirichlet_0", "_random_pdf_dirichlet",
                     [("sample", (2, 3, 4)), ("alpha", (2, 4))], F64, {"is_log": True},
                     ranges={"sample": ("u", 0.1, 0.3), "alpha": ("u", 1.0, 2.0)},
                     atol=1e-6))   # MXNet's digamma is float32-accurate
    return out


def _pdf_draws():
    """Parameters lead the samples' shape, followed by any draws shape (MXNet's own
    test_random draws (30, 30) samples per parameter set); parameters shaped like the
    samples; the shape rule's errors."""
    out = []
    pos = ("u", 1.0, 2.0)
    out.append(_case("pdf_normal_draws2", "_random_pdf_normal",
                     [("sample", (2, 2, 3, 2)), ("mu", (2, 2)), ("sigma", (2, 2))], F64,
                     ranges={"sigma": pos},
                     errors=[{"shapes": {"sample": (2, 3), "mu": (3,), "sigma": (3,)}},
                             {"shapes": {"sample": (2, 3), "mu": (2, 3, 4),
                                         "sigma": (2, 3, 4)}},
                             {"shapes": {"sample": (2, 3), "mu": (2,), "sigma": (3,)}}]))
    out.append(_case("pdf_gamma_same_shape", "_random_pdf_gamma",
                     [("sample", (2, 3)), ("alpha", (2, 3)), ("beta", (2, 3))], F64,
                     {"is_log": True}, ranges={"sample": pos, "alpha": pos, "beta": pos}))
    out.append(_case("pdf_poisson_draws0", "_random_pdf_poisson",
                     [("sample", (3,)), ("lam", (3,))], F32,
                     ranges={"sample": ("i", 0, 4), "lam": pos}))
    out.append(_case("pdf_dirichlet_draws2", "_random_pdf_dirichlet",
                     [("sample", (2, 3, 2, 4)), ("alpha", (2, 4))], F64, {"is_log": True},
                     ranges={"sample": ("u", 0.1, 0.3), "alpha": pos}, atol=1e-6,
                     errors=[{"shapes": {"sample": (2, 5, 3), "alpha": (2, 4)}}]))
    return out


def _graph_ops():
    """The operators MXNet's graph passes insert: a hand-built _CrossDeviceCopy runs forward
    only (MXNet's executor refuses its backward), _NoGradient has no shape or type."""
    return [_case("cross_device_copy", "_CrossDeviceCopy", [("data", (2, 3))], F32, grad=False,
                  errors=[{"kwargs": {"foo": 1}}]),
            _case("no_gradient", "_NoGradient", [], F32, grad=False)]
_HAWKES_INPUTS = [("lda", (2, 3)), ("alpha", (3,)), ("beta", (3,)), ("state", (2, 3)),
                  ("lags", (2, 4)), ("marks", (2, 4)), ("valid_length", (2,)),
                  ("max_time", (2,))]
# integer-valued lags and lengths: the 'add' run then asks no gradient of them (MXNet
# refuses one), the 'write' run records that refusal
_HAWKES_RANGES = {"lda": POS, "alpha": ("u", 0.1, 0.5), "beta": POS, "state": ("u", 0.0, 1.0),
                  "lags": ("i", 1, 3), "marks": ("i", 0, 3), "valid_length": ("i", 1, 5),
                  "max_time": ("i", 12, 16)}


def _seqloss():
    ctc_in = [("data", (5, 2, 4)), ("label", (2, 3))]
    labels = {"label": ("i", 1, 4)}
    ctc_errors = [{"shapes": {"data": (5, 2, 4), "label": (3, 3)}},
                  {"shapes": {"data": (2, 2, 4), "label": (2, 3)}},
                  {"shapes": {"data": (5, 2), "label": (2, 3)}},
                  {"types": {"label": I32}}]
    out = [_case("ctc_0", "CTCLoss", ctc_in, F32, ranges=labels, errors=ctc_errors),
           # blank last: labels 0..2, padding -1 anywhere in a row
           _case("ctc_1", "ctc_loss", ctc_in, F32, {"blank_label": "last"},
                 ranges={"label": ("i", -1, 3)}),
           _case("ctc_2", "_contrib_CTCLoss",
                 ctc_in + [("data_lengths", (2,)), ("label_lengths", (2,))], F32,
                 {"use_data_lengths": True, "use_label_lengths": True},
                 ranges=dict(labels, data_lengths=("i", 4, 6), label_lengths=("i", 0, 3)),
                 errors=[{"shapes": {"data": (5, 2, 4), "label": (2, 3),
                                     "data_lengths": (3,), "label_lengths": (2,)}}]),
           _case("ctc_3", "_contrib_ctc_loss", ctc_in + [("label_lengths", (2,))], F32,
                 {"use_label_lengths": True, "blank_label": "last"}, dtypes={"label": I32,
                                                                              "label_lengths": I32},
                 ranges={"label": ("i", 0, 3), "label_lengths": ("i", 1, 4)}),
           _case("ctc_4", "CTCLoss", [("data", (6, 3, 5)), ("label", (3, 2)),
                                      ("data_lengths", (3,))], F32,
                 {"use_data_lengths": True, "blank_label": "last"},
                 ranges={"label": ("i", -1, 4), "data_lengths": ("i", 4, 7)},
                 errors=[{"shapes": {"data": (6, 3, 5), "label": (3, 2),
                                     "data_lengths": (3, 1)}},
                         {"kwargs": {"blank_label": "middle"}}]),
           _case("ctc_i32", "CTCLoss", ctc_in, F32, dtypes={"label": I32}, ranges=labels),
           # MXNet's kernel reads float32 only: float64 data fails when it runs
           _case("ctc_f64", "CTCLoss", ctc_in, F64, ranges=labels)]
    # MXNet builds these for GPU only: its CPU bind fails, symnb computes (test_differential's
    # DELIBERATE); symnb's values are checked against NumPy in tests/ops/cases.py
    computed = ["out_train:0", "out_infer:0", "grad_write:data", "grad_add:data"]
    for op in ("fft", "ifft"):
        out.append(_case(op + "_0", "_contrib_" + op, [("data", (2, 4))], F32,
                         errors=[{"shapes": {"data": (2, 3, 4)}}], ignore=computed))
        out.append(_case(op + "_1", "_contrib_" + op, [("data", (1, 2, 2, 6))], F64,
                         {"compute_size": 2}, ignore=computed))
    out.append(_case("count_sketch_0", "_contrib_count_sketch",
                     [("data", (2, 3)), ("h", (1, 3)), ("s", (1, 3))], F32, {"out_dim": 4},
                     ranges={"h": ("i", 0, 4), "s": ("b", 0, 1)},
                     errors=[{"shapes": {"data": (2, 3), "h": (1, 4), "s": (1, 3)}},
                             {"shapes": {"data": (2, 3), "h": (1, 3), "s": (1, 2)}},
                             {"shapes": {"data": (2, 3, 3), "h": (1, 3), "s": (1, 3)}},
                             {"shapes": {"data": (2, 3), "h": (3,), "s": (3,)}},
                             {"types": {"data": F64, "h": F32}},
                             {"kwargs": {}}],
                     ignore=computed + ["grad_%s:%s" % (r, n) for r in ("write", "add")
                                        for n in "hs"]))
    for dtype in (F32, F64):
        out.append(_case("hawkesll_" + dtype, "_contrib_hawkesll", _HAWKES_INPUTS, dtype,
                         dtypes={"marks": I32}, ranges=_HAWKES_RANGES,
                         errors=[{"shapes": dict(_HAWKES_INPUTS, alpha=(4,))},
                                 {"shapes": dict(_HAWKES_INPUTS, marks=(2, 5))},
                                 {"types": {"lda": F32, "marks": F32}}]))
    return out


def _convfam():
    """im2col/col2im, Correlation and the deformable convolutions (issue 10)."""
    off = ("u", -1.5, 1.5)
    out = [
        _case("im2col_0", "im2col", [("data", (2, 3, 5, 5))], F32, {"kernel": (3, 3)},
              errors=[{"shapes": {"data": (1, 3, 2, 5)}}, {"shapes": {"data": (1, 3, 5)}},
                      {"kwargs": {"kernel": (3, 3), "stride": (1,)}},
                      {"kwargs": {"kernel": (3, 3, 3, 3)}},
                      {"kwargs": {"kernel": (0, 3)}}, {"kwargs": {}},
                      {"kwargs": {"kernel": (3, 3), "pad": (1,)}}]),
        _case("im2col_1", "im2col", [("data", (1, 2, 6, 7))], F64,
              {"kernel": (2, 3), "stride": (2, 1), "dilate": (1, 2), "pad": (1, 0)}),
        _case("im2col_pad", "im2col", [("data", (1, 1, 4, 4))], F64,
              {"kernel": (3, 3), "pad": (2, 2), "stride": (2, 2)}),
        # a 1-D kernel on 4-D data: MXNet's kernel walks each sample as (C, H) lines
        _case("im2col_line", "im2col", [("data", (2, 2, 3, 4))], F32,
              {"kernel": (2,), "pad": (1,)}),
        _case("im2col_1d", "im2col", [("data", (1, 2, 6))], F32, {"kernel": (3,)}),
        _case("im2col_3d", "im2col", [("data", (1, 2, 3, 3, 3))], F32, {"kernel": (2, 2, 2)}),
        _case("im2col_i32", "im2col", [("data", (1, 1, 3, 3))], I32, {"kernel": (2, 2)}),
        _case("col2im_0", "col2im", [("data", (2, 18, 9))], F32,
              {"output_size": (5, 5), "kernel": (3, 3)},
              errors=[{"shapes": {"data": (2, 18, 8)}}, {"shapes": {"data": (2, 17, 9)}},
                      {"kwargs": {"output_size": (5,), "kernel": (3, 3)}},
                      {"kwargs": {"output_size": (2, 5), "kernel": (3, 3)}}]),
        _case("col2im_1", "col2im", [("data", (1, 12, 9))], F64,
              {"output_size": (4, 7), "kernel": (2, 3), "stride": (2, 1), "dilate": (1, 2),
               "pad": (1, 0)}),
        _case("col2im_1d", "col2im", [("data", (1, 6, 4))], F32,
              {"output_size": (6,), "kernel": (3,)}),
        _case("corr_0", "Correlation", [("data1", (2, 3, 6, 6)), ("data2", (2, 3, 6, 6))], F32,
              errors=[{"shapes": {"data1": (2, 3, 6, 6)}},
                      {"shapes": {"data1": (2, 3, 2, 6), "data2": (2, 3, 2, 6)}},
                      {"shapes": {"data1": (2, 3, 6), "data2": (2, 3, 6, 6)}},
                      {"types": {"data1": F64, "data2": F32}},
                      {"kwargs": {"is_multiply": "maybe"}},
                      {"kwargs": {"stride1": 0}}]),
        _case("corr_1", "Correlation", [("data1", (1, 2, 7, 8)), ("data2", (1, 2, 7, 8))], F64,
              {"kernel_size": 3, "max_displacement": 2, "pad_size": 2, "stride1": 2}),
        _case("corr_abs", "Correlation", [("data1", (2, 2, 5, 5)), ("data2", (2, 2, 5, 5))],
              F64, {"is_multiply": False, "pad_size": 1}),
        _case("corr_s2", "Correlation", [("data1", (1, 1, 8, 8)), ("data2", (1, 1, 8, 8))],
              F32, {"max_displacement": 2, "stride2": 2, "pad_size": 2, "kernel_size": 3}),
        _case("corr_even", "Correlation", [("data1", (1, 1, 8, 8)), ("data2", (1, 1, 8, 8))],
              F32, {"kernel_size": 2}),
        _case("dconv_0", "_contrib_DeformableConvolution",
              [("data", (2, 4, 5, 5)), ("offset", (2, 18, 5, 5))], F64,
              {"kernel": (3, 3), "pad": (1, 1), "num_filter": 3}, ranges={"offset": off},
              errors=[{"shapes": {"data": (2, 4, 5, 5), "offset": (2, 18, 4, 5)}},
                      {"shapes": {"data": (2, 4, 5, 5), "offset": (2, 36, 5, 5)}},
                      {"shapes": {"data": (2, 4, 5, 5), "offset": (2, 17, 5, 5)}},
                      {"shapes": {"data": (2, 4, 5, 5)}},
                      {"shapes": {"data": (2, 4, 5), "offset": (2, 18, 5, 5)}},
                      {"types": {"data": F64, "offset": F32}},
                      {"types": {"offset": F64}},
                      {"kwargs": {"kernel": (3,), "num_filter": 3}},
                      {"kwargs": {"kernel": (3, 3), "num_filter": 3, "layout": "NCW"}},
                      {"kwargs": {"num_filter": 3}}]),
        _case("dconv_1", "_contrib_DeformableConvolution",
              [("data", (1, 4, 6, 5)), ("offset", (1, 36, 3, 5))], F64,
              {"kernel": (3, 3), "stride": (2, 1), "dilate": (1, 2), "pad": (1, 2),
               "num_filter": 4, "num_group": 2, "num_deformable_group": 2, "no_bias": True},
              ranges={"offset": off},
              errors=[{"kwargs": {"kernel": (3, 3), "num_filter": 4, "num_group": 3}},
                      {"kwargs": {"kernel": (3, 3), "num_filter": 3, "num_group": 2}}]),
        _case("dconv_f32", "_contrib_DeformableConvolution",
              [("data", (1, 2, 4, 4)), ("offset", (1, 8, 3, 3))], F32,
              {"kernel": (2, 2), "num_filter": 2}, ranges={"offset": ("u", -0.9, 0.9)}),
        _case("mdconv_0", "_contrib_ModulatedDeformableConvolution",
              [("data", (2, 2, 5, 5)), ("offset", (2, 18, 5, 5)), ("mask", (2, 9, 5, 5))], F32,
              {"kernel": (3, 3), "pad": (1, 1), "num_filter": 2}, grad=False,
              ranges={"offset": off, "mask": ("u", 0.0, 1.0)},
              errors=[{"shapes": {"data": (2, 2, 5, 5), "offset": (2, 18, 5, 5),
                                  "mask": (2, 8, 5, 5)}},
                      {"shapes": {"data": (2, 2, 5, 5), "offset": (2, 18, 5, 5),
                                  "mask": (2, 9, 4, 5)}},
                      {"shapes": {"offset": (2, 18, 5, 5), "mask": (2, 9, 5, 5)}}]),
        _case("mdconv_1", "_contrib_ModulatedDeformableConvolution",
              [("data", (2, 4, 6, 5)), ("offset", (2, 36, 3, 5)), ("mask", (2, 18, 3, 5))],
              F64, {"kernel": (3, 3), "stride": (2, 1), "dilate": (1, 2), "pad": (1, 2),
                    "num_filter": 4, "num_group": 2, "num_deformable_group": 2,
                    "no_bias": True, "im2col_step": 1}, grad=False,
              ranges={"offset": off, "mask": ("u", -1.0, 1.0)},
              errors=[{"kwargs": {"kernel": (3, 3), "num_filter": 3, "num_group": 1,
                                  "num_deformable_group": 2}}]),
        _case("mdconv_step", "_contrib_ModulatedDeformableConvolution",
              [("data", (3, 2, 4, 4)), ("offset", (3, 8, 3, 3)), ("mask", (3, 4, 3, 3))], F32,
              {"kernel": (2, 2), "num_filter": 2, "im2col_step": 2}, grad=False),
    ]
    return out


def _vision():
    out = []
    rois = ("rois", (3, 5))
    ra = "_contrib_ROIAlign"
    out.append(_case("ROIAlign_0", ra, [("data", (2, 3, 6, 7)), rois], F32,
                     {"pooled_size": (2, 2), "spatial_scale": 1.0},
                     ranges={"rois": ("r", 2, 6)},
                     errors=[{"shapes": {"data": (2, 3, 6, 7), "rois": (3, 4)}},
                             {"shapes": {"data": (3, 6, 7), "rois": (3, 5)}},
                             {"types": {"data": F32, "rois": F64}},
                             {"types": {"rois": F32}}]))
    out.append(_case("ROIAlign_1", ra, [("data", (2, 2, 5, 6)), rois], F64,
                     {"pooled_size": (3, 2), "spatial_scale": 0.5, "sample_ratio": 2,
                      "aligned": True}, ranges={"rois": ("r", 2, 12)}))
    out.append(_case("ROIAlign_ps", ra, [("data", (1, 8, 5, 6)), rois], F32,
                     {"pooled_size": (2, 2), "spatial_scale": 1.0, "position_sensitive": True},
                     ranges={"rois": ("r", 1, 6)},
                     errors=[{"shapes": {"data": (1, 6, 5, 6), "rois": (3, 5)}}]))
    out.append(_case("RROIAlign_0", "_contrib_RROIAlign", [("data", (2, 2, 6, 6)),
                                                            ("rois", (3, 6))], F32,
                     {"pooled_size": (2, 3), "spatial_scale": 1.0},
                     ranges={"rois": ("r", 2, 6)},
                     errors=[{"shapes": {"data": (2, 2, 6, 6), "rois": (3, 5)}}]))
    out.append(_case("RROIAlign_1", "_contrib_RROIAlign", [("data", (1, 2, 5, 7)),
                                                            ("rois", (2, 6))], F64,
                     {"pooled_size": (2, 2), "spatial_scale": 0.5, "sampling_ratio": 2},
                     ranges={"rois": ("r", 1, 12)}, grad=False))
    ps = "_contrib_PSROIPooling"
    out.append(_case("PSROIPooling_0", ps, [("data", (1, 8, 6, 6)), rois], F32,
                     {"spatial_scale": 0.5, "output_dim": 2, "pooled_size": 2},
                     ranges={"rois": ("r", 1, 12)},
                     errors=[{"shapes": {"data": (1, 8, 6, 6), "rois": (3, 4)}},
                             {"types": {"data": F32, "rois": F64}}]))
    out.append(_case("PSROIPooling_1", ps, [("data", (2, 18, 5, 7)), rois], F64,
                     {"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 3,
                      "group_size": 3}, ranges={"rois": ("r", 2, 7)}))
    out.append(_case("PSROIPooling_group", ps, [("data", (1, 8, 7, 6)), rois], F32,
                     {"spatial_scale": 1.0, "output_dim": 2, "pooled_size": 3,
                      "group_size": 2}, ranges={"rois": ("r", 1, 7)}))
    dps = "_contrib_DeformablePSROIPooling"
    out.append(_case("DeformablePSROIPooling_0", dps, [("data", (1, 8, 6, 6)), rois], F32,
                     {"spatial_scale": 0.5, "output_dim": 2, "group_size": 2,
                      "pooled_size": 2, "sample_per_part": 2, "no_trans": True},
                     ranges={"rois": ("r", 1, 12)}))
    out.append(_case("DeformablePSROIPooling_1", dps,
                     [("data", (2, 8, 6, 7)), rois, ("trans", (3, 4, 2, 2))], F64,
                     {"spatial_scale": 1.0, "output_dim": 2, "group_size": 2,
                      "pooled_size": 2, "sample_per_part": 2, "trans_std": 0.1},
                     ranges={"rois": ("r", 2, 6), "trans": ("u", -1, 1)},
                     errors=[{"shapes": {"data": (2, 8, 6, 7), "rois": (3, 5),
                                         "trans": (3, 4, 2)}}]))
    out.append(_case("DeformablePSROIPooling_2", dps,
                     [("data", (1, 18, 6, 6)), rois, ("trans", (3, 2, 3, 3))], F32,
                     {"spatial_scale": 1.0, "output_dim": 2, "group_size": 3,
                      "pooled_size": 3, "sample_per_part": 3, "trans_std": 0.2},
                     ranges={"rois": ("r", 1, 6), "trans": ("u", -1, 1)}))
    aap = "_contrib_AdaptiveAvgPooling2D"
    out.append(_case("AdaptiveAvgPooling2D_0", aap, [("data", (2, 3, 5, 7))], F32,
                     {"output_size": (2, 3)},
                     errors=[{"shapes": {"data": (3, 5, 7)}}, {"shapes": {"data": (5, 7)}}]))
    out.append(_case("AdaptiveAvgPooling2D_1", aap, [("data", (1, 2, 4, 4))], F64,
                     {"output_size": 3}))
    out.append(_case("AdaptiveAvgPooling2D_2", aap, [("data", (1, 2, 3, 5))], F32))
    out.append(_case("AdaptiveAvgPooling2D_up", aap, [("data", (1, 1, 2, 3))], F32,
                     {"output_size": (3, 5)}))
    br = "_contrib_BilinearResize2D"
    for k, (dt, shape, kw) in enumerate([
            (F32, (1, 2, 3, 4), {"height": 5, "width": 7}),
            (F64, (2, 1, 4, 5), {"height": 3, "width": 8, "align_corners": False}),
            (F32, (1, 2, 4, 6), {"scale_height": 1.5, "scale_width": 0.5}),
            (F32, (1, 1, 5, 4), {"mode": "odd_scale", "scale_height": 2.0, "scale_width": 0.5}),
            (F32, (1, 1, 5, 4), {"mode": "to_even_down"}),
            (F64, (1, 1, 5, 4), {"mode": "to_even_up"}),
            (F32, (1, 1, 5, 4), {"mode": "to_odd_down", "align_corners": False}),
            (F32, (1, 1, 5, 4), {"mode": "to_odd_up"}),
            (F32, (1, 2, 3, 4), {"height": 3, "width": 4}),
            (F32, (1, 1, 4, 4), {"scale_width": 2.0, "height": 2})]):
        errs = [{"shapes": {"data": (2, 3, 4)}}] if k == 0 else []
        if k == 3:
            errs = [{"kwargs": {"mode": "odd_scale"}, "shapes": {"data": (1, 1, 5, 4)}}]
        out.append(_case("BilinearResize2D_%d" % k, br, [("data", shape)], dt, kw,
                         errors=errs))
    out.append(_case("BilinearResize2D_like", br, [("data", (1, 2, 3, 3)),
                                                    ("like", (1, 3, 5, 4))], F32,
                     {"mode": "like"},
                     errors=[{"shapes": {"data": (1, 2, 3, 3), "like": (1, 5, 4)}},
                             {"types": {"data": F32, "like": F64}}]))
    out.append(_case("BilinearResize2D_like_f64", br, [("data", (1, 1, 4, 5)),
                                                        ("like", (1, 1, 2, 3))], F64,
                     {"mode": "like", "align_corners": False}))
    return out


def _detection():
    out = []
    unit = ("u", 0.0, 1.0)
    out.append(_case("det_box_nms_0", "_contrib_box_nms", [("data", (2, 6, 6))], F32,
                     {"overlap_thresh": 0.3}, ranges={"data": unit},
                     errors=[{"shapes": {"data": (3, 4)}}, {"shapes": {"data": (3,)}},
                             {"kwargs": {"score_index": 3}}]))
    out.append(_case("det_box_nms_1", "_contrib_box_nms", [("data", (2, 3, 5, 6))], F64,
                     {"id_index": 0, "valid_thresh": 0.2, "topk": 3, "in_format": "center"},
                     ranges={"data": ("i", 0, 3)}))
    out.append(_case("det_box_nms_2", "_contrib_box_nms", [("data", (5, 7))], F32,
                     {"coord_start": 3, "score_index": 0, "id_index": 1, "background_id": 1,
                      "out_format": "center", "topk": 4, "force_suppress": True,
                      "overlap_thresh": 0.1}, ranges={"data": ("u", 0.0, 2.0)}))
    out.append(_case("det_box_nms_3", "_contrib_box_non_maximum_suppression",
                     [("data", (6, 6))], F32, {"topk": 0}, ranges={"data": unit}))
    out.append(_case("det_box_iou_0", "_contrib_box_iou", [("lhs", (3, 4)), ("rhs", (2, 2, 4))],
                     F32, ranges={"lhs": unit, "rhs": unit},
                     errors=[{"shapes": {"lhs": (3, 3), "rhs": (2, 4)}}]))
    out.append(_case("det_box_iou_1", "_contrib_box_iou", [("lhs", (2, 4)), ("rhs", (3, 4))],
                     F64, {"format": "center"}, ranges={"lhs": ("u", 0.1, 1.0),
                                                        "rhs": ("u", 0.1, 1.0)}))
    out.append(_case("det_bipartite_0", "_contrib_bipartite_matching", [("data", (2, 3, 4))],
                     F32, {"threshold": 0.1}, ranges={"data": unit}))
    out.append(_case("det_bipartite_1", "_contrib_bipartite_matching", [("data", (3, 4))],
                     F64, {"threshold": 0.6, "is_ascend": True, "topk": 1},
                     ranges={"data": unit}))
    out.append(_case("det_box_encode_0", "_contrib_box_encode",
                     [("samples", (2, 3)), ("matches", (2, 3)), ("anchors", (2, 3, 4)),
                      ("refs", (2, 2, 4)), ("means", (4,)), ("stds", (4,))], F32,
                     ranges={"samples": ("i", -1, 2), "matches": ("i", 0, 2),
                             "anchors": unit, "refs": unit, "means": ("u", -0.1, 0.1),
                             "stds": ("u", 0.5, 1.0)},
                     errors=[{"shapes": {"samples": (2, 3, 1), "matches": (2, 3),
                                         "anchors": (2, 3, 4), "refs": (2, 2, 4)}}]))
    out.append(_case("det_box_decode_0", "_contrib_box_decode",
                     [("data", (2, 3, 4)), ("anchors", (1, 3, 4))], F32,
                     ranges={"data": ("u", -0.5, 0.5), "anchors": unit}))
    out.append(_case("det_box_decode_1", "_contrib_box_decode",
                     [("data", (2, 3, 4)), ("anchors", (1, 3, 4))], F64,
                     {"format": "corner", "clip": 0.2, "std0": 0.1, "std1": 0.1, "std2": 0.2,
                      "std3": 0.2}, ranges={"data": ("u", -2.0, 2.0), "anchors": unit}))
    out.append(_case("det_multibox_prior_0", "_contrib_MultiBoxPrior", [("data", (1, 2, 3, 4))],
                     F32, {"sizes": (0.5, 0.25), "ratios": (1, 2, 0.5)},
                     errors=[{"shapes": {"data": (2, 3, 4)}}, {"types": {"data": F64}}]))
    out.append(_case("det_multibox_prior_1", "_contrib_MultiBoxPrior", [("data", (2, 1, 2, 3))],
                     F32, {"clip": True, "steps": (0.2, 0.3), "offsets": (0.2, 0.7),
                           "sizes": (0.9,)}))
    mbt = [("anchor", (1, 6, 4)), ("label", (2, 3, 5)), ("cls_pred", (2, 3, 6))]
    out.append(_case("det_multibox_target_0", "_contrib_MultiBoxTarget", mbt, F32,
                     ranges={"anchor": unit, "label": unit},
                     errors=[{"shapes": {"anchor": (2, 6, 4), "label": (2, 3, 5),
                                         "cls_pred": (2, 3, 6)}}]))
    out.append(_case("det_multibox_target_1", "_contrib_MultiBoxTarget", mbt, F32,
                     {"negative_mining_ratio": 2, "overlap_threshold": 0.3,
                      "negative_mining_thresh": 0.6, "ignore_label": -2,
                      "variances": (0.2, 0.2, 0.1, 0.1)},
                     ranges={"anchor": unit, "label": unit}))
    mbd = [("cls_prob", (2, 3, 6)), ("loc_pred", (2, 24)), ("anchor", (1, 6, 4))]
    out.append(_case("det_multibox_detection_0", "_contrib_MultiBoxDetection", mbd, F32,
                     {"threshold": 0.3}, ranges={"cls_prob": unit, "loc_pred": ("u", -0.5, 0.5),
                                                 "anchor": unit},
                     errors=[{"shapes": {"cls_prob": (2, 3, 6), "loc_pred": (2, 20),
                                         "anchor": (1, 6, 4)}}]))
    out.append(_case("det_multibox_detection_1", "_contrib_MultiBoxDetection", mbd, F32,
                     {"force_suppress": True, "nms_topk": 3, "clip": False,
                      "nms_threshold": 0.2, "variances": (0.2, 0.2, 0.1, 0.1)},
                     ranges={"cls_prob": unit, "loc_pred": ("u", -0.5, 0.5), "anchor": unit}))
    rpn = {"cls_prob": unit, "bbox_pred": ("u", -0.3, 0.3), "im_info": ("u", 60.0, 80.0)}
    kw = {"scales": (2, 4), "ratios": (1,), "rpn_min_size": 0, "rpn_pre_nms_top_n": 30,
          "rpn_post_nms_top_n": 10, "threshold": 0.5, "output_score": True}
    for name, op, batch in (("proposal", "_contrib_Proposal", 1),
                            ("multiproposal", "_contrib_MultiProposal", 2)):
        ins = [("cls_prob", (batch, 4, 5, 5)), ("bbox_pred", (batch, 8, 5, 5)),
               ("im_info", (batch, 3))]
        out.append(_case("det_%s_0" % name, op, ins, F32, kw, ranges=rpn,
                         errors=[{"shapes": {"cls_prob": (batch, 4, 5, 5),
                                             "bbox_pred": (batch, 4, 5, 5)}}]))
        out.append(_case("det_%s_1" % name, op, ins, F32,
                         dict(kw, iou_loss=True, rpn_post_nms_top_n=60, output_score=False,
                              threshold=0.3, ratios=(0.5, 2)), ranges=rpn))
        out.append(_case("det_%s_2" % name, op, ins, F32,
                         dict(kw, rpn_min_size=1, rpn_pre_nms_top_n=-1), ranges=rpn))
    return out


def _misc_extra():
    img = {"data": ("u", 0.0, 255.0)}
    return [_case("allclose_0", "_contrib_allclose", [("a", (2, 3)), ("b", (2, 3))], F32,
                  grad=False),
            _case("allclose_1", "_contrib_allclose", [("a", (4,)), ("b", (4,))], F64,
                  {"rtol": 0.5, "atol": 0.5, "equal_nan": False}, grad=False),
            _case("histogram_0", "_histogram", [("data", (3, 4))], F32,
                  {"bin_cnt": 4, "range": (-1.0, 1.5)}, grad=False),
            _case("histogram_1", "_histogram", [("data", (10,)), ("bins", (4,))], F64,
                  ranges={"bins": ("i", -2, 2)}, grad=False,
                  errors=[{"shapes": {"data": (10,), "bins": (1,)}}]),
            _case("linspace_0", "_linspace", [], F32, {"start": 0, "stop": 3, "num": 7}),
            _case("linspace_1", "_linspace", [], F64,
                  {"start": -1, "stop": 2, "num": 4, "endpoint": False, "dtype": "float64"}),
            _case("amp_cast_0", "amp_cast", [("data", (2, 3))], F32, {"dtype": "float16"},
                  rtol=1e-3, atol=1e-3),
            _case("amp_cast_1", "amp_cast", [("data", (2, 3))], F64, {"dtype": "float16"}),
            _case("amp_cast_2", "amp_cast", [("data", (2, 3))], F32, {"dtype": "float32"}),
            _case("amp_cast_3", "amp_cast", [("data", (2, 3))], I32, {"dtype": "float16"},
                  ranges={"data": ("i", -3, 3)}),
            _case("BatchNormWithReLU_0", "_contrib_BatchNormWithReLU",
                  [("data", (2, 3, 2, 2)), ("gamma", (3,)), ("beta", (3,)),
                   ("moving_mean", (3,)), ("moving_var", (3,))], F32,
                  {"fix_gamma": False}, ranges={"moving_var": POS}),
            _case("BatchNormWithReLU_bad", "_contrib_BatchNormWithReLU",
                  [("data", (2, 3, 2)), ("gamma", (3,)), ("beta", (3,)),
                   ("moving_mean", (3,)), ("moving_var", (3,))], F32,
                  ranges={"moving_var": POS}),
            _case("SyncBatchNorm_0", "_contrib_SyncBatchNorm",
                  [("data", (2, 3, 2, 2)), ("gamma", (3,)), ("beta", (3,)),
                   ("moving_mean", (3,)), ("moving_var", (3,))], F32,
                  {"key": "k", "use_global_stats": True, "fix_gamma": False},
                  ranges={"moving_var": POS}),
            _case("SyncBatchNorm_1", "_contrib_SyncBatchNorm",
                  [("data", (4, 3, 2)), ("gamma", (3,)), ("beta", (3,)),
                   ("moving_mean", (3,)), ("moving_var", (3,))], F32,
                  {"key": "k1", "fix_gamma": False, "output_mean_var": True, "eps": 1e-4},
                  ranges={"moving_var": POS}),
            _case("backward_gradientmultiplier_0", "_contrib_backward_gradientmultiplier",
                  [("data", (2, 3))], F32, {"scalar": 2.5}),
            _case("image_adjust_lighting_0", "_image_adjust_lighting", [("data", (3, 4, 3))],
                  F32, {"alpha": (0.1, -0.2, 0.3)}, ranges=img),
            _case("image_random_brightness_0", "_image_random_brightness",
                  [("data", (3, 4, 3))], F32, {"min_factor": 0.7, "max_factor": 0.7},
                  ranges=img),
            _case("image_random_contrast_0", "_image_random_contrast", [("data", (3, 4, 3))],
                  F32, {"min_factor": 1.3, "max_factor": 1.3}, ranges=img, rtol=1e-4,
                  atol=1e-3),
            _case("image_random_saturation_0", "_image_random_saturation",
                  [("data", (3, 4, 3))], F32, {"min_factor": 0.4, "max_factor": 0.4},
                  ranges=img, rtol=1e-4, atol=1e-3),
            _case("image_random_hue_0", "_image_random_hue", [("data", (3, 4, 3))], F32,
                  {"min_factor": 0.25, "max_factor": 0.25}, ranges=img, rtol=1e-4,
                  atol=1e-2),
            _case("image_random_lighting_0", "_image_random_lighting", [("data", (3, 4, 3))],
                  F32, {"alpha_std": 0.0}, ranges=img),
            _case("image_random_flip_0", "_image_random_flip_left_right",
                  [("data", (2, 3, 3))], F32, ignore="values"),
            _case("image_random_flip_1", "_image_random_flip_top_bottom",
                  [("data", (2, 3, 1))], F64, ignore="values"),
            _case("image_random_color_jitter_0", "_image_random_color_jitter",
                  [("data", (2, 3, 3))], F32,
                  {"brightness": 0.2, "contrast": 0.1, "saturation": 0.3, "hue": 0.1},
                  ranges=img, ignore="values"),
            _case("amp_multicast_0", "amp_multicast", [("a", (2, 3)), ("b", (4,))], F32,
                  {"num_outputs": 2}, variadic=True),
            _case("image_resize_0", "_image_resize", [("data", (4, 5, 3))], F32,
                  {"size": (3, 2)}, ranges=img, grad=False, rtol=1e-5, atol=1e-3),
            _case("image_resize_1", "_image_resize", [("data", (2, 4, 5, 1))], F64,
                  {"size": (7,), "interp": 2}, grad=False, atol=1e-9),
            _case("image_resize_2", "_image_resize", [("data", (5, 4, 3))], F32,
                  {"size": (3,), "keep_ratio": True, "interp": 3}, grad=False,
                  rtol=1e-5, atol=1e-5),
            _case("image_resize_3", "_image_resize", [("data", (4, 5, 3))], F32,
                  {"size": (5, 4), "interp": 0})]


def _storage():
    """The sparse-storage operators on dense arrays (symnb/ops/storage.py): cast_storage and
    SparseEmbedding run; the others are MXNet's refusals of dense storage."""
    out = []
    for stype in ("default", "csr", "row_sparse"):
        out.append(_case("cast_storage_" + stype, "cast_storage", [("data", (3, 4))], F32,
                         kwargs={"stype": stype},
                         errors=[{"kwargs": {"stype": "dense"}}, {"kwargs": {}}]))
    out.append(_case("cast_storage_csr_f64", "cast_storage", [("data", (2, 5))], F64,
                     kwargs={"stype": "csr"}))
    out.append(_case("cast_storage_csr_3d", "cast_storage", [("data", (2, 3, 2))], F32,
                     kwargs={"stype": "csr"}))
    out.append(_case("cast_storage_rsp_i32", "cast_storage", [("data", (4, 2))], I32,
                     kwargs={"stype": "row_sparse"}, ranges={"data": ("i", -3, 3)}))
    out.append(_case("square_sum", "_square_sum", [("data", (3, 4))], F32,
                     kwargs={"axis": 1, "keepdims": True},
                     errors=[{"shapes": {"data": (3,)}}]))
    out.append(_case("square_sum_all", "_square_sum", [("data", (2, 3))], F64))
    out.append(_case("sparse_retain", "_sparse_retain", [("data", (4, 3)), ("indices", (2,))],
                     F32, ranges={"indices": ("i", 0, 4)}, grad=False))
    out.append(_case("getnnz", "_contrib_getnnz", [("data", (3, 4))], F32, kwargs={"axis": 0},
                     grad=False, errors=[{"shapes": {"data": (3, 4, 2)}},
                                         {"kwargs": {"axis": 2}}]))
    out.append(_case("edge_id", "_contrib_edge_id", [("data", (3, 3)), ("u", (4,)), ("v", (4,))],
                     F32, ranges={"u": ("i", 0, 3), "v": ("i", 0, 3)}, grad=False,
                     errors=[{"shapes": {"data": (3, 3), "u": (4,), "v": (3,)}}]))
    out.append(_case("dgl_adjacency", "_contrib_dgl_adjacency", [("data", (3, 3))], F32,
                     dtypes={"data": "int64"}, ranges={"data": ("i", 0, 3)}, grad=False,
                     errors=[{"types": {"data": F32}}]))
    out.append(_case("SparseEmbedding", "_contrib_SparseEmbedding", [("data", (2, 3))], F32,
                     kwargs={"input_dim": 5, "output_dim": 4}, ranges={"data": ("i", 0, 5)},
                     errors=[{"kwargs": {"input_dim": 5, "output_dim": 4, "sparse_grad": True}}]))
    out.append(_case("SparseEmbedding_infer", "_contrib_SparseEmbedding", [("data", (4,))], F32,
                     kwargs={"input_dim": 3, "output_dim": 2}, ranges={"data": ("i", 0, 3)},
                     grad=False))
    return out


def _lazy_params():
    """The regression outputs parse their parameters in their backward only: bad ones
    compose and run forward, and fail a bind that builds the backward."""
    out = []
    for op in ("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"):
        for tag, kwargs in (("bad_scale", {"grad_scale": "x"}), ("unknown", {"no_such": 1})):
            out.append(_case("%s_%s" % (op, tag), op, [("data", (2, 3)), ("label", (2, 3))],
                             F32, kwargs=kwargs))
    return out


def all_cases():
    """Every differential case, in a fixed order.

    >>> all_cases()[0]['op']
    'abs'
    """
    return (_elementwise() + _reduce() + _shape() + _indexing() + _init() + _matrix()
            + _nn() + _norm() + _conv_pool() + _math() + _ordering_gather()
            + _layers() + _linalg() + _linalg_lower() + _misc() + _random()
            + _transform() + _rnn() + _regions() + _image()
            + _attention() + _pdfs() + _pdf_draws() + _graph_ops()
            + _seqloss()
            + _convfam()
            + _vision()
            + _detection()
            + _misc_extra()
            + _storage()
            + _lazy_params())
