"""mx.random (being written)."""
