"""Operators: norm family (being written)."""
