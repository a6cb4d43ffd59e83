"""Operators: pooling family (being written)."""
