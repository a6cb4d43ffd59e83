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
