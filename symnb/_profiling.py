"""What the executor and ``mx.nd`` read to time each operator while ``mx.profiler`` runs.

``symnb.profiler`` sets :data:`SYMBOLIC` and :data:`IMPERATIVE` to its recorder (a callable
``record(name, begin_s, end_s)``) when its state is ``'run'`` with ``profile_symbolic``,
``profile_imperative`` or ``profile_all``, and back to None otherwise. The core reads them
once per forward, backward or ``mx.nd`` call and never imports the profiler.

>>> SYMBOLIC is None and IMPERATIVE is None
True
"""
from __future__ import annotations

SYMBOLIC = None
IMPERATIVE = None
