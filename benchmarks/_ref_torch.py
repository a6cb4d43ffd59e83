"""PyTorch CPU references: the same workloads with autograd, checked against symnb like the
hand-written ones. ``cross_entropy(reduction='sum')`` has SoftmaxOutput's gradient."""
from __future__ import annotations

import numpy as np


class _TorchNet:
    def __init__(self, torch, arrays):
        self.torch = torch
        self.F = torch.nn.functional
        self.x = torch.from_numpy(arrays["data"].copy())
        self.labels = torch.from_numpy(arrays["softmax_label"].astype(np.int64))
        self.p = {k: torch.from_numpy(v.copy()).requires_grad_(True)
                  for k, v in arrays.items() if k not in ("data", "softmax_label")}

    def step(self):
        for t in self.p.values():
            t.grad = None
        logits = self.logits()
        self.F.cross_entropy(logits, self.labels, reduction="sum").backward()
        self._logits = logits

    def results(self):
        with self.torch.no_grad():
            out = {"output": self.torch.softmax(self._logits, dim=1).numpy()}
        out.update({"grad:" + k: t.grad.numpy() for k, t in self.p.items()})
        return out


class MLP(_TorchNet):
    def logits(self):
        h, F, p = self.x, self.F, self.p
        n_layers = len(p) // 2
        for i in range(1, n_layers + 1):
            h = F.linear(h, p["fc%d_weight" % i], p["fc%d_bias" % i])
            if i < n_layers:
                h = F.relu(h)
        return h


class LeNet(_TorchNet):
    def logits(self):
        F, p, tanh = self.F, self.p, self.torch.tanh
        h = F.max_pool2d(tanh(F.conv2d(self.x, p["conv1_weight"], p["conv1_bias"])), 2)
        h = F.max_pool2d(tanh(F.conv2d(h, p["conv2_weight"], p["conv2_bias"])), 2)
        h = tanh(F.linear(h.flatten(1), p["fc1_weight"], p["fc1_bias"]))
        return F.linear(h, p["fc2_weight"], p["fc2_bias"])


class Tiny:
    def __init__(self, torch, arrays):
        self.torch = torch
        self.a, self.b, self.c = (torch.from_numpy(arrays[k].copy()) for k in "abc")
        self.out = None

    def step(self):
        self.out = self.a * self.b + self.c

    def results(self):
        return {"output": self.out.numpy()}


class SymbolJSON:
    """A network read from MXNet symbol JSON and run with ``torch.nn.functional``: the
    operators of the zoo's ResNets (Convolution, BatchNorm, Activation, Pooling,
    elemwise_add, Flatten, FullyConnected, SoftmaxOutput). ``train``: BatchNorm on batch
    statistics and a backward pass (SoftmaxOutput's gradient, as cross-entropy summed);
    otherwise a forward under ``no_grad`` with the moving statistics."""

    def __init__(self, torch, arrays, symbol_json, train, aux_prefix="aux:"):
        import json
        self.torch, self.F, self.train = torch, torch.nn.functional, train
        self.nodes = json.loads(open(symbol_json).read())["nodes"]
        self.x = torch.from_numpy(arrays["data"].copy())
        self.labels = torch.from_numpy(arrays["softmax_label"].astype(np.int64))
        self.p = {k: torch.from_numpy(v.copy()).requires_grad_(train)
                  for k, v in arrays.items()
                  if k not in ("data", "softmax_label") and not k.startswith(aux_prefix)}
        self.aux = {k[len(aux_prefix):]: torch.from_numpy(v.copy())
                    for k, v in arrays.items() if k.startswith(aux_prefix)}

    def logits(self):
        F, values = self.F, []
        for node in self.nodes:
            op, a = node["op"], node.get("attrs", {})
            ins = [values[i][0] for i, _, _ in node["inputs"]]
            if op == "null":
                name = node["name"]
                value = self.x if name == "data" else self.p.get(name, self.aux.get(name))
            elif op == "Convolution":
                value = F.conv2d(ins[0], ins[1], None if _flag(a.get("no_bias")) else ins[2],
                                 _pair(a.get("stride")), _pair(a.get("pad"), 0),
                                 _pair(a.get("dilate")), int(a.get("num_group", 1)))
            elif op == "BatchNorm":
                value = F.batch_norm(ins[0], ins[3], ins[4], ins[1], ins[2], self.train,
                                     1 - float(a.get("momentum", 0.9)),
                                     float(a.get("eps", 1e-3)))
            elif op == "Activation":
                value = getattr(F, a["act_type"])(ins[0])
            elif op == "Pooling":
                if _flag(a.get("global_pool")):
                    value = F.adaptive_avg_pool2d(ins[0], 1) if a["pool_type"] == "avg" \
                        else F.adaptive_max_pool2d(ins[0], 1)
                else:
                    pool = F.max_pool2d if a["pool_type"] == "max" else F.avg_pool2d
                    value = pool(ins[0], _pair(a["kernel"]), _pair(a.get("stride")),
                                 _pair(a.get("pad"), 0))
            elif op == "elemwise_add":
                value = ins[0] + ins[1]
            elif op == "Flatten":
                value = ins[0].flatten(1)
            elif op == "FullyConnected":
                value = F.linear(ins[0].flatten(1), ins[1], ins[2] if len(ins) > 2 else None)
            else:
                raise ValueError("SymbolJSON: no PyTorch mapping for operator %s" % op)
            values.append((value,))
        return values[-1][0]

    def step(self):
        if not self.train:
            with self.torch.no_grad():
                self._logits = self.logits()
            return
        for t in self.p.values():
            t.grad = None
        logits = self.logits()
        self.F.cross_entropy(logits, self.labels, reduction="sum").backward()
        self._logits = logits

    def results(self):
        with self.torch.no_grad():
            out = {"output": self.torch.softmax(self._logits, dim=1).numpy()}
        if self.train:
            out.update({"grad:" + k: t.grad.numpy() for k, t in self.p.items()})
        return out


def _flag(text) -> bool:
    """MXNet's boolean attribute text ('True', '1', ...)."""
    return str(text).lower() in ("true", "1")


def _pair(text, default=1):
    """``'(2, 2)'`` -> ``(2, 2)``; None -> ``(default, default)``."""
    if not text:
        return (default, default)
    return tuple(int(v) for v in text.strip("()[] ").split(",") if v.strip())
