"""``mx.mod`` / ``mx.module``: MXNet 1.x's Module API for training and inference.

* :class:`Module` -- one symbol on one or more contexts (data parallel), with parameters,
  an optimizer, ``fit`` / ``score`` / ``predict`` and checkpoints;
* :class:`BucketingModule` -- a network per bucket key, all sharing one set of parameters;
* :class:`SequentialModule` -- modules chained output to input;
* :class:`PythonModule`, :class:`PythonLossModule` -- modules written in Python.

Loaded on first use of ``mx.mod`` (it pulls in ``mx.io``, ``mx.metric``, ``mx.optimizer``).

>>> import symnb as mx
>>> mx.mod.Module is mx.module.Module
True
"""
from .base_module import BaseModule
from .bucketing_module import BucketingModule
from .executor_group import DataParallelExecutorGroup
from .module import Module
from .python_module import PythonLossModule, PythonModule
from .sequential_module import SequentialModule

__all__ = ["BaseModule", "Module", "BucketingModule", "SequentialModule", "PythonModule",
           "PythonLossModule", "DataParallelExecutorGroup"]
