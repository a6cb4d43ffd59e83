"""Inference fusion (executor/_fuse.py): a convolution with the BatchNorm, residual add and relu
after it runs as one oneDNN convolution in executors without gradients, as MXNet's MKLDNN
subgraph backend; the results are the operators' own to float32 rounding, every write to a
weight or statistic is seen, and nothing fuses where a node's output is read elsewhere."""
from __future__ import annotations

import numpy as np
import pytest

import symnb as mx
from symnb.executor import _fuse
from symnb.ops import _onednn

from ..conftest import fill_random

needs_onednn = pytest.mark.skipif(not _onednn.available(),
                                  reason="oneDNN is not installed or SYMNB_ONEDNN=0")


def _block(x, c, name, down=False):
    stride = (2, 2) if down else (1, 1)
    y = mx.sym.Convolution(x, num_filter=c, kernel=(3, 3), pad=(1, 1), stride=stride,
                           no_bias=True, name=name + "c1")
    y = mx.sym.Activation(mx.sym.BatchNorm(y, fix_gamma=False, name=name + "bn1"),
                          act_type="relu", name=name + "r1")
    y = mx.sym.Convolution(y, num_filter=c, kernel=(3, 3), pad=(1, 1), no_bias=True,
                           name=name + "c2")
    y = mx.sym.BatchNorm(y, fix_gamma=False, name=name + "bn2")
    if down:
        x = mx.sym.Convolution(x, num_filter=c, kernel=(1, 1), stride=(2, 2), no_bias=True,
                               name=name + "cd")
        x = mx.sym.BatchNorm(x, fix_gamma=False, name=name + "bnd")
    return mx.sym.Activation(mx.sym.elemwise_add(x, y, name=name + "add"), act_type="relu",
                             name=name + "r2")


def resnet_like():
    x = mx.sym.var("data")
    y = mx.sym.Convolution(x, num_filter=16, kernel=(3, 3), pad=(1, 1), name="stem")
    y = mx.sym.Activation(mx.sym.BatchNorm(y, name="bn0"), act_type="relu", name="r0")
    return _block(_block(y, 16, "a"), 32, "b", down=True)


SHAPES = {"data": (2, 8, 12, 12)}


def _fill(ex, seed=0):
    fill_random(ex, np.random.default_rng(seed))


def _rebound(sym, ex):
    """``sym`` bound without gradients on copies of ``ex``'s arguments and aux states."""
    return sym.bind(mx.cpu(), {k: v.copy() for k, v in ex.arg_dict.items()},
                    aux_states={k: v.copy() for k, v in ex.aux_dict.items()}, grad_req="null")


def _unfused(sym, ex, monkeypatch, is_train=False):
    """The outputs of the same graph bound with fusion off, on copies of ``ex``'s arrays."""
    monkeypatch.setenv("MXNET_SUBGRAPH_BACKEND", "NONE")
    other = _rebound(sym, ex)
    monkeypatch.delenv("MXNET_SUBGRAPH_BACKEND")
    assert not other._plan.fusion_groups
    return [o.asnumpy() for o in other.forward(is_train=is_train)]


def _close(got, want, scale=None):
    """Equal to float32 rounding of values about ``scale`` (default: the largest wanted)."""
    scale = max(float(np.abs(want).max()), 1.0) if scale is None else scale
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-6 * scale)


@needs_onednn
def test_resnet_blocks_fuse_as_mxnet_does(monkeypatch):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    assert [[n.name for n in g.nodes] for g in ex._plan.fusion_groups] == [
        ["stem", "bn0", "r0"], ["ac1", "abn1", "ar1"], ["ac2", "abn2", "aadd", "ar2"],
        ["bcd", "bbnd"], ["bc1", "bbn1", "br1"], ["bc2", "bbn2", "badd", "br2"]]
    _fill(ex)
    calls = _onednn.CALLS[0]
    got = ex.forward()[0].asnumpy()
    assert ex._plan.fused_ran
    # one oneDNN call per fused group: the operators inside it did not run
    assert _onednn.CALLS[0] - calls == len(ex._plan.fusion_groups)
    _close(got, _unfused(sym, ex, monkeypatch)[0])
    np.testing.assert_array_equal(ex.forward()[0].asnumpy(), got)      # cached weights


@needs_onednn
def test_training_forward_runs_each_operator(monkeypatch):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    got = ex.forward(is_train=True)[0].asnumpy()
    assert not ex._plan.fused_ran
    np.testing.assert_array_equal(got, _unfused(sym, ex, monkeypatch, is_train=True)[0])


@needs_onednn
@pytest.mark.parametrize("what", ["gamma", "beta", "moving_mean", "moving_var", "weight"])
def test_writes_to_folded_arrays_are_seen(monkeypatch, what):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    first = ex.forward()[0].asnumpy()
    name = {"weight": "ac2_weight", "gamma": "abn2_gamma", "beta": "abn2_beta"}.get(
        what, "abn2_" + what)
    target = ex.arg_dict[name] if name in ex.arg_dict else ex.aux_dict[name]
    target[:] = target.asnumpy() * 0.5 + 0.25
    got = ex.forward()[0].asnumpy()
    assert not np.array_equal(got, first)
    _close(got, _unfused(sym, ex, monkeypatch)[0])


@needs_onednn
def test_fix_gamma_folds_gamma_as_one_and_leaves_it_alone(monkeypatch):
    x = mx.sym.var("data")
    sym = mx.sym.BatchNorm(mx.sym.Convolution(x, num_filter=8, kernel=(3, 3), name="c"),
                           fix_gamma=True, name="bn")
    ex = sym.simple_bind(mx.cpu(), grad_req="null", data=(1, 8, 6, 6))
    _fill(ex)
    gamma = ex.arg_dict["bn_gamma"].asnumpy()
    assert len(ex._plan.fusion_groups) == 1
    _close(ex.forward()[0].asnumpy(), _unfused(sym, ex, monkeypatch)[0])
    np.testing.assert_array_equal(ex.arg_dict["bn_gamma"].asnumpy(), gamma)


def _groups(sym, grad_req="null", dtype=np.float32, **shapes):
    ex = sym.simple_bind(mx.cpu(), grad_req=grad_req, type_dict={"data": dtype}, **shapes)
    return [[n.name for n in g.nodes] for g in ex._plan.fusion_groups]


@needs_onednn
def test_nothing_fuses_where_an_inner_output_is_read():
    x = mx.sym.var("data")
    conv = mx.sym.Convolution(x, num_filter=8, kernel=(3, 3), name="c")
    bn = mx.sym.BatchNorm(conv, name="bn")
    relu = mx.sym.Activation(bn, act_type="relu", name="r")
    shape = {"data": (1, 8, 6, 6)}
    assert _groups(relu, **shape) == [["c", "bn", "r"]]
    # bn is a head: written as the group's result, so relu stays out
    assert _groups(mx.sym.Group([bn, relu]), **shape) == [["c", "bn"]]
    assert _groups(mx.sym.Group([conv, relu]), **shape) == []
    assert _groups(relu + conv, **shape) == []                       # conv read twice
    assert _groups(relu, grad_req="write", **shape) == []            # a backward
    assert _groups(relu, dtype=np.float64, **shape) == []
    with_stats = mx.sym.BatchNorm(conv, output_mean_var=True, name="bn")
    assert _groups(with_stats, **shape) == []
    softrelu = mx.sym.Activation(bn, act_type="softrelu")
    assert _groups(softrelu, **shape) == [["c", "bn"]]
    conv1d = mx.sym.Convolution(x, num_filter=8, kernel=(3,), name="c")
    assert _groups(mx.sym.BatchNorm(conv1d), data=(1, 8, 6)) == []   # MXNet: 2-D and 3-D

@needs_onednn
@pytest.mark.parametrize("env", ["MXNET_SUBGRAPH_BACKEND=NONE",
                                 "MXNET_DISABLE_MKLDNN_CONV_OPT=1"])
def test_mxnets_switches_turn_it_off(monkeypatch, env):
    monkeypatch.setenv(*env.split("="))
    assert _groups(resnet_like(), **SHAPES) == []


@needs_onednn
@pytest.mark.parametrize("part, left", [("BN", ["c", "r"]), ("SUM", ["c", "bn"]),
                                        ("RELU", ["c", "bn", "add"])])
def test_mxnets_switches_leave_a_part_out(monkeypatch, part, left):
    x = mx.sym.var("data")
    y = mx.sym.BatchNorm(mx.sym.Convolution(x, num_filter=8, kernel=(3, 3), pad=(1, 1),
                                            name="c"), name="bn")
    y = mx.sym.Activation(mx.sym.elemwise_add(y, x, name="add"), act_type="relu", name="r")
    monkeypatch.setenv("MXNET_DISABLE_MKLDNN_FUSE_CONV_" + part, "1")
    got = _groups(y, data=(1, 8, 6, 6))
    if part == "BN":            # the convolution's sole reader is BatchNorm: nothing fuses
        assert got == []
    else:
        assert got == [left]


@needs_onednn
def test_a_declined_fused_call_runs_the_operators(monkeypatch):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    want = _unfused(sym, ex, monkeypatch)[0]
    monkeypatch.setattr(_onednn, "fused_conv_call", lambda *a, **k: lambda: False)
    ex2 = _rebound(sym, ex)
    np.testing.assert_array_equal(ex2.forward()[0].asnumpy(), want)


@needs_onednn
def test_profiler_names_the_fused_node(tmp_path):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    mx.profiler.set_config(profile_symbolic=True, filename=str(tmp_path / "p.json"))
    mx.profiler.set_state("run")
    ex.forward()
    mx.profiler.set_state("stop")
    table = mx.profiler.dumps(reset=True)
    assert _fuse.FUSED_OP_NAME in table and "BatchNorm" not in table


@needs_onednn
def test_pictures_mark_the_fused_entries():
    from symnb.pictures.executor_view import executor_document
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    ex.forward()
    states = {n["name"]: n["value"]["state"] for n in executor_document(ex, {})["nodes"]
              if n["section"] == "forward"}
    assert states["stem"] == states["bn0"] == "fused"
    assert states["br2"] != "fused"                                  # the result is written
    ex.forward(is_train=True)
    states = {n["name"]: n["value"]["state"] for n in executor_document(ex, {})["nodes"]
              if n["section"] == "forward"}
    assert "fused" not in states.values()


@needs_onednn
def test_results_read_only_by_groups_stay_blocked(monkeypatch):
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    heads = sym._heads
    kept, pooled = _fuse.blocked_entries(ex._plan, ex._plan.fusion_groups, heads)
    names = {id(g.nodes[-1]): g.nodes[-1].name for g in ex._plan.fusion_groups}
    # the stem's result feeds block a's convolution and its add; the last one is the output
    assert sorted(names[k[0]] for k in kept) == ["ar1", "ar2", "bbnd", "br1", "r0"]
    assert not pooled
    _close(ex.forward()[0].asnumpy(), _unfused(sym, ex, monkeypatch)[0])


@needs_onednn
@pytest.mark.parametrize("declined", [1, 2, 3, 5])
def test_a_declined_group_reads_its_blocked_inputs_as_nchw(monkeypatch, declined):
    # group `declined` (in plan order) runs operator by operator on every forward: its
    # inputs, written blocked by the groups before, are turned back into NCHW first
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    _fill(ex)
    want = _unfused(sym, ex, monkeypatch)[0]
    real, made, ran = _onednn.fused_conv_call, [0], []

    def flaky(*args, **kw):             # the plan makes one call per group, in plan order
        run, index = real(*args, **kw), made[0]
        made[0] += 1

        def call():
            ran.append(index)
            return False if index == declined else run()
        return call

    monkeypatch.setattr(_onednn, "fused_conv_call", flaky)
    ex2 = _rebound(sym, ex)
    for _ in range(2):
        _close(ex2.forward()[0].asnumpy(), want)
    assert sorted(set(ran)) == list(range(len(ex._plan.fusion_groups))) and declined in ran


CONV_CASES = [  # (data shape, Convolution keywords)
    ((2, 16, 9, 9), dict(num_filter=16, kernel=(3, 3), pad=(1, 1), num_group=16)),  # depthwise
    ((2, 16, 9, 9), dict(num_filter=32, kernel=(3, 3), num_group=4, stride=(2, 2))),
    ((2, 8, 9, 9), dict(num_filter=24, kernel=(1, 1), stride=(2, 2))),               # with bias
    ((2, 3, 15, 15), dict(num_filter=8, kernel=(7, 7), stride=(2, 2), pad=(3, 3))),  # a stem
    ((2, 5, 7, 7), dict(num_filter=6, kernel=(3, 3), pad=(1, 1), dilate=(2, 2))),  # not blocks
    ((1, 8, 5, 6, 6), dict(num_filter=8, kernel=(3, 3, 3), pad=(1, 1, 1))),          # 3-D
]


@needs_onednn
@pytest.mark.parametrize("shape, kw", CONV_CASES)
@pytest.mark.parametrize("tail", ["bn", "bn_relu", "bn_add_relu", "relu", "add", "bn_tanh",
                                  "add_sigmoid"])
def test_every_convolution_geometry_fuses_to_the_operators_numbers(monkeypatch, shape, kw,
                                                                   tail):
    x = mx.sym.var("data")
    y = mx.sym.Convolution(x, name="c", **kw)
    if tail.startswith("bn"):
        y = mx.sym.BatchNorm(y, fix_gamma=False, eps=1e-3, name="bn")
    if "add" in tail:
        y = mx.sym.elemwise_add(y, mx.sym.var("res"), name="add")
    act = tail.rsplit("_", 1)[-1]
    if act in ("relu", "tanh", "sigmoid"):
        y = mx.sym.Activation(y, act_type=act, name="r")
    out_shape = mx.sym.Convolution(x, **kw).infer_shape(data=shape)[1][0]
    shapes = {"data": shape, **({"res": out_shape} if "add" in tail else {})}
    ex = y.simple_bind(mx.cpu(), grad_req="null", **shapes)
    assert [len(g.nodes) for g in ex._plan.fusion_groups] == [2 + tail.count("_")]
    _fill(ex, seed=len(tail))
    calls = _onednn.CALLS[0]
    got = ex.forward()[0].asnumpy()
    assert _onednn.CALLS[0] - calls == 1              # one fused call, no fallback
    # tanh and sigmoid are bounded: their inputs' rounding, about 10x larger, is what shows
    _close(got, _unfused(y, ex, monkeypatch)[0], scale=10.0 if act in ("tanh", "sigmoid")
           else None)


@needs_onednn
def test_a_result_read_as_a_weight_stays_nchw(monkeypatch):
    x = mx.sym.var("data")
    a = mx.sym.Activation(mx.sym.Convolution(x, num_filter=8, kernel=(1, 1), name="a"),
                          act_type="relu", name="ra")
    # the next convolution reads ra both as its data and (reshaped away: as is) its weight
    b = mx.sym.Convolution(a, weight=a, num_filter=1, kernel=(8, 8), no_bias=True, name="b")
    y = mx.sym.Activation(b, act_type="relu", name="rb")
    ex = y.simple_bind(mx.cpu(), grad_req="null", data=(1, 8, 8, 8))
    assert [[n.name for n in g.nodes] for g in ex._plan.fusion_groups] == [["a", "ra"],
                                                                           ["b", "rb"]]
    assert not _fuse.blocked_entries(ex._plan, ex._plan.fusion_groups, y._heads)[0]
    _fill(ex)
    _close(ex.forward()[0].asnumpy(), _unfused(y, ex, monkeypatch)[0])


def pooled_stem():
    """ResNet's stem: a convolution, BatchNorm, relu and a 3x3 max pooling of stride 2."""
    y = mx.sym.Convolution(mx.sym.var("data"), num_filter=16, kernel=(3, 3), pad=(1, 1),
                           name="stem")
    y = mx.sym.Activation(mx.sym.BatchNorm(y, name="bn0"), act_type="relu", name="r0")
    return mx.sym.Pooling(y, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max",
                          name="pool")


def _pooled_net():
    """ResNet's stem and its max pooling, a block, and a global average pooling."""
    y = _block(pooled_stem(), 16, "a")
    return mx.sym.Pooling(y, global_pool=True, kernel=(1, 1), pool_type="avg", name="gap")


POOL_SHAPES = {"data": (2, 8, 16, 16)}


def _pooled_bound():
    sym = _pooled_net()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **POOL_SHAPES)
    _fill(ex)
    return sym, ex


@needs_onednn
def test_poolings_between_groups_read_and_write_blocked_entries(monkeypatch):
    sym, ex = _pooled_bound()
    plan = ex._plan
    _, pooled = _fuse.blocked_entries(plan, plan.fusion_groups, sym._heads)
    by_id = {id(s.node): s.node.name for s in plan.fwd_steps}
    # the stem's result (the pooling's data), the pooling's result (block a's data and
    # residual), block a's result (the global pooling's data)
    assert sorted(by_id[k[0]] for k in pooled) == ["ar2", "pool", "r0"]
    got = ex.forward()[0].asnumpy()
    assert all(layout.md is not None for layout, _ in plan.pooled_layouts)
    _close(got, _unfused(sym, ex, monkeypatch)[0])


@needs_onednn
def test_entries_beside_poolings_are_shown_as_nchw_after_an_inference_forward(monkeypatch):
    from symnb.pictures.executor_view import executor_document
    sym, ex = _pooled_bound()
    ex.forward()
    pool = next(s for s in ex._plan.fwd_steps if s.node.name == "pool")
    # a reader of one array gets an NCHW copy, the entry keeps its layout
    blocked = pool.outs[0].copy()
    seen = ex._plan.readable(pool.outs[0])
    assert seen is not pool.outs[0] and np.array_equal(pool.outs[0], blocked)
    doc = executor_document(ex, track=False)        # rewrites them as NCHW
    assert all(layout.md is None for layout, _ in ex._plan.pooled_layouts)
    np.testing.assert_array_equal(pool.outs[0], seen)
    monkeypatch.setenv("MXNET_SUBGRAPH_BACKEND", "NONE")
    ref = _rebound(sym, ex)
    ref.forward()
    ref_pool = next(s for s in ref._plan.fwd_steps if s.node.name == "pool")
    _close(pool.outs[0], ref_pool.outs[0])
    shown = next(n["value"] for n in doc["nodes"] if n["title"] == "pool_output")
    assert shown["state"] == "summary"
    np.testing.assert_allclose(shown["max"], ref_pool.outs[0].max(), rtol=1e-5)


@needs_onednn
def test_a_declined_pooling_reads_its_blocked_data_as_nchw(monkeypatch):
    sym, ex = _pooled_bound()
    want = _unfused(sym, ex, monkeypatch)[0]
    real = _onednn.pool_forward
    monkeypatch.setattr(_onednn, "pool_forward", lambda *a, layouts=None, **k: False
                        if layouts is not None else real(*a, **k))
    ex2 = _rebound(sym, ex)
    for _ in range(2):
        _close(ex2.forward()[0].asnumpy(), want)
    assert all(layout.md is None for layout, a in ex2._plan.pooled_layouts
               if a.shape[2:] == (8, 8))             # the pooling's result: NumPy's NCHW


@needs_onednn
def test_a_training_forward_after_an_inference_one_is_read_as_it_is(monkeypatch):
    # the layouts of the last inference run must not be applied to a training run's arrays
    sym, ex = _pooled_bound()
    ex.forward()
    ex.forward(is_train=True)
    pool = next(s for s in ex._plan.fwd_steps if s.node.name == "pool")
    before = pool.outs[0].copy()
    ex._plan.plain()
    assert ex._plan.readable(pool.outs[0]) is pool.outs[0]
    np.testing.assert_array_equal(pool.outs[0], before)


def _names(plan, keys):
    by_id = {id(s.node): s.node.name for s in plan.fwd_steps}
    return sorted(by_id[k[0]] for k in keys)


@needs_onednn
def test_sums_run_in_place_of_a_residual_only_groups_read(monkeypatch):
    # as MXNet's fused convolution sums: block a's result takes the stem's memory (read by
    # block a's convolution and its add), block b's the shortcut convolution's
    sym = resnet_like()
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    plan = ex._plan
    assert _names(plan, plan.in_place_sums) == ["ar2", "br2"]
    assert _names(plan, plan.in_place_sums.values()) == ["bbnd", "r0"]
    for result, residual in plan.in_place_sums.items():
        assert plan.entry_arrays[result] is plan.entry_arrays[residual]
    _fill(ex)
    want = _unfused(sym, ex, monkeypatch)[0]
    calls = _onednn.CALLS[0]
    got = ex.forward()[0].asnumpy()
    # no copy of the residual first: one oneDNN call per group
    assert _onednn.CALLS[0] - calls == len(plan.fusion_groups)
    _close(got, want)
    np.testing.assert_array_equal(ex.forward()[0].asnumpy(), got)
    np.testing.assert_array_equal(ex.forward(is_train=True)[0].asnumpy(),
                                  _unfused(sym, ex, monkeypatch, is_train=True)[0])


@needs_onednn
def test_no_sum_in_place_of_a_residual_read_later():
    # the stem's result is also read by a convolution after block a: its memory stays
    x = mx.sym.var("data")
    stem = mx.sym.Activation(mx.sym.BatchNorm(mx.sym.Convolution(
        x, num_filter=16, kernel=(3, 3), pad=(1, 1), name="stem"), name="bn0"),
        act_type="relu", name="r0")
    late = mx.sym.Activation(mx.sym.Convolution(stem, num_filter=16, kernel=(1, 1),
                                                name="late"), act_type="relu", name="rl")
    y = _block(stem, 16, "a") + late
    ex = y.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    assert ["late", "rl"] in [[n.name for n in g.nodes] for g in ex._plan.fusion_groups]
    assert not ex._plan.in_place_sums


@needs_onednn
def test_an_in_place_result_read_by_numpy_is_shown_with_its_values(monkeypatch):
    from symnb.pictures.executor_view import executor_document
    x = mx.sym.var("data")
    stem = mx.sym.Activation(mx.sym.BatchNorm(mx.sym.Convolution(
        x, num_filter=16, kernel=(3, 3), pad=(1, 1), name="stem"), name="bn0"),
        act_type="relu", name="r0")
    y = mx.sym.sum(_block(stem, 16, "a"), name="total")
    ex = y.simple_bind(mx.cpu(), grad_req="null", **SHAPES)
    assert _names(ex._plan, ex._plan.in_place_sums) == ["ar2"]
    _fill(ex)
    ex.forward()
    monkeypatch.setenv("MXNET_SUBGRAPH_BACKEND", "NONE")
    ref = _rebound(y, ex)
    ref.forward()
    want = next(s.outs[0] for s in ref._plan.fwd_steps if s.node.name == "ar2")
    shown = {n["title"]: n["value"] for n in executor_document(ex, {})["nodes"]}
    assert shown["r0_output"]["state"] == "fused"      # its memory holds block a's result
    assert shown["ar2_output"]["state"] == "summary"
    np.testing.assert_allclose(shown["ar2_output"]["max"], want.max(), rtol=1e-5)


@needs_onednn
def test_a_chain_of_groups_reuses_the_memory_each_one_read():
    y = mx.sym.var("data")
    for k in range(6):
        y = mx.sym.Activation(mx.sym.BatchNorm(mx.sym.Convolution(
            y, num_filter=8, kernel=(3, 3), pad=(1, 1), name="c%d" % k), name="bn%d" % k),
            act_type="relu", name="r%d" % k)
    ex = y.simple_bind(mx.cpu(), grad_req="null", data=(2, 8, 6, 6))
    assert len(ex._plan.fusion_groups) == 6
    # a group's data, result and inner entries, then the next group's: not one more each
    maps = {id(a) for a in ex._plan.entry_arrays.values() if a.shape == (2, 8, 6, 6)}
    assert len(maps) <= 4
