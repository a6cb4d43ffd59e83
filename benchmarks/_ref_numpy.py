"""Hand-written references, written once against an array namespace ``xp`` (NumPy on the
CPU, CuPy on the GPU): what a careful person would write without a framework.

Every class has ``step()`` (one forward+backward) and ``results()`` (output and weight
gradients under MXNet's names) so the benchmarks can check them against symnb each run.
SoftmaxOutput's gradient is ``softmax - onehot`` with no batch averaging (MXNet's default
``normalization='null'``, ``grad_scale=1``).
"""
from __future__ import annotations


def _to_numpy(xp, a):
    return a.get() if hasattr(a, "get") else xp.asarray(a)


class _Base:
    def _load(self, xp, arrays):
        self.xp = xp
        self.x = xp.asarray(arrays["data"])
        self.labels = xp.asarray(arrays["softmax_label"]).astype(xp.int64)
        self.rows = xp.arange(self.x.shape[0])

    def results(self) -> dict:
        out = {"output": _to_numpy(self.xp, self.prob)}
        out.update({"grad:" + k: _to_numpy(self.xp, v) for k, v in self.grads().items()})
        return out


class MLPPrealloc(_Base):
    """Every buffer allocated once; every ufunc and GEMM writes through ``out=``."""

    def __init__(self, xp, arrays, n_layers=3):
        self._load(xp, arrays)
        n = self.x.shape[0]
        self.W = [xp.asarray(arrays["fc%d_weight" % i]) for i in range(1, n_layers + 1)]
        self.b = [xp.asarray(arrays["fc%d_bias" % i]) for i in range(1, n_layers + 1)]
        dt = self.x.dtype
        self.z = [xp.empty((n, w.shape[0]), dt) for w in self.W]        # FC outputs
        self.act = [xp.empty_like(z) for z in self.z[:-1]]              # ReLU outputs
        self.mask = [xp.empty(z.shape, bool) for z in self.z[:-1]]
        self.dz = [xp.empty_like(z) for z in self.z]
        self.dW = [xp.empty_like(w) for w in self.W]
        self.db = [xp.empty_like(b) for b in self.b]
        self.prob = xp.empty_like(self.z[-1])
        self.rowbuf = xp.empty((n, 1), dt)

    def step(self):
        xp, last = self.xp, len(self.W) - 1
        inp = self.x
        for i, (w, b, z) in enumerate(zip(self.W, self.b, self.z, strict=True)):
            xp.dot(inp, w.T, out=z)
            z += b
            if i < last:
                xp.maximum(z, 0, out=self.act[i])
                inp = self.act[i]
        p, rowbuf = self.prob, self.rowbuf
        xp.max(self.z[-1], axis=1, keepdims=True, out=rowbuf)
        xp.subtract(self.z[-1], rowbuf, out=p)
        xp.exp(p, out=p)
        xp.sum(p, axis=1, keepdims=True, out=rowbuf)
        p /= rowbuf
        g = self.dz[-1]
        g[...] = p
        g[self.rows, self.labels] -= 1
        for i in range(last, -1, -1):
            inp = self.x if i == 0 else self.act[i - 1]
            xp.dot(g.T, inp, out=self.dW[i])
            xp.sum(g, axis=0, out=self.db[i])
            if i > 0:
                below = self.dz[i - 1]
                xp.dot(g, self.W[i], out=below)
                xp.greater(self.z[i - 1], 0, out=self.mask[i - 1])
                xp.multiply(below, self.mask[i - 1], out=below)
                g = below

    def grads(self):
        out = {}
        for i, (dw, db) in enumerate(zip(self.dW, self.db, strict=True), start=1):
            out["fc%d_weight" % i], out["fc%d_bias" % i] = dw, db
        return out


class MLPFresh(MLPPrealloc):
    """The same maths as plain expressions: every intermediate is a fresh temporary."""

    def step(self):
        xp, last = self.xp, len(self.W) - 1
        inp, zs, acts = self.x, [], []
        for i, (w, b) in enumerate(zip(self.W, self.b, strict=True)):
            z = inp @ w.T + b
            zs.append(z)
            if i < last:
                inp = xp.maximum(z, 0)
                acts.append(inp)
        e = xp.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
        self.prob = e / e.sum(axis=1, keepdims=True)
        g = self.prob.copy()
        g[self.rows, self.labels] -= 1
        for i in range(last, -1, -1):
            inp = self.x if i == 0 else acts[i - 1]
            self.dW[i] = g.T @ inp
            self.db[i] = g.sum(axis=0)
            if i > 0:
                g = (g @ self.W[i]) * (zs[i - 1] > 0)


class LeNetIm2col(_Base):
    """Convolution as im2col + one GEMM (col2im for the data gradient), 2x2 max pooling by
    reshaping, tanh, two FC layers, SoftmaxOutput. Column buffers are preallocated."""

    def __init__(self, xp, arrays):
        self._load(xp, arrays)
        self.p = {k: xp.asarray(v) for k, v in arrays.items()
                  if k not in ("data", "softmax_label")}
        n = self.x.shape[0]
        self.cols = {}
        for layer, (c, h) in (("conv1", (1, 28)), ("conv2", (20, 12))):
            k, ho = 5, h - 4
            self.cols[layer] = xp.empty((c, k, k, n, ho, ho), self.x.dtype)

    # -- convolution, stride 1, no padding
    def _conv_forward(self, layer, x):
        xp, cols = self.xp, self.cols[layer]
        w, b = self.p[layer + "_weight"], self.p[layer + "_bias"]
        c, k, _, n, ho, wo = cols.shape
        xt = x.transpose(1, 0, 2, 3)
        for i in range(k):
            for j in range(k):
                cols[:, i, j] = xt[:, :, i:i + ho, j:j + wo]
        out = w.reshape(w.shape[0], -1) @ cols.reshape(c * k * k, -1)
        out = out.reshape(w.shape[0], n, ho, wo).transpose(1, 0, 2, 3)
        return xp.add(out, b.reshape(1, -1, 1, 1))

    def _conv_backward(self, layer, dy, need_dx):
        xp, cols = self.xp, self.cols[layer]
        w = self.p[layer + "_weight"]
        c, k, _, n, ho, wo = cols.shape
        f = w.shape[0]
        dy2 = xp.ascontiguousarray(dy.transpose(1, 0, 2, 3)).reshape(f, -1)
        self.g[layer + "_weight"] = (dy2 @ cols.reshape(c * k * k, -1).T).reshape(w.shape)
        self.g[layer + "_bias"] = dy2.sum(axis=1)
        if not need_dx:
            return None
        dcols = (w.reshape(f, -1).T @ dy2).reshape(c, k, k, n, ho, wo)
        dx = xp.zeros((c, n, ho + k - 1, wo + k - 1), dy.dtype)
        for i in range(k):                                   # col2im
            for j in range(k):
                dx[:, :, i:i + ho, j:j + wo] += dcols[:, i, j]
        return dx.transpose(1, 0, 2, 3)

    @staticmethod
    def _pool(a):
        n, c, h, w = a.shape
        windows = a.reshape(n, c, h // 2, 2, w // 2, 2)
        return windows, windows.max(axis=(3, 5))

    def _unpool(self, windows, pooled, dpooled):
        # Exact ties do occur (equal inputs give equal conv outputs); MXNet, like PyTorch,
        # routes the gradient to the first maximum in row-major window order only.
        xp = self.xp
        n, c, ho, _, wo, _ = windows.shape
        flat = windows.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, 4)
        first = flat.argmax(axis=-1)[..., None] == xp.arange(4)
        d = (first * dpooled[..., None]).reshape(n, c, ho, wo, 2, 2)
        return d.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho * 2, wo * 2)

    def step(self):
        xp, p = self.xp, self.p
        self.g = {}
        t1 = xp.tanh(self._conv_forward("conv1", self.x))
        win1, s1 = self._pool(t1)
        t2 = xp.tanh(self._conv_forward("conv2", s1))
        win2, s2 = self._pool(t2)
        flat = s2.reshape(s2.shape[0], -1)
        t3 = xp.tanh(flat @ p["fc1_weight"].T + p["fc1_bias"])
        z = t3 @ p["fc2_weight"].T + p["fc2_bias"]
        e = xp.exp(z - z.max(axis=1, keepdims=True))
        self.prob = e / e.sum(axis=1, keepdims=True)
        dz = self.prob.copy()
        dz[self.rows, self.labels] -= 1
        self.g["fc2_weight"], self.g["fc2_bias"] = dz.T @ t3, dz.sum(axis=0)
        dh3 = (dz @ p["fc2_weight"]) * (1 - t3 * t3)
        self.g["fc1_weight"], self.g["fc1_bias"] = dh3.T @ flat, dh3.sum(axis=0)
        ds2 = (dh3 @ p["fc1_weight"]).reshape(s2.shape)
        dt2 = self._unpool(win2, s2, ds2) * (1 - t2 * t2)
        ds1 = self._conv_backward("conv2", dt2, need_dx=True)
        dt1 = self._unpool(win1, s1, ds1) * (1 - t1 * t1)
        self._conv_backward("conv1", dt1, need_dx=False)     # data gets no gradient

    def grads(self):
        return self.g


class Tiny:
    """(a*b)+c with one preallocated temporary and output."""

    def __init__(self, xp, arrays):
        self.xp = xp
        self.a, self.b, self.c = (xp.asarray(arrays[k]) for k in "abc")
        self.tmp, self.out = xp.empty_like(self.a), xp.empty_like(self.a)

    def step(self):
        self.xp.multiply(self.a, self.b, out=self.tmp)
        self.xp.add(self.tmp, self.c, out=self.out)

    def results(self):
        return {"output": _to_numpy(self.xp, self.out)}
