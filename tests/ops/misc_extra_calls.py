"""Calls of the misc_extra and image operators, run by MXNet 1.9.1 (``record_misc_extra.py``)
and by symnb (``test_misc_extra.py``) alike: plain functions of ``(mx, np)``."""
from __future__ import annotations

# operators whose recorded MXNet facts are these calls (MXNet runs them through mx.nd only,
# or refuses their Python calls): tests/differential counts them as recorded
RECORDED_OPS = ("_broadcast_backward", "_contrib_backward_index_copy",
                "_contrib_backward_quadratic", "_contrib_boolean_mask", "_onehot_encode",
                "_sample_unique_zipfian", "_set_value", "_split_v2_backward",
                "fill_element_0index", "reset_arrays")


def _img(np, shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype(dtype)


def _resize(size, interp, shape=(5, 7, 3), dtype="float32", keep_ratio=False):
    def call(mx, np):
        x = mx.nd.array(_img(np, shape, dtype), dtype=dtype)
        return mx.nd.image.resize(x, size=size, interp=interp, keep_ratio=keep_ratio)
    return call


CALLS = {
    "allclose_close": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, 2.00001])),
    "allclose_far": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.array([1e10, 1e-7]), mx.nd.array([1.00001e10, 1e-8])),
    "allclose_nan": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.array([np.nan, 1]), mx.nd.array([np.nan, 1])),
    "allclose_nan_strict": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.array([np.nan, 1]), mx.nd.array([np.nan, 1]), equal_nan=False),
    "allclose_int": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.array([1, 2], dtype="int32"), mx.nd.array([1, 3], dtype="int32"), atol=1),
    "allclose_shapes": lambda mx, np: mx.nd.contrib.allclose(mx.nd.ones((2,)),
                                                             mx.nd.ones((3,))),
    "allclose_types": lambda mx, np: mx.nd.contrib.allclose(
        mx.nd.ones((2,)), mx.nd.ones((2,), dtype="float64")),
    "allclose_infer": lambda mx, np: mx.sym.contrib.allclose(
        mx.sym.var("a"), mx.sym.var("b")).infer_shape(a=(2, 3), b=(2, 3)),
    "allclose_infer_type": lambda mx, np: mx.sym.contrib.allclose(
        mx.sym.var("a"), mx.sym.var("b")).infer_type(a="float32", b="float64"),
    "boolean_mask": lambda mx, np: mx.nd.contrib.boolean_mask(
        mx.nd.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), mx.nd.array([0, 1, 1])),
    "boolean_mask_int_index": lambda mx, np: mx.nd.contrib.boolean_mask(
        mx.nd.array([[1, 2], [3, 4]], dtype="float64"), mx.nd.array([1, 0], dtype="int32")),
    "boolean_mask_empty": lambda mx, np: mx.nd.contrib.boolean_mask(
        mx.nd.ones((3, 2)), mx.nd.zeros((3,))),
    "boolean_mask_axis": lambda mx, np: mx.nd.contrib.boolean_mask(
        mx.nd.ones((3, 2)), mx.nd.ones((2,)), axis=1),
    "boolean_mask_length": lambda mx, np: mx.nd.contrib.boolean_mask(
        mx.nd.ones((3, 2)), mx.nd.ones((2,))),
    "boolean_mask_partial": lambda mx, np: mx.sym.contrib.boolean_mask(
        mx.sym.var("d"), mx.sym.var("i")).infer_shape_partial(d=(3, 2), i=(3,)),
    "boolean_mask_type": lambda mx, np: mx.sym.contrib.boolean_mask(
        mx.sym.var("d"), mx.sym.var("i")).infer_type(d="float64", i="int32"),
    "histogram_cnt": lambda mx, np: mx.nd.histogram(
        mx.nd.array([[0, 1], [2, 2], [3, 4]]), bins=5, range=(0, 5)),
    "histogram_edges": lambda mx, np: mx.nd.histogram(
        mx.nd.array([0, 1, 5, 6, 3, 3.0, -1, 7]), bins=mx.nd.array([0., 3., 6.])),
    "histogram_random": lambda mx, np: mx.nd.histogram(
        mx.nd.array(np.random.default_rng(1).normal(size=50)), bins=7, range=(-1.5, 2.0)),
    "histogram_degenerate": lambda mx, np: mx.nd.histogram(
        mx.nd.array([0, 1, 5, 6]), bins=2, range=(1, 1)),
    "histogram_int": lambda mx, np: mx.nd.histogram(
        mx.nd.array([0, 1, 5, 6, 3], dtype="int32"), bins=mx.nd.array([0, 3, 6],
                                                                       dtype="int32")),
    "histogram_bad_range": lambda mx, np: mx.nd.histogram(mx.nd.array([0, 1]), bins=2,
                                                          range=(3, 1)),
    "histogram_range3": lambda mx, np: mx.nd._internal._histogram(
        mx.nd.array([0, 1]), bin_cnt=2, range=(0, 1, 2)),
    "histogram_no_range": lambda mx, np: mx.nd._internal._histogram(mx.nd.array([0, 1]),
                                                                     bin_cnt=2),
    "histogram_bins_2d": lambda mx, np: mx.nd.histogram(mx.nd.array([0, 1]),
                                                        bins=mx.nd.ones((2, 2))),
    "histogram_bins_1": lambda mx, np: mx.nd.histogram(mx.nd.array([0, 1]),
                                                       bins=mx.nd.ones((1,))),
    "histogram_sym": lambda mx, np: mx.sym.histogram(
        mx.sym.var("a"), bins=4, range=(0, 1)).infer_shape(a=(3,)),
    "linspace": lambda mx, np: mx.nd.linspace(2.0, 3.0, 5),
    "linspace_open": lambda mx, np: mx.nd.linspace(2.0, 3.0, 5, endpoint=False,
                                                   dtype="float64"),
    "linspace_int": lambda mx, np: mx.nd.linspace(0, 1, 5, dtype="int32"),
    "linspace_one": lambda mx, np: mx.nd.linspace(0, 1, 1),
    "linspace_negative": lambda mx, np: mx.nd.linspace(0, 1, -1),
    "linspace_step": lambda mx, np: mx.nd._internal._linspace(start=0, stop=1, num=5,
                                                              step=2),
    "linspace_no_stop": lambda mx, np: mx.nd._internal._linspace(start=0, num=5),
    "onehot": lambda mx, np: mx.nd.onehot_encode(mx.nd.array([0, 2, 7]), mx.nd.zeros((3, 4))),
    "onehot_rows": lambda mx, np: mx.nd.onehot_encode(mx.nd.array([0, 1, 2]),
                                                      mx.nd.zeros((2, 3))),
    "onehot_float64": lambda mx, np: mx.nd.onehot_encode(
        mx.nd.array([0, 1]), mx.nd.zeros((2, 3), dtype="float64")),
    "fill": lambda mx, np: mx.nd.fill_element_0index(
        mx.nd.array([[1, 2, 3], [4, 5, 6]]), mx.nd.array([7, 8]), mx.nd.array([2, 0])),
    "fill_out_of_range": lambda mx, np: mx.nd.fill_element_0index(
        mx.nd.zeros((2, 3)), mx.nd.array([5, 6]), mx.nd.array([1, 7])),
    "fill_rows": lambda mx, np: mx.nd.fill_element_0index(
        mx.nd.zeros((2, 3)), mx.nd.array([5, 6, 7]), mx.nd.array([1, 2])),
    "fill_3d": lambda mx, np: mx.nd.fill_element_0index(
        mx.nd.zeros((2, 3, 2)), mx.nd.array([5, 6]), mx.nd.array([1, 2])),
    "set_value": lambda mx, np: mx.nd._internal._set_value(src=2.75,
                                                           out=mx.nd.zeros((2, 2))),
    "set_value_int": lambda mx, np: mx.nd._internal._set_value(
        src=3.5, out=mx.nd.zeros((3,), dtype="int32")),
    "set_value_no_out": lambda mx, np: mx.nd._internal._set_value(src=3.5),
    "reset_arrays_count": lambda mx, np: mx.nd.reset_arrays(mx.nd.ones((2,)),
                                                            num_arrays=2),
    "amp_cast_f16": lambda mx, np: mx.nd.amp_cast(mx.nd.array([1.5, 70000, -2.25]),
                                                  dtype="float16"),
    "amp_cast_int": lambda mx, np: mx.nd.amp_cast(mx.nd.array([1.5, 2.5, -0.5, 3.7]),
                                                  dtype="int32"),
    "amp_cast_int_in": lambda mx, np: mx.nd.amp_cast(mx.nd.array([1, 2], dtype="int32"),
                                                     dtype="float16"),
    "amp_cast_f64": lambda mx, np: mx.nd.amp_cast(mx.nd.array([1, 2], dtype="float64"),
                                                  dtype="float16"),
    "amp_cast_type": lambda mx, np: mx.sym.amp_cast(mx.sym.var("x"),
                                                    dtype="float16").infer_type(x="float32"),
    "amp_multicast_f32": lambda mx, np: mx.nd.amp_multicast(
        mx.nd.ones((2,)), mx.nd.ones((3,)), num_outputs=2),
    "amp_multicast_f16": lambda mx, np: mx.nd.amp_multicast(
        mx.nd.ones((2,), dtype="float16"), mx.nd.ones((3,)), num_outputs=2),
    "amp_multicast_count": lambda mx, np: mx.nd.amp_multicast(
        mx.nd.ones((2,)), mx.nd.ones((3,)), num_outputs=3),
    "amp_multicast_types": lambda mx, np: mx.sym.amp_multicast(
        mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"), num_outputs=3).infer_type(
        a="float16", b="float32", c="int32"),
    "amp_multicast_narrow_types": lambda mx, np: mx.sym.amp_multicast(
        mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"), num_outputs=3,
        cast_narrow=True).infer_type(a="float16", b="float32", c="float64"),
    "zipfian_rank": lambda mx, np: mx.nd._internal._sample_unique_zipfian(10, shape=(5,)),
    "zipfian_too_many": lambda mx, np: mx.nd._internal._sample_unique_zipfian(
        3, shape=(1, 5)),
    "zipfian_infer": lambda mx, np: mx.sym._internal._sample_unique_zipfian(
        10, shape=(2, 5)).infer_shape(),
    "zipfian_type": lambda mx, np: mx.sym._internal._sample_unique_zipfian(
        10, shape=(2, 5)).infer_type(),
    "rand_zipfian_names": lambda mx, np: [s.name for s in mx.sym.contrib.rand_zipfian(
        mx.sym.var("t"), 4, 10)],
    "rand_zipfian_json": lambda mx, np: mx.sym.Group(list(mx.sym.contrib.rand_zipfian(
        mx.sym.var("t"), 4, 10))).tojson(),
    "backward_gradientmultiplier": lambda mx, np: mx.nd.contrib.backward_gradientmultiplier(
        mx.nd.array([1.0, -2.0]), scalar=-0.5),
    "broadcast_backward_call": lambda mx, np: mx.nd._internal._broadcast_backward(
        mx.nd.ones((2, 2)), axis=0),
    "backward_index_copy_call": lambda mx, np: mx.nd.contrib.backward_index_copy(
        mx.nd.ones((2, 2)), mx.nd.ones((2, 2)), mx.nd.array([0]), mx.nd.ones((1, 2))),
    "backward_quadratic_call": lambda mx, np: mx.nd.contrib.backward_quadratic(
        mx.nd.ones((2,)), mx.nd.ones((2,)), a=1),
    "split_v2_backward_call": lambda mx, np: mx.nd._internal._split_v2_backward(
        mx.nd.ones((1, 2)), mx.nd.ones((1, 2)), indices=(0, 1), axis=0),
    "split_v2_fluent": lambda mx, np: mx.nd.array([[1, 2], [3, 4], [5, 6]]).split_v2((1,)),
    "split_v2_fluent_sym": lambda mx, np: mx.sym.var("x").split_v2(3, axis=1).infer_shape(
        x=(2, 6)),
    "syncbn_infer": lambda mx, np: mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k", name="bn").infer_shape(x=(2, 3, 4, 4)),
    "syncbn_names": lambda mx, np: (mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k", name="bn").list_arguments(), mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k", name="bn").list_auxiliary_states()),
    "syncbn_no_key": lambda mx, np: mx.nd.contrib.SyncBatchNorm(
        mx.nd.ones((2, 3)), mx.nd.ones((3,)), mx.nd.ones((3,)), mx.nd.zeros((3,)),
        mx.nd.ones((3,))),
    "syncbn_types": lambda mx, np: mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k").infer_type(x="int32"),
    "syncbn_types16": lambda mx, np: mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k").infer_type(x="float16"),
    "syncbn_bad_gamma": lambda mx, np: mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), mx.sym.var("g"), key="k").infer_type(x="float32", g="float64"),
    "syncbn_1d": lambda mx, np: mx.sym.contrib.SyncBatchNorm(
        mx.sym.var("x"), key="k").infer_shape(x=(4,)),
    "syncbn_f64": lambda mx, np: mx.nd.contrib.SyncBatchNorm(
        mx.nd.ones((2, 3), dtype="float64"), mx.nd.ones((3,), dtype="float64"),
        mx.nd.ones((3,), dtype="float64"), mx.nd.zeros((3,), dtype="float64"),
        mx.nd.ones((3,), dtype="float64"), key="a"),
    "syncbn_3d": lambda mx, np: mx.nd.contrib.SyncBatchNorm(
        mx.nd.array(np.arange(24.0).reshape(2, 3, 4)), mx.nd.ones((3,)), mx.nd.ones((3,)),
        mx.nd.zeros((3,)), mx.nd.ones((3,)) * 2, key="a"),
    "bnrelu_infer": lambda mx, np: mx.sym.contrib.BatchNormWithReLU(
        mx.sym.var("x"), name="bn").infer_shape(x=(2, 3, 4, 4)),
    "bnrelu_forward": lambda mx, np: mx.nd.contrib.BatchNormWithReLU(
        mx.nd.array(np.linspace(-2, 2, 24).reshape(2, 3, 2, 2)), mx.nd.ones((3,)),
        mx.nd.array([0.1, -0.2, 0.3]), mx.nd.array([0.5, 0, -0.5]), mx.nd.ones((3,)) * 2,
        use_global_stats=True, fix_gamma=False),
    # image
    "adjust_lighting": lambda mx, np: mx.nd.image.adjust_lighting(
        mx.nd.array(_img(np, (2, 3, 3))), alpha=(0.1, -0.2, 0.3)),
    "adjust_lighting_u8": lambda mx, np: mx.nd.image.adjust_lighting(
        mx.nd.array(_img(np, (2, 3, 3), "uint8"), dtype="uint8"), alpha=(1.0, -2.0, 3.0)),
    "adjust_lighting_4d": lambda mx, np: mx.nd.image.adjust_lighting(
        mx.nd.ones((2, 1, 2, 3)), alpha=(0.1, 0.2, 0.3)),
    "adjust_lighting_2ch": lambda mx, np: mx.nd.image.adjust_lighting(
        mx.nd.ones((1, 2, 2)), alpha=(0.1, 0.2, 0.3)),
    "brightness_u8": lambda mx, np: mx.nd.image.random_brightness(
        mx.nd.array(_img(np, (2, 3, 3), "uint8"), dtype="uint8"), min_factor=1.7,
        max_factor=1.7),
    "brightness_negative": lambda mx, np: mx.nd.image.random_brightness(
        mx.nd.ones((1, 2, 3)), min_factor=-1, max_factor=1),
    "contrast": lambda mx, np: mx.nd.image.random_contrast(
        mx.nd.array(_img(np, (2, 3, 3))), min_factor=0.6, max_factor=0.6),
    "contrast_gray": lambda mx, np: mx.nd.image.random_contrast(
        mx.nd.array(_img(np, (2, 3, 1))), min_factor=1.6, max_factor=1.6),
    "contrast_u8": lambda mx, np: mx.nd.image.random_contrast(
        mx.nd.array(_img(np, (2, 3, 3), "uint8"), dtype="uint8"), min_factor=2.0,
        max_factor=2.0),
    "saturation": lambda mx, np: mx.nd.image.random_saturation(
        mx.nd.array(_img(np, (2, 3, 3))), min_factor=1.8, max_factor=1.8),
    "saturation_gray": lambda mx, np: mx.nd.image.random_saturation(
        mx.nd.array(_img(np, (2, 3, 1))), min_factor=1.8, max_factor=1.8),
    "hue": lambda mx, np: mx.nd.image.random_hue(
        mx.nd.array(_img(np, (3, 3, 3))), min_factor=0.4, max_factor=0.4),
    "hue_negative": lambda mx, np: mx.nd.image.random_hue(
        mx.nd.array(_img(np, (3, 3, 3))), min_factor=-0.3, max_factor=0.3),
    "hue_u8": lambda mx, np: mx.nd.image.random_hue(
        mx.nd.array(_img(np, (3, 3, 3), "uint8"), dtype="uint8"), min_factor=0.7,
        max_factor=0.7),
    "jitter_off": lambda mx, np: mx.nd.image.random_color_jitter(
        mx.nd.ones((1, 2, 3)), brightness=0, contrast=0, saturation=0, hue=0),
    "lighting_zero": lambda mx, np: mx.nd.image.random_lighting(
        mx.nd.array(_img(np, (2, 2, 3))), alpha_std=0),
    "flip_bad": lambda mx, np: mx.nd.image.random_flip_top_bottom(mx.nd.ones((2, 2))),
    "resize_partial": lambda mx, np: mx.sym.image.resize(
        mx.sym.var("x"), size=(5, 6)).infer_shape_partial(x=(0, 0, 3)),
    "resize_keep": lambda mx, np: mx.sym.image.resize(
        mx.sym.var("x"), size=5, keep_ratio=True).infer_shape(x=(9, 4, 3)),
    "resize_keep_wide": lambda mx, np: mx.sym.image.resize(
        mx.sym.var("x"), size=5, keep_ratio=True).infer_shape(x=(2, 7, 1)),
    "resize_no_size": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3))),
    "resize_zero": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3)), size=0),
    "resize_zero_h": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3)), size=(2, 0)),
    "resize_2d": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 3)), size=2),
    "resize_f16": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3), dtype="float16"),
                                                    size=2),
    "resize_int32": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3), dtype="int32"),
                                                      size=2),
    "resize_interp": lambda mx, np: mx.nd.image.resize(mx.nd.ones((2, 2, 3)), size=2,
                                                       interp=7),
    "resize_batch": _resize((3, 2), 1, shape=(2, 4, 5, 3)),
}
for _dtype in ("float32", "float64", "uint8"):
    for _interp in range(5):
        for _size in ((3, 2), (9, 8), (4, 6), (6,)) if _dtype != "float64" else ((3, 2), (6,)):
            CALLS["resize_%s_%d_%s" % (_dtype, _interp, "x".join(map(str, _size)))] = \
                _resize(_size, _interp, dtype=_dtype)
CALLS["resize_keep_ratio"] = _resize((4,), 1, keep_ratio=True)
CALLS["onehot_symbol"] = lambda mx, np: mx.sym._internal._onehot_encode(mx.sym.var("a"),
                                                                        mx.sym.var("b"))
CALLS["fill_symbol"] = lambda mx, np: mx.sym.fill_element_0index(
    mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"))
CALLS["set_value_symbol"] = lambda mx, np: mx.sym._internal._set_value(src=2).list_outputs()
CALLS["linspace_empty"] = lambda mx, np: mx.nd.linspace(0, 1, 0)
