"""``mx.io``: data descriptions, batches and data iterators (MXNet 1.9.1's ``mx.io``).

>>> import symnb as mx
>>> it = mx.io.NDArrayIter(mx.nd.ones((4, 3)), batch_size=2)
>>> [b.data[0].shape for b in it]
[(2, 3), (2, 3)]
"""
from . import io, utils
from ._native import (
    CSVIter,
    ImageDetRecordIter,
    ImageRecordInt8Iter,
    ImageRecordIter,
    ImageRecordIter_v1,
    ImageRecordUInt8Iter,
    ImageRecordUInt8Iter_v1,
    LibSVMIter,
    MNISTIter,
    MXDataIter,
)
from .io import DataBatch, DataDesc, DataIter, NDArrayIter, PrefetchingIter, ResizeIter
from .utils import _getdata_by_idx, _has_instance, _init_data  # noqa: F401 -- as mx.io exposes them

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter", "NDArrayIter",
           "MXDataIter", "CSVIter", "MNISTIter", "LibSVMIter", "ImageRecordIter",
           "ImageRecordUInt8Iter", "ImageRecordInt8Iter", "ImageDetRecordIter",
           "ImageRecordIter_v1", "ImageRecordUInt8Iter_v1", "io", "utils"]
