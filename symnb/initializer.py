"""``mx.init`` / ``mx.initializer``: parameter initializers with MXNet's JSON form.

An initializer is called as ``init(name_or_desc, arr)`` and fills ``arr`` in place. Which
rule applies follows MXNet: an ``__init__`` attribute on the variable (an initializer's
``dumps()`` JSON) wins; otherwise the name's suffix decides (``weight`` -> the initializer's
weight rule, ``bias``/``beta``/``moving_mean`` -> 0, ``gamma``/``moving_var`` -> 1).
"""
from __future__ import annotations

import json

import numpy as np

from .ndarray import NDArray
from .ndarray import random as _random

__all__ = ["InitDesc", "Initializer", "Zero", "One", "Constant", "Uniform", "Normal", "Xavier",
           "register", "create"]

_REGISTRY: dict[str, type] = {}


def register(klass):
    """Register an initializer class under its lower-case name (used by :func:`create`).

    >>> register(Zero) is Zero
    True
    """
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def create(spec):
    """An initializer from an instance, a registered name or ``dumps()`` JSON.

    >>> create('["uniform", {"scale": 0.5}]').scale
    0.5
    """
    if isinstance(spec, Initializer):
        return spec
    if not isinstance(spec, str):
        raise TypeError("an initializer spec must be an Initializer, a name or its dumps() "
                        "JSON, got %s" % type(spec).__name__)
    name, kwargs = spec, {}
    if spec.startswith("["):
        try:
            parsed = json.loads(spec)
        except ValueError as e:
            raise ValueError("Invalid initializer spec %r: not JSON (%s); expected "
                             "'[\"<name>\", {<kwargs>}]'" % (spec, e)) from None
        if not (isinstance(parsed, list) and len(parsed) == 2 and isinstance(parsed[0], str)
                and isinstance(parsed[1], dict)):
            raise ValueError("Invalid initializer spec %r: expected '[\"<name>\", {<kwargs>}]'"
                             % spec)
        name, kwargs = parsed
    klass = _REGISTRY.get(name.lower())
    if klass is None:
        raise ValueError("Unknown initializer %r; registered: %s"
                         % (name, ", ".join(sorted(_REGISTRY))))
    try:
        return klass(**kwargs)
    except TypeError as e:
        raise TypeError("Invalid initializer spec %r: %s" % (spec, e)) from None


class InitDesc(str):
    """A parameter name with its variable attributes (``__init__`` selects an initializer).

    >>> d = InitDesc('fc1_weight', attrs={'__init__': '["zero", {}]'}); d, d.attrs['__init__']
    ('fc1_weight', '["zero", {}]')
    """

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class: ``dumps()`` gives MXNet's JSON, calling fills an NDArray by name.

    >>> import symnb as mx
    >>> w = mx.nd.zeros((2,)); mx.init.One()('fc_gamma', w); w.asnumpy()
    array([1., 1.], dtype=float32)
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def dumps(self) -> str:
        """``'["<name>", {kwargs}]'``, the string stored in a variable's ``__init__``.

        >>> Uniform(0.1).dumps()
        '["uniform", {"scale": 0.1}]'
        """
        return json.dumps([type(self).__name__.lower(), self._kwargs])

    def __repr__(self):
        return self.dumps()

    def __call__(self, desc, arr: NDArray) -> None:
        if not isinstance(arr, NDArray):
            raise TypeError("arr must be NDArray")
        if not isinstance(desc, str):
            raise TypeError("name must be string")
        init = getattr(desc, "attrs", {}).get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            return
        for suffix, rule in (("weight", self._init_weight), ("bias", self._init_zero),
                             ("gamma", self._init_one), ("beta", self._init_zero),
                             ("moving_mean", self._init_zero), ("moving_var", self._init_one),
                             ("moving_inv_var", self._init_zero),
                             ("moving_avg", self._init_zero), ("min", self._init_zero),
                             ("max", self._init_one)):
            if desc.endswith(suffix):
                rule(desc, arr)
                return
        raise ValueError(
            'Unknown initialization pattern for %s. Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0). Please use '
            'mx.sym.Variable(init=mx.init.*) to set initialization pattern' % desc)

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_weight(self, name, arr):
        raise NotImplementedError("%s must implement _init_weight" % type(self).__name__)


@register
class Zero(Initializer):
    """Fill with 0.

    >>> Zero().dumps()
    '["zero", {}]'
    """

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
class One(Initializer):
    """Fill with 1.

    >>> One().dumps()
    '["one", {}]'
    """

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Fill with a constant (a scalar or anything broadcastable to the array).

    >>> Constant(0.5).dumps()
    '["constant", {"value": 0.5}]'
    """

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value


@register
class Uniform(Initializer):
    """Samples from ``U(-scale, scale)``.

    >>> Uniform().dumps()
    '["uniform", {"scale": 0.07}]'
    """

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _random.uniform(-self.scale, self.scale, out=arr)


@register
class Normal(Initializer):
    """Samples from ``N(0, sigma**2)``.

    >>> Normal().dumps()
    '["normal", {"sigma": 0.01}]'
    """

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _random.normal(0, self.sigma, out=arr)


@register
class Xavier(Initializer):
    """Xavier/Glorot: scale ``sqrt(magnitude / factor)`` from the fan-in/fan-out.

    >>> Xavier().dumps()
    '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'
    """

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError("Xavier initializer cannot be applied to vector {0}. It requires at"
                             " least 2D.".format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _random.uniform(-scale, scale, out=arr)
        elif self.rnd_type == "gaussian":
            _random.normal(0, scale, out=arr)
        else:
            raise ValueError("Unknown random type")
