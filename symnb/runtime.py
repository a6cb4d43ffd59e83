"""``mx.runtime``: which build features are available (MXNet's ``Features``).

symnb builds no native code: the only optional feature is CUDA, through CuPy. (float32
convolutions may run in oneDNN, ops/_onednn.py, but MKLDNN stays off: its MXNet APIs, such as
the MKLDNN subgraph backend, are not there.)
"""
from __future__ import annotations

import collections

__all__ = ["Feature", "Features", "feature_list"]

# MXNet 1.9.1's features, every one in its order (include/mxnet/libinfo.h), so that
# ``is_enabled`` answers for each name a script may test
_NAMES = ("CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
          "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE",
          "F16C", "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK",
          "MKLDNN", "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE",
          "SIGNAL_HANDLER", "DEBUG", "TVM_OP")


class Feature(collections.namedtuple("Feature", ["name", "enabled"])):
    """One feature and whether it is enabled.

    >>> Feature('CUDA', False)
    ✖ CUDA
    """

    def __repr__(self):
        return "%s %s" % ("✔" if self.enabled else "✖", self.name)


def feature_list():
    """All features, in MXNet's naming.

    >>> any(f.name == 'BLAS_OPEN' and f.enabled for f in feature_list())
    True
    """
    from .context import num_gpus
    enabled = {"CUDA": num_gpus() > 0, "BLAS_OPEN": True, "LAPACK": True,
               "CXX14": True, "INT64_TENSOR_SIZE": True}
    return [Feature(name, enabled.get(name, False)) for name in _NAMES]


class Features(collections.OrderedDict):
    """Feature name -> Feature, with ``is_enabled``.

    >>> Features().is_enabled('MKLDNN')
    False
    """

    def __init__(self):
        super().__init__((f.name, f) for f in feature_list())

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether the feature (case-insensitive) is enabled; an unknown name raises.

        >>> Features().is_enabled('blas_open')
        True
        >>> Features().is_enabled('GPU')
        Traceback (most recent call last):
        ...
        RuntimeError: Feature 'GPU' is unknown, known features are: ['CUDA', ...]
        """
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError("Feature '{}' is unknown, known features are: {}".format(
                feature_name, list(self.keys())))
        return self[feature_name].enabled
