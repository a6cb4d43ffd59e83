"""The examples in the docstrings of the generated fluent methods of ``Symbol`` and ``NDArray``
(one table, so that both classes show the same call giving the same result)."""

# ``name: (x, call, result[, decimals])``. ``x`` is the input's data, or a pair of data giving
# ``x`` and ``y`` (an operand of ``call``); ``x.<call>`` gives an output whose ``asnumpy()``,
# rounded to ``decimals`` when given, prints ``result`` (on one line: the doctests normalize
# whitespace). ``diag`` is generated for NDArray only, ``reshape`` and ``broadcast_to`` for
# Symbol only (the other class defines its own).
EXAMPLES = {
    "abs": ("[-1.5, 2]", "abs()", "array([1.5, 2. ], dtype=float32)"),
    "arccos": ("[1, 0, -1]", "arccos()", "array([0.   , 1.571, 3.142], dtype=float32)", 3),
    "arccosh": ("[1, 2]", "arccosh()", "array([0.   , 1.317], dtype=float32)", 3),
    "arcsin": ("[0, 1]", "arcsin()", "array([0.   , 1.571], dtype=float32)", 3),
    "arcsinh": ("[0, 1]", "arcsinh()", "array([0.   , 0.881], dtype=float32)", 3),
    "arctan": ("[0, 1]", "arctan()", "array([0.   , 0.785], dtype=float32)", 3),
    "arctanh": ("[0, 0.5]", "arctanh()", "array([0.   , 0.549], dtype=float32)", 3),
    "argmax": ("[[1, 5], [4, 2]]", "argmax(axis=1)", "array([1., 0.], dtype=float32)"),
    "argmax_channel": ("[[1, 5], [4, 2]]", "argmax_channel()", "array([1., 0.], dtype=float32)"),
    "argmin": ("[[1, 5], [4, 2]]", "argmin(axis=1)", "array([0., 1.], dtype=float32)"),
    "argsort": ("[3, 1, 2]", "argsort()", "array([1., 2., 0.], dtype=float32)"),
    "broadcast_axes": ("[[1, 2]]", "broadcast_axes(axis=0, size=2)",
                       "array([[1., 2.], [1., 2.]], dtype=float32)"),
    "broadcast_like": (("[[1, 2]]", "[[0, 0], [0, 0]]"), "broadcast_like(y)",
                       "array([[1., 2.], [1., 2.]], dtype=float32)"),
    "broadcast_to": ("[[1, 2]]", "broadcast_to((2, 2))",
                     "array([[1., 2.], [1., 2.]], dtype=float32)"),
    "cbrt": ("[1, 8, -8]", "cbrt()", "array([ 1.,  2., -2.], dtype=float32)"),
    "ceil": ("[-1.5, 1.2]", "ceil()", "array([-1.,  2.], dtype=float32)"),
    "clip": ("[-2, 0.5, 3]", "clip(0, 1)", "array([0. , 0.5, 1. ], dtype=float32)"),
    "cos": ("[0, 1]", "cos()", "array([1.  , 0.54], dtype=float32)", 3),
    "cosh": ("[0, 1]", "cosh()", "array([1.   , 1.543], dtype=float32)", 3),
    "degrees": ("[0, 1]", "degrees()", "array([ 0.   , 57.296], dtype=float32)", 3),
    "depth_to_space": ("[[[[1]], [[2]], [[3]], [[4]]]]", "depth_to_space(2)",
                       "array([[[[1., 2.], [3., 4.]]]], dtype=float32)"),
    "diag": ("[[1, 2], [3, 4]]", "diag()", "array([1., 4.], dtype=float32)"),
    "exp": ("[0, 1]", "exp()", "array([1.   , 2.718], dtype=float32)", 3),
    "expm1": ("[0, 1]", "expm1()", "array([0.   , 1.718], dtype=float32)", 3),
    "fix": ("[-1.5, 1.5]", "fix()", "array([-1.,  1.], dtype=float32)"),
    "flip": ("[[1, 2], [3, 4]]", "flip(axis=1)", "array([[2., 1.], [4., 3.]], dtype=float32)"),
    "floor": ("[-1.5, 1.5]", "floor()", "array([-2.,  1.], dtype=float32)"),
    "log": ("[1, 2]", "log()", "array([0.   , 0.693], dtype=float32)", 3),
    "log10": ("[1, 10]", "log10()", "array([0., 1.], dtype=float32)"),
    "log1p": ("[0, 1]", "log1p()", "array([0.   , 0.693], dtype=float32)", 3),
    "log2": ("[1, 8]", "log2()", "array([0., 3.], dtype=float32)"),
    "log_softmax": ("[0, 1]", "log_softmax()", "array([-1.313, -0.313], dtype=float32)", 3),
    "max": ("[[1, 2], [3, 4]]", "max(axis=0)", "array([3., 4.], dtype=float32)"),
    "mean": ("[[1, 2], [3, 4]]", "mean(axis=1)", "array([1.5, 3.5], dtype=float32)"),
    "min": ("[[1, 2], [3, 4]]", "min(axis=0)", "array([1., 2.], dtype=float32)"),
    "nanprod": ("[2, float('nan'), 3]", "nanprod()", "array([6.], dtype=float32)"),
    "nansum": ("[2, float('nan'), 3]", "nansum()", "array([5.], dtype=float32)"),
    "norm": ("[3, 4]", "norm()", "array([5.], dtype=float32)"),
    "one_hot": ("[1, 0]", "one_hot(3)", "array([[0., 1., 0.], [1., 0., 0.]], dtype=float32)"),
    "ones_like": ("[5, 6]", "ones_like()", "array([1., 1.], dtype=float32)"),
    "pad": ("[[[[1, 2], [3, 4]]]]", "pad(mode='edge', pad_width=(0, 0, 0, 0, 0, 0, 1, 1))",
            "array([[[[1., 1., 2., 2.], [3., 3., 4., 4.]]]], dtype=float32)"),
    "pick": (("[[1, 2], [3, 4]]", "[1, 0]"), "pick(y)", "array([2., 3.], dtype=float32)"),
    "prod": ("[[1, 2], [3, 4]]", "prod(axis=1)", "array([ 2., 12.], dtype=float32)"),
    "radians": ("[0, 180]", "radians()", "array([0.   , 3.142], dtype=float32)", 3),
    "rcbrt": ("[1, 8]", "rcbrt()", "array([1. , 0.5], dtype=float32)"),
    "reciprocal": ("[2, 4]", "reciprocal()", "array([0.5 , 0.25], dtype=float32)"),
    "relu": ("[-1, 2]", "relu()", "array([0., 2.], dtype=float32)"),
    "repeat": ("[1, 2]", "repeat(2)", "array([1., 1., 2., 2.], dtype=float32)"),
    "reshape": ("[1, 2, 3, 4]", "reshape((2, 2))", "array([[1., 2.], [3., 4.]], dtype=float32)"),
    "reshape_like": (("[1, 2, 3, 4]", "[[0, 0], [0, 0]]"), "reshape_like(y)",
                     "array([[1., 2.], [3., 4.]], dtype=float32)"),
    "rint": ("[1.5, 2.5]", "rint()", "array([2., 2.], dtype=float32)"),
    "round": ("[1.5, 2.5]", "round()", "array([2., 3.], dtype=float32)"),
    "rsqrt": ("[4, 16]", "rsqrt()", "array([0.5 , 0.25], dtype=float32)"),
    "shape_array": ("[[1, 2, 3]]", "shape_array()", "array([1, 3])"),
    "sigmoid": ("[0, 1]", "sigmoid()", "array([0.5  , 0.731], dtype=float32)", 3),
    "sign": ("[-3, 0, 2]", "sign()", "array([-1.,  0.,  1.], dtype=float32)"),
    "sin": ("[0, 1]", "sin()", "array([0.   , 0.841], dtype=float32)", 3),
    "sinh": ("[0, 1]", "sinh()", "array([0.   , 1.175], dtype=float32)", 3),
    "size_array": ("[[1, 2, 3]]", "size_array()", "array([3])"),
    "slice": ("[[1, 2, 3], [4, 5, 6]]", "slice(begin=(0, 1), end=(2, 3))",
              "array([[2., 3.], [5., 6.]], dtype=float32)"),
    "slice_axis": ("[[1, 2, 3], [4, 5, 6]]", "slice_axis(axis=1, begin=1, end=3)",
                   "array([[2., 3.], [5., 6.]], dtype=float32)"),
    "slice_like": (("[[1, 2, 3], [4, 5, 6]]", "[[0, 0]]"), "slice_like(y)",
                   "array([[1., 2.]], dtype=float32)"),
    "softmax": ("[0, 1]", "softmax()", "array([0.269, 0.731], dtype=float32)", 3),
    "softmin": ("[0, 1]", "softmin()", "array([0.731, 0.269], dtype=float32)", 3),
    "sort": ("[3, 1, 2]", "sort()", "array([1., 2., 3.], dtype=float32)"),
    "space_to_depth": ("[[[[1, 2], [3, 4]]]]", "space_to_depth(2)",
                       "array([[[[1.]], [[2.]], [[3.]], [[4.]]]], dtype=float32)"),
    "split": ("[1, 2, 3, 4]", "split(num_outputs=2, axis=0)[1]", "array([3., 4.], dtype=float32)"),
    "sqrt": ("[4, 9]", "sqrt()", "array([2., 3.], dtype=float32)"),
    "square": ("[2, 3]", "square()", "array([4., 9.], dtype=float32)"),
    "sum": ("[[1, 2], [3, 4]]", "sum(axis=1)", "array([3., 7.], dtype=float32)"),
    "swapaxes": ("[[1, 2, 3]]", "swapaxes(0, 1)", "array([[1.], [2.], [3.]], dtype=float32)"),
    "take": (("[[1, 2], [3, 4]]", "[1, 0]"), "take(y)",
             "array([[3., 4.], [1., 2.]], dtype=float32)"),
    "tan": ("[0, 1]", "tan()", "array([0.   , 1.557], dtype=float32)", 3),
    "tanh": ("[0, 1]", "tanh()", "array([0.   , 0.762], dtype=float32)", 3),
    "tile": ("[1, 2]", "tile(2)", "array([1., 2., 1., 2.], dtype=float32)"),
    "topk": ("[3, 1, 2]", "topk(k=2)", "array([0., 2.], dtype=float32)"),
    "transpose": ("[[1, 2], [3, 4]]", "transpose()", "array([[1., 3.], [2., 4.]], dtype=float32)"),
    "trunc": ("[-1.5, 1.5]", "trunc()", "array([-1.,  1.], dtype=float32)"),
    "zeros_like": ("[5, 6]", "zeros_like()", "array([0., 0.], dtype=float32)"),
}


def fluent_doc(fname: str, symbolic: bool) -> str:
    """The docstring of fluent method ``fname`` of Symbol (``symbolic``, its example evaluates
    the symbol) or of NDArray (the same call on arrays).

    >>> fluent_doc('relu', False).splitlines()[-2][4:]
    'x.relu().asnumpy()'
    """
    x, call, result, *decimals = EXAMPLES[fname]
    data = dict(zip("xy", x if isinstance(x, tuple) else (x,)))
    rounded = "".join(".round(%d)" % d for d in decimals)
    if symbolic:
        made = ", ".join("mx.sym.var(%r)" % name for name in data)
        feed = ", ".join("%s=mx.nd.array(%s)" % item for item in data.items())
        run = "x.%s.eval(%s)[0].asnumpy()%s" % (call, feed, rounded)
    else:
        made = ", ".join("mx.nd.array(%s)" % value for value in data.values())
        run = "x.%s.asnumpy()%s" % (call, rounded)
    return ("Fluent form of ``mx.%s.%s(self, ...)``.\n\n>>> import symnb as mx\n"
            ">>> %s = %s\n>>> %s\n%s\n" % ("sym" if symbolic else "nd", fname,
                                          ", ".join(data), made, run, result))

