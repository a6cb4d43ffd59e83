"""Operators: matrix family (being written)."""
