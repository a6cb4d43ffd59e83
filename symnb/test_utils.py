"""mx.test_utils (being written)."""
