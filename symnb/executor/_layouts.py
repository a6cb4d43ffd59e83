"""Training plans keep oneDNN's blocked layouts between the primitives that read them.

A float32 training step of a convolution network runs its convolutions, BatchNorms, relus and
residual adds in oneDNN (``ops/_onednn.py``). oneDNN's convolutions work in a blocked
layout (``nChw16c`` on AVX-512, ``nChw8c`` on AVX2), and an executor's arrays are NCHW, so
each of these primitives would reorder its data in and its result out: eight reorders per
convolution, BatchNorm and relu a step, where MXNet, which keeps oneDNN's layout in its
arrays, pays almost none. Here an entry whose every reader and writer is such a primitive
(forward and backward) may hold the blocked layout its writer chose instead; the plan's
:class:`_onednn.Layouts` records which do, the next primitive reads it as it is, and
whatever else reads the arrays (the monitor, pictures, widgets) has them rewritten as NCHW
first (``Plan.plain``).

Which arrays may: the operator outputs (and the gradient buffers of those outputs) that are
float32 with 4 or 5 axes, not empty, own their memory, are no head and no head's gradient,
and that no other step touches. "Such a primitive" is a step that always runs in oneDNN:
``Convolution``, ``BatchNorm`` on axis 1, ``Activation`` relu, tanh or sigmoid,
``elemwise_add`` of oneDNN's sizes and max or average ``Pooling`` of MXNet's windows, each in
float32. Should one decline at run time anyway,
``_onednn`` rewrites its arrays as NCHW before NumPy reads them, and a step that writes one
of them through NumPy drops it from the record (:meth:`_onednn.Layouts.forget_stale`).

>>> import symnb as mx
>>> x = mx.sym.var('x')
>>> y = mx.sym.BatchNorm(mx.sym.Convolution(x, kernel=(3, 3), num_filter=16, name='c'),
...                      name='bn')
>>> ex = mx.sym.MakeLoss(mx.sym.sum(y)).simple_bind(mx.cpu(), x=(2, 16, 8, 8))
>>> lay = ex._plan.layouts            # None where oneDNN is not loaded
>>> conv_out = ex._plan.fwd_steps[0].outs[0]
>>> lay is None or conv_out.ctypes.data in lay.arrays
True
"""
from __future__ import annotations

import numpy as np

from ..ops import _onednn
from ..ops.elemwise import _ONEDNN_MIN_SIZE
from ..ops.norm import _real_axis
from ..ops.pooling import runs_in_onednn as _pooling_in_onednn

__all__ = ["plan_layouts"]

_ACTS = frozenset(("relu", "tanh", "sigmoid"))


def _f32(*arrays):
    return all(a is not None and a.dtype == np.float32 for a in arrays)


def _forward_in_onednn(step) -> bool:
    """Whether the step's forward always runs in oneDNN (``_onednn``'s primitives)."""
    name, p, ins, outs = step.op.name, step.params, step.ins, step.outs
    if name == "Convolution":
        return _f32(*ins, outs[0])
    if name == "BatchNorm":
        return _f32(ins[0], outs[0]) and _real_axis(p.axis, ins[0].ndim) == 1
    if name == "Activation":
        return p.act_type in _ACTS and _f32(ins[0], outs[0]) and 1 <= ins[0].ndim <= 5
    if name == "elemwise_add":
        return _f32(ins[0], ins[1], outs[0]) and ins[0].shape == ins[1].shape \
            and outs[0].size >= _ONEDNN_MIN_SIZE
    if name == "Pooling":
        return _pooling_in_onednn(p, ins[0], outs[0])
    return False


def _backward_in_onednn(step) -> bool:
    """Whether the step's backward (and its gradient sums) always run in oneDNN."""
    if not _forward_in_onednn(step):
        return False
    name, p, igrads, reqs = step.op.name, step.params, step.igrads, step.reqs
    if any(g is not None and g.dtype != np.float32 for g in igrads) or \
            step.ograds and step.ograds[0] is None:
        return False
    if name == "Convolution":
        # a bias gradient without the weights' is NumPy's sum over dy
        return p.no_bias or igrads[2] is None or igrads[1] is not None
    if name == "elemwise_add":
        # MXNet's in-place quirk for an added lhs gradient runs in NumPy
        return not (reqs[0] == "add" and igrads[0] is not None)
    if name == "Pooling":
        # an added gradient goes through a NumPy sum
        return igrads[0] is None or reqs[0] == "write"
    return True


def plan_layouts(plan):
    """The :class:`_onednn.Layouts` of a training plan whose convolutions run in oneDNN, or
    None where none of its arrays may hold a blocked layout."""
    if not plan.onednn or not plan.has_backward:
        return None
    fixed = {id(a) for a in plan.head_arrays if a is not None}
    fixed.update(id(e[1]) for e in plan.head_grad_bufs if e is not None)
    candidates = {}

    def consider(a):
        # owning its memory (views, and empty arrays, may share an address with another)
        if a is not None and id(a) not in fixed and a.base is None and a.size \
                and a.dtype == np.float32 and a.ndim in (4, 5) and a.flags.c_contiguous:
            candidates[id(a)] = a

    for step in plan.fwd_steps:
        for a in step.outs:
            consider(a)
    for step in plan.bwd_steps:
        for g in step.ograds:
            consider(g)
    for step in plan.bwd_steps:
        for target, scratch in step.post_adds:
            if id(target) in candidates:
                consider(scratch)
    # whatever another step touches stays NCHW
    for step in plan.fwd_steps:
        if step.scratch_slots or not _forward_in_onednn(step):
            for a in list(step.ins) + list(step.outs):
                candidates.pop(id(a), None)
    for step in plan.bwd_steps:
        if not _backward_in_onednn(step):
            touched = list(step.ins) + list(step.outs) + list(step.ograds) + \
                list(step.igrads) + [a for pair in step.post_adds for a in pair]
            for a in touched:
                if a is not None:
                    candidates.pop(id(a), None)
    if not candidates:
        return None
    layouts = _onednn.Layouts(candidates.values())
    _forget_after_numpy_writes(plan, layouts, candidates)
    return layouts


def _forgetting(run, written, layouts):
    stamp = _onednn.STEP

    def checked(is_train):
        run(is_train)
        layouts.forget_stale(written, stamp[0])
    return checked


def _forget_after_numpy_writes(plan, layouts, candidates):
    """Wrap the runs of steps writing arrays that may hold a blocked layout: an array the
    step wrote through NumPy (a gradient assigned from scratch) holds NCHW again."""
    for k, (run, step) in enumerate(zip(plan.fwd_runs, plan.fwd_run_steps, strict=True)):
        written = [a for a in step.outs if id(a) in candidates]
        if written:
            plan.fwd_runs[k] = _forgetting(run, written, layouts)
    for k, step in enumerate(plan.bwd_steps):
        written = [a for a in list(step.igrads) + [a for pair in step.post_adds for a in pair]
                   if a is not None and id(a) in candidates]
        if written:
            plan.bwd_runs[k] = _forgetting(plan.bwd_runs[k], written, layouts)
