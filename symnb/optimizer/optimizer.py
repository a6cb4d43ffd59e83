"""Weight-updating rules (``mx.optimizer``): MXNet 1.9.1's optimizers, names and semantics.

An :class:`Optimizer` turns ``(index, weight, grad, state)`` into an in-place update of
``weight`` and ``state``. Learning rate and weight decay per parameter come from the global
``lr``/``wd`` (or the ``lr_scheduler``) times multipliers: ``param_dict`` (gluon-style objects
with ``lr_mult``/``wd_mult``), then ``lr_mult``/``wd_mult`` keyed by index, then keyed by name
through ``idx2name``. With ``idx2name`` given, parameters whose name does not end in
``_weight`` or ``_gamma`` get ``wd_mult = 0``; a ``sym`` contributes its variables'
``__lr_mult__``/``__wd_mult__`` attributes. Updates go through the fused update operators
(``symnb/ops/optimizer_op.py``) exactly where MXNet calls them, and through NDArray arithmetic
where MXNet writes Python (AdaGrad, AdaDelta, Adamax, Nadam, DCASGD, SGLD).

:class:`Updater` keeps the states per index; ``get_states``/``set_states`` use a safe format
(see :mod:`symnb.optimizer._states`), never pickle. Every optimizer lives in this one module,
as in MXNet, so that code importing ``mxnet.optimizer.optimizer.Adam`` finds it here too.
"""
from __future__ import annotations

import logging
import math
import os
import warnings

import numpy

from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ["Optimizer", "SGD", "Signum", "FTML", "LARS", "LBSGD", "LAMB", "DCASGD", "NAG",
           "SGLD", "ccSGD", "Adam", "AdaGrad", "RMSProp", "AdaDelta", "Ftrl", "Adamax",
           "Nadam", "Test", "create", "register"]


_LOG = logging.getLogger(__name__)


def _aggregation_size(default: str) -> int:
    return int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", default))


class Optimizer:
    """The base class of all optimizers.

    Parameters
    ----------
    rescale_grad : float, optional, default 1.0
        Multiply the gradient by this before updating (often ``1.0/batch_size``).
    param_idx2name : dict of int to str, optional
        Names of the parameters by index (enables name-keyed multipliers).
    wd : float, optional, default 0.0
        Weight decay (L2 regularization) coefficient.
    clip_gradient : float, optional
        Clip the gradient to ``[-clip_gradient, clip_gradient]``.
    learning_rate : float, optional
        The learning rate; overrides the scheduler's ``base_lr``. Default 0.01.
    lr_scheduler : LRScheduler, optional
        The learning rate scheduler.
    sym : Symbol, optional
        The symbol whose ``__lr_mult__``/``__wd_mult__`` attributes set multipliers.
    begin_num_update : int, optional, default 0
        The initial number of updates.
    multi_precision : bool, optional, default False
        Keep a float32 master copy of float16 weights and update it.
    param_dict : dict of int to Parameter, optional
        Objects with ``lr_mult``/``wd_mult`` attributes, by index.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.create('sgd', learning_rate=0.1, wd=0.01,
    ...                           param_idx2name={0: 'fc_weight', 1: 'fc_bias'})
    >>> opt._get_lr(0), opt._get_wd(0), opt._get_wd(1)
    (0.1, 0.01, 0.0)
    """

    opt_registry: dict = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                # MXNet prints (not warns) this message
                print(UserWarning("learning rate from ``lr_scheduler`` has been "
                                  "overwritten by ``learning_rate`` in optimizer."))
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), \
            "param_idx2name should be a dict of param indexes to names."
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ------------------------------------------------------------------ registry
    @staticmethod
    def register(klass):
        """Register an optimizer class under its lower-cased name.

        >>> import symnb as mx
        >>> @mx.optimizer.Optimizer.register
        ... class MyOptimizer(mx.optimizer.Optimizer):
        ...     pass
        >>> type(mx.optimizer.Optimizer.create_optimizer('MyOptimizer')).__name__
        'MyOptimizer'
        """
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn("WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s"
                          % (klass.__module__, klass.__name__,
                             Optimizer.opt_registry[name].__module__,
                             Optimizer.opt_registry[name].__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """Instantiate a registered optimizer by (case-insensitive) name.

        >>> import symnb as mx
        >>> type(mx.optimizer.Optimizer.create_optimizer('adam', learning_rate=.1)).__name__
        'Adam'
        >>> mx.optimizer.create('nope')
        Traceback (most recent call last):
        ...
        ValueError: Cannot find optimizer nope
        """
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError("Cannot find optimizer %s" % name)

    # ------------------------------------------------------------------ rates
    @property
    def learning_rate(self):
        """The current learning rate (the scheduler's at ``num_update``, if any).

        >>> import symnb as mx
        >>> mx.optimizer.SGD(learning_rate=0.1).learning_rate
        0.1
        >>> sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
        >>> opt = mx.optimizer.SGD(lr_scheduler=sched); opt.num_update = 3; opt.learning_rate
        0.25
        """
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Set the learning rate (only without an ``lr_scheduler``).

        >>> import symnb as mx
        >>> opt = mx.optimizer.SGD(learning_rate=0.1)
        >>> opt.set_learning_rate(0.5); opt.learning_rate
        0.5
        """
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of "
                              "the optimizer only when the LRScheduler of the optimizer is "
                              "undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        """[DEPRECATED] Use :meth:`set_lr_mult`.

        >>> import symnb as mx
        >>> mx.optimizer.SGD().set_lr_scale({0: 2.0})
        Traceback (most recent call last):
        ...
        DeprecationWarning
        """
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Set learning-rate multipliers by name (with ``sym``) or by index.

        The symbol's ``__lr_mult__`` variable attributes come first; ``args_lr_mult`` wins.

        >>> import symnb as mx
        >>> opt = mx.optimizer.SGD(learning_rate=0.1)
        >>> opt.set_lr_mult({0: 2.0}); opt.lr_mult
        {0: 2.0}
        >>> opt._get_lr(0)
        0.2
        """
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__lr_mult__" in attr[name]:
                    self.lr_mult[name] = float(attr[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Set weight-decay multipliers by name or index.

        Names from ``idx2name`` that end in neither ``_weight`` nor ``_gamma`` get 0, then the
        symbol's ``__wd_mult__`` attributes, then ``args_wd_mult``.

        >>> import symnb as mx
        >>> opt = mx.optimizer.SGD(param_idx2name={0: 'fc_weight', 1: 'fc_bias'})
        >>> opt.wd_mult
        {'fc_bias': 0.0}
        >>> opt.set_wd_mult({'fc_weight': 0.5}); opt.wd_mult
        {'fc_bias': 0.0, 'fc_weight': 0.5}
        """
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        self._sym_wd_mult()
        self.wd_mult.update(args_wd_mult)

    def _sym_wd_mult(self):
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])

    def _set_current_context(self, device_id):
        """Switch the per-index update counts to another device's."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        """Count one more update of each index; ``num_update`` is the largest count."""
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _base_lr(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def _scaled(self, base, indices, mults, attr):
        values = [base for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                values[i] *= getattr(self.param_dict[index], attr)
            elif index in mults:
                values[i] *= mults[index]
            elif index in self.idx2name:
                values[i] *= mults.get(self.idx2name[index], 1.0)
        return values

    def _get_lrs(self, indices):
        """Learning rates of the given indices."""
        return self._scaled(self._base_lr(), indices, self.lr_mult, "lr_mult")

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        """Weight decays of the given indices."""
        return self._scaled(self.wd, indices, self.wd_mult, "wd_mult")

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    # ------------------------------------------------------------------ states and updates
    def create_state(self, index, weight):
        """The auxiliary state (momentum, moments, ...) of one weight; called once.

        The base optimizer keeps no state:

        >>> import symnb as mx
        >>> print(mx.optimizer.Optimizer().create_state(0, mx.nd.ones((2,))))
        None
        """

    def create_state_multi_precision(self, index, weight):
        """Like :meth:`create_state`, with a float32 master copy of a float16 weight.

        The state is then ``(master, create_state(index, master))``:

        >>> import symnb as mx
        >>> opt = mx.optimizer.Adam(multi_precision=True)
        >>> master, (mean, var) = opt.create_state_multi_precision(
        ...     0, mx.nd.ones((2,), dtype='float16'))
        >>> master.asnumpy(), mean.dtype
        (array([1., 1.], dtype=float32), <class 'numpy.float32'>)
        """
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (master,) + (self.create_state(index, master),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or "
                          "slow convergence. Consider using multi_precision=True option of the "
                          "optimizer")
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Update ``weight`` (and ``state``) in place from ``grad``.

        Every optimizer overrides this; the base class cannot update:

        >>> import symnb as mx
        >>> w = mx.nd.ones((2,))
        >>> mx.optimizer.Optimizer().update(0, w, w, None)
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        """:meth:`update`, through the float32 master copy where there is one.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Adam(learning_rate=0.1, multi_precision=True)
        >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
        >>> state = opt.create_state_multi_precision(0, w)
        >>> opt.update_multi_precision(0, w, g, state); w.asnumpy(), state[0].asnumpy().round(4)
        (array([0.9, 0.9], dtype=float16), array([0.9, 0.9], dtype=float32))
        """
        if self.multi_precision and weight.dtype == numpy.float16:
            master, inner = state[0], state[1]
            self.update(index, master, grad.astype(numpy.float32), inner)
            nd.cast(master, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    def _common_kwargs(self, momentum=None):
        kwargs = {"rescale_grad": self.rescale_grad}
        if momentum is not None and momentum > 0:
            kwargs["momentum"] = momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        return kwargs

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["param_dict"]       # set again by whoever owns the parameters
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


def _zeros_like(weight, dtype=None):
    return nd.zeros(weight.shape, weight.context, dtype=weight.dtype if dtype is None else dtype)


def _flatten(groups):
    return [x for group in groups for x in group]


class _SGDFamily(Optimizer):
    """SGD's states: optional momentum, a float32 master copy *second* in multi-precision."""

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or "
                          "slow convergence. Consider using multi_precision=True option of the "
                          "%s optimizer" % self._mp_name)
        return self.create_state(index, weight)

    _mp_name = "SGD"

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return _zeros_like(weight)
        return None

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and first.dtype == numpy.float16)


def _as_lists(indices, weights, grads, states):
    if not isinstance(indices, (tuple, list)):
        return [indices], [weights], [grads], [states]
    return list(indices), list(weights), list(grads), list(states)


def _check_arrays(weights, grads):
    for weight, grad in zip(weights, grads):
        assert isinstance(weight, NDArray)
        assert isinstance(grad, NDArray)


@register
class SGD(_SGDFamily):
    """The SGD optimizer with momentum and weight decay.

    Standard updates (dense arrays go through ``multi_sgd_update`` /
    ``multi_sgd_mom_update``, as MXNet's do)::

        rescaled_grad = lr * (rescale_grad * clip(grad, clip_gradient) + wd * weight)
        state = momentum * state + rescaled_grad
        weight = weight - state

    Parameters
    ----------
    momentum : float, optional
        The momentum value.
    lazy_update : bool, optional
        Lazy updates for row_sparse gradients (dense arrays only here).
    multi_precision : bool, optional
        Update a float32 master copy of float16 weights.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> state = opt.create_state(0, w)
    >>> opt.update(0, w, g, state); opt.update(0, w, g, state)
    >>> w.asnumpy().round(4), state.asnumpy().round(4)
    (array([0.71, 0.71], dtype=float32), array([-0.19, -0.19], dtype=float32))
    """

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size("4")

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        indices, weights, grads, states = _as_lists(indices, weights, grads, states)
        _check_arrays(weights, grads)
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs = self._common_kwargs(self.momentum)
        n = len(weights)
        # every array here is dense, so MXNet always takes its aggregated path
        if not multi_precision:
            if self.momentum > 0:
                nd.multi_sgd_mom_update(*_flatten(zip(weights, grads, states)), out=weights,
                                        num_weights=n, lrs=lrs, wds=wds, **kwargs)
            else:
                nd.multi_sgd_update(*_flatten(zip(weights, grads)), out=weights,
                                    num_weights=n, lrs=lrs, wds=wds, **kwargs)
        elif self.momentum > 0:
            nd.multi_mp_sgd_mom_update(*_flatten(zip(weights, grads, *zip(*states))),
                                       out=weights, num_weights=n, lrs=lrs, wds=wds, **kwargs)
        else:
            nd.multi_mp_sgd_update(*_flatten(zip(weights, grads, [s[1] for s in states])),
                                   out=weights, num_weights=n, lrs=lrs, wds=wds, **kwargs)


@register
class ccSGD(SGD):  # noqa: N801 -- MXNet's name
    """[DEPRECATED] Same as :class:`SGD`, kept for backward compatibility.

    >>> import symnb as mx
    >>> isinstance(mx.optimizer.create('ccsgd'), mx.optimizer.SGD)
    True
    """


@register
class Signum(Optimizer):
    """The Signum optimizer: the sign of the gradient (or of its momentum)::

        state = momentum * state + (1-momentum) * (rescale_grad * clip(grad) + wd * weight)
        weight = (1 - lr * wd_lh) * weight - lr * sign(state)

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Signum(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.array([1, -1])
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy()
    array([0.9, 1.1], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        """The momentum, zeros like ``weight`` (None when ``momentum`` is 0: plain signSGD).

        >>> import symnb as mx
        >>> mx.optimizer.Signum().create_state(0, mx.nd.ones((2,))).asnumpy()
        array([0., 0.], dtype=float32)
        >>> print(mx.optimizer.Signum(momentum=0.0).create_state(0, mx.nd.ones((2,))))
        None
        """
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index, weight, grad, state):
        """One step of ``lr`` along the sign of the momentum (``signum_update``; MXNet's
        kernel stores the momentum negated, so a positive gradient gives a negative state).

        >>> import symnb as mx
        >>> opt = mx.optimizer.Signum(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.array([1, -1])
        >>> state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy(), state.asnumpy().round(4)
        (array([0.9, 1.1], dtype=float32), array([-0.1,  0.1], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = self._common_kwargs(self.momentum)
        if self.wd_lh:
            kwargs["wd_lh"] = self.wd_lh
        if state is not None:
            nd.signum_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            nd.signsgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)


@register
class FTML(Optimizer):
    """The FTML optimizer (Follow the Moving Leader).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.FTML(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        """The ``(d, v, z)`` accumulators, zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.FTML().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32),
         array([0., 0.], dtype=float32)]
        """
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))   # d, v, z

    def update(self, index, weight, grad, state):
        """One ``ftml_update`` step at this weight's update count ``t``.

        >>> import symnb as mx
        >>> opt = mx.optimizer.FTML(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> d, v, z = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), z.asnumpy().round(4)
        (array([0.9, 0.9], dtype=float32), array([-3.6, -3.6], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        kwargs = {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon,
                  "rescale_grad": self.rescale_grad, "t": t}
        if self.clip_gradient:
            kwargs["clip_grad"] = self.clip_gradient
        d, v, z = state
        nd.ftml_update(weight, grad, d, v, z, out=weight, lr=lr, wd=wd, **kwargs)


def _ends_like_no_lars(name):
    return name.endswith("gamma") or name.endswith("beta") or name.endswith("bias")


@register
class LARS(_SGDFamily):
    """LARS: SGD whose per-layer rate is scaled by ``eta * |w| / (|g| + wd * |w| + eps)``
    (biases, gammas and betas excepted).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.LARS(learning_rate=0.1, eta=1.0)
    >>> w, g = mx.nd.ones((4,)), mx.nd.ones((4,)) * 2
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy()
    array([0.9, 0.9, 0.9, 0.9], dtype=float32)
    """

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0,
                 momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size("4")
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _get_lrs(self, indices):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._base_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return self._scaled(lr, indices, self.lr_mult, "lr_mult")

    def set_wd_mult(self, args_wd_mult):
        """Like :meth:`Optimizer.set_wd_mult`, but every name not ending in ``_weight`` gets 0
        (``_gamma`` included).

        >>> import symnb as mx
        >>> opt = mx.optimizer.LARS(param_idx2name={0: 'fc_weight', 1: 'bn_gamma'})
        >>> opt.set_wd_mult({}); opt.wd_mult
        {'bn_gamma': 0.0}
        """
        # LARS exempts every name not ending in _weight (gammas included)
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not n.endswith("_weight"):
                self.wd_mult[n] = 0.0
        self._sym_wd_mult()
        self.wd_mult.update(args_wd_mult)

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        indices, weights, grads, states = _as_lists(indices, weights, grads, states)
        _check_arrays(weights, grads)
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs = {"rescale_grad": self.rescale_grad}
        if self.momentum > 0:
            kwargs["momentum"] = (self.momentum * (self.cur_lr / self.last_lr)) \
                if (self.momentum_correction and self.last_lr != 0) else self.momentum
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        names = [self.idx2name[i] if i in self.idx2name else str(i) for i in indices]
        lars = [i for i in range(len(indices)) if not _ends_like_no_lars(names[i])]
        order = lars + [i for i in range(len(indices)) if _ends_like_no_lars(names[i])]
        ctx = weights[0].context
        new_lrs = nd.array([lrs[i] for i in order], ctx=ctx, dtype="float32")
        new_wds = nd.array([wds[i] for i in order], ctx=ctx, dtype="float32")
        new_weights = [weights[i] for i in order]
        new_grads = [grads[i] for i in order]
        new_states = [states[i] for i in order]
        k = len(lars)
        if k > 0:
            w_sum_sq = nd.multi_sum_sq(*new_weights[:k], num_arrays=k)
            g_sum_sq = nd.multi_sum_sq(*new_grads[:k], num_arrays=k)
            head = new_lrs[:k]
            nd.multi_lars(head, w_sum_sq, g_sum_sq, new_wds[:k], eta=self.eta, eps=self.eps,
                          rescale_grad=self.rescale_grad, out=head)
        step = self.aggregate_num
        for start in range(0, len(indices), step):
            end = start + len(new_weights[start:start + step])
            ws, gs, ss = new_weights[start:end], new_grads[start:end], new_states[start:end]
            rates = [new_lrs[start:end], new_wds[start:end]]
            if not multi_precision:
                if self.momentum > 0:
                    nd.preloaded_multi_sgd_mom_update(*(_flatten(zip(ws, gs, ss)) + rates),
                                                      out=ws, num_weights=len(ws), **kwargs)
                else:
                    nd.preloaded_multi_sgd_update(*(_flatten(zip(ws, gs)) + rates), out=ws,
                                                  num_weights=len(ws), **kwargs)
            elif self.momentum > 0:
                nd.preloaded_multi_mp_sgd_mom_update(
                    *(_flatten(zip(ws, gs, *zip(*ss))) + rates), out=ws, num_weights=len(ws),
                    **kwargs)
            else:
                nd.preloaded_multi_mp_sgd_update(
                    *(_flatten(zip(ws, gs, [s[1] for s in ss])) + rates), out=ws,
                    num_weights=len(ws), **kwargs)


@register
class LBSGD(Optimizer):
    """The Large Batch SGD optimizer: SGD with a warm-up multiplier of the rate and gradient
    accumulation over ``batch_scale`` calls.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.LBSGD(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy()
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy="linear",
                 warmup_epochs=5, batch_scale=1, updates_per_epoch=32, begin_epoch=0,
                 num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        _LOG.info("Running Large-Batch SGD Algorithm")
        _LOG.info("(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, updates_per_epoch=%d)",
                  batch_scale, warmup_epochs, warmup_strategy, updates_per_epoch)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        """The momentum, zeros like ``weight`` (None without momentum; with
        ``multi_precision`` and a float16 weight, ``(momentum, float32 master copy)``).

        >>> import symnb as mx
        >>> mx.optimizer.LBSGD(momentum=0.9).create_state(0, mx.nd.ones((2,))).asnumpy()
        array([0., 0.], dtype=float32)
        """
        if self.multi_precision and weight.dtype == numpy.float16:
            master = nd.array(weight, ctx=weight.context, dtype=numpy.float32)
            mom = _zeros_like(weight, numpy.float32) if self.momentum != 0.0 else None
            return (mom, master)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or "
                          "slow convergence. Consider using multi_precision=True option of the "
                          "SGD optimizer")
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, nup):
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _l2norm(self, v):
        return nd.multiply(v, v).asnumpy().sum()

    def _get_lars(self, weight, g, wd):
        weight2, grad2 = self._l2norm(weight), self._l2norm(g)
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _cumulate_gradient(self, grad, index):
        cgrad = self.cumgrads.get(index, {})
        if cgrad and cgrad["num_cums"] > 0:
            cum_grad, num_cums = cgrad["cum_grad"] + grad, cgrad["num_cums"] + 1
        else:
            cum_grad, num_cums = grad, self.init_updates + 1
        self.cumgrads[index] = {"cum_grad": cum_grad, "num_cums": num_cums}
        return self.cumgrads[index]

    def update(self, index, weight, grad, state):
        """Accumulate ``grad``; every ``batch_scale`` calls, one SGD step on the mean gradient with
        the rate times the warm-up multiplier (``batch_scale`` once warm-up is over).

        >>> import symnb as mx
        >>> opt = mx.optimizer.LBSGD(learning_rate=0.1, batch_scale=2, warmup_epochs=0)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> opt.update(0, w, g, None); w.asnumpy()
        array([1., 1.], dtype=float32)
        >>> opt.update(0, w, g, None); w.asnumpy()
        array([0.8, 0.8], dtype=float32)
        """
        _check_arrays([weight], [grad])
        lr, wd = self._get_lr(index), self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad["num_cums"] % self.batch_scale == 0:
            grad = cgrad["cum_grad"] / self.batch_scale
            if self.warmup_strategy == "lars":
                lbmult = self._get_lars(weight, grad, wd)
            else:
                lbmult = self._get_lbmult(cgrad["num_cums"])
            lr = lr * lbmult
            kwargs = self._common_kwargs(self.momentum)
            if not isinstance(state, (list, tuple)):
                if state is not None:
                    nd.sgd_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
                else:
                    nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
            elif state[0] is not None:
                nd.mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                     **kwargs)
            else:
                nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)
            self.cumgrads[index]["cum_grad"] = 0
        else:
            nd.sgd_update(weight, grad, out=weight, lr=0.0, wd=wd)


@register
class LAMB(Optimizer):
    """LAMB optimizer (layer-wise adaptive moments), through ``lamb_update_phase1/2`` or,
    aggregated by :class:`Updater`, ``multi_lamb_update``.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.LAMB(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, _aggregation_size("45")))

    def create_state(self, index, weight):
        """The ``(mean, variance)`` moments, zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.LAMB().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (_zeros_like(weight), _zeros_like(weight))

    def _bounds(self):
        kwargs = {}
        if self.lower_bound:
            kwargs["lower_bound"] = self.lower_bound
        if self.upper_bound:
            kwargs["upper_bound"] = self.upper_bound
        return kwargs

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        kwargs = {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon,
                  "bias_correction": self.bias_correction, "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if self.aggregate_num <= 1 or not isinstance(index, (tuple, list)):
            if isinstance(index, (tuple, list)):
                assert len(index) == self.aggregate_num
                index, weight, grad, state = index[0], weight[0], grad[0], state[0]
            _check_arrays([weight], [grad])
            self._update_count(index)
            lr, wd = self._get_lr(index), self._get_wd(index)
            kwargs["t"] = self._index_update_count[index]
            if multi_precision:
                (mean, var), weight32 = state[1], state[0]
                g = nd.mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd, **kwargs)
                nd.mp_lamb_update_phase2(weight, g, weight32.norm(), g.norm(), weight32, lr=lr,
                                         out=weight, **self._bounds())
            else:
                mean, var = state
                g = nd.lamb_update_phase1(weight, grad, mean, var, wd=wd, **kwargs)
                nd.lamb_update_phase2(weight, g, weight.norm(), g.norm(), lr=lr, out=weight,
                                      **self._bounds())
            return
        kwargs.update(self._bounds())
        steps, lrs, wds = [], [], []
        for i, w, g in zip(index, weight, grad):
            _check_arrays([w], [g])
            self._update_count(i)
            steps.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        for start in range(0, len(weight), self.aggregate_num):
            end = min(start + self.aggregate_num, len(weight))
            part = slice(start, end)
            if not multi_precision:
                mean, var = zip(*state[part])
                nd.contrib.multi_lamb_update(weight[part], grad[part], mean, var,
                                             out=weight[part], step_count=steps[part],
                                             lrs=lrs[part], wds=wds[part], **kwargs)
            else:
                mean, var = zip(*[s[1] for s in state[part]])
                nd.contrib.multi_mp_lamb_update(weight[part], grad[part], mean, var,
                                                [s[0] for s in state[part]], out=weight[part],
                                                step_count=steps[part], lrs=lrs[part],
                                                wds=wds[part], **kwargs)

    def update(self, index, weight, grad, state):
        """One LAMB step (phase 1: the Adam-like direction; phase 2: scaled by the trust ratio).

        >>> import symnb as mx
        >>> opt = mx.optimizer.LAMB(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> mean, var = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), mean.asnumpy().round(4)
        (array([0.9, 0.9], dtype=float32), array([0.1, 0.1], dtype=float32))
        """
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        """:meth:`update` through the float32 master copy for float16 weights
        (``mp_lamb_update_phase1/2``).

        >>> import symnb as mx
        >>> opt = mx.optimizer.LAMB(learning_rate=0.1, multi_precision=True)
        >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
        >>> opt.update_multi_precision(0, w, g, opt.create_state_multi_precision(0, w)); w.asnumpy()
        array([0.9, 0.9], dtype=float16)
        """
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and first.dtype == numpy.float16)


def _rescaled_clipped(opt, grad):
    grad = grad * opt.rescale_grad
    if opt.clip_gradient is not None:
        grad = nd.clip(grad, -opt.clip_gradient, opt.clip_gradient)
    return grad


@register
class DCASGD(Optimizer):
    """DCASGD: SGD with delay compensation ``lamda * g * g * (w - w_prev)``.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.DCASGD(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy()
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        """``(momentum, previous weight)``: the momentum is None when ``momentum`` is 0; the
        previous weight starts as a copy of ``weight``.

        >>> import symnb as mx
        >>> mom, previous = mx.optimizer.DCASGD().create_state(0, mx.nd.array([1, 2]))
        >>> print(mom), previous.asnumpy()
        None
        (None, array([1., 2.], dtype=float32))
        """
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (_zeros_like(weight), weight.copy())

    def update(self, index, weight, grad, state):
        """One delay-compensated step; the state then holds the weight before it.

        >>> import symnb as mx
        >>> opt = mx.optimizer.DCASGD(learning_rate=0.1)
        >>> w, g = mx.nd.array([1, 2]), mx.nd.ones((2,))
        >>> state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy(), state[1].asnumpy()
        (array([0.9, 1.9], dtype=float32), array([1., 2.], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = _rescaled_clipped(self, grad)
        mom, previous = state
        step = -lr * (grad + wd * weight + self.lamda * grad * grad * (weight - previous))
        if mom:
            mom[:] *= self.momentum
            mom[:] += step
        else:
            assert self.momentum == 0.0
            mom = step
        previous[:] = weight
        weight[:] += mom


@register
class NAG(_SGDFamily):
    """Nesterov accelerated gradient, through ``nag_mom_update``.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.NAG(learning_rate=0.1, momentum=0.9)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.81, 0.81], dtype=float32)
    """

    _mp_name = "NAG"

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = self._common_kwargs(self.momentum)
        if not multi_precision:
            if state is not None:
                nd.nag_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
            else:
                nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            nd.mp_nag_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                 **kwargs)
        else:
            nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update_multi_precision(self, index, weight, grad, state):
        """:meth:`update` through the float32 master copy (the state's second item) for float16
        weights.

        >>> import symnb as mx
        >>> opt = mx.optimizer.NAG(learning_rate=0.1, momentum=0.9, multi_precision=True)
        >>> w, g = mx.nd.ones((2,), dtype='float16'), mx.nd.ones((2,), dtype='float16')
        >>> mom, master = state = opt.create_state_multi_precision(0, w)
        >>> opt.update_multi_precision(0, w, g, state); w.asnumpy(), master.asnumpy().round(4)
        (array([0.81, 0.81], dtype=float16), array([0.81, 0.81], dtype=float32))
        """
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and weight.dtype == numpy.float16
                          and isinstance(state, (tuple, list)))


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics: half a gradient step plus Gaussian noise of
    variance ``lr`` (drawn from ``mx.random``).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.SGLD(learning_rate=0.0)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, None); w.asnumpy()
    array([1., 1.], dtype=float32)
    """

    def create_state(self, index, weight):
        """SGLD keeps no state.

        >>> import symnb as mx
        >>> print(mx.optimizer.SGLD().create_state(0, mx.nd.ones((2,))))
        None
        """
        return None

    def update(self, index, weight, grad, state):
        """Half a gradient step, plus Gaussian noise of standard deviation ``sqrt(lr)``.

        >>> import symnb as mx
        >>> mx.random.seed(0); opt = mx.optimizer.SGLD(learning_rate=0.01)
        >>> w, g = mx.nd.ones((10000,)), mx.nd.ones((10000,)) * 2
        >>> opt.update(0, w, g, None); a = w.asnumpy()
        >>> round(float(a.mean()), 2), round(float(a.std()), 2)
        (0.99, 0.1)
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = _rescaled_clipped(self, grad)
        weight[:] += - lr / 2 * (grad + wd * weight)
        weight[:] += nd.random.normal(0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype,
                                      ctx=weight.context)


@register
class Adam(Optimizer):
    """The Adam optimizer (bias correction folded into the rate, as MXNet does)::

        lr_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)

    then ``adam_update``.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Adam(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        """The ``(mean, variance)`` moments, zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.Adam().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (_zeros_like(weight), _zeros_like(weight))    # mean, variance

    def update(self, index, weight, grad, state):
        """One ``adam_update`` step with the bias-corrected rate; the moments move towards ``grad``.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Adam(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> mean, var = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), mean.asnumpy().round(4), var.asnumpy().round(4)
        (array([0.9, 0.9], dtype=float32), array([0.1, 0.1], dtype=float32),
         array([0.001, 0.001], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t)
        kwargs = {"beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon,
                  "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        mean, var = state
        nd.adam_update(weight, grad, mean, var, out=weight, lazy_update=self.lazy_update, lr=lr,
                       wd=wd, **kwargs)


@register
class AdaGrad(Optimizer):
    """AdaGrad::

        grad = clip(grad * rescale_grad, clip_gradient)
        history += square(grad)
        weight += (grad / sqrt(history + eps) + weight * wd) * -lr

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.AdaGrad(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        """The history of squared gradients, float32 zeros shaped like ``weight``.

        >>> import symnb as mx
        >>> mx.optimizer.AdaGrad().create_state(0, mx.nd.ones((2,))).asnumpy()
        array([0., 0.], dtype=float32)
        """
        return nd.zeros(weight.shape, weight.context)     # history (float32, as MXNet)

    def update(self, index, weight, grad, state):
        """Add ``grad ** 2`` to the history, then step by ``lr * grad / sqrt(history + eps)``.

        >>> import symnb as mx
        >>> opt = mx.optimizer.AdaGrad(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.array([2, 2])
        >>> state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), state.asnumpy()
        (array([0.9, 0.9], dtype=float32), array([4., 4.], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = _rescaled_clipped(self, grad)
        state[:] += nd.square(grad)
        div = grad / nd.sqrt(state + self.float_stable_eps)
        weight[:] += (div + weight * wd) * -lr


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton's (``centered=False``, ``rmsprop_update``) or Graves'
    (``centered=True``, ``rmspropalex_update``).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.RMSProp(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.6838, 0.6838], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        """``(n,)``, or ``(n, g, delta)`` when ``centered``: float32 zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.RMSProp().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32)]
        >>> len(mx.optimizer.RMSProp(centered=True).create_state(0, mx.nd.ones((2,))))
        3
        """
        n = 3 if self.centered else 1          # n (, g, delta): float32, as MXNet's
        return tuple(nd.zeros(weight.shape, weight.context) for _ in range(n))

    def update(self, index, weight, grad, state):
        """One ``rmsprop_update`` (or, centered, ``rmspropalex_update``) step.

        >>> import symnb as mx
        >>> opt = mx.optimizer.RMSProp(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> (n,) = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), n.asnumpy().round(4)
        (array([0.6838, 0.6838], dtype=float32), array([0.1, 0.1], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = {"gamma1": self.gamma1, "epsilon": self.epsilon,
                  "rescale_grad": self.rescale_grad}
        if self.centered:
            kwargs["gamma2"] = self.gamma2
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        if self.clip_weights:
            kwargs["clip_weights"] = self.clip_weights
        if not self.centered:
            (n,) = state
            nd.rmsprop_update(weight, grad, n, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            n, g, delta = state
            nd.rmspropalex_update(weight, grad, n, g, delta, out=weight, lr=lr, wd=wd, **kwargs)


@register
class AdaDelta(Optimizer):
    """AdaDelta (scales ``grad`` by ``rescale_grad`` in place, as MXNet does).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.AdaDelta()
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.99, 0.99], dtype=float32)
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        """The running averages ``(acc_g, acc_delta)``, float32 zeros shaped like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.AdaDelta().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (nd.zeros(weight.shape, weight.context), nd.zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        """One AdaDelta step (no learning rate: the step size comes from the running averages).

        >>> import symnb as mx
        >>> opt = mx.optimizer.AdaDelta()
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> acc_g, acc_delta = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), acc_g.asnumpy().round(4)
        (array([0.99, 0.99], dtype=float32), array([0.1, 0.1], dtype=float32))
        """
        _check_arrays([weight], [grad])
        wd = self._get_wd(index)
        self._update_count(index)
        grad *= self.rescale_grad
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state
        acc_g[:] *= self.rho
        acc_g[:] += (1. - self.rho) * grad * grad
        delta = nd.sqrt(acc_delta + self.epsilon) / nd.sqrt(acc_g + self.epsilon) * grad
        acc_delta[:] *= self.rho
        acc_delta[:] += (1. - self.rho) * delta * delta
        weight[:] -= delta + wd * weight


@register
class Ftrl(Optimizer):
    """The Ftrl optimizer (``ftrl_update``), default ``learning_rate=0.1``.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Ftrl()
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.4495, 0.4495], dtype=float32)
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        """The ``(z, n)`` accumulators, float32 zeros shaped like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.Ftrl().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (nd.zeros(weight.shape, weight.context), nd.zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        """One ``ftrl_update`` step; ``n`` accumulates the squared gradients.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Ftrl()
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> z, n = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), z.asnumpy(), n.asnumpy()
        (array([0.4495, 0.4495], dtype=float32), array([-9., -9.], dtype=float32),
         array([1., 1.], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        wd, lr = self._get_wd(index), self._get_lr(index)
        kwargs = {"lamda1": self.lamda1, "beta": self.beta, "rescale_grad": self.rescale_grad}
        if self.clip_gradient:
            kwargs["clip_gradient"] = self.clip_gradient
        z, n = state
        nd.ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **kwargs)


@register
class Adamax(Optimizer):
    """AdaMax, Adam with the infinity norm.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Adamax(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.9, 0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        """The ``(m, u)`` moments (mean and infinity norm), zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.Adamax().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (_zeros_like(weight), _zeros_like(weight))

    def update(self, index, weight, grad, state):
        """One AdaMax step; ``u`` keeps the largest (decayed) absolute gradient.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Adamax(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.array([1, -2])
        >>> m, u = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), u.asnumpy()
        (array([0.9, 1.1], dtype=float32), array([1., 2.], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr /= (1. - self.beta1 ** t)
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        m_t, u_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1. - self.beta1) * grad
        u_t[:] = nd.maximum(self.beta2 * u_t, nd.abs(grad))
        weight[:] -= lr * m_t / u_t


@register
class Nadam(Optimizer):
    """Nesterov Adam, with MXNet's momentum schedule (shared by all weights).

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Nadam(learning_rate=0.1)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> opt.update(0, w, g, opt.create_state(0, w)); w.asnumpy().round(4)
    array([0.8944, 0.8944], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        """The ``(m, v)`` moments, zeros like ``weight``.

        >>> import symnb as mx
        >>> [s.asnumpy() for s in mx.optimizer.Nadam().create_state(0, mx.nd.ones((2,)))]
        [array([0., 0.], dtype=float32), array([0., 0.], dtype=float32)]
        """
        return (_zeros_like(weight), _zeros_like(weight))

    def update(self, index, weight, grad, state):
        """One Nesterov-Adam step; the momentum schedule advances once per call.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Nadam(learning_rate=0.1)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> m, v = state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy().round(4), m.asnumpy().round(4), v.asnumpy().round(4)
        (array([0.8944, 0.8944], dtype=float32), array([0.1, 0.1], dtype=float32),
         array([0.001, 0.001], dtype=float32))
        """
        _check_arrays([weight], [grad])
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m_t, v_t = state
        m_t[:] *= self.beta1
        m_t[:] += (1. - self.beta1) * grad
        v_t[:] *= self.beta2
        v_t[:] += (1. - self.beta2) * grad * grad
        grad_prime = grad / (1. - self.m_schedule)
        m_t_prime = m_t / (1. - m_schedule_next)
        v_t_prime = v_t / (1. - pow(self.beta2, t))
        m_t_bar = (1. - momentum_t) * grad_prime + momentum_t_1 * m_t_prime
        weight[:] -= lr * m_t_bar / (nd.sqrt(v_t_prime) + self.epsilon)


@register
class Test(Optimizer):
    """The Test optimizer: ``weight += rescale_grad * grad``; the state copies the weight.

    Examples
    --------
    >>> import symnb as mx
    >>> opt = mx.optimizer.Test(rescale_grad=0.5)
    >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> s = opt.create_state(0, w); opt.update(0, w, g, s); s.asnumpy()
    array([1.5, 1.5], dtype=float32)
    """

    def create_state(self, index, weight):
        """Float32 zeros shaped like ``weight``.

        >>> import symnb as mx
        >>> mx.optimizer.Test().create_state(0, mx.nd.ones((2,))).asnumpy()
        array([0., 0.], dtype=float32)
        """
        return nd.zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        """``weight += rescale_grad * grad``, then the state copies the weight.

        >>> import symnb as mx
        >>> opt = mx.optimizer.Test(rescale_grad=0.5)
        >>> w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
        >>> state = opt.create_state(0, w); opt.update(0, w, g, state)
        >>> w.asnumpy(), state.asnumpy()
        (array([1.5, 1.5], dtype=float32), array([1.5, 1.5], dtype=float32))
        """
        weight[:] += grad * self.rescale_grad
        state[:] = weight
