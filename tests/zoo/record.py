"""Record model-zoo graphs and their facts from a real MXNet 1.9.1 (run with MXNet's interpreter).

    MXNET_SUBGRAPH_VERBOSE=0 .bench-mxnet-venv/bin/python tests/zoo/record.py
    ... record.py -k resnet -k lenet       # only nets whose name contains a filter

For every net in ``NETS`` writes ``data/<name>-symbol.json`` (MXNet's ``tojson()`` text, which
is what ``HybridBlock.export`` and ``Symbol.save`` write) and ``data/<name>-meta.json``
(argument, aux and output names, ``infer_shape`` and ``infer_type`` for the net's standard
input, batch 1). Nets with a value spec also get ``data/<name>-values.npz``: forward outputs
and gradients computed with the parameters that ``_values.fill`` generates (see there).

Two sources: Gluon's model zoo (``mxnet.gluon.model_zoo.vision``, symbol taken from
``net(mx.sym.var('data'))`` after ``hybridize()``), and MXNet's
``example/image-classification/symbols/*.py`` builders, read from the MXNet source mirror at
tag 1.9.1 (``--mxnet-src``) into a temporary folder; those sources are never copied here.
symnb is never imported; the replay (``test_zoo.py``) needs no MXNet.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
MXNET_SRC = "/work/.mirror/apache+mxnet/repo"
EXAMPLES = "example/image-classification/symbols/"

IMAGENET = {"data": (1, 3, 224, 224)}
INCEPTION = {"data": (1, 3, 299, 299)}
SMALL = {"data": (1, 3, 64, 64)}

# name -> (source, builder, builder kwargs, input shapes, value spec or None).
# source "gluon": builder is a model-zoo name; "example": a file under EXAMPLES.
# Value specs (see _values.run_values): names are MXNet's, checked against the graph here.
NETS = {
    "gluon-resnet18_v1": ("gluon", "resnet18_v1", {}, IMAGENET, {
        "infer": SMALL,
        "train": {"shapes": {"data": (2, 3, 64, 64)}, "head_grads": True,
                  "grads": ["data", "resnetv10_conv0_weight", "resnetv10_batchnorm0_gamma",
                            "resnetv10_batchnorm0_beta", "resnetv10_stage2_conv0_weight",
                            "resnetv10_stage4_batchnorm4_gamma", "resnetv10_dense0_bias"],
                  "request": ["resnetv10_dense0_weight"],
                  "aux": ["resnetv10_batchnorm0_running_mean",
                          "resnetv10_batchnorm0_running_var"]},
        "train64": True}),
    "gluon-resnet18_v2": ("gluon", "resnet18_v2", {}, IMAGENET, {"infer": SMALL}),
    "gluon-resnet50_v1": ("gluon", "resnet50_v1", {}, IMAGENET, None),
    "gluon-mobilenet1.0": ("gluon", "mobilenet1.0", {}, IMAGENET, None),
    "gluon-mobilenetv2_1.0": ("gluon", "mobilenetv2_1.0", {}, IMAGENET, {"infer": SMALL}),
    "gluon-densenet121": ("gluon", "densenet121", {}, IMAGENET, None),
    "gluon-squeezenet1.0": ("gluon", "squeezenet1.0", {}, IMAGENET, None),
    "gluon-squeezenet1.1": ("gluon", "squeezenet1.1", {}, IMAGENET, {"infer": IMAGENET}),
    "gluon-vgg11": ("gluon", "vgg11", {}, IMAGENET, None),
    "gluon-vgg11_bn": ("gluon", "vgg11_bn", {}, IMAGENET, None),
    "gluon-alexnet": ("gluon", "alexnet", {}, IMAGENET, None),
    "gluon-inceptionv3": ("gluon", "inceptionv3", {}, INCEPTION, None),
    "example-mlp": ("example", "mlp", {"num_classes": 10}, {"data": (1, 1, 28, 28)}, None),
    "example-lenet": ("example", "lenet", {"num_classes": 10}, {"data": (1, 1, 28, 28)}, {
        "infer": {"data": (1, 1, 28, 28)},
        "train": {"shapes": {"data": (2, 1, 28, 28)},
                  "grads": ["data", "convolution0_weight", "convolution0_bias",
                            "convolution1_weight", "convolution1_bias",
                            "fullyconnected1_weight", "fullyconnected1_bias"]}}),
    "example-alexnet": ("example", "alexnet", {"num_classes": 1000}, IMAGENET, None),
    "example-vgg11": ("example", "vgg", {"num_classes": 1000, "num_layers": 11}, IMAGENET, None),
    "example-vgg11_bn": ("example", "vgg", {"num_classes": 1000, "num_layers": 11,
                                            "batch_norm": True}, IMAGENET, None),
    "example-googlenet": ("example", "googlenet", {"num_classes": 1000}, IMAGENET, None),
    "example-inception-bn": ("example", "inception-bn",
                             {"num_classes": 1000, "image_shape": "3,224,224"}, IMAGENET,
                             {"infer": IMAGENET}),
    "example-inception-v3": ("example", "inception-v3", {"num_classes": 1000}, INCEPTION, None),
    "example-inception-v4": ("example", "inception-v4", {"num_classes": 1000}, INCEPTION, None),
    "example-inception-resnet-v2": ("example", "inception-resnet-v2", {"num_classes": 1000},
                                    INCEPTION, None),
    "example-resnet18": ("example", "resnet", {"num_classes": 1000, "num_layers": 18,
                                               "image_shape": "3,224,224"}, IMAGENET, None),
    "example-resnet50": ("example", "resnet", {"num_classes": 1000, "num_layers": 50,
                                               "image_shape": "3,224,224"}, IMAGENET, None),
    "example-resnet20-cifar": ("example", "resnet", {"num_classes": 10, "num_layers": 20,
                                                     "image_shape": "3,28,28"},
                               {"data": (1, 3, 28, 28)}, {"infer": {"data": (1, 3, 28, 28)}}),
    "example-resnetv1-18": ("example", "resnetv1", {"num_classes": 1000, "num_layers": 18,
                                                    "image_shape": "3,224,224"}, IMAGENET, None),
    "example-resnext50": ("example", "resnext", {"num_classes": 1000, "num_layers": 50,
                                                 "image_shape": "3,224,224"}, IMAGENET, None),
    "example-mobilenet": ("example", "mobilenet", {"num_classes": 1000}, IMAGENET, None),
    "example-mobilenetv2": ("example", "mobilenetv2", {"num_classes": 1000}, IMAGENET, None),
}


def _example_module(src: str, stem: str, tmp: str):
    """Import ``EXAMPLES/<stem>.py`` at tag 1.9.1 from the source mirror (via a temp copy)."""
    text = subprocess.run(["git", "-C", src, "show", "1.9.1:%s%s.py" % (EXAMPLES, stem)],
                          check=True, capture_output=True).stdout
    path = os.path.join(tmp, stem.replace("-", "_") + ".py")
    with open(path, "wb") as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location("zoo_" + stem.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(mx, entry, src, tmp):
    """The MXNet symbol for one ``NETS`` entry, named as in a fresh process."""
    source, builder, kwargs, _, _ = entry
    with mx.name.NameManager():
        if source == "gluon":
            net = mx.gluon.model_zoo.vision.get_model(builder, pretrained=False, **kwargs)
            net.hybridize()
            return net(mx.sym.var("data"))
        return _example_module(src, builder, tmp).get_symbol(**kwargs)


def facts(sym, shapes) -> dict:
    """Names, shapes and types MXNet reports for ``sym`` with the given input shapes."""
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    arg_types, out_types, aux_types = sym.infer_type(data="float32")
    names = lambda types: [t.__name__ for t in types]   # noqa: E731
    return {
        "shapes": {k: list(v) for k, v in shapes.items()},
        "arguments": sym.list_arguments(),
        "aux": sym.list_auxiliary_states(),
        "outputs": sym.list_outputs(),
        "arg_shapes": [list(s) for s in arg_shapes],
        "out_shapes": [list(s) for s in out_shapes],
        "aux_shapes": [list(s) for s in aux_shapes],
        "arg_types": names(arg_types), "out_types": names(out_types),
        "aux_types": names(aux_types),
    }


def check_export(mx, name, text, shapes, tmp):
    """Assert that ``HybridBlock.export`` writes exactly ``text`` (the recorded tojson)."""
    _, builder, kwargs, _, _ = NETS[name]
    with mx.name.NameManager():
        net = mx.gluon.model_zoo.vision.get_model(builder, pretrained=False, **kwargs)
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros(shapes["data"]))
    net.export(os.path.join(tmp, "export"))
    with open(os.path.join(tmp, "export-symbol.json")) as f:
        exported = f.read()
    if exported != text:
        raise SystemExit("%s: export() text differs from net(sym).tojson()" % name)


def main(argv=None) -> int:
    """Record every selected net; returns the process exit status.

    >>> callable(main)
    True
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", action="append", default=[], help="name substring filter")
    ap.add_argument("--mxnet-src", default=MXNET_SRC, help="MXNet git mirror (tag 1.9.1)")
    a = ap.parse_args(argv)
    os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")
    sys.path.insert(0, HERE)
    import mxnet as mx
    import numpy as np
    from _values import run_values

    if not mx.__version__.startswith("1.9.1"):
        print("record.py needs MXNet 1.9.1, found %s" % mx.__version__)
        return 1
    os.makedirs(DATA, exist_ok=True)
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, entry in NETS.items():
            if a.k and not any(k in name for k in a.k):
                continue
            try:
                sym = build(mx, entry, a.mxnet_src, tmp)
            except Exception as e:      # a builder that no longer works with 1.9.1
                failed.append("%s: %s: %s" % (name, type(e).__name__, str(e).splitlines()[0]))
                continue
            text = sym.tojson()
            meta = {"name": name, "source": entry[0], "builder": entry[1],
                    "kwargs": entry[2], **facts(sym, entry[3]), "values": entry[4]}
            if name in ("gluon-resnet18_v1", "gluon-squeezenet1.1"):
                check_export(mx, name, text, entry[3], tmp)
                meta["export_checked"] = True
            with open(os.path.join(DATA, name + "-symbol.json"), "w") as f:
                f.write(text)
            if entry[4] is not None:
                unknown = {n for part in (entry[4], entry[4].get("train", {}))
                           for n in part.get("grads", []) + part.get("request", [])
                           + part.get("aux", [])}
                unknown -= set(meta["arguments"] + meta["aux"])
                if unknown:
                    raise SystemExit("%s: value spec names %s not in the graph"
                                     % (name, sorted(unknown)))
                arrays = run_values(mx, sym, entry[4])
                np.savez_compressed(os.path.join(DATA, name + "-values.npz"), **arrays)
            with open(os.path.join(DATA, name + "-meta.json"), "w") as f:
                json.dump(meta, f, indent=1, sort_keys=True)
            print("recorded", name)
    for line in failed:
        print("could not build", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
