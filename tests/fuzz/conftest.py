"""Hypothesis profiles for the fuzz tests.

``ci`` (the default) is derandomized with few examples per family, so ``make test`` stays fast
and gives the same inputs every run; ``SYMNB_FUZZ=<examples>`` (``make fuzz``) switches to
random inputs with that many examples per family.
"""
import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])
settings.register_profile("symnb-ci", derandomize=True, max_examples=40, **_COMMON)
settings.register_profile("symnb-fuzz", derandomize=False,
                          max_examples=int(os.environ.get("SYMNB_FUZZ") or 0) or 2000, **_COMMON)
settings.load_profile("symnb-fuzz" if os.environ.get("SYMNB_FUZZ") else "symnb-ci")
