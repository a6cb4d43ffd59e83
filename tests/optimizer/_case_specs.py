"""The optimizer cases, shared by record.py (MXNet) and the replays (symnb).

Plain data plus :func:`make_array`, which draws an input from its spec with NumPy's legacy
``RandomState`` (stable across NumPy versions); the recorded JSON also keeps every input, so
the replay never depends on this drawing.
"""
from __future__ import annotations

import numpy as np


def make_array(spec):
    """The values of one array spec (``value`` constant, or uniform in ``[low, high)``).

    >>> make_array({'shape': [2], 'dtype': 'float32', 'value': 3.0}).tolist()
    [3.0, 3.0]
    """
    shape = tuple(spec["shape"])
    if "value" in spec:
        return np.full(shape, spec["value"], dtype=spec["dtype"])
    rs = np.random.RandomState(spec["seed"])
    low, high = spec.get("low", -1.0), spec.get("high", 1.0)
    return rs.uniform(low, high, size=shape).astype(spec["dtype"])


def _a(seed, shape=(3, 4), dtype="float32", low=-1.0, high=1.0):
    return {"shape": list(shape), "dtype": dtype, "seed": seed, "low": low, "high": high}


def _c(value, shape=(1,), dtype="float32"):
    return {"shape": list(shape), "dtype": dtype, "value": value}


W, G = _a(1), _a(2, low=-2.0, high=2.0)
M, POS, POS2 = _a(3, low=-0.5, high=0.5), _a(4, low=0.0, high=1.0), _a(5, low=0.5, high=1.0)
W16, G16 = _a(1, dtype="float16"), _a(2, dtype="float16", low=-2.0, high=2.0)
W32 = _a(1)         # the float32 copy of W16 (same draw; cast differently)
SMALL = _a(6, low=-0.3, high=0.3)


def _op(name, function, inputs, kwargs, out=0):
    return {"name": "%s_%d" % (name, len([c for c in OP_CASES if c["op"] == name])),
            "op": name, "function": function, "inputs": inputs, "kwargs": kwargs, "out": out}


OP_CASES: list = []


def _add(name, inputs, variants, function=None, out=0):
    for kwargs in variants:
        OP_CASES.append(_op(name, function or "nd." + name, inputs, kwargs, out))


_SGD_VARIANTS = [{"lr": 0.1}, {"lr": 0.05, "wd": 0.01, "rescale_grad": 0.5},
                 {"lr": 0.1, "wd": 0.001, "clip_gradient": 0.3}, {"lr": 0.2, "clip_gradient": 0.0}]
_MOM_VARIANTS = [dict(v, momentum=0.9) for v in _SGD_VARIANTS] + [{"lr": 0.1}]
_add("sgd_update", [W, G], _SGD_VARIANTS)
_add("sgd_update", [W, G], [{"lr": 0.1, "wd": 0.1}], out=None)
_add("sgd_mom_update", [W, G, M], _MOM_VARIANTS)
_add("mp_sgd_update", [W16, G16, W32], _SGD_VARIANTS)
_add("mp_sgd_mom_update", [W16, G16, M, W32], _MOM_VARIANTS)
_add("nag_mom_update", [W, G, M], _MOM_VARIANTS)
_add("nag_mom_update", [W, G, M], [{"lr": 0.1, "momentum": 0.9, "wd": 0.1}], out=None)
_add("mp_nag_mom_update", [W16, G16, M, W32], _MOM_VARIANTS)
_add("adam_update", [W, G, M, POS],
     [{"lr": 0.01}, {"lr": 0.01, "wd": 0.1, "rescale_grad": 0.5, "beta1": 0.8},
      {"lr": 0.02, "clip_gradient": 0.5, "epsilon": 1e-3, "beta2": 0.99}])
_add("rmsprop_update", [W, G, POS],
     [{"lr": 0.01}, {"lr": 0.01, "wd": 0.1, "rescale_grad": 0.5, "gamma1": 0.8},
      {"lr": 0.5, "clip_gradient": 0.5, "clip_weights": 0.6, "epsilon": 1e-3}])
_add("rmspropalex_update", [W, SMALL, POS2, SMALL, M],
     [{"lr": 0.01}, {"lr": 0.01, "wd": 0.1, "rescale_grad": 0.5, "gamma1": 0.8, "gamma2": 0.7},
      {"lr": 0.5, "clip_gradient": 0.2, "clip_weights": 0.6}])
_add("ftml_update", [W, G, POS, POS2, M],
     [{"lr": 0.01, "t": 1}, {"lr": 0.01, "t": 3, "wd": 0.1, "rescale_grad": 0.5},
      {"lr": 0.02, "t": 2, "clip_grad": 0.5, "beta1": 0.5, "epsilon": 1e-3}])
_add("ftrl_update", [W, G, M, POS],
     [{"lr": 0.1}, {"lr": 0.1, "lamda1": 0.2, "beta": 0.5, "wd": 0.1, "rescale_grad": 0.5},
      {"lr": 0.05, "clip_gradient": 0.5}])
_add("signsgd_update", [W, G], [{"lr": 0.1}, {"lr": 0.1, "wd": 0.1, "rescale_grad": 0.5,
                                               "clip_gradient": 0.3}])
_add("signum_update", [W, G, M], [{"lr": 0.1, "momentum": 0.9},
                                   {"lr": 0.1, "momentum": 0.5, "wd": 0.1, "wd_lh": 0.2,
                                    "rescale_grad": 0.5, "clip_gradient": 0.3}])
_LAMB1 = [{"t": 1, "wd": 0.01}, {"t": 4, "wd": 0.0, "bias_correction": False},
          {"t": 2, "wd": 0.1, "rescale_grad": 0.5, "clip_gradient": 0.3, "beta1": 0.8,
           "epsilon": 1e-4}]
_add("lamb_update_phase1", [W, G, M, POS], _LAMB1, out=None)
_add("mp_lamb_update_phase1", [W16, G16, M, POS, W32], _LAMB1, out=None)
_LAMB2 = [{"lr": 0.1}, {"lr": 0.1, "lower_bound": 3.0}, {"lr": 0.1, "upper_bound": 0.5}]
_add("lamb_update_phase2", [W, G, _c(2.0), _c(4.0)], _LAMB2)
_add("lamb_update_phase2", [W, G, _c(0.0), _c(4.0)], [{"lr": 0.1}])
_add("mp_lamb_update_phase2", [W16, G, _c(2.0), _c(4.0), W32], _LAMB2)

W_B, G_B, M_B, W_B16, G_B16 = (_a(11, (5,)), _a(12, (5,), low=-2.0, high=2.0),
                               _a(13, (5,), low=-0.5, high=0.5), _a(11, (5,), "float16"),
                               _a(12, (5,), "float16", low=-2.0, high=2.0))
_MULTI = [{"lrs": (0.1, 0.05), "wds": (0.0, 0.01), "num_weights": 2},
          {"lrs": (0.1, 0.2), "wds": (0.001, 0.1), "num_weights": 2, "rescale_grad": 0.5,
           "clip_gradient": 0.4}]
_MULTI_MOM = [dict(v, momentum=0.9) for v in _MULTI]
_add("multi_sgd_update", [W, G, W_B, G_B], _MULTI, out=[0, 2])
_add("multi_sgd_mom_update", [W, G, M, W_B, G_B, M_B], _MULTI_MOM, out=[0, 3])
_add("multi_mp_sgd_update", [W16, G16, W32, W_B16, G_B16, W_B], _MULTI, out=[0, 3])
_add("multi_mp_sgd_mom_update", [W16, G16, M, W32, W_B16, G_B16, M_B, W_B], _MULTI_MOM,
     out=[0, 4])
# float32 weights given to the mixed-precision forms (the multi form then ignores the master
# copy), and a master copy of the wrong shape (MXNet's error text)
_add("multi_mp_sgd_mom_update", [W, G, M, W32, W_B, G_B, M_B, W_B], _MULTI_MOM[:1],
     out=[0, 4])
_add("mp_sgd_mom_update", [W, G, M, W32], _MOM_VARIANTS[:1])
_add("multi_mp_sgd_mom_update", [W, G, M, W_B16, W_B, G_B, M_B, W_B], _MULTI_MOM[:1],
     out=[0, 4])
_add("mp_sgd_mom_update", [W, G, M, W_B16], _MOM_VARIANTS[:1])
# float16 weights without a master copy: MXNet computes in half (mixed with float scalars)
M16, POS16 = _a(3, dtype="float16", low=-0.5, high=0.5), _a(4, dtype="float16", low=0.0,
                                                              high=1.0)
_add("sgd_update", [W16, G16], _SGD_VARIANTS[1:3])
_add("sgd_mom_update", [W16, G16, M16], _MOM_VARIANTS[1:3])
_add("nag_mom_update", [W16, G16, M16], _MOM_VARIANTS[1:2])
_add("adam_update", [W16, G16, M16, POS16], [{"lr": 0.01, "wd": 0.1, "rescale_grad": 0.5}])
_add("multi_sgd_mom_update", [W16, G16, M16, W_B16, G_B16, _a(13, (5,), "float16")],
     _MULTI_MOM[1:], out=[0, 3])
_PRE = [{"num_weights": 2}, {"num_weights": 2, "rescale_grad": 0.5, "clip_gradient": 0.4}]
LRS, WDS = ({"shape": [2], "dtype": "float32", "seed": 21, "low": 0.01, "high": 0.2},
            {"shape": [2], "dtype": "float32", "seed": 22, "low": 0.0, "high": 0.1})
_add("preloaded_multi_sgd_update", [W, G, W_B, G_B, LRS, WDS], _PRE, out=[0, 2])
_add("preloaded_multi_sgd_mom_update", [W, G, M, W_B, G_B, M_B, LRS, WDS],
     [dict(v, momentum=0.9) for v in _PRE], out=[0, 3])
_add("preloaded_multi_mp_sgd_update", [W16, G16, W32, W_B16, G_B16, W_B, LRS, WDS], _PRE,
     out=[0, 3])
_add("preloaded_multi_mp_sgd_mom_update",
     [W16, G16, M, W32, W_B16, G_B16, M_B, W_B, LRS, WDS],
     [dict(v, momentum=0.9) for v in _PRE], out=[0, 4])
_add("multi_sum_sq", [W, G_B], [{"num_arrays": 2}], out=None)
_add("multi_lars", [LRS, _a(23, (2,), low=0.0, high=4.0), _a(24, (2,), low=0.0, high=9.0),
                    WDS], [{"eta": 0.5, "eps": 0.001}, {"eta": 1.0, "eps": 0.0,
                                                         "rescale_grad": 0.25}], out=None)
_add("multi_lars", [LRS, _c(0.0, (2,)), _a(24, (2,), low=0.0, high=9.0), WDS],
     [{"eta": 1.0, "eps": 0.0}], out=None)
_add("multi_all_finite", [W, G_B], [{"num_arrays": 2}], out=None)
RESCALE1 = _c(0.5)
_ADAMW = [{"lr": 0.01, "eta": 1.0}, {"lr": 0.01, "eta": 0.5, "wd": 0.1, "beta1": 0.8},
          {"lr": 0.02, "eta": 1.0, "clip_gradient": 0.3, "epsilon": 1e-3}]
_add("_adamw_update", [W, G, M, POS, RESCALE1], _ADAMW, function="nd._internal._adamw_update")
_add("_mp_adamw_update", [W16, G16, M, POS, W32, RESCALE1], _ADAMW,
     function="nd._internal._mp_adamw_update")
_add("_adamw_update", [W, G, M, POS, _c(0.0)], [{"lr": 0.01, "eta": 1.0}],
     function="nd._internal._adamw_update")
POS_B = _a(14, (5,), low=0.0, high=1.0)
_MULTI_ADAMW = [{"lrs": (0.01, 0.02), "wds": (0.0, 0.1), "etas": (1.0, 0.5), "num_weights": 2},
                {"lrs": (0.01, 0.02), "wds": (0.01, 0.0), "etas": (1.0, 1.0), "num_weights": 2,
                 "clip_gradient": 0.3, "beta1": 0.8}]
_add("_multi_adamw_update", [W, G, M, POS, W_B, G_B, M_B, POS_B, RESCALE1], _MULTI_ADAMW,
     function="nd._internal._multi_adamw_update", out=[0, 4])
_add("_multi_mp_adamw_update", [W16, G16, M, POS, W32, W_B16, G_B16, M_B, POS_B, W_B, RESCALE1],
     _MULTI_ADAMW, function="nd._internal._multi_mp_adamw_update", out=[0, 5])
_MULTI_LAMB = [{"learning_rates": (0.01, 0.02), "wds": (0.0, 0.1), "step_count": (1, 3),
                "num_tensors": 2},
               {"learning_rates": (0.01, 0.02), "wds": (0.01, 0.0), "step_count": (2, 2),
                "num_tensors": 2, "bias_correction": False, "rescale_grad": 0.5,
                "clip_gradient": 0.3},
               {"learning_rates": (0.01, 0.02), "wds": (0.01, 0.0), "step_count": (2, 5),
                "num_tensors": 2, "lower_bound": 2.0, "upper_bound": 2.5}]
_add("_multi_lamb_update", [W, G, M, POS, W_B, G_B, M_B, POS_B], _MULTI_LAMB,
     function="nd._internal._multi_lamb_update", out=[0, 4])
_add("_multi_mp_lamb_update", [W16, G16, M, POS, W32, W_B16, G_B16, M_B, POS_B, W_B],
     _MULTI_LAMB, function="nd._internal._multi_mp_lamb_update", out=[0, 5])
_add("_sparse_adagrad_update", [W, G, POS], [{"lr": 0.1}], function="nd.sparse.adagrad_update")
_add("_contrib_group_adagrad_update", [W, G, _a(15, (3, 1), low=0.0, high=1.0)], [{"lr": 0.1}],
     function="nd.contrib.group_adagrad_update")


# ---------------------------------------------------------------- optimizers
def _p(seed, shape, dtype="float32", key=None):
    spec = {"shape": list(shape), "dtype": dtype, "seed": seed, "low": -1.0, "high": 1.0}
    if key is not None:
        spec["key"] = key
    return spec


PARAMS = [_p(31, (3, 2)), _p(32, (3,)), _p(33, (2, 1, 2))]
PARAMS16 = [_p(31, (3, 2), "float16"), _p(32, (3,), "float16")]
MANY = [_p(40 + i, (2, i + 1)) for i in range(6)]      # more than one aggregation group
IDX2NAME = {"0": "fc_weight", "1": "fc_bias", "2": "bn_gamma"}
OPTIMIZER_CASES: list = []


def _opt(name, kwargs, params=None, mode="updater", steps=3, **extra):
    case = {"name": "%s_%d" % (name, len([c for c in OPTIMIZER_CASES
                                          if c["optimizer"] == name])),
            "optimizer": name, "kwargs": kwargs, "params": params or PARAMS, "mode": mode,
            "steps": steps}
    case.update(extra)
    OPTIMIZER_CASES.append(case)


_COMMON = [{}, {"wd": 0.01, "rescale_grad": 0.5}, {"clip_gradient": 0.4, "wd": 0.001}]
for _kw in _COMMON + [{"momentum": 0.9}, {"momentum": 0.9, "wd": 0.01, "clip_gradient": 0.5,
                                          "rescale_grad": 0.25}]:
    _opt("sgd", dict(_kw, learning_rate=0.1))
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}, mode="direct")
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}, idx2name=IDX2NAME)
_opt("sgd", {"learning_rate": 0.1, "wd": 0.01}, idx2name=IDX2NAME,
     lr_mult={"fc_weight": 2.0, "1": 0.5}, wd_mult={"bn_gamma": 3.0})
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.1},
     params=[_p(31, (3, 4), key="fc_weight"), _p(32, (3,), key="fc_bias")],
     sym={"weight_attrs": {"lr_mult": "2.0"}, "bias_attrs": {"wd_mult": "0.5"}})
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9}, params=MANY)
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9, "multi_precision": True}, params=PARAMS16)
_opt("sgd", {"learning_rate": 0.1, "multi_precision": True}, params=PARAMS16)
_opt("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}, params=PARAMS16)
_opt("sgd", {"momentum": 0.9}, steps=7,
     lr_scheduler={"class": "FactorScheduler", "kwargs": {"step": 2, "factor": 0.5,
                                                          "base_lr": 0.2}})
_opt("sgd", {"learning_rate": 0.1, "begin_num_update": 5}, steps=3,
     lr_scheduler={"class": "MultiFactorScheduler", "kwargs": {"step": [6, 7], "factor": 0.1}})
for _kw in _COMMON + [{"momentum": 0.9, "wd": 0.01}]:
    _opt("nag", dict(_kw, learning_rate=0.1))
_opt("nag", {"learning_rate": 0.1, "momentum": 0.9, "multi_precision": True}, params=PARAMS16)
for _name, _extra in (("adam", [{"beta1": 0.8, "epsilon": 1e-4}]),
                      ("adagrad", [{"eps": 1e-3}]),
                      ("rmsprop", [{"gamma1": 0.8}, {"centered": True},
                                   {"centered": True, "gamma2": 0.7, "clip_weights": 0.5},
                                   {"clip_weights": 0.5}]),
                      ("adadelta", [{"rho": 0.8}]),
                      ("adamax", [{"beta1": 0.8}]),
                      ("nadam", [{"schedule_decay": 0.01}]),
                      ("ftrl", [{"lamda1": 0.1, "beta": 0.5}]),
                      ("ftml", [{"beta1": 0.5}]),
                      ("signum", [{"momentum": 0.0}, {"wd_lh": 0.1}]),
                      ("dcasgd", [{"momentum": 0.9}, {"lamda": 0.5}]),
                      ("lamb", [{"bias_correction": False}, {"lower_bound": 0.5,
                                                             "upper_bound": 2.0}]),
                      ("lars", [{"momentum": 0.9, "eta": 0.01},
                                {"momentum": 0.9, "eta": 0.01, "momentum_correction": False}]),
                      ("lbsgd", [{"momentum": 0.9}]),
                      ("test", [])):
    for _kw in _COMMON + _extra:
        _opt(_name, dict(_kw, learning_rate=0.1) if _name != "test" else _kw,
             **({"idx2name": IDX2NAME} if _name == "lars" else {}))
for _kw in ({}, {"rescale_grad": 0.5, "clip_gradient": 0.4}):
    _opt("groupadagrad", dict(_kw, learning_rate=0.1), params=[_p(31, (3, 2)), _p(33, (4, 3))])
_opt("adam", {"learning_rate": 0.1}, mode="direct")
_opt("lamb", {"learning_rate": 0.1, "wd": 0.01}, mode="direct")
_opt("lamb", {"learning_rate": 0.1, "multi_precision": True}, params=PARAMS16)
_opt("lamb", {"learning_rate": 0.1, "multi_precision": True}, params=PARAMS16, mode="direct")
_opt("lars", {"learning_rate": 0.1, "momentum": 0.9, "multi_precision": True},
     params=PARAMS16)
_opt("adam", {"learning_rate": 0.1, "multi_precision": True}, params=PARAMS16)
_opt("lars", {"momentum": 0.9, "eta": 0.01}, steps=5,
     lr_scheduler={"class": "PolyScheduler", "kwargs": {"max_update": 4, "base_lr": 0.2}})


# ---------------------------------------------------------------- schedulers
_RANGE = list(range(0, 31))
SCHEDULER_CASES = [
    {"class": "FactorScheduler", "kwargs": {"step": 5, "factor": 0.5}, "num_updates": _RANGE},
    {"class": "FactorScheduler", "kwargs": {"step": 3, "factor": 0.1, "stop_factor_lr": 1e-4,
                                            "base_lr": 0.1}, "num_updates": _RANGE},
    {"class": "FactorScheduler", "kwargs": {"step": 4, "factor": 0.9, "base_lr": 1.0,
                                            "warmup_steps": 6, "warmup_begin_lr": 0.1},
     "num_updates": _RANGE},
    {"class": "FactorScheduler", "kwargs": {"step": 4, "factor": 0.9, "warmup_steps": 6,
                                            "warmup_mode": "constant",
                                            "warmup_begin_lr": 0.001}, "num_updates": _RANGE},
    {"class": "FactorScheduler", "kwargs": {"step": 2, "factor": 0.5},
     "num_updates": [1, 20, 3, 25, 40]},
    {"class": "MultiFactorScheduler", "kwargs": {"step": [3, 7, 12], "factor": 0.5},
     "num_updates": _RANGE},
    {"class": "MultiFactorScheduler", "kwargs": {"step": [5, 9], "factor": 0.1, "base_lr": 1.0,
                                                 "warmup_steps": 4, "warmup_begin_lr": 0.5},
     "num_updates": _RANGE},
    {"class": "MultiFactorScheduler", "kwargs": {"step": [2, 4, 6], "factor": 0.5},
     "num_updates": [0, 10, 1, 12]},
    {"class": "PolyScheduler", "kwargs": {"max_update": 20, "base_lr": 0.5, "pwr": 2},
     "num_updates": _RANGE},
    {"class": "PolyScheduler", "kwargs": {"max_update": 20, "base_lr": 0.5, "pwr": 1,
                                          "final_lr": 0.01, "warmup_steps": 5,
                                          "warmup_begin_lr": 0.1}, "num_updates": _RANGE},
    {"class": "CosineScheduler", "kwargs": {"max_update": 25, "base_lr": 0.3},
     "num_updates": _RANGE},
    {"class": "CosineScheduler", "kwargs": {"max_update": 25, "base_lr": 0.3, "final_lr": 0.05,
                                            "warmup_steps": 8, "warmup_begin_lr": 0.01,
                                            "warmup_mode": "linear"}, "num_updates": _RANGE},
    {"class": "CosineScheduler", "kwargs": {"max_update": 10, "base_lr": 0.3,
                                            "warmup_steps": 3, "warmup_mode": "constant"},
     "num_updates": _RANGE},
    {"class": "FactorScheduler", "kwargs": {"step": 0}, "num_updates": []},
    {"class": "FactorScheduler", "kwargs": {"step": 2, "factor": 1.5}, "num_updates": []},
    {"class": "MultiFactorScheduler", "kwargs": {"step": [3, 2]}, "num_updates": []},
    {"class": "MultiFactorScheduler", "kwargs": {"step": [0, 2]}, "num_updates": []},
    {"class": "PolyScheduler", "kwargs": {"max_update": 0}, "num_updates": []},
    {"class": "CosineScheduler", "kwargs": {"max_update": 5, "base_lr": 0.1,
                                            "warmup_begin_lr": 0.2}, "num_updates": []},
    {"class": "CosineScheduler", "kwargs": {"max_update": 5, "warmup_steps": -1},
     "num_updates": []},
    {"class": "LRScheduler", "kwargs": {"warmup_mode": "cubic"}, "num_updates": []},
]
