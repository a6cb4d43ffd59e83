"""Optimizers (``mx.optimizer``): MXNet 1.9.1's weight-update rules and the Updater."""
from .optimizer import (  # noqa: F401
    DCASGD,
    FTML,
    LAMB,
    LARS,
    LBSGD,
    NAG,
    SGD,
    SGLD,
    AdaDelta,
    AdaGrad,
    Adam,
    Adamax,
    Ftrl,
    Nadam,
    Optimizer,
    RMSProp,
    Signum,
    Test,
    ccSGD,
    create,
    register,
)
from .updater import Updater, get_updater  # noqa: F401

__all__ = ["AdaDelta", "AdaGrad", "Adam", "Adamax", "DCASGD", "FTML", "Ftrl", "LARS", "LBSGD",
           "NAG", "Nadam", "Optimizer", "RMSProp", "SGD", "SGLD", "Signum", "LAMB", "Test",
           "Updater", "ccSGD", "create", "get_updater", "register"]
