"""``mx.profiler``: MXNet 1.9.1's profiler API, working and safe to call everywhere.

symnb has no engine to instrument, so the profiler records what Python can see: the
user's ``Task``/``Frame``/``Event`` intervals, ``Counter`` values and ``Marker`` instants,
while the state is ``'run'`` (and not paused). ``dumps()`` aggregates them in MXNet's table
or JSON layout; ``dump()`` writes them to ``filename`` as a Chrome trace (``chrome://tracing``),
the format MXNet writes. Configuration keys and states are checked as MXNet checks them.
"""
from __future__ import annotations

import json
import threading
import time
import warnings
from contextlib import contextmanager

from ._checks import mx_assert
from .base import MXNetError

__all__ = ["set_config", "profiler_set_config", "set_state", "profiler_set_state", "dump",
           "dump_profile", "dumps", "pause", "resume", "Domain", "Task", "Frame", "Event",
           "Counter", "Marker", "scope", "set_kvstore_handle"]

# MXNet's ProfileConfigParam: name -> (type string, default, doc)
_CONFIG = {
    "profile_all": ("boolean, optional, default=0", False, "Profile all. Default is False."),
    "profile_symbolic": ("boolean, optional, default=1", True,
                         "Profile symbolic operators.  Default is True."),
    "profile_imperative": ("boolean, optional, default=1", True,
                           "Profile imperative operators.  Default is True."),
    "profile_memory": ("boolean, optional, default=1", True,
                       "Profile memory.  Default is True."),
    "profile_api": ("boolean, optional, default=1", True, "Profile C API.  Default is True."),
    "filename": ("string, optional, default='profile.json'", "profile.json",
                 "File name to write profiling info."),
    "continuous_dump": ("boolean, optional, default=1", True,
                        "Periodically dump (and append) profiling data to file while running. "
                        "Default is True."),
    "dump_period": ("float, optional, default=1", 1.0,
                    "When continuous dump is enabled, the period between subsequent profile "
                    "info dumping."),
    "aggregate_stats": ("boolean, optional, default=0", False,
                        "Maintain aggregate stats, required for MXDumpAggregateStats.  Note "
                        "that this can have a negative performance impact. Default is False."),
    "profile_process": ("{'server', 'worker'},optional, default='worker'", "worker",
                        "Specifies which process to profile: worker: this is default. for "
                        "single node training it should always be worker.server: for "
                        "distributed training, this profiles server process"),
}
_PROCESSES = {"worker": 0, "server": 1}


def _check_process(profile_process):
    # MXNet looks the name up in a dict: an unknown one is a KeyError
    return _PROCESSES[profile_process]


# a marker's scopes; chrome's trace format has three, and 'task' and 'marker' draw as process
_MARKER_SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "p", "marker": "p"}


class _State:
    """The process profiler: configuration, run/pause flags and what was recorded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.config = {k: v[1] for k, v in _CONFIG.items()}
        self.running = False
        self.paused = False
        self.start = time.perf_counter()
        self.events = []      # Chrome trace events
        self.stats = {}       # domain name -> item name -> list of durations (ms)
        self.counters = {}    # domain name -> counter name -> last value

    @property
    def active(self):
        return self.running and not self.paused

    def now_us(self):
        return (time.perf_counter() - self.start) * 1e6

    def add_interval(self, domain, name, category, begin_us, end_us):
        if not self.active:
            return
        with self.lock:
            self.events.append({"name": name, "cat": category, "ph": "X", "ts": begin_us,
                                "dur": end_us - begin_us, "pid": 0, "tid": 0,
                                "args": {"domain": domain}})
            self.stats.setdefault(domain, {}).setdefault(name, []).append(
                (end_us - begin_us) / 1000.0)

    def add_counter(self, domain, name, value):
        if not self.active:
            return
        with self.lock:
            self.counters.setdefault(domain, {})[name] = value
            self.events.append({"name": name, "cat": domain, "ph": "C", "ts": self.now_us(),
                                "pid": 0, "args": {name: value}})

    def add_marker(self, domain, name, scope_):
        if not self.active:
            return
        with self.lock:
            self.events.append({"name": name, "cat": domain, "ph": "i", "ts": self.now_us(),
                                "pid": 0, "tid": 0, "s": _MARKER_SCOPES[scope_]})


_STATE = _State()


def _record_operator(name, begin_s, end_s):
    """An operator's run (``time.perf_counter`` seconds) as MXNet's ``operator`` entries:
    an interval in the trace, a row in the aggregate table."""
    _STATE.add_interval("operator", name, "operator", (begin_s - _STATE.start) * 1e6,
                        (end_s - _STATE.start) * 1e6)


def _sync_operator_timing():
    """Point the executor's and mx.nd's timing switches (symnb._profiling) at the recorder
    while the state is 'run' (not paused) and the configuration asks for them."""
    from . import _profiling
    on = _STATE.active
    every = bool(_STATE.config.get("profile_all"))
    _profiling.SYMBOLIC = _record_operator if on and (
        every or _STATE.config.get("profile_symbolic")) else None
    _profiling.IMPERATIVE = _record_operator if on and (
        every or _STATE.config.get("profile_imperative")) else None


def _config_error(key):
    lines = ["Cannot find argument '%s', Possible Arguments:" % key, "----------------"]
    for name, (type_string, _, doc) in _CONFIG.items():
        lines.append("%s : %s" % (name, type_string))
        lines.append("    " + doc)
    return MXNetError("\n".join(lines))


def _parse(key, value):
    type_string = _CONFIG[key][0]
    text = str(value)
    if type_string.startswith("boolean"):
        if text.lower() in ("1", "true"):
            return True
        if text.lower() in ("0", "false"):
            return False
        raise MXNetError("Invalid Parameter format for %s expect boolean but value='%s'"
                         % (key, text))
    if type_string.startswith("float"):
        try:
            return float(text)
        except ValueError:
            raise MXNetError("Invalid Parameter format for %s expect float but value='%s'"
                             % (key, text)) from None
    if key == "profile_process" and text not in _PROCESSES:
        raise MXNetError("Invalid Input: '%s', valid values are: {'server', 'worker'}" % text)
    return text


def set_config(**kwargs):
    """Configure the profiler (keyword arguments only; MXNet's keys, e.g. ``filename``).

    >>> import symnb as mx
    >>> mx.profiler.set_config(profile_all=True, aggregate_stats=True,
    ...                        filename='profile_output.json')
    >>> mx.profiler.set_config(bogus=1)
    Traceback (most recent call last):
    ...
    symnb.base.MXNetError: Cannot find argument 'bogus', Possible Arguments:
    ...
    """
    parsed = {}
    for key, value in kwargs.items():
        if key not in _CONFIG:
            raise _config_error(key)
        parsed[key] = _parse(key, value)
    _STATE.config.update(parsed)
    _sync_operator_timing()


def profiler_set_config(mode="symbolic", filename="profile.json"):
    """Deprecated form of :func:`set_config` (warns, as MXNet does).

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always')
    ...     mx.profiler.profiler_set_config(mode='symbolic', filename='profile.json')
    >>> print(caught[0].message)
    profiler.profiler_set_config() is deprecated. Please use profiler.set_config() instead
    """
    warnings.warn("profiler.profiler_set_config() is deprecated. "
                  "Please use profiler.set_config() instead")
    set_config(**{"profile_" + mode: True, "filename": filename})


def set_state(state="stop", profile_process="worker"):
    """Start (``'run'``) or stop (``'stop'``) recording.

    >>> import symnb as mx
    >>> mx.profiler.set_state('run'); mx.profiler.set_state('stop')
    """
    value = {"stop": 0, "run": 1}[state]
    _check_process(profile_process)
    _STATE.running = bool(value)
    if _STATE.running:
        _STATE.paused = False
    _sync_operator_timing()


def profiler_set_state(state="stop"):
    """Deprecated form of :func:`set_state` (warns, as MXNet does).

    >>> import warnings, symnb as mx
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always'); mx.profiler.profiler_set_state('stop')
    >>> print(caught[0].message)
    profiler.profiler_set_state() is deprecated. Please use profiler.set_state() instead
    """
    warnings.warn("profiler.profiler_set_state() is deprecated. "
                  "Please use profiler.set_state() instead")
    set_state(state)


def dump(finished=True, profile_process="worker"):
    """Write what was recorded to the configured ``filename`` as a Chrome trace.

    ``finished=True`` (the default) ends the profile: the recorded events are cleared.

    >>> import os, tempfile, json, symnb as mx
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     mx.profiler.set_config(filename=os.path.join(tmp, 'p.json')); mx.profiler.dump()
    ...     with open(os.path.join(tmp, 'p.json')) as f:
    ...         json.load(f)['displayTimeUnit']
    'ms'
    >>> mx.profiler.set_config(filename='profile.json')    # the default again
    """
    _check_process(profile_process)
    with _STATE.lock:
        trace = {"traceEvents": list(_STATE.events), "displayTimeUnit": "ms",
                 "otherData": {"producer": "symnb.profiler (MXNet 1.9.1 API)"}}
        if finished is True:
            _STATE.events = []
    with open(_STATE.config["filename"], "w") as f:
        json.dump(trace, f, indent=1)


def dump_profile():
    """Deprecated form of :func:`dump` (warns, as MXNet does).

    >>> import os, tempfile, warnings, symnb as mx
    >>> with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter('always')
    ...     mx.profiler.set_config(filename=os.path.join(tmp, 'p.json')); mx.profiler.dump_profile()
    ...     print(os.listdir(tmp), w[0].message)
    ['p.json'] profiler.dump_profile() is deprecated. Please use profiler.dump() instead
    >>> mx.profiler.set_config(filename='profile.json')    # the default again
    """
    warnings.warn("profiler.dump_profile() is deprecated. Please use profiler.dump() instead")
    dump(True)


_SORT = {"total": lambda d: sum(d), "avg": lambda d: sum(d) / len(d), "min": min, "max": max,
         "count": len}


def dumps(reset=False, format="table", sort_by="total", ascending=False):  # noqa: A002
    """The aggregate statistics as text: MXNet's table, or JSON with ``format='json'``.

    >>> import symnb as mx
    >>> mx.profiler.set_state('run')
    >>> with mx.profiler.Task(mx.profiler.Domain('demo'), 'step'):
    ...     pass
    >>> mx.profiler.set_state('stop')
    >>> 'step' in mx.profiler.dumps(reset=True)
    True
    """
    mx_assert(format in ("table", "json"),
              "Invalid value provided for format: {0}. Support: 'table', 'json'".format(format))
    # MXNet's message keeps the indentation of its continued string literal
    mx_assert(sort_by in _SORT,
              "Invalid value provided for sort_by: {0}.             Support: 'total', 'avg', "
              "'min', 'max', 'count'".format(sort_by))
    mx_assert(ascending in (False, True),
              "Invalid value provided for ascending: {0}. Support: False, True".format(ascending))
    mx_assert(reset in (False, True),
              "Invalid value provided for reset: {0}. Support: False, True".format(reset))
    with _STATE.lock:
        stats = {d: dict(items) for d, items in _STATE.stats.items()}
        counters = {d: dict(items) for d, items in _STATE.counters.items()}
        if reset:
            _STATE.stats.clear()
            _STATE.counters.clear()
    key = _SORT[sort_by]
    if format == "json":
        return json.dumps({"Time": {d: {n: {"Count": len(v), "Total": round(sum(v), 4),
                                            "Min": round(min(v), 4), "Max": round(max(v), 4),
                                            "Avg": round(sum(v) / len(v), 4)}
                                        for n, v in items.items()}
                                    for d, items in stats.items()},
                           "Counter": counters, "Unit": {"Time": "ms"}}, indent=4)
    lines = ["", "Profile Statistics:", "\tNote the difference in units for different entries."]
    for domain, items in stats.items():
        lines += [domain, "=================",
                  "%-30s%11s%17s%17s%17s%17s" % ("Name", "Total Count", "Time (ms)",
                                                 "Min Time (ms)", "Max Time (ms)",
                                                 "Avg Time (ms)"),
                  "%-30s%11s%17s%17s%17s%17s" % ("----", "-----------", "---------",
                                                 "-------------", "-------------",
                                                 "-------------")]
        for name, d in sorted(items.items(), key=lambda kv: key(kv[1]),
                              reverse=not ascending):
            lines.append("%-30s%11d%17.4f%17.4f%17.4f%17.4f" % (
                name, len(d), sum(d), min(d), max(d), sum(d) / len(d)))
        lines.append("")
    for domain, items in counters.items():
        lines += [domain + " (counters)", "=================",
                  "%-30s%17s" % ("Name", "Value"), "%-30s%17s" % ("----", "-----")]
        lines += ["%-30s%17s" % (n, v) for n, v in items.items()]
        lines.append("")
    if not stats and not counters:
        lines.append("(nothing recorded: symnb's profiler records operators, Task/Frame/"
                     "Event intervals, Counters and Markers while the state is 'run')")
    return "\n".join(lines) + "\n"


def pause(profile_process="worker"):
    """Pause recording (``resume`` continues).

    >>> import symnb as mx
    >>> mx.profiler.pause(); mx.profiler.resume()
    """
    _check_process(profile_process)
    _STATE.paused = True
    _sync_operator_timing()


def resume(profile_process="worker"):
    """Resume recording after :func:`pause`.

    >>> import symnb as mx
    >>> mx.profiler.resume(profile_process='worker')
    """
    _check_process(profile_process)
    _STATE.paused = False
    _sync_operator_timing()


def set_kvstore_handle(handle):
    """Accepted for MXNet compatibility (server-process profiling has no meaning here).

    >>> import symnb as mx
    >>> print(mx.profiler.set_kvstore_handle(mx.kv.create('local')))
    None
    """


class Domain:
    """A named group of profiling objects.

    >>> import symnb as mx
    >>> d = mx.profiler.Domain('net'); str(d), str(d.new_task('fwd'))
    ('net', 'fwd')
    """

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        """A :class:`Task` in this domain.

        >>> import symnb as mx
        >>> t = mx.profiler.Domain('net').new_task('forward'); type(t).__name__, str(t.domain)
        ('Task', 'net')
        """
        return Task(self, name)

    def new_frame(self, name):
        """A :class:`Frame` in this domain.

        >>> import symnb as mx
        >>> f = mx.profiler.Domain('net').new_frame('iter'); type(f).__name__, str(f)
        ('Frame', 'iter')
        """
        return Frame(self, name)

    def new_counter(self, name, value=None):
        """A :class:`Counter` in this domain, set to ``value`` if one is given.

        >>> import symnb as mx
        >>> c = mx.profiler.Domain('net').new_counter('seen', 5); type(c).__name__, c.value
        ('Counter', 5)
        """
        return Counter(self, name, value)

    def new_marker(self, name):
        """A :class:`Marker` in this domain.

        >>> import symnb as mx
        >>> m = mx.profiler.Domain('net').new_marker('epoch end'); type(m).__name__, str(m.domain)
        ('Marker', 'net')
        """
        return Marker(self, name)


class _Interval:
    """``start()``/``stop()`` (or ``with``) records one interval under ``category``."""

    category = ""

    def __init__(self, domain, name):
        self.domain = domain
        self.name = name
        self._begin = None

    def start(self):
        """Begin the interval."""
        self._begin = _STATE.now_us()

    def stop(self):
        """End the interval (recorded if the profiler is running)."""
        if self._begin is not None:
            _STATE.add_interval(str(self.domain), self.name, self.category, self._begin,
                                _STATE.now_us())
            self._begin = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def __str__(self):
        return self.name


class Task(_Interval):
    """A logical task in a domain, timed between ``start()`` and ``stop()``.

    >>> import symnb as mx
    >>> t = mx.profiler.Task(mx.profiler.Domain('d'), 'load'); t.start(); t.stop(); str(t)
    'load'
    """

    category = "task"


class Frame(_Interval):
    """A frame (e.g. one iteration) in a domain, timed between ``start()`` and ``stop()``.

    >>> import symnb as mx
    >>> str(mx.profiler.Frame(mx.profiler.Domain('d'), 'iter'))
    'iter'
    """

    category = "frame"


class Event(_Interval):
    """A named event (no domain), timed between ``start()`` and ``stop()``.

    >>> import symnb as mx
    >>> str(mx.profiler.Event('batch'))
    'batch'
    """

    category = "event"

    def __init__(self, name):
        super().__init__("events", name)


class Counter:
    """A named value in a domain: ``set_value``, ``increment``, ``+=``, ``-=``.

    >>> import symnb as mx
    >>> c = mx.profiler.Counter(mx.profiler.Domain('d'), 'seen', 1)
    >>> c += 4; c.decrement(2); c.value, str(c)
    (3, 'seen')
    """

    def __init__(self, domain, name, value=None):
        self.domain = domain
        self.name = name
        self.value = 0
        if value is not None:
            self.set_value(value)

    def set_value(self, value):
        """Set the counter's value (recorded if the profiler is running).

        >>> import symnb as mx
        >>> c = mx.profiler.Counter(mx.profiler.Domain('io'), 'batches')
        >>> c.set_value(7); c.value
        7
        """
        self.value = value
        _STATE.add_counter(str(self.domain), self.name, value)

    def increment(self, delta=1):
        """Add ``delta`` (1).

        >>> import symnb as mx
        >>> c = mx.profiler.Counter(mx.profiler.Domain('io'), 'batches', 5)
        >>> c.increment(); c.increment(3); c.value
        9
        """
        self.set_value(self.value + delta)

    def decrement(self, delta=1):
        """Subtract ``delta`` (1).

        >>> import symnb as mx
        >>> c = mx.profiler.Counter(mx.profiler.Domain('io'), 'queued', 5)
        >>> c.decrement(); c.decrement(3); c.value
        1
        """
        self.set_value(self.value - delta)

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self):
        return self.name


class Marker:
    """An instant marker in a domain: ``mark(scope)`` with scope global/process/thread.

    >>> import symnb as mx
    >>> mx.profiler.Marker(mx.profiler.Domain('d'), 'epoch end').mark()
    """

    def __init__(self, domain, name):
        self.domain = domain
        self.name = name

    def mark(self, scope="process"):  # noqa: A002 -- MXNet's argument name
        """Record the instant (an ``'i'`` event of the trace that :func:`dump` writes).

        >>> import symnb as mx
        >>> mx.profiler.set_state('run')
        >>> mx.profiler.Marker(mx.profiler.Domain('train'), 'epoch end').mark('global')
        >>> mx.profiler.set_state('stop')
        >>> mx.profiler.Marker(mx.profiler.Domain('train'), 'x').mark('bogus')
        Traceback (most recent call last):
        ...
        symnb.base.MXNetError: MXNetError: Invalid Input: 'bogus', valid values are: \
{'global', 'marker', 'process', 'task', 'thread'}
        """
        if scope not in _MARKER_SCOPES:        # MXNet's ProfileMarkerScopeParam enum
            raise MXNetError("MXNetError: Invalid Input: '%s', valid values are: {%s}"
                             % (scope, ", ".join("'%s'" % s for s in sorted(_MARKER_SCOPES))))
        _STATE.add_marker(str(self.domain), self.name, scope)


@contextmanager
def scope(name="<unk>:", append_mode=False):
    """A profiler scope (MXNet tags operators with it); here it records an Event.

    >>> import symnb as mx
    >>> with mx.profiler.scope('block1:'):
    ...     pass
    """
    event = Event(name)
    event.start()
    try:
        yield
    finally:
        event.stop()
