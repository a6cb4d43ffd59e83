"""Learning-rate schedules (``mx.lr_scheduler``): the rate as a function of the update count.

An optimizer calls ``scheduler(num_update)`` before each update. As in MXNet 1.9.1 the
schedulers are stateful (``FactorScheduler`` keeps the decayed ``base_lr``, ``PolyScheduler``
and ``CosineScheduler`` store the last rate), so calling them with decreasing counts does not
undo a decay. Rate changes are logged at INFO level on this module's logger (MXNet logs on the
root logger).
"""
from __future__ import annotations

import logging
from math import cos, pi

__all__ = ["LRScheduler", "FactorScheduler", "MultiFactorScheduler", "PolyScheduler",
           "CosineScheduler"]

_LOG = logging.getLogger(__name__)


class LRScheduler:
    """Base class of a learning rate scheduler, with optional warm-up.

    Parameters
    ----------
    base_lr : float, optional
        The initial learning rate.
    warmup_steps : int
        Number of warm-up steps before this scheduler starts decaying.
    warmup_begin_lr : float
        The rate warm-up starts from.
    warmup_mode : {'linear', 'constant'}
        'linear' increases the rate in equal steps; 'constant' keeps ``warmup_begin_lr``.

    Examples
    --------
    >>> s = LRScheduler(base_lr=0.1, warmup_steps=4, warmup_begin_lr=0.02)
    >>> [round(s.get_warmup_lr(n), 4) for n in range(4)]
    [0.02, 0.04, 0.06, 0.08]
    """

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode="linear"):
        self.base_lr = base_lr
        assert isinstance(warmup_steps, int)
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if self.warmup_begin_lr > self.warmup_final_lr:
            raise ValueError("Base lr has to be higher than warmup_begin_lr")
        if self.warmup_steps < 0:
            raise ValueError("Warmup steps has to be positive or 0")
        if warmup_mode not in ["linear", "constant"]:
            raise ValueError("Supports only linear and constant modes of warmup")
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update):
        """The warm-up rate at ``num_update`` (which must be below ``warmup_steps``).

        >>> LRScheduler(base_lr=1.0, warmup_steps=4).get_warmup_lr(2)
        0.5
        >>> LRScheduler(base_lr=1.0, warmup_steps=4, warmup_begin_lr=0.25,
        ...             warmup_mode='constant').get_warmup_lr(2)
        0.25
        """
        assert num_update < self.warmup_steps
        if self.warmup_mode == "linear":
            increase = (self.warmup_final_lr - self.warmup_begin_lr) \
                * float(num_update) / float(self.warmup_steps)
            return self.warmup_begin_lr + increase
        if self.warmup_mode == "constant":
            return self.warmup_begin_lr
        raise ValueError("Invalid warmup mode %s" % self.warmup_mode)

    def __call__(self, num_update):
        """The rate after ``num_update`` updates (the most any weight has had)."""
        raise NotImplementedError("must override this")


class FactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` every ``step`` updates, down to ``stop_factor_lr``.

    ``base_lr * factor ** floor((num_update - 1) / step)`` after warm-up.

    Examples
    --------
    >>> s = FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    >>> [s(n) for n in (1, 2, 3, 4, 5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # a loop, not an if: resuming at a later count applies every missed decay
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                _LOG.info("Update[%d]: now learning rate arrived at %0.5e, will not "
                          "change in the future", num_update, self.base_lr)
            else:
                _LOG.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the rate by ``factor`` each time ``num_update`` passes a listed step.

    Examples
    --------
    >>> s = MultiFactorScheduler(step=[2, 4], factor=0.1, base_lr=1.0)
    >>> [round(s(n), 4) for n in (1, 2, 3, 5)]
    [1.0, 1.0, 0.1, 0.01]
    """

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        assert isinstance(step, list) and len(step) >= 1
        for i, one in enumerate(step):
            if i != 0 and step[i] <= step[i - 1]:
                raise ValueError("Schedule step must be an increasing integer list")
            if one < 1:
                raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind <= len(self.step) - 1:
            if num_update > self.step[self.cur_step_ind]:
                self.count = self.step[self.cur_step_ind]
                self.cur_step_ind += 1
                self.base_lr *= self.factor
                _LOG.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
            else:
                return self.base_lr
        return self.base_lr


class PolyScheduler(LRScheduler):
    """Polynomial decay to ``final_lr`` over ``max_update`` updates (after warm-up).

    ``final_lr + (base_lr - final_lr) * (1 - (nup - warmup) / (max_update - warmup)) ** pwr``;
    past ``max_update`` the last rate is kept.

    Examples
    --------
    >>> s = PolyScheduler(max_update=4, base_lr=1.0, pwr=2)
    >>> [s(n) for n in (0, 1, 2, 4, 9)]
    [1.0, 0.5625, 0.25, 0.0, 0.0]
    """

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        assert isinstance(max_update, int)
        if max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.power = pwr
        self.base_lr_orig = self.base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            done = float(num_update - self.warmup_steps) / float(self.max_steps)
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) \
                * pow(1 - done, self.power)
        return self.base_lr


class CosineScheduler(LRScheduler):
    """Cosine decay to ``final_lr`` over ``max_update`` updates (after warm-up).

    ``final_lr + (base_lr - final_lr) * (1 + cos(pi * (nup - warmup) / max_steps)) / 2``.

    Examples
    --------
    >>> s = CosineScheduler(max_update=4, base_lr=1.0)
    >>> [round(s(n), 4) for n in (0, 1, 2, 4, 9)]
    [1.0, 0.8536, 0.5, 0.0, 0.0]
    """

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode="linear"):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        assert isinstance(max_update, int)
        if max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) \
                * (1 + cos(pi * (num_update - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr
