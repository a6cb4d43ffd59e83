"""``mx.random``: seeding and sampling.

``seed`` reseeds the backend generators that every random draw uses (``mx.nd.random.*``,
Dropout masks), so a seeded run repeats exactly on the same backend.
"""
from __future__ import annotations

from .backends import get_backend, seed_all
from .ndarray.random import (
    exponential,
    gamma,
    generalized_negative_binomial,
    negative_binomial,
    normal,
    poisson,
    randint,
    randn,
    uniform,
)

__all__ = ["seed", "uniform", "normal", "randn", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "randint"]


def seed(seed_state, ctx="all"):
    """Seed the random generators of all devices (``ctx='all'``) or of one context.

    Parameters
    ----------
    seed_state : int
        The seed: any int, taken modulo 2**32 as MXNet's C API takes it (-5 and 2**32 - 5
        seed alike; MXNet's own tests draw negative seeds).
    ctx : Context or 'all'
        Which device's generator to seed.

    >>> import symnb as mx
    >>> mx.random.seed(42); a = mx.nd.random.uniform(shape=(3,)).asnumpy()
    >>> mx.random.seed(42); b = mx.nd.random.uniform(shape=(3,)).asnumpy()
    >>> bool((a == b).all())
    True
    >>> mx.random.seed(-5); c = mx.nd.random.uniform(shape=(3,)).asnumpy()
    >>> mx.random.seed(2**32 - 5); bool((c == mx.nd.random.uniform(shape=(3,)).asnumpy()).all())
    True
    """
    if not isinstance(seed_state, int):
        raise ValueError("seed_state must be int")
    seed_state %= 1 << 32
    if ctx == "all":
        seed_all(seed_state)
    else:
        get_backend(ctx).seed(seed_state)
