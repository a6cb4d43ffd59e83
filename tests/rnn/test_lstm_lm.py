"""An mx.rnn LSTM language model trained as MXNet's ``lstm_bucketing.py`` does (``_lm.py``):
BucketSentenceIter, a stack of LSTMCells unrolled per bucket, BucketingModule.fit with SGD,
Perplexity and Speedometer. The per-epoch perplexity must be MXNet 1.9.1's (``lm.json``)."""
from __future__ import annotations

import json
import logging
import pathlib
import sys

import numpy as np

import symnb as mx

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _lm  # noqa: E402


def test_lstm_bucketing_matches_mxnet(caplog, capsys):
    with open(HERE / "lm.json") as f:
        want = json.load(f)["perplexity_per_epoch"]
    with caplog.at_level(logging.INFO):
        got = _lm.run(mx, num_epoch=len(want))
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert "WARNING: discarded 0 sentences" in capsys.readouterr().out
    assert any("Train-perplexity=" in r.getMessage() for r in caplog.records)
    assert any("Speed:" in r.getMessage() and "samples/sec" in r.getMessage()
               for r in caplog.records)
