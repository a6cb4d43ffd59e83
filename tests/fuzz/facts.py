"""The bad-input cases whose MXNet 1.9.1 outcome is recorded (``record.py``) and replayed
(``test_mxnet_facts.py``). Each case is a function of the module ``mx`` (MXNet or symnb), so
both engines make exactly the same calls."""
from __future__ import annotations

import numpy as np


def _sb(mx, **shapes):
    return (mx.sym.var("x") * 2).simple_bind(mx.cpu(), **shapes).arg_dict["x"].shape


def _sb_types(mx, type_dict):
    return np.dtype((mx.sym.var("x") * 2).simple_bind(mx.cpu(), x=(2, 3),
                                                    type_dict=type_dict).arg_dict["x"].dtype).name


def _monitor(mx):
    x = mx.sym.var("x")
    net = mx.sym.Activation(mx.sym.FullyConnected(x, num_hidden=2, name="fc"),
                            act_type="relu", name="r")
    ex = net.simple_bind(mx.cpu(), x=(1, 3))
    for a in ex.arg_arrays:
        a[:] = 1

    def boom(name, arr):
        if b"fc_backward" in name:
            raise RuntimeError("boom")

    ex.set_monitor_callback(boom)
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((1, 2)))
    mx.nd.waitall()
    return {k: v.asnumpy().tolist() for k, v in sorted(ex.grad_dict.items())}


def _copy_params(mx):
    ex = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc").simple_bind(
        mx.cpu(), data=(1, 3))
    try:
        ex.copy_params_from({"fc_bias": mx.nd.ones((2,)) * 5, "zzz": mx.nd.ones((1,))})
    except ValueError as e:
        return [str(e), ex.arg_dict["fc_bias"].asnumpy().tolist()]
    return "no error"


def _reshape(mx, shape, data):
    return mx.sym.Reshape(mx.sym.var("x"), shape=shape).infer_shape(x=data)[1]


def _prelu(mx, gamma, data):
    g = mx.sym.var("g")
    return mx.sym.LeakyReLU(mx.sym.var("x"), gamma=g, act_type="prelu").infer_shape(
        x=data, g=gamma)[1]


def _prelu_forward(mx, gamma, data):
    net = mx.sym.LeakyReLU(mx.sym.var("x"), gamma=mx.sym.var("g"), act_type="prelu")
    ex = net.simple_bind(mx.cpu(), x=data, g=gamma)
    out = ex.forward()[0]
    mx.nd.waitall()
    return list(out.shape)


_V = '{"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0], '

# name -> (call, how symnb relates to MXNet: "same" = same type and text, "type" = same
# exception type, "refuses" = symnb raises where MXNet accepts, "differs" = see the test)
CASES = {
    "simple_bind float dim": (lambda mx: _sb(mx, x=(2.5, 3)), "same"),
    "simple_bind integral float dim": (lambda mx: _sb(mx, x=(2.0, 3)), "same"),
    "simple_bind numpy float dim": (lambda mx: _sb(mx, x=(np.float64(2), 3)), "same"),
    "simple_bind str dim": (lambda mx: _sb(mx, x=("2", 3)), "same"),
    "simple_bind None dim": (lambda mx: _sb(mx, x=(None, 3)), "same"),
    "simple_bind nested dim": (lambda mx: _sb(mx, x=((2,), 3)), "same"),
    "simple_bind negative dim": (lambda mx: _sb(mx, x=(-2, 3)), "same"),
    "simple_bind dim past uint32": (lambda mx: _sb(mx, x=(2**32, 3)), "same"),
    "simple_bind bool dim": (lambda mx: list(_sb(mx, x=(2, True))), "same"),
    "simple_bind numpy int dim": (lambda mx: list(_sb(mx, x=(np.int64(2), 3))), "same"),
    "simple_bind dtype abc": (lambda mx: _sb_types(mx, {"x": "abc"}), "same"),
    "simple_bind dtype abc, unknown key": (lambda mx: _sb_types(mx, {"zz": "abc"}), "same"),
    "simple_bind dtype True": (lambda mx: _sb_types(mx, {"x": True}), "same"),
    "simple_bind dtype bool": (lambda mx: _sb_types(mx, {"x": "bool"}), "same"),
    "infer_shape float dim": (lambda mx: (mx.sym.var("x") * 2).infer_shape(x=(2.5, 3)),
                              "same"),
    "monitor callback raising in backward": (_monitor, "same"),
    "copy_params_from with an unknown name": (_copy_params, "differs"),
    # inference as MXNet; symnb refuses these when arrays are bound (OpDef.check_bound)
    "Reshape (0, 0, 4) of (2, 3)": (lambda mx: _reshape(mx, (0, 0, 4), (2, 3)), "same"),
    "Reshape (5, -1) of (2, 3)": (lambda mx: _reshape(mx, (5, -1), (2, 3)), "same"),
    "PReLU gamma (5,) on (2, 3): inference": (lambda mx: _prelu(mx, (5,), (2, 3)), "same"),
    "PReLU gamma (5,) on (2, 3): forward": (lambda mx: _prelu_forward(mx, (5,), (2, 3)),
                                            "differs"),
    "PReLU gamma (2,) on (2, 3, 4)": (lambda mx: _prelu(mx, (2,), (2, 3, 4)), "same"),
    "load_json heads 5": (lambda mx: mx.sym.load_json(_V + '"heads": 5}'), "type"),
    "load_json node as array": (lambda mx: mx.sym.load_json(
        '{"nodes": [["op", "null"]], "arg_nodes": [0], "heads": [[0, 0, 0]]}'), "type"),
    "load_json attrs --1": (lambda mx: mx.sym.load_json(
        _V + '"heads": [[0, 0, 0]], "attrs": --1}'), "type"),
    "load_json mxnet_version string": (lambda mx: mx.sym.load_json(
        _V + '"heads": [[0, 0, 0]], "attrs": {"mxnet_version": ["int", "abc"]}}'), "type"),
    "load_json 500 levels of nesting": (lambda mx: mx.sym.load_json(
        '{"nodes": ' + "[" * 500 + "]" * 500 + "}"), "type"),
}
